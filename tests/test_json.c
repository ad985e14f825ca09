/*
 * Tests of curriculum/json.h: the strict reader (RFC 8259 tables of valid
 * and invalid texts with the expected code and error offset, depth limits,
 * error positions, tokens, typed reads, containers), number conversion,
 * the writer (exact compact and indented output, escaping, shortest
 * doubles, rollback, misuse), round trips of random values, a mutation
 * sweep, and an OOM sweep for every allocating function.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/json.h>
#include <curriculum/str.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/alloc.h"
#include "support/rng.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */



static ptrdiff_t slen(const char *s) { return (ptrdiff_t)strlen(s); }

/* Validates s (NUL-terminated); returns the code, fills *e. */
static int check(const char *s, cur_json_error_t *e)
{
    return cur_json_validate(s, slen(s), 0, e);
}

static void reader(cur_json_reader_t *r, const char *s)
{
    cr_assert_eq(cur_json_reader_init(r, s, slen(s), 0), 0);
}

/* The compact JSON a writer-filling function produces, as a C string in a
 * static buffer (for comparisons). */
static char text_buf[4096];

static const char *text_of(const cur_string_t *s)
{
    cr_assert_lt(s->len, CUR_SIZEOF(text_buf));
    memcpy(text_buf, cur_string_cstr(s), (size_t)s->len + 1);
    return text_buf;
}

/* ------------------------------------------------------------------------ */
/* The grammar                                                              */
/* ------------------------------------------------------------------------ */

Test(json, valid_texts)
{
    static const char *const ok[] = {
        "0", "-0", "1", "-1", "10", "123456789", "1.5", "-0.0", "0.5e10",
        "1E+2", "1e-2", "1E2", "-1.25e-3", "1e400", "-1e-400",
        "123456789012345678901234567890", "\"\"", "\"a\"", "true", "false",
        "null", "[]", "{}", "[[]]", "[{}]", "{\"\":0}", " \t\r\n[ 1 , 2 ]\n",
        "{\"a\":{\"b\":[true,false,null,\"x\",1.5,{}]}}",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0000\"", "\"\\u00e9\\u00E9\"",
        "\"\\ud83d\\ude00\"", "\"\\uD83D\\uDE00\"", "\"\\uFFFF\"",
        "\"\xc3\xa9\xf0\x9f\x98\x80\"", "\"\x7f\"", "\"/*no comment*/\"",
        /* duplicate keys: syntactically fine; the reader's policy */
        "{\"a\":1,\"a\":2}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cur_json_error_t e;
        int rc = check(ok[i], &e);
        cr_assert_eq(rc, 0, "valid text %zu [%s]: %d %s at %td", i, ok[i], rc,
                     e.message, e.offset);
        cr_assert_eq(e.code, 0);
    }
}

