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
    PSK_E_DEPTH = 10,      /* composition nested too deep */
    PSK_E_REPLAY = 11,     /* a stepped form would replay more than PSK_MAX_REPLAY steps */
    PSK_E_RAISES = 12,     /* the mirrored framework raises at a step */
    PSK_E_THREADS = 13,    /* a thread count outside [1, PSK_MAX_THREADS] */
    PSK_E_PRECISION = 14   /* a precision other than PSK_EXACT or PSK_FAST */
};

/* Arithmetic and output types. */
enum {
    PSK_FLOAT32 = 0,
    PSK_FLOAT64 = 1
};

/* How a schedule computes its transcendentals: exactly as the mirrored
 * framework does (libm, bit for bit), or with fastmath.h's vectorised pow and
 * cos, within a few ULP of them, for the families written in stages
 * (psk_has_fast_path); the others evaluate exactly either way. */
enum {
    PSK_EXACT = 0,
    PSK_FAST = 1
};

/* Schedule kinds: one per C family function, grouped by the file that has it. */
enum {
    /* keras.c */
    PSK_KERAS_EXPONENTIAL_DECAY = 1,
    PSK_KERAS_PIECEWISE_CONSTANT_DECAY,
    PSK_KERAS_POLYNOMIAL_DECAY,
    PSK_KERAS_INVERSE_TIME_DECAY,
    PSK_KERAS_COSINE_DECAY,
    PSK_KERAS_COSINE_DECAY_RESTARTS,
    /* tf1.c */
    PSK_TF1_NATURAL_EXP_DECAY,
    PSK_TF1_PIECEWISE_CONSTANT,
    PSK_TF1_LINEAR_COSINE_DECAY,
    /* torch.c */
    PSK_TORCH_STEP_LR,
    PSK_TORCH_MULTI_STEP_LR,
    PSK_TORCH_CONSTANT_LR,
    PSK_TORCH_LINEAR_LR,
    PSK_TORCH_EXPONENTIAL_LR,
    PSK_TORCH_POLYNOMIAL_LR,
    PSK_TORCH_COSINE_ANNEALING_LR,
    PSK_TORCH_COSINE_ANNEALING_WARM_RESTARTS,
    PSK_TORCH_CYCLIC_LR,
    PSK_TORCH_ONE_CYCLE_LR,
    PSK_TORCH_MULTIPLICATIVE_LR,
    PSK_TORCH_SEQUENTIAL_LR,
    PSK_TORCH_CHAINED_SCHEDULER,
    /* optax.c */
    PSK_OPTAX_CONSTANT,
    PSK_OPTAX_POLYNOMIAL,
    PSK_OPTAX_EXPONENTIAL_DECAY,
    PSK_OPTAX_PIECEWISE_CONSTANT,
    PSK_OPTAX_COSINE_DECAY,
    PSK_OPTAX_PIECEWISE_INTERPOLATE,
    PSK_OPTAX_JOIN,
    /* pysched.c */
    PSK_PYSCHED_SEQUENTIAL,
    PSK_PYSCHED_SCALE,
    PSK_PYSCHED_CLAMP,
    /* od.c */
    PSK_OD_EXPONENTIAL_DECAY_WITH_BURNIN,
    PSK_OD_COSINE_DECAY_WITH_WARMUP,
    PSK_OD_MANUAL_STEPPING,
    /* hf.c */
    PSK_HF_CONSTANT_WITH_WARMUP,
    PSK_HF_LINEAR_WITH_WARMUP,
    PSK_HF_COSINE_WITH_WARMUP,
    PSK_HF_COSINE_WITH_HARD_RESTARTS_WITH_WARMUP,
    PSK_HF_POLYNOMIAL_DECAY_WITH_WARMUP,
    PSK_HF_INVERSE_SQRT,
    PSK_HF_WSD,
    /* seed.c */
    PSK_SEED000_EXPONENTIAL_DECAY_WITH_BURNIN,
    PSK_SEED001_GRADUAL_WARMUP,
    PSK_SEED001_GRADUAL_WARMUP_SIMULATION,
    PSK_SEED001_WARMUP_LR_SCHEDULER,
    PSK_SEED001_LF,
    PSK_SEED003_EXPONENTIAL_DECAY,
    PSK_SEED003_PIECEWISE_CONSTANT_DECAY,
    PSK_SEED003_COSINE_DECAY,
    PSK_KIND_COUNT
};

