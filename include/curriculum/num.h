/*
 * curriculum/num.h: Rust's integer methods for C's fixed-width integers.
 *
 * Rust makes the programmer say what happens when arithmetic overflows:
 * checked_add returns None, wrapping_add wraps, saturating_add clamps,
 * overflowing_add returns the wrapped value and a flag. C leaves signed
 * overflow undefined and unsigned overflow silent. This header gives the
 * four families for every fixed-width type, built on the compiler's
 * __builtin_*_overflow and on unsigned arithmetic, never on undefined
 * behaviour.
 *
 * Names: cur_<family>_<op>_<type>, with type one of i8 i16 i32 i64 u8 u16
 * u32 u64, isize (ptrdiff_t) and usize (size_t):
 *
 *     cur_checked_add_i32(a, b, &out)     Rust's a.checked_add(b)
 *     cur_wrapping_mul_u8(a, b)           a.wrapping_mul(b)
 *     cur_saturating_sub_i64(a, b)        a.saturating_sub(b)
 *     cur_overflowing_add_u16(a, b, &out) a.overflowing_add(b)
 *
 * Families and operations:
 *   checked     add sub mul div rem neg shl shr: return true and write *out
 *               on success; return false and leave *out untouched on
 *               overflow, on a zero divisor, on MIN / -1 and MIN % -1, and
 *               on a shift amount >= the bit width.
 *   wrapping    add sub mul neg shl shr: the result modulo 2^bits. Shift
 *               amounts are taken modulo the bit width, as Rust does.
 *   saturating  add sub mul: the result clamped to [MIN, MAX].
 *   overflowing add sub mul: always write the wrapped result to *out and
 *               return true if it overflowed (Rust's (T, bool)).
 * Shift amounts are uint32_t, as Rust's are u32. Right shifts of signed
 * values are arithmetic (they copy the sign bit), as in Rust.
 *
 * Type-generic forms pick the function by the type of the first operand,
 * like Rust's method call on a value:
 *
 *     uint8_t small = 200;
 *     uint8_t s8;
 *     int s;
 *     cur_checked_add(small, 100, &s8);  false: 300 does not fit in a u8
 *     cur_checked_add(200, 100, &s);     true: 200 is an int, s = 300
 *
 * Every other operand converts to the first operand's type, so write it in
 * that type: -Wconversion reports a narrowing, and an out-param of another
 * type is an incompatible pointer, which -Werror rejects. char and bool have
 * no arithmetic here (cast to int8_t or uint8_t); enums dispatch as their
 * compatible integer type. Mind C's integer promotions: for uint8_t a and b,
 * `a + b` is an int, so cur_checked_add(a + b, ...) does int arithmetic.
 *
 * Parsing (cur_num_parse_*) follows Rust's from_str_radix exactly, on a
 * pointer and a length; formatting (cur_num_format_*) writes any base from
 * 2 to 36.
 *
 * Requirements: gcc >= 5 or clang >= 3.8 (for __builtin_*_overflow), two's
 * complement integers, int at least 32 bits wide, and ptrdiff_t as wide as
 * size_t. Converting an out-of-range value to a signed type is
 * implementation-defined in C; gcc and clang define it as reduction modulo
 * 2^bits, which the wrapping functions rely on.
 *
 * Thread safety: every function is pure (the out-params aside) and may be
 * called from any thread. Nothing here allocates.
 */
#ifndef CURRICULUM_NUM_H
#define CURRICULUM_NUM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

_Static_assert(UINT_MAX >= UINT32_MAX, "num.h needs int of 32 bits or more");
_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t),
               "num.h needs ptrdiff_t as wide as size_t");
_Static_assert((-1 & 3) == 3, "num.h needs two's complement integers");

