/* pysched kernel: what the family files share. Not seen by Python. */
#ifndef PSK_KERNEL_H
#define PSK_KERNEL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "psk.h"

/* Python's math.pi: the double nearest to pi. */
#define PSK_PI 3.141592653589793

/* Where a family writes its values: a float32 or float64 buffer. A float32
 * family's values are floats, so storing them in either buffer is exact. */
typedef struct {
    void *data;
    int32_t dtype;
} psk_out;

static inline void psk_put(psk_out out, int64_t i, double value)
{
    if (out.dtype == PSK_FLOAT32)
        ((float *)out.data)[i] = (float)value;
    else
        ((double *)out.data)[i] = value;
}

/* A closed-form family's value at one step, as a double (a float32 family's
 * value is a float, which a double holds exactly). */
typedef double (*psk_point_fn)(const psk_schedule *s, int64_t step);

/* The one transcendental of a staged family (PSK_STAGED): pow or cos, in
 * double or float. */
typedef enum { PSK_OP_POW, PSK_OP_POWF, PSK_OP_COS, PSK_OP_COSF } psk_op;

/* pow or cos in s's type: PSK_IN_DTYPE(s, PSK_OP_POW). */
#define PSK_IN_DTYPE(s, op) ((s)->dtype == PSK_FLOAT32 ? op##F : op)

/* A staged family's block holds at most this many steps. */
#define PSK_BLOCK 256

/* Compositions of closed forms take a progression's steps (and pysched's
 * compositions their children's) this many at a time, in scratch that stays
 * in cache. */
#define PSK_BULK_BLOCK 4096

/* A family's parameter or child count that check() validates itself. */
#define PSK_VARIABLE (-1)

/* One family: its parameter and child counts; its domain check (NULL when
 * every finite parameter is in the domain); its value at a step (closed
 * forms), its evaluation over all steps (recurrences, compositions), or both
 * (a closed-form composition, which evaluates arrays in bulk); the steps
 * where the mirrored framework raises, if any; and
 * whether it mirrors arithmetic that flushes denormals (TensorFlow, XLA).
 * check() sees a descriptor whose counts, pointers and children are valid;
 * at(), raises_at() and eval() see one that passed check(), and steps in
 * [0, PSK_MAX_STEP]. eval() reports a failing step through *bad_index. */
typedef struct {
    int64_t n_real;
    int64_t n_int;
    int64_t n_children;
    int (*check)(const psk_schedule *s);
    psk_point_fn at;
    int (*raises_at)(const psk_schedule *s, int64_t step);
    int (*eval)(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index);
    int flush_denormals;
    /* A closed form's runs, if it has them: the first step after `step` whose
     * value may differ from step's (at most PSK_MAX_STEP + 1), every step in
     * between having step's value, computed once and filled; -1 when this
     * schedule has no runs (a staircase family's continuous decay). */
    int64_t (*run_end)(const psk_schedule *s, int64_t step);
    /* A staged family's values at n <= PSK_BLOCK steps, in the schedule's
     * precision (NULL for the others): see PSK_STAGED. */
    void (*block)(const psk_schedule *s, const int64_t *steps, int64_t n, double *values);
    /* A composition that evaluates its children with psk_eval_into, in their
     * own precision (the others call them step by step, exactly). */
    int children_in_bulk;
} psk_family;

/* kernel.c: run_end for a family whose value depends on the step only through
 * key(s, step), a non-decreasing function of the step (a stair's index, say):
 * found by galloping and bisection on the key. */
int64_t psk_run_end(const psk_schedule *s, int64_t step, double (*key)(const psk_schedule *s, int64_t step));

/* keras.c, shared with tf1.c: run_end of the piecewise constants, whose
 * strictly increasing boundaries are the integer parameters (step <= b[0]
 * is the first piece). */
int64_t psk_piecewise_run_end(const psk_schedule *s, int64_t step);

/* kernel.c: a closed-form family's value at one step (composition's children
 * call their children this way), and whether a schedule has such values. */
double psk_value_at(const psk_schedule *s, int64_t step);
int psk_is_pointwise(const psk_schedule *s);

/* kernel.c: evaluate a checked schedule (a composition's child, say) at
 * checked steps, non-finite values included as errors. */
int psk_eval_into(const psk_schedule *s, const int64_t *steps, int64_t n, psk_out out, int64_t *bad_index);

