#!/bin/sh
# Runs the Criterion unit-test binary and fails on what Criterion itself
# lets pass: a worker that crashed in setup or teardown, which is how a
# LeakSanitizer report at the end of a test shows up (Criterion 2.4.1
# counts that test as passed and exits 0), and any sanitizer report at all.
set -u
exe=${1:?usage: run-unit.sh UNIT_BINARY [criterion flags]}
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$exe" "$@" 2>&1 | tee "$log"
# tee hides the exit status in POSIX sh; take it from the Synthesis line.
if grep -qE 'Failing: [1-9]|Crashing: [1-9]' "$log"; then exit 1; fi
grep -q 'Synthesis:' "$log" || { echo "unit: the test binary did not finish"; exit 1; }
bad=$(grep -cE 'crashed during its setup or teardown|ERROR: (Address|Leak|Thread|UndefinedBehavior)Sanitizer|runtime error:' "$log")
if [ "$bad" -gt 0 ]; then
    echo "sanitizer: 0 passed, 1 failed ($bad report lines above: leaks, UB or teardown crashes that Criterion counted as passes)"
    exit 1
fi
exit 0
