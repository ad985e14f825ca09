/*
 * tests/support/utf8_ref.h: UTF-8 validation written straight from the
 * definition (RFC 3629): decode the sequence the lead byte announces, then
 * reject overlongs, surrogates and code points above U+10FFFF. Slow and
 * obviously right: tests/test_str.c checks the fast validator against it,
 * and bench/bench_str.c times it as the "naive" peer.
 */
#ifndef CUR_TESTS_SUPPORT_UTF8_REF_H
#define CUR_TESTS_SUPPORT_UTF8_REF_H

#include <stddef.h>
#include <stdint.h>

/* The valid_up_to of p[0..n): the length of its longest valid prefix. */
static inline ptrdiff_t ref_valid_up_to(const unsigned char *p, ptrdiff_t n)
{
    ptrdiff_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        int len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (n - i < len) return i;
        for (int k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return n;
}

#endif /* CUR_TESTS_SUPPORT_UTF8_REF_H */
