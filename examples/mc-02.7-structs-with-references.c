/*
 * mc-02.7 Structs with References & Lifetime Parameters
 *
 * Shows: a parsed record whose fields are views (cur_str_t: pointer +
 * length) into a source buffer the arena owns, Rust's
 * struct Person<'a> { name: &'a str, .. }. The parser copies the text into
 * the arena, keeps its temporary line table in a scratch arena passed by
 * value, and on a syntax error rewinds the arena to a checkpoint so that a
 * failed parse leaves nothing behind. The caller's input buffer can be
 * reused at once; the records stay valid until the arena is destroyed,
 * which frees the text, the records and their views in one call.
 *
 * Build: cc -std=gnu17 examples/mc-02.7-structs-with-references.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/arena.h>
#include <curriculum/error.h>
#include <curriculum/str.h>

#include <stdio.h>
#include <string.h>

/*
 * struct Person<'a> { name: &'a str, city: &'a str, born: u32 }
 *
 * name and city borrow from the roster's source text. C has no lifetime
 * parameter to write down, so the rule is stated once, here: a person_t
 * is valid exactly as long as the arena that holds its source text.
 */
typedef struct person {
    cur_str_t name; /* view into roster_t.source */
    cur_str_t city; /* view into roster_t.source */
    int born;
} person_t;

/*
 * struct Roster<'a> { source: &'a str, people: &'a [Person<'a>] }
 *
 * Everything a roster points to lives in one arena: the text, the array
 * of people and, through the views, their fields.
 */
typedef struct roster {
    cur_str_t source;  /* the arena's copy of the input */
    person_t *people;  /* arena array */
    ptrdiff_t count;
} roster_t;

static cur_str_t trim(cur_str_t s)
{
    while (s.len > 0 && s.ptr[0] == ' ') s.ptr++, s.len--;
    while (s.len > 0 && s.ptr[s.len - 1] == ' ') s.len--;
    return s;
}

/* The views of the pieces of s between separators, at most max. */
static ptrdiff_t split(cur_str_t s, char sep, cur_str_t *out, ptrdiff_t max)
{
    ptrdiff_t n = 0, start = 0;
    for (ptrdiff_t i = 0; i <= s.len; i++) {
        if (i < s.len && s.ptr[i] != sep) continue;
        if (n < max) out[n] = (cur_str_t){s.ptr + start, i - start};
        n++;
        start = i + 1;
    }
    return n;
}

static bool parse_year(cur_str_t s, int *out)
{
    if (s.len < 1 || s.len > 4) return false;
    int v = 0;
    for (ptrdiff_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9') return false;
        v = v * 10 + (s.ptr[i] - '0');
    }
    *out = v;
    return true;
}

/*
 * Parses lines of "name, city, year" into *out. The text is copied into
 * perm first, so the roster does not borrow from the caller's `text`; it
 * borrows from perm. The line table is scratch: allocated in this
 * function's by-value copy of a scratch arena, it is gone when we return.
 *
 * Returns 0, CUR_ENOMEM, or CUR_EPARSE with the 1-based line in
 * *bad_line. On error perm is rewound to where it was, and *out is left
 * alone (the library's rule: out-params are written only on success).
 */
