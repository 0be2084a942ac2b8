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

#if defined(BERTFT_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && !defined(_WIN32)
/* fsync, mkdir, getpid, fileno, gethostname: POSIX.1-2008. It takes effect only when bertft.h
   comes before any system header in the implementation file (or the build defines it). */
#define _POSIX_C_SOURCE 200809L
#endif

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
/* Backward of scale * loss (gradient accumulation divides each micro-batch loss by the steps). */
BERTFT_DEF bft_result bft_backward_scaled(bft_model *m, float scale);
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
BERTFT_DEF void bft_adamw_step(bft_adamw *o, bft_model *m, double lr);
BERTFT_DEF void bft_adamw_free(bft_adamw *o);

typedef enum bft_schedule { BFT_SCHED_LINEAR = 0, BFT_SCHED_CONSTANT = 1,
                            BFT_SCHED_CONSTANT_WITH_WARMUP = 2 } bft_schedule;
/* The learning rate for optimizer step `step` (0-based), as HF's get_*_schedule_with_warmup. */
BERTFT_DEF double bft_lr_at(bft_schedule s, double base_lr, int64_t step, int64_t warmup_steps,
                            int64_t total_steps);

#include "wip/data_api.h"

/* ------------------------------------------------------------------------------------------ */
/* 10. Trainer: HF Trainer's loop, checkpoints and logs                                        */
/* ------------------------------------------------------------------------------------------ */
typedef enum bft_strategy { BFT_STRATEGY_NO = 0, BFT_STRATEGY_STEPS = 1, BFT_STRATEGY_EPOCH = 2 } bft_strategy;

/* Another device that runs the model's steps in place of the CPU (bertft_cuda.h provides one:
   bft_cuda_device). The trainer calls these instead of bft_forward / bft_backward_scaled /
   bft_zero_grad / bft_clip_grad_norm / bft_adamw_step; weights and optimizer state live on the
   device, and `to_host` copies them back into the host model and optimizer before anything is
   saved, `to_device` sends them after loading (start, resume, best model). The forward sets
   m->loss and m->logits in host memory. */
typedef struct bft_device {
    const char *name;
    void *ctx;
    bft_result (*forward)(void *ctx, bft_model *m, const bft_batch *b, int training);
    bft_result (*backward)(void *ctx, bft_model *m, float scale);
    bft_result (*zero_grad)(void *ctx, bft_model *m);
    bft_result (*clip_grad_norm)(void *ctx, bft_model *m, float max_norm, float *total_norm);
    bft_result (*adamw_step)(void *ctx, bft_model *m, bft_adamw *opt, double lr);
    bft_result (*to_host)(void *ctx, bft_model *m, bft_adamw *opt);
    bft_result (*to_device)(void *ctx, bft_model *m, const bft_adamw *opt);
} bft_device;

/* HF TrainingArguments that matter here, with HF's defaults from bft_train_args_default. */
typedef struct bft_train_args {
    const char *output_dir;
    double learning_rate;              /* 5e-5 */
    double weight_decay;               /* 0 */
    double adam_beta1, adam_beta2, adam_epsilon; /* 0.9, 0.999, 1e-8 */
    double max_grad_norm;              /* 1.0 (0 = no clipping) */
    double num_train_epochs;           /* 3 */
    int64_t max_steps;                 /* -1: from num_train_epochs */
    int per_device_train_batch_size;   /* 8 */
    int per_device_eval_batch_size;    /* 8 */
    int gradient_accumulation_steps;   /* 1 */
    bft_schedule lr_scheduler_type;    /* linear */
    int64_t warmup_steps;              /* 0 */
    double warmup_ratio;               /* 0 (used when warmup_steps == 0) */
    uint64_t seed;                     /* 42 */
    int64_t data_seed;                 /* -1: the seed */
    bft_strategy logging_strategy;     /* steps */
    int64_t logging_steps;             /* 500 */
    int logging_first_step;            /* 0 */
    bft_strategy eval_strategy;        /* no */
    int64_t eval_steps;                /* 0: logging_steps */
    bft_strategy save_strategy;        /* steps */
    int64_t save_steps;                /* 500 */
    int save_total_limit;              /* 0: keep all */
    int load_best_model_at_end;        /* 0 */
    const char *metric_for_best_model; /* NULL: "loss" */
    int greater_is_better;             /* -1: from the metric name (loss: lower is better) */
    int early_stopping_patience;       /* 0: off (HF's EarlyStoppingCallback when > 0) */
    double early_stopping_threshold;   /* 0 */
    int no_shuffle;                    /* dataset order instead of a random one (parity tests) */
    int group_by_length;               /* 0 */
    int pad_to_multiple_of;            /* 0 */
    int pad_to_max_length;             /* 0: pad each batch to its longest (DataCollatorWithPadding) */
    int max_seq_length;                /* 128: for static padding */
    const char *logging_dir;           /* NULL: output_dir/runs/<date>_<host> as HF */
    int report_to_tensorboard;         /* 1 */
    int progress;                      /* -1: a bar when stderr is a terminal, 1 always, 0 plain lines */
    const char *resume_from_checkpoint;/* a checkpoint-N directory, or NULL */
    const bft_device *device;          /* NULL: the CPU */
    /* where progress lines and warnings go (NULL: nowhere) */
    void (*log)(void *user, const char *line);
    void *log_user;
} bft_train_args;

BERTFT_DEF void bft_train_args_default(bft_train_args *a);

typedef struct bft_trainer {
    bft_train_args args;
    bft_model *model;
    const bft_tokenizer *tokenizer;    /* saved into checkpoints when not NULL */
    const char *task;                  /* GLUE task for the metrics, or NULL */
    bft_adamw opt;
    int64_t global_step, max_steps, warmup;
    double epoch;                      /* fractional epoch reached */
    double total_flos, train_loss;
    double best_metric;
    int has_best;
    int64_t best_step;
    char *best_checkpoint;
    int bad_evals;                     /* early stopping: evaluations without improvement */
    double es_best;                    /* early stopping: best value seen */
    int es_has;
    int stop;                          /* early stopping asked to stop */
    /* log_history: JSON objects as HF writes them in trainer_state.json; jsonl: full precision */
    char **history, **jsonl;
    int n_history, n_jsonl;
    bft_tb *tb;
    double t_start;
} bft_trainer;

/* A trainer for `m` (not owned). The optimizer state is created here. */
BERTFT_DEF bft_result bft_trainer_init(bft_trainer *t, bft_model *m, const bft_tokenizer *tok,
                                       const bft_train_args *args, const char *task);
BERTFT_DEF void bft_trainer_free(bft_trainer *t);
/* Train on `train` (labels in dataset order), evaluating on `eval` when eval_strategy asks.
   Writes checkpoints, trainer_state.json, trainer_log.jsonl, TensorBoard events and, at the end,
   the model and train_results.json into output_dir. */
BERTFT_DEF bft_result bft_trainer_train(bft_trainer *t, const bft_encoded *train, const float *train_labels,
                                        const bft_encoded *eval, const float *eval_labels);
/* Evaluate: metrics (as evaluate.load("glue", task)), eval_loss, runtime; logged like HF with
   `prefix` ("eval"). logits_out (n * num_labels) may be NULL. labels NULL: no loss, no metrics. */
BERTFT_DEF bft_result bft_trainer_evaluate(bft_trainer *t, const bft_encoded *e, const float *labels,
                                           const char *prefix, bft_metrics *metrics, double *loss,
                                           float *logits_out);
/* Write `name` (e.g. "train_results.json") holding a flat JSON object of keys/values, and merge
   the same into all_results.json, as Trainer.save_metrics does. */
BERTFT_DEF bft_result bft_save_metrics(const char *output_dir, const char *split, int n, const char *const *keys,
                                       const double *values);
/* trainer_state.json into `dir`. */
BERTFT_DEF bft_result bft_trainer_save_state(const bft_trainer *t, const char *dir);
/* The newest checkpoint-N directory in `output_dir` (new string), or NULL. */
BERTFT_DEF char *bft_last_checkpoint(const char *output_dir);

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

/* A float32 value in the shortest decimal that reads back as the same float (0.1, not
   0.10000000149011612), as config.json files hold them. */
static void bft__buf_f32(bft__buf *b, float v)
{
    char tmp[48];
    int prec;
    size_t i;
    if (v != v || v > FLT_MAX || v < -FLT_MAX) { bft__buf_float(b, v); return; }
    for (prec = 1; prec <= 9; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, (double)v);
        if ((float)strtod(tmp, NULL) == v) break;
    }
    for (i = 0; tmp[i]; i++) if (tmp[i] == ',') tmp[i] = '.';
    bft__buf_puts(b, tmp);
    if (!strpbrk(tmp, ".eEn")) bft__buf_puts(b, ".0");
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

/* Streamed atomic writes: open `path`.tmp.<pid>, write, then bft__atomic_commit renames it. */
static FILE *bft__atomic_open(const char *path, char **tmp)
{
    size_t pl = strlen(path);
    FILE *f;
    *tmp = (char *)bft__malloc(pl + 32);
    if (!*tmp) { bft__fail(BFT_ERR_OOM, "%s: out of memory", path); return NULL; }
#ifdef _WIN32
    snprintf(*tmp, pl + 32, "%s.tmp.%d", path, (int)_getpid());
#else
    snprintf(*tmp, pl + 32, "%s.tmp.%d", path, (int)getpid());
#endif
    f = fopen(*tmp, "wb");
    if (!f) {
        bft__fail(BFT_ERR_IO, "%s: cannot create: %s", *tmp, strerror(errno));
        bft_free(*tmp);
        *tmp = NULL;
    }
    return f;
}

/* Flush, fsync, close and rename into place; `ok` = 0 abandons the file. Frees tmp. */
static bft_result bft__atomic_commit(FILE *f, char *tmp, const char *path, int ok)
{
    bft_result r = BFT_OK;
    int err = 0;
    if (!ok) err = errno;
    ok = (fflush(f) == 0) && ok;
#ifndef _WIN32
    ok = ok && fsync(fileno(f)) == 0;
#endif
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        if (!err) err = errno;
        r = bft__fail(BFT_ERR_IO, "%s: write failed (%s); the previous file is unchanged", path, strerror(err));
        remove(tmp);
    } else {
#ifdef _WIN32
        remove(path);
#endif
        if (rename(tmp, path) != 0) {
            r = bft__fail(BFT_ERR_IO, "%s: cannot rename the temp file into place: %s", path, strerror(errno));
            remove(tmp);
        }
    }
    bft_free(tmp);
    return r;
}

BERTFT_DEF bft_result bft_write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp;
    FILE *f = bft__atomic_open(path, &tmp);
    if (!f) return BFT_ERR_IO;
    return bft__atomic_commit(f, tmp, path, len == 0 || fwrite(data, 1, len, f) == len);
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

/* ------------------------------------------------------------------------------------------ */
/* 1. Config                                                                                   */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF void bft_config_default(bft_config *c)
{
    memset(c, 0, sizeof *c);
    c->vocab_size = 30522;
    c->hidden_size = 768;
    c->num_hidden_layers = 12;
    c->num_attention_heads = 12;
    c->intermediate_size = 3072;
    c->max_position_embeddings = 512;
    c->type_vocab_size = 2;
    c->pad_token_id = 0;
    c->num_labels = 2;
    c->hidden_dropout_prob = 0.1f;
    c->attention_probs_dropout_prob = 0.1f;
    c->classifier_dropout = -1.0f;
    c->initializer_range = 0.02f;
    c->layer_norm_eps = 1e-12f;
    c->problem_type = BFT_PROBLEM_AUTO;
}

static void bft__free_labels(char **names, int n)
{
    int i;
    if (!names) return;
    for (i = 0; i < n; i++) bft_free(names[i]);
    bft_free(names);
}

BERTFT_DEF void bft_config_free(bft_config *c)
{
    bft__free_labels(c->id2label, c->num_labels);
    bft_free(c->extra_json);
    c->id2label = NULL;
    c->extra_json = NULL;
}

BERTFT_DEF bft_result bft_config_copy(bft_config *dst, const bft_config *src)
{
    int i;
    *dst = *src;
    dst->id2label = NULL;
    dst->extra_json = NULL;
    if (src->extra_json && !(dst->extra_json = bft__strdup(src->extra_json))) goto oom;
    if (src->id2label) {
        if (!(dst->id2label = BFT__NEW(char *, src->num_labels))) goto oom;
        for (i = 0; i < src->num_labels; i++)
            if (!(dst->id2label[i] = bft__strdup(src->id2label[i] ? src->id2label[i] : ""))) goto oom;
    }
    return BFT_OK;
oom:
    bft_config_free(dst);
    return bft__fail(BFT_ERR_OOM, "out of memory copying a config");
}

BERTFT_DEF bft_result bft_config_set_num_labels(bft_config *c, int num_labels, const char *const *names)
{
    char **nn = NULL;
    int i;
    if (num_labels < 1 || num_labels > 100000)
        return bft__fail(BFT_ERR_INVALID, "num_labels must be >= 1, got %d", num_labels);
    if (names) {
        if (!(nn = BFT__NEW(char *, num_labels))) return bft__fail(BFT_ERR_OOM, "out of memory");
        for (i = 0; i < num_labels; i++)
            if (!(nn[i] = bft__strdup(names[i]))) {
                bft__free_labels(nn, num_labels);
                return bft__fail(BFT_ERR_OOM, "out of memory");
            }
    }
    bft__free_labels(c->id2label, c->num_labels);
    c->id2label = nn;
    c->num_labels = num_labels;
    return BFT_OK;
}

BERTFT_DEF float bft_config_classifier_dropout(const bft_config *c)
{
    return c->classifier_dropout >= 0 ? c->classifier_dropout : c->hidden_dropout_prob;
}

BERTFT_DEF int bft_config_is_regression(const bft_config *c)
{
    if (c->problem_type == BFT_PROBLEM_REGRESSION) return 1;
    if (c->problem_type == BFT_PROBLEM_AUTO) return c->num_labels == 1;
    return 0;
}

BERTFT_DEF bft_result bft_config_validate(const bft_config *c, const char *name)
{
    const char *n = name ? name : "config";
#define BFT__NEED(cond, ...) do { if (!(cond)) return bft__fail(BFT_ERR_INVALID, __VA_ARGS__); } while (0)
    BFT__NEED(c->vocab_size >= 1, "%s: vocab_size must be >= 1, got %d", n, c->vocab_size);
    BFT__NEED(c->hidden_size >= 1, "%s: hidden_size must be >= 1, got %d", n, c->hidden_size);
    BFT__NEED(c->num_hidden_layers >= 0, "%s: num_hidden_layers must be >= 0, got %d", n, c->num_hidden_layers);
    BFT__NEED(c->num_attention_heads >= 1, "%s: num_attention_heads must be >= 1, got %d", n, c->num_attention_heads);
    BFT__NEED(c->hidden_size % c->num_attention_heads == 0,
              "%s: hidden_size (%d) is not a multiple of num_attention_heads (%d)", n, c->hidden_size,
              c->num_attention_heads);
    BFT__NEED(c->intermediate_size >= 1, "%s: intermediate_size must be >= 1, got %d", n, c->intermediate_size);
    BFT__NEED(c->max_position_embeddings >= 1, "%s: max_position_embeddings must be >= 1, got %d", n,
              c->max_position_embeddings);
    BFT__NEED(c->type_vocab_size >= 1, "%s: type_vocab_size must be >= 1, got %d", n, c->type_vocab_size);
    BFT__NEED(c->pad_token_id >= 0 && c->pad_token_id < c->vocab_size,
              "%s: pad_token_id %d is outside the vocabulary (size %d)", n, c->pad_token_id, c->vocab_size);
    BFT__NEED(c->num_labels >= 1, "%s: num_labels must be >= 1, got %d", n, c->num_labels);
    BFT__NEED(c->hidden_dropout_prob >= 0 && c->hidden_dropout_prob < 1,
              "%s: hidden_dropout_prob must be in [0, 1), got %g", n, c->hidden_dropout_prob);
    BFT__NEED(c->attention_probs_dropout_prob >= 0 && c->attention_probs_dropout_prob < 1,
              "%s: attention_probs_dropout_prob must be in [0, 1), got %g", n, c->attention_probs_dropout_prob);
    BFT__NEED(c->classifier_dropout < 1, "%s: classifier_dropout must be in [0, 1) or null, got %g", n,
              c->classifier_dropout);
    BFT__NEED(c->initializer_range >= 0 && c->initializer_range == c->initializer_range,
              "%s: initializer_range must be >= 0", n);
    BFT__NEED(c->layer_norm_eps > 0, "%s: layer_norm_eps must be > 0, got %g", n, c->layer_norm_eps);
    BFT__NEED((double)c->hidden_size * c->intermediate_size < 4e12 &&
              (double)c->vocab_size * c->hidden_size < 4e12, "%s: sizes are too large", n);
#undef BFT__NEED
    return BFT_OK;
}

/* Integer member: a JSON number with no fractional part in [lo, hi]. */
static bft_result bft__cfg_int(const bft__json *j, int root, const char *key, int *dst, const char *name)
{
    int k = bft__json_get(j, root, key);
    double v;
    if (k < 0) return BFT_OK;
    if (j->nodes[k].type != BFT__J_NUM)
        return bft__fail(BFT_ERR_FORMAT, "%s: \"%s\" must be an integer", name, key);
    v = j->nodes[k].num;
    if (v != floor(v) || v < -2147483647.0 || v > 2147483647.0)
        return bft__fail(BFT_ERR_FORMAT, "%s: \"%s\" must be an integer, got %.*s", name, key,
                         (int)(j->nodes[k].end - j->nodes[k].start), j->src + j->nodes[k].start);
    *dst = (int)v;
    return BFT_OK;
}

/* Float member; `nullable` accepts null and stores -1. */
static bft_result bft__cfg_float(const bft__json *j, int root, const char *key, float *dst, int nullable,
                                 const char *name)
{
    int k = bft__json_get(j, root, key);
    if (k < 0) return BFT_OK;
    if (nullable && j->nodes[k].type == BFT__J_NULL) { *dst = -1.0f; return BFT_OK; }
    if (j->nodes[k].type != BFT__J_NUM || j->nodes[k].num != j->nodes[k].num)
        return bft__fail(BFT_ERR_FORMAT, "%s: \"%s\" must be a number%s", name, key, nullable ? " or null" : "");
    *dst = (float)j->nodes[k].num;
    return BFT_OK;
}

/* The keys this config reads or writes itself; others are kept verbatim in extra_json. */
static const char *const bft__cfg_known[] = {
    "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
    "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout",
    "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id",
    "num_labels", "id2label", "label2id", "problem_type", "architectures", "model_type",
    "position_embedding_type", "torch_dtype", "transformers_version", "use_cache", NULL};