Test(json, invalid_texts)
{
    static const struct {
        const char *text;
        ptrdiff_t len; /* 0: strlen */
        int code;
        ptrdiff_t offset;
    } bad[] = {
        {"", 0, CUR_EPARSE, 0},
        {"   ", 0, CUR_EPARSE, 3},
        {"01", 0, CUR_EPARSE, 0},
        {"-01", 0, CUR_EPARSE, 0},
        {"00", 0, CUR_EPARSE, 0},
        {"1.", 0, CUR_EPARSE, 2},
        {"1.e5", 0, CUR_EPARSE, 2},
        {".5", 0, CUR_EPARSE, 0},
        {"+1", 0, CUR_EPARSE, 0},
        {"1e", 0, CUR_EPARSE, 2},
        {"1e+", 0, CUR_EPARSE, 3},
        {"-", 0, CUR_EPARSE, 1},
        {"--1", 0, CUR_EPARSE, 1},
        {"-a", 0, CUR_EPARSE, 1},
        {"0x10", 0, CUR_EPARSE, 1},
        {"1 2", 0, CUR_EPARSE, 2},
        {"[1,]", 0, CUR_EPARSE, 3},
        {"[1,,2]", 0, CUR_EPARSE, 3},
        {"[,1]", 0, CUR_EPARSE, 1},
        {"{\"a\":1,}", 0, CUR_EPARSE, 7},
        {"{,}", 0, CUR_EPARSE, 1},
        {"[1 2]", 0, CUR_EPARSE, 3},
        {"{\"a\" 1}", 0, CUR_EPARSE, 5},
        {"{\"a\":}", 0, CUR_EPARSE, 5},
        {"{\"a\":]}", 0, CUR_EPARSE, 5},
        {"{\"a\"}", 0, CUR_EPARSE, 4},
        {"{a:1}", 0, CUR_EPARSE, 1},
        {"{'a':1}", 0, CUR_EPARSE, 1},
        {"{1:1}", 0, CUR_EPARSE, 1},
        {"[1}", 0, CUR_EPARSE, 2},
        {"{\"a\":1]", 0, CUR_EPARSE, 6},
        {"]", 0, CUR_EPARSE, 0},
        {"[1]x", 0, CUR_EPARSE, 3},
        {"[1] [2]", 0, CUR_EPARSE, 4},
        {"[", 0, CUR_EPARSE, 1},
        {"{", 0, CUR_EPARSE, 1},
        {"[1", 0, CUR_EPARSE, 2},
        {"{\"a\":", 0, CUR_EPARSE, 5},
        {"\"abc", 0, CUR_EPARSE, 4},
        {"\"a\nb\"", 0, CUR_EPARSE, 2},
        {"\"\t\"", 0, CUR_EPARSE, 1},
        {"\"\x1f\"", 0, CUR_EPARSE, 1},
        {"\"a\0b\"", 5, CUR_EPARSE, 2},
        {"[1]\0", 4, CUR_EPARSE, 3},
        {"\"\\x\"", 0, CUR_EPARSE, 1},
        {"\"\\'\"", 0, CUR_EPARSE, 1},
        {"\"\\", 0, CUR_EPARSE, 2},
        {"\"\\u12\"", 0, CUR_EPARSE, 1},
        {"\"\\u12g4\"", 0, CUR_EPARSE, 1},
        {"\"\\U0041\"", 0, CUR_EPARSE, 1},
        {"\"\\uD800\"", 0, CUR_EUTF8, 1},
        {"\"\\uDBFF\"", 0, CUR_EUTF8, 1},
        {"\"\\uDC00\"", 0, CUR_EUTF8, 1},
        {"\"a\\uDFFF\"", 0, CUR_EUTF8, 2},
        {"\"\\uD800\\u0041\"", 0, CUR_EUTF8, 1},
        {"\"\\uD800\\uD800\"", 0, CUR_EUTF8, 1},
        {"\"\\uD800x\"", 0, CUR_EUTF8, 1},
        {"\"\\uDE00\\uD83D\"", 0, CUR_EUTF8, 1},
        {"\"\xff\"", 0, CUR_EUTF8, 1},
        {"\"ab\xc3\"", 0, CUR_EUTF8, 3},
        {"\"\xed\xa0\x80\"", 0, CUR_EUTF8, 1},
        {"\"\xc0\xaf\"", 0, CUR_EUTF8, 1},
        {"\"\xf4\x90\x80\x80\"", 0, CUR_EUTF8, 1},
        {"\"ok\\n\x80\"", 0, CUR_EUTF8, 5},
        {"tru", 0, CUR_EPARSE, 0},
        {"nul", 0, CUR_EPARSE, 0},
        {"falsy", 0, CUR_EPARSE, 0},
        {"truex", 0, CUR_EPARSE, 4},
        {"True", 0, CUR_EPARSE, 0},
        {"NaN", 0, CUR_EPARSE, 0},
        {"Infinity", 0, CUR_EPARSE, 0},
        {"-Infinity", 0, CUR_EPARSE, 1},
        {"\xef\xbb\xbf{}", 0, CUR_EPARSE, 0}, /* a BOM is not JSON text */
        {"/* c */ 1", 0, CUR_EPARSE, 0},
        {"1 // c", 0, CUR_EPARSE, 2},
        {"\x0b" "1", 0, CUR_EPARSE, 0}, /* \v is not JSON whitespace */
        {"\xc2\xa0" "1", 0, CUR_EPARSE, 0}, /* nor is U+00A0 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cur_json_error_t e;
        ptrdiff_t n = bad[i].len ? bad[i].len : slen(bad[i].text);
        int rc = cur_json_validate(bad[i].text, n, 0, &e);
        cr_assert_eq(rc, bad[i].code, "case %zu: code %s, want %s (%s)", i,
                     cur_err_name(rc), cur_err_name(bad[i].code), e.message);
        cr_assert_eq(e.code, rc);
        cr_assert_eq(e.offset, bad[i].offset, "case %zu: offset %td, want %td (%s)",
                     i, e.offset, bad[i].offset, e.message);
        cr_assert_gt(strlen(e.message), 10, "case %zu: a real message", i);
    }
}

Test(json, messages_say_what_was_expected)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"[1,]", "trailing comma: expected a value after ',', found ']'"},
        {"{\"a\":1,}", "trailing comma: expected a key after ',', found '}'"},
        {"01", "leading zeros are not allowed in a number"},
        {"[1 2]", "expected ',' or ']' after an array element, found '2'"},
        {"{\"a\" 1}", "expected ':' after an object key, found '1'"},
        {"\"\\uD800\"", "lone high surrogate \\uD800 (a \\uDC00..\\uDFFF escape "
                        "must follow it)"},
        {"\"a\nb\"", "raw control character 0x0A in a string (write it as an "
                     "escape, such as \\n or \\u000A)"},
        {"[1] x", "unexpected 'x' after the JSON value"},
        {"[[1]", "unexpected end of input (1 unclosed bracket)"},
        {"", "expected a JSON value, found the end of input"},
        {"\"\xff\"", "invalid UTF-8 in a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cur_json_error_t e;
        cr_assert_lt(check(cases[i].text, &e), 0);
        cr_assert_str_eq(e.message, cases[i].message, "case %zu", i);
    }
}

Test(json, depth_limit)
{
    char buf[2 * CUR_JSON_MAX_DEPTH + 4];
    cur_json_error_t e;
    for (int d = 1; d <= CUR_JSON_MAX_DEPTH + 1; d++) {
        memset(buf, '[', (size_t)d);
        memset(buf + d, ']', (size_t)d);
        int rc = cur_json_validate(buf, 2 * d, 0, &e);
        if (d <= CUR_JSON_DEFAULT_DEPTH) {
            cr_assert_eq(rc, 0, "depth %d", d);
        } else {
            cr_assert_eq(rc, CUR_EOVERFLOW, "depth %d", d);
            cr_assert_eq(e.offset, CUR_JSON_DEFAULT_DEPTH);
            cr_assert_str_eq(e.message, "nesting deeper than 128 levels");
        }
        rc = cur_json_validate(buf, 2 * d, CUR_JSON_MAX_DEPTH, &e);
        cr_assert_eq(rc, d <= CUR_JSON_MAX_DEPTH ? 0 : CUR_EOVERFLOW);
    }
    cr_assert_eq(cur_json_validate("[{\"a\":[]}]", 10, 3, NULL), 0);
    cr_assert_eq(cur_json_validate("[{\"a\":[[]]}]", 12, 3, NULL), CUR_EOVERFLOW);
    cr_assert_eq(cur_json_validate("1", 1, 1, NULL), 0);
    cr_assert_eq(cur_json_validate("[]", 2, 1, NULL), 0);
    cr_assert_eq(cur_json_validate("[[]]", 4, 1, NULL), CUR_EOVERFLOW);
}

Test(json, bad_arguments)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    cur_json_error_t e;
    cr_assert_eq(cur_json_reader_init(&r, "1", -1, 0), CUR_EINVAL);
    cr_assert_eq(cur_json_next(&r, &t), CUR_EINVAL); /* sticky */
    cr_assert_eq(cur_json_reader_error(&r)->code, CUR_EINVAL);
    cr_assert_eq(cur_json_reader_init(&r, NULL, 3, 0), CUR_EINVAL);
    cr_assert_eq(cur_json_reader_init(&r, "1", 1, -1), CUR_EINVAL);
    cr_assert_eq(cur_json_reader_init(&r, "1", 1, CUR_JSON_MAX_DEPTH + 1),
                 CUR_EINVAL);
    cr_assert_eq(cur_json_validate(NULL, 0, 0, &e), CUR_EPARSE); /* empty */
    cr_assert_eq(cur_json_validate("1", -5, 0, &e), CUR_EINVAL);
    cr_assert_eq(e.code, CUR_EINVAL);
}

Test(json, error_position)
{
    const char *doc = "{\n"
                      "  \"name\": \"x\",\n"
                      "  \"ok\": tru\n"
                      "}\n";
    cur_json_error_t e;
    cr_assert_eq(check(doc, &e), CUR_EPARSE);
    cr_assert_eq(e.line, 3);
    cr_assert_eq(e.column, 9);
    cr_assert_eq(e.offset, (ptrdiff_t)(strstr(doc, "tru") - doc));
    cr_assert_str_eq(e.message, "invalid literal (expected true)");

    /* At the end of input the position is just past the last byte. */
    cr_assert_eq(check("[1,\n2", &e), CUR_EPARSE);
    cr_assert_eq(e.line, 2);
    cr_assert_eq(e.column, 2);
    cr_assert_eq(e.offset, 5);

    /* Line and column of the first byte. */
    cr_assert_eq(check("x", &e), CUR_EPARSE);
    cr_assert_eq(e.line, 1);
    cr_assert_eq(e.column, 1);
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */
/* ------------------------------------------------------------------------ */

Test(json, token_stream)
{
    const char *doc = " {\"k\\n\": [1.5, \"s\", true, false, null, {}], \"e\": -0}";
    static const struct {
        cur_json_type_t type;
        const char *raw;
        ptrdiff_t offset;
    } want[] = {
        {CUR_JSON_OBJECT_BEGIN, "{", 1}, {CUR_JSON_KEY, "k\\n", 2},
        {CUR_JSON_ARRAY_BEGIN, "[", 9},  {CUR_JSON_NUMBER, "1.5", 10},
        {CUR_JSON_STRING, "s", 15},      {CUR_JSON_TRUE, "true", 20},
        {CUR_JSON_FALSE, "false", 26},   {CUR_JSON_NULL, "null", 33},
        {CUR_JSON_OBJECT_BEGIN, "{", 39}, {CUR_JSON_OBJECT_END, "}", 40},
        {CUR_JSON_ARRAY_END, "]", 41},   {CUR_JSON_KEY, "e", 44},
        {CUR_JSON_NUMBER, "-0", 49},     {CUR_JSON_OBJECT_END, "}", 51},
    };
    cur_json_reader_t r;
    cur_json_token_t t, p;
    reader(&r, doc);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        cr_assert_eq(cur_json_peek(&r, &p), 1);
        cr_assert_eq(cur_json_peek(&r, &p), 1); /* peeking twice is one */
        cr_assert_eq(cur_json_next(&r, &t), 1, "token %zu", i);
        cr_assert_eq(t.type, want[i].type, "token %zu", i);
        cr_assert_eq(p.type, t.type);
        cr_assert_eq(p.offset, t.offset);
        cr_assert(cur_str_eq(t.raw, cur_str_from_cstr(want[i].raw)),
                  "token %zu raw [%.*s]", i, (int)t.raw.len, t.raw.ptr);
        cr_assert_eq(t.offset, want[i].offset, "token %zu offset %td", i,
                     t.offset);
        cr_assert_eq(cur_json_reader_offset(&r), t.offset);
    }
    cr_assert_eq(cur_json_peek(&r, &p), 0);
    cr_assert_eq(cur_json_next(&r, &t), 0);
    cr_assert_eq(t.type, CUR_JSON_NONE);
    cr_assert_eq(cur_json_next(&r, &t), 0); /* and stays at the end */
    cr_assert_eq(cur_json_reader_end(&r), 0);
}

Test(json, token_flags_and_lengths)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, "[\"plain\", \"\\u00e9\\ud83d\\ude00\\t\", 12, -3.5, 1e3]");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(t.flags, 0u);
    cr_assert_eq(t.decoded_len, 5);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert(t.flags & CUR_JSON_ESCAPED);
    cr_assert_eq(t.decoded_len, 2 + 4 + 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert(t.flags & CUR_JSON_INTEGER);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_not(t.flags & CUR_JSON_INTEGER);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_not(t.flags & CUR_JSON_INTEGER);
}

