#!/bin/sh
# Installs the Debian packages libcurriculum needs to build, test and
# benchmark. As root it runs apt-get; otherwise it prints the exact command
# to run and fails. Called by `make test` and `make bench`; cheap when
# everything is present (one dpkg-query per package).
#
#   scripts/deps.sh           what `make test` needs
#   scripts/deps.sh --bench   that, plus the toolchains and crates of the
#                             benchmark peers in Go, Rust and C++
#                             (docs/peers.md); `make bench` uses it
set -eu

PKGS="make gcc clang libclang-rt-14-dev pkg-config gawk
libcriterion-dev liburing-dev libjemalloc-dev libuv1-dev libmimalloc-dev
gnuplot-nox uthash-dev libcjson1 zlib1g"

# The peers build offline from these: Debian's Go, Debian's cargo and rustc
# with the crates the librust-*-dev packages install under
# /usr/share/cargo/registry, and g++ with oneTBB.
BENCH_PKGS="golang-go cargo rustc librust-crossbeam-channel-dev
librust-rayon-dev librust-tokio-dev librust-libc-dev libtbb-dev g++"

case "${1:-}" in
    "") ;;
    --bench) PKGS="$PKGS $BENCH_PKGS" ;;
    *)
        echo "usage: $0 [--bench]" >&2
        exit 2
        ;;
esac

missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        "install ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || { echo "deps: apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root:  $cmd" >&2
    echo "deps: (or: sudo $cmd)" >&2
    exit 1
fi
