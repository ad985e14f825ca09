/*
 * bench/bench_str.c: the `str` suite (lesson mc-01.3, src/str.c).
 *
 * Groups, each run against real peers in the same process:
 *   split-lines     ~64 KiB of text split into lines, summing line lengths:
 *                   cur-borrowed (cur_str_lines, views, no copy) against
 *                   strdup-copy (malloc + memcpy + free per line, the
 *                   "String per line" pattern) and strtok_r (libc, on a copy
 *                   of the text made in every iteration). ns/line.
 *   utf8-validate   1 MiB of mostly-ASCII text with some 2-, 3- and 4-byte
 *                   characters: cur (cur_utf8_validate) against naive (a
 *                   byte-at-a-time decoder) and mbrtowc (glibc, C.UTF-8
 *                   locale via newlocale/uselocale). ns/KiB.
 *   find            a 37-byte needle near the end of 64 KiB of text: cur
 *                   (cur_str_find) against memmem and strstr (glibc; strstr
 *                   on a NUL-terminated copy made once). ns/op.
 *
 * Inputs come from a fixed-seed generator, so every run measures the same
 * bytes. Every implementation's answer is checked against the others before
 * timing; a disagreement aborts the suite (exit 1) rather than time a bug.
 */
#include "harness.h"
#include "../tests/support/rng.h"
#include "../tests/support/utf8_ref.h"

#include <curriculum/str.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* --- inputs -----------------------------------------------------------------
 */


static const char *const ascii_words[] = {
    "the", "of", "and", "a", "to", "in", "is", "you", "that", "it", "he",
    "was", "for", "on", "are", "as", "with", "his", "they", "at", "be",
    "this", "have", "from", "or", "one", "had", "by", "word", "but", "not",
    "what", "all", "were", "we", "when", "your", "can", "said", "there",
    "borrow", "checker", "lifetime", "ownership", "slice", "string",
};

static const char *const utf8_words[] = {
    "na\xC3\xAFve", "caf\xC3\xA9", "Gr\xC3\xBC\xC3\x9F" "e",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E",                 /* 日本語 */
    "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC",
    "\xF0\x9F\xA6\x80",                                     /* crab */
    "\xE2\x82\xAC" "5",
};

/* Fills buf[0..n) with words; every line_every-th word or so ends a line
 * (line_every == 0: spaces only). One word in utf8_every is non-ASCII
 * (0: none). Never writes an empty line. Returns the bytes written. */
static ptrdiff_t make_text(char *buf, ptrdiff_t n, int line_every,
                           int utf8_every)
{
    ptrdiff_t len = 0;
    int words_on_line = 0;
    for (;;) {
        const char *w;
        if (utf8_every && rng() % (uint64_t)utf8_every == 0)
            w = utf8_words[rng() % (sizeof utf8_words / sizeof *utf8_words)];
        else
            w = ascii_words[rng() % (sizeof ascii_words / sizeof *ascii_words)];
        ptrdiff_t wl = (ptrdiff_t)strlen(w);
        if (len + wl + 1 > n) break;
        memcpy(buf + len, w, (size_t)wl);
        len += wl;
        words_on_line++;
        bool eol = line_every && words_on_line >= 2 &&
                   rng() % (uint64_t)line_every == 0;
        buf[len++] = eol ? '\n' : ' ';
        if (eol) words_on_line = 0;
    }
    return len;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_str: out of memory\n");
        exit(1);
    }
    return p;
}

/* --- split-lines
 * -------------------------------------------------------------- */

typedef struct lines_state {
    cur_str_t text;
    char *scratch; /* text.len + 1 bytes for strtok_r */
} lines_state_t;

static int64_t lines_cur(const lines_state_t *st)
{
    cur_str_lines_t it = cur_str_lines(st->text);
    cur_str_t line;
    int64_t sum = 0;
    while (cur_str_lines_next(&it, &line)) sum += line.len;
    return sum;
}

