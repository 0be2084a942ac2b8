/* ------------------------------------------------------------------------------------------ */
/* 2. Tokenizer                                                                                */
/* ------------------------------------------------------------------------------------------ */
/* The fast BERT tokenizer is a pipeline (HF tokenizers): split off the special tokens written in
   the raw text; BertNormalizer (clean-up, CJK spacing, NFD minus nonspacing marks, lowercase);
   BertPreTokenizer (split on whitespace, isolate punctuation); WordPiece (greedy longest match);
   TemplateProcessing ([CLS] A [SEP] B [SEP]) after truncation. Each step below follows the Rust
   code, including which Unicode version each of its tables comes from (see unicode_tables.h). */
#include "unicode_tables.h"

enum { BFT__U_OTHER = 1, BFT__U_PUNCT = 2, BFT__U_MN = 4 };
#ifndef BFT__NELEM
#define BFT__NELEM(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Value of the {lo, hi, value} range holding cp, or 0. */
static uint32_t bft__u_range(const uint32_t (*r)[3], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0]) hi = mid;
        else if (cp > r[mid][1]) lo = mid + 1;
        else return r[mid][2];
    }
    return 0;
}
static uint32_t bft__u_class(uint32_t cp) { return bft__u_range(bft__u_class_ranges, BFT__NELEM(bft__u_class_ranges), cp); }
static uint32_t bft__u_ccc(uint32_t cp)
{
    return cp < 0x300 ? 0 : bft__u_range(bft__u_ccc_ranges, BFT__NELEM(bft__u_ccc_ranges), cp);
}
/* Mapping of cp in a {cp, offset, length} index: its length (0 = none) and *out into the pool. */
static int bft__u_map(const uint32_t (*idx)[3], size_t n, const uint32_t *pool, uint32_t cp, const uint32_t **out)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < idx[mid][0]) hi = mid;
        else if (cp > idx[mid][0]) lo = mid + 1;
        else { *out = pool + idx[mid][1]; return (int)idx[mid][2]; }
    }
    return 0;
}
/* Rust's char::is_whitespace (the White_Space property). */
static int bft__u_is_ws(uint32_t c)
{
    if (c < 0x80) return c == ' ' || (c >= 9 && c <= 13);
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
/* The CJK blocks of HF's is_chinese_char (note 0x2B920, not 0x2B820 as in the Python BertTokenizer). */
static int bft__u_is_cjk(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
           (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}
/* BertPreTokenizer's punctuation: ASCII punctuation (which includes symbols like $ + < = > ^ ` | ~)
   or any Unicode P* character. */
static int bft__u_is_punct(uint32_t c)
{
    if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
    return (bft__u_class(c) & BFT__U_PUNCT) != 0;
}

/* Canonical decomposition of c (NFD, without the reordering) into out (room for 4): its length. */
static int bft__u_decompose(uint32_t c, uint32_t *out)
{
    const uint32_t *d;
    int m;
    if (c >= 0xAC00 && c < 0xAC00 + 11172) { /* Hangul syllable: L V (T), computed */
        uint32_t si = c - 0xAC00;
        out[0] = 0x1100 + si / 588;
        out[1] = 0x1161 + (si % 588) / 28;
        if (si % 28) { out[2] = 0x11A7 + si % 28; return 3; }
        return 2;
    }
    if (c >= 0xC0 && (m = bft__u_map(bft__u_decomp_index, BFT__NELEM(bft__u_decomp_index), bft__u_decomp_pool, c, &d)) > 0) {
        memcpy(out, d, (size_t)m * sizeof(uint32_t));
        return m;
    }
    out[0] = c;
    return 1;
}
/* Rust's char::to_lowercase of c into out (room for 4): its length. */
static int bft__u_lower(uint32_t c, uint32_t *out)
{
    const uint32_t *d;
    int m;
    if (c < 0x80) { out[0] = c >= 'A' && c <= 'Z' ? c + 32 : c; return 1; }
    if (c >= 0xC0 && (m = bft__u_map(bft__u_lower_index, BFT__NELEM(bft__u_lower_index), bft__u_lower_pool, c, &d)) > 0) {
        memcpy(out, d, (size_t)m * sizeof(uint32_t));
        return m;
    }
    out[0] = c;
    return 1;
}

/* Decode one UTF-8 character at s[*i] (i < n); invalid or truncated sequences, overlong forms and
   surrogates read as U+FFFD, consuming one byte, so decoding never reads past n. */
static uint32_t bft__utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    size_t p = *i;
    uint32_t c = s[p], cp;
    int k, j;
    if (c < 0x80) { *i = p + 1; return c; }
    if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; }
    else { *i = p + 1; return 0xFFFD; }
    if ((size_t)k > n - p - 1) { *i = p + 1; return 0xFFFD; } /* truncated at the end */
    for (j = 1; j <= k; j++) {
        uint32_t d = s[p + (size_t)j];
        if ((d & 0xC0) != 0x80) { *i = p + 1; return 0xFFFD; }
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *i = p + 1;
        return 0xFFFD;
    }
    *i = p + (size_t)k + 1;
    return cp;
}

#define BFT__FNV_OFF 2166136261u
#define BFT__FNV_PRIME 16777619u
#define BFT__NSPECIAL 5
static const char *const bft__special_keys[BFT__NSPECIAL] = { "pad_token", "unk_token", "cls_token", "sep_token", "mask_token" };
static const char *const bft__special_defaults[BFT__NSPECIAL] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };

