/* tests/test_tokenizer.c - bertft's tokenizer against Hugging Face's fast tokenizer.
   Expected ids come from HF `tokenizers` itself (tools/tokenizer_reference.js fixtures):
     tests/data/tokenizer_hard.txt  full ids of hard strings (accents, CJK, emoji, controls, ...)
     tests/data/tokenizer_glue.txt  a hash of every GLUE row's encoding (MRPC RTE STS-B CoLA WNLI,
                                    train/dev/test, both vocabularies, max_length 128/16/24)
     tests/data/tokenizer_fuzz.txt  random texts, every truncation strategy
     tests/data/tokenizer_unicode.txt  every code point through HF's normalizer and pre-tokenizer */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"

static bft_tokenizer *tk_unc, *tk_cas;
static char vocab_unc[512], vocab_cas[512];

static int hexval(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }
/* "-" is the empty string; returns a malloc'ed NUL-terminated string of *n bytes. */
static char *unhex(const char *s, size_t *n)
{
    size_t l = strlen(s), i;
    char *o = (char *)malloc(l / 2 + 1);
    if (strcmp(s, "-") == 0) l = 0;
    for (i = 0; i + 1 < l; i += 2) o[i / 2] = (char)(hexval(s[i]) * 16 + hexval(s[i + 1]));
    *n = l / 2;
    o[*n] = 0;
    return o;
}

static char *read_all(const char *path, size_t *n)
{
    char *d = NULL;
    if (bft_read_file(path, &d, n) != BFT_OK) return NULL;
    return d;
}

static void test_load_special_ids(void)
{
    CHECK(bft_tokenizer_vocab_size(tk_unc) == 30522, "uncased vocab size %d", bft_tokenizer_vocab_size(tk_unc));
    CHECK(bft_tokenizer_vocab_size(tk_cas) == 28996, "cased vocab size %d", bft_tokenizer_vocab_size(tk_cas));
    CHECK(bft_tokenizer_pad_id(tk_unc) == 0 && bft_tokenizer_unk_id(tk_unc) == 100 && bft_tokenizer_cls_id(tk_unc) == 101 &&
          bft_tokenizer_sep_id(tk_unc) == 102 && bft_tokenizer_mask_id(tk_unc) == 103, "uncased special ids");
    CHECK(bft_tokenizer_token_to_id(tk_unc, "!") == 999 && bft_tokenizer_token_to_id(tk_cas, "!") == 106, "'!' ids");
    CHECK(bft_tokenizer_token_to_id(tk_cas, "[unused0]") == -1 && bft_tokenizer_token_to_id(tk_unc, "[unused0]") == 1, "[unused0]");
    CHECK(strcmp(bft_tokenizer_id_to_token(tk_cas, 102), "[SEP]") == 0, "id_to_token");
    CHECK(bft_tokenizer_do_lower_case(tk_unc) == 1 && bft_tokenizer_do_lower_case(tk_cas) == 0, "do_lower_case");
    {
        bft_tokenizer *t = NULL;
        bft_result r = bft_tokenizer_load(&t, "no/such/vocab.txt", 1);
        CHECK(r == BFT_ERR_IO && t == NULL && strstr(bft_last_error(), "no/such/vocab.txt"), "missing vocab: %s", bft_last_error());
    }
}

