/* tools/gen_unicode.c - generates the Unicode tables of bertft's tokenizer, embedded in bertft.h
   between the lines "BEGIN GENERATED UNICODE TABLES" and "END GENERATED UNICODE TABLES".

   Regenerate (from the repository root; Debian/Ubuntu package `unicode-data`):

      tools/update_unicode_tables.sh        (builds this program and splices its output in)

   Reads UnicodeData.txt, SpecialCasing.txt and DerivedAge.txt from the given directory.
   Hugging Face `tokenizers` mixes Unicode versions, and so do these tables (both were checked code
   point by code point against the npm `tokenizers` 0.23.2 binary):
     - general categories come from the `unicode_categories` crate: Unicode 8.0 (optional 2nd
       argument). Characters assigned later have no category there: they are kept as letters.
     - NFD (decomposition and combining classes) comes from `unicode-normalization-alignments`:
       Unicode 9.0 (optional 3rd argument).
     - lowercase and whitespace come from Rust's std: recent Unicode (all of the given files).

   What the tokenizer needs (HF tokenizers, normalizers/bert.rs and pre_tokenizers/bert.rs):
     - general category classes: Other = Cc|Cf|Cn|Co|Cs (deleted by clean_text, except \t \n \r),
       Punctuation = P* (split off by the pre-tokenizer), Mn (deleted after NFD when stripping accents)
     - canonical decomposition, applied recursively (NFD), and the canonical combining classes
       for the canonical reordering of NFD
     - lowercase: Rust's char::to_lowercase, i.e. the simple mapping of UnicodeData.txt overridden by
       the unconditional mappings of SpecialCasing.txt (U+0130 -> "i" U+0307)
   Output: sorted range and mapping arrays, looked up by binary search (non-ASCII text only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCP 0x110000
enum { F_OTHER = 1, F_PUNCT = 2, F_MN = 4 };

static unsigned char gc_class[NCP]; /* F_* flags */
static unsigned char ccc[NCP];
static unsigned *decomp[NCP];       /* raw one-level canonical decomposition, [0] = length */
static unsigned *lower[NCP];        /* full lowercase mapping, [0] = length */
static unsigned char assigned[NCP];
static double age[NCP];

static FILE *open_in(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (!f) { fprintf(stderr, "gen_unicode: cannot open %s\n", path); exit(1); }
    return f;
}

static double cat_version = 8.0, nfd_version = 9.0;

/* General categories that changed after Unicode 8.0 in a way the tokenizer sees (found by comparing
   every code point with HF tokenizers): the category each had in Unicode 8.0. */
static const struct { unsigned cp; const char *gc; } cat8[] = {
    { 0x166D, "Po" }, { 0x1734, "Mn" }, { 0x1885, "Lo" }, { 0x1886, "Lo" }, { 0xA9BD, "Mc" }, { 0x111C9, "Po" },
};

/* Lowercase mappings of Unicode 16.0 capitals, which Rust's std (and so HF tokenizers) knows and a
   Unicode 15 UnicodeData.txt does not: {first, last, lowercase of first}. Used only when the given
   files have no mapping for them. */
static const unsigned lower16[][3] = {
    { 0x1C89, 0x1C89, 0x1C8A }, { 0xA7CB, 0xA7CB, 0x0264 }, { 0xA7CC, 0xA7CC, 0xA7CD }, { 0xA7CE, 0xA7CE, 0xA7CF },
    { 0xA7D2, 0xA7D2, 0xA7D3 }, { 0xA7D4, 0xA7D4, 0xA7D5 }, { 0xA7DA, 0xA7DA, 0xA7DB }, { 0xA7DC, 0xA7DC, 0x019B },
    { 0x10D50, 0x10D65, 0x10D70 }, { 0x16EA0, 0x16EB8, 0x16EBB },
};

/* Split `line` on ';' into at most `max` fields (in place). */
static int split(char *line, char **fld, int max)
{
    int n = 0;
    char *p = line;
    fld[n++] = p;
    while (*p && n < max) {
        if (*p == ';') { *p = 0; fld[n++] = p + 1; }
        p++;
    }
    return n;
}

static unsigned *parse_cps(const char *s)
{
    unsigned tmp[32], *r;
    int n = 0;
    char *end;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s || *s == '#') break;
        tmp[n++] = (unsigned)strtoul(s, &end, 16);
        if (end == s) break;
        s = end;
    }
    r = (unsigned *)malloc(sizeof(unsigned) * (size_t)(n + 1));
    r[0] = (unsigned)n;
    memcpy(r + 1, tmp, sizeof(unsigned) * (size_t)n);
    return r;
}

