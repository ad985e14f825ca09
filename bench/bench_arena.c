/*
 * bench/bench_arena.c: the `arena` suite.
 *
 * Groups (ns per operation; every impl does the same work). The op is an
 * allocation and its share of the free, as malloc + free does it: no
 * zeroing (cur-arena uses its NOZERO form; the zeroed default adds the
 * cost of a memset of the block, the same for every allocator), and one
 * 8-byte store into each block so that no allocation can be optimized
 * away.
 *   alloc-64B     one op = allocate a 64-byte object and write its first
 *                 word. Objects are made in batches of 1024 (each pointer
 *                 kept in an array); after each batch all 1024 are freed
 *                 (malloc family: free each one; cur-arena: restore the
 *                 mark taken before the batch; bump: reset the pointer).
 *                 The free-all is amortized over the batch's 1024 ops.
 *   alloc-mixed   the same with sizes from a fixed pseudo-random sequence
 *                 of 1024 sizes in 8..512, alignment 16.
 *   tree-1M       one op = one node of a balanced binary tree of 2^20
 *                 nodes (24 bytes, every field written): build the whole
 *                 tree, then free it (malloc family: post-order free of
 *                 every node; cur-arena: cur_arena_reset, which keeps the
 *                 chunks for the next build as malloc keeps its heap; bump:
 *                 reset), divided by 2^20.
 *   tree-1M-free  the free phase alone, per node: the tree is built untimed
 *                 (the harness's one-shot setup) before each sample, and a
 *                 sample is one whole free.
 *
 * Impls:
 *   cur-arena  this library's arena, chunks from glibc malloc (the default
 *              build's hook), default chunk size.
 *   malloc     glibc, called as __libc_malloc/__libc_free. This program is
 *              linked with -ljemalloc (for mallocx: jemalloc cannot be
 *              dlopen'ed), and Debian's libjemalloc exports malloc/free, so
 *              a plain malloc() here would be jemalloc.
 *   jemalloc   mallocx/sdallocx, looked up at run time (dlsym; dlopen as a
 *              fallback, which fails when jemalloc is not linked because
 *              of its initial-exec TLS: then marked missing).
 *   mimalloc   mi_malloc/mi_free from libmimalloc.so.2, dlopen'ed with
 *              RTLD_LOCAL so that its malloc override stays out of the
 *              process (linking -lmimalloc would replace malloc).
 *   bump       a raw downward bump pointer over a preallocated, prefaulted
 *              buffer: the physical floor.
 */
#include <curriculum/arena.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "harness.h"

/* glibc's own entry points, whatever malloc resolves to. */
extern void *__libc_malloc(size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);

#define BATCH 1024
#define TREE_DEPTH 20
#define TREE_N ((int64_t)1 << TREE_DEPTH)

static void oom(void)
{
    fprintf(stderr, "bench_arena: out of memory\n");
    abort();
}

/* --- peers --------------------------------------------------------------- */

typedef void *(*mallocx_fn)(size_t size, int flags);
typedef void (*sdallocx_fn)(void *ptr, size_t size, int flags);
typedef void *(*mi_malloc_fn)(size_t size);
typedef void (*mi_free_fn)(void *ptr);

static mallocx_fn je_mallocx;
static sdallocx_fn je_sdallocx;
static mi_malloc_fn mi_malloc_p;
static mi_free_fn mi_free_p;
static char je_why[256], mi_why[256];

static void load_peers(void)
{
    je_mallocx = (mallocx_fn)dlsym(RTLD_DEFAULT, "mallocx");
    je_sdallocx = (sdallocx_fn)dlsym(RTLD_DEFAULT, "sdallocx");
    if (!je_mallocx || !je_sdallocx) {
        void *h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
        if (h) {
            je_mallocx = (mallocx_fn)dlsym(h, "mallocx");
            je_sdallocx = (sdallocx_fn)dlsym(h, "sdallocx");
        } else {
            snprintf(je_why, sizeof je_why, "%s", dlerror());
        }
    }
    if ((!je_mallocx || !je_sdallocx) && !je_why[0])
        snprintf(je_why, sizeof je_why, "mallocx/sdallocx not found");

    void *h = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
    if (h) {
        mi_malloc_p = (mi_malloc_fn)dlsym(h, "mi_malloc");
        mi_free_p = (mi_free_fn)dlsym(h, "mi_free");
        if (!mi_malloc_p || !mi_free_p)
            snprintf(mi_why, sizeof mi_why, "mi_malloc/mi_free not found");
    } else {
        snprintf(mi_why, sizeof mi_why, "%s", dlerror());
    }
}

