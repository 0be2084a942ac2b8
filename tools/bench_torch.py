#!/usr/bin/python3
"""PyTorch side of `make bench`: one case per run, printed as one line
    CASE seconds_per_step tokens_per_s peak_rss_mb
The model is tools/make_reference.py's BertForSequenceClassification (HF's eager BERT, random
init); a training step is forward + backward + clip_grad_norm_ + AdamW + zero_grad, dropout on.
Median of 5 steps after 3 warm-up steps, as the speed issue measures PyTorch.

    /usr/bin/python3 tools/bench_torch.py train_base|train_mrpc|train_mrpc_bf16|train_base_bf16|infer_base|infer_base_bf16|infer_one|infer_one_bf16|train_mini
"""
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import BertForSequenceClassification  # noqa: E402

BASE = {"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
        "intermediate_size": 3072, "max_position_embeddings": 512, "type_vocab_size": 2, "pad_token_id": 0,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "classifier_dropout": None,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "num_labels": 2}
MINI = dict(BASE, hidden_size=256, num_hidden_layers=4, num_attention_heads=4, intermediate_size=1024)
CASES = {  # config, batch, seq, train, bf16
    "train_base": (BASE, 32, 128, True, False),
    "train_mrpc": (BASE, 32, 79, True, False),
    "train_mrpc_bf16": (BASE, 32, 79, True, True),
    "train_base_bf16": (BASE, 32, 128, True, True),
    "infer_base": (BASE, 32, 128, False, False),
    "infer_base_bf16": (BASE, 32, 128, False, True),
    "infer_one": (BASE, 1, 128, False, False),
    "infer_one_bf16": (BASE, 1, 128, False, True),
    "train_mini": (MINI, 32, 128, True, False),
}


def main():
    name = sys.argv[1]
    cfg, B, T, train, bf16 = CASES[name]
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg)
    ids = torch.randint(1000, 30000, (B, T))
    types = torch.zeros(B, T, dtype=torch.int64)
    mask = torch.ones(B, T, dtype=torch.int64)
    labels = torch.randint(0, 2, (B,))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    times = []
    for i in range(8):
        t0 = time.perf_counter()
        if train:
            model.train()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                _, loss = model(ids, types, mask, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            opt.zero_grad()
        else:
            model.eval()
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                model(ids, types, mask, labels)
        dt = time.perf_counter() - t0
        if i >= 3:
            times.append(dt)
    med = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("%s %.4f %.1f %.0f" % (name, med, B * T / med, rss))


if __name__ == "__main__":
    main()
