#!/usr/bin/env bash
# tools/bench_tokenizer.sh - tokenizer speed: bertft vs HF tokenizers (npm), one thread each, on all
# 3,668 MRPC train pairs (bert-base-uncased, max_length 128, longest_first); best of several runs.
# The npm binding's encodeBatch takes single texts only, so HF pairs are timed with encode() per pair,
# and both libraries are also timed on the 7,336 sentences as single texts (HF: encodeBatch).
# Run from the repository root after `cd tools && npm ci`.   Usage: tools/bench_tokenizer.sh [DATA_DIR]
set -euo pipefail
DATA=${1:-../shared/data}
mkdir -p build
${CC:-cc} -O2 -std=c99 -o build/bench_tokenizer tools/bench_tokenizer.c -lm
C_OUT=$(OMP_NUM_THREADS=1 build/bench_tokenizer "$DATA")
if ! (cd tools && node -e "require('tokenizers')") >/dev/null 2>&1; then
  echo "$C_OUT"
  echo "HF tokenizers (npm) is not installed, so only bertft was timed: run \`cd tools && npm ci\` first"
  exit 0
fi
HF_OUT=$(TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 node tools/tokenizer_reference.js bench \
         --vocab "$DATA/vocab/bert-base-uncased.txt" --data "$DATA")
echo "$C_OUT"
echo "$HF_OUT"
rate() { sed -n "$1p" | sed -n 's/.* \([0-9]*\) \(pairs\|texts\)\/s.*/\1/p'; }
c1=$(echo "$C_OUT" | rate 1); c2=$(echo "$C_OUT" | rate 2)
h1=$(echo "$HF_OUT" | rate 1); h2=$(echo "$HF_OUT" | rate 2)
awk -v c1="$c1" -v c2="$c2" -v h1="$h1" -v h2="$h2" \
  'BEGIN { printf "speed-up: pairs %.2fx (bertft / HF encode per pair), single texts %.2fx (bertft / HF encodeBatch)\n", c1 / h1, c2 / h2 }'
