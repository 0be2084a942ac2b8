/* tests/test_data.c - GLUE readers, user data files, collator, samplers, metrics, TensorBoard.
   Run from the repository root (the GLUE data is at ../shared/data, or $BERTFT_DATA).
   Expected counts come from ../shared/data/README.md; metric values were worked out by hand
   (the derivations are in the comments). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"

#define TMPDIR "build/test_data.tmp"

static char glue_dir[512];
static const char *glue(const char *task)
{
    snprintf(glue_dir, sizeof glue_dir, "%s/glue/%s", bft_t_data_dir(), task);
    return glue_dir;
}

static void write_text(const char *path, const char *text)
{
    FILE *f;
    char dir[512], *slash;
    strncpy(dir, path, sizeof dir - 1);
    dir[sizeof dir - 1] = 0;
    slash = strrchr(dir, '/');
    if (slash) { *slash = 0; bft_mkdirs(dir); }
    f = fopen(path, "wb");
    if (!f) { printf("  cannot write %s\n", path); return; }
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

static int count_label(const bft_dataset *d, float v)
{
    int i, c = 0;
    for (i = 0; i < d->n; i++) c += d->labels[i] == v;
    return c;
}

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

/* ---- 1. GLUE readers ---------------------------------------------------------------------- */
static void test_task_info(void)
{
    const bft_task_info *t = bft_glue_task_info("STS-B");
    CHECK(t && strcmp(t->name, "stsb") == 0 && t->num_labels == 1 && t->is_regression, "STS-B");
    t = bft_glue_task_info("SST-2");
    CHECK(t && strcmp(t->name, "sst2") == 0, "SST-2");
    t = bft_glue_task_info("MRPC");
    CHECK(t && t->num_labels == 2 && strcmp(t->label_names[0], "not_equivalent") == 0 &&
          strcmp(t->metrics[0], "accuracy") == 0 && strcmp(t->metrics[1], "f1") == 0, "mrpc");
    t = bft_glue_task_info("wnli");
    CHECK(t && strcmp(t->label_names[0], "not_entailment") == 0 && strcmp(t->label_names[1], "entailment") == 0, "wnli");
    t = bft_glue_task_info("rte");
    CHECK(t && strcmp(t->label_names[0], "entailment") == 0, "rte");
    t = bft_glue_task_info("mnli_mismatched");
    CHECK(t && t->num_labels == 3 && strcmp(t->label_names[2], "contradiction") == 0, "mnli");
    t = bft_glue_task_info("CoLA");
    CHECK(t && strcmp(t->metrics[0], "matthews_correlation") == 0 && !t->metrics[1], "cola");
    t = bft_glue_task_info("squad");
    CHECK(!t && has(bft_last_error(), "unknown GLUE task \"squad\""), "%s", bft_last_error());
}

static void test_glue_mrpc(void)
{
    bft_dataset d;
    CHECK_OK(bft_glue_load(&d, "mrpc", glue("MRPC"), "train"));
    CHECK(d.n == 3668, "MRPC train has %d records, want 3668", d.n);
    CHECK(count_label(&d, 1.0f) == 2474 && count_label(&d, 0.0f) == 1194, "positives %d", count_label(&d, 1.0f));
    CHECK(d.n > 0 && strncmp(d.text_a[0], "Amrozi accused his brother ,", 28) == 0, "first sentence1");
    CHECK(d.n > 0 && d.text_b && strncmp(d.text_b[0], "Referring to him as only \" the witness \"", 40) == 0, "first sentence2");
    CHECK(d.num_labels == 2 && strcmp(d.label_names[1], "equivalent") == 0 && d.has_labels && !d.is_regression, "labels");
    CHECK(d.task && strcmp(d.task, "mrpc") == 0, "task");
    /* line 93 is the row the README says was restored */
    CHECK(d.n > 91 && strstr(d.text_a[91], "Brandeis") != NULL, "row 92: %s", d.n > 91 ? d.text_a[91] : "");
    bft_dataset_free(&d);
    CHECK(d.n == 0 && d.text_a == NULL, "free resets");

    CHECK_OK(bft_glue_load(&d, "MRPC", glue("MRPC"), "validation"));
    CHECK(d.n == 408 && count_label(&d, 1.0f) == 279, "MRPC dev %d / %d", d.n, count_label(&d, 1.0f));
    bft_dataset_free(&d);
    /* the glue root works too */
    {
        char root[512];
        snprintf(root, sizeof root, "%s/glue", bft_t_data_dir());
        CHECK_OK(bft_glue_load(&d, "mrpc", root, "test"));
    }
    CHECK(d.n == 1725 && count_label(&d, -1.0f) == 1725 && !d.has_labels, "MRPC test %d", d.n);
    bft_dataset_free(&d);
}

