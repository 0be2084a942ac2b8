/* tools/bench_gemm.c - how fast is bft_sgemm on BERT's shapes, compared with the FMA peak.

   Build:  gcc -O2 -fopenmp -o /tmp/bench_gemm tools/bench_gemm.c -lm
   Run:    /tmp/bench_gemm [-p fp32|bf16] [-k kernel] [-r reps] [-n passes] [-m M] [-w windows]
             -p  precision of the products (default fp32); bf16 compares with the VDPBF16PS peak
             -k  force a kernel (avx512, avx2, neon, scalar); default: the automatic choice
             -r  timed repetitions per shape and pass (default 10, after one warm-up)
             -n  passes over the whole list of shapes (default 3); each shape keeps its best time
             -m  only this M (default: 4096, 2528, 128 and 16)
             -w  with -m: instead of the table, how each product's speed varies over time
                 (see -w in main)
   Threads: OMP_NUM_THREADS (default: all cores).

   First it measures the peak: a loop of independent FMAs on registers only, with the vector
   width of the active kernel, on one thread and on all threads. %peak is against that peak, taken
   at the start. The machine's speed drifts (a shared VM: the same loop has read 400 to 460
   GFLOP/s minutes apart), so before each layer of each pass the loop runs again, shortly, and
   %now is against the highest of those readings and the start's. Then, for each BERT linear
   layer (in -> out features) and M tokens, it times the three products of training:
      forward  Y[M,out]  = X[M,in] . W[out,in]^T          bft_sgemm(0, 1, ...)
      dX       dX[M,in]  = dY[M,out] . W[out,in]          bft_sgemm(0, 0, ...)
      dW       dW[out,in] += dY[M,out]^T . X[M,in]        bft_sgemm(1, 0, ..., beta = 1)
   W (and dW) have the row stride the model gives them (bft__weight_ld: the FFN output's rows,
   3072 floats, are padded to 3088).
   With -p bf16 on AVX512_BF16 a fourth row, "fwd pk", times the forward with the weight packed
   as bf16 beforehand (bft_model_pack_bf16: inference, or an evaluation loop), which skips
   rounding W to bf16 pairs in every call.
   M = 4096 and 2528 are training batches (32 x 128, and 32 x 79: MRPC's padded length); 128 and
   16 one request at inference (a pair of 128 tokens, a short one), whose forward and dX take the
   small path (few rows against a whole weight). Small products repeat 512 / M times as often. The
   weight is the same in every repetition, so at M = 16 it comes from L3, as in a model's forward
   it does not (build/bench infer_one times that).
   And then attention's six products for one (batch, head) at T = 128 (the K = 64 and N = 64
   shapes), run as the model runs them: one thread per head, all threads busy (time_heads).

   A weight gradient of few tokens may be bound by memory rather than by the FMAs: dW += dY^T . X
   reads and writes every element of dW for M multiply-adds, M / 4 FLOP per byte (4 at M = 16).
   For each dW the tool also times a plain read-modify-write pass over a buffer of dW's size
   (all threads, vectorised, best of as many repetitions), and %roof is against the lower of the
   peak and that bandwidth x M / 4: what the machine's memory allows that product. For the other
   products (and dW from M = 128 on) the roofline is the peak itself. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <time.h>

static double now(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

/* ---- peak: independent FMA chains, as many as the kernel keeps accumulators ----
   12 chains cover a 4-cycle FMA on 2 pipes, but not VDPBF16PS (longer latency on Zen 5): with 12
   chains it measured 377 GFLOP/s on one core, with 24 (the 12 x 32 kernels' 24 accumulators)
   440, and the kernel itself 437. So the AVX-512 loops run 24 chains; AVX2 has only 16 registers
   and keeps 12. */
#define PEAK_CHAINS 12
#define PEAK_CHAINS_512 24
static volatile float peak_sink;

#if defined(BFT__GEMM_X86)
__attribute__((target("avx512f"))) static void fma_loop_avx512(long iters)
{
    __m512 acc[PEAK_CHAINS_512], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(0.5f), s;
    long i;
    int c;
    for (c = 0; c < PEAK_CHAINS_512; c++) acc[c] = _mm512_set1_ps((float)c);
    for (i = 0; i < iters; i++) {
        /* written out: the chains must stay in registers */
#define F(c) acc[c] = _mm512_fmadd_ps(acc[c], x, y);
        F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11)
        F(12) F(13) F(14) F(15) F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23)
