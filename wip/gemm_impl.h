/* ------------------------------------------------------------------------------------------ */
/* 3. Kernels: matrix multiply (SGEMM)                                                         */
/* ------------------------------------------------------------------------------------------ */
/* Almost all of BERT's time is spent in C = alpha * op(A) . op(B) + beta * C, so this is the one
   place the library has hand-written SIMD. The scheme is the one of GotoBLAS/BLIS:

     for jc in N, step NC:                 columns of C whose packed B panel fits the L3/L2 cache
       for pc in K, step KC:               one slice of the sum
         pack op(B)[pc:pc+KC, jc:jc+NC]    into slivers NR columns wide      (shared by threads)
         for ic in M, step MC:             one block of rows per work item   (split over threads)
           pack op(A)[ic:ic+MC, pc:pc+KC]  into slivers MR rows tall         (private per thread)
           for jr: for ir:                 micro-kernel: an MR x NR tile of C kept in registers
                                           for the whole KC loop, then written back once.

   Packing copies every operand into the order the micro-kernel reads it (unit stride, padded
   with zeros to full MR/NR), so the four transpose combinations and any row strides cost the same
   and only the packing code knows about them. The B sliver (KC x NR) stays in L1 while the A
   block (MC x KC) streams from L2.

   Threads (OpenMP) take B slivers to pack and work items (row block x group of B slivers) from
   shared counters, with one barrier per K slice (B panel packed -> use it); the B panel is
   double-buffered so that packing slice p+1 cannot overwrite what slice p is still reading.
   Packing buffers are allocated per call (no global cache: reentrant, thread-safe); if that
   fails the reference loop computes the result instead.

   Reproducibility: a C element gets the same floating-point operations in the same order whatever
   the thread count, because (1) KC, MR and NR are constants of the kernel, (2) each K slice is
   summed from zero in registers and added to C in slice order, and (3) threads only split the
   set of output tiles (and the copying of B), never a sum. Partial tiles at the right/bottom
   edges go through the same micro-kernel on a padded copy, so they too are thread-independent.
   Different kernels (avx512 vs avx2) round differently; results are reproducible per kernel.

   The micro-kernels (register tiles, chosen so accumulators + operands fill the register file
   without spilling):
     avx512  12 x 32: 24 zmm accumulators + 2 for B + 1 broadcast of A = 27 of 32 registers.
                      Per k: 2 loads of B, 12 broadcasts, 24 FMAs; FMA latency 4 x 2 pipes needs
                      >= 8 independent accumulators, 24 leaves room.
     avx2     6 x 16: 12 ymm accumulators + 2 for B + 1 broadcast = 15 of 16 registers (classic).
     neon     8 x 12: 24 q accumulators + 3 for B + 2 for A (FMA by lane) = 29 of 32 registers.
     scalar   4 x  8: portable C; small enough that compilers keep it in registers (and may
                      vectorise it with SSE2 on plain x86-64).
   Run-time dispatch: x86 kernels are compiled with __attribute__((target(...))) and selected with
   __builtin_cpu_supports, so one build without -march flags runs the best kernel of the CPU.
   BERTFT_NO_SIMD disables all intrinsics (portable C only). */

#if !defined(BERTFT_NO_SIMD) && defined(__x86_64__) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define BFT__GEMM_X86 1
#include <immintrin.h>
#endif
#if !defined(BERTFT_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define BFT__GEMM_NEON 1
#include <arm_neon.h>
#endif

/* Micro-kernel: C[0:MR, 0:NR] (row stride ldc) = alpha * sum_k a[k*MR + i] * b[k*NR + j]
   + beta * C, for k < kc; beta == 0 does not read C. a and b are packed slivers. */
typedef void (*bft__gemm_ukr_fn)(int kc, const float *a, const float *b, float *c, size_t ldc,
                                 float alpha, float beta);

typedef struct bft__gemm_kernel_info {
    const char *name;
    int mr, nr;             /* register tile */
    int kc;                 /* K slice: KC x NR floats of B stay in L1 (32 KiB for avx512) */
    int mc;                 /* rows per A block (multiple of mr): MC x KC floats in L2 */
    int nc;                 /* columns per B panel (multiple of nr): KC x NC floats in L2/L3 */
    bft__gemm_ukr_fn ukr;
    int (*can_run)(void);   /* does this CPU support it */
} bft__gemm_kernel_info;

