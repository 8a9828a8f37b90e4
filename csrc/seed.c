/* The seed namespace: the schedules in the code of the seed documents
 * (shared/seeds/000..003), each mirrored from the snippet named above it. */
#include <math.h>

#include "kernel.h"

/* 000, exponential_decay_with_burnin(global_step, initial_learning_rate,
 * decay_steps, decay_rate, burnin_steps), TF1, in float32:
 *
 *     global_step = tf.cast(global_step, tf.float32)
 *     learning_rate = tf.cond(
 *         global_step < burnin_steps,
 *         lambda: initial_learning_rate * (global_step / burnin_steps) ** 4,
 *         lambda: tf.train.exponential_decay(initial_learning_rate,
 *                     global_step - burnin_steps, decay_steps, decay_rate))
 *
 * real: initial_learning_rate, decay_steps, decay_rate, burnin_steps;
 * integer: graph (both divisions are by constants, see PSK_TF_DIVIDE). */
static double exponential_decay_with_burnin_at(const psk_schedule *s, int64_t step)
{
    int graph = (int)s->integer[0];
    float initial_learning_rate = (float)s->real[0];
    float global_step = (float)step, burnin_steps = (float)s->real[3];
    if (global_step < burnin_steps)
        return initial_learning_rate * powf(PSK_TF_DIVIDE(graph, global_step, burnin_steps), 4.0f);
    float p = PSK_TF_DIVIDE(graph, global_step - burnin_steps, (float)s->real[1]);
    return initial_learning_rate * powf((float)s->real[2], p);
}