/*
 * The generators. Every set of functions below is stamped out by these
 * macros, once per type; they are not API.
 *
 *   PRE, SUF  the name around the operation: cur_ and _i32 make
 *        cur_checked_add_i32; cur__ and _int make the internal
 *        cur__checked_add_int of the dispatch set below
 *   T    the type
 *   U    the unsigned type of the same width
 *   P    the unsigned type the arithmetic runs in: U, or unsigned int when
 *        U is narrower, so that no operand is promoted to signed int (where
 *        uint16_t 65535 * 65535 would be signed overflow, undefined)
 *   MIN, MAX  the limits of T
 *
 * Wrapping arithmetic converts to U (always well-defined, modulo 2^bits),
 * computes in P, reduces to U and converts back to T.
 */
#define CUR__NUM_BITS(T) ((uint32_t)(sizeof(T) * CHAR_BIT))

/* checked_<op>: the overflow builtin, with out written only on success. */
#define CUR__NUM_CHECKED_OP(PRE, SUF, T, op)                                 \
    static inline CUR_NODISCARD bool PRE##checked_##op##SUF(T a, T b,        \
                                                            T *out)          \
    {                                                                        \
        T r;                                                                 \
        if (__builtin_##op##_overflow(a, b, &r)) return false;               \
        *out = r;                                                            \
        return true;                                                         \
    }

/* overflowing_<op>: the wrapped result always, true when it overflowed. */
#define CUR__NUM_OVERFLOWING_OP(PRE, SUF, T, op)                             \
    static inline bool PRE##overflowing_##op##SUF(T a, T b, T *out)          \
    {                                                                        \
        return __builtin_##op##_overflow(a, b, out);                         \
    }

#define CUR__NUM_COMMON(PRE, SUF, T, U, P)                                   \
    CUR__NUM_CHECKED_OP(PRE, SUF, T, add)                                    \
    CUR__NUM_CHECKED_OP(PRE, SUF, T, sub)                                    \
    CUR__NUM_CHECKED_OP(PRE, SUF, T, mul)                                    \
    static inline CUR_NODISCARD bool PRE##checked_shl##SUF(T a, uint32_t n,  \
                                                         T *out)             \
    {                                                                        \
        if (n >= CUR__NUM_BITS(T)) return false;                             \
        *out = (T)(U)((P)(U)a << n);                                         \
        return true;                                                         \
    }                                                                        \
    static inline T PRE##wrapping_add##SUF(T a, T b)                         \
    {                                                                        \
        return (T)(U)((P)(U)a + (P)(U)b);                                    \
    }                                                                        \
    static inline T PRE##wrapping_sub##SUF(T a, T b)                         \
    {                                                                        \
        return (T)(U)((P)(U)a - (P)(U)b);                                    \
    }                                                                        \
    static inline T PRE##wrapping_mul##SUF(T a, T b)                         \
    {                                                                        \
        return (T)(U)((P)(U)a * (P)(U)b);                                    \
    }                                                                        \
    static inline T PRE##wrapping_neg##SUF(T a)                              \
    {                                                                        \
        return (T)(U)((P)0 - (P)(U)a);                                       \
    }                                                                        \
    static inline T PRE##wrapping_shl##SUF(T a, uint32_t n)                  \
    {                                                                        \
        return (T)(U)((P)(U)a << (n & (CUR__NUM_BITS(T) - 1)));              \
    }                                                                        \
    CUR__NUM_OVERFLOWING_OP(PRE, SUF, T, add)                                \
    CUR__NUM_OVERFLOWING_OP(PRE, SUF, T, sub)                                \
    CUR__NUM_OVERFLOWING_OP(PRE, SUF, T, mul)

/*
 * Signed: a right shift of a negative value is written as ~(~a >> n), which
 * shifts a non-negative value and so never depends on how the compiler
 * shifts negative numbers; gcc and clang compile it to one sar.
 */