BERTFT_DEF bft_result bft_config_parse(bft_config *c, const char *json, size_t len, const char *name)
{
    bft__json j;
    bft_result r;
    int k, root = 0, nl = -1;
    bft__buf extra = {0, 0, 0, 0};
    name = name ? name : "config.json";
    bft_config_default(c);
    if ((r = bft__json_parse(&j, json, len, name)) != BFT_OK) return r;
    if (j.nodes[0].type != BFT__J_OBJ) {
        bft__json_free(&j);
        return bft__fail(BFT_ERR_FORMAT, "%s: expected a JSON object at the top level", name);
    }
    if ((r = bft__cfg_int(&j, root, "vocab_size", &c->vocab_size, name)) ||
        (r = bft__cfg_int(&j, root, "hidden_size", &c->hidden_size, name)) ||
        (r = bft__cfg_int(&j, root, "num_hidden_layers", &c->num_hidden_layers, name)) ||
        (r = bft__cfg_int(&j, root, "num_attention_heads", &c->num_attention_heads, name)) ||
        (r = bft__cfg_int(&j, root, "intermediate_size", &c->intermediate_size, name)) ||
        (r = bft__cfg_int(&j, root, "max_position_embeddings", &c->max_position_embeddings, name)) ||
        (r = bft__cfg_int(&j, root, "type_vocab_size", &c->type_vocab_size, name)) ||
        (r = bft__cfg_int(&j, root, "pad_token_id", &c->pad_token_id, name)) ||
        (r = bft__cfg_int(&j, root, "num_labels", &nl, name)) ||
        (r = bft__cfg_float(&j, root, "hidden_dropout_prob", &c->hidden_dropout_prob, 0, name)) ||
        (r = bft__cfg_float(&j, root, "attention_probs_dropout_prob", &c->attention_probs_dropout_prob, 0, name)) ||
        (r = bft__cfg_float(&j, root, "classifier_dropout", &c->classifier_dropout, 1, name)) ||
        (r = bft__cfg_float(&j, root, "initializer_range", &c->initializer_range, 0, name)) ||
        (r = bft__cfg_float(&j, root, "layer_norm_eps", &c->layer_norm_eps, 0, name)))
        goto fail;
    if ((k = bft__json_get(&j, root, "hidden_act")) >= 0) {
        /* BERT's "gelu" is the exact erf form; the tanh approximation would change every number. */
        if (!bft__json_streq(&j, k, "gelu")) {
            r = bft__fail(BFT_ERR_UNSUPPORTED, "%s: hidden_act %.*s is not supported (only \"gelu\", the erf form)",
                          name, (int)(j.nodes[k].end - j.nodes[k].start + 2), j.src + j.nodes[k].start - 1);
            goto fail;
        }
    }
    if ((k = bft__json_get(&j, root, "position_embedding_type")) >= 0 && !bft__json_streq(&j, k, "absolute") &&
        j.nodes[k].type != BFT__J_NULL) {
        r = bft__fail(BFT_ERR_UNSUPPORTED, "%s: position_embedding_type must be \"absolute\"", name);
        goto fail;
    }
    if ((k = bft__json_get(&j, root, "problem_type")) >= 0 && j.nodes[k].type != BFT__J_NULL) {
        if (bft__json_streq(&j, k, "regression")) c->problem_type = BFT_PROBLEM_REGRESSION;
        else if (bft__json_streq(&j, k, "single_label_classification")) c->problem_type = BFT_PROBLEM_SINGLE_LABEL;
        else if (bft__json_streq(&j, k, "multi_label_classification")) c->problem_type = BFT_PROBLEM_MULTI_LABEL;
        else {
            r = bft__fail(BFT_ERR_FORMAT, "%s: problem_type must be \"regression\", \"single_label_classification\" "
                          "or \"multi_label_classification\"", name);
            goto fail;
        }
    }
    /* HF derives num_labels from id2label when the key is absent (it never writes num_labels). */
    if ((k = bft__json_get(&j, root, "id2label")) >= 0) {
        int e, count, i;
        if (j.nodes[k].type != BFT__J_OBJ) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: id2label must be an object {\"0\": \"name\", ...}", name);
            goto fail;
        }
        count = j.nodes[k].count;
        if (nl >= 0 && nl != count) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: num_labels is %d but id2label has %d entries", name, nl, count);
            goto fail;
        }
        if (count < 1) { r = bft__fail(BFT_ERR_FORMAT, "%s: id2label is empty", name); goto fail; }
        c->num_labels = count;
        if (!(c->id2label = BFT__NEW(char *, count))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto fail; }
        for (e = j.nodes[k].first; e >= 0; e = j.nodes[e].next) {
            char *key = bft__json_strdup(&j, e, NULL), *end;
            long id = key ? strtol(key, &end, 10) : -1;
            int ok = key && *key && *end == 0 && id >= 0 && id < count;
            bft_free(key);
            if (!ok || c->id2label[id] || j.nodes[j.nodes[e].first].type != BFT__J_STR) {
                r = bft__fail(BFT_ERR_FORMAT, "%s: id2label keys must be \"0\"..\"%d\" (each once) with string values",
                              name, count - 1);
                goto fail;
            }
            if (!(c->id2label[id] = bft__json_strdup(&j, j.nodes[e].first, NULL))) {
                r = bft__fail(BFT_ERR_OOM, "out of memory");
                goto fail;
            }
        }
        for (i = 0; i < count; i++) BERTFT_ASSERT(c->id2label[i]);
    } else if (nl >= 0) {
        c->num_labels = nl;
    }
    /* keep unknown keys so that saving writes them back (finetuning_task, custom fields, ...) */
    for (k = j.nodes[0].first; k >= 0; k = j.nodes[k].next) {
        int i, known = 0, v = j.nodes[k].first;
        for (i = 0; bft__cfg_known[i]; i++) known |= bft__json_streq(&j, k, bft__cfg_known[i]);
        if (known) continue;
        if (extra.n) bft__buf_puts(&extra, ",\n  ");
        bft__buf_put(&extra, j.src + j.nodes[k].start - 1, j.nodes[k].end - j.nodes[k].start + 2);
        bft__buf_puts(&extra, ": ");
        if (j.nodes[v].type == BFT__J_STR) bft__buf_put(&extra, j.src + j.nodes[v].start - 1, j.nodes[v].end - j.nodes[v].start + 2);
        else bft__buf_put(&extra, j.src + j.nodes[v].start, j.nodes[v].end - j.nodes[v].start);
    }
    if (extra.oom) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto fail; }
    c->extra_json = extra.p;
    extra.p = NULL;
    bft__json_free(&j);
    if ((r = bft_config_validate(c, name)) != BFT_OK) { bft_config_free(c); return r; }
    return BFT_OK;
fail:
    bft_free(extra.p);
    bft__json_free(&j);
    bft_config_free(c);
    return r;
}

BERTFT_DEF bft_result bft_config_load(bft_config *c, const char *path)
{
    char *text;
    size_t len;
    bft_result r = bft_read_file(path, &text, &len);
    if (r != BFT_OK) { bft_config_default(c); return r; }
    r = bft_config_parse(c, text, len, path);
    bft_free(text);
    return r;
}

BERTFT_DEF char *bft_config_to_json(const bft_config *c)
{
    bft__buf b = {0, 0, 0, 0};
    int i;
    /* Keys sorted as HF's to_json_string(sort_keys=True) writes them. */
    bft__buf_puts(&b, "{\n  \"architectures\": [\n    \"BertForSequenceClassification\"\n  ],\n");
    bft__buf_puts(&b, "  \"attention_probs_dropout_prob\": ");
    bft__buf_f32(&b, c->attention_probs_dropout_prob);
    bft__buf_puts(&b, ",\n  \"classifier_dropout\": ");
    if (c->classifier_dropout < 0) bft__buf_puts(&b, "null"); else bft__buf_f32(&b, c->classifier_dropout);
    bft__buf_puts(&b, ",\n  \"hidden_act\": \"gelu\",\n  \"hidden_dropout_prob\": ");
    bft__buf_f32(&b, c->hidden_dropout_prob);
    bft__buf_printf(&b, ",\n  \"hidden_size\": %d,\n  \"id2label\": {\n", c->hidden_size);
    for (i = 0; i < c->num_labels; i++) {
        char tmp[32];
        const char *nm = c->id2label && c->id2label[i] ? c->id2label[i] : NULL;
        snprintf(tmp, sizeof tmp, "LABEL_%d", i);
        bft__buf_printf(&b, "    \"%d\": ", i);
        bft__buf_json_str(&b, nm ? nm : tmp, strlen(nm ? nm : tmp));
        bft__buf_puts(&b, i + 1 < c->num_labels ? ",\n" : "\n");
    }
    bft__buf_puts(&b, "  },\n  \"initializer_range\": ");
    bft__buf_f32(&b, c->initializer_range);
    bft__buf_printf(&b, ",\n  \"intermediate_size\": %d,\n  \"label2id\": {\n", c->intermediate_size);
    for (i = 0; i < c->num_labels; i++) {
        char tmp[32];
        const char *nm = c->id2label && c->id2label[i] ? c->id2label[i] : NULL;
        snprintf(tmp, sizeof tmp, "LABEL_%d", i);
        bft__buf_puts(&b, "    ");
        bft__buf_json_str(&b, nm ? nm : tmp, strlen(nm ? nm : tmp));
        bft__buf_printf(&b, ": %d%s", i, i + 1 < c->num_labels ? ",\n" : "\n");
    }
    bft__buf_puts(&b, "  },\n  \"layer_norm_eps\": ");
    bft__buf_f32(&b, c->layer_norm_eps);
    bft__buf_printf(&b, ",\n  \"max_position_embeddings\": %d,\n  \"model_type\": \"bert\",\n"
                        "  \"num_attention_heads\": %d,\n  \"num_hidden_layers\": %d,\n  \"pad_token_id\": %d,\n"
                        "  \"position_embedding_type\": \"absolute\",\n",
                    c->max_position_embeddings, c->num_attention_heads, c->num_hidden_layers, c->pad_token_id);
    if (c->problem_type != BFT_PROBLEM_AUTO)
        bft__buf_printf(&b, "  \"problem_type\": \"%s\",\n",
                        c->problem_type == BFT_PROBLEM_REGRESSION ? "regression"
                        : c->problem_type == BFT_PROBLEM_SINGLE_LABEL ? "single_label_classification"
                                                                       : "multi_label_classification");
    bft__buf_printf(&b, "  \"torch_dtype\": \"float32\",\n  \"type_vocab_size\": %d,\n  \"use_cache\": true,\n"
                        "  \"vocab_size\": %d",
                    c->type_vocab_size, c->vocab_size);
    if (c->extra_json && c->extra_json[0]) {
        bft__buf_puts(&b, ",\n  ");
        bft__buf_puts(&b, c->extra_json);
    }
    bft__buf_puts(&b, "\n}\n");
    if (b.oom) { bft_free(b.p); bft__fail(BFT_ERR_OOM, "out of memory"); return NULL; }
    return b.p;
}

BERTFT_DEF bft_result bft_config_save(const bft_config *c, const char *path)
{
    char *s = bft_config_to_json(c);
    bft_result r;
    if (!s) return BFT_ERR_OOM;
    r = bft_write_file_atomic(path, s, strlen(s));
    bft_free(s);
    return r;
}


#include "wip/tokenizer_impl.h"
#ifdef BFT__TMP_GEMM
#include BFT__TMP_GEMM
#else
#include "wip/gemm_impl.h"
#endif

/* ------------------------------------------------------------------------------------------ */
/* 4. Layers: forward/backward pairs                                                           */
/* ------------------------------------------------------------------------------------------ */
/* Shapes in comments: N = B*T tokens, C = hidden, I = intermediate, H = heads, D = C/H.
   Every backward *adds* into parameter gradients (dW, db) and *writes* input gradients (dx)
   unless its comment says otherwise. Reductions over tokens run in a fixed order per output
   element, so results do not depend on the number of threads. */

/* Dropout masks are never stored. Element i of a mask keeps its value when
   hash(key, i) >= p * 2^32, where the 64-bit key is drawn from the model's generator once per
   dropout site and forward pass; backward recomputes the same bits from the key. Any thread can
   produce any element, so masks do not depend on the thread count, and they cost no memory
   (BERT-base at batch 32 x 128 would need 370 MB of byte masks). The hash is murmur3's 32-bit
   finalizer on (i * golden ratio + key), cheap enough to vectorise. */
static uint32_t bft__drop_hash(uint64_t key, uint32_t i)
{
    uint32_t h = i * 0x9E3779B9u + (uint32_t)key;
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    h ^= (uint32_t)(key >> 32);
    h *= 0x27D4EB2Du; h ^= h >> 15;
    return h;
}

static uint32_t bft__drop_threshold(float p)
{
    double t = (double)p * 4294967296.0;
    return t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
}

/* Inverted dropout in place, as torch.nn.Dropout: x[i] = keep ? x[i] / (1 - p) : 0, where element
   i uses mask index offset + i. */
static void bft__dropout(float *x, size_t n, float p, uint64_t key, size_t offset)
{
    float scale = 1.0f / (1.0f - p);
    uint32_t thr = bft__drop_threshold(p);
    long long i, nn = (long long)n;
    BFT__OMP(parallel for schedule(static) if (nn > 65536))
    for (i = 0; i < nn; i++) x[i] = bft__drop_hash(key, (uint32_t)(offset + (size_t)i)) >= thr ? x[i] * scale : 0.0f;
}

/* Embeddings. out[N,C] = word[ids] + type[type_ids] + pos[t] (HF adds in this order). */
static void bft__embed_fwd(float *out, const int32_t *ids, const int32_t *types, const float *word,
                           const float *pos, const float *type, int B, int T, int C)
{
    int n;
    BFT__OMP(parallel for schedule(static) if ((size_t)B * T * C > 32768))
    for (n = 0; n < B * T; n++) {
        const float *w = word + (size_t)ids[n] * C, *p = pos + (size_t)(n % T) * C;
        const float *ty = type + (size_t)(types ? types[n] : 0) * C;
        float *o = out + (size_t)n * C;
        int c;
        for (c = 0; c < C; c++) o[c] = (w[c] + ty[c]) + p[c];
    }
}

/* Scatter-add of dout[N,C] into the three tables. The word row of the padding id gets no
   gradient: nn.Embedding(padding_idx=pad) excludes it. Columns are split between threads so
   that each table row is summed over tokens in token order. */
static void bft__embed_bwd(float *dword, float *dpos, float *dtype, const float *dout, const int32_t *ids,
                           const int32_t *types, int B, int T, int C, int pad_id)
{
    int c0;
    BFT__OMP(parallel for schedule(static) if ((size_t)B * T * C > 32768))
    for (c0 = 0; c0 < C; c0 += 16) {
        int c1 = c0 + 16 < C ? c0 + 16 : C, n, c;
        for (n = 0; n < B * T; n++) {
            const float *d = dout + (size_t)n * C;
            float *dw = dword + (size_t)ids[n] * C, *dp = dpos + (size_t)(n % T) * C;
            float *dt = dtype + (size_t)(types ? types[n] : 0) * C;
            for (c = c0; c < c1; c++) {
                if (ids[n] != pad_id) dw[c] += d[c];
                dp[c] += d[c];
                dt[c] += d[c];
            }
        }
    }
}

/* LayerNorm over the last dim: out = (x - mean) * rstd * w + b, rstd = 1/sqrt(var + eps),
   var the biased variance (as torch). Statistics accumulate in double. With `res`, x += res
   first, in place (the residual connection, fused into the same pass over memory). */
static void bft__layernorm_fwd(float *out, float *mean, float *rstd, float *x, const float *res, const float *w,
                               const float *b, int N, int C, float eps)
{
    int n;
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (n = 0; n < N; n++) {
        float *xr = x + (size_t)n * C;
        float *o = out + (size_t)n * C;
        double s = 0, v = 0;
        float m, r;
        int c;
        if (res)
            for (c = 0; c < C; c++) xr[c] += res[(size_t)n * C + c];
        for (c = 0; c < C; c++) s += xr[c];
        m = (float)(s / C);
        for (c = 0; c < C; c++) { double d = (double)xr[c] - m; v += d * d; }
        r = (float)(1.0 / sqrt(v / C + (double)eps));
        for (c = 0; c < C; c++) o[c] = (xr[c] - m) * r * w[c] + b[c];
        mean[n] = m;
        rstd[n] = r;
    }
}

/* With xhat = (x - mean) * rstd and g = dout * w:
   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), dw += sum dout * xhat, db += sum dout. */
static void bft__layernorm_bwd(float *dx, float *dw, float *db, const float *dout, const float *x,
                               const float *mean, const float *rstd, const float *w, int N, int C)
{
    int n, c0;
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (n = 0; n < N; n++) {
        const float *d = dout + (size_t)n * C, *xr = x + (size_t)n * C;
        float *o = dx + (size_t)n * C;
        float m = mean[n], r = rstd[n];
        double sg = 0, sgx = 0;
        float mg, mgx;
        int c;
        for (c = 0; c < C; c++) {
            float g = d[c] * w[c];
            sg += g;
            sgx += (double)g * ((xr[c] - m) * r);
        }
        mg = (float)(sg / C);
        mgx = (float)(sgx / C);
        for (c = 0; c < C; c++) o[c] = r * (d[c] * w[c] - mg - (xr[c] - m) * r * mgx);
    }
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (c0 = 0; c0 < C; c0 += 16) {
        int c1 = c0 + 16 < C ? c0 + 16 : C, n2, c;
        for (n2 = 0; n2 < N; n2++) {
            const float *d = dout + (size_t)n2 * C, *xr = x + (size_t)n2 * C;
            for (c = c0; c < c1; c++) {
                dw[c] += d[c] * ((xr[c] - mean[n2]) * rstd[n2]);
                db[c] += d[c];
            }
        }
    }
}

/* Linear layer as torch.nn.Linear: out[N,OC] = x[N,IC] . W[OC,IC]^T + b[OC]. */
static void bft__linear_fwd(float *out, const float *x, const float *W, const float *b, int N, int IC, int OC)
{
    int n;
    bft_sgemm(0, 1, N, OC, IC, 1.0f, x, IC, W, IC, 0.0f, out, OC);
    if (!b) return;
    BFT__OMP(parallel for schedule(static) if ((size_t)N * OC > 65536))
    for (n = 0; n < N; n++) {
        float *o = out + (size_t)n * OC;
        int c;
        for (c = 0; c < OC; c++) o[c] += b[c];
    }
}

/* dx[N,IC] = dout . W (beta = 1 adds to dx, for residual branches), dW[OC,IC] += dout^T . x,
   db[OC] += column sums of dout. */
static void bft__linear_bwd(float *dx, float dx_beta, float *dW, float *db, const float *dout, const float *x,
                            const float *W, int N, int IC, int OC)
{
    int c0;
    if (dx) bft_sgemm(0, 0, N, IC, OC, 1.0f, dout, OC, W, IC, dx_beta, dx, IC);
    bft_sgemm(1, 0, OC, IC, N, 1.0f, dout, OC, x, IC, 1.0f, dW, IC);
    BFT__OMP(parallel for schedule(static) if ((size_t)N * OC > 65536))
    for (c0 = 0; c0 < OC; c0 += 16) {
        int c1 = c0 + 16 < OC ? c0 + 16 : OC, n, c;
        for (n = 0; n < N; n++)
            for (c = c0; c < c1; c++) db[c] += dout[(size_t)n * OC + c];
    }
}

/* GELU, the exact form BERT uses: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2).
   libm's erff is a call per element and does not vectorise; these are branch-free versions
   (relative error ~2e-7, about 2 ulp, checked against double precision in the tests) that the
   compiler turns into SIMD code inside the `omp simd` loops. Going through erfc keeps the
   relative accuracy for large negative x, where 1 + erf(x) would cancel. */
static float bft__expf(float x)
{
    /* exp(x) = 2^k exp(r), k = round(x / ln 2), |r| <= ln(2)/2; degree-6 Taylor/minimax on r */
    float k, r, p;
    int32_t ki;
    uint32_t bits;
    float scale;
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    k = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round to nearest */
    r = x - k * 0.693145751953125f - k * 1.42860682030941723e-06f;
    p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666418f + r * (0.00833345205f + r * 0.00138888635f)))));
    ki = (int32_t)k;
    bits = (uint32_t)(ki + 127) << 23;
    memcpy(&scale, &bits, 4);
    return p * scale;
}

