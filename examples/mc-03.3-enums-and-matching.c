/*
 * mc-03.3 Enums and Pattern Matching Mastery
 *
 * Shows: a data-carrying enum as a tagged union (an expression tree);
 * exhaustive matching, where a forgotten case fails the build; nested
 * patterns, guards and bindings as tests inside a case; an Option-like
 * enum; and a recursive evaluator that returns an error code for division
 * by zero or overflow instead of crashing.
 *
 * Build: cc -std=gnu17 examples/mc-03.3-enums-and-matching.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/result.h>

#include <inttypes.h>
#include <stdio.h>

/*
 * Rust's match must cover every variant; C's switch need not. From here on,
 * a switch over an enum that leaves out an enumerator fails the build, even
 * under the bare build line above. -Wswitch (in -Wall) only warns, and not
 * at all when there is a default label; -Wswitch-enum checks those too. clang
 * files a switch without a default under -Wswitch, so both are errors. Add a
 * variant, and every switch that forgot it stops compiling, as in Rust.
 */
#pragma GCC diagnostic error "-Wswitch"
#pragma GCC diagnostic error "-Wswitch-enum"

/*
 * Rust: enum Expr<'a> { Num(i64), Neg(&'a Expr<'a>),
 *                       Add(&'a Expr<'a>, &'a Expr<'a>), Mul(..), Div(..) }
 * C: a tag saying which variant this is, and a union of their payloads.
 * Only the member the tag names may be read, and the compiler does not
 * check that, so each read below sits inside the case for its tag.
 */
enum expr_kind { EXPR_NUM, EXPR_NEG, EXPR_ADD, EXPR_MUL, EXPR_DIV };

typedef struct expr {
    enum expr_kind kind; /* which member of `as` is live */
    union {
        int64_t num;              /* EXPR_NUM */
        const struct expr *inner; /* EXPR_NEG */
        struct {
            const struct expr *lhs, *rhs;
        } bin; /* EXPR_ADD, EXPR_MUL, EXPR_DIV */
    } as;
} expr_t;

/*
 * Variant constructors. A compound literal inside a function lives until
 * its block ends, like a local variable, so main builds trees on the stack.
 */
#define NUM(n) (&(const expr_t){.kind = EXPR_NUM, .as.num = (n)})
#define NEG(e) (&(const expr_t){.kind = EXPR_NEG, .as.inner = (e)})
#define ADD(l, r) (&(const expr_t){.kind = EXPR_ADD, .as.bin = {(l), (r)}})
#define MUL(l, r) (&(const expr_t){.kind = EXPR_MUL, .as.bin = {(l), (r)}})
#define DIV(l, r) (&(const expr_t){.kind = EXPR_DIV, .as.bin = {(l), (r)}})

/* Rust's Option<i64>; curriculum/result.h has ready-made ones (mc-03.4). */
typedef struct opt_i64 {
    enum { OPT_NONE, OPT_SOME } tag;
    int64_t some; /* valid only when tag == OPT_SOME */
} opt_i64_t;

/* if let Expr::Num(n) = *e { Some(n) } else { None } */
static opt_i64_t expr_as_num(const expr_t *e)
{
    if (e->kind == EXPR_NUM) return (opt_i64_t){OPT_SOME, e->as.num};
    return (opt_i64_t){OPT_NONE, 0};
}

/* matches!(o, Some(n) if n == want): a binding (n) and a guard. */
static bool opt_is(opt_i64_t o, int64_t want)
{
    switch (o.tag) {
    case OPT_NONE: return false;
    case OPT_SOME: return o.some == want;
    }
    CUR_UNREACHABLE(); /* a corrupted tag: a bug, not an error */
}

/*
 * Evaluates e into *out, written only on success. Returns 0, CUR_EDOM for a
 * division by zero, or CUR_EOVERFLOW when a value does not fit in int64_t
 * (Rust's checked_div returns None). CUR_TRY is Rust's `?`: it passes a
 * negative code from the recursive call straight to our caller.
 */