/* Known answers written by hand (also in the fixtures), so that a broken fixture file is noticed. */
static void test_known_answers(void)
{
    int32_t ids[64], ty[64];
    int n = 0;
    static const int32_t want[] = { 101, 7592, 1010, 2088, 999, 102, 14477, 20961, 3468, 102 };
    static const int32_t want_ty[] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 };
    CHECK_OK(bft_tokenizer_encode(tk_unc, "Hello, World!", 13, "unaffable", 9, 128, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
    CHECK(n == 10 && memcmp(ids, want, sizeof want) == 0 && memcmp(ty, want_ty, sizeof want_ty) == 0, "hello world pair (n=%d)", n);
    CHECK_OK(bft_tokenizer_encode(tk_unc, "", 0, NULL, 0, 128, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
    CHECK(n == 2 && ids[0] == 101 && ids[1] == 102, "empty -> [CLS] [SEP]");
    CHECK_OK(bft_tokenizer_encode(tk_unc, "naïve café", 12, NULL, 0, 128, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
    CHECK(n == 4 && ids[1] == 15743 && ids[2] == 7668, "accents stripped when uncased");
    CHECK_OK(bft_tokenizer_encode(tk_unc, "x [MASK] y", 10, NULL, 0, 128, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
    CHECK(n == 5 && ids[2] == 103, "[MASK] stays whole");
    CHECK_OK(bft_tokenizer_encode(tk_cas, "Hello", 5, NULL, 0, 128, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
    CHECK(n == 3 && ids[0] == 101 && strcmp(bft_tokenizer_id_to_token(tk_cas, ids[1]), "Hello") == 0, "cased keeps case");
}

static void test_hard_strings(void)
{
    size_t len, i = 0;
    char *d = read_all("tests/data/tokenizer_hard.txt", &len);
    int lines = 0, bad = 0;
    int32_t *ids = (int32_t *)malloc(4096 * sizeof(int32_t)), *ty = (int32_t *)malloc(4096 * sizeof(int32_t));
    CHECK(d != NULL, "cannot read tests/data/tokenizer_hard.txt (run from the repository root)");
    if (!d) { free(ids); free(ty); return; }
    while (i < len) {
        char *line = d + i, *f[8], *e = strchr(line, '\n');
        int nf = 0, ml, n = 0, ok = 1;
        size_t an, bn;
        char *a, *b = NULL;
        bft_truncation tr;
        bft_result r;
        if (!e) e = d + len;
        *e = 0;
        i = (size_t)(e - d) + 1;
        if (!*line) continue;
        f[nf++] = line;
        for (; *line && nf < 8; line++) if (*line == '\t') { *line = 0; f[nf++] = line + 1; }
        if (nf != 7) { CHECK(0, "bad fixture line %d", lines + 1); bad++; continue; }
        lines++;
        ml = atoi(f[1]);
        tr = strcmp(f[2], "only_first") == 0 ? BFT_TRUNC_ONLY_FIRST : strcmp(f[2], "only_second") == 0 ? BFT_TRUNC_ONLY_SECOND : BFT_TRUNC_LONGEST_FIRST;
        a = unhex(f[3], &an);
        if (strcmp(f[4], "*") != 0) b = unhex(f[4], &bn);
        else bn = 0;
        r = bft_tokenizer_encode(f[0][0] == 'u' ? tk_unc : tk_cas, a, an, b, bn, ml, tr, ids, ty, 4096, &n);
        if (strcmp(f[5], "ERROR") == 0) {
            ok = r != BFT_OK;
        } else if (r != BFT_OK) {
            ok = 0;
        } else {
            char *p = f[5], *q = f[6];
            int k;
            for (k = 0; k < n && ok; k++) {
                long v = strtol(p, &p, 10), w = strtol(q, &q, 10);
                if (v != ids[k] || w != ty[k]) ok = 0;
            }
            while (*p == ' ') p++;
            if (*p) ok = 0; /* HF has more tokens */
            if (n == 0 && f[5][0]) ok = 0;
        }
        if (!ok) {
            bad++;
            CHECK(0, "%s ml=%d %s a=\"%s\" b=%s: expected [%s], got %s n=%d (%s)", f[0], ml, f[2], a, b ? b : "(none)", f[5],
                  r == BFT_OK ? "ok" : bft_result_name(r), n, r == BFT_OK ? "" : bft_last_error());
        }
        free(a);
        free(b);
    }
    printf("  hard strings: %d cases, %d mismatches\n", lines, bad);
    CHECK(lines > 1000, "only %d hard cases", lines);
    free(d);
    free(ids);
    free(ty);
}

/* GLUE rows split on \n then TAB, no quoting (the same as tools/tokenizer_reference.js). */
typedef struct rows { int n; char **a, **b; char *buf; } rows;

static int read_glue(rows *R, const char *task, const char *file, int header, int c1, int c2)
{
    char path[1024];
    size_t len, i = 0;
    int line = 0, cap = 1024;
    snprintf(path, sizeof path, "%s/glue/%s/%s", bft_t_data_dir(), task, file);
    memset(R, 0, sizeof *R);
    R->buf = read_all(path, &len);
    if (!R->buf) return 0;
    R->a = (char **)malloc(sizeof(char *) * (size_t)cap);
    R->b = (char **)malloc(sizeof(char *) * (size_t)cap);
    while (i < len) {
        char *s = R->buf + i, *e = (char *)memchr(s, '\n', len - i), *col[16];
        int nc = 0;
        if (!e) e = R->buf + len;
        *e = 0;
        i = (size_t)(e - R->buf) + 1;
        if (line++ < header) continue;
        col[nc++] = s;
        for (; *s && nc < 16; s++) if (*s == '\t') { *s = 0; col[nc++] = s + 1; }
        if (R->n == cap) {
            cap *= 2;
            R->a = (char **)realloc(R->a, sizeof(char *) * (size_t)cap);
            R->b = (char **)realloc(R->b, sizeof(char *) * (size_t)cap);
        }
        R->a[R->n] = c1 < nc ? col[c1] : (char *)"";
        R->b[R->n] = c2 < 0 ? NULL : c2 < nc ? col[c2] : (char *)"";
        R->n++;
    }
    return 1;
}
static void free_rows(rows *R) { free(R->a); free(R->b); bft_free(R->buf); }

static uint32_t hash_row(const int32_t *ids, const int32_t *ty, int64_t n)
{
    uint32_t h = 2166136261u;
    int64_t i;
    for (i = 0; i < n; i++) h = (h ^ (uint32_t)ids[i]) * 16777619u;
    h = (h ^ 0xFFFFFFFFu) * 16777619u;
    for (i = 0; i < n; i++) h = (h ^ (uint32_t)ty[i]) * 16777619u;
    return h;
}

static const char *B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void test_glue_parity(void)
{
    size_t len, i = 0;
    char *d = read_all("tests/data/tokenizer_glue.txt", &len);
    int records = 0, total_rows = 0, total_bad = 0;
    CHECK(d != NULL, "cannot read tests/data/tokenizer_glue.txt");
    if (!d) return;
    while (i < len) {
        char *line = d + i, *e = strchr(line, '\n'), *packed, task[32], file[32], voc[16];
        unsigned all_want, all = 2166136261u;
        int ml, nrows, header, c1, c2, r, bad = 0;
        rows R;
        bft_encoded enc;
        if (!e) break;
        *e = 0;
        i = (size_t)(e - d) + 1;
        if (line[0] == '#' || !line[0]) continue;
        packed = d + i;
        e = strchr(packed, '\n');
        if (!e) e = d + len;
        *e = 0;
        i = (size_t)(e - d) + 1;
        if (sscanf(line, "%31[^/]/%31s %15s %d %d %x", task, file, voc, &ml, &nrows, &all_want) != 6) { CHECK(0, "bad record %s", line); continue; }
        if (strcmp(task, "CoLA") == 0) { header = strcmp(file, "test.tsv") == 0; c1 = header ? 1 : 3; c2 = -1; }
        else if (strcmp(task, "MRPC") == 0) { header = 1; c1 = 3; c2 = 4; }
        else if (strcmp(task, "STS-B") == 0) { header = 1; c1 = 7; c2 = 8; }
        else { header = 1; c1 = 1; c2 = 2; }
        if (!read_glue(&R, task, file, header, c1, c2)) { CHECK(0, "cannot read GLUE %s/%s under %s", task, file, bft_t_data_dir()); continue; }
        records++;
        CHECK(R.n == nrows, "%s/%s: %d rows, the fixture has %d", task, file, R.n, nrows);
        r = bft_tokenizer_encode_batch(voc[0] == 'u' ? tk_unc : tk_cas, R.n, (const char *const *)R.a,
                                       c2 < 0 ? NULL : (const char *const *)R.b, ml, BFT_TRUNC_LONGEST_FIRST, &enc);
        CHECK(r == BFT_OK, "%s/%s: %s", task, file, bft_last_error());
        if (r == BFT_OK) {
            int k;
            for (k = 0; k < R.n; k++) {
                int64_t o = enc.offsets[k], n = enc.offsets[k + 1] - o;
                uint32_t h = hash_row(enc.input_ids + o, enc.token_type_ids + o, n), v = h & 0xFFFF;
                all = (all ^ h) * 16777619u;
                if (k < nrows && (3 * (size_t)k + 2 >= strlen(packed) || packed[3 * k] != B64[v >> 12] ||
                                  packed[3 * k + 1] != B64[(v >> 6) & 63] || packed[3 * k + 2] != B64[v & 63])) {
                    bad++;
                    CHECK(0, "%s/%s %s max_length %d: row %d differs from HF", task, file, voc, ml, k + 1);
                }
                CHECK(n <= ml, "row %d longer than max_length", k);
            }
            if (all != all_want && bad == 0) bad = -1; /* differs, but no row hash shows where */
            bft_encoded_free(&enc);
        }
        printf("  %s/%s %s max_length %d: %d rows, %d mismatches%s\n", task, file, voc, ml, R.n, bad < 0 ? 1 : bad,
               all == all_want ? "" : " (whole-file hash differs)");
        CHECK(all == all_want, "%s/%s %s %d: whole-file hash differs", task, file, voc, ml);
        total_rows += R.n;
        total_bad += bad < 0 ? 1 : bad;
        free_rows(&R);
    }
    printf("  GLUE: %d files x vocab x max_length, %d rows, %d mismatches\n", records, total_rows, total_bad);
    CHECK(records >= 70, "only %d GLUE records checked", records);
    free(d);
}

/* Random texts (special tokens, marks, CJK, emoji, controls, any plane) with every truncation
   strategy, including the rows HF refuses (only_first / only_second with too little to cut). */
static char *unescape(char *s, size_t *n)
{
    char *r = s, *w = s;
    while (*r) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
            r++;
        } else *w++ = *r++;
    }
    *w = 0;
    *n = (size_t)(w - s);
    return s;
}

static void test_fuzz_parity(void)
{
    size_t len, i = 0;
    char *d = read_all("tests/data/tokenizer_fuzz.txt", &len), **a = NULL, **b = NULL;
    size_t *al = NULL, *bl = NULL;
    int nt = 0, k = 0, records = 0, total_bad = 0;
    int32_t ids[512], ty[512];
    CHECK(d != NULL, "cannot read tests/data/tokenizer_fuzz.txt");
    if (!d) return;
    while (i < len) {
        char *line = d + i, *e = strchr(line, '\n');
        if (!e) e = d + len;
        *e = 0;
        i = (size_t)(e - d) + 1;
        if (line[0] == '#' && !a) continue; /* comments come before the texts (which may start with '#') */
        if (line[0] == 'T' && !a) {
            nt = atoi(line + 2);
            a = (char **)calloc((size_t)nt, sizeof(char *));
            b = (char **)calloc((size_t)nt, sizeof(char *));
            al = (size_t *)calloc((size_t)nt, sizeof(size_t));
            bl = (size_t *)calloc((size_t)nt, sizeof(size_t));
            continue;
        }
        if (a && k < nt) {
            char *tab = strchr(line, '\t');
            if (tab) { *tab = 0; b[k] = unescape(tab + 1, &bl[k]); }
            a[k] = unescape(line, &al[k]);
            k++;
            continue;
        }
        if (line[0] == 'R') {
            char voc[16], st[32], *packed = d + i;
            int ml, row, bad = 0;
            unsigned want, all = 2166136261u;
            bft_truncation tr;
            e = strchr(packed, '\n');
            if (!e) e = d + len;
            *e = 0;
            i = (size_t)(e - d) + 1;
            if (sscanf(line, "R %15s %d %31s %x", voc, &ml, st, &want) != 4 || strlen(packed) != 3 * (size_t)nt) { CHECK(0, "bad record %s", line); continue; }
            tr = strcmp(st, "only_first") == 0 ? BFT_TRUNC_ONLY_FIRST : strcmp(st, "only_second") == 0 ? BFT_TRUNC_ONLY_SECOND : BFT_TRUNC_LONGEST_FIRST;
            for (row = 0; row < nt; row++) {
                int n = 0;
                uint32_t h, v;
                bft_result r = bft_tokenizer_encode(voc[0] == 'u' ? tk_unc : tk_cas, a[row], al[row], b[row], bl[row], ml, tr, ids, ty, 512, &n);
                h = r == BFT_OK ? hash_row(ids, ty, n) : (2166136261u ^ 0xFFFFFFFEu) * 16777619u;
                v = h & 0xFFFF;
                all = (all ^ h) * 16777619u;
                if (packed[3 * row] != B64[v >> 12] || packed[3 * row + 1] != B64[(v >> 6) & 63] || packed[3 * row + 2] != B64[v & 63]) {
                    bad++;
                    CHECK(0, "fuzz %s %d %s: row %d differs from HF (%s)", voc, ml, st, row + 1, r == BFT_OK ? "encoded" : bft_last_error());
                }
            }
            if (all != want && bad == 0) bad = 1;
            printf("  fuzz %s max_length %d %s: %d texts, %d mismatches\n", voc, ml, st, nt, bad);
            records++;
            total_bad += bad;
        }
    }
    CHECK(records == 14 && k == nt && nt > 1000, "fuzz fixture: %d records, %d of %d texts", records, k, nt);
    CHECK(total_bad == 0, "%d fuzz mismatches", total_bad);
    free(a); free(b); free(al); free(bl);
    free(d);
}

/* Every code point through the tables, composed as BertNormalizer and BertPreTokenizer do, against
   HF's normalizer and pre-tokenizer run on each code point alone (hashed per 4096 code points). */
static int norm_cp(uint32_t c, int strip_lower, uint32_t *o)
{
    uint32_t d[8];
    int n = 0, m, j, a, cjk;
    if (c == 9 || c == 10 || c == 13) c = ' ';
    else if (c == 0 || c == 0xFFFD || (bft__u_class(c) & BFT__U_OTHER)) return 0;
    if (bft__u_is_ws(c)) c = ' ';
    cjk = bft__u_is_cjk(c);
    if (cjk) o[n++] = ' ';
    m = strip_lower ? bft__u_decompose(c, d) : (d[0] = c, 1);
    for (a = 1; a < m; a++) { /* canonical ordering */
        uint32_t x = d[a], cx = bft__u_ccc(x);
        int q = a;
        while (q > 0 && cx && bft__u_ccc(d[q - 1]) > cx) { d[q] = d[q - 1]; q--; }
        d[q] = x;
    }
    for (j = 0; j < m; j++) {
        if (strip_lower && (bft__u_class(d[j]) & BFT__U_MN)) continue;
        if (strip_lower) n += bft__u_lower(d[j], o + n);
        else o[n++] = d[j];
    }
    if (cjk) o[n++] = ' ';
    return n;
}

static void test_unicode_tables(void)
{
    size_t len, i = 0;
    char *d = read_all("tests/data/tokenizer_unicode.txt", &len);
    int blocks = 0, bad = 0;
    CHECK(d != NULL, "cannot read tests/data/tokenizer_unicode.txt");
    if (!d) return;
    while (i < len) {
        char *line = d + i, *e = strchr(line, '\n');
        unsigned base, want, c;
        uint32_t h = 2166136261u, o[16];
        if (!e) e = d + len;
        *e = 0;
        i = (size_t)(e - d) + 1;
        if (line[0] == '#' || sscanf(line, "%x %x", &base, &want) != 2) continue;
        for (c = base; c < base + 4096; c++) {
            int n, j;
            if (c >= 0xD800 && c <= 0xDFFF) continue;
            n = norm_cp(c, 1, o);
            for (j = 0; j < n; j++) h = (h ^ o[j]) * 16777619u;
            h = (h ^ 0xFFFFFFFFu) * 16777619u;
            n = norm_cp(c, 0, o);
            for (j = 0; j < n; j++) h = (h ^ o[j]) * 16777619u;
            h = (h ^ 0xFFFFFFFFu) * 16777619u;
            h = (h ^ (uint32_t)(bft__u_is_ws(c) ? 2 : bft__u_is_punct(c) ? 3 : 1)) * 16777619u;
        }
        blocks++;
        if (h != want) { bad++; CHECK(0, "code points U+%04X..U+%04X differ from HF", base, base + 4095); }
    }
    printf("  unicode: %d blocks of 4096 code points, %d differ\n", blocks, bad);
    CHECK(blocks == 272, "only %d blocks", blocks);
    free(d);
}

/* Batch = one by one, for any thread count. */
static void test_batch_threads(void)
{
    rows R;
    bft_encoded e1, e2;
    int k, same = 1, nt = bft_get_num_threads();
    if (!read_glue(&R, "RTE", "dev.tsv", 1, 1, 2)) { CHECK(0, "cannot read RTE dev"); return; }
    bft_set_num_threads(1);
    CHECK_OK(bft_tokenizer_encode_batch(tk_unc, R.n, (const char *const *)R.a, (const char *const *)R.b, 64, BFT_TRUNC_LONGEST_FIRST, &e1));
    bft_set_num_threads(4);
    CHECK_OK(bft_tokenizer_encode_batch(tk_unc, R.n, (const char *const *)R.a, (const char *const *)R.b, 64, BFT_TRUNC_LONGEST_FIRST, &e2));
    bft_set_num_threads(nt);
    CHECK(e1.n == R.n && e2.n == R.n && e1.offsets[R.n] == e2.offsets[R.n], "batch sizes");
    for (k = 0; k <= R.n && same; k++) same = e1.offsets[k] == e2.offsets[k];
    CHECK(same && memcmp(e1.input_ids, e2.input_ids, (size_t)e1.offsets[R.n] * 4) == 0 &&
          memcmp(e1.token_type_ids, e2.token_type_ids, (size_t)e1.offsets[R.n] * 4) == 0, "1 thread != 4 threads");
    for (k = 0; k < R.n; k++) {
        int32_t ids[64], ty[64];
        int n = 0;
        CHECK_OK(bft_tokenizer_encode(tk_unc, R.a[k], strlen(R.a[k]), R.b[k], strlen(R.b[k]), 64, BFT_TRUNC_LONGEST_FIRST, ids, ty, 64, &n));
        CHECK(n == e1.offsets[k + 1] - e1.offsets[k] && memcmp(ids, e1.input_ids + e1.offsets[k], (size_t)n * 4) == 0 &&
              memcmp(ty, e1.token_type_ids + e1.offsets[k], (size_t)n * 4) == 0, "row %d: batch != single", k);
    }
    bft_encoded_free(&e1);
    bft_encoded_free(&e2);
    free_rows(&R);
}

/* Invalid UTF-8 reads as U+FFFD, which the clean-up deletes: the same ids as without those bytes. */
static void test_invalid_utf8(void)
{
    static const char *bad[] = { "caf\xc3", "a\xff" "b", "\x80\x80x", "a\xe0\x80\x80" "b", "a\xed\xa0\x80" "b",
                                 "a\xf4\x90\x80\x80" "b", "a\xc0\xaf" "b", "\xf0\x9f\x98", "x\xe2\x82" };
    static const char *good[] = { "caf", "ab", "x", "ab", "ab", "ab", "ab", "", "x" };
    size_t k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int32_t i1[32], i2[32];
        int n1 = 0, n2 = 0;
        CHECK_OK(bft_tokenizer_encode(tk_unc, bad[k], strlen(bad[k]), NULL, 0, 32, BFT_TRUNC_LONGEST_FIRST, i1, NULL, 32, &n1));
        CHECK_OK(bft_tokenizer_encode(tk_unc, good[k], strlen(good[k]), NULL, 0, 32, BFT_TRUNC_LONGEST_FIRST, i2, NULL, 32, &n2));
        CHECK(n1 == n2 && memcmp(i1, i2, (size_t)n1 * 4) == 0, "invalid UTF-8 case %d", (int)k);
    }
    {   /* a buffer that is not NUL-terminated, cut inside a character: nothing past len is read */
        char buf[4] = { 'a', (char)0xE2, (char)0x82, (char)0xAC };
        int32_t ids[8];
        int n = 0;
        CHECK_OK(bft_tokenizer_encode(tk_unc, buf, 3, NULL, 0, 8, BFT_TRUNC_LONGEST_FIRST, ids, NULL, 8, &n));
        CHECK(n == 3 && ids[1] == bft_tokenizer_token_to_id(tk_unc, "a"), "cut character");
    }
}

static void test_errors(void)
{
    int32_t ids[16];
    int n = 0;
    const char *s = "one two three four five six seven eight nine ten eleven twelve";
    bft_result r = bft_tokenizer_encode(tk_unc, s, strlen(s), "x", 1, 8, BFT_TRUNC_NONE, ids, NULL, 16, &n);
    CHECK(r == BFT_ERR_INVALID && strstr(bft_last_error(), "truncation is off"), "no truncation, too long: %s", bft_last_error());
    r = bft_tokenizer_encode(tk_unc, s, strlen(s), NULL, 0, 512, BFT_TRUNC_NONE, ids, NULL, 4, &n);
    CHECK(r == BFT_ERR_INVALID && n == 14, "cap too small: n=%d", n);
    r = bft_tokenizer_encode(tk_unc, s, strlen(s), NULL, 0, 8, BFT_TRUNC_ONLY_SECOND, ids, NULL, 16, &n);
    CHECK(r == BFT_ERR_INVALID, "only_second without a pair");
    r = bft_tokenizer_encode(tk_unc, "a", 1, "b", 1, 2, BFT_TRUNC_LONGEST_FIRST, ids, NULL, 16, &n);
    CHECK(r == BFT_ERR_INVALID, "max_length below the special tokens");
}

static void test_save_and_config(void)
{
    const char *dir = "build/test_tokenizer_save";
    bft_tokenizer *t = NULL;
    char *cfg = NULL;
    size_t n;
    int32_t a[32], b[32];
    int na = 0, nb = 0;
    const char *s = "Ünïcödé Straße";
    CHECK_OK(bft_tokenizer_save(tk_cas, dir));
    CHECK(bft_read_file("build/test_tokenizer_save/tokenizer_config.json", &cfg, &n) == BFT_OK &&
          strstr(cfg, "\"do_lower_case\": false") && strstr(cfg, "\"tokenizer_class\": \"BertTokenizer\""), "tokenizer_config.json");
    bft_free(cfg);
    /* the default (-1) follows the saved tokenizer_config.json: cased */
    CHECK_OK(bft_tokenizer_from_pretrained(&t, dir, -1));
    if (!t) return;
    CHECK(bft_tokenizer_do_lower_case(t) == 0 && bft_tokenizer_vocab_size(t) == 28996, "reloaded cased");
    CHECK_OK(bft_tokenizer_encode(t, s, strlen(s), NULL, 0, 32, BFT_TRUNC_LONGEST_FIRST, a, NULL, 32, &na));
    CHECK_OK(bft_tokenizer_encode(tk_cas, s, strlen(s), NULL, 0, 32, BFT_TRUNC_LONGEST_FIRST, b, NULL, 32, &nb));
    CHECK(na == nb && memcmp(a, b, (size_t)na * 4) == 0, "reloaded tokenizer encodes the same");
    bft_tokenizer_free(t);
    CHECK_OK(bft_tokenizer_from_pretrained(&t, dir, 1)); /* an explicit argument wins */
    if (t) { CHECK(bft_tokenizer_do_lower_case(t) == 1, "override"); bft_tokenizer_free(t); }
    CHECK(bft_read_file("build/test_tokenizer_save/special_tokens_map.json", &cfg, &n) == BFT_OK && strstr(cfg, "\"mask_token\": \"[MASK]\""),
          "special_tokens_map.json");
    bft_free(cfg);
}

int main(void)
{
    snprintf(vocab_unc, sizeof vocab_unc, "%s/vocab/bert-base-uncased.txt", bft_t_data_dir());
    snprintf(vocab_cas, sizeof vocab_cas, "%s/vocab/bert-base-cased.txt", bft_t_data_dir());
    if (bft_tokenizer_load(&tk_unc, vocab_unc, 1) != BFT_OK || bft_tokenizer_load(&tk_cas, vocab_cas, 0) != BFT_OK) {
        printf("FAIL tokenizer_load: %s\n", bft_last_error());
        return 1;
    }
    RUN_TEST(test_load_special_ids);
    RUN_TEST(test_known_answers);
    RUN_TEST(test_hard_strings);
    RUN_TEST(test_glue_parity);
    RUN_TEST(test_fuzz_parity);
    RUN_TEST(test_unicode_tables);
    RUN_TEST(test_batch_threads);
    RUN_TEST(test_invalid_utf8);
    RUN_TEST(test_errors);
    RUN_TEST(test_save_and_config);
    bft_tokenizer_free(tk_unc);
    bft_tokenizer_free(tk_cas);
    TEST_MAIN_END();
}
