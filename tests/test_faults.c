/* tests/test_faults.c - what happens to a training run when things go wrong, through the CLI:
     - SIGKILL at random moments, then the same command again (run_glue-style auto-resume from the
       last checkpoint in output_dir), several times per run: every checkpoint-N left behind is
       complete and loads, and the final model.safetensors is byte-for-byte the one of an
       uninterrupted run (dropout on, shuffled data);
     - a full disk (RLIMIT_FSIZE: writes fail with EFBIG) and an output_dir that cannot be written
       (chmod, or setpriv to an unprivileged user when running as root): one clear error naming the
       file, exit status 1, and the previous checkpoint untouched;
     - the memory ceiling: a BERT-mini run on MRPC with micro-batches (--per_device_train_batch_size
       8 --gradient_accumulation_steps 4) stays under 256 MB peak RSS (native builds only).
   The CLI under test is $BERTFT_CLI (default ./bertft). BFT_FAULT_TRIALS (default 4) and
   BFT_FAULT_SEED choose the number of kill/resume runs and where the kills land. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BFT_T_OUT
#define BFT_T_OUT "build/trainer_run"
#endif
#define OUT BFT_T_OUT "_faults"

static char vocab[512], glue[512];

static const char *cli(void) { return getenv("BERTFT_CLI") ? getenv("BERTFT_CLI") : "./bertft"; }

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec * 1e-6;
}

/* Runs `sh -c cmd` (cmd should start with exec). fsize > 0 limits the size of files it writes (a
   full disk: writes past it fail with EFBIG). kill_after >= 0: SIGKILL after that many seconds
   unless it ended first. Returns the exit status, or -1 when killed; *maxrss_kb (if not NULL) gets
   the child's peak RSS. */