#define BFT__GEMM_MAX_TILE (12 * 32) /* largest mr * nr of any kernel (edge-tile buffer) */

static int bft__gemm_min(int a, int b) { return a < b ? a : b; }
static int bft__gemm_round_up(int a, int m) { return (a + m - 1) / m * m; }
static int bft__gemm_always(void) { return 1; }

/* ---- portable C micro-kernel --------------------------------------------------------------- */
#define BFT__SC_MR 4
#define BFT__SC_NR 8
static void bft__gemm_ukr_scalar(int kc, const float *a, const float *b, float *c, size_t ldc,
                                 float alpha, float beta)
{
    float acc[BFT__SC_MR][BFT__SC_NR];
    int i, j, k;
    for (i = 0; i < BFT__SC_MR; i++)
        for (j = 0; j < BFT__SC_NR; j++) acc[i][j] = 0.0f;
    for (k = 0; k < kc; k++, a += BFT__SC_MR, b += BFT__SC_NR)
        for (i = 0; i < BFT__SC_MR; i++) {
            const float ai = a[i];
            for (j = 0; j < BFT__SC_NR; j++) acc[i][j] += ai * b[j];
        }
    for (i = 0; i < BFT__SC_MR; i++) {
        float *cr = c + (size_t)i * ldc;
        for (j = 0; j < BFT__SC_NR; j++) {
            float r = alpha * acc[i][j];
            if (beta != 0.0f) r += beta * cr[j];
            cr[j] = r;
        }
    }
}

#ifdef BFT__GEMM_X86
/* ---- x86-64 AVX-512F: 12 x 32 ---------------------------------------------------------------- */
static int bft__gemm_has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
}
static int bft__gemm_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* Written out row by row with token pasting rather than loops over arrays of vectors: that is
   the only way to be sure every compiler at -O2 keeps all 24 accumulators in registers. */
#define BFT__Z512(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps();
#define BFT__F512(i)                                                                             \
    t = _mm512_set1_ps(a[i]);                                                                    \
    c##i##a = _mm512_fmadd_ps(t, b0, c##i##a);                                                   \
    c##i##b = _mm512_fmadd_ps(t, b1, c##i##b);
#define BFT__W512(i)                                                                             \
    {                                                                                            \
        float *cr = cp + (size_t)(i) * ldc;                                                      \
        __m512 r0 = _mm512_mul_ps(va, c##i##a), r1 = _mm512_mul_ps(va, c##i##b);                 \
        if (beta != 0.0f) {                                                                      \
            r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), r0);                                   \
            r1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16), r1);                              \
        }                                                                                        \
        _mm512_storeu_ps(cr, r0);                                                                \
        _mm512_storeu_ps(cr + 16, r1);                                                           \
    }
__attribute__((target("avx512f")))
static void bft__gemm_ukr_avx512(int kc, const float *a, const float *b, float *cp, size_t ldc,
                                 float alpha, float beta)
{
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int k;
    /* C is only touched after the k loop; fetching it now hides the cache misses of the
       write-back (C is usually far bigger than L2) */
    for (k = 0; k < 12; k++) {
        _mm_prefetch((const char *)(cp + (size_t)k * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(cp + (size_t)k * ldc + 31), _MM_HINT_T0);
    }
    BFT__Z512(0) BFT__Z512(1) BFT__Z512(2) BFT__Z512(3) BFT__Z512(4) BFT__Z512(5)
    BFT__Z512(6) BFT__Z512(7) BFT__Z512(8) BFT__Z512(9) BFT__Z512(10) BFT__Z512(11)
    for (k = 0; k < kc; k++, a += 12, b += 32) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 t;
        BFT__F512(0) BFT__F512(1) BFT__F512(2) BFT__F512(3) BFT__F512(4) BFT__F512(5)
        BFT__F512(6) BFT__F512(7) BFT__F512(8) BFT__F512(9) BFT__F512(10) BFT__F512(11)
    }
    BFT__W512(0) BFT__W512(1) BFT__W512(2) BFT__W512(3) BFT__W512(4) BFT__W512(5)
    BFT__W512(6) BFT__W512(7) BFT__W512(8) BFT__W512(9) BFT__W512(10) BFT__W512(11)
}
#undef BFT__Z512
#undef BFT__F512
#undef BFT__W512

