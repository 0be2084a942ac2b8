/* ./bertft - fine-tune BERT on a GLUE task from the command line, the way Hugging Face's
   run_glue.py does, with the same argument names (underscores or dashes).

     ./bertft                       demo: a small random BERT fine-tuned on MRPC (see --help)
     ./bertft --model_name_or_path DIR --task_name mrpc --do_train --do_eval --output_dir OUT ...
     ./bertft tokenize --vocab vocab.txt < pairs.tsv
     ./bertft init --config config.json --vocab vocab.txt --output_dir DIR [--seed N]

   Everything is in bertft.h; this file only parses arguments and strings the steps together. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "cli_tokenize.h"

static int die(const char *what)
{
    fprintf(stderr, "bertft: error: %s%s%s\n", what, bft_last_error()[0] ? ": " : "", bft_last_error());
    return 1;
}

static void log_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "%s\n", line);
}

/* ------------------------------------------------------------------------------------------ */
/* Arguments                                                                                   */
/* ------------------------------------------------------------------------------------------ */
typedef struct opts {
    /* run_glue's ModelArguments / DataTrainingArguments */
    const char *model_name_or_path, *task_name, *data_dir, *train_file, *validation_file, *test_file;
    int max_seq_length, pad_to_max_length, do_lower_case;
    long max_train_samples, max_eval_samples, max_predict_samples;
    int do_train, do_eval, do_predict, overwrite_output_dir, ignore_mismatched_sizes;
    /* bertft's own */
    int threads, demo;
    float hidden_dropout_prob, attention_probs_dropout_prob, classifier_dropout;
    int set_hdrop, set_adrop, set_cdrop;
    const char *device;
    bft_train_args ta;
} opts;

static int eq_nocase(const char *a, const char *b)
{
    while (*a && *b && tolower((unsigned char)*a) == tolower((unsigned char)*b)) a++, b++;
    return *a == 0 && *b == 0;
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "1") || eq_nocase(v, "true") || eq_nocase(v, "yes")) { *out = 1; return 1; }
    if (!strcmp(v, "0") || eq_nocase(v, "false") || eq_nocase(v, "no")) { *out = 0; return 1; }
    return 0;
}

static int parse_strategy(const char *v, bft_strategy *s)
{
    if (!strcmp(v, "no")) *s = BFT_STRATEGY_NO;
    else if (!strcmp(v, "steps")) *s = BFT_STRATEGY_STEPS;
    else if (!strcmp(v, "epoch")) *s = BFT_STRATEGY_EPOCH;
    else return 0;
    return 1;
}

enum { T_STR, T_INT, T_LONG, T_I64, T_DBL, T_FLT, T_BOOL, T_STRAT, T_SCHED, T_REPORT, T_U64 };
typedef struct flag {
    const char *name;
    int type;
    void *dst;
    int *set;
    const char *help;
} flag;

static opts O;

