/*
 * src/str.c: borrowed slices, owned strings and UTF-8 (lesson mc-01.3).
 *
 * Invariants:
 *   - cur_str_t: len >= 0, and ptr != NULL whenever len > 0. Checked on
 *     entry to every public function (SLICE_OK; a violation panics).
 *   - cur_string_t: ptr == NULL implies len == cap == 0; otherwise ptr is
 *     an allocation of cap + 1 bytes from alloc, 0 <= len <= cap and
 *     ptr[len] == '\0'. Every error path leaves all four fields as they
 *     were on entry (the bytes past len are not content and may change).
 *   - cur_str_split_t: rest is the part not yet returned; state is RUNNING
 *     until the last piece has been returned (FINISHED). With an empty
 *     separator, STARTED records that the leading "" has been returned.
 *   - lines and chars iterators: rest is the part not yet returned.
 *
 * Two rules the code keeps everywhere: the mem* functions are never given
 * a NULL pointer, not even with a zero length (glibc declares them nonnull
 * and UBSan checks it), and no arithmetic is done on a NULL pointer, not
 * even + 0 (adv() below).
 *
 * Vector code: on x86-64 the SSE2 paths are always available and the AVX2
 * paths (validation, forward search) are chosen at run time by
 * have_avx2(); every other target uses the portable scalar code, which
 * is also what x86-64 runs for short inputs and tails. The tests drive
 * each path on its own through the cur__*_path hooks.
 *
 * UTF-8 decoding follows Table 3-7 of the Unicode standard, which is what
 * Rust's core::str::validations implements: a lead byte C2..DF takes one
 * continuation byte; E0 needs A0..BF next, ED needs 80..9F (no surrogates),
 * E1..EC and EE..EF take 80..BF; F0 needs 90..BF, F4 needs 80..8F (nothing
 * above U+10FFFF), F1..F3 take 80..BF. C0, C1 and F5..FF never appear.
 */
#include <curriculum/str.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define STR_X86 1 /* SSE2 is baseline; AVX2 is chosen at run time */
#define AVX2 __attribute__((target("avx2")))
#else
#define STR_X86 0
#endif

#include "core_int.h"
#include "str_int.h"

typedef unsigned char u8;

#define SLICE_OK(s)                                                            \
    CUR_ASSERT((s).len >= 0 && ((s).ptr != NULL || (s).len == 0))
#define STRING_OK(s)                                                         \
    CUR_ASSERT((s) != NULL && (s)->len >= 0 && (s)->len <= (s)->cap &&      \
               ((s)->ptr != NULL || (s)->cap == 0))

#define HI8 0x8080808080808080ull

static inline const u8 *bytes(const char *p) { return (const u8 *)p; }

/* p + off, where off != 0 implies p != NULL (a non-empty slice). */
static inline const char *adv(const char *p, ptrdiff_t off)
{
    return off ? p + off : p;
}

static inline cur_str_t mk(const char *p, ptrdiff_t len)
{
    return (cur_str_t){.ptr = p, .len = len};
}

static inline uint64_t load64(const u8 *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#if STR_X86
/* 1 if the CPU has AVX2, 0 if not, -1 before the first look (a benign
 * race: every thread computes the same answer). */
static int cpu_avx2 = -1;

static bool have_avx2(void)
{
    int v = __atomic_load_n(&cpu_avx2, __ATOMIC_RELAXED);
    if (CUR_UNLIKELY(v < 0)) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&cpu_avx2, v, __ATOMIC_RELAXED);
    }
    return v;
}

static inline __m256i AVX2 load256(const u8 *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
#endif

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Decodes the sequence at p[0..n), n >= 1. Returns its length (1..4) and
 * stores the scalar value in *cp; or returns -k, where k (1..3) is the
 * length of the maximal subpart to replace with one U+FFFD: the longest
 * prefix of a valid sequence, cut short by a wrong byte or by the end of
 * input, or 1 for a byte that cannot begin a sequence.
 */
static inline __attribute__((always_inline)) int utf8_step(const u8 *p,
                                                           ptrdiff_t n,
                                                           uint32_t *cp)
{
    uint32_t c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c < 0xC2) return -1; /* continuation byte, or overlong C0/C1 */
    if (c < 0xE0) {
        if (n < 2 || (p[1] & 0xC0) != 0x80) return -1;
        *cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        return 2;
    }
    uint32_t lo = 0x80, hi = 0xBF;
    if (c < 0xF0) {
        if (c == 0xE0) lo = 0xA0;      /* overlong below U+0800 */
        else if (c == 0xED) hi = 0x9F; /* surrogates U+D800..DFFF */
        if (n < 2 || p[1] < lo || p[1] > hi) return -1;
        if (n < 3 || (p[2] & 0xC0) != 0x80) return -2;
        *cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        return 3;
    }
    if (c < 0xF5) {
        if (c == 0xF0) lo = 0x90;      /* overlong below U+10000 */
        else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
        if (n < 2 || p[1] < lo || p[1] > hi) return -1;
        if (n < 3 || (p[2] & 0xC0) != 0x80) return -2;
        if (n < 4 || (p[3] & 0xC0) != 0x80) return -3;
        *cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
              ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        return 4;
    }
    return -1; /* F5..FF */
}

/* Index of the lowest set high bit in a word masked with HI8: the first
 * non-ASCII byte among 8 loaded with load64. */
static inline ptrdiff_t first_high_byte(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_clzll(m) >> 3;
#else
    return __builtin_ctzll(m) >> 3;
#endif
}

/*
 * The length of the longest valid UTF-8 prefix of p[0..n) (Rust's
 * valid_up_to; n when all of it is valid). ASCII is skipped 16 bytes at a
 * time, and a block that holds a non-ASCII byte jumps straight to it, so
 * text that mixes short ASCII runs with other characters never falls back
 * to a byte loop; non-ASCII bytes go through utf8_step.
 */
