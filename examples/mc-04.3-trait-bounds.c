/*
 * mc-04.3 Trait Bounds and Where Clauses
 *
 * Shows: requirements on a generic type checked at compile time. A
 * macro-generated function states its bounds the way a Rust where clause
 * does: the functions it needs (a hash and an equality, a comparator) must
 * exist with exactly the right types, and the type must meet size and
 * alignment limits (_Static_assert). The comments show the compiler's
 * message for each bound that is not met; tests/check_generics.sh compiles
 * those cases and checks that they fail.
 *
 * Build: cc -std=gnu17 examples/mc-04.3-trait-bounds.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/map.h>
#include <curriculum/vec.h>

#include <stdio.h>

/*
 * Rust:
 *     fn count_distinct<T>(items: &[T]) -> usize where T: Hash + Eq { .. }
 *
 * In C the bound is a pair of functions handed to the template. The set
 * inside is CUR_MAP_DECLARE(.., hash_fn, eq_fn), which checks both with
 * _Static_assert + _Generic: each must be a function of exactly
 *     uint64_t hash_fn(const T *key, uint64_t seed);
 *     bool     eq_fn(const T *a, const T *b);
 * A value of type char is the set's unit value (Rust's HashSet<T> is a
 * HashMap<T, ()>).
 */
#define DEFINE_COUNT_DISTINCT(name, T, hash_fn, eq_fn)                       \
    CUR_MAP_DECLARE(name##_set, T, char, hash_fn, eq_fn);                    \
    static int name(const T *items, ptrdiff_t n, ptrdiff_t *out)             \
    {                                                                        \
        name##_set_t seen;                                                   \
        name##_set_init(&seen, NULL);                                        \
        for (ptrdiff_t i = 0; i < n; i++) {                                  \
            int rc = name##_set_insert(&seen, items[i], 0, NULL);            \
            if (rc < 0) {                                                    \
                name##_set_destroy(&seen);                                   \
                return rc;                                                   \
            }                                                                \
        }                                                                    \
        *out = name##_set_len(&seen);                                        \
        name##_set_destroy(&seen);                                           \
        return 0;                                                            \
    }

/* T = int64_t and T = cur_str_t: the library supplies Hash + Eq. */
DEFINE_COUNT_DISTINCT(count_i64, int64_t, cur_map_hash_i64, cur_map_eq_i64)
DEFINE_COUNT_DISTINCT(count_str, cur_str_t, cur_map_hash_str, cur_map_eq_str)

/* T = a type of our own: we write the impls (Rust: #[derive(Hash, Eq)]). */
typedef struct color {
    uint8_t r, g, b;
} color_t;

static uint64_t color_hash(const color_t *c, uint64_t seed)
{
    return cur_map_hash_mix64((uint64_t)c->r << 16 | (uint64_t)c->g << 8 | c->b,
                              seed);
}
static bool color_eq(const color_t *a, const color_t *b)
{
    return a->r == b->r && a->g == b->g && a->b == b->b;
}
DEFINE_COUNT_DISTINCT(count_colors, color_t, color_hash, color_eq)

/*
 * A bound that is not met does not compile. Without color_hash above
 * (gcc 12; clang says "use of undeclared identifier 'color_hash'"):
 *
 *     error: 'color_hash' undeclared here (not in a function)
 *
 * With `uint64_t color_hash(color_t c, uint64_t seed)` (by value):
 *
 *     error: static assertion failed: "CUR_MAP_DECLARE(count_colors_set):
 *     color_hash must be a function uint64_t color_hash(const color_t *key,
 *     uint64_t seed)"
 *
 * Rust says "the trait bound `Color: Hash` is not satisfied"; the C
 * message names the function and the signature it needs.
 */

/*
 * Rust:
 *     fn median<T>(v: &mut Vec<T>) -> Option<T> where T: Ord + Copy
 *
 * Our own bounds, written as the library writes its own: REQUIRE_ORD
 * checks the comparator's type, REQUIRE_SMALL limits T to what is cheap to
 * copy by value (a bound Rust would express as T: Copy plus a lint).
 */
#define REQUIRE_ORD(T, cmp)                                                  \
    _Static_assert(_Generic(&(cmp), int (*)(const T *, const T *): 1,       \
                            default: 0),                                     \
                   #cmp " must be int " #cmp "(const " #T " *, const " #T   \
                   " *)")
#define REQUIRE_SMALL(T)                                                     \
    _Static_assert(sizeof(T) <= 16, #T " is too large to pass by value")

#define DEFINE_MEDIAN(name, T, cmp)                                          \
    REQUIRE_ORD(T, cmp);                                                     \
    REQUIRE_SMALL(T);                                                        \
    CUR_VEC_DECLARE(name##_vec, T);                                          \
    /* Sorts v in place; stores the median in *out. false if v is empty. */ \
    static bool name(name##_vec_t *v, T *out)                                \
    {                                                                        \
        if (v->len == 0) return false;                                       \
        name##_vec_sort(v, cmp);                                             \
        *out = v->data[(v->len - 1) / 2];                                    \
        return true;                                                         \
    }

static int cmp_double(const double *a, const double *b)
{
    return (*a > *b) - (*a < *b);
}
DEFINE_MEDIAN(median_f64, double, cmp_double)

/*
 * DEFINE_MEDIAN(median_f32, float, cmp_double) fails the Ord bound:
 *     error: static assertion failed: "cmp_double must be int
 *     cmp_double(const float *, const float *)"
 * and a 24-byte T fails REQUIRE_SMALL:
 *     error: static assertion failed: "big_t is too large to pass by value"
 * The library's own bounds work the same way: CUR_VEC_DECLARE(v, T) with
 * a T aligned to 64 bytes fails with "...the element type's alignment
 * exceeds what an allocator hook guarantees".
 */

int main(void)
{
    static const int64_t ids[] = {7, 3, 7, 9, 3, 3, 1};
    static const cur_str_t words[] = {CUR_STR_INIT("to"), CUR_STR_INIT("be"),
                                      CUR_STR_INIT("or"), CUR_STR_INIT("not"),
                                      CUR_STR_INIT("to"), CUR_STR_INIT("be")};
    static const color_t pixels[] = {{255, 0, 0}, {0, 255, 0}, {255, 0, 0},
                                     {0, 0, 255}, {0, 255, 0}};
    ptrdiff_t n;

    if (count_i64(ids, CUR_COUNTOF(ids), &n) != 0) return 1;
    printf("distinct ids:    %td of %td\n", n, CUR_COUNTOF(ids));
    if (count_str(words, CUR_COUNTOF(words), &n) != 0) return 1;
    printf("distinct words:  %td of %td\n", n, CUR_COUNTOF(words));
    if (count_colors(pixels, CUR_COUNTOF(pixels), &n) != 0) return 1;
    printf("distinct colors: %td of %td\n", n, CUR_COUNTOF(pixels));

    median_f64_vec_t latencies;
    median_f64_vec_init(&latencies, NULL);
    static const double ms[] = {12.5, 3.0, 250.0, 8.25, 9.0};
    if (median_f64_vec_extend_from_slice(&latencies, ms, CUR_COUNTOF(ms)) != 0)
        return 1;
    double med;
    if (median_f64(&latencies, &med))
        printf("median latency:  %.2f ms (sorted:", med);
    CUR_VEC_FOREACH(p, &latencies) printf(" %.2f", *p);
    printf(")\n");

    median_f64_vec_t empty = {0};
    printf("median of nothing: %s\n",
           median_f64(&empty, &med) ? "a value?" : "None");
    median_f64_vec_destroy(&latencies);
    return 0;
}