struct bft_tokenizer {
    int vocab_size;
    char *pool;                   /* the tokens, each NUL-terminated, in id order */
    size_t *tok_off;              /* [vocab_size] offset of each token in pool */
    uint32_t *tok_len, *tok_hash; /* [vocab_size] byte length and FNV-1a hash */
    int32_t *slots;               /* open-addressing hash table of ids (-1 = empty) */
    uint32_t mask;                /* number of slots - 1 */
    uint32_t hash_cont;           /* FNV-1a state after "##", the prefix of continuation pieces */
    size_t max_tok_bytes;         /* longest token: bounds the WordPiece search */
    int lowercase, strip_accents, chinese, max_chars_per_word, model_max_length;
    int special_id[BFT__NSPECIAL];   /* pad unk cls sep mask (-1: absent) */
    char *special_str[BFT__NSPECIAL];
    unsigned char special_first[256]; /* first bytes of the special tokens: a quick filter */
};

static uint32_t bft__fnv(uint32_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * BFT__FNV_PRIME;
    return h;
}

/* Id of the token whose hash is h and text is (cont ? "##" : "") + s[0..n), or -1. */
static int bft__tok_find(const bft_tokenizer *t, uint32_t h, int cont, const char *s, size_t n)
{
    uint32_t k = h & t->mask;
    size_t want = n + (cont ? 2 : 0);
    for (;; k = (k + 1) & t->mask) {
        int32_t id = t->slots[k];
        const char *tok;
        if (id < 0) return -1;
        if (t->tok_hash[id] != h || t->tok_len[id] != want) continue;
        tok = t->pool + t->tok_off[id];
        if (cont) {
            if (tok[0] != '#' || tok[1] != '#') continue;
            tok += 2;
        }
        if (memcmp(tok, s, n) == 0) return id;
    }
}

BERTFT_DEF int bft_tokenizer_token_to_id(const bft_tokenizer *t, const char *token)
{
    size_t n = strlen(token);
    return bft__tok_find(t, bft__fnv(BFT__FNV_OFF, token, n), 0, token, n);
}

BERTFT_DEF void bft_tokenizer_free(bft_tokenizer *t)
{
    int i;
    if (!t) return;
    bft_free(t->pool);
    bft_free(t->tok_off);
    bft_free(t->tok_len);
    bft_free(t->tok_hash);
    bft_free(t->slots);
    for (i = 0; i < BFT__NSPECIAL; i++) bft_free(t->special_str[i]);
    bft_free(t);
}

/* A special token's name in tokenizer_config.json: a string, or {"content": "..."} (AddedToken). */
static char *bft__tok_cfg_token(const bft__json *j, int v)
{
    if (v >= 0 && j->nodes[v].type == BFT__J_OBJ) v = bft__json_get(j, v, "content");
    return bft__json_strdup(j, v, NULL);
}

/* Read tokenizer_config.json (when present) into t. It wins over tokenizer.json's normalizer, as in
   BertTokenizerFast.__init__, so it is the only file read besides vocab.txt. */
static bft_result bft__tok_config(bft_tokenizer *t, const char *cfg_path)
{
    char *txt;
    size_t len;
    bft__json j;
    bft_result r;
    int v, i;
    FILE *f = fopen(cfg_path, "rb");
    if (!f) return BFT_OK; /* optional */
    fclose(f);
    if ((r = bft_read_file(cfg_path, &txt, &len)) != BFT_OK) return r;
    if ((r = bft__json_parse(&j, txt, len, cfg_path)) != BFT_OK) { bft_free(txt); return r; }
    if (j.nodes[0].type != BFT__J_OBJ) {
        bft__json_free(&j);
        bft_free(txt);
        return bft__fail(BFT_ERR_FORMAT, "%s: expected a JSON object", cfg_path);
    }
    v = bft__json_get(&j, 0, "do_lower_case");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->lowercase = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "strip_accents");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->strip_accents = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "tokenize_chinese_chars");
    if (v >= 0 && (j.nodes[v].type == BFT__J_TRUE || j.nodes[v].type == BFT__J_FALSE)) t->chinese = j.nodes[v].type == BFT__J_TRUE;
    v = bft__json_get(&j, 0, "model_max_length");
    /* HF writes 1e30 ("VERY_LARGE_INTEGER") when unknown */
    if (v >= 0 && j.nodes[v].type == BFT__J_NUM && j.nodes[v].num > 0 && j.nodes[v].num <= 1e9) t->model_max_length = (int)j.nodes[v].num;
    for (i = 0; i < BFT__NSPECIAL; i++) {
        char *s = bft__tok_cfg_token(&j, bft__json_get(&j, 0, bft__special_keys[i]));
        if (s) { bft_free(t->special_str[i]); t->special_str[i] = s; }
    }
    bft__json_free(&j);
    bft_free(txt);
    return BFT_OK;
}