static ptrdiff_t utf8_prefix_scalar(const u8 *p, ptrdiff_t n)
{
    ptrdiff_t i = 0;
    for (;;) {
        if (n - i >= 16) {
            uint64_t a = load64(p + i) & HI8, b = load64(p + i + 8) & HI8;
            if (!(a | b)) {
                i += 16;
                continue;
            }
            i += a ? first_high_byte(a) : 8 + first_high_byte(b);
        } else {
            while (i < n && p[i] < 0x80) i++;
            if (i == n) return n;
        }
        uint32_t cp;
        int k = utf8_step(p + i, n - i, &cp);
        if (k < 0) return i;
        i += k;
    }
}

#if STR_X86
/*
 * UTF-8 validation with AVX2, after Keiser and Lemire, "Validating UTF-8 in
 * less than one instruction per byte" (2021), the lookup algorithm of
 * simdjson and simdutf. Each byte is checked together with the one before
 * it by three 16-entry table lookups (high nibble of the previous byte, its
 * low nibble, high nibble of this byte) whose AND is non-zero exactly for
 * the errors of a two-byte window; a separate test says where the third and
 * fourth bytes of a sequence must be continuation bytes. The bits:
 */
#define TOO_SHORT (1 << 0)  /* lead or ASCII, then no continuation */
#define TOO_LONG (1 << 1)   /* ASCII, then a continuation */
#define OVERLONG_3 (1 << 2) /* E0 80..9F */
#define TOO_LARGE (1 << 3)  /* F4 90..BF, F5..FF followed by 90..BF */
#define SURROGATE (1 << 4)  /* ED A0..BF */
#define OVERLONG_2 (1 << 5) /* C0..C1 then a continuation */
#define TOO_LARGE_1000 (1 << 6) /* F5..FF 80..8F */
#define OVERLONG_4 (1 << 6) /* F0 80..8F */
#define TWO_CONTS (1 << 7)  /* continuation after continuation */
#define CARRY (TOO_SHORT | TOO_LONG | TWO_CONTS)

/* Each 16-entry table twice, once per 128-bit lane of vpshufb. */
#define TWICE(...) {__VA_ARGS__, __VA_ARGS__}
static const u8 byte1_high[32] = TWICE(
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    TOO_LONG,                                         /* 0___ ASCII */
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,       /* 10__ */
    TOO_SHORT | OVERLONG_2,                           /* 1100 */
    TOO_SHORT,                                        /* 1101 */
    TOO_SHORT | OVERLONG_3 | SURROGATE,               /* 1110 */
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4); /* 1111 */
static const u8 byte1_low[32] = TWICE(
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,     /* ____0000 */
    CARRY | OVERLONG_2,                               /* ____0001 */
    CARRY, CARRY,                                     /* ____001_ */
    CARRY | TOO_LARGE,                                /* ____0100 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,               /* ____0101 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,               /* ____011_ */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,               /* ____1___ */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,   /* ____1101 */
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000);
static const u8 byte2_high[32] = TWICE(
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    TOO_SHORT, TOO_SHORT,                             /* 0___ ASCII */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
        OVERLONG_4,                                   /* 1000 */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE, /* 1001 */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,  /* 101_ */
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT);      /* 11__ */
/* A lead byte in the last three lanes that its sequence cannot finish. */
static const u8 incomplete_max[32] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 0xF0 - 1, 0xE0 - 1, 0xC0 - 1};
#undef TWICE

/* The 32 bytes that end N bytes before the end of cur (prev before it). */
#define PREV(cur, prev, N)                                                   \
    _mm256_alignr_epi8((cur), _mm256_permute2x128_si256((prev), (cur), 0x21), \
                       16 - (N))

/* Non-zero lanes where in (preceded by prev) is not valid UTF-8. */
static inline __m256i AVX2 utf8_check32(__m256i in, __m256i prev)
{
    const __m256i lo4 = _mm256_set1_epi8(0x0F);
    __m256i prev1 = PREV(in, prev, 1);
    __m256i b1h =
        _mm256_shuffle_epi8(load256(byte1_high),
                            _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo4));
    __m256i b1l = _mm256_shuffle_epi8(load256(byte1_low),
                                      _mm256_and_si256(prev1, lo4));
    __m256i b2h = _mm256_shuffle_epi8(
        load256(byte2_high), _mm256_and_si256(_mm256_srli_epi16(in, 4), lo4));
    __m256i special = _mm256_and_si256(_mm256_and_si256(b1h, b1l), b2h);
    /* Third or fourth byte of a sequence: 2 after E0..FF, 3 after F0..FF. */
    __m256i third = _mm256_subs_epu8(PREV(in, prev, 2), _mm256_set1_epi8(0x60));
    __m256i fourth =
        _mm256_subs_epu8(PREV(in, prev, 3), _mm256_set1_epi8(0x70));
    __m256i must_cont = _mm256_and_si256(_mm256_or_si256(third, fourth),
                                         _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must_cont, special);
}

/*
 * Validates 64 bytes per step while no error shows; an all-ASCII step only
 * checks that the previous one did not end inside a sequence. On an error,
 * or for the last < 64 bytes, the scalar code resumes at the start of the
 * last sequence that began before the stop: everything before it is known
 * valid, so the scalar result is the exact valid_up_to.
 */
