/* pysched kernel: the entry points. They validate everything they are handed
 * and return a status; the families only ever see valid descriptors. */
#define _POSIX_C_SOURCE 200809L /* pthreads under -std=c11 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

static const psk_family *const families[PSK_KIND_COUNT] = {
    [PSK_KERAS_EXPONENTIAL_DECAY] = &psk_keras_exponential_decay,
    [PSK_KERAS_PIECEWISE_CONSTANT_DECAY] = &psk_keras_piecewise_constant_decay,
    [PSK_KERAS_POLYNOMIAL_DECAY] = &psk_keras_polynomial_decay,
    [PSK_KERAS_INVERSE_TIME_DECAY] = &psk_keras_inverse_time_decay,
    [PSK_KERAS_COSINE_DECAY] = &psk_keras_cosine_decay,
    [PSK_KERAS_COSINE_DECAY_RESTARTS] = &psk_keras_cosine_decay_restarts,
    [PSK_TF1_NATURAL_EXP_DECAY] = &psk_tf1_natural_exp_decay,
    [PSK_TF1_PIECEWISE_CONSTANT] = &psk_tf1_piecewise_constant,
    [PSK_TF1_LINEAR_COSINE_DECAY] = &psk_tf1_linear_cosine_decay,
    [PSK_TORCH_STEP_LR] = &psk_torch_step_lr,
    [PSK_TORCH_MULTI_STEP_LR] = &psk_torch_multi_step_lr,
    [PSK_TORCH_CONSTANT_LR] = &psk_torch_constant_lr,
    [PSK_TORCH_LINEAR_LR] = &psk_torch_linear_lr,
    [PSK_TORCH_EXPONENTIAL_LR] = &psk_torch_exponential_lr,
    [PSK_TORCH_POLYNOMIAL_LR] = &psk_torch_polynomial_lr,
    [PSK_TORCH_COSINE_ANNEALING_LR] = &psk_torch_cosine_annealing_lr,
    [PSK_TORCH_COSINE_ANNEALING_WARM_RESTARTS] = &psk_torch_cosine_annealing_warm_restarts,
    [PSK_TORCH_CYCLIC_LR] = &psk_torch_cyclic_lr,
    [PSK_TORCH_ONE_CYCLE_LR] = &psk_torch_one_cycle_lr,
    [PSK_TORCH_MULTIPLICATIVE_LR] = &psk_torch_multiplicative_lr,
    [PSK_TORCH_SEQUENTIAL_LR] = &psk_torch_sequential_lr,
    [PSK_TORCH_CHAINED_SCHEDULER] = &psk_torch_chained_scheduler,
    [PSK_OPTAX_CONSTANT] = &psk_optax_constant,
    [PSK_OPTAX_POLYNOMIAL] = &psk_optax_polynomial,
    [PSK_OPTAX_EXPONENTIAL_DECAY] = &psk_optax_exponential_decay,
    [PSK_OPTAX_PIECEWISE_CONSTANT] = &psk_optax_piecewise_constant,
    [PSK_OPTAX_COSINE_DECAY] = &psk_optax_cosine_decay,
    [PSK_OPTAX_PIECEWISE_INTERPOLATE] = &psk_optax_piecewise_interpolate,
    [PSK_OPTAX_JOIN] = &psk_optax_join,
    [PSK_PYSCHED_SEQUENTIAL] = &psk_pysched_sequential,
    [PSK_PYSCHED_SCALE] = &psk_pysched_scale,
    [PSK_PYSCHED_CLAMP] = &psk_pysched_clamp,
    [PSK_OD_EXPONENTIAL_DECAY_WITH_BURNIN] = &psk_od_exponential_decay_with_burnin,
    [PSK_OD_COSINE_DECAY_WITH_WARMUP] = &psk_od_cosine_decay_with_warmup,
    [PSK_OD_MANUAL_STEPPING] = &psk_od_manual_stepping,
    [PSK_HF_CONSTANT_WITH_WARMUP] = &psk_hf_constant_with_warmup,
    [PSK_HF_LINEAR_WITH_WARMUP] = &psk_hf_linear_with_warmup,
    [PSK_HF_COSINE_WITH_WARMUP] = &psk_hf_cosine_with_warmup,
    [PSK_HF_COSINE_WITH_HARD_RESTARTS_WITH_WARMUP] = &psk_hf_cosine_with_hard_restarts_with_warmup,
    [PSK_HF_POLYNOMIAL_DECAY_WITH_WARMUP] = &psk_hf_polynomial_decay_with_warmup,
    [PSK_HF_INVERSE_SQRT] = &psk_hf_inverse_sqrt,
    [PSK_HF_WSD] = &psk_hf_wsd,
    [PSK_SEED000_EXPONENTIAL_DECAY_WITH_BURNIN] = &psk_seed000_exponential_decay_with_burnin,
    [PSK_SEED001_GRADUAL_WARMUP] = &psk_seed001_gradual_warmup,
    [PSK_SEED001_GRADUAL_WARMUP_SIMULATION] = &psk_seed001_gradual_warmup_simulation,
    [PSK_SEED001_WARMUP_LR_SCHEDULER] = &psk_seed001_warmup_lr_scheduler,
    [PSK_SEED001_LF] = &psk_seed001_lf,
    [PSK_SEED003_EXPONENTIAL_DECAY] = &psk_seed003_exponential_decay,
    [PSK_SEED003_PIECEWISE_CONSTANT_DECAY] = &psk_seed003_piecewise_constant_decay,
    [PSK_SEED003_COSINE_DECAY] = &psk_seed003_cosine_decay,
};

