/* Parity of the model, backward and optimizer with PyTorch (fixtures from tools/make_reference.py),
   plus independent checks: finite differences, thread-count determinism, config and safetensors
   validation. */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include "test.h"

#define FIXTURES "tests/fixtures"
static const char *const cases[] = {"cls2", "cls3_bf16", "reg_f16", "mixed_bf16", "pad_rows"};
#define NCASES 5
/* mixed_bf16 runs with m->precision = BFT_BF16 against a torch model whose products round their
   operands to bf16 (tools/make_reference.py). One forward and backward hold fp32's bounds (the
   logits come out bit-identical). Over training steps, a value that lands within fp32 noise of a
   bf16 rounding boundary can round the other way in one of the two (2^-9 relative in that element)
   and Adam carries it on, so how far the runs drift apart depends on fp32 noise: measured 8e-5 on
   the losses and 1.9e-4 on the final weights (gcc, AVX-512), 3.6e-3 and 1.4e-3 when g++ fused
   multiply-adds the C build does not; bound 1e-2 (fp32 runs stay within 1e-4 of torch). */
static int is_mixed(const char *name) { return strncmp(name, "mixed_bf16", 10) == 0; }
static double tol_steps(const char *name) { return is_mixed(name) ? 1e-2 : 1e-4; }

#include "fixtures.h"

static int load_case(const char *name, bft_model **m, bft_st_file *ref)
{
    char dir[256], path[300];
    bft_result r;
    snprintf(dir, sizeof dir, "%s/%s", FIXTURES, name);
    snprintf(path, sizeof path, "%s/reference.safetensors", dir);
    r = bft_model_from_pretrained(m, dir, NULL, 1);
    CHECK(r == BFT_OK, "load %s: %s", dir, bft_last_error());
    if (r != BFT_OK) return 0;
    r = bft_st_read(ref, path);
    CHECK(r == BFT_OK, "read %s: %s", path, bft_last_error());
    if (r != BFT_OK) { bft_model_free(*m); return 0; }
    if (is_mixed(name)) (*m)->precision = BFT_BF16;
    return 1;
}

/* Forward + backward of batch 0: logits, loss and every gradient against PyTorch. */
static void test_forward_backward_parity(void)
{
    int c;
    for (c = 0; c < NCASES; c++) {
        bft_model *m;
        bft_st_file ref;
        tbatch tb;
        const bft_st_tensor *lg, *ls;
        double ma, rel, worst = 0;
        int k;
        if (!load_case(cases[c], &m, &ref)) continue;
        CHECK(m->load_report == NULL, "%s: unexpected load report: %s", cases[c], m->load_report);
        get_batch(&ref, "", 0, &tb);
        bft_zero_grad(m);
        CHECK_OK(bft_forward(m, &tb.b, 1));
        lg = bft_st_get(&ref, "logits");
        ls = bft_st_get(&ref, "loss");
        rel = normrel(m->logits, lg->data, lg->numel, &ma);
        printf("  %-10s logits       rel %.2e  max abs %.2e\n", cases[c], rel, ma);
        CHECK(rel < 1e-5, "%s: logits rel error %.3e", cases[c], rel);
        if (is_mixed(cases[c])) { /* the rounding must be there: fp32 logits are far from these */
            const bft_st_tensor *l32 = bft_st_get(&ref, "logits_fp32");
            double gap = l32 ? normrel(l32->data, lg->data, lg->numel, NULL) : 0;
            printf("  %-10s fp32 logits differ from bf16 ones by rel %.2e\n", cases[c], gap);
            CHECK(gap > 100 * rel && gap > 1e-4, "%s: bf16 logits (err %.2e) not distinct from fp32 (%.2e)", cases[c],
                  rel, gap);
        }
        rel = fabs(m->loss - ls->data[0]) / fabs(ls->data[0]);
        printf("  %-10s loss %.7f vs %.7f rel %.2e\n", cases[c], m->loss, ls->data[0], rel);
        CHECK(rel < 1e-5, "%s: loss %.8f vs torch %.8f", cases[c], m->loss, ls->data[0]);
        CHECK_OK(bft_backward(m));
        for (k = 0; k < m->num_tensors; k++) {
            char nm[128];
            const bft_tensor_info *t = &m->tensors[k];
            const bft_st_tensor *g;
            snprintf(nm, sizeof nm, "grad.%s", t->name);
            g = bft_st_get(&ref, nm);
            CHECK(g && g->numel == t->numel, "%s: reference lacks %s", cases[c], nm);
            if (!g || g->numel != t->numel) continue;
            rel = normrel(tvals(t, m->grads), g->data, t->numel, &ma);
            if (strstr(t->name, "attention.self.key.bias")) {
                /* mathematically zero (softmax ignores a shift of all scores): compare absolutely */
                CHECK(ma < 1e-6, "%s: %s max abs %.3e (should be ~0)", cases[c], t->name, ma);
                continue;
            }
            if (rel > worst) worst = rel;
            if (rel >= 1e-4) printf("  %-10s %-55s rel %.2e max abs %.2e\n", cases[c], t->name, rel, ma);
            CHECK(rel < 1e-4, "%s: grad %s rel error %.3e", cases[c], t->name, rel);
        }
        printf("  %-10s %d gradient tensors, worst norm-wise rel error %.2e\n", cases[c], m->num_tensors, worst);
        if (is_mixed(cases[c])) { /* the portable kernel emulates bf16 products: same results */
            CHECK_OK(bft_gemm_set_kernel("scalar"));
            CHECK_OK(bft_forward(m, &tb.b, 1));
            rel = normrel(m->logits, lg->data, lg->numel, &ma);
            printf("  %-10s logits, bf16 emulated by the scalar kernel: rel %.2e\n", cases[c], rel);
            CHECK(rel < 1e-5, "%s: emulated bf16 logits rel error %.3e", cases[c], rel);
            bft_gemm_set_kernel(NULL);
        }
        free_batch(&tb);
        bft_st_free(&ref);
        bft_model_free(m);
    }
}

/* bft_model_pack_bf16: forwards in BFT_BF16 read the weights packed once. The mixed_bf16 case's
   logits against PyTorch with the pack; then a model with K over two of the kernel's slices
   (intermediate 1100 > 1024) at 60 rows (the small path) and 320 (the blocked driver), in
   inference and training mode: bitwise the logits without the pack. AdamW and loading drop the
   pack (a stale one would give the old weights' logits); packing again after writing m->params
   follows them. Without AVX512_BF16 nothing is packed and the results are the same. */