static flag *flags(void)
{
    static flag f[80];
    int n = 0;
#define F(NM, TY, DST, SET, HELP) do { f[n].name = NM; f[n].type = TY; f[n].dst = (void *)(DST); f[n].set = SET; f[n].help = HELP; n++; } while (0)
    F("model_name_or_path", T_STR, &O.model_name_or_path, NULL, "model directory: config.json, model.safetensors, vocab.txt");
    F("task_name", T_STR, &O.task_name, NULL, "GLUE task: cola sst2 mrpc qqp stsb mnli qnli rte wnli");
    F("data_dir", T_STR, &O.data_dir, NULL, "glue_data folder (or the task's folder); default data/glue, then ../shared/data/glue");
    F("train_file", T_STR, &O.train_file, NULL, "a csv/json(l)/tsv training file instead of a GLUE task");
    F("validation_file", T_STR, &O.validation_file, NULL, "its validation file");
    F("test_file", T_STR, &O.test_file, NULL, "its test file");
    F("max_seq_length", T_INT, &O.max_seq_length, NULL, "truncate sequences to this many tokens (128)");
    F("pad_to_max_length", T_BOOL, &O.pad_to_max_length, NULL, "pad every batch to max_seq_length (default: dynamic padding)");
    F("do_lower_case", T_INT, &O.do_lower_case, NULL, "override the tokenizer's lower-casing (0/1)");
    F("max_train_samples", T_LONG, &O.max_train_samples, NULL, "use only the first N training examples");
    F("max_eval_samples", T_LONG, &O.max_eval_samples, NULL, "use only the first N evaluation examples");
    F("max_predict_samples", T_LONG, &O.max_predict_samples, NULL, "use only the first N test examples");
    F("do_train", T_BOOL, &O.do_train, NULL, "train");
    F("do_eval", T_BOOL, &O.do_eval, NULL, "evaluate on the validation split");
    F("do_predict", T_BOOL, &O.do_predict, NULL, "write predict_results_<task>.txt for the test split");
    F("output_dir", T_STR, &O.ta.output_dir, NULL, "where checkpoints, logs and the model go");
    F("overwrite_output_dir", T_BOOL, &O.overwrite_output_dir, NULL, "do not resume from checkpoints in output_dir");
    F("ignore_mismatched_sizes", T_BOOL, &O.ignore_mismatched_sizes, NULL, "re-initialise checkpoint tensors whose shape differs");
    F("learning_rate", T_DBL, &O.ta.learning_rate, NULL, "AdamW learning rate (5e-5)");
    F("weight_decay", T_DBL, &O.ta.weight_decay, NULL, "AdamW weight decay, not on biases/LayerNorm (0)");
    F("adam_beta1", T_DBL, &O.ta.adam_beta1, NULL, "(0.9)");
    F("adam_beta2", T_DBL, &O.ta.adam_beta2, NULL, "(0.999)");
    F("adam_epsilon", T_DBL, &O.ta.adam_epsilon, NULL, "(1e-8)");
    F("max_grad_norm", T_DBL, &O.ta.max_grad_norm, NULL, "gradient clipping, 0 = off (1.0)");
    F("num_train_epochs", T_DBL, &O.ta.num_train_epochs, NULL, "(3)");
    F("max_steps", T_I64, &O.ta.max_steps, NULL, "stop after N optimizer steps (overrides epochs)");
    F("per_device_train_batch_size", T_INT, &O.ta.per_device_train_batch_size, NULL, "(8)");
    F("per_device_eval_batch_size", T_INT, &O.ta.per_device_eval_batch_size, NULL, "(8)");
    F("gradient_accumulation_steps", T_INT, &O.ta.gradient_accumulation_steps, NULL, "(1)");
    F("lr_scheduler_type", T_SCHED, &O.ta.lr_scheduler_type, NULL, "linear | constant | constant_with_warmup");
    F("warmup_steps", T_I64, &O.ta.warmup_steps, NULL, "(0)");
    F("warmup_ratio", T_DBL, &O.ta.warmup_ratio, NULL, "(0; used when warmup_steps is 0)");
    F("seed", T_U64, &O.ta.seed, NULL, "initialisation and dropout seed (42)");
    F("data_seed", T_I64, &O.ta.data_seed, NULL, "shuffling seed (default: seed)");
    F("logging_strategy", T_STRAT, &O.ta.logging_strategy, NULL, "no | steps | epoch");
    F("logging_steps", T_I64, &O.ta.logging_steps, NULL, "(500)");
    F("logging_first_step", T_BOOL, &O.ta.logging_first_step, NULL, "also log step 1");
    F("logging_dir", T_STR, &O.ta.logging_dir, NULL, "TensorBoard folder (output_dir/runs/<date>_<host>)");
    F("eval_strategy", T_STRAT, &O.ta.eval_strategy, NULL, "no | steps | epoch");
    F("evaluation_strategy", T_STRAT, &O.ta.eval_strategy, NULL, "older name of eval_strategy");
    F("eval_steps", T_I64, &O.ta.eval_steps, NULL, "(logging_steps)");
    F("save_strategy", T_STRAT, &O.ta.save_strategy, NULL, "no | steps | epoch");
    F("save_steps", T_I64, &O.ta.save_steps, NULL, "(500)");
    F("save_total_limit", T_INT, &O.ta.save_total_limit, NULL, "keep at most N checkpoints (the best is kept)");
    F("load_best_model_at_end", T_BOOL, &O.ta.load_best_model_at_end, NULL, "");
    F("metric_for_best_model", T_STR, &O.ta.metric_for_best_model, NULL, "(loss)");
    F("greater_is_better", T_BOOL, &O.ta.greater_is_better, NULL, "(from the metric name)");
    F("early_stopping_patience", T_INT, &O.ta.early_stopping_patience, NULL, "stop after N evaluations without improvement");
    F("early_stopping_threshold", T_DBL, &O.ta.early_stopping_threshold, NULL, "(0)");
    F("resume_from_checkpoint", T_STR, &O.ta.resume_from_checkpoint, NULL, "a checkpoint-N folder to continue from");
    F("report_to", T_REPORT, &O.ta.report_to_tensorboard, NULL, "tensorboard | none");
    F("disable_tqdm", T_BOOL, &O.ta.progress, NULL, "plain progress lines instead of a bar");
    F("group_by_length", T_BOOL, &O.ta.group_by_length, NULL, "batch examples of similar length");
    F("pad_to_multiple_of", T_INT, &O.ta.pad_to_multiple_of, NULL, "round padded lengths up");
    F("threads", T_INT, &O.threads, NULL, "threads to use (default: all cores)");
    F("no_shuffle", T_BOOL, &O.ta.no_shuffle, NULL, "train in dataset order (parity tests)");
    F("hidden_dropout_prob", T_FLT, &O.hidden_dropout_prob, &O.set_hdrop, "override the config");
    F("attention_probs_dropout_prob", T_FLT, &O.attention_probs_dropout_prob, &O.set_adrop, "override the config");
    F("classifier_dropout", T_FLT, &O.classifier_dropout, &O.set_cdrop, "override the config");
    F("bf16", T_BOOL, &O.ta.bf16, NULL, "bf16 mixed precision: bf16 matrix products, fp32 weights and sums (AVX512_BF16)");
    F("device", T_STR, &O.device, NULL, "cpu (default)");
#undef F
    f[n].name = NULL;
    return f;
}

/* Is `arg` the flag `name`, spelled with underscores or dashes? Sets *val for --name=value. */
static int flag_match(const char *arg, const char *name, const char **val)
{
    size_t i;
    *val = NULL;
    if (arg[0] != '-' || arg[1] != '-') return 0;
    arg += 2;
    for (i = 0; name[i]; i++)
        if ((arg[i] == '-' ? '_' : arg[i]) != name[i]) return 0;
    if (arg[i] == '=') { *val = arg + i + 1; return 1; }
    return arg[i] == 0;
}