Test(json, errors_are_sticky)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, "[1, x, 2]");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    t.type = CUR_JSON_TRUE;
    cr_assert_eq(cur_json_next(&r, &t), CUR_EPARSE);
    cr_assert_eq(t.type, CUR_JSON_TRUE, "not written on error");
    cr_assert_eq(cur_json_next(&r, &t), CUR_EPARSE);
    cr_assert_eq(cur_json_peek(&r, &t), CUR_EPARSE);
    cr_assert_eq(cur_json_skip(&r), CUR_EPARSE);
    cr_assert_eq(cur_json_reader_end(&r), CUR_EPARSE);
    /* A later failure does not replace the first. */
    cr_assert_eq(cur_json_fail(&r, 0, CUR_ERANGE, "later"), CUR_EPARSE);
    cr_assert_eq(cur_json_reader_error(&r)->offset, 4);
}

Test(json, fail_records_callers_error)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, "{\n \"port\": 99999}");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_fail(&r, t.offset, CUR_ERANGE, "port %d too big",
                               99999),
                 CUR_ERANGE);
    const cur_json_error_t *e = cur_json_reader_error(&r);
    cr_assert_eq(e->code, CUR_ERANGE);
    cr_assert_eq(e->line, 2);
    cr_assert_eq(e->column, 10);
    cr_assert_str_eq(e->message, "port 99999 too big");
    cr_assert_eq(cur_json_next(&r, &t), CUR_ERANGE);
    /* Offsets are clamped into the input. */
    reader(&r, "[]");
    cur_json_fail(&r, 99, CUR_EINVAL, "x");
    cr_assert_eq(cur_json_reader_error(&r)->offset, 2);
}

Test(json, reader_end)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, "[1] ,");
    cr_assert_eq(cur_json_skip(&r), 0);
    cr_assert_eq(cur_json_reader_end(&r), CUR_EPARSE);
    cr_assert_eq(cur_json_reader_error(&r)->offset, 4);
    reader(&r, "[1, 2]");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_reader_end(&r), CUR_EINVAL);
    reader(&r, " 7 \n");
    cr_assert_eq(cur_json_peek(&r, &t), 1);
    cr_assert_eq(cur_json_reader_end(&r), CUR_EINVAL); /* peeked, not read */
    reader(&r, " 7 \n");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_reader_end(&r), 0);
}

Test(json, skip)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    const char *doc = "[{\"a\":[1,{\"b\":[]}],\"c\":\"d\"}, 5]";
    reader(&r, doc);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_skip(&r), 0);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(t.type, CUR_JSON_NUMBER);
    cr_assert_eq(t.offset, (ptrdiff_t)(strchr(doc, '5') - doc));
    cr_assert_eq(cur_json_skip(&r), CUR_EINVAL); /* a ']' is no value */
    reader(&r, "{\"a\":[1,2,}");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_skip(&r), CUR_EPARSE); /* skipping checks syntax */
}

/* ------------------------------------------------------------------------ */
/* Decoding strings                                                         */
/* ------------------------------------------------------------------------ */

Test(json, string_decoding)
{
    const char *doc = "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u0041\\u00e9"
                      "\\u20ac\\ud83d\\ude00\\u0000z\xc3\xa9\"";
    const char want[] = "a\"b\\c/d\be\ff\ng\rh\tiA\xc3\xa9\xe2\x82\xac"
                        "\xf0\x9f\x98\x80\0z\xc3\xa9";
    ptrdiff_t want_len = CUR_SIZEOF(want) - 1;
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, doc);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(t.decoded_len, want_len);
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR(">")), 0);
    cr_assert_eq(cur_json_token_string(&t, &s), 0);
    cr_assert_eq(s.len, want_len + 1);
    cr_assert_eq(memcmp(s.ptr + 1, want, (size_t)want_len), 0);
    cr_assert(cur_json_token_eq(&t, (cur_str_t){want, want_len}));
    cr_assert_not(cur_json_token_eq(&t, (cur_str_t){want, want_len - 1}));
    char other[sizeof want];
    memcpy(other, want, sizeof want);
    other[want_len - 1] = 'x';
    cr_assert_not(cur_json_token_eq(&t, (cur_str_t){other, want_len}));
    char buf[64];
    memset(buf, '#', sizeof buf);
    cr_assert_eq(cur_json_token_copy(&t, buf, want_len), CUR_ERANGE);
    cr_assert_eq(buf[0], '#', "untouched when it does not fit");
    cr_assert_eq(cur_json_token_copy(&t, buf, want_len + 1), 0);
    cr_assert_eq(memcmp(buf, want, (size_t)want_len + 1), 0);
    cr_assert_eq(cur_json_token_copy(&t, buf, -1), CUR_EINVAL);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, key_comparison)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, "{\"na\\u006de\": 1, \"\": 2}");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(t.type, CUR_JSON_KEY);
    cr_assert(cur_json_token_eq(&t, CUR_STR("name")));
    cr_assert_not(cur_json_token_eq(&t, CUR_STR("nam")));
    cr_assert_not(cur_json_token_eq(&t, CUR_STR("namf")));
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert(cur_json_token_eq(&t, CUR_STR("")));
    cr_assert_not(cur_json_token_eq(&t, CUR_STR("x")));
}

Test(json, decoding_a_number_token_panics, .signal = SIGABRT)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    cur_string_t s = {0};
    reader(&r, "1");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    (void)cur_json_token_string(&t, &s);
}

Test(json, converting_a_string_token_panics, .signal = SIGABRT)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    int64_t v;
    reader(&r, "\"1\"");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    (void)cur_json_token_i64(&t, &v);
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */
/* ------------------------------------------------------------------------ */

/* The single number token of s. */
static cur_json_token_t number(const char *s)
{
    static cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, s);
    cr_assert_eq(cur_json_next(&r, &t), 1, "[%s]", s);
    cr_assert_eq(t.type, CUR_JSON_NUMBER);
    return t;
}

