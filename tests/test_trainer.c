/* The trainer through the command line, as users run it: PyTorch parity of the logged losses over
   60 MRPC steps (tests/fixtures/e2e_mrpc from tools/make_e2e_reference.py), resuming from a
   checkpoint, the files under --output_dir, the TensorBoard events (read back with an independent
   reader), and one clear error for each kind of bad input. Needs ./bertft (make builds it). */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"
#include "tb_reader.h"

#ifndef BFT_T_OUT /* variant builds (make test-arm64, ...) pass their own, e.g. "build-arm64/trainer_run" */
#define BFT_T_OUT "build/trainer_run"
#endif
#define OUT BFT_T_OUT

static char vocab[512], glue[512];
static bft__json exp_json;
static char *exp_text;

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int rc;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (getenv("BERTFT_CLI")) { /* the CLI under test, e.g. "qemu-aarch64 build-arm64/bertft" instead of ./bertft */
        char out[8192], *o = out, *c = cmd, *hit;
        const char *cli = getenv("BERTFT_CLI");
        size_t cl = strlen(cli);
        while ((hit = strstr(c, "./bertft ")) != NULL && (size_t)(o - out) + (size_t)(hit - c) + cl + 1 < sizeof out) {
            memcpy(o, c, (size_t)(hit - c)); o += hit - c;
            memcpy(o, cli, cl); o += cl;
            c = hit + 8; /* keeps the space */
        }
        snprintf(o, sizeof out - (size_t)(o - out), "%s", c);
        return system(out);
    }
    rc = system(cmd);
    return rc;
}

static double exp_num(const char *key)
{
    int k = bft__json_get(&exp_json, 0, key);
    return k >= 0 ? exp_json.nodes[k].num : NAN;
}

/* element i of the expected array `key` */
static double exp_at(const char *key, int i)
{
    int k = bft__json_get(&exp_json, 0, key), e;
    if (k < 0) return NAN;
    for (e = exp_json.nodes[k].first; e >= 0 && i > 0; e = exp_json.nodes[e].next) i--;
    return e >= 0 ? exp_json.nodes[e].num : NAN;
}

static uint64_t fnv1a_file(const char *path)
{
    char *d;
    size_t n, i;
    uint64_t h = 0xcbf29ce484222325ull;
    if (bft_read_file(path, &d, &n) != BFT_OK) return 0;
    for (i = 0; i < n; i++) h = (h ^ (unsigned char)d[i]) * 0x100000001b3ull;
    bft_free(d);
    return h;
}

/* Values of `key` in each line of a jsonl file that has it, indexed by "step". */
static int jsonl_values(const char *path, const char *key, double *vals, int cap)
{
    char *text, *line, *nl;
    size_t len;
    int found = 0;
    if (bft_read_file(path, &text, &len) != BFT_OK) return -1;
    for (line = text; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        bft__json j;
        int k, s;
        if (bft__json_parse(&j, line, (size_t)(nl - line), path) != BFT_OK) { found = -1; break; }
        k = bft__json_get(&j, 0, key);
        s = bft__json_get(&j, 0, "step");
        if (k >= 0 && s >= 0 && j.nodes[s].num >= 1 && j.nodes[s].num <= cap) {
            vals[(int)j.nodes[s].num - 1] = j.nodes[k].num;
            found++;
        }
        bft__json_free(&j);
    }
    bft_free(text);
    return found;
}

static const char *common_args(void)
{
    static char a[2048];
    snprintf(a, sizeof a,
             "--model_name_or_path " OUT "/model --task_name mrpc --data_dir %s --do_train --do_eval "
             "--max_train_samples %d --max_eval_samples %d --per_device_train_batch_size %d "
             "--per-device-eval-batch-size %d --max_steps %d --warmup_steps %d --learning_rate %g --weight_decay %g "
             "--max_grad_norm %g --logging_steps 1 --no_shuffle --hidden_dropout_prob 0 "
             "--attention_probs_dropout_prob 0 --classifier_dropout 0 --save_steps 20 --seed 7 --disable_tqdm",
             glue, (int)exp_num("n_train"), (int)exp_num("n_eval"), (int)exp_num("batch_size"),
             (int)exp_num("eval_batch_size"), (int)exp_num("steps"), (int)exp_num("warmup_steps"),
             exp_num("learning_rate"), exp_num("weight_decay"), exp_num("max_grad_norm"));
    return a;
}

