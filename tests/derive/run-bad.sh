#!/bin/sh
# The generators' bad inputs, run by `make check` (target derive-bad):
#
#   run-bad.sh DERIVE [GEN_TABLES]
#
# For every tests/derive/bad_*.h, DERIVE must exit with status 1, print as
# the first line of its standard error the text after the fixture's
# "expect:" (file:line:col: error: message), print no sanitizer report, and
# leave no output file behind. Then the command-line errors of both tools
# are checked, and one good run of DERIVE must write both files and no
# temporary. Prints "derive: N passed, M failed" and exits non-zero on any
# failure.
set -u
derive=${1:?usage: run-bad.sh DERIVE [GEN_TABLES]}
gen_tables=${2:-}
cd "$(dirname "$0")/../.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL derive: $*"
}

# run NAME EXPECTED_STATUS EXPECTED_TEXT COMMAND...: runs the command in an
# empty folder's context, checks status, first stderr line and reports.
run() {
    name=$1 want_rc=$2 want_text=$3
    shift 3
    "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    first=$(head -n 1 "$tmp/err")
    if [ "$rc" -ne "$want_rc" ]; then
        bad "$name: exit status $rc, want $want_rc"
        sed 's/^/    /' "$tmp/err" | head -10
    elif ! printf '%s\n' "$first" | grep -qF -- "$want_text"; then
        bad "$name: first line of stderr is"
        echo "    $first"
        echo "  want it to contain"
        echo "    $want_text"
    elif grep -qE 'Sanitizer|runtime error:' "$tmp/err"; then
        bad "$name: sanitizer report"
        sed 's/^/    /' "$tmp/err" | head -20
    else
        ok
    fi
}

for f in tests/derive/bad_*.h; do
    name=$(basename "$f" .h)
    want=$(sed -n 's/^ \* expect: //p' "$f" | head -n 1)
    if [ -z "$want" ]; then
        bad "$name: no expect: line"
        continue
    fi
    rm -rf "$tmp/o" && mkdir "$tmp/o"
    run "$name" 1 "$want" "$derive" -o "$tmp/o/out" "$f"
    if [ -n "$(ls -A "$tmp/o")" ]; then
        bad "$name: left files behind: $(ls "$tmp/o" | tr '\n' ' ')"
    fi
done

# Command lines.
run "no input" 2 "derive: no input file" "$derive"
run "unknown option" 2 "derive: unknown option" "$derive" --frobnicate x.h
run "two inputs" 2 "derive: one input file at a time" "$derive" a.h b.h
run "bad --include" 2 "derive: --include: the path must not contain" \
    "$derive" --include 'a"b.h' tests/derive/nested.h
run "missing input" 1 "derive: $tmp/none.h: No such file or directory" \
    "$derive" "$tmp/none.h"
run "unwritable output" 1 "derive: $tmp/no/such/dir/x.h.tmp: No such file" \
    "$derive" -o "$tmp/no/such/dir/x" tests/derive/nested.h

# One good run: both files, no temporary.
rm -rf "$tmp/o" && mkdir "$tmp/o"
if "$derive" -o "$tmp/o/nested_json" tests/derive/nested.h 2> "$tmp/err" &&
    [ -s "$tmp/o/nested_json.h" ] && [ -s "$tmp/o/nested_json.c" ] &&
    [ "$(ls "$tmp/o" | wc -l)" -eq 2 ] && ! [ -s "$tmp/err" ]; then
    ok
else
    bad "good run: expected nested_json.h and nested_json.c only"
    ls -l "$tmp/o"
    cat "$tmp/err"
fi

if [ -n "$gen_tables" ]; then
    run "gen_tables: no table" 2 "gen_tables: which table?" "$gen_tables"
    run "gen_tables: unknown table" 2 "gen_tables: unknown table 'crc64'" \
        "$gen_tables" crc64
    run "gen_tables: -o without a name" 2 "gen_tables: -o needs a file name" \
        "$gen_tables" crc32c -o
    run "gen_tables: unwritable" 1 "gen_tables: $tmp/no/dir/t.h.tmp: No such" \
        "$gen_tables" -o "$tmp/no/dir/t.h" crc32c
    if "$gen_tables" crc32c > "$tmp/t.h" 2> "$tmp/err" &&
        grep -q 'cur__crc32c_table\[8\]\[256\]' "$tmp/t.h"; then
        ok
    else
        bad "gen_tables: a good run to standard output"
    fi
fi

echo "derive: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
