/* tools/bench.c - bertft's side of `make bench`: one case per run, printed as one line
       CASE seconds_per_step tokens_per_s peak_rss_mb gflops
   The same cases as tools/bench_torch.py: random-init BERT-base / BERT-mini, dropout on, a
   training step = zero_grad + forward + backward + clip_grad_norm + AdamW (as the trainer runs
   them: the clipping factor applied inside AdamW); median of 5 steps
   after 3 warm-up steps.

       build/bench train_base|train_mrpc|train_mrpc_bf16|train_base_bf16|infer_base|infer_base_bf16|infer_one|infer_one_bf16|train_mini [threads]

   infer_one: one pair of 128 tokens (a single request's latency: products of 128 rows).
*/
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "train_mini";
    bft_config c;
    bft_model *m;
    bft_adamw opt;
    int B = 32, T = 128, train = 1, i, n;
    double times[8], flops;
    int32_t *ids, *types, *mask;
    float *labels;
    struct rusage ru;
    if (argc > 2) bft_set_num_threads(atoi(argv[2]));
    bft_config_default(&c);
    if (!strcmp(name, "train_mini")) {
        c.hidden_size = 256; c.num_hidden_layers = 4; c.num_attention_heads = 4; c.intermediate_size = 1024;
    } else if (!strcmp(name, "train_mrpc") || !strcmp(name, "train_mrpc_bf16")) {
        T = 79;
    } else if (!strcmp(name, "infer_base") || !strcmp(name, "infer_base_bf16")) {
        train = 0;
    } else if (!strcmp(name, "infer_one") || !strcmp(name, "infer_one_bf16")) {
        train = 0;
        B = 1;
    } else if (strcmp(name, "train_base") != 0 && strcmp(name, "train_base_bf16") != 0) {
        fprintf(stderr, "bench: unknown case %s\n", name);
        return 2;
    }
    if (bft_model_create(&m, &c, 1) != BFT_OK || bft_adamw_init(&opt, m, 2e-5f, 0.9f, 0.999f, 1e-8f, 0.01f) != BFT_OK) {
        fprintf(stderr, "bench: %s\n", bft_last_error());
        return 1;
    }
    if (strstr(name, "_bf16")) {
        if (!bft_gemm_native_bf16()) { /* emulated bf16 is not a speed mode: nothing to compare */
            printf("%s n/a n/a n/a n/a\n", name);
            return 0;
        }
        m->precision = BFT_BF16; /* what Trainer --bf16 sets */
        /* inference: the weights packed as bf16 once, as a server (or the trainer's evaluation)
           does; getenv for the A/B in the closing notes: BENCH_NO_PACK=1 converts them per forward */
        if (!train && !getenv("BENCH_NO_PACK") && bft_model_pack_bf16(m) != BFT_OK) {
            fprintf(stderr, "bench: %s\n", bft_last_error());
            return 1;
        }
    }
    n = B * T;
    ids = (int32_t *)malloc(sizeof(int32_t) * n);
    types = (int32_t *)calloc((size_t)n, sizeof(int32_t));
    mask = (int32_t *)malloc(sizeof(int32_t) * n);
    labels = (float *)malloc(sizeof(float) * B);
    srand(1);
    for (i = 0; i < n; i++) { ids[i] = 1000 + rand() % 29000; mask[i] = 1; }
    for (i = 0; i < B; i++) labels[i] = (float)(rand() % 2);
    for (i = 0; i < 8; i++) {
        bft_batch b = {B, T, ids, types, mask, labels};
        double t0 = bft__now();
        if (train) {
            float norm, coef;
            bft_zero_grad(m);
            /* the trainer's step: clipping folded into AdamW (bft_clip_grad_norm_coef) */
            if (bft_forward(m, &b, 1) != BFT_OK || bft_backward(m) != BFT_OK ||
                bft_clip_grad_norm_coef(m, 1.0f, &norm, &coef) != BFT_OK) {
                fprintf(stderr, "bench: %s\n", bft_last_error());
                return 1;
            }
            bft_adamw_step_scaled(&opt, m, 2e-5, coef);
        } else if (bft_forward(m, &b, 0) != BFT_OK) {
            fprintf(stderr, "bench: %s\n", bft_last_error());
            return 1;
        }
        times[i] = bft__now() - t0;
    }
    qsort(times + 3, 5, sizeof(double), cmp_double);
    getrusage(RUSAGE_SELF, &ru);
    /* the full model's matrix-product FLOPs (what PyTorch computes): 2 per multiply-add; training
       = 3x forward (dX and dW). bertft's last layer skips the rows the head does not read (about
       6% of this at 12 layers), so the figure is the model's FLOPs per second, not the work done. */
    {
        double C = c.hidden_size, I = c.intermediate_size, L = c.num_hidden_layers;
        double fwd = L * (2.0 * n * C * (4 * C + 2 * I) + 4.0 * B * (double)T * T * C);
        flops = train ? 3 * fwd : fwd;
    }
    printf("%s %.4f %.1f %.0f %.1f\n", name, times[5], n / times[5], ru.ru_maxrss / 1024.0, flops / times[5] / 1e9);
    bft_adamw_free(&opt);
    bft_model_free(m);
    free(ids); free(types); free(mask); free(labels);
    return 0;
}
