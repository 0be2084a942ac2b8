/* Resuming from a checkpoint: trainer_state.json, optimizer.safetensors (and trainer_log.jsonl of
   the output folder) as bft__load_checkpoint / bft__load_jsonl read them. The first byte picks the
   file; the other files of the checkpoint are valid ones written once at start-up (a model of the
   shape of tests/fixtures/cls2). */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static const char ck_cfg_json[] =
    "{\"hidden_size\": 20, \"intermediate_size\": 37, \"num_attention_heads\": 4, \"num_hidden_layers\": 2,"
    " \"max_position_embeddings\": 32, \"vocab_size\": 64, \"type_vocab_size\": 2, \"initializer_range\": 0.2}";
static bft_model *ck_model;
static char ck_dir[320], ck_out[280];
static char *ck_good[2];
static size_t ck_good_n[2];
static const char *const ck_names[2] = { "trainer_state.json", "optimizer.safetensors" };

static void ck_setup(void)
{
    bft_config c;
    bft_train_args a;
    bft_trainer t;
    int i;
    snprintf(ck_out, sizeof ck_out, "%s/ck", bft_fz_tmp());
    snprintf(ck_dir, sizeof ck_dir, "%s/checkpoint-3", ck_out);
    if (bft_config_parse(&c, ck_cfg_json, sizeof ck_cfg_json - 1, "cfg") != BFT_OK) abort();
    if (bft_model_create(&ck_model, &c, 1) != BFT_OK) abort();
    bft_config_free(&c);
    if (bft_mkdirs(ck_dir) != BFT_OK || bft_model_save(ck_model, ck_dir) != BFT_OK) abort();
    bft_train_args_default(&a);
    a.output_dir = ck_out;
    if (bft_trainer_init(&t, ck_model, NULL, &a, NULL) != BFT_OK) abort();
    t.global_step = 3;
    t.opt.step = 3;
    if (bft__save_optimizer(&t, ck_dir) != BFT_OK || bft_trainer_save_state(&t, ck_dir) != BFT_OK) abort();
    bft_trainer_free(&t);
    for (i = 0; i < 2; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s", ck_dir, ck_names[i]);
        if (bft_read_file(p, &ck_good[i], &ck_good_n[i]) != BFT_OK) abort();
        if (getenv("BFT_FUZZ_SEEDS")) { /* writes the seed corpus: tests/fuzz/corpus/checkpoint */
            char *s = (char *)malloc(ck_good_n[i] + 1);
            s[0] = (char)i;
            memcpy(s + 1, ck_good[i], ck_good_n[i]);
            snprintf(p, sizeof p, "%s/%s", getenv("BFT_FUZZ_SEEDS"), ck_names[i]);
            bft_fz_write(p, s, ck_good_n[i] + 1);
            free(s);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    bft_train_args a;
    bft_trainer t;
    char p[700];
    int which;
    if (!ck_model) ck_setup();
    if (n < 1) return 0;
    which = d[0] % 3;
    bft_train_args_default(&a);
    a.output_dir = ck_out;
    if (bft_trainer_init(&t, ck_model, NULL, &a, NULL) != BFT_OK) abort();
    if (which < 2) {
        snprintf(p, sizeof p, "%s/%s", ck_dir, ck_names[which]);
        bft_fz_write(p, d + 1, n - 1);
        if (bft__load_checkpoint(&t, ck_dir) == BFT_OK && t.global_step < 0) abort();
        bft_fz_write(p, ck_good[which], ck_good_n[which]);
    } else {
        snprintf(p, sizeof p, "%s/trainer_log.jsonl", ck_out);
        bft_fz_write(p, d + 1, n - 1);
        if (bft__load_checkpoint(&t, ck_dir) != BFT_OK) abort();
        bft__load_jsonl(&t);
    }
    bft_trainer_free(&t);
    return 0;
}
