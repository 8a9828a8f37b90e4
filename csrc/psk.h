/* pysched kernel: the public declarations.
 *
 * Declarations only, so that cffi's cdef() can read this file as it is:
 * no #include, no #ifndef, constants as enums or integer #defines.
 * C sources include <stdint.h> before this file (see kernel.h).
 */

/* Status codes: every entry point returns one. */
enum {
    PSK_OK = 0,
    PSK_E_NULL = 1,        /* a required pointer is NULL */
    PSK_E_KIND = 2,        /* unknown schedule kind */
    PSK_E_DTYPE = 3,       /* unknown dtype, or float64 values into a float32 buffer */
    PSK_E_PARAM_COUNT = 4, /* wrong number of real or integer parameters */
    PSK_E_PARAM = 5,       /* a parameter outside the family's domain */
    PSK_E_STEP = 6,        /* a step outside [0, PSK_MAX_STEP] */
    PSK_E_LENGTH = 7,      /* a negative length, or an output buffer too short */
    PSK_E_NONFINITE = 8,   /* the mirrored schedule is inf or NaN at a step */
    PSK_E_NOMEM = 9,       /* an allocation failed */
    PSK_E_DEPTH = 10       /* composition nested too deep */
};

/* Arithmetic and output types. */
enum {
    PSK_FLOAT32 = 0,
    PSK_FLOAT64 = 1
};

/* Schedule kinds: one per C family function. */
enum {
    PSK_KERAS_EXPONENTIAL_DECAY = 1,
    PSK_HF_CONSTANT_WITH_WARMUP = 2,
    PSK_HF_LINEAR_WITH_WARMUP = 3,
    PSK_HF_COSINE_WITH_WARMUP = 4,
    PSK_SEED000_EXPONENTIAL_DECAY_WITH_BURNIN = 5,
    PSK_SEED001_GRADUAL_WARMUP_SIMULATION = 6,
    PSK_SEED001_WARMUP_LR_SCHEDULER = 7,
    PSK_SEED001_LF = 8,
    PSK_SEED003_EXPONENTIAL_DECAY = 9,
    PSK_SEED003_PIECEWISE_CONSTANT_DECAY = 10,
    PSK_SEED003_COSINE_DECAY = 11,
    PSK_SEED001_GRADUAL_WARMUP = 12,
    PSK_KIND_COUNT = 13
};

/* Steps are exact up to 2**53: every integer up to it is a double. */
#define PSK_MAX_STEP 9007199254740992

/* A schedule descriptor: a kind and its numeric parameters, in the order the
 * kind's family function documents. The kernel only reads it. */
typedef struct psk_schedule {
    int32_t kind;
    int32_t dtype;
    int64_t n_real;
    const double *real;
    int64_t n_int;
    const int64_t *integer;
} psk_schedule;

/* Evaluate one schedule at n_steps steps into out (out_len elements of
 * out_dtype). On PSK_E_STEP or PSK_E_NONFINITE, *bad_index (if not NULL)
 * receives the index of the offending step. */
int psk_eval(const psk_schedule *schedule, const int64_t *steps, int64_t n_steps,
             void *out, int32_t out_dtype, int64_t out_len, int64_t *bad_index);

/* Evaluate n_schedules schedules at the same steps into a row-major
 * n_schedules x n_steps array. *bad_row receives the failing schedule. */
int psk_eval_many(const psk_schedule *schedules, int64_t n_schedules,
                  const int64_t *steps, int64_t n_steps,
                  void *out, int32_t out_dtype, int64_t out_len,
                  int64_t *bad_row, int64_t *bad_index);

/* Check a descriptor without evaluating it. */
int psk_check(const psk_schedule *schedule);

/* A static, human-readable description of a status code. */
const char *psk_strerror(int status);
