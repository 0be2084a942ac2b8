/* bertft.h - v0.1 - fine-tune BERT for sequence(-pair) classification in plain C.

   Do this:
      #define BERTFT_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.

   What it is
   ----------
   One header that does what Hugging Face's AutoTokenizer + DataCollatorWithPadding +
   BertForSequenceClassification + Trainer + evaluate do for GLUE tasks: read config.json,
   model.safetensors and vocab.txt, tokenize exactly like BertTokenizerFast, run a hand-written
   forward and backward pass that follows PyTorch step for step, update with AdamW, and write a
   checkpoint that `from_pretrained` loads. libc + libm only; OpenMP is used when compiled with
   -fopenmp.

   The header reads as a course, top to bottom:
      config -> tokenizer -> kernels (GEMM) -> layers (forward/backward) -> model -> optimizer
      -> data/collator -> metrics -> checkpoint I/O -> trainer -> logging

   Example (one training step; error handling shortened):

      #define BERTFT_IMPLEMENTATION
      #include "bertft.h"

      bft_model *m;
      if (bft_model_from_pretrained(&m, "bert-base-uncased", NULL, 42) != BFT_OK) {
          fprintf(stderr, "%s\n", bft_last_error()); return 1;
      }
      bft_adamw opt; bft_adamw_init(&opt, m, 2e-5f, 0.9f, 0.999f, 1e-8f, 0.01f);
      bft_batch b = { 2, 6, ids, type_ids, mask, labels };   // batch_size 2, seq_len 6
      bft_zero_grad(m);
      bft_forward(m, &b, 1);       // training mode: dropout on; m->loss, m->logits
      bft_backward(m);             // gradients into m->grads
      bft_clip_grad_norm(m, 1.0f, NULL);
      bft_adamw_step(&opt, m, 2e-5f);
      bft_model_save(m, "out");    // out/config.json + out/model.safetensors
      bft_model_free(m);

   Options (define before including, in the implementation file):
      BERTFT_STATIC            make every function static (private copy per translation unit)
      BERTFT_MALLOC(sz)        \
      BERTFT_REALLOC(p, sz)     > replace the allocator (all three together)
      BERTFT_FREE(p)           /
      BERTFT_ASSERT(x)         replace assert() for internal invariants (never user input)

   Errors: every function that can fail returns a bft_result (BFT_OK == 0, errors < 0) and sets a
   thread-local message readable with bft_last_error(): file, line or tensor name and what was
   expected. The library never prints and never exits.

   License: MIT or public domain (Unlicense), at the end of this file.
*/
#ifndef BERTFT_H_INCLUDED
#define BERTFT_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#ifndef BERTFT_DEF
#ifdef BERTFT_STATIC
#define BERTFT_DEF static
#else
#ifdef __cplusplus
#define BERTFT_DEF extern "C"
#else
#define BERTFT_DEF extern
#endif
#endif
#endif

#define BERTFT_VERSION "0.1.0"

/* ------------------------------------------------------------------------------------------ */
/* Results and errors                                                                          */
/* ------------------------------------------------------------------------------------------ */
typedef enum bft_result {
    BFT_OK = 0,
    BFT_ERR_IO = -1,        /* a file could not be opened, read or written */
    BFT_ERR_FORMAT = -2,    /* a file is not what it claims to be (JSON, safetensors, TSV, ...) */
    BFT_ERR_OOM = -3,       /* out of memory */
    BFT_ERR_INVALID = -4,   /* an argument or a config value is impossible */
    BFT_ERR_SHAPE = -5,     /* a tensor does not have the shape the model needs */
    BFT_ERR_NUMERIC = -6,   /* NaN or infinity where a finite number is needed */
    BFT_ERR_UNSUPPORTED = -7 /* valid input that this version does not handle */
} bft_result;

/* The message of the last failure on this thread ("" when none). */
BERTFT_DEF const char *bft_last_error(void);
/* Short name of a result code ("BFT_ERR_IO"). */
BERTFT_DEF const char *bft_result_name(bft_result r);
/* Number of threads used by parallel loops (OpenMP); 0 = library default. */
BERTFT_DEF void bft_set_num_threads(int n);
BERTFT_DEF int bft_get_num_threads(void);

/* ------------------------------------------------------------------------------------------ */
/* 1. Config: HF config.json                                                                   */
/* ------------------------------------------------------------------------------------------ */
typedef enum bft_problem_type {
    BFT_PROBLEM_AUTO = 0,             /* decided as HF does: 1 label -> regression, else single-label */
    BFT_PROBLEM_REGRESSION = 1,
    BFT_PROBLEM_SINGLE_LABEL = 2,
    BFT_PROBLEM_MULTI_LABEL = 3       /* read and written back, not trained (BFT_ERR_UNSUPPORTED) */
} bft_problem_type;

typedef struct bft_config {
    int vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size;
    int max_position_embeddings, type_vocab_size, pad_token_id, num_labels;
    float hidden_dropout_prob, attention_probs_dropout_prob;
    float classifier_dropout;         /* < 0 means null: use hidden_dropout_prob, as HF does */
    float initializer_range, layer_norm_eps;
    bft_problem_type problem_type;
    char **id2label;                  /* num_labels names, or NULL for "LABEL_i" */
    char *extra_json;                 /* unknown top-level keys, kept verbatim ("\"k\": v, ...") */
} bft_config;

