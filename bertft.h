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

   Mixed precision: set m->precision = BFT_BF16 (what Trainer --bf16 / torch.autocast(cpu, bfloat16)
   do) and every matrix product rounds its operands to bf16 and sums in fp32, on VDPBF16PS when the
   CPU has AVX512_BF16 (about twice the fp32 rate); weights, gradients and AdamW stay fp32. To serve
   a model in bf16, call bft_model_pack_bf16(m) once: forwards then read the weights already
   converted to bf16 (a copy, dropped by bft_adamw_step and loading; pack again after changing
   m->params yourself).

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
#if defined(__GNUC__) || defined(__clang__)
#define BERTFT_DEF static __attribute__((unused)) /* a program need not call every function */
#else
#define BERTFT_DEF static
#endif
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

/* ------------------------------------------------------------------------------------------ */
/* 2. Tokenizer: BertTokenizerFast (HF tokenizers: BertNormalizer, BertPreTokenizer, WordPiece) */
/* ------------------------------------------------------------------------------------------ */
/* Produces the same input_ids / token_type_ids as AutoTokenizer.from_pretrained("bert-base-...")
   for any UTF-8 text: clean-up, spaces around CJK ideographs, accent stripping (NFD minus Mn) and
   lowercasing when uncased, split on whitespace and punctuation, greedy longest-match WordPiece.
   Special tokens written in the text ("[SEP]", "[MASK]", ...) stay whole, as HF's added tokens do.
   Invalid UTF-8 bytes read as U+FFFD, which the clean-up deletes (never read out of bounds).
   A loaded tokenizer is read-only: one tokenizer may encode from many threads at once. */
typedef struct bft_tokenizer bft_tokenizer;

typedef enum bft_truncation {
    BFT_TRUNC_NONE = 0,          /* error when the encoding is longer than max_length (if > 0) */
    BFT_TRUNC_LONGEST_FIRST = 1, /* HF fast tokenizer's longest_first (ties: second gets the odd token) */
    BFT_TRUNC_ONLY_FIRST = 2,
    BFT_TRUNC_ONLY_SECOND = 3
} bft_truncation;

/* Load a WordPiece vocab.txt (one token per line, id = line number - 1). do_lower_case: 0 or 1, or
   -1 for the default: tokenizer_config.json next to the vocab when present, else 1 (uncased).
   That file's strip_accents, tokenize_chinese_chars, model_max_length and special token names are
   honoured too. Special tokens are found by name ([PAD] [UNK] [CLS] [SEP] [MASK]), never by id. */
BERTFT_DEF bft_result bft_tokenizer_load(bft_tokenizer **out, const char *vocab_path, int do_lower_case);
/* dir/vocab.txt + dir/tokenizer_config.json (when present). */
BERTFT_DEF bft_result bft_tokenizer_from_pretrained(bft_tokenizer **out, const char *dir, int do_lower_case);
BERTFT_DEF void bft_tokenizer_free(bft_tokenizer *t);
/* Write dir/vocab.txt, dir/tokenizer_config.json, dir/special_tokens_map.json and dir/tokenizer.json
   as HF's save_pretrained does (each atomically), so that AutoTokenizer.from_pretrained(dir) loads it. */
BERTFT_DEF bft_result bft_tokenizer_save(const bft_tokenizer *t, const char *dir);

/* Encode one sequence (b == NULL) as [CLS] a [SEP], or a pair as [CLS] a [SEP] b [SEP]
   (token_type_ids 0 then 1; the attention mask is all ones). Texts are UTF-8 of the given byte
   lengths. max_length counts the special tokens; <= 0 means no limit (truncation off).
   Writes *len tokens into ids/type_ids (type_ids may be NULL). If cap is too small, returns
   BFT_ERR_INVALID with *len set to the length needed. */
BERTFT_DEF bft_result bft_tokenizer_encode(const bft_tokenizer *t, const char *a, size_t alen,
                                           const char *b, size_t blen, int max_length,
                                           bft_truncation tr, int32_t *ids, int32_t *type_ids,
                                           int cap, int *len);
/* Encode n NUL-terminated texts (pairs when b != NULL and b[i] != NULL) into `out` (CSR, see
   bft_encoded), like dataset.map(tokenize, batched=True). Parallel with OpenMP; the result does not
   depend on the thread count. Free with bft_encoded_free. */
BERTFT_DEF bft_result bft_tokenizer_encode_batch(const bft_tokenizer *t, int n, const char *const *a,
                                                 const char *const *b, int max_length,
                                                 bft_truncation tr, bft_encoded *out);
/* WordPiece tokens of a text (no special tokens added, no truncation): the ids, for inspection. */
BERTFT_DEF bft_result bft_tokenizer_tokenize(const bft_tokenizer *t, const char *text, size_t len,
                                             int32_t *ids, int cap, int *n);

BERTFT_DEF int bft_tokenizer_vocab_size(const bft_tokenizer *t);
/* Token string of `id` ("" when out of range). */
BERTFT_DEF const char *bft_tokenizer_id_to_token(const bft_tokenizer *t, int id);
/* Id of an exact token string, or -1. */
BERTFT_DEF int bft_tokenizer_token_to_id(const bft_tokenizer *t, const char *token);
BERTFT_DEF int bft_tokenizer_pad_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_unk_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_cls_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_sep_id(const bft_tokenizer *t);
BERTFT_DEF int bft_tokenizer_mask_id(const bft_tokenizer *t); /* -1 when the vocab has none */
BERTFT_DEF int bft_tokenizer_do_lower_case(const bft_tokenizer *t);
/* tokenizer_config.json's model_max_length, or 0 when unknown; the setter changes what save writes. */
BERTFT_DEF int bft_tokenizer_model_max_length(const bft_tokenizer *t);
BERTFT_DEF void bft_tokenizer_set_model_max_length(bft_tokenizer *t, int n);

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
/* Precision of a matrix product. BF16: both operands are rounded to bfloat16 (round to nearest
   even, denormals to zero, as VCVTNEPS2BF16 does), products are summed in fp32 and C stays fp32:
   torch.autocast's CPU matmul. On CPUs with AVX512_BF16 this runs VDPBF16PS (2x the fp32 FMA
   rate); elsewhere the fp32 kernel runs on the rounded operands (same rounding, no speed-up). */
typedef enum bft_precision { BFT_FP32 = 0, BFT_BF16 = 1 } bft_precision;
/* bft_sgemm with a precision: bft_gemm(BFT_FP32, ...) is bft_sgemm(...). */
BERTFT_DEF void bft_gemm(bft_precision prec, int transA, int transB, int M, int N, int K, float alpha,
                         const float *A, int lda, const float *B, int ldb, float beta,
                         float *C, int ldc);
/* 1 when bf16 products run natively (AVX512_BF16), 0 when they are emulated. */
BERTFT_DEF int bft_gemm_native_bf16(void);
/* The rounding BFT_BF16 applies to each operand element: fp32 -> nearest bf16 -> fp32. */
BERTFT_DEF float bft_round_bf16(float x);
/* The plain triple loop, the reference every kernel is tested against. */
BERTFT_DEF void bft_sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
                              const float *A, int lda, const float *B, int ldb, float beta,
                              float *C, int ldc);
/* Name of the fp32 kernel in use ("avx512", "avx2", "neon", "scalar"). */
BERTFT_DEF const char *bft_gemm_kernel(void);
/* Force a kernel by name (tests); returns BFT_ERR_UNSUPPORTED if this CPU/build lacks it. NULL = auto.
   "avx512bf16" only serves BFT_BF16 products; forcing an fp32 kernel makes BF16 products emulated. */
BERTFT_DEF bft_result bft_gemm_set_kernel(const char *name);
/* Names of the kernels this build and CPU can run, NULL-terminated. */
BERTFT_DEF const char *const *bft_gemm_kernels(void);
/* bft_sgemm keeps its packing buffers per thread between calls; this frees the calling thread's
   (call it before a thread you created ends, if it ran bertft). */
BERTFT_DEF void bft_gemm_release_workspace(void);

/* ------------------------------------------------------------------------------------------ */
/* 4-5. Model                                                                                  */
/* ------------------------------------------------------------------------------------------ */
/* One encoder layer's tensors. q/k/v weights are adjacent so that they form one [3C, C] matrix
   (and q/k/v biases one [3C] vector): the three projections run as a single GEMM. A weight's
   rows may be padded (bft_tensor_info.ld: output.dense's are, in BERT-base). */
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
    size_t offset, numel;         /* in floats, into params/grads; numel = shape[0] * shape[1] */
    size_t ld;                    /* floats from one row to the next: shape[1], or more where a
                                     linear layer's weight has padded rows (see bft_tensor_get) */
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
typedef struct bft_wpack bft_wpack; /* bft_model_pack_bf16's copy of the weights; private layout */

typedef struct bft_model {
    bft_config config;
    size_t num_params;            /* floats in params (and grads): the parameters, and the zero padding
                                     of padded rows (bft_tensor_info.ld); bft_model_count_params
                                     counts the parameters alone */
    float *params, *grads;        /* num_params floats each; grads allocated on first backward */
    bft_params p, g;              /* views into params and grads */
    int num_tensors;
    bft_tensor_info *tensors;
    /* last forward */
    int B, T;                     /* its batch size and sequence length */
    float *logits;                /* [B, NL] */
    float loss;                   /* mean loss of the batch (NaN when no labels) */
    int has_loss, training;
    /* precision of the matrix products: BFT_FP32 (default), or BFT_BF16 for mixed precision as
       torch.autocast(cpu, bfloat16) / Trainer --bf16 does it: products take bf16-rounded operands
       and sum in fp32; weights (the fp32 masters), gradients, optimizer state, LayerNorm, softmax
       and GELU stay fp32. Set it any time between steps. */
    bft_precision precision;
    /* dropout random state (the library's own generator, seeded) */
    uint64_t rng_state[4];
    /* messages from loading (newly initialised, unused or renamed tensors), or NULL */
    char *load_report;
    bft_acts *acts;
    bft_wpack *wpack;             /* NULL unless bft_model_pack_bf16 made one */
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
/* Flags of the _ex loaders. IGNORE_MISMATCHED_SIZES: a checkpoint tensor whose shape differs
   (a head trained for another number of labels) is initialised afresh and reported instead of
   being an error, as HF's from_pretrained(..., ignore_mismatched_sizes=True). */
#define BFT_LOAD_IGNORE_MISMATCHED_SIZES 1u
BERTFT_DEF bft_result bft_model_from_pretrained_ex(bft_model **out, const char *dir, const bft_config *config,
                                                   uint64_t seed, unsigned flags);
BERTFT_DEF bft_result bft_model_load_safetensors_ex(bft_model *m, const char *path, uint64_t seed, unsigned flags);
/* Write `dir`/config.json and `dir`/model.safetensors (F32), each written to a temp file and renamed. */
BERTFT_DEF bft_result bft_model_save(const bft_model *m, const char *dir);
BERTFT_DEF void bft_model_free(bft_model *m);
BERTFT_DEF const bft_tensor_info *bft_model_find_tensor(const bft_model *m, const char *name);
/* A tensor's rows are t->ld floats apart in params, grads and the optimizer's state. That is
   shape[1], except for a linear layer's weight whose rows would be a multiple of 2 KiB apart
   (BERT-base's output.dense.weight: 3072 inputs, 12 KiB; in BERT-large every linear weight).
   Those rows are 64 bytes further apart, the padding zero. Rows 12 KiB apart all fall on the
   same L1 and L2 cache sets: the products of a few tokens that read that weight across its
   rows ran at 77-83% of the FMA peak, and at 96-98% with the rows padded. Checkpoints are
   unaffected (safetensors holds the rows back to back).
   bft_tensor_get copies a tensor's numel values out of `base` (m->params, m->grads, an AdamW m
   or v) to `dst`, back to back; bft_tensor_set copies them in. */
BERTFT_DEF void bft_tensor_get(const bft_tensor_info *t, const float *base, float *dst);
BERTFT_DEF void bft_tensor_set(const bft_tensor_info *t, float *base, const float *src);
BERTFT_DEF size_t bft_model_count_params(const bft_model *m); /* sum of the tensors' numel */
BERTFT_DEF void bft_model_seed(bft_model *m, uint64_t seed); /* reseed dropout */
/* bf16 inference, for a model whose weights stay the same over many forwards (serving a model,
   an evaluation loop). In BFT_BF16 every forward rounds each fp32 weight to bf16 pairs again:
   at one request of 128 tokens that is a quarter of the time. bft_model_pack_bf16 packs the
   weights of the linear layers once, in the layout the AVX512_BF16 kernel reads (half the bytes
   of the fp32 weights: 170 MB for BERT-base), and the forwards in BFT_BF16 that follow read that
   copy. The results are bitwise the same. It is a copy of m->params as they are at this call:
   bft_adamw_step and the loading functions drop it; after writing m->params yourself, call it
   again, or bft_model_unpack_bf16 to drop it. Without AVX512_BF16 (bft_gemm_native_bf16() == 0)
   it packs nothing and returns BFT_OK. bft_trainer_evaluate packs for its own loop. */
BERTFT_DEF bft_result bft_model_pack_bf16(bft_model *m);
BERTFT_DEF void bft_model_unpack_bf16(bft_model *m);

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
/* The same norm and clipping factor without scaling the grads: *coef = max_norm / (norm + 1e-6)
   when that is below 1, else 1. bft_adamw_step_scaled(o, m, lr, coef) then gives the parameters
   and optimizer state that bft_clip_grad_norm + bft_adamw_step give, bit for bit, with one pass
   over the gradients fewer (the trainer's step does this; the grads are left unscaled). */
BERTFT_DEF bft_result bft_clip_grad_norm_coef(bft_model *m, float max_norm, float *total_norm, float *coef);

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
/* The same update with every gradient multiplied by grad_scale first (in float, as
   bft_clip_grad_norm scales them): see bft_clip_grad_norm_coef. */
BERTFT_DEF void bft_adamw_step_scaled(bft_adamw *o, bft_model *m, double lr, float grad_scale);
BERTFT_DEF void bft_adamw_free(bft_adamw *o);

typedef enum bft_schedule { BFT_SCHED_LINEAR = 0, BFT_SCHED_CONSTANT = 1,
                            BFT_SCHED_CONSTANT_WITH_WARMUP = 2 } bft_schedule;
/* The learning rate for optimizer step `step` (0-based), as HF's get_*_schedule_with_warmup. */
BERTFT_DEF double bft_lr_at(bft_schedule s, double base_lr, int64_t step, int64_t warmup_steps,
                            int64_t total_steps);

/* ------------------------------------------------------------------------------------------ */
/* 7. Data and collator                                                                        */
/* ------------------------------------------------------------------------------------------ */
/* A labelled text dataset, as HF `datasets` holds a GLUE split or a run_glue --train_file:
   one or two texts and a label per example. Everything is owned by the dataset
   (bft_dataset_free). Labels are class ids stored as floats (0, 1, ...), target values for
   regression, or -1 where the split has no labels (GLUE test splits), as HF does. */
typedef struct bft_dataset {
    int n;
    char **text_a;                /* n strings (UTF-8, as in the file) */
    char **text_b;                /* n strings, or NULL for single-sentence data */
    float *labels;                /* n values */
    int num_labels;               /* 1 for regression */
    char **label_names;           /* num_labels names (HF's ClassLabel names / run_glue's label_list) */
    int is_regression;
    int has_labels;               /* 0 when the file had no label column (labels are all -1) */
    char *task;                   /* HF task name ("mrpc") or NULL for user files */
} bft_dataset;

/* What `evaluate.load("glue", task)` and `datasets.load_dataset("glue", task)` define for a task. */
typedef struct bft_task_info {
    const char *name;             /* HF config name: "cola", "sst2", "mrpc", "qqp", "stsb", "mnli", ... */
    const char *folder;           /* classic glue_data folder: "CoLA", "SST-2", "STS-B", ... */
    int num_labels;               /* 1 = regression */
    int is_regression;
    const char *const *label_names;
    const char *metrics[2];       /* HF metric names, NULL-padded ("accuracy", "f1") */
    const char *train_file, *dev_file, *test_file;  /* in the folder; MNLI: the matched files */
    const char *dev_mm_file, *test_mm_file;         /* MNLI mismatched files, else NULL */
    const char *col_a, *col_b, *col_label;          /* header names (col_b NULL: single sentence) */
} bft_task_info;

/* The task named `name` (HF names, case-insensitive, or the folder spelling "STS-B", "SST-2",
   "mnli_matched"/"mnli_mismatched"), or NULL (and bft_last_error() lists the known names). */
BERTFT_DEF const bft_task_info *bft_glue_task_info(const char *name);
/* Read one split of a GLUE task from the classic glue_data layout. `data_dir` is the task folder
   (../shared/data/glue/MRPC) or the glue root holding it. `split`: "train", "validation" or
   "dev", "test"; MNLI also "validation_matched", "validation_mismatched", "test_matched",
   "test_mismatched" (plain "validation"/"test" mean matched). TSV, TAB-split, no quoting. */
BERTFT_DEF bft_result bft_glue_load(bft_dataset *d, const char *task, const char *data_dir,
                                    const char *split);
/* Read a user data file as run_glue's --train_file/--validation_file/--test_file: .csv (RFC 4180,
   header row), .json/.jsonl (JSON lines, or one JSON array of objects), .tsv (header, TAB-split).
   Text columns: sentence1+sentence2 when both exist, else the first two non-"label" columns,
   else the only one. With `ref` NULL (the training file) the label list is built as run_glue does:
   numbers with a fraction/exponent => regression; otherwise sorted(set(labels)) (numeric order
   for integers, byte order = Python's order for strings). With `ref` (validation/test files) its
   label list is reused and unknown labels are errors. A missing label column gives labels -1. */
BERTFT_DEF bft_result bft_dataset_load_file(bft_dataset *d, const char *path, const bft_dataset *ref);
BERTFT_DEF void bft_dataset_free(bft_dataset *d);

/* A padded batch (DataCollatorWithPadding): right padding, [batch_size, seq_len] row-major.
   Buffers are reused by the next bft_collate on the same struct; zero it before first use. */
typedef struct bft_padded_batch {
    int batch_size, seq_len;
    int32_t *input_ids;           /* pad_id in the padding */
    int32_t *token_type_ids;      /* 0 in the padding */
    int32_t *attention_mask;      /* 1 real token, 0 padding */
    float *labels;                /* batch_size labels, or NULL when none were given */
    size_t cap_tokens;            /* allocated sizes (private) */
    int cap_rows;
} bft_padded_batch;

/* Gather sequences idx[0..count) of `e` into `out`. seq_len = the longest of them, or
   max_length when max_length > 0 (--pad_to_max_length; a longer sequence is an error), then
   rounded up to a multiple of pad_to_multiple_of when > 0. `labels` (dataset order) may be NULL. */
BERTFT_DEF bft_result bft_collate(bft_padded_batch *out, const bft_encoded *e, const int *idx, int count,
                                  int32_t pad_id, int pad_to_multiple_of, int max_length,
                                  const float *labels);
/* The batch as the model takes it (pointers into `b`). */
BERTFT_DEF bft_batch bft_padded_batch_view(const bft_padded_batch *b);
BERTFT_DEF void bft_padded_batch_free(bft_padded_batch *b);

/* Example order for one epoch into order[0..n). shuffle = 0: 0, 1, ..., n-1 (SequentialSampler,
   used for evaluation). shuffle = 1: a uniform random permutation (Fisher-Yates) drawn from the
   library's generator seeded with (seed, epoch): reproducible and different each epoch, but NOT
   the order torch.randperm gives for the same seed (torch's Mersenne-Twister stream cannot be
   reproduced here). */
BERTFT_DEF bft_result bft_sampler_order(int *order, int n, int shuffle, uint64_t seed, int64_t epoch);
/* HF's LengthGroupedSampler (--group_by_length): a random permutation split into megabatches of
   mega_batch_mult * batch_size (mult = min(n / (4 * batch_size), 50), at least 1), each sorted by
   length, longest first (stable), and the longest megabatch head swapped to the front so the first
   batch is the longest (an early out-of-memory). lengths[i] = tokens of example i. batch_size is
   HF's train_batch_size * gradient_accumulation_steps. Same RNG caveat as bft_sampler_order. */
BERTFT_DEF bft_result bft_length_grouped_order(int *order, const int *lengths, int n, int batch_size,
                                               uint64_t seed, int64_t epoch);
/* lengths[i] = e->offsets[i+1] - e->offsets[i], for bft_length_grouped_order. */
BERTFT_DEF void bft_encoded_lengths(const bft_encoded *e, int *lengths);
/* Batches in an epoch of n examples: ceil(n / batch_size), or floor with drop_last. */
BERTFT_DEF int64_t bft_num_batches(int64_t n, int batch_size, int drop_last);

/* ------------------------------------------------------------------------------------------ */
/* 8. Metrics                                                                                  */
/* ------------------------------------------------------------------------------------------ */
#define BFT_MAX_METRICS 4
typedef struct bft_metrics {
    int n;                                    /* number of (name, value) pairs */
    const char *names[BFT_MAX_METRICS];       /* HF names: "accuracy", "f1", "combined_score", ... */
    double values[BFT_MAX_METRICS];
    int collapsed;       /* 1 when every prediction is the same class (or, for regression, the same value) */
    int collapsed_class; /* that class (classification), else -1 */
} bft_metrics;

/* run_glue's compute_metrics: predictions = argmax over num_labels logits (first maximum, a NaN
   counts as the maximum, like np.argmax) or logits[i] itself when num_labels == 1; then
   evaluate.load("glue", task): mrpc/qqp accuracy+f1, stsb pearson+spearmanr, cola
   matthews_correlation, others accuracy. task NULL (user files): "mse" for regression, else
   "accuracy". With more than one metric "combined_score" (their mean) is added, as run_glue does.
   labels: class ids (must be in [0, num_labels)) or regression targets. */
BERTFT_DEF bft_result bft_glue_metrics(const char *task, const float *logits, int n, int num_labels,
                                       const float *labels, bft_metrics *out);
/* The value of metric `name` in `m`, or NAN. */
BERTFT_DEF double bft_metrics_get(const bft_metrics *m, const char *name);
/* The single metrics, sklearn/scipy semantics, in double. */
BERTFT_DEF int bft_argmax(const float *x, int n);
BERTFT_DEF double bft_metric_accuracy(const int *pred, const int *labels, int n);
/* Binary F1 of class 1; 0 when there is no true or predicted positive (zero_division). */
BERTFT_DEF double bft_metric_f1(const int *pred, const int *labels, int n);
/* Multi-class Matthews correlation (sklearn's formula); 0 when the denominator is 0. */
BERTFT_DEF double bft_metric_matthews(const int *pred, const int *labels, int n, int num_classes);
/* Pearson r; NAN when either input is constant (scipy). */
BERTFT_DEF double bft_metric_pearson(const float *x, const float *y, int n);
/* Spearman rho: Pearson of average ranks (ties get the mean rank, scipy's rankdata). */
BERTFT_DEF double bft_metric_spearman(const float *x, const float *y, int n);
BERTFT_DEF double bft_metric_mse(const float *pred, const float *labels, int n);

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
    int bf16;                          /* 0; 1: bf16 mixed precision (HF --bf16): m->precision = BFT_BF16 */
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
    int jsonl_written;                 /* trainer_log.jsonl holds jsonl[]: append from now on */
    struct bft_tb *tb;                 /* TensorBoard writer (section 11) */
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
/* 11. Logging (TensorBoard)                                                                   */
/* ------------------------------------------------------------------------------------------ */
/* A TensorBoard event file writer, like tensorboard's EventFileWriter (what HF's
   TensorBoardCallback writes through torch's SummaryWriter): the file
   logdir/events.out.tfevents.<unix time>.<hostname>.<pid>.<n> holds TFRecords (length, masked
   CRC32C of the length, an Event protobuf, masked CRC32C of it). The first Event is
   file_version "brain.Event:2"; each scalar is Event{wall_time, step, summary{value{tag,
   simple_value}}}. Every record is flushed at once, so a crash loses nothing written. */
typedef struct bft_tb bft_tb;
BERTFT_DEF bft_result bft_tb_open(bft_tb **w, const char *logdir);
/* Tags as HF writes them: "train/loss", "train/learning_rate", "eval/accuracy", ... */
BERTFT_DEF bft_result bft_tb_scalar(bft_tb *w, const char *tag, float value, int64_t step);
BERTFT_DEF bft_result bft_tb_flush(bft_tb *w);
/* Path of the event file (owned by the writer). */
BERTFT_DEF const char *bft_tb_path(const bft_tb *w);
BERTFT_DEF bft_result bft_tb_close(bft_tb *w);
/* CRC32C (Castagnoli) of data, continuing from crc (0 to start); TFRecord's masked form. */
BERTFT_DEF uint32_t bft_crc32c(uint32_t crc, const void *data, size_t n);
BERTFT_DEF uint32_t bft_crc32c_masked(const void *data, size_t n);

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
#define BFT__INLINE static inline __attribute__((always_inline)) /* must inline for `omp simd` loops */
#else
#define BFT__PRINTF(a, b)
#define BFT__UNUSED
#define BFT__INLINE static
#endif

#define BFT__PRAGMA(x) _Pragma(#x)
#ifdef _OPENMP
#define BFT__OMP(x) BFT__PRAGMA(omp x)
#else
#define BFT__OMP(x)
#endif
/* Fully unrolls the next loop (GCC, clang), so that arrays it indexes by the loop counter can live
   in registers (the GEMM packs' 16 x 16 transposes). Not under AddressSanitizer: there the
   unrolled packs made clang's fuzzing builds of this header take minutes longer, for speed nobody
   measures; nor under nvcc, whose front end does not know the pragma. */
#if defined(__SANITIZE_ADDRESS__) || defined(__CUDACC__)
#define BFT__NO_UNROLL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BFT__NO_UNROLL 1
#endif
#endif
#if (defined(__GNUC__) || defined(__clang__)) && !defined(BFT__NO_UNROLL)
#define BFT__UNROLL(n) BFT__PRAGMA(GCC unroll n)
#else
#define BFT__UNROLL(n)
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
/* n floats on a 64-byte boundary (zeroed when `zero`), freed with bft__free64: malloc aligns
   large blocks to 16 bytes only, and then every AVX-512 row access of the parameters and
   gradients straddles two cache lines. The distance back to malloc's block sits in the byte
   just before the array. */
static float *bft__alloc64(size_t n, int zero)
{
    unsigned char *raw, *p;
    if (n > (SIZE_MAX - 64) / sizeof(float)) return NULL;
    if (!(raw = (unsigned char *)bft__malloc(n * sizeof(float) + 64))) return NULL;
    p = (unsigned char *)(((uintptr_t)raw + 64) & ~(uintptr_t)63);
    p[-1] = (unsigned char)(p - raw);
    if (zero) memset(p, 0, n * sizeof(float));
    return (float *)p;
}
static void bft__free64(float *p)
{
    if (p) bft_free((unsigned char *)p - ((unsigned char *)p)[-1]);
}

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
    BFT__NEED(c->num_labels >= 1 && c->num_labels <= 1000000, "%s: num_labels must be in [1, 1000000], got %d", n,
              c->num_labels); /* a hostile 767444444 would write gigabytes of id2label */
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


/* ------------------------------------------------------------------------------------------ */
/* 2. Tokenizer                                                                                */
/* ------------------------------------------------------------------------------------------ */
/* The fast BERT tokenizer is a pipeline (HF tokenizers): split off the special tokens written in
   the raw text; BertNormalizer (clean-up, CJK spacing, NFD minus nonspacing marks, lowercase);
   BertPreTokenizer (split on whitespace, isolate punctuation); WordPiece (greedy longest match);
   TemplateProcessing ([CLS] A [SEP] B [SEP]) after truncation. Each step below follows the Rust
   code, including which Unicode version each of its tables comes from (see the generated tables below). */
/* BEGIN GENERATED UNICODE TABLES: tools/update_unicode_tables.sh rewrites everything up to the END line */
/* Unicode tables - GENERATED by tools/gen_unicode.c from the Unicode Character Database
   (UnicodeData.txt, SpecialCasing.txt, DerivedAge.txt) as HF tokenizers sees it: general
   categories of Unicode 8.0, NFD of Unicode 9.0, lowercase of the files' version.
   Do not edit; regenerate (see tools/gen_unicode.c). */

/* Ranges of code points with their class: 1 = other (Cc Cf Co Cs), 2 = punctuation (P*),
   4 = nonspacing mark (Mn). Code points in no range are letters, digits, symbols, ... */
static const uint32_t bft__u_class_ranges[][3] = {
{0x0,0x1F,1},{0x21,0x23,2},{0x25,0x2A,2},{0x2C,0x2F,2},{0x3A,0x3B,2},{0x3F,0x40,2},
{0x5B,0x5D,2},{0x5F,0x5F,2},{0x7B,0x7B,2},{0x7D,0x7D,2},{0x7F,0x9F,1},{0xA1,0xA1,2},
{0xA7,0xA7,2},{0xAB,0xAB,2},{0xAD,0xAD,1},{0xB6,0xB7,2},{0xBB,0xBB,2},{0xBF,0xBF,2},
{0x300,0x36F,4},{0x37E,0x37E,2},{0x387,0x387,2},{0x483,0x487,4},{0x55A,0x55F,2},{0x589,0x58A,2},
{0x591,0x5BD,4},{0x5BE,0x5BE,2},{0x5BF,0x5BF,4},{0x5C0,0x5C0,2},{0x5C1,0x5C2,4},{0x5C3,0x5C3,2},
{0x5C4,0x5C5,4},{0x5C6,0x5C6,2},{0x5C7,0x5C7,4},{0x5F3,0x5F4,2},{0x600,0x605,1},{0x609,0x60A,2},
{0x60C,0x60D,2},{0x610,0x61A,4},{0x61B,0x61B,2},{0x61C,0x61C,1},{0x61E,0x61F,2},{0x64B,0x65F,4},
{0x66A,0x66D,2},{0x670,0x670,4},{0x6D4,0x6D4,2},{0x6D6,0x6DC,4},{0x6DD,0x6DD,1},{0x6DF,0x6E4,4},
{0x6E7,0x6E8,4},{0x6EA,0x6ED,4},{0x700,0x70D,2},{0x70F,0x70F,1},{0x711,0x711,4},{0x730,0x74A,4},
{0x7A6,0x7B0,4},{0x7EB,0x7F3,4},{0x7F7,0x7F9,2},{0x816,0x819,4},{0x81B,0x823,4},{0x825,0x827,4},
{0x829,0x82D,4},{0x830,0x83E,2},{0x859,0x85B,4},{0x85E,0x85E,2},{0x8E3,0x902,4},{0x93A,0x93A,4},
{0x93C,0x93C,4},{0x941,0x948,4},{0x94D,0x94D,4},{0x951,0x957,4},{0x962,0x963,4},{0x964,0x965,2},
{0x970,0x970,2},{0x981,0x981,4},{0x9BC,0x9BC,4},{0x9C1,0x9C4,4},{0x9CD,0x9CD,4},{0x9E2,0x9E3,4},
{0xA01,0xA02,4},{0xA3C,0xA3C,4},{0xA41,0xA42,4},{0xA47,0xA48,4},{0xA4B,0xA4D,4},{0xA51,0xA51,4},
{0xA70,0xA71,4},{0xA75,0xA75,4},{0xA81,0xA82,4},{0xABC,0xABC,4},{0xAC1,0xAC5,4},{0xAC7,0xAC8,4},
{0xACD,0xACD,4},{0xAE2,0xAE3,4},{0xAF0,0xAF0,2},{0xB01,0xB01,4},{0xB3C,0xB3C,4},{0xB3F,0xB3F,4},
{0xB41,0xB44,4},{0xB4D,0xB4D,4},{0xB56,0xB56,4},{0xB62,0xB63,4},{0xB82,0xB82,4},{0xBC0,0xBC0,4},
{0xBCD,0xBCD,4},{0xC00,0xC00,4},{0xC3E,0xC40,4},{0xC46,0xC48,4},{0xC4A,0xC4D,4},{0xC55,0xC56,4},
{0xC62,0xC63,4},{0xC81,0xC81,4},{0xCBC,0xCBC,4},{0xCBF,0xCBF,4},{0xCC6,0xCC6,4},{0xCCC,0xCCD,4},
{0xCE2,0xCE3,4},{0xD01,0xD01,4},{0xD41,0xD44,4},{0xD4D,0xD4D,4},{0xD62,0xD63,4},{0xDCA,0xDCA,4},
{0xDD2,0xDD4,4},{0xDD6,0xDD6,4},{0xDF4,0xDF4,2},{0xE31,0xE31,4},{0xE34,0xE3A,4},{0xE47,0xE4E,4},
{0xE4F,0xE4F,2},{0xE5A,0xE5B,2},{0xEB1,0xEB1,4},{0xEB4,0xEB9,4},{0xEBB,0xEBC,4},{0xEC8,0xECD,4},
{0xF04,0xF12,2},{0xF14,0xF14,2},{0xF18,0xF19,4},{0xF35,0xF35,4},{0xF37,0xF37,4},{0xF39,0xF39,4},
{0xF3A,0xF3D,2},{0xF71,0xF7E,4},{0xF80,0xF84,4},{0xF85,0xF85,2},{0xF86,0xF87,4},{0xF8D,0xF97,4},
{0xF99,0xFBC,4},{0xFC6,0xFC6,4},{0xFD0,0xFD4,2},{0xFD9,0xFDA,2},{0x102D,0x1030,4},{0x1032,0x1037,4},
{0x1039,0x103A,4},{0x103D,0x103E,4},{0x104A,0x104F,2},{0x1058,0x1059,4},{0x105E,0x1060,4},{0x1071,0x1074,4},
{0x1082,0x1082,4},{0x1085,0x1086,4},{0x108D,0x108D,4},{0x109D,0x109D,4},{0x10FB,0x10FB,2},{0x135D,0x135F,4},
{0x1360,0x1368,2},{0x1400,0x1400,2},{0x166D,0x166E,2},{0x169B,0x169C,2},{0x16EB,0x16ED,2},{0x1712,0x1714,4},
{0x1732,0x1734,4},{0x1735,0x1736,2},{0x1752,0x1753,4},{0x1772,0x1773,4},{0x17B4,0x17B5,4},{0x17B7,0x17BD,4},
{0x17C6,0x17C6,4},{0x17C9,0x17D3,4},{0x17D4,0x17D6,2},{0x17D8,0x17DA,2},{0x17DD,0x17DD,4},{0x1800,0x180A,2},
{0x180B,0x180D,4},{0x180E,0x180E,1},{0x18A9,0x18A9,4},{0x1920,0x1922,4},{0x1927,0x1928,4},{0x1932,0x1932,4},
{0x1939,0x193B,4},{0x1944,0x1945,2},{0x1A17,0x1A18,4},{0x1A1B,0x1A1B,4},{0x1A1E,0x1A1F,2},{0x1A56,0x1A56,4},
{0x1A58,0x1A5E,4},{0x1A60,0x1A60,4},{0x1A62,0x1A62,4},{0x1A65,0x1A6C,4},{0x1A73,0x1A7C,4},{0x1A7F,0x1A7F,4},
{0x1AA0,0x1AA6,2},{0x1AA8,0x1AAD,2},{0x1AB0,0x1ABD,4},{0x1B00,0x1B03,4},{0x1B34,0x1B34,4},{0x1B36,0x1B3A,4},
{0x1B3C,0x1B3C,4},{0x1B42,0x1B42,4},{0x1B5A,0x1B60,2},{0x1B6B,0x1B73,4},{0x1B80,0x1B81,4},{0x1BA2,0x1BA5,4},
{0x1BA8,0x1BA9,4},{0x1BAB,0x1BAD,4},{0x1BE6,0x1BE6,4},{0x1BE8,0x1BE9,4},{0x1BED,0x1BED,4},{0x1BEF,0x1BF1,4},
{0x1BFC,0x1BFF,2},{0x1C2C,0x1C33,4},{0x1C36,0x1C37,4},{0x1C3B,0x1C3F,2},{0x1C7E,0x1C7F,2},{0x1CC0,0x1CC7,2},
{0x1CD0,0x1CD2,4},{0x1CD3,0x1CD3,2},{0x1CD4,0x1CE0,4},{0x1CE2,0x1CE8,4},{0x1CED,0x1CED,4},{0x1CF4,0x1CF4,4},
{0x1CF8,0x1CF9,4},{0x1DC0,0x1DF5,4},{0x1DFC,0x1DFF,4},{0x200B,0x200F,1},{0x2010,0x2027,2},{0x202A,0x202E,1},
{0x2030,0x2043,2},{0x2045,0x2051,2},{0x2053,0x205E,2},{0x2060,0x2064,1},{0x2066,0x206F,1},{0x207D,0x207E,2},
{0x208D,0x208E,2},{0x20D0,0x20DC,4},{0x20E1,0x20E1,4},{0x20E5,0x20F0,4},{0x2308,0x230B,2},{0x2329,0x232A,2},
{0x2768,0x2775,2},{0x27C5,0x27C6,2},{0x27E6,0x27EF,2},{0x2983,0x2998,2},{0x29D8,0x29DB,2},{0x29FC,0x29FD,2},
{0x2CEF,0x2CF1,4},{0x2CF9,0x2CFC,2},{0x2CFE,0x2CFF,2},{0x2D70,0x2D70,2},{0x2D7F,0x2D7F,4},{0x2DE0,0x2DFF,4},
{0x2E00,0x2E2E,2},{0x2E30,0x2E42,2},{0x3001,0x3003,2},{0x3008,0x3011,2},{0x3014,0x301F,2},{0x302A,0x302D,4},
{0x3030,0x3030,2},{0x303D,0x303D,2},{0x3099,0x309A,4},{0x30A0,0x30A0,2},{0x30FB,0x30FB,2},{0xA4FE,0xA4FF,2},
{0xA60D,0xA60F,2},{0xA66F,0xA66F,4},{0xA673,0xA673,2},{0xA674,0xA67D,4},{0xA67E,0xA67E,2},{0xA69E,0xA69F,4},
{0xA6F0,0xA6F1,4},{0xA6F2,0xA6F7,2},{0xA802,0xA802,4},{0xA806,0xA806,4},{0xA80B,0xA80B,4},{0xA825,0xA826,4},
{0xA874,0xA877,2},{0xA8C4,0xA8C4,4},{0xA8CE,0xA8CF,2},{0xA8E0,0xA8F1,4},{0xA8F8,0xA8FA,2},{0xA8FC,0xA8FC,2},
{0xA926,0xA92D,4},{0xA92E,0xA92F,2},{0xA947,0xA951,4},{0xA95F,0xA95F,2},{0xA980,0xA982,4},{0xA9B3,0xA9B3,4},
{0xA9B6,0xA9B9,4},{0xA9BC,0xA9BC,4},{0xA9C1,0xA9CD,2},{0xA9DE,0xA9DF,2},{0xA9E5,0xA9E5,4},{0xAA29,0xAA2E,4},
{0xAA31,0xAA32,4},{0xAA35,0xAA36,4},{0xAA43,0xAA43,4},{0xAA4C,0xAA4C,4},{0xAA5C,0xAA5F,2},{0xAA7C,0xAA7C,4},
{0xAAB0,0xAAB0,4},{0xAAB2,0xAAB4,4},{0xAAB7,0xAAB8,4},{0xAABE,0xAABF,4},{0xAAC1,0xAAC1,4},{0xAADE,0xAADF,2},
{0xAAEC,0xAAED,4},{0xAAF0,0xAAF1,2},{0xAAF6,0xAAF6,4},{0xABE5,0xABE5,4},{0xABE8,0xABE8,4},{0xABEB,0xABEB,2},
{0xABED,0xABED,4},{0xD800,0xF8FF,1},{0xFB1E,0xFB1E,4},{0xFD3E,0xFD3F,2},{0xFE00,0xFE0F,4},{0xFE10,0xFE19,2},
{0xFE20,0xFE2F,4},{0xFE30,0xFE52,2},{0xFE54,0xFE61,2},{0xFE63,0xFE63,2},{0xFE68,0xFE68,2},{0xFE6A,0xFE6B,2},
{0xFEFF,0xFEFF,1},{0xFF01,0xFF03,2},{0xFF05,0xFF0A,2},{0xFF0C,0xFF0F,2},{0xFF1A,0xFF1B,2},{0xFF1F,0xFF20,2},
{0xFF3B,0xFF3D,2},{0xFF3F,0xFF3F,2},{0xFF5B,0xFF5B,2},{0xFF5D,0xFF5D,2},{0xFF5F,0xFF65,2},{0xFFF9,0xFFFB,1},
{0x10100,0x10102,2},{0x101FD,0x101FD,4},{0x102E0,0x102E0,4},{0x10376,0x1037A,4},{0x1039F,0x1039F,2},{0x103D0,0x103D0,2},
{0x1056F,0x1056F,2},{0x10857,0x10857,2},{0x1091F,0x1091F,2},{0x1093F,0x1093F,2},{0x10A01,0x10A03,4},{0x10A05,0x10A06,4},
{0x10A0C,0x10A0F,4},{0x10A38,0x10A3A,4},{0x10A3F,0x10A3F,4},{0x10A50,0x10A58,2},{0x10A7F,0x10A7F,2},{0x10AE5,0x10AE6,4},
{0x10AF0,0x10AF6,2},{0x10B39,0x10B3F,2},{0x10B99,0x10B9C,2},{0x11001,0x11001,4},{0x11038,0x11046,4},{0x11047,0x1104D,2},
{0x1107F,0x11081,4},{0x110B3,0x110B6,4},{0x110B9,0x110BA,4},{0x110BB,0x110BC,2},{0x110BD,0x110BD,1},{0x110BE,0x110C1,2},
{0x11100,0x11102,4},{0x11127,0x1112B,4},{0x1112D,0x11134,4},{0x11140,0x11143,2},{0x11173,0x11173,4},{0x11174,0x11175,2},
{0x11180,0x11181,4},{0x111B6,0x111BE,4},{0x111C5,0x111C9,2},{0x111CA,0x111CC,4},{0x111CD,0x111CD,2},{0x111DB,0x111DB,2},
{0x111DD,0x111DF,2},{0x1122F,0x11231,4},{0x11234,0x11234,4},{0x11236,0x11237,4},{0x11238,0x1123D,2},{0x112A9,0x112A9,2},
{0x112DF,0x112DF,4},{0x112E3,0x112EA,4},{0x11300,0x11301,4},{0x1133C,0x1133C,4},{0x11340,0x11340,4},{0x11366,0x1136C,4},
{0x11370,0x11374,4},{0x114B3,0x114B8,4},{0x114BA,0x114BA,4},{0x114BF,0x114C0,4},{0x114C2,0x114C3,4},{0x114C6,0x114C6,2},
{0x115B2,0x115B5,4},{0x115BC,0x115BD,4},{0x115BF,0x115C0,4},{0x115C1,0x115D7,2},{0x115DC,0x115DD,4},{0x11633,0x1163A,4},
{0x1163D,0x1163D,4},{0x1163F,0x11640,4},{0x11641,0x11643,2},{0x116AB,0x116AB,4},{0x116AD,0x116AD,4},{0x116B0,0x116B5,4},
{0x116B7,0x116B7,4},{0x1171D,0x1171F,4},{0x11722,0x11725,4},{0x11727,0x1172B,4},{0x1173C,0x1173E,2},{0x12470,0x12474,2},
{0x16A6E,0x16A6F,2},{0x16AF0,0x16AF4,4},{0x16AF5,0x16AF5,2},{0x16B30,0x16B36,4},{0x16B37,0x16B3B,2},{0x16B44,0x16B44,2},
{0x16F8F,0x16F92,4},{0x1BC9D,0x1BC9E,4},{0x1BC9F,0x1BC9F,2},{0x1BCA0,0x1BCA3,1},{0x1D167,0x1D169,4},{0x1D173,0x1D17A,1},
{0x1D17B,0x1D182,4},{0x1D185,0x1D18B,4},{0x1D1AA,0x1D1AD,4},{0x1D242,0x1D244,4},{0x1DA00,0x1DA36,4},{0x1DA3B,0x1DA6C,4},
{0x1DA75,0x1DA75,4},{0x1DA84,0x1DA84,4},{0x1DA87,0x1DA8B,2},{0x1DA9B,0x1DA9F,4},{0x1DAA1,0x1DAAF,4},{0x1E8D0,0x1E8D6,4},
{0xE0001,0xE0001,1},{0xE0020,0xE007F,1},{0xE0100,0xE01EF,4},{0xF0000,0xFFFFD,1},{0x100000,0x10FFFD,1},};

/* Canonical combining class of the code points where it is not 0: {lo, hi, ccc}. */
static const uint32_t bft__u_ccc_ranges[][3] = {
{0x300,0x314,230},{0x315,0x315,232},{0x316,0x319,220},{0x31A,0x31A,232},{0x31B,0x31B,216},{0x31C,0x320,220},
{0x321,0x322,202},{0x323,0x326,220},{0x327,0x328,202},{0x329,0x333,220},{0x334,0x338,1},{0x339,0x33C,220},
{0x33D,0x344,230},{0x345,0x345,240},{0x346,0x346,230},{0x347,0x349,220},{0x34A,0x34C,230},{0x34D,0x34E,220},
{0x350,0x352,230},{0x353,0x356,220},{0x357,0x357,230},{0x358,0x358,232},{0x359,0x35A,220},{0x35B,0x35B,230},
{0x35C,0x35C,233},{0x35D,0x35E,234},{0x35F,0x35F,233},{0x360,0x361,234},{0x362,0x362,233},{0x363,0x36F,230},
{0x483,0x487,230},{0x591,0x591,220},{0x592,0x595,230},{0x596,0x596,220},{0x597,0x599,230},{0x59A,0x59A,222},
{0x59B,0x59B,220},{0x59C,0x5A1,230},{0x5A2,0x5A7,220},{0x5A8,0x5A9,230},{0x5AA,0x5AA,220},{0x5AB,0x5AC,230},
{0x5AD,0x5AD,222},{0x5AE,0x5AE,228},{0x5AF,0x5AF,230},{0x5B0,0x5B0,10},{0x5B1,0x5B1,11},{0x5B2,0x5B2,12},
{0x5B3,0x5B3,13},{0x5B4,0x5B4,14},{0x5B5,0x5B5,15},{0x5B6,0x5B6,16},{0x5B7,0x5B7,17},{0x5B8,0x5B8,18},
{0x5B9,0x5BA,19},{0x5BB,0x5BB,20},{0x5BC,0x5BC,21},{0x5BD,0x5BD,22},{0x5BF,0x5BF,23},{0x5C1,0x5C1,24},
{0x5C2,0x5C2,25},{0x5C4,0x5C4,230},{0x5C5,0x5C5,220},{0x5C7,0x5C7,18},{0x610,0x617,230},{0x618,0x618,30},
{0x619,0x619,31},{0x61A,0x61A,32},{0x64B,0x64B,27},{0x64C,0x64C,28},{0x64D,0x64D,29},{0x64E,0x64E,30},
{0x64F,0x64F,31},{0x650,0x650,32},{0x651,0x651,33},{0x652,0x652,34},{0x653,0x654,230},{0x655,0x656,220},
{0x657,0x65B,230},{0x65C,0x65C,220},{0x65D,0x65E,230},{0x65F,0x65F,220},{0x670,0x670,35},{0x6D6,0x6DC,230},
{0x6DF,0x6E2,230},{0x6E3,0x6E3,220},{0x6E4,0x6E4,230},{0x6E7,0x6E8,230},{0x6EA,0x6EA,220},{0x6EB,0x6EC,230},
{0x6ED,0x6ED,220},{0x711,0x711,36},{0x730,0x730,230},{0x731,0x731,220},{0x732,0x733,230},{0x734,0x734,220},
{0x735,0x736,230},{0x737,0x739,220},{0x73A,0x73A,230},{0x73B,0x73C,220},{0x73D,0x73D,230},{0x73E,0x73E,220},
{0x73F,0x741,230},{0x742,0x742,220},{0x743,0x743,230},{0x744,0x744,220},{0x745,0x745,230},{0x746,0x746,220},
{0x747,0x747,230},{0x748,0x748,220},{0x749,0x74A,230},{0x7EB,0x7F1,230},{0x7F2,0x7F2,220},{0x7F3,0x7F3,230},
{0x816,0x819,230},{0x81B,0x823,230},{0x825,0x827,230},{0x829,0x82D,230},{0x859,0x85B,220},{0x8D4,0x8E1,230},
{0x8E3,0x8E3,220},{0x8E4,0x8E5,230},{0x8E6,0x8E6,220},{0x8E7,0x8E8,230},{0x8E9,0x8E9,220},{0x8EA,0x8EC,230},
{0x8ED,0x8EF,220},{0x8F0,0x8F0,27},{0x8F1,0x8F1,28},{0x8F2,0x8F2,29},{0x8F3,0x8F5,230},{0x8F6,0x8F6,220},
{0x8F7,0x8F8,230},{0x8F9,0x8FA,220},{0x8FB,0x8FF,230},{0x93C,0x93C,7},{0x94D,0x94D,9},{0x951,0x951,230},
{0x952,0x952,220},{0x953,0x954,230},{0x9BC,0x9BC,7},{0x9CD,0x9CD,9},{0xA3C,0xA3C,7},{0xA4D,0xA4D,9},
{0xABC,0xABC,7},{0xACD,0xACD,9},{0xB3C,0xB3C,7},{0xB4D,0xB4D,9},{0xBCD,0xBCD,9},{0xC4D,0xC4D,9},
{0xC55,0xC55,84},{0xC56,0xC56,91},{0xCBC,0xCBC,7},{0xCCD,0xCCD,9},{0xD4D,0xD4D,9},{0xDCA,0xDCA,9},
{0xE38,0xE39,103},{0xE3A,0xE3A,9},{0xE48,0xE4B,107},{0xEB8,0xEB9,118},{0xEC8,0xECB,122},{0xF18,0xF19,220},
{0xF35,0xF35,220},{0xF37,0xF37,220},{0xF39,0xF39,216},{0xF71,0xF71,129},{0xF72,0xF72,130},{0xF74,0xF74,132},
{0xF7A,0xF7D,130},{0xF80,0xF80,130},{0xF82,0xF83,230},{0xF84,0xF84,9},{0xF86,0xF87,230},{0xFC6,0xFC6,220},
{0x1037,0x1037,7},{0x1039,0x103A,9},{0x108D,0x108D,220},{0x135D,0x135F,230},{0x1714,0x1714,9},{0x1734,0x1734,9},
{0x17D2,0x17D2,9},{0x17DD,0x17DD,230},{0x18A9,0x18A9,228},{0x1939,0x1939,222},{0x193A,0x193A,230},{0x193B,0x193B,220},
{0x1A17,0x1A17,230},{0x1A18,0x1A18,220},{0x1A60,0x1A60,9},{0x1A75,0x1A7C,230},{0x1A7F,0x1A7F,220},{0x1AB0,0x1AB4,230},
{0x1AB5,0x1ABA,220},{0x1ABB,0x1ABC,230},{0x1ABD,0x1ABD,220},{0x1B34,0x1B34,7},{0x1B44,0x1B44,9},{0x1B6B,0x1B6B,230},
{0x1B6C,0x1B6C,220},{0x1B6D,0x1B73,230},{0x1BAA,0x1BAB,9},{0x1BE6,0x1BE6,7},{0x1BF2,0x1BF3,9},{0x1C37,0x1C37,7},
{0x1CD0,0x1CD2,230},{0x1CD4,0x1CD4,1},{0x1CD5,0x1CD9,220},{0x1CDA,0x1CDB,230},{0x1CDC,0x1CDF,220},{0x1CE0,0x1CE0,230},
{0x1CE2,0x1CE8,1},{0x1CED,0x1CED,220},{0x1CF4,0x1CF4,230},{0x1CF8,0x1CF9,230},{0x1DC0,0x1DC1,230},{0x1DC2,0x1DC2,220},
{0x1DC3,0x1DC9,230},{0x1DCA,0x1DCA,220},{0x1DCB,0x1DCC,230},{0x1DCD,0x1DCD,234},{0x1DCE,0x1DCE,214},{0x1DCF,0x1DCF,220},
{0x1DD0,0x1DD0,202},{0x1DD1,0x1DF5,230},{0x1DFB,0x1DFB,230},{0x1DFC,0x1DFC,233},{0x1DFD,0x1DFD,220},{0x1DFE,0x1DFE,230},
{0x1DFF,0x1DFF,220},{0x20D0,0x20D1,230},{0x20D2,0x20D3,1},{0x20D4,0x20D7,230},{0x20D8,0x20DA,1},{0x20DB,0x20DC,230},
{0x20E1,0x20E1,230},{0x20E5,0x20E6,1},{0x20E7,0x20E7,230},{0x20E8,0x20E8,220},{0x20E9,0x20E9,230},{0x20EA,0x20EB,1},
{0x20EC,0x20EF,220},{0x20F0,0x20F0,230},{0x2CEF,0x2CF1,230},{0x2D7F,0x2D7F,9},{0x2DE0,0x2DFF,230},{0x302A,0x302A,218},
{0x302B,0x302B,228},{0x302C,0x302C,232},{0x302D,0x302D,222},{0x302E,0x302F,224},{0x3099,0x309A,8},{0xA66F,0xA66F,230},
{0xA674,0xA67D,230},{0xA69E,0xA69F,230},{0xA6F0,0xA6F1,230},{0xA806,0xA806,9},{0xA8C4,0xA8C4,9},{0xA8E0,0xA8F1,230},
{0xA92B,0xA92D,220},{0xA953,0xA953,9},{0xA9B3,0xA9B3,7},{0xA9C0,0xA9C0,9},{0xAAB0,0xAAB0,230},{0xAAB2,0xAAB3,230},
{0xAAB4,0xAAB4,220},{0xAAB7,0xAAB8,230},{0xAABE,0xAABF,230},{0xAAC1,0xAAC1,230},{0xAAF6,0xAAF6,9},{0xABED,0xABED,9},
{0xFB1E,0xFB1E,26},{0xFE20,0xFE26,230},{0xFE27,0xFE2D,220},{0xFE2E,0xFE2F,230},{0x101FD,0x101FD,220},{0x102E0,0x102E0,220},
{0x10376,0x1037A,230},{0x10A0D,0x10A0D,220},{0x10A0F,0x10A0F,230},{0x10A38,0x10A38,230},{0x10A39,0x10A39,1},{0x10A3A,0x10A3A,220},
{0x10A3F,0x10A3F,9},{0x10AE5,0x10AE5,230},{0x10AE6,0x10AE6,220},{0x11046,0x11046,9},{0x1107F,0x1107F,9},{0x110B9,0x110B9,9},
{0x110BA,0x110BA,7},{0x11100,0x11102,230},{0x11133,0x11134,9},{0x11173,0x11173,7},{0x111C0,0x111C0,9},{0x111CA,0x111CA,7},
{0x11235,0x11235,9},{0x11236,0x11236,7},{0x112E9,0x112E9,7},{0x112EA,0x112EA,9},{0x1133C,0x1133C,7},{0x1134D,0x1134D,9},
{0x11366,0x1136C,230},{0x11370,0x11374,230},{0x11442,0x11442,9},{0x11446,0x11446,7},{0x114C2,0x114C2,9},{0x114C3,0x114C3,7},
{0x115BF,0x115BF,9},{0x115C0,0x115C0,7},{0x1163F,0x1163F,9},{0x116B6,0x116B6,9},{0x116B7,0x116B7,7},{0x1172B,0x1172B,9},
{0x11C3F,0x11C3F,9},{0x16AF0,0x16AF4,1},{0x16B30,0x16B36,230},{0x1BC9E,0x1BC9E,1},{0x1D165,0x1D166,216},{0x1D167,0x1D169,1},
{0x1D16D,0x1D16D,226},{0x1D16E,0x1D172,216},{0x1D17B,0x1D182,220},{0x1D185,0x1D189,230},{0x1D18A,0x1D18B,220},{0x1D1AA,0x1D1AD,230},
{0x1D242,0x1D244,230},{0x1E000,0x1E006,230},{0x1E008,0x1E018,230},{0x1E01B,0x1E021,230},{0x1E023,0x1E024,230},{0x1E026,0x1E02A,230},
{0x1E8D0,0x1E8D6,220},{0x1E944,0x1E949,230},{0x1E94A,0x1E94A,7},};

/* Full canonical decomposition (NFD, applied recursively; Hangul syllables are computed):
   {cp, offset into bft__u_decomp_pool, length}, sorted by cp. */
static const uint32_t bft__u_decomp_index[][3] = {
{0xC0,0,2},{0xC1,2,2},{0xC2,4,2},{0xC3,6,2},{0xC4,8,2},{0xC5,10,2},
{0xC7,12,2},{0xC8,14,2},{0xC9,16,2},{0xCA,18,2},{0xCB,20,2},{0xCC,22,2},
{0xCD,24,2},{0xCE,26,2},{0xCF,28,2},{0xD1,30,2},{0xD2,32,2},{0xD3,34,2},
{0xD4,36,2},{0xD5,38,2},{0xD6,40,2},{0xD9,42,2},{0xDA,44,2},{0xDB,46,2},
{0xDC,48,2},{0xDD,50,2},{0xE0,52,2},{0xE1,54,2},{0xE2,56,2},{0xE3,58,2},
{0xE4,60,2},{0xE5,62,2},{0xE7,64,2},{0xE8,66,2},{0xE9,68,2},{0xEA,70,2},
{0xEB,72,2},{0xEC,74,2},{0xED,76,2},{0xEE,78,2},{0xEF,80,2},{0xF1,82,2},
{0xF2,84,2},{0xF3,86,2},{0xF4,88,2},{0xF5,90,2},{0xF6,92,2},{0xF9,94,2},
{0xFA,96,2},{0xFB,98,2},{0xFC,100,2},{0xFD,102,2},{0xFF,104,2},{0x100,106,2},
{0x101,108,2},{0x102,110,2},{0x103,112,2},{0x104,114,2},{0x105,116,2},{0x106,118,2},
{0x107,120,2},{0x108,122,2},{0x109,124,2},{0x10A,126,2},{0x10B,128,2},{0x10C,130,2},
{0x10D,132,2},{0x10E,134,2},{0x10F,136,2},{0x112,138,2},{0x113,140,2},{0x114,142,2},
{0x115,144,2},{0x116,146,2},{0x117,148,2},{0x118,150,2},{0x119,152,2},{0x11A,154,2},
{0x11B,156,2},{0x11C,158,2},{0x11D,160,2},{0x11E,162,2},{0x11F,164,2},{0x120,166,2},
{0x121,168,2},{0x122,170,2},{0x123,172,2},{0x124,174,2},{0x125,176,2},{0x128,178,2},
{0x129,180,2},{0x12A,182,2},{0x12B,184,2},{0x12C,186,2},{0x12D,188,2},{0x12E,190,2},
{0x12F,192,2},{0x130,194,2},{0x134,196,2},{0x135,198,2},{0x136,200,2},{0x137,202,2},
{0x139,204,2},{0x13A,206,2},{0x13B,208,2},{0x13C,210,2},{0x13D,212,2},{0x13E,214,2},
{0x143,216,2},{0x144,218,2},{0x145,220,2},{0x146,222,2},{0x147,224,2},{0x148,226,2},
{0x14C,228,2},{0x14D,230,2},{0x14E,232,2},{0x14F,234,2},{0x150,236,2},{0x151,238,2},
{0x154,240,2},{0x155,242,2},{0x156,244,2},{0x157,246,2},{0x158,248,2},{0x159,250,2},
{0x15A,252,2},{0x15B,254,2},{0x15C,256,2},{0x15D,258,2},{0x15E,260,2},{0x15F,262,2},
{0x160,264,2},{0x161,266,2},{0x162,268,2},{0x163,270,2},{0x164,272,2},{0x165,274,2},
{0x168,276,2},{0x169,278,2},{0x16A,280,2},{0x16B,282,2},{0x16C,284,2},{0x16D,286,2},
{0x16E,288,2},{0x16F,290,2},{0x170,292,2},{0x171,294,2},{0x172,296,2},{0x173,298,2},
{0x174,300,2},{0x175,302,2},{0x176,304,2},{0x177,306,2},{0x178,308,2},{0x179,310,2},
{0x17A,312,2},{0x17B,314,2},{0x17C,316,2},{0x17D,318,2},{0x17E,320,2},{0x1A0,322,2},
{0x1A1,324,2},{0x1AF,326,2},{0x1B0,328,2},{0x1CD,330,2},{0x1CE,332,2},{0x1CF,334,2},
{0x1D0,336,2},{0x1D1,338,2},{0x1D2,340,2},{0x1D3,342,2},{0x1D4,344,2},{0x1D5,346,3},
{0x1D6,349,3},{0x1D7,352,3},{0x1D8,355,3},{0x1D9,358,3},{0x1DA,361,3},{0x1DB,364,3},
{0x1DC,367,3},{0x1DE,370,3},{0x1DF,373,3},{0x1E0,376,3},{0x1E1,379,3},{0x1E2,382,2},
{0x1E3,384,2},{0x1E6,386,2},{0x1E7,388,2},{0x1E8,390,2},{0x1E9,392,2},{0x1EA,394,2},
{0x1EB,396,2},{0x1EC,398,3},{0x1ED,401,3},{0x1EE,404,2},{0x1EF,406,2},{0x1F0,408,2},
{0x1F4,410,2},{0x1F5,412,2},{0x1F8,414,2},{0x1F9,416,2},{0x1FA,418,3},{0x1FB,421,3},
{0x1FC,424,2},{0x1FD,426,2},{0x1FE,428,2},{0x1FF,430,2},{0x200,432,2},{0x201,434,2},
{0x202,436,2},{0x203,438,2},{0x204,440,2},{0x205,442,2},{0x206,444,2},{0x207,446,2},
{0x208,448,2},{0x209,450,2},{0x20A,452,2},{0x20B,454,2},{0x20C,456,2},{0x20D,458,2},
{0x20E,460,2},{0x20F,462,2},{0x210,464,2},{0x211,466,2},{0x212,468,2},{0x213,470,2},
{0x214,472,2},{0x215,474,2},{0x216,476,2},{0x217,478,2},{0x218,480,2},{0x219,482,2},
{0x21A,484,2},{0x21B,486,2},{0x21E,488,2},{0x21F,490,2},{0x226,492,2},{0x227,494,2},
{0x228,496,2},{0x229,498,2},{0x22A,500,3},{0x22B,503,3},{0x22C,506,3},{0x22D,509,3},
{0x22E,512,2},{0x22F,514,2},{0x230,516,3},{0x231,519,3},{0x232,522,2},{0x233,524,2},
{0x340,526,1},{0x341,527,1},{0x343,528,1},{0x344,529,2},{0x374,531,1},{0x37E,532,1},
{0x385,533,2},{0x386,535,2},{0x387,537,1},{0x388,538,2},{0x389,540,2},{0x38A,542,2},
{0x38C,544,2},{0x38E,546,2},{0x38F,548,2},{0x390,550,3},{0x3AA,553,2},{0x3AB,555,2},
{0x3AC,557,2},{0x3AD,559,2},{0x3AE,561,2},{0x3AF,563,2},{0x3B0,565,3},{0x3CA,568,2},
{0x3CB,570,2},{0x3CC,572,2},{0x3CD,574,2},{0x3CE,576,2},{0x3D3,578,2},{0x3D4,580,2},
{0x400,582,2},{0x401,584,2},{0x403,586,2},{0x407,588,2},{0x40C,590,2},{0x40D,592,2},
{0x40E,594,2},{0x419,596,2},{0x439,598,2},{0x450,600,2},{0x451,602,2},{0x453,604,2},
{0x457,606,2},{0x45C,608,2},{0x45D,610,2},{0x45E,612,2},{0x476,614,2},{0x477,616,2},
{0x4C1,618,2},{0x4C2,620,2},{0x4D0,622,2},{0x4D1,624,2},{0x4D2,626,2},{0x4D3,628,2},
{0x4D6,630,2},{0x4D7,632,2},{0x4DA,634,2},{0x4DB,636,2},{0x4DC,638,2},{0x4DD,640,2},
{0x4DE,642,2},{0x4DF,644,2},{0x4E2,646,2},{0x4E3,648,2},{0x4E4,650,2},{0x4E5,652,2},
{0x4E6,654,2},{0x4E7,656,2},{0x4EA,658,2},{0x4EB,660,2},{0x4EC,662,2},{0x4ED,664,2},
{0x4EE,666,2},{0x4EF,668,2},{0x4F0,670,2},{0x4F1,672,2},{0x4F2,674,2},{0x4F3,676,2},
{0x4F4,678,2},{0x4F5,680,2},{0x4F8,682,2},{0x4F9,684,2},{0x622,686,2},{0x623,688,2},
{0x624,690,2},{0x625,692,2},{0x626,694,2},{0x6C0,696,2},{0x6C2,698,2},{0x6D3,700,2},
{0x929,702,2},{0x931,704,2},{0x934,706,2},{0x958,708,2},{0x959,710,2},{0x95A,712,2},
{0x95B,714,2},{0x95C,716,2},{0x95D,718,2},{0x95E,720,2},{0x95F,722,2},{0x9CB,724,2},
{0x9CC,726,2},{0x9DC,728,2},{0x9DD,730,2},{0x9DF,732,2},{0xA33,734,2},{0xA36,736,2},
{0xA59,738,2},{0xA5A,740,2},{0xA5B,742,2},{0xA5E,744,2},{0xB48,746,2},{0xB4B,748,2},
{0xB4C,750,2},{0xB5C,752,2},{0xB5D,754,2},{0xB94,756,2},{0xBCA,758,2},{0xBCB,760,2},
{0xBCC,762,2},{0xC48,764,2},{0xCC0,766,2},{0xCC7,768,2},{0xCC8,770,2},{0xCCA,772,2},
{0xCCB,774,3},{0xD4A,777,2},{0xD4B,779,2},{0xD4C,781,2},{0xDDA,783,2},{0xDDC,785,2},
{0xDDD,787,3},{0xDDE,790,2},{0xF43,792,2},{0xF4D,794,2},{0xF52,796,2},{0xF57,798,2},
{0xF5C,800,2},{0xF69,802,2},{0xF73,804,2},{0xF75,806,2},{0xF76,808,2},{0xF78,810,2},
{0xF81,812,2},{0xF93,814,2},{0xF9D,816,2},{0xFA2,818,2},{0xFA7,820,2},{0xFAC,822,2},
{0xFB9,824,2},{0x1026,826,2},{0x1B06,828,2},{0x1B08,830,2},{0x1B0A,832,2},{0x1B0C,834,2},
{0x1B0E,836,2},{0x1B12,838,2},{0x1B3B,840,2},{0x1B3D,842,2},{0x1B40,844,2},{0x1B41,846,2},
{0x1B43,848,2},{0x1E00,850,2},{0x1E01,852,2},{0x1E02,854,2},{0x1E03,856,2},{0x1E04,858,2},
{0x1E05,860,2},{0x1E06,862,2},{0x1E07,864,2},{0x1E08,866,3},{0x1E09,869,3},{0x1E0A,872,2},
{0x1E0B,874,2},{0x1E0C,876,2},{0x1E0D,878,2},{0x1E0E,880,2},{0x1E0F,882,2},{0x1E10,884,2},
{0x1E11,886,2},{0x1E12,888,2},{0x1E13,890,2},{0x1E14,892,3},{0x1E15,895,3},{0x1E16,898,3},
{0x1E17,901,3},{0x1E18,904,2},{0x1E19,906,2},{0x1E1A,908,2},{0x1E1B,910,2},{0x1E1C,912,3},
{0x1E1D,915,3},{0x1E1E,918,2},{0x1E1F,920,2},{0x1E20,922,2},{0x1E21,924,2},{0x1E22,926,2},
{0x1E23,928,2},{0x1E24,930,2},{0x1E25,932,2},{0x1E26,934,2},{0x1E27,936,2},{0x1E28,938,2},
{0x1E29,940,2},{0x1E2A,942,2},{0x1E2B,944,2},{0x1E2C,946,2},{0x1E2D,948,2},{0x1E2E,950,3},
{0x1E2F,953,3},{0x1E30,956,2},{0x1E31,958,2},{0x1E32,960,2},{0x1E33,962,2},{0x1E34,964,2},
{0x1E35,966,2},{0x1E36,968,2},{0x1E37,970,2},{0x1E38,972,3},{0x1E39,975,3},{0x1E3A,978,2},
{0x1E3B,980,2},{0x1E3C,982,2},{0x1E3D,984,2},{0x1E3E,986,2},{0x1E3F,988,2},{0x1E40,990,2},
{0x1E41,992,2},{0x1E42,994,2},{0x1E43,996,2},{0x1E44,998,2},{0x1E45,1000,2},{0x1E46,1002,2},
{0x1E47,1004,2},{0x1E48,1006,2},{0x1E49,1008,2},{0x1E4A,1010,2},{0x1E4B,1012,2},{0x1E4C,1014,3},
{0x1E4D,1017,3},{0x1E4E,1020,3},{0x1E4F,1023,3},{0x1E50,1026,3},{0x1E51,1029,3},{0x1E52,1032,3},
{0x1E53,1035,3},{0x1E54,1038,2},{0x1E55,1040,2},{0x1E56,1042,2},{0x1E57,1044,2},{0x1E58,1046,2},
{0x1E59,1048,2},{0x1E5A,1050,2},{0x1E5B,1052,2},{0x1E5C,1054,3},{0x1E5D,1057,3},{0x1E5E,1060,2},
{0x1E5F,1062,2},{0x1E60,1064,2},{0x1E61,1066,2},{0x1E62,1068,2},{0x1E63,1070,2},{0x1E64,1072,3},
{0x1E65,1075,3},{0x1E66,1078,3},{0x1E67,1081,3},{0x1E68,1084,3},{0x1E69,1087,3},{0x1E6A,1090,2},
{0x1E6B,1092,2},{0x1E6C,1094,2},{0x1E6D,1096,2},{0x1E6E,1098,2},{0x1E6F,1100,2},{0x1E70,1102,2},
{0x1E71,1104,2},{0x1E72,1106,2},{0x1E73,1108,2},{0x1E74,1110,2},{0x1E75,1112,2},{0x1E76,1114,2},
{0x1E77,1116,2},{0x1E78,1118,3},{0x1E79,1121,3},{0x1E7A,1124,3},{0x1E7B,1127,3},{0x1E7C,1130,2},
{0x1E7D,1132,2},{0x1E7E,1134,2},{0x1E7F,1136,2},{0x1E80,1138,2},{0x1E81,1140,2},{0x1E82,1142,2},
{0x1E83,1144,2},{0x1E84,1146,2},{0x1E85,1148,2},{0x1E86,1150,2},{0x1E87,1152,2},{0x1E88,1154,2},
{0x1E89,1156,2},{0x1E8A,1158,2},{0x1E8B,1160,2},{0x1E8C,1162,2},{0x1E8D,1164,2},{0x1E8E,1166,2},
{0x1E8F,1168,2},{0x1E90,1170,2},{0x1E91,1172,2},{0x1E92,1174,2},{0x1E93,1176,2},{0x1E94,1178,2},
{0x1E95,1180,2},{0x1E96,1182,2},{0x1E97,1184,2},{0x1E98,1186,2},{0x1E99,1188,2},{0x1E9B,1190,2},
{0x1EA0,1192,2},{0x1EA1,1194,2},{0x1EA2,1196,2},{0x1EA3,1198,2},{0x1EA4,1200,3},{0x1EA5,1203,3},
{0x1EA6,1206,3},{0x1EA7,1209,3},{0x1EA8,1212,3},{0x1EA9,1215,3},{0x1EAA,1218,3},{0x1EAB,1221,3},
{0x1EAC,1224,3},{0x1EAD,1227,3},{0x1EAE,1230,3},{0x1EAF,1233,3},{0x1EB0,1236,3},{0x1EB1,1239,3},
{0x1EB2,1242,3},{0x1EB3,1245,3},{0x1EB4,1248,3},{0x1EB5,1251,3},{0x1EB6,1254,3},{0x1EB7,1257,3},
{0x1EB8,1260,2},{0x1EB9,1262,2},{0x1EBA,1264,2},{0x1EBB,1266,2},{0x1EBC,1268,2},{0x1EBD,1270,2},
{0x1EBE,1272,3},{0x1EBF,1275,3},{0x1EC0,1278,3},{0x1EC1,1281,3},{0x1EC2,1284,3},{0x1EC3,1287,3},
{0x1EC4,1290,3},{0x1EC5,1293,3},{0x1EC6,1296,3},{0x1EC7,1299,3},{0x1EC8,1302,2},{0x1EC9,1304,2},
{0x1ECA,1306,2},{0x1ECB,1308,2},{0x1ECC,1310,2},{0x1ECD,1312,2},{0x1ECE,1314,2},{0x1ECF,1316,2},
{0x1ED0,1318,3},{0x1ED1,1321,3},{0x1ED2,1324,3},{0x1ED3,1327,3},{0x1ED4,1330,3},{0x1ED5,1333,3},
{0x1ED6,1336,3},{0x1ED7,1339,3},{0x1ED8,1342,3},{0x1ED9,1345,3},{0x1EDA,1348,3},{0x1EDB,1351,3},
{0x1EDC,1354,3},{0x1EDD,1357,3},{0x1EDE,1360,3},{0x1EDF,1363,3},{0x1EE0,1366,3},{0x1EE1,1369,3},
{0x1EE2,1372,3},{0x1EE3,1375,3},{0x1EE4,1378,2},{0x1EE5,1380,2},{0x1EE6,1382,2},{0x1EE7,1384,2},
{0x1EE8,1386,3},{0x1EE9,1389,3},{0x1EEA,1392,3},{0x1EEB,1395,3},{0x1EEC,1398,3},{0x1EED,1401,3},
{0x1EEE,1404,3},{0x1EEF,1407,3},{0x1EF0,1410,3},{0x1EF1,1413,3},{0x1EF2,1416,2},{0x1EF3,1418,2},
{0x1EF4,1420,2},{0x1EF5,1422,2},{0x1EF6,1424,2},{0x1EF7,1426,2},{0x1EF8,1428,2},{0x1EF9,1430,2},
{0x1F00,1432,2},{0x1F01,1434,2},{0x1F02,1436,3},{0x1F03,1439,3},{0x1F04,1442,3},{0x1F05,1445,3},
{0x1F06,1448,3},{0x1F07,1451,3},{0x1F08,1454,2},{0x1F09,1456,2},{0x1F0A,1458,3},{0x1F0B,1461,3},
{0x1F0C,1464,3},{0x1F0D,1467,3},{0x1F0E,1470,3},{0x1F0F,1473,3},{0x1F10,1476,2},{0x1F11,1478,2},
{0x1F12,1480,3},{0x1F13,1483,3},{0x1F14,1486,3},{0x1F15,1489,3},{0x1F18,1492,2},{0x1F19,1494,2},
{0x1F1A,1496,3},{0x1F1B,1499,3},{0x1F1C,1502,3},{0x1F1D,1505,3},{0x1F20,1508,2},{0x1F21,1510,2},
{0x1F22,1512,3},{0x1F23,1515,3},{0x1F24,1518,3},{0x1F25,1521,3},{0x1F26,1524,3},{0x1F27,1527,3},
{0x1F28,1530,2},{0x1F29,1532,2},{0x1F2A,1534,3},{0x1F2B,1537,3},{0x1F2C,1540,3},{0x1F2D,1543,3},
{0x1F2E,1546,3},{0x1F2F,1549,3},{0x1F30,1552,2},{0x1F31,1554,2},{0x1F32,1556,3},{0x1F33,1559,3},
{0x1F34,1562,3},{0x1F35,1565,3},{0x1F36,1568,3},{0x1F37,1571,3},{0x1F38,1574,2},{0x1F39,1576,2},
{0x1F3A,1578,3},{0x1F3B,1581,3},{0x1F3C,1584,3},{0x1F3D,1587,3},{0x1F3E,1590,3},{0x1F3F,1593,3},
{0x1F40,1596,2},{0x1F41,1598,2},{0x1F42,1600,3},{0x1F43,1603,3},{0x1F44,1606,3},{0x1F45,1609,3},
{0x1F48,1612,2},{0x1F49,1614,2},{0x1F4A,1616,3},{0x1F4B,1619,3},{0x1F4C,1622,3},{0x1F4D,1625,3},
{0x1F50,1628,2},{0x1F51,1630,2},{0x1F52,1632,3},{0x1F53,1635,3},{0x1F54,1638,3},{0x1F55,1641,3},
{0x1F56,1644,3},{0x1F57,1647,3},{0x1F59,1650,2},{0x1F5B,1652,3},{0x1F5D,1655,3},{0x1F5F,1658,3},
{0x1F60,1661,2},{0x1F61,1663,2},{0x1F62,1665,3},{0x1F63,1668,3},{0x1F64,1671,3},{0x1F65,1674,3},
{0x1F66,1677,3},{0x1F67,1680,3},{0x1F68,1683,2},{0x1F69,1685,2},{0x1F6A,1687,3},{0x1F6B,1690,3},
{0x1F6C,1693,3},{0x1F6D,1696,3},{0x1F6E,1699,3},{0x1F6F,1702,3},{0x1F70,1705,2},{0x1F71,1707,2},
{0x1F72,1709,2},{0x1F73,1711,2},{0x1F74,1713,2},{0x1F75,1715,2},{0x1F76,1717,2},{0x1F77,1719,2},
{0x1F78,1721,2},{0x1F79,1723,2},{0x1F7A,1725,2},{0x1F7B,1727,2},{0x1F7C,1729,2},{0x1F7D,1731,2},
{0x1F80,1733,3},{0x1F81,1736,3},{0x1F82,1739,4},{0x1F83,1743,4},{0x1F84,1747,4},{0x1F85,1751,4},
{0x1F86,1755,4},{0x1F87,1759,4},{0x1F88,1763,3},{0x1F89,1766,3},{0x1F8A,1769,4},{0x1F8B,1773,4},
{0x1F8C,1777,4},{0x1F8D,1781,4},{0x1F8E,1785,4},{0x1F8F,1789,4},{0x1F90,1793,3},{0x1F91,1796,3},
{0x1F92,1799,4},{0x1F93,1803,4},{0x1F94,1807,4},{0x1F95,1811,4},{0x1F96,1815,4},{0x1F97,1819,4},
{0x1F98,1823,3},{0x1F99,1826,3},{0x1F9A,1829,4},{0x1F9B,1833,4},{0x1F9C,1837,4},{0x1F9D,1841,4},
{0x1F9E,1845,4},{0x1F9F,1849,4},{0x1FA0,1853,3},{0x1FA1,1856,3},{0x1FA2,1859,4},{0x1FA3,1863,4},
{0x1FA4,1867,4},{0x1FA5,1871,4},{0x1FA6,1875,4},{0x1FA7,1879,4},{0x1FA8,1883,3},{0x1FA9,1886,3},
{0x1FAA,1889,4},{0x1FAB,1893,4},{0x1FAC,1897,4},{0x1FAD,1901,4},{0x1FAE,1905,4},{0x1FAF,1909,4},
{0x1FB0,1913,2},{0x1FB1,1915,2},{0x1FB2,1917,3},{0x1FB3,1920,2},{0x1FB4,1922,3},{0x1FB6,1925,2},
{0x1FB7,1927,3},{0x1FB8,1930,2},{0x1FB9,1932,2},{0x1FBA,1934,2},{0x1FBB,1936,2},{0x1FBC,1938,2},
{0x1FBE,1940,1},{0x1FC1,1941,2},{0x1FC2,1943,3},{0x1FC3,1946,2},{0x1FC4,1948,3},{0x1FC6,1951,2},
{0x1FC7,1953,3},{0x1FC8,1956,2},{0x1FC9,1958,2},{0x1FCA,1960,2},{0x1FCB,1962,2},{0x1FCC,1964,2},
{0x1FCD,1966,2},{0x1FCE,1968,2},{0x1FCF,1970,2},{0x1FD0,1972,2},{0x1FD1,1974,2},{0x1FD2,1976,3},
{0x1FD3,1979,3},{0x1FD6,1982,2},{0x1FD7,1984,3},{0x1FD8,1987,2},{0x1FD9,1989,2},{0x1FDA,1991,2},
{0x1FDB,1993,2},{0x1FDD,1995,2},{0x1FDE,1997,2},{0x1FDF,1999,2},{0x1FE0,2001,2},{0x1FE1,2003,2},
{0x1FE2,2005,3},{0x1FE3,2008,3},{0x1FE4,2011,2},{0x1FE5,2013,2},{0x1FE6,2015,2},{0x1FE7,2017,3},
{0x1FE8,2020,2},{0x1FE9,2022,2},{0x1FEA,2024,2},{0x1FEB,2026,2},{0x1FEC,2028,2},{0x1FED,2030,2},
{0x1FEE,2032,2},{0x1FEF,2034,1},{0x1FF2,2035,3},{0x1FF3,2038,2},{0x1FF4,2040,3},{0x1FF6,2043,2},
{0x1FF7,2045,3},{0x1FF8,2048,2},{0x1FF9,2050,2},{0x1FFA,2052,2},{0x1FFB,2054,2},{0x1FFC,2056,2},
{0x1FFD,2058,1},{0x2000,2059,1},{0x2001,2060,1},{0x2126,2061,1},{0x212A,2062,1},{0x212B,2063,2},
{0x219A,2065,2},{0x219B,2067,2},{0x21AE,2069,2},{0x21CD,2071,2},{0x21CE,2073,2},{0x21CF,2075,2},
{0x2204,2077,2},{0x2209,2079,2},{0x220C,2081,2},{0x2224,2083,2},{0x2226,2085,2},{0x2241,2087,2},
{0x2244,2089,2},{0x2247,2091,2},{0x2249,2093,2},{0x2260,2095,2},{0x2262,2097,2},{0x226D,2099,2},
{0x226E,2101,2},{0x226F,2103,2},{0x2270,2105,2},{0x2271,2107,2},{0x2274,2109,2},{0x2275,2111,2},
{0x2278,2113,2},{0x2279,2115,2},{0x2280,2117,2},{0x2281,2119,2},{0x2284,2121,2},{0x2285,2123,2},
{0x2288,2125,2},{0x2289,2127,2},{0x22AC,2129,2},{0x22AD,2131,2},{0x22AE,2133,2},{0x22AF,2135,2},
{0x22E0,2137,2},{0x22E1,2139,2},{0x22E2,2141,2},{0x22E3,2143,2},{0x22EA,2145,2},{0x22EB,2147,2},
{0x22EC,2149,2},{0x22ED,2151,2},{0x2329,2153,1},{0x232A,2154,1},{0x2ADC,2155,2},{0x304C,2157,2},
{0x304E,2159,2},{0x3050,2161,2},{0x3052,2163,2},{0x3054,2165,2},{0x3056,2167,2},{0x3058,2169,2},
{0x305A,2171,2},{0x305C,2173,2},{0x305E,2175,2},{0x3060,2177,2},{0x3062,2179,2},{0x3065,2181,2},
{0x3067,2183,2},{0x3069,2185,2},{0x3070,2187,2},{0x3071,2189,2},{0x3073,2191,2},{0x3074,2193,2},
{0x3076,2195,2},{0x3077,2197,2},{0x3079,2199,2},{0x307A,2201,2},{0x307C,2203,2},{0x307D,2205,2},
{0x3094,2207,2},{0x309E,2209,2},{0x30AC,2211,2},{0x30AE,2213,2},{0x30B0,2215,2},{0x30B2,2217,2},
{0x30B4,2219,2},{0x30B6,2221,2},{0x30B8,2223,2},{0x30BA,2225,2},{0x30BC,2227,2},{0x30BE,2229,2},
{0x30C0,2231,2},{0x30C2,2233,2},{0x30C5,2235,2},{0x30C7,2237,2},{0x30C9,2239,2},{0x30D0,2241,2},
{0x30D1,2243,2},{0x30D3,2245,2},{0x30D4,2247,2},{0x30D6,2249,2},{0x30D7,2251,2},{0x30D9,2253,2},
{0x30DA,2255,2},{0x30DC,2257,2},{0x30DD,2259,2},{0x30F4,2261,2},{0x30F7,2263,2},{0x30F8,2265,2},
{0x30F9,2267,2},{0x30FA,2269,2},{0x30FE,2271,2},{0xF900,2273,1},{0xF901,2274,1},{0xF902,2275,1},
{0xF903,2276,1},{0xF904,2277,1},{0xF905,2278,1},{0xF906,2279,1},{0xF907,2280,1},{0xF908,2281,1},
{0xF909,2282,1},{0xF90A,2283,1},{0xF90B,2284,1},{0xF90C,2285,1},{0xF90D,2286,1},{0xF90E,2287,1},
{0xF90F,2288,1},{0xF910,2289,1},{0xF911,2290,1},{0xF912,2291,1},{0xF913,2292,1},{0xF914,2293,1},
{0xF915,2294,1},{0xF916,2295,1},{0xF917,2296,1},{0xF918,2297,1},{0xF919,2298,1},{0xF91A,2299,1},
{0xF91B,2300,1},{0xF91C,2301,1},{0xF91D,2302,1},{0xF91E,2303,1},{0xF91F,2304,1},{0xF920,2305,1},
{0xF921,2306,1},{0xF922,2307,1},{0xF923,2308,1},{0xF924,2309,1},{0xF925,2310,1},{0xF926,2311,1},
{0xF927,2312,1},{0xF928,2313,1},{0xF929,2314,1},{0xF92A,2315,1},{0xF92B,2316,1},{0xF92C,2317,1},
{0xF92D,2318,1},{0xF92E,2319,1},{0xF92F,2320,1},{0xF930,2321,1},{0xF931,2322,1},{0xF932,2323,1},
{0xF933,2324,1},{0xF934,2325,1},{0xF935,2326,1},{0xF936,2327,1},{0xF937,2328,1},{0xF938,2329,1},
{0xF939,2330,1},{0xF93A,2331,1},{0xF93B,2332,1},{0xF93C,2333,1},{0xF93D,2334,1},{0xF93E,2335,1},
{0xF93F,2336,1},{0xF940,2337,1},{0xF941,2338,1},{0xF942,2339,1},{0xF943,2340,1},{0xF944,2341,1},
{0xF945,2342,1},{0xF946,2343,1},{0xF947,2344,1},{0xF948,2345,1},{0xF949,2346,1},{0xF94A,2347,1},
{0xF94B,2348,1},{0xF94C,2349,1},{0xF94D,2350,1},{0xF94E,2351,1},{0xF94F,2352,1},{0xF950,2353,1},
{0xF951,2354,1},{0xF952,2355,1},{0xF953,2356,1},{0xF954,2357,1},{0xF955,2358,1},{0xF956,2359,1},
{0xF957,2360,1},{0xF958,2361,1},{0xF959,2362,1},{0xF95A,2363,1},{0xF95B,2364,1},{0xF95C,2365,1},
{0xF95D,2366,1},{0xF95E,2367,1},{0xF95F,2368,1},{0xF960,2369,1},{0xF961,2370,1},{0xF962,2371,1},
{0xF963,2372,1},{0xF964,2373,1},{0xF965,2374,1},{0xF966,2375,1},{0xF967,2376,1},{0xF968,2377,1},
{0xF969,2378,1},{0xF96A,2379,1},{0xF96B,2380,1},{0xF96C,2381,1},{0xF96D,2382,1},{0xF96E,2383,1},
{0xF96F,2384,1},{0xF970,2385,1},{0xF971,2386,1},{0xF972,2387,1},{0xF973,2388,1},{0xF974,2389,1},
{0xF975,2390,1},{0xF976,2391,1},{0xF977,2392,1},{0xF978,2393,1},{0xF979,2394,1},{0xF97A,2395,1},
{0xF97B,2396,1},{0xF97C,2397,1},{0xF97D,2398,1},{0xF97E,2399,1},{0xF97F,2400,1},{0xF980,2401,1},
{0xF981,2402,1},{0xF982,2403,1},{0xF983,2404,1},{0xF984,2405,1},{0xF985,2406,1},{0xF986,2407,1},
{0xF987,2408,1},{0xF988,2409,1},{0xF989,2410,1},{0xF98A,2411,1},{0xF98B,2412,1},{0xF98C,2413,1},
{0xF98D,2414,1},{0xF98E,2415,1},{0xF98F,2416,1},{0xF990,2417,1},{0xF991,2418,1},{0xF992,2419,1},
{0xF993,2420,1},{0xF994,2421,1},{0xF995,2422,1},{0xF996,2423,1},{0xF997,2424,1},{0xF998,2425,1},
{0xF999,2426,1},{0xF99A,2427,1},{0xF99B,2428,1},{0xF99C,2429,1},{0xF99D,2430,1},{0xF99E,2431,1},
{0xF99F,2432,1},{0xF9A0,2433,1},{0xF9A1,2434,1},{0xF9A2,2435,1},{0xF9A3,2436,1},{0xF9A4,2437,1},
{0xF9A5,2438,1},{0xF9A6,2439,1},{0xF9A7,2440,1},{0xF9A8,2441,1},{0xF9A9,2442,1},{0xF9AA,2443,1},
{0xF9AB,2444,1},{0xF9AC,2445,1},{0xF9AD,2446,1},{0xF9AE,2447,1},{0xF9AF,2448,1},{0xF9B0,2449,1},
{0xF9B1,2450,1},{0xF9B2,2451,1},{0xF9B3,2452,1},{0xF9B4,2453,1},{0xF9B5,2454,1},{0xF9B6,2455,1},
{0xF9B7,2456,1},{0xF9B8,2457,1},{0xF9B9,2458,1},{0xF9BA,2459,1},{0xF9BB,2460,1},{0xF9BC,2461,1},
{0xF9BD,2462,1},{0xF9BE,2463,1},{0xF9BF,2464,1},{0xF9C0,2465,1},{0xF9C1,2466,1},{0xF9C2,2467,1},
{0xF9C3,2468,1},{0xF9C4,2469,1},{0xF9C5,2470,1},{0xF9C6,2471,1},{0xF9C7,2472,1},{0xF9C8,2473,1},
{0xF9C9,2474,1},{0xF9CA,2475,1},{0xF9CB,2476,1},{0xF9CC,2477,1},{0xF9CD,2478,1},{0xF9CE,2479,1},
{0xF9CF,2480,1},{0xF9D0,2481,1},{0xF9D1,2482,1},{0xF9D2,2483,1},{0xF9D3,2484,1},{0xF9D4,2485,1},
{0xF9D5,2486,1},{0xF9D6,2487,1},{0xF9D7,2488,1},{0xF9D8,2489,1},{0xF9D9,2490,1},{0xF9DA,2491,1},
{0xF9DB,2492,1},{0xF9DC,2493,1},{0xF9DD,2494,1},{0xF9DE,2495,1},{0xF9DF,2496,1},{0xF9E0,2497,1},
{0xF9E1,2498,1},{0xF9E2,2499,1},{0xF9E3,2500,1},{0xF9E4,2501,1},{0xF9E5,2502,1},{0xF9E6,2503,1},
{0xF9E7,2504,1},{0xF9E8,2505,1},{0xF9E9,2506,1},{0xF9EA,2507,1},{0xF9EB,2508,1},{0xF9EC,2509,1},
{0xF9ED,2510,1},{0xF9EE,2511,1},{0xF9EF,2512,1},{0xF9F0,2513,1},{0xF9F1,2514,1},{0xF9F2,2515,1},
{0xF9F3,2516,1},{0xF9F4,2517,1},{0xF9F5,2518,1},{0xF9F6,2519,1},{0xF9F7,2520,1},{0xF9F8,2521,1},
{0xF9F9,2522,1},{0xF9FA,2523,1},{0xF9FB,2524,1},{0xF9FC,2525,1},{0xF9FD,2526,1},{0xF9FE,2527,1},
{0xF9FF,2528,1},{0xFA00,2529,1},{0xFA01,2530,1},{0xFA02,2531,1},{0xFA03,2532,1},{0xFA04,2533,1},
{0xFA05,2534,1},{0xFA06,2535,1},{0xFA07,2536,1},{0xFA08,2537,1},{0xFA09,2538,1},{0xFA0A,2539,1},
{0xFA0B,2540,1},{0xFA0C,2541,1},{0xFA0D,2542,1},{0xFA10,2543,1},{0xFA12,2544,1},{0xFA15,2545,1},
{0xFA16,2546,1},{0xFA17,2547,1},{0xFA18,2548,1},{0xFA19,2549,1},{0xFA1A,2550,1},{0xFA1B,2551,1},
{0xFA1C,2552,1},{0xFA1D,2553,1},{0xFA1E,2554,1},{0xFA20,2555,1},{0xFA22,2556,1},{0xFA25,2557,1},
{0xFA26,2558,1},{0xFA2A,2559,1},{0xFA2B,2560,1},{0xFA2C,2561,1},{0xFA2D,2562,1},{0xFA2E,2563,1},
{0xFA2F,2564,1},{0xFA30,2565,1},{0xFA31,2566,1},{0xFA32,2567,1},{0xFA33,2568,1},{0xFA34,2569,1},
{0xFA35,2570,1},{0xFA36,2571,1},{0xFA37,2572,1},{0xFA38,2573,1},{0xFA39,2574,1},{0xFA3A,2575,1},
{0xFA3B,2576,1},{0xFA3C,2577,1},{0xFA3D,2578,1},{0xFA3E,2579,1},{0xFA3F,2580,1},{0xFA40,2581,1},
{0xFA41,2582,1},{0xFA42,2583,1},{0xFA43,2584,1},{0xFA44,2585,1},{0xFA45,2586,1},{0xFA46,2587,1},
{0xFA47,2588,1},{0xFA48,2589,1},{0xFA49,2590,1},{0xFA4A,2591,1},{0xFA4B,2592,1},{0xFA4C,2593,1},
{0xFA4D,2594,1},{0xFA4E,2595,1},{0xFA4F,2596,1},{0xFA50,2597,1},{0xFA51,2598,1},{0xFA52,2599,1},
{0xFA53,2600,1},{0xFA54,2601,1},{0xFA55,2602,1},{0xFA56,2603,1},{0xFA57,2604,1},{0xFA58,2605,1},
{0xFA59,2606,1},{0xFA5A,2607,1},{0xFA5B,2608,1},{0xFA5C,2609,1},{0xFA5D,2610,1},{0xFA5E,2611,1},
{0xFA5F,2612,1},{0xFA60,2613,1},{0xFA61,2614,1},{0xFA62,2615,1},{0xFA63,2616,1},{0xFA64,2617,1},
{0xFA65,2618,1},{0xFA66,2619,1},{0xFA67,2620,1},{0xFA68,2621,1},{0xFA69,2622,1},{0xFA6A,2623,1},
{0xFA6B,2624,1},{0xFA6C,2625,1},{0xFA6D,2626,1},{0xFA70,2627,1},{0xFA71,2628,1},{0xFA72,2629,1},
{0xFA73,2630,1},{0xFA74,2631,1},{0xFA75,2632,1},{0xFA76,2633,1},{0xFA77,2634,1},{0xFA78,2635,1},
{0xFA79,2636,1},{0xFA7A,2637,1},{0xFA7B,2638,1},{0xFA7C,2639,1},{0xFA7D,2640,1},{0xFA7E,2641,1},
{0xFA7F,2642,1},{0xFA80,2643,1},{0xFA81,2644,1},{0xFA82,2645,1},{0xFA83,2646,1},{0xFA84,2647,1},
{0xFA85,2648,1},{0xFA86,2649,1},{0xFA87,2650,1},{0xFA88,2651,1},{0xFA89,2652,1},{0xFA8A,2653,1},
{0xFA8B,2654,1},{0xFA8C,2655,1},{0xFA8D,2656,1},{0xFA8E,2657,1},{0xFA8F,2658,1},{0xFA90,2659,1},
{0xFA91,2660,1},{0xFA92,2661,1},{0xFA93,2662,1},{0xFA94,2663,1},{0xFA95,2664,1},{0xFA96,2665,1},
{0xFA97,2666,1},{0xFA98,2667,1},{0xFA99,2668,1},{0xFA9A,2669,1},{0xFA9B,2670,1},{0xFA9C,2671,1},
{0xFA9D,2672,1},{0xFA9E,2673,1},{0xFA9F,2674,1},{0xFAA0,2675,1},{0xFAA1,2676,1},{0xFAA2,2677,1},
{0xFAA3,2678,1},{0xFAA4,2679,1},{0xFAA5,2680,1},{0xFAA6,2681,1},{0xFAA7,2682,1},{0xFAA8,2683,1},
{0xFAA9,2684,1},{0xFAAA,2685,1},{0xFAAB,2686,1},{0xFAAC,2687,1},{0xFAAD,2688,1},{0xFAAE,2689,1},
{0xFAAF,2690,1},{0xFAB0,2691,1},{0xFAB1,2692,1},{0xFAB2,2693,1},{0xFAB3,2694,1},{0xFAB4,2695,1},
{0xFAB5,2696,1},{0xFAB6,2697,1},{0xFAB7,2698,1},{0xFAB8,2699,1},{0xFAB9,2700,1},{0xFABA,2701,1},
{0xFABB,2702,1},{0xFABC,2703,1},{0xFABD,2704,1},{0xFABE,2705,1},{0xFABF,2706,1},{0xFAC0,2707,1},
{0xFAC1,2708,1},{0xFAC2,2709,1},{0xFAC3,2710,1},{0xFAC4,2711,1},{0xFAC5,2712,1},{0xFAC6,2713,1},
{0xFAC7,2714,1},{0xFAC8,2715,1},{0xFAC9,2716,1},{0xFACA,2717,1},{0xFACB,2718,1},{0xFACC,2719,1},
{0xFACD,2720,1},{0xFACE,2721,1},{0xFACF,2722,1},{0xFAD0,2723,1},{0xFAD1,2724,1},{0xFAD2,2725,1},
{0xFAD3,2726,1},{0xFAD4,2727,1},{0xFAD5,2728,1},{0xFAD6,2729,1},{0xFAD7,2730,1},{0xFAD8,2731,1},
{0xFAD9,2732,1},{0xFB1D,2733,2},{0xFB1F,2735,2},{0xFB2A,2737,2},{0xFB2B,2739,2},{0xFB2C,2741,3},
{0xFB2D,2744,3},{0xFB2E,2747,2},{0xFB2F,2749,2},{0xFB30,2751,2},{0xFB31,2753,2},{0xFB32,2755,2},
{0xFB33,2757,2},{0xFB34,2759,2},{0xFB35,2761,2},{0xFB36,2763,2},{0xFB38,2765,2},{0xFB39,2767,2},
{0xFB3A,2769,2},{0xFB3B,2771,2},{0xFB3C,2773,2},{0xFB3E,2775,2},{0xFB40,2777,2},{0xFB41,2779,2},
{0xFB43,2781,2},{0xFB44,2783,2},{0xFB46,2785,2},{0xFB47,2787,2},{0xFB48,2789,2},{0xFB49,2791,2},
{0xFB4A,2793,2},{0xFB4B,2795,2},{0xFB4C,2797,2},{0xFB4D,2799,2},{0xFB4E,2801,2},{0x1109A,2803,2},
{0x1109C,2805,2},{0x110AB,2807,2},{0x1112E,2809,2},{0x1112F,2811,2},{0x1134B,2813,2},{0x1134C,2815,2},
{0x114BB,2817,2},{0x114BC,2819,2},{0x114BE,2821,2},{0x115BA,2823,2},{0x115BB,2825,2},{0x1D15E,2827,2},
{0x1D15F,2829,2},{0x1D160,2831,3},{0x1D161,2834,3},{0x1D162,2837,3},{0x1D163,2840,3},{0x1D164,2843,3},
{0x1D1BB,2846,2},{0x1D1BC,2848,2},{0x1D1BD,2850,3},{0x1D1BE,2853,3},{0x1D1BF,2856,3},{0x1D1C0,2859,3},
{0x2F800,2862,1},{0x2F801,2863,1},{0x2F802,2864,1},{0x2F803,2865,1},{0x2F804,2866,1},{0x2F805,2867,1},
{0x2F806,2868,1},{0x2F807,2869,1},{0x2F808,2870,1},{0x2F809,2871,1},{0x2F80A,2872,1},{0x2F80B,2873,1},
{0x2F80C,2874,1},{0x2F80D,2875,1},{0x2F80E,2876,1},{0x2F80F,2877,1},{0x2F810,2878,1},{0x2F811,2879,1},
{0x2F812,2880,1},{0x2F813,2881,1},{0x2F814,2882,1},{0x2F815,2883,1},{0x2F816,2884,1},{0x2F817,2885,1},
{0x2F818,2886,1},{0x2F819,2887,1},{0x2F81A,2888,1},{0x2F81B,2889,1},{0x2F81C,2890,1},{0x2F81D,2891,1},
{0x2F81E,2892,1},{0x2F81F,2893,1},{0x2F820,2894,1},{0x2F821,2895,1},{0x2F822,2896,1},{0x2F823,2897,1},
{0x2F824,2898,1},{0x2F825,2899,1},{0x2F826,2900,1},{0x2F827,2901,1},{0x2F828,2902,1},{0x2F829,2903,1},
{0x2F82A,2904,1},{0x2F82B,2905,1},{0x2F82C,2906,1},{0x2F82D,2907,1},{0x2F82E,2908,1},{0x2F82F,2909,1},
{0x2F830,2910,1},{0x2F831,2911,1},{0x2F832,2912,1},{0x2F833,2913,1},{0x2F834,2914,1},{0x2F835,2915,1},
{0x2F836,2916,1},{0x2F837,2917,1},{0x2F838,2918,1},{0x2F839,2919,1},{0x2F83A,2920,1},{0x2F83B,2921,1},
{0x2F83C,2922,1},{0x2F83D,2923,1},{0x2F83E,2924,1},{0x2F83F,2925,1},{0x2F840,2926,1},{0x2F841,2927,1},
{0x2F842,2928,1},{0x2F843,2929,1},{0x2F844,2930,1},{0x2F845,2931,1},{0x2F846,2932,1},{0x2F847,2933,1},
{0x2F848,2934,1},{0x2F849,2935,1},{0x2F84A,2936,1},{0x2F84B,2937,1},{0x2F84C,2938,1},{0x2F84D,2939,1},
{0x2F84E,2940,1},{0x2F84F,2941,1},{0x2F850,2942,1},{0x2F851,2943,1},{0x2F852,2944,1},{0x2F853,2945,1},
{0x2F854,2946,1},{0x2F855,2947,1},{0x2F856,2948,1},{0x2F857,2949,1},{0x2F858,2950,1},{0x2F859,2951,1},
{0x2F85A,2952,1},{0x2F85B,2953,1},{0x2F85C,2954,1},{0x2F85D,2955,1},{0x2F85E,2956,1},{0x2F85F,2957,1},
{0x2F860,2958,1},{0x2F861,2959,1},{0x2F862,2960,1},{0x2F863,2961,1},{0x2F864,2962,1},{0x2F865,2963,1},
{0x2F866,2964,1},{0x2F867,2965,1},{0x2F868,2966,1},{0x2F869,2967,1},{0x2F86A,2968,1},{0x2F86B,2969,1},
{0x2F86C,2970,1},{0x2F86D,2971,1},{0x2F86E,2972,1},{0x2F86F,2973,1},{0x2F870,2974,1},{0x2F871,2975,1},
{0x2F872,2976,1},{0x2F873,2977,1},{0x2F874,2978,1},{0x2F875,2979,1},{0x2F876,2980,1},{0x2F877,2981,1},
{0x2F878,2982,1},{0x2F879,2983,1},{0x2F87A,2984,1},{0x2F87B,2985,1},{0x2F87C,2986,1},{0x2F87D,2987,1},
{0x2F87E,2988,1},{0x2F87F,2989,1},{0x2F880,2990,1},{0x2F881,2991,1},{0x2F882,2992,1},{0x2F883,2993,1},
{0x2F884,2994,1},{0x2F885,2995,1},{0x2F886,2996,1},{0x2F887,2997,1},{0x2F888,2998,1},{0x2F889,2999,1},
{0x2F88A,3000,1},{0x2F88B,3001,1},{0x2F88C,3002,1},{0x2F88D,3003,1},{0x2F88E,3004,1},{0x2F88F,3005,1},
{0x2F890,3006,1},{0x2F891,3007,1},{0x2F892,3008,1},{0x2F893,3009,1},{0x2F894,3010,1},{0x2F895,3011,1},
{0x2F896,3012,1},{0x2F897,3013,1},{0x2F898,3014,1},{0x2F899,3015,1},{0x2F89A,3016,1},{0x2F89B,3017,1},
{0x2F89C,3018,1},{0x2F89D,3019,1},{0x2F89E,3020,1},{0x2F89F,3021,1},{0x2F8A0,3022,1},{0x2F8A1,3023,1},
{0x2F8A2,3024,1},{0x2F8A3,3025,1},{0x2F8A4,3026,1},{0x2F8A5,3027,1},{0x2F8A6,3028,1},{0x2F8A7,3029,1},
{0x2F8A8,3030,1},{0x2F8A9,3031,1},{0x2F8AA,3032,1},{0x2F8AB,3033,1},{0x2F8AC,3034,1},{0x2F8AD,3035,1},
{0x2F8AE,3036,1},{0x2F8AF,3037,1},{0x2F8B0,3038,1},{0x2F8B1,3039,1},{0x2F8B2,3040,1},{0x2F8B3,3041,1},
{0x2F8B4,3042,1},{0x2F8B5,3043,1},{0x2F8B6,3044,1},{0x2F8B7,3045,1},{0x2F8B8,3046,1},{0x2F8B9,3047,1},
{0x2F8BA,3048,1},{0x2F8BB,3049,1},{0x2F8BC,3050,1},{0x2F8BD,3051,1},{0x2F8BE,3052,1},{0x2F8BF,3053,1},
{0x2F8C0,3054,1},{0x2F8C1,3055,1},{0x2F8C2,3056,1},{0x2F8C3,3057,1},{0x2F8C4,3058,1},{0x2F8C5,3059,1},
{0x2F8C6,3060,1},{0x2F8C7,3061,1},{0x2F8C8,3062,1},{0x2F8C9,3063,1},{0x2F8CA,3064,1},{0x2F8CB,3065,1},
{0x2F8CC,3066,1},{0x2F8CD,3067,1},{0x2F8CE,3068,1},{0x2F8CF,3069,1},{0x2F8D0,3070,1},{0x2F8D1,3071,1},
{0x2F8D2,3072,1},{0x2F8D3,3073,1},{0x2F8D4,3074,1},{0x2F8D5,3075,1},{0x2F8D6,3076,1},{0x2F8D7,3077,1},
{0x2F8D8,3078,1},{0x2F8D9,3079,1},{0x2F8DA,3080,1},{0x2F8DB,3081,1},{0x2F8DC,3082,1},{0x2F8DD,3083,1},
{0x2F8DE,3084,1},{0x2F8DF,3085,1},{0x2F8E0,3086,1},{0x2F8E1,3087,1},{0x2F8E2,3088,1},{0x2F8E3,3089,1},
{0x2F8E4,3090,1},{0x2F8E5,3091,1},{0x2F8E6,3092,1},{0x2F8E7,3093,1},{0x2F8E8,3094,1},{0x2F8E9,3095,1},
{0x2F8EA,3096,1},{0x2F8EB,3097,1},{0x2F8EC,3098,1},{0x2F8ED,3099,1},{0x2F8EE,3100,1},{0x2F8EF,3101,1},
{0x2F8F0,3102,1},{0x2F8F1,3103,1},{0x2F8F2,3104,1},{0x2F8F3,3105,1},{0x2F8F4,3106,1},{0x2F8F5,3107,1},
{0x2F8F6,3108,1},{0x2F8F7,3109,1},{0x2F8F8,3110,1},{0x2F8F9,3111,1},{0x2F8FA,3112,1},{0x2F8FB,3113,1},
{0x2F8FC,3114,1},{0x2F8FD,3115,1},{0x2F8FE,3116,1},{0x2F8FF,3117,1},{0x2F900,3118,1},{0x2F901,3119,1},
{0x2F902,3120,1},{0x2F903,3121,1},{0x2F904,3122,1},{0x2F905,3123,1},{0x2F906,3124,1},{0x2F907,3125,1},
{0x2F908,3126,1},{0x2F909,3127,1},{0x2F90A,3128,1},{0x2F90B,3129,1},{0x2F90C,3130,1},{0x2F90D,3131,1},
{0x2F90E,3132,1},{0x2F90F,3133,1},{0x2F910,3134,1},{0x2F911,3135,1},{0x2F912,3136,1},{0x2F913,3137,1},
{0x2F914,3138,1},{0x2F915,3139,1},{0x2F916,3140,1},{0x2F917,3141,1},{0x2F918,3142,1},{0x2F919,3143,1},
{0x2F91A,3144,1},{0x2F91B,3145,1},{0x2F91C,3146,1},{0x2F91D,3147,1},{0x2F91E,3148,1},{0x2F91F,3149,1},
{0x2F920,3150,1},{0x2F921,3151,1},{0x2F922,3152,1},{0x2F923,3153,1},{0x2F924,3154,1},{0x2F925,3155,1},
{0x2F926,3156,1},{0x2F927,3157,1},{0x2F928,3158,1},{0x2F929,3159,1},{0x2F92A,3160,1},{0x2F92B,3161,1},
{0x2F92C,3162,1},{0x2F92D,3163,1},{0x2F92E,3164,1},{0x2F92F,3165,1},{0x2F930,3166,1},{0x2F931,3167,1},
{0x2F932,3168,1},{0x2F933,3169,1},{0x2F934,3170,1},{0x2F935,3171,1},{0x2F936,3172,1},{0x2F937,3173,1},
{0x2F938,3174,1},{0x2F939,3175,1},{0x2F93A,3176,1},{0x2F93B,3177,1},{0x2F93C,3178,1},{0x2F93D,3179,1},
{0x2F93E,3180,1},{0x2F93F,3181,1},{0x2F940,3182,1},{0x2F941,3183,1},{0x2F942,3184,1},{0x2F943,3185,1},
{0x2F944,3186,1},{0x2F945,3187,1},{0x2F946,3188,1},{0x2F947,3189,1},{0x2F948,3190,1},{0x2F949,3191,1},
{0x2F94A,3192,1},{0x2F94B,3193,1},{0x2F94C,3194,1},{0x2F94D,3195,1},{0x2F94E,3196,1},{0x2F94F,3197,1},
{0x2F950,3198,1},{0x2F951,3199,1},{0x2F952,3200,1},{0x2F953,3201,1},{0x2F954,3202,1},{0x2F955,3203,1},
{0x2F956,3204,1},{0x2F957,3205,1},{0x2F958,3206,1},{0x2F959,3207,1},{0x2F95A,3208,1},{0x2F95B,3209,1},
{0x2F95C,3210,1},{0x2F95D,3211,1},{0x2F95E,3212,1},{0x2F95F,3213,1},{0x2F960,3214,1},{0x2F961,3215,1},
{0x2F962,3216,1},{0x2F963,3217,1},{0x2F964,3218,1},{0x2F965,3219,1},{0x2F966,3220,1},{0x2F967,3221,1},
{0x2F968,3222,1},{0x2F969,3223,1},{0x2F96A,3224,1},{0x2F96B,3225,1},{0x2F96C,3226,1},{0x2F96D,3227,1},
{0x2F96E,3228,1},{0x2F96F,3229,1},{0x2F970,3230,1},{0x2F971,3231,1},{0x2F972,3232,1},{0x2F973,3233,1},
{0x2F974,3234,1},{0x2F975,3235,1},{0x2F976,3236,1},{0x2F977,3237,1},{0x2F978,3238,1},{0x2F979,3239,1},
{0x2F97A,3240,1},{0x2F97B,3241,1},{0x2F97C,3242,1},{0x2F97D,3243,1},{0x2F97E,3244,1},{0x2F97F,3245,1},
{0x2F980,3246,1},{0x2F981,3247,1},{0x2F982,3248,1},{0x2F983,3249,1},{0x2F984,3250,1},{0x2F985,3251,1},
{0x2F986,3252,1},{0x2F987,3253,1},{0x2F988,3254,1},{0x2F989,3255,1},{0x2F98A,3256,1},{0x2F98B,3257,1},
{0x2F98C,3258,1},{0x2F98D,3259,1},{0x2F98E,3260,1},{0x2F98F,3261,1},{0x2F990,3262,1},{0x2F991,3263,1},
{0x2F992,3264,1},{0x2F993,3265,1},{0x2F994,3266,1},{0x2F995,3267,1},{0x2F996,3268,1},{0x2F997,3269,1},
{0x2F998,3270,1},{0x2F999,3271,1},{0x2F99A,3272,1},{0x2F99B,3273,1},{0x2F99C,3274,1},{0x2F99D,3275,1},
{0x2F99E,3276,1},{0x2F99F,3277,1},{0x2F9A0,3278,1},{0x2F9A1,3279,1},{0x2F9A2,3280,1},{0x2F9A3,3281,1},
{0x2F9A4,3282,1},{0x2F9A5,3283,1},{0x2F9A6,3284,1},{0x2F9A7,3285,1},{0x2F9A8,3286,1},{0x2F9A9,3287,1},
{0x2F9AA,3288,1},{0x2F9AB,3289,1},{0x2F9AC,3290,1},{0x2F9AD,3291,1},{0x2F9AE,3292,1},{0x2F9AF,3293,1},
{0x2F9B0,3294,1},{0x2F9B1,3295,1},{0x2F9B2,3296,1},{0x2F9B3,3297,1},{0x2F9B4,3298,1},{0x2F9B5,3299,1},
{0x2F9B6,3300,1},{0x2F9B7,3301,1},{0x2F9B8,3302,1},{0x2F9B9,3303,1},{0x2F9BA,3304,1},{0x2F9BB,3305,1},
{0x2F9BC,3306,1},{0x2F9BD,3307,1},{0x2F9BE,3308,1},{0x2F9BF,3309,1},{0x2F9C0,3310,1},{0x2F9C1,3311,1},
{0x2F9C2,3312,1},{0x2F9C3,3313,1},{0x2F9C4,3314,1},{0x2F9C5,3315,1},{0x2F9C6,3316,1},{0x2F9C7,3317,1},
{0x2F9C8,3318,1},{0x2F9C9,3319,1},{0x2F9CA,3320,1},{0x2F9CB,3321,1},{0x2F9CC,3322,1},{0x2F9CD,3323,1},
{0x2F9CE,3324,1},{0x2F9CF,3325,1},{0x2F9D0,3326,1},{0x2F9D1,3327,1},{0x2F9D2,3328,1},{0x2F9D3,3329,1},
{0x2F9D4,3330,1},{0x2F9D5,3331,1},{0x2F9D6,3332,1},{0x2F9D7,3333,1},{0x2F9D8,3334,1},{0x2F9D9,3335,1},
{0x2F9DA,3336,1},{0x2F9DB,3337,1},{0x2F9DC,3338,1},{0x2F9DD,3339,1},{0x2F9DE,3340,1},{0x2F9DF,3341,1},
{0x2F9E0,3342,1},{0x2F9E1,3343,1},{0x2F9E2,3344,1},{0x2F9E3,3345,1},{0x2F9E4,3346,1},{0x2F9E5,3347,1},
{0x2F9E6,3348,1},{0x2F9E7,3349,1},{0x2F9E8,3350,1},{0x2F9E9,3351,1},{0x2F9EA,3352,1},{0x2F9EB,3353,1},
{0x2F9EC,3354,1},{0x2F9ED,3355,1},{0x2F9EE,3356,1},{0x2F9EF,3357,1},{0x2F9F0,3358,1},{0x2F9F1,3359,1},
{0x2F9F2,3360,1},{0x2F9F3,3361,1},{0x2F9F4,3362,1},{0x2F9F5,3363,1},{0x2F9F6,3364,1},{0x2F9F7,3365,1},
{0x2F9F8,3366,1},{0x2F9F9,3367,1},{0x2F9FA,3368,1},{0x2F9FB,3369,1},{0x2F9FC,3370,1},{0x2F9FD,3371,1},
{0x2F9FE,3372,1},{0x2F9FF,3373,1},{0x2FA00,3374,1},{0x2FA01,3375,1},{0x2FA02,3376,1},{0x2FA03,3377,1},
{0x2FA04,3378,1},{0x2FA05,3379,1},{0x2FA06,3380,1},{0x2FA07,3381,1},{0x2FA08,3382,1},{0x2FA09,3383,1},
{0x2FA0A,3384,1},{0x2FA0B,3385,1},{0x2FA0C,3386,1},{0x2FA0D,3387,1},{0x2FA0E,3388,1},{0x2FA0F,3389,1},
{0x2FA10,3390,1},{0x2FA11,3391,1},{0x2FA12,3392,1},{0x2FA13,3393,1},{0x2FA14,3394,1},{0x2FA15,3395,1},
{0x2FA16,3396,1},{0x2FA17,3397,1},{0x2FA18,3398,1},{0x2FA19,3399,1},{0x2FA1A,3400,1},{0x2FA1B,3401,1},
{0x2FA1C,3402,1},{0x2FA1D,3403,1},};
static const uint32_t bft__u_decomp_pool[] = {
0x41,0x300,0x41,0x301,0x41,0x302,0x41,0x303,0x41,0x308,0x41,0x30A,
0x43,0x327,0x45,0x300,0x45,0x301,0x45,0x302,0x45,0x308,0x49,0x300,
0x49,0x301,0x49,0x302,0x49,0x308,0x4E,0x303,0x4F,0x300,0x4F,0x301,
0x4F,0x302,0x4F,0x303,0x4F,0x308,0x55,0x300,0x55,0x301,0x55,0x302,
0x55,0x308,0x59,0x301,0x61,0x300,0x61,0x301,0x61,0x302,0x61,0x303,
0x61,0x308,0x61,0x30A,0x63,0x327,0x65,0x300,0x65,0x301,0x65,0x302,
0x65,0x308,0x69,0x300,0x69,0x301,0x69,0x302,0x69,0x308,0x6E,0x303,
0x6F,0x300,0x6F,0x301,0x6F,0x302,0x6F,0x303,0x6F,0x308,0x75,0x300,
0x75,0x301,0x75,0x302,0x75,0x308,0x79,0x301,0x79,0x308,0x41,0x304,
0x61,0x304,0x41,0x306,0x61,0x306,0x41,0x328,0x61,0x328,0x43,0x301,
0x63,0x301,0x43,0x302,0x63,0x302,0x43,0x307,0x63,0x307,0x43,0x30C,
0x63,0x30C,0x44,0x30C,0x64,0x30C,0x45,0x304,0x65,0x304,0x45,0x306,
0x65,0x306,0x45,0x307,0x65,0x307,0x45,0x328,0x65,0x328,0x45,0x30C,
0x65,0x30C,0x47,0x302,0x67,0x302,0x47,0x306,0x67,0x306,0x47,0x307,
0x67,0x307,0x47,0x327,0x67,0x327,0x48,0x302,0x68,0x302,0x49,0x303,
0x69,0x303,0x49,0x304,0x69,0x304,0x49,0x306,0x69,0x306,0x49,0x328,
0x69,0x328,0x49,0x307,0x4A,0x302,0x6A,0x302,0x4B,0x327,0x6B,0x327,
0x4C,0x301,0x6C,0x301,0x4C,0x327,0x6C,0x327,0x4C,0x30C,0x6C,0x30C,
0x4E,0x301,0x6E,0x301,0x4E,0x327,0x6E,0x327,0x4E,0x30C,0x6E,0x30C,
0x4F,0x304,0x6F,0x304,0x4F,0x306,0x6F,0x306,0x4F,0x30B,0x6F,0x30B,
0x52,0x301,0x72,0x301,0x52,0x327,0x72,0x327,0x52,0x30C,0x72,0x30C,
0x53,0x301,0x73,0x301,0x53,0x302,0x73,0x302,0x53,0x327,0x73,0x327,
0x53,0x30C,0x73,0x30C,0x54,0x327,0x74,0x327,0x54,0x30C,0x74,0x30C,
0x55,0x303,0x75,0x303,0x55,0x304,0x75,0x304,0x55,0x306,0x75,0x306,
0x55,0x30A,0x75,0x30A,0x55,0x30B,0x75,0x30B,0x55,0x328,0x75,0x328,
0x57,0x302,0x77,0x302,0x59,0x302,0x79,0x302,0x59,0x308,0x5A,0x301,
0x7A,0x301,0x5A,0x307,0x7A,0x307,0x5A,0x30C,0x7A,0x30C,0x4F,0x31B,
0x6F,0x31B,0x55,0x31B,0x75,0x31B,0x41,0x30C,0x61,0x30C,0x49,0x30C,
0x69,0x30C,0x4F,0x30C,0x6F,0x30C,0x55,0x30C,0x75,0x30C,0x55,0x308,
0x304,0x75,0x308,0x304,0x55,0x308,0x301,0x75,0x308,0x301,0x55,0x308,
0x30C,0x75,0x308,0x30C,0x55,0x308,0x300,0x75,0x308,0x300,0x41,0x308,
0x304,0x61,0x308,0x304,0x41,0x307,0x304,0x61,0x307,0x304,0xC6,0x304,
0xE6,0x304,0x47,0x30C,0x67,0x30C,0x4B,0x30C,0x6B,0x30C,0x4F,0x328,
0x6F,0x328,0x4F,0x328,0x304,0x6F,0x328,0x304,0x1B7,0x30C,0x292,0x30C,
0x6A,0x30C,0x47,0x301,0x67,0x301,0x4E,0x300,0x6E,0x300,0x41,0x30A,
0x301,0x61,0x30A,0x301,0xC6,0x301,0xE6,0x301,0xD8,0x301,0xF8,0x301,
0x41,0x30F,0x61,0x30F,0x41,0x311,0x61,0x311,0x45,0x30F,0x65,0x30F,
0x45,0x311,0x65,0x311,0x49,0x30F,0x69,0x30F,0x49,0x311,0x69,0x311,
0x4F,0x30F,0x6F,0x30F,0x4F,0x311,0x6F,0x311,0x52,0x30F,0x72,0x30F,
0x52,0x311,0x72,0x311,0x55,0x30F,0x75,0x30F,0x55,0x311,0x75,0x311,
0x53,0x326,0x73,0x326,0x54,0x326,0x74,0x326,0x48,0x30C,0x68,0x30C,
0x41,0x307,0x61,0x307,0x45,0x327,0x65,0x327,0x4F,0x308,0x304,0x6F,
0x308,0x304,0x4F,0x303,0x304,0x6F,0x303,0x304,0x4F,0x307,0x6F,0x307,
0x4F,0x307,0x304,0x6F,0x307,0x304,0x59,0x304,0x79,0x304,0x300,0x301,
0x313,0x308,0x301,0x2B9,0x3B,0xA8,0x301,0x391,0x301,0xB7,0x395,0x301,
0x397,0x301,0x399,0x301,0x39F,0x301,0x3A5,0x301,0x3A9,0x301,0x3B9,0x308,
0x301,0x399,0x308,0x3A5,0x308,0x3B1,0x301,0x3B5,0x301,0x3B7,0x301,0x3B9,
0x301,0x3C5,0x308,0x301,0x3B9,0x308,0x3C5,0x308,0x3BF,0x301,0x3C5,0x301,
0x3C9,0x301,0x3D2,0x301,0x3D2,0x308,0x415,0x300,0x415,0x308,0x413,0x301,
0x406,0x308,0x41A,0x301,0x418,0x300,0x423,0x306,0x418,0x306,0x438,0x306,
0x435,0x300,0x435,0x308,0x433,0x301,0x456,0x308,0x43A,0x301,0x438,0x300,
0x443,0x306,0x474,0x30F,0x475,0x30F,0x416,0x306,0x436,0x306,0x410,0x306,
0x430,0x306,0x410,0x308,0x430,0x308,0x415,0x306,0x435,0x306,0x4D8,0x308,
0x4D9,0x308,0x416,0x308,0x436,0x308,0x417,0x308,0x437,0x308,0x418,0x304,
0x438,0x304,0x418,0x308,0x438,0x308,0x41E,0x308,0x43E,0x308,0x4E8,0x308,
0x4E9,0x308,0x42D,0x308,0x44D,0x308,0x423,0x304,0x443,0x304,0x423,0x308,
0x443,0x308,0x423,0x30B,0x443,0x30B,0x427,0x308,0x447,0x308,0x42B,0x308,
0x44B,0x308,0x627,0x653,0x627,0x654,0x648,0x654,0x627,0x655,0x64A,0x654,
0x6D5,0x654,0x6C1,0x654,0x6D2,0x654,0x928,0x93C,0x930,0x93C,0x933,0x93C,
0x915,0x93C,0x916,0x93C,0x917,0x93C,0x91C,0x93C,0x921,0x93C,0x922,0x93C,
0x92B,0x93C,0x92F,0x93C,0x9C7,0x9BE,0x9C7,0x9D7,0x9A1,0x9BC,0x9A2,0x9BC,
0x9AF,0x9BC,0xA32,0xA3C,0xA38,0xA3C,0xA16,0xA3C,0xA17,0xA3C,0xA1C,0xA3C,
0xA2B,0xA3C,0xB47,0xB56,0xB47,0xB3E,0xB47,0xB57,0xB21,0xB3C,0xB22,0xB3C,
0xB92,0xBD7,0xBC6,0xBBE,0xBC7,0xBBE,0xBC6,0xBD7,0xC46,0xC56,0xCBF,0xCD5,
0xCC6,0xCD5,0xCC6,0xCD6,0xCC6,0xCC2,0xCC6,0xCC2,0xCD5,0xD46,0xD3E,0xD47,
0xD3E,0xD46,0xD57,0xDD9,0xDCA,0xDD9,0xDCF,0xDD9,0xDCF,0xDCA,0xDD9,0xDDF,
0xF42,0xFB7,0xF4C,0xFB7,0xF51,0xFB7,0xF56,0xFB7,0xF5B,0xFB7,0xF40,0xFB5,
0xF71,0xF72,0xF71,0xF74,0xFB2,0xF80,0xFB3,0xF80,0xF71,0xF80,0xF92,0xFB7,
0xF9C,0xFB7,0xFA1,0xFB7,0xFA6,0xFB7,0xFAB,0xFB7,0xF90,0xFB5,0x1025,0x102E,
0x1B05,0x1B35,0x1B07,0x1B35,0x1B09,0x1B35,0x1B0B,0x1B35,0x1B0D,0x1B35,0x1B11,0x1B35,
0x1B3A,0x1B35,0x1B3C,0x1B35,0x1B3E,0x1B35,0x1B3F,0x1B35,0x1B42,0x1B35,0x41,0x325,
0x61,0x325,0x42,0x307,0x62,0x307,0x42,0x323,0x62,0x323,0x42,0x331,
0x62,0x331,0x43,0x327,0x301,0x63,0x327,0x301,0x44,0x307,0x64,0x307,
0x44,0x323,0x64,0x323,0x44,0x331,0x64,0x331,0x44,0x327,0x64,0x327,
0x44,0x32D,0x64,0x32D,0x45,0x304,0x300,0x65,0x304,0x300,0x45,0x304,
0x301,0x65,0x304,0x301,0x45,0x32D,0x65,0x32D,0x45,0x330,0x65,0x330,
0x45,0x327,0x306,0x65,0x327,0x306,0x46,0x307,0x66,0x307,0x47,0x304,
0x67,0x304,0x48,0x307,0x68,0x307,0x48,0x323,0x68,0x323,0x48,0x308,
0x68,0x308,0x48,0x327,0x68,0x327,0x48,0x32E,0x68,0x32E,0x49,0x330,
0x69,0x330,0x49,0x308,0x301,0x69,0x308,0x301,0x4B,0x301,0x6B,0x301,
0x4B,0x323,0x6B,0x323,0x4B,0x331,0x6B,0x331,0x4C,0x323,0x6C,0x323,
0x4C,0x323,0x304,0x6C,0x323,0x304,0x4C,0x331,0x6C,0x331,0x4C,0x32D,
0x6C,0x32D,0x4D,0x301,0x6D,0x301,0x4D,0x307,0x6D,0x307,0x4D,0x323,
0x6D,0x323,0x4E,0x307,0x6E,0x307,0x4E,0x323,0x6E,0x323,0x4E,0x331,
0x6E,0x331,0x4E,0x32D,0x6E,0x32D,0x4F,0x303,0x301,0x6F,0x303,0x301,
0x4F,0x303,0x308,0x6F,0x303,0x308,0x4F,0x304,0x300,0x6F,0x304,0x300,
0x4F,0x304,0x301,0x6F,0x304,0x301,0x50,0x301,0x70,0x301,0x50,0x307,
0x70,0x307,0x52,0x307,0x72,0x307,0x52,0x323,0x72,0x323,0x52,0x323,
0x304,0x72,0x323,0x304,0x52,0x331,0x72,0x331,0x53,0x307,0x73,0x307,
0x53,0x323,0x73,0x323,0x53,0x301,0x307,0x73,0x301,0x307,0x53,0x30C,
0x307,0x73,0x30C,0x307,0x53,0x323,0x307,0x73,0x323,0x307,0x54,0x307,
0x74,0x307,0x54,0x323,0x74,0x323,0x54,0x331,0x74,0x331,0x54,0x32D,
0x74,0x32D,0x55,0x324,0x75,0x324,0x55,0x330,0x75,0x330,0x55,0x32D,
0x75,0x32D,0x55,0x303,0x301,0x75,0x303,0x301,0x55,0x304,0x308,0x75,
0x304,0x308,0x56,0x303,0x76,0x303,0x56,0x323,0x76,0x323,0x57,0x300,
0x77,0x300,0x57,0x301,0x77,0x301,0x57,0x308,0x77,0x308,0x57,0x307,
0x77,0x307,0x57,0x323,0x77,0x323,0x58,0x307,0x78,0x307,0x58,0x308,
0x78,0x308,0x59,0x307,0x79,0x307,0x5A,0x302,0x7A,0x302,0x5A,0x323,
0x7A,0x323,0x5A,0x331,0x7A,0x331,0x68,0x331,0x74,0x308,0x77,0x30A,
0x79,0x30A,0x17F,0x307,0x41,0x323,0x61,0x323,0x41,0x309,0x61,0x309,
0x41,0x302,0x301,0x61,0x302,0x301,0x41,0x302,0x300,0x61,0x302,0x300,
0x41,0x302,0x309,0x61,0x302,0x309,0x41,0x302,0x303,0x61,0x302,0x303,
0x41,0x323,0x302,0x61,0x323,0x302,0x41,0x306,0x301,0x61,0x306,0x301,
0x41,0x306,0x300,0x61,0x306,0x300,0x41,0x306,0x309,0x61,0x306,0x309,
0x41,0x306,0x303,0x61,0x306,0x303,0x41,0x323,0x306,0x61,0x323,0x306,
0x45,0x323,0x65,0x323,0x45,0x309,0x65,0x309,0x45,0x303,0x65,0x303,
0x45,0x302,0x301,0x65,0x302,0x301,0x45,0x302,0x300,0x65,0x302,0x300,
0x45,0x302,0x309,0x65,0x302,0x309,0x45,0x302,0x303,0x65,0x302,0x303,
0x45,0x323,0x302,0x65,0x323,0x302,0x49,0x309,0x69,0x309,0x49,0x323,
0x69,0x323,0x4F,0x323,0x6F,0x323,0x4F,0x309,0x6F,0x309,0x4F,0x302,
0x301,0x6F,0x302,0x301,0x4F,0x302,0x300,0x6F,0x302,0x300,0x4F,0x302,
0x309,0x6F,0x302,0x309,0x4F,0x302,0x303,0x6F,0x302,0x303,0x4F,0x323,
0x302,0x6F,0x323,0x302,0x4F,0x31B,0x301,0x6F,0x31B,0x301,0x4F,0x31B,
0x300,0x6F,0x31B,0x300,0x4F,0x31B,0x309,0x6F,0x31B,0x309,0x4F,0x31B,
0x303,0x6F,0x31B,0x303,0x4F,0x31B,0x323,0x6F,0x31B,0x323,0x55,0x323,
0x75,0x323,0x55,0x309,0x75,0x309,0x55,0x31B,0x301,0x75,0x31B,0x301,
0x55,0x31B,0x300,0x75,0x31B,0x300,0x55,0x31B,0x309,0x75,0x31B,0x309,
0x55,0x31B,0x303,0x75,0x31B,0x303,0x55,0x31B,0x323,0x75,0x31B,0x323,
0x59,0x300,0x79,0x300,0x59,0x323,0x79,0x323,0x59,0x309,0x79,0x309,
0x59,0x303,0x79,0x303,0x3B1,0x313,0x3B1,0x314,0x3B1,0x313,0x300,0x3B1,
0x314,0x300,0x3B1,0x313,0x301,0x3B1,0x314,0x301,0x3B1,0x313,0x342,0x3B1,
0x314,0x342,0x391,0x313,0x391,0x314,0x391,0x313,0x300,0x391,0x314,0x300,
0x391,0x313,0x301,0x391,0x314,0x301,0x391,0x313,0x342,0x391,0x314,0x342,
0x3B5,0x313,0x3B5,0x314,0x3B5,0x313,0x300,0x3B5,0x314,0x300,0x3B5,0x313,
0x301,0x3B5,0x314,0x301,0x395,0x313,0x395,0x314,0x395,0x313,0x300,0x395,
0x314,0x300,0x395,0x313,0x301,0x395,0x314,0x301,0x3B7,0x313,0x3B7,0x314,
0x3B7,0x313,0x300,0x3B7,0x314,0x300,0x3B7,0x313,0x301,0x3B7,0x314,0x301,
0x3B7,0x313,0x342,0x3B7,0x314,0x342,0x397,0x313,0x397,0x314,0x397,0x313,
0x300,0x397,0x314,0x300,0x397,0x313,0x301,0x397,0x314,0x301,0x397,0x313,
0x342,0x397,0x314,0x342,0x3B9,0x313,0x3B9,0x314,0x3B9,0x313,0x300,0x3B9,
0x314,0x300,0x3B9,0x313,0x301,0x3B9,0x314,0x301,0x3B9,0x313,0x342,0x3B9,
0x314,0x342,0x399,0x313,0x399,0x314,0x399,0x313,0x300,0x399,0x314,0x300,
0x399,0x313,0x301,0x399,0x314,0x301,0x399,0x313,0x342,0x399,0x314,0x342,
0x3BF,0x313,0x3BF,0x314,0x3BF,0x313,0x300,0x3BF,0x314,0x300,0x3BF,0x313,
0x301,0x3BF,0x314,0x301,0x39F,0x313,0x39F,0x314,0x39F,0x313,0x300,0x39F,
0x314,0x300,0x39F,0x313,0x301,0x39F,0x314,0x301,0x3C5,0x313,0x3C5,0x314,
0x3C5,0x313,0x300,0x3C5,0x314,0x300,0x3C5,0x313,0x301,0x3C5,0x314,0x301,
0x3C5,0x313,0x342,0x3C5,0x314,0x342,0x3A5,0x314,0x3A5,0x314,0x300,0x3A5,
0x314,0x301,0x3A5,0x314,0x342,0x3C9,0x313,0x3C9,0x314,0x3C9,0x313,0x300,
0x3C9,0x314,0x300,0x3C9,0x313,0x301,0x3C9,0x314,0x301,0x3C9,0x313,0x342,
0x3C9,0x314,0x342,0x3A9,0x313,0x3A9,0x314,0x3A9,0x313,0x300,0x3A9,0x314,
0x300,0x3A9,0x313,0x301,0x3A9,0x314,0x301,0x3A9,0x313,0x342,0x3A9,0x314,
0x342,0x3B1,0x300,0x3B1,0x301,0x3B5,0x300,0x3B5,0x301,0x3B7,0x300,0x3B7,
0x301,0x3B9,0x300,0x3B9,0x301,0x3BF,0x300,0x3BF,0x301,0x3C5,0x300,0x3C5,
0x301,0x3C9,0x300,0x3C9,0x301,0x3B1,0x313,0x345,0x3B1,0x314,0x345,0x3B1,
0x313,0x300,0x345,0x3B1,0x314,0x300,0x345,0x3B1,0x313,0x301,0x345,0x3B1,
0x314,0x301,0x345,0x3B1,0x313,0x342,0x345,0x3B1,0x314,0x342,0x345,0x391,
0x313,0x345,0x391,0x314,0x345,0x391,0x313,0x300,0x345,0x391,0x314,0x300,
0x345,0x391,0x313,0x301,0x345,0x391,0x314,0x301,0x345,0x391,0x313,0x342,
0x345,0x391,0x314,0x342,0x345,0x3B7,0x313,0x345,0x3B7,0x314,0x345,0x3B7,
0x313,0x300,0x345,0x3B7,0x314,0x300,0x345,0x3B7,0x313,0x301,0x345,0x3B7,
0x314,0x301,0x345,0x3B7,0x313,0x342,0x345,0x3B7,0x314,0x342,0x345,0x397,
0x313,0x345,0x397,0x314,0x345,0x397,0x313,0x300,0x345,0x397,0x314,0x300,
0x345,0x397,0x313,0x301,0x345,0x397,0x314,0x301,0x345,0x397,0x313,0x342,
0x345,0x397,0x314,0x342,0x345,0x3C9,0x313,0x345,0x3C9,0x314,0x345,0x3C9,
0x313,0x300,0x345,0x3C9,0x314,0x300,0x345,0x3C9,0x313,0x301,0x345,0x3C9,
0x314,0x301,0x345,0x3C9,0x313,0x342,0x345,0x3C9,0x314,0x342,0x345,0x3A9,
0x313,0x345,0x3A9,0x314,0x345,0x3A9,0x313,0x300,0x345,0x3A9,0x314,0x300,
0x345,0x3A9,0x313,0x301,0x345,0x3A9,0x314,0x301,0x345,0x3A9,0x313,0x342,
0x345,0x3A9,0x314,0x342,0x345,0x3B1,0x306,0x3B1,0x304,0x3B1,0x300,0x345,
0x3B1,0x345,0x3B1,0x301,0x345,0x3B1,0x342,0x3B1,0x342,0x345,0x391,0x306,
0x391,0x304,0x391,0x300,0x391,0x301,0x391,0x345,0x3B9,0xA8,0x342,0x3B7,
0x300,0x345,0x3B7,0x345,0x3B7,0x301,0x345,0x3B7,0x342,0x3B7,0x342,0x345,
0x395,0x300,0x395,0x301,0x397,0x300,0x397,0x301,0x397,0x345,0x1FBF,0x300,
0x1FBF,0x301,0x1FBF,0x342,0x3B9,0x306,0x3B9,0x304,0x3B9,0x308,0x300,0x3B9,
0x308,0x301,0x3B9,0x342,0x3B9,0x308,0x342,0x399,0x306,0x399,0x304,0x399,
0x300,0x399,0x301,0x1FFE,0x300,0x1FFE,0x301,0x1FFE,0x342,0x3C5,0x306,0x3C5,
0x304,0x3C5,0x308,0x300,0x3C5,0x308,0x301,0x3C1,0x313,0x3C1,0x314,0x3C5,
0x342,0x3C5,0x308,0x342,0x3A5,0x306,0x3A5,0x304,0x3A5,0x300,0x3A5,0x301,
0x3A1,0x314,0xA8,0x300,0xA8,0x301,0x60,0x3C9,0x300,0x345,0x3C9,0x345,
0x3C9,0x301,0x345,0x3C9,0x342,0x3C9,0x342,0x345,0x39F,0x300,0x39F,0x301,
0x3A9,0x300,0x3A9,0x301,0x3A9,0x345,0xB4,0x2002,0x2003,0x3A9,0x4B,0x41,
0x30A,0x2190,0x338,0x2192,0x338,0x2194,0x338,0x21D0,0x338,0x21D4,0x338,0x21D2,
0x338,0x2203,0x338,0x2208,0x338,0x220B,0x338,0x2223,0x338,0x2225,0x338,0x223C,
0x338,0x2243,0x338,0x2245,0x338,0x2248,0x338,0x3D,0x338,0x2261,0x338,0x224D,
0x338,0x3C,0x338,0x3E,0x338,0x2264,0x338,0x2265,0x338,0x2272,0x338,0x2273,
0x338,0x2276,0x338,0x2277,0x338,0x227A,0x338,0x227B,0x338,0x2282,0x338,0x2283,
0x338,0x2286,0x338,0x2287,0x338,0x22A2,0x338,0x22A8,0x338,0x22A9,0x338,0x22AB,
0x338,0x227C,0x338,0x227D,0x338,0x2291,0x338,0x2292,0x338,0x22B2,0x338,0x22B3,
0x338,0x22B4,0x338,0x22B5,0x338,0x3008,0x3009,0x2ADD,0x338,0x304B,0x3099,0x304D,
0x3099,0x304F,0x3099,0x3051,0x3099,0x3053,0x3099,0x3055,0x3099,0x3057,0x3099,0x3059,
0x3099,0x305B,0x3099,0x305D,0x3099,0x305F,0x3099,0x3061,0x3099,0x3064,0x3099,0x3066,
0x3099,0x3068,0x3099,0x306F,0x3099,0x306F,0x309A,0x3072,0x3099,0x3072,0x309A,0x3075,
0x3099,0x3075,0x309A,0x3078,0x3099,0x3078,0x309A,0x307B,0x3099,0x307B,0x309A,0x3046,
0x3099,0x309D,0x3099,0x30AB,0x3099,0x30AD,0x3099,0x30AF,0x3099,0x30B1,0x3099,0x30B3,
0x3099,0x30B5,0x3099,0x30B7,0x3099,0x30B9,0x3099,0x30BB,0x3099,0x30BD,0x3099,0x30BF,
0x3099,0x30C1,0x3099,0x30C4,0x3099,0x30C6,0x3099,0x30C8,0x3099,0x30CF,0x3099,0x30CF,
0x309A,0x30D2,0x3099,0x30D2,0x309A,0x30D5,0x3099,0x30D5,0x309A,0x30D8,0x3099,0x30D8,
0x309A,0x30DB,0x3099,0x30DB,0x309A,0x30A6,0x3099,0x30EF,0x3099,0x30F0,0x3099,0x30F1,
0x3099,0x30F2,0x3099,0x30FD,0x3099,0x8C48,0x66F4,0x8ECA,0x8CC8,0x6ED1,0x4E32,0x53E5,
0x9F9C,0x9F9C,0x5951,0x91D1,0x5587,0x5948,0x61F6,0x7669,0x7F85,0x863F,0x87BA,0x88F8,
0x908F,0x6A02,0x6D1B,0x70D9,0x73DE,0x843D,0x916A,0x99F1,0x4E82,0x5375,0x6B04,0x721B,
0x862D,0x9E1E,0x5D50,0x6FEB,0x85CD,0x8964,0x62C9,0x81D8,0x881F,0x5ECA,0x6717,0x6D6A,
0x72FC,0x90CE,0x4F86,0x51B7,0x52DE,0x64C4,0x6AD3,0x7210,0x76E7,0x8001,0x8606,0x865C,
0x8DEF,0x9732,0x9B6F,0x9DFA,0x788C,0x797F,0x7DA0,0x83C9,0x9304,0x9E7F,0x8AD6,0x58DF,
0x5F04,0x7C60,0x807E,0x7262,0x78CA,0x8CC2,0x96F7,0x58D8,0x5C62,0x6A13,0x6DDA,0x6F0F,
0x7D2F,0x7E37,0x964B,0x52D2,0x808B,0x51DC,0x51CC,0x7A1C,0x7DBE,0x83F1,0x9675,0x8B80,
0x62CF,0x6A02,0x8AFE,0x4E39,0x5BE7,0x6012,0x7387,0x7570,0x5317,0x78FB,0x4FBF,0x5FA9,
0x4E0D,0x6CCC,0x6578,0x7D22,0x53C3,0x585E,0x7701,0x8449,0x8AAA,0x6BBA,0x8FB0,0x6C88,
0x62FE,0x82E5,0x63A0,0x7565,0x4EAE,0x5169,0x51C9,0x6881,0x7CE7,0x826F,0x8AD2,0x91CF,
0x52F5,0x5442,0x5973,0x5EEC,0x65C5,0x6FFE,0x792A,0x95AD,0x9A6A,0x9E97,0x9ECE,0x529B,
0x66C6,0x6B77,0x8F62,0x5E74,0x6190,0x6200,0x649A,0x6F23,0x7149,0x7489,0x79CA,0x7DF4,
0x806F,0x8F26,0x84EE,0x9023,0x934A,0x5217,0x52A3,0x54BD,0x70C8,0x88C2,0x8AAA,0x5EC9,
0x5FF5,0x637B,0x6BAE,0x7C3E,0x7375,0x4EE4,0x56F9,0x5BE7,0x5DBA,0x601C,0x73B2,0x7469,
0x7F9A,0x8046,0x9234,0x96F6,0x9748,0x9818,0x4F8B,0x79AE,0x91B4,0x96B8,0x60E1,0x4E86,
0x50DA,0x5BEE,0x5C3F,0x6599,0x6A02,0x71CE,0x7642,0x84FC,0x907C,0x9F8D,0x6688,0x962E,
0x5289,0x677B,0x67F3,0x6D41,0x6E9C,0x7409,0x7559,0x786B,0x7D10,0x985E,0x516D,0x622E,
0x9678,0x502B,0x5D19,0x6DEA,0x8F2A,0x5F8B,0x6144,0x6817,0x7387,0x9686,0x5229,0x540F,
0x5C65,0x6613,0x674E,0x68A8,0x6CE5,0x7406,0x75E2,0x7F79,0x88CF,0x88E1,0x91CC,0x96E2,
0x533F,0x6EBA,0x541D,0x71D0,0x7498,0x85FA,0x96A3,0x9C57,0x9E9F,0x6797,0x6DCB,0x81E8,
0x7ACB,0x7B20,0x7C92,0x72C0,0x7099,0x8B58,0x4EC0,0x8336,0x523A,0x5207,0x5EA6,0x62D3,
0x7CD6,0x5B85,0x6D1E,0x66B4,0x8F3B,0x884C,0x964D,0x898B,0x5ED3,0x5140,0x55C0,0x585A,
0x6674,0x51DE,0x732A,0x76CA,0x793C,0x795E,0x7965,0x798F,0x9756,0x7CBE,0x7FBD,0x8612,
0x8AF8,0x9038,0x90FD,0x98EF,0x98FC,0x9928,0x9DB4,0x90DE,0x96B7,0x4FAE,0x50E7,0x514D,
0x52C9,0x52E4,0x5351,0x559D,0x5606,0x5668,0x5840,0x58A8,0x5C64,0x5C6E,0x6094,0x6168,
0x618E,0x61F2,0x654F,0x65E2,0x6691,0x6885,0x6D77,0x6E1A,0x6F22,0x716E,0x722B,0x7422,
0x7891,0x793E,0x7949,0x7948,0x7950,0x7956,0x795D,0x798D,0x798E,0x7A40,0x7A81,0x7BC0,
0x7DF4,0x7E09,0x7E41,0x7F72,0x8005,0x81ED,0x8279,0x8279,0x8457,0x8910,0x8996,0x8B01,
0x8B39,0x8CD3,0x8D08,0x8FB6,0x9038,0x96E3,0x97FF,0x983B,0x6075,0x242EE,0x8218,0x4E26,
0x51B5,0x5168,0x4F80,0x5145,0x5180,0x52C7,0x52FA,0x559D,0x5555,0x5599,0x55E2,0x585A,
0x58B3,0x5944,0x5954,0x5A62,0x5B28,0x5ED2,0x5ED9,0x5F69,0x5FAD,0x60D8,0x614E,0x6108,
0x618E,0x6160,0x61F2,0x6234,0x63C4,0x641C,0x6452,0x6556,0x6674,0x6717,0x671B,0x6756,
0x6B79,0x6BBA,0x6D41,0x6EDB,0x6ECB,0x6F22,0x701E,0x716E,0x77A7,0x7235,0x72AF,0x732A,
0x7471,0x7506,0x753B,0x761D,0x761F,0x76CA,0x76DB,0x76F4,0x774A,0x7740,0x78CC,0x7AB1,
0x7BC0,0x7C7B,0x7D5B,0x7DF4,0x7F3E,0x8005,0x8352,0x83EF,0x8779,0x8941,0x8986,0x8996,
0x8ABF,0x8AF8,0x8ACB,0x8B01,0x8AFE,0x8AED,0x8B39,0x8B8A,0x8D08,0x8F38,0x9072,0x9199,
0x9276,0x967C,0x96E3,0x9756,0x97DB,0x97FF,0x980B,0x983B,0x9B12,0x9F9C,0x2284A,0x22844,
0x233D5,0x3B9D,0x4018,0x4039,0x25249,0x25CD0,0x27ED3,0x9F43,0x9F8E,0x5D9,0x5B4,0x5F2,
0x5B7,0x5E9,0x5C1,0x5E9,0x5C2,0x5E9,0x5BC,0x5C1,0x5E9,0x5BC,0x5C2,0x5D0,
0x5B7,0x5D0,0x5B8,0x5D0,0x5BC,0x5D1,0x5BC,0x5D2,0x5BC,0x5D3,0x5BC,0x5D4,
0x5BC,0x5D5,0x5BC,0x5D6,0x5BC,0x5D8,0x5BC,0x5D9,0x5BC,0x5DA,0x5BC,0x5DB,
0x5BC,0x5DC,0x5BC,0x5DE,0x5BC,0x5E0,0x5BC,0x5E1,0x5BC,0x5E3,0x5BC,0x5E4,
0x5BC,0x5E6,0x5BC,0x5E7,0x5BC,0x5E8,0x5BC,0x5E9,0x5BC,0x5EA,0x5BC,0x5D5,
0x5B9,0x5D1,0x5BF,0x5DB,0x5BF,0x5E4,0x5BF,0x11099,0x110BA,0x1109B,0x110BA,0x110A5,
0x110BA,0x11131,0x11127,0x11132,0x11127,0x11347,0x1133E,0x11347,0x11357,0x114B9,0x114BA,0x114B9,
0x114B0,0x114B9,0x114BD,0x115B8,0x115AF,0x115B9,0x115AF,0x1D157,0x1D165,0x1D158,0x1D165,0x1D158,
0x1D165,0x1D16E,0x1D158,0x1D165,0x1D16F,0x1D158,0x1D165,0x1D170,0x1D158,0x1D165,0x1D171,0x1D158,
0x1D165,0x1D172,0x1D1B9,0x1D165,0x1D1BA,0x1D165,0x1D1B9,0x1D165,0x1D16E,0x1D1BA,0x1D165,0x1D16E,
0x1D1B9,0x1D165,0x1D16F,0x1D1BA,0x1D165,0x1D16F,0x4E3D,0x4E38,0x4E41,0x20122,0x4F60,0x4FAE,
0x4FBB,0x5002,0x507A,0x5099,0x50E7,0x50CF,0x349E,0x2063A,0x514D,0x5154,0x5164,0x5177,
0x2051C,0x34B9,0x5167,0x518D,0x2054B,0x5197,0x51A4,0x4ECC,0x51AC,0x51B5,0x291DF,0x51F5,
0x5203,0x34DF,0x523B,0x5246,0x5272,0x5277,0x3515,0x52C7,0x52C9,0x52E4,0x52FA,0x5305,
0x5306,0x5317,0x5349,0x5351,0x535A,0x5373,0x537D,0x537F,0x537F,0x537F,0x20A2C,0x7070,
0x53CA,0x53DF,0x20B63,0x53EB,0x53F1,0x5406,0x549E,0x5438,0x5448,0x5468,0x54A2,0x54F6,
0x5510,0x5553,0x5563,0x5584,0x5584,0x5599,0x55AB,0x55B3,0x55C2,0x5716,0x5606,0x5717,
0x5651,0x5674,0x5207,0x58EE,0x57CE,0x57F4,0x580D,0x578B,0x5832,0x5831,0x58AC,0x214E4,
0x58F2,0x58F7,0x5906,0x591A,0x5922,0x5962,0x216A8,0x216EA,0x59EC,0x5A1B,0x5A27,0x59D8,
0x5A66,0x36EE,0x36FC,0x5B08,0x5B3E,0x5B3E,0x219C8,0x5BC3,0x5BD8,0x5BE7,0x5BF3,0x21B18,
0x5BFF,0x5C06,0x5F53,0x5C22,0x3781,0x5C60,0x5C6E,0x5CC0,0x5C8D,0x21DE4,0x5D43,0x21DE6,
0x5D6E,0x5D6B,0x5D7C,0x5DE1,0x5DE2,0x382F,0x5DFD,0x5E28,0x5E3D,0x5E69,0x3862,0x22183,
0x387C,0x5EB0,0x5EB3,0x5EB6,0x5ECA,0x2A392,0x5EFE,0x22331,0x22331,0x8201,0x5F22,0x5F22,
0x38C7,0x232B8,0x261DA,0x5F62,0x5F6B,0x38E3,0x5F9A,0x5FCD,0x5FD7,0x5FF9,0x6081,0x393A,
0x391C,0x6094,0x226D4,0x60C7,0x6148,0x614C,0x614E,0x614C,0x617A,0x618E,0x61B2,0x61A4,
0x61AF,0x61DE,0x61F2,0x61F6,0x6210,0x621B,0x625D,0x62B1,0x62D4,0x6350,0x22B0C,0x633D,
0x62FC,0x6368,0x6383,0x63E4,0x22BF1,0x6422,0x63C5,0x63A9,0x3A2E,0x6469,0x647E,0x649D,
0x6477,0x3A6C,0x654F,0x656C,0x2300A,0x65E3,0x66F8,0x6649,0x3B19,0x6691,0x3B08,0x3AE4,
0x5192,0x5195,0x6700,0x669C,0x80AD,0x43D9,0x6717,0x671B,0x6721,0x675E,0x6753,0x233C3,
0x3B49,0x67FA,0x6785,0x6852,0x6885,0x2346D,0x688E,0x681F,0x6914,0x3B9D,0x6942,0x69A3,
0x69EA,0x6AA8,0x236A3,0x6ADB,0x3C18,0x6B21,0x238A7,0x6B54,0x3C4E,0x6B72,0x6B9F,0x6BBA,
0x6BBB,0x23A8D,0x21D0B,0x23AFA,0x6C4E,0x23CBC,0x6CBF,0x6CCD,0x6C67,0x6D16,0x6D3E,0x6D77,
0x6D41,0x6D69,0x6D78,0x6D85,0x23D1E,0x6D34,0x6E2F,0x6E6E,0x3D33,0x6ECB,0x6EC7,0x23ED1,
0x6DF9,0x6F6E,0x23F5E,0x23F8E,0x6FC6,0x7039,0x701E,0x701B,0x3D96,0x704A,0x707D,0x7077,
0x70AD,0x20525,0x7145,0x24263,0x719C,0x243AB,0x7228,0x7235,0x7250,0x24608,0x7280,0x7295,
0x24735,0x24814,0x737A,0x738B,0x3EAC,0x73A5,0x3EB8,0x3EB8,0x7447,0x745C,0x7471,0x7485,
0x74CA,0x3F1B,0x7524,0x24C36,0x753E,0x24C92,0x7570,0x2219F,0x7610,0x24FA1,0x24FB8,0x25044,
0x3FFC,0x4008,0x76F4,0x250F3,0x250F2,0x25119,0x25133,0x771E,0x771F,0x771F,0x774A,0x4039,
0x778B,0x4046,0x4096,0x2541D,0x784E,0x788C,0x78CC,0x40E3,0x25626,0x7956,0x2569A,0x256C5,
0x798F,0x79EB,0x412F,0x7A40,0x7A4A,0x7A4F,0x2597C,0x25AA7,0x25AA7,0x7AEE,0x4202,0x25BAB,
0x7BC6,0x7BC9,0x4227,0x25C80,0x7CD2,0x42A0,0x7CE8,0x7CE3,0x7D00,0x25F86,0x7D63,0x4301,
0x7DC7,0x7E02,0x7E45,0x4334,0x26228,0x26247,0x4359,0x262D9,0x7F7A,0x2633E,0x7F95,0x7FFA,
0x8005,0x264DA,0x26523,0x8060,0x265A8,0x8070,0x2335F,0x43D5,0x80B2,0x8103,0x440B,0x813E,
0x5AB5,0x267A7,0x267B5,0x23393,0x2339C,0x8201,0x8204,0x8F9E,0x446B,0x8291,0x828B,0x829D,
0x52B3,0x82B1,0x82B3,0x82BD,0x82E6,0x26B3C,0x82E5,0x831D,0x8363,0x83AD,0x8323,0x83BD,
0x83E7,0x8457,0x8353,0x83CA,0x83CC,0x83DC,0x26C36,0x26D6B,0x26CD5,0x452B,0x84F1,0x84F3,
0x8516,0x273CA,0x8564,0x26F2C,0x455D,0x4561,0x26FB1,0x270D2,0x456B,0x8650,0x865C,0x8667,
0x8669,0x86A9,0x8688,0x870E,0x86E2,0x8779,0x8728,0x876B,0x8786,0x45D7,0x87E1,0x8801,
0x45F9,0x8860,0x8863,0x27667,0x88D7,0x88DE,0x4635,0x88FA,0x34BB,0x278AE,0x27966,0x46BE,
0x46C7,0x8AA0,0x8AED,0x8B8A,0x8C55,0x27CA8,0x8CAB,0x8CC1,0x8D1B,0x8D77,0x27F2F,0x20804,
0x8DCB,0x8DBC,0x8DF0,0x208DE,0x8ED4,0x8F38,0x285D2,0x285ED,0x9094,0x90F1,0x9111,0x2872E,
0x911B,0x9238,0x92D7,0x92D8,0x927C,0x93F9,0x9415,0x28BFA,0x958B,0x4995,0x95B7,0x28D77,
0x49E6,0x96C3,0x5DB2,0x9723,0x29145,0x2921A,0x4A6E,0x4A76,0x97E0,0x2940A,0x4AB2,0x29496,
0x980B,0x980B,0x9829,0x295B6,0x98E2,0x4B33,0x9929,0x99A7,0x99C2,0x99FE,0x4BCE,0x29B30,
0x9B12,0x9C40,0x9CFD,0x4CCE,0x4CED,0x9D67,0x2A0CE,0x4CF8,0x2A105,0x2A20E,0x2A291,0x9EBB,
0x4D56,0x9EF9,0x9EFE,0x9F05,0x9F0F,0x9F16,0x9F3B,0x2A600,};

/* Lowercase (Rust's char::to_lowercase: simple mappings + unconditional SpecialCasing):
   {cp, offset into bft__u_lower_pool, length}, sorted by cp. */
static const uint32_t bft__u_lower_index[][3] = {
{0x41,0,1},{0x42,1,1},{0x43,2,1},{0x44,3,1},{0x45,4,1},{0x46,5,1},
{0x47,6,1},{0x48,7,1},{0x49,8,1},{0x4A,9,1},{0x4B,10,1},{0x4C,11,1},
{0x4D,12,1},{0x4E,13,1},{0x4F,14,1},{0x50,15,1},{0x51,16,1},{0x52,17,1},
{0x53,18,1},{0x54,19,1},{0x55,20,1},{0x56,21,1},{0x57,22,1},{0x58,23,1},
{0x59,24,1},{0x5A,25,1},{0xC0,26,1},{0xC1,27,1},{0xC2,28,1},{0xC3,29,1},
{0xC4,30,1},{0xC5,31,1},{0xC6,32,1},{0xC7,33,1},{0xC8,34,1},{0xC9,35,1},
{0xCA,36,1},{0xCB,37,1},{0xCC,38,1},{0xCD,39,1},{0xCE,40,1},{0xCF,41,1},
{0xD0,42,1},{0xD1,43,1},{0xD2,44,1},{0xD3,45,1},{0xD4,46,1},{0xD5,47,1},
{0xD6,48,1},{0xD8,49,1},{0xD9,50,1},{0xDA,51,1},{0xDB,52,1},{0xDC,53,1},
{0xDD,54,1},{0xDE,55,1},{0x100,56,1},{0x102,57,1},{0x104,58,1},{0x106,59,1},
{0x108,60,1},{0x10A,61,1},{0x10C,62,1},{0x10E,63,1},{0x110,64,1},{0x112,65,1},
{0x114,66,1},{0x116,67,1},{0x118,68,1},{0x11A,69,1},{0x11C,70,1},{0x11E,71,1},
{0x120,72,1},{0x122,73,1},{0x124,74,1},{0x126,75,1},{0x128,76,1},{0x12A,77,1},
{0x12C,78,1},{0x12E,79,1},{0x130,80,2},{0x132,82,1},{0x134,83,1},{0x136,84,1},
{0x139,85,1},{0x13B,86,1},{0x13D,87,1},{0x13F,88,1},{0x141,89,1},{0x143,90,1},
{0x145,91,1},{0x147,92,1},{0x14A,93,1},{0x14C,94,1},{0x14E,95,1},{0x150,96,1},
{0x152,97,1},{0x154,98,1},{0x156,99,1},{0x158,100,1},{0x15A,101,1},{0x15C,102,1},
{0x15E,103,1},{0x160,104,1},{0x162,105,1},{0x164,106,1},{0x166,107,1},{0x168,108,1},
{0x16A,109,1},{0x16C,110,1},{0x16E,111,1},{0x170,112,1},{0x172,113,1},{0x174,114,1},
{0x176,115,1},{0x178,116,1},{0x179,117,1},{0x17B,118,1},{0x17D,119,1},{0x181,120,1},
{0x182,121,1},{0x184,122,1},{0x186,123,1},{0x187,124,1},{0x189,125,1},{0x18A,126,1},
{0x18B,127,1},{0x18E,128,1},{0x18F,129,1},{0x190,130,1},{0x191,131,1},{0x193,132,1},
{0x194,133,1},{0x196,134,1},{0x197,135,1},{0x198,136,1},{0x19C,137,1},{0x19D,138,1},
{0x19F,139,1},{0x1A0,140,1},{0x1A2,141,1},{0x1A4,142,1},{0x1A6,143,1},{0x1A7,144,1},
{0x1A9,145,1},{0x1AC,146,1},{0x1AE,147,1},{0x1AF,148,1},{0x1B1,149,1},{0x1B2,150,1},
{0x1B3,151,1},{0x1B5,152,1},{0x1B7,153,1},{0x1B8,154,1},{0x1BC,155,1},{0x1C4,156,1},
{0x1C5,157,1},{0x1C7,158,1},{0x1C8,159,1},{0x1CA,160,1},{0x1CB,161,1},{0x1CD,162,1},
{0x1CF,163,1},{0x1D1,164,1},{0x1D3,165,1},{0x1D5,166,1},{0x1D7,167,1},{0x1D9,168,1},
{0x1DB,169,1},{0x1DE,170,1},{0x1E0,171,1},{0x1E2,172,1},{0x1E4,173,1},{0x1E6,174,1},
{0x1E8,175,1},{0x1EA,176,1},{0x1EC,177,1},{0x1EE,178,1},{0x1F1,179,1},{0x1F2,180,1},
{0x1F4,181,1},{0x1F6,182,1},{0x1F7,183,1},{0x1F8,184,1},{0x1FA,185,1},{0x1FC,186,1},
{0x1FE,187,1},{0x200,188,1},{0x202,189,1},{0x204,190,1},{0x206,191,1},{0x208,192,1},
{0x20A,193,1},{0x20C,194,1},{0x20E,195,1},{0x210,196,1},{0x212,197,1},{0x214,198,1},
{0x216,199,1},{0x218,200,1},{0x21A,201,1},{0x21C,202,1},{0x21E,203,1},{0x220,204,1},
{0x222,205,1},{0x224,206,1},{0x226,207,1},{0x228,208,1},{0x22A,209,1},{0x22C,210,1},
{0x22E,211,1},{0x230,212,1},{0x232,213,1},{0x23A,214,1},{0x23B,215,1},{0x23D,216,1},
{0x23E,217,1},{0x241,218,1},{0x243,219,1},{0x244,220,1},{0x245,221,1},{0x246,222,1},
{0x248,223,1},{0x24A,224,1},{0x24C,225,1},{0x24E,226,1},{0x370,227,1},{0x372,228,1},
{0x376,229,1},{0x37F,230,1},{0x386,231,1},{0x388,232,1},{0x389,233,1},{0x38A,234,1},
{0x38C,235,1},{0x38E,236,1},{0x38F,237,1},{0x391,238,1},{0x392,239,1},{0x393,240,1},
{0x394,241,1},{0x395,242,1},{0x396,243,1},{0x397,244,1},{0x398,245,1},{0x399,246,1},
{0x39A,247,1},{0x39B,248,1},{0x39C,249,1},{0x39D,250,1},{0x39E,251,1},{0x39F,252,1},
{0x3A0,253,1},{0x3A1,254,1},{0x3A3,255,1},{0x3A4,256,1},{0x3A5,257,1},{0x3A6,258,1},
{0x3A7,259,1},{0x3A8,260,1},{0x3A9,261,1},{0x3AA,262,1},{0x3AB,263,1},{0x3CF,264,1},
{0x3D8,265,1},{0x3DA,266,1},{0x3DC,267,1},{0x3DE,268,1},{0x3E0,269,1},{0x3E2,270,1},
{0x3E4,271,1},{0x3E6,272,1},{0x3E8,273,1},{0x3EA,274,1},{0x3EC,275,1},{0x3EE,276,1},
{0x3F4,277,1},{0x3F7,278,1},{0x3F9,279,1},{0x3FA,280,1},{0x3FD,281,1},{0x3FE,282,1},
{0x3FF,283,1},{0x400,284,1},{0x401,285,1},{0x402,286,1},{0x403,287,1},{0x404,288,1},
{0x405,289,1},{0x406,290,1},{0x407,291,1},{0x408,292,1},{0x409,293,1},{0x40A,294,1},
{0x40B,295,1},{0x40C,296,1},{0x40D,297,1},{0x40E,298,1},{0x40F,299,1},{0x410,300,1},
{0x411,301,1},{0x412,302,1},{0x413,303,1},{0x414,304,1},{0x415,305,1},{0x416,306,1},
{0x417,307,1},{0x418,308,1},{0x419,309,1},{0x41A,310,1},{0x41B,311,1},{0x41C,312,1},
{0x41D,313,1},{0x41E,314,1},{0x41F,315,1},{0x420,316,1},{0x421,317,1},{0x422,318,1},
{0x423,319,1},{0x424,320,1},{0x425,321,1},{0x426,322,1},{0x427,323,1},{0x428,324,1},
{0x429,325,1},{0x42A,326,1},{0x42B,327,1},{0x42C,328,1},{0x42D,329,1},{0x42E,330,1},
{0x42F,331,1},{0x460,332,1},{0x462,333,1},{0x464,334,1},{0x466,335,1},{0x468,336,1},
{0x46A,337,1},{0x46C,338,1},{0x46E,339,1},{0x470,340,1},{0x472,341,1},{0x474,342,1},
{0x476,343,1},{0x478,344,1},{0x47A,345,1},{0x47C,346,1},{0x47E,347,1},{0x480,348,1},
{0x48A,349,1},{0x48C,350,1},{0x48E,351,1},{0x490,352,1},{0x492,353,1},{0x494,354,1},
{0x496,355,1},{0x498,356,1},{0x49A,357,1},{0x49C,358,1},{0x49E,359,1},{0x4A0,360,1},
{0x4A2,361,1},{0x4A4,362,1},{0x4A6,363,1},{0x4A8,364,1},{0x4AA,365,1},{0x4AC,366,1},
{0x4AE,367,1},{0x4B0,368,1},{0x4B2,369,1},{0x4B4,370,1},{0x4B6,371,1},{0x4B8,372,1},
{0x4BA,373,1},{0x4BC,374,1},{0x4BE,375,1},{0x4C0,376,1},{0x4C1,377,1},{0x4C3,378,1},
{0x4C5,379,1},{0x4C7,380,1},{0x4C9,381,1},{0x4CB,382,1},{0x4CD,383,1},{0x4D0,384,1},
{0x4D2,385,1},{0x4D4,386,1},{0x4D6,387,1},{0x4D8,388,1},{0x4DA,389,1},{0x4DC,390,1},
{0x4DE,391,1},{0x4E0,392,1},{0x4E2,393,1},{0x4E4,394,1},{0x4E6,395,1},{0x4E8,396,1},
{0x4EA,397,1},{0x4EC,398,1},{0x4EE,399,1},{0x4F0,400,1},{0x4F2,401,1},{0x4F4,402,1},
{0x4F6,403,1},{0x4F8,404,1},{0x4FA,405,1},{0x4FC,406,1},{0x4FE,407,1},{0x500,408,1},
{0x502,409,1},{0x504,410,1},{0x506,411,1},{0x508,412,1},{0x50A,413,1},{0x50C,414,1},
{0x50E,415,1},{0x510,416,1},{0x512,417,1},{0x514,418,1},{0x516,419,1},{0x518,420,1},
{0x51A,421,1},{0x51C,422,1},{0x51E,423,1},{0x520,424,1},{0x522,425,1},{0x524,426,1},
{0x526,427,1},{0x528,428,1},{0x52A,429,1},{0x52C,430,1},{0x52E,431,1},{0x531,432,1},
{0x532,433,1},{0x533,434,1},{0x534,435,1},{0x535,436,1},{0x536,437,1},{0x537,438,1},
{0x538,439,1},{0x539,440,1},{0x53A,441,1},{0x53B,442,1},{0x53C,443,1},{0x53D,444,1},
{0x53E,445,1},{0x53F,446,1},{0x540,447,1},{0x541,448,1},{0x542,449,1},{0x543,450,1},
{0x544,451,1},{0x545,452,1},{0x546,453,1},{0x547,454,1},{0x548,455,1},{0x549,456,1},
{0x54A,457,1},{0x54B,458,1},{0x54C,459,1},{0x54D,460,1},{0x54E,461,1},{0x54F,462,1},
{0x550,463,1},{0x551,464,1},{0x552,465,1},{0x553,466,1},{0x554,467,1},{0x555,468,1},
{0x556,469,1},{0x10A0,470,1},{0x10A1,471,1},{0x10A2,472,1},{0x10A3,473,1},{0x10A4,474,1},
{0x10A5,475,1},{0x10A6,476,1},{0x10A7,477,1},{0x10A8,478,1},{0x10A9,479,1},{0x10AA,480,1},
{0x10AB,481,1},{0x10AC,482,1},{0x10AD,483,1},{0x10AE,484,1},{0x10AF,485,1},{0x10B0,486,1},
{0x10B1,487,1},{0x10B2,488,1},{0x10B3,489,1},{0x10B4,490,1},{0x10B5,491,1},{0x10B6,492,1},
{0x10B7,493,1},{0x10B8,494,1},{0x10B9,495,1},{0x10BA,496,1},{0x10BB,497,1},{0x10BC,498,1},
{0x10BD,499,1},{0x10BE,500,1},{0x10BF,501,1},{0x10C0,502,1},{0x10C1,503,1},{0x10C2,504,1},
{0x10C3,505,1},{0x10C4,506,1},{0x10C5,507,1},{0x10C7,508,1},{0x10CD,509,1},{0x13A0,510,1},
{0x13A1,511,1},{0x13A2,512,1},{0x13A3,513,1},{0x13A4,514,1},{0x13A5,515,1},{0x13A6,516,1},
{0x13A7,517,1},{0x13A8,518,1},{0x13A9,519,1},{0x13AA,520,1},{0x13AB,521,1},{0x13AC,522,1},
{0x13AD,523,1},{0x13AE,524,1},{0x13AF,525,1},{0x13B0,526,1},{0x13B1,527,1},{0x13B2,528,1},
{0x13B3,529,1},{0x13B4,530,1},{0x13B5,531,1},{0x13B6,532,1},{0x13B7,533,1},{0x13B8,534,1},
{0x13B9,535,1},{0x13BA,536,1},{0x13BB,537,1},{0x13BC,538,1},{0x13BD,539,1},{0x13BE,540,1},
{0x13BF,541,1},{0x13C0,542,1},{0x13C1,543,1},{0x13C2,544,1},{0x13C3,545,1},{0x13C4,546,1},
{0x13C5,547,1},{0x13C6,548,1},{0x13C7,549,1},{0x13C8,550,1},{0x13C9,551,1},{0x13CA,552,1},
{0x13CB,553,1},{0x13CC,554,1},{0x13CD,555,1},{0x13CE,556,1},{0x13CF,557,1},{0x13D0,558,1},
{0x13D1,559,1},{0x13D2,560,1},{0x13D3,561,1},{0x13D4,562,1},{0x13D5,563,1},{0x13D6,564,1},
{0x13D7,565,1},{0x13D8,566,1},{0x13D9,567,1},{0x13DA,568,1},{0x13DB,569,1},{0x13DC,570,1},
{0x13DD,571,1},{0x13DE,572,1},{0x13DF,573,1},{0x13E0,574,1},{0x13E1,575,1},{0x13E2,576,1},
{0x13E3,577,1},{0x13E4,578,1},{0x13E5,579,1},{0x13E6,580,1},{0x13E7,581,1},{0x13E8,582,1},
{0x13E9,583,1},{0x13EA,584,1},{0x13EB,585,1},{0x13EC,586,1},{0x13ED,587,1},{0x13EE,588,1},
{0x13EF,589,1},{0x13F0,590,1},{0x13F1,591,1},{0x13F2,592,1},{0x13F3,593,1},{0x13F4,594,1},
{0x13F5,595,1},{0x1C89,596,1},{0x1C90,597,1},{0x1C91,598,1},{0x1C92,599,1},{0x1C93,600,1},
{0x1C94,601,1},{0x1C95,602,1},{0x1C96,603,1},{0x1C97,604,1},{0x1C98,605,1},{0x1C99,606,1},
{0x1C9A,607,1},{0x1C9B,608,1},{0x1C9C,609,1},{0x1C9D,610,1},{0x1C9E,611,1},{0x1C9F,612,1},
{0x1CA0,613,1},{0x1CA1,614,1},{0x1CA2,615,1},{0x1CA3,616,1},{0x1CA4,617,1},{0x1CA5,618,1},
{0x1CA6,619,1},{0x1CA7,620,1},{0x1CA8,621,1},{0x1CA9,622,1},{0x1CAA,623,1},{0x1CAB,624,1},
{0x1CAC,625,1},{0x1CAD,626,1},{0x1CAE,627,1},{0x1CAF,628,1},{0x1CB0,629,1},{0x1CB1,630,1},
{0x1CB2,631,1},{0x1CB3,632,1},{0x1CB4,633,1},{0x1CB5,634,1},{0x1CB6,635,1},{0x1CB7,636,1},
{0x1CB8,637,1},{0x1CB9,638,1},{0x1CBA,639,1},{0x1CBD,640,1},{0x1CBE,641,1},{0x1CBF,642,1},
{0x1E00,643,1},{0x1E02,644,1},{0x1E04,645,1},{0x1E06,646,1},{0x1E08,647,1},{0x1E0A,648,1},
{0x1E0C,649,1},{0x1E0E,650,1},{0x1E10,651,1},{0x1E12,652,1},{0x1E14,653,1},{0x1E16,654,1},
{0x1E18,655,1},{0x1E1A,656,1},{0x1E1C,657,1},{0x1E1E,658,1},{0x1E20,659,1},{0x1E22,660,1},
{0x1E24,661,1},{0x1E26,662,1},{0x1E28,663,1},{0x1E2A,664,1},{0x1E2C,665,1},{0x1E2E,666,1},
{0x1E30,667,1},{0x1E32,668,1},{0x1E34,669,1},{0x1E36,670,1},{0x1E38,671,1},{0x1E3A,672,1},
{0x1E3C,673,1},{0x1E3E,674,1},{0x1E40,675,1},{0x1E42,676,1},{0x1E44,677,1},{0x1E46,678,1},
{0x1E48,679,1},{0x1E4A,680,1},{0x1E4C,681,1},{0x1E4E,682,1},{0x1E50,683,1},{0x1E52,684,1},
{0x1E54,685,1},{0x1E56,686,1},{0x1E58,687,1},{0x1E5A,688,1},{0x1E5C,689,1},{0x1E5E,690,1},
{0x1E60,691,1},{0x1E62,692,1},{0x1E64,693,1},{0x1E66,694,1},{0x1E68,695,1},{0x1E6A,696,1},
{0x1E6C,697,1},{0x1E6E,698,1},{0x1E70,699,1},{0x1E72,700,1},{0x1E74,701,1},{0x1E76,702,1},
{0x1E78,703,1},{0x1E7A,704,1},{0x1E7C,705,1},{0x1E7E,706,1},{0x1E80,707,1},{0x1E82,708,1},
{0x1E84,709,1},{0x1E86,710,1},{0x1E88,711,1},{0x1E8A,712,1},{0x1E8C,713,1},{0x1E8E,714,1},
{0x1E90,715,1},{0x1E92,716,1},{0x1E94,717,1},{0x1E9E,718,1},{0x1EA0,719,1},{0x1EA2,720,1},
{0x1EA4,721,1},{0x1EA6,722,1},{0x1EA8,723,1},{0x1EAA,724,1},{0x1EAC,725,1},{0x1EAE,726,1},
{0x1EB0,727,1},{0x1EB2,728,1},{0x1EB4,729,1},{0x1EB6,730,1},{0x1EB8,731,1},{0x1EBA,732,1},
{0x1EBC,733,1},{0x1EBE,734,1},{0x1EC0,735,1},{0x1EC2,736,1},{0x1EC4,737,1},{0x1EC6,738,1},
{0x1EC8,739,1},{0x1ECA,740,1},{0x1ECC,741,1},{0x1ECE,742,1},{0x1ED0,743,1},{0x1ED2,744,1},
{0x1ED4,745,1},{0x1ED6,746,1},{0x1ED8,747,1},{0x1EDA,748,1},{0x1EDC,749,1},{0x1EDE,750,1},
{0x1EE0,751,1},{0x1EE2,752,1},{0x1EE4,753,1},{0x1EE6,754,1},{0x1EE8,755,1},{0x1EEA,756,1},
{0x1EEC,757,1},{0x1EEE,758,1},{0x1EF0,759,1},{0x1EF2,760,1},{0x1EF4,761,1},{0x1EF6,762,1},
{0x1EF8,763,1},{0x1EFA,764,1},{0x1EFC,765,1},{0x1EFE,766,1},{0x1F08,767,1},{0x1F09,768,1},
{0x1F0A,769,1},{0x1F0B,770,1},{0x1F0C,771,1},{0x1F0D,772,1},{0x1F0E,773,1},{0x1F0F,774,1},
{0x1F18,775,1},{0x1F19,776,1},{0x1F1A,777,1},{0x1F1B,778,1},{0x1F1C,779,1},{0x1F1D,780,1},
{0x1F28,781,1},{0x1F29,782,1},{0x1F2A,783,1},{0x1F2B,784,1},{0x1F2C,785,1},{0x1F2D,786,1},
{0x1F2E,787,1},{0x1F2F,788,1},{0x1F38,789,1},{0x1F39,790,1},{0x1F3A,791,1},{0x1F3B,792,1},
{0x1F3C,793,1},{0x1F3D,794,1},{0x1F3E,795,1},{0x1F3F,796,1},{0x1F48,797,1},{0x1F49,798,1},
{0x1F4A,799,1},{0x1F4B,800,1},{0x1F4C,801,1},{0x1F4D,802,1},{0x1F59,803,1},{0x1F5B,804,1},
{0x1F5D,805,1},{0x1F5F,806,1},{0x1F68,807,1},{0x1F69,808,1},{0x1F6A,809,1},{0x1F6B,810,1},
{0x1F6C,811,1},{0x1F6D,812,1},{0x1F6E,813,1},{0x1F6F,814,1},{0x1F88,815,1},{0x1F89,816,1},
{0x1F8A,817,1},{0x1F8B,818,1},{0x1F8C,819,1},{0x1F8D,820,1},{0x1F8E,821,1},{0x1F8F,822,1},
{0x1F98,823,1},{0x1F99,824,1},{0x1F9A,825,1},{0x1F9B,826,1},{0x1F9C,827,1},{0x1F9D,828,1},
{0x1F9E,829,1},{0x1F9F,830,1},{0x1FA8,831,1},{0x1FA9,832,1},{0x1FAA,833,1},{0x1FAB,834,1},
{0x1FAC,835,1},{0x1FAD,836,1},{0x1FAE,837,1},{0x1FAF,838,1},{0x1FB8,839,1},{0x1FB9,840,1},
{0x1FBA,841,1},{0x1FBB,842,1},{0x1FBC,843,1},{0x1FC8,844,1},{0x1FC9,845,1},{0x1FCA,846,1},
{0x1FCB,847,1},{0x1FCC,848,1},{0x1FD8,849,1},{0x1FD9,850,1},{0x1FDA,851,1},{0x1FDB,852,1},
{0x1FE8,853,1},{0x1FE9,854,1},{0x1FEA,855,1},{0x1FEB,856,1},{0x1FEC,857,1},{0x1FF8,858,1},
{0x1FF9,859,1},{0x1FFA,860,1},{0x1FFB,861,1},{0x1FFC,862,1},{0x2126,863,1},{0x212A,864,1},
{0x212B,865,1},{0x2132,866,1},{0x2160,867,1},{0x2161,868,1},{0x2162,869,1},{0x2163,870,1},
{0x2164,871,1},{0x2165,872,1},{0x2166,873,1},{0x2167,874,1},{0x2168,875,1},{0x2169,876,1},
{0x216A,877,1},{0x216B,878,1},{0x216C,879,1},{0x216D,880,1},{0x216E,881,1},{0x216F,882,1},
{0x2183,883,1},{0x24B6,884,1},{0x24B7,885,1},{0x24B8,886,1},{0x24B9,887,1},{0x24BA,888,1},
{0x24BB,889,1},{0x24BC,890,1},{0x24BD,891,1},{0x24BE,892,1},{0x24BF,893,1},{0x24C0,894,1},
{0x24C1,895,1},{0x24C2,896,1},{0x24C3,897,1},{0x24C4,898,1},{0x24C5,899,1},{0x24C6,900,1},
{0x24C7,901,1},{0x24C8,902,1},{0x24C9,903,1},{0x24CA,904,1},{0x24CB,905,1},{0x24CC,906,1},
{0x24CD,907,1},{0x24CE,908,1},{0x24CF,909,1},{0x2C00,910,1},{0x2C01,911,1},{0x2C02,912,1},
{0x2C03,913,1},{0x2C04,914,1},{0x2C05,915,1},{0x2C06,916,1},{0x2C07,917,1},{0x2C08,918,1},
{0x2C09,919,1},{0x2C0A,920,1},{0x2C0B,921,1},{0x2C0C,922,1},{0x2C0D,923,1},{0x2C0E,924,1},
{0x2C0F,925,1},{0x2C10,926,1},{0x2C11,927,1},{0x2C12,928,1},{0x2C13,929,1},{0x2C14,930,1},
{0x2C15,931,1},{0x2C16,932,1},{0x2C17,933,1},{0x2C18,934,1},{0x2C19,935,1},{0x2C1A,936,1},
{0x2C1B,937,1},{0x2C1C,938,1},{0x2C1D,939,1},{0x2C1E,940,1},{0x2C1F,941,1},{0x2C20,942,1},
{0x2C21,943,1},{0x2C22,944,1},{0x2C23,945,1},{0x2C24,946,1},{0x2C25,947,1},{0x2C26,948,1},
{0x2C27,949,1},{0x2C28,950,1},{0x2C29,951,1},{0x2C2A,952,1},{0x2C2B,953,1},{0x2C2C,954,1},
{0x2C2D,955,1},{0x2C2E,956,1},{0x2C2F,957,1},{0x2C60,958,1},{0x2C62,959,1},{0x2C63,960,1},
{0x2C64,961,1},{0x2C67,962,1},{0x2C69,963,1},{0x2C6B,964,1},{0x2C6D,965,1},{0x2C6E,966,1},
{0x2C6F,967,1},{0x2C70,968,1},{0x2C72,969,1},{0x2C75,970,1},{0x2C7E,971,1},{0x2C7F,972,1},
{0x2C80,973,1},{0x2C82,974,1},{0x2C84,975,1},{0x2C86,976,1},{0x2C88,977,1},{0x2C8A,978,1},
{0x2C8C,979,1},{0x2C8E,980,1},{0x2C90,981,1},{0x2C92,982,1},{0x2C94,983,1},{0x2C96,984,1},
{0x2C98,985,1},{0x2C9A,986,1},{0x2C9C,987,1},{0x2C9E,988,1},{0x2CA0,989,1},{0x2CA2,990,1},
{0x2CA4,991,1},{0x2CA6,992,1},{0x2CA8,993,1},{0x2CAA,994,1},{0x2CAC,995,1},{0x2CAE,996,1},
{0x2CB0,997,1},{0x2CB2,998,1},{0x2CB4,999,1},{0x2CB6,1000,1},{0x2CB8,1001,1},{0x2CBA,1002,1},
{0x2CBC,1003,1},{0x2CBE,1004,1},{0x2CC0,1005,1},{0x2CC2,1006,1},{0x2CC4,1007,1},{0x2CC6,1008,1},
{0x2CC8,1009,1},{0x2CCA,1010,1},{0x2CCC,1011,1},{0x2CCE,1012,1},{0x2CD0,1013,1},{0x2CD2,1014,1},
{0x2CD4,1015,1},{0x2CD6,1016,1},{0x2CD8,1017,1},{0x2CDA,1018,1},{0x2CDC,1019,1},{0x2CDE,1020,1},
{0x2CE0,1021,1},{0x2CE2,1022,1},{0x2CEB,1023,1},{0x2CED,1024,1},{0x2CF2,1025,1},{0xA640,1026,1},
{0xA642,1027,1},{0xA644,1028,1},{0xA646,1029,1},{0xA648,1030,1},{0xA64A,1031,1},{0xA64C,1032,1},
{0xA64E,1033,1},{0xA650,1034,1},{0xA652,1035,1},{0xA654,1036,1},{0xA656,1037,1},{0xA658,1038,1},
{0xA65A,1039,1},{0xA65C,1040,1},{0xA65E,1041,1},{0xA660,1042,1},{0xA662,1043,1},{0xA664,1044,1},
{0xA666,1045,1},{0xA668,1046,1},{0xA66A,1047,1},{0xA66C,1048,1},{0xA680,1049,1},{0xA682,1050,1},
{0xA684,1051,1},{0xA686,1052,1},{0xA688,1053,1},{0xA68A,1054,1},{0xA68C,1055,1},{0xA68E,1056,1},
{0xA690,1057,1},{0xA692,1058,1},{0xA694,1059,1},{0xA696,1060,1},{0xA698,1061,1},{0xA69A,1062,1},
{0xA722,1063,1},{0xA724,1064,1},{0xA726,1065,1},{0xA728,1066,1},{0xA72A,1067,1},{0xA72C,1068,1},
{0xA72E,1069,1},{0xA732,1070,1},{0xA734,1071,1},{0xA736,1072,1},{0xA738,1073,1},{0xA73A,1074,1},
{0xA73C,1075,1},{0xA73E,1076,1},{0xA740,1077,1},{0xA742,1078,1},{0xA744,1079,1},{0xA746,1080,1},
{0xA748,1081,1},{0xA74A,1082,1},{0xA74C,1083,1},{0xA74E,1084,1},{0xA750,1085,1},{0xA752,1086,1},
{0xA754,1087,1},{0xA756,1088,1},{0xA758,1089,1},{0xA75A,1090,1},{0xA75C,1091,1},{0xA75E,1092,1},
{0xA760,1093,1},{0xA762,1094,1},{0xA764,1095,1},{0xA766,1096,1},{0xA768,1097,1},{0xA76A,1098,1},
{0xA76C,1099,1},{0xA76E,1100,1},{0xA779,1101,1},{0xA77B,1102,1},{0xA77D,1103,1},{0xA77E,1104,1},
{0xA780,1105,1},{0xA782,1106,1},{0xA784,1107,1},{0xA786,1108,1},{0xA78B,1109,1},{0xA78D,1110,1},
{0xA790,1111,1},{0xA792,1112,1},{0xA796,1113,1},{0xA798,1114,1},{0xA79A,1115,1},{0xA79C,1116,1},
{0xA79E,1117,1},{0xA7A0,1118,1},{0xA7A2,1119,1},{0xA7A4,1120,1},{0xA7A6,1121,1},{0xA7A8,1122,1},
{0xA7AA,1123,1},{0xA7AB,1124,1},{0xA7AC,1125,1},{0xA7AD,1126,1},{0xA7AE,1127,1},{0xA7B0,1128,1},
{0xA7B1,1129,1},{0xA7B2,1130,1},{0xA7B3,1131,1},{0xA7B4,1132,1},{0xA7B6,1133,1},{0xA7B8,1134,1},
{0xA7BA,1135,1},{0xA7BC,1136,1},{0xA7BE,1137,1},{0xA7C0,1138,1},{0xA7C2,1139,1},{0xA7C4,1140,1},
{0xA7C5,1141,1},{0xA7C6,1142,1},{0xA7C7,1143,1},{0xA7C9,1144,1},{0xA7CB,1145,1},{0xA7CC,1146,1},
{0xA7CE,1147,1},{0xA7D0,1148,1},{0xA7D2,1149,1},{0xA7D4,1150,1},{0xA7D6,1151,1},{0xA7D8,1152,1},
{0xA7DA,1153,1},{0xA7DC,1154,1},{0xA7F5,1155,1},{0xFF21,1156,1},{0xFF22,1157,1},{0xFF23,1158,1},
{0xFF24,1159,1},{0xFF25,1160,1},{0xFF26,1161,1},{0xFF27,1162,1},{0xFF28,1163,1},{0xFF29,1164,1},
{0xFF2A,1165,1},{0xFF2B,1166,1},{0xFF2C,1167,1},{0xFF2D,1168,1},{0xFF2E,1169,1},{0xFF2F,1170,1},
{0xFF30,1171,1},{0xFF31,1172,1},{0xFF32,1173,1},{0xFF33,1174,1},{0xFF34,1175,1},{0xFF35,1176,1},
{0xFF36,1177,1},{0xFF37,1178,1},{0xFF38,1179,1},{0xFF39,1180,1},{0xFF3A,1181,1},{0x10400,1182,1},
{0x10401,1183,1},{0x10402,1184,1},{0x10403,1185,1},{0x10404,1186,1},{0x10405,1187,1},{0x10406,1188,1},
{0x10407,1189,1},{0x10408,1190,1},{0x10409,1191,1},{0x1040A,1192,1},{0x1040B,1193,1},{0x1040C,1194,1},
{0x1040D,1195,1},{0x1040E,1196,1},{0x1040F,1197,1},{0x10410,1198,1},{0x10411,1199,1},{0x10412,1200,1},
{0x10413,1201,1},{0x10414,1202,1},{0x10415,1203,1},{0x10416,1204,1},{0x10417,1205,1},{0x10418,1206,1},
{0x10419,1207,1},{0x1041A,1208,1},{0x1041B,1209,1},{0x1041C,1210,1},{0x1041D,1211,1},{0x1041E,1212,1},
{0x1041F,1213,1},{0x10420,1214,1},{0x10421,1215,1},{0x10422,1216,1},{0x10423,1217,1},{0x10424,1218,1},
{0x10425,1219,1},{0x10426,1220,1},{0x10427,1221,1},{0x104B0,1222,1},{0x104B1,1223,1},{0x104B2,1224,1},
{0x104B3,1225,1},{0x104B4,1226,1},{0x104B5,1227,1},{0x104B6,1228,1},{0x104B7,1229,1},{0x104B8,1230,1},
{0x104B9,1231,1},{0x104BA,1232,1},{0x104BB,1233,1},{0x104BC,1234,1},{0x104BD,1235,1},{0x104BE,1236,1},
{0x104BF,1237,1},{0x104C0,1238,1},{0x104C1,1239,1},{0x104C2,1240,1},{0x104C3,1241,1},{0x104C4,1242,1},
{0x104C5,1243,1},{0x104C6,1244,1},{0x104C7,1245,1},{0x104C8,1246,1},{0x104C9,1247,1},{0x104CA,1248,1},
{0x104CB,1249,1},{0x104CC,1250,1},{0x104CD,1251,1},{0x104CE,1252,1},{0x104CF,1253,1},{0x104D0,1254,1},
{0x104D1,1255,1},{0x104D2,1256,1},{0x104D3,1257,1},{0x10570,1258,1},{0x10571,1259,1},{0x10572,1260,1},
{0x10573,1261,1},{0x10574,1262,1},{0x10575,1263,1},{0x10576,1264,1},{0x10577,1265,1},{0x10578,1266,1},
{0x10579,1267,1},{0x1057A,1268,1},{0x1057C,1269,1},{0x1057D,1270,1},{0x1057E,1271,1},{0x1057F,1272,1},
{0x10580,1273,1},{0x10581,1274,1},{0x10582,1275,1},{0x10583,1276,1},{0x10584,1277,1},{0x10585,1278,1},
{0x10586,1279,1},{0x10587,1280,1},{0x10588,1281,1},{0x10589,1282,1},{0x1058A,1283,1},{0x1058C,1284,1},
{0x1058D,1285,1},{0x1058E,1286,1},{0x1058F,1287,1},{0x10590,1288,1},{0x10591,1289,1},{0x10592,1290,1},
{0x10594,1291,1},{0x10595,1292,1},{0x10C80,1293,1},{0x10C81,1294,1},{0x10C82,1295,1},{0x10C83,1296,1},
{0x10C84,1297,1},{0x10C85,1298,1},{0x10C86,1299,1},{0x10C87,1300,1},{0x10C88,1301,1},{0x10C89,1302,1},
{0x10C8A,1303,1},{0x10C8B,1304,1},{0x10C8C,1305,1},{0x10C8D,1306,1},{0x10C8E,1307,1},{0x10C8F,1308,1},
{0x10C90,1309,1},{0x10C91,1310,1},{0x10C92,1311,1},{0x10C93,1312,1},{0x10C94,1313,1},{0x10C95,1314,1},
{0x10C96,1315,1},{0x10C97,1316,1},{0x10C98,1317,1},{0x10C99,1318,1},{0x10C9A,1319,1},{0x10C9B,1320,1},
{0x10C9C,1321,1},{0x10C9D,1322,1},{0x10C9E,1323,1},{0x10C9F,1324,1},{0x10CA0,1325,1},{0x10CA1,1326,1},
{0x10CA2,1327,1},{0x10CA3,1328,1},{0x10CA4,1329,1},{0x10CA5,1330,1},{0x10CA6,1331,1},{0x10CA7,1332,1},
{0x10CA8,1333,1},{0x10CA9,1334,1},{0x10CAA,1335,1},{0x10CAB,1336,1},{0x10CAC,1337,1},{0x10CAD,1338,1},
{0x10CAE,1339,1},{0x10CAF,1340,1},{0x10CB0,1341,1},{0x10CB1,1342,1},{0x10CB2,1343,1},{0x10D50,1344,1},
{0x10D51,1345,1},{0x10D52,1346,1},{0x10D53,1347,1},{0x10D54,1348,1},{0x10D55,1349,1},{0x10D56,1350,1},
{0x10D57,1351,1},{0x10D58,1352,1},{0x10D59,1353,1},{0x10D5A,1354,1},{0x10D5B,1355,1},{0x10D5C,1356,1},
{0x10D5D,1357,1},{0x10D5E,1358,1},{0x10D5F,1359,1},{0x10D60,1360,1},{0x10D61,1361,1},{0x10D62,1362,1},
{0x10D63,1363,1},{0x10D64,1364,1},{0x10D65,1365,1},{0x118A0,1366,1},{0x118A1,1367,1},{0x118A2,1368,1},
{0x118A3,1369,1},{0x118A4,1370,1},{0x118A5,1371,1},{0x118A6,1372,1},{0x118A7,1373,1},{0x118A8,1374,1},
{0x118A9,1375,1},{0x118AA,1376,1},{0x118AB,1377,1},{0x118AC,1378,1},{0x118AD,1379,1},{0x118AE,1380,1},
{0x118AF,1381,1},{0x118B0,1382,1},{0x118B1,1383,1},{0x118B2,1384,1},{0x118B3,1385,1},{0x118B4,1386,1},
{0x118B5,1387,1},{0x118B6,1388,1},{0x118B7,1389,1},{0x118B8,1390,1},{0x118B9,1391,1},{0x118BA,1392,1},
{0x118BB,1393,1},{0x118BC,1394,1},{0x118BD,1395,1},{0x118BE,1396,1},{0x118BF,1397,1},{0x16E40,1398,1},
{0x16E41,1399,1},{0x16E42,1400,1},{0x16E43,1401,1},{0x16E44,1402,1},{0x16E45,1403,1},{0x16E46,1404,1},
{0x16E47,1405,1},{0x16E48,1406,1},{0x16E49,1407,1},{0x16E4A,1408,1},{0x16E4B,1409,1},{0x16E4C,1410,1},
{0x16E4D,1411,1},{0x16E4E,1412,1},{0x16E4F,1413,1},{0x16E50,1414,1},{0x16E51,1415,1},{0x16E52,1416,1},
{0x16E53,1417,1},{0x16E54,1418,1},{0x16E55,1419,1},{0x16E56,1420,1},{0x16E57,1421,1},{0x16E58,1422,1},
{0x16E59,1423,1},{0x16E5A,1424,1},{0x16E5B,1425,1},{0x16E5C,1426,1},{0x16E5D,1427,1},{0x16E5E,1428,1},
{0x16E5F,1429,1},{0x16EA0,1430,1},{0x16EA1,1431,1},{0x16EA2,1432,1},{0x16EA3,1433,1},{0x16EA4,1434,1},
{0x16EA5,1435,1},{0x16EA6,1436,1},{0x16EA7,1437,1},{0x16EA8,1438,1},{0x16EA9,1439,1},{0x16EAA,1440,1},
{0x16EAB,1441,1},{0x16EAC,1442,1},{0x16EAD,1443,1},{0x16EAE,1444,1},{0x16EAF,1445,1},{0x16EB0,1446,1},
{0x16EB1,1447,1},{0x16EB2,1448,1},{0x16EB3,1449,1},{0x16EB4,1450,1},{0x16EB5,1451,1},{0x16EB6,1452,1},
{0x16EB7,1453,1},{0x16EB8,1454,1},{0x1E900,1455,1},{0x1E901,1456,1},{0x1E902,1457,1},{0x1E903,1458,1},
{0x1E904,1459,1},{0x1E905,1460,1},{0x1E906,1461,1},{0x1E907,1462,1},{0x1E908,1463,1},{0x1E909,1464,1},
{0x1E90A,1465,1},{0x1E90B,1466,1},{0x1E90C,1467,1},{0x1E90D,1468,1},{0x1E90E,1469,1},{0x1E90F,1470,1},
{0x1E910,1471,1},{0x1E911,1472,1},{0x1E912,1473,1},{0x1E913,1474,1},{0x1E914,1475,1},{0x1E915,1476,1},
{0x1E916,1477,1},{0x1E917,1478,1},{0x1E918,1479,1},{0x1E919,1480,1},{0x1E91A,1481,1},{0x1E91B,1482,1},
{0x1E91C,1483,1},{0x1E91D,1484,1},{0x1E91E,1485,1},{0x1E91F,1486,1},{0x1E920,1487,1},{0x1E921,1488,1},
};
static const uint32_t bft__u_lower_pool[] = {
0x61,0x62,0x63,0x64,0x65,0x66,0x67,0x68,0x69,0x6A,0x6B,0x6C,
0x6D,0x6E,0x6F,0x70,0x71,0x72,0x73,0x74,0x75,0x76,0x77,0x78,
0x79,0x7A,0xE0,0xE1,0xE2,0xE3,0xE4,0xE5,0xE6,0xE7,0xE8,0xE9,
0xEA,0xEB,0xEC,0xED,0xEE,0xEF,0xF0,0xF1,0xF2,0xF3,0xF4,0xF5,
0xF6,0xF8,0xF9,0xFA,0xFB,0xFC,0xFD,0xFE,0x101,0x103,0x105,0x107,
0x109,0x10B,0x10D,0x10F,0x111,0x113,0x115,0x117,0x119,0x11B,0x11D,0x11F,
0x121,0x123,0x125,0x127,0x129,0x12B,0x12D,0x12F,0x69,0x307,0x133,0x135,
0x137,0x13A,0x13C,0x13E,0x140,0x142,0x144,0x146,0x148,0x14B,0x14D,0x14F,
0x151,0x153,0x155,0x157,0x159,0x15B,0x15D,0x15F,0x161,0x163,0x165,0x167,
0x169,0x16B,0x16D,0x16F,0x171,0x173,0x175,0x177,0xFF,0x17A,0x17C,0x17E,
0x253,0x183,0x185,0x254,0x188,0x256,0x257,0x18C,0x1DD,0x259,0x25B,0x192,
0x260,0x263,0x269,0x268,0x199,0x26F,0x272,0x275,0x1A1,0x1A3,0x1A5,0x280,
0x1A8,0x283,0x1AD,0x288,0x1B0,0x28A,0x28B,0x1B4,0x1B6,0x292,0x1B9,0x1BD,
0x1C6,0x1C6,0x1C9,0x1C9,0x1CC,0x1CC,0x1CE,0x1D0,0x1D2,0x1D4,0x1D6,0x1D8,
0x1DA,0x1DC,0x1DF,0x1E1,0x1E3,0x1E5,0x1E7,0x1E9,0x1EB,0x1ED,0x1EF,0x1F3,
0x1F3,0x1F5,0x195,0x1BF,0x1F9,0x1FB,0x1FD,0x1FF,0x201,0x203,0x205,0x207,
0x209,0x20B,0x20D,0x20F,0x211,0x213,0x215,0x217,0x219,0x21B,0x21D,0x21F,
0x19E,0x223,0x225,0x227,0x229,0x22B,0x22D,0x22F,0x231,0x233,0x2C65,0x23C,
0x19A,0x2C66,0x242,0x180,0x289,0x28C,0x247,0x249,0x24B,0x24D,0x24F,0x371,
0x373,0x377,0x3F3,0x3AC,0x3AD,0x3AE,0x3AF,0x3CC,0x3CD,0x3CE,0x3B1,0x3B2,
0x3B3,0x3B4,0x3B5,0x3B6,0x3B7,0x3B8,0x3B9,0x3BA,0x3BB,0x3BC,0x3BD,0x3BE,
0x3BF,0x3C0,0x3C1,0x3C3,0x3C4,0x3C5,0x3C6,0x3C7,0x3C8,0x3C9,0x3CA,0x3CB,
0x3D7,0x3D9,0x3DB,0x3DD,0x3DF,0x3E1,0x3E3,0x3E5,0x3E7,0x3E9,0x3EB,0x3ED,
0x3EF,0x3B8,0x3F8,0x3F2,0x3FB,0x37B,0x37C,0x37D,0x450,0x451,0x452,0x453,
0x454,0x455,0x456,0x457,0x458,0x459,0x45A,0x45B,0x45C,0x45D,0x45E,0x45F,
0x430,0x431,0x432,0x433,0x434,0x435,0x436,0x437,0x438,0x439,0x43A,0x43B,
0x43C,0x43D,0x43E,0x43F,0x440,0x441,0x442,0x443,0x444,0x445,0x446,0x447,
0x448,0x449,0x44A,0x44B,0x44C,0x44D,0x44E,0x44F,0x461,0x463,0x465,0x467,
0x469,0x46B,0x46D,0x46F,0x471,0x473,0x475,0x477,0x479,0x47B,0x47D,0x47F,
0x481,0x48B,0x48D,0x48F,0x491,0x493,0x495,0x497,0x499,0x49B,0x49D,0x49F,
0x4A1,0x4A3,0x4A5,0x4A7,0x4A9,0x4AB,0x4AD,0x4AF,0x4B1,0x4B3,0x4B5,0x4B7,
0x4B9,0x4BB,0x4BD,0x4BF,0x4CF,0x4C2,0x4C4,0x4C6,0x4C8,0x4CA,0x4CC,0x4CE,
0x4D1,0x4D3,0x4D5,0x4D7,0x4D9,0x4DB,0x4DD,0x4DF,0x4E1,0x4E3,0x4E5,0x4E7,
0x4E9,0x4EB,0x4ED,0x4EF,0x4F1,0x4F3,0x4F5,0x4F7,0x4F9,0x4FB,0x4FD,0x4FF,
0x501,0x503,0x505,0x507,0x509,0x50B,0x50D,0x50F,0x511,0x513,0x515,0x517,
0x519,0x51B,0x51D,0x51F,0x521,0x523,0x525,0x527,0x529,0x52B,0x52D,0x52F,
0x561,0x562,0x563,0x564,0x565,0x566,0x567,0x568,0x569,0x56A,0x56B,0x56C,
0x56D,0x56E,0x56F,0x570,0x571,0x572,0x573,0x574,0x575,0x576,0x577,0x578,
0x579,0x57A,0x57B,0x57C,0x57D,0x57E,0x57F,0x580,0x581,0x582,0x583,0x584,
0x585,0x586,0x2D00,0x2D01,0x2D02,0x2D03,0x2D04,0x2D05,0x2D06,0x2D07,0x2D08,0x2D09,
0x2D0A,0x2D0B,0x2D0C,0x2D0D,0x2D0E,0x2D0F,0x2D10,0x2D11,0x2D12,0x2D13,0x2D14,0x2D15,
0x2D16,0x2D17,0x2D18,0x2D19,0x2D1A,0x2D1B,0x2D1C,0x2D1D,0x2D1E,0x2D1F,0x2D20,0x2D21,
0x2D22,0x2D23,0x2D24,0x2D25,0x2D27,0x2D2D,0xAB70,0xAB71,0xAB72,0xAB73,0xAB74,0xAB75,
0xAB76,0xAB77,0xAB78,0xAB79,0xAB7A,0xAB7B,0xAB7C,0xAB7D,0xAB7E,0xAB7F,0xAB80,0xAB81,
0xAB82,0xAB83,0xAB84,0xAB85,0xAB86,0xAB87,0xAB88,0xAB89,0xAB8A,0xAB8B,0xAB8C,0xAB8D,
0xAB8E,0xAB8F,0xAB90,0xAB91,0xAB92,0xAB93,0xAB94,0xAB95,0xAB96,0xAB97,0xAB98,0xAB99,
0xAB9A,0xAB9B,0xAB9C,0xAB9D,0xAB9E,0xAB9F,0xABA0,0xABA1,0xABA2,0xABA3,0xABA4,0xABA5,
0xABA6,0xABA7,0xABA8,0xABA9,0xABAA,0xABAB,0xABAC,0xABAD,0xABAE,0xABAF,0xABB0,0xABB1,
0xABB2,0xABB3,0xABB4,0xABB5,0xABB6,0xABB7,0xABB8,0xABB9,0xABBA,0xABBB,0xABBC,0xABBD,
0xABBE,0xABBF,0x13F8,0x13F9,0x13FA,0x13FB,0x13FC,0x13FD,0x1C8A,0x10D0,0x10D1,0x10D2,
0x10D3,0x10D4,0x10D5,0x10D6,0x10D7,0x10D8,0x10D9,0x10DA,0x10DB,0x10DC,0x10DD,0x10DE,
0x10DF,0x10E0,0x10E1,0x10E2,0x10E3,0x10E4,0x10E5,0x10E6,0x10E7,0x10E8,0x10E9,0x10EA,
0x10EB,0x10EC,0x10ED,0x10EE,0x10EF,0x10F0,0x10F1,0x10F2,0x10F3,0x10F4,0x10F5,0x10F6,
0x10F7,0x10F8,0x10F9,0x10FA,0x10FD,0x10FE,0x10FF,0x1E01,0x1E03,0x1E05,0x1E07,0x1E09,
0x1E0B,0x1E0D,0x1E0F,0x1E11,0x1E13,0x1E15,0x1E17,0x1E19,0x1E1B,0x1E1D,0x1E1F,0x1E21,
0x1E23,0x1E25,0x1E27,0x1E29,0x1E2B,0x1E2D,0x1E2F,0x1E31,0x1E33,0x1E35,0x1E37,0x1E39,
0x1E3B,0x1E3D,0x1E3F,0x1E41,0x1E43,0x1E45,0x1E47,0x1E49,0x1E4B,0x1E4D,0x1E4F,0x1E51,
0x1E53,0x1E55,0x1E57,0x1E59,0x1E5B,0x1E5D,0x1E5F,0x1E61,0x1E63,0x1E65,0x1E67,0x1E69,
0x1E6B,0x1E6D,0x1E6F,0x1E71,0x1E73,0x1E75,0x1E77,0x1E79,0x1E7B,0x1E7D,0x1E7F,0x1E81,
0x1E83,0x1E85,0x1E87,0x1E89,0x1E8B,0x1E8D,0x1E8F,0x1E91,0x1E93,0x1E95,0xDF,0x1EA1,
0x1EA3,0x1EA5,0x1EA7,0x1EA9,0x1EAB,0x1EAD,0x1EAF,0x1EB1,0x1EB3,0x1EB5,0x1EB7,0x1EB9,
0x1EBB,0x1EBD,0x1EBF,0x1EC1,0x1EC3,0x1EC5,0x1EC7,0x1EC9,0x1ECB,0x1ECD,0x1ECF,0x1ED1,
0x1ED3,0x1ED5,0x1ED7,0x1ED9,0x1EDB,0x1EDD,0x1EDF,0x1EE1,0x1EE3,0x1EE5,0x1EE7,0x1EE9,
0x1EEB,0x1EED,0x1EEF,0x1EF1,0x1EF3,0x1EF5,0x1EF7,0x1EF9,0x1EFB,0x1EFD,0x1EFF,0x1F00,
0x1F01,0x1F02,0x1F03,0x1F04,0x1F05,0x1F06,0x1F07,0x1F10,0x1F11,0x1F12,0x1F13,0x1F14,
0x1F15,0x1F20,0x1F21,0x1F22,0x1F23,0x1F24,0x1F25,0x1F26,0x1F27,0x1F30,0x1F31,0x1F32,
0x1F33,0x1F34,0x1F35,0x1F36,0x1F37,0x1F40,0x1F41,0x1F42,0x1F43,0x1F44,0x1F45,0x1F51,
0x1F53,0x1F55,0x1F57,0x1F60,0x1F61,0x1F62,0x1F63,0x1F64,0x1F65,0x1F66,0x1F67,0x1F80,
0x1F81,0x1F82,0x1F83,0x1F84,0x1F85,0x1F86,0x1F87,0x1F90,0x1F91,0x1F92,0x1F93,0x1F94,
0x1F95,0x1F96,0x1F97,0x1FA0,0x1FA1,0x1FA2,0x1FA3,0x1FA4,0x1FA5,0x1FA6,0x1FA7,0x1FB0,
0x1FB1,0x1F70,0x1F71,0x1FB3,0x1F72,0x1F73,0x1F74,0x1F75,0x1FC3,0x1FD0,0x1FD1,0x1F76,
0x1F77,0x1FE0,0x1FE1,0x1F7A,0x1F7B,0x1FE5,0x1F78,0x1F79,0x1F7C,0x1F7D,0x1FF3,0x3C9,
0x6B,0xE5,0x214E,0x2170,0x2171,0x2172,0x2173,0x2174,0x2175,0x2176,0x2177,0x2178,
0x2179,0x217A,0x217B,0x217C,0x217D,0x217E,0x217F,0x2184,0x24D0,0x24D1,0x24D2,0x24D3,
0x24D4,0x24D5,0x24D6,0x24D7,0x24D8,0x24D9,0x24DA,0x24DB,0x24DC,0x24DD,0x24DE,0x24DF,
0x24E0,0x24E1,0x24E2,0x24E3,0x24E4,0x24E5,0x24E6,0x24E7,0x24E8,0x24E9,0x2C30,0x2C31,
0x2C32,0x2C33,0x2C34,0x2C35,0x2C36,0x2C37,0x2C38,0x2C39,0x2C3A,0x2C3B,0x2C3C,0x2C3D,
0x2C3E,0x2C3F,0x2C40,0x2C41,0x2C42,0x2C43,0x2C44,0x2C45,0x2C46,0x2C47,0x2C48,0x2C49,
0x2C4A,0x2C4B,0x2C4C,0x2C4D,0x2C4E,0x2C4F,0x2C50,0x2C51,0x2C52,0x2C53,0x2C54,0x2C55,
0x2C56,0x2C57,0x2C58,0x2C59,0x2C5A,0x2C5B,0x2C5C,0x2C5D,0x2C5E,0x2C5F,0x2C61,0x26B,
0x1D7D,0x27D,0x2C68,0x2C6A,0x2C6C,0x251,0x271,0x250,0x252,0x2C73,0x2C76,0x23F,
0x240,0x2C81,0x2C83,0x2C85,0x2C87,0x2C89,0x2C8B,0x2C8D,0x2C8F,0x2C91,0x2C93,0x2C95,
0x2C97,0x2C99,0x2C9B,0x2C9D,0x2C9F,0x2CA1,0x2CA3,0x2CA5,0x2CA7,0x2CA9,0x2CAB,0x2CAD,
0x2CAF,0x2CB1,0x2CB3,0x2CB5,0x2CB7,0x2CB9,0x2CBB,0x2CBD,0x2CBF,0x2CC1,0x2CC3,0x2CC5,
0x2CC7,0x2CC9,0x2CCB,0x2CCD,0x2CCF,0x2CD1,0x2CD3,0x2CD5,0x2CD7,0x2CD9,0x2CDB,0x2CDD,
0x2CDF,0x2CE1,0x2CE3,0x2CEC,0x2CEE,0x2CF3,0xA641,0xA643,0xA645,0xA647,0xA649,0xA64B,
0xA64D,0xA64F,0xA651,0xA653,0xA655,0xA657,0xA659,0xA65B,0xA65D,0xA65F,0xA661,0xA663,
0xA665,0xA667,0xA669,0xA66B,0xA66D,0xA681,0xA683,0xA685,0xA687,0xA689,0xA68B,0xA68D,
0xA68F,0xA691,0xA693,0xA695,0xA697,0xA699,0xA69B,0xA723,0xA725,0xA727,0xA729,0xA72B,
0xA72D,0xA72F,0xA733,0xA735,0xA737,0xA739,0xA73B,0xA73D,0xA73F,0xA741,0xA743,0xA745,
0xA747,0xA749,0xA74B,0xA74D,0xA74F,0xA751,0xA753,0xA755,0xA757,0xA759,0xA75B,0xA75D,
0xA75F,0xA761,0xA763,0xA765,0xA767,0xA769,0xA76B,0xA76D,0xA76F,0xA77A,0xA77C,0x1D79,
0xA77F,0xA781,0xA783,0xA785,0xA787,0xA78C,0x265,0xA791,0xA793,0xA797,0xA799,0xA79B,
0xA79D,0xA79F,0xA7A1,0xA7A3,0xA7A5,0xA7A7,0xA7A9,0x266,0x25C,0x261,0x26C,0x26A,
0x29E,0x287,0x29D,0xAB53,0xA7B5,0xA7B7,0xA7B9,0xA7BB,0xA7BD,0xA7BF,0xA7C1,0xA7C3,
0xA794,0x282,0x1D8E,0xA7C8,0xA7CA,0x264,0xA7CD,0xA7CF,0xA7D1,0xA7D3,0xA7D5,0xA7D7,
0xA7D9,0xA7DB,0x19B,0xA7F6,0xFF41,0xFF42,0xFF43,0xFF44,0xFF45,0xFF46,0xFF47,0xFF48,
0xFF49,0xFF4A,0xFF4B,0xFF4C,0xFF4D,0xFF4E,0xFF4F,0xFF50,0xFF51,0xFF52,0xFF53,0xFF54,
0xFF55,0xFF56,0xFF57,0xFF58,0xFF59,0xFF5A,0x10428,0x10429,0x1042A,0x1042B,0x1042C,0x1042D,
0x1042E,0x1042F,0x10430,0x10431,0x10432,0x10433,0x10434,0x10435,0x10436,0x10437,0x10438,0x10439,
0x1043A,0x1043B,0x1043C,0x1043D,0x1043E,0x1043F,0x10440,0x10441,0x10442,0x10443,0x10444,0x10445,
0x10446,0x10447,0x10448,0x10449,0x1044A,0x1044B,0x1044C,0x1044D,0x1044E,0x1044F,0x104D8,0x104D9,
0x104DA,0x104DB,0x104DC,0x104DD,0x104DE,0x104DF,0x104E0,0x104E1,0x104E2,0x104E3,0x104E4,0x104E5,
0x104E6,0x104E7,0x104E8,0x104E9,0x104EA,0x104EB,0x104EC,0x104ED,0x104EE,0x104EF,0x104F0,0x104F1,
0x104F2,0x104F3,0x104F4,0x104F5,0x104F6,0x104F7,0x104F8,0x104F9,0x104FA,0x104FB,0x10597,0x10598,
0x10599,0x1059A,0x1059B,0x1059C,0x1059D,0x1059E,0x1059F,0x105A0,0x105A1,0x105A3,0x105A4,0x105A5,
0x105A6,0x105A7,0x105A8,0x105A9,0x105AA,0x105AB,0x105AC,0x105AD,0x105AE,0x105AF,0x105B0,0x105B1,
0x105B3,0x105B4,0x105B5,0x105B6,0x105B7,0x105B8,0x105B9,0x105BB,0x105BC,0x10CC0,0x10CC1,0x10CC2,
0x10CC3,0x10CC4,0x10CC5,0x10CC6,0x10CC7,0x10CC8,0x10CC9,0x10CCA,0x10CCB,0x10CCC,0x10CCD,0x10CCE,
0x10CCF,0x10CD0,0x10CD1,0x10CD2,0x10CD3,0x10CD4,0x10CD5,0x10CD6,0x10CD7,0x10CD8,0x10CD9,0x10CDA,
0x10CDB,0x10CDC,0x10CDD,0x10CDE,0x10CDF,0x10CE0,0x10CE1,0x10CE2,0x10CE3,0x10CE4,0x10CE5,0x10CE6,
0x10CE7,0x10CE8,0x10CE9,0x10CEA,0x10CEB,0x10CEC,0x10CED,0x10CEE,0x10CEF,0x10CF0,0x10CF1,0x10CF2,
0x10D70,0x10D71,0x10D72,0x10D73,0x10D74,0x10D75,0x10D76,0x10D77,0x10D78,0x10D79,0x10D7A,0x10D7B,
0x10D7C,0x10D7D,0x10D7E,0x10D7F,0x10D80,0x10D81,0x10D82,0x10D83,0x10D84,0x10D85,0x118C0,0x118C1,
0x118C2,0x118C3,0x118C4,0x118C5,0x118C6,0x118C7,0x118C8,0x118C9,0x118CA,0x118CB,0x118CC,0x118CD,
0x118CE,0x118CF,0x118D0,0x118D1,0x118D2,0x118D3,0x118D4,0x118D5,0x118D6,0x118D7,0x118D8,0x118D9,
0x118DA,0x118DB,0x118DC,0x118DD,0x118DE,0x118DF,0x16E60,0x16E61,0x16E62,0x16E63,0x16E64,0x16E65,
0x16E66,0x16E67,0x16E68,0x16E69,0x16E6A,0x16E6B,0x16E6C,0x16E6D,0x16E6E,0x16E6F,0x16E70,0x16E71,
0x16E72,0x16E73,0x16E74,0x16E75,0x16E76,0x16E77,0x16E78,0x16E79,0x16E7A,0x16E7B,0x16E7C,0x16E7D,
0x16E7E,0x16E7F,0x16EBB,0x16EBC,0x16EBD,0x16EBE,0x16EBF,0x16EC0,0x16EC1,0x16EC2,0x16EC3,0x16EC4,
0x16EC5,0x16EC6,0x16EC7,0x16EC8,0x16EC9,0x16ECA,0x16ECB,0x16ECC,0x16ECD,0x16ECE,0x16ECF,0x16ED0,
0x16ED1,0x16ED2,0x16ED3,0x1E922,0x1E923,0x1E924,0x1E925,0x1E926,0x1E927,0x1E928,0x1E929,0x1E92A,
0x1E92B,0x1E92C,0x1E92D,0x1E92E,0x1E92F,0x1E930,0x1E931,0x1E932,0x1E933,0x1E934,0x1E935,0x1E936,
0x1E937,0x1E938,0x1E939,0x1E93A,0x1E93B,0x1E93C,0x1E93D,0x1E93E,0x1E93F,0x1E940,0x1E941,0x1E942,
0x1E943,};

/* END GENERATED UNICODE TABLES */

enum { BFT__U_OTHER = 1, BFT__U_PUNCT = 2, BFT__U_MN = 4 };
#ifndef BFT__NELEM
#define BFT__NELEM(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Value of the {lo, hi, value} range holding cp, or 0. */
static uint32_t bft__u_range(const uint32_t (*r)[3], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0]) hi = mid;
        else if (cp > r[mid][1]) lo = mid + 1;
        else return r[mid][2];
    }
    return 0;
}
static uint32_t bft__u_class(uint32_t cp) { return bft__u_range(bft__u_class_ranges, BFT__NELEM(bft__u_class_ranges), cp); }
static uint32_t bft__u_ccc(uint32_t cp)
{
    return cp < 0x300 ? 0 : bft__u_range(bft__u_ccc_ranges, BFT__NELEM(bft__u_ccc_ranges), cp);
}
/* Mapping of cp in a {cp, offset, length} index: its length (0 = none) and *out into the pool. */
static int bft__u_map(const uint32_t (*idx)[3], size_t n, const uint32_t *pool, uint32_t cp, const uint32_t **out)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < idx[mid][0]) hi = mid;
        else if (cp > idx[mid][0]) lo = mid + 1;
        else { *out = pool + idx[mid][1]; return (int)idx[mid][2]; }
    }
    return 0;
}
/* Rust's char::is_whitespace (the White_Space property). */
static int bft__u_is_ws(uint32_t c)
{
    if (c < 0x80) return c == ' ' || (c >= 9 && c <= 13);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
/* The CJK blocks of HF's is_chinese_char (note 0x2B920, not 0x2B820 as in the Python BertTokenizer). */
static int bft__u_is_cjk(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}
/* BertPreTokenizer's punctuation: ASCII punctuation (which includes symbols like $ + < = > ^ ` | ~)
   or any Unicode P* character. */
static int bft__u_is_punct(uint32_t c)
{
    if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
    return (bft__u_class(c) & BFT__U_PUNCT) != 0;
}

/* Canonical decomposition of c (NFD, without the reordering) into out (room for 4): its length. */
static int bft__u_decompose(uint32_t c, uint32_t *out)
{
    const uint32_t *d;
    int m;
    if (c >= 0xAC00 && c < 0xAC00 + 11172) { /* Hangul syllable: L V (T), computed */
        uint32_t si = c - 0xAC00;
        out[0] = 0x1100 + si / 588;
        out[1] = 0x1161 + (si % 588) / 28;
        if (si % 28) { out[2] = 0x11A7 + si % 28; return 3; }
        return 2;
    }
    if (c >= 0xC0 && (m = bft__u_map(bft__u_decomp_index, BFT__NELEM(bft__u_decomp_index), bft__u_decomp_pool, c, &d)) > 0) {
        memcpy(out, d, (size_t)m * sizeof(uint32_t));
        return m;
    }
    out[0] = c;
    return 1;
}
/* Rust's char::to_lowercase of c into out (room for 4): its length. */
static int bft__u_lower(uint32_t c, uint32_t *out)
{
    const uint32_t *d;
    int m;
    if (c < 0x80) { out[0] = c >= 'A' && c <= 'Z' ? c + 32 : c; return 1; }
    if (c >= 0xC0 && (m = bft__u_map(bft__u_lower_index, BFT__NELEM(bft__u_lower_index), bft__u_lower_pool, c, &d)) > 0) {
        memcpy(out, d, (size_t)m * sizeof(uint32_t));
        return m;
    }
    out[0] = c;
    return 1;
}

/* Decode one UTF-8 character at s[*i] (i < n); invalid or truncated sequences, overlong forms and
   surrogates read as U+FFFD, consuming one byte, so decoding never reads past n. */
static uint32_t bft__utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i;
    uint32_t c = s[p], cp;
    int k, j;
    if (c < 0x80) { *i = p + 1; return c; }
    if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
    else { *i = p + 1; return 0xFFFD; }
    if ((size_t)k > n - p - 1) { *i = p + 1; return 0xFFFD; } /* truncated at the end */
    for (j = 1; j <= k; j++) {
        uint32_t d = s[p + (size_t)j];
        if ((d & 0xC0) != 0x80) { *i = p + 1; return 0xFFFD; }
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i = p + 1;
        return 0xFFFD;
    }
    *i = p + (size_t)k + 1;
    return cp;
}

#define BFT__FNV_OFF 2166136261u
#define BFT__FNV_PRIME 16777619u
#define BFT__NSPECIAL 5
static const char *const bft__special_keys[BFT__NSPECIAL] = { "pad_token", "unk_token", "cls_token", "sep_token", "mask_token" };
static const char *const bft__special_defaults[BFT__NSPECIAL] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

struct bft_tokenizer {
    int vocab_size;
    char *pool;                   /* the tokens, each NUL-terminated, in id order */
    size_t *tok_off;              /* [vocab_size] offset of each token in pool */
    uint32_t *tok_len, *tok_hash; /* [vocab_size] byte length and FNV-1a hash */
    int32_t *slots;               /* open-addressing hash table of ids (-1 = empty) */
    uint32_t mask;                /* number of slots - 1 */
    uint32_t hash_cont;           /* FNV-1a state after "##", the prefix of continuation pieces */
    size_t max_tok_bytes;         /* longest token: bounds the WordPiece search */
    int lowercase, strip_accents, chinese, max_chars_per_word, model_max_length;
    int special_id[BFT__NSPECIAL];   /* pad unk cls sep mask (-1: absent) */
    char *special_str[BFT__NSPECIAL];
    unsigned char special_first[256]; /* first bytes of the special tokens: a quick filter */
};

static uint32_t bft__fnv(uint32_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * BFT__FNV_PRIME;
    return h;
}

/* Id of the token whose hash is h and text is (cont ? "##" : "") + s[0..n), or -1. */
static int bft__tok_find(const bft_tokenizer *t, uint32_t h, int cont, const char *s, size_t n)
{
    uint32_t k = h & t->mask;
    size_t want = n + (cont ? 2 : 0);
    for (;; k = (k + 1) & t->mask) {
        int32_t id = t->slots[k];
        const char *tok;
        if (id < 0) return -1;
        if (t->tok_hash[id] != h || t->tok_len[id] != want) continue;
        tok = t->pool + t->tok_off[id];
        if (cont) {
            if (tok[0] != '#' || tok[1] != '#') continue;
            tok += 2;
        }
        if (memcmp(tok, s, n) == 0) return id;
    }
}

BERTFT_DEF int bft_tokenizer_token_to_id(const bft_tokenizer *t, const char *token)
{
    size_t n = strlen(token);
    return bft__tok_find(t, bft__fnv(BFT__FNV_OFF, token, n), 0, token, n);
}

BERTFT_DEF void bft_tokenizer_free(bft_tokenizer *t)
{
    int i;
    if (!t) return;
    bft_free(t->pool);
    bft_free(t->tok_off);
    bft_free(t->tok_len);
    bft_free(t->tok_hash);
    bft_free(t->slots);
    for (i = 0; i < BFT__NSPECIAL; i++) bft_free(t->special_str[i]);
    bft_free(t);
}

/* A special token's name in tokenizer_config.json: a string, or {"content": "..."} (AddedToken). */
static char *bft__tok_cfg_token(const bft__json *j, int v)
{
    if (v >= 0 && j->nodes[v].type == BFT__J_OBJ) v = bft__json_get(j, v, "content");
    return bft__json_strdup(j, v, NULL);
}

/* Read tokenizer_config.json (when present) into t. It wins over tokenizer.json's normalizer, as in
   BertTokenizerFast.__init__, so it is the only file read besides vocab.txt. */
static bft_result bft__tok_config(bft_tokenizer *t, const char *cfg_path)
{
    char *txt;
    size_t len;
    bft__json j;
    bft_result r;
    int v, i;
    FILE *f = fopen(cfg_path, "rb");
    if (!f) return BFT_OK; /* optional */
    fclose(f);
    if ((r = bft_read_file(cfg_path, &txt, &len)) != BFT_OK) return r;
    if ((r = bft__json_parse(&j, txt, len, cfg_path)) != BFT_OK) { bft_free(txt); return r; }
    if (j.nodes[0].type != BFT__J_OBJ) {
        bft__json_free(&j);
        bft_free(txt);
        return bft__fail(BFT_ERR_FORMAT, "%s: expected a JSON object", cfg_path);
    }
    v = bft__json_get(&j, 0, "do_lower_case");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->lowercase = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "strip_accents");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->strip_accents = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "tokenize_chinese_chars");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->chinese = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "model_max_length");
    /* HF writes 1e30 ("VERY_LARGE_INTEGER") when unknown */
    if (v >= 0 && j.nodes[v].type == BFT__J_NUM && j.nodes[v].num > 0 && j.nodes[v].num <= 1e9) t->model_max_length = (int)j.nodes[v].num;
    for (i = 0; i < BFT__NSPECIAL; i++) {
        char *s = bft__tok_cfg_token(&j, bft__json_get(&j, 0, bft__special_keys[i]));
        if (s) { bft_free(t->special_str[i]); t->special_str[i] = s; }
    }
    bft__json_free(&j);
    bft_free(txt);
    return BFT_OK;
}

static bft_result bft__tok_load(bft_tokenizer **out, const char *vocab_path, const char *cfg_path, int do_lower_case)
{
    bft_tokenizer *t;
    char *txt;
    size_t len, i, start, nslots;
    int n = 0, k;
    bft_result r;
    *out = NULL;
    if (do_lower_case < -1 || do_lower_case > 1)
        return bft__fail(BFT_ERR_INVALID, "%s: do_lower_case must be 0, 1 or -1 (default), got %d", vocab_path, do_lower_case);
    if ((r = bft_read_file(vocab_path, &txt, &len)) != BFT_OK) return r;
    t = BFT__NEW(bft_tokenizer, 1);
    if (!t) { bft_free(txt); return bft__fail(BFT_ERR_OOM, "%s: out of memory", vocab_path); }
    t->pool = txt;
    t->lowercase = 1;
    t->strip_accents = -1; /* None: follows lowercase */
    t->chinese = 1;
    t->max_chars_per_word = 100;
    for (k = 0; k < BFT__NSPECIAL; k++) {
        t->special_str[k] = bft__strdup(bft__special_defaults[k]);
        if (!t->special_str[k]) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    }
    if (cfg_path && (r = bft__tok_config(t, cfg_path)) != BFT_OK) { bft_tokenizer_free(t); return r; }
    if (do_lower_case >= 0) t->lowercase = do_lower_case;
    if (t->strip_accents < 0) t->strip_accents = t->lowercase;

    /* one token per line; the line terminator ("\n" or "\r\n") is not part of the token */
    for (i = 0; i < len; i++) if (txt[i] == '\n') n++;
    if (len && txt[len - 1] != '\n') n++;
    if (n == 0) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_FORMAT, "%s: empty vocabulary", vocab_path); }
    if (memchr(txt, 0, len)) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_FORMAT, "%s: NUL byte in the vocabulary", vocab_path); }
    t->vocab_size = n;
    t->tok_off = BFT__NEW(size_t, n);
    t->tok_len = BFT__NEW(uint32_t, n);
    t->tok_hash = BFT__NEW(uint32_t, n);
    for (nslots = 16; nslots < (size_t)n * 2; nslots *= 2) {}
    t->slots = BFT__NEW(int32_t, nslots);
    if (!t->tok_off || !t->tok_len || !t->tok_hash || !t->slots) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_OOM, "%s: out of memory", vocab_path); }
    t->mask = (uint32_t)(nslots - 1);
    for (i = 0; i < nslots; i++) t->slots[i] = -1;
    t->hash_cont = bft__fnv(BFT__FNV_OFF, "##", 2);
    k = 0;
    for (start = 0; start < len && k < n; k++) {
        size_t e = start, tl;
        uint32_t h, s;
        while (e < len && txt[e] != '\n') e++;
        tl = e - start;
        if (tl && txt[start + tl - 1] == '\r') tl--;
        txt[start + tl] = 0; /* the pool holds the tokens NUL-terminated in place */
        h = bft__fnv(BFT__FNV_OFF, txt + start, tl);
        t->tok_off[k] = start;
        t->tok_len[k] = (uint32_t)tl;
        t->tok_hash[k] = h;
        if (tl > t->max_tok_bytes) t->max_tok_bytes = tl;
        /* a duplicate token maps to its last line, as HF's vocabulary dict does */
        for (s = h & t->mask;; s = (s + 1) & t->mask) {
            int32_t id = t->slots[s];
            if (id < 0) { t->slots[s] = k; break; }
            if (t->tok_hash[id] == h && t->tok_len[id] == tl && memcmp(txt + t->tok_off[id], txt + start, tl) == 0) {
                t->slots[s] = k;
                break;
            }
        }
        start = e + 1;
    }
    for (k = 0; k < BFT__NSPECIAL; k++) {
        t->special_id[k] = bft_tokenizer_token_to_id(t, t->special_str[k]);
        if (t->special_id[k] < 0 && k != 4) {
            bft_result e = bft__fail(BFT_ERR_FORMAT, "%s: the special token %s (%s) is not in the vocabulary",
                                     vocab_path, t->special_str[k], bft__special_keys[k]);
            bft_tokenizer_free(t);
            return e;
        }
        if (t->special_id[k] >= 0 && t->special_str[k][0]) t->special_first[(unsigned char)t->special_str[k][0]] = 1;
    }
    *out = t;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_tokenizer_load(bft_tokenizer **out, const char *vocab_path, int do_lower_case)
{
    /* tokenizer_config.json next to the vocabulary */
    const char *slash = strrchr(vocab_path, '/');
    size_t dl = slash ? (size_t)(slash - vocab_path) + 1 : 0;
    char *cfg = (char *)bft__malloc(dl + 32);
    bft_result r;
    if (!cfg) return bft__fail(BFT_ERR_OOM, "out of memory");
    memcpy(cfg, vocab_path, dl);
    memcpy(cfg + dl, "tokenizer_config.json", 22);
    r = bft__tok_load(out, vocab_path, cfg, do_lower_case);
    bft_free(cfg);
    return r;
}

BERTFT_DEF bft_result bft_tokenizer_from_pretrained(bft_tokenizer **out, const char *dir, int do_lower_case)
{
    char *v = bft__path_join(dir, "vocab.txt"), *c = bft__path_join(dir, "tokenizer_config.json");
    bft_result r;
    if (!v || !c) { bft_free(v); bft_free(c); *out = NULL; return bft__fail(BFT_ERR_OOM, "out of memory"); }
    r = bft__tok_load(out, v, c, do_lower_case);
    bft_free(v);
    bft_free(c);
    return r;
}

BERTFT_DEF int bft_tokenizer_vocab_size(const bft_tokenizer *t) { return t->vocab_size; }
BERTFT_DEF const char *bft_tokenizer_id_to_token(const bft_tokenizer *t, int id)
{
    return id >= 0 && id < t->vocab_size ? t->pool + t->tok_off[id] : "";
}
BERTFT_DEF int bft_tokenizer_pad_id(const bft_tokenizer *t) { return t->special_id[0]; }
BERTFT_DEF int bft_tokenizer_unk_id(const bft_tokenizer *t) { return t->special_id[1]; }
BERTFT_DEF int bft_tokenizer_cls_id(const bft_tokenizer *t) { return t->special_id[2]; }
BERTFT_DEF int bft_tokenizer_sep_id(const bft_tokenizer *t) { return t->special_id[3]; }
BERTFT_DEF int bft_tokenizer_mask_id(const bft_tokenizer *t) { return t->special_id[4]; }
BERTFT_DEF int bft_tokenizer_do_lower_case(const bft_tokenizer *t) { return t->lowercase; }
BERTFT_DEF int bft_tokenizer_model_max_length(const bft_tokenizer *t) { return t->model_max_length; }
BERTFT_DEF void bft_tokenizer_set_model_max_length(bft_tokenizer *t, int n) { t->model_max_length = n > 0 ? n : 0; }

/* Per-call working memory, reused across the texts of a batch. */
typedef struct bft__tok_work {
    uint32_t *cp;                 /* normalized code points of the current segment */
    size_t capcp;
    char *word;                   /* UTF-8 of the current word */
    size_t nword, capword;
    int wchars;                   /* characters in the current word */
    uint32_t *wh;                 /* FNV-1a state at each byte of the word */
    int32_t *tok[2];              /* WordPiece ids of text A and text B */
    int ntok[2], captok[2];
    int limit;                    /* stop after the word that reaches this many tokens (0: never) */
    int stop, oom;
} bft__tok_work;

static void bft__tok_work_free(bft__tok_work *w)
{
    bft_free(w->cp);
    bft_free(w->word);
    bft_free(w->wh);
    bft_free(w->tok[0]);
    bft_free(w->tok[1]);
    memset(w, 0, sizeof *w);
}

static void bft__tok_push(bft__tok_work *w, int k, int32_t id)
{
    if (w->ntok[k] == w->captok[k]) {
        int nc = w->captok[k] ? w->captok[k] * 2 : 256;
        int32_t *p = (int32_t *)bft__realloc(w->tok[k], (size_t)nc * sizeof(int32_t));
        if (!p) { w->oom = 1; return; }
        w->tok[k] = p;
        w->captok[k] = nc;
    }
    w->tok[k][w->ntok[k]++] = id;
}

/* WordPiece on the current word: greedy longest-match-first, "##" before non-initial pieces; a
   word with a piece that matches nothing, or longer than 100 characters, becomes one [UNK]. */
static void bft__tok_wordpiece(const bft_tokenizer *t, bft__tok_work *w, int k)
{
    const char *s = w->word;
    size_t n = w->nword, start = 0;
    int mark = w->ntok[k];
    if (n == 0 || w->stop) return;
    if (w->wchars > t->max_chars_per_word) {
        bft__tok_push(w, k, t->special_id[1]);
        w->nword = 0;
        w->wchars = 0;
        if (w->limit && w->ntok[k] >= w->limit) w->stop = 1;
        return;
    }
    while (start < n) {
        size_t lim = n - start > t->max_tok_bytes ? start + t->max_tok_bytes : n, e;
        uint32_t h = start ? t->hash_cont : BFT__FNV_OFF;
        int id = -1;
        for (e = start; e < lim; e++) w->wh[e - start] = h = (h ^ (unsigned char)s[e]) * BFT__FNV_PRIME;
        for (e = lim; e > start; e--) {
            if (e < n && ((unsigned char)s[e] & 0xC0) == 0x80) continue; /* not a character boundary */
            id = bft__tok_find(t, w->wh[e - start - 1], start > 0, s + start, e - start);
            if (id >= 0) break;
        }
        if (id < 0) { w->ntok[k] = mark; bft__tok_push(w, k, t->special_id[1]); break; }
        bft__tok_push(w, k, id);
        start = e;
    }
    w->nword = 0;
    w->wchars = 0;
    if (w->limit && w->ntok[k] >= w->limit) w->stop = 1;
}

/* Append a character to the current word. Only the first max_chars_per_word + 1 are kept: a
   longer word becomes [UNK] whatever it holds, so the buffer stays small for any input. */
static void bft__tok_wordchar(const bft_tokenizer *t, bft__tok_work *w, uint32_t cp)
{
    if (w->wchars <= t->max_chars_per_word) w->nword += (size_t)bft__utf8_put(w->word + w->nword, cp);
    w->wchars++;
}

/* Normalize, pre-tokenize and WordPiece one piece of text that holds no special token. */
static void bft__tok_segment(const bft_tokenizer *t, bft__tok_work *w, const unsigned char *s, size_t len, int k)
{
    size_t i = 0, n = 0, need = 2 * len + 8, q;
    int reorder = 0;
    uint32_t *cp;
    if (len == 0 || w->stop) return;
    if (need > w->capcp) {
        uint32_t *p = (uint32_t *)bft__realloc(w->cp, need * sizeof(uint32_t));
        if (!p) { w->oom = 1; return; }
        w->cp = p;
        w->capcp = need;
    }
    if (!w->word) {
        size_t nc = 4 * ((size_t)t->max_chars_per_word + 2) + 16;
        w->word = (char *)bft__malloc(nc);
        if (!w->word) { w->oom = 1; return; }
        w->capword = nc;
    }
    if (!w->wh) {
        w->wh = (uint32_t *)bft__malloc((t->max_tok_bytes + 1) * sizeof(uint32_t));
        if (!w->wh) { w->oom = 1; return; }
    }
    cp = w->cp;
    /* 1. clean-up (delete NUL, U+FFFD and Cc/Cf/Co except \t \n \r; whitespace -> ' '), spaces
          around CJK ideographs, and canonical decomposition when stripping accents */
    while (i < len) {
        uint32_t c = s[i];
        int cjk;
        if (c < 0x80) {
            i++;
            if (c == '\t' || c == '\n' || c == '\r') c = ' ';
            else if (c < 0x20 || c == 0x7F) continue;
            cp[n++] = c;
            continue;
        }
        c = bft__utf8_next(s, len, &i);
        if (c == 0xFFFD || (bft__u_class(c) & BFT__U_OTHER)) continue;
        if (bft__u_is_ws(c)) { cp[n++] = ' '; continue; }
        cjk = t->chinese && bft__u_is_cjk(c);
        if (cjk) cp[n++] = ' ';
        if (t->strip_accents) {
            uint32_t d[4];
            int m = bft__u_decompose(c, d), j;
            for (j = 0; j < m; j++) {
                cp[n++] = d[j];
                if (!reorder && bft__u_ccc(d[j])) reorder = 1;
            }
        } else {
            cp[n++] = c;
        }
        if (cjk) cp[n++] = ' ';
    }
    /* 2. NFD's canonical ordering: stable sort of each run of non-starters by combining class */
    if (reorder) {
        for (q = 0; q < n; q++) {
            size_t e, a, b;
            if (!bft__u_ccc(cp[q])) continue;
            for (e = q; e < n && bft__u_ccc(cp[e]); e++) {}
            for (a = q + 1; a < e; a++) {
                uint32_t x = cp[a], cx = bft__u_ccc(x);
                for (b = a; b > q && bft__u_ccc(cp[b - 1]) > cx; b--) cp[b] = cp[b - 1];
                cp[b] = x;
            }
            q = e;
        }
    }
    /* 3. delete nonspacing marks, lowercase, and pre-tokenize: whitespace ends a word, punctuation
          is a word of its own */
    w->nword = 0;
    w->wchars = 0;
    for (q = 0; q < n && !w->stop; q++) {
        uint32_t c = cp[q], low[4];
        int m = 1, j;
        if (c < 0x80) {
            if (c == ' ' || (c >= 9 && c <= 13)) { bft__tok_wordpiece(t, w, k); continue; }
            if (bft__u_is_punct(c)) {
                bft__tok_wordpiece(t, w, k);
                w->word[0] = (char)c; w->nword = 1; w->wchars = 1;
                bft__tok_wordpiece(t, w, k);
                continue;
            }
            if (t->lowercase && c >= 'A' && c <= 'Z') c += 32;
            if (w->wchars <= t->max_chars_per_word) w->word[w->nword++] = (char)c;
            w->wchars++;
            continue;
        }
        {
            uint32_t cls = bft__u_class(c);
            if (t->strip_accents && (cls & BFT__U_MN)) continue;
        }
        if (t->lowercase) m = bft__u_lower(c, low);
        else low[0] = c;
        for (j = 0; j < m; j++) {
            uint32_t x = low[j];
            if (bft__u_is_ws(x)) { bft__tok_wordpiece(t, w, k); continue; }
            if (bft__u_is_punct(x)) {
                bft__tok_wordpiece(t, w, k);
                bft__tok_wordchar(t, w, x);
                bft__tok_wordpiece(t, w, k);
                continue;
            }
            bft__tok_wordchar(t, w, x);
        }
    }
    bft__tok_wordpiece(t, w, k);
}

/* Tokenize a whole text into w->tok[k]: special tokens written in it stay whole (HF's added tokens
   match the raw text, before normalization, leftmost then longest). */
static void bft__tok_text(const bft_tokenizer *t, bft__tok_work *w, const char *text, size_t len, int k)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i, seg = 0;
    w->ntok[k] = 0;
    w->stop = 0;
    for (i = 0; i < len && !w->stop; i++) {
        int best = -1, sp;
        size_t bl = 0;
        if (!t->special_first[s[i]]) continue;
        for (sp = 0; sp < BFT__NSPECIAL; sp++) {
            const char *st = t->special_str[sp];
            size_t sl = strlen(st);
            if (t->special_id[sp] < 0 || sl == 0 || sl > len - i || sl <= bl) continue;
            if (memcmp(s + i, st, sl) == 0) { best = sp; bl = sl; }
        }
        if (best < 0) continue;
        bft__tok_segment(t, w, s + seg, i - seg, k);
        if (w->stop) return;
        bft__tok_push(w, k, t->special_id[best]); /* counted, but only a word can stop the text */
        i += bl - 1;
        seg = i + 1;
    }
    bft__tok_segment(t, w, s + seg, len - seg, k);
}

/* Tokenize a (and b) into w, then work out how many tokens of each to keep. */
static bft_result bft__tok_encode_work(const bft_tokenizer *t, bft__tok_work *w, const char *a, size_t alen,
                                       const char *b, size_t blen, int max_length, bft_truncation tr,
                                       int *keep_a, int *keep_b)
{
    int pair = b != NULL, specials = pair ? 3 : 2, na, nb, total;
    /* With truncation on, tokenizers 0.23 stops tokenizing a text after the first word that ends
       with max_length or more tokens (special tokens count, but are not words); the truncation
       below then works on those lengths. It matters: it decides which text is the longer one, and
       how much only_first/only_second must cut. Measured on tokenizers 0.23.2 (npm). */
    w->limit = max_length > 0 && tr != BFT_TRUNC_NONE ? max_length : 0;
    bft__tok_text(t, w, a ? a : "", a ? alen : 0, 0);
    w->ntok[1] = 0;
    if (pair) bft__tok_text(t, w, b, blen, 1);
    if (w->oom) return bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    na = w->ntok[0];
    nb = w->ntok[1];
    total = na + nb + specials;
    if (max_length > 0 && total > max_length) {
        int budget = max_length - specials, remove = na + nb - budget;
        if (tr != BFT_TRUNC_NONE && budget < 0)
            return bft__fail(BFT_ERR_INVALID, "tokenizer: max_length %d is shorter than the %d special tokens", max_length, specials);
        if (tr != BFT_TRUNC_NONE && budget == 0) tr = BFT_TRUNC_LONGEST_FIRST; /* HF: both empty */
        switch (tr) {
        case BFT_TRUNC_NONE:
            return bft__fail(BFT_ERR_INVALID, "tokenizer: the %s is %d tokens long, more than max_length %d, and truncation is off",
                             pair ? "pair" : "sequence", total, max_length);
        case BFT_TRUNC_LONGEST_FIRST:
            if (!pair) { na = budget; break; }
            {
                /* tokenizers' truncate_encodings: keep the shorter whole if the longer can take the
                   cut alone, else split the budget in two halves, the odd token going to the longer
                   sequence, or to the second on a tie (the Python tokenizer removes one token at a
                   time instead) */
                int n1 = na, n2 = nb, swap = 0;
                if (n1 > n2) { int x = n1; n1 = n2; n2 = x; swap = 1; }
                n2 = n1 > budget ? n1 : (n1 > budget - n1 ? n1 : budget - n1);
                if (n1 + n2 > budget) { n1 = budget / 2; n2 = n1 + budget % 2; }
                if (swap) { int x = n1; n1 = n2; n2 = x; }
                if (na > n1) na = n1;
                if (nb > n2) nb = n2;
            }
            break;
        case BFT_TRUNC_ONLY_FIRST:
        case BFT_TRUNC_ONLY_SECOND: {
            int second = tr == BFT_TRUNC_ONLY_SECOND, *target = second ? &nb : &na;
            if (second && !pair) return bft__fail(BFT_ERR_INVALID, "tokenizer: truncation only_second needs a pair of texts");
            if (*target <= remove)
                return bft__fail(BFT_ERR_INVALID, "tokenizer: truncation %s cannot cut %d tokens from a %s sequence of %d tokens (max_length %d)",
                                 second ? "only_second" : "only_first", remove, second ? "second" : "first", *target, max_length);
            *target -= remove;
            break;
        }
        default:
            return bft__fail(BFT_ERR_INVALID, "tokenizer: unknown truncation strategy %d", (int)tr);
        }
    }
    *keep_a = na;
    *keep_b = nb;
    return BFT_OK;
}

/* [CLS] A [SEP] (B [SEP]) into ids/types (room checked by the caller). */
static int bft__tok_emit(const bft_tokenizer *t, const bft__tok_work *w, int pair, int na, int nb, int32_t *ids, int32_t *types)
{
    int n = 0, i;
    ids[n++] = t->special_id[2];
    for (i = 0; i < na; i++) ids[n++] = w->tok[0][i];
    ids[n++] = t->special_id[3];
    if (types) for (i = 0; i < n; i++) types[i] = 0;
    if (pair) {
        int m = n;
        for (i = 0; i < nb; i++) ids[n++] = w->tok[1][i];
        ids[n++] = t->special_id[3];
        if (types) for (i = m; i < n; i++) types[i] = 1;
    }
    return n;
}

BERTFT_DEF bft_result bft_tokenizer_encode(const bft_tokenizer *t, const char *a, size_t alen, const char *b,
                                           size_t blen, int max_length, bft_truncation tr, int32_t *ids,
                                           int32_t *type_ids, int cap, int *len)
{
    bft__tok_work w;
    int na, nb, need;
    bft_result r;
    memset(&w, 0, sizeof w);
    *len = 0;
    r = bft__tok_encode_work(t, &w, a, alen, b, blen, max_length, tr, &na, &nb);
    if (r == BFT_OK) {
        need = na + nb + (b ? 3 : 2);
        *len = need;
        if (need > cap) r = bft__fail(BFT_ERR_INVALID, "tokenizer: %d tokens do not fit in the %d given", need, cap);
        else bft__tok_emit(t, &w, b != NULL, na, nb, ids, type_ids);
    }
    bft__tok_work_free(&w);
    return r;
}

BERTFT_DEF bft_result bft_tokenizer_tokenize(const bft_tokenizer *t, const char *text, size_t len, int32_t *ids, int cap, int *n)
{
    bft__tok_work w;
    bft_result r = BFT_OK;
    memset(&w, 0, sizeof w);
    bft__tok_text(t, &w, text, len, 0);
    *n = w.ntok[0];
    if (w.oom) r = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    else if (w.ntok[0] > cap) r = bft__fail(BFT_ERR_INVALID, "tokenizer: %d tokens do not fit in the %d given", w.ntok[0], cap);
    else if (w.ntok[0]) memcpy(ids, w.tok[0], (size_t)w.ntok[0] * sizeof(int32_t));
    bft__tok_work_free(&w);
    return r;
}

/* Batch encoding: the texts are cut into chunks; each chunk is encoded by one thread into its own
   buffer, and the buffers are joined in chunk order, so the result is the same for any thread count. */
typedef struct bft__tok_chunk {
    int32_t *ids, *types;
    int64_t n, cap;
    bft_result err;
    char msg[256];
} bft__tok_chunk;

BERTFT_DEF bft_result bft_tokenizer_encode_batch(const bft_tokenizer *t, int n, const char *const *a,
                                                 const char *const *b, int max_length, bft_truncation tr,
                                                 bft_encoded *out)
{
    enum { CHUNK = 256 };
    int nchunks, c;
    bft__tok_chunk *ch;
    bft_result r = BFT_OK;
    int64_t total = 0;
    memset(out, 0, sizeof *out);
    if (n < 0) return bft__fail(BFT_ERR_INVALID, "tokenizer: negative batch size %d", n);
    nchunks = (n + CHUNK - 1) / CHUNK;
    ch = BFT__NEW(bft__tok_chunk, nchunks ? nchunks : 1);
    out->offsets = BFT__NEW(int64_t, (size_t)n + 1);
    if (!ch || !out->offsets) { bft_free(ch); bft_encoded_free(out); return bft__fail(BFT_ERR_OOM, "tokenizer: out of memory"); }
    out->n = n;
    BFT__OMP(parallel for schedule(dynamic, 1))
    for (c = 0; c < nchunks; c++) {
        bft__tok_work w;
        bft__tok_chunk *k = &ch[c];
        int i, lo = c * CHUNK, hi = lo + CHUNK < n ? lo + CHUNK : n;
        memset(&w, 0, sizeof w);
        for (i = lo; i < hi && k->err == BFT_OK; i++) {
            const char *bi = b ? b[i] : NULL;
            int na, nb, m;
            bft_result e = bft__tok_encode_work(t, &w, a[i], a[i] ? strlen(a[i]) : 0, bi, bi ? strlen(bi) : 0,
                                                max_length, tr, &na, &nb);
            if (e == BFT_OK && k->n + na + nb + 3 > k->cap) {
                int64_t nc = k->cap ? k->cap * 2 : 4096;
                int32_t *p1, *p2;
                while (nc < k->n + na + nb + 3) nc *= 2;
                p1 = (int32_t *)bft__realloc(k->ids, (size_t)nc * sizeof(int32_t));
                if (p1) k->ids = p1;
                p2 = (int32_t *)bft__realloc(k->types, (size_t)nc * sizeof(int32_t));
                if (p2) k->types = p2;
                if (!p1 || !p2) e = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
                else k->cap = nc;
            }
            if (e != BFT_OK) {
                /* the message is thread-local: keep it with the chunk, with the failing row */
                k->err = e;
                snprintf(k->msg, sizeof k->msg, "row %d: %.200s", i, bft_last_error());
                break;
            }
            m = bft__tok_emit(t, &w, bi != NULL, na, nb, k->ids + k->n, k->types + k->n);
            k->n += m;
            out->offsets[i + 1] = m; /* lengths for now */
        }
        bft__tok_work_free(&w);
    }
    for (c = 0; c < nchunks; c++) {
        if (ch[c].err != BFT_OK) { r = bft__fail(ch[c].err, "%s", ch[c].msg); break; }
        total += ch[c].n;
    }
    if (r == BFT_OK) {
        out->input_ids = BFT__NEW(int32_t, total ? total : 1);
        out->token_type_ids = BFT__NEW(int32_t, total ? total : 1);
        if (!out->input_ids || !out->token_type_ids) r = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    }
    if (r == BFT_OK) {
        int64_t pos = 0;
        int i;
        for (c = 0; c < nchunks; c++) {
            if (ch[c].n) {
                memcpy(out->input_ids + pos, ch[c].ids, (size_t)ch[c].n * sizeof(int32_t));
                memcpy(out->token_type_ids + pos, ch[c].types, (size_t)ch[c].n * sizeof(int32_t));
            }
            pos += ch[c].n;
        }
        out->offsets[0] = 0;
        for (i = 0; i < n; i++) out->offsets[i + 1] += out->offsets[i];
    }
    for (c = 0; c < nchunks; c++) { bft_free(ch[c].ids); bft_free(ch[c].types); }
    bft_free(ch);
    if (r != BFT_OK) bft_encoded_free(out);
    return r;
}

/* tokenizer.json, the fast tokenizer's own file: the pipeline of this section spelled out. */
static void bft__tok_json(const bft_tokenizer *t, bft__buf *j, const int *order, int no)
{
    int i, k;
    bft__buf_puts(j, "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [");
    for (i = 0; i < no; i++) {
        k = order[i];
        bft__buf_printf(j, "%s\n    {\n      \"id\": %d,\n      \"content\": ", i ? "," : "", t->special_id[k]);
        bft__buf_json_str(j, t->special_str[k], strlen(t->special_str[k]));
        bft__buf_puts(j, ",\n      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n"
                         "      \"normalized\": false,\n      \"special\": true\n    }");
    }
    bft__buf_printf(j, "\n  ],\n  \"normalizer\": {\n    \"type\": \"BertNormalizer\",\n    \"clean_text\": true,\n"
                       "    \"handle_chinese_chars\": %s,\n    \"strip_accents\": %s,\n    \"lowercase\": %s\n  },\n"
                       "  \"pre_tokenizer\": {\n    \"type\": \"BertPreTokenizer\"\n  },\n",
                    t->chinese ? "true" : "false",
                    t->strip_accents == t->lowercase ? "null" : (t->strip_accents ? "true" : "false"),
                    t->lowercase ? "true" : "false");
    /* TemplateProcessing: [CLS] $A [SEP] and [CLS] $A [SEP] $B:1 [SEP]:1 */
    bft__buf_puts(j, "  \"post_processor\": {\n    \"type\": \"TemplateProcessing\",\n    \"single\": [\n");
    for (i = 0; i < 2; i++) {
        const char *cls = t->special_str[2], *sep = t->special_str[3];
        if (i) bft__buf_puts(j, "    \"pair\": [\n");
        bft__buf_puts(j, "      {\"SpecialToken\": {\"id\": ");
        bft__buf_json_str(j, cls, strlen(cls));
        bft__buf_puts(j, ", \"type_id\": 0}},\n      {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}},\n      {\"SpecialToken\": {\"id\": ");
        bft__buf_json_str(j, sep, strlen(sep));
        bft__buf_puts(j, ", \"type_id\": 0}}");
        if (i) {
            bft__buf_puts(j, ",\n      {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}},\n      {\"SpecialToken\": {\"id\": ");
            bft__buf_json_str(j, sep, strlen(sep));
            bft__buf_puts(j, ", \"type_id\": 1}}");
        }
        bft__buf_puts(j, "\n    ],\n");
    }
    bft__buf_puts(j, "    \"special_tokens\": {");
    for (i = 2; i <= 3; i++) {
        const char *st = t->special_str[i];
        bft__buf_puts(j, i == 2 ? "\n      " : ",\n      ");
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_puts(j, ": {\"id\": ");
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_printf(j, ", \"ids\": [%d], \"tokens\": [", t->special_id[i]);
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_puts(j, "]}");
    }
    bft__buf_puts(j, "\n    }\n  },\n  \"decoder\": {\n    \"type\": \"WordPiece\",\n    \"prefix\": \"##\",\n    \"cleanup\": true\n  },\n"
                     "  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": ");
    bft__buf_json_str(j, t->special_str[1], strlen(t->special_str[1]));
    bft__buf_printf(j, ",\n    \"continuing_subword_prefix\": \"##\",\n    \"max_input_chars_per_word\": %d,\n    \"vocab\": {",
                    t->max_chars_per_word);
    for (i = 0; i < t->vocab_size; i++) {
        bft__buf_puts(j, i ? ",\n      " : "\n      ");
        bft__buf_json_str(j, t->pool + t->tok_off[i], t->tok_len[i]);
        bft__buf_printf(j, ": %d", i);
    }
    bft__buf_puts(j, "\n    }\n  }\n}\n");
}

/* save_pretrained: vocab.txt, tokenizer_config.json, special_tokens_map.json and tokenizer.json as
   HF's BertTokenizerFast writes them. */
BERTFT_DEF bft_result bft_tokenizer_save(const bft_tokenizer *t, const char *dir)
{
    bft__buf v, c, m, j;
    bft_result r;
    char *p;
    int i, k, first = 1;
    /* HF lists the special tokens in id order in added_tokens_decoder */
    int order[BFT__NSPECIAL], no = 0;
    if ((r = bft_mkdirs(dir)) != BFT_OK) return r;
    memset(&v, 0, sizeof v);
    memset(&c, 0, sizeof c);
    memset(&m, 0, sizeof m);
    memset(&j, 0, sizeof j);
    for (i = 0; i < t->vocab_size; i++) {
        bft__buf_put(&v, t->pool + t->tok_off[i], t->tok_len[i]);
        bft__buf_put(&v, "\n", 1);
    }
    for (k = 0; k < BFT__NSPECIAL; k++) if (t->special_id[k] >= 0) order[no++] = k;
    for (i = 1; i < no; i++) {
        int x = order[i], j = i;
        while (j > 0 && t->special_id[order[j - 1]] > t->special_id[x]) { order[j] = order[j - 1]; j--; }
        order[j] = x;
    }
    bft__buf_puts(&c, "{\n  \"added_tokens_decoder\": {");
    for (i = 0; i < no; i++) {
        k = order[i];
        bft__buf_printf(&c, "%s\n    \"%d\": {\n      \"content\": ", first ? "" : ",", t->special_id[k]);
        bft__buf_json_str(&c, t->special_str[k], strlen(t->special_str[k]));
        bft__buf_puts(&c, ",\n      \"lstrip\": false,\n      \"normalized\": false,\n      \"rstrip\": false,\n"
                          "      \"single_word\": false,\n      \"special\": true\n    }");
        first = 0;
    }
    bft__buf_puts(&c, "\n  },\n  \"clean_up_tokenization_spaces\": true,\n  \"cls_token\": ");
    bft__buf_json_str(&c, t->special_str[2], strlen(t->special_str[2]));
    bft__buf_printf(&c, ",\n  \"do_basic_tokenize\": true,\n  \"do_lower_case\": %s,\n", t->lowercase ? "true" : "false");
    if (t->special_id[4] >= 0) {
        bft__buf_puts(&c, "  \"mask_token\": ");
        bft__buf_json_str(&c, t->special_str[4], strlen(t->special_str[4]));
        bft__buf_puts(&c, ",\n");
    }
    if (t->model_max_length > 0) bft__buf_printf(&c, "  \"model_max_length\": %d,\n", t->model_max_length);
    else bft__buf_puts(&c, "  \"model_max_length\": 1000000000000000019884624838656,\n");
    bft__buf_puts(&c, "  \"never_split\": null,\n  \"pad_token\": ");
    bft__buf_json_str(&c, t->special_str[0], strlen(t->special_str[0]));
    bft__buf_puts(&c, ",\n  \"sep_token\": ");
    bft__buf_json_str(&c, t->special_str[3], strlen(t->special_str[3]));
    /* strip_accents: null means "follow do_lower_case"; write null when it does */
    bft__buf_printf(&c, ",\n  \"strip_accents\": %s,\n  \"tokenize_chinese_chars\": %s,\n"
                        "  \"tokenizer_class\": \"BertTokenizer\",\n  \"unk_token\": ",
                    t->strip_accents == t->lowercase ? "null" : (t->strip_accents ? "true" : "false"),
                    t->chinese ? "true" : "false");
    bft__buf_json_str(&c, t->special_str[1], strlen(t->special_str[1]));
    bft__buf_puts(&c, "\n}\n");
    bft__buf_puts(&m, "{\n");
    first = 1;
    {
        /* special_tokens_map.json lists the keys alphabetically */
        static const int alpha[BFT__NSPECIAL] = { 2, 4, 0, 3, 1 }; /* cls mask pad sep unk */
        for (i = 0; i < BFT__NSPECIAL; i++) {
            k = alpha[i];
            if (t->special_id[k] < 0) continue;
            bft__buf_printf(&m, "%s  \"%s\": ", first ? "" : ",\n", bft__special_keys[k]);
            bft__buf_json_str(&m, t->special_str[k], strlen(t->special_str[k]));
            first = 0;
        }
    }
    bft__buf_puts(&m, "\n}\n");
    bft__tok_json(t, &j, order, no);
    if (v.oom || c.oom || m.oom || j.oom) r = bft__fail(BFT_ERR_OOM, "%s: out of memory", dir);
    if (r == BFT_OK) {
        p = bft__path_join(dir, "vocab.txt");
        r = p ? bft_write_file_atomic(p, v.p ? v.p : "", v.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "tokenizer_config.json");
        r = p ? bft_write_file_atomic(p, c.p, c.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "special_tokens_map.json");
        r = p ? bft_write_file_atomic(p, m.p, m.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "tokenizer.json");
        r = p ? bft_write_file_atomic(p, j.p, j.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    bft_free(j.p);
    bft_free(v.p);
    bft_free(c.p);
    bft_free(m.p);
    return r;
}
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
   block (MC x KC) streams from L2. One exception: the avx512 kernel reads a row-major fp32 A
   (the forward and dX products) where it lies, 12 rows at a time, and skips its packing (see
   bft__gemm_thread); only a partial last micro-panel of rows is packed.

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
     avx512bf16 12 x 32, for BFT_BF16 products: the avx512 tile on VDPBF16PS, which takes two
                      depths per instruction (operands packed as bf16 pairs), so twice the flops
                      per cycle; other kernels emulate BFT_BF16 by rounding while they pack.
   A bias row is added as the micro-kernel writes a tile, and an optional epilogue (dropout)
   runs on each tile as soon as it is final.
   Run-time dispatch: x86 kernels are compiled with __attribute__((target(...))) and selected with
   __builtin_cpu_supports, so one build without -march flags runs the best kernel of the CPU.
   BERTFT_NO_SIMD disables all intrinsics (portable C only). */

#if !defined(BERTFT_NO_SIMD) && defined(__x86_64__) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define BFT__GEMM_X86 1
#if defined(__GNUC__) && !defined(__clang__) && defined(__cplusplus)
/* GCC 12's C++ front end reports "may be used uninitialized" inside its own AVX-512 headers (they
   build max/min/scalef/roundscale/srli/shuffles on _mm512_undefined_*() placeholders) wherever
   those intrinsics are inlined: hundreds of false positives, silenced from here to the end of
   the implementation in GCC C++ builds only (C builds keep the warning for this code). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define BFT__CXX_DIAG_PUSHED 1
#endif
#include <immintrin.h>
#endif
#if !defined(BERTFT_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define BFT__GEMM_NEON 1
#include <arm_neon.h>
#endif

/* Micro-kernel: C[0:MR, 0:NR] (row stride ldc) = alpha * sum_k a[k*MR + i] * b[k*NR + j]
   + beta * C, for k < kc; beta == 0 does not read C. a and b are packed slivers. bias (NULL:
   none) then adds bias[j] to each row, rounded as a separate addition after that: the linear
   layers' bias, in registers instead of another pass over the tile. */
typedef void (*bft__gemm_ukr_fn)(int kc, const float *a, const float *b, float *c, size_t ldc,
                                 float alpha, float beta, const float *bias);
/* The same product with A read where it lies instead of packed: row i of the tile at a + i * lda,
   its depths contiguous (op(A) = A, row-major). */
typedef void (*bft__gemm_ukr_rows_fn)(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc,
                                      float alpha, float beta, const float *bias);

typedef struct bft__gemm_kernel_info {
    const char *name;
    int mr, nr;             /* register tile */
    int kc;                 /* K slice (depths): KC x NR of B make the sliver one micro-kernel call streams */
    int mc;                 /* rows per A block (multiple of mr): MC x KC floats in L2 */
    int nc;                 /* columns per B panel (multiple of nr): KC x NC floats in L2/L3 */
    bft__gemm_ukr_fn ukr;
    bft__gemm_ukr_rows_fn ukr_rows; /* NULL, or the kernel on an unpacked row-major A (see bft__gemm_thread) */
    int (*can_run)(void);   /* does this CPU support it */
    int pack;               /* packing code: BFT__PACK_C (portable), _AVX512 (fp32), _BF16 (pairs) */
} bft__gemm_kernel_info;

/* How operands are packed. PACK_BF16 kernels read, for each pair of depths (2p, 2p+1), one 32-bit
   word per lane holding both bf16 values (low half = even depth): the layout VDPBF16PS consumes.
   Their `kc` counts depths, the micro-kernel's loop count is pairs. */
#define BFT__PACK_C 0
#define BFT__PACK_AVX512 1
#define BFT__PACK_BF16 2

#define BFT__GEMM_MAX_TILE (12 * 32) /* largest mr * nr of any kernel (edge-tile buffer) */

static int bft__gemm_min(int a, int b) { return a < b ? a : b; }
static int bft__gemm_max(int a, int b) { return a > b ? a : b; }
static int bft__gemm_round_up(int a, int m) { return (a + m - 1) / m * m; }
static int bft__gemm_always(void) { return 1; }

/* ---- portable C micro-kernel --------------------------------------------------------------- */
#define BFT__SC_MR 4
#define BFT__SC_NR 8
static void bft__gemm_ukr_scalar(int kc, const float *a, const float *b, float *c, size_t ldc,
                                 float alpha, float beta, const float *bias)
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
            if (bias) r += bias[j];
            cr[j] = r;
        }
    }
}

/* Few depths (ku units, at most 128) into a C whose rows are a multiple of 4 KiB apart: the
   macro-kernel walks its tiles along the rows (bft__gemm_macro), and the x86 tiles do not fetch
   C ahead: a tile's C rows all share two L1 sets, and fetching them all at once evicts them from
   each other (16 tokens' dW [768, 3072]: 248 against 271 GFLOP/s without); with more depths the
   early fetch pays (3-11% at 4096 tokens). */
BFT__INLINE int bft__gemm_along(size_t ldc, int ku) { return (ldc & 1023) == 0 && ku <= 128; }

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

/* C is only touched after the k loop; fetching its 12 x 32 tile first hides the cache misses of
   the write-back (C is usually far bigger than L2). BFT__INLINE (always_inline) is required, not
   a hint: a separate function made of prefetches alone is "const" to GCC's IPA (a prefetch has no
   side effect), and GCC 12 then deleted every call to it, silently, as a call whose result is
   unused. This applies to bft__prefetch_rows as well. */
BFT__INLINE void bft__gemm_prefetch_c(const float *cp, size_t ldc, int rows)
{
    int k;
    for (k = 0; k < rows; k++) {
        _mm_prefetch((const char *)(cp + (size_t)k * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(cp + (size_t)k * ldc + 31), _MM_HINT_T0);
    }
}

/* The write-back: alpha * sum + beta * C + bias. alpha = 1 skips the multiply and beta = 1 adds
   instead of a fused multiply-add: the same bits (1 * x is exact; fma(1, c, r) rounds c + r once,
   as the add does), two fewer instructions per vector on the FMA pipes, which a product of few
   depths (16 tokens' dW: 16 multiply-adds per element) spends a good part of its time in. */
/* Written out row by row with token pasting rather than loops over arrays of vectors: that is
   the only way to be sure every compiler at -O2 keeps all 24 accumulators in registers. */
#define BFT__Z512(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps();
#define BFT__F512(i)                                                                             \
    if (MR > (i)) {                                                                              \
        t = _mm512_set1_ps(a[(size_t)(i) * rs]);                                                 \
        c##i##a = _mm512_fmadd_ps(t, b0, c##i##a);                                               \
        c##i##b = _mm512_fmadd_ps(t, b1, c##i##b);                                               \
    }
/* wal: alpha != 1; wbe: beta 0, 1 or other (0, 1, 2); wbi: a bias. Constants in the two common
   cases (BFT__W512S), so their rows test nothing; else ints. Testing the floats alpha and beta
   again for every row (compilers do not hoist it) puts compares on the FP pipes: attention's dP
   (K = 64, one thread) went from 85-88% to 88-90% of the peak without them. */
#define BFT__W512(i)                                                                             \
    if (MR > (i)) {                                                                              \
        float *cr = cp + (size_t)(i) * ldc;                                                      \
        __m512 r0 = c##i##a, r1 = c##i##b;                                                       \
        if (wal) { r0 = _mm512_mul_ps(va, r0); r1 = _mm512_mul_ps(va, r1); }                     \
        if (wbe == 1) {                                                                          \
            r0 = _mm512_add_ps(_mm512_loadu_ps(cr), r0);                                         \
            r1 = _mm512_add_ps(_mm512_loadu_ps(cr + 16), r1);                                    \
        } else if (wbe == 2) {                                                                   \
            r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), r0);                                   \
            r1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16), r1);                              \
        }                                                                                        \
        if (wbi) {                                                                               \
            r0 = _mm512_add_ps(r0, _mm512_loadu_ps(bias));                                       \
            r1 = _mm512_add_ps(r1, _mm512_loadu_ps(bias + 16));                                  \
        }                                                                                        \
        _mm512_storeu_ps(cr, r0);                                                                \
        _mm512_storeu_ps(cr + 16, r1);                                                           \
    }
#define BFT__W512R                                                                               \
    BFT__W512(0) BFT__W512(1) BFT__W512(2) BFT__W512(3) BFT__W512(4) BFT__W512(5)                 \
    BFT__W512(6) BFT__W512(7) BFT__W512(8) BFT__W512(9) BFT__W512(10) BFT__W512(11)
#define BFT__W512S                                                                               \
    if (alpha == 1.0f && beta == 0.0f && !bias) { const int wal = 0, wbe = 0, wbi = 0; BFT__W512R } \
    else if (alpha == 1.0f && beta == 1.0f && !bias) { const int wal = 0, wbe = 1, wbi = 0; BFT__W512R } \
    else {                                                                                       \
        const int wal = alpha != 1.0f, wbe = beta == 0.0f ? 0 : beta == 1.0f ? 1 : 2, wbi = bias != NULL; \
        BFT__W512R                                                                               \
    }
/* The MR x 32 tile (MR <= 12, a constant in each caller), with row i of A at depth k at
   a[i * rs + k * cs] and B's depth k at b + k * bs: rs = 1, cs = 12 for a packed sliver
   (bft__gemm_ukr_avx512), rs = lda, cs = 1 for A read in place (bft__gemm_ukr_avx512_rows); the
   small path (bft__gemm_small_avx512) also reads a transposed A in place and B unpacked. Each
   caller passes constants or a loop-invariant stride, so inlining gives each its own addressing;
   the arithmetic, and so the result, is the same for all. */
__attribute__((target("avx512f")))
BFT__INLINE void bft__gemm_tile_avx512(const int MR, int kc, const float *a, size_t rs, size_t cs, const float *b,
                                       size_t bs, float *cp, size_t ldc, float alpha, float beta, const float *bias)
{
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int k;
    if (!bft__gemm_along(ldc, kc)) bft__gemm_prefetch_c(cp, ldc, MR);
    BFT__Z512(0) BFT__Z512(1) BFT__Z512(2) BFT__Z512(3) BFT__Z512(4) BFT__Z512(5)
    BFT__Z512(6) BFT__Z512(7) BFT__Z512(8) BFT__Z512(9) BFT__Z512(10) BFT__Z512(11)
    for (k = 0; k < kc; k++, a += cs, b += bs) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 t;
        BFT__F512(0) BFT__F512(1) BFT__F512(2) BFT__F512(3) BFT__F512(4) BFT__F512(5)
        BFT__F512(6) BFT__F512(7) BFT__F512(8) BFT__F512(9) BFT__F512(10) BFT__F512(11)
    }
    BFT__W512S
}

__attribute__((target("avx512f")))
static void bft__gemm_ukr_avx512(int kc, const float *a, const float *b, float *cp, size_t ldc,
                                 float alpha, float beta, const float *bias)
{
    bft__gemm_tile_avx512(12, kc, a, 1, 12, b, 32, cp, ldc, alpha, beta, bias);
}
/* On A in place (bft__gemm_ukr_rows_fn): each depth broadcasts one float from each of 12 rows
   instead of 12 consecutive floats of a packed sliver. */
__attribute__((target("avx512f")))
static void bft__gemm_ukr_avx512_rows(int kc, const float *a, size_t lda, const float *b, float *cp, size_t ldc,
                                      float alpha, float beta, const float *bias)
{
    bft__gemm_tile_avx512(12, kc, a, lda, 1, b, 32, cp, ldc, alpha, beta, bias);
}

/* ---- x86-64 AVX512_BF16: 12 x 32 on bf16 pairs ------------------------------------------- */
/* The fp32 kernel's structure with VDPBF16PS: each instruction multiplies 16 lanes x 2 depths
   and adds both products to the fp32 accumulators, so one k step covers two depths at the cost
   of one FMA. b: pairs x 32 words; a: pairs x 12 words, broadcast as 32-bit words. */
static int bft__gemm_has_avx512bf16(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512bf16");
}
#define BFT__FBF(i)                                                                              \
    if (MR > (i)) {                                                                              \
        t = (__m512bh)_mm512_set1_ps(a[(size_t)(i) * rs]);                                       \
        c##i##a = _mm512_dpbf16_ps(c##i##a, t, b0);                                              \
        c##i##b = _mm512_dpbf16_ps(c##i##b, t, b1);                                              \
    }
/* Pair p of row i at a[i * rs + p * cs], as in bft__gemm_tile_avx512 (packed: rs = 1, cs = 12). */
__attribute__((target("avx512f,avx512bw,avx512bf16")))
BFT__INLINE void bft__gemm_tile_bf16(const int MR, int kp, const float *a, size_t rs, size_t cs, const float *b,
                                     float *cp, size_t ldc, float alpha, float beta, const float *bias)
{
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int k;
    if (!bft__gemm_along(ldc, kp)) bft__gemm_prefetch_c(cp, ldc, MR);
    BFT__Z512(0) BFT__Z512(1) BFT__Z512(2) BFT__Z512(3) BFT__Z512(4) BFT__Z512(5)
    BFT__Z512(6) BFT__Z512(7) BFT__Z512(8) BFT__Z512(9) BFT__Z512(10) BFT__Z512(11)
    for (k = 0; k < kp; k++, a += cs, b += 32) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_ps(b), b1 = (__m512bh)_mm512_loadu_ps(b + 16);
        __m512bh t;
        BFT__FBF(0) BFT__FBF(1) BFT__FBF(2) BFT__FBF(3) BFT__FBF(4) BFT__FBF(5)
        BFT__FBF(6) BFT__FBF(7) BFT__FBF(8) BFT__FBF(9) BFT__FBF(10) BFT__FBF(11)
    }
    BFT__W512S
}
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void bft__gemm_ukr_avx512bf16(int kp, const float *a, const float *b, float *cp, size_t ldc,
                                     float alpha, float beta, const float *bias)
{
    bft__gemm_tile_bf16(12, kp, a, 1, 12, b, cp, ldc, alpha, beta, bias);
}
#undef BFT__FBF
#undef BFT__Z512
#undef BFT__F512
#undef BFT__W512
#undef BFT__W512R
#undef BFT__W512S

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
        if (bias) {                                                                              \
            r0 = _mm256_add_ps(r0, _mm256_loadu_ps(bias));                                       \
            r1 = _mm256_add_ps(r1, _mm256_loadu_ps(bias + 8));                                   \
        }                                                                                        \
        _mm256_storeu_ps(cr, r0);                                                                \
        _mm256_storeu_ps(cr + 8, r1);                                                            \
    }
__attribute__((target("avx2,fma")))
static void bft__gemm_ukr_avx2(int kc, const float *a, const float *b, float *cp, size_t ldc,
                               float alpha, float beta, const float *bias)
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
#define BFT__WN1(cr, acc, j)                                                                     \
    {                                                                                            \
        float32x4_t r = vmulq_n_f32(acc, alpha);                                                 \
        if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(cr), beta);                               \
        if (bias) r = vaddq_f32(r, vld1q_f32(bias + (j)));                                       \
        vst1q_f32(cr, r);                                                                        \
    }
#define BFT__WN(i)                                                                               \
    {                                                                                            \
        float *cr = cp + (size_t)(i) * ldc;                                                      \
        BFT__WN1(cr, c##i##a, 0) BFT__WN1(cr + 4, c##i##b, 4) BFT__WN1(cr + 8, c##i##c, 8)      \
    }
static void bft__gemm_ukr_neon(int kc, const float *a, const float *b, float *cp, size_t ldc,
                               float alpha, float beta, const float *bias)
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
   KC: every K slice reads and writes all of C once more, and C (tokens x up to 3072) is far
   bigger than L2, so the AVX-512 kernels take long slices: K = 768 in one (avx512 KC = 768;
   avx512bf16 KC = 1024 depths, packed as 512 bf16 pairs).
   Their B sliver (96 / 64 KiB) then lives in L2 rather than L1; on BERT's shapes that measured
   12-15% faster than 32 KiB slivers (KC = 256 / 512). MC = 192 rows keeps the packed A block at
   576 / 384 KiB of a 1 MiB L2. The other kernels keep KC = 256 (their B sliver in L1: L2 sizes
   vary more on those CPUs). NC = 3072 covers every BERT width in one panel, so B is packed once
   per K slice. */
static const bft__gemm_kernel_info bft__gemm_table[] = {
#ifdef BFT__GEMM_X86
    /* bf16 first: it is the default for BFT_BF16 products only (bft__gemm_active skips it for
       fp32) */
    { "avx512bf16", 12, 32, 1024, 192, 3072, bft__gemm_ukr_avx512bf16, NULL, bft__gemm_has_avx512bf16, BFT__PACK_BF16 },
    { "avx512", 12, 32, 768, 192, 3072, bft__gemm_ukr_avx512, bft__gemm_ukr_avx512_rows, bft__gemm_has_avx512,
      BFT__PACK_AVX512 },
    { "avx2", 6, 16, 256, 144, 3072, bft__gemm_ukr_avx2, NULL, bft__gemm_has_avx2, BFT__PACK_C },
#endif
#ifdef BFT__GEMM_NEON
    { "neon", 8, 12, 256, 128, 3072, bft__gemm_ukr_neon, NULL, bft__gemm_always, BFT__PACK_C },
#endif
    { "scalar", BFT__SC_MR, BFT__SC_NR, 256, 128, 3072, bft__gemm_ukr_scalar, NULL, bft__gemm_always, BFT__PACK_C }
};
#define BFT__GEMM_NKERNELS ((int)(sizeof bft__gemm_table / sizeof bft__gemm_table[0]))

/* Index forced by bft_gemm_set_kernel, or -1 for automatic. Set by tests before any work starts. */
static int bft__gemm_forced = -1;

/* The kernel for a product of this precision: a forced one if it can serve it, else the first
   in the table the CPU runs (bf16-pair kernels only serve BFT_BF16). */
static const bft__gemm_kernel_info *bft__gemm_active(bft_precision prec)
{
    int i;
    if (bft__gemm_forced >= 0 && (prec == BFT_BF16 || bft__gemm_table[bft__gemm_forced].pack != BFT__PACK_BF16))
        return &bft__gemm_table[bft__gemm_forced];
    /* __builtin_cpu_supports reads flags the runtime filled at start-up: cheap enough per call,
       and it avoids a lazily-initialised global shared between threads */
    for (i = 0; i < BFT__GEMM_NKERNELS - 1; i++)
        if ((prec == BFT_BF16 || bft__gemm_table[i].pack != BFT__PACK_BF16) && bft__gemm_table[i].can_run())
            return &bft__gemm_table[i];
    return &bft__gemm_table[BFT__GEMM_NKERNELS - 1];
}

BERTFT_DEF const char *bft_gemm_kernel(void) { return bft__gemm_active(BFT_FP32)->name; }
BERTFT_DEF int bft_gemm_native_bf16(void) { return bft__gemm_active(BFT_BF16)->pack == BFT__PACK_BF16; }

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
    static const char *const all[] = { "avx512bf16", "avx512", "avx2", "scalar", NULL };
    static const char *const no_avx2[] = { "avx512", "scalar", NULL };
    int a512 = bft__gemm_has_avx512(), a2 = bft__gemm_has_avx2();
    if (a512 && bft__gemm_has_avx512bf16() && a2) return all;
    if (a512) return a2 ? all + 1 : no_avx2;
    return a2 ? all + 2 : all + 3;
#elif defined(BFT__GEMM_NEON)
    static const char *const all[] = { "neon", "scalar", NULL };
    return all;
#else
    static const char *const all[] = { "scalar", NULL };
    return all;
#endif
}

/* ---- reference and trivial cases -------------------------------------------------------------- */
static void bft__gemm_ref(int to_bf16, int transA, int transB, int M, int N, int K, float alpha,
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
                    if (to_bf16) { a = bft_round_bf16(a); b = bft_round_bf16(b); }
                    s += (double)a * (double)b;
                }
            r = (double)alpha * s;
            if (beta != 0.0f) r += (double)beta * (double)*c;
            *c = (float)r;
        }
}

BERTFT_DEF void bft_sgemm_ref(int transA, int transB, int M, int N, int K, float alpha,
                              const float *A, int lda, const float *B, int ldb, float beta,
                              float *C, int ldc)
{
    bft__gemm_ref(0, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
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
/* fp32 -> bf16 bits as VCVTNEPS2BF16 does: round to nearest even, NaN stays a (quiet) NaN,
   denormal inputs become signed zeros. */
static uint32_t bft__bf16_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if ((u & 0x7F800000u) == 0) return (u >> 16) & 0x8000u;
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return ((u >> 16) | 0x40u) & 0xFFFFu;
    return ((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16) & 0xFFFFu;
}

BERTFT_DEF float bft_round_bf16(float x)
{
    uint32_t u = bft__bf16_bits(x) << 16;
    float r;
    memcpy(&r, &u, sizeof r);
    return r;
}

/* Copy `nl` lanes x `kc` depth of an operand into panels of W lanes (W = MR or NR): lane l of
   depth k goes to dst[(l / W) * W * kc + k * W + l % W]; the last panel's lanes past nl are zero.
   A lane is a row of op(A) or a column of op(B). `lane_contig`: lane l of depth k is at
   X[k * ldx + l] (A transposed, B not transposed); otherwise at X[l * ldx + k]. X points at the
   block's first element. `to_bf16`: round each value to bf16 (emulated BFT_BF16 products).
   `sum` (lane_contig only; NULL: none): sum[l] += each lane's values, in depth order, before
   any rounding (the bias gradient, summed while the weight gradient's dY^T is read anyway). */
static void bft__gemm_pack(const float *X, size_t ldx, int lane_contig, int nl, int kc, int W,
                           float *dst, int to_bf16, float *sum)
{
    const int np = (nl + W - 1) / W;
    const size_t pstride = (size_t)W * (size_t)kc;
    int k, l, q;
    if (lane_contig) {
        /* depth outer: each row of X is read once, front to back, whatever the panel count */
        for (k = 0; k < kc; k++)
            for (q = 0; q < np; q++) {
                const float *src = X + (size_t)k * ldx + (size_t)q * W;
                float *d = dst + q * pstride + (size_t)k * W;
                const int n = bft__gemm_min(W, nl - q * W);
                memcpy(d, src, sizeof(float) * (size_t)n); /* a loop here stays scalar at -O2 */
                for (l = n; l < W; l++) d[l] = 0.0f;
                if (sum)
                    for (l = 0; l < n; l++) sum[q * W + l] += src[l];
            }
    } else {
        for (q = 0; q < np; q++) {
            const int n = bft__gemm_min(W, nl - q * W);
            for (k = 0; k < kc; k++) {
                float *d = dst + q * pstride + (size_t)k * W;
                const float *src = X + (size_t)q * W * ldx + k;
                for (l = 0; l < n; l++) d[l] = src[(size_t)l * ldx];
                for (; l < W; l++) d[l] = 0.0f;
            }
        }
    }
    if (to_bf16)
        for (k = 0; k < np * W * kc; k++) dst[k] = bft_round_bf16(dst[k]);
}

#ifdef BFT__GEMM_X86
static __mmask16 bft__mask16(int n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1u); }

/* Row-by-row packs read a short span of each of many rows: the hardware prefetchers do not
   follow that, so fetch the span of the row BFT__PACK_AHEAD rows further ahead. (Inlined: see
   bft__gemm_prefetch_c.) */
#ifndef BFT__PACK_AHEAD
#define BFT__PACK_AHEAD 8
#endif
BFT__INLINE void bft__prefetch_rows(const float *x, size_t ldx, int rows, int n)
{
    int r, l;
    for (r = 0; r < rows; r++, x += ldx) {
        for (l = 0; l < n; l += 16) _mm_prefetch((const char *)(x + l), _MM_HINT_T0);
        _mm_prefetch((const char *)(x + n - 1), _MM_HINT_T0); /* a span that starts mid-line */
    }
}

/* sum[0:16] += v in the lanes of m: the packs' fused lane sums (see bft__gemm_pack) */
__attribute__((target("avx512f")))
static void bft__sum16(float *sum, __mmask16 m, __m512 v)
{
    _mm512_mask_storeu_ps(sum, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, sum), v));
}

/* Lanes 0..11 of four rows r0..r3 (depths of a 12-lane panel; floats, or bf16 pair words) as
   48 consecutive values at d: three whole-vector stores (d on a 64-byte boundary when the panel
   is and the depth is a multiple of 4). VPERMT2PS index 16 + i is word i of its second operand. */
__attribute__((target("avx512f")))
static void bft__store4x12(float *d, __m512 r0, __m512 r1, __m512 r2, __m512 r3)
{
    const __m512i i0 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19);
    const __m512i i1 = _mm512_setr_epi32(4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i i2 = _mm512_setr_epi32(8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
    _mm512_storeu_ps(d, _mm512_permutex2var_ps(r0, i0, r1));
    _mm512_storeu_ps(d + 16, _mm512_permutex2var_ps(r1, i1, r2));
    _mm512_storeu_ps(d + 32, _mm512_permutex2var_ps(r2, i2, r3));
}

/* bft__gemm_pack for lane_contig operands (W <= 32; W <= 16 with `sum`), on AVX-512: two masked
   loads and stores per depth and panel instead of a library call per 12 floats. A 12-lane panel
   (the A blocks of dW) takes 4 depths at a time: 4 rows of 12 make 48 floats, three whole
   vectors, stored on 64-byte boundaries; one masked 48-byte store per depth, which straddles a
   cache line every other time, ran 2-2.5x slower. */
__attribute__((target("avx512f")))
static void bft__gemm_pack_contig_avx512(const float *X, size_t ldx, int nl, int kc, int W, float *dst, float *sum)
{
    const int np = (nl + W - 1) / W;
    const size_t pstride = (size_t)W * (size_t)kc;
    const __mmask16 s0 = bft__mask16(W), s1 = bft__mask16(W - 16);
    int k = 0, q;
    if (W == 12)
        for (; k + 4 <= kc; k += 4) {
            const float *src = X + (size_t)k * ldx;
            float *d = dst + (size_t)k * 12;
            if (k + BFT__PACK_AHEAD + 4 <= kc) bft__prefetch_rows(src + BFT__PACK_AHEAD * ldx, ldx, 4, nl);
            for (q = 0; q < np; q++, src += 12, d += pstride) {
                const __mmask16 m = bft__mask16(bft__gemm_min(nl - q * 12, 12));
                const __m512 r0 = _mm512_maskz_loadu_ps(m, src), r1 = _mm512_maskz_loadu_ps(m, src + ldx);
                const __m512 r2 = _mm512_maskz_loadu_ps(m, src + 2 * ldx), r3 = _mm512_maskz_loadu_ps(m, src + 3 * ldx);
                bft__store4x12(d, r0, r1, r2, r3);
                if (sum) { /* depth order, in a register: 4 masked read-modify-writes of one address
                              in a row wait on each other (64 against 25 us per 132 x 768 block) */
                    __m512 t = _mm512_add_ps(_mm512_maskz_loadu_ps(m, sum + q * 12), r0);
                    t = _mm512_add_ps(_mm512_add_ps(t, r1), r2);
                    _mm512_mask_storeu_ps(sum + q * 12, m, _mm512_add_ps(t, r3));
                }
            }
        }
    if (sum && np == 1) { /* one panel (W <= 16), as a weight gradient's band of few tokens packs
                             it: the lane sums in a register, in depth order. A masked
                             read-modify-write per depth, each waiting on the last, held that
                             gradient with its bias's sums (the model's call) to 186-192 GFLOP/s
                             on one thread at 16 tokens; 221-224 with both changes */
        const __mmask16 m = bft__mask16(nl), ms = bft__mask16(bft__gemm_min(nl, W));
        __m512 t = _mm512_maskz_loadu_ps(ms, sum);
        for (; k < kc; k++) {
            const float *src = X + (size_t)k * ldx;
            const __m512 v = _mm512_maskz_loadu_ps(m, src);
            if (k + BFT__PACK_AHEAD < kc) bft__prefetch_rows(src + BFT__PACK_AHEAD * ldx, ldx, 1, nl);
            _mm512_mask_storeu_ps(dst + (size_t)k * W, s0, v);
            t = _mm512_add_ps(t, v);
        }
        _mm512_mask_storeu_ps(sum, ms, t);
    }
    for (; k < kc; k++) {
        const float *src = X + (size_t)k * ldx;
        float *d = dst + (size_t)k * W;
        if (k + BFT__PACK_AHEAD < kc) bft__prefetch_rows(src + BFT__PACK_AHEAD * ldx, ldx, 1, nl);
        for (q = 0; q < np; q++, src += W, d += pstride) {
            const int n = nl - q * W;
            const __m512 v = _mm512_maskz_loadu_ps(bft__mask16(n), src);
            _mm512_mask_storeu_ps(d, s0, v);
            if (W > 16) _mm512_mask_storeu_ps(d + 16, s1, _mm512_maskz_loadu_ps(bft__mask16(n - 16), src + 16));
            if (sum) bft__sum16(sum + q * W, bft__mask16(bft__gemm_min(n, W)), v); /* W <= 16 */
        }
    }
}

/* Where lanes are rows (A not transposed, B transposed: the forward x . W^T has both) packing is a
   transpose, done on 16 x 16 blocks in registers: 16 loads, 64 shuffles, 16 stores. bf16 packing
   converts as it copies; fp32 uses it for panels of 32 lanes (the forward's B). */
__attribute__((target("avx512f")))
BFT__INLINE void bft__tr16x16(__m512 *r)
{
    __m512 t[16];
    int i, c;
    BFT__UNROLL(8)
    for (i = 0; i < 8; i++) { /* t[2i] / t[2i+1]: rows 2i, 2i+1 interleaved, per 128-bit lane */
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    BFT__UNROLL(4)
    for (i = 0; i < 4; i++) { /* r[4i+c], lane j: rows 4i..4i+3 of column 4j+c */
        r[4 * i + 0] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    BFT__UNROLL(4)
    for (c = 0; c < 4; c++) { /* gather the 128-bit lanes of each column: two rounds */
        t[c] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0x88);
        t[c + 4] = _mm512_shuffle_f32x4(r[c], r[4 + c], 0xDD);
        t[c + 8] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0x88);
        t[c + 12] = _mm512_shuffle_f32x4(r[8 + c], r[12 + c], 0xDD);
    }
    BFT__UNROLL(4)
    for (c = 0; c < 4; c++) {
        r[c] = _mm512_shuffle_f32x4(t[c], t[c + 8], 0x88);
        r[c + 8] = _mm512_shuffle_f32x4(t[c], t[c + 8], 0xDD);
        r[c + 4] = _mm512_shuffle_f32x4(t[c + 4], t[c + 12], 0x88);
        r[c + 12] = _mm512_shuffle_f32x4(t[c + 4], t[c + 12], 0xDD);
    }
}

/* bft__gemm_pack for fp32 operands whose lanes are rows, W a multiple of 16 or 12: 16 x 16
   transposes, each row read 32 floats ahead of its use (16-32 row streams are more than the
   hardware prefetcher follows). 2.2x the plain loop's speed on the forward's weights (768 x 768,
   from DRAM: 191 against 434 us). W = 12 is an A block that is not read in place (see
   bft__gemm_rows_spread): 12 rows and 4 of zeros, stored 4 depths to 3 whole vectors. */
__attribute__((target("avx512f")))
static void bft__gemm_pack_rows_avx512(const float *X, size_t ldx, int nl, int kc, int W, float *dst)
{
    const int npan = (nl + W - 1) / W;
    const size_t pstride = (size_t)W * (size_t)kc;
    int q, k0, l0, i;
    for (q = 0; q < npan; q++, X += (size_t)W * ldx, dst += pstride, nl -= W)
        for (k0 = 0; k0 < kc; k0 += 16) {
            const int nk = bft__gemm_min(16, kc - k0);
            const __mmask16 mk = bft__mask16(nk);
            for (l0 = 0; l0 < W; l0 += 16) {
                __m512 r[16];
                BFT__UNROLL(16)
                for (i = 0; i < 16; i++) {
                    const float *x = X + (size_t)(l0 + i) * ldx + k0;
                    if (l0 + i < nl && l0 + i < W) {
                        if (k0 + 32 < kc) _mm_prefetch((const char *)(x + 32), _MM_HINT_T0);
                        r[i] = _mm512_maskz_loadu_ps(mk, x);
                    } else r[i] = _mm512_setzero_ps();
                }
                bft__tr16x16(r);
                if (W == 12 && nk == 16) /* 16 depths x 12 lanes: 12 whole vectors */
                    BFT__UNROLL(4)
                    for (i = 0; i < 16; i += 4)
                        bft__store4x12(dst + (size_t)(k0 + i) * 12, r[i], r[i + 1], r[i + 2], r[i + 3]);
                else
                    BFT__UNROLL(16)
                    for (i = 0; i < 16; i++) /* constant indices: r stays in registers */
                        if (i < nk) _mm512_mask_storeu_ps(dst + (size_t)(k0 + i) * W + l0, bft__mask16(W - l0), r[i]);
            }
        }
}

/* The pair words of 16 lanes (bf16 of row r0's value in the low half, r1's in the high; r1 NULL:
   zeros), lanes outside lm zero; adds both rows to *acc (NULL: none), r0 first. */
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static __m512 bft__pair_words(const float *r0, const float *r1, __mmask16 lm, __m512i inter, __m512 *acc)
{
    const __m512 v0 = _mm512_maskz_loadu_ps(lm, r0);
    const __m512 v1 = r1 ? _mm512_maskz_loadu_ps(lm, r1) : _mm512_setzero_ps();
    if (acc) {
        *acc = _mm512_add_ps(*acc, v0);
        if (r1) *acc = _mm512_add_ps(*acc, v1);
    }
    /* VCVTNE2PS2BF16 gives words v0[0..15], v1[0..15]; interleave them */
    return (__m512)_mm512_permutexvar_epi16(inter, (__m512i)_mm512_cvtne2ps_pbh(v1, v0));
}

/* Pairs for VDPBF16PS: in panel q (at dst + q * W * ceil(kc / 2)), word p * W + l = bf16(x(2p, l'))
   | bf16(x(2p + 1, l')) << 16 with l' = q * W + l, where x(k, l') is the operand at depth k of
   lane l' (zero past kc or nl). VCVTNE2PS2BF16 rounds. */
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void bft__gemm_pack_bf16(const float *X, size_t ldx, int lane_contig, int nl, int kc, int W, float *dst,
                                float *sum)
{
    static const uint16_t inter[32] = { 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                        8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31 };
    const int kp = (kc + 1) / 2, npan = (nl + W - 1) / W;
    const size_t pstride = (size_t)W * (size_t)kp;
    int p, p0, l0, i, q;
    if (lane_contig) { /* two depths = two rows: convert both, interleave their 16-bit halves */
        const __m512i idx = _mm512_loadu_si512((const void *)inter);
        p = 0;
        if (W == 12) /* 4 pairs at a time: whole-vector stores (see bft__gemm_pack_contig_avx512) */
            for (; p + 4 <= kp; p += 4) {
                const float *r = X + (size_t)(2 * p) * ldx;
                const int has7 = 2 * p + 7 < kc; /* rows 2p .. 2p + 6 exist: 2p + 6 <= 2kp - 2 < kc */
                if (2 * p + BFT__PACK_AHEAD + 7 < kc) bft__prefetch_rows(r + BFT__PACK_AHEAD * ldx, ldx, 8, nl);
                for (q = 0; q < npan; q++) {
                    const int l = q * 12;
                    const __mmask16 lm = bft__mask16(bft__gemm_min(nl - l, 12));
                    /* the lane sums in a register, depth order (see bft__gemm_pack_contig_avx512) */
                    __m512 acc = sum ? _mm512_maskz_loadu_ps(lm, sum + l) : _mm512_setzero_ps();
                    __m512 *ap = sum ? &acc : NULL;
                    const __m512 w0 = bft__pair_words(r + l, r + ldx + l, lm, idx, ap);
                    const __m512 w1 = bft__pair_words(r + 2 * ldx + l, r + 3 * ldx + l, lm, idx, ap);
                    const __m512 w2 = bft__pair_words(r + 4 * ldx + l, r + 5 * ldx + l, lm, idx, ap);
                    const __m512 w3 = bft__pair_words(r + 6 * ldx + l, has7 ? r + 7 * ldx + l : NULL, lm, idx, ap);
                    bft__store4x12(dst + q * pstride + (size_t)p * 12, w0, w1, w2, w3);
                    if (sum) _mm512_mask_storeu_ps(sum + l, lm, acc);
                }
            }
        for (; p < kp; p++) { /* rows outer: each is read once, front to back */
            const float *r0 = X + (size_t)(2 * p) * ldx, *r1 = 2 * p + 1 < kc ? r0 + ldx : NULL;
            if (2 * p + BFT__PACK_AHEAD + 1 < kc) bft__prefetch_rows(r0 + BFT__PACK_AHEAD * ldx, ldx, 2, nl);
            for (q = 0; q < npan; q++)
                for (l0 = 0; l0 < W; l0 += 16) {
                    const int l = q * W + l0;
                    const __mmask16 lm = bft__mask16(nl - l), sm = lm & bft__mask16(W - l0);
                    __m512 acc = sum ? _mm512_maskz_loadu_ps(sm, sum + l) : _mm512_setzero_ps();
                    const __m512 w = bft__pair_words(r0 + l, r1 ? r1 + l : NULL, lm, idx, sum ? &acc : NULL);
                    _mm512_mask_storeu_ps(dst + q * pstride + (size_t)p * W + l0, bft__mask16(W - l0), w);
                    if (sum) _mm512_mask_storeu_ps(sum + l, sm, acc);
                }
        }
        return;
    }
    /* lanes are rows: 32 consecutive depths of a lane convert to 16 words already in pair
       order, then a 16 x 16 transpose of the words */
    for (q = 0; q < npan; q++, X += (size_t)W * ldx, dst += pstride, nl -= W)
        for (p0 = 0; p0 < kp; p0 += 16) {
            const int np = bft__gemm_min(16, kp - p0), k0 = 2 * p0;
            const __mmask16 mlo = bft__mask16(kc - k0), mhi = bft__mask16(kc - k0 - 16);
            for (l0 = 0; l0 < W; l0 += 16) {
                const __mmask16 sm = bft__mask16(W - l0);
                __m512 r[16];
                BFT__UNROLL(16)
                for (i = 0; i < 16; i++) {
                    const float *x = X + (size_t)(l0 + i) * ldx + k0;
                    if (l0 + i < nl) { /* two iterations ahead: 12-16 row streams outrun the hardware prefetcher */
                        _mm_prefetch((const char *)(x + 64), _MM_HINT_T0);
                        _mm_prefetch((const char *)(x + 80), _MM_HINT_T0);
                    }
                    r[i] = l0 + i < nl ? (__m512)_mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(mhi, x + 16),
                                                                     _mm512_maskz_loadu_ps(mlo, x))
                                       : _mm512_setzero_ps();
                }
                bft__tr16x16(r);
                BFT__UNROLL(16)
                for (i = 0; i < 16; i++) /* constant indices: r stays in registers */
                    if (i < np) _mm512_mask_storeu_ps(dst + (size_t)(p0 + i) * W + l0, sm, r[i]);
            }
        }
}
#endif

/* Pack `nl` lanes (one or more panels of W) with the kernel's packing code; `sum` as in
   bft__gemm_pack. */
static void bft__gemm_pack_for(const bft__gemm_kernel_info *kn, int to_bf16, const float *X, size_t ldx,
                               int lane_contig, int nl, int kc, int W, float *dst, float *sum)
{
#ifdef BFT__GEMM_X86
    if (kn->pack == BFT__PACK_BF16) { bft__gemm_pack_bf16(X, ldx, lane_contig, nl, kc, W, dst, sum); return; }
    if (kn->pack == BFT__PACK_AVX512 && lane_contig && !to_bf16 && (!sum || W <= 16)) {
        bft__gemm_pack_contig_avx512(X, ldx, nl, kc, W, dst, sum);
        return;
    }
    if (kn->pack == BFT__PACK_AVX512 && !lane_contig && !to_bf16 && (W % 16 == 0 || W == 12)) { /* never sums */
        bft__gemm_pack_rows_avx512(X, ldx, nl, kc, W, dst);
        return;
    }
#else
    (void)kn;
#endif
    bft__gemm_pack(X, ldx, lane_contig, nl, kc, W, dst, to_bf16, sum);
}

/* Depth units of a packed sliver: depths, or pairs of depths for bf16-pair kernels. */
static int bft__gemm_units(const bft__gemm_kernel_info *kn, int kc)
{
    return kn->pack == BFT__PACK_BF16 ? (kc + 1) / 2 : kc;
}

/* ---- the blocked driver ------------------------------------------------------------------------ */
/* An element-wise step the caller wants on C (dropout: see the layers). It runs on
   each finished mr x nr tile right after the last K slice wrote it, while the tile is still in
   L1, instead of as another pass over a C that has long left the caches. `c` points at the tile,
   whose first element is C[r0][c0]. Called from the GEMM's threads: it must not start threads. */
typedef void (*bft__gemm_epi_fn)(const void *ctx, float *c, size_t ldc, int r0, int c0, int mr, int nr);

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
    int to_bf16;            /* emulated bf16: round operands while packing */
    float *asum;            /* NULL, or asum[i] += sum over K of op(A)[i][k] (see bft__gemm_run) */
    const float *bias;      /* NULL, or bias[j] added to column j of the final C (see bft__gemm_ukr_fn) */
    bft__gemm_epi_fn epi;   /* element-wise step on finished tiles, or NULL */
    const void *ectx;
    size_t bpriv;           /* 0, or each thread packs all of B (one slice) at bbuf[0] + tid * bpriv */
    const float *bpk;       /* NULL, or B already packed for the bf16-pair kernel (bft__gemm_pk_pack) */
    size_t bpad;            /* its columns rounded up to whole slivers */
} bft__gemm_args;

/* Where column j's sliver of the K slice starting at depth pc (kc depths) begins in a B packed
   once (bft__gemm_pk_pack; pad = its columns rounded up to 32): slices one after another, each
   slice's slivers [pairs][32] one after another. */
static size_t bft__gemm_pk_at(size_t pad, int pc, int j, int kc)
{
    return (size_t)(pc / 2) * pad + (size_t)j * (size_t)((kc + 1) / 2);
}

/* B slivers packed per work unit: enough for long row reads when B's lanes are contiguous,
   few enough that both threads share the packing. */
#define BFT__GEMM_BGROUP 4

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
   does not depend on where the tile boundaries fall (the bias added after it, as the kernel
   adds it: bias[] ends at the last column). */
static void bft__gemm_edge(const bft__gemm_kernel_info *kn, int kc, const float *as, const float *bs,
                           float *C, size_t ldc, int mr, int nr, float alpha, float beta, const float *bias)
{
    float tmp[BFT__GEMM_MAX_TILE];
    const int NR = kn->nr;
    int i, j;
    if (beta != 0.0f) { /* with beta == 0 the kernel writes every element without reading it */
        memset(tmp, 0, sizeof(float) * (size_t)(kn->mr * NR));
        for (i = 0; i < mr; i++)
            for (j = 0; j < nr; j++) tmp[i * NR + j] = C[(size_t)i * ldc + j];
    }
    kn->ukr(kc, as, bs, tmp, (size_t)NR, alpha, beta, NULL);
    for (i = 0; i < mr; i++)
        for (j = 0; j < nr; j++) C[(size_t)i * ldc + j] = bias ? tmp[i * NR + j] + bias[j] : tmp[i * NR + j];
}

/* Do 12 rows lda floats apart fall on enough different L1 sets to be read in place? L1 sets
   repeat every 4 KiB (64 sets of 64-byte lines), so rows whose stride is a multiple of 4 KiB
   (lda = 3072: the FFN's intermediate) all land on one set, which holds 8-12 lines: the kernel's
   12 row streams then evict each other and the B sliver on every step (a product with such an
   A ran at 65-70% of peak in place, 85% packed). Needs the rows to cover 4+ sets. */
static int bft__gemm_rows_spread(size_t lda)
{
    size_t a = (lda * sizeof(float)) % 4096, b = 4096, t;
    while (a) { t = b % a; b = a; a = t; } /* b = gcd(stride mod 4 KiB, 4 KiB): rows repeat every 4096 / b */
    return 4096 / b >= 4;
}

/* ---- small products: attention's per-head products, and few rows --------------------------------
   Two kinds of product where the blocked driver's packing is most of the cost:
   - attention's per-head products, on one thread each: a T x T block of probabilities times a
     head's D columns of V, and the like (T = 128, D = 64 at the longest padding). The driver's
     packs, its edge tiles through a scratch tile and its bookkeeping cost about a fifth of such a
     product.
   - products of few rows (M <= 256: one request at inference, a short batch): a whole weight
     against a few rows of activations. The driver packed the whole weight and waited on a
     barrier before any tile ran: 2-4x slower at M = 16-48 than here, where the threads split the
     columns and each fetches only its own slivers, between its tiles. K is cut into the driver's
     slices, so here too results do not depend on which path ran.
   Here whole tiles read A where it lies in
   either orientation (op(A) row i at depth k: A[i * lda + k], or A[k * lda + i] when transposed),
   and a non-transposed B too (its rows ldb apart); a transposed B (the scores' K^T) is packed one
   K x 32 sliver at a time. Tiles of 12 rows, and of 8 (the last of T = 128's rows), are the
   micro-kernels' own tiles (bft__gemm_tile_avx512, bft__gemm_tile_bf16) with these strides; any
   other partial tile goes through bft__gemm_edge on packed copies, so the results are bitwise the
   blocked driver's. No masked loads or stores: AddressSanitizer checks those lane by lane, and
   with them clang took minutes to compile this section. */
#ifdef BFT__GEMM_X86

/* Block q of a sliver of a transposed B (lanes 16 (q & 1) .. + 15, depths 16 (q >> 1) .. + 15):
   dst[k * 32 + l] = X[l * ldx + k] for k < kc; lanes past nl are zero. Unrolled, so the 16 x 16
   block stays in registers through its transpose. With `ahead`, each row is prefetched 4 lines
   ahead: a forward at inference reads its weight from DRAM, 32 rows at once, more streams than
   the hardware follows. One pair of 128 tokens went from 58-59 to 53-54 ms (fp32), and weights
   already in L3 read as fast as before; not for the heads' keys (in L2: 2-3% slower). */
__attribute__((target("avx512f")))
static void bft__gemm_small_packt(const float *X, size_t ldx, int nl, int kc, float *dst, int ahead)
{
    int q, i;
    for (q = 0; q < 2 * ((kc + 15) / 16); q++) {
        const int l0 = 16 * (q & 1), k0 = 16 * (q >> 1), nk = kc - k0;
        const __mmask16 mk = bft__mask16(nk);
        __m512 r[16];
        for (i = 0; ahead && i < 16 && l0 + i < nl; i++) _mm_prefetch((const char *)(X + (size_t)(l0 + i) * ldx + k0 + 64), _MM_HINT_T0);
        BFT__UNROLL(16)
        for (i = 0; i < 16; i++)
            r[i] = l0 + i < nl ? _mm512_maskz_loadu_ps(mk, X + (size_t)(l0 + i) * ldx + k0) : _mm512_setzero_ps();
        bft__tr16x16(r);
        BFT__UNROLL(16)
        for (i = 0; i < 16; i++)
            if (i < nk) _mm512_storeu_ps(dst + (size_t)(k0 + i) * 32 + l0, r[i]);
    }
}

/* 8 x 48 tiles: 8 rows of three vectors, 24 accumulators. Two users: the weight gradients of few
   tokens (bft__gemm_dw_thread, packed operands) and the small path's products of 8 or 16 rows
   with B in place (bft__gemm_small_loops). */
#define BFT__DWZ(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps(), c##i##c = _mm512_setzero_ps();
#define BFT__DWF(i)                                                                              \
    t = _mm512_set1_ps(a[(size_t)(i) * rs]);                                                     \
    c##i##a = _mm512_fmadd_ps(t, b0, c##i##a);                                                   \
    c##i##b = _mm512_fmadd_ps(t, b1, c##i##b);                                                   \
    c##i##c = _mm512_fmadd_ps(t, b2, c##i##c);
#define BFT__DWV(r, o)                                                                           \
    {                                                                                            \
        if (plain) r = _mm512_add_ps(_mm512_loadu_ps(cr + (o)), r);                              \
        else {                                                                                   \
            if (alpha != 1.0f) r = _mm512_mul_ps(va, r);                                         \
            if (beta == 1.0f) r = _mm512_add_ps(_mm512_loadu_ps(cr + (o)), r);                   \
            else if (beta != 0.0f) r = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + (o)), r);        \
            if (bias) r = _mm512_add_ps(r, _mm512_loadu_ps(bias + (o)));                         \
        }                                                                                        \
        _mm512_storeu_ps(cr + (o), r);                                                           \
    }
#define BFT__DWW(i) { float *cr = cp + (size_t)(i) * ldc; BFT__DWV(c##i##a, 0) BFT__DWV(c##i##b, 16) BFT__DWV(c##i##c, 32) }
/* One 8 x 48 tile over kc depths: row i of A at depth k at a[i * rs + k * cs], B's depth k at
   b + k * bs (rs = 1, cs = 8, bs = 48 packed, for dW; A and B in place for dX). `plain` (a
   constant in each instance): alpha 1, beta 1, no bias, a gradient accumulating. After only 16
   depths, testing alpha, beta and bias again for each of the 24 vectors written back (compilers
   do not hoist it) was a fifth of the time: 768 x 768 at 16 tokens went from 198 to 218 GFLOP/s
   on one thread (from 364 to 398 on two). pf (0: none) fetches B's depth k + pf into L1 at depth
   k (a prefetch never faults, so past the end of B too). */
__attribute__((target("avx512f")))
BFT__INLINE void bft__gemm_tile_8x48(const int plain, int kc, const float *a, size_t rs, size_t cs, const float *b,
                                     size_t bs, float *cp, size_t ldc, float alpha, float beta, const float *bias,
                                     const int pf)
{
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const size_t ahead = (size_t)pf * bs;
    int k;
    BFT__DWZ(0) BFT__DWZ(1) BFT__DWZ(2) BFT__DWZ(3) BFT__DWZ(4) BFT__DWZ(5) BFT__DWZ(6) BFT__DWZ(7)
    for (k = 0; k < kc; k++, a += cs, b += bs) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
        __m512 t;
        if (pf) {
            _mm_prefetch((const char *)(b + ahead), _MM_HINT_T0);
            _mm_prefetch((const char *)(b + ahead + 16), _MM_HINT_T0);
            _mm_prefetch((const char *)(b + ahead + 32), _MM_HINT_T0);
        }
        BFT__DWF(0) BFT__DWF(1) BFT__DWF(2) BFT__DWF(3) BFT__DWF(4) BFT__DWF(5) BFT__DWF(6) BFT__DWF(7)
    }
    BFT__DWW(0) BFT__DWW(1) BFT__DWW(2) BFT__DWW(3) BFT__DWW(4) BFT__DWW(5) BFT__DWW(6) BFT__DWW(7)
}
/* The same tile in BFT_BF16 on AVX512_BF16: kp pair words per lane (a: [kp][8], b: [kp][48]),
   VDPBF16PS with a's word broadcast, as the driver's kernel (bft__gemm_tile_bf16) does it: the
   same instruction on the same operands in the same order, so bitwise its result. */
#define BFT__DBF(i)                                                                              \
    t = (__m512bh)_mm512_set1_ps(a[i]);                                                          \
    c##i##a = _mm512_dpbf16_ps(c##i##a, t, b0);                                                  \
    c##i##b = _mm512_dpbf16_ps(c##i##b, t, b1);                                                  \
    c##i##c = _mm512_dpbf16_ps(c##i##c, t, b2);
__attribute__((target("avx512f,avx512bw,avx512bf16")))
BFT__INLINE void bft__gemm_tile_8x48bf(const int plain, int kp, const float *a, const float *b, float *cp, size_t ldc,
                                       float alpha, float beta, const float *bias)
{
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    int k;
    BFT__DWZ(0) BFT__DWZ(1) BFT__DWZ(2) BFT__DWZ(3) BFT__DWZ(4) BFT__DWZ(5) BFT__DWZ(6) BFT__DWZ(7)
    for (k = 0; k < kp; k++, a += 8, b += 48) {
        const __m512bh b0 = (__m512bh)_mm512_loadu_ps(b), b1 = (__m512bh)_mm512_loadu_ps(b + 16);
        const __m512bh b2 = (__m512bh)_mm512_loadu_ps(b + 32);
        __m512bh t;
        BFT__DBF(0) BFT__DBF(1) BFT__DBF(2) BFT__DBF(3) BFT__DBF(4) BFT__DBF(5) BFT__DBF(6) BFT__DBF(7)
    }
    BFT__DWW(0) BFT__DWW(1) BFT__DWW(2) BFT__DWW(3) BFT__DWW(4) BFT__DWW(5) BFT__DWW(6) BFT__DWW(7)
}
#undef BFT__DBF
#undef BFT__DWZ
#undef BFT__DWF
#undef BFT__DWV
#undef BFT__DWW

/* Rows of the next tile when r rows remain: 12, or 8 when 16 or 8 remain (16 rows as 8 + 8, not
   12 + a partial 4); any other count below 12 goes through bft__gemm_edge (below 8 with `odd`).
   Where the tiles fall does not change any element's arithmetic. With `odd` (the fp32 tiles: 9,
   10 and 11 rows too), any r >= 16 splits into whole tiles: 16-19 rows as 8 + 8-11, 20-23 as
   8-11 + 12. Through the edge, 5 rows of 17 cost as much as the other 12 (M = 17 forward: 44% of
   the FMA peak). */
static int bft__gemm_small_rows(int r, int odd)
{
    if (odd && r < 24 && r >= 16) return r >= 20 ? r - 12 : 8;
    return r == 16 || r == 8 ? 8 : r >= 12 ? 12 : r;
}

/* Slivers s0..s1-1 (32 columns each) of the product in g, every row, K in the blocked driver's
   slices (beta on the first, bias and epi after the last), so results are bitwise the driver's.
   Rows in tiles of 8-12 (bft__gemm_small_rows) run in registers; any other partial tile, or a
   sliver narrower than 32, through bft__gemm_edge on packed copies (rows at ap, the sliver at bp,
   packed when first needed). transA is a constant in each of the two instances below, so each
   gets its own addressing.
   8 or 16 rows of a row-major A against B in place (dX of a short batch: its weight's rows
   3-12 KiB apart, from L3) take the columns 48 at a time where they can (8 x 48 tiles; the
   range's last 64 as 32 + 32, not 48 + 16). Each pass over B then brings 192 bytes of each row
   where it brought 128; and the first row tile, which brings each row of B in from L3, fetches B
   16 depths ahead. The attention output's dX at 16 rows (768 x 768, 2 threads) went from window
   medians of 81.0-84.6% of the FMA peak to 83.4-86.7% with the wider tiles, 87.3-90.6% with the
   prefetch too (bench_gemm -w 30, old and new alternated). The same tiles fed from contiguous
   memory run at 93-96% in any process; read in place, how fast depends on the process (where
   its pages of B fell, it seems), and the prefetch is what lifts the slow ones (415-431 GFLOP/s
   to 445-459; no change in the fast ones). */
__attribute__((target("avx512f")))
BFT__INLINE void bft__gemm_small_loops(const bft__gemm_args *g, const int transA, int s0, int s1, float *ap,
                                       float *bp)
{
    const int M = g->M, N = g->N, K = g->K, KC = g->kn->kc, transB = g->transB, je = bft__gemm_min(32 * s1, N);
    const int wide = !transA && !transB && (M == 8 || M == 16);
    const size_t lda = g->lda, ldb = g->ldb, ldc = g->ldc, rs = transA ? 1 : lda, cs = transA ? lda : 1;
    int i, j, w, pc, mr;
    for (j = 32 * s0; j < je; j += w) {
        const int rem = je - j;
        int nl;
        w = wide && rem >= 48 && rem % 48 != 16 ? 48 : 32;
        nl = bft__gemm_min(w, rem);
        for (pc = 0; pc < K; pc += KC) {
            const int kc = bft__gemm_min(KC, K - pc), last = pc + kc == K;
            const float beta = pc == 0 ? g->beta : 1.0f, *bias = last && g->bias ? g->bias + j : NULL;
            const float *bsrc = transB ? g->B + (size_t)j * ldb + pc : g->B + (size_t)pc * ldb + j;
            int packed = transB;
            if (transB) bft__gemm_small_packt(bsrc, ldb, nl, kc, bp, (double)N * K >= 262144.0); /* a weight, not a head */
            for (i = 0; i < M; i += mr) {
                const float *a = transA ? g->A + (size_t)pc * lda + i : g->A + (size_t)i * lda + pc;
                const float *b = packed ? bp : bsrc;
                const size_t bs = packed ? 32 : ldb;
                float *c = g->C + (size_t)i * ldc + j;
                mr = bft__gemm_small_rows(M - i, 1);
                if (w == 48 && i == 0) bft__gemm_tile_8x48(0, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias, 16);
                else if (w == 48) bft__gemm_tile_8x48(0, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias, 0); /* mr = 8 */
                else if (nl == 32 && mr == 12) bft__gemm_tile_avx512(12, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias);
                else if (nl == 32 && mr == 8) bft__gemm_tile_avx512(8, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias);
                else if (nl == 32 && mr == 9) bft__gemm_tile_avx512(9, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias);
                else if (nl == 32 && mr == 10) bft__gemm_tile_avx512(10, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias);
                else if (nl == 32 && mr == 11) bft__gemm_tile_avx512(11, kc, a, rs, cs, b, bs, c, ldc, g->alpha, beta, bias);
                else {
                    if (!packed) bft__gemm_pack_for(g->kn, 0, bsrc, ldb, 1, nl, kc, 32, bp, NULL);
                    packed = 1;
                    bft__gemm_pack_for(g->kn, 0, a, lda, transA, mr, kc, 12, ap, NULL);
                    bft__gemm_edge(g->kn, kc, ap, bp, c, ldc, mr, nl, g->alpha, beta, bias);
                }
                if (last && g->epi) g->epi(g->ectx, c, ldc, i, j, mr, nl);
            }
        }
    }
}
/* The forward of a few rows (C = x . W^T with M <= 16, one short sequence) turned around: a tile
   is 16 rows of W (16 output columns) against 16 rows of x at once (more rows: groups of 16, see
   bft__gemm_small_turned). x is transposed once per call into depth-major 16-lane vectors
   (xt[k * 16 + m] = x[m][k], rows past M zero) and W is
   read where it lies, one float of each of its 16 rows broadcast per depth. The usual way, each
   32-column sliver of W was transposed for 16 rows of work: 56-64% of the FMA peak at M = 16.
   Each element still gets the same fused multiply-adds (fma is symmetric in its factors) in the
   same depth order, K slices and write-back as in the blocked driver, so the results are bitwise
   the same; the 16 x 16 block of accumulators is transposed in registers before the write-back. */
__attribute__((target("avx512f")))
static void bft__gemm_pack_xt16(const float *x, size_t lda, int M, int K, float *xt)
{
    int k0, i;
    for (k0 = 0; k0 < K; k0 += 16) {
        const int nk = K - k0;
        const __mmask16 mk = bft__mask16(nk);
        __m512 r[16];
        BFT__UNROLL(16)
        for (i = 0; i < 16; i++) r[i] = i < M ? _mm512_maskz_loadu_ps(mk, x + (size_t)i * lda + k0) : _mm512_setzero_ps();
        bft__tr16x16(r);
        BFT__UNROLL(16)
        for (i = 0; i < 16; i++)
            if (i < nk) _mm512_storeu_ps(xt + (size_t)(k0 + i) * 16, r[i]);
    }
}
#define BFT__FT(i, b, s) if (NW > (i)) c[i] = _mm512_fmadd_ps(_mm512_set1_ps(*(const float *)((const char *)b + (s) * r)), xv, c[i]);
/* The same through an integer register: the empty asm keeps the compiler from folding the load
   back into the FMA's broadcast operand. */
#define BFT__FTI(i, b, s)                                                                        \
    if (NW > (i)) {                                                                              \
        int v_;                                                                                  \
        memcpy(&v_, (const char *)b + (s) * r, sizeof v_);                                       \
        __asm__("" : "+r"(v_));                                                                  \
        c[i] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_set1_epi32(v_)), xv, c[i]);           \
    }
/* NW (<= 16, a constant in each caller) rows of W from w (row stride ldw) over kc depths; writes
   C's columns 0..NW-1 of rows 0..M-1 (cp) as BFT__W512 does: alpha * sum, + beta * C, + bias.
   Row 3j + s is read at pointer b[j] plus s strides (an x86 address is a base plus a scaled
   index): 6 pointers and the stride in registers. 16 row pointers did not fit the registers
   (2% slower with constant strides, 10% slower with any other).
   A depth takes 16 broadcasts and the vector of x: 17 loads for 16 FMAs, and this core (Zen 5)
   issues 2 vector loads a cycle, so the loads, not the FMAs, set the pace (94% of the peak at
   best, with everything in L1). Rows 6 and 7 go through integer loads and a broadcast from a
   general register, which take other ports: 15 vector loads a depth. 768 x 2304 at 16 tokens,
   the best of 300 calls: 243-247 -> 257-264 GFLOP/s on one thread, 433-471 -> 476-510 on two. */
__attribute__((target("avx512f")))
BFT__INLINE void bft__gemm_tile_t16(const int NW, int kc, const float *w, size_t ldw, const float *xt, float *cp,
                                    size_t ldc, int M, float alpha, float beta, const float *bias)
{
    const size_t r = ldw * sizeof(float);
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const __mmask16 mn = bft__mask16(NW);
    const float *b0 = w, *b3 = w + (NW > 3 ? 3 : 0) * ldw, *b6 = w + (NW > 6 ? 6 : 0) * ldw, *b9 = w + (NW > 9 ? 9 : 0) * ldw;
    const float *b12 = w + (NW > 12 ? 12 : 0) * ldw, *b15 = w + (NW > 15 ? 15 : 0) * ldw;
    __m512 c[16];
    int k, i;
    BFT__UNROLL(16)
    for (i = 0; i < 16; i++) c[i] = _mm512_setzero_ps();
    for (k = 0; k < kc; k++, b0++, b3++, b6++, b9++, b12++, b15++, xt += 16) {
        const __m512 xv = _mm512_loadu_ps(xt);
        BFT__FT(0, b0, 0) BFT__FT(1, b0, 1) BFT__FT(2, b0, 2) BFT__FT(3, b3, 0) BFT__FT(4, b3, 1) BFT__FT(5, b3, 2)
        BFT__FTI(6, b6, 0) BFT__FTI(7, b6, 1) BFT__FT(8, b6, 2) BFT__FT(9, b9, 0) BFT__FT(10, b9, 1) BFT__FT(11, b9, 2)
        BFT__FT(12, b12, 0) BFT__FT(13, b12, 1) BFT__FT(14, b12, 2) BFT__FT(15, b15, 0)
    }
    bft__tr16x16(c); /* c[m] lane i: row m of x against row i of W */
    for (i = 0; i < M; i++) {
        float *cr = cp + (size_t)i * ldc;
        __m512 r = _mm512_mul_ps(va, c[i]);
        if (NW == 16) {
            if (beta != 0.0f) r = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), r);
            if (bias) r = _mm512_add_ps(r, _mm512_loadu_ps(bias));
            _mm512_storeu_ps(cr, r);
        } else {
            if (beta != 0.0f) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mn, cr), r);
            if (bias) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mn, bias));
            _mm512_mask_storeu_ps(cr, mn, r);
        }
    }
}
#undef BFT__FT
#undef BFT__FTI
/* Products the turned-around tiles take: any M <= 16; and up to 128 rows of x against a weight
   (K >= 256, not attention's heads, whose 64 depths per call are too few to pay for the 16 x 16
   transpose of each tile's result) in groups of 16, where the last group fills at least half its
   lanes. The usual way transposes each 32-column sliver of W for only M rows; that costs about
   as much as 9 rows of work, a last group of 16 costs 16 whatever its fill. 2 threads, 768 x 2304
   (best of 200 calls, GFLOP/s): M = 32 398 -> 513, 48 436 -> 516, 64 461 -> 525, 96 479 -> 519,
   128 487 -> 511, 24 368 -> 388; M = 20 320 turned, 358 the usual way. */
static int bft__gemm_small_turned(int M, int K)
{
    return M <= 16 || (K >= 256 && M <= 128 && (M % 16 == 0 || M % 16 >= 8));
}

/* Slivers s0..s1-1 (32 columns: two tiles of 16) of x . W^T for bft__gemm_small_turned's M, K in
   the driver's slices (beta on the first, bias and epi after the last). xt: the groups of 16 rows
   of x transposed, K x 16 floats each. Each tile of W (16 rows, one K slice) serves every group
   while in L1 or L2, so W streams in from L3 once. The K slices are the outer loop, so one
   slice of xt (48 KB a group) stays in L2 across the tiles; with the slices inside each tile, a
   tile streamed all of xt (1.5 MB at 128 rows of 3072): the FFN output's forward at 64 rows went
   from 483-492 to 498-510 GFLOP/s, at 120 from 438-455 to 454-478, at 128 from 464-475 to
   491-503 (no change at 16 or 32). */
__attribute__((target("avx512f")))
static void bft__gemm_small_xt(const bft__gemm_args *g, int s0, int s1, float *xt)
{
    const int M = g->M, N = g->N, K = g->K, KC = g->kn->kc, tw = bft__gemm_rows_spread(g->ldb) ? 16 : 8;
    const int ng = (M + 15) / 16;
    int s, h, pc, q;
    for (q = 0; q < ng; q++)
        bft__gemm_pack_xt16(g->A + (size_t)q * 16 * g->lda, g->lda, bft__gemm_min(16, M - 16 * q), K,
                            xt + (size_t)q * K * 16);
    for (pc = 0; pc < K; pc += KC) {
        const int kc = bft__gemm_min(KC, K - pc), last = pc + kc == K;
        const float beta = pc == 0 ? g->beta : 1.0f;
        for (s = s0; s < s1; s++)
            for (h = 0; h < 32 / tw; h++) {
                const int j = 32 * s + tw * h, nw = bft__gemm_min(tw, N - j);
                const float *bias = last && g->bias ? g->bias + j : NULL, *w = g->B + (size_t)j * g->ldb + pc;
                if (nw <= 0) break;
                for (q = 0; q < ng; q++) {
                    const int mq = bft__gemm_min(16, M - 16 * q);
                    const float *x = xt + (size_t)q * K * 16 + (size_t)pc * 16;
                    float *c = g->C + (size_t)q * 16 * g->ldc + j;
                    if (nw == 16) bft__gemm_tile_t16(16, kc, w, g->ldb, x, c, g->ldc, mq, g->alpha, beta, bias);
                    else if (nw == 8) bft__gemm_tile_t16(8, kc, w, g->ldb, x, c, g->ldc, mq, g->alpha, beta, bias);
                    else bft__gemm_tile_t16(nw, kc, w, g->ldb, x, c, g->ldc, mq, g->alpha, beta, bias);
                    if (last && g->epi) g->epi(g->ectx, c, g->ldc, 16 * q, j, mq, nw);
                }
            }
    }
}

/* Row stride for a copy of an fp32 A whose rows would share L1 sets (bft__gemm_rows_spread):
   0 when A is read in place. */
static size_t bft__gemm_small_lda(const bft__gemm_kernel_info *kn, int transA, size_t lda, int K)
{
    size_t ld = (size_t)bft__gemm_round_up(K, 16);
    if (transA || kn->pack == BFT__PACK_BF16 || bft__gemm_rows_spread(lda)) return 0;
    while (!bft__gemm_rows_spread(ld)) ld += 16;
    return ld;
}

/* Floats of workspace one thread of the small path needs: op(A) converted (bf16) or copied
   (bft__gemm_small_lda), packed slivers of B (1, or BFT__GEMM_BGROUP in bf16) and 12 rows of A
   (one K slice each). */
static size_t bft__gemm_small_ws(const bft__gemm_kernel_info *kn, int transA, int transB, size_t lda, int M, int K)
{
    const int bf16 = kn->pack == BFT__PACK_BF16;
    const size_t kp = (size_t)(bf16 ? (K + 1) / 2 : K), ks = (size_t)(bf16 ? kn->kc / 2 : kn->kc);
    size_t acopy = bf16 ? 0 : (size_t)M * bft__gemm_small_lda(kn, transA, lda, K);
    const size_t xt = (size_t)bft__gemm_round_up(M, 16) * (size_t)K; /* bft__gemm_small_xt */
    if (!bf16 && !transA && transB && bft__gemm_small_turned(M, K) && acopy < xt) acopy = xt;
    return (bf16 ? (size_t)bft__gemm_round_up(M, 48) * (size_t)bft__gemm_round_up((int)kp, 16) : acopy) +
           (size_t)(32 * (bf16 ? BFT__GEMM_BGROUP : 1) + 12) * (ks < kp ? ks : kp) + 32;
}
__attribute__((target("avx512f")))
static void bft__gemm_small_avx512(const bft__gemm_args *g, int s0, int s1, float *ws)
{
    float *bp = ws, *ap = bp + (size_t)bft__gemm_min(g->K, g->kn->kc) * 32, *acopy = ap + 12 * (size_t)bft__gemm_min(g->K, g->kn->kc);
    size_t ld;
    bft__gemm_args h = *g;
    if (g->transB && !g->transA && bft__gemm_small_turned(g->M, g->K)) { bft__gemm_small_xt(g, s0, s1, acopy); return; }
    ld = bft__gemm_small_lda(g->kn, g->transA, g->lda, g->K);
    if (ld) { /* rows 3072 floats apart (the FFN's intermediate): a copy with a stride that spreads them */
        int i;
        for (i = 0; i < g->M; i++) memcpy(acopy + (size_t)i * ld, g->A + (size_t)i * g->lda, sizeof(float) * (size_t)g->K);
        h.A = acopy;
        h.lda = ld;
    }
    if (h.transA) bft__gemm_small_loops(&h, 1, s0, s1, ap, bp);
    else bft__gemm_small_loops(&h, 0, s0, s1, ap, bp);
}

/* The same in BFT_BF16 on AVX512_BF16: operands rounded to bf16 pairs (as bft__gemm_pack_bf16
   makes them), VDPBF16PS on pair words. op(A) is converted once for all rows and depths, padded
   with zero rows to a multiple of 12: a row-major A (depths contiguous) converts 32 depths of a
   row to 16 words already in pair order (pair p of row i at ap[i * kpa + p]: no transpose); a
   transposed A pairs two of its rows (pair p of row i at ap[p * mp + i]). The slices start at
   even depths (KC is even), so their pairs are the whole product's. B is packed a sliver and a
   slice at a time by bft__gemm_pack_bf16, BFT__GEMM_BGROUP slivers together: a non-transposed B
   (dX's weight) is then read 4 x 32 columns of each row at a time instead of 32 (128 bytes, from
   rows 3-12 KiB apart). dX of BERT's shapes at 128 rows went from 757-827 to 855-877 GFLOP/s
   (2 threads), at 16 rows from 286 to 430. */
__attribute__((target("avx512f,avx512bw,avx512bf16")))
BFT__INLINE void bft__gemm_small_loops_bf16(const bft__gemm_args *g, const int transA, int s0, int s1, float *ws)
{
    const int M = g->M, N = g->N, K = g->K, KC = g->kn->kc, transB = g->transB;
    const int kp = (K + 1) / 2, mp = bft__gemm_round_up(M, 12), kpa = bft__gemm_round_up(kp, 16);
    const size_t lda = g->lda, ldb = g->ldb, ldc = g->ldc, rs = transA ? 1 : (size_t)kpa, cs = transA ? (size_t)mp : 1;
    float *ap = ws, *bp = ws + (size_t)bft__gemm_round_up(M, 48) * (size_t)kpa;
    float *ep = bp + (size_t)bft__gemm_min(kp, KC / 2) * 32 * BFT__GEMM_BGROUP;
    int i, s, t, pc, p0, mr;
    if (transA) bft__gemm_pack_bf16(g->A, lda, 1, M, K, mp, ap, NULL);
    else {
        for (i = 0; i < M; i++) {
            const float *x = g->A + (size_t)i * lda;
            for (p0 = 0; p0 < kp; p0 += 16) {
                const int k0 = 2 * p0;
                const __m512 lo = _mm512_maskz_loadu_ps(bft__mask16(K - k0), x + k0);
                const __m512 hi = _mm512_maskz_loadu_ps(bft__mask16(K - k0 - 16), x + k0 + 16);
                _mm512_storeu_ps(ap + (size_t)i * kpa + p0, (__m512)_mm512_cvtne2ps_pbh(hi, lo));
            }
        }
        memset(ap + (size_t)M * kpa, 0, sizeof(float) * (size_t)(mp - M) * (size_t)kpa);
    }
    for (s = s0; s < s1; s += BFT__GEMM_BGROUP) {
        const int se = bft__gemm_min(s + BFT__GEMM_BGROUP, s1), j0 = 32 * s, nlg = bft__gemm_min(32 * (se - s), N - j0);
        for (pc = 0; pc < K; pc += KC) {
            const int kc = bft__gemm_min(KC, K - pc), kpc = (kc + 1) / 2, last = pc + kc == K;
            const float beta = pc == 0 ? g->beta : 1.0f;
            if (!g->bpk)
                bft__gemm_pack_bf16(transB ? g->B + (size_t)j0 * ldb + pc : g->B + (size_t)pc * ldb + j0, ldb, !transB,
                                    nlg, kc, 32, bp, NULL);
            for (t = s; t < se; t++) {
                const int j = 32 * t, nl = bft__gemm_min(32, N - j);
                const float *bias = last && g->bias ? g->bias + j : NULL;
                const float *bq = g->bpk ? g->bpk + bft__gemm_pk_at(g->bpad, pc, j, kc) : bp + (size_t)(t - s) * 32 * (size_t)kpc;
                for (i = 0; i < M; i += mr) {
                    const float *a = ap + (size_t)i * rs + (size_t)(pc / 2) * cs;
                    float *c = g->C + (size_t)i * ldc + j;
                    mr = bft__gemm_small_rows(M - i, 0);
                    if (nl == 32 && mr == 12) bft__gemm_tile_bf16(12, kpc, a, rs, cs, bq, c, ldc, g->alpha, beta, bias);
                    else if (nl == 32 && mr == 8) bft__gemm_tile_bf16(8, kpc, a, rs, cs, bq, c, ldc, g->alpha, beta, bias);
                    else {
                        bft__gemm_pack_bf16(transA ? g->A + (size_t)pc * lda + i : g->A + (size_t)i * lda + pc, lda,
                                            transA, mr, kc, 12, ep, NULL);
                        bft__gemm_edge(g->kn, kpc, ep, bq, c, ldc, mr, nl, g->alpha, beta, bias);
                    }
                    if (last && g->epi) g->epi(g->ectx, c, ldc, i, j, mr, nl);
                }
            }
        }
    }
}
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void bft__gemm_small_bf16(const bft__gemm_args *g, int s0, int s1, float *ws)
{
    if (g->transA) bft__gemm_small_loops_bf16(g, 1, s0, s1, ws);
    else bft__gemm_small_loops_bf16(g, 0, s0, s1, ws);
}

/* ---- weight gradients of few tokens ---------------------------------------------------------
   dW += dY^T . x over a short batch: every element of dW is read and written for only as many
   multiply-adds as there are tokens, so the blocked driver's order (each sliver down the rows,
   its C prefetched) spends much of its time waiting on C: 16 tokens ran at 55-80% of the FMA
   peak. Here each thread takes its share of dW's rows in bands of 8 and walks each band along its
   rows in 8 x 48 tiles: 8 streams the hardware prefetchers follow, and 24 lines of C over 3 L1
   sets x 8 rows, where 12 x 32 puts them in 2 sets x 12 (full, when rows are 4 KiB apart). x is
   packed by each thread into 48-column panels ([K][48]: one row stride for any x), each band's 8
   columns of dY once per band. One K slice, the same fused multiply-adds in the same order and
   the micro-kernels' write-back: bitwise the blocked driver's result. */
/* The fp32 tile on dW's packed operands (bft__gemm_tile_8x48). */
__attribute__((target("avx512f")))
BFT__INLINE void bft__gemm_tile_dw32(const int plain, int kc, const float *a, const float *b, float *cp, size_t ldc,
                                     float alpha, float beta, const float *bias)
{
    bft__gemm_tile_8x48(plain, kc, a, 1, 8, b, 48, cp, ldc, alpha, beta, bias, 0);
}
/* The tiles as one signature (ku: depths, or pairs in bf16), plain or not as a constant. */
typedef void (*bft__gemm_dw_tile_fn)(int ku, const float *a, const float *b, float *cp, size_t ldc, float alpha,
                                     float beta, const float *bias);
#define BFT__DW_TILE(name, tgt, tile, plain)                                                      \
    __attribute__((target(tgt))) static void name(int ku, const float *a, const float *b, float *cp, size_t ldc, \
                                                  float alpha, float beta, const float *bias)          \
    {                                                                                               \
        if (plain) tile(1, ku, a, b, cp, ldc, 1.0f, 1.0f, NULL);                                     \
        else tile(0, ku, a, b, cp, ldc, alpha, beta, bias);                                          \
    }
BFT__DW_TILE(bft__gemm_dw_f32, "avx512f", bft__gemm_tile_dw32, 0)
BFT__DW_TILE(bft__gemm_dw_f32_plain, "avx512f", bft__gemm_tile_dw32, 1)
BFT__DW_TILE(bft__gemm_dw_bf16, "avx512f,avx512bw,avx512bf16", bft__gemm_tile_8x48bf, 0)
BFT__DW_TILE(bft__gemm_dw_bf16_plain, "avx512f,avx512bw,avx512bf16", bft__gemm_tile_8x48bf, 1)
#undef BFT__DW_TILE
/* Thread tid of nt: rows [0, M8) x columns [0, N48) of C (g->M, g->N, with g->K <= the depth
   limit), bands of 8 rows split evenly. g->abuf: for each thread (g->astride apart), all of x in
   panels (K x N48 floats; K/2 x N48 pair words in bf16), then its bands of dY^T (8 lanes each),
   packed by one call before the first tile. Packed a band at a time, just before its tiles, the
   packing cost a tenth of the time and the tiles waited on its stores: 16 tokens, 2 threads,
   best of 300 calls, 768 x 768 369-440 -> 450-473 GFLOP/s, 3072 x 768 405-448 -> 483,
   768 x 3072 456-470 -> 486, 2304 x 768 404-450 -> 475 (lower figures in a slow spell). Each
   thread packs x whole: with the panels shared (each thread packing half, a barrier, then both
   reading all), the half packed by the other core came over from its cache in every call, and
   on this VM that is slow at times: 768 x 768 at 16 tokens ran at 237-248 GFLOP/s on two
   threads, while two single-thread processes ran at 230-238 each; 342-356 packing twice. With
   asum, each thread adds its bands' lane sums (every row of [0, M8) is in one band). */
static void bft__gemm_dw_thread(const bft__gemm_args *g, int tid, int nt)
{
    const int bf16 = g->kn->pack == BFT__PACK_BF16, K = g->K, ku = bf16 ? (K + 1) / 2 : K, np = g->N / 48, nb = g->M / 8;
    const int q0 = nb * tid / nt, q1 = nb * (tid + 1) / nt;
    const int plain = g->alpha == 1.0f && g->beta == 1.0f && !g->bias;
    const bft__gemm_dw_tile_fn tile = bf16 ? (plain ? bft__gemm_dw_bf16_plain : bft__gemm_dw_bf16)
                                           : (plain ? bft__gemm_dw_f32_plain : bft__gemm_dw_f32);
    float *bp = g->abuf + (size_t)tid * g->astride, *ap = bp + (size_t)ku * (size_t)np * 48;
    int p, q;
    /* panels of 48 lanes: bf16 pair words by the driver's packing; the AVX-512 fp32 packs take
       at most 32 lanes */
    if (bf16) bft__gemm_pack_for(g->kn, 0, g->B, g->ldb, 1, np * 48, K, 48, bp, NULL);
    else bft__gemm_pack(g->B, g->ldb, 1, np * 48, K, 48, bp, 0, NULL);
    if (q1 > q0)
        bft__gemm_pack_for(g->kn, 0, g->A + (size_t)q0 * 8, g->lda, 1, (q1 - q0) * 8, K, 8, ap,
                           g->asum ? g->asum + q0 * 8 : NULL);
    for (q = q0; q < q1; q++) {
        float *c = g->C + (size_t)q * 8 * g->ldc;
        const float *a = ap + (size_t)(q - q0) * 8 * ku;
        for (p = 0; p < np; p++)
            tile(ku, a, bp + (size_t)p * ku * 48, c + (size_t)p * 48, g->ldc, g->alpha, g->beta,
                 g->bias ? g->bias + (size_t)p * 48 : NULL);
    }
}

/* Thread tid of nt: an equal share of the slivers, with its own workspace. */
static void bft__gemm_small_thread(const bft__gemm_args *g, int tid, int nt)
{
    const int ns = (g->N + 31) / 32;
    float *ws = g->abuf + (size_t)tid * g->astride;
    if (g->kn->pack == BFT__PACK_BF16) bft__gemm_small_bf16(g, ns * tid / nt, ns * (tid + 1) / nt, ws);
    else bft__gemm_small_avx512(g, ns * tid / nt, ns * (tid + 1) / nt, ws);
}
#endif


/* Slivers s0..s1-1 of the packed B panel times the A block (mc rows) into C, whose first
   element is C[r0][c0] of the whole product; bias (NULL: none; bias[0] is column c0's) and epi
   (or NULL) on the last slice. The A block is packed at ap, or, when ua != NULL, read in place
   (row i at ua + i * lda) by kn->ukr_rows, with only its last, partial micro-panel packed at ap
   (at the offset it has in a packed block). */
static void bft__gemm_macro(const bft__gemm_kernel_info *kn, int kc, int mc, int nc,
                            const float *ap, const float *ua, size_t lda, const float *bp, int s0, int s1, float *C,
                            size_t ldc, float alpha, float beta, const float *bias, bft__gemm_epi_fn epi,
                            const void *ectx, int r0, int c0)
{
    const int MR = kn->mr, NR = kn->nr;
    /* Tiles sliver by sliver down the rows keep each B sliver in L1. But when C's rows are a
       multiple of 4 KiB apart (a weight gradient [768, 3072]) every row of a sliver falls in the
       same two L1 sets, and with few depths (a short batch's dW) the tiles are mostly C traffic:
       there the tiles go along the rows instead (the slivers are small then), 2.4x faster at
       16 tokens. Same tiles, same arithmetic: only the order. */
    const int along = bft__gemm_along(ldc, kc);
    const int n_s = s1 - s0, n_r = (mc + MR - 1) / MR;
    int t;
    for (t = 0; t < n_s * n_r; t++) {
        const int s = s0 + (along ? t % n_s : t / n_r), ir = MR * (along ? t / n_s : t % n_r);
        const int j = s * NR, nr = bft__gemm_min(NR, nc - j);
        const float *bs = bp + (size_t)s * (size_t)NR * (size_t)kc;
        {
            const int mr = bft__gemm_min(MR, mc - ir);
            const float *as = ap + (size_t)ir * (size_t)kc;
            float *c = C + (size_t)ir * ldc + j;
            const float *bj = bias ? bias + j : NULL;
            if (mr == MR && nr == NR) {
                if (ua) kn->ukr_rows(kc, ua + (size_t)ir * lda, lda, bs, c, ldc, alpha, beta, bj);
                else kn->ukr(kc, as, bs, c, ldc, alpha, beta, bj);
            } else if (ua && mr == MR) { /* a full micro-panel of rows, not packed: pack it for the edge */
                float *tmp = (float *)ap + (size_t)ir * (size_t)kc; /* its slot in the block buffer is free */
                bft__gemm_pack_for(kn, 0, ua + (size_t)ir * lda, lda, 0, MR, kc, MR, tmp, NULL);
                bft__gemm_edge(kn, kc, tmp, bs, c, ldc, mr, nr, alpha, beta, bj);
            } else bft__gemm_edge(kn, kc, as, bs, c, ldc, mr, nr, alpha, beta, bj);
            if (epi) epi(ectx, c, ldc, r0 + ir, c0 + j, mr, nr);
        }
    }
}

/* How the work is cut: items are (row block, group of B slivers), ~3 per thread to balance the
   load. Row blocks keep MC rows whenever M has that many (bft__gemm_blocks evens out the last
   ones between the threads) and the columns are split instead (nq > 1 groups per panel of nc
   columns, each re-packing the same A block, or reading it in place again): a block reads each
   B sliver from L3 once for all its tiles, so shrinking blocks to give each thread 3 of them
   measured 2-15% slower at M = 256-900 (a batch of 8 sequences; weight gradients with 768
   rows). Only below one block of rows do blocks shrink, down to 4 micro-panels. */
static int bft__gemm_mc(const bft__gemm_kernel_info *kn, int M, int nt)
{
    return nt > 1 && M < kn->mc ? bft__gemm_max(4 * kn->mr, bft__gemm_round_up((M + 3 * nt - 1) / (3 * nt), kn->mr))
                                         : kn->mc;
}

/* Row blocks: whole blocks of MC rows while at least nt of them remain, then the rest cut into
   nt nearly equal blocks (in micro-panels). With only whole blocks, the thread that took the
   last whole one finished up to a block after the other: 2528 rows in 192-row blocks are 13
   whole blocks and 32 rows, 7 blocks against 6.2 (6% of the product idle on one core).
   Returns the number of blocks; with b >= 0, block b's first row and rows in *ic, *mc. */
static int bft__gemm_blocks(const bft__gemm_kernel_info *kn, int M, int nt, int b, int *ic, int *mc)
{
    const int MR = kn->mr, P = (M + MR - 1) / MR, MCp = bft__gemm_mc(kn, M, nt) / MR;
    const int nfull = P >= nt * MCp ? (P - nt * MCp) / MCp + 1 : 0, R = P - nfull * MCp;
    const int ntail = R < nt ? R : nt;
    if (b >= 0) {
        const int p0 = b < nfull ? b * MCp : nfull * MCp + (int)((long)R * (b - nfull) / ntail);
        const int p1 = b < nfull ? p0 + MCp : nfull * MCp + (int)((long)R * (b - nfull + 1) / ntail);
        *ic = p0 * MR;
        *mc = bft__gemm_min(p1 * MR, M) - *ic;
    }
    return nfull + ntail;
}

static int bft__gemm_nq(const bft__gemm_kernel_info *kn, int M, int nc, int nt)
{
    const int n_ic = bft__gemm_blocks(kn, M, nt, -1, NULL, NULL), ns = (nc + kn->nr - 1) / kn->nr;
    const int nq = nt > 1 ? (3 * nt + n_ic - 1) / n_ic : 1;
    return nq < ns ? nq : ns;
}

/* The work of thread `tid` of `nt`. Called by every thread of the team with the same arguments;
   nt == 1 runs everything without any OpenMP construct (safe inside the caller's parallel loop). */
static void bft__gemm_thread(const bft__gemm_args *g, int tid, int nt)
{
    const bft__gemm_kernel_info *kn = g->kn;
    const int MR = kn->mr, NR = kn->nr, KC = kn->kc, NC = kn->nc;
    const int n_ic = bft__gemm_blocks(kn, g->M, nt, -1, NULL, NULL);
    float *ap = g->abuf + (size_t)tid * g->astride;
    /* A row-major in fp32: the kernel reads it where it lies. Packing A cost 5-10% of a forward or
       dX product (a strided gather from DRAM before each block); read in place, its rows stream in
       while the kernel runs, and stay in L2 for the block's other slivers just as a packed block
       would. A transposed A (dW) is still packed: its depths are rows of the activations, at
       strides that alias in L2; so is an A whose rows would share L1 sets (bft__gemm_rows_spread). */
    const int in_place = kn->ukr_rows && !g->transA && !g->to_bf16 && bft__gemm_rows_spread(g->lda);
    int jc, pc, slice = 0;
    for (jc = 0; jc < g->N; jc += NC) {
        const int nc = bft__gemm_min(NC, g->N - jc), ns = (nc + NR - 1) / NR;
        const int nq = bft__gemm_nq(kn, g->M, nc, nt);
        for (pc = 0; pc < g->K; pc += KC, slice++) {
            const int kc = bft__gemm_min(KC, g->K - pc), ku = bft__gemm_units(kn, kc), last = pc + kc == g->K;
            /* slice 0 applies the caller's beta; later slices add to what is there */
            const float beta = pc == 0 ? g->beta : 1.0f;
            /* where this slice's B panel is packed (this thread's own copy with bpriv), and what
               the kernels read: that, or a B packed beforehand, in the same layout */
            float *pb = g->bpriv ? g->bbuf[0] + (size_t)tid * g->bpriv : g->bbuf[slice & 1];
            const float *bp = g->bpk ? g->bpk + bft__gemm_pk_at(g->bpad, pc, jc, kc) : pb;
            int *next = g->next + 2 * slice;
            int s, item;
            /* No barrier is needed before refilling this buffer: it last held slice - 2, and every
               thread finished computing slice - 2 before it reached the barrier of slice - 1,
               which this thread has passed. */
            if (g->bpriv) {
                const float *src = g->transB ? g->B + (size_t)jc * g->ldb + pc : g->B + (size_t)pc * g->ldb + jc;
                bft__gemm_pack_for(kn, g->to_bf16, src, g->ldb, !g->transB, nc, kc, NR, pb, NULL);
            }
            while (!g->bpk && !g->bpriv && (s = bft__gemm_take(&next[0])) < (ns + BFT__GEMM_BGROUP - 1) / BFT__GEMM_BGROUP) {
                const int j = jc + s * BFT__GEMM_BGROUP * NR, nl = bft__gemm_min(BFT__GEMM_BGROUP * NR, jc + nc - j);
                const float *src = g->transB ? g->B + (size_t)j * g->ldb + pc : g->B + (size_t)pc * g->ldb + j;
                bft__gemm_pack_for(kn, g->to_bf16, src, g->ldb, !g->transB, nl, kc, NR,
                                   pb + (size_t)(j - jc) * (size_t)ku, NULL);
            }
            /* B panel complete before anyone uses it; and a slice's tiles of C done before the
               next slice adds to them */
            if (nt > 1 && !g->bpriv) { BFT__OMP(barrier) }
            while ((item = bft__gemm_take(&next[1])) < n_ic * nq) {
                const int q = item % nq;
                int ic = 0, mc = 0;
                const int s0 = (int)((long)ns * q / nq), s1 = (int)((long)ns * (q + 1) / nq);
                const float *src;
                bft__gemm_blocks(kn, g->M, nt, item / nq, &ic, &mc);
                src = g->transA ? g->A + (size_t)pc * g->lda + ic : g->A + (size_t)ic * g->lda + pc;
                if (in_place) { /* only the partial micro-panel at the end, if any, is packed */
                    const int full = mc / MR * MR;
                    if (full < mc)
                        bft__gemm_pack_for(kn, 0, src + (size_t)full * g->lda, g->lda, 0, mc - full, kc, MR,
                                           ap + (size_t)full * (size_t)ku, NULL);
                } else
                    /* each A element is packed exactly once when asum is set (bft__gemm_run); the
                       slices' barriers keep every lane's sum in depth order */
                    bft__gemm_pack_for(kn, g->to_bf16, src, g->lda, g->transA, mc, kc, MR, ap,
                                       g->asum ? g->asum + ic : NULL);
                bft__gemm_macro(kn, ku, mc, nc, ap, in_place ? src : NULL, g->lda, bp, s0, s1,
                                g->C + (size_t)ic * g->ldc + jc, g->ldc, g->alpha, beta,
                                last && g->bias ? g->bias + jc : NULL, last ? g->epi : NULL, g->ectx, ic, jc);
            }
        }
    }
}

/* Largest M and N that the one-thread small path takes (bft__gemm_small_avx512 and _bf16;
   attention's T is at most 512). */
#define BFT__GEMM_SMALL 512
/* Products with at most this many rows (and A not transposed) take the small path on any
   number of threads (tests set it to 0 to compare with the blocked driver). */
static int bft__gemm_few_rows = 256;
#ifndef BFT__GEMM_DW_DEPTH
#define BFT__GEMM_DW_DEPTH 64
#endif
/* Weight gradients over at most this many tokens take bft__gemm_dw_thread (fp32 on AVX-512, bf16
   on AVX512_BF16); tests set it to 0 to compare with the blocked driver. */
static int bft__gemm_dw_depth = BFT__GEMM_DW_DEPTH;
/* Measured against the driver (medians of 400-1000 calls, 2 threads, BERT's dW shapes), since
   each thread packs its own x: fp32 1.16x at 16 tokens, 1.04-1.11x at 32, 1.00-1.06x at 64,
   0.95-1.03x at 128; bf16 (bft__gemm_tile_8x48bf) 1.30-1.41x, 1.05-1.14x, 1.01-1.03x and
   0.93-1.01x. */
static int bft__gemm_dw_takes(int K)
{
    return K <= bft__gemm_dw_depth;
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

/* Packing buffers: one grow-only workspace per calling thread. A training step makes thousands
   of GEMM calls; allocating megabytes per call made the kernel map and fault in fresh pages
   every time. Thread-local, so attention's per-head calls from inside a parallel loop do not
   share one. bft_gemm_release_workspace() frees the calling thread's. */
static BFT__TLS void *bft__gemm_ws;
static BFT__TLS size_t bft__gemm_ws_size;

BERTFT_DEF void bft_gemm_release_workspace(void)
{
    bft_free(bft__gemm_ws);
    bft__gemm_ws = NULL;
    bft__gemm_ws_size = 0;
}

/* The calling thread's workspace, grown to at least `bytes`; NULL when out of memory. */
static void *bft__gemm_workspace(size_t bytes)
{
    if (bytes > bft__gemm_ws_size) {
        bft_free(bft__gemm_ws);
        bft__gemm_ws = bft__malloc(bytes);
        bft__gemm_ws_size = bft__gemm_ws ? bytes : 0;
    }
    return bft__gemm_ws;
}

/* Run fn(g, tid, team size) on nt threads; nt == 1 runs it on the caller without any OpenMP
   construct (safe inside the caller's parallel loop). */
static void bft__gemm_team(void (*fn)(const bft__gemm_args *, int, int), const bft__gemm_args *g, int nt)
{
#ifdef _OPENMP
    if (nt > 1) {
        BFT__OMP(parallel num_threads(nt))
        fn(g, omp_get_thread_num(), omp_get_num_threads());
        return;
    }
#else
    (void)nt;
#endif
    fn(g, 0, 1);
}

/* C[i][j] + bias[j] for a whole M x N block (the paths that do not run the micro-kernels). */
static void bft__gemm_add_bias(int M, int N, const float *bias, float *C, size_t ldc)
{
    int i, j;
    if (bias)
        for (i = 0; i < M; i++)
            for (j = 0; j < N; j++) C[(size_t)i * ldc + j] += bias[j];
}

static int bft__gemm_run(bft_precision prec, int transA, int transB, int M, int N, int K, float alpha,
                         const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc,
                         const float *bias, bft__gemm_epi_fn epi, const void *ectx, float *asum);

/* ---- B packed once ------------------------------------------------------------------------------
   A weight that many products read unchanged (inference) need not be rounded to bf16 pairs again
   in each of them. Packed once, in the layout the bf16-pair kernel's paths pack it to (for each
   K slice of KC depths, the slivers of 32 columns one after another, each [pairs][32] words as
   bft__gemm_pack_bf16 writes them: bft__gemm_pk_at), it is read by the small path and the blocked driver where
   they would pack B: the same words, so bitwise the same results, and half the bytes of the fp32
   weight to read. Size in floats (words): */
static size_t bft__gemm_pk_size(int N, int K)
{
    return (size_t)bft__gemm_round_up(N, 32) * (size_t)((K + 1) / 2);
}

/* op(B) (K x N; B and transB as in bft__gemm_run) packed into dst, on all threads. Returns 0
   (dst untouched) when the kernel BFT_BF16 products use is not the bf16-pair one. */
static int bft__gemm_pk_pack(int transB, int N, int K, const float *B, size_t ldb, float *dst)
{
#ifdef BFT__GEMM_X86
    const bft__gemm_kernel_info *kn = bft__gemm_active(BFT_BF16);
    const int KC = kn->kc, ng = (N + 127) / 128, ns = (K + KC - 1) / KC;
    const size_t pad = (size_t)bft__gemm_round_up(N, 32);
    int it;
    if (kn->pack != BFT__PACK_BF16) return 0;
    BFT__OMP(parallel for schedule(dynamic) if ((double)N * K >= 65536.0))
    for (it = 0; it < ns * ng; it++) { /* 4 slivers of one slice */
        const int pc = it / ng * KC, kc = bft__gemm_min(KC, K - pc), j = it % ng * 128, nl = bft__gemm_min(128, N - j);
        bft__gemm_pack_bf16(transB ? B + (size_t)j * ldb + pc : B + (size_t)pc * ldb + j, ldb, !transB, nl, kc, 32,
                            dst + bft__gemm_pk_at(pad, pc, j, kc), NULL);
    }
    return 1;
#else
    (void)transB; (void)N; (void)K; (void)B; (void)ldb; (void)dst;
    return 0;
#endif
}

/* bft_gemm, plus bias[j] (NULL: none) on each column of the result, then epi(ectx, ...) on
   every tile of C once it holds its final values; and, when asum != NULL and A is transposed,
   asum[i] += sum over k of A[k][i] (in k order, unrounded) as A is packed, when that packs each
   element of A once. Returns 1 if it added to asum, else 0 (the caller sums itself).
   bpk: NULL, or op(B) as bft__gemm_pk_pack packed it for the bf16-pair kernel, used instead of
   packing B again when that kernel runs the product (B is still read if it does not). */
static int bft__gemm_run_pk(bft_precision prec, int transA, int transB, int M, int N, int K, float alpha,
                            const float *A, int lda, const float *B, int ldb, const float *bpk, float beta, float *C,
                            int ldc, const float *bias, bft__gemm_epi_fn epi, const void *ectx, float *asum)
{
    bft__gemm_args g;
    const bft__gemm_kernel_info *kn;
    int nt, kcm, mcm, ncm, nbbuf;
    size_t bsize, nslices, total;
    void *mem;
    if (M <= 0 || N <= 0) return 0;
    BERTFT_ASSERT(ldc >= N);
    if (K <= 0 || alpha == 0.0f) {
        bft__gemm_scale(M, N, beta, C, (size_t)ldc);
        bft__gemm_add_bias(M, N, bias, C, (size_t)ldc);
        if (epi) epi(ectx, C, (size_t)ldc, 0, 0, M, N); /* the whole of C is one finished tile */
        return 0;
    }
    BERTFT_ASSERT(lda >= (transA ? M : K) && ldb >= (transB ? K : N));

    kn = bft__gemm_active(prec);
    nt = bft__gemm_threads(M, N, K);
    memset(&g, 0, sizeof g);
    g.kn = kn;
    g.transA = transA != 0; g.transB = transB != 0;
    g.M = M; g.N = N; g.K = K;
    g.alpha = alpha; g.beta = beta;
    g.A = A; g.B = B; g.C = C;
    g.lda = (size_t)lda; g.ldb = (size_t)ldb; g.ldc = (size_t)ldc;
    g.epi = epi; g.ectx = ectx;
    g.bias = bias;
    if (bpk && prec == BFT_BF16 && kn->pack == BFT__PACK_BF16) {
        g.bpk = bpk;
        g.bpad = (size_t)bft__gemm_round_up(N, 32);
    }
#ifdef BFT__GEMM_X86
    /* A weight gradient of few tokens (bft__gemm_dw_thread): the whole bands and panels there, the
       edges (rows past a multiple of 8, columns past one of 48) by this function on the parts */
    if (((kn->ukr == bft__gemm_ukr_avx512 && prec == BFT_FP32) || (kn->ukr == bft__gemm_ukr_avx512bf16 && prec == BFT_BF16)) &&
        transA && !transB && bft__gemm_dw_takes(K) && !epi && M >= 8 && N >= 48) {
        const int M8 = M / 8 * 8, N48 = N / 48 * 48;
        g.astride = (size_t)bft__gemm_round_up(8 * K * ((M8 / 8 + nt - 1) / nt) + K * N48, 16); /* its bands, x */
        mem = bft__gemm_workspace((g.astride * (size_t)nt + 16) * sizeof(float));
        if (mem) { /* else the blocked driver below */
            g.abuf = (float *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
            g.asum = asum;
            g.M = M8; g.N = N48;
            bft__gemm_team(bft__gemm_dw_thread, &g, nt);
            if (N48 < N)
                bft__gemm_run(prec, 1, 0, M8, N - N48, K, alpha, A, lda, B + N48, ldb, beta, C + N48, ldc,
                              bias ? bias + N48 : NULL, NULL, NULL, NULL);
            if (M8 < M) {
                int i, k;
                bft__gemm_run(prec, 1, 0, M - M8, N, K, alpha, A + M8, lda, B, ldb, beta, C + (size_t)M8 * (size_t)ldc,
                              ldc, bias, NULL, NULL, NULL);
                if (asum)
                    for (k = 0; k < K; k++)
                        for (i = M8; i < M; i++) asum[i] += A[(size_t)k * (size_t)lda + (size_t)i];
            }
            return asum != NULL;
        }
    }
    /* The small path (bft__gemm_small_thread): attention's per-head products, on one thread from
       the heads' parallel loop, and products of few rows (a short batch), their columns split
       between the threads. */
    if ((kn->ukr == bft__gemm_ukr_avx512 ? prec == BFT_FP32 : kn->ukr == bft__gemm_ukr_avx512bf16) && !asum &&
        ((nt == 1 && K <= kn->kc && M <= BFT__GEMM_SMALL && N <= BFT__GEMM_SMALL) ||
         (!transA && M <= bft__gemm_few_rows))) {
        g.astride = (bft__gemm_small_ws(kn, transA, transB, (size_t)lda, M, K) + 15) & ~(size_t)15;
        mem = bft__gemm_workspace((g.astride * (size_t)nt + 16) * sizeof(float));
        if (mem) { /* else the blocked driver's fallback below */
            g.abuf = (float *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
            bft__gemm_team(bft__gemm_small_thread, &g, nt);
            return 0;
        }
    }
#else
    (void)bft__gemm_few_rows; /* no small path here */
    (void)bft__gemm_dw_takes;
#endif
    /* one panel of columns and one column group: every A element is packed once */
    if (asum && (!transA || N > kn->nc || bft__gemm_nq(kn, M, N, nt) != 1)) asum = NULL;
    kcm = bft__gemm_units(kn, bft__gemm_min(K, kn->kc));
    mcm = bft__gemm_round_up(bft__gemm_min(M, kn->mc), kn->mr);
    ncm = bft__gemm_round_up(bft__gemm_min(N, kn->nc), kn->nr);
    /* buffers sized for this call (small GEMMs allocate little); 16-float multiples keep every
       thread's A block on its own 64-byte cache lines */
    bsize = (size_t)bft__gemm_round_up(ncm * kcm, 16);
    g.astride = (size_t)bft__gemm_round_up(mcm * kcm, 16);
    nslices = (size_t)((N + kn->nc - 1) / kn->nc) * (size_t)((K + kn->kc - 1) / kn->kc);
    nbbuf = nt > 1 && nslices > 1 ? 2 : 1; /* one thread never needs the second B buffer */
    /* One small B panel (a weight gradient's x over few tokens): each thread packs all of it, with
       no barrier. Shared, each half crossed over from the other core's cache, at times slowly on
       this VM: bf16 dW of 768 x 768 at 16 tokens 221-224 -> 285-313 GFLOP/s (medians), at 128
       tokens 721-728 -> 740-758. */
    if (nt > 1 && nslices == 1 && !g.bpk && bsize <= 65536) {
        nbbuf = nt;
        g.bpriv = bsize;
    }
    total = ((size_t)nbbuf * bsize + g.astride * (size_t)nt) * sizeof(float) + 64 + 2 * nslices * sizeof(int);
    mem = bft__gemm_workspace(total);
    if (!mem) { /* out of memory: slow but correct (bft_sgemm cannot report errors) */
        bft__gemm_ref(prec == BFT_BF16, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        bft__gemm_add_bias(M, N, bias, C, (size_t)ldc);
        if (epi) epi(ectx, C, (size_t)ldc, 0, 0, M, N);
        return 0;
    }
    g.to_bf16 = prec == BFT_BF16 && kn->pack != BFT__PACK_BF16;
    g.bbuf[0] = (float *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    g.bbuf[1] = g.bbuf[0] + (size_t)(nbbuf - 1) * bsize;
    g.abuf = g.bbuf[0] + (size_t)nbbuf * bsize;
    g.next = (int *)(g.abuf + g.astride * (size_t)nt);
    memset(g.next, 0, 2 * nslices * sizeof(int));
    g.asum = asum;

    bft__gemm_team(bft__gemm_thread, &g, nt);
    return asum != NULL;
}

static int bft__gemm_run(bft_precision prec, int transA, int transB, int M, int N, int K, float alpha,
                         const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc,
                         const float *bias, bft__gemm_epi_fn epi, const void *ectx, float *asum)
{
    return bft__gemm_run_pk(prec, transA, transB, M, N, K, alpha, A, lda, B, ldb, NULL, beta, C, ldc, bias, epi, ectx, asum);
}

BERTFT_DEF void bft_gemm(bft_precision prec, int transA, int transB, int M, int N, int K, float alpha,
                         const float *A, int lda, const float *B, int ldb, float beta,
                         float *C, int ldc)
{
    (void)bft__gemm_run(prec, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, NULL, NULL, NULL, NULL);
}

BERTFT_DEF void bft_sgemm(int transA, int transB, int M, int N, int K, float alpha,
                          const float *A, int lda, const float *B, int ldb, float beta,
                          float *C, int ldc)
{
    bft_gemm(BFT_FP32, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/* ------------------------------------------------------------------------------------------ */
/* 4. Layers: forward/backward pairs                                                           */
/* ------------------------------------------------------------------------------------------ */
/* Shapes in comments: N = B*T tokens, C = hidden, I = intermediate, H = heads, D = C/H.
   Every backward *adds* into parameter gradients (dW, db) and *writes* input gradients (dx)
   unless its comment says otherwise. Reductions over tokens run in a fixed order per output
   element, so results do not depend on the number of threads. */

static int bft__cpu_avx512(void);

/* Dropout masks are never stored. Element i of a mask keeps its value when
   hash(key, i) >= p * 2^32, where the 64-bit key is drawn from the model's generator once per
   dropout site and forward pass; backward recomputes the same bits from the key. Any thread can
   produce any element, so masks do not depend on the thread count, and they cost no memory
   (BERT-base at batch 32 x 128 would need 370 MB of byte masks). The hash is murmur3's 32-bit
   finalizer on (i * golden ratio + key), cheap enough to vectorise. */
BFT__INLINE uint32_t bft__drop_hash(uint64_t key, uint32_t i)
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

#ifdef BFT__GEMM_X86
/* 16 hashes at once: the same murmur3 finalizer in 32-bit lanes. */
__attribute__((target("avx512f"))) static void bft__dropout16(float *x, const float *src, size_t n, float scale,
                                                               uint32_t thr, uint64_t key, uint32_t start)
{
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i klo = _mm512_set1_epi32((int)(uint32_t)key), khi = _mm512_set1_epi32((int)(uint32_t)(key >> 32));
    const __m512i gold = _mm512_set1_epi32((int)0x9E3779B9u), m1 = _mm512_set1_epi32((int)0x85EBCA6Bu);
    const __m512i m2 = _mm512_set1_epi32((int)0xC2B2AE35u), m3 = _mm512_set1_epi32((int)0x27D4EB2Du);
    const __m512i vthr = _mm512_set1_epi32((int)thr);
    const __m512 vs = _mm512_set1_ps(scale);
    size_t i;
    for (i = 0; i < n; i += 16) {
        __m512i h = _mm512_add_epi32(_mm512_set1_epi32((int)(start + (uint32_t)i)), lane);
        __mmask16 keep;
        h = _mm512_add_epi32(_mm512_mullo_epi32(h, gold), klo);
        h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
        h = _mm512_mullo_epi32(h, m1);
        h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 13));
        h = _mm512_mullo_epi32(h, m2);
        h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 16));
        h = _mm512_xor_si512(h, khi);
        h = _mm512_mullo_epi32(h, m3);
        h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
        keep = _mm512_cmpge_epu32_mask(h, vthr);
        _mm512_storeu_ps(x + i, _mm512_maskz_mul_ps(keep, _mm512_loadu_ps(src + i), vs));
    }
}
#endif

/* Inverted dropout, as torch.nn.Dropout: x[i] = keep ? src[i] / (1 - p) : 0, where element i
   uses mask index offset + i (indices wrap at 2^32, far beyond any batch). src == x: in place;
   otherwise a copy and its dropout in one pass, where the unmasked values are still needed. This
   one runs on the calling thread; bft__dropout_to shares chunks among threads. */
static void bft__dropout_span_to(float *x, const float *src, size_t n, float p, uint64_t key, size_t offset, int simd)
{
    float scale = 1.0f / (1.0f - p);
    uint32_t thr = bft__drop_threshold(p);
    size_t i = 0;
#ifdef BFT__GEMM_X86
    if (simd) {
        i = n & ~(size_t)15;
        bft__dropout16(x, src, i, scale, thr, key, (uint32_t)offset);
    }
#else
    (void)simd;
#endif
    for (; i < n; i++) x[i] = bft__drop_hash(key, (uint32_t)(offset + i)) >= thr ? src[i] * scale : 0.0f;
}

static void bft__dropout_span(float *x, size_t n, float p, uint64_t key, size_t offset, int simd)
{
    bft__dropout_span_to(x, x, n, p, key, offset, simd);
}

static void bft__dropout_to(float *x, const float *src, size_t n, float p, uint64_t key, size_t offset)
{
    long long c, nch = (long long)((n + 4095) / 4096);
    int simd = bft__cpu_avx512();
    BFT__OMP(parallel for schedule(static) if (n > 65536))
    for (c = 0; c < nch; c++) {
        size_t i0 = (size_t)c * 4096, i1 = i0 + 4096 < n ? i0 + 4096 : n;
        bft__dropout_span_to(x + i0, src + i0, i1 - i0, p, key, offset + i0, simd);
    }
}

static void bft__dropout(float *x, size_t n, float p, uint64_t key, size_t offset)
{
    bft__dropout_to(x, x, n, p, key, offset);
}

/* x = dropout(src) over `rows` rows of C, row r's mask indices starting at r * rs (rs = C: the
   flat layout; rs = T * C: compact [CLS] rows of a [B, T, C] site) */
static void bft__dropout_rows_to(float *x, const float *src, int rows, int C, size_t rs, float p, uint64_t key)
{
    int r, simd = bft__cpu_avx512();
    if (rs == (size_t)C) { bft__dropout_to(x, src, (size_t)rows * C, p, key, 0); return; }
    for (r = 0; r < rows; r++)
        bft__dropout_span_to(x + (size_t)r * C, src + (size_t)r * C, (size_t)C, p, key, (size_t)r * rs, simd);
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

#ifdef BFT__GEMM_X86
/* The LayerNorm loops in AVX-512: sums in double as the portable ones (8 lanes, so in another
   order), and the float expressions with the same operations in the same order (no FMA), so
   that an element's float arithmetic is the portable loop's. */
__attribute__((target("avx512f"))) static double bft__sum16d(__m512d a, __m512d b) { return _mm512_reduce_add_pd(_mm512_add_pd(a, b)); }
/* the low and the high 8 floats of x, widened to double */
__attribute__((target("avx512f"))) static __m512d bft__lo8d(__m512 x) { return _mm512_cvtps_pd(_mm512_castps512_ps256(x)); }
__attribute__((target("avx512f"))) static __m512d bft__hi8d(__m512 x)
{
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)));
}

__attribute__((target("avx512f")))
static void bft__layernorm_row16(float *o, float *xr, const float *res, const float *w, const float *b, int C,
                                 float eps, float *mean, float *rstd)
{
    __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd(), v0 = _mm512_setzero_pd(), v1 = _mm512_setzero_pd(), md;
    __m512 mv, rv;
    float m, r;
    int c;
    for (c = 0; c < C; c += 16) {
        const __mmask16 lm = bft__mask16(C - c);
        __m512 x = _mm512_maskz_loadu_ps(lm, xr + c);
        if (res) {
            x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(lm, res + c));
            _mm512_mask_storeu_ps(xr + c, lm, x);
        }
        s0 = _mm512_add_pd(s0, bft__lo8d(x));
        s1 = _mm512_add_pd(s1, bft__hi8d(x));
    }
    m = (float)(bft__sum16d(s0, s1) / C);
    md = _mm512_set1_pd((double)m);
    for (c = 0; c < C; c += 16) {
        const __mmask16 lm = bft__mask16(C - c);
        const __m512 x = _mm512_maskz_loadu_ps(lm, xr + c);
        const __m512d d0 = _mm512_sub_pd(bft__lo8d(x), md), d1 = _mm512_sub_pd(bft__hi8d(x), md);
        const __mmask8 l0 = (__mmask8)(lm & 0xFF), l1 = (__mmask8)(lm >> 8);
        v0 = _mm512_mask_add_pd(v0, l0, v0, _mm512_mul_pd(d0, d0));
        v1 = _mm512_mask_add_pd(v1, l1, v1, _mm512_mul_pd(d1, d1));
    }
    r = (float)(1.0 / sqrt(bft__sum16d(v0, v1) / C + (double)eps));
    mv = _mm512_set1_ps(m);
    rv = _mm512_set1_ps(r);
    for (c = 0; c < C; c += 16) {
        const __mmask16 lm = bft__mask16(C - c);
        __m512 t = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(lm, xr + c), mv), rv);
        t = _mm512_add_ps(_mm512_mul_ps(t, _mm512_maskz_loadu_ps(lm, w + c)), _mm512_maskz_loadu_ps(lm, b + c));
        _mm512_mask_storeu_ps(o + c, lm, t);
    }
    *mean = m;
    *rstd = r;
}
#endif

/* LayerNorm over the last dim: out = (x - mean) * rstd * w + b, rstd = 1/sqrt(var + eps),
   var the biased variance (as torch). Statistics accumulate in double. With `res`, x += res
   first, in place (the residual connection, fused into the same pass over memory). */
static void bft__layernorm_fwd(float *out, float *mean, float *rstd, float *x, const float *res, const float *w,
                               const float *b, int N, int C, float eps)
{
    int n, simd = bft__cpu_avx512();
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (n = 0; n < N; n++) {
        float *xr = x + (size_t)n * C;
        float *o = out + (size_t)n * C;
        double s = 0, v = 0;
        float m, r;
        int c;
#ifdef BFT__GEMM_X86
        if (simd) {
            bft__layernorm_row16(o, xr, res ? res + (size_t)n * C : NULL, w, b, C, eps, mean + n, rstd + n);
            continue;
        }
#else
        (void)simd;
#endif
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

#ifdef BFT__GEMM_X86
__attribute__((target("avx512f")))
static void bft__layernorm_bwd_row16(float *o, const float *d, const float *xr, const float *w, float m, float r, int C,
                                     float *pw, float *pb)
{
    __m512d g0 = _mm512_setzero_pd(), g1 = _mm512_setzero_pd(), x0 = _mm512_setzero_pd(), x1 = _mm512_setzero_pd();
    const __m512 mv = _mm512_set1_ps(m), rv = _mm512_set1_ps(r);
    __m512 mg, mgx;
    int c;
    for (c = 0; c < C; c += 16) {
        const __mmask16 lm = bft__mask16(C - c);
        const __m512 dv = _mm512_maskz_loadu_ps(lm, d + c), g = _mm512_mul_ps(dv, _mm512_maskz_loadu_ps(lm, w + c));
        const __m512 xh = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(lm, xr + c), mv), rv);
        const __m512d ga = bft__lo8d(g), gb = bft__hi8d(g), xa = bft__lo8d(xh), xb = bft__hi8d(xh);
        /* the chunk's dw, db partial sums (bft__layernorm_bwd), in row order */
        _mm512_mask_storeu_ps(pw + c, lm, _mm512_add_ps(_mm512_maskz_loadu_ps(lm, pw + c), _mm512_mul_ps(dv, xh)));
        _mm512_mask_storeu_ps(pb + c, lm, _mm512_add_ps(_mm512_maskz_loadu_ps(lm, pb + c), dv));
        g0 = _mm512_add_pd(g0, ga);
        g1 = _mm512_add_pd(g1, gb);
        x0 = _mm512_add_pd(x0, _mm512_mul_pd(ga, xa)); /* masked lanes: g = 0 */
        x1 = _mm512_add_pd(x1, _mm512_mul_pd(gb, xb));
    }
    mg = _mm512_set1_ps((float)(bft__sum16d(g0, g1) / C));
    mgx = _mm512_set1_ps((float)(bft__sum16d(x0, x1) / C));
    for (c = 0; c < C; c += 16) { /* r * (d w - mg - (x - m) r mgx), in the portable loop's order */
        const __mmask16 lm = bft__mask16(C - c);
        const __m512 g = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, d + c), _mm512_maskz_loadu_ps(lm, w + c));
        const __m512 t = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(lm, xr + c), mv), rv), mgx);
        _mm512_mask_storeu_ps(o + c, lm, _mm512_mul_ps(rv, _mm512_sub_ps(_mm512_sub_ps(g, mg), t)));
    }
}

#endif

/* With xhat = (x - mean) * rstd and g = dout * w:
   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), dw += sum dout * xhat, db += sum dout.
   dw and db are summed in the pass that makes dx, while each row is in L1: the rows in fixed
   chunks of BFT__LN_CHUNK, a partial sum per chunk in row order, then the partial sums added in
   chunk order. The chunks do not depend on the thread count, so neither do the bits. (A second
   pass down the columns of dout and x took longer than the dx pass.) part: scratch for
   bft__ln_part_floats(N, C) floats. */
#define BFT__LN_CHUNK 32
BFT__INLINE size_t bft__ln_part_floats(int N, int C) { return 2 * (size_t)((N + BFT__LN_CHUNK - 1) / BFT__LN_CHUNK) * (size_t)C; }
static void bft__layernorm_bwd(float *dx, float *dw, float *db, const float *dout, const float *x,
                               const float *mean, const float *rstd, const float *w, int N, int C, float *part)
{
    const int nch = (N + BFT__LN_CHUNK - 1) / BFT__LN_CHUNK;
    int k, c0, simd = bft__cpu_avx512();
    (void)simd;
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (k = 0; k < nch; k++) {
        float *pw = part + 2 * (size_t)k * (size_t)C, *pb = pw + C;
        int n, n1 = (k + 1) * BFT__LN_CHUNK < N ? (k + 1) * BFT__LN_CHUNK : N;
        memset(pw, 0, sizeof(float) * 2 * (size_t)C);
        for (n = k * BFT__LN_CHUNK; n < n1; n++) {
            const float *d = dout + (size_t)n * C, *xr = x + (size_t)n * C;
            float *o = dx + (size_t)n * C;
            float m = mean[n], r = rstd[n];
            double sg = 0, sgx = 0;
            float mg, mgx;
            int c;
#ifdef BFT__GEMM_X86
            if (simd) {
                bft__layernorm_bwd_row16(o, d, xr, w, m, r, C, pw, pb);
                continue;
            }
#endif
            for (c = 0; c < C; c++) {
                float g = d[c] * w[c], xh = (xr[c] - m) * r;
                sg += g;
                sgx += (double)g * xh;
                pw[c] += d[c] * xh;
                pb[c] += d[c];
            }
            mg = (float)(sg / C);
            mgx = (float)(sgx / C);
            for (c = 0; c < C; c++) o[c] = r * (d[c] * w[c] - mg - (xr[c] - m) * r * mgx);
        }
    }
    BFT__OMP(parallel for schedule(static) if ((size_t)N * C > 32768))
    for (c0 = 0; c0 < C; c0 += 64) {
        const int c1 = c0 + 64 < C ? c0 + 64 : C;
        int kk, c;
        for (kk = 0; kk < nch; kk++) {
            const float *pw = part + 2 * (size_t)kk * (size_t)C;
            for (c = c0; c < c1; c++) {
                dw[c] += pw[c];
                db[c] += pw[C + c];
            }
        }
    }
}

/* GELU, the exact form BERT uses: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) = 0.5 x erfc(-x / sqrt 2).
   libm's erff is a call per element and does not vectorise; these are branch-free versions
   (relative error ~2e-7, about 2 ulp, checked against double precision in the tests) that the
   compiler turns into SIMD code inside the `omp simd` loops. Going through erfc keeps the
   relative accuracy for large negative x, where 1 + erf(x) would cancel. */
BFT__INLINE float bft__expf(float x)
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
BFT__INLINE float bft__erfcf(float z)
{
    float az = z < 0 ? -z : z, t = 1.0f / (1.0f + 0.5f * az), ans;
    ans = t * bft__expf(-az * az - 1.26551223f +
                        t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f +
                        t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f)))))))));
    return z >= 0 ? ans : 2.0f - ans;
}

#ifdef BFT__GEMM_X86
/* The same GELU and GELU' in AVX-512, 16 elements at a time (the portable loops above do not
   vectorise: compilers keep float compares as branches unless told that they cannot trap).
   Same formulas and constants; vscalefps does the 2^k of exp. */
__attribute__((target("avx512f"))) static __m512 bft__expf16(__m512 x)
{
    __m512 k, r, p;
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
    k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), x);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.42860682030941723e-06f), r);
    p = _mm512_fmadd_ps(_mm512_set1_ps(0.00138888635f), r, _mm512_set1_ps(0.00833345205f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.0416666418f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.166666672f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, k);
}

__attribute__((target("avx512f"))) static __m512 bft__erfcf16(__m512 z)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 az = _mm512_abs_ps(z), t, q, ans;
    t = _mm512_div_ps(one, _mm512_fmadd_ps(_mm512_set1_ps(0.5f), az, one));
    q = _mm512_fmadd_ps(t, _mm512_set1_ps(0.17087277f), _mm512_set1_ps(-0.82215223f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(1.48851587f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(-1.13520398f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(0.27886807f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(-0.18628806f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(0.09678418f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(0.37409196f));
    q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(1.00002368f));
    q = _mm512_fmsub_ps(q, t, _mm512_set1_ps(1.26551223f));
    q = _mm512_fnmadd_ps(az, az, q);
    ans = _mm512_mul_ps(t, bft__expf16(q));
    return _mm512_mask_sub_ps(ans, _mm512_cmp_ps_mask(z, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_set1_ps(2.0f), ans);
}

/* x[0:n] -> GELU (bwd == 0) or dout * GELU' (bwd == 1); n a multiple of 16. Each vector's erfc +
   exp is a long dependent chain; the iterations are independent, so many are in flight at once. */
__attribute__((target("avx512f"))) static void bft__gelu16(float *out, const float *x, const float *dout, size_t n, int bwd)
{
    const __m512 half = _mm512_set1_ps(0.5f), nrs2 = _mm512_set1_ps(-0.70710678118654752f);
    size_t i;
    for (i = 0; i < n; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512 cdf = _mm512_mul_ps(half, bft__erfcf16(_mm512_mul_ps(v, nrs2)));
        if (!bwd) {
            _mm512_storeu_ps(out + i, _mm512_mul_ps(v, cdf));
        } else {
            __m512 pdf = _mm512_mul_ps(bft__expf16(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(-0.5f), v), v)),
                                       _mm512_set1_ps(0.39894228040143268f));
            _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_loadu_ps(dout + i), _mm512_fmadd_ps(v, pdf, cdf)));
        }
    }
}
#endif

static int bft__cpu_avx512(void)
{
#ifdef BFT__GEMM_X86
    static int has = -1;
    if (has < 0) has = bft__gemm_has_avx512(); /* a benign race: every thread writes the same value */
    return has;
#else
    return 0;
#endif
}

/* GELU (bwd: dout * GELU') over x[0:n] on the calling thread: the AVX-512 path for the
   multiple-of-16 part when the CPU has it, the portable loop for the rest. */
static void bft__gelu_span(float *out, const float *x, const float *dout, size_t n, int bwd, int simd)
{
    size_t i = 0;
#ifdef BFT__GEMM_X86
    if (simd) {
        i = n & ~(size_t)15;
        bft__gelu16(out, x, dout, i, bwd);
    }
#else
    (void)simd;
#endif
    for (; i < n; i++) {
        float v = x[i], cdf = 0.5f * bft__erfcf(-v * 0.70710678118654752f);
        if (!bwd) out[i] = v * cdf;
        else out[i] = dout[i] * (cdf + v * bft__expf(-0.5f * v * v) * 0.39894228040143268f);
    }
}

/* GELU over x[0:n] in chunks that threads share. */
static void bft__gelu_run(float *out, const float *x, const float *dout, size_t n, int bwd)
{
    long long c, nch = (long long)((n + 4095) / 4096);
    int simd = bft__cpu_avx512();
    BFT__OMP(parallel for schedule(static) if (n > 32768))
    for (c = 0; c < nch; c++) {
        size_t i0 = (size_t)c * 4096, i1 = i0 + 4096 < n ? i0 + 4096 : n;
        bft__gelu_span(out + i0, x + i0, dout ? dout + i0 : NULL, i1 - i0, bwd, simd);
    }
}

static void bft__gelu_fwd(float *out, const float *x, size_t n) { bft__gelu_run(out, x, NULL, n, 0); }

/* d/dx [x Phi(x)] = Phi(x) + x phi(x); dx may alias dout. */
static void bft__gelu_bwd(float *dx, const float *x, const float *dout, size_t n) { bft__gelu_run(dx, x, dout, n, 1); }

/* What a linear layer does to its output besides the product, in this order: + bias, dropout.
   The bias is added by the micro-kernels as they write the tile (bft__gemm_ukr_fn); the dropout
   runs on each finished tile (bft__gemm_epi_fn). Both are element-wise, so each element gets the
   same operations as a separate pass would give it. GELU is not done here: with the
   intermediate width (3072 floats = 12 KiB rows) a tile's rows and the GELU input's rows all fall
   in the same L1 sets, and the fused GELU measured slower than a separate streaming pass (forward
   +4.7 ms vs +3.0 ms, backward +21 ms vs +11 ms per layer, bf16 BERT-base at 32 x 128). */
typedef struct bft__lin_epi {
    const float *bias;
    float p_drop;                 /* > 0: dropout with `key`, element index = row * ld + column */
    uint64_t key;
    size_t ld;
    int simd;
} bft__lin_epi;

static void bft__lin_epilogue(const void *ctx, float *c, size_t ldc, int r0, int c0, int mr, int nr)
{
    const bft__lin_epi *e = (const bft__lin_epi *)ctx;
    int i;
    for (i = 0; i < mr; i++, c += ldc)
        bft__dropout_span(c, (size_t)nr, e->p_drop, e->key, (size_t)(r0 + i) * e->ld + (size_t)c0, e->simd);
}

static void bft__lin_epi_init(bft__lin_epi *e, const float *bias, size_t ld)
{
    memset(e, 0, sizeof *e);
    e->bias = bias;
    e->ld = ld;
    e->simd = bft__cpu_avx512();
}

/* Row stride of a linear layer's weight of `in` input features: `in`, or padded to the next
   multiple of 16 floats whose rows spread over the L1 sets (bft_tensor_get says why). Every
   product and copy of a weight takes its stride from here. A test may clear bft__pad_rows before
   it creates a model (and keep it so while that model is used) to compare the two layouts. */
static int bft__pad_rows = 1;
static size_t bft__weight_ld(int in)
{
    size_t ld = (size_t)in;
    while (bft__pad_rows && !bft__gemm_rows_spread(ld)) ld += 16;
    return ld;
}

/* Floats a tensor takes in params, grads and the optimizer's state: its rows, t->ld apart
   (padding included). */
static size_t bft__tensor_span(const bft_tensor_info *t)
{
    return (size_t)t->shape[0] * t->ld;
}

/* Linear layer as torch.nn.Linear: out[N,OC] = x[N,IC] . W[OC,IC]^T + b[OC], then what `e` adds
   (e == NULL: the bias only). Wpk: NULL, or W packed for bf16 (bft_model_pack_bf16). */
static void bft__linear_fwd_ex(bft_precision pr, float *out, const float *x, const float *W, const float *Wpk, int N,
                               int IC, int OC, const bft__lin_epi *e)
{
    (void)bft__gemm_run_pk(pr, 0, 1, N, OC, IC, 1.0f, x, IC, W, (int)bft__weight_ld(IC), Wpk, 0.0f, out, OC, e->bias,
                           e->p_drop > 0 ? bft__lin_epilogue : NULL, e, NULL);
}

/* The bias alone, with the rows of out `ldo` floats apart and those of x `ldx` apart. */
static void bft__linear_fwd_ld(bft_precision pr, float *out, int ldo, const float *x, int ldx, const float *W,
                               const float *Wpk, const float *b, int N, int IC, int OC)
{
    (void)bft__gemm_run_pk(pr, 0, 1, N, OC, IC, 1.0f, x, ldx, W, (int)bft__weight_ld(IC), Wpk, 0.0f, out, ldo, b, NULL,
                           NULL, NULL);
}

static void bft__linear_fwd(bft_precision pr, float *out, const float *x, const float *W, const float *Wpk,
                            const float *b, int N, int IC, int OC)
{
    bft__linear_fwd_ld(pr, out, OC, x, IC, W, Wpk, b, N, IC, OC);
}

/* dx[N,IC] = dout . W (beta = 1 adds to dx, for residual branches), dW[OC,IC] += dout^T . x,
   db[OC] += column sums of dout. */
#ifdef BFT__GEMM_X86
/* db[0:nc] += sum over N rows of x[n * ld + 0:nc], nc <= 64: each column summed in row order, as
   the portable loop does */
__attribute__((target("avx512f"))) static void bft__colsum16(float *db, const float *x, int N, int ld, int nc)
{
    const __mmask16 m0 = bft__mask16(nc), m1 = bft__mask16(nc - 16), m2 = bft__mask16(nc - 32), m3 = bft__mask16(nc - 48);
    __m512 a0 = _mm512_maskz_loadu_ps(m0, db), a1 = _mm512_maskz_loadu_ps(m1, db + 16);
    __m512 a2 = _mm512_maskz_loadu_ps(m2, db + 32), a3 = _mm512_maskz_loadu_ps(m3, db + 48);
    int n;
    for (n = 0; n < N; n++, x += ld) {
        a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(m0, x));
        a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(m1, x + 16));
        a2 = _mm512_add_ps(a2, _mm512_maskz_loadu_ps(m2, x + 32));
        a3 = _mm512_add_ps(a3, _mm512_maskz_loadu_ps(m3, x + 48));
    }
    _mm512_mask_storeu_ps(db, m0, a0);
    _mm512_mask_storeu_ps(db + 16, m1, a1);
    _mm512_mask_storeu_ps(db + 32, m2, a2);
    _mm512_mask_storeu_ps(db + 48, m3, a3);
}
#endif

/* The weight part alone, with the rows of dout `ldo` floats apart and those of x `ldx` apart. */
static void bft__linear_bwd_weights(bft_precision pr, float *dW, float *db, const float *dout, int ldo, const float *x,
                                    int ldx, int N, int IC, int OC)
{
    const int ldw = (int)bft__weight_ld(IC);
    int c0, simd = bft__cpu_avx512();
    (void)simd;
    /* db, while the dW product packs dout^T, when it can; else a pass of its own */
    if (bft__gemm_run(pr, 1, 0, OC, IC, N, 1.0f, dout, ldo, x, ldx, 1.0f, dW, ldw, NULL, NULL, NULL, db)) return;
    /* column sums in blocks of 64 columns (a cache line per row for each 16) */
    BFT__OMP(parallel for schedule(static) if ((size_t)N * OC > 65536))
    for (c0 = 0; c0 < OC; c0 += 64) {
        int c1 = c0 + 64 < OC ? c0 + 64 : OC, n, c;
#ifdef BFT__GEMM_X86
        if (simd) {
            bft__colsum16(db + c0, dout + c0, N, ldo, c1 - c0);
            continue;
        }
#endif
        for (n = 0; n < N; n++)
            for (c = c0; c < c1; c++) db[c] += dout[(size_t)n * ldo + c];
    }
}

/* The input part alone: dx = dout . W + dx_beta * dx. */
static void bft__linear_bwd_input(bft_precision pr, float *dx, float dx_beta, const float *dout, const float *W, int N,
                                  int IC, int OC)
{
    bft_gemm(pr, 0, 0, N, IC, OC, 1.0f, dout, OC, W, (int)bft__weight_ld(IC), dx_beta, dx, IC);
}

static void bft__linear_bwd(bft_precision pr, float *dx, float dx_beta, float *dW, float *db, const float *dout,
                            const float *x, const float *W, int N, int IC, int OC)
{
    if (dx) bft__linear_bwd_input(pr, dx, dx_beta, dout, W, N, IC, OC);
    bft__linear_bwd_weights(pr, dW, db, dout, OC, x, IC, N, IC, OC);
}

/* Softmax of one score row over the keys with mask[j] != 0 (mask NULL: all keys), masked keys
   0; at least one key must be valid. And its backward, d <- p * (d - sum(p * d)). The portable
   loops keep a float compare and a serial sum, which compilers do not vectorise; these run 16
   keys at a time (same exp; only the order of the sums differs). */
#ifdef BFT__GEMM_X86
__attribute__((target("avx512f"))) static void bft__softmax_row16(float *s, const int32_t *mask, int T)
{
    __m512 vmax = _mm512_set1_ps(-FLT_MAX), vsum = _mm512_setzero_ps(), inv;
    int j;
    for (j = 0; j < T; j += 16) {
        const __mmask16 lm = bft__mask16(T - j);
        const __mmask16 ok = mask ? _mm512_mask_cmpneq_epi32_mask(lm, _mm512_maskz_loadu_epi32(lm, mask + j),
                                                                  _mm512_setzero_si512()) : lm;
        vmax = _mm512_mask_max_ps(vmax, ok, vmax, _mm512_maskz_loadu_ps(lm, s + j));
    }
    vmax = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    for (j = 0; j < T; j += 16) {
        const __mmask16 lm = bft__mask16(T - j);
        const __mmask16 ok = mask ? _mm512_mask_cmpneq_epi32_mask(lm, _mm512_maskz_loadu_epi32(lm, mask + j),
                                                                  _mm512_setzero_si512()) : lm;
        __m512 e = _mm512_maskz_mov_ps(ok, bft__expf16(_mm512_sub_ps(_mm512_maskz_loadu_ps(lm, s + j), vmax)));
        _mm512_mask_storeu_ps(s + j, lm, e);
        vsum = _mm512_add_ps(vsum, e);
    }
    inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vsum));
    for (j = 0; j < T; j += 16) {
        const __mmask16 lm = bft__mask16(T - j);
        _mm512_mask_storeu_ps(s + j, lm, _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, s + j), inv));
    }
}

__attribute__((target("avx512f"))) static void bft__softmax_bwd_row16(float *d, const float *p, int T)
{
    __m512 acc = _mm512_setzero_ps(), dot;
    int j;
    for (j = 0; j < T; j += 16) {
        const __mmask16 lm = bft__mask16(T - j);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(lm, p + j), _mm512_maskz_loadu_ps(lm, d + j), acc);
    }
    dot = _mm512_set1_ps(_mm512_reduce_add_ps(acc));
    for (j = 0; j < T; j += 16) {
        const __mmask16 lm = bft__mask16(T - j);
        const __m512 pv = _mm512_maskz_loadu_ps(lm, p + j);
        _mm512_mask_storeu_ps(d + j, lm, _mm512_mul_ps(pv, _mm512_sub_ps(_mm512_maskz_loadu_ps(lm, d + j), dot)));
    }
}
#endif

static void bft__softmax_row(float *s, const int32_t *mask, int T, int simd)
{
    float mx = -FLT_MAX, sum = 0.0f, inv;
    int j;
#ifdef BFT__GEMM_X86
    if (simd) { bft__softmax_row16(s, mask, T); return; }
#else
    (void)simd;
#endif
    for (j = 0; j < T; j++)
        if (!mask || mask[j]) mx = s[j] > mx ? s[j] : mx;
    for (j = 0; j < T; j++) {
        float e = bft__expf(s[j] - mx);
        s[j] = !mask || mask[j] ? e : 0.0f;
        sum += s[j];
    }
    inv = 1.0f / sum;
    for (j = 0; j < T; j++) s[j] *= inv;
}

static void bft__softmax_bwd_row(float *d, const float *p, int T, int simd)
{
    float dot = 0.0f;
    int j;
#ifdef BFT__GEMM_X86
    if (simd) { bft__softmax_bwd_row16(d, p, T); return; }
#else
    (void)simd;
#endif
    for (j = 0; j < T; j++) dot += p[j] * d[j];
    for (j = 0; j < T; j++) d[j] = p[j] * (d[j] - dot);
}

/* Self-attention for one (batch, head) pair. Q, K, V: [T, D] rows with stride `ld` (they live
   inside the fused qkv buffer [N, 3C]); probs: [Tq, T] softmax output before dropout; ctx:
   [Tq, D] rows with stride ldc. Only the first Tq query rows are computed (Tq = T, or 1 where
   only [CLS] is read on: see bft_forward); their dropout indices are those of the full [T, T]
   block (doff + i * T + j), so the masks do not depend on Tq. Keys where mask == 0 get
   probability 0, which is what HF's additive finfo(float32).min does (exp underflows to exactly
   0); a row with no valid key becomes uniform, as HF's does because every score then rounds to
   the same value. */
static void bft__attention_fwd_one(bft_precision pr, float *ctx, int ldc, float *probs, float *pd, const float *Q, const float *K,
                                   const float *V, int ld, const int32_t *mask, uint64_t dkey, size_t doff,
                                   float p_drop, int Tq, int T, int D)
{
    int i, j, any = 0, simd = bft__cpu_avx512();
    float scale = 1.0f / sqrtf((float)D);
    bft_gemm(pr, 0, 1, Tq, T, D, scale, Q, ld, K, ld, 0.0f, probs, T);
    for (j = 0; j < T; j++) any |= !mask || mask[j];
    for (i = 0; i < Tq; i++) {
        float *s = probs + (size_t)i * T;
        if (!any) { /* no valid key: uniform, as HF's finfo.min mask gives */
            for (j = 0; j < T; j++) s[j] = 1.0f / (float)T;
            continue;
        }
        bft__softmax_row(s, mask, T, simd);
    }
    if (p_drop > 0) /* pd = dropout(probs), into a scratch buffer: backward needs probs itself */
        bft__dropout_span_to(pd, probs, (size_t)Tq * T, p_drop, dkey, doff, simd);
    else pd = probs;
    bft_gemm(pr, 0, 0, Tq, D, T, 1.0f, pd, T, V, ld, 0.0f, ctx, ldc);
}

/* Backward of one (batch, head). With P the probs, Pd = dropout(P), S the scaled scores:
   dPd = dctx . V^T, dV = Pd^T . dctx, dP = dropout'(dPd),
   dS = P * (dP - rowsum(P * dP))   (softmax Jacobian), dQ = scale dS . K, dK = scale dS^T . Q.
   Masked keys have P = 0, so they receive no gradient. Writes dQ, dK, dV (stride ld). With
   Tq < T only the first Tq query rows had a gradient: dK and dV are what the full block gives
   when the other rows of dctx are 0 (their terms are exact zeros), and dQ's other rows are 0. */
static void bft__attention_bwd_one(bft_precision pr, float *dQ, float *dK, float *dV, const float *dctx, int ldc,
                                   const float *probs, float *pd, float *dp, const float *Q, const float *K,
                                   const float *V, int ld, uint64_t dkey, size_t doff, float p_drop, int Tq, int T, int D)
{
    int i, simd = bft__cpu_avx512();
    float scale = 1.0f / sqrtf((float)D);
    if (p_drop > 0) bft__dropout_span_to(pd, probs, (size_t)Tq * T, p_drop, dkey, doff, simd);
    else pd = (float *)probs;
    bft_gemm(pr, 0, 1, Tq, T, D, 1.0f, dctx, ldc, V, ld, 0.0f, dp, T);
    bft_gemm(pr, 1, 0, T, D, Tq, 1.0f, pd, T, dctx, ldc, 0.0f, dV, ld);
    if (p_drop > 0) bft__dropout_span(dp, (size_t)Tq * T, p_drop, dkey, doff, simd);
    for (i = 0; i < Tq; i++) bft__softmax_bwd_row(dp + (size_t)i * T, probs + (size_t)i * T, T, simd);
    bft_gemm(pr, 0, 0, Tq, D, T, scale, dp, T, K, ld, 0.0f, dQ, ld);
    bft_gemm(pr, 1, 0, T, D, Tq, scale, dp, T, Q, ld, 0.0f, dK, ld);
    for (i = Tq; i < T; i++) memset(dQ + (size_t)i * ld, 0, (size_t)D * sizeof(float));
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
                /* the matrices outside the embeddings are the linear layers' weights */
                t->ld = t->ndim == 2 && !strstr(d->name, "embeddings.") ? bft__weight_ld((int)t->shape[1]) : (size_t)t->shape[1];
                /* HF: no weight decay for biases and LayerNorm weights */
                t->weight_decay = strstr(t->name, "bias") == NULL && strstr(t->name, "LayerNorm") == NULL;
                off += bft__tensor_span(t);
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
    const size_t cols = (size_t)t->shape[1];
    float *p = m->params + t->offset;
    size_t i, r;
    for (r = 0; r < (size_t)t->shape[0]; r++, p += t->ld) /* row-major over the values: torch's draw order */
        switch (d->init) {
        case BFT__INIT_ZERO: memset(p, 0, cols * sizeof(float)); break;
        case BFT__INIT_ONE: for (i = 0; i < cols; i++) p[i] = 1.0f; break;
        default:
            for (i = 0; i < cols; i++) p[i] = (float)(bft__rng_normal(rng) * m->config.initializer_range);
            if (d->init == BFT__INIT_EMB_PAD && r == (size_t)m->config.pad_token_id) memset(p, 0, cols * sizeof(float));
        }
}

BERTFT_DEF size_t bft_model_count_params(const bft_model *m)
{
    size_t n = 0;
    int k;
    for (k = 0; k < m->num_tensors; k++) n += m->tensors[k].numel;
    return n;
}

BERTFT_DEF void bft_tensor_get(const bft_tensor_info *t, const float *base, float *dst)
{
    const size_t cols = (size_t)t->shape[1];
    size_t r;
    base += t->offset;
    for (r = 0; r < (size_t)t->shape[0]; r++) memcpy(dst + r * cols, base + r * t->ld, cols * sizeof(float));
}

BERTFT_DEF void bft_tensor_set(const bft_tensor_info *t, float *base, const float *src)
{
    const size_t cols = (size_t)t->shape[1];
    size_t r;
    base += t->offset;
    for (r = 0; r < (size_t)t->shape[0]; r++) memcpy(base + r * t->ld, src + r * cols, cols * sizeof(float));
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
    if (!(m->params = bft__alloc64(m->num_params, 1))) goto oom; /* zero: the rows' padding stays 0 */
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
    int keep;                          /* training: every layer's activations are kept for backward */
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
    float *inter_act;                  /* [N, I] GELU output: in fp32, one buffer for all layers,
                                          recomputed in backward (saves L x N x I floats); in bf16
                                          training, L of them (act_kept): see bft__acts_prepare */
    int act_kept;
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
        *ln2_mean, *ln2_rstd, *out, *inter_act;
} bft__lacts;

static bft__lacts bft__layer_acts(const bft_acts *a, const bft_config *c, int l)
{
    bft__lacts v;
    size_t N = (size_t)a->B * a->T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t P = (size_t)a->B * c->num_attention_heads * a->T * a->T, ul = a->keep ? (size_t)l : 0;
    /* inference keeps nothing for backward: one set of layer buffers, two hidden states in turn */
    v.x = a->hidden + (a->keep ? ul : (size_t)(l % 2)) * N * C;
    v.out = a->hidden + (a->keep ? ul + 1 : (size_t)((l + 1) % 2)) * N * C;
    v.qkv = a->qkv + ul * N * 3 * C;
    v.probs = a->probs + ul * P;
    v.ctx = a->ctx + ul * N * C;
    v.ln1_in = a->ln1_in + ul * N * C;
    v.ln1_mean = a->ln1_mean + ul * N;
    v.ln1_rstd = a->ln1_rstd + ul * N;
    v.ln1_out = a->ln1_out + ul * N * C;
    v.inter_pre = a->inter_pre + ul * N * I;
    v.inter_act = a->inter_act + (a->act_kept ? (size_t)l : 0) * N * I;
    v.ln2_in = a->ln2_in + ul * N * C;
    v.ln2_mean = a->ln2_mean + ul * N;
    v.ln2_rstd = a->ln2_rstd + ul * N;
    return v;
}

/* Lay the arrays out in the arena (a == NULL: only count the floats needed). */
static size_t bft__acts_layout(bft_acts *a, const bft_config *c, int B, int T, int threads, int keep, int act_kept)
{
    size_t N = (size_t)B * T, C = (size_t)c->hidden_size, I = (size_t)c->intermediate_size;
    size_t L = keep ? (size_t)c->num_hidden_layers : 1, NL = (size_t)c->num_labels;
    size_t G = keep ? 1 : 0; /* gradient scratch only when training */
    size_t P = (size_t)B * c->num_attention_heads * T * T;
    size_t f = 0;
    /* each array starts on a 64-byte boundary (the arena does, see bft__alloc64): an AVX-512
       load or store of a misaligned row touches two cache lines (up to 5% of a matrix product's
       time, measured) */
    float *fb = a ? a->mem : NULL;
#define BFT__F(ptr, n) do { if (fb) a->ptr = fb + f; f += (n); f = (f + 15) & ~(size_t)15; } while (0)
#define BFT__I(ptr, n) do { if (fb) a->ptr = (int32_t *)(void *)(fb + f); f += (n); f = (f + 15) & ~(size_t)15; } while (0)
    BFT__I(ids, N); BFT__I(types, N); BFT__I(mask, N);
    BFT__F(labels, B);
    BFT__F(emb_in, N * C); BFT__F(emb_mean, N); BFT__F(emb_rstd, N);
    BFT__F(hidden, (keep ? L + 1 : 2) * N * C);
    BFT__F(qkv, L * N * 3 * C);
    BFT__F(probs, L * P);
    BFT__F(ctx, L * N * C);
    BFT__F(ln1_in, L * N * C); BFT__F(ln1_mean, L * N); BFT__F(ln1_rstd, L * N); BFT__F(ln1_out, L * N * C);
    BFT__F(inter_pre, L * N * I); BFT__F(inter_act, (act_kept ? L : 1) * N * I);
    BFT__F(ln2_in, L * N * C); BFT__F(ln2_mean, L * N); BFT__F(ln2_rstd, L * N);
    BFT__F(pool_in, B * C); BFT__F(pooled, B * C); BFT__F(cls_in, B * C);
    BFT__F(logits, B * NL); BFT__F(dlogits, B * NL);
    BFT__F(dcls, G * B * C); BFT__F(dpool, G * B * C);
    BFT__F(dh, G * N * C); BFT__F(dt1, G * N * C); BFT__F(dt2, G * N * C); BFT__F(dqkv, G * N * 3 * C);
    BFT__F(dinter, G * N * I);
    BFT__F(dscratch, (size_t)threads * 3 * T * T);
#undef BFT__F
#undef BFT__I
    return f;
}

/* The GELU outputs of every layer are kept for backward in bf16 training only. Recomputing them
   took about 3% of a bf16 BERT-base step (2.82 against 2.74 s at 32 x 128); keeping them costs
   L x N x I floats (600 MB there), which fp32 training's peak RSS target (4.4 GB, the speed
   issue) has no room for. */
static bft_result bft__acts_prepare(bft_model *m, int B, int T, int keep)
{
    bft_acts *a = m->acts;
    size_t nf;
    int threads = bft_get_num_threads(), L = m->config.num_hidden_layers;
    int act_kept = keep && m->precision == BFT_BF16;
    if (!a) {
        if (!(a = m->acts = BFT__NEW(bft_acts, 1))) return bft__fail(BFT_ERR_OOM, "out of memory");
    }
    if (!a->drop_keys) {
        if (!(a->drop_keys = BFT__NEW(uint64_t, 2 + 3 * L))) return bft__fail(BFT_ERR_OOM, "out of memory");
    }
    nf = bft__acts_layout(NULL, &m->config, B, T, threads, keep, act_kept);
    if (nf > a->cap) {
        /* grow-only: the largest batch so far sets the size, later batches reuse it; nothing in
           it outlives a forward, so nothing is copied over */
        bft__free64(a->mem);
        a->cap = 0;
        if (!(a->mem = bft__alloc64(nf, 0)))
            return bft__fail(BFT_ERR_OOM, "out of memory for activations (batch %d x %d: %.1f MB)", B, T, nf * 4.0 / 1e6);
        a->cap = nf;
    }
    a->B = B;
    a->T = T;
    a->keep = keep;
    a->scratch_threads = threads;
    a->act_kept = act_kept;
    bft__acts_layout(a, &m->config, B, T, threads, keep, act_kept);
    return BFT_OK;
}

/* 1: the last layer carries on past its attention with the [CLS] rows only (bft_forward). The
   other rows of its output are never read, so this changes no result: the logits are bitwise
   the same, and so are the gradients except the sums over rows of that layer's dense and
   LayerNorm gradients, which no longer add the other rows' exact zeros (rounding order only).
   0 runs the full layer; tests compare the two. */
static int bft__cls_only = 1;

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

/* ---- bf16 weights packed once (bft_model_pack_bf16) ---- */
struct bft_wpack {
    const bft__gemm_kernel_info *kn; /* the kernel it was packed for (a forced kernel may change) */
    int n;
    const float **w;              /* the fp32 weights, [n] */
    float **pk;                   /* their packed copies, [n], in mem */
    float *mem;
};

/* The linear layers' weights: [out, in] each. */
static int bft__linear_weights(const bft_model *m, const float **w, int *out, int *in)
{
    const int C = m->config.hidden_size, I = m->config.intermediate_size, L = m->config.num_hidden_layers;
    int l, n = 0;
    for (l = 0; l < L; l++) {
        const bft_layer *y = &m->p.layers[l];
        w[n] = y->q_w; out[n] = 3 * C; in[n++] = C;
        w[n] = y->ao_w; out[n] = C; in[n++] = C;
        w[n] = y->i_w; out[n] = I; in[n++] = C;
        w[n] = y->o_w; out[n] = C; in[n++] = I;
    }
    w[n] = m->p.pool_w; out[n] = C; in[n++] = C;
    w[n] = m->p.cls_w; out[n] = m->config.num_labels; in[n++] = C;
    return n;
}

BERTFT_DEF void bft_model_unpack_bf16(bft_model *m)
{
    if (!m || !m->wpack) return;
    bft__free64(m->wpack->mem);
    bft_free(m->wpack);
    m->wpack = NULL;
}

BERTFT_DEF bft_result bft_model_pack_bf16(bft_model *m)
{
    const int nw = 4 * m->config.num_hidden_layers + 2;
    bft_wpack *wp;
    const float **w;
    int *out, *in, k;
    size_t total = 0, off = 0;
    bft_model_unpack_bf16(m);
    if (!bft_gemm_native_bf16()) return BFT_OK;
    /* one block: the struct, then the pointer arrays, then the shapes */
    wp = (bft_wpack *)bft__calloc(1, sizeof *wp + (size_t)nw * (2 * sizeof(float *) + 2 * sizeof(int)));
    if (!wp) return bft__fail(BFT_ERR_OOM, "out of memory packing the weights as bf16");
    wp->w = w = (const float **)(void *)(wp + 1);
    wp->pk = (float **)(void *)(w + nw);
    out = (int *)(void *)(wp->pk + nw);
    in = out + nw;
    wp->n = bft__linear_weights(m, w, out, in);
    for (k = 0; k < wp->n; k++) total += (bft__gemm_pk_size(out[k], in[k]) + 15) & ~(size_t)15;
    if (!(wp->mem = bft__alloc64(total, 0))) {
        bft_free(wp);
        return bft__fail(BFT_ERR_OOM, "out of memory packing the weights as bf16 (%.0f MB)", (double)total * 4 / 1e6);
    }
    for (k = 0; k < wp->n; k++) { /* bft_gemm_native_bf16(): the bf16-pair kernel runs, so each packs */
        wp->pk[k] = wp->mem + off;
        off += (bft__gemm_pk_size(out[k], in[k]) + 15) & ~(size_t)15;
        (void)bft__gemm_pk_pack(1, out[k], in[k], w[k], bft__weight_ld(in[k]), wp->pk[k]);
    }
    wp->kn = bft__gemm_active(BFT_BF16);
    m->wpack = wp;
    return BFT_OK;
}

/* W's packed copy for a BFT_BF16 product, or NULL. */
static const float *bft__wpk(const bft_model *m, const float *W)
{
    int k;
    if (!m->wpack || m->precision != BFT_BF16 || bft__gemm_active(BFT_BF16) != m->wpack->kn) return NULL;
    for (k = 0; k < m->wpack->n; k++)
        if (m->wpack->w[k] == W) return m->wpack->pk[k];
    return NULL;
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
    if ((r = bft__acts_prepare(m, B, T, training)) != BFT_OK) return r;
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
        bft__lin_epi e;
        uint64_t *lk = keys + 2 + 3 * l;
        float pa_l;
        /* The head reads only [CLS] (t = 0) of the last layer's output, and everything after the
           attention is row-wise: there only the B [CLS] rows go on (R rows, stored compactly),
           attending over all keys. Their dropout indices stay those of the full layout (row
           stride T * C). */
        const int cls = l == L - 1 && bft__cls_only, R = cls ? B : N, Tq = cls ? 1 : T;
        const size_t rs = cls ? (size_t)T * C : (size_t)C;
        const float *res = v.x;
        /* q, k, v in one GEMM: the three weight matrices are adjacent, [3C, C]. In the [CLS]-only
           layer every row's k and v, but only the [CLS] rows' q (the only queries left): 2/3 of
           the product (the other rows of q are never read). Bitwise the same values: each
           element's sum over C is the same whatever the rows and columns around it. Weights
           packed for bf16 inference keep the one product (their packed copy is for [3C, C]). */
        if (cls && !bft__wpk(m, w->q_w)) {
            bft__linear_fwd_ld(m->precision, v.qkv + C, 3 * C, v.x, C, w->k_w, NULL, w->k_b, N, C, 2 * C);
            bft__linear_fwd_ld(m->precision, v.qkv, T * 3 * C, v.x, T * C, w->q_w, NULL, w->q_b, B, C, C);
        } else
            bft__linear_fwd(m->precision, v.qkv, v.x, w->q_w, bft__wpk(m, w->q_w), w->q_b, N, C, 3 * C);
        pa_l = bft__drop_key(m, pa, &lk[0]) ? pa : 0.0f;
        BFT__OMP(parallel for schedule(dynamic) if ((size_t)B * H * Tq * T * D > 262144))
        for (bh = 0; bh < B * H; bh++) {
            int bi = bh / H, h = bh % H;
            const float *q = v.qkv + (size_t)bi * T * 3 * C + (size_t)h * D;
            float *pd = a->dscratch + (size_t)bft__thread_id() * 3 * T * T;
            bft__attention_fwd_one(m->precision, v.ctx + (size_t)bi * Tq * C + (size_t)h * D, C,
                                   v.probs + (size_t)bh * Tq * T, pd, q, q + C, q + 2 * C, 3 * C,
                                   a->mask + (size_t)bi * T, lk[0], (size_t)bh * T * T, pa_l, Tq, T, D);
        }
        if (cls) { /* the residual's [CLS] rows, gathered where the layer's output goes last */
            for (n = 0; n < B; n++) memcpy(v.out + (size_t)n * C, v.x + (size_t)n * T * C, (size_t)C * sizeof(float));
            res = v.out;
        }
        /* attention output: dense -> dropout -> + residual -> LayerNorm */
        bft__lin_epi_init(&e, w->ao_b, rs);
        if (bft__drop_key(m, ph, &lk[1])) { e.p_drop = ph; e.key = lk[1]; }
        bft__linear_fwd_ex(m->precision, v.ln1_in, v.ctx, w->ao_w, bft__wpk(m, w->ao_w), R, C, C, &e);
        bft__layernorm_fwd(v.ln1_out, v.ln1_mean, v.ln1_rstd, v.ln1_in, res, w->ln1_w, w->ln1_b, R, C, c->layer_norm_eps);
        /* feed-forward: dense -> GELU -> dense -> dropout -> + residual -> LayerNorm */
        bft__linear_fwd(m->precision, v.inter_pre, v.ln1_out, w->i_w, bft__wpk(m, w->i_w), w->i_b, R, C, I);
        bft__gelu_fwd(v.inter_act, v.inter_pre, (size_t)R * I);
        bft__lin_epi_init(&e, w->o_b, rs);
        if (bft__drop_key(m, ph, &lk[2])) { e.p_drop = ph; e.key = lk[2]; }
        bft__linear_fwd_ex(m->precision, v.ln2_in, v.inter_act, w->o_w, bft__wpk(m, w->o_w), R, I, C, &e);
        bft__layernorm_fwd(v.out, v.ln2_mean, v.ln2_rstd, v.ln2_in, v.ln1_out, w->ln2_w, w->ln2_b, R, C, c->layer_norm_eps);
    }

    /* pooler: tanh(dense(hidden of [CLS])), then dropout -> classifier */
    {
        const float *last = a->hidden + (size_t)(a->keep ? L : L % 2) * N * C;
        const size_t stride = L > 0 && bft__cls_only ? (size_t)C : (size_t)T * C; /* compact [CLS] rows, or every token's */
        for (n = 0; n < B; n++) memcpy(a->pool_in + (size_t)n * C, last + (size_t)n * stride, (size_t)C * sizeof(float));
        bft__linear_fwd(m->precision, a->pooled, a->pool_in, m->p.pool_w, bft__wpk(m, m->p.pool_w), m->p.pool_b, B, C, C);
        for (n = 0; n < B * C; n++) a->pooled[n] = tanhf(a->pooled[n]);
        memcpy(a->cls_in, a->pooled, (size_t)B * C * sizeof(float));
        if (bft__drop_key(m, pc, &keys[1])) bft__dropout(a->cls_in, (size_t)B * C, pc, keys[1], 0);
        bft__linear_fwd(m->precision, a->logits, a->cls_in, m->p.cls_w, bft__wpk(m, m->p.cls_w), m->p.cls_b, B, C, NL);
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
        if (!(m->grads = bft__alloc64(m->num_params, 1)))
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
    bft__linear_bwd(m->precision, a->dcls, 0.0f, m->g.cls_w, m->g.cls_b, a->dlogits, a->cls_in, m->p.cls_w, B, C, NL);
    if (drop && pc > 0) bft__dropout(a->dcls, (size_t)B * C, pc, a->drop_keys[1], 0);
    for (n = 0; n < B * C; n++) a->dcls[n] *= 1.0f - a->pooled[n] * a->pooled[n];
    bft__linear_bwd(m->precision, a->dpool, 0.0f, m->g.pool_w, m->g.pool_b, a->dcls, a->pool_in, m->p.pool_w, B, C, C);
    /* the pooler read hidden[L] at t = 0; every other position gets no gradient from the head
       (with bft__cls_only the last layer's rows are the B [CLS] rows, compact) */
    if (L > 0 && bft__cls_only) memcpy(dh, a->dpool, (size_t)B * C * sizeof(float));
    else {
        memset(dh, 0, (size_t)N * C * sizeof(float));
        for (n = 0; n < B; n++) memcpy(dh + (size_t)n * T * C, a->dpool + (size_t)n * C, (size_t)C * sizeof(float));
    }
    /* the LayerNorms' scratch is dqkv: free at each of them (the attention backward fills it
       later in the layer) */
    BERTFT_ASSERT(bft__ln_part_floats(N, C) <= (size_t)N * 3 * C);

    for (l = L - 1; l >= 0; l--) {
        const bft_layer *w = &m->p.layers[l];
        bft_layer *g = &m->g.layers[l];
        bft__lacts v = bft__layer_acts(a, c, l);
        const int cls = l == L - 1 && bft__cls_only, R = cls ? B : N, Tq = cls ? 1 : T;
        const size_t rs = cls ? (size_t)T * C : (size_t)C;
        float *swap;
        const float *dout;
        /* output LayerNorm; its input was ffn(ln1_out) + ln1_out. t1 = d(ln2_in) is both the
           residual's gradient and (through the dropout, into t2 when there is one) the FFN's */
        bft__layernorm_bwd(t1, g->ln2_w, g->ln2_b, dh, v.ln2_in, v.ln2_mean, v.ln2_rstd, w->ln2_w, R, C, a->dqkv);
        dout = t1;
        if (drop && ph > 0) {
            bft__dropout_rows_to(t2, t1, R, C, rs, ph, a->drop_keys[2 + 3 * l + 2]);
            dout = t2;
        }
        if (!a->act_kept) bft__gelu_fwd(v.inter_act, v.inter_pre, (size_t)R * I);
        bft__linear_bwd(m->precision, a->dinter, 0.0f, g->o_w, g->o_b, dout, v.inter_act, w->o_w, R, I, C);
        bft__gelu_bwd(a->dinter, v.inter_pre, a->dinter, (size_t)R * I);
        /* d(ln1_out) = residual (t1) + intermediate branch, added into t1 */
        bft__linear_bwd(m->precision, t1, 1.0f, g->i_w, g->i_b, a->dinter, v.ln1_out, w->i_w, R, C, I);
        /* attention output LayerNorm; its input was dropout(dense(ctx)) + x. t2 = d(ln1_in):
           the residual's gradient, and the attention output's (dropped into t1) */
        bft__layernorm_bwd(t2, g->ln1_w, g->ln1_b, t1, v.ln1_in, v.ln1_mean, v.ln1_rstd, w->ln1_w, R, C, a->dqkv);
        dout = t2;
        if (drop && ph > 0) {
            bft__dropout_rows_to(t1, t2, R, C, rs, ph, a->drop_keys[2 + 3 * l + 1]);
            dout = t1;
        }
        bft__linear_bwd(m->precision, dh /* d(ctx) */, 0.0f, g->ao_w, g->ao_b, dout, v.ctx, w->ao_w, R, C, C);
        BFT__OMP(parallel for schedule(dynamic) if ((size_t)B * H * Tq * T * D > 262144))
        for (bh = 0; bh < B * H; bh++) {
            int bi = bh / H, h = bh % H;
            size_t qo = (size_t)bi * T * 3 * C + (size_t)h * D;
            float *scr = a->dscratch + (size_t)bft__thread_id() * 3 * T * T;
            bft__attention_bwd_one(m->precision, a->dqkv + qo, a->dqkv + qo + C, a->dqkv + qo + 2 * C,
                                   dh + (size_t)bi * Tq * C + (size_t)h * D, C, v.probs + (size_t)bh * Tq * T,
                                   scr, scr + (size_t)T * T, v.qkv + qo, v.qkv + qo + C, v.qkv + qo + 2 * C, 3 * C,
                                   a->drop_keys[2 + 3 * l], (size_t)bh * T * T, drop ? pa : 0.0f, Tq, T, D);
        }
        if (cls) { /* the residual's gradient, nonzero at the [CLS] rows only, spread out to [N, C] */
            memset(dh, 0, (size_t)N * C * sizeof(float));
            for (n = 0; n < B; n++) memcpy(dh + (size_t)n * T * C, t2 + (size_t)n * C, (size_t)C * sizeof(float));
            swap = dh; dh = t2; t2 = swap;
        }
        /* d(x) = residual (t2) + the q/k/v branch, through the fused [3C, C] weight. In the
           [CLS]-only layer only the [CLS] rows have a q gradient (the other rows' are zeros):
           the query weight's gradient sums those B rows, the key and value ones every row. */
        if (cls) {
            bft__linear_bwd_input(m->precision, t2, 1.0f, a->dqkv, w->q_w, N, C, 3 * C);
            bft__linear_bwd_weights(m->precision, g->k_w, g->k_b, a->dqkv + C, 3 * C, v.x, C, N, C, 2 * C);
            bft__linear_bwd_weights(m->precision, g->q_w, g->q_b, a->dqkv, T * 3 * C, v.x, T * C, B, C, C);
        } else
            bft__linear_bwd(m->precision, t2, 1.0f, g->q_w, g->q_b, a->dqkv, v.x, w->q_w, N, C, 3 * C);
        swap = dh; dh = t2; t2 = swap;
    }

    /* embeddings: dropout, LayerNorm, scatter into the tables */
    if (drop && ph > 0) bft__dropout(dh, (size_t)N * C, ph, a->drop_keys[0], 0);
    bft__layernorm_bwd(t1, m->g.emb_ln_w, m->g.emb_ln_b, dh, a->emb_in, a->emb_mean, a->emb_rstd, m->p.emb_ln_w, N, C,
                       a->dqkv);
    bft__embed_bwd(m->g.word_emb, m->g.pos_emb, m->g.type_emb, t1, a->ids, a->types, B, T, C, c->pad_token_id);
    m->has_loss = 0; /* activations were overwritten as scratch: one backward per forward */
    return BFT_OK;
}

BERTFT_DEF bft_result bft_clip_grad_norm_coef(bft_model *m, float max_norm, float *total_norm, float *coef)
{
    double s = 0;
    float norm, c;
    *coef = 1.0f;
    if (!m->grads) { if (total_norm) *total_norm = 0; return BFT_OK; }
    /* fixed-size chunks summed in order: the same result for any thread count */
    {
        long long chunk = 1 << 16, nch = (long long)((m->num_params + (size_t)chunk - 1) / (size_t)chunk), k;
        double *part = (double *)bft__malloc((size_t)nch * sizeof(double));
        if (!part) return bft__fail(BFT_ERR_OOM, "out of memory");
        BFT__OMP(parallel for schedule(static) if (nch > 1))
        for (k = 0; k < nch; k++) {
            size_t a0 = (size_t)k * (size_t)chunk, a1 = a0 + (size_t)chunk < m->num_params ? a0 + (size_t)chunk : m->num_params, j;
            const float *g = m->grads;
            /* 8 sums side by side: one running sum is a chain of dependent adds (4 cycles each),
               which made this pass 5x slower than reading the gradients. Squares of floats are
               exact in double, so only the order of the additions differs. */
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (j = a0; j + 8 <= a1; j += 8) {
                s0 += (double)g[j] * g[j]; s1 += (double)g[j + 1] * g[j + 1];
                s2 += (double)g[j + 2] * g[j + 2]; s3 += (double)g[j + 3] * g[j + 3];
                s4 += (double)g[j + 4] * g[j + 4]; s5 += (double)g[j + 5] * g[j + 5];
                s6 += (double)g[j + 6] * g[j + 6]; s7 += (double)g[j + 7] * g[j + 7];
            }
            for (; j < a1; j++) s0 += (double)g[j] * g[j];
            part[k] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        for (k = 0; k < nch; k++) s += part[k];
        bft_free(part);
    }
    norm = (float)sqrt(s);
    if (total_norm) *total_norm = norm;
    if (norm != norm || norm > FLT_MAX)
        return bft__fail(BFT_ERR_NUMERIC, "gradient norm is %s", norm != norm ? "NaN" : "infinite");
    /* torch: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1 */
    c = max_norm / (norm + 1e-6f);
    if (c < 1.0f) *coef = c;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_clip_grad_norm(bft_model *m, float max_norm, float *total_norm)
{
    float coef;
    bft_result r = bft_clip_grad_norm_coef(m, max_norm, total_norm, &coef);
    if (r == BFT_OK && coef < 1.0f) {
        long long n = (long long)m->num_params, j;
        BFT__OMP(parallel for schedule(static) if (n > 65536))
        for (j = 0; j < n; j++) m->grads[j] *= coef;
    }
    return r;
}

BERTFT_DEF void bft_model_free(bft_model *m)
{
    if (!m) return;
    bft_config_free(&m->config);
    bft__free64(m->params);
    bft__free64(m->grads);
    bft_free(m->tensors);
    bft_free(m->p.layers);
    bft_free(m->g.layers);
    bft_free(m->load_report);
    bft_model_unpack_bf16(m);
    if (m->acts) {
        bft__free64(m->acts->mem);
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
    o->m = bft__alloc64(o->n, 1);
    o->v = bft__alloc64(o->n, 1);
    if (!o->m || !o->v) {
        bft_adamw_free(o);
        return bft__fail(BFT_ERR_OOM, "out of memory for AdamW state (%.1f MB)", m->num_params * 8.0 / 1e6);
    }
    return BFT_OK;
}

/* torch.optim.AdamW (1.13, single-tensor path), per element:
   p *= 1 - lr*wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). */
#ifdef BFT__GEMM_X86
/* The loop of bft_adamw_step in AVX-512: the same operations in the same order, no FMA (sqrt
   and division are correctly rounded in both), so the same bits. */
__attribute__((target("avx512f")))
static void bft__adamw16(float *p, const float *g, float *mm, float *vv, int n, float gs, float decay, float b1,
                         float b2, float eps, float step_size, float bc2s)
{
    const __m512 vd = _mm512_set1_ps(decay), vb1 = _mm512_set1_ps(b1), vb2 = _mm512_set1_ps(b2);
    const __m512 c1 = _mm512_set1_ps(1.0f - b1), c2 = _mm512_set1_ps(1.0f - b2), ve = _mm512_set1_ps(eps);
    const __m512 vs = _mm512_set1_ps(step_size), vc = _mm512_set1_ps(bc2s), vg = _mm512_set1_ps(gs);
    int i;
    for (i = 0; i < n; i += 16) {
        const __mmask16 lm = bft__mask16(n - i);
        const __m512 gi = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, g + i), vg);
        __m512 pi = _mm512_mul_ps(_mm512_maskz_loadu_ps(lm, p + i), vd);
        __m512 mi = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(lm, mm + i), vb1), _mm512_mul_ps(gi, c1));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(lm, vv + i), vb2),
                                  _mm512_mul_ps(_mm512_mul_ps(gi, gi), c2));
        __m512 den = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), vc), ve);
        pi = _mm512_sub_ps(pi, _mm512_mul_ps(vs, _mm512_div_ps(mi, _mm512_mask_mov_ps(_mm512_set1_ps(1.0f), lm, den))));
        _mm512_mask_storeu_ps(mm + i, lm, mi);
        _mm512_mask_storeu_ps(vv + i, lm, vi);
        _mm512_mask_storeu_ps(p + i, lm, pi);
    }
}
#endif

BERTFT_DEF void bft_adamw_step(bft_adamw *o, bft_model *m, double lr) { bft_adamw_step_scaled(o, m, lr, 1.0f); }

/* The gradient is scaled as it is read (x 1 is exact): the pass bft_clip_grad_norm would make
   over all gradients to scale them, 2 x 4 bytes per parameter, is saved. */
BERTFT_DEF void bft_adamw_step_scaled(bft_adamw *o, bft_model *m, double lr, float grad_scale)
{
    int k, simd = bft__cpu_avx512();
    (void)simd;
    float bc2s, step_size, b1 = o->beta1, b2 = o->beta2, eps = o->eps;
    if (!m->grads) return;
    bft_model_unpack_bf16(m); /* the packed copy is of the weights before this step */
    o->step++;
    /* the scalars are Python floats (double) in torch, rounded to float when applied */
    step_size = (float)(lr / (1.0 - pow(o->beta1, (double)o->step)));
    bc2s = (float)sqrt(1.0 - pow(o->beta2, (double)o->step));
    for (k = 0; k < m->num_tensors; k++) {
        const bft_tensor_info *t = &m->tensors[k];
        float decay = t->weight_decay ? (float)(1.0 - lr * o->weight_decay) : 1.0f;
        float *p = m->params + t->offset, *g = m->grads + t->offset, *mm = o->m + t->offset, *vv = o->v + t->offset;
        /* padded rows included: their parameter, gradient and moments are 0 and stay 0 */
        long long c, n = (long long)bft__tensor_span(t), nch = (n + 4095) / 4096;
        BFT__OMP(parallel for schedule(static) if (n > 65536))
        for (c = 0; c < nch; c++) {
            long long i = c * 4096, i1 = i + 4096 < n ? i + 4096 : n;
#ifdef BFT__GEMM_X86
            if (simd) {
                bft__adamw16(p + i, g + i, mm + i, vv + i, (int)(i1 - i), grad_scale, decay, b1, b2, eps, step_size, bc2s);
                continue;
            }
#endif
            for (; i < i1; i++) {
                float gi = g[i] * grad_scale;
                p[i] *= decay;
                mm[i] = mm[i] * b1 + gi * (1.0f - b1);
                vv[i] = vv[i] * b2 + gi * gi * (1.0f - b2);
                p[i] -= step_size * (mm[i] / (sqrtf(vv[i]) / bc2s + eps));
            }
        }
    }
}

BERTFT_DEF void bft_adamw_free(bft_adamw *o)
{
    bft__free64(o->m);
    bft__free64(o->v);
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


/* ------------------------------------------------------------------------------------------ */
/* 7. Data: GLUE TSV readers, user CSV / JSON lines files                                      */
/* ------------------------------------------------------------------------------------------ */
#include <time.h>

static const char *const bft__lbl_cola[] = {"unacceptable", "acceptable"};
static const char *const bft__lbl_sst2[] = {"negative", "positive"};
static const char *const bft__lbl_mrpc[] = {"not_equivalent", "equivalent"};
static const char *const bft__lbl_qqp[] = {"not_duplicate", "duplicate"};
static const char *const bft__lbl_mnli[] = {"entailment", "neutral", "contradiction"};
static const char *const bft__lbl_ent[] = {"entailment", "not_entailment"};   /* qnli, rte */
static const char *const bft__lbl_wnli[] = {"not_entailment", "entailment"};

/* Label lists as HF datasets' glue configs; column names as the classic glue_data headers. */
static const bft_task_info bft__glue_tasks[] = {
    {"cola", "CoLA", 2, 0, bft__lbl_cola, {"matthews_correlation", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence", NULL, "label"},
    {"sst2", "SST-2", 2, 0, bft__lbl_sst2, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence", NULL, "label"},
    {"mrpc", "MRPC", 2, 0, bft__lbl_mrpc, {"accuracy", "f1"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "#1 String", "#2 String", "Quality"},
    {"qqp", "QQP", 2, 0, bft__lbl_qqp, {"accuracy", "f1"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "question1", "question2", "is_duplicate"},
    {"stsb", "STS-B", 1, 1, NULL, {"pearson", "spearmanr"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "score"},
    {"mnli", "MNLI", 3, 0, bft__lbl_mnli, {"accuracy", NULL}, "train.tsv", "dev_matched.tsv", "test_matched.tsv",
     "dev_mismatched.tsv", "test_mismatched.tsv", "sentence1", "sentence2", "gold_label"},
    {"qnli", "QNLI", 2, 0, bft__lbl_ent, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "question", "sentence", "label"},
    {"rte", "RTE", 2, 0, bft__lbl_ent, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "label"},
    {"wnli", "WNLI", 2, 0, bft__lbl_wnli, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "label"},
};
#define BFT__NTASKS ((int)(sizeof bft__glue_tasks / sizeof bft__glue_tasks[0]))

BERTFT_DEF const bft_task_info *bft_glue_task_info(const char *name)
{
    char key[32];
    size_t i, k = 0;
    int t;
    if (!name) { bft__fail(BFT_ERR_INVALID, "no GLUE task name given"); return NULL; }
    /* "STS-B" -> "stsb", "SST-2" -> "sst2": lower case without dashes */
    for (i = 0; name[i] && k + 1 < sizeof key; i++) {
        char c = name[i];
        if (c == '-') continue;
        key[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    key[k] = 0;
    if (name[i] == 0) {
        if (strcmp(key, "mnli_matched") == 0 || strcmp(key, "mnli_mismatched") == 0 || strcmp(key, "mnlimm") == 0)
            strcpy(key, "mnli");
        for (t = 0; t < BFT__NTASKS; t++)
            if (strcmp(key, bft__glue_tasks[t].name) == 0) return &bft__glue_tasks[t];
    }
    bft__fail(BFT_ERR_INVALID, "unknown GLUE task \"%s\"; expected one of cola, sst2, mrpc, qqp, stsb, mnli, "
              "qnli, rte, wnli", name);
    return NULL;
}

BERTFT_DEF void bft_dataset_free(bft_dataset *d)
{
    int i;
    if (!d) return;
    for (i = 0; i < d->n; i++) {
        if (d->text_a) bft_free(d->text_a[i]);
        if (d->text_b) bft_free(d->text_b[i]);
    }
    if (d->label_names)
        for (i = 0; i < d->num_labels; i++) bft_free(d->label_names[i]);
    bft_free(d->text_a);
    bft_free(d->text_b);
    bft_free(d->labels);
    bft_free(d->label_names);
    bft_free(d->task);
    memset(d, 0, sizeof *d);
}

/* Room for `n` examples (the readers know an upper bound: the line count). */
static bft_result bft__dataset_alloc(bft_dataset *d, int n, int pair)
{
    d->text_a = BFT__NEW(char *, n);
    d->text_b = pair ? BFT__NEW(char *, n) : NULL;
    d->labels = BFT__NEW(float, n);
    if (!d->text_a || (pair && !d->text_b) || !d->labels) return bft__fail(BFT_ERR_OOM, "out of memory for %d examples", n);
    return BFT_OK;
}

static bft_result bft__dataset_set_names(bft_dataset *d, int num, const char *const *names)
{
    int i;
    d->num_labels = num;
    if (!names) return BFT_OK;
    d->label_names = BFT__NEW(char *, num);
    if (!d->label_names) return bft__fail(BFT_ERR_OOM, "out of memory");
    for (i = 0; i < num; i++)
        if (!(d->label_names[i] = bft__strdup(names[i]))) return bft__fail(BFT_ERR_OOM, "out of memory");
    return BFT_OK;
}

/* A span of the file, not NUL-terminated. */
typedef struct bft__span { const char *s; size_t n; } bft__span;

static int bft__span_eq(bft__span a, const char *s) { return strlen(s) == a.n && memcmp(a.s, s, a.n) == 0; }

/* Text for an error message: the span, cut to 40 bytes. */
static const char *bft__span_msg(bft__span a, char *tmp, size_t cap)
{
    size_t n = a.n < cap - 4 ? a.n : cap - 4;
    memcpy(tmp, a.s, n);
    strcpy(tmp + n, a.n > n ? "..." : "");
    return tmp;
}

/* Next line of [p, end): returns its span without "\n" or "\r\n"; advances *p. */
static bft__span bft__next_line(const char **p, const char *end)
{
    bft__span l;
    const char *nl = (const char *)memchr(*p, '\n', (size_t)(end - *p));
    l.s = *p;
    if (!nl) { l.n = (size_t)(end - *p); *p = end; }
    else { l.n = (size_t)(nl - *p); *p = nl + 1; }
    if (l.n && l.s[l.n - 1] == '\r') l.n--;
    return l;
}

/* Split on TAB only: quoting off, consecutive tabs give empty fields. Returns the field count
   (may exceed cap; only cap are stored). */
static int bft__split_tabs(bft__span line, bft__span *f, int cap)
{
    int k = 0;
    const char *s = line.s, *end = line.s + line.n;
    for (;;) {
        const char *t = (const char *)memchr(s, '\t', (size_t)(end - s));
        const char *e = t ? t : end;
        if (k < cap) { f[k].s = s; f[k].n = (size_t)(e - s); }
        k++;
        if (!t) break;
        s = t + 1;
    }
    return k;
}

/* Parse a decimal integer filling the whole span (Python int(): surrounding spaces, sign). */
static int bft__parse_int(bft__span a, long *out)
{
    size_t i = 0, n = a.n;
    long v = 0;
    int neg = 0, digits = 0;
    while (i < n && a.s[i] == ' ') i++;
    while (n > i && a.s[n - 1] == ' ') n--;
    if (i < n && (a.s[i] == '+' || a.s[i] == '-')) neg = a.s[i++] == '-';
    for (; i < n; i++) {
        if (a.s[i] < '0' || a.s[i] > '9' || v > 100000000L) return 0;
        v = v * 10 + (a.s[i] - '0');
        digits++;
    }
    if (!digits) return 0;
    *out = neg ? -v : v;
    return 1;
}

/* Parse a finite real number filling the whole span. */
static int bft__parse_real(bft__span a, double *out)
{
    char tmp[64], *e;
    size_t i = 0, n = a.n;
    double v;
    while (i < n && a.s[i] == ' ') i++;
    while (n > i && a.s[n - 1] == ' ') n--;
    if (n == i || n - i >= sizeof tmp) return 0;
    memcpy(tmp, a.s + i, n - i);
    tmp[n - i] = 0;
    v = strtod(tmp, &e);
    if (*e || !(v == v) || v > DBL_MAX || v < -DBL_MAX) return 0;
    *out = v;
    return 1;
}

/* A GLUE label: a class name, its index written as a number (HF casts "0"/"1" with int()),
   or a real number for STS-B. */
static bft_result bft__glue_label(const bft_task_info *t, bft__span v, float *out, const char *path, long line)
{
    char tmp[64];
    int c;
    long iv;
    if (t->is_regression) {
        double x;
        if (!bft__parse_real(v, &x))
            return bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not a number (column \"%s\")", path, line,
                             bft__span_msg(v, tmp, sizeof tmp), t->col_label);
        *out = (float)x;
        return BFT_OK;
    }
    for (c = 0; c < t->num_labels; c++)
        if (bft__span_eq(v, t->label_names[c])) { *out = (float)c; return BFT_OK; }
    if (bft__parse_int(v, &iv) && iv >= 0 && iv < t->num_labels) { *out = (float)iv; return BFT_OK; }
    {
        bft__buf b = {0, 0, 0, 0};
        bft_result r;
        for (c = 0; c < t->num_labels; c++) bft__buf_printf(&b, "%s%s", c ? ", " : "", t->label_names[c]);
        r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not one of %s (or 0..%d)", path, line,
                      bft__span_msg(v, tmp, sizeof tmp), b.p ? b.p : "", t->num_labels - 1);
        bft_free(b.p);
        return r;
    }
}

static const char *bft__skip_bom(const char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) return p + 3;
    return p;
}

static int bft__count_lines(const char *p, const char *end)
{
    size_t n = 1;
    while ((p = (const char *)memchr(p, '\n', (size_t)(end - p))) != NULL) { n++; p++; }
    return n > (size_t)INT_MAX ? INT_MAX : (int)n;
}

static int bft__file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

#define BFT__MAXCOLS 64

static bft_result bft__glue_read(bft_dataset *d, const bft_task_info *t, const char *path, int is_test)
{
    char *data = NULL;
    size_t len;
    const char *p, *end;
    bft__span f[BFT__MAXCOLS];
    int ncols, ia, ib = -1, il = -1, cap, k;
    long line = 0;
    int headerless = strcmp(t->name, "cola") == 0 && !is_test; /* CoLA train/dev: no header */
    bft_result r = bft_read_file(path, &data, &len);
    if (r != BFT_OK) return r;
    p = bft__skip_bom(data, data + len);
    end = data + len;
    if (p == end) { bft_free(data); return bft__fail(BFT_ERR_FORMAT, "%s:1: empty file", path); }
    cap = bft__count_lines(p, end);
    if ((r = bft__dataset_alloc(d, cap, t->col_b != NULL)) != BFT_OK) { bft_free(data); return r; }
    if (headerless) {
        /* source, label, original mark, sentence (HF: row[3], row[1]) */
        ncols = 4; ia = 3; il = 1;
    } else {
        bft__span h = bft__next_line(&p, end);
        line = 1;
        ncols = bft__split_tabs(h, f, BFT__MAXCOLS);
        if (ncols > BFT__MAXCOLS) { bft_free(data); return bft__fail(BFT_ERR_FORMAT, "%s:1: more than %d columns", path, BFT__MAXCOLS); }
        ia = -1;
        for (k = 0; k < ncols; k++) {
            if (bft__span_eq(f[k], t->col_a)) ia = k;
            else if (t->col_b && bft__span_eq(f[k], t->col_b)) ib = k;
            else if (bft__span_eq(f[k], t->col_label)) il = k;
        }
        if (ia < 0 || (t->col_b && ib < 0) || (il < 0 && !is_test)) {
            const char *miss = ia < 0 ? t->col_a : (t->col_b && ib < 0) ? t->col_b : t->col_label;
            bft_free(data);
            return bft__fail(BFT_ERR_FORMAT, "%s:1: the header has no column \"%s\" (expected the classic glue_data %s layout)",
                             path, miss, t->folder);
        }
    }
    d->has_labels = il >= 0;
    while (p < end) {
        bft__span l = bft__next_line(&p, end);
        int m;
        line++;
        if (l.n == 0) continue; /* csv.DictReader skips blank lines */
        m = bft__split_tabs(l, f, BFT__MAXCOLS);
        if (m != ncols) {
            bft_free(data);
            return bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected %d tab-separated columns, found %d", path, line, ncols, m);
        }
        if (il >= 0) {
            if ((r = bft__glue_label(t, f[il], &d->labels[d->n], path, line)) != BFT_OK) { bft_free(data); return r; }
        } else {
            d->labels[d->n] = -1.0f;
        }
        d->text_a[d->n] = bft__strndup(f[ia].s, f[ia].n);
        if (ib >= 0) d->text_b[d->n] = bft__strndup(f[ib].s, f[ib].n);
        /* count first so bft_dataset_free releases a half-made pair */
        d->n++;
        if (!d->text_a[d->n - 1] || (ib >= 0 && !d->text_b[d->n - 1])) { bft_free(data); return bft__fail(BFT_ERR_OOM, "%s: out of memory", path); }
    }
    bft_free(data);
    if (d->n == 0) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: no examples in the file", path, line + 1);
    return BFT_OK;
}

BERTFT_DEF bft_result bft_glue_load(bft_dataset *d, const char *task, const char *data_dir, const char *split)
{
    const bft_task_info *t;
    const char *file = NULL;
    char *path, *sub;
    int is_test = 0;
    bft_result r;
    memset(d, 0, sizeof *d);
    t = bft_glue_task_info(task);
    if (!t) return BFT_ERR_INVALID;
    if (!split) split = "train";
    if (strcmp(split, "train") == 0) file = t->train_file;
    else if (strcmp(split, "validation") == 0 || strcmp(split, "dev") == 0 ||
             (t->dev_mm_file && (strcmp(split, "validation_matched") == 0 || strcmp(split, "dev_matched") == 0)))
        file = t->dev_file;
    else if (strcmp(split, "test") == 0 || (t->test_mm_file && strcmp(split, "test_matched") == 0))
        file = t->test_file, is_test = 1;
    else if (t->dev_mm_file && (strcmp(split, "validation_mismatched") == 0 || strcmp(split, "dev_mismatched") == 0))
        file = t->dev_mm_file;
    else if (t->test_mm_file && strcmp(split, "test_mismatched") == 0)
        file = t->test_mm_file, is_test = 1;
    if (!file)
        return bft__fail(BFT_ERR_INVALID, "GLUE task %s has no split \"%s\" (train, validation, test%s)", t->name, split,
                         t->dev_mm_file ? ", validation_mismatched, test_mismatched" : "");
    /* data_dir may be the task folder or the glue root holding it */
    path = bft__path_join(data_dir, file);
    if (!path) return bft__fail(BFT_ERR_OOM, "out of memory");
    if (!bft__file_exists(path)) {
        sub = bft__path_join(data_dir, t->folder);
        if (sub) {
            char *p2 = bft__path_join(sub, file);
            if (p2 && bft__file_exists(p2)) { bft_free(path); path = p2; }
            else bft_free(p2);
            bft_free(sub);
        }
    }
    r = bft__glue_read(d, t, path, is_test);
    if (r == BFT_OK) r = bft__dataset_set_names(d, t->num_labels, t->label_names);
    if (r == BFT_OK && !(d->task = bft__strdup(t->name))) r = bft__fail(BFT_ERR_OOM, "out of memory");
    d->is_regression = t->is_regression;
    bft_free(path);
    if (r != BFT_OK) bft_dataset_free(d);
    return r;
}

/* ---- user files: a generic table of cells ---- */
enum { BFT__C_NULL = 0, BFT__C_STR = 1, BFT__C_NUM = 2, BFT__C_TEXT = 3 /* CSV: type inferred */, BFT__C_OTHER = 4 };

typedef struct bft__table {
    int ncols, nrows, cap;
    char **cols;
    char **cells;                 /* nrows * ncols, NULL for a missing value */
    unsigned char *kind;
    long *lines;                  /* line where each row starts */
} bft__table;

static void bft__table_free(bft__table *t)
{
    int i;
    for (i = 0; i < t->ncols; i++) bft_free(t->cols[i]);
    for (i = 0; i < t->nrows * t->ncols; i++) bft_free(t->cells[i]);
    bft_free(t->cols);
    bft_free(t->cells);
    bft_free(t->kind);
    bft_free(t->lines);
    memset(t, 0, sizeof *t);
}

static bft_result bft__table_add_row(bft__table *t, long line)
{
    if (t->nrows == t->cap) {
        int nc = t->cap ? t->cap * 2 : 256;
        char **c = (char **)bft__realloc(t->cells, (size_t)nc * (size_t)t->ncols * sizeof(char *));
        unsigned char *k;
        long *l;
        if (!c) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->cells = c;
        k = (unsigned char *)bft__realloc(t->kind, (size_t)nc * (size_t)t->ncols);
        if (!k) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->kind = k;
        l = (long *)bft__realloc(t->lines, (size_t)nc * sizeof(long));
        if (!l) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->lines = l;
        t->cap = nc;
    }
    memset(t->cells + (size_t)t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof(char *));
    memset(t->kind + (size_t)t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols);
    t->lines[t->nrows] = line;
    t->nrows++;
    return BFT_OK;
}

/* One CSV record (RFC 4180) from *p; fields appended to *out as new strings. */
static bft_result bft__csv_record(const char **pp, const char *end, long *line, const char *path, bft__buf *fields,
                                  int *nfields, size_t *offs, int cap)
{
    const char *p = *pp;
    long start = *line;
    *nfields = 0;
    fields->n = 0;
    for (;;) {
        if (*nfields < cap) offs[*nfields] = fields->n;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                const char *q;
                if (p >= end) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unterminated quoted field", path, start);
                q = (const char *)memchr(p, '"', (size_t)(end - p));
                if (!q) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unterminated quoted field", path, start);
                {
                    const char *c;
                    for (c = p; c < q; c++) if (*c == '\n') (*line)++;
                }
                bft__buf_put(fields, p, (size_t)(q - p));
                p = q + 1;
                if (p < end && *p == '"') { bft__buf_put(fields, "\"", 1); p++; continue; }
                break;
            }
            if (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n') && *p != '\r')
                return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unexpected text after a closing quote", path, *line);
        } else {
            const char *s = p;
            while (p < end && *p != ',' && *p != '\n' && *p != '\r') p++;
            bft__buf_put(fields, s, (size_t)(p - s));
        }
        bft__buf_put(fields, "", 1); /* NUL separator */
        (*nfields)++;
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '\r') p++;
        if (p < end && *p == '\n') { p++; (*line)++; }
        break;
    }
    if (fields->oom) return bft__fail(BFT_ERR_OOM, "out of memory");
    *pp = p;
    return BFT_OK;
}

static bft_result bft__read_csv(bft__table *t, const char *path, const char *data, size_t len, int tsv)
{
    const char *p = bft__skip_bom(data, data + len), *end = data + len;
    long line = 1;
    bft__buf fb = {0, 0, 0, 0};
    size_t offs[BFT__MAXCOLS];
    int nf, i;
    bft_result r = BFT_OK;
    while (p < end && (*p == '\n' || *p == '\r')) { if (*p == '\n') line++; p++; }
    if (p >= end) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: empty file, expected a header row", path, line);
    for (;;) {
        long at = line;
        if (tsv) {
            bft__span l = bft__next_line(&p, end), f[BFT__MAXCOLS];
            line++;
            if (l.n == 0) { if (p >= end) break; continue; }
            nf = bft__split_tabs(l, f, BFT__MAXCOLS);
            fb.n = 0;
            for (i = 0; i < nf && i < BFT__MAXCOLS; i++) {
                offs[i] = fb.n;
                bft__buf_put(&fb, f[i].s, f[i].n);
                bft__buf_put(&fb, "", 1);
            }
            if (fb.oom) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
        } else {
            if ((r = bft__csv_record(&p, end, &line, path, &fb, &nf, offs, BFT__MAXCOLS)) != BFT_OK) break;
            if (nf == 1 && offs[0] == 0 && fb.p[0] == 0) { if (p >= end) break; continue; } /* blank line */
        }
        if (nf > BFT__MAXCOLS) { r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: more than %d columns", path, at, BFT__MAXCOLS); break; }
        if (!t->cols) {
            t->ncols = nf;
            t->cols = BFT__NEW(char *, nf);
            if (!t->cols) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
            for (i = 0; i < nf; i++)
                if (!(t->cols[i] = bft__strdup(fb.p + offs[i]))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
            if (r != BFT_OK) break;
        } else {
            char **row;
            if (nf != t->ncols) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected %d %s-separated columns, found %d", path, at, t->ncols,
                              tsv ? "tab" : "comma", nf);
                break;
            }
            if ((r = bft__table_add_row(t, at)) != BFT_OK) break;
            row = t->cells + (size_t)(t->nrows - 1) * (size_t)t->ncols;
            for (i = 0; i < nf; i++) {
                if (!(row[i] = bft__strdup(fb.p + offs[i]))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
                t->kind[(size_t)(t->nrows - 1) * (size_t)t->ncols + (size_t)i] = BFT__C_TEXT;
            }
            if (r != BFT_OK) break;
        }
        if (p >= end) break;
    }
    bft_free(fb.p);
    return r;
}

static int bft__table_col(bft__table *t, const char *name)
{
    int i;
    for (i = 0; i < t->ncols; i++) if (strcmp(t->cols[i], name) == 0) return i;
    return -1;
}

/* Add the columns of object `obj` (new ones appended) and fill row `row`. */
static bft_result bft__json_row(bft__table *t, const bft__json *j, int obj, const char *path, long line)
{
    int c, row;
    bft_result r;
    for (c = j->nodes[obj].first; c >= 0; c = j->nodes[c].next) {
        char *key = bft__json_strdup(j, c, NULL);
        if (!key) return bft__fail(BFT_ERR_OOM, "out of memory");
        if (bft__table_col(t, key) < 0) {
            /* a new column: widen every row (rare; usually all keys come with the first row) */
            int nc = t->ncols + 1, i, q;
            char **cols = (char **)bft__realloc(t->cols, (size_t)nc * sizeof(char *));
            char **cells;
            unsigned char *kind;
            if (!cols) { bft_free(key); return bft__fail(BFT_ERR_OOM, "out of memory"); }
            t->cols = cols;
            cells = BFT__NEW(char *, (size_t)(t->cap ? t->cap : 1) * (size_t)nc);
            kind = BFT__NEW(unsigned char, (size_t)(t->cap ? t->cap : 1) * (size_t)nc);
            if (!cells || !kind) { bft_free(cells); bft_free(kind); bft_free(key); return bft__fail(BFT_ERR_OOM, "out of memory"); }
            for (i = 0; i < t->nrows; i++)
                for (q = 0; q < t->ncols; q++) {
                    cells[(size_t)i * (size_t)nc + (size_t)q] = t->cells[(size_t)i * (size_t)t->ncols + (size_t)q];
                    kind[(size_t)i * (size_t)nc + (size_t)q] = t->kind[(size_t)i * (size_t)t->ncols + (size_t)q];
                }
            bft_free(t->cells);
            bft_free(t->kind);
            t->cells = cells;
            t->kind = kind;
            t->cols[t->ncols] = key;
            t->ncols = nc;
        } else {
            bft_free(key);
        }
    }
    if ((r = bft__table_add_row(t, line)) != BFT_OK) return r;
    row = t->nrows - 1;
    for (c = j->nodes[obj].first; c >= 0; c = j->nodes[c].next) {
        char *key = bft__json_strdup(j, c, NULL);
        int col, v = j->nodes[c].first;
        size_t at;
        const bft__jnode *vn = &j->nodes[v];
        if (!key) return bft__fail(BFT_ERR_OOM, "out of memory");
        col = bft__table_col(t, key);
        bft_free(key);
        at = (size_t)row * (size_t)t->ncols + (size_t)col;
        bft_free(t->cells[at]);
        t->cells[at] = NULL;
        if (vn->type == BFT__J_STR) {
            t->cells[at] = bft__json_strdup(j, v, NULL);
            t->kind[at] = BFT__C_STR;
        } else if (vn->type == BFT__J_NULL) {
            t->kind[at] = BFT__C_NULL;
            continue;
        } else {
            t->cells[at] = bft__strndup(j->src + vn->start, vn->end - vn->start);
            t->kind[at] = vn->type == BFT__J_NUM ? BFT__C_NUM : BFT__C_OTHER;
        }
        if (!t->cells[at]) return bft__fail(BFT_ERR_OOM, "out of memory");
        (void)path;
    }
    return BFT_OK;
}

/* Re-label a JSON parser error with the file's line. */
static bft_result bft__json_line_err(bft_result r, const char *path, long line)
{
    char msg[512];
    const char *e = strstr(bft_last_error(), "invalid JSON");
    strncpy(msg, e ? e : bft_last_error(), sizeof msg - 1);
    msg[sizeof msg - 1] = 0;
    return bft__fail(r, "%s:%ld: %s", path, line, msg);
}

static bft_result bft__read_jsonl(bft__table *t, const char *path, const char *data, size_t len)
{
    const char *p = bft__skip_bom(data, data + len), *end = data + len, *q = p;
    long line = 0;
    bft_result r = BFT_OK;
    bft__json j;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) q++;
    if (q >= end) return bft__fail(BFT_ERR_FORMAT, "%s:1: empty file, expected JSON objects", path);
    if (*q == '[') {
        /* one JSON array of objects */
        int c;
        const char *lp = data;
        long ln = 1;
        if ((r = bft__json_parse(&j, p, (size_t)(end - p), path)) != BFT_OK) return r;
        for (c = j.nodes[0].first; c >= 0 && r == BFT_OK; c = j.nodes[c].next) {
            const char *at = j.src + j.nodes[c].start;
            for (; lp < at; lp++) if (*lp == '\n') ln++;
            if (j.nodes[c].type != BFT__J_OBJ) r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected a JSON object", path, ln);
            else r = bft__json_row(t, &j, c, path, ln);
        }
        bft__json_free(&j);
        return r;
    }
    while (p < end && r == BFT_OK) {
        bft__span l = bft__next_line(&p, end);
        size_t i = 0;
        line++;
        while (i < l.n && (l.s[i] == ' ' || l.s[i] == '\t')) i++;
        if (i == l.n) continue;
        if ((r = bft__json_parse(&j, l.s, l.n, path)) != BFT_OK) return bft__json_line_err(r, path, line);
        if (j.nodes[0].type != BFT__J_OBJ) r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected a JSON object", path, line);
        else r = bft__json_row(t, &j, 0, path, line);
        bft__json_free(&j);
    }
    return r;
}

static int bft__cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int bft__cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* A number cell is an integer when its literal has no fraction or exponent (pyarrow/pandas
   infer int64 then; any float makes the column float64 => regression in run_glue). */
static int bft__is_int_literal(const char *s)
{
    bft__span a;
    long v;
    a.s = s;
    a.n = strlen(s);
    return bft__parse_int(a, &v);
}

BERTFT_DEF bft_result bft_dataset_load_file(bft_dataset *d, const char *path, const bft_dataset *ref)
{
    bft__table t;
    char *data = NULL;
    size_t len, pl = strlen(path);
    int ca = -1, cb = -1, cl, i, nonlabel[2], nn = 0, k;
    int any_str = 0, any_num = 0, any_frac = 0;
    bft_result r;
    memset(d, 0, sizeof *d);
    memset(&t, 0, sizeof t);
    if ((r = bft_read_file(path, &data, &len)) != BFT_OK) return r;
    if (pl >= 4 && strcmp(path + pl - 4, ".csv") == 0) r = bft__read_csv(&t, path, data, len, 0);
    else if (pl >= 4 && strcmp(path + pl - 4, ".tsv") == 0) r = bft__read_csv(&t, path, data, len, 1);
    else if ((pl >= 5 && strcmp(path + pl - 5, ".json") == 0) || (pl >= 6 && strcmp(path + pl - 6, ".jsonl") == 0))
        r = bft__read_jsonl(&t, path, data, len);
    else r = bft__fail(BFT_ERR_UNSUPPORTED, "%s: unknown data file type; expected .csv, .json, .jsonl or .tsv", path);
    bft_free(data);
    if (r != BFT_OK) goto done;
    if (t.nrows == 0) { r = bft__fail(BFT_ERR_FORMAT, "%s: no examples in the file", path); goto done; }
    /* run_glue: sentence1/sentence2 if both exist, else the first two non-label columns, else one */
    cl = bft__table_col(&t, "label");
    for (i = 0; i < t.ncols && nn < 2; i++) if (i != cl) nonlabel[nn++] = i;
    if (bft__table_col(&t, "sentence1") >= 0 && bft__table_col(&t, "sentence2") >= 0) {
        ca = bft__table_col(&t, "sentence1");
        cb = bft__table_col(&t, "sentence2");
    } else if (nn == 2) {
        ca = nonlabel[0];
        cb = nonlabel[1];
    } else if (nn == 1) {
        ca = nonlabel[0];
    } else {
        r = bft__fail(BFT_ERR_FORMAT, "%s:1: no text column (expected sentence1[, sentence2], label)", path);
        goto done;
    }
    if (cl < 0 && !ref) {
        r = bft__fail(BFT_ERR_FORMAT, "%s:1: no \"label\" column (a training file needs one)", path);
        goto done;
    }
    if ((r = bft__dataset_alloc(d, t.nrows, cb >= 0)) != BFT_OK) goto done;
    d->has_labels = cl >= 0;
    for (i = 0; i < t.nrows; i++) {
        size_t at = (size_t)i * (size_t)t.ncols;
        int c2;
        for (c2 = 0; c2 < 2; c2++) {
            int col = c2 ? cb : ca;
            if (col < 0) continue;
            if (!t.cells[at + (size_t)col] || t.kind[at + (size_t)col] == BFT__C_OTHER) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: column \"%s\" is missing or not a string", path, t.lines[i], t.cols[col]);
                goto done;
            }
        }
        if (cl >= 0) {
            const char *v = t.cells[at + (size_t)cl];
            int kd = t.kind[at + (size_t)cl];
            if (!v || kd == BFT__C_OTHER || !*v) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label is missing, empty or not a number/string", path, t.lines[i]);
                goto done;
            }
            if (kd == BFT__C_STR) any_str = 1;
            else if (kd == BFT__C_NUM) { any_num = 1; if (!bft__is_int_literal(v)) any_frac = 1; }
            else { /* CSV text: a number if it parses as one, as pandas infers */
                bft__span a;
                double x;
                a.s = v; a.n = strlen(v);
                if (bft__parse_real(a, &x)) { any_num = 1; if (!bft__is_int_literal(v)) any_frac = 1; }
                else any_str = 1;
            }
        }
    }
    if (any_str && any_num && t.kind[(size_t)cl] != BFT__C_TEXT) {
        r = bft__fail(BFT_ERR_FORMAT, "%s: the \"label\" column mixes numbers and strings", path);
        goto done;
    }
    if (any_str) any_num = any_frac = 0; /* pandas: one non-number makes the column strings */
    /* the label list */
    if (ref) {
        d->is_regression = ref->is_regression;
        if ((r = bft__dataset_set_names(d, ref->num_labels, (const char *const *)ref->label_names)) != BFT_OK) goto done;
    } else if (cl >= 0 && any_frac) {
        d->is_regression = 1;
        d->num_labels = 1;
    } else if (cl >= 0) {
        /* sorted(set(labels)): numerically for integers, by code point for strings */
        char **names = BFT__NEW(char *, t.nrows);
        long *vals = any_num ? BFT__NEW(long, t.nrows) : NULL;
        int u = 0;
        if (!names || (any_num && !vals)) { bft_free(names); bft_free(vals); r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
        if (any_num) {
            for (i = 0; i < t.nrows; i++) {
                bft__span a;
                a.s = t.cells[(size_t)i * (size_t)t.ncols + (size_t)cl];
                a.n = strlen(a.s);
                bft__parse_int(a, &vals[i]);
            }
            qsort(vals, (size_t)t.nrows, sizeof(long), bft__cmp_long);
            for (i = 0; i < t.nrows; i++) if (i == 0 || vals[i] != vals[i - 1]) vals[u++] = vals[i];
            for (i = 0; i < u; i++) {
                char tmp[32];
                snprintf(tmp, sizeof tmp, "%ld", vals[i]);
                names[i] = tmp[0] ? bft__strdup(tmp) : NULL;
            }
        } else {
            for (i = 0; i < t.nrows; i++) names[i] = t.cells[(size_t)i * (size_t)t.ncols + (size_t)cl];
            qsort(names, (size_t)t.nrows, sizeof(char *), bft__cmp_str);
            for (i = 0; i < t.nrows; i++) if (i == 0 || strcmp(names[i], names[i - 1]) != 0) names[u++] = names[i];
            for (i = 0; i < u; i++) names[i] = bft__strdup(names[i]);
        }
        bft_free(vals);
        d->label_names = names;
        d->num_labels = u;
        for (i = 0; i < u; i++) if (!names[i]) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    }
    /* fill */
    for (i = 0; i < t.nrows; i++) {
        size_t at = (size_t)i * (size_t)t.ncols;
        d->text_a[i] = t.cells[at + (size_t)ca];
        t.cells[at + (size_t)ca] = NULL;
        if (cb >= 0) { d->text_b[i] = t.cells[at + (size_t)cb]; t.cells[at + (size_t)cb] = NULL; }
        d->n = i + 1;
        d->labels[i] = -1.0f;
        if (cl < 0) continue;
        {
            const char *v = t.cells[at + (size_t)cl];
            bft__span a;
            double x;
            long iv;
            a.s = v; a.n = strlen(v);
            if (d->is_regression) {
                if (!bft__parse_real(a, &x)) {
                    r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not a number (the task is regression)", path, t.lines[i], v);
                    goto done;
                }
                d->labels[i] = (float)x;
                continue;
            }
            /* run_glue maps -1 to -1 (no label) */
            if (t.kind[at + (size_t)cl] != BFT__C_STR && bft__parse_int(a, &iv) && iv == -1) continue;
            for (k = 0; k < d->num_labels; k++) {
                long nv;
                bft__span b;
                if (strcmp(d->label_names[k], v) == 0) break;
                b.s = d->label_names[k]; b.n = strlen(b.s);
                if (t.kind[at + (size_t)cl] != BFT__C_STR && bft__parse_int(a, &iv) && bft__parse_int(b, &nv) && iv == nv) break;
            }
            if (k == d->num_labels) {
                bft__buf b = {0, 0, 0, 0};
                int q;
                for (q = 0; q < d->num_labels && q < 20; q++) bft__buf_printf(&b, "%s%s", q ? ", " : "", d->label_names[q]);
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not one of %s (the training file's labels)", path,
                              t.lines[i], v, b.p ? b.p : "");
                bft_free(b.p);
                goto done;
            }
            d->labels[i] = (float)k;
        }
    }
done:
    bft__table_free(&t);
    if (r != BFT_OK) bft_dataset_free(d);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* 7b. Collator and samplers                                                                   */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF bft_result bft_collate(bft_padded_batch *out, const bft_encoded *e, const int *idx, int count,
                                  int32_t pad_id, int pad_to_multiple_of, int max_length, const float *labels)
{
    int i, T = 0;
    size_t need;
    if (count <= 0) return bft__fail(BFT_ERR_INVALID, "collate: empty batch");
    for (i = 0; i < count; i++) {
        int64_t L;
        if (idx[i] < 0 || idx[i] >= e->n)
            return bft__fail(BFT_ERR_INVALID, "collate: example index %d is outside 0..%d", idx[i], e->n - 1);
        L = e->offsets[idx[i] + 1] - e->offsets[idx[i]];
        if (L > INT_MAX / 2) return bft__fail(BFT_ERR_INVALID, "collate: example %d is absurdly long", idx[i]);
        if (max_length > 0 && L > max_length)
            return bft__fail(BFT_ERR_INVALID, "collate: example %d has %ld tokens, more than max_length %d (truncate when tokenizing)",
                             idx[i], (long)L, max_length);
        if (L > T) T = (int)L;
    }
    if (max_length > 0) T = max_length;
    if (pad_to_multiple_of > 0 && T % pad_to_multiple_of) T += pad_to_multiple_of - T % pad_to_multiple_of;
    if (T == 0) T = 1; /* an all-empty batch still needs a shape; the mask is all zeros */
    need = (size_t)count * (size_t)T;
    if (need > out->cap_tokens) {
        int32_t *a = (int32_t *)bft__realloc(out->input_ids, need * sizeof(int32_t));
        if (a) out->input_ids = a;
        a = a ? (int32_t *)bft__realloc(out->token_type_ids, need * sizeof(int32_t)) : NULL;
        if (a) out->token_type_ids = a;
        a = a ? (int32_t *)bft__realloc(out->attention_mask, need * sizeof(int32_t)) : NULL;
        if (a) out->attention_mask = a;
        if (!a) return bft__fail(BFT_ERR_OOM, "collate: out of memory for %d x %d tokens", count, T);
        out->cap_tokens = need;
    }
    if (labels && count > out->cap_rows) {
        float *l = (float *)bft__realloc(out->labels, (size_t)count * sizeof(float));
        if (!l) return bft__fail(BFT_ERR_OOM, "collate: out of memory");
        out->labels = l;
        out->cap_rows = count;
    }
    for (i = 0; i < count; i++) {
        int64_t o = e->offsets[idx[i]];
        int L = (int)(e->offsets[idx[i] + 1] - o), t;
        int32_t *ids = out->input_ids + (size_t)i * (size_t)T;
        int32_t *tt = out->token_type_ids + (size_t)i * (size_t)T;
        int32_t *am = out->attention_mask + (size_t)i * (size_t)T;
        memcpy(ids, e->input_ids + o, (size_t)L * sizeof(int32_t));
        if (e->token_type_ids) memcpy(tt, e->token_type_ids + o, (size_t)L * sizeof(int32_t));
        else memset(tt, 0, (size_t)L * sizeof(int32_t));
        for (t = 0; t < L; t++) am[t] = 1;
        for (t = L; t < T; t++) { ids[t] = pad_id; tt[t] = 0; am[t] = 0; }
        if (labels) out->labels[i] = labels[idx[i]];
    }
    out->batch_size = count;
    out->seq_len = T;
    if (!labels && out->labels) { bft_free(out->labels); out->labels = NULL; out->cap_rows = 0; }
    return BFT_OK;
}

BERTFT_DEF bft_batch bft_padded_batch_view(const bft_padded_batch *b)
{
    bft_batch v;
    v.batch_size = b->batch_size;
    v.seq_len = b->seq_len;
    v.input_ids = b->input_ids;
    v.token_type_ids = b->token_type_ids;
    v.attention_mask = b->attention_mask;
    v.labels = b->labels;
    return v;
}

BERTFT_DEF void bft_padded_batch_free(bft_padded_batch *b)
{
    if (!b) return;
    bft_free(b->input_ids);
    bft_free(b->token_type_ids);
    bft_free(b->attention_mask);
    bft_free(b->labels);
    memset(b, 0, sizeof *b);
}

/* One generator per (seed, epoch), so an epoch's order does not depend on what ran before it
   (resuming from a checkpoint gives the same order). */
static void bft__epoch_rng(uint64_t s[4], uint64_t seed, int64_t epoch)
{
    uint64_t x = (uint64_t)epoch;
    bft__rng_seed(s, seed ^ bft__splitmix64(&x));
}

static void bft__shuffle(int *order, int n, uint64_t s[4])
{
    int i;
    for (i = 0; i < n; i++) order[i] = i;
    for (i = n - 1; i > 0; i--) {
        int j = (int)bft__rng_below(s, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

BERTFT_DEF bft_result bft_sampler_order(int *order, int n, int shuffle, uint64_t seed, int64_t epoch)
{
    int i;
    uint64_t s[4];
    if (n < 0 || (n > 0 && !order)) return bft__fail(BFT_ERR_INVALID, "sampler: bad arguments (n = %d)", n);
    if (!shuffle) {
        for (i = 0; i < n; i++) order[i] = i;
        return BFT_OK;
    }
    bft__epoch_rng(s, seed, epoch);
    bft__shuffle(order, n, s);
    return BFT_OK;
}

typedef struct bft__lenkey { int len, pos, idx; } bft__lenkey;
/* Longest first; equal lengths keep their order (Python's sorted is stable). */
static int bft__cmp_lenkey(const void *a, const void *b)
{
    const bft__lenkey *x = (const bft__lenkey *)a, *y = (const bft__lenkey *)b;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

BERTFT_DEF bft_result bft_length_grouped_order(int *order, const int *lengths, int n, int batch_size,
                                               uint64_t seed, int64_t epoch)
{
    int mult, mb, start, i, best = 0, best_len = INT_MIN;
    uint64_t s[4];
    bft__lenkey *k;
    if (n < 0 || batch_size <= 0 || (n > 0 && (!order || !lengths)))
        return bft__fail(BFT_ERR_INVALID, "length-grouped sampler: bad arguments (n = %d, batch_size = %d)", n, batch_size);
    if (n == 0) return BFT_OK;
    mult = n / (batch_size * 4);
    if (mult > 50) mult = 50;
    if (mult == 0) mult = 1;
    mb = mult * batch_size;
    k = BFT__NEW(bft__lenkey, n);
    if (!k) return bft__fail(BFT_ERR_OOM, "out of memory");
    bft__epoch_rng(s, seed, epoch);
    bft__shuffle(order, n, s);
    for (i = 0; i < n; i++) { k[i].idx = order[i]; k[i].len = lengths[order[i]]; k[i].pos = i; }
    for (start = 0; start < n; start += mb) {
        int m = n - start < mb ? n - start : mb;
        qsort(k + start, (size_t)m, sizeof *k, bft__cmp_lenkey);
        if (k[start].len > best_len) { best_len = k[start].len; best = start; } /* first maximum, like torch.argmax */
    }
    { bft__lenkey t = k[0]; k[0] = k[best]; k[best] = t; }
    for (i = 0; i < n; i++) order[i] = k[i].idx;
    bft_free(k);
    return BFT_OK;
}

BERTFT_DEF void bft_encoded_lengths(const bft_encoded *e, int *lengths)
{
    int i;
    for (i = 0; i < e->n; i++) lengths[i] = (int)(e->offsets[i + 1] - e->offsets[i]);
}

BERTFT_DEF int64_t bft_num_batches(int64_t n, int batch_size, int drop_last)
{
    if (batch_size <= 0 || n <= 0) return 0;
    return drop_last ? n / batch_size : (n + batch_size - 1) / batch_size;
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Metrics (sklearn / scipy semantics, as evaluate's glue metric computes them)             */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF int bft_argmax(const float *x, int n)
{
    int i, b = 0;
    for (i = 0; i < n; i++) {
        if (x[i] != x[i]) return i; /* np.argmax: the first NaN wins */
        if (x[i] > x[b]) b = i;
    }
    return b;
}

BERTFT_DEF double bft_metric_accuracy(const int *pred, const int *labels, int n)
{
    int i, c = 0;
    if (n <= 0) return NAN;
    for (i = 0; i < n; i++) c += pred[i] == labels[i];
    return (double)c / n;
}

BERTFT_DEF double bft_metric_f1(const int *pred, const int *labels, int n)
{
    int i;
    double tp = 0, fp = 0, fn = 0;
    for (i = 0; i < n; i++) {
        tp += pred[i] == 1 && labels[i] == 1;
        fp += pred[i] == 1 && labels[i] != 1;
        fn += pred[i] != 1 && labels[i] == 1;
    }
    if (2 * tp + fp + fn == 0) return 0.0; /* zero_division */
    return 2 * tp / (2 * tp + fp + fn);
}

BERTFT_DEF double bft_metric_matthews(const int *pred, const int *labels, int n, int num_classes)
{
    /* sklearn: cov(t,p) = c*s - t.p, cov(p,p) = s^2 - p.p, cov(t,t) = s^2 - t.t (t, p: class counts) */
    double *t, *p, c = 0, s = n, tp_ = 0, pp = 0, tt = 0, cov;
    int i;
    if (n <= 0 || num_classes <= 0) return 0.0;
    t = BFT__NEW(double, 2 * (size_t)num_classes);
    if (!t) return NAN;
    p = t + num_classes;
    for (i = 0; i < n; i++) {
        if (labels[i] >= 0 && labels[i] < num_classes) t[labels[i]] += 1;
        if (pred[i] >= 0 && pred[i] < num_classes) p[pred[i]] += 1;
        c += pred[i] == labels[i];
    }
    for (i = 0; i < num_classes; i++) { tp_ += t[i] * p[i]; pp += p[i] * p[i]; tt += t[i] * t[i]; }
    bft_free(t);
    cov = c * s - tp_;
    if ((s * s - pp) * (s * s - tt) == 0) return 0.0;
    return cov / sqrt((s * s - tt) * (s * s - pp));
}

static double bft__pearson_d(const double *x, const double *y, int n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, r;
    int i, cx = 1, cy = 1;
    if (n < 2) return NAN;
    for (i = 0; i < n; i++) {
        mx += x[i]; my += y[i];
        cx &= x[i] == x[0];
        cy &= y[i] == y[0];
    }
    if (cx || cy) return NAN; /* scipy: constant input => nan */
    mx /= n; my /= n;
    for (i = 0; i < n; i++) {
        double a = x[i] - mx, b = y[i] - my;
        sxx += a * a; syy += b * b; sxy += a * b;
    }
    r = sxy / (sqrt(sxx) * sqrt(syy));
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

BERTFT_DEF double bft_metric_pearson(const float *x, const float *y, int n)
{
    double *a = BFT__NEW(double, 2 * (size_t)(n > 0 ? n : 1)), r;
    int i;
    if (!a) return NAN;
    for (i = 0; i < n; i++) { a[i] = x[i]; a[n + i] = y[i]; }
    r = bft__pearson_d(a, a + n, n);
    bft_free(a);
    return r;
}

typedef struct bft__rankkey { float v; int i; } bft__rankkey;
static int bft__cmp_rank(const void *a, const void *b)
{
    const bft__rankkey *x = (const bft__rankkey *)a, *y = (const bft__rankkey *)b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->i - y->i;
}

/* scipy.stats.rankdata(method="average"): ranks from 1, ties share the mean of their ranks. */
static int bft__rank(const float *x, int n, double *rank)
{
    bft__rankkey *k = BFT__NEW(bft__rankkey, n);
    int i, j;
    if (!k) return 0;
    for (i = 0; i < n; i++) { k[i].v = x[i]; k[i].i = i; }
    qsort(k, (size_t)n, sizeof *k, bft__cmp_rank);
    for (i = 0; i < n; i = j) {
        double avg;
        for (j = i + 1; j < n && k[j].v == k[i].v; j++) {}
        avg = (i + 1 + j) / 2.0; /* mean of ranks i+1 .. j */
        for (; i < j; i++) rank[k[i].i] = avg;
    }
    bft_free(k);
    return 1;
}

BERTFT_DEF double bft_metric_spearman(const float *x, const float *y, int n)
{
    double *r, v;
    int i;
    if (n < 2) return NAN;
    for (i = 0; i < n; i++) if (x[i] != x[i] || y[i] != y[i]) return NAN;
    r = BFT__NEW(double, 2 * (size_t)n);
    if (!r) return NAN;
    if (!bft__rank(x, n, r) || !bft__rank(y, n, r + n)) { bft_free(r); return NAN; }
    v = bft__pearson_d(r, r + n, n);
    bft_free(r);
    return v;
}

BERTFT_DEF double bft_metric_mse(const float *pred, const float *labels, int n)
{
    double s = 0;
    int i;
    if (n <= 0) return NAN;
    for (i = 0; i < n; i++) { double d = (double)pred[i] - (double)labels[i]; s += d * d; }
    return s / n;
}

static void bft__metrics_add(bft_metrics *m, const char *name, double v)
{
    if (m->n < BFT_MAX_METRICS) { m->names[m->n] = name; m->values[m->n] = v; m->n++; }
}

BERTFT_DEF double bft_metrics_get(const bft_metrics *m, const char *name)
{
    int i;
    for (i = 0; i < m->n; i++) if (strcmp(m->names[i], name) == 0) return m->values[i];
    return NAN;
}

BERTFT_DEF bft_result bft_glue_metrics(const char *task, const float *logits, int n, int num_labels,
                                       const float *labels, bft_metrics *out)
{
    const bft_task_info *t = NULL;
    int i, *pred = NULL, *lab = NULL;
    memset(out, 0, sizeof *out);
    out->collapsed_class = -1;
    if (task) {
        t = bft_glue_task_info(task);
        if (!t) return BFT_ERR_INVALID;
        if (t->num_labels != num_labels)
            return bft__fail(BFT_ERR_INVALID, "metrics: task %s has %d labels, the logits have %d", t->name, t->num_labels, num_labels);
    }
    if (n <= 0 || num_labels <= 0 || !logits || !labels)
        return bft__fail(BFT_ERR_INVALID, "metrics: need n > 0 predictions with labels (n = %d, num_labels = %d)", n, num_labels);
    if (num_labels == 1) {
        /* regression: np.squeeze(predictions) */
        for (i = 1; i < n && logits[i] == logits[0]; i++) {}
        out->collapsed = n > 1 && i == n;
        if (t && strcmp(t->name, "stsb") == 0) {
            bft__metrics_add(out, "pearson", bft_metric_pearson(logits, labels, n));
            bft__metrics_add(out, "spearmanr", bft_metric_spearman(logits, labels, n));
        } else if (!t) {
            bft__metrics_add(out, "mse", bft_metric_mse(logits, labels, n));
        } else {
            return bft__fail(BFT_ERR_INVALID, "metrics: task %s is not a regression task", t->name);
        }
    } else {
        pred = BFT__NEW(int, 2 * (size_t)n);
        if (!pred) return bft__fail(BFT_ERR_OOM, "out of memory");
        lab = pred + n;
        for (i = 0; i < n; i++) {
            float l = labels[i];
            if (!(l >= 0 && l < (float)num_labels && l == (float)(int)l)) {
                bft_free(pred);
                return bft__fail(BFT_ERR_INVALID, "metrics: label %g of example %d is not a class id in 0..%d", (double)l, i,
                                 num_labels - 1);
            }
            lab[i] = (int)l;
            pred[i] = bft_argmax(logits + (size_t)i * (size_t)num_labels, num_labels);
        }
        for (i = 1; i < n && pred[i] == pred[0]; i++) {}
        if (n > 1 && i == n) { out->collapsed = 1; out->collapsed_class = pred[0]; }
        if (t && strcmp(t->name, "cola") == 0) {
            bft__metrics_add(out, "matthews_correlation", bft_metric_matthews(pred, lab, n, num_labels));
        } else {
            bft__metrics_add(out, "accuracy", bft_metric_accuracy(pred, lab, n));
            if (t && (strcmp(t->name, "mrpc") == 0 || strcmp(t->name, "qqp") == 0))
                bft__metrics_add(out, "f1", bft_metric_f1(pred, lab, n));
        }
        bft_free(pred);
    }
    if (out->n > 1) {
        /* run_glue: result["combined_score"] = np.mean(list(result.values())) */
        double s = 0;
        for (i = 0; i < out->n; i++) s += out->values[i];
        bft__metrics_add(out, "combined_score", s / out->n);
    }
    return BFT_OK;
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

/* Read tensor `e` into `dst` as float, in chunks (no second copy of a large tensor): back to
   back, or (t not NULL) into model tensor t's rows in the buffer dst (params, or an AdamW
   moment), t->ld floats apart; t's numel equals e's. */
static bft_result bft__st_read_tensor(FILE *f, const char *path, const bft__st_header *h, const bft__st_entry *e, float *dst,
                                      const bft_tensor_info *t)
{
    unsigned char buf[1 << 16];
    const int rows = t && t->ld != (size_t)t->shape[1]; /* else one run of values */
    const uint64_t cols = rows ? (uint64_t)t->shape[1] : e->numel, ld = rows ? (uint64_t)t->ld : cols;
    uint64_t done = 0, per = sizeof buf / (uint64_t)e->esize;
    if (t) dst += t->offset;
    if (fseek(f, (long)(h->data_start + e->begin), SEEK_SET) != 0)
        return bft__fail(BFT_ERR_IO, "%s: cannot seek to tensor \"%s\"", path, e->name);
    while (done < e->numel) {
        const uint64_t col = done % cols, left = cols - col; /* a chunk ends at its row's end */
        uint64_t cnt = left < per ? left : per;
        if (fread(buf, (size_t)e->esize, (size_t)cnt, f) != (size_t)cnt)
            return bft__fail(BFT_ERR_IO, "%s: truncated data in tensor \"%s\"", path, e->name);
        bft__st_convert(dst + done / cols * ld + col, buf, cnt, e->dtype);
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
        if ((r = bft__st_read_tensor(f, path, &h, &h.e[i], t->data, NULL)) != BFT_OK) goto done;
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

/* bft_st_write, where tensor i's rows may be lds[i] floats apart (lds NULL, or 0: back to back) */
static bft_result bft__st_write(const char *path, int n, const char *const *names, const int *ndims,
                                const int64_t *const *shapes, const float *const *data, const size_t *lds)
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
        size_t numel = 1, r;
        for (d = 0; d < ndims[i]; d++) numel *= (size_t)shapes[i][d];
        if (lds && lds[i] && ndims[i] == 2 && lds[i] != (size_t)shapes[i][1])
            for (r = 0; ok && r < (size_t)shapes[i][0]; r++) ok = bft__write_le_floats(f, data[i] + r * lds[i], (size_t)shapes[i][1]);
        else ok = bft__write_le_floats(f, data[i], numel);
    }
    bft_free(hdr);
    return bft__atomic_commit(f, tmp, path, ok);
}

BERTFT_DEF bft_result bft_st_write(const char *path, int n, const char *const *names, const int *ndims,
                                   const int64_t *const *shapes, const float *const *data)
{
    return bft__st_write(path, n, names, ndims, shapes, data, NULL);
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
    return bft_model_load_safetensors_ex(m, path, seed, 0);
}

BERTFT_DEF bft_result bft_model_load_safetensors_ex(bft_model *m, const char *path, uint64_t seed, unsigned flags)
{
    FILE *f;
    bft__st_header h;
    bft_result r;
    char *loaded = NULL;
    bft__buf unused = {0, 0, 0, 0}, fresh = {0, 0, 0, 0}, report = {0, 0, 0, 0}, mism = {0, 0, 0, 0};
    int i, k, nunused = 0, nfresh = 0, nmism = 0;
    uint64_t rng[4];
    if ((r = bft__st_open(path, &f, &h)) != BFT_OK) return r;
    bft_model_unpack_bf16(m);
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
            if (flags & BFT_LOAD_IGNORE_MISMATCHED_SIZES) {
                bft__buf_printf(&mism, "\n- %s: found shape %s in the checkpoint and %s in the model instantiated", t->name, a, b2);
                nmism++;
                loaded[k] = 2; /* initialised below, reported apart */
                continue;
            }
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
        if (t && loaded[t - m->tensors] == 1 && (r = bft__st_read_tensor(f, path, &h, &h.e[i], m->params, t)) != BFT_OK) goto done;
    }
    /* what the checkpoint lacks is initialised as HF does, and reported */
    bft__rng_seed(rng, seed);
    for (k = 0; k < m->num_tensors; k++)
        if (loaded[k] != 1) {
            bft__init_tensor(m, k, rng);
            if (loaded[k] == 2) continue;
            bft__buf_printf(&fresh, "%s%s", nfresh ? ", " : "", m->tensors[k].name);
            nfresh++;
        }
    if (nunused)
        bft__buf_printf(&report, "Some weights of the model checkpoint at %s were not used (%d): %s\n", path, nunused, unused.p);
    if (nfresh)
        bft__buf_printf(&report, "Some weights of BertForSequenceClassification were not initialized from the model "
                        "checkpoint at %s and are newly initialized (%d): %s\n", path, nfresh, fresh.p);
    if (nmism)
        bft__buf_printf(&report, "Some weights of BertForSequenceClassification were not initialized from the model "
                        "checkpoint at %s and are newly initialized because the shapes did not match:%s\n", path, mism.p);
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
    bft_free(mism.p);
    bft_free(report.p);
    return r;
}

BERTFT_DEF bft_result bft_model_from_pretrained(bft_model **out, const char *dir, const bft_config *config, uint64_t seed)
{
    return bft_model_from_pretrained_ex(out, dir, config, seed, 0);
}

BERTFT_DEF bft_result bft_model_from_pretrained_ex(bft_model **out, const char *dir, const bft_config *config,
                                                   uint64_t seed, unsigned flags)
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
    if ((r = bft_model_load_safetensors_ex(m, st_path, seed, flags)) != BFT_OK) {
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
    char *p = NULL;
    const char **names = NULL;
    int *ndims = NULL, k;
    const int64_t **shapes = NULL;
    const float **data = NULL;
    size_t *lds = NULL;
    bft_result r;
    if ((r = bft_mkdirs(dir)) != BFT_OK) return r;
    names = BFT__NEW(const char *, m->num_tensors);
    ndims = BFT__NEW(int, m->num_tensors);
    shapes = BFT__NEW(const int64_t *, m->num_tensors);
    data = BFT__NEW(const float *, m->num_tensors);
    lds = BFT__NEW(size_t, m->num_tensors);
    if (!names || !ndims || !shapes || !data || !lds || !(p = bft__path_join(dir, "model.safetensors"))) {
        r = bft__fail(BFT_ERR_OOM, "out of memory");
        goto done;
    }
    for (k = 0; k < m->num_tensors; k++) {
        names[k] = m->tensors[k].name;
        ndims[k] = m->tensors[k].ndim;
        shapes[k] = m->tensors[k].shape;
        data[k] = m->params + m->tensors[k].offset;
        lds[k] = m->tensors[k].ld;
    }
    if ((r = bft__st_write(p, m->num_tensors, names, ndims, shapes, data, lds)) != BFT_OK) goto done;
    bft_free(p);
    if (!(p = bft__path_join(dir, "config.json"))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    r = bft_config_save(&m->config, p);
done:
    bft_free(p);
    bft_free((void *)names);
    bft_free(ndims);
    bft_free((void *)shapes);
    bft_free((void *)data);
    bft_free(lds);
    return r;
}



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

/* trainer_log.jsonl: written whole (atomically) the first time a trainer logs, so it holds exactly
   this trainer's entries (after a resume: those up to the checkpoint); later entries are appended,
   a line at a time, instead of rewriting a file that grows with every step. A line cut short by a
   crash does not parse and is skipped when resuming. */
static bft_result bft__write_jsonl(bft_trainer *t)
{
    char *path = bft__path_join(t->args.output_dir, "trainer_log.jsonl");
    bft_result r;
    if (!path) return bft__fail(BFT_ERR_OOM, "out of memory");
    if (!t->jsonl_written) {
        bft__buf b = {0, 0, 0, 0};
        int i;
        /* an evaluation without training may log first: output_dir may not exist yet (HF's
           Trainer creates it when it starts) */
        if ((r = bft_mkdirs(t->args.output_dir)) != BFT_OK) {
            bft_free(path);
            return r;
        }
        for (i = 0; i < t->n_jsonl; i++) {
            bft__buf_puts(&b, t->jsonl[i]);
            bft__buf_puts(&b, "\n");
        }
        r = b.oom ? bft__fail(BFT_ERR_OOM, "out of memory") : bft_write_file_atomic(path, b.p ? b.p : "", b.n);
        t->jsonl_written = r == BFT_OK;
        bft_free(b.p);
    } else {
        FILE *f = fopen(path, "ab");
        int ok = f && fputs(t->jsonl[t->n_jsonl - 1], f) >= 0 && fputc('\n', f) != EOF;
        ok = f && fclose(f) == 0 && ok;
        r = ok ? BFT_OK : bft__fail(BFT_ERR_IO, "%s: cannot append: %s", path, strerror(errno));
    }
    bft_free(path);
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
    if (a->bf16) {
        m->precision = BFT_BF16;
        if (!a->device && !bft_gemm_native_bf16())
            bft__tlog(t, "warning: --bf16: this CPU has no AVX512_BF16; bf16 products are emulated (same results, "
                         "no speed-up)");
    }
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
/* On the CPU the clipping factor goes to AdamW (*coef) instead of into the grads: the same
   update, one pass over the gradients fewer. A device clips its own copy (*coef = 1). */
static bft_result bft__step_clip(bft_trainer *t, float max_norm, float *norm, float *coef)
{
    const bft_device *d = t->args.device;
    *coef = 1.0f;
    return d ? d->clip_grad_norm(d->ctx, t->model, max_norm, norm) : bft_clip_grad_norm_coef(t->model, max_norm, norm, coef);
}
static bft_result bft__step_adamw(bft_trainer *t, double lr, float coef)
{
    const bft_device *d = t->args.device;
    if (d) return d->adamw_step(d->ctx, t->model, &t->opt, lr);
    bft_adamw_step_scaled(&t->opt, t->model, lr, coef);
    return BFT_OK;
}
static bft_result bft__to_host(bft_trainer *t)
{
    const bft_device *d = t->args.device;
    if (d) bft_model_unpack_bf16(t->model); /* m->params are about to change */
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
    int nkv = 0, packed = 0;
    memset(&pb, 0, sizeof pb);
    memset(&mt, 0, sizeof mt);
    if (e->n < 1) return bft__fail(BFT_ERR_INVALID, "evaluation set is empty");
    /* the weights stay as they are for the whole loop: bf16 forwards read them packed once (out
       of memory for the copy: they pack as they go, as in training) */
    if (!t->args.device && m->precision == BFT_BF16 && !m->wpack && e->n > bs) {
        packed = bft_model_pack_bf16(m) == BFT_OK && m->wpack;
    }
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
    if (packed) bft_model_unpack_bf16(m);
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
    size_t *lds = BFT__NEW(size_t, n);
    int64_t one = 1;
    float step = (float)t->opt.step;
    char *path = bft__path_join(dir, "optimizer.safetensors");
    bft_result r;
    if (!names || !namebuf || !nd || !shapes || !data || !lds || !path) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
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
        lds[2 * k] = lds[2 * k + 1] = ti->ld;
    }
    names[n - 1] = "step";
    nd[n - 1] = 1;
    shapes[n - 1] = &one;
    data[n - 1] = &step;
    lds[n - 1] = 0;
    r = bft__st_write(path, n, names, nd, shapes, data, lds);
done:
    bft_free((void *)names); bft_free(namebuf); bft_free(nd); bft_free((void *)shapes); bft_free((void *)data); bft_free(lds);
    bft_free(path);
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
    bft__json j;
    bft_result r;
    int k, e;
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
    /* straight into the optimizer's buffers, one tensor at a time (a copy of the whole state, as
       bft_st_read makes, would add 8 bytes per parameter to the peak memory of a resumed run) */
    {
        FILE *f;
        bft__st_header h;
        const bft__st_entry *s = NULL;
        float stepf = 0;
        if ((r = bft__st_open(p, &f, &h)) != BFT_OK) { bft_free(p); return r; }
        for (k = 0; k < t->model->num_tensors && r == BFT_OK; k++) {
            const bft_tensor_info *ti = &t->model->tensors[k];
            const bft__st_entry *a = NULL, *b = NULL;
            char nm[2][128];
            snprintf(nm[0], sizeof nm[0], "exp_avg.%s", ti->name);
            snprintf(nm[1], sizeof nm[1], "exp_avg_sq.%s", ti->name);
            for (e = 0; e < h.n; e++) {
                if (strcmp(h.e[e].name, nm[0]) == 0) a = &h.e[e];
                else if (strcmp(h.e[e].name, nm[1]) == 0) b = &h.e[e];
            }
            if (!a || !b || a->numel != ti->numel || b->numel != ti->numel)
                r = bft__fail(BFT_ERR_FORMAT, "%s/optimizer.safetensors: missing or mis-shaped state for %s", dir, ti->name);
            else if ((r = bft__st_read_tensor(f, p, &h, a, t->opt.m, ti)) == BFT_OK)
                r = bft__st_read_tensor(f, p, &h, b, t->opt.v, ti);
        }
        for (e = 0; e < h.n && r == BFT_OK; e++)
            if (strcmp(h.e[e].name, "step") == 0) s = &h.e[e];
        if (r == BFT_OK && (!s || s->numel != 1)) r = bft__fail(BFT_ERR_FORMAT, "%s/optimizer.safetensors: no step", dir);
        if (r == BFT_OK && (r = bft__st_read_tensor(f, p, &h, s, &stepf, NULL)) == BFT_OK) t->opt.step = (int64_t)stepf;
        fclose(f);
        bft__st_header_free(&h);
        bft_free(p);
        if (r != BFT_OK) return r;
    }
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
    float grad_norm = 0, clip_coef = 1.0f;
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
    non_emb = (double)bft_model_count_params(m);
    for (k = 0; k < m->num_tensors; k++)
        if (strstr(m->tensors[k].name, "embeddings.")) non_emb -= (double)m->tensors[k].numel;

    bft__tlog(t, "***** Running training *****");
    bft__tlog(t, "  Num examples = %d", train->n);
    bft__tlog(t, "  Num Epochs = %lld", (long long)num_epochs);
    bft__tlog(t, "  Instantaneous batch size per device = %d", bs);
    bft__tlog(t, "  Gradient Accumulation steps = %d", GA);
    bft__tlog(t, "  Total optimization steps = %lld", (long long)t->max_steps);
    bft__tlog(t, "  Number of trainable parameters = %lu", (unsigned long)bft_model_count_params(m));
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
            bft_batch b;
            if (epoch == epochs_trained && step < skip_micro) continue;
            if ((r = bft_collate(&pb, train, order + step * bs, cnt, bft__pad_id(t), a->pad_to_multiple_of,
                                 a->pad_to_max_length ? a->max_seq_length : 0, train_labels)) != BFT_OK)
                goto done;
            b = bft_padded_batch_view(&pb);
            /* dropout masks depend only on (seed, step, micro-batch): a resumed run draws the same */
            bft_model_seed(m, a->seed * 1000003ull + (uint64_t)t->global_step * 1024u + (uint64_t)micro_in_update);
            if ((r = bft__step_forward(t, &b, 1)) != BFT_OK) goto done;
            if ((r = bft__step_backward(t, 1.0f / (float)GA)) != BFT_OK) goto done;
            step_loss += (double)m->loss / GA;
            t->total_flos += 6.0 * non_emb * (double)b.batch_size * b.seq_len;
            micro_in_update++;
            if (!update_now) continue;
            micro_in_update = 0;
            /* clip, step, schedule (Trainer order); a non-finite loss or norm skips the update */
            r = bft__step_clip(t, a->max_grad_norm > 0 ? (float)a->max_grad_norm : FLT_MAX, &grad_norm, &clip_coef);
            if (r == BFT_ERR_NUMERIC || !(step_loss == step_loss) || step_loss > DBL_MAX) {
                bft__tlog(t, "warning: step %lld: loss %g, gradient norm %g: update skipped",
                          (long long)t->global_step + 1, step_loss, (double)grad_norm);
            } else if (r != BFT_OK ||
                       (r = bft__step_adamw(t, bft_lr_at(a->lr_scheduler_type, a->learning_rate, t->global_step,
                                                         t->warmup, t->max_steps), clip_coef)) != BFT_OK) {
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
/* 11. Logging: TensorBoard event files                                                        */
/* ------------------------------------------------------------------------------------------ */
/* CRC32C, reflected polynomial 0x82F63B78, four bits at a time (a 16-entry constant table:
   no initialisation, so no race between threads). Event files are small; speed is no issue. */
static const uint32_t bft__crc32c_nib[16] = {
    0x00000000u, 0x105ec76fu, 0x20bd8edeu, 0x30e349b1u, 0x417b1dbcu, 0x5125dad3u, 0x61c69362u, 0x7198540du,
    0x82f63b78u, 0x92a8fc17u, 0xa24bb5a6u, 0xb21572c9u, 0xc38d26c4u, 0xd3d3e1abu, 0xe330a81au, 0xf36e6f75u};

BERTFT_DEF uint32_t bft_crc32c(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i;
    crc = ~crc;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ bft__crc32c_nib[crc & 15];
        crc = (crc >> 4) ^ bft__crc32c_nib[crc & 15];
    }
    return ~crc;
}

BERTFT_DEF uint32_t bft_crc32c_masked(const void *data, size_t n)
{
    uint32_t c = bft_crc32c(0, data, n);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

struct bft_tb {
    FILE *f;
    char *path;
};

static void bft__pb_varint(bft__buf *b, uint64_t v)
{
    char t[10];
    int k = 0;
    do {
        t[k++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    bft__buf_put(b, t, (size_t)k);
}
static void bft__pb_le(bft__buf *b, uint64_t v, int bytes)
{
    char t[8];
    int i;
    for (i = 0; i < bytes; i++) t[i] = (char)((v >> (8 * i)) & 0xff);
    bft__buf_put(b, t, (size_t)bytes);
}
static void bft__pb_bytes(bft__buf *b, int field, const char *s, size_t n)
{
    bft__pb_varint(b, ((uint64_t)field << 3) | 2);
    bft__pb_varint(b, n);
    bft__buf_put(b, s, n);
}

static double bft__wall_time(void)
{
#if !defined(_WIN32) && defined(CLOCK_REALTIME)
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0) return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
#endif
    return (double)time(NULL);
}

/* Frame `data` as a TFRecord and write it: u64 length, masked crc of it, data, masked crc of data. */
static bft_result bft__tb_record(bft_tb *w, const char *data, size_t n)
{
    unsigned char hdr[12];
    uint32_t c;
    int i;
    for (i = 0; i < 8; i++) hdr[i] = (unsigned char)(((uint64_t)n >> (8 * i)) & 0xff);
    c = bft_crc32c_masked(hdr, 8);
    for (i = 0; i < 4; i++) hdr[8 + i] = (unsigned char)((c >> (8 * i)) & 0xff);
    if (fwrite(hdr, 1, 12, w->f) != 12 || (n && fwrite(data, 1, n, w->f) != n))
        return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    c = bft_crc32c_masked(data, n);
    for (i = 0; i < 4; i++) hdr[i] = (unsigned char)((c >> (8 * i)) & 0xff);
    if (fwrite(hdr, 1, 4, w->f) != 4) return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    return bft_tb_flush(w);
}

/* Event{wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5}. */
static void bft__tb_event_head(bft__buf *b, int64_t step)
{
    union { double d; uint64_t u; } wt;
    wt.d = bft__wall_time();
    bft__pb_varint(b, (1 << 3) | 1);
    bft__pb_le(b, wt.u, 8);
    if (step != 0) { /* proto3 leaves zero out */
        bft__pb_varint(b, 2 << 3);
        bft__pb_varint(b, (uint64_t)step);
    }
}

/* socket.gethostname() without <sys/socket.h> or gethostname() (hidden under -std=c99): the
   kernel's node name from /proc, then /etc/hostname, then the environment. */
static void bft__hostname(char *host, size_t cap)
{
    static const char *const files[] = {"/proc/sys/kernel/hostname", "/etc/hostname"};
    const char *env;
    size_t i, k;
    host[0] = 0;
#ifndef _WIN32
    for (i = 0; i < 2 && !host[0]; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) continue;
        k = fread(host, 1, cap - 1, f);
        fclose(f);
        host[k] = 0;
        host[strcspn(host, "\r\n")] = 0;
    }
#else
    (void)files; (void)i; (void)k;
#endif
    env = getenv("COMPUTERNAME");
    if (!host[0] && !env) env = getenv("HOSTNAME");
    if (!host[0] && env) { strncpy(host, env, cap - 1); host[cap - 1] = 0; }
    /* the name goes into a file name: no path separators */
    for (i = 0; host[i]; i++) if (host[i] == '/' || host[i] == '\\') host[i] = '_';
    if (!host[0]) { strncpy(host, "localhost", cap - 1); host[cap - 1] = 0; }
}

static int bft__tb_uid = 0; /* tensorboard's _global_uid: one more per writer in this process */

BERTFT_DEF bft_result bft_tb_open(bft_tb **out, const char *logdir)
{
    char host[256], name[400];
    long pid;
    bft_tb *w;
    bft__buf b = {0, 0, 0, 0};
    bft_result r;
    *out = NULL;
    if ((r = bft_mkdirs(logdir)) != BFT_OK) return r;
    host[0] = 0;
    bft__hostname(host, sizeof host);
#ifdef _WIN32
    pid = (long)_getpid();
#else
    pid = (long)getpid();
#endif
    snprintf(name, sizeof name, "events.out.tfevents.%010ld.%s.%ld.%d", (long)time(NULL), host, pid, bft__tb_uid++);
    w = BFT__NEW(bft_tb, 1);
    if (!w || !(w->path = bft__path_join(logdir, name))) { bft_free(w); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    w->f = fopen(w->path, "wb");
    if (!w->f) {
        r = bft__fail(BFT_ERR_IO, "%s: cannot create the TensorBoard event file: %s", w->path, strerror(errno));
        bft_free(w->path);
        bft_free(w);
        return r;
    }
    bft__tb_event_head(&b, 0);
    bft__pb_bytes(&b, 3, "brain.Event:2", 13);
    r = b.oom ? bft__fail(BFT_ERR_OOM, "out of memory") : bft__tb_record(w, b.p, b.n);
    bft_free(b.p);
    if (r != BFT_OK) { bft_tb_close(w); return r; }
    *out = w;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_tb_scalar(bft_tb *w, const char *tag, float value, int64_t step)
{
    bft__buf v = {0, 0, 0, 0}, s = {0, 0, 0, 0}, e = {0, 0, 0, 0};
    union { float f; uint32_t u; } fv;
    bft_result r;
    if (!w || !tag) return bft__fail(BFT_ERR_INVALID, "tb_scalar: no writer or tag");
    /* Summary.Value{tag = 1, simple_value = 2 (float, in a oneof: written even when 0)} */
    fv.f = value;
    bft__pb_bytes(&v, 1, tag, strlen(tag));
    bft__pb_varint(&v, (2 << 3) | 5);
    bft__pb_le(&v, fv.u, 4);
    bft__pb_bytes(&s, 1, v.p, v.n);          /* Summary{value = 1} */
    bft__tb_event_head(&e, step);
    bft__pb_bytes(&e, 5, s.p, s.n);          /* Event.summary = 5 */
    r = (v.oom || s.oom || e.oom) ? bft__fail(BFT_ERR_OOM, "out of memory") : bft__tb_record(w, e.p, e.n);
    bft_free(v.p);
    bft_free(s.p);
    bft_free(e.p);
    return r;
}

BERTFT_DEF bft_result bft_tb_flush(bft_tb *w)
{
    if (!w || !w->f) return bft__fail(BFT_ERR_INVALID, "tb_flush: no open writer");
    if (fflush(w->f) != 0) return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    return BFT_OK;
}

BERTFT_DEF const char *bft_tb_path(const bft_tb *w) { return w ? w->path : NULL; }

BERTFT_DEF bft_result bft_tb_close(bft_tb *w)
{
    bft_result r = BFT_OK;
    if (!w) return BFT_OK;
    if (w->f && fclose(w->f) != 0) r = bft__fail(BFT_ERR_IO, "%s: close failed: %s", w->path, strerror(errno));
    bft_free(w->path);
    bft_free(w);
    return r;
}

#ifdef BFT__CXX_DIAG_PUSHED
#pragma GCC diagnostic pop
#endif
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