#undef F
    }
    s = acc[0];
    for (c = 1; c < PEAK_CHAINS_512; c++) s = _mm512_add_ps(s, acc[c]);
    peak_sink = _mm512_reduce_add_ps(s);
}
__attribute__((target("avx2,fma"))) static void fma_loop_avx2(long iters)
{
    __m256 acc[PEAK_CHAINS], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(0.5f), s;
    float t[8];
    long i;
    int c;
    for (c = 0; c < PEAK_CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
    for (i = 0; i < iters; i++) {
        acc[0] = _mm256_fmadd_ps(acc[0], x, y); acc[1] = _mm256_fmadd_ps(acc[1], x, y);
        acc[2] = _mm256_fmadd_ps(acc[2], x, y); acc[3] = _mm256_fmadd_ps(acc[3], x, y);
        acc[4] = _mm256_fmadd_ps(acc[4], x, y); acc[5] = _mm256_fmadd_ps(acc[5], x, y);
        acc[6] = _mm256_fmadd_ps(acc[6], x, y); acc[7] = _mm256_fmadd_ps(acc[7], x, y);
        acc[8] = _mm256_fmadd_ps(acc[8], x, y); acc[9] = _mm256_fmadd_ps(acc[9], x, y);
        acc[10] = _mm256_fmadd_ps(acc[10], x, y); acc[11] = _mm256_fmadd_ps(acc[11], x, y);
    }
    s = acc[0];
    for (c = 1; c < PEAK_CHAINS; c++) s = _mm256_add_ps(s, acc[c]);
    _mm256_storeu_ps(t, s);
    peak_sink = t[0] + t[7];
}
/* VDPBF16PS: 16 lanes x 2 products x 2 flops per instruction = the FMA loop's flops x 2 */
__attribute__((target("avx512f,avx512bw,avx512bf16"))) static void dpbf16_loop(long iters)
{
    __m512 acc[PEAK_CHAINS_512], s;
    __m512bh x = (__m512bh)_mm512_set1_ps(0.999999f), y = (__m512bh)_mm512_set1_ps(0.5f);
    long i;
    int c;
    for (c = 0; c < PEAK_CHAINS_512; c++) acc[c] = _mm512_set1_ps((float)c);
    for (i = 0; i < iters; i++) {
#define F(c) acc[c] = _mm512_dpbf16_ps(acc[c], x, y);
        F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11)
        F(12) F(13) F(14) F(15) F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23)
#undef F
    }
    s = acc[0];
    for (c = 1; c < PEAK_CHAINS_512; c++) s = _mm512_add_ps(s, acc[c]);
    peak_sink = _mm512_reduce_add_ps(s);
}
#endif
#if defined(BFT__GEMM_NEON)
static void fma_loop_neon(long iters)
{
    float32x4_t acc[PEAK_CHAINS], x = vdupq_n_f32(0.999999f), y = vdupq_n_f32(0.5f);
    long i;
    int c;
    for (c = 0; c < PEAK_CHAINS; c++) acc[c] = vdupq_n_f32((float)c);
    for (i = 0; i < iters; i++)
        for (c = 0; c < PEAK_CHAINS; c++) acc[c] = vfmaq_f32(y, acc[c], x);
    for (c = 1; c < PEAK_CHAINS; c++) acc[0] = vaddq_f32(acc[0], acc[c]);
    peak_sink = vgetq_lane_f32(acc[0], 0);
}
#endif
static void fma_loop_scalar(long iters)
{
    float acc[PEAK_CHAINS];
    long i;
    int c;
    for (c = 0; c < PEAK_CHAINS; c++) acc[c] = (float)c;
    for (i = 0; i < iters; i++)
        for (c = 0; c < PEAK_CHAINS; c++) acc[c] = acc[c] * 0.999999f + 0.5f;
    for (c = 1; c < PEAK_CHAINS; c++) acc[0] += acc[c];
    peak_sink = acc[0];
}

