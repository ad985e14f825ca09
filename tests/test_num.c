/*
 * Tests of curriculum/num.h: checked, wrapping, saturating and overflowing
 * arithmetic against a reference computed exactly in 128-bit integers
 * (exhaustively for i8 and u8, on boundary tables and random pairs for the
 * wider types), the type-generic dispatch, and parsing and formatting
 * against tables, a transliteration of Rust's from_str_radix and strtoll.
 *
 * The module never allocates, so these tests use no test allocator and no
 * OOM sweep.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/num.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the reference ------------------------------------------------------- */

typedef __int128 wide;
typedef unsigned __int128 uwide;

/* A type as the reference sees it. */
struct spec {
    const char *name; /* "i32" */
    bool is_signed;
    int bits;
    wide min, max;
};

static bool in_range(const struct spec *t, wide x)
{
    return x >= t->min && x <= t->max;
}

/* x reduced modulo 2^bits into the type's range. */
static wide wrap(const struct spec *t, uwide x)
{
    uwide m = (uwide)1 << t->bits;
    uwide u = x & (m - 1);
    if (t->is_signed && u > (uwide)t->max) return (wide)u - (wide)m;
    return (wide)u;
}

static wide clamp(const struct spec *t, wide x)
{
    return x < t->min ? t->min : x > t->max ? t->max : x;
}

/* The exact result of a op b, for + - *. */
struct exact {
    bool fits;    /* the exact value is in the type's range */
    wide wrapped; /* reduced modulo 2^bits */
    wide clamped; /* saturated */
};

static struct exact ref_arith(const struct spec *t, char op, wide a, wide b)
{
    if (op == '*' && !t->is_signed) {
        /* (2^64 - 1)^2 overflows a signed 128-bit value: go unsigned. */
        uwide p = (uwide)a * (uwide)b;
        bool fits = p <= (uwide)t->max;
        return (struct exact){fits, wrap(t, p), fits ? (wide)p : t->max};
    }
    wide x = op == '+' ? a + b : op == '-' ? a - b : a * b;
    return (struct exact){in_range(t, x), wrap(t, (uwide)x), clamp(t, x)};
}

/* floor(a / 2^n), the arithmetic right shift, computed by division. */
static wide ref_shr(wide a, uint32_t n)
{
    wide d = (wide)1 << n;
    wide q = a / d;
    if (a < 0 && q * d != a) q--;
    return q;
}

static const char *wstr(wide v, char buf[48])
{
    uwide m = v < 0 ? -(uwide)v : (uwide)v;
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    int w = 0;
    if (v < 0) buf[w++] = '-';
    while (n) buf[w++] = tmp[--n];
    buf[w] = '\0';
    return buf;
}

static void fail_value(const struct spec *t, const char *op, wide a, wide b,
                       wide got, wide want)
{
    char sa[48], sb[48], sg[48], sw[48];
    cr_assert_fail("%s %s(%s, %s): got %s, want %s", t->name, op,
                   wstr(a, sa), wstr(b, sb), wstr(got, sg), wstr(want, sw));
}

static void fail_flag(const struct spec *t, const char *op, wide a, wide b,
                      bool got)
{
    char sa[48], sb[48];
    cr_assert_fail("%s %s(%s, %s): returned %s", t->name, op, wstr(a, sa),
                   wstr(b, sb), got ? "true" : "false");
}

/*
 * A checked result: ok must match fits, and out must be the exact value on
 * success and the untouched sentinel on failure.
 */
static void expect_checked(const struct spec *t, const char *op, wide a,
                           wide b, bool ok, wide out, bool fits, wide value,
                           wide sentinel)
{
    if (ok != fits) fail_flag(t, op, a, b, ok);
    wide want = fits ? value : sentinel;
    if (out != want) fail_value(t, op, a, b, out, want);
}

static void expect_value(const struct spec *t, const char *op, wide a,
                         wide b, wide got, wide want)
{
    if (got != want) fail_value(t, op, a, b, got, want);
}

#define SENTINEL 0x2a2a2a2a2a2a2a2aULL

/*
 * check_<t>(a, b): every binary and unary operation of type t on (a, b)
 * against the reference. check_shift_<t>(a, n): the four shifts.
 */
