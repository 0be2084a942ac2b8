#!/usr/bin/env bash
# tools/memory_report.sh [mini|base|all] : `make memory-report`. Peak resident memory of fine-tuning
# on GLUE MRPC with a memory ceiling, measured with /usr/bin/time (GNU time's %M = max RSS).
#
# How to fit a memory budget: the fixed part is 4 x 4 bytes per parameter (weights, gradients,
# AdamW's exp_avg and exp_avg_sq); the rest is activations, which grow with micro-batch x sequence
# length. So keep the effective batch (HF: per_device_train_batch_size x
# gradient_accumulation_steps) and shrink the micro-batch: --per_device_train_batch_size 8
# --gradient_accumulation_steps 4 trains exactly as batch 32 (same updates up to float rounding)
# with a quarter of the activations. Dropout masks are recomputed from a counter hash and GELU
# outputs recomputed in backward, so they cost no memory. --max_seq_length caps the longest batch.
#
#   BERT-mini (11.2 M parameters): budget 256 MB      BERT-base (109.5 M): budget 2.5 GB
# Models are randomly initialised with `bertft init` (peak memory does not depend on the values).
set -u
cli=${BERTFT_CLI:-./bertft}
data=${BERTFT_DATA:-../shared/data}
out=${MEM_OUT:-build/memory}
which=${1:-all}
steps=${MEM_STEPS:-3}
mkdir -p "$out"
status=0
measure() { # name budget_mb config_json micro_batch accumulation
  local name=$1 budget=$2 cfg=$3 mb=$4 ga=$5
  printf '%s' "$cfg" > "$out/$name.json"
  [ -f "$out/$name/model.safetensors" ] ||
    $cli init --config "$out/$name.json" --vocab "$data/vocab/bert-base-uncased.txt" --output_dir "$out/$name" --seed 1 > /dev/null || return 1
  rm -rf "$out/$name-run"
  /usr/bin/time -f '%M %e' -o "$out/$name.time" $cli --model_name_or_path "$out/$name" --task_name mrpc \
    --data_dir "$data/glue" --do_train --do_eval --max_eval_samples 64 --max_steps "$steps" --save_steps "$steps" \
    --per_device_train_batch_size "$mb" --gradient_accumulation_steps "$ga" --per_device_eval_batch_size "$mb" \
    --max_seq_length 128 --report_to none --disable_tqdm --output_dir "$out/$name-run" --overwrite_output_dir \
    > "$out/$name.log" 2>&1 || { echo "FAIL memory_$name: run failed, see $out/$name.log"; return 1; }
  # and resuming from that checkpoint (loads the optimizer state next to the model)
  /usr/bin/time -f '%M %e' -o "$out/$name.resume.time" $cli --model_name_or_path "$out/$name" --task_name mrpc \
    --data_dir "$data/glue" --do_train --max_steps $((steps + 1)) --save_steps 1000 \
    --per_device_train_batch_size "$mb" --gradient_accumulation_steps "$ga" --max_seq_length 128 --report_to none \
    --disable_tqdm --output_dir "$out/$name-run" >> "$out/$name.log" 2>&1 || { echo "FAIL memory_$name: resume failed, see $out/$name.log"; return 1; }
  read kb secs < "$out/$name.time"
  read kb2 secs2 < "$out/$name.resume.time"
  local peak=$(( kb > kb2 ? kb : kb2 ))
  printf '  %s: micro-batch %d x %d accumulation steps (batch %d), max_seq_length 128, %d steps + eval + checkpoint: peak RSS %.1f MB (%.0f s); resuming: %.1f MB; budget %d MB\n' \
    "$name" "$mb" "$ga" $((mb * ga)) "$steps" "$(awk "BEGIN{print $kb/1024}")" "$secs" "$(awk "BEGIN{print $kb2/1024}")" "$budget"
  if [ "$peak" -lt $((budget * 1024)) ]; then echo "ok memory_$name"; else echo "FAIL memory_$name"; return 1; fi
}
pass=0; fail=0
if [ "$which" = mini ] || [ "$which" = all ]; then
  if measure bert-mini 256 '{"vocab_size": 30522, "hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
      "intermediate_size": 1024, "max_position_embeddings": 512}' 8 4; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
fi
if [ "$which" = base ] || [ "$which" = all ]; then
  if measure bert-base 2560 '{"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
      "intermediate_size": 3072, "max_position_embeddings": 512}' 4 8; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
