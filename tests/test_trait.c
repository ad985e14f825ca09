/*
 * Tests of curriculum/trait.h: trait descriptors, vtable completion with
 * defaults, the build-time check of required methods (by compiling small
 * programs, as Rust's trybuild does), fat-pointer calls, boxed trait
 * objects and downcasts, and the Iterator trait: every source, adaptor and
 * consumer against hand-computed results, element sizes 1, 3, 8 and 24,
 * the monomorphized macros, and random pipelines against a plain model.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/trait.h>
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/alloc.h"
#include "support/quiet.h"
#include "support/rng.h"

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */
/* ------------------------------------------------------------------------ */

static void setup(void)
{
    cur_test_alloc_reset();
    cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL);
}

/*
 * A test trait, Shape:
 *     trait Shape {
 *         fn area(&self) -> f64;                        // required
 *         fn scale(&mut self, k: f64);                  // required
 *         fn double_area(&self) -> f64 { 2 * area }     // provided
 *         fn kind(&self) -> i32 { 0 }                   // provided
 *     }
 */
CUR_DYN_TYPE(dyn_shape, shape_vtable);

typedef struct shape_vtable {
    cur_vtable_t hdr;
    double (*area)(const void *self);
    void (*scale)(void *self, double k);
    double (*double_area)(dyn_shape self);
    int (*kind)(dyn_shape self);
} shape_vtable_t;

static double shape_double_area_default(dyn_shape self)
{
    return 2 * self.vt->area(self.data);
}

static int shape_kind_default(dyn_shape self)
{
    (void)self;
    return 0;
}

static const cur_trait_method_t shape_methods[] = {
    CUR_TRAIT_REQUIRED(shape_vtable_t, area),
    CUR_TRAIT_REQUIRED(shape_vtable_t, scale),
    CUR_TRAIT_PROVIDED(shape_vtable_t, double_area, shape_double_area_default),
    CUR_TRAIT_PROVIDED(shape_vtable_t, kind, shape_kind_default),
};

static const cur_trait_t shape_trait =
    CUR_TRAIT_INIT("Shape", shape_vtable_t, shape_methods);

#define SHAPE_IMPL(var, type, area_fn, scale_fn, ...)                        \
    CUR_IMPL_BEGIN                                                           \
    static const shape_vtable_t var = {                                      \
        .hdr = CUR_VTABLE_HDR(&shape_trait, type),                           \
        CUR_REQUIRE(shape_vtable_t, area, area_fn),                          \
        CUR_REQUIRE(shape_vtable_t, scale, scale_fn),                        \
        .double_area = shape_double_area_default,                            \
        .kind = shape_kind_default,                                          \
        __VA_ARGS__};                                                        \
    CUR_IMPL_END

typedef struct square {
    double side;
} square_t;

typedef struct rect {
    double w, h;
} rect_t;

static double square_area(const void *self)
{
    const square_t *s = self;
    return s->side * s->side;
}

static void square_scale(void *self, double k)
{
    square_t *s = self;
    s->side *= k;
}

static double rect_area(const void *self)
{
    const rect_t *r = self;
    return r->w * r->h;
}

static void rect_scale(void *self, double k)
{
    rect_t *r = self;
    r->w *= k;
    r->h *= k;
}

static int rect_kind(dyn_shape self)
{
    (void)self;
    return 2;
}

static const cur_type_t square_type = CUR_TYPE_COPY_INIT(square_t);
static const cur_type_t rect_type = CUR_TYPE_COPY_INIT(rect_t);

SHAPE_IMPL(square_shape, &square_type, square_area, square_scale);
SHAPE_IMPL(rect_shape, &rect_type, rect_area, rect_scale, .kind = rect_kind);

/* A value that owns heap memory and counts drops, for boxed objects. */
typedef struct owner {
    char *name;    /* owned, from the box's allocator */
    int *drops;    /* borrowed counter */
} owner_t;

static void owner_drop(void *value, const cur_alloc_t *a)
{
    owner_t *o = value;
    a->release(a->ctx, o->name, 8);
    (*o->drops)++;
}

static const cur_type_t owner_type = CUR_TYPE_INIT(owner_t, owner_drop, NULL);

static double owner_area(const void *self)
{
    (void)self;
    return 1.0;
}

static void owner_scale(void *self, double k)
{
    (void)self;
    (void)k;
}

SHAPE_IMPL(owner_shape, &owner_type, owner_area, owner_scale);

/* An over-aligned type, to check boxed values are aligned by the vtable. */
typedef struct wide {
    _Alignas(64) double v;
} wide_t;

static const cur_type_t wide_type = CUR_TYPE_COPY_INIT(wide_t);

static double wide_area(const void *self)
{
    return ((const wide_t *)self)->v;
}

static void wide_scale(void *self, double k)
{
    ((wide_t *)self)->v *= k;
}

SHAPE_IMPL(wide_shape, &wide_type, wide_area, wide_scale);

/* ------------------------------------------------------------------------ */
/* Trait descriptors                                                        */
/* ------------------------------------------------------------------------ */

Test(trait, descriptors_of_the_library_and_tests_are_valid, .init = setup)
{
    cr_assert_eq(cur_trait_check(&shape_trait), 0);
    cr_assert_eq(cur_trait_check(&cur_iter_trait), 0);
    cr_assert_eq(shape_trait.vtable_size, (ptrdiff_t)sizeof(shape_vtable_t));
    cr_assert_eq(shape_trait.n_methods, 4);
    cr_assert_str_eq(shape_trait.methods[2].name, "double_area");
    cr_assert_eq(shape_trait.methods[0].fallback, NULL);
    cr_assert_str_eq(cur_iter_trait.name, "Iterator");
}

Test(trait, check_rejects_malformed_descriptors, .init = setup)
{
    cur_trait_method_t rows[2] = {
        CUR_TRAIT_REQUIRED(shape_vtable_t, area),
        CUR_TRAIT_REQUIRED(shape_vtable_t, scale),
    };
    cur_trait_t t = {"T", (ptrdiff_t)sizeof(shape_vtable_t), rows, 2};
    cr_assert_eq(cur_trait_check(&t), 0);

    cur_trait_t bad = t;
    bad.vtable_size = (ptrdiff_t)sizeof(cur_vtable_t) - 1;
    cr_assert_eq(cur_trait_check(&bad), CUR_EINVAL);
    bad = t;
    bad.n_methods = -1;
    cr_assert_eq(cur_trait_check(&bad), CUR_EINVAL);
    bad = t;
    bad.methods = NULL;
    cr_assert_eq(cur_trait_check(&bad), CUR_EINVAL);

    rows[1].offset = rows[0].offset; /* two rows, one slot */
    cr_assert_eq(cur_trait_check(&t), CUR_EINVAL);
    rows[1].offset = 0; /* inside the header */
    cr_assert_eq(cur_trait_check(&t), CUR_EINVAL);
    rows[1].offset = rows[0].offset + 1; /* misaligned */
    cr_assert_eq(cur_trait_check(&t), CUR_EINVAL);
    rows[1].offset = (ptrdiff_t)sizeof(shape_vtable_t); /* past the end */
    cr_assert_eq(cur_trait_check(&t), CUR_EINVAL);
    rows[1] = (cur_trait_method_t)CUR_TRAIT_REQUIRED(shape_vtable_t, scale);
    rows[1].name = NULL;
    cr_assert_eq(cur_trait_check(&t), CUR_EINVAL);
}

/* ------------------------------------------------------------------------ */
/* Defaults, at build time and at run time                                  */
/* ------------------------------------------------------------------------ */

Test(trait, impl_macro_fills_defaults_and_keeps_overrides, .init = setup)
{
    cr_assert_eq(square_shape.hdr.trait, &shape_trait);
    cr_assert_eq(square_shape.hdr.type, &square_type);
    cr_assert_eq(square_shape.area, square_area);
    cr_assert_eq(square_shape.double_area, shape_double_area_default);
    cr_assert_eq(square_shape.kind, shape_kind_default);
    cr_assert_eq(rect_shape.kind, rect_kind); /* the override won */
    cr_assert_eq(rect_shape.double_area, shape_double_area_default);
    cr_assert_null(cur_trait_missing(&shape_trait, &square_shape));
}

Test(trait, complete_fills_empty_provided_slots, .init = setup)
{
    shape_vtable_t partial = {
        .hdr = CUR_VTABLE_HDR(NULL, &rect_type),
        .area = rect_area,
        .scale = rect_scale,
        .kind = rect_kind,
    };
    shape_vtable_t done;
    memset(&done, 0xAB, sizeof done);
    cr_assert_eq(cur_trait_complete(&shape_trait, &done, &partial), 0);
    cr_assert_eq(done.hdr.trait, &shape_trait);
    cr_assert_eq(done.hdr.type, &rect_type);
    cr_assert_eq(done.area, rect_area);
    cr_assert_eq(done.scale, rect_scale);
    cr_assert_eq(done.double_area, shape_double_area_default);
    cr_assert_eq(done.kind, rect_kind);
    /* the partial vtable itself is unchanged */
    cr_assert_null(partial.double_area);
    cr_assert_null(partial.hdr.trait);

    rect_t r = {2, 3};
    dyn_shape s = {&r, &done};
    cr_assert_float_eq(CUR_DYN_CALL_PROVIDED(s, double_area), 12.0, 1e-12);
    cr_assert_eq(CUR_DYN_CALL_PROVIDED(s, kind), 2);
}

