#!/usr/bin/env python3
"""tools/hf_mrpc.py - the Hugging Face side of tools/gpu_check.sh (needs torch + transformers).

  hf_mrpc.py train MODEL_DIR GLUE_DIR OUT_DIR EPOCHS {tf32|bf16}
      HF Trainer fine-tunes MODEL_DIR (written by `bertft init`) on MRPC/train.tsv the way
      run_glue.py does (BertTokenizerFast, DataCollatorWithPadding, batch 32, lr 2e-5, seed 42),
      then evaluates on dev.tsv. Prints one JSON line: train_runtime, eval_loss/accuracy/f1.
  hf_mrpc.py load BERTFT_OUT_DIR GLUE_DIR
      from_pretrained on a directory bertft saved (model + tokenizer), no missing or unexpected
      tensors allowed; evaluates dev.tsv in exact fp32 on the CPU and prints one JSON line with
      eval_loss and eval_accuracy, to compare with bertft's eval_results.json.
Dev-time tool only: never needed to build, run or test bertft.
"""
import csv
import inspect
import json
import sys

import torch
import transformers
from transformers import (AutoTokenizer, BertForSequenceClassification, DataCollatorWithPadding, Trainer,
                          TrainingArguments)


def read_mrpc(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [r[3] for r in rows], [r[4] for r in rows], [int(r[0]) for r in rows]


def tokenizer_for(model_dir):
    try:
        return AutoTokenizer.from_pretrained(model_dir)
    except Exception:  # a directory with only vocab.txt: the tokenizer run_glue would build
        from transformers import BertTokenizerFast
        return BertTokenizerFast(vocab_file=model_dir + "/vocab.txt", do_lower_case=True)


def encode(tok, path):
    a, b, y = read_mrpc(path)
    enc = tok(a, b, truncation=True, max_length=128)
    return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
             "attention_mask": enc["attention_mask"][i], "labels": y[i]} for i in range(len(y))]


def metrics(p):
    logits, labels = p
    pred = logits.argmax(-1)
    tp = int(((pred == 1) & (labels == 1)).sum())
    fp = int(((pred == 1) & (labels == 0)).sum())
    fn = int(((pred == 0) & (labels == 1)).sum())
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"accuracy": float((pred == labels).mean()), "f1": f1}


def train(model_dir, glue, out, epochs, math):
    torch.backends.cuda.matmul.allow_tf32 = True  # what --tf32 sets (also under bf16 autocast)
    torch.backends.cudnn.allow_tf32 = True
    tok = tokenizer_for(model_dir)
    tr, dev = encode(tok, glue + "/MRPC/train.tsv"), encode(tok, glue + "/MRPC/dev.tsv")
    model = BertForSequenceClassification.from_pretrained(model_dir, num_labels=2)
    kw = dict(output_dir=out, per_device_train_batch_size=32, per_device_eval_batch_size=64, learning_rate=2e-5,
              num_train_epochs=float(epochs), logging_steps=20, save_strategy="no", report_to="none", seed=42,
              tf32=True, bf16=(math == "bf16"), disable_tqdm=True, eval_strategy="no", dataloader_num_workers=0)
    known = inspect.signature(TrainingArguments).parameters
    args = TrainingArguments(**{k: v for k, v in kw.items() if k in known})
    t = Trainer(model=model, args=args, train_dataset=tr, eval_dataset=dev, data_collator=DataCollatorWithPadding(tok),
                compute_metrics=metrics)
    res = {"train_runtime": t.train().metrics["train_runtime"]}
    ev = t.evaluate()
    res.update({k: ev[k] for k in ("eval_loss", "eval_accuracy", "eval_f1") if k in ev})
    res.update(torch=torch.__version__, transformers=transformers.__version__, math=math)
    print(json.dumps(res))


def load(saved, glue):
    tok = tokenizer_for(saved)
    model, info = BertForSequenceClassification.from_pretrained(saved, output_loading_info=True)
    # the lists transformers 4.x and 5.x both report (5.x adds others, e.g. about dtype conversions)
    bad = {k: info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs") if info.get(k)}
    if bad:
        sys.exit("from_pretrained(%s): %s" % (saved, bad))
    model.eval()
    dev = encode(tok, glue + "/MRPC/dev.tsv")
    coll = DataCollatorWithPadding(tok)
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(dev), 64):  # bertft's eval batches: 64 rows, padded to their longest
            b = coll(dev[i:i + 64])
            o = model(**b)
            loss_sum += float(o.loss) * len(b["labels"])
            correct += int((o.logits.argmax(-1) == b["labels"]).sum())
    print(json.dumps({"eval_loss": loss_sum / len(dev), "eval_accuracy": correct / len(dev),
                      "tokenizer": type(tok).__name__, "transformers": transformers.__version__}))


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "train":
        train(*sys.argv[2:6], sys.argv[6])
    elif len(sys.argv) == 4 and sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
