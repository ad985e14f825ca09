/* Tests of curriculum/rc.h: Rc, Arc, their Weak handles, RefCell, Cell. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/rc.h>

#include "support/alloc.h"
#include "support/quiet.h"

/* --- fixtures ------------------------------------------------------------- */

static atomic_int drops;

/* A value that counts its drops and checks it is dropped once. */
typedef struct tracked {
    int value;
    int dropped; /* set by the drop function */
} tracked_t;

static void tracked_drop(void *v, const cur_alloc_t *a)
{
    (void)a;
    tracked_t *t = v;
    /* A second drop would count twice; tests check the total is 1. */
    t->dropped = 1;
    atomic_fetch_add(&drops, 1);
}

static int tracked_clone(void *dst, const void *src, const cur_alloc_t *a)
{
    (void)a;
    *(tracked_t *)dst = *(const tracked_t *)src;
    return 0;
}

static const cur_type_t tracked_type =
    CUR_TYPE_INIT(tracked_t, tracked_drop, tracked_clone);
static const cur_type_t int_type = CUR_TYPE_COPY_INIT(int);

static void setup(void)
{
    atomic_store(&drops, 0);
    cur_test_alloc_reset();
    cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL);
}

static cur_rc_t *new_rc(int v)
{
    cur_rc_t *r = NULL;
    tracked_t t = {.value = v};
    cr_assert_eq(cur_rc_new(&r, &cur_test_alloc, &tracked_type, &t), 0);
    return r;
}

static cur_arc_t *new_arc(int v)
{
    cur_arc_t *a = NULL;
    tracked_t t = {.value = v};
    cr_assert_eq(cur_arc_new(&a, &cur_test_alloc, &tracked_type, &t), 0);
    return a;
}

/* --- Rc ------------------------------------------------------------------- */