static const char *const messages[] = {
    [PSK_OK] = "ok",
    [PSK_E_NULL] = "a required pointer is NULL",
    [PSK_E_KIND] = "unknown schedule kind",
    [PSK_E_DTYPE] = "unknown dtype, or float64 values into a float32 buffer",
    [PSK_E_PARAM_COUNT] = "wrong number of parameters for the kind",
    [PSK_E_PARAM] = "a parameter is outside the family's domain",
    [PSK_E_STEP] = "a step is outside [0, 2**53]",
    [PSK_E_LENGTH] = "a negative length, or an output buffer too short",
    [PSK_E_NONFINITE] = "the schedule is not finite at a step",
    [PSK_E_NOMEM] = "out of memory",
    [PSK_E_DEPTH] = "composition nested too deep",
    [PSK_E_REPLAY] = "a stepped form would replay more than 2**27 steps",
    [PSK_E_RAISES] = "the mirrored framework raises at a step",
    [PSK_E_THREADS] = "a thread count outside [1, 64]",
    [PSK_E_PRECISION] = "unknown precision",
};

const char *psk_strerror(int status)
{
    if (status < 0 || (size_t)status >= sizeof messages / sizeof messages[0])
        return "unknown status";
    return messages[status];
}

int psk_all_finite(const psk_schedule *s)
{
    for (int64_t i = 0; i < s->n_real; i++)
        if (!isfinite(s->real[i]))
            return 0;
    return 1;
}

static int valid_dtype(int32_t dtype)
{
    return dtype == PSK_FLOAT32 || dtype == PSK_FLOAT64;
}

static const psk_family *family_of(const psk_schedule *s)
{
    if (s->kind <= 0 || s->kind >= PSK_KIND_COUNT)
        return NULL;
    return families[s->kind];
}

static int count_ok(int64_t expected, int64_t count)
{
    return expected == PSK_VARIABLE ? count >= 0 : count == expected;
}

