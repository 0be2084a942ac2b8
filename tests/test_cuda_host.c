/* bertft_cuda.h without a GPU: every kernel's host reference against bertft.h's CPU layers, then
   the whole device path (buffer layout, GEMM shapes, dropout keys, optimizer, trainer interface)
   run in emulation (BFT_CUDA_EMULATE: the references in place of the kernels) against the CPU
   model and the PyTorch fixtures.

   Built by `make test` as C99. Compiled by nvcc instead (tools/gpu_check.sh:
   nvcc -x cu tests/test_cuda_host.c), the same device tests also run on GPU 0, in FP32 and in
   TF32 math (the fixtures also in BF16), with the tolerances stated in gpu_tolerance(), plus a
   CPU-vs-GPU training run of BFT_CUDA_STEPS steps (default 30; gpu_check.sh asks for 200). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#define BERTFT_CUDA_IMPLEMENTATION
#include "../bertft_cuda.h"
#include "test.h"
#include "fixtures.h"

#define FIXTURES "tests/fixtures"
#ifndef BFT_T_OUT /* variant builds pass theirs ("build-arm64/trainer_run"): outputs go beside it */
#define T_OUT "build/trainer_run"
#else
#define T_OUT BFT_T_OUT
#endif
static const char *const cases[] = {"cls2", "cls3_bf16", "reg_f16", "pad_rows"};

/* The device under test and its tolerances (norm-wise relative errors). */
static int g_gpu = BFT_CUDA_EMULATE, g_math = BFT_CUDA_MATH_FP32;
typedef struct { double logits, grads, steps_loss, steps_weights, cpu_loss, cpu_weights, key_bias; } tol;
static tol gpu_tolerance(void)
{
    /* emulation and FP32: the CPU's tolerances against PyTorch (test_core.c); only summation
       order differs. TF32 rounds GEMM inputs to 10 mantissa bits (rel ~5e-4 per product), so
       errors of ~1e-3 per layer are expected and Adam amplifies them over steps. */
    tol e = {1e-5, 1e-4, 1e-4, 1e-4, 1e-5, 1e-4, 1e-5};
    tol t = {5e-3, 5e-2, 1e-2, 5e-2, 1e-2, 5e-2, 1e-4};
    tol f = {1e-5, 2e-4, 1e-4, 2e-4, 1e-5, 2e-4, 1e-5};
    /* bf16 inputs: 8 mantissa bits, ~4e-3 per product. key.bias's gradient, zero in exact math,
       is then the rounding of dK's column sums: 4e-5 to 1e-4 measured on an H100 */
    tol h = {3e-2, 2e-1, 5e-2, 2e-1, 5e-2, 2e-1, 5e-4};
    if (g_gpu == BFT_CUDA_EMULATE) return e;
    return g_math == BFT_CUDA_MATH_TF32 ? t : g_math == BFT_CUDA_MATH_BF16 ? h : f;
}
static const char *dev_label(void)
{
    return g_gpu == BFT_CUDA_EMULATE ? "emulation" : g_math == BFT_CUDA_MATH_TF32 ? "gpu-tf32"
           : g_math == BFT_CUDA_MATH_BF16 ? "gpu-bf16" : "gpu-fp32";
}

