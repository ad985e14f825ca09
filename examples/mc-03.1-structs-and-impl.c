/*
 * mc-03.1 Structs, Tuples, and impl Blocks
 *
 * Shows: a named-field struct with its "impl block" of point_* functions;
 * a tuple struct built with a positional initializer; a small struct
 * returned by value to hand back several results, as a Rust tuple does;
 * designated initializers as struct literals; struct update syntax as
 * copy-then-override; and newtypes that make the compiler reject a mix-up.
 *
 * Build: cc -std=gnu17 examples/mc-03.1-structs-and-impl.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A named-field struct, Rust's `struct Point { x: f64, y: f64 }`. The
 * typedef lets us write point_t rather than struct point, as the library
 * does with its cur_*_t types.
 */
typedef struct point {
    double x; /* horizontal coordinate */
    double y; /* vertical coordinate */
} point_t;

/*
 * The impl block. C has no methods and one flat namespace for functions, so
 * the type's name becomes a prefix: Point::new is point_new, and the call
 * p.translate(dx, dy) is written point_translate(&p, dx, dy). That is what
 * Rust's method call means anyway: Point::translate(&mut p, dx, dy). The
 * functions are static, private to this file as a Rust fn without `pub` is
 * private to its module; a library declares its public ones in a header.
 */

/* An associated function (no self), Point::new(x, y). */
static point_t point_new(double x, double y)
{
    return (point_t){.x = x, .y = y};
}

/* Takes self by value: point_t is a plain value, so this is Rust's Copy. */
static point_t point_add(point_t self, point_t other)
{
    return point_new(self.x + other.x, self.y + other.y);
}

/* &self: a const pointer, so this function cannot change the point. */
static double point_norm2(const point_t *self)
{
    return self->x * self->x + self->y * self->y;
}

/* &mut self: a plain pointer, the explicit form of Rust's hidden borrow. */
static void point_translate(point_t *self, double dx, double dy)
{
    self->x += dx;
    self->y += dy;
}

/*
 * A tuple struct, Rust's `struct Rgb(u8, u8, u8)`. C members must have
 * names, so they get short ones, and the positional initializer
 * (rgb_t){255, 165, 0} plays the part of Rgb(255, 165, 0).
 */
typedef struct rgb {
    uint8_t r, g, b; /* red, green and blue, 0 to 255 */
} rgb_t;

static rgb_t rgb_inverted(rgb_t self)
{
    /*
     * 255 - self.r is computed in int, so -Wconversion asks for the narrowing
     * back to uint8_t to be written out, just as Rust asks for `as u8`.
     */
    return (rgb_t){(uint8_t)(255 - self.r), (uint8_t)(255 - self.g),
                   (uint8_t)(255 - self.b)};
}

/*
 * Returning several values. Rust returns a tuple, (u64, u64, u64); C returns
 * a small struct by value, as the standard library's div() returns div_t.
 * Two untagged `struct { ... }` types with the same members are different
 * types in C, so the result type is named once and reused.
 */
typedef struct hms {
    uint64_t h, m, s; /* hours, minutes (0-59) and seconds (0-59) */
} hms_t;

static hms_t hms_from_seconds(uint64_t total)
{
    return (hms_t){total / 3600, total / 60 % 60, total % 60};
}

/* A struct to configure, with a default value standing in for Default. */
typedef struct config {
    const char *host; /* borrowed: a string literal here */
    int port;         /* TCP port */
    int workers;      /* worker threads */
    bool verbose;     /* log every request */
} config_t;

/* Designated initializers name their fields; the fields left out are 0. */
static const config_t CONFIG_DEFAULT = {
    .host = "localhost",
    .port = 8080,
    .workers = 4,
};

static void config_print(const char *label, const config_t *self)
{
    printf("%-8s %s:%d workers=%d verbose=%s\n", label, self->host,
           self->port, self->workers, self->verbose ? "true" : "false");
}

/*
 * Newtypes, Rust's `struct UserId(u32)`. A one-member struct is a distinct
 * type with the same size and layout as its member, so passing an order id
 * where a user id is expected fails to compile. `typedef uint32_t user_id_t`
 * would not do that: a typedef is only an alias, Rust's `type UserId = u32`.
 */
typedef struct user_id {
    uint32_t value;
} user_id_t;

typedef struct order_id {
    uint32_t value;
} order_id_t;

_Static_assert(sizeof(user_id_t) == sizeof(uint32_t), "newtypes cost nothing");

static void order_place(user_id_t user, order_id_t order)
{
    printf("user %" PRIu32 " placed order %" PRIu32 "\n", user.value,
           order.value);
}

int main(void)
{
    point_t p = point_new(1.5, -2.0);
    printf("p = (%g, %g), norm2 = %g\n", p.x, p.y, point_norm2(&p));
    point_translate(&p, 1.0, 2.0);
    point_t q = point_add(p, (point_t){.x = 0.5, .y = 3.0});
    printf("translated p = (%g, %g), p + (0.5, 3) = (%g, %g)\n", p.x, p.y,
           q.x, q.y);

    rgb_t orange = {255, 165, 0};
    rgb_t inv = rgb_inverted(orange);
    printf("orange = #%02x%02x%02x, inverted = #%02x%02x%02x\n", orange.r,
           orange.g, orange.b, inv.r, inv.g, inv.b);

    /*
     * A one-off tuple, let pair = ("width", 80): an untagged local struct.
     * Its type has no name, so it cannot be passed to or returned from a
     * function; for that, name the type once, as hms_t is.
     */
    struct {
        const char *key;
        int value;
    } pair = {"width", 80};
    printf("pair = (%s, %d)\n", pair.key, pair.value);

    /* Rust destructures with let (h, m, s) = ...; C reads the members. */
    hms_t t = hms_from_seconds(3725);
    printf("3725 s = %" PRIu64 " h %" PRIu64 " min %" PRIu64 " s\n", t.h, t.m,
           t.s);

    /*
     * Struct update syntax, Config { port: 3000, verbose: true, ..base }:
     * copy the whole struct, then override. The copy is shallow: dev.host
     * points at the same string as base.host. That is fine for a borrowed
     * literal, but for an owned pointer it would make two owners, where Rust
     * would have moved the field out of base.
     */
    config_t base = CONFIG_DEFAULT;
    config_t dev = base;
    dev.port = 3000;
    dev.verbose = true;
    config_print("base:", &base);
    config_print("dev:", &dev);

    user_id_t alice = {42};
    order_id_t order = {1001};
    order_place(alice, order);
    /* order_place(order, alice); would not compile: incompatible types. */
    return 0;
}
