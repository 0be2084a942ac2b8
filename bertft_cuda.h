/* bertft_cuda.h - v0.1 - bertft.h's training steps on an NVIDIA GPU, device-resident.

   Do this:
      #define BERTFT_IMPLEMENTATION
      #include "bertft.h"
      #define BERTFT_CUDA_IMPLEMENTATION
      #include "bertft_cuda.h"
   in *one* file compiled by nvcc (a .cu file, or `nvcc -x cu`), link with -lcublas.
   bertft.h's implementation must come first, in the same file: the device code reuses its
   private helpers (error messages, the dropout generator, the tensor table), so that errors,
   dropout keys and parameter layout are the CPU's own, not copies that could drift.

   What it is
   ----------
   A bft_device (see bertft.h, section 10) whose steps run on the GPU, the way llm.c does it:
   weights, gradients, AdamW state and every activation stay in GPU memory for the whole run.
   Per step the host sends token ids, types, mask and labels (a few KB) and reads back the
   logits and the loss (and the gradient norm when clipping); nothing else crosses the bus.
   Offloading only the matrix products would copy every activation twice per layer, which on
   MRPC's small batches costs more than the CPU saves.

      forward   embeddings -> LayerNorm -> L x (fused QKV GEMM, attention, dense, LayerNorm,
                GEMM + bias + GELU, GEMM, LayerNorm) -> pooler -> classifier -> loss
      backward  the same in reverse; parameter gradients accumulate (+=) like loss.backward()
      optimizer clip_grad_norm_ (double sum of squares) and torch.optim.AdamW, one kernel

   Matrix products use cuBLAS with fp32 master weights and fp32 storage; the math mode picks
   TF32 tensor cores (default: what HF Trainer's --tf32 does), bf16 tensor cores with fp32
   accumulation (operands rounded to bf16 just before each product), or exact fp32
   (bft_cuda_set_math, or BERTFT_CUDA_MATH=tf32|bf16|fp32 in the environment). Activations
   stay fp32 in every mode (no bf16 activation storage). Emulation multiplies in fp32, or as
   bertft.h's bf16 products (the same rounding of the operands) in BF16 mode.

   Dropout uses the CPU's counter-based generator (a hash of (key, element index)) with keys
   drawn from the model's generator in the CPU's order, so a GPU run and a CPU run with the same
   seed drop exactly the same elements; only rounding differs.

   Determinism: every reduction runs in a fixed order (no atomics): the same inputs give the
   same bits on the same GPU and cuBLAS version.

   Host reference and emulation: every kernel has a plain C function beside it computing the
   same thing in the same order (bft_cuda_ref_*), and the whole device path can run with those
   functions in place of the kernels (gpu_index BFT_CUDA_EMULATE): "device" buffers are then
   host memory. That is how the orchestration (buffer layout, GEMM shapes, dropout keys, the
   trainer interface) is tested without a GPU (tests/test_cuda_host.c); compiled without nvcc
   this header provides only that.

   Example (error handling shortened):

      bft_device dev;
      bft_train_args a; bft_train_args_default(&a);
      if (bft_cuda_device_create(&dev, m, NULL, 0) != BFT_OK) { puts(bft_last_error()); return 1; }
      a.device = &dev;                  // the trainer now runs every step on GPU 0
      bft_trainer_init(&t, m, tok, &a, "mrpc");
      bft_trainer_train(&t, &train, train_labels, &dev_set, dev_labels);
      bft_trainer_free(&t);
      bft_cuda_device_free(&dev);

   Without the trainer: dev.forward(dev.ctx, m, &batch, 1), dev.backward(dev.ctx, m, 1.0f),
   dev.clip_grad_norm(...), dev.adamw_step(dev.ctx, m, &opt, lr), dev.to_host(dev.ctx, m, &opt)
   before bft_model_save.

   License: MIT or public domain (Unlicense), at the end of this file.
*/
#ifndef BERTFT_CUDA_H_INCLUDED
#define BERTFT_CUDA_H_INCLUDED

#include "bertft.h"

#ifndef BERTFT_CUDA_DEF
#ifdef BERTFT_STATIC
#define BERTFT_CUDA_DEF static
#elif defined(__cplusplus)
#define BERTFT_CUDA_DEF extern "C"
#else
#define BERTFT_CUDA_DEF extern
#endif
#endif

/* gpu_index for bft_cuda_device_create: run the device path on the host with the reference
   functions (tests; works in any build). */
#define BFT_CUDA_EMULATE (-1)

/* How cuBLAS multiplies (storage, master weights and everything outside GEMMs stay fp32):
   FP32 exact fp32 products; TF32 tensor cores with inputs rounded to 10 mantissa bits (the
   default, what HF's --tf32 does); BF16 tensor cores with inputs rounded to bfloat16 (8 bits),
   fp32 accumulation (each product's two operands are rounded into a bf16 scratch buffer first;
   no bf16 copy of the model is kept). */
enum { BFT_CUDA_MATH_FP32 = 0, BFT_CUDA_MATH_TF32 = 1, BFT_CUDA_MATH_BF16 = 2 };

/* Number of usable GPUs (0 when none, no driver, or built without nvcc). */
BERTFT_CUDA_DEF int bft_cuda_device_count(void);
/* A device for `m` on GPU `gpu_index` (or BFT_CUDA_EMULATE). Allocates weights, gradients and
   AdamW state on the GPU and uploads m->params and, when `opt` is not NULL, its moments.
   dev->name describes the GPU. The model must stay alive (and keep its config) while the
   device is used; m->logits points into the device's host buffer after each forward. */
BERTFT_CUDA_DEF bft_result bft_cuda_device_create(bft_device *dev, bft_model *m, const bft_adamw *opt, int gpu_index);
/* BFT_CUDA_MATH_TF32 (default), BFT_CUDA_MATH_FP32 or BFT_CUDA_MATH_BF16 for the matrix products
   (the environment variable BERTFT_CUDA_MATH=fp32|tf32|bf16 sets the default). */
BERTFT_CUDA_DEF bft_result bft_cuda_set_math(bft_device *dev, int mode);
/* Copy the device's gradients into m->grads (allocated when NULL): for tests and debugging. */
BERTFT_CUDA_DEF bft_result bft_cuda_grads_to_host(bft_device *dev, bft_model *m);
/* Bytes of GPU (or emulated) memory the device holds now. */
BERTFT_CUDA_DEF size_t bft_cuda_memory_used(const bft_device *dev);
BERTFT_CUDA_DEF void bft_cuda_device_free(bft_device *dev);

/* ------------------------------------------------------------------------------------------ */
/* Host references: each computes what the kernel of the same name computes, in its order.    */
/* Shapes as in bertft.h: N = B*T tokens, C hidden, H heads, D = C/H.                          */
/* Dropout arguments: key (drawn from the model's generator) and p; p <= 0 means none.        */
/* ------------------------------------------------------------------------------------------ */
/* out[N,C] = (word[ids] + type[types]) + pos[t] */
BERTFT_CUDA_DEF void bft_cuda_ref_embed_fwd(float *out, const int32_t *ids, const int32_t *types, const float *word,
                                            const float *pos, const float *type, int N, int T, int C);
/* Segmented sum: for each segment s, dst[rows[s], :] += src[idx[k], :] for k in
   [starts[s], starts[s+1]), in that order (the embedding tables' backward). */
BERTFT_CUDA_DEF void bft_cuda_ref_segsum(float *dst, const float *src, const int32_t *rows, const int32_t *starts,
                                         const int32_t *idx, int nseg, int C);
/* Segments for the embedding backward: group token indices 0..N-1 by key (keys[n]), in
   token order, skipping tokens whose key is `skip` (-1: none). Writes rows[nseg],
   starts[nseg+1], idx[<= N]; returns nseg. scratch: 2N ints. */
BERTFT_CUDA_DEF int bft_cuda_ref_segments(int32_t *rows, int32_t *starts, int32_t *idx, const int32_t *keys, int N,
                                          int skip, int32_t *scratch);
/* LayerNorm, one warp (32 lanes) per row: lane l sums elements l, l+32, ...; lanes combine
   by a butterfly. Two passes (mean, then squared deviations). */
BERTFT_CUDA_DEF void bft_cuda_ref_layernorm_fwd(float *out, float *mean, float *rstd, const float *x, const float *w,
                                                const float *b, int N, int C, float eps);
/* dx only (written); the weight/bias gradients are bft_cuda_ref_colsum's. */
BERTFT_CUDA_DEF void bft_cuda_ref_layernorm_bwd_dx(float *dx, const float *dout, const float *x, const float *mean,
                                                   const float *rstd, const float *w, int N, int C);
/* Column sums of a [N, C] matrix in chunks of BFT_CUDA_ROWS rows: da[c] += sum dout[n,c] and,
   when x is not NULL, db[c] += sum dout[n,c] * (x[n,c] - mean[n]) * rstd[n]. part: scratch of
   2 * ceil(N / BFT_CUDA_ROWS) * C floats. (bias gradients: da = db_bias; LayerNorm: da = its
   bias gradient, db = its weight gradient) */
#define BFT_CUDA_ROWS 64
BERTFT_CUDA_DEF void bft_cuda_ref_colsum(float *da, float *db, float *part, const float *dout, const float *x,
                                         const float *mean, const float *rstd, int N, int C);
/* out[n, c] += b[c] */
BERTFT_CUDA_DEF void bft_cuda_ref_bias(float *out, const float *b, int N, int C);
/* pre[n, c] += b[c]; act = gelu(pre) (erf form) */
BERTFT_CUDA_DEF void bft_cuda_ref_bias_gelu(float *pre, float *act, const float *b, int N, int C);
/* dx = dout * gelu'(x); dx may alias dout */
BERTFT_CUDA_DEF void bft_cuda_ref_gelu_bwd(float *dx, const float *x, const float *dout, size_t n);
/* y = dropout(y + b) + res, in place on y ([N, C]); the attention-output and FFN-output tails */
BERTFT_CUDA_DEF void bft_cuda_ref_bias_dropout_residual(float *y, const float *b, const float *res, uint64_t key, float p,
                                                        int N, int C);
/* dst = dropout(src) (dst may alias src); a plain copy when p <= 0 */
BERTFT_CUDA_DEF void bft_cuda_ref_dropout(float *dst, const float *src, uint64_t key, float p, size_t n);
/* [N, S*C] (S = 3 for q|k|v, 1 for ctx) <-> [S, B, H, T, D]; to_heads = 1 gathers into heads */
BERTFT_CUDA_DEF void bft_cuda_ref_permute(float *dst, const float *src, int B, int T, int H, int D, int S, int to_heads);
/* Softmax over keys of scaled scores s[B*H, T, T] in place (probs), with the key mask
   mask[B, T] and HF's semantics; pd = dropout(probs) when p > 0 (pd may be NULL otherwise).
   One warp per row, lane-strided partial sums. */
BERTFT_CUDA_DEF void bft_cuda_ref_softmax_fwd(float *s, float *pd, const int32_t *mask, int B, int H, int T, uint64_t key,
                                              float p);
/* dp[B*H, T, T]: in d(dropout(P)), out dS = P * (dP - rowsum(P * dP)), dP = dropout'(dp). */
BERTFT_CUDA_DEF void bft_cuda_ref_softmax_bwd(float *dp, const float *probs, int B, int H, int T, uint64_t key, float p);
/* x = tanh(x) */
BERTFT_CUDA_DEF void bft_cuda_ref_tanh(float *x, size_t n);
/* dcls = dropout'(dcls) * (1 - pooled^2) */
BERTFT_CUDA_DEF void bft_cuda_ref_pooler_bwd(float *dcls, const float *pooled, uint64_t key, float p, size_t n);
/* Loss of logits[B, NL] against labels[B] (cross-entropy, -100 ignored; MSE when regression);
   writes *loss (NaN when no row counts) and dlogits (d mean loss / d logits). One thread. */
BERTFT_CUDA_DEF void bft_cuda_ref_loss(float *loss, float *dlogits, const float *logits, const float *labels, int B,
                                       int NL, int regression);
/* x *= s */
BERTFT_CUDA_DEF void bft_cuda_ref_scale(float *x, float s, size_t n);
/* Sum of squares in double over chunks of 65536 elements (as bft_clip_grad_norm): part[k] for
   chunk k, each summed by 256 lanes and a tree; returns the number of chunks. */
