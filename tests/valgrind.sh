#!/usr/bin/env bash
# tests/valgrind.sh CLI : `make valgrind`. The CLI (built -O1 -g without OpenMP) under valgrind
# memcheck: init, a short training run with evaluation, checkpoints and TensorBoard events, a
# resumed run, prediction, and a run refused with an error. Each must be free of invalid reads or
# writes, uses of uninitialised values and leaks (definite, indirect or possible).
# Ends with "N passed, N failed".
cli=${1:-build-valgrind/bertft}
data=${BERTFT_DATA:-../shared/data}
out=build-valgrind/run
rm -rf "$out" && mkdir -p "$out"
vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"
pass=0; fail=0
check() { # name expected_rc command...
  local name=$1 want=$2; shift 2
  "$@" > "$out/$name.log" 2>&1; local rc=$?
  if [ $rc -eq 99 ] || [ $rc -ne "$want" ] || grep -q '^==[0-9]*== ' "$out/$name.log"; then
    echo "FAIL valgrind_$name (exit $rc, want $want)"; grep '^==[0-9]*== ' "$out/$name.log" | head -30; fail=$((fail + 1))
  else
    echo "ok valgrind_$name"; pass=$((pass + 1))
  fi
}
args="--model_name_or_path $out/model --task_name mrpc --data_dir $data/glue --max_train_samples 32
  --max_eval_samples 16 --max_predict_samples 8 --per_device_train_batch_size 4 --per_device_eval_batch_size 8
  --gradient_accumulation_steps 2 --max_seq_length 64 --logging_steps 1 --save_steps 2 --seed 3 --disable_tqdm"
check init 0 $vg "$cli" init --config tests/fixtures/e2e_mrpc/config.json --vocab "$data/vocab/bert-base-uncased.txt" \
  --output_dir "$out/model" --seed 7
check train 0 $vg "$cli" $args --do_train --do_eval --max_steps 3 --eval_strategy steps --eval_steps 2 \
  --output_dir "$out/o" --overwrite_output_dir
check resume 0 $vg "$cli" $args --do_train --do_predict --max_steps 4 --report_to none --output_dir "$out/o"
check error 1 $vg "$cli" $args --do_train --learning_rate -1 --output_dir "$out/bad"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
