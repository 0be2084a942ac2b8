/* ------------------------------------------------------------------------------------------ */
/* 7. Data: GLUE TSV readers, user CSV / JSON lines files                                      */
/* ------------------------------------------------------------------------------------------ */
#include <time.h>

static const char *const bft__lbl_cola[] = {"unacceptable", "acceptable"};
static const char *const bft__lbl_sst2[] = {"negative", "positive"};
static const char *const bft__lbl_mrpc[] = {"not_equivalent", "equivalent"};
static const char *const bft__lbl_qqp[] = {"not_duplicate", "duplicate"};
static const char *const bft__lbl_mnli[] = {"entailment", "neutral", "contradiction"};
static const char *const bft__lbl_ent[] = {"entailment", "not_entailment"};   /* qnli, rte */
static const char *const bft__lbl_wnli[] = {"not_entailment", "entailment"};

/* Label lists as HF datasets' glue configs; column names as the classic glue_data headers. */
static const bft_task_info bft__glue_tasks[] = {
    {"cola", "CoLA", 2, 0, bft__lbl_cola, {"matthews_correlation", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence", NULL, "label"},
    {"sst2", "SST-2", 2, 0, bft__lbl_sst2, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence", NULL, "label"},
    {"mrpc", "MRPC", 2, 0, bft__lbl_mrpc, {"accuracy", "f1"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "#1 String", "#2 String", "Quality"},
    {"qqp", "QQP", 2, 0, bft__lbl_qqp, {"accuracy", "f1"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "question1", "question2", "is_duplicate"},
    {"stsb", "STS-B", 1, 1, NULL, {"pearson", "spearmanr"}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "score"},
    {"mnli", "MNLI", 3, 0, bft__lbl_mnli, {"accuracy", NULL}, "train.tsv", "dev_matched.tsv", "test_matched.tsv",
     "dev_mismatched.tsv", "test_mismatched.tsv", "sentence1", "sentence2", "gold_label"},
    {"qnli", "QNLI", 2, 0, bft__lbl_ent, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "question", "sentence", "label"},
    {"rte", "RTE", 2, 0, bft__lbl_ent, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "label"},
    {"wnli", "WNLI", 2, 0, bft__lbl_wnli, {"accuracy", NULL}, "train.tsv", "dev.tsv", "test.tsv",
     NULL, NULL, "sentence1", "sentence2", "label"},
};
#define BFT__NTASKS ((int)(sizeof bft__glue_tasks / sizeof bft__glue_tasks[0]))

BERTFT_DEF const bft_task_info *bft_glue_task_info(const char *name)
{
    char key[32];
    size_t i, k = 0;
    int t;
    if (!name) { bft__fail(BFT_ERR_INVALID, "no GLUE task name given"); return NULL; }
    /* "STS-B" -> "stsb", "SST-2" -> "sst2": lower case without dashes */
    for (i = 0; name[i] && k + 1 < sizeof key; i++) {
        char c = name[i];
        if (c == '-') continue;
        key[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    key[k] = 0;
    if (name[i] == 0) {
        if (strcmp(key, "mnli_matched") == 0 || strcmp(key, "mnli_mismatched") == 0 || strcmp(key, "mnlimm") == 0)
            strcpy(key, "mnli");
        for (t = 0; t < BFT__NTASKS; t++)
            if (strcmp(key, bft__glue_tasks[t].name) == 0) return &bft__glue_tasks[t];
    }
    bft__fail(BFT_ERR_INVALID, "unknown GLUE task \"%s\"; expected one of cola, sst2, mrpc, qqp, stsb, mnli, "
              "qnli, rte, wnli", name);
    return NULL;
}

BERTFT_DEF void bft_dataset_free(bft_dataset *d)
{
    int i;
    if (!d) return;
    for (i = 0; i < d->n; i++) {
        if (d->text_a) bft_free(d->text_a[i]);
        if (d->text_b) bft_free(d->text_b[i]);
    }
    if (d->label_names)
        for (i = 0; i < d->num_labels; i++) bft_free(d->label_names[i]);
    bft_free(d->text_a);
    bft_free(d->text_b);
    bft_free(d->labels);
    bft_free(d->label_names);
    bft_free(d->task);
    memset(d, 0, sizeof *d);
}

/* Room for `n` examples (the readers know an upper bound: the line count). */
static bft_result bft__dataset_alloc(bft_dataset *d, int n, int pair)
{
    d->text_a = BFT__NEW(char *, n);
    d->text_b = pair ? BFT__NEW(char *, n) : NULL;
    d->labels = BFT__NEW(float, n);
    if (!d->text_a || (pair && !d->text_b) || !d->labels) return bft__fail(BFT_ERR_OOM, "out of memory for %d examples", n);
    return BFT_OK;
}

static bft_result bft__dataset_set_names(bft_dataset *d, int num, const char *const *names)
{
    int i;
    d->num_labels = num;
    if (!names) return BFT_OK;
    d->label_names = BFT__NEW(char *, num);
    if (!d->label_names) return bft__fail(BFT_ERR_OOM, "out of memory");
    for (i = 0; i < num; i++)
        if (!(d->label_names[i] = bft__strdup(names[i]))) return bft__fail(BFT_ERR_OOM, "out of memory");
    return BFT_OK;
}

/* A span of the file, not NUL-terminated. */
typedef struct bft__span { const char *s; size_t n; } bft__span;

static int bft__span_eq(bft__span a, const char *s) { return strlen(s) == a.n && memcmp(a.s, s, a.n) == 0; }

/* Text for an error message: the span, cut to 40 bytes. */
static const char *bft__span_msg(bft__span a, char *tmp, size_t cap)
{
    size_t n = a.n < cap - 4 ? a.n : cap - 4;
    memcpy(tmp, a.s, n);
    strcpy(tmp + n, a.n > n ? "..." : "");
    return tmp;
}

/* Next line of [p, end): returns its span without "\n" or "\r\n"; advances *p. */
static bft__span bft__next_line(const char **p, const char *end)
{
    bft__span l;
    const char *nl = (const char *)memchr(*p, '\n', (size_t)(end - *p));
    l.s = *p;
    if (!nl) { l.n = (size_t)(end - *p); *p = end; }
    else { l.n = (size_t)(nl - *p); *p = nl + 1; }
    if (l.n && l.s[l.n - 1] == '\r') l.n--;
    return l;
}

/* Split on TAB only: quoting off, consecutive tabs give empty fields. Returns the field count
   (may exceed cap; only cap are stored). */
static int bft__split_tabs(bft__span line, bft__span *f, int cap)
{
    int k = 0;
    const char *s = line.s, *end = line.s + line.n;
    for (;;) {
        const char *t = (const char *)memchr(s, '\t', (size_t)(end - s));
        const char *e = t ? t : end;
        if (k < cap) { f[k].s = s; f[k].n = (size_t)(e - s); }
        k++;
        if (!t) break;
        s = t + 1;
    }
    return k;
}

/* Parse a decimal integer filling the whole span (Python int(): surrounding spaces, sign). */
static int bft__parse_int(bft__span a, long *out)
{
    size_t i = 0, n = a.n;
    long v = 0;
    int neg = 0, digits = 0;
    while (i < n && a.s[i] == ' ') i++;
    while (n > i && a.s[n - 1] == ' ') n--;
    if (i < n && (a.s[i] == '+' || a.s[i] == '-')) neg = a.s[i++] == '-';
    for (; i < n; i++) {
        if (a.s[i] < '0' || a.s[i] > '9' || v > 100000000L) return 0;
        v = v * 10 + (a.s[i] - '0');
        digits++;
    }
    if (!digits) return 0;
    *out = neg ? -v : v;
    return 1;
}

/* Parse a finite real number filling the whole span. */
static int bft__parse_real(bft__span a, double *out)
{
    char tmp[64], *e;
    size_t i = 0, n = a.n;
    double v;
    while (i < n && a.s[i] == ' ') i++;
    while (n > i && a.s[n - 1] == ' ') n--;
    if (n == i || n - i >= sizeof tmp) return 0;
    memcpy(tmp, a.s + i, n - i);
    tmp[n - i] = 0;
    v = strtod(tmp, &e);
    if (*e || !(v == v) || v > DBL_MAX || v < -DBL_MAX) return 0;
    *out = v;
    return 1;
}

/* A GLUE label: a class name, its index written as a number (HF casts "0"/"1" with int()),
   or a real number for STS-B. */
static bft_result bft__glue_label(const bft_task_info *t, bft__span v, float *out, const char *path, long line)
{
    char tmp[64];
    int c;
    long iv;
    if (t->is_regression) {
        double x;
        if (!bft__parse_real(v, &x))
            return bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not a number (column \"%s\")", path, line,
                             bft__span_msg(v, tmp, sizeof tmp), t->col_label);
        *out = (float)x;
        return BFT_OK;
    }
    for (c = 0; c < t->num_labels; c++)
        if (bft__span_eq(v, t->label_names[c])) { *out = (float)c; return BFT_OK; }
    if (bft__parse_int(v, &iv) && iv >= 0 && iv < t->num_labels) { *out = (float)iv; return BFT_OK; }
    {
        bft__buf b = {0, 0, 0, 0};
        bft_result r;
        for (c = 0; c < t->num_labels; c++) bft__buf_printf(&b, "%s%s", c ? ", " : "", t->label_names[c]);
        r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not one of %s (or 0..%d)", path, line,
                      bft__span_msg(v, tmp, sizeof tmp), b.p ? b.p : "", t->num_labels - 1);
        bft_free(b.p);
        return r;
    }
}

static const char *bft__skip_bom(const char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) return p + 3;
    return p;
}

static int bft__count_lines(const char *p, const char *end)
{
    size_t n = 1;
    while ((p = (const char *)memchr(p, '\n', (size_t)(end - p))) != NULL) { n++; p++; }
    return n > (size_t)INT_MAX ? INT_MAX : (int)n;
}

static int bft__file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

#define BFT__MAXCOLS 64

static bft_result bft__glue_read(bft_dataset *d, const bft_task_info *t, const char *path, int is_test)
{
    char *data = NULL;
    size_t len;
    const char *p, *end;
    bft__span f[BFT__MAXCOLS];
    int ncols, ia, ib = -1, il = -1, cap, k;
    long line = 0;
    int headerless = strcmp(t->name, "cola") == 0 && !is_test; /* CoLA train/dev: no header */
    bft_result r = bft_read_file(path, &data, &len);
    if (r != BFT_OK) return r;
    p = bft__skip_bom(data, data + len);
    end = data + len;
    if (p == end) { bft_free(data); return bft__fail(BFT_ERR_FORMAT, "%s:1: empty file", path); }
    cap = bft__count_lines(p, end);
    if ((r = bft__dataset_alloc(d, cap, t->col_b != NULL)) != BFT_OK) { bft_free(data); return r; }
    if (headerless) {
        /* source, label, original mark, sentence (HF: row[3], row[1]) */
        ncols = 4; ia = 3; il = 1;
    } else {
        bft__span h = bft__next_line(&p, end);
        line = 1;
        ncols = bft__split_tabs(h, f, BFT__MAXCOLS);
        if (ncols > BFT__MAXCOLS) { bft_free(data); return bft__fail(BFT_ERR_FORMAT, "%s:1: more than %d columns", path, BFT__MAXCOLS); }
        ia = -1;
        for (k = 0; k < ncols; k++) {
            if (bft__span_eq(f[k], t->col_a)) ia = k;
            else if (t->col_b && bft__span_eq(f[k], t->col_b)) ib = k;
            else if (bft__span_eq(f[k], t->col_label)) il = k;
        }
        if (ia < 0 || (t->col_b && ib < 0) || (il < 0 && !is_test)) {
            const char *miss = ia < 0 ? t->col_a : (t->col_b && ib < 0) ? t->col_b : t->col_label;
            bft_free(data);
            return bft__fail(BFT_ERR_FORMAT, "%s:1: the header has no column \"%s\" (expected the classic glue_data %s layout)",
                             path, miss, t->folder);
        }
    }
    d->has_labels = il >= 0;
    while (p < end) {
        bft__span l = bft__next_line(&p, end);
        int m;
        line++;
        if (l.n == 0) continue; /* csv.DictReader skips blank lines */
        m = bft__split_tabs(l, f, BFT__MAXCOLS);
        if (m != ncols) {
            bft_free(data);
            return bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected %d tab-separated columns, found %d", path, line, ncols, m);
        }
        if (il >= 0) {
            if ((r = bft__glue_label(t, f[il], &d->labels[d->n], path, line)) != BFT_OK) { bft_free(data); return r; }
        } else {
            d->labels[d->n] = -1.0f;
        }
        d->text_a[d->n] = bft__strndup(f[ia].s, f[ia].n);
        if (ib >= 0) d->text_b[d->n] = bft__strndup(f[ib].s, f[ib].n);
        /* count first so bft_dataset_free releases a half-made pair */
        d->n++;
        if (!d->text_a[d->n - 1] || (ib >= 0 && !d->text_b[d->n - 1])) { bft_free(data); return bft__fail(BFT_ERR_OOM, "%s: out of memory", path); }
    }
    bft_free(data);
    if (d->n == 0) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: no examples in the file", path, line + 1);
    return BFT_OK;
}

BERTFT_DEF bft_result bft_glue_load(bft_dataset *d, const char *task, const char *data_dir, const char *split)
{
    const bft_task_info *t;
    const char *file = NULL;
    char *path, *sub;
    int is_test = 0;
    bft_result r;
    memset(d, 0, sizeof *d);
    t = bft_glue_task_info(task);
    if (!t) return BFT_ERR_INVALID;
    if (!split) split = "train";
    if (strcmp(split, "train") == 0) file = t->train_file;
    else if (strcmp(split, "validation") == 0 || strcmp(split, "dev") == 0 ||
             (t->dev_mm_file && (strcmp(split, "validation_matched") == 0 || strcmp(split, "dev_matched") == 0)))
        file = t->dev_file;
    else if (strcmp(split, "test") == 0 || (t->test_mm_file && strcmp(split, "test_matched") == 0))
        file = t->test_file, is_test = 1;
    else if (t->dev_mm_file && (strcmp(split, "validation_mismatched") == 0 || strcmp(split, "dev_mismatched") == 0))
        file = t->dev_mm_file;
    else if (t->test_mm_file && strcmp(split, "test_mismatched") == 0)
        file = t->test_mm_file, is_test = 1;
    if (!file)
        return bft__fail(BFT_ERR_INVALID, "GLUE task %s has no split \"%s\" (train, validation, test%s)", t->name, split,
                         t->dev_mm_file ? ", validation_mismatched, test_mismatched" : "");
    /* data_dir may be the task folder or the glue root holding it */
    path = bft__path_join(data_dir, file);
    if (!path) return bft__fail(BFT_ERR_OOM, "out of memory");
    if (!bft__file_exists(path)) {
        sub = bft__path_join(data_dir, t->folder);
        if (sub) {
            char *p2 = bft__path_join(sub, file);
            if (p2 && bft__file_exists(p2)) { bft_free(path); path = p2; }
            else bft_free(p2);
            bft_free(sub);
        }
    }
    r = bft__glue_read(d, t, path, is_test);
    if (r == BFT_OK) r = bft__dataset_set_names(d, t->num_labels, t->label_names);
    if (r == BFT_OK && !(d->task = bft__strdup(t->name))) r = bft__fail(BFT_ERR_OOM, "out of memory");
    d->is_regression = t->is_regression;
    bft_free(path);
    if (r != BFT_OK) bft_dataset_free(d);
    return r;
}

/* ---- user files: a generic table of cells ---- */
enum { BFT__C_NULL = 0, BFT__C_STR = 1, BFT__C_NUM = 2, BFT__C_TEXT = 3 /* CSV: type inferred */, BFT__C_OTHER = 4 };

typedef struct bft__table {
    int ncols, nrows, cap;
    char **cols;
    char **cells;                 /* nrows * ncols, NULL for a missing value */
    unsigned char *kind;
    long *lines;                  /* line where each row starts */
} bft__table;

static void bft__table_free(bft__table *t)
{
    int i;
    for (i = 0; i < t->ncols; i++) bft_free(t->cols[i]);
    for (i = 0; i < t->nrows * t->ncols; i++) bft_free(t->cells[i]);
    bft_free(t->cols);
    bft_free(t->cells);
    bft_free(t->kind);
    bft_free(t->lines);
    memset(t, 0, sizeof *t);
}

static bft_result bft__table_add_row(bft__table *t, long line)
{
    if (t->nrows == t->cap) {
        int nc = t->cap ? t->cap * 2 : 256;
        char **c = (char **)bft__realloc(t->cells, (size_t)nc * (size_t)t->ncols * sizeof(char *));
        unsigned char *k;
        long *l;
        if (!c) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->cells = c;
        k = (unsigned char *)bft__realloc(t->kind, (size_t)nc * (size_t)t->ncols);
        if (!k) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->kind = k;
        l = (long *)bft__realloc(t->lines, (size_t)nc * sizeof(long));
        if (!l) return bft__fail(BFT_ERR_OOM, "out of memory");
        t->lines = l;
        t->cap = nc;
    }
    memset(t->cells + (size_t)t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols * sizeof(char *));
    memset(t->kind + (size_t)t->nrows * (size_t)t->ncols, 0, (size_t)t->ncols);
    t->lines[t->nrows] = line;
    t->nrows++;
    return BFT_OK;
}

/* One CSV record (RFC 4180) from *p; fields appended to *out as new strings. */
static bft_result bft__csv_record(const char **pp, const char *end, long *line, const char *path, bft__buf *fields,
                                  int *nfields, size_t *offs, int cap)
{
    const char *p = *pp;
    long start = *line;
    *nfields = 0;
    fields->n = 0;
    for (;;) {
        if (*nfields < cap) offs[*nfields] = fields->n;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                const char *q;
                if (p >= end) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unterminated quoted field", path, start);
                q = (const char *)memchr(p, '"', (size_t)(end - p));
                if (!q) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unterminated quoted field", path, start);
                {
                    const char *c;
                    for (c = p; c < q; c++) if (*c == '\n') (*line)++;
                }
                bft__buf_put(fields, p, (size_t)(q - p));
                p = q + 1;
                if (p < end && *p == '"') { bft__buf_put(fields, "\"", 1); p++; continue; }
                break;
            }
            if (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n') && *p != '\r')
                return bft__fail(BFT_ERR_FORMAT, "%s:%ld: unexpected text after a closing quote", path, *line);
        } else {
            const char *s = p;
            while (p < end && *p != ',' && *p != '\n' && *p != '\r') p++;
            bft__buf_put(fields, s, (size_t)(p - s));
        }
        bft__buf_put(fields, "", 1); /* NUL separator */
        (*nfields)++;
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '\r') p++;
        if (p < end && *p == '\n') { p++; (*line)++; }
        break;
    }
    if (fields->oom) return bft__fail(BFT_ERR_OOM, "out of memory");
    *pp = p;
    return BFT_OK;
}

static bft_result bft__read_csv(bft__table *t, const char *path, const char *data, size_t len, int tsv)
{
    const char *p = bft__skip_bom(data, data + len), *end = data + len;
    long line = 1;
    bft__buf fb = {0, 0, 0, 0};
    size_t offs[BFT__MAXCOLS];
    int nf, i;
    bft_result r = BFT_OK;
    while (p < end && (*p == '\n' || *p == '\r')) { if (*p == '\n') line++; p++; }
    if (p >= end) return bft__fail(BFT_ERR_FORMAT, "%s:%ld: empty file, expected a header row", path, line);
    for (;;) {
        long at = line;
        if (tsv) {
            bft__span l = bft__next_line(&p, end), f[BFT__MAXCOLS];
            line++;
            if (l.n == 0) { if (p >= end) break; continue; }
            nf = bft__split_tabs(l, f, BFT__MAXCOLS);
            fb.n = 0;
            for (i = 0; i < nf && i < BFT__MAXCOLS; i++) {
                offs[i] = fb.n;
                bft__buf_put(&fb, f[i].s, f[i].n);
                bft__buf_put(&fb, "", 1);
            }
            if (fb.oom) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
        } else {
            if ((r = bft__csv_record(&p, end, &line, path, &fb, &nf, offs, BFT__MAXCOLS)) != BFT_OK) break;
            if (nf == 1 && offs[0] == 0 && fb.p[0] == 0) { if (p >= end) break; continue; } /* blank line */
        }
        if (nf > BFT__MAXCOLS) { r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: more than %d columns", path, at, BFT__MAXCOLS); break; }
        if (!t->cols) {
            t->ncols = nf;
            t->cols = BFT__NEW(char *, nf);
            if (!t->cols) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
            for (i = 0; i < nf; i++)
                if (!(t->cols[i] = bft__strdup(fb.p + offs[i]))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
            if (r != BFT_OK) break;
        } else {
            char **row;
            if (nf != t->ncols) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected %d %s-separated columns, found %d", path, at, t->ncols,
                              tsv ? "tab" : "comma", nf);
                break;
            }
            if ((r = bft__table_add_row(t, at)) != BFT_OK) break;
            row = t->cells + (size_t)(t->nrows - 1) * (size_t)t->ncols;
            for (i = 0; i < nf; i++) {
                if (!(row[i] = bft__strdup(fb.p + offs[i]))) { r = bft__fail(BFT_ERR_OOM, "out of memory"); break; }
                t->kind[(size_t)(t->nrows - 1) * (size_t)t->ncols + (size_t)i] = BFT__C_TEXT;
            }
            if (r != BFT_OK) break;
        }
        if (p >= end) break;
    }
    bft_free(fb.p);
    return r;
}

static int bft__table_col(bft__table *t, const char *name)
{
    int i;
    for (i = 0; i < t->ncols; i++) if (strcmp(t->cols[i], name) == 0) return i;
    return -1;
}

/* Add the columns of object `obj` (new ones appended) and fill row `row`. */
static bft_result bft__json_row(bft__table *t, const bft__json *j, int obj, const char *path, long line)
{
    int c, row;
    bft_result r;
    for (c = j->nodes[obj].first; c >= 0; c = j->nodes[c].next) {
        char *key = bft__json_strdup(j, c, NULL);
        if (!key) return bft__fail(BFT_ERR_OOM, "out of memory");
        if (bft__table_col(t, key) < 0) {
            /* a new column: widen every row (rare; usually all keys come with the first row) */
            int nc = t->ncols + 1, i, q;
            char **cols = (char **)bft__realloc(t->cols, (size_t)nc * sizeof(char *));
            char **cells;
            unsigned char *kind;
            if (!cols) { bft_free(key); return bft__fail(BFT_ERR_OOM, "out of memory"); }
            t->cols = cols;
            cells = BFT__NEW(char *, (size_t)(t->cap ? t->cap : 1) * (size_t)nc);
            kind = BFT__NEW(unsigned char, (size_t)(t->cap ? t->cap : 1) * (size_t)nc);
            if (!cells || !kind) { bft_free(cells); bft_free(kind); bft_free(key); return bft__fail(BFT_ERR_OOM, "out of memory"); }
            for (i = 0; i < t->nrows; i++)
                for (q = 0; q < t->ncols; q++) {
                    cells[(size_t)i * (size_t)nc + (size_t)q] = t->cells[(size_t)i * (size_t)t->ncols + (size_t)q];
                    kind[(size_t)i * (size_t)nc + (size_t)q] = t->kind[(size_t)i * (size_t)t->ncols + (size_t)q];
                }
            bft_free(t->cells);
            bft_free(t->kind);
            t->cells = cells;
            t->kind = kind;
            t->cols[t->ncols] = key;
            t->ncols = nc;
        } else {
            bft_free(key);
        }
    }
    if ((r = bft__table_add_row(t, line)) != BFT_OK) return r;
    row = t->nrows - 1;
    for (c = j->nodes[obj].first; c >= 0; c = j->nodes[c].next) {
        char *key = bft__json_strdup(j, c, NULL);
        int col, v = j->nodes[c].first;
        size_t at;
        const bft__jnode *vn = &j->nodes[v];
        if (!key) return bft__fail(BFT_ERR_OOM, "out of memory");
        col = bft__table_col(t, key);
        bft_free(key);
        at = (size_t)row * (size_t)t->ncols + (size_t)col;
        bft_free(t->cells[at]);
        t->cells[at] = NULL;
        if (vn->type == BFT__J_STR) {
            t->cells[at] = bft__json_strdup(j, v, NULL);
            t->kind[at] = BFT__C_STR;
        } else if (vn->type == BFT__J_NULL) {
            t->kind[at] = BFT__C_NULL;
            continue;
        } else {
            t->cells[at] = bft__strndup(j->src + vn->start, vn->end - vn->start);
            t->kind[at] = vn->type == BFT__J_NUM ? BFT__C_NUM : BFT__C_OTHER;
        }
        if (!t->cells[at]) return bft__fail(BFT_ERR_OOM, "out of memory");
        (void)path;
    }
    return BFT_OK;
}

/* Re-label a JSON parser error with the file's line. */
static bft_result bft__json_line_err(bft_result r, const char *path, long line)
{
    char msg[512];
    const char *e = strstr(bft_last_error(), "invalid JSON");
    strncpy(msg, e ? e : bft_last_error(), sizeof msg - 1);
    msg[sizeof msg - 1] = 0;
    return bft__fail(r, "%s:%ld: %s", path, line, msg);
}

static bft_result bft__read_jsonl(bft__table *t, const char *path, const char *data, size_t len)
{
    const char *p = bft__skip_bom(data, data + len), *end = data + len, *q = p;
    long line = 0;
    bft_result r = BFT_OK;
    bft__json j;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) q++;
    if (q >= end) return bft__fail(BFT_ERR_FORMAT, "%s:1: empty file, expected JSON objects", path);
    if (*q == '[') {
        /* one JSON array of objects */
        int c;
        const char *lp = data;
        long ln = 1;
        if ((r = bft__json_parse(&j, p, (size_t)(end - p), path)) != BFT_OK) return r;
        for (c = j.nodes[0].first; c >= 0 && r == BFT_OK; c = j.nodes[c].next) {
            const char *at = j.src + j.nodes[c].start;
            for (; lp < at; lp++) if (*lp == '\n') ln++;
            if (j.nodes[c].type != BFT__J_OBJ) r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected a JSON object", path, ln);
            else r = bft__json_row(t, &j, c, path, ln);
        }
        bft__json_free(&j);
        return r;
    }
    while (p < end && r == BFT_OK) {
        bft__span l = bft__next_line(&p, end);
        size_t i = 0;
        line++;
        while (i < l.n && (l.s[i] == ' ' || l.s[i] == '\t')) i++;
        if (i == l.n) continue;
        if ((r = bft__json_parse(&j, l.s, l.n, path)) != BFT_OK) return bft__json_line_err(r, path, line);
        if (j.nodes[0].type != BFT__J_OBJ) r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected a JSON object", path, line);
        else r = bft__json_row(t, &j, 0, path, line);
        bft__json_free(&j);
    }
    return r;
}

static int bft__cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int bft__cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* A number cell is an integer when its literal has no fraction or exponent (pyarrow/pandas
   infer int64 then; any float makes the column float64 => regression in run_glue). */
static int bft__is_int_literal(const char *s)
{
    bft__span a;
    long v;
    a.s = s;
    a.n = strlen(s);
    return bft__parse_int(a, &v);
}

BERTFT_DEF bft_result bft_dataset_load_file(bft_dataset *d, const char *path, const bft_dataset *ref)
{
    bft__table t;
    char *data = NULL;
    size_t len, pl = strlen(path);
    int ca = -1, cb = -1, cl, i, nonlabel[2], nn = 0, k;
    int any_str = 0, any_num = 0, any_frac = 0;
    bft_result r;
    memset(d, 0, sizeof *d);
    memset(&t, 0, sizeof t);
    if ((r = bft_read_file(path, &data, &len)) != BFT_OK) return r;
    if (pl >= 4 && strcmp(path + pl - 4, ".csv") == 0) r = bft__read_csv(&t, path, data, len, 0);
    else if (pl >= 4 && strcmp(path + pl - 4, ".tsv") == 0) r = bft__read_csv(&t, path, data, len, 1);
    else if ((pl >= 5 && strcmp(path + pl - 5, ".json") == 0) || (pl >= 6 && strcmp(path + pl - 6, ".jsonl") == 0))
        r = bft__read_jsonl(&t, path, data, len);
    else r = bft__fail(BFT_ERR_UNSUPPORTED, "%s: unknown data file type; expected .csv, .json, .jsonl or .tsv", path);
    bft_free(data);
    if (r != BFT_OK) goto done;
    if (t.nrows == 0) { r = bft__fail(BFT_ERR_FORMAT, "%s: no examples in the file", path); goto done; }
    /* run_glue: sentence1/sentence2 if both exist, else the first two non-label columns, else one */
    cl = bft__table_col(&t, "label");
    for (i = 0; i < t.ncols && nn < 2; i++) if (i != cl) nonlabel[nn++] = i;
    if (bft__table_col(&t, "sentence1") >= 0 && bft__table_col(&t, "sentence2") >= 0) {
        ca = bft__table_col(&t, "sentence1");
        cb = bft__table_col(&t, "sentence2");
    } else if (nn == 2) {
        ca = nonlabel[0];
        cb = nonlabel[1];
    } else if (nn == 1) {
        ca = nonlabel[0];
    } else {
        r = bft__fail(BFT_ERR_FORMAT, "%s:1: no text column (expected sentence1[, sentence2], label)", path);
        goto done;
    }
    if (cl < 0 && !ref) {
        r = bft__fail(BFT_ERR_FORMAT, "%s:1: no \"label\" column (a training file needs one)", path);
        goto done;
    }
    if ((r = bft__dataset_alloc(d, t.nrows, cb >= 0)) != BFT_OK) goto done;
    d->has_labels = cl >= 0;
    for (i = 0; i < t.nrows; i++) {
        size_t at = (size_t)i * (size_t)t.ncols;
        int c2;
        for (c2 = 0; c2 < 2; c2++) {
            int col = c2 ? cb : ca;
            if (col < 0) continue;
            if (!t.cells[at + (size_t)col] || t.kind[at + (size_t)col] == BFT__C_OTHER) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: column \"%s\" is missing or not a string", path, t.lines[i], t.cols[col]);
                goto done;
            }
        }
        if (cl >= 0) {
            const char *v = t.cells[at + (size_t)cl];
            int kd = t.kind[at + (size_t)cl];
            if (!v || kd == BFT__C_OTHER || !*v) {
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label is missing, empty or not a number/string", path, t.lines[i]);
                goto done;
            }
            if (kd == BFT__C_STR) any_str = 1;
            else if (kd == BFT__C_NUM) { any_num = 1; if (!bft__is_int_literal(v)) any_frac = 1; }
            else { /* CSV text: a number if it parses as one, as pandas infers */
                bft__span a;
                double x;
                a.s = v; a.n = strlen(v);
                if (bft__parse_real(a, &x)) { any_num = 1; if (!bft__is_int_literal(v)) any_frac = 1; }
                else any_str = 1;
            }
        }
    }
    if (any_str && any_num && t.kind[(size_t)cl] != BFT__C_TEXT) {
        r = bft__fail(BFT_ERR_FORMAT, "%s: the \"label\" column mixes numbers and strings", path);
        goto done;
    }
    if (any_str) any_num = any_frac = 0; /* pandas: one non-number makes the column strings */
    /* the label list */
    if (ref) {
        d->is_regression = ref->is_regression;
        if ((r = bft__dataset_set_names(d, ref->num_labels, (const char *const *)ref->label_names)) != BFT_OK) goto done;
    } else if (cl >= 0 && any_frac) {
        d->is_regression = 1;
        d->num_labels = 1;
    } else if (cl >= 0) {
        /* sorted(set(labels)): numerically for integers, by code point for strings */
        char **names = BFT__NEW(char *, t.nrows);
        long *vals = any_num ? BFT__NEW(long, t.nrows) : NULL;
        int u = 0;
        if (!names || (any_num && !vals)) { bft_free(names); bft_free(vals); r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
        if (any_num) {
            for (i = 0; i < t.nrows; i++) {
                bft__span a;
                a.s = t.cells[(size_t)i * (size_t)t.ncols + (size_t)cl];
                a.n = strlen(a.s);
                bft__parse_int(a, &vals[i]);
            }
            qsort(vals, (size_t)t.nrows, sizeof(long), bft__cmp_long);
            for (i = 0; i < t.nrows; i++) if (i == 0 || vals[i] != vals[i - 1]) vals[u++] = vals[i];
            for (i = 0; i < u; i++) {
                char tmp[32];
                snprintf(tmp, sizeof tmp, "%ld", vals[i]);
                names[i] = tmp[0] ? bft__strdup(tmp) : NULL;
            }
        } else {
            for (i = 0; i < t.nrows; i++) names[i] = t.cells[(size_t)i * (size_t)t.ncols + (size_t)cl];
            qsort(names, (size_t)t.nrows, sizeof(char *), bft__cmp_str);
            for (i = 0; i < t.nrows; i++) if (i == 0 || strcmp(names[i], names[i - 1]) != 0) names[u++] = names[i];
            for (i = 0; i < u; i++) names[i] = bft__strdup(names[i]);
        }
        bft_free(vals);
        d->label_names = names;
        d->num_labels = u;
        for (i = 0; i < u; i++) if (!names[i]) { r = bft__fail(BFT_ERR_OOM, "out of memory"); goto done; }
    }
    /* fill */
    for (i = 0; i < t.nrows; i++) {
        size_t at = (size_t)i * (size_t)t.ncols;
        d->text_a[i] = t.cells[at + (size_t)ca];
        t.cells[at + (size_t)ca] = NULL;
        if (cb >= 0) { d->text_b[i] = t.cells[at + (size_t)cb]; t.cells[at + (size_t)cb] = NULL; }
        d->n = i + 1;
        d->labels[i] = -1.0f;
        if (cl < 0) continue;
        {
            const char *v = t.cells[at + (size_t)cl];
            bft__span a;
            double x;
            long iv;
            a.s = v; a.n = strlen(v);
            if (d->is_regression) {
                if (!bft__parse_real(a, &x)) {
                    r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not a number (the task is regression)", path, t.lines[i], v);
                    goto done;
                }
                d->labels[i] = (float)x;
                continue;
            }
            /* run_glue maps -1 to -1 (no label) */
            if (t.kind[at + (size_t)cl] != BFT__C_STR && bft__parse_int(a, &iv) && iv == -1) continue;
            for (k = 0; k < d->num_labels; k++) {
                long nv;
                bft__span b;
                if (strcmp(d->label_names[k], v) == 0) break;
                b.s = d->label_names[k]; b.n = strlen(b.s);
                if (t.kind[at + (size_t)cl] != BFT__C_STR && bft__parse_int(a, &iv) && bft__parse_int(b, &nv) && iv == nv) break;
            }
            if (k == d->num_labels) {
                bft__buf b = {0, 0, 0, 0};
                int q;
                for (q = 0; q < d->num_labels && q < 20; q++) bft__buf_printf(&b, "%s%s", q ? ", " : "", d->label_names[q]);
                r = bft__fail(BFT_ERR_FORMAT, "%s:%ld: label \"%s\" is not one of %s (the training file's labels)", path,
                              t.lines[i], v, b.p ? b.p : "");
                bft_free(b.p);
                goto done;
            }
            d->labels[i] = (float)k;
        }
    }
done:
    bft__table_free(&t);
    if (r != BFT_OK) bft_dataset_free(d);
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* 7b. Collator and samplers                                                                   */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF bft_result bft_collate(bft_padded_batch *out, const bft_encoded *e, const int *idx, int count,
                                  int32_t pad_id, int pad_to_multiple_of, int max_length, const float *labels)
{
    int i, T = 0;
    size_t need;
    if (count <= 0) return bft__fail(BFT_ERR_INVALID, "collate: empty batch");
    for (i = 0; i < count; i++) {
        int64_t L;
        if (idx[i] < 0 || idx[i] >= e->n)
            return bft__fail(BFT_ERR_INVALID, "collate: example index %d is outside 0..%d", idx[i], e->n - 1);
        L = e->offsets[idx[i] + 1] - e->offsets[idx[i]];
        if (L > INT_MAX / 2) return bft__fail(BFT_ERR_INVALID, "collate: example %d is absurdly long", idx[i]);
        if (max_length > 0 && L > max_length)
            return bft__fail(BFT_ERR_INVALID, "collate: example %d has %ld tokens, more than max_length %d (truncate when tokenizing)",
                             idx[i], (long)L, max_length);
        if (L > T) T = (int)L;
    }
    if (max_length > 0) T = max_length;
    if (pad_to_multiple_of > 0 && T % pad_to_multiple_of) T += pad_to_multiple_of - T % pad_to_multiple_of;
    if (T == 0) T = 1; /* an all-empty batch still needs a shape; the mask is all zeros */
    need = (size_t)count * (size_t)T;
    if (need > out->cap_tokens) {
        int32_t *a = (int32_t *)bft__realloc(out->input_ids, need * sizeof(int32_t));
        if (a) out->input_ids = a;
        a = a ? (int32_t *)bft__realloc(out->token_type_ids, need * sizeof(int32_t)) : NULL;
        if (a) out->token_type_ids = a;
        a = a ? (int32_t *)bft__realloc(out->attention_mask, need * sizeof(int32_t)) : NULL;
        if (a) out->attention_mask = a;
        if (!a) return bft__fail(BFT_ERR_OOM, "collate: out of memory for %d x %d tokens", count, T);
        out->cap_tokens = need;
    }
    if (labels && count > out->cap_rows) {
        float *l = (float *)bft__realloc(out->labels, (size_t)count * sizeof(float));
        if (!l) return bft__fail(BFT_ERR_OOM, "collate: out of memory");
        out->labels = l;
        out->cap_rows = count;
    }
    for (i = 0; i < count; i++) {
        int64_t o = e->offsets[idx[i]];
        int L = (int)(e->offsets[idx[i] + 1] - o), t;
        int32_t *ids = out->input_ids + (size_t)i * (size_t)T;
        int32_t *tt = out->token_type_ids + (size_t)i * (size_t)T;
        int32_t *am = out->attention_mask + (size_t)i * (size_t)T;
        memcpy(ids, e->input_ids + o, (size_t)L * sizeof(int32_t));
        if (e->token_type_ids) memcpy(tt, e->token_type_ids + o, (size_t)L * sizeof(int32_t));
        else memset(tt, 0, (size_t)L * sizeof(int32_t));
        for (t = 0; t < L; t++) am[t] = 1;
        for (t = L; t < T; t++) { ids[t] = pad_id; tt[t] = 0; am[t] = 0; }
        if (labels) out->labels[i] = labels[idx[i]];
    }
    out->batch_size = count;
    out->seq_len = T;
    if (!labels && out->labels) { bft_free(out->labels); out->labels = NULL; out->cap_rows = 0; }
    return BFT_OK;
}

BERTFT_DEF bft_batch bft_padded_batch_view(const bft_padded_batch *b)
{
    bft_batch v;
    v.batch_size = b->batch_size;
    v.seq_len = b->seq_len;
    v.input_ids = b->input_ids;
    v.token_type_ids = b->token_type_ids;
    v.attention_mask = b->attention_mask;
    v.labels = b->labels;
    return v;
}

BERTFT_DEF void bft_padded_batch_free(bft_padded_batch *b)
{
    if (!b) return;
    bft_free(b->input_ids);
    bft_free(b->token_type_ids);
    bft_free(b->attention_mask);
    bft_free(b->labels);
    memset(b, 0, sizeof *b);
}

/* One generator per (seed, epoch), so an epoch's order does not depend on what ran before it
   (resuming from a checkpoint gives the same order). */
static void bft__epoch_rng(uint64_t s[4], uint64_t seed, int64_t epoch)
{
    uint64_t x = (uint64_t)epoch;
    bft__rng_seed(s, seed ^ bft__splitmix64(&x));
}

static void bft__shuffle(int *order, int n, uint64_t s[4])
{
    int i;
    for (i = 0; i < n; i++) order[i] = i;
    for (i = n - 1; i > 0; i--) {
        int j = (int)bft__rng_below(s, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

BERTFT_DEF bft_result bft_sampler_order(int *order, int n, int shuffle, uint64_t seed, int64_t epoch)
{
    int i;
    uint64_t s[4];
    if (n < 0 || (n > 0 && !order)) return bft__fail(BFT_ERR_INVALID, "sampler: bad arguments (n = %d)", n);
    if (!shuffle) {
        for (i = 0; i < n; i++) order[i] = i;
        return BFT_OK;
    }
    bft__epoch_rng(s, seed, epoch);
    bft__shuffle(order, n, s);
    return BFT_OK;
}

typedef struct bft__lenkey { int len, pos, idx; } bft__lenkey;
/* Longest first; equal lengths keep their order (Python's sorted is stable). */
static int bft__cmp_lenkey(const void *a, const void *b)
{
    const bft__lenkey *x = (const bft__lenkey *)a, *y = (const bft__lenkey *)b;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

BERTFT_DEF bft_result bft_length_grouped_order(int *order, const int *lengths, int n, int batch_size,
                                               uint64_t seed, int64_t epoch)
{
    int mult, mb, start, i, best = 0, best_len = INT_MIN;
    uint64_t s[4];
    bft__lenkey *k;
    if (n < 0 || batch_size <= 0 || (n > 0 && (!order || !lengths)))
        return bft__fail(BFT_ERR_INVALID, "length-grouped sampler: bad arguments (n = %d, batch_size = %d)", n, batch_size);
    if (n == 0) return BFT_OK;
    mult = n / (batch_size * 4);
    if (mult > 50) mult = 50;
    if (mult == 0) mult = 1;
    mb = mult * batch_size;
    k = BFT__NEW(bft__lenkey, n);
    if (!k) return bft__fail(BFT_ERR_OOM, "out of memory");
    bft__epoch_rng(s, seed, epoch);
    bft__shuffle(order, n, s);
    for (i = 0; i < n; i++) { k[i].idx = order[i]; k[i].len = lengths[order[i]]; k[i].pos = i; }
    for (start = 0; start < n; start += mb) {
        int m = n - start < mb ? n - start : mb;
        qsort(k + start, (size_t)m, sizeof *k, bft__cmp_lenkey);
        if (k[start].len > best_len) { best_len = k[start].len; best = start; } /* first maximum, like torch.argmax */
    }
    { bft__lenkey t = k[0]; k[0] = k[best]; k[best] = t; }
    for (i = 0; i < n; i++) order[i] = k[i].idx;
    bft_free(k);
    return BFT_OK;
}

BERTFT_DEF void bft_encoded_lengths(const bft_encoded *e, int *lengths)
{
    int i;
    for (i = 0; i < e->n; i++) lengths[i] = (int)(e->offsets[i + 1] - e->offsets[i]);
}

BERTFT_DEF int64_t bft_num_batches(int64_t n, int batch_size, int drop_last)
{
    if (batch_size <= 0 || n <= 0) return 0;
    return drop_last ? n / batch_size : (n + batch_size - 1) / batch_size;
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Metrics (sklearn / scipy semantics, as evaluate's glue metric computes them)             */
/* ------------------------------------------------------------------------------------------ */
BERTFT_DEF int bft_argmax(const float *x, int n)
{
    int i, b = 0;
    for (i = 0; i < n; i++) {
        if (x[i] != x[i]) return i; /* np.argmax: the first NaN wins */
        if (x[i] > x[b]) b = i;
    }
    return b;
}

BERTFT_DEF double bft_metric_accuracy(const int *pred, const int *labels, int n)
{
    int i, c = 0;
    if (n <= 0) return NAN;
    for (i = 0; i < n; i++) c += pred[i] == labels[i];
    return (double)c / n;
}

BERTFT_DEF double bft_metric_f1(const int *pred, const int *labels, int n)
{
    int i;
    double tp = 0, fp = 0, fn = 0;
    for (i = 0; i < n; i++) {
        tp += pred[i] == 1 && labels[i] == 1;
        fp += pred[i] == 1 && labels[i] != 1;
        fn += pred[i] != 1 && labels[i] == 1;
    }
    if (2 * tp + fp + fn == 0) return 0.0; /* zero_division */
    return 2 * tp / (2 * tp + fp + fn);
}

BERTFT_DEF double bft_metric_matthews(const int *pred, const int *labels, int n, int num_classes)
{
    /* sklearn: cov(t,p) = c*s - t.p, cov(p,p) = s^2 - p.p, cov(t,t) = s^2 - t.t (t, p: class counts) */
    double *t, *p, c = 0, s = n, tp_ = 0, pp = 0, tt = 0, cov;
    int i;
    if (n <= 0 || num_classes <= 0) return 0.0;
    t = BFT__NEW(double, 2 * (size_t)num_classes);
    if (!t) return NAN;
    p = t + num_classes;
    for (i = 0; i < n; i++) {
        if (labels[i] >= 0 && labels[i] < num_classes) t[labels[i]] += 1;
        if (pred[i] >= 0 && pred[i] < num_classes) p[pred[i]] += 1;
        c += pred[i] == labels[i];
    }
    for (i = 0; i < num_classes; i++) { tp_ += t[i] * p[i]; pp += p[i] * p[i]; tt += t[i] * t[i]; }
    bft_free(t);
    cov = c * s - tp_;
    if ((s * s - pp) * (s * s - tt) == 0) return 0.0;
    return cov / sqrt((s * s - tt) * (s * s - pp));
}

static double bft__pearson_d(const double *x, const double *y, int n)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, r;
    int i, cx = 1, cy = 1;
    if (n < 2) return NAN;
    for (i = 0; i < n; i++) {
        mx += x[i]; my += y[i];
        cx &= x[i] == x[0];
        cy &= y[i] == y[0];
    }
    if (cx || cy) return NAN; /* scipy: constant input => nan */
    mx /= n; my /= n;
    for (i = 0; i < n; i++) {
        double a = x[i] - mx, b = y[i] - my;
        sxx += a * a; syy += b * b; sxy += a * b;
    }
    r = sxy / (sqrt(sxx) * sqrt(syy));
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

BERTFT_DEF double bft_metric_pearson(const float *x, const float *y, int n)
{
    double *a = BFT__NEW(double, 2 * (size_t)(n > 0 ? n : 1)), r;
    int i;
    if (!a) return NAN;
    for (i = 0; i < n; i++) { a[i] = x[i]; a[n + i] = y[i]; }
    r = bft__pearson_d(a, a + n, n);
    bft_free(a);
    return r;
}

typedef struct bft__rankkey { float v; int i; } bft__rankkey;
static int bft__cmp_rank(const void *a, const void *b)
{
    const bft__rankkey *x = (const bft__rankkey *)a, *y = (const bft__rankkey *)b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->i - y->i;
}

/* scipy.stats.rankdata(method="average"): ranks from 1, ties share the mean of their ranks. */
static int bft__rank(const float *x, int n, double *rank)
{
    bft__rankkey *k = BFT__NEW(bft__rankkey, n);
    int i, j;
    if (!k) return 0;
    for (i = 0; i < n; i++) { k[i].v = x[i]; k[i].i = i; }
    qsort(k, (size_t)n, sizeof *k, bft__cmp_rank);
    for (i = 0; i < n; i = j) {
        double avg;
        for (j = i + 1; j < n && k[j].v == k[i].v; j++) {}
        avg = (i + 1 + j) / 2.0; /* mean of ranks i+1 .. j */
        for (; i < j; i++) rank[k[i].i] = avg;
    }
    bft_free(k);
    return 1;
}

BERTFT_DEF double bft_metric_spearman(const float *x, const float *y, int n)
{
    double *r, v;
    int i;
    if (n < 2) return NAN;
    for (i = 0; i < n; i++) if (x[i] != x[i] || y[i] != y[i]) return NAN;
    r = BFT__NEW(double, 2 * (size_t)n);
    if (!r) return NAN;
    if (!bft__rank(x, n, r) || !bft__rank(y, n, r + n)) { bft_free(r); return NAN; }
    v = bft__pearson_d(r, r + n, n);
    bft_free(r);
    return v;
}

BERTFT_DEF double bft_metric_mse(const float *pred, const float *labels, int n)
{
    double s = 0;
    int i;
    if (n <= 0) return NAN;
    for (i = 0; i < n; i++) { double d = (double)pred[i] - (double)labels[i]; s += d * d; }
    return s / n;
}

static void bft__metrics_add(bft_metrics *m, const char *name, double v)
{
    if (m->n < BFT_MAX_METRICS) { m->names[m->n] = name; m->values[m->n] = v; m->n++; }
}

BERTFT_DEF double bft_metrics_get(const bft_metrics *m, const char *name)
{
    int i;
    for (i = 0; i < m->n; i++) if (strcmp(m->names[i], name) == 0) return m->values[i];
    return NAN;
}

BERTFT_DEF bft_result bft_glue_metrics(const char *task, const float *logits, int n, int num_labels,
                                       const float *labels, bft_metrics *out)
{
    const bft_task_info *t = NULL;
    int i, *pred = NULL, *lab = NULL;
    memset(out, 0, sizeof *out);
    out->collapsed_class = -1;
    if (task) {
        t = bft_glue_task_info(task);
        if (!t) return BFT_ERR_INVALID;
        if (t->num_labels != num_labels)
            return bft__fail(BFT_ERR_INVALID, "metrics: task %s has %d labels, the logits have %d", t->name, t->num_labels, num_labels);
    }
    if (n <= 0 || num_labels <= 0 || !logits || !labels)
        return bft__fail(BFT_ERR_INVALID, "metrics: need n > 0 predictions with labels (n = %d, num_labels = %d)", n, num_labels);
    if (num_labels == 1) {
        /* regression: np.squeeze(predictions) */
        for (i = 1; i < n && logits[i] == logits[0]; i++) {}
        out->collapsed = n > 1 && i == n;
        if (t && strcmp(t->name, "stsb") == 0) {
            bft__metrics_add(out, "pearson", bft_metric_pearson(logits, labels, n));
            bft__metrics_add(out, "spearmanr", bft_metric_spearman(logits, labels, n));
        } else if (!t) {
            bft__metrics_add(out, "mse", bft_metric_mse(logits, labels, n));
        } else {
            return bft__fail(BFT_ERR_INVALID, "metrics: task %s is not a regression task", t->name);
        }
    } else {
        pred = BFT__NEW(int, 2 * (size_t)n);
        if (!pred) return bft__fail(BFT_ERR_OOM, "out of memory");
        lab = pred + n;
        for (i = 0; i < n; i++) {
            float l = labels[i];
            if (!(l >= 0 && l < (float)num_labels && l == (float)(int)l)) {
                bft_free(pred);
                return bft__fail(BFT_ERR_INVALID, "metrics: label %g of example %d is not a class id in 0..%d", (double)l, i,
                                 num_labels - 1);
            }
            lab[i] = (int)l;
            pred[i] = bft_argmax(logits + (size_t)i * (size_t)num_labels, num_labels);
        }
        for (i = 1; i < n && pred[i] == pred[0]; i++) {}
        if (n > 1 && i == n) { out->collapsed = 1; out->collapsed_class = pred[0]; }
        if (t && strcmp(t->name, "cola") == 0) {
            bft__metrics_add(out, "matthews_correlation", bft_metric_matthews(pred, lab, n, num_labels));
        } else {
            bft__metrics_add(out, "accuracy", bft_metric_accuracy(pred, lab, n));
            if (t && (strcmp(t->name, "mrpc") == 0 || strcmp(t->name, "qqp") == 0))
                bft__metrics_add(out, "f1", bft_metric_f1(pred, lab, n));
        }
        bft_free(pred);
    }
    if (out->n > 1) {
        /* run_glue: result["combined_score"] = np.mean(list(result.values())) */
        double s = 0;
        for (i = 0; i < out->n; i++) s += out->values[i];
        bft__metrics_add(out, "combined_score", s / out->n);
    }
    return BFT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* 11. Logging: TensorBoard event files                                                        */
/* ------------------------------------------------------------------------------------------ */
/* CRC32C, reflected polynomial 0x82F63B78, four bits at a time (a 16-entry constant table:
   no initialisation, so no race between threads). Event files are small; speed is no issue. */
static const uint32_t bft__crc32c_nib[16] = {
    0x00000000u, 0x105ec76fu, 0x20bd8edeu, 0x30e349b1u, 0x417b1dbcu, 0x5125dad3u, 0x61c69362u, 0x7198540du,
    0x82f63b78u, 0x92a8fc17u, 0xa24bb5a6u, 0xb21572c9u, 0xc38d26c4u, 0xd3d3e1abu, 0xe330a81au, 0xf36e6f75u};

BERTFT_DEF uint32_t bft_crc32c(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i;
    crc = ~crc;
    for (i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ bft__crc32c_nib[crc & 15];
        crc = (crc >> 4) ^ bft__crc32c_nib[crc & 15];
    }
    return ~crc;
}

BERTFT_DEF uint32_t bft_crc32c_masked(const void *data, size_t n)
{
    uint32_t c = bft_crc32c(0, data, n);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

struct bft_tb {
    FILE *f;
    char *path;
};

static void bft__pb_varint(bft__buf *b, uint64_t v)
{
    char t[10];
    int k = 0;
    do {
        t[k++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    bft__buf_put(b, t, (size_t)k);
}
static void bft__pb_le(bft__buf *b, uint64_t v, int bytes)
{
    char t[8];
    int i;
    for (i = 0; i < bytes; i++) t[i] = (char)((v >> (8 * i)) & 0xff);
    bft__buf_put(b, t, (size_t)bytes);
}
static void bft__pb_bytes(bft__buf *b, int field, const char *s, size_t n)
{
    bft__pb_varint(b, ((uint64_t)field << 3) | 2);
    bft__pb_varint(b, n);
    bft__buf_put(b, s, n);
}

static double bft__wall_time(void)
{
#if !defined(_WIN32) && defined(CLOCK_REALTIME)
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0) return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
#endif
    return (double)time(NULL);
}

/* Frame `data` as a TFRecord and write it: u64 length, masked crc of it, data, masked crc of data. */
static bft_result bft__tb_record(bft_tb *w, const char *data, size_t n)
{
    unsigned char hdr[12];
    uint32_t c;
    int i;
    for (i = 0; i < 8; i++) hdr[i] = (unsigned char)(((uint64_t)n >> (8 * i)) & 0xff);
    c = bft_crc32c_masked(hdr, 8);
    for (i = 0; i < 4; i++) hdr[8 + i] = (unsigned char)((c >> (8 * i)) & 0xff);
    if (fwrite(hdr, 1, 12, w->f) != 12 || (n && fwrite(data, 1, n, w->f) != n))
        return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    c = bft_crc32c_masked(data, n);
    for (i = 0; i < 4; i++) hdr[i] = (unsigned char)((c >> (8 * i)) & 0xff);
    if (fwrite(hdr, 1, 4, w->f) != 4) return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    return bft_tb_flush(w);
}

/* Event{wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5}. */
static void bft__tb_event_head(bft__buf *b, int64_t step)
{
    union { double d; uint64_t u; } wt;
    wt.d = bft__wall_time();
    bft__pb_varint(b, (1 << 3) | 1);
    bft__pb_le(b, wt.u, 8);
    if (step != 0) { /* proto3 leaves zero out */
        bft__pb_varint(b, 2 << 3);
        bft__pb_varint(b, (uint64_t)step);
    }
}

/* socket.gethostname() without <sys/socket.h> or gethostname() (hidden under -std=c99): the
   kernel's node name from /proc, then /etc/hostname, then the environment. */
static void bft__hostname(char *host, size_t cap)
{
    static const char *const files[] = {"/proc/sys/kernel/hostname", "/etc/hostname"};
    const char *env;
    size_t i, k;
    host[0] = 0;
#ifndef _WIN32
    for (i = 0; i < 2 && !host[0]; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) continue;
        k = fread(host, 1, cap - 1, f);
        fclose(f);
        host[k] = 0;
        host[strcspn(host, "\r\n")] = 0;
    }
#else
    (void)files; (void)i; (void)k;
#endif
    env = getenv("COMPUTERNAME");
    if (!host[0] && !env) env = getenv("HOSTNAME");
    if (!host[0] && env) { strncpy(host, env, cap - 1); host[cap - 1] = 0; }
    /* the name goes into a file name: no path separators */
    for (i = 0; host[i]; i++) if (host[i] == '/' || host[i] == '\\') host[i] = '_';
    if (!host[0]) { strncpy(host, "localhost", cap - 1); host[cap - 1] = 0; }
}

static int bft__tb_uid = 0; /* tensorboard's _global_uid: one more per writer in this process */

BERTFT_DEF bft_result bft_tb_open(bft_tb **out, const char *logdir)
{
    char host[256], name[400];
    long pid;
    bft_tb *w;
    bft__buf b = {0, 0, 0, 0};
    bft_result r;
    *out = NULL;
    if ((r = bft_mkdirs(logdir)) != BFT_OK) return r;
    host[0] = 0;
    bft__hostname(host, sizeof host);
#ifdef _WIN32
    pid = (long)_getpid();
#else
    pid = (long)getpid();
#endif
    snprintf(name, sizeof name, "events.out.tfevents.%010ld.%s.%ld.%d", (long)time(NULL), host, pid, bft__tb_uid++);
    w = BFT__NEW(bft_tb, 1);
    if (!w || !(w->path = bft__path_join(logdir, name))) { bft_free(w); return bft__fail(BFT_ERR_OOM, "out of memory"); }
    w->f = fopen(w->path, "wb");
    if (!w->f) {
        r = bft__fail(BFT_ERR_IO, "%s: cannot create the TensorBoard event file: %s", w->path, strerror(errno));
        bft_free(w->path);
        bft_free(w);
        return r;
    }
    bft__tb_event_head(&b, 0);
    bft__pb_bytes(&b, 3, "brain.Event:2", 13);
    r = b.oom ? bft__fail(BFT_ERR_OOM, "out of memory") : bft__tb_record(w, b.p, b.n);
    bft_free(b.p);
    if (r != BFT_OK) { bft_tb_close(w); return r; }
    *out = w;
    return BFT_OK;
}

BERTFT_DEF bft_result bft_tb_scalar(bft_tb *w, const char *tag, float value, int64_t step)
{
    bft__buf v = {0, 0, 0, 0}, s = {0, 0, 0, 0}, e = {0, 0, 0, 0};
    union { float f; uint32_t u; } fv;
    bft_result r;
    if (!w || !tag) return bft__fail(BFT_ERR_INVALID, "tb_scalar: no writer or tag");
    /* Summary.Value{tag = 1, simple_value = 2 (float, in a oneof: written even when 0)} */
    fv.f = value;
    bft__pb_bytes(&v, 1, tag, strlen(tag));
    bft__pb_varint(&v, (2 << 3) | 5);
    bft__pb_le(&v, fv.u, 4);
    bft__pb_bytes(&s, 1, v.p, v.n);          /* Summary{value = 1} */
    bft__tb_event_head(&e, step);
    bft__pb_bytes(&e, 5, s.p, s.n);          /* Event.summary = 5 */
    r = (v.oom || s.oom || e.oom) ? bft__fail(BFT_ERR_OOM, "out of memory") : bft__tb_record(w, e.p, e.n);
    bft_free(v.p);
    bft_free(s.p);
    bft_free(e.p);
    return r;
}

BERTFT_DEF bft_result bft_tb_flush(bft_tb *w)
{
    if (!w || !w->f) return bft__fail(BFT_ERR_INVALID, "tb_flush: no open writer");
    if (fflush(w->f) != 0) return bft__fail(BFT_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    return BFT_OK;
}

BERTFT_DEF const char *bft_tb_path(const bft_tb *w) { return w ? w->path : NULL; }

BERTFT_DEF bft_result bft_tb_close(bft_tb *w)
{
    bft_result r = BFT_OK;
    if (!w) return BFT_OK;
    if (w->f && fclose(w->f) != 0) r = bft__fail(BFT_ERR_IO, "%s: close failed: %s", w->path, strerror(errno));
    bft_free(w->path);
    bft_free(w);
    return r;
}
