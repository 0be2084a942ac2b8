/* safetensors header and data: bft_st_read (every dtype to fp32) and bft_model_load_safetensors
   into a small model (the shape of tests/fixtures/cls2), from any bytes. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static const char sf_cfg_json[] =
    "{\"hidden_size\": 20, \"intermediate_size\": 37, \"num_attention_heads\": 4, \"num_hidden_layers\": 2,"
    " \"max_position_embeddings\": 32, \"vocab_size\": 64, \"type_vocab_size\": 2, \"initializer_range\": 0.2,"
    " \"id2label\": {\"0\": \"LABEL_0\", \"1\": \"LABEL_1\"}}";
static bft_model *sf_model;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *p = bft_fz_path(0, "sf", "model.safetensors");
    bft_st_file st;
    if (!sf_model) {
        bft_config c;
        if (bft_config_parse(&c, sf_cfg_json, sizeof sf_cfg_json - 1, "cfg") != BFT_OK) abort();
        if (bft_model_create(&sf_model, &c, 1) != BFT_OK) abort();
        bft_config_free(&c);
    }
    bft_fz_write(p, d, n);
    memset(&st, 0, sizeof st);
    if (bft_st_read(&st, p) == BFT_OK) {
        int i;
        for (i = 0; i < st.n; i++) {
            const bft_st_tensor *t = &st.t[i];
            size_t k;
            volatile float s = 0;
            if (bft_st_get(&st, t->name) == NULL) abort();
            for (k = 0; k < t->numel; k++) s += t->data[k]; /* every element readable */
        }
        bft_st_free(&st);
    }
    (void)bft_model_load_safetensors(sf_model, p, 1);
    return 0;
}