/* ---- x86-64 AVX2 + FMA: 6 x 16 ------------------------------------------------------------- */
#define BFT__Z256(i) __m256 c##i##a = _mm256_setzero_ps(), c##i##b = _mm256_setzero_ps();
#define BFT__F256(i)                                                                             \
    t = _mm256_broadcast_ss(a + (i));                                                            \
    c##i##a = _mm256_fmadd_ps(t, b0, c##i##a);                                                   \
    c##i##b = _mm256_fmadd_ps(t, b1, c##i##b);
#define BFT__W256(i)                                                                             \
    {                                                                                            \
        float *cr = cp + (size_t)(i) * ldc;                                                      \
        __m256 r0 = _mm256_mul_ps(va, c##i##a), r1 = _mm256_mul_ps(va, c##i##b);                 \
        if (beta != 0.0f) {                                                                      \
            r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), r0);                                   \
            r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), r1);                               \
        }                                                                                        \
        _mm256_storeu_ps(cr, r0);                                                                \
        _mm256_storeu_ps(cr + 8, r1);                                                            \
    }
__attribute__((target("avx2,fma")))
static void bft__gemm_ukr_avx2(int kc, const float *a, const float *b, float *cp, size_t ldc,
                               float alpha, float beta)
{
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    int k;
    for (k = 0; k < 6; k++) { /* see the avx512 kernel */
        _mm_prefetch((const char *)(cp + (size_t)k * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(cp + (size_t)k * ldc + 15), _MM_HINT_T0);
    }
    BFT__Z256(0) BFT__Z256(1) BFT__Z256(2) BFT__Z256(3) BFT__Z256(4) BFT__Z256(5)
    for (k = 0; k < kc; k++, a += 6, b += 16) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 t;
        BFT__F256(0) BFT__F256(1) BFT__F256(2) BFT__F256(3) BFT__F256(4) BFT__F256(5)
    }
    BFT__W256(0) BFT__W256(1) BFT__W256(2) BFT__W256(3) BFT__W256(4) BFT__W256(5)
}
#undef BFT__Z256
#undef BFT__F256
#undef BFT__W256
#endif /* BFT__GEMM_X86 */

#ifdef BFT__GEMM_NEON
/* ---- AArch64 NEON: 8 x 12 ------------------------------------------------------------------ */
/* A is loaded 4 rows at a time and used lane by lane (vfmaq_laneq_f32), so one k step costs
   2 loads of A, 3 loads of B and 24 FMAs. NEON is part of every AArch64 CPU: no dispatch. */
#define BFT__ZN(i)                                                                               \
    float32x4_t c##i##a = vdupq_n_f32(0.0f), c##i##b = vdupq_n_f32(0.0f),                        \
                c##i##c = vdupq_n_f32(0.0f);
#define BFT__FN(i, av, lane)                                                                     \
    c##i##a = vfmaq_laneq_f32(c##i##a, b0, av, lane);                                            \
    c##i##b = vfmaq_laneq_f32(c##i##b, b1, av, lane);                                            \
    c##i##c = vfmaq_laneq_f32(c##i##c, b2, av, lane);
#define BFT__WN1(cr, acc)                                                                        \
    {                                                                                            \
        float32x4_t r = vmulq_n_f32(acc, alpha);                                                 \
        if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(cr), beta);                               \
        vst1q_f32(cr, r);                                                                        \
    }