/* Composition nests at most this deep. */
#define PSK_MAX_DEPTH 8

/* A recursive (stepped) form replays at most this many changing steps per call. */
#define PSK_MAX_REPLAY 134217728

/* psk_eval_threads uses at most this many threads, and gives each at least
 * PSK_MIN_CHUNK steps. */
#define PSK_MAX_THREADS 64
#define PSK_MIN_CHUNK 32768

/* Steps are exact up to 2**53: every integer up to it is a double. */
#define PSK_MAX_STEP 9007199254740992

/* A schedule descriptor: a kind, its arithmetic and precision, its numeric
 * parameters in the order the kind's family function documents, and the
 * schedules it composes. The kernel
 * only reads it. */
typedef struct psk_schedule {
    int32_t kind;
    int32_t dtype;
    int32_t precision;
    int64_t n_real;
    const double *real;
    int64_t n_int;
    const int64_t *integer;
    int64_t n_children;
    const struct psk_schedule *children;
} psk_schedule;

/* Evaluate one schedule at n_steps steps into out (out_len elements of
 * out_dtype). On PSK_E_STEP, PSK_E_NONFINITE, PSK_E_REPLAY or PSK_E_RAISES,
 * *bad_index (if not NULL)
 * receives the index of the offending step. */
int psk_eval(const psk_schedule *schedule, const int64_t *steps, int64_t n_steps,
             void *out, int32_t out_dtype, int64_t out_len, int64_t *bad_index);

/* Evaluate n_schedules schedules at the same steps into a row-major
 * n_schedules x n_steps array. *bad_row receives the failing schedule. */
int psk_eval_many(const psk_schedule *schedules, int64_t n_schedules,
                  const int64_t *steps, int64_t n_steps,
                  void *out, int32_t out_dtype, int64_t out_len,
                  int64_t *bad_row, int64_t *bad_index);

/* psk_eval_many on up to `threads` threads, each evaluating whole rows; the
 * values, and the failing row and index reported, are psk_eval_many's. */
int psk_eval_many_threads(const psk_schedule *schedules, int64_t n_schedules,
                          const int64_t *steps, int64_t n_steps,
                          void *out, int32_t out_dtype, int64_t out_len, int32_t threads,
                          int64_t *bad_row, int64_t *bad_index);

/* psk_eval on up to `threads` threads, each evaluating a contiguous run of
 * steps (closed forms only; recurrences and compositions run on the calling
 * thread). The values, and the failing index reported, are psk_eval's. */
int psk_eval_threads(const psk_schedule *schedule, const int64_t *steps, int64_t n_steps,
                     void *out, int32_t out_dtype, int64_t out_len, int32_t threads, int64_t *bad_index);

/* psk_eval_threads at the steps first, first + stride, ... (n_steps of them,
 * stride >= 1), with no step array. */
int psk_eval_range(const psk_schedule *schedule, int64_t first, int64_t stride, int64_t n_steps,
                   void *out, int32_t out_dtype, int64_t out_len, int32_t threads, int64_t *bad_index);

/* Evaluate one schedule at one step into *value (a float32 schedule's value
 * is a float, which a double holds exactly); on PSK_E_NONFINITE *value is the
 * offending value. */
int psk_eval_at(const psk_schedule *schedule, int64_t step, double *value);

/* Whether a valid schedule has a fast path: 1 if PSK_FAST changes how it is
 * computed (0 for an invalid one). */
int psk_has_fast_path(const psk_schedule *schedule);

/* Check a descriptor without evaluating it. */
int psk_check(const psk_schedule *schedule);

/* A static, human-readable description of a status code. */
const char *psk_strerror(int status);
