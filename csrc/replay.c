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
    const step_at *x = a, *y = b;
    return (x->step > y->step) - (x->step < y->step);
}

int64_t *psk_step_order(const int64_t *steps, int64_t n, int *status)
{
    *status = PSK_OK;
    if (is_sorted(steps, n))
        return NULL;
    if ((uint64_t)n > SIZE_MAX / sizeof(step_at)) {
        *status = PSK_E_NOMEM;
        return NULL;
    }
    step_at *pairs = malloc((size_t)n * sizeof *pairs);
    int64_t *order = malloc((size_t)n * sizeof *order);
    if (pairs == NULL || order == NULL) {
        free(pairs);
        free(order);
        *status = PSK_E_NOMEM;
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        pairs[i] = (step_at){steps[i], i};
    qsort(pairs, (size_t)n, sizeof *pairs, by_step);
    for (int64_t i = 0; i < n; i++)
        order[i] = pairs[i].index;
    free(pairs);
    return order;
}

int psk_replay(const psk_schedule *s, const psk_recurrence *r,
               const int64_t *steps, int64_t n, psk_out out)
{
    int status = PSK_OK;
    int64_t *order = psk_step_order(steps, n, &status);
    if (status != PSK_OK)
        return status;
    replay_state st = {s, r, r->x0, 0, 0};
    for (int64_t k = 0; k < n; k++) {
        int64_t i = order != NULL ? order[k] : k;
        psk_put(out, i, value_after(&st, r->count(s, steps[i])));
    }
    free(order);
    return PSK_OK;
}