/* pysched.c: a composition whose children take turns on the step axis: child
 * i at step - begin for the steps in its piece [begin, end) (piece gives it),
 * each child evaluated once over all its steps, the values in s's dtype. */
typedef void (*psk_piece_fn)(const psk_schedule *s, int64_t child, int64_t *begin, int64_t *end);
int psk_eval_pieces(const psk_schedule *s, psk_piece_fn piece, const int64_t *steps, int64_t n, psk_out out,
                    int64_t *bad_index);

/* denormals.c: run TensorFlow's way, with denormals flushed to zero, between
 * begin and end on the calling thread. */
uint64_t psk_flush_denormals_begin(void);
void psk_flush_denormals_end(uint64_t saved);

/* The families, by file. */
extern const psk_family psk_keras_exponential_decay, psk_keras_piecewise_constant_decay,
    psk_keras_polynomial_decay, psk_keras_inverse_time_decay, psk_keras_cosine_decay,
    psk_keras_cosine_decay_restarts;
extern const psk_family psk_tf1_natural_exp_decay, psk_tf1_piecewise_constant,
    psk_tf1_linear_cosine_decay;
extern const psk_family psk_torch_step_lr, psk_torch_multi_step_lr, psk_torch_constant_lr,
    psk_torch_linear_lr, psk_torch_exponential_lr, psk_torch_polynomial_lr,
    psk_torch_cosine_annealing_lr, psk_torch_cosine_annealing_warm_restarts, psk_torch_cyclic_lr,
    psk_torch_one_cycle_lr, psk_torch_multiplicative_lr, psk_torch_sequential_lr,
    psk_torch_chained_scheduler;
extern const psk_family psk_optax_constant, psk_optax_polynomial, psk_optax_exponential_decay,
    psk_optax_piecewise_constant, psk_optax_cosine_decay, psk_optax_piecewise_interpolate, psk_optax_join;
extern const psk_family psk_pysched_sequential, psk_pysched_scale, psk_pysched_clamp;
extern const psk_family psk_od_exponential_decay_with_burnin, psk_od_cosine_decay_with_warmup,
    psk_od_manual_stepping;
extern const psk_family psk_hf_constant_with_warmup, psk_hf_linear_with_warmup,
    psk_hf_cosine_with_warmup, psk_hf_cosine_with_hard_restarts_with_warmup,
    psk_hf_polynomial_decay_with_warmup, psk_hf_inverse_sqrt, psk_hf_wsd;
extern const psk_family psk_seed000_exponential_decay_with_burnin, psk_seed001_gradual_warmup,
    psk_seed001_gradual_warmup_simulation, psk_seed001_warmup_lr_scheduler, psk_seed001_lf,
    psk_seed003_exponential_decay, psk_seed003_piecewise_constant_decay, psk_seed003_cosine_decay;

/* op(x, y) as the mirrored framework computes it (cos ignores y). */
static inline double psk_exact_op(psk_op op, double x, double y)
{
    switch (op) {
    case PSK_OP_POW:
        return pow(x, y);
    case PSK_OP_POWF:
        return powf((float)x, (float)y);
    case PSK_OP_COS:
        return cos(x);
    default:
        return cosf((float)x);
    }
}

/* A staged family's operands for a block of steps. */
typedef struct {
    double x[PSK_BLOCK], y[PSK_BLOCK];
} psk_operands;

/* fastmath.c: out[i] = op(x[i], y[i]) for i < n in a precision, from a
 * block's operands. In fast precision, where fastmath.h does not apply, it
 * gives NaN, copies the NaNs into x, and returns 1 for the block to pass
 * them on after its finish (which may not: max(0, NaN) is 0). */
int psk_array_op(int32_t precision, psk_op op, psk_operands *operands, double *out, int64_t n);
void psk_fast_math_init(void);

/* One build of a function per x86-64 level, chosen when the library loads,
 * for loops that vectorise: the same IEEE operations in the same order on
 * each, so the same values. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PSK_VECTORISED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PSK_VECTORISED
#endif

/* A staged family: its value at a step is name##_finish(s, step, m), where
 * m = op(x, y), name##_operands(s, step, &x, &y) gives the operands (floats
 * for a float op, held exactly in doubles) and op is an expression in s. The
 * one formula gives both name##_at, exact, and name##_block, which runs the
 * transcendental over a block of steps as one array operation: libm's per
 * element, or fastmath.h's vectorised in fast precision, whose NaN (where it
 * does not apply) the block passes on for the kernel to evaluate exactly.
 * The stage functions are PSK_STAGE, inlined into the block's loops. */