#define DEFINE_CHECKS(SUF, T, SIGNED, MIN, MAX)                              \
    static const struct spec spec_##SUF = {#SUF, SIGNED,                     \
                                           (int)(sizeof(T) * CHAR_BIT),      \
                                           (wide)(MIN), (wide)(MAX)};        \
    static void check_##SUF(wide wa, wide wb)                                \
    {                                                                        \
        const struct spec *t = &spec_##SUF;                                  \
        const T a = (T)wa, b = (T)wb, sen = (T)SENTINEL;                     \
        T out;                                                               \
        bool ok;                                                             \
        struct exact e;                                                      \
                                                                             \
        e = ref_arith(t, '+', wa, wb);                                       \
        out = sen;                                                           \
        ok = cur_checked_add_##SUF(a, b, &out);                              \
        expect_checked(t, "checked_add", wa, wb, ok, out, e.fits, e.wrapped, \
                       sen);                                                 \
        expect_value(t, "wrapping_add", wa, wb, cur_wrapping_add_##SUF(a, b), \
                     e.wrapped);                                             \
        expect_value(t, "saturating_add", wa, wb,                            \
                     cur_saturating_add_##SUF(a, b), e.clamped);             \
        out = sen;                                                           \
        ok = cur_overflowing_add_##SUF(a, b, &out);                          \
        if (ok == e.fits) fail_flag(t, "overflowing_add", wa, wb, ok);       \
        expect_value(t, "overflowing_add", wa, wb, out, e.wrapped);          \
                                                                             \
        e = ref_arith(t, '-', wa, wb);                                       \
        out = sen;                                                           \
        ok = cur_checked_sub_##SUF(a, b, &out);                              \
        expect_checked(t, "checked_sub", wa, wb, ok, out, e.fits, e.wrapped, \
                       sen);                                                 \
        expect_value(t, "wrapping_sub", wa, wb, cur_wrapping_sub_##SUF(a, b), \
                     e.wrapped);                                             \
        expect_value(t, "saturating_sub", wa, wb,                            \
                     cur_saturating_sub_##SUF(a, b), e.clamped);             \
        out = sen;                                                           \
        ok = cur_overflowing_sub_##SUF(a, b, &out);                          \
        if (ok == e.fits) fail_flag(t, "overflowing_sub", wa, wb, ok);       \
        expect_value(t, "overflowing_sub", wa, wb, out, e.wrapped);          \
                                                                             \
        e = ref_arith(t, '*', wa, wb);                                       \
        out = sen;                                                           \
        ok = cur_checked_mul_##SUF(a, b, &out);                              \
        expect_checked(t, "checked_mul", wa, wb, ok, out, e.fits, e.wrapped, \
                       sen);                                                 \
        expect_value(t, "wrapping_mul", wa, wb, cur_wrapping_mul_##SUF(a, b), \
                     e.wrapped);                                             \
        expect_value(t, "saturating_mul", wa, wb,                            \
                     cur_saturating_mul_##SUF(a, b), e.clamped);             \
        out = sen;                                                           \
        ok = cur_overflowing_mul_##SUF(a, b, &out);                          \
        if (ok == e.fits) fail_flag(t, "overflowing_mul", wa, wb, ok);       \
        expect_value(t, "overflowing_mul", wa, wb, out, e.wrapped);          \
                                                                             \
        /* Rust refuses rem whenever div would overflow, MIN % -1 too. */    \
        bool div_ok = wb != 0 && in_range(t, wa / wb);                       \
        out = sen;                                                           \
        ok = cur_checked_div_##SUF(a, b, &out);                              \
        expect_checked(t, "checked_div", wa, wb, ok, out, div_ok,            \
                       div_ok ? wa / wb : 0, sen);                           \
        out = sen;                                                           \
        ok = cur_checked_rem_##SUF(a, b, &out);                              \
        expect_checked(t, "checked_rem", wa, wb, ok, out, div_ok,            \
                       div_ok ? wa % wb : 0, sen);                           \
                                                                             \
        out = sen;                                                           \
        ok = cur_checked_neg_##SUF(a, &out);                                 \
        expect_checked(t, "checked_neg", wa, 0, ok, out, in_range(t, -wa),   \
                       -wa, sen);                                            \
        expect_value(t, "wrapping_neg", wa, 0, cur_wrapping_neg_##SUF(a),    \
                     wrap(t, -(uwide)wa));                                   \
    }                                                                        \
    static void check_shift_##SUF(wide wa, uint32_t n)                       \
    {                                                                        \
        const struct spec *t = &spec_##SUF;                                  \
        const T a = (T)wa, sen = (T)SENTINEL;                                \
        const uint32_t bits = (uint32_t)t->bits, m = n % bits;               \
        const bool fits = n < bits;                                          \
        /* a * 2^m, reduced: the bits shifted out are lost. */               \
        const wide shl = wrap(t, (uwide)wa * ((uwide)1 << m));               \
        const wide shr = ref_shr(wa, m);                                     \
        T out = sen;                                                         \
        bool ok = cur_checked_shl_##SUF(a, n, &out);                         \
        expect_checked(t, "checked_shl", wa, n, ok, out, fits, shl, sen);    \
        out = sen;                                                           \
        ok = cur_checked_shr_##SUF(a, n, &out);                              \
        expect_checked(t, "checked_shr", wa, n, ok, out, fits, shr, sen);    \
        expect_value(t, "wrapping_shl", wa, n, cur_wrapping_shl_##SUF(a, n), \
                     shl);                                                   \
        expect_value(t, "wrapping_shr", wa, n, cur_wrapping_shr_##SUF(a, n), \
                     shr);                                                   \
    }

#define ALL_TYPES(X)                                                         \
    X(i8, int8_t, true, INT8_MIN, INT8_MAX)                                  \
    X(i16, int16_t, true, INT16_MIN, INT16_MAX)                              \
    X(i32, int32_t, true, INT32_MIN, INT32_MAX)                              \
    X(i64, int64_t, true, INT64_MIN, INT64_MAX)                              \
    X(isize, ptrdiff_t, true, PTRDIFF_MIN, PTRDIFF_MAX)                      \
    X(u8, uint8_t, false, 0, UINT8_MAX)                                      \
    X(u16, uint16_t, false, 0, UINT16_MAX)                                   \
    X(u32, uint32_t, false, 0, UINT32_MAX)                                   \
    X(u64, uint64_t, false, 0, UINT64_MAX)                                   \
    X(usize, size_t, false, 0, SIZE_MAX)

ALL_TYPES(DEFINE_CHECKS)

/* splitmix64: a fixed-seed generator, so every run tests the same values. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A value of t with a random bit length, so small and large both occur. */
static wide random_value(const struct spec *t)
{
    uint32_t len = (uint32_t)(rng() % (uint64_t)(t->bits + 1));
    uwide v = len ? (uwide)(rng() >> (64 - len)) : 0;
    if (t->is_signed && (rng() & 1)) v = -v;
    return wrap(t, v);
}

/* --- exhaustive: i8 and u8 ------------------------------------------------ */

Test(num, i8_arithmetic_matches_the_reference_for_all_pairs)
{
    for (wide a = INT8_MIN; a <= INT8_MAX; a++)
        for (wide b = INT8_MIN; b <= INT8_MAX; b++) check_i8(a, b);
}

Test(num, u8_arithmetic_matches_the_reference_for_all_pairs)
{
    for (wide a = 0; a <= UINT8_MAX; a++)
        for (wide b = 0; b <= UINT8_MAX; b++) check_u8(a, b);
}

Test(num, i8_and_u8_shifts_match_the_reference_for_all_values)
{
    static const uint32_t big[] = {64, 65, 255, 256, 1u << 31, UINT32_MAX};
    for (wide a = INT8_MIN; a <= UINT8_MAX; a++) {
        for (uint32_t n = 0; n < 40; n++) {
            if (a <= INT8_MAX) check_shift_i8(a, n);
            if (a >= 0) check_shift_u8(a, n);
        }
        for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
            if (a <= INT8_MAX) check_shift_i8(a, big[i]);
            if (a >= 0) check_shift_u8(a, big[i]);
        }
    }
}

/* --- boundary tables and random pairs for the wider types ----------------- */

/*
 * The interesting values of t: the limits and their neighbours, small
 * numbers, half the range, and the square-root region where products start
 * to overflow.
 */
static int boundary_values(const struct spec *t, wide *v)
{
    int n = 0;
    const wide half = (wide)1 << (t->bits / 2);
    const wide cand[] = {
        t->min, t->min + 1, t->min + 2, t->min / 2, -half - 1, -half,
        -half + 1, -3, -2, -1, 0, 1, 2, 3, half - 1, half, half + 1,
        t->max / 2 - 1, t->max / 2, t->max / 2 + 1, t->max - 2, t->max - 1,
        t->max,
    };
    for (size_t i = 0; i < sizeof cand / sizeof *cand; i++) {
        if (!in_range(t, cand[i])) continue;
        bool seen = false;
        for (int j = 0; j < n; j++) seen |= v[j] == cand[i];
        if (!seen) v[n++] = cand[i];
    }
    return n;
}

#define BOUNDARY_TESTS(SUF, T, SIGNED, MIN, MAX)                             \
    Test(num, SUF##_arithmetic_matches_the_reference_on_boundaries)          \
    {                                                                        \
        wide v[32];                                                          \
        int n = boundary_values(&spec_##SUF, v);                             \
        cr_assert_geq(n, 12);                                                \
        for (int i = 0; i < n; i++)                                          \
            for (int j = 0; j < n; j++) check_##SUF(v[i], v[j]);             \
    }                                                                        \
    Test(num, SUF##_arithmetic_matches_the_reference_on_random_pairs)        \
    {                                                                        \
        for (int i = 0; i < 50000; i++)                                      \
            check_##SUF(random_value(&spec_##SUF),                           \
                        random_value(&spec_##SUF));                          \
    }                                                                        \
    Test(num, SUF##_shifts_match_the_reference_at_every_amount)              \
    {                                                                        \
        wide v[32];                                                          \
        int n = boundary_values(&spec_##SUF, v);                             \
        for (int i = 0; i < n + 200; i++) {                                  \
            wide a = i < n ? v[i] : random_value(&spec_##SUF);               \
            for (uint32_t s = 0; s <= 130; s++) check_shift_##SUF(a, s);     \
            check_shift_##SUF(a, UINT32_MAX);                                \
            check_shift_##SUF(a, 1u << 31);                                  \
        }                                                                    \
    }

BOUNDARY_TESTS(i16, int16_t, true, INT16_MIN, INT16_MAX)
BOUNDARY_TESTS(i32, int32_t, true, INT32_MIN, INT32_MAX)
BOUNDARY_TESTS(i64, int64_t, true, INT64_MIN, INT64_MAX)
BOUNDARY_TESTS(isize, ptrdiff_t, true, PTRDIFF_MIN, PTRDIFF_MAX)
BOUNDARY_TESTS(u16, uint16_t, false, 0, UINT16_MAX)
BOUNDARY_TESTS(u32, uint32_t, false, 0, UINT32_MAX)
BOUNDARY_TESTS(u64, uint64_t, false, 0, UINT64_MAX)
BOUNDARY_TESTS(usize, size_t, false, 0, SIZE_MAX)

/* --- named cases, as Rust's documentation gives them ---------------------- */

Test(num, shifts_at_width_minus_one_and_width)
{
    int32_t i32;
    uint64_t u64;
    cr_assert(cur_checked_shl_i32(1, 31, &i32));
    cr_assert_eq(i32, INT32_MIN);
    i32 = 7;
    cr_assert_not(cur_checked_shl_i32(1, 32, &i32));
    cr_assert_eq(i32, 7);
    cr_assert(cur_checked_shr_i32(INT32_MIN, 31, &i32));
    cr_assert_eq(i32, -1);
    cr_assert_not(cur_checked_shr_i32(INT32_MIN, 32, &i32));
    cr_assert(cur_checked_shl_u64(1, 63, &u64));
    cr_assert_eq(u64, 1ull << 63);
    cr_assert_not(cur_checked_shl_u64(1, 64, &u64));
    cr_assert(cur_checked_shr_u64(UINT64_MAX, 63, &u64));
    cr_assert_eq(u64, 1);
    cr_assert_not(cur_checked_shr_u64(UINT64_MAX, 64, &u64));
    /* wrapping shifts take the amount modulo the width */
    cr_assert_eq(cur_wrapping_shl_u8(1, 9), 2);
    cr_assert_eq(cur_wrapping_shl_i32(1, 32), 1);
    cr_assert_eq(cur_wrapping_shr_i64(-8, 65), -4);
    cr_assert_eq(cur_wrapping_shr_i32(-7, 1), -4);
}

Test(num, division_by_zero_fails_and_leaves_out_untouched)
{
    int8_t i8 = 11;
    uint16_t u16 = 12;
    int64_t i64 = 13;
    size_t us = 14;
    cr_assert_not(cur_checked_div_i8(5, 0, &i8));
    cr_assert_not(cur_checked_rem_i8(5, 0, &i8));
    cr_assert_not(cur_checked_div_u16(5, 0, &u16));
    cr_assert_not(cur_checked_rem_u16(0, 0, &u16));
    cr_assert_not(cur_checked_div_i64(INT64_MIN, 0, &i64));
    cr_assert_not(cur_checked_rem_i64(-1, 0, &i64));
    cr_assert_not(cur_checked_div_usize(SIZE_MAX, 0, &us));
    cr_assert_eq(i8, 11);
    cr_assert_eq(u16, 12);
    cr_assert_eq(i64, 13);
    cr_assert_eq(us, 14);
}

Test(num, min_divided_by_minus_one_fails_in_div_and_rem)
{
    int8_t i8 = 1;
    int16_t i16 = 2;
    int32_t i32 = 3;
    int64_t i64 = 4;
    ptrdiff_t is = 5;
    cr_assert_not(cur_checked_div_i8(INT8_MIN, -1, &i8));
    cr_assert_not(cur_checked_rem_i8(INT8_MIN, -1, &i8));
    cr_assert_not(cur_checked_div_i16(INT16_MIN, -1, &i16));
    cr_assert_not(cur_checked_rem_i16(INT16_MIN, -1, &i16));
    cr_assert_not(cur_checked_div_i32(INT32_MIN, -1, &i32));
    cr_assert_not(cur_checked_rem_i32(INT32_MIN, -1, &i32));
    cr_assert_not(cur_checked_div_i64(INT64_MIN, -1, &i64));
    cr_assert_not(cur_checked_rem_i64(INT64_MIN, -1, &i64));
    cr_assert_not(cur_checked_div_isize(PTRDIFF_MIN, -1, &is));
    cr_assert_not(cur_checked_rem_isize(PTRDIFF_MIN, -1, &is));
    cr_assert_eq(i8 + i16 + i32 + i64 + is, 15);
    /* the neighbours are fine */
    cr_assert(cur_checked_div_i64(INT64_MIN, 1, &i64));
    cr_assert_eq(i64, INT64_MIN);
    cr_assert(cur_checked_div_i64(INT64_MIN + 1, -1, &i64));
    cr_assert_eq(i64, INT64_MAX);
    cr_assert(cur_checked_rem_i64(INT64_MIN, -2, &i64));
    cr_assert_eq(i64, 0);
}

Test(num, examples_from_rust_documentation)
{
    int32_t i32;
    uint32_t u32;
    /* rounding toward zero and the sign of the remainder */
    cr_assert(cur_checked_div_i32(-7, 2, &i32));
    cr_assert_eq(i32, -3);
    cr_assert(cur_checked_rem_i32(-7, 2, &i32));
    cr_assert_eq(i32, -1);
    cr_assert(cur_checked_rem_i32(7, -2, &i32));
    cr_assert_eq(i32, 1);
    /* negation */
    cr_assert_eq(cur_wrapping_neg_i8(INT8_MIN), INT8_MIN);
    cr_assert_not(cur_checked_neg_u32(5, &u32));
    cr_assert(cur_checked_neg_u32(0, &u32));
    cr_assert_eq(u32, 0);
    cr_assert_eq(cur_wrapping_neg_u32(1), UINT32_MAX);
    /* saturation */
    cr_assert_eq(cur_saturating_add_u8(100, 200), 255);
    cr_assert_eq(cur_saturating_sub_u8(100, 200), 0);
    cr_assert_eq(cur_saturating_sub_i32(INT32_MIN, 1), INT32_MIN);
    cr_assert_eq(cur_saturating_mul_i64(INT64_MIN, -1), INT64_MAX);
    cr_assert_eq(cur_saturating_mul_i16(-300, 300), INT16_MIN);
    /* overflowing returns the wrapped value and the flag */
    cr_assert(cur_overflowing_add_i32(INT32_MAX, 1, &i32));
    cr_assert_eq(i32, INT32_MIN);
    cr_assert_not(cur_overflowing_add_i32(1, 1, &i32));
    cr_assert_eq(i32, 2);
    cr_assert(cur_overflowing_sub_u32(0, 1, &u32));
    cr_assert_eq(u32, UINT32_MAX);
    /* wrapping multiplication of narrow unsigned types: no int promotion */
    cr_assert_eq(cur_wrapping_mul_u16(65535, 65535), 1);
    cr_assert_eq(cur_wrapping_mul_u32(UINT32_MAX, UINT32_MAX), 1);
}

Test(num, checked_failure_leaves_out_untouched)
{
    uint64_t u = 99;
    int16_t s = 98;
    cr_assert_not(cur_checked_add_u64(UINT64_MAX, 1, &u));
    cr_assert_not(cur_checked_sub_u64(0, 1, &u));
    cr_assert_not(cur_checked_mul_u64(1ull << 32, 1ull << 32, &u));
    cr_assert_not(cur_checked_neg_u64(1, &u));
    cr_assert_not(cur_checked_shl_u64(1, 64, &u));
    cr_assert_not(cur_checked_shr_u64(1, 64, &u));
    cr_assert_not(cur_checked_add_i16(INT16_MAX, 1, &s));
    cr_assert_not(cur_checked_sub_i16(INT16_MIN, 1, &s));
    cr_assert_not(cur_checked_mul_i16(256, 128, &s));
    cr_assert_not(cur_checked_neg_i16(INT16_MIN, &s));
    cr_assert_eq(u, 99);
    cr_assert_eq(s, 98);
}

/* --- type-generic dispatch ------------------------------------------------ */

Test(num, generic_dispatch_uses_the_type_of_the_first_operand)
{
    uint8_t small = 200, s8 = 7;
    cr_assert_not(cur_checked_add(small, 100, &s8));
    cr_assert_eq(s8, 7);
    int s = 0;
    cr_assert(cur_checked_add(200, 100, &s));
    cr_assert_eq(s, 300);
    cr_assert_eq(cur_wrapping_add(small, 100), 44);
    cr_assert_eq(cur_saturating_add(small, 100), 255);
    cr_assert_eq(cur_wrapping_add(200, 100), 300);
}

/*
 * For every standard integer type: the result type is the operand type,
 * and the limits are that type's (MAX + 1 fails, wraps to MIN, saturates).
 */
#define DISPATCH_CASE(T, MIN, MAX)                                           \
    do {                                                                     \
        _Static_assert(_Generic(cur_wrapping_add((T)0, (T)0),                \
                           T: 1, default: 0),                                \
                       "wrapping_add on " #T " returns " #T);                \
        _Static_assert(_Generic(cur_saturating_mul((T)0, (T)0),              \
                           T: 1, default: 0),                                \
                       "saturating_mul on " #T " returns " #T);              \
        T o = (T)5;                                                          \
        const T max = (MAX);                                                 \
        cr_assert_not(cur_checked_add(max, (T)1, &o), #T);                   \
        cr_assert_eq(o, (T)5, #T);                                           \
        cr_assert(cur_checked_sub(max, (T)1, &o), #T);                       \
        cr_assert_eq(o, (T)((MAX) - 1), #T);                                 \
        cr_assert_eq(cur_wrapping_add(max, (T)1), (T)(MIN), #T);             \
        cr_assert_eq(cur_saturating_add(max, (T)1), max, #T);                \
        cr_assert(cur_overflowing_mul(max, (T)2, &o), #T);                   \
        const uint32_t bits = (uint32_t)(sizeof(T) * CHAR_BIT);              \
        cr_assert_not(cur_checked_shl((T)1, bits, &o), #T);                  \
        cr_assert(cur_checked_shr(max, bits - 1, &o), #T);                   \
        cr_assert_eq(o, (T)((MIN) < 0 ? 0 : 1), #T);                         \
        cr_assert_not(cur_checked_div(max, (T)0, &o), #T);                   \
        cr_assert_eq(cur_wrapping_neg((T)(MIN)), (T)(MIN), #T);              \
    } while (0)

Test(num, generic_dispatch_covers_every_standard_integer_type)
{
    DISPATCH_CASE(signed char, SCHAR_MIN, SCHAR_MAX);
    DISPATCH_CASE(short, SHRT_MIN, SHRT_MAX);
    DISPATCH_CASE(int, INT_MIN, INT_MAX);
    DISPATCH_CASE(long, LONG_MIN, LONG_MAX);
    DISPATCH_CASE(long long, LLONG_MIN, LLONG_MAX);
    DISPATCH_CASE(unsigned char, 0, UCHAR_MAX);
    DISPATCH_CASE(unsigned short, 0, USHRT_MAX);
    DISPATCH_CASE(unsigned, 0, UINT_MAX);
    DISPATCH_CASE(unsigned long, 0, ULONG_MAX);
    DISPATCH_CASE(unsigned long long, 0, ULLONG_MAX);
}

Test(num, generic_dispatch_covers_the_typedefs)
{
    DISPATCH_CASE(int8_t, INT8_MIN, INT8_MAX);
    DISPATCH_CASE(int16_t, INT16_MIN, INT16_MAX);
    DISPATCH_CASE(int32_t, INT32_MIN, INT32_MAX);
    DISPATCH_CASE(int64_t, INT64_MIN, INT64_MAX);
    DISPATCH_CASE(uint8_t, 0, UINT8_MAX);
    DISPATCH_CASE(uint16_t, 0, UINT16_MAX);
    DISPATCH_CASE(uint32_t, 0, UINT32_MAX);
    DISPATCH_CASE(uint64_t, 0, UINT64_MAX);
    DISPATCH_CASE(ptrdiff_t, PTRDIFF_MIN, PTRDIFF_MAX);
    DISPATCH_CASE(size_t, 0, SIZE_MAX);
    DISPATCH_CASE(intmax_t, INTMAX_MIN, INTMAX_MAX);
    DISPATCH_CASE(uintptr_t, 0, UINTPTR_MAX);
}

Test(num, generic_dispatch_accepts_const_operands_and_evaluates_once)
{
    const uint16_t c = UINT16_MAX;
    uint16_t o = 1;
    cr_assert_not(cur_checked_add(c, 1, &o));
    cr_assert_eq(o, 1);
    uint32_t calls = 0;
    uint32_t v = cur_wrapping_add((calls++, UINT32_MAX), 2u);
    cr_assert_eq(v, 1);
    cr_assert_eq(calls, 1);
}

/* --- parsing: tables ------------------------------------------------------ */

#define PE CUR_EPARSE
#define PR CUR_ERANGE
#define PI CUR_EINVAL
#define ONES63                                                               \
    "1111111111111111111111111111111" "11111111111111111111111111111111"
#define ZEROS63                                                              \
    "0000000000000000000000000000000" "00000000000000000000000000000000"

struct parse_case {
    const char *s;
    int base;
    int rc;
    wide value;
    ptrdiff_t len; /* 0: strlen(s) */
};

static const struct parse_case i64_cases[] = {
    {"0", 10, 0, 0, 0},
    {"+0", 10, 0, 0, 0},
    {"-0", 10, 0, 0, 0},
    {"-0000", 10, 0, 0, 0},
    {"42", 10, 0, 42, 0},
    {"+42", 10, 0, 42, 0},
    {"-42", 10, 0, -42, 0},
    {"007", 10, 0, 7, 0},
    {"9223372036854775807", 10, 0, INT64_MAX, 0},
    {"+9223372036854775807", 10, 0, INT64_MAX, 0},
    {"-9223372036854775808", 10, 0, INT64_MIN, 0},
    {"9223372036854775808", 10, PR, 0, 0},
    {"-9223372036854775809", 10, PR, 0, 0},
    {"000000000000000000000000000009223372036854775807", 10, 0, INT64_MAX, 0},
    {"-00000000000000000000000000009223372036854775808", 10, 0, INT64_MIN, 0},
    {"000000000000000000000000000009223372036854775808", 10, PR, 0, 0},
    {"99999999999999999999999", 10, PR, 0, 0},
    {"-99999999999999999999999", 10, PR, 0, 0},
    {"", 10, PE, 0, 0},
    {"+", 10, PE, 0, 0},
    {"-", 10, PE, 0, 0},
    {"++1", 10, PE, 0, 0},
    {"+-1", 10, PE, 0, 0},
    {"-+1", 10, PE, 0, 0},
    {"--1", 10, PE, 0, 0},
    {"1-", 10, PE, 0, 0},
    {" 1", 10, PE, 0, 0},
    {"1 ", 10, PE, 0, 0},
    {"\t1", 10, PE, 0, 0},
    {"1\n", 10, PE, 0, 0},
    {"1_000", 10, PE, 0, 0},
    {"1.0", 10, PE, 0, 0},
    {"1e3", 10, PE, 0, 0},
    {"0x10", 16, PE, 0, 0},
    {"\xff", 10, PE, 0, 0},
    {"1\x80", 10, PE, 0, 0},
    {"1\0", 10, PE, 0, 2},
    {"\0", 10, PE, 0, 1},
    {"12\0" "3", 10, PE, 0, 4},
    /* the first problem from the left wins, as in Rust */
    {"99999999999999999999x", 10, PR, 0, 0},
    {"9999999999999999999x", 10, PR, 0, 0},
    {"-9999999999999999999x", 10, PR, 0, 0},
    {"1000000000000000000x", 10, PE, 0, 0},
    {"1x99999999999999999999", 10, PE, 0, 0},
    /* bases */
    {"10", 2, 0, 2, 0},
    {"2", 2, PE, 0, 0},
    {"777", 8, 0, 511, 0},
    {"8", 8, PE, 0, 0},
    {"ff", 16, 0, 255, 0},
    {"FF", 16, 0, 255, 0},
    {"-fF", 16, 0, -255, 0},
    {"fg", 16, PE, 0, 0},
    {"y", 35, 0, 34, 0},
    {"z", 35, PE, 0, 0},
    {"zz", 36, 0, 1295, 0},
    {"ZZ", 36, 0, 1295, 0},
    {"Zz", 36, 0, 1295, 0},
    {"7fffffffffffffff", 16, 0, INT64_MAX, 0},
    {"7FFFFFFFFFFFFFFF", 16, 0, INT64_MAX, 0},
    {"-8000000000000000", 16, 0, INT64_MIN, 0},
    {"8000000000000000", 16, PR, 0, 0},
    {"-8000000000000001", 16, PR, 0, 0},
    {ONES63, 2, 0, INT64_MAX, 0},
    {"1" ZEROS63, 2, PR, 0, 0},
    {"-1" ZEROS63, 2, 0, INT64_MIN, 0},
    {"1y2p0ij32e8e7", 36, 0, INT64_MAX, 0},
    {"1Y2P0IJ32E8E7", 36, 0, INT64_MAX, 0},
    {"1y2p0ij32e8e8", 36, PR, 0, 0},
    {"-1y2p0ij32e8e8", 36, 0, INT64_MIN, 0},
    {"-1y2p0ij32e8e9", 36, PR, 0, 0},
    /* bad bases are checked before anything else */
    {"1", 0, PI, 0, 0},
    {"1", 1, PI, 0, 0},
    {"1", 37, PI, 0, 0},
    {"1", -10, PI, 0, 0},
    {"1", INT32_MIN, PI, 0, 0},
    {"", 37, PI, 0, 0},
    {"x", 1, PI, 0, 0},
    {"1", 2, 0, 1, 0},
    {"1", 36, 0, 1, 0},
};

static const struct parse_case u64_cases[] = {
    {"0", 10, 0, 0, 0},
    {"+0", 10, 0, 0, 0},
    {"-0", 10, PE, 0, 0},
    {"-1", 10, PE, 0, 0},
    {"", 10, PE, 0, 0},
    {"+", 10, PE, 0, 0},
    {"-", 10, PE, 0, 0},
    {"++0", 10, PE, 0, 0},
    {"18446744073709551615", 10, 0, UINT64_MAX, 0},
    {"+18446744073709551615", 10, 0, UINT64_MAX, 0},
    {"18446744073709551616", 10, PR, 0, 0},
    {"99999999999999999999", 10, PR, 0, 0},
    {"9999999999999999999", 10, 0, 9999999999999999999u, 0},
    {"000000000000000000000000000018446744073709551615", 10, 0, UINT64_MAX,
     0},
    {"ffffffffffffffff", 16, 0, UINT64_MAX, 0},
    {"FFFFFFFFFFFFFFFF", 16, 0, UINT64_MAX, 0},
    {"10000000000000000", 16, PR, 0, 0},
    {"1" ONES63, 2, 0, UINT64_MAX, 0},
    {"10" ZEROS63, 2, PR, 0, 0},
    {"3w5e11264sgsf", 36, 0, UINT64_MAX, 0},
    {"3W5E11264SGSF", 36, 0, UINT64_MAX, 0},
    {"3w5e11264sgsg", 36, PR, 0, 0},
    {"184467440737095516159x", 10, PR, 0, 0},
    {"1x", 10, PE, 0, 0},
    {"1", 37, PI, 0, 0},
    {"", 1, PI, 0, 0},
};

static const struct parse_case i32_cases[] = {
    {"2147483647", 10, 0, INT32_MAX, 0},
    {"-2147483648", 10, 0, INT32_MIN, 0},
    {"2147483648", 10, PR, 0, 0},
    {"-2147483649", 10, PR, 0, 0},
    {"9223372036854775807", 10, PR, 0, 0},
    {"-9223372036854775808", 10, PR, 0, 0},
    {"7fffffff", 16, 0, INT32_MAX, 0},
    {"-80000000", 16, 0, INT32_MIN, 0},
    {"80000000", 16, PR, 0, 0},
    {"zik0zj", 36, 0, INT32_MAX, 0},
    {"zik0zk", 36, PR, 0, 0},
    {"-zik0zk", 36, 0, INT32_MIN, 0},
    {"-0", 10, 0, 0, 0},
    {"-", 10, PE, 0, 0},
    {"", 10, PE, 0, 0},
    {"1 ", 10, PE, 0, 0},
    /* out of range before the bad byte: the range error wins */
    {"99999999999x", 10, PR, 0, 0},
    {"-99999999999x", 10, PR, 0, 0},
    {"2147483648x", 10, PR, 0, 0},
    {"214748364x8", 10, PE, 0, 0},
    {"1", 37, PI, 0, 0},
};

static const struct parse_case u32_cases[] = {
    {"4294967295", 10, 0, UINT32_MAX, 0},
    {"4294967296", 10, PR, 0, 0},
    {"18446744073709551615", 10, PR, 0, 0},
    {"ffffffff", 16, 0, UINT32_MAX, 0},
    {"100000000", 16, PR, 0, 0},
    {"1z141z3", 36, 0, UINT32_MAX, 0},
    {"1z141z4", 36, PR, 0, 0},
    {"-0", 10, PE, 0, 0},
    {"+7", 10, 0, 7, 0},
    {"4294967296x", 10, PR, 0, 0},
    {"429496729x6", 10, PE, 0, 0},
    {"", 10, PE, 0, 0},
    {"1", 0, PI, 0, 0},
};

/* Runs one table through one parser, checking rc, value and sentinel. */
#define RUN_PARSE_TABLE(cases, T, fn)                                        \
    do {                                                                     \
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {          \
            const struct parse_case *c = &cases[i];                          \
            ptrdiff_t len = c->len ? c->len : (ptrdiff_t)strlen(c->s);       \
            T v = (T)SENTINEL;                                               \
            int rc = fn(c->s, len, c->base, &v);                             \
            cr_assert_eq(rc, c->rc, "%s(\"%s\", base %d): rc %s, want %s",   \
                         #fn, c->s, c->base, cur_err_name(rc),               \
                         cur_err_name(c->rc));                               \
            wide want = c->rc == 0 ? c->value : (wide)(T)SENTINEL;           \
            cr_assert(v == want, "%s(\"%s\", base %d): wrong value", #fn,    \
                      c->s, c->base);                                        \
        }                                                                    \
    } while (0)

Test(num, parse_i64_table)
{
    RUN_PARSE_TABLE(i64_cases, int64_t, cur_num_parse_i64);
}

Test(num, parse_u64_table)
{
    RUN_PARSE_TABLE(u64_cases, uint64_t, cur_num_parse_u64);
}

Test(num, parse_i32_table)
{
    RUN_PARSE_TABLE(i32_cases, int32_t, cur_num_parse_i32);
}

Test(num, parse_u32_table)
{
    RUN_PARSE_TABLE(u32_cases, uint32_t, cur_num_parse_u32);
}

Test(num, parse_rejects_negative_length)
{
    int64_t v = 3;
    uint32_t u = 4;
    cr_assert_eq(cur_num_parse_i64("1", -1, 10, &v), CUR_EINVAL);
    cr_assert_eq(cur_num_parse_u32("1", PTRDIFF_MIN, 10, &u), CUR_EINVAL);
    cr_assert_eq(cur_num_parse_i64(NULL, -1, 10, &v), CUR_EINVAL);
    cr_assert_eq(v, 3);
    cr_assert_eq(u, 4);
}

Test(num, parse_reads_only_len_bytes)
{
    /* An exact-size heap copy, so that ASan sees any read past the end. */
    char *p = malloc(3);
    cr_assert_not_null(p);
    memcpy(p, "123", 3);
    int64_t v = 0;
    uint64_t u = 0;
    int32_t i = 0;
    uint32_t w = 0;
    cr_assert_eq(cur_num_parse_i64(p, 3, 10, &v), 0);
    cr_assert_eq(cur_num_parse_u64(p, 3, 10, &u), 0);
    cr_assert_eq(cur_num_parse_i32(p, 2, 10, &i), 0);
    cr_assert_eq(cur_num_parse_u32(p, 1, 16, &w), 0);
    free(p);
    cr_assert_eq(v, 123);
    cr_assert_eq(u, 123);
    cr_assert_eq(i, 12);
    cr_assert_eq(w, 1);
}

Test(num, parse_null_with_zero_length_is_empty)
{
    int64_t v = 5;
    uint64_t u = 6;
    cr_assert_eq(cur_num_parse_i64(NULL, 0, 10, &v), CUR_EPARSE);
    cr_assert_eq(cur_num_parse_u64(NULL, 0, 10, &u), CUR_EPARSE);
    cr_assert_eq(v, 5);
    cr_assert_eq(u, 6);
}

Test(num, parse_null_string_with_length_panics, .signal = SIGABRT)
{
    int64_t v;
    (void)!cur_num_parse_i64(NULL, 1, 10, &v);
}

Test(num, parse_null_out_panics, .signal = SIGABRT)
{
    (void)!cur_num_parse_u64("1", 1, 10, NULL);
}

Test(num, parse_i32_null_out_panics, .signal = SIGABRT)
{
    (void)!cur_num_parse_i32("1", 1, 10, NULL);
}

/* 2^64 + k in base b, for the "one past the maximum" of u64. */
static void format_wide(char *buf, uwide v, int base)
{
    const unsigned b = (unsigned)base;
    char tmp[128];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % b];
        v /= b;
    } while (v);
    int w = 0;
    while (n) buf[w++] = tmp[--n];
    buf[w] = '\0';
}

Test(num, parse_limits_and_one_past_in_every_base)
{
    char s[200];
    for (int base = 2; base <= 36; base++) {
        int64_t v;
        uint64_t u;
        int32_t i;
        uint32_t w;
        format_wide(s, INT64_MAX, base);
        cr_assert_eq(cur_num_parse_i64(s, (ptrdiff_t)strlen(s), base, &v), 0);
        cr_assert_eq(v, INT64_MAX, "base %d", base);
        format_wide(s, (uwide)INT64_MAX + 1, base);
        cr_assert_eq(cur_num_parse_i64(s, (ptrdiff_t)strlen(s), base, &v),
                     CUR_ERANGE, "base %d", base);
        s[0] = '-';
        format_wide(s + 1, (uwide)INT64_MAX + 1, base);
        cr_assert_eq(cur_num_parse_i64(s, (ptrdiff_t)strlen(s), base, &v), 0);
        cr_assert_eq(v, INT64_MIN, "base %d", base);
        format_wide(s + 1, (uwide)INT64_MAX + 2, base);
        cr_assert_eq(cur_num_parse_i64(s, (ptrdiff_t)strlen(s), base, &v),
                     CUR_ERANGE, "base %d", base);

        format_wide(s, UINT64_MAX, base);
        cr_assert_eq(cur_num_parse_u64(s, (ptrdiff_t)strlen(s), base, &u), 0);
        cr_assert_eq(u, UINT64_MAX, "base %d", base);
        format_wide(s, (uwide)UINT64_MAX + 1, base);
        cr_assert_eq(cur_num_parse_u64(s, (ptrdiff_t)strlen(s), base, &u),
                     CUR_ERANGE, "base %d", base);

        format_wide(s, INT32_MAX, base);
        cr_assert_eq(cur_num_parse_i32(s, (ptrdiff_t)strlen(s), base, &i), 0);
        cr_assert_eq(i, INT32_MAX, "base %d", base);
        format_wide(s, (uwide)INT32_MAX + 1, base);
        cr_assert_eq(cur_num_parse_i32(s, (ptrdiff_t)strlen(s), base, &i),
                     CUR_ERANGE, "base %d", base);
        s[0] = '-';
        format_wide(s + 1, (uwide)INT32_MAX + 1, base);
        cr_assert_eq(cur_num_parse_i32(s, (ptrdiff_t)strlen(s), base, &i), 0);
        cr_assert_eq(i, INT32_MIN, "base %d", base);
        format_wide(s + 1, (uwide)INT32_MAX + 2, base);
        cr_assert_eq(cur_num_parse_i32(s, (ptrdiff_t)strlen(s), base, &i),
                     CUR_ERANGE, "base %d", base);

        format_wide(s, UINT32_MAX, base);
        cr_assert_eq(cur_num_parse_u32(s, (ptrdiff_t)strlen(s), base, &w), 0);
        cr_assert_eq(w, UINT32_MAX, "base %d", base);
        format_wide(s, (uwide)UINT32_MAX + 1, base);
        cr_assert_eq(cur_num_parse_u32(s, (ptrdiff_t)strlen(s), base, &w),
                     CUR_ERANGE, "base %d", base);
    }
}

/* --- parsing: against a transliteration of Rust's from_str_radix ---------- */

static int ref_digit(unsigned char c, int base)
{
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    return d < base ? d : -1;
}

/*
 * core::num::from_str_radix, step by step: the radix check, Empty, a lone
 * sign, the sign for signed types only, then per digit: InvalidDigit, then
 * checked_mul, then checked_add (checked_sub for negatives), each failure
 * an overflow.
 */
static int ref_parse(const struct spec *t, const char *s, ptrdiff_t len,
                     int base, wide *out)
{
    if (base < 2 || base > 36) return CUR_EINVAL;
    if (len == 0) return CUR_EPARSE;
    if (len == 1 && (s[0] == '+' || s[0] == '-')) return CUR_EPARSE;
    bool positive = true;
    ptrdiff_t i = 0;
    if (s[0] == '+') {
        i = 1;
    } else if (s[0] == '-' && t->is_signed) {
        positive = false;
        i = 1;
    }
    wide r = 0;
    for (; i < len; i++) {
        int d = ref_digit((unsigned char)s[i], base);
        if (d < 0) return CUR_EPARSE;
        r *= base;
        if (!in_range(t, r)) return CUR_ERANGE;
        r = positive ? r + d : r - d;
        if (!in_range(t, r)) return CUR_ERANGE;
    }
    *out = r;
    return 0;
}

/* Strings mostly of valid digits, sometimes with signs and other bytes. */
static ptrdiff_t random_numeral(char *s, int base)
{
    static const char junk[] = "+-+- _.xXzZ\t\0\xff\x80/:@[`{";
    static const char lower[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    static const char upper[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    ptrdiff_t len = (ptrdiff_t)(rng() % 72);
    for (ptrdiff_t i = 0; i < len; i++) {
        uint64_t r = rng();
        if (r % 100 < 4) {
            s[i] = junk[(r >> 8) % (sizeof junk - 1)];
        } else {
            int d = (int)((r >> 8) % (uint64_t)base);
            s[i] = (r >> 20) & 1 ? upper[d] : lower[d];
        }
    }
    if (len > 0 && rng() % 3 == 0) s[0] = "+-"[rng() & 1];
    return len;
}

static void differential(const struct spec *t, int64_t rounds)
{
    char s[160]; /* a sign and up to 128 digits from format_wide */
    for (int64_t k = 0; k < rounds; k++) {
        /* Mostly valid bases; one in 16 from -2 to 37. */
        int base = rng() % 16 == 0 ? (int)(rng() % 40) - 2
                                   : 2 + (int)(rng() % 35);
        int b = base >= 2 && base <= 36 ? base : 10;
        ptrdiff_t len;
        if (rng() % 4 == 0) {
            /* Near a limit: MAX + 1 - 1000 + [0, 2000), maybe negative,
             * maybe with one byte replaced. */
            bool neg = t->is_signed && (rng() & 1);
            s[0] = '-';
            format_wide(s + neg, (uwide)t->max + 1 - 1000 + rng() % 2000, b);
            len = (ptrdiff_t)strlen(s);
            if (rng() % 4 == 0) s[rng() % (uint64_t)len] = "/:@[`{ "[rng() % 7];
        } else {
            len = random_numeral(s, b);
        }
        wide want = 0, got = (wide)SENTINEL;
        int want_rc = ref_parse(t, s, len, base, &want);
        int rc;
        if (t->bits == 64 && t->is_signed) {
            int64_t v = (int64_t)SENTINEL;
            rc = cur_num_parse_i64(s, len, base, &v);
            got = v;
        } else if (t->bits == 64) {
            uint64_t v = (uint64_t)SENTINEL;
            rc = cur_num_parse_u64(s, len, base, &v);
            got = v;
        } else if (t->is_signed) {
            int32_t v = (int32_t)SENTINEL;
            rc = cur_num_parse_i32(s, len, base, &v);
            got = v;
        } else {
            uint32_t v = (uint32_t)SENTINEL;
            rc = cur_num_parse_u32(s, len, base, &v);
            got = v;
        }
        if (rc != want_rc)
            cr_assert_fail("%s: \"%.*s\" base %d: rc %s, want %s", t->name,
                           (int)len, s, base, cur_err_name(rc),
                           cur_err_name(want_rc));
        if (rc == 0 && got != want)
            cr_assert_fail("%s: \"%.*s\" base %d: wrong value", t->name,
                           (int)len, s, base);
        if (rc != 0 && got != wrap(t, SENTINEL))
            cr_assert_fail("%s: \"%.*s\" base %d: out written on failure",
                           t->name, (int)len, s, base);
    }
}

Test(num, parse_i64_matches_rust_reference_on_random_input)
{
    differential(&spec_i64, 300000);
}

Test(num, parse_u64_matches_rust_reference_on_random_input)
{
    differential(&spec_u64, 300000);
}

Test(num, parse_i32_and_u32_match_rust_reference_on_random_input)
{
    differential(&spec_i32, 200000);
    differential(&spec_u32, 200000);
}

Test(num, parse_i64_agrees_with_strtoll_on_decimal_input)
{
    char s[64];
    for (int k = 0; k < 200000; k++) {
        wide x = random_value(&spec_i64);
        int n = snprintf(s, sizeof s, "%lld", (long long)x);
        /* Sometimes ten times as much, which often no longer fits. */
        if (k % 7 == 0) {
            s[n++] = (char)('0' + k % 10);
            s[n] = '\0';
        }
        int64_t v = 0;
        int rc = cur_num_parse_i64(s, n, 10, &v);
        errno = 0;
        char *end;
        long long want = strtoll(s, &end, 10);
        bool libc_ok = errno == 0 && *end == '\0' && end != s;
        cr_assert_eq(rc == 0, libc_ok, "\"%s\": rc %d", s, rc);
        if (rc == 0) cr_assert_eq(v, want, "\"%s\"", s);
        else cr_assert_eq(rc, CUR_ERANGE, "\"%s\"", s);
    }
}

/* --- formatting ----------------------------------------------------------- */

Test(num, format_table)
{
    static const struct {
        int64_t v;
        int base;
        const char *want;
    } cases[] = {
        {0, 10, "0"},
        {0, 2, "0"},
        {7, 10, "7"},
        {-7, 10, "-7"},
        {255, 16, "ff"},
        {-255, 16, "-ff"},
        {5, 2, "101"},
        {35, 36, "z"},
        {1295, 36, "zz"},
        {INT64_MAX, 10, "9223372036854775807"},
        {INT64_MIN, 10, "-9223372036854775808"},
        {INT64_MIN, 16, "-8000000000000000"},
        {INT64_MAX, 36, "1y2p0ij32e8e7"},
        {INT64_MIN, 2, "-1" ZEROS63},
    };
    char buf[CUR_NUM_FORMAT_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int n = cur_num_format_i64(buf, CUR_SIZEOF(buf), cases[i].v,
                                   cases[i].base);
        cr_assert_eq(n, (int)strlen(cases[i].want));
        cr_assert_str_eq(buf, cases[i].want);
    }
    cr_assert_eq(cur_num_format_u64(buf, CUR_SIZEOF(buf), UINT64_MAX, 2), 64);
    cr_assert_str_eq(buf, "1" ONES63);
    cr_assert_eq(cur_num_format_u64(buf, CUR_SIZEOF(buf), UINT64_MAX, 10), 20);
    cr_assert_str_eq(buf, "18446744073709551615");
    cr_assert_eq(cur_num_format_u64(buf, CUR_SIZEOF(buf), 0xff, 16), 2);
    cr_assert_str_eq(buf, "ff");
    cr_assert_eq(cur_num_format_u64(buf, CUR_SIZEOF(buf), (uint64_t)-1, 16),
                 16);
    cr_assert_str_eq(buf, "ffffffffffffffff");
}

Test(num, format_cuts_like_snprintf)
{
    char buf[8];
    memset(buf, 'x', sizeof buf);
    cr_assert_eq(cur_num_format_i64(buf, 4, -123456, 10), 7);
    cr_assert_str_eq(buf, "-12");
    cr_assert_eq(buf[4], 'x');
    cr_assert_eq(cur_num_format_i64(buf, 1, -5, 10), 2);
    cr_assert_str_eq(buf, "");
    cr_assert_eq(cur_num_format_u64(buf, 3, 100, 10), 3);
    cr_assert_str_eq(buf, "10");
    cr_assert_eq(cur_num_format_u64(buf, 4, 100, 10), 3);
    cr_assert_str_eq(buf, "100");
}

Test(num, format_measures_with_a_null_buffer)
{
    cr_assert_eq(cur_num_format_i64(NULL, 0, INT64_MIN, 2), 65);
    cr_assert_eq(cur_num_format_u64(NULL, 0, 0, 10), 1);
    cr_assert_lt(65, CUR_NUM_FORMAT_MAX);
}

Test(num, format_rejects_bad_arguments_and_leaves_buf_untouched)
{
    char buf[4] = "abc";
    cr_assert_eq(cur_num_format_i64(buf, CUR_SIZEOF(buf), 1, 1), CUR_EINVAL);
    cr_assert_eq(cur_num_format_i64(buf, CUR_SIZEOF(buf), 1, 37), CUR_EINVAL);
    cr_assert_eq(cur_num_format_u64(buf, CUR_SIZEOF(buf), 1, 0), CUR_EINVAL);
    cr_assert_eq(cur_num_format_u64(buf, -1, 1, 10), CUR_EINVAL);
    cr_assert_eq(cur_num_format_u64(NULL, 1, 1, 10), CUR_EINVAL);
    cr_assert_str_eq(buf, "abc");
}

Test(num, format_then_parse_round_trips_in_every_base)
{
    char buf[CUR_NUM_FORMAT_MAX];
    for (int k = 0; k < 100000; k++) {
        int base = 2 + k % 35;
        int64_t v = (int64_t)random_value(&spec_i64);
        uint64_t u = (uint64_t)random_value(&spec_u64);
        int n = cur_num_format_i64(buf, CUR_SIZEOF(buf), v, base);
        cr_assert(n > 0 && n < CUR_NUM_FORMAT_MAX);
        int64_t v2;
        cr_assert_eq(cur_num_parse_i64(buf, n, base, &v2), 0, "%s", buf);
        cr_assert_eq(v2, v, "%s base %d", buf, base);
        n = cur_num_format_u64(buf, CUR_SIZEOF(buf), u, base);
        cr_assert(n > 0 && n < CUR_NUM_FORMAT_MAX);
        uint64_t u2;
        cr_assert_eq(cur_num_parse_u64(buf, n, base, &u2), 0, "%s", buf);
        cr_assert_eq(u2, u, "%s base %d", buf, base);
    }
}