static ptrdiff_t AVX2 utf8_prefix_avx2(const u8 *p, ptrdiff_t n)
{
    const __m256i zero = _mm256_setzero_si256();
    const __m256i maxv = load256(incomplete_max);
    __m256i prev = zero, incomplete = zero;
    ptrdiff_t i = 0;
    for (; n - i >= 64; i += 64) {
        __m256i a = load256(p + i), b = load256(p + i + 32), err;
        if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) == 0) {
            err = incomplete;
            incomplete = zero;
        } else {
            err = _mm256_or_si256(utf8_check32(a, prev), utf8_check32(b, a));
            incomplete = _mm256_subs_epu8(b, maxv);
        }
        prev = b;
        if (!_mm256_testz_si256(err, err)) break;
    }
    ptrdiff_t s = i;
    for (ptrdiff_t d = 1; d <= 3 && d <= i; d++) {
        if ((p[i - d] & 0xC0) != 0x80) {
            s = i - d;
            break;
        }
    }
    return s + utf8_prefix_scalar(p + s, n - s);
}

#undef PREV
#undef TOO_SHORT
#undef TOO_LONG
#undef OVERLONG_3
#undef TOO_LARGE
#undef SURROGATE
#undef OVERLONG_2
#undef TOO_LARGE_1000
#undef OVERLONG_4
#undef TWO_CONTS
#undef CARRY
#endif /* STR_X86 */

/*
 * Internal, for tests/test_str.c: valid_up_to by one chosen path (0 the
 * scalar code, 1 AVX2), or -2 if that path cannot run on this machine.
 */
ptrdiff_t cur__utf8_prefix_path(const char *p, ptrdiff_t n, int path)
{
    if (path == 0) return utf8_prefix_scalar(bytes(p), n);
#if STR_X86
    if (path == 1 && have_avx2()) return utf8_prefix_avx2(bytes(p), n);
#endif
    return -2;
}

static ptrdiff_t utf8_prefix(const u8 *p, ptrdiff_t n)
{
#if STR_X86
    if (n >= 64 && have_avx2()) return utf8_prefix_avx2(p, n);
#endif
    return utf8_prefix_scalar(p, n);
}

int cur_utf8_validate(const char *p, ptrdiff_t len, ptrdiff_t *valid_up_to)
{
    if (len < 0 || (!p && len > 0)) return CUR_EINVAL;
    ptrdiff_t ok = len ? utf8_prefix(bytes(p), len) : 0;
    if (valid_up_to) *valid_up_to = ok;
    return ok == len ? 0 : CUR_EUTF8;
}

int cur_utf8_decode(const char *p, ptrdiff_t len, uint32_t *cp)
{
    if (!p || len <= 0) return CUR_EINVAL;
    uint32_t c;
    int k = utf8_step(bytes(p), len, &c);
    if (k < 0) return CUR_EUTF8;
    if (cp) *cp = c;
    return k;
}

int cur_utf8_encode(uint32_t cp, char buf[4])
{
    CUR_ASSERT(buf != NULL);
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF) return CUR_EINVAL;
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > CUR_UTF8_MAX) return CUR_EINVAL;
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Bytes of p[0..n) that are not continuation bytes (10xxxxxx). */
static ptrdiff_t count_non_continuation(const u8 *p, ptrdiff_t n)
{
    ptrdiff_t cont = 0, i = 0;
    while (n - i >= 8) {
        /* Per-byte 0/1 flags summed in byte lanes, at most 255 rounds. */
        uint64_t acc = 0;
        ptrdiff_t rounds = (n - i) / 8;
        if (rounds > 255) rounds = 255;
        for (ptrdiff_t r = 0; r < rounds; r++, i += 8) {
            uint64_t w = load64(p + i);
            acc += ((w & ~(w << 1)) & HI8) >> 7;
        }
        acc = (acc & 0x00FF00FF00FF00FFull) +
              ((acc >> 8) & 0x00FF00FF00FF00FFull);
        cont += (ptrdiff_t)((acc * 0x0001000100010001ull) >> 48);
    }
    for (; i < n; i++) cont += (p[i] & 0xC0) == 0x80;
    return n - cont;
}

/* ------------------------------------------------------------------------ */
/* Slices                                                                   */
/* ------------------------------------------------------------------------ */

cur_str_t cur_str_from_cstr(const char *cstr)
{
    CUR_ASSERT(cstr != NULL);
    return mk(cstr, (ptrdiff_t)strlen(cstr));
}

int cur_str_from_utf8(const char *p, ptrdiff_t len, cur_str_t *out)
{
    CUR_ASSERT(out != NULL);
    int rc = cur_utf8_validate(p, len, NULL);
    if (rc < 0) return rc;
    *out = mk(p, len);
    return 0;
}

bool cur_str_eq(cur_str_t a, cur_str_t b)
{
    SLICE_OK(a);
    SLICE_OK(b);
    return a.len == b.len &&
           (a.len == 0 || memcmp(a.ptr, b.ptr, (size_t)a.len) == 0);
}

int cur_str_cmp(cur_str_t a, cur_str_t b)
{
    SLICE_OK(a);
    SLICE_OK(b);
    ptrdiff_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.ptr, b.ptr, (size_t)m) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : a.len > b.len;
}

bool cur_str_starts_with(cur_str_t s, cur_str_t prefix)
{
    SLICE_OK(s);
    SLICE_OK(prefix);
    return prefix.len <= s.len &&
           (prefix.len == 0 ||
            memcmp(s.ptr, prefix.ptr, (size_t)prefix.len) == 0);
}

bool cur_str_ends_with(cur_str_t s, cur_str_t suffix)
{
    SLICE_OK(s);
    SLICE_OK(suffix);
    return suffix.len <= s.len &&
           (suffix.len == 0 || memcmp(s.ptr + (s.len - suffix.len),
                                      suffix.ptr, (size_t)suffix.len) == 0);
}

/* --- substring search ----------------------------------------------------- */

/*
 * Two-Way string matching (Crochemore and Perrin, 1991), after glibc's
 * str-two-way.h, without the shift table. It runs in O(n + m) time and O(1)
 * space. With rev set both strings are read back to front, so the first
 * match found is the last one in the original; the result is converted
 * back. Reached only when the filter below meets a pathological input, and
 * declared here (not static) so that tests/test_str.c can check it alone.
 */

