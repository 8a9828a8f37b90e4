/* The od namespace: the TF Object Detection API's
 * research/object_detection/utils/learning_schedules.py (the TF2-era file, as
 * tf-models-research-object-detection 2.8.0.post1 ships it), in float32. */
#include <math.h>

#include "kernel.h"

/* exponential_decay_with_burnin:
 *
 *     if burnin_learning_rate == 0: burnin_learning_rate = learning_rate_base
 *     post_burnin_learning_rate = tf.train.exponential_decay(learning_rate_base,
 *         global_step - burnin_steps, learning_rate_decay_steps,
 *         learning_rate_decay_factor, staircase=staircase)
 *     return tf.maximum(tf.where(tf.cast(global_step, tf.int32) < burnin_steps,
 *                                burnin_learning_rate, post_burnin_learning_rate),
 *                       min_learning_rate)
 *
 * The int32 cast wraps past 2**31 - 1, so steps there can fall back into the
 * burn-in. real: learning_rate_base, learning_rate_decay_steps,
 * learning_rate_decay_factor, burnin_learning_rate (0 already replaced),
 * min_learning_rate; integer: burnin_steps, staircase, graph. */
PSK_STAGE int in_burnin(const psk_schedule *s, int64_t step)
{
    return (int32_t)(uint32_t)step < s->integer[0];
}

PSK_STAGE void exponential_decay_with_burnin_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    float decay_steps = (float)s->real[1];
    float p = PSK_TF_DIVIDE(s->integer[2], (float)(step - s->integer[0]), decay_steps);
    *x = (float)s->real[2];
    *y = s->integer[1] ? floorf(p) : p; /* unused in the burn-in */
}

PSK_STAGE double exponential_decay_with_burnin_finish(const psk_schedule *s, int64_t step, double power)
{
    float learning_rate = in_burnin(s, step) ? (float)s->real[3] : (float)s->real[0] * (float)power;
    float min_learning_rate = (float)s->real[4];
    return learning_rate > min_learning_rate ? learning_rate : min_learning_rate;
}

PSK_STAGED(exponential_decay_with_burnin, PSK_OP_POWF)

static int exponential_decay_with_burnin_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] >= 0 && s->integer[0] >= 0 && s->integer[0] <= INT32_MAX
             && psk_is_flag(s->integer[1]) && psk_is_flag(s->integer[2]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* cosine_decay_with_warmup:
 *
 *     learning_rate = 0.5 * learning_rate_base * (1 + tf.cos(
 *         np.pi * (tf.cast(global_step, tf.float32) - warmup_steps - hold_base_rate_steps)
 *         / float(total_steps - warmup_steps - hold_base_rate_steps)))
 *     if hold_base_rate_steps > 0:
 *         learning_rate = tf.where(global_step > warmup_steps + hold_base_rate_steps,
 *                                  learning_rate, learning_rate_base)
 *     if warmup_steps > 0:
 *         slope = (learning_rate_base - warmup_learning_rate) / warmup_steps
 *         warmup_rate = slope * tf.cast(global_step, tf.float32) + warmup_learning_rate
 *         learning_rate = tf.where(global_step < warmup_steps, warmup_rate, learning_rate)
 *     return tf.where(global_step > total_steps, 0.0, learning_rate)
 *
 * 0.5 * learning_rate_base and slope are Python doubles. In a graph the cosine
 * is cos((step - (warmup + hold)) * (pi * (1 / float(total - warmup - hold)))).
 * real: learning_rate_base, warmup_learning_rate; integer: total_steps,
 * warmup_steps, hold_base_rate_steps, graph. */
PSK_STAGE void cosine_decay_with_warmup_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    int64_t warmup_steps = s->integer[1], hold = s->integer[2];
    float pi = (float)PSK_PI, global_step = (float)step;
    float remaining = (float)(double)(s->integer[0] - warmup_steps - hold);
    if (s->integer[3])
        *x = (global_step - ((float)warmup_steps + (float)hold)) * (pi * (1 / remaining));
    else
        *x = pi * ((global_step - (float)warmup_steps) - (float)hold) / remaining;
    *y = 0;
}