static void test_bf16_packed_weights(void)
{
    bft_model *m;
    bft_st_file ref;
    tbatch tb;
    bft_config c;
    bft_adamw o;
    int native = bft_gemm_native_bf16(), bi, tr, i;
    if (load_case("mixed_bf16", &m, &ref)) {
        const bft_st_tensor *lg = bft_st_get(&ref, "logits");
        double ma, rel;
        get_batch(&ref, "", 0, &tb);
        CHECK_OK(bft_model_pack_bf16(m));
        CHECK((m->wpack != NULL) == native, "packed %d on a CPU with native bf16 %d", m->wpack != NULL, native);
        CHECK_OK(bft_forward(m, &tb.b, 1));
        rel = normrel(m->logits, lg->data, lg->numel, &ma);
        printf("  mixed_bf16 logits from packed weights: rel %.2e\n", rel);
        CHECK(rel < 1e-5, "mixed_bf16, packed weights: logits rel error %.3e", rel);
        free_batch(&tb);
        bft_st_free(&ref);
        bft_model_free(m);
    }
    bft_config_default(&c);
    c.vocab_size = 500; c.hidden_size = 64; c.num_hidden_layers = 2; c.num_attention_heads = 4;
    c.intermediate_size = 1100; c.num_labels = 3;
    CHECK_OK(bft_model_create(&m, &c, 5));
    m->precision = BFT_BF16;
    CHECK_OK(bft_adamw_init(&o, m, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.0f));
    for (bi = 0; bi < 2; bi++) {
        const int B = bi ? 4 : 3, T = bi ? 80 : 20, N = B * T;
        int32_t *ids = (int32_t *)malloc(sizeof(int32_t) * N);
        float labels[4] = {0, 2, 1, 1}, want[12], got[12];
        bft_batch b = {B, T, ids, NULL, NULL, labels};
        for (i = 0; i < N; i++) ids[i] = 1 + (i * 37 + bi) % 499;
        for (tr = 0; tr < 2; tr++) {
            bft_model_unpack_bf16(m);
            bft_model_seed(m, 9);
            CHECK_OK(bft_forward(m, &b, tr));
            memcpy(want, m->logits, sizeof(float) * B * 3);
            CHECK_OK(bft_model_pack_bf16(m));
            bft_model_seed(m, 9);
            CHECK_OK(bft_forward(m, &b, tr));
            memcpy(got, m->logits, sizeof(float) * B * 3);
            CHECK(memcmp(got, want, sizeof(float) * B * 3) == 0, "%d x %d, training %d: packed logits differ (%.9g vs %.9g)",
                  B, T, tr, got[0], want[0]);
            if (m->wpack && tr == 0) { /* the forward reads the pack: a changed word changes the logits */
                int k;
                for (k = 0; k < m->wpack->n; k++) m->wpack->pk[k][0] = m->wpack->pk[k][0] == 1.0f ? 0.0f : 1.0f;
                CHECK_OK(bft_forward(m, &b, 0));
                CHECK(memcmp(m->logits, want, sizeof(float) * B * 3) != 0, "%d x %d: the packed weights were not read", B, T);
            }
        }
        /* a step changes the weights: the pack must go with it */
        CHECK_OK(bft_backward(m));
        bft_adamw_step(&o, m, 1e-2);
        CHECK(m->wpack == NULL, "AdamW left the pack of the old weights");
        bft_model_seed(m, 9);
        CHECK_OK(bft_forward(m, &b, 0));
        memcpy(want, m->logits, sizeof(float) * B * 3);
        CHECK(memcmp(want, got, sizeof(float) * B * 3) != 0, "the step did not change the logits");
        /* weights written by the caller, then packed again */
        for (i = 0; i < 64 * 64; i++) m->p.layers[1].ao_w[i] *= 0.5f;
        bft_model_seed(m, 9);
        CHECK_OK(bft_forward(m, &b, 0));
        memcpy(want, m->logits, sizeof(float) * B * 3);
        CHECK_OK(bft_model_pack_bf16(m));
        bft_model_seed(m, 9);
        CHECK_OK(bft_forward(m, &b, 0));
        CHECK(memcmp(m->logits, want, sizeof(float) * B * 3) == 0, "%d x %d: packed again after a write: logits differ", B, T);
        free(ids);
    }
    bft_adamw_free(&o);
    /* the trainer's evaluation packs for its loop and drops its pack after: logits bitwise those
       of unpacked forwards over the same padded batches */
    {
        enum { NE = 19, BS = 8 };
        bft_trainer t;
        bft_train_args a;
        bft_encoded e;
        bft_padded_batch pb;
        float got[NE * 3], want[NE * 3];
        int64_t off[NE + 1];
        int32_t ids[NE * 40], types[NE * 40], idx[BS], start;
        memset(&pb, 0, sizeof pb);
        off[0] = 0;
        for (i = 0; i < NE; i++) off[i + 1] = off[i] + 5 + (i * 7) % 33;
        for (i = 0; i < (int)off[NE]; i++) { ids[i] = 1 + (i * 13) % 499; types[i] = i % 3 == 0; }
        e.n = NE; e.offsets = off; e.input_ids = ids; e.token_type_ids = types;
        bft_train_args_default(&a);
        a.per_device_eval_batch_size = BS;
        a.report_to_tensorboard = 0;
        a.bf16 = 1;
        CHECK_OK(bft_trainer_init(&t, m, NULL, &a, "mrpc"));
        CHECK_OK(bft_model_pack_bf16(m)); /* the caller's own pack stays */
        CHECK_OK(bft_trainer_evaluate(&t, &e, NULL, "eval", NULL, NULL, got));
        CHECK((m->wpack != NULL) == native, "the evaluation dropped the caller's pack");
        bft_model_unpack_bf16(m);
        CHECK_OK(bft_trainer_evaluate(&t, &e, NULL, "eval", NULL, NULL, got));
        CHECK(m->wpack == NULL, "the evaluation left its pack");
        for (start = 0; start < NE; start += BS) {
            const int cnt = NE - start < BS ? NE - start : BS;
            bft_batch b;
            for (i = 0; i < cnt; i++) idx[i] = start + i;
            CHECK_OK(bft_collate(&pb, &e, idx, cnt, 0, 0, 0, NULL));
            b = bft_padded_batch_view(&pb);
            CHECK_OK(bft_forward(m, &b, 0));
            memcpy(want + (size_t)start * 3, m->logits, sizeof(float) * (size_t)cnt * 3);
        }
        CHECK(memcmp(got, want, sizeof got) == 0, "evaluation logits differ from unpacked forwards (%.9g vs %.9g)", got[0], want[0]);
        bft_padded_batch_free(&pb);
        bft_trainer_free(&t);
    }
    bft_model_free(m);
}