BERTFT_CUDA_DEF size_t bft_cuda_ref_sumsq(double *part, const float *g, size_t n);
/* One torch.optim.AdamW update of n elements; decay_mask[i] selects `decay` (1 - lr*wd) or 1. */
BERTFT_CUDA_DEF void bft_cuda_ref_adamw(float *p, float *m, float *v, const float *g, const uint8_t *decay_mask,
                                        float decay, float b1, float b2, float step_size, float bc2s, float eps,
                                        size_t n);

#endif /* BERTFT_CUDA_H_INCLUDED */

/* ========================================================================================== */
/*                                      IMPLEMENTATION                                        */
/* ========================================================================================== */
#ifdef BERTFT_CUDA_IMPLEMENTATION
#ifndef BERTFT_CUDA_IMPLEMENTATION_DONE
#define BERTFT_CUDA_IMPLEMENTATION_DONE

#ifndef BERTFT_IMPLEMENTATION_DONE
#error "bertft_cuda.h: define BERTFT_IMPLEMENTATION and include bertft.h before bertft_cuda.h in this file"
#endif

#ifdef __CUDACC__
#include <cuda_runtime.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#define BFT_CUDA__HD static inline __host__ __device__
#else
#define BFT_CUDA__HD static inline
#endif

/* ------------------------------------------------------------------------------------------ */
/* Element math shared by kernels and references (one definition, so they cannot disagree)    */
/* ------------------------------------------------------------------------------------------ */
/* bft__drop_hash of bertft.h, callable on the device (a test pins the two together) */
BFT_CUDA__HD uint32_t bft_cuda__hash(uint64_t key, uint32_t i)
{
    uint32_t h = i * 0x9E3779B9u + (uint32_t)key;
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    h ^= (uint32_t)(key >> 32);
    h *= 0x27D4EB2Du; h ^= h >> 15;
    return h;
}
/* bft__drop_threshold: keep when hash >= p * 2^32 */
static uint32_t bft_cuda__thr(float p)
{
    double t = (double)p * 4294967296.0;
    return t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
}
/* element i of a dropout site after inverted dropout (use = 0: identity). The index is the
   element's position in the site's flat [rows, cols] layout, as on the CPU (32-bit, as there). */
BFT_CUDA__HD float bft_cuda__drop(float x, int use, uint64_t key, uint32_t thr, float scale, size_t i)
{
    if (!use) return x;
    return bft_cuda__hash(key, (uint32_t)i) >= thr ? x * scale : 0.0f;
}
/* GELU with erff/expf (CUDA's are correctly rounded to ~1-2 ulp); bertft.h's CPU path uses its
   own vectorisable erfc; the two agree to ~2e-7 relative. */
BFT_CUDA__HD float bft_cuda__gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }
BFT_CUDA__HD float bft_cuda__gelu_grad(float v)
{
    float cdf = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
    float pdf = expf(-0.5f * v * v) * 0.39894228040143268f;
    return cdf + v * pdf;
}
BFT_CUDA__HD void bft_cuda__adamw_elem(float *p, float *m, float *v, float g, float decay, float b1, float b2,
                                       float step_size, float bc2s, float eps)
{
    float pi = *p * decay, mi = *m * b1 + g * (1.0f - b1), vi = *v * b2 + g * g * (1.0f - b2);
    *p = pi - step_size * (mi / (sqrtf(vi) / bc2s + eps));
    *m = mi;
    *v = vi;
}
/* bft_forward's loss, verbatim (doubles included), for one thread */
BFT_CUDA__HD void bft_cuda__loss(float *loss, float *dlogits, const float *logits, const float *labels, int B, int NL,
                                 int regression)
{
    double total = 0;
    int count = 0, n;
    for (n = 0; n < B * NL; n++) dlogits[n] = 0.0f;
    if (regression) {
        for (n = 0; n < B * NL; n++) {
            float d = logits[n] - labels[n / NL];
            total += (double)d * d;
        }
        *loss = (float)(total / (B * NL));
        for (n = 0; n < B * NL; n++) dlogits[n] = 2.0f * (logits[n] - labels[n / NL]) / (float)(B * NL);
        return;
    }
    for (n = 0; n < B; n++) {
        const float *z = logits + (size_t)n * NL;
        float *dz = dlogits + (size_t)n * NL, mx = z[0];
        double se = 0;
        int k, y = (int)labels[n];
        if (labels[n] == -100.0f) continue;
        for (k = 1; k < NL; k++) mx = z[k] > mx ? z[k] : mx;
        for (k = 0; k < NL; k++) se += exp((double)z[k] - mx);
        total += log(se) + mx - z[y];
        for (k = 0; k < NL; k++) dz[k] = (float)(exp((double)z[k] - mx) / se);
        dz[y] -= 1.0f;
        count++;
    }
    *loss = count ? (float)(total / count) : (float)NAN;
    for (n = 0; n < B * NL; n++) dlogits[n] = count ? dlogits[n] / (float)count : 0.0f;
}

/* The warp butterfly on the host: every lane ends with the same value (a + b == b + a). */
static float bft_cuda__ref_warp_sum(float *lane)
{
    float t[32];
    int off, l;
    for (off = 16; off > 0; off >>= 1) {
        for (l = 0; l < 32; l++) t[l] = lane[l] + lane[l ^ off];
        for (l = 0; l < 32; l++) lane[l] = t[l];
    }
    return lane[0];
}
static float bft_cuda__ref_warp_max(float *lane)
{
    int l;
    float m = lane[0];
    for (l = 1; l < 32; l++) m = lane[l] > m ? lane[l] : m; /* max is exact in any order */
    return m;
}