static void test_init_matches_reference(void)
{
    char want[32];
    int k = bft__json_get(&exp_json, 0, "init_fnv1a64");
    CHECK(sh("./bertft init --config tests/fixtures/e2e_mrpc/config.json --vocab %s --output_dir " OUT "/model "
             "--seed 7 > /dev/null", vocab) == 0, "bertft init failed");
    snprintf(want, sizeof want, "%016llx", (unsigned long long)fnv1a_file(OUT "/model/model.safetensors"));
    CHECK(k >= 0 && bft__json_streq(&exp_json, k, want),
          "./bertft init --seed 7 no longer writes the model the reference was made from (%s): rerun "
          "tools/make_e2e_reference.py", want);
}

static void test_e2e_parity(void)
{
    double loss[100], gn[100], lr[100];
    int S = (int)exp_num("steps"), s, n;
    double worst = 0;
    CHECK(sh("./bertft %s --output_dir " OUT "/run --overwrite_output_dir --report_to tensorboard 2> " OUT "/run.log",
             common_args()) == 0, "training run failed; see " OUT "/run.log");
    n = jsonl_values(OUT "/run/trainer_log.jsonl", "loss", loss, 100);
    CHECK(n == S, "%d logged losses, want %d", n, S);
    jsonl_values(OUT "/run/trainer_log.jsonl", "grad_norm", gn, 100);
    jsonl_values(OUT "/run/trainer_log.jsonl", "learning_rate", lr, 100);
    for (s = 0; s < S && n == S; s++) {
        double rel = fabs(loss[s] - exp_at("loss", s)) / fabs(exp_at("loss", s));
        if (rel > worst) worst = rel;
        CHECK(rel < 1e-4, "step %d: loss %.7f vs PyTorch %.7f", s + 1, loss[s], exp_at("loss", s));
        CHECK(fabs(gn[s] - exp_at("grad_norm", s)) <= 1e-4 * exp_at("grad_norm", s), "step %d: grad_norm %.7f vs %.7f",
              s + 1, gn[s], exp_at("grad_norm", s));
        CHECK(fabs(lr[s] - exp_at("learning_rate_logged", s)) <= 1e-9, "step %d: learning_rate %.9g vs %.9g", s + 1,
              lr[s], exp_at("learning_rate_logged", s));
    }
    printf("  %d steps: worst loss rel error vs PyTorch %.2e\n", S, worst);
    {
        char *text;
        size_t len;
        bft__json j;
        if (bft_read_file(OUT "/run/eval_results.json", &text, &len) == BFT_OK &&
            bft__json_parse(&j, text, len, "eval_results.json") == BFT_OK) {
            int a = bft__json_get(&j, 0, "eval_accuracy"), f = bft__json_get(&j, 0, "eval_f1"),
                l = bft__json_get(&j, 0, "eval_loss"), ns = bft__json_get(&j, 0, "eval_samples");
            CHECK(a >= 0 && j.nodes[a].num == exp_num("eval_accuracy"), "eval_accuracy %g vs %g", a >= 0 ? j.nodes[a].num : -1,
                  exp_num("eval_accuracy"));
            CHECK(f >= 0 && j.nodes[f].num == exp_num("eval_f1"), "eval_f1");
            CHECK(l >= 0 && fabs(j.nodes[l].num - exp_num("eval_loss")) < 1e-4 * exp_num("eval_loss"),
                  "eval_loss %.7f vs %.7f", l >= 0 ? j.nodes[l].num : -1, exp_num("eval_loss"));
            CHECK(ns >= 0 && j.nodes[ns].num == exp_num("n_eval"), "eval_samples");
            bft__json_free(&j);
            bft_free(text);
        } else CHECK(0, "no eval_results.json: %s", bft_last_error());
    }
}

