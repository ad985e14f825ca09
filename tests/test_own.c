/* Tests of curriculum/own.h: type descriptors, Box, CUR_MOVE, CUR_BOX_AUTO. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include <curriculum/error.h>
#include <curriculum/own.h>
#include <curriculum/panic.h>

#include "support/alloc.h"
#include "support/quiet.h"

/* --- fixtures ------------------------------------------------------------- */

typedef struct point {
    int x, y;
} point_t;

static const cur_type_t point_type = CUR_TYPE_COPY_INIT(point_t);

/* A value that owns a heap string and counts its drops. */
typedef struct named {
    char *name;     /* owned, from the container's allocator */
    ptrdiff_t len;  /* strlen(name) */
    int *drops;     /* borrowed counter, bumped by drop */
} named_t;

static void named_drop(void *value, const cur_alloc_t *a)
{
    named_t *n = value;
    a->release(a->ctx, n->name, n->len + 1);
    if (n->drops) (*n->drops)++;
}

static int named_clone(void *dst, const void *src, const cur_alloc_t *a)
{
    const named_t *s = src;
    named_t *d = dst;
    char *copy = a->alloc(a->ctx, s->len + 1);
    if (!copy) return CUR_ENOMEM;
    memcpy(copy, s->name, (size_t)s->len + 1);
    *d = (named_t){.name = copy, .len = s->len, .drops = s->drops};
    return 0;
}

static const cur_type_t named_type =
    CUR_TYPE_INIT(named_t, named_drop, named_clone);
static const cur_type_t named_noclone_type =
    CUR_TYPE_INIT(named_t, named_drop, NULL);

static named_t make_named(const char *s, int *drops)
{
    ptrdiff_t len = (ptrdiff_t)strlen(s);
    char *p = cur_test_alloc.alloc(cur_test_alloc.ctx, len + 1);
    cr_assert_not_null(p);
    memcpy(p, s, (size_t)len + 1);
    return (named_t){.name = p, .len = len, .drops = drops};
}

static int counting_drops;
static void count_drop(void *value, const cur_alloc_t *a)
{
    (void)value;
    (void)a;
    counting_drops++;
}

static const cur_type_t counted_type = CUR_TYPE_INIT(int, count_drop, NULL);

static int failing_clone(void *dst, const void *src, const cur_alloc_t *a)
{
    (void)dst;
    (void)src;
    (void)a;
    return CUR_EINVAL;
}

static void setup(void)
{
    counting_drops = 0;
    cur_test_alloc_reset();
    cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL);
}

/* --- type descriptors ----------------------------------------------------- */

