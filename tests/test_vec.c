/*
 * Tests of curriculum/vec.h: the generated vector for element sizes 1, 3
 * (a struct of three bytes), 4 and 24, checked against a plain reference
 * array over long random operation sequences; bounds and bad input; the
 * growth policy; sorting against qsort; iteration and its debug check;
 * OOM sweeps of every allocating call; an arena-backed allocator; and the
 * zero-cost newtypes of lesson mc-13.2 (same size, alignment and code).
 *
 * This file is compiled with CUR_DEBUG 1 so that the generated functions
 * carry their debug checks (at's bounds, the iterator's generation).
 */
#define CUR_DEBUG 1

#include <criterion/criterion.h>
#include <curriculum/arena.h>
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/vec.h>
#include <signal.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "support/alloc.h"
#include "support/quiet.h"
#include "support/rng.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void setup(void)
{
    cur_test_alloc_reset();
    cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL);
}


/* Element types of sizes 1, 3, 4 and 24. */
typedef struct rgb {
    uint8_t r, g, b;
} rgb_t;
typedef struct big {
    int64_t a, b, c;
} big_t;

_Static_assert(sizeof(rgb_t) == 3, "rgb_t is the 3-byte case");
_Static_assert(sizeof(big_t) == 24, "big_t is the 24-byte case");

CUR_VEC_DECLARE(vec_u8, uint8_t);
CUR_VEC_DECLARE(vec_rgb, rgb_t);
CUR_VEC_DECLARE(vec_i32, int32_t);
CUR_VEC_DECLARE(vec_big, big_t);
CUR_VEC_DECLARE(vec_str, const char *);

static uint8_t make_u8(uint64_t x) { return (uint8_t)x; }
static rgb_t make_rgb(uint64_t x)
{
    return (rgb_t){(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16)};
}
static int32_t make_i32(uint64_t x) { return (int32_t)(uint32_t)x; }
static big_t make_big(uint64_t x)
{
    return (big_t){(int64_t)x, (int64_t)~x, (int64_t)(x * 3)};
}

static bool eq_u8(uint8_t a, uint8_t b) { return a == b; }
static bool eq_rgb(rgb_t a, rgb_t b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}
static bool eq_i32(int32_t a, int32_t b) { return a == b; }
static bool eq_big(big_t a, big_t b)
{
    return a.a == b.a && a.b == b.b && a.c == b.c;
}

static int cmp_u8(const uint8_t *a, const uint8_t *b)
{
    return (*a > *b) - (*a < *b);
}
static int cmp_rgb(const rgb_t *a, const rgb_t *b)
{
    /* by r, then g; b is ignored, so equal keys have different payloads */
    int x = (a->r << 8 | a->g), y = (b->r << 8 | b->g);
    return (x > y) - (x < y);
}
static int cmp_i32(const int32_t *a, const int32_t *b)
{
    return (*a > *b) - (*a < *b);
}
static int cmp_big(const big_t *a, const big_t *b)
{
    return (a->a > b->a) - (a->a < b->a);
}

/* qsort adapters for the reference sorts. */
static int qcmp_u8(const void *a, const void *b) { return cmp_u8(a, b); }
static int qcmp_rgb(const void *a, const void *b) { return cmp_rgb(a, b); }
static int qcmp_i32(const void *a, const void *b) { return cmp_i32(a, b); }
static int qcmp_big(const void *a, const void *b) { return cmp_big(a, b); }

/* ------------------------------------------------------------------------ */
/* Differential test against a reference array                              */
/* ------------------------------------------------------------------------ */

#define REF_MAX 3000

/*
 * One random sequence of `ops` operations on a vector and on a plain array
 * that mirrors it; after every operation the lengths must agree, and every
 * 64 operations (and at the end) every element. Each operation also
 * exercises its error path on a bad index now and then.
 */
