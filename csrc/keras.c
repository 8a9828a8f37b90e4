/* The keras namespace: keras.optimizers.schedules in Keras 3
 * (keras/src/optimizers/schedules/learning_rate_schedule.py) and tf_keras, on
 * the TensorFlow backend. tf.compat.v1.train builds the same schedules from
 * TensorFlow's own copy (tensorflow/python/keras/optimizer_v2), so the tf1
 * families that only rename parameters use these functions too.
 *
 * Each family is written once for a type T, float or double: the dtype of
 * initial_learning_rate. Parameters arrive as TensorFlow converts Python
 * numbers (floats already rounded to float32, see tf_number in Python), so the
 * (T) casts below are TensorFlow's casts to dtype. The last integer parameter
 * of each family is its graph flag: in a graph (TF1 sessions, tf.function,
 * model.fit) Grappler rewrites the arithmetic before it runs. It turns a
 * division by a constant c into a product with 1 / c, folds chains of products
 * of constants into one constant (innermost first), and turns pow(x, c) for c
 * in {0, 0.5, -0.5, 1, -1, 2, 3} into sqrt, 1 / sqrt, x * x and the like.
 * The graph forms below are the optimised graphs as TensorFlow 2.21 runs them;
 * a tf.cond hides its branches' constants, so their arithmetic stays eager. */
#include <tgmath.h>

#include "kernel.h"

/* ExponentialDecay.__call__:
 *
 *     p = cast(step, dtype) / cast(decay_steps, dtype)
 *     if staircase: p = floor(p)
 *     return initial_learning_rate * pow(cast(decay_rate, dtype), p)
 *
 * real: initial_learning_rate, decay_steps, decay_rate; integer: staircase, graph. */
#define EXPONENT(T)                                                                   \
    PSK_STAGE T exponent_##T(const psk_schedule *s, int64_t step)                        \
    {                                                                                 \
        T p = PSK_TF_DIVIDE(s->integer[1], (T)step, (T)s->real[1]);                   \
        return s->integer[0] ? floor(p) : p;                                          \
    }
EXPONENT(float)
EXPONENT(double)

/* In stages (PSK_STAGED): pow(decay_rate, p), then the product. The rate is
 * an argument, so that tf1.natural_exp_decay can pass its own. */
PSK_STAGE void exponential_decay_operands_at_rate(const psk_schedule *s, double decay_rate, int64_t step, double *x,
                                                  double *y)
{
    if (s->dtype == PSK_FLOAT32) {
        *x = (float)decay_rate;
        *y = exponent_float(s, step);
    } else {
        *x = decay_rate;
        *y = exponent_double(s, step);
    }
}

PSK_STAGE double exponential_decay_finish(const psk_schedule *s, int64_t step, double power)
{
    (void)step;
    if (s->dtype == PSK_FLOAT32)
        return (float)s->real[0] * (float)power;
    return s->real[0] * power;
}

double psk_exponential_decay_finish(const psk_schedule *s, int64_t step, double power)
{
    return exponential_decay_finish(s, step, power);
}

void psk_exponential_decay_operands(const psk_schedule *s, double decay_rate, int64_t step, double *x, double *y)
{
    exponential_decay_operands_at_rate(s, decay_rate, step, x, y);
}

PSK_STAGE void exponential_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    exponential_decay_operands_at_rate(s, s->real[2], step, x, y);
}

PSK_STAGED(exponential_decay, PSK_IN_DTYPE(s, PSK_OP_POW))

/* A staircase's value depends on the step through its exponent, the stair index. */
static double exponent(const psk_schedule *s, int64_t step)
{
    return s->dtype == PSK_FLOAT32 ? exponent_float(s, step) : exponent_double(s, step);
}

static int64_t exponential_decay_run_end(const psk_schedule *s, int64_t step)
{
    return s->integer[0] ? psk_run_end(s, step, exponent) : -1;
}

int psk_exponential_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] >= 0 && psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* PiecewiseConstantDecay.__call__ in Keras 3, a sum of indicator products
 * (tf_keras and tf1 select with tf.case instead, see tf1.c):
 *
 *     result_value = 0
 *     result_value += cast(step <= boundaries[0]) * values[0]
 *     result_value += cast(step > boundaries[-1]) * values[-1]
 *     for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
 *         result_value += cast((step > low) & (step <= high)) * value
 *
 * integer: the boundaries (as cast to the int64 step); real: the values. */