static bft_result bft__tok_load(bft_tokenizer **out, const char *vocab_path, const char *cfg_path, int do_lower_case)
{
    bft_tokenizer *t;
    char *txt;
    size_t len, i, start, nslots;
    int n = 0, k;
    bft_result r;
    *out = NULL;
    if (do_lower_case < -1 || do_lower_case > 1)
        return bft__fail(BFT_ERR_INVALID, "%s: do_lower_case must be 0, 1 or -1 (default), got %d", vocab_path, do_lower_case);
    if ((r = bft_read_file(vocab_path, &txt, &len)) != BFT_OK) return r;
    t = BFT__NEW(bft_tokenizer, 1);
    if (!t) { bft_free(txt); return bft__fail(BFT_ERR_OOM, "%s: out of memory", vocab_path); }
    t->pool = txt;
    t->lowercase = 1;
    t->strip_accents = -1; /* None: follows lowercase */
    t->chinese = 1;
    t->max_chars_per_word = 100;
    for (k = 0; k < BFT__NSPECIAL; k++) {
        t->special_str[k] = bft__strdup(bft__special_defaults[k]);
        if (!t->special_str[k]) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    }
    if (cfg_path && (r = bft__tok_config(t, cfg_path)) != BFT_OK) { bft_tokenizer_free(t); return r; }
    if (do_lower_case >= 0) t->lowercase = do_lower_case;
    if (t->strip_accents < 0) t->strip_accents = t->lowercase;

    /* one token per line; the line terminator ("\n" or "\r\n") is not part of the token */
    for (i = 0; i < len; i++) if (txt[i] == '\n') n++;
    if (len && txt[len - 1] != '\n') n++;
    if (n == 0) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_FORMAT, "%s: empty vocabulary", vocab_path); }
    if (memchr(txt, 0, len)) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_FORMAT, "%s: NUL byte in the vocabulary", vocab_path); }
    t->vocab_size = n;
    t->tok_off = BFT__NEW(size_t, n);
    t->tok_len = BFT__NEW(uint32_t, n);
    t->tok_hash = BFT__NEW(uint32_t, n);
    for (nslots = 16; nslots < (size_t)n * 2; nslots *= 2) {}
    t->slots = BFT__NEW(int32_t, nslots);
    if (!t->tok_off || !t->tok_len || !t->tok_hash || !t->slots) { bft_tokenizer_free(t); return bft__fail(BFT_ERR_OOM, "%s: out of memory", vocab_path); }
    t->mask = (uint32_t)(nslots - 1);
    for (i = 0; i < nslots; i++) t->slots[i] = -1;
    t->hash_cont = bft__fnv(BFT__FNV_OFF, "##", 2);
    k = 0;
    for (start = 0; start < len && k < n; k++) {
        size_t e = start, tl;
        uint32_t h, s;
        while (e < len && txt[e] != '\n') e++;
        tl = e - start;
        if (tl && txt[start + tl - 1] == '\r') tl--;
        txt[start + tl] = 0; /* the pool holds the tokens NUL-terminated in place */
        h = bft__fnv(BFT__FNV_OFF, txt + start, tl);
        t->tok_off[k] = start;
        t->tok_len[k] = (uint32_t)tl;
        t->tok_hash[k] = h;
        if (tl > t->max_tok_bytes) t->max_tok_bytes = tl;
        /* a duplicate token maps to its last line, as HF's vocabulary dict does */
        for (s = h & t->mask;; s = (s + 1) & t->mask) {
            int32_t id = t->slots[s];
            if (id < 0) { t->slots[s] = k; break; }
            if (t->tok_hash[id] == h && t->tok_len[id] == tl && memcmp(txt + t->tok_off[id], txt + start, tl) == 0) {
                t->slots[s] = k;
                break;
            }
        }
        start = e + 1;
    }
    for (k = 0; k < BFT__NSPECIAL; k++) {
        t->special_id[k] = bft_tokenizer_token_to_id(t, t->special_str[k]);
        if (t->special_id[k] < 0 && k != 4) {
            bft_result e = bft__fail(BFT_ERR_FORMAT, "%s: the special token %s (%s) is not in the vocabulary",
                                     vocab_path, t->special_str[k], bft__special_keys[k]);
            bft_tokenizer_free(t);
            return e;
        }
        if (t->special_id[k] >= 0 && t->special_str[k][0]) t->special_first[(unsigned char)t->special_str[k][0]] = 1;
    }
    *out = t;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_tokenizer_load(bft_tokenizer **out, const char *vocab_path, int do_lower_case)
{
    /* tokenizer_config.json next to the vocabulary */
    const char *slash = strrchr(vocab_path, '/');
    size_t dl = slash ? (size_t)(slash - vocab_path) + 1 : 0;
    char *cfg = (char *)bft__malloc(dl + 32);
    bft_result r;
    if (!cfg) return bft__fail(BFT_ERR_OOM, "out of memory");
    memcpy(cfg, vocab_path, dl);
    memcpy(cfg + dl, "tokenizer_config.json", 22);
    r = bft__tok_load(out, vocab_path, cfg, do_lower_case);
    bft_free(cfg);
    return r;
}

BERTFT_DEF bft_result bft_tokenizer_from_pretrained(bft_tokenizer **out, const char *dir, int do_lower_case)
{
    char *v = bft__path_join(dir, "vocab.txt"), *c = bft__path_join(dir, "tokenizer_config.json");
    bft_result r;
    if (!v || !c) { bft_free(v); bft_free(c); *out = NULL; return bft__fail(BFT_ERR_OOM, "out of memory"); }
    r = bft__tok_load(out, v, c, do_lower_case);
    bft_free(v);
    bft_free(c);
    return r;
}

BERTFT_DEF int bft_tokenizer_vocab_size(const bft_tokenizer *t) { return t->vocab_size; }
BERTFT_DEF const char *bft_tokenizer_id_to_token(const bft_tokenizer *t, int id)
{
    return id >= 0 && id < t->vocab_size ? t->pool + t->tok_off[id] : "";
}
BERTFT_DEF int bft_tokenizer_pad_id(const bft_tokenizer *t) { return t->special_id[0]; }
BERTFT_DEF int bft_tokenizer_unk_id(const bft_tokenizer *t) { return t->special_id[1]; }
BERTFT_DEF int bft_tokenizer_cls_id(const bft_tokenizer *t) { return t->special_id[2]; }
BERTFT_DEF int bft_tokenizer_sep_id(const bft_tokenizer *t) { return t->special_id[3]; }
BERTFT_DEF int bft_tokenizer_mask_id(const bft_tokenizer *t) { return t->special_id[4]; }
BERTFT_DEF int bft_tokenizer_do_lower_case(const bft_tokenizer *t) { return t->lowercase; }
BERTFT_DEF int bft_tokenizer_model_max_length(const bft_tokenizer *t) { return t->model_max_length; }
BERTFT_DEF void bft_tokenizer_set_model_max_length(bft_tokenizer *t, int n) { t->model_max_length = n > 0 ? n : 0; }

