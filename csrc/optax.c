/* The optax namespace: optax.schedules (optax/schedules/_schedule.py, _join.py),
 * as JAX evaluates them op by op on the CPU: float32 IEEE operations in source
 * order, glibc's cosf and powf, denormals flushed (XLA's CPU client runs with
 * FTZ and DAZ set), integer powers by jax's repeated multiplication.
 *
 * The count is the optimizer's int32 step count, which optax increments with
 * safe_int32_increment: it stops at 2**31 - 1. */
#include <math.h>

#include "kernel.h"

static int32_t optax_count(int64_t step)
{
    return step > INT32_MAX ? INT32_MAX : (int32_t)step;
}

/* jax's integer_pow lowering: square-and-multiply from the low bit, a
 * reciprocal for a negative power. */
static float integer_pow(float x, int64_t y)
{
    if (y == 0)
        return 1.0f;
    int reciprocal = y < 0;
    uint64_t bits = reciprocal ? (uint64_t)-y : (uint64_t)y;
    float acc = 0.0f;
    int started = 0;
    while (bits > 0) {
        if (bits & 1) {
            acc = started ? acc * x : x;
            started = 1;
        }
        bits >>= 1;
        if (bits > 0)
            x = x * x;
    }
    return reciprocal ? 1.0f / acc : acc;
}

/* x ** power: integer_pow for a Python int power, powf for a float one;
 * powf(x, 1) is x for every float (checked against glibc for all 2**32). */
static float python_power(float x, double power, int64_t integer_power)
{
    if (integer_power)
        return integer_pow(x, (int64_t)power);
    return power == 1.0 ? x : powf(x, (float)power);
}

/* constant_schedule: lambda count: value. real: value. */
static double constant_at(const psk_schedule *s, int64_t step)
{
    (void)step;
    return (float)s->real[0];
}

/* polynomial_schedule (and linear_schedule, its power 1):
 *
 *     count = jnp.clip(count - transition_begin, 0, transition_steps)
 *     frac = 1 - count / transition_steps
 *     return (init_value - end_value) * (frac**power) + end_value
 *
 * init_value - end_value is a Python double. real: init_value, end_value,
 * power; integer: transition_steps, transition_begin, power is an int. */
static double polynomial_at(const psk_schedule *s, int64_t step)
{
    int32_t transition_steps = (int32_t)s->integer[0];
    int32_t count = optax_count(step) - (int32_t)s->integer[1];
    count = count > 0 ? count : 0;
    count = count < transition_steps ? count : transition_steps;
    float frac = 1.0f - (float)count / (float)transition_steps;
    float power = python_power(frac, s->real[2], s->integer[2]);
    return (float)(s->real[0] - s->real[1]) * power + (float)s->real[1];
}

/* A power within int32, integral when it is a Python int. */
static int power_ok(double power, int64_t integer_power)
{
    return fabs(power) <= INT32_MAX && (!integer_power || power == floor(power));
}

static int counts_ok(const psk_schedule *s, int64_t from, int64_t to)
{
    for (int64_t i = from; i < to; i++)
        if (s->integer[i] < 0 || s->integer[i] > INT32_MAX)
            return 0;
    return 1;
}