/* ------------------------------------------------------------------------------------------ */
/* Host references                                                                             */
/* ------------------------------------------------------------------------------------------ */
BERTFT_CUDA_DEF void bft_cuda_ref_embed_fwd(float *out, const int32_t *ids, const int32_t *types, const float *word,
                                            const float *pos, const float *type, int N, int T, int C)
{
    size_t i, n = (size_t)N * C;
    for (i = 0; i < n; i++) {
        size_t r = i / C, c = i % C;
        out[i] = (word[(size_t)ids[r] * C + c] + type[(size_t)types[r] * C + c]) + pos[(r % T) * C + c];
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_segsum(float *dst, const float *src, const int32_t *rows, const int32_t *starts,
                                         const int32_t *idx, int nseg, int C)
{
    int s, c, k;
    for (s = 0; s < nseg; s++)
        for (c = 0; c < C; c++) {
            float acc = dst[(size_t)rows[s] * C + c];
            for (k = starts[s]; k < starts[s + 1]; k++) acc += src[(size_t)idx[k] * C + c];
            dst[(size_t)rows[s] * C + c] = acc;
        }
}

BERTFT_CUDA_DEF int bft_cuda_ref_segments(int32_t *rows, int32_t *starts, int32_t *idx, const int32_t *keys, int N,
                                          int skip, int32_t *scratch)
{
    /* a stable radix-free grouping: sort token indices by (key, index) with a merge sort */
    int32_t *a = scratch, *b = scratch + N, *t;
    int n = 0, width, i, nseg = 0;
    for (i = 0; i < N; i++)
        if (keys[i] != skip || skip < 0) a[n++] = i;
    for (width = 1; width < n; width *= 2) {
        int lo;
        for (lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int p = lo, q = mid, o = lo;
            while (p < mid && q < hi) b[o++] = keys[a[q]] < keys[a[p]] ? a[q++] : a[p++];
            while (p < mid) b[o++] = a[p++];
            while (q < hi) b[o++] = a[q++];
        }
        t = a; a = b; b = t;
    }
    for (i = 0; i < n; i++) {
        if (i == 0 || keys[a[i]] != keys[a[i - 1]]) {
            rows[nseg] = keys[a[i]];
            starts[nseg++] = i;
        }
        idx[i] = a[i];
    }
    starts[nseg] = n;
    return nseg;
}

BERTFT_CUDA_DEF void bft_cuda_ref_layernorm_fwd(float *out, float *mean, float *rstd, const float *x, const float *w,
                                                const float *b, int N, int C, float eps)
{
    int n, c, l;
    float lane[32];
    for (n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * C;
        float m, v, r;
        for (l = 0; l < 32; l++) { lane[l] = 0.0f; for (c = l; c < C; c += 32) lane[l] += xr[c]; }
        m = bft_cuda__ref_warp_sum(lane) / (float)C;
        for (l = 0; l < 32; l++) {
            lane[l] = 0.0f;
            for (c = l; c < C; c += 32) { float d = xr[c] - m; lane[l] += d * d; }
        }
        v = bft_cuda__ref_warp_sum(lane) / (float)C;
        r = 1.0f / sqrtf(v + eps);
        for (c = 0; c < C; c++) out[(size_t)n * C + c] = (xr[c] - m) * r * w[c] + b[c];
        mean[n] = m;
        rstd[n] = r;
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_layernorm_bwd_dx(float *dx, const float *dout, const float *x, const float *mean,
                                                   const float *rstd, const float *w, int N, int C)
{
    int n, c, l;
    float l1[32], l2[32];
    for (n = 0; n < N; n++) {
        const float *d = dout + (size_t)n * C, *xr = x + (size_t)n * C;
        float m = mean[n], r = rstd[n], mg, mgx;
        for (l = 0; l < 32; l++) {
            l1[l] = l2[l] = 0.0f;
            for (c = l; c < C; c += 32) {
                float g = d[c] * w[c];
                l1[l] += g;
                l2[l] += g * ((xr[c] - m) * r);
            }
        }
        mg = bft_cuda__ref_warp_sum(l1) / (float)C;
        mgx = bft_cuda__ref_warp_sum(l2) / (float)C;
        for (c = 0; c < C; c++) dx[(size_t)n * C + c] = r * (d[c] * w[c] - mg - (xr[c] - m) * r * mgx);
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_colsum(float *da, float *db, float *part, const float *dout, const float *x,
                                         const float *mean, const float *rstd, int N, int C)
{
    int nch = (N + BFT_CUDA_ROWS - 1) / BFT_CUDA_ROWS, k, c, n;
    float *pa = part, *pb = part + (size_t)nch * C;
    for (k = 0; k < nch; k++) /* stage 1: one thread per (chunk, column) */
        for (c = 0; c < C; c++) {
            float sa = 0.0f, sb = 0.0f;
            int n1 = (k + 1) * BFT_CUDA_ROWS < N ? (k + 1) * BFT_CUDA_ROWS : N;
            for (n = k * BFT_CUDA_ROWS; n < n1; n++) {
                float d = dout[(size_t)n * C + c];
                sa += d;
                if (x) sb += d * ((x[(size_t)n * C + c] - mean[n]) * rstd[n]);
            }
            pa[(size_t)k * C + c] = sa;
            pb[(size_t)k * C + c] = sb;
        }
    for (c = 0; c < C; c++) { /* stage 2: one thread per column, chunks in order */
        float sa = da[c], sb = db ? db[c] : 0.0f;
        for (k = 0; k < nch; k++) {
            sa += pa[(size_t)k * C + c];
            sb += pb[(size_t)k * C + c];
        }
        da[c] = sa;
        if (x) db[c] = sb;
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_bias(float *out, const float *b, int N, int C)
{
    size_t i, n = (size_t)N * C;
    for (i = 0; i < n; i++) out[i] += b[i % C];
}

BERTFT_CUDA_DEF void bft_cuda_ref_bias_gelu(float *pre, float *act, const float *b, int N, int C)
{
    size_t i, n = (size_t)N * C;
    for (i = 0; i < n; i++) {
        float v = pre[i] + b[i % C];
        pre[i] = v;
        act[i] = bft_cuda__gelu(v);
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_gelu_bwd(float *dx, const float *x, const float *dout, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) dx[i] = dout[i] * bft_cuda__gelu_grad(x[i]);
}

BERTFT_CUDA_DEF void bft_cuda_ref_bias_dropout_residual(float *y, const float *b, const float *res, uint64_t key, float p,
                                                        int N, int C)
{
    size_t i, n = (size_t)N * C;
    uint32_t thr = bft_cuda__thr(p);
    float scale = 1.0f / (1.0f - p);
    for (i = 0; i < n; i++) y[i] = bft_cuda__drop(y[i] + b[i % C], p > 0, key, thr, scale, i) + res[i];
}

BERTFT_CUDA_DEF void bft_cuda_ref_dropout(float *dst, const float *src, uint64_t key, float p, size_t n)
{
    size_t i;
    uint32_t thr = bft_cuda__thr(p);
    float scale = 1.0f / (1.0f - p);
    for (i = 0; i < n; i++) dst[i] = bft_cuda__drop(src[i], p > 0, key, thr, scale, i);
}

/* flat [N, S*C] index of element e of [S, B, H, T, D] */
BFT_CUDA__HD size_t bft_cuda__perm_index(size_t e, int B, int T, int H, int D, int S)
{
    size_t d = e % D, t = (e / D) % T, h = (e / ((size_t)D * T)) % H, b = (e / ((size_t)D * T * H)) % B;
    size_t s = e / ((size_t)D * T * H * B), C = (size_t)H * D;
    return (b * T + t) * (S * C) + s * C + h * D + d;
}

BERTFT_CUDA_DEF void bft_cuda_ref_permute(float *dst, const float *src, int B, int T, int H, int D, int S, int to_heads)
{
    size_t e, n = (size_t)S * B * H * T * D;
    for (e = 0; e < n; e++) {
        size_t f = bft_cuda__perm_index(e, B, T, H, D, S);
        if (to_heads) dst[e] = src[f];
        else dst[f] = src[e];
    }
}

/* one softmax row (row index r of [B*H*T]); the kernel runs the same lane loops in parallel */
static void bft_cuda__ref_softmax_row(float *s, float *pd, const int32_t *mrow, int T, uint64_t key, float p, size_t r)
{
    float lane[32], mx, sum;
    int l, j, any = 0;
    uint32_t thr = bft_cuda__thr(p);
    float scale = 1.0f / (1.0f - p);
    for (j = 0; j < T; j++) any |= mrow[j] != 0;
    for (l = 0; l < 32; l++) {
        lane[l] = -FLT_MAX;
        for (j = l; j < T; j += 32)
            if (!any || mrow[j]) lane[l] = s[j] > lane[l] ? s[j] : lane[l];
    }
    mx = bft_cuda__ref_warp_max(lane);
    for (l = 0; l < 32; l++) {
        lane[l] = 0.0f;
        for (j = l; j < T; j += 32) {
            float e = !any ? 1.0f : !mrow[j] ? 0.0f : expf(s[j] - mx);
            s[j] = e;
            lane[l] += e;
        }
    }
    sum = bft_cuda__ref_warp_sum(lane);
    for (j = 0; j < T; j++) {
        s[j] /= sum;
        if (p > 0) pd[j] = bft_cuda__drop(s[j], 1, key, thr, scale, r * T + j);
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_softmax_fwd(float *s, float *pd, const int32_t *mask, int B, int H, int T, uint64_t key,
                                              float p)
{
    size_t r, rows = (size_t)B * H * T;
    for (r = 0; r < rows; r++)
        bft_cuda__ref_softmax_row(s + r * T, pd ? pd + r * T : NULL, mask + (r / ((size_t)H * T)) * T, T, key, p, r);
}

BERTFT_CUDA_DEF void bft_cuda_ref_softmax_bwd(float *dp, const float *probs, int B, int H, int T, uint64_t key, float p)
{
    size_t r, rows = (size_t)B * H * T;
    uint32_t thr = bft_cuda__thr(p);
    float scale = 1.0f / (1.0f - p), lane[32];
    for (r = 0; r < rows; r++) {
        float *d = dp + r * T, dot;
        const float *pr = probs + r * T;
        int l, j;
        for (l = 0; l < 32; l++) {
            lane[l] = 0.0f;
            for (j = l; j < T; j += 32) {
                d[j] = bft_cuda__drop(d[j], p > 0, key, thr, scale, r * T + j);
                lane[l] += pr[j] * d[j];
            }
        }
        dot = bft_cuda__ref_warp_sum(lane);
        for (j = 0; j < T; j++) d[j] = pr[j] * (d[j] - dot);
    }
}

BERTFT_CUDA_DEF void bft_cuda_ref_tanh(float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = tanhf(x[i]);
}

BERTFT_CUDA_DEF void bft_cuda_ref_pooler_bwd(float *dcls, const float *pooled, uint64_t key, float p, size_t n)
{
    size_t i;
    uint32_t thr = bft_cuda__thr(p);
    float scale = 1.0f / (1.0f - p);
    for (i = 0; i < n; i++) dcls[i] = bft_cuda__drop(dcls[i], p > 0, key, thr, scale, i) * (1.0f - pooled[i] * pooled[i]);
}

BERTFT_CUDA_DEF void bft_cuda_ref_loss(float *loss, float *dlogits, const float *logits, const float *labels, int B,
                                       int NL, int regression)
{
    bft_cuda__loss(loss, dlogits, logits, labels, B, NL, regression);
}

BERTFT_CUDA_DEF void bft_cuda_ref_scale(float *x, float s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] *= s;
}

#define BFT_CUDA__CHUNK 65536
#define BFT_CUDA__SQ_THREADS 256
BERTFT_CUDA_DEF size_t bft_cuda_ref_sumsq(double *part, const float *g, size_t n)
{
    size_t nch = (n + BFT_CUDA__CHUNK - 1) / BFT_CUDA__CHUNK, k;
    double lane[BFT_CUDA__SQ_THREADS];
    for (k = 0; k < nch; k++) {
        size_t a0 = k * BFT_CUDA__CHUNK, a1 = a0 + BFT_CUDA__CHUNK < n ? a0 + BFT_CUDA__CHUNK : n, j;
        int l, s;
        for (l = 0; l < BFT_CUDA__SQ_THREADS; l++) {
            lane[l] = 0;
            for (j = a0 + (size_t)l; j < a1; j += BFT_CUDA__SQ_THREADS) lane[l] += (double)g[j] * g[j];
        }
        for (s = BFT_CUDA__SQ_THREADS / 2; s > 0; s >>= 1)
            for (l = 0; l < s; l++) lane[l] += lane[l + s];
        part[k] = lane[0];
    }
    return nch;
}

BERTFT_CUDA_DEF void bft_cuda_ref_adamw(float *p, float *m, float *v, const float *g, const uint8_t *decay_mask,
                                        float decay, float b1, float b2, float step_size, float bc2s, float eps,
                                        size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        bft_cuda__adamw_elem(p + i, m + i, v + i, g[i], decay_mask[i] ? decay : 1.0f, b1, b2, step_size, bc2s, eps);
}

/* ------------------------------------------------------------------------------------------ */
/* Kernels (each beside nothing but its launch; the reference above is its specification)     */
/* ------------------------------------------------------------------------------------------ */
#ifdef __CUDACC__
#define BFT_CUDA__T 256
#define BFT_CUDA__GRID_STRIDE(i, n) for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < (n); i += (size_t)gridDim.x * blockDim.x)

static __device__ __forceinline__ float bft_cuda__warp_sum(float v)
{
    for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}
static __device__ __forceinline__ float bft_cuda__warp_max(float v)
{
    for (int off = 16; off > 0; off >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, off));
    return v;
}

static __global__ void bft_cuda__k_embed_fwd(float *out, const int32_t *ids, const int32_t *types, const float *word,
                                             const float *pos, const float *type, size_t n, int T, int C)
{
    BFT_CUDA__GRID_STRIDE(i, n) {
        size_t r = i / C, c = i % C;
        out[i] = (word[(size_t)ids[r] * C + c] + type[(size_t)types[r] * C + c]) + pos[(r % T) * C + c];
    }
}

/* grid (nseg, ceil(C / 256)): one thread per (segment, column), tokens in order */
static __global__ void bft_cuda__k_segsum(float *dst, const float *src, const int32_t *rows, const int32_t *starts,
                                          const int32_t *idx, int C)
{
    int s = blockIdx.x, c = blockIdx.y * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float acc = dst[(size_t)rows[s] * C + c];
    for (int k = starts[s]; k < starts[s + 1]; k++) acc += src[(size_t)idx[k] * C + c];
    dst[(size_t)rows[s] * C + c] = acc;
}

/* one warp per row */
static __global__ void bft_cuda__k_layernorm_fwd(float *out, float *mean, float *rstd, const float *x, const float *w,
                                                 const float *b, int N, int C, float eps)
{
    int n = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32, lane = threadIdx.x % 32;
    if (n >= N) return;
    const float *xr = x + (size_t)n * C;
    float s = 0.0f;
    for (int c = lane; c < C; c += 32) s += xr[c];
    float m = bft_cuda__warp_sum(s) / (float)C;
    float v = 0.0f;
    for (int c = lane; c < C; c += 32) { float d = xr[c] - m; v += d * d; }
    v = bft_cuda__warp_sum(v) / (float)C;
    float r = 1.0f / sqrtf(v + eps);
    for (int c = lane; c < C; c += 32) out[(size_t)n * C + c] = (xr[c] - m) * r * w[c] + b[c];
    if (lane == 0) { mean[n] = m; rstd[n] = r; }
}

static __global__ void bft_cuda__k_layernorm_bwd_dx(float *dx, const float *dout, const float *x, const float *mean,
                                                    const float *rstd, const float *w, int N, int C)
{
    int n = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32, lane = threadIdx.x % 32;
    if (n >= N) return;
    const float *d = dout + (size_t)n * C, *xr = x + (size_t)n * C;
    float m = mean[n], r = rstd[n], s1 = 0.0f, s2 = 0.0f;
    for (int c = lane; c < C; c += 32) {
        float g = d[c] * w[c];
        s1 += g;
        s2 += g * ((xr[c] - m) * r);
    }
    float mg = bft_cuda__warp_sum(s1) / (float)C, mgx = bft_cuda__warp_sum(s2) / (float)C;
    for (int c = lane; c < C; c += 32) dx[(size_t)n * C + c] = r * (d[c] * w[c] - mg - (xr[c] - m) * r * mgx);
}

/* stage 1: grid (ceil(C / 256), chunks) */
static __global__ void bft_cuda__k_colsum1(float *pa, float *pb, const float *dout, const float *x, const float *mean,
                                           const float *rstd, int N, int C)
{
    int c = blockIdx.x * blockDim.x + threadIdx.x, k = blockIdx.y;
    if (c >= C) return;
    int n1 = (k + 1) * BFT_CUDA_ROWS < N ? (k + 1) * BFT_CUDA_ROWS : N;
    float sa = 0.0f, sb = 0.0f;
    for (int n = k * BFT_CUDA_ROWS; n < n1; n++) {
        float d = dout[(size_t)n * C + c];
        sa += d;
        if (x) sb += d * ((x[(size_t)n * C + c] - mean[n]) * rstd[n]);
    }
    pa[(size_t)k * C + c] = sa;
    pb[(size_t)k * C + c] = sb;
}
static __global__ void bft_cuda__k_colsum2(float *da, float *db, const float *pa, const float *pb, int nch, int C)
{
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= C) return;
    float sa = da[c], sb = db ? db[c] : 0.0f;
    for (int k = 0; k < nch; k++) { sa += pa[(size_t)k * C + c]; sb += pb[(size_t)k * C + c]; }
    da[c] = sa;
    if (db) db[c] = sb;
}

static __global__ void bft_cuda__k_bias(float *out, const float *b, size_t n, int C)
{
    BFT_CUDA__GRID_STRIDE(i, n) out[i] += b[i % C];
}
static __global__ void bft_cuda__k_bias_gelu(float *pre, float *act, const float *b, size_t n, int C)
{
    BFT_CUDA__GRID_STRIDE(i, n) {
        float v = pre[i] + b[i % C];
        pre[i] = v;
        act[i] = bft_cuda__gelu(v);
    }
}
static __global__ void bft_cuda__k_gelu_bwd(float *dx, const float *x, const float *dout, size_t n)
{
    BFT_CUDA__GRID_STRIDE(i, n) dx[i] = dout[i] * bft_cuda__gelu_grad(x[i]);
}
static __global__ void bft_cuda__k_bias_dropout_residual(float *y, const float *b, const float *res, int use,
                                                         uint64_t key, uint32_t thr, float scale, size_t n, int C)
{
    BFT_CUDA__GRID_STRIDE(i, n) y[i] = bft_cuda__drop(y[i] + b[i % C], use, key, thr, scale, i) + res[i];
}
static __global__ void bft_cuda__k_dropout(float *dst, const float *src, int use, uint64_t key, uint32_t thr, float scale,
                                           size_t n)
{
    BFT_CUDA__GRID_STRIDE(i, n) dst[i] = bft_cuda__drop(src[i], use, key, thr, scale, i);
}
static __global__ void bft_cuda__k_permute(float *dst, const float *src, int B, int T, int H, int D, int S, int to_heads,
                                           size_t n)
{
    BFT_CUDA__GRID_STRIDE(e, n) {
        size_t f = bft_cuda__perm_index(e, B, T, H, D, S);
        if (to_heads) dst[e] = src[f];
        else dst[f] = src[e];
    }
}

/* one warp per row of [B*H*T, T] */
static __global__ void bft_cuda__k_softmax_fwd(float *s, float *pd, const int32_t *mask, int B, int H, int T, int use,
                                               uint64_t key, uint32_t thr, float scale)
{
    size_t r = blockIdx.x * (size_t)(blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (r >= (size_t)B * H * T) return;
    float *row = s + r * T;
    const int32_t *mrow = mask + (r / ((size_t)H * T)) * T;
    int any = 0;
    for (int j = lane; j < T; j += 32) any |= mrow[j] != 0;
    any = __any_sync(0xffffffffu, any);
    float mx = -FLT_MAX;
    for (int j = lane; j < T; j += 32)
        if (!any || mrow[j]) mx = row[j] > mx ? row[j] : mx;
    mx = bft_cuda__warp_max(mx);
    float sum = 0.0f;
    for (int j = lane; j < T; j += 32) {
        float e = !any ? 1.0f : !mrow[j] ? 0.0f : expf(row[j] - mx);
        row[j] = e;
        sum += e;
    }
    sum = bft_cuda__warp_sum(sum);
    for (int j = lane; j < T; j += 32) {
        float pj = row[j] / sum;
        row[j] = pj;
        if (use) pd[r * T + j] = bft_cuda__drop(pj, 1, key, thr, scale, r * T + j);
    }
}
static __global__ void bft_cuda__k_softmax_bwd(float *dp, const float *probs, int rows, int T, int use, uint64_t key,
                                               uint32_t thr, float scale)
{
    size_t r = blockIdx.x * (size_t)(blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (r >= (size_t)rows) return;
    float *d = dp + r * T;
    const float *pr = probs + r * T;
    float dot = 0.0f;
    for (int j = lane; j < T; j += 32) {
        d[j] = bft_cuda__drop(d[j], use, key, thr, scale, r * T + j);
        dot += pr[j] * d[j];
    }
    dot = bft_cuda__warp_sum(dot);
    for (int j = lane; j < T; j += 32) d[j] = pr[j] * (d[j] - dot);
}
static __global__ void bft_cuda__k_tanh(float *x, size_t n) { BFT_CUDA__GRID_STRIDE(i, n) x[i] = tanhf(x[i]); }
static __global__ void bft_cuda__k_pooler_bwd(float *dcls, const float *pooled, int use, uint64_t key, uint32_t thr,
                                              float scale, size_t n)
{
    BFT_CUDA__GRID_STRIDE(i, n) dcls[i] = bft_cuda__drop(dcls[i], use, key, thr, scale, i) * (1.0f - pooled[i] * pooled[i]);
}
/* B * NL is tiny: one thread, the CPU's code and order (see bft_cuda__loss) */
static __global__ void bft_cuda__k_loss(float *loss, float *dlogits, const float *logits, const float *labels, int B,
                                        int NL, int regression)
{
    bft_cuda__loss(loss, dlogits, logits, labels, B, NL, regression);
}
static __global__ void bft_cuda__k_scale(float *x, float s, size_t n) { BFT_CUDA__GRID_STRIDE(i, n) x[i] *= s; }
/* one block of 256 per chunk; tree over the block's lanes as the reference */
static __global__ void bft_cuda__k_sumsq(double *part, const float *g, size_t n)
{
    __shared__ double sh[BFT_CUDA__SQ_THREADS];
    size_t a0 = (size_t)blockIdx.x * BFT_CUDA__CHUNK, a1 = a0 + BFT_CUDA__CHUNK < n ? a0 + BFT_CUDA__CHUNK : n;
    double acc = 0;
    for (size_t j = a0 + threadIdx.x; j < a1; j += BFT_CUDA__SQ_THREADS) acc += (double)g[j] * g[j];
    sh[threadIdx.x] = acc;
    __syncthreads();
    for (int s = BFT_CUDA__SQ_THREADS / 2; s > 0; s >>= 1) {
        if ((int)threadIdx.x < s) sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) part[blockIdx.x] = sh[0];
}
static __global__ void bft_cuda__k_adamw(float *p, float *m, float *v, const float *g, const uint8_t *decay_mask,
                                         float decay, float b1, float b2, float step_size, float bc2s, float eps, size_t n)
{
    BFT_CUDA__GRID_STRIDE(i, n)
        bft_cuda__adamw_elem(p + i, m + i, v + i, g[i], decay_mask[i] ? decay : 1.0f, b1, b2, step_size, bc2s, eps);
}
/* BF16 math: a GEMM operand rounded to bfloat16 (nearest even), what the tensor cores then read */
static __global__ void bft_cuda__k_to_bf16(__nv_bfloat16 *dst, const float *src, size_t n)
{
    BFT_CUDA__GRID_STRIDE(i, n) dst[i] = __float2bfloat16_rn(src[i]);
}
#endif /* __CUDACC__ */

/* ------------------------------------------------------------------------------------------ */
/* The device: buffers, ops (kernel or reference), forward, backward, optimizer               */
/* ------------------------------------------------------------------------------------------ */
typedef struct bft_cuda__ctx {
    int emu, gpu, math;
    char name[160];
    bft_model *m;
    size_t P;
    float *params, *grads, *am, *av;   /* device: parameters, gradients, AdamW moments */
    uint8_t *decay;                     /* device: 1 where the tensor takes weight decay */
    bft_params dp, dg;                  /* views into params and grads */
    /* activations, one arena laid out for (B, T) */
    float *arena;
    size_t arena_cap, bytes;
    int32_t *ints;                      /* device ints: ids, types, mask, embedding segments */
    size_t ints_cap;
    int32_t *hints;                     /* host staging of the same */
    size_t hints_cap;
    float *hlogits;                     /* host: logits [B*NL] then the loss */
    size_t hlogits_cap;
    double *dparts, *hparts;            /* sum-of-squares partials */
    int B, T, training, has_loss;
    int nseg[3];                        /* word, position, type segments of the last batch */
    int32_t *seg_rows[3], *seg_starts[3], *seg_idx[3];
    int32_t *ids, *types, *mask;
    /* dropout keys of the last training forward (0 / p = 0 when none) */
    uint64_t key_emb, key_cls, *key_att, *key_ao, *key_o;
    int drop;                           /* the last forward drew keys */
    /* views into the arena */
    float *labels, *emb_in, *emb_mean, *emb_rstd, *hidden, *qkv_tmp, *qkvp, *probs, *ctx, *ln1_in, *ln1_mean,
        *ln1_rstd, *ln1_out, *inter_pre, *inter_act, *ln2_in, *ln2_mean, *ln2_rstd, *att_a, *att_b, *headp, *dheadp,
        *dqkvp, *pool_in, *pooled, *cls_in, *logits, *dlogits, *dcls, *dpool, *dh, *dt1, *dt2, *dqkv, *dinter, *part;
    int cublas_status;                  /* first cuBLAS failure, 0 when none */
    void *b16;                          /* BF16 math: both GEMM operands rounded to bf16 */
    size_t b16_cap;                     /* its capacity in elements */
#ifdef __CUDACC__
    cudaStream_t stream;
    cublasHandle_t blas;
#endif
} bft_cuda__ctx;

#ifdef __CUDACC__
static bft_result bft_cuda__err(cudaError_t e, const char *what)
{
    if (e == cudaSuccess) return BFT_OK;
    return bft__fail(e == cudaErrorMemoryAllocation ? BFT_ERR_OOM : BFT_ERR_IO, "CUDA: %s: %s (%s)", what,
                     cudaGetErrorString(e), cudaGetErrorName(e));
}
static unsigned bft_cuda__grid(size_t n)
{
    size_t g = (n + BFT_CUDA__T - 1) / BFT_CUDA__T;
    return (unsigned)(g < 1 ? 1 : g > 1048576 ? 1048576 : g); /* grid-stride loops cover the rest */
}
#endif

static bft_result bft_cuda__alloc(bft_cuda__ctx *X, void **p, size_t bytes)
{
    *p = NULL;
#ifdef __CUDACC__
    if (!X->emu) {
        bft_result r = bft_cuda__err(cudaMalloc(p, bytes ? bytes : 1), "cudaMalloc");
        if (r == BFT_OK) X->bytes += bytes;
        return r;
    }
#endif
    if (!(*p = bft__calloc(bytes ? bytes : 1, 1))) return bft__fail(BFT_ERR_OOM, "out of memory (%.1f MB)", bytes / 1e6);
    X->bytes += bytes;
    return BFT_OK;
}
static void bft_cuda__release(bft_cuda__ctx *X, void *p)
{
    if (!p) return;
#ifdef __CUDACC__
    if (!X->emu) { cudaFree(p); return; }
#endif
    bft_free(p);
    (void)X;
}
/* kind: 0 host->device, 1 device->host, 2 device->device; asynchronous on the stream
   (host->device copies from pageable memory return once the source has been staged) */
static bft_result bft_cuda__copy(bft_cuda__ctx *X, void *dst, const void *src, size_t bytes, int kind)
{
    if (!bytes) return BFT_OK;
#ifdef __CUDACC__
    if (!X->emu) {
        cudaMemcpyKind k = kind == 0 ? cudaMemcpyHostToDevice : kind == 1 ? cudaMemcpyDeviceToHost : cudaMemcpyDeviceToDevice;
        return bft_cuda__err(cudaMemcpyAsync(dst, src, bytes, k, X->stream), "cudaMemcpyAsync");
    }
#endif
    (void)kind; (void)X;
    memmove(dst, src, bytes);
    return BFT_OK;
}
/* `rows` rows of `width` bytes, device to device, with row pitches (the [CLS] gather/scatter) */
static bft_result bft_cuda__copy_rows(bft_cuda__ctx *X, void *dst, size_t dpitch, const void *src, size_t spitch,
                                      size_t width, size_t rows)
{
    size_t i;
#ifdef __CUDACC__
    if (!X->emu)
        return bft_cuda__err(cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, rows, cudaMemcpyDeviceToDevice, X->stream),
                             "cudaMemcpy2DAsync");
#endif
    (void)X;
    for (i = 0; i < rows; i++) memmove((char *)dst + i * dpitch, (const char *)src + i * spitch, width);
    return BFT_OK;
}
static bft_result bft_cuda__zero(bft_cuda__ctx *X, void *dst, size_t bytes)
{
#ifdef __CUDACC__
    if (!X->emu) return bft_cuda__err(cudaMemsetAsync(dst, 0, bytes, X->stream), "cudaMemsetAsync");
#endif
    (void)X;
    memset(dst, 0, bytes);
    return BFT_OK;
}
static bft_result bft_cuda__sync(bft_cuda__ctx *X, const char *what)
{
#ifdef __CUDACC__
    if (!X->emu) {
        bft_result r = bft_cuda__err(cudaGetLastError(), what);
        if (r == BFT_OK) r = bft_cuda__err(cudaStreamSynchronize(X->stream), what);
        if (r == BFT_OK && X->cublas_status)
            r = bft__fail(BFT_ERR_IO, "cuBLAS: %s: status %d", what, X->cublas_status);
        return r;
    }
#endif
    (void)X; (void)what;
    return BFT_OK;
}

#ifdef __CUDACC__
/* Elements a row-major operand of `rows` x `cols` at stride `ld` spans, over `count` copies
   `stride` apart: the range cuBLAS may read. */
static size_t bft_cuda__span(int rows, int cols, int ld, size_t stride, int count)
{
    size_t one = rows > 0 && cols > 0 ? (size_t)(rows - 1) * (size_t)ld + (size_t)cols : 0;
    return one ? (size_t)(count - 1) * stride + one : 0;
}
/* BF16 math: copies of A and B rounded to bf16 in X->b16 (grown when needed), so cuBLAS runs
   bf16 x bf16 -> fp32 products. Asking cuBLAS for CUBLAS_COMPUTE_32F_FAST_16BF on fp32
   operands is not enough: on an H100 with cuBLAS 13 it gave results bitwise equal to TF32's.
   The stream runs in order, so one buffer serves every product. 0 on failure. */
static int bft_cuda__to_b16(bft_cuda__ctx *X, const float *A, size_t na, const float *B, size_t nb,
                            const void **A16, const void **B16)
{
    size_t offb = (na + 63) & ~(size_t)63; /* 128-byte aligned B */
    if (offb + nb > X->b16_cap) {
        size_t cap = (offb + nb) + (offb + nb) / 4;
        bft_cuda__release(X, X->b16); /* cudaFree synchronises: earlier products are done with it */
        X->bytes -= X->b16_cap * 2;
        X->b16 = NULL;
        X->b16_cap = 0;
        if (bft_cuda__alloc(X, &X->b16, cap * 2) != BFT_OK) return 0;
        X->b16_cap = cap;
    }
    bft_cuda__k_to_bf16<<<bft_cuda__grid(na), BFT_CUDA__T, 0, X->stream>>>((__nv_bfloat16 *)X->b16, A, na);
    bft_cuda__k_to_bf16<<<bft_cuda__grid(nb), BFT_CUDA__T, 0, X->stream>>>((__nv_bfloat16 *)X->b16 + offb, B, nb);
    *A16 = X->b16;
    *B16 = (const __nv_bfloat16 *)X->b16 + offb;
    return 1;
}
#endif

/* Row-major C = alpha op(A) op(B) + beta C, bft_sgemm's contract; cuBLAS is column-major, so
   it computes C^T = op(B)^T op(A)^T by swapping the operands. `count` products at fixed
   strides (the attention's B*H heads) when count > 1. */
static void bft_cuda__gemm_batched(bft_cuda__ctx *X, int tA, int tB, int M, int N, int K, float alpha, const float *A,
                                   int lda, size_t sA, const float *B, int ldb, size_t sB, float beta, float *C, int ldc,
                                   size_t sC, int count)
{
    int i;
#ifdef __CUDACC__
    if (!X->emu) {
        const void *a = A, *b = B;
        cudaDataType_t ty = CUDA_R_32F;
        cublasComputeType_t ct = X->math == BFT_CUDA_MATH_TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
        cublasStatus_t s;
        if (X->math == BFT_CUDA_MATH_BF16) {
            if (!bft_cuda__to_b16(X, A, bft_cuda__span(tA ? K : M, tA ? M : K, lda, sA, count), B,
                                  bft_cuda__span(tB ? N : K, tB ? K : N, ldb, sB, count), &a, &b)) {
                if (!X->cublas_status) X->cublas_status = (int)CUBLAS_STATUS_ALLOC_FAILED;
                return;
            }
            ty = CUDA_R_16BF;
        }
        if (count == 1)
            s = cublasGemmEx(X->blas, tB ? CUBLAS_OP_T : CUBLAS_OP_N, tA ? CUBLAS_OP_T : CUBLAS_OP_N, N, M, K, &alpha,
                             b, ty, ldb, a, ty, lda, &beta, C, CUDA_R_32F, ldc, ct, CUBLAS_GEMM_DEFAULT);
        else
            s = cublasGemmStridedBatchedEx(X->blas, tB ? CUBLAS_OP_T : CUBLAS_OP_N, tA ? CUBLAS_OP_T : CUBLAS_OP_N, N, M,
                                           K, &alpha, b, ty, ldb, (long long)sB, a, ty, lda, (long long)sA, &beta, C,
                                           CUDA_R_32F, ldc, (long long)sC, count, ct, CUBLAS_GEMM_DEFAULT);
        if (s != CUBLAS_STATUS_SUCCESS && !X->cublas_status) X->cublas_status = (int)s;
        return;
    }
#endif
    for (i = 0; i < count; i++)
        bft_gemm(X->math == BFT_CUDA_MATH_BF16 ? BFT_BF16 : BFT_FP32, tA, tB, M, N, K, alpha, A + i * sA, lda,
                 B + i * sB, ldb, beta, C + i * sC, ldc);
}
static void bft_cuda__gemm(bft_cuda__ctx *X, int tA, int tB, int M, int N, int K, float alpha, const float *A, int lda,
                           const float *B, int ldb, float beta, float *C, int ldc)
{
    bft_cuda__gemm_batched(X, tA, tB, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}

/* The ops: a kernel launch on the GPU, the reference in emulation. */
#ifdef __CUDACC__
#define BFT_CUDA__LAUNCH(X, kernel, grid, block, ...)                                  \
    if (!(X)->emu) { kernel<<<(grid), (block), 0, (X)->stream>>>(__VA_ARGS__); return; }
#else
#define BFT_CUDA__LAUNCH(X, kernel, grid, block, ...) (void)(X);
#endif
#define BFT_CUDA__ROWS_GRID(rows) ((unsigned)(((size_t)(rows) + BFT_CUDA__T / 32 - 1) / (BFT_CUDA__T / 32)))

static void bft_cuda__embed_fwd(bft_cuda__ctx *X, float *out, const bft_params *w, int N, int T, int C)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_embed_fwd, bft_cuda__grid((size_t)N * C), BFT_CUDA__T, out, X->ids, X->types,
                     w->word_emb, w->pos_emb, w->type_emb, (size_t)N * C, T, C)
    bft_cuda_ref_embed_fwd(out, X->ids, X->types, w->word_emb, w->pos_emb, w->type_emb, N, T, C);
}
static void bft_cuda__segsum(bft_cuda__ctx *X, float *dst, const float *src, int k, int C)
{
    if (X->nseg[k] == 0) return;
#ifdef __CUDACC__
    if (!X->emu) {
        dim3 grid((unsigned)X->nseg[k], (unsigned)((C + BFT_CUDA__T - 1) / BFT_CUDA__T));
        bft_cuda__k_segsum<<<grid, BFT_CUDA__T, 0, X->stream>>>(dst, src, X->seg_rows[k], X->seg_starts[k], X->seg_idx[k], C);
        return;
    }
#endif
    bft_cuda_ref_segsum(dst, src, X->seg_rows[k], X->seg_starts[k], X->seg_idx[k], X->nseg[k], C);
}
static void bft_cuda__layernorm_fwd(bft_cuda__ctx *X, float *out, float *mean, float *rstd, const float *x,
                                    const float *w, const float *b, int N, int C, float eps)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_layernorm_fwd, BFT_CUDA__ROWS_GRID(N), BFT_CUDA__T, out, mean, rstd, x, w, b, N, C, eps)
    bft_cuda_ref_layernorm_fwd(out, mean, rstd, x, w, b, N, C, eps);
}
static void bft_cuda__colsum(bft_cuda__ctx *X, float *da, float *db, const float *dout, const float *x,
                             const float *mean, const float *rstd, int N, int C)
{
#ifdef __CUDACC__
    if (!X->emu) {
        int nch = (N + BFT_CUDA_ROWS - 1) / BFT_CUDA_ROWS;
        dim3 g1((unsigned)((C + BFT_CUDA__T - 1) / BFT_CUDA__T), (unsigned)nch);
        bft_cuda__k_colsum1<<<g1, BFT_CUDA__T, 0, X->stream>>>(X->part, X->part + (size_t)nch * C, dout, x, mean, rstd, N, C);
        bft_cuda__k_colsum2<<<g1.x, BFT_CUDA__T, 0, X->stream>>>(da, db, X->part, X->part + (size_t)nch * C, nch, C);
        return;
    }
#endif
    bft_cuda_ref_colsum(da, db, X->part, dout, x, mean, rstd, N, C);
}
/* LayerNorm backward: dx written, dw/db accumulated */
static void bft_cuda__layernorm_bwd(bft_cuda__ctx *X, float *dx, float *dw, float *db, const float *dout, const float *x,
                                    const float *mean, const float *rstd, const float *w, int N, int C)
{
#ifdef __CUDACC__
    if (!X->emu)
        bft_cuda__k_layernorm_bwd_dx<<<BFT_CUDA__ROWS_GRID(N), BFT_CUDA__T, 0, X->stream>>>(dx, dout, x, mean, rstd, w, N, C);
    else
#endif
        bft_cuda_ref_layernorm_bwd_dx(dx, dout, x, mean, rstd, w, N, C);
    bft_cuda__colsum(X, db, dw, dout, x, mean, rstd, N, C);
}
static void bft_cuda__bias(bft_cuda__ctx *X, float *out, const float *b, int N, int C)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_bias, bft_cuda__grid((size_t)N * C), BFT_CUDA__T, out, b, (size_t)N * C, C)
    bft_cuda_ref_bias(out, b, N, C);
}
static void bft_cuda__bias_gelu(bft_cuda__ctx *X, float *pre, float *act, const float *b, int N, int C)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_bias_gelu, bft_cuda__grid((size_t)N * C), BFT_CUDA__T, pre, act, b, (size_t)N * C, C)
    bft_cuda_ref_bias_gelu(pre, act, b, N, C);
}
static void bft_cuda__gelu_bwd(bft_cuda__ctx *X, float *dx, const float *x, const float *dout, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_gelu_bwd, bft_cuda__grid(n), BFT_CUDA__T, dx, x, dout, n)
    bft_cuda_ref_gelu_bwd(dx, x, dout, n);
}
static void bft_cuda__bias_dropout_residual(bft_cuda__ctx *X, float *y, const float *b, const float *res, uint64_t key,
                                            float p, int N, int C)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_bias_dropout_residual, bft_cuda__grid((size_t)N * C), BFT_CUDA__T, y, b, res, p > 0,
                     key, bft_cuda__thr(p), 1.0f / (1.0f - p), (size_t)N * C, C)
    bft_cuda_ref_bias_dropout_residual(y, b, res, key, p, N, C);
}
static void bft_cuda__dropout(bft_cuda__ctx *X, float *dst, const float *src, uint64_t key, float p, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_dropout, bft_cuda__grid(n), BFT_CUDA__T, dst, src, p > 0, key, bft_cuda__thr(p),
                     1.0f / (1.0f - p), n)
    bft_cuda_ref_dropout(dst, src, key, p, n);
}
static void bft_cuda__permute(bft_cuda__ctx *X, float *dst, const float *src, int B, int T, int H, int D, int S,
                              int to_heads)
{
    size_t n = (size_t)S * B * H * T * D;
    (void)n;
    BFT_CUDA__LAUNCH(X, bft_cuda__k_permute, bft_cuda__grid(n), BFT_CUDA__T, dst, src, B, T, H, D, S, to_heads, n)
    bft_cuda_ref_permute(dst, src, B, T, H, D, S, to_heads);
}
static void bft_cuda__softmax_fwd(bft_cuda__ctx *X, float *s, float *pd, int B, int H, int T, uint64_t key, float p)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_softmax_fwd, BFT_CUDA__ROWS_GRID((size_t)B * H * T), BFT_CUDA__T, s, pd, X->mask, B,
                     H, T, p > 0, key, bft_cuda__thr(p), 1.0f / (1.0f - p))
    bft_cuda_ref_softmax_fwd(s, pd, X->mask, B, H, T, key, p);
}
static void bft_cuda__softmax_bwd(bft_cuda__ctx *X, float *dp, const float *probs, int B, int H, int T, uint64_t key,
                                  float p)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_softmax_bwd, BFT_CUDA__ROWS_GRID((size_t)B * H * T), BFT_CUDA__T, dp, probs,
                     B * H * T, T, p > 0, key, bft_cuda__thr(p), 1.0f / (1.0f - p))
    bft_cuda_ref_softmax_bwd(dp, probs, B, H, T, key, p);
}
static void bft_cuda__tanh(bft_cuda__ctx *X, float *x, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_tanh, bft_cuda__grid(n), BFT_CUDA__T, x, n)
    bft_cuda_ref_tanh(x, n);
}
static void bft_cuda__pooler_bwd(bft_cuda__ctx *X, float *dcls, const float *pooled, uint64_t key, float p, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_pooler_bwd, bft_cuda__grid(n), BFT_CUDA__T, dcls, pooled, p > 0, key,
                     bft_cuda__thr(p), 1.0f / (1.0f - p), n)
    bft_cuda_ref_pooler_bwd(dcls, pooled, key, p, n);
}
static void bft_cuda__loss_op(bft_cuda__ctx *X, float *loss, float *dlogits, const float *logits, const float *labels,
                              int B, int NL, int regression)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_loss, 1, 1, loss, dlogits, logits, labels, B, NL, regression)
    bft_cuda_ref_loss(loss, dlogits, logits, labels, B, NL, regression);
}
static void bft_cuda__scale(bft_cuda__ctx *X, float *x, float s, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_scale, bft_cuda__grid(n), BFT_CUDA__T, x, s, n)
    bft_cuda_ref_scale(x, s, n);
}
static void bft_cuda__sumsq(bft_cuda__ctx *X, double *part, const float *g, size_t n)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_sumsq, (unsigned)((n + BFT_CUDA__CHUNK - 1) / BFT_CUDA__CHUNK), BFT_CUDA__SQ_THREADS,
                     part, g, n)
    bft_cuda_ref_sumsq(part, g, n);
}
static void bft_cuda__adamw(bft_cuda__ctx *X, float decay, float b1, float b2, float step_size, float bc2s, float eps)
{
    BFT_CUDA__LAUNCH(X, bft_cuda__k_adamw, bft_cuda__grid(X->P), BFT_CUDA__T, X->params, X->am, X->av, X->grads, X->decay,
                     decay, b1, b2, step_size, bc2s, eps, X->P)
    bft_cuda_ref_adamw(X->params, X->am, X->av, X->grads, X->decay, decay, b1, b2, step_size, bc2s, eps, X->P);
}