static int expr_eval(const expr_t *e, int64_t *out)
{
    int64_t l, r, v;
    switch (e->kind) {
    case EXPR_NUM: v = e->as.num; break;
    case EXPR_NEG:
        CUR_TRY(expr_eval(e->as.inner, &l));
        if (__builtin_sub_overflow(0, l, &v)) return CUR_EOVERFLOW;
        break;
    case EXPR_ADD:
        CUR_TRY(expr_eval(e->as.bin.lhs, &l));
        CUR_TRY(expr_eval(e->as.bin.rhs, &r));
        if (__builtin_add_overflow(l, r, &v)) return CUR_EOVERFLOW;
        break;
    case EXPR_MUL:
        CUR_TRY(expr_eval(e->as.bin.lhs, &l));
        CUR_TRY(expr_eval(e->as.bin.rhs, &r));
        if (__builtin_mul_overflow(l, r, &v)) return CUR_EOVERFLOW;
        break;
    case EXPR_DIV:
        CUR_TRY(expr_eval(e->as.bin.lhs, &l));
        CUR_TRY(expr_eval(e->as.bin.rhs, &r));
        if (r == 0) return CUR_EDOM;
        if (l == INT64_MIN && r == -1) return CUR_EOVERFLOW;
        v = l / r;
        break;
    default:
        CUR_UNREACHABLE(); /* still checked: -Wswitch-enum ignores default */
    }
    *out = v;
    return 0;
}

/* Prints e fully parenthesized; the three binary variants share a tail. */
static void expr_print(const expr_t *e)
{
    const char *op;
    switch (e->kind) {
    case EXPR_NUM: printf("%" PRId64, e->as.num); return;
    case EXPR_NEG: printf("(-"); expr_print(e->as.inner); printf(")"); return;
    case EXPR_ADD: op = "+"; break;
    case EXPR_MUL: op = "*"; break;
    case EXPR_DIV: op = "/"; break;
    default: CUR_UNREACHABLE();
    }
    printf("(");
    expr_print(e->as.bin.lhs);
    printf(" %s ", op);
    expr_print(e->as.bin.rhs);
    printf(")");
}

/*
 * One rewrite at the root, returning a subtree of e, so nothing allocates:
 *     match *e {
 *         Neg(&Neg(x)) => x,
 *         Add(x, &Num(0)) | Add(&Num(0), x) => x,
 *         Mul(x, &Num(n)) | Div(x, &Num(n)) if n == 1 => x,
 *         _ => e,
 *     }
 * C matches one level at a time, so a nested pattern becomes a test on the
 * payload inside the outer case, and a binding becomes a local variable.
 */
static const expr_t *expr_simplify(const expr_t *e)
{
    switch (e->kind) {
    case EXPR_NUM: return e;
    case EXPR_NEG: {
        const expr_t *inner = e->as.inner; /* binds Neg(inner) */
        return inner->kind == EXPR_NEG ? inner->as.inner : e;
    }
    case EXPR_ADD:
        if (opt_is(expr_as_num(e->as.bin.rhs), 0)) return e->as.bin.lhs;
        if (opt_is(expr_as_num(e->as.bin.lhs), 0)) return e->as.bin.rhs;
        return e;
    case EXPR_MUL:
    case EXPR_DIV: /* an or-pattern: two labels share one arm */
        return opt_is(expr_as_num(e->as.bin.rhs), 1) ? e->as.bin.lhs : e;
    }
    CUR_UNREACHABLE();
}

int main(void)
{
    const expr_t *trees[] = {
        ADD(NUM(1), MUL(NUM(2), NUM(3))),
        DIV(NEG(NUM(84)), ADD(NUM(3), NUM(-1))),
        ADD(DIV(NUM(10), ADD(NUM(5), NUM(-5))), NUM(1)),
        MUL(NUM(INT64_MAX), NUM(2)),
        NEG(NEG(MUL(ADD(NUM(0), NUM(7)), NUM(1)))),
    };
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(trees); i++) {
        int64_t value;
        int rc = expr_eval(trees[i], &value);
        expr_print(trees[i]);
        if (rc == 0)
            printf(" = %" PRId64 "\n", value);
        else
            printf(" -> error: %s\n", cur_strerror(rc));
    }

    /* Simplify the last tree to a fixed point, one rewrite at a time. */
    const expr_t *e = trees[CUR_COUNTOF(trees) - 1];
    for (const expr_t *next; (next = expr_simplify(e)) != e; e = next) {
        printf("simplifies to ");
        expr_print(next);
        printf("\n");
    }
    return 0;
}
