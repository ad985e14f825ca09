/*
 * Tests of curriculum/str.h: UTF-8 validation, decoding and encoding;
 * borrowed slices (compare, search, trim, split, lines, chars, slicing);
 * owned strings (growth, formatting, truncation, OOM sweeps); contracts.
 *
 * The UTF-8 functions are checked against a slow reference written here
 * from the definition (decode by bit pattern, then reject overlong forms,
 * surrogates and values above U+10FFFF), exhaustively over short inputs and
 * on random and mutated ones. Search is checked against a naive scan.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/str.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "support/alloc.h"
#include "support/rng.h"
#include "support/utf8_ref.h"

/*
 * Internals of src/str.c, declared there, tested alone here: the linear
 * fallback search, and the scalar and vector paths of validation (0 scalar,
 * 1 AVX2) and of the forward search filter (0 scalar, 1 SSE2, 2 AVX2).
 * Each returns -2 for a path this machine cannot run.
 */
#include "str_int.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */


static cur_str_t S(const char *p, ptrdiff_t n) { return (cur_str_t){p, n}; }


static bool str_is(cur_str_t s, const char *want)
{
    return cur_str_eq(s, cur_str_from_cstr(want));
}


/*
 * Reference: true if p[0..k) is a proper prefix of some valid encoding:
 * a lead byte, continuation bytes, and a range of code points still
 * reachable that meets the valid scalars of that length.
 */
static bool ref_is_valid_prefix(const unsigned char *p, int k)
{
    unsigned c = p[0];
    int len;
    uint32_t bits, min, max;
    if ((c & 0xE0) == 0xC0) len = 2, bits = c & 0x1F, min = 0x80, max = 0x7FF;
    else if ((c & 0xF0) == 0xE0)
        len = 3, bits = c & 0x0F, min = 0x800, max = 0xFFFF;
    else if ((c & 0xF8) == 0xF0)
        len = 4, bits = c & 0x07, min = 0x10000, max = 0x10FFFF;
    else return false;
    if (k >= len) return false;
    for (int i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80) return false;
        bits = (bits << 6) | (p[i] & 0x3Fu);
    }
    int rest = 6 * (len - k);
    uint32_t lo = bits << rest, hi = lo | ((1u << rest) - 1);
    if (lo < min) lo = min;
    if (hi > max) hi = max;
    if (lo > hi) return false;
    /* Non-empty unless [lo, hi] lies inside the surrogate block. */
    return !(lo >= 0xD800 && hi <= 0xDFFF);
}

/* Reference lossy decoding step: length (+) or maximal subpart (-). */
static int ref_step(const unsigned char *p, ptrdiff_t n, uint32_t *cp)
{
    if (ref_valid_up_to(p, n) > 0) {
        /* The first sequence is valid: decode it. */
        unsigned c = p[0];
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t v = len == 1   ? c
                     : len == 2 ? c & 0x1F
                     : len == 3 ? c & 0x0F
                                : c & 0x07;
        for (int k = 1; k < len; k++) v = (v << 6) | (p[k] & 0x3Fu);
        *cp = v;
        return len;
    }
    int best = 1;
    for (int k = 2; k <= 3 && k <= n; k++)
        if (ref_is_valid_prefix(p, k)) best = k;
    return -best;
}

static ptrdiff_t naive_find(cur_str_t h, cur_str_t x)
{
    for (ptrdiff_t j = 0; j + x.len <= h.len; j++)
        if (x.len == 0 || memcmp(h.ptr + j, x.ptr, (size_t)x.len) == 0)
            return j;
    return -1;
}

static ptrdiff_t naive_rfind(cur_str_t h, cur_str_t x)
{
    for (ptrdiff_t j = h.len - x.len; j >= 0; j--)
        if (x.len == 0 || memcmp(h.ptr + j, x.ptr, (size_t)x.len) == 0)
            return j;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* UTF-8 validation                                                         */
/* ------------------------------------------------------------------------ */

struct utf8_case {
    const char *bytes;
    int len;
    ptrdiff_t valid_up_to; /* == len when valid */
};

#define VALID(lit) {lit, (int)sizeof(lit) - 1, (ptrdiff_t)sizeof(lit) - 1}
#define BAD(lit, at) {lit, (int)sizeof(lit) - 1, at}

static const struct utf8_case utf8_cases[] = {
    VALID(""),
    VALID("a"),
    VALID("\x00"),
    VALID("\x7F"),             /* U+007F, last 1-byte */
    VALID("\xC2\x80"),         /* U+0080, first 2-byte */
    VALID("\xDF\xBF"),         /* U+07FF, last 2-byte */
    VALID("\xE0\xA0\x80"),     /* U+0800, first 3-byte */
    VALID("\xED\x9F\xBF"),     /* U+D7FF, below the surrogates */
    VALID("\xEE\x80\x80"),     /* U+E000, above the surrogates */
    VALID("\xEF\xBF\xBF"),     /* U+FFFF, last 3-byte */
    VALID("\xEF\xBF\xBE"),     /* U+FFFE, a noncharacter, still valid */
    VALID("\xF0\x90\x80\x80"), /* U+10000, first 4-byte */
    VALID("\xF4\x8F\xBF\xBF"), /* U+10FFFF, the last scalar */
    VALID("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80!"),
    BAD("\xF4\x90\x80\x80", 0), /* U+110000 */
    BAD("\xF7\xBF\xBF\xBF", 0), /* U+1FFFFF */
    BAD("\xED\xA0\x80", 0),     /* U+D800 */
    BAD("\xED\xBF\xBF", 0),     /* U+DFFF */
    BAD("\xED\xA0\x80\xED\xB0\x80", 0), /* CESU-8 surrogate pair */
    BAD("\xC0\x80", 0),         /* overlong NUL (Java's modified UTF-8) */
    BAD("\xC1\xBF", 0),         /* overlong U+007F */
    BAD("\xE0\x80\x80", 0),     /* overlong NUL, 3 bytes */
    BAD("\xE0\x9F\xBF", 0),     /* overlong U+07FF */
    BAD("\xF0\x80\x80\x80", 0), /* overlong NUL, 4 bytes */
    BAD("\xF0\x8F\xBF\xBF", 0), /* overlong U+FFFF */
    BAD("\x80", 0),             /* lone continuation */
    BAD("\xBF", 0),
    BAD("a\x80", 1),
    BAD("\xC3\xA9\x80", 2),     /* continuation after a complete char */
    BAD("\xC2", 0),             /* truncated at end */
    BAD("\xE0\xA0", 0),
    BAD("\xF0\x90\x80", 0),
    BAD("ab\xE2\x82", 2),
    BAD("ab\xF0\x9F\x98", 2),
    BAD("\xC2\x41", 0),         /* lead then ASCII */
    BAD("\xE1\x80\x41", 0),
    BAD("\xF1\x80\x80\x41", 0),
    BAD("\xC2\xC2\x80", 0),     /* lead then lead */
    BAD("\xF5\x80\x80\x80", 0), /* F5..FF never appear */
    BAD("\xF8\x88\x80\x80\x80", 0),
    BAD("\xFC\x84\x80\x80\x80\x80", 0),
    BAD("\xFE", 0),
    BAD("\xFF", 0),
    BAD("abc\xFF", 3),
    BAD("\xE2\x82\xAC\xE2\x82", 3),
};

Test(str, utf8_validate_table)
{
    for (size_t t = 0; t < sizeof utf8_cases / sizeof *utf8_cases; t++) {
        const struct utf8_case *c = &utf8_cases[t];
        ptrdiff_t up = -7;
        int rc = cur_utf8_validate(c->bytes, c->len, &up);
        bool valid = c->valid_up_to == c->len;
        cr_assert_eq(rc, valid ? 0 : CUR_EUTF8, "case %zu: rc %d", t, rc);
        cr_assert_eq(up, c->valid_up_to, "case %zu: valid_up_to %td", t, up);
        cr_assert_eq(ref_valid_up_to((const unsigned char *)c->bytes, c->len),
                     c->valid_up_to, "reference disagrees on case %zu", t);
        cr_assert_eq(cur_utf8_validate(c->bytes, c->len, NULL), rc);
    }
}

Test(str, utf8_validate_reports_valid_up_to_after_long_ascii)
{
    /* The error sits after 0..199 ASCII bytes, so that it lands in every
     * lane of the 32- and 8-byte fast paths and in the byte tail. */
    char buf[256];
    for (int pre = 0; pre < 200; pre++) {
        for (int tail = 0; tail < 40; tail += 13) {
            memset(buf, 'x', sizeof buf);
            buf[pre] = '\xFF';
            ptrdiff_t up = -1;
            cr_assert_eq(cur_utf8_validate(buf, pre + 1 + tail, &up),
                         CUR_EUTF8);
            cr_assert_eq(up, pre);
            /* A valid multi-byte char in the same place passes. */
            memcpy(buf + pre, "\xE2\x82\xAC", 3);
            cr_assert_eq(cur_utf8_validate(buf, pre + 3 + tail, &up), 0);
            cr_assert_eq(up, pre + 3 + tail);
        }
    }
}

Test(str, utf8_validate_rejects_bad_arguments)
{
    ptrdiff_t up = 42;
    cr_assert_eq(cur_utf8_validate("abc", -1, &up), CUR_EINVAL);
    cr_assert_eq(cur_utf8_validate(NULL, 3, &up), CUR_EINVAL);
    cr_assert_eq(up, 42, "valid_up_to written on CUR_EINVAL");
    cr_assert_eq(cur_utf8_validate(NULL, 0, &up), 0);
    cr_assert_eq(up, 0);
}

Test(str, utf8_validate_exhaustive_short_inputs)
{
    unsigned char b[4];
    ptrdiff_t up;
    for (unsigned x = 0; x < 256; x++) {
        b[0] = (unsigned char)x;
        int rc = cur_utf8_validate((char *)b, 1, &up);
        cr_assert_eq(up, ref_valid_up_to(b, 1), "%02x", x);
        cr_assert_eq(rc, up == 1 ? 0 : CUR_EUTF8);
    }
    for (unsigned x = 0; x < 65536; x++) {
        b[0] = (unsigned char)(x >> 8), b[1] = (unsigned char)x;
        cur_utf8_validate((char *)b, 2, &up);
        cr_assert_eq(up, ref_valid_up_to(b, 2), "%04x", x);
    }
    /* Every 3-byte string whose lead is not ASCII (an ASCII lead reduces
     * to the 2-byte case above). */
    for (unsigned x = 0x800000; x < 0x1000000; x++) {
        b[0] = (unsigned char)(x >> 16), b[1] = (unsigned char)(x >> 8);
        b[2] = (unsigned char)x;
        cur_utf8_validate((char *)b, 3, &up);
        if (up != ref_valid_up_to(b, 3))
            cr_assert_fail("%06x: %td vs %td", x, up, ref_valid_up_to(b, 3));
    }
    /* 4-byte strings with a 4-byte lead and every byte around the
     * continuation range. */
    for (unsigned lead = 0xF0; lead <= 0xF7; lead++) {
        for (unsigned y = 0; y < 66 * 66 * 66; y++) {
            b[0] = (unsigned char)lead;
            b[1] = (unsigned char)(0x7F + y % 66);
            b[2] = (unsigned char)(0x7F + y / 66 % 66);
            b[3] = (unsigned char)(0x7F + y / 66 / 66);
            cur_utf8_validate((char *)b, 4, &up);
            if (up != ref_valid_up_to(b, 4))
                cr_assert_fail("%02x %02x %02x %02x", b[0], b[1], b[2], b[3]);
        }
    }
}

Test(str, utf8_every_scalar_round_trips)
{
    char buf[8];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        int n = cur_utf8_encode(cp, buf);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            cr_assert_eq(n, CUR_EINVAL);
            continue;
        }
        int want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        cr_assert_eq(n, want, "U+%04X", cp);
        ptrdiff_t up;
        cr_assert_eq(cur_utf8_validate(buf, n, &up), 0, "U+%04X", cp);
        cr_assert_eq(ref_valid_up_to((unsigned char *)buf, n), n);
        uint32_t back = 0;
        cr_assert_eq(cur_utf8_decode(buf, n, &back), n);
        cr_assert_eq(back, cp);
    }
}

