/*
 * mc-04.5 Trait Objects vs Static Dispatch
 *
 * Shows: one algorithm written twice. With trait objects (dyn): a fat
 * pointer per value, an indirect call per method, one compiled copy that
 * serves every type, types mixed in one collection. With static dispatch
 * (generics): a macro stamps out a copy per type that calls the methods by
 * name, so the compiler can inline them. The same for iterators: a
 * cur_iter pipeline against the CUR_STATIC_ITER macros. Timings are not
 * printed here: run `make bench SUITE=dispatch`.
 *
 * Build: cc -std=gnu17 examples/mc-04.5-dyn-vs-static-dispatch.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/trait.h>

#include <inttypes.h>
#include <stdio.h>

/* trait Score { fn score(&self, x: i64) -> i64; } */
CUR_DYN_TYPE(dyn_score, score_vtable);
typedef struct score_vtable {
    cur_vtable_t hdr;
    int64_t (*score)(const void *self, int64_t x);
} score_vtable_t;

static const cur_trait_method_t score_methods[] = {
    CUR_TRAIT_REQUIRED(score_vtable_t, score),
};
static const cur_trait_t score_trait =
    CUR_TRAIT_INIT("Score", score_vtable_t, score_methods);

/* Two impls: a linear score and a threshold score. */
typedef struct linear {
    int64_t weight;
} linear_t;
typedef struct threshold {
    int64_t limit, bonus;
} threshold_t;

static inline int64_t linear_score(const void *self, int64_t x)
{
    return ((const linear_t *)self)->weight * x;
}
static inline int64_t threshold_score(const void *self, int64_t x)
{
    const threshold_t *t = self;
    return x > t->limit ? t->bonus : 0;
}

static const cur_type_t linear_type = CUR_TYPE_COPY_INIT(linear_t);
static const cur_type_t threshold_type = CUR_TYPE_COPY_INIT(threshold_t);
static const score_vtable_t linear_vt = {
    .hdr = CUR_VTABLE_HDR(&score_trait, &linear_type),
    CUR_REQUIRE(score_vtable_t, score, linear_score),
};
static const score_vtable_t threshold_vt = {
    .hdr = CUR_VTABLE_HDR(&score_trait, &threshold_type),
    CUR_REQUIRE(score_vtable_t, score, threshold_score),
};

/*
 * Dynamic dispatch: fn total(s: &dyn Score, xs: &[i64]) -> i64.
 * One function in the binary; every call of score is an indirect call
 * through s.vt, which the compiler cannot inline: it does not know which
 * impl it will meet.
 */
static int64_t total_dyn(dyn_score s, const int64_t *xs, int n)
{
    int64_t sum = 0;
    for (int i = 0; i < n; i++) sum += CUR_DYN_CALL(s, score, xs[i]);
    return sum;
}

/*
 * Static dispatch: fn total<S: Score>(s: &S, xs: &[i64]) -> i64.
 * C has no generics, so a macro plays the compiler's monomorphiser: each
 * use writes a new function for one type, calling Impl##_score by name.
 * Two copies in the binary, each fully inlinable.
 */
#define DEFINE_TOTAL(Impl, T)                                               \
    static int64_t total_##Impl(const T *s, const int64_t *xs, int n)       \
    {                                                                       \
        int64_t sum = 0;                                                    \
        for (int i = 0; i < n; i++) sum += Impl##_score(s, xs[i]);          \
        return sum;                                                         \
    }
DEFINE_TOTAL(linear, linear_t)
DEFINE_TOTAL(threshold, threshold_t)

/* The iterator version: (1..=20).filter(odd).map(x * x).take(5).sum() */
static bool is_odd_dyn(void *ctx, const void *item)
{
    (void)ctx;
    return *(const int64_t *)item % 2 != 0;
}
static void square_dyn(void *ctx, const void *in, void *out)
{
    (void)ctx;
    int64_t x = *(const int64_t *)in;
    *(int64_t *)out = x * x;
}
static int add_dyn(void *ctx, void *acc, const void *item)
{
    (void)ctx;
    *(int64_t *)acc += *(const int64_t *)item;
    return 0;
}

static inline bool is_odd(void *ctx, const int64_t *x)
{
    (void)ctx;
    return *x % 2 != 0;
}
static inline int64_t square(void *ctx, int64_t x)
{
    (void)ctx;
    return x * x;
}
static inline int64_t add(void *ctx, int64_t acc, int64_t x)
{
    (void)ctx;
    return acc + x;
}

/* Each line defines a type and its next(): the chain, monomorphized. */
CUR_STATIC_ITER_RANGE(nums, int64_t)
CUR_STATIC_ITER_FILTER(odds, nums, int64_t, is_odd)
CUR_STATIC_ITER_MAP(squares, odds, int64_t, int64_t, square)
CUR_STATIC_ITER_TAKE(first5, squares, int64_t)
CUR_STATIC_ITER_FOLD(first5, int64_t, int64_t, add)

int main(void)
{
    const int64_t xs[] = {3, 8, 1, 12, 7, 10};
    const int n = 6;
    linear_t lin = {.weight = 2};
    threshold_t thr = {.limit = 6, .bonus = 100};

    printf("dyn Score (one function, indirect calls):\n");
    dyn_score scores[] = {{&lin, &linear_vt}, {&thr, &threshold_vt}};
    for (int i = 0; i < 2; i++)
        printf("  total over %-11s = %" PRId64 "\n",
               CUR_DYN_TYPE_NAME(scores[i]), total_dyn(scores[i], xs, n));

    printf("generic Score (one function per type, inlined):\n");
    printf("  total_linear(&lin)    = %" PRId64 "\n",
           total_linear(&lin, xs, n));
    printf("  total_threshold(&thr) = %" PRId64 "\n",
           total_threshold(&thr, xs, n));

    printf("what each costs in memory:\n");
    printf("  &dyn Score: %zu words (data + vtable)\n",
           sizeof(dyn_score) / sizeof(void *));
    printf("  &Linear:    %zu word\n",
           sizeof(const linear_t *) / sizeof(void *));

    printf("an iterator pipeline both ways, (1..=20) odd, squared, 5, sum:\n");
    cur_iter_range_t r;
    cur_iter_filter_t f;
    cur_iter_map_t m;
    cur_iter_take_t t;
    cur_iter_t it;
    int64_t sum = 0;
    if (cur_iter_range(&r, 1, 21, 1, &it) < 0 ||
        cur_iter_filter(&f, it, is_odd_dyn, NULL, &it) < 0 ||
        cur_iter_map(&m, it, sizeof(int64_t), square_dyn, NULL, &it) < 0 ||
        cur_iter_take(&t, it, 5, &it) < 0 ||
        cur_iter_fold(it, &sum, add_dyn, NULL) < 0)
        return 1;
    printf("  cur_iter (dyn Iterator):      %" PRId64 "\n", sum);

    first5 st = first5_new(squares_new(odds_new(nums_new(1, 21), NULL), NULL),
                           5);
    printf("  CUR_STATIC_ITER (generic):    %" PRId64 "\n",
           first5_fold(&st, 0, NULL));

    printf("how much faster is static? make bench SUITE=dispatch\n");
    return 0;
}
