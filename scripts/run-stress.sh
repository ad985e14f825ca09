#!/bin/sh
# Runs the plain-main() stress programs in DIR (built with TSan) with their
# default thread and iteration counts. Exit status per program: 0 pass,
# 77 skip, anything else fail (liburing's T_EXIT_* convention).
set -u
dir=${1:?usage: run-stress.sh BUILD_DIR/stress}
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/tests/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
pass=0 fail=0 skip=0
for exe in "$dir"/*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=$(basename "$exe")
    start=$(date +%s)
    timeout 600 "$exe"
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
        0) echo "stress $name: ok (${secs}s)"; pass=$((pass + 1)) ;;
        77) echo "stress $name: skipped"; skip=$((skip + 1)) ;;
        *) echo "FAIL stress $name: exit status $rc"; fail=$((fail + 1)) ;;
    esac
done
echo "stress: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