/* erfc(z) for any z (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7). */
static float bft__erfcf(float z)
{
    float az = z < 0 ? -z : z, t = 1.0f / (1.0f + 0.5f * az), ans;
    ans = t * bft__expf(-az * az - 1.26551223f +
                        t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f +
                        t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
    return z >= 0 ? ans : 2.0f - ans;
}

static void bft__gelu_fwd(float *out, const float *x, size_t n)
{
    long long i, nn = (long long)n;
    BFT__OMP(parallel for simd schedule(static) if (nn > 32768))
    for (i = 0; i < nn; i++) out[i] = 0.5f * x[i] * bft__erfcf(-x[i] * 0.70710678118654752f);
}

/* d/dx [x Phi(x)] = Phi(x) + x phi(x); dx may alias dout. */
static void bft__gelu_bwd(float *dx, const float *x, const float *dout, size_t n)
{
    long long i, nn = (long long)n;
    BFT__OMP(parallel for simd schedule(static) if (nn > 32768))
    for (i = 0; i < nn; i++) {
        float v = x[i];
        float cdf = 0.5f * bft__erfcf(-v * 0.70710678118654752f);
        float pdf = bft__expf(-0.5f * v * v) * 0.39894228040143268f;
        dx[i] = dout[i] * (cdf + v * pdf);
    }
}

/* Self-attention for one (batch, head) pair. Q, K, V: [T, D] rows with stride `ld` (they live
   inside the fused qkv buffer [N, 3C]); probs: [T, T] softmax output before dropout; ctx: [T, D]
   rows with stride C. Keys where mask == 0 get probability 0, which is what HF's additive
   finfo(float32).min does (exp underflows to exactly 0); a row with no valid key becomes
   uniform, as HF's does because every score then rounds to the same value. */
static void bft__attention_fwd_one(float *ctx, int ldc, float *probs, float *pd, const float *Q, const float *K,
                                   const float *V, int ld, const int32_t *mask, uint64_t dkey, size_t doff,
                                   float p_drop, int T, int D)
{
    int i, j, any = 0;
    float scale = 1.0f / sqrtf((float)D);
    bft_sgemm(0, 1, T, T, D, scale, Q, ld, K, ld, 0.0f, probs, T);
    for (j = 0; j < T; j++) any |= !mask || mask[j];
    for (i = 0; i < T; i++) {
        float *s = probs + (size_t)i * T, mx = -FLT_MAX, sum = 0.0f;
        for (j = 0; j < T; j++)
            if (!any || !mask || mask[j]) mx = s[j] > mx ? s[j] : mx;
        for (j = 0; j < T; j++) {
            if (!any) s[j] = 1.0f;
            else if (mask && !mask[j]) s[j] = 0.0f;
            else s[j] = expf(s[j] - mx);
            sum += s[j];
        }
        for (j = 0; j < T; j++) s[j] /= sum;
    }
    if (p_drop > 0) { /* pd = dropout(probs), into a scratch buffer: backward needs probs itself */
        memcpy(pd, probs, (size_t)T * T * sizeof(float));
        bft__dropout(pd, (size_t)T * T, p_drop, dkey, doff);
    } else pd = probs;
    bft_sgemm(0, 0, T, D, T, 1.0f, pd, T, V, ld, 0.0f, ctx, ldc);
}

/* Backward of one (batch, head). With P the probs, Pd = dropout(P), S the scaled scores:
   dPd = dctx . V^T, dV = Pd^T . dctx, dP = dropout'(dPd),
   dS = P * (dP - rowsum(P * dP))   (softmax Jacobian), dQ = scale dS . K, dK = scale dS^T . Q.
   Masked keys have P = 0, so they receive no gradient. Writes dQ, dK, dV (stride ld). */
static void bft__attention_bwd_one(float *dQ, float *dK, float *dV, const float *dctx, int ldc,
                                   const float *probs, float *pd, float *dp, const float *Q, const float *K,
                                   const float *V, int ld, uint64_t dkey, size_t doff, float p_drop, int T, int D)
{
    int i, j;
    float scale = 1.0f / sqrtf((float)D);
    if (p_drop > 0) {
        memcpy(pd, probs, (size_t)T * T * sizeof(float));
        bft__dropout(pd, (size_t)T * T, p_drop, dkey, doff);
    } else pd = (float *)probs;
    bft_sgemm(0, 1, T, T, D, 1.0f, dctx, ldc, V, ld, 0.0f, dp, T);
    bft_sgemm(1, 0, T, D, T, 1.0f, pd, T, dctx, ldc, 0.0f, dV, ld);
    if (p_drop > 0) bft__dropout(dp, (size_t)T * T, p_drop, dkey, doff);
    for (i = 0; i < T; i++) {
        const float *pr = probs + (size_t)i * T;
        float *d = dp + (size_t)i * T, dot = 0.0f;
        for (j = 0; j < T; j++) dot += pr[j] * d[j];
        for (j = 0; j < T; j++) d[j] = pr[j] * (d[j] - dot);
    }
    bft_sgemm(0, 0, T, D, T, scale, dp, T, K, ld, 0.0f, dQ, ld);
    bft_sgemm(1, 0, T, D, T, scale, dp, T, Q, ld, 0.0f, dK, ld);
}

/* ------------------------------------------------------------------------------------------ */
/* 5. Model: parameter table, activations, forward, backward                                   */
/* ------------------------------------------------------------------------------------------ */
/* Every tensor of BertForSequenceClassification, described once. The same table names the
   tensors in checkpoints, lays out the flat parameter (and gradient) buffer, and binds the
   bft_params/bft_layer pointer views, so there is no per-tensor boilerplate elsewhere. */
enum { BFT__D1, BFT__DV, BFT__DP, BFT__DTV, BFT__DC, BFT__DI, BFT__DNL };
enum { BFT__INIT_NORMAL, BFT__INIT_ZERO, BFT__INIT_ONE, BFT__INIT_EMB_PAD };
typedef struct bft__tdesc {
    const char *name;  /* after "bert." for the encoder part; per-layer names after "encoder.layer.N." */
    int rows, cols;    /* BFT__D* (cols BFT__D1 = a vector) */
    size_t field;      /* offsetof in bft_params or bft_layer */
    int init;
} bft__tdesc;

#define BFT__P(f) offsetof(bft_params, f)
#define BFT__L(f) offsetof(bft_layer, f)
static const bft__tdesc bft__top_tensors[] = {
    {"bert.embeddings.word_embeddings.weight", BFT__DV, BFT__DC, BFT__P(word_emb), BFT__INIT_EMB_PAD},
    {"bert.embeddings.position_embeddings.weight", BFT__DP, BFT__DC, BFT__P(pos_emb), BFT__INIT_NORMAL},
    {"bert.embeddings.token_type_embeddings.weight", BFT__DTV, BFT__DC, BFT__P(type_emb), BFT__INIT_NORMAL},
    {"bert.embeddings.LayerNorm.weight", BFT__DC, BFT__D1, BFT__P(emb_ln_w), BFT__INIT_ONE},
    {"bert.embeddings.LayerNorm.bias", BFT__DC, BFT__D1, BFT__P(emb_ln_b), BFT__INIT_ZERO},
};
static const bft__tdesc bft__layer_tensors[] = {
    {"attention.self.query.weight", BFT__DC, BFT__DC, BFT__L(q_w), BFT__INIT_NORMAL},
    {"attention.self.key.weight", BFT__DC, BFT__DC, BFT__L(k_w), BFT__INIT_NORMAL},
    {"attention.self.value.weight", BFT__DC, BFT__DC, BFT__L(v_w), BFT__INIT_NORMAL},
    {"attention.self.query.bias", BFT__DC, BFT__D1, BFT__L(q_b), BFT__INIT_ZERO},
    {"attention.self.key.bias", BFT__DC, BFT__D1, BFT__L(k_b), BFT__INIT_ZERO},
    {"attention.self.value.bias", BFT__DC, BFT__D1, BFT__L(v_b), BFT__INIT_ZERO},
    {"attention.output.dense.weight", BFT__DC, BFT__DC, BFT__L(ao_w), BFT__INIT_NORMAL},
    {"attention.output.dense.bias", BFT__DC, BFT__D1, BFT__L(ao_b), BFT__INIT_ZERO},
    {"attention.output.LayerNorm.weight", BFT__DC, BFT__D1, BFT__L(ln1_w), BFT__INIT_ONE},
    {"attention.output.LayerNorm.bias", BFT__DC, BFT__D1, BFT__L(ln1_b), BFT__INIT_ZERO},
    {"intermediate.dense.weight", BFT__DI, BFT__DC, BFT__L(i_w), BFT__INIT_NORMAL},
    {"intermediate.dense.bias", BFT__DI, BFT__D1, BFT__L(i_b), BFT__INIT_ZERO},
    {"output.dense.weight", BFT__DC, BFT__DI, BFT__L(o_w), BFT__INIT_NORMAL},
    {"output.dense.bias", BFT__DC, BFT__D1, BFT__L(o_b), BFT__INIT_ZERO},
    {"output.LayerNorm.weight", BFT__DC, BFT__D1, BFT__L(ln2_w), BFT__INIT_ONE},
    {"output.LayerNorm.bias", BFT__DC, BFT__D1, BFT__L(ln2_b), BFT__INIT_ZERO},
};
static const bft__tdesc bft__head_tensors[] = {
    {"bert.pooler.dense.weight", BFT__DC, BFT__DC, BFT__P(pool_w), BFT__INIT_NORMAL},
    {"bert.pooler.dense.bias", BFT__DC, BFT__D1, BFT__P(pool_b), BFT__INIT_ZERO},
    {"classifier.weight", BFT__DNL, BFT__DC, BFT__P(cls_w), BFT__INIT_NORMAL},
    {"classifier.bias", BFT__DNL, BFT__D1, BFT__P(cls_b), BFT__INIT_ZERO},
};
#undef BFT__P
#undef BFT__L
#define BFT__COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int64_t bft__dim(const bft_config *c, int d)
{
    switch (d) {
    case BFT__DV: return c->vocab_size;
    case BFT__DP: return c->max_position_embeddings;
    case BFT__DTV: return c->type_vocab_size;
    case BFT__DC: return c->hidden_size;
    case BFT__DI: return c->intermediate_size;
    case BFT__DNL: return c->num_labels;
    default: return 1;
    }
}

/* Fill m->tensors (names, shapes, offsets) from the table; returns the float count. */
static size_t bft__build_tensor_table(bft_model *m)
{
    const bft_config *c = &m->config;
    size_t off = 0;
    int k = 0, l, i, part;
    for (part = 0; part < 3; part++) {
        const bft__tdesc *tab = part == 0 ? bft__top_tensors : part == 1 ? bft__layer_tensors : bft__head_tensors;
        int cnt = part == 0 ? BFT__COUNT(bft__top_tensors)
                  : part == 1 ? BFT__COUNT(bft__layer_tensors) : BFT__COUNT(bft__head_tensors);
        int reps = part == 1 ? c->num_hidden_layers : 1;
        for (l = 0; l < reps; l++)
            for (i = 0; i < cnt; i++) {
                bft_tensor_info *t = &m->tensors[k++];
                const bft__tdesc *d = &tab[i];
                if (part == 1) snprintf(t->name, sizeof t->name, "bert.encoder.layer.%d.%s", l, d->name);
                else snprintf(t->name, sizeof t->name, "%s", d->name);
                t->shape[0] = bft__dim(c, d->rows);
                t->shape[1] = bft__dim(c, d->cols);
                t->ndim = d->cols == BFT__D1 ? 1 : 2;
                t->numel = (size_t)t->shape[0] * (size_t)t->shape[1];
                t->offset = off;
                /* HF: no weight decay for biases and LayerNorm weights */
                t->weight_decay = strstr(t->name, "bias") == NULL && strstr(t->name, "LayerNorm") == NULL;
                off += t->numel;
            }
    }
    return off;
}

/* Which table row a tensor index comes from (for init kinds and pointer binding). */
static const bft__tdesc *bft__tensor_desc(const bft_model *m, int k, int *layer)
{
    int ntop = BFT__COUNT(bft__top_tensors), nl = BFT__COUNT(bft__layer_tensors);
    *layer = -1;
    if (k < ntop) return &bft__top_tensors[k];
    k -= ntop;
    if (k < nl * m->config.num_hidden_layers) {
        *layer = k / nl;
        return &bft__layer_tensors[k % nl];
    }
    return &bft__head_tensors[k - nl * m->config.num_hidden_layers];
}

/* Point the views of `v` (and its layer array) into `base`. */
static void bft__bind(bft_model *m, bft_params *v, float *base)
{
    int k, layer;
    for (k = 0; k < m->num_tensors; k++) {
        const bft__tdesc *d = bft__tensor_desc(m, k, &layer);
        char *obj = layer < 0 ? (char *)v : (char *)&v->layers[layer];
        float *ptr = base + m->tensors[k].offset;
        memcpy(obj + d->field, &ptr, sizeof ptr);
    }
}

/* HF's _init_weights for one tensor: Linear/Embedding N(0, initializer_range), biases 0,
   LayerNorm 1/0, and the padding row of the word embeddings 0. */
static void bft__init_tensor(bft_model *m, int k, uint64_t rng[4])
{
    int layer;
    const bft__tdesc *d = bft__tensor_desc(m, k, &layer);
    const bft_tensor_info *t = &m->tensors[k];
    float *p = m->params + t->offset;
    size_t i;
    switch (d->init) {
    case BFT__INIT_ZERO: memset(p, 0, t->numel * sizeof(float)); break;
    case BFT__INIT_ONE: for (i = 0; i < t->numel; i++) p[i] = 1.0f; break;
    default:
        for (i = 0; i < t->numel; i++) p[i] = (float)(bft__rng_normal(rng) * m->config.initializer_range);
        if (d->init == BFT__INIT_EMB_PAD)
            memset(p + (size_t)m->config.pad_token_id * m->config.hidden_size, 0, (size_t)m->config.hidden_size * sizeof(float));
    }
}

BERTFT_DEF void bft_model_seed(bft_model *m, uint64_t seed) { bft__rng_seed(m->rng_state, seed ^ 0xD50F00Dull); }

/* Allocate a model with the layout of `c` (parameters uninitialised). */
static bft_result bft__model_alloc(bft_model **out, const bft_config *c)
{
    bft_model *m;
    bft_result r;
    int L;
    *out = NULL;
    if ((r = bft_config_validate(c, "config")) != BFT_OK) return r;
    if (!(m = BFT__NEW(bft_model, 1))) return bft__fail(BFT_ERR_OOM, "out of memory");
    if ((r = bft_config_copy(&m->config, c)) != BFT_OK) { bft_free(m); return r; }
    L = c->num_hidden_layers;
    m->num_tensors = BFT__COUNT(bft__top_tensors) + L * BFT__COUNT(bft__layer_tensors) + BFT__COUNT(bft__head_tensors);
    m->tensors = BFT__NEW(bft_tensor_info, m->num_tensors);
    m->p.layers = BFT__NEW(bft_layer, L > 0 ? L : 1);
    m->g.layers = BFT__NEW(bft_layer, L > 0 ? L : 1);
    if (!m->tensors || !m->p.layers || !m->g.layers) goto oom;
    m->num_params = bft__build_tensor_table(m);
    if (!(m->params = (float *)bft__malloc(m->num_params * sizeof(float)))) goto oom;
    bft__bind(m, &m->p, m->params);
    m->loss = NAN;
    bft_model_seed(m, 0);
    *out = m;
    return BFT_OK;
oom:
    bft_model_free(m);
    return bft__fail(BFT_ERR_OOM, "out of memory allocating a model of %d layers, hidden %d", L, c->hidden_size);
}

BERTFT_DEF bft_result bft_model_create(bft_model **out, const bft_config *c, uint64_t seed)
{
    bft_model *m;
    uint64_t rng[4];
    int k;
    bft_result r = bft__model_alloc(&m, c);
    if (r != BFT_OK) return r;
    bft__rng_seed(rng, seed);
    for (k = 0; k < m->num_tensors; k++) bft__init_tensor(m, k, rng);
    bft_model_seed(m, seed);
    *out = m;
    return BFT_OK;
}

BERTFT_DEF const bft_tensor_info *bft_model_find_tensor(const bft_model *m, const char *name)
{
    int k;
    for (k = 0; k < m->num_tensors; k++)
        if (strcmp(m->tensors[k].name, name) == 0) return &m->tensors[k];
    return NULL;
}

/* Activations of one forward pass, in one float arena,
   laid out for the batch's B and T; the arenas grow when a larger batch arrives. */
struct bft_acts {
    float *mem;
    size_t cap;
    uint64_t *drop_keys;               /* [2 + 3L]: dropout keys of embeddings, classifier, and per
                                          layer attention probs, attention output, output */
    int keys_for_layers;
    int B, T;
    /* per batch */
    int32_t *ids, *types, *mask;      /* copies of the batch, [N] */
    float *labels;                     /* [B] */
    float *emb_in, *emb_mean, *emb_rstd; /* [N,C], [N], [N] */
    float *hidden;                     /* [L+1, N, C]: layer inputs, then the final output */
    /* per layer, L copies each */
    float *qkv;                        /* [N, 3C] */
    float *probs;                      /* [B, H, T, T] */
    float *ctx;                        /* [N, C] */
    float *ln1_in, *ln1_mean, *ln1_rstd, *ln1_out; /* [N,C] [N] [N] [N,C] */
    float *inter_pre;                  /* [N, I]: before GELU */
    float *inter_act;                  /* [N, I], one buffer for all layers: GELU output, recomputed
                                          in backward (saves L x N x I floats) */
    float *ln2_in, *ln2_mean, *ln2_rstd; /* [N,C] [N] [N] */
    /* head */
    float *pool_in, *pooled, *cls_in;  /* [B, C] each */
    float *logits, *dlogits;           /* [B, NL] */
    float *dcls, *dpool;               /* [B, C]: d(cls_in), d(pooler input) */
    /* backward scratch */
    float *dh, *dt1, *dt2, *dqkv, *dinter, *dscratch; /* [N,C] x3, [N,3C], [N,I], [threads, 3, T, T] */
    int scratch_threads;
};

/* One layer's slice of the per-layer arrays. */
typedef struct bft__lacts {
    float *x, *qkv, *probs, *ctx, *ln1_in, *ln1_mean, *ln1_rstd, *ln1_out, *inter_pre, *ln2_in,
        *ln2_mean, *ln2_rstd, *out;
} bft__lacts;

static bft__lacts bft__layer_acts(const bft_acts *a, const bft_config *c, int l)
{
    bft__lacts v;
    size_t N = (size_t)a->B * a->T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t P = (size_t)a->B * c->num_attention_heads * a->T * a->T, ul = (size_t)l;
    v.x = a->hidden + ul * N * C;
    v.out = a->hidden + (ul + 1) * N * C;
    v.qkv = a->qkv + ul * N * 3 * C;
    v.probs = a->probs + ul * P;
    v.ctx = a->ctx + ul * N * C;
    v.ln1_in = a->ln1_in + ul * N * C;
    v.ln1_mean = a->ln1_mean + ul * N;
    v.ln1_rstd = a->ln1_rstd + ul * N;
    v.ln1_out = a->ln1_out + ul * N * C;
    v.inter_pre = a->inter_pre + ul * N * I;
    v.ln2_in = a->ln2_in + ul * N * C;
    v.ln2_mean = a->ln2_mean + ul * N;
    v.ln2_rstd = a->ln2_rstd + ul * N;
    return v;
}

/* Lay the arrays out in the arena (a == NULL: only count the floats needed). */
static size_t bft__acts_layout(bft_acts *a, const bft_config *c, int B, int T, int threads)
{
    size_t N = (size_t)B * T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t L = (size_t)c->num_hidden_layers, NL = (size_t)c->num_labels;
    size_t P = (size_t)B * c->num_attention_heads * T * T;
    size_t f = 0;
    float *fb = a ? a->mem : NULL;
    /* each array starts on a 64-byte boundary */
#define BFT__F(ptr, n) do { if (fb) a->ptr = fb + f; f += (n); f = (f + 15) & ~(size_t)15; } while (0)
#define BFT__I(ptr, n) do { if (fb) a->ptr = (int32_t *)(void *)(fb + f); f += (n); f = (f + 15) & ~(size_t)15; } while (0)
    BFT__I(ids, N); BFT__I(types, N); BFT__I(mask, N);
    BFT__F(labels, B);
    BFT__F(emb_in, N * C); BFT__F(emb_mean, N); BFT__F(emb_rstd, N);
    BFT__F(hidden, (L + 1) * N * C);
    BFT__F(qkv, L * N * 3 * C);
    BFT__F(probs, L * P);
    BFT__F(ctx, L * N * C);
    BFT__F(ln1_in, L * N * C); BFT__F(ln1_mean, L * N); BFT__F(ln1_rstd, L * N); BFT__F(ln1_out, L * N * C);
    BFT__F(inter_pre, L * N * I); BFT__F(inter_act, N * I);
    BFT__F(ln2_in, L * N * C); BFT__F(ln2_mean, L * N); BFT__F(ln2_rstd, L * N);
    BFT__F(pool_in, B * C); BFT__F(pooled, B * C); BFT__F(cls_in, B * C);
    BFT__F(logits, B * NL); BFT__F(dlogits, B * NL);
    BFT__F(dcls, B * C); BFT__F(dpool, B * C);
    BFT__F(dh, N * C); BFT__F(dt1, N * C); BFT__F(dt2, N * C); BFT__F(dqkv, N * 3 * C); BFT__F(dinter, N * I);
    BFT__F(dscratch, (size_t)threads * 3 * T * T);
#undef BFT__F
#undef BFT__I
    return f;
}

static bft_result bft__acts_prepare(bft_model *m, int B, int T)
{
    bft_acts *a = m->acts;
    size_t nf;
    int threads = bft_get_num_threads(), L = m->config.num_hidden_layers;
    if (!a) {
        if (!(a = m->acts = BFT__NEW(bft_acts, 1))) return bft__fail(BFT_ERR_OOM, "out of memory");
    }
    if (!a->drop_keys) {
        if (!(a->drop_keys = BFT__NEW(uint64_t, 2 + 3 * L))) return bft__fail(BFT_ERR_OOM, "out of memory");
    }
    nf = bft__acts_layout(NULL, &m->config, B, T, threads);
    if (nf > a->cap) {
        /* grow-only: the largest batch so far sets the size, later batches reuse it */
        float *nm = (float *)bft__realloc(a->mem, nf * sizeof(float));
        if (!nm) return bft__fail(BFT_ERR_OOM, "out of memory for activations (batch %d x %d: %.1f MB)", B, T, nf * 4.0 / 1e6);
        a->mem = nm;
        a->cap = nf;
    }
    a->B = B;
    a->T = T;
    a->scratch_threads = threads;
    bft__acts_layout(a, &m->config, B, T, threads);
    return BFT_OK;
}

/* Draw the key of a dropout site into *key: 1 when dropout applies (training and p > 0). */
static int bft__drop_key(bft_model *m, float p, uint64_t *key)
{
    if (!m->training || p <= 0.0f) return 0;
    *key = bft__rng_next(m->rng_state);
    return 1;
}

static int bft__thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

BERTFT_DEF bft_result bft_forward(bft_model *m, const bft_batch *b, int training)
{
    const bft_config *c = &m->config;
    bft_acts *a;
    bft_result r;
    int B = b->batch_size, T = b->seq_len, C = c->hidden_size, I = c->intermediate_size, H = c->num_attention_heads;
    int D = C / H, NL = c->num_labels, L = c->num_hidden_layers, N, l, n, bh;
    float ph = c->hidden_dropout_prob, pa = c->attention_probs_dropout_prob, pc = bft_config_classifier_dropout(c);
    uint64_t *keys;

    m->has_loss = 0;
    m->loss = NAN;
    if (B < 1 || T < 1) return bft__fail(BFT_ERR_INVALID, "batch: batch_size and seq_len must be >= 1 (got %d x %d)", B, T);
    if (T > c->max_position_embeddings)
        return bft__fail(BFT_ERR_INVALID, "batch: sequence length %d exceeds max_position_embeddings %d "
                         "(tokenize with truncation to max_length <= %d)", T, c->max_position_embeddings,
                         c->max_position_embeddings);
    if (!b->input_ids) return bft__fail(BFT_ERR_INVALID, "batch: input_ids is NULL");
    N = B * T;
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
            if (y != -100.0f && (y != floorf(y) || y < 0 || y >= NL))
                return bft__fail(BFT_ERR_INVALID, "batch: label of row %d is %g, expected a class id in [0, %d) "
                                 "(or -100 to ignore the row)", n, y, NL);
        }
    }
    if ((r = bft__acts_prepare(m, B, T)) != BFT_OK) return r;
    a = m->acts;
    keys = a->drop_keys;
    m->B = B;
    m->T = T;
    m->training = training;
    for (n = 0; n < N; n++) {
        a->ids[n] = b->input_ids[n];
        a->types[n] = b->token_type_ids ? b->token_type_ids[n] : 0;
        a->mask[n] = b->attention_mask ? (b->attention_mask[n] != 0) : 1;
    }
    for (n = 0; n < B; n++) a->labels[n] = b->labels ? b->labels[n] : 0.0f;

    /* embeddings -> LayerNorm -> dropout */
    bft__embed_fwd(a->emb_in, a->ids, a->types, m->p.word_emb, m->p.pos_emb, m->p.type_emb, B, T, C);
    bft__layernorm_fwd(a->hidden, a->emb_mean, a->emb_rstd, a->emb_in, NULL, m->p.emb_ln_w, m->p.emb_ln_b, N, C, c->layer_norm_eps);
    if (bft__drop_key(m, ph, &keys[0])) bft__dropout(a->hidden, (size_t)N * C, ph, keys[0], 0);

    for (l = 0; l < L; l++) {
        const bft_layer *w = &m->p.layers[l];
        bft__lacts v = bft__layer_acts(a, c, l);
        uint64_t *lk = keys + 2 + 3 * l;
        float pa_l;
        /* q, k, v in one GEMM: the three weight matrices are adjacent, [3C, C] */
        bft__linear_fwd(v.qkv, v.x, w->q_w, w->q_b, N, C, 3 * C);
        pa_l = bft__drop_key(m, pa, &lk[0]) ? pa : 0.0f;
        BFT__OMP(parallel for schedule(dynamic) if ((size_t)B * H * T * T * D > 262144))
        for (bh = 0; bh < B * H; bh++) {
            int bi = bh / H, h = bh % H;
            const float *q = v.qkv + (size_t)bi * T * 3 * C + (size_t)h * D;
            float *pd = a->dscratch + (size_t)bft__thread_id() * 3 * T * T;
            bft__attention_fwd_one(v.ctx + (size_t)bi * T * C + (size_t)h * D, C, v.probs + (size_t)bh * T * T, pd,
                                   q, q + C, q + 2 * C, 3 * C, a->mask + (size_t)bi * T, lk[0],
                                   (size_t)bh * T * T, pa_l, T, D);
        }
        /* attention output: dense -> dropout -> + residual -> LayerNorm */
        bft__linear_fwd(v.ln1_in, v.ctx, w->ao_w, w->ao_b, N, C, C);
        if (bft__drop_key(m, ph, &lk[1])) bft__dropout(v.ln1_in, (size_t)N * C, ph, lk[1], 0);
        bft__layernorm_fwd(v.ln1_out, v.ln1_mean, v.ln1_rstd, v.ln1_in, v.x, w->ln1_w, w->ln1_b, N, C, c->layer_norm_eps);
        /* feed-forward: dense -> GELU -> dense -> dropout -> + residual -> LayerNorm */
        bft__linear_fwd(v.inter_pre, v.ln1_out, w->i_w, w->i_b, N, C, I);
        bft__gelu_fwd(a->inter_act, v.inter_pre, (size_t)N * I);
        bft__linear_fwd(v.ln2_in, a->inter_act, w->o_w, w->o_b, N, I, C);
        if (bft__drop_key(m, ph, &lk[2])) bft__dropout(v.ln2_in, (size_t)N * C, ph, lk[2], 0);
        bft__layernorm_fwd(v.out, v.ln2_mean, v.ln2_rstd, v.ln2_in, v.ln1_out, w->ln2_w, w->ln2_b, N, C, c->layer_norm_eps);
    }

    /* pooler: tanh(dense(hidden of [CLS])), then dropout -> classifier */
    {
        const float *last = a->hidden + (size_t)L * N * C;
        for (n = 0; n < B; n++) memcpy(a->pool_in + (size_t)n * C, last + (size_t)n * T * C, (size_t)C * sizeof(float));
        bft__linear_fwd(a->pooled, a->pool_in, m->p.pool_w, m->p.pool_b, B, C, C);
        for (n = 0; n < B * C; n++) a->pooled[n] = tanhf(a->pooled[n]);
        memcpy(a->cls_in, a->pooled, (size_t)B * C * sizeof(float));
        if (bft__drop_key(m, pc, &keys[1])) bft__dropout(a->cls_in, (size_t)B * C, pc, keys[1], 0);
        bft__linear_fwd(a->logits, a->cls_in, m->p.cls_w, m->p.cls_b, B, C, NL);
        m->logits = a->logits;
    }

    /* loss: MSE for regression, cross-entropy (mean over rows whose label is not -100) otherwise;
       dlogits is kept for backward */
    if (b->labels) {
        double total = 0;
        int count = 0;
        memset(a->dlogits, 0, (size_t)B * NL * sizeof(float));
        if (bft_config_is_regression(c)) {
            /* HF squeezes logits [B,1] and labels [B] and takes the mean squared error */
            for (n = 0; n < B * NL; n++) {
                float d = a->logits[n] - a->labels[n / NL];
                total += (double)d * d;
            }
            m->loss = (float)(total / (B * NL));
            for (n = 0; n < B * NL; n++) a->dlogits[n] = 2.0f * (a->logits[n] - a->labels[n / NL]) / (float)(B * NL);
        } else {
            for (n = 0; n < B; n++) {
                const float *z = a->logits + (size_t)n * NL;
                float *dz = a->dlogits + (size_t)n * NL, mx = z[0];
                double se = 0;
                int k, y = (int)a->labels[n];
                if (a->labels[n] == -100.0f) continue;
                for (k = 1; k < NL; k++) mx = z[k] > mx ? z[k] : mx;
                for (k = 0; k < NL; k++) se += exp((double)z[k] - mx);
                total += log(se) + mx - z[y];
                for (k = 0; k < NL; k++) dz[k] = (float)(exp((double)z[k] - mx) / se);
                dz[y] -= 1.0f;
                count++;
            }
            m->loss = count ? (float)(total / count) : NAN;
            for (n = 0; n < B * NL; n++) a->dlogits[n] = count ? a->dlogits[n] / (float)count : 0.0f;
        }
        m->has_loss = 1;
    }
    return BFT_OK;
}

