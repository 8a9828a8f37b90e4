/* Fast precision's pow and cos: inline and branch-free, so that a staged
 * family's block (PSK_STAGED in kernel.h) vectorises with them. Where they
 * apply (a normal x > 0 and |y log x| <= 708 for pow, |x| <= 2**20 for cos)
 * they give NaN elsewhere, and the kernel evaluates those steps again with
 * libm. Not seen by Python; tests/test_fast.py measures the schedules.
 *
 * pow(x, y) is exp(y * log(x)) with log(x) and the product carried as
 * double-doubles (hi + lo, about 106 bits), so that the exponent's error,
 * which exp multiplies into the result, stays below 2**-60 relative: a few
 * 2**-53 relative in all. exp uses a table of 2**(j/128) and a degree-6
 * polynomial, log a table of log(1/c) and a degree-9 one. */
#ifndef PSK_FASTMATH_H
#define PSK_FASTMATH_H

#include <stdint.h>

#define PSK_FAST_TABLE_BITS 7
#define PSK_FAST_TABLE_SIZE (1 << PSK_FAST_TABLE_BITS)

/* fastmath.c: 2**(j/128), and for c the centre of [1 + j/128, 1 + (j+1)/128)
 * the double nearest 1/c and -log of that double; the first and last as
 * double-doubles. psk_fast_math_init() builds them once. */
extern double psk_exp2_hi[PSK_FAST_TABLE_SIZE], psk_exp2_lo[PSK_FAST_TABLE_SIZE];
extern double psk_inverse_centre[PSK_FAST_TABLE_SIZE];
extern double psk_log_hi[PSK_FAST_TABLE_SIZE], psk_log_lo[PSK_FAST_TABLE_SIZE];
void psk_fast_math_init(void);

/* Inlined wherever used: a call would stop the loop around it vectorising. */
#define PSK_FAST_INLINE static inline __attribute__((always_inline))

typedef union {
    double value;
    uint64_t bits;
} psk_double_bits;

PSK_FAST_INLINE uint64_t psk_bits_of(double x)
{
    return (psk_double_bits){.value = x}.bits;
}

PSK_FAST_INLINE double psk_double_of(uint64_t bits)
{
    return (psk_double_bits){.bits = bits}.value;
}

/* value where it applies, else NaN; with bit operations, which the compiler
 * cannot turn into branches that stop a loop vectorising. */
PSK_FAST_INLINE double psk_nan_unless(int applies, double value)
{
    uint64_t nan_mask = (uint64_t)applies - 1;
    return psk_double_of(psk_bits_of(value) | (nan_mask & 0x7ff8000000000000ULL));
}

/* a * b exactly, as hi + lo (Dekker's product, no FMA needed). */
PSK_FAST_INLINE double psk_product_error(double a, double b, double hi)
{
    const double split = 134217729.0; /* 2**27 + 1 */
    double a_big = a * split, b_big = b * split;
    double a1 = a_big - (a_big - a), a2 = a - a1;
    double b1 = b_big - (b_big - b), b2 = b - b1;
    return ((a1 * b1 - hi) + a1 * b2 + a2 * b1) + a2 * b2;
}

/* a + b - (a + b rounded), exactly (Knuth's two-sum). */
PSK_FAST_INLINE double psk_sum_error(double a, double b, double hi)
{
    double b_part = hi - a;
    return (a - (hi - b_part)) + (b - b_part);
}

/* Adding then subtracting it rounds a double below 2**51 in magnitude to an
 * integer, which the sum's low bits hold: bits(x + shift) - bits(shift). */
#define PSK_ROUND_SHIFT 0x1.8p52
#define PSK_ROUND_SHIFT_BITS 0x4338000000000000ULL

/* e**(hi + lo) for |hi| <= 708, |lo| <= 2**-40 |hi|; garbage elsewhere. */
PSK_FAST_INLINE double psk_exp_parts(double hi, double lo)
{
    const double ln2_128_hi = 0x1.62e42fefc0000p-8, ln2_128_lo = -0x1.c610ca86c3899p-44;
    const double inverse_ln2_128 = PSK_FAST_TABLE_SIZE / 0.6931471805599453;
    double shifted = hi * inverse_ln2_128 + PSK_ROUND_SHIFT, k = shifted - PSK_ROUND_SHIFT;
    int64_t n = (int64_t)(psk_bits_of(shifted) - PSK_ROUND_SHIFT_BITS);
    double r = (hi - k * ln2_128_hi) - k * ln2_128_lo + lo; /* |r| <= ln(2)/256: exact first step */
    double p = r + r * r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720)))));
    int64_t j = n & (PSK_FAST_TABLE_SIZE - 1);
    uint64_t biased = (uint64_t)(n + 1023 * PSK_FAST_TABLE_SIZE) >> PSK_FAST_TABLE_BITS;
    return (psk_exp2_hi[j] + (psk_exp2_lo[j] + psk_exp2_hi[j] * p)) * psk_double_of(biased << 52);
}

