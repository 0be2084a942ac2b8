/* tools/cli_tokenize.h - `./bertft tokenize`: stdin lines "sentence1<TAB>sentence2" -> ids.
   Included by tools/cli.c after the bertft.h implementation.

   ./bertft tokenize (--vocab FILE | --model_name_or_path DIR) [--do_lower_case 0|1]
                     [--max_seq_length N] [--truncation longest_first|only_first|only_second]

   Prints per input line: the input ids separated by spaces, a TAB, the token_type_ids. A line with
   a TAB is a pair (even when sentence2 is empty), a line without one a single sentence; an empty
   line encodes as [CLS] [SEP]. Truncation is on at max_seq_length (default 128). Lower-casing
   defaults to the tokenizer_config.json next to the vocabulary, else uncased. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "--max-seq-length" and "--max_seq_length" are the same flag. */
static int bft_cli__flag_is(const char *arg, const char *name)
{
    size_t i;
    if (arg[0] != '-' || arg[1] != '-') return 0;
    arg += 2;
    for (i = 0; name[i]; i++) {
        char c = arg[i] == '-' ? '_' : arg[i];
        if (c != name[i]) return 0;
    }
    return arg[i] == 0 || arg[i] == '=';
}

static int bft_cli__put_int(char *o, int32_t v)
{
    char tmp[12];
    int n = 0, k = 0;
    uint32_t u = v < 0 ? (uint32_t)(-(int64_t)v) : (uint32_t)v;
    if (v < 0) o[k++] = '-';
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n) o[k++] = tmp[--n];
    return k;
}

