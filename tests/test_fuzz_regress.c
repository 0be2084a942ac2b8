/* tests/test_fuzz_regress.c - every libFuzzer harness of tests/fuzz, without libFuzzer: each input
   of tests/fuzz/regress/<harness>/ (inputs that once crashed, hung or leaked) and of the seed
   corpus tests/fuzz/corpus/<harness>/ goes through the harness once. So the regressions run in
   every build (make test, test-arm64, test-sanitize, test-nomp, test-cxx), not only under clang. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"
#include <dirent.h>

#define LLVMFuzzerTestOneInput fz_checkpoint
#include "fuzz/fuzz_checkpoint.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_config
#include "fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_data
#include "fuzz/fuzz_data.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_safetensors
#include "fuzz/fuzz_safetensors.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_tokenize
#include "fuzz/fuzz_tokenize.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_tokenizer_config
#include "fuzz/fuzz_tokenizer_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fz_vocab
#include "fuzz/fuzz_vocab.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fz_fn)(const uint8_t *, size_t);

/* Runs every file of dir through fn; returns how many (-1 when dir is missing and required). */
static int replay(const char *dir, fz_fn fn)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    if (!d) return -1;
    while ((de = readdir(d)) != NULL) {
        char p[1024], *data = NULL;
        size_t len;
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (bft_read_file(p, &data, &len) != BFT_OK) { CHECK(0, "%s: %s", p, bft_last_error()); continue; }
        fn((const uint8_t *)data, len); /* a crash, sanitizer report or abort() fails the program */
        bft_free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void run_harness(const char *name, fz_fn fn)
{
    char dir[256];
    int seeds, reg;
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    seeds = replay(dir, fn);
    snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", name);
    reg = replay(dir, fn);
    CHECK(seeds > 0, "no seed corpus in tests/fuzz/corpus/%s", name);
    printf("  fuzz_%s: %d seeds, %d regression inputs\n", name, seeds, reg < 0 ? 0 : reg);
}

static void test_fuzz_checkpoint(void) { run_harness("checkpoint", fz_checkpoint); }
static void test_fuzz_config(void) { run_harness("config", fz_config); }
static void test_fuzz_data(void) { run_harness("data", fz_data); }
static void test_fuzz_safetensors(void) { run_harness("safetensors", fz_safetensors); }
static void test_fuzz_tokenize(void) { run_harness("tokenize", fz_tokenize); }
static void test_fuzz_tokenizer_config(void) { run_harness("tokenizer_config", fz_tokenizer_config); }
static void test_fuzz_vocab(void) { run_harness("vocab", fz_vocab); }

int main(void)
{
    RUN_TEST(test_fuzz_checkpoint);
    RUN_TEST(test_fuzz_config);
    RUN_TEST(test_fuzz_data);
    RUN_TEST(test_fuzz_safetensors);
    RUN_TEST(test_fuzz_tokenize);
    RUN_TEST(test_fuzz_tokenizer_config);
    RUN_TEST(test_fuzz_vocab);
    /* what the harnesses keep for the process's life */
    if (sf_model) bft_model_free(sf_model);
    if (ck_model) bft_model_free(ck_model);
    bft_free(ck_good[0]);
    bft_free(ck_good[1]);
    if (tz_tk[0]) bft_tokenizer_free(tz_tk[0]);
    if (tz_tk[1]) bft_tokenizer_free(tz_tk[1]);
    if (dt_tok) bft_tokenizer_free(dt_tok);
    TEST_MAIN_END();
}