/* torch.nn.Linear forward: out[N,OC] = x[N,IC] W[OC,IC]^T (+ b via the caller's fused kernel).
   W's rows are bft__weight_ld(IC) floats apart, as on the CPU (the arena is the host's, copied). */
static void bft_cuda__linear(bft_cuda__ctx *X, float *out, const float *x, const float *W, int N, int IC, int OC)
{
    bft_cuda__gemm(X, 0, 1, N, OC, IC, 1.0f, x, IC, W, (int)bft__weight_ld(IC), 0.0f, out, OC);
}
/* bft__linear_bwd: dx = dout W (+ dx_beta dx), dW += dout^T x, db += colsum(dout) */
static void bft_cuda__linear_bwd(bft_cuda__ctx *X, float *dx, float dx_beta, float *dW, float *db, const float *dout,
                                 const float *x, const float *W, int N, int IC, int OC)
{
    const int ldw = (int)bft__weight_ld(IC);
    if (dx) bft_cuda__gemm(X, 0, 0, N, IC, OC, 1.0f, dout, OC, W, ldw, dx_beta, dx, IC);
    bft_cuda__gemm(X, 1, 0, OC, IC, N, 1.0f, dout, OC, x, IC, 1.0f, dW, ldw);
    bft_cuda__colsum(X, db, NULL, dout, NULL, NULL, NULL, N, OC);
}

