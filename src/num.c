/*
 * src/num.c: parsing and formatting integers in bases 2 to 36.
 *
 * Parsing follows Rust's from_str_radix. Invariants of the digit loop
 * (parse_magnitude):
 *   - acc is the value of the digits read so far, exactly: the first
 *     safe_digits[base] digits cannot overflow a uint64_t (base^n <= 2^64),
 *     and every later step checks its multiply and add;
 *   - in base 10, whole blocks of 8 digits within that safe prefix are
 *     validated and added at once; a block holding any other byte is left
 *     to the digit-at-a-time loop, so errors are found exactly as without
 *     the blocks;
 *   - acc never decreases, so once acc > limit the input is out of range
 *     whatever follows; the error is reported at the first digit where that
 *     happens, and an invalid digit is reported only if no overflow came
 *     before it. This is Rust's left-to-right order.
 * The magnitude is parsed unsigned; the signed functions allow a magnitude
 * of MAX + 1 after '-' and negate it without signed overflow.
 *
 * Nothing here allocates, keeps state or reads beyond s[len - 1].
 */
#include <curriculum/num.h>

#include <curriculum/error.h>

#include <string.h>

#include "core_int.h"

#define XX 0xff
/* The value of each byte as a digit: 0-9, then a-z and A-Z as 10-35. */
static const uint8_t digit_value[256] = {
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
     0,  1,  2,  3,  4,  5,  6,  7,  8,  9, XX, XX, XX, XX, XX, XX,
    XX, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, XX, XX, XX, XX, XX,
    XX, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
};
#undef XX

/*
 * safe_digits[b]: the largest n with b^n <= 2^64, so that n digits of base
 * b always fit in a uint64_t (2^64 for b = 2, 19 for b = 10, 12 for b = 36).
 */
static const uint8_t safe_digits[37] = {
    0,  0,  64, 40, 32, 27, 24, 22, 21, 20, 19, 18, 17,
    17, 16, 16, 16, 15, 15, 15, 14, 14, 14, 14, 13, 13,
    13, 13, 13, 13, 13, 12, 12, 12, 12, 12, 12,
};

static const char digit_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/*
 * Eight decimal digits at once (SWAR, after simdjson and Lemire's "Faster
 * integer parsing"): if the 8 bytes at p are all '0'-'9', store their value
 * in *out and return true; otherwise return false and leave the bytes to the
 * digit-at-a-time loop, which finds and reports the bad one. Little-endian
 * only; elsewhere it always declines.
 */
static inline bool eight_digits(const unsigned char *p, uint64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, p, sizeof x);
    /* Each byte is 0x30-0x39: high nibble 3, and adding 6 keeps it 3. */
    if (((x & 0xf0f0f0f0f0f0f0f0u) |
         (((x + 0x0606060606060606u) & 0xf0f0f0f0f0f0f0f0u) >> 4)) !=
        0x3333333333333333u)
        return false;
    x -= 0x3030303030303030u;
    x = x * 10 + (x >> 8); /* pairs: each 16-bit lane's low byte is 0-99 */
    x = (((x & 0x000000ff000000ffu) * (100 + (1000000ull << 32))) +
         (((x >> 16) & 0x000000ff000000ffu) * (1 + (10000ull << 32)))) >>
        32;
    *out = x;
    return true;
#else
    (void)p;
    (void)out;
    return false;
#endif
}

/*
 * The digits p[0..n) in base, at most limit. 0 and *out on success,
 * CUR_EPARSE or CUR_ERANGE as described at the top. n may be 0 (the caller
 * rejects empty input first). Inlined into callers with a constant base so
 * that the common bases multiply by a constant.
 */
static inline __attribute__((always_inline)) int
parse_magnitude(const unsigned char *p, ptrdiff_t n, unsigned base,
                uint64_t limit, uint64_t *out)
{
    ptrdiff_t safe = n < safe_digits[base] ? n : safe_digits[base];
    uint64_t acc = 0;
    ptrdiff_t i = 0;
    /* Whole blocks of 8 decimal digits while they fit in the safe prefix. */
    if (base == 10) {
        uint64_t block;
        while (safe - i >= 8 && eight_digits(p + i, &block)) {
            acc = acc * 100000000u + block;
            i += 8;
        }
    }
    for (; i < safe; i++) {
        unsigned d = digit_value[p[i]];
        if (d >= base) return acc > limit ? CUR_ERANGE : CUR_EPARSE;
        acc = acc * base + d;
    }
    if (acc > limit) return CUR_ERANGE;
    for (; i < n; i++) {
        unsigned d = digit_value[p[i]];
        if (d >= base) return CUR_EPARSE;
        if (__builtin_mul_overflow(acc, base, &acc) ||
            __builtin_add_overflow(acc, d, &acc) || acc > limit)
            return CUR_ERANGE;
    }
    *out = acc;
    return 0;
}