static bool have_je(void) { return je_mallocx && je_sdallocx; }
static bool have_mi(void) { return mi_malloc_p && mi_free_p; }

/* The default build's hook, pinned to glibc (see the top of the file). */
static void *g_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    return __libc_malloc((size_t)size);
}

static void *g_resize(void *ctx, void *p, ptrdiff_t old_size,
                      ptrdiff_t new_size)
{
    (void)ctx;
    (void)old_size;
    return __libc_realloc(p, (size_t)new_size);
}

static void g_release(void *ctx, void *p, ptrdiff_t size)
{
    (void)ctx;
    (void)size;
    __libc_free(p);
}

static const cur_alloc_t glibc_hook = {g_alloc, g_resize, g_release, NULL};

/* The raw bump pointer: downward, like the arena, no checks but room. */
typedef struct bump {
    char *beg, *end, *top;
} bump_t;

static void bump_init(bump_t *b, size_t size)
{
    char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) oom();
    b->beg = p;
    b->end = b->top = p + size;
}

static inline void *bump_alloc(bump_t *b, ptrdiff_t size, ptrdiff_t align)
{
    uintptr_t p = ((uintptr_t)b->end - (uintptr_t)size) & -(uintptr_t)align;
    if (p < (uintptr_t)b->beg) return NULL;
    b->end = (char *)p;
    return (char *)p;
}

/* --- state --------------------------------------------------------------- */

typedef struct obj64 {
    uint64_t w[8];
} obj64_t;

typedef struct node {
    struct node *left, *right;
    int64_t key;
} node_t;

typedef struct state {
    cur_arena_t arena;
    bump_t bump;
    void *ptrs[BATCH];
    ptrdiff_t sizes[BATCH];
    node_t *root;
} state_t;

static state_t st;

/* --- alloc-64B ----------------------------------------------------------- */

/* Runs body for each batch of up to BATCH ops, with n the batch's size. */
#define BATCHED(iters, n, body)                                              \
    for (int64_t done_ = 0; done_ < (iters); done_ += BATCH) {               \
        int64_t n = (iters) - done_ < BATCH ? (iters) - done_ : BATCH;       \
        body                                                                 \
    }

static void a64_arena(void *arg, int64_t iters)
{
    state_t *s = arg;
    cur_arena_t *a = &s->arena;
    BATCHED(iters, n, {
        cur_arena_mark_t m = cur_arena_save(a);
        for (int64_t i = 0; i < n; i++) {
            obj64_t *p = CUR_ARENA_NEW_NOZERO(a, obj64_t);
            if (!p) oom();
            p->w[0] = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        cur_arena_restore(&m);
    })
}

static void a64_malloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            obj64_t *p = __libc_malloc(64);
            if (!p) oom();
            p->w[0] = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++) __libc_free(s->ptrs[i]);
    })
}

static void a64_jemalloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            obj64_t *p = je_mallocx(64, 0);
            if (!p) oom();
            p->w[0] = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++) je_sdallocx(s->ptrs[i], 64, 0);
    })
}

static void a64_mimalloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            obj64_t *p = mi_malloc_p(64);
            if (!p) oom();
            p->w[0] = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++) mi_free_p(s->ptrs[i]);
    })
}

static void a64_bump(void *arg, int64_t iters)
{
    state_t *s = arg;
    bump_t *b = &s->bump;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            obj64_t *p = bump_alloc(b, 64, 8);
            if (!p) oom();
            p->w[0] = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        b->end = b->top;
    })
}

/* --- alloc-mixed --------------------------------------------------------- */

static void mixed_arena(void *arg, int64_t iters)
{
    state_t *s = arg;
    cur_arena_t *a = &s->arena;
    BATCHED(iters, n, {
        cur_arena_mark_t m = cur_arena_save(a);
        for (int64_t i = 0; i < n; i++) {
            uint64_t *p = cur_arena_alloc(a, s->sizes[i], 16, 1,
                                          CUR_ARENA_NOZERO);
            if (!p) oom();
            *p = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        cur_arena_restore(&m);
    })
}

static void mixed_malloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            uint64_t *p = __libc_malloc((size_t)s->sizes[i]);
            if (!p) oom();
            *p = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++) __libc_free(s->ptrs[i]);
    })
}

static void mixed_jemalloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            uint64_t *p = je_mallocx((size_t)s->sizes[i], 0);
            if (!p) oom();
            *p = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++)
            je_sdallocx(s->ptrs[i], (size_t)s->sizes[i], 0);
    })
}