static void test_glue_others(void)
{
    bft_dataset d;
    double s = 0;
    int i;
    CHECK_OK(bft_glue_load(&d, "cola", glue("CoLA"), "dev"));
    CHECK(d.n == 1043 && count_label(&d, 1.0f) == 721 && count_label(&d, 0.0f) == 322, "CoLA dev %d", d.n);
    CHECK(d.text_b == NULL, "single sentence");
    /* the last record has no final newline */
    CHECK(d.n == 1043 && strlen(d.text_a[1042]) > 5 && !strchr(d.text_a[1042], '\n'), "last record");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "cola", glue("CoLA"), "train"));
    CHECK(d.n == 8551 && count_label(&d, 1.0f) == 6023, "CoLA train %d", d.n);
    CHECK(d.n > 0 && strcmp(d.text_a[0], "Our friends won't buy this analysis, let alone the next one we propose.") == 0, "first CoLA train sentence");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "cola", glue("CoLA"), "test"));
    CHECK(d.n == 1063 && strcmp(d.text_a[0], "Bill whistled past the house.") == 0, "CoLA test %d", d.n);
    bft_dataset_free(&d);

    CHECK_OK(bft_glue_load(&d, "stsb", glue("STS-B"), "train"));
    CHECK(d.n == 5749 && d.is_regression && d.num_labels == 1, "STS-B train %d", d.n);
    CHECK(d.n > 1 && d.labels[0] == 5.0f && d.labels[1] == 3.8f, "first scores");
    for (i = 0; i < d.n; i++) s += d.labels[i];
    CHECK(fabs(s / d.n - 2.701) < 0.0005, "mean %.4f", s / d.n);
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "sts-b", glue("STS-B"), "dev"));
    for (s = 0, i = 0; i < d.n; i++) s += d.labels[i];
    CHECK(d.n == 1500 && fabs(s / d.n - 2.364) < 0.0005, "STS-B dev %d mean %.4f", d.n, s / d.n);
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "stsb", glue("STS-B"), "test"));
    CHECK(d.n == 1379, "STS-B test %d", d.n);
    bft_dataset_free(&d);

    CHECK_OK(bft_glue_load(&d, "rte", glue("RTE"), "train"));
    CHECK(d.n == 2490 && count_label(&d, 0.0f) == 1249 && count_label(&d, 1.0f) == 1241, "RTE train %d", d.n);
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "rte", glue("RTE"), "validation"));
    CHECK(d.n == 277 && count_label(&d, 0.0f) == 146, "RTE dev %d", d.n);
    CHECK(d.n > 0 && count_label(&d, 1.0f) == 131 && d.labels[0] == 1.0f, "first dev label is not_entailment");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "rte", glue("RTE"), "test"));
    CHECK(d.n == 3000, "RTE test %d", d.n);
    bft_dataset_free(&d);

    CHECK_OK(bft_glue_load(&d, "wnli", glue("WNLI"), "train"));
    CHECK(d.n == 635 && count_label(&d, 1.0f) == 312 && count_label(&d, 0.0f) == 323, "WNLI train %d", d.n);
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "wnli", glue("WNLI"), "dev"));
    CHECK(d.n == 71 && count_label(&d, 1.0f) == 31, "WNLI dev %d", d.n);
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "wnli", glue("WNLI"), "test"));
    CHECK(d.n == 146, "WNLI test %d", d.n);
    bft_dataset_free(&d);
}

/* Tasks absent from ../shared/data: small files in the classic layout. */
static void test_glue_fixtures(void)
{
    bft_dataset d;
    write_text(TMPDIR "/SST-2/train.tsv", "sentence\tlabel\nhide new secretions from the parental units \t0\n"
                                          "\"quoted\" start\t1\n");
    write_text(TMPDIR "/SST-2/test.tsv", "index\tsentence\n0\tuneasy mishmash of styles and genres .\n");
    CHECK_OK(bft_glue_load(&d, "sst2", TMPDIR "/SST-2", "train"));
    CHECK(d.n == 2 && d.labels[0] == 0 && d.labels[1] == 1 && strcmp(d.text_a[1], "\"quoted\" start") == 0 &&
          strcmp(d.text_a[0], "hide new secretions from the parental units ") == 0, "sst2");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "sst2", TMPDIR, "test"));
    CHECK(d.n == 1 && d.labels[0] == -1, "sst2 test");
    bft_dataset_free(&d);

    write_text(TMPDIR "/QQP/dev.tsv", "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
                                      "201359\t303345\t303346\tWhy are people so obsessed?\tWhy are people obsessed?\t1\n"
                                      "263843\t69383\t380476\tI am 25.\tI am 30.\t0\n");
    write_text(TMPDIR "/QQP/test.tsv", "id\tquestion1\tquestion2\n0\tA?\tB?\n");
    CHECK_OK(bft_glue_load(&d, "qqp", TMPDIR "/QQP", "validation"));
    CHECK(d.n == 2 && d.labels[0] == 1 && d.labels[1] == 0 && strcmp(d.text_b[1], "I am 30.") == 0, "qqp");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "qqp", TMPDIR "/QQP", "test"));
    CHECK(d.n == 1 && strcmp(d.text_a[0], "A?") == 0 && strcmp(d.text_b[0], "B?") == 0, "qqp test");
    bft_dataset_free(&d);

    write_text(TMPDIR "/QNLI/train.tsv", "index\tquestion\tsentence\tlabel\n0\tWhen?\tThen.\tentailment\n"
                                         "1\tWho?\tNobody.\tnot_entailment\n");
    CHECK_OK(bft_glue_load(&d, "qnli", TMPDIR "/QNLI", "train"));
    CHECK(d.n == 2 && d.labels[0] == 0 && d.labels[1] == 1 && strcmp(d.text_a[0], "When?") == 0, "qnli");
    bft_dataset_free(&d);

    /* MNLI: sentence1/sentence2 are columns 9/10, the label is the last column gold_label */
    write_text(TMPDIR "/MNLI/dev_mismatched.tsv",
               "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\t"
               "sentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label\n"
               "0\t75290\t75290c\tletters\t( ( Your gift ) )\t( ( Your gift ) )\t(ROOT)\t(ROOT)\tYour gift is appreciated.\t"
               "Hundreds of students will benefit.\tneutral\tneutral\tneutral\tneutral\tneutral\tneutral\n"
               "1\t1\t1c\tverbatim\ta\tb\tc\td\tPremise two.\tHypothesis two.\tcontradiction\tcontradiction\t"
               "contradiction\tcontradiction\tneutral\tcontradiction\n");
    write_text(TMPDIR "/MNLI/test_matched.tsv",
               "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\t"
               "sentence2_parse\tsentence1\tsentence2\n0\t1\t1n\tgov\ta\tb\tc\td\tP.\tH.\n");
    CHECK_OK(bft_glue_load(&d, "mnli", TMPDIR "/MNLI", "validation_mismatched"));
    CHECK(d.n == 2 && d.labels[0] == 1 && d.labels[1] == 2 && strcmp(d.text_a[0], "Your gift is appreciated.") == 0 &&
          strcmp(d.text_b[1], "Hypothesis two.") == 0, "mnli mm");
    bft_dataset_free(&d);
    CHECK_OK(bft_glue_load(&d, "mnli", TMPDIR "/MNLI", "test_matched"));
    CHECK(d.n == 1 && d.labels[0] == -1 && strcmp(d.text_b[0], "H.") == 0, "mnli test");
    bft_dataset_free(&d);
    CHECK(bft_glue_load(&d, "mnli", TMPDIR "/MNLI", "validation_matched") == BFT_ERR_IO &&
          has(bft_last_error(), "dev_matched.tsv"), "%s", bft_last_error());
    CHECK(bft_glue_load(&d, "rte", TMPDIR, "validation_mismatched") == BFT_ERR_INVALID &&
          has(bft_last_error(), "no split"), "%s", bft_last_error());

    /* BOM + CRLF + no final newline + empty fields kept (CoLA-style consecutive tabs) */
    write_text(TMPDIR "/RTE/train.tsv", "\xEF\xBB\xBFindex\tsentence1\tsentence2\tlabel\r\n0\tA caf\xC3\xA9.\t\tentailment\r\n"
                                        "1\t\"x\t\"y\tnot_entailment");
    CHECK_OK(bft_glue_load(&d, "rte", TMPDIR "/RTE", "train"));
    CHECK(d.n == 2 && strcmp(d.text_a[0], "A caf\xC3\xA9.") == 0 && d.text_b[0][0] == 0 && strcmp(d.text_a[1], "\"x") == 0 &&
          d.labels[1] == 1, "crlf/bom");
    bft_dataset_free(&d);
    write_text(TMPDIR "/CoLA/dev.tsv", "gj04\t1\t\tGood.\r\ngj04\t0\t*\tBad good.");
    CHECK_OK(bft_glue_load(&d, "cola", TMPDIR "/CoLA", "dev"));
    CHECK(d.n == 2 && d.labels[0] == 1 && d.labels[1] == 0 && strcmp(d.text_a[1], "Bad good.") == 0, "cola crlf");
    bft_dataset_free(&d);
}

