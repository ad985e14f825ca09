/*
 * adv-4.1 Declarative macros (macro_rules!)
 *
 * Shows: X-macros, where one list generates an enum, its name table and
 * its message table (and a _Static_assert that they agree); variadic
 * macros that count their arguments, pick an "arm" by arity to supply
 * default arguments, and take any number of values as vec![] does;
 * _Generic macros that choose a function by type; and the hygiene traps
 * that macro_rules! closes and C leaves open (precedence, double
 * evaluation, captured names, the stray semicolon), with their fixes.
 *
 * Build: cc -std=gnu17 examples/adv-4.1-declarative-macros.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>

#include <stdio.h>

/* --- X-macros: one list, many expansions ------------------------------ */

/* The list, written once: X(NAME, code, message). A new row updates the
 * enum, both tables and the count together. */
#define HTTP_STATUSES(X)                                                     \
    X(OK, 200, "request succeeded")                                          \
    X(NOT_FOUND, 404, "no such resource")                                    \
    X(TEAPOT, 418, "refuses to brew coffee")                                 \
    X(UNAVAILABLE, 503, "try again later")

#define AS_ENUM(name, code, msg) HTTP_##name = code,
#define AS_NAME(name, code, msg) #name,
#define AS_MSG(name, code, msg) msg,
#define AS_VALUE(name, code, msg) HTTP_##name,
#define AS_ONE(name, code, msg) +1

enum http_status { HTTP_STATUSES(AS_ENUM) };
enum { HTTP_STATUS_COUNT = 0 HTTP_STATUSES(AS_ONE) }; /* 0 +1 +1 +1 +1 */
static const enum http_status all_statuses[] = {HTTP_STATUSES(AS_VALUE)};
static const char *const status_names[] = {HTTP_STATUSES(AS_NAME)};
static const char *const status_msgs[] = {HTTP_STATUSES(AS_MSG)};
_Static_assert(sizeof status_names / sizeof *status_names == HTTP_STATUS_COUNT,
               "one name per status, by construction");

/* The library packages the pattern: CUR_ERROR_ENUM (mc-05.2). */
#define PARSE_ERRORS(X)                                                      \
    X(PARSE_EMPTY, "empty input")                                            \
    X(PARSE_DIGIT, "invalid digit")
CUR_ERROR_ENUM(parse_err, PARSE_ERRORS)

/* --- Variadic macros ------------------------------------------------------ */

/* Count 1 to 8 arguments: each shifts the list of numbers to the right.
 * (With none at all, C17 still sees one empty argument; C23's __VA_OPT__
 * can tell.) */
#define COUNT_ARGS(...) COUNT_ARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define COUNT_ARGS_(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n

/* Arms chosen by arity, like macro_rules! matching ($msg:expr) or
 * ($level:expr, $msg:expr): the one-argument arm supplies the default. */
#define PASTE(a, b) PASTE_(a, b)
#define PASTE_(a, b) a##b
#define LOG(...) PASTE(LOG_, COUNT_ARGS(__VA_ARGS__))(__VA_ARGS__)
#define LOG_1(msg) log_at("info", msg)
#define LOG_2(level, msg) log_at(level, msg)

static void log_at(const char *level, const char *msg)
{
    printf("  [%s] %s\n", level, msg);
}

/* Any number of values, as vec![a, b, c]: a compound-literal array. */
#define MAX_OF(...)                                                          \
    max_of(COUNT_ARGS(__VA_ARGS__), (const int[]){__VA_ARGS__})

static int max_of(int n, const int *v)
{
    int m = v[0];
    for (int i = 1; i < n; i++) m = v[i] > m ? v[i] : m;
    return m;
}

/* --- _Generic: a choice by type, made at compile time ------------------ */

static void show_int(int v) { printf("  int %d\n", v); }
static void show_double(double v) { printf("  double %.2f\n", v); }
static void show_str(const char *v) { printf("  string \"%s\"\n", v); }

/* Like a trait method resolved statically: the type of x picks the
 * function. A type with no arm is a compile-time error, as in Rust. */