#define BFT__WN(i)                                                                               \
    {                                                                                            \
        float *cr = cp + (size_t)(i) * ldc;                                                      \
        BFT__WN1(cr, c##i##a) BFT__WN1(cr + 4, c##i##b) BFT__WN1(cr + 8, c##i##c)               \
    }
static void bft__gemm_ukr_neon(int kc, const float *a, const float *b, float *cp, size_t ldc,
                               float alpha, float beta)
{
    int k;
    BFT__ZN(0) BFT__ZN(1) BFT__ZN(2) BFT__ZN(3) BFT__ZN(4) BFT__ZN(5) BFT__ZN(6) BFT__ZN(7)
    for (k = 0; k < kc; k++, a += 8, b += 12) {
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        BFT__FN(0, a0, 0) BFT__FN(1, a0, 1) BFT__FN(2, a0, 2) BFT__FN(3, a0, 3)
        BFT__FN(4, a1, 0) BFT__FN(5, a1, 1) BFT__FN(6, a1, 2) BFT__FN(7, a1, 3)
    }
    BFT__WN(0) BFT__WN(1) BFT__WN(2) BFT__WN(3) BFT__WN(4) BFT__WN(5) BFT__WN(6) BFT__WN(7)
}
#undef BFT__ZN
#undef BFT__FN
#undef BFT__WN1
#undef BFT__WN
#endif /* BFT__GEMM_NEON */

/* Kernels in order of preference; the first one the CPU can run is the default.
   KC = 256 everywhere: K = 768 splits into 3 equal slices, and the B sliver (256 x NR floats,
   32 KiB for avx512) fits a 48 KiB L1 next to the streaming A sliver. MC ~ 128..192 rows keeps
   the packed A block at 128..192 KiB (L2 is 512 KiB..1 MiB). NC = 3072 covers every BERT width
   in one panel (3 MiB of B at most), so B is packed once per K slice. */
static const bft__gemm_kernel_info bft__gemm_table[] = {
#ifdef BFT__GEMM_X86
    { "avx512", 12, 32, 256, 192, 3072, bft__gemm_ukr_avx512, bft__gemm_has_avx512 },
    { "avx2", 6, 16, 256, 144, 3072, bft__gemm_ukr_avx2, bft__gemm_has_avx2 },
#endif
#ifdef BFT__GEMM_NEON
    { "neon", 8, 12, 256, 128, 3072, bft__gemm_ukr_neon, bft__gemm_always },
#endif
    { "scalar", BFT__SC_MR, BFT__SC_NR, 256, 128, 3072, bft__gemm_ukr_scalar, bft__gemm_always }
};
#define BFT__GEMM_NKERNELS ((int)(sizeof bft__gemm_table / sizeof bft__gemm_table[0]))

/* Index forced by bft_gemm_set_kernel, or -1 for automatic. Set by tests before any work starts. */
static int bft__gemm_forced = -1;

static const bft__gemm_kernel_info *bft__gemm_active(void)
{
    int i;
    if (bft__gemm_forced >= 0) return &bft__gemm_table[bft__gemm_forced];
    /* __builtin_cpu_supports reads flags the runtime filled at start-up: cheap enough per call,
       and it avoids a lazily-initialised global shared between threads */
    for (i = 0; i < BFT__GEMM_NKERNELS - 1; i++)
        if (bft__gemm_table[i].can_run()) return &bft__gemm_table[i];
    return &bft__gemm_table[BFT__GEMM_NKERNELS - 1];
}

BERTFT_DEF const char *bft_gemm_kernel(void) { return bft__gemm_active()->name; }

BERTFT_DEF bft_result bft_gemm_set_kernel(const char *name)
{
    int i;
    if (!name) { bft__gemm_forced = -1; return BFT_OK; }
    for (i = 0; i < BFT__GEMM_NKERNELS; i++)
        if (strcmp(bft__gemm_table[i].name, name) == 0) {
            if (!bft__gemm_table[i].can_run())
                return bft__fail(BFT_ERR_UNSUPPORTED, "gemm kernel \"%s\": this CPU cannot run it", name);
            bft__gemm_forced = i;
            return BFT_OK;
        }
    return bft__fail(BFT_ERR_UNSUPPORTED, "gemm kernel \"%s\": not in this build", name);
}

BERTFT_DEF const char *const *bft_gemm_kernels(void)
{
    /* constant lists (no shared state to initialise): which suffix applies depends on the CPU */
#ifdef BFT__GEMM_X86
    static const char *const all[] = { "avx512", "avx2", "scalar", NULL };
    static const char *const no_avx2[] = { "avx512", "scalar", NULL };
    int a512 = bft__gemm_has_avx512(), a2 = bft__gemm_has_avx2();
    if (a512) return a2 ? all : no_avx2;
    return a2 ? all + 1 : all + 2;
#elif defined(BFT__GEMM_NEON)
    static const char *const all[] = { "neon", "scalar", NULL };
    return all;
#else
    static const char *const all[] = { "scalar", NULL };
    return all;
#endif
}

/* ---- reference and trivial cases -------------------------------------------------------------- */
BERTFT_DEF void bft_sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
                              const float *A, int lda, const float *B, int ldb, float beta,
                              float *C, int ldc)
{
    int i, j, k;
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            float *c = C + (size_t)i * (size_t)ldc + j;
            double s = 0.0, r;
            /* alpha == 0 or K == 0: A and B are not read (as in BLAS), C = beta * C */
            if (alpha != 0.0f)
                for (k = 0; k < K; k++) {
                    float a = transA ? A[(size_t)k * (size_t)lda + i] : A[(size_t)i * (size_t)lda + k];
                    float b = transB ? B[(size_t)j * (size_t)ldb + k] : B[(size_t)k * (size_t)ldb + j];
                    s += (double)a * (double)b;
                }
            r = (double)alpha * s;
            if (beta != 0.0f) r += (double)beta * (double)*c;
            *c = (float)r;
        }
}