static int polynomial_check(const psk_schedule *s)
{
    int ok = counts_ok(s, 0, 2) && s->integer[0] > 0 && psk_is_flag(s->integer[2])
             && power_ok(s->real[2], s->integer[2]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* exponential_decay:
 *
 *     decreased_count = count - transition_begin
 *     p = decreased_count / transition_steps
 *     if staircase: p = jnp.floor(p)
 *     decayed_value = jnp.where(decreased_count <= 0, init_value,
 *                               init_value * jnp.power(decay_rate, p))
 *     if end_value is not None:       # a floor when decaying, a ceiling when growing
 *         decayed_value = (jnp.maximum if decay_rate < 1.0 else jnp.minimum)(decayed_value, end_value)
 *
 * real: init_value, decay_rate, end_value; integer: transition_steps,
 * transition_begin, staircase, has end_value. */
PSK_STAGE int32_t decreased_count(const psk_schedule *s, int64_t step)
{
    return optax_count(step) - (int32_t)s->integer[1];
}

PSK_STAGE void exponential_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    float p = (float)decreased_count(s, step) / (float)s->integer[0];
    *x = (float)s->real[1];
    *y = s->integer[2] ? floorf(p) : p;
}

PSK_STAGE double exponential_decay_finish(const psk_schedule *s, int64_t step, double power)
{
    float init_value = (float)s->real[0], decayed = init_value * (float)power;
    float value = decreased_count(s, step) <= 0 ? init_value : decayed;
    if (s->integer[3] && !isnan(value)) {
        float end_value = (float)s->real[2];
        int decaying = s->real[1] < 1.0;
        value = (decaying ? value < end_value : value > end_value) ? end_value : value;
    }
    return value;
}

PSK_STAGED(exponential_decay, PSK_OP_POWF)

static int exponential_decay_check(const psk_schedule *s)
{
    int ok = counts_ok(s, 0, 2) && s->integer[0] > 0 && s->real[1] > 0 && psk_is_flag(s->integer[2])
             && psk_is_flag(s->integer[3]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* piecewise_constant_schedule:
 *
 *     v = init_value
 *     for threshold, scale in sorted(boundaries_and_scales.items()):
 *         indicator = jnp.maximum(0.0, jnp.sign(threshold - count))
 *         v = v * indicator + (1 - indicator) * scale * v
 *
 * It switches at the threshold itself. real: init_value, then the scales;
 * integer: the thresholds, increasing. */
static double piecewise_constant_at(const psk_schedule *s, int64_t step)
{
    int32_t count = optax_count(step);
    float v = (float)s->real[0];
    for (int64_t i = 0; i < s->n_int; i++) {
        int32_t difference = (int32_t)s->integer[i] - count;
        float indicator = difference > 0 ? 1.0f : 0.0f;
        v = v * indicator + (1.0f - indicator) * (float)s->real[i + 1] * v;
    }
    return v;
}

static int piecewise_constant_check(const psk_schedule *s)
{
    if (s->n_real != s->n_int + 1)
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 0; i < s->n_int; i++)
        if ((i > 0 && s->integer[i] <= s->integer[i - 1]) || s->real[i + 1] < 0)
            return PSK_E_PARAM;
    return counts_ok(s, 0, s->n_int) ? PSK_OK : PSK_E_PARAM;
}

/* cosine_decay_schedule:
 *
 *     count = jnp.minimum(count, decay_steps)
 *     cosine_decay = 0.5 * (1 + jnp.cos(jnp.pi * count / decay_steps))
 *     decayed = (1 - alpha) * cosine_decay**exponent + alpha
 *     return init_value * decayed
 *
 * 1 - alpha is a Python double. real: init_value, decay_steps, alpha,
 * exponent; integer: exponent is an int. */
PSK_STAGE void cosine_decay_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    float count = (float)optax_count(step), decay_steps = (float)s->real[1];
    count = count < decay_steps ? count : decay_steps;
    *x = (float)PSK_PI * count / decay_steps;
    *y = 0;
}

PSK_STAGE double cosine_decay_finish(const psk_schedule *s, int64_t step, double cosine)
{
    (void)step;
    float cosine_decay = 0.5f * (1.0f + (float)cosine);
    float decayed = (float)(1 - s->real[2]) * python_power(cosine_decay, s->real[3], s->integer[0])
                    + (float)s->real[2];
    return (float)s->real[0] * decayed;
}

PSK_STAGED(cosine_decay, PSK_OP_COSF)

static int cosine_decay_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && psk_is_flag(s->integer[0]) && power_ok(s->real[3], s->integer[0]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* piecewise_interpolate_schedule, under linear_onecycle_schedule and
 * cosine_onecycle_schedule:
 *
 *     bounds = jnp.stack((0,) + boundaries)
 *     values = jnp.cumprod(jnp.stack((init_value,) + scales))
 *     interval_sizes = jnp.maximum(bounds[1:] - bounds[:-1], 1)
 *     indicator = (bounds[:-1] <= count) & (count < bounds[1:])
 *     pct = (count - bounds[:-1]) / interval_sizes
 *     interp_vals = interpolate_fn(values[:-1], values[1:], pct)
 *     return indicator.dot(interp_vals) + (bounds[-1] <= count) * values[-1]
 *
 * linear: (end - start) * pct + start;
 * cosine: end + (start - end) / 2.0 * (jnp.cos(jnp.pi * pct) + 1).
 * real: init_value, then the scales; integer: cosine, then the boundaries. */
static double piecewise_interpolate_at(const psk_schedule *s, int64_t step)
{
    int32_t count = optax_count(step);
    int64_t n = s->n_int - 1;
    const int64_t *bounds = s->integer + 1; /* bounds[-1] is the implicit 0 */
    float start = (float)s->real[0];
    for (int64_t i = 0; i < n; i++) {
        float end = start * (float)s->real[i + 1];
        int64_t low = i ? bounds[i - 1] : 0, high = bounds[i];
        if (low <= count && count < high) {
            int64_t size = high - low > 1 ? high - low : 1;
            float pct = (float)(count - low) / (float)size;
            if (s->integer[0])
                return end + (start - end) / 2.0f * (cosf((float)PSK_PI * pct) + 1.0f);
            return (end - start) * pct + start;
        }
        start = end;
    }
    return start; /* past the last boundary: values[-1] */
}

static int piecewise_interpolate_check(const psk_schedule *s)
{
    if (s->n_int < 1 || s->n_real != s->n_int || !psk_is_flag(s->integer[0]))
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 1; i < s->n_int; i++)
        if ((i > 1 && s->integer[i] <= s->integer[i - 1]) || s->real[i] < 0)
            return PSK_E_PARAM;
    return counts_ok(s, 1, s->n_int) ? PSK_OK : PSK_E_PARAM;
}

/* join_schedules:
 *
 *     output = schedules[0](step)
 *     for boundary, schedule in zip(boundaries, schedules[1:]):
 *         output = jnp.where(step < boundary, output, schedule(step - boundary))
 *
 * integer: the boundaries; children: the schedules (optax families). */
static double join_at(const psk_schedule *s, int64_t step)
{
    int32_t count = optax_count(step);
    int64_t last = 0;
    for (int64_t i = 0; i < s->n_int; i++)
        if (count >= s->integer[i])
            last = i + 1;
    int64_t boundary = last ? s->integer[last - 1] : 0;
    return psk_value_at(&s->children[last], count - boundary);
}

/* Over many steps, each child once over the counts it takes: child i from
 * boundaries[i - 1] (0 for the first) until the first later boundary that
 * is reached (the boundaries need not increase). */
static void join_piece(const psk_schedule *s, int64_t i, int64_t *begin, int64_t *end)
{
    *begin = i > 0 ? s->integer[i - 1] : 0;
    *end = INT64_MAX;
    for (int64_t j = i; j < s->n_int; j++)
        *end = s->integer[j] < *end ? s->integer[j] : *end;
    *end = *end > *begin ? *end : *begin;
}

static int join_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    int64_t counts[PSK_BULK_BLOCK];
    size_t width = out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    for (int64_t first = 0; first < n; first += PSK_BULK_BLOCK) {
        int64_t m = n - first < PSK_BULK_BLOCK ? n - first : PSK_BULK_BLOCK, bad = -1;
        for (int64_t i = 0; i < m; i++)
            counts[i] = optax_count(steps[first + i]);
        psk_out part = {(char *)out.data + (size_t)first * width, out.dtype};
        int status = psk_eval_pieces(s, join_piece, counts, m, part, &bad);
        if (status != PSK_OK) {
            if (bad >= 0 && bad_index != NULL)
                *bad_index = first + bad;
            return status;
        }
    }
    return PSK_OK;
}

