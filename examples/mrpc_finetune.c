/* examples/mrpc_finetune.c - the classic MRPC fine-tuning workflow with the library API, step by
   step, the way the Hugging Face course does it in Python:

     tokenizer = AutoTokenizer.from_pretrained(ckpt)
     tokenized = raw_datasets.map(lambda x: tokenizer(x["sentence1"], x["sentence2"], truncation=True), batched=True)
     collator = DataCollatorWithPadding(tokenizer)
     model = AutoModelForSequenceClassification.from_pretrained(ckpt, num_labels=2)
     Trainer(model, args, train_dataset=..., data_collator=collator, ...).train()
     evaluate.load("glue", "mrpc").compute(predictions=np.argmax(logits, -1), references=labels)

       build/examples/mrpc_finetune MODEL_DIR GLUE_MRPC_DIR OUT_DIR [EPOCHS]
   e.g. build/examples/mrpc_finetune data/bert-base-uncased ../shared/data/glue/MRPC out/mrpc 3
   (`./bertft init` makes a random MODEL_DIR when you have no pretrained model.) */
#define BERTFT_IMPLEMENTATION
#include "../bertft.h"
#include <stdio.h>
#include <stdlib.h>

static void print_line(void *user, const char *line) { (void)user; fprintf(stderr, "%s\n", line); }

int main(int argc, char **argv)
{
    bft_tokenizer *tok = NULL;
    bft_dataset train, dev;
    bft_encoded etrain, edev;
    bft_config cfg;
    bft_model *m = NULL;
    bft_train_args args;
    bft_trainer tr;
    bft_metrics metrics;
    double eval_loss;
    char path[1024];
    int i, rc = 1;
    if (argc < 4) {
        fprintf(stderr, "usage: %s MODEL_DIR GLUE_MRPC_DIR OUT_DIR [EPOCHS]\n", argv[0]);
        return 2;
    }
    memset(&train, 0, sizeof train); memset(&dev, 0, sizeof dev);
    memset(&etrain, 0, sizeof etrain); memset(&edev, 0, sizeof edev);
    memset(&tr, 0, sizeof tr);

    /* 1. tokenizer and data: vocab.txt (+ tokenizer_config.json) and the GLUE TSVs */
    if (bft_tokenizer_from_pretrained(&tok, argv[1], -1) != BFT_OK ||
        bft_glue_load(&train, "mrpc", argv[2], "train") != BFT_OK ||
        bft_glue_load(&dev, "mrpc", argv[2], "validation") != BFT_OK)
        goto fail;
    /* 2. tokenize every pair (truncation=True, max_length 128), in parallel */
    if (bft_tokenizer_encode_batch(tok, train.n, (const char *const *)train.text_a, (const char *const *)train.text_b,
                                   128, BFT_TRUNC_LONGEST_FIRST, &etrain) != BFT_OK ||
        bft_tokenizer_encode_batch(tok, dev.n, (const char *const *)dev.text_a, (const char *const *)dev.text_b, 128,
                                   BFT_TRUNC_LONGEST_FIRST, &edev) != BFT_OK)
        goto fail;
    printf("tokenized %d training and %d validation pairs\n", etrain.n, edev.n);

    /* 3. the model, with a 2-label head named like HF's glue/mrpc labels */
    snprintf(path, sizeof path, "%s/config.json", argv[1]);
    if (bft_config_load(&cfg, path) != BFT_OK ||
        bft_config_set_num_labels(&cfg, 2, (const char *const *)train.label_names) != BFT_OK)
        goto fail;
    i = bft_model_from_pretrained(&m, argv[1], &cfg, 42);
    bft_config_free(&cfg);
    if (i != BFT_OK) goto fail;
    if (m->load_report) printf("%s", m->load_report); /* "newly initialized: classifier.weight ..." */

    /* 4. train: TrainingArguments defaults, dynamic padding (the collator pads each batch) */
    bft_train_args_default(&args);
    args.output_dir = argv[3];
    args.num_train_epochs = argc > 4 ? atof(argv[4]) : 3.0;
    args.learning_rate = 2e-5;
    args.per_device_train_batch_size = 8;
    args.eval_strategy = BFT_STRATEGY_EPOCH;
    args.save_strategy = BFT_STRATEGY_EPOCH;
    args.logging_steps = 50;
    args.log = print_line;
    if (bft_trainer_init(&tr, m, tok, &args, "mrpc") != BFT_OK ||
        bft_trainer_train(&tr, &etrain, train.labels, &edev, dev.labels) != BFT_OK)
        goto fail;

    /* 5. evaluate: accuracy and F1 from argmax(logits), as evaluate.load("glue", "mrpc") */
    if (bft_trainer_evaluate(&tr, &edev, dev.labels, "eval", &metrics, &eval_loss, NULL) != BFT_OK) goto fail;
    printf("eval_loss %.4f, accuracy %.4f, f1 %.4f\n", eval_loss, bft_metrics_get(&metrics, "accuracy"),
           bft_metrics_get(&metrics, "f1"));

    /* 6. save: model.safetensors + config.json + tokenizer files, loadable by from_pretrained */
    if (bft_model_save(m, argv[3]) != BFT_OK || bft_tokenizer_save(tok, argv[3]) != BFT_OK) goto fail;
    printf("saved the fine-tuned model in %s\n", argv[3]);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "error: %s\n", bft_last_error());
done:
    bft_trainer_free(&tr);
    bft_encoded_free(&etrain); bft_encoded_free(&edev);
    bft_dataset_free(&train); bft_dataset_free(&dev);
    if (m) bft_model_free(m);
    if (tok) bft_tokenizer_free(tok);
    return rc;
}