Test(own, type_init_macros_fill_size_align_and_name, .init = setup)
{
    cr_assert_eq(point_type.size, (ptrdiff_t)sizeof(point_t));
    cr_assert_eq(point_type.align, (ptrdiff_t)_Alignof(point_t));
    cr_assert_str_eq(point_type.name, "point_t");
    cr_assert(point_type.copy);
    cr_assert_not(named_type.copy);
    cr_assert_eq(cur_type_check(&point_type), 0);
    cr_assert_eq(cur_type_check(&named_type), 0);
    cr_assert(cur_type_is_clone(&point_type));
    cr_assert(cur_type_is_clone(&named_type));
    cr_assert_not(cur_type_is_clone(&named_noclone_type));
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, type_check_rejects_broken_descriptors, .init = setup)
{
    cur_type_t t = CUR_TYPE_COPY_INIT(int);
    t.size = -1;
    cr_assert_eq(cur_type_check(&t), CUR_EINVAL);
    ptrdiff_t bad_aligns[] = {0, -8, 3, 12, CUR_TYPE_MAX_ALIGN * 2};
    for (int i = 0; i < CUR_COUNTOF(bad_aligns); i++) {
        t = (cur_type_t)CUR_TYPE_COPY_INIT(int);
        t.align = bad_aligns[i];
        cr_assert_eq(cur_type_check(&t), CUR_EINVAL, "align %td",
                     bad_aligns[i]);
    }
    /* Copy with Drop is contradictory, as in Rust. */
    t = (cur_type_t)CUR_TYPE_COPY_INIT(int);
    t.drop = count_drop;
    cr_assert_eq(cur_type_check(&t), CUR_EINVAL);
    /* Creating a box with a broken descriptor allocates nothing. */
    cur_box_t *b = (cur_box_t *)&t; /* sentinel: must stay unwritten */
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &t, NULL), CUR_EINVAL);
    cr_assert_eq(b, (cur_box_t *)&t);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, type_clone_copies_bytes_for_copy_types, .init = setup)
{
    point_t a = {3, 4}, b = {0, 0};
    cr_assert_eq(cur_type_clone(&point_type, &b, &a, NULL), 0);
    cr_assert_eq(b.x, 3);
    cr_assert_eq(b.y, 4);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, type_clone_of_non_clone_type_is_enotsup, .init = setup)
{
    named_t a = {0}, b = {.len = 77};
    cr_assert_eq(cur_type_clone(&named_noclone_type, &b, &a, NULL),
                 CUR_ENOTSUP);
    cr_assert_eq(b.len, 77);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, type_drop_runs_the_drop_function_and_ignores_null, .init = setup)
{
    int v = 0;
    cur_type_drop(&counted_type, &v, NULL);
    cur_type_drop(&counted_type, NULL, NULL);
    cur_type_drop(&point_type, &v, NULL);
    cr_assert_eq(counting_drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- Box ------------------------------------------------------------------ */

Test(own, box_new_moves_the_value_in, .init = setup)
{
    point_t p = {1, 2};
    cur_box_t *b = NULL;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &point_type, &p), 0);
    cr_assert_not_null(b);
    const point_t *q = cur_box_get(b);
    cr_assert_eq(q->x, 1);
    cr_assert_eq(q->y, 2);
    cr_assert_neq((const void *)q, (const void *)&p);
    cr_assert_eq(cur_box_type(b), &point_type);
    point_t *m = cur_box_get_mut(b);
    m->x = 10;
    cr_assert_eq(((const point_t *)cur_box_get(b))->x, 10);
    cr_assert_eq(cur_test_live_count(), 1);
    cur_box_free(b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_new_with_null_init_zero_fills, .init = setup)
{
    cur_box_t *b;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &point_type, NULL), 0);
    const point_t *q = cur_box_get(b);
    cr_assert_eq(q->x, 0);
    cr_assert_eq(q->y, 0);
    cur_box_free(b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_of_a_zero_sized_type_works, .init = setup)
{
    struct empty { char unused[0]; };
    static const cur_type_t empty_type = CUR_TYPE_COPY_INIT(struct empty);
    cr_assert_eq(empty_type.size, 0);
    cur_box_t *b, *c;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &empty_type, NULL), 0);
    cr_assert_eq(cur_box_clone(&c, b), 0);
    cr_assert_not_null(cur_box_get(c));
    cur_box_free(b);
    cur_box_free(c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_free_runs_drop_exactly_once, .init = setup)
{
    int drops = 0;
    named_t n = make_named("ferris", &drops);
    cur_box_t *b;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &named_type, &n), 0);
    cr_assert_eq(drops, 0);
    cur_box_free(b);
    cr_assert_eq(drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_free_null_is_a_noop, .init = setup)
{
    cur_box_free(NULL);
    cur_box_t *b = NULL;
    cur_box_cleanup(&b);
    cr_assert_null(b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_with_null_allocator_uses_the_default_hook, .init = setup)
{
    point_t p = {5, 6};
    cur_box_t *b, *c;
    cr_assert_eq(cur_box_new(&b, NULL, &point_type, &p), 0);
    cr_assert_eq(cur_box_clone(&c, b), 0);
    cr_assert_eq(((const point_t *)cur_box_get(c))->y, 6);
    cur_box_free(b);
    cur_box_free(c);
    cr_assert_eq(cur_test_live_count(), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_honours_large_alignments, .init = setup)
{
    cur_type_t t = CUR_TYPE_COPY_INIT(double);
    ptrdiff_t aligns[] = {1, 2, 8, 16, 32, 64, 256, CUR_TYPE_MAX_ALIGN};
    for (int i = 0; i < CUR_COUNTOF(aligns); i++) {
        t.align = aligns[i];
        cur_box_t *b[5], *c;
        for (int k = 0; k < 5; k++) {
            cr_assert_eq(cur_box_new(&b[k], &cur_test_alloc, &t, NULL), 0);
            uintptr_t v = (uintptr_t)cur_box_get(b[k]);
            cr_assert_eq(v % (uintptr_t)aligns[i], 0, "align %td", aligns[i]);
            *(double *)cur_box_get_mut(b[k]) = (double)k;
        }
        cr_assert_eq(cur_box_clone(&c, b[3]), 0);
        cr_assert_eq((uintptr_t)cur_box_get(c) % (uintptr_t)aligns[i], 0);
        cr_assert_eq(*(const double *)cur_box_get(c), 3.0);
        cur_box_free(c);
        for (int k = 0; k < 5; k++) cur_box_free(b[k]);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_of_a_huge_type_is_eoverflow, .init = setup)
{
    cur_type_t t = CUR_TYPE_COPY_INIT(char);
    t.size = PTRDIFF_MAX - 8;
    cur_box_t *b = NULL;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &t, NULL), CUR_EOVERFLOW);
    cr_assert_null(b);
    t.align = 64; /* the slack for the alignment overflows too */
    t.size = PTRDIFF_MAX - 64;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &t, NULL), CUR_EOVERFLOW);
    cr_assert_null(b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_clone_of_copy_type_is_independent, .init = setup)
{
    point_t p = {7, 8};
    cur_box_t *b, *c;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &point_type, &p), 0);
    cr_assert_eq(cur_box_clone(&c, b), 0);
    cr_assert_neq(c, b);
    ((point_t *)cur_box_get_mut(b))->x = 100;
    cr_assert_eq(((const point_t *)cur_box_get(c))->x, 7);
    cr_assert_eq(cur_test_live_count(), 2);
    cur_box_free(b);
    cur_box_free(c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_clone_is_deep_and_each_copy_drops_once, .init = setup)
{
    int drops = 0;
    named_t n = make_named("crab", &drops);
    cur_box_t *b, *c;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &named_type, &n), 0);
    cr_assert_eq(cur_box_clone(&c, b), 0);
    const named_t *nb = cur_box_get(b), *nc = cur_box_get(c);
    cr_assert_neq(nb->name, nc->name);
    cr_assert_str_eq(nc->name, "crab");
    cur_box_free(b);
    cr_assert_eq(drops, 1);
    cr_assert_str_eq(((const named_t *)cur_box_get(c))->name, "crab");
    cur_box_free(c);
    cr_assert_eq(drops, 2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_clone_of_non_clone_type_is_enotsup, .init = setup)
{
    int drops = 0;
    named_t n = make_named("unique", &drops);
    cur_box_t *b, *c = NULL;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &named_noclone_type, &n), 0);
    ptrdiff_t calls = cur_test_alloc_calls();
    cr_assert_eq(cur_box_clone(&c, b), CUR_ENOTSUP);
    cr_assert_null(c);
    cr_assert_eq(cur_test_alloc_calls(), calls, "nothing was allocated");
    cr_assert_str_eq(((const named_t *)cur_box_get(b))->name, "unique");
    cur_box_free(b);
    cr_assert_eq(drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_clone_passes_on_the_clone_functions_error, .init = setup)
{
    cur_type_t t = CUR_TYPE_INIT(int, count_drop, failing_clone);
    int v = 9;
    cur_box_t *b, *c = NULL;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &t, &v), 0);
    cr_assert_eq(cur_box_clone(&c, b), CUR_EINVAL);
    cr_assert_null(c);
    cr_assert_eq(counting_drops, 0, "a failed clone is not dropped");
    cr_assert_eq(cur_test_live_count(), 1);
    cur_box_free(b);
    cr_assert_eq(counting_drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_into_inner_moves_out_without_dropping, .init = setup)
{
    int drops = 0;
    named_t n = make_named("moved", &drops);
    cur_box_t *b;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &named_type, &n), 0);
    named_t out = {0};
    cur_box_into_inner(b, &out);
    cr_assert_eq(drops, 0);
    cr_assert_str_eq(out.name, "moved");
    cr_assert_eq(cur_test_live_count(), 1, "only the string is left");
    named_drop(&out, &cur_test_alloc);
    cr_assert_eq(drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- moves and scope-bound cleanup -------------------------------------- */

Test(own, move_yields_the_pointer_and_nulls_the_source, .init = setup)
{
    cur_box_t *b;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &point_type, NULL), 0);
    cur_box_t *orig = b;
    cur_box_t *c = CUR_MOVE(b);
    cr_assert_eq(c, orig);
    cr_assert_null(b);
    cur_box_free(b); /* the moved-from name frees nothing */
    cr_assert_eq(cur_test_live_count(), 1);
    cur_box_free(c);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, move_evaluates_its_operand_once, .init = setup)
{
    int a = 1, b = 2;
    int *arr[2] = {&a, &b};
    int i = 0;
    int *p = CUR_MOVE(arr[i++]);
    cr_assert_eq(i, 1);
    cr_assert_eq(p, &a);
    cr_assert_null(arr[0]);
    cr_assert_eq(arr[1], &b);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static int auto_scope(int early)
{
    CUR_BOX_AUTO(b);
    int v = 1;
    if (cur_box_new(&b, &cur_test_alloc, &counted_type, &v) < 0) return -1;
    if (early) return 1; /* the cleanup runs on this path too */
    return 0;
}

Test(own, auto_box_drops_at_the_end_of_every_path, .init = setup)
{
    cr_assert_eq(auto_scope(0), 0);
    cr_assert_eq(counting_drops, 1);
    cr_assert_eq(auto_scope(1), 1);
    cr_assert_eq(counting_drops, 2);
    for (int i = 0; i < 3; i++) {
        CUR_BOX_AUTO(b);
        cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &counted_type, &i), 0);
        if (i == 1) continue;
    }
    cr_assert_eq(counting_drops, 5);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static cur_box_t *keep_alive(void)
{
    CUR_BOX_AUTO(b);
    int v = 42;
    if (cur_box_new(&b, &cur_test_alloc, &counted_type, &v) < 0) return NULL;
    return CUR_MOVE(b); /* ownership leaves; the cleanup sees NULL */
}

