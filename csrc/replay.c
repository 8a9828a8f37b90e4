/* Replaying a recurrence once for many steps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

typedef struct {
    const psk_schedule *s;
    const psk_recurrence *r;
    double x;      /* x[done] */
    int64_t done;  /* applications so far */
    int fixed;     /* next(x) == x bit for bit: x is the value from now on */
} replay_state;

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static double value_after(replay_state *st, int64_t applications)
{
    while (st->done < applications && !st->fixed) {
        double next = st->r->next(st->s, st->x);
        st->fixed = same_bits(next, st->x);
        st->x = next;
        st->done++;
    }
    return st->x;
}

static int is_sorted(const int64_t *steps, int64_t n)
{
    for (int64_t i = 1; i < n; i++)
        if (steps[i] < steps[i - 1])
            return 0;
    return 1;
}

typedef struct {
    int64_t step;
    int64_t index;
} step_at;

static int by_step(const void *a, const void *b)
{
    int64_t x = ((const step_at *)a)->step, y = ((const step_at *)b)->step;
    return (x > y) - (x < y);
}

int psk_replay(const psk_schedule *s, const psk_recurrence *r,
               const int64_t *steps, int64_t n, psk_out out)
{
    replay_state st = {s, r, r->x0, 0, 0};
    if (is_sorted(steps, n)) {
        for (int64_t i = 0; i < n; i++)
            psk_put(out, i, value_after(&st, r->count(s, steps[i])));
        return PSK_OK;
    }
    if ((uint64_t)n > SIZE_MAX / sizeof(step_at))
        return PSK_E_NOMEM;
    step_at *order = malloc((size_t)n * sizeof *order);
    if (order == NULL)
        return PSK_E_NOMEM;
    for (int64_t i = 0; i < n; i++)
        order[i] = (step_at){steps[i], i};
    qsort(order, (size_t)n, sizeof *order, by_step);
    for (int64_t i = 0; i < n; i++)
        psk_put(out, order[i].index, value_after(&st, r->count(s, order[i].step)));
    free(order);
    return PSK_OK;
}
