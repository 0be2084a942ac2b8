#!/usr/bin/env bash
# `make bf16-compare`: the same fine-tune in fp32 and with --bf16 (bf16 matrix products, fp32
# master weights), from the same initial weights, batches and dropout masks, side by side: the
# logged training losses, the evaluation metrics, and the time each run took.
#
#   TASK=mrpc EPOCHS=3 bash tools/bf16_compare.sh       (defaults; any GLUE task in ../shared)
#
# The model is BERT-mini's shape (L4 H256 A4), randomly initialised (no pretrained weights can
# reach this machine), so the metrics show agreement between the two precisions, not BERT's skill.
set -eu
cd "$(dirname "$0")/.."
task=${TASK:-mrpc}
epochs=${EPOCHS:-3}
glue=${GLUE_DIR:-../shared/data/glue}
vocab=${VOCAB:-../shared/data/vocab/bert-base-uncased.txt}
out=build/bf16_compare/$task
[ -x ./bertft ] || make -s bertft
mkdir -p "$out"
nl=2; case $task in stsb) nl=1;; mnli) nl=3;; esac
cat > "$out/config.json" <<JSON
{"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": 30522,
 "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 1024,
 "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
 "max_position_embeddings": 512, "type_vocab_size": 2, "initializer_range": 0.02,
 "layer_norm_eps": 1e-12, "pad_token_id": 0, "num_labels": $nl}
JSON
./bertft init --config "$out/config.json" --vocab "$vocab" --output_dir "$out/init" --seed 42 >/dev/null
for p in fp32 bf16; do
  flag=; [ $p = bf16 ] && flag=--bf16
  start=$(date +%s.%N)
  ./bertft --model_name_or_path "$out/init" --task_name "$task" --data_dir "$glue" --do_train --do_eval \
    --output_dir "$out/$p" --overwrite_output_dir --per_device_train_batch_size 32 --per_device_eval_batch_size 64 \
    --learning_rate 1e-4 --num_train_epochs "$epochs" --logging_steps 20 --eval_strategy epoch --save_strategy no \
    --report_to none --disable_tqdm --seed 42 $flag > "$out/$p.log" 2>&1 || { cat "$out/$p.log"; exit 1; }
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%s run: %.1f s\n", "'$p'", e - s }' | tee "$out/$p.time"
done
# trainer_log.jsonl: one JSON object per line; the training-loss entries, paired by order
echo
printf '%-6s %12s %12s %10s\n' step "fp32 loss" "bf16 loss" "rel diff"
paste <(grep '"loss"' "$out/fp32/trainer_log.jsonl" | grep -v eval_loss) \
      <(grep '"loss"' "$out/bf16/trainer_log.jsonl" | grep -v eval_loss) |
  awk -F'\t' '{ match($1, /"loss": [-0-9.eE+]+/); a = substr($1, RSTART + 8, RLENGTH - 8);
               match($2, /"loss": [-0-9.eE+]+/); b = substr($2, RSTART + 8, RLENGTH - 8);
               match($1, /"step": [0-9]+/); s = substr($1, RSTART + 8, RLENGTH - 8);
               d = (a - b) / a; if (d < 0) d = -d; if (d > w) w = d;
               printf "%-6s %12.6f %12.6f %10.2e\n", s, a, b, d }
       END { printf "worst relative difference of the logged losses: %.2e\n", w }'
echo
for p in fp32 bf16; do
  printf '%s final evaluation: ' $p
  tr -d '\n' < "$out/$p/eval_results.json" | sed 's/  */ /g'
  echo
done
