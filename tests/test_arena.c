/*
 * tests/test_arena.c: the arena module (include/curriculum/arena.h).
 *
 * Arenas under test use cur_test_alloc, so every chunk is counted and
 * sized frees are checked; each test ends with no live bytes. The scratch
 * arenas use the default hook and are released at the end of the tests
 * that touch them.
 */
#include <criterion/criterion.h>
#include <curriculum/arena.h>
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/alloc.h"
#include "support/quiet.h"

#if CUR__ARENA_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define SMALL_CHUNK ((ptrdiff_t)1024)

static bool aligned_to(const void *p, ptrdiff_t align)
{
    return ((uintptr_t)p & (uintptr_t)(align - 1)) == 0;
}

static bool all_bytes(const void *p, unsigned char v, ptrdiff_t n)
{
    const unsigned char *b = p;
    for (ptrdiff_t i = 0; i < n; i++)
        if (b[i] != v) return false;
    return true;
}

static void init_small(cur_arena_t *a)
{
    cr_assert_eq(cur_arena_init(a, &cur_test_alloc, SMALL_CHUNK), 0);
}

/* --- lifecycle ----------------------------------------------------------- */

Test(arena, init_allocates_one_chunk_and_destroy_frees_it)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_stats_t st = cur_arena_stats(&a);
    cr_assert_eq(st.chunks, 1);
    cr_assert_eq(st.reserved, SMALL_CHUNK);
    cr_assert_eq(st.used, 0);
    cr_assert_eq(cur_test_live_bytes(), SMALL_CHUNK);
    cr_assert_eq(cur_arena_error(&a), 0);
    cur_arena_destroy(&a);
    cr_assert(all_bytes(&a, 0, CUR_SIZEOF(a)), "destroy zeroes the struct");
    cur_arena_destroy(&a); /* zeroed: a no-op */
    cur_arena_destroy(NULL);
    cur_arena_reset(&a); /* zeroed: a no-op */
    st = cur_arena_stats(&a);
    cr_assert_eq(st.chunks + st.reserved + st.used, 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, init_rejects_bad_chunk_sizes_and_zeroes_the_struct)
{
    static const ptrdiff_t bad[] = {-1, 1, 64, CUR_ARENA_MIN_CHUNK - 1,
                                    PTRDIFF_MIN};
    for (int i = 0; i < CUR_COUNTOF(bad); i++) {
        cur_arena_t a;
        memset(&a, 0x5a, sizeof a);
        cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, bad[i]), CUR_EINVAL,
                     "chunk_size %td", bad[i]);
        cr_assert(all_bytes(&a, 0, CUR_SIZEOF(a)));
        cur_arena_destroy(&a);
    }
    cur_arena_t a;
    cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, 0), 0);
    cr_assert_eq(cur_arena_stats(&a).reserved, CUR_ARENA_DEFAULT_CHUNK);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, CUR_ARENA_MIN_CHUNK), 0);
    cr_assert_not_null(CUR_ARENA_NEW(&a, long));
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, default_hook_when_alloc_is_null)
{
    cur_arena_t a;
    cr_assert_eq(cur_arena_init(&a, NULL, 4096), 0);
    for (int i = 0; i < 1000; i++) {
        int *p = CUR_ARENA_NEW(&a, int);
        cr_assert_not_null(p);
        *p = i;
    }
    cr_assert_gt(cur_arena_stats(&a).chunks, 1);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, allocation_from_a_zeroed_arena_panics, .signal = SIGABRT)
{
    cur_arena_t a = {0};
    (void)CUR_ARENA_NEW(&a, int);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, allocation_after_destroy_panics, .signal = SIGABRT)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_destroy(&a);
    (void)CUR_ARENA_NEW(&a, int);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- alignment ----------------------------------------------------------- */

typedef struct { char c; } one_t;
typedef struct { char c; short s; } two_t;
typedef struct { char c; double d; } dbl_t;
typedef struct { alignas(32) char c; } al32_t;
typedef struct { alignas(64) char c[3]; } al64_t;
typedef struct { alignas(128) int x; } al128_t;
typedef struct { alignas(4096) char page[10]; } al4096_t;
typedef struct { char c[13]; } odd13_t;

struct seen {
    unsigned char *p;
    ptrdiff_t n;
    unsigned char tag;
};

