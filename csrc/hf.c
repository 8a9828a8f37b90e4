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
PSK_STAGE void cosine_with_warmup_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    double progress = (double)(step - s->integer[0]) / decay_length(s); /* unused in the warmup */
    *x = PSK_PI * s->real[1] * 2.0 * progress;
    *y = 0;
}

PSK_STAGE double cosine_with_warmup_finish(const psk_schedule *s, int64_t step, double cosine)
{
    int64_t num_warmup_steps = s->integer[0];
    if (step < num_warmup_steps)
        return psk_lambda_lr(s->dtype, s->real[0], warmup_fraction(step, num_warmup_steps));
    double factor = 0.5 * (1.0 + cosine);
    return psk_lambda_lr(s->dtype, s->real[0], at_least_zero(factor));
}

PSK_STAGED(cosine_with_warmup, PSK_OP_COS)

/* _get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda:
 *
 *     (warmup as above)
 *     progress = float(current_step - num_warmup_steps)
 *                / float(max(1, num_training_steps - num_warmup_steps))
 *     if progress >= 1.0:
 *         return 0.0
 *     return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(num_cycles) * progress) % 1.0))))
 *
 * real: lr, num_cycles; integer: num_warmup_steps, num_training_steps. */
static double cosine_with_hard_restarts_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0];
    if (step < num_warmup_steps)
        return psk_lambda_lr(s->dtype, s->real[0], warmup_fraction(step, num_warmup_steps));
    double progress = (double)(step - num_warmup_steps) / decay_length(s);
    if (progress >= 1.0)
        return psk_lambda_lr(s->dtype, s->real[0], 0.0);
    double cycle_position = fmod(s->real[1] * progress, 1.0); /* Python's % for non-negative operands */
    double factor = 0.5 * (1.0 + cos(PSK_PI * cycle_position));
    return psk_lambda_lr(s->dtype, s->real[0], at_least_zero(factor));
}

static int cosine_with_hard_restarts_check(const psk_schedule *s)
{
    return warmup_counts_ok(s) && s->real[1] >= 0 ? PSK_OK : PSK_E_PARAM;
}

/* _get_polynomial_decay_schedule_with_warmup_lr_lambda, lr_init being the
 * optimizer's lr (so LambdaLR multiplies lr by decay / lr):
 *
 *     if current_step < num_warmup_steps:
 *         return float(current_step) / float(max(1, num_warmup_steps))
 *     elif current_step > num_training_steps:
 *         return lr_end / lr_init
 *     else:
 *         lr_range = lr_init - lr_end
 *         decay_steps = num_training_steps - num_warmup_steps
 *         pct_remaining = 1 - (current_step - num_warmup_steps) / decay_steps
 *         decay = lr_range * pct_remaining**power + lr_end
 *         return decay / lr_init
 *
 * When num_training_steps == num_warmup_steps the division by decay_steps
 * raises ZeroDivisionError at that step.
 * real: lr, lr_end, power; integer: num_warmup_steps, num_training_steps. */
static double polynomial_decay_with_warmup_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0], num_training_steps = s->integer[1];
    double lr_init = s->real[0], lr_end = s->real[1], factor;
    if (step < num_warmup_steps) {
        factor = warmup_fraction(step, num_warmup_steps);
    } else if (step > num_training_steps) {
        factor = lr_end / lr_init;
    } else {
        double lr_range = lr_init - lr_end;
        double decay_steps = (double)(num_training_steps - num_warmup_steps);
        double pct_remaining = 1 - (double)(step - num_warmup_steps) / decay_steps;
        factor = (lr_range * pow(pct_remaining, s->real[2]) + lr_end) / lr_init;
    }
    return psk_lambda_lr(s->dtype, lr_init, factor);
}

static int polynomial_decay_with_warmup_raises_at(const psk_schedule *s, int64_t step)
{
    return s->integer[0] == s->integer[1] && step == s->integer[1];
}

static int polynomial_decay_with_warmup_check(const psk_schedule *s)
{
    return warmup_counts_ok(s) && s->real[0] > s->real[1] ? PSK_OK : PSK_E_PARAM;
}

/* _get_inverse_sqrt_schedule_lr_lambda:
 *
 *     if current_step < num_warmup_steps:
 *         return float(current_step) / float(max(1, num_warmup_steps))
 *     shift = timescale - num_warmup_steps
 *     return 1.0 / math.sqrt((current_step + shift) / timescale)
 *
 * real: lr; integer: num_warmup_steps, timescale. */
