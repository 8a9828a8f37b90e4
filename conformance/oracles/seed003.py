"""Seed 003: three stateful keras LearningRateSchedule subclasses, as the seed writes
them (comments translated). ``from tensorflow import keras`` is Keras 3 in TF 2.21,
and tf_keras when TF_USE_LEGACY_KERAS=1."""

import math
import tensorflow as tf
from tensorflow import keras

# eager mode, so that graph mode does not fail
tf.config.experimental_run_functions_eagerly(True)

class ExponentialDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial_lr, decay_rate, min_lr, print_step):
        super(ExponentialDecay, self).__init__()
        self.initial_lr = tf.cast(initial_lr, tf.float32)
        self.decay_rate = tf.cast(decay_rate, tf.float32)
        self.min_lr = tf.cast(min_lr, tf.float32)
        self.print_step = print_step
        self.learning_rate_list = []
        self.current = self.initial_lr
        self.epoch = 0
    def __call__(self, step):
        # adjust the learning rate every print_step batches
        if step % self.print_step == 0:
            # exponential decay, once per epoch
            learning_rate = self.initial_lr * pow(self.decay_rate, self.epoch)
            self.current = tf.where(learning_rate>self.min_lr, learning_rate, self.min_lr)
            self.epoch = self.epoch + 1
            self.learning_rate_list.append(learning_rate.numpy().item())
            # print the learning rate
            print('learning_rate:', learning_rate.numpy().item())
            return self.current
        else:
            return self.current

class PiecewiseConstantDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial_lr, decay_rate, min_lr, change_step, print_step):
        super(PiecewiseConstantDecay, self).__init__()
        self.initial_lr = tf.cast(initial_lr, tf.float32)
        self.decay_rate = tf.cast(decay_rate, tf.float32)
        self.min_lr = tf.cast(min_lr, tf.float32)
        self.change_step = change_step
        self.print_step = print_step
        self.learning_rate_list = []
        self.current = self.initial_lr
    def __call__(self, step):
        if step % self.print_step == 0:
            print('current learning_rate is ', self.current.numpy().item())
            self.learning_rate_list.append(self.current.numpy().item())
        if step % self.change_step == 0:
            learning_rate = self.current * self.decay_rate
            self.current = tf.where(learning_rate>self.min_lr, learning_rate, self.min_lr)
            return self.current
        else:
            return self.current

class CosineDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial_lr, decay_step, min_lr, print_step):
        super(CosineDecay, self).__init__()
        self.initial_lr = tf.cast(initial_lr, dtype=tf.float32)
        self.decay_step = tf.cast(decay_step, dtype=tf.float32)
        self.min_lr = tf.cast(min_lr, dtype=tf.float32)
        self.print_step = print_step
        self.current = self.initial_lr
        self.learning_rate_list = []
    def __call__(self, step):
        learning_rate = 0.5 * self.initial_lr * (1 + tf.math.cos(step*math.pi / self.decay_step))
        self.current = tf.where(learning_rate>self.min_lr, learning_rate, self.min_lr)
        self.learning_rate_list.append(self.current.numpy().item())
        if step % self.print_step == 0:
            print('learning_rate has changed to: ', self.current.numpy().item())
        return self.current
