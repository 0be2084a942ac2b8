/* tokenizer_config.json next to a fixed vocab.txt (bft_tokenizer_from_pretrained with the
   default do_lower_case): any bytes load or fail cleanly; a loaded tokenizer encodes. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static const char *tc_dir(void)
{
    static char d[512];
    snprintf(d, sizeof d, "%s/tc", bft_fz_tmp());
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static int tc_ready;
    bft_tokenizer *t = NULL;
    if (!tc_ready) { bft_fz_write(bft_fz_path(0, "tc", "vocab.txt"), bft_fz_vocab, sizeof bft_fz_vocab - 1); tc_ready = 1; }
    bft_fz_write(bft_fz_path(1, "tc", "tokenizer_config.json"), d, n);
    if (bft_tokenizer_from_pretrained(&t, tc_dir(), -1) == BFT_OK) {
        int32_t ids[64], ty[64];
        int len = 0, i, V = bft_tokenizer_vocab_size(t);
        if (bft_tokenizer_encode(t, "Hello CAFE\xcc\x81 \xe4\xb8\xad\xe6\x96\x87 [MASK] the", 28, "x y z", 5, 0,
                                 BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &len) == BFT_OK)
            for (i = 0; i < len; i++)
                if (ids[i] < 0 || ids[i] >= V) abort();
        (void)bft_tokenizer_model_max_length(t);
        bft_tokenizer_free(t);
    }
    return 0;
}
