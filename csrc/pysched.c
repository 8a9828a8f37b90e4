/* The pysched namespace: compositions of schedules of any namespace.
 *
 * No framework has them, so their definition is their oracle. A child is
 * evaluated once per call over all the steps it covers (a stepped child still
 * replays once), into float64 scratch, which holds any child's values exactly;
 * the composition then writes each value in its own dtype. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "kernel.h"

/* The composition's operation on a child's value, in the composition's dtype. */
typedef double (*apply_fn)(const psk_schedule *s, double value);

typedef struct {
    int64_t *steps;
    double *values;
} scratch;

static int scratch_new(scratch *tmp, int64_t n)
{
    tmp->steps = NULL;
    tmp->values = NULL;
    if ((uint64_t)n > SIZE_MAX / sizeof(double))
        return PSK_E_NOMEM;
    size_t count = n > 0 ? (size_t)n : 1;
    tmp->steps = malloc(count * sizeof *tmp->steps);
    tmp->values = malloc(count * sizeof *tmp->values);
    return tmp->steps != NULL && tmp->values != NULL ? PSK_OK : PSK_E_NOMEM;
}

static void scratch_free(scratch *tmp)
{
    free(tmp->steps);
    free(tmp->values);
}

static int covers(int64_t step, int64_t begin, int64_t end)
{
    return begin <= step && step < end;
}

/* The index among steps of the k-th one in [begin, end). */
static int64_t kth_covered(const int64_t *steps, int64_t n, int64_t begin, int64_t end, int64_t k)
{
    for (int64_t i = 0; i < n; i++)
        if (covers(steps[i], begin, end) && k-- == 0)
            return i;
    return -1;
}

/* For the steps in [begin, end): out[i] = apply(child(steps[i] - begin)). */
static int eval_child(const psk_schedule *s, const psk_schedule *child, apply_fn apply,
                      const int64_t *steps, int64_t n, int64_t begin, int64_t end,
                      psk_out out, scratch *tmp, int64_t *bad_index)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (covers(steps[i], begin, end))
            tmp->steps[m++] = steps[i] - begin;
    if (m == 0)
        return PSK_OK;
    int64_t child_bad = -1;
    int status = psk_eval_into(child, tmp->steps, m, (psk_out){tmp->values, PSK_FLOAT64}, &child_bad);
    if (status != PSK_OK && child_bad >= 0) {
        int64_t bad = kth_covered(steps, n, begin, end, child_bad);
        if (bad_index != NULL)  /* NULL from psk_eval_at and from a progression's blocks */
            *bad_index = bad;
        if (status == PSK_E_NONFINITE)
            psk_put(out, bad, tmp->values[child_bad]);
    }
    if (status != PSK_OK)
        return status;
    for (int64_t i = 0, j = 0; i < n; i++)
        if (covers(steps[i], begin, end))
            psk_put(out, i, apply(s, tmp->values[j++]));
    return PSK_OK;
}

/* A composition of one child: out[i] = apply(child(steps[i])). */
static int eval_transform(const psk_schedule *s, apply_fn apply, const int64_t *steps, int64_t n,
                          psk_out out, int64_t *bad_index)
{
    scratch tmp;
    int status = scratch_new(&tmp, n);
    if (status == PSK_OK)
        status = eval_child(s, &s->children[0], apply, steps, n, 0, INT64_MAX, out, &tmp, bad_index);
    scratch_free(&tmp);
    return status;
}

static double in_dtype(const psk_schedule *s, double value)
{
    return s->dtype == PSK_FLOAT32 ? (float)value : value;
}

/* Whether every child is a closed form (which a block of steps costs no more than all of them). */
static int children_pointwise(const psk_schedule *s)
{
    for (int64_t i = 0; i < s->n_children; i++)
        if (!psk_is_pointwise(&s->children[i]))
            return 0;
    return 1;
}