static void test_output_files(void)
{
    static const char *const files[] = {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
                                        "trainer_state.json", "train_results.json", "eval_results.json",
                                        "all_results.json", "trainer_log.jsonl", "checkpoint-20/model.safetensors",
                                        "checkpoint-40/optimizer.safetensors", "checkpoint-60/trainer_state.json",
                                        "checkpoint-60/vocab.txt", NULL};
    char p[512], *text;
    size_t len;
    int i;
    bft__json j;
    bft_model *m;
    for (i = 0; files[i]; i++) {
        FILE *f;
        snprintf(p, sizeof p, OUT "/run/%s", files[i]);
        f = fopen(p, "rb");
        CHECK(f != NULL, "missing %s", p);
        if (f) fclose(f);
    }
    /* trainer_state.json in HF's shape: losses rounded to 4 decimals there */
    if (bft_read_file(OUT "/run/trainer_state.json", &text, &len) == BFT_OK &&
        bft__json_parse(&j, text, len, "trainer_state.json") == BFT_OK) {
        int gs = bft__json_get(&j, 0, "global_step"), lh = bft__json_get(&j, 0, "log_history"), e, nloss = 0;
        CHECK(gs >= 0 && j.nodes[gs].num == exp_num("steps"), "global_step");
        CHECK(lh >= 0 && j.nodes[lh].type == BFT__J_ARR, "log_history");
        for (e = lh >= 0 ? j.nodes[lh].first : -1; e >= 0; e = j.nodes[e].next) {
            int l = bft__json_get(&j, e, "loss");
            if (l < 0) continue;
            nloss++;
            CHECK(fabs(j.nodes[l].num * 1e4 - floor(j.nodes[l].num * 1e4 + 0.5)) < 1e-6, "loss %.10g not rounded to 4 decimals",
                  j.nodes[l].num);
            CHECK(bft__json_get(&j, e, "learning_rate") >= 0 && bft__json_get(&j, e, "grad_norm") >= 0 &&
                  bft__json_get(&j, e, "epoch") >= 0 && bft__json_get(&j, e, "step") >= 0, "log entry keys");
        }
        CHECK(nloss == (int)exp_num("steps"), "%d loss entries in log_history", nloss);
        bft__json_free(&j);
        bft_free(text);
    } else CHECK(0, "trainer_state.json: %s", bft_last_error());
    /* the saved model loads, with the label names run_glue gives MRPC */
    CHECK_OK(bft_model_from_pretrained(&m, OUT "/run", NULL, 0));
    if (m) {
        CHECK(m->config.id2label && !strcmp(m->config.id2label[1], "equivalent"), "id2label[1] = %s",
              m->config.id2label ? m->config.id2label[1] : "(null)");
        CHECK(m->config.extra_json && strstr(m->config.extra_json, "\"finetuning_task\": \"mrpc\""), "finetuning_task");
        bft_model_free(m);
    }
}

static double json_file_num(const char *path, const char *key)
{
    char *text;
    size_t len;
    bft__json j;
    double v = NAN;
    if (bft_read_file(path, &text, &len) != BFT_OK) return NAN;
    if (bft__json_parse(&j, text, len, path) == BFT_OK) {
        int k = bft__json_get(&j, 0, key);
        if (k >= 0) v = j.nodes[k].num;
        bft__json_free(&j);
    }
    bft_free(text);
    return v;
}

/* --do_eval alone into an output_dir that does not exist yet (run_glue's Trainer creates it):
   the trained model evaluated again gives the training run's final eval_loss, bit for bit; and in
   bf16 (the evaluation reads weights packed once) it runs and stays near it. */
static void test_eval_only(void)
{
    const double want = json_file_num(OUT "/run/eval_results.json", "eval_loss");
    double got;
    CHECK(sh("rm -rf " OUT "/eval_only && ./bertft --model_name_or_path " OUT "/run --task_name mrpc --data_dir %s --do_eval "
             "--max_eval_samples %d --per_device_eval_batch_size %d --output_dir " OUT "/eval_only --report_to none "
             "--disable_tqdm > " OUT "/eval_only.log 2>&1", glue, (int)exp_num("n_eval"), (int)exp_num("eval_batch_size")) == 0,
          "evaluation-only run failed; see " OUT "/eval_only.log");
    got = json_file_num(OUT "/eval_only/eval_results.json", "eval_loss");
    CHECK(got == want, "eval_loss %.10g, the training run's final one %.10g", got, want);
    CHECK(sh("./bertft --model_name_or_path " OUT "/run --task_name mrpc --data_dir %s --do_eval --bf16 --max_eval_samples %d "
             "--output_dir " OUT "/eval_only_bf16 --report_to none --disable_tqdm > " OUT "/eval_only_bf16.log 2>&1", glue,
             (int)exp_num("n_eval")) == 0, "bf16 evaluation-only run failed; see " OUT "/eval_only_bf16.log");
    got = json_file_num(OUT "/eval_only_bf16/eval_results.json", "eval_loss");
    CHECK(fabs(got - want) < 0.02 * want, "bf16 eval_loss %.10g, fp32 %.10g", got, want);
}

