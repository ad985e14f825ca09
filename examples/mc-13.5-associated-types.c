/*
 * mc-13.5 Associated Types vs Generics
 *
 * Shows: a generic container, Stack<T>, stamped out per element type by a
 * macro (a type parameter, chosen by the user, many instantiations); the
 * Iterator trait's associated type Item, which each impl fixes once and
 * which the trait object carries as its item size, so code written once
 * against cur_iter_t handles every item type; and a generic trait,
 * Scale<T>, that one type implements twice, for two T, which an
 * associated type cannot do.
 *
 * Build: cc -std=gnu17 examples/mc-13.5-associated-types.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/trait.h>

#include <stdio.h>
#include <string.h>

/*
 * struct Stack<T> { items: [T; 8], len: usize }: generic over T. Each use
 * of the macro writes a new struct and new functions for one T.
 */
#define DEFINE_STACK(name, T)                                               \
    typedef struct name {                                                   \
        T items[8];                                                         \
        ptrdiff_t len;                                                      \
    } name;                                                                 \
    static bool name##_push(name *s, T x)                                   \
    {                                                                       \
        if (s->len == 8) return false;                                      \
        s->items[s->len++] = x;                                             \
        return true;                                                        \
    }

typedef struct point {
    int x, y;
} point_t;

DEFINE_STACK(stack_int, int)         /* Stack<i32> */
DEFINE_STACK(stack_point, point_t)   /* Stack<Point> */

/*
 * impl<T> Iterator for StackIter<T> { type Item = T; ... }
 * The impl decides Item, once; users never choose it. A stack iterator
 * walks the items from the top, so both stacks share one next(): it only
 * needs the item size, which the impl records when it builds the object.
 */
typedef struct stack_iter {
    const unsigned char *items; /* the stack's array */
    ptrdiff_t size;             /* sizeof(Item) */
    ptrdiff_t left;             /* items not yet yielded */
} stack_iter_t;

static bool stack_iter_next(void *self, void *item_out)
{
    stack_iter_t *s = self;
    if (s->left == 0) return false;
    s->left--;
    memcpy(item_out, s->items + s->left * s->size, (size_t)s->size);
    return true;
}
static cur_iter_hint_t stack_iter_size_hint(cur_iter_t it)
{
    const stack_iter_t *s = it.data;
    return (cur_iter_hint_t){s->left, s->left};
}
static const cur_type_t stack_iter_type = CUR_TYPE_COPY_INIT(stack_iter_t);
CUR_ITER_IMPL(stack_iter_vt, &stack_iter_type, stack_iter_next,
              .size_hint = stack_iter_size_hint);

/* The associated type made explicit: item_size = sizeof(T). */
#define STACK_ITER(st, stack)                                               \
    ((*(st) = (stack_iter_t){(const unsigned char *)(stack)->items,         \
                             (ptrdiff_t)sizeof((stack)->items[0]),          \
                             (stack)->len}),                                \
     (cur_iter_t){(st), &stack_iter_vt,                                     \
                  (ptrdiff_t)sizeof((stack)->items[0])})

/* Written once against the trait: any Iterator, whatever its Item. */
static void describe(const char *what, cur_iter_t it)
{
    cur_iter_hint_t h = cur_iter_size_hint(it);
    printf("  %-13s Item is %td bytes, %td items\n", what, it.item_size,
           h.lo);
}

/*
 * trait Scale<T> { fn scale(&self, by: T) -> Self; }  (generic trait)
 * Here T is a parameter of the trait, so one type may implement
 * Scale<i32> and Scale<f64> side by side. In C each instantiation of a
 * generic trait is its own vtable type, written by a macro.
 */
#define DEFINE_SCALE_TRAIT(name, T)                                         \
    typedef struct name##_vtable {                                          \
        cur_vtable_t hdr;                                                   \
        void (*scale)(void *self, T by);                                    \
    } name##_vtable_t;

DEFINE_SCALE_TRAIT(scale_int, int)       /* Scale<i32> */
DEFINE_SCALE_TRAIT(scale_double, double) /* Scale<f64> */

static void point_scale_int(void *self, int by)
{
    point_t *p = self;
    p->x *= by;
    p->y *= by;
}
static void point_scale_double(void *self, double by)
{
    point_t *p = self;
    p->x = (int)(p->x * by);
    p->y = (int)(p->y * by);
}

static const cur_type_t point_type = CUR_TYPE_COPY_INIT(point_t);
/* impl Scale<i32> for Point and impl Scale<f64> for Point: two impls. */
static const scale_int_vtable_t point_scale_by_int = {
    .hdr = CUR_VTABLE_HDR(NULL, &point_type),
    CUR_REQUIRE(scale_int_vtable_t, scale, point_scale_int),
};
static const scale_double_vtable_t point_scale_by_double = {
    .hdr = CUR_VTABLE_HDR(NULL, &point_type),
    CUR_REQUIRE(scale_double_vtable_t, scale, point_scale_double),
};

int main(void)
{
    stack_int ints = {.len = 0};
    stack_point points = {.len = 0};
    for (int i = 1; i <= 4; i++) stack_int_push(&ints, i * 10);
    stack_point_push(&points, (point_t){1, 2});
    stack_point_push(&points, (point_t){3, 4});

    printf("generic containers, one per T:\n");
    printf("  Stack<i32>   holds %td, Stack<Point> holds %td\n", ints.len,
           points.len);

    printf("one Iterator impl; Item fixed by each iterator object:\n");
    stack_iter_t si, sp;
    cur_iter_t it_int = STACK_ITER(&si, &ints);
    cur_iter_t it_point = STACK_ITER(&sp, &points);
    describe("Stack<i32>", it_int);
    describe("Stack<Point>", it_point);

    int v;
    printf("  ints from the top:");
    while (cur_iter_next(it_int, &v)) printf(" %d", v);
    printf("\n");
    point_t p;
    printf("  points from the top:");
    while (cur_iter_next(it_point, &p)) printf(" (%d, %d)", p.x, p.y);
    printf("\n");

    printf("a generic trait, implemented twice by one type:\n");
    point_t q = {2, 5};
    point_scale_by_int.scale(&q, 3);
    printf("  Scale<i32>(3):   (%d, %d)\n", q.x, q.y);
    point_scale_by_double.scale(&q, 0.5);
    printf("  Scale<f64>(0.5): (%d, %d)\n", q.x, q.y);
    return 0;
}
