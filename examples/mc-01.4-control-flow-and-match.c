/*
 * mc-01.4 Control Flow, Loops, and Match Statements
 *
 * Shows: a Rust enum with data as a tagged union (an enum tag and a union)
 * matched by a switch that the compiler checks for exhaustiveness under
 * -Wswitch-enum; match guards and range patterns; `if` and `loop` as
 * expressions through ?: and GNU statement expressions; `break 'outer` and
 * `continue 'outer` as goto out of nested loops, next to the flag form;
 * and `while let` over a stack.
 *
 * Build: cc -std=gnu17 examples/mc-01.4-control-flow-and-match.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/panic.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Make a switch on an enum that misses an enumerator a hard error in this
 * file, whatever flags it is built with. -Wswitch (part of -Wall) reports
 * a missing enumerator when the switch has no default label; -Wswitch-enum
 * reports it even when there is one, which makes a C switch as strict as
 * Rust's exhaustive match. clang files the first kind under -Wswitch only,
 * so both become errors.
 */
#pragma GCC diagnostic error "-Wswitch"
#pragma GCC diagnostic error "-Wswitch-enum"

/*
 * enum Shape {
 *     Circle { r: f64 },
 *     Rect { w: f64, h: f64 },
 *     Triangle { base: f64, height: f64 },
 * }
 * The tag says which union member is live; reading another one is a bug
 * that C does not catch, so only the match functions below touch them.
 */
typedef enum shape_kind {
    SHAPE_CIRCLE,
    SHAPE_RECT,
    SHAPE_TRIANGLE,
} shape_kind_t;

typedef struct shape {
    shape_kind_t kind; /* which member of the union is live */
    union {
        struct {
            double r;
        } circle;
        struct {
            double w, h;
        } rect;
        struct {
            double base, height;
        } triangle;
    };
} shape_t;

/* Constructors that set the tag and its member together (Shape::Circle). */
static shape_t circle(double r)
{
    return (shape_t){.kind = SHAPE_CIRCLE, .circle = {r}};
}

static shape_t rect(double w, double h)
{
    return (shape_t){.kind = SHAPE_RECT, .rect = {w, h}};
}

static shape_t triangle(double base, double height)
{
    return (shape_t){.kind = SHAPE_TRIANGLE, .triangle = {base, height}};
}

/*
 * match shape { Circle { r } => ..., Rect { w, h } => ..., ... }
 *
 * Every case returns, and there is no default: delete the SHAPE_TRIANGLE
 * case and the build stops with "enumeration value 'SHAPE_TRIANGLE' not
 * handled in switch". A C enum can still hold a value outside its list
 * (memory corruption, a bad cast), which Rust rules out; control reaches
 * the end of the switch only then, and that is a bug, so it panics rather
 * than return a made-up area.
 */
static double area(const shape_t *s)
{
    switch (s->kind) {
    case SHAPE_CIRCLE:
        return 3.14159265358979 * s->circle.r * s->circle.r;
    case SHAPE_RECT:
        return s->rect.w * s->rect.h;
    case SHAPE_TRIANGLE:
        return s->triangle.base * s->triangle.height / 2;
    }
    CUR_PANIC("shape with invalid tag %d", (int)s->kind);
}

/*
 * Match guards: Circle { r } if r == 0.0 => "a point". A guard is an if
 * inside the case, tried in order, falling through to the general arm.
 */
static const char *describe(const shape_t *s)
{
    switch (s->kind) {
    case SHAPE_CIRCLE:
        if (s->circle.r == 0) return "a point";
        return "a circle";
    case SHAPE_RECT:
        if (s->rect.w == s->rect.h) return "a square";
        return s->rect.w > s->rect.h ? "a wide rectangle" : "a tall rectangle";
    case SHAPE_TRIANGLE:
        return "a triangle";
    }
    CUR_PANIC("shape with invalid tag %d", (int)s->kind);
}

/*
 * Range patterns and a guard on an integer:
 *     match n {
 *         i32::MIN..=-1 => "negative",
 *         0 => "zero",
 *         1..=9 => "one digit",
 *         x if x % 2 == 0 => "even",
 *         _ => "odd",
 *     }
 * GNU C's case ranges (case 1 ... 9) are the range patterns. An int switch
 * needs a default, as Rust needs the _ arm, since no list of cases covers
 * every int.
 */
static const char *classify(int n)
{
    switch (n) {
    case INT_MIN ... -1:
        return "negative";
    case 0:
        return "zero";
    case 1 ... 9:
        return "one digit";
    default:
        return n % 2 == 0 ? "even" : "odd";
    }
}

