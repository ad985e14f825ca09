/*
 * bench/bench_dispatch.c: the `dispatch` suite: what a call through a
 * trait object costs against static dispatch, and the generic containers
 * against hand-written and well-known peers.
 *
 * Groups (names are stable; tools read them):
 *   call-sum       sum of f(x) over 4096 int64 values, where f is one
 *                  method of a small trait (x * 3 + 1, parameters read from
 *                  the object); ns per element. Impls:
 *                    static  the sum stamped out per impl by a macro and
 *                            f called by name: inlined (and vectorised
 *                            where the compiler can), Rust's generics;
 *                    vtable  a fat pointer (curriculum/trait.h), one
 *                            indirect call per element, &dyn Trait;
 *                    fnptr   a plain function pointer and context;
 *                    switch  a tagged union dispatched by switch per
 *                            element (Rust's enum dispatch). The tag is the
 *                            same for every element, so the compiler may
 *                            hoist the switch out of the loop: that is the
 *                            real advantage of a closed set of impls.
 *                  The object, vtable and function pointer pass through an
 *                  empty asm before each run, so no impl is devirtualised
 *                  by constant propagation.
 *   iter-pipeline  filter (x % 3 != 0), map (2x + 1, to int64), sum, over
 *                  65536 int32 values; ns per input element. Impls:
 *                    cur-iter     cur_iter_slice + cur_iter_filter +
 *                                 cur_iter_map + cur_iter_fold: four
 *                                 indirect calls per element;
 *                    loop         the hand-written loop;
 *                    static-iter  the CUR_STATIC_ITER_* macros: the same
 *                                 pipeline monomorphised and inlined.
 * The container groups below run when include/curriculum/vec.h and map.h
 * exist (they belong to the vec and map modules):
 *   vec-push       push 65536 int64 values into an empty vector, growth
 *                  included, then free it; ns per push. Impls: cur-vec
 *                  (CUR_VEC_DECLARE, default hook = malloc) and hand (a
 *                  hand-written doubling array over realloc).
 *   map-insert     insert 65536 distinct random uint64 keys (value: the
 *                  key's index) into an empty map, growth included, then
 *                  free it; ns per insert. Impls: cur-map
 *                  (CUR_MAP_DECLARE_U64, fixed seed) and uthash (Debian's
 *                  uthash-dev 2.3: HASH_ADD of preallocated intrusive
 *                  nodes, its default Jenkins hash, then HASH_CLEAR; the
 *                  nodes are allocated once outside the timing, which
 *                  favours uthash: a real user mallocs each node).
 *   map-lookup     look up each of the 65536 keys (all hits) in a shuffled
 *                  order in a map already built; ns per lookup. Same impls.
 *
 * Every impl of a group computes the same result, checked before timing:
 * a mismatch fails the suite.
 */
#include <curriculum/trait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#if defined(__has_include)
#if __has_include(<uthash.h>)
#define HAVE_UTHASH 1
#endif
#endif

#ifdef HAVE_UTHASH
#include <uthash.h>
#endif

/* The container groups run when the vec and map modules are present. */
#if __has_include(<curriculum/vec.h>) && __has_include(<curriculum/map.h>)
#define HAVE_CONTAINERS 1
#include <curriculum/map.h>
#include <curriculum/vec.h>
#endif

static void die(const char *what)
{
    fprintf(stderr, "bench_dispatch: %s\n", what);
    exit(1);
}

/* Hides a pointer's value from the optimiser (no constant propagation). */
#define OPAQUE(p) __asm__ volatile("" : "+r"(p))

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------ */
/* call-sum                                                                 */
/* ------------------------------------------------------------------------ */

#define CALL_N 4096

/* trait Apply { fn apply(&self, x: i64) -> i64; } */
CUR_DYN_TYPE(dyn_apply, apply_vtable);
typedef struct apply_vtable {
    cur_vtable_t hdr;
    int64_t (*apply)(const void *self, int64_t x);
} apply_vtable_t;

static const cur_trait_method_t apply_methods[] = {
    CUR_TRAIT_REQUIRED(apply_vtable_t, apply),
};
static const cur_trait_t apply_trait =
    CUR_TRAIT_INIT("Apply", apply_vtable_t, apply_methods);

typedef struct affine {
    int64_t mul, add;
} affine_t;

static inline int64_t affine_apply(const void *self, int64_t x)
{
    const affine_t *a = self;
    return a->mul * x + a->add;
}