#define PIECEWISE_CONSTANT_DECAY(T)                                                   \
    static double piecewise_constant_decay_##T(const psk_schedule *s, int64_t step)   \
    {                                                                                 \
        const int64_t *b = s->integer;                                                \
        int64_t last = s->n_int - 1;                                                  \
        T result = 0;                                                                 \
        result += (T)(step <= b[0]) * (T)s->real[0];                                  \
        result += (T)(step > b[last]) * (T)s->real[last + 1];                         \
        for (int64_t i = 1; i <= last; i++)                                           \
            result += (T)(step > b[i - 1] && step <= b[i]) * (T)s->real[i];           \
        return result;                                                                \
    }
PIECEWISE_CONSTANT_DECAY(float)
PIECEWISE_CONSTANT_DECAY(double)
PSK_BY_DTYPE(piecewise_constant_decay)

int64_t psk_piecewise_run_end(const psk_schedule *s, int64_t step)
{
    for (int64_t i = 0; i < s->n_int; i++)
        if (step <= s->integer[i])
            return s->integer[i] + 1;
    return PSK_MAX_STEP + 1;
}

int psk_piecewise_constant_check(const psk_schedule *s)
{
    if (s->n_int < 1 || s->n_real != s->n_int + 1)
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 1; i < s->n_int; i++)
        if (s->integer[i] <= s->integer[i - 1])
            return PSK_E_PARAM;
    return PSK_OK;
}

/* pow(x, power) as a graph runs it: Grappler's arithmetic optimizer replaces a
 * few constant exponents (power 3 is left to the caller). */
#define GRAPH_POW(T)                                                                  \
    static T graph_pow_##T(T x, T power)                                              \
    {                                                                                 \
        if (power == 0)                                                               \
            return 1;                                                                 \
        if (power == 1)                                                               \
            return x;                                                                 \
        if (power == 2)                                                               \
            return x * x;                                                             \
        if (power == (T)0.5)                                                          \
            return sqrt(x);                                                           \
        if (power == (T)-0.5)                                                         \
            return 1 / sqrt(x);                                                       \
        if (power == -1)                                                              \
            return 1 / x;                                                             \
        return pow(x, power);                                                         \
    }
GRAPH_POW(float)
GRAPH_POW(double)

/* PolynomialDecay.__call__:
 *
 *     if cycle:
 *         multiplier = where(step == 0, 1.0, ceil(step / decay_steps))
 *         decay_steps = decay_steps * multiplier
 *     else:
 *         step = minimum(step, decay_steps)
 *     p = step / decay_steps
 *     return (initial_learning_rate - end_learning_rate) * pow(1 - p, power) + end_learning_rate
 *
 * In a graph the divisions by the constant decay_steps become products, and
 * pow(x, 3) times the constant c is square(x) * (c * x).
 * real: initial_learning_rate, decay_steps, end_learning_rate, power;
 * integer: cycle, graph. */
#define POLYNOMIAL_DECAY(T)                                                           \
    static double polynomial_decay_##T(const psk_schedule *s, int64_t step)           \
    {                                                                                 \
        int graph = (int)s->integer[1];                                               \
        T global_step = (T)step, decay_steps = (T)s->real[1], p;                      \
        if (s->integer[0]) {                                                          \
            T multiplier = global_step == 0 ? 1 : ceil(PSK_TF_DIVIDE(graph, global_step, decay_steps)); \
            p = global_step / (decay_steps * multiplier);                             \
        } else {                                                                      \
            global_step = global_step < decay_steps ? global_step : decay_steps;      \
            p = PSK_TF_DIVIDE(graph, global_step, decay_steps);                       \
        }                                                                             \
        T end_learning_rate = (T)s->real[2], power = (T)s->real[3];                   \
        T scale = (T)s->real[0] - end_learning_rate, x = 1 - p;                       \
        if (!graph)                                                                   \
            return scale * pow(x, power) + end_learning_rate;                         \
        if (power == 3)                                                               \
            return end_learning_rate + (x * x) * (scale * x);                         \
        return end_learning_rate + graph_pow_##T(x, power) * scale;                   \
    }
POLYNOMIAL_DECAY(float)
POLYNOMIAL_DECAY(double)
PSK_BY_DTYPE(polynomial_decay)

static int polynomial_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* InverseTimeDecay.__call__:
 *
 *     p = cast(step, dtype) / decay_steps
 *     if staircase: p = floor(p)
 *     return initial_learning_rate / (1 + decay_rate * p)
 *
 * In a graph, continuous: 1 + step * (decay_rate * (1 / decay_steps)).
 * real: initial_learning_rate, decay_steps, decay_rate; integer: staircase, graph. */
