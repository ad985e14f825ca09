/*
 * mc-04.2 Generics (impl<T: Trait>)
 *
 * Shows: one generic container written once and stamped out for several
 * element types by a macro (CUR_VEC_DECLARE, CUR_MAP_DECLARE), the C form
 * of Rust's monomorphisation; a generic function `largest` generated per
 * type from one template; and _Generic, which picks the right instance
 * from the argument's type so that call sites read like Rust's.
 *
 * Build: cc -std=gnu17 examples/mc-04.2-generics.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/map.h>
#include <curriculum/vec.h>

#include <inttypes.h>
#include <stdio.h>

/* A user type, to show that the containers are not limited to numbers. */
typedef struct point {
    int x, y;
} point_t;

/*
 * Rust: Vec<i32>, Vec<f64>, Vec<Point>. Each line below generates a type
 * (vec_i32_t, ...) and its functions (vec_i32_push, ...), all type-checked
 * for that T: vec_i32_push(&v, (point_t){1, 2}) does not compile.
 */
CUR_VEC_DECLARE(vec_i32, int32_t);
CUR_VEC_DECLARE(vec_f64, double);
CUR_VEC_DECLARE(vec_pt, point_t);

/* Rust: HashMap<&str, i64>, with the library's string hash and equality. */
CUR_MAP_DECLARE_STR(word_count, int64_t);

/*
 * Rust:  fn largest<T: PartialOrd>(list: &[T]) -> &T
 *
 * The template takes the bound as an argument: LESS(a, b) is what
 * `T: PartialOrd` promises. Each instantiation is a separate function, as
 * rustc emits one copy of `largest` per T it is called with.
 */
#define DEFINE_LARGEST(name, T, LESS)                                        \
    static const T *name(const T *items, ptrdiff_t n)                        \
    {                                                                        \
        const T *best = n > 0 ? &items[0] : NULL;                            \
        for (ptrdiff_t i = 1; i < n; i++)                                    \
            if (LESS(*best, items[i])) best = &items[i];                     \
        return best;                                                         \
    }

#define NUM_LESS(a, b) ((a) < (b))
#define NORM2(p) ((p).x * (p).x + (p).y * (p).y)
#define PT_LESS(a, b) (NORM2(a) < NORM2(b))

DEFINE_LARGEST(largest_i32, int32_t, NUM_LESS)
DEFINE_LARGEST(largest_f64, double, NUM_LESS)
DEFINE_LARGEST(largest_pt, point_t, PT_LESS) /* farthest from the origin */

/*
 * _Generic dispatch: one name for every instance, chosen at compile time
 * by the type of the first argument (Rust resolves v.push(x) the same
 * way, from v's type). A vector type missing from the list is a compile
 * error, never a wrong call.
 */
#define push(v, x)                                                           \
    _Generic((v), vec_i32_t *: vec_i32_push, vec_f64_t *: vec_f64_push,      \
             vec_pt_t *: vec_pt_push)(v, x)
#define largest(v)                                                           \
    _Generic((v), vec_i32_t *: largest_i32, vec_f64_t *: largest_f64,        \
             vec_pt_t *: largest_pt)((v)->data, (v)->len)

/* A comparator for sorting the word counts: by count, then by word. */
typedef struct wc_row {
    cur_str_t word;
    int64_t count;
} wc_row_t;
CUR_VEC_DECLARE(vec_row, wc_row_t);

static int by_count_then_word(const wc_row_t *a, const wc_row_t *b)
{
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return cur_str_cmp(a->word, b->word);
}

int main(void)
{
    vec_i32_t ints;
    vec_f64_t reals;
    vec_pt_t points;
    vec_i32_init(&ints, NULL);
    vec_f64_init(&reals, NULL);
    vec_pt_init(&points, NULL);

    /* The same spelling, three different functions. */
    static const int32_t some_ints[] = {34, 50, 25, 100, 65};
    for (int i = 0; i < 5; i++)
        if (push(&ints, some_ints[i]) != 0) return 1;
    if (push(&reals, 1.5) != 0 || push(&reals, -2.25) != 0 ||
        push(&reals, 0.75) != 0)
        return 1;
    if (push(&points, ((point_t){3, 4})) != 0 ||
        push(&points, ((point_t){-6, 1})) != 0 ||
        push(&points, ((point_t){0, 5})) != 0)
        return 1;

    printf("largest i32:   %" PRId32 "\n", *largest(&ints));
    printf("largest f64:   %.2f\n", *largest(&reals));
    const point_t *far = largest(&points);
    printf("farthest point: (%d, %d)\n", far->x, far->y);
    /* Every instance has the same shape: {T *data; len; cap; alloc; gen}. */
    printf("sizeof(vec_i32_t) == sizeof(vec_pt_t): %s\n",
           sizeof(vec_i32_t) == sizeof(vec_pt_t) ? "yes" : "no");

    /* A generic map: HashMap<&str, i64> counting words. */
    word_count_t counts;
    word_count_init(&counts, NULL);
    cur_str_split_t it = cur_str_split(
        CUR_STR("the quick fox and the lazy dog and the end"), CUR_STR(" "));
    cur_str_t w;
    while (cur_str_split_next(&it, &w)) {
        int64_t *n = NULL; /* entry(w).or_default() += 1 */
        if (word_count_entry_or_default(&counts, w, &n) < 0) return 1;
        ++*n;
    }

    /* Map order depends on a random seed (as in Rust): sort to print. */
    vec_row_t rows;
    vec_row_init(&rows, NULL);
    word_count_iter_t wi = word_count_iter(&counts);
    const cur_str_t *k;
    const int64_t *c;
    while (word_count_iter_next(&wi, &k, &c))
        if (vec_row_push(&rows, (wc_row_t){*k, *c}) != 0) return 1;
    vec_row_sort(&rows, by_count_then_word);
    printf("%td distinct words:", word_count_len(&counts));
    CUR_VEC_FOREACH(r, &rows)
        printf(" " CUR_STR_FMT "=%" PRId64, CUR_STR_ARG(r->word), r->count);
    printf("\n");

    /* CUR_MAP_HASH is _Generic too: the hash follows the value's type. */
    bool ints_agree = CUR_MAP_HASH(42, 1) == CUR_MAP_HASH(42L, 1);
    bool strs_agree = CUR_MAP_HASH("abc", 1) == CUR_MAP_HASH(CUR_STR("abc"), 1);
    printf("hash(42) == hash(42L): %s; "
           "hash(\"abc\") == hash(CUR_STR(\"abc\")): %s\n",
           ints_agree ? "yes" : "no", strs_agree ? "yes" : "no");

    vec_row_destroy(&rows);
    word_count_destroy(&counts);
    vec_pt_destroy(&points);
    vec_f64_destroy(&reals);
    vec_i32_destroy(&ints);
    return 0;
}