static void test_glue_errors(void)
{
    bft_dataset d;
    const char *e;
    write_text(TMPDIR "/bad1/RTE/train.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\ta\tb\n");
    CHECK(bft_glue_load(&d, "rte", TMPDIR "/bad1/RTE", "train") == BFT_ERR_FORMAT, "short row");
    e = bft_last_error();
    CHECK(has(e, "RTE/train.tsv:3: expected 4 tab-separated columns, found 3"), "%s", e);
    CHECK(d.n == 0 && d.text_a == NULL, "nothing left allocated on failure");

    write_text(TMPDIR "/bad2/RTE/train.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n");
    CHECK(bft_glue_load(&d, "rte", TMPDIR "/bad2/RTE", "train") == BFT_ERR_FORMAT, "bad label");
    e = bft_last_error();
    CHECK(has(e, "train.tsv:2: label \"maybe\" is not one of entailment, not_entailment"), "%s", e);

    write_text(TMPDIR "/bad3/WNLI/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\t2\n");
    CHECK(bft_glue_load(&d, "wnli", TMPDIR "/bad3/WNLI", "dev") == BFT_ERR_FORMAT &&
          has(bft_last_error(), "dev.tsv:2: label \"2\""), "%s", bft_last_error());

    write_text(TMPDIR "/bad4/STS-B/train.tsv", "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\t"
                                               "sentence2\tscore\n0\tg\tf\ty\to\ts\ts\tA.\tB.\t4.000\n1\tg\tf\ty\to\ts\ts\tA.\tB.\thigh\n");
    CHECK(bft_glue_load(&d, "stsb", TMPDIR "/bad4/STS-B", "train") == BFT_ERR_FORMAT &&
          has(bft_last_error(), "train.tsv:3: label \"high\" is not a number"), "%s", bft_last_error());

    write_text(TMPDIR "/bad5/QNLI/train.tsv", "index\tquestion\tlabel\n0\tq\tentailment\n");
    CHECK(bft_glue_load(&d, "qnli", TMPDIR "/bad5/QNLI", "train") == BFT_ERR_FORMAT &&
          has(bft_last_error(), "train.tsv:1: the header has no column \"sentence\""), "%s", bft_last_error());

    write_text(TMPDIR "/bad6/MRPC/train.tsv", "");
    CHECK(bft_glue_load(&d, "mrpc", TMPDIR "/bad6/MRPC", "train") == BFT_ERR_FORMAT &&
          has(bft_last_error(), "train.tsv:1: empty file"), "%s", bft_last_error());

    write_text(TMPDIR "/bad7/CoLA/train.tsv", "gj04\t1\t\tGood.\ngj04\t1\tBad.\n");
    CHECK(bft_glue_load(&d, "cola", TMPDIR "/bad7/CoLA", "train") == BFT_ERR_FORMAT &&
          has(bft_last_error(), "train.tsv:2: expected 4 tab-separated columns, found 3"), "%s", bft_last_error());

    CHECK(bft_glue_load(&d, "superglue", TMPDIR, "train") == BFT_ERR_INVALID &&
          has(bft_last_error(), "unknown GLUE task \"superglue\""), "%s", bft_last_error());
    CHECK(bft_glue_load(&d, "mrpc", TMPDIR "/nowhere", "train") == BFT_ERR_IO &&
          has(bft_last_error(), "nowhere/train.tsv: cannot open"), "%s", bft_last_error());
}

