/*
 * mc-02.6 Function Lifetimes
 *
 * Shows: functions that return views (pointer + length, cur_str_t)
 * borrowed from their inputs, Rust's fn f<'a>(s: &'a str) -> &'a str:
 * longest of two strings, the first word of a line, and splitting a line
 * into fields without copying. A view is not a copy: changing the caller's
 * buffer changes what the view shows. What C cannot check (a view that
 * outlives its buffer, a view into a callee's local array) is explained in
 * comments, and the fix, copying into an arena that lives long enough, is
 * shown.
 *
 * Build: cc -std=gnu17 examples/mc-02.6-function-lifetimes.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/arena.h>
#include <curriculum/str.h>

#include <stdio.h>
#include <string.h>

/*
 * fn longest<'a>(x: &'a str, y: &'a str) -> &'a str
 *
 * The result is one of the two inputs, so it may be used only while BOTH
 * inputs are alive: Rust's 'a is the shorter of the two lifetimes. In C
 * that rule lives in this comment and nowhere else.
 */
static cur_str_t longest(cur_str_t x, cur_str_t y)
{
    return x.len >= y.len ? x : y;
}

/*
 * fn first_word(s: &str) -> &str
 *
 * Returns the prefix of s up to the first space: a view into s, valid as
 * long as the bytes s points to. One input, so Rust elides the lifetime.
 */
static cur_str_t first_word(cur_str_t s)
{
    ptrdiff_t i = 0;
    while (i < s.len && s.ptr[i] != ' ') i++;
    return (cur_str_t){s.ptr, i};
}

/*
 * fn split_fields<'a>(line: &'a str, sep: u8, out: &mut [&'a str]) -> usize
 *
 * Stores views of the fields of line in out[0..max) and returns how many
 * fields there are (which may exceed max; only max are stored). Nothing is
 * copied: every out[i] points into line.
 */
static ptrdiff_t split_fields(cur_str_t line, char sep, cur_str_t *out,
                              ptrdiff_t max)
{
    ptrdiff_t n = 0, start = 0;
    for (ptrdiff_t i = 0; i <= line.len; i++) {
        if (i < line.len && line.ptr[i] != sep) continue;
        if (n < max) out[n] = (cur_str_t){line.ptr + start, i - start};
        n++;
        start = i + 1;
    }
    return n;
}

/*
 * What NOT to write (Rust: "cannot return reference to local variable"):
 *
 *     static cur_str_t greeting(void) {
 *         char buf[16] = "hello";
 *         return (cur_str_t){buf, 5};   // buf dies when we return
 *     }
 *
 * C compiles this (gcc warns only for a plain `return buf;`); every use of
 * the result reads a dead stack frame. The view must borrow from something
 * that outlives the call: the caller's buffer, a literal, or an arena.
 */

/*
 * fn to_owned_in<'arena>(arena: &'arena Arena, s: &str) -> &'arena str
 *
 * The fix when a view must outlive its source: copy the bytes into an
 * arena. The result borrows from the arena now, not from s.
 */
static cur_str_t copy_to_arena(cur_arena_t *perm, cur_str_t s)
{
    char *p = CUR_ARENA_NEW_ARRAY_NOZERO(perm, char, s.len);
    if (!p) return (cur_str_t){NULL, 0};
    memcpy(p, s.ptr, (size_t)s.len);
    return (cur_str_t){p, s.len};
}

int main(void)
{
    /* longest: the result borrows from whichever input was longer. */
    cur_str_t a = CUR_STR("borrow");
    cur_str_t b = CUR_STR("checker");
    cur_str_t l = longest(a, b);
    printf("longest(\"" CUR_STR_FMT "\", \"" CUR_STR_FMT "\") = \"" CUR_STR_FMT
           "\" (it is b itself: %s)\n",
           CUR_STR_ARG(a), CUR_STR_ARG(b), CUR_STR_ARG(l),
           l.ptr == b.ptr ? "yes" : "no");

    /* first_word: a view into the caller's buffer, not a copy. */
    char line[] = "hello world of views";
    cur_str_t s = {line, (ptrdiff_t)strlen(line)};
    cur_str_t w = first_word(s);
    printf("first_word: \"" CUR_STR_FMT "\" at offset %td of line\n",
           CUR_STR_ARG(w),
           w.ptr - line);
    /*
     * Rust would refuse the next line while w is alive ("cannot assign to
     * line because it is borrowed"). C lets us, and w shows the change,
     * because w is only a window onto line.
     */
    line[0] = 'j';
    printf("after line[0] = 'j', the same view reads \"" CUR_STR_FMT "\"\n",
           CUR_STR_ARG(w));

    /* split_fields: every field is a view into record. */
    char record[64] = "ada,lovelace,1815,london";
    cur_str_t fields[8];
    cur_str_t rec = {record, (ptrdiff_t)strlen(record)};
    ptrdiff_t n = split_fields(rec, ',', fields, CUR_COUNTOF(fields));
    printf("split_fields: %td fields:", n);
    for (ptrdiff_t i = 0; i < n; i++)
        printf(" [" CUR_STR_FMT "]", CUR_STR_ARG(fields[i]));
    printf("\n");
    printf("field 2 starts %td bytes into record, no copy made\n",
           fields[2].ptr - record);

    /*
     * Keeping a field after its buffer is reused. The views in fields[]
     * borrow from record; once record is overwritten (as a read loop
     * overwrites its line buffer) they show the new bytes or garbage.
     * Copy what must survive into an arena first.
     */
    cur_arena_t arena;
    if (cur_arena_init(&arena, NULL, 0) != 0) return 1;
    cur_str_t kept = copy_to_arena(&arena, fields[1]);
    if (!kept.ptr) return 1;
    snprintf(record, sizeof record, "grace,hopper,1906,new york");
    printf("after record is reused: view [" CUR_STR_FMT "], arena copy ["
           CUR_STR_FMT "]\n",
           CUR_STR_ARG(fields[1]), CUR_STR_ARG(kept));
    /*
     * fields[] now borrows from a buffer whose old contents are gone; C
     * has no way to mark those views invalid, so we stop using them here.
     * kept is valid until the arena is reset or destroyed.
     */
    cur_arena_destroy(&arena);
    return 0;
}
