# bertft - build the command line, the examples and the tests.
#   make          ./bertft (the command-line program) and the examples
#   make test     build and run every test (ends with "N passed, N failed")
CC      ?= cc
CXX     ?= c++
OPT     ?= -O2
WARN     = -Wall -Wextra -pedantic
OMP     ?= -fopenmp
CFLAGS  ?= $(OPT) -std=c99 $(WARN) $(OMP)
LDLIBS   = -lm
BUILD   ?= build

TEST_SRCS := $(wildcard tests/test_*.c)
TESTS     := $(patsubst tests/%.c,$(BUILD)/%,$(TEST_SRCS))
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLES  := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRCS))
HDRS      := bertft.h $(wildcard wip/*.h) tests/test.h

.PHONY: all test clean bench
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
	rm -rf $(BUILD) bertft
