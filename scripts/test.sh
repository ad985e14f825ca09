#!/bin/sh
# `make test`: every check the project has, in one command.
#   1. the plain build (gcc or $CC): header checks, Criterion suites,
#      examples, docs check
#   2. the same under ASan+UBSan (-fno-sanitize-recover=all, abort_on_error)
#   3. the stress programs under TSan
#   4. the install check (pkg-config, shared and static)
#   5. the plain build again with the other compiler (clang or gcc), so both
#      stay warning-free with -Werror
# Prints each stage's result and a closing "N passed, N failed" line summed
# over every stage; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
CC=${CC:-cc}
case "$($CC --version 2>/dev/null | head -1)" in
    *clang*) other=gcc ;;
    *) other=clang ;;
esac
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
passed=0 failed=0 stages_failed=""

# Sums the "X: N passed, M failed" and Criterion "Synthesis" lines of a log.
count() {
    p=$(sed -n -e 's/.*Synthesis: Tested: [0-9]* | Passing: \([0-9]*\) |.*/\1/p' \
               -e 's/^[a-z]*: \([0-9]*\) passed, [0-9]* failed.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n -e 's/.*Synthesis: .*| Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2/p' \
               -e 's/^[a-z]*: [0-9]* passed, \([0-9]*\) failed.*/\1/p' "$1" | awk '{for(i=1;i<=NF;i++) s+=$i} END {print s+0}')
    passed=$((passed + p)); failed=$((failed + f))
}

stage() {
    name=$1; shift
    log="$logdir/$(echo "$name" | tr ' /+' '___').log"
    echo "=== $name"
    start=$(date +%s)
    if "$@" > "$log" 2>&1; then rc=0; else rc=$?; fi
    # Show results and failures, not compiler command lines.
    grep -E ' passed, |FAIL|Synthesis|error:|warning:|ERROR|docs-check|^stress ' "$log" | grep -v '^\(cc\|gcc\|clang\) ' | tail -40
    count "$log"
    if [ $rc -ne 0 ]; then
        echo "--- $name FAILED (exit $rc); last lines of its log:"
        tail -30 "$log"
        stages_failed="$stages_failed [$name]"
        grep -qE 'passed, [1-9]|Failing: [1-9]|Crashing: [1-9]' "$log" || failed=$((failed + 1))
    fi
    echo "--- $name: $(( $(date +%s) - start ))s"
}

build_and_check() {
    $MAKE --no-print-directory -j2 CC="$1" SANITIZE="$2" lib unit examples &&
    $MAKE --no-print-directory CC="$1" SANITIZE="$2" check
}

stage "plain $CC" build_and_check "$CC" ""
stage "asan+ubsan $CC" build_and_check "$CC" address,undefined
stage "tsan stress $CC" $MAKE --no-print-directory CC="$CC" tsan
stage "install" $MAKE --no-print-directory CC="$CC" install-check
if command -v "$other" >/dev/null 2>&1; then
    stage "plain $other" build_and_check "$other" ""
else
    echo "=== plain $other: compiler not installed, skipped"
fi

echo
if [ -n "$stages_failed" ]; then
    echo "make test: failed stages:$stages_failed"
fi
echo "test: $passed passed, $failed failed"
[ -z "$stages_failed" ] && [ "$failed" -eq 0 ]
