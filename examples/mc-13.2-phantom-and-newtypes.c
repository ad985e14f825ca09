/*
 * mc-13.2 PhantomData and Zero-Cost Abstractions
 *
 * Shows: strong typedefs as single-member structs (meters vs seconds,
 * user ids vs order ids) that the compiler keeps apart but that cost
 * nothing: same size, same alignment, same machine code as the raw value;
 * and typed handles that carry a phantom type parameter, an element type
 * recorded in a zero-length member that takes no space, checked at compile
 * time when the handle is used with a container.
 *
 * Build: cc -std=gnu17 examples/mc-13.2-phantom-and-newtypes.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/vec.h>

#include <stdalign.h>
#include <stdio.h>

/*
 * Rust:  struct Meters(f64);  struct Seconds(f64);
 *
 * A typedef (typedef double meters_t) is only a second name for double:
 * C would accept seconds where meters are expected. A struct is a new
 * type, so the mix-up below is a compile error:
 *
 *     speed(run_time, distance);
 *     error: incompatible type for argument 1 of 'speed'
 *     note: expected 'meters_t' {aka 'struct meters'} but argument is of
 *           type 'seconds_t' {aka 'struct seconds'}
 */
typedef struct meters {
    double v;
} meters_t;
typedef struct seconds {
    double v;
} seconds_t;
typedef struct meters_per_second {
    double v;
} meters_per_second_t;

static meters_per_second_t speed(meters_t d, seconds_t t)
{
    return (meters_per_second_t){d.v / t.v};
}

/* Rust: struct UserId(u64); struct OrderId(u64); the same for ids. */
typedef struct user_id {
    uint64_t v;
} user_id_t;
typedef struct order_id {
    uint64_t v;
} order_id_t;

/* Zero cost, part 1: the wrapper is exactly its member. (Part 2, the
 * machine code, is checked by tests/check_generics.sh.) */
#define SAME_LAYOUT(N, R)                                                    \
    _Static_assert(sizeof(N) == sizeof(R) && alignof(N) == alignof(R),      \
                   #N " must have the layout of " #R)
SAME_LAYOUT(meters_t, double);
SAME_LAYOUT(seconds_t, double);
SAME_LAYOUT(user_id_t, uint64_t);
SAME_LAYOUT(order_id_t, uint64_t);

/*
 * PhantomData. Rust:
 *     struct Handle<T> { index: usize, _marker: PhantomData<T> }
 * The marker has no size but makes Handle<User> and Handle<Order>
 * different types. GNU C's zero-length array does the same: a member of
 * type T *[0] occupies no bytes, and __typeof__ reads T back out of it.
 * (Why T * and not T: a T[0] member takes no bytes either, but it gives
 * the struct T's alignment; a pointer's alignment is the index's own, so
 * the handle is exactly a ptrdiff_t for every T.)
 */
#define TYPED_HANDLE(name, T)                                                \
    typedef struct name {                                                    \
        ptrdiff_t index;  /* the slot in the container */                   \
        T *phantom[0];    /* no bytes: only records T */                    \
    } name

typedef struct user {
    user_id_t id;
    const char *name;
} user_t;
typedef struct order {
    order_id_t id;
    user_id_t buyer;
    double total;
} order_t;

TYPED_HANDLE(user_handle_t, user_t);
TYPED_HANDLE(order_handle_t, order_t);
SAME_LAYOUT(user_handle_t, ptrdiff_t); /* the phantom member is free */
SAME_LAYOUT(order_handle_t, ptrdiff_t);

CUR_VEC_DECLARE(vec_user, user_t);
CUR_VEC_DECLARE(vec_order, order_t);

/*
 * GET(vec, handle): the element a handle points to. The _Static_assert
 * compares the handle's phantom T with the vector's element type, so an
 * order handle used on the user vector does not compile:
 *     error: static assertion failed: "handle used with the wrong container"
 * The index is still checked at run time (get returns NULL when stale).
 */
#define GET(vec, h)                                                          \
    ({                                                                       \
        _Static_assert(__builtin_types_compatible_p(                         \
                           __typeof__(*(h).phantom[0]),                       \
                           __typeof__(*(vec)->data)),                        \
                       "handle used with the wrong container");              \
        _Generic((vec), vec_user_t *: vec_user_get,                          \
                 vec_order_t *: vec_order_get)((vec), (h).index);            \
    })

static user_handle_t add_user(vec_user_t *users, user_t u)
{
    user_handle_t h = {.index = users->len};
    if (vec_user_push(users, u) != 0) h.index = -1; /* never valid */
    return h;
}

static order_handle_t add_order(vec_order_t *orders, order_t o)
{
    order_handle_t h = {.index = orders->len};
    if (vec_order_push(orders, o) != 0) h.index = -1;
    return h;
}

int main(void)
{
    meters_t distance = {5000.0};
    seconds_t run_time = {1500.0};
    meters_per_second_t s = speed(distance, run_time);
    printf("5 km in 25 min: %.2f m/s\n", s.v);

    printf("sizeof: meters_t %zu = double %zu; user_id_t %zu = uint64_t %zu\n",
           sizeof(meters_t), sizeof(double), sizeof(user_id_t),
           sizeof(uint64_t));
    printf("sizeof: user_handle_t %zu = ptrdiff_t %zu "
           "(the phantom T is free)\n",
           sizeof(user_handle_t), sizeof(ptrdiff_t));

    vec_user_t users;
    vec_order_t orders;
    vec_user_init(&users, NULL);
    vec_order_init(&orders, NULL);
    user_handle_t ada = add_user(&users, (user_t){{101}, "Ada"});
    user_handle_t bob = add_user(&users, (user_t){{102}, "Bob"});
    order_handle_t first =
        add_order(&orders, (order_t){{9001}, {101}, 42.50});

    const user_t *u = GET(&users, ada);
    const order_t *o = GET(&orders, first);
    if (!u || !o || !GET(&users, bob)) return 1;
    printf("order %llu: user %llu (%s) paid %.2f\n",
           (unsigned long long)o->id.v, (unsigned long long)o->buyer.v,
           u->name, o->total);

    /* A handle whose slot does not exist: a run-time None, not a crash. */
    user_handle_t ghost = {.index = 7};
    printf("user at a stale handle: %s\n",
           GET(&users, ghost) ? "found?" : "None");

    vec_order_destroy(&orders);
    vec_user_destroy(&users);
    return 0;
}
