"""Seed 002: the two ways it feeds tf.train.exponential_decay a global_step (TF1)."""

import tensorflow.compat.v1 as tf


def variable_global_step(learning_rate, decay_steps, decay_rate, staircase):
    """First form: global_step is a variable that minimize() increments."""
    global_step = tf.Variable(tf.constant(0))
    learning_rate = tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
                                               staircase=staircase)
    return global_step, learning_rate


def placeholder_global_step(learning_rate, decay_steps, decay_rate, staircase):
    """Second form: global_step is a float32 placeholder fed the iteration i."""
    global_step = tf.placeholder(tf.float32, shape=())
    learning_rate = tf.train.exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
                                               staircase=staircase)
    return global_step, learning_rate