static int check_at_depth(const psk_schedule *s, int depth)
{
    if (s == NULL)
        return PSK_E_NULL;
    if (depth > PSK_MAX_DEPTH)
        return PSK_E_DEPTH;
    const psk_family *family = family_of(s);
    if (family == NULL)
        return PSK_E_KIND;
    if (!valid_dtype(s->dtype))
        return PSK_E_DTYPE;
    if (s->precision != PSK_EXACT && s->precision != PSK_FAST)
        return PSK_E_PRECISION;
    if (s->precision == PSK_FAST)
        psk_fast_math_init();
    if (!count_ok(family->n_real, s->n_real) || !count_ok(family->n_int, s->n_int)
        || !count_ok(family->n_children, s->n_children))
        return PSK_E_PARAM_COUNT;
    if ((s->n_real > 0 && s->real == NULL) || (s->n_int > 0 && s->integer == NULL)
        || (s->n_children > 0 && s->children == NULL))
        return PSK_E_NULL;
    if (!psk_all_finite(s))
        return PSK_E_PARAM;
    for (int64_t i = 0; i < s->n_children; i++) {
        int status = check_at_depth(&s->children[i], depth + 1);
        if (status != PSK_OK)
            return status;
    }
    return family->check != NULL ? family->check(s) : PSK_OK;
}

int psk_check(const psk_schedule *s)
{
    return check_at_depth(s, 0);
}

double psk_value_at(const psk_schedule *s, int64_t step)
{
    return family_of(s)->at(s, step);
}

int psk_has_fast_path(const psk_schedule *s)
{
    if (psk_check(s) != PSK_OK)
        return 0;
    const psk_family *family = family_of(s);
    int fast = family->block != NULL;
    for (int64_t i = 0; family->children_in_bulk && i < s->n_children; i++)
        fast |= psk_has_fast_path(&s->children[i]);
    return fast;
}

int psk_is_pointwise(const psk_schedule *s)
{
    const psk_family *family = family_of(s);
    return family != NULL && family->at != NULL;
}

static int check_steps(const int64_t *steps, int64_t n, int64_t *bad_index)
{
    for (int64_t i = 0; i < n; i++) {
        if (steps[i] < 0 || steps[i] > PSK_MAX_STEP) {
            if (bad_index != NULL)
                *bad_index = i;
            return PSK_E_STEP;
        }
    }
    return PSK_OK;
}

static int check_finite(psk_out out, int64_t n, int64_t *bad_index)
{
    for (int64_t i = 0; i < n; i++) {
        double v = out.dtype == PSK_FLOAT32 ? ((const float *)out.data)[i]
                                            : ((const double *)out.data)[i];
        if (!isfinite(v)) {
            if (bad_index != NULL)
                *bad_index = i;
            return PSK_E_NONFINITE;
        }
    }
    return PSK_OK;
}

static int check_buffers(const int64_t *steps, int64_t n_steps, const void *out,
                         int32_t out_dtype, int64_t needed, int64_t out_len)
{
    if (n_steps < 0 || out_len < 0 || needed < 0)
        return PSK_E_LENGTH;
    if (!valid_dtype(out_dtype))
        return PSK_E_DTYPE;
    if (out_len < needed)
        return PSK_E_LENGTH;
    if (n_steps > 0 && steps == NULL)
        return PSK_E_NULL;
    if (needed > 0 && out == NULL)
        return PSK_E_NULL;
    return PSK_OK;
}

int64_t psk_run_end(const psk_schedule *s, int64_t step, double (*key)(const psk_schedule *s, int64_t step))
{
    double k = key(s, step);
    int64_t same = step, other = PSK_MAX_STEP + 1; /* key(same) == k; other is past the run */
    for (int64_t span = 1; same < PSK_MAX_STEP; span *= 2) {
        int64_t probe = span > PSK_MAX_STEP - same ? PSK_MAX_STEP : same + span;
        if (key(s, probe) != k) {
            other = probe;
            break;
        }
        same = probe;
    }
    while (other - same > 1) {
        int64_t middle = same + (other - same) / 2;
        if (key(s, middle) == k)
            same = middle;
        else
            other = middle;
    }
    return other;
}

