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