/* Per-call working memory, reused across the texts of a batch. */
typedef struct bft__tok_work {
    uint32_t *cp;                 /* normalized code points of the current segment */
    size_t capcp;
    char *word;                   /* UTF-8 of the current word */
    size_t nword, capword;
    int wchars;                   /* characters in the current word */
    uint32_t *wh;                 /* FNV-1a state at each byte of the word */
    int32_t *tok[2];              /* WordPiece ids of text A and text B */
    int ntok[2], captok[2];
    int limit;                    /* stop after the word that reaches this many tokens (0: never) */
    int stop, oom;
} bft__tok_work;

static void bft__tok_work_free(bft__tok_work *w)
{
    bft_free(w->cp);
    bft_free(w->word);
    bft_free(w->wh);
    bft_free(w->tok[0]);
    bft_free(w->tok[1]);
    memset(w, 0, sizeof *w);
}

static void bft__tok_push(bft__tok_work *w, int k, int32_t id)
{
    if (w->ntok[k] == w->captok[k]) {
        int nc = w->captok[k] ? w->captok[k] * 2 : 256;
        int32_t *p = (int32_t *)bft__realloc(w->tok[k], (size_t)nc * sizeof(int32_t));
        if (!p) { w->oom = 1; return; }
        w->tok[k] = p;
        w->captok[k] = nc;
    }
    w->tok[k][w->ntok[k]++] = id;
}

/* WordPiece on the current word: greedy longest-match-first, "##" before non-initial pieces; a
   word with a piece that matches nothing, or longer than 100 characters, becomes one [UNK]. */
static void bft__tok_wordpiece(const bft_tokenizer *t, bft__tok_work *w, int k)
{
    const char *s = w->word;
    size_t n = w->nword, start = 0;
    int mark = w->ntok[k];
    if (n == 0 || w->stop) return;
    if (w->wchars > t->max_chars_per_word) {
        bft__tok_push(w, k, t->special_id[1]);
        w->nword = 0;
        w->wchars = 0;
        if (w->limit && w->ntok[k] >= w->limit) w->stop = 1;
        return;
    }
    while (start < n) {
        size_t lim = n - start > t->max_tok_bytes ? start + t->max_tok_bytes : n, e;
        uint32_t h = start ? t->hash_cont : BFT__FNV_OFF;
        int id = -1;
        for (e = start; e < lim; e++) w->wh[e - start] = h = (h ^ (unsigned char)s[e]) * BFT__FNV_PRIME;
        for (e = lim; e > start; e--) {
            if (e < n && ((unsigned char)s[e] & 0xC0) == 0x80) continue; /* not a character boundary */
            id = bft__tok_find(t, w->wh[e - start - 1], start > 0, s + start, e - start);
            if (id >= 0) break;
        }
        if (id < 0) { w->ntok[k] = mark; bft__tok_push(w, k, t->special_id[1]); break; }
        bft__tok_push(w, k, id);
        start = e;
    }
    w->nword = 0;
    w->wchars = 0;
    if (w->limit && w->ntok[k] >= w->limit) w->stop = 1;
}

/* Append a character to the current word. Only the first max_chars_per_word + 1 are kept: a
   longer word becomes [UNK] whatever it holds, so the buffer stays small for any input. */
static void bft__tok_wordchar(const bft_tokenizer *t, bft__tok_work *w, uint32_t cp)
{
    if (w->wchars <= t->max_chars_per_word) w->nword += (size_t)bft__utf8_put(w->word + w->nword, cp);
    w->wchars++;
}

/* Normalize, pre-tokenize and WordPiece one piece of text that holds no special token. */
static void bft__tok_segment(const bft_tokenizer *t, bft__tok_work *w, const unsigned char *s, size_t len, int k)
{
    size_t i = 0, n = 0, need = 2 * len + 8, q;
    int reorder = 0;
    uint32_t *cp;
    if (len == 0 || w->stop) return;
    if (need > w->capcp) {
        uint32_t *p = (uint32_t *)bft__realloc(w->cp, need * sizeof(uint32_t));
        if (!p) { w->oom = 1; return; }
        w->cp = p;
        w->capcp = need;
    }
    if (!w->word) {
        size_t nc = 4 * ((size_t)t->max_chars_per_word + 2) + 16;
        w->word = (char *)bft__malloc(nc);
        if (!w->word) { w->oom = 1; return; }
        w->capword = nc;
    }
    if (!w->wh) {
        w->wh = (uint32_t *)bft__malloc((t->max_tok_bytes + 1) * sizeof(uint32_t));
        if (!w->wh) { w->oom = 1; return; }
    }
    cp = w->cp;
    /* 1. clean-up (delete NUL, U+FFFD and Cc/Cf/Co except \t \n \r; whitespace -> ' '), spaces
          around CJK ideographs, and canonical decomposition when stripping accents */
    while (i < len) {
        uint32_t c = s[i];
        int cjk;
        if (c < 0x80) {
            i++;
            if (c == '\t' || c == '\n' || c == '\r') c = ' ';
            else if (c < 0x20 || c == 0x7F) continue;
            cp[n++] = c;
            continue;
        }
        c = bft__utf8_next(s, len, &i);
        if (c == 0xFFFD || (bft__u_class(c) & BFT__U_OTHER)) continue;
        if (bft__u_is_ws(c)) { cp[n++] = ' '; continue; }
        cjk = t->chinese && bft__u_is_cjk(c);
        if (cjk) cp[n++] = ' ';
        if (t->strip_accents) {
            uint32_t d[4];
            int m = bft__u_decompose(c, d), j;
            for (j = 0; j < m; j++) {
                cp[n++] = d[j];
                if (!reorder && bft__u_ccc(d[j])) reorder = 1;
            }
        } else {
            cp[n++] = c;
        }
        if (cjk) cp[n++] = ' ';
    }
    /* 2. NFD's canonical ordering: stable sort of each run of non-starters by combining class */
    if (reorder) {
        for (q = 0; q < n; q++) {
            size_t e, a, b;
            if (!bft__u_ccc(cp[q])) continue;
            for (e = q; e < n && bft__u_ccc(cp[e]); e++) {}
            for (a = q + 1; a < e; a++) {
                uint32_t x = cp[a], cx = bft__u_ccc(x);
                for (b = a; b > q && bft__u_ccc(cp[b - 1]) > cx; b--) cp[b] = cp[b - 1];
                cp[b] = x;
            }
            q = e;
        }
    }
    /* 3. delete nonspacing marks, lowercase, and pre-tokenize: whitespace ends a word, punctuation
          is a word of its own */
    w->nword = 0;
    w->wchars = 0;
    for (q = 0; q < n && !w->stop; q++) {
        uint32_t c = cp[q], low[4];
        int m = 1, j;
        if (c < 0x80) {
            if (c == ' ' || (c >= 9 && c <= 13)) { bft__tok_wordpiece(t, w, k); continue; }
            if (bft__u_is_punct(c)) {
                bft__tok_wordpiece(t, w, k);
                w->word[0] = (char)c; w->nword = 1; w->wchars = 1;
                bft__tok_wordpiece(t, w, k);
                continue;
            }
            if (t->lowercase && c >= 'A' && c <= 'Z') c += 32;
            if (w->wchars <= t->max_chars_per_word) w->word[w->nword++] = (char)c;
            w->wchars++;
            continue;
        }
        {
            uint32_t cls = bft__u_class(c);
            if (t->strip_accents && (cls & BFT__U_MN)) continue;
        }
        if (t->lowercase) m = bft__u_lower(c, low);
        else low[0] = c;
        for (j = 0; j < m; j++) {
            uint32_t x = low[j];
            if (bft__u_is_ws(x)) { bft__tok_wordpiece(t, w, k); continue; }
            if (bft__u_is_punct(x)) {
                bft__tok_wordpiece(t, w, k);
                bft__tok_wordchar(t, w, x);
                bft__tok_wordpiece(t, w, k);
                continue;
            }
            bft__tok_wordchar(t, w, x);
        }
    }
    bft__tok_wordpiece(t, w, k);
}