/* C = beta * C (K == 0 or alpha == 0); beta == 0 writes zeros whatever C held. */
static void bft__gemm_scale(int M, int N, float beta, float *C, size_t ldc)
{
    int i, j;
    if (beta == 1.0f) return;
    for (i = 0; i < M; i++) {
        float *c = C + (size_t)i * ldc;
        if (beta == 0.0f) for (j = 0; j < N; j++) c[j] = 0.0f;
        else for (j = 0; j < N; j++) c[j] *= beta;
    }
}

/* ---- packing -------------------------------------------------------------------------------- */
/* Copy `nl` lanes x `kc` depth of an operand into dst[k * W + l] (W = MR or NR), lanes nl..W-1
   zero. A lane is a row of op(A) or a column of op(B). `lane_contig`: lane l of depth k is at
   X[k * ldx + l] (A transposed, B not transposed); otherwise at X[l * ldx + k]. X points at the
   panel's first element. */
static void bft__gemm_pack(const float *X, size_t ldx, int lane_contig, int nl, int kc, int W,
                           float *dst)
{
    int k, l;
    if (lane_contig) {
        for (k = 0; k < kc; k++) {
            const float *src = X + (size_t)k * ldx;
            float *d = dst + (size_t)k * W;
            for (l = 0; l < nl; l++) d[l] = src[l];
            for (; l < W; l++) d[l] = 0.0f;
        }
    } else {
        /* one read stream per lane, contiguous writes; the sliver (<= 32 KiB) stays in L1 */
        for (k = 0; k < kc; k++) {
            float *d = dst + (size_t)k * W;
            const float *src = X + k;
            for (l = 0; l < nl; l++) d[l] = src[(size_t)l * ldx];
            for (; l < W; l++) d[l] = 0.0f;
        }
    }
}

/* ---- the blocked driver ------------------------------------------------------------------------ */
typedef struct bft__gemm_args {
    const bft__gemm_kernel_info *kn;
    int transA, transB, M, N, K;
    float alpha, beta;
    const float *A, *B;
    float *C;
    size_t lda, ldb, ldc;
    float *abuf;            /* per-thread A blocks, astride floats apart */
    float *bbuf[2];         /* the shared B panel, double-buffered (slice s uses bbuf[s & 1]) */
    size_t astride;
    int *next;              /* 2 work counters per slice: B slivers to pack, items to compute */
} bft__gemm_args;

/* Take the next unit of work from a shared counter (threads take work as they come free, so a
   thread that the OS delays does not hold the others back). */
static int bft__gemm_take(int *counter)
{
    int v;
    BFT__OMP(atomic capture)
    v = (*counter)++;
    return v;
}

/* A partial tile: run the same micro-kernel on a zero-padded copy, so an element's arithmetic
   does not depend on where the tile boundaries fall. */
