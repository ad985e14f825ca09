/*
 * Tests of curriculum/map.h: the generated hash map, checked against a
 * naive association list over long random operation sequences, with a good
 * hash and with deliberately bad ones (every key in 7 homes, every key in
 * one home, the identity); the Robin Hood layout after every change
 * (backward-shift deletion included, across the end of the table); string,
 * struct and pointer keys; the entry functions; retain and iteration with
 * their debug checks; bad input; OOM sweeps of every allocating call; and
 * the hash functions (SipHash reference vectors, bit sensitivity,
 * distribution, _Generic dispatch, seeds).
 *
 * Compiled with CUR_DEBUG 1 so that the generated functions carry their
 * debug checks (the iterators' generation check).
 */
#define CUR_DEBUG 1

#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/map.h>
#include <curriculum/panic.h>
#include <signal.h>
#include <stdio.h>
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

/* Deliberately bad hashes. */
static uint64_t hash_mod7(const uint64_t *k, uint64_t seed)
{
    (void)seed;
    return *k % 7;
}
static uint64_t hash_zero(const uint64_t *k, uint64_t seed)
{
    (void)k, (void)seed;
    return 0;
}
static uint64_t hash_ident(const uint64_t *k, uint64_t seed)
{
    (void)seed;
    return *k;
}
/* The home slot is in the key's high bits: key = home << 8 | id. */
static uint64_t hash_home(const uint64_t *k, uint64_t seed)
{
    (void)seed;
    return *k >> 8;
}

CUR_MAP_DECLARE_U64(map_good, uint64_t);
CUR_MAP_DECLARE(map_mod7, uint64_t, uint64_t, hash_mod7, cur_map_eq_u64);
CUR_MAP_DECLARE(map_zero, uint64_t, uint64_t, hash_zero, cur_map_eq_u64);
CUR_MAP_DECLARE(map_ident, uint64_t, uint64_t, hash_ident, cur_map_eq_u64);
CUR_MAP_DECLARE(map_home, uint64_t, uint64_t, hash_home, cur_map_eq_u64);
CUR_MAP_DECLARE_STR(map_str, int64_t);
CUR_MAP_DECLARE_I32(map_i32, int32_t);
CUR_MAP_DECLARE(map_ptr, void *, int, cur_map_hash_ptr, cur_map_eq_ptr);

/*
 * The table invariants of src/map.c: the full slots number len, the load
 * is at most 7/8, and along every run the distance from home grows by at
 * most one per slot and is 0 right after an empty slot (so every slot
 * between an entry's home and the entry is full, and runs are sorted by
 * home).
 */
static void check_table(const uint32_t *meta, ptrdiff_t cap, ptrdiff_t len)
{
    if (cap == 0) {
        cr_assert_eq(len, 0);
        return;
    }
    cr_assert_eq(cap & (cap - 1), 0, "capacity %td not a power of two", cap);
    cr_assert_geq(cap, 8);
    cr_assert_leq(len, cap - cap / 8, "load above 7/8");
    size_t mask = (size_t)cap - 1;
    ptrdiff_t full = 0;
    for (size_t i = 0; i < (size_t)cap; i++) {
        if (meta[i] == 0) continue;
        full++;
        cr_assert(meta[i] & CUR__MAP_FULL);
        size_t d = (i - meta[i]) & mask;
        if (d == 0) continue;
        uint32_t prev = meta[(i - 1) & mask];
        cr_assert_neq(prev, 0, "slot %zu at distance %zu follows a gap", i, d);
        size_t pd = (((i - 1) & mask) - prev) & mask;
        cr_assert_leq(d, pd + 1, "slot %zu: distance %zu after %zu", i, d, pd);
    }
    cr_assert_eq(full, len);
}
#define CHECK_TABLE(m) check_table((m)->meta, (m)->cap, (m)->len)

/* ------------------------------------------------------------------------ */
/* Differential test against an association list                            */
/* ------------------------------------------------------------------------ */

typedef struct pair {
    uint64_t k, v;
} pair_t;

/* The naive model: an unsorted array of pairs, searched linearly. */
typedef struct alist {
    pair_t *p;
    ptrdiff_t n;
} alist_t;

static ptrdiff_t alist_find(const alist_t *a, uint64_t k)
{
    for (ptrdiff_t i = 0; i < a->n; i++)
        if (a->p[i].k == k) return i;
    return -1;
}

static void alist_remove_at(alist_t *a, ptrdiff_t i) { a->p[i] = a->p[--a->n]; }

static uint64_t make_value(void) { return rng() | 1; } /* never 0 */

static bool keep_random_half(const uint64_t *k, uint64_t *v, void *ctx)
{
    (void)v;
    return ((*k * 0x9e3779b97f4a7c15ull) >> 60 ^ *(uint64_t *)ctx) & 1;
}

