"""Keras training loops that reveal the learning rate each update applies:
one weight, reset to 0 before each update, whose gradient is exactly 1 (the
mean squared error's, in ``model.fit``), so plain SGD leaves exactly -lr in it.
Alike for Keras 3 and tf_keras (``keras`` is either package)."""

import numpy as np


def fit_model(keras, learning_rate, dtype: str = "float32"):
    """A one-weight linear model compiled with plain SGD at ``learning_rate``."""
    model = keras.Sequential([keras.Input((1,), dtype=dtype),
                              keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros", dtype=dtype)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


def applied_rates(keras, model, steps, run_eagerly: bool) -> np.ndarray:
    """The rates the model's SGD applies at optimizer iterations ``steps`` (any
    order), the iteration set before each update as a resumed training does:
    eagerly in a custom training loop, or else in ``model.fit``, one batch per
    step, each a tf.function call."""
    import tensorflow as tf

    kernel, dtype = model.layers[0].kernel, model.layers[0].dtype

    def begin(step):
        kernel.assign(np.zeros((1, 1), dtype))
        model.optimizer.iterations.assign(int(step))

    def applied() -> np.ndarray:
        return np.zeros((), dtype) - kernel.numpy()[0, 0]  # 0 - 0 is +0 where the rate underflows

    if run_eagerly:  # model.fit's own eager mode would cost 15 ms a batch
        rates = []
        for step in steps:
            begin(step)
            model.optimizer.apply_gradients([(tf.ones((1, 1), dtype), kernel)])
            rates.append(applied())
        return np.array(rates, dtype)
    rates = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            begin(steps[batch])

        def on_train_batch_end(self, batch, logs=None):
            rates.append(applied())

    batches = len(steps)
    model.fit(np.ones((batches, 1), dtype), np.full((batches, 1), -0.5, dtype), batch_size=1, shuffle=False,
              verbose=0, callbacks=[Record()])
    return np.array(rates, dtype)
