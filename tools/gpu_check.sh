#!/usr/bin/env bash
# tools/gpu_check.sh - check bertft_cuda.h on a machine with an NVIDIA GPU (and its CPU side anywhere).
#
#   tools/gpu_check.sh            everything this machine can run
#   GPU_CHECK_REQUIRE_GPU=1 ...   fail (exit 1) when no GPU is visible instead of skipping
#   GPU_CHECK_BENCH=0 ...         skip the BERT-base MRPC epoch (and the HF Trainer comparison)
#
# Steps (each prints its own verdict; the script ends with "gpu_check: N passed, N failed, N skipped"):
#   1. build: nvcc compiles build/bertft-cuda (tools/bertft_cuda.cu) and build/test_cuda_gpu
#      (tests/test_cuda_host.c as CUDA C++); cc builds build/test_cuda_host.
#   2. CPU side, no GPU needed: the kernels' host references against bertft.h's CPU layers and
#      the whole device path in emulation against PyTorch's fixtures and the CPU
#      (build/test_cuda_host), then the CLI with --device cuda-emulate against the CPU CLI, in
#      fp32 and with --bf16 on both.
#   3. GPU parity: build/test_cuda_gpu checks that each math mode does what it says on plain and
#      batched products (FP32 exact, TF32, BF16 = the exact product of bf16-rounded operands),
#      then runs the same device tests on GPU 0 in FP32 and TF32 (and the fixtures in BF16):
#      fixtures cls2, cls3_bf16, reg_f16, pad_rows (forward/backward and 10 optimizer steps) against
#      PyTorch, and 200 steps with dropout against the CPU (same seed, so the same dropout
#      masks). Tolerances (norm-wise relative error):
#        FP32: logits/loss 1e-5, gradients 2e-4, 10-step loss 1e-4, weights 2e-4
#        TF32: logits/loss 5e-3, gradients 5e-2, 10-step loss 1e-2, weights 5e-2
#        BF16: logits/loss 3e-2, gradients 2e-1, 10-step loss 5e-2, weights 2e-1
#      (TF32 rounds GEMM inputs to 10 mantissa bits, ~5e-4 per product, bf16 to 8 bits, ~4e-3,
#      compounding per layer; the 200-step run's bounds grow with the step, see the test.)
#   4. 200-step CLI run: bertft-cuda on the CPU and with --device cuda, a small random BERT on
#      MRPC with dropout (the same masks: same seed, same generator); the logged losses must agree
#      step for step within 1e-3 relative in FP32 math, 2e-2 in TF32 and 5e-2 in BF16. With torch + transformers:
#      transformers' own from_pretrained loads the CPU run's saved output (model and tokenizer),
#      with no missing or unexpected tensor, and its dev loss and accuracy must be bertft's.
#   5. benchmark: a GPU_CHECK_EPOCHS-epoch (default 3) MRPC fine-tune (3,668 pairs, batch 32,
#      max_seq_length 128, dynamic padding, then dev evaluation) of a randomly initialised
#      BERT-base, once per GPU_CHECK_MATH (default "tf32 bf16": bertft-cuda's default and --bf16),
#      and, when python3 has torch (with CUDA) and transformers, the same fine-tune with HF
#      Trainer (tools/hf_mrpc.py: tf32=True, and bf16=True autocast for bf16) in the same run:
#      times, dev metrics and the ratio.
# Every program runs under `timeout` (GPU_CHECK_TIMEOUT seconds, default 300).
#   GPU_CHECK_SANITIZE=1 adds 6.: compute-sanitizer memcheck over build/test_cuda_gpu.
set -u
cd "$(dirname "$0")/.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
CC=${CC:-cc}
out=build/gpu_check
tmo=${GPU_CHECK_TIMEOUT:-300}  # seconds for each program
cli=build/bertft-cuda  # built here (the Makefile's `make cuda` builds ./bertft-cuda the same way)
mkdir -p "$out"
pass=0; fail=0; skip=0
ok()   { echo "ok   $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }
skp()  { echo "SKIP $*"; skip=$((skip + 1)); }

# ---------------------------------------------------------------- the GPU, if any
have_gpu=0
gpu_desc="no GPU: nvidia-smi not found"
if command -v nvidia-smi >/dev/null 2>&1; then
  if nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    have_gpu=1
    gpu_desc=$(nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)
  else
    gpu_desc="no GPU: nvidia-smi lists none"
  fi
fi
echo "== gpu_check: $gpu_desc"
echo "   nvcc: $("${NVCC}" --version 2>/dev/null | tail -1)"
echo "   python3: $(python3 -c 'import sys, torch, transformers; print(sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available(), "transformers", transformers.__version__)' 2>&1 | tail -1)"
# sm_XY of this GPU (native code), plus PTX for compute_80 that any newer GPU can JIT
arch="-gencode arch=compute_80,code=compute_80 -gencode arch=compute_90,code=sm_90"
if [ $have_gpu = 1 ]; then
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
  [ -n "$cap" ] && arch="-gencode arch=compute_80,code=compute_80 -gencode arch=compute_$cap,code=sm_$cap"
fi

# ---------------------------------------------------------------- 1. build
echo "== 1. build ($NVCC $arch)"
$CC -O2 -std=c99 -Wall -Wextra -pedantic -fopenmp -o build/test_cuda_host tests/test_cuda_host.c -lm >"$out/build_host.log" 2>&1 &
p3=$!
if [ ! -x "$NVCC" ] && ! command -v "$NVCC" >/dev/null 2>&1; then
  bad "build: nvcc not found (set NVCC=)"
else
  # the two nvcc builds side by side (each is one translation unit); cuBLAS is found at run time
  # through an rpath to nvcc's own toolkit, so no LD_LIBRARY_PATH is needed (and none set for python)
  cudalib=$(cd "$(dirname "$(command -v "$NVCC")")/.." 2>/dev/null && pwd)/lib64
  rpath=$([ -d "$cudalib" ] && echo "-Xlinker -rpath -Xlinker $cudalib")
  "$NVCC" -std=c++17 -O2 $arch -I. -Xcompiler -fopenmp,-ffp-contract=off -o build/bertft-cuda tools/bertft_cuda.cu \
    $rpath -lcublas -lgomp >"$out/build_cli.log" 2>&1 &
  p1=$!
  "$NVCC" -std=c++17 -O2 $arch -I. -Xcompiler -fopenmp,-ffp-contract=off -x cu -o build/test_cuda_gpu \
    tests/test_cuda_host.c $rpath -lcublas -lgomp >"$out/build_test.log" 2>&1 &
  p2=$!
  if wait $p1; then ok "build: $cli"; else bad "build: $cli (see $out/build_cli.log)"; tail -20 "$out/build_cli.log"; fi
  if wait $p2; then ok "build: build/test_cuda_gpu"; else
    bad "build: build/test_cuda_gpu (see $out/build_test.log)"; tail -20 "$out/build_test.log"
  fi
fi
if wait $p3; then ok "build: build/test_cuda_host (cc)"; else bad "build: build/test_cuda_host (see $out/build_host.log)"; fi

# ---------------------------------------------------------------- data and models
glue=""
for d in data/glue ../shared/data/glue shared/data/glue; do [ -f "$d/MRPC/train.tsv" ] && { glue=$d; break; }; done
vocab=""
for v in data/vocab/bert-base-uncased.txt ../shared/data/vocab/bert-base-uncased.txt shared/data/vocab/bert-base-uncased.txt \
         data/bert-base-uncased/vocab.txt; do [ -f "$v" ] && { vocab=$v; break; }; done

# ---------------------------------------------------------------- 2. CPU side
echo "== 2. CPU side: host references and the device path in emulation"
if [ -x build/test_cuda_host ]; then
  if build/test_cuda_host > "$out/test_cuda_host.log" 2>&1; then
    ok "host references + emulated device ($(grep -c '^ok ' "$out/test_cuda_host.log") tests)"
  else
    bad "host references + emulated device (see $out/test_cuda_host.log)"; grep -A3 'FAIL\|:[0-9]*: ' "$out/test_cuda_host.log" | head -20
  fi
  grep '^  ' "$out/test_cuda_host.log" | head -12
fi

# two runs of the CLI on the same small model; prints the worst relative difference of the logged losses
compare_losses() { # a.jsonl b.jsonl
  python3 - "$1" "$2" <<'EOF' 2>/dev/null || awk 'BEGIN { print "nan 0" }'
import json, sys
def losses(p):
    return {j["step"]: j["loss"] for j in map(json.loads, open(p)) if "loss" in j and "step" in j}
a, b = losses(sys.argv[1]), losses(sys.argv[2])
common = sorted(set(a) & set(b))
worst = max((abs(a[s] - b[s]) / abs(a[s]) for s in common), default=float("nan"))
print("%.3e %d" % (worst, len(common)))
EOF
}
cli_hook=0
mini=$out/mini
if [ -x "$cli" ] && [ -n "$glue" ] && [ -n "$vocab" ]; then
  $cli init --config tests/fixtures/e2e_mrpc/config.json --vocab "$vocab" --output_dir "$mini" --seed 7 >/dev/null 2>&1
  common="--model_name_or_path $mini --task_name mrpc --data_dir $glue --do_train --max_seq_length 128 \
    --per_device_train_batch_size 32 --learning_rate 1e-3 --warmup_steps 10 --logging_steps 1 --save_strategy no \
    --report_to none --overwrite_output_dir --disable_tqdm --seed 11"
  if $cli $common --max_steps 1 --output_dir "$out/probe" --device cuda-emulate 2>&1 | grep -q "CPU only"; then
    skp "CLI --device: tools/cli.c lacks the BFT_CLI_DEVICE_OPEN hook (see bertft_cuda.cu), CLI checks skipped"
  else
    cli_hook=1
    $cli $common --max_steps 12 --output_dir "$out/cli_cpu12" > "$out/cli_cpu12.log" 2>&1
    $cli $common --max_steps 12 --output_dir "$out/cli_emu12" --device cuda-emulate > "$out/cli_emu12.log" 2>&1
    read -r worst n < <(compare_losses "$out/cli_cpu12/trainer_log.jsonl" "$out/cli_emu12/trainer_log.jsonl")
    if awk -v w="$worst" -v n="$n" 'BEGIN { exit !(n == 12 && w < 1e-5) }'; then
      ok "CLI --device cuda-emulate vs CPU, 12 MRPC steps with dropout: worst loss rel $worst"
    else
      bad "CLI --device cuda-emulate vs CPU: worst loss rel $worst over $n steps (logs in $out)"
    fi
    # --bf16 on both: the same operands rounded; only fp32 summation order (and through it an
    # element on a bf16 boundary) differs
    $cli $common --max_steps 12 --bf16 --output_dir "$out/cli_cpu12_bf16" > "$out/cli_cpu12_bf16.log" 2>&1
    $cli $common --max_steps 12 --bf16 --output_dir "$out/cli_emu12_bf16" --device cuda-emulate > "$out/cli_emu12_bf16.log" 2>&1
    read -r worst n < <(compare_losses "$out/cli_cpu12_bf16/trainer_log.jsonl" "$out/cli_emu12_bf16/trainer_log.jsonl")
    if awk -v w="$worst" -v n="$n" 'BEGIN { exit !(n == 12 && w < 1e-3) }'; then
      ok "CLI --device cuda-emulate --bf16 vs CPU --bf16, 12 MRPC steps: worst loss rel $worst (bound 1e-3)"
    else
      bad "CLI --device cuda-emulate --bf16 vs CPU --bf16: worst loss rel $worst over $n steps (logs in $out)"
    fi
  fi
else
  skp "CLI checks: need bertft-cuda, GLUE MRPC data and bert-base-uncased vocab (glue='$glue' vocab='$vocab')"
fi

if [ $have_gpu = 0 ]; then
  echo "== GPU checks skipped: $gpu_desc"
  echo "   unverified here: kernels on a GPU, cuBLAS calls, FP32/TF32 parity, 200-step CPU-vs-GPU run, MRPC epoch benchmark"
  skip=$((skip + 3))
  echo "gpu_check: $pass passed, $fail failed, $skip skipped"
  if [ "${GPU_CHECK_REQUIRE_GPU:-0}" = 1 ]; then exit 1; fi
  [ $fail -eq 0 ]; exit $?
fi

# ---------------------------------------------------------------- 3. GPU parity
echo "== 3. GPU parity (GEMM math modes; fixtures in FP32, TF32 and BF16; 200 steps against the CPU)"
if [ -x build/test_cuda_gpu ]; then
  if BFT_CUDA_STEPS=200 timeout $tmo build/test_cuda_gpu > "$out/test_cuda_gpu.log" 2>&1; then
    ok "GPU parity ($(grep -c '^ok ' "$out/test_cuda_gpu.log") tests: emulation, gpu-fp32, gpu-tf32)"
  else
    bad "GPU parity (see $out/test_cuda_gpu.log)"; grep -B1 'FAIL' "$out/test_cuda_gpu.log" | head -30
  fi
  grep '^  gpu\|^==' "$out/test_cuda_gpu.log"
else
  bad "GPU parity: build/test_cuda_gpu was not built"
fi

# ---------------------------------------------------------------- 4. 200-step CLI run, CPU vs GPU
echo "== 4. 200 MRPC steps (small random BERT, dropout on): CPU vs GPU"
have_hf=0
python3 -c 'import torch, transformers' 2>/dev/null && have_hf=1
if [ $cli_hook = 1 ]; then
  timeout $tmo $cli $common --max_steps 200 --do_eval --output_dir "$out/cli_cpu200" > "$out/cli_cpu200.log" 2>&1
  for math in fp32 tf32 bf16; do
    lim=$(case $math in fp32) echo 1e-3 ;; tf32) echo 2e-2 ;; *) echo 5e-2 ;; esac)
    BERTFT_CUDA_MATH=$math timeout $tmo $cli $common --max_steps 200 --output_dir "$out/cli_gpu200_$math" --device cuda \
      > "$out/cli_gpu200_$math.log" 2>&1
    read -r worst n < <(compare_losses "$out/cli_cpu200/trainer_log.jsonl" "$out/cli_gpu200_$math/trainer_log.jsonl")
    if awk -v w="$worst" -v n="$n" -v l="$lim" 'BEGIN { exit !(n == 200 && w < l) }'; then
      ok "200 steps, GPU ($math) vs CPU: worst logged-loss rel $worst (bound $lim)"
    else
      bad "200 steps, GPU ($math) vs CPU: worst logged-loss rel $worst over $n steps, bound $lim (logs in $out)"
      tail -3 "$out/cli_gpu200_$math.log"
    fi
  done
  for r in cpu200 gpu200_fp32 gpu200_tf32 gpu200_bf16; do
    printf '   %-12s %s\n' "$r" "$(grep -o '"train_runtime": [0-9.]*' "$out/cli_$r/train_results.json" 2>/dev/null)"
  done
  # transformers' own from_pretrained on what bertft saved: no missing/unexpected tensors, same dev loss
  if [ $have_hf = 1 ]; then
    hl=$(timeout $tmo python3 tools/hf_mrpc.py load "$out/cli_cpu200" "$glue" 2>"$out/hf_load.log" | tail -1)
    echo "   HF from_pretrained: $hl"
    bl=$(python3 -c "import json;d=json.load(open('$out/cli_cpu200/eval_results.json'));print(d['eval_loss'],d['eval_accuracy'])" 2>/dev/null)
    echo "   bertft (CPU) eval:  $bl"
    if python3 -c '