/* bert-base-uncased's values with num_labels = 2. */
BERTFT_DEF void bft_config_default(bft_config *c);
BERTFT_DEF bft_result bft_config_load(bft_config *c, const char *path);
/* Parse config.json text; `name` is used in error messages. */
BERTFT_DEF bft_result bft_config_parse(bft_config *c, const char *json, size_t len, const char *name);
/* Checks every value is possible (heads divide hidden, probabilities in [0,1), ...). */
BERTFT_DEF bft_result bft_config_validate(const bft_config *c, const char *name);
/* config.json text as HF writes it (architectures, model_type, id2label/label2id, ...). Free with bft_free. */
BERTFT_DEF char *bft_config_to_json(const bft_config *c);
BERTFT_DEF bft_result bft_config_save(const bft_config *c, const char *path);
BERTFT_DEF bft_result bft_config_copy(bft_config *dst, const bft_config *src);
BERTFT_DEF bft_result bft_config_set_num_labels(bft_config *c, int num_labels, const char *const *names);
BERTFT_DEF void bft_config_free(bft_config *c);
/* The classifier dropout probability in effect (classifier_dropout, or hidden_dropout_prob when null). */
BERTFT_DEF float bft_config_classifier_dropout(const bft_config *c);
/* 1 when the model is trained with MSE (regression), as HF decides from problem_type/num_labels. */
BERTFT_DEF int bft_config_is_regression(const bft_config *c);
/* Free memory the library returned (strings, arrays). */
BERTFT_DEF void bft_free(void *p);

/* Encoded sequences of a whole dataset, stored back to back (CSR): sequence i is
   input_ids[offsets[i] .. offsets[i+1]) with the same range of token_type_ids.
   Its attention mask is all ones; padding happens in the collator. */
typedef struct bft_encoded {
    int n;
    int64_t *offsets;             /* n + 1 entries */
    int32_t *input_ids;
    int32_t *token_type_ids;
} bft_encoded;
BERTFT_DEF void bft_encoded_free(bft_encoded *e);

#include "wip/tokenizer_api.h"

/* ------------------------------------------------------------------------------------------ */
/* 3. Kernels: matrix multiply                                                                 */
/* ------------------------------------------------------------------------------------------ */
/* Row-major C[M,N] = alpha * op(A)[M,K] . op(B)[K,N] + beta * C.
   op(A) = A (M x K, row stride lda) or, with transA, A^T where A is K x M (row stride lda).
   op(B) = B (K x N, row stride ldb) or, with transB, B^T where B is N x K (row stride ldb).
   beta == 0 ignores what C holds (NaN included). Results do not depend on the thread count.
   The kernel is chosen at run time from the CPU (AVX-512, AVX2+FMA, NEON, portable C). */
BERTFT_DEF void bft_sgemm(int transA, int transB, int M, int N, int K, float alpha,
                          const float *A, int lda, const float *B, int ldb, float beta,
                          float *C, int ldc);
/* The plain triple loop, the reference every kernel is tested against. */
BERTFT_DEF void bft_sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
                              const float *A, int lda, const float *B, int ldb, float beta,
                              float *C, int ldc);
/* Name of the kernel in use ("avx512", "avx2", "neon", "scalar"). */
BERTFT_DEF const char *bft_gemm_kernel(void);
/* Force a kernel by name (tests); returns BFT_ERR_UNSUPPORTED if this CPU/build lacks it. NULL = auto. */
BERTFT_DEF bft_result bft_gemm_set_kernel(const char *name);
/* Names of the kernels this build and CPU can run, NULL-terminated. */
BERTFT_DEF const char *const *bft_gemm_kernels(void);

/* ------------------------------------------------------------------------------------------ */
/* 4-5. Model                                                                                  */
/* ------------------------------------------------------------------------------------------ */
/* One encoder layer's tensors. q/k/v weights are adjacent so that they form one [3C, C] matrix
   (and q/k/v biases one [3C] vector): the three projections run as a single GEMM. */
typedef struct bft_layer {
    float *q_w, *k_w, *v_w;       /* [C, C] each, contiguous: [3C, C] */
    float *q_b, *k_b, *v_b;       /* [C] each, contiguous: [3C] */
    float *ao_w, *ao_b;           /* attention.output.dense [C, C], [C] */
    float *ln1_w, *ln1_b;         /* attention.output.LayerNorm [C] */
    float *i_w, *i_b;             /* intermediate.dense [I, C], [I] */
    float *o_w, *o_b;             /* output.dense [C, I], [C] */
    float *ln2_w, *ln2_b;         /* output.LayerNorm [C] */
} bft_layer;

/* Views into one flat buffer (parameters, or gradients with the same layout). */
typedef struct bft_params {
    float *word_emb;              /* [V, C] */
    float *pos_emb;               /* [P, C] */
    float *type_emb;              /* [TV, C] */
    float *emb_ln_w, *emb_ln_b;   /* [C] */
    bft_layer *layers;            /* [L] */
    float *pool_w, *pool_b;       /* [C, C], [C] */
    float *cls_w, *cls_b;         /* [NL, C], [NL] */
} bft_params;

typedef struct bft_tensor_info {
    char name[96];                /* HF name in BertForSequenceClassification ("bert.pooler.dense.bias") */
    int ndim;
    int64_t shape[2];
    size_t offset, numel;         /* in floats, into params/grads */
    int weight_decay;             /* 1 unless bias or LayerNorm weight (HF's parameter groups) */
} bft_tensor_info;

