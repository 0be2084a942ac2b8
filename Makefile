# bertft - build the command line, the examples and the tests.
#   make          ./bertft (the command-line program) and the examples
#   make test     build and run every test (ends with "N passed, N failed")
CC      ?= cc
CXX     ?= c++
OPT     ?= -O2
# a call of an undeclared function is an error: C99 only warns, and a helper defined inside one
# architecture's #ifdef then links to nothing on the others (seen: a segfault under qemu-aarch64)
WARN     = -Wall -Wextra -pedantic -Werror=implicit-function-declaration
OMP     ?= -fopenmp
CFLAGS  ?= $(OPT) -std=c99 $(WARN) $(OMP)
LDLIBS   = -lm
BUILD   ?= build

TEST_SRCS := $(wildcard tests/test_*.c)
TESTS     := $(patsubst tests/%.c,$(BUILD)/%,$(TEST_SRCS))
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLES  := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRCS))
HDRS      := bertft.h bertft_cuda.h tests/test.h

.PHONY: all test clean bench bf16-compare
all: bertft $(EXAMPLES) $(BUILD)/plot_run

$(BUILD)/plot_run: tools/plot_run.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ tools/plot_run.c $(LDLIBS)

bertft: tools/cli.c $(HDRS)
	$(CC) $(CFLAGS) -o $@ tools/cli.c $(LDLIBS)

$(BUILD)/examples/%: examples/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/test_%: tests/test_%.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

test: all $(TESTS)
	@bash tests/run.sh $(TESTS)

# bertft against PyTorch on this CPU, side by side (minutes; not part of the tests)
bench: $(BUILD)/bench $(BUILD)/bench_gemm
	@bash tools/bench.sh

$(BUILD)/bench: tools/bench.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ tools/bench.c $(LDLIBS)

$(BUILD)/bench_gemm: tools/bench_gemm.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ tools/bench_gemm.c $(LDLIBS)

clean:
	rm -rf $(BUILD) bertft bertft-cuda

# ---- the same suite built other ways (issue 7) -----------------------------------------------
# Each variant has its own build folder with its own tests and its own CLI ($(BUILD)/bertft, which
# tests/test_trainer.c runs through BERTFT_CLI); tests/run.sh prefixes each program with RUNNER.
#   make test-arm64     aarch64 cross build (static, NEON GEMM, OpenMP) run under qemu-aarch64
#   make test-sanitize  ASan + UBSan (any report fails the test that triggered it)
#   make test-nomp      without OpenMP
#   make test-cxx       library, tests and CLI compiled as C++
#   make fuzz-smoke     every libFuzzer harness in tests/fuzz, FUZZ_SECONDS each (clang)
#   make valgrind       a short training run of the CLI under valgrind memcheck
#   make memory-report  peak RSS of BERT-mini and BERT-base fine-tuning on MRPC (tools/memory_report.sh)
# (SIGKILL/resume trials, full disk, unwritable output_dir and the BERT-mini 256 MB ceiling are
#  tests/test_faults.c, part of every suite above.)
.PHONY: test-variant test-arm64 test-sanitize test-nomp test-cxx fuzz fuzz-smoke valgrind memory-report
RUNNER ?=
ARM64_CC ?= aarch64-linux-gnu-gcc
QEMU_AARCH64 ?= qemu-aarch64
CLANG ?= clang
FUZZ_SECONDS ?= 20
FAULT_TRIALS ?= 4
SAN_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
VARIANT_STD = $(OPT) -std=c99 $(WARN)

$(BUILD)/bertft: tools/cli.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -o $@ tools/cli.c $(LDLIBS)

# the suite with this $(BUILD)'s tests and CLI
test-variant: $(BUILD)/bertft $(TESTS)
	@mkdir -p build
	@BERTFT_RUNNER="$(RUNNER)" BERTFT_CLI="$(strip $(RUNNER) $(BUILD)/bertft)" BFT_FAULT_TRIALS=$(FAULT_TRIALS) \
	  bash tests/run.sh $(TESTS)

# static: qemu-aarch64 then needs no aarch64 sysroot (the dlopen notes from libgomp.a are harmless)
test-arm64:
	@$(MAKE) --no-print-directory test-variant BUILD=build-arm64 CC="$(ARM64_CC)" RUNNER="$(QEMU_AARCH64)" FAULT_TRIALS=2 \
	  CFLAGS='$(VARIANT_STD) -fopenmp -static -Wl,--no-warnings -DBFT_T_OUT=\"build-arm64/trainer_run\"'