PSK_STAGE double cosine_decay_with_warmup_finish(const psk_schedule *s, int64_t step, double cosine)
{
    int64_t total_steps = s->integer[0], warmup_steps = s->integer[1], hold = s->integer[2];
    if (step > total_steps)
        return 0.0f;
    if (warmup_steps > 0 && step < warmup_steps) {
        double slope = (s->real[0] - s->real[1]) / (double)warmup_steps;
        return (float)slope * (float)step + (float)s->real[1];
    }
    if (hold > 0 && step <= warmup_steps + hold)
        return (float)s->real[0];
    return (float)(0.5 * s->real[0]) * (1 + (float)cosine);
}

PSK_STAGED(cosine_decay_with_warmup, PSK_OP_COSF)

static int cosine_decay_with_warmup_check(const psk_schedule *s)
{
    int64_t total_steps = s->integer[0], warmup_steps = s->integer[1], hold = s->integer[2];
    int ok = total_steps >= warmup_steps && warmup_steps >= 0 && hold >= 0 && total_steps <= PSK_MAX_STEP
             && (warmup_steps == 0 || s->real[0] >= s->real[1]) && psk_is_flag(s->integer[3]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* manual_stepping:
 *
 *     if warmup and boundaries:
 *         slope = (rates[1] - rates[0]) * 1.0 / boundaries[0]
 *         rates = [rates[0] + slope * step for step in range(boundaries[0])] + rates[1:]
 *         boundaries = list(range(boundaries[0])) + boundaries
 *     else:
 *         boundaries = [0] + boundaries
 *     rate_index = tf.reduce_max(tf.where(tf.greater_equal(global_step, boundaries),
 *                                         list(range(num_boundaries)), [0] * num_boundaries))
 *     return tf.reduce_sum(rates * tf.one_hot(rate_index, depth=num_boundaries))
 *
 * It switches at the boundary itself. integer: the boundaries, then warmup;
 * real: the rates. */
static double manual_stepping_at(const psk_schedule *s, int64_t step)
{
    int64_t n_boundaries = s->n_int - 1;
    if (s->integer[n_boundaries] && n_boundaries > 0 && step < s->integer[0]) {
        double slope = (s->real[1] - s->real[0]) * 1.0 / (double)s->integer[0];
        return (float)(s->real[0] + slope * (double)step);
    }
    int64_t index = 0;
    while (index < n_boundaries && step >= s->integer[index])
        index++;
    return (float)s->real[index];
}

static int manual_stepping_check(const psk_schedule *s)
{
    int64_t n_boundaries = s->n_int - 1;
    if (s->n_int < 1 || s->n_real != n_boundaries + 1 || !psk_is_flag(s->integer[n_boundaries]))
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 0; i < n_boundaries; i++)
        if (s->integer[i] <= (i ? s->integer[i - 1] : 0))
            return PSK_E_PARAM;
    return PSK_OK;
}

const psk_family psk_od_exponential_decay_with_burnin = {
    .n_real = 5,
    .n_int = 3,
    .check = exponential_decay_with_burnin_check,
    .at = exponential_decay_with_burnin_at,
    .block = exponential_decay_with_burnin_block,
    .flush_denormals = 1,
};
const psk_family psk_od_cosine_decay_with_warmup = {
    .n_real = 2,
    .n_int = 4,
    .check = cosine_decay_with_warmup_check,
    .at = cosine_decay_with_warmup_at,
    .block = cosine_decay_with_warmup_block,
    .flush_denormals = 1,
};
const psk_family psk_od_manual_stepping = {
    .n_real = PSK_VARIABLE,
    .n_int = PSK_VARIABLE,
    .check = manual_stepping_check,
    .at = manual_stepping_at,
    .flush_denormals = 1,
};
