#!/bin/sh
# Compile-time checks of the generic containers that a unit test cannot make
# (lessons mc-04.3 and mc-13.2):
#
#   1. zero cost: functions written on single-member structs (meters_t,
#      user_id_t, a vector of meters_t) compile at -O2 to the same
#      instructions as the same functions on the raw types (double,
#      uint64_t, a vector of double);
#   2. bounds: each unmet requirement fails to compile with the message the
#      docs quote (a missing or mistyped hash/eq function, an over-aligned
#      element, a newtype mix-up, a handle used with the wrong container,
#      CUR_MAP_HASH of an unsupported type), and the same code with the
#      requirement met compiles.
#
# Usage: tests/check_generics.sh [CC...]   (default: $CC, or cc)
# Prints "generics: N passed, M failed"; exits 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- "${CC:-cc}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
FLAGS="-std=gnu17 -Wall -Wextra -Werror -Iinclude -D_GNU_SOURCE"

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL generics ($cc): $*"; fail=$((fail + 1)); }

# --- 1. zero cost ------------------------------------------------------------
cat > "$tmp/zc.c" <<'EOF'
#include <curriculum/vec.h>
typedef struct meters { double v; } meters_t;
typedef struct seconds { double v; } seconds_t;
typedef struct mps { double v; } mps_t;
typedef struct user_id { uint64_t v; } user_id_t;
/* one line, so that both instances see the same __LINE__ in asserts */
CUR_VEC_DECLARE(vec_f64, double); CUR_VEC_DECLARE(vec_meters, meters_t);

double raw_speed(double d, double t);
mps_t typed_speed(meters_t d, seconds_t t);
uint64_t raw_next(uint64_t id);
user_id_t typed_next(user_id_t id);
double raw_total(const double *a, long n);
meters_t typed_total(const meters_t *a, long n);
int raw_push(vec_f64_t *v, double x);
int typed_push(vec_meters_t *v, meters_t x);
const double *raw_get(const vec_f64_t *v, ptrdiff_t i);
const meters_t *typed_get(const vec_meters_t *v, ptrdiff_t i);

double raw_speed(double d, double t) { return d / t; }
mps_t typed_speed(meters_t d, seconds_t t) { return (mps_t){d.v / t.v}; }
uint64_t raw_next(uint64_t id) { return id + 1; }
user_id_t typed_next(user_id_t id) { return (user_id_t){id.v + 1}; }
double raw_total(const double *a, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += a[i];
    return s;
}
meters_t typed_total(const meters_t *a, long n)
{
    meters_t s = {0};
    for (long i = 0; i < n; i++) s.v += a[i].v;
    return s;
}
int raw_push(vec_f64_t *v, double x) { return vec_f64_push(v, x); }
int typed_push(vec_meters_t *v, meters_t x) { return vec_meters_push(v, x); }
const double *raw_get(const vec_f64_t *v, ptrdiff_t i) { return vec_f64_get(v, i); }
const meters_t *typed_get(const vec_meters_t *v, ptrdiff_t i) { return vec_meters_get(v, i); }
EOF

# The instructions of function $2 in assembly file $1, with names that
# differ only by the type (vec_f64 / vec_meters) and local labels
# normalised.
body() {
    awk -v f="$2" '
        index($0, f ":") == 1 { on = 1; next }
        on && /^[ \t]*\.size/ { exit }
        on && /^[ \t]*\.(cfi|p2align|align|type|section|text)/ { next }
        on && NF { print }
    ' "$1" | sed -e 's/#.*//' -e 's/vec_meters/VEC/g' -e 's/vec_f64/VEC/g' \
                 -e 's/\(raw\|typed\)_/FN_/g' -e 's/__func__\.[0-9]*/__func__/g' \
                 -e 's/\.L[A-Za-z0-9_]*/.L/g' -e 's/[ \t][ \t]*/ /g' -e '/^ *$/d'
}

for cc in "$@"; do
    if ! $cc $FLAGS -O2 -fno-asynchronous-unwind-tables -S "$tmp/zc.c" \
            -o "$tmp/zc.s" 2> "$tmp/err"; then
        bad "zero-cost source does not compile"; cat "$tmp/err"; continue
    fi
    for f in speed next total push get; do
        body "$tmp/zc.s" "raw_$f" > "$tmp/raw"
        body "$tmp/zc.s" "typed_$f" > "$tmp/typed"
        if [ ! -s "$tmp/raw" ]; then
            bad "no code found for raw_$f"
        elif cmp -s "$tmp/raw" "$tmp/typed"; then
            ok
        else
            bad "raw_$f and typed_$f compile differently:"
            diff "$tmp/raw" "$tmp/typed" | sed 's/^/    /'
        fi
    done
done

# --- 2. bounds ----------------------------------------------------------------
# expect NAME 'message fragment' <<source   (fails) / expect_ok NAME <<source
expect() {
    name=$1 want=$2
    cat > "$tmp/$name.c"
    if $cc $FLAGS -c "$tmp/$name.c" -o "$tmp/$name.o" 2> "$tmp/$name.err"; then
        bad "$name compiled, but must not"
    elif grep -q -- "$want" "$tmp/$name.err"; then
        ok
    else
        bad "$name failed without '$want':"; sed 's/^/    /' "$tmp/$name.err" | head -8
    fi
}
expect_ok() {
    name=$1
    cat > "$tmp/$name.c"
    if $cc $FLAGS -c "$tmp/$name.c" -o "$tmp/$name.o" 2> "$tmp/$name.err"; then
        ok
    else
        bad "$name must compile:"; sed 's/^/    /' "$tmp/$name.err" | head -8
    fi
}