static const cur_type_t affine_type = CUR_TYPE_COPY_INIT(affine_t);
static const apply_vtable_t affine_apply_vt = {
    .hdr = CUR_VTABLE_HDR(&apply_trait, &affine_type),
    CUR_REQUIRE(apply_vtable_t, apply, affine_apply),
};

/*
 * Static dispatch: the algorithm written once as a macro and stamped out
 * per impl, calling the impl's method by name (monomorphisation).
 */
#define DEFINE_SUM_STATIC(Impl, T)                                           \
    static int64_t sum_static_##Impl(const T *self, const int64_t *v,        \
                                     ptrdiff_t n)                            \
    {                                                                        \
        int64_t s = 0;                                                       \
        for (ptrdiff_t i = 0; i < n; i++) s += Impl##_apply(self, v[i]);     \
        return s;                                                            \
    }
DEFINE_SUM_STATIC(affine, affine_t)

__attribute__((noinline)) static int64_t sum_vtable(dyn_apply obj,
                                                    const int64_t *v,
                                                    ptrdiff_t n)
{
    int64_t s = 0;
    for (ptrdiff_t i = 0; i < n; i++) s += CUR_DYN_CALL(obj, apply, v[i]);
    return s;
}

typedef int64_t (*apply_fn)(const void *ctx, int64_t x);

__attribute__((noinline)) static int64_t sum_fnptr(apply_fn fn,
                                                   const void *ctx,
                                                   const int64_t *v,
                                                   ptrdiff_t n)
{
    int64_t s = 0;
    for (ptrdiff_t i = 0; i < n; i++) s += fn(ctx, v[i]);
    return s;
}

/* enum Op { Affine { mul, add }, Square, Negate } */
typedef enum op_kind { OP_AFFINE, OP_SQUARE, OP_NEGATE } op_kind_t;
typedef struct op {
    op_kind_t kind;
    affine_t affine; /* OP_AFFINE's fields */
} op_t;

__attribute__((noinline)) static int64_t sum_switch(const op_t *op,
                                                    const int64_t *v,
                                                    ptrdiff_t n)
{
    int64_t s = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        int64_t x = v[i];
        switch (op->kind) {
        case OP_AFFINE: s += op->affine.mul * x + op->affine.add; break;
        case OP_SQUARE: s += x * x; break;
        case OP_NEGATE: s -= x; break;
        }
    }
    return s;
}

typedef struct call_state {
    int64_t v[CALL_N];
    affine_t affine;
    op_t op;
} call_state_t;

static void run_call_static(void *state, int64_t iters)
{
    call_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        const affine_t *self = &st->affine;
        OPAQUE(self);
        bench_clobber();
        int64_t s = sum_static_affine(self, st->v, CALL_N);
        bench_black_box(s);
    }
}

static void run_call_vtable(void *state, int64_t iters)
{
    call_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        dyn_apply obj = {&st->affine, &affine_apply_vt};
        OPAQUE(obj.data);
        OPAQUE(obj.vt);
        bench_clobber();
        int64_t s = sum_vtable(obj, st->v, CALL_N);
        bench_black_box(s);
    }
}

static void run_call_fnptr(void *state, int64_t iters)
{
    call_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        apply_fn fn = affine_apply;
        const void *ctx = &st->affine;
        OPAQUE(fn);
        OPAQUE(ctx);
        bench_clobber();
        int64_t s = sum_fnptr(fn, ctx, st->v, CALL_N);
        bench_black_box(s);
    }
}

static void run_call_switch(void *state, int64_t iters)
{
    call_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        const op_t *op = &st->op;
        OPAQUE(op);
        bench_clobber();
        int64_t s = sum_switch(op, st->v, CALL_N);
        bench_black_box(s);
    }
}

static void group_call_sum(bench_t *b)
{
    if (!bench_wants(b, "call-sum")) return;
    static call_state_t st;
    uint64_t seed = 1;
    for (int i = 0; i < CALL_N; i++)
        st.v[i] = (int64_t)(splitmix(&seed) % 2000001) - 1000000;
    st.affine = (affine_t){3, 1};
    st.op = (op_t){.kind = OP_AFFINE, .affine = st.affine};

    dyn_apply obj = {&st.affine, &affine_apply_vt};
    int64_t want = sum_static_affine(&st.affine, st.v, CALL_N);
    if (sum_vtable(obj, st.v, CALL_N) != want ||
        sum_fnptr(affine_apply, &st.affine, st.v, CALL_N) != want ||
        sum_switch(&st.op, st.v, CALL_N) != want)
        die("call-sum: the impls disagree");

    bench_impl_t impls[] = {
        {.name = "static", .fn = run_call_static, .state = &st},
        {.name = "vtable", .fn = run_call_vtable, .state = &st},
        {.name = "fnptr", .fn = run_call_fnptr, .state = &st},
        {.name = "switch", .fn = run_call_switch, .state = &st},
    };
    bench_group(b, "call-sum", "ns/elem", CALL_N, impls, 4);
}