/* Lay out the arena for (B, T); base NULL only counts. Per-layer arrays hold L copies. */
static size_t bft_cuda__layout(bft_cuda__ctx *X, const bft_config *c, int B, int T, float *base)
{
    size_t N = (size_t)B * T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t L = (size_t)c->num_hidden_layers, NL = (size_t)c->num_labels, P = (size_t)B * c->num_attention_heads * T * T;
    size_t W = (3 * C > I ? 3 * C : I) > NL ? (3 * C > I ? 3 * C : I) : NL, nch = (N + BFT_CUDA_ROWS - 1) / BFT_CUDA_ROWS, f = 0;
#define BFT_CUDA__F(ptr, n) do { if (base) X->ptr = base + f; f += (n); f = (f + 63) & ~(size_t)63; } while (0)
    BFT_CUDA__F(labels, B);
    BFT_CUDA__F(emb_in, N * C); BFT_CUDA__F(emb_mean, N); BFT_CUDA__F(emb_rstd, N);
    BFT_CUDA__F(hidden, (L + 1) * N * C);
    BFT_CUDA__F(qkv_tmp, N * 3 * C);
    BFT_CUDA__F(qkvp, L * N * 3 * C);
    BFT_CUDA__F(probs, L * P);
    BFT_CUDA__F(ctx, L * N * C);
    BFT_CUDA__F(ln1_in, L * N * C); BFT_CUDA__F(ln1_mean, L * N); BFT_CUDA__F(ln1_rstd, L * N);
    BFT_CUDA__F(ln1_out, L * N * C);
    BFT_CUDA__F(inter_pre, L * N * I); BFT_CUDA__F(inter_act, L * N * I);
    BFT_CUDA__F(ln2_in, L * N * C); BFT_CUDA__F(ln2_mean, L * N); BFT_CUDA__F(ln2_rstd, L * N);
    BFT_CUDA__F(att_a, P); BFT_CUDA__F(att_b, P);
    BFT_CUDA__F(headp, N * C); BFT_CUDA__F(dheadp, N * C); BFT_CUDA__F(dqkvp, N * 3 * C);
    BFT_CUDA__F(pool_in, B * C); BFT_CUDA__F(pooled, B * C); BFT_CUDA__F(cls_in, B * C);
    BFT_CUDA__F(logits, B * NL + 1); BFT_CUDA__F(dlogits, B * NL);
    BFT_CUDA__F(dcls, B * C); BFT_CUDA__F(dpool, B * C);
    BFT_CUDA__F(dh, N * C); BFT_CUDA__F(dt1, N * C); BFT_CUDA__F(dt2, N * C); BFT_CUDA__F(dqkv, N * 3 * C);
    BFT_CUDA__F(dinter, N * I);
    BFT_CUDA__F(part, 2 * nch * W);
#undef BFT_CUDA__F
    return f;
}