import json, sys
h = json.loads(sys.argv[1]); loss, acc = map(float, sys.argv[2].split())
sys.exit(0 if abs(h["eval_loss"] - loss) <= 1e-5 * abs(loss) and h["eval_accuracy"] == acc else 1)' "$hl" "$bl" 2>/dev/null
    then ok "transformers' from_pretrained loads bertft's saved model and tokenizer: the same dev loss (1e-5) and accuracy"
    else bad "transformers' from_pretrained on bertft's output (see $out/hf_load.log)"; tail -3 "$out/hf_load.log"
    fi
  else
    skp "from_pretrained check: python3 lacks torch or transformers"
  fi
else
  skp "200-step CLI run (no CLI device hook or no data)"
fi

# ---------------------------------------------------------------- 5. benchmark
epochs=${GPU_CHECK_EPOCHS:-3}
echo "== 5. MRPC fine-tune of BERT-base (random init), $epochs epochs, batch 32, max_seq_length 128: bertft-cuda vs HF Trainer"
if [ "${GPU_CHECK_BENCH:-1}" = 0 ]; then
  skp "benchmark (GPU_CHECK_BENCH=0)"
elif [ $cli_hook = 1 ]; then
  base=$out/bert-base-random
  cat > "$out/bert-base.json" <<'EOF'
{"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": 30522, "hidden_size": 768,
 "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "hidden_act": "gelu",
 "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512, "type_vocab_size": 2,
 "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute"}
