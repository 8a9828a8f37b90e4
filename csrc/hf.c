/* The hf namespace: transformers' get_*_schedule_with_warmup lambdas
 * (transformers/optimization.py), applied by torch's LambdaLR. */
#include <math.h>

#include "kernel.h"

static int warmup_counts_ok(const psk_schedule *s)
{
    for (int64_t i = 0; i < s->n_int; i++)
        if (s->integer[i] < 0 || s->integer[i] > PSK_MAX_STEP)
            return 0;
    return s->real[0] >= 0;
}

/* float(current_step) / float(max(1, num_warmup_steps)) */
static double warmup_fraction(int64_t step, int64_t num_warmup_steps)
{
    return (double)step / (double)(num_warmup_steps > 1 ? num_warmup_steps : 1);
}

/* float(max(1, num_training_steps - num_warmup_steps)) */
static double decay_length(const psk_schedule *s)
{
    int64_t length = s->integer[1] - s->integer[0];
    return (double)(length > 1 ? length : 1);
}

/* Python's max(0.0, x): x only when x > 0.0, so -0.0 and NaN give 0.0. */
static double at_least_zero(double x)
{
    return x > 0.0 ? x : 0.0;
}

static int warmup_check(const psk_schedule *s)
{
    return warmup_counts_ok(s) ? PSK_OK : PSK_E_PARAM;
}

/* _get_constant_schedule_with_warmup_lr_lambda:
 *
 *     if current_step < num_warmup_steps:
 *         return float(current_step) / float(max(1.0, num_warmup_steps))
 *     return 1.0
 *
 * real: lr; integer: num_warmup_steps. */
static double constant_with_warmup_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0];
    double factor = step < num_warmup_steps ? warmup_fraction(step, num_warmup_steps) : 1.0;
    return psk_lambda_lr(s->dtype, s->real[0], factor);
}

/* _get_linear_schedule_with_warmup_lr_lambda:
 *
 *     if current_step < num_warmup_steps:
 *         return float(current_step) / float(max(1, num_warmup_steps))
 *     return max(0.0, float(num_training_steps - current_step)
 *                     / float(max(1, num_training_steps - num_warmup_steps)))
 *
 * real: lr; integer: num_warmup_steps, num_training_steps. */
static double linear_with_warmup_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0], num_training_steps = s->integer[1];
    if (step < num_warmup_steps)
        return psk_lambda_lr(s->dtype, s->real[0], warmup_fraction(step, num_warmup_steps));
    double factor = (double)(num_training_steps - step) / decay_length(s);
    return psk_lambda_lr(s->dtype, s->real[0], at_least_zero(factor));
}

/* _get_cosine_schedule_with_warmup_lr_lambda:
 *
 *     if current_step < num_warmup_steps:
 *         return float(current_step) / float(max(1, num_warmup_steps))
 *     progress = float(current_step - num_warmup_steps)
 *                / float(max(1, num_training_steps - num_warmup_steps))
 *     return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))
 *
 * real: lr, num_cycles; integer: num_warmup_steps, num_training_steps. */
static double cosine_with_warmup_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0];
    if (step < num_warmup_steps)
        return psk_lambda_lr(s->dtype, s->real[0], warmup_fraction(step, num_warmup_steps));
    double progress = (double)(step - num_warmup_steps) / decay_length(s);
    double factor = 0.5 * (1.0 + cos(PSK_PI * s->real[1] * 2.0 * progress));
    return psk_lambda_lr(s->dtype, s->real[0], at_least_zero(factor));
}

const psk_family psk_hf_constant_with_warmup = {
    .n_real = 1,
    .n_int = 1,
    .check = warmup_check,
    .at = constant_with_warmup_at,
};
const psk_family psk_hf_linear_with_warmup = {
    .n_real = 1,
    .n_int = 2,
    .check = warmup_check,
    .at = linear_with_warmup_at,
};
const psk_family psk_hf_cosine_with_warmup = {
    .n_real = 2,
    .n_int = 2,
    .check = warmup_check,
    .at = cosine_with_warmup_at,
};