/* Tokenize a whole text into w->tok[k]: special tokens written in it stay whole (HF's added tokens
   match the raw text, before normalization, leftmost then longest). */
static void bft__tok_text(const bft_tokenizer *t, bft__tok_work *w, const char *text, size_t len, int k)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i, seg = 0;
    w->ntok[k] = 0;
    w->stop = 0;
    for (i = 0; i < len && !w->stop; i++) {
        int best = -1, sp;
        size_t bl = 0;
        if (!t->special_first[s[i]]) continue;
        for (sp = 0; sp < BFT__NSPECIAL; sp++) {
            const char *st = t->special_str[sp];
            size_t sl = strlen(st);
            if (t->special_id[sp] < 0 || sl == 0 || sl > len - i || sl <= bl) continue;
            if (memcmp(s + i, st, sl) == 0) { best = sp; bl = sl; }
        }
        if (best < 0) continue;
        bft__tok_segment(t, w, s + seg, i - seg, k);
        if (w->stop) return;
        bft__tok_push(w, k, t->special_id[best]); /* counted, but only a word can stop the text */
        i += bl - 1;
        seg = i + 1;
    }
    bft__tok_segment(t, w, s + seg, len - seg, k);
}

/* Tokenize a (and b) into w, then work out how many tokens of each to keep. */
static bft_result bft__tok_encode_work(const bft_tokenizer *t, bft__tok_work *w, const char *a, size_t alen,
                                       const char *b, size_t blen, int max_length, bft_truncation tr,
                                       int *keep_a, int *keep_b)
{
    int pair = b != NULL, specials = pair ? 3 : 2, na, nb, total;
    /* With truncation on, tokenizers 0.23 stops tokenizing a text after the first word that ends
       with max_length or more tokens (special tokens count, but are not words); the truncation
       below then works on those lengths. It matters: it decides which text is the longer one, and
       how much only_first/only_second must cut. Measured on tokenizers 0.23.2 (npm). */
    w->limit = max_length > 0 && tr != BFT_TRUNC_NONE ? max_length : 0;
    bft__tok_text(t, w, a ? a : "", a ? alen : 0, 0);
    w->ntok[1] = 0;
    if (pair) bft__tok_text(t, w, b, blen, 1);
    if (w->oom) return bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    na = w->ntok[0];
    nb = w->ntok[1];
    total = na + nb + specials;
    if (max_length > 0 && total > max_length) {
        int budget = max_length - specials, remove = na + nb - budget;
        if (tr != BFT_TRUNC_NONE && budget < 0)
            return bft__fail(BFT_ERR_INVALID, "tokenizer: max_length %d is shorter than the %d special tokens", max_length, specials);
        if (tr != BFT_TRUNC_NONE && budget == 0) tr = BFT_TRUNC_LONGEST_FIRST; /* HF: both empty */
        switch (tr) {
        case BFT_TRUNC_NONE:
            return bft__fail(BFT_ERR_INVALID, "tokenizer: the %s is %d tokens long, more than max_length %d, and truncation is off",
                             pair ? "pair" : "sequence", total, max_length);
        case BFT_TRUNC_LONGEST_FIRST:
            if (!pair) { na = budget; break; }
            {
                /* tokenizers' truncate_encodings: keep the shorter whole if the longer can take the
                   cut alone, else split the budget in two halves, the odd token going to the longer
                   sequence, or to the second on a tie (the Python tokenizer removes one token at a
                   time instead) */
                int n1 = na, n2 = nb, swap = 0;
                if (n1 > n2) { int x = n1; n1 = n2; n2 = x; swap = 1; }
                n2 = n1 > budget ? n1 : (n1 > budget - n1 ? n1 : budget - n1);
                if (n1 + n2 > budget) { n1 = budget / 2; n2 = n1 + budget % 2; }
                if (swap) { int x = n1; n1 = n2; n2 = x; }
                if (na > n1) na = n1;
                if (nb > n2) nb = n2;
            }
            break;
        case BFT_TRUNC_ONLY_FIRST:
        case BFT_TRUNC_ONLY_SECOND: {
            int second = tr == BFT_TRUNC_ONLY_SECOND, *target = second ? &nb : &na;
            if (second && !pair) return bft__fail(BFT_ERR_INVALID, "tokenizer: truncation only_second needs a pair of texts");
            if (*target <= remove)
                return bft__fail(BFT_ERR_INVALID, "tokenizer: truncation %s cannot cut %d tokens from a %s sequence of %d tokens (max_length %d)",
                                 second ? "only_second" : "only_first", remove, second ? "second" : "first", *target, max_length);
            *target -= remove;
            break;
        }
        default:
            return bft__fail(BFT_ERR_INVALID, "tokenizer: unknown truncation strategy %d", (int)tr);
        }
    }
    *keep_a = na;
    *keep_b = nb;
    return BFT_OK;
}

