/*
 * mc-01.1 Variables, Mutability & Shadowing
 *
 * Shows: const locals as the C spelling of Rust's immutable `let`, and
 * plain locals as `let mut`; the three const pointer forms (const T *,
 * T *const, const T *const) set against &T, &mut T and a fixed borrow;
 * block scope, where a name and its object end at the closing brace; and
 * why Rust's shadowing becomes a new name in C: -Wshadow turns it into a
 * warning and the project's -Werror into a build failure.
 *
 * Build: cc -std=gnu17 examples/mc-01.1-variables-and-shadowing.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <stdio.h>
#include <string.h>

/*
 * A read-only borrow, Rust's fn total(v: &[i32]) -> i32. `const int *`
 * promises the function will not write through the pointer, and the
 * compiler holds it to that: `v[0] = 1;` here is "assignment of read-only
 * location". The parameters themselves are const too (n cannot be changed
 * by mistake inside the body); that const belongs to the definition only and
 * callers never see it.
 */
static int total(const int *const v, const size_t n)
{
    int sum = 0; /* mutable: this is the one thing the loop changes */
    for (size_t i = 0; i < n; i++) sum += v[i];
    return sum;
}

/* A mutable borrow, fn double_all(v: &mut [i32]): a plain pointer. */
static void double_all(int *const v, const size_t n)
{
    for (size_t i = 0; i < n; i++) v[i] *= 2;
}

int main(void)
{
    /*
     * let x = 5;  Rust's bindings are immutable unless marked mut. C's are
     * mutable unless marked const, so the habit is to write const first and
     * drop it only where the value must change. `x = 6;` below this line
     * would not compile: "assignment of read-only variable 'x'".
     */
    const int x = 5;
    int counter = 0; /* let mut counter = 0; */
    counter += x;
    counter += x;
    printf("x = %d, counter = %d\n", x, counter);

    /*
     * The three pointer forms. Read each declaration right to left:
     *   const int *p       p is a pointer to const int: it may be pointed
     *                      elsewhere, but cannot write (a &i32 held in a
     *                      `let mut p`);
     *   int *const q       q is a const pointer to int: fixed target, may
     *                      write (let q = &mut a;);
     *   const int *const r both fixed (let r = &a;).
     */
    int a = 10;
    int b = 20;
    const int *p = &a;
    p = &b; /* allowed: p itself is not const */
    int *const q = &a;
    *q += 1; /* allowed: the int q points at is not const */
    const int *const r = &a;
    printf("*p = %d, *q = %d, *r = %d\n", *p, *q, *r);
    /*
     * Not allowed, each a compile error:
     *   *p = 1;   assignment of read-only location '*p'
     *   q = &b;   assignment of read-only variable 'q'
     *   r = &b;   assignment of read-only variable 'r'
     * Unlike Rust, C lets a `const int *` and an `int *` point at the same
     * int at once (p and q could both hold &a): const restricts one path
     * to the object, it does not make the object immutable.
     */

    int scores[] = {3, 1, 4, 1, 5};
    const size_t n = sizeof scores / sizeof scores[0];
    printf("total = %d\n", total(scores, n));
    double_all(scores, n);
    printf("after double_all: total = %d\n", total(scores, n));

    /*
     * Block scope. A block's names and automatic objects end at its closing
     * brace, as a Rust block's bindings are dropped there. The block below
     * is an inner scope whose result we keep in a name declared outside.
     */
    int area;
    {
        const int width = 4;
        const int height = 3;
        area = width * height;
    }
    /* width is out of scope here: using it is "'width' undeclared". */
    printf("area = %d\n", area);

    /*
     * Shadowing. Rust allows and encourages:
     *
     *     let spaces = "   ";
     *     let spaces = spaces.len();   // same name, new type, new binding
     *
     * C forbids two declarations of one name in the same block, and a
     * redeclaration in an inner block, though legal C, hides the outer one:
     *
     *     const int limit = 10;
     *     {
     *         const int limit = 20;     // -Wshadow: declaration of 'limit'
     *                                   // shadows a previous local
     *     }
     *
     * The project builds with -Wshadow -Werror, so that program does not
     * compile. That is deliberate: Rust's shadowing is safe because the
     * type checker sees every use of each binding, while in C a shadowed
     * name silently changes which object later lines touch. The C form is
     * a new name for the new value, which keeps both visible and const.
     */
    const char *const spaces_text = "   ";
    const size_t spaces = strlen(spaces_text);
    printf("spaces = %zu\n", spaces);

    /*
     * Shadowing also lets Rust refine a value step by step while keeping it
     * immutable (let n = n * 2;). In C, give each step its own const name,
     * or, if a loop must update it, one mutable variable in the smallest
     * scope that needs it.
     */
    const int base = 7;
    const int doubled = base * 2;
    const int plus_one = doubled + 1;
    printf("base = %d, doubled = %d, plus_one = %d\n", base, doubled,
           plus_one);

    /* A loop variable lives only in its for statement, like Rust's. */
    int evens = 0;
    for (int i = 0; i < 10; i++) {
        if (i % 2 == 0) evens++;
    }
    printf("evens below 10 = %d\n", evens);
    return 0;
}
