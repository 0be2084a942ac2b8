/* tests/test.h - the tiny test harness every test program uses.
   Each test program prints one line per test ("ok NAME" or "FAIL NAME: why") and tests/run.sh
   adds them up into the final "N passed, N failed" line. */
#ifndef BFT_TEST_H
#define BFT_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static int bft_t_failures_now; /* failures inside the running test */
static int bft_t_pass, bft_t_fail;
static const char *bft_t_name = "";

/* CHECK(cond, "printf format", ...): records a failure and prints where and why; the test goes on. */
#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            if (bft_t_failures_now++ < 8) {                                                \
                printf("  %s:%d: %s: ", __FILE__, __LINE__, bft_t_name);                   \
                printf(__VA_ARGS__);                                                       \
                printf("\n");                                                              \
            }                                                                              \
        }                                                                                  \
    } while (0)

/* Check a bft_result is BFT_OK, printing the library's message when it is not. */
#define CHECK_OK(expr)                                                                     \
    do {                                                                                   \
        bft_result r_ = (expr);                                                            \
        CHECK(r_ == BFT_OK, "%s -> %s: %s", #expr, bft_result_name(r_), bft_last_error()); \
    } while (0)

#define RUN_TEST(fn)                                                                       \
    do {                                                                                   \
        bft_t_name = #fn;                                                                  \
        bft_t_failures_now = 0;                                                            \
        fn();                                                                              \
        if (bft_t_failures_now) { bft_t_fail++; printf("FAIL %s\n", #fn); }              \
        else { bft_t_pass++; printf("ok %s\n", #fn); }                                   \
        fflush(stdout);                                                                    \
    } while (0)

#define TEST_MAIN_END() return bft_t_fail ? 1 : 0

/* Directory holding ../shared/data (tests run from the repository root). */
#define bft_t_data_dir() (getenv("BERTFT_DATA") ? getenv("BERTFT_DATA") : "../shared/data")

#ifdef BERTFT_H_INCLUDED
/* A model tensor's values back to back, from params, grads or an AdamW moment: where its rows
   are padded (bft_tensor_info.ld), a copy. The last two calls' results stay valid. */
static inline const float *tvals(const bft_tensor_info *t, const float *base)
{
    static float *buf[2];
    static size_t cap[2];
    static int next;
    const int k = next;
    next ^= 1;
    if (t->ld == (size_t)t->shape[1]) return base + t->offset;
    if (cap[k] < t->numel) {
        free(buf[k]);
        buf[k] = (float *)malloc(t->numel * sizeof(float));
        cap[k] = buf[k] ? t->numel : 0;
        if (!buf[k]) { printf("out of memory\n"); exit(1); }
    }
    bft_tensor_get(t, base, buf[k]);
    return buf[k];
}
#endif
#endif
