#!/usr/bin/env bash
# Runs every test program given on the command line and ends with "N passed, N failed".
# BERTFT_RUNNER (unquoted, may be empty) prefixes each program, e.g. "qemu-aarch64".
# A program that crashes or exits non-zero without printing FAIL counts as one failure.
pass=0; fail=0
for t in "$@"; do
  echo "== $t"
  out=$($BERTFT_RUNNER "$t" 2>&1); rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then echo "FAIL $t exited with status $rc"; f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
