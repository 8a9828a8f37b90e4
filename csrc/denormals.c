/* TensorFlow runs its kernels with denormals flushed to zero, in results (FTZ)
 * and in inputs (DAZ) (tensorflow/core/platform/denormal.h, ScopedFlushDenormal).
 * Families mirroring TF arithmetic run under the same floating-point control
 * bits, set for the calling thread and restored afterwards. */
#include "kernel.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

#define FTZ_DAZ 0x8040u /* MXCSR bits 15 (flush to zero) and 6 (denormals are zero) */

uint64_t psk_flush_denormals_begin(void)
{
    unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | FTZ_DAZ);
    return saved;
}

void psk_flush_denormals_end(uint64_t saved)
{
    _mm_setcsr((unsigned int)saved);
}

#elif defined(__aarch64__)

#define FZ ((uint64_t)1 << 24) /* FPCR bit 24: flush to zero, inputs and results */

uint64_t psk_flush_denormals_begin(void)
{
    uint64_t saved = __builtin_aarch64_get_fpcr64();
    __builtin_aarch64_set_fpcr64(saved | FZ);
    return saved;
}

void psk_flush_denormals_end(uint64_t saved)
{
    __builtin_aarch64_set_fpcr64(saved);
}

#else
#error "pysched mirrors TensorFlow's denormal flushing on x86 and aarch64 only"
#endif