#define DIFF_FN(vt, T, make, eq)                                             \
    static void diff_##vt(uint64_t seed, int ops)                            \
    {                                                                        \
        vt##_t v;                                                            \
        vt##_init(&v, &cur_test_alloc);                                      \
        T *ref = malloc(sizeof(T) * REF_MAX);                                \
        cr_assert(ref != NULL);                                              \
        ptrdiff_t n = 0;                                                     \
        T src[16];                                                           \
        rng_seed(seed);                                                      \
        for (int k = 0; k < ops; k++) {                                      \
            int op = (int)rng_below(12);                                     \
            T x = make(rng());                                               \
            T out;                                                           \
            if (n > REF_MAX - 40) op = 11; /* keep the reference in range */ \
            switch (op) {                                                    \
            case 0:                                                          \
            case 1:                                                          \
            case 2:                                                          \
                cr_assert_eq(vt##_push(&v, x), 0);                           \
                ref[n++] = x;                                                \
                break;                                                       \
            case 3: {                                                        \
                bool ok = vt##_pop(&v, &out);                                \
                cr_assert_eq(ok, n > 0);                                     \
                if (ok) cr_assert(eq(out, ref[--n]));                        \
                break;                                                       \
            }                                                                \
            case 4: {                                                        \
                ptrdiff_t i = rng_below(n + 3) - 1; /* -1 .. n+1 */          \
                int rc = vt##_insert(&v, i, x);                              \
                if (i < 0 || i > n) {                                        \
                    cr_assert_eq(rc, CUR_ERANGE);                            \
                    break;                                                   \
                }                                                            \
                cr_assert_eq(rc, 0);                                         \
                memmove(ref + i + 1, ref + i, sizeof(T) * (size_t)(n - i));  \
                ref[i] = x;                                                  \
                n++;                                                         \
                break;                                                       \
            }                                                                \
            case 5: {                                                        \
                ptrdiff_t i = rng_below(n + 2) - 1; /* -1 .. n */            \
                int rc = vt##_remove(&v, i, &out);                           \
                if (i < 0 || i >= n) {                                       \
                    cr_assert_eq(rc, CUR_ERANGE);                            \
                    break;                                                   \
                }                                                            \
                cr_assert_eq(rc, 0);                                         \
                cr_assert(eq(out, ref[i]));                                  \
                memmove(ref + i, ref + i + 1,                                \
                        sizeof(T) * (size_t)(n - i - 1));                    \
                n--;                                                         \
                break;                                                       \
            }                                                                \
            case 6: {                                                        \
                ptrdiff_t i = rng_below(n + 2) - 1;                          \
                int rc = vt##_swap_remove(&v, i, &out);                      \
                if (i < 0 || i >= n) {                                       \
                    cr_assert_eq(rc, CUR_ERANGE);                            \
                    break;                                                   \
                }                                                            \
                cr_assert_eq(rc, 0);                                         \
                cr_assert(eq(out, ref[i]));                                  \
                ref[i] = ref[n - 1];                                         \
                n--;                                                         \
                break;                                                       \
            }                                                                \
            case 7: {                                                        \
                ptrdiff_t m = rng_below(17);                                 \
                if (n > 0 && rng_below(2)) {                                 \
                    /* from the vector itself, across a possible growth */   \
                    ptrdiff_t at = rng_below(n);                             \
                    if (m > n - at) m = n - at;                              \
                    cr_assert_eq(vt##_extend_from_slice(&v, v.data + at, m), \
                                 0);                                         \
                    memcpy(ref + n, ref + at, sizeof(T) * (size_t)m);        \
                } else {                                                     \
                    if (m > 16) m = 16;                                      \
                    for (ptrdiff_t j = 0; j < m; j++) src[j] = make(rng());  \
                    cr_assert_eq(vt##_extend_from_slice(&v, src, m), 0);     \
                    memcpy(ref + n, src, sizeof(T) * (size_t)m);             \
                }                                                            \
                n += m;                                                      \
                break;                                                       \
            }                                                                \
            case 8: {                                                        \
                ptrdiff_t m = n + rng_below(9) - 4;                          \
                if (m < 0) m = 0;                                            \
                cr_assert_eq(vt##_resize(&v, m, x), 0);                      \
                for (ptrdiff_t j = n; j < m; j++) ref[j] = x;                \
                n = m;                                                       \
                break;                                                       \
            }                                                                \
            case 9: {                                                        \
                ptrdiff_t i = rng_below(n + 4) - 2;                          \
                const T *p = vt##_get(&v, i);                                \
                if (i < 0 || i >= n) {                                       \
                    cr_assert_null(p);                                       \
                } else {                                                     \
                    cr_assert_not_null(p);                                   \
                    cr_assert(eq(*p, ref[i]));                               \
                    cr_assert(eq(vt##_at(&v, i), ref[i]));                   \
                    *vt##_get_mut(&v, i) = x;                                \
                    ref[i] = x;                                              \
                }                                                            \
                break;                                                       \
            }                                                                \
            case 10:                                                         \
                if (rng_below(8) == 0) {                                     \
                    cr_assert_eq(vt##_shrink_to_fit(&v), 0);                 \
                    cr_assert_eq(vt##_capacity(&v), n);                      \
                } else {                                                     \
                    cr_assert_eq(vt##_reserve(&v, rng_below(40)), 0);        \
                }                                                            \
                break;                                                       \
            default: {                                                       \
                ptrdiff_t m = n > 0 ? rng_below(n) : 0;                      \
                cr_assert_eq(vt##_truncate(&v, m), 0);                       \
                n = m;                                                       \
                break;                                                       \
            }                                                                \
            }                                                                \
            cr_assert_eq(v.len, n, "op %d (kind %d): len %td, want %td", k, \
                         op, v.len, n);                                      \
            cr_assert_leq(v.len, vt##_capacity(&v));                         \
            if (k % 64 == 0 || k == ops - 1)                                 \
                for (ptrdiff_t j = 0; j < n; j++)                            \
                    cr_assert(eq(v.data[j], ref[j]), "op %d: element %td",  \
                              k, j);                                         \
        }                                                                    \
        vt##_destroy(&v);                                                    \
        free(ref);                                                           \
    }

DIFF_FN(vec_u8, uint8_t, make_u8, eq_u8)
DIFF_FN(vec_rgb, rgb_t, make_rgb, eq_rgb)
DIFF_FN(vec_i32, int32_t, make_i32, eq_i32)
DIFF_FN(vec_big, big_t, make_big, eq_big)

Test(vec, differential_1_byte_elements, .init = setup)
{
    for (uint64_t s = 1; s <= 4; s++) diff_vec_u8(s, 5000);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, differential_3_byte_struct_elements, .init = setup)
{
    for (uint64_t s = 11; s <= 14; s++) diff_vec_rgb(s, 5000);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, differential_4_byte_elements, .init = setup)
{
    for (uint64_t s = 21; s <= 24; s++) diff_vec_i32(s, 5000);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, differential_24_byte_struct_elements, .init = setup)
{
    for (uint64_t s = 31; s <= 34; s++) diff_vec_big(s, 5000);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Lifecycle and basic operations                                           */
/* ------------------------------------------------------------------------ */

Test(vec, zeroed_struct_is_a_valid_empty_vector, .init = setup)
{
    vec_i32_t v = {0};
    cr_assert_eq(vec_i32_len(&v), 0);
    cr_assert(vec_i32_is_empty(&v));
    cr_assert_null(vec_i32_get(&v, 0));
    cr_assert_null(vec_i32_first(&v));
    cr_assert_null(vec_i32_last(&v));
    int32_t x = 7;
    cr_assert_not(vec_i32_pop(&v, &x));
    cr_assert_eq(x, 7, "pop of an empty vector wrote its out-param");
    vec_i32_destroy(&v);
    cr_assert_eq(vec_i32_push(&v, 5), 0); /* default hook */
    cr_assert_eq(*vec_i32_get(&v, 0), 5);
    vec_i32_destroy(&v);
    vec_i32_destroy(&v);
    vec_i32_destroy(NULL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, init_allocates_nothing_and_push_pop_are_lifo, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cr_assert_null(v.data);
    for (int32_t i = 0; i < 100; i++) cr_assert_eq(vec_i32_push(&v, i * i), 0);
    cr_assert_eq(v.len, 100);
    cr_assert_eq(*vec_i32_first(&v), 0);
    cr_assert_eq(*vec_i32_last(&v), 99 * 99);
    for (int32_t i = 99; i >= 0; i--) {
        int32_t x;
        cr_assert(vec_i32_pop(&v, &x));
        cr_assert_eq(x, i * i);
    }
    cr_assert_not(vec_i32_pop(&v, NULL));
    cr_assert(vec_i32_push(&v, 1) == 0 && vec_i32_pop(&v, NULL));
    vec_i32_destroy(&v);
    cr_assert_null(v.data);
    cr_assert_eq(v.len, 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, destroy_keeps_the_allocator_for_reuse, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_i32_push(&v, 1), 0);
    vec_i32_destroy(&v);
    cr_assert_eq(vec_i32_push(&v, 2), 0);
    cr_assert_gt(cur_test_live_bytes(), 0, "reuse went to the same hook");
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, push_growth_doubles_from_the_minimum_capacity, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    ptrdiff_t seen[8], n = 0, last = 0;
    for (int32_t i = 0; i < 100; i++) {
        cr_assert_eq(vec_i32_push(&v, i), 0);
        if (vec_i32_capacity(&v) != last)
            seen[n++] = last = vec_i32_capacity(&v);
    }
    ptrdiff_t want[] = {4, 8, 16, 32, 64, 128};
    cr_assert_eq(n, 6);
    for (int i = 0; i < 6; i++) cr_assert_eq(seen[i], want[i]);
    cr_assert_eq(cur_test_alloc_calls(), 6, "one allocation per growth");
    vec_i32_destroy(&v);

    vec_u8_t b;
    vec_u8_init(&b, &cur_test_alloc);
    cr_assert_eq(vec_u8_push(&b, 1), 0);
    cr_assert_eq(vec_u8_capacity(&b), 8, "1-byte elements start at 8");
    vec_u8_destroy(&b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, get_is_bounds_checked, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    for (int32_t i = 0; i < 10; i++) cr_assert_eq(vec_i32_push(&v, i), 0);
    cr_assert_null(vec_i32_get(&v, -1));
    cr_assert_null(vec_i32_get(&v, 10));
    cr_assert_null(vec_i32_get(&v, PTRDIFF_MAX));
    cr_assert_null(vec_i32_get(&v, PTRDIFF_MIN));
    cr_assert_null(vec_i32_get_mut(&v, -5));
    cr_assert_eq(*vec_i32_get(&v, 9), 9);
    *vec_i32_get_mut(&v, 3) = 33;
    cr_assert_eq(vec_i32_at(&v, 3), 33);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static vec_i32_t at_vec;
static void at_setup(void)
{
    setup();
    vec_i32_init(&at_vec, NULL);
    cr_assert_eq(vec_i32_push(&at_vec, 1), 0);
}

Test(vec, at_out_of_range_panics_in_debug_builds, .init = at_setup,
     .signal = SIGABRT)
{
    (void)vec_i32_at(&at_vec, 1);
}

Test(vec, at_negative_index_panics_in_debug_builds, .init = at_setup,
     .signal = SIGABRT)
{
    (void)vec_i32_at(&at_vec, -1);
}

Test(vec, insert_and_remove_at_every_position, .init = setup)
{
    for (int32_t n = 0; n <= 20; n++) {
        for (int32_t i = 0; i <= n; i++) {
            vec_i32_t v;
            vec_i32_init(&v, &cur_test_alloc);
            for (int32_t j = 0; j < n; j++)
                cr_assert_eq(vec_i32_push(&v, j), 0);
            cr_assert_eq(vec_i32_insert(&v, i, -1), 0);
            cr_assert_eq(v.len, n + 1);
            for (int32_t j = 0; j <= n; j++)
                cr_assert_eq(v.data[j], j < i ? j : j == i ? -1 : j - 1);
            int32_t out = 0;
            cr_assert_eq(vec_i32_remove(&v, i, &out), 0);
            cr_assert_eq(out, -1);
            for (int32_t j = 0; j < n; j++) cr_assert_eq(v.data[j], j);
            if (n > 0 && i < n) {
                cr_assert_eq(vec_i32_swap_remove(&v, i, &out), 0);
                cr_assert_eq(out, i);
                if (i < n - 1) cr_assert_eq(v.data[i], n - 1);
                cr_assert_eq(v.len, n - 1);
            }
            vec_i32_destroy(&v);
        }
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, bad_indices_are_erange_and_change_nothing, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_i32_insert(&v, 1, 5), CUR_ERANGE);
    cr_assert_eq(vec_i32_insert(&v, -1, 5), CUR_ERANGE);
    cr_assert_eq(cur_test_alloc_calls(), 0, "a bad insert allocated");
    cr_assert_eq(vec_i32_remove(&v, 0, NULL), CUR_ERANGE);
    cr_assert_eq(vec_i32_swap_remove(&v, 0, NULL), CUR_ERANGE);
    cr_assert_eq(vec_i32_insert(&v, 0, 5), 0);
    int32_t out = 42;
    cr_assert_eq(vec_i32_remove(&v, 1, &out), CUR_ERANGE);
    cr_assert_eq(vec_i32_remove(&v, PTRDIFF_MIN, &out), CUR_ERANGE);
    cr_assert_eq(vec_i32_swap_remove(&v, PTRDIFF_MAX, &out), CUR_ERANGE);
    cr_assert_eq(vec_i32_insert(&v, PTRDIFF_MAX, 1), CUR_ERANGE);
    cr_assert_eq(out, 42, "a failed call wrote its out-param");
    cr_assert_eq(v.len, 1);
    cr_assert_eq(v.data[0], 5);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, negative_sizes_are_einval, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_i32_reserve(&v, -1), CUR_EINVAL);
    cr_assert_eq(vec_i32_reserve_exact(&v, PTRDIFF_MIN), CUR_EINVAL);
    cr_assert_eq(vec_i32_truncate(&v, -1), CUR_EINVAL);
    cr_assert_eq(vec_i32_resize(&v, -3, 0), CUR_EINVAL);
    int32_t one = 1;
    cr_assert_eq(vec_i32_extend_from_slice(&v, &one, -1), CUR_EINVAL);
    cr_assert_eq(vec_i32_extend_from_slice(&v, NULL, 0), 0);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    vec_i32_t w;
    cr_assert_eq(vec_i32_with_capacity(&w, &cur_test_alloc, -1), CUR_EINVAL);
    cr_assert_eq(w.len, 0);
    cr_assert_null(w.data);
    vec_i32_destroy(&w);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, overflowing_counts_are_eoverflow, .init = setup)
{
    vec_big_t v;
    vec_big_init(&v, &cur_test_alloc_limited);
    cr_assert_eq(vec_big_reserve(&v, PTRDIFF_MAX), CUR_EOVERFLOW);
    cr_assert_eq(vec_big_reserve(&v, PTRDIFF_MAX / 24 + 1), CUR_EOVERFLOW);
    cr_assert_eq(vec_big_reserve_exact(&v, PTRDIFF_MAX / 24 + 1),
                 CUR_EOVERFLOW);
    cr_assert_eq(vec_big_push(&v, make_big(1)), 0);
    /* len + additional overflows ptrdiff_t itself */
    cr_assert_eq(vec_big_reserve(&v, PTRDIFF_MAX), CUR_EOVERFLOW);
    cr_assert_eq(vec_big_resize(&v, PTRDIFF_MAX, make_big(0)), CUR_EOVERFLOW);
    cr_assert_eq(v.len, 1);
    cr_assert(eq_big(v.data[0], make_big(1)));
    vec_big_t w;
    cr_assert_eq(vec_big_with_capacity(&w, &cur_test_alloc_limited, PTRDIFF_MAX / 8),
                 CUR_EOVERFLOW);
    vec_big_destroy(&w);
    vec_big_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, impossible_but_representable_sizes_are_enomem, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc_limited);
    cr_assert_eq(vec_i32_push(&v, 3), 0);
    cr_assert_eq(vec_i32_reserve(&v, (ptrdiff_t)1 << 20), CUR_ENOMEM);
    cr_assert_eq(vec_i32_reserve_exact(&v, PTRDIFF_MAX / 8), CUR_ENOMEM);
    cr_assert_eq(v.len, 1);
    cr_assert_eq(v.data[0], 3);
    cr_assert_eq(vec_i32_push(&v, 4), 0);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, grow_capacity_policy, .init = setup)
{
    ptrdiff_t c = -1;
    cr_assert_eq(cur_vec_grow_capacity(0, 1, 1, &c), 0);
    cr_assert_eq(c, 8);
    cr_assert_eq(cur_vec_grow_capacity(0, 1, 4, &c), 0);
    cr_assert_eq(c, 4);
    cr_assert_eq(cur_vec_grow_capacity(0, 1, 1024, &c), 0);
    cr_assert_eq(c, 4);
    cr_assert_eq(cur_vec_grow_capacity(0, 1, 1025, &c), 0);
    cr_assert_eq(c, 1);
    cr_assert_eq(cur_vec_grow_capacity(4, 5, 4, &c), 0);
    cr_assert_eq(c, 8);
    cr_assert_eq(cur_vec_grow_capacity(4, 100, 4, &c), 0);
    cr_assert_eq(c, 100);
    cr_assert_eq(cur_vec_grow_capacity(10, 3, 4, &c), 0);
    cr_assert_eq(c, 10);
    /* doubling clamps at the largest representable capacity */
    ptrdiff_t max = PTRDIFF_MAX / 24;
    cr_assert_eq(cur_vec_grow_capacity(max - 1, max, 24, &c), 0);
    cr_assert_eq(c, max);
    c = 5;
    cr_assert_eq(cur_vec_grow_capacity(max, max + 1, 24, &c), CUR_EOVERFLOW);
    cr_assert_eq(cur_vec_grow_capacity(0, 1, 0, &c), CUR_EINVAL);
    cr_assert_eq(cur_vec_grow_capacity(-1, 1, 4, &c), CUR_EINVAL);
    cr_assert_eq(cur_vec_grow_capacity(0, -1, 4, &c), CUR_EINVAL);
    cr_assert_eq(c, 5);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, reserve_exact_shrink_and_with_capacity, .init = setup)
{
    vec_i32_t v;
    cr_assert_eq(vec_i32_with_capacity(&v, &cur_test_alloc, 10), 0);
    cr_assert_eq(vec_i32_capacity(&v), 10);
    cr_assert_eq(v.len, 0);
    cr_assert_eq(vec_i32_reserve(&v, 10), 0);
    cr_assert_eq(vec_i32_capacity(&v), 10, "reserve within capacity grew");
    cr_assert_eq(vec_i32_reserve_exact(&v, 13), 0);
    cr_assert_eq(vec_i32_capacity(&v), 13);
    cr_assert_eq(vec_i32_reserve(&v, 14), 0);
    cr_assert_eq(vec_i32_capacity(&v), 26, "amortised reserve doubles");
    for (int32_t i = 0; i < 5; i++) cr_assert_eq(vec_i32_push(&v, i), 0);
    cr_assert_eq(vec_i32_shrink_to_fit(&v), 0);
    cr_assert_eq(vec_i32_capacity(&v), 5);
    for (int32_t i = 0; i < 5; i++) cr_assert_eq(v.data[i], i);
    vec_i32_clear(&v);
    cr_assert_eq(vec_i32_capacity(&v), 5, "clear keeps the capacity");
    cr_assert_eq(vec_i32_shrink_to_fit(&v), 0);
    cr_assert_eq(vec_i32_capacity(&v), 0);
    cr_assert_null(v.data);
    cr_assert_eq(cur_test_live_bytes(), 0);
    cr_assert_eq(vec_i32_push(&v, 9), 0);
    vec_i32_t w;
    cr_assert_eq(vec_i32_with_capacity(&w, &cur_test_alloc, 0), 0);
    cr_assert_null(w.data, "capacity 0 allocates nothing");
    vec_i32_destroy(&w);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, truncate_resize_clear, .init = setup)
{
    vec_u8_t v;
    vec_u8_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_u8_resize(&v, 5, 'x'), 0);
    cr_assert_eq(v.len, 5);
    cr_assert_eq(memcmp(v.data, "xxxxx", 5), 0);
    cr_assert_eq(vec_u8_truncate(&v, 9), 0);
    cr_assert_eq(v.len, 5, "truncate past the end has no effect");
    cr_assert_eq(vec_u8_truncate(&v, 2), 0);
    cr_assert_eq(vec_u8_resize(&v, 4, 'y'), 0);
    cr_assert_eq(memcmp(v.data, "xxyy", 4), 0);
    cr_assert_eq(vec_u8_resize(&v, 1, 'z'), 0);
    cr_assert_eq(v.len, 1);
    vec_u8_clear(&v);
    cr_assert_eq(v.len, 0);
    cr_assert_eq(vec_u8_truncate(&v, 0), 0);
    vec_u8_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* A hook whose resize scribbles over the old block before freeing it, so
 * that reading the old buffer after a growth shows up without ASan. */
static void *scribble_resize(void *ctx, void *p, ptrdiff_t old_size,
                             ptrdiff_t new_size)
{
    (void)ctx;
    void *q = cur_test_alloc.alloc(cur_test_alloc.ctx, new_size);
    if (!q) return NULL;
    memcpy(q, p, (size_t)(old_size < new_size ? old_size : new_size));
    memset(p, 0x5a, (size_t)old_size);
    cur_test_alloc.release(cur_test_alloc.ctx, p, old_size);
    return q;
}

static void *scribble_alloc(void *ctx, ptrdiff_t size)
{
    return cur_test_alloc.alloc(ctx, size);
}

static void scribble_release(void *ctx, void *p, ptrdiff_t size)
{
    cur_test_alloc.release(ctx, p, size);
}

static const cur_alloc_t scribble_hook = {
    .alloc = scribble_alloc,
    .resize = scribble_resize,
    .release = scribble_release,
    .ctx = NULL,
};

Test(vec, extend_from_its_own_elements_across_growth, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &scribble_hook);
    for (int32_t i = 0; i < 4; i++) cr_assert_eq(vec_i32_push(&v, i), 0);
    cr_assert_eq(vec_i32_capacity(&v), 4);
    /* v.extend_from_slice(&v[..]) is a borrow error in Rust; here the
     * source moves with the buffer and the copy must still be right. */
    for (int round = 0; round < 5; round++) {
        ptrdiff_t n = v.len;
        cr_assert_eq(vec_i32_extend_from_slice(&v, v.data, n), 0);
        cr_assert_eq(v.len, 2 * n);
    }
    for (ptrdiff_t i = 0; i < v.len; i++) cr_assert_eq(v.data[i], i % 4);
    cr_assert_eq(vec_i32_extend_from_slice(&v, v.data + 3, 2), 0);
    cr_assert_eq(v.data[v.len - 2], 3);
    cr_assert_eq(v.data[v.len - 1], 0);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, clone_copies_the_elements, .init = setup)
{
    vec_big_t v, w;
    vec_big_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_big_clone(&w, &v), 0);
    cr_assert_eq(w.len, 0);
    cr_assert_null(w.data);
    for (uint64_t i = 0; i < 7; i++)
        cr_assert_eq(vec_big_push(&v, make_big(i)), 0);
    cr_assert_eq(vec_big_clone(&w, &v), 0);
    cr_assert_eq(w.len, 7);
    cr_assert_eq(vec_big_capacity(&w), 7);
    cr_assert_neq(w.data, v.data);
    v.data[0] = make_big(99);
    for (uint64_t i = 0; i < 7; i++) cr_assert(eq_big(w.data[i], make_big(i)));
    vec_big_destroy(&w);
    vec_big_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, pointer_elements, .init = setup)
{
    vec_str_t v;
    vec_str_init(&v, &cur_test_alloc);
    const char *words[] = {"pear", "fig", "apple"};
    cr_assert_eq(vec_str_extend_from_slice(&v, words, 3), 0);
    const char *const *p = vec_str_get(&v, 2);
    cr_assert_str_eq(*p, "apple");
    vec_str_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Sorting                                                                  */
/* ------------------------------------------------------------------------ */

/* Fills a with n values of a chosen shape: random, few distinct, sorted,
 * reversed, all equal, organ pipe, sawtooth. */
static uint64_t shape_value(int shape, ptrdiff_t i, ptrdiff_t n)
{
    switch (shape) {
    case 0: return rng();
    case 1: return rng() % 4;
    case 2: return (uint64_t)i;
    case 3: return (uint64_t)(n - i);
    case 4: return 7;
    case 5: return (uint64_t)(i < n / 2 ? i : n - i);
    default: return (uint64_t)(i % 13);
    }
}

#define SORT_CHECK(vt, T, make, cmp, qcmp)                                   \
    static void sort_check_##vt(ptrdiff_t n, int shape)                      \
    {                                                                        \
        vt##_t v;                                                            \
        vt##_init(&v, &cur_test_alloc);                                      \
        T *ref = malloc(sizeof(T) * (size_t)(n + 1));                        \
        cr_assert(ref != NULL);                                              \
        for (ptrdiff_t i = 0; i < n; i++) {                                  \
            T x = make(shape_value(shape, i, n));                            \
            cr_assert_eq(vt##_push(&v, x), 0);                               \
            ref[i] = x;                                                      \
        }                                                                    \
        vt##_sort(&v, cmp);                                                  \
        qsort(ref, (size_t)n, sizeof(T), qcmp);                              \
        for (ptrdiff_t i = 0; i < n; i++)                                    \
            cr_assert_eq(cmp(&v.data[i], &ref[i]), 0,                        \
                         "n %td shape %d: position %td", n, shape, i);       \
        /* a permutation: same multiset, checked by sorted full order */     \
        for (ptrdiff_t i = 1; i < n; i++)                                    \
            cr_assert_leq(cmp(&v.data[i - 1], &v.data[i]), 0);               \
        vt##_destroy(&v);                                                    \
        free(ref);                                                           \
    }

SORT_CHECK(vec_u8, uint8_t, make_u8, cmp_u8, qcmp_u8)
SORT_CHECK(vec_rgb, rgb_t, make_rgb, cmp_rgb, qcmp_rgb)
SORT_CHECK(vec_i32, int32_t, make_i32, cmp_i32, qcmp_i32)
SORT_CHECK(vec_big, big_t, make_big, cmp_big, qcmp_big)

Test(vec, sort_matches_qsort_on_every_shape_and_size, .init = setup)
{
    rng_seed(77);
    static const ptrdiff_t sizes[] = {0, 1, 2, 3, 5, 16, 17, 18, 31, 64,
                                      100, 257, 1000, 4099};
    for (int shape = 0; shape < 7; shape++) {
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            sort_check_vec_u8(sizes[k], shape);
            sort_check_vec_rgb(sizes[k], shape);
            sort_check_vec_i32(sizes[k], shape);
            sort_check_vec_big(sizes[k], shape);
        }
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, sort_keeps_every_element_of_a_3_byte_type, .init = setup)
{
    /* cmp_rgb ignores .b: equal keys, different payloads. The result
     * must be a permutation of the input, not just ordered keys. */
    vec_rgb_t v;
    vec_rgb_init(&v, &cur_test_alloc);
    int count[256] = {0};
    rng_seed(5);
    for (int i = 0; i < 3000; i++) {
        rgb_t x = {(uint8_t)(rng() % 3), 0, (uint8_t)i};
        count[x.b]++;
        cr_assert_eq(vec_rgb_push(&v, x), 0);
    }
    vec_rgb_sort(&v, cmp_rgb);
    for (ptrdiff_t i = 0; i < v.len; i++) count[v.data[i].b]--;
    for (int i = 0; i < 256; i++) cr_assert_eq(count[i], 0);
    vec_rgb_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, heapsort_fallback_sorts, .init = setup)
{
    /* The depth-limit fallback, run directly (a killer input for median
     * of three is hard to build portably). */
    rng_seed(9);
    for (ptrdiff_t n = 0; n < 300; n += 7) {
        int32_t a[300], b[300];
        for (ptrdiff_t i = 0; i < n; i++) a[i] = b[i] = (int32_t)(rng() % 50);
        vec_i32__hsort(a, n, cmp_i32);
        qsort(b, (size_t)n, sizeof *b, qcmp_i32);
        cr_assert_arr_eq(a, b, sizeof(int32_t) * (size_t)n);
    }
    /* depth 0 sends even the top level to heapsort */
    int32_t a[1000];
    for (int i = 0; i < 1000; i++) a[i] = (int32_t)(rng() % 1000);
    vec_i32__qsort(a, 1000, cmp_i32, 0);
    for (int i = 1; i < 1000; i++) cr_assert_leq(a[i - 1], a[i]);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Iteration                                                                */
/* ------------------------------------------------------------------------ */

Test(vec, iterators_visit_every_element_in_order, .init = setup)
{
    vec_i32_t v;
    vec_i32_init(&v, &cur_test_alloc);
    vec_i32_iter_t e = vec_i32_iter(&v);
    const int32_t *item;
    cr_assert_not(vec_i32_iter_next(&e, &item), "empty vector yielded");
    for (int32_t i = 0; i < 50; i++) cr_assert_eq(vec_i32_push(&v, i), 0);
    vec_i32_iter_mut_t m = vec_i32_iter_mut(&v);
    int32_t *w;
    while (vec_i32_iter_mut_next(&m, &w)) *w *= 2;
    vec_i32_iter_t it = vec_i32_iter(&v);
    int32_t want = 0;
    while (vec_i32_iter_next(&it, &item)) {
        cr_assert_eq(*item, want);
        want += 2;
    }
    cr_assert_eq(want, 100);
    cr_assert_not(vec_i32_iter_next(&it, &item), "ended iterator yielded");
    int64_t sum = 0;
    CUR_VEC_FOREACH(p, &v) sum += *p;
    cr_assert_eq(sum, 2450);
    vec_i32_t empty = {0};
    CUR_VEC_FOREACH(p, &empty) cr_assert_fail("empty vector yielded %d", *p);
    vec_i32_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static vec_i32_t iter_vec;
static void iter_setup(void)
{
    setup();
    vec_i32_init(&iter_vec, NULL);
    for (int32_t i = 0; i < 3; i++) cr_assert_eq(vec_i32_push(&iter_vec, i), 0);
}

Test(vec, push_during_iteration_panics_in_debug_builds, .init = iter_setup,
     .signal = SIGABRT)
{
    vec_i32_iter_t it = vec_i32_iter(&iter_vec);
    const int32_t *item;
    while (vec_i32_iter_next(&it, &item))
        if (vec_i32_push(&iter_vec, *item) != 0) break;
}

Test(vec, remove_during_iteration_panics_in_debug_builds,
     .init = iter_setup, .signal = SIGABRT)
{
    vec_i32_iter_mut_t it = vec_i32_iter_mut(&iter_vec);
    int32_t *item;
    while (vec_i32_iter_mut_next(&it, &item))
        (void)vec_i32_swap_remove(&iter_vec, 0, NULL);
}

Test(vec, writing_elements_during_iteration_is_allowed, .init = iter_setup)
{
    vec_i32_iter_t it = vec_i32_iter(&iter_vec);
    const int32_t *item;
    int n = 0;
    while (vec_i32_iter_next(&it, &item)) {
        iter_vec.data[0] = 7; /* not a structural change */
        n++;
    }
    cr_assert_eq(n, 3);
    vec_i32_destroy(&iter_vec);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Contract violations                                                      */
/* ------------------------------------------------------------------------ */

Test(vec, push_to_null_panics, .init = setup, .signal = SIGABRT)
{
    (void)vec_i32_push(NULL, 1);
}

Test(vec, init_of_null_panics, .init = setup, .signal = SIGABRT)
{
    vec_i32_init(NULL, NULL);
}

Test(vec, extend_from_null_slice_panics, .init = setup, .signal = SIGABRT)
{
    vec_i32_t v = {0};
    (void)vec_i32_extend_from_slice(&v, NULL, 1);
}

Test(vec, sort_without_comparator_panics, .init = setup, .signal = SIGABRT)
{
    vec_i32_t v = {0};
    vec_i32_sort(&v, NULL);
}

/* ------------------------------------------------------------------------ */
/* OOM sweeps                                                               */
/* ------------------------------------------------------------------------ */

static void fill_i32(vec_i32_t *v, int32_t n)
{
    vec_i32_init(v, &cur_test_alloc);
    for (int32_t i = 0; i < n; i++) cr_assert_eq(vec_i32_push(v, i), 0);
}

static void check_i32(const vec_i32_t *v, int32_t n)
{
    cr_assert_eq(v->len, n);
    for (int32_t i = 0; i < n; i++) cr_assert_eq(v->data[i], i);
}

Test(vec, oom_push_growth, .init = setup)
{
    vec_i32_t v;
    int rc;
    for (int32_t pre = 0; pre <= 8; pre += 4) { /* first alloc, growths */
        CUR_OOM_SWEEP(rc, { fill_i32(&v, pre); },
                      { rc = vec_i32_push(&v, pre); },
                      {
                          check_i32(&v, pre);
                          cr_assert_eq(vec_i32_capacity(&v), pre);
                          cr_assert_eq(vec_i32_push(&v, pre), 0);
                          check_i32(&v, pre + 1);
                      },
                      {
                          cr_assert_eq(rc, 0);
                          check_i32(&v, pre + 1);
                      },
                      { vec_i32_destroy(&v); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, oom_reserve_and_with_capacity, .init = setup)
{
    vec_i32_t v;
    int rc;
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 3); }, { rc = vec_i32_reserve(&v, 100); },
                  {
                      check_i32(&v, 3);
                      cr_assert_eq(vec_i32_push(&v, 3), 0);
                  },
                  { cr_assert_geq(vec_i32_capacity(&v), 103); },
                  { vec_i32_destroy(&v); });
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 3); },
                  { rc = vec_i32_reserve_exact(&v, 100); },
                  { check_i32(&v, 3); },
                  { cr_assert_eq(vec_i32_capacity(&v), 103); },
                  { vec_i32_destroy(&v); });
    CUR_OOM_SWEEP(rc, {},
                  { rc = vec_i32_with_capacity(&v, &cur_test_alloc, 50); },
                  {
                      cr_assert_eq(v.len, 0);
                      cr_assert_null(v.data);
                      cr_assert_eq(vec_i32_push(&v, 1), 0);
                  },
                  { cr_assert_eq(vec_i32_capacity(&v), 50); },
                  { vec_i32_destroy(&v); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, oom_insert, .init = setup)
{
    vec_i32_t v;
    int rc;
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 4); },
                  { rc = vec_i32_insert(&v, 1, -1); },
                  {
                      check_i32(&v, 4);
                      cr_assert_eq(vec_i32_insert(&v, 0, -1), 0);
                  },
                  {
                      cr_assert_eq(v.len, 5);
                      cr_assert_eq(v.data[1], -1);
                      cr_assert_eq(v.data[2], 1);
                  },
                  { vec_i32_destroy(&v); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, oom_extend_and_resize, .init = setup)
{
    vec_i32_t v;
    int rc;
    static const int32_t more[] = {4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 4); },
                  { rc = vec_i32_extend_from_slice(&v, more, 10); },
                  {
                      check_i32(&v, 4);
                      cr_assert_eq(vec_i32_extend_from_slice(&v, more, 1), 0);
                      check_i32(&v, 5);
                  },
                  { check_i32(&v, 14); },
                  { vec_i32_destroy(&v); });
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 4); },
                  { rc = vec_i32_extend_from_slice(&v, v.data, 4); },
                  { check_i32(&v, 4); },
                  {
                      cr_assert_eq(v.len, 8);
                      cr_assert_eq(v.data[7], 3);
                  },
                  { vec_i32_destroy(&v); });
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 4); }, { rc = vec_i32_resize(&v, 40, 0); },
                  { check_i32(&v, 4); }, { cr_assert_eq(v.len, 40); },
                  { vec_i32_destroy(&v); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(vec, oom_clone_and_shrink, .init = setup)
{
    vec_i32_t v, w;
    int rc;
    CUR_OOM_SWEEP(rc,
                  {
                      fill_i32(&v, 6);
                      w = (vec_i32_t){.len = -1};
                  },
                  { rc = vec_i32_clone(&w, &v); },
                  {
                      cr_assert_eq(w.len, -1, "failed clone wrote *out");
                      check_i32(&v, 6);
                  },
                  {
                      check_i32(&w, 6);
                      vec_i32_destroy(&w);
                  },
                  { vec_i32_destroy(&v); });
    CUR_OOM_SWEEP(rc, { fill_i32(&v, 5); }, { rc = vec_i32_shrink_to_fit(&v); },
                  {
                      check_i32(&v, 5);
                      cr_assert_eq(vec_i32_capacity(&v), 8);
                  },
                  { cr_assert_eq(vec_i32_capacity(&v), 5); },
                  { vec_i32_destroy(&v); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Arena-backed vectors                                                     */
/* ------------------------------------------------------------------------ */

/* The adapter docs/vec.md describes: a cur_alloc_t over an arena. Blocks
 * are never freed one by one; growth copies into a new block and leaves
 * the old one to the arena's region. */
static void *arena_alloc(void *ctx, ptrdiff_t size)
{
    void *p;
    return cur_arena_alloc_into(ctx, size, (ptrdiff_t)alignof(max_align_t), 1,
                                CUR_ARENA_NOZERO, &p) == 0
               ? p
               : NULL;
}

static void *arena_resize(void *ctx, void *old, ptrdiff_t old_size,
                          ptrdiff_t new_size)
{
    void *p = arena_alloc(ctx, new_size);
    if (p && old)
        memcpy(p, old, (size_t)(old_size < new_size ? old_size : new_size));
    return p;
}

static void arena_release(void *ctx, void *p, ptrdiff_t size)
{
    (void)ctx, (void)p, (void)size;
}

Test(vec, arena_backed_vector, .init = setup)
{
    cur_arena_t arena;
    cr_assert_eq(cur_arena_init(&arena, &cur_test_alloc, 4096), 0);
    cur_alloc_t hook = {arena_alloc, arena_resize, arena_release, &arena};
    vec_big_t v;
    vec_big_init(&v, &hook);
    ptrdiff_t calls = cur_test_alloc_calls();
    for (uint64_t i = 0; i < 40; i++)
        cr_assert_eq(vec_big_push(&v, make_big(i)), 0);
    cr_assert_eq(cur_test_alloc_calls(), calls, "growth stayed in the arena");
    for (uint64_t i = 0; i < 40; i++) cr_assert(eq_big(v.data[i], make_big(i)));
    cr_assert_gt(cur_arena_stats(&arena).used, 40 * 24);
    /* Far past the chunk: the arena takes more chunks from its hook. */
    cr_assert_eq(vec_big_reserve(&v, 1000), 0);
    vec_big_destroy(&v); /* optional with an arena; frees nothing */
    cur_arena_destroy(&arena);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Newtypes (lesson mc-13.2): zero-cost wrappers                            */
/* ------------------------------------------------------------------------ */

/* Single-member structs: a distinct type each, the same bytes as the raw
 * type. tests/zero_cost.sh checks that they also compile to the same code. */
typedef struct meters {
    double v;
} meters_t;
typedef struct seconds {
    double v;
} seconds_t;
typedef struct user_id {
    uint64_t v;
} user_id_t;
typedef struct order_id {
    uint64_t v;
} order_id_t;
typedef struct rgb_handle {
    rgb_t *p;
} rgb_handle_t;

#define SAME_LAYOUT(N, R)                                                    \
    _Static_assert(sizeof(N) == sizeof(R) && alignof(N) == alignof(R),      \
                   #N " is not layout-identical to " #R)
SAME_LAYOUT(meters_t, double);
SAME_LAYOUT(seconds_t, double);
SAME_LAYOUT(user_id_t, uint64_t);
SAME_LAYOUT(order_id_t, uint64_t);
SAME_LAYOUT(rgb_handle_t, rgb_t *);

CUR_VEC_DECLARE(vec_meters, meters_t);
CUR_VEC_DECLARE(vec_f64, double);

Test(vec, newtypes_have_the_layout_of_their_raw_type, .init = setup)
{
    cr_assert_eq(sizeof(meters_t), sizeof(double));
    cr_assert_eq(alignof(meters_t), alignof(double));
    cr_assert_eq(sizeof(user_id_t), sizeof(uint64_t));
    cr_assert_eq(alignof(order_id_t), alignof(uint64_t));
    cr_assert_eq(sizeof(rgb_handle_t), sizeof(void *));
    cr_assert_eq(offsetof(meters_t, v), 0);
    cr_assert_eq(sizeof(vec_meters_t), sizeof(vec_f64_t));

    /* A vector of newtypes holds exactly the raw values' bytes. */
    vec_meters_t m;
    vec_f64_t d;
    vec_meters_init(&m, &cur_test_alloc);
    vec_f64_init(&d, &cur_test_alloc);
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(vec_meters_push(&m, (meters_t){i * 1.5}), 0);
        cr_assert_eq(vec_f64_push(&d, i * 1.5), 0);
    }
    cr_assert_eq(vec_meters_capacity(&m), vec_f64_capacity(&d));
    cr_assert_arr_eq(m.data, d.data, sizeof(double) * 10);
    vec_meters_destroy(&m);
    vec_f64_destroy(&d);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
