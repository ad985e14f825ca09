#!/usr/bin/env bash
# Runs the benchmark suites and writes the report (see docs/bench.md).
#
#   scripts/bench.sh DIR [SUITE]
#
# DIR holds the built bench_<suite> programs (the Makefile passes
# build/<cc>/bench). Every suite runs, or only SUITE; an unknown SUITE is an
# error (exit 2). BENCH_MODE=full selects --full, anything else --quick.
# Results go to bench/results (BENCH_RESULTS overrides), then
# scripts/bench-report.sh turns them into SVG charts and index.html.
# Exits 1 if any suite or the report fails.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [SUITE]" >&2
    exit 2
fi
dir=$1
suite=${2:-}
results=${BENCH_RESULTS:-$root/bench/results}

case ${BENCH_MODE:-quick} in
    full) mode=--full ;;
    quick | '') mode=--quick ;;
    *)
        echo "bench: BENCH_MODE must be quick or full, not '$BENCH_MODE'" >&2
        exit 2
        ;;
esac

# The suites that are built, as names (bench_arena -> arena).
suites=()
if [ -d "$dir" ]; then
    for bin in "$dir"/bench_*; do
        if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
        suites+=("${bin##*/bench_}")
    done
fi

if [ -n "$suite" ]; then
    if [ ! -x "$dir/bench_$suite" ]; then
        echo "bench: unknown suite '$suite'" >&2
        if [ ${#suites[@]} -gt 0 ]; then
            echo "bench: known suites: ${suites[*]}" >&2
        else
            echo "bench: no suites are built in $dir" >&2
        fi
        exit 2
    fi
    suites=("$suite")
fi

if [ ${#suites[@]} -eq 0 ]; then
    echo "bench: no bench_<suite> programs in $dir (no bench/bench_*.c yet?)"
    exit 0
fi

# The compiler is the name of the build folder (build/<cc>/bench), else $CC.
cc=$(basename "$(dirname "$dir")")
command -v "$cc" > /dev/null 2>&1 || cc=${CC:-cc}
cc_version=$("$cc" --version 2>/dev/null | head -n 1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
governor=$(cat /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor 2>/dev/null)

mkdir -p "$results" || exit 1
{
    echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "host:     $(uname -sr) $(uname -m)"
    echo "cpu:      $cpu${governor:+ (governor: $governor)}"
    echo "nproc:    $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
    echo "load:     $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
    echo "compiler: ${cc_version:-$cc (version unknown)}"
    echo "mode:     ${mode#--}"
    echo "suites:   ${suites[*]}"
} > "$results/.env.txt.tmp" && mv "$results/.env.txt.tmp" "$results/env.txt"
echo "== benchmarks"
sed 's/^/   /' "$results/env.txt"
echo

failed=()
for s in "${suites[@]}"; do
    echo "== suite $s ($mode)"
    start=$(date +%s)
    "$dir/bench_$s" "$mode" --out="$results"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "bench: suite $s failed (exit $rc)" >&2
        failed+=("$s")
    fi
    echo "== suite $s: $(($(date +%s) - start)) s"
    echo
done

"$root/scripts/bench-report.sh" "$results" || failed+=("(report)")

if [ ${#failed[@]} -gt 0 ]; then
    echo "bench: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "bench: ${#suites[@]} suite(s) done; open $results/index.html"