#define SHOW(x)                                                              \
    _Generic((x), int: show_int, double: show_double, char *: show_str,      \
             const char *: show_str)(x)

#define TYPE_NAME(x)                                                         \
    _Generic((x), int: "int", long: "long", double: "double",                \
             char *: "char *", default: "something else")

/* --- Hygiene: what macro_rules! does for you ------------------------------ */

static int calls;
static int next_value(void) { return ++calls; }

/* 1. Precedence: arguments are pasted as text, not as expressions. */
#define SQUARE_BAD(x) x * x
#define SQUARE_PAREN(x) ((x) * (x))
/* 2. Double evaluation: fixed by binding once (Rust's `let t = $x;`) in a
 * GNU statement expression, whose value is its last statement. */
#define SQUARE(x)                                                            \
    ({                                                                       \
        __auto_type sq_tmp_ = (x);                                           \
        sq_tmp_ *sq_tmp_;                                                    \
    })
/* 3. Name capture: a macro's local can shadow the caller's variable. A
 * name made unique with __COUNTER__ cannot (result.h does this). */
#define SWAP_BAD(a, b)                                                       \
    do {                                                                     \
        int tmp = (a);                                                       \
        (a) = (b);                                                           \
        (b) = tmp;                                                           \
    } while (0)
#define SWAP(a, b) SWAP_(PASTE(swap_tmp_, __COUNTER__), a, b)
#define SWAP_(t, a, b)                                                       \
    do {                                                                     \
        __auto_type t = (a);                                                 \
        (a) = (b);                                                           \
        (b) = t;                                                             \
    } while (0)
/* 4. do { ... } while (0) makes a macro one statement, so that
 * `if (c) SWAP(a, b); else ...` parses; a bare { } block would not. */

int main(void)
{
    printf("X-macros:\n");
    for (int i = 0; i < HTTP_STATUS_COUNT; i++)
        printf("  %d %-12s %s\n", (int)all_statuses[i], status_names[i],
               status_msgs[i]);
    printf("  %s: %s\n", parse_err_name(PARSE_DIGIT),
           parse_err_message(PARSE_DIGIT));

    printf("variadic:\n");
    printf("  COUNT_ARGS(a, b, c) = %d\n", COUNT_ARGS(a, b, c));
    LOG("started");
    LOG("warn", "disk almost full");
    printf("  MAX_OF(3, 9, 4) = %d, MAX_OF(-7) = %d\n", MAX_OF(3, 9, 4),
           MAX_OF(-7));

    printf("_Generic:\n");
    SHOW(42);
    SHOW(2.5);
    SHOW("hi");
    printf("  TYPE_NAME(1L) = %s, TYPE_NAME('a') = %s\n", TYPE_NAME(1L),
           TYPE_NAME('a')); /* a character constant is an int in C */

    printf("hygiene:\n");
    printf("  SQUARE_BAD(1 + 2) = %d (1 + 2 * 1 + 2)\n", SQUARE_BAD(1 + 2));
    printf("  SQUARE_PAREN(1 + 2) = %d\n", SQUARE_PAREN(1 + 2));
    calls = 0;
    int p = SQUARE_PAREN(next_value());
    printf("  SQUARE_PAREN(next_value()) = %d after %d calls\n", p, calls);
    calls = 0;
    int s = SQUARE(next_value());
    printf("  SQUARE(next_value()) = %d after %d call\n", s, calls);

    int tmp = 1, other = 2;
    /* Expands to { int tmp = (other); (other) = (tmp); (tmp) = tmp; }:
     * every tmp is the macro's own, so the caller's tmp never changes.
     * -Wshadow reports it; silenced here to show the result. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
    SWAP_BAD(other, tmp);
#pragma GCC diagnostic pop
    printf("  SWAP_BAD(other, tmp) -> tmp = %d, other = %d\n", tmp, other);
    SWAP(tmp, other);
    printf("  SWAP(tmp, other)     -> tmp = %d, other = %d\n", tmp, other);
    if (tmp > other)
        SWAP(tmp, other); /* one statement, so the else below binds */
    else
        printf("  already ordered\n");
    printf("  ordered: %d %d\n", tmp, other);
    return 0;
}