BERTFT_DEF void bft_zero_grad(bft_model *m)
{
    if (m->grads) memset(m->grads, 0, m->num_params * sizeof(float));
}

BERTFT_DEF bft_result bft_backward(bft_model *m) { return bft_backward_scaled(m, 1.0f); }

BERTFT_DEF bft_result bft_backward_scaled(bft_model *m, float scale)
{
    const bft_config *c = &m->config;
    bft_acts *a = m->acts;
    int B, T, C = c->hidden_size, I = c->intermediate_size, H = c->num_attention_heads, D, NL = c->num_labels;
    int L = c->num_hidden_layers, N, l, n, bh;
    float ph = c->hidden_dropout_prob, pa = c->attention_probs_dropout_prob, pc = bft_config_classifier_dropout(c);
    int drop = m->training;
    float *dh, *t1, *t2;

    if (!a || !m->has_loss || !m->training)
        return bft__fail(BFT_ERR_INVALID, "bft_backward needs a preceding bft_forward with training = 1 and labels");
    if (!m->grads) {
        if (!(m->grads = (float *)bft__calloc(m->num_params, sizeof(float))))
            return bft__fail(BFT_ERR_OOM, "out of memory for gradients (%.1f MB)", m->num_params * 4.0 / 1e6);
        bft__bind(m, &m->g, m->grads);
    }
    B = a->B;
    T = a->T;
    N = B * T;
    D = C / H;
    if (scale != 1.0f)
        for (n = 0; n < B * NL; n++) a->dlogits[n] *= scale;
    dh = a->dh;
    t1 = a->dt1;
    t2 = a->dt2;

    /* classifier and its dropout, then the pooler (tanh' = 1 - tanh^2); dcls ends as d(pre-tanh) */
    bft__linear_bwd(a->dcls, 0.0f, m->g.cls_w, m->g.cls_b, a->dlogits, a->cls_in, m->p.cls_w, B, C, NL);
    if (drop && pc > 0) bft__dropout(a->dcls, (size_t)B * C, pc, a->drop_keys[1], 0);
    for (n = 0; n < B * C; n++) a->dcls[n] *= 1.0f - a->pooled[n] * a->pooled[n];
    bft__linear_bwd(a->dpool, 0.0f, m->g.pool_w, m->g.pool_b, a->dcls, a->pool_in, m->p.pool_w, B, C, C);
    /* the pooler read hidden[L] at t = 0; every other position gets no gradient from the head */
    memset(dh, 0, (size_t)N * C * sizeof(float));
    for (n = 0; n < B; n++) memcpy(dh + (size_t)n * T * C, a->dpool + (size_t)n * C, (size_t)C * sizeof(float));

    for (l = L - 1; l >= 0; l--) {
        const bft_layer *w = &m->p.layers[l];
        bft_layer *g = &m->g.layers[l];
        bft__lacts v = bft__layer_acts(a, c, l);
        float *swap;
        /* output LayerNorm; its input was ffn(ln1_out) + ln1_out */
        bft__layernorm_bwd(t1, g->ln2_w, g->ln2_b, dh, v.ln2_in, v.ln2_mean, v.ln2_rstd, w->ln2_w, N, C);
        memcpy(t2, t1, (size_t)N * C * sizeof(float));
        if (drop && ph > 0) bft__dropout(t2, (size_t)N * C, ph, a->drop_keys[2 + 3 * l + 2], 0);
        bft__gelu_fwd(a->inter_act, v.inter_pre, (size_t)N * I);
        bft__linear_bwd(a->dinter, 0.0f, g->o_w, g->o_b, t2, a->inter_act, w->o_w, N, I, C);
        bft__gelu_bwd(a->dinter, v.inter_pre, a->dinter, (size_t)N * I);
        /* d(ln1_out) = residual (t1) + intermediate branch */
        memcpy(t2, t1, (size_t)N * C * sizeof(float));
        bft__linear_bwd(t2, 1.0f, g->i_w, g->i_b, a->dinter, v.ln1_out, w->i_w, N, C, I);
        /* attention output LayerNorm; its input was dropout(dense(ctx)) + x */
        bft__layernorm_bwd(t1, g->ln1_w, g->ln1_b, t2, v.ln1_in, v.ln1_mean, v.ln1_rstd, w->ln1_w, N, C);
        memcpy(t2, t1, (size_t)N * C * sizeof(float));
        if (drop && ph > 0) bft__dropout(t2, (size_t)N * C, ph, a->drop_keys[2 + 3 * l + 1], 0);
        bft__linear_bwd(dh /* d(ctx) */, 0.0f, g->ao_w, g->ao_b, t2, v.ctx, w->ao_w, N, C, C);
        BFT__OMP(parallel for schedule(dynamic) if ((size_t)B * H * T * T * D > 262144))
        for (bh = 0; bh < B * H; bh++) {
            int bi = bh / H, h = bh % H;
            size_t qo = (size_t)bi * T * 3 * C + (size_t)h * D;
            float *scr = a->dscratch + (size_t)bft__thread_id() * 3 * T * T;
            bft__attention_bwd_one(a->dqkv + qo, a->dqkv + qo + C, a->dqkv + qo + 2 * C,
                                   dh + (size_t)bi * T * C + (size_t)h * D, C, v.probs + (size_t)bh * T * T,
                                   scr, scr + (size_t)T * T, v.qkv + qo, v.qkv + qo + C, v.qkv + qo + 2 * C, 3 * C,
                                   a->drop_keys[2 + 3 * l], (size_t)bh * T * T, drop ? pa : 0.0f, T, D);
        }
        /* d(x) = residual (t1) + the q/k/v branch, through the fused [3C, C] weight */
        bft__linear_bwd(t1, 1.0f, g->q_w, g->q_b, a->dqkv, v.x, w->q_w, N, C, 3 * C);
        swap = dh; dh = t1; t1 = swap;
    }

    /* embeddings: dropout, LayerNorm, scatter into the tables */
    if (drop && ph > 0) bft__dropout(dh, (size_t)N * C, ph, a->drop_keys[0], 0);
    bft__layernorm_bwd(t1, m->g.emb_ln_w, m->g.emb_ln_b, dh, a->emb_in, a->emb_mean, a->emb_rstd, m->p.emb_ln_w, N, C);
    bft__embed_bwd(m->g.word_emb, m->g.pos_emb, m->g.type_emb, t1, a->ids, a->types, B, T, C, c->pad_token_id);
    m->has_loss = 0; /* activations were overwritten as scratch: one backward per forward */
    return BFT_OK;
}

BERTFT_DEF bft_result bft_clip_grad_norm(bft_model *m, float max_norm, float *total_norm)
{
    double s = 0;
    float norm, coef;
    size_t i;
    if (!m->grads) { if (total_norm) *total_norm = 0; return BFT_OK; }
    /* fixed-size chunks summed in order: the same result for any thread count */
    {
        long long chunk = 1 << 16, nch = (long long)((m->num_params + (size_t)chunk - 1) / (size_t)chunk), k;
        double *part = (double *)bft__malloc((size_t)nch * sizeof(double));
        if (!part) return bft__fail(BFT_ERR_OOM, "out of memory");
        BFT__OMP(parallel for schedule(static) if (nch > 1))
        for (k = 0; k < nch; k++) {
            size_t a0 = (size_t)k * (size_t)chunk, a1 = a0 + (size_t)chunk < m->num_params ? a0 + (size_t)chunk : m->num_params, j;
            double acc = 0;
            for (j = a0; j < a1; j++) acc += (double)m->grads[j] * m->grads[j];
            part[k] = acc;
        }
        for (k = 0; k < nch; k++) s += part[k];
        bft_free(part);
    }
    norm = (float)sqrt(s);
    if (total_norm) *total_norm = norm;
    if (norm != norm || norm > FLT_MAX)
        return bft__fail(BFT_ERR_NUMERIC, "gradient norm is %s", norm != norm ? "NaN" : "infinite");
    /* torch: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1 */
    coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f)
        for (i = 0; i < m->num_params; i++) m->grads[i] *= coef;
    return BFT_OK;
}

BERTFT_DEF void bft_model_free(bft_model *m)
{
    if (!m) return;
    bft_config_free(&m->config);
    bft_free(m->params);
    bft_free(m->grads);
    bft_free(m->tensors);
    bft_free(m->p.layers);
    bft_free(m->g.layers);
    bft_free(m->load_report);
    if (m->acts) {
        bft_free(m->acts->mem);
        bft_free(m->acts->drop_keys);
        bft_free(m->acts);
    }
    bft_free(m);
}

/* ------------------------------------------------------------------------------------------ */
/* 6. Optimizer                                                                                */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF bft_result bft_adamw_init(bft_adamw *o, const bft_model *m, float lr, float beta1, float beta2,
                                     float eps, float weight_decay)
{
    memset(o, 0, sizeof *o);
    o->lr = lr;
    o->beta1 = beta1;
    o->beta2 = beta2;
    o->eps = eps;
    o->weight_decay = weight_decay;
    o->n = m->num_params;
    o->m = (float *)bft__calloc(o->n, sizeof(float));
    o->v = (float *)bft__calloc(o->n, sizeof(float));
    if (!o->m || !o->v) {
        bft_adamw_free(o);
        return bft__fail(BFT_ERR_OOM, "out of memory for AdamW state (%.1f MB)", m->num_params * 8.0 / 1e6);
    }
    return BFT_OK;
}

/* torch.optim.AdamW (1.13, single-tensor path), per element:
   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). */
BERTFT_DEF void bft_adamw_step(bft_adamw *o, bft_model *m, double lr)
{
    int k;
    float bc2s, step_size, b1 = o->beta1, b2 = o->beta2, eps = o->eps;
    if (!m->grads) return;
    o->step++;
    /* the scalars are Python floats (double) in torch, rounded to float when applied */
    step_size = (float)(lr / (1.0 - pow(o->beta1, (double)o->step)));
    bc2s = (float)sqrt(1.0 - pow(o->beta2, (double)o->step));
    for (k = 0; k < m->num_tensors; k++) {
        const bft_tensor_info *t = &m->tensors[k];
        float decay = t->weight_decay ? (float)(1.0 - lr * o->weight_decay) : 1.0f;
        float *p = m->params + t->offset, *g = m->grads + t->offset, *mm = o->m + t->offset, *vv = o->v + t->offset;
        long long i, n = (long long)t->numel;
        BFT__OMP(parallel for schedule(static) if (n > 65536))
        for (i = 0; i < n; i++) {
            float gi = g[i];
            p[i] *= decay;
            mm[i] = mm[i] * b1 + gi * (1.0f - b1);
            vv[i] = vv[i] * b2 + gi * gi * (1.0f - b2);
            p[i] -= step_size * (mm[i] / (sqrtf(vv[i]) / bc2s + eps));
        }
    }
}

BERTFT_DEF void bft_adamw_free(bft_adamw *o)
{
    bft_free(o->m);
    bft_free(o->v);
    o->m = o->v = NULL;
}

BERTFT_DEF double bft_lr_at(bft_schedule s, double base_lr, int64_t step, int64_t warmup_steps, int64_t total_steps)
{
    double f;
    if (s == BFT_SCHED_CONSTANT) return base_lr;
    if (step < warmup_steps) f = (double)step / (double)(warmup_steps > 1 ? warmup_steps : 1);
    else if (s == BFT_SCHED_CONSTANT_WITH_WARMUP) f = 1.0;
    else {
        double rem = (double)(total_steps - step) / (double)(total_steps - warmup_steps > 1 ? total_steps - warmup_steps : 1);
        f = rem > 0 ? rem : 0.0;
    }
    return base_lr * f;
}


#include "wip/data_impl.h"

/* ------------------------------------------------------------------------------------------ */
/* 10. Trainer                                                                                 */
/* ------------------------------------------------------------------------------------------ */
#ifndef _WIN32
#include <dirent.h>
#include <time.h>
#endif

BERTFT_DEF void bft_train_args_default(bft_train_args *a)
{
    memset(a, 0, sizeof *a);
    a->output_dir = "output";
    a->learning_rate = 5e-5;
    a->adam_beta1 = 0.9;
    a->adam_beta2 = 0.999;
    a->adam_epsilon = 1e-8;
    a->max_grad_norm = 1.0;
    a->num_train_epochs = 3.0;
    a->max_steps = -1;
    a->per_device_train_batch_size = 8;
    a->per_device_eval_batch_size = 8;
    a->gradient_accumulation_steps = 1;
    a->lr_scheduler_type = BFT_SCHED_LINEAR;
    a->seed = 42;
    a->data_seed = -1;
    a->logging_strategy = BFT_STRATEGY_STEPS;
    a->logging_steps = 500;
    a->eval_strategy = BFT_STRATEGY_NO;
    a->save_strategy = BFT_STRATEGY_STEPS;
    a->save_steps = 500;
    a->greater_is_better = -1;
    a->max_seq_length = 128;
    a->report_to_tensorboard = 1;
    a->progress = 0;
}