/* Floats per vector of the kernel's instruction set, its FMA loop and the loop's chain count. */
static int peak_width(const char *k, void (**loop)(long), int *chains)
{
    *chains = PEAK_CHAINS;
#if defined(BFT__GEMM_X86)
    if (!strcmp(k, "avx512bf16")) { *loop = dpbf16_loop; *chains = PEAK_CHAINS_512; return 32; }
    if (!strcmp(k, "avx512")) { *loop = fma_loop_avx512; *chains = PEAK_CHAINS_512; return 16; }
    if (!strcmp(k, "avx2")) { *loop = fma_loop_avx2; return 8; }
#endif
#if defined(BFT__GEMM_NEON)
    if (!strcmp(k, "neon")) { *loop = fma_loop_neon; return 4; }
#endif
    (void)k;
    *loop = fma_loop_scalar;
    return 1;
}

/* GFLOP/s of `nt` threads each running the loop: best of `trials` runs of ~0.1 s (the machine
   may be shared; the best run is the closest to what the hardware can do). */
static double measure_peak(void (*loop)(long), int width, int chains, int nt, int trials)
{
    long iters = 100000;
    double best = 0.0;
    int trial = 0;
    while (trial < trials) {
        double t0 = now(), t, gf;
        BFT__OMP(parallel num_threads(nt))
        loop(iters);
        t = now() - t0;
        if (t < 0.05) { /* too short to time: scale up and retry */
            iters = (long)((double)iters * (t > 0.001 ? 0.1 / t : 10.0));
            continue;
        }
        gf = 2.0 * width * chains * (double)iters * nt / t * 1e-9;
        if (gf > best) best = gf;
        trial++;
    }
    (void)nt;
    return best;
}

static float *alloc64(void **mem, size_t n)
{
    *mem = malloc(n * sizeof(float) + 64);
    return *mem ? (float *)(((uintptr_t)*mem + 63) & ~(uintptr_t)63) : NULL;
}

/* One read-modify-write pass over n floats on all threads (what dW += ... must do to dW at
   least once), in 64-float blocks with the widest vectors there are (gcc -O2 may leave a plain
   loop scalar, which would understate the bandwidth); returns the best GB/s of reps passes after
   a warm-up. n is a multiple of 64 here. */
#if defined(BFT__GEMM_X86)
__attribute__((target("avx512f"))) static void rw_block512(float *x)
{
    int k;
    for (k = 0; k < 64; k += 16)
        _mm512_storeu_ps(x + k, _mm512_fmadd_ps(_mm512_loadu_ps(x + k), _mm512_set1_ps(0.5f), _mm512_set1_ps(1e-3f)));
}
#endif
static void rw_block(float *x)
{
    int k;
#if defined(BFT__GEMM_X86)
    if (__builtin_cpu_supports("avx512f")) { rw_block512(x); return; }
#endif
    for (k = 0; k < 64; k++) x[k] = x[k] * 0.5f + 1e-3f;
}
static double rw_bandwidth(float *x, size_t n, int reps)
{
    double best = 1e30;
    int r;
    for (r = 0; r <= reps; r++) {
        double t0 = now(), t;
        long long i;
        BFT__OMP(parallel for schedule(static))
        for (i = 0; i < (long long)(n / 64); i++) rw_block(x + (size_t)i * 64);
        t = now() - t0;
        if (r > 0 && t < best) best = t;
    }
    return 8.0 * (double)n / best * 1e-9;
}

/* The best of rr calls (after one warm-up) of product p (0 forward, 1 dX, 2 dW, 3 forward on W
   packed as bf16 in PK) of an in -> out layer over M tokens, in seconds. */
