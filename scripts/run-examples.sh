#!/bin/sh
# Runs every example program in DIR (built by the Makefile from examples/)
# and expects exit status 0; where examples/expected/NAME.out exists, the
# program's standard output must equal it byte for byte.
set -u
dir=${1:?usage: run-examples.sh BUILD_DIR/examples}
pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for exe in "$dir"/*; do
    [ -x "$exe" ] && [ -f "$exe" ] || continue
    name=$(basename "$exe")
    # Examples that panic on purpose print to stderr; keep it for failures.
    "$exe" > "$out" 2> "$out.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL example $name: exit status $rc"; sed 's/^/    /' "$out.err" | tail -20
        fail=$((fail + 1)); continue
    fi
    exp="examples/expected/$name.out"
    if [ -f "$exp" ] && ! cmp -s "$out" "$exp"; then
        echo "FAIL example $name: output differs from $exp"
        diff -u "$exp" "$out" | head -30 | sed 's/^/    /'
        fail=$((fail + 1)); continue
    fi
    pass=$((pass + 1))
done
rm -f "$out.err"
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