#define CUR__NUM_SIGNED(PRE, SUF, T, U, P, MIN, MAX)                         \
    static inline T PRE##wrapping_shr##SUF(T a, uint32_t n)                  \
    {                                                                        \
        n &= CUR__NUM_BITS(T) - 1;                                           \
        return (T)(a < 0 ? ~(~a >> n) : a >> n);                             \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_div##SUF(T a, T b, T *out) \
    {                                                                        \
        if (b == 0 || (a == (MIN) && b == -1)) return false;                 \
        *out = (T)(a / b);                                                   \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_rem##SUF(T a, T b, T *out) \
    {                                                                        \
        if (b == 0 || (a == (MIN) && b == -1)) return false;                 \
        *out = (T)(a % b);                                                   \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_neg##SUF(T a, T *out)      \
    {                                                                        \
        if (a == (MIN)) return false;                                        \
        *out = (T)-a;                                                        \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_shr##SUF(T a, uint32_t n,  \
                                                         T *out)             \
    {                                                                        \
        if (n >= CUR__NUM_BITS(T)) return false;                             \
        *out = PRE##wrapping_shr##SUF(a, n);                                 \
        return true;                                                         \
    }                                                                        \
    CUR__NUM_COMMON(PRE, SUF, T, U, P)                                       \
    static inline T PRE##saturating_add##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        if (!__builtin_add_overflow(a, b, &r)) return r;                     \
        return (T)(a < 0 ? (MIN) : (MAX));                                   \
    }                                                                        \
    static inline T PRE##saturating_sub##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        if (!__builtin_sub_overflow(a, b, &r)) return r;                     \
        return (T)(a < 0 ? (MIN) : (MAX));                                   \
    }                                                                        \
    static inline T PRE##saturating_mul##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        if (!__builtin_mul_overflow(a, b, &r)) return r;                     \
        return (T)((a < 0) != (b < 0) ? (MIN) : (MAX));                      \
    }

/* Unsigned: only 0 has a negation; MIN / -1 cannot happen. */
#define CUR__NUM_UNSIGNED(PRE, SUF, T, P, MAX)                               \
    static inline T PRE##wrapping_shr##SUF(T a, uint32_t n)                  \
    {                                                                        \
        return (T)(a >> (n & (CUR__NUM_BITS(T) - 1)));                       \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_div##SUF(T a, T b, T *out) \
    {                                                                        \
        if (b == 0) return false;                                            \
        *out = (T)(a / b);                                                   \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_rem##SUF(T a, T b, T *out) \
    {                                                                        \
        if (b == 0) return false;                                            \
        *out = (T)(a % b);                                                   \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_neg##SUF(T a, T *out)      \
    {                                                                        \
        if (a != 0) return false;                                            \
        *out = 0;                                                            \
        return true;                                                         \
    }                                                                        \
    static inline CUR_NODISCARD bool PRE##checked_shr##SUF(T a, uint32_t n,  \
                                                         T *out)             \
    {                                                                        \
        if (n >= CUR__NUM_BITS(T)) return false;                             \
        *out = PRE##wrapping_shr##SUF(a, n);                                 \
        return true;                                                         \
    }                                                                        \
    CUR__NUM_COMMON(PRE, SUF, T, T, P)                                       \
    static inline T PRE##saturating_add##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        return (T)(__builtin_add_overflow(a, b, &r) ? (MAX) : r);            \
    }                                                                        \
    static inline T PRE##saturating_sub##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        return (T)(__builtin_sub_overflow(a, b, &r) ? 0 : r);                \
    }                                                                        \
    static inline T PRE##saturating_mul##SUF(T a, T b)                       \
    {                                                                        \
        T r;                                                                 \
        return (T)(__builtin_mul_overflow(a, b, &r) ? (MAX) : r);            \
    }