#define AT(s, len, i) ((s)[rev ? (len) - 1 - (i) : (i)])

static ptrdiff_t critical_factorization(const u8 *x, ptrdiff_t m, bool rev,
                                        ptrdiff_t *period)
{
    /* The maximal suffix for < and for >; the later one is critical. */
    ptrdiff_t ms = -1, j = 0, k = 1, p = 1;
    while (j + k < m) {
        u8 a = AT(x, m, j + k), b = AT(x, m, ms + k);
        if (a < b) {
            j += k;
            k = 1;
            p = j - ms;
        } else if (a == b) {
            if (k != p) {
                k++;
            } else {
                j += p;
                k = 1;
            }
        } else {
            ms = j++;
            k = p = 1;
        }
    }
    *period = p;
    ptrdiff_t ms_rev = -1;
    j = 0;
    k = p = 1;
    while (j + k < m) {
        u8 a = AT(x, m, j + k), b = AT(x, m, ms_rev + k);
        if (b < a) {
            j += k;
            k = 1;
            p = j - ms_rev;
        } else if (a == b) {
            if (k != p) {
                k++;
            } else {
                j += p;
                k = 1;
            }
        } else {
            ms_rev = j++;
            k = p = 1;
        }
    }
    if (ms_rev < ms) return ms + 1;
    *period = p;
    return ms_rev + 1;
}

ptrdiff_t cur__str_twoway(const char *hay, ptrdiff_t n, const char *needle,
                          ptrdiff_t m, bool rev)
{
    const u8 *h = bytes(hay), *x = bytes(needle);
    if (m == 0) return rev ? n : 0;
    if (m > n) return -1;
    ptrdiff_t period, suffix = critical_factorization(x, m, rev, &period);
    bool periodic = true;
    for (ptrdiff_t i = 0; i < suffix; i++) {
        if (AT(x, m, i) != AT(x, m, i + period)) {
            periodic = false;
            break;
        }
    }
    ptrdiff_t j = 0, found = -1;
    if (periodic) {
        /* The needle repeats with this period: remember how much of the
         * left part the last shift already matched. */
        ptrdiff_t memory = 0;
        while (j <= n - m) {
            ptrdiff_t i = suffix > memory ? suffix : memory;
            while (i < m && AT(x, m, i) == AT(h, n, i + j)) i++;
            if (i >= m) {
                i = suffix - 1;
                while (memory <= i && AT(x, m, i) == AT(h, n, i + j)) i--;
                if (i < memory) {
                    found = j;
                    break;
                }
                j += period;
                memory = m - period;
            } else {
                j += i - suffix + 1;
                memory = 0;
            }
        }
    } else {
        period = (suffix > m - suffix ? suffix : m - suffix) + 1;
        while (j <= n - m) {
            ptrdiff_t i = suffix;
            while (i < m && AT(x, m, i) == AT(h, n, i + j)) i++;
            if (i >= m) {
                i = suffix - 1;
                while (i >= 0 && AT(x, m, i) == AT(h, n, i + j)) i--;
                if (i < 0) {
                    found = j;
                    break;
                }
                j += period;
            } else {
                j += i - suffix + 1;
            }
        }
    }
    if (found < 0) return -1;
    return rev ? n - found - m : found;
}

#undef AT

/*
 * Substring search by candidate filter (Wojciech Mula's "SIMD-friendly"
 * algorithm; Rust's memchr crate uses a variant that picks two rare bytes
 * instead of the first and last): a position is a candidate
 * when the haystack has the needle's first byte there and its last byte
 * m - 1 further on; vector compares test 32 (AVX2) or 16 (SSE2) positions
 * at once, and only candidates are compared in full.
 *
 * The verification budget: each candidate that fails its full comparison
 * is charged m bytes; the total may not exceed four bytes per haystack
 * position passed, plus 4 * FIND_SLACK. Past that budget the input is
 * pathological for the filter (say, a periodic needle in a periodic
 * haystack) and a linear-time algorithm takes over, so the whole search
 * stays O(n + m).
 *
 * The forward filter steps share one protocol: they advance *pos (the
 * next candidate not yet ruled out) and *spent, and return a match
 * (>= 0), FIND_MORE (no match in the blocks they could test), FIND_NONE
 * (no match at all) or FIND_FALLBACK (over budget: the linear search
 * takes over at *pos).
 */
#define FIND_SLACK 1024
#define FIND_NONE (-1)
#define FIND_MORE (-2)
#define FIND_FALLBACK (-3)

static inline bool over_budget(ptrdiff_t spent, ptrdiff_t passed)
{
    return (spent >> 2) > passed + FIND_SLACK;
}

/*
 * Verifies the candidates in a bit mask of positions base + bit, lowest
 * first. Returns a match, FIND_MORE when none matched, or FIND_FALLBACK
 * with *pos set after the candidate that broke the budget.
 */
static inline ptrdiff_t verify_fwd(const u8 *h, const u8 *x, ptrdiff_t m,
                                   ptrdiff_t base, uint64_t mask,
                                   ptrdiff_t *pos, ptrdiff_t *spent)
{
    while (mask) {
        ptrdiff_t j = base + __builtin_ctzll(mask);
        if (memcmp(h + j + 1, x + 1, (size_t)(m - 2)) == 0) return j;
        *spent += m;
        if (over_budget(*spent, j)) {
            *pos = j + 1;
            return FIND_FALLBACK;
        }
        mask &= mask - 1;
    }
    return FIND_MORE;
}