static int parse_args(int argc, char **argv)
{
    flag *f = flags();
    int i;
    for (i = 1; i < argc; i++) {
        const char *val = NULL;
        int k, found = 0;
        for (k = 0; f[k].name && !found; k++) {
            char *end;
            if (!flag_match(argv[i], f[k].name, &val)) continue;
            found = 1;
            if (f[k].type == T_BOOL) {
                int b = 1;
                /* --do_train, --do_train True, --do_train=false */
                if (val) { if (!parse_bool(val, &b)) goto bad; }
                else if (i + 1 < argc && parse_bool(argv[i + 1], &b)) i++;
                if (f[k].dst == (void *)&O.ta.progress) b = !b; /* disable_tqdm */
                *(int *)f[k].dst = b;
                continue;
            }
            if (!val) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "bertft: error: %s needs a value\n", argv[i]);
                    return 0;
                }
                val = argv[++i];
            }
            errno = 0;
            switch (f[k].type) {
            case T_STR: *(const char **)f[k].dst = val; break;
            case T_INT: { long v = strtol(val, &end, 10); if (*end || !*val || v < INT_MIN || v > INT_MAX) goto bad; *(int *)f[k].dst = (int)v; break; }
            case T_LONG: { long v = strtol(val, &end, 10); if (*end || !*val) goto bad; *(long *)f[k].dst = v; break; }
            case T_I64: { long long v = strtoll(val, &end, 10); if (*end || !*val) goto bad; *(int64_t *)f[k].dst = v; break; }
            case T_U64: { unsigned long long v = strtoull(val, &end, 10); if (*end || !*val || val[0] == '-') goto bad; *(uint64_t *)f[k].dst = v; break; }
            case T_DBL: { double v = strtod(val, &end); if (*end || !*val || v != v) goto bad; *(double *)f[k].dst = v; break; }
            case T_FLT: { double v = strtod(val, &end); if (*end || !*val || v != v) goto bad; *(float *)f[k].dst = (float)v; break; }
            case T_STRAT: if (!parse_strategy(val, (bft_strategy *)f[k].dst)) goto bad; break;
            case T_SCHED:
                if (!strcmp(val, "linear")) *(bft_schedule *)f[k].dst = BFT_SCHED_LINEAR;
                else if (!strcmp(val, "constant")) *(bft_schedule *)f[k].dst = BFT_SCHED_CONSTANT;
                else if (!strcmp(val, "constant_with_warmup")) *(bft_schedule *)f[k].dst = BFT_SCHED_CONSTANT_WITH_WARMUP;
                else goto bad;
                break;
            case T_REPORT:
                if (!strcmp(val, "none")) *(int *)f[k].dst = 0;
                else if (!strcmp(val, "tensorboard") || !strcmp(val, "all")) *(int *)f[k].dst = 1;
                else goto bad;
                break;
            }
            if (f[k].set) *f[k].set = 1;
            continue;
        bad:
            fprintf(stderr, "bertft: error: invalid value '%s' for --%s\n", val ? val : "", f[k].name);
            return 0;
        }
        if (!found) {
            fprintf(stderr, "bertft: error: unknown argument '%s' (see ./bertft --help)\n", argv[i]);
            return 0;
        }
    }
    return 1;
}

static void usage(void)
{
    flag *f = flags();
    int k;
    printf("bertft %s - fine-tune BERT for sequence classification (HF run_glue.py's arguments)\n\n"
           "usage:\n"
           "  ./bertft                      demo: a small random BERT fine-tuned on MRPC (GLUE data from\n"
           "                                data/glue or ../shared/data/glue, else a built-in sample)\n"
           "  ./bertft --model_name_or_path DIR --task_name mrpc --do_train --do_eval --output_dir OUT [...]\n"
           "  ./bertft tokenize (--vocab FILE | --model_name_or_path DIR) [--do_lower_case 0|1]\n"
           "                    [--max_seq_length N] < sentence1<TAB>sentence2 lines\n"
           "  ./bertft init --config CONFIG.json --vocab VOCAB.txt --output_dir DIR [--seed N]\n\n"
           "options (also spelled with dashes; booleans take an optional true/false):\n", BERTFT_VERSION);
    for (k = 0; f[k].name; k++) printf("  --%-30s %s\n", f[k].name, f[k].help);
}

