#!/usr/bin/env bash
# tests/fuzz/smoke.sh SECONDS FUZZER... : the bounded fuzz run of `make fuzz-smoke`.
# For each harness build-fuzz/fuzz_NAME: SECONDS of fuzzing from tests/fuzz/corpus/NAME (new inputs
# kept in build-fuzz/corpus/NAME, crashes written to build-fuzz/crash-NAME-*), then every file of
# tests/fuzz/regress/NAME/ (inputs that once crashed) run once. Ends with "N passed, N failed",
# one test per harness.
secs=${1:-20}; shift
# input files go to a RAM disk when there is one (several times more executions per second)
if [ -z "${BFT_FUZZ_TMP:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export BFT_FUZZ_TMP=/dev/shm; fi
pass=0; fail=0
for f in "$@"; do
  name=${f##*/fuzz_}
  seeds=tests/fuzz/corpus/$name
  work=build-fuzz/corpus/$name
  mkdir -p "$work"
  echo "== $f ($secs s)"
  log=build-fuzz/$name.log
  "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="build-fuzz/crash-$name-" "$work" "$seeds" > "$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  ok=1
  if [ $rc -ne 0 ]; then
    ok=0; echo "  fuzzing found a problem (exit $rc):"; grep -m1 -A12 'ERROR\|==ERROR\|runtime error\|deadly signal' "$log" | sed 's/^/  /'
    ls build-fuzz/crash-"$name"-* 2>/dev/null | sed 's/^/  input: /'
  fi
  if [ -d tests/fuzz/regress/$name ] && [ -n "$(ls -A tests/fuzz/regress/$name)" ]; then
    if ! "$f" -runs=1 tests/fuzz/regress/$name/* > build-fuzz/$name.regress.log 2>&1; then
      ok=0; echo "  a regression input fails again: see build-fuzz/$name.regress.log"
    else
      echo "  $(ls tests/fuzz/regress/$name | wc -l) regression inputs pass"
    fi
  fi
  echo "  ${execs:-?} executions, ${cov:-cov: ?} edges, corpus $(ls "$work" | wc -l) + $(ls "$seeds" 2>/dev/null | wc -l) seeds"
  if [ $ok -eq 1 ]; then echo "ok fuzz_$name"; pass=$((pass + 1)); else echo "FAIL fuzz_$name"; fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