#if STR_X86
static ptrdiff_t AVX2 filter_fwd_avx2(const u8 *h, ptrdiff_t n, const u8 *x,
                                      ptrdiff_t m, ptrdiff_t *pos,
                                      ptrdiff_t *spent)
{
    const ptrdiff_t end = n - m + 1; /* candidates are [0, end) */
    const __m256i vf = _mm256_set1_epi8((char)x[0]);
    const __m256i vl = _mm256_set1_epi8((char)x[m - 1]);
    ptrdiff_t i = *pos, r;
    for (; end - i >= 64; i += 64) {
        __m256i f0 = _mm256_cmpeq_epi8(load256(h + i), vf);
        __m256i f1 = _mm256_cmpeq_epi8(load256(h + i + 32), vf);
        __m256i l0 = _mm256_cmpeq_epi8(load256(h + i + m - 1), vl);
        __m256i l1 = _mm256_cmpeq_epi8(load256(h + i + m + 31), vl);
        __m256i c0 = _mm256_and_si256(f0, l0), c1 = _mm256_and_si256(f1, l1);
        if (_mm256_testz_si256(_mm256_or_si256(c0, c1),
                               _mm256_or_si256(c0, c1)))
            continue;
        uint64_t mask = (uint32_t)_mm256_movemask_epi8(c0) |
                        (uint64_t)(uint32_t)_mm256_movemask_epi8(c1) << 32;
        if ((r = verify_fwd(h, x, m, i, mask, pos, spent)) != FIND_MORE)
            return r;
    }
    for (; end - i >= 32; i += 32) {
        __m256i c = _mm256_and_si256(
            _mm256_cmpeq_epi8(load256(h + i), vf),
            _mm256_cmpeq_epi8(load256(h + i + m - 1), vl));
        uint64_t mask = (uint32_t)_mm256_movemask_epi8(c);
        if (mask && (r = verify_fwd(h, x, m, i, mask, pos, spent)) != FIND_MORE)
            return r;
    }
    *pos = i;
    return FIND_MORE;
}

static ptrdiff_t filter_fwd_sse2(const u8 *h, ptrdiff_t n, const u8 *x,
                                 ptrdiff_t m, ptrdiff_t *pos, ptrdiff_t *spent)
{
    const ptrdiff_t end = n - m + 1;
    const __m128i vf = _mm_set1_epi8((char)x[0]);
    const __m128i vl = _mm_set1_epi8((char)x[m - 1]);
    ptrdiff_t i = *pos, r;
    for (; end - i >= 16; i += 16) {
        __m128i c = _mm_and_si128(
            _mm_cmpeq_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(h + i)), vf),
            _mm_cmpeq_epi8(
                _mm_loadu_si128((const __m128i *)(const void *)(h + i + m - 1)),
                vl));
        uint64_t mask = (uint32_t)_mm_movemask_epi8(c);
        if (mask && (r = verify_fwd(h, x, m, i, mask, pos, spent)) != FIND_MORE)
            return r;
    }
    *pos = i;
    return FIND_MORE;
}
#endif

/* The remaining candidates one by one: memchr for the first byte. */
static ptrdiff_t filter_fwd_scalar(const u8 *h, ptrdiff_t n, const u8 *x,
                                   ptrdiff_t m, ptrdiff_t *pos,
                                   ptrdiff_t *spent)
{
    const ptrdiff_t end = n - m + 1;
    const u8 first = x[0], last = x[m - 1];
    ptrdiff_t i = *pos;
    while (i < end) {
        const u8 *c = memchr(h + i, first, (size_t)(end - i));
        if (!c) return FIND_NONE;
        ptrdiff_t j = c - h;
        if (h[j + m - 1] == last) {
            if (memcmp(h + j + 1, x + 1, (size_t)(m - 2)) == 0) return j;
            *spent += m;
            if (over_budget(*spent, j)) {
                *pos = j + 1;
                return FIND_FALLBACK;
            }
        }
        i = j + 1;
    }
    return FIND_NONE;
}

/*
 * First occurrence of x[0..m) in h[0..n), 2 <= m <= n, or -1. path picks
 * the vector filter: PATH_AUTO (the best this CPU has), or for the tests
 * PATH_SCALAR, PATH_SSE2 or PATH_AVX2 (which must be available).
 */
enum { PATH_AUTO = -1, PATH_SCALAR = 0, PATH_SSE2 = 1, PATH_AVX2 = 2 };

static ptrdiff_t find_fwd(const u8 *h, ptrdiff_t n, const u8 *x, ptrdiff_t m,
                          int path)
{
    ptrdiff_t pos = 0, spent = 0, r = FIND_MORE;
#if STR_X86
    if (path == PATH_AUTO) path = have_avx2() ? PATH_AVX2 : PATH_SSE2;
    if (path == PATH_AVX2)
        r = filter_fwd_avx2(h, n, x, m, &pos, &spent);
    else if (path == PATH_SSE2)
        r = filter_fwd_sse2(h, n, x, m, &pos, &spent);
#else
    (void)path;
#endif
    if (r == FIND_MORE) r = filter_fwd_scalar(h, n, x, m, &pos, &spent);
    if (r == FIND_FALLBACK) {
        /* Every position before pos has been ruled out. */
        const u8 *q = memmem(h + pos, (size_t)(n - pos), x, (size_t)m);
        r = q ? q - h : FIND_NONE;
    }
    return r;
}

/*
 * Last occurrence of x[0..m) in h[0..n), 2 <= m <= n, or -1: the same
 * filter run backwards (SSE2 blocks, then memrchr), with the reverse
 * Two-Way search as the fallback.
 */