/* [CLS] A [SEP] (B [SEP]) into ids/types (room checked by the caller). */
static int bft__tok_emit(const bft_tokenizer *t, const bft__tok_work *w, int pair, int na, int nb, int32_t *ids, int32_t *types)
{
    int n = 0, i;
    ids[n++] = t->special_id[2];
    for (i = 0; i < na; i++) ids[n++] = w->tok[0][i];
    ids[n++] = t->special_id[3];
    if (types) for (i = 0; i < n; i++) types[i] = 0;
    if (pair) {
        int m = n;
        for (i = 0; i < nb; i++) ids[n++] = w->tok[1][i];
        ids[n++] = t->special_id[3];
        if (types) for (i = m; i < n; i++) types[i] = 1;
    }
    return n;
}

BERTFT_DEF bft_result bft_tokenizer_encode(const bft_tokenizer *t, const char *a, size_t alen, const char *b,
                                           size_t blen, int max_length, bft_truncation tr, int32_t *ids,
                                           int32_t *type_ids, int cap, int *len)
{
    bft__tok_work w;
    int na, nb, need;
    bft_result r;
    memset(&w, 0, sizeof w);
    *len = 0;
    r = bft__tok_encode_work(t, &w, a, alen, b, blen, max_length, tr, &na, &nb);
    if (r == BFT_OK) {
        need = na + nb + (b ? 3 : 2);
        *len = need;
        if (need > cap) r = bft__fail(BFT_ERR_INVALID, "tokenizer: %d tokens do not fit in the %d given", need, cap);
        else bft__tok_emit(t, &w, b != NULL, na, nb, ids, type_ids);
    }
    bft__tok_work_free(&w);
    return r;
}

BERTFT_DEF bft_result bft_tokenizer_tokenize(const bft_tokenizer *t, const char *text, size_t len, int32_t *ids, int cap, int *n)
{
    bft__tok_work w;
    bft_result r = BFT_OK;
    memset(&w, 0, sizeof w);
    bft__tok_text(t, &w, text, len, 0);
    *n = w.ntok[0];
    if (w.oom) r = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    else if (w.ntok[0] > cap) r = bft__fail(BFT_ERR_INVALID, "tokenizer: %d tokens do not fit in the %d given", w.ntok[0], cap);
    else if (w.ntok[0]) memcpy(ids, w.tok[0], (size_t)w.ntok[0] * sizeof(int32_t));
    bft__tok_work_free(&w);
    return r;
}

/* Batch encoding: the texts are cut into chunks; each chunk is encoded by one thread into its own
   buffer, and the buffers are joined in chunk order, so the result is the same for any thread count. */
typedef struct bft__tok_chunk {
    int32_t *ids, *types;
    int64_t n, cap;
    bft_result err;
    char msg[256];
} bft__tok_chunk;

