#!/bin/sh
# Installs the library into a temporary prefix, then builds an outside
# program against the installed copy through pkg-config, linked both
# dynamically and statically, and runs each.
set -eu
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
$MAKE --no-print-directory -s SANITIZE= PREFIX="$prefix" install >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc=${CC:-cc}
ver=$(pkg-config --modversion curriculum)
# shellcheck disable=SC2046
$cc -std=gnu17 -Wall -Werror tests/install/hello.c -o "$prefix/hello-shared" \
    $(pkg-config --cflags --libs curriculum)
LD_LIBRARY_PATH="$prefix/lib" "$prefix/hello-shared" > "$prefix/out1"
# shellcheck disable=SC2046
$cc -std=gnu17 -Wall -Werror tests/install/hello.c -o "$prefix/hello-static" \
    $(pkg-config --cflags curriculum) "$prefix/lib/libcurriculum.a" \
    $(pkg-config --libs-only-other --static curriculum) -pthread -lm
"$prefix/hello-static" > "$prefix/out2"
# The shared build must really use the installed .so.
ldd "$prefix/hello-shared" | grep -q "$prefix/lib/libcurriculum.so.0" ||
    LD_LIBRARY_PATH="$prefix/lib" ldd "$prefix/hello-shared" | grep -q "$prefix/lib/libcurriculum.so.0"
for f in out1 out2; do
    grep -qx "libcurriculum $ver: CUR_ENOMEM = out of memory" "$prefix/$f" || {
        echo "install-check: unexpected output:"; cat "$prefix/$f"; exit 1; }
done
echo "install: 2 passed, 0 failed"
