/* UTF-8 (or not) text into the tokenizer: the first byte picks the vocabulary (bert-base-uncased or
   -cased from ../shared/data when present, else a small built-in one), max_length and truncation;
   the rest is text a, then after a 0xFF byte text b. Checks: no crash, ids in range, lengths within
   max_length, encode == encode_batch, tokenize agrees with encode on a single short text. */
#define BERTFT_IMPLEMENTATION
#include "../../bertft.h"
#include "fuzz.h"

static bft_tokenizer *tz_tk[2];

static void tz_load(void)
{
    const char *data = getenv("BERTFT_DATA") ? getenv("BERTFT_DATA") : "../shared/data";
    char p[512];
    int i;
    for (i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/vocab/bert-base-%s.txt", data, i ? "cased" : "uncased");
        if (bft_tokenizer_load(&tz_tk[i], p, !i) != BFT_OK) {
            bft_fz_write(bft_fz_path(0, "tz", "vocab.txt"), bft_fz_vocab, sizeof bft_fz_vocab - 1);
            if (bft_tokenizer_load(&tz_tk[i], bft_fz_path(0, "tz", "vocab.txt"), !i) != BFT_OK) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    static const int mls[8] = { 0, 3, 4, 5, 9, 16, 128, 512 };
    const uint8_t *a, *b;
    size_t an, bn;
    int32_t ids[1024], ty[1024];
    int len = 0, i, opt, ml, V;
    bft_truncation tr;
    const bft_tokenizer *t;
    bft_result r;
    if (!tz_tk[0]) tz_load();
    if (n < 1) return 0;
    opt = d[0];
    t = tz_tk[opt & 1];
    ml = mls[(opt >> 1) & 7];
    tr = (bft_truncation)((opt >> 4) & 3);
    bft_fz_split(d + 1, n - 1, &a, &an, &b, &bn);
    V = bft_tokenizer_vocab_size(t);
    r = bft_tokenizer_encode(t, (const char *)a, an, (const char *)b, bn, ml, tr, ids, ty, 1024, &len);
    if (r == BFT_OK) {
        if (len < 2 || len > 1024) abort();
        if (tr != BFT_TRUNC_NONE && ml > 0 && len > ml) {
            /* only when the special tokens alone do not fit (HF errors there too; bertft may keep them) */
            if (len > (b ? 3 : 2)) { fprintf(stderr, "len %d > max_length %d\n", len, ml); abort(); }
        }
        for (i = 0; i < len; i++) {
            if (ids[i] < 0 || ids[i] >= V) abort();
            if (ty[i] != 0 && ty[i] != 1) abort();
        }
        if (ids[0] != bft_tokenizer_cls_id(t) || ids[len - 1] != bft_tokenizer_sep_id(t)) abort();
        /* the batch API (NUL-terminated texts, so only when no NUL inside) must agree */
        if (!memchr(a, 0, an) && (!b || !memchr(b, 0, bn))) {
            char *sa = (char *)malloc(an + 1), *sb = b ? (char *)malloc(bn + 1) : NULL;
            const char *pa[1], *pb[1];
            bft_encoded e;
            memcpy(sa, a, an); sa[an] = 0;
            if (sb) { memcpy(sb, b, bn); sb[bn] = 0; }
            pa[0] = sa; pb[0] = sb;
            memset(&e, 0, sizeof e);
            if (bft_tokenizer_encode_batch(t, 1, pa, sb ? pb : NULL, ml, tr, &e) != BFT_OK) {
                fprintf(stderr, "encode ok but encode_batch failed: %s\n", bft_last_error());
                abort();
            }
            if (e.offsets[1] - e.offsets[0] != len || memcmp(e.input_ids, ids, (size_t)len * 4) != 0) {
                fprintf(stderr, "encode_batch differs from encode\n");
                abort();
            }
            bft_encoded_free(&e);
            free(sa);
            free(sb);
        }
    } else if (r == BFT_ERR_INVALID && len > 1024) {
        /* cap too small: fine */
    }
    {
        int32_t tok[1024];
        int m = 0;
        if (bft_tokenizer_tokenize(t, (const char *)a, an, tok, 1024, &m) == BFT_OK)
            for (i = 0; i < m; i++)
                if (tok[i] < 0 || tok[i] >= V) abort();
    }
    return 0;
}
