/* tests/test_gemm.c - bft_sgemm / bft_gemm: every kernel this build and CPU can run, in fp32 and
   in bf16 (operands rounded to bf16, fp32 sums), against a reference computed here in double
   precision from the same (rounded) operands, on odd shapes, all transpose combinations, padded
   strides, alpha/beta cases (beta = 0 over NaN), K = 0, and thread-count independence (bitwise). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"
#include <float.h>

#define SENTINEL (-7777.0f) /* what C holds beyond column N (must survive) */

static uint64_t rng = 0x1234567887654321ull;
static float frand(void) /* uniform in [-1, 1) */
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((rng >> 40) * (1.0 / 8388608.0) - 1.0);
}

static const char *cur_kernel = "";
static bft_precision cur_prec = BFT_FP32;
/* an operand element as the product under test sees it */
static double opnd(float v) { return cur_prec == BFT_BF16 ? (double)bft_round_bf16(v) : (double)v; }

typedef struct prob {
    int ta, tb, M, N, K, lda, ldb, ldc;
    float alpha, beta;
    float *A, *B, *C0;  /* inputs; C0 is C before the call */
    double *ref, *bound; /* expected C and the sum of |terms| (error scale) */
} prob;

/* rows x cols with row stride ld: random values, NaN in the padding so reading it shows */
static float *operand(int rows, int cols, int ld)
{
    size_t n = (size_t)(rows > 0 ? rows : 1) * (size_t)(ld > 0 ? ld : 1), i;
    float *x = (float *)malloc(n * sizeof(float));
    for (i = 0; i < n; i++) x[i] = ((int)(i % (size_t)(ld > 0 ? ld : 1)) < cols) ? frand() : NAN;
    return x;
}

static void prob_init(prob *p, int ta, int tb, int M, int N, int K, int pad, float alpha, float beta)
{
    int i, j, k;
    int arows = ta ? K : M, acols = ta ? M : K, brows = tb ? N : K, bcols = tb ? K : N;
    p->ta = ta; p->tb = tb; p->M = M; p->N = N; p->K = K;
    p->lda = acols + pad; p->ldb = bcols + (pad * 3) % 7; p->ldc = N + (pad ? 1 + pad / 2 : 0);
    if (p->lda < 1) p->lda = 1;
    if (p->ldb < 1) p->ldb = 1;
    p->alpha = alpha; p->beta = beta;
    p->A = operand(arows, acols, p->lda);
    p->B = operand(brows, bcols, p->ldb);
    p->C0 = (float *)malloc(sizeof(float) * (size_t)(M ? M : 1) * (size_t)p->ldc);
    for (i = 0; i < M; i++)
        for (j = 0; j < p->ldc; j++)
            p->C0[(size_t)i * p->ldc + j] = j >= N ? SENTINEL : beta == 0.0f ? NAN : frand();
    p->ref = (double *)malloc(sizeof(double) * (size_t)(M ? M : 1) * (size_t)(N ? N : 1));
    p->bound = (double *)malloc(sizeof(double) * (size_t)(M ? M : 1) * (size_t)(N ? N : 1));
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            double s = 0, b = 0, c = p->C0[(size_t)i * p->ldc + j];
            for (k = 0; k < K && alpha != 0.0f; k++) {
                double x = opnd(ta ? p->A[(size_t)k * p->lda + i] : p->A[(size_t)i * p->lda + k]);
                double y = opnd(tb ? p->B[(size_t)j * p->ldb + k] : p->B[(size_t)k * p->ldb + j]);
                s += x * y;
                b += fabs(x * y);
            }
            p->ref[(size_t)i * N + j] = alpha * s + (beta != 0.0f ? beta * c : 0.0);
            p->bound[(size_t)i * N + j] = fabs(alpha) * b + (beta != 0.0f ? fabs(beta * c) : 0.0);
        }
}

static void prob_free(prob *p)
{
    free(p->A); free(p->B); free(p->C0); free(p->ref); free(p->bound);
}

/* Run bft_sgemm (or the reference) on a copy of C0 and check every element. */
static int prob_check(const prob *p, int use_ref, const char *what)
{
    size_t n = (size_t)(p->M ? p->M : 1) * (size_t)p->ldc;
    float *C = (float *)malloc(n * sizeof(float));
    int i, j, bad = 0;
    memcpy(C, p->C0, n * sizeof(float));
    if (use_ref)
        bft_sgemm_ref(p->ta, p->tb, p->M, p->N, p->K, p->alpha, p->A, p->lda, p->B, p->ldb, p->beta, C, p->ldc);
    else
        bft_gemm(cur_prec, p->ta, p->tb, p->M, p->N, p->K, p->alpha, p->A, p->lda, p->B, p->ldb, p->beta, C, p->ldc);
    for (i = 0; i < p->M && !bad; i++)
        for (j = 0; j < p->ldc && !bad; j++) {
            float got = C[(size_t)i * p->ldc + j];
            if (j >= p->N) {
                if (got != SENTINEL) bad = 1;
            } else {
                double want = p->ref[(size_t)i * p->N + j];
                /* float sums of K products: error <= ~K * eps * sum|terms| (+ the alpha/beta step) */
                double tol = (p->K + 4) * (double)FLT_EPSILON * p->bound[(size_t)i * p->N + j] + 1e-30;
                if (!(fabs(got - want) <= tol)) bad = 1;
            }
            if (bad)
                CHECK(0, "%s: ta=%d tb=%d M=%d N=%d K=%d lda=%d ldb=%d ldc=%d alpha=%g beta=%g: C[%d,%d] = %.9g, want %.9g%s",
                      what, p->ta, p->tb, p->M, p->N, p->K, p->lda, p->ldb, p->ldc, p->alpha, p->beta, i, j,
                      got, j < p->N ? p->ref[(size_t)i * p->N + j] : SENTINEL, j >= p->N ? " (padding overwritten)" : "");
        }
    free(C);
    return !bad;
}