static void bft__gemm_edge(const bft__gemm_kernel_info *kn, int kc, const float *as, const float *bs,
                           float *C, size_t ldc, int mr, int nr, float alpha, float beta)
{
    float tmp[BFT__GEMM_MAX_TILE];
    const int NR = kn->nr;
    int i, j;
    memset(tmp, 0, sizeof(float) * (size_t)(kn->mr * NR));
    if (beta != 0.0f)
        for (i = 0; i < mr; i++)
            for (j = 0; j < nr; j++) tmp[i * NR + j] = C[(size_t)i * ldc + j];
    kn->ukr(kc, as, bs, tmp, (size_t)NR, alpha, beta);
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) C[(size_t)i * ldc + j] = tmp[i * NR + j];
}

/* Slivers s0..s1-1 of the packed B panel times the packed A block (mc rows) into C. */
static void bft__gemm_macro(const bft__gemm_kernel_info *kn, int kc, int mc, int nc,
                            const float *ap, const float *bp, int s0, int s1, float *C,
                            size_t ldc, float alpha, float beta)
{
    const int MR = kn->mr, NR = kn->nr;
    int s, ir;
    for (s = s0; s < s1; s++) {
        const int j = s * NR, nr = bft__gemm_min(NR, nc - j);
        const float *bs = bp + (size_t)s * (size_t)NR * (size_t)kc;
        for (ir = 0; ir < mc; ir += MR) {
            const int mr = bft__gemm_min(MR, mc - ir);
            const float *as = ap + (size_t)ir * (size_t)kc;
            float *c = C + (size_t)ir * ldc + j;
            if (mr == MR && nr == NR) kn->ukr(kc, as, bs, c, ldc, alpha, beta);
            else bft__gemm_edge(kn, kc, as, bs, c, ldc, mr, nr, alpha, beta);
        }
    }
}

/* The work of thread `tid` of `nt`. Called by every thread of the team with the same arguments;
   nt == 1 runs everything without any OpenMP construct (safe inside the caller's parallel loop). */
static void bft__gemm_thread(const bft__gemm_args *g, int tid, int nt)
{
    const bft__gemm_kernel_info *kn = g->kn;
    const int MR = kn->mr, NR = kn->nr, KC = kn->kc, MC = kn->mc, NC = kn->nc;
    const int n_ic = (g->M + MC - 1) / MC;
    float *ap = g->abuf + (size_t)tid * g->astride;
    int jc, pc, slice = 0;
    for (jc = 0; jc < g->N; jc += NC) {
        const int nc = bft__gemm_min(NC, g->N - jc), ns = (nc + NR - 1) / NR;
        /* Work items are (row block, group of B slivers). With few row blocks (small M) the
           columns are split too, so that both cores have work; ~3 items per thread keeps the
           load balanced without re-packing A too often. */
        int nq = nt > 1 ? (3 * nt + n_ic - 1) / n_ic : 1;
        if (nq > ns) nq = ns;
        for (pc = 0; pc < g->K; pc += KC, slice++) {
            const int kc = bft__gemm_min(KC, g->K - pc);
            /* slice 0 applies the caller's beta; later slices add to what is there */
            const float beta = pc == 0 ? g->beta : 1.0f;
            float *bp = g->bbuf[slice & 1];
            int *next = g->next + 2 * slice;
            int s, item;
            /* No barrier is needed before refilling this buffer: it last held slice - 2, and every
               thread finished computing slice - 2 before it reached the barrier of slice - 1,
               which this thread has passed. */
            while ((s = bft__gemm_take(&next[0])) < ns) {
                const int j = jc + s * NR, nr = bft__gemm_min(NR, g->N - j);
                const float *src = g->transB ? g->B + (size_t)j * g->ldb + pc : g->B + (size_t)pc * g->ldb + j;
                bft__gemm_pack(src, g->ldb, !g->transB, nr, kc, NR, bp + (size_t)s * (size_t)NR * (size_t)kc);
            }
            if (nt > 1) { BFT__OMP(barrier) } /* B panel complete before anyone uses it */
            while ((item = bft__gemm_take(&next[1])) < n_ic * nq) {
                const int ic = (item / nq) * MC, q = item % nq;
                const int mc = bft__gemm_min(MC, g->M - ic);
                const int s0 = (int)((long)ns * q / nq), s1 = (int)((long)ns * (q + 1) / nq);
                int i;
                for (i = 0; i < mc; i += MR) {
                    const int r = ic + i, mr = bft__gemm_min(MR, g->M - r);
                    const float *src = g->transA ? g->A + (size_t)pc * g->lda + r : g->A + (size_t)r * g->lda + pc;
                    bft__gemm_pack(src, g->lda, g->transA, mr, kc, MR, ap + (size_t)i * (size_t)kc);
                }
                bft__gemm_macro(kn, kc, mc, nc, ap, bp, s0, s1, g->C + (size_t)ic * g->ldc + jc,
                                g->ldc, g->alpha, beta);
            }
        }
    }
}