static int64_t lines_copy(const lines_state_t *st)
{
    cur_str_lines_t it = cur_str_lines(st->text);
    cur_str_t line;
    int64_t sum = 0;
    while (cur_str_lines_next(&it, &line)) {
        char *own = malloc((size_t)line.len + 1);
        if (!own) return -1;
        memcpy(own, line.ptr, (size_t)line.len);
        own[line.len] = '\0';
        bench_black_box(own);
        sum += (int64_t)strlen(own);
        free(own);
    }
    return sum;
}

static int64_t lines_strtok(const lines_state_t *st)
{
    memcpy(st->scratch, st->text.ptr, (size_t)st->text.len);
    st->scratch[st->text.len] = '\0';
    char *save = NULL;
    int64_t sum = 0;
    for (char *tok = strtok_r(st->scratch, "\n", &save); tok;
         tok = strtok_r(NULL, "\n", &save))
        sum += (int64_t)strlen(tok);
    return sum;
}

static void run_lines_cur(void *state, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        int64_t r = lines_cur(state);
        bench_black_box(r);
    }
}

static void run_lines_copy(void *state, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        int64_t r = lines_copy(state);
        bench_black_box(r);
    }
}

static void run_lines_strtok(void *state, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        int64_t r = lines_strtok(state);
        bench_black_box(r);
    }
}

static bool group_split_lines(bench_t *b)
{
    if (!bench_wants(b, "split-lines")) return true;
    enum { SIZE = 64 * 1024 };
    char *text = xmalloc(SIZE);
    ptrdiff_t len = make_text(text, SIZE, 6, 0);
    lines_state_t st = {.text = {text, len},
                        .scratch = xmalloc((size_t)len + 1)};

    int64_t nlines = 0;
    cur_str_lines_t it = cur_str_lines(st.text);
    cur_str_t line;
    while (cur_str_lines_next(&it, &line)) nlines++;
    int64_t want = lines_cur(&st);
    if (lines_copy(&st) != want || lines_strtok(&st) != want || nlines == 0) {
        fprintf(stderr, "bench_str: split-lines: implementations disagree\n");
        return false;
    }

    const bench_impl_t impls[] = {
        {.name = "cur-borrowed", .fn = run_lines_cur, .state = &st},
        {.name = "strdup-copy", .fn = run_lines_copy, .state = &st},
        {.name = "strtok_r", .fn = run_lines_strtok, .state = &st},
    };
    bench_group(b, "split-lines", "ns/line", (double)nlines, impls, 3);
    free(st.scratch);
    free(text);
    return true;
}

/* --- utf8-validate
 * ------------------------------------------------------------ */


typedef struct utf8_state {
    const char *p;
    ptrdiff_t n;
    locale_t loc; /* C.UTF-8 for mbrtowc */
} utf8_state_t;

static ptrdiff_t valid_mbrtowc(const utf8_state_t *st)
{
    locale_t old = uselocale(st->loc);
    mbstate_t ms;
    memset(&ms, 0, sizeof ms);
    ptrdiff_t i = 0;
    wchar_t wc;
    while (i < st->n) {
        size_t r = mbrtowc(&wc, st->p + i, (size_t)(st->n - i), &ms);
        if (r == (size_t)-1 || r == (size_t)-2) break;
        i += r ? (ptrdiff_t)r : 1; /* r == 0: a NUL byte */
    }
    uselocale(old);
    return i;
}

static void run_utf8_cur(void *state, int64_t iters)
{
    const utf8_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        ptrdiff_t up;
        int rc = cur_utf8_validate(st->p, st->n, &up);
        bench_black_box(rc);
        bench_black_box(up);
    }
}

static void run_utf8_naive(void *state, int64_t iters)
{
    const utf8_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        ptrdiff_t up = ref_valid_up_to((const unsigned char *)st->p, st->n);
        bench_black_box(up);
        bench_clobber();
    }
}

static void run_utf8_mbrtowc(void *state, int64_t iters)
{
    for (int64_t i = 0; i < iters; i++) {
        ptrdiff_t up = valid_mbrtowc(state);
        bench_black_box(up);
    }
}