static int exponential_decay_with_burnin_check(const psk_schedule *s)
{
    int ok = s->real[1] > 0 && s->real[2] >= 0 && s->real[3] >= 0 && psk_is_flag(s->integer[0]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* 001, gradual warmup as the docstring of its snippet defines it:
 *
 *     Implements gradual warmup, if train_steps < warmup_steps, the
 *     learning rate will be `train_steps/warmup_steps * init_lr`.
 *     ... otherwise [the] preset learning rate [init_lr]
 *
 * with the snippet's own warmup arithmetic, in Python floats:
 *
 *     if warmup_steps and train_steps < warmup_steps:
 *         warmup_percent_done = train_steps / warmup_steps
 *         warmup_learning_rate = init_lr * warmup_percent_done
 *
 * real: init_lr; integer: warmup_steps. */
static double gradual_warmup_step(const psk_schedule *s, int64_t step)
{
    return s->real[0] * ((double)step / (double)s->integer[0]);
}

/* The seed's float64 result as a float32 schedule keeps it: rounded to float,
 * in a float64 buffer (a scalar call, a float64 sweep) as in a float32 one. */
static double in_dtype(const psk_schedule *s, double value)
{
    return s->dtype == PSK_FLOAT32 ? (double)(float)value : value;
}

static double gradual_warmup_at(const psk_schedule *s, int64_t step)
{
    return in_dtype(s, step < s->integer[0] ? gradual_warmup_step(s, step) : s->real[0]);
}

static int gradual_warmup_check(const psk_schedule *s)
{
    int ok = s->real[0] >= 0 && s->integer[0] >= 0 && s->integer[0] <= PSK_MAX_STEP;
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* 001, the simulation of gradual warmup, the snippet as written:
 *
 *     for train_steps in range(max_steps):
 *         if warmup_steps and train_steps < warmup_steps:
 *             ... learning_rate = init_lr * warmup_percent_done
 *         else:
 *             learning_rate = learning_rate**1.0001
 *
 * real: init_lr; integer: warmup_steps (>= 1: at 0 the loop reads an unset
 * learning_rate). */
static double simulation_next(const psk_schedule *s, double learning_rate)
{
    (void)s;
    return pow(learning_rate, 1.0001);
}

static int64_t simulation_count(const psk_schedule *s, int64_t step)
{
    int64_t last_warmup_step = s->integer[0] - 1;
    return step > last_warmup_step ? step - last_warmup_step : 0;
}

static int simulation_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out,
                           int64_t *bad_index)
{
    (void)bad_index;
    psk_recurrence r = {gradual_warmup_step(s, s->integer[0] - 1), simulation_next,
                        simulation_count};
    int status = psk_replay(s, &r, steps, n, out);
    for (int64_t i = 0; status == PSK_OK && i < n; i++)
        if (steps[i] < s->integer[0])
            psk_put(out, i, in_dtype(s, gradual_warmup_step(s, steps[i])));
        else if (out.dtype == PSK_FLOAT64)
            ((double *)out.data)[i] = in_dtype(s, ((double *)out.data)[i]);
    return status;
}

static int simulation_check(const psk_schedule *s)
{
    int ok = s->real[0] >= 0 && s->integer[0] >= 1 && s->integer[0] <= PSK_MAX_STEP;
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* 001, YOLOv3-SPP's warmup_lr_scheduler(optimizer, warmup_iters, warmup_factor),
 * a LambdaLR over the optimizer's lr (lr0):
 *
 *     def f(x):
 *         if x >= warmup_iters:
 *             return 1
 *         alpha = float(x) / warmup_iters
 *         return warmup_factor * (1 - alpha) + alpha
 *
 * real: lr0, warmup_factor; integer: warmup_iters. */
static double warmup_lr_scheduler_at(const psk_schedule *s, int64_t step)
{
    int64_t warmup_iters = s->integer[0];
    double factor = 1.0;
    if (step < warmup_iters) {
        double alpha = (double)step / (double)warmup_iters;
        factor = s->real[1] * (1 - alpha) + alpha;
    }
    return psk_lambda_lr(s->dtype, s->real[0], factor);
}

static int warmup_lr_scheduler_check(const psk_schedule *s)
{
    int ok = s->real[0] >= 0 && s->integer[0] >= 0 && s->integer[0] <= PSK_MAX_STEP;
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* 001, YOLOv3-SPP's cosine lambda, a LambdaLR over the optimizer's lr (lr0),
 * whose last_epoch train() sets after building it:
 *
 *     lf = lambda x: ((1 + math.cos(x * math.pi / epochs)) / 2) * (1 - hyp["lrf"]) + hyp["lrf"]
 *     scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda=lf)
 *     scheduler.last_epoch = start_epoch
 *
 * LambdaLR set the lr to lr0 * lf(0) when it was built, and nothing changes it
 * until the first step(), so epoch start_epoch trains with lf(0).
 * real: lr0, lrf; integer: epochs, start_epoch. */
PSK_STAGE void lf_operands(const psk_schedule *s, int64_t step, double *x, double *y)
{
    double epoch = step == s->integer[1] ? 0.0 : (double)step;
    *x = epoch * PSK_PI / (double)s->integer[0];
    *y = 0;
}

PSK_STAGE double lf_finish(const psk_schedule *s, int64_t step, double cosine)
{
    (void)step;
    double lrf = s->real[1];
    double factor = ((1 + cosine) / 2) * (1 - lrf) + lrf;
    return psk_lambda_lr(s->dtype, s->real[0], factor);
}

PSK_STAGED(lf, PSK_OP_COS)

static int lf_check(const psk_schedule *s)
{
    int ok = s->real[0] >= 0 && s->integer[0] >= 1 && s->integer[0] <= PSK_MAX_STEP
             && s->integer[1] >= 0 && s->integer[1] <= PSK_MAX_STEP;
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* 003: three stateful LearningRateSchedule subclasses, in float32. The first
 * two change state on the calls whose step satisfies `step % period == 0`;
 * how many such calls precede an update depends on the optimizer:
 * integer[0] says whether the modulo ran in float32 (a float period, or the
 * legacy optimizer's float32 step) or in int64, and integer[1] how many calls
 * the optimizer made at step 0 while it was built. */
static int64_t calls_on_multiples(const psk_schedule *s, double period, int64_t step)
{
    int64_t calls = step + 1;
    int64_t hits = s->integer[0] ? psk_count_multiples_f32((float)period, calls)
                                 : psk_count_multiples_i64((int64_t)period, calls);
    return hits + s->integer[1];
}

static int stateful_check(const psk_schedule *s, double period)
{
    int ok = period >= 1 && period <= (double)PSK_MAX_STEP
             && (s->integer[0] || period == floor(period))
             && psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1])
             && s->real[1] >= 0;
    return ok ? PSK_OK : PSK_E_PARAM;
}

/* tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr) */
static float at_least_min_lr(const psk_schedule *s, float learning_rate)
{
    float min_lr = (float)s->real[2];
    return learning_rate > min_lr ? learning_rate : min_lr;
}

/* 003, ExponentialDecay(initial_lr, decay_rate, min_lr, print_step).__call__:
 *
 *     if step % self.print_step == 0:
 *         learning_rate = self.initial_lr * pow(self.decay_rate, self.epoch)
 *         self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
 *         self.epoch = self.epoch + 1
 *     return self.current
 *
 * The value at a step is the one computed at the last call on a multiple, with
 * epoch = the number of multiples met before it.
 * real: initial_lr, decay_rate, min_lr, print_step; integer: float32 modulo,
 * build calls. */
static double exponential_decay_at(const psk_schedule *s, int64_t step)
{
    float epoch = (float)(calls_on_multiples(s, s->real[3], step) - 1);
    float learning_rate = (float)s->real[0] * powf((float)s->real[1], epoch);
    return at_least_min_lr(s, learning_rate);
}

static int exponential_decay_check(const psk_schedule *s)
{
    return stateful_check(s, s->real[3]);
}

/* 003, PiecewiseConstantDecay(initial_lr, decay_rate, min_lr, change_step,
 * print_step).__call__ (print_step only prints):
 *
 *     if step % self.change_step == 0:
 *         learning_rate = self.current * self.decay_rate
 *         self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
 *     return self.current
 *
 * real: initial_lr, decay_rate, min_lr, change_step, print_step; integer:
 * float32 modulo, build calls. */
static double piecewise_next(const psk_schedule *s, double current)
{
    return at_least_min_lr(s, (float)current * (float)s->real[1]);
}

static int64_t piecewise_count(const psk_schedule *s, int64_t step)
{
    return calls_on_multiples(s, s->real[3], step);
}

static int piecewise_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out,
                          int64_t *bad_index)
{
    (void)bad_index;
    psk_recurrence r = {(float)s->real[0], piecewise_next, piecewise_count};
    return psk_replay(s, &r, steps, n, out);
}

static int piecewise_check(const psk_schedule *s)
{
    double print_step = s->real[4];
    if (print_step < 1 || print_step > (double)PSK_MAX_STEP)
        return PSK_E_PARAM;
    return stateful_check(s, s->real[3]);
}

/* 003, CosineDecay(initial_lr, decay_step, min_lr, print_step).__call__, which
 * keeps no state that changes its value (step*math.pi is a float32 product):
 *
 *     learning_rate = 0.5 * self.initial_lr * (1 + tf.math.cos(step*math.pi / self.decay_step))
 *     self.current = tf.where(learning_rate > self.min_lr, learning_rate, self.min_lr)
 *     return self.current
 *
 * real: initial_lr, decay_step, min_lr, print_step. */
static double cosine_decay_at(const psk_schedule *s, int64_t step)
{
    float initial_lr = (float)s->real[0];
    float x = (float)step * (float)PSK_PI / (float)s->real[1];
    return at_least_min_lr(s, 0.5f * initial_lr * (1 + cosf(x)));
}

static int cosine_decay_check(const psk_schedule *s)
{
    int ok = (float)s->real[1] > 0 && s->real[3] >= 1 && s->real[3] <= (double)PSK_MAX_STEP;
    return ok ? PSK_OK : PSK_E_PARAM;
}

const psk_family psk_seed000_exponential_decay_with_burnin = {
    .n_real = 4,
    .n_int = 1,
    .check = exponential_decay_with_burnin_check,
    .at = exponential_decay_with_burnin_at,
    .flush_denormals = 1,
};
const psk_family psk_seed001_gradual_warmup = {
    .n_real = 1,
    .n_int = 1,
    .check = gradual_warmup_check,
    .at = gradual_warmup_at,
};
const psk_family psk_seed001_gradual_warmup_simulation = {
    .n_real = 1,
    .n_int = 1,
    .check = simulation_check,
    .eval = simulation_eval,
};
const psk_family psk_seed001_warmup_lr_scheduler = {
    .n_real = 2,
    .n_int = 1,
    .check = warmup_lr_scheduler_check,
    .at = warmup_lr_scheduler_at,
};
const psk_family psk_seed001_lf = {
    .n_real = 2,
    .n_int = 2,
    .check = lf_check,
    .at = lf_at,
    .block = lf_block,
};
const psk_family psk_seed003_exponential_decay = {
    .n_real = 4,
    .n_int = 2,
    .check = exponential_decay_check,
    .at = exponential_decay_at,
    .flush_denormals = 1,
};
const psk_family psk_seed003_piecewise_constant_decay = {
    .n_real = 5,
    .n_int = 2,
    .check = piecewise_check,
    .eval = piecewise_eval,
    .flush_denormals = 1,
};
const psk_family psk_seed003_cosine_decay = {
    .n_real = 4,
    .n_int = 0,
    .check = cosine_decay_check,
    .at = cosine_decay_at,
    .flush_denormals = 1,
};