/* run_glue's --train_file / --validation_file */
static void test_user_files(void)
{
    bft_dataset d, v;
    const char *e;
    write_text(TMPDIR "/u/train.csv", "\xEF\xBB\xBFsentence1,sentence2,label\r\n"
                                      "\"He said \"\"hi\"\", then left\",plain,pos\r\n"
                                      "\"two\nlines\",b,neg\r\n\r\n"
                                      "c,d,neutral");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/train.csv", NULL));
    CHECK(d.n == 3 && d.text_b, "csv rows %d", d.n);
    if (d.n == 3) {
        CHECK(strcmp(d.text_a[0], "He said \"hi\", then left") == 0, "quoted: %s", d.text_a[0]);
        CHECK(strcmp(d.text_a[1], "two\nlines") == 0 && strcmp(d.text_b[2], "d") == 0, "multi-line");
        /* sorted(set(labels)) = [neg, neutral, pos] */
        CHECK(d.num_labels == 3 && strcmp(d.label_names[0], "neg") == 0 && strcmp(d.label_names[1], "neutral") == 0 &&
              strcmp(d.label_names[2], "pos") == 0, "label list");
        CHECK(d.labels[0] == 2 && d.labels[1] == 0 && d.labels[2] == 1 && !d.is_regression && !d.task, "labels");
    }
    write_text(TMPDIR "/u/dev.csv", "sentence1,sentence2,label\nx,y,neutral\nx,y,pos\n");
    CHECK_OK(bft_dataset_load_file(&v, TMPDIR "/u/dev.csv", &d));
    CHECK(v.n == 2 && v.labels[0] == 1 && v.labels[1] == 2 && v.num_labels == 3, "dev mapped with the train list");
    bft_dataset_free(&v);
    write_text(TMPDIR "/u/dev2.csv", "sentence1,sentence2,label\nx,y,neutral\nx,y,other\n");
    CHECK(bft_dataset_load_file(&v, TMPDIR "/u/dev2.csv", &d) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "dev2.csv:3: label \"other\" is not one of neg, neutral, pos"), "%s", bft_last_error());
    write_text(TMPDIR "/u/test.csv", "sentence1,sentence2\nx,y\n");
    CHECK_OK(bft_dataset_load_file(&v, TMPDIR "/u/test.csv", &d));
    CHECK(v.n == 1 && v.labels[0] == -1 && !v.has_labels, "test file");
    bft_dataset_free(&v);
    bft_dataset_free(&d);
    /* integer labels with -1: run_glue's label_list = sorted(set) keeps -1 as a class, but maps a -1 row to
       -1 (no label), which the model then refuses by name, as PyTorch's cross-entropy does */
    write_text(TMPDIR "/u/neg.csv", "sentence1,sentence2,label\na,b,1\nc,d,-1\ne,f,0\n");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/neg.csv", NULL));
    CHECK(d.n == 3 && d.has_labels && d.num_labels == 3 && strcmp(d.label_names[0], "-1") == 0 &&
          strcmp(d.label_names[2], "1") == 0 && d.labels[0] == 2 && d.labels[1] == -1 && d.labels[2] == 1, "-1 labels");
    CHECK_OK(bft_dataset_load_file(&v, TMPDIR "/u/neg.csv", &d));
    CHECK(v.n == 3 && v.labels[1] == -1 && v.labels[2] == 1, "-1 with the train list");
    bft_dataset_free(&v);
    bft_dataset_free(&d);

    /* JSON lines with float labels: regression; single sentence column */
    write_text(TMPDIR "/u/train.jsonl", "{\"sentence\": \"a \\\"b\\\" \\u00e9\", \"label\": 1.5}\n\n{\"label\": 2, \"sentence\": \"c\"}\n");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/train.jsonl", NULL));
    CHECK(d.n == 2 && d.is_regression && d.num_labels == 1 && !d.text_b && d.labels[0] == 1.5f && d.labels[1] == 2.0f &&
          strcmp(d.text_a[0], "a \"b\" \xC3\xA9") == 0, "jsonl regression");
    bft_dataset_free(&d);
    /* integer labels: sorted numerically (10 after 9) */
    write_text(TMPDIR "/u/int.json", "[{\"sentence1\":\"a\",\"sentence2\":\"b\",\"label\":10},\n"
                                     " {\"sentence1\":\"c\",\"sentence2\":\"d\",\"label\":9}]");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/int.json", NULL));
    CHECK(d.n == 2 && d.num_labels == 2 && strcmp(d.label_names[0], "9") == 0 && d.labels[0] == 1 && d.labels[1] == 0,
          "int labels");
    bft_dataset_free(&d);
    /* no sentence1/sentence2: the first two non-label columns, as run_glue */
    write_text(TMPDIR "/u/q.csv", "label,question,answer\n1,q?,a.\n0,r?,b.\n");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/q.csv", NULL));
    CHECK(d.n == 2 && d.text_b && strcmp(d.text_a[1], "r?") == 0 && strcmp(d.text_b[1], "b.") == 0 && d.labels[0] == 1,
          "column choice");
    bft_dataset_free(&d);

    /* errors name file:line */
    write_text(TMPDIR "/u/bad.csv", "sentence1,sentence2,label\na,b,1\na,b\n");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/bad.csv", NULL) == BFT_ERR_FORMAT, "short row");
    e = bft_last_error();
    CHECK(has(e, "bad.csv:3: expected 3 comma-separated columns, found 2"), "%s", e);
    write_text(TMPDIR "/u/bad2.csv", "sentence1,label\n\"open,1\n");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/bad2.csv", NULL) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "bad2.csv:2: unterminated quoted field"), "%s", bft_last_error());
    write_text(TMPDIR "/u/bad.jsonl", "{\"sentence\": \"a\", \"label\": 0}\n{\"sentence\": \"b\", \"label\": }\n");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/bad.jsonl", NULL) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "bad.jsonl:2: invalid JSON"), "%s", bft_last_error());
    write_text(TMPDIR "/u/nolabel.jsonl", "{\"sentence\": \"a\"}\n");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/nolabel.jsonl", NULL) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "nolabel.jsonl:1: no \"label\" column"), "%s", bft_last_error());
    write_text(TMPDIR "/u/empty.csv", "");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/empty.csv", NULL) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "empty.csv:1: empty file"), "%s", bft_last_error());
    write_text(TMPDIR "/u/x.parquet", "PAR1");
    CHECK(bft_dataset_load_file(&d, TMPDIR "/u/x.parquet", NULL) == BFT_ERR_UNSUPPORTED, "parquet");
    /* a regression training file makes "high" in the validation file an error */
    write_text(TMPDIR "/u/r.csv", "sentence,label\na,0.5\n");
    write_text(TMPDIR "/u/r2.csv", "sentence,label\na,high\n");
    CHECK_OK(bft_dataset_load_file(&d, TMPDIR "/u/r.csv", NULL));
    CHECK(d.is_regression, "r.csv is regression");
    CHECK(bft_dataset_load_file(&v, TMPDIR "/u/r2.csv", &d) == BFT_ERR_FORMAT &&
          has(bft_last_error(), "r2.csv:2: label \"high\" is not a number"), "%s", bft_last_error());
    bft_dataset_free(&d);
}