static void mixed_mimalloc(void *arg, int64_t iters)
{
    state_t *s = arg;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            uint64_t *p = mi_malloc_p((size_t)s->sizes[i]);
            if (!p) oom();
            *p = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        for (int64_t i = 0; i < n; i++) mi_free_p(s->ptrs[i]);
    })
}

static void mixed_bump(void *arg, int64_t iters)
{
    state_t *s = arg;
    bump_t *b = &s->bump;
    BATCHED(iters, n, {
        for (int64_t i = 0; i < n; i++) {
            uint64_t *p = bump_alloc(b, s->sizes[i], 16);
            if (!p) oom();
            *p = (uint64_t)i;
            bench_black_box(p);
            s->ptrs[i] = p;
        }
        b->end = b->top;
    })
}

/* --- tree-1M ------------------------------------------------------------- */

/* Builds the balanced tree of keys [lo, hi) with the given allocation. */
#define DEFINE_BUILD(name, ctx_t, ALLOC)                                     \
    static node_t *name(ctx_t ctx, int64_t lo, int64_t hi)                   \
    {                                                                        \
        if (lo >= hi) return NULL;                                           \
        int64_t mid = lo + (hi - lo) / 2;                                    \
        node_t *n = ALLOC;                                                   \
        if (!n) oom();                                                       \
        n->key = mid;                                                        \
        n->left = name(ctx, lo, mid);                                        \
        n->right = name(ctx, mid + 1, hi);                                   \
        return n;                                                            \
    }

DEFINE_BUILD(build_arena, cur_arena_t *, CUR_ARENA_NEW_NOZERO(ctx, node_t))
DEFINE_BUILD(build_malloc, void *, __libc_malloc(sizeof(node_t)))
DEFINE_BUILD(build_jemalloc, void *, je_mallocx(sizeof(node_t), 0))
DEFINE_BUILD(build_mimalloc, void *, mi_malloc_p(sizeof(node_t)))
DEFINE_BUILD(build_bump, bump_t *,
             bump_alloc(ctx, CUR_SIZEOF(node_t), _Alignof(node_t)))

/* Node by node, children first. */
#define DEFINE_FREE(name, FREE)                                              \
    static void name(node_t *n)                                              \
    {                                                                        \
        if (!n) return;                                                      \
        name(n->left);                                                       \
        name(n->right);                                                      \
        FREE;                                                                \
    }

DEFINE_FREE(free_malloc, __libc_free(n))
DEFINE_FREE(free_jemalloc, je_sdallocx(n, sizeof(node_t), 0))
DEFINE_FREE(free_mimalloc, mi_free_p(n))

/* One impl of the tree workload: build into s->root, free s->root. */
typedef struct tree_impl {
    void (*build)(state_t *s);
    void (*free_all)(state_t *s);
} tree_impl_t;

static void tb_arena(state_t *s)
{
    s->root = build_arena(&s->arena, 0, TREE_N);
}

static void tf_arena(state_t *s) { cur_arena_reset(&s->arena); }
static void tb_malloc(state_t *s) { s->root = build_malloc(NULL, 0, TREE_N); }
static void tf_malloc(state_t *s) { free_malloc(s->root); }
static void tb_jemalloc(state_t *s) { s->root = build_jemalloc(0, 0, TREE_N); }
static void tf_jemalloc(state_t *s) { free_jemalloc(s->root); }
static void tb_mimalloc(state_t *s) { s->root = build_mimalloc(0, 0, TREE_N); }
static void tf_mimalloc(state_t *s) { free_mimalloc(s->root); }
static void tb_bump(state_t *s) { s->root = build_bump(&s->bump, 0, TREE_N); }
static void tf_bump(state_t *s) { s->bump.end = s->bump.top; }

static const tree_impl_t tree_impls[] = {
    {tb_arena, tf_arena},       {tb_malloc, tf_malloc},
    {tb_jemalloc, tf_jemalloc}, {tb_mimalloc, tf_mimalloc},
    {tb_bump, tf_bump},
};

#define DEFINE_TREE_FN(name, idx)                                            \
    static void name(void *arg, int64_t iters)                               \
    {                                                                        \
        state_t *s = arg;                                                    \
        for (int64_t i = 0; i < iters; i++) {                                \
            tree_impls[idx].build(s);                                        \
            bench_black_box(s->root);                                        \
            tree_impls[idx].free_all(s);                                     \
            bench_clobber();                                                 \
        }                                                                    \
    }

DEFINE_TREE_FN(tree_arena, 0)
DEFINE_TREE_FN(tree_malloc, 1)
DEFINE_TREE_FN(tree_jemalloc, 2)
DEFINE_TREE_FN(tree_mimalloc, 3)
DEFINE_TREE_FN(tree_bump, 4)