Test(trait, complete_works_in_place, .init = setup)
{
    shape_vtable_t vt = {
        .hdr = CUR_VTABLE_HDR(&shape_trait, &square_type),
        .area = square_area,
        .scale = square_scale,
    };
    cr_assert_eq(cur_trait_complete(&shape_trait, &vt, &vt), 0);
    cr_assert_eq(vt.double_area, shape_double_area_default);
    cr_assert_eq(vt.kind, shape_kind_default);
    cr_assert_eq(vt.area, square_area);
}

Test(trait, missing_required_method_is_reported, .init = setup)
{
    shape_vtable_t partial = {
        .hdr = CUR_VTABLE_HDR(NULL, &square_type),
        .area = NULL, /* forgotten */
        .scale = square_scale,
    };
    shape_vtable_t out;
    memset(&out, 0x5A, sizeof out);
    unsigned char before[sizeof out];
    memcpy(before, &out, sizeof out);

    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), CUR_EINVAL);
    cr_assert_eq(memcmp(before, &out, sizeof out), 0, "out was written");
    cr_assert_str_eq(cur_trait_missing(&shape_trait, &partial), "area");

    partial.area = square_area;
    partial.scale = NULL;
    cr_assert_str_eq(cur_trait_missing(&shape_trait, &partial), "scale");
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), CUR_EINVAL);

    partial.scale = square_scale;
    cr_assert_null(cur_trait_missing(&shape_trait, &partial));
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), 0);
}

Test(trait, complete_rejects_a_bad_header, .init = setup)
{
    static const cur_trait_t other = {"Other", sizeof(shape_vtable_t), NULL, 0};
    static const cur_type_t broken = {.name = "broken", .size = 4, .align = 3};
    shape_vtable_t out, partial = {
        .hdr = CUR_VTABLE_HDR(NULL, NULL),
        .area = square_area,
        .scale = square_scale,
    };
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), CUR_EINVAL,
                 "a vtable must name its type");
    partial.hdr.type = &broken;
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), CUR_EINVAL);
    partial.hdr.type = &square_type;
    partial.hdr.trait = &other;
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), CUR_EINVAL,
                 "a vtable of another trait");
    partial.hdr.trait = &shape_trait;
    cr_assert_eq(cur_trait_complete(&shape_trait, &out, &partial), 0);
}

Test(trait, missing_reports_null_for_a_broken_descriptor, .init = setup)
{
    cur_trait_t bad = shape_trait;
    bad.vtable_size = 1;
    shape_vtable_t vt = {0};
    cr_assert_null(cur_trait_missing(&bad, &vt));
    cr_assert_eq(cur_trait_complete(&bad, &vt, &vt), CUR_EINVAL);
}

Test(trait, complete_with_null_out_panics, .signal = SIGABRT, .init = setup)
{
    cur_trait_complete(&shape_trait, NULL, &square_shape);
}

/* ------------------------------------------------------------------------ */
/* The build-time check, by compiling small programs                        */
/* ------------------------------------------------------------------------ */

/*
 * Compiles src with the compiler the tests were built with (CC from the
 * environment, else cc) against include/ and returns its exit status, with
 * its diagnostics in *diag (malloc'd). Skips the test when it cannot run
 * from the repository root or without a compiler.
 */
static int try_compile(const char *src, char **diag)
{
    if (access("include/curriculum/trait.h", R_OK) != 0)
        cr_skip_test("not run from the repository root");
    const char *cc = getenv("CC");
    if (!cc || !*cc) cc = "cc";
    char dir[] = "/tmp/cur-trybuild-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cpath[64], lpath[64], cmd[512];
    snprintf(cpath, sizeof cpath, "%s/t.c", dir);
    snprintf(lpath, sizeof lpath, "%s/t.log", dir);
    FILE *f = fopen(cpath, "w");
    cr_assert_not_null(f);
    fputs(src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "%s -std=gnu17 -Wall -Wextra -Werror -Iinclude -fsyntax-only "
             "%s > %s 2>&1",
             cc, cpath, lpath);
    int st = system(cmd);
    f = fopen(lpath, "r");
    cr_assert_not_null(f);
    char *text = calloc(1, 65536);
    cr_assert_not_null(text);
    size_t n = fread(text, 1, 65535, f);
    text[n] = '\0';
    fclose(f);
    remove(cpath);
    remove(lpath);
    rmdir(dir);
    if (st != 0 && (strstr(text, "not found") || strstr(text, "No such file")))
        cr_skip_test("no C compiler (%s) to run", cc);
    *diag = text;
    return st;
}

#define TRYBUILD_PRELUDE                                                     \
    "#include <curriculum/trait.h>\n"                                        \
    "static const cur_type_t t = CUR_TYPE_COPY_INIT(int);\n"                 \
    "static bool good_next(void *s, void *o) { (void)s; (void)o; "           \
    "return false; }\n"                                                      \
    "static bool bad_next(void *s) { (void)s; return false; }\n"

#define TRYBUILD_USE                                                         \
    "const cur_iter_vtable_t *get(void);\n"                                  \
    "const cur_iter_vtable_t *get(void) { (void)good_next; (void)bad_next; " \
    "return &vt; }\n"

Test(trait, build_accepts_a_complete_impl, .init = setup)
{
    char *diag = NULL;
    int st = try_compile(TRYBUILD_PRELUDE
                         "CUR_ITER_IMPL(vt, &t, good_next);\n" TRYBUILD_USE,
                         &diag);
    cr_assert_eq(st, 0, "a complete impl failed to compile:\n%s", diag);
    free(diag);
}

Test(trait, build_rejects_a_null_required_method, .init = setup)
{
    char *diag = NULL;
    int st = try_compile(TRYBUILD_PRELUDE
                         "CUR_ITER_IMPL(vt, &t, NULL);\n" TRYBUILD_USE,
                         &diag);
    cr_assert_neq(st, 0, "an impl without next compiled");
    cr_assert(strstr(diag, "required method `next` is missing") != NULL,
              "the diagnostic does not name the method:\n%s", diag);
    free(diag);
}

Test(trait, build_rejects_an_omitted_required_method, .init = setup)
{
    char *diag = NULL;
    int st = try_compile(TRYBUILD_PRELUDE "CUR_ITER_IMPL(vt, &t);\n"
                         TRYBUILD_USE, &diag);
    cr_assert_neq(st, 0, "an impl with the argument left out compiled");
    cr_assert(strstr(diag, "CUR_ITER_IMPL") != NULL ||
                  strstr(diag, "macro") != NULL,
              "unexpected diagnostic:\n%s", diag);
    free(diag);
}

Test(trait, build_rejects_a_method_of_the_wrong_type, .init = setup)
{
    char *diag = NULL;
    int st = try_compile(TRYBUILD_PRELUDE
                         "CUR_ITER_IMPL(vt, &t, bad_next);\n" TRYBUILD_USE,
                         &diag);
    cr_assert_neq(st, 0, "an impl with the wrong signature compiled");
    cr_assert(strstr(diag, "required method `next`") != NULL,
              "the diagnostic does not name the method:\n%s", diag);
    free(diag);
}

/* ------------------------------------------------------------------------ */
/* Fat pointers                                                             */
/* ------------------------------------------------------------------------ */

static int evaluations;

static dyn_shape counted(dyn_shape s)
{
    evaluations++;
    return s;
}

Test(trait, dyn_call_dispatches_through_the_vtable, .init = setup)
{
    square_t sq = {3};
    rect_t re = {2, 5};
    dyn_shape shapes[] = {{&sq, &square_shape}, {&re, &rect_shape}};
    double want[] = {9, 10};
    for (int i = 0; i < 2; i++) {
        cr_assert_float_eq(CUR_DYN_CALL(shapes[i], area), want[i], 1e-12);
        cr_assert_float_eq(CUR_DYN_CALL_PROVIDED(shapes[i], double_area),
                           2 * want[i], 1e-12);
    }
    CUR_DYN_CALL(shapes[0], scale, 2.0); /* &mut self, void */
    cr_assert_float_eq(sq.side, 6.0, 1e-12);
    cr_assert_eq(CUR_DYN_CALL_PROVIDED(shapes[0], kind), 0);
    cr_assert_eq(CUR_DYN_CALL_PROVIDED(shapes[1], kind), 2);
    cr_assert_str_eq(CUR_DYN_TYPE_NAME(shapes[0]), "square_t");
    cr_assert_str_eq(CUR_DYN_TRAIT_NAME(shapes[1]), "Shape");
}