/*
 * A grid search with `break 'outer`:
 *     'outer: for (i, row) in grid.iter().enumerate() {
 *         for (j, &v) in row.iter().enumerate() {
 *             visited += 1;
 *             if v < 0 { continue 'outer; }   // skip the rest of this row
 *             if v == target { found = Some((i, j)); break 'outer; }
 *         }
 *     }
 * C has no labeled loops. A goto to a label just after the loops is the
 * direct translation (the Linux kernel and SQLite use it so); a label at
 * the end of the outer body is `continue 'outer`. Both functions return
 * how many cells they looked at, and -1 in *row when nothing matched. When
 * the loops are all a function does, `return` from inside them is the
 * plainest labeled break of all.
 */
enum { ROWS = 3, COLS = 4 };

static int search_goto(const int grid[ROWS][COLS], int target, int *row,
                       int *col)
{
    int visited = 0;
    *row = *col = -1;
    for (int i = 0; i < ROWS; i++) {
        for (int j = 0; j < COLS; j++) {
            visited++;
            if (grid[i][j] < 0) goto next_row; /* continue 'outer */
            if (grid[i][j] == target) {
                *row = i;
                *col = j;
                goto done; /* break 'outer */
            }
        }
    next_row:;
    }
done:
    return visited;
}

/*
 * The same search with a flag that both loop conditions test, for code
 * that avoids goto. The inner break ends only the row: continue 'outer.
 */
static int search_flag(const int grid[ROWS][COLS], int target, int *row,
                       int *col)
{
    int visited = 0;
    bool found = false;
    *row = *col = -1;
    for (int i = 0; i < ROWS && !found; i++) {
        for (int j = 0; j < COLS && !found; j++) {
            visited++;
            if (grid[i][j] < 0) break;
            if (grid[i][j] == target) {
                *row = i;
                *col = j;
                found = true;
            }
        }
    }
    return visited;
}

int main(void)
{
    printf("-- match on a tagged union --\n");
    const shape_t shapes[] = {circle(1), circle(0), rect(2, 2), rect(3, 1),
                              rect(1, 4), triangle(3, 4)};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        printf("%-17s area %6.2f\n", describe(&shapes[i]), area(&shapes[i]));

    printf("-- ranges and guards --\n");
    const int numbers[] = {-5, 0, 7, 10, 15};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        printf("%3d is %s\n", numbers[i], classify(numbers[i]));

    printf("-- if and loop as expressions --\n");
    /* let parity = if n % 2 == 0 { "even" } else { "odd" }; */
    const int n = 27;
    const char *const parity = n % 2 == 0 ? "even" : "odd";
    /*
     * A block with statements whose last expression is its value, Rust's
     * let clamped = { let mut t = v; ...; t };  GNU C's ({ ... }).
     */
    const int v = 130;
    const int clamped = ({
        int t = v;
        if (t < 0) t = 0;
        if (t > 100) t = 100;
        t;
    });
    /*
     * let steps = loop { if x == 1 { break count; } ... };
     * The loop runs inside a statement expression whose value is the
     * count it ends with.
     */
    const int steps = ({
        int x = n, count = 0;
        for (;;) {
            if (x == 1) break;
            x = x % 2 == 0 ? x / 2 : 3 * x + 1;
            count++;
        }
        count;
    });
    printf("%d is %s; clamp(%d) = %d; collatz(%d) takes %d steps\n", n,
           parity, v, clamped, n, steps);

    printf("-- labeled break and continue --\n");
    const int grid[ROWS][COLS] = {
        {1, 2, -1, 9}, /* the 9 is skipped: the row ends at the -1 */
        {4, 5, 6, 7},
        {9, 9, 9, 9},
    };
    const int targets[] = {9, 6, 8};
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        int r1, c1, r2, c2;
        const int seen1 = search_goto(grid, targets[k], &r1, &c1);
        const int seen2 = search_flag(grid, targets[k], &r2, &c2);
        if (seen1 != seen2 || r1 != r2 || c1 != c2) {
            printf("the two searches disagree\n");
            return 1;
        }
        if (r1 >= 0)
            printf("%d found at (%d, %d) after %d cells\n", targets[k], r1,
                   c1, seen1);
        else
            printf("%d not found after %d cells\n", targets[k], seen1);
    }

    printf("-- while let --\n");
    /* while let Some(top) = stack.pop() { ... } */
    int stack[] = {1, 2, 3};
    int len = 3;
    while (len > 0) {
        const int top = stack[--len];
        printf("popped %d\n", top);
    }
    return 0;
}
