/*
 * mc-01.3 String vs &str vs slices
 *
 * Shows: a borrowed cur_str_t (Rust's &str) beside an owned cur_string_t
 * (Rust's String); slicing "naïve café" on and off char boundaries, where
 * Rust would panic and C gets an error code; parsing a small config with
 * lines, trim, split and find without copying a byte; and validating bad
 * UTF-8, with valid_up_to and lossy decoding.
 *
 * Build: cc -std=gnu17 examples/mc-01.3-string-vs-str.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/str.h>
#include <stdio.h>
#include <stdlib.h>

/* Library calls that can only fail on exhaustion end the program here. */
static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", what, cur_strerror(rc));
        exit(1);
    }
}

static void borrowed_vs_owned(void)
{
    printf("== borrowed vs owned\n");
    /* A &str: a view of bytes someone else owns (here, the literal). */
    cur_str_t word = CUR_STR("naïve café");
    printf("&str   \"" CUR_STR_FMT "\": %td bytes, %td chars\n",
           CUR_STR_ARG(word), word.len, cur_str_char_count(word));

    /* A String: owns a growable buffer; copying in is explicit. */
    cur_string_t owned;
    check(cur_string_from_str(&owned, word, NULL), "from_str");
    check(cur_string_push_str(&owned, CUR_STR(", olé ")), "push_str");
    check(cur_string_push_char(&owned, 0x1F980), "push_char"); /* crab */
    check(cur_string_appendf(&owned, " x%d", 3), "appendf");
    printf("String \"%s\": %td bytes, %td chars\n", cur_string_cstr(&owned),
           owned.len, cur_str_char_count(cur_string_as_str(&owned)));
    printf("the String copied the bytes: %s\n",
           owned.ptr != word.ptr ? "yes" : "no");

    /* Borrowing from the String: valid until the String changes. */
    cur_str_t view = cur_string_as_str(&owned);
    cur_str_t first;
    check(cur_str_slice(view, 0, 6, &first), "slice");
    printf("borrowed from the String: \"" CUR_STR_FMT "\"\n",
           CUR_STR_ARG(first));
    cur_string_destroy(&owned); /* `first` and `view` dangle from here on */
}

static void slicing(void)
{
    printf("\n== slicing on char boundaries\n");
    cur_str_t s = CUR_STR("naïve café"); /* ï and é take 2 bytes each */
    printf("boundaries of \"" CUR_STR_FMT "\":", CUR_STR_ARG(s));
    for (ptrdiff_t i = 0; i <= s.len; i++)
        if (cur_str_is_char_boundary(s, i)) printf(" %td", i);
    printf("\n");

    static const ptrdiff_t ranges[][2] = {
        {0, 2}, {0, 3}, {2, 4}, {7, 12}, {7, 11}, {5, 20}, {4, 2},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
        ptrdiff_t a = ranges[i][0], b = ranges[i][1];
        cur_str_t piece;
        int rc = cur_str_slice(s, a, b, &piece);
        if (rc == 0)
            printf("s[%td..%td] = \"" CUR_STR_FMT "\"\n", a, b,
                   CUR_STR_ARG(piece));
        else
            printf("s[%td..%td] -> %s (%s)\n", a, b, cur_err_name(rc),
                   cur_strerror(rc));
    }
}

static void parse_without_copying(void)
{
    printf("\n== lines, trim, split, find: no copies\n");
    cur_str_t text = CUR_STR("  name = Ferris \r\n"
                             "# a comment\n"
                             "lang=  Rust\n"
                             "\n"
                             "motto = fast, safe,  productive  \n");
    cur_str_lines_t lines = cur_str_lines(text);
    cur_str_t line;
    cur_str_t motto = {NULL, 0};
    while (cur_str_lines_next(&lines, &line)) {
        line = cur_str_trim(line);
        if (line.len == 0 || cur_str_starts_with(line, CUR_STR("#"))) continue;
        cur_str_t key, value;
        if (!cur_str_split_once(line, CUR_STR("="), &key, &value)) continue;
        key = cur_str_trim(key);
        value = cur_str_trim(value);
        /* Every piece points into `text`: print where. */
        printf("%-5.*s = %-24.*s (bytes %td..%td of the text)\n",
               CUR_STR_ARG(key), CUR_STR_ARG(value), value.ptr - text.ptr,
               value.ptr - text.ptr + value.len);
        if (cur_str_eq(key, CUR_STR("motto"))) motto = value;
    }

    cur_str_split_t it = cur_str_split(motto, CUR_STR(","));
    cur_str_t word;
    printf("motto words:");
    while (cur_str_split_next(&it, &word))
        printf(" [" CUR_STR_FMT "]", CUR_STR_ARG(cur_str_trim(word)));
    printf("\n");

    ptrdiff_t at;
    if (cur_str_find(text, CUR_STR("Rust"), &at))
        printf("find(\"Rust\") = %td\n", at);
    if (!cur_str_find(text, CUR_STR("Python"), &at))
        printf("find(\"Python\") = none\n");
    if (cur_str_rfind(text, CUR_STR("a"), &at))
        printf("rfind(\"a\") = %td\n", at);
}

static void validation(void)
{
    printf("\n== UTF-8 validation\n");
    /* "café ", a cut-off euro sign, " ok ", an encoded surrogate. */
    static const char bad[] = "caf\xC3\xA9 \xE2\x82 ok \xED\xA0\x80";
    ptrdiff_t len = (ptrdiff_t)sizeof bad - 1, valid_up_to;
    int rc = cur_utf8_validate(bad, len, &valid_up_to);
    printf("validate: %s, valid_up_to = %td of %td bytes\n", cur_err_name(rc),
           valid_up_to, len);
    cur_str_t ok;
    check(cur_str_from_utf8(bad, valid_up_to, &ok), "from_utf8");
    printf("valid prefix: \"" CUR_STR_FMT "\"\n", CUR_STR_ARG(ok));
    printf("from_utf8 on all of it: %s\n",
           cur_err_name(cur_str_from_utf8(bad, len, &ok)));

    cur_string_t s;
    cur_string_init(&s, NULL);
    rc = cur_string_push_bytes(&s, bad, len); /* validates first */
    printf("push_bytes: %s, string still \"%s\"\n", cur_err_name(rc),
           cur_string_cstr(&s));

    /* Lossy decoding: U+FFFD for each maximal invalid subpart. */
    cur_str_chars_t chars = cur_str_chars((cur_str_t){bad, len});
    uint32_t cp;
    ptrdiff_t n;
    printf("chars:");
    while (cur_str_chars_next(&chars, &cp, &n)) {
        printf(" U+%04X/%td", (unsigned)cp, n);
        check(cur_string_push_char(&s, cp), "push_char");
    }
    printf("\nlossy: \"%s\"\n", cur_string_cstr(&s));
    cur_string_destroy(&s);
}

int main(void)
{
    borrowed_vs_owned();
    slicing();
    parse_without_copying();
    validation();
    return 0;
}