static double time_product(bft_precision prec, int p, int M, int in, int out, int rr, const float *X, const float *W,
                           const float *PK, float *Y, float *dX, float *dW)
{
    const int ldw = (int)bft__weight_ld(in);
    double best = 1e30;
    int r;
    for (r = 0; r <= rr; r++) {
        double t0 = now(), t;
        if (p == 0) bft_gemm(prec, 0, 1, M, out, in, 1.0f, X, in, W, ldw, 0.0f, Y, out);
        else if (p == 1) bft_gemm(prec, 0, 0, M, in, out, 1.0f, Y, out, W, ldw, 0.0f, dX, in);
        else if (p == 2) bft_gemm(prec, 1, 0, out, in, M, 1.0f, Y, out, X, in, 1.0f, dW, ldw);
        else bft__gemm_run_pk(prec, 0, 1, M, out, in, 1.0f, X, in, W, ldw, PK, 0.0f, Y, out, NULL, NULL, NULL, NULL);
        t = now() - t0;
        if (r > 0 && t < best) best = t;
    }
    return best;
}

static int cmp_dbl(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static void fill(float *x, size_t n, float scale)
{
    size_t i;
    uint64_t s = 88172645463325252ull;
    for (i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        x[i] = scale * ((float)(s >> 40) * (1.0f / 8388608.0f) - 1.0f);
    }
}

/* ---- attention's products: per (batch, head), T = 128, D = 64 ----
   The model runs one small GEMM per (batch, head) on one thread, the heads spread over the
   threads by a parallel loop (bft__attention_fwd_one / _bwd_one), each head's operands in
   cache: Q, K, V are D-wide column blocks of the fused qkv activation (row stride 3C), the
   probabilities a T x T block just written. Here: the 12 heads of one sequence, over and over,
   on all threads at once; % against the all-threads peak. Each thread writes its own outputs, as
   each (batch, head) does in the model: with both threads writing the same P block at the same
   time, its lines went back and forth between the cores (QK^T read 54-67% of the peak, 74-86%
   with this). */
#define HEAD_T 128
#define HEAD_D 64
#define HEAD_H 12
#define HEAD_C (HEAD_H * HEAD_D)
/* product, and its shape (M x N x K) */
static const char *const head_names[6] = { "scores", "context", "dP", "dV", "dQ", "dK" };
static const char *const head_shapes[6] = { "head QK^T 128x128x64", "head PV 128x64x128", "head dctx.V^T",
                                            "head P^T.dctx", "head dS.K", "head dS^T.Q" };

static double time_heads(bft_precision prec, int p, int reps, float *qkv, float *dqkv, float *ctx, float *P,
                         float *DP)
{
    const int T = HEAD_T, D = HEAD_D, ld = 3 * HEAD_C, inner = 20;
    double best = 1e30;
    int r;
    for (r = 0; r <= reps; r++) {
        double t0 = now(), t;
        int i;
        BFT__OMP(parallel for schedule(static))
        for (i = 0; i < HEAD_H * inner; i++) {
            const int h = i % HEAD_H;
#ifdef _OPENMP
            const size_t tid = (size_t)omp_get_thread_num();
#else
            const size_t tid = 0;
#endif
            /* what a head writes is its thread's own, as each (batch, head) is in the model */
            float *ch = ctx + tid * T * HEAD_C + h * D;
            const float *Q = qkv + h * D, *K = Q + HEAD_C, *V = Q + 2 * HEAD_C, *dc = ch;
            float *Ph = P + (tid * HEAD_H + h) * T * T, *DPh = DP + (tid * HEAD_H + h) * T * T;
            float *dq = dqkv + tid * T * 3 * HEAD_C + h * D;
            if (p == 0) bft_gemm(prec, 0, 1, T, T, D, 0.125f, Q, ld, K, ld, 0.0f, Ph, T);
            else if (p == 1) bft_gemm(prec, 0, 0, T, D, T, 1.0f, Ph, T, V, ld, 0.0f, ch, HEAD_C);
            else if (p == 2) bft_gemm(prec, 0, 1, T, T, D, 1.0f, dc, HEAD_C, V, ld, 0.0f, DPh, T);
            else if (p == 3) bft_gemm(prec, 1, 0, T, D, T, 1.0f, Ph, T, dc, HEAD_C, 0.0f, dq + 2 * HEAD_C, ld);
            else if (p == 4) bft_gemm(prec, 0, 0, T, D, T, 0.125f, DPh, T, K, ld, 0.0f, dq, ld);
            else bft_gemm(prec, 1, 0, T, D, T, 0.125f, DPh, T, Q, ld, 0.0f, dq + HEAD_C, ld);
        }
        t = now() - t0;
        if (r > 0 && t < best) best = t;
    }
    return 2.0 * T * T * D * HEAD_H * inner / best * 1e-9;
}

int main(int argc, char **argv)
{
    static const int layers[][2] = { { 768, 768 }, { 768, 3072 }, { 3072, 768 }, { 768, 2304 } };
    static const char *const names[] = { "attn out 768->768", "ffn in 768->3072", "ffn out 3072->768",
                                         "qkv 768->2304" };
    int Ms[4] = { 4096, 2528, 128, 16 }, nM = 4, reps = 10, passes = 3, nt = 1, windows = 0, i, l, m, p, pass;
    double best[4][4][4] = { { { 0 } } }, ref[4][4] = { { 0 } }, bw[4][4] = { { 0 } }, lowest_roof = 1e30;
    const char *kernel = NULL;
    bft_precision prec = BFT_FP32;
    const char *kname;
    void (*loop)(long);
    int width, chains;
    double peak1, peakn, lowest = 1e30, lowest_now = 1e30;
    float *X, *W, *Y, *dX, *dW, *PK;
    void *mem[6];
    int np;
    size_t maxM = 4096, maxF = 3072;
    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-k")) kernel = argv[i + 1];
        else if (!strcmp(argv[i], "-r")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-n")) passes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-p")) prec = !strcmp(argv[i + 1], "bf16") ? BFT_BF16 : BFT_FP32;
        else if (!strcmp(argv[i], "-m")) { Ms[0] = atoi(argv[i + 1]); nM = 1; maxM = (size_t)Ms[0]; }
        else if (!strcmp(argv[i], "-w")) windows = atoi(argv[i + 1]);
        else { fprintf(stderr, "usage: %s [-p fp32|bf16] [-k kernel] [-r reps] [-n passes] [-m M] [-w windows]\n", argv[0]); return 2; }
    }
    if (windows > 0 && nM != 1) { fprintf(stderr, "-w needs -m\n"); return 2; }
    if (kernel && bft_gemm_set_kernel(kernel) != BFT_OK) { fprintf(stderr, "%s\n", bft_last_error()); return 1; }
    if (reps < 1) reps = 1;
    if (passes < 1) passes = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    /* the kernel bf16 products use is the bf16 one when it runs natively, else the fp32 one */
    kname = prec == BFT_BF16 && bft_gemm_native_bf16() ? "avx512bf16" : bft_gemm_kernel();
    width = peak_width(kname, &loop, &chains);
    peak1 = measure_peak(loop, width, chains, 1, 7);
    peakn = nt > 1 ? measure_peak(loop, width, chains, nt, 7) : peak1;
    printf("%s products, kernel %s%s, %d thread%s\n", prec == BFT_BF16 ? "bf16" : "fp32", kname,
           prec == BFT_BF16 && !bft_gemm_native_bf16() ? " (bf16 emulated)" : "", nt, nt > 1 ? "s" : "");
    printf("%s peak (register-only loop, %d chains, %d multiply-adds per instruction): %.1f GFLOP/s on 1 thread, %.1f on %d\n\n",
           width == 32 ? "VDPBF16PS" : "FMA", chains, width, peak1, peakn, nt);

    /* on 64-byte boundaries, as bertft's activations, parameters and gradients are */
    X = alloc64(&mem[0], (size_t)maxM * maxF);
    dX = alloc64(&mem[1], (size_t)maxM * maxF);
    Y = alloc64(&mem[2], (size_t)maxM * maxF);
    W = alloc64(&mem[3], (size_t)maxF * maxF);
    dW = alloc64(&mem[4], (size_t)maxF * maxF);
    PK = alloc64(&mem[5], bft__gemm_pk_size((int)maxF, (int)maxF));
    if (!X || !dX || !Y || !W || !dW || !PK) { fprintf(stderr, "out of memory\n"); return 1; }
    np = prec == BFT_BF16 && bft_gemm_native_bf16() ? 4 : 3; /* "fwd pk" where W can be packed as bf16 */
    fill(X, maxM * maxF, 1.0f);
    fill(Y, maxM * maxF, 1.0f);
    fill(W, maxF * maxF, 0.02f);
    memset(dW, 0, sizeof(float) * maxF * maxF);
    /* -w: a product's speed over time. On this shared VM a product of ~0.1 ms per call on both
       cores (M = 16: its weight read from L3) runs at one speed for a while, then 10% slower for
       0.1-1 s, then at the first again; the register-only peak loop, and the same product on one
       thread, do not vary so. Best-of timing over a pass that lands inside a slow spell then
       reads the spell. Here each product is timed in `windows` windows (each as many calls as a
       pass of the table), the products taking turns, so that the windows of each are spread over
       the whole run; printed per product: the windows' best speeds as % of the start's peak,
       lowest, median, highest, and how many reached 85%. */
    if (windows > 0) {
        const int M = Ms[0], rr = M >= 512 ? reps : reps * (512 / M);
        double *wb = (double *)calloc((size_t)16 * (size_t)windows, sizeof(double));
        int w;
        if (!wb) { fprintf(stderr, "out of memory\n"); return 1; }
        for (w = 0; w < windows; w++)
            for (l = 0; l < 4; l++)
                for (p = 0; p < np; p++) {
                    const int in = layers[l][0], out = layers[l][1];
                    double b;
                    if (p == 3) bft__gemm_pk_pack(1, out, in, W, bft__weight_ld(in), PK);
                    b = time_product(prec, p, M, in, out, rr, X, W, PK, Y, dX, dW);
                    wb[(size_t)(l * 4 + p) * (size_t)windows + (size_t)w] = 2.0 * M * in * out / b * 1e-9 / peakn;
                }
        printf("M = %d: each product's best in %d windows of %d calls, %% of the start's peak\n", M, windows, rr);
        printf("%-20s %-8s %7s %7s %7s %s\n", "layer", "product", "lowest", "median", "highest", ">= 85%");
        for (l = 0; l < 4; l++)
            for (p = 0; p < np; p++) {
                double *v = wb + (size_t)(l * 4 + p) * (size_t)windows;
                int n85 = 0;
                qsort(v, (size_t)windows, sizeof(double), cmp_dbl);
                for (w = 0; w < windows; w++) n85 += v[w] >= 0.85;
                printf("%-20s %-8s %6.1f%% %6.1f%% %6.1f%% %d of %d\n", names[l],
                       p == 0 ? "forward" : p == 1 ? "dX" : p == 2 ? "dW" : "fwd pk", 100.0 * v[0],
                       100.0 * v[windows / 2], 100.0 * v[windows - 1], n85, windows);
            }
        free(wb);
        for (l = 0; l < 6; l++) free(mem[l]);
        return 0;
    }

    /* The whole list is timed `passes` times and each product keeps its best time: the machine's
       memory bandwidth, which a product needs and the peak loop does not, drops for seconds at
       a time while other guests run, so one pass over the list can land a product in a slow
       spell that the register-only peak loop does not see. */
    for (pass = 0; pass < passes; pass++)
        for (m = 0; m < nM; m++)
            for (l = 0; l < 4; l++) {
                const double pk = measure_peak(loop, width, chains, nt, 3);
                if (pk > ref[m][l]) ref[m][l] = pk;
                if (np == 4) bft__gemm_pk_pack(1, layers[l][1], layers[l][0], W, bft__weight_ld(layers[l][0]), PK);
                for (p = 0; p < np; p++) {
                    const int M = Ms[m], rr = M >= 512 ? reps : reps * (512 / M);
                    const double t = time_product(prec, p, M, layers[l][0], layers[l][1], rr, X, W, PK, Y, dX, dW);
                    if (best[m][l][p] == 0.0 || t < best[m][l][p]) best[m][l][p] = t;
                }
                {   /* dW's own read-modify-write bandwidth, on dW itself */
                    const int M = Ms[m], rr = M >= 512 ? reps : reps * (512 / M);
                    const double b = rw_bandwidth(dW, (size_t)layers[l][0] * (size_t)layers[l][1], rr);
                    if (b > bw[m][l]) bw[m][l] = b;
                }
            }
    printf("%-6s %-20s %-8s %9s %9s %7s %7s %7s\n", "M", "layer", "product", "ms", "GFLOP/s", "%peak", "%now", "%roof");
    for (m = 0; m < nM; m++)
        for (l = 0; l < 4; l++)
            for (p = 0; p < np; p++) {
                const int M = Ms[m], in = layers[l][0], out = layers[l][1];
                const double gf = 2.0 * M * in * out / best[m][l][p] * 1e-9;
                const double ref_ = ref[m][l] > peakn ? ref[m][l] : peakn;
                /* roofline: the peak, or for dW what reading and writing dW allows */
                const double roof = p == 2 && bw[m][l] * M / 4.0 < ref_ ? bw[m][l] * M / 4.0 : ref_;
                printf("%-6d %-20s %-8s %9.2f %9.1f %6.1f%% %6.1f%% %6.1f%%%s\n", M, names[l],
                       p == 0 ? "forward" : p == 1 ? "dX" : p == 2 ? "dW" : "fwd pk", best[m][l][p] * 1e3, gf, 100.0 * gf / peakn,
                       100.0 * gf / ref_, 100.0 * gf / roof, roof < ref_ ? " (memory)" : "");
                if (gf / peakn < lowest) lowest = gf / peakn;
                if (gf / ref_ < lowest_now) lowest_now = gf / ref_;
                if (gf / roof < lowest_roof) lowest_roof = gf / roof;
            }
    {
        /* attention: operands of one sequence (in cache after the first pass) */
        float *qkv, *dqkv, *ctx, *P, *DP;
        void *hm[5];
        double hbest[6] = { 0 }, href = 0.0;
        qkv = alloc64(&hm[0], (size_t)HEAD_T * 3 * HEAD_C);
        dqkv = alloc64(&hm[1], (size_t)nt * HEAD_T * 3 * HEAD_C);
        ctx = alloc64(&hm[2], (size_t)nt * HEAD_T * HEAD_C);
        P = alloc64(&hm[3], (size_t)nt * HEAD_H * HEAD_T * HEAD_T);
        DP = alloc64(&hm[4], (size_t)nt * HEAD_H * HEAD_T * HEAD_T);
        if (!qkv || !dqkv || !ctx || !P || !DP) { fprintf(stderr, "out of memory\n"); return 1; }
        fill(qkv, (size_t)HEAD_T * 3 * HEAD_C, 1.0f);
        fill(ctx, (size_t)nt * HEAD_T * HEAD_C, 1.0f);
        fill(P, (size_t)nt * HEAD_H * HEAD_T * HEAD_T, 0.01f);
        fill(DP, (size_t)nt * HEAD_H * HEAD_T * HEAD_T, 0.01f);
        for (pass = 0; pass < passes; pass++) {
            const double pk = measure_peak(loop, width, chains, nt, 3);
            if (pk > href) href = pk;
            for (p = 0; p < 6; p++) {
                const double gf = time_heads(prec, p, reps, qkv, dqkv, ctx, P, DP);
                if (gf > hbest[p]) hbest[p] = gf;
            }
        }
        if (href < peakn) href = peakn;
        for (p = 0; p < 6; p++) {
            printf("%-6d %-20s %-8s %9.3f %9.1f %6.1f%% %6.1f%% %6.1f%%\n", HEAD_T, head_shapes[p], head_names[p],
                   2.0 * HEAD_T * HEAD_T * HEAD_D / hbest[p] * 1e-6, hbest[p], 100.0 * hbest[p] / peakn,
                   100.0 * hbest[p] / href, 100.0 * hbest[p] / href);
            if (hbest[p] / peakn < lowest) lowest = hbest[p] / peakn;
            if (hbest[p] / href < lowest_now) lowest_now = hbest[p] / href;
            if (hbest[p] / href < lowest_roof) lowest_roof = hbest[p] / href;
        }
        for (l = 0; l < 5; l++) free(hm[l]);
    }
    printf("\nlowest: %.1f%% of the start's peak, %.1f%% of the highest peak measured before the layer, "
           "%.1f%% of the roofline\n", 100.0 * lowest, 100.0 * lowest_now, 100.0 * lowest_roof);
    for (l = 0; l < 6; l++) free(mem[l]);
    return 0;
}