/* A batch, row-major [batch_size, seq_len]. token_type_ids and attention_mask may be NULL
   (all zeros / all ones). labels may be NULL (no loss): class ids for classification,
   target values for regression. */
typedef struct bft_batch {
    int batch_size, seq_len;
    const int32_t *input_ids;
    const int32_t *token_type_ids;
    const int32_t *attention_mask;
    const float *labels;
} bft_batch;

typedef struct bft_acts bft_acts; /* activations saved for backward; private layout */

typedef struct bft_model {
    bft_config config;
    size_t num_params;
    float *params, *grads;        /* num_params floats each; grads allocated on first backward */
    bft_params p, g;              /* views into params and grads */
    int num_tensors;
    bft_tensor_info *tensors;
    /* last forward */
    int B, T;                     /* its batch size and sequence length */
    float *logits;                /* [B, NL] */
    float loss;                   /* mean loss of the batch (NaN when no labels) */
    int has_loss, training;
    /* dropout random state (the library's own generator, seeded) */
    uint64_t rng_state[4];
    /* messages from loading (newly initialised, unused or renamed tensors), or NULL */
    char *load_report;
    bft_acts *acts;
} bft_model;

/* A model with HF's random initialisation: N(0, initializer_range) weights, zero biases,
   LayerNorm 1/0, the padding row of the word embeddings zeroed. */
BERTFT_DEF bft_result bft_model_create(bft_model **out, const bft_config *c, uint64_t seed);
/* Load `dir`/config.json (or use `config` when not NULL) and `dir`/model.safetensors. Tensors the
   checkpoint lacks (typically classifier.*) are initialised from `seed` and listed in
   m->load_report, like HF's "newly initialized" warning. `dir` may also name a .safetensors file. */
BERTFT_DEF bft_result bft_model_from_pretrained(bft_model **out, const char *dir,
                                                const bft_config *config, uint64_t seed);
/* Load tensors from a safetensors file into an existing model (F32, F16 or BF16). */
BERTFT_DEF bft_result bft_model_load_safetensors(bft_model *m, const char *path, uint64_t seed);
/* Write `dir`/config.json and `dir`/model.safetensors (F32), each written to a temp file and renamed. */
BERTFT_DEF bft_result bft_model_save(const bft_model *m, const char *dir);
BERTFT_DEF void bft_model_free(bft_model *m);
BERTFT_DEF const bft_tensor_info *bft_model_find_tensor(const bft_model *m, const char *name);
BERTFT_DEF void bft_model_seed(bft_model *m, uint64_t seed); /* reseed dropout */

/* Forward pass. training = 1 applies dropout and keeps what backward needs.
   Sets m->logits and, when labels are given, m->loss. */
BERTFT_DEF bft_result bft_forward(bft_model *m, const bft_batch *b, int training);
/* Backward of the last training forward: adds d(loss)/d(params) into m->grads
   (so several calls accumulate, as loss.backward() does). */
BERTFT_DEF bft_result bft_backward(bft_model *m);
BERTFT_DEF void bft_zero_grad(bft_model *m);
/* Scale grads as torch.nn.utils.clip_grad_norm_(max_norm); returns the total norm before clipping. */
BERTFT_DEF bft_result bft_clip_grad_norm(bft_model *m, float max_norm, float *total_norm);

/* ------------------------------------------------------------------------------------------ */
/* 6. Optimizer: torch.optim.AdamW with HF's parameter groups, and HF's LR schedules           */
/* ------------------------------------------------------------------------------------------ */
typedef struct bft_adamw {
    float lr, beta1, beta2, eps, weight_decay;
    int64_t step;
    size_t n;
    float *m, *v;                 /* exp_avg, exp_avg_sq */
} bft_adamw;

BERTFT_DEF bft_result bft_adamw_init(bft_adamw *o, const bft_model *m, float lr, float beta1,
                                     float beta2, float eps, float weight_decay);
/* One update with learning rate `lr` (the scheduler's value for this step). */
BERTFT_DEF void bft_adamw_step(bft_adamw *o, bft_model *m, float lr);
BERTFT_DEF void bft_adamw_free(bft_adamw *o);

typedef enum bft_schedule { BFT_SCHED_LINEAR = 0, BFT_SCHED_CONSTANT = 1,
                            BFT_SCHED_CONSTANT_WITH_WARMUP = 2 } bft_schedule;
/* The learning rate for optimizer step `step` (0-based), as HF's get_*_schedule_with_warmup. */
BERTFT_DEF float bft_lr_at(bft_schedule s, float base_lr, int64_t step, int64_t warmup_steps,
                           int64_t total_steps);

#include "wip/data_api.h"

/* ------------------------------------------------------------------------------------------ */
/* Small utilities shared by the tools and tests                                               */
/* ------------------------------------------------------------------------------------------ */
/* Read a whole file into memory (NUL-terminated); free with bft_free. */
BERTFT_DEF bft_result bft_read_file(const char *path, char **data, size_t *len);
/* Write a file atomically: to `path`.tmp.<pid>, fsync, then rename over `path`. */
BERTFT_DEF bft_result bft_write_file_atomic(const char *path, const void *data, size_t len);
/* mkdir -p */
BERTFT_DEF bft_result bft_mkdirs(const char *path);