/* Where the steps come from: an array, or (array NULL) the progression
 * first, first + stride, ... of checked steps. */
typedef struct {
    const int64_t *array;
    int64_t first;
    int64_t stride;
} steps_source;

static inline int64_t step_of(steps_source steps, int64_t i)
{
    return steps.array != NULL ? steps.array[i] : steps.first + steps.stride * i;
}

static steps_source from_index(steps_source steps, int64_t begin)
{
    if (steps.array != NULL)
        return (steps_source){steps.array + begin, 0, 0};
    return (steps_source){NULL, steps.first + steps.stride * begin, steps.stride};
}

/* The index of a progression's first step at or after end, at most n. */
static int64_t progression_stop(steps_source steps, int64_t n, int64_t end)
{
    int64_t span = end - steps.first, after = span / steps.stride + (span % steps.stride != 0);
    return after < n ? after : n;
}

/* Store value at the indices from i on whose listed steps lie in [run, end);
 * the index after them. */
static int64_t fill_listed(psk_out out, const int64_t *steps, int64_t i, int64_t n, int64_t run, int64_t end,
                           double value)
{
    if (out.dtype == PSK_FLOAT32) {
        float *data = out.data, stored = (float)value;
        for (; i < n && steps[i] >= run && steps[i] < end; i++)
            data[i] = stored;
    } else {
        double *data = out.data;
        for (; i < n && steps[i] >= run && steps[i] < end; i++)
            data[i] = value;
    }
    return i;
}

/* out[from:to] = value, at memcpy's speed: the filled part doubles each copy. */
static void fill(psk_out out, int64_t from, int64_t to, double value)
{
    if (from >= to)
        return;
    size_t width = out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    char *start = (char *)out.data + (size_t)from * width;
    psk_put(out, from, value);
    size_t filled = width, total = (size_t)(to - from) * width;
    while (filled < total) {
        size_t copied = filled < total - filled ? filled : total - filled;
        memcpy(start + filled, start, copied);
        filled += copied;
    }
}

/* The steps [begin, begin + count) of a source, as an array: the source's own,
 * or a progression's written into room. */
PSK_VECTORISED static const int64_t *steps_at(steps_source steps, int64_t begin, int64_t count, int64_t *room)
{
    if (steps.array != NULL)
        return steps.array + begin;
    int64_t first = steps.first + steps.stride * begin;
#pragma omp simd
    for (int64_t i = 0; i < count; i++)
        room[i] = first + steps.stride * i;
    return room;
}

PSK_VECTORISED static int all_finite(const double *values, int64_t n)
{
    const uint64_t exponent = 0x7ff0000000000000ULL; /* all ones in inf and NaN only */
    int any = 0;
#pragma omp simd reduction(| : any)
    for (int64_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &values[i], sizeof bits);
        any |= (bits & exponent) == exponent;
    }
    return !any;
}

/* out[begin:begin + n] = values, in out's type. */
static void store(psk_out out, int64_t begin, const double *values, int64_t n)
{
    if (out.dtype == PSK_FLOAT64) {
        memcpy((double *)out.data + begin, values, (size_t)n * sizeof *values);
        return;
    }
    float *data = (float *)out.data + begin;
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        data[i] = (float)values[i];
}

/* A block's non-finite values: evaluated again exactly in fast precision,
 * and the first that stays non-finite reported (its index in the call). */
static void settle_non_finite(const psk_family *family, const psk_schedule *s, const int64_t *steps,
                              double *values, int64_t count, int64_t begin, int64_t *non_finite)
{
    for (int64_t i = 0; i < count; i++) {
        if (!isfinite(values[i]) && s->precision == PSK_FAST)
            values[i] = family->at(s, steps[i]);
        if (!isfinite(values[i]) && *non_finite < 0)
            *non_finite = begin + i;
    }
}