static const float alphas[] = { 1.0f, 1.0f, -0.5f, 0.25f, 2.0f };
static const float betas[] = { 0.0f, 1.0f, 2.0f, 0.0f, -1.0f };


/* Every combination of odd sizes, all four transposes, paddings and alpha/beta cycling. The
   problems and their double-precision references are made once and shared by all kernels. */
static const int small_sz[] = { 1, 2, 7, 15, 17, 33, 64, 65, 129 };
#define NSMALL ((int)(sizeof small_sz / sizeof small_sz[0]))
static prob small_probs[NSMALL * NSMALL * NSMALL * 4];
static int small_made;
static bft_precision small_prec;

static void free_small_shapes(void)
{
    int n;
    if (small_made)
        for (n = 0; n < NSMALL * NSMALL * NSMALL * 4; n++) prob_free(&small_probs[n]);
    small_made = 0;
}

static void test_gemm_small_shapes(void)
{
    const int np = NSMALL * NSMALL * NSMALL * 4;
    int n, fails = 0;
    if (small_made && small_prec != cur_prec) free_small_shapes();
    if (!small_made) {
        small_prec = cur_prec;
        for (n = 0; n < np; n++) {
            int t = n % 4, c = n / 4 % NSMALL, b = n / 4 / NSMALL % NSMALL, a = n / 4 / NSMALL / NSMALL;
            prob_init(&small_probs[n], t & 1, t >> 1, small_sz[a], small_sz[b], small_sz[c], (n % 3) * 5,
                      alphas[n % 5], betas[n % 5]);
        }
        small_made = 1;
    }
    for (n = 0; n < np; n++)
        if (!prob_check(&small_probs[n], 0, cur_kernel) && ++fails > 5) return;
}


/* Shapes that cross the cache blocks (KC = 256..1024, MC = 48..192, B packed 4 slivers at a
   time, NC = 3072) and BERT-like ones. */
static const int big_shapes[][3] = {
    { 300, 300, 300 }, { 1, 300, 300 }, { 300, 1, 300 }, { 300, 300, 1 }, { 17, 3100, 65 },
    { 300, 17, 257 },  { 193, 65, 256 }, { 145, 33, 513 }, { 129, 3073, 7 }, { 64, 2, 768 },
    { 2, 768, 64 },    { 385, 40, 600 }, { 77, 161, 1100 }, { 50, 70, 2053 }, { 1157, 20, 769 }
};

static void test_gemm_big_shapes(void)
{
    int s, t, n = 0;
    for (s = 0; s < (int)(sizeof big_shapes / sizeof big_shapes[0]); s++)
        for (t = 0; t < 4; t++, n++) {
            prob p;
            prob_init(&p, t & 1, t >> 1, big_shapes[s][0], big_shapes[s][1], big_shapes[s][2], (n % 3) * 5,
                      alphas[n % 5], betas[(n + 1) % 5]);
            prob_check(&p, 0, cur_kernel);
            prob_free(&p);
        }
}

/* Attention-like views: Q, K at row stride 3 * 768 inside a fused QKV buffer, C a head slice. */
static void test_gemm_attention_strides(void)
{
    const int T = 67, D = 64, ld = 3 * 768;
    float *qkv = operand(T, ld, ld), *ctx = (float *)malloc(sizeof(float) * T * 768);
    float *probs = (float *)malloc(sizeof(float) * T * T);
    int i, j, k, bad = 0;
    for (i = 0; i < T * 768; i++) ctx[i] = SENTINEL;
    /* scores = Q K^T / 8 (beta 0 over NaN), then ctx[:, 64:128] = probs V */
    for (i = 0; i < T * T; i++) probs[i] = NAN;
    bft_gemm(cur_prec, 0, 1, T, T, D, 0.125f, qkv + 64, ld, qkv + 768 + 64, ld, 0.0f, probs, T);
    bft_gemm(cur_prec, 0, 0, T, D, T, 1.0f, probs, T, qkv + 2 * 768 + 64, ld, 0.0f, ctx + 64, 768);
    for (i = 0; i < T && !bad; i++)
        for (j = 0; j < 768 && !bad; j++) {
            double s = 0, b = 0;
            float got = ctx[i * 768 + j];
            if (j < 64 || j >= 128) { if (got != SENTINEL) bad = 1; continue; }
            for (k = 0; k < T; k++) {
                double x = opnd(probs[i * T + k]) * opnd(qkv[(size_t)k * ld + 2 * 768 + j]);
                s += x;
                b += fabs(x);
            }
            if (!(fabs(got - s) <= (T + 4) * FLT_EPSILON * b + 1e-30)) bad = 1;
        }
    CHECK(!bad, "%s: attention-style strided product wrong", cur_kernel);
    for (i = 0; i < T && bad == 0; i++)
        for (j = 0; j < T; j++) {
            double s = 0, b = 0;
            for (k = 0; k < D; k++) {
                double x = 0.125 * opnd(qkv[(size_t)i * ld + 64 + k]) * opnd(qkv[(size_t)j * ld + 768 + 64 + k]);
                s += x;
                b += fabs(x);
            }
            if (!(fabs(probs[i * T + j] - s) <= (D + 4) * FLT_EPSILON * b + 1e-30)) { bad = 1; break; }
        }
    CHECK(!bad, "%s: attention-style scores wrong", cur_kernel);
    free(qkv); free(ctx); free(probs);
}

