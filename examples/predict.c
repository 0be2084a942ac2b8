/* examples/predict.c - classify sentence pairs with a fine-tuned model directory.

       build/examples/predict MODEL_DIR ["sentence 1" "sentence 2"]...
   With no pairs, it classifies two built-in MRPC-style pairs. Prints the label name (from the
   model's id2label) and the softmax probabilities. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    static const char *const demo[] = {
        "The company said profits rose in the third quarter.", "Profits rose in the third quarter, the company said.",
        "He was arrested on Friday in the capital.", "The storm closed schools across the state."};
    const char *const *pairs = argc > 3 ? (const char *const *)argv + 2 : demo;
    int n = argc > 3 ? (argc - 2) / 2 : 2, i, k;
    bft_tokenizer *tok;
    bft_model *m;
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL_DIR [\"sentence 1\" \"sentence 2\"]...\n", argv[0]);
        return 2;
    }
    if (bft_tokenizer_from_pretrained(&tok, argv[1], -1) != BFT_OK || bft_model_from_pretrained(&m, argv[1], NULL, 0) != BFT_OK) {
        fprintf(stderr, "error: %s\n", bft_last_error());
        return 1;
    }
    for (i = 0; i < n; i++) {
        int32_t ids[128], types[128];
        int len, NL = m->config.num_labels;
        bft_batch b;
        const char *a = pairs[2 * i], *s2 = pairs[2 * i + 1];
        if (bft_tokenizer_encode(tok, a, strlen(a), s2, strlen(s2), 128, BFT_TRUNC_LONGEST_FIRST, ids, types, 128, &len) != BFT_OK) {
            fprintf(stderr, "error: %s\n", bft_last_error());
            return 1;
        }
        b.batch_size = 1; b.seq_len = len; b.input_ids = ids; b.token_type_ids = types;
        b.attention_mask = NULL; b.labels = NULL;
        if (bft_forward(m, &b, 0) != BFT_OK) { fprintf(stderr, "error: %s\n", bft_last_error()); return 1; }
        if (NL == 1) {
            printf("%.3f\t%s\t%s\n", m->logits[0], a, s2);
        } else {
            int best = bft_argmax(m->logits, NL);
            float mx = m->logits[best], sum = 0;
            for (k = 0; k < NL; k++) sum += expf(m->logits[k] - mx);
            printf("%s (p = %.3f)\t%s\t%s\n", m->config.id2label ? m->config.id2label[best] : "?", 1.0f / sum, a, s2);
        }
    }
    bft_model_free(m);
    bft_tokenizer_free(tok);
    return 0;
}