BERTFT_DEF bft_result bft_tokenizer_encode_batch(const bft_tokenizer *t, int n, const char *const *a,
                                                 const char *const *b, int max_length, bft_truncation tr,
                                                 bft_encoded *out)
{
    enum { CHUNK = 256 };
    int nchunks, c;
    bft__tok_chunk *ch;
    bft_result r = BFT_OK;
    int64_t total = 0;
    memset(out, 0, sizeof *out);
    if (n < 0) return bft__fail(BFT_ERR_INVALID, "tokenizer: negative batch size %d", n);
    nchunks = (n + CHUNK - 1) / CHUNK;
    ch = BFT__NEW(bft__tok_chunk, nchunks ? nchunks : 1);
    out->offsets = BFT__NEW(int64_t, (size_t)n + 1);
    if (!ch || !out->offsets) { bft_free(ch); bft_encoded_free(out); return bft__fail(BFT_ERR_OOM, "tokenizer: out of memory"); }
    out->n = n;
    BFT__OMP(parallel for schedule(dynamic, 1))
    for (c = 0; c < nchunks; c++) {
        bft__tok_work w;
        bft__tok_chunk *k = &ch[c];
        int i, lo = c * CHUNK, hi = lo + CHUNK < n ? lo + CHUNK : n;
        memset(&w, 0, sizeof w);
        for (i = lo; i < hi && k->err == BFT_OK; i++) {
            const char *bi = b ? b[i] : NULL;
            int na, nb, m;
            bft_result e = bft__tok_encode_work(t, &w, a[i], a[i] ? strlen(a[i]) : 0, bi, bi ? strlen(bi) : 0,
                                                max_length, tr, &na, &nb);
            if (e == BFT_OK && k->n + na + nb + 3 > k->cap) {
                int64_t nc = k->cap ? k->cap * 2 : 4096;
                int32_t *p1, *p2;
                while (nc < k->n + na + nb + 3) nc *= 2;
                p1 = (int32_t *)bft__realloc(k->ids, (size_t)nc * sizeof(int32_t));
                if (p1) k->ids = p1;
                p2 = (int32_t *)bft__realloc(k->types, (size_t)nc * sizeof(int32_t));
                if (p2) k->types = p2;
                if (!p1 || !p2) e = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
                else k->cap = nc;
            }
            if (e != BFT_OK) {
                /* the message is thread-local: keep it with the chunk, with the failing row */
                k->err = e;
                snprintf(k->msg, sizeof k->msg, "row %d: %.200s", i, bft_last_error());
                break;
            }
            m = bft__tok_emit(t, &w, bi != NULL, na, nb, k->ids + k->n, k->types + k->n);
            k->n += m;
            out->offsets[i + 1] = m; /* lengths for now */
        }
        bft__tok_work_free(&w);
    }
    for (c = 0; c < nchunks; c++) {
        if (ch[c].err != BFT_OK) { r = bft__fail(ch[c].err, "%s", ch[c].msg); break; }
        total += ch[c].n;
    }
    if (r == BFT_OK) {
        out->input_ids = BFT__NEW(int32_t, total ? total : 1);
        out->token_type_ids = BFT__NEW(int32_t, total ? total : 1);
        if (!out->input_ids || !out->token_type_ids) r = bft__fail(BFT_ERR_OOM, "tokenizer: out of memory");
    }
    if (r == BFT_OK) {
        int64_t pos = 0;
        int i;
        for (c = 0; c < nchunks; c++) {
            if (ch[c].n) {
                memcpy(out->input_ids + pos, ch[c].ids, (size_t)ch[c].n * sizeof(int32_t));
                memcpy(out->token_type_ids + pos, ch[c].types, (size_t)ch[c].n * sizeof(int32_t));
            }
            pos += ch[c].n;
        }
        out->offsets[0] = 0;
        for (i = 0; i < n; i++) out->offsets[i + 1] += out->offsets[i];
    }
    for (c = 0; c < nchunks; c++) { bft_free(ch[c].ids); bft_free(ch[c].types); }
    bft_free(ch);
    if (r != BFT_OK) bft_encoded_free(out);
    return r;
}

/* tokenizer.json, the fast tokenizer's own file: the pipeline of this section spelled out. */
static void bft__tok_json(const bft_tokenizer *t, bft__buf *j, const int *order, int no)
{
    int i, k;
    bft__buf_puts(j, "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [");
    for (i = 0; i < no; i++) {
        k = order[i];
        bft__buf_printf(j, "%s\n    {\n      \"id\": %d,\n      \"content\": ", i ? "," : "", t->special_id[k]);
        bft__buf_json_str(j, t->special_str[k], strlen(t->special_str[k]));
        bft__buf_puts(j, ",\n      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n"
                         "      \"normalized\": false,\n      \"special\": true\n    }");
    }
    bft__buf_printf(j, "\n  ],\n  \"normalizer\": {\n    \"type\": \"BertNormalizer\",\n    \"clean_text\": true,\n"
                       "    \"handle_chinese_chars\": %s,\n    \"strip_accents\": %s,\n    \"lowercase\": %s\n  },\n"
                       "  \"pre_tokenizer\": {\n    \"type\": \"BertPreTokenizer\"\n  },\n",
                    t->chinese ? "true" : "false",
                    t->strip_accents == t->lowercase ? "null" : (t->strip_accents ? "true" : "false"),
                    t->lowercase ? "true" : "false");
    /* TemplateProcessing: [CLS] $A [SEP] and [CLS] $A [SEP] $B:1 [SEP]:1 */
    bft__buf_puts(j, "  \"post_processor\": {\n    \"type\": \"TemplateProcessing\",\n    \"single\": [\n");
    for (i = 0; i < 2; i++) {
        const char *cls = t->special_str[2], *sep = t->special_str[3];
        if (i) bft__buf_puts(j, "    \"pair\": [\n");
        bft__buf_puts(j, "      {\"SpecialToken\": {\"id\": ");
        bft__buf_json_str(j, cls, strlen(cls));
        bft__buf_puts(j, ", \"type_id\": 0}},\n      {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}},\n      {\"SpecialToken\": {\"id\": ");
        bft__buf_json_str(j, sep, strlen(sep));
        bft__buf_puts(j, ", \"type_id\": 0}}");
        if (i) {
            bft__buf_puts(j, ",\n      {\"Sequence\": {\"id\": \"B\", \"type_id\": 1}},\n      {\"SpecialToken\": {\"id\": ");
            bft__buf_json_str(j, sep, strlen(sep));
            bft__buf_puts(j, ", \"type_id\": 1}}");
        }
        bft__buf_puts(j, "\n    ],\n");
    }
    bft__buf_puts(j, "    \"special_tokens\": {");
    for (i = 2; i <= 3; i++) {
        const char *st = t->special_str[i];
        bft__buf_puts(j, i == 2 ? "\n      " : ",\n      ");
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_puts(j, ": {\"id\": ");
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_printf(j, ", \"ids\": [%d], \"tokens\": [", t->special_id[i]);
        bft__buf_json_str(j, st, strlen(st));
        bft__buf_puts(j, "]}");
    }
    bft__buf_puts(j, "\n    }\n  },\n  \"decoder\": {\n    \"type\": \"WordPiece\",\n    \"prefix\": \"##\",\n    \"cleanup\": true\n  },\n"
                     "  \"model\": {\n    \"type\": \"WordPiece\",\n    \"unk_token\": ");
    bft__buf_json_str(j, t->special_str[1], strlen(t->special_str[1]));
    bft__buf_printf(j, ",\n    \"continuing_subword_prefix\": \"##\",\n    \"max_input_chars_per_word\": %d,\n    \"vocab\": {",
                    t->max_chars_per_word);
    for (i = 0; i < t->vocab_size; i++) {
        bft__buf_puts(j, i ? ",\n      " : "\n      ");
        bft__buf_json_str(j, t->pool + t->tok_off[i], t->tok_len[i]);
        bft__buf_printf(j, ": %d", i);
    }
    bft__buf_puts(j, "\n    }\n  }\n}\n");
}