#define INVERSE_TIME_DECAY(T)                                                         \
    static double inverse_time_decay_##T(const psk_schedule *s, int64_t step)         \
    {                                                                                 \
        int staircase = (int)s->integer[0], graph = (int)s->integer[1];               \
        T decay_steps = (T)s->real[1], decay_rate = (T)s->real[2], denominator;       \
        if (graph && !staircase)                                                      \
            denominator = 1 + (T)step * (decay_rate * (1 / decay_steps));             \
        else {                                                                        \
            T p = PSK_TF_DIVIDE(graph, (T)step, decay_steps);                         \
            denominator = 1 + decay_rate * (staircase ? floor(p) : p);                \
        }                                                                             \
        return (T)s->real[0] / denominator;                                           \
    }
INVERSE_TIME_DECAY(float)
INVERSE_TIME_DECAY(double)
PSK_BY_DTYPE(inverse_time_decay)

static int inverse_time_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] >= 0 && psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* CosineDecay.__call__, with its optional linear warmup:
 *
 *     def _decay_function(step, decay_steps, decay_from_lr):
 *         completed_fraction = step / decay_steps
 *         cosine_decayed = 0.5 * (1.0 + cos(pi * completed_fraction))
 *         decayed = (1 - self.alpha) * cosine_decayed + self.alpha
 *         return decay_from_lr * decayed
 *
 *     if warmup_target is None:
 *         return _decay_function(minimum(step, decay_steps), decay_steps, initial_learning_rate)
 *     step = minimum(step, decay_steps + warmup_steps)
 *     if step < warmup_steps:
 *         return (warmup_target - initial_learning_rate) * (step / warmup_steps) + initial_learning_rate
 *     return _decay_function(step - warmup_steps, decay_steps, warmup_target)
 *
 * In a graph without warmup the cosine's argument is step * (pi * (1 / decay_steps));
 * with warmup, tf.cond keeps the arithmetic as written.
 * real: initial_learning_rate, decay_steps, alpha (a Python float: 1 - alpha
 * is computed in double), warmup_target, warmup_steps; integer: has warmup,
 * graph. tf.compat.v1.train.cosine_decay is the case without warmup. */
#define COSINE_DECAY(T)                                                               \
    /* The step _decay_function sees, or -1 during the warmup. Both branches are \
     * computed and one selected, so that a block's loops vectorise. */           \
    PSK_STAGE T cosine_step_##T(const psk_schedule *s, int64_t step)                  \
    {                                                                                 \
        T decay_steps = (T)s->real[1], global_step = (T)step;                         \
        if (!s->integer[0])                                                           \
            return global_step < decay_steps ? global_step : decay_steps;             \
        T warmup_steps = (T)s->real[4], limit = decay_steps + warmup_steps;           \
        global_step = global_step < limit ? global_step : limit;                      \
        T after_warmup = global_step - warmup_steps;                                  \
        return global_step < warmup_steps ? (T)-1 : after_warmup;                     \
    }                                                                                 \
    PSK_STAGE void cosine_decay_operands_##T(const psk_schedule *s, int64_t step, double *x, double *y) \
    {                                                                                 \
        T pi = (T)PSK_PI, decay_steps = (T)s->real[1], cosine_step = cosine_step_##T(s, step); \
        if (s->integer[1] && !s->integer[0])                                          \
            *x = cosine_step * (pi * (1 / decay_steps));                              \
        else                                                                          \
            *x = pi * (cosine_step / decay_steps);                                    \
        *y = 0;                                                                       \
    }                                                                                 \
    PSK_STAGE double cosine_decay_finish_##T(const psk_schedule *s, int64_t step, double cosine) \
    {                                                                                 \
        T initial_learning_rate = (T)s->real[0], warmup_target = (T)s->real[3];       \
        T warming = (warmup_target - initial_learning_rate) * ((T)step / (T)s->real[4]) \
                    + initial_learning_rate;                                          \
        T decay_from_lr = s->integer[0] ? warmup_target : initial_learning_rate;      \
        T cosine_decayed = (T)0.5 * ((T)1 + (T)cosine);                               \
        T decayed = (T)(1 - s->real[2]) * cosine_decayed + (T)s->real[2];             \
        T decaying = decay_from_lr * decayed;                                         \
        return cosine_step_##T(s, step) < 0 ? warming : decaying;                     \
    }
COSINE_DECAY(float)
COSINE_DECAY(double)

PSK_STAGE void cosine_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    if (s->dtype == PSK_FLOAT32)
        cosine_decay_operands_float(s, step, x, y);
    else
        cosine_decay_operands_double(s, step, x, y);
}

PSK_STAGE double cosine_decay_finish(const psk_schedule *s, int64_t step, double cosine)
{
    if (s->dtype == PSK_FLOAT32)
        return cosine_decay_finish_float(s, step, cosine);
    return cosine_decay_finish_double(s, step, cosine);
}

PSK_STAGED(cosine_decay, PSK_IN_DTYPE(s, PSK_OP_COS))