/* --- tree-1M-free: the free phase alone ---------------------------------- */

/*
 * One-shot impls: the harness calls free_phase_setup untimed (build the
 * tree) before every timed free_phase_run (free it), so a sample is one
 * whole free of 2^20 nodes.
 */
typedef struct free_phase {
    int impl; /* index into tree_impls */
} free_phase_t;

static void free_phase_setup(void *arg)
{
    const free_phase_t *f = arg;
    tree_impls[f->impl].build(&st);
    bench_black_box(st.root);
}

static void free_phase_run(void *arg, int64_t iters)
{
    const free_phase_t *f = arg;
    (void)iters; /* always 1 for one-shot impls */
    tree_impls[f->impl].free_all(&st);
    bench_clobber();
}

/* --- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
    bench_t *b = bench_init("arena", argc, argv);
    if (!b) return 2;
    load_peers();

    if (cur_arena_init(&st.arena, &glibc_hook, 0) != 0) oom();
    /* Enough for a batch of 512-byte blocks and for the 24 MiB tree. */
    bump_init(&st.bump, (size_t)64 << 20);
    uint32_t x = 2463534242u; /* xorshift32 */
    for (int i = 0; i < BATCH; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        st.sizes[i] = 8 + (ptrdiff_t)(x % 505); /* 8..512 */
    }

    const char *je_missing = have_je() ? NULL : je_why;
    const char *mi_missing = have_mi() ? NULL : mi_why;
    bench_impl_t a64[] = {
        {.name = "cur-arena", .fn = a64_arena, .state = &st},
        {.name = "malloc", .fn = a64_malloc, .state = &st},
        {.name = "jemalloc", .fn = have_je() ? a64_jemalloc : NULL,
         .state = &st, .why_missing = je_missing},
        {.name = "mimalloc", .fn = have_mi() ? a64_mimalloc : NULL,
         .state = &st, .why_missing = mi_missing},
        {.name = "bump", .fn = a64_bump, .state = &st},
    };
    bench_group(b, "alloc-64B", "ns/op", 1, a64, CUR_COUNTOF(a64));

    bench_impl_t mixed[] = {
        {.name = "cur-arena", .fn = mixed_arena, .state = &st},
        {.name = "malloc", .fn = mixed_malloc, .state = &st},
        {.name = "jemalloc", .fn = have_je() ? mixed_jemalloc : NULL,
         .state = &st, .why_missing = je_missing},
        {.name = "mimalloc", .fn = have_mi() ? mixed_mimalloc : NULL,
         .state = &st, .why_missing = mi_missing},
        {.name = "bump", .fn = mixed_bump, .state = &st},
    };
    bench_group(b, "alloc-mixed", "ns/op", 1, mixed, CUR_COUNTOF(mixed));

    bench_impl_t tree[] = {
        {.name = "cur-arena", .fn = tree_arena, .state = &st},
        {.name = "malloc", .fn = tree_malloc, .state = &st},
        {.name = "jemalloc", .fn = have_je() ? tree_jemalloc : NULL,
         .state = &st, .why_missing = je_missing},
        {.name = "mimalloc", .fn = have_mi() ? tree_mimalloc : NULL,
         .state = &st, .why_missing = mi_missing},
        {.name = "bump", .fn = tree_bump, .state = &st},
    };
    bench_group(b, "tree-1M", "ns/node", (double)TREE_N, tree,
                CUR_COUNTOF(tree));

    static free_phase_t fp[] = {{0}, {1}, {2}, {3}, {4}};
    bench_impl_t tree_free[] = {
        {.name = "cur-arena", .fn = free_phase_run, .state = &fp[0],
         .why_missing = NULL, .setup = free_phase_setup},
        {.name = "malloc", .fn = free_phase_run, .state = &fp[1],
         .why_missing = NULL, .setup = free_phase_setup},
        {.name = "jemalloc", .fn = have_je() ? free_phase_run : NULL,
         .state = &fp[2], .why_missing = je_missing,
         .setup = free_phase_setup},
        {.name = "mimalloc", .fn = have_mi() ? free_phase_run : NULL,
         .state = &fp[3], .why_missing = mi_missing,
         .setup = free_phase_setup},
        {.name = "bump", .fn = free_phase_run, .state = &fp[4],
         .why_missing = NULL, .setup = free_phase_setup},
    };
    bench_group(b, "tree-1M-free", "ns/node", (double)TREE_N, tree_free,
                CUR_COUNTOF(tree_free));

    cur_arena_destroy(&st.arena);
    munmap(st.bump.beg, (size_t)(st.bump.top - st.bump.beg));
    return bench_finish(b);
}