Test(json, integers)
{
    static const struct {
        const char *text;
        int rc;
        int64_t v;
    } i64[] = {
        {"0", 0, 0},
        {"-0", 0, 0},
        {"42", 0, 42},
        {"-42", 0, -42},
        {"9223372036854775807", 0, INT64_MAX},
        {"-9223372036854775808", 0, INT64_MIN},
        {"9223372036854775808", CUR_ERANGE, 0},
        {"-9223372036854775809", CUR_ERANGE, 0},
        {"99999999999999999999999999999999999999", CUR_ERANGE, 0},
        {"1.0", CUR_EINVAL, 0},
        {"1e2", CUR_EINVAL, 0},
        {"1E-0", CUR_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof i64 / sizeof *i64; i++) {
        cur_json_token_t t = number(i64[i].text);
        int64_t v = 7;
        cr_assert_eq(cur_json_token_i64(&t, &v), i64[i].rc, "[%s]", i64[i].text);
        cr_assert_eq(v, i64[i].rc ? 7 : i64[i].v, "[%s]", i64[i].text);
    }
    static const struct {
        const char *text;
        int rc;
        uint64_t v;
    } u64[] = {
        {"0", 0, 0},
        {"-0", 0, 0},
        {"18446744073709551615", 0, UINT64_MAX},
        {"18446744073709551616", CUR_ERANGE, 0},
        {"-1", CUR_ERANGE, 0},
        {"-18446744073709551616", CUR_ERANGE, 0},
        {"0.5", CUR_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof u64 / sizeof *u64; i++) {
        cur_json_token_t t = number(u64[i].text);
        uint64_t v = 7;
        cr_assert_eq(cur_json_token_u64(&t, &v), u64[i].rc, "[%s]", u64[i].text);
        cr_assert_eq(v, u64[i].rc ? 7 : u64[i].v);
    }
}

Test(json, doubles)
{
    static const struct {
        const char *text;
        int rc;
        double v;
    } cases[] = {
        {"0", 0, 0.0},
        {"0.1", 0, 0.1},
        {"-2.5e-3", 0, -2.5e-3},
        {"1E+2", 0, 100.0},
        {"1.7976931348623157e308", 0, DBL_MAX},
        {"2.2250738585072014e-308", 0, DBL_MIN},
        {"4.9406564584124654e-324", 0, 4.9406564584124654e-324},
        {"1e-400", 0, 0.0},
        {"1.8e308", CUR_ERANGE, 0},
        {"1e400", CUR_ERANGE, 0},
        {"-1e400", CUR_ERANGE, 0},
        {"123456789012345678901234567890", 0, 1.2345678901234568e29},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cur_json_token_t t = number(cases[i].text);
        double v = 7;
        cr_assert_eq(cur_json_token_double(&t, &v), cases[i].rc, "[%s]",
                     cases[i].text);
        cr_assert_eq(v, cases[i].rc ? 7 : cases[i].v, "[%s] gives %.17g",
                     cases[i].text, v);
    }
    double v;
    cur_json_token_t t = number("-0");
    cr_assert_eq(cur_json_token_double(&t, &v), 0);
    cr_assert(signbit(v), "-0 keeps its sign");
    float f = 7;
    t = number("3.4028235e38");
    cr_assert_eq(cur_json_token_float(&t, &f), 0);
    cr_assert_eq(f, FLT_MAX);
    t = number("3.5e38");
    cr_assert_eq(cur_json_token_float(&t, &f), CUR_ERANGE);
    t = number("0.1");
    cr_assert_eq(cur_json_token_float(&t, &f), 0);
    cr_assert_eq(f, 0.1f, "correctly rounded to float, not through double");
}

Test(json, long_numerals)
{
    /* "0.1" and 1996 more zeros: inside an array it converts; as the very
     * end of the input it is refused (no byte follows to stop strtod). */
    static char buf[2100];
    strcpy(buf, "[0.1");
    memset(buf + 4, '0', 1996);
    strcpy(buf + 2000, "]");
    cur_json_reader_t r;
    cur_json_token_t t;
    double v = 0;
    reader(&r, buf);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(t.raw.len, 1999);
    cr_assert_eq(cur_json_token_double(&t, &v), 0);
    cr_assert_eq(v, 0.1);
    buf[2000] = '\0'; /* now the numeral ends the input */
    t = number(buf + 1);
    v = 7;
    cr_assert_eq(cur_json_token_double(&t, &v), CUR_ERANGE);
    cr_assert_eq(v, 7);
    buf[2000] = ' ';
    t = number(buf + 1);
    cr_assert_eq(cur_json_token_double(&t, &v), 0);
    cr_assert_eq(v, 0.1);
}

/* A locale with a decimal comma, built for this test (skipped where the
 * locale sources or localedef are missing). */
Test(json, numbers_ignore_the_locale, .timeout = 60)
{
    char dir[] = "/tmp/cur-json-locale-XXXXXX";
    cr_assert_neq(mkdtemp(dir), NULL);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
             dir);
    (void)system(cmd); /* may warn and exit 1, yet build the locale */
    setenv("LOCPATH", dir, 1);
    const char *set = setlocale(LC_NUMERIC, "de_DE.UTF-8");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (!set) {
        (void)system(cmd);
        cr_skip_test("cannot build a de_DE locale here");
    }
    cr_assert_str_eq(localeconv()->decimal_point, ",");
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 1.5);
    cr_assert_str_eq(probe, "1,5", "the locale is really in effect");

    cur_json_token_t t;
    cur_json_reader_t r;
    reader(&r, "[1.5, 2.25]");
    double v;
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert_eq(cur_json_read_double(&r, NULL, &v), 0);
    cr_assert_eq(v, 1.5);
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), 0);
    cr_assert_eq(cur_json_write_double(&w, 2.25), 0);
    cr_assert_eq(cur_json_write_float(&w, 0.5f), 0);
    cr_assert_eq(cur_json_write_array_end(&w), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "[2.25,0.5]");
    cur_string_destroy(&s);
    setlocale(LC_NUMERIC, "C");
    (void)system(cmd);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Typed reads and containers                                               */
/* ------------------------------------------------------------------------ */

Test(json, typed_reads)
{
    cur_json_reader_t r;
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    float f = 0;
    bool b = false;
    char small[4];
    reader(&r, "[-128, 255, 2.5, 0.25, true, \"abc\"]");
    cr_assert_eq(cur_json_read_array(&r, "list"), 0);
    cr_assert_eq(cur_json_read_i64(&r, "a", -128, 127, &i), 0);
    cr_assert_eq(i, -128);
    cr_assert_eq(cur_json_read_u64(&r, "b", 255, &u), 0);
    cr_assert_eq(u, 255);
    cr_assert_eq(cur_json_read_double(&r, "c", &d), 0);
    cr_assert_eq(d, 2.5);
    cr_assert_eq(cur_json_read_float(&r, "d", &f), 0);
    cr_assert_eq(f, 0.25f);
    cr_assert_eq(cur_json_read_bool(&r, "e", &b), 0);
    cr_assert(b);
    cr_assert_eq(cur_json_read_chars(&r, "f", small, 4), 0);
    cr_assert_str_eq(small, "abc");
    cr_assert_eq(cur_json_array_next(&r), 0);
    cr_assert_eq(cur_json_reader_end(&r), 0);
}