PRE='#include <curriculum/map.h>
#include <curriculum/vec.h>
typedef struct color { uint8_t r, g, b; } color_t;
bool color_eq(const color_t *a, const color_t *b);
'
NEWTYPES='typedef struct meters { double v; } meters_t;
typedef struct seconds { double v; } seconds_t;
double speed(meters_t d, seconds_t t);
double run(void);
'
HANDLES='#include <curriculum/vec.h>
typedef struct user { int id; } user_t;
typedef struct order { long id; } order_t;
#define HANDLE(name, T) typedef struct name { ptrdiff_t index; T *phantom[0]; } name
HANDLE(user_handle_t, user_t);
HANDLE(order_handle_t, order_t);
CUR_VEC_DECLARE(vec_user, user_t);
CUR_VEC_DECLARE(vec_order, order_t);
#define GET(vec, h) ({ _Static_assert(__builtin_types_compatible_p( \
    __typeof__(*(h).phantom[0]), __typeof__(*(vec)->data)), \
    "handle used with the wrong container"); \
    _Generic((vec), vec_user_t *: vec_user_get, vec_order_t *: vec_order_get)((vec), (h).index); })
const void *look(vec_user_t *u, vec_order_t *o, user_handle_t uh, order_handle_t oh);
'
# The bounds of examples/mc-04.3-trait-bounds.c, as written there.
BOUNDS='#include <curriculum/vec.h>
#define REQUIRE_ORD(T, cmp) _Static_assert(_Generic(&(cmp), int (*)(const T *, const T *): 1, default: 0), #cmp " must be int " #cmp "(const " #T " *, const " #T " *)")
#define REQUIRE_SMALL(T) _Static_assert(sizeof(T) <= 16, #T " is too large to pass by value")
#define DEFINE_MEDIAN(name, T, cmp) REQUIRE_ORD(T, cmp); REQUIRE_SMALL(T); CUR_VEC_DECLARE(name##_vec, T);
int cmp_double(const double *a, const double *b);
'

for cc in "$@"; do
    expect_ok bounds_met <<EOF
$PRE
uint64_t color_hash(const color_t *c, uint64_t seed);
CUR_MAP_DECLARE(count_colors_set, color_t, char, color_hash, color_eq);
EOF
    expect hash_missing "color_hash" <<EOF
$PRE
CUR_MAP_DECLARE(count_colors_set, color_t, char, color_hash, color_eq);
EOF
    expect hash_by_value "color_hash must be a function uint64_t color_hash(const color_t \*key, uint64_t seed)" <<EOF
$PRE
uint64_t color_hash(color_t c, uint64_t seed);
CUR_MAP_DECLARE(count_colors_set, color_t, char, color_hash, color_eq);
EOF
    expect eq_mistyped "color_eq2 must be a function bool color_eq2" <<EOF
$PRE
uint64_t color_hash(const color_t *c, uint64_t seed);
int color_eq2(const color_t *a, const color_t *b);
CUR_MAP_DECLARE(count_colors_set, color_t, char, color_hash, color_eq2);
EOF
    expect overaligned "alignment exceeds what an allocator hook guarantees" <<EOF
$PRE
typedef struct line { _Alignas(64) char bytes[64]; } line_t;
CUR_VEC_DECLARE(vec_line, line_t);
EOF
    expect wrong_element "incompatible type" <<EOF
$PRE
CUR_VEC_DECLARE(vec_i32, int32_t);
int put(vec_i32_t *v, color_t c);
int put(vec_i32_t *v, color_t c) { return vec_i32_push(v, c); }
EOF
    expect_ok newtype_right_order <<EOF
$NEWTYPES
double run(void) { return speed((meters_t){1}, (seconds_t){2}); }
EOF
    expect newtype_mixup "incompatible type" <<EOF
$NEWTYPES
double run(void) { return speed((seconds_t){2}, (meters_t){1}); }
EOF
    expect_ok handle_right_container <<EOF
$HANDLES
const void *look(vec_user_t *u, vec_order_t *o, user_handle_t uh, order_handle_t oh)
{ return GET(u, uh) ? (const void *)GET(o, oh) : 0; }
EOF
    expect handle_wrong_container "handle used with the wrong container" <<EOF
$HANDLES
const void *look(vec_user_t *u, vec_order_t *o, user_handle_t uh, order_handle_t oh)
{ (void)o; (void)uh; return GET(u, oh); }
EOF
    expect ord_bound_unmet "cmp_double must be int cmp_double(const float \*, const float \*)" <<EOF
$BOUNDS
DEFINE_MEDIAN(median_f32, float, cmp_double)
EOF
    expect small_bound_unmet "big_t is too large to pass by value" <<EOF
$BOUNDS
typedef struct big { double a, b, c; } big_t;
static int cmp_big(const big_t *a, const big_t *b) { return (a->a > b->a) - (a->a < b->a); }
DEFINE_MEDIAN(median_big, big_t, cmp_big)
EOF
    expect_ok bounds_of_the_example_met <<EOF
$BOUNDS
DEFINE_MEDIAN(median_f64, double, cmp_double)
EOF
    expect hash_of_double "_Generic" <<EOF
$PRE
uint64_t h(double x);
uint64_t h(double x) { return CUR_MAP_HASH(x, 0); }
EOF
done

echo "generics: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