/* A staged family over the steps, a block at a time; in fast precision, a
 * step whose fast value is not finite is evaluated again exactly. The index
 * of the first non-finite value goes to *non_finite. */
static void eval_blocks(const psk_family *family, const psk_schedule *s, steps_source steps, int64_t n,
                        psk_out out, int64_t *non_finite)
{
    int64_t room[PSK_BLOCK];
    double values[PSK_BLOCK];
    for (int64_t begin = 0; begin < n; begin += PSK_BLOCK) {
        int64_t count = n - begin < PSK_BLOCK ? n - begin : PSK_BLOCK;
        const int64_t *block_steps = steps_at(steps, begin, count, room);
        family->block(s, block_steps, count, values);
        if (!all_finite(values, count))
            settle_non_finite(family, s, block_steps, values, count, begin, non_finite);
        store(out, begin, values, count);
    }
}

/* A closed form one step at a time, a run of equal values computed once. The
 * index of the first non-finite value goes to *non_finite; the first step
 * where the framework raises stops it. */
static int eval_steps(const psk_family *family, const psk_schedule *s, steps_source steps, int64_t n,
                      psk_out out, int64_t (*run_end)(const psk_schedule *, int64_t), int64_t *non_finite,
                      int64_t *bad_index)
{
    for (int64_t i = 0; i < n;) {
        int64_t step = step_of(steps, i);
        if (family->raises_at != NULL && family->raises_at(s, step)) {
            if (bad_index != NULL)
                *bad_index = i;
            return PSK_E_RAISES;
        }
        double value = family->at(s, step);
        if (!isfinite(value) && *non_finite < 0)
            *non_finite = i;
        psk_put(out, i, value);
        i++;
        if (run_end == NULL || i == n || step_of(steps, i) < step)
            continue;
        int64_t end = run_end(s, step);
        if (steps.array != NULL) {
            i = fill_listed(out, steps.array, i, n, step, end, value);
        } else {
            int64_t stop = progression_stop(steps, n, end);
            fill(out, i, stop, value);
            i = stop;
        }
    }
    return PSK_OK;
}

/* A closed form over the steps: step by step where it has runs or raises,
 * else a staged family a block at a time; the first step where the framework
 * raises wins over the first non-finite value. */
static int eval_pointwise(const psk_family *family, const psk_schedule *s, steps_source steps,
                          int64_t n, psk_out out, int64_t *bad_index)
{
    int64_t non_finite = -1;
    int64_t (*run_end)(const psk_schedule *, int64_t) = family->raises_at == NULL ? family->run_end : NULL;
    if (run_end != NULL && n > 0 && run_end(s, step_of(steps, 0)) < 0)
        run_end = NULL;
    int status = PSK_OK;
    /* A few exact steps cost less one at a time: the block's value is at()'s. */
    int few = n < 16 && s->precision == PSK_EXACT;
    if (family->block != NULL && run_end == NULL && family->raises_at == NULL && !few)
        eval_blocks(family, s, steps, n, out, &non_finite);
    else
        status = eval_steps(family, s, steps, n, out, run_end, &non_finite, bad_index);
    if (status == PSK_OK && non_finite >= 0) {
        if (bad_index != NULL)
            *bad_index = non_finite;
        return PSK_E_NONFINITE;
    }
    return status;
}

/* A progression written out, freshly allocated (NULL when out of memory). */
static int64_t *written_out(steps_source steps, int64_t n)
{
    int64_t *array = malloc((size_t)(n > 0 ? n : 1) * sizeof *array);
    for (int64_t i = 0; array != NULL && i < n; i++)
        array[i] = step_of(steps, i);
    return array;
}

/* eval() over a progression's steps written out, non-finite values included as errors. */
static int eval_written_out(const psk_family *family, const psk_schedule *s, steps_source steps, int64_t n,
                            psk_out out, int64_t *bad_index)
{
    int64_t *array = written_out(steps, n);
    if (array == NULL)
        return PSK_E_NOMEM;
    int status = family->eval(s, array, n, out, bad_index);
    free(array);
    return status == PSK_OK ? check_finite(out, n, bad_index) : status;
}