/* Products with fewer multiply-adds than this run on one thread: below it, waking the team and
   the barriers cost about as much as the work (64^3 FMAs take ~1-2 us on one AVX-512 core). */
#define BFT__GEMM_PAR_MIN (64.0 * 64.0 * 64.0)

/* Threads for an M x N x K product: 1 when already inside a parallel region (attention runs one
   GEMM per head from a parallel loop) or when the product is too small to pay for waking a team. */
static int bft__gemm_threads(int M, int N, int K)
{
#ifdef _OPENMP
    if (omp_in_parallel() || (double)M * (double)N * (double)K < BFT__GEMM_PAR_MIN) return 1;
    return omp_get_max_threads();
#else
    (void)M; (void)N; (void)K;
    return 1;
#endif
}

BERTFT_DEF void bft_sgemm(int transA, int transB, int M, int N, int K, float alpha,
                          const float *A, int lda, const float *B, int ldb, float beta,
                          float *C, int ldc)
{
    bft__gemm_args g;
    const bft__gemm_kernel_info *kn;
    int nt, kcm, mcm, ncm, nbbuf;
    size_t bsize, nslices, total;
    void *mem;
    if (M <= 0 || N <= 0) return;
    BERTFT_ASSERT(ldc >= N);
    if (K <= 0 || alpha == 0.0f) { bft__gemm_scale(M, N, beta, C, (size_t)ldc); return; }
    BERTFT_ASSERT(lda >= (transA ? M : K) && ldb >= (transB ? K : N));

    kn = bft__gemm_active();
    nt = bft__gemm_threads(M, N, K);
    kcm = bft__gemm_min(K, kn->kc);
    mcm = bft__gemm_round_up(bft__gemm_min(M, kn->mc), kn->mr);
    ncm = bft__gemm_round_up(bft__gemm_min(N, kn->nc), kn->nr);
    /* buffers sized for this call (small GEMMs allocate little); 16-float multiples keep every
       thread's A block on its own 64-byte cache lines */
    bsize = (size_t)bft__gemm_round_up(ncm * kcm, 16);
    g.astride = (size_t)bft__gemm_round_up(mcm * kcm, 16);
    nslices = (size_t)((N + kn->nc - 1) / kn->nc) * (size_t)((K + kn->kc - 1) / kn->kc);
    nbbuf = nt > 1 && nslices > 1 ? 2 : 1; /* one thread never needs the second B buffer */
    total = ((size_t)nbbuf * bsize + g.astride * (size_t)nt) * sizeof(float) + 64 + 2 * nslices * sizeof(int);
    mem = bft__malloc(total);
    if (!mem) { /* out of memory: slow but correct (bft_sgemm cannot report errors) */
        bft_sgemm_ref(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    g.bbuf[0] = (float *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    g.bbuf[1] = g.bbuf[0] + (size_t)(nbbuf - 1) * bsize;
    g.abuf = g.bbuf[0] + (size_t)nbbuf * bsize;
    g.next = (int *)(g.abuf + g.astride * (size_t)nt);
    memset(g.next, 0, 2 * nslices * sizeof(int));
    g.kn = kn;
    g.transA = transA != 0; g.transB = transB != 0;
    g.M = M; g.N = N; g.K = K;
    g.alpha = alpha; g.beta = beta;
    g.A = A; g.B = B; g.C = C;
    g.lda = (size_t)lda; g.ldb = (size_t)ldb; g.ldc = (size_t)ldc;

#ifdef _OPENMP
    if (nt > 1) {
        BFT__OMP(parallel num_threads(nt))
        bft__gemm_thread(&g, omp_get_thread_num(), omp_get_num_threads());
    } else
#endif
        bft__gemm_thread(&g, 0, 1);
    bft_free(mem);
}