static bft_result bft_cuda__prepare(bft_cuda__ctx *X, int B, int T)
{
    const bft_config *c = &X->m->config;
    size_t need = bft_cuda__layout(X, c, B, T, NULL), N = (size_t)B * T, nints = 3 * N + 3 * (3 * N + 2);
    size_t nl = (size_t)B * c->num_labels + 1;
    bft_result r;
    if (need > X->arena_cap) {
        bft_cuda__release(X, X->arena);
        X->bytes -= X->arena_cap * sizeof(float);
        X->arena = NULL;
        X->arena_cap = 0;
        if ((r = bft_cuda__alloc(X, (void **)&X->arena, need * sizeof(float))) != BFT_OK) {
            char why[1024];
            memcpy(why, bft_last_error(), sizeof why);
            why[sizeof why - 1] = 0;
            return bft__fail(r, "%s (activations for a batch of %d x %d: %.1f MB)", why, B, T, need * 4.0 / 1e6);
        }
        X->arena_cap = need;
    }
    if (nints > X->ints_cap) {
        int32_t *h = (int32_t *)bft__realloc(X->hints, (nints + 2 * N) * sizeof(int32_t));
        if (!h) return bft__fail(BFT_ERR_OOM, "out of memory");
        X->hints = h;
        bft_cuda__release(X, X->ints);
        X->bytes -= X->ints_cap * sizeof(int32_t);
        X->ints = NULL;
        X->ints_cap = 0;
        if ((r = bft_cuda__alloc(X, (void **)&X->ints, nints * sizeof(int32_t))) != BFT_OK) return r;
        X->ints_cap = X->hints_cap = nints;
    }
    if (nl > X->hlogits_cap) {
        float *h = (float *)bft__realloc(X->hlogits, nl * sizeof(float));
        if (!h) return bft__fail(BFT_ERR_OOM, "out of memory");
        X->hlogits = h;
        X->hlogits_cap = nl;
    }
    bft_cuda__layout(X, c, B, T, X->arena);
    X->B = B;
    X->T = T;
    return BFT_OK;
}

/* Host side of a batch: validate as bft_forward does, build the embedding-backward segments,
   send everything in one copy. */
static bft_result bft_cuda__upload_batch(bft_cuda__ctx *X, const bft_batch *b)
{
    const bft_config *c = &X->m->config;
    int B = b->batch_size, T = b->seq_len, N = B * T, n, k;
    int32_t *h, *o, *scratch;
    bft_result r;
    if (B < 1 || T < 1) return bft__fail(BFT_ERR_INVALID, "batch: batch_size and seq_len must be >= 1 (got %d x %d)", B, T);
    if (T > c->max_position_embeddings)
        return bft__fail(BFT_ERR_INVALID, "batch: sequence length %d exceeds max_position_embeddings %d", T,
                         c->max_position_embeddings);
    if (!b->input_ids) return bft__fail(BFT_ERR_INVALID, "batch: input_ids is NULL");
    for (n = 0; n < N; n++) {
        if (b->input_ids[n] < 0 || b->input_ids[n] >= c->vocab_size)
            return bft__fail(BFT_ERR_INVALID, "batch: input_ids[%d][%d] = %d is outside the vocabulary (size %d)",
                             n / T, n % T, (int)b->input_ids[n], c->vocab_size);
        if (b->token_type_ids && (b->token_type_ids[n] < 0 || b->token_type_ids[n] >= c->type_vocab_size))
            return bft__fail(BFT_ERR_INVALID, "batch: token_type_ids[%d][%d] = %d is outside [0, %d)", n / T, n % T,
                             (int)b->token_type_ids[n], c->type_vocab_size);
    }
    if (b->labels && !bft_config_is_regression(c)) {
        if (c->problem_type == BFT_PROBLEM_MULTI_LABEL)
            return bft__fail(BFT_ERR_UNSUPPORTED, "problem_type multi_label_classification is not supported for training");
        for (n = 0; n < B; n++) {
            float y = b->labels[n];
            if (y != -100.0f && (y != floorf(y) || y < 0 || y >= c->num_labels))
                return bft__fail(BFT_ERR_INVALID, "batch: label of row %d is %g, expected a class id in [0, %d) "
                                 "(or -100 to ignore the row)", n, y, c->num_labels);
        }
    }
    if ((r = bft_cuda__prepare(X, B, T)) != BFT_OK) return r;
    h = X->hints;
    for (n = 0; n < N; n++) {
        h[n] = b->input_ids[n];
        h[N + n] = b->token_type_ids ? b->token_type_ids[n] : 0;
        h[2 * N + n] = b->attention_mask ? (b->attention_mask[n] != 0) : 1;
    }
    /* segments for the embedding backward: word rows (the padding id excluded, as
       nn.Embedding(padding_idx) does), positions (token n is position n % T), token types */
    o = h + 3 * N;
    scratch = h + X->hints_cap;
    for (k = 0; k < 3; k++) {
        int32_t *rows = o, *starts = o + N, *idx = o + 2 * N + 1;
        if (k == 1) { /* every position appears B times in token order: direct CSR */
            int t;
            for (t = 0; t < T; t++) {
                rows[t] = t;
                starts[t] = t * B;
                for (n = 0; n < B; n++) idx[t * B + n] = n * T + t;
            }
            starts[T] = N;
            X->nseg[1] = T;
        } else {
            X->nseg[k] = bft_cuda_ref_segments(rows, starts, idx, k == 0 ? h : h + N, N, k == 0 ? c->pad_token_id : -1,
                                               scratch);
        }
        X->seg_rows[k] = X->ints + (rows - h);
        X->seg_starts[k] = X->ints + (starts - h);
        X->seg_idx[k] = X->ints + (idx - h);
        o += 3 * N + 2;
    }
    X->ids = X->ints;
    X->types = X->ints + N;
    X->mask = X->ints + 2 * N;
    if ((r = bft_cuda__copy(X, X->ints, h, (size_t)(3 * N + 3 * (3 * N + 2)) * sizeof(int32_t), 0)) != BFT_OK) return r;
    if (b->labels) {
        if ((r = bft_cuda__copy(X, X->labels, b->labels, (size_t)B * sizeof(float), 0)) != BFT_OK) return r;
    }
    /* pageable host->device copies may return before the data is read: wait, so that the
       caller may reuse its batch and we may reuse the staging buffer */
    return bft_cuda__sync(X, "batch upload");
}

/* the CPU's own key draw (bft__drop_key), so both paths consume the generator identically */
static uint64_t bft_cuda__key(bft_model *m, float p)
{
    uint64_t key = 0;
    return bft__drop_key(m, p, &key) ? key : 0;
}