/* log(x) for a normal x > 0, as *hi + *lo. */
PSK_FAST_INLINE void psk_log_parts(double x, double *hi, double *lo)
{
    const double ln2_hi = 0x1.62e42ff000000p-1, ln2_lo = -0x1.718432a1b0e26p-35;
    uint64_t bits = psk_bits_of(x);
    double e = psk_double_of(0x4330000000000000ULL | (bits >> 52)) - (0x1p52 + 1023);
    int64_t j = (int64_t)((bits >> (52 - PSK_FAST_TABLE_BITS)) & (PSK_FAST_TABLE_SIZE - 1));
    double m = psk_double_of((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    double product = m * psk_inverse_centre[j];
    double z_lo = psk_product_error(m, psk_inverse_centre[j], product);
    double z = product - 1.0; /* exact: the product is within 2**-8 of 1 */
    double tail = z * z * (-0.5 + z * (1.0 / 3 + z * (-0.25 + z * (0.2 + z * (-1.0 / 6
                  + z * (1.0 / 7 + z * (-0.125 + z * (1.0 / 9))))))));
    double a = e * ln2_hi + psk_log_hi[j], a_lo = psk_sum_error(e * ln2_hi, psk_log_hi[j], a);
    double b = a + z, b_lo = psk_sum_error(a, z, b);
    double rest = a_lo + b_lo + e * ln2_lo + psk_log_lo[j] + z_lo + tail;
    *hi = b + rest;
    *lo = psk_sum_error(b, rest, *hi);
}

/* x**y from log(x) = log_hi + log_lo; in a float's pow the exponent in plain
 * double arithmetic is enough. */
PSK_FAST_INLINE double psk_fast_pow_from_log(double x, double log_hi, double log_lo, double y)
{
    double u = y * log_hi, u_lo = psk_product_error(y, log_hi, u) + y * log_lo;
    int applies = (x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023) & (u >= -708.0) & (u <= 708.0);
    return psk_nan_unless(applies, psk_exp_parts(u, u_lo));
}

PSK_FAST_INLINE double psk_fast_powf_from_log(double x, double log_hi, double y)
{
    double u = y * log_hi;
    int applies = (x >= 0x1p-1022) & (x <= 0x1.fffffffffffffp1023) & (u >= -708.0) & (u <= 708.0);
    return (float)psk_nan_unless(applies, psk_exp_parts(u, 0.0));
}

/* cos(x) = (-1)**k cos(r) for x = k pi + r, |r| <= pi/2: r from pi in three
 * pieces (the first two of 33 bits, so that k times them is exact for
 * |k| <= 2**20), and cos(r) from its Taylor series to r**22, whose first
 * omitted term is below 2**-63. Near cos(r) = 0 its error is a few 2**-53 in
 * absolute terms, not relative ones. */
PSK_FAST_INLINE double psk_fast_cos(double x)
{
    const double pi_1 = 0x1.921fb54400000p+1, pi_2 = 0x1.0b4611a600000p-33, pi_3 = 0x1.3198a2e037073p-68,
                 one_over_pi = 0x1.45f306dc9c883p-2;
    double shifted = x * one_over_pi + PSK_ROUND_SHIFT, k = shifted - PSK_ROUND_SHIFT;
    uint64_t odd = (psk_bits_of(shifted) - PSK_ROUND_SHIFT_BITS) & 1;
    double r = ((x - k * pi_1) - k * pi_2) - k * pi_3; /* the first step is exact */
    double z = r * r;
    double tail = z * z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800
                  + z * (1.0 / 479001600 + z * (-1.0 / 87178291200 + z * (1.0 / 20922789888000
                  + z * (-1.0 / 6402373705728000 + z * (1.0 / 2432902008176640000.0
                  + z * (-1.0 / 1124000727777607680000.0))))))))));
    double cos_r = 1.0 - (0.5 * z - tail);
    return psk_nan_unless((x >= -0x1p20) & (x <= 0x1p20), psk_double_of(psk_bits_of(cos_r) ^ (odd << 63)));
}

#endif
