/* The array operations of staged families (PSK_STAGED), and the tables of
 * fastmath.h, computed once in long double (a 64-bit mantissa on x86-64) and
 * split into double-doubles. */
#include <math.h>
#include <pthread.h>

#include "fastmath.h"
#include "kernel.h"

double psk_exp2_hi[PSK_FAST_TABLE_SIZE], psk_exp2_lo[PSK_FAST_TABLE_SIZE];
double psk_inverse_centre[PSK_FAST_TABLE_SIZE];
double psk_log_hi[PSK_FAST_TABLE_SIZE], psk_log_lo[PSK_FAST_TABLE_SIZE];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    for (int j = 0; j < PSK_FAST_TABLE_SIZE; j++) {
        long double power = exp2l((long double)j / PSK_FAST_TABLE_SIZE);
        psk_exp2_hi[j] = (double)power;
        psk_exp2_lo[j] = (double)(power - psk_exp2_hi[j]);
        psk_inverse_centre[j] = 1.0 / (1.0 + (j + 0.5) / PSK_FAST_TABLE_SIZE);
        long double log_c = -logl((long double)psk_inverse_centre[j]);
        psk_log_hi[j] = (double)log_c;
        psk_log_lo[j] = (double)(log_c - psk_log_hi[j]);
    }
}

void psk_fast_math_init(void)
{
    pthread_once(&tables_once, build_tables);
}

/* pow with the same base throughout (an exponential decay's rate): its log once. */
PSK_VECTORISED static void fast_pow_of_base(double base, const double *y, double *out, int64_t n)
{
    double log_hi, log_lo;
    psk_log_parts(base, &log_hi, &log_lo);
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        out[i] = psk_fast_pow_from_log(base, log_hi, log_lo, y[i]);
}

/* The same for floats, held exactly in doubles. */
PSK_VECTORISED static void fast_powf_of_base(double base, const double *y, double *out, int64_t n)
{
    double log_hi, log_lo;
    psk_log_parts(base, &log_hi, &log_lo);
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        out[i] = psk_fast_powf_from_log(base, log_hi, y[i]);
}

PSK_VECTORISED static void fast_pow(const double *x, const double *y, double *out, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        double log_hi, log_lo;
        psk_log_parts(x[i], &log_hi, &log_lo);
        out[i] = psk_fast_pow_from_log(x[i], log_hi, log_lo, y[i]);
    }
}

PSK_VECTORISED static void fast_powf(const double *x, const double *y, double *out, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        double log_hi, log_lo;
        psk_log_parts(x[i], &log_hi, &log_lo);
        out[i] = psk_fast_powf_from_log(x[i], log_hi, y[i]);
    }
}

static int same_base(const double *x, int64_t n)
{
    int same = 1;
    for (int64_t i = 1; i < n; i++)
        same &= x[i] == x[0];
    return same;
}

PSK_VECTORISED static void fast_cos(const double *x, double *out, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        out[i] = psk_fast_cos(x[i]);
}

PSK_VECTORISED static void fast_cosf(const double *x, double *out, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        out[i] = (float)psk_fast_cos(x[i]);
}

/* Whether out has a NaN; if so, out's NaNs are copied into x. */
PSK_VECTORISED static int mark_nans(const double *out, double *x, int64_t n)
{
    int any = 0;
#pragma omp simd reduction(| : any)
    for (int64_t i = 0; i < n; i++)
        any |= isnan(out[i]);
    for (int64_t i = 0; any && i < n; i++)
        x[i] = isnan(out[i]) ? out[i] : 0.0;
    return any;
}

int psk_array_op(int32_t precision, psk_op op, psk_operands *operands, double *out, int64_t n)
{
    const double *x = operands->x, *y = operands->y;
    if (precision != PSK_FAST) {
        for (int64_t i = 0; i < n; i++)
            out[i] = psk_exact_op(op, x[i], y[i]);
        return 0;
    }
    switch (op) {
    case PSK_OP_POW:
        if (same_base(x, n))
            fast_pow_of_base(x[0], y, out, n);
        else
            fast_pow(x, y, out, n);
        break;
    case PSK_OP_POWF:
        if (same_base(x, n))
            fast_powf_of_base(x[0], y, out, n);
        else
            fast_powf(x, y, out, n);
        break;
    case PSK_OP_COS:
        fast_cos(x, out, n);
        break;
    case PSK_OP_COSF:
        fast_cosf(x, out, n);
        break;
    }
    return mark_nans(out, operands->x, n);
}
