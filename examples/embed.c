/* examples/embed.c - the smallest way to put bertft into an existing C or C++ program: one file
   defines the implementation, everything else just includes the header. Here one function scores
   a sentence pair; link it into your program and call it. */
#define BERTFT_IMPLEMENTATION   /* in exactly one .c/.cpp file of your program */
#include "../bertft.h"
#include <stdio.h>

/* Probability that (a, b) is a paraphrase, or -1 on error (bft_last_error() says why). */
static float paraphrase_probability(bft_model *m, const bft_tokenizer *tok, const char *a, const char *b)
{
    int32_t ids[128], types[128];
    int len;
    bft_batch batch = {1, 0, ids, types, NULL, NULL};
    if (bft_tokenizer_encode(tok, a, strlen(a), b, strlen(b), 128, BFT_TRUNC_LONGEST_FIRST, ids, types, 128, &len) != BFT_OK)
        return -1;
    batch.seq_len = len;
    if (bft_forward(m, &batch, 0) != BFT_OK) return -1;
    return 1.0f / (1.0f + expf(m->logits[0] - m->logits[1])); /* softmax of 2 logits */
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "build/demo/output";
    bft_model *m;
    bft_tokenizer *tok;
    float p;
    if (bft_model_from_pretrained(&m, dir, NULL, 0) != BFT_OK || bft_tokenizer_from_pretrained(&tok, dir, -1) != BFT_OK) {
        fprintf(stderr, "error: %s (run ./bertft first, or give a model directory)\n", bft_last_error());
        return 1;
    }
    p = paraphrase_probability(m, tok, "The cat sat on the mat.", "A cat was sitting on the mat.");
    if (p < 0) { fprintf(stderr, "error: %s\n", bft_last_error()); return 1; }
    printf("paraphrase probability %.3f\n", p);
    bft_tokenizer_free(tok);
    bft_model_free(m);
    return 0;
}