static double bft__now(void)
{
#if !defined(_WIN32) && defined(CLOCK_MONOTONIC)
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
#else
    return (double)clock() / CLOCKS_PER_SEC;
#endif
}

static BFT__PRINTF(2, 3) void bft__tlog(const bft_trainer *t, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    if (!t->args.log) return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    t->args.log(t->args.log_user, line);
}

/* One log entry: (key, value) pairs in HF's order. */
typedef struct bft__kv {
    const char *key;
    double v;
    int is_int;
} bft__kv;

static int bft__push_str(char ***arr, int *n, char *s)
{
    char **na;
    if (!s) return 0;
    na = (char **)bft__realloc(*arr, (size_t)(*n + 1) * sizeof(char *));
    if (!na) { bft_free(s); return 0; }
    *arr = na;
    na[(*n)++] = s;
    return 1;
}

static char *bft__kv_json(const bft__kv *kv, int n, int round_loss, const char *indent)
{
    bft__buf b = {0, 0, 0, 0};
    int i;
    bft__buf_puts(&b, "{");
    for (i = 0; i < n; i++) {
        double v = kv[i].v;
        bft__buf_puts(&b, i ? ", " : "");
        if (indent) { bft__buf_puts(&b, i ? "\n" : "\n"); bft__buf_puts(&b, indent); }
        bft__buf_json_str(&b, kv[i].key, strlen(kv[i].key));
        bft__buf_puts(&b, ": ");
        /* HF rounds the logged training loss to 4 decimals: round(tr_loss_scalar, 4) */
        if (round_loss && strcmp(kv[i].key, "loss") == 0 && v == v) v = floor(v * 1e4 + 0.5) / 1e4;
        if (kv[i].is_int) bft__buf_printf(&b, "%lld", (long long)v);
        else bft__buf_float(&b, v);
    }
    if (indent) bft__buf_puts(&b, "\n  ");
    bft__buf_puts(&b, "}");
    if (b.oom) { bft_free(b.p); return NULL; }
    return b.p;
}

