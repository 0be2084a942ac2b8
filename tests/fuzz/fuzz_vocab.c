/* vocab.txt: any bytes load as a WordPiece vocabulary or fail cleanly; a loaded one encodes a few
   texts (and the file itself as text) with every id in range. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static void vb_check_encode(const bft_tokenizer *t, const char *a, size_t an, const char *b, size_t bn, int ml)
{
    int32_t ids[256], ty[256];
    int len = 0, i, V = bft_tokenizer_vocab_size(t);
    if (bft_tokenizer_encode(t, a, an, b, bn, ml, BFT_TRUNC_LONGEST_FIRST, ids, ty, 256, &len) != BFT_OK) return;
    if (len < 0 || len > 256 || (ml > 0 && len > ml && len > 3)) { fprintf(stderr, "encode: len %d (max_length %d)\n", len, ml); abort(); }
    for (i = 0; i < len; i++)
        if (ids[i] < 0 || ids[i] >= V) { fprintf(stderr, "encode: id %d out of [0, %d)\n", ids[i], V); abort(); }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    const char *p = bft_fz_path(0, "vb", "vocab.txt");
    bft_tokenizer *t = NULL;
    bft_fz_write(p, d, n);
    if (bft_tokenizer_load(&t, p, n ? (d[0] & 1) : 1) == BFT_OK) {
        int i, V = bft_tokenizer_vocab_size(t);
        for (i = -1; i <= V; i++) (void)strlen(bft_tokenizer_id_to_token(t, i));
        (void)bft_tokenizer_token_to_id(t, "[UNK]");
        vb_check_encode(t, "Hello, world! unaffable caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87", 25, "the [MASK] x", 12, 16);
        vb_check_encode(t, (const char *)d, n < 200 ? n : 200, NULL, 0, 64);
        bft_tokenizer_free(t);
    } else if (t) {
        fprintf(stderr, "failed load left a tokenizer\n");
        abort();
    }
    return 0;
}