static int roster_parse(cur_arena_t *perm, cur_arena_t scratch,
                        const char *text, roster_t *out, ptrdiff_t *bad_line)
{
    cur_arena_mark_t undo = cur_arena_save(perm);
    int rc = CUR_ENOMEM;
    cur_str_t src = {NULL, (ptrdiff_t)strlen(text)};
    char *copy;
    if (CUR_ARENA_NEW_INTO(perm, char, src.len, CUR_ARENA_NOZERO, &copy))
        goto fail;
    memcpy(copy, text, (size_t)src.len);
    src.ptr = copy;

    ptrdiff_t nlines = split(src, '\n', NULL, 0);
    cur_str_t *lines = CUR_ARENA_NEW_ARRAY(&scratch, cur_str_t, nlines);
    person_t *people = CUR_ARENA_NEW_ARRAY(perm, person_t, nlines);
    if (!lines || !people) goto fail;
    split(src, '\n', lines, nlines);

    ptrdiff_t count = 0;
    for (ptrdiff_t i = 0; i < nlines; i++) {
        if (trim(lines[i]).len == 0) continue; /* blank line */
        cur_str_t f[3];
        person_t *p = &people[count];
        if (split(lines[i], ',', f, 3) != 3 ||
            !parse_year(trim(f[2]), &p->born)) {
            *bad_line = i + 1;
            rc = CUR_EPARSE;
            goto fail;
        }
        p->name = trim(f[0]); /* views into copy, which perm owns */
        p->city = trim(f[1]);
        count++;
    }
    *out = (roster_t){src, people, count};
    return 0;
fail:
    cur_arena_restore(&undo); /* the copy and the records are gone */
    return rc;
}

static bool borrows_from(cur_str_t view, cur_str_t source)
{
    return view.ptr >= source.ptr &&
           view.ptr + view.len <= source.ptr + source.len;
}

int main(void)
{
    cur_arena_t perm;
    if (cur_arena_init(&perm, NULL, 0) != 0) return 1;

    /* The caller's buffer, as a file-reading loop would fill it. */
    char input[128];
    snprintf(input, sizeof input, "%s",
             "Ada Lovelace, London, 1815\n"
             "Alan Turing, London, 1912\n"
             "\n"
             "Grace Hopper, New York, 1906\n");

    roster_t r = {{NULL, 0}, NULL, 0};
    ptrdiff_t bad = 0;
    {
        CUR_ARENA_SCRATCH(tmp, &perm);
        if (roster_parse(&perm, *tmp.arena, input, &r, &bad) != 0) return 1;
    }

    /* Reuse the input buffer: the roster does not borrow from it. */
    memset(input, 'X', sizeof input - 1);
    input[sizeof input - 1] = '\0';

    printf("roster: %td people, every field a view into the arena's text\n",
           r.count);
    bool all_inside = true;
    for (ptrdiff_t i = 0; i < r.count; i++) {
        const person_t *p = &r.people[i];
        printf("  %-14.*s %-10.*s %d\n", CUR_STR_ARG(p->name),
               CUR_STR_ARG(p->city), p->born);
        all_inside = all_inside && borrows_from(p->name, r.source) &&
                     borrows_from(p->city, r.source);
    }
    printf("every name and city points into roster.source: %s\n",
           all_inside ? "yes" : "no");
    printf("the input buffer was overwritten; the first name still reads "
           "\"" CUR_STR_FMT "\"\n",
           CUR_STR_ARG(r.people[0].name));

    /* A failed parse rewinds the arena: nothing of it remains. */
    cur_arena_stats_t before = cur_arena_stats(&perm);
    roster_t r2 = r;
    int rc;
    {
        CUR_ARENA_SCRATCH(tmp, &perm);
        rc = roster_parse(&perm, *tmp.arena,
                          "Edsger Dijkstra, Rotterdam, 1930\nno commas here\n",
                          &r2, &bad);
    }
    printf("second parse: %s at line %td (%s); arena rewound: %s; "
           "out-param untouched: %s\n",
           cur_err_name(rc), bad, cur_strerror(rc),
           cur_arena_stats(&perm).used == before.used ? "yes" : "no",
           r2.people == r.people ? "yes" : "no");

    /*
     * One call frees the text, the array and everything the views point
     * to. Afterwards r.people and every view in it dangle: the struct
     * "outlived its lifetime parameter", which Rust would reject and C
     * cannot see. We do not touch r again.
     */
    cur_arena_destroy(&perm);
    printf("arena destroyed: text, records and views freed in one call\n");
    return 0;
}
