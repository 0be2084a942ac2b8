/* tools/bench_tokenizer.c - bertft's tokenizer speed on all MRPC train pairs, one thread.
   Built and run by tools/bench_tokenizer.sh, which also times HF tokenizers on the same data. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "../shared/data";
    char path[1024], *buf, **a, **b;
    size_t len, i;
    int n = 0, cap = 4096, line = 0, rep;
    bft_tokenizer *t;
    bft_encoded e;
    double best = 1e30;
    snprintf(path, sizeof path, "%s/vocab/bert-base-uncased.txt", data);
    if (bft_tokenizer_load(&t, path, 1) != BFT_OK) { fprintf(stderr, "%s\n", bft_last_error()); return 1; }
    snprintf(path, sizeof path, "%s/glue/MRPC/train.tsv", data);
    if (bft_read_file(path, &buf, &len) != BFT_OK) { fprintf(stderr, "%s\n", bft_last_error()); return 1; }
    a = (char **)malloc(sizeof(char *) * (size_t)cap);
    b = (char **)malloc(sizeof(char *) * (size_t)cap);
    for (i = 0; i < len;) {
        char *s = buf + i, *end = strchr(s, '\n'), *col[8];
        int nc = 0;
        if (!end) end = buf + len;
        *end = 0;
        i = (size_t)(end - buf) + 1;
        if (line++ == 0) continue; /* header */
        col[nc++] = s;
        for (; *s && nc < 8; s++) if (*s == '\t') { *s = 0; col[nc++] = s + 1; }
        if (nc < 5) continue;
        if (n == cap) { cap *= 2; a = (char **)realloc(a, sizeof(char *) * (size_t)cap); b = (char **)realloc(b, sizeof(char *) * (size_t)cap); }
        a[n] = col[3];
        b[n] = col[4];
        n++;
    }
    bft_set_num_threads(1);
    for (rep = 0; rep < 10; rep++) {
        double t0 = now(), dt;
        if (bft_tokenizer_encode_batch(t, n, (const char *const *)a, (const char *const *)b, 128, BFT_TRUNC_LONGEST_FIRST, &e) != BFT_OK) {
            fprintf(stderr, "%s\n", bft_last_error());
            return 1;
        }
        dt = now() - t0;
        if (dt < best) best = dt;
        if (rep < 9) bft_encoded_free(&e);
    }
    printf("bertft pairs (encode_batch, 1 thread): %d pairs, %lld tokens, %.4f s, %.0f pairs/s, %.0f tokens/s\n", n,
           (long long)e.offsets[n], best, n / best, (double)e.offsets[n] / best);
    bft_encoded_free(&e);
    {   /* the same 2n sentences as single texts, as HF's encodeBatch is timed */
        char **s = (char **)malloc(sizeof(char *) * (size_t)(2 * n));
        memcpy(s, a, sizeof(char *) * (size_t)n);
        memcpy(s + n, b, sizeof(char *) * (size_t)n);
        best = 1e30;
        for (rep = 0; rep < 10; rep++) {
            double t0 = now(), dt;
            if (bft_tokenizer_encode_batch(t, 2 * n, (const char *const *)s, NULL, 128, BFT_TRUNC_LONGEST_FIRST, &e) != BFT_OK) return 1;
            dt = now() - t0;
            if (dt < best) best = dt;
            if (rep < 9) bft_encoded_free(&e);
        }
        printf("bertft singles (encode_batch, 1 thread): %d texts, %lld tokens, %.4f s, %.0f texts/s, %.0f tokens/s\n", 2 * n,
               (long long)e.offsets[2 * n], best, 2 * n / best, (double)e.offsets[2 * n] / best);
        bft_encoded_free(&e);
        free(s);
    }
    bft_tokenizer_free(t);
    bft_free(buf);
    free(a);
    free(b);
    return 0;
}
