/* tools/plot_run.c - draw a training run's curves as one SVG file.

   Usage: plot_run RUN_DIR|trainer_log.jsonl [-o out.svg] [--title TEXT]

   Reads trainer_log.jsonl (one JSON object per line, Hugging Face log_history entries such as
   {"loss": 0.69, "learning_rate": 2e-05, "grad_norm": 1.2, "epoch": 0.1, "step": 10} and
   {"eval_loss": 0.4, "eval_accuracy": 0.85, "epoch": 1.0, "step": 115}) and writes one small chart
   per numeric key against "step": axes, ticks, labels and a title, in plain SVG that any browser
   opens. Default output: the input path with .jsonl replaced by .svg.

   Build: cc -std=c99 -O2 -o build/plot_run tools/plot_run.c -lm */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"

typedef struct series {
    char *key;
    int n, cap;
    double *x, *y;
} series;

typedef struct plot {
    int ns, cap;
    series *s;
} plot;

static series *get_series(plot *p, const char *key)
{
    int i;
    for (i = 0; i < p->ns; i++) if (strcmp(p->s[i].key, key) == 0) return &p->s[i];
    if (p->ns == p->cap) {
        int nc = p->cap ? p->cap * 2 : 16;
        series *ns = (series *)bft__realloc(p->s, (size_t)nc * sizeof *ns);
        if (!ns) return NULL;
        p->s = ns;
        p->cap = nc;
    }
    memset(&p->s[p->ns], 0, sizeof p->s[0]);
    p->s[p->ns].key = bft__strdup(key);
    if (!p->s[p->ns].key) return NULL;
    return &p->s[p->ns++];
}

static int add_point(series *s, double x, double y)
{
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 64;
        double *nx = (double *)bft__realloc(s->x, (size_t)nc * sizeof(double));
        double *ny;
        if (!nx) return 0;
        s->x = nx;
        ny = (double *)bft__realloc(s->y, (size_t)nc * sizeof(double));
        if (!ny) return 0;
        s->y = ny;
        s->cap = nc;
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
    return 1;
}

/* Parse the log; lines that are not JSON objects are errors (the file is ours to write). */
static bft_result read_log(plot *p, const char *path)
{
    char *data;
    size_t len;
    const char *q, *end;
    long line = 0, fallback_step = 0;
    bft_result r = bft_read_file(path, &data, &len);
    if (r != BFT_OK) return r;
    q = data;
    end = data + len;
    while (q < end) {
        const char *nl = (const char *)memchr(q, '\n', (size_t)(end - q));
        size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);
        bft__json j;
        int c, sk;
        double step;
        line++;
        while (n && (q[n - 1] == '\r' || q[n - 1] == ' ')) n--;
        if (n == 0) { q = nl ? nl + 1 : end; continue; }
        r = bft__json_parse(&j, q, n, path);
        if (r != BFT_OK) {
            char msg[600];
            const char *e = strstr(bft_last_error(), "invalid JSON");
            strncpy(msg, e ? e : bft_last_error(), sizeof msg - 1);
            msg[sizeof msg - 1] = 0;
            bft_free(data);
            return bft__fail(r, "%s:%ld: %s", path, line, msg);
        }
        if (j.nodes[0].type != BFT__J_OBJ) {
            bft__json_free(&j);
            bft_free(data);
            return bft__fail(BFT_ERR_FORMAT, "%s:%ld: expected a JSON object", path, line);
        }
        sk = bft__json_get(&j, 0, "step");
        step = sk >= 0 && j.nodes[sk].type == BFT__J_NUM ? j.nodes[sk].num : (double)fallback_step;
        fallback_step++;
        for (c = j.nodes[0].first; c >= 0; c = j.nodes[c].next) {
            int v = j.nodes[c].first;
            char *key;
            series *s;
            double y;
            if (j.nodes[v].type != BFT__J_NUM || bft__json_streq(&j, c, "step")) continue;
            y = j.nodes[v].num;
            if (!(y == y) || y > DBL_MAX || y < -DBL_MAX) continue; /* NaN/inf cannot be drawn */
            key = bft__json_strdup(&j, c, NULL);
            s = key ? get_series(p, key) : NULL;
            bft_free(key);
            if (!s || !add_point(s, step, y)) {
                bft__json_free(&j);
                bft_free(data);
                return bft__fail(BFT_ERR_OOM, "out of memory");
            }
        }
        bft__json_free(&j);
        q = nl ? nl + 1 : end;
    }
    bft_free(data);
    return BFT_OK;
}