/* Random valid text, then mutated: the fast validator must agree with the
 * reference on every input, including valid_up_to. */
static ptrdiff_t random_text(unsigned char *buf, ptrdiff_t cap)
{
    ptrdiff_t n = 0, want = rng_below(cap - 4);
    while (n < want) {
        uint64_t r = rng() % 100;
        uint32_t cp;
        if (r < 60) cp = (uint32_t)rng_below(0x80);
        else if (r < 75) cp = 0x80 + (uint32_t)rng_below(0x800 - 0x80);
        else if (r < 90) cp = 0x800 + (uint32_t)rng_below(0x10000 - 0x800);
        else cp = 0x10000 + (uint32_t)rng_below(0x110000 - 0x10000);
        int k = cur_utf8_encode(cp, (char *)buf + n);
        if (k > 0) n += k;
    }
    return n;
}

static void mutate(unsigned char *buf, ptrdiff_t *n, ptrdiff_t cap)
{
    int rounds = 1 + (int)rng_below(3);
    for (int r = 0; r < rounds && *n > 0; r++) {
        ptrdiff_t at = rng_below(*n);
        switch (rng() % 6) {
        case 0:
            buf[at] = (unsigned char)rng();
            break; /* any byte */
        case 1: buf[at] ^= (unsigned char)(1u << rng_below(8)); break;
        case 2:
            *n = at;
            break; /* truncate */
        case 3: buf[at] = (unsigned char)(0x80 + rng_below(64)); break;
        case 4: buf[at] = (unsigned char)(0xC0 + rng_below(64)); break;
        default:
            if (*n < cap) { /* insert a byte */
                memmove(buf + at + 1, buf + at, (size_t)(*n - at));
                buf[at] = (unsigned char)rng();
                (*n)++;
            }
        }
    }
}

Test(str, utf8_validate_matches_reference_on_random_input)
{
    rng_seed(0x5eed01);
    unsigned char buf[600];
    int invalid = 0;
    for (int iter = 0; iter < 40000; iter++) {
        ptrdiff_t n;
        if (iter % 4 == 0) {
            n = rng_below(sizeof buf); /* plain random bytes */
            for (ptrdiff_t i = 0; i < n; i++) buf[i] = (unsigned char)rng();
        } else {
            n = random_text(buf, sizeof buf);
            if (iter % 4 != 1) mutate(buf, &n, sizeof buf);
        }
        ptrdiff_t up = -1, want = ref_valid_up_to(buf, n);
        int rc = cur_utf8_validate((char *)buf, n, &up);
        cr_assert_eq(up, want, "iteration %d: %td vs %td", iter, up, want);
        cr_assert_eq(rc, want == n ? 0 : CUR_EUTF8);
        invalid += want != n;
    }
    cr_assert_gt(invalid, 10000, "the mutations must produce bad input");
}

Test(str, utf8_every_path_matches_reference_on_long_input)
{
    rng_seed(0x10e6);
    unsigned char buf[3000];
    int ran_vector = 0;
    for (int iter = 0; iter < 6000; iter++) {
        ptrdiff_t n = random_text(buf, iter % 2 ? sizeof buf : 300);
        /* Long ASCII stretches, so that all-ASCII vector steps happen. */
        if (iter % 3 == 0 && n > 200) memset(buf + n / 4, 'x', (size_t)(n / 3));
        if (iter % 4 != 0) mutate(buf, &n, sizeof buf);
        ptrdiff_t want = ref_valid_up_to(buf, n);
        cr_assert_eq(cur__utf8_prefix_path((char *)buf, n, 0), want,
                     "scalar, iteration %d", iter);
        ptrdiff_t v = cur__utf8_prefix_path((char *)buf, n, 1);
        if (v != -2) {
            cr_assert_eq(v, want, "AVX2, iteration %d", iter);
            ran_vector++;
        }
    }
    if (!ran_vector)
        cr_log_warn("no AVX2 on this machine: vector path not run");
}

/* Every table case, planted at every offset of a 200-byte buffer of ASCII
 * or of 2-byte chars, so that it straddles each 32- and 64-byte seam. */
Test(str, utf8_errors_are_found_at_every_offset)
{
    unsigned char buf[200];
    for (int fill = 0; fill < 2; fill++) {
        for (size_t t = 0; t < sizeof utf8_cases / sizeof *utf8_cases; t++) {
            const struct utf8_case *c = &utf8_cases[t];
            for (int at = 0; at + c->len <= (int)sizeof buf; at++) {
                for (int i = 0; i < (int)sizeof buf; i += 2) {
                    buf[i] = fill ? 0xC3 : 'a';
                    buf[i + 1] = fill ? 0xA9 : 'b';
                }
                int start = fill ? at & ~1 : at; /* keep é pairs whole */
                memcpy(buf + start, c->bytes, (size_t)c->len);
                ptrdiff_t end = start + c->len;
                if (fill && (end & 1)) buf[end] = 'z'; /* no half é */
                for (int cut = 0; cut < 2; cut++) {
                    /* The whole buffer, and the buffer ending at the case. */
                    ptrdiff_t n = cut ? end : (ptrdiff_t)sizeof buf;
                    ptrdiff_t up = -1, want = ref_valid_up_to(buf, n);
                    cur_utf8_validate((char *)buf, n, &up);
                    if (up != want)
                        cr_assert_fail(
                            "case %zu at %d fill %d n %td: %td vs %td", t,
                            start, fill, n, up, want);
                    ptrdiff_t v = cur__utf8_prefix_path((char *)buf, n, 1);
                    cr_assert(v == -2 || v == want, "AVX2: case %zu at %d", t,
                              start);
                    cr_assert_eq(cur__utf8_prefix_path((char *)buf, n, 0),
                                 want);
                }
            }
        }
    }
}