/* save_pretrained: vocab.txt, tokenizer_config.json, special_tokens_map.json and tokenizer.json as
   HF's BertTokenizerFast writes them. */
BERTFT_DEF bft_result bft_tokenizer_save(const bft_tokenizer *t, const char *dir)
{
    bft__buf v, c, m, j;
    bft_result r;
    char *p;
    int i, k, first = 1;
    /* HF lists the special tokens in id order in added_tokens_decoder */
    int order[BFT__NSPECIAL], no = 0;
    if ((r = bft_mkdirs(dir)) != BFT_OK) return r;
    memset(&v, 0, sizeof v);
    memset(&c, 0, sizeof c);
    memset(&m, 0, sizeof m);
    memset(&j, 0, sizeof j);
    for (i = 0; i < t->vocab_size; i++) {
        bft__buf_put(&v, t->pool + t->tok_off[i], t->tok_len[i]);
        bft__buf_put(&v, "\n", 1);
    }
    for (k = 0; k < BFT__NSPECIAL; k++) if (t->special_id[k] >= 0) order[no++] = k;
    for (i = 1; i < no; i++) {
        int x = order[i], j = i;
        while (j > 0 && t->special_id[order[j - 1]] > t->special_id[x]) { order[j] = order[j - 1]; j--; }
        order[j] = x;
    }
    bft__buf_puts(&c, "{\n  \"added_tokens_decoder\": {");
    for (i = 0; i < no; i++) {
        k = order[i];
        bft__buf_printf(&c, "%s\n    \"%d\": {\n      \"content\": ", first ? "" : ",", t->special_id[k]);
        bft__buf_json_str(&c, t->special_str[k], strlen(t->special_str[k]));
        bft__buf_puts(&c, ",\n      \"lstrip\": false,\n      \"normalized\": false,\n      \"rstrip\": false,\n"
                          "      \"single_word\": false,\n      \"special\": true\n    }");
        first = 0;
    }
    bft__buf_puts(&c, "\n  },\n  \"clean_up_tokenization_spaces\": true,\n  \"cls_token\": ");
    bft__buf_json_str(&c, t->special_str[2], strlen(t->special_str[2]));
    bft__buf_printf(&c, ",\n  \"do_basic_tokenize\": true,\n  \"do_lower_case\": %s,\n", t->lowercase ? "true" : "false");
    if (t->special_id[4] >= 0) {
        bft__buf_puts(&c, "  \"mask_token\": ");
        bft__buf_json_str(&c, t->special_str[4], strlen(t->special_str[4]));
        bft__buf_puts(&c, ",\n");
    }
    if (t->model_max_length > 0) bft__buf_printf(&c, "  \"model_max_length\": %d,\n", t->model_max_length);
    else bft__buf_puts(&c, "  \"model_max_length\": 1000000000000000019884624838656,\n");
    bft__buf_puts(&c, "  \"never_split\": null,\n  \"pad_token\": ");
    bft__buf_json_str(&c, t->special_str[0], strlen(t->special_str[0]));
    bft__buf_puts(&c, ",\n  \"sep_token\": ");
    bft__buf_json_str(&c, t->special_str[3], strlen(t->special_str[3]));
    /* strip_accents: null means "follow do_lower_case"; write null when it does */
    bft__buf_printf(&c, ",\n  \"strip_accents\": %s,\n  \"tokenize_chinese_chars\": %s,\n"
                        "  \"tokenizer_class\": \"BertTokenizer\",\n  \"unk_token\": ",
                    t->strip_accents == t->lowercase ? "null" : (t->strip_accents ? "true" : "false"),
                    t->chinese ? "true" : "false");
    bft__buf_json_str(&c, t->special_str[1], strlen(t->special_str[1]));
    bft__buf_puts(&c, "\n}\n");
    bft__buf_puts(&m, "{\n");
    first = 1;
    {
        /* special_tokens_map.json lists the keys alphabetically */
        static const int alpha[BFT__NSPECIAL] = { 2, 4, 0, 3, 1 }; /* cls mask pad sep unk */
        for (i = 0; i < BFT__NSPECIAL; i++) {
            k = alpha[i];
            if (t->special_id[k] < 0) continue;
            bft__buf_printf(&m, "%s  \"%s\": ", first ? "" : ",\n", bft__special_keys[k]);
            bft__buf_json_str(&m, t->special_str[k], strlen(t->special_str[k]));
            first = 0;
        }
    }
    bft__buf_puts(&m, "\n}\n");
    bft__tok_json(t, &j, order, no);
    if (v.oom || c.oom || m.oom || j.oom) r = bft__fail(BFT_ERR_OOM, "%s: out of memory", dir);
    if (r == BFT_OK) {
        p = bft__path_join(dir, "vocab.txt");
        r = p ? bft_write_file_atomic(p, v.p ? v.p : "", v.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "tokenizer_config.json");
        r = p ? bft_write_file_atomic(p, c.p, c.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "special_tokens_map.json");
        r = p ? bft_write_file_atomic(p, m.p, m.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    if (r == BFT_OK) {
        p = bft__path_join(dir, "tokenizer.json");
        r = p ? bft_write_file_atomic(p, j.p, j.n) : bft__fail(BFT_ERR_OOM, "out of memory");
        bft_free(p);
    }
    bft_free(j.p);
    bft_free(v.p);
    bft_free(c.p);
    bft_free(m.p);
    return r;
}