/* ---- 2. Collator and samplers --------------------------------------------------------------- */
/* Three sequences of lengths 3, 5, 2 (ids 101 ... 102 as the tokenizer makes them). */
static void make_encoded(bft_encoded *e)
{
    static const int64_t off[] = {0, 3, 8, 10};
    static const int32_t ids[] = {101, 7, 102, 101, 8, 102, 9, 102, 101, 102};
    static const int32_t tt[] = {0, 0, 0, 0, 0, 0, 1, 1, 0, 0};
    e->n = 3;
    e->offsets = (int64_t *)off;
    e->input_ids = (int32_t *)ids;
    e->token_type_ids = (int32_t *)tt;
}

static void test_collate(void)
{
    bft_encoded e;
    bft_padded_batch b;
    bft_batch v;
    int idx[3] = {2, 1, 0}, i;
    float labels[3] = {0.f, 1.f, 2.f};
    static const int32_t want_ids[] = {101, 102, 0, 0, 0, 101, 8, 102, 9, 102, 101, 7, 102, 0, 0};
    static const int32_t want_tt[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
    static const int32_t want_am[] = {1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    memset(&b, 0, sizeof b);
    make_encoded(&e);
    CHECK_OK(bft_collate(&b, &e, idx, 3, 0, 0, 0, labels));
    CHECK(b.batch_size == 3 && b.seq_len == 5, "shape %d x %d", b.batch_size, b.seq_len);
    CHECK(memcmp(b.input_ids, want_ids, sizeof want_ids) == 0, "ids");
    CHECK(memcmp(b.token_type_ids, want_tt, sizeof want_tt) == 0, "type ids");
    CHECK(memcmp(b.attention_mask, want_am, sizeof want_am) == 0, "mask");
    CHECK(b.labels && b.labels[0] == 2 && b.labels[1] == 1 && b.labels[2] == 0, "labels gathered");
    v = bft_padded_batch_view(&b);
    CHECK(v.batch_size == 3 && v.seq_len == 5 && v.input_ids == b.input_ids && v.labels == b.labels, "view");
    /* longest of {0, 2} = 3, padded to a multiple of 8, pad id 7 */
    idx[0] = 0; idx[1] = 2;
    CHECK_OK(bft_collate(&b, &e, idx, 2, 7, 8, 0, NULL));
    CHECK(b.batch_size == 2 && b.seq_len == 8 && b.labels == NULL, "multiple of 8: %d", b.seq_len);
    CHECK(b.input_ids[3] == 7 && b.input_ids[7] == 7 && b.input_ids[8] == 101 && b.input_ids[9] == 102 &&
          b.input_ids[10] == 7 && b.attention_mask[9] == 1 && b.attention_mask[10] == 0, "padding");
    /* static padding */
    CHECK_OK(bft_collate(&b, &e, idx, 2, 0, 0, 6, NULL));
    CHECK(b.seq_len == 6, "max_length %d", b.seq_len);
    for (i = 0; i < 12; i++) CHECK(b.attention_mask[i] == (i < 3 || (i >= 6 && i < 8)), "mask %d", i);
    CHECK_OK(bft_collate(&b, &e, idx, 2, 0, 4, 6, NULL));
    CHECK(b.seq_len == 8, "max_length rounded to 8: %d", b.seq_len);
    idx[0] = 1;
    CHECK(bft_collate(&b, &e, idx, 1, 0, 0, 4, NULL) == BFT_ERR_INVALID && has(bft_last_error(), "5 tokens, more than max_length 4"),
          "%s", bft_last_error());
    idx[0] = 3;
    CHECK(bft_collate(&b, &e, idx, 1, 0, 0, 0, NULL) == BFT_ERR_INVALID, "bad index");
    CHECK(bft_collate(&b, &e, idx, 0, 0, 0, 0, NULL) == BFT_ERR_INVALID, "empty batch");
    bft_padded_batch_free(&b);
    CHECK(b.input_ids == NULL && b.cap_tokens == 0, "freed");
}

static int is_permutation(const int *o, int n)
{
    int i, ok = 1;
    char *seen = (char *)calloc((size_t)n, 1);
    for (i = 0; i < n; i++) {
        if (o[i] < 0 || o[i] >= n || seen[o[i]]) ok = 0;
        else seen[o[i]] = 1;
    }
    free(seen);
    return ok;
}

static void test_samplers(void)
{
    enum { N = 1003 };
    static int a[N], b[N], c[N], len[N], g[N];
    int i, same, start, best;
    CHECK_OK(bft_sampler_order(a, N, 0, 42, 0));
    for (i = 0; i < N; i++) CHECK(a[i] == i, "sequential %d", i);
    CHECK_OK(bft_sampler_order(a, N, 1, 42, 0));
    CHECK_OK(bft_sampler_order(b, N, 1, 42, 0));
    CHECK_OK(bft_sampler_order(c, N, 1, 42, 1));
    CHECK(is_permutation(a, N) && is_permutation(c, N), "permutations");
    CHECK(memcmp(a, b, sizeof a) == 0, "same seed and epoch, same order");
    for (same = 0, i = 0; i < N; i++) same += a[i] == c[i];
    CHECK(same < 20, "another epoch gives another order (%d fixed points)", same);
    for (same = 0, i = 0; i < N; i++) same += a[i] == i;
    CHECK(same < 20, "shuffled (%d fixed points)", same);
    CHECK(bft_num_batches(N, 32, 0) == 32 && bft_num_batches(N, 32, 1) == 31 && bft_num_batches(64, 32, 0) == 2, "num_batches");

    /* group_by_length, batch 4: mult = min(1003 / 16, 50) = 50, megabatches of 200 (the last 203 - 200 = 3) */
    for (i = 0; i < N; i++) len[i] = 5 + (i * 37) % 101;
    len[777] = 500;
    CHECK_OK(bft_length_grouped_order(g, len, N, 4, 42, 0));
    CHECK(is_permutation(g, N), "grouped permutation");
    CHECK(g[0] == 777, "the longest example comes first (%d)", g[0]);
    for (i = 0; i < N && a[i] != 777; i++) {}
    best = i / 200 * 200; /* the megabatch whose head was swapped with the first one's */
    for (start = 0; start < N; start += 200) {
        int end = start + 200 < N ? start + 200 : N, j, k, found;
        /* each megabatch holds the same examples as the same chunk of the shuffled order */
        for (j = start; j < end; j++) {
            int x = g[j];
            if (j == 0 || j == best) continue; /* the swapped heads */
            for (found = 0, k = start; k < end; k++) found |= a[k] == x;
            CHECK(found, "example %d in megabatch %d", x, start / 200);
        }
        for (j = start + 2; j < end; j++) CHECK(len[g[j - 1]] >= len[g[j]], "sorted at %d", j);
        CHECK(start == best || start == 0 || len[g[start]] >= len[g[start + 1]], "head of %d", start);
        /* stable: equal lengths keep their shuffled order */
        for (j = start + 2; j < end; j++)
            if (len[g[j - 1]] == len[g[j]]) {
                int p1 = -1, p2 = -1;
                for (k = start; k < end; k++) { if (a[k] == g[j - 1]) p1 = k; if (a[k] == g[j]) p2 = k; }
                CHECK(p1 < p2, "stable at %d", j);
            }
    }
    /* small n: one megabatch sorted descending */
    {
        int l5[5] = {3, 9, 1, 9, 4}, o5[5];
        CHECK_OK(bft_length_grouped_order(o5, l5, 5, 8, 1, 0));
        CHECK(l5[o5[0]] == 9 && l5[o5[1]] == 9 && l5[o5[2]] == 4 && l5[o5[3]] == 3 && l5[o5[4]] == 1, "small");
    }
    CHECK(bft_length_grouped_order(g, len, N, 0, 1, 0) == BFT_ERR_INVALID, "batch 0");
    {
        bft_encoded e;
        int l3[3];
        make_encoded(&e);
        bft_encoded_lengths(&e, l3);
        CHECK(l3[0] == 3 && l3[1] == 5 && l3[2] == 2, "lengths");
    }
}

/* ---- 3. Metrics ---------------------------------------------------------------------------- */
static void test_metrics(void)
{
    /* preds 1 0 1 1 0, labels 1 0 0 1 1: right 3/5; tp 2, fp 1, fn 1 -> f1 = 4/6;
       tn 1 -> MCC = (2*1 - 1*1) / sqrt(3*3*2*2) = 1/6 */
    int p[5] = {1, 0, 1, 1, 0}, l[5] = {1, 0, 0, 1, 1};
    float logits[10] = {0, 1, 2, -1, -3, 4, 0.5f, 0.6f, 1, 0.25f}, labels[5] = {1, 0, 0, 1, 1};
    float x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 4, 5, 4, 5};
    bft_metrics m;
    CHECK(fabs(bft_metric_accuracy(p, l, 5) - 0.6) < 1e-12, "accuracy");
    CHECK(fabs(bft_metric_f1(p, l, 5) - 4.0 / 6) < 1e-12, "f1 %g", bft_metric_f1(p, l, 5));
    CHECK(fabs(bft_metric_matthews(p, l, 5, 2) - 1.0 / 6) < 1e-12, "mcc %g", bft_metric_matthews(p, l, 5, 2));
    {
        /* 3 classes: c = 4 of s = 6 right, class counts 2,2,2 both: (4*6 - 12) / sqrt((36-12)(36-12)) = 0.5 */
        int p3[6] = {0, 1, 1, 0, 2, 2}, l3[6] = {0, 1, 2, 0, 1, 2}, z[6] = {0, 0, 0, 0, 0, 0};
        CHECK(fabs(bft_metric_matthews(p3, l3, 6, 3) - 0.5) < 1e-12, "mcc3 %g", bft_metric_matthews(p3, l3, 6, 3));
        CHECK(bft_metric_matthews(z, l3, 6, 3) == 0.0, "constant predictions: 0");
        CHECK(bft_metric_f1(z, z, 6) == 0.0, "no positives: f1 0");
    }
    /* x - 3 = -2..2, y - 4 = -2,0,1,0,1: r = 6 / sqrt(10 * 6) */
    CHECK(fabs(bft_metric_pearson(x, y, 5) - 6 / sqrt(60.0)) < 1e-12, "pearson %.15g", bft_metric_pearson(x, y, 5));
    /* ranks of y: 1, 2.5, 4.5, 2.5, 4.5 -> minus 3: -2,-.5,1.5,-.5,1.5: rho = 7 / sqrt(10 * 9) */
    CHECK(fabs(bft_metric_spearman(x, y, 5) - 7 / sqrt(90.0)) < 1e-12, "spearman %.15g", bft_metric_spearman(x, y, 5));
    CHECK(fabs(bft_metric_spearman(y, x, 5) - 7 / sqrt(90.0)) < 1e-12, "symmetric");
    {
        float k[5] = {3, 3, 3, 3, 3};
        CHECK(isnan(bft_metric_pearson(k, y, 5)) && isnan(bft_metric_spearman(k, y, 5)), "constant input: nan as scipy");
    }
    CHECK(fabs(bft_metric_mse(x, y, 5) - (1 + 4 + 4 + 0 + 0) / 5.0) < 1e-12, "mse");
    {
        float t[3] = {1, 1, 0}, nanv[3] = {0, NAN, 5};
        CHECK(bft_argmax(t, 3) == 0 && bft_argmax(t + 1, 2) == 0 && bft_argmax(nanv, 3) == 1, "argmax ties / NaN");
    }
    /* argmax of the logits above: 1 0 1 1 0 */
    CHECK_OK(bft_glue_metrics("mrpc", logits, 5, 2, labels, &m));
    CHECK(m.n == 3 && strcmp(m.names[0], "accuracy") == 0 && strcmp(m.names[1], "f1") == 0 &&
          strcmp(m.names[2], "combined_score") == 0, "names");
    CHECK(fabs(m.values[0] - 0.6) < 1e-12 && fabs(m.values[1] - 4.0 / 6) < 1e-12 &&
          fabs(m.values[2] - (0.6 + 4.0 / 6) / 2) < 1e-12 && !m.collapsed, "mrpc values");
    CHECK(fabs(bft_metrics_get(&m, "f1") - 4.0 / 6) < 1e-12 && isnan(bft_metrics_get(&m, "pearson")), "get");
    CHECK_OK(bft_glue_metrics("cola", logits, 5, 2, labels, &m));
    CHECK(m.n == 1 && strcmp(m.names[0], "matthews_correlation") == 0 && fabs(m.values[0] - 1.0 / 6) < 1e-12, "cola");
    CHECK_OK(bft_glue_metrics("rte", logits, 5, 2, labels, &m));
    CHECK(m.n == 1 && strcmp(m.names[0], "accuracy") == 0, "rte");
    CHECK_OK(bft_glue_metrics(NULL, logits, 5, 2, labels, &m));
    CHECK(m.n == 1 && strcmp(m.names[0], "accuracy") == 0, "user file, classification");
    CHECK_OK(bft_glue_metrics("stsb", x, 5, 1, y, &m));
    CHECK(m.n == 3 && strcmp(m.names[0], "pearson") == 0 && strcmp(m.names[1], "spearmanr") == 0 &&
          fabs(m.values[0] - 6 / sqrt(60.0)) < 1e-12 && fabs(m.values[1] - 7 / sqrt(90.0)) < 1e-12, "stsb");
    CHECK_OK(bft_glue_metrics(NULL, x, 5, 1, y, &m));
    CHECK(m.n == 1 && strcmp(m.names[0], "mse") == 0 && fabs(m.values[0] - 1.8) < 1e-12, "mse");
    {
        float same[10] = {0, 1, 0, 2, -1, 3, 0, 1, 0, 1};
        CHECK_OK(bft_glue_metrics("qqp", same, 5, 2, labels, &m));
        CHECK(m.collapsed && m.collapsed_class == 1, "collapsed to class 1");
        /* all predicted 1: tp 3, fp 2 -> f1 = 6/8 */
        CHECK(fabs(bft_metrics_get(&m, "f1") - 0.75) < 1e-12, "f1 %g", bft_metrics_get(&m, "f1"));
    }
    CHECK(bft_glue_metrics("mnli", logits, 5, 2, labels, &m) == BFT_ERR_INVALID && has(bft_last_error(), "3 labels"), "%s",
          bft_last_error());
    labels[2] = 2;
    CHECK(bft_glue_metrics("mrpc", logits, 5, 2, labels, &m) == BFT_ERR_INVALID && has(bft_last_error(), "label 2 of example 2"),
          "%s", bft_last_error());
    CHECK(bft_glue_metrics("nope", logits, 5, 2, labels, &m) == BFT_ERR_INVALID, "unknown task");
}

/* ---- 4. TensorBoard ------------------------------------------------------------------------- */
#include "tb_reader.h"

static void test_crc32c(void)
{
    /* the CRC-32C check value */
    CHECK(bft_crc32c(0, "123456789", 9) == 0xE3069283u, "lib %08x", (unsigned)bft_crc32c(0, "123456789", 9));
    CHECK(ref_crc32c((const unsigned char *)"123456789", 9) == 0xE3069283u, "ref");
    CHECK(bft_crc32c(bft_crc32c(0, "1234", 4), "56789", 5) == 0xE3069283u, "continued");
    {
        unsigned char buf[300];
        int i;
        for (i = 0; i < 300; i++) buf[i] = (unsigned char)(i * 7 + 3);
        CHECK(bft_crc32c_masked(buf, 300) == ref_mask(ref_crc32c(buf, 300)), "masked");
    }
}

static void test_tensorboard(void)
{
    bft_tb *w = NULL;
    tb_ev ev[8];
    char path[600];
    const char *base;
    int n;
    long t0 = (long)time(NULL);
    CHECK_OK(bft_tb_open(&w, TMPDIR "/runs/x"));
    if (!w) return;
    snprintf(path, sizeof path, "%s", bft_tb_path(w));
    base = strrchr(path, '/') + 1;
    CHECK(strncmp(path, TMPDIR "/runs/x/events.out.tfevents.", strlen(TMPDIR "/runs/x/events.out.tfevents.")) == 0, "%s", path);
    CHECK(strtol(base + 20, NULL, 10) >= t0 && strtol(base + 20, NULL, 10) <= t0 + 2, "time in name: %s", base);
    CHECK(strlen(base) > 2 && strcmp(base + strlen(base) - 2, ".0") == 0, "uid suffix %s", base);
    /* the header record alone is already on disk (flushed) */
    n = read_events(path, ev, 8);
    CHECK(n == 1 && strcmp(ev[0].version, "brain.Event:2") == 0 && ev[0].step == 0, "header: %d", n);
    CHECK(n >= 1 && ev[0].wall >= (double)t0 - 1 && ev[0].wall < (double)t0 + 5, "wall time %f", n >= 1 ? ev[0].wall : 0.0);
    CHECK_OK(bft_tb_scalar(w, "train/loss", 0.6931f, 10));
    CHECK_OK(bft_tb_scalar(w, "train/learning_rate", 2e-5f, 10));
    CHECK_OK(bft_tb_scalar(w, "eval/accuracy", 0.0f, 0));
    CHECK_OK(bft_tb_scalar(w, "train/epoch", 3.0f, 5000000000LL));
    n = read_events(path, ev, 8);
    CHECK(n == 5, "records %d (before close: flushed)", n);
    if (n == 5) {
        CHECK(strcmp(ev[1].tag, "train/loss") == 0 && ev[1].step == 10 && ev[1].value == 0.6931f && ev[1].has_value, "loss");
        CHECK(strcmp(ev[2].tag, "train/learning_rate") == 0 && ev[2].value == 2e-5f, "lr");
        CHECK(strcmp(ev[3].tag, "eval/accuracy") == 0 && ev[3].step == 0 && ev[3].has_value && ev[3].value == 0.0f, "zero value");
        CHECK(ev[4].step == 5000000000LL && ev[4].value == 3.0f, "int64 step");
        CHECK(ev[4].wall >= ev[0].wall, "wall time moves forward");
    }
    CHECK_OK(bft_tb_close(w));
    /* a second writer gets the next uid */
    CHECK_OK(bft_tb_open(&w, TMPDIR "/runs/x"));
    if (w) {
        const char *p2 = bft_tb_path(w);
        CHECK(strcmp(p2 + strlen(p2) - 2, ".1") == 0, "%s", p2);
        CHECK(strcmp(path + strlen(path) - 2, ".0") == 0, "%s", path);
        bft_tb_close(w);
    }
    /* unwritable: the log dir's parent is a file */
    write_text(TMPDIR "/afile", "x");
    CHECK(bft_tb_open(&w, TMPDIR "/afile/runs") == BFT_ERR_IO && w == NULL, "unwritable dir");
    CHECK(has(bft_last_error(), "afile"), "%s", bft_last_error());
}

int main(void)
{
    bft_mkdirs(TMPDIR);
    RUN_TEST(test_task_info);
    RUN_TEST(test_glue_mrpc);
    RUN_TEST(test_glue_others);
    RUN_TEST(test_glue_fixtures);
    RUN_TEST(test_glue_errors);
    RUN_TEST(test_user_files);
    RUN_TEST(test_collate);
    RUN_TEST(test_samplers);
    RUN_TEST(test_metrics);
    RUN_TEST(test_crc32c);
    RUN_TEST(test_tensorboard);
    TEST_MAIN_END();
}
