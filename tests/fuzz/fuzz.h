/* tests/fuzz/fuzz.h - shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
   Build: clang -g -O1 -fsanitize=fuzzer,address,undefined (make fuzz-smoke builds and runs them all).
   Each harness defines BERTFT_IMPLEMENTATION and includes bertft.h before this file. The library's
   readers take paths, so inputs go through files in a private folder (/tmp/bft_fuzz.<pid>, or
   $BFT_FUZZ_TMP) that is reused for every input. A harness must never crash, hang, leak or read out
   of bounds, whatever the bytes: a bad file is one clear error (BFT_ERR_*), never a failure here. */
#ifndef BFT_FUZZ_H
#define BFT_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char bft_fz_dir[256];

static void bft_fz_cleanup(void) { bft__rmtree(bft_fz_dir); }

/* Folder for this process's files (created once). */
static const char *bft_fz_tmp(void)
{
    if (!bft_fz_dir[0]) {
        const char *base = getenv("BFT_FUZZ_TMP");
        snprintf(bft_fz_dir, sizeof bft_fz_dir, "%s/bft_fuzz.%ld", base ? base : "/tmp", (long)getpid());
        if (bft_mkdirs(bft_fz_dir) != BFT_OK) abort();
        atexit(bft_fz_cleanup);
    }
    return bft_fz_dir;
}

/* path = tmp/sub/name (static buffer per slot); tmp/sub is created. Each harness uses its own
   sub-folder, so that tests/test_fuzz_regress.c can run them all in one process. */
static const char *bft_fz_path(int slot, const char *sub, const char *name)
{
    static char p[4][512];
    snprintf(p[slot & 3], sizeof p[0], "%s/%s", bft_fz_tmp(), sub);
    if (bft_mkdirs(p[slot & 3]) != BFT_OK) abort();
    snprintf(p[slot & 3], sizeof p[0], "%s/%s/%s", bft_fz_tmp(), sub, name);
    return p[slot & 3];
}

static void bft_fz_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(data, 1, n, f) != n) abort();
    if (fclose(f) != 0) abort();
}

/* A small WordPiece vocabulary (ids 0..) for harnesses that need a tokenizer. */
static const char bft_fz_vocab[] =
    "[PAD]\n[unused0]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n\"\n#\n,\n-\n.\n?\n0\n1\n2\n9\na\nb\nc\ne\nthe\nun\n##aff\n"
    "##able\n##s\n##ing\n##e\nhello\nworld\ncafe\n##\xcc\x81\n\xe4\xb8\xad\n\xe6\x96\x87\n\xf0\x9f\x98\x80\n"
    "##a\n##b\n##c\nx\ny\nz\n";

/* Split data at the first 0xFF byte (or not at all) into two parts. */
static void bft_fz_split(const uint8_t *d, size_t n, const uint8_t **a, size_t *an, const uint8_t **b, size_t *bn)
{
    const uint8_t *s = (const uint8_t *)memchr(d, 0xFF, n);
    *a = d;
    if (!s) { *an = n; *b = NULL; *bn = 0; return; }
    *an = (size_t)(s - d);
    *b = s + 1;
    *bn = n - *an - 1;
}
#endif