static bft_result bft__write_jsonl(const bft_trainer *t)
{
    bft__buf b = {0, 0, 0, 0};
    char *path;
    bft_result r;
    int i;
    for (i = 0; i < t->n_jsonl; i++) {
        bft__buf_puts(&b, t->jsonl[i]);
        bft__buf_puts(&b, "\n");
    }
    if (b.oom) { bft_free(b.p); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    if (!(path = bft__path_join(t->args.output_dir, "trainer_log.jsonl"))) { bft_free(b.p); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    r = bft_write_file_atomic(path, b.p ? b.p : "", b.n);
    bft_free(path);
    bft_free(b.p);
    return r;
}

/* Record a log entry as Trainer.log does: log_history (+ "step"), TensorBoard scalars under
   train/, eval/ or test/ (HF's rewrite_logs), the jsonl file, and a printed dict. */
static bft_result bft__trainer_log(bft_trainer *t, const bft__kv *kv, int n)
{
    bft__kv all[24];
    char *line;
    int i;
    if (n > 23) n = 23;
    memcpy(all, kv, (size_t)n * sizeof *kv);
    all[n].key = "step";
    all[n].v = (double)t->global_step;
    all[n].is_int = 1;
    if (!bft__push_str(&t->history, &t->n_history, bft__kv_json(all, n + 1, 1, NULL)) ||
        !bft__push_str(&t->jsonl, &t->n_jsonl, bft__kv_json(all, n + 1, 0, NULL)))
        return bft__fail(BFT_ERR_OOM, "out of memory");
    if (t->tb) {
        for (i = 0; i < n; i++) {
            char tag[128];
            double v = kv[i].v;
            if (strncmp(kv[i].key, "eval_", 5) == 0) snprintf(tag, sizeof tag, "eval/%s", kv[i].key + 5);
            else if (strncmp(kv[i].key, "test_", 5) == 0) snprintf(tag, sizeof tag, "test/%s", kv[i].key + 5);
            else snprintf(tag, sizeof tag, "train/%s", kv[i].key);
            if (strcmp(kv[i].key, "loss") == 0 && v == v) v = floor(v * 1e4 + 0.5) / 1e4;
            if (bft_tb_scalar(t->tb, tag, (float)v, t->global_step) != BFT_OK) {
                bft__tlog(t, "warning: TensorBoard logging stopped: %s", bft_last_error());
                bft_tb_close(t->tb);
                t->tb = NULL;
                break;
            }
        }
    }
    if ((line = bft__kv_json(kv, n, 1, NULL)) != NULL) {
        bft__tlog(t, "%s", line);
        bft_free(line);
    }
    return bft__write_jsonl(t);
}

BERTFT_DEF bft_result bft_trainer_init(bft_trainer *t, bft_model *m, const bft_tokenizer *tok,
                                       const bft_train_args *args, const char *task)
{
    const bft_train_args *a = args;
    memset(t, 0, sizeof *t);
    if (a->per_device_train_batch_size < 1 || a->per_device_eval_batch_size < 1)
        return bft__fail(BFT_ERR_INVALID, "per_device_train_batch_size and per_device_eval_batch_size must be >= 1");
    if (a->gradient_accumulation_steps < 1)
        return bft__fail(BFT_ERR_INVALID, "gradient_accumulation_steps must be >= 1");
    if (!(a->learning_rate >= 0) || !(a->weight_decay >= 0) || !(a->adam_epsilon >= 0) ||
        !(a->adam_beta1 >= 0 && a->adam_beta1 < 1) || !(a->adam_beta2 >= 0 && a->adam_beta2 < 1))
        return bft__fail(BFT_ERR_INVALID, "learning_rate, weight_decay, adam_epsilon must be >= 0 and adam betas in [0, 1)");
    if (!(a->warmup_ratio >= 0 && a->warmup_ratio <= 1) || a->warmup_steps < 0)
        return bft__fail(BFT_ERR_INVALID, "warmup_ratio must be in [0, 1] and warmup_steps >= 0");
    if ((a->logging_strategy == BFT_STRATEGY_STEPS && a->logging_steps < 1) ||
        (a->save_strategy == BFT_STRATEGY_STEPS && a->save_steps < 1))
        return bft__fail(BFT_ERR_INVALID, "logging_steps and save_steps must be >= 1");
    if (a->load_best_model_at_end && a->save_strategy != a->eval_strategy)
        return bft__fail(BFT_ERR_INVALID, "--load_best_model_at_end requires the save and eval strategy to match "
                         "(as HF: --eval_strategy %s vs --save_strategy %s)",
                         a->eval_strategy == BFT_STRATEGY_NO ? "no" : a->eval_strategy == BFT_STRATEGY_STEPS ? "steps" : "epoch",
                         a->save_strategy == BFT_STRATEGY_NO ? "no" : a->save_strategy == BFT_STRATEGY_STEPS ? "steps" : "epoch");
    if (a->early_stopping_patience > 0 && (!a->load_best_model_at_end || a->eval_strategy == BFT_STRATEGY_NO))
        return bft__fail(BFT_ERR_INVALID, "early stopping needs --load_best_model_at_end and an eval strategy (as HF's "
                         "EarlyStoppingCallback)");
    t->args = *a;
    t->model = m;
    t->tokenizer = tok;
    t->task = task;
    t->best_step = -1;
    return bft_adamw_init(&t->opt, m, (float)a->learning_rate, (float)a->adam_beta1, (float)a->adam_beta2,
                          (float)a->adam_epsilon, (float)a->weight_decay);
}

BERTFT_DEF void bft_trainer_free(bft_trainer *t)
{
    int i;
    bft_adamw_free(&t->opt);
    for (i = 0; i < t->n_history; i++) bft_free(t->history[i]);
    for (i = 0; i < t->n_jsonl; i++) bft_free(t->jsonl[i]);
    bft_free(t->history);
    bft_free(t->jsonl);
    bft_free(t->best_checkpoint);
    if (t->tb) bft_tb_close(t->tb);
    memset(t, 0, sizeof *t);
}

static int bft__pad_id(const bft_trainer *t)
{
    return t->tokenizer ? bft_tokenizer_pad_id(t->tokenizer) : t->model->config.pad_token_id;
}

/* The metric the best model is chosen by, with HF's "eval_" prefix. */
static void bft__best_metric_name(const bft_trainer *t, char *out, size_t cap)
{
    const char *m = t->args.metric_for_best_model ? t->args.metric_for_best_model : "loss";
    if (strncmp(m, "eval_", 5) == 0) snprintf(out, cap, "%s", m);
    else snprintf(out, cap, "eval_%s", m);
}

static int bft__greater_is_better(const bft_trainer *t)
{
    const char *m = t->args.metric_for_best_model ? t->args.metric_for_best_model : "loss";
    size_t n = strlen(m);
    if (t->args.greater_is_better >= 0) return t->args.greater_is_better;
    return !(n >= 4 && strcmp(m + n - 4, "loss") == 0);
}

/* The trainer's steps, on the CPU or on t->args.device. */
static bft_result bft__step_forward(bft_trainer *t, const bft_batch *b, int training)
{
    const bft_device *d = t->args.device;
    return d ? d->forward(d->ctx, t->model, b, training) : bft_forward(t->model, b, training);
}
static bft_result bft__step_backward(bft_trainer *t, float scale)
{
    const bft_device *d = t->args.device;
    return d ? d->backward(d->ctx, t->model, scale) : bft_backward_scaled(t->model, scale);
}
static bft_result bft__step_zero_grad(bft_trainer *t)
{
    const bft_device *d = t->args.device;
    if (d) return d->zero_grad(d->ctx, t->model);
    bft_zero_grad(t->model);
    return BFT_OK;
}
static bft_result bft__step_clip(bft_trainer *t, float max_norm, float *norm)
{
    const bft_device *d = t->args.device;
    return d ? d->clip_grad_norm(d->ctx, t->model, max_norm, norm) : bft_clip_grad_norm(t->model, max_norm, norm);
}
static bft_result bft__step_adamw(bft_trainer *t, double lr)
{
    const bft_device *d = t->args.device;
    if (d) return d->adamw_step(d->ctx, t->model, &t->opt, lr);
    bft_adamw_step(&t->opt, t->model, lr);
    return BFT_OK;
}
static bft_result bft__to_host(bft_trainer *t)
{
    const bft_device *d = t->args.device;
    return d ? d->to_host(d->ctx, t->model, &t->opt) : BFT_OK;
}
static bft_result bft__to_device(bft_trainer *t)
{
    const bft_device *d = t->args.device;
    return d ? d->to_device(d->ctx, t->model, &t->opt) : BFT_OK;
}

BERTFT_DEF bft_result bft_trainer_evaluate(bft_trainer *t, const bft_encoded *e, const float *labels,
                                           const char *prefix, bft_metrics *metrics, double *loss_out,
                                           float *logits_out)
{
    bft_model *m = t->model;
    int NL = m->config.num_labels, bs = t->args.per_device_eval_batch_size, i, start, nb = 0;
    int *idx = NULL;
    float *logits = NULL;
    double loss_sum = 0, t0 = bft__now(), rt;
    bft_padded_batch pb;
    bft_result r = BFT_OK;
    bft_metrics mt;
    bft__kv kv[16];
    char keys[16][64];
    int nkv = 0;
    memset(&pb, 0, sizeof pb);
    memset(&mt, 0, sizeof mt);
    if (e->n < 1) return bft__fail(BFT_ERR_INVALID, "evaluation set is empty");
    idx = BFT__NEW(int, bs);
    logits = logits_out ? logits_out : BFT__NEW(float, (size_t)e->n * NL);
    if (!idx || !logits) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    for (start = 0; start < e->n; start += bs) {
        int cnt = e->n - start < bs ? e->n - start : bs;
        bft_batch b;
        for (i = 0; i < cnt; i++) idx[i] = start + i;
        if ((r = bft_collate(&pb, e, idx, cnt, bft__pad_id(t), t->args.pad_to_multiple_of,
                             t->args.pad_to_max_length ? t->args.max_seq_length : 0, labels)) != BFT_OK)
            goto done;
        b = bft_padded_batch_view(&pb);
        if ((r = bft__step_forward(t, &b, 0)) != BFT_OK) goto done;
        memcpy(logits + (size_t)start * NL, m->logits, (size_t)cnt * NL * sizeof(float));
        /* HF repeats each batch's mean loss batch_size times and averages: a sample-weighted mean */
        if (labels) loss_sum += (double)m->loss * cnt;
        nb++;
    }
    rt = bft__now() - t0;
    if (labels) {
        if ((r = bft_glue_metrics(t->task, logits, e->n, NL, labels, &mt)) != BFT_OK) goto done;
        snprintf(keys[nkv], 64, "%s_loss", prefix);
        kv[nkv].key = keys[nkv]; kv[nkv].v = loss_sum / e->n; kv[nkv].is_int = 0; nkv++;
        for (i = 0; i < mt.n && nkv < 10; i++) {
            snprintf(keys[nkv], 64, "%s_%s", prefix, mt.names[i]);
            kv[nkv].key = keys[nkv]; kv[nkv].v = mt.values[i]; kv[nkv].is_int = 0; nkv++;
        }
        if (mt.collapsed && NL > 1)
            bft__tlog(t, "warning: every %s prediction is class %d: the model predicts one class for all %d examples "
                      "(check the labels, the learning rate, and that the model was trained)", prefix, mt.collapsed_class, e->n);
        if (!(loss_sum == loss_sum) || loss_sum > DBL_MAX || loss_sum < -DBL_MAX)
            bft__tlog(t, "warning: %s_loss is %f at step %lld", prefix, loss_sum / e->n, (long long)t->global_step);
    }
    snprintf(keys[nkv], 64, "%s_runtime", prefix);
    kv[nkv].key = keys[nkv]; kv[nkv].v = floor(rt * 1e4 + 0.5) / 1e4; kv[nkv].is_int = 0; nkv++;
    snprintf(keys[nkv], 64, "%s_samples_per_second", prefix);
    kv[nkv].key = keys[nkv]; kv[nkv].v = floor(e->n / (rt > 0 ? rt : 1e-9) * 1e3 + 0.5) / 1e3; kv[nkv].is_int = 0; nkv++;
    snprintf(keys[nkv], 64, "%s_steps_per_second", prefix);
    kv[nkv].key = keys[nkv]; kv[nkv].v = floor(nb / (rt > 0 ? rt : 1e-9) * 1e3 + 0.5) / 1e3; kv[nkv].is_int = 0; nkv++;
    kv[nkv].key = "epoch"; kv[nkv].v = t->epoch; kv[nkv].is_int = 0; nkv++;
    if (labels && (r = bft__trainer_log(t, kv, nkv)) != BFT_OK) goto done;
    if (metrics) {
        *metrics = mt;
        /* the loss travels with the metrics so best-model and early stopping can use "loss" */
        if (labels && metrics->n < BFT_MAX_METRICS) {
            metrics->names[metrics->n] = "loss";
            metrics->values[metrics->n++] = loss_sum / e->n;
        }
    }
    if (loss_out) *loss_out = labels ? loss_sum / e->n : NAN;
done:
    bft_padded_batch_free(&pb);
    bft_free(idx);
    if (!logits_out) bft_free(logits);
    return r;
}

/* Remove a directory and the files in it (checkpoints hold no subdirectories). */
static bft_result bft__rmtree(const char *dir)
{
#ifndef _WIN32
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) return BFT_OK;
    while ((de = readdir(d)) != NULL) {
        char *p;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (!(p = bft__path_join(dir, de->d_name))) { closedir(d); return bft__fail(BFT_ERR_OOM, "out of memory"); }
        if (bft__is_dir(p)) bft__rmtree(p);
        else remove(p);
        bft_free(p);
    }
    closedir(d);
    if (rmdir(dir) != 0) return bft__fail(BFT_ERR_IO, "%s: cannot remove: %s", dir, strerror(errno));
#else
    (void)dir;
#endif
    return BFT_OK;
}

/* Steps of the checkpoint-N directories in `dir`, sorted ascending. */
static int bft__list_checkpoints(const char *dir, int64_t **steps)
{
    int n = 0;
#ifndef _WIN32
    DIR *d = opendir(dir);
    struct dirent *de;
    *steps = NULL;
    if (!d) return 0;
    while ((de = readdir(d)) != NULL) {
        char *end, *p;
        long long s;
        int64_t *ns;
        if (strncmp(de->d_name, "checkpoint-", 11) != 0) continue;
        s = strtoll(de->d_name + 11, &end, 10);
        if (*end || s < 0 || end == de->d_name + 11) continue;
        p = bft__path_join(dir, de->d_name);
        if (!p || !bft__is_dir(p)) { bft_free(p); continue; }
        bft_free(p);
        ns = (int64_t *)bft__realloc(*steps, (size_t)(n + 1) * sizeof(int64_t));
        if (!ns) break;
        *steps = ns;
        ns[n++] = s;
    }
    closedir(d);
    {
        int i, j;
        for (i = 1; i < n; i++)
            for (j = i; j > 0 && (*steps)[j - 1] > (*steps)[j]; j--) {
                int64_t x = (*steps)[j];
                (*steps)[j] = (*steps)[j - 1];
                (*steps)[j - 1] = x;
            }
    }
#else
    (void)dir;
    *steps = NULL;
#endif
    return n;
}

BERTFT_DEF char *bft_last_checkpoint(const char *output_dir)
{
    int64_t *steps;
    int n = bft__list_checkpoints(output_dir, &steps);
    char name[64], *p = NULL;
    if (n > 0) {
        snprintf(name, sizeof name, "checkpoint-%lld", (long long)steps[n - 1]);
        p = bft__path_join(output_dir, name);
    }
    bft_free(steps);
    return p;
}

BERTFT_DEF bft_result bft_trainer_save_state(const bft_trainer *t, const char *dir)
{
    bft__buf b = {0, 0, 0, 0};
    char *path;
    bft_result r;
    int i;
    /* keys sorted, as HF's TrainerState.save_to_json (json.dumps(indent=2, sort_keys=True)) */
    bft__buf_puts(&b, "{\n  \"best_global_step\": ");
    if (t->has_best) bft__buf_printf(&b, "%lld", (long long)t->best_step); else bft__buf_puts(&b, "null");
    bft__buf_puts(&b, ",\n  \"best_metric\": ");
    if (t->has_best) bft__buf_float(&b, t->best_metric); else bft__buf_puts(&b, "null");
    bft__buf_puts(&b, ",\n  \"best_model_checkpoint\": ");
    if (t->best_checkpoint) bft__buf_json_str(&b, t->best_checkpoint, strlen(t->best_checkpoint));
    else bft__buf_puts(&b, "null");
    bft__buf_puts(&b, ",\n  \"epoch\": ");
    bft__buf_float(&b, t->epoch);
    bft__buf_printf(&b, ",\n  \"eval_steps\": %lld,\n  \"global_step\": %lld,\n  \"is_hyper_param_search\": false,\n"
                        "  \"is_local_process_zero\": true,\n  \"is_world_process_zero\": true,\n  \"log_history\": [",
                    (long long)(t->args.eval_steps > 0 ? t->args.eval_steps : t->args.logging_steps),
                    (long long)t->global_step);
    for (i = 0; i < t->n_history; i++) {
        bft__buf_puts(&b, i ? ",\n    " : "\n    ");
        bft__buf_puts(&b, t->history[i]);
    }
    bft__buf_printf(&b, "%s],\n  \"logging_steps\": %lld,\n  \"max_steps\": %lld,\n  \"num_input_tokens_seen\": 0,\n"
                        "  \"num_train_epochs\": %lld,\n  \"save_steps\": %lld,\n",
                    t->n_history ? "\n  " : "", (long long)t->args.logging_steps, (long long)t->max_steps,
                    (long long)ceil(t->args.num_train_epochs), (long long)t->args.save_steps);
    bft__buf_printf(&b, "  \"stateful_callbacks\": {\n    \"TrainerControl\": {\n      \"args\": {\n"
                        "        \"should_epoch_stop\": false,\n        \"should_evaluate\": false,\n"
                        "        \"should_log\": false,\n        \"should_save\": true,\n"
                        "        \"should_training_stop\": %s\n      },\n      \"attributes\": {}\n    }\n  },\n",
                    t->stop || t->global_step >= t->max_steps ? "true" : "false");
    bft__buf_puts(&b, "  \"total_flos\": ");
    bft__buf_float(&b, t->total_flos);
    bft__buf_printf(&b, ",\n  \"train_batch_size\": %d,\n  \"trial_name\": null,\n  \"trial_params\": null\n}\n",
                    t->args.per_device_train_batch_size);
    if (b.oom || !(path = bft__path_join(dir, "trainer_state.json"))) { bft_free(b.p); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    r = bft_write_file_atomic(path, b.p, b.n);
    bft_free(path);
    bft_free(b.p);
    return r;
}

/* optimizer.safetensors: exp_avg.<name> and exp_avg_sq.<name> per parameter, and the step. */
static bft_result bft__save_optimizer(const bft_trainer *t, const char *dir)
{
    const bft_model *m = t->model;
    int n = 2 * m->num_tensors + 1, k;
    const char **names = BFT__NEW(const char *, n);
    char *namebuf = (char *)bft__malloc((size_t)n * 112);
    int *nd = BFT__NEW(int, n);
    const int64_t **shapes = BFT__NEW(const int64_t *, n);
    const float **data = BFT__NEW(const float *, n);
    int64_t one = 1;
    float step = (float)t->opt.step;
    char *path = bft__path_join(dir, "optimizer.safetensors");
    bft_result r;
    if (!names || !namebuf || !nd || !shapes || !data || !path) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    for (k = 0; k < m->num_tensors; k++) {
        const bft_tensor_info *ti = &m->tensors[k];
        snprintf(namebuf + (size_t)(2 * k) * 112, 112, "exp_avg.%s", ti->name);
        snprintf(namebuf + (size_t)(2 * k + 1) * 112, 112, "exp_avg_sq.%s", ti->name);
        names[2 * k] = namebuf + (size_t)(2 * k) * 112;
        names[2 * k + 1] = namebuf + (size_t)(2 * k + 1) * 112;
        nd[2 * k] = nd[2 * k + 1] = ti->ndim;
        shapes[2 * k] = shapes[2 * k + 1] = ti->shape;
        data[2 * k] = t->opt.m + ti->offset;
        data[2 * k + 1] = t->opt.v + ti->offset;
    }
    names[n - 1] = "step";
    nd[n - 1] = 1;
    shapes[n - 1] = &one;
    data[n - 1] = &step;
    r = bft_st_write(path, n, names, nd, shapes, data);
done:
    bft_free((void *)names); bft_free(namebuf); bft_free(nd); bft_free((void *)shapes); bft_free((void *)data); bft_free(path);
    return r;
}

static bft_result bft__write_text(const char *dir, const char *name, const char *text)
{
    char *p = bft__path_join(dir, name);
    bft_result r;
    if (!p) return bft__fail(BFT_ERR_OOM, "out of memory");
    r = bft_write_file_atomic(p, text, strlen(text));
    bft_free(p);
    return r;
}

static bft_result bft__save_scheduler(const bft_trainer *t, const char *dir)
{
    char s[512];
    snprintf(s, sizeof s, "{\n  \"lr_scheduler_type\": \"%s\",\n  \"base_lr\": %.17g,\n  \"last_epoch\": %lld,\n"
             "  \"warmup_steps\": %lld,\n  \"total_steps\": %lld\n}\n",
             t->args.lr_scheduler_type == BFT_SCHED_LINEAR ? "linear"
             : t->args.lr_scheduler_type == BFT_SCHED_CONSTANT ? "constant" : "constant_with_warmup",
             t->args.learning_rate, (long long)t->global_step, (long long)t->warmup, (long long)t->max_steps);
    return bft__write_text(dir, "scheduler.json", s);
}

/* Is `v` better than the best so far, as HF's operator(metric_value, best) */
static int bft__better(const bft_trainer *t, double v, double best)
{
    return bft__greater_is_better(t) ? v > best : v < best;
}

/* Delete old checkpoints beyond save_total_limit, keeping the best one (HF's _rotate_checkpoints). */
static void bft__rotate_checkpoints(bft_trainer *t)
{
    int64_t *steps;
    int n, limit = t->args.save_total_limit, i, best = -1;
    if (limit <= 0) return;
    n = bft__list_checkpoints(t->args.output_dir, &steps);
    for (i = 0; i < n; i++)
        if (t->best_step == steps[i] && t->best_checkpoint) best = i;
    /* HF moves the best checkpoint next to the newest, so it is deleted last */
    for (i = best; best >= 0 && i < n - 2; i++) {
        int64_t x = steps[i];
        steps[i] = steps[i + 1];
        steps[i + 1] = x;
    }
    if (limit == 1 && best >= 0 && best != n - 1) limit = 2;
    for (i = 0; i < n - limit; i++) {
        char name[64], *p;
        snprintf(name, sizeof name, "checkpoint-%lld", (long long)steps[i]);
        if ((p = bft__path_join(t->args.output_dir, name))) {
            bft__tlog(t, "Deleting older checkpoint [%s] due to save_total_limit", p);
            bft__rmtree(p);
            bft_free(p);
        }
    }
    bft_free(steps);
}

static char *bft__args_json(const bft_train_args *a);

/* checkpoint-N: written in tmp-checkpoint-N, then renamed, so a crash never leaves a partial
   checkpoint under the real name. */
static bft_result bft__save_checkpoint(bft_trainer *t, const bft_metrics *last_metrics, int have_metrics)
{
    char name[64], tmpname[64], *dir = NULL, *tmp = NULL, *aj = NULL;
    bft_result r;
    snprintf(name, sizeof name, "checkpoint-%lld", (long long)t->global_step);
    snprintf(tmpname, sizeof tmpname, "tmp-checkpoint-%lld", (long long)t->global_step);
    dir = bft__path_join(t->args.output_dir, name);
    tmp = bft__path_join(t->args.output_dir, tmpname);
    if (!dir || !tmp) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    /* the best model is decided at save time from the latest evaluation, as HF does */
    if (have_metrics && t->args.load_best_model_at_end) {
        char mn[96];
        double v;
        int i;
        bft__best_metric_name(t, mn, sizeof mn);
        v = NAN;
        for (i = 0; i < last_metrics->n; i++) {
            char full[96];
            snprintf(full, sizeof full, "eval_%s", last_metrics->names[i]);
            if (strcmp(full, mn) == 0) v = last_metrics->values[i];
        }
        if (v != v) {
            r = bft__fail(BFT_ERR_INVALID, "metric_for_best_model %s is not among the evaluation metrics", mn);
            goto done;
        }
        if (!t->has_best || bft__better(t, v, t->best_metric)) {
            t->has_best = 1;
            t->best_metric = v;
            t->best_step = t->global_step;
            bft_free(t->best_checkpoint);
            t->best_checkpoint = bft__strdup(dir);
        }
    }
    bft__rmtree(tmp);
    if ((r = bft_model_save(t->model, tmp)) != BFT_OK) goto done;
    if (t->tokenizer && (r = bft_tokenizer_save(t->tokenizer, tmp)) != BFT_OK) goto done;
    if ((r = bft__save_optimizer(t, tmp)) != BFT_OK) goto done;
    if ((r = bft__save_scheduler(t, tmp)) != BFT_OK) goto done;
    if (!(aj = bft__args_json(&t->args))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    if ((r = bft__write_text(tmp, "training_args.json", aj)) != BFT_OK) goto done;
    {
        /* HF saves torch's RNG states here; bertft's randomness is a pure function of these numbers */
        char rs[400];
        snprintf(rs, sizeof rs, "{\n  \"seed\": %llu,\n  \"data_seed\": %llu,\n  \"global_step\": %lld,\n"
                 "  \"note\": \"dropout keys derive from (seed, global_step, micro-batch), the sample order from "
                 "(data_seed, epoch): resuming needs no other random state\"\n}\n",
                 (unsigned long long)t->args.seed,
                 (unsigned long long)(t->args.data_seed >= 0 ? (uint64_t)t->args.data_seed : t->args.seed),
                 (long long)t->global_step);
        if ((r = bft__write_text(tmp, "rng_state.json", rs)) != BFT_OK) goto done;
    }
    if ((r = bft_trainer_save_state(t, tmp)) != BFT_OK) goto done;
    if (bft__is_dir(dir)) bft__rmtree(dir);
    if (rename(tmp, dir) != 0) {
        r = bft__fail(BFT_ERR_IO, "%s: cannot rename the finished checkpoint into place: %s", dir, strerror(errno));
        goto done;
    }
    bft__rotate_checkpoints(t);
    r = BFT_OK;
done:
    if (r != BFT_OK && tmp) bft__rmtree(tmp);
    bft_free(dir);
    bft_free(tmp);
    bft_free(aj);
    return r;
}

static char *bft__args_json(const bft_train_args *a)
{
    static const char *const strat[] = {"no", "steps", "epoch"};
    bft__buf b = {0, 0, 0, 0};
    bft__buf_puts(&b, "{\n  \"output_dir\": ");
    bft__buf_json_str(&b, a->output_dir, strlen(a->output_dir));
    bft__buf_puts(&b, ",\n  \"learning_rate\": "); bft__buf_float(&b, a->learning_rate);
    bft__buf_puts(&b, ",\n  \"weight_decay\": "); bft__buf_float(&b, a->weight_decay);
    bft__buf_puts(&b, ",\n  \"adam_beta1\": "); bft__buf_float(&b, a->adam_beta1);
    bft__buf_puts(&b, ",\n  \"adam_beta2\": "); bft__buf_float(&b, a->adam_beta2);
    bft__buf_puts(&b, ",\n  \"adam_epsilon\": "); bft__buf_float(&b, a->adam_epsilon);
    bft__buf_puts(&b, ",\n  \"max_grad_norm\": "); bft__buf_float(&b, a->max_grad_norm);
    bft__buf_puts(&b, ",\n  \"num_train_epochs\": "); bft__buf_float(&b, a->num_train_epochs);
    bft__buf_printf(&b, ",\n  \"max_steps\": %lld,\n  \"per_device_train_batch_size\": %d,\n"
                        "  \"per_device_eval_batch_size\": %d,\n  \"gradient_accumulation_steps\": %d,\n"
                        "  \"lr_scheduler_type\": \"%s\",\n  \"warmup_steps\": %lld,\n  \"warmup_ratio\": ",
                    (long long)a->max_steps, a->per_device_train_batch_size, a->per_device_eval_batch_size,
                    a->gradient_accumulation_steps,
                    a->lr_scheduler_type == BFT_SCHED_LINEAR ? "linear"
                    : a->lr_scheduler_type == BFT_SCHED_CONSTANT ? "constant" : "constant_with_warmup",
                    (long long)a->warmup_steps);
    bft__buf_float(&b, a->warmup_ratio);
    bft__buf_printf(&b, ",\n  \"seed\": %llu,\n  \"data_seed\": %lld,\n  \"logging_strategy\": \"%s\",\n"
                        "  \"logging_steps\": %lld,\n  \"logging_first_step\": %s,\n  \"eval_strategy\": \"%s\",\n"
                        "  \"eval_steps\": %lld,\n  \"save_strategy\": \"%s\",\n  \"save_steps\": %lld,\n"
                        "  \"save_total_limit\": %d,\n  \"load_best_model_at_end\": %s,\n"
                        "  \"early_stopping_patience\": %d,\n  \"no_shuffle\": %s,\n  \"group_by_length\": %s,\n"
                        "  \"pad_to_multiple_of\": %d,\n  \"pad_to_max_length\": %s,\n  \"max_seq_length\": %d\n}\n",
                    (unsigned long long)a->seed, (long long)a->data_seed, strat[a->logging_strategy],
                    (long long)a->logging_steps, a->logging_first_step ? "true" : "false", strat[a->eval_strategy],
                    (long long)a->eval_steps, strat[a->save_strategy], (long long)a->save_steps, a->save_total_limit,
                    a->load_best_model_at_end ? "true" : "false", a->early_stopping_patience,
                    a->no_shuffle ? "true" : "false", a->group_by_length ? "true" : "false", a->pad_to_multiple_of,
                    a->pad_to_max_length ? "true" : "false", a->max_seq_length);
    if (b.oom) { bft_free(b.p); return NULL; }
    return b.p;
}

/* Resume: weights, optimizer state and trainer_state.json of a checkpoint directory. */
static bft_result bft__load_checkpoint(bft_trainer *t, const char *dir)
{
    char *p = NULL, *text = NULL;
    size_t len;
    bft_st_file st;
    bft__json j;
    bft_result r;
    int k, e;
    memset(&st, 0, sizeof st);
    memset(&j, 0, sizeof j);
    if (!(p = bft__path_join(dir, "model.safetensors"))) return bft__fail(BFT_ERR_OOM, "out of memory");
    r = bft_model_load_safetensors(t->model, p, t->args.seed);
    bft_free(p);
    if (r != BFT_OK) return r;
    if (t->model->load_report) {
        r = bft__fail(BFT_ERR_FORMAT, "%s: checkpoint does not match the model: %s", dir, t->model->load_report);
        return r;
    }
    if (!(p = bft__path_join(dir, "optimizer.safetensors"))) return bft__fail(BFT_ERR_OOM, "out of memory");
    r = bft_st_read(&st, p);
    bft_free(p);
    if (r != BFT_OK) return r;
    for (k = 0; k < t->model->num_tensors; k++) {
        const bft_tensor_info *ti = &t->model->tensors[k];
        char nm[128];
        const bft_st_tensor *a, *b;
        snprintf(nm, sizeof nm, "exp_avg.%s", ti->name);
        a = bft_st_get(&st, nm);
        snprintf(nm, sizeof nm, "exp_avg_sq.%s", ti->name);
        b = bft_st_get(&st, nm);
        if (!a || !b || a->numel != ti->numel || b->numel != ti->numel) {
            bft_st_free(&st);
            return bft__fail(BFT_ERR_FORMAT, "%s/optimizer.safetensors: missing or mis-shaped state for %s", dir, ti->name);
        }
        memcpy(t->opt.m + ti->offset, a->data, ti->numel * sizeof(float));
        memcpy(t->opt.v + ti->offset, b->data, ti->numel * sizeof(float));
    }
    {
        const bft_st_tensor *s = bft_st_get(&st, "step");
        if (!s || s->numel != 1) { bft_st_free(&st); return bft__fail(BFT_ERR_FORMAT, "%s/optimizer.safetensors: no step", dir); }
        t->opt.step = (int64_t)s->data[0];
    }
    bft_st_free(&st);
    if (!(p = bft__path_join(dir, "trainer_state.json"))) return bft__fail(BFT_ERR_OOM, "out of memory");
    r = bft_read_file(p, &text, &len);
    if (r == BFT_OK) r = bft__json_parse(&j, text, len, p);
    bft_free(p);
    if (r != BFT_OK) { bft_free(text); return r; }
    k = bft__json_get(&j, 0, "global_step");
    if (k < 0 || j.nodes[k].type != BFT__J_NUM || j.nodes[k].num < 0) {
        r = bft__fail(BFT_ERR_FORMAT, "%s/trainer_state.json: no global_step", dir);
        goto done;
    }
    t->global_step = (int64_t)j.nodes[k].num;
    if ((k = bft__json_get(&j, 0, "total_flos")) >= 0 && j.nodes[k].type == BFT__J_NUM) t->total_flos = j.nodes[k].num;
    if ((k = bft__json_get(&j, 0, "epoch")) >= 0 && j.nodes[k].type == BFT__J_NUM) t->epoch = j.nodes[k].num;
    if ((k = bft__json_get(&j, 0, "best_metric")) >= 0 && j.nodes[k].type == BFT__J_NUM) {
        t->has_best = 1;
        t->best_metric = j.nodes[k].num;
    }
    if ((k = bft__json_get(&j, 0, "best_global_step")) >= 0 && j.nodes[k].type == BFT__J_NUM) t->best_step = (int64_t)j.nodes[k].num;
    if ((k = bft__json_get(&j, 0, "best_model_checkpoint")) >= 0 && j.nodes[k].type == BFT__J_STR)
        t->best_checkpoint = bft__json_strdup(&j, k, NULL);
    if ((k = bft__json_get(&j, 0, "log_history")) >= 0 && j.nodes[k].type == BFT__J_ARR) {
        for (e = j.nodes[k].first; e >= 0; e = j.nodes[e].next) {
            char *s = bft__strndup(text + j.nodes[e].start, j.nodes[e].end - j.nodes[e].start);
            if (!bft__push_str(&t->history, &t->n_history, s)) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
        }
    }
    r = BFT_OK;
done:
    bft__json_free(&j);
    bft_free(text);
    return r;
}

/* trainer_log.jsonl of the interrupted run, cut to the entries up to the resumed step. */
static void bft__load_jsonl(bft_trainer *t)
{
    char *p = bft__path_join(t->args.output_dir, "trainer_log.jsonl"), *text = NULL, *line, *nl;
    size_t len;
    int i;
    if (p && bft_read_file(p, &text, &len) == BFT_OK) {
        for (line = text; *line; line = nl + 1) {
            bft__json j;
            int k;
            nl = strchr(line, '\n');
            if (!nl) break;
            if (bft__json_parse(&j, line, (size_t)(nl - line), "trainer_log.jsonl") != BFT_OK) continue;
            k = bft__json_get(&j, 0, "step");
            if (k >= 0 && j.nodes[k].type == BFT__J_NUM && j.nodes[k].num <= (double)t->global_step)
                bft__push_str(&t->jsonl, &t->n_jsonl, bft__strndup(line, (size_t)(nl - line)));
            bft__json_free(&j);
        }
    } else {
        for (i = 0; i < t->n_history; i++) bft__push_str(&t->jsonl, &t->n_jsonl, bft__strdup(t->history[i]));
    }
    bft_free(p);
    bft_free(text);
}

static void bft__progress(const bft_trainer *t, double loss)
{
    double el = bft__now() - t->t_start, rate = t->global_step / (el > 0 ? el : 1e-9);
    double eta = rate > 0 ? (t->max_steps - t->global_step) / rate : 0;
    int show = t->args.progress;
#ifndef _WIN32
    if (show < 0) show = isatty(2);
#else
    if (show < 0) show = 0;
#endif
    if (show) {
        int w = 30, i, fill = (int)(w * (double)t->global_step / (t->max_steps > 0 ? t->max_steps : 1));
        char bar[64];
        for (i = 0; i < w; i++) bar[i] = i < fill ? '#' : ' ';
        bar[w] = 0;
        fprintf(stderr, "\r%3d%%|%s| %lld/%lld [%02d:%02d<%02d:%02d, %.2fit/s, loss=%.4f, epoch=%.2f]",
                (int)(100.0 * t->global_step / (t->max_steps > 0 ? t->max_steps : 1)), bar, (long long)t->global_step,
                (long long)t->max_steps, (int)(el / 60), (int)el % 60, (int)(eta / 60), (int)eta % 60, rate, loss, t->epoch);
        if (t->global_step >= t->max_steps) fprintf(stderr, "\n");
        fflush(stderr);
    } else {
        int64_t every = t->max_steps / 20 > 0 ? t->max_steps / 20 : 1;
        if (t->global_step % every == 0 || t->global_step == t->max_steps)
            bft__tlog(t, "step %lld/%lld (%d%%), epoch %.2f, loss %.4f, %.2f it/s, eta %dm%02ds", (long long)t->global_step,
                      (long long)t->max_steps, (int)(100.0 * t->global_step / t->max_steps), t->epoch, loss, rate,
                      (int)(eta / 60), (int)eta % 60);
    }
}

BERTFT_DEF bft_result bft_trainer_train(bft_trainer *t, const bft_encoded *train, const float *train_labels,
                                        const bft_encoded *eval, const float *eval_labels)
{
    const bft_train_args *a = &t->args;
    bft_model *m = t->model;
    int bs = a->per_device_train_batch_size, GA = a->gradient_accumulation_steps;
    int64_t steps_in_epoch, upd_per_epoch, num_epochs, epoch, start_step = 0, last_logged, eval_every;
    int64_t skip_micro = 0, epochs_trained = 0;
    uint64_t data_seed = a->data_seed >= 0 ? (uint64_t)a->data_seed : a->seed;
    int *order = NULL, *lengths = NULL;
    bft_padded_batch pb;
    bft_result r = BFT_OK;
    double tr_loss = 0, total_loss = 0, step_loss = 0, non_emb;
    float grad_norm = 0;
    bft_metrics last_metrics;
    int have_metrics = 0, k;
    memset(&pb, 0, sizeof pb);
    memset(&last_metrics, 0, sizeof last_metrics);
    if (!train || train->n < 1) return bft__fail(BFT_ERR_INVALID, "the training set is empty");
    if (!train_labels) return bft__fail(BFT_ERR_INVALID, "the training set has no labels");
    if (a->eval_strategy != BFT_STRATEGY_NO && (!eval || !eval_labels))
        return bft__fail(BFT_ERR_INVALID, "--eval_strategy %s needs an evaluation set with labels",
                         a->eval_strategy == BFT_STRATEGY_STEPS ? "steps" : "epoch");
    if ((r = bft_mkdirs(a->output_dir)) != BFT_OK) return r;

    steps_in_epoch = bft_num_batches(train->n, bs, 0);
    /* an epoch's last micro-batches form an update of their own when they do not fill GA */
    upd_per_epoch = (steps_in_epoch + GA - 1) / GA;
    if (a->max_steps > 0) {
        t->max_steps = a->max_steps;
        num_epochs = (a->max_steps + upd_per_epoch - 1) / upd_per_epoch;
    } else {
        t->max_steps = (int64_t)ceil(a->num_train_epochs * (double)upd_per_epoch);
        num_epochs = (int64_t)ceil(a->num_train_epochs);
    }
    if (t->max_steps < 1) return bft__fail(BFT_ERR_INVALID, "nothing to train: num_train_epochs %g gives 0 steps", a->num_train_epochs);
    t->warmup = a->warmup_steps > 0 ? a->warmup_steps : (int64_t)ceil(t->max_steps * a->warmup_ratio);
    eval_every = a->eval_steps > 0 ? a->eval_steps : a->logging_steps;

    if (a->resume_from_checkpoint) {
        if ((r = bft__load_checkpoint(t, a->resume_from_checkpoint)) != BFT_OK) return r;
        bft__load_jsonl(t);
        start_step = t->global_step;
        epochs_trained = start_step / upd_per_epoch;
        skip_micro = (start_step % upd_per_epoch) * GA;
        bft__tlog(t, "Resuming from %s: global step %lld, epoch %lld, skipping %lld batches of it",
                  a->resume_from_checkpoint, (long long)start_step, (long long)epochs_trained, (long long)skip_micro);
    }
    if (a->report_to_tensorboard && !t->tb) {
        char *ld = NULL;
        if (a->logging_dir) ld = bft__strdup(a->logging_dir);
        else {
            char host[128] = "localhost", name[256];
            time_t now = time(NULL);
            struct tm *tmv = localtime(&now);
            char stamp[64];
#ifndef _WIN32
            if (gethostname(host, sizeof host) != 0) strcpy(host, "localhost");
            host[sizeof host - 1] = 0;
#endif
            /* HF's default: runs/<Mon DD_HH-MM-SS>_<host> */
            strftime(stamp, sizeof stamp, "%b%d_%H-%M-%S", tmv);
            snprintf(name, sizeof name, "runs/%s_%s", stamp, host);
            ld = bft__path_join(a->output_dir, name);
        }
        if (!ld) return bft__fail(BFT_ERR_OOM, "out of memory");
        r = bft_mkdirs(ld);
        if (r == BFT_OK) r = bft_tb_open(&t->tb, ld);
        bft_free(ld);
        if (r != BFT_OK) return r;
    }
    order = BFT__NEW(int, train->n);
    if (a->group_by_length) lengths = BFT__NEW(int, train->n);
    if (!order || (a->group_by_length && !lengths)) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    if (lengths) bft_encoded_lengths(train, lengths);
    /* HF's total_flos: 6 * (parameters outside the embeddings) * tokens */
    non_emb = (double)m->num_params;
    for (k = 0; k < m->num_tensors; k++)
        if (strstr(m->tensors[k].name, "embeddings.")) non_emb -= (double)m->tensors[k].numel;

    bft__tlog(t, "***** Running training *****");
    bft__tlog(t, "  Num examples = %d", train->n);
    bft__tlog(t, "  Num Epochs = %lld", (long long)num_epochs);
    bft__tlog(t, "  Instantaneous batch size per device = %d", bs);
    bft__tlog(t, "  Gradient Accumulation steps = %d", GA);
    bft__tlog(t, "  Total optimization steps = %lld", (long long)t->max_steps);
    bft__tlog(t, "  Number of trainable parameters = %lu", (unsigned long)m->num_params);
    t->t_start = bft__now();
    last_logged = t->global_step;
    if ((r = bft__to_device(t)) != BFT_OK || (r = bft__step_zero_grad(t)) != BFT_OK) goto done;
    for (epoch = epochs_trained; epoch < num_epochs && !t->stop && t->global_step < t->max_steps; epoch++) {
        int64_t step;
        int micro_in_update = 0;
        if (a->group_by_length)
            r = bft_length_grouped_order(order, lengths, train->n, bs * GA, data_seed, epoch);
        else
            r = bft_sampler_order(order, train->n, !a->no_shuffle, data_seed, epoch);
        if (r != BFT_OK) goto done;
        step_loss = 0;
        for (step = 0; step < steps_in_epoch; step++) {
            int cnt = (int)(train->n - step * bs < bs ? train->n - step * bs : bs);
            int update_now = (step + 1) % GA == 0 || step + 1 == steps_in_epoch;
            int micro_total = update_now ? micro_in_update + 1 : GA;
            bft_batch b;
            if (epoch == epochs_trained && step < skip_micro) continue;
            if ((r = bft_collate(&pb, train, order + step * bs, cnt, bft__pad_id(t), a->pad_to_multiple_of,
                                 a->pad_to_max_length ? a->max_seq_length : 0, train_labels)) != BFT_OK)
                goto done;
            b = bft_padded_batch_view(&pb);
            /* dropout masks depend only on (seed, step, micro-batch): a resumed run draws the same */
            bft_model_seed(m, a->seed * 1000003ull + (uint64_t)t->global_step * 1024u + (uint64_t)micro_in_update);
            if ((r = bft__step_forward(t, &b, 1)) != BFT_OK) goto done;
            (void)micro_total;
            if ((r = bft__step_backward(t, 1.0f / (float)GA)) != BFT_OK) goto done;
            step_loss += (double)m->loss / GA;
            t->total_flos += 6.0 * non_emb * (double)b.batch_size * b.seq_len;
            micro_in_update++;
            if (!update_now) continue;
            micro_in_update = 0;
            /* clip, step, schedule (Trainer order); a non-finite loss or norm skips the update */
            r = bft__step_clip(t, a->max_grad_norm > 0 ? (float)a->max_grad_norm : FLT_MAX, &grad_norm);
            if (r == BFT_ERR_NUMERIC || !(step_loss == step_loss) || step_loss > DBL_MAX) {
                bft__tlog(t, "warning: step %lld: loss %g, gradient norm %g: update skipped",
                          (long long)t->global_step + 1, step_loss, (double)grad_norm);
            } else if (r != BFT_OK ||
                       (r = bft__step_adamw(t, bft_lr_at(a->lr_scheduler_type, a->learning_rate, t->global_step,
                                                         t->warmup, t->max_steps))) != BFT_OK) {
                goto done;
            }
            if ((r = bft__step_zero_grad(t)) != BFT_OK) goto done;
            t->global_step++;
            t->epoch = (double)epoch + (double)(step + 1) / (double)steps_in_epoch;
            tr_loss += step_loss;
            total_loss += step_loss;
            bft__progress(t, step_loss);
            step_loss = 0;
            {
                /* the last step of training ends its epoch too (HF runs on_epoch_end after the loop) */
                int is_last = t->global_step >= t->max_steps;
                int is_epoch_end = step + 1 == steps_in_epoch || is_last;
                int do_log = (a->logging_strategy == BFT_STRATEGY_STEPS && t->global_step % a->logging_steps == 0) ||
                             (a->logging_first_step && t->global_step == 1) ||
                             (a->logging_strategy == BFT_STRATEGY_EPOCH && is_epoch_end);
                int do_eval = (a->eval_strategy == BFT_STRATEGY_STEPS && t->global_step % eval_every == 0) ||
                              (a->eval_strategy == BFT_STRATEGY_EPOCH && is_epoch_end);
                /* HF also saves at the final step whenever a save strategy is set */
                int do_save = (a->save_strategy == BFT_STRATEGY_STEPS && t->global_step % a->save_steps == 0) ||
                              (a->save_strategy == BFT_STRATEGY_EPOCH && is_epoch_end) ||
                              (a->save_strategy != BFT_STRATEGY_NO && is_last);
                if (do_log) {
                    bft__kv kv[4];
                    kv[0].key = "loss"; kv[0].v = tr_loss / (double)(t->global_step - last_logged); kv[0].is_int = 0;
                    kv[1].key = "grad_norm"; kv[1].v = grad_norm; kv[1].is_int = 0;
                    /* after scheduler.step(): the rate of the next step, as HF logs it */
                    kv[2].key = "learning_rate";
                    kv[2].v = bft_lr_at(a->lr_scheduler_type, a->learning_rate, t->global_step, t->warmup, t->max_steps);
                    kv[2].is_int = 0;
                    kv[3].key = "epoch"; kv[3].v = t->epoch; kv[3].is_int = 0;
                    tr_loss = 0;
                    last_logged = t->global_step;
                    if ((r = bft__trainer_log(t, kv, 4)) != BFT_OK) goto done;
                }
                if (do_eval) {
                    if ((r = bft_trainer_evaluate(t, eval, eval_labels, "eval", &last_metrics, NULL, NULL)) != BFT_OK) goto done;
                    have_metrics = 1;
                    if (a->early_stopping_patience > 0) {
                        char mn[96];
                        double v = NAN;
                        int i;
                        bft__best_metric_name(t, mn, sizeof mn);
                        for (i = 0; i < last_metrics.n; i++) {
                            char full[96];
                            snprintf(full, sizeof full, "eval_%s", last_metrics.names[i]);
                            if (strcmp(full, mn) == 0) v = last_metrics.values[i];
                        }
                        if (!t->es_has || (bft__better(t, v, t->es_best) && fabs(v - t->es_best) > a->early_stopping_threshold)) {
                            t->es_best = v;
                            t->es_has = 1;
                            t->bad_evals = 0;
                        } else if (++t->bad_evals >= a->early_stopping_patience) {
                            bft__tlog(t, "Early stopping: %s did not improve for %d evaluations", mn, t->bad_evals);
                            t->stop = 1;
                        }
                    }
                }
                if (do_save && ((r = bft__to_host(t)) != BFT_OK ||
                                (r = bft__save_checkpoint(t, &last_metrics, have_metrics)) != BFT_OK))
                    goto done;
            }
            if (t->stop || t->global_step >= t->max_steps) break;
        }
    }
    {
        double rt = bft__now() - t->t_start;
        int64_t run_steps = t->global_step - start_step;
        double samples = (double)a->per_device_train_batch_size * GA * (double)t->max_steps;
        bft__kv kv[6];
        t->train_loss = run_steps > 0 ? total_loss / (double)run_steps : NAN;
        kv[0].key = "train_runtime"; kv[0].v = floor(rt * 1e4 + 0.5) / 1e4; kv[0].is_int = 0;
        kv[1].key = "train_samples_per_second"; kv[1].v = floor(samples / (rt > 0 ? rt : 1e-9) * 1e3 + 0.5) / 1e3; kv[1].is_int = 0;
        kv[2].key = "train_steps_per_second"; kv[2].v = floor(t->max_steps / (rt > 0 ? rt : 1e-9) * 1e3 + 0.5) / 1e3; kv[2].is_int = 0;
        kv[3].key = "total_flos"; kv[3].v = t->total_flos; kv[3].is_int = 0;
        kv[4].key = "train_loss"; kv[4].v = t->train_loss; kv[4].is_int = 0;
        kv[5].key = "epoch"; kv[5].v = t->epoch; kv[5].is_int = 0;
        if ((r = bft__trainer_log(t, kv, 6)) != BFT_OK) goto done;
    }
    if (a->load_best_model_at_end && t->best_checkpoint) {
        char *p = bft__path_join(t->best_checkpoint, "model.safetensors");
        bft__tlog(t, "Loading best model from %s (score: %g).", t->best_checkpoint, t->best_metric);
        r = p ? bft_model_load_safetensors(m, p, a->seed) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
        if (r != BFT_OK || (r = bft__to_device(t)) != BFT_OK) goto done;
    }
    if ((r = bft__to_host(t)) != BFT_OK) goto done;
    r = bft_trainer_save_state(t, a->output_dir);
done:
    if (t->tb) bft_tb_flush(t->tb);
    bft_padded_batch_free(&pb);
    bft_free(order);
    bft_free(lengths);
    return r;
}

BERTFT_DEF bft_result bft_save_metrics(const char *output_dir, const char *split, int n, const char *const *keys,
                                       const double *values)
{
    char name[64], *path, *text = NULL;
    bft__buf b = {0, 0, 0, 0};
    bft_result r;
    int i, k;
    size_t len;
    bft__json j;
    /* {split}_results.json: keys sorted, as json.dumps(sort_keys=True) */
    int *ord = BFT__NEW(int, n > 0 ? n : 1);
    if (!ord) return bft__fail(BFT_ERR_OOM, "out of memory");
    for (i = 0; i < n; i++) ord[i] = i;
    for (i = 1; i < n; i++)
        for (k = i; k > 0 && strcmp(keys[ord[k - 1]], keys[ord[k]]) > 0; k--) { int x = ord[k]; ord[k] = ord[k - 1]; ord[k - 1] = x; }
    bft__buf_puts(&b, "{");
    for (i = 0; i < n; i++) {
        bft__buf_puts(&b, i ? ",\n    " : "\n    ");
        bft__buf_json_str(&b, keys[ord[i]], strlen(keys[ord[i]]));
        bft__buf_puts(&b, ": ");
        if (values[ord[i]] == floor(values[ord[i]]) && fabs(values[ord[i]]) < 1e15 &&
            (strstr(keys[ord[i]], "samples") && !strstr(keys[ord[i]], "per_second")))
            bft__buf_printf(&b, "%lld", (long long)values[ord[i]]);
        else bft__buf_float(&b, values[ord[i]]);
    }
    bft__buf_puts(&b, "\n}");
    bft_free(ord);
    snprintf(name, sizeof name, "%s_results.json", split);
    if (b.oom || !(path = bft__path_join(output_dir, name))) { bft_free(b.p); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    r = bft_write_file_atomic(path, b.p, b.n);
    bft_free(path);
    if (r != BFT_OK) { bft_free(b.p); return r; }
    /* all_results.json: the union of every split's metrics (earlier ones kept) */
    if (!(path = bft__path_join(output_dir, "all_results.json"))) { bft_free(b.p); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    if (bft_read_file(path, &text, &len) == BFT_OK && bft__json_parse(&j, text, len, path) == BFT_OK) {
        bft__buf all = {0, 0, 0, 0};
        int first = 1;
        bft__buf_puts(&all, "{");
        if (j.nodes[0].type == BFT__J_OBJ)
            for (k = j.nodes[0].first; k >= 0; k = j.nodes[k].next) {
                int dup = 0;
                for (i = 0; i < n; i++) dup |= bft__json_streq(&j, k, keys[i]);
                if (dup) continue;
                bft__buf_puts(&all, first ? "\n    " : ",\n    ");
                first = 0;
                bft__buf_put(&all, text + j.nodes[k].start - 1, j.nodes[k].end - j.nodes[k].start + 2);
                bft__buf_puts(&all, ": ");
                bft__buf_put(&all, text + j.nodes[j.nodes[k].first].start, j.nodes[j.nodes[k].first].end - j.nodes[j.nodes[k].first].start);
            }
        bft__json_free(&j);
        if (n) {
            bft__buf_puts(&all, first ? "\n    " : ",\n    ");
            bft__buf_put(&all, b.p + 6, b.n - 6 - 2); /* the new members, without braces */
        }
        bft__buf_puts(&all, "\n}");
        r = all.oom ? bft__fail(BFT_ERR_OOM, "out of memory") : bft_write_file_atomic(path, all.p, all.n);
        bft_free(all.p);
    } else {
        r = bft_write_file_atomic(path, b.p, b.n);
    }
    bft_free(text);
    bft_free(path);
    bft_free(b.p);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* 9. Checkpoint I/O: safetensors                                                              */
/* ------------------------------------------------------------------------------------------ */
/* Format: u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets},
   "__metadata__": {...}} padded with spaces, then the raw little-endian tensor bytes. The
   offsets are relative to the end of the header and must tile the data exactly. */
#define BFT__ST_MAX_HEADER 100000000ull /* the safetensors library's own limit */

typedef struct bft__st_entry {
    char *name;
    char dtype[8];
    int esize;         /* bytes per element */
    int ndim;
    int64_t shape[8];
    uint64_t numel, begin, end;
} bft__st_entry;

typedef struct bft__st_header {
    int n;
    bft__st_entry *e;
    uint64_t data_start;
} bft__st_header;

static void bft__st_header_free(bft__st_header *h)
{
    int i;
    for (i = 0; i < h->n; i++) bft_free(h->e[i].name);
    bft_free(h->e);
    h->e = NULL;
    h->n = 0;
}

static int bft__st_dtype_size(const char *d)
{
    static const char *const names[] = {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16",
                                        "I32", "U32", "F32", "F64", "I64", "U64", NULL};
    static const int sizes[] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8};
    int i;
    for (i = 0; names[i]; i++)
        if (strcmp(d, names[i]) == 0) return sizes[i];
    return 0;
}

static int bft__cmp_entry_begin(const void *a, const void *b)
{
    const bft__st_entry *x = *(const bft__st_entry *const *)a, *y = *(const bft__st_entry *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end < y->end ? -1 : x->end > y->end);
}

static uint64_t bft__le64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;
    for (i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* Read and validate the header of an open safetensors file of `file_size` bytes. */
static bft_result bft__st_read_header(FILE *f, uint64_t file_size, const char *path, bft__st_header *h)
{
    unsigned char lenb[8];
    uint64_t hlen, expect;
    char *text = NULL;
    bft__json j;
    bft__st_entry **order = NULL;
    bft_result r;
    int k, i;
    memset(h, 0, sizeof *h);
    memset(&j, 0, sizeof j);
    if (file_size < 8 || fread(lenb, 1, 8, f) != 8)
        return bft__fail(BFT_ERR_FORMAT, "%s: not a safetensors file (shorter than its 8-byte header length)", path);
    hlen = bft__le64(lenb);
    if (hlen > BFT__ST_MAX_HEADER)
        return bft__fail(BFT_ERR_FORMAT, "%s: safetensors header length %llu exceeds the 100 MB limit", path,
                         (unsigned long long)hlen);
    if (hlen < 2 || hlen > file_size - 8)
        return bft__fail(BFT_ERR_FORMAT, "%s: safetensors header length %llu does not fit in the file (%llu bytes)",
                         path, (unsigned long long)hlen, (unsigned long long)file_size);
    if (!(text = (char *)bft__malloc((size_t)hlen + 1))) return bft__fail(BFT_ERR_OOM, "%s: out of memory", path);
    if (fread(text, 1, (size_t)hlen, f) != (size_t)hlen) {
        bft_free(text);
        return bft__fail(BFT_ERR_IO, "%s: cannot read the safetensors header", path);
    }
    text[hlen] = 0;
    if (text[0] != '{') { r = bft__fail(BFT_ERR_FORMAT, "%s: safetensors header does not start with '{'", path); goto done; }
    if ((r = bft__json_parse(&j, text, (size_t)hlen, path)) != BFT_OK) goto done;
    if (j.nodes[0].type != BFT__J_OBJ) { r = bft__fail(BFT_ERR_FORMAT, "%s: safetensors header is not an object", path); goto done; }
    if (!(h->e = BFT__NEW(bft__st_entry, j.nodes[0].count))) { r = bft__fail(BFT_ERR_OOM, "%s: out of memory", path); goto done; }
    h->data_start = 8 + hlen;
    for (k = j.nodes[0].first; k >= 0; k = j.nodes[k].next) {
        int v = j.nodes[k].first, dt, sh, off, d;
        bft__st_entry *e;
        char *dts;
        uint64_t numel = 1;
        if (bft__json_streq(&j, k, "__metadata__")) {
            if (j.nodes[v].type != BFT__J_OBJ) { r = bft__fail(BFT_ERR_FORMAT, "%s: __metadata__ must be an object", path); goto done; }
            continue;
        }
        e = &h->e[h->n];
        if (!(e->name = bft__json_strdup(&j, k, NULL))) { r = bft__fail(BFT_ERR_OOM, "%s: out of memory", path); goto done; }
        h->n++;
        dt = bft__json_get(&j, v, "dtype");
        sh = bft__json_get(&j, v, "shape");
        off = bft__json_get(&j, v, "data_offsets");
        if (j.nodes[v].type != BFT__J_OBJ || dt < 0 || sh < 0 || off < 0 || j.nodes[dt].type != BFT__J_STR ||
            j.nodes[sh].type != BFT__J_ARR || j.nodes[off].type != BFT__J_ARR || j.nodes[off].count != 2) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": expected {\"dtype\": str, \"shape\": [..], "
                          "\"data_offsets\": [begin, end]}", path, e->name);
            goto done;
        }
        dts = bft__json_strdup(&j, dt, NULL);
        if (!dts) { r = bft__fail(BFT_ERR_OOM, "%s: out of memory", path); goto done; }
        e->esize = strlen(dts) < sizeof e->dtype ? bft__st_dtype_size(dts) : 0;
        if (e->esize) strcpy(e->dtype, dts);
        if (!e->esize) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": unknown dtype \"%.20s\"", path, e->name, dts);
            bft_free(dts);
            goto done;
        }
        bft_free(dts);
        if (j.nodes[sh].count > 8) { r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": more than 8 dimensions", path, e->name); goto done; }
        for (d = j.nodes[sh].first; d >= 0; d = j.nodes[d].next) {
            double x = j.nodes[d].num;
            if (j.nodes[d].type != BFT__J_NUM || x < 0 || x != floor(x) || x > 9007199254740992.0 ||
                (x > 0 && (double)numel * x > 9007199254740992.0)) {
                r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": shape entries must be non-negative integers", path, e->name);
                goto done;
            }
            e->shape[e->ndim++] = (int64_t)x;
            numel *= (uint64_t)x;
        }
        e->numel = numel;
        {
            int b0 = j.nodes[off].first, b1 = j.nodes[b0].next;
            double x0 = j.nodes[b0].num, x1 = j.nodes[b1].num;
            if (j.nodes[b0].type != BFT__J_NUM || j.nodes[b1].type != BFT__J_NUM || x0 < 0 || x1 < x0 ||
                x0 != floor(x0) || x1 != floor(x1) || x1 > (double)(file_size - h->data_start)) {
                r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": data_offsets [%.0f, %.0f] are outside the data "
                              "(%llu bytes)", path, e->name, x0, x1, (unsigned long long)(file_size - h->data_start));
                goto done;
            }
            e->begin = (uint64_t)x0;
            e->end = (uint64_t)x1;
        }
        if (e->end - e->begin != numel * (uint64_t)e->esize) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\": %llu bytes for %llu elements of %s", path, e->name,
                          (unsigned long long)(e->end - e->begin), (unsigned long long)numel, e->dtype);
            goto done;
        }
    }
    /* the tensors must tile the data section: no overlap, no hole, nothing after */
    if (!(order = BFT__NEW(bft__st_entry *, h->n ? h->n : 1))) { r = bft__fail(BFT_ERR_OOM, "%s: out of memory", path); goto done; }
    for (i = 0; i < h->n; i++) order[i] = &h->e[i];
    qsort(order, (size_t)h->n, sizeof *order, bft__cmp_entry_begin);
    expect = 0;
    for (i = 0; i < h->n; i++) {
        if (order[i]->begin != expect) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: tensor \"%s\" starts at byte %llu but the previous tensor ends at %llu "
                          "(%s)", path, order[i]->name, (unsigned long long)order[i]->begin,
                          (unsigned long long)expect, order[i]->begin < expect ? "overlap" : "gap");
            goto done;
        }
        expect = order[i]->end;
    }
    if (h->data_start + expect != file_size) {
        r = bft__fail(BFT_ERR_FORMAT, "%s: the tensors cover %llu data bytes but the file has %llu", path,
                      (unsigned long long)expect, (unsigned long long)(file_size - h->data_start));
        goto done;
    }
    r = BFT_OK;
