#!/usr/bin/python3
"""Write the PyTorch reference fixtures the C tests compare bertft against.

    /usr/bin/python3 tools/make_reference.py tests/fixtures [case ...]   (Debian: apt-get install python3-torch)

With case names, only those cases are written.

For each case it writes <out>/<case>/:
  config.json           HF BertConfig of a small BertForSequenceClassification
  model.safetensors     its initial weights (HF names; F32, or F16/BF16 for the conversion cases)
  reference.safetensors inputs and expected values:
      input_ids, token_type_ids, attention_mask, labels        batch 0 (real padding)
      logits, loss                                             forward of batch 0 (dropout 0)
      grad.<param name>                                        d loss / d param after backward
      steps.input_ids/.token_type_ids/.attention_mask/.labels  [S, B, T] batches of the S steps
      steps.loss, steps.grad_norm, steps.lr                    per optimizer step (Trainer order)
      final.<param name>                                       weights after the S steps
      logits_fp32                                  (mixed_bf16) batch 0's logits without bf16 rounding

The model below is written out from HF transformers' modeling_bert.py (eager attention): the
same module structure, operation order, additive finfo.min attention mask, exact-erf GELU,
CrossEntropy / MSE chosen as BertForSequenceClassification does. The training loop is HF
Trainer's: loss.backward(), clip_grad_norm_(max_grad_norm), AdamW with HF's no-decay groups,
get_linear_schedule_with_warmup, zero_grad. transformers itself is not needed.
"""
import json
import math
import os
import struct
import sys

import torch
from torch import nn

torch.set_num_threads(1)


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, input_ids, token_type_ids):
        T = input_ids.shape[1]
        position_ids = torch.arange(T).unsqueeze(0)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings += self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h = c["num_attention_heads"]
        self.d = c["hidden_size"] // self.h
        self.query = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.key = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.value = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def split(self, x):
        B, T, _ = x.shape
        return x.view(B, T, self.h, self.d).permute(0, 2, 1, 3)

    def forward(self, x, ext_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.d)
        scores = scores + ext_mask
        probs = self.dropout(nn.functional.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, x, m):
        return self.output(self.self(x, m), x)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))  # exact erf form, HF's "gelu"


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["intermediate_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, x, m):
        a = self.attention(x, m)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x, m):
        for layer in self.layer:
            x = layer(x, m)
        return x


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.activation = nn.Tanh()

    def forward(self, h):
        return self.activation(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, token_type_ids, attention_mask):
        ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        return self.pooler(self.encoder(self.embeddings(input_ids, token_type_ids), ext))


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.num_labels = c["num_labels"]
        self.bert = BertModel(c)
        cd = c.get("classifier_dropout")
        self.dropout = nn.Dropout(cd if cd is not None else c["hidden_dropout_prob"])
        self.classifier = nn.Linear(c["hidden_size"], c["num_labels"])
        self.apply(self._init_weights)

    def _init_weights(self, module):  # HF BertPreTrainedModel._init_weights
        r = self.c["initializer_range"]
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=r)
            module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=r)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, input_ids, token_type_ids, attention_mask, labels):
        logits = self.classifier(self.dropout(self.bert(input_ids, token_type_ids, attention_mask)))
        if self.num_labels == 1:
            loss = nn.MSELoss()(logits.squeeze(), labels.squeeze())
        else:
            loss = nn.CrossEntropyLoss()(logits.view(-1, self.num_labels), labels.view(-1))
        return logits, loss


# ---------------------------------------------------------------------------------------------
# bf16 mixed precision as bertft does it (m->precision = BFT_BF16, Trainer --bf16): every matrix
# product, in forward and in backward, takes operands rounded to bf16 and sums in fp32; everything
# else stays fp32. Written as autograd functions so that the backward products round too.
def rb(x):
    return x.to(torch.bfloat16).to(torch.float32)


class BF16Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        y = rb(x) @ rb(w).t()
        return y + b if b is not None else y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        g2, x2 = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
        return rb(g) @ rb(w), rb(g2).t() @ rb(x2), g2.sum(0)