static void xml_text(bft__buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') bft__buf_puts(b, "&amp;");
        else if (*s == '<') bft__buf_puts(b, "&lt;");
        else if (*s == '>') bft__buf_puts(b, "&gt;");
        else if (*s == '"') bft__buf_puts(b, "&quot;");
        else bft__buf_put(b, s, 1);
    }
}

/* Tick spacing of 1, 2 or 5 times a power of ten, about `want` ticks over [lo, hi]. */
static double nice_step(double lo, double hi, int want)
{
    double raw = (hi - lo) / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void fmt_tick(char *o, size_t cap, double v, double step)
{
    if (fabs(v) < step * 1e-6) v = 0;
    snprintf(o, cap, "%.4g", v);
}

/* Range with a margin; a flat series gets a band around its value. */
static void range_of(const double *v, int n, double *lo, double *hi, int pad)
{
    int i;
    *lo = *hi = v[0];
    for (i = 1; i < n; i++) { if (v[i] < *lo) *lo = v[i]; if (v[i] > *hi) *hi = v[i]; }
    if (*hi == *lo) {
        double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 0.5;
        *lo -= d;
        *hi += d;
    } else if (pad) {
        double d = (*hi - *lo) * 0.05;
        *lo -= d;
        *hi += d;
    }
}

#define CW 440
#define CH 280
#define ML 70
#define MR 20
#define MT 34
#define MB 44

static void chart(bft__buf *b, const series *s, int ox, int oy)
{
    double x0, x1, y0, y1, st, t;
    int pw = CW - ML - MR, ph = CH - MT - MB, i;
    char tmp[64];
    range_of(s->x, s->n, &x0, &x1, 0);
    range_of(s->y, s->n, &y0, &y1, 1);
    bft__buf_printf(b, "<g transform=\"translate(%d,%d)\">\n", ox, oy);
    bft__buf_printf(b, "<rect x=\"0.5\" y=\"0.5\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#ccc\"/>\n", CW - 1, CH - 1);
    bft__buf_printf(b, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">", CW / 2);
    xml_text(b, s->key);
    bft__buf_printf(b, " (%d point%s)</text>\n", s->n, s->n == 1 ? "" : "s");
    /* grid and ticks */
    st = nice_step(y0, y1, 5);
    for (t = ceil(y0 / st) * st; t <= y1 + st * 1e-9; t += st) {
        double py = MT + ph - (t - y0) / (y1 - y0) * ph;
        fmt_tick(tmp, sizeof tmp, t, st);
        bft__buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", ML, ML + pw, py, py);
        bft__buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s</text>\n", ML - 5, py + 4, tmp);
    }
    st = nice_step(x0, x1, 6);
    for (t = ceil(x0 / st) * st; t <= x1 + st * 1e-9; t += st) {
        double px = ML + (t - x0) / (x1 - x0) * pw;
        fmt_tick(tmp, sizeof tmp, t, st);
        bft__buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n", px, px, MT, MT + ph);
        bft__buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", px, px, MT + ph, MT + ph + 4);
        bft__buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n", px, MT + ph + 16, tmp);
    }
    /* axes and labels */
    bft__buf_printf(b, "<polyline points=\"%d,%d %d,%d %d,%d\" fill=\"none\" stroke=\"#333\"/>\n", ML, MT, ML, MT + ph, ML + pw, MT + ph);
    bft__buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">step</text>\n", ML + pw / 2, CH - 8);
    bft__buf_printf(b, "<text transform=\"translate(14,%d) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">", MT + ph / 2);
    xml_text(b, s->key);
    bft__buf_puts(b, "</text>\n");
    /* the curve, with dots when there are few points (eval entries) */
    bft__buf_puts(b, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.6\" points=\"");
    for (i = 0; i < s->n; i++)
        bft__buf_printf(b, "%.1f,%.1f ", ML + (s->x[i] - x0) / (x1 - x0) * pw, MT + ph - (s->y[i] - y0) / (y1 - y0) * ph);
    bft__buf_puts(b, "\"/>\n");
    if (s->n <= 60)
        for (i = 0; i < s->n; i++)
            bft__buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"#1f77b4\"/>\n",
                            ML + (s->x[i] - x0) / (x1 - x0) * pw, MT + ph - (s->y[i] - y0) / (y1 - y0) * ph);
    bft__buf_puts(b, "</g>\n");
}