Test(str, utf8_decode_and_encode)
{
    uint32_t cp = 7;
    cr_assert_eq(cur_utf8_decode("A", 1, &cp), 1);
    cr_assert_eq(cp, 'A');
    cr_assert_eq(cur_utf8_decode("\xC3\xA9!", 3, &cp), 2);
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(cur_utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
    cr_assert_eq(cp, 0x20AC);
    cr_assert_eq(cur_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    cr_assert_eq(cp, 0x1F600);
    cr_assert_eq(cur_utf8_decode("\xF0\x9F\x98\x80", 3, &cp), CUR_EUTF8);
    cr_assert_eq(cur_utf8_decode("\xED\xA0\x80", 3, &cp), CUR_EUTF8);
    cr_assert_eq(cur_utf8_decode("\x80", 1, &cp), CUR_EUTF8);
    cr_assert_eq(cur_utf8_decode("A", 0, &cp), CUR_EINVAL);
    cr_assert_eq(cur_utf8_decode(NULL, 1, &cp), CUR_EINVAL);
    cr_assert_eq(cp, 0x1F600, "cp written on failure");
    cr_assert_eq(cur_utf8_decode("A", 1, NULL), 1);

    char buf[4] = {'x', 'x', 'x', 'x'};
    cr_assert_eq(cur_utf8_encode(0x7F, buf), 1);
    cr_assert_eq(buf[0], 0x7F);
    cr_assert_eq(cur_utf8_encode(0x80, buf), 2);
    cr_assert_eq(memcmp(buf, "\xC2\x80", 2), 0);
    cr_assert_eq(cur_utf8_encode(0x7FF, buf), 2);
    cr_assert_eq(memcmp(buf, "\xDF\xBF", 2), 0);
    cr_assert_eq(cur_utf8_encode(0x800, buf), 3);
    cr_assert_eq(memcmp(buf, "\xE0\xA0\x80", 3), 0);
    cr_assert_eq(cur_utf8_encode(0xFFFF, buf), 3);
    cr_assert_eq(memcmp(buf, "\xEF\xBF\xBF", 3), 0);
    cr_assert_eq(cur_utf8_encode(0x10000, buf), 4);
    cr_assert_eq(memcmp(buf, "\xF0\x90\x80\x80", 4), 0);
    cr_assert_eq(cur_utf8_encode(0x10FFFF, buf), 4);
    cr_assert_eq(memcmp(buf, "\xF4\x8F\xBF\xBF", 4), 0);
    cr_assert_eq(cur_utf8_encode(0xD800, buf), CUR_EINVAL);
    cr_assert_eq(cur_utf8_encode(0xDFFF, buf), CUR_EINVAL);
    cr_assert_eq(cur_utf8_encode(0x110000, buf), CUR_EINVAL);
    cr_assert_eq(cur_utf8_encode(UINT32_MAX, buf), CUR_EINVAL);
    cr_assert_eq(memcmp(buf, "\xF4\x8F\xBF\xBF", 4), 0, "buf written on error");
}

Test(str, from_utf8_checks_and_borrows)
{
    static const char text[] = "gr\xC3\xBC\xC3\x9F dich";
    cur_str_t s = {NULL, 0};
    cr_assert_eq(cur_str_from_utf8(text, CUR_SIZEOF(text) - 1, &s), 0);
    cr_assert_eq(s.ptr, text, "from_utf8 must borrow, not copy");
    cr_assert_eq(s.len, CUR_SIZEOF(text) - 1);

    cur_str_t keep = s;
    cr_assert_eq(cur_str_from_utf8("ok\xC3", 3, &s), CUR_EUTF8);
    cr_assert_eq(cur_str_from_utf8("ok", -2, &s), CUR_EINVAL);
    cr_assert_eq(cur_str_from_utf8(NULL, 1, &s), CUR_EINVAL);
    cr_assert(cur_str_eq(s, keep) && s.ptr == keep.ptr, "out written on error");
    cr_assert_eq(cur_str_from_utf8(NULL, 0, &s), 0);
    cr_assert_eq(s.len, 0);
}

/* ------------------------------------------------------------------------ */
/* Slices: construction and comparison                                      */
/* ------------------------------------------------------------------------ */

static const cur_str_t static_slice = CUR_STR_INIT("static");

Test(str, literal_slices_have_compile_time_length)
{
    cur_str_t s = CUR_STR("hello");
    cr_assert_eq(s.len, 5);
    cr_assert_eq(memcmp(s.ptr, "hello", 5), 0);
    cr_assert_eq(CUR_STR("").len, 0);
    cr_assert_eq(CUR_STR("a\0b").len, 3, "embedded NUL is part of the slice");
    cr_assert_eq(CUR_STR("\xE2\x82\xAC").len, 3, "length is in bytes");
    cr_assert_eq(static_slice.len, 6);
    cr_assert(str_is(static_slice, "static"));
}

Test(str, from_cstr_measures_up_to_nul)
{
    const char *c = "abc";
    cur_str_t s = cur_str_from_cstr(c);
    cr_assert_eq(s.ptr, c);
    cr_assert_eq(s.len, 3);
    cr_assert_eq(cur_str_from_cstr("").len, 0);
}

Test(str, from_cstr_null_panics, .signal = SIGABRT)
{
    (void)cur_str_from_cstr(NULL);
}

Test(str, eq_compares_bytes_not_pointers)
{
    char a[] = "same", b[] = "same";
    cr_assert(cur_str_eq(S(a, 4), S(b, 4)));
    cr_assert_not(cur_str_eq(S(a, 4), S(b, 3)));
    cr_assert_not(cur_str_eq(CUR_STR("abc"), CUR_STR("abd")));
    cr_assert(cur_str_eq(S(NULL, 0), CUR_STR("")), "empty slices are equal");
    cr_assert(cur_str_eq(S(NULL, 0), S(NULL, 0)));
    cr_assert_not(cur_str_eq(S(NULL, 0), CUR_STR("x")));
}

Test(str, cmp_is_lexicographic_by_unsigned_byte)
{
    cr_assert_eq(cur_str_cmp(CUR_STR("abc"), CUR_STR("abc")), 0);
    cr_assert_eq(cur_str_cmp(CUR_STR("abc"), CUR_STR("abd")), -1);
    cr_assert_eq(cur_str_cmp(CUR_STR("abd"), CUR_STR("abc")), 1);
    cr_assert_eq(cur_str_cmp(CUR_STR("ab"), CUR_STR("abc")), -1,
                 "prefix first");
    cr_assert_eq(cur_str_cmp(CUR_STR("abc"), CUR_STR("ab")), 1);
    cr_assert_eq(cur_str_cmp(S(NULL, 0), CUR_STR("")), 0);
    cr_assert_eq(cur_str_cmp(S(NULL, 0), CUR_STR("a")), -1);
    /* Bytes compare unsigned, so code point order holds for UTF-8. */
    cr_assert_eq(cur_str_cmp(CUR_STR("z"), CUR_STR("\xC3\xA9")), -1);
    cr_assert_eq(
        cur_str_cmp(CUR_STR("\xEF\xBF\xBF"), CUR_STR("\xF0\x90\x80\x80")), -1);
    /* Only the sign of memcmp is used: the result is exactly -1, 0 or 1. */
    cr_assert_eq(cur_str_cmp(CUR_STR("\xFF"), CUR_STR("\x01")), 1);
}

Test(str, starts_with_and_ends_with)
{
    cur_str_t s = CUR_STR("hello.txt");
    cr_assert(cur_str_starts_with(s, CUR_STR("hell")));
    cr_assert(cur_str_starts_with(s, CUR_STR("")));
    cr_assert(cur_str_starts_with(s, s));
    cr_assert_not(cur_str_starts_with(s, CUR_STR("help")));
    cr_assert_not(cur_str_starts_with(CUR_STR("he"), CUR_STR("hell")));
    cr_assert(cur_str_ends_with(s, CUR_STR(".txt")));
    cr_assert(cur_str_ends_with(s, CUR_STR("")));
    cr_assert_not(cur_str_ends_with(s, CUR_STR(".txz")));
    cr_assert_not(cur_str_ends_with(CUR_STR("xt"), CUR_STR(".txt")));
    cr_assert(cur_str_starts_with(S(NULL, 0), CUR_STR("")));
    cr_assert(cur_str_ends_with(S(NULL, 0), S(NULL, 0)));
    cr_assert_not(cur_str_ends_with(S(NULL, 0), CUR_STR("a")));
}

/* ------------------------------------------------------------------------ */
/* Search                                                                   */
/* ------------------------------------------------------------------------ */

Test(str, find_basic_cases)
{
    cur_str_t s = CUR_STR("one two three two one");
    ptrdiff_t at = -1;
    cr_assert(cur_str_find(s, CUR_STR("two"), &at));
    cr_assert_eq(at, 4);
    cr_assert(cur_str_rfind(s, CUR_STR("two"), &at));
    cr_assert_eq(at, 14);
    cr_assert(cur_str_find(s, CUR_STR("one"), &at));
    cr_assert_eq(at, 0);
    cr_assert(cur_str_rfind(s, CUR_STR("one"), &at));
    cr_assert_eq(at, 18, "match ending at the last byte");
    cr_assert(cur_str_find(s, s, &at));
    cr_assert_eq(at, 0, "needle equal to haystack");
    cr_assert(cur_str_rfind(s, s, &at));
    cr_assert_eq(at, 0);
    cr_assert(cur_str_find(s, CUR_STR("e"), &at));
    cr_assert_eq(at, 2);
    cr_assert(cur_str_rfind(s, CUR_STR("e"), &at));
    cr_assert_eq(at, 20);
    /* Overlapping candidates. */
    cr_assert(cur_str_find(CUR_STR("aaaa"), CUR_STR("aaa"), &at));
    cr_assert_eq(at, 0);
    cr_assert(cur_str_rfind(CUR_STR("aaaa"), CUR_STR("aaa"), &at));
    cr_assert_eq(at, 1);
    cr_assert(cur_str_find(s, CUR_STR("two"), NULL), "at may be NULL");
    cr_assert(cur_str_contains(s, CUR_STR("thr")));
    cr_assert_not(cur_str_contains(s, CUR_STR("four")));
}

Test(str, find_miss_leaves_index_alone)
{
    ptrdiff_t at = 99;
    cr_assert_not(cur_str_find(CUR_STR("abc"), CUR_STR("abd"), &at));
    cr_assert_not(cur_str_rfind(CUR_STR("abc"), CUR_STR("x"), &at));
    cr_assert_not(cur_str_find(CUR_STR("abc"), CUR_STR("abcd"), &at),
                  "needle longer than haystack");
    cr_assert_not(cur_str_rfind(CUR_STR("abc"), CUR_STR("abcd"), &at));
    cr_assert_not(cur_str_find(S(NULL, 0), CUR_STR("a"), &at));
    cr_assert_not(cur_str_find_byte(S(NULL, 0), 'a', &at));
    cr_assert_not(cur_str_rfind_byte(CUR_STR("abc"), 'z', &at));
    cr_assert_eq(at, 99);
}

Test(str, find_empty_needle_follows_rust)
{
    ptrdiff_t at = -1;
    cr_assert(cur_str_find(CUR_STR("abc"), CUR_STR(""), &at));
    cr_assert_eq(at, 0);
    cr_assert(cur_str_rfind(CUR_STR("abc"), CUR_STR(""), &at));
    cr_assert_eq(at, 3);
    cr_assert(cur_str_find(S(NULL, 0), S(NULL, 0), &at));
    cr_assert_eq(at, 0);
    cr_assert(cur_str_rfind(S(NULL, 0), CUR_STR(""), &at));
    cr_assert_eq(at, 0);
}

Test(str, find_byte_and_rfind_byte)
{
    cur_str_t s = CUR_STR("a/b/c\0d");
    ptrdiff_t at;
    cr_assert(cur_str_find_byte(s, '/', &at));
    cr_assert_eq(at, 1);
    cr_assert(cur_str_rfind_byte(s, '/', &at));
    cr_assert_eq(at, 3);
    cr_assert(cur_str_find_byte(s, '\0', &at), "NUL is an ordinary byte");
    cr_assert_eq(at, 5);
    cr_assert(cur_str_rfind_byte(s, 'd', &at));
    cr_assert_eq(at, 6);
    cr_assert(cur_str_find_byte(CUR_STR("\xE2\x82\xAC"), 0xAC, &at));
    cr_assert_eq(at, 2);
}

Test(str, find_matches_naive_search_on_random_input)
{
    rng_seed(0xf1d);
    char hay[800], nd[40];
    for (int iter = 0; iter < 30000; iter++) {
        int alpha = 2 + (int)rng_below(3);
        ptrdiff_t n = rng_below(iter % 10 == 0 ? 800 : 120);
        for (ptrdiff_t i = 0; i < n; i++)
            hay[i] = (char)('a' + rng_below(alpha));
        ptrdiff_t m = rng_below(iter % 3 == 0 ? 40 : 9);
        if (n > 0 && m <= n && rng() % 2) {
            memcpy(nd, hay + rng_below(n - m + 1), (size_t)m); /* present */
        } else {
            for (ptrdiff_t i = 0; i < m; i++)
                nd[i] = (char)('a' + rng_below(alpha));
        }
        cur_str_t h = S(hay, n), x = S(nd, m);
        ptrdiff_t want = naive_find(h, x), got = -1;
        cr_assert_eq(cur_str_find(h, x, &got), want >= 0);
        if (want >= 0) cr_assert_eq(got, want, "find: iteration %d", iter);
        want = naive_rfind(h, x);
        cr_assert_eq(cur_str_rfind(h, x, &got), want >= 0);
        if (want >= 0) cr_assert_eq(got, want, "rfind: iteration %d", iter);
    }
}

Test(str, every_find_filter_matches_naive_search)
{
    rng_seed(0xf17);
    char hay[700], nd[80];
    int paths_run[3] = {0, 0, 0};
    for (int iter = 0; iter < 20000; iter++) {
        int alpha = 2 + (int)rng_below(3);
        ptrdiff_t n = 2 + rng_below(iter % 4 == 0 ? 698 : 200);
        for (ptrdiff_t i = 0; i < n; i++)
            hay[i] = (char)('a' + rng_below(alpha));
        ptrdiff_t m = 2 + rng_below((n < 78 ? n : 78) - 1);
        if (rng() % 2)
            memcpy(nd, hay + rng_below(n - m + 1), (size_t)m);
        else
            for (ptrdiff_t i = 0; i < m; i++)
                nd[i] = (char)('a' + rng_below(alpha));
        ptrdiff_t want = naive_find(S(hay, n), S(nd, m));
        for (int path = 0; path < 3; path++) {
            ptrdiff_t got = cur__str_find_path(hay, n, nd, m, path);
            if (got == -2) continue;
            paths_run[path]++;
            cr_assert_eq(got, want, "path %d, iteration %d", path, iter);
        }
    }
    cr_assert_gt(paths_run[0], 0);
    if (!paths_run[1] || !paths_run[2])
        cr_log_warn("vector filters run: SSE2 %d, AVX2 %d", paths_run[1],
                    paths_run[2]);
}

Test(str, every_find_filter_survives_pathological_input)
{
    enum { N = 9000 };
    static char hay[N];
    char needle[41];
    memset(needle, 'a', sizeof needle);
    needle[20] = 'b';
    const ptrdiff_t places[] = {-1, 0, 31, 64, 4000, N - 41};
    for (size_t p = 0; p < sizeof places / sizeof *places; p++) {
        memset(hay, 'a', N);
        if (places[p] >= 0) memcpy(hay + places[p], needle, sizeof needle);
        for (int path = 0; path < 3; path++) {
            ptrdiff_t got =
                cur__str_find_path(hay, N, needle, sizeof needle, path);
            cr_assert(got == -2 || got == places[p], "path %d place %td: %td",
                      path, places[p], got);
        }
    }
}

Test(str, twoway_matches_naive_search_in_both_directions)
{
    rng_seed(0x2a7);
    char hay[300], nd[30];
    for (int iter = 0; iter < 30000; iter++) {
        int alpha = 1 + (int)rng_below(3);
        ptrdiff_t n = rng_below(300), m = rng_below(30);
        for (ptrdiff_t i = 0; i < n; i++)
            hay[i] = (char)('a' + rng_below(alpha));
        if (n > 0 && m <= n && rng() % 2) {
            memcpy(nd, hay + rng_below(n - m + 1), (size_t)m);
        } else {
            /* Periodic needles are the hard case for Two-Way. */
            ptrdiff_t per = 1 + rng_below(4);
            for (ptrdiff_t i = 0; i < m; i++)
                nd[i] = i < per ? (char)('a' + rng_below(alpha)) : nd[i - per];
            if (m > 0 && rng() % 3 == 0) nd[rng_below(m)] = 'a';
        }
        cur_str_t h = S(hay, n), x = S(nd, m);
        cr_assert_eq(cur__str_twoway(hay, n, nd, m, false), naive_find(h, x),
                     "forward: iteration %d", iter);
        cr_assert_eq(cur__str_twoway(hay, n, nd, m, true), naive_rfind(h, x),
                     "reverse: iteration %d", iter);
    }
}

/* A periodic needle in a periodic haystack makes every position a
 * candidate: the filter must hand over to the linear algorithm and still
 * give the right answers. */
Test(str, find_survives_pathological_input)
{
    enum { N = 20000 };
    char *hay = malloc(N);
    cr_assert_not_null(hay);
    char needle[41];
    memset(needle, 'a', sizeof needle);
    needle[20] = 'b';
    cur_str_t x = S(needle, sizeof needle), h = S(hay, N);
    ptrdiff_t at;

    memset(hay, 'a', N);
    cr_assert_not(cur_str_find(h, x, &at));
    cr_assert_not(cur_str_rfind(h, x, &at));

    ptrdiff_t places[] = {0, 1, 15, 16, 17, 777, N / 2, N - 42, N - 41};
    for (size_t p = 0; p < sizeof places / sizeof *places; p++) {
        memset(hay, 'a', N);
        memcpy(hay + places[p], needle, sizeof needle);
        cr_assert(cur_str_find(h, x, &at));
        cr_assert_eq(at, places[p]);
        cr_assert(cur_str_rfind(h, x, &at));
        cr_assert_eq(at, places[p]);
    }
    /* Two matches: find and rfind must pick different ones. */
    memset(hay, 'a', N);
    memcpy(hay + 5000, needle, sizeof needle);
    memcpy(hay + 15000, needle, sizeof needle);
    cr_assert(cur_str_find(h, x, &at));
    cr_assert_eq(at, 5000);
    cr_assert(cur_str_rfind(h, x, &at));
    cr_assert_eq(at, 15000);
    free(hay);
}

/* ------------------------------------------------------------------------ */
/* Trim                                                                     */
/* ------------------------------------------------------------------------ */

Test(str, trim_removes_ascii_whitespace_without_copying)
{
    const char *raw = " \t\n\f\r hi there \r\n\t ";
    cur_str_t s = cur_str_from_cstr(raw);
    cur_str_t t = cur_str_trim(s);
    cr_assert(str_is(t, "hi there"));
    cr_assert_eq(t.ptr, raw + 6, "trim returns a view into the input");
    cr_assert(str_is(cur_str_trim_start(s), "hi there \r\n\t "));
    cr_assert(str_is(cur_str_trim_end(s), " \t\n\f\r hi there"));
    cr_assert_eq(cur_str_trim_end(s).ptr, raw);
    cr_assert(str_is(cur_str_trim(CUR_STR("x")), "x"));
}

Test(str, trim_of_all_whitespace_is_empty)
{
    cur_str_t s = CUR_STR(" \t\r\n ");
    cr_assert_eq(cur_str_trim(s).len, 0);
    cr_assert_eq(cur_str_trim_start(s).len, 0);
    cr_assert_eq(cur_str_trim_end(s).len, 0);
    cr_assert_eq(cur_str_trim(CUR_STR("")).len, 0);
    cr_assert_eq(cur_str_trim(S(NULL, 0)).len, 0);
}

Test(str, trim_is_ascii_only_like_trim_ascii)
{
    /* \v (U+000B) and U+00A0 NO-BREAK SPACE are White_Space in Unicode, so
     * Rust's trim removes them; trim_ascii and these functions do not. */
    cr_assert(str_is(cur_str_trim(CUR_STR("\vx\v")), "\vx\v"));
    cr_assert(str_is(cur_str_trim(CUR_STR("\xC2\xA0x\xC2\xA0")),
                     "\xC2\xA0x\xC2\xA0"));
    cr_assert(str_is(cur_str_trim(CUR_STR("\xE3\x80\x80x")), "\xE3\x80\x80x"));
    cr_assert_eq(cur_str_trim(CUR_STR("\0x\0")).len, 3,
                 "NUL is not whitespace");
}

/* ------------------------------------------------------------------------ */
/* Split and lines                                                          */
/* ------------------------------------------------------------------------ */

/* Splits s by sep and checks the pieces against want (NULL-terminated). */
static void check_split(cur_str_t s, cur_str_t sep, const char *const *want)
{
    cur_str_split_t it = cur_str_split(s, sep);
    cur_str_t piece;
    int i = 0;
    while (cur_str_split_next(&it, &piece)) {
        cr_assert_not_null(want[i], "extra piece %d: \"%.*s\"", i,
                           CUR_STR_ARG(piece));
        cr_assert(str_is(piece, want[i]), "piece %d: \"%.*s\", want \"%s\"",
                  i, CUR_STR_ARG(piece), want[i]);
        if (piece.len > 0) /* a view into s, never a copy */
            cr_assert(piece.ptr >= s.ptr &&
                      piece.ptr + piece.len <= s.ptr + s.len);
        i++;
    }
    cr_assert_null(want[i], "missing piece %d (\"%s\")", i, want[i]);
    cr_assert_not(cur_str_split_next(&it, &piece), "finished stays finished");
}

#define PIECES(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(str, split_by_separator)
{
    check_split(CUR_STR("a,b,c"), CUR_STR(","), PIECES("a", "b", "c"));
    check_split(CUR_STR("a"), CUR_STR(","), PIECES("a"));
    check_split(CUR_STR("key=value=x"), CUR_STR("="),
                PIECES("key", "value", "x"));
    check_split(CUR_STR("a<>b<>c"), CUR_STR("<>"), PIECES("a", "b", "c"));
    check_split(CUR_STR("a,b"), CUR_STR("a,b,c"), PIECES("a,b"));
    check_split(CUR_STR("x\xE2\x82\xACy\xE2\x82\xAC"), CUR_STR("\xE2\x82\xAC"),
                PIECES("x", "y", ""));
}

Test(str, split_edge_cases_match_rust)
{
    check_split(CUR_STR(""), CUR_STR(","), PIECES(""));
    check_split(S(NULL, 0), CUR_STR(","), PIECES(""));
    check_split(CUR_STR(","), CUR_STR(","), PIECES("", ""));
    check_split(CUR_STR(",a"), CUR_STR(","), PIECES("", "a"));
    check_split(CUR_STR("a,"), CUR_STR(","), PIECES("a", ""));
    check_split(CUR_STR(",a,"), CUR_STR(","), PIECES("", "a", ""));
    check_split(CUR_STR("a,,b"), CUR_STR(","), PIECES("a", "", "b"));
    check_split(CUR_STR(",,,"), CUR_STR(","), PIECES("", "", "", ""));
    /* Matches do not overlap and go left to right: "aaa".split("aa"). */
    check_split(CUR_STR("aaa"), CUR_STR("aa"), PIECES("", "a"));
    check_split(CUR_STR("aaaa"), CUR_STR("aa"), PIECES("", "", ""));
}

Test(str, split_by_empty_separator_yields_each_char)
{
    /* Rust: "ab".split("") gives ["", "a", "b", ""]. */
    check_split(CUR_STR("ab"), CUR_STR(""), PIECES("", "a", "b", ""));
    check_split(CUR_STR(""), CUR_STR(""), PIECES("", ""));
    check_split(S(NULL, 0), S(NULL, 0), PIECES("", ""));
    check_split(
        CUR_STR("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), CUR_STR(""),
        PIECES("", "a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", ""));
    /* On bytes that are not UTF-8, pieces break before each byte that is
     * not a continuation byte, as cur_str_is_char_boundary says. */
    check_split(CUR_STR("\x80\x80z"), CUR_STR(""),
                PIECES("", "\x80\x80", "z", ""));
}

Test(str, split_once)
{
    cur_str_t head = CUR_STR("?"), tail = CUR_STR("?");
    cr_assert(
        cur_str_split_once(CUR_STR("key=value=x"), CUR_STR("="), &head, &tail));
    cr_assert(str_is(head, "key"));
    cr_assert(str_is(tail, "value=x"));
    cr_assert(cur_str_split_once(CUR_STR("k: "), CUR_STR(": "), &head, &tail));
    cr_assert(str_is(head, "k"));
    cr_assert_eq(tail.len, 0);
    cr_assert(cur_str_split_once(CUR_STR("ab"), CUR_STR(""), &head, &tail));
    cr_assert_eq(head.len, 0);
    cr_assert(str_is(tail, "ab"));
    cr_assert(cur_str_split_once(CUR_STR("ab"), CUR_STR("b"), NULL, &tail));
    cr_assert_eq(tail.len, 0);
    cr_assert_not(
        cur_str_split_once(CUR_STR("ab"), CUR_STR("="), &head, &tail));
    cr_assert_eq(head.len, 0, "head written on a miss");
}

static void check_lines(cur_str_t s, const char *const *want)
{
    cur_str_lines_t it = cur_str_lines(s);
    cur_str_t line;
    int i = 0;
    while (cur_str_lines_next(&it, &line)) {
        cr_assert_not_null(want[i], "extra line %d", i);
        cr_assert(str_is(line, want[i]), "line %d: \"%.*s\", want \"%s\"", i,
                  CUR_STR_ARG(line), want[i]);
        i++;
    }
    cr_assert_null(want[i], "missing line %d (\"%s\")", i, want[i]);
    cr_assert_not(cur_str_lines_next(&it, &line));
}

#define NO_LINES ((const char *const[]){NULL})

Test(str, lines_follow_rust)
{
    check_lines(CUR_STR("a\nb"), PIECES("a", "b"));
    check_lines(CUR_STR("a\nb\n"), PIECES("a", "b"));
    check_lines(CUR_STR(""), NO_LINES);
    check_lines(S(NULL, 0), NO_LINES);
    check_lines(CUR_STR("\n"), PIECES(""));
    check_lines(CUR_STR("\n\n"), PIECES("", ""));
    check_lines(CUR_STR("a\n\nb"), PIECES("a", "", "b"));
    check_lines(CUR_STR("only"), PIECES("only"));
}

Test(str, lines_strip_crlf_but_not_a_bare_cr)
{
    check_lines(CUR_STR("a\r\nb\r\n"), PIECES("a", "b"));
    check_lines(CUR_STR("a\r\nb"), PIECES("a", "b"));
    check_lines(CUR_STR("\r\n"), PIECES(""));
    check_lines(CUR_STR("a\rb"), PIECES("a\rb"));
    check_lines(CUR_STR("a\r"), PIECES("a\r"));
    check_lines(CUR_STR("\r\r\n"), PIECES("\r"));
    check_lines(CUR_STR("a\n\r\n"), PIECES("a", ""));
}

/* ------------------------------------------------------------------------ */
/* Chars, counting, boundaries, slicing                                     */
/* ------------------------------------------------------------------------ */

Test(str, chars_decode_every_length)
{
    cur_str_t s = CUR_STR("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    const uint32_t cps[] = {'a', 0xE9, 0x20AC, 0x1F600};
    const ptrdiff_t lens[] = {1, 2, 3, 4};
    cur_str_chars_t it = cur_str_chars(s);
    uint32_t cp;
    ptrdiff_t n;
    for (int i = 0; i < 4; i++) {
        cr_assert(cur_str_chars_next(&it, &cp, &n));
        cr_assert_eq(cp, cps[i]);
        cr_assert_eq(n, lens[i]);
    }
    cr_assert_not(cur_str_chars_next(&it, &cp, &n));
    cr_assert_eq(cp, 0x1F600, "cp written at the end");
    it = cur_str_chars(s);
    cr_assert(cur_str_chars_next(&it, NULL, NULL), "outputs may be NULL");
    it = cur_str_chars(S(NULL, 0));
    cr_assert_not(cur_str_chars_next(&it, &cp, &n));
}

Test(str, chars_replace_invalid_sequences_like_from_utf8_lossy)
{
    /* Expected: (code point, length) pairs, U+FFFD per maximal subpart. */
    static const struct {
        const char *in;
        int n;
        uint32_t cp[6];
        int len[6];
        int count;
    } cases[] = {
        {"\xF0\x9F\x98", 3, {0xFFFD}, {3}, 1},        /* cut at end */
        {"\xE0\x80", 2, {0xFFFD, 0xFFFD}, {1, 1}, 2}, /* overlong */
        {"\xED\xA0\x80", 3, {0xFFFD, 0xFFFD, 0xFFFD}, {1, 1, 1}, 3},
        {"\xF4\x90\x80\x80", 4, {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD},
         {1, 1, 1, 1}, 4},
        {"\xC2\x41", 2, {0xFFFD, 'A'}, {1, 1}, 2},
        {"\xE2\x82\x41", 3, {0xFFFD, 'A'}, {2, 1}, 2},
        {"\xF0\x9F\x98\x41", 4, {0xFFFD, 'A'}, {3, 1}, 2},
        {"a\x80\xBF" "b", 4, {'a', 0xFFFD, 0xFFFD, 'b'}, {1, 1, 1, 1}, 4},
        {"\xFF\xC3\xA9", 3, {0xFFFD, 0xE9}, {1, 2}, 2},
    };
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        cur_str_chars_t it = cur_str_chars(S(cases[t].in, cases[t].n));
        uint32_t cp;
        ptrdiff_t n;
        int i = 0;
        while (cur_str_chars_next(&it, &cp, &n)) {
            cr_assert_lt(i, cases[t].count, "case %zu: too many chars", t);
            cr_assert_eq(cp, cases[t].cp[i], "case %zu char %d: U+%04X", t, i,
                         cp);
            cr_assert_eq(n, cases[t].len[i], "case %zu char %d: len %td", t, i,
                         n);
            i++;
        }
        cr_assert_eq(i, cases[t].count, "case %zu", t);
        cr_assert_eq(cur_str_char_count(S(cases[t].in, cases[t].n)),
                     cases[t].count);
    }
}

Test(str, chars_and_count_match_reference_on_random_input)
{
    rng_seed(0xc4a7);
    unsigned char buf[700];
    for (int iter = 0; iter < 20000; iter++) {
        ptrdiff_t n = random_text(buf, sizeof buf);
        if (iter % 2) mutate(buf, &n, sizeof buf);
        cur_str_chars_t it = cur_str_chars(S((char *)buf, n));
        ptrdiff_t pos = 0, count = 0, k;
        uint32_t cp;
        while (cur_str_chars_next(&it, &cp, &k)) {
            uint32_t want_cp = 0;
            int want = ref_step(buf + pos, n - pos, &want_cp);
            if (want < 0) want = -want, want_cp = 0xFFFD;
            cr_assert_eq(k, want, "iteration %d at %td", iter, pos);
            cr_assert_eq(cp, want_cp, "iteration %d at %td", iter, pos);
            pos += k;
            count++;
        }
        cr_assert_eq(pos, n, "lengths must add up to the slice length");
        cr_assert_eq(cur_str_char_count(S((char *)buf, n)), count,
                     "iteration %d", iter);
    }
}

Test(str, char_count_of_long_valid_text)
{
    /* Long enough for several 255-word rounds of the counting loop. */
    enum { REPS = 3000 };
    static char buf[REPS * 10];
    ptrdiff_t n = 0;
    for (int i = 0; i < REPS; i++) {
        memcpy(buf + n, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 10);
        n += 10;
    }
    cr_assert_eq(cur_str_char_count(S(buf, n)), 4 * REPS);
    cr_assert_eq(cur_str_char_count(S(buf, n - 1)), 4 * REPS - 1 + 1,
                 "a cut 4-byte char counts as one U+FFFD");
    cr_assert_eq(cur_str_char_count(S(NULL, 0)), 0);
    cr_assert_eq(cur_str_char_count(CUR_STR("plain")), 5);
}

Test(str, is_char_boundary)
{
    cur_str_t s = CUR_STR("a\xC3\xA9\xE2\x82\xAC"); /* a é € */
    const bool want[] = {true, true, false, true, false, false, true};
    for (ptrdiff_t i = 0; i <= s.len; i++)
        cr_assert_eq(cur_str_is_char_boundary(s, i), want[i], "index %td", i);
    cr_assert_not(cur_str_is_char_boundary(s, -1));
    cr_assert_not(cur_str_is_char_boundary(s, s.len + 1));
    cr_assert_not(cur_str_is_char_boundary(s, PTRDIFF_MIN));
    cr_assert_not(cur_str_is_char_boundary(s, PTRDIFF_MAX));
    cr_assert(cur_str_is_char_boundary(S(NULL, 0), 0));
    cr_assert_not(cur_str_is_char_boundary(S(NULL, 0), 1));
}

Test(str, slice_on_char_boundaries)
{
    cur_str_t s = CUR_STR("na\xC3\xAFve caf\xC3\xA9"); /* naïve café */
    cur_str_t out = {NULL, -1};
    cr_assert_eq(cur_str_slice(s, 0, 2, &out), 0);
    cr_assert(str_is(out, "na"));
    cr_assert_eq(out.ptr, s.ptr, "a slice is a view, not a copy");
    cr_assert_eq(cur_str_slice(s, 2, 4, &out), 0);
    cr_assert(str_is(out, "\xC3\xAF"));
    cr_assert_eq(cur_str_slice(s, 7, s.len, &out), 0);
    cr_assert(str_is(out, "caf\xC3\xA9"));
    cr_assert_eq(cur_str_slice(s, 0, s.len, &out), 0);
    cr_assert(cur_str_eq(out, s));
    cr_assert_eq(cur_str_slice(s, 4, 4, &out), 0);
    cr_assert_eq(out.len, 0);
    cr_assert_eq(cur_str_slice(s, s.len, s.len, &out), 0);
    cr_assert_eq(out.len, 0);
    cr_assert_eq(cur_str_slice(S(NULL, 0), 0, 0, &out), 0);
    cr_assert_eq(out.len, 0);
}

Test(str, slice_errors_and_out_untouched)
{
    cur_str_t s = CUR_STR("na\xC3\xAFve"); /* n a ï(2) v e: 6 bytes */
    cur_str_t keep = CUR_STR("sentinel"), out = keep;
    cr_assert_eq(cur_str_slice(s, 0, 3, &out), CUR_EBOUNDARY, "end inside ï");
    cr_assert_eq(cur_str_slice(s, 3, 6, &out), CUR_EBOUNDARY, "start inside ï");
    cr_assert_eq(cur_str_slice(s, 3, 3, &out), CUR_EBOUNDARY);
    cr_assert_eq(cur_str_slice(s, -1, 2, &out), CUR_ERANGE, "negative start");
    cr_assert_eq(cur_str_slice(s, 0, -1, &out), CUR_ERANGE, "negative end");
    cr_assert_eq(cur_str_slice(s, 0, 7, &out), CUR_ERANGE, "end past len");
    cr_assert_eq(cur_str_slice(s, 7, 7, &out), CUR_ERANGE, "start past len");
    cr_assert_eq(cur_str_slice(s, 4, 2, &out), CUR_ERANGE, "start > end");
    cr_assert_eq(cur_str_slice(s, 3, 1, &out), CUR_ERANGE,
                 "range is checked before boundaries");
    cr_assert_eq(cur_str_slice(s, PTRDIFF_MIN, PTRDIFF_MAX, &out), CUR_ERANGE);
    cr_assert_eq(cur_str_slice(S(NULL, 0), 0, 1, &out), CUR_ERANGE);
    cr_assert(cur_str_eq(out, keep) && out.ptr == keep.ptr,
              "out written on error");
}

/* ------------------------------------------------------------------------ */
/* Contract violations on slices and iterators                              */
/* ------------------------------------------------------------------------ */

Test(str, negative_length_slice_panics, .signal = SIGABRT)
{
    (void)cur_str_find(S("abc", -1), CUR_STR("a"), NULL);
}

Test(str, null_pointer_with_length_panics, .signal = SIGABRT)
{
    (void)cur_str_trim(S(NULL, 4));
}

Test(str, slice_with_null_out_panics, .signal = SIGABRT)
{
    (void)cur_str_slice(CUR_STR("abc"), 0, 1, NULL);
}

Test(str, split_next_with_null_iterator_panics, .signal = SIGABRT)
{
    cur_str_t piece;
    (void)cur_str_split_next(NULL, &piece);
}

Test(str, lines_next_with_null_line_panics, .signal = SIGABRT)
{
    cur_str_lines_t it = cur_str_lines(CUR_STR("a"));
    (void)cur_str_lines_next(&it, NULL);
}

/* ------------------------------------------------------------------------ */
/* Owned strings                                                            */
/* ------------------------------------------------------------------------ */

Test(str, zeroed_string_is_valid_and_empty)
{
    cur_string_t s = {0};
    cr_assert_str_eq(cur_string_cstr(&s), "");
    cr_assert_eq(cur_string_as_str(&s).len, 0);
    cr_assert_not_null(cur_string_as_str(&s).ptr);
    cr_assert_eq(cur_string_capacity(&s), 0);
    cur_string_destroy(&s);
    cur_string_destroy(&s);
    cur_string_destroy(NULL);
    cr_assert_null(s.ptr);
}

Test(str, init_allocates_nothing)
{
    cur_string_t s;
    cur_test_alloc_reset();
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cr_assert_null(s.ptr);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(cur_string_reserve(&s, 0), 0, "reserve(0) allocates nothing");
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("")), 0);
    cr_assert_eq(cur_string_appendf(&s, "%s", ""), 0);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, push_str_grows_geometrically)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cur_test_alloc_reset();
    for (int i = 0; i < 10000; i++) {
        cr_assert_eq(cur_string_push_str(&s, CUR_STR("0123456789")), 0);
        cr_assert_geq(cur_string_capacity(&s), s.len);
        cr_assert_eq(s.ptr[s.len], '\0', "always NUL-terminated");
    }
    cr_assert_eq(s.len, 100000);
    cr_assert_leq(cur_test_alloc_calls(), 16,
                  "%td allocations for 10000 pushes", cur_test_alloc_calls());
    for (ptrdiff_t i = 0; i < s.len; i++)
        cr_assert_eq(s.ptr[i], '0' + i % 10);
    cr_assert_eq((ptrdiff_t)strlen(cur_string_cstr(&s)), s.len);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, reserve_makes_room_for_pushes)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("ab")), 0);
    cr_assert_eq(cur_string_reserve(&s, 1000), 0);
    cr_assert_geq(cur_string_capacity(&s), 1002);
    cur_test_alloc_reset();
    for (int i = 0; i < 100; i++)
        cr_assert_eq(cur_string_push_str(&s, CUR_STR("0123456789")), 0);
    cr_assert_eq(cur_test_alloc_calls(), 0, "reserved room was used");
    ptrdiff_t cap = cur_string_capacity(&s);
    cr_assert_eq(cur_string_reserve(&s, cap - s.len), 0);
    cr_assert_eq(cur_string_capacity(&s), cap, "no growth when room exists");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, reserve_rejects_bad_sizes)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc_limited);
    cr_assert_eq(cur_string_reserve(&s, -1), CUR_EINVAL);
    cr_assert_eq(cur_string_reserve(&s, PTRDIFF_MAX), CUR_EOVERFLOW,
                 "no room for the NUL");
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("abc")), 0);
    cr_assert_eq(cur_string_reserve(&s, PTRDIFF_MAX), CUR_EOVERFLOW);
    cr_assert_eq(cur_string_reserve(&s, PTRDIFF_MAX - 3), CUR_EOVERFLOW);
    cr_assert_eq(cur_string_reserve(&s, PTRDIFF_MAX / 2), CUR_ENOMEM,
                 "an impossible size is an allocation failure");
    cr_assert_str_eq(cur_string_cstr(&s), "abc", "string unchanged");
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("d")), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "abcd");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, push_str_may_borrow_from_itself)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("abc")), 0);
    /* Each push doubles the string and forces the buffer to move (the test
     * allocator always moves on resize), so a stale source pointer would
     * read freed memory. */
    for (int i = 0; i < 10; i++)
        cr_assert_eq(cur_string_push_str(&s, cur_string_as_str(&s)), 0);
    cr_assert_eq(s.len, 3 << 10);
    for (ptrdiff_t i = 0; i < s.len; i++) cr_assert_eq(s.ptr[i], "abc"[i % 3]);
    /* A borrowed middle part. */
    cur_string_clear(&s);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("0123456789")), 0);
    cur_str_t mid;
    cr_assert_eq(cur_str_slice(cur_string_as_str(&s), 3, 7, &mid), 0);
    cr_assert_eq(cur_string_push_bytes(&s, mid.ptr, mid.len), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "01234567893456");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, push_bytes_validates)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_bytes(&s, "caf\xC3\xA9", 5), 0);
    cr_assert_eq(cur_string_push_bytes(&s, "\xC3", 1), CUR_EUTF8);
    cr_assert_eq(cur_string_push_bytes(&s, "ok\xED\xA0\x80", 5), CUR_EUTF8);
    cr_assert_eq(cur_string_push_bytes(&s, "x", -1), CUR_EINVAL);
    cr_assert_eq(cur_string_push_bytes(&s, NULL, 2), CUR_EINVAL);
    cr_assert_eq(cur_string_push_bytes(&s, NULL, 0), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "caf\xC3\xA9", "unchanged by errors");
    cr_assert_eq(s.len, 5);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, push_char_encodes_each_length)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    const uint32_t cps[] = {'A', 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x20AC,
                            0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++)
        cr_assert_eq(cur_string_push_char(&s, cps[i]), 0);
    static const char want[] = "A\x7F\xC2\x80\xC3\xA9\xDF\xBF\xE0\xA0\x80"
                               "\xE2\x82\xAC\xEF\xBF\xBF\xF0\x90\x80\x80"
                               "\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF";
    cr_assert_eq(s.len, CUR_SIZEOF(want) - 1);
    cr_assert_eq(memcmp(s.ptr, want, sizeof want), 0);
    /* Read back with chars. */
    cur_str_chars_t it = cur_str_chars(cur_string_as_str(&s));
    uint32_t cp;
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        cr_assert(cur_str_chars_next(&it, &cp, NULL));
        cr_assert_eq(cp, cps[i]);
    }
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, push_char_rejects_non_scalars)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_char(&s, 'x'), 0);
    cr_assert_eq(cur_string_push_char(&s, 0xD800), CUR_EINVAL);
    cr_assert_eq(cur_string_push_char(&s, 0xDBFF), CUR_EINVAL);
    cr_assert_eq(cur_string_push_char(&s, 0xDFFF), CUR_EINVAL);
    cr_assert_eq(cur_string_push_char(&s, 0x110000), CUR_EINVAL);
    cr_assert_eq(cur_string_push_char(&s, 0xFFFFFFFF), CUR_EINVAL);
    cr_assert_str_eq(cur_string_cstr(&s), "x");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, appendf_formats_and_returns_count)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_appendf(&s, "%d-%s", 42, "x"), 4);
    cr_assert_eq(cur_string_appendf(&s, "|%5.2f|", 3.14159), 7);
    cr_assert_str_eq(cur_string_cstr(&s), "42-x| 3.14|");
    cr_assert_eq(s.len, 11);
    /* Longer than the spare capacity: the grow-and-format-again path. */
    char big[3000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(cur_string_appendf(&s, "[%s]", big), 3001);
    cr_assert_eq(s.len, 11 + 3001);
    cr_assert_eq(s.ptr[11], '[');
    cr_assert_eq(s.ptr[s.len - 1], ']');
    cr_assert_eq(s.ptr[s.len], '\0');
    cr_assert_eq(cur_string_appendf(&s, "%s", ""), 0);
    cr_assert_eq(s.len, 11 + 3001);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, appendf_many_times_matches_snprintf)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    char want[20000];
    int n = 0;
    for (int i = 0; i < 1000; i++) {
        cr_assert_geq(cur_string_appendf(&s, "%d,", i * 37), 0);
        n += snprintf(want + n, sizeof want - (size_t)n, "%d,", i * 37);
    }
    cr_assert_eq(s.len, n);
    cr_assert_str_eq(cur_string_cstr(&s), want);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static int vappend_helper(cur_string_t *s, const char *fmt, ...)
    CUR_PRINTF(2, 3);