static double inverse_sqrt_at(const psk_schedule *s, int64_t step)
{
    int64_t num_warmup_steps = s->integer[0], timescale = s->integer[1];
    if (step < num_warmup_steps)
        return psk_lambda_lr(s->dtype, s->real[0], warmup_fraction(step, num_warmup_steps));
    int64_t shift = timescale - num_warmup_steps;
    double decay = 1.0 / sqrt((double)(step + shift) / (double)timescale);
    return psk_lambda_lr(s->dtype, s->real[0], decay);
}

static int inverse_sqrt_check(const psk_schedule *s)
{
    return warmup_counts_ok(s) && s->integer[1] > 0 ? PSK_OK : PSK_E_PARAM;
}

/* _get_wsd_scheduler_lambda: warmup, stable, decay.
 *
 *     if current_step < num_warmup_steps:
 *         progress = float(current_step) / float(max(1, num_warmup_steps))
 *         factor = {linear: progress, cosine: 0.5 * (1.0 - math.cos(math.pi * progress)),
 *                   1-sqrt: 1.0 - math.sqrt(1.0 - progress)}[warmup_type]
 *         return max(0.0, factor * (1.0 - min_lr_ratio) + min_lr_ratio)
 *     if current_step < num_warmup_steps + num_stable_steps:
 *         return 1.0
 *     if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
 *         progress = float(current_step - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
 *         factor = {linear: 1.0 - progress,
 *                   cosine: 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)),
 *                   1-sqrt: 1.0 - math.sqrt(progress)}[decay_type]
 *         return max(0.0, factor * (1.0 - min_lr_ratio) + min_lr_ratio)
 *     return min_lr_ratio
 *
 * real: lr, min_lr_ratio, num_cycles; integer: num_warmup_steps,
 * num_stable_steps, num_decay_steps, warmup type, decay type (the WSD_* codes). */
enum { WSD_LINEAR, WSD_COSINE, WSD_ONE_MINUS_SQRT };

static double wsd_ramp(int64_t type, double progress, double num_cycles, int warmup)
{
    if (type == WSD_LINEAR)
        return warmup ? progress : 1.0 - progress;
    if (type == WSD_COSINE)
        return warmup ? 0.5 * (1.0 - cos(PSK_PI * progress))
                      : 0.5 * (1.0 + cos(PSK_PI * num_cycles * 2.0 * progress));
    return warmup ? 1.0 - sqrt(1.0 - progress) : 1.0 - sqrt(progress);
}

static double wsd_at(const psk_schedule *s, int64_t step)
{
    double min_lr_ratio = s->real[1];
    int64_t warmup = s->integer[0], stable = s->integer[1], decay = s->integer[2];
    double factor;
    if (step < warmup) {
        double progress = (double)step / (double)(warmup > 1 ? warmup : 1);
        factor = at_least_zero(wsd_ramp(s->integer[3], progress, s->real[2], 1) * (1.0 - min_lr_ratio) + min_lr_ratio);
    } else if (step < warmup + stable) {
        factor = 1.0;
    } else if (step < warmup + stable + decay) {
        double progress = (double)(step - warmup - stable) / (double)(decay > 1 ? decay : 1);
        factor = at_least_zero(wsd_ramp(s->integer[4], progress, s->real[2], 0) * (1.0 - min_lr_ratio) + min_lr_ratio);
    } else {
        factor = min_lr_ratio;
    }
    return psk_lambda_lr(s->dtype, s->real[0], factor);
}

static int wsd_check(const psk_schedule *s)
{
    int ok = warmup_counts_ok(s) && s->integer[3] >= WSD_LINEAR && s->integer[3] <= WSD_ONE_MINUS_SQRT
             && s->integer[4] >= WSD_LINEAR && s->integer[4] <= WSD_ONE_MINUS_SQRT;
    return ok ? PSK_OK : PSK_E_PARAM;
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
    .block = cosine_with_warmup_block,
};
const psk_family psk_hf_cosine_with_hard_restarts_with_warmup = {
    .n_real = 2,
    .n_int = 2,
    .check = cosine_with_hard_restarts_check,
    .at = cosine_with_hard_restarts_at,
};
const psk_family psk_hf_polynomial_decay_with_warmup = {
    .n_real = 3,
    .n_int = 2,
    .check = polynomial_decay_with_warmup_check,
    .at = polynomial_decay_with_warmup_at,
    .raises_at = polynomial_decay_with_warmup_raises_at,
};
const psk_family psk_hf_inverse_sqrt = {
    .n_real = 1,
    .n_int = 2,
    .check = inverse_sqrt_check,
    .at = inverse_sqrt_at,
};
const psk_family psk_hf_wsd = {
    .n_real = 3,
    .n_int = 5,
    .check = wsd_check,
    .at = wsd_at,
};