/*
 * The fixed-width functions, for T in int8_t ... uint64_t, ptrdiff_t
 * (isize) and size_t (usize). Each one is a static inline function; all
 * are thread-safe and none reads or writes anything but its arguments.
 *
 * bool cur_checked_add_<t>(T a, T b, T *out)
 * bool cur_checked_sub_<t>(T a, T b, T *out)
 * bool cur_checked_mul_<t>(T a, T b, T *out)
 *     a + b, a - b, a * b. True and *out written if the exact result fits
 *     in T; false and *out untouched if it does not. out must not be NULL.
 *
 * bool cur_checked_div_<t>(T a, T b, T *out)
 * bool cur_checked_rem_<t>(T a, T b, T *out)
 *     a / b (rounded toward zero) and a % b (with the sign of a), as Rust's
 *     / and %. False, *out untouched, if b == 0 or, for signed T, if a is
 *     MIN and b is -1 (the quotient does not fit; Rust's checked_rem
 *     refuses MIN % -1 too, though its value would be 0).
 *
 * bool cur_checked_neg_<t>(T a, T *out)
 *     -a. False for MIN (signed) and for every a other than 0 (unsigned).
 *
 * bool cur_checked_shl_<t>(T a, uint32_t n, T *out)
 * bool cur_checked_shr_<t>(T a, uint32_t n, T *out)
 *     a << n and a >> n. False if n >= the bit width. As Rust's
 *     checked_shl, only the amount is checked: bits shifted out of a left
 *     shift are lost (1 << 31 on i32 is INT32_MIN). shr of a negative a is
 *     arithmetic, rounding toward minus infinity (-7 >> 1 is -4).
 *
 * T cur_wrapping_add_<t>(T a, T b)
 * T cur_wrapping_sub_<t>(T a, T b)
 * T cur_wrapping_mul_<t>(T a, T b)
 * T cur_wrapping_neg_<t>(T a)
 *     The exact result reduced modulo 2^bits into T's range (two's
 *     complement wrap-around). wrapping_neg(MIN) is MIN.
 *
 * T cur_wrapping_shl_<t>(T a, uint32_t n)
 * T cur_wrapping_shr_<t>(T a, uint32_t n)
 *     a << (n % bits) and a >> (n % bits), as Rust's wrapping_shl masks the
 *     amount: wrapping_shl_u8(1, 9) is 2.
 *
 * T cur_saturating_add_<t>(T a, T b)
 * T cur_saturating_sub_<t>(T a, T b)
 * T cur_saturating_mul_<t>(T a, T b)
 *     The exact result clamped to [MIN, MAX].
 *
 * bool cur_overflowing_add_<t>(T a, T b, T *out)
 * bool cur_overflowing_sub_<t>(T a, T b, T *out)
 * bool cur_overflowing_mul_<t>(T a, T b, T *out)
 *     Always write the wrapped result to *out; return true if the exact
 *     result did not fit. Note the sense: true means overflow here, where
 *     the checked functions return true for success.
 */
CUR__NUM_SIGNED(cur_, _i8, int8_t, uint8_t, unsigned, INT8_MIN, INT8_MAX)
CUR__NUM_SIGNED(cur_, _i16, int16_t, uint16_t, unsigned, INT16_MIN,
                INT16_MAX)
CUR__NUM_SIGNED(cur_, _i32, int32_t, uint32_t, unsigned, INT32_MIN,
                INT32_MAX)
CUR__NUM_SIGNED(cur_, _i64, int64_t, uint64_t, uint64_t, INT64_MIN,
                INT64_MAX)
CUR__NUM_SIGNED(cur_, _isize, ptrdiff_t, size_t, size_t, PTRDIFF_MIN,
                PTRDIFF_MAX)
CUR__NUM_UNSIGNED(cur_, _u8, uint8_t, unsigned, UINT8_MAX)
CUR__NUM_UNSIGNED(cur_, _u16, uint16_t, unsigned, UINT16_MAX)
CUR__NUM_UNSIGNED(cur_, _u32, uint32_t, unsigned, UINT32_MAX)
CUR__NUM_UNSIGNED(cur_, _u64, uint64_t, uint64_t, UINT64_MAX)
CUR__NUM_UNSIGNED(cur_, _usize, size_t, size_t, SIZE_MAX)

/*
 * The same functions once more for each standard integer type, under
 * internal names (cur__checked_add_int, ...), for the type-generic macros.
 * _Generic needs one function per distinct type, and int64_t is long on
 * some platforms and long long on others, so dispatching on the fixed-width
 * names alone would leave one of them out.
 */