Test(rc, new_has_one_strong_and_no_weak, .init = setup)
{
    cur_rc_t *r = new_rc(5);
    cr_assert_eq(cur_rc_strong_count(r), 1);
    cr_assert_eq(cur_rc_weak_count(r), 0);
    cr_assert_eq(((tracked_t *)cur_rc_get(r))->value, 5);
    cr_assert_eq((uintptr_t)cur_rc_get(r) % _Alignof(max_align_t), 0);
    cur_rc_free(r);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, clone_increments_and_returns_the_same_handle, .init = setup)
{
    cur_rc_t *r = new_rc(1);
    cur_rc_t *c = cur_rc_clone(r);
    cr_assert_eq(c, r);
    cr_assert(cur_rc_ptr_eq(c, r));
    cr_assert_eq(cur_rc_strong_count(r), 2);
    cur_rc_t *d = cur_rc_clone(c);
    cr_assert_eq(cur_rc_strong_count(r), 3);
    cr_assert_eq(cur_rc_get(d), cur_rc_get(r), "clones share one value");
    cur_rc_free(d);
    cur_rc_free(c);
    cr_assert_eq(cur_rc_strong_count(r), 1);
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, value_is_dropped_exactly_once_by_the_last_strong, .init = setup)
{
    cur_rc_t *r = new_rc(1);
    cur_rc_t *handles[10];
    for (int i = 0; i < 10; i++) handles[i] = cur_rc_clone(r);
    cur_rc_free(r);
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(atomic_load(&drops), 0, "dropped with %d handles left",
                     10 - i);
        cur_rc_free(handles[i]);
    }
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, free_of_null_is_a_noop, .init = setup)
{
    cur_rc_free(NULL);
    cur_rc_weak_free(NULL);
    cr_assert_null(cur_rc_weak_upgrade(NULL));
    cr_assert_null(cur_rc_weak_clone(NULL));
    cr_assert_eq(cur_rc_weak_strong_count(NULL), 0);
    cr_assert_eq(cur_rc_weak_weak_count(NULL), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, weak_upgrade_works_while_a_strong_lives, .init = setup)
{
    cur_rc_t *r = new_rc(3);
    cur_rc_weak_t *w = cur_rc_downgrade(r);
    cr_assert_eq(cur_rc_weak_count(r), 1);
    cr_assert_eq(cur_rc_weak_strong_count(w), 1);
    cr_assert_eq(cur_rc_weak_weak_count(w), 1);
    cur_rc_t *u = cur_rc_weak_upgrade(w);
    cr_assert_eq(u, r);
    cr_assert_eq(cur_rc_strong_count(r), 2);
    cur_rc_free(u);
    cur_rc_weak_free(w);
    cr_assert_eq(cur_rc_weak_count(r), 0);
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, weak_upgrade_fails_after_the_last_strong, .init = setup)
{
    cur_rc_t *r = new_rc(3);
    cur_rc_weak_t *w = cur_rc_downgrade(r);
    cur_rc_weak_t *w2 = cur_rc_weak_clone(w);
    cr_assert_eq(w2, w);
    cr_assert_eq(cur_rc_weak_count(r), 2);
    cur_rc_free(r);
    cr_assert_eq(atomic_load(&drops), 1, "the value went with the last strong");
    cr_assert_null(cur_rc_weak_upgrade(w));
    cr_assert_null(cur_rc_weak_upgrade(w2));
    cr_assert_eq(cur_rc_weak_strong_count(w), 0);
    cr_assert_eq(cur_rc_weak_weak_count(w), 0, "as in Rust: 0 once gone");
    cur_rc_weak_free(w);
    cur_rc_weak_free(w2);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, weak_keeps_the_memory_until_the_last_weak_goes, .init = setup)
{
    cur_rc_t *r = new_rc(3);
    ptrdiff_t size = cur_test_live_bytes();
    cr_assert_gt(size, 0);
    cur_rc_weak_t *w1 = cur_rc_downgrade(r);
    cur_rc_weak_t *w2 = cur_rc_downgrade(r);
    cur_rc_free(r);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), size, "weak handles keep the block");
    cur_rc_weak_free(w1);
    cr_assert_eq(cur_test_live_bytes(), size);
    cur_rc_weak_free(w2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, get_mut_only_for_the_only_handle, .init = setup)
{
    cur_rc_t *r = new_rc(1);
    tracked_t *m = cur_rc_get_mut(r);
    cr_assert_not_null(m);
    m->value = 2;
    cur_rc_t *c = cur_rc_clone(r);
    cr_assert_null(cur_rc_get_mut(r), "another strong handle exists");
    cur_rc_free(c);
    cur_rc_weak_t *w = cur_rc_downgrade(r);
    cr_assert_null(cur_rc_get_mut(r), "a weak handle exists");
    cur_rc_weak_free(w);
    cr_assert_not_null(cur_rc_get_mut(r));
    cr_assert_eq(((tracked_t *)cur_rc_get(r))->value, 2);
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, try_unwrap_moves_the_value_out_of_the_only_strong, .init = setup)
{
    cur_rc_t *r = new_rc(11);
    cur_rc_t *c = cur_rc_clone(r);
    tracked_t out = {.value = -1};
    cr_assert_eq(cur_rc_try_unwrap(r, &out), CUR_EBUSY);
    cr_assert_eq(out.value, -1, "out untouched on failure");
    cr_assert_eq(cur_rc_strong_count(r), 2, "r is still held");
    cur_rc_free(c);
    cr_assert_eq(cur_rc_try_unwrap(r, &out), 0);
    cr_assert_eq(out.value, 11);
    cr_assert_eq(atomic_load(&drops), 0, "moved out, not dropped");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, try_unwrap_with_weak_handles_left, .init = setup)
{
    cur_rc_t *r = new_rc(12);
    cur_rc_weak_t *w = cur_rc_downgrade(r);
    tracked_t out;
    cr_assert_eq(cur_rc_try_unwrap(r, &out), 0);
    cr_assert_eq(out.value, 12);
    cr_assert_null(cur_rc_weak_upgrade(w));
    cr_assert_gt(cur_test_live_bytes(), 0);
    cur_rc_weak_free(w);
    cr_assert_eq(atomic_load(&drops), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, null_init_zero_fills_and_null_alloc_uses_the_default, .init = setup)
{
    cur_rc_t *r;
    cr_assert_eq(cur_rc_new(&r, NULL, &int_type, NULL), 0);
    cr_assert_eq(*(int *)cur_rc_get(r), 0);
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_count(), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, over_aligned_values_are_aligned, .init = setup)
{
    cur_type_t t = CUR_TYPE_COPY_INIT(int);
    ptrdiff_t aligns[] = {32, 64, 512, CUR_TYPE_MAX_ALIGN};
    for (int i = 0; i < CUR_COUNTOF(aligns); i++) {
        t.align = aligns[i];
        cur_rc_t *r;
        cur_arc_t *a;
        cr_assert_eq(cur_rc_new(&r, &cur_test_alloc, &t, NULL), 0);
        cr_assert_eq(cur_arc_new(&a, &cur_test_alloc, &t, NULL), 0);
        cr_assert_eq((uintptr_t)cur_rc_get(r) % (uintptr_t)aligns[i], 0);
        cr_assert_eq((uintptr_t)cur_arc_get(a) % (uintptr_t)aligns[i], 0);
        cur_rc_weak_t *w = cur_rc_downgrade(r);
        cur_rc_free(r);
        cur_rc_weak_free(w);
        cur_arc_free(a);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, broken_descriptor_is_einval_and_huge_is_eoverflow, .init = setup)
{
    cur_type_t t = CUR_TYPE_COPY_INIT(int);
    t.align = 3;
    cur_rc_t *r = NULL;
    cur_arc_t *a = NULL;
    cr_assert_eq(cur_rc_new(&r, &cur_test_alloc, &t, NULL), CUR_EINVAL);
    cr_assert_eq(cur_arc_new(&a, &cur_test_alloc, &t, NULL), CUR_EINVAL);
    t = (cur_type_t)CUR_TYPE_COPY_INIT(int);
    t.size = PTRDIFF_MAX - 16;
    cr_assert_eq(cur_rc_new(&r, &cur_test_alloc, &t, NULL), CUR_EOVERFLOW);
    cr_assert_eq(cur_arc_new(&a, &cur_test_alloc, &t, NULL), CUR_EOVERFLOW);
    cr_assert_null(r);
    cr_assert_null(a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* A tree whose children link back to their parent with Weak handles. */
typedef struct node {
    int id;
    cur_rc_weak_t *parent; /* weak: no cycle */
    cur_rc_t *child[2];    /* strong: the parent owns its children */
    int parent_alive_at_drop;
} node_t;

static int node_drops;
static int parent_seen_alive;

static void node_drop(void *v, const cur_alloc_t *a)
{
    (void)a;
    node_t *n = v;
    node_drops++;
    /* The parent is being dropped (its strong count is 0): no upgrade. */
    cur_rc_t *p = cur_rc_weak_upgrade(n->parent);
    if (p) {
        parent_seen_alive++;
        cur_rc_free(p);
    }
    cur_rc_weak_free(n->parent);
    cur_rc_free(n->child[0]);
    cur_rc_free(n->child[1]);
}

static const cur_type_t node_type = CUR_TYPE_INIT(node_t, node_drop, NULL);

Test(rc, tree_with_weak_parent_links_frees_everything, .init = setup)
{
    node_drops = 0;
    parent_seen_alive = 0;
    cur_rc_t *root;
    node_t n = {.id = 0};
    cr_assert_eq(cur_rc_new(&root, &cur_test_alloc, &node_type, &n), 0);
    for (int i = 0; i < 2; i++) {
        node_t c = {.id = i + 1, .parent = cur_rc_downgrade(root)};
        cr_assert_eq(cur_rc_new(&((node_t *)cur_rc_get(root))->child[i],
                                &cur_test_alloc, &node_type, &c), 0);
    }
    /* A child reaches its parent through the weak link. */
    node_t *kid = cur_rc_get(((node_t *)cur_rc_get(root))->child[1]);
    cur_rc_t *up = cur_rc_weak_upgrade(kid->parent);
    cr_assert_eq(up, root);
    cur_rc_free(up);
    cr_assert_eq(cur_rc_strong_count(root), 1);
    cr_assert_eq(cur_rc_weak_count(root), 2);
    cur_rc_free(root);
    cr_assert_eq(node_drops, 3);
    cr_assert_eq(parent_seen_alive, 0);
    cr_assert_eq(cur_test_live_bytes(), 0, "no cycle, no leak");
}

Test(rc, rc_new_oom_sweep, .init = setup)
{
    int rc;
    cur_rc_t *r = NULL;
    tracked_t t = {.value = 4};
    CUR_OOM_SWEEP(rc, { r = NULL; },
                  { rc = cur_rc_new(&r, &cur_test_alloc, &tracked_type, &t); },
                  {
                      cr_assert_null(r);
                      cr_assert_eq(atomic_load(&drops), 0);
                  },
                  {
                      cr_assert_eq(rc, 0);
                      cur_rc_t *c = cur_rc_clone(r);
                      cur_rc_free(c);
                      cr_assert_eq(((tracked_t *)cur_rc_get(r))->value, 4);
                  },
                  { cur_rc_free(CUR_MOVE(r)); });
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void rc_clone_at_max(void *arg)
{
    (void)cur_rc_clone(arg);
}

Test(rc, strong_count_overflow_panics_without_wrapping, .init = setup)
{
    cur_rc_t *r = new_rc(0);
    r->strong = CUR_RC_MAX_COUNT; /* simulate: private field, test only */
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(rc_clone_at_max, r, &info), CUR_EPANIC);
    cr_assert(strstr(info.message, "Rc strong count overflow"), "%s",
              info.message);
    cr_assert_eq(cur_rc_strong_count(r), CUR_RC_MAX_COUNT, "unchanged");
    r->strong = 1;
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void rc_downgrade_at_max(void *arg)
{
    (void)cur_rc_downgrade(arg);
}

Test(rc, weak_count_overflow_panics, .init = setup)
{
    cur_rc_t *r = new_rc(0);
    r->weak = CUR_RC_MAX_COUNT;
    cr_assert_eq(cur_catch_unwind(rc_downgrade_at_max, r, NULL), CUR_EPANIC);
    cr_assert_eq(r->weak, CUR_RC_MAX_COUNT);
    r->weak = 1;
    cur_rc_free(r);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(rc, uncaught_count_overflow_aborts, .signal = SIGABRT, .init = setup)
{
    cur_rc_t *r = new_rc(0);
    r->strong = CUR_RC_MAX_COUNT;
    (void)cur_rc_clone(r);
}

Test(rc, clone_of_null_panics, .signal = SIGABRT, .init = setup)
{
    (void)cur_rc_clone(NULL);
}

Test(rc, try_unwrap_with_null_out_panics, .signal = SIGABRT, .init = setup)
{
    cur_rc_t *r = new_rc(0);
    (void)cur_rc_try_unwrap(r, NULL);
}

Test(rc, new_with_null_out_panics, .signal = SIGABRT, .init = setup)
{
    (void)!cur_rc_new(NULL, &cur_test_alloc, &int_type, NULL);
}

/* --- Arc ------------------------------------------------------------------ */

Test(arc, counts_follow_clone_free_downgrade, .init = setup)
{
    cur_arc_t *a = new_arc(7);
    cr_assert_eq(cur_arc_strong_count(a), 1);
    cr_assert_eq(cur_arc_weak_count(a), 0);
    cur_arc_t *b = cur_arc_clone(a);
    cr_assert_eq(b, a);
    cr_assert(cur_arc_ptr_eq(a, b));
    cr_assert_eq(cur_arc_strong_count(a), 2);
    cur_arc_weak_t *w = cur_arc_downgrade(a);
    cur_arc_weak_t *w2 = cur_arc_weak_clone(w);
    cr_assert_eq(cur_arc_weak_count(a), 2);
    cr_assert_eq(cur_arc_weak_strong_count(w), 2);
    cr_assert_eq(cur_arc_weak_weak_count(w), 2);
    cr_assert_eq(((tracked_t *)cur_arc_get(b))->value, 7);
    cur_arc_free(b);
    cr_assert_eq(cur_arc_strong_count(a), 1);
    cur_arc_weak_free(w2);
    cur_arc_weak_free(w);
    cr_assert_eq(cur_arc_weak_count(a), 0);
    cur_arc_free(a);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, weak_upgrade_fails_after_the_last_strong, .init = setup)
{
    cur_arc_t *a = new_arc(1);
    ptrdiff_t size = cur_test_live_bytes();
    cur_arc_weak_t *w = cur_arc_downgrade(a);
    cur_arc_t *u = cur_arc_weak_upgrade(w);
    cr_assert_eq(u, a);
    cur_arc_free(u);
    cur_arc_free(a);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_null(cur_arc_weak_upgrade(w));
    cr_assert_null(cur_arc_weak_upgrade(w), "and stays gone");
    cr_assert_eq(cur_arc_weak_strong_count(w), 0);
    cr_assert_eq(cur_arc_weak_weak_count(w), 0);
    cr_assert_eq(cur_test_live_bytes(), size, "the weak keeps the block");
    cur_arc_weak_free(w);
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, null_handles_are_empty, .init = setup)
{
    cur_arc_free(NULL);
    cur_arc_weak_free(NULL);
    cr_assert_null(cur_arc_weak_upgrade(NULL));
    cr_assert_null(cur_arc_weak_clone(NULL));
    cr_assert_eq(cur_arc_weak_strong_count(NULL), 0);
    cr_assert_eq(cur_arc_weak_weak_count(NULL), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, get_mut_needs_the_only_handle_and_unlocks, .init = setup)
{
    cur_arc_t *a = new_arc(1);
    tracked_t *m = cur_arc_get_mut(a);
    cr_assert_not_null(m);
    m->value = 50;
    cur_arc_t *b = cur_arc_clone(a);
    cr_assert_null(cur_arc_get_mut(a));
    cur_arc_free(b);
    cur_arc_weak_t *w = cur_arc_downgrade(a);
    cr_assert_null(cur_arc_get_mut(a));
    cur_arc_weak_free(w);
    cr_assert_not_null(cur_arc_get_mut(a));
    /* The weak count was unlocked: downgrade still works. */
    w = cur_arc_downgrade(a);
    cr_assert_eq(cur_arc_weak_count(a), 1);
    cur_arc_weak_free(w);
    cr_assert_eq(((tracked_t *)cur_arc_get(a))->value, 50);
    cur_arc_free(a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, try_unwrap_only_for_the_only_strong, .init = setup)
{
    cur_arc_t *a = new_arc(21);
    cur_arc_t *b = cur_arc_clone(a);
    cur_arc_weak_t *w = cur_arc_downgrade(a);
    tracked_t out = {.value = -1};
    cr_assert_eq(cur_arc_try_unwrap(a, &out), CUR_EBUSY);
    cr_assert_eq(out.value, -1);
    cr_assert_eq(cur_arc_strong_count(a), 2);
    cur_arc_free(b);
    cr_assert_eq(cur_arc_try_unwrap(a, &out), 0);
    cr_assert_eq(out.value, 21);
    cr_assert_eq(atomic_load(&drops), 0, "moved out, not dropped");
    cr_assert_null(cur_arc_weak_upgrade(w));
    cur_arc_weak_free(w);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, arc_new_oom_sweep, .init = setup)
{
    int rc;
    cur_arc_t *a = NULL;
    tracked_t t = {.value = 8};
    CUR_OOM_SWEEP(rc, { a = NULL; },
                  { rc = cur_arc_new(&a, &cur_test_alloc, &tracked_type, &t); },
                  { cr_assert_null(a); },
                  {
                      cr_assert_eq(rc, 0);
                      cur_arc_weak_t *w = cur_arc_downgrade(a);
                      cur_arc_weak_free(w);
                      cr_assert_eq(((tracked_t *)cur_arc_get(a))->value, 8);
                  },
                  { cur_arc_free(CUR_MOVE(a)); });
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void arc_clone_at_max(void *arg)
{
    (void)cur_arc_clone(arg);
}

static void arc_upgrade_at_max(void *arg)
{
    (void)cur_arc_weak_upgrade(arg);
}

static void arc_downgrade_at_max(void *arg)
{
    (void)cur_arc_downgrade(arg);
}

static void arc_weak_clone_at_max(void *arg)
{
    (void)cur_arc_weak_clone(arg);
}

Test(arc, count_overflow_panics_and_restores_the_count, .init = setup)
{
    cur_arc_t *a = new_arc(0);
    cur_arc_weak_t *w = cur_arc_downgrade(a);
    atomic_store(&a->strong, CUR_RC_MAX_COUNT); /* simulate, test only */
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(arc_clone_at_max, a, &info), CUR_EPANIC);
    cr_assert(strstr(info.message, "Arc strong count overflow"), "%s",
              info.message);
    cr_assert_eq(cur_arc_strong_count(a), CUR_RC_MAX_COUNT);
    cr_assert_eq(cur_catch_unwind(arc_upgrade_at_max, w, NULL), CUR_EPANIC);
    cr_assert_eq(cur_arc_strong_count(a), CUR_RC_MAX_COUNT);
    atomic_store(&a->strong, 1);
    atomic_store(&a->weak, CUR_RC_MAX_COUNT);
    cr_assert_eq(cur_catch_unwind(arc_downgrade_at_max, a, NULL), CUR_EPANIC);
    cr_assert_eq(cur_catch_unwind(arc_weak_clone_at_max, w, NULL), CUR_EPANIC);
    cr_assert_eq(atomic_load(&a->weak), CUR_RC_MAX_COUNT);
    atomic_store(&a->weak, 2);
    cur_arc_weak_free(w);
    cur_arc_free(a);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(arc, uncaught_count_overflow_aborts, .signal = SIGABRT, .init = setup)
{
    cur_arc_t *a = new_arc(0);
    atomic_store(&a->strong, CUR_RC_MAX_COUNT);
    (void)cur_arc_clone(a);
}

Test(arc, clone_of_null_panics, .signal = SIGABRT, .init = setup)
{
    (void)cur_arc_clone(NULL);
}

Test(arc, downgrade_of_null_panics, .signal = SIGABRT, .init = setup)
{
    (void)cur_arc_downgrade(NULL);
}

/* Threads clone, free, downgrade and upgrade one Arc; the value drops once. */
struct arc_job {
    cur_arc_t *mine;   /* one strong count, owned by the thread */
    cur_arc_weak_t *w; /* one weak count, owned by the thread */
    int iters;
    int bad;
};

static void *arc_worker(void *arg)
{
    struct arc_job *j = arg;
    for (int i = 0; i < j->iters; i++) {
        cur_arc_t *c = cur_arc_clone(j->mine);
        if (((tracked_t *)cur_arc_get(c))->value != 99) j->bad++;
        cur_arc_t *u = cur_arc_weak_upgrade(j->w);
        if (u != j->mine) j->bad++;
        cur_arc_weak_t *w = cur_arc_downgrade(u);
        cur_arc_weak_free(w);
        if (cur_arc_get_mut(u)) j->bad++; /* never unique here */
        cur_arc_free(u);
        cur_arc_free(c);
    }
    cur_arc_free(CUR_MOVE(j->mine));
    /* Keep upgrading until the last strong handle, somewhere, is gone. */
    for (;;) {
        cur_arc_t *u = cur_arc_weak_upgrade(j->w);
        if (!u) break;
        if (((tracked_t *)cur_arc_get(u))->dropped) j->bad++;
        cur_arc_free(u);
    }
    if (cur_arc_weak_upgrade(j->w)) j->bad++;
    cur_arc_weak_free(CUR_MOVE(j->w));
    return NULL;
}

Test(arc, threads_share_clone_and_drop_once, .init = setup, .timeout = 60)
{
    enum { T = 4 };
    cur_arc_t *a = new_arc(99);
    pthread_t th[T];
    struct arc_job jobs[T];
    for (int t = 0; t < T; t++) {
        jobs[t] = (struct arc_job){.mine = cur_arc_clone(a),
                                   .w = cur_arc_downgrade(a),
                                   .iters = 20000};
    }
    cr_assert_eq(cur_arc_strong_count(a), T + 1);
    cur_arc_free(CUR_MOVE(a));
    for (int t = 0; t < T; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, arc_worker, &jobs[t]), 0);
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        cr_assert_eq(jobs[t].bad, 0, "thread %d saw %d errors", t, jobs[t].bad);
    }
    cr_assert_eq(atomic_load(&drops), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- RefCell -------------------------------------------------------------- */

CUR_REFCELL_TYPE(int_cell, int);

Test(refcell, shared_and_shared_is_allowed, .init = setup)
{
    int_cell c = {.value = 1};
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    const int *a, *b;
    cr_assert_eq(CUR_REFCELL_TRY_BORROW(&c, &a), 0);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW(&c, &b), 0);
    cr_assert_eq(a, &c.value);
    cr_assert_eq(*a + *b, 2);
    cr_assert_eq(cur_refcell_state(&c.cell), 2);
    CUR_REFCELL_RELEASE(&c);
    CUR_REFCELL_RELEASE(&c);
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, shared_then_mut_conflicts, .init = setup)
{
    int_cell c = {CUR_REFCELL_INIT, 1};
    const int *a;
    int *m = NULL;
    cr_assert_eq(CUR_REFCELL_TRY_BORROW(&c, &a), 0);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &m), CUR_EBORROW);
    cr_assert_null(m, "out untouched on failure");
    cr_assert_eq(cur_refcell_state(&c.cell), 1, "state unchanged");
    CUR_REFCELL_RELEASE(&c);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &m), 0, "ok after release");
    *m = 5;
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(c.value, 5);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, mut_then_shared_conflicts, .init = setup)
{
    int_cell c = {.value = 1};
    int *m;
    const int *a = NULL;
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &m), 0);
    cr_assert_eq(cur_refcell_state(&c.cell), -1);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW(&c, &a), CUR_EBORROW);
    cr_assert_null(a);
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW(&c, &a), 0, "ok after release");
    CUR_REFCELL_RELEASE(&c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, mut_then_mut_conflicts, .init = setup)
{
    int_cell c = {.value = 1};
    int *m, *n = NULL;
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &m), 0);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &n), CUR_EBORROW);
    cr_assert_null(n);
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(CUR_REFCELL_TRY_BORROW_MUT(&c, &n), 0, "ok after release");
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, panicking_borrows_succeed_without_conflict, .init = setup)
{
    int_cell c = {.value = 3};
    const int *a = CUR_REFCELL_BORROW(&c);
    const int *b = CUR_REFCELL_BORROW(&c);
    cr_assert_eq(*a * *b, 9);
    CUR_REFCELL_RELEASE(&c);
    CUR_REFCELL_RELEASE(&c);
    int *m = CUR_REFCELL_BORROW_MUT(&c);
    *m = 4;
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(c.value, 4);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, guards_end_at_the_end_of_their_block, .init = setup)
{
    int_cell c = {.value = 0};
    {
        CUR_REF(a, &c);
        CUR_REF(b, &c);
        cr_assert_eq(cur_refcell_state(&c.cell), 2);
        cr_assert_eq(*a + *b, 0);
    }
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    for (int i = 0; i < 3; i++) {
        CUR_REF_MUT(m, &c);
        cr_assert_eq(cur_refcell_state(&c.cell), -1);
        *m += 1;
        if (i == 1) continue; /* leaving early ends the borrow too */
    }
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    cr_assert_eq(c.value, 3);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, guard_release_ends_the_borrow_early, .init = setup)
{
    int_cell c = {.value = 0};
    CUR_REF_MUT(m, &c);
    *m = 7;
    CUR_REF_RELEASE(m);
    cr_assert_null(m);
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    CUR_REF_RELEASE(m); /* idempotent */
    CUR_REF(r, &c);
    cr_assert_eq(*r, 7);
    cr_assert_eq(cur_refcell_state(&c.cell), 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, try_guards_are_null_on_conflict, .init = setup)
{
    int_cell c = {.value = 2};
    {
        CUR_REF(a, &c);
        CUR_TRY_REF_MUT(m, &c);
        cr_assert_null(m);
        CUR_TRY_REF(b, &c);
        cr_assert_not_null(b);
        cr_assert_eq(*a, *b);
        cr_assert_eq(cur_refcell_state(&c.cell), 2);
    }
    {
        CUR_TRY_REF_MUT(m, &c);
        cr_assert_not_null(m);
        CUR_TRY_REF(b, &c);
        cr_assert_null(b);
        CUR_TRY_REF_MUT(m2, &c);
        cr_assert_null(m2);
        cr_assert_eq(cur_refcell_state(&c.cell), -1);
    }
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, guard_functions_work_by_hand, .init = setup)
{
    int_cell c = {.value = 1};
    cur_ref_guard_t g = {0}, h = {0};
    cr_assert(cur_ref_guard_begin(&g, &c.cell, true, false, __FILE__,
                                  __LINE__, __func__));
    cr_assert_eq(cur_refcell_state(&c.cell), -1);
    cr_assert_not(cur_ref_guard_begin(&h, &c.cell, false, true, __FILE__,
                                      __LINE__, __func__));
    cur_ref_guard_end(&h); /* inert: nothing taken, nothing pushed */
    cr_assert_eq(cur_refcell_state(&c.cell), -1);
    cur_ref_guard_release(&g);
    cur_ref_guard_release(&g); /* idempotent */
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    cur_ref_guard_end(&g);
    cr_assert_null(g.unwind.fn, "popped");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static int held_line;

static void mut_while_shared(void *arg)
{
    int_cell *c = arg;
    CUR_REF(r1, c); held_line = __LINE__;
    CUR_REF(r2, c);
    CUR_REF_MUT(w, c); /* panics */
    (void)r1;
    (void)r2;
    (void)w;
}

Test(refcell, panic_names_the_first_shared_borrow, .init = setup)
{
    int_cell c = {.value = 0};
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(mut_while_shared, &c, &info), CUR_EPANIC);
    char where[256];
    snprintf(where, sizeof where, "%s:%d", __FILE__, held_line);
    cr_assert(strstr(info.message, where), "'%s' lacks '%s'", info.message,
              where);
    cr_assert(strstr(info.message, "2 shared borrows"), "%s", info.message);
    cr_assert_str_eq(info.func, "mut_while_shared");
    cr_assert_eq(info.line, held_line + 2, "reported at the failed borrow");
    cr_assert_eq(cur_refcell_state(&c.cell), 0,
                 "the unwinding panic released both shared borrows");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void shared_while_mut(void *arg)
{
    int_cell *c = arg;
    CUR_REF_MUT(w, c); held_line = __LINE__;
    *w = 1;
    CUR_REF(r, c); /* panics */
    (void)r;
}

Test(refcell, panic_names_the_exclusive_borrow, .init = setup)
{
    int_cell c = {.value = 0};
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(shared_while_mut, &c, &info), CUR_EPANIC);
    char where[256];
    snprintf(where, sizeof where, "%s:%d", __FILE__, held_line);
    cr_assert(strstr(info.message, where), "'%s' lacks '%s'", info.message,
              where);
    cr_assert(strstr(info.message, "already mutably borrowed"), "%s",
              info.message);
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    cr_assert_eq(c.value, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void mut_while_mut(void *arg)
{
    int_cell *c = arg;
    int *m = CUR_REFCELL_BORROW_MUT(c); held_line = __LINE__;
    (void)m;
    (void)CUR_REFCELL_BORROW_MUT(c); /* panics; the raw borrow stays */
}

Test(refcell, panic_names_the_exclusive_borrow_for_mut, .init = setup)
{
    int_cell c = {.value = 0};
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(mut_while_mut, &c, &info), CUR_EPANIC);
    char where[256];
    snprintf(where, sizeof where, "%s:%d", __FILE__, held_line);
    cr_assert(strstr(info.message, where), "'%s' lacks '%s'", info.message,
              where);
    cr_assert(strstr(info.message, "cannot borrow it mutably"), "%s",
              info.message);
    /* A raw borrow has no guard: it is still held after the panic. */
    cr_assert_eq(cur_refcell_state(&c.cell), -1);
    CUR_REFCELL_RELEASE_MUT(&c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void guard_then_other_panic(void *arg)
{
    int_cell *c = arg;
    CUR_REF_MUT(w, c);
    *w = 9;
    CUR_PANIC("unrelated failure");
}

Test(refcell, any_panic_releases_guarded_borrows, .init = setup)
{
    int_cell c = {.value = 0};
    cr_assert_eq(cur_catch_unwind(guard_then_other_panic, &c, NULL),
                 CUR_EPANIC);
    cr_assert_eq(cur_refcell_state(&c.cell), 0);
    CUR_REF(r, &c);
    cr_assert_eq(*r, 9);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void shared_at_max(void *arg)
{
    (void)CUR_REFCELL_TRY_BORROW((int_cell *)arg, &(const int *){NULL});
}

Test(refcell, shared_count_overflow_panics, .init = setup)
{
    int_cell c = {.value = 0};
    c.cell.borrow = CUR_RC_MAX_COUNT; /* simulate, test only */
    c.cell.file = "x";
    cr_assert_eq(cur_catch_unwind(shared_at_max, &c, NULL), CUR_EPANIC);
    cr_assert_eq(cur_refcell_state(&c.cell), CUR_RC_MAX_COUNT);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(refcell, uncaught_conflict_aborts, .signal = SIGABRT, .init = setup)
{
    int_cell c = {.value = 0};
    CUR_REF(r, &c);
    CUR_REF_MUT(w, &c);
    (void)r;
    (void)w;
}

Test(refcell, release_without_a_borrow_panics, .signal = SIGABRT,
     .init = setup)
{
    int_cell c = {.value = 0};
    CUR_REFCELL_RELEASE(&c);
}

Test(refcell, release_mut_of_a_shared_borrow_panics, .signal = SIGABRT,
     .init = setup)
{
    int_cell c = {.value = 0};
    (void)CUR_REFCELL_BORROW(&c);
    CUR_REFCELL_RELEASE_MUT(&c);
}

Test(refcell, borrow_of_null_panics, .signal = SIGABRT, .init = setup)
{
    (void)cur_refcell_try_borrow_at(NULL, __FILE__, __LINE__);
}

/* Rc<RefCell<T>>: shared ownership of mutable state. */
typedef struct account {
    long balance;
    int ops;
} account_t;
CUR_REFCELL_TYPE(account_cell, account_t);
static const cur_type_t account_cell_type = CUR_TYPE_COPY_INIT(account_cell);

static void deposit(cur_rc_t *shared, long amount)
{
    CUR_REF_MUT(acc, (account_cell *)cur_rc_get(shared));
    acc->balance += amount;
    acc->ops++;
}

Test(refcell, inside_rc_gives_shared_mutable_state, .init = setup)
{
    cur_rc_t *a;
    cr_assert_eq(cur_rc_new(&a, &cur_test_alloc, &account_cell_type, NULL), 0);
    cur_rc_t *b = cur_rc_clone(a);
    deposit(a, 10);
    deposit(b, 5);
    {
        CUR_REF(acc, (account_cell *)cur_rc_get(a));
        cr_assert_eq(acc->balance, 15);
        cr_assert_eq(acc->ops, 2);
        CUR_TRY_REF_MUT(busy, (account_cell *)cur_rc_get(b));
        cr_assert_null(busy, "same cell through the other handle");
    }
    cur_rc_free(a);
    cur_rc_free(b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- Cell ----------------------------------------------------------------- */

CUR_CELL_TYPE(cell_int, int);

typedef struct pair {
    int a;
    double b;
} pair_t;
CUR_CELL_TYPE(cell_pair, pair_t);

Test(cell, get_set_replace_swap_take, .init = setup)
{
    cell_int c = cell_int_new(1);
    cr_assert_eq(cell_int_get(&c), 1);
    cell_int_set(&c, 2);
    cr_assert_eq(cell_int_get(&c), 2);
    cr_assert_eq(cell_int_replace(&c, 3), 2);
    cr_assert_eq(cell_int_get(&c), 3);
    cell_int d = cell_int_new(40);
    cell_int_swap(&c, &d);
    cr_assert_eq(cell_int_get(&c), 40);
    cr_assert_eq(cell_int_get(&d), 3);
    cr_assert_eq(cell_int_take(&c), 40);
    cr_assert_eq(cell_int_get(&c), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(cell, works_for_structs_and_take_zeroes, .init = setup)
{
    cell_pair p = cell_pair_new((pair_t){.a = 1, .b = 2.5});
    /* Aliases are fine: no pointer into the cell is ever handed out. */
    cell_pair *x = &p, *y = &p;
    pair_t old = cell_pair_replace(x, (pair_t){.a = 2, .b = 0.5});
    cr_assert_eq(old.a, 1);
    cr_assert_eq(cell_pair_get(y).a, 2);
    pair_t t = cell_pair_take(y);
    cr_assert_eq(t.b, 0.5);
    cr_assert_eq(cell_pair_get(x).a, 0);
    cr_assert_eq(cell_pair_get(x).b, 0.0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

typedef struct stats {
    int key;
    cell_int reads; /* bumped by readers that only get a const view */
} stats_t;

static int read_key(const stats_t *s)
{
    cell_int_set(&s->reads, cell_int_get(&s->reads) + 1);
    return s->key;
}

Test(cell, setters_work_through_a_const_view, .init = setup)
{
    stats_t s = {.key = 5, .reads = cell_int_new(0)};
    const stats_t *view = &s;
    cr_assert_eq(read_key(view) + read_key(view), 10);
    cr_assert_eq(cell_int_get(&view->reads), 2);
    cr_assert_eq(cell_int_replace(&view->reads, 7), 2);
    cr_assert_eq(cell_int_take(&view->reads), 7);
    cr_assert_eq(cell_int_get(&s.reads), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
