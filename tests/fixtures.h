/* tests/fixtures.h - reading the PyTorch reference fixtures (tools/make_reference.py), shared by
   the tests that compare against them. Include after bertft.h and test.h. */
#ifndef BFT_TEST_FIXTURES_H
#define BFT_TEST_FIXTURES_H

/* ||a - b|| / ||b|| (0/0 = 0) and max |a - b| */
static double normrel(const float *a, const float *b, size_t n, double *maxabs)
{
    double d = 0, r = 0, m = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double e = (double)a[i] - b[i];
        d += e * e;
        r += (double)b[i] * b[i];
        if (fabs(e) > m) m = fabs(e);
    }
    if (maxabs) *maxabs = m;
    return r > 0 ? sqrt(d / r) : sqrt(d);
}

/* Batch `s` of the reference's [S, B, T] step tensors, or batch 0 when prefix is "". */
typedef struct {
    int32_t *ids, *types, *mask;
    float *labels;
    bft_batch b;
} tbatch;

static void get_batch(const bft_st_file *ref, const char *prefix, int s, tbatch *tb)
{
    char nm[64];
    const bft_st_tensor *ids, *ty, *mk, *lb;
    int B, T, i;
    snprintf(nm, sizeof nm, "%sinput_ids", prefix); ids = bft_st_get(ref, nm);
    snprintf(nm, sizeof nm, "%stoken_type_ids", prefix); ty = bft_st_get(ref, nm);
    snprintf(nm, sizeof nm, "%sattention_mask", prefix); mk = bft_st_get(ref, nm);
    snprintf(nm, sizeof nm, "%slabels", prefix); lb = bft_st_get(ref, nm);
    B = (int)ids->shape[ids->ndim - 2];
    T = (int)ids->shape[ids->ndim - 1];
    tb->ids = (int32_t *)malloc(sizeof(int32_t) * B * T);
    tb->types = (int32_t *)malloc(sizeof(int32_t) * B * T);
    tb->mask = (int32_t *)malloc(sizeof(int32_t) * B * T);
    tb->labels = (float *)malloc(sizeof(float) * B);
    for (i = 0; i < B * T; i++) {
        tb->ids[i] = (int32_t)ids->data[(size_t)s * B * T + i];
        tb->types[i] = (int32_t)ty->data[(size_t)s * B * T + i];
        tb->mask[i] = (int32_t)mk->data[(size_t)s * B * T + i];
    }
    for (i = 0; i < B; i++) tb->labels[i] = lb->data[(size_t)s * B + i];
    tb->b.batch_size = B;
    tb->b.seq_len = T;
    tb->b.input_ids = tb->ids;
    tb->b.token_type_ids = tb->types;
    tb->b.attention_mask = tb->mask;
    tb->b.labels = tb->labels;
}

static void free_batch(tbatch *tb)
{
    free(tb->ids); free(tb->types); free(tb->mask); free(tb->labels);
}

#endif