static uint64_t rs = 88172645463325252ull;
static float frand(void) /* uniform [-1, 1) */
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return (float)((rs >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}
static float *rvec(size_t n, float s)
{
    float *v = (float *)malloc(n * sizeof(float));
    size_t i;
    for (i = 0; i < n; i++) v[i] = frand() * s;
    return v;
}
static float *vdup(const float *x, size_t n)
{
    float *v = (float *)malloc(n * sizeof(float));
    memcpy(v, x, n * sizeof(float));
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* 1. Host references against the CPU layers                                                   */
/* ------------------------------------------------------------------------------------------ */
static void test_ref_embeddings(void)
{
    enum { B = 3, T = 7, C = 37, V = 11, TV = 2 };
    int32_t ids[B * T], types[B * T], rows[B * T], starts[B * T + 1], idx[B * T], scr[2 * B * T], pos[B * T];
    float *word = rvec(V * C, 1), *pe = rvec(T * C, 1), *te = rvec(TV * C, 1), *dout = rvec(B * T * C, 1);
    float a[B * T * C], b[B * T * C];
    float *gw1 = rvec(V * C, 1), *gp1 = rvec(T * C, 1), *gt1 = rvec(TV * C, 1);
    float *gw2 = vdup(gw1, V * C), *gp2 = vdup(gp1, T * C), *gt2 = vdup(gt1, TV * C);
    int i, n, pad = 0;
    for (i = 0; i < B * T; i++) { ids[i] = (i * 5 + i / 3) % V; types[i] = (i / 4) % TV; pos[i] = i % T; }
    ids[3] = ids[9] = pad; /* padding tokens: no word-embedding gradient */
    bft__embed_fwd(a, ids, types, word, pe, te, B, T, C);
    bft_cuda_ref_embed_fwd(b, ids, types, word, pe, te, B * T, T, C);
    CHECK(memcmp(a, b, sizeof a) == 0, "embed_fwd differs");
    bft__embed_bwd(gw1, gp1, gt1, dout, ids, types, B, T, C, pad);
    n = bft_cuda_ref_segments(rows, starts, idx, ids, B * T, pad, scr);
    {
        int kept = 0;
        for (i = 0; i < B * T; i++) kept += ids[i] != pad;
        CHECK(starts[n] == kept && kept < B * T - 1, "segments hold %d tokens, expected %d", starts[n], kept);
    }
    for (i = 1; i < starts[n]; i++)
        CHECK(ids[idx[i - 1]] < ids[idx[i]] || (ids[idx[i - 1]] == ids[idx[i]] && idx[i - 1] < idx[i]), "segment order");
    bft_cuda_ref_segsum(gw2, dout, rows, starts, idx, n, C);
    n = bft_cuda_ref_segments(rows, starts, idx, pos, B * T, -1, scr);
    bft_cuda_ref_segsum(gp2, dout, rows, starts, idx, n, C);
    n = bft_cuda_ref_segments(rows, starts, idx, types, B * T, -1, scr);
    bft_cuda_ref_segsum(gt2, dout, rows, starts, idx, n, C);
    /* the same additions in the same order: bitwise equal */
    CHECK(memcmp(gw1, gw2, V * C * sizeof(float)) == 0, "word embedding gradient differs");
    CHECK(memcmp(gp1, gp2, T * C * sizeof(float)) == 0, "position embedding gradient differs");
    CHECK(memcmp(gt1, gt2, TV * C * sizeof(float)) == 0, "type embedding gradient differs");
    free(word); free(pe); free(te); free(dout); free(gw1); free(gp1); free(gt1); free(gw2); free(gp2); free(gt2);
}

static void test_ref_layernorm(void)
{
    int sizes[3][2] = {{5, 20}, {64 * 2 + 3, 37}, {9, 768}}, s;
    for (s = 0; s < 3; s++) {
        int N = sizes[s][0], C = sizes[s][1], nch = (N + BFT_CUDA_ROWS - 1) / BFT_CUDA_ROWS;
        float *x = rvec((size_t)N * C, 3), *w = rvec(C, 1), *b = rvec(C, 1), *d = rvec((size_t)N * C, 1);
        float *o1 = rvec((size_t)N * C, 1), *o2 = rvec((size_t)N * C, 1), m1[200], r1[200], m2[200], r2[200];
        float *dx1 = rvec((size_t)N * C, 1), *dx2 = rvec((size_t)N * C, 1), *part = rvec(2 * (size_t)nch * C, 1);
        float *dw1 = rvec(C, 1), *db1 = rvec(C, 1), *dw2 = vdup(dw1, C), *db2 = vdup(db1, C);
        double ma;
        int i;
        for (i = 0; i < C; i++) x[i] += 100.0f; /* a row with a large mean: two-pass variance needed */
        bft__layernorm_fwd(o1, m1, r1, x, NULL, w, b, N, C, 1e-12f);
        bft_cuda_ref_layernorm_fwd(o2, m2, r2, x, w, b, N, C, 1e-12f);
        CHECK(normrel(o2, o1, (size_t)N * C, &ma) < 1e-5, "N %d C %d: layernorm out rel %.3e", N, C, normrel(o2, o1, (size_t)N * C, NULL));
        CHECK(normrel(r2, r1, N, NULL) < 1e-5 && normrel(m2, m1, N, NULL) < 1e-6, "N %d C %d: mean/rstd", N, C);
        float *lnp = rvec(bft__ln_part_floats(N, C), 1);
        bft__layernorm_bwd(dx1, dw1, db1, d, x, m1, r1, w, N, C, lnp);
        free(lnp);
        bft_cuda_ref_layernorm_bwd_dx(dx2, d, x, m2, r2, w, N, C);
        bft_cuda_ref_colsum(db2, dw2, part, d, x, m2, r2, N, C);
        CHECK(normrel(dx2, dx1, (size_t)N * C, NULL) < 1e-5, "N %d C %d: dx rel %.3e", N, C, normrel(dx2, dx1, (size_t)N * C, NULL));
        CHECK(normrel(dw2, dw1, C, NULL) < 1e-5, "N %d C %d: dw rel %.3e", N, C, normrel(dw2, dw1, C, NULL));
        CHECK(normrel(db2, db1, C, NULL) < 1e-6, "N %d C %d: db rel %.3e", N, C, normrel(db2, db1, C, NULL));
        free(x); free(w); free(b); free(d); free(o1); free(o2); free(dx1); free(dx2); free(part);
        free(dw1); free(db1); free(dw2); free(db2);
    }
}

static void test_ref_linear_gelu_dropout(void)
{
    enum { N = 70, IC = 13, OC = 29 };
    int nch = (N + BFT_CUDA_ROWS - 1) / BFT_CUDA_ROWS;
    float *x = rvec(N * IC, 2), *W = rvec(OC * IC, 1), *b = rvec(OC, 1), *d = rvec(N * OC, 1);
    float o1[N * OC], o2[N * OC], act1[N * OC], act2[N * OC], g1[N * OC], g2[N * OC], *part = rvec(2 * nch * OC, 1);
    float *dW = rvec(OC * IC, 1), *db1 = rvec(OC, 1), *db2 = vdup(db1, OC), *res = rvec(N * OC, 1);
    uint64_t key = 0x1234567887654321ull;
    float p = 0.3f;
    int i;
    /* bias + GELU against linear_fwd (bias inside) + gelu_fwd */
    bft__linear_fwd(BFT_FP32, o1, x, W, NULL, b, N, IC, OC);
    bft__gelu_fwd(act1, o1, N * OC);
    bft__linear_fwd(BFT_FP32, o2, x, W, NULL, NULL, N, IC, OC);
    bft_cuda_ref_bias_gelu(o2, act2, b, N, OC);
    /* the device's GELU uses erff/expf, the CPU its own erfc: ~2e-7 apart */
    CHECK(memcmp(o1, o2, sizeof o1) == 0, "bias differs");
    CHECK(normrel(act2, act1, N * OC, NULL) < 1e-6, "gelu rel %.3e", normrel(act2, act1, N * OC, NULL));
    bft__gelu_bwd(g1, o1, d, N * OC);
    bft_cuda_ref_gelu_bwd(g2, o1, d, N * OC);
    CHECK(normrel(g2, g1, N * OC, NULL) < 1e-6, "gelu backward rel %.3e", normrel(g2, g1, N * OC, NULL));
    bft_cuda_ref_bias(o2, b, N, OC);
    bft__linear_bwd(BFT_FP32, NULL, 0.0f, dW, db1, d, x, W, N, IC, OC);
    bft_cuda_ref_colsum(db2, NULL, part, d, NULL, NULL, NULL, N, OC);
    CHECK(normrel(db2, db1, OC, NULL) < 1e-6, "bias gradient rel %.3e", normrel(db2, db1, OC, NULL));
    /* dropout: the CPU's mask from the same key, bit for bit */
    memcpy(g1, d, sizeof g1);
    bft__dropout(g1, N * OC, p, key, 0);
    bft_cuda_ref_dropout(g2, d, key, p, N * OC);
    CHECK(memcmp(g1, g2, sizeof g1) == 0, "dropout differs from bft__dropout_mask/apply");
    for (i = 0; i < 100000; i += 7)
        CHECK(bft_cuda__hash(key + i, (uint32_t)i * 977u) == bft__drop_hash(key + i, (uint32_t)i * 977u), "hash %d", i);
    CHECK(bft_cuda__thr(0.1f) == bft__drop_threshold(0.1f) && bft_cuda__thr(0.999999f) == bft__drop_threshold(0.999999f),
          "dropout threshold differs");
    bft_cuda_ref_dropout(g2, d, key, 0.0f, N * OC);
    CHECK(memcmp(g2, d, sizeof g2) == 0, "p = 0 is not the identity");
    /* bias + dropout + residual: the CPU's sequence linear_fwd, dropout_apply, += residual */
    bft__linear_fwd(BFT_FP32, o1, x, W, NULL, b, N, IC, OC);
    bft__dropout(o1, N * OC, p, key, 0);
    for (i = 0; i < N * OC; i++) o1[i] += res[i];
    bft__linear_fwd(BFT_FP32, o2, x, W, NULL, NULL, N, IC, OC);
    bft_cuda_ref_bias_dropout_residual(o2, b, res, key, p, N, OC);
    CHECK(memcmp(o1, o2, sizeof o1) == 0, "bias + dropout + residual differs");
    /* pooler backward: dropout then tanh' */
    memcpy(g1, d, sizeof g1);
    bft__dropout(g1, N * OC, p, key, 0);
    for (i = 0; i < N * OC; i++) g1[i] *= 1.0f - act1[i] * act1[i];
    memcpy(g2, d, sizeof g2);
    bft_cuda_ref_pooler_bwd(g2, act1, key, p, N * OC);
    CHECK(memcmp(g1, g2, sizeof g1) == 0, "pooler backward differs");
    free(x); free(W); free(b); free(d); free(part); free(dW); free(db1); free(db2); free(res);
}

/* The device's attention (permute, batched GEMMs, softmax kernels) against bft__attention_*_one. */
static void attention_case(int B, int T, int H, int D, float p)
{
    int C = H * D, N = B * T, bh, i;
    size_t NC = (size_t)N * C, TT = (size_t)T * T, TD = (size_t)T * D;
    float *qkv = rvec(3 * NC, 1.5f), *dctx = rvec(NC, 1), *ctx1 = rvec(NC, 1), *ctx2 = rvec(NC, 1);
    float *probs1 = rvec(B * H * TT, 1), *probs2 = rvec(B * H * TT, 1), *pd = rvec(B * H * TT, 1), *scr = rvec(3 * TT, 1);
    float *qkvp = rvec(3 * NC, 1), *headp = rvec(NC, 1), *dheadp = rvec(NC, 1), *dqkvp = rvec(3 * NC, 1);
    float *dqkv1 = rvec(3 * NC, 1), *dqkv2 = rvec(3 * NC, 1), *dp = rvec(B * H * TT, 1);
    int32_t *mask = (int32_t *)malloc(sizeof(int32_t) * N);
    uint64_t key = 0x7777123456789ull;
    float sc = 1.0f / sqrtf((float)D);
    for (i = 0; i < N; i++) mask[i] = (i % T) < T - (i / T) * 2;
    for (i = 0; i < T; i++) mask[(B - 1) * T + i] = 0; /* last row: no valid key -> uniform */
    for (bh = 0; bh < B * H; bh++) {
        int bi = bh / H, h = bh % H;
        const float *q = qkv + (size_t)bi * T * 3 * C + (size_t)h * D;
        bft__attention_fwd_one(BFT_FP32, ctx1 + (size_t)bi * T * C + (size_t)h * D, C, probs1 + bh * TT, scr, q, q + C, q + 2 * C,
                               3 * C, mask + (size_t)bi * T, key, bh * TT, p, T, T, D);
    }
    /* what bft_cuda__forward does */
    bft_cuda_ref_permute(qkvp, qkv, B, T, H, D, 3, 1);
    for (bh = 0; bh < B * H; bh++)
        bft_sgemm_ref(0, 1, T, T, D, sc, qkvp + bh * TD, D, qkvp + NC + bh * TD, D, 0.0f, probs2 + bh * TT, T);
    bft_cuda_ref_softmax_fwd(probs2, pd, mask, B, H, T, key, p);
    for (bh = 0; bh < B * H; bh++)
        bft_sgemm_ref(0, 0, T, D, T, 1.0f, (p > 0 ? pd : probs2) + bh * TT, T, qkvp + 2 * NC + bh * TD, D, 0.0f,
                      headp + bh * TD, D);
    bft_cuda_ref_permute(ctx2, headp, B, T, H, D, 1, 0);
    CHECK(normrel(probs2, probs1, B * H * TT, NULL) < 1e-6, "B%d T%d p%.1f: probs rel %.3e", B, T, p,
          normrel(probs2, probs1, B * H * TT, NULL));
    CHECK(normrel(ctx2, ctx1, NC, NULL) < 1e-5, "B%d T%d p%.1f: ctx rel %.3e", B, T, p, normrel(ctx2, ctx1, NC, NULL));
    {
        const float *u = probs2 + (size_t)((B - 1) * H) * TT; /* the fully masked row is uniform */
        CHECK(fabsf(u[0] - 1.0f / T) < 1e-7f && fabsf(u[T - 1] - 1.0f / T) < 1e-7f, "fully masked row not uniform");
    }
    /* backward */
    for (bh = 0; bh < B * H; bh++) {
        int bi = bh / H, h = bh % H;
        size_t qo = (size_t)bi * T * 3 * C + (size_t)h * D;
        bft__attention_bwd_one(BFT_FP32, dqkv1 + qo, dqkv1 + qo + C, dqkv1 + qo + 2 * C, dctx + (size_t)bi * T * C + (size_t)h * D, C,
                               probs1 + bh * TT, scr, scr + TT, qkv + qo, qkv + qo + C, qkv + qo + 2 * C, 3 * C,
                               key, bh * TT, p, T, T, D);
    }
    bft_cuda_ref_permute(dheadp, dctx, B, T, H, D, 1, 1);
    if (p > 0) bft_cuda_ref_dropout(pd, probs2, key, p, B * H * TT);
    for (bh = 0; bh < B * H; bh++) {
        bft_sgemm_ref(0, 1, T, T, D, 1.0f, dheadp + bh * TD, D, qkvp + 2 * NC + bh * TD, D, 0.0f, dp + bh * TT, T);
        bft_sgemm_ref(1, 0, T, D, T, 1.0f, (p > 0 ? pd : probs2) + bh * TT, T, dheadp + bh * TD, D, 0.0f,
                      dqkvp + 2 * NC + bh * TD, D);
    }
    bft_cuda_ref_softmax_bwd(dp, probs2, B, H, T, key, p);
    for (bh = 0; bh < B * H; bh++) {
        bft_sgemm_ref(0, 0, T, D, T, sc, dp + bh * TT, T, qkvp + NC + bh * TD, D, 0.0f, dqkvp + bh * TD, D);
        bft_sgemm_ref(1, 0, T, D, T, sc, dp + bh * TT, T, qkvp + bh * TD, D, 0.0f, dqkvp + NC + bh * TD, D);
    }
    bft_cuda_ref_permute(dqkv2, dqkvp, B, T, H, D, 3, 0);
    CHECK(normrel(dqkv2, dqkv1, 3 * NC, NULL) < 1e-5, "B%d T%d p%.1f: dqkv rel %.3e", B, T, p, normrel(dqkv2, dqkv1, 3 * NC, NULL));
    free(qkv); free(dctx); free(ctx1); free(ctx2); free(probs1); free(probs2); free(pd); free(scr); free(qkvp);
    free(headp); free(dheadp); free(dqkvp); free(dqkv1); free(dqkv2); free(dp); free(mask);
}

static void test_ref_attention(void)
{
    attention_case(3, 9, 2, 5, 0.0f);
    attention_case(2, 40, 3, 8, 0.1f); /* T > 32: several keys per lane */
}

static void test_ref_loss_clip_adamw(void)
{
    enum { n = 200000 }; /* more than one 65536 chunk */
    float *g = rvec(n, 1), *p1 = rvec(n, 1), *p2, *m2 = (float *)calloc(n, 4), *v2 = (float *)calloc(n, 4);
    double part[8], s = 0;
    size_t k, nch;
    uint8_t *dm = (uint8_t *)malloc(n);
    bft_model fake;
    bft_tensor_info ti[2];
    bft_adamw o;
    float lz[6] = {0.5f, -1, 2, 0.1f, 3, -2}, lab[3] = {1, -100, 0}, l1, l2, d1[6], d2[6];
    int step;
    /* sum of squares: the same chunks as bft_clip_grad_norm */
    nch = bft_cuda_ref_sumsq(part, g, n);
    for (k = 0; k < nch; k++) s += part[k];
    {
        double ref = 0;
        for (k = 0; k < n; k++) ref += (double)g[k] * g[k];
        CHECK(fabs(s - ref) < 1e-10 * ref, "sum of squares %.17g vs %.17g", s, ref);
    }
    /* AdamW over a flat buffer with a decay mask against bft_adamw_step's per-tensor groups */
    memset(&fake, 0, sizeof fake);
    memset(ti, 0, sizeof ti);
    ti[0].numel = 150000; ti[0].weight_decay = 1;
    ti[1].offset = 150000; ti[1].numel = n - 150000; ti[1].weight_decay = 0;
    for (k = 0; k < 2; k++) { ti[k].ndim = 1; ti[k].shape[0] = (int64_t)ti[k].numel; ti[k].shape[1] = 1; ti[k].ld = 1; }
    fake.num_tensors = 2; fake.tensors = ti; fake.num_params = n; fake.params = p1; fake.grads = g;
    p2 = vdup(p1, n);
    for (k = 0; k < n; k++) dm[k] = k < 150000;
    CHECK_OK(bft_adamw_init(&o, &fake, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
    for (step = 1; step <= 3; step++) {
        double lr = 1e-3 * step;
        bft_adamw_step(&o, &fake, lr);
        /* the scalars as bft_adamw_step (and the device) form them: float hyper-parameters, double math */
        bft_cuda_ref_adamw(p2, m2, v2, g, dm, (float)(1.0 - lr * 0.01f), 0.9f, 0.999f,
                           (float)(lr / (1.0 - pow(0.9f, step))), (float)sqrt(1.0 - pow(0.999f, step)), 1e-8f, n);
    }
    CHECK(memcmp(p1, p2, n * sizeof(float)) == 0 && memcmp(o.m, m2, n * 4) == 0 && memcmp(o.v, v2, n * 4) == 0,
          "AdamW differs from bft_adamw_step");
    bft_adamw_free(&o);
    /* loss: cross-entropy with an ignored row, and MSE */
    bft_cuda_ref_loss(&l1, d1, lz, lab, 3, 2, 0);
    CHECK(fabsf(l1 - (float)((log(exp(0.5) + exp(-1.0)) + 1.0 + log(exp(3.0) + exp(-2.0)) - 3.0) / 2)) < 1e-6f,
          "cross-entropy %.8f", l1);
    CHECK(d1[2] == 0.0f && d1[3] == 0.0f, "ignored row got a gradient");
    bft_cuda_ref_loss(&l2, d2, lz, lz, 6, 1, 1);
    CHECK(l2 == 0.0f && d2[0] == 0.0f, "MSE of equal values");
    lab[0] = lab[1] = lab[2] = -100;
    bft_cuda_ref_loss(&l1, d1, lz, lab, 3, 2, 0);
    CHECK(l1 != l1, "all rows ignored: loss should be NaN, got %g", l1);
    free(g); free(p1); free(p2); free(m2); free(v2); free(dm);
}

/* ------------------------------------------------------------------------------------------ */
/* 2. The device path (emulated here, the GPU under nvcc) against PyTorch and the CPU          */
/* ------------------------------------------------------------------------------------------ */

static int open_device(bft_device *dev, bft_model *m, const bft_adamw *opt)
{
    bft_result r = bft_cuda_device_create(dev, m, opt, g_gpu);
    CHECK(r == BFT_OK, "bft_cuda_device_create(%d): %s", g_gpu, bft_last_error());
    if (r != BFT_OK) return 0;
    if (g_gpu != BFT_CUDA_EMULATE) CHECK_OK(bft_cuda_set_math(dev, g_math));
    return 1;
}

/* Forward + backward of each fixture's batch 0 on the device against PyTorch (as test_core.c).
   mixed_bf16's PyTorch model rounds every product's operands to bf16: emulated BF16 math must
   follow it as closely as FP32 math follows the fp32 fixtures, since only the order of fp32 sums
   differs (and, through it, the rounding of an element on a bf16 boundary). On a GPU this case
   has not run yet: its bounds there are unknown, so it runs in emulation only. */
static void test_device_fixtures_forward_backward(void)
{
    static const char *const all[] = {"cls2", "cls3_bf16", "reg_f16", "pad_rows", "mixed_bf16"};
    int c;
    for (c = 0; c < 5; c++) {
        tol tl = gpu_tolerance();
        char dir[256], path[300];
        bft_model *m;
        bft_st_file ref;
        bft_device dev;
        tbatch tb;
        double rel, worst = 0;
        int k;
        const char *name = all[c];
        if (c == 4 && g_gpu != BFT_CUDA_EMULATE) continue;
        snprintf(dir, sizeof dir, "%s/%s", FIXTURES, name);
        snprintf(path, sizeof path, "%s/reference.safetensors", dir);
        CHECK_OK(bft_model_from_pretrained(&m, dir, NULL, 1));
        CHECK_OK(bft_st_read(&ref, path));
        if (!open_device(&dev, m, NULL)) { bft_model_free(m); bft_st_free(&ref); continue; }
        if (c == 4) {
            tol f = {1e-5, 2e-4, 0, 0, 0, 0, 1e-5}; /* FP32's bounds */
            tl = f;
            CHECK_OK(bft_cuda_set_math(&dev, BFT_CUDA_MATH_BF16));
        }
        get_batch(&ref, "", 0, &tb);
        CHECK_OK(dev.zero_grad(dev.ctx, m));
        CHECK_OK(dev.forward(dev.ctx, m, &tb.b, 1));
        rel = normrel(m->logits, bft_st_get(&ref, "logits")->data, bft_st_get(&ref, "logits")->numel, NULL);
        CHECK(rel < tl.logits, "%s %s: logits rel %.3e", dev_label(), name, rel);
        rel = fabs(m->loss - bft_st_get(&ref, "loss")->data[0]) / fabs(bft_st_get(&ref, "loss")->data[0]);
        CHECK(rel < tl.logits, "%s %s: loss %.8f rel %.3e", dev_label(), name, m->loss, rel);
        CHECK_OK(dev.backward(dev.ctx, m, 1.0f));
        CHECK_OK(bft_cuda_grads_to_host(&dev, m));
        for (k = 0; k < m->num_tensors; k++) {
            char nm[128];
            const bft_st_tensor *g;
            double ma;
            snprintf(nm, sizeof nm, "grad.%s", m->tensors[k].name);
            g = bft_st_get(&ref, nm);
            if (!g) { CHECK(0, "missing %s", nm); continue; }
            rel = normrel(tvals(&m->tensors[k], m->grads), g->data, g->numel, &ma);
            if (strstr(m->tensors[k].name, "attention.self.key.bias")) { /* ~0 (softmax is shift-invariant) */
                CHECK(ma < tl.key_bias, "%s %s: %s max abs %.3e", dev_label(), name, nm, ma);
                continue;
            }
            if (rel > worst) worst = rel;
            CHECK(rel < tl.grads, "%s %s: %s rel %.3e", dev_label(), name, nm, rel);
        }
        printf("  %-9s %-10s forward+backward vs PyTorch: worst gradient rel %.2e\n", dev_label(), name, worst);
        bft_cuda_device_free(&dev);
        free_batch(&tb);
        bft_st_free(&ref);
        bft_model_free(m);
    }
}

/* The fixtures' ten Trainer steps (clip, AdamW with HF's groups, linear warmup) on the device. */
static void test_device_fixtures_training_steps(void)
{
    tol tl = gpu_tolerance();
    int c;
    for (c = 0; c < 4; c++) {
        char dir[256], path[300];
        bft_model *m;
        bft_st_file ref;
        bft_adamw opt;
        bft_device dev;
        const bft_st_tensor *hp, *sl, *sn;
        double worst = 0, worst_p = 0;
        int s, S, k;
        snprintf(dir, sizeof dir, "%s/%s", FIXTURES, cases[c]);
        snprintf(path, sizeof path, "%s/reference.safetensors", dir);
        CHECK_OK(bft_model_from_pretrained(&m, dir, NULL, 1));
        CHECK_OK(bft_st_read(&ref, path));
        hp = bft_st_get(&ref, "steps.hparams");
        sl = bft_st_get(&ref, "steps.loss");
        sn = bft_st_get(&ref, "steps.grad_norm");
        S = (int)hp->data[4];
        CHECK_OK(bft_adamw_init(&opt, m, hp->data[0], 0.9f, 0.999f, 1e-8f, hp->data[2]));
        if (!open_device(&dev, m, &opt)) { bft_adamw_free(&opt); bft_model_free(m); bft_st_free(&ref); continue; }
        for (s = 0; s < S; s++) {
            tbatch tb;
            float norm;
            double rel;
            get_batch(&ref, "steps.", s, &tb);
            CHECK_OK(dev.zero_grad(dev.ctx, m));
            CHECK_OK(dev.forward(dev.ctx, m, &tb.b, 1));
            CHECK_OK(dev.backward(dev.ctx, m, 1.0f));
            CHECK_OK(dev.clip_grad_norm(dev.ctx, m, hp->data[3], &norm));
            CHECK_OK(dev.adamw_step(dev.ctx, m, &opt, bft_lr_at(BFT_SCHED_LINEAR, hp->data[0], s, (int64_t)hp->data[1], S)));
            rel = fabs(m->loss - sl->data[s]) / fabs(sl->data[s]);
            if (rel > worst) worst = rel;
            CHECK(rel < tl.steps_loss, "%s %s step %d: loss %.7f vs %.7f", dev_label(), cases[c], s, m->loss, sl->data[s]);
            CHECK(fabs(norm - sn->data[s]) <= 10 * tl.steps_loss * sn->data[s], "%s %s step %d: grad norm %.7g vs %.7g",
                  dev_label(), cases[c], s, norm, sn->data[s]);
            free_batch(&tb);
        }
        CHECK(opt.step == S, "optimizer step count %d, expected %d", (int)opt.step, S);
        CHECK_OK(dev.to_host(dev.ctx, m, &opt));
        for (k = 0; k < m->num_tensors; k++) {
            char nm[128];
            const bft_st_tensor *f;
            double rel;
            snprintf(nm, sizeof nm, "final.%s", m->tensors[k].name);
            if (!(f = bft_st_get(&ref, nm))) { CHECK(0, "missing %s", nm); continue; }
            if (strstr(m->tensors[k].name, "attention.self.key.bias")) continue; /* Adam on rounding noise */
            rel = normrel(tvals(&m->tensors[k], m->params), f->data, f->numel, NULL);
            if (rel > worst_p) worst_p = rel;
            CHECK(rel < tl.steps_weights, "%s %s: weights %s rel %.3e", dev_label(), cases[c], nm, rel);
        }
        printf("  %-9s %-10s %d steps vs PyTorch: worst loss rel %.2e, worst final-weight rel %.2e\n", dev_label(),
               cases[c], S, worst, worst_p);
        bft_cuda_device_free(&dev);
        bft_adamw_free(&opt);
        bft_st_free(&ref);
        bft_model_free(m);
    }
}

/* Dropout on, odd shapes (T > 32, padding, a fully masked row, pad tokens, gradient accumulation
   scale): the device against the CPU model step by step, same seed, so the same masks. */
static void test_device_vs_cpu_training(void)
{
    tol tl = gpu_tolerance();
    bft_config c;
    bft_model *cpu, *gm;
    bft_adamw oc, og;
    bft_device dev;
    const char *env = getenv("BFT_CUDA_STEPS");
    int steps = env ? atoi(env) : 30, s, i, B = 6, T = 37;
    int32_t *ids = (int32_t *)malloc(sizeof(int32_t) * B * T), *types = (int32_t *)malloc(sizeof(int32_t) * B * T);
    int32_t *mask = (int32_t *)malloc(sizeof(int32_t) * B * T);
    float labels[6], worst = 0, norm_c, norm_g;
    double rel;
    bft_config_default(&c);
    c.vocab_size = 97; c.hidden_size = 48; c.num_hidden_layers = 2; c.num_attention_heads = 3;
    c.intermediate_size = 80; c.max_position_embeddings = 64; c.num_labels = 3;
    c.hidden_dropout_prob = 0.1f; c.attention_probs_dropout_prob = 0.1f;
    CHECK_OK(bft_model_create(&cpu, &c, 5));
    CHECK_OK(bft_model_create(&gm, &c, 5));
    bft_model_seed(cpu, 9);
    bft_model_seed(gm, 9);
    CHECK_OK(bft_adamw_init(&oc, cpu, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
    CHECK_OK(bft_adamw_init(&og, gm, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
    if (!open_device(&dev, gm, &og)) goto done;
    for (s = 0; s < steps; s++) {
        int Tb = s % 3 == 2 ? 33 : T; /* the batch shape changes: buffers re-laid out */
        bft_batch b = {B, Tb, ids, types, mask, labels};
        double lr = 1e-3 * (1.0 - (double)s / steps);
        for (i = 0; i < B * Tb; i++) {
            int t = i % Tb, row = i / Tb, len = Tb - row * 5;
            ids[i] = t < len ? 1 + (int)((frand() + 1.0f) * 48) : 0; /* pad id 0 past the end */
            types[i] = t > len / 2;
            mask[i] = t < len;
        }
        for (i = 0; i < Tb; i++) mask[(B - 1) * Tb + i] = 0;
        for (i = 0; i < B; i++) labels[i] = (float)((s + i) % 3);
        labels[1] = -100.0f;
        /* two micro-batches of accumulation (scale 0.5), as the trainer does with GA = 2 */
        bft_zero_grad(cpu);
        CHECK_OK(dev.zero_grad(dev.ctx, gm));
        CHECK_OK(bft_forward(cpu, &b, 1));
        CHECK_OK(bft_backward_scaled(cpu, 0.5f));
        CHECK_OK(dev.forward(dev.ctx, gm, &b, 1));
        rel = fabs(gm->loss - cpu->loss) / fabs(cpu->loss);
        if (rel > worst) worst = (float)rel;
        CHECK(rel < tl.cpu_loss * (1 + s), "%s step %d: loss %.7f vs CPU %.7f", dev_label(), s, gm->loss, cpu->loss);
        CHECK_OK(dev.backward(dev.ctx, gm, 0.5f));
        CHECK_OK(bft_forward(cpu, &b, 1));
        CHECK_OK(bft_backward_scaled(cpu, 0.5f));
        CHECK_OK(dev.forward(dev.ctx, gm, &b, 1));
        CHECK_OK(dev.backward(dev.ctx, gm, 0.5f));
        if (s == 0) {
            CHECK_OK(bft_cuda_grads_to_host(&dev, gm));
            rel = normrel(gm->grads, cpu->grads, cpu->num_params, NULL);
            CHECK(rel < tl.grads, "%s: accumulated gradients rel %.3e", dev_label(), rel);
        }
        CHECK_OK(bft_clip_grad_norm(cpu, 1.0f, &norm_c));
        CHECK_OK(dev.clip_grad_norm(dev.ctx, gm, 1.0f, &norm_g));
        CHECK(fabs(norm_g - norm_c) <= tl.grads * norm_c * (1 + s), "%s step %d: grad norm %.7g vs %.7g", dev_label(), s,
              norm_g, norm_c);
        bft_adamw_step(&oc, cpu, lr);
        CHECK_OK(dev.adamw_step(dev.ctx, gm, &og, lr));
    }
    /* eval mode: no dropout, no keys drawn */
    {
        bft_batch b = {B, T, ids, types, mask, labels};
        uint64_t st[4];
        memcpy(st, gm->rng_state, sizeof st);
        CHECK_OK(dev.forward(dev.ctx, gm, &b, 0));
        CHECK(memcmp(st, gm->rng_state, sizeof st) == 0, "eval forward drew dropout keys");
        CHECK(dev.backward(dev.ctx, gm, 1.0f) == BFT_ERR_INVALID, "backward after an eval forward should fail");
    }
    CHECK_OK(dev.to_host(dev.ctx, gm, &og));
    rel = normrel(gm->params, cpu->params, cpu->num_params, NULL);
    CHECK(rel < tl.cpu_weights * (1 + steps / 10.0), "%s: weights after %d steps rel %.3e", dev_label(), steps, rel);
    CHECK(og.step == oc.step, "optimizer steps %d vs %d", (int)og.step, (int)oc.step);
    printf("  %-9s %d steps with dropout vs the CPU: worst loss rel %.2e, final weights rel %.2e, m rel %.2e\n",
           dev_label(), steps, worst, rel, normrel(og.m, oc.m, oc.n, NULL));
    bft_cuda_device_free(&dev);
done:
    bft_adamw_free(&oc); bft_adamw_free(&og);
    bft_model_free(cpu); bft_model_free(gm);
    free(ids); free(types); free(mask);
}

/* Errors: a batch outside the vocabulary is refused before anything runs, with the CPU's message. */
static void test_device_errors(void)
{
    bft_config c;
    bft_model *m;
    bft_device dev;
    int32_t ids[4] = {1, 2, 500, 3};
    float lab[2] = {0, 7};
    bft_batch b = {2, 2, ids, NULL, NULL, NULL};
    bft_config_default(&c);
    c.vocab_size = 50; c.hidden_size = 8; c.num_hidden_layers = 1; c.num_attention_heads = 2; c.intermediate_size = 8;
    CHECK_OK(bft_model_create(&m, &c, 1));
    if (!open_device(&dev, m, NULL)) { bft_model_free(m); return; }
    CHECK(dev.forward(dev.ctx, m, &b, 1) == BFT_ERR_INVALID && strstr(bft_last_error(), "outside the vocabulary"),
          "bad id: %s", bft_last_error());
    ids[2] = 4;
    b.labels = lab;
    CHECK(dev.forward(dev.ctx, m, &b, 1) == BFT_ERR_INVALID && strstr(bft_last_error(), "label of row 1"),
          "bad label: %s", bft_last_error());
    CHECK(dev.backward(dev.ctx, m, 1.0f) == BFT_ERR_INVALID, "backward without a forward");
    lab[1] = 1;
    CHECK_OK(dev.forward(dev.ctx, m, &b, 1));
    CHECK(m->loss == m->loss && m->has_loss, "no loss");
    CHECK(bft_cuda_memory_used(&dev) > m->num_params * 16, "memory accounting");
    bft_cuda_device_free(&dev);
#ifndef __CUDACC__
    CHECK(bft_cuda_device_create(&dev, m, NULL, 0) == BFT_ERR_UNSUPPORTED, "a GPU without nvcc");
    CHECK(bft_cuda_device_count() == 0, "GPUs without nvcc");
#endif
    bft_model_free(m);
}

/* The trainer with the device against the trainer on the CPU: same logged losses and weights. */
static void test_device_in_trainer(void)
{
    tol tl = gpu_tolerance();
    bft_config c;
    bft_model *m[2];
    bft_encoded e;
    bft_device dev;
    float labels[40];
    int i, run, n = 40;
    double loss[2];
    memset(&e, 0, sizeof e);
    e.n = n;
    e.offsets = (int64_t *)malloc(sizeof(int64_t) * (n + 1));
    e.input_ids = (int32_t *)malloc(sizeof(int32_t) * n * 24);
    e.token_type_ids = (int32_t *)malloc(sizeof(int32_t) * n * 24);
    e.offsets[0] = 0;
    for (i = 0; i < n; i++) {
        int len = 5 + (i * 7) % 19, k;
        for (k = 0; k < len; k++) {
            e.input_ids[e.offsets[i] + k] = k == 0 ? 2 : 3 + (i * 31 + k * 17) % 90;
            e.token_type_ids[e.offsets[i] + k] = k > len / 2;
        }
        e.offsets[i + 1] = e.offsets[i] + len;
        labels[i] = (float)((e.input_ids[e.offsets[i] + 1] + len) % 2);
    }
    bft_config_default(&c);
    c.vocab_size = 100; c.hidden_size = 32; c.num_hidden_layers = 2; c.num_attention_heads = 4;
    c.intermediate_size = 48; c.max_position_embeddings = 32;
    for (run = 0; run < 2; run++) {
        bft_trainer t;
        bft_train_args a;
        char out[128];
        CHECK_OK(bft_model_create(&m[run], &c, 3));
        bft_train_args_default(&a);
        snprintf(out, sizeof out, "%.*s/test_cuda_host_%s/%s", (int)(strrchr(T_OUT, '/') - T_OUT), T_OUT, dev_label(),
                 run ? "device" : "cpu");
        a.output_dir = out;
        a.per_device_train_batch_size = 8;
        a.gradient_accumulation_steps = 2;
        a.num_train_epochs = 2;
        a.learning_rate = 1e-3;
        a.warmup_steps = 1;
        a.weight_decay = 0.01;
        a.logging_steps = 1;
        a.save_strategy = BFT_STRATEGY_NO;
        a.report_to_tensorboard = 0;
        a.progress = 0;
        a.seed = 4;
        if (run == 1) {
            if (!open_device(&dev, m[run], NULL)) { bft_model_free(m[run]); m[run] = NULL; break; }
            a.device = &dev;
        }
        CHECK_OK(bft_trainer_init(&t, m[run], NULL, &a, NULL));
        CHECK_OK(bft_trainer_train(&t, &e, labels, NULL, NULL));
        CHECK_OK(bft_trainer_evaluate(&t, &e, labels, "eval", NULL, &loss[run], NULL));
        bft_trainer_free(&t);
        if (run == 1) bft_cuda_device_free(&dev);
    }
    if (m[0] && m[1]) {
        double rel = normrel(m[1]->params, m[0]->params, m[0]->num_params, NULL);
        CHECK(rel < tl.cpu_weights * 10, "%s trainer: final weights rel %.3e", dev_label(), rel);
        CHECK(fabs(loss[1] - loss[0]) < tl.cpu_loss * 10 * fabs(loss[0]), "%s trainer: eval loss %.7f vs %.7f",
              dev_label(), loss[1], loss[0]);
        printf("  %-9s trainer (GA 2, 2 epochs, dropout): final weights rel %.2e, eval loss %.6f vs CPU %.6f\n",
               dev_label(), rel, loss[1], loss[0]);
    }
    for (run = 0; run < 2; run++) if (m[run]) bft_model_free(m[run]);
    bft_encoded_free(&e);
}

#ifdef __CUDACC__
/* The math modes do what they say, on plain and batched products in every transpose:
   FP32 matches a double reference to fp32 rounding; BF16 matches the reference of the operands
   rounded to bf16 (the products of bf16 values are exact in fp32) and not the raw one; TF32
   lies between (10-bit operands). cuBLAS's own "FAST_16BF" compute type failed the BF16 check:
   it gave TF32's bits. */
static double relerr(const float *c, const double *r, size_t n)
{
    double num = 0, den = 0;
    size_t i;
    for (i = 0; i < n; i++) { num += (c[i] - r[i]) * (c[i] - r[i]); den += r[i] * r[i]; }
    return sqrt(num / den);
}
static void test_device_gemm_math(void)
{
    enum { M = 96, N = 80, K = 256, CNT = 3 };
    const size_t na = (size_t)CNT * M * K, nb = (size_t)CNT * K * N, nc = (size_t)CNT * M * N;
    float *A = rvec(na, 1), *B = rvec(nb, 1), *Ab = vdup(A, na), *Bb = vdup(B, nb), *C = (float *)malloc(nc * 4);
    double *raw = (double *)malloc(nc * 8), *rnd = (double *)malloc(nc * 8), e[3][2] = {{0}};
    float *dA = NULL, *dB = NULL, *dC = NULL;
    bft_config c;
    bft_model *m = NULL;
    bft_device dev;
    bft_cuda__ctx *X;
    int tA, tB, mode, cnt;
    size_t i;
    for (i = 0; i < na; i++) Ab[i] = bft_round_bf16(A[i]); /* nearest even, as __float2bfloat16_rn */
    for (i = 0; i < nb; i++) Bb[i] = bft_round_bf16(B[i]);
    bft_config_default(&c);
    c.vocab_size = 50; c.hidden_size = 16; c.num_hidden_layers = 1; c.num_attention_heads = 2;
    c.intermediate_size = 32; c.max_position_embeddings = 16;
    CHECK_OK(bft_model_create(&m, &c, 1));
    if (!m || !open_device(&dev, m, NULL)) goto done;
    X = (bft_cuda__ctx *)dev.ctx;
    CHECK_OK(bft_cuda__alloc(X, (void **)&dA, na * 4));
    CHECK_OK(bft_cuda__alloc(X, (void **)&dB, nb * 4));
    CHECK_OK(bft_cuda__alloc(X, (void **)&dC, nc * 4));
    CHECK_OK(bft_cuda__copy(X, dA, A, na * 4, 0));
    CHECK_OK(bft_cuda__copy(X, dB, B, nb * 4, 0));
    for (cnt = 1; cnt <= CNT; cnt += CNT - 1)
        for (tA = 0; tA < 2; tA++)
            for (tB = 0; tB < 2; tB++) {
                int lda = tA ? M : K, ldb = tB ? K : N, b, x, y, k;
                for (b = 0; b < cnt; b++)
                    for (x = 0; x < M; x++)
                        for (y = 0; y < N; y++) {
                            double s1 = 0, s2 = 0;
                            for (k = 0; k < K; k++) {
                                size_t ia = (size_t)b * M * K + (tA ? (size_t)k * lda + x : (size_t)x * lda + k);
                                size_t ib = (size_t)b * K * N + (tB ? (size_t)y * ldb + k : (size_t)k * ldb + y);
                                s1 += (double)A[ia] * B[ib];
                                s2 += (double)Ab[ia] * Bb[ib];
                            }
                            raw[((size_t)b * M + x) * N + y] = s1;
                            rnd[((size_t)b * M + x) * N + y] = s2;
                        }
                for (mode = 0; mode < 3; mode++) {
                    double r1, r2;
                    X->math = mode;
                    bft_cuda__gemm_batched(X, tA, tB, M, N, K, 1.0f, dA, lda, (size_t)M * K, dB, ldb, (size_t)K * N,
                                           0.0f, dC, N, (size_t)M * N, cnt);
                    CHECK_OK(bft_cuda__copy(X, C, dC, (size_t)cnt * M * N * 4, 1));
                    CHECK_OK(bft_cuda__sync(X, "gemm"));
                    r1 = relerr(C, raw, (size_t)cnt * M * N);
                    r2 = relerr(C, rnd, (size_t)cnt * M * N);
                    if (r1 > e[mode][0]) e[mode][0] = r1;
                    if (r2 > e[mode][1]) e[mode][1] = r2;
                    if (mode == BFT_CUDA_MATH_FP32)
                        CHECK(r1 < 1e-6, "FP32 product (count %d, tA %d, tB %d): rel %.3e", cnt, tA, tB, r1);
                    else if (mode == BFT_CUDA_MATH_TF32)
                        CHECK(r1 > 1e-6 && r1 < 5e-3 && r2 > 1e-4, "TF32 product (count %d, tA %d, tB %d): rel %.3e, "
                              "vs bf16 operands %.3e", cnt, tA, tB, r1, r2);
                    else
                        CHECK(r2 < 1e-6 && r1 > 1e-4, "BF16 product (count %d, tA %d, tB %d): rel %.3e to the bf16 "
                              "operands' product, %.3e to the fp32 one", cnt, tA, tB, r2, r1);
                }
            }
    X->math = g_math;
    printf("  gpu GEMM math: FP32 rel %.1e; TF32 rel %.1e; BF16 rel %.1e to the product of bf16-rounded operands "
           "(%.1e to the fp32 one)\n", e[0][0], e[1][0], e[2][1], e[2][0]);
    bft_cuda__release(X, dA); bft_cuda__release(X, dB); bft_cuda__release(X, dC);
    bft_cuda_device_free(&dev);
done:
    if (m) bft_model_free(m);
    free(A); free(B); free(Ab); free(Bb); free(C); free(raw); free(rnd);
}
#endif

static void run_device_tests(void)
{
    RUN_TEST(test_device_fixtures_forward_backward);
    RUN_TEST(test_device_fixtures_training_steps);
    RUN_TEST(test_device_vs_cpu_training);
    RUN_TEST(test_device_errors);
    RUN_TEST(test_device_in_trainer);
}

int main(void)
{
    RUN_TEST(test_ref_embeddings);
    RUN_TEST(test_ref_layernorm);
    RUN_TEST(test_ref_linear_gelu_dropout);
    RUN_TEST(test_ref_attention);
    RUN_TEST(test_ref_loss_clip_adamw);
    g_gpu = BFT_CUDA_EMULATE;
    run_device_tests();
#ifdef __CUDACC__
    if (bft_cuda_device_count() > 0) {
        g_gpu = 0;
        g_math = BFT_CUDA_MATH_FP32;
        printf("== GPU 0, FP32 math\n");
        RUN_TEST(test_device_gemm_math);
        run_device_tests();
        g_math = BFT_CUDA_MATH_TF32;
        printf("== GPU 0, TF32 math\n");
        run_device_tests();
        g_math = BFT_CUDA_MATH_BF16;
        printf("== GPU 0, BF16 tensor-core math (fp32 accumulation)\n");
        RUN_TEST(test_device_fixtures_forward_backward);
        RUN_TEST(test_device_fixtures_training_steps);
    } else {
        printf("FAIL gpu_tests: built with nvcc but no CUDA GPU is visible\n");
        bft_t_fail++;
    }
#endif
    TEST_MAIN_END();
}