/* eval() over a source, non-finite values included as errors: an array as it
 * is, a progression (of a schedule that splits) a block at a time in a room
 * on the stack; after a failure, over all the steps written out, for the
 * failure one call over them reports. */
static int eval_bulk(const psk_family *family, const psk_schedule *s, steps_source steps, int64_t n,
                     psk_out out, int64_t *bad_index)
{
    if (steps.array != NULL) {
        int status = family->eval(s, steps.array, n, out, bad_index);
        return status == PSK_OK ? check_finite(out, n, bad_index) : status;
    }
    int64_t room[PSK_BULK_BLOCK];
    size_t width = out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    for (int64_t begin = 0; begin < n; begin += PSK_BULK_BLOCK) {
        int64_t count = n - begin < PSK_BULK_BLOCK ? n - begin : PSK_BULK_BLOCK;
        psk_out part = {(char *)out.data + (size_t)begin * width, out.dtype};
        int status = family->eval(s, steps_at(steps, begin, count, room), count, part, NULL);
        if (status == PSK_OK)
            status = check_finite(part, count, NULL);
        if (status != PSK_OK)
            return eval_written_out(family, s, steps, n, out, bad_index);
    }
    return PSK_OK;
}

/* A closed form with an eval() too takes its steps in bulk, and reports a
 * failure as it meets it step by step. */
static int eval_into(const psk_schedule *s, steps_source steps, int64_t n, psk_out out, int64_t *bad_index)
{
    if (s->dtype == PSK_FLOAT64 && out.dtype == PSK_FLOAT32)
        return PSK_E_DTYPE;
    const psk_family *family = family_of(s);
    uint64_t saved = family->flush_denormals ? psk_flush_denormals_begin() : 0;
    int bulk = family->eval != NULL;
    int status = bulk ? eval_bulk(family, s, steps, n, out, bad_index)
                      : eval_pointwise(family, s, steps, n, out, bad_index);
    if (status != PSK_OK && bulk && family->at != NULL)
        status = eval_pointwise(family, s, steps, n, out, bad_index);
    if (family->flush_denormals)
        psk_flush_denormals_end(saved);
    return status;
}

int psk_eval_into(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    return eval_into(s, (steps_source){steps, 0, 0}, n, out, bad_index);
}

/* Work for one thread: rows schedules at the same steps (a contiguous run of
 * one schedule's steps, or some of evaluate_many's rows), row r into out
 * shifted by r * n values. */
typedef struct {
    const psk_schedule *schedules;
    int64_t rows;
    steps_source steps;
    int64_t n;
    psk_out out;
    int status;
    int64_t bad;     /* the failing step's index in the run, or -1 */
    int64_t bad_row; /* the failing row, counted from schedules */
} chunk;

static void *eval_chunk(void *arg)
{
    chunk *c = arg;
    size_t width = c->out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    for (int64_t row = 0; row < c->rows; row++) {
        psk_out row_out = {(char *)c->out.data + (size_t)(row * c->n) * width, c->out.dtype};
        c->status = eval_into(&c->schedules[row], c->steps, c->n, row_out, &c->bad);
        if (c->status != PSK_OK) {
            c->bad_row = row;
            break;
        }
    }
    return NULL;
}

/* Run the chunks, the first on the calling thread and each other on a thread
 * of its own (or on the calling thread when none can be had). */
static void run_chunks(chunk *chunks, int64_t count)
{
    pthread_t ids[PSK_MAX_THREADS];
    int started[PSK_MAX_THREADS] = {0};
    for (int64_t i = 1; i < count; i++)
        started[i] = pthread_create(&ids[i], NULL, eval_chunk, &chunks[i]) == 0;
    eval_chunk(&chunks[0]);
    for (int64_t i = 1; i < count; i++) {
        if (started[i])
            pthread_join(ids[i], NULL);
        else
            eval_chunk(&chunks[i]);
    }
}