#define PSK_STAGE static inline __attribute__((always_inline))
#define PSK_STAGED(name, op)                                                          \
    static double name##_at(const psk_schedule *s, int64_t step)                      \
    {                                                                                 \
        double x, y;                                                                  \
        name##_operands(s, step, &x, &y);                                             \
        return name##_finish(s, step, psk_exact_op(op, x, y));                        \
    }                                                                                 \
    PSK_VECTORISED static void name##_block(const psk_schedule *s, const int64_t *steps, int64_t n, double *values) \
    {                                                                                 \
        psk_operands operands;                                                        \
        _Pragma("omp simd")                                                           \
        for (int64_t i = 0; i < n; i++)                                               \
            name##_operands(s, steps[i], &operands.x[i], &operands.y[i]);             \
        int passes_nan = psk_array_op(s->precision, op, &operands, values, n);        \
        _Pragma("omp simd")                                                           \
        for (int64_t i = 0; i < n; i++)                                               \
            values[i] = name##_finish(s, steps[i], values[i]);                        \
        for (int64_t i = 0; passes_nan && i < n; i++)                                 \
            values[i] = isnan(operands.x[i]) ? operands.x[i] : values[i];             \
    }

/* Parameter checks shared by families. */
int psk_all_finite(const psk_schedule *s);

static inline int psk_is_flag(int64_t x)
{
    return x == 0 || x == 1;
}

/* name##_at for a family written once per type as name##_float and name##_double. */
#define PSK_BY_DTYPE(name)                                                                \
    static double name##_at(const psk_schedule *s, int64_t step)                          \
    {                                                                                     \
        return s->dtype == PSK_FLOAT32 ? name##_float(s, step) : name##_double(s, step);  \
    }

/* keras.c, shared with tf1.c: ExponentialDecay's stages with a given decay
 * rate (rounded to the schedule's dtype), its check, and the
 * boundaries/values check. */
void psk_exponential_decay_operands(const psk_schedule *s, double decay_rate, int64_t step, double *x, double *y);
double psk_exponential_decay_finish(const psk_schedule *s, int64_t step, double power);
int psk_exponential_decay_check(const psk_schedule *s);
int psk_piecewise_constant_check(const psk_schedule *s);

/* A TensorFlow division of x by a graph constant c. Eagerly it is x / c. In a
 * graph (TF1 sessions, tf.function, Keras fit) Grappler's constant folding
 * rewrites it as x * (1 / c), with the reciprocal rounded in x's type. */
#define PSK_TF_DIVIDE(graph, x, c) ((graph) ? (x) * (1 / (c)) : (x) / (c))

/* torch.optim.lr_scheduler.LambdaLR.get_lr: base_lr * lr_lambda(last_epoch),
 * a Python float product, or a float32 one when the lr is a float32 tensor. */
static inline double psk_lambda_lr(int32_t dtype, double base_lr, double factor)
{
    if (dtype == PSK_FLOAT32)
        return (float)base_lr * (float)factor;
    return base_lr * factor;
}

/* replay.c: a recurrence x[k+1] = next(x[k]) from x[0], where the value at a
 * step is x[count(step)] and count never decreases with the step. Replays it
 * once for all steps, in step order, and stops early at a fixed point. */
typedef struct {
    double x0;
    double (*next)(const psk_schedule *s, double x);
    int64_t (*count)(const psk_schedule *s, int64_t step);
} psk_recurrence;

int psk_replay(const psk_schedule *s, const psk_recurrence *r,
               const int64_t *steps, int64_t n, psk_out out);

/* The indices of steps in increasing order of step, freshly allocated, or
 * NULL when the steps are already in order (or on failure: *status says). */
int64_t *psk_step_order(const int64_t *steps, int64_t n, int *status);

/* modulo.c: how many steps t in [0, end) satisfy `t % period == 0` as Keras
 * evaluates it: in int64, or in float32 after casting t and period. */
int64_t psk_count_multiples_i64(int64_t period, int64_t end);
int64_t psk_count_multiples_f32(float period, int64_t end);

#endif