Test(json, typed_read_errors)
{
    static const struct {
        const char *doc;
        int which; /* 0 i64 [-10,10], 1 u64 <= 10, 2 double, 3 bool, 4
                      chars[4], 5 string, 6 object, 7 array, 8 float */
        int code;
        const char *message;
    } cases[] = {
        {"\"1\"", 0, CUR_EINVAL, "n: expected an integer, found a string"},
        {"1.5", 0, CUR_EINVAL, "n: expected an integer, found 1.5"},
        {"11", 0, CUR_ERANGE, "n: integer 11 out of range [-10, 10]"},
        {"-11", 0, CUR_ERANGE, "n: integer -11 out of range [-10, 10]"},
        {"99999999999999999999", 0, CUR_ERANGE,
         "n: integer 99999999999999999999 out of range [-10, 10]"},
        {"-1", 1, CUR_ERANGE, "n: integer -1 out of range [0, 10]"},
        {"null", 1, CUR_EINVAL, "n: expected an unsigned integer, found null"},
        {"1e999", 2, CUR_ERANGE, "n: number 1e999 out of range for a double"},
        {"[]", 2, CUR_EINVAL, "n: expected a number, found an array"},
        {"1", 3, CUR_EINVAL, "n: expected true or false, found a number"},
        {"\"abcd\"", 4, CUR_ERANGE,
         "n: a string of 4 bytes does not fit in char[4]"},
        {"\"a\\u0000\"", 4, CUR_EINVAL,
         "n: a string holding \\u0000 does not fit in a C string"},
        {"true", 5, CUR_EINVAL, "n: expected a string, found true"},
        {"[]", 6, CUR_EINVAL, "n: expected an object, found an array"},
        {"{}", 7, CUR_EINVAL, "n: expected an array, found an object"},
        {"1e39", 8, CUR_ERANGE, "n: number 1e39 out of range for a float"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cur_json_reader_t r;
        int64_t iv = 5;
        uint64_t uv = 5;
        double dv = 5;
        float fv = 5;
        bool bv = true;
        char cv[4] = "xyz";
        cur_string_t sv = {0};
        int rc = 0;
        reader(&r, cases[i].doc);
        switch (cases[i].which) {
        case 0: rc = cur_json_read_i64(&r, "n", -10, 10, &iv); break;
        case 1: rc = cur_json_read_u64(&r, "n", 10, &uv); break;
        case 2: rc = cur_json_read_double(&r, "n", &dv); break;
        case 3: rc = cur_json_read_bool(&r, "n", &bv); break;
        case 4: rc = cur_json_read_chars(&r, "n", cv, 4); break;
        case 5: rc = cur_json_read_string(&r, "n", &sv); break;
        case 6: rc = cur_json_read_object(&r, "n"); break;
        case 7: rc = cur_json_read_array(&r, "n"); break;
        case 8: rc = cur_json_read_float(&r, "n", &fv); break;
        }
        cr_assert_eq(rc, cases[i].code, "case %zu: %s", i, cur_err_name(rc));
        cr_assert_str_eq(cur_json_reader_error(&r)->message, cases[i].message,
                         "case %zu", i);
        cr_assert_eq(cur_json_reader_error(&r)->offset, 0);
        cr_assert(iv == 5 && uv == 5 && dv == 5 && fv == 5 && bv,
                  "out-params untouched");
        cr_assert_str_eq(cv, "xyz");
        cr_assert_null(sv.ptr);
    }
    /* Without a `what`, no prefix. */
    cur_json_reader_t r;
    bool b;
    reader(&r, "0");
    cr_assert_eq(cur_json_read_bool(&r, NULL, &b), CUR_EINVAL);
    cr_assert_str_eq(cur_json_reader_error(&r)->message,
                     "expected true or false, found a number");
}

Test(json, objects_and_arrays)
{
    const char *doc = "{\"port\": 8080, \"skip\": {\"x\": [1, {}]}, "
                      "\"hosts\": [\"a\", \"b\\u0063\"], \"\\u006eame\": \"n\"}";
    cur_json_reader_t r;
    cur_json_token_t key;
    int64_t port = 0;
    char hosts[3][4] = {{0}};
    ptrdiff_t nhosts = 0;
    cur_string_t name;
    cur_string_init(&name, &cur_test_alloc);
    reader(&r, doc);
    int rc = cur_json_read_object(&r, "config");
    while (rc == 0 && (rc = cur_json_read_key(&r, &key)) > 0) {
        if (cur_json_token_eq(&key, CUR_STR("port"))) {
            rc = cur_json_read_i64(&r, "port", 1, 65535, &port);
        } else if (cur_json_token_eq(&key, CUR_STR("hosts"))) {
            rc = cur_json_read_array(&r, "hosts");
            while (rc == 0 && (rc = cur_json_array_next(&r)) > 0)
                rc = cur_json_read_chars(&r, "host", hosts[nhosts++], 4);
        } else if (cur_json_token_eq(&key, CUR_STR("name"))) {
            rc = cur_json_read_string(&r, "name", &name);
        } else {
            rc = cur_json_skip(&r);
        }
    }
    cr_assert_eq(rc, 0, "%s", cur_json_reader_error(&r)->message);
    cr_assert_eq(cur_json_reader_end(&r), 0);
    cr_assert_eq(port, 8080);
    cr_assert_eq(nhosts, 2);
    cr_assert_str_eq(hosts[0], "a");
    cr_assert_str_eq(hosts[1], "bc");
    cr_assert_str_eq(cur_string_cstr(&name), "n");
    cur_string_destroy(&name);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, array_len_counts_without_moving)
{
    cur_json_reader_t r;
    ptrdiff_t n = -1;
    int64_t v;
    reader(&r, "[[], [1, [2, 3], {\"a\": [4]}], \"x\", 5]");
    cr_assert_eq(cur_json_read_array_len(&r, "outer", &n), 0);
    cr_assert_eq(n, 4);
    cr_assert_eq(cur_json_read_array_len(&r, "first", &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_eq(cur_json_array_next(&r), 0);
    cr_assert_eq(cur_json_read_array_len(&r, "second", &n), 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(cur_json_read_i64(&r, NULL, 0, 9, &v), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(cur_json_skip(&r), 0);
    cr_assert_eq(cur_json_skip(&r), 0);
    cr_assert_eq(cur_json_array_next(&r), 0);
    cr_assert_eq(cur_json_skip(&r), 0);
    cr_assert_eq(cur_json_read_i64(&r, NULL, 0, 9, &v), 0);
    cr_assert_eq(v, 5);
    cr_assert_eq(cur_json_array_next(&r), 0);
    cr_assert_eq(cur_json_reader_end(&r), 0);

    /* A syntax error inside the counted array is the reader's error, at
     * its real position. */
    reader(&r, "[1, 2, [3,, 4]]");
    n = -1;
    cr_assert_eq(cur_json_read_array_len(&r, "a", &n), CUR_EPARSE);
    cr_assert_eq(n, -1);
    cr_assert_eq(cur_json_reader_error(&r)->offset, 10);
    cur_json_token_t t;
    cr_assert_eq(cur_json_next(&r, &t), CUR_EPARSE);
}

Test(json, key_outside_an_object_is_an_error)
{
    cur_json_reader_t r;
    cur_json_token_t key;
    reader(&r, "[1]");
    cr_assert_eq(cur_json_read_array(&r, NULL), 0);
    cr_assert_eq(cur_json_read_key(&r, &key), CUR_EINVAL);
    reader(&r, "{\"a\": 1}");
    cr_assert_eq(cur_json_read_object(&r, NULL), 0);
    cr_assert_eq(cur_json_array_next(&r), CUR_EINVAL);
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                   */
/* ------------------------------------------------------------------------ */

/* Writes the document the writer tests share. */
static int write_doc(cur_json_writer_t *w)
{
    int rc = 0;
    rc |= cur_json_write_object_begin(w);
    rc |= cur_json_write_key(w, CUR_STR("name"));
    rc |= cur_json_write_string(w, CUR_STR("caf\xc3\xa9 \"q\"\n"));
    rc |= cur_json_write_key(w, CUR_STR("n"));
    rc |= cur_json_write_i64(w, -42);
    rc |= cur_json_write_key(w, CUR_STR("list"));
    rc |= cur_json_write_array_begin(w);
    rc |= cur_json_write_u64(w, UINT64_MAX);
    rc |= cur_json_write_double(w, 0.1);
    rc |= cur_json_write_bool(w, true);
    rc |= cur_json_write_null(w);
    rc |= cur_json_write_array_begin(w);
    rc |= cur_json_write_array_end(w);
    rc |= cur_json_write_object_begin(w);
    rc |= cur_json_write_object_end(w);
    rc |= cur_json_write_array_end(w);
    rc |= cur_json_write_key(w, CUR_STR("k\x01"));
    rc |= cur_json_write_object_begin(w);
    rc |= cur_json_write_key(w, CUR_STR("x"));
    rc |= cur_json_write_bool(w, false);
    rc |= cur_json_write_object_end(w);
    rc |= cur_json_write_object_end(w);
    return rc;
}

Test(json, writer_compact)
{
    cur_string_t s;
    cur_json_writer_t w;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(write_doc(&w), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(text_of(&s),
                     "{\"name\":\"caf\xc3\xa9 \\\"q\\\"\\n\",\"n\":-42,"
                     "\"list\":[18446744073709551615,0.1,true,null,[],{}],"
                     "\"k\\u0001\":{\"x\":false}}");
    cr_assert_eq(check(text_of(&s), NULL), 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_indented)
{
    cur_string_t s;
    cur_json_writer_t w;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_json_writer_init(&w, &s, 2), 0);
    cr_assert_eq(write_doc(&w), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(text_of(&s), "{\n"
                                  "  \"name\": \"caf\xc3\xa9 \\\"q\\\"\\n\",\n"
                                  "  \"n\": -42,\n"
                                  "  \"list\": [\n"
                                  "    18446744073709551615,\n"
                                  "    0.1,\n"
                                  "    true,\n"
                                  "    null,\n"
                                  "    [],\n"
                                  "    {}\n"
                                  "  ],\n"
                                  "  \"k\\u0001\": {\n"
                                  "    \"x\": false\n"
                                  "  }\n"
                                  "}");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_scalars_at_top_level)
{
    static const struct {
        double v;
        const char *text;
    } dbl[] = {
        {0.0, "0"},          {-0.0, "-0"},          {1.0, "1"},
        {0.1, "0.1"},        {1.5e300, "1.5e+300"}, {-2.5e-7, "-2.5e-07"},
        {1.0 / 3, "0.3333333333333333"},           {DBL_MAX, "1.7976931348623157e+308"},
        {5e-324, "5e-324"},  {123456789.0, "123456789"},
        {1e21, "1e+21"},     {100.0, "100"},        {1e16, "10000000000000000"},
        {1e17, "1e+17"},     {-1200.0, "-1200"},    {0.0001, "0.0001"},
        {1e-5, "1e-05"},     {1e-300, "1e-300"},
    };
    for (size_t i = 0; i < sizeof dbl / sizeof *dbl; i++) {
        cur_string_t s;
        cur_json_writer_t w;
        cur_string_init(&s, &cur_test_alloc);
        cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
        cr_assert_eq(cur_json_write_double(&w, dbl[i].v), 0);
        cr_assert_eq(cur_json_writer_finish(&w), 0);
        cr_assert_str_eq(cur_string_cstr(&s), dbl[i].text, "case %zu", i);
        cr_assert_eq(check(cur_string_cstr(&s), NULL), 0);
        cur_string_destroy(&s);
    }
    cur_string_t s;
    cur_json_writer_t w;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_float(&w, 0.1f), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "0.1");
    cur_string_clear(&s);
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_i64(&w, INT64_MIN), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "-9223372036854775808");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_escapes_every_control_character)
{
    char in[32];
    for (int i = 0; i < 32; i++) in[i] = (char)i;
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_string(&w, (cur_str_t){in, 32}), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(cur_string_cstr(&s),
                     "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
                     "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012"
                     "\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a"
                     "\\u001b\\u001c\\u001d\\u001e\\u001f\"");
    /* Read back: the same 32 bytes. */
    cur_json_reader_t r;
    cur_json_token_t t;
    reader(&r, cur_string_cstr(&s));
    cr_assert_eq(cur_json_next(&r, &t), 1);
    cr_assert(cur_json_token_eq(&t, (cur_str_t){in, 32}));
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_data_errors_roll_back)
{
    static const int codes[] = {CUR_EUTF8, CUR_EUTF8, CUR_EDOM, CUR_EDOM,
                                CUR_EDOM, CUR_EINVAL, CUR_EINVAL};
    for (int k = 0; k < 7; k++) {
        cur_string_t s;
        cur_json_writer_t w;
        cur_string_init(&s, &cur_test_alloc);
        cr_assert_eq(cur_string_push_str(&s, CUR_STR("keep:")), 0);
        cr_assert_eq(cur_json_writer_init(&w, &s, 2), 0);
        cr_assert_eq(cur_json_write_array_begin(&w), 0);
        cr_assert_eq(cur_json_write_i64(&w, 1), 0);
        int rc = 0;
        switch (k) {
        case 0: rc = cur_json_write_string(&w, CUR_STR("bad \xff")); break;
        case 1:
            cr_assert_eq(cur_json_write_object_begin(&w), 0);
            rc = cur_json_write_key(&w, CUR_STR("\xc3"));
            break;
        case 2: rc = cur_json_write_double(&w, NAN); break;
        case 3: rc = cur_json_write_double(&w, -INFINITY); break;
        case 4: rc = cur_json_write_float(&w, INFINITY); break;
        case 5: rc = cur_json_write_chars(&w, "abc", 3); break;
        case 6: rc = cur_json_writer_fail(&w, CUR_EINVAL); break;
        }
        cr_assert_eq(rc, codes[k], "case %d", k);
        /* Failed: everything after returns the code and writes nothing. */
        cr_assert_eq(cur_json_write_i64(&w, 2), codes[k]);
        cr_assert_eq(cur_json_write_array_end(&w), codes[k]);
        cr_assert_eq(cur_json_writer_fail(&w, CUR_ENOSPC), codes[k]);
        cr_assert_eq(cur_json_writer_finish(&w), codes[k]);
        cr_assert_str_eq(cur_string_cstr(&s), "keep:", "rolled back");
        cur_string_destroy(&s);
    }
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 17), CUR_EINVAL);
    cr_assert_eq(cur_json_write_null(&w), CUR_EINVAL);
    cr_assert_eq(cur_json_writer_finish(&w), CUR_EINVAL);
    cr_assert_eq(cur_json_writer_init(&w, &s, -1), CUR_EINVAL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_depth_limit)
{
    cur_string_t s;
    cur_string_init(&s, &cur_test_alloc);
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    for (int i = 0; i < CUR_JSON_MAX_DEPTH; i++)
        cr_assert_eq(cur_json_write_array_begin(&w), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), CUR_EOVERFLOW);
    cr_assert_eq(cur_json_writer_finish(&w), CUR_EOVERFLOW);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(cur_json_writer_init(&w, &s, 1), 0);
    for (int i = 0; i < CUR_JSON_MAX_DEPTH; i++)
        cr_assert_eq(cur_json_write_array_begin(&w), 0);
    for (int i = 0; i < CUR_JSON_MAX_DEPTH; i++)
        cr_assert_eq(cur_json_write_array_end(&w), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_eq(cur_json_validate(s.ptr, s.len, CUR_JSON_MAX_DEPTH, NULL), 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, writer_value_without_key_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_object_begin(&w), 0);
    (void)cur_json_write_i64(&w, 1);
}

Test(json, writer_key_outside_object_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), 0);
    (void)cur_json_write_key(&w, CUR_STR("k"));
}

Test(json, writer_second_top_level_value_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_null(&w), 0);
    (void)cur_json_write_null(&w);
}

Test(json, writer_mismatched_end_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), 0);
    (void)cur_json_write_object_end(&w);
}