static int vappend_helper(cur_string_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = cur_string_vappendf(s, fmt, ap);
    va_end(ap);
    return rc;
}

Test(str, appendf_rejects_invalid_utf8_and_keeps_string)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_appendf(&s, "ok"), 2);
    cr_assert_eq(cur_string_appendf(&s, "%s", "bad\xFF"), CUR_EUTF8);
    cr_assert_eq(cur_string_appendf(&s, "%c", 0xE9), CUR_EUTF8);
    char big[100];
    memset(big, 'q', sizeof big);
    big[98] = '\xC3', big[99] = '\0'; /* invalid, and needs growth */
    cr_assert_eq(vappend_helper(&s, "%s", big), CUR_EUTF8);
    cr_assert_str_eq(cur_string_cstr(&s), "ok");
    cr_assert_eq(s.len, 2);
    cr_assert_eq(vappend_helper(&s, "%s!", "\xC3\xA9"), 3);
    cr_assert_str_eq(cur_string_cstr(&s), "ok\xC3\xA9!");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, clear_keeps_capacity)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("some text here")), 0);
    ptrdiff_t cap = cur_string_capacity(&s);
    cur_string_clear(&s);
    cr_assert_eq(s.len, 0);
    cr_assert_str_eq(cur_string_cstr(&s), "");
    cr_assert_eq(cur_string_capacity(&s), cap);
    cur_string_t z = {0};
    cur_string_clear(&z); /* nothing allocated: still fine */
    cr_assert_null(z.ptr);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, truncate_checks_boundaries)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("a\xC3\xA9\xE2\x82\xAC")), 0);
    cr_assert_eq(cur_string_truncate(&s, 2), CUR_EBOUNDARY);
    cr_assert_eq(cur_string_truncate(&s, 4), CUR_EBOUNDARY);
    cr_assert_eq(cur_string_truncate(&s, 5), CUR_EBOUNDARY);
    cr_assert_eq(cur_string_truncate(&s, -1), CUR_EINVAL);
    cr_assert_eq(s.len, 6, "unchanged by errors");
    cr_assert_eq(cur_string_truncate(&s, 6), 0, "new_len == len: no-op");
    cr_assert_eq(cur_string_truncate(&s, 100), 0, "new_len > len: no-op");
    cr_assert_eq(s.len, 6);
    cr_assert_eq(cur_string_truncate(&s, 3), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "a\xC3\xA9");
    cr_assert_eq(cur_string_truncate(&s, 0), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "");
    cur_string_t z = {0};
    cr_assert_eq(cur_string_truncate(&z, 0), 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, from_str_clones)
{
    char src[] = "borrowed";
    cur_string_t s;
    cr_assert_eq(
        cur_string_from_str(&s, cur_str_from_cstr(src), &cur_test_alloc), 0);
    cr_assert_neq(s.ptr, src, "the clone owns its own bytes");
    src[0] = 'X';
    cr_assert_str_eq(cur_string_cstr(&s), "borrowed");
    cr_assert_eq(cur_string_capacity(&s), 8, "exact capacity, as String::from");
    cr_assert_gt(cur_test_live_bytes(), 0);
    cur_string_t t;
    cr_assert_eq(
        cur_string_from_str(&t, cur_string_as_str(&s), &cur_test_alloc), 0);
    cr_assert_str_eq(cur_string_cstr(&t), "borrowed");
    cur_string_destroy(&t);
    cur_string_t e;
    ptrdiff_t live = cur_test_live_bytes();
    cr_assert_eq(cur_string_from_str(&e, CUR_STR(""), &cur_test_alloc), 0);
    cr_assert_eq(cur_test_live_bytes(), live, "empty source allocates nothing");
    cr_assert_eq(cur_string_push_str(&e, CUR_STR("grows")), 0,
                 "and remembers its allocator");
    cur_string_destroy(&e);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, from_str_rejects_oversized_source)
{
    cur_string_t s = {.ptr = (char *)"sentinel"};
    cur_str_t huge = {"x", PTRDIFF_MAX};
    cr_assert_eq(cur_string_from_str(&s, huge, &cur_test_alloc), CUR_EOVERFLOW);
    cr_assert_str_eq(s.ptr, "sentinel", "out written on error");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, destroy_leaves_a_reusable_empty_string)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("first life")), 0);
    cur_string_destroy(&s);
    cr_assert_null(s.ptr);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("second")), 0);
    cr_assert_gt(cur_test_live_bytes(), 0, "still uses the test allocator");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, libc_allocator_by_default)
{
    cur_string_t s;
    cur_string_init(&s, NULL);
    for (int i = 0; i < 100; i++)
        cr_assert_geq(cur_string_appendf(&s, "line %d\n", i), 0);
    cr_assert_eq(cur_str_char_count(cur_string_as_str(&s)), s.len);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* OOM sweeps                                                               */
/* ------------------------------------------------------------------------ */

#define LONG_TEXT "a string long enough to need a bigger buffer, twice over"

Test(str, oom_reserve)
{
    cur_string_t s;
    int rc;
    CUR_OOM_SWEEP(rc,
        {
            cur_string_init(&s, &cur_test_alloc);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("keep")), 0);
        },
        { rc = cur_string_reserve(&s, 500); },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "keep");
            cr_assert_eq(s.len, 4);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("!")), 0);
            cr_assert_str_eq(cur_string_cstr(&s), "keep!");
        },
        {
            cr_assert_eq(rc, 0);
            cr_assert_geq(cur_string_capacity(&s), 504);
        },
        { cur_string_destroy(&s); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, oom_push_str)
{
    cur_string_t s;
    int rc;
    /* From nothing (first allocation) and from a full buffer (resize). */
    for (int pre = 0; pre < 2; pre++) {
        CUR_OOM_SWEEP(
            rc,
            {
                cur_string_init(&s, &cur_test_alloc);
                if (pre)
                    cr_assert_eq(cur_string_push_str(&s, CUR_STR("keep")), 0);
            },
            { rc = cur_string_push_str(&s, CUR_STR(LONG_TEXT)); },
            {
                cr_assert_str_eq(cur_string_cstr(&s), pre ? "keep" : "");
                cr_assert_eq(cur_string_push_char(&s, 0xE9), 0);
                cr_assert_eq(s.len, pre ? 6 : 2);
            },
            {
                cr_assert_eq(rc, 0);
                cr_assert_str_eq(cur_string_cstr(&s),
                                 pre ? "keep" LONG_TEXT : LONG_TEXT);
            },
            { cur_string_destroy(&s); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, oom_push_bytes_and_push_char)
{
    cur_string_t s;
    int rc;
    CUR_OOM_SWEEP(rc,
        {
            cur_string_init(&s, &cur_test_alloc);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("12345678")), 0);
        },
        { rc = cur_string_push_char(&s, 0x1F600); },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "12345678");
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("9")), 0);
        },
        { cr_assert_str_eq(cur_string_cstr(&s), "12345678\xF0\x9F\x98\x80"); },
        { cur_string_destroy(&s); });
    CUR_OOM_SWEEP(
        rc,
        {
            cur_string_init(&s, &cur_test_alloc);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("12345678")), 0);
        },
        {
            rc =
                cur_string_push_bytes(&s, LONG_TEXT, CUR_SIZEOF(LONG_TEXT) - 1);
        },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "12345678");
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("9")), 0);
        },
        { cr_assert_str_eq(cur_string_cstr(&s), "12345678" LONG_TEXT); },
        { cur_string_destroy(&s); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, oom_appendf)
{
    cur_string_t s;
    int rc;
    for (int pre = 0; pre < 2; pre++) {
        CUR_OOM_SWEEP(
            rc,
            {
                cur_string_init(&s, &cur_test_alloc);
                if (pre)
                    cr_assert_eq(cur_string_push_str(&s, CUR_STR("keep")), 0);
            },
            { rc = cur_string_appendf(&s, "%s=%d", LONG_TEXT, 12345); },
            {
                cr_assert_str_eq(cur_string_cstr(&s), pre ? "keep" : "");
                cr_assert_eq(s.len, pre ? 4 : 0);
                cr_assert_eq(cur_string_appendf(&s, "%d", 7), 1);
            },
            {
                cr_assert_eq(rc, CUR_SIZEOF(LONG_TEXT "=12345") - 1);
                cr_assert_str_eq(cur_string_cstr(&s), pre ? "keep" LONG_TEXT
                                                            "=12345"
                                                          : LONG_TEXT "=12345");
            },
            { cur_string_destroy(&s); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(str, oom_from_str)
{
    cur_string_t t;
    int rc;
    char *const sentinel = (char *)"untouched";
    bool made = false;
    CUR_OOM_SWEEP(rc,
        {
            t.ptr = sentinel;
            made = false;
        },
        { rc = cur_string_from_str(&t, CUR_STR(LONG_TEXT), &cur_test_alloc); },
        { cr_assert_eq(t.ptr, sentinel, "out written on failure"); },
        {
            cr_assert_eq(rc, 0);
            cr_assert_str_eq(cur_string_cstr(&t), LONG_TEXT);
            made = true;
        },
        {
            if (made) cur_string_destroy(&t);
        });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Contract violations on strings                                           */
/* ------------------------------------------------------------------------ */

Test(str, push_str_on_null_string_panics, .signal = SIGABRT)
{
    (void)cur_string_push_str(NULL, CUR_STR("x"));
}

Test(str, init_null_panics, .signal = SIGABRT)
{
    cur_string_init(NULL, NULL);
}

Test(str, corrupted_string_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    s.len = 5; /* len > cap: not a string this library made */
    (void)cur_string_as_str(&s);
}

Test(str, push_str_of_malformed_slice_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    (void)cur_string_push_str(&s, S(NULL, 3));
}