static int cmp_x(const void *a, const void *b)
{
    const double *x = (const double *)a, *y = (const double *)b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Points sorted by step (a resumed run may log a step twice; the later value is kept in order). */
static int sort_series(series *s)
{
    double *pairs = (double *)bft__malloc((size_t)s->n * 2 * sizeof(double) + 1);
    int i;
    if (!pairs) return 0;
    for (i = 0; i < s->n; i++) { pairs[2 * i] = s->x[i]; pairs[2 * i + 1] = s->y[i]; }
    /* stable enough: ties keep their relative order only if qsort does; ties are rare and harmless */
    qsort(pairs, (size_t)s->n, 2 * sizeof(double), cmp_x);
    for (i = 0; i < s->n; i++) { s->x[i] = pairs[2 * i]; s->y[i] = pairs[2 * i + 1]; }
    bft_free(pairs);
    return 1;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *title = NULL;
    char *in_path = NULL, *out_path = NULL;
    plot p;
    bft__buf b = {0, 0, 0, 0};
    int i, cols, rows, W, H;
    bft_result r;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--title") == 0 && i + 1 < argc) title = argv[++i];
        else if (argv[i][0] == '-') { fprintf(stderr, "plot_run: unknown option %s\n", argv[i]); in = NULL; break; }
        else in = argv[i];
    }
    if (!in) {
        fprintf(stderr, "usage: plot_run RUN_DIR|trainer_log.jsonl [-o out.svg] [--title TEXT]\n");
        return 2;
    }
    in_path = bft__is_dir(in) ? bft__path_join(in, "trainer_log.jsonl") : bft__strdup(in);
    if (!in_path) { fprintf(stderr, "plot_run: out of memory\n"); return 1; }
    if (out) out_path = bft__strdup(out);
    else {
        size_t n = strlen(in_path);
        out_path = (char *)bft__malloc(n + 5);
        if (out_path) {
            strcpy(out_path, in_path);
            if (n > 6 && strcmp(out_path + n - 6, ".jsonl") == 0) strcpy(out_path + n - 6, ".svg");
            else strcat(out_path, ".svg");
        }
    }
    if (!out_path) { fprintf(stderr, "plot_run: out of memory\n"); return 1; }
    memset(&p, 0, sizeof p);
    r = read_log(&p, in_path);
    if (r != BFT_OK) { fprintf(stderr, "plot_run: %s\n", bft_last_error()); return 1; }
    if (p.ns == 0) { fprintf(stderr, "plot_run: %s: no numeric values to plot\n", in_path); return 1; }
    for (i = 0; i < p.ns; i++) sort_series(&p.s[i]);
    cols = p.ns >= 7 ? 3 : p.ns >= 2 ? 2 : 1;
    rows = (p.ns + cols - 1) / cols;
    W = cols * CW + (cols + 1) * 10;
    H = rows * CH + (rows + 1) * 10 + 40;
    bft__buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        "font-family=\"Helvetica, Arial, sans-serif\">\n", W, H, W, H);
    bft__buf_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#f7f7f7\"/>\n", W, H);
    bft__buf_printf(&b, "<text x=\"%d\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">", W / 2);
    xml_text(&b, title ? title : in_path);
    bft__buf_puts(&b, "</text>\n");
    for (i = 0; i < p.ns; i++) chart(&b, &p.s[i], 10 + (i % cols) * (CW + 10), 40 + 10 + (i / cols) * (CH + 10));
    bft__buf_puts(&b, "</svg>\n");
    if (b.oom) { fprintf(stderr, "plot_run: out of memory\n"); return 1; }
    r = bft_write_file_atomic(out_path, b.p, b.n);
    if (r != BFT_OK) { fprintf(stderr, "plot_run: %s\n", bft_last_error()); return 1; }
    printf("%s: %d chart%s\n", out_path, p.ns, p.ns == 1 ? "" : "s");
    for (i = 0; i < p.ns; i++) { bft_free(p.s[i].x); bft_free(p.s[i].y); bft_free(p.s[i].key); }
    bft_free(p.s);
    bft_free(b.p);
    bft_free(in_path);
    bft_free(out_path);
    return 0;
}