CUR__NUM_SIGNED(cur__, _schar, signed char, unsigned char, unsigned,
                SCHAR_MIN, SCHAR_MAX)
CUR__NUM_SIGNED(cur__, _short, short, unsigned short, unsigned, SHRT_MIN,
                SHRT_MAX)
CUR__NUM_SIGNED(cur__, _int, int, unsigned, unsigned, INT_MIN, INT_MAX)
CUR__NUM_SIGNED(cur__, _long, long, unsigned long, unsigned long, LONG_MIN,
                LONG_MAX)
CUR__NUM_SIGNED(cur__, _llong, long long, unsigned long long,
                unsigned long long, LLONG_MIN, LLONG_MAX)
CUR__NUM_UNSIGNED(cur__, _uchar, unsigned char, unsigned, UCHAR_MAX)
CUR__NUM_UNSIGNED(cur__, _ushort, unsigned short, unsigned, USHRT_MAX)
CUR__NUM_UNSIGNED(cur__, _uint, unsigned, unsigned, UINT_MAX)
CUR__NUM_UNSIGNED(cur__, _ulong, unsigned long, unsigned long,
                  ULONG_MAX)
CUR__NUM_UNSIGNED(cur__, _ullong, unsigned long long, unsigned long long,
                  ULLONG_MAX)