EOF
  $cli init --config "$out/bert-base.json" --vocab "$vocab" --output_dir "$base" --seed 42 >/dev/null 2>&1
  bargs="--model_name_or_path $base --task_name mrpc --data_dir $glue --do_train --do_eval --max_seq_length 128 \
    --per_device_train_batch_size 32 --per_device_eval_batch_size 64 --learning_rate 2e-5 --num_train_epochs $epochs \
    --logging_steps 20 --save_strategy no --report_to none --overwrite_output_dir --disable_tqdm --seed 42"
  field() { python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(' '.join('%s' % d.get(k, '-') for k in sys.argv[2:]))" "$@" 2>/dev/null; }
  for math in ${GPU_CHECK_MATH:-tf32 bf16}; do
    flag=$([ $math = bf16 ] && echo --bf16)
    timeout $tmo $cli $bargs $flag --output_dir "$out/bench_gpu_$math" --device cuda > "$out/bench_gpu_$math.log" 2>&1
    read -r bt < <(field "$out/bench_gpu_$math/train_results.json" train_runtime)
    read -r bl ba bf < <(field "$out/bench_gpu_$math/eval_results.json" eval_loss eval_accuracy eval_f1)
    if [ -n "$bt" ]; then
      ok "bertft-cuda ($math): $epochs epochs in ${bt} s; eval loss $bl accuracy $ba f1 $bf"
    else
      bad "bertft-cuda benchmark $math (see $out/bench_gpu_$math.log)"; tail -5 "$out/bench_gpu_$math.log"
    fi
    if [ $have_hf = 1 ] && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
      hj=$(timeout $tmo python3 tools/hf_mrpc.py train "$base" "$glue" "$out/bench_hf_$math" "$epochs" $math \
           2>"$out/bench_hf_$math.log" | tail -1)
      ht=$(python3 -c "import json,sys;print(json.loads(sys.argv[1])['train_runtime'])" "$hj" 2>/dev/null)
      if [ -n "$ht" ] && [ -n "$bt" ]; then
        ok "HF Trainer ($math): $hj"
        awk -v h="$ht" -v b="$bt" -v m=$math 'BEGIN { printf "   %s: HF Trainer / bertft-cuda = %.2fx (higher: bertft-cuda faster)\n", m, h / b }'
      else
        bad "HF Trainer benchmark $math (see $out/bench_hf_$math.log)"; tail -5 "$out/bench_hf_$math.log"
      fi
    else
      skp "HF Trainer comparison: python3 lacks torch with CUDA or transformers"
    fi
  done
else
  skp "benchmark (no CLI device hook or no data)"
fi

# ---------------------------------------------------------------- 6. sanitizer (optional)
if [ "${GPU_CHECK_SANITIZE:-0}" = 1 ] && command -v compute-sanitizer >/dev/null 2>&1 && [ -x build/test_cuda_gpu ]; then
  echo "== 6. compute-sanitizer memcheck on build/test_cuda_gpu (3 steps)"
  if BFT_CUDA_STEPS=3 timeout $tmo compute-sanitizer --tool memcheck --error-exitcode 9 build/test_cuda_gpu \
       > "$out/sanitizer.log" 2>&1; then
    ok "compute-sanitizer memcheck: no errors"
  else
    bad "compute-sanitizer memcheck (see $out/sanitizer.log)"; grep -m 20 -A4 '=========' "$out/sanitizer.log"
  fi
fi

echo "gpu_check: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