static ptrdiff_t find_rev(const u8 *h, ptrdiff_t n, const u8 *x, ptrdiff_t m)
{
    const u8 first = x[0], last = x[m - 1];
    const ptrdiff_t top = n - m; /* the last candidate */
    ptrdiff_t e = top + 1, spent = 0, j; /* candidates left: [0, e) */
#if STR_X86
    const __m128i vf = _mm_set1_epi8((char)first);
    const __m128i vl = _mm_set1_epi8((char)last);
    for (; e >= 16; e -= 16) {
        ptrdiff_t i = e - 16;
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(h + i));
        __m128i b = _mm_loadu_si128(
            (const __m128i *)(const void *)(h + i + m - 1));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(a, vf), _mm_cmpeq_epi8(b, vl)));
        while (mask) {
            int bit = 31 - __builtin_clz(mask);
            j = i + bit;
            if (memcmp(h + j + 1, x + 1, (size_t)(m - 2)) == 0) return j;
            spent += m;
            if (over_budget(spent, top - j)) goto fallback;
            mask &= ~(1u << bit);
        }
    }
#endif
    while (e > 0) {
        const u8 *c = memrchr(h, first, (size_t)e);
        if (!c) return -1;
        j = c - h;
        if (h[j + m - 1] == last) {
            if (memcmp(h + j + 1, x + 1, (size_t)(m - 2)) == 0) return j;
            spent += m;
            if (over_budget(spent, top - j)) goto fallback;
        }
        e = j;
    }
    return -1;
fallback:
    /* Positions j and above are ruled out; a match at j - 1 or below lies
     * inside h[0 .. j - 1 + m). */
    if (j == 0) return -1;
    return cur__str_twoway((const char *)h, j - 1 + m, (const char *)x, m,
                           true);
}

static ptrdiff_t find_index(cur_str_t hay, cur_str_t needle)
{
    if (needle.len == 0) return 0;
    if (needle.len > hay.len) return -1;
    if (needle.len == 1) {
        const char *c = memchr(hay.ptr, needle.ptr[0], (size_t)hay.len);
        return c ? c - hay.ptr : -1;
    }
    return find_fwd(bytes(hay.ptr), hay.len, bytes(needle.ptr), needle.len,
                    PATH_AUTO);
}

/*
 * Internal, for tests/test_str.c: the forward search of x[0..m) in
 * h[0..n) (2 <= m <= n) through one chosen filter, 0 scalar, 1 SSE2,
 * 2 AVX2; -2 if that filter cannot run on this machine.
 */

ptrdiff_t cur__str_find_path(const char *h, ptrdiff_t n, const char *x,
                             ptrdiff_t m, int path)
{
    CUR_ASSERT(m >= 2 && m <= n);
#if STR_X86
    if (path == PATH_AVX2 && !have_avx2()) return -2;
    if (path < PATH_SCALAR || path > PATH_AVX2) return -2;
#else
    if (path != PATH_SCALAR) return -2;
#endif
    return find_fwd(bytes(h), n, bytes(x), m, path);
}

bool cur_str_find(cur_str_t hay, cur_str_t needle, ptrdiff_t *at)
{
    SLICE_OK(hay);
    SLICE_OK(needle);
    ptrdiff_t r = find_index(hay, needle);
    if (r < 0) return false;
    if (at) *at = r;
    return true;
}

bool cur_str_rfind(cur_str_t hay, cur_str_t needle, ptrdiff_t *at)
{
    SLICE_OK(hay);
    SLICE_OK(needle);
    ptrdiff_t r;
    if (needle.len == 0) {
        r = hay.len;
    } else if (needle.len > hay.len) {
        r = -1;
    } else if (needle.len == 1) {
        const char *c = memrchr(hay.ptr, needle.ptr[0], (size_t)hay.len);
        r = c ? c - hay.ptr : -1;
    } else {
        r = find_rev(bytes(hay.ptr), hay.len, bytes(needle.ptr), needle.len);
    }
    if (r < 0) return false;
    if (at) *at = r;
    return true;
}

bool cur_str_find_byte(cur_str_t hay, unsigned char byte, ptrdiff_t *at)
{
    SLICE_OK(hay);
    if (hay.len == 0) return false;
    const char *c = memchr(hay.ptr, byte, (size_t)hay.len);
    if (!c) return false;
    if (at) *at = c - hay.ptr;
    return true;
}

bool cur_str_rfind_byte(cur_str_t hay, unsigned char byte, ptrdiff_t *at)
{
    SLICE_OK(hay);
    if (hay.len == 0) return false;
    const char *c = memrchr(hay.ptr, byte, (size_t)hay.len);
    if (!c) return false;
    if (at) *at = c - hay.ptr;
    return true;
}

bool cur_str_contains(cur_str_t hay, cur_str_t needle)
{
    return cur_str_find(hay, needle, NULL);
}

/* --- trim ------------------------------------------------------------------
 */

/* Rust's u8::is_ascii_whitespace: space, \t, \n, \f, \r (not \v). */
static inline bool is_ascii_ws(u8 c)
{
    return c <= ' ' && ((1ull << c) & ((1ull << ' ') | (1ull << '\t') |
                                       (1ull << '\n') | (1ull << '\f') |
                                       (1ull << '\r')));
}

cur_str_t cur_str_trim_start(cur_str_t s)
{
    SLICE_OK(s);
    ptrdiff_t i = 0;
    while (i < s.len && is_ascii_ws(bytes(s.ptr)[i])) i++;
    return mk(adv(s.ptr, i), s.len - i);
}

cur_str_t cur_str_trim_end(cur_str_t s)
{
    SLICE_OK(s);
    ptrdiff_t n = s.len;
    while (n > 0 && is_ascii_ws(bytes(s.ptr)[n - 1])) n--;
    return mk(s.ptr, n);
}

cur_str_t cur_str_trim(cur_str_t s)
{
    return cur_str_trim_end(cur_str_trim_start(s));
}

/* --- split, lines, chars -----------------------------------------------------
 */