static bft_result bft_cuda__forward(void *ctx, bft_model *m, const bft_batch *b, int training)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    const bft_config *c = &m->config;
    int B = b->batch_size, T = b->seq_len, C = c->hidden_size, I = c->intermediate_size, H = c->num_attention_heads;
    int D = C / H, NL = c->num_labels, L = c->num_hidden_layers, N = B * T, l;
    float ph = c->hidden_dropout_prob, pa = c->attention_probs_dropout_prob, pc = bft_config_classifier_dropout(c);
    size_t TD = (size_t)T * D, TT = (size_t)T * T, NC = (size_t)N * C, NI = (size_t)N * I;
    bft_result r;
    m->has_loss = X->has_loss = 0;
    m->loss = NAN;
    if (m != X->m) return bft__fail(BFT_ERR_INVALID, "bft_cuda: the device was created for another model");
    if ((r = bft_cuda__upload_batch(X, b)) != BFT_OK) return r;
    m->B = B;
    m->T = T;
    m->training = X->training = training;
    if (!training) { ph = pa = pc = 0.0f; }
    X->drop = training;
    /* keys in bft_forward's order: embeddings, per layer (attention, attention output, FFN output), classifier */
    X->key_emb = bft_cuda__key(m, ph);

    bft_cuda__embed_fwd(X, X->emb_in, &X->dp, N, T, C);
    bft_cuda__layernorm_fwd(X, X->hidden, X->emb_mean, X->emb_rstd, X->emb_in, X->dp.emb_ln_w, X->dp.emb_ln_b, N, C,
                            c->layer_norm_eps);
    if (ph > 0) bft_cuda__dropout(X, X->hidden, X->hidden, X->key_emb, ph, NC);

    for (l = 0; l < L; l++) {
        const bft_layer *w = &X->dp.layers[l];
        float *x = X->hidden + l * NC, *out = X->hidden + (l + 1) * NC, *qkvp = X->qkvp + l * 3 * NC;
        float *probs = X->probs + l * (size_t)B * H * TT, *ctxv = X->ctx + l * NC, *ln1_in = X->ln1_in + l * NC;
        float *ln1_out = X->ln1_out + l * NC, *pre = X->inter_pre + l * NI, *act = X->inter_act + l * NI;
        float *ln2_in = X->ln2_in + l * NC;
        X->key_att[l] = bft_cuda__key(m, pa);
        X->key_ao[l] = bft_cuda__key(m, ph);
        X->key_o[l] = bft_cuda__key(m, ph);
        /* q|k|v in one GEMM, then into [3, B, H, T, D] for the batched products */
        bft_cuda__linear(X, X->qkv_tmp, x, w->q_w, N, C, 3 * C);
        bft_cuda__bias(X, X->qkv_tmp, w->q_b, N, 3 * C);
        bft_cuda__permute(X, qkvp, X->qkv_tmp, B, T, H, D, 3, 1);
        bft_cuda__gemm_batched(X, 0, 1, T, T, D, 1.0f / sqrtf((float)D), qkvp, D, TD, qkvp + NC, D, TD, 0.0f, probs, T,
                               TT, B * H);
        bft_cuda__softmax_fwd(X, probs, X->att_a, B, H, T, X->key_att[l], pa);
        bft_cuda__gemm_batched(X, 0, 0, T, D, T, 1.0f, pa > 0 ? X->att_a : probs, T, TT, qkvp + 2 * NC, D, TD, 0.0f,
                               X->headp, D, TD, B * H);
        bft_cuda__permute(X, ctxv, X->headp, B, T, H, D, 1, 0);
        /* dense -> dropout -> + x -> LayerNorm */
        bft_cuda__linear(X, ln1_in, ctxv, w->ao_w, N, C, C);
        bft_cuda__bias_dropout_residual(X, ln1_in, w->ao_b, x, X->key_ao[l], ph, N, C);
        bft_cuda__layernorm_fwd(X, ln1_out, X->ln1_mean + (size_t)l * N, X->ln1_rstd + (size_t)l * N, ln1_in, w->ln1_w,
                                w->ln1_b, N, C, c->layer_norm_eps);
        /* dense + GELU -> dense -> dropout -> + residual -> LayerNorm */
        bft_cuda__linear(X, pre, ln1_out, w->i_w, N, C, I);
        bft_cuda__bias_gelu(X, pre, act, w->i_b, N, I);
        bft_cuda__linear(X, ln2_in, act, w->o_w, N, I, C);
        bft_cuda__bias_dropout_residual(X, ln2_in, w->o_b, ln1_out, X->key_o[l], ph, N, C);
        bft_cuda__layernorm_fwd(X, out, X->ln2_mean + (size_t)l * N, X->ln2_rstd + (size_t)l * N, ln2_in, w->ln2_w,
                                w->ln2_b, N, C, c->layer_norm_eps);
    }
    X->key_cls = bft_cuda__key(m, pc);
    /* pooler on [CLS] (token 0 of each row), classifier, loss */
    if ((r = bft_cuda__copy_rows(X, X->pool_in, (size_t)C * sizeof(float), X->hidden + L * NC, (size_t)T * C * sizeof(float),
                                 (size_t)C * sizeof(float), (size_t)B)) != BFT_OK) return r;
    bft_cuda__linear(X, X->pooled, X->pool_in, X->dp.pool_w, B, C, C);
    bft_cuda__bias(X, X->pooled, X->dp.pool_b, B, C);
    bft_cuda__tanh(X, X->pooled, (size_t)B * C);
    bft_cuda__dropout(X, X->cls_in, X->pooled, X->key_cls, pc, (size_t)B * C);
    bft_cuda__linear(X, X->logits, X->cls_in, X->dp.cls_w, B, C, NL);
    bft_cuda__bias(X, X->logits, X->dp.cls_b, B, NL);
    if (b->labels)
        bft_cuda__loss_op(X, X->logits + (size_t)B * NL, X->dlogits, X->logits, X->labels, B, NL, bft_config_is_regression(c));
    if ((r = bft_cuda__copy(X, X->hlogits, X->logits, ((size_t)B * NL + 1) * sizeof(float), 1)) != BFT_OK) return r;
    if ((r = bft_cuda__sync(X, "forward")) != BFT_OK) return r;
    m->logits = X->hlogits;
    if (b->labels) {
        m->loss = X->hlogits[(size_t)B * NL];
        m->has_loss = X->has_loss = 1;
    }
    return BFT_OK;
}

static bft_result bft_cuda__backward(void *ctx, bft_model *m, float scale)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    const bft_config *c = &m->config;
    int B = X->B, T = X->T, C = c->hidden_size, I = c->intermediate_size, H = c->num_attention_heads, D = C / H;
    int NL = c->num_labels, L = c->num_hidden_layers, N = B * T, l;
    float ph = c->hidden_dropout_prob, pa = c->attention_probs_dropout_prob, pc = bft_config_classifier_dropout(c);
    float sc = 1.0f / sqrtf((float)D);
    size_t TD = (size_t)T * D, TT = (size_t)T * T, NC = (size_t)N * C, NI = (size_t)N * I;
    float *dh = X->dh, *t1 = X->dt1, *t2 = X->dt2, *swap;
    bft_result r;
    if (m != X->m) return bft__fail(BFT_ERR_INVALID, "bft_cuda: the device was created for another model");
    if (!X->has_loss || !X->training)
        return bft__fail(BFT_ERR_INVALID, "backward needs a preceding forward with training = 1 and labels");
    if (scale != 1.0f) bft_cuda__scale(X, X->dlogits, scale, (size_t)B * NL);

    bft_cuda__linear_bwd(X, X->dcls, 0.0f, X->dg.cls_w, X->dg.cls_b, X->dlogits, X->cls_in, X->dp.cls_w, B, C, NL);
    bft_cuda__pooler_bwd(X, X->dcls, X->pooled, X->key_cls, pc, (size_t)B * C);
    bft_cuda__linear_bwd(X, X->dpool, 0.0f, X->dg.pool_w, X->dg.pool_b, X->dcls, X->pool_in, X->dp.pool_w, B, C, C);
    if ((r = bft_cuda__zero(X, dh, NC * sizeof(float))) != BFT_OK) return r;
    if ((r = bft_cuda__copy_rows(X, dh, (size_t)T * C * sizeof(float), X->dpool, (size_t)C * sizeof(float),
                                 (size_t)C * sizeof(float), (size_t)B)) != BFT_OK) return r;

    for (l = L - 1; l >= 0; l--) {
        const bft_layer *w = &X->dp.layers[l];
        bft_layer *g = &X->dg.layers[l];
        float *x = X->hidden + l * NC, *qkvp = X->qkvp + l * 3 * NC, *probs = X->probs + l * (size_t)B * H * TT;
        float *ctxv = X->ctx + l * NC, *ln1_in = X->ln1_in + l * NC, *ln1_out = X->ln1_out + l * NC;
        float *pre = X->inter_pre + l * NI, *act = X->inter_act + l * NI, *ln2_in = X->ln2_in + l * NC;
        /* output LayerNorm, FFN */
        bft_cuda__layernorm_bwd(X, t1, g->ln2_w, g->ln2_b, dh, ln2_in, X->ln2_mean + (size_t)l * N,
                                X->ln2_rstd + (size_t)l * N, w->ln2_w, N, C);
        bft_cuda__dropout(X, t2, t1, X->key_o[l], ph, NC);
        bft_cuda__linear_bwd(X, X->dinter, 0.0f, g->o_w, g->o_b, t2, act, w->o_w, N, I, C);
        bft_cuda__gelu_bwd(X, X->dinter, pre, X->dinter, NI);
        if ((r = bft_cuda__copy(X, t2, t1, NC * sizeof(float), 2)) != BFT_OK) return r;
        bft_cuda__linear_bwd(X, t2, 1.0f, g->i_w, g->i_b, X->dinter, ln1_out, w->i_w, N, C, I);
        /* attention output LayerNorm and dense */
        bft_cuda__layernorm_bwd(X, t1, g->ln1_w, g->ln1_b, t2, ln1_in, X->ln1_mean + (size_t)l * N,
                                X->ln1_rstd + (size_t)l * N, w->ln1_w, N, C);
        bft_cuda__dropout(X, t2, t1, X->key_ao[l], ph, NC);
        bft_cuda__linear_bwd(X, dh, 0.0f, g->ao_w, g->ao_b, t2, ctxv, w->ao_w, N, C, C);
        /* attention: d(ctx) into heads; Pd recomputed from probs and the key */
        bft_cuda__permute(X, X->dheadp, dh, B, T, H, D, 1, 1);
        if (pa > 0) bft_cuda__dropout(X, X->att_a, probs, X->key_att[l], pa, (size_t)B * H * TT);
        bft_cuda__gemm_batched(X, 0, 1, T, T, D, 1.0f, X->dheadp, D, TD, qkvp + 2 * NC, D, TD, 0.0f, X->att_b, T, TT,
                               B * H);
        bft_cuda__gemm_batched(X, 1, 0, T, D, T, 1.0f, pa > 0 ? X->att_a : probs, T, TT, X->dheadp, D, TD, 0.0f,
                               X->dqkvp + 2 * NC, D, TD, B * H);
        bft_cuda__softmax_bwd(X, X->att_b, probs, B, H, T, X->key_att[l], pa);
        bft_cuda__gemm_batched(X, 0, 0, T, D, T, sc, X->att_b, T, TT, qkvp + NC, D, TD, 0.0f, X->dqkvp, D, TD, B * H);
        bft_cuda__gemm_batched(X, 1, 0, T, D, T, sc, X->att_b, T, TT, qkvp, D, TD, 0.0f, X->dqkvp + NC, D, TD, B * H);
        bft_cuda__permute(X, X->dqkv, X->dqkvp, B, T, H, D, 3, 0);
        /* d(x) = residual (t1) + the q/k/v branch */
        bft_cuda__linear_bwd(X, t1, 1.0f, g->q_w, g->q_b, X->dqkv, x, w->q_w, N, C, 3 * C);
        swap = dh; dh = t1; t1 = swap;
    }
    bft_cuda__dropout(X, dh, dh, X->key_emb, ph, NC);
    bft_cuda__layernorm_bwd(X, t1, X->dg.emb_ln_w, X->dg.emb_ln_b, dh, X->emb_in, X->emb_mean, X->emb_rstd,
                            X->dp.emb_ln_w, N, C);
    bft_cuda__segsum(X, X->dg.word_emb, t1, 0, C);
    bft_cuda__segsum(X, X->dg.pos_emb, t1, 1, C);
    bft_cuda__segsum(X, X->dg.type_emb, t1, 2, C);
    X->has_loss = 0;
    m->has_loss = 0;
    /* no host sync: the next step's kernels queue behind these */
#ifdef __CUDACC__
    if (!X->emu) {
        if ((r = bft_cuda__err(cudaGetLastError(), "backward")) != BFT_OK) return r;
        if (X->cublas_status) return bft__fail(BFT_ERR_IO, "cuBLAS: backward: status %d", X->cublas_status);
    }
#endif
    return BFT_OK;
}

static bft_result bft_cuda__zero_grad(void *ctx, bft_model *m)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    (void)m;
    return bft_cuda__zero(X, X->grads, X->P * sizeof(float));
}