/* The function for operation op on the type of x. */
#define CUR__NUM_PICK(op, x)                                                 \
    _Generic((x),                                                            \
        signed char: cur__##op##_schar,                                      \
        short: cur__##op##_short,                                            \
        int: cur__##op##_int,                                                \
        long: cur__##op##_long,                                              \
        long long: cur__##op##_llong,                                        \
        unsigned char: cur__##op##_uchar,                                    \
        unsigned short: cur__##op##_ushort,                                  \
        unsigned: cur__##op##_uint,                                          \
        unsigned long: cur__##op##_ulong,                                    \
        unsigned long long: cur__##op##_ullong)

/*
 * The type-generic forms: the same contracts as the fixed-width functions
 * above, for the type of the first operand a, which is not evaluated twice.
 * A first operand of type char, bool, a floating type or a pointer is a
 * compile-time error.
 */
#define cur_checked_add(a, b, out) CUR__NUM_PICK(checked_add, a)(a, b, out)
#define cur_checked_sub(a, b, out) CUR__NUM_PICK(checked_sub, a)(a, b, out)
#define cur_checked_mul(a, b, out) CUR__NUM_PICK(checked_mul, a)(a, b, out)
#define cur_checked_div(a, b, out) CUR__NUM_PICK(checked_div, a)(a, b, out)
#define cur_checked_rem(a, b, out) CUR__NUM_PICK(checked_rem, a)(a, b, out)
#define cur_checked_neg(a, out) CUR__NUM_PICK(checked_neg, a)(a, out)
#define cur_checked_shl(a, n, out) CUR__NUM_PICK(checked_shl, a)(a, n, out)
#define cur_checked_shr(a, n, out) CUR__NUM_PICK(checked_shr, a)(a, n, out)
#define cur_wrapping_add(a, b) CUR__NUM_PICK(wrapping_add, a)(a, b)
#define cur_wrapping_sub(a, b) CUR__NUM_PICK(wrapping_sub, a)(a, b)
#define cur_wrapping_mul(a, b) CUR__NUM_PICK(wrapping_mul, a)(a, b)
#define cur_wrapping_neg(a) CUR__NUM_PICK(wrapping_neg, a)(a)
#define cur_wrapping_shl(a, n) CUR__NUM_PICK(wrapping_shl, a)(a, n)
#define cur_wrapping_shr(a, n) CUR__NUM_PICK(wrapping_shr, a)(a, n)
#define cur_saturating_add(a, b) CUR__NUM_PICK(saturating_add, a)(a, b)
#define cur_saturating_sub(a, b) CUR__NUM_PICK(saturating_sub, a)(a, b)
#define cur_saturating_mul(a, b) CUR__NUM_PICK(saturating_mul, a)(a, b)
#define cur_overflowing_add(a, b, out)                                       \
    CUR__NUM_PICK(overflowing_add, a)(a, b, out)
#define cur_overflowing_sub(a, b, out)                                       \
    CUR__NUM_PICK(overflowing_sub, a)(a, b, out)
#define cur_overflowing_mul(a, b, out)                                       \
    CUR__NUM_PICK(overflowing_mul, a)(a, b, out)

/*
 * cur_num_parse_i64, cur_num_parse_u64, cur_num_parse_i32,
 * cur_num_parse_u32: parse the len bytes at s as an integer in the given
 * base, with the semantics of Rust's from_str_radix:
 *   - an optional leading '+', or for the signed functions '-';
 *   - then one or more digits: 0-9, then a-z or A-Z for 10 to 35, each
 *     below base;
 *   - nothing else: no whitespace, no "0x" prefix, no '_' separators.
 * "+" and "-" alone are invalid; "-0" is 0 for the signed functions and
 * invalid for the unsigned ones. Leading zeros are allowed, any number of
 * them. s need not be NUL-terminated; a NUL byte within len is an invalid
 * digit. The input is read left to right and the first problem found is
 * the one reported, as Rust does: "99999999999999999999x" is out of range,
 * "1x99999999999999999999" is invalid.
 *
 * Returns 0 and writes *out on success. On failure *out is untouched and
 * the return value is
 *   CUR_EINVAL  base outside 2..36, or len < 0 (checked first);
 *   CUR_EPARSE  empty input, a lone sign, or a byte that is not a digit of
 *               base (Rust's Empty and InvalidDigit);
 *   CUR_ERANGE  the value does not fit in the type (PosOverflow and
 *               NegOverflow: a leading '-' tells which). ERANGE, as strtol
 *               uses, because it names both directions.
 * s may be NULL only when len is 0; out must not be NULL (both are
 * contract violations and panic). Thread-safe; reads only s[0..len),
 * during the call, and keeps no pointer to it.
 */
CUR_API CUR_NODISCARD int cur_num_parse_i64(const char *s, ptrdiff_t len,
                                            int base, int64_t *out);
CUR_API CUR_NODISCARD int cur_num_parse_u64(const char *s, ptrdiff_t len,
                                            int base, uint64_t *out);
CUR_API CUR_NODISCARD int cur_num_parse_i32(const char *s, ptrdiff_t len,
                                            int base, int32_t *out);
CUR_API CUR_NODISCARD int cur_num_parse_u32(const char *s, ptrdiff_t len,
                                            int base, uint32_t *out);

/*
 * The buffer size that holds any formatted 64-bit value with its NUL: a '-'
 * and 64 binary digits.
 */
#define CUR_NUM_FORMAT_MAX 66

/*
 * cur_num_format_i64, cur_num_format_u64: write v in the given base (2 to
 * 36, digits 0-9 then lowercase a-z, no prefix) into buf of size cap, like
 * snprintf: the text is cut to cap - 1 bytes and always NUL-terminated when
 * cap > 0. A negative v is written as '-' and its magnitude in every base,
 * so that cur_num_parse_i64 reads back the same value. (Rust's {:x} writes
 * the two's complement bits instead; pass (uint64_t)v to
 * cur_num_format_u64 for that.)
 *
 * Returns the length of the full text, excluding the NUL; a return >= cap
 * means it was cut. buf may be NULL when cap is 0, to measure. CUR_EINVAL
 * if base is outside 2..36, cap < 0, or buf is NULL with cap > 0; buf is
 * then untouched. Thread-safe; writes only buf[0..cap).
 */
CUR_API int cur_num_format_i64(char *buf, ptrdiff_t cap, int64_t v, int base);
CUR_API int cur_num_format_u64(char *buf, ptrdiff_t cap, uint64_t v,
                               int base);

#endif /* CURRICULUM_NUM_H */
