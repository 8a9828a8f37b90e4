/* The tf1 namespace: tf.compat.v1.train schedules that are not plain Keras
 * schedules (tensorflow/python/keras/optimizer_v2/legacy_learning_rate_decay.py
 * and the schedule classes it builds). The others use keras.c's functions. */
#include <math.h>

#include "kernel.h"

/* natural_exp_decay: ExponentialDecay whose rate is a float32 tensor,
 *
 *     natural_exp_rate = math_ops.exp(math_ops.negative(decay_rate))
 *
 * real: learning_rate, decay_steps, decay_rate; integer: staircase, graph. */
static void natural_exp_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    float natural_exp_rate = expf(-(float)s->real[2]);
    psk_exponential_decay_operands(s, natural_exp_rate, step, x, y);
}

#define natural_exp_decay_finish psk_exponential_decay_finish
PSK_STAGED(natural_exp_decay, PSK_IN_DTYPE(s, PSK_OP_POW))

/* piecewise_constant: PiecewiseConstantDecay as TensorFlow's copy (and
 * tf_keras) evaluates it, tf.case selecting the value, no arithmetic:
 *
 *     (x <= boundaries[0]) -> values[0]; (x > boundaries[-1]) -> values[-1];
 *     (x > low) & (x <= high) -> value
 *
 * A subnormal value reaches the update as zero: a graph flushes it, and the
 * optimizer's TensorFlow kernel multiplying by it flushes it eagerly.
 * integer: the boundaries; real: the values. */
static double piecewise_constant_at(const psk_schedule *s, int64_t step)
{
    int64_t lo = 0, hi = s->n_int; /* the first boundary >= step, by bisection */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (s->integer[mid] < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    return s->dtype == PSK_FLOAT32 ? (float)s->real[lo] : s->real[lo];
}

/* LinearCosineDecay.__call__ (float32 only: it multiplies a float32 pi by the
 * float32 fraction):
 *
 *     global_step = minimum(step, decay_steps)
 *     linear_decayed = (decay_steps - global_step) / decay_steps
 *     completed_fraction = global_step / decay_steps
 *     fraction = 2.0 * num_periods * completed_fraction
 *     cosine_decayed = 0.5 * (1.0 + cos(constant(math.pi) * fraction))
 *     linear_cosine_decayed = (alpha + linear_decayed) * cosine_decayed + beta
 *     return initial_learning_rate * linear_cosine_decayed
 *
 * In a graph (see keras.c) the cosine's argument is
 * global_step * (pi * ((2 * num_periods) * (1 / decay_steps))).
 * real: learning_rate, decay_steps, num_periods, alpha, beta; integer: graph. */
PSK_STAGE float linear_cosine_global_step(const psk_schedule *s, int64_t step)
{
    float decay_steps = (float)s->real[1];
    return (float)step < decay_steps ? (float)step : decay_steps;
}

PSK_STAGE void linear_cosine_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    float pi = (float)PSK_PI, decay_steps = (float)s->real[1], two_periods = 2.0f * (float)s->real[2];
    float global_step = linear_cosine_global_step(s, step);
    *x = s->integer[0] ? global_step * (pi * (two_periods * (1 / decay_steps)))
                       : pi * (two_periods * (global_step / decay_steps));
    *y = 0;
}

PSK_STAGE double linear_cosine_decay_finish(const psk_schedule *s, int64_t step, double cosine)
{
    float decay_steps = (float)s->real[1], global_step = linear_cosine_global_step(s, step);
    float linear_decayed = PSK_TF_DIVIDE(s->integer[0], decay_steps - global_step, decay_steps);
    float cosine_decayed = 0.5f * (1.0f + (float)cosine);
    float linear_cosine_decayed = ((float)s->real[3] + linear_decayed) * cosine_decayed + (float)s->real[4];
    return (float)s->real[0] * linear_cosine_decayed;
}

PSK_STAGED(linear_cosine_decay, PSK_OP_COSF)

static int linear_cosine_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->dtype == PSK_FLOAT32 && psk_is_flag(s->integer[0]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

const psk_family psk_tf1_natural_exp_decay = {
    .n_real = 3,
    .n_int = 2,
    .check = psk_exponential_decay_check,
    .at = natural_exp_decay_at,
    .block = natural_exp_decay_block,
    .flush_denormals = 1,
};
const psk_family psk_tf1_piecewise_constant = {
    .n_real = PSK_VARIABLE,
    .n_int = PSK_VARIABLE,
    .check = psk_piecewise_constant_check,
    .at = piecewise_constant_at,
    .run_end = psk_piecewise_run_end,
    .flush_denormals = 1,
};
const psk_family psk_tf1_linear_cosine_decay = {
    .n_real = 5,
    .n_int = 1,
    .check = linear_cosine_decay_check,
    .at = linear_cosine_decay_at,
    .block = linear_cosine_decay_block,
    .flush_denormals = 1,
};