/* A safetensors file read into memory, for tools and tests (every tensor converted to fp32). */
typedef struct bft_st_tensor {
    char *name;
    char dtype[8];                /* "F32", "F16", "BF16", "I64", "I32" ... as in the file */
    int ndim;
    int64_t shape[8];
    size_t numel;
    float *data;                  /* converted to float (ints too) */
} bft_st_tensor;
typedef struct bft_st_file {
    int n;
    bft_st_tensor *t;
} bft_st_file;
BERTFT_DEF bft_result bft_st_read(bft_st_file *f, const char *path);
BERTFT_DEF const bft_st_tensor *bft_st_get(const bft_st_file *f, const char *name);
BERTFT_DEF void bft_st_free(bft_st_file *f);
/* Write tensors (F32) as a safetensors file, atomically. */
BERTFT_DEF bft_result bft_st_write(const char *path, int n, const char *const *names,
                                   const int *ndims, const int64_t *const *shapes,
                                   const float *const *data);

#endif /* BERTFT_H_INCLUDED */

/* ========================================================================================== */
/*                                      IMPLEMENTATION                                        */
/* ========================================================================================== */
#ifdef BERTFT_IMPLEMENTATION
#ifndef BERTFT_IMPLEMENTATION_DONE
#define BERTFT_IMPLEMENTATION_DONE

#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
/* fsync, mkdir, getpid, fileno: POSIX.1-2008. Has effect only if this is the first include. */
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <math.h>
#include <float.h>
#include <errno.h>
#include <limits.h>
#ifdef _WIN32
#include <direct.h>
#include <io.h>
#include <process.h>
#else
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(BERTFT_MALLOC) && defined(BERTFT_FREE) && defined(BERTFT_REALLOC)
/* ok */
#elif !defined(BERTFT_MALLOC) && !defined(BERTFT_FREE) && !defined(BERTFT_REALLOC)
#define BERTFT_MALLOC(sz) malloc(sz)
#define BERTFT_REALLOC(p, sz) realloc(p, sz)
#define BERTFT_FREE(p) free(p)
#else
#error "Must define all or none of BERTFT_MALLOC, BERTFT_FREE, and BERTFT_REALLOC."
#endif
#ifndef BERTFT_ASSERT
#include <assert.h>
#define BERTFT_ASSERT(x) assert(x)
#endif

#ifdef BERTFT_STATIC
#define BFT__PRIV static
#else
#define BFT__PRIV static
#endif

#if defined(__cplusplus) && __cplusplus >= 201103L
#define BFT__TLS thread_local
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__STDC_NO_THREADS__)
#define BFT__TLS _Thread_local
#elif defined(__GNUC__) || defined(__clang__)
#define BFT__TLS __thread
#elif defined(_MSC_VER)
#define BFT__TLS __declspec(thread)
#else
#define BFT__TLS
#endif

#if defined(__GNUC__) || defined(__clang__)
#define BFT__PRINTF(a, b) __attribute__((format(printf, a, b)))
#define BFT__UNUSED __attribute__((unused))
#else
#define BFT__PRINTF(a, b)
#define BFT__UNUSED
#endif

#ifdef _OPENMP
#define BFT__PRAGMA(x) _Pragma(#x)
#define BFT__OMP(x) BFT__PRAGMA(omp x)
#else
#define BFT__OMP(x)
#endif

/* ------------------------------------------------------------------------------------------ */
/* Errors, allocation, strings                                                                 */
/* ------------------------------------------------------------------------------------------ */
static BFT__TLS char bft__errbuf[1024];

BERTFT_DEF const char *bft_last_error(void) { return bft__errbuf; }

BERTFT_DEF const char *bft_result_name(bft_result r)
{
    switch (r) {
    case BFT_OK: return "BFT_OK";
    case BFT_ERR_IO: return "BFT_ERR_IO";
    case BFT_ERR_FORMAT: return "BFT_ERR_FORMAT";
    case BFT_ERR_OOM: return "BFT_ERR_OOM";
    case BFT_ERR_INVALID: return "BFT_ERR_INVALID";
    case BFT_ERR_SHAPE: return "BFT_ERR_SHAPE";
    case BFT_ERR_NUMERIC: return "BFT_ERR_NUMERIC";
    case BFT_ERR_UNSUPPORTED: return "BFT_ERR_UNSUPPORTED";
    }
    return "BFT_ERR_?";
}

/* Set the last-error message and return `code`, so failures read `return bft__fail(...)`. */
static BFT__PRINTF(2, 3) bft_result bft__fail(bft_result code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bft__errbuf, sizeof bft__errbuf, fmt, ap);
    va_end(ap);
    return code;
}

static void bft__clear_error(void) { bft__errbuf[0] = 0; }

/* Allocation with overflow checks; every allocation of the library goes through these. */
static void *bft__malloc(size_t n) { return BERTFT_MALLOC(n ? n : 1); }
static void *bft__calloc(size_t count, size_t size)
{
    void *p;
    if (size && count > SIZE_MAX / size) return NULL;
    p = BERTFT_MALLOC((count * size) != 0 ? count * size : 1);
    if (p) memset(p, 0, count * size);
    return p;
}
static void *bft__realloc(void *p, size_t n) { return BERTFT_REALLOC(p, n ? n : 1); }
#define BFT__NEW(T, n) ((T *)bft__calloc((size_t)(n), sizeof(T)))

BERTFT_DEF void bft_free(void *p)
{
    if (p) BERTFT_FREE(p);
}

static char *bft__strndup(const char *s, size_t n)
{
    char *d = (char *)bft__malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}