static bool group_utf8_validate(bench_t *b)
{
    if (!bench_wants(b, "utf8-validate")) return true;
    enum { SIZE = 1024 * 1024 };
    char *text = xmalloc(SIZE);
    ptrdiff_t len = make_text(text, SIZE, 12, 8);
    while (len < SIZE) text[len++] = ' '; /* exactly 1 MiB */
    utf8_state_t st = {.p = text, .n = len};
    st.loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);

    ptrdiff_t up = -1;
    if (cur_utf8_validate(text, len, &up) != 0 || up != len ||
        ref_valid_up_to((const unsigned char *)text, len) != len ||
        (st.loc && valid_mbrtowc(&st) != len)) {
        fprintf(stderr, "bench_str: utf8-validate: implementations disagree\n");
        return false;
    }

    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_utf8_cur, .state = &st},
        {.name = "naive", .fn = run_utf8_naive, .state = &st},
        {.name = "mbrtowc",
         .fn = st.loc ? run_utf8_mbrtowc : NULL,
         .state = &st,
         .why_missing = "newlocale(\"C.UTF-8\") failed: locale not installed"},
    };
    bench_group(b, "utf8-validate", "ns/KiB", (double)len / 1024.0, impls, 3);
    if (st.loc) freelocale(st.loc);
    free(text);
    return true;
}

/* --- find
 * ----------------------------------------------------------------------- */

typedef struct find_state {
    cur_str_t hay;
    cur_str_t needle;
    const char *hay_cstr;    /* NUL-terminated copy for strstr */
    const char *needle_cstr;
} find_state_t;

static void run_find_cur(void *state, int64_t iters)
{
    const find_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        ptrdiff_t at = -1;
        bool ok = cur_str_find(st->hay, st->needle, &at);
        bench_black_box(ok);
        bench_black_box(at);
    }
}

static void run_find_memmem(void *state, int64_t iters)
{
    const find_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber(); /* memmem is pure: keep it inside the loop */
        const void *r = memmem(st->hay.ptr, (size_t)st->hay.len,
                               st->needle.ptr, (size_t)st->needle.len);
        bench_black_box(r);
    }
}

static void run_find_strstr(void *state, int64_t iters)
{
    const find_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        const char *r = strstr(st->hay_cstr, st->needle_cstr);
        bench_black_box(r);
    }
}

static bool group_find(bench_t *b)
{
    if (!bench_wants(b, "find")) return true;
    enum { SIZE = 64 * 1024 };
    static const char needle[] = "jackdaws love my big sphinx of quartz";
    char *hay = xmalloc(SIZE + 1);
    ptrdiff_t len = make_text(hay, SIZE, 0, 0);
    while (len < SIZE) hay[len++] = ' ';
    ptrdiff_t place = SIZE - 200;
    memcpy(hay + place, needle, sizeof needle - 1);
    hay[SIZE] = '\0';
    find_state_t st = {
        .hay = {hay, SIZE},
        .needle = {needle, (ptrdiff_t)sizeof needle - 1},
        .hay_cstr = hay,
        .needle_cstr = needle,
    };

    ptrdiff_t at = -1;
    const char *m1 = memmem(hay, SIZE, needle, sizeof needle - 1);
    const char *m2 = strstr(hay, needle);
    if (!cur_str_find(st.hay, st.needle, &at) || at != place ||
        m1 != hay + place || m2 != hay + place) {
        fprintf(stderr, "bench_str: find: implementations disagree\n");
        return false;
    }

    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_find_cur, .state = &st},
        {.name = "memmem", .fn = run_find_memmem, .state = &st},
        {.name = "strstr", .fn = run_find_strstr, .state = &st},
    };
    bench_group(b, "find", "ns/op", 1.0, impls, 3);
    free(hay);
    return true;
}

int main(int argc, char **argv)
{
    bench_t *b = bench_init("str", argc, argv);
    if (!b) return 2;
    bool ok = group_split_lines(b) && group_utf8_validate(b) && group_find(b);
    int rc = bench_finish(b);
    return ok ? rc : 1;
}