static void test_resume(void)
{
    double a[100], b[100];
    int S = (int)exp_num("steps"), s, na, nb;
    CHECK(sh("./bertft %s --output_dir " OUT "/resumed --overwrite_output_dir --report_to none "
             "--resume_from_checkpoint " OUT "/run/checkpoint-20 2> " OUT "/resume.log", common_args()) == 0,
          "resumed run failed; see " OUT "/resume.log");
    for (s = 0; s < 100; s++) a[s] = b[s] = NAN;
    na = jsonl_values(OUT "/run/trainer_log.jsonl", "loss", a, 100);
    nb = jsonl_values(OUT "/resumed/trainer_log.jsonl", "loss", b, 100);
    CHECK(na == S && nb == S, "%d and %d logged losses", na, nb);
    /* steps after the checkpoint continue exactly as the uninterrupted run did */
    for (s = 20; s < S; s++) CHECK(a[s] == b[s], "step %d: resumed loss %.9g vs uninterrupted %.9g", s + 1, b[s], a[s]);
    /* and output_dir resumes by itself from its last checkpoint without --overwrite_output_dir */
    CHECK(sh("rm -rf " OUT "/auto && mkdir -p " OUT "/auto && cp -r " OUT "/run/checkpoint-40 " OUT "/auto/ && "
             "./bertft %s --output_dir " OUT "/auto --report_to none 2> " OUT "/auto.log", common_args()) == 0,
          "auto-resume failed; see " OUT "/auto.log");
    CHECK(sh("grep -q 'Checkpoint detected, resuming training at " OUT "/auto/checkpoint-40' " OUT "/auto.log") == 0,
          "no resume message");
    for (s = 0; s < 100; s++) b[s] = NAN;
    jsonl_values(OUT "/auto/trainer_log.jsonl", "loss", b, 100);
    for (s = 40; s < S; s++) CHECK(a[s] == b[s], "auto-resume step %d: %.9g vs %.9g", s + 1, b[s], a[s]);
}

static void test_tensorboard_events(void)
{
    char path[1024] = "";
    FILE *f;
    tb_ev *ev = (tb_ev *)calloc(4000, sizeof(tb_ev));
    int n, i, nloss = 0, nacc = 0, last_step = 0;
    if (sh("ls " OUT "/run/runs/*/events.out.tfevents.* > " OUT "/events.txt 2>/dev/null") != 0) {
        CHECK(0, "no event file under " OUT "/run/runs/");
        free(ev);
        return;
    }
    f = fopen(OUT "/events.txt", "r");
    if (f) {
        if (fgets(path, sizeof path, f)) path[strcspn(path, "\n")] = 0;
        fclose(f);
    }
    n = read_events(path, ev, 4000);
    CHECK(n > 0, "event file %s does not parse (framing or CRC)", path);
    CHECK(n > 0 && !strcmp(ev[0].version, "brain.Event:2"), "first record is not the file version");
    for (i = 0; i < n && i < 4000; i++) {
        if (!strcmp(ev[i].tag, "train/loss")) {
            nloss++;
            CHECK(ev[i].step == last_step + 1, "train/loss at step %lld after %d", (long long)ev[i].step, last_step);
            last_step = (int)ev[i].step;
            CHECK(fabs(ev[i].value - exp_at("loss", last_step - 1)) < 1e-3, "train/loss value at %d", last_step);
        }
        if (!strcmp(ev[i].tag, "eval/accuracy")) nacc++;
    }
    CHECK(nloss == (int)exp_num("steps"), "%d train/loss scalars", nloss);
    CHECK(nacc >= 1, "no eval/accuracy scalar");
    free(ev);
}