/* Ten Trainer steps: forward, backward, clip, AdamW with HF groups, linear warmup schedule. */
static void test_training_steps_parity(void)
{
    int c;
    for (c = 0; c < NCASES; c++) {
        bft_model *m;
        bft_st_file ref;
        bft_adamw opt;
        const bft_st_tensor *hp, *sl, *sn, *slr;
        double worst = 0, worst_p = 0;
        int s, S, k;
        if (!load_case(cases[c], &m, &ref)) continue;
        hp = bft_st_get(&ref, "steps.hparams");
        sl = bft_st_get(&ref, "steps.loss");
        sn = bft_st_get(&ref, "steps.grad_norm");
        slr = bft_st_get(&ref, "steps.lr");
        S = (int)hp->data[4];
        CHECK_OK(bft_adamw_init(&opt, m, hp->data[0], 0.9f, 0.999f, 1e-8f, hp->data[2]));
        for (s = 0; s < S; s++) {
            tbatch tb;
            float norm;
            double lr = bft_lr_at(BFT_SCHED_LINEAR, (double)hp->data[0], s, (int64_t)hp->data[1], S);
            get_batch(&ref, "steps.", s, &tb);
            bft_zero_grad(m);
            CHECK_OK(bft_forward(m, &tb.b, 1));
            CHECK_OK(bft_backward(m));
            CHECK_OK(bft_clip_grad_norm(m, hp->data[3], &norm));
            bft_adamw_step(&opt, m, lr);
            CHECK(fabs(lr - slr->data[s]) <= 1e-7 * fabs(slr->data[s]) + 1e-12, "%s step %d: lr %.9g vs %.9g",
                  cases[c], s, lr, slr->data[s]);
            CHECK(fabs(norm - sn->data[s]) <= tol_steps(cases[c]) * sn->data[s], "%s step %d: grad norm %.7g vs %.7g", cases[c], s,
                  norm, sn->data[s]);
            {
                double rel = fabs(m->loss - sl->data[s]) / fabs(sl->data[s]);
                if (rel > worst) worst = rel;
                CHECK(rel < tol_steps(cases[c]), "%s step %d: loss %.7f vs torch %.7f", cases[c], s, m->loss, sl->data[s]);
            }
            free_batch(&tb);
        }
        for (k = 0; k < m->num_tensors; k++) {
            char nm[128];
            const bft_st_tensor *f;
            double rel;
            snprintf(nm, sizeof nm, "final.%s", m->tensors[k].name);
            f = bft_st_get(&ref, nm);
            if (!f) { CHECK(0, "missing %s", nm); continue; }
            if (strstr(m->tensors[k].name, "attention.self.key.bias")) {
                /* Its gradient is zero up to rounding noise, and Adam turns noise into full-size steps
                   of random sign, in torch as here. It cannot change any output (softmax ignores the
                   shift), so only Adam's bound |step| <= lr per step is checked. */
                const float *p = tvals(&m->tensors[k], m->params);
                size_t i;
                for (i = 0; i < f->numel; i++) CHECK(fabs(p[i]) <= 1.01 * S * hp->data[0], "%s beyond Adam's bound", nm);
                continue;
            }
            rel = normrel(tvals(&m->tensors[k], m->params), f->data, f->numel, NULL);
            if (rel > worst_p) worst_p = rel;
            CHECK(rel < tol_steps(cases[c]), "%s: weights %s after %d steps, rel error %.3e", cases[c], m->tensors[k].name, S, rel);
        }
        printf("  %-10s %d steps: worst loss rel error %.2e, worst final-weight rel error %.2e\n", cases[c], S,
               worst, worst_p);
        bft_adamw_free(&opt);
        bft_st_free(&ref);
        bft_model_free(m);
    }
}

/* The trainer's step folds the clipping factor into AdamW (bft_clip_grad_norm_coef +
   bft_adamw_step_scaled): the parameters and optimizer state must be bitwise those of
   bft_clip_grad_norm + bft_adamw_step, clipping or not (sizes that leave partial vectors). */