Test(json, writer_unfinished_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), 0);
    (void)cur_json_writer_finish(&w);
}

Test(json, writer_key_without_value_panics, .signal = SIGABRT)
{
    cur_string_t s = {0};
    cur_json_writer_t w;
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    cr_assert_eq(cur_json_write_object_begin(&w), 0);
    cr_assert_eq(cur_json_write_key(&w, CUR_STR("k")), 0);
    (void)cur_json_write_object_end(&w);
}

/* ------------------------------------------------------------------------ */
/* Round trips                                                              */
/* ------------------------------------------------------------------------ */

/* A random valid UTF-8 string of up to 40 code points, control characters
 * and every length of encoding included. */
static ptrdiff_t random_utf8(char *buf)
{
    ptrdiff_t n = 0, count = rng_below(41);
    for (ptrdiff_t i = 0; i < count; i++) {
        uint32_t cp;
        switch (rng_below(5)) {
        case 0: cp = (uint32_t)rng_below(0x20); break;
        case 1: cp = (uint32_t)(0x20 + rng_below(0x60)); break;
        case 2: cp = (uint32_t)(0x80 + rng_below(0x780)); break;
        case 3: cp = (uint32_t)(0x800 + rng_below(0xF800)); break;
        default: cp = (uint32_t)(0x10000 + rng_below(0x100000)); break;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = '"';
        n += cur_utf8_encode(cp, buf + n);
    }
    return n;
}

Test(json, round_trip_random_values)
{
    rng_seed(20240611);
    for (int round = 0; round < 2000; round++) {
        char str[200];
        ptrdiff_t n = random_utf8(str);
        int64_t i64 = (int64_t)rng();
        uint64_t u64 = rng();
        double d;
        do {
            uint64_t bits = rng();
            memcpy(&d, &bits, sizeof d);
        } while (!isfinite(d));
        float f;
        do {
            uint32_t bits = (uint32_t)rng();
            memcpy(&f, &bits, sizeof f);
        } while (!isfinite(f));

        cur_string_t s;
        cur_json_writer_t w;
        cur_string_init(&s, &cur_test_alloc);
        cr_assert_eq(cur_json_writer_init(&w, &s, round % 3), 0);
        cr_assert_eq(cur_json_write_array_begin(&w), 0);
        cr_assert_eq(cur_json_write_string(&w, (cur_str_t){str, n}), 0);
        cr_assert_eq(cur_json_write_i64(&w, i64), 0);
        cr_assert_eq(cur_json_write_u64(&w, u64), 0);
        cr_assert_eq(cur_json_write_double(&w, d), 0);
        cr_assert_eq(cur_json_write_float(&w, f), 0);
        cr_assert_eq(cur_json_write_array_end(&w), 0);
        cr_assert_eq(cur_json_writer_finish(&w), 0);

        cur_json_reader_t r;
        cur_json_token_t t;
        int64_t ri;
        uint64_t ru;
        double rd;
        float rf;
        cr_assert_eq(cur_json_reader_init(&r, s.ptr, s.len, 0), 0);
        cr_assert_eq(cur_json_read_array(&r, NULL), 0);
        cr_assert_eq(cur_json_next(&r, &t), 1);
        cr_assert(cur_json_token_eq(&t, (cur_str_t){str, n}), "round %d", round);
        cr_assert_eq(cur_json_read_i64(&r, NULL, INT64_MIN, INT64_MAX, &ri), 0);
        cr_assert_eq(ri, i64);
        cr_assert_eq(cur_json_read_u64(&r, NULL, UINT64_MAX, &ru), 0);
        cr_assert_eq(ru, u64);
        cr_assert_eq(cur_json_read_double(&r, NULL, &rd), 0);
        cr_assert(rd == d && signbit(rd) == signbit(d), "round %d: %.17g", round, d);
        cr_assert_eq(cur_json_read_float(&r, NULL, &rf), 0);
        cr_assert(rf == f && signbit(rf) == signbit(f), "round %d: %.9g", round,
                  (double)f);
        cr_assert_eq(cur_json_array_next(&r), 0);
        cr_assert_eq(cur_json_reader_end(&r), 0);
        cur_string_destroy(&s);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/*
 * Mutations of valid documents: whatever the bytes, the reader returns 0
 * or a negative code with a position inside the input, never crashes, and
 * agrees with itself when run twice.
 */
Test(json, mutation_sweep)
{
    static const char *const seeds[] = {
        "{\"a\":[1,2.5e-3,{\"b\":null}],\"c\":\"x\\u00e9\\ud83d\\ude00\"}",
        "[true,false,null,-0,\"\\\"\\\\\",[[[]]],{}]",
        "\"caf\xc3\xa9\"",
    };
    rng_seed(7);
    char buf[128];
    for (int round = 0; round < 20000; round++) {
        const char *seed = seeds[round % 3];
        ptrdiff_t n = slen(seed);
        memcpy(buf, seed, (size_t)n);
        for (int k = 1 + (int)rng_below(3); k > 0; k--) {
            ptrdiff_t at = rng_below(n);
            switch (rng_below(3)) {
            case 0: buf[at] = (char)rng(); break;
            case 1: n = at; break; /* truncate */
            default: buf[at] = "[]{}\",:\\u0e-+. "[rng_below(16)]; break;
            }
            if (n == 0) break;
        }
        cur_json_error_t e1, e2;
        int rc1 = cur_json_validate(buf, n, 4, &e1);
        int rc2 = cur_json_validate(buf, n, 4, &e2);
        cr_assert_eq(rc1, rc2);
        if (rc1 == 0) continue;
        cr_assert(rc1 == CUR_EPARSE || rc1 == CUR_EUTF8 || rc1 == CUR_EOVERFLOW,
                  "%s", cur_err_name(rc1));
        cr_assert(e1.offset >= 0 && e1.offset <= n);
        cr_assert_eq(e1.offset, e2.offset);
        cr_assert_geq(e1.line, 1);
        cr_assert_geq(e1.column, 1);
        cr_assert_neq(e1.message[0], '\0');
    }
}

/* ------------------------------------------------------------------------ */
/* Allocation: OOM sweeps                                                   */
/* ------------------------------------------------------------------------ */

Test(json, oom_token_string)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    cur_string_t s;
    int rc;
    reader(&r, "\"a longer string with an escape \\u00e9 in it, past 8 bytes\"");
    cr_assert_eq(cur_json_next(&r, &t), 1);
    CUR_OOM_SWEEP(rc,
        {
            cur_string_init(&s, &cur_test_alloc);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("k")), 0);
        },
        { rc = cur_json_token_string(&t, &s); },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "k");
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("!")), 0);
        },
        {
            cr_assert_eq(s.len, 1 + t.decoded_len);
            cr_assert(cur_json_token_eq(&t, (cur_str_t){s.ptr + 1, s.len - 1}));
        },
        { cur_string_destroy(&s); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, oom_read_string)
{
    cur_json_reader_t r;
    cur_string_t s;
    int rc;
    CUR_OOM_SWEEP(rc,
        {
            reader(&r, "[\"twenty-four bytes long.\"]");
            cr_assert_eq(cur_json_read_array(&r, NULL), 0);
            cur_string_init(&s, &cur_test_alloc);
        },
        { rc = cur_json_read_string(&r, "s", &s); },
        {
            cr_assert_eq(s.len, 0);
            cr_assert_eq(cur_json_reader_error(&r)->code, CUR_ENOMEM);
            cr_assert_str_eq(cur_json_reader_error(&r)->message,
                             "s: cannot store a string of 23 bytes: out of "
                             "memory");
        },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "twenty-four bytes long.");
            cr_assert_eq(cur_json_array_next(&r), 0);
        },
        { cur_string_destroy(&s); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, oom_writer)
{
    cur_string_t s;
    cur_json_writer_t w;
    int rc;
    for (int indent = 0; indent <= 4; indent += 4) {
        CUR_OOM_SWEEP(rc,
            {
                cur_string_init(&s, &cur_test_alloc);
                cr_assert_eq(cur_string_push_str(&s, CUR_STR("pre")), 0);
            },
            {
                cr_assert_eq(cur_json_writer_init(&w, &s, indent), 0);
                (void)write_doc(&w);
                rc = cur_json_writer_finish(&w);
            },
            {
                cr_assert_str_eq(cur_string_cstr(&s), "pre");
                cr_assert_eq(cur_string_push_str(&s, CUR_STR("!")), 0);
            },
            {
                cr_assert_eq(cur_json_validate(s.ptr + 3, s.len - 3, 0, NULL),
                             0);
            },
            { cur_string_destroy(&s); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, oom_each_write_call)
{
    /* Each call alone: when its one allocation fails it appends nothing
     * and fails the writer. */
    cur_string_t s;
    cur_json_writer_t w;
    int rc;
    for (int which = 0; which < 9; which++) {
        CUR_OOM_SWEEP(rc,
            {
                cur_string_init(&s, &cur_test_alloc);
                cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
                if (which == 6) {
                    cr_assert_eq(cur_json_write_object_begin(&w), 0);
                }
            },
            {
                switch (which) {
                case 0: rc = cur_json_write_string(&w, CUR_STR("string")); break;
                case 1: rc = cur_json_write_i64(&w, -1); break;
                case 2: rc = cur_json_write_u64(&w, 1); break;
                case 3: rc = cur_json_write_double(&w, 1.5); break;
                case 4: rc = cur_json_write_float(&w, 1.5f); break;
                case 5: rc = cur_json_write_bool(&w, true); break;
                case 6:
                    rc = cur_json_write_key(&w, CUR_STR("a key that must grow"));
                    break;
                case 7: rc = cur_json_write_array_begin(&w); break;
                default: rc = cur_json_write_chars(&w, "ab", 3); break;
                }
            },
            {
                cr_assert_eq(s.len, which == 6 ? 1 : 0);
                cr_assert_eq(cur_json_writer_finish(&w), CUR_ENOMEM);
                cr_assert_eq(s.len, 0);
            },
            { cr_assert_gt(s.len, which == 6 ? 1 : 0); },
            { cur_string_destroy(&s); });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(json, array_alloc)
{
    void *p = (void *)1;
    int rc;
    cr_assert_eq(cur_json_array_alloc(&cur_test_alloc, 0, 8, &p), 0);
    cr_assert_null(p);
    cr_assert_eq(cur_json_array_alloc(&cur_test_alloc, -1, 8, &p), CUR_EINVAL);
    cr_assert_eq(cur_json_array_alloc(&cur_test_alloc, 1, 0, &p), CUR_EINVAL);
    cr_assert_eq(cur_json_array_alloc(&cur_test_alloc, PTRDIFF_MAX / 2, 4, &p),
                 CUR_EOVERFLOW);
    CUR_OOM_SWEEP(rc, { p = NULL; },
        { rc = cur_json_array_alloc(&cur_test_alloc, 10, 8, &p); },
        { cr_assert_null(p); },
        {
            for (int i = 0; i < 80; i++) cr_assert_eq(((char *)p)[i], 0);
        },
        { cur_json_array_free(&cur_test_alloc, p, 10, 8); });
    cur_json_array_free(&cur_test_alloc, NULL, 0, 8);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* The shortest round-trip form by brute force: fewest %g digits that read
 * back as v. The writer takes a shortcut for normal values (see
 * format_real); this checks that it matches. */
static void shortest_reference(double v, bool is_float, char *out)
{
    for (int p = 1; p <= (is_float ? 9 : 17); p++) {
        snprintf(out, 40, "%.*g", p, v);
        bool same = is_float ? strtof(out, NULL) == (float)v
                             : strtod(out, NULL) == v;
        if (same) return;
    }
}

static void written(double v, bool is_float, char *out)
{
    cur_string_t s;
    cur_json_writer_t w;
    cur_string_init(&s, &cur_test_alloc);
    cr_assert_eq(cur_json_writer_init(&w, &s, 0), 0);
    if (is_float)
        cr_assert_eq(cur_json_write_float(&w, (float)v), 0);
    else
        cr_assert_eq(cur_json_write_double(&w, v), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    snprintf(out, 64, "%s", cur_string_cstr(&s));
    cur_string_destroy(&s);
}

/* Significant digits of a number's text, ignoring leading and trailing
 * zeros, so that "510" (printed in full) and "5.1e+02" both count 2. */
static int significant_digits(const char *t)
{
    char d[64];
    int n = 0;
    for (; *t && *t != 'e' && n < 63; t++)
        if (*t >= '0' && *t <= '9' && (n > 0 || *t != '0')) d[n++] = *t;
    while (n > 0 && d[n - 1] == '0') n--;
    return n;
}

Test(json, shortest_double_form_matches_brute_force)
{
    rng_seed(0x5eed);
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = rng();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) continue;
        if (i % 4 == 0) v = (double)(int64_t)(rng() % 2000001) / 1000.0; /* short decimals */
        if (i % 8 == 1) v = ldexp((double)(rng() % 1000), -1074);        /* subnormals */
        char got[64], want[40];
        written(v, false, got);
        shortest_reference(v, false, want);
        cr_assert(strtod(got, NULL) == v, "%.17g printed as %s", v, got);
        /* Integers below 10^17 are printed in full by design (no
         * exponent), which may take one digit more than the shortest. */
        if (strpbrk(got, ".e"))
            cr_assert_leq(significant_digits(got), significant_digits(want),
                          "%.17g: wrote %s, shortest is %s", v, got, want);
    }
    for (int i = 0; i < 20000; i++) {
        uint32_t bits = (uint32_t)rng();
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f)) continue;
        char got[64], want[40];
        written(f, true, got);
        shortest_reference(f, true, want);
        cr_assert(strtof(got, NULL) == f, "%.9g printed as %s", (double)f, got);
        if (strpbrk(got, ".e"))
            cr_assert_leq(significant_digits(got), significant_digits(want),
                          "%.9g: wrote %s, shortest is %s", (double)f, got,
                          want);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}