static bft_result bft_cuda__clip(void *ctx, bft_model *m, float max_norm, float *total_norm)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    size_t nch = (X->P + BFT_CUDA__CHUNK - 1) / BFT_CUDA__CHUNK, k;
    double s = 0;
    float norm, coef;
    bft_result r;
    (void)m;
    bft_cuda__sumsq(X, X->dparts, X->grads, X->P);
    if ((r = bft_cuda__copy(X, X->hparts, X->dparts, nch * sizeof(double), 1)) != BFT_OK) return r;
    if ((r = bft_cuda__sync(X, "clip_grad_norm")) != BFT_OK) return r;
    for (k = 0; k < nch; k++) s += X->hparts[k];
    norm = (float)sqrt(s);
    if (total_norm) *total_norm = norm;
    if (norm != norm || norm > FLT_MAX)
        return bft__fail(BFT_ERR_NUMERIC, "gradient norm is %s", norm != norm ? "NaN" : "infinite");
    coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f) bft_cuda__scale(X, X->grads, coef, X->P);
    return BFT_OK;
}

static bft_result bft_cuda__adamw_step(void *ctx, bft_model *m, bft_adamw *o, double lr)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    float step_size, bc2s;
    (void)m;
    if (o->n != X->P) return bft__fail(BFT_ERR_INVALID, "bft_cuda: optimizer is for %zu parameters, model has %zu", o->n, X->P);
    o->step++;
    step_size = (float)(lr / (1.0 - pow(o->beta1, (double)o->step)));
    bc2s = (float)sqrt(1.0 - pow(o->beta2, (double)o->step));
    bft_cuda__adamw(X, (float)(1.0 - lr * o->weight_decay), o->beta1, o->beta2, step_size, bc2s, o->eps);
#ifdef __CUDACC__
    if (!X->emu) return bft_cuda__err(cudaGetLastError(), "adamw");
#endif
    return BFT_OK;
}

static bft_result bft_cuda__to_host(void *ctx, bft_model *m, bft_adamw *o)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    bft_result r;
    bft_model_unpack_bf16(m); /* the CPU's packed bf16 weights are of the old m->params */
    if ((r = bft_cuda__copy(X, m->params, X->params, X->P * sizeof(float), 1)) != BFT_OK) return r;
    if (o && o->m && o->v && o->n == X->P) {
        if ((r = bft_cuda__copy(X, o->m, X->am, X->P * sizeof(float), 1)) != BFT_OK) return r;
        if ((r = bft_cuda__copy(X, o->v, X->av, X->P * sizeof(float), 1)) != BFT_OK) return r;
    }
    return bft_cuda__sync(X, "to_host");
}

static bft_result bft_cuda__to_device(void *ctx, bft_model *m, const bft_adamw *o)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)ctx;
    bft_result r;
    if (m != X->m || m->num_params != X->P) return bft__fail(BFT_ERR_INVALID, "bft_cuda: the device was created for another model");
    if ((r = bft_cuda__copy(X, X->params, m->params, X->P * sizeof(float), 0)) != BFT_OK) return r;
    if (o && o->m && o->v && o->n == X->P) {
        if ((r = bft_cuda__copy(X, X->am, o->m, X->P * sizeof(float), 0)) != BFT_OK) return r;
        if ((r = bft_cuda__copy(X, X->av, o->v, X->P * sizeof(float), 0)) != BFT_OK) return r;
    } else {
        if ((r = bft_cuda__zero(X, X->am, X->P * sizeof(float))) != BFT_OK) return r;
        if ((r = bft_cuda__zero(X, X->av, X->P * sizeof(float))) != BFT_OK) return r;
    }
    return bft_cuda__sync(X, "to_device");
}

BERTFT_CUDA_DEF int bft_cuda_device_count(void)
{
#ifdef __CUDACC__
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) { cudaGetLastError(); return 0; }
    return n;
#else
    return 0;
#endif
}

static void bft_cuda__destroy(bft_cuda__ctx *X)
{
    if (!X) return;
    bft_cuda__release(X, X->params);
    bft_cuda__release(X, X->grads);
    bft_cuda__release(X, X->am);
    bft_cuda__release(X, X->av);
    bft_cuda__release(X, X->decay);
    bft_cuda__release(X, X->arena);
    bft_cuda__release(X, X->ints);
    bft_cuda__release(X, X->dparts);
    bft_cuda__release(X, X->b16);
#ifdef __CUDACC__
    if (!X->emu) {
        if (X->blas) cublasDestroy(X->blas);
        if (X->stream) cudaStreamDestroy(X->stream);
    }
#endif
    bft_free(X->hints);
    bft_free(X->hlogits);
    bft_free(X->hparts);
    bft_free(X->key_att);
    bft_free(X->dp.layers);
    bft_free(X->dg.layers);
    bft_free(X);
}

BERTFT_CUDA_DEF bft_result bft_cuda_device_create(bft_device *dev, bft_model *m, const bft_adamw *opt, int gpu_index)
{
    bft_cuda__ctx *X;
    bft_result r;
    int L = m->config.num_hidden_layers, k;
    size_t nch;
    uint8_t *hd;
    const char *env = getenv("BERTFT_CUDA_MATH");
    memset(dev, 0, sizeof *dev);
#ifndef __CUDACC__
    if (gpu_index != BFT_CUDA_EMULATE)
        return bft__fail(BFT_ERR_UNSUPPORTED, "bft_cuda: this program was built without nvcc (build bertft-cuda with `make cuda`)");
#endif
    if (!(X = BFT__NEW(bft_cuda__ctx, 1))) return bft__fail(BFT_ERR_OOM, "out of memory");
    X->emu = gpu_index == BFT_CUDA_EMULATE;
    X->gpu = gpu_index;
    X->m = m;
    X->P = m->num_params;
    X->math = env && !strcmp(env, "fp32") ? BFT_CUDA_MATH_FP32 : env && !strcmp(env, "bf16") ? BFT_CUDA_MATH_BF16
                                                                                            : BFT_CUDA_MATH_TF32;
    X->dp.layers = BFT__NEW(bft_layer, L > 0 ? L : 1);
    X->dg.layers = BFT__NEW(bft_layer, L > 0 ? L : 1);
    X->key_att = BFT__NEW(uint64_t, 3 * (size_t)(L > 0 ? L : 1));
    nch = (X->P + BFT_CUDA__CHUNK - 1) / BFT_CUDA__CHUNK;
    X->hparts = BFT__NEW(double, nch);
    if (!X->dp.layers || !X->dg.layers || !X->key_att || !X->hparts) { bft_cuda__destroy(X); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    X->key_ao = X->key_att + L;
    X->key_o = X->key_att + 2 * L;
    if (X->emu) snprintf(X->name, sizeof X->name, "cuda-emulation (host reference kernels)");
#ifdef __CUDACC__
    else {
        struct cudaDeviceProp prop;
        int count = bft_cuda_device_count();
        if (count == 0) { bft_cuda__destroy(X); return bft__fail(BFT_ERR_UNSUPPORTED, "bft_cuda: no CUDA GPU found (%s)", "cudaGetDeviceCount returned 0 or failed"); }
        if (gpu_index < 0 || gpu_index >= count) { bft_cuda__destroy(X); return bft__fail(BFT_ERR_INVALID, "bft_cuda: GPU %d does not exist (%d found)", gpu_index, count); }
        if ((r = bft_cuda__err(cudaSetDevice(gpu_index), "cudaSetDevice")) != BFT_OK ||
            (r = bft_cuda__err(cudaGetDeviceProperties(&prop, gpu_index), "cudaGetDeviceProperties")) != BFT_OK ||
            (r = bft_cuda__err(cudaStreamCreate(&X->stream), "cudaStreamCreate")) != BFT_OK) { bft_cuda__destroy(X); return r; }
        if (cublasCreate(&X->blas) != CUBLAS_STATUS_SUCCESS) { X->blas = NULL; bft_cuda__destroy(X); return bft__fail(BFT_ERR_IO, "cuBLAS: cublasCreate failed"); }
        cublasSetStream(X->blas, X->stream);
        snprintf(X->name, sizeof X->name, "cuda:%d (%s, sm_%d%d, %.1f GiB)", gpu_index, prop.name, prop.major, prop.minor,
                 prop.totalGlobalMem / 1073741824.0);
    }
#endif
    if ((r = bft_cuda__alloc(X, (void **)&X->params, X->P * sizeof(float))) != BFT_OK ||
        (r = bft_cuda__alloc(X, (void **)&X->grads, X->P * sizeof(float))) != BFT_OK ||
        (r = bft_cuda__alloc(X, (void **)&X->am, X->P * sizeof(float))) != BFT_OK ||
        (r = bft_cuda__alloc(X, (void **)&X->av, X->P * sizeof(float))) != BFT_OK ||
        (r = bft_cuda__alloc(X, (void **)&X->decay, X->P)) != BFT_OK ||
        (r = bft_cuda__alloc(X, (void **)&X->dparts, nch * sizeof(double))) != BFT_OK) {
        bft_cuda__destroy(X);
        return r;
    }
    bft__bind(m, &X->dp, X->params);
    bft__bind(m, &X->dg, X->grads);
    /* HF's parameter groups, per element, so that AdamW is one kernel over the flat buffer */
    if (!(hd = (uint8_t *)bft__malloc(X->P))) { bft_cuda__destroy(X); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    for (k = 0; k < m->num_tensors; k++) /* padded rows included (bft_tensor_info.ld) */
        memset(hd + m->tensors[k].offset, m->tensors[k].weight_decay ? 1 : 0, bft__tensor_span(&m->tensors[k]));
    r = bft_cuda__copy(X, X->decay, hd, X->P, 0);
    if (r == BFT_OK) r = bft_cuda__sync(X, "upload");
    bft_free(hd);
    if (r == BFT_OK) r = bft_cuda__zero(X, X->grads, X->P * sizeof(float));
    if (r == BFT_OK) r = bft_cuda__to_device(X, m, opt);
    if (r != BFT_OK) { bft_cuda__destroy(X); return r; }
    dev->name = X->name;
    dev->ctx = X;
    dev->forward = bft_cuda__forward;
    dev->backward = bft_cuda__backward;
    dev->zero_grad = bft_cuda__zero_grad;
    dev->clip_grad_norm = bft_cuda__clip;
    dev->adamw_step = bft_cuda__adamw_step;
    dev->to_host = bft_cuda__to_host;
    dev->to_device = bft_cuda__to_device;
    return BFT_OK;
}

BERTFT_CUDA_DEF bft_result bft_cuda_set_math(bft_device *dev, int mode)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)dev->ctx;
    if (!X || (mode != BFT_CUDA_MATH_FP32 && mode != BFT_CUDA_MATH_TF32 && mode != BFT_CUDA_MATH_BF16))
        return bft__fail(BFT_ERR_INVALID, "bft_cuda_set_math: mode must be BFT_CUDA_MATH_FP32, _TF32 or _BF16");
    X->math = mode;
    return BFT_OK;
}

BERTFT_CUDA_DEF bft_result bft_cuda_grads_to_host(bft_device *dev, bft_model *m)
{
    bft_cuda__ctx *X = (bft_cuda__ctx *)dev->ctx;
    bft_result r;
    if (!X || m != X->m) return bft__fail(BFT_ERR_INVALID, "bft_cuda_grads_to_host: not this device's model");
    if (!m->grads) {
        if (!(m->grads = bft__alloc64(m->num_params, 1)))
            return bft__fail(BFT_ERR_OOM, "out of memory for gradients");
        bft__bind(m, &m->g, m->grads);
    }
    if ((r = bft_cuda__copy(X, m->grads, X->grads, X->P * sizeof(float), 1)) != BFT_OK) return r;
    return bft_cuda__sync(X, "grads_to_host");
}

BERTFT_CUDA_DEF size_t bft_cuda_memory_used(const bft_device *dev)
{
    const bft_cuda__ctx *X = (const bft_cuda__ctx *)dev->ctx;
    return X ? X->bytes : 0;
}

BERTFT_CUDA_DEF void bft_cuda_device_free(bft_device *dev)
{
    if (!dev) return;
    bft_cuda__destroy((bft_cuda__ctx *)dev->ctx);
    memset(dev, 0, sizeof *dev);
}

#endif /* BERTFT_CUDA_IMPLEMENTATION_DONE */
#endif /* BERTFT_CUDA_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
------------------------------------------------------------------------------
ALTERNATIVE A - MIT License
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
ALTERNATIVE B - Public Domain (www.unlicense.org)
This is free and unencumbered software released into the public domain.
Anyone is free to copy, modify, publish, use, compile, sell, or distribute this
software, either in source code form or as a compiled binary, for any purpose,
commercial or non-commercial, and by any means.
In jurisdictions that recognize copyright laws, the author or authors of this
software dedicate any and all copyright interest in the software to the public
domain. We make this dedication in addition to any other rights to the software
under copyright law.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN
ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
------------------------------------------------------------------------------
*/