/* Degenerate sizes: K = 0 gives C = beta * C; alpha = 0 does not read A or B; M or N = 0 no-op. */
static void test_gemm_degenerate(void)
{
    float A[4] = { NAN, NAN, NAN, NAN }, B[4] = { NAN, NAN, NAN, NAN }, C[6];
    int i;
    for (i = 0; i < 6; i++) C[i] = NAN;
    bft_gemm(cur_prec, 0, 0, 2, 3, 0, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    for (i = 0; i < 6; i++) CHECK(C[i] == 0.0f, "%s: K=0 beta=0: C[%d] = %g", cur_kernel, i, C[i]);
    for (i = 0; i < 6; i++) C[i] = (float)i;
    bft_gemm(cur_prec, 1, 1, 2, 3, 0, 1.0f, A, 2, B, 1, 1.0f, C, 3);
    for (i = 0; i < 6; i++) CHECK(C[i] == (float)i, "%s: K=0 beta=1: C[%d] = %g", cur_kernel, i, C[i]);
    bft_gemm(cur_prec, 0, 1, 2, 3, 0, 1.0f, A, 1, B, 1, 0.5f, C, 3);
    for (i = 0; i < 6; i++) CHECK(C[i] == 0.5f * (float)i, "%s: K=0 beta=0.5: C[%d] = %g", cur_kernel, i, C[i]);
    bft_gemm(cur_prec, 0, 0, 2, 3, 1, 0.0f, A, 1, B, 3, 2.0f, C, 3);
    for (i = 0; i < 6; i++) CHECK(C[i] == (float)i, "%s: alpha=0: C[%d] = %g", cur_kernel, i, C[i]);
    bft_gemm(cur_prec, 0, 0, 0, 3, 1, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    bft_gemm(cur_prec, 0, 0, 2, 0, 1, 1.0f, A, 1, B, 1, 0.0f, C, 1);
    for (i = 0; i < 6; i++) CHECK(C[i] == (float)i, "%s: M or N = 0 wrote C[%d] = %g", cur_kernel, i, C[i]);
    bft_sgemm_ref(0, 0, 2, 3, 0, 1.0f, A, 1, B, 3, 0.0f, C, 3);
    for (i = 0; i < 6; i++) CHECK(C[i] == 0.0f, "ref: K=0 beta=0: C[%d] = %g", i, C[i]);
}

/* The same product with 1, 2 and 3 threads must be bitwise identical; so must products run from
   inside a parallel loop (one thread each) and the same products run alone. */
static void test_gemm_threads(void)
{
#ifdef _OPENMP
    static const int sh[][5] = { /* M, N, K, ta, tb */
        { 300, 200, 600, 0, 0 }, { 300, 200, 600, 0, 1 }, { 300, 200, 600, 1, 0 }, { 300, 200, 600, 1, 1 },
        { 16, 768, 300, 0, 1 },  { 5, 1000, 100, 1, 0 },  { 768, 64, 1000, 1, 0 }, { 400, 3100, 30, 0, 0 },
        /* attention's per-head products (T = 128 and a padded batch's T = 79): one thread takes
           them without the blocked driver (bft__gemm_small_avx512), two or three do not */
        { 128, 128, 64, 0, 1 },  { 128, 64, 128, 0, 0 },  { 128, 64, 128, 1, 0 },  { 79, 79, 64, 0, 1 },
        { 79, 64, 79, 0, 0 },    { 79, 64, 79, 1, 0 },    { 91, 45, 77, 1, 1 }
    };
    const int nsh = (int)(sizeof sh / sizeof sh[0]);
    int s, nt, saved = omp_get_max_threads();
    float *out[8];
    for (s = 0; s < nsh; s++) {
        prob p;
        size_t n;
        float *C1 = NULL;
        prob_init(&p, sh[s][3], sh[s][4], sh[s][0], sh[s][1], sh[s][2], 3, 1.0f, s % 2 ? 1.0f : 0.0f);
        n = (size_t)p.M * (size_t)p.ldc;
        for (nt = 1; nt <= 3; nt++) {
            float *C = (float *)malloc(n * sizeof(float));
            memcpy(C, p.C0, n * sizeof(float));
            omp_set_num_threads(nt);
            bft_gemm(cur_prec, p.ta, p.tb, p.M, p.N, p.K, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc);
            if (nt == 1) C1 = C;
            else {
                CHECK(memcmp(C, C1, n * sizeof(float)) == 0, "%s: %dx%dx%d ta=%d tb=%d: %d threads differ from 1",
                      cur_kernel, p.M, p.N, p.K, p.ta, p.tb, nt);
                free(C);
            }
        }
        omp_set_num_threads(saved);
        /* inside a parallel region: the call must run single-threaded and give the same bits */
        {
            int r;
            for (r = 0; r < 8; r++) {
                out[r] = (float *)malloc(n * sizeof(float));
                memcpy(out[r], p.C0, n * sizeof(float));
            }
#pragma omp parallel for num_threads(2) schedule(dynamic, 1)
            for (r = 0; r < 8; r++)
                bft_gemm(cur_prec, p.ta, p.tb, p.M, p.N, p.K, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, out[r], p.ldc);
            for (r = 0; r < 8; r++) {
                CHECK(memcmp(out[r], C1, n * sizeof(float)) == 0, "%s: %dx%dx%d: call %d inside a parallel loop differs",
                      cur_kernel, p.M, p.N, p.K, r);
                free(out[r]);
            }
        }
        prob_check(&p, 0, cur_kernel);
        free(C1);
        prob_free(&p);
    }
#endif
}

/* Thread count for the next products: 0 when nt > 1 cannot be had (no OpenMP). */
static int use_threads(int nt)
{
#ifdef _OPENMP
    omp_set_num_threads(nt);
    return 1;
#else
    return nt == 1;
#endif
}

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* The bias gradient summed while the dW product packs dY^T (bft__gemm_run's asum): for 1-3
   threads, when it is fused the sums must be bitwise those of a serial loop in k order (what the
   separate pass computes), unrounded in bf16; when it is not (the call returns 0), untouched.
   The product itself must stay right either way. */
static void test_gemm_lane_sums(void)
{
    static const int sh[][3] = { /* M, N, K (A transposed: K rows of M) */
        { 768, 200, 1100 }, { 100, 50, 301 }, { 2, 768, 4096 }, { 13, 40, 7 }, { 3000, 64, 80 }
    };
    int s, nt, fused_any = 0, saved = max_threads();
    for (s = 0; s < (int)(sizeof sh / sizeof sh[0]); s++) {
        prob p;
        size_t n;
        int i, k;
        float *want = (float *)malloc(sizeof(float) * (size_t)sh[s][0]);
        prob_init(&p, 1, 0, sh[s][0], sh[s][1], sh[s][2], s % 3, 1.0f, 1.0f);
        n = (size_t)p.M * (size_t)p.ldc;
        for (i = 0; i < p.M; i++) {
            want[i] = 0.5f * (float)(i % 7) - 1.0f; /* a running sum, as db accumulates */
            for (k = 0; k < p.K; k++) want[i] += p.A[(size_t)k * p.lda + i];
        }
        for (nt = 1; nt <= 3; nt++) {
            float *C = (float *)malloc(n * sizeof(float)), *sum = (float *)malloc(sizeof(float) * (size_t)p.M);
            int did, bad = -1;
            memcpy(C, p.C0, n * sizeof(float));
            for (i = 0; i < p.M; i++) sum[i] = 0.5f * (float)(i % 7) - 1.0f;
            if (!use_threads(nt)) { free(C); free(sum); break; }
            did = bft__gemm_run(cur_prec, 1, 0, p.M, p.N, p.K, 1.0f, p.A, p.lda, p.B, p.ldb, 1.0f, C, p.ldc, NULL, NULL, NULL, sum);
            fused_any |= did;
            for (i = 0; i < p.M && bad < 0; i++)
                if (did ? memcmp(&sum[i], &want[i], sizeof(float)) != 0 : sum[i] != 0.5f * (float)(i % 7) - 1.0f) bad = i;
            CHECK(bad < 0, "%s: %dx%dx%d, %d threads, fused %d: sum[%d] = %.9g, want %.9g", cur_kernel, p.M, p.N,
                  p.K, nt, did, bad, bad >= 0 ? sum[bad] : 0.0, bad >= 0 ? (did ? want[bad] : 0.5f * (float)(bad % 7) - 1.0f) : 0.0);
            for (i = 0; i < (int)n; i++) {
                const int r = i / p.ldc, c = i % p.ldc;
                if (c < p.N) {
                    const double tol = (p.K + 4) * (double)FLT_EPSILON * p.bound[(size_t)r * p.N + c] + 1e-30;
                    if (!(fabs(C[i] - p.ref[(size_t)r * p.N + c]) <= tol)) {
                        CHECK(0, "%s: %dx%dx%d with sums: C[%d,%d] wrong", cur_kernel, p.M, p.N, p.K, r, c);
                        break;
                    }
                }
            }
            free(C);
            free(sum);
        }
        use_threads(saved);
        free(want);
        prob_free(&p);
    }
    CHECK(fused_any, "%s: no shape took the fused sums", cur_kernel);
}

/* The bias the micro-kernels add as they write C (bft__gemm_run's bias, the linear layers'):
   bitwise the product followed by a separate + bias[j] pass, on full and edge tiles, with and
   without beta, for 1 and 2 threads. */
static void test_gemm_bias(void)
{
    static const int sh[][5] = { /* M, N, K, ta, tb */
        { 50, 70, 300, 0, 1 }, { 13, 33, 7, 0, 1 }, { 200, 100, 1100, 0, 0 }, { 1, 1, 1, 0, 1 }, { 77, 161, 64, 1, 1 }
    };
    int s, nt, saved = max_threads();
    for (s = 0; s < (int)(sizeof sh / sizeof sh[0]); s++) {
        prob p;
        size_t n;
        int i;
        float *bias;
        prob_init(&p, sh[s][3], sh[s][4], sh[s][0], sh[s][1], sh[s][2], s % 3, s == 2 ? 0.5f : 1.0f, s % 2 ? 1.0f : 0.0f);
        n = (size_t)p.M * (size_t)p.ldc;
        bias = (float *)malloc(sizeof(float) * (size_t)p.N);
        for (i = 0; i < p.N; i++) bias[i] = frand();
        for (nt = 1; nt <= 2; nt++) {
            float *C = (float *)malloc(n * sizeof(float)), *W = (float *)malloc(n * sizeof(float));
            size_t e;
            if (!use_threads(nt)) { free(C); free(W); break; }
            memcpy(C, p.C0, n * sizeof(float));
            memcpy(W, p.C0, n * sizeof(float));
            bft__gemm_run(cur_prec, p.ta, p.tb, p.M, p.N, p.K, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc, bias,
                          NULL, NULL, NULL);
            bft_gemm(cur_prec, p.ta, p.tb, p.M, p.N, p.K, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, W, p.ldc);
            for (e = 0; e < n; e++)
                if ((int)(e % (size_t)p.ldc) < p.N) W[e] += bias[e % (size_t)p.ldc];
            CHECK(memcmp(C, W, n * sizeof(float)) == 0, "%s: %dx%dx%d ta=%d tb=%d beta=%g, %d threads: C + bias differs from a separate bias pass",
                  cur_kernel, p.M, p.N, p.K, p.ta, p.tb, p.beta, nt);
            free(C);
            free(W);
        }
        use_threads(saved);
        free(bias);
        prob_free(&p);
    }
}

/* An epilogue whose result depends on where the tile is: a call at the wrong place, a missed
   one or a repeated one changes C. */
static void few_rows_epi(const void *ctx, float *c, size_t ldc, int r0, int c0, int mr, int nr)
{
    int i, j;
    (void)ctx;
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) c[(size_t)i * ldc + j] = c[(size_t)i * ldc + j] * 0.5f + 0.01f * (float)(r0 + i) - 0.001f * (float)(c0 + j);
}

/* Products of few rows (a short batch) take the small path on every thread count, their columns
   split between the threads (bft__gemm_small_thread): bitwise what the blocked driver gives, with
   a bias and an epilogue, K cut into the driver's slices (1600 > KC), every tile height. */
static void test_gemm_few_rows(void)
{
    /* K = 768 and 3072 with B's rows exactly K apart: the turned-around forward (transB) has its
       own tiles for those row strides (bft__gemm_small_xt), tried at M <= 16 and at 44 (groups of
       16, the last one partial) only; so are N = 112 and 100, where 8 and 16 rows take 48 columns
       at a time as far as they can (112: 32 + 48 + 32, or 64 + 48 split; 100: 48 + 48 + 4).
       20 and 256 rows take the usual small path, 28, 44 and 96 the turned-around one; 17, 19,
       21 and 22 rows the usual one in tiles of 9-11 rows too (8 + 9, 8 + 11, 9 + 12, 10 + 12). */
    static const int Ms[] = { 1, 5, 8, 12, 16, 17, 19, 20, 21, 22, 28, 44, 96, 256 }, Ns[] = { 33, 768, 112, 100 }, Ks[] = { 300, 1600, 768, 3072 };
    int mi, ni, ki, tb, nt, saved = max_threads(), n_case = 0;
    const int few = bft__gemm_few_rows;
    /* only the native AVX-512 kernels have the small path; elsewhere both runs are the driver's
       (and the big shapes cost minutes under qemu and the sanitizers) */
    if (strcmp(cur_kernel, "avx512") != 0 && strcmp(cur_kernel, "avx512bf16") != 0) return;
    for (mi = 0; mi < (int)(sizeof Ms / sizeof Ms[0]); mi++)
        for (ni = 0; ni < (Ms[mi] <= 16 || Ms[mi] == 44 ? 4 : 2); ni++)
            for (ki = 0; ki < (Ms[mi] <= 16 || Ms[mi] == 44 ? 4 : 2); ki++)
                for (tb = 0; tb < 2; tb++, n_case++) {
                    const int M = Ms[mi], N = Ns[ni], K = Ks[ki], lda = K + 3, ldb = (tb ? K : N) + (ki < 2), ldc = N + 2;
                    const float beta = n_case % 2 ? 1.0f : 0.0f;
                    float *A = operand(M, K, lda), *B = operand(tb ? N : K, tb ? K : N, ldb);
                    float *C0 = operand(M, N, ldc), *bias = operand(1, N, N), *ref = NULL;
                    const size_t n = (size_t)M * (size_t)ldc;
                    int blocked;
                    for (nt = 1; nt <= 2; nt++) {
                        if (!use_threads(nt)) break;
                        for (blocked = 1; blocked >= 0; blocked--) {
                            float *C = (float *)malloc(n * sizeof(float));
                            memcpy(C, C0, n * sizeof(float));
                            bft__gemm_few_rows = blocked ? 0 : few;
                            bft__gemm_run(cur_prec, 0, tb, M, N, K, 0.75f, A, lda, B, ldb, beta, C, ldc, n_case % 3 ? bias : NULL,
                                          n_case % 4 < 2 ? few_rows_epi : NULL, NULL, NULL);
                            if (!ref) ref = C;
                            else {
                                CHECK(memcmp(C, ref, n * sizeof(float)) == 0, "%s: %dx%dx%d tb=%d, %d threads, %s: differs from the blocked driver on 1 thread",
                                      cur_kernel, M, N, K, tb, nt, blocked ? "blocked" : "small path");
                                free(C);
                            }
                        }
                    }
                    bft__gemm_few_rows = few;
                    use_threads(saved);
                    free(A); free(B); free(C0); free(bias); free(ref);
                }
}

/* Weight gradients of few tokens (bft__gemm_dw_thread: dW += dY^T . x over at most 64 depths)
   against the blocked driver: C and the fused lane sums bitwise, on whole 8 x 48
   tiles and the edges, with alpha, beta, a bias, padded strides, on 1 and 2 threads. */
static void test_gemm_few_tokens_dw(void)
{
    static const int sh[][3] = { /* rows M, columns N, depth K */
        { 768, 768, 16 }, { 768, 3072, 16 }, { 13, 50, 5 }, { 8, 48, 1 }, { 100, 200, 32 }, { 21, 130, 31 },
        { 2304, 96, 3 }, { 7, 300, 16 }, { 64, 47, 16 }, { 40, 96, 33 }, { 24, 1024, 32 }, { 96, 144, 64 },
        { 43, 100, 57 }
    };
    const int depth = bft__gemm_dw_depth;
    int s, nt, saved = max_threads();
    /* elsewhere both runs are the driver's */
    if (!(strcmp(cur_kernel, "avx512") == 0 && cur_prec == BFT_FP32) && strcmp(cur_kernel, "avx512bf16") != 0) return;
    for (s = 0; s < (int)(sizeof sh / sizeof sh[0]); s++) {
        const int M = sh[s][0], N = sh[s][1], K = sh[s][2], pad = s % 3 == 2, sums = s % 4 < 2;
        const int lda = M + pad, ldb = N + 3 * pad, ldc = N + 2 * pad;
        const float alpha = s % 4 == 3 ? 0.75f : 1.0f, beta = s % 3 == 0 ? 1.0f : s % 3 == 1 ? 0.0f : 0.5f;
        float *A = operand(K, M, lda), *B = operand(K, N, ldb), *C0 = operand(M, N, ldc), *bias = operand(1, N, N);
        float *ref = NULL, *want = (float *)malloc(sizeof(float) * (size_t)M);
        const size_t n = (size_t)M * (size_t)ldc;
        int driver, i, k;
        for (i = 0; i < M; i++) { /* the serial sums in k order, onto a running value */
            want[i] = 0.25f * (float)(i % 5);
            for (k = 0; k < K; k++) want[i] += A[(size_t)k * lda + i];
        }
        for (nt = 1; nt <= 2; nt++) {
            if (!use_threads(nt)) break;
            for (driver = 1; driver >= 0; driver--) {
                float *C = (float *)malloc(n * sizeof(float)), *sum = (float *)malloc(sizeof(float) * (size_t)M);
                int did, bad = -1;
                memcpy(C, C0, n * sizeof(float));
                for (i = 0; i < M; i++) sum[i] = 0.25f * (float)(i % 5);
                bft__gemm_dw_depth = driver ? 0 : depth;
                did = bft__gemm_run(cur_prec, 1, 0, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, s % 2 ? bias : NULL,
                                    NULL, NULL, sums ? sum : NULL);
                bft__gemm_dw_depth = depth;
                for (i = 0; i < M && bad < 0; i++)
                    if (did ? memcmp(&sum[i], &want[i], sizeof(float)) != 0 : sum[i] != 0.25f * (float)(i % 5)) bad = i;
                CHECK(bad < 0, "%s: dW %dx%dx%d, %d threads, %s: lane sum %d wrong (fused %d)", cur_kernel, M, N, K, nt,
                      driver ? "driver" : "few-token path", bad, did);
                CHECK(driver || !sums || did || !bft__gemm_dw_takes(K) || M < 8 || N < 48,
                      "%s: dW %dx%dx%d: the few-token path did not sum the lanes", cur_kernel, M, N, K);
                if (!ref) { ref = C; free(sum); continue; }
                CHECK(memcmp(C, ref, n * sizeof(float)) == 0, "%s: dW %dx%dx%d, %d threads, %s: C differs from the driver on 1 thread",
                      cur_kernel, M, N, K, nt, driver ? "driver" : "few-token path");
                free(C);
                free(sum);
            }
        }
        use_threads(saved);
        free(A); free(B); free(C0); free(bias); free(ref); free(want);
    }
}

/* A B packed beforehand as bf16 pairs (bft__gemm_pk_pack, bft_model_pack_bf16's weights): the
   small path (M <= 256) and the blocked driver read it in place of packing B, and must give
   bitwise what they give from the fp32 B, for both op(B), K over several slices (KC = 1024),
   N over two panels (NC = 3072), columns past a whole sliver, padded strides, a bias, an epilogue, on 1 and 2 threads. One
   changed word of the pack must change C (it is read). Where the bf16-pair kernel does not run
   the product, nothing is packed and a pack passed in is ignored. */
static void test_gemm_packed_b(void)
{
    static const int Ms[] = { 1, 5, 16, 40, 256, 300, 700 }, Ns[] = { 2, 33, 768, 3100 }, Ks[] = { 7, 64, 1025, 2100, 3072 };
    const int native = strcmp(cur_kernel, "avx512bf16") == 0;
    int mi, ni, ki, tb, nt, saved = max_threads(), n_case = 0;
    if (cur_prec != BFT_BF16) return;
    for (mi = 0; mi < 7; mi++)
        for (ni = 0; ni < 4; ni++)
            for (ki = 0; ki < 5; ki++)
                for (tb = 0; tb < 2; tb++, n_case++) {
                    const int M = Ms[mi], N = Ns[ni], K = Ks[ki], lda = K + 1, ldb = (tb ? K : N) + n_case % 3, ldc = N + 2;
                    float *A, *B, *C0, *bias, *pk, *ref = NULL;
                    size_t n = (size_t)M * (size_t)ldc, np = bft__gemm_pk_size(N, K), i;
                    /* a sample of the big ones; elsewhere (scalar kernels, qemu, sanitizers) small ones only */
                    if ((n_case % 5 != 0 && (ki > 2 || mi > 4 || ni == 3)) || (!native && (double)M * N * K > 4e6)) continue;
                    A = operand(M, K, lda); B = operand(tb ? N : K, tb ? K : N, ldb);
                    C0 = operand(M, N, ldc); bias = operand(1, N, N);
                    pk = (float *)malloc(np * sizeof(float));
                    for (i = 0; i < np; i++) pk[i] = NAN;
                    CHECK(bft__gemm_pk_pack(tb, N, K, B, (size_t)ldb, pk) == native, "%s: %dx%d: packed %d", cur_kernel, N, K, !native);
                    for (nt = 1; nt <= 2; nt++) {
                        int packed;
                        if (!use_threads(nt)) break;
                        for (packed = 0; packed < 2; packed++) {
                            float *C = (float *)malloc(n * sizeof(float));
                            memcpy(C, C0, n * sizeof(float));
                            bft__gemm_run_pk(cur_prec, 0, tb, M, N, K, 0.75f, A, lda, B, ldb, packed ? pk : NULL, n_case % 2 ? 1.0f : 0.0f,
                                             C, ldc, n_case % 3 ? bias : NULL, n_case % 4 < 2 ? few_rows_epi : NULL, NULL, NULL);
                            if (!ref) { ref = C; continue; }
                            CHECK(memcmp(C, ref, n * sizeof(float)) == 0, "%s: %dx%dx%d tb=%d, %d threads, %s B: differs",
                                  cur_kernel, M, N, K, tb, nt, packed ? "packed" : "fp32");
                            if (packed && nt == 2 && native && n_case % 4 == 0) {
                                /* column 0's first pair in the last K slice (512 pairs a slice) changed: C must change */
                                const size_t w = (size_t)((K - 1) / 1024 * 512) * (size_t)((N + 31) / 32 * 32);
                                pk[w] = pk[w] == 1.0f ? 0.0f : 1.0f;
                                memcpy(C, C0, n * sizeof(float));
                                bft__gemm_run_pk(cur_prec, 0, tb, M, N, K, 0.75f, A, lda, B, ldb, pk, n_case % 2 ? 1.0f : 0.0f,
                                                 C, ldc, n_case % 3 ? bias : NULL, n_case % 4 < 2 ? few_rows_epi : NULL, NULL, NULL);
                                CHECK(memcmp(C, ref, n * sizeof(float)) != 0, "%s: %dx%dx%d tb=%d: the pack was not read",
                                      cur_kernel, M, N, K, tb);
                                bft__gemm_pk_pack(tb, N, K, B, (size_t)ldb, pk);
                            }
                            free(C);
                        }
                    }
                    use_threads(saved);
                    free(A); free(B); free(C0); free(bias); free(pk); free(ref);
                }
}

/* The reference itself (used as the fallback when packing buffers cannot be allocated). */
static void test_gemm_reference(void)
{
    static const int sh[][3] = { { 1, 1, 1 }, { 7, 15, 17 }, { 33, 2, 65 }, { 64, 129, 7 } };
    int s, t, n = 0;
    for (s = 0; s < 4; s++)
        for (t = 0; t < 4; t++, n++) {
            prob p;
            prob_init(&p, t & 1, t >> 1, sh[s][0], sh[s][1], sh[s][2], n % 2 * 4, alphas[n % 5], betas[n % 5]);
            prob_check(&p, 1, "ref");
            prob_free(&p);
        }
}

static void test_gemm_kernel_selection(void)
{
    const char *const *names = bft_gemm_kernels();
    int i;
    CHECK(names && names[0], "bft_gemm_kernels() is empty");
    if (!names || !names[0]) return;
    const char *best_fp32 = NULL;
    for (i = 0; names[i]; i++) {
        CHECK_OK(bft_gemm_set_kernel(names[i]));
        if (strstr(names[i], "bf16")) { /* serves bf16 products only: fp32 stays automatic */
            CHECK(bft_gemm_native_bf16() == 1, "set %s, but bf16 products are not native", names[i]);
            CHECK(strstr(bft_gemm_kernel(), "bf16") == NULL, "fp32 products use %s", bft_gemm_kernel());
            continue;
        }
        if (!best_fp32) best_fp32 = names[i];
        CHECK(strcmp(bft_gemm_kernel(), names[i]) == 0, "set %s, got %s", names[i], bft_gemm_kernel());
        CHECK(bft_gemm_native_bf16() == 0, "forced %s, yet bf16 products are native", names[i]);
    }
    CHECK(strcmp(names[i - 1], "scalar") == 0, "the portable kernel is missing from the list");
    CHECK(bft_gemm_set_kernel("nonexistent") == BFT_ERR_UNSUPPORTED, "unknown kernel accepted");
    CHECK(strlen(bft_last_error()) > 0, "no message for an unknown kernel");
    CHECK(strcmp(bft_gemm_kernel(), names[i - 1]) == 0, "a failed set changed the kernel");
    CHECK_OK(bft_gemm_set_kernel(NULL));
    CHECK(best_fp32 && strcmp(bft_gemm_kernel(), best_fp32) == 0, "auto picked %s, best is %s", bft_gemm_kernel(),
          best_fp32 ? best_fp32 : "?");
#if defined(__x86_64__) && !defined(BERTFT_NO_SIMD)
    if (__builtin_cpu_supports("avx512f"))
        CHECK(best_fp32 && strcmp(best_fp32, "avx512") == 0, "CPU has AVX-512 but the best kernel is %s", best_fp32);
    CHECK(bft_gemm_native_bf16() == (__builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw")),
          "native bf16 products: %d, CPU flag says otherwise", bft_gemm_native_bf16());
    if (bft_gemm_native_bf16()) CHECK(strcmp(names[0], "avx512bf16") == 0, "bf16 kernel not listed first");
#endif
#if defined(__aarch64__) && !defined(BERTFT_NO_SIMD)
    CHECK(strcmp(names[0], "neon") == 0, "aarch64 without the neon kernel");
#endif
}

/* bft_round_bf16: what VCVTNEPS2BF16 does to one value, and a product that shows the rounding. */
static void test_gemm_bf16_rounding(void)
{
    static const struct { uint32_t in, out; } cases[] = {
        { 0x3F800000u, 0x3F800000u }, /* 1 */
        { 0x3F808000u, 0x3F800000u }, /* 1 + 2^-8: tie, to even (down) */
        { 0x3F818000u, 0x3F820000u }, /* 1 + 3 2^-8: tie, to even (up) */
        { 0x3F808001u, 0x3F810000u }, /* just above the tie: up */
        { 0xBF80FFFFu, 0xBF810000u }, /* negative: magnitude rounds */
        { 0x7F7FFFFFu, 0x7F800000u }, /* FLT_MAX rounds to infinity */
        { 0x7F800000u, 0x7F800000u }, /* inf */
        { 0x00400000u, 0x00000000u }, /* denormal: zero */
        { 0x80000001u, 0x80000000u }, /* negative denormal: -0 */
        { 0x00800000u, 0x00800000u }, /* smallest normal stays */
    };
    int i;
    float one = 1.0f, x = 1.0f + 1.0f / 512.0f, c = 0.0f, nan = NAN;
    for (i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        float f, r;
        uint32_t u;
        memcpy(&f, &cases[i].in, 4);
        r = bft_round_bf16(f);
        memcpy(&u, &r, 4);
        CHECK(u == cases[i].out, "bf16(0x%08x) = 0x%08x, want 0x%08x", (unsigned)cases[i].in, (unsigned)u,
              (unsigned)cases[i].out);
    }
    CHECK(isnan(bft_round_bf16(nan)), "NaN did not stay NaN");
    bft_gemm(BFT_BF16, 0, 0, 1, 1, 1, 1.0f, &x, 1, &one, 1, 0.0f, &c, 1);
    CHECK(c == 1.0f, "bf16 product of 1 + 2^-9 and 1 gave %.9g, want 1 (operand rounded)", c);
    bft_gemm(BFT_FP32, 0, 0, 1, 1, 1, 1.0f, &x, 1, &one, 1, 0.0f, &c, 1);
    CHECK(c == x, "fp32 product changed the operand: %.9g", c);
}

static char test_name_buf[96];
#define RUN_KERNEL_TEST(fn, kname)                                                         \
    do {                                                                                   \
        snprintf(test_name_buf, sizeof test_name_buf, "%s[%s]", #fn, kname);               \
        bft_t_name = test_name_buf;                                                        \
        bft_t_failures_now = 0;                                                            \
        fn();                                                                              \
        if (bft_t_failures_now) { bft_t_fail++; printf("FAIL %s\n", test_name_buf); }     \
        else { bft_t_pass++; printf("ok %s\n", test_name_buf); }                         \
        fflush(stdout);                                                                    \
    } while (0)

int main(void)
{
    const char *const *names = bft_gemm_kernels();
    int i;
    printf("# gemm kernels:");
    for (i = 0; names[i]; i++) printf(" %s", names[i]);
    printf(" (auto: %s)\n", bft_gemm_kernel());
    RUN_TEST(test_gemm_kernel_selection);
    RUN_TEST(test_gemm_reference);
    RUN_TEST(test_gemm_bf16_rounding);
    for (i = 0; names[i]; i++) {
        int prec;
        if (bft_gemm_set_kernel(names[i]) != BFT_OK) { printf("FAIL set kernel %s\n", names[i]); bft_t_fail++; continue; }
        /* fp32 products, then bf16 ones (native for a bf16 kernel, emulated for the others) */
        for (prec = strstr(names[i], "bf16") ? 1 : 0; prec < 2; prec++) {
            char kname[48];
            snprintf(kname, sizeof kname, "%s%s", names[i], prec && !strstr(names[i], "bf16") ? "/bf16" : "");
            cur_kernel = kname;
            cur_prec = prec ? BFT_BF16 : BFT_FP32;
            RUN_KERNEL_TEST(test_gemm_degenerate, kname);
            RUN_KERNEL_TEST(test_gemm_small_shapes, kname);
            RUN_KERNEL_TEST(test_gemm_big_shapes, kname);
            RUN_KERNEL_TEST(test_gemm_attention_strides, kname);
            RUN_KERNEL_TEST(test_gemm_threads, kname);
            RUN_KERNEL_TEST(test_gemm_lane_sums, kname);
            RUN_KERNEL_TEST(test_gemm_bias, kname);
            RUN_KERNEL_TEST(test_gemm_few_rows, kname);
            RUN_KERNEL_TEST(test_gemm_few_tokens_dw, kname);
            RUN_KERNEL_TEST(test_gemm_packed_b, kname);
        }
    }
    cur_prec = BFT_FP32;
    bft_gemm_set_kernel(NULL);
    free_small_shapes();
    TEST_MAIN_END();
}
