/* The keras namespace (and tf1 schedules that are Keras schedules inside). */
#include <tgmath.h>

#include "kernel.h"

/* keras.optimizers.schedules.ExponentialDecay.__call__ in Keras 3
 * (keras/src/optimizers/schedules/learning_rate_schedule.py) and in tf_keras;
 * tf.compat.v1.train.exponential_decay builds the same schedule
 * (tensorflow/python/keras/optimizer_v2/legacy_learning_rate_decay.py):
 *
 *     p = cast(step, dtype) / cast(decay_steps, dtype)
 *     if staircase: p = floor(p)
 *     return initial_learning_rate * pow(cast(decay_rate, dtype), p)
 *
 * real: initial_learning_rate, decay_steps, decay_rate;
 * integer: staircase, graph (see psk_tf_divide).
 * decay_steps and decay_rate arrive as TF converts Python numbers (a float is
 * already rounded to float32), so the casts here are TF's casts to dtype. */
#define EXPONENTIAL_DECAY(T)                                                   \
    static double exponential_decay_##T(const psk_schedule *s, int64_t step)   \
    {                                                                          \
        T initial_learning_rate = (T)s->real[0];                               \
        T p = PSK_TF_DIVIDE(s->integer[1], (T)step, (T)s->real[1]);            \
        if (s->integer[0])                                                     \
            p = floor(p);                                                      \
        return initial_learning_rate * pow((T)s->real[2], p);                  \
    }
EXPONENTIAL_DECAY(float)
EXPONENTIAL_DECAY(double)

static double exponential_decay_at(const psk_schedule *s, int64_t step)
{
    if (s->dtype == PSK_FLOAT32)
        return exponential_decay_float(s, step);
    return exponential_decay_double(s, step);
}

static int exponential_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] >= 0 && psk_is_flag(s->integer[0])
             && psk_is_flag(s->integer[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

const psk_family psk_keras_exponential_decay = {
    .n_real = 3,
    .n_int = 2,
    .check = exponential_decay_check,
    .at = exponential_decay_at,
    .flush_denormals = 1,
};