/* ------------------------------------------------------------------------ */
/* iter-pipeline                                                            */
/* ------------------------------------------------------------------------ */

#define PIPE_N 65536

typedef struct pipe_state {
    int32_t v[PIPE_N];
} pipe_state_t;

/* The dynamic pipeline's callbacks. */
static bool keep_dyn(void *ctx, const void *item)
{
    (void)ctx;
    int32_t x;
    memcpy(&x, item, sizeof x);
    return x % 3 != 0;
}

static void twice_plus_one_dyn(void *ctx, const void *in, void *out)
{
    (void)ctx;
    int32_t x;
    memcpy(&x, in, sizeof x);
    int64_t y = 2 * (int64_t)x + 1;
    memcpy(out, &y, sizeof y);
}

static int add_dyn(void *ctx, void *acc, const void *item)
{
    (void)ctx;
    int64_t y;
    memcpy(&y, item, sizeof y);
    *(int64_t *)acc += y;
    return 0;
}

static int64_t pipeline_dyn(const int32_t *v, ptrdiff_t n)
{
    cur_iter_slice_t s;
    cur_iter_filter_t f;
    cur_iter_map_t m;
    cur_iter_t it;
    int64_t acc = 0;
    if (cur_iter_slice(&s, v, n, sizeof *v, &it) < 0 ||
        cur_iter_filter(&f, it, keep_dyn, NULL, &it) < 0 ||
        cur_iter_map(&m, it, sizeof(int64_t), twice_plus_one_dyn, NULL,
                     &it) < 0 ||
        cur_iter_fold(it, &acc, add_dyn, NULL) < 0)
        die("iter-pipeline: cur_iter setup failed");
    return acc;
}

static int64_t pipeline_loop(const int32_t *v, ptrdiff_t n)
{
    int64_t acc = 0;
    for (ptrdiff_t i = 0; i < n; i++)
        if (v[i] % 3 != 0) acc += 2 * (int64_t)v[i] + 1;
    return acc;
}

/* The static pipeline: the same steps, monomorphised. */
static inline bool keep_st(void *ctx, const int32_t *x)
{
    (void)ctx;
    return *x % 3 != 0;
}

static inline int64_t twice_plus_one_st(void *ctx, int32_t x)
{
    (void)ctx;
    return 2 * (int64_t)x + 1;
}

static inline int64_t add_st(void *ctx, int64_t acc, int64_t y)
{
    (void)ctx;
    return acc + y;
}

CUR_STATIC_ITER_SLICE(st_i32, int32_t)
CUR_STATIC_ITER_FILTER(st_kept, st_i32, int32_t, keep_st)
CUR_STATIC_ITER_MAP(st_mapped, st_kept, int32_t, int64_t, twice_plus_one_st)
CUR_STATIC_ITER_FOLD(st_mapped, int64_t, int64_t, add_st)

static int64_t pipeline_static(const int32_t *v, ptrdiff_t n)
{
    st_mapped it =
        st_mapped_new(st_kept_new(st_i32_new(v, n), NULL), NULL);
    return st_mapped_fold(&it, 0, NULL);
}

static void run_pipe_dyn(void *state, int64_t iters)
{
    pipe_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        int64_t s = pipeline_dyn(st->v, PIPE_N);
        bench_black_box(s);
    }
}

static void run_pipe_loop(void *state, int64_t iters)
{
    pipe_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        int64_t s = pipeline_loop(st->v, PIPE_N);
        bench_black_box(s);
    }
}

static void run_pipe_static(void *state, int64_t iters)
{
    pipe_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        int64_t s = pipeline_static(st->v, PIPE_N);
        bench_black_box(s);
    }
}