/* Whether a schedule's steps can be split between threads: a closed form, or
 * a composition of such evaluating its children in bulk (a recurrence would
 * replay its early steps on every thread). */
static int splits(const psk_schedule *s)
{
    const psk_family *family = family_of(s);
    if (family->at != NULL)
        return 1;
    if (!family->children_in_bulk)
        return 0;
    for (int64_t i = 0; i < s->n_children; i++)
        if (!splits(&s->children[i]))
            return 0;
    return 1;
}

static int eval_parallel(const psk_schedule *s, steps_source steps, int64_t n, psk_out out, int32_t threads,
                         int64_t *bad_index)
{
    int64_t count = n / PSK_MIN_CHUNK < threads ? n / PSK_MIN_CHUNK : threads;
    if (count <= 1 || !splits(s))
        return eval_into(s, steps, n, out, bad_index);
    size_t width = out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    chunk chunks[PSK_MAX_THREADS];
    for (int64_t i = 0; i < count; i++) {
        int64_t begin = n / count * i, end = i == count - 1 ? n : n / count * (i + 1);
        chunks[i] = (chunk){s, 1, from_index(steps, begin), end - begin,
                            {(char *)out.data + (size_t)begin * width, out.dtype}, PSK_OK, -1, -1};
    }
    run_chunks(chunks, count);
    for (int64_t i = 0; i < count; i++)
        if (chunks[i].status != PSK_OK) /* evaluated again, for the failure a serial run reports */
            return eval_into(s, steps, n, out, bad_index);
    return PSK_OK;
}

/* What every evaluating entry point checks first: the thread count and the descriptor. */
static int check_call(const psk_schedule *s, int32_t threads)
{
    return threads < 1 || threads > PSK_MAX_THREADS ? PSK_E_THREADS : psk_check(s);
}

int psk_eval_threads(const psk_schedule *s, const int64_t *steps, int64_t n_steps,
                     void *out, int32_t out_dtype, int64_t out_len, int32_t threads, int64_t *bad_index)
{
    int status = check_call(s, threads);
    if (status == PSK_OK)
        status = check_buffers(steps, n_steps, out, out_dtype, n_steps, out_len);
    if (status == PSK_OK)
        status = check_steps(steps, n_steps, bad_index);
    if (status != PSK_OK)
        return status;
    return eval_parallel(s, (steps_source){steps, 0, 0}, n_steps, (psk_out){out, out_dtype}, threads, bad_index);
}

/* A schedule that does not split (a recurrence, or a composition of one)
 * reads its steps from an array: the progression is written out for it. */
static int eval_range(const psk_schedule *s, int64_t first, int64_t stride, int64_t n, psk_out out,
                      int32_t threads, int64_t *bad_index)
{
    steps_source progression = {NULL, first, stride};
    if (splits(s))
        return eval_parallel(s, progression, n, out, threads, bad_index);
    int64_t *steps = written_out(progression, n);
    if (steps == NULL)
        return PSK_E_NOMEM;
    int status = eval_into(s, (steps_source){steps, 0, 0}, n, out, bad_index);
    free(steps);
    return status;
}

int psk_eval_range(const psk_schedule *s, int64_t first, int64_t stride, int64_t n_steps,
                   void *out, int32_t out_dtype, int64_t out_len, int32_t threads, int64_t *bad_index)
{
    int status = check_call(s, threads);
    if (status == PSK_OK && (stride < 1 || n_steps < 0 || (uint64_t)n_steps > SIZE_MAX / sizeof(int64_t)))
        status = PSK_E_LENGTH;
    if (status == PSK_OK)
        status = check_buffers(NULL, 0, out, out_dtype, n_steps, out_len);
    if (status != PSK_OK)
        return status;
    if (n_steps > 0 && (first < 0 || first > PSK_MAX_STEP || (PSK_MAX_STEP - first) / stride < n_steps - 1)) {
        if (bad_index != NULL)
            *bad_index = first < 0 ? 0 : first > PSK_MAX_STEP ? 0 : (PSK_MAX_STEP - first) / stride + 1;
        return PSK_E_STEP;
    }
    return eval_range(s, first, stride, n_steps, (psk_out){out, out_dtype}, threads, bad_index);
}

