#!/usr/bin/python3
"""End-to-end reference for the trainer: PyTorch trains the same initial model on the same MRPC
batches as `./bertft` does (no shuffle, dropout 0, warmup + weight decay + clipping on) and
writes the per-step losses, gradient norms and learning rates, and the evaluation metrics.

    make bertft && /usr/bin/python3 tools/make_e2e_reference.py     (writes tests/fixtures/e2e_mrpc/)

The initial model is the one `./bertft init --seed 7` writes (its RNG is bertft's own, so the C
test recreates it bit for bit and checks its FNV-1a hash first). The token ids come from
`./bertft tokenize`, whose output tests/test_tokenizer.c checks against HF's tokenizer. The
training loop is tools/make_reference.py's Trainer loop: loss.backward(), clip_grad_norm_,
AdamW with HF's no-decay groups, linear warmup schedule; each batch is padded to its longest
sequence (DataCollatorWithPadding).
"""
import json
import os
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import BertForSequenceClassification  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures", "e2e_mrpc")
VOCAB = os.path.join(ROOT, "..", "shared", "data", "vocab", "bert-base-uncased.txt")
MRPC = os.path.join(ROOT, "..", "shared", "data", "glue", "MRPC")
N_TRAIN, N_EVAL, BS, EVAL_BS, STEPS, WARMUP, LR, WD, CLIP, SEED, MAXLEN = 480, 96, 8, 16, 60, 10, 2e-3, 0.01, 1.0, 7, 128


def read_safetensors(path):
    import struct
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(info["shape"])
        out[name] = t.clone()
    return out


def read_mrpc(split, n):
    rows = []
    with open(os.path.join(MRPC, split + ".tsv"), encoding="utf-8-sig") as f:
        next(f)
        for line in f:
            q, _, _, a, b = line.rstrip("\n").split("\t")
            rows.append((a, b, int(q)))
            if len(rows) == n:
                break
    return rows


def tokenize(rows):
    text = "".join("%s\t%s\n" % (a, b) for a, b, _ in rows)
    out = subprocess.run([os.path.join(ROOT, "bertft"), "tokenize", "--vocab", VOCAB, "--max_seq_length", str(MAXLEN)],
                         input=text.encode(), capture_output=True, check=True).stdout.decode()
    enc = []
    for line in out.splitlines():
        ids, types = line.split("\t")
        enc.append(([int(x) for x in ids.split()], [int(x) for x in types.split()]))
    return enc


def collate(enc, rows, lo, hi):
    T = max(len(enc[i][0]) for i in range(lo, hi))
    ids = torch.zeros(hi - lo, T, dtype=torch.int64)
    types = torch.zeros(hi - lo, T, dtype=torch.int64)
    mask = torch.zeros(hi - lo, T, dtype=torch.int64)
    for r, i in enumerate(range(lo, hi)):
        n = len(enc[i][0])
        ids[r, :n] = torch.tensor(enc[i][0])
        types[r, :n] = torch.tensor(enc[i][1])
        mask[r, :n] = 1
    labels = torch.tensor([rows[i][2] for i in range(lo, hi)])
    return ids, types, mask, labels


def main():
    os.makedirs(FIX, exist_ok=True)
    model_dir = os.path.join(ROOT, "build", "e2e_model")
    subprocess.run([os.path.join(ROOT, "bertft"), "init", "--config", os.path.join(FIX, "config.json"), "--vocab", VOCAB,
                    "--output_dir", model_dir, "--seed", str(SEED)], check=True)
    st_path = os.path.join(model_dir, "model.safetensors")
    h = 0xcbf29ce484222325
    for byte in open(st_path, "rb").read():
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    fnv = "%016x" % h
    c = json.load(open(os.path.join(model_dir, "config.json")))
    c["num_labels"] = len(c["id2label"])
    c["hidden_dropout_prob"] = c["attention_probs_dropout_prob"] = 0.0
    c["classifier_dropout"] = 0.0
    model = BertForSequenceClassification(c)
    weights = read_safetensors(st_path)
    model.load_state_dict(weights, strict=True)

    train, dev = read_mrpc("train", N_TRAIN), read_mrpc("dev", N_EVAL)
    etrain, edev = tokenize(train), tokenize(dev)
    names = [n for n, _ in model.named_parameters()]
    no_decay = [n for n in names if "bias" in n or "LayerNorm" in n]
    groups = [{"params": [p for n, p in model.named_parameters() if n not in no_decay], "weight_decay": WD},
              {"params": [p for n, p in model.named_parameters() if n in no_decay], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=LR, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: s / max(1, WARMUP) if s < WARMUP else max(0.0, (STEPS - s) / max(1, STEPS - WARMUP)))
    losses, norms, lrs = [], [], []
    nb = (N_TRAIN + BS - 1) // BS
    for step in range(STEPS):
        b = step % nb
        ids, types, mask, labels = collate(etrain, train, b * BS, min(N_TRAIN, (b + 1) * BS))
        _, loss = model(ids, types, mask, labels)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)))
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(float(loss))
        lrs.append(sched.get_last_lr()[0])  # what Trainer logs after the step
    with torch.no_grad():
        preds, eloss = [], 0.0
        for lo in range(0, N_EVAL, EVAL_BS):
            ids, types, mask, labels = collate(edev, dev, lo, min(N_EVAL, lo + EVAL_BS))
            logits, loss = model(ids, types, mask, labels)
            eloss += float(loss) * len(labels)
            preds += logits.argmax(-1).tolist()
    gold = [r[2] for r in dev]
    tp = sum(1 for p, g in zip(preds, gold) if p == 1 and g == 1)
    fp = sum(1 for p, g in zip(preds, gold) if p == 1 and g == 0)
    fn = sum(1 for p, g in zip(preds, gold) if p == 0 and g == 1)
    acc = sum(1 for p, g in zip(preds, gold) if p == g) / len(gold)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    exp = {"about": "written by tools/make_e2e_reference.py; PyTorch %s" % torch.__version__,
           "init_fnv1a64": fnv, "seed": SEED, "n_train": N_TRAIN, "n_eval": N_EVAL, "batch_size": BS,
           "eval_batch_size": EVAL_BS, "steps": STEPS, "warmup_steps": WARMUP, "learning_rate": LR,
           "weight_decay": WD, "max_grad_norm": CLIP, "loss": losses, "grad_norm": norms, "learning_rate_logged": lrs,
           "eval_loss": eloss / N_EVAL, "eval_accuracy": acc, "eval_f1": f1, "predictions": preds}
    with open(os.path.join(FIX, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1)
    print("e2e: %d steps, loss %.5f -> %.5f, eval accuracy %.4f f1 %.4f" % (STEPS, losses[0], losses[-1], acc, f1))


if __name__ == "__main__":
    main()
