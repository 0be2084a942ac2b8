/* Data files: the first byte picks the reader, the rest is the file.
     0-3  run_glue --train_file: .tsv .csv .jsonl .json (bft_dataset_load_file), then the same file
          again as a validation file with the first as reference (label list reused)
     4-7  GLUE layout: MRPC, CoLA, STS-B, MNLI train.tsv / test.tsv (bft_glue_load)
   A loaded dataset is tokenized (encode_batch, max_length 16) and its first rows collated. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static bft_tokenizer *dt_tok;

static void dt_use(const bft_dataset *ds)
{
    bft_encoded e;
    bft_padded_batch pb;
    int idx[4], i, k;
    if (ds->n < 0 || (ds->n > 0 && !ds->text_a)) abort();
    for (i = 0; i < ds->n; i++) {
        (void)strlen(ds->text_a[i]);
        if (ds->text_b) (void)strlen(ds->text_b[i]);
        /* -1 is "no label" (run_glue keeps a file's -1 as -1; the model then refuses it by name) */
        if (ds->has_labels && !ds->is_regression && ds->labels[i] != -1.0f &&
            (ds->labels[i] < 0 || ds->labels[i] >= ds->num_labels)) {
            fprintf(stderr, "row %d: label %g outside [0, %d)\n", i, ds->labels[i], ds->num_labels);
            abort();
        }
    }
    for (i = 0; i < ds->num_labels && ds->label_names; i++) (void)strlen(ds->label_names[i]);
    memset(&e, 0, sizeof e);
    if (bft_tokenizer_encode_batch(dt_tok, ds->n, (const char *const *)ds->text_a, (const char *const *)ds->text_b, 16,
                                   BFT_TRUNC_LONGEST_FIRST, &e) != BFT_OK)
        return;
    k = ds->n < 4 ? ds->n : 4;
    for (i = 0; i < k; i++) idx[i] = i;
    memset(&pb, 0, sizeof pb);
    if (k > 0 && bft_collate(&pb, &e, idx, k, 0, 8, 0, ds->labels) == BFT_OK && pb.seq_len > 16) abort();
    bft_padded_batch_free(&pb);
    bft_encoded_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const char *const dt_ext[4] = { "f.tsv", "f.csv", "f.jsonl", "f.json" };
    static const char *const dt_task[4] = { "mrpc", "cola", "stsb", "mnli" };
    static const char *const dt_folder[4] = { "MRPC", "CoLA", "STS-B", "MNLI" };
    bft_dataset ds, dv;
    int mode;
    if (!dt_tok) {
        bft_fz_write(bft_fz_path(0, "dt", "vocab.txt"), bft_fz_vocab, sizeof bft_fz_vocab - 1);
        if (bft_tokenizer_load(&dt_tok, bft_fz_path(0, "dt", "vocab.txt"), 1) != BFT_OK) abort();
    }
    if (n < 1) return 0;
    mode = d[0] & 7;
    memset(&ds, 0, sizeof ds);
    memset(&dv, 0, sizeof dv);
    if (mode < 4) {
        const char *p = bft_fz_path(1, "dt", dt_ext[mode]);
        bft_fz_write(p, d + 1, n - 1);
        if (bft_dataset_load_file(&ds, p, NULL) == BFT_OK) {
            dt_use(&ds);
            if (bft_dataset_load_file(&dv, p, &ds) == BFT_OK) {
                dt_use(&dv);
                bft_dataset_free(&dv);
            }
            bft_dataset_free(&ds);
        }
    } else {
        char dir[600], p[700];
        int k = mode - 4;
        snprintf(dir, sizeof dir, "%s/dt/glue/%s", bft_fz_tmp(), dt_folder[k]);
        if (bft_mkdirs(dir) != BFT_OK) abort();
        snprintf(p, sizeof p, "%s/%s", dir, (d[0] & 8) ? (k == 3 ? "test_matched.tsv" : "test.tsv") : "train.tsv");
        bft_fz_write(p, d + 1, n - 1);
        if (bft_glue_load(&ds, dt_task[k], dir, (d[0] & 8) ? "test" : "train") == BFT_OK) {
            dt_use(&ds);
            bft_dataset_free(&ds);
        }
    }
    return 0;
}
