/*
 * mc-02.4 Mutable vs Immutable References
 *
 * Shows: why Rust forbids a &mut alongside any other reference: a C
 * function whose two pointer arguments alias computes a different answer;
 * `restrict` as the C programmer's unchecked promise that they do not
 * (memcpy versus memmove); and shared/exclusive borrow flags checked at
 * run time, printing what try_borrow and try_borrow_mut return in each
 * state, including through two aliases of one cell.
 *
 * Build: cc -std=gnu17 examples/mc-02.4-shared-vs-exclusive.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/rc.h>

#include <stdio.h>
#include <string.h>

/*
 * fn add_twice(dst: &mut i32, src: &i32) { *dst += *src; *dst += *src; }
 * Rust guarantees dst and src are different integers. C does not, so the
 * compiler must reload *src after each write to *dst, in case they are
 * the same object.
 */
static void add_twice(int *dst, const int *src)
{
    *dst += *src;
    *dst += *src;
}

/*
 * With restrict the programmer promises that, while this call runs, the
 * two objects are reached only through their own pointer, so the compiler
 * may read *src once. Rust's &mut gives every function that promise, and
 * checks it; a C caller who breaks it gets undefined behaviour, silently.
 */
static void add_twice_restrict(int *restrict dst, const int *restrict src)
{
    *dst += *src;
    *dst += *src;
}

CUR_REFCELL_TYPE(counter_cell, long);

static void report(const char *what, int rc, const counter_cell *c)
{
    printf("  %-28s -> %-11s state %td\n", what,
           rc == 0 ? "ok" : cur_err_name(rc), cur_refcell_state(&c->cell));
}

static void released(const char *what, const counter_cell *c)
{
    printf("  %-28s    %-11s state %td\n", what, "",
           cur_refcell_state(&c->cell));
}

/* Option<RefMut>: a guard that is NULL when the cell is busy. */
static void bump_if_free(counter_cell *c)
{
    CUR_TRY_REF_MUT(n, c);
    if (!n) {
        printf("  bump_if_free: busy, skipped\n");
        return;
    }
    ++*n;
    printf("  bump_if_free: now %ld\n", *n);
}

int main(void)
{
    printf("Aliasing changes the answer:\n");
    int x = 1, y = 1;
    add_twice(&y, &x);
    printf("  add_twice(&y, &x): y = %d (1 + 1 + 1)\n", y);
    add_twice(&x, &x); /* Rust: error[E0502], &mut x while x is borrowed */
    printf("  add_twice(&x, &x): x = %d, not 3: writing dst changed src\n", x);
    int a = 1, b = 1;
    add_twice_restrict(&a, &b); /* distinct objects: the promise holds */
    printf("  add_twice_restrict(&a, &b): a = %d\n", a);

    printf("restrict in the C library: memcpy versus memmove\n");
    char text[] = "abcdef";
    /*
     * memcpy(text + 1, text, 5) would be undefined: memcpy's parameters are
     * restrict, and these ranges overlap. memmove is specified for it.
     */
    memmove(text + 1, text, 5);
    printf("  memmove(text + 1, text, 5): \"%s\"\n", text);

    printf("Borrow flags, checked at run time:\n");
    counter_cell c = {.value = 0};
    const long *r1 = NULL, *r2 = NULL, *r3 = NULL;
    long *w = NULL;
    report("try_borrow (reader 1)", CUR_REFCELL_TRY_BORROW(&c, &r1), &c);
    report("try_borrow (reader 2)", CUR_REFCELL_TRY_BORROW(&c, &r2), &c);
    report("try_borrow_mut", CUR_REFCELL_TRY_BORROW_MUT(&c, &w), &c);
    printf("  readers see %ld and %ld; the writer got %s\n", *r1, *r2,
           w ? "a pointer" : "nothing");
    CUR_REFCELL_RELEASE(&c);
    CUR_REFCELL_RELEASE(&c);
    released("(both readers released)", &c);
    report("try_borrow_mut", CUR_REFCELL_TRY_BORROW_MUT(&c, &w), &c);
    *w = 41; /* the only access path while the flag says -1 */
    report("try_borrow", CUR_REFCELL_TRY_BORROW(&c, &r3), &c);
    printf("  the reader got %s\n", r3 ? "a pointer" : "nothing");

    /* Two names for one cell share its flags: aliases are caught too. */
    counter_cell *alias = &c;
    long *w2 = NULL;
    report("try_borrow_mut via an alias",
           CUR_REFCELL_TRY_BORROW_MUT(alias, &w2), &c);
    bump_if_free(alias);
    CUR_REFCELL_RELEASE_MUT(&c);
    released("(writer released)", &c);
    bump_if_free(alias);

    printf("Guards release by themselves at the end of a block:\n");
    {
        CUR_REF(reader, &c);
        printf("  inside the block: value %ld, state %td\n", *reader,
               cur_refcell_state(&c.cell));
        bump_if_free(&c);
    }
    printf("  after the block: state %td\n", cur_refcell_state(&c.cell));
    bump_if_free(&c);
    return 0;
}