/* `unicode_categories`' is_other() is Cc|Cf|Co|Cs: unassigned code points (Cn) are not "other". */
static int flags_of(const char *gc, unsigned cp)
{
    if (age[cp] == 0 || age[cp] > cat_version + 1e-9) return 0;
    if (gc[0] == 'C') return F_OTHER;
    if (gc[0] == 'P') return F_PUNCT;
    if (gc[0] == 'M' && gc[1] == 'n') return F_MN;
    return 0;
}

/* Append the full canonical decomposition of cp to out (Hangul is done by the tokenizer itself). */
static int full_decomp(unsigned cp, unsigned *out, int n)
{
    unsigned i;
    if (!decomp[cp]) { out[n++] = cp; return n; }
    for (i = 1; i <= decomp[cp][0]; i++) n = full_decomp(decomp[cp][i], out, n);
    return n;
}

int main(int argc, char **argv)
{
    char line[4096], *fld[16];
    FILE *f;
    unsigned cp, first = 0;
    int n, nr = 0;
    unsigned pool_n;
    if (argc < 2) {
        fprintf(stderr, "usage: gen_unicode UNICODE_DIR [CATEGORY_VERSION [NFD_VERSION]]  (see tools/update_unicode_tables.sh)\n");
        return 2;
    }
    if (argc > 2) cat_version = atof(argv[2]);
    if (argc > 3) nfd_version = atof(argv[3]);
    /* DerivedAge.txt: "0000..001F    ; 1.1 #" */
    f = open_in(argv[1], "DerivedAge.txt");
    while (fgets(line, sizeof line, f)) {
        unsigned a, b;
        char *p;
        if (line[0] == '#' || line[0] == '\n') continue;
        a = (unsigned)strtoul(line, &p, 16);
        b = a;
        if (p[0] == '.' && p[1] == '.') b = (unsigned)strtoul(p + 2, &p, 16);
        p = strchr(p, ';');
        if (!p) continue;
        for (cp = a; cp <= b; cp++) age[cp] = atof(p + 1);
    }
    fclose(f);

    f = open_in(argv[1], "UnicodeData.txt");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        n = split(line, fld, 16);
        if (n < 14) continue;
        cp = (unsigned)strtoul(fld[0], NULL, 16);
        if (strstr(fld[1], ", First>")) { first = cp; continue; }
        if (strstr(fld[1], ", Last>")) {
            unsigned c;
            for (c = first; c <= cp; c++) {
                gc_class[c] = (unsigned char)flags_of(fld[2], c);
                assigned[c] = 1;
            }
            continue;
        }
        assigned[cp] = 1;
        gc_class[cp] = (unsigned char)flags_of(fld[2], cp);
        if (age[cp] <= nfd_version + 1e-9) {
            ccc[cp] = (unsigned char)atoi(fld[3]);
            if (fld[5][0] && fld[5][0] != '<') decomp[cp] = parse_cps(fld[5]);
        }
        if (fld[13][0]) lower[cp] = parse_cps(fld[13]);
    }
    fclose(f);

    {
        size_t q;
        for (q = 0; q < sizeof cat8 / sizeof cat8[0]; q++) gc_class[cat8[q].cp] = (unsigned char)flags_of(cat8[q].gc, cat8[q].cp);
        for (q = 0; q < sizeof lower16 / sizeof lower16[0]; q++)
            for (cp = lower16[q][0]; cp <= lower16[q][1]; cp++)
                if (!lower[cp]) {
                    lower[cp] = (unsigned *)malloc(2 * sizeof(unsigned));
                    lower[cp][0] = 1;
                    lower[cp][1] = lower16[q][2] + (cp - lower16[q][0]);
                }
    }

    /* SpecialCasing.txt: unconditional entries only (no 5th field), as Rust's to_lowercase */
    f = open_in(argv[1], "SpecialCasing.txt");
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        n = split(line, fld, 16);
        if (n < 4) continue;
        if (n >= 5) {
            char *q = fld[4];
            while (*q == ' ') q++;
            if (*q) continue; /* conditional (Final_Sigma, tr, lt, ...) */
        }
        cp = (unsigned)strtoul(fld[0], NULL, 16);
        if (!assigned[cp]) continue;
        {
            unsigned *m = parse_cps(fld[1]);
            if (m[0] == 1 && m[1] == cp) { free(m); continue; }
            free(lower[cp]);
            lower[cp] = m;
        }
    }
    fclose(f);

    printf("/* Unicode tables - GENERATED by tools/gen_unicode.c from the Unicode Character Database\n"
           "   (UnicodeData.txt, SpecialCasing.txt, DerivedAge.txt) as HF tokenizers sees it: general\n"
           "   categories of Unicode %.1f, NFD of Unicode %.1f, lowercase of the files' version.\n"
           "   Do not edit; regenerate (see tools/gen_unicode.c). */\n\n", cat_version, nfd_version);

    /* 1. classes: ranges [lo, hi] with flags != 0, merged */
    printf("/* Ranges of code points with their class: 1 = other (Cc Cf Co Cs), 2 = punctuation (P*),\n"
           "   4 = nonspacing mark (Mn). Code points in no range are letters, digits, symbols, ... */\n");
    printf("static const uint32_t bft__u_class_ranges[][3] = {\n");
    for (cp = 0; cp < NCP;) {
        unsigned lo = cp, fl = gc_class[cp];
        while (cp < NCP && gc_class[cp] == fl) cp++;
        if (fl) { printf("{0x%X,0x%X,%u},", lo, cp - 1, fl); if (++nr % 6 == 0) printf("\n"); }
    }
    printf("};\n\n");

    /* 2. canonical combining classes != 0, as ranges */
    nr = 0;
    printf("/* Canonical combining class of the code points where it is not 0: {lo, hi, ccc}. */\n");
    printf("static const uint32_t bft__u_ccc_ranges[][3] = {\n");
    for (cp = 0; cp < NCP;) {
        unsigned lo = cp, c = ccc[cp];
        while (cp < NCP && ccc[cp] == c) cp++;
        if (c) { printf("{0x%X,0x%X,%u},", lo, cp - 1, c); if (++nr % 6 == 0) printf("\n"); }
    }
    printf("};\n\n");

    /* 3. full canonical decompositions and lowercase mappings: index {cp, offset, length} into a pool */
    {
        unsigned buf[64];
        unsigned *pool = (unsigned *)malloc(sizeof(unsigned) * 65536);
        unsigned (*idx)[3] = (unsigned (*)[3])malloc(sizeof(unsigned[3]) * 8192);
        int ni = 0, i, which;
        for (which = 0; which < 2; which++) {
            pool_n = 0;
            ni = 0;
            for (cp = 0; cp < NCP; cp++) {
                int k;
                if (which == 0) {
                    if (!decomp[cp]) continue;
                    k = full_decomp(cp, buf, 0);
                } else {
                    if (!lower[cp] || (lower[cp][0] == 1 && lower[cp][1] == cp)) continue;
                    k = (int)lower[cp][0];
                    memcpy(buf, lower[cp] + 1, sizeof(unsigned) * (size_t)k);
                }
                if (k > 4) { fprintf(stderr, "gen_unicode: U+%04X maps to %d code points; the tokenizer allows 4\n", cp, k); return 1; }
                idx[ni][0] = cp;
                idx[ni][1] = pool_n;
                idx[ni][2] = (unsigned)k;
                ni++;
                memcpy(pool + pool_n, buf, sizeof(unsigned) * (size_t)k);
                pool_n += (unsigned)k;
            }
            if (which == 0)
                printf("/* Full canonical decomposition (NFD, applied recursively; Hangul syllables are computed):\n"
                       "   {cp, offset into bft__u_decomp_pool, length}, sorted by cp. */\n");
            else
                printf("/* Lowercase (Rust's char::to_lowercase: simple mappings + unconditional SpecialCasing):\n"
                       "   {cp, offset into bft__u_lower_pool, length}, sorted by cp. */\n");
            printf("static const uint32_t bft__u_%s_index[][3] = {\n", which == 0 ? "decomp" : "lower");
            for (i = 0; i < ni; i++) {
                printf("{0x%X,%u,%u},", idx[i][0], idx[i][1], idx[i][2]);
                if ((i + 1) % 6 == 0) printf("\n");
            }
            printf("};\n");
            printf("static const uint32_t bft__u_%s_pool[] = {\n", which == 0 ? "decomp" : "lower");
            for (i = 0; i < (int)pool_n; i++) {
                printf("0x%X,", pool[i]);
                if ((i + 1) % 12 == 0) printf("\n");
            }
            printf("};\n\n");
        }
        free(pool);
        free(idx);
    }
    return 0;
}
