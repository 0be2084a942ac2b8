/* Resuming from a checkpoint: trainer_state.json, optimizer.safetensors (and trainer_log.jsonl of
   the output folder) as bft__load_checkpoint / bft__load_jsonl read them. The first byte picks the
   file; the other files of the checkpoint are valid ones written once at start-up (a model of the
   shape of tests/fixtures/cls2). */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static const char cfg_json[] =
    "{\"hidden_size\": 20, \"intermediate_size\": 37, \"num_attention_heads\": 4, \"num_hidden_layers\": 2,"
    " \"max_position_embeddings\": 32, \"vocab_size\": 64, \"type_vocab_size\": 2, \"initializer_range\": 0.2}";
static bft_model *model;
static char ck[600];
static char *good[2];
static size_t good_n[2];
static const char *const names[2] = { "trainer_state.json", "optimizer.safetensors" };

static void setup(void)
{
    bft_config c;
    bft_train_args a;
    bft_trainer t;
    int i;
    snprintf(ck, sizeof ck, "%s/checkpoint-3", bft_fz_tmp());
    if (bft_config_parse(&c, cfg_json, sizeof cfg_json - 1, "cfg") != BFT_OK) abort();
    if (bft_model_create(&model, &c, 1) != BFT_OK) abort();
    bft_config_free(&c);
    if (bft_mkdirs(ck) != BFT_OK || bft_model_save(model, ck) != BFT_OK) abort();
    bft_train_args_default(&a);
    a.output_dir = bft_fz_tmp();
    if (bft_trainer_init(&t, model, NULL, &a, NULL) != BFT_OK) abort();
    t.global_step = 3;
    t.opt.step = 3;
    if (bft__save_optimizer(&t, ck) != BFT_OK || bft_trainer_save_state(&t, ck) != BFT_OK) abort();
    bft_trainer_free(&t);
    for (i = 0; i < 2; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s", ck, names[i]);
        if (bft_read_file(p, &good[i], &good_n[i]) != BFT_OK) abort();
        if (getenv("BFT_FUZZ_SEEDS")) { /* writes the seed corpus: tests/fuzz/corpus/checkpoint */
            char *s = (char *)malloc(good_n[i] + 1);
            s[0] = (char)i;
            memcpy(s + 1, good[i], good_n[i]);
            snprintf(p, sizeof p, "%s/%s", getenv("BFT_FUZZ_SEEDS"), names[i]);
            bft_fz_write(p, s, good_n[i] + 1);
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
    if (!model) setup();
    if (n < 1) return 0;
    which = d[0] % 3;
    bft_train_args_default(&a);
    a.output_dir = bft_fz_tmp();
    if (bft_trainer_init(&t, model, NULL, &a, NULL) != BFT_OK) abort();
    if (which < 2) {
        snprintf(p, sizeof p, "%s/%s", ck, names[which]);
        bft_fz_write(p, d + 1, n - 1);
        if (bft__load_checkpoint(&t, ck) == BFT_OK && t.global_step < 0) abort();
        bft_fz_write(p, good[which], good_n[which]);
    } else {
        snprintf(p, sizeof p, "%s/trainer_log.jsonl", bft_fz_tmp());
        bft_fz_write(p, d + 1, n - 1);
        if (bft__load_checkpoint(&t, ck) != BFT_OK) abort();
        bft__load_jsonl(&t);
    }
    bft_trainer_free(&t);
    return 0;
}