done:
    bft_free(order);
    bft__json_free(&j);
    bft_free(text);
    if (r != BFT_OK) bft__st_header_free(h);
    return r;
}

static float bft__f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    float f;
    if (exp == 0) { /* zero or subnormal: man * 2^-24 */
        f = (float)man * (1.0f / 16777216.0f);
        return sign ? -f : f;
    }
    if (exp == 31) bits = sign | 0x7F800000u | (man << 13);
    else bits = sign | ((exp + 112) << 23) | (man << 13);
    memcpy(&f, &bits, 4);
    return f;
}

/* Convert `n` little-endian elements of dtype `dt` to float. */
static void bft__st_convert(float *dst, const unsigned char *src, uint64_t n, const char *dt)
{
    uint64_t i;
    if (strcmp(dt, "F32") == 0) {
        for (i = 0; i < n; i++) {
            uint32_t b = (uint32_t)src[4 * i] | (uint32_t)src[4 * i + 1] << 8 | (uint32_t)src[4 * i + 2] << 16 |
                         (uint32_t)src[4 * i + 3] << 24;
            memcpy(&dst[i], &b, 4);
        }
    } else if (strcmp(dt, "F16") == 0) {
        for (i = 0; i < n; i++) dst[i] = bft__f16_to_f32((uint16_t)(src[2 * i] | src[2 * i + 1] << 8));
    } else if (strcmp(dt, "BF16") == 0) {
        for (i = 0; i < n; i++) {
            uint32_t b = (uint32_t)(src[2 * i] | src[2 * i + 1] << 8) << 16;
            memcpy(&dst[i], &b, 4);
        }
    } else if (strcmp(dt, "F64") == 0) {
        for (i = 0; i < n; i++) {
            double d;
            uint64_t b = bft__le64(src + 8 * i);
            memcpy(&d, &b, 8);
            dst[i] = (float)d;
        }
    } else if (strcmp(dt, "I64") == 0) {
        for (i = 0; i < n; i++) dst[i] = (float)(int64_t)bft__le64(src + 8 * i);
    } else if (strcmp(dt, "I32") == 0) {
        for (i = 0; i < n; i++)
            dst[i] = (float)(int32_t)((uint32_t)src[4 * i] | (uint32_t)src[4 * i + 1] << 8 |
                                      (uint32_t)src[4 * i + 2] << 16 | (uint32_t)src[4 * i + 3] << 24);
    } else if (strcmp(dt, "U8") == 0 || strcmp(dt, "BOOL") == 0) {
        for (i = 0; i < n; i++) dst[i] = (float)src[i];
    } else if (strcmp(dt, "I8") == 0) {
        for (i = 0; i < n; i++) dst[i] = (float)(signed char)src[i];
    } else {
        for (i = 0; i < n; i++) dst[i] = NAN;
    }
}