Test(own, auto_box_moved_out_is_not_dropped, .init = setup)
{
    cur_box_t *b = keep_alive();
    cr_assert_not_null(b);
    cr_assert_eq(counting_drops, 0);
    cr_assert_eq(*(const int *)cur_box_get(b), 42);
    cur_box_free(b);
    cr_assert_eq(counting_drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- allocation failure -------------------------------------------------- */

Test(own, box_new_oom_sweep, .init = setup)
{
    int rc;
    cur_box_t *b = NULL;
    point_t p = {1, 2};
    CUR_OOM_SWEEP(rc, { b = NULL; },
                  { rc = cur_box_new(&b, &cur_test_alloc, &point_type, &p); },
                  {
                      cr_assert_null(b, "out written on failure");
                      /* The allocator and descriptor still work. */
                      cr_assert_eq(cur_box_new(&b, &cur_test_alloc,
                                               &point_type, &p), 0);
                      cur_box_free(CUR_MOVE(b));
                  },
                  {
                      cr_assert_eq(rc, 0);
                      cr_assert_eq(((const point_t *)cur_box_get(b))->y, 2);
                  },
                  { cur_box_free(CUR_MOVE(b)); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, box_clone_oom_sweep_covers_the_deep_clone, .init = setup)
{
    int rc, drops = 0;
    named_t n = make_named("deep", &drops);
    cur_box_t *b, *c = NULL;
    cr_assert_eq(cur_box_new(&b, &cur_test_alloc, &named_type, &n), 0);
    ptrdiff_t rounds = 0;
    CUR_OOM_SWEEP(rc, { c = NULL; rounds++; }, { rc = cur_box_clone(&c, b); },
                  {
                      cr_assert_null(c);
                      /* The source is untouched and still clonable. */
                      cr_assert_str_eq(((const named_t *)cur_box_get(b))->name,
                                       "deep");
                  },
                  {
                      cr_assert_eq(rc, 0);
                      cr_assert_str_eq(((const named_t *)cur_box_get(c))->name,
                                       "deep");
                  },
                  { cur_box_free(CUR_MOVE(c)); });
    cr_assert_eq(rounds, 3, "two allocations (box, string), then success");
    cr_assert_eq(drops, 1, "only the successful clone was dropped");
    cur_box_free(b);
    cr_assert_eq(drops, 2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(own, type_clone_oom_sweep, .init = setup)
{
    int rc, drops = 0;
    named_t n = make_named("value", &drops), copy;
    CUR_OOM_SWEEP(rc, { memset(&copy, 0, sizeof copy); },
                  {
                      rc = cur_type_clone(&named_type, &copy, &n,
                                          &cur_test_alloc);
                  },
                  { cr_assert_null(copy.name); },
                  { cr_assert_str_eq(copy.name, "value"); },
                  {
                      if (copy.name) named_drop(&copy, &cur_test_alloc);
                  });
    named_drop(&n, &cur_test_alloc);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- contract violations ----------------------------------------------- */

Test(own, box_new_with_null_out_panics, .signal = SIGABRT, .init = setup)
{
    (void)!cur_box_new(NULL, &cur_test_alloc, &point_type, NULL);
}

Test(own, box_new_with_null_type_panics, .signal = SIGABRT, .init = setup)
{
    cur_box_t *b;
    (void)!cur_box_new(&b, &cur_test_alloc, NULL, NULL);
}

Test(own, box_get_of_null_panics, .signal = SIGABRT, .init = setup)
{
    (void)cur_box_get(NULL);
}

Test(own, box_clone_of_null_panics, .signal = SIGABRT, .init = setup)
{
    cur_box_t *c;
    (void)!cur_box_clone(&c, NULL);
}

Test(own, box_into_inner_of_null_panics, .signal = SIGABRT, .init = setup)
{
    int out;
    cur_box_into_inner(NULL, &out);
}

Test(own, type_clone_with_null_dst_panics, .signal = SIGABRT, .init = setup)
{
    point_t p = {0, 0};
    (void)cur_type_clone(&point_type, NULL, &p, NULL);
}

static void null_out(void *arg)
{
    (void)arg;
    (void)!cur_box_new(NULL, NULL, &point_type, NULL);
}

Test(own, contract_violation_panics_with_the_condition, .init = setup)
{
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(null_out, NULL, &info), CUR_EPANIC);
    cr_assert(strstr(info.message, "out != NULL") != NULL, "%s", info.message);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
