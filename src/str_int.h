/*
 * src/str_int.h: internals of the str module, for tests/test_str.c (not
 * API). Each lets a test drive one code path alone: the reverse Two-Way
 * fallback search, the scalar and vector paths of UTF-8 validation (0
 * scalar, 1 AVX2), and the forward search filter (0 scalar, 1 SSE2, 2
 * AVX2). The path functions return -2 for a path this machine cannot run.
 */
#ifndef CUR_SRC_STR_INT_H
#define CUR_SRC_STR_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Two-Way search of needle[0..m) in hay[0..n); rev: last match. -1: none. */
ptrdiff_t cur__str_twoway(const char *hay, ptrdiff_t n, const char *needle,
                          ptrdiff_t m, bool rev);

/* valid_up_to of p[0..n) by one chosen path. */
ptrdiff_t cur__utf8_prefix_path(const char *p, ptrdiff_t n, int path);

/* First match of x[0..m) in h[0..n) by one chosen filter path. */
ptrdiff_t cur__str_find_path(const char *h, ptrdiff_t n, const char *x,
                             ptrdiff_t m, int path);

#endif /* CUR_SRC_STR_INT_H */
