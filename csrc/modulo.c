/* Counting the steps at which Keras finds `step % period == 0`.
 *
 * In int64 that is every multiple of the period. In float32 (a float period,
 * or a step cast to float32 first) it is every step t whose float32 value
 * (float)t is a multiple of the float32 period p; fmodf is exact, so there is
 * no rounding in the test itself, only in (float)t. */
#include <math.h>

#include "kernel.h"

#define EXACT_LIMIT ((int64_t)1 << 24) /* every integer below it is a float */

int64_t psk_count_multiples_i64(int64_t period, int64_t end)
{
    return end <= 0 ? 0 : (end - 1) / period + 1;
}

/* The smallest integer P with: an integer t is a multiple of p iff P divides t.
 * p = m * 2**e with m odd: P = p if e >= 0, else m (t * 2**-e / m is an
 * integer iff m divides t). p is in [1, 2**53]. */
static int64_t integer_period(float p)
{
    int e;
    float fraction = frexpf(p, &e);
    int64_t m = (int64_t)ldexpf(fraction, 24);
    e -= 24;
    while ((m & 1) == 0) {
        m >>= 1;
        e++;
    }
    return e >= 0 ? m << e : m;
}

/* The integers that round to the float m >= 2**24, of spacing u: those within
 * u/2 of m, and the ties at +-u/2 when m's significand is even. Below a power
 * of two the spacing halves, so the interval reaches down only u/4. */
static void rounding_interval(int64_t m, int64_t u, int is_power_of_two, int64_t *lo, int64_t *hi)
{
    int even = (m / u) % 2 == 0;
    *lo = is_power_of_two ? m - u / 4 : m - u / 2 + !even;
    *hi = m + u / 2 - !even;
}

static int64_t clipped_length(int64_t lo, int64_t hi, int64_t end)
{
    if (hi >= end)
        hi = end - 1;
    return hi >= lo ? hi - lo + 1 : 0;
}

/* Steps in [2**k, 2**(k+1)) ∪ (their rounding intervals) below end, whose float
 * is a multiple of P = q * 2**a (q odd). Floats there are the multiples of
 * u = 2**(k-23); the multiples of P among them are the multiples of
 * L = q * 2**max(a, k-23). */
static int64_t count_in_binade(int k, int64_t q, int a, int64_t end)
{
    int64_t base = (int64_t)1 << k, u = (int64_t)1 << (k - 23);
    int shift = a > k - 23 ? a : k - 23;
    if (shift > k || q > ((2 * base) >> shift))
        return 0;
    int64_t L = q << shift;
    int64_t total = 0;

    /* 2**k itself, a multiple of L only when L is a power of two. */
    int64_t lo, hi;
    if (base % L == 0) {
        rounding_interval(base, u, 1, &lo, &hi);
        total += clipped_length(lo, hi, end);
    }
    /* Multiples in (2**k, bulk_end] lie wholly below end: count them by
     * parity of significand, u + 1 integers each if even, u - 1 if odd. */
    int64_t top = 2 * base - 1;
    int64_t bulk_end = end - u / 2 - 1 < top ? end - u / 2 - 1 : top;
    if (bulk_end > base) {
        int64_t multiples = bulk_end / L - base / L;
        int64_t even = (L / u) % 2 == 0 ? multiples : bulk_end / (2 * L) - base / (2 * L);
        total += even * (u + 1) + (multiples - even) * (u - 1);
    }
    /* The few multiples near end, whose intervals end cuts. */
    int64_t first = (bulk_end > base ? bulk_end : base) / L * L + L;
    for (int64_t m = first; m <= top && m - u / 2 < end; m += L) {
        rounding_interval(m, u, 0, &lo, &hi);
        total += clipped_length(lo, hi, end);
    }
    return total;
}

int64_t psk_count_multiples_f32(float period, int64_t end)
{
    int64_t P = integer_period(period);
    int64_t exact_end = end < EXACT_LIMIT ? end : EXACT_LIMIT;
    int64_t count = psk_count_multiples_i64(P, exact_end);
    int a = 0;
    int64_t q = P;
    while ((q & 1) == 0) {
        q >>= 1;
        a++;
    }
    /* A binade matters once the steps rounding up to its first float begin. */
    for (int k = 24; k < 62 && ((int64_t)1 << k) - ((int64_t)1 << (k - 23)) / 4 < end; k++)
        count += count_in_binade(k, q, a, end);
    return count;
}