bool cur_str_split_once(cur_str_t s, cur_str_t sep, cur_str_t *head,
                        cur_str_t *tail)
{
    SLICE_OK(s);
    SLICE_OK(sep);
    ptrdiff_t at = find_index(s, sep);
    if (at < 0) return false;
    ptrdiff_t after = at + sep.len;
    if (head) *head = mk(s.ptr, at);
    if (tail) *tail = mk(adv(s.ptr, after), s.len - after);
    return true;
}

enum { SPLIT_RUNNING, SPLIT_STARTED, SPLIT_FINISHED };

cur_str_split_t cur_str_split(cur_str_t s, cur_str_t sep)
{
    SLICE_OK(s);
    SLICE_OK(sep);
    return (cur_str_split_t){.rest = s, .sep = sep, .state = SPLIT_RUNNING};
}

bool cur_str_split_next(cur_str_split_t *it, cur_str_t *piece)
{
    CUR_ASSERT(it != NULL && piece != NULL);
    CUR_ASSERT(it->state <= SPLIT_FINISHED);
    cur_str_t r = it->rest;
    if (it->state == SPLIT_FINISHED) return false;
    if (it->sep.len == 0) {
        /* Matches at every char boundary: "" first, then one char per
         * piece, then "" for the match at the end. */
        if (it->state == SPLIT_RUNNING) {
            *piece = mk(r.ptr, 0);
            it->state = SPLIT_STARTED;
        } else if (r.len == 0) {
            *piece = r;
            it->state = SPLIT_FINISHED;
        } else {
            ptrdiff_t k = 1;
            while (k < r.len && (bytes(r.ptr)[k] & 0xC0) == 0x80) k++;
            *piece = mk(r.ptr, k);
            it->rest = mk(r.ptr + k, r.len - k);
        }
        return true;
    }
    ptrdiff_t at = find_index(r, it->sep);
    if (at < 0) {
        *piece = r;
        it->state = SPLIT_FINISHED;
        return true;
    }
    ptrdiff_t after = at + it->sep.len;
    *piece = mk(r.ptr, at);
    it->rest = mk(r.ptr + after, r.len - after);
    return true;
}

cur_str_lines_t cur_str_lines(cur_str_t s)
{
    SLICE_OK(s);
    return (cur_str_lines_t){.rest = s};
}

bool cur_str_lines_next(cur_str_lines_t *it, cur_str_t *line)
{
    CUR_ASSERT(it != NULL && line != NULL);
    cur_str_t r = it->rest;
    if (r.len == 0) return false;
    const char *nl = memchr(r.ptr, '\n', (size_t)r.len);
    ptrdiff_t take = r.len, skip = r.len;
    if (nl) {
        take = nl - r.ptr;
        skip = take + 1;
        if (take > 0 && r.ptr[take - 1] == '\r') take--;
    }
    *line = mk(r.ptr, take);
    it->rest = mk(r.ptr + skip, r.len - skip);
    return true;
}

cur_str_chars_t cur_str_chars(cur_str_t s)
{
    SLICE_OK(s);
    return (cur_str_chars_t){.rest = s};
}

bool cur_str_chars_next(cur_str_chars_t *it, uint32_t *cp, ptrdiff_t *len)
{
    CUR_ASSERT(it != NULL);
    cur_str_t r = it->rest;
    if (r.len == 0) return false;
    uint32_t c;
    int k = utf8_step(bytes(r.ptr), r.len, &c);
    if (k < 0) {
        c = CUR_UTF8_REPLACEMENT;
        k = -k;
    }
    it->rest = mk(r.ptr + k, r.len - k);
    if (cp) *cp = c;
    if (len) *len = k;
    return true;
}

ptrdiff_t cur_str_char_count(cur_str_t s)
{
    SLICE_OK(s);
    const u8 *p = bytes(s.ptr);
    ptrdiff_t n = s.len, count = 0;
    while (n > 0) {
        ptrdiff_t ok = utf8_prefix(p, n);
        count += count_non_continuation(p, ok);
        p += ok;
        n -= ok;
        if (n == 0) break;
        uint32_t cp;
        int k = utf8_step(p, n, &cp); /* negative: an invalid subpart */
        count++;
        p += -k;
        n -= -k;
    }
    return count;
}

bool cur_str_is_char_boundary(cur_str_t s, ptrdiff_t i)
{
    SLICE_OK(s);
    if (i == 0 || i == s.len) return true;
    if (i < 0 || i > s.len) return false;
    return (bytes(s.ptr)[i] & 0xC0) != 0x80;
}