static void test_clip_folded_into_adamw(void)
{
    static const float max_norms[2] = {0.05f, 1e6f};
    int32_t ids[2 * 7] = {5, 7, 9, 3, 2, 0, 1, 4, 11, 6, 0, 0, 0, 0};
    int32_t types[2 * 7] = {0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0};
    int32_t mask[2 * 7] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0};
    float labels[2] = {1, 0};
    bft_batch b = {2, 7, ids, types, mask, labels};
    int v, s;
    for (v = 0; v < 2; v++) {
        bft_config c;
        bft_model *m[2];
        bft_adamw o[2];
        int k, clipped = 0;
        bft_config_default(&c);
        c.vocab_size = 13; c.hidden_size = 20; c.num_hidden_layers = 2; c.num_attention_heads = 2;
        c.intermediate_size = 37; c.max_position_embeddings = 8; c.initializer_range = 0.5f;
        for (k = 0; k < 2; k++) {
            CHECK_OK(bft_model_create(&m[k], &c, 11));
            CHECK_OK(bft_adamw_init(&o[k], m[k], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
        }
        for (s = 0; s < 3; s++) {
            float norm[2], coef;
            for (k = 0; k < 2; k++) {
                bft_zero_grad(m[k]);
                bft_model_seed(m[k], 3 + (uint64_t)s);
                CHECK_OK(bft_forward(m[k], &b, 1));
                CHECK_OK(bft_backward(m[k]));
            }
            CHECK_OK(bft_clip_grad_norm(m[0], max_norms[v], &norm[0]));
            bft_adamw_step(&o[0], m[0], 1e-3);
            CHECK_OK(bft_clip_grad_norm_coef(m[1], max_norms[v], &norm[1], &coef));
            bft_adamw_step_scaled(&o[1], m[1], 1e-3, coef);
            CHECK(norm[0] == norm[1], "norms %.9g vs %.9g", norm[0], norm[1]);
            clipped += coef < 1.0f;
        }
        CHECK(clipped == (v == 0 ? 3 : 0), "max_norm %g: clipped %d of 3 steps", max_norms[v], clipped);
        CHECK(memcmp(m[0]->params, m[1]->params, sizeof(float) * m[0]->num_params) == 0, "max_norm %g: params differ", max_norms[v]);
        CHECK(memcmp(o[0].m, o[1].m, sizeof(float) * o[0].n) == 0 && memcmp(o[0].v, o[1].v, sizeof(float) * o[0].n) == 0,
              "max_norm %g: optimizer state differs", max_norms[v]);
        for (k = 0; k < 2; k++) {
            bft_adamw_free(&o[k]);
            bft_model_free(m[k]);
        }
    }
}

/* The last layer carries on past attention with the [CLS] rows only (bft__cls_only), and
   projects only their queries; running the full layer must give the same results: logits and
   loss bitwise (training and eval, fp32 and bf16), every gradient bitwise except the last
   layer's dense and LayerNorm ones and its query weight, whose sums over rows no longer add the
   other rows' zeros (rounding order only), and the same training run. Padding, a row with no
   valid key, dropout everywhere; T below and above the LayerNorm backward's 32-row chunks, and
   B * T above the products' depth blocks (KC: 768 fp32, 1024 bf16), where the weight gradients'
   sums over rows are split. */
static void test_cls_rows_only(void)
{
    int prec, ti, k, s, i;
    for (prec = 0; prec < 2; prec++)
        for (ti = 0; ti < 3; ti++) {
            const int B = ti == 2 ? 12 : 5, T = ti == 2 ? 100 : ti ? 45 : 7, N = B * T;
            int32_t *ids = (int32_t *)malloc(sizeof(int32_t) * N), *types = (int32_t *)malloc(sizeof(int32_t) * N);
            int32_t *mask = (int32_t *)malloc(sizeof(int32_t) * N);
            float labels[12], loss[2][3];
            bft_batch b = {B, T, ids, types, mask, labels};
            bft_config c;
            bft_model *m[2];
            bft_adamw o[2];
            double worst = 0;
            int differ = 0;
            for (i = 0; i < B; i++) labels[i] = i == 3 ? -100.0f : (float)(i * 7 % 3);
            for (i = 0; i < N; i++) {
                int t = i % T, len = T - (i / T) * (T / B);
                ids[i] = t < len ? 1 + (i * 37 + 11) % 90 : 0;
                types[i] = t > len / 2;
                mask[i] = t < len && i / T != 3;
            }
            bft_config_default(&c);
            c.vocab_size = 97; c.hidden_size = 48; c.num_hidden_layers = 3; c.num_attention_heads = 3;
            c.intermediate_size = 80; c.max_position_embeddings = 128; c.num_labels = 3;
            c.hidden_dropout_prob = 0.1f; c.attention_probs_dropout_prob = 0.1f;
            for (k = 0; k < 2; k++) {
                CHECK_OK(bft_model_create(&m[k], &c, 21));
                m[k]->precision = prec ? BFT_BF16 : BFT_FP32;
                CHECK_OK(bft_adamw_init(&o[k], m[k], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
            }
            for (s = 0; s < 3; s++) {
                for (k = 0; k < 2; k++) {
                    bft__cls_only = k;
                    bft_zero_grad(m[k]);
                    bft_model_seed(m[k], 5 + (uint64_t)s);
                    CHECK_OK(bft_forward(m[k], &b, 1));
                    loss[k][s] = m[k]->loss;
                    CHECK_OK(bft_backward(m[k]));
                }
                if (s == 0) {
                    CHECK(memcmp(m[0]->logits, m[1]->logits, sizeof(float) * B * 3) == 0 && loss[0][0] == loss[1][0],
                          "prec %d T %d: logits differ (loss %.9g vs %.9g)", prec, T, loss[0][0], loss[1][0]);
                    for (i = 0; i < m[0]->num_tensors; i++) {
                        const bft_tensor_info *t = &m[0]->tensors[i];
                        const float *g0 = tvals(t, m[0]->grads), *g1 = tvals(t, m[1]->grads);
                        if (strncmp(t->name, "bert.encoder.layer.2.", 21) == 0 &&
                            (!strstr(t->name, "attention.self") || strstr(t->name, "query.weight"))) {
                            double r = normrel(g1, g0, t->numel, NULL);
                            if (r > worst) worst = r;
                            differ += memcmp(g0, g1, sizeof(float) * t->numel) != 0;
                            CHECK(r < 1e-6, "prec %d T %d: %s rel %.3e", prec, T, t->name, r);
                        } else {
                            CHECK(memcmp(g0, g1, sizeof(float) * t->numel) == 0, "prec %d T %d: %s differs (rel %.3e)", prec,
                                  T, t->name, normrel(g1, g0, t->numel, NULL));
                        }
                    }
                }
                for (k = 0; k < 2; k++) {
                    CHECK_OK(bft_clip_grad_norm(m[k], 1.0f, NULL));
                    bft_adamw_step(&o[k], m[k], 1e-3);
                }
            }
            for (s = 1; s < 3; s++)
                CHECK(fabs(loss[1][s] - loss[0][s]) <= 1e-6 * fabs(loss[0][s]), "prec %d T %d step %d: loss %.9g vs %.9g",
                      prec, T, s, loss[1][s], loss[0][s]);
            /* eval on the same weights (the trained ones may differ in rounding) */
            memcpy(m[1]->params, m[0]->params, sizeof(float) * m[0]->num_params);
            for (k = 0; k < 2; k++) {
                bft__cls_only = k;
                CHECK_OK(bft_forward(m[k], &b, 0));
            }
            CHECK(memcmp(m[0]->logits, m[1]->logits, sizeof(float) * B * 3) == 0, "prec %d T %d: eval logits differ", prec, T);
            bft__cls_only = 1;
            printf("  %s %d x %d: logits and loss bitwise, %d of %d gradient tensors bitwise (the last layer's "
                   "dense/LayerNorm ones and query weight within %.1e)\n", prec ? "bf16" : "fp32", B, T,
                   m[0]->num_tensors - differ, m[0]->num_tensors, worst);
            for (k = 0; k < 2; k++) {
                bft_adamw_free(&o[k]);
                bft_model_free(m[k]);
            }
            free(ids); free(types); free(mask);
        }
}

/* Central finite differences of the loss against the hand-written backward, on a tiny model in
   float: an independent check of the backward that does not rely on PyTorch. The second pass has
   every dropout on (the masks repeat exactly when the model is reseeded before each forward). */
static void fd_check(float pdrop, float pcls)
{
    bft_config c;
    bft_model *m;
    int32_t ids[2 * 6] = {5, 7, 9, 3, 2, 0, 4, 11, 6, 0, 0, 0};
    int32_t types[2 * 6] = {0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0};
    int32_t mask[2 * 6] = {1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0};
    float labels[2] = {1, 0};
    bft_batch b = {2, 6, ids, types, mask, labels};
    int k, checked = 0, bad = 0;
    uint64_t rng[4];
    bft_config_default(&c);
    c.vocab_size = 13; c.hidden_size = 8; c.num_hidden_layers = 2; c.num_attention_heads = 2;
    c.intermediate_size = 12; c.max_position_embeddings = 8; c.initializer_range = 0.5f;
    c.hidden_dropout_prob = c.attention_probs_dropout_prob = pdrop;
    c.classifier_dropout = pcls;
    c.layer_norm_eps = 1e-5f;
    CHECK_OK(bft_model_create(&m, &c, 7));
    bft_zero_grad(m);
    bft_model_seed(m, 5);
    CHECK_OK(bft_forward(m, &b, 1));
    CHECK_OK(bft_backward(m));
    bft__rng_seed(rng, 99);
    for (k = 0; k < m->num_tensors; k++) {
        const bft_tensor_info *t = &m->tensors[k];
        int trial;
        for (trial = 0; trial < 3; trial++) {
            const size_t e = (size_t)bft__rng_below(rng, t->numel), cols = (size_t)t->shape[1];
            size_t i = t->offset + e / cols * t->ld + e % cols;
            float save = m->params[i], h = 1e-2f, lp, lm;
            double fd, an = m->grads[i];
            m->params[i] = save + h;
            bft_model_seed(m, 5);
            bft_forward(m, &b, 1);
            lp = m->loss;
            m->params[i] = save - h;
            bft_model_seed(m, 5);
            bft_forward(m, &b, 1);
            lm = m->loss;
            m->params[i] = save;
            fd = ((double)lp - lm) / (2.0 * h);
            checked++;
            /* float loss differences: allow 2e-3 absolute plus 5 % of the gradient */
            if (fabs(fd - an) > 2e-3 + 0.05 * fabs(an)) {
                bad++;
                printf("  fd mismatch %s[%lu]: analytic %.6f numeric %.6f\n", t->name, (unsigned long)e, an, fd);
            }
        }
    }
    printf("  dropout %.2f/%.2f: %d finite-difference probes, %d mismatches\n", pdrop, pcls, checked, bad);
    CHECK(bad == 0, "%d of %d finite-difference probes disagree", bad, checked);
    bft_model_free(m);
}

static void test_finite_differences(void)
{
    fd_check(0.0f, -1.0f);
    fd_check(0.2f, 0.3f);
}

/* Dropout on: the same seed gives bitwise the same loss and gradients with 1 and 2 threads,
   and eval mode matches a dropout-free model. */
static void test_threads_and_dropout(void)
{
    bft_config c;
    bft_model *m;
    int32_t ids[3 * 10], mask[3 * 10];
    float labels[3] = {1, 0, 1}, loss[2], *g0 = NULL, eval_loss, train_loss;
    bft_batch b = {3, 10, ids, NULL, mask, labels};
    int i, run;
    for (i = 0; i < 30; i++) { ids[i] = 1 + (i * 7) % 40; mask[i] = (i % 10) < 10 - (i / 10) * 3; }
    bft_config_default(&c);
    c.vocab_size = 50; c.hidden_size = 32; c.num_hidden_layers = 2; c.num_attention_heads = 4;
    c.intermediate_size = 64; c.max_position_embeddings = 16;
    for (run = 0; run < 2; run++) {
#ifdef _OPENMP
        omp_set_num_threads(run + 1);
#endif
        CHECK_OK(bft_model_create(&m, &c, 3));
        bft_model_seed(m, 11);
        bft_zero_grad(m);
        CHECK_OK(bft_forward(m, &b, 1));
        loss[run] = m->loss;
        CHECK_OK(bft_backward(m));
        if (run == 0) {
            g0 = (float *)malloc(m->num_params * sizeof(float));
            memcpy(g0, m->grads, m->num_params * sizeof(float));
        } else {
            CHECK(memcmp(g0, m->grads, m->num_params * sizeof(float)) == 0, "gradients differ between 1 and 2 threads");
        }
        if (run == 1) {
            train_loss = m->loss;
            CHECK_OK(bft_forward(m, &b, 0));
            eval_loss = m->loss;
            CHECK(train_loss != eval_loss, "dropout had no effect on the training loss");
            m->config.hidden_dropout_prob = m->config.attention_probs_dropout_prob = 0.0f;
            CHECK_OK(bft_forward(m, &b, 1));
            CHECK(m->loss == eval_loss, "eval forward %.9g differs from a dropout-free forward %.9g", eval_loss, m->loss);
        }
        bft_model_free(m);
    }
#ifdef _OPENMP
    omp_set_num_threads(2);
#endif
    CHECK(loss[0] == loss[1], "loss differs between 1 and 2 threads: %.9g vs %.9g", loss[0], loss[1]);
    free(g0);
}

/* Files a and b hold the same bytes. */
static int same_file(const char *a, const char *b)
{
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    int same = bft_read_file(a, &x, &nx) == BFT_OK && bft_read_file(b, &y, &ny) == BFT_OK && nx == ny && memcmp(x, y, nx) == 0;
    bft_free(x);
    bft_free(y);
    return same;
}

/* A linear layer's weight whose rows would be a multiple of 2 KiB apart gets padded rows
   (bft_tensor_info.ld). The model must compute exactly what the same model with rows back to
   back computes (each product sums every element in the same order at any stride), save the
   same file, and keep the padding zero. Hidden 512 and intermediate 1024 pad every linear
   weight (rows of 2 and 4 KiB); the batches take the blocked driver (300 tokens), the
   few-rows path (30) and the turned-around forward (10), in fp32 and bf16. The unpadded model
   runs on one thread, the padded one on two. */
static void test_padded_rows(void)
{
    static const char *const dirs[2] = {"build/test_padded_rows_0", "build/test_padded_rows_1"};
    enum { NF = 6 };
    bft_config c;
    bft_model *m[2] = {NULL, NULL}, *m2 = NULL;
    bft_adamw o[2];
    int32_t ids[3 * 100], mask[3 * 100];
    float labels[3] = {1, 0, 2}, lg[2][NF][9], loss[2][NF];
    bft_batch big = {3, 100, ids, NULL, mask, labels}, few = {3, 10, ids, NULL, mask, labels}, one = {1, 10, ids, NULL, mask, labels};
    int v, k, f;
    char path[2][96];
    for (k = 0; k < 300; k++) { ids[k] = 1 + (k * 7) % 40; mask[k] = (k % 100) < 100 - (k / 100) * 30; }
    bft_config_default(&c);
    c.vocab_size = 50; c.hidden_size = 512; c.num_hidden_layers = 1; c.num_attention_heads = 8;
    c.intermediate_size = 1024; c.max_position_embeddings = 128; c.num_labels = 3;
    memset(lg, 0, sizeof lg);
    for (v = 0; v < 2; v++) { /* v = 0: rows back to back, v = 1: padded (the default) */
        bft__pad_rows = v;
#ifdef _OPENMP
        omp_set_num_threads(v + 1);
#endif
        CHECK_OK(bft_model_create(&m[v], &c, 3));
        if (!m[v]) break;
        bft_model_seed(m[v], 11);
        CHECK_OK(bft_adamw_init(&o[v], m[v], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f));
        for (f = 0; f < NF; f++) {
            const bft_batch *b = f < 2 ? &big : f < 4 ? &few : &one;
            m[v]->precision = f % 2 ? BFT_BF16 : BFT_FP32;
            bft_zero_grad(m[v]);
            CHECK_OK(bft_forward(m[v], b, 1));
            memcpy(lg[v][f], m[v]->logits, sizeof(float) * 3 * (size_t)b->batch_size);
            loss[v][f] = m[v]->loss;
            CHECK_OK(bft_backward(m[v]));
            bft_adamw_step(&o[v], m[v], 1e-3);
        }
        CHECK_OK(bft_model_save(m[v], dirs[v]));
    }
#ifdef _OPENMP
    omp_set_num_threads(2);
#endif
    bft__pad_rows = 1;
    if (m[0] && m[1]) {
        const bft_tensor_info *od = bft_model_find_tensor(m[1], "bert.encoder.layer.0.output.dense.weight");
        const bft_tensor_info *q = bft_model_find_tensor(m[1], "bert.encoder.layer.0.attention.self.query.weight");
        size_t nz = 0, i;
        CHECK(od && od->ld == 1040 && q && q->ld == 528 && m[0]->tensors[0].ld == 512,
              "padded strides: output.dense %lu, query %lu", od ? (unsigned long)od->ld : 0ul, q ? (unsigned long)q->ld : 0ul);
        CHECK(m[1]->num_params > m[0]->num_params && bft_model_count_params(m[1]) == m[0]->num_params, "parameter counts");
        CHECK(memcmp(lg[0], lg[1], sizeof lg[0]) == 0 && memcmp(loss[0], loss[1], sizeof loss[0]) == 0, "logits differ");
        for (k = 0; k < m[0]->num_tensors; k++) {
            const bft_tensor_info *t0 = &m[0]->tensors[k], *t1 = &m[1]->tensors[k];
            const size_t bytes = t0->numel * sizeof(float);
            CHECK(memcmp(tvals(t0, m[0]->params), tvals(t1, m[1]->params), bytes) == 0, "%s differs", t0->name);
            CHECK(memcmp(tvals(t0, m[0]->grads), tvals(t1, m[1]->grads), bytes) == 0, "grad of %s differs", t0->name);
            CHECK(memcmp(tvals(t0, o[0].m), tvals(t1, o[1].m), bytes) == 0 && memcmp(tvals(t0, o[0].v), tvals(t1, o[1].v), bytes) == 0,
                  "AdamW state of %s differs", t0->name);
            for (i = 0; i < (size_t)t1->shape[0] * t1->ld; i++) /* the padding */
                if (i % t1->ld >= (size_t)t1->shape[1]) {
                    const size_t at = t1->offset + i;
                    nz += m[1]->params[at] != 0.0f || m[1]->grads[at] != 0.0f || o[1].m[at] != 0.0f || o[1].v[at] != 0.0f;
                }
        }
        CHECK(nz == 0, "%lu padding values are not zero", (unsigned long)nz);
        for (v = 0; v < 2; v++) snprintf(path[v], sizeof path[v], "%s/model.safetensors", dirs[v]);
        CHECK(same_file(path[0], path[1]), "the two layouts saved different files");
        /* a checkpoint into the padded layout: the arena of the model that saved it, padding included */
        CHECK_OK(bft_model_from_pretrained(&m2, dirs[0], NULL, 1));
        CHECK(m2 && m2->num_params == m[1]->num_params && memcmp(m2->params, m[1]->params, m2->num_params * sizeof(float)) == 0,
              "loaded into padded rows: params differ");
        /* bf16 inference from packed weights */
        for (v = 0; v < 2; v++) {
            bft__pad_rows = v;
            m[v]->precision = BFT_BF16;
            CHECK_OK(bft_model_pack_bf16(m[v]));
            CHECK_OK(bft_forward(m[v], &few, 0));
            memcpy(lg[v][0], m[v]->logits, sizeof(float) * 9);
        }
        bft__pad_rows = 1;
        CHECK(memcmp(lg[0][0], lg[1][0], sizeof(float) * 9) == 0, "bf16 packed: logits differ");
    }
    bft_model_free(m2);
    for (v = 0; v < 2; v++)
        if (m[v]) { bft_adamw_free(&o[v]); bft_model_free(m[v]); }
}

/* The mask keeps a fraction 1 - p of the elements and scales them by 1 / (1 - p). */
static void test_dropout_rate(void)
{
    size_t n = 1 << 20, i, zeros = 0, mism = 0;
    float *x = (float *)malloc(n * sizeof(float));
    int k;
    const float ps[3] = {0.1f, 0.5f, 0.9f};
    for (k = 0; k < 3; k++) {
        double frac;
        zeros = mism = 0;
        for (i = 0; i < n; i++) x[i] = 1.0f;
        bft__dropout(x, n, ps[k], 0x1234567887654321ull + (uint64_t)k, 77);
        for (i = 0; i < n; i++) {
            /* the vector path keeps exactly what the scalar hash keeps */
            int keep = bft__drop_hash(0x1234567887654321ull + (uint64_t)k, (uint32_t)(77 + i)) >= bft__drop_threshold(ps[k]);
            if (x[i] == 0.0f) zeros++;
            else CHECK(fabsf(x[i] - 1.0f / (1.0f - ps[k])) < 1e-6f, "kept value %g", x[i]);
            if (keep != (x[i] != 0.0f)) mism++;
        }
        CHECK(mism == 0, "p = %g: %lu elements differ from the scalar hash", ps[k], (unsigned long)mism);
        frac = (double)zeros / n;
        CHECK(fabs(frac - ps[k]) < 0.003, "p = %g: dropped fraction %.4f", ps[k], frac);
    }
    free(x);
}

/* exp/erfc/GELU (the AVX-512 path for whole arrays where the CPU has it, the portable one for
   the tail and elsewhere) against libm in double precision. */
static void test_gelu_accuracy(void)
{
    double worst_exp = 0, worst_gelu = 0, worst_dgelu = 0;
    int i, n = 400001;
    float *x = (float *)malloc(sizeof(float) * n), *y = (float *)malloc(sizeof(float) * n);
    float *dy = (float *)malloc(sizeof(float) * n), *ones = (float *)malloc(sizeof(float) * n);
    for (i = 0; i < n; i++) { x[i] = (float)(i - 200000) * 1e-4f * 0.87f; ones[i] = 1.0f; } /* [-17.4, 17.4] */
    bft__gelu_fwd(y, x, (size_t)n);
    bft__gelu_run(dy, x, ones, (size_t)n, 1); /* dy = GELU'(x) */
    for (i = 0; i < n; i++) {
        double xv = x[i], ex = exp(xv), g = 0.5 * xv * erfc(-xv / sqrt(2.0));
        double dg = 0.5 * erfc(-xv / sqrt(2.0)) + xv * exp(-0.5 * xv * xv) / sqrt(2 * 3.14159265358979323846);
        double e1 = fabs(bft__expf(x[i]) - ex) / ex;
        if (e1 > worst_exp) worst_exp = e1;
        /* relative where GELU is above 1e-10 (below, float's x*x rounding dominates; libm's erff
           path was far worse there: 1 + erff(x) cancels), absolute everywhere */
        if (fabs(g) > 1e-10 && fabs(y[i] - g) / fabs(g) > worst_gelu) worst_gelu = fabs(y[i] - g) / fabs(g);
        if (fabs(g) <= 1e-10) CHECK(fabs(y[i] - g) < 1e-15, "gelu(%g) = %g vs %g", x[i], y[i], g);
        if (fabs(dy[i] - dg) > worst_dgelu) worst_dgelu = fabs(dy[i] - dg);
    }
    printf("  max rel error: exp %.2e, gelu %.2e; max abs error gelu' %.2e (%s path)\n", worst_exp, worst_gelu,
           worst_dgelu, bft__cpu_avx512() ? "AVX-512" : "portable");
    CHECK(worst_exp < 5e-7, "expf rel error %.3e", worst_exp);
    CHECK(worst_gelu < 1e-5, "gelu rel error %.3e", worst_gelu);
    CHECK(worst_dgelu < 1e-6, "gelu' abs error %.3e", worst_dgelu);
    free(x); free(y); free(dy); free(ones);
}

/* Batches of different shapes, one after the other, give what each gives alone. */
static void test_dynamic_shapes(void)
{
    bft_model *m;
    bft_st_file ref;
    tbatch tb;
    const bft_st_tensor *lg;
    int32_t ids[2 * 20], mask[2 * 20];
    bft_batch big = {2, 20, ids, NULL, mask, NULL};
    int i;
    if (!load_case("cls2", &m, &ref)) return;
    for (i = 0; i < 40; i++) { ids[i] = 1 + i % 60; mask[i] = 1; }
    CHECK_OK(bft_forward(m, &big, 0));
    get_batch(&ref, "", 0, &tb);
    CHECK_OK(bft_forward(m, &tb.b, 0));
    lg = bft_st_get(&ref, "logits");
    CHECK(normrel(m->logits, lg->data, lg->numel, NULL) < 1e-5, "logits after a larger batch differ");
    CHECK(!m->has_loss || m->loss == m->loss, "loss");
    free_batch(&tb);
    bft_st_free(&ref);
    bft_model_free(m);
}

static void test_config_parsing(void)
{
    bft_config c;
    const char *hf = "{\"architectures\":[\"BertForSequenceClassification\"],\"hidden_size\":24,"
                     "\"num_attention_heads\":4,\"id2label\":{\"0\":\"neg\",\"1\":\"pos\",\"2\":\"mid\"},"
                     "\"label2id\":{\"neg\":0,\"pos\":1,\"mid\":2},\"classifier_dropout\":null,"
                     "\"finetuning_task\":\"mrpc\",\"custom\":{\"a\":[1,2]},\"hidden_act\":\"gelu\"}";
    char *js;
    CHECK_OK(bft_config_parse(&c, hf, strlen(hf), "hf.json"));
    CHECK(c.num_labels == 3, "num_labels from id2label: %d", c.num_labels);
    CHECK(c.id2label && strcmp(c.id2label[2], "mid") == 0, "id2label[2]");
    CHECK(c.classifier_dropout < 0 && bft_config_classifier_dropout(&c) == c.hidden_dropout_prob, "null classifier_dropout");
    CHECK(c.extra_json && strstr(c.extra_json, "\"finetuning_task\": \"mrpc\"") && strstr(c.extra_json, "\"custom\""),
          "unknown keys kept: %s", c.extra_json ? c.extra_json : "(null)");
    js = bft_config_to_json(&c);
    {
        bft_config c2;
        CHECK_OK(bft_config_parse(&c2, js, strlen(js), "roundtrip"));
        CHECK(c2.num_labels == 3 && c2.hidden_size == 24 && strcmp(c2.id2label[1], "pos") == 0, "roundtrip");
        CHECK(strstr(js, "\"finetuning_task\": \"mrpc\"") != NULL, "unknown key written back");
        bft_config_free(&c2);
    }
    bft_free(js);
    bft_config_free(&c);

#define BAD(text, code, needle)                                                                          \
    do {                                                                                                 \
        bft_result r_ = bft_config_parse(&c, text, strlen(text), "bad.json");                            \
        CHECK(r_ == code, "%s: got %s (%s)", text, bft_result_name(r_), bft_last_error());               \
        CHECK(strstr(bft_last_error(), needle) != NULL, "%s: message '%s' lacks '%s'", text, bft_last_error(), needle); \
    } while (0)
    BAD("{\"hidden_size\":30,\"num_attention_heads\":4}", BFT_ERR_INVALID, "not a multiple of num_attention_heads");
    BAD("{\"hidden_size\":\"768\"}", BFT_ERR_FORMAT, "\"hidden_size\" must be an integer");
    BAD("{\"hidden_size\":76.5}", BFT_ERR_FORMAT, "must be an integer");
    BAD("{\"hidden_dropout_prob\":1.5}", BFT_ERR_INVALID, "hidden_dropout_prob");
    BAD("{\"hidden_act\":\"relu\"}", BFT_ERR_UNSUPPORTED, "hidden_act");
    BAD("{\"num_labels\":2,\"id2label\":{\"0\":\"a\"}}", BFT_ERR_FORMAT, "id2label has 1");
    BAD("{\"id2label\":{\"0\":\"a\",\"0\":\"b\"}}", BFT_ERR_FORMAT, "id2label keys");
    BAD("{\"vocab_size\":30522,}", BFT_ERR_FORMAT, "bad.json:1:");
    BAD("[1,2]", BFT_ERR_FORMAT, "object");
    BAD("{\"a\":\"\\x\"}", BFT_ERR_FORMAT, "escape");
    BAD("", BFT_ERR_FORMAT, "unexpected end");
#undef BAD
    {
        bft_result r = bft_config_load(&c, "tests/fixtures/does-not-exist.json");
        CHECK(r == BFT_ERR_IO && strstr(bft_last_error(), "does-not-exist.json"), "missing file: %s", bft_last_error());
    }
}

/* Write a safetensors file from raw header text + data bytes. */
static void write_raw_st(const char *path, const char *header, size_t data_bytes)
{
    FILE *f = fopen(path, "wb");
    unsigned long long n = strlen(header);
    unsigned char lb[8];
    size_t i;
    for (i = 0; i < 8; i++) lb[i] = (unsigned char)(n >> (8 * i));
    fwrite(lb, 1, 8, f);
    fwrite(header, 1, n, f);
    for (i = 0; i < data_bytes; i++) fputc(0, f);
    fclose(f);
}

static void test_safetensors_validation(void)
{
    bft_st_file st;
    const char *p = "build/tmp_bad.safetensors";
    struct { const char *hdr; size_t bytes; const char *needle; } bad[] = {
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "overlap"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16, "gap"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "cover 8 data bytes but the file has 12"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "8 bytes for 3 elements"},
        {"{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,80]}}", 8, "outside the data"},
        {"{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "non-negative"},
        {"{\"a\":{\"dtype\":\"F32\"}}", 0, "expected {\"dtype\""},
        {"[]", 0, "does not start with '{'"},
        {"{\"a\":", 0, "invalid JSON"},
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bft_result r;
        write_raw_st(p, bad[i].hdr, bad[i].bytes);
        r = bft_st_read(&st, p);
        CHECK(r == BFT_ERR_FORMAT, "case %d: %s", (int)i, bft_result_name(r));
        CHECK(strstr(bft_last_error(), bad[i].needle) != NULL, "case %d: '%s' lacks '%s'", (int)i, bft_last_error(), bad[i].needle);
    }
    { /* a header length beyond the file, and beyond the 100 MB limit */
        FILE *f = fopen(p, "wb");
        unsigned char lb[8] = {0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0};
        fwrite(lb, 1, 8, f);
        fputs("{}", f);
        fclose(f);
        CHECK(bft_st_read(&st, p) == BFT_ERR_FORMAT && strstr(bft_last_error(), "100 MB"), "%s", bft_last_error());
        f = fopen(p, "wb");
        lb[3] = 0; lb[0] = 100;
        fwrite(lb, 1, 8, f);
        fputs("{}", f);
        fclose(f);
        CHECK(bft_st_read(&st, p) == BFT_ERR_FORMAT && strstr(bft_last_error(), "does not fit"), "%s", bft_last_error());
        f = fopen(p, "wb");
        fputs("abc", f);
        fclose(f);
        CHECK(bft_st_read(&st, p) == BFT_ERR_FORMAT, "3-byte file");
    }
    /* a good file with metadata and an empty tensor */
    write_raw_st(p, "{\"__metadata__\":{\"format\":\"pt\"},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                    "\"x\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[0,4]}}", 4);
    CHECK_OK(bft_st_read(&st, p));
    CHECK(st.n == 2 && bft_st_get(&st, "x") && bft_st_get(&st, "x")->numel == 2, "good file");
    bft_st_free(&st);
    remove(p);
}

/* HF checkpoint variants: no "bert." prefix, LayerNorm.gamma/beta, cls.* heads, missing classifier,
   a classifier trained for another number of labels. */
static void test_checkpoint_variants(void)
{
    bft_model *m, *m2;
    bft_st_file ref;
    const char *dir = "build/tmp_ckpt";
    char path[256];
    int k, n = 0;
    const char **names;
    int *nd;
    const int64_t **shapes;
    const float **data;
    char (*nm)[96];
    int64_t cls_shape[2] = {4, 20}, cls_b[1] = {7};
    float junk[80] = {0};
    if (!load_case("cls2", &m, &ref)) return;
    bft_st_free(&ref);
    bft_mkdirs(dir);
    names = (const char **)malloc(sizeof(char *) * (m->num_tensors + 2));
    nd = (int *)malloc(sizeof(int) * (m->num_tensors + 2));
    shapes = (const int64_t **)malloc(sizeof(int64_t *) * (m->num_tensors + 2));
    data = (const float **)malloc(sizeof(float *) * (m->num_tensors + 2));
    nm = (char (*)[96])malloc(96 * (m->num_tensors + 2));
    /* BertModel-style names (no prefix), gamma/beta, no classifier, plus a pre-training head */
    for (k = 0; k < m->num_tensors; k++) {
        const bft_tensor_info *t = &m->tensors[k];
        char *s;
        if (strncmp(t->name, "classifier", 10) == 0) continue;
        snprintf(nm[n], 96, "%s", t->name + 5);
        if ((s = strstr(nm[n], "LayerNorm.weight"))) strcpy(s, "LayerNorm.gamma");
        else if ((s = strstr(nm[n], "LayerNorm.bias"))) strcpy(s, "LayerNorm.beta");
        names[n] = nm[n]; nd[n] = t->ndim; shapes[n] = t->shape; data[n] = m->params + t->offset;
        n++;
    }
    snprintf(nm[n], 96, "cls.predictions.bias");
    names[n] = nm[n]; nd[n] = 1; shapes[n] = cls_b; data[n] = junk; n++;
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    CHECK_OK(bft_st_write(path, n, names, nd, shapes, data));
    CHECK_OK(bft_model_from_pretrained(&m2, path, &m->config, 5));
    if (m2) {
        CHECK(m2->load_report && strstr(m2->load_report, "newly initialized") && strstr(m2->load_report, "classifier.weight"),
              "report: %s", m2->load_report ? m2->load_report : "(none)");
        CHECK(m2->load_report && strstr(m2->load_report, "not used") && strstr(m2->load_report, "cls.predictions.bias"),
              "report: %s", m2->load_report ? m2->load_report : "(none)");
        for (k = 0; k < m->num_tensors; k++) {
            const bft_tensor_info *t = &m->tensors[k];
            if (strncmp(t->name, "classifier", 10) == 0) continue;
            CHECK(memcmp(m->params + t->offset, m2->params + t->offset, (size_t)t->shape[0] * t->ld * sizeof(float)) == 0,
                  "%s differs", t->name);
        }
        bft_model_free(m2);
    }
    /* a 4-label head into a 2-label model */
    snprintf(nm[n], 96, "classifier.weight");
    names[n] = nm[n]; nd[n] = 2; shapes[n] = cls_shape; data[n] = junk; n++;
    CHECK_OK(bft_st_write(path, n, names, nd, shapes, data));
    m2 = NULL;
    CHECK(bft_model_from_pretrained(&m2, path, &m->config, 5) == BFT_ERR_SHAPE, "shape mismatch not detected");
    CHECK(strstr(bft_last_error(), "size mismatch for classifier.weight: copying a param with shape [4, 20] from "
                                   "checkpoint, the shape in current model is [2, 20]") != NULL, "%s", bft_last_error());
    CHECK(m2 == NULL, "model returned on error");
    /* save, then load what we saved: identical parameters and config */
    CHECK_OK(bft_model_save(m, dir));
    CHECK_OK(bft_model_from_pretrained(&m2, dir, NULL, 5));
    if (m2) {
        CHECK(m2->num_params == m->num_params && memcmp(m2->params, m->params, m->num_params * sizeof(float)) == 0,
              "saved weights differ after loading");
        CHECK(m2->load_report == NULL, "report after roundtrip: %s", m2->load_report);
        CHECK(m2->config.num_labels == 2 && m2->config.hidden_size == 20, "config roundtrip");
        bft_model_free(m2);
    }
    /* the safetensors header we write is 8-byte aligned and tagged format=pt */
    {
        FILE *f = fopen(path, "rb");
        unsigned char lb[8];
        char head[64];
        unsigned long long hl = 0;
        int i;
        size_t got = fread(lb, 1, 8, f);
        for (i = 7; i >= 0; i--) hl = hl * 256 + lb[i];
        got += fread(head, 1, 32, f);
        head[32] = 0;
        fclose(f);
        CHECK(got == 40 && hl % 8 == 0 && strstr(head, "{\"__metadata__\":{\"format\":\"pt\"}"), "header %s", head);
    }
    free(names); free(nd); free(shapes); free(data); free(nm);
    bft_model_free(m);
}

static void test_bad_batches(void)
{
    bft_model *m;
    bft_st_file ref;
    int32_t ids[4] = {1, 2, 3, 99};
    float lab[1] = {2};
    bft_batch b = {1, 4, ids, NULL, NULL, NULL};
    if (!load_case("cls2", &m, &ref)) return;
    bft_st_free(&ref);
    CHECK(bft_forward(m, &b, 0) == BFT_ERR_INVALID && strstr(bft_last_error(), "input_ids[0][3] = 99"), "%s", bft_last_error());
    ids[3] = 4;
    b.labels = lab;
    CHECK(bft_forward(m, &b, 1) == BFT_ERR_INVALID && strstr(bft_last_error(), "label of row 0 is 2"), "%s", bft_last_error());
    b.labels = NULL;
    b.seq_len = 40;
    CHECK(bft_forward(m, &b, 0) == BFT_ERR_INVALID && strstr(bft_last_error(), "max_position_embeddings"), "%s", bft_last_error());
    CHECK(bft_backward(m) == BFT_ERR_INVALID, "backward without forward");
    bft_model_free(m);
}

int main(void)
{
    RUN_TEST(test_forward_backward_parity);
    RUN_TEST(test_training_steps_parity);
    RUN_TEST(test_clip_folded_into_adamw);
    RUN_TEST(test_cls_rows_only);
    RUN_TEST(test_bf16_packed_weights);
    RUN_TEST(test_finite_differences);
    RUN_TEST(test_threads_and_dropout);
    RUN_TEST(test_padded_rows);
    RUN_TEST(test_dropout_rate);
    RUN_TEST(test_gelu_accuracy);
    RUN_TEST(test_dynamic_shapes);
    RUN_TEST(test_config_parsing);
    RUN_TEST(test_safetensors_validation);
    RUN_TEST(test_checkpoint_variants);
    RUN_TEST(test_bad_batches);
    TEST_MAIN_END();
}