class BF16Matmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return rb(a) @ rb(b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return rb(g) @ rb(b).transpose(-1, -2), rb(a).transpose(-1, -2) @ rb(g)


class bf16_products:
    """Within this block nn.Linear and torch.matmul (as the model above calls them) round."""

    def __enter__(self):
        self.saved = (nn.functional.linear, torch.matmul)
        nn.functional.linear = lambda x, w, b=None: BF16Linear.apply(x, w, b)
        torch.matmul = BF16Matmul.apply

    def __exit__(self, *exc):
        nn.functional.linear, torch.matmul = self.saved


class no_change:
    def __enter__(self):
        pass

    def __exit__(self, *exc):
        pass


def write_safetensors(path, tensors, dtype_for=None):
    """Minimal safetensors writer (the format is a u64 header length, JSON header, raw bytes)."""
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dt = (dtype_for or {}).get(name)
        if t.dtype == torch.int64:
            code, raw = "I64", t.numpy().tobytes()
        elif dt == "F16":
            code, raw = "F16", t.to(torch.float16).numpy().tobytes()
        elif dt == "BF16":
            code, raw = "BF16", t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        else:
            code, raw = "F32", t.to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def make_batch(g, c, B, T, lengths, num_labels):
    ids = torch.randint(1, c["vocab_size"], (B, T), generator=g)
    types = torch.zeros(B, T, dtype=torch.int64)
    mask = torch.zeros(B, T, dtype=torch.int64)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1
        ids[b, n:] = c["pad_token_id"]
        types[b, n // 2:n] = 1 if c["type_vocab_size"] > 1 else 0
    if num_labels == 1:
        labels = torch.rand(B, generator=g) * 5.0
    else:
        labels = torch.randint(0, num_labels, (B,), generator=g)
    return ids, types, mask, labels


ONLY = set()  # case names given on the command line: only those are written


def run_case(out_dir, name, c, B, T, lengths_per_step, steps, lr, warmup, wd, max_norm, weight_dtype=None,
             bf16=False):
    if ONLY and name not in ONLY:
        return
    with bf16_products() if bf16 else no_change():
        run_case_in(out_dir, name, c, B, T, lengths_per_step, steps, lr, warmup, wd, max_norm, weight_dtype, bf16)


def run_case_in(out_dir, name, c, B, T, lengths_per_step, steps, lr, warmup, wd, max_norm, weight_dtype, bf16):
    torch.manual_seed(1234)
    g = torch.Generator().manual_seed(4321)
    model = BertForSequenceClassification(c)
    # Round the initial weights to the stored dtype so the fixture's F16/BF16 file holds them exactly.
    if weight_dtype:
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.to(torch.float16 if weight_dtype == "F16" else torch.bfloat16).to(torch.float32))
    names = [n for n, _ in model.named_parameters()]
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    cfg = dict(c)
    cfg.update({"architectures": ["BertForSequenceClassification"], "model_type": "bert", "hidden_act": "gelu",
                "position_embedding_type": "absolute", "id2label": {str(i): "LABEL_%d" % i for i in range(c["num_labels"])},
                "label2id": {"LABEL_%d" % i: i for i in range(c["num_labels"])}})
    del cfg["num_labels"]  # HF writes id2label only; the reader must derive num_labels
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    params = dict(model.named_parameters())
    write_safetensors(os.path.join(d, "model.safetensors"), params,
                      {n: weight_dtype for n in names} if weight_dtype else None)

    ref = {}
    batches = [make_batch(g, c, B, T, lengths_per_step[i % len(lengths_per_step)], c["num_labels"]) for i in range(steps)]
    ids, types, mask, labels = batches[0]
    logits, loss = model(ids, types, mask, labels)
    loss.backward()
    ref.update({"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "labels": labels,
                "logits": logits, "loss": loss.reshape(1)})
    for n, p in model.named_parameters():
        ref["grad." + n] = p.grad.clone()
    model.zero_grad()
    if bf16:  # the same forward in fp32, to show how far bf16 moves the result
        with torch.no_grad():
            saved, nn.functional.linear, torch.matmul = (nn.functional.linear, torch.matmul), *FP32_OPS
            ref["logits_fp32"] = model(ids, types, mask, labels)[0]
            nn.functional.linear, torch.matmul = saved

    # HF Trainer's step: backward, clip, AdamW (no decay on biases and LayerNorm), scheduler.
    no_decay = [n for n in names if "bias" in n or "LayerNorm" in n]
    groups = [{"params": [p for n, p in model.named_parameters() if n not in no_decay], "weight_decay": wd},
              {"params": [p for n, p in model.named_parameters() if n in no_decay], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)

    def lr_lambda(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(steps - step) / float(max(1, steps - warmup)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    losses, norms, lrs = [], [], []
    for s in range(steps):
        ids, types, mask, labels = batches[s]
        lrs.append(sched.get_last_lr()[0])
        _, loss = model(ids, types, mask, labels)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)))
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(float(loss))
    ref["steps.input_ids"] = torch.stack([b[0] for b in batches])
    ref["steps.token_type_ids"] = torch.stack([b[1] for b in batches])
    ref["steps.attention_mask"] = torch.stack([b[2] for b in batches])
    ref["steps.labels"] = torch.stack([b[3] for b in batches])
    ref["steps.loss"] = torch.tensor(losses)
    ref["steps.grad_norm"] = torch.tensor(norms)
    ref["steps.lr"] = torch.tensor(lrs, dtype=torch.float64).to(torch.float32)
    ref["steps.hparams"] = torch.tensor([lr, warmup, wd, max_norm, steps], dtype=torch.float64).to(torch.float32)
    for n, p in model.named_parameters():
        ref["final." + n] = p.detach().clone()
    write_safetensors(os.path.join(d, "reference.safetensors"), ref)
    print("%s: %d params, loss %.6f, final loss %.6f" % (name, sum(p.numel() for p in model.parameters()),
                                                         ref["loss"].item(), losses[-1]))


def base_config(**kw):
    c = {"vocab_size": 64, "hidden_size": 20, "num_hidden_layers": 2, "num_attention_heads": 4,
         "intermediate_size": 37, "max_position_embeddings": 32, "type_vocab_size": 2, "pad_token_id": 0,
         "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "classifier_dropout": None,
         "initializer_range": 0.2, "layer_norm_eps": 1e-12, "num_labels": 2}
    c.update(kw)
    return c


FP32_OPS = (nn.functional.linear, torch.matmul)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures"
    ONLY.update(sys.argv[2:])
    # hidden 20 (not a multiple of 16), 4 heads of 5, uneven padding, 2 labels
    run_case(out, "cls2", base_config(), B=3, T=9, lengths_per_step=[[9, 5, 7], [6, 9, 2], [9, 9, 9], [3, 8, 4]],
             steps=10, lr=5e-3, warmup=3, wd=0.01, max_norm=1.0)
    # 3 labels, 3 layers, BF16 weights in the checkpoint, a batch with one row of length 1
    run_case(out, "cls3_bf16", base_config(num_labels=3, hidden_size=24, num_attention_heads=3, num_hidden_layers=3,
                                           intermediate_size=50, vocab_size=97, layer_norm_eps=1e-5),
             B=4, T=11, lengths_per_step=[[11, 1, 6, 10], [4, 11, 11, 2]], steps=10, lr=3e-3, warmup=2, wd=0.1,
             max_norm=0.5, weight_dtype="BF16")
    # regression (num_labels 1, MSE), F16 weights, a single layer
    run_case(out, "reg_f16", base_config(num_labels=1, hidden_size=16, num_attention_heads=2, num_hidden_layers=1,
                                         intermediate_size=24, type_vocab_size=1),
             B=5, T=7, lengths_per_step=[[7, 3, 5, 7, 1]], steps=10, lr=1e-2, warmup=0, wd=0.0, max_norm=1.0,
             weight_dtype="F16")
    # bf16 mixed precision (bf16 products, fp32 everything else); heads of 16 so that the 1/sqrt(d)
    # score scale is a power of two, which commutes with bf16 rounding (torch scales after the
    # product, bertft inside it); weights large enough that rounding shows in every tensor
    run_case(out, "mixed_bf16", base_config(hidden_size=32, num_attention_heads=2, intermediate_size=48),
             B=3, T=9, lengths_per_step=[[9, 5, 7], [6, 9, 2], [9, 9, 9], [3, 8, 4]], steps=10, lr=5e-3,
             warmup=3, wd=0.01, max_norm=1.0, bf16=True)
    # intermediate 512: output.dense.weight's rows are 2 KiB apart, so bertft pads them
    # (bft_tensor_info.ld = 528); checkpoints and every tensor compared here are unpadded
    run_case(out, "pad_rows", base_config(hidden_size=16, num_attention_heads=2, num_hidden_layers=1,
                                          intermediate_size=512, vocab_size=50),
             B=3, T=9, lengths_per_step=[[9, 5, 7], [6, 9, 2]], steps=10, lr=5e-3, warmup=3, wd=0.01, max_norm=1.0)


if __name__ == "__main__":
    main()
