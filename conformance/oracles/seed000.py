"""Seed 000: exponential_decay_with_burnin, a TF1 function (run with tf.compat.v1)."""

import tensorflow.compat.v1 as tf


def exponential_decay_with_burnin(global_step, initial_learning_rate, decay_steps, decay_rate, burnin_steps):
    # define the learning rate
    global_step = tf.cast(global_step, tf.float32)
    learning_rate = tf.cond(
        global_step < burnin_steps,
        lambda: initial_learning_rate * (global_step / burnin_steps) ** 4,
        lambda: tf.train.exponential_decay(initial_learning_rate, global_step - burnin_steps, decay_steps, decay_rate))
    return learning_rate