int cur_str_slice(cur_str_t s, ptrdiff_t start, ptrdiff_t end, cur_str_t *out)
{
    SLICE_OK(s);
    CUR_ASSERT(out != NULL);
    if (start < 0 || end > s.len || start > end) return CUR_ERANGE;
    if (!cur_str_is_char_boundary(s, start) ||
        !cur_str_is_char_boundary(s, end))
        return CUR_EBOUNDARY;
    *out = mk(adv(s.ptr, start), end - start);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Owned strings                                                            */
/* ------------------------------------------------------------------------ */

#define STRING_MIN_CAP 8

void cur_string_init(cur_string_t *s, const cur_alloc_t *alloc)
{
    CUR_ASSERT(s != NULL);
    *s = (cur_string_t){.ptr = NULL, .len = 0, .cap = 0, .alloc = alloc};
}

void cur_string_destroy(cur_string_t *s)
{
    if (!s) return;
    if (s->ptr) cur__free(s->alloc, s->ptr, s->cap + 1);
    s->ptr = NULL;
    s->len = 0;
    s->cap = 0;
}

/* Grows the buffer to hold at least need > cap bytes of content. */
static int grow(cur_string_t *s, ptrdiff_t need)
{
    if (need > PTRDIFF_MAX - 1) return CUR_EOVERFLOW; /* + 1 for the NUL */
    ptrdiff_t cap = s->cap > (PTRDIFF_MAX - 1) / 2 ? PTRDIFF_MAX - 1
                                                   : s->cap * 2;
    if (cap < need) cap = need;
    if (cap < STRING_MIN_CAP) cap = STRING_MIN_CAP;
    char *p = cur__resize(s->alloc, s->ptr, s->ptr ? s->cap + 1 : 0, cap + 1);
    if (!p) return CUR_ENOMEM;
    if (!s->ptr) p[0] = '\0';
    s->ptr = p;
    s->cap = cap;
    return 0;
}

static int reserve(cur_string_t *s, ptrdiff_t additional)
{
    ptrdiff_t need;
    if (__builtin_add_overflow(s->len, additional, &need))
        return CUR_EOVERFLOW;
    return need <= s->cap ? 0 : grow(s, need);
}

int cur_string_reserve(cur_string_t *s, ptrdiff_t additional)
{
    STRING_OK(s);
    if (additional < 0) return CUR_EINVAL;
    return reserve(s, additional);
}

ptrdiff_t cur_string_capacity(const cur_string_t *s)
{
    STRING_OK(s);
    return s->cap;
}

int cur_string_from_str(cur_string_t *out, cur_str_t src,
                        const cur_alloc_t *alloc)
{
    CUR_ASSERT(out != NULL);
    SLICE_OK(src);
    cur_string_t t = {.ptr = NULL, .len = 0, .cap = 0, .alloc = alloc};
    if (src.len > 0) {
        if (src.len > PTRDIFF_MAX - 1) return CUR_EOVERFLOW;
        t.ptr = cur__alloc(alloc, src.len + 1);
        if (!t.ptr) return CUR_ENOMEM;
        memcpy(t.ptr, src.ptr, (size_t)src.len);
        t.ptr[src.len] = '\0';
        t.len = t.cap = src.len;
    }
    *out = t;
    return 0;
}

/* Appends n > 0 bytes at src, which may lie inside s's own buffer. */
static int append(cur_string_t *s, const char *src, ptrdiff_t n)
{
    if (n > s->cap - s->len) {
        /* Growing moves the buffer: re-find src if it points into it. The
         * addresses are compared as integers, since comparing pointers to
         * different objects is undefined. */
        uintptr_t base = (uintptr_t)s->ptr, q = (uintptr_t)src;
        bool inside = s->ptr && q >= base && q - base <= (uintptr_t)s->cap;
        int rc = reserve(s, n);
        if (rc < 0) return rc;
        if (inside) src = s->ptr + (q - base);
    }
    memmove(s->ptr + s->len, src, (size_t)n);
    s->len += n;
    s->ptr[s->len] = '\0';
    return 0;
}

int cur_string_push_str(cur_string_t *s, cur_str_t str)
{
    STRING_OK(s);
    SLICE_OK(str);
    return str.len ? append(s, str.ptr, str.len) : 0;
}

int cur_string_push_bytes(cur_string_t *s, const char *p, ptrdiff_t len)
{
    STRING_OK(s);
    int rc = cur_utf8_validate(p, len, NULL);
    if (rc < 0) return rc;
    return len ? append(s, p, len) : 0;
}

int cur_string_push_char(cur_string_t *s, uint32_t cp)
{
    STRING_OK(s);
    char buf[4];
    int n = cur_utf8_encode(cp, buf);
    if (n < 0) return n;
    return append(s, buf, n);
}

int cur_string_vappendf(cur_string_t *s, const char *fmt, va_list ap)
{
    STRING_OK(s);
    CUR_ASSERT(fmt != NULL);
    va_list again;
    va_copy(again, ap);
    /* First try the spare capacity (room for the text and its NUL). */
    char *dst = s->ptr ? s->ptr + s->len : NULL;
    size_t room = s->ptr ? (size_t)(s->cap - s->len + 1) : 0;
    errno = 0;
    int n = vsnprintf(dst, room, fmt, ap);
    int rc = 0;
    if (n < 0) {
        rc = errno > 0 ? -errno : CUR_EINVAL;
    } else if (n > 0 && (size_t)n >= room) {
        /* Too long: grow once, to the exact need, and format again. */
        rc = reserve(s, n);
        if (rc == 0) {
            int n2 = vsnprintf(s->ptr + s->len, (size_t)n + 1, fmt, again);
            if (CUR_NEVER(n2 != n)) rc = CUR_EINVAL;
        }
    }
    va_end(again);
    if (rc == 0 && n > 0 &&
        utf8_prefix(bytes(s->ptr + s->len), n) != n)
        rc = CUR_EUTF8;
    if (rc < 0) {
        if (s->ptr) s->ptr[s->len] = '\0'; /* the formatter wrote over it */
        return rc;
    }
    s->len += n;
    return n;
}

int cur_string_appendf(cur_string_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = cur_string_vappendf(s, fmt, ap);
    va_end(ap);
    return rc;
}

void cur_string_clear(cur_string_t *s)
{
    STRING_OK(s);
    s->len = 0;
    if (s->ptr) s->ptr[0] = '\0';
}

int cur_string_truncate(cur_string_t *s, ptrdiff_t new_len)
{
    STRING_OK(s);
    if (new_len < 0) return CUR_EINVAL;
    if (new_len >= s->len) return 0;
    if ((bytes(s->ptr)[new_len] & 0xC0) == 0x80) return CUR_EBOUNDARY;
    s->len = new_len;
    s->ptr[new_len] = '\0';
    return 0;
}

cur_str_t cur_string_as_str(const cur_string_t *s)
{
    STRING_OK(s);
    return mk(s->ptr ? s->ptr : "", s->len);
}

const char *cur_string_cstr(const cur_string_t *s)
{
    STRING_OK(s);
    return s->ptr ? s->ptr : "";
}