static int parse_any_base(const unsigned char *p, ptrdiff_t n, unsigned base,
                          uint64_t limit, uint64_t *out)
{
    switch (base) {
    case 10: return parse_magnitude(p, n, 10, limit, out);
    case 16: return parse_magnitude(p, n, 16, limit, out);
    default: return parse_magnitude(p, n, base, limit, out);
    }
}

/* The checks every parser makes first. 0 when the arguments are usable. */
static int check_args(const char *s, ptrdiff_t len, int base, const void *out)
{
    CUR_ASSERT(out != NULL);
    CUR_ASSERT(s != NULL || len <= 0);
    if (base < 2 || base > 36 || len < 0) return CUR_EINVAL;
    if (len == 0) return CUR_EPARSE;
    return 0;
}

/*
 * Signed: magnitude at most max, or max + 1 after '-'. On success *out is
 * the value, which the callers narrow knowing it is in range.
 */
static int parse_signed(const char *s, ptrdiff_t len, int base, uint64_t max,
                        int64_t *out)
{
    int rc = check_args(s, len, base, out);
    if (rc < 0) return rc;
    const unsigned char *p = (const unsigned char *)s;
    bool neg = false;
    if (p[0] == '+' || p[0] == '-') {
        if (len == 1) return CUR_EPARSE; /* a lone sign */
        neg = p[0] == '-';
        p++;
        len--;
    }
    uint64_t mag;
    rc = parse_any_base(p, len, (unsigned)base, neg ? max + 1 : max, &mag);
    if (rc < 0) return rc;
    /* -(mag - 1) - 1 is -mag without ever forming +2^63. */
    *out = neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
    return 0;
}

/* Unsigned: only '+' is a sign; a '-' is an invalid digit, as in Rust. */
static int parse_unsigned(const char *s, ptrdiff_t len, int base,
                          uint64_t max, uint64_t *out)
{
    int rc = check_args(s, len, base, out);
    if (rc < 0) return rc;
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] == '+') {
        if (len == 1) return CUR_EPARSE;
        p++;
        len--;
    }
    return parse_any_base(p, len, (unsigned)base, max, out);
}

int cur_num_parse_i64(const char *s, ptrdiff_t len, int base, int64_t *out)
{
    return parse_signed(s, len, base, INT64_MAX, out);
}

int cur_num_parse_u64(const char *s, ptrdiff_t len, int base, uint64_t *out)
{
    return parse_unsigned(s, len, base, UINT64_MAX, out);
}

int cur_num_parse_i32(const char *s, ptrdiff_t len, int base, int32_t *out)
{
    CUR_ASSERT(out != NULL);
    int64_t v;
    int rc = parse_signed(s, len, base, INT32_MAX, &v);
    if (rc < 0) return rc;
    *out = (int32_t)v;
    return 0;
}

int cur_num_parse_u32(const char *s, ptrdiff_t len, int base, uint32_t *out)
{
    CUR_ASSERT(out != NULL);
    uint64_t v;
    int rc = parse_unsigned(s, len, base, UINT32_MAX, &v);
    if (rc < 0) return rc;
    *out = (uint32_t)v;
    return 0;
}

/* The digits of v in base, least significant first, into tmp[64]. */
static inline __attribute__((always_inline)) int
digits_reversed(char *tmp, uint64_t v, unsigned base)
{
    int n = 0;
    do {
        tmp[n++] = digit_chars[v % base];
        v /= base;
    } while (v != 0);
    return n;
}

/* Writes the sign and the digits, cut to cap - 1 bytes, and the NUL. */
static int emit(char *buf, ptrdiff_t cap, bool neg, uint64_t mag, int base)
{
    if (cap < 0 || (buf == NULL && cap > 0) || base < 2 || base > 36)
        return CUR_EINVAL;
    char tmp[64];
    int n = base == 10 ? digits_reversed(tmp, mag, 10)
                       : digits_reversed(tmp, mag, (unsigned)base);
    int total = n + (neg ? 1 : 0);
    if (cap == 0) return total;
    ptrdiff_t w = 0;
    if (neg && w < cap - 1) buf[w++] = '-';
    for (int i = n - 1; i >= 0 && w < cap - 1; i--) buf[w++] = tmp[i];
    buf[w] = '\0';
    return total;
}

int cur_num_format_u64(char *buf, ptrdiff_t cap, uint64_t v, int base)
{
    return emit(buf, cap, false, v, base);
}

int cur_num_format_i64(char *buf, ptrdiff_t cap, int64_t v, int base)
{
    /* The magnitude in unsigned arithmetic, so INT64_MIN is no problem. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return emit(buf, cap, v < 0, mag, base);
}