/* Read tensor `e` into `dst` as float, in chunks (no second copy of a large tensor). */
static bft_result bft__st_read_tensor(FILE *f, const char *path, const bft__st_header *h, const bft__st_entry *e, float *dst)
{
    unsigned char buf[1 << 16];
    uint64_t done = 0, per = sizeof buf / (uint64_t)e->esize;
    if (fseek(f, (long)(h->data_start + e->begin), SEEK_SET) != 0)
        return bft__fail(BFT_ERR_IO, "%s: cannot seek to tensor \"%s\"", path, e->name);
    while (done < e->numel) {
        uint64_t cnt = e->numel - done < per ? e->numel - done : per;
        if (fread(buf, (size_t)e->esize, (size_t)cnt, f) != (size_t)cnt)
            return bft__fail(BFT_ERR_IO, "%s: truncated data in tensor \"%s\"", path, e->name);
        bft__st_convert(dst + done, buf, cnt, e->dtype);
        done += cnt;
    }
    return BFT_OK;
}

static bft_result bft__st_open(const char *path, FILE **f, bft__st_header *h)
{
    long long size;
    bft_result r;
    *f = fopen(path, "rb");
    if (!*f) return bft__fail(BFT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    /* ftell is a long: files over 2 GB need a 64-bit long (every LP64 system) */
    if (fseek(*f, 0, SEEK_END) != 0 || (size = ftell(*f)) < 0 || fseek(*f, 0, SEEK_SET) != 0) {
        fclose(*f);
        return bft__fail(BFT_ERR_IO, "%s: cannot determine the file size", path);
    }
    r = bft__st_read_header(*f, (uint64_t)size, path, h);
    if (r != BFT_OK) fclose(*f);
    return r;
}

BERTFT_DEF bft_result bft_st_read(bft_st_file *out, const char *path)
{
    FILE *f;
    bft__st_header h;
    bft_result r;
    int i, d;
    memset(out, 0, sizeof *out);
    if ((r = bft__st_open(path, &f, &h)) != BFT_OK) return r;
    if (!(out->t = BFT__NEW(bft_st_tensor, h.n ? h.n : 1))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    for (i = 0; i < h.n; i++) {
        bft_st_tensor *t = &out->t[i];
        out->n++;
        t->name = h.e[i].name;
        h.e[i].name = NULL;
        strcpy(t->dtype, h.e[i].dtype);
        t->ndim = h.e[i].ndim;
        for (d = 0; d < t->ndim; d++) t->shape[d] = h.e[i].shape[d];
        t->numel = (size_t)h.e[i].numel;
        if (!(t->data = (float *)bft__malloc(t->numel * sizeof(float)))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
        if ((r = bft__st_read_tensor(f, path, &h, &h.e[i], t->data)) != BFT_OK) goto done;
    }
done:
    fclose(f);
    bft__st_header_free(&h);
    if (r != BFT_OK) bft_st_free(out);
    return r;
}

BERTFT_DEF const bft_st_tensor *bft_st_get(const bft_st_file *f, const char *name)
{
    int i;
    for (i = 0; i < f->n; i++)
        if (strcmp(f->t[i].name, name) == 0) return &f->t[i];
    return NULL;
}

BERTFT_DEF void bft_st_free(bft_st_file *f)
{
    int i;
    for (i = 0; i < f->n; i++) {
        bft_free(f->t[i].name);
        bft_free(f->t[i].data);
    }
    bft_free(f->t);
    f->t = NULL;
    f->n = 0;
}

/* Header JSON for tensors written back to back in the given order; padded with spaces to a
   multiple of 8 so the data starts aligned (as the safetensors library writes it). */
static char *bft__st_header_json(int n, const char *const *names, const int *ndims, const int64_t *const *shapes,
                                 uint64_t *hlen)
{
    bft__buf b = {0, 0, 0, 0};
    uint64_t off = 0;
    int i, d;
    bft__buf_puts(&b, "{\"__metadata__\":{\"format\":\"pt\"}");
    for (i = 0; i < n; i++) {
        uint64_t numel = 1;
        bft__buf_puts(&b, ",");
        bft__buf_json_str(&b, names[i], strlen(names[i]));
        bft__buf_puts(&b, ":{\"dtype\":\"F32\",\"shape\":[");
        for (d = 0; d < ndims[i]; d++) {
            bft__buf_printf(&b, "%s%lld", d ? "," : "", (long long)shapes[i][d]);
            numel *= (uint64_t)shapes[i][d];
        }
        bft__buf_printf(&b, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
                        (unsigned long long)(off + numel * 4));
        off += numel * 4;
    }
    bft__buf_puts(&b, "}");
    while (b.n % 8) bft__buf_puts(&b, " ");
    if (b.oom) { bft_free(b.p); return NULL; }
    *hlen = b.n;
    return b.p;
}

static int bft__write_le_floats(FILE *f, const float *x, size_t n)
{
    /* the file is little-endian; so is every machine we target, but do not assume it */
    const uint32_t one = 1;
    unsigned char le = *(const unsigned char *)&one;
    if (le) return fwrite(x, sizeof(float), n, f) == n;
    {
        size_t i;
        for (i = 0; i < n; i++) {
            uint32_t b;
            unsigned char o[4];
            memcpy(&b, &x[i], 4);
            o[0] = (unsigned char)b; o[1] = (unsigned char)(b >> 8); o[2] = (unsigned char)(b >> 16); o[3] = (unsigned char)(b >> 24);
            if (fwrite(o, 1, 4, f) != 4) return 0;
        }
        return 1;
    }
}

BERTFT_DEF bft_result bft_st_write(const char *path, int n, const char *const *names, const int *ndims,
                                   const int64_t *const *shapes, const float *const *data)
{
    uint64_t hlen;
    unsigned char lb[8];
    char *tmp, *hdr = bft__st_header_json(n, names, ndims, shapes, &hlen);
    FILE *f;
    int i, d, ok;
    if (!hdr) return bft__fail(BFT_ERR_OOM, "out of memory");
    if (!(f = bft__atomic_open(path, &tmp))) { bft_free(hdr); return BFT_ERR_IO; }
    for (i = 0; i < 8; i++) lb[i] = (unsigned char)(hlen >> (8 * i));
    ok = fwrite(lb, 1, 8, f) == 8 && fwrite(hdr, 1, (size_t)hlen, f) == (size_t)hlen;
    for (i = 0; ok && i < n; i++) {
        size_t numel = 1;
        for (d = 0; d < ndims[i]; d++) numel *= (size_t)shapes[i][d];
        ok = bft__write_le_floats(f, data[i], numel);
    }
    bft_free(hdr);
    return bft__atomic_commit(f, tmp, path, ok);
}

/* Map a checkpoint name to ours: add the "bert." prefix when missing, and rename the legacy
   TensorFlow-era LayerNorm.gamma/beta. Returns a new string. */
static char *bft__canonical_name(const char *name)
{
    bft__buf b = {0, 0, 0, 0};
    size_t n = strlen(name);
    if (strncmp(name, "embeddings.", 11) == 0 || strncmp(name, "encoder.", 8) == 0 || strncmp(name, "pooler.", 7) == 0)
        bft__buf_puts(&b, "bert.");
    if (n > 6 && strcmp(name + n - 6, ".gamma") == 0) {
        bft__buf_put(&b, name, n - 6);
        bft__buf_puts(&b, ".weight");
    } else if (n > 5 && strcmp(name + n - 5, ".beta") == 0) {
        bft__buf_put(&b, name, n - 5);
        bft__buf_puts(&b, ".bias");
    } else bft__buf_puts(&b, name);
    return b.oom ? NULL : b.p;
}

static void bft__shape_str(char *out, size_t cap, int ndim, const int64_t *shape)
{
    int d;
    size_t w = 0;
    w += (size_t)snprintf(out + w, cap - w, "[");
    for (d = 0; d < ndim && w < cap; d++) w += (size_t)snprintf(out + w, cap - w, "%s%lld", d ? ", " : "", (long long)shape[d]);
    if (w < cap) snprintf(out + w, cap - w, "]");
}

BERTFT_DEF bft_result bft_model_load_safetensors(bft_model *m, const char *path, uint64_t seed)
{
    FILE *f;
    bft__st_header h;
    bft_result r;
    char *loaded = NULL;
    bft__buf unused = {0, 0, 0, 0}, fresh = {0, 0, 0, 0}, report = {0, 0, 0, 0};
    int i, k, nunused = 0, nfresh = 0;
    uint64_t rng[4];
    if ((r = bft__st_open(path, &f, &h)) != BFT_OK) return r;
    if (!(loaded = (char *)bft__calloc((size_t)m->num_tensors, 1))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    /* first pass: match names and check shapes, so that a bad file changes nothing */
    for (i = 0; i < h.n; i++) {
        const bft__st_entry *e = &h.e[i];
        char *cn = bft__canonical_name(e->name);
        const bft_tensor_info *t;
        if (!cn) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
        t = bft_model_find_tensor(m, cn);
        if (!t) {
            /* position_ids is a buffer older checkpoints saved; HF drops it silently */
            if (!strstr(cn, "position_ids")) {
                bft__buf_printf(&unused, "%s%s", nunused ? ", " : "", e->name);
                nunused++;
            }
            bft_free(cn);
            continue;
        }
        bft_free(cn);
        k = (int)(t - m->tensors);
        if (loaded[k]) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: two tensors map to %s (e.g. both LayerNorm.gamma and LayerNorm.weight)", path, t->name);
            goto done;
        }
        if (strcmp(e->dtype, "F32") && strcmp(e->dtype, "F16") && strcmp(e->dtype, "BF16") && strcmp(e->dtype, "F64")) {
            r = bft__fail(BFT_ERR_FORMAT, "%s: tensor %s has dtype %s; expected F32, F16 or BF16", path, e->name, e->dtype);
            goto done;
        }
        if (e->ndim != t->ndim || e->shape[0] != t->shape[0] || (t->ndim == 2 && e->shape[1] != t->shape[1])) {
            char a[96], b2[96];
            bft__shape_str(a, sizeof a, e->ndim, e->shape);
            bft__shape_str(b2, sizeof b2, t->ndim, t->shape);
            r = bft__fail(BFT_ERR_SHAPE, "%s: size mismatch for %s: copying a param with shape %s from checkpoint, "
                          "the shape in current model is %s%s", path, t->name, a, b2,
                          strncmp(t->name, "classifier", 10) == 0 ? " (the checkpoint's head was trained for another "
                                                                    "number of labels)" : "");
            goto done;
        }
        loaded[k] = 1;
    }
    for (i = 0; i < h.n; i++) {
        char *cn = bft__canonical_name(h.e[i].name);
        const bft_tensor_info *t = cn ? bft_model_find_tensor(m, cn) : NULL;
        bft_free(cn);
        if (t && (r = bft__st_read_tensor(f, path, &h, &h.e[i], m->params + t->offset)) != BFT_OK) goto done;
    }
    /* what the checkpoint lacks is initialised as HF does, and reported */
    bft__rng_seed(rng, seed);
    for (k = 0; k < m->num_tensors; k++)
        if (!loaded[k]) {
            bft__init_tensor(m, k, rng);
            bft__buf_printf(&fresh, "%s%s", nfresh ? ", " : "", m->tensors[k].name);
            nfresh++;
        }
    if (nunused)
        bft__buf_printf(&report, "Some weights of the model checkpoint at %s were not used (%d): %s\n", path, nunused, unused.p);
    if (nfresh)
        bft__buf_printf(&report, "Some weights of BertForSequenceClassification were not initialized from the model "
                        "checkpoint at %s and are newly initialized (%d): %s\n", path, nfresh, fresh.p);
    bft_free(m->load_report);
    m->load_report = report.p;
    report.p = NULL;
    r = BFT_OK;
done:
    fclose(f);
    bft__st_header_free(&h);
    bft_free(loaded);
    bft_free(unused.p);
    bft_free(fresh.p);
    bft_free(report.p);
    return r;
}

BERTFT_DEF bft_result bft_model_from_pretrained(bft_model **out, const char *dir, const bft_config *config, uint64_t seed)
{
    bft_config c;
    bft_model *m = NULL;
    bft_result r;
    char *cfg_path = NULL, *st_path = NULL;
    int is_dir = bft__is_dir(dir);
    *out = NULL;
    if (!is_dir && !config)
        return bft__fail(BFT_ERR_INVALID, "%s: not a directory (a .safetensors file needs a config)", dir);
    if (is_dir) {
        cfg_path = bft__path_join(dir, "config.json");
        st_path = bft__path_join(dir, "model.safetensors");
    } else st_path = bft__strdup(dir);
    if (!st_path || (is_dir && !cfg_path)) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    if (config) r = bft_config_copy(&c, config);
    else r = bft_config_load(&c, cfg_path);
    if (r != BFT_OK) goto done;
    r = bft__model_alloc(&m, &c);
    bft_config_free(&c);
    if (r != BFT_OK) goto done;
    if ((r = bft_model_load_safetensors(m, st_path, seed)) != BFT_OK) {
        bft_model_free(m);
        goto done;
    }
    bft_model_seed(m, seed);
    *out = m;
done:
    bft_free(cfg_path);
    bft_free(st_path);
    return r;
}

BERTFT_DEF bft_result bft_model_save(const bft_model *m, const char *dir)
{
    char *p = NULL, *tmp;
    const char **names = NULL;
    int *ndims = NULL, k, i, ok;
    const int64_t **shapes = NULL;
    uint64_t hlen;
    char *hdr = NULL;
    unsigned char lb[8];
    FILE *f;
    bft_result r;
    if ((r = bft_mkdirs(dir)) != BFT_OK) return r;
    names = BFT__NEW(const char *, m->num_tensors);
    ndims = BFT__NEW(int, m->num_tensors);
    shapes = BFT__NEW(const int64_t *, m->num_tensors);
    if (!names || !ndims || !shapes) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    for (k = 0; k < m->num_tensors; k++) {
        names[k] = m->tensors[k].name;
        ndims[k] = m->tensors[k].ndim;
        shapes[k] = m->tensors[k].shape;
    }
    /* the tensors are back to back in m->params in table order: the data section is that buffer */
    if (!(hdr = bft__st_header_json(m->num_tensors, names, ndims, shapes, &hlen)) ||
        !(p = bft__path_join(dir, "model.safetensors"))) {
        r = bft__fail(BFT_ERR_OOM, "out of memory");
        goto done;
    }
    if (!(f = bft__atomic_open(p, &tmp))) { r = BFT_ERR_IO; goto done; }
    for (i = 0; i < 8; i++) lb[i] = (unsigned char)(hlen >> (8 * i));
    ok = fwrite(lb, 1, 8, f) == 8 && fwrite(hdr, 1, (size_t)hlen, f) == (size_t)hlen &&
         bft__write_le_floats(f, m->params, m->num_params);
    if ((r = bft__atomic_commit(f, tmp, p, ok)) != BFT_OK) goto done;
    bft_free(p);
    if (!(p = bft__path_join(dir, "config.json"))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    r = bft_config_save(&m->config, p);
done:
    bft_free(p);
    bft_free(hdr);
    bft_free((void *)names);
    bft_free(ndims);
    bft_free((void *)shapes);
    return r;
}



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