static void group_iter_pipeline(bench_t *b)
{
    if (!bench_wants(b, "iter-pipeline")) return;
    static pipe_state_t st;
    uint64_t seed = 2;
    for (int i = 0; i < PIPE_N; i++)
        st.v[i] = (int32_t)(splitmix(&seed) % 2000001) - 1000000;
    int64_t want = pipeline_loop(st.v, PIPE_N);
    if (pipeline_dyn(st.v, PIPE_N) != want ||
        pipeline_static(st.v, PIPE_N) != want)
        die("iter-pipeline: the impls disagree");

    bench_impl_t impls[] = {
        {.name = "cur-iter", .fn = run_pipe_dyn, .state = &st},
        {.name = "loop", .fn = run_pipe_loop, .state = &st},
        {.name = "static-iter", .fn = run_pipe_static, .state = &st},
    };
    bench_group(b, "iter-pipeline", "ns/elem", PIPE_N, impls, 3);
}

#ifdef HAVE_CONTAINERS
/* ------------------------------------------------------------------------ */
/* vec-push                                                                 */
/* ------------------------------------------------------------------------ */

#define PUSH_N 65536

CUR_VEC_DECLARE(bvec, int64_t);

/* The hand-written peer: what a C programmer types without a library. */
typedef struct hand_vec {
    int64_t *p;
    ptrdiff_t len, cap;
} hand_vec_t;

static inline int hand_push(hand_vec_t *v, int64_t x)
{
    if (v->len == v->cap) {
        ptrdiff_t cap = v->cap ? 2 * v->cap : 4;
        int64_t *p = realloc(v->p, (size_t)cap * sizeof *p);
        if (!p) return -1;
        v->p = p;
        v->cap = cap;
    }
    v->p[v->len++] = x;
    return 0;
}

static void run_push_cur(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bvec_t v;
        bvec_init(&v, NULL);
        for (int64_t k = 0; k < PUSH_N; k++)
            if (bvec_push(&v, k) != 0) die("vec-push: out of memory");
        bench_black_box(v.data[PUSH_N - 1]);
        bvec_destroy(&v);
    }
}

static void run_push_hand(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        hand_vec_t v = {0};
        for (int64_t k = 0; k < PUSH_N; k++)
            if (hand_push(&v, k) != 0) die("vec-push: out of memory");
        bench_black_box(v.p[PUSH_N - 1]);
        free(v.p);
    }
}

static void group_vec_push(bench_t *b)
{
    if (!bench_wants(b, "vec-push")) return;
    bench_impl_t impls[] = {
        {.name = "cur-vec", .fn = run_push_cur},
        {.name = "hand", .fn = run_push_hand},
    };
    bench_group(b, "vec-push", "ns/push", PUSH_N, impls, 2);
}

/* ------------------------------------------------------------------------ */
/* map-insert, map-lookup                                                   */
/* ------------------------------------------------------------------------ */

#define MAP_N 65536

CUR_MAP_DECLARE_U64(bmap, uint64_t);

#ifdef HAVE_UTHASH
typedef struct ut_node {
    uint64_t key;
    uint64_t value;
    UT_hash_handle hh;
} ut_node_t;
#endif

typedef struct map_state {
    uint64_t keys[MAP_N];   /* distinct random keys */
    uint64_t order[MAP_N];  /* the keys again, shuffled: lookup order */
    bmap_t built;           /* for map-lookup */
#ifdef HAVE_UTHASH
    ut_node_t *nodes;       /* MAP_N intrusive nodes, for map-insert */
    ut_node_t *built_nodes; /* MAP_N more, linked into head */
    ut_node_t *head;        /* for map-lookup */
#endif
} map_state_t;

static void run_insert_cur(void *state, int64_t iters)
{
    map_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bmap_t m;
        bmap_init_seeded(&m, NULL, 12345);
        for (ptrdiff_t k = 0; k < MAP_N; k++)
            if (bmap_insert(&m, st->keys[k], (uint64_t)k, NULL) < 0)
                die("map-insert: out of memory");
        bench_black_box(m.len);
        bmap_destroy(&m);
    }
}

static void run_lookup_cur(void *state, int64_t iters)
{
    map_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        uint64_t s = 0;
        for (ptrdiff_t k = 0; k < MAP_N; k++) {
            const uint64_t *v = bmap_get(&st->built, st->order[k]);
            s += v ? *v : 0;
        }
        bench_black_box(s);
    }
}

#ifdef HAVE_UTHASH
static void run_insert_ut(void *state, int64_t iters)
{
    map_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        ut_node_t *head = NULL;
        for (ptrdiff_t k = 0; k < MAP_N; k++) {
            ut_node_t *n = &st->nodes[k];
            n->key = st->keys[k];
            n->value = (uint64_t)k;
            HASH_ADD(hh, head, key, sizeof n->key, n);
        }
        bench_black_box(head);
        HASH_CLEAR(hh, head);
    }
}