int psk_eval_pieces(const psk_schedule *s, psk_piece_fn piece, const int64_t *steps, int64_t n, psk_out out,
                    int64_t *bad_index)
{
    /* Closed-form children go a block of steps at a time, in scratch that stays
     * in cache; a replayed child sees all its steps at once, replayed once. */
    int64_t block = children_pointwise(s) && n > PSK_BULK_BLOCK ? PSK_BULK_BLOCK : n;
    size_t width = out.dtype == PSK_FLOAT32 ? sizeof(float) : sizeof(double);
    scratch tmp;
    int status = scratch_new(&tmp, block);
    for (int64_t first = 0; status == PSK_OK && first < n; first += block) {
        int64_t m = n - first < block ? n - first : block, bad = -1;
        psk_out part = {(char *)out.data + (size_t)first * width, out.dtype};
        for (int64_t i = 0; status == PSK_OK && i < s->n_children; i++) {
            int64_t begin, end;
            piece(s, i, &begin, &end);
            status = eval_child(s, &s->children[i], in_dtype, steps + first, m, begin, end, part, &tmp, &bad);
        }
        if (status != PSK_OK && bad >= 0 && bad_index != NULL)
            *bad_index = first + bad;
    }
    scratch_free(&tmp);
    return status;
}

/* sequential: schedules[i] from boundaries[i - 1] on, at the steps since it.
 *
 *     value(t) = schedules[i](t - boundaries[i - 1])  for boundaries[i - 1] <= t < boundaries[i]
 *
 * integer: the boundaries, non-decreasing; children: the schedules. */
static void sequential_piece(const psk_schedule *s, int64_t i, int64_t *begin, int64_t *end)
{
    *begin = i > 0 ? s->integer[i - 1] : 0;
    *end = i < s->n_int ? s->integer[i] : INT64_MAX;
}

static int sequential_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out,
                           int64_t *bad_index)
{
    return psk_eval_pieces(s, sequential_piece, steps, n, out, bad_index);
}

static int sequential_check(const psk_schedule *s)
{
    if (s->n_children != s->n_int + 1)
        return PSK_E_PARAM_COUNT;
    for (int64_t i = 0; i < s->n_int; i++)
        if (s->integer[i] < 0 || s->integer[i] > PSK_MAX_STEP || (i > 0 && s->integer[i] < s->integer[i - 1]))
            return PSK_E_PARAM;
    return PSK_OK;
}

/* scale: value(t) = schedule(t) * factor, in the composition's dtype. real: factor. */
static double scaled(const psk_schedule *s, double value)
{
    if (s->dtype == PSK_FLOAT32)
        return (float)value * (float)s->real[0];
    return value * s->real[0];
}

static int scale_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    return eval_transform(s, scaled, steps, n, out, bad_index);
}

/* clamp: value(t) = min(max(schedule(t), min_value), max_value), in the
 * composition's dtype, each bound only if given. real: min_value, max_value;
 * integer: has min_value, has max_value. */
static double clamped(const psk_schedule *s, double value)
{
    value = in_dtype(s, value);
    double low = in_dtype(s, s->real[0]), high = in_dtype(s, s->real[1]);
    if (s->integer[0] && value < low)
        return low;
    if (s->integer[1] && value > high)
        return high;
    return value;
}

static int clamp_eval(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index)
{
    return eval_transform(s, clamped, steps, n, out, bad_index);
}

static int clamp_check(const psk_schedule *s)
{
    int ok = psk_is_flag(s->integer[0]) && psk_is_flag(s->integer[1])
             && !(s->integer[0] && s->integer[1] && s->real[0] > s->real[1]);
    return ok ? PSK_OK : PSK_E_PARAM;
}

const psk_family psk_pysched_sequential = {
    .n_real = 0,
    .n_int = PSK_VARIABLE,
    .n_children = PSK_VARIABLE,
    .check = sequential_check,
    .eval = sequential_eval,
    .children_in_bulk = 1,
};

const psk_family psk_pysched_scale = {
    .n_real = 1,
    .n_int = 0,
    .n_children = 1,
    .eval = scale_eval,
    .children_in_bulk = 1,
};

const psk_family psk_pysched_clamp = {
    .n_real = 2,
    .n_int = 2,
    .n_children = 1,
    .check = clamp_check,
    .eval = clamp_eval,
    .children_in_bulk = 1,
};