/* Allocates T, checks alignment and zeroing, fills it with a tag. */
#define CHECK_TYPE(a, T, log, nlog)                                          \
    do {                                                                     \
        T *p_ = CUR_ARENA_NEW((a), T);                                       \
        cr_assert_not_null(p_, "%s", #T);                                    \
        cr_assert(aligned_to(p_, (ptrdiff_t)alignof(T)), "%s at %p", #T,     \
                  (void *)p_);                                               \
        cr_assert(all_bytes(p_, 0, CUR_SIZEOF(T)), "%s not zeroed", #T);     \
        unsigned char tag_ = (unsigned char)(nlog + 1);                      \
        memset(p_, tag_, sizeof(T));                                         \
        (log)[(nlog)++] = (struct seen){(unsigned char *)p_, CUR_SIZEOF(T),  \
                                        tag_};                               \
    } while (0)

static void alignment_round(cur_arena_t *a)
{
    struct seen log[400];
    int n = 0;
    for (int round = 0; round < 20; round++) {
        CHECK_TYPE(a, char, log, n);
        CHECK_TYPE(a, one_t, log, n);
        CHECK_TYPE(a, short, log, n);
        CHECK_TYPE(a, two_t, log, n);
        CHECK_TYPE(a, int, log, n);
        CHECK_TYPE(a, long long, log, n);
        CHECK_TYPE(a, double, log, n);
        CHECK_TYPE(a, dbl_t, log, n);
        CHECK_TYPE(a, long double, log, n);
        CHECK_TYPE(a, max_align_t, log, n);
        CHECK_TYPE(a, void *, log, n);
        CHECK_TYPE(a, odd13_t, log, n);
        CHECK_TYPE(a, al32_t, log, n);
        CHECK_TYPE(a, al64_t, log, n);
        CHECK_TYPE(a, al128_t, log, n);
        if (round % 5 == 0) CHECK_TYPE(a, al4096_t, log, n);
    }
    /* Nothing overlapped: every block still holds its own tag. */
    for (int i = 0; i < n; i++)
        cr_assert(all_bytes(log[i].p, log[i].tag, log[i].n), "block %d", i);
}

Test(arena, every_type_is_aligned_and_zeroed)
{
    cur_arena_t a;
    init_small(&a);
    alignment_round(&a);
    cur_arena_reset(&a);
    alignment_round(&a);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, 0), 0);
    alignment_round(&a);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, explicit_alignments_from_1_to_max)
{
    cur_arena_t a;
    init_small(&a);
    static const ptrdiff_t sizes[] = {1, 3, 8, 24, 100, 700, 5000};
    for (ptrdiff_t align = 1; align <= CUR_ARENA_MAX_ALIGN; align *= 2) {
        for (int i = 0; i < CUR_COUNTOF(sizes); i++) {
            for (int flags = 0; flags < 2; flags++) {
                char *p = cur_arena_alloc(&a, sizes[i], align, 1, flags);
                cr_assert_not_null(p);
                cr_assert(aligned_to(p, align), "align %td size %td: %p",
                          align, sizes[i], (void *)p);
                if (!flags) cr_assert(all_bytes(p, 0, sizes[i]));
                memset(p, 0x77, (size_t)sizes[i]);
            }
        }
    }
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- growth -------------------------------------------------------------- */

Test(arena, grows_across_chunks_and_keeps_every_block)
{
    cur_arena_t a;
    init_small(&a);
    enum { N = 300 };
    unsigned char *blk[N];
    for (int i = 0; i < N; i++) {
        blk[i] = CUR_ARENA_NEW_ARRAY(&a, unsigned char, 40);
        cr_assert_not_null(blk[i]);
        memset(blk[i], i & 0xff, 40);
    }
    cur_arena_stats_t st = cur_arena_stats(&a);
    cr_assert_gt(st.chunks, 5, "40 x 300 bytes need many 1 KiB chunks");
    cr_assert_eq(st.reserved, st.chunks * SMALL_CHUNK);
    cr_assert_geq(st.used, N * 40);
    cr_assert_eq(cur_test_live_bytes(), st.reserved);
    for (int i = 0; i < N; i++)
        cr_assert(all_bytes(blk[i], (unsigned char)(i & 0xff), 40), "%d", i);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, large_blocks_get_their_own_chunk_and_keep_the_current_one)
{
    cur_arena_t a;
    init_small(&a);
    char *before = CUR_ARENA_NEW_ARRAY(&a, char, 16);
    cur_arena_stats_t st0 = cur_arena_stats(&a);

    /* Five times the chunk size: a chunk of its own. */
    char *big = CUR_ARENA_NEW_ARRAY(&a, char, 5 * SMALL_CHUNK);
    cr_assert_not_null(big);
    cr_assert(all_bytes(big, 0, 5 * SMALL_CHUNK));
    memset(big, 0xee, (size_t)(5 * SMALL_CHUNK));
    cur_arena_stats_t st1 = cur_arena_stats(&a);
    cr_assert_eq(st1.chunks, st0.chunks + 1);
    cr_assert_gt(st1.reserved - st0.reserved, 5 * SMALL_CHUNK);
    cr_assert_eq(st1.used, st0.used + 5 * SMALL_CHUNK);

    /* The next small block still comes from the first chunk, just below. */
    char *after = CUR_ARENA_NEW_ARRAY(&a, char, 16);
    cr_assert_lt(after, before);
    cr_assert_lt(before - after, 64);
    cr_assert_eq(cur_arena_stats(&a).chunks, st1.chunks);

    /* A large block with a large alignment. */
    char *big_al = cur_arena_alloc(&a, 3 * SMALL_CHUNK, 4096, 1, 0);
    cr_assert_not_null(big_al);
    cr_assert(aligned_to(big_al, 4096));
    cr_assert(all_bytes(big, 0xee, 5 * SMALL_CHUNK));
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, zero_count_gives_an_aligned_non_null_pointer)
{
    cur_arena_t a;
    init_small(&a);
    ptrdiff_t used = cur_arena_stats(&a).used;
    double *p = CUR_ARENA_NEW_ARRAY(&a, double, 0);
    cr_assert_not_null(p);
    cr_assert(aligned_to(p, alignof(double)));
    cr_assert_leq(cur_arena_stats(&a).used - used, CUR_SIZEOF(double));
    cr_assert_eq(cur_arena_error(&a), 0);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- reset, checkpoints -------------------------------------------------- */

Test(arena, reset_keeps_capacity_frees_large_blocks_and_trim_frees_the_rest)
{
    cur_arena_t a;
    init_small(&a);
    long *first = CUR_ARENA_NEW(&a, long);
    for (int i = 0; i < 200; i++)
        cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, int, 10));
    cur_arena_stats_t normal = cur_arena_stats(&a);
    cr_assert_gt(normal.chunks, 3);
    cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, char, 10 * SMALL_CHUNK));
    cr_assert_eq(cur_arena_stats(&a).chunks, normal.chunks + 1);
    cr_assert_null(cur_arena_alloc(&a, -1, 1, 1, 0));
    cr_assert_eq(cur_arena_error(&a), CUR_EINVAL);

    cur_arena_reset(&a);
    cur_arena_stats_t st = cur_arena_stats(&a);
    cr_assert_eq(st.used, 0);
    cr_assert_eq(st.chunks, normal.chunks, "the large block's chunk is freed");
    cr_assert_eq(st.reserved, normal.reserved);
    cr_assert_eq(cur_test_live_bytes(), st.reserved);
    cr_assert_eq(cur_arena_error(&a), 0, "reset clears the error");
    /* Allocation starts at the first chunk's top again: same address. */
    cr_assert_eq(CUR_ARENA_NEW(&a, long), first);

    /* Refilling to the same size reuses the kept chunks: no hook calls. */
    cur_test_alloc_reset();
    for (int i = 0; i < 200; i++)
        cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, int, 10));
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cr_assert_eq(cur_arena_stats(&a).chunks, normal.chunks);

    /* reset + trim: only the first chunk is left. */
    cur_arena_reset(&a);
    cur_arena_trim(&a);
    st = cur_arena_stats(&a);
    cr_assert_eq(st.chunks, 1);
    cr_assert_eq(st.reserved, SMALL_CHUNK);
    cr_assert_eq(cur_test_live_bytes(), SMALL_CHUNK);
    cr_assert_eq(CUR_ARENA_NEW(&a, long), first);
    cur_arena_reset(&a);
    cur_arena_reset(&a);
    cur_arena_trim(&a);
    cr_assert_eq(CUR_ARENA_NEW(&a, long), first);
    cur_arena_destroy(&a);
    cur_arena_trim(&a); /* zeroed: a no-op */
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, trim_keeps_live_regions)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_mark_t m = cur_arena_save(&a);
    for (int i = 0; i < 100; i++) (void)CUR_ARENA_NEW_ARRAY(&a, int, 10);
    cur_arena_restore(&m);
    int *v[100];
    for (int i = 0; i < 50; i++) {
        v[i] = CUR_ARENA_NEW_ARRAY(&a, int, 10);
        for (int k = 0; k < 10; k++) v[i][k] = i + k;
    }
    ptrdiff_t before = cur_arena_stats(&a).chunks;
    cur_arena_trim(&a); /* frees the chunks not reached again */
    cr_assert_lt(cur_arena_stats(&a).chunks, before);
    cr_assert_eq(cur_test_live_bytes(), cur_arena_stats(&a).reserved);
    for (int i = 50; i < 100; i++) {
        v[i] = CUR_ARENA_NEW_ARRAY(&a, int, 10);
        for (int k = 0; k < 10; k++) v[i][k] = i + k;
    }
    for (int i = 0; i < 100; i++)
        for (int k = 0; k < 10; k++) cr_assert_eq(v[i][k], i + k);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, checkpoints_nest_and_restore_exactly)
{
    cur_arena_t a;
    init_small(&a);
    int *keep = CUR_ARENA_NEW_ARRAY(&a, int, 8);
    for (int i = 0; i < 8; i++) keep[i] = i * 11;

    cur_arena_mark_t m1 = cur_arena_save(&a);
    cr_assert_eq(m1.arena, &a);
    cur_arena_stats_t s1 = cur_arena_stats(&a);
    int *first1 = CUR_ARENA_NEW_ARRAY(&a, int, 30);
    for (int i = 0; i < 50; i++) (void)CUR_ARENA_NEW_ARRAY(&a, int, 20);

    cur_arena_mark_t m2 = cur_arena_save(&a);
    cur_arena_stats_t s2 = cur_arena_stats(&a);
    short *first2 = CUR_ARENA_NEW_ARRAY(&a, short, 7);
    for (int i = 0; i < 100; i++) (void)CUR_ARENA_NEW_ARRAY(&a, int, 20);
    (void)CUR_ARENA_NEW_ARRAY(&a, char, 3 * SMALL_CHUNK);
    ptrdiff_t peak = cur_arena_stats(&a).chunks;
    cr_assert_gt(peak, s2.chunks + 3);

    cur_arena_restore(&m2);
    cur_arena_stats_t r2 = cur_arena_stats(&a);
    cr_assert_eq(r2.used, s2.used);
    /* The large block's chunk is freed; the others are kept for reuse. */
    cr_assert_eq(r2.chunks, peak - 1);
    cr_assert_eq(cur_test_live_bytes(), r2.reserved);
    cur_arena_trim(&a);
    cr_assert_eq(cur_arena_stats(&a).chunks, s2.chunks, "trim: as at m2");
    cr_assert_eq(cur_arena_stats(&a).reserved, s2.reserved);
    cr_assert_eq(CUR_ARENA_NEW_ARRAY(&a, short, 7), first2, "same place");

    /* Restoring the same mark again is fine. */
    cur_arena_restore(&m2);
    cr_assert_eq(cur_arena_stats(&a).used, s2.used);

    cur_arena_restore(&m1);
    cr_assert_eq(cur_arena_stats(&a).used, s1.used);
    cr_assert_eq(CUR_ARENA_NEW_ARRAY(&a, int, 30), first1, "same place");
    cur_arena_restore(&m1);
    for (int i = 0; i < 8; i++) cr_assert_eq(keep[i], i * 11);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, restore_keeps_chunks_for_the_next_growth)
{
    cur_arena_t a;
    init_small(&a);
    while (cur_arena_stats(&a).used < 600) (void)CUR_ARENA_NEW(&a, long);
    cur_arena_mark_t m = cur_arena_save(&a);
    for (int round = 0; round < 10; round++) {
        while (cur_arena_stats(&a).chunks == 1) (void)CUR_ARENA_NEW(&a, long);
        for (int i = 0; i < 10; i++) (void)CUR_ARENA_NEW(&a, long);
        cr_assert_eq(cur_arena_stats(&a).chunks, 2);
        cur_arena_restore(&m);
        cr_assert_eq(cur_arena_stats(&a).chunks, 2, "the chunk is kept");
        if (round == 0) cur_test_alloc_reset();
    }
    ptrdiff_t calls = cur_test_alloc_calls();
    cr_assert_eq(calls, 0, "the kept chunk was reused, %td hook calls", calls);
    cur_arena_trim(&a);
    cr_assert_eq(cur_arena_stats(&a).chunks, 1, "trim releases it");
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, restoring_out_of_order_panics, .signal = SIGABRT)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_mark_t m1 = cur_arena_save(&a);
    (void)CUR_ARENA_NEW(&a, int);
    cur_arena_mark_t m2 = cur_arena_save(&a);
    (void)CUR_ARENA_NEW(&a, int);
    cur_arena_restore(&m1);
    cur_arena_restore(&m2); /* its region ended with m1's restore */
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, restoring_a_freed_chunk_mark_panics, .signal = SIGABRT)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_mark_t m1 = cur_arena_save(&a);
    for (int i = 0; i < 100; i++) (void)CUR_ARENA_NEW_ARRAY(&a, int, 20);
    cur_arena_mark_t m2 = cur_arena_save(&a); /* in a later chunk */
    cur_arena_restore(&m1);
    cur_arena_restore(&m2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, restoring_after_reset_panics, .signal = SIGABRT)
{
    cur_arena_t a;
    init_small(&a);
    (void)CUR_ARENA_NEW(&a, int);
    cur_arena_mark_t m = cur_arena_save(&a);
    cur_arena_reset(&a);
    cur_arena_restore(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, zeroed_allocations_are_zero_after_reuse)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_mark_t m = cur_arena_save(&a);
    /* 12 blocks stay in the first chunk; 60 reach into a kept chunk. */
    for (int round = 0; round < 4; round++) {
        int n = round < 2 ? 12 : 60;
        unsigned char *dirty[60];
        for (int i = 0; i < n; i++) {
            dirty[i] = CUR_ARENA_NEW_ARRAY_NOZERO(&a, unsigned char, 48);
            memset(dirty[i], 0xab, 48);
        }
        cur_arena_restore(&m);
        for (int i = 0; i < n; i++) {
            unsigned char *p = CUR_ARENA_NEW_ARRAY(&a, unsigned char, 48);
            if (n == 12)
                cr_assert_eq(p, dirty[i], "the same memory is handed out");
            cr_assert(all_bytes(p, 0, 48), "round %d block %d", round, i);
            memset(p, 0xcd, 48);
        }
        cur_arena_restore(&m);
    }
    /* And after reset, with a struct type. */
    typedef struct { long x[5]; char tail[3]; } rec_t;
    rec_t *r = CUR_ARENA_NEW_NOZERO(&a, rec_t);
    memset(r, 0xff, sizeof *r);
    cur_arena_reset(&a);
    rec_t *z = CUR_ARENA_NEW(&a, rec_t);
    cr_assert_eq(z, r);
    cr_assert(all_bytes(z, 0, CUR_SIZEOF(*z)));
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- bad input ----------------------------------------------------------- */

Test(arena, bad_input_gets_a_reason_and_leaves_the_arena_intact)
{
    static const struct {
        ptrdiff_t size, align, count;
        int flags, want;
    } rows[] = {
        {0, 8, 1, 0, CUR_EINVAL},                 /* zero size */
        {-1, 8, 1, 0, CUR_EINVAL},                /* negative size */
        {PTRDIFF_MIN, 8, 1, 0, CUR_EINVAL},
        {8, 8, -1, 0, CUR_EINVAL},                /* negative count */
        {8, 8, PTRDIFF_MIN, 0, CUR_EINVAL},
        {8, 0, 1, 0, CUR_EINVAL},                 /* alignment 0 */
        {8, -8, 1, 0, CUR_EINVAL},                /* negative alignment */
        {8, 3, 1, 0, CUR_EINVAL},                 /* not a power of two */
        {8, 24, 1, 0, CUR_EINVAL},
        {8, 2 * CUR_ARENA_MAX_ALIGN, 1, 0, CUR_EINVAL}, /* above the limit */
        {8, PTRDIFF_MIN, 1, 0, CUR_EINVAL},
        {8, 8, 1, 4, CUR_EINVAL},                 /* unknown flag */
        {8, 8, 1, -1, CUR_EINVAL},
        {PTRDIFF_MAX, 1, 2, 0, CUR_EOVERFLOW},    /* count * size overflows */
        {(ptrdiff_t)1 << 40, 8, (ptrdiff_t)1 << 30, 0, CUR_EOVERFLOW},
        {16, 16, PTRDIFF_MAX / 8, 0, CUR_EOVERFLOW},
        {CUR_ARENA_MAX_SIZE + 1, 1, 1, 0, CUR_EOVERFLOW}, /* huge */
        {PTRDIFF_MAX, 8, 1, 0, CUR_EOVERFLOW},
    };
    cur_arena_t a;
    init_small(&a);
    int *canary = CUR_ARENA_NEW(&a, int);
    *canary = 1234;
    for (int i = 0; i < CUR_COUNTOF(rows); i++) {
        cur_arena_stats_t before = cur_arena_stats(&a);
        void *p = cur_arena_alloc(&a, rows[i].size, rows[i].align,
                                  rows[i].count, rows[i].flags);
        cr_assert_null(p, "row %d", i);
        cr_assert_eq(cur_arena_error(&a), rows[i].want, "row %d: %s", i,
                     cur_err_name(cur_arena_error(&a)));
        void *out = &a; /* must stay untouched */
        int rc = cur_arena_alloc_into(&a, rows[i].size, rows[i].align,
                                      rows[i].count, rows[i].flags, &out);
        cr_assert_eq(rc, rows[i].want, "row %d", i);
        cr_assert_eq(out, (void *)&a, "row %d wrote the out-param", i);
        cur_arena_stats_t after = cur_arena_stats(&a);
        cr_assert_eq(after.used, before.used, "row %d", i);
        cr_assert_eq(after.reserved, before.reserved, "row %d", i);
        cr_assert_eq(after.chunks, before.chunks, "row %d", i);
        /* Still usable. */
        int *q = CUR_ARENA_NEW(&a, int);
        cr_assert_not_null(q);
        cr_assert_eq(*q, 0);
    }
    cr_assert_eq(*canary, 1234);
    /* Typed array macro with a bad count. */
    cr_assert_null(CUR_ARENA_NEW_ARRAY(&a, double, -5));
    cr_assert_eq(cur_arena_error(&a), CUR_EINVAL);
    cr_assert_null(CUR_ARENA_NEW_ARRAY(&a, double, PTRDIFF_MAX / 4));
    cr_assert_eq(cur_arena_error(&a), CUR_EOVERFLOW);
    /* A success does not clear the reason (like errno). */
    cr_assert_not_null(CUR_ARENA_NEW(&a, int));
    cr_assert_eq(cur_arena_error(&a), CUR_EOVERFLOW);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, alloc_into_writes_a_typed_out_param)
{
    cur_arena_t a;
    init_small(&a);
    typedef struct { int x, y; } pt_t;
    pt_t *p = NULL;
    cr_assert_eq(CUR_ARENA_NEW_INTO(&a, pt_t, 4, 0, &p), 0);
    cr_assert_not_null(p);
    cr_assert(aligned_to(p, alignof(pt_t)));
    cr_assert(all_bytes(p, 0, 4 * CUR_SIZEOF(pt_t)));
    pt_t *q = p;
    cr_assert_eq(CUR_ARENA_NEW_INTO(&a, pt_t, -1, 0, &q), CUR_EINVAL);
    cr_assert_eq(q, p);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- out of memory ------------------------------------------------------- */

Test(arena, oom_sweep_init)
{
    cur_arena_t a;
    int rc = 0;
    CUR_OOM_SWEEP(rc, {}, { rc = cur_arena_init(&a, &cur_test_alloc, 2048); },
                  {
                      cr_assert(all_bytes(&a, 0, CUR_SIZEOF(a)));
                      cur_arena_destroy(&a); /* safe after a failed init */
                      cr_assert_eq(
                          cur_arena_init(&a, &cur_test_alloc, 2048), 0);
                      cr_assert_not_null(CUR_ARENA_NEW(&a, int));
                  },
                  { cr_assert_eq(rc, 0); },
                  { cur_arena_destroy(&a); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void check_intact(cur_arena_t *a, const int *canary,
                         cur_arena_stats_t before)
{
    cur_arena_stats_t st = cur_arena_stats(a);
    cr_assert_eq(st.used, before.used);
    cr_assert_eq(st.chunks, before.chunks);
    cr_assert_eq(st.reserved, before.reserved);
    for (int i = 0; i < 16; i++) cr_assert_eq(canary[i], 100 + i);
}

Test(arena, oom_sweep_growth)
{
    cur_arena_t a;
    int *canary = NULL;
    cur_arena_stats_t before = {0, 0, 0};
    int rc = 0;
    CUR_OOM_SWEEP(
        rc,
        {
            cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, SMALL_CHUNK), 0);
            canary = CUR_ARENA_NEW_ARRAY(&a, int, 16);
            for (int i = 0; i < 16; i++) canary[i] = 100 + i;
            /* Leave less room than the next request in the first chunk. */
            while (cur_arena_stats(&a).used < SMALL_CHUNK - 300)
                (void)CUR_ARENA_NEW_ARRAY(&a, char, 32);
            before = cur_arena_stats(&a);
            cr_assert_eq(before.chunks, 1);
        },
        {
            char *p = CUR_ARENA_NEW_ARRAY(&a, char, 200);
            rc = p ? 0 : cur_arena_error(&a);
        },
        {
            check_intact(&a, canary, before);
            cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, char, 8), "usable");
            cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, char, 200), "retry");
            for (int i = 0; i < 16; i++) cr_assert_eq(canary[i], 100 + i);
        },
        {
            cr_assert_eq(rc, 0);
            cr_assert_eq(cur_arena_stats(&a).chunks, 2, "it did grow");
        },
        { cur_arena_destroy(&a); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, oom_sweep_large_array)
{
    cur_arena_t a;
    int *canary = NULL;
    cur_arena_stats_t before = {0, 0, 0};
    int rc = 0;
    CUR_OOM_SWEEP(
        rc,
        {
            cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, SMALL_CHUNK), 0);
            canary = CUR_ARENA_NEW_ARRAY(&a, int, 16);
            for (int i = 0; i < 16; i++) canary[i] = 100 + i;
            before = cur_arena_stats(&a);
        },
        {
            double *v = CUR_ARENA_NEW_ARRAY(&a, double, 4000);
            rc = v ? 0 : cur_arena_error(&a);
            if (v) cr_assert(all_bytes(v, 0, 4000 * CUR_SIZEOF(double)));
        },
        {
            check_intact(&a, canary, before);
            cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, double, 4000));
        },
        { cr_assert_eq(rc, 0); },
        { cur_arena_destroy(&a); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, oom_sweep_alloc_into_and_many_growths)
{
    cur_arena_t a;
    int *canary = NULL;
    cur_arena_stats_t before = {0, 0, 0};
    int rc = 0;
    CUR_OOM_SWEEP(
        rc,
        {
            cr_assert_eq(cur_arena_init(&a, &cur_test_alloc, SMALL_CHUNK), 0);
            canary = CUR_ARENA_NEW_ARRAY(&a, int, 16);
            for (int i = 0; i < 16; i++) canary[i] = 100 + i;
            before = cur_arena_stats(&a);
        },
        {
            /* Many allocations: a failure may hit any of the growths. */
            cur_arena_mark_t m = cur_arena_save(&a);
            rc = 0;
            for (int i = 0; i < 100 && rc == 0; i++) {
                long *p;
                rc = CUR_ARENA_NEW_INTO(&a, long, 20, 0, &p);
            }
            if (rc) cur_arena_restore(&m); /* give the batch back */
        },
        {
            /* The restore keeps the chunks; trim gives them back. */
            cur_arena_trim(&a);
            cur_arena_stats_t st = cur_arena_stats(&a);
            cr_assert_eq(st.used, before.used);
            cr_assert_eq(st.chunks, before.chunks);
            for (int i = 0; i < 16; i++) cr_assert_eq(canary[i], 100 + i);
            long *p;
            cr_assert_eq(CUR_ARENA_NEW_INTO(&a, long, 20, 0, &p), 0);
        },
        { cr_assert_eq(rc, 0); },
        { cur_arena_destroy(&a); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- out-of-memory policy ------------------------------------------------ */

/* Static: an automatic object changed between setjmp and longjmp would be
 * indeterminate after the jump (C17 7.13.2.1). */
static cur_arena_t jump_arena;

/*
 * The allocations run in a separate function: inlined into the function
 * that calls setjmp, the fast path's locals trip gcc's -Wclobbered.
 */
static __attribute__((noinline)) void *alloc_n(cur_arena_t *a, ptrdiff_t n,
                                               int flags)
{
    return CUR_ARENA_NEW_EX(a, char, n, flags);
}

Test(arena, oom_policy_jump_longjmps_with_the_reason)
{
    cur_arena_t *a = &jump_arena;
    init_small(a);
    int *canary = alloc_n(a, CUR_SIZEOF(int), 0);
    *canary = 77;
    jmp_buf jb;
    volatile int jumps = 0;
    cur_arena_set_oom(a, CUR_ARENA_OOM_JUMP, &jb);
    cur_arena_stats_t before = cur_arena_stats(a);

    switch (setjmp(jb)) {
    case 0:
        cur_test_fail_at(1, true); /* the hook fails from now on */
        (void)alloc_n(a, 10 * SMALL_CHUNK, 0);
        cr_assert_fail("the allocation returned instead of jumping");
        break;
    case CUR_ENOMEM:
        jumps++;
        break;
    default:
        cr_assert_fail("jumped with the wrong code");
    }
    cur_test_fail_at(0, false);
    cr_assert_eq(jumps, 1);
    cr_assert_eq(cur_arena_error(a), CUR_ENOMEM);
    cr_assert_eq(cur_arena_stats(a).used, before.used, "arena intact");
    cr_assert_eq(*canary, 77);

    /* Bad input runs the policy too. */
    switch (setjmp(jb)) {
    case 0:
        (void)alloc_n(a, -3, 0);
        cr_assert_fail("the allocation returned instead of jumping");
        break;
    case CUR_EINVAL:
        jumps++;
        break;
    default:
        cr_assert_fail("jumped with the wrong code");
    }
    cr_assert_eq(jumps, 2);

    /* SOFTFAIL and the int form never run it. */
    cur_test_fail_at(1, true);
    cr_assert_null(alloc_n(a, 10 * SMALL_CHUNK, CUR_ARENA_SOFTFAIL));
    char *p;
    cr_assert_eq(CUR_ARENA_NEW_INTO(a, char, 10 * SMALL_CHUNK, 0, &p),
                 CUR_ENOMEM);
    cur_test_fail_at(0, false);
    cr_assert_eq(jumps, 2);

    /* Allocations keep working, and RETURN restores NULL on failure. */
    cr_assert_not_null(alloc_n(a, 10 * SMALL_CHUNK, 0));
    cur_arena_set_oom(a, CUR_ARENA_OOM_RETURN, NULL);
    cr_assert_null(alloc_n(a, -3, 0));
    cur_arena_destroy(a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, oom_policy_abort_aborts, .signal = SIGABRT)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_set_oom(&a, CUR_ARENA_OOM_ABORT, NULL);
    cur_test_fail_at(1, true);
    (void)CUR_ARENA_NEW_ARRAY(&a, char, 10 * SMALL_CHUNK);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void alloc_big(void *arg)
{
    (void)CUR_ARENA_NEW_ARRAY((cur_arena_t *)arg, char, 10 * SMALL_CHUNK);
}

Test(arena, oom_policy_abort_is_a_panic_a_boundary_can_stop)
{
    cur_arena_t a;
    init_small(&a);
    cur_arena_set_oom(&a, CUR_ARENA_OOM_ABORT, NULL);
    cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL);
    cur_test_fail_at(1, true);
    cur_panic_info_t info;
    int rc = cur_catch_unwind(alloc_big, &a, &info);
    cur_test_fail_at(0, false);
    cur_panic_set_hook(NULL, NULL, NULL, NULL);
    cr_assert_eq(rc, CUR_EPANIC);
    cr_assert(strstr(info.message, "out of memory") != NULL, "%s",
              info.message);
    cr_assert_eq(cur_arena_error(&a), CUR_ENOMEM);
    cr_assert_not_null(CUR_ARENA_NEW(&a, int));
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- lifetimes made visible: ASan poisoning ------------------------------ */

#if CUR__ARENA_ASAN
/*
 * Runs fn in a child with its stderr captured; returns what it printed and
 * its wait status.
 */
static int run_child(void (*fn)(void *), void *arg, char *buf, size_t cap)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn(arg);
        _exit(0); /* not caught: the test fails on this exit status */
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + len, cap - 1 - len)) > 0) {
        len += (size_t)n;
        if (len == cap - 1) len = 0; /* keep reading; only the tail matters */
    }
    buf[len] = '\0';
    close(fds[0]);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static void touch_after_restore(void *arg)
{
    (void)arg;
    cur_arena_t a;
    if (cur_arena_init(&a, NULL, SMALL_CHUNK) != 0) _exit(3);
    cur_arena_mark_t m = cur_arena_save(&a);
    volatile int *p = CUR_ARENA_NEW(&a, int);
    *p = 1;
    cur_arena_restore(&m); /* p's lifetime ends here */
    *p = 2;                /* use after its region ended */
}
#endif

Test(arena, asan_poisons_memory_whose_region_has_ended)
{
#if !CUR__ARENA_ASAN
    cr_skip_test("needs an AddressSanitizer build (make SANITIZE=address)");
#else
    cur_arena_t a;
    init_small(&a);
    cur_arena_mark_t m = cur_arena_save(&a);
    char *p = CUR_ARENA_NEW_ARRAY(&a, char, 24);
    cr_assert(!__asan_address_is_poisoned(p));
    cr_assert(!__asan_address_is_poisoned(p + 23));
    cr_assert(__asan_address_is_poisoned(p + 24), "a red zone follows");
    cur_arena_restore(&m);
    cr_assert(__asan_address_is_poisoned(p), "restore poisons");
    char *q = CUR_ARENA_NEW_ARRAY(&a, char, 24);
    cr_assert_eq(q, p);
    cr_assert(!__asan_address_is_poisoned(q), "handing out unpoisons");
    cur_arena_reset(&a);
    cr_assert(__asan_address_is_poisoned(q), "reset poisons");
    /* Chunks let go of go back to the hook unpoisoned. */
    for (int i = 0; i < 100; i++) (void)CUR_ARENA_NEW_ARRAY(&a, int, 20);
    cur_arena_destroy(&a);

    char out[8192];
    int status = run_child(touch_after_restore, NULL, out, sizeof out);
    cr_assert(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
              "the late access went unnoticed");
    cr_assert(strstr(out, "use-after-poison") != NULL,
              "ASan did not report use-after-poison:\n%s", out);
    cr_assert_eq(cur_test_live_bytes(), 0);
#endif
}

/* --- scratch arenas ------------------------------------------------------ */

Test(arena, scratch_avoids_the_conflicting_arena)
{
    cur_arena_t *s0 = cur_arena_scratch(NULL);
    cr_assert_not_null(s0);
    cur_arena_t *s1 = cur_arena_scratch(s0);
    cr_assert_not_null(s1);
    cr_assert_neq(s0, s1);
    cr_assert_eq(cur_arena_scratch(s1), s0);
    cr_assert_eq(cur_arena_scratch(NULL), s0, "stable per thread");
    cur_arena_t copy = *s0; /* a by-value scratch is the same arena */
    cr_assert_eq(cur_arena_scratch(&copy), s1);
    cur_arena_t other;
    init_small(&other);
    cr_assert_eq(cur_arena_scratch(&other), s0);
    cur_arena_destroy(&other);
    cur_arena_scratch_release();
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, scratch_macro_restores_at_scope_end)
{
    cur_arena_t *s = cur_arena_scratch(NULL);
    ptrdiff_t used0 = cur_arena_stats(s).used;
    {
        CUR_ARENA_SCRATCH(tmp, NULL);
        cr_assert_eq(tmp.arena, s);
        for (int i = 0; i < 5000; i++) {
            long *p = CUR_ARENA_NEW_ARRAY(tmp.arena, long, 4);
            cr_assert_not_null(p);
            p[3] = i;
        }
        cr_assert_gt(cur_arena_stats(s).used, used0 + 5000 * 32 - 1);
        {
            CUR_ARENA_SCRATCH(inner, tmp.arena); /* the other one */
            cr_assert_neq(inner.arena, s);
            cr_assert_not_null(CUR_ARENA_NEW_ARRAY(inner.arena, char, 100000));
        }
        cr_assert_eq(cur_arena_stats(cur_arena_scratch(s)).used, 0);
    }
    cr_assert_eq(cur_arena_stats(s).used, used0);
    cur_arena_scratch_release();
    cr_assert_eq(cur_arena_stats(s).reserved, 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, destroying_a_scratch_arena_panics, .signal = SIGABRT)
{
    cur_arena_destroy(cur_arena_scratch(NULL));
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void *scratch_thread(void *arg)
{
    cur_arena_t **out = arg;
    out[0] = cur_arena_scratch(NULL);
    out[1] = cur_arena_scratch(out[0]);
    CUR_ARENA_SCRATCH(tmp, NULL);
    int *p = CUR_ARENA_NEW_ARRAY(tmp.arena, int, 1000);
    for (int i = 0; i < 1000; i++) p[i] = i;
    for (int i = 0; i < 1000; i++)
        if (p[i] != i) out[0] = NULL;
    return NULL; /* thread exit frees the scratch chunks */
}

Test(arena, scratch_arenas_are_per_thread, .timeout = 10)
{
    cur_arena_t *mine[2] = {cur_arena_scratch(NULL), NULL};
    mine[1] = cur_arena_scratch(mine[0]);
    cur_arena_t *theirs[2][2];
    pthread_t th[2];
    for (int t = 0; t < 2; t++)
        cr_assert_eq(
            pthread_create(&th[t], NULL, scratch_thread, theirs[t]), 0);
    for (int t = 0; t < 2; t++) cr_assert_eq(pthread_join(th[t], NULL), 0);
    cur_arena_t *all[6] = {mine[0], mine[1], theirs[0][0], theirs[0][1],
                           theirs[1][0], theirs[1][1]};
    for (int i = 0; i < 6; i++) {
        cr_assert_not_null(all[i]);
        for (int j = 0; j < i; j++)
            cr_assert_neq(all[i], all[j], "%d %d", i, j);
    }
    cur_arena_scratch_release();
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- scratch by value ---------------------------------------------------- */

/* Builds a big temporary in its copy of the arena; returns a checksum. */
static long sum_squares(cur_arena_t scratch, int n)
{
    long *v = CUR_ARENA_NEW_ARRAY(&scratch, long, n);
    if (!v) return -1;
    for (int i = 0; i < n; i++) v[i] = (long)i * i;
    long s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return s;
}

/* Puts its result in perm and its temporaries in scratch. */
static int *squares_up_to(cur_arena_t *perm, cur_arena_t scratch, int n)
{
    int *tmp = CUR_ARENA_NEW_ARRAY(&scratch, int, n);
    int *out = CUR_ARENA_NEW_ARRAY(perm, int, n);
    if (!tmp || !out) return NULL;
    for (int i = 0; i < n; i++) tmp[i] = i;
    for (int i = 0; i < n; i++) out[i] = tmp[i] * tmp[i];
    return out;
}

Test(arena, scratch_by_value_drops_the_callees_allocations)
{
    cur_arena_t a, perm;
    init_small(&a);
    init_small(&perm);
    long *mine = CUR_ARENA_NEW(&a, long);
    *mine = 5;
    cur_arena_stats_t st0 = cur_arena_stats(&a);
    for (int round = 0; round < 20; round++) {
        cr_assert_eq(sum_squares(a, 1000), 332833500L);
        /* The caller's view did not move. */
        cr_assert_eq(cur_arena_stats(&a).used, st0.used);
    }
    int *sq = squares_up_to(&perm, a, 500);
    cr_assert_not_null(sq);
    cr_assert_eq(sq[499], 499 * 499);
    cr_assert_eq(cur_arena_stats(&a).used, st0.used);
    /* The callee's chunks are garbage: the next growth reclaims them. */
    ptrdiff_t chunks = cur_arena_stats(&a).chunks;
    cr_assert_gt(chunks, st0.chunks);
    cr_assert_not_null(CUR_ARENA_NEW_ARRAY(&a, char, 2 * SMALL_CHUNK));
    cr_assert_leq(cur_arena_stats(&a).chunks, st0.chunks + 2);
    cr_assert_eq(*mine, 5);
    cur_arena_destroy(&a);
    cur_arena_destroy(&perm);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arena, stats_count_bytes_for_teaching)
{
    cur_arena_t a;
    init_small(&a);
    cr_assert_eq(cur_arena_stats(&a).used, 0);
    (void)CUR_ARENA_NEW_ARRAY(&a, long, 3);
    ptrdiff_t u1 = cur_arena_stats(&a).used;
    cr_assert_geq(u1, 24);
    if (!CUR__ARENA_ASAN) cr_assert_eq(u1, 24, "exact without red zones");
    (void)CUR_ARENA_NEW_ARRAY(&a, long, 5);
    ptrdiff_t u2 = cur_arena_stats(&a).used;
    if (!CUR__ARENA_ASAN) cr_assert_eq(u2, 64);
    cr_assert_eq(cur_arena_stats(&a).reserved, SMALL_CHUNK);
    cr_assert_eq(cur_arena_stats(&a).chunks, 1);
    cur_arena_destroy(&a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