static char *bft__strdup(const char *s) { return bft__strndup(s, strlen(s)); }

/* A growable string for building JSON and messages. On OOM it keeps `oom` set and drops writes. */
typedef struct bft__buf {
    char *p;
    size_t n, cap;
    int oom;
} bft__buf;

static int bft__buf_reserve(bft__buf *b, size_t extra)
{
    size_t need, cap;
    char *np;
    if (b->oom) return 0;
    need = b->n + extra + 1;
    if (need <= b->cap) return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    np = (char *)bft__realloc(b->p, cap);
    if (!np) { b->oom = 1; return 0; }
    b->p = np;
    b->cap = cap;
    return 1;
}
static void bft__buf_put(bft__buf *b, const char *s, size_t n)
{
    if (!bft__buf_reserve(b, n)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void bft__buf_puts(bft__buf *b, const char *s) { bft__buf_put(b, s, strlen(s)); }
static BFT__PRINTF(2, 3) void bft__buf_printf(bft__buf *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    char tmp[256];
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < sizeof tmp) { bft__buf_put(b, tmp, (size_t)k); return; }
    if (!bft__buf_reserve(b, (size_t)k)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}
/* Append `s` as a JSON string literal (quotes and escapes included). */
static void bft__buf_json_str(bft__buf *b, const char *s, size_t n)
{
    size_t i;
    bft__buf_put(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') bft__buf_put(b, "\\\"", 2);
        else if (c == '\\') bft__buf_put(b, "\\\\", 2);
        else if (c == '\n') bft__buf_put(b, "\\n", 2);
        else if (c == '\r') bft__buf_put(b, "\\r", 2);
        else if (c == '\t') bft__buf_put(b, "\\t", 2);
        else if (c < 0x20) bft__buf_printf(b, "\\u%04x", c);
        else bft__buf_put(b, (const char *)&c, 1);
    }
    bft__buf_put(b, "\"", 1);
}
/* A float written so that reading it back gives the same float ("%.9g"); non-finite as null
   would lose information, so callers decide; here NaN/inf print as NaN/Infinity like Python's json. */
static void bft__buf_float(bft__buf *b, double v)
{
    if (v != v) bft__buf_puts(b, "NaN");
    else if (v > DBL_MAX) bft__buf_puts(b, "Infinity");
    else if (v < -DBL_MAX) bft__buf_puts(b, "-Infinity");
    else {
        char tmp[64];
        size_t i;
        int k = snprintf(tmp, sizeof tmp, "%.17g", v);
        /* prefer the shortest form that round-trips, as Python's repr does */
        int prec;
        for (prec = 1; prec <= 17; prec++) {
            k = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
            if (strtod(tmp, NULL) == v) break;
        }
        (void)k;
        for (i = 0; tmp[i]; i++) if (tmp[i] == ',') tmp[i] = '.'; /* a comma locale */
        bft__buf_puts(b, tmp);
        if (!strpbrk(tmp, ".eEn")) bft__buf_puts(b, ".0");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                     */
/* ------------------------------------------------------------------------------------------ */
static int bft__nthreads_req = 0;
BERTFT_DEF void bft_set_num_threads(int n)
{
    bft__nthreads_req = n > 0 ? n : 0;
#ifdef _OPENMP
    if (n > 0) omp_set_num_threads(n);
#endif
}
BERTFT_DEF int bft_get_num_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* ------------------------------------------------------------------------------------------ */
/* Files                                                                                       */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF bft_result bft_read_file(const char *path, char **data, size_t *len)
{
    FILE *f;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    *data = NULL;
    if (len) *len = 0;
    f = fopen(path, "rb");
    if (!f) return bft__fail(BFT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    for (;;) {
        size_t got;
        if (cap - n < 65536) {
            size_t ncap = cap ? cap * 2 : 65536 + 1;
            char *nb = (char *)bft__realloc(buf, ncap);
            if (!nb) { bft_free(buf); fclose(f); return bft__fail(BFT_ERR_OOM, "%s: out of memory reading file", path); }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) { bft_free(buf); fclose(f); return bft__fail(BFT_ERR_IO, "%s: read error", path); }
    fclose(f);
    buf[n] = 0;
    *data = buf;
    if (len) *len = n;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp;
    FILE *f;
    size_t pl = strlen(path);
    int ok;
    tmp = (char *)bft__malloc(pl + 32);
    if (!tmp) return bft__fail(BFT_ERR_OOM, "%s: out of memory", path);
#ifdef _WIN32
    snprintf(tmp, pl + 32, "%s.tmp.%d", path, (int)_getpid());
#else
    snprintf(tmp, pl + 32, "%s.tmp.%d", path, (int)getpid());
#endif
    f = fopen(tmp, "wb");
    if (!f) {
        bft_result r = bft__fail(BFT_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
        bft_free(tmp);
        return r;
    }
    ok = len == 0 || fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
#ifndef _WIN32
    ok = ok && fsync(fileno(f)) == 0;
#endif
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        bft_result r = bft__fail(BFT_ERR_IO, "%s: write failed (%s); the previous file is unchanged", path, strerror(errno));
        remove(tmp);
        bft_free(tmp);
        return r;
    }
#ifdef _WIN32
    remove(path);
#endif
    if (rename(tmp, path) != 0) {
        bft_result r = bft__fail(BFT_ERR_IO, "%s: cannot rename temp file into place: %s", path, strerror(errno));
        remove(tmp);
        bft_free(tmp);
        return r;
    }
    bft_free(tmp);
    return BFT_OK;
}

BERTFT_DEF bft_result bft_mkdirs(const char *path)
{
    char *p = bft__strdup(path);
    size_t i, n;
    if (!p) return bft__fail(BFT_ERR_OOM, "out of memory");
    n = strlen(p);
    for (i = 1; i <= n; i++) {
        if (p[i] == '/' || p[i] == 0) {
            char save = p[i];
            struct stat st;
            p[i] = 0;
            if (stat(p, &st) != 0) {
#ifdef _WIN32
                if (_mkdir(p) != 0 && errno != EEXIST) {
#else
                if (mkdir(p, 0777) != 0 && errno != EEXIST) {
#endif
                    bft_result r = bft__fail(BFT_ERR_IO, "%s: cannot create directory: %s", p, strerror(errno));
                    bft_free(p);
                    return r;
                }
            } else if (!S_ISDIR(st.st_mode)) {
                bft_result r = bft__fail(BFT_ERR_IO, "%s: exists and is not a directory", p);
                bft_free(p);
                return r;
            }
            p[i] = save;
        }
    }
    bft_free(p);
    return BFT_OK;
}

/* "dir" + "/" + "name" in a new string. */
static char *bft__path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = (char *)bft__malloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (a && dir[a - 1] != '/') p[a++] = '/';
    memcpy(p + a, name, b + 1);
    return p;
}

static int bft__is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON: a small DOM parser (RFC 8259, plus NaN/Infinity as Python writes them)                */
/* ------------------------------------------------------------------------------------------ */
/* Nodes live in one array. Objects and arrays link their children through `first`/`next`.
   An object's children are its keys (strings); each key's `first` is its value. Strings keep
   their raw span; bft__json_str decodes escapes on demand. */
enum { BFT__J_NULL, BFT__J_FALSE, BFT__J_TRUE, BFT__J_NUM, BFT__J_STR, BFT__J_ARR, BFT__J_OBJ };

typedef struct bft__jnode {
    int type;
    int first, next, count;
    size_t start, end;      /* span in the source: the whole value (strings: inside the quotes) */
    double num;
} bft__jnode;

typedef struct bft__json {
    const char *src;
    size_t len, pos;
    bft__jnode *nodes;
    int n, cap, depth;
    const char *name;
} bft__json;

static void bft__json_free(bft__json *j)
{
    bft_free(j->nodes);
    j->nodes = NULL;
    j->n = j->cap = 0;
}

static bft_result bft__json_err(bft__json *j, const char *what)
{
    size_t i, line = 1, col = 1;
    for (i = 0; i < j->pos && i < j->len; i++) {
        if (j->src[i] == '\n') { line++; col = 1; } else col++;
    }
    return bft__fail(BFT_ERR_FORMAT, "%s:%lu:%lu: invalid JSON: %s", j->name ? j->name : "<json>",
                     (unsigned long)line, (unsigned long)col, what);
}

static int bft__json_new(bft__json *j, int type)
{
    if (j->n == j->cap) {
        int nc = j->cap ? j->cap * 2 : 64;
        bft__jnode *nn = (bft__jnode *)bft__realloc(j->nodes, (size_t)nc * sizeof(bft__jnode));
        if (!nn) return -1;
        j->nodes = nn;
        j->cap = nc;
    }
    memset(&j->nodes[j->n], 0, sizeof(bft__jnode));
    j->nodes[j->n].type = type;
    j->nodes[j->n].first = j->nodes[j->n].next = -1;
    return j->n++;
}

static void bft__json_ws(bft__json *j)
{
    while (j->pos < j->len) {
        char c = j->src[j->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') j->pos++;
        else break;
    }
}

static bft_result bft__json_value(bft__json *j, int *out);

static bft_result bft__json_string(bft__json *j, int *out)
{
    int k;
    size_t start;
    j->pos++; /* opening quote */
    start = j->pos;
    while (j->pos < j->len) {
        unsigned char c = (unsigned char)j->src[j->pos];
        if (c == '"') break;
        if (c < 0x20) return bft__json_err(j, "control character inside a string");
        if (c == '\\') {
            j->pos++;
            if (j->pos >= j->len) break;
            c = (unsigned char)j->src[j->pos];
            if (c == 'u') {
                int i;
                for (i = 1; i <= 4; i++) {
                    char h = j->pos + (size_t)i < j->len ? j->src[j->pos + (size_t)i] : 0;
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                        return bft__json_err(j, "bad \\u escape");
                }
                j->pos += 4;
            } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
                return bft__json_err(j, "bad escape in string");
            }
        }
        j->pos++;
    }
    if (j->pos >= j->len) return bft__json_err(j, "unterminated string");
    k = bft__json_new(j, BFT__J_STR);
    if (k < 0) return bft__fail(BFT_ERR_OOM, "out of memory parsing JSON");
    j->nodes[k].start = start;
    j->nodes[k].end = j->pos;
    j->pos++;
    *out = k;
    return BFT_OK;
}

static bft_result bft__json_number(bft__json *j, int *out)
{
    size_t s = j->pos, p = j->pos;
    char tmp[64];
    int k;
    const char *src = j->src;
    if (p < j->len && src[p] == '-') p++;
    if (p + 8 <= j->len && memcmp(src + p, "Infinity", 8) == 0) {
        p += 8;
    } else {
        if (p >= j->len || !(src[p] >= '0' && src[p] <= '9')) return bft__json_err(j, "expected a value");
        if (src[p] == '0') p++;
        else while (p < j->len && src[p] >= '0' && src[p] <= '9') p++;
        if (p < j->len && src[p] == '.') {
            p++;
            if (p >= j->len || !(src[p] >= '0' && src[p] <= '9')) { j->pos = p; return bft__json_err(j, "bad number"); }
            while (p < j->len && src[p] >= '0' && src[p] <= '9') p++;
        }
        if (p < j->len && (src[p] == 'e' || src[p] == 'E')) {
            p++;
            if (p < j->len && (src[p] == '+' || src[p] == '-')) p++;
            if (p >= j->len || !(src[p] >= '0' && src[p] <= '9')) { j->pos = p; return bft__json_err(j, "bad number"); }
            while (p < j->len && src[p] >= '0' && src[p] <= '9') p++;
        }
    }
    k = bft__json_new(j, BFT__J_NUM);
    if (k < 0) return bft__fail(BFT_ERR_OOM, "out of memory parsing JSON");
    j->nodes[k].start = s;
    j->nodes[k].end = p;
    if (p - s >= sizeof tmp) {
        /* absurdly long literal: parse the leading part; precision is beyond float anyway */
        memcpy(tmp, src + s, sizeof tmp - 1);
        tmp[sizeof tmp - 1] = 0;
    } else {
        memcpy(tmp, src + s, p - s);
        tmp[p - s] = 0;
    }
    if (strstr(tmp, "Infinity")) j->nodes[k].num = tmp[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    else j->nodes[k].num = strtod(tmp, NULL);
    j->pos = p;
    *out = k;
    return BFT_OK;
}

static bft_result bft__json_value(bft__json *j, int *out)
{
    const char *s;
    size_t rest;
    int k;
    bft_result r;
    bft__json_ws(j);
    if (j->pos >= j->len) return bft__json_err(j, "unexpected end of input");
    s = j->src + j->pos;
    rest = j->len - j->pos;
    if (*s == '"') return bft__json_string(j, out);
    if (*s == '{' || *s == '[') {
        int obj = *s == '{', last = -1;
        size_t start = j->pos;
        if (++j->depth > 64) return bft__json_err(j, "nested deeper than 64 levels");
        k = bft__json_new(j, obj ? BFT__J_OBJ : BFT__J_ARR);
        if (k < 0) return bft__fail(BFT_ERR_OOM, "out of memory parsing JSON");
        j->nodes[k].start = start;
        j->pos++;
        bft__json_ws(j);
        if (j->pos < j->len && j->src[j->pos] == (obj ? '}' : ']')) {
            j->pos++;
        } else {
            for (;;) {
                int child;
                bft__json_ws(j);
                if (obj) {
                    int val;
                    if (j->pos >= j->len || j->src[j->pos] != '"') return bft__json_err(j, "expected a string key");
                    if ((r = bft__json_string(j, &child)) != BFT_OK) return r;
                    bft__json_ws(j);
                    if (j->pos >= j->len || j->src[j->pos] != ':') return bft__json_err(j, "expected ':'");
                    j->pos++;
                    if ((r = bft__json_value(j, &val)) != BFT_OK) return r;
                    j->nodes[child].first = val;
                } else {
                    if ((r = bft__json_value(j, &child)) != BFT_OK) return r;
                }
                if (last < 0) j->nodes[k].first = child;
                else j->nodes[last].next = child;
                last = child;
                j->nodes[k].count++;
                bft__json_ws(j);
                if (j->pos < j->len && j->src[j->pos] == ',') { j->pos++; continue; }
                if (j->pos < j->len && j->src[j->pos] == (obj ? '}' : ']')) { j->pos++; break; }
                return bft__json_err(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
            }
        }
        j->nodes[k].end = j->pos;
        j->depth--;
        *out = k;
        return BFT_OK;
    }
    if (rest >= 4 && memcmp(s, "null", 4) == 0) k = BFT__J_NULL, j->pos += 4;
    else if (rest >= 4 && memcmp(s, "true", 4) == 0) k = BFT__J_TRUE, j->pos += 4;
    else if (rest >= 5 && memcmp(s, "false", 5) == 0) k = BFT__J_FALSE, j->pos += 5;
    else if (rest >= 3 && memcmp(s, "NaN", 3) == 0) {
        int n = bft__json_new(j, BFT__J_NUM);
        if (n < 0) return bft__fail(BFT_ERR_OOM, "out of memory parsing JSON");
        j->nodes[n].start = j->pos;
        j->pos += 3;
        j->nodes[n].end = j->pos;
        j->nodes[n].num = NAN;
        *out = n;
        return BFT_OK;
    } else return bft__json_number(j, out);
    {
        size_t start = j->pos;
        int n = bft__json_new(j, k);
        if (n < 0) return bft__fail(BFT_ERR_OOM, "out of memory parsing JSON");
        j->nodes[n].end = start;
        j->nodes[n].start = start - (k == BFT__J_FALSE ? 5 : 4);
        *out = n;
    }
    return BFT_OK;
}

/* Parse `len` bytes of `src` (not necessarily NUL-terminated). The root is node 0. */
static bft_result bft__json_parse(bft__json *j, const char *src, size_t len, const char *name)
{
    int root;
    bft_result r;
    memset(j, 0, sizeof *j);
    j->src = src;
    j->len = len;
    j->name = name;
    if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB && (unsigned char)src[2] == 0xBF)
        j->pos = 3; /* UTF-8 BOM */
    r = bft__json_value(j, &root);
    if (r == BFT_OK) {
        bft__json_ws(j);
        if (j->pos != j->len) r = bft__json_err(j, "unexpected text after the value");
    }
    if (r != BFT_OK) bft__json_free(j);
    return r;
}

/* Value of `key` in object node `obj`, or -1. */
static int bft__json_get(const bft__json *j, int obj, const char *key)
{
    int c;
    size_t kl = strlen(key);
    if (obj < 0 || j->nodes[obj].type != BFT__J_OBJ) return -1;
    for (c = j->nodes[obj].first; c >= 0; c = j->nodes[c].next) {
        const bft__jnode *n = &j->nodes[c];
        /* keys with escapes never match plain ASCII keys we look up; fine for config files */
        if (n->end - n->start == kl && memcmp(j->src + n->start, key, kl) == 0) return n->first;
    }
    return -1;
}

static int bft__hexval(char h)
{
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    return h - 'A' + 10;
}

/* Encode code point `cp` as UTF-8 into `o` (4 bytes room); returns the byte count. */
static int bft__utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 63)); o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 63));
    o[2] = (char)(0x80 | ((cp >> 6) & 63)); o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* Decode string node `k` into a new NUL-terminated UTF-8 string (NULL on OOM or non-string). */
static char *bft__json_strdup(const bft__json *j, int k, size_t *outlen)
{
    const bft__jnode *n;
    char *o;
    size_t i, w = 0;
    if (k < 0 || j->nodes[k].type != BFT__J_STR) return NULL;
    n = &j->nodes[k];
    o = (char *)bft__malloc(n->end - n->start + 1);
    if (!o) return NULL;
    for (i = n->start; i < n->end; i++) {
        char c = j->src[i];
        if (c != '\\') { o[w++] = c; continue; }
        c = j->src[++i];
        switch (c) {
        case 'b': o[w++] = '\b'; break;
        case 'f': o[w++] = '\f'; break;
        case 'n': o[w++] = '\n'; break;
        case 'r': o[w++] = '\r'; break;
        case 't': o[w++] = '\t'; break;
        case 'u': {
            unsigned cp = 0;
            int q;
            for (q = 1; q <= 4; q++) cp = cp * 16 + (unsigned)bft__hexval(j->src[i + (size_t)q]);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < n->end + 0 + 1 && j->src[i + 1] == '\\' && j->src[i + 2] == 'u') {
                unsigned lo = 0;
                for (q = 3; q <= 6; q++) lo = lo * 16 + (unsigned)bft__hexval(j->src[i + (size_t)q]);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD; /* lone surrogate */
            w += (size_t)bft__utf8_put(o + w, cp);
            break;
        }
        default: o[w++] = c; break;
        }
    }
    o[w] = 0;
    if (outlen) *outlen = w;
    return o;
}

/* 1 if string node `k` equals `s`. */
static int bft__json_streq(const bft__json *j, int k, const char *s)
{
    size_t l = strlen(s);
    if (k < 0 || j->nodes[k].type != BFT__J_STR) return 0;
    return j->nodes[k].end - j->nodes[k].start == l && memcmp(j->src + j->nodes[k].start, s, l) == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded by splitmix64. Used for init, dropout and shuffling.    */
/* ------------------------------------------------------------------------------------------ */
static uint64_t bft__splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static void bft__rng_seed(uint64_t s[4], uint64_t seed)
{
    int i;
    for (i = 0; i < 4; i++) s[i] = bft__splitmix64(&seed);
}
static uint64_t bft__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t bft__rng_next(uint64_t s[4])
{
    uint64_t r = bft__rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = bft__rotl(s[3], 45);
    return r;
}
/* Uniform in [0, 1) with 24 random bits (exactly representable as float). */
static float bft__rng_uniform(uint64_t s[4]) { return (float)(bft__rng_next(s) >> 40) * (1.0f / 16777216.0f); }
/* Standard normal (Box-Muller, in double for accuracy in the tails). */
static double bft__rng_normal(uint64_t s[4])
{
    double u1 = ((double)(bft__rng_next(s) >> 11) + 1.0) * (1.0 / 9007199254740992.0); /* (0,1] */
    double u2 = (double)(bft__rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
/* Uniform integer in [0, n) without modulo bias. */
static uint64_t bft__rng_below(uint64_t s[4], uint64_t n)
{
    uint64_t lim, x;
    if (n <= 1) return 0;
    lim = UINT64_MAX - UINT64_MAX % n;
    do x = bft__rng_next(s); while (x >= lim);
    return x % n;
}

BERTFT_DEF void bft_encoded_free(bft_encoded *e)
{
    if (!e) return;
    bft_free(e->offsets);
    bft_free(e->input_ids);
    bft_free(e->token_type_ids);
    memset(e, 0, sizeof *e);
}

/* ==== CONFIG IMPL ==== */

#include "wip/tokenizer_impl.h"
#include "wip/gemm_impl.h"

/* ==== MODEL IMPL ==== */

#include "wip/data_impl.h"

/* ==== CHECKPOINT IMPL ==== */


#endif /* BERTFT_IMPLEMENTATION_DONE */
#endif /* BERTFT_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
------------------------------------------------------------------------------
ALTERNATIVE A - MIT License
Copyright (c) 2026 the bertft authors
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