/* Each bad input: exit code != 0 and one line on stderr that names the problem. */
static void expect_error(const char *args, const char *needle)
{
    char *text = NULL;
    size_t len = 0, i;
    int rc = sh("./bertft %s > " OUT "/err.out 2> " OUT "/err.log", args), lines = 0;
    CHECK(rc != 0, "'%s' succeeded", args);
    if (bft_read_file(OUT "/err.log", &text, &len) == BFT_OK) {
        for (i = 0; i < len; i++) lines += text[i] == '\n';
        CHECK(strstr(text, needle) != NULL, "'%s': message '%s' lacks '%s'", args, text, needle);
        CHECK(lines == 1, "'%s': %d lines on stderr: %s", args, lines, text);
        bft_free(text);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

/* A model whose output.dense rows are padded in memory (intermediate 512: rows of 2 KiB, see
   bft_tensor_info.ld): its checkpoint's optimizer state goes out and comes back in through the
   padded rows, so a resumed run ends with the same bytes as the uninterrupted one. */
static void test_resume_padded_rows(void)
{
    static char a[1024];
    sh("rm -rf " OUT "/padrows && mkdir -p " OUT "/padrows");
    write_file(OUT "/padrows/config.json", "{\"vocab_size\": 30522, \"hidden_size\": 32, \"num_hidden_layers\": 1, "
               "\"num_attention_heads\": 2, \"intermediate_size\": 512, \"max_position_embeddings\": 128}");
    CHECK(sh("./bertft init --config " OUT "/padrows/config.json --vocab %s --output_dir " OUT "/padrows/model --seed 3 > /dev/null",
             vocab) == 0, "init failed");
    snprintf(a, sizeof a,
             "--model_name_or_path " OUT "/padrows/model --task_name mrpc --data_dir %s --do_train --max_train_samples 24 "
             "--per_device_train_batch_size 4 --max_steps 4 --save_steps 2 --logging_steps 1 --seed 5 --report_to none "
             "--disable_tqdm --overwrite_output_dir", glue);
    CHECK(sh("./bertft %s --output_dir " OUT "/padrows/full 2> " OUT "/padrows/full.log", a) == 0, "run failed");
    CHECK(sh("./bertft %s --output_dir " OUT "/padrows/resumed --resume_from_checkpoint " OUT "/padrows/full/checkpoint-2 "
             "2> " OUT "/padrows/resumed.log", a) == 0, "resumed run failed");
    CHECK(sh("cmp -s " OUT "/padrows/full/model.safetensors " OUT "/padrows/resumed/model.safetensors") == 0,
          "the resumed run's model differs from the uninterrupted run's");
    CHECK(sh("cmp -s " OUT "/padrows/full/checkpoint-4/optimizer.safetensors " OUT "/padrows/resumed/checkpoint-4/optimizer.safetensors") == 0,
          "the resumed run's optimizer state differs");
}

static void test_bad_inputs(void)
{
    char a[2048];
    sh("mkdir -p " OUT "/bad/MRPC " OUT "/bad/MRPC2 " OUT "/bad/model3 " OUT "/bad/cased");
    write_file(OUT "/bad/MRPC/train.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tonly one sentence\n");
    write_file(OUT "/bad/MRPC/dev.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\n");
    write_file(OUT "/bad/MRPC2/train.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\nyes\t1\t2\ta\tb\n");
    write_file(OUT "/bad/MRPC2/dev.tsv", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\n");
    write_file(OUT "/bad/empty.csv", "");
    snprintf(a, sizeof a, "--model_name_or_path " OUT "/model --task_name mrpc --data_dir " OUT "/bad/MRPC --do_train "
             "--output_dir " OUT "/bad/o --overwrite_output_dir");
    expect_error(a, "train.tsv:2: expected 5");
    snprintf(a, sizeof a, "--model_name_or_path " OUT "/model --task_name mrpc --data_dir " OUT "/bad/MRPC2 --do_train "
             "--output_dir " OUT "/bad/o --overwrite_output_dir");
    expect_error(a, "train.tsv:2");
    expect_error("--model_name_or_path " OUT "/model --task_name foo --do_train --output_dir " OUT "/bad/o", "foo");
    expect_error("--model_name_or_path " OUT "/model --train_file " OUT "/bad/empty.csv --do_train --output_dir " OUT "/bad/o "
                 "--overwrite_output_dir", "empty.csv");
    /* a 3-label head for a 2-label task */
    write_file(OUT "/bad/c3.json", "{\"vocab_size\": 30522, \"hidden_size\": 32, \"num_hidden_layers\": 1, "
               "\"num_attention_heads\": 2, \"intermediate_size\": 64, \"id2label\": {\"0\": \"a\", \"1\": \"b\", \"2\": \"c\"}}");
    sh("./bertft init --config " OUT "/bad/c3.json --vocab %s --output_dir " OUT "/bad/model3 > /dev/null", vocab);
    snprintf(a, sizeof a, "--model_name_or_path " OUT "/bad/model3 --task_name mrpc --data_dir %s --do_train --output_dir "
             OUT "/bad/o --overwrite_output_dir --max_steps 1", glue);
    expect_error(a, "size mismatch for classifier.weight");
    /* the same with --ignore_mismatched_sizes: a fresh head, reported as HF does */
    CHECK(sh("./bertft %s --ignore_mismatched_sizes --report_to none --save_strategy no 2> " OUT "/mism.log", a) == 0,
          "--ignore_mismatched_sizes run failed");
    CHECK(sh("grep -q 'newly initialized because the shapes did not match' " OUT "/mism.log") == 0, "no mismatch report");
    /* a vocabulary larger than the model's embedding table */
    sh("sed 's/30522/28996/' tests/fixtures/e2e_mrpc/config.json > " OUT "/bad/c_cased.json");
    sh("./bertft init --config " OUT "/bad/c_cased.json --vocab %.*s/bert-base-cased.txt --output_dir " OUT "/bad/cased > /dev/null",
       (int)(strrchr(vocab, '/') - vocab), vocab);
    sh("cp %s " OUT "/bad/cased/vocab.txt", vocab);
    snprintf(a, sizeof a, "--model_name_or_path " OUT "/bad/cased --task_name mrpc --data_dir %s --do_train --output_dir "
             OUT "/bad/o --overwrite_output_dir --max_steps 1", glue);
    expect_error(a, "vocab_size is 28996");
    expect_error("--model_name_or_path " OUT "/model --task_name mrpc --do_train --output_dir " OUT "/bad/o --learning_rate abc",
                 "invalid value 'abc' for --learning_rate");
    expect_error("--model_name_or_path " OUT "/nope --task_name mrpc --do_train --output_dir " OUT "/bad/o --overwrite_output_dir",
                 "nope/config.json");
    /* an output_dir with files but no checkpoint is not silently reused */
    sh("mkdir -p " OUT "/bad/full && touch " OUT "/bad/full/x");
    snprintf(a, sizeof a, "--model_name_or_path " OUT "/model --task_name mrpc --data_dir %s --do_train --output_dir " OUT "/bad/full", glue);
    expect_error(a, "--overwrite_output_dir");
}

int main(void)
{
    size_t len;
    snprintf(vocab, sizeof vocab, "%s/vocab/bert-base-uncased.txt", bft_t_data_dir());
    snprintf(glue, sizeof glue, "%s/glue", bft_t_data_dir());
    sh("rm -rf " OUT " && mkdir -p " OUT);
    if (bft_read_file("tests/fixtures/e2e_mrpc/expected.json", &exp_text, &len) != BFT_OK ||
        bft__json_parse(&exp_json, exp_text, len, "expected.json") != BFT_OK) {
        printf("FAIL cannot read tests/fixtures/e2e_mrpc/expected.json: %s\n", bft_last_error());
        return 1;
    }
    RUN_TEST(test_init_matches_reference);
    RUN_TEST(test_e2e_parity);
    RUN_TEST(test_output_files);
    RUN_TEST(test_eval_only);
    RUN_TEST(test_resume);
    RUN_TEST(test_resume_padded_rows);
    RUN_TEST(test_tensorboard_events);
    RUN_TEST(test_bad_inputs);
    bft__json_free(&exp_json);
    bft_free(exp_text);
    TEST_MAIN_END();
}