Test(trait, dyn_call_evaluates_the_object_once, .init = setup)
{
    square_t sq = {2};
    dyn_shape s = {&sq, &square_shape};
    evaluations = 0;
    double a = CUR_DYN_CALL(counted(s), area);
    cr_assert_eq(evaluations, 1);
    CUR_DYN_CALL(counted(s), scale, CUR_DYN_CALL(counted(s), area));
    cr_assert_eq(evaluations, 3);
    cr_assert_float_eq(a, 4.0, 1e-12);
    cr_assert_float_eq(sq.side, 8.0, 1e-12);
    (void)CUR_DYN_CALL_PROVIDED(counted(s), double_area);
    cr_assert_eq(evaluations, 4);
}

Test(trait, boxed_trait_object_drops_once_and_frees_by_vtable_size,
     .init = setup)
{
    int drops = 0;
    char *name = cur_test_alloc.alloc(cur_test_alloc.ctx, 8);
    cr_assert_not_null(name);
    owner_t o = {name, &drops};
    dyn_shape s = {0};
    cr_assert_eq(CUR_DYN_BOX_NEW(&s, &cur_test_alloc, &owner_shape, &o), 0);
    cr_assert_neq(s.data, (void *)&o, "the value moved into the box");
    cr_assert_eq(s.vt, &owner_shape);
    cr_assert_float_eq(CUR_DYN_CALL(s, area), 1.0, 1e-12);
    cr_assert_gt(cur_test_live_bytes(), 8);
    CUR_DYN_BOX_FREE(&s);
    cr_assert_eq(drops, 1);
    cr_assert_null(s.data);
    cr_assert_null(s.vt);
    CUR_DYN_BOX_FREE(&s); /* a moved-from object: no-op */
    cr_assert_eq(drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, boxed_value_is_aligned_for_its_type, .init = setup)
{
    dyn_shape boxes[8];
    for (int i = 0; i < 8; i++) {
        wide_t w = {.v = i};
        cr_assert_eq(CUR_DYN_BOX_NEW(&boxes[i], &cur_test_alloc, &wide_shape,
                                     &w), 0);
        cr_assert_eq((uintptr_t)boxes[i].data % 64, 0);
        cr_assert_float_eq(CUR_DYN_CALL(boxes[i], area), (double)i, 1e-12);
    }
    for (int i = 0; i < 8; i++) CUR_DYN_BOX_FREE(&boxes[i]);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, box_new_with_null_init_zero_fills, .init = setup)
{
    dyn_shape s;
    cr_assert_eq(CUR_DYN_BOX_NEW(&s, &cur_test_alloc, &rect_shape, NULL), 0);
    cr_assert_float_eq(CUR_DYN_CALL(s, area), 0.0, 1e-12);
    CUR_DYN_BOX_FREE(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, box_new_needs_a_type, .init = setup)
{
    shape_vtable_t untyped = square_shape;
    untyped.hdr.type = NULL;
    dyn_shape s = {(void *)1, NULL};
    cr_assert_eq(CUR_DYN_BOX_NEW(&s, &cur_test_alloc, &untyped, NULL),
                 CUR_EINVAL);
    cr_assert_eq(s.data, (void *)1, "written on failure");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, box_new_oom_sweep, .init = setup)
{
    int rc = 0;
    dyn_shape s = {0};
    square_t sq = {4};
    CUR_OOM_SWEEP(rc, { s = (dyn_shape){0}; },
                  { rc = CUR_DYN_BOX_NEW(&s, &cur_test_alloc, &square_shape,
                                         &sq); },
                  { cr_assert_null(s.data); },
                  {
                      cr_assert_eq(rc, 0);
                      cr_assert_float_eq(CUR_DYN_CALL(s, area), 16.0, 1e-12);
                  },
                  { CUR_DYN_BOX_FREE(&s); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, drop_in_place_runs_the_vtable_drop, .init = setup)
{
    int drops = 0;
    owner_t o = {cur_test_alloc.alloc(cur_test_alloc.ctx, 8), &drops};
    cur_dyn_drop(&o, &owner_shape.hdr, &cur_test_alloc);
    cr_assert_eq(drops, 1);
    cur_dyn_drop(NULL, &owner_shape.hdr, &cur_test_alloc); /* no-op */
    square_t sq = {1};
    cur_dyn_drop(&sq, &square_shape.hdr, NULL); /* Copy: nothing */
    cr_assert_eq(drops, 1);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, downcast_checks_the_type, .init = setup)
{
    square_t sq = {1};
    rect_t re = {1, 2};
    dyn_shape a = {&sq, &square_shape}, b = {&re, &rect_shape};
    cr_assert_eq(CUR_DYN_DOWNCAST(a, square_t, &square_type), &sq);
    cr_assert_null(CUR_DYN_DOWNCAST(a, rect_t, &rect_type));
    cr_assert_eq(CUR_DYN_DOWNCAST(b, rect_t, &rect_type), &re);
    cr_assert_null(CUR_DYN_DOWNCAST(b, square_t, &square_type));
}

Test(trait, box_new_with_null_vtable_panics, .signal = SIGABRT, .init = setup)
{
    void *d;
    if (cur_dyn_box_new(&d, NULL, NULL, NULL) == 0) cr_assert_fail();
}

/* ------------------------------------------------------------------------ */
/* Iterator helpers                                                         */
/* ------------------------------------------------------------------------ */

/* A hand-written iterator of int 0..n with default provided methods, that
 * counts the calls to next. */
typedef struct counter {
    int i, n;
    int calls;
} counter_t;

static bool counter_next(void *self, void *out)
{
    counter_t *c = self;
    c->calls++;
    if (c->i >= c->n) return false;
    memcpy(out, &c->i, sizeof c->i);
    c->i++;
    return true;
}

static const cur_type_t counter_type = CUR_TYPE_COPY_INIT(counter_t);
CUR_ITER_IMPL(counter_vt, &counter_type, counter_next);

static cur_iter_t counter_iter(counter_t *c, int n)
{
    *c = (counter_t){0, n, 0};
    return (cur_iter_t){c, &counter_vt, sizeof(int)};
}

static ptrdiff_t collect_i64(cur_iter_t it, int64_t *buf, ptrdiff_t cap)
{
    cr_assert_eq(it.item_size, (ptrdiff_t)sizeof(int64_t));
    return cur_iter_collect(it, buf, cap);
}

static ptrdiff_t collect_int(cur_iter_t it, int *buf, ptrdiff_t cap)
{
    cr_assert_eq(it.item_size, (ptrdiff_t)sizeof(int));
    return cur_iter_collect(it, buf, cap);
}

static void int_square_to_i64(void *ctx, const void *in, void *out)
{
    (void)ctx;
    int x;
    memcpy(&x, in, sizeof x);
    int64_t y = (int64_t)x * x;
    memcpy(out, &y, sizeof y);
}

static void i64_times_ctx(void *ctx, const void *in, void *out)
{
    int64_t x, k = *(const int64_t *)ctx;
    memcpy(&x, in, sizeof x);
    x *= k;
    memcpy(out, &x, sizeof x);
}

static bool i64_is_odd(void *ctx, const void *item)
{
    (void)ctx;
    int64_t x;
    memcpy(&x, item, sizeof x);
    return x % 2 != 0;
}

static bool int_is_even(void *ctx, const void *item)
{
    (void)ctx;
    int x;
    memcpy(&x, item, sizeof x);
    return x % 2 == 0;
}

static int map_calls;

static void int_counted_plus_one(void *ctx, const void *in, void *out)
{
    (void)ctx;
    map_calls++;
    int x;
    memcpy(&x, in, sizeof x);
    x++;
    memcpy(out, &x, sizeof x);
}

/* ------------------------------------------------------------------------ */
/* Iterator: defaults                                                       */
/* ------------------------------------------------------------------------ */

Test(trait, iter_impl_fills_the_provided_methods, .init = setup)
{
    cr_assert_eq(counter_vt.hdr.trait, &cur_iter_trait);
    cr_assert_eq(counter_vt.next, counter_next);
    cr_assert_eq(counter_vt.size_hint, cur_iter_default_size_hint);
    cr_assert_eq(counter_vt.advance_by, cur_iter_default_advance_by);

    counter_t c;
    cur_iter_t it = counter_iter(&c, 10);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, -1);
    cr_assert_eq(cur_iter_advance_by(it, 4), 4); /* default: next x 4 */
    cr_assert_eq(c.calls, 4);
    int x;
    cr_assert(cur_iter_next(it, &x));
    cr_assert_eq(x, 4);
    cr_assert_eq(cur_iter_advance_by(it, 100), 5);
    cr_assert_eq(cur_iter_advance_by(it, 0), 0);
    cr_assert_eq(cur_iter_advance_by(it, -3), 0);
    cr_assert_not(cur_iter_next(it, &x));
}

Test(trait, iter_vtable_completed_at_run_time_matches_the_macro,
     .init = setup)
{
    cur_iter_vtable_t partial = {.hdr = CUR_VTABLE_HDR(NULL, &counter_type),
                                 .next = counter_next};
    cur_iter_vtable_t vt;
    cr_assert_eq(cur_trait_complete(&cur_iter_trait, &vt, &partial), 0);
    cr_assert_eq(memcmp(&vt, &counter_vt, sizeof vt), 0);
    partial.next = NULL;
    cr_assert_eq(cur_trait_complete(&cur_iter_trait, &vt, &partial),
                 CUR_EINVAL);
    cr_assert_str_eq(cur_trait_missing(&cur_iter_trait, &partial), "next");
}

Test(trait, incomplete_iter_vtable_panics_in_an_adaptor, .signal = SIGABRT,
     .init = setup)
{
    static const cur_iter_vtable_t half = {
        .hdr = CUR_VTABLE_HDR(&cur_iter_trait, &counter_type),
        .next = counter_next};
    counter_t c = {0, 3, 0};
    cur_iter_t it = {&c, &half, sizeof(int)}, out;
    cur_iter_take_t st;
    (void)cur_iter_take(&st, it, 1, &out);
}

Test(trait, null_vtable_panics_in_a_consumer, .signal = SIGABRT, .init = setup)
{
    cur_iter_t it = {NULL, NULL, 4};
    (void)cur_iter_count(it);
}

/* ------------------------------------------------------------------------ */
/* Iterator: sources                                                        */
/* ------------------------------------------------------------------------ */

/* Element sizes of the slice tests: 1, 3 (odd, unaligned), 8 and 24. */
static const ptrdiff_t elem_sizes[] = {1, 3, 8, 24};

static void fill_pattern(unsigned char *p, ptrdiff_t n, unsigned seed)
{
    for (ptrdiff_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 131u + (unsigned)i * 7u + 1u);
}

Test(trait, slice_yields_copies_for_every_element_size, .init = setup)
{
    for (size_t k = 0; k < CUR_COUNTOF(elem_sizes); k++) {
        ptrdiff_t es = elem_sizes[k], n = 17;
        unsigned char data[17 * 24], out[17 * 24];
        fill_pattern(data, n * es, (unsigned)k);
        cur_iter_slice_t st;
        cur_iter_t it;
        cr_assert_eq(cur_iter_slice(&st, data, n, es, &it), 0);
        cr_assert_eq(it.item_size, es);
        cur_iter_hint_t h = cur_iter_size_hint(it);
        cr_assert_eq(h.lo, n);
        cr_assert_eq(h.hi, n);
        unsigned char item[24];
        for (ptrdiff_t i = 0; i < n; i++) {
            memset(item, 0xEE, sizeof item);
            cr_assert(cur_iter_next(it, item));
            cr_assert_eq(memcmp(item, data + i * es, (size_t)es), 0,
                         "size %td item %td", es, i);
            if (es < 24) cr_assert_eq(item[es], 0xEE, "wrote past the item");
        }
        memset(item, 0xEE, sizeof item);
        cr_assert_not(cur_iter_next(it, item));
        cr_assert_eq(item[0], 0xEE, "written at the end");
        cr_assert_not(cur_iter_next(it, item), "not fused");

        /* collect, and advance_by in O(1) */
        cr_assert_eq(cur_iter_slice(&st, data, n, es, &it), 0);
        cr_assert_eq(cur_iter_advance_by(it, 5), 5);
        cr_assert_eq(cur_iter_size_hint(it).lo, 12);
        cr_assert_eq(cur_iter_collect(it, out, 100), 12);
        cr_assert_eq(memcmp(out, data + 5 * es, (size_t)(12 * es)), 0);
        cr_assert_eq(cur_iter_advance_by(it, 5), 0);
    }
}

Test(trait, slice_rejects_bad_sizes, .init = setup)
{
    int a[4] = {1, 2, 3, 4};
    cur_iter_slice_t st;
    cur_iter_t it = {0};
    cr_assert_eq(cur_iter_slice(&st, a, 4, 0, &it), CUR_EINVAL);
    cr_assert_eq(cur_iter_slice(&st, a, 4, -4, &it), CUR_EINVAL);
    cr_assert_eq(cur_iter_slice(&st, a, -1, 4, &it), CUR_EINVAL);
    cr_assert_eq(cur_iter_slice(&st, NULL, 1, 4, &it), CUR_EINVAL);
    cr_assert_eq(cur_iter_slice(&st, a, 1, CUR_ITER_ITEM_MAX + 1, &it),
                 CUR_EINVAL);
    cr_assert_eq(cur_iter_slice(&st, a, PTRDIFF_MAX / 2, 4, &it),
                 CUR_EOVERFLOW);
    cr_assert_eq(cur_iter_slice_ref(&st, a, 1, 0, &it), CUR_EINVAL);
    cr_assert_null(it.vt, "out written on failure");
    cr_assert_eq(cur_iter_slice(&st, NULL, 0, 4, &it), 0); /* empty */
    cr_assert_eq(cur_iter_count(it), 0);
}

Test(trait, slice_ref_yields_pointers_into_the_slice, .init = setup)
{
    struct big {
        char bytes[1000];
    } *arr = calloc(3, sizeof *arr);
    cr_assert_not_null(arr);
    cur_iter_slice_t st;
    cur_iter_t it;
    cr_assert_eq(cur_iter_slice_ref(&st, arr, 3, sizeof *arr, &it), 0);
    cr_assert_eq(it.item_size, (ptrdiff_t)sizeof(void *));
    const void *p;
    for (int i = 0; i < 3; i++) {
        cr_assert(cur_iter_next(it, &p));
        cr_assert_eq(p, &arr[i]);
    }
    cr_assert_not(cur_iter_next(it, &p));
    free(arr);
}

Test(trait, range_counts_up_down_and_by_steps, .init = setup)
{
    cur_iter_range_t st;
    cur_iter_t it;
    int64_t got[16];

    cr_assert_eq(cur_iter_range(&st, 0, 5, 1, &it), 0);
    cr_assert_eq(collect_i64(it, got, 16), 5);
    for (int i = 0; i < 5; i++) cr_assert_eq(got[i], i);

    cr_assert_eq(cur_iter_range(&st, -3, 10, 4, &it), 0); /* -3 1 5 9 */
    cr_assert_eq(cur_iter_size_hint(it).hi, 4);
    cr_assert_eq(collect_i64(it, got, 16), 4);
    cr_assert_eq(got[0], -3);
    cr_assert_eq(got[3], 9);

    cr_assert_eq(cur_iter_range(&st, 5, -5, -3, &it), 0); /* 5 2 -1 -4 */
    cr_assert_eq(collect_i64(it, got, 16), 4);
    cr_assert_eq(got[3], -4);

    cr_assert_eq(cur_iter_range(&st, 3, 3, 1, &it), 0);
    cr_assert_eq(cur_iter_count(it), 0);
    cr_assert_eq(cur_iter_range(&st, 4, 3, 1, &it), 0);
    cr_assert_eq(cur_iter_count(it), 0);
    cr_assert_eq(cur_iter_range(&st, 3, 4, -1, &it), 0);
    cr_assert_eq(cur_iter_count(it), 0);

    it = (cur_iter_t){0};
    cr_assert_eq(cur_iter_range(&st, 0, 5, 0, &it), CUR_EINVAL);
    cr_assert_null(it.vt);
}

Test(trait, range_handles_the_ends_of_int64, .init = setup)
{
    cur_iter_range_t st;
    cur_iter_t it;
    int64_t got[4];

    cr_assert_eq(cur_iter_range(&st, INT64_MAX - 2, INT64_MAX, 1, &it), 0);
    cr_assert_eq(collect_i64(it, got, 4), 2);
    cr_assert_eq(got[1], INT64_MAX - 1);

    cr_assert_eq(cur_iter_range(&st, INT64_MIN, INT64_MAX, INT64_MAX, &it),
                 0); /* MIN, -1, MAX-1 */
    cr_assert_eq(collect_i64(it, got, 4), 3);
    cr_assert_eq(got[0], INT64_MIN);
    cr_assert_eq(got[1], -1);
    cr_assert_eq(got[2], INT64_MAX - 1);

    cr_assert_eq(cur_iter_range(&st, INT64_MAX, INT64_MIN, INT64_MIN, &it),
                 0); /* MAX, -1 */
    cr_assert_eq(collect_i64(it, got, 4), 2);
    cr_assert_eq(got[1], -1);

    /* 2^64 - 1 values: more than a size hint can say */
    cr_assert_eq(cur_iter_range(&st, INT64_MIN, INT64_MAX, 1, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, PTRDIFF_MAX);
    cr_assert_eq(h.hi, -1);
    cr_assert_eq(cur_iter_advance_by(it, PTRDIFF_MAX), PTRDIFF_MAX);
    cr_assert_eq(collect_i64(it, got, 4), 4);
    cr_assert_eq(got[0], -1);
    cr_assert_eq(cur_iter_advance_by(it, PTRDIFF_MAX), PTRDIFF_MAX - 3);
    cr_assert_eq(collect_i64(it, got, 4), 0);
}

/* ------------------------------------------------------------------------ */
/* Iterator: adaptors                                                       */
/* ------------------------------------------------------------------------ */

Test(trait, map_changes_values_and_sizes, .init = setup)
{
    int src[] = {1, -2, 3, 40000};
    cur_iter_slice_t s;
    cur_iter_map_t m;
    cur_iter_t it;
    int64_t got[8];
    cr_assert_eq(cur_iter_slice(&s, src, 4, sizeof(int), &it), 0);
    cr_assert_eq(cur_iter_map(&m, it, sizeof(int64_t), int_square_to_i64,
                              NULL, &it), 0);
    cr_assert_eq(cur_iter_size_hint(it).lo, 4);
    cr_assert_eq(collect_i64(it, got, 8), 4);
    cr_assert_eq(got[0], 1);
    cr_assert_eq(got[1], 4);
    cr_assert_eq(got[3], 1600000000);

    int64_t k = -3;
    cur_iter_range_t r;
    cr_assert_eq(cur_iter_range(&r, 0, 3, 1, &it), 0);
    cr_assert_eq(cur_iter_map(&m, it, sizeof(int64_t), i64_times_ctx, &k, &it),
                 0);
    cr_assert_eq(collect_i64(it, got, 8), 3);
    cr_assert_eq(got[2], -6);
}

Test(trait, map_runs_only_for_items_pulled, .init = setup)
{
    counter_t c;
    cur_iter_map_t m;
    cur_iter_take_t t;
    cur_iter_t it = counter_iter(&c, 100);
    cr_assert_eq(cur_iter_map(&m, it, sizeof(int), int_counted_plus_one, NULL,
                              &it), 0);
    cr_assert_eq(cur_iter_take(&t, it, 3, &it), 0);
    map_calls = 0;
    int got[8];
    cr_assert_eq(collect_int(it, got, 8), 3);
    cr_assert_eq(map_calls, 3);
    cr_assert_eq(c.calls, 3, "take pulled past its count");
    cr_assert_eq(got[2], 3);
}

Test(trait, map_rejects_bad_output_sizes, .init = setup)
{
    counter_t c;
    cur_iter_map_t m;
    cur_iter_t it = counter_iter(&c, 3), out = {0};
    cr_assert_eq(cur_iter_map(&m, it, 0, int_counted_plus_one, NULL, &out),
                 CUR_EINVAL);
    cr_assert_eq(cur_iter_map(&m, it, -1, int_counted_plus_one, NULL, &out),
                 CUR_EINVAL);
    cr_assert_eq(cur_iter_map(&m, it, CUR_ITER_ITEM_MAX + 1,
                              int_counted_plus_one, NULL, &out),
                 CUR_EINVAL);
    cr_assert_null(out.vt);
}

Test(trait, map_with_null_fn_panics, .signal = SIGABRT, .init = setup)
{
    counter_t c;
    cur_iter_map_t m;
    cur_iter_t it = counter_iter(&c, 3);
    (void)cur_iter_map(&m, it, 4, NULL, NULL, &it);
}

Test(trait, filter_keeps_matching_items, .init = setup)
{
    counter_t c;
    cur_iter_filter_t f;
    cur_iter_t it = counter_iter(&c, 10);
    cr_assert_eq(cur_iter_filter(&f, it, int_is_even, NULL, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, -1); /* the counter knows no bound */
    int got[10];
    cr_assert_eq(collect_int(it, got, 10), 5);
    for (int i = 0; i < 5; i++) cr_assert_eq(got[i], 2 * i);

    int src[] = {1, 3, 5};
    cur_iter_slice_t s;
    cr_assert_eq(cur_iter_slice(&s, src, 3, sizeof(int), &it), 0);
    cr_assert_eq(cur_iter_filter(&f, it, int_is_even, NULL, &it), 0);
    cr_assert_eq(cur_iter_size_hint(it).hi, 3);
    int sentinel = 77;
    cr_assert_not(cur_iter_next(it, &sentinel));
    cr_assert_eq(sentinel, 77, "filter wrote a rejected item to the caller");
}

Test(trait, filter_with_null_predicate_panics, .signal = SIGABRT,
     .init = setup)
{
    counter_t c;
    cur_iter_filter_t f;
    cur_iter_t it = counter_iter(&c, 3);
    (void)cur_iter_filter(&f, it, NULL, NULL, &it);
}

Test(trait, take_zero_pulls_nothing, .init = setup)
{
    counter_t c;
    cur_iter_take_t t;
    cur_iter_t it = counter_iter(&c, 10);
    cr_assert_eq(cur_iter_take(&t, it, 0, &it), 0);
    int x = -1;
    cr_assert_not(cur_iter_next(it, &x));
    cr_assert_eq(cur_iter_count(it), 0);
    cr_assert_eq(c.calls, 0);
    cr_assert_eq(x, -1);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, 0);
}

Test(trait, take_stops_at_n_or_at_the_end, .init = setup)
{
    counter_t c;
    cur_iter_take_t t;
    cur_iter_t it = counter_iter(&c, 4);
    cr_assert_eq(cur_iter_take(&t, it, 10, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, 10);
    cr_assert_eq(cur_iter_count(it), 4);

    int64_t got[8];
    cur_iter_range_t r;
    cr_assert_eq(cur_iter_range(&r, 0, 100, 1, &it), 0);
    cr_assert_eq(cur_iter_take(&t, it, 6, &it), 0);
    h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 6);
    cr_assert_eq(h.hi, 6);
    cr_assert_eq(cur_iter_advance_by(it, 2), 2);
    cr_assert_eq(collect_i64(it, got, 8), 4);
    cr_assert_eq(got[0], 2);
    cr_assert_eq(got[3], 5);
    cr_assert_eq(cur_iter_advance_by(it, 2), 0);

    cur_iter_t out;
    cr_assert_eq(cur_iter_take(&t, it, -1, &out), CUR_EINVAL);
}

Test(trait, skip_drops_the_first_n, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_skip_t s;
    cur_iter_t it;
    int64_t got[8];
    cr_assert_eq(cur_iter_range(&r, 0, 8, 1, &it), 0);
    cr_assert_eq(cur_iter_skip(&s, it, 5, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 3);
    cr_assert_eq(h.hi, 3);
    cr_assert_eq(collect_i64(it, got, 8), 3);
    cr_assert_eq(got[0], 5);

    cr_assert_eq(cur_iter_range(&r, 0, 3, 1, &it), 0);
    cr_assert_eq(cur_iter_skip(&s, it, 9, &it), 0);
    cr_assert_eq(cur_iter_size_hint(it).hi, 0);
    cr_assert_eq(cur_iter_count(it), 0);

    counter_t c;
    it = counter_iter(&c, 6);
    cr_assert_eq(cur_iter_skip(&s, it, 0, &it), 0);
    cr_assert_eq(cur_iter_advance_by(it, 2), 2);
    int x;
    cr_assert(cur_iter_next(it, &x));
    cr_assert_eq(x, 2);

    cur_iter_t out;
    cr_assert_eq(cur_iter_skip(&s, it, -2, &out), CUR_EINVAL);
}

Test(trait, chain_of_empty_iterators_is_empty, .init = setup)
{
    cur_iter_range_t ra, rb;
    cur_iter_chain_t ch;
    cur_iter_t a, b, it;
    cr_assert_eq(cur_iter_range(&ra, 0, 0, 1, &a), 0);
    cr_assert_eq(cur_iter_range(&rb, 9, 0, 1, &b), 0);
    cr_assert_eq(cur_iter_chain(&ch, a, b, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, 0);
    int64_t x = 42;
    cr_assert_not(cur_iter_next(it, &x));
    cr_assert_not(cur_iter_next(it, &x));
    cr_assert_eq(x, 42);
    cr_assert_eq(cur_iter_count(it), 0);
}

Test(trait, chain_yields_a_then_b_and_fuses_a, .init = setup)
{
    counter_t ca, cb;
    cur_iter_chain_t ch;
    cur_iter_t it;
    cr_assert_eq(cur_iter_chain(&ch, counter_iter(&ca, 2), counter_iter(&cb, 3),
                                &it), 0);
    int got[8];
    cr_assert_eq(collect_int(it, got, 8), 5);
    int want[] = {0, 1, 0, 1, 2};
    cr_assert_eq(memcmp(got, want, sizeof want), 0);
    cr_assert_eq(ca.calls, 3, "a called again after it ended");
    int x;
    cr_assert_not(cur_iter_next(it, &x));
    cr_assert_eq(ca.calls, 3);

    /* advance_by across the seam */
    cur_iter_range_t ra, rb;
    cur_iter_t a, b;
    int64_t g[8];
    cr_assert_eq(cur_iter_range(&ra, 0, 3, 1, &a), 0);
    cr_assert_eq(cur_iter_range(&rb, 10, 13, 1, &b), 0);
    cr_assert_eq(cur_iter_chain(&ch, a, b, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 6);
    cr_assert_eq(h.hi, 6);
    cr_assert_eq(cur_iter_advance_by(it, 4), 4);
    cr_assert_eq(collect_i64(it, g, 8), 2);
    cr_assert_eq(g[0], 11);
}

Test(trait, chain_rejects_different_item_sizes, .init = setup)
{
    counter_t c;
    cur_iter_range_t r;
    cur_iter_chain_t ch;
    cur_iter_t a = counter_iter(&c, 1), b, out = {0};
    cr_assert_eq(cur_iter_range(&r, 0, 1, 1, &b), 0);
    cr_assert_eq(cur_iter_chain(&ch, a, b, &out), CUR_EINVAL);
    cr_assert_null(out.vt);
}

Test(trait, chain_size_hint_saturates, .init = setup)
{
    cur_iter_range_t ra, rb;
    cur_iter_chain_t ch;
    cur_iter_t a, b, it;
    cr_assert_eq(cur_iter_range(&ra, 0, INT64_MAX, 1, &a), 0);
    cr_assert_eq(cur_iter_range(&rb, 0, INT64_MAX, 1, &b), 0);
    cr_assert_eq(cur_iter_chain(&ch, a, b, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, PTRDIFF_MAX);
    cr_assert_eq(h.hi, -1);
}

CUR_ITER_PAIR_TYPE(pair_i64, int64_t);
typedef struct three {
    unsigned char b[3];
} three_t;
CUR_ITER_PAIR_TYPE(pair_three, three_t);

Test(trait, enumerate_pairs_index_and_item, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_enumerate_t e;
    cur_iter_t it;
    cr_assert_eq(cur_iter_range(&r, 10, 40, 10, &it), 0);
    cr_assert_eq(CUR_ITER_ENUMERATE(&e, it, pair_i64, &it), 0);
    cr_assert_eq(it.item_size, (ptrdiff_t)sizeof(pair_i64));
    pair_i64 got[4];
    cr_assert_eq(cur_iter_collect(it, got, 4), 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(got[i].index, i);
        cr_assert_eq(got[i].item, 10 * (i + 1));
    }

    /* odd-sized items: padding after the item is zeroed */
    three_t src[5];
    fill_pattern((unsigned char *)src, sizeof src, 9);
    cur_iter_slice_t s;
    cr_assert_eq(cur_iter_slice(&s, src, 5, sizeof(three_t), &it), 0);
    cr_assert_eq(CUR_ITER_ENUMERATE(&e, it, pair_three, &it), 0);
    cr_assert_eq(cur_iter_advance_by(it, 2), 2);
    pair_three p;
    memset(&p, 0xFF, sizeof p);
    cr_assert(cur_iter_next(it, &p));
    cr_assert_eq(p.index, 2, "advance_by must count indices too");
    cr_assert_eq(memcmp(p.item.b, src[2].b, 3), 0);
    const unsigned char *raw = (const unsigned char *)&p;
    for (size_t i = offsetof(pair_three, item) + 3; i < sizeof p; i++)
        cr_assert_eq(raw[i], 0, "padding byte %zu", i);
}

Test(trait, enumerate_rejects_a_layout_that_does_not_fit, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_enumerate_t e;
    cur_iter_t it, out = {0};
    cr_assert_eq(cur_iter_range(&r, 0, 3, 1, &it), 0);
    cr_assert_eq(cur_iter_enumerate(&e, it, 4, 16, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_enumerate(&e, it, 8, 15, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_enumerate(&e, it, 8, CUR_ITER_ITEM_MAX + 8, &out),
                 CUR_EINVAL);
    cr_assert_null(out.vt);
    cr_assert_eq(cur_iter_enumerate(&e, it, 16, 24, &out), 0);
}

static int sum_i64(void *ctx, void *acc, const void *item);
static int count_each(void *ctx, const void *item);

Test(trait, adaptors_reject_an_invalid_item_size, .init = setup)
{
    counter_t c;
    cur_iter_t bad = counter_iter(&c, 3), out;
    bad.item_size = 0;
    cur_iter_map_t m;
    cur_iter_filter_t f;
    cur_iter_take_t t;
    cur_iter_skip_t s;
    cur_iter_chain_t ch;
    cur_iter_enumerate_t e;
    cr_assert_eq(cur_iter_map(&m, bad, 4, int_counted_plus_one, NULL, &out),
                 CUR_EINVAL);
    cr_assert_eq(cur_iter_filter(&f, bad, int_is_even, NULL, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_take(&t, bad, 1, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_skip(&s, bad, 1, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_chain(&ch, bad, bad, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_enumerate(&e, bad, 8, 16, &out), CUR_EINVAL);
    cr_assert_eq(cur_iter_count(bad), CUR_EINVAL);
    bad.item_size = -8;
    cr_assert_eq(cur_iter_collect(bad, NULL, 0), CUR_EINVAL);
    bad.item_size = CUR_ITER_ITEM_MAX + 1;
    int64_t acc = 0;
    int n = 0;
    cr_assert_eq(cur_iter_fold(bad, &acc, sum_i64, NULL), CUR_EINVAL);
    cr_assert_eq(cur_iter_for_each(bad, count_each, &n), CUR_EINVAL);
    cr_assert_eq(c.calls, 0, "an invalid iterator was advanced");
}

/* ------------------------------------------------------------------------ */
/* Iterator: consumers                                                      */
/* ------------------------------------------------------------------------ */

static int sum_i64(void *ctx, void *acc, const void *item)
{
    (void)ctx;
    int64_t x;
    memcpy(&x, item, sizeof x);
    *(int64_t *)acc += x;
    return 0;
}

static int sum_until_limit(void *ctx, void *acc, const void *item)
{
    int64_t x, limit = *(const int64_t *)ctx;
    memcpy(&x, item, sizeof x);
    if (*(int64_t *)acc + x > limit) return 7; /* break with a value */
    *(int64_t *)acc += x;
    return 0;
}

static int count_each(void *ctx, const void *item)
{
    (void)item;
    (*(int *)ctx)++;
    return 0;
}

static int stop_at_three(void *ctx, const void *item)
{
    int64_t x;
    memcpy(&x, item, sizeof x);
    (*(int *)ctx)++;
    return x == 3 ? CUR_ECANCELED : 0;
}

Test(trait, fold_sums_and_stops_early, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_t it;
    int64_t acc = 0;
    cr_assert_eq(cur_iter_range(&r, 1, 101, 1, &it), 0);
    cr_assert_eq(cur_iter_fold(it, &acc, sum_i64, NULL), 0);
    cr_assert_eq(acc, 5050);

    acc = 0;
    int64_t limit = 10;
    cr_assert_eq(cur_iter_range(&r, 1, 101, 1, &it), 0);
    cr_assert_eq(cur_iter_fold(it, &acc, sum_until_limit, &limit), 7);
    cr_assert_eq(acc, 10); /* 1+2+3+4 */
    int64_t next;
    cr_assert(cur_iter_next(it, &next));
    cr_assert_eq(next, 6, "the item that stopped the fold was consumed");
}

Test(trait, for_each_visits_every_item_and_can_stop, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_t it;
    int n = 0;
    cr_assert_eq(cur_iter_range(&r, 0, 9, 1, &it), 0);
    cr_assert_eq(cur_iter_for_each(it, count_each, &n), 0);
    cr_assert_eq(n, 9);
    n = 0;
    cr_assert_eq(cur_iter_range(&r, 0, 9, 1, &it), 0);
    cr_assert_eq(cur_iter_for_each(it, stop_at_three, &n), CUR_ECANCELED);
    cr_assert_eq(n, 4);
}

Test(trait, count_runs_map_functions_but_not_for_slices, .init = setup)
{
    counter_t c;
    cur_iter_map_t m;
    cur_iter_t it = counter_iter(&c, 7);
    cr_assert_eq(cur_iter_map(&m, it, sizeof(int), int_counted_plus_one, NULL,
                              &it), 0);
    map_calls = 0;
    cr_assert_eq(cur_iter_count(it), 7);
    cr_assert_eq(map_calls, 7); /* Rust's Map::count runs the closure too */

    int src[1000] = {0};
    cur_iter_slice_t s;
    cr_assert_eq(cur_iter_slice(&s, src, 1000, sizeof(int), &it), 0);
    cr_assert_eq(cur_iter_count(it), 1000);
}

Test(trait, collect_fills_in_pieces, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_t it;
    int64_t buf[4];
    cr_assert_eq(cur_iter_range(&r, 0, 10, 1, &it), 0);
    cr_assert_eq(collect_i64(it, buf, 4), 4);
    cr_assert_eq(buf[3], 3);
    cr_assert_eq(collect_i64(it, buf, 0), 0);
    cr_assert_eq(collect_i64(it, buf, 4), 4);
    cr_assert_eq(buf[0], 4);
    cr_assert_eq(collect_i64(it, buf, 4), 2);
    cr_assert_eq(buf[1], 9);
    cr_assert_eq(collect_i64(it, buf, 4), 0);
    cr_assert_eq(cur_iter_collect(it, buf, -1), CUR_EINVAL);
    cr_assert_eq(cur_iter_collect(it, buf, PTRDIFF_MAX / 4), CUR_EOVERFLOW);
}

Test(trait, collect_into_null_buffer_panics, .signal = SIGABRT, .init = setup)
{
    cur_iter_range_t r;
    cur_iter_t it;
    cr_assert_eq(cur_iter_range(&r, 0, 10, 1, &it), 0);
    (void)cur_iter_collect(it, NULL, 3);
}

/* ------------------------------------------------------------------------ */
/* Compositions                                                             */
/* ------------------------------------------------------------------------ */

static void i64_times_three(void *ctx, const void *in, void *out)
{
    (void)ctx;
    int64_t x;
    memcpy(&x, in, sizeof x);
    x *= 3;
    memcpy(out, &x, sizeof x);
}

static int fold_weighted(void *ctx, void *acc, const void *item)
{
    (void)ctx;
    pair_i64 p;
    memcpy(&p, item, sizeof p);
    *(int64_t *)acc += (p.index + 1) * p.item;
    return 0;
}

Test(trait, range_filter_map_take_enumerate_fold, .init = setup)
{
    /*
     * (0..100).filter(odd).map(x * 3).take(4).enumerate()
     *     .fold(0, |acc, (i, x)| acc + (i + 1) * x)
     * odd: 1 3 5 7 -> 3 9 15 21 -> 1*3 + 2*9 + 3*15 + 4*21 = 150
     */
    cur_iter_range_t r;
    cur_iter_filter_t f;
    cur_iter_map_t m;
    cur_iter_take_t t;
    cur_iter_enumerate_t e;
    cur_iter_t it;
    cr_assert_eq(cur_iter_range(&r, 0, 100, 1, &it), 0);
    cr_assert_eq(cur_iter_filter(&f, it, i64_is_odd, NULL, &it), 0);
    cr_assert_eq(cur_iter_map(&m, it, sizeof(int64_t), i64_times_three, NULL,
                              &it), 0);
    cr_assert_eq(cur_iter_take(&t, it, 4, &it), 0);
    cr_assert_eq(CUR_ITER_ENUMERATE(&e, it, pair_i64, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 0);
    cr_assert_eq(h.hi, 4);
    int64_t acc = 0;
    cr_assert_eq(cur_iter_fold(it, &acc, fold_weighted, NULL), 0);
    cr_assert_eq(acc, 150);
}

Test(trait, skip_chain_take_compose, .init = setup)
{
    /* (0..5).skip(2).chain(10..12).take(4) = 2 3 4 10 */
    cur_iter_range_t ra, rb;
    cur_iter_skip_t s;
    cur_iter_chain_t c;
    cur_iter_take_t t;
    cur_iter_t a, b, it;
    int64_t got[8];
    cr_assert_eq(cur_iter_range(&ra, 0, 5, 1, &a), 0);
    cr_assert_eq(cur_iter_skip(&s, a, 2, &a), 0);
    cr_assert_eq(cur_iter_range(&rb, 10, 12, 1, &b), 0);
    cr_assert_eq(cur_iter_chain(&c, a, b, &it), 0);
    cr_assert_eq(cur_iter_take(&t, it, 4, &it), 0);
    cr_assert_eq(collect_i64(it, got, 8), 4);
    int64_t want[] = {2, 3, 4, 10};
    cr_assert_eq(memcmp(got, want, sizeof want), 0);
}

/* ------------------------------------------------------------------------ */
/* Static dispatch                                                          */
/* ------------------------------------------------------------------------ */

static inline int64_t st_triple(void *ctx, int64_t x)
{
    (void)ctx;
    return 3 * x;
}

static inline bool st_odd(void *ctx, const int64_t *x)
{
    (void)ctx;
    return *x % 2 != 0;
}

static inline int64_t st_add(void *ctx, int64_t acc, int64_t x)
{
    (void)ctx;
    return acc + x;
}

CUR_STATIC_ITER_RANGE(st_range, int64_t)
CUR_STATIC_ITER_FILTER(st_odds, st_range, int64_t, st_odd)
CUR_STATIC_ITER_MAP(st_tripled, st_odds, int64_t, int64_t, st_triple)
CUR_STATIC_ITER_TAKE(st_first, st_tripled, int64_t)
CUR_STATIC_ITER_FOLD(st_first, int64_t, int64_t, st_add)
CUR_STATIC_ITER_DYN(st_first, int64_t)
CUR_STATIC_ITER_SLICE(st_ints, int)

Test(trait, static_pipeline_matches_the_dynamic_one, .init = setup)
{
    st_first it = st_first_new(
        st_tripled_new(st_odds_new(st_range_new(0, 100), NULL), NULL), 4);
    cr_assert_eq(st_first_fold(&it, 0, NULL), 3 + 9 + 15 + 21);

    /* the same iterator, type-erased into a trait object */
    st_first again = st_first_new(
        st_tripled_new(st_odds_new(st_range_new(0, 100), NULL), NULL), 4);
    cur_iter_t dyn = st_first_as_dyn(&again);
    cr_assert_eq(dyn.vt->hdr.trait, &cur_iter_trait);
    cr_assert_eq(dyn.vt->size_hint, cur_iter_default_size_hint);
    int64_t got[8];
    cr_assert_eq(collect_i64(dyn, got, 8), 4);
    cr_assert_eq(got[3], 21);

    int src[] = {5, 6, 7};
    st_ints s = st_ints_new(src, 3);
    int x, sum = 0;
    while (st_ints_next(&s, &x)) sum += x;
    cr_assert_eq(sum, 18);
    s = st_ints_new(src, -1);
    cr_assert_not(st_ints_next(&s, &x));
    st_first none = st_first_new(
        st_tripled_new(st_odds_new(st_range_new(0, 100), NULL), NULL), -5);
    cr_assert_eq(st_first_fold(&none, 0, NULL), 0);
}

/* ------------------------------------------------------------------------ */
/* Differential: random pipelines against a plain model                     */
/* ------------------------------------------------------------------------ */


/* The model: a sequence of n items of size bytes each. */
typedef struct seq {
    unsigned char *p;
    ptrdiff_t n, size;
} seq_t;

typedef struct map_ctx {
    ptrdiff_t in, out;
    unsigned seed;
} map_ctx_t;

static void model_map_item(const map_ctx_t *c, const unsigned char *in,
                           unsigned char *out)
{
    for (ptrdiff_t j = 0; j < c->out; j++)
        out[j] = (unsigned char)(in[j % c->in] * 31u + c->seed + (unsigned)j);
}

static void rand_map(void *ctx, const void *in, void *out)
{
    model_map_item(ctx, in, out);
}

typedef struct pred_ctx {
    ptrdiff_t size;
    unsigned seed;
} pred_ctx_t;

static bool model_keep(const pred_ctx_t *c, const unsigned char *item)
{
    unsigned h = c->seed;
    for (ptrdiff_t j = 0; j < c->size; j++) h = h * 33u + item[j];
    return h % 3 != 0;
}

static bool rand_pred(void *ctx, const void *item)
{
    return model_keep(ctx, item);
}

static seq_t seq_new(ptrdiff_t n, ptrdiff_t size)
{
    seq_t s = {calloc((size_t)(n * size + 1), 1), n, size};
    cr_assert_not_null(s.p);
    return s;
}

static seq_t seq_random(ptrdiff_t n, ptrdiff_t size)
{
    seq_t s = seq_new(n, size);
    for (ptrdiff_t i = 0; i < n * size; i++) s.p[i] = (unsigned char)rng();
    return s;
}

enum { MAX_STAGES = 6 };

Test(trait, random_pipelines_match_a_plain_loop, .init = setup)
{
    static const ptrdiff_t sizes[] = {1, 3, 8, 24};
    rng_state = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 400; round++) {
        ptrdiff_t size = sizes[rng_below(4)];
        seq_t model = seq_random(rng_below(40), size);
        seq_t src = {malloc((size_t)(model.n * size + 1)), model.n, size};
        cr_assert_not_null(src.p);
        memcpy(src.p, model.p, (size_t)(model.n * size));

        cur_iter_slice_t slices[MAX_STAGES + 1];
        cur_iter_map_t maps[MAX_STAGES];
        cur_iter_filter_t filters[MAX_STAGES];
        cur_iter_take_t takes[MAX_STAGES];
        cur_iter_skip_t skips[MAX_STAGES];
        cur_iter_chain_t chains[MAX_STAGES];
        cur_iter_enumerate_t enums[MAX_STAGES];
        map_ctx_t mctx[MAX_STAGES];
        pred_ctx_t pctx[MAX_STAGES];
        seq_t extra[MAX_STAGES] = {{0}};
        cur_iter_t it;
        cr_assert_eq(cur_iter_slice(&slices[MAX_STAGES], src.p, src.n, size,
                                    &it), 0);

        int stages = (int)rng_below(MAX_STAGES + 1);
        for (int k = 0; k < stages; k++) {
            int op = (int)rng_below(6);
            if (op == 0) { /* map to a new size */
                mctx[k] = (map_ctx_t){model.size, sizes[rng_below(4)],
                                      (unsigned)rng()};
                seq_t next = seq_new(model.n, mctx[k].out);
                for (ptrdiff_t i = 0; i < model.n; i++)
                    model_map_item(&mctx[k], model.p + i * model.size,
                                   next.p + i * next.size);
                free(model.p);
                model = next;
                cr_assert_eq(cur_iter_map(&maps[k], it, mctx[k].out, rand_map,
                                          &mctx[k], &it), 0);
            } else if (op == 1) { /* filter */
                pctx[k] = (pred_ctx_t){model.size, (unsigned)rng()};
                ptrdiff_t w = 0;
                for (ptrdiff_t i = 0; i < model.n; i++) {
                    unsigned char *item = model.p + i * model.size;
                    if (model_keep(&pctx[k], item))
                        memmove(model.p + w++ * model.size, item,
                                (size_t)model.size);
                }
                model.n = w;
                cr_assert_eq(cur_iter_filter(&filters[k], it, rand_pred,
                                             &pctx[k], &it), 0);
            } else if (op == 2) { /* take */
                ptrdiff_t n = rng_below(30);
                if (n < model.n) model.n = n;
                cr_assert_eq(cur_iter_take(&takes[k], it, n, &it), 0);
            } else if (op == 3) { /* skip */
                ptrdiff_t n = rng_below(10);
                ptrdiff_t drop = n < model.n ? n : model.n;
                memmove(model.p, model.p + drop * model.size,
                        (size_t)((model.n - drop) * model.size));
                model.n -= drop;
                cr_assert_eq(cur_iter_skip(&skips[k], it, n, &it), 0);
            } else if (op == 4) { /* chain with another slice */
                extra[k] = seq_random(rng_below(8), model.size);
                seq_t next = seq_new(model.n + extra[k].n, model.size);
                memcpy(next.p, model.p, (size_t)(model.n * model.size));
                memcpy(next.p + model.n * model.size, extra[k].p,
                       (size_t)(extra[k].n * model.size));
                free(model.p);
                model = next;
                cur_iter_t b;
                cr_assert_eq(cur_iter_slice(&slices[k], extra[k].p, extra[k].n,
                                            model.size, &b), 0);
                cr_assert_eq(cur_iter_chain(&chains[k], it, b, &it), 0);
            } else { /* enumerate, with the item at offset 8 */
                ptrdiff_t pair = (8 + model.size + 7) / 8 * 8;
                seq_t next = seq_new(model.n, pair);
                for (ptrdiff_t i = 0; i < model.n; i++) {
                    memcpy(next.p + i * pair, &i, sizeof i);
                    memcpy(next.p + i * pair + 8, model.p + i * model.size,
                           (size_t)model.size);
                }
                free(model.p);
                model = next;
                cr_assert_eq(cur_iter_enumerate(&enums[k], it, 8, pair, &it),
                             0);
            }
        }
        cr_assert_eq(it.item_size, model.size);
        cur_iter_hint_t h = cur_iter_size_hint(it);
        cr_assert_leq(h.lo, model.n, "round %d: size_hint lo too big", round);
        cr_assert(h.hi < 0 || h.hi >= model.n, "round %d: hi too small", round);

        /* collect in two pieces, then the end */
        seq_t got = seq_new(model.n + 4, model.size);
        ptrdiff_t first = rng_below(model.n + 1);
        cr_assert_eq(cur_iter_collect(it, got.p, first), first);
        ptrdiff_t rest = cur_iter_collect(it, got.p + first * got.size,
                                          model.n + 4 - first);
        cr_assert_eq(first + rest, model.n, "round %d: %td items, want %td",
                     round, first + rest, model.n);
        cr_assert_eq(memcmp(got.p, model.p, (size_t)(model.n * model.size)), 0,
                     "round %d: items differ", round);
        unsigned char spare[CUR_ITER_ITEM_MAX];
        cr_assert_not(cur_iter_next(it, spare), "round %d: not fused", round);

        free(got.p);
        free(model.p);
        free(src.p);
        for (int k = 0; k < MAX_STAGES; k++) free(extra[k].p);
    }
}

/* ------------------------------------------------------------------------ */
/* Containers through the trait                                             */
/* ------------------------------------------------------------------------ */

/* vec.h and map.h are another module's; test the bridges when they exist. */
#if __has_include(<curriculum/vec.h>) && __has_include(<curriculum/map.h>)
#include <curriculum/map.h>
#include <curriculum/vec.h>

CUR_VEC_DECLARE(vec_i64, int64_t);
CUR_ITER_VEC_IMPL(vec_i64);
CUR_VEC_DECLARE(vec_three, three_t);
CUR_ITER_VEC_IMPL(vec_three);
CUR_MAP_DECLARE_I64(map_i64, int64_t);
CUR_ITER_MAP_IMPL(map_i64);

Test(trait, vec_iterates_through_the_trait, .init = setup)
{
    vec_three_t v;
    vec_three_init(&v, &cur_test_alloc);
    three_t src[7];
    fill_pattern((unsigned char *)src, sizeof src, 4);
    cr_assert_eq(vec_three_extend_from_slice(&v, src, 7), 0);

    cur_iter_slice_t st;
    cur_iter_enumerate_t e;
    cur_iter_t it;
    cr_assert_eq(vec_three_iter_dyn(&st, &v, &it), 0);
    cr_assert_eq(it.item_size, 3);
    cr_assert_eq(CUR_ITER_ENUMERATE(&e, it, pair_three, &it), 0);
    pair_three got[8];
    cr_assert_eq(cur_iter_collect(it, got, 8), 7);
    for (int i = 0; i < 7; i++) {
        cr_assert_eq(got[i].index, i);
        cr_assert_eq(memcmp(got[i].item.b, src[i].b, 3), 0);
    }

    cr_assert_eq(vec_three_iter_dyn_ref(&st, &v, &it), 0);
    const three_t *p;
    cr_assert_eq(cur_iter_advance_by(it, 6), 6);
    cr_assert(cur_iter_next(it, &p));
    cr_assert_eq(p, &v.data[6]);
    vec_three_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, vec_extend_collects_a_pipeline, .init = setup)
{
    vec_i64_t v;
    vec_i64_init(&v, &cur_test_alloc);
    cr_assert_eq(vec_i64_push(&v, -1), 0);
    cur_iter_range_t r;
    cur_iter_filter_t f;
    cur_iter_t it;
    cr_assert_eq(cur_iter_range(&r, 0, 1000, 1, &it), 0);
    cr_assert_eq(cur_iter_filter(&f, it, i64_is_odd, NULL, &it), 0);
    cr_assert_eq(vec_i64_extend_iter(&v, it), 500);
    cr_assert_eq(v.len, 501);
    cr_assert_eq(v.data[0], -1);
    cr_assert_eq(v.data[1], 1);
    cr_assert_eq(v.data[500], 999);

    counter_t c;
    cr_assert_eq(vec_i64_extend_iter(&v, counter_iter(&c, 3)), CUR_EINVAL,
                 "int items into a vector of int64_t");
    cr_assert_eq(c.calls, 0);
    vec_i64_destroy(&v);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, vec_extend_oom_sweep, .init = setup)
{
    int rc = 0;
    ptrdiff_t n = 0;
    vec_i64_t v;
    cur_iter_range_t r;
    cur_iter_filter_t f;
    cur_iter_t it;
    /* a filter's hint has lower bound 0: the pushes grow the vector */
    CUR_OOM_SWEEP(rc,
                  {
                      vec_i64_init(&v, &cur_test_alloc);
                      cr_assert_eq(vec_i64_push(&v, 7), 0);
                      cr_assert_eq(cur_iter_range(&r, 0, 100, 1, &it), 0);
                      cr_assert_eq(cur_iter_filter(&f, it, i64_is_odd, NULL,
                                                   &it), 0);
                  },
                  {
                      n = vec_i64_extend_iter(&v, it);
                      rc = n < 0 ? (int)n : 0;
                  },
                  {
                      cr_assert_eq(v.len, 1, "not truncated back");
                      cr_assert_eq(v.data[0], 7);
                      cr_assert_eq(vec_i64_push(&v, 8), 0);
                  },
                  {
                      cr_assert_eq(n, 50);
                      cr_assert_eq(v.data[50], 99);
                  },
                  { vec_i64_destroy(&v); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(trait, map_iterates_through_the_trait, .init = setup)
{
    map_i64_t m;
    map_i64_init_seeded(&m, &cur_test_alloc, 42);
    for (int64_t k = 1; k <= 20; k++)
        cr_assert_geq(map_i64_insert(&m, k, k * k, NULL), 0);
    map_i64_dyn_iter_t st;
    cur_iter_t it;
    cr_assert_eq(map_i64_iter_dyn(&st, &m, &it), 0);
    cur_iter_hint_t h = cur_iter_size_hint(it);
    cr_assert_eq(h.lo, 20);
    cr_assert_eq(h.hi, 20);
    map_i64_entry_ref_t e;
    int64_t keys = 0, values = 0;
    ptrdiff_t n = 0;
    while (cur_iter_next(it, &e)) {
        keys += *e.key;
        values += *e.value;
        cr_assert_eq(*e.value, *e.key * *e.key);
        n++;
    }
    cr_assert_eq(n, 20);
    cr_assert_eq(keys, 210);
    cr_assert_eq(values, 2870);
    cr_assert_eq(cur_iter_size_hint(it).hi, 0);

    cr_assert_eq(map_i64_iter_dyn(&st, &m, &it), 0);
    cr_assert_eq(cur_iter_count(it), 20);
    map_i64_destroy(&m);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
#endif /* vec.h and map.h */