static int join_check(const psk_schedule *s)
{
    if (s->n_children != s->n_int + 1 || s->n_real != 0)
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 0; i < s->n_children; i++)
        if (!psk_is_pointwise(&s->children[i]) || s->children[i].dtype != PSK_FLOAT32)
            return PSK_E_PARAM;
    return counts_ok(s, 0, s->n_int) ? PSK_OK : PSK_E_PARAM;
}

#define OPTAX_FAMILY(name, reals, ints, check_fn, at_fn, block_fn)                    \
    const psk_family name = {                                                         \
        .n_real = reals,                                                              \
        .n_int = ints,                                                                \
        .check = check_fn,                                                            \
        .at = at_fn,                                                                  \
        .block = block_fn,                                                            \
        .flush_denormals = 1,                                                         \
    };

OPTAX_FAMILY(psk_optax_constant, 1, 0, NULL, constant_at, NULL)
OPTAX_FAMILY(psk_optax_polynomial, 3, 3, polynomial_check, polynomial_at, NULL)
OPTAX_FAMILY(psk_optax_exponential_decay, 3, 4, exponential_decay_check, exponential_decay_at,
             exponential_decay_block)
OPTAX_FAMILY(psk_optax_piecewise_constant, PSK_VARIABLE, PSK_VARIABLE, piecewise_constant_check,
             piecewise_constant_at, NULL)
OPTAX_FAMILY(psk_optax_cosine_decay, 4, 1, cosine_decay_check, cosine_decay_at, cosine_decay_block)
OPTAX_FAMILY(psk_optax_piecewise_interpolate, PSK_VARIABLE, PSK_VARIABLE, piecewise_interpolate_check,
             piecewise_interpolate_at, NULL)

const psk_family psk_optax_join = {
    .n_real = 0,
    .n_int = PSK_VARIABLE,
    .n_children = PSK_VARIABLE,
    .check = join_check,
    .at = join_at,
    .eval = join_eval,
    .flush_denormals = 1,
    .children_in_bulk = 1,
};