static int run(const char *cmd, double kill_after, long fsize, long *maxrss_kb)
{
    pid_t pid = fork();
    int st = 0;
    double t0 = now_s();
    if (pid < 0) return -2;
    if (pid == 0) {
        if (fsize > 0) {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = (rlim_t)fsize;
            setrlimit(RLIMIT_FSIZE, &rl);
            signal(SIGXFSZ, SIG_IGN);
        }
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (;;) {
        pid_t w = waitpid(pid, &st, kill_after >= 0 ? WNOHANG : 0);
        if (w == pid) {
            /* the largest of every child waited for so far: call it for the largest run */
            struct rusage ru;
            getrusage(RUSAGE_CHILDREN, &ru);
            if (maxrss_kb) *maxrss_kb = ru.ru_maxrss;
            if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && kill_after >= 0) return -1;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        }
        if (w < 0) return -2;
        if (now_s() - t0 >= kill_after) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        {
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
        }
    }
}

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int file_has(const char *path, const char *needle)
{
    char *t = NULL;
    size_t n;
    int has;
    if (bft_read_file(path, &t, &n) != BFT_OK) return 0;
    has = strstr(t, needle) != NULL;
    bft_free(t);
    return has;
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

/* Every checkpoint-N in dir is complete: its files load and trainer_state.json says step N.
   Returns how many there are (the highest in *last), or -1 after reporting a broken one. */
static int check_checkpoints(const char *dir, int64_t *last)
{
    int64_t *steps = NULL;
    int n = bft__list_checkpoints(dir, &steps), i, bad = 0;
    *last = n > 0 ? steps[n - 1] : -1;
    for (i = 0; i < n; i++) {
        char p[1024], *text = NULL;
        size_t len;
        bft_st_file st;
        bft__json j;
        static const char *const sts[2] = { "model.safetensors", "optimizer.safetensors" };
        static const char *const js[3] = { "trainer_state.json", "scheduler.json", "config.json" };
        int k;
        for (k = 0; k < 2; k++) {
            snprintf(p, sizeof p, "%s/checkpoint-%lld/%s", dir, (long long)steps[i], sts[k]);
            memset(&st, 0, sizeof st);
            if (bft_st_read(&st, p) != BFT_OK) { CHECK(0, "broken checkpoint file: %s", bft_last_error()); bad = 1; }
            bft_st_free(&st);
        }
        for (k = 0; k < 3; k++) {
            snprintf(p, sizeof p, "%s/checkpoint-%lld/%s", dir, (long long)steps[i], js[k]);
            if (bft_read_file(p, &text, &len) != BFT_OK || bft__json_parse(&j, text, len, p) != BFT_OK) {
                CHECK(0, "broken checkpoint file: %s", bft_last_error());
                bad = 1;
            } else {
                int g = bft__json_get(&j, 0, "global_step");
                if (k == 0) CHECK(g >= 0 && j.nodes[g].num == (double)steps[i], "%s: global_step is not %lld", p, (long long)steps[i]);
                bft__json_free(&j);
            }
            bft_free(text);
            text = NULL;
        }
    }
    bft_free(steps);
    return bad ? -1 : n;
}

static const char *train_args(const char *out, int steps, int save_steps)
{
    static char a[2048];
    snprintf(a, sizeof a,
             "--model_name_or_path " OUT "/model --task_name mrpc --data_dir %s --do_train --max_train_samples 96 "
             "--per_device_train_batch_size 8 --max_steps %d --save_steps %d --logging_steps 1 --learning_rate 2e-3 "
             "--warmup_steps 2 --weight_decay 0.01 --seed 11 --threads 2 --report_to none --disable_tqdm --output_dir %s",
             glue, steps, save_steps, out);
    return a;
}

static double ref_seconds;
static uint64_t ref_hash;

static void test_reference_run(void)
{
    char cmd[4096];
    double t0;
    int rc;
    CHECK(sh("%s init --config tests/fixtures/e2e_mrpc/config.json --vocab %s --output_dir " OUT "/model --seed 7 > /dev/null",
             cli(), vocab) == 0, "bertft init failed");
    snprintf(cmd, sizeof cmd, "exec %s %s --overwrite_output_dir > " OUT "/ref.log 2>&1", cli(), train_args(OUT "/ref", 12, 3));
    t0 = now_s();
    rc = run(cmd, -1, 0, NULL);
    ref_seconds = now_s() - t0;
    CHECK(rc == 0, "uninterrupted run failed (%d); see " OUT "/ref.log", rc);
    ref_hash = fnv1a_file(OUT "/ref/model.safetensors");
    CHECK(ref_hash != 0, "no final model");
    printf("  uninterrupted run: 12 steps, a checkpoint every 3, %.1f s\n", ref_seconds);
}

/* Kill the run at random moments, restart the same command each time, until it finishes. */
static void test_kill_and_resume(void)
{
    int trials = getenv("BFT_FAULT_TRIALS") ? atoi(getenv("BFT_FAULT_TRIALS")) : 4, tr;
    unsigned seed = getenv("BFT_FAULT_SEED") ? (unsigned)strtoul(getenv("BFT_FAULT_SEED"), NULL, 10) : (unsigned)time(NULL);
    uint64_t rng[4];
    int kills = 0, resumes = 0, fresh = 0, same = 0;
    if (ref_hash == 0) { CHECK(0, "no reference run"); return; }
    bft__rng_seed(rng, seed);
    printf("  BFT_FAULT_SEED=%u\n", seed);
    for (tr = 0; tr < trials; tr++) {
        char dir[256], cmd[4096], model[300];
        int attempt, done = 0, overwrite = 1;
        snprintf(dir, sizeof dir, OUT "/kill%d", tr);
        sh("rm -rf %s", dir);
        for (attempt = 0; attempt < 12 && !done; attempt++) {
            /* the first 2 or 3 attempts are killed at a random moment (the first anywhere in a whole
               run, later ones in the first half: a resumed run is shorter); then it runs to the end */
            int kill_it = attempt < 2 + (tr % 2), rc;
            double u = (double)(bft__rng_next(rng) >> 11) / 9007199254740992.0;
            double at = ref_seconds * (attempt == 0 ? 0.03 + 0.97 * u : 0.03 + 0.5 * u);
            int64_t last;
            snprintf(cmd, sizeof cmd, "exec %s %s%s > %s.log%d 2>&1", cli(), train_args(dir, 12, 3),
                     overwrite ? " --overwrite_output_dir" : "", dir, attempt);
            rc = run(cmd, kill_it ? at : -1, 0, NULL);
            printf("  run %d attempt %d: %s", tr, attempt, rc == -1 ? "SIGKILL" : rc == 0 ? "finished" : "refused");
            if (rc == -1) printf(" after %.2f s", at);
            if (rc == -1) kills++;
            else if (rc == 0) done = 1;
            else if (!overwrite) {
                /* killed before the first checkpoint: as run_glue, output_dir is "not empty" and the
                   same command asks for --overwrite_output_dir */
                char lp[300];
                snprintf(lp, sizeof lp, "%s.log%d", dir, attempt);
                CHECK(file_has(lp, "Use --overwrite_output_dir"), "trial %d attempt %d: exit %d; see %s", tr, attempt, rc, lp);
                printf("\n");
                if (!file_has(lp, "Use --overwrite_output_dir")) break;
                fresh++;
                overwrite = 1;
                continue;
            } else {
                CHECK(0, "trial %d attempt %d: exit %d; see %s.log%d", tr, attempt, rc, dir, attempt);
                break;
            }
            if (check_checkpoints(dir, &last) < 0) { CHECK(0, "trial %d: a broken checkpoint after a kill", tr); break; }
            if (last >= 0) printf(", last checkpoint-%lld", (long long)last);
            printf("\n");
            if (!done) {
                if (last < 0) {
                    overwrite = 0; /* try the same command; expect the clear refusal above when dir has files */
                    if (sh("[ -n \"$(ls -A %s 2>/dev/null)\" ]", dir) != 0) overwrite = 1;
                } else {
                    overwrite = 0;
                    resumes++;
                }
            }
        }
        CHECK(done, "trial %d never finished", tr);
        snprintf(model, sizeof model, "%s/model.safetensors", dir);
        if (done) {
            uint64_t h = fnv1a_file(model);
            CHECK(h == ref_hash, "trial %d: the final model differs from the uninterrupted run's (%016llx vs %016llx)", tr,
                  (unsigned long long)h, (unsigned long long)ref_hash);
            same += h == ref_hash;
            if (h == ref_hash) sh("rm -rf %s", dir); /* ~50 MB of checkpoints each */
        }
    }
    printf("  %d runs, %d SIGKILLs, %d resumed from a checkpoint, %d restarted (killed before the first checkpoint), "
           "%d/%d final models identical to the uninterrupted run\n", trials, kills, resumes, fresh, same, trials);
}

/* A checkpoint, then a run that cannot write: clear error, exit 1, checkpoint unchanged. */
static void write_failure(const char *what, const char *dir, long fsize, const char *prefix, const char *setup,
                          const char *expect)
{
    char cmd[4096], log[300], ck[300];
    uint64_t before, after;
    int rc;
    int64_t last;
    sh("rm -rf %s", dir);
    snprintf(cmd, sizeof cmd, "exec %s %s --overwrite_output_dir > %s.log0 2>&1", cli(), train_args(dir, 3, 3), dir);
    CHECK(run(cmd, -1, 0, NULL) == 0, "%s: first run failed; see %s.log0", what, dir);
    snprintf(ck, sizeof ck, "%s/checkpoint-3/model.safetensors", dir);
    before = fnv1a_file(ck);
    if (setup) sh(setup, dir);
    snprintf(log, sizeof log, "%s.log1", dir);
    /* resume with more steps: the next checkpoint (6) cannot be written */
    snprintf(cmd, sizeof cmd, "exec %s%s %s > %s 2>&1", prefix, cli(), train_args(dir, 6, 3), log);
    rc = run(cmd, -1, fsize, NULL);
    sh("chmod -R u+w %s 2>/dev/null", dir);
    CHECK(rc == 1, "%s: exit status %d, want 1; see %s", what, rc, log);
    CHECK(file_has(log, "bertft: error:") && file_has(log, expect), "%s: no clear error (\"%s\") in %s", what, expect, log);
    after = fnv1a_file(ck);
    CHECK(before != 0 && after == before, "%s: checkpoint-3 changed or vanished", what);
    CHECK(check_checkpoints(dir, &last) == 1 && last == 3, "%s: checkpoints after the failure: want only checkpoint-3", what);
    CHECK(sh("ls -d %s/tmp-checkpoint-* > /dev/null 2>&1", dir) != 0, "%s: a tmp-checkpoint folder was left behind", what);
    {
        char *t = NULL;
        size_t n;
        if (bft_read_file(log, &t, &n) == BFT_OK) {
            char *e = strstr(t, "bertft: error:"), *nl = e ? strchr(e, '\n') : NULL;
            if (e) printf("  %s: %.*s\n", what, nl ? (int)(nl - e) : (int)strlen(e), e);
            bft_free(t);
        }
    }
}

static void test_full_disk(void)
{
    /* model.safetensors of this model is ~4 MB: the limit lets the logs through, not the checkpoint */
    write_failure("full disk", OUT "/full", 1 << 20, "", NULL, "File too large");
}

static void test_unwritable_output_dir(void)
{
    if (geteuid() != 0) {
        write_failure("unwritable output_dir", OUT "/ro", 0, "", "chmod -R a-w %s", "Permission denied");
    } else if (sh("command -v setpriv > /dev/null") == 0) {
        /* root writes anywhere: run the resumed command as nobody instead (it can read, not write) */
        write_failure("unwritable output_dir", OUT "/ro", 0, "setpriv --reuid=65534 --regid=65534 --clear-groups ",
                      "chmod -R a+rX %s", "Permission denied");
    } else {
        printf("  skipped: running as root without setpriv\n");
    }
}

/* BERT-mini (4 layers, 256 wide, bert-base-uncased vocabulary) on MRPC, micro-batches of 8 and 4
   accumulation steps (batch 32), max_seq_length 128: peak RSS under 256 MB. */
static void test_memory_ceiling(void)
{
    char cmd[4096];
    long kb = 0;
    int rc;
    const char *c = cli();
#if defined(__SANITIZE_ADDRESS__)
    printf("  skipped: sanitizer build (shadow memory)\n");
    return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    printf("  skipped: sanitizer build (shadow memory)\n");
    return;
#endif
#endif
    if (strstr(c, "qemu") || strstr(c, "valgrind")) { printf("  skipped: emulated CLI\n"); return; }
    sh("mkdir -p " OUT " && printf '%%s' '{\"vocab_size\": 30522, \"hidden_size\": 256, \"num_hidden_layers\": 4, "
       "\"num_attention_heads\": 4, \"intermediate_size\": 1024, \"max_position_embeddings\": 512}' > " OUT "/mini.json");
    CHECK(sh("%s init --config " OUT "/mini.json --vocab %s --output_dir " OUT "/mini --seed 1 > /dev/null", c, vocab) == 0,
          "init BERT-mini");
    snprintf(cmd, sizeof cmd,
             "exec %s --model_name_or_path " OUT "/mini --task_name mrpc --data_dir %s --do_train --do_eval "
             "--max_steps 4 --max_eval_samples 64 --per_device_train_batch_size 8 --gradient_accumulation_steps 4 "
             "--per_device_eval_batch_size 8 --max_seq_length 128 --save_steps 4 --report_to none --disable_tqdm "
             "--output_dir " OUT "/mini_run --overwrite_output_dir > " OUT "/mini.log 2>&1", c, glue);
    rc = run(cmd, -1, 0, &kb);
    CHECK(rc == 0, "BERT-mini run failed; see " OUT "/mini.log");
    printf("  BERT-mini on MRPC, micro-batch 8 x 4 accumulation steps, seq 128: peak RSS %.1f MB\n", kb / 1024.0);
    CHECK(kb > 0 && kb < 256 * 1024, "peak RSS %.1f MB >= 256 MB", kb / 1024.0);
    if (rc == 0) sh("rm -rf " OUT "/mini " OUT "/mini_run"); /* 180 MB of model and checkpoint */
}

int main(void)
{
    const char *data = bft_t_data_dir();
    snprintf(vocab, sizeof vocab, "%s/vocab/bert-base-uncased.txt", data);
    snprintf(glue, sizeof glue, "%s/glue", data);
    sh("rm -rf " OUT " && mkdir -p " OUT);
    RUN_TEST(test_reference_run);
    RUN_TEST(test_kill_and_resume);
    RUN_TEST(test_full_disk);
    RUN_TEST(test_unwritable_output_dir);
    RUN_TEST(test_memory_ceiling);
    TEST_MAIN_END();
}