static void run_lookup_ut(void *state, int64_t iters)
{
    map_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        uint64_t s = 0;
        for (ptrdiff_t k = 0; k < MAP_N; k++) {
            ut_node_t *n;
            uint64_t key = st->order[k];
            HASH_FIND(hh, st->head, &key, sizeof key, n);
            s += n ? n->value : 0;
        }
        bench_black_box(s);
    }
}
#endif

static void group_maps(bench_t *b)
{
    bool ins = bench_wants(b, "map-insert");
    bool look = bench_wants(b, "map-lookup");
    if (!ins && !look) return;
    static map_state_t st;
    uint64_t seed = 3;
    bmap_t seen;
    bmap_init_seeded(&seen, NULL, 1);
    for (ptrdiff_t k = 0; k < MAP_N;) {
        uint64_t key = splitmix(&seed);
        int rc = bmap_insert(&seen, key, 0, NULL);
        if (rc < 0) die("map setup: out of memory");
        if (rc == CUR_MAP_NEW) st.keys[k++] = key;
    }
    bmap_destroy(&seen);
    memcpy(st.order, st.keys, sizeof st.order);
    for (ptrdiff_t k = MAP_N - 1; k > 0; k--) {
        ptrdiff_t j = (ptrdiff_t)(splitmix(&seed) % (uint64_t)(k + 1));
        uint64_t t = st.order[k];
        st.order[k] = st.order[j];
        st.order[j] = t;
    }
    bmap_init_seeded(&st.built, NULL, 12345);
    for (ptrdiff_t k = 0; k < MAP_N; k++)
        if (bmap_insert(&st.built, st.keys[k], (uint64_t)k, NULL) < 0)
            die("map setup: out of memory");

    const char *why = "uthash.h not found (Debian: apt-get install uthash-dev)";
    bench_fn ut_insert = NULL, ut_lookup = NULL;
#ifdef HAVE_UTHASH
    why = NULL;
    /* Separate nodes: an intrusive node is in one table at a time. */
    st.nodes = calloc(MAP_N, sizeof *st.nodes);
    st.built_nodes = calloc(MAP_N, sizeof *st.built_nodes);
    if (!st.nodes || !st.built_nodes) die("map setup: out of memory");
    for (ptrdiff_t k = 0; k < MAP_N; k++) {
        ut_node_t *n = &st.built_nodes[k];
        n->key = st.keys[k];
        n->value = (uint64_t)k;
        HASH_ADD(hh, st.head, key, sizeof n->key, n);
    }
    /* Both maps must find every key with its index. */
    for (ptrdiff_t k = 0; k < MAP_N; k++) {
        ut_node_t *n;
        uint64_t key = st.keys[k];
        HASH_FIND(hh, st.head, &key, sizeof key, n);
        const uint64_t *v = bmap_get(&st.built, key);
        if (!n || !v || n->value != (uint64_t)k || *v != (uint64_t)k)
            die("map: the impls disagree");
    }
    ut_insert = run_insert_ut;
    ut_lookup = run_lookup_ut;
#endif

    if (ins) {
        bench_impl_t impls[] = {
            {.name = "cur-map", .fn = run_insert_cur, .state = &st},
            {.name = "uthash", .fn = ut_insert, .state = &st,
             .why_missing = why},
        };
        bench_group(b, "map-insert", "ns/insert", MAP_N, impls, 2);
    }
    if (look) {
        bench_impl_t impls[] = {
            {.name = "cur-map", .fn = run_lookup_cur, .state = &st},
            {.name = "uthash", .fn = ut_lookup, .state = &st,
             .why_missing = why},
        };
        bench_group(b, "map-lookup", "ns/lookup", MAP_N, impls, 2);
    }

    bmap_destroy(&st.built);
#ifdef HAVE_UTHASH
    HASH_CLEAR(hh, st.head);
    free(st.nodes);
    free(st.built_nodes);
#endif
}
#endif /* HAVE_CONTAINERS */

int main(int argc, char **argv)
{
    bench_t *b = bench_init("dispatch", argc, argv);
    if (!b) return 2;
    group_call_sum(b);
    group_iter_pipeline(b);
#ifdef HAVE_CONTAINERS
    group_vec_push(b);
    group_maps(b);
#endif
    return bench_finish(b);
}