test-sanitize:
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(MAKE) --no-print-directory test-variant BUILD=build-sanitize \
	  CFLAGS='$(SAN_FLAGS) -std=c99 $(WARN) -fopenmp -DBFT_T_OUT=\"build-sanitize/trainer_run\"'

test-nomp:
	@$(MAKE) --no-print-directory test-variant BUILD=build-nomp \
	  CFLAGS='$(VARIANT_STD) -Werror=unknown-pragmas -DBFT_T_OUT=\"build-nomp/trainer_run\"'

# -ffp-contract=off: g++ fuses a * b + c into FMAs by default, gcc -std=c99 does not; without it the
# C++ build rounds differently from the C build, and the bitwise comparisons in the tests (the CUDA
# host references against the CPU layers) compare two different roundings
test-cxx:
	@$(MAKE) --no-print-directory test-variant BUILD=build-cxx CC="$(CXX) -x c++" \
	  CFLAGS='$(OPT) -std=c++11 -ffp-contract=off -Wall -Wextra -fopenmp -DBFT_T_OUT=\"build-cxx/trainer_run\"'

# a -O1 -g build without OpenMP (libgomp's thread pool confuses leak checking)
valgrind:
	@$(MAKE) --no-print-directory build-valgrind/bertft BUILD=build-valgrind CFLAGS='-O1 -g -std=c99 $(WARN)'
	@bash tests/valgrind.sh build-valgrind/bertft

# ---- fuzzing: tests/fuzz/fuzz_*.c, seeds in tests/fuzz/corpus/<name>/ --------------------------
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS   := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRCS))
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(HDRS)
	@mkdir -p build-fuzz
	$(CLANG) -g -O1 -std=c99 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< -lm
fuzz: $(FUZZERS)
# each harness: FUZZ_SECONDS of new inputs from its seeds (new finds go to build-fuzz/corpus/NAME, crashes
# to build-fuzz/crash-*), then every input in tests/fuzz/regress/<name>/ once
fuzz-smoke: $(FUZZERS)
	@bash tests/fuzz/smoke.sh $(FUZZ_SECONDS) $(FUZZERS)
$(BUILD)/test_fuzz_regress: $(wildcard tests/fuzz/*.c) tests/fuzz/fuzz.h
memory-report: bertft
	@bash tools/memory_report.sh $(MEM)

# the same fine-tune in fp32 and with --bf16, side by side (losses, metrics, time; minutes)
bf16-compare: bertft
	@bash tools/bf16_compare.sh


# make cuda: ./bertft-cuda (the CLI with --device cuda) and build/test_cuda_gpu, compiled by nvcc
# (no GPU needed to build; tools/gpu_check.sh runs them on one). sm_90 code + compute_80 PTX.
NVCC      ?= $(shell command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)
CUDA_ARCH ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_80,code=compute_80
# -ffp-contract=off for the host side: nvcc runs g++ in GNU mode, where GCC fuses a*b+c (even
# in AVX-512 intrinsics) and bertft.h's CPU code would no longer match the C99 build bit for bit
NVFLAGS   ?= -std=c++17 $(OPT) $(CUDA_ARCH) -Xcompiler -fopenmp,-ffp-contract=off
# cuBLAS found at run time through an rpath to nvcc's own toolkit (no LD_LIBRARY_PATH needed),
# as tools/gpu_check.sh links; empty where that toolkit has no lib64
CUDA_LIB  ?= $(realpath $(dir $(realpath $(NVCC)))../lib64)
CUDA_LINK := $(if $(CUDA_LIB),-Xlinker -rpath -Xlinker $(CUDA_LIB)) -lcublas -lgomp
.PHONY: cuda
cuda: bertft-cuda $(BUILD)/test_cuda_gpu
bertft-cuda: tools/bertft_cuda.cu tools/cli.c tools/cli_tokenize.h bertft_cuda.h $(HDRS)
	$(NVCC) $(NVFLAGS) -o $@ tools/bertft_cuda.cu $(CUDA_LINK)
$(BUILD)/test_cuda_gpu: tests/test_cuda_host.c bertft_cuda.h $(HDRS)
	@mkdir -p $(BUILD)
	$(NVCC) $(NVFLAGS) -x cu -o $@ tests/test_cuda_host.c $(CUDA_LINK)