int psk_eval(const psk_schedule *s, const int64_t *steps, int64_t n_steps,
             void *out, int32_t out_dtype, int64_t out_len, int64_t *bad_index)
{
    return psk_eval_threads(s, steps, n_steps, out, out_dtype, out_len, 1, bad_index);
}

int psk_eval_at(const psk_schedule *s, int64_t step, double *value)
{
    if (value == NULL)
        return PSK_E_NULL;
    return psk_eval(s, &step, 1, value, PSK_FLOAT64, 1, NULL);
}

int psk_eval_many_threads(const psk_schedule *schedules, int64_t n_schedules, const int64_t *steps, int64_t n_steps,
                          void *out, int32_t out_dtype, int64_t out_len, int32_t threads, int64_t *bad_row,
                          int64_t *bad_index)
{
    if (threads < 1 || threads > PSK_MAX_THREADS)
        return PSK_E_THREADS;
    if (n_schedules < 0 || n_steps < 0)
        return PSK_E_LENGTH;
    if (n_schedules > 0 && schedules == NULL)
        return PSK_E_NULL;
    if (n_steps > 0 && n_schedules > INT64_MAX / n_steps)
        return PSK_E_LENGTH;
    for (int64_t row = 0; row < n_schedules; row++) {
        int status = psk_check(&schedules[row]);
        if (status != PSK_OK) {
            if (bad_row != NULL)
                *bad_row = row;
            return status;
        }
    }
    int status = check_buffers(steps, n_steps, out, out_dtype, n_schedules * n_steps, out_len);
    if (status == PSK_OK)
        status = check_steps(steps, n_steps, bad_index);
    if (status != PSK_OK)
        return status;
    /* Whole rows to each thread, at least PSK_MIN_CHUNK values each. */
    int64_t values = n_schedules * n_steps, count = values / PSK_MIN_CHUNK;
    count = count < threads ? count : threads;
    count = count < n_schedules ? count : n_schedules;
    count = count > 1 ? count : 1;
    size_t width = out_dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    chunk chunks[PSK_MAX_THREADS];
    for (int64_t i = 0; i < count; i++) {
        int64_t first = n_schedules / count * i, end = i == count - 1 ? n_schedules : n_schedules / count * (i + 1);
        chunks[i] = (chunk){&schedules[first], end - first, {steps, 0, 0}, n_steps,
                            {(char *)out + (size_t)(first * n_steps) * width, out_dtype}, PSK_OK, -1, -1};
    }
    run_chunks(chunks, count);
    for (int64_t i = 0; i < count; i++) { /* the first failing row, as a serial run stops at */
        if (chunks[i].status != PSK_OK) {
            if (bad_row != NULL)
                *bad_row = (chunks[i].schedules - schedules) + chunks[i].bad_row;
            if (bad_index != NULL && chunks[i].bad >= 0)
                *bad_index = chunks[i].bad;
            return chunks[i].status;
        }
    }
    return PSK_OK;
}

int psk_eval_many(const psk_schedule *schedules, int64_t n_schedules,
                  const int64_t *steps, int64_t n_steps,
                  void *out, int32_t out_dtype, int64_t out_len,
                  int64_t *bad_row, int64_t *bad_index)
{
    return psk_eval_many_threads(schedules, n_schedules, steps, n_steps, out, out_dtype, out_len, 1, bad_row,
                                 bad_index);
}
