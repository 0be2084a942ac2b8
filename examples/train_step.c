/* examples/train_step.c - the smallest complete use of bertft.h: load a model directory
   (config.json + model.safetensors, as Hugging Face saves them), run one training step on a
   hand-made batch, and save the result where from_pretrained can load it.

       build/examples/train_step [MODEL_DIR [OUT_DIR]]
       (defaults: tests/fixtures/cls2 and build/train_step_out)
*/
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>

int main(int argc, char **argv)
{
    const char *model_dir = argc > 1 ? argv[1] : "tests/fixtures/cls2";
    const char *out_dir = argc > 2 ? argv[2] : "build/train_step_out";
    /* Two sequences padded to length 6: "[CLS] a b [SEP] c [SEP]" and a shorter one. Real code
       gets these from bft_tokenizer_encode_batch and the collator. */
    int32_t ids[2 * 6] = {2, 10, 11, 3, 12, 3, /**/ 2, 13, 3, 0, 0, 0};
    int32_t type_ids[2 * 6] = {0, 0, 0, 0, 1, 1, /**/ 0, 0, 0, 0, 0, 0};
    int32_t mask[2 * 6] = {1, 1, 1, 1, 1, 1, /**/ 1, 1, 1, 0, 0, 0};
    float labels[2] = {1, 0};
    bft_batch batch = {2, 6, ids, type_ids, mask, labels};
    bft_model *m;
    bft_adamw opt;
    float norm;

    if (bft_model_from_pretrained(&m, model_dir, NULL, 42) != BFT_OK) {
        fprintf(stderr, "error: %s\n", bft_last_error());
        return 1;
    }
    if (m->load_report) fprintf(stderr, "%s", m->load_report);
    if (bft_adamw_init(&opt, m, 2e-5f, 0.9f, 0.999f, 1e-8f, 0.01f) != BFT_OK) {
        fprintf(stderr, "error: %s\n", bft_last_error());
        bft_model_free(m);
        return 1;
    }
    /* one Trainer step: zero_grad, forward, backward, clip to 1.0, AdamW */
    bft_zero_grad(m);
    if (bft_forward(m, &batch, 1) != BFT_OK || bft_backward(m) != BFT_OK ||
        bft_clip_grad_norm(m, 1.0f, &norm) != BFT_OK) {
        fprintf(stderr, "error: %s\n", bft_last_error());
        return 1;
    }
    printf("loss %.6f, grad norm %.6f, logits of row 0: %.5f %.5f\n", m->loss, norm, m->logits[0],
           m->config.num_labels > 1 ? m->logits[1] : 0.0f);
    bft_adamw_step(&opt, m, 2e-5);
    if (bft_model_save(m, out_dir) != BFT_OK) {
        fprintf(stderr, "error: %s\n", bft_last_error());
        return 1;
    }
    printf("saved %s/model.safetensors and %s/config.json\n", out_dir, out_dir);
    bft_adamw_free(&opt);
    bft_model_free(m);
    return 0;
}