/* ------------------------------------------------------------------------------------------ */
/* init: a randomly initialised HF-style model directory                                       */
/* ------------------------------------------------------------------------------------------ */
static int cmd_init(int argc, char **argv)
{
    const char *config = NULL, *vocab = NULL, *out = NULL, *val;
    unsigned long long seed = 42;
    bft_config c;
    bft_tokenizer *tok;
    bft_model *m;
    int i;
    for (i = 1; i < argc; i++) {
        const char **dst = NULL;
        if (flag_match(argv[i], "config", &val)) dst = &config;
        else if (flag_match(argv[i], "vocab", &val)) dst = &vocab;
        else if (flag_match(argv[i], "output_dir", &val)) dst = &out;
        else if (flag_match(argv[i], "seed", &val)) {
            char *end;
            if (!val && i + 1 < argc) val = argv[++i];
            seed = val ? strtoull(val, &end, 10) : 0;
            if (!val || *end || !*val) { fprintf(stderr, "bertft: error: --seed needs a number\n"); return 1; }
            continue;
        } else {
            fprintf(stderr, "bertft: error: unknown argument '%s' for init (see ./bertft --help)\n", argv[i]);
            return 1;
        }
        if (!val && i + 1 < argc) val = argv[++i];
        if (!val) { fprintf(stderr, "bertft: error: %s needs a value\n", argv[i]); return 1; }
        *dst = val;
    }
    if (!config || !vocab || !out) {
        fprintf(stderr, "bertft: error: init needs --config CONFIG.json --vocab VOCAB.txt --output_dir DIR\n");
        return 1;
    }
    if (bft_config_load(&c, config) != BFT_OK) return die("init");
    if (bft_tokenizer_load(&tok, vocab, -1) != BFT_OK) { bft_config_free(&c); return die("init"); }
    if (bft_tokenizer_vocab_size(tok) != c.vocab_size) {
        fprintf(stderr, "bertft: error: %s has vocab_size %d but %s holds %d tokens\n", config, c.vocab_size, vocab,
                bft_tokenizer_vocab_size(tok));
        bft_config_free(&c);
        bft_tokenizer_free(tok);
        return 1;
    }
    if (bft_model_create(&m, &c, seed) != BFT_OK) { bft_config_free(&c); bft_tokenizer_free(tok); return die("init"); }
    if (bft_model_save(m, out) != BFT_OK || bft_tokenizer_save(tok, out) != BFT_OK) {
        bft_model_free(m); bft_config_free(&c); bft_tokenizer_free(tok);
        return die("init");
    }
    printf("wrote %s/config.json, %s/model.safetensors (%lu parameters, seed %llu) and %s/vocab.txt\n", out, out,
           (unsigned long)bft_model_count_params(m), seed, out);
    bft_model_free(m);
    bft_config_free(&c);
    bft_tokenizer_free(tok);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The run_glue workflow                                                                       */
/* ------------------------------------------------------------------------------------------ */
static int file_exists(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* Keep the first n examples (max_*_samples). */
static void truncate_dataset(bft_dataset *d, long n)
{
    int i;
    if (n <= 0 || n >= d->n) return;
    for (i = (int)n; i < d->n; i++) {
        bft_free(d->text_a[i]);
        if (d->text_b) bft_free(d->text_b[i]);
    }
    d->n = (int)n;
}

static int encode(const bft_tokenizer *tok, const bft_dataset *d, bft_encoded *e)
{
    return bft_tokenizer_encode_batch(tok, d->n, (const char *const *)d->text_a, (const char *const *)d->text_b,
                                      O.max_seq_length, BFT_TRUNC_LONGEST_FIRST, e) == BFT_OK;
}

/* predict_results_<task>.txt as run_glue writes it: "index\tprediction", label names. */
static int write_predictions(const char *dir, const char *task, const bft_dataset *d, const float *logits, int NL)
{
    char name[128], *path;
    bft__buf b = {0, 0, 0, 0};
    int i;
    snprintf(name, sizeof name, "predict_results_%s.txt", task);
    bft__buf_puts(&b, "index\tprediction\n");
    for (i = 0; i < d->n; i++) {
        if (NL == 1) bft__buf_printf(&b, "%d\t%3.3f\n", i, logits[i]);
        else {
            int p = bft_argmax(logits + (size_t)i * NL, NL);
            bft__buf_printf(&b, "%d\t%s\n", i, d->label_names ? d->label_names[p] : "");
        }
    }
    path = bft__path_join(dir, name);
    if (b.oom || !path || bft_write_file_atomic(path, b.p, b.n) != BFT_OK) { bft_free(b.p); bft_free(path); return 0; }
    fprintf(stderr, "***** Predict results %s *****\n  wrote %s\n", task, path);
    bft_free(b.p);
    bft_free(path);
    return 1;
}

/* eval_results.json as run_glue writes it; for MNLI the mismatched set's metrics join with "_mm". */
static int save_eval_metrics(const char *dir, const bft_metrics *m, double loss, const bft_metrics *mm, double loss_mm,
                             double epoch, int samples, int samples_mm)
{
    const char *keys[24];
    double vals[24];
    char names[24][64];
    int n = 0, i, set;
    for (set = 0; set < (mm ? 2 : 1); set++) {
        const bft_metrics *x = set ? mm : m;
        const char *suf = set ? "_mm" : "";
        snprintf(names[n], 64, "eval_loss%s", suf); keys[n] = names[n]; vals[n++] = set ? loss_mm : loss;
        for (i = 0; i < x->n && n < 20; i++) {
            if (!strcmp(x->names[i], "loss")) continue;
            snprintf(names[n], 64, "eval_%s%s", x->names[i], suf); keys[n] = names[n]; vals[n++] = x->values[i];
        }
        snprintf(names[n], 64, "eval_samples%s", suf); keys[n] = names[n]; vals[n++] = set ? samples_mm : samples;
    }
    keys[n] = "epoch"; vals[n++] = epoch;
    fprintf(stderr, "***** eval metrics *****\n");
    for (i = 0; i < n; i++) fprintf(stderr, "  %-24s = %.4f\n", keys[i], vals[i]);
    return bft_save_metrics(dir, "eval", n, keys, vals) == BFT_OK;
}

/* Where the demo finds things: the download script's folder, then ../shared (tests, CI). */
static const char *first_existing(const char *const *cands)
{
    int i;
    for (i = 0; cands[i]; i++)
        if (file_exists(cands[i])) return cands[i];
    return NULL;
}

/* The demo's fallback data: a few MRPC-style pairs and a vocabulary made from them. */
static const char *const demo_pairs[][3] = {
    {"1", "the company said profits rose in the third quarter .", "profits rose in the third quarter , the company said ."},
    {"0", "the company said profits rose in the third quarter .", "the storm closed schools across the state ."},
    {"1", "he was arrested on friday in the capital .", "police arrested him in the capital on friday ."},
    {"0", "he was arrested on friday in the capital .", "shares fell after the report was released ."},
    {"1", "the new law takes effect next year .", "next year the new law will take effect ."},
    {"0", "the new law takes effect next year .", "the team won its third game in a row ."},
    {"1", "officials said the fire was under control .", "the fire was under control , officials said ."},
    {"0", "officials said the fire was under control .", "the president will visit the city next week ."},
    {"1", "shares fell after the report was released .", "after the report was released , shares fell ."},
    {"0", "shares fell after the report was released .", "he was arrested on friday in the capital ."},
    {"1", "the team won its third game in a row .", "the team has won three games in a row ."},
    {"0", "the team won its third game in a row .", "the new law takes effect next year ."},
    {"1", "the storm closed schools across the state .", "schools across the state were closed by the storm ."},
    {"0", "the storm closed schools across the state .", "officials said the fire was under control ."},
    {"1", "the president will visit the city next week .", "next week the president will visit the city ."},
    {"0", "the president will visit the city next week .", "the company said profits rose in the third quarter ."},
};

static int write_demo_data(const char *dir, char *vocab_path, size_t cap)
{
    bft__buf tsv = {0, 0, 0, 0}, voc = {0, 0, 0, 0};
    char *words[512];
    int nw = 0, i, k, n = (int)(sizeof demo_pairs / sizeof demo_pairs[0]);
    char path[1024];
    const char *specials[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    bft_mkdirs(dir);
    for (k = 0; k < 2; k++) {
        bft__buf_puts(&tsv, "\xEF\xBB\xBFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
        for (i = 0; i < n; i++)
            bft__buf_printf(&tsv, "%s\t%d\t%d\t%s\t%s\n", demo_pairs[i][0], 100 + i, 200 + i, demo_pairs[i][1], demo_pairs[i][2]);
        snprintf(path, sizeof path, "%s/%s", dir, k ? "dev.tsv" : "train.tsv");
        if (bft_write_file_atomic(path, tsv.p, tsv.n) != BFT_OK) return 0;
        tsv.n = 0;
    }
    bft_free(tsv.p);
    for (i = 0; i < 5; i++) { bft__buf_puts(&voc, specials[i]); bft__buf_puts(&voc, "\n"); }
    for (i = 0; i < n; i++)
        for (k = 1; k <= 2; k++) {
            const char *s = demo_pairs[i][k];
            while (*s) {
                const char *e = strchr(s, ' ');
                size_t len = e ? (size_t)(e - s) : strlen(s);
                int j, dup = 0;
                for (j = 0; j < nw && !dup; j++) dup = strlen(words[j]) == len && !strncmp(words[j], s, len);
                if (!dup && nw < 512) words[nw++] = bft__strndup(s, len);
                s += len;
                while (*s == ' ') s++;
            }
        }
    for (i = 0; i < nw; i++) { bft__buf_puts(&voc, words[i]); bft__buf_puts(&voc, "\n"); bft_free(words[i]); }
    snprintf(vocab_path, cap, "%s/vocab.txt", dir);
    if (bft_write_file_atomic(vocab_path, voc.p, voc.n) != BFT_OK) return 0;
    bft_free(voc.p);
    return 1;
}

/* No arguments: initialise a small BERT and fine-tune it on MRPC (or the built-in sample). */
static int setup_demo(void)
{
    static const char *const glue[] = {"data/glue/MRPC/train.tsv", "../shared/data/glue/MRPC/train.tsv", NULL};
    static const char *const vocabs[] = {"data/bert-base-uncased/vocab.txt", "../shared/data/vocab/bert-base-uncased.txt", NULL};
    static char vocab_buf[1024], data_dir[512];
    const char *g = first_existing(glue), *v = first_existing(vocabs);
    bft_config c;
    bft_tokenizer *tok;
    bft_model *m;
    const char *model_dir = "build/demo/model";
    if (g && v) {
        size_t n = strlen(g) - strlen("/train.tsv");
        memcpy(data_dir, g, n);
        data_dir[n] = 0;
        fprintf(stderr, "demo: MRPC from %s, vocabulary %s\n", data_dir, v);
    } else {
        snprintf(data_dir, sizeof data_dir, "build/demo/data/MRPC");
        if (!write_demo_data(data_dir, vocab_buf, sizeof vocab_buf)) return die("demo data");
        v = vocab_buf;
        fprintf(stderr, "demo: no GLUE data found (data/glue or ../shared/data/glue): using %d built-in pairs\n",
                (int)(sizeof demo_pairs / sizeof demo_pairs[0]));
    }
    /* BERT-mini's shape (4 layers, hidden 256, 4 heads), randomly initialised */
    if (bft_tokenizer_load(&tok, v, 1) != BFT_OK) return die("demo");
    bft_config_default(&c);
    c.vocab_size = bft_tokenizer_vocab_size(tok);
    c.hidden_size = 256; c.num_hidden_layers = 4; c.num_attention_heads = 4; c.intermediate_size = 1024;
    if (bft_model_create(&m, &c, 42) != BFT_OK || bft_model_save(m, model_dir) != BFT_OK ||
        bft_tokenizer_save(tok, model_dir) != BFT_OK)
        return die("demo");
    bft_model_free(m);
    bft_tokenizer_free(tok);
    fprintf(stderr, "demo: a random BERT-mini (L4 H256 A4) in %s; a real run:\n"
                    "  ./bertft --model_name_or_path bert-base-uncased --task_name mrpc --do_train --do_eval "
                    "--output_dir out\n", model_dir);
    O.model_name_or_path = model_dir;
    O.task_name = "mrpc";
    O.data_dir = data_dir;
    O.do_train = O.do_eval = 1;
    O.overwrite_output_dir = 1;
    O.ta.output_dir = "build/demo/output";
    O.ta.per_device_train_batch_size = 32;
    O.ta.per_device_eval_batch_size = 64;
    O.ta.learning_rate = 1e-4;
    O.ta.num_train_epochs = 3;
    O.ta.logging_steps = 20;
    O.ta.eval_strategy = BFT_STRATEGY_EPOCH;
    O.ta.save_strategy = BFT_STRATEGY_EPOCH;
    O.ta.save_total_limit = 1;
    return 0;
}

static int output_dir_has_files(const char *dir)
{
#ifndef _WIN32
    DIR *d = opendir(dir);
    struct dirent *de;
    int any = 0;
    if (!d) return 0;
    while (!any && (de = readdir(d)) != NULL) any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    closedir(d);
    return any;
#else
    (void)dir;
    return 0;
#endif
}

static int run(void)
{
    bft_dataset train, dev, test, dev_mm, test_mm;
    bft_encoded etrain, edev, etest, edev_mm, etest_mm;
    bft_config cfg;
    bft_model *m = NULL;
    bft_tokenizer *tok = NULL;
    bft_trainer tr;
    const bft_task_info *ti = NULL;
    char *resume = NULL, path[1024];
    const char *task = O.task_name, *dd = O.data_dir;
    int rc = 1, NL, have_train = 0, have_dev = 0, have_test = 0, mnli = 0;
    memset(&train, 0, sizeof train); memset(&dev, 0, sizeof dev); memset(&test, 0, sizeof test);
    memset(&dev_mm, 0, sizeof dev_mm); memset(&test_mm, 0, sizeof test_mm);
    memset(&etrain, 0, sizeof etrain); memset(&edev, 0, sizeof edev); memset(&etest, 0, sizeof etest);
    memset(&edev_mm, 0, sizeof edev_mm); memset(&etest_mm, 0, sizeof etest_mm);
    memset(&tr, 0, sizeof tr);
    bft_config_default(&cfg);

    if (!O.model_name_or_path) { fprintf(stderr, "bertft: error: --model_name_or_path is required (see --help)\n"); return 1; }
    if (!O.task_name && !O.train_file && !O.validation_file && !O.test_file) {
        fprintf(stderr, "bertft: error: give --task_name (a GLUE task) or --train_file/--validation_file\n");
        return 1;
    }
    if (!O.do_train && !O.do_eval && !O.do_predict) {
        fprintf(stderr, "bertft: error: nothing to do: give --do_train, --do_eval and/or --do_predict\n");
        return 1;
    }
#ifndef BFT_CLI_DEVICE_OPEN /* tools/bertft_cuda.cu defines the hook: bertft-cuda accepts cuda[:N] */
    if (O.device && strcmp(O.device, "cpu") != 0) {
        fprintf(stderr, "bertft: error: --device %s: this build runs on the CPU only (bertft-cuda runs on GPUs: make cuda)\n", O.device);
        return 1;
    }
#endif
    if (O.max_seq_length < 2) { fprintf(stderr, "bertft: error: --max_seq_length must be >= 2\n"); return 1; }
    if (O.threads > 0) bft_set_num_threads(O.threads);

    /* output_dir: resume from its last checkpoint, as run_glue does, unless told to overwrite */
    if (O.do_train && !O.overwrite_output_dir && !O.ta.resume_from_checkpoint && output_dir_has_files(O.ta.output_dir)) {
        resume = bft_last_checkpoint(O.ta.output_dir);
        if (!resume) {
            fprintf(stderr, "bertft: error: output directory (%s) already exists and is not empty. "
                            "Use --overwrite_output_dir to overcome.\n", O.ta.output_dir);
            return 1;
        }
        fprintf(stderr, "Checkpoint detected, resuming training at %s. To avoid this behavior, change the "
                        "--output_dir or add --overwrite_output_dir to train from scratch.\n", resume);
        O.ta.resume_from_checkpoint = resume;
    }

    /* data */
    if (task) {
        if (!(ti = bft_glue_task_info(task))) { die("--task_name"); goto done; }
        task = ti->name;
        mnli = !strcmp(task, "mnli"); /* run_glue also evaluates and predicts the mismatched sets */
        if (!dd) {
            static const char *const roots[] = {"data/glue", "../shared/data/glue", NULL};
            int i;
            for (i = 0; roots[i] && !dd; i++) {
                snprintf(path, sizeof path, "%s/%s/%s", roots[i], ti->folder, ti->dev_file);
                if (file_exists(path)) dd = roots[i];
            }
            if (!dd) {
                fprintf(stderr, "bertft: error: no GLUE data for %s in data/glue or ../shared/data/glue: give --data_dir "
                                "(tools/download.sh fetches it)\n", task);
                goto done;
            }
        }
        if (O.do_train) { if (bft_glue_load(&train, task, dd, "train") != BFT_OK) { die("train data"); goto done; } have_train = 1; }
        if (O.do_eval || O.ta.eval_strategy != BFT_STRATEGY_NO) {
            if (bft_glue_load(&dev, task, dd, "validation") != BFT_OK) { die("validation data"); goto done; }
            if (mnli && O.do_eval && bft_glue_load(&dev_mm, task, dd, "validation_mismatched") != BFT_OK) { die("validation data"); goto done; }
            have_dev = 1;
        }
        if (O.do_predict) {
            if (bft_glue_load(&test, task, dd, "test") != BFT_OK) { die("test data"); goto done; }
            if (mnli && bft_glue_load(&test_mm, task, dd, "test_mismatched") != BFT_OK) { die("test data"); goto done; }
            have_test = 1;
        }
    } else {
        if (O.do_train) {
            if (!O.train_file) { fprintf(stderr, "bertft: error: --do_train needs --train_file or --task_name\n"); goto done; }
            if (bft_dataset_load_file(&train, O.train_file, NULL) != BFT_OK) { die("train file"); goto done; }
            have_train = 1;
        }
        if (O.validation_file && (O.do_eval || O.ta.eval_strategy != BFT_STRATEGY_NO)) {
            if (bft_dataset_load_file(&dev, O.validation_file, have_train ? &train : NULL) != BFT_OK) { die("validation file"); goto done; }
            have_dev = 1;
        } else if (O.do_eval) { fprintf(stderr, "bertft: error: --do_eval needs --validation_file\n"); goto done; }
        if (O.do_predict) {
            if (!O.test_file) { fprintf(stderr, "bertft: error: --do_predict needs --test_file\n"); goto done; }
            if (bft_dataset_load_file(&test, O.test_file, have_train ? &train : have_dev ? &dev : NULL) != BFT_OK) { die("test file"); goto done; }
            have_test = 1;
        }
    }
    truncate_dataset(&train, O.max_train_samples);
    truncate_dataset(&dev, O.max_eval_samples);
    truncate_dataset(&test, O.max_predict_samples);
    truncate_dataset(&dev_mm, O.max_eval_samples);
    truncate_dataset(&test_mm, O.max_predict_samples);
    {
        const bft_dataset *ref = have_train ? &train : have_dev ? &dev : &test;
        NL = ref->num_labels;

        /* config and model: num_labels and label names from the data, dropout overrides win */
        snprintf(path, sizeof path, "%s/config.json", O.model_name_or_path);
        if (bft_config_load(&cfg, path) != BFT_OK) { die("model config"); goto done; }
        if (bft_config_set_num_labels(&cfg, NL, ref->label_names ? (const char *const *)ref->label_names : NULL) != BFT_OK) { die("config"); goto done; }
        if (ref->is_regression) cfg.problem_type = BFT_PROBLEM_REGRESSION;
        else if (cfg.problem_type == BFT_PROBLEM_REGRESSION) cfg.problem_type = BFT_PROBLEM_AUTO;
    }
    if (O.set_hdrop) cfg.hidden_dropout_prob = O.hidden_dropout_prob;
    if (O.set_adrop) cfg.attention_probs_dropout_prob = O.attention_probs_dropout_prob;
    if (O.set_cdrop) cfg.classifier_dropout = O.classifier_dropout;
    if (task) {
        char extra[96];
        snprintf(extra, sizeof extra, "\"finetuning_task\": \"%s\"", task);
        if (!cfg.extra_json || !strstr(cfg.extra_json, "finetuning_task")) {
            bft__buf b = {0, 0, 0, 0};
            if (cfg.extra_json && cfg.extra_json[0]) { bft__buf_puts(&b, cfg.extra_json); bft__buf_puts(&b, ",\n  "); }
            bft__buf_puts(&b, extra);
            bft_free(cfg.extra_json);
            cfg.extra_json = b.p;
        }
    }
    if (bft_model_from_pretrained_ex(&m, O.model_name_or_path, &cfg, O.ta.seed,
                                     O.ignore_mismatched_sizes ? BFT_LOAD_IGNORE_MISMATCHED_SIZES : 0) != BFT_OK) {
        die("model");
        goto done;
    }
    if (m->load_report) fprintf(stderr, "%s", m->load_report);
    if (bft_tokenizer_from_pretrained(&tok, O.model_name_or_path, O.do_lower_case) != BFT_OK) { die("tokenizer"); goto done; }
    if (bft_tokenizer_vocab_size(tok) > m->config.vocab_size) {
        fprintf(stderr, "bertft: error: %s/vocab.txt has %d tokens but the model's vocab_size is %d: tokenizer and model "
                        "do not belong together\n", O.model_name_or_path, bft_tokenizer_vocab_size(tok), m->config.vocab_size);
        goto done;
    }
    if (O.max_seq_length > m->config.max_position_embeddings) {
        fprintf(stderr, "warning: --max_seq_length %d is longer than the model's max_position_embeddings %d: using %d\n",
                O.max_seq_length, m->config.max_position_embeddings, m->config.max_position_embeddings);
        O.max_seq_length = m->config.max_position_embeddings;
    }
    O.ta.max_seq_length = O.max_seq_length;
    if ((have_train && !encode(tok, &train, &etrain)) || (have_dev && !encode(tok, &dev, &edev)) ||
        (have_test && !encode(tok, &test, &etest)) || (dev_mm.n && !encode(tok, &dev_mm, &edev_mm)) ||
        (test_mm.n && !encode(tok, &test_mm, &etest_mm))) {
        die("tokenize");
        goto done;
    }
    O.ta.log = log_line;
#ifdef BFT_CLI_DEVICE_OPEN
    if (O.device && strcmp(O.device, "cpu") != 0 && !(O.ta.device = BFT_CLI_DEVICE_OPEN(O.device, m, O.ta.bf16))) { die("--device"); goto done; }
#endif
    if (bft_trainer_init(&tr, m, tok, &O.ta, task) != BFT_OK) { die("training arguments"); goto done; }

    if (O.do_train) {
        const char *keys[8];
        double vals[8];
        int n = 0;
        if (bft_trainer_train(&tr, &etrain, train.labels, have_dev ? &edev : NULL, have_dev ? dev.labels : NULL) != BFT_OK) {
            die("training");
            goto done;
        }
        if (bft_model_save(m, O.ta.output_dir) != BFT_OK || bft_tokenizer_save(tok, O.ta.output_dir) != BFT_OK) { die("save"); goto done; }
        keys[n] = "epoch"; vals[n++] = tr.epoch;
        keys[n] = "total_flos"; vals[n++] = tr.total_flos;
        keys[n] = "train_loss"; vals[n++] = tr.train_loss;
        keys[n] = "train_samples"; vals[n++] = train.n;
        {
            /* the runtime figures of the last log entry */
            const char *last = tr.n_jsonl ? tr.jsonl[tr.n_jsonl - 1] : "";
            const char *names[3] = {"train_runtime", "train_samples_per_second", "train_steps_per_second"};
            int i;
            for (i = 0; i < 3; i++) {
                const char *p = strstr(last, names[i]);
                keys[n] = names[i];
                vals[n++] = p ? strtod(p + strlen(names[i]) + 3, NULL) : 0;
            }
        }
        if (!bft_save_metrics(O.ta.output_dir, "train", n, keys, vals) == BFT_OK) { die("train_results.json"); goto done; }
        fprintf(stderr, "***** train metrics *****\n  train_loss = %.4f\n  epoch = %.2f\n", tr.train_loss, tr.epoch);
    }
    if (O.do_eval) {
        bft_metrics mt, mt_mm;
        double loss, loss_mm = 0;
        if (bft_trainer_evaluate(&tr, &edev, dev.labels, "eval", &mt, &loss, NULL) != BFT_OK) { die("evaluation"); goto done; }
        if (edev_mm.n && bft_trainer_evaluate(&tr, &edev_mm, dev_mm.labels, "eval", &mt_mm, &loss_mm, NULL) != BFT_OK) {
            die("evaluation (mismatched)");
            goto done;
        }
        bft_mkdirs(O.ta.output_dir);
        if (!save_eval_metrics(O.ta.output_dir, &mt, loss, edev_mm.n ? &mt_mm : NULL, loss_mm, tr.epoch, edev.n, edev_mm.n)) {
            die("eval_results.json");
            goto done;
        }
    }
    if (O.do_predict) {
        float *logits = (float *)malloc(sizeof(float) * (size_t)etest.n * m->config.num_labels);
        if (!logits || bft_trainer_evaluate(&tr, &etest, NULL, "test", NULL, NULL, logits) != BFT_OK) { free(logits); die("predict"); goto done; }
        bft_mkdirs(O.ta.output_dir);
        if (!write_predictions(O.ta.output_dir, task ? task : "None", &test, logits, m->config.num_labels)) {
            free(logits); die("predictions"); goto done;
        }
        free(logits);
        if (etest_mm.n) {
            logits = (float *)malloc(sizeof(float) * (size_t)etest_mm.n * m->config.num_labels);
            if (!logits || bft_trainer_evaluate(&tr, &etest_mm, NULL, "test", NULL, NULL, logits) != BFT_OK ||
                !write_predictions(O.ta.output_dir, "mnli-mm", &test_mm, logits, m->config.num_labels)) {
                free(logits); die("predict (mismatched)"); goto done;
            }
            free(logits);
        }
    }
    if (O.do_train && bft_trainer_save_state(&tr, O.ta.output_dir) != BFT_OK) { die("trainer_state.json"); goto done; }
    rc = 0;
done:
    bft_trainer_free(&tr);
#ifdef BFT_CLI_DEVICE_OPEN
    BFT_CLI_DEVICE_CLOSE();
#endif
    bft_encoded_free(&etrain); bft_encoded_free(&edev); bft_encoded_free(&etest);
    bft_encoded_free(&edev_mm); bft_encoded_free(&etest_mm);
    bft_dataset_free(&train); bft_dataset_free(&dev); bft_dataset_free(&test);
    bft_dataset_free(&dev_mm); bft_dataset_free(&test_mm);
    bft_config_free(&cfg);
    if (m) bft_model_free(m);
    if (tok) bft_tokenizer_free(tok);
    bft_free(resume);
    return rc;
}

int main(int argc, char **argv)
{
    int i;
    memset(&O, 0, sizeof O);
    bft_train_args_default(&O.ta);
    O.ta.progress = -1;
    O.max_seq_length = 128;
    O.do_lower_case = -1;
    O.ta.output_dir = NULL;
    if (argc > 1 && !strcmp(argv[1], "tokenize")) return bft_cli_tokenize(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "init")) return cmd_init(argc - 1, argv + 1);
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(); return 0; }
    if (argc == 1) {
        if (setup_demo() != 0) return 1;
    } else {
        if (!parse_args(argc, argv)) return 2;
        if (!O.ta.output_dir) { fprintf(stderr, "bertft: error: --output_dir is required\n"); return 1; }
    }
    return run();
}