static int bft_cli_tokenize(int argc, char **argv)
{
    const char *vocab = NULL, *model = NULL;
    int lower = -1, max_len = 128, i, n = 0, cap = 0;
    bft_tokenizer *t = NULL;
    bft_truncation tr = BFT_TRUNC_LONGEST_FIRST;
    bft_encoded enc;
    bft_result r;
    char *in = NULL, *outbuf, **a = NULL, **b = NULL;
    size_t len = 0, incap = 0, pos, o = 0, ocap = 1 << 20;
    for (i = 1; i < argc; i++) {
        const char *val = NULL, *eq = strchr(argv[i], '=');
        if (argv[i][0] == '-' && argv[i][1] == '-' && eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[i + 1];
#define BFT_CLI__TAKE() do { if (!val) { fprintf(stderr, "bertft tokenize: %s needs a value\n", argv[i]); return 2; } if (!eq) i++; } while (0)
        if (bft_cli__flag_is(argv[i], "vocab")) { BFT_CLI__TAKE(); vocab = val; }
        else if (bft_cli__flag_is(argv[i], "model_name_or_path")) { BFT_CLI__TAKE(); model = val; }
        else if (bft_cli__flag_is(argv[i], "do_lower_case")) {
            BFT_CLI__TAKE();
            if (strcmp(val, "1") == 0 || strcmp(val, "true") == 0 || strcmp(val, "True") == 0) lower = 1;
            else if (strcmp(val, "0") == 0 || strcmp(val, "false") == 0 || strcmp(val, "False") == 0) lower = 0;
            else { fprintf(stderr, "bertft tokenize: --do_lower_case must be 0 or 1, got '%s'\n", val); return 2; }
        } else if (bft_cli__flag_is(argv[i], "max_seq_length") || bft_cli__flag_is(argv[i], "max_length")) {
            char *end;
            long v;
            BFT_CLI__TAKE();
            v = strtol(val, &end, 10);
            if (*end || end == val || v < 2 || v > 1000000) { fprintf(stderr, "bertft tokenize: --max_seq_length must be an integer >= 2, got '%s'\n", val); return 2; }
            max_len = (int)v;
        } else if (bft_cli__flag_is(argv[i], "truncation")) {
            BFT_CLI__TAKE();
            if (strcmp(val, "longest_first") == 0 || strcmp(val, "true") == 0 || strcmp(val, "True") == 0) tr = BFT_TRUNC_LONGEST_FIRST;
            else if (strcmp(val, "only_first") == 0) tr = BFT_TRUNC_ONLY_FIRST;
            else if (strcmp(val, "only_second") == 0) tr = BFT_TRUNC_ONLY_SECOND;
            else { fprintf(stderr, "bertft tokenize: unknown --truncation '%s' (longest_first, only_first, only_second)\n", val); return 2; }
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: bertft tokenize (--vocab FILE | --model_name_or_path DIR) [--do_lower_case 0|1]\n"
                   "                       [--max_seq_length N (128)] [--truncation longest_first|only_first|only_second]\n"
                   "reads 'sentence1<TAB>sentence2' lines (sentence2 optional) from stdin; prints per line\n"
                   "the input ids, a TAB and the token_type_ids, each separated by spaces\n");
            return 0;
        } else {
            fprintf(stderr, "bertft tokenize: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
#undef BFT_CLI__TAKE
    }
    if (!vocab && !model) { fprintf(stderr, "bertft tokenize: give --vocab FILE or --model_name_or_path DIR\n"); return 2; }
    r = vocab ? bft_tokenizer_load(&t, vocab, lower) : bft_tokenizer_from_pretrained(&t, model, lower);
    if (r != BFT_OK) { fprintf(stderr, "bertft tokenize: %s\n", bft_last_error()); return 1; }

    /* all of stdin, then every line as its own text(s) in place */
    for (;;) {
        size_t got;
        if (incap - len < 65536) {
            size_t nc = incap ? incap * 2 : 1 << 20;
            char *p = (char *)realloc(in, nc);
            if (!p) { fprintf(stderr, "bertft tokenize: out of memory\n"); return 1; }
            in = p;
            incap = nc;
        }
        got = fread(in + len, 1, incap - len - 1, stdin);
        len += got;
        if (got == 0) break;
    }
    if (ferror(stdin)) { fprintf(stderr, "bertft tokenize: error reading stdin\n"); return 1; }
    in[len] = 0;
    for (pos = 0; pos < len;) {
        char *s = in + pos, *e = (char *)memchr(s, '\n', len - pos), *tab;
        if (!e) e = in + len;
        *e = 0;
        if (n == cap) {
            int nc = cap ? cap * 2 : 4096;
            char **pa = (char **)realloc(a, sizeof(char *) * (size_t)nc), **pb;
            if (pa) a = pa;
            pb = (char **)realloc(b, sizeof(char *) * (size_t)nc);
            if (pb) b = pb;
            if (!pa || !pb) { fprintf(stderr, "bertft tokenize: out of memory\n"); return 1; }
            cap = nc;
        }
        tab = (char *)memchr(s, '\t', (size_t)(e - s));
        if (tab) *tab = 0;
        a[n] = s;
        b[n] = tab ? tab + 1 : NULL;
        n++;
        pos = (size_t)(e - in) + 1;
    }
    r = bft_tokenizer_encode_batch(t, n, (const char *const *)a, (const char *const *)b, max_len, tr, &enc);
    if (r != BFT_OK) { fprintf(stderr, "bertft tokenize: input line %s\n", bft_last_error()); return 1; }
    outbuf = (char *)malloc(ocap);
    if (!outbuf) { fprintf(stderr, "bertft tokenize: out of memory\n"); return 1; }
    for (i = 0; i < n; i++) {
        int64_t k, lo = enc.offsets[i], hi = enc.offsets[i + 1];
        if (ocap - o < (size_t)(hi - lo) * 26 + 4) {
            if (fwrite(outbuf, 1, o, stdout) != o) { fprintf(stderr, "bertft tokenize: write error\n"); return 1; }
            o = 0;
            if (ocap < (size_t)(hi - lo) * 26 + 4) {
                char *p = (char *)realloc(outbuf, (size_t)(hi - lo) * 26 + 4);
                if (!p) { fprintf(stderr, "bertft tokenize: out of memory\n"); return 1; }
                outbuf = p;
                ocap = (size_t)(hi - lo) * 26 + 4;
            }
        }
        for (k = lo; k < hi; k++) {
            if (k > lo) outbuf[o++] = ' ';
            o += (size_t)bft_cli__put_int(outbuf + o, enc.input_ids[k]);
        }
        outbuf[o++] = '\t';
        for (k = lo; k < hi; k++) {
            if (k > lo) outbuf[o++] = ' ';
            outbuf[o++] = (char)('0' + enc.token_type_ids[k]);
        }
        outbuf[o++] = '\n';
    }
    if (fwrite(outbuf, 1, o, stdout) != o || fflush(stdout) != 0) { fprintf(stderr, "bertft tokenize: write error\n"); return 1; }
    free(outbuf);
    free(in);
    free(a);
    free(b);
    bft_encoded_free(&enc);
    bft_tokenizer_free(t);
    return 0;
}