static int cosine_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[4] >= 0 && psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* CosineDecayRestarts.__call__ (SGDR):
 *
 *     completed_fraction = step / first_decay_steps
 *     if t_mul == 1.0:
 *         i_restart = floor(completed_fraction)
 *         completed_fraction -= i_restart
 *     else:
 *         i_restart = floor(log(1.0 - completed_fraction * (1.0 - t_mul)) / log(t_mul))
 *         sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
 *         completed_fraction = (completed_fraction - sum_r) / t_mul**i_restart
 *     m_fac = m_mul**i_restart
 *     cosine_decayed = 0.5 * m_fac * (1.0 + cos(pi * completed_fraction))
 *     decayed = (1 - alpha) * cosine_decayed + alpha
 *     return initial_learning_rate * decayed
 *
 * In a graph the divisions by first_decay_steps, log(t_mul) and 1 - t_mul are
 * products with reciprocals, and the constant factors of the cosine fold into
 * m_fac's: (1 + cos) * (m_fac * (0.5 * (1 - alpha))), plus alpha, times the
 * rate; with alpha == 0, (1 + cos) * (m_fac * (0.5 * initial_learning_rate)).
 * real: initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha; integer: graph. */
#define COSINE_DECAY_RESTARTS(T)                                                      \
    static double cosine_decay_restarts_##T(const psk_schedule *s, int64_t step)      \
    {                                                                                 \
        int graph = (int)s->integer[0];                                               \
        T initial_learning_rate = (T)s->real[0], t_mul = (T)s->real[2], alpha = (T)s->real[4]; \
        T completed_fraction = PSK_TF_DIVIDE(graph, (T)step, (T)s->real[1]), i_restart; \
        if (t_mul == 1) {                                                             \
            i_restart = floor(completed_fraction);                                    \
            completed_fraction -= i_restart;                                          \
        } else {                                                                      \
            i_restart = floor(PSK_TF_DIVIDE(graph, log(1 - completed_fraction * (1 - t_mul)), log(t_mul))); \
            T sum_r = PSK_TF_DIVIDE(graph, 1 - pow(t_mul, i_restart), 1 - t_mul);     \
            completed_fraction = (completed_fraction - sum_r) / pow(t_mul, i_restart); \
        }                                                                             \
        T m_fac = pow((T)s->real[3], i_restart);                                      \
        T one_plus_cos = 1 + cos((T)PSK_PI * completed_fraction);                     \
        if (!graph)                                                                   \
            return initial_learning_rate * ((1 - alpha) * ((T)0.5 * m_fac * one_plus_cos) + alpha); \
        if (alpha == 0)                                                               \
            return one_plus_cos * (m_fac * ((T)0.5 * initial_learning_rate));         \
        return (alpha + one_plus_cos * (m_fac * ((T)0.5 * (1 - alpha)))) * initial_learning_rate; \
    }
COSINE_DECAY_RESTARTS(float)
COSINE_DECAY_RESTARTS(double)
PSK_BY_DTYPE(cosine_decay_restarts)

static int cosine_decay_restarts_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] > 0 && s->real[3] >= 0 && psk_is_flag(s->integer[0]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

const psk_family psk_keras_exponential_decay = {
    .n_real = 3,
    .n_int = 2,
    .check = psk_exponential_decay_check,
    .at = exponential_decay_at,
    .block = exponential_decay_block,
    .flush_denormals = 1,
    .run_end = exponential_decay_run_end,
};
const psk_family psk_keras_piecewise_constant_decay = {
    .n_real = PSK_VARIABLE,
    .n_int = PSK_VARIABLE,
    .check = psk_piecewise_constant_check,
    .at = piecewise_constant_decay_at,
    .run_end = psk_piecewise_run_end,
    .flush_denormals = 1,
};
const psk_family psk_keras_polynomial_decay = {
    .n_real = 4,
    .n_int = 2,
    .check = polynomial_decay_check,
    .at = polynomial_decay_at,
    .flush_denormals = 1,
};
const psk_family psk_keras_inverse_time_decay = {
    .n_real = 3,
    .n_int = 2,
    .check = inverse_time_decay_check,
    .at = inverse_time_decay_at,
    .flush_denormals = 1,
};
const psk_family psk_keras_cosine_decay = {
    .n_real = 5,
    .n_int = 2,
    .check = cosine_decay_check,
    .at = cosine_decay_at,
    .block = cosine_decay_block,
    .flush_denormals = 1,
};
const psk_family psk_keras_cosine_decay_restarts = {
    .n_real = 5,
    .n_int = 1,
    .check = cosine_decay_restarts_check,
    .at = cosine_decay_restarts_at,
    .flush_denormals = 1,
};
