/*
 * mc-04.1 Defining Traits (Rust's Interface System)
 *
 * Shows: a trait written the library's way: a vtable struct that starts
 * with a cur_vtable_t header, a trait descriptor, a trait object (a fat
 * pointer: data + vtable), and an IMPL macro that makes forgetting a
 * required method a compile error; two types implementing it; a function
 * written once against the trait; a &mut self method called through it.
 *
 * Build: cc -std=gnu17 examples/mc-04.1-defining-traits.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/trait.h>

#include <stdio.h>

/*
 * trait Shape {
 *     fn name(&self) -> &str;
 *     fn area(&self) -> f64;
 *     fn scale(&mut self, k: f64);
 * }
 *
 * 1. The trait object type, declared first so methods could mention it:
 *    dyn_shape is { void *data; const struct shape_vtable *vt; }.
 */
CUR_DYN_TYPE(dyn_shape, shape_vtable);

/*
 * 2. The trait itself: one function pointer per method, after the header
 *    (which names the trait and the implementing type). `&self` becomes
 *    `const void *self`, `&mut self` becomes `void *self`: each impl casts
 *    self back to its own type, which only it knows.
 */
typedef struct shape_vtable {
    cur_vtable_t hdr;
    const char *(*name)(const void *self);
    double (*area)(const void *self);
    void (*scale)(void *self, double k);
} shape_vtable_t;

/* 3. The trait descriptor: what cur_trait_complete and messages use. */
static const cur_trait_method_t shape_methods[] = {
    CUR_TRAIT_REQUIRED(shape_vtable_t, name),
    CUR_TRAIT_REQUIRED(shape_vtable_t, area),
    CUR_TRAIT_REQUIRED(shape_vtable_t, scale),
};
static const cur_trait_t shape_trait =
    CUR_TRAIT_INIT("Shape", shape_vtable_t, shape_methods);

/*
 * 4. `impl Shape for T`, as a macro that takes every required method as
 *    an argument. Leave one out and the preprocessor stops ("macro
 *    SHAPE_IMPL requires 5 arguments"); pass NULL or a function of the
 *    wrong type and CUR_REQUIRE's static assertion stops the compiler with
 *    "required method `area` is missing (NULL) or has the wrong type".
 *    Rust's error E0046 ("not all trait items implemented"), at build time.
 */
#define SHAPE_IMPL(var, type, name_fn, area_fn, scale_fn)                   \
    CUR_IMPL_BEGIN                                                          \
    static const shape_vtable_t var = {                                     \
        .hdr = CUR_VTABLE_HDR(&shape_trait, type),                          \
        CUR_REQUIRE(shape_vtable_t, name, name_fn),                         \
        CUR_REQUIRE(shape_vtable_t, area, area_fn),                         \
        CUR_REQUIRE(shape_vtable_t, scale, scale_fn),                       \
    };                                                                      \
    CUR_IMPL_END

/* struct Circle { r: f64 } and its impl. */
typedef struct circle {
    double r;
} circle_t;

static const char *circle_name(const void *self)
{
    (void)self;
    return "circle";
}
static double circle_area(const void *self)
{
    const circle_t *c = self;
    return 3.141592653589793 * c->r * c->r;
}
static void circle_scale(void *self, double k) { ((circle_t *)self)->r *= k; }

/* The type descriptor (own.h): name, size, alignment, drop. */
static const cur_type_t circle_type = CUR_TYPE_COPY_INIT(circle_t);
SHAPE_IMPL(circle_shape, &circle_type, circle_name, circle_area, circle_scale);

/* struct Rect { w: f64, h: f64 } and its impl. */
typedef struct rect {
    double w, h;
} rect_t;

static const char *rect_name(const void *self)
{
    (void)self;
    return "rect";
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

static const cur_type_t rect_type = CUR_TYPE_COPY_INIT(rect_t);
SHAPE_IMPL(rect_shape, &rect_type, rect_name, rect_area, rect_scale);

/*
 * 5. Coercions: `&mut Circle as &mut dyn Shape`. Rust checks that the
 *    data and the vtable belong together; C cannot, so each impl gets one
 *    small function where the compiler checks the pointer's type, and the
 *    rest of the program builds trait objects only through these.
 */
static dyn_shape circle_as_shape(circle_t *c)
{
    return (dyn_shape){c, &circle_shape};
}
static dyn_shape rect_as_shape(rect_t *r)
{
    return (dyn_shape){r, &rect_shape};
}

/* fn total_area(shapes: &[&dyn Shape]) -> f64: written once, for any impl. */
static double total_area(const dyn_shape *shapes, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += CUR_DYN_CALL(shapes[i], area);
    return sum;
}

static void print_shapes(const dyn_shape *shapes, int n)
{
    for (int i = 0; i < n; i++)
        printf("  %-6s area %7.2f   (impl of %s for %s)\n",
               CUR_DYN_CALL(shapes[i], name), CUR_DYN_CALL(shapes[i], area),
               CUR_DYN_TRAIT_NAME(shapes[i]), CUR_DYN_TYPE_NAME(shapes[i]));
}

int main(void)
{
    circle_t unit = {1.0};
    rect_t door = {0.9, 2.0};
    circle_t wheel = {0.5};

    /* A slice of trait objects: different types, one interface. */
    dyn_shape shapes[] = {circle_as_shape(&unit), rect_as_shape(&door),
                          circle_as_shape(&wheel)};

    printf("a trait object is %zu pointers: data and vtable\n",
           sizeof(dyn_shape) / sizeof(void *));
    printf("every impl checked against the trait: %s\n",
           cur_trait_missing(&shape_trait, &circle_shape) == NULL &&
                   cur_trait_missing(&shape_trait, &rect_shape) == NULL
               ? "complete"
               : "incomplete");

    printf("shapes:\n");
    print_shapes(shapes, 3);
    printf("total area %.2f\n", total_area(shapes, 3));

    /* &mut self through the fat pointer: scale each shape in place. */
    for (int i = 0; i < 3; i++) CUR_DYN_CALL(shapes[i], scale, 2.0);
    printf("after scale(2.0):\n");
    print_shapes(shapes, 3);
    printf("total area %.2f\n", total_area(shapes, 3));

    /* The originals changed: the trait objects borrowed them. */
    printf("door is now %.1f x %.1f\n", door.w, door.h);
    return 0;
}