#define DIFF_FN(mt)                                                          \
    static void diff_##mt(uint64_t seed, int ops, uint64_t key_range)        \
    {                                                                        \
        mt##_t m;                                                            \
        mt##_init_seeded(&m, &cur_test_alloc, seed * 31);                    \
        alist_t ref = {malloc(sizeof(pair_t) * (size_t)key_range), 0};       \
        cr_assert(ref.p != NULL);                                            \
        rng_seed(seed);                                                      \
        for (int op = 0; op < ops; op++) {                                   \
            uint64_t k = rng() % key_range, v = make_value(), old = 0;       \
            ptrdiff_t at = alist_find(&ref, k);                              \
            int kind = (int)(rng() % 100);                                   \
            if (kind < 35) {                                                 \
                int rc = mt##_insert(&m, k, v, &old);                        \
                if (at >= 0) {                                               \
                    cr_assert_eq(rc, CUR_MAP_FOUND);                         \
                    cr_assert_eq(old, ref.p[at].v);                          \
                    ref.p[at].v = v;                                         \
                } else {                                                     \
                    cr_assert_eq(rc, CUR_MAP_NEW);                           \
                    cr_assert_eq(old, 0, "old written for a new key");       \
                    ref.p[ref.n++] = (pair_t){k, v};                         \
                }                                                            \
            } else if (kind < 60) {                                          \
                uint64_t ok = 0, ov = 0;                                     \
                bool removed = mt##_remove(&m, k, &ok, &ov);                 \
                cr_assert_eq(removed, at >= 0);                              \
                if (at >= 0) {                                               \
                    cr_assert_eq(ok, k);                                     \
                    cr_assert_eq(ov, ref.p[at].v);                           \
                    alist_remove_at(&ref, at);                               \
                } else {                                                     \
                    cr_assert(ok == 0 && ov == 0, "miss wrote out-params");  \
                }                                                            \
            } else if (kind < 85) {                                          \
                const uint64_t *p = mt##_get(&m, k);                         \
                cr_assert_eq(p != NULL, at >= 0);                            \
                if (p) cr_assert_eq(*p, ref.p[at].v);                        \
                cr_assert_eq(mt##_contains(&m, k), at >= 0);                 \
            } else if (kind < 95) {                                          \
                uint64_t *slot = NULL;                                       \
                int rc = mt##_entry_or_default(&m, k, &slot);                \
                cr_assert_eq(rc, at >= 0 ? CUR_MAP_FOUND : CUR_MAP_NEW);     \
                cr_assert_eq(*slot, at >= 0 ? ref.p[at].v : 0);              \
                *slot += 2;                                                  \
                if (at >= 0)                                                 \
                    ref.p[at].v += 2;                                        \
                else                                                         \
                    ref.p[ref.n++] = (pair_t){k, 2};                         \
            } else if (kind < 97) {                                          \
                cr_assert_eq(mt##_reserve(&m, (ptrdiff_t)(rng() % 64)), 0);  \
            } else if (kind < 99) {                                          \
                uint64_t flip = rng() & 1;                                   \
                mt##_retain(&m, keep_random_half, &flip);                    \
                for (ptrdiff_t i = 0; i < ref.n;)                            \
                    if (!keep_random_half(&ref.p[i].k, &ref.p[i].v, &flip))  \
                        alist_remove_at(&ref, i);                            \
                    else                                                     \
                        i++;                                                 \
            } else {                                                         \
                mt##_clear(&m);                                              \
                ref.n = 0;                                                   \
            }                                                                \
            cr_assert_eq(m.len, ref.n, "op %d: len %td, want %td", op,       \
                         m.len, ref.n);                                      \
            if (op % 128 == 0 || op == ops - 1) {                            \
                CHECK_TABLE(&m);                                             \
                for (ptrdiff_t i = 0; i < ref.n; i++) {                      \
                    const uint64_t *p = mt##_get(&m, ref.p[i].k);            \
                    cr_assert_not_null(p, "op %d: key %llu lost", op,        \
                                       (unsigned long long)ref.p[i].k);      \
                    cr_assert_eq(*p, ref.p[i].v);                            \
                }                                                            \
                mt##_iter_t it = mt##_iter(&m);                              \
                const uint64_t *ik, *iv;                                     \
                ptrdiff_t seen = 0;                                          \
                while (mt##_iter_next(&it, &ik, &iv)) {                      \
                    ptrdiff_t j = alist_find(&ref, *ik);                     \
                    cr_assert_geq(j, 0, "iteration yielded a ghost");        \
                    cr_assert_eq(*iv, ref.p[j].v);                           \
                    seen++;                                                  \
                }                                                            \
                cr_assert_eq(seen, ref.n);                                   \
            }                                                                \
        }                                                                    \
        mt##_destroy(&m);                                                    \
        free(ref.p);                                                         \
    }

DIFF_FN(map_good)
DIFF_FN(map_mod7)
DIFF_FN(map_zero)
DIFF_FN(map_ident)

Test(map, differential_good_hash, .init = setup)
{
    diff_map_good(1, 20000, 600);   /* many hits */
    diff_map_good(2, 20000, 5000);  /* grows large */
    diff_map_good(3, 5000, 20);     /* tiny key space, constant churn */
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, differential_many_collisions, .init = setup)
{
    diff_map_mod7(4, 8000, 400); /* every key in one of 7 homes */
    diff_map_mod7(5, 3000, 30);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, differential_constant_hash, .init = setup)
{
    diff_map_zero(6, 3000, 150); /* every key in slot 0, same tag */
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, differential_identity_hash_wraps_runs, .init = setup)
{
    diff_map_ident(7, 8000, 300); /* dense runs that wrap past the end */
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Basic behaviour                                                          */
/* ------------------------------------------------------------------------ */

Test(map, zeroed_struct_is_a_valid_empty_map, .init = setup)
{
    map_good_t m = {0};
    cr_assert_eq(map_good_len(&m), 0);
    cr_assert(map_good_is_empty(&m));
    cr_assert_eq(map_good_capacity(&m), 0);
    cr_assert_null(map_good_get(&m, 1));
    cr_assert_not(map_good_contains(&m, 0));
    cr_assert_not(map_good_remove(&m, 1, NULL, NULL));
    map_good_iter_t it = map_good_iter(&m);
    cr_assert_not(map_good_iter_next(&it, NULL, NULL));
    map_good_clear(&m);
    map_good_destroy(&m);
    map_good_destroy(NULL);
    cr_assert_eq(map_good_insert(&m, 5, 50, NULL), CUR_MAP_NEW);
    cr_assert_eq(*map_good_get(&m, 5), 50);
    map_good_destroy(&m);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, init_allocates_nothing, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cr_assert_null(map_good_get(&m, 0));
    map_good_destroy(&m);
    cr_assert_eq(cur_test_alloc_calls(), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, insert_reports_replacement_and_the_old_value, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    uint64_t old = 77;
    cr_assert_eq(map_good_insert(&m, 1, 10, &old), CUR_MAP_NEW);
    cr_assert_eq(old, 77, "a new key wrote *old");
    cr_assert_eq(map_good_insert(&m, 1, 11, &old), CUR_MAP_FOUND);
    cr_assert_eq(old, 10);
    cr_assert_eq(map_good_insert(&m, 1, 12, NULL), CUR_MAP_FOUND);
    cr_assert_eq(*map_good_get(&m, 1), 12);
    cr_assert_eq(m.len, 1);
    *map_good_get_mut(&m, 1) = 13;
    const uint64_t *k, *v;
    cr_assert(map_good_get_key_value(&m, 1, &k, &v));
    cr_assert_eq(*k, 1);
    cr_assert_eq(*v, 13);
    cr_assert(map_good_get_key_value(&m, 1, NULL, NULL));
    k = NULL;
    cr_assert_not(map_good_get_key_value(&m, 2, &k, &v));
    cr_assert_null(k);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, replacing_a_value_never_allocates, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    for (uint64_t i = 0; i < 7; i++)
        cr_assert_eq(map_good_insert(&m, i, i, NULL), 0);
    cr_assert_eq(map_good_capacity(&m), 7, "7 entries fit 8 slots");
    ptrdiff_t calls = cur_test_alloc_calls();
    cur_test_fail_at(1, true);
    for (uint64_t i = 0; i < 7; i++)
        cr_assert_eq(map_good_insert(&m, i, i + 1, NULL), CUR_MAP_FOUND);
    cr_assert_eq(map_good_insert(&m, 7, 7, NULL), CUR_ENOMEM);
    cur_test_fail_at(0, false);
    cr_assert_eq(cur_test_alloc_calls() - calls, 1);
    cr_assert_eq(map_good_insert(&m, 7, 7, NULL), CUR_MAP_NEW);
    cr_assert_eq(map_good_capacity(&m), 14);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, growth_across_many_resizes_keeps_every_entry, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    ptrdiff_t resizes = 0, last = 0;
    for (uint64_t i = 0; i < 200000; i++) {
        cr_assert_eq(map_good_insert(&m, i * 0x10001, i, NULL), CUR_MAP_NEW);
        if (m.cap != last) resizes++, last = m.cap;
    }
    cr_assert_eq(m.cap, 262144);
    cr_assert_eq(resizes, 16, "8 -> 262144 is 16 tables");
    CHECK_TABLE(&m);
    for (uint64_t i = 0; i < 200000; i++) {
        const uint64_t *p = map_good_get(&m, i * 0x10001);
        cr_assert(p && *p == i);
        cr_assert_null(map_good_get(&m, i * 0x10001 + 1));
    }
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, capacity_and_reserve, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    cr_assert_eq(map_good_reserve(&m, 0), 0);
    cr_assert_eq(cur_test_alloc_calls(), 0, "reserve(0) allocated");
    cr_assert_eq(map_good_reserve(&m, 7), 0);
    cr_assert_eq(map_good_capacity(&m), 7);
    cr_assert_eq(map_good_reserve(&m, 8), 0);
    cr_assert_eq(map_good_capacity(&m), 14);
    cr_assert_eq(map_good_reserve(&m, 1000), 0);
    cr_assert_eq(map_good_capacity(&m), 1792); /* 2048 slots */
    ptrdiff_t calls = cur_test_alloc_calls();
    for (uint64_t i = 0; i < 1000; i++)
        cr_assert_eq(map_good_insert(&m, i, i, NULL), 0);
    cr_assert_eq(cur_test_alloc_calls(), calls, "reserved room was not used");
    map_good_clear(&m);
    cr_assert_eq(m.len, 0);
    cr_assert_eq(map_good_capacity(&m), 1792, "clear keeps the table");
    cr_assert_null(map_good_get(&m, 5));
    CHECK_TABLE(&m);
    map_good_t w;
    cr_assert_eq(map_good_with_capacity(&w, &cur_test_alloc, 100), 0);
    cr_assert_eq(map_good_capacity(&w), 112);
    map_good_destroy(&w);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, bad_sizes_are_errors_and_change_nothing, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc_limited);
    cr_assert_eq(map_good_reserve(&m, -1), CUR_EINVAL);
    cr_assert_eq(map_good_reserve(&m, PTRDIFF_MIN), CUR_EINVAL);
    cr_assert_eq(map_good_reserve(&m, PTRDIFF_MAX), CUR_EOVERFLOW);
    cr_assert_eq(map_good_reserve(&m, (ptrdiff_t)1 << 31), CUR_EOVERFLOW,
                 "more entries than 2^31 slots hold");
    cr_assert_eq(map_good_reserve(&m, (ptrdiff_t)1 << 30), CUR_ENOMEM);
    cr_assert_eq(cur_test_live_bytes(), 0);
    cr_assert_eq(map_good_insert(&m, 1, 1, NULL), 0);
    cr_assert_eq(map_good_reserve(&m, PTRDIFF_MAX), CUR_EOVERFLOW,
                 "len + additional overflows");
    cr_assert_eq(m.len, 1);
    cr_assert_eq(*map_good_get(&m, 1), 1);
    map_good_t w;
    cr_assert_eq(map_good_with_capacity(&w, &cur_test_alloc, -5), CUR_EINVAL);
    cr_assert_eq(w.len, 0);
    cr_assert_null(map_good_get(&w, 0));
    map_good_destroy(&w);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, table_sizing_limits, .init = setup)
{
    ptrdiff_t c = -1;
    cr_assert_eq(cur__map_cap_for(0, 16, &c), 0);
    cr_assert_eq(c, 8);
    cr_assert_eq(cur__map_cap_for(7, 16, &c), 0);
    cr_assert_eq(c, 8);
    cr_assert_eq(cur__map_cap_for(8, 16, &c), 0);
    cr_assert_eq(c, 16);
    ptrdiff_t most = CUR__MAP_MAX_CAP - CUR__MAP_MAX_CAP / 8;
    cr_assert_eq(cur__map_cap_for(most, 16, &c), 0);
    cr_assert_eq(c, CUR__MAP_MAX_CAP);
    c = 3;
    cr_assert_eq(cur__map_cap_for(most + 1, 16, &c), CUR_EOVERFLOW);
    cr_assert_eq(cur__map_cap_for(8, PTRDIFF_MAX / 8, &c), CUR_EOVERFLOW);
    cr_assert_eq(cur__map_cap_for(-1, 16, &c), CUR_EINVAL);
    cr_assert_eq(cur__map_cap_for(1, 0, &c), CUR_EINVAL);
    cr_assert_eq(c, 3);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Robin Hood layout and backward-shift deletion                            */
/* ------------------------------------------------------------------------ */

/* The slot holding key k (by scanning), or -1. */
static ptrdiff_t slot_of(const map_home_t *m, uint64_t k)
{
    for (ptrdiff_t i = 0; i < m->cap; i++)
        if (m->meta[i] != 0 && m->slots[i].key == k) return i;
    return -1;
}

static uint64_t K(uint64_t home, uint64_t id) { return home << 8 | id; }

Test(map, backward_shift_deletion_across_the_end_of_the_table, .init = setup)
{
    map_home_t m;
    cr_assert_eq(map_home_with_capacity(&m, &cur_test_alloc, 10), 0);
    cr_assert_eq(m.cap, 16);
    /* Homes 14, 14, 15, 15, 0: the run fills slots 14, 15, 0, 1, 2. */
    uint64_t keys[] = {K(14, 1), K(14, 2), K(15, 3), K(15, 4), K(0, 5)};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(map_home_insert(&m, keys[i], (uint64_t)i, NULL), 0);
    ptrdiff_t want[] = {14, 15, 0, 1, 2};
    for (int i = 0; i < 5; i++) cr_assert_eq(slot_of(&m, keys[i]), want[i]);
    CHECK_TABLE(&m);

    cr_assert(map_home_remove(&m, K(14, 1), NULL, NULL));
    /* Every later entry of the run moved back one slot. */
    ptrdiff_t after[] = {-1, 14, 15, 0, 1};
    for (int i = 1; i < 5; i++) cr_assert_eq(slot_of(&m, keys[i]), after[i]);
    cr_assert_eq(m.meta[2], 0, "the run's old last slot is empty");
    CHECK_TABLE(&m);
    for (int i = 1; i < 5; i++)
        cr_assert_eq(*map_home_get(&m, keys[i]), (uint64_t)i);
    cr_assert_null(map_home_get(&m, keys[0]));
    map_home_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, backward_shift_stops_at_an_entry_in_its_home, .init = setup)
{
    map_home_t m;
    cr_assert_eq(map_home_with_capacity(&m, &cur_test_alloc, 10), 0);
    /* Homes 3, 3, 5, 5: slots 3, 4, 5, 6. */
    cr_assert_eq(map_home_insert(&m, K(3, 1), 1, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(3, 2), 2, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(5, 3), 3, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(5, 4), 4, NULL), 0);
    cr_assert(map_home_remove(&m, K(3, 1), NULL, NULL));
    cr_assert_eq(slot_of(&m, K(3, 2)), 3);
    cr_assert_eq(m.meta[4], 0, "the shift crossed an entry in its home");
    cr_assert_eq(slot_of(&m, K(5, 3)), 5);
    cr_assert_eq(slot_of(&m, K(5, 4)), 6);
    CHECK_TABLE(&m);
    map_home_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, robin_hood_insert_orders_runs_by_home, .init = setup)
{
    map_home_t m;
    cr_assert_eq(map_home_with_capacity(&m, &cur_test_alloc, 10), 0);
    /* Insert far homes first, then nearer ones that must go before them. */
    cr_assert_eq(map_home_insert(&m, K(6, 1), 0, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(5, 2), 0, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(5, 3), 0, NULL), 0);
    cr_assert_eq(map_home_insert(&m, K(4, 4), 0, NULL), 0);
    cr_assert_eq(slot_of(&m, K(4, 4)), 4);
    cr_assert_eq(slot_of(&m, K(5, 2)), 5);
    cr_assert_eq(slot_of(&m, K(5, 3)), 6);
    cr_assert_eq(slot_of(&m, K(6, 1)), 7);
    CHECK_TABLE(&m);
    /* A miss whose home is 4 stops at the first entry nearer its home. */
    cr_assert_null(map_home_get(&m, K(4, 9)));
    cr_assert_null(map_home_get(&m, K(7, 9)));
    map_home_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, growth_keeps_the_layout_valid_for_colliding_keys, .init = setup)
{
    map_mod7_t m;
    map_mod7_init(&m, &cur_test_alloc);
    for (uint64_t i = 0; i < 3000; i++) {
        cr_assert_eq(map_mod7_insert(&m, i, i * 2, NULL), CUR_MAP_NEW);
        if (i % 97 == 0) CHECK_TABLE(&m);
    }
    for (uint64_t i = 0; i < 3000; i++)
        cr_assert_eq(*map_mod7_get(&m, i), i * 2);
    for (uint64_t i = 0; i < 3000; i += 3)
        cr_assert(map_mod7_remove(&m, i, NULL, NULL));
    CHECK_TABLE(&m);
    for (uint64_t i = 0; i < 3000; i++)
        cr_assert_eq(map_mod7_get(&m, i) != NULL, i % 3 != 0);
    map_mod7_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Key types                                                                */
/* ------------------------------------------------------------------------ */

Test(map, string_keys_compare_by_content, .init = setup)
{
    map_str_t m;
    map_str_init(&m, &cur_test_alloc);
    const char *text = "the cat and the dog and the bird";
    cur_str_split_t sp = cur_str_split(cur_str_from_cstr(text), CUR_STR(" "));
    cur_str_t w;
    while (cur_str_split_next(&sp, &w)) {
        int64_t *n = NULL;
        cr_assert_geq(map_str_entry_or_default(&m, w, &n), 0);
        ++*n;
    }
    cr_assert_eq(m.len, 5);
    char buf[8] = "the";
    cr_assert_eq(*map_str_get(&m, cur_str_from_cstr(buf)), 3);
    cr_assert_eq(*map_str_get(&m, CUR_STR("and")), 2);
    cr_assert_eq(*map_str_get(&m, CUR_STR("bird")), 1);
    cr_assert_null(map_str_get(&m, CUR_STR("th")));
    cr_assert_null(map_str_get(&m, CUR_STR("the ")));

    /* The empty key, embedded NULs, long keys differing in one byte. */
    cr_assert_eq(map_str_insert(&m, CUR_STR(""), -1, NULL), CUR_MAP_NEW);
    cr_assert_eq(map_str_insert(&m, (cur_str_t){NULL, 0}, -2, NULL),
                 CUR_MAP_FOUND, "{NULL, 0} and \"\" are the same key");
    cr_assert_eq(map_str_insert(&m, CUR_STR("a\0b"), 10, NULL), CUR_MAP_NEW);
    cr_assert_eq(map_str_insert(&m, CUR_STR("a\0c"), 11, NULL), CUR_MAP_NEW);
    cr_assert_eq(*map_str_get(&m, CUR_STR("a\0b")), 10);
    char l1[100], l2[100];
    memset(l1, 'x', sizeof l1);
    memcpy(l2, l1, sizeof l2);
    l2[99] = 'y';
    cr_assert_eq(map_str_insert(&m, (cur_str_t){l1, 100}, 1, NULL), 0);
    cr_assert_eq(map_str_insert(&m, (cur_str_t){l2, 100}, 2, NULL), 0);
    cr_assert_eq(map_str_insert(&m, (cur_str_t){l1, 99}, 3, NULL), CUR_MAP_NEW);
    cr_assert_eq(m.len, 11);
    CHECK_TABLE(&m);
    map_str_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, insert_on_an_existing_key_keeps_the_stored_key, .init = setup)
{
    map_str_t m;
    map_str_init(&m, &cur_test_alloc);
    char first[] = "key", second[] = "key";
    cr_assert_eq(map_str_insert(&m, cur_str_from_cstr(first), 1, NULL), 0);
    cr_assert_eq(map_str_insert(&m, cur_str_from_cstr(second), 2, NULL), 1);
    const cur_str_t *k;
    const int64_t *v;
    cr_assert(map_str_get_key_value(&m, CUR_STR("key"), &k, &v));
    cr_assert_eq(k->ptr, first, "Rust keeps the old key; so do we");
    cr_assert_eq(*v, 2);
    cur_str_t ok;
    int64_t ov;
    cr_assert(map_str_remove(&m, cur_str_from_cstr(second), &ok, &ov));
    cr_assert_eq(ok.ptr, first, "remove hands back the stored key");
    cr_assert_eq(ov, 2);
    map_str_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

typedef struct point3 {
    int64_t x, y, z;
} point3_t;

static uint64_t hash_point(const point3_t *p, uint64_t seed)
{
    int64_t f[3] = {p->x, p->y, p->z};
    return cur_map_hash_bytes(f, (ptrdiff_t)sizeof f, seed);
}
static bool eq_point(const point3_t *a, const point3_t *b)
{
    return a->x == b->x && a->y == b->y && a->z == b->z;
}
CUR_MAP_DECLARE(map_point, point3_t, point3_t, hash_point, eq_point);

Test(map, struct_keys_and_values, .init = setup)
{
    map_point_t m;
    map_point_init(&m, &cur_test_alloc);
    for (int64_t i = 0; i < 500; i++) {
        point3_t k = {i, -i, i * i}, v = {i, i, i};
        cr_assert_eq(map_point_insert(&m, k, v, NULL), CUR_MAP_NEW);
    }
    for (int64_t i = 0; i < 500; i++) {
        const point3_t *v = map_point_get(&m, (point3_t){i, -i, i * i});
        cr_assert(v && v->x == i && v->z == i);
        cr_assert_null(map_point_get(&m, (point3_t){i, i, i * i + 1}));
    }
    map_point_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, pointer_and_i32_keys, .init = setup)
{
    map_ptr_t p;
    map_ptr_init(&p, &cur_test_alloc);
    int objs[10];
    for (int i = 0; i < 10; i++)
        cr_assert_eq(map_ptr_insert(&p, &objs[i], i, NULL), 0);
    for (int i = 0; i < 10; i++) cr_assert_eq(*map_ptr_get(&p, &objs[i]), i);
    cr_assert_null(map_ptr_get(&p, NULL));
    map_ptr_destroy(&p);
    map_i32_t q;
    map_i32_init(&q, &cur_test_alloc);
    for (int32_t i = -100; i < 100; i++)
        cr_assert_eq(map_i32_insert(&q, i, -i, NULL), 0);
    for (int32_t i = -100; i < 100; i++) cr_assert_eq(*map_i32_get(&q, i), -i);
    map_i32_destroy(&q);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* A value of size 0 (a GNU empty struct) makes a set: HashSet<u64>. */
typedef struct unit {
} unit_t;
CUR_MAP_DECLARE_U64(set_u64, unit_t);
_Static_assert(sizeof(set_u64_slot_t) == sizeof(uint64_t),
               "a set's slot is just its key");

Test(map, empty_value_type_makes_a_set, .init = setup)
{
    set_u64_t s;
    set_u64_init(&s, &cur_test_alloc);
    for (uint64_t i = 0; i < 100; i++)
        cr_assert_eq(set_u64_insert(&s, i % 40, (unit_t){}, NULL),
                     i < 40 ? CUR_MAP_NEW : CUR_MAP_FOUND);
    cr_assert_eq(s.len, 40);
    cr_assert(set_u64_contains(&s, 39));
    cr_assert_not(set_u64_contains(&s, 40));
    unit_t *u;
    cr_assert_eq(set_u64_entry_or_default(&s, 77, &u), CUR_MAP_NEW);
    cr_assert(set_u64_remove(&s, 77, NULL, NULL));
    CHECK_TABLE(&s);
    set_u64_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Entry functions                                                          */
/* ------------------------------------------------------------------------ */

static int make_calls;
static uint64_t make_square(const uint64_t *k, void *ctx)
{
    make_calls++;
    return *k * *k + *(uint64_t *)ctx;
}

Test(map, entry_or_insert_and_or_insert_with, .init = setup)
{
    map_good_t m;
    map_good_init(&m, &cur_test_alloc);
    uint64_t *slot = NULL;
    cr_assert_eq(map_good_entry_or_insert(&m, 3, 30, &slot), CUR_MAP_NEW);
    cr_assert_eq(*slot, 30);
    *slot = 31;
    cr_assert_eq(map_good_entry_or_insert(&m, 3, 99, &slot), CUR_MAP_FOUND);
    cr_assert_eq(*slot, 31, "or_insert replaced an existing value");
    make_calls = 0;
    uint64_t add = 1;
    cr_assert_eq(map_good_entry_or_insert_with(&m, 4, make_square, &add, &slot),
                 CUR_MAP_NEW);
    cr_assert_eq(*slot, 17);
    cr_assert_eq(make_calls, 1);
    cr_assert_eq(map_good_entry_or_insert_with(&m, 4, make_square, &add, &slot),
                 CUR_MAP_FOUND);
    cr_assert_eq(make_calls, 1, "make ran for a present key");
    cr_assert_eq(map_good_entry_or_default(&m, 9, &slot), CUR_MAP_NEW);
    cr_assert_eq(*slot, 0);
    cr_assert_eq(m.len, 3);
    map_good_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static map_good_t reentrant_map;
static uint64_t make_reentrant(const uint64_t *k, void *ctx)
{
    (void)ctx;
    (void)map_good_insert(&reentrant_map, *k + 1000, 0, NULL);
    return 0;
}

Test(map, make_that_changes_the_map_panics, .init = setup, .signal = SIGABRT)
{
    map_good_init(&reentrant_map, NULL);
    uint64_t *slot;
    (void)map_good_entry_or_insert_with(&reentrant_map, 1, make_reentrant,
                                        NULL, &slot);
}

/* ------------------------------------------------------------------------ */
/* Retain and iteration                                                     */
/* ------------------------------------------------------------------------ */

static int keep_calls;
static bool keep_odd_and_bump(const uint64_t *k, uint64_t *v, void *ctx)
{
    (void)ctx;
    keep_calls++;
    *v += 1;
    return *k & 1;
}

/* Three keys per home, homes 120..127 then 0..25: one run of 100 entries
 * that wraps past the end of a 128-slot table. */
#define RKEY(i) ((120 + (i) / 3) % 128 + 256 * ((i) % 3))

Test(map, retain_calls_keep_once_per_entry, .init = setup)
{
    /* Colliding keys and runs that wrap: the shifts of removal must never
     * bring an entry back to be visited twice. */
    map_ident_t m;
    map_ident_init(&m, &cur_test_alloc);
    for (uint64_t i = 0; i < 100; i++)
        cr_assert_eq(map_ident_insert(&m, RKEY(i), i, NULL), 0);
    cr_assert_eq(m.len, 100);
    keep_calls = 0;
    map_ident_retain(&m, keep_odd_and_bump, NULL);
    cr_assert_eq(keep_calls, 100);
    CHECK_TABLE(&m);
    map_ident_iter_t it = map_ident_iter(&m);
    const uint64_t *k, *v;
    ptrdiff_t n = 0;
    while (map_ident_iter_next(&it, &k, &v)) {
        cr_assert(*k & 1);
        n++;
    }
    cr_assert_eq(n, m.len);
    for (uint64_t i = 0; i < 100; i++) {
        uint64_t key = RKEY(i);
        const uint64_t *p = map_ident_get(&m, key);
        cr_assert_eq(p != NULL, (key & 1) != 0);
        if (p) cr_assert_eq(*p, i + 1);
    }
    map_ident_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, iter_mut_updates_values_and_iter_sees_each_once, .init = setup)
{
    map_mod7_t m;
    map_mod7_init(&m, &cur_test_alloc);
    for (uint64_t i = 0; i < 300; i++)
        cr_assert_eq(map_mod7_insert(&m, i, i, NULL), 0);
    map_mod7_iter_mut_t it = map_mod7_iter_mut(&m);
    uint64_t *v;
    const uint64_t *k;
    while (map_mod7_iter_mut_next(&it, &k, &v)) *v = *k * 10;
    cr_assert_not(map_mod7_iter_mut_next(&it, &k, &v));
    char seen[300] = {0};
    map_mod7_iter_t r = map_mod7_iter(&m);
    const uint64_t *cv;
    while (map_mod7_iter_next(&r, &k, &cv)) {
        cr_assert_eq(*cv, *k * 10);
        cr_assert_eq(seen[*k]++, 0);
    }
    for (int i = 0; i < 300; i++) cr_assert_eq(seen[i], 1);
    /* replacing a value is not a structural change */
    map_mod7_iter_t r2 = map_mod7_iter(&m);
    while (map_mod7_iter_next(&r2, &k, NULL))
        cr_assert_eq(map_mod7_insert(&m, *k, 0, NULL), CUR_MAP_FOUND);
    map_mod7_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static map_good_t iter_map;
static void iter_setup(void)
{
    setup();
    map_good_init(&iter_map, NULL);
    for (uint64_t i = 0; i < 20; i++)
        cr_assert_eq(map_good_insert(&iter_map, i, i, NULL), 0);
}

Test(map, insert_during_iteration_panics_in_debug_builds, .init = iter_setup,
     .signal = SIGABRT)
{
    map_good_iter_t it = map_good_iter(&iter_map);
    const uint64_t *k;
    while (map_good_iter_next(&it, &k, NULL))
        (void)map_good_insert(&iter_map, *k + 100, 0, NULL);
}

Test(map, remove_during_iteration_panics_in_debug_builds, .init = iter_setup,
     .signal = SIGABRT)
{
    map_good_iter_mut_t it = map_good_iter_mut(&iter_map);
    const uint64_t *k;
    while (map_good_iter_mut_next(&it, &k, NULL))
        (void)map_good_remove(&iter_map, *k, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Contract violations                                                      */
/* ------------------------------------------------------------------------ */

Test(map, insert_into_null_panics, .init = setup, .signal = SIGABRT)
{
    (void)map_good_insert(NULL, 1, 1, NULL);
}

Test(map, get_from_null_panics, .init = setup, .signal = SIGABRT)
{
    (void)map_good_get(NULL, 1);
}

Test(map, entry_without_slot_out_param_panics, .init = setup,
     .signal = SIGABRT)
{
    map_good_t m = {0};
    (void)map_good_entry_or_insert(&m, 1, 1, NULL);
}

Test(map, hash_of_negative_length_panics, .init = setup, .signal = SIGABRT)
{
    (void)cur_map_hash_bytes("x", -1, 0);
}

/* ------------------------------------------------------------------------ */
/* OOM sweeps                                                               */
/* ------------------------------------------------------------------------ */

static void fill_good(map_good_t *m, uint64_t n)
{
    map_good_init_seeded(m, &cur_test_alloc, 42);
    for (uint64_t i = 0; i < n; i++)
        cr_assert_eq(map_good_insert(m, i, i * 3, NULL), 0);
}

static void check_good(map_good_t *m, uint64_t n)
{
    cr_assert_eq(m->len, (ptrdiff_t)n);
    CHECK_TABLE(m);
    for (uint64_t i = 0; i < n; i++) {
        const uint64_t *p = map_good_get(m, i);
        cr_assert(p && *p == i * 3, "key %llu", (unsigned long long)i);
    }
}

Test(map, oom_insert_growth, .init = setup)
{
    map_good_t m;
    int rc;
    for (uint64_t pre = 0; pre <= 14; pre += 7) { /* first table, growths */
        CUR_OOM_SWEEP(rc, { fill_good(&m, pre); },
                      { rc = map_good_insert(&m, pre, pre * 3, NULL); },
                      {
                          check_good(&m, pre);
                          cr_assert_null(map_good_get(&m, pre));
                          if (pre > 0)
                              cr_assert_eq(map_good_insert(&m, 0, 0, NULL),
                                           CUR_MAP_FOUND);
                          cr_assert_eq(map_good_insert(&m, pre, pre * 3, NULL),
                                       CUR_MAP_NEW);
                      },
                      {
                          cr_assert_eq(rc, CUR_MAP_NEW);
                          check_good(&m, pre + 1);
                      },
                      { map_good_destroy(&m); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, oom_reserve_and_with_capacity, .init = setup)
{
    map_good_t m;
    int rc;
    CUR_OOM_SWEEP(rc, { fill_good(&m, 5); },
                  { rc = map_good_reserve(&m, 100); },
                  {
                      check_good(&m, 5);
                      cr_assert_eq(m.cap, 8);
                  },
                  {
                      check_good(&m, 5);
                      cr_assert_geq(map_good_capacity(&m), 105);
                  },
                  { map_good_destroy(&m); });
    CUR_OOM_SWEEP(rc, {},
                  { rc = map_good_with_capacity(&m, &cur_test_alloc, 50); },
                  {
                      cr_assert_eq(m.len, 0);
                      cr_assert_eq(m.cap, 0);
                      cr_assert_eq(map_good_insert(&m, 1, 1, NULL), 0);
                  },
                  { cr_assert_geq(map_good_capacity(&m), 50); },
                  { map_good_destroy(&m); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, oom_entry_functions, .init = setup)
{
    map_good_t m;
    int rc;
    uint64_t *slot;
    uint64_t zero = 0;
    CUR_OOM_SWEEP(rc,
                  {
                      fill_good(&m, 7);
                      make_calls = 0;
                      slot = NULL;
                  },
                  {
                      rc = map_good_entry_or_insert_with(&m, 7, make_square,
                                                         &zero, &slot);
                  },
                  {
                      cr_assert_eq(make_calls, 0, "make ran on failure");
                      cr_assert_null(slot, "*slot written on failure");
                      check_good(&m, 7);
                  },
                  {
                      cr_assert_eq(make_calls, 1);
                      cr_assert_eq(*slot, 49);
                  },
                  { map_good_destroy(&m); });
    CUR_OOM_SWEEP(rc, { fill_good(&m, 7); },
                  { rc = map_good_entry_or_default(&m, 7, &slot); },
                  { check_good(&m, 7); },
                  {
                      cr_assert_eq(rc, CUR_MAP_NEW);
                      cr_assert_eq(*slot, 0);
                  },
                  { map_good_destroy(&m); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(map, oom_string_map_growth, .init = setup)
{
    map_str_t m;
    int rc;
    static const char *const words[] = {"alpha", "beta", "gamma", "delta",
                                        "epsilon", "zeta", "eta", "theta",
                                        "iota", "kappa", "lambda", "mu",
                                        "nu", "xi", "omicron"};
    CUR_OOM_SWEEP(rc,
                  {
                      map_str_init(&m, &cur_test_alloc);
                      for (int i = 0; i < 14; i++)
                          cr_assert_eq(map_str_insert(
                                           &m, cur_str_from_cstr(words[i]),
                                           i, NULL),
                                       0);
                  },
                  { rc = map_str_insert(&m, CUR_STR("omicron"), 14, NULL); },
                  {
                      cr_assert_eq(m.len, 14);
                      for (int i = 0; i < 14; i++)
                          cr_assert_eq(*map_str_get(
                                           &m, cur_str_from_cstr(words[i])),
                                       i);
                  },
                  {
                      cr_assert_eq(m.len, 15);
                      cr_assert_eq(*map_str_get(&m, CUR_STR("omicron")), 14);
                  },
                  { map_str_destroy(&m); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Hash functions                                                           */
/* ------------------------------------------------------------------------ */

/* SipHash-2-4 reference vectors (the SipHash paper's vectors.h): key
 * 00 01 .. 0f, message 00 01 .. (i-1) for i = 0..63. */
static const uint64_t sip24_vectors[64] = {
    0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull,
    0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
    0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull,
    0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
    0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
    0xa129ca6149be45e5ull, 0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull,
    0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull, 0xbed65cf21aa2ee98ull,
    0xd0f2cbb02e3b67c7ull, 0x93536795e3a33e88ull, 0xa80c038ccd5ccec8ull,
    0xb8ad50c6f649af94ull, 0xbce192de8a85b8eaull, 0x17d835b85bbb15f3ull,
    0x2f2e6163076bcfadull, 0xde4daaaca71dc9a5ull, 0xa6a2506687956571ull,
    0xad87a3535c49ef28ull, 0x32d892fad841c342ull, 0x7127512f72f27cceull,
    0xa7f32346f95978e3ull, 0x12e0b01abb051238ull, 0x15e034d40fa197aeull,
    0x314dffbe0815a3b4ull, 0x027990f029623981ull, 0xcadcd4e59ef40c4dull,
    0x9abfd8766a33735cull, 0x0e3ea96b5304a7d0ull, 0xad0c42d6fc585992ull,
    0x187306c89bc215a9ull, 0xd4a60abcf3792b95ull, 0xf935451de4f21df2ull,
    0xa9538f0419755787ull, 0xdb9acddff56ca510ull, 0xd06c98cd5c0975ebull,
    0xe612a3cb9ecba951ull, 0xc766e62cfcadaf96ull, 0xee64435a9752fe72ull,
    0xa192d576b245165aull, 0x0a8787bf8ecb74b2ull, 0x81b3e73d20b49b6full,
    0x7fa8220ba3b2eceaull, 0x245731c13ca42499ull, 0xb78dbfaf3a8d83bdull,
    0xea1ad565322a1a0bull, 0x60e61c23a3795013ull, 0x6606d7e446282b93ull,
    0x6ca4ecb15c5f91e1ull, 0x9f626da15c9625f3ull, 0xe51b38608ef25f57ull,
    0x958a324ceb064572ull,
};

Test(map, siphash_matches_the_reference_vectors, .init = setup)
{
    uint8_t msg[64];
    for (int i = 0; i < 64; i++) msg[i] = (uint8_t)i;
    uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
    for (int i = 0; i < 64; i++)
        cr_assert_eq(cur__map_siphash(msg, i, k0, k1, 2, 4), sip24_vectors[i],
                     "length %d", i);
    /* The 1-3 variant shares the code with different round counts. */
    cr_assert_eq(cur_map_hash_sip13(msg, 15, k0, k1),
                 cur__map_siphash(msg, 15, k0, k1, 1, 3));
    cr_assert_neq(cur_map_hash_sip13(msg, 15, k0, k1), sip24_vectors[15]);
    cr_assert_eq(cur_map_hash_sip13(NULL, 0, k0, k1),
                 cur_map_hash_sip13(msg, 0, k0, k1));
    cr_assert_neq(cur_map_hash_sip13(msg, 8, k0, k1),
                  cur_map_hash_sip13(msg, 8, k0, k1 + 1));
}

/* Every input bit and the length reach the hash (64-bit outputs differ). */
static void check_bit_sensitivity(uint64_t (*h)(const void *, ptrdiff_t,
                                                uint64_t))
{
    uint8_t buf[130];
    rng_seed(3);
    for (int i = 0; i < 130; i++) buf[i] = (uint8_t)rng();
    for (ptrdiff_t n = 0; n <= 129; n++) {
        uint64_t base = h(buf, n, 12345);
        cr_assert_neq(base, h(buf, n + 1 <= 130 ? n + 1 : n - 1, 12345),
                      "length %td", n);
        cr_assert_neq(base, h(buf, n, 12346), "seed, length %td", n);
        for (ptrdiff_t bit = 0; bit < n * 8; bit++) {
            buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            uint64_t x = h(buf, n, 12345);
            buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            cr_assert_neq(x, base, "length %td, bit %td", n, bit);
        }
    }
}

static uint64_t fast_hash(const void *p, ptrdiff_t n, uint64_t seed)
{
    return cur_map_hash_bytes(p, n, seed);
}
static uint64_t sip_hash(const void *p, ptrdiff_t n, uint64_t seed)
{
    return cur_map_hash_sip13(p, n, seed, ~seed);
}

Test(map, hashes_depend_on_every_bit_length_and_seed, .init = setup)
{
    check_bit_sensitivity(fast_hash);
    check_bit_sensitivity(sip_hash);
    /* all-zero inputs of different lengths differ */
    static const uint8_t zeros[64];
    for (ptrdiff_t a = 0; a < 64; a++)
        for (ptrdiff_t b = a + 1; b < 64; b++)
            cr_assert_neq(cur_map_hash_bytes(zeros, a, 0),
                          cur_map_hash_bytes(zeros, b, 0));
    cr_assert_eq(cur_map_hash_bytes(NULL, 0, 9),
                 cur_map_hash_bytes(zeros, 0, 9));
}

/* Low bits (the table index) of hashes of structured keys fill buckets
 * evenly: 65536 keys in 1024 buckets, 64 expected per bucket. */
static void check_spread(uint64_t (*h)(uint64_t i))
{
    static int bucket[1024];
    memset(bucket, 0, sizeof bucket);
    for (uint64_t i = 0; i < 65536; i++) bucket[h(i) & 1023]++;
    int lo = 1 << 30, hi = 0;
    for (int b = 0; b < 1024; b++) {
        if (bucket[b] < lo) lo = bucket[b];
        if (bucket[b] > hi) hi = bucket[b];
    }
    /* 64 +- 8 sigma: a bad hash lands far outside, a good one never. */
    cr_assert(lo >= 24 && hi <= 128, "buckets from %d to %d", lo, hi);
}
static uint64_t spread_int(uint64_t i)
{
    return cur_map_hash_mix64(i << 20, 7);
}
static uint64_t spread_seq(uint64_t i) { return cur_map_hash_mix64(i, 0); }
static uint64_t spread_text(uint64_t i)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "user-%llu", (unsigned long long)i);
    return cur_map_hash_bytes(buf, n, 0);
}
static uint64_t spread_long(uint64_t i)
{
    char buf[80];
    memset(buf, 'k', sizeof buf);
    memcpy(buf + 40, &i, sizeof i);
    return cur_map_hash_bytes(buf, (ptrdiff_t)sizeof buf, 1);
}

Test(map, hashes_spread_structured_keys_over_the_low_bits, .init = setup)
{
    check_spread(spread_int);
    check_spread(spread_seq);
    check_spread(spread_text);
    check_spread(spread_long);
}

Test(map, generic_hash_dispatches_on_the_type, .init = setup)
{
    uint64_t s = 99;
    cr_assert_eq(CUR_MAP_HASH(5, s), cur_map_hash_mix64(5, s));
    cr_assert_eq(CUR_MAP_HASH(-5L, s), cur_map_hash_mix64((uint64_t)-5, s));
    cr_assert_eq(CUR_MAP_HASH((uint8_t)200, s), cur_map_hash_mix64(200, s));
    cr_assert_eq(CUR_MAP_HASH(CUR_STR("ab"), s),
                 cur_map_hash_bytes("ab", 2, s));
    cr_assert_eq(CUR_MAP_HASH("ab", s), cur_map_hash_bytes("ab", 2, s));
    const char *c = "abc";
    cr_assert_eq(CUR_MAP_HASH(c, s), cur_map_hash_bytes("abc", 3, s));
    cur_str_t k = CUR_STR("key");
    cr_assert_eq(CUR_MAP_HASH(k, s), cur_map_hash_str(&k, s));
    int32_t i = -7;
    cr_assert_eq(CUR_MAP_HASH(i, s), cur_map_hash_i32(&i, s));
    cr_assert_eq(cur_map_hash_str_sip(&k, s),
                 cur_map_hash_sip13("key", 3, s, s ^ 0x736f6d6570736575ull));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

Test(map, random_seeds_differ_per_call_and_per_map, .init = setup)
{
    static uint64_t seeds[4096];
    for (int i = 0; i < 4096; i++) seeds[i] = cur_map_random_seed();
    qsort(seeds, 4096, sizeof *seeds, cmp_u64);
    for (int i = 1; i < 4096; i++) cr_assert_neq(seeds[i - 1], seeds[i]);
    map_good_t a, b;
    map_good_init(&a, NULL);
    map_good_init(&b, NULL);
    cr_assert_neq(a.seed, b.seed);
    map_good_t c = {0};
    cr_assert_eq(c.seed, 0);
    map_good_init_seeded(&c, NULL, 5);
    cr_assert_eq(c.seed, 5);
}

Test(map, same_seed_same_iteration_order, .init = setup)
{
    map_str_t a, b;
    map_str_init_seeded(&a, &cur_test_alloc, 1234);
    map_str_init_seeded(&b, &cur_test_alloc, 1234);
    static const char *const w[] = {"one", "two", "three", "four", "five",
                                    "six", "seven", "eight", "nine", "ten"};
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(map_str_insert(&a, cur_str_from_cstr(w[i]), i, NULL), 0);
        cr_assert_eq(map_str_insert(&b, cur_str_from_cstr(w[i]), i, NULL), 0);
    }
    map_str_iter_t ia = map_str_iter(&a), ib = map_str_iter(&b);
    const int64_t *va, *vb;
    while (map_str_iter_next(&ia, NULL, &va)) {
        cr_assert(map_str_iter_next(&ib, NULL, &vb));
        cr_assert_eq(*va, *vb);
    }
    cr_assert_not(map_str_iter_next(&ib, NULL, &vb));
    map_str_destroy(&a);
    map_str_destroy(&b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
