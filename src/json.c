/*
 * src/json.c: a strict RFC 8259 JSON reader and writer (lesson adv-4.2).
 *
 * Invariants of the reader:
 *   - 0 <= pos <= len; p[0..pos) has been tokenized and found well-formed
 *     so far; 0 <= depth <= max_depth <= CUR_JSON_MAX_DEPTH.
 *   - bit (d - 1) of stack is 1 when the container open at depth d is an
 *     object, 0 for an array; bits at depth and above mean nothing.
 *   - state says what the grammar allows next (ST_* below). ST_DONE only
 *     at depth 0, after the one top-level value.
 *   - once err.code != 0 the reader is failed: every call returns err.code
 *     and changes nothing. err is written once.
 *   - when peeked, peek is the next token and the state is already past it
 *     (the token has been validated; consuming it changes only `last`).
 *   - every string token handed out has been fully checked: its escapes
 *     are well-formed, surrogate escapes come in pairs, its raw bytes are
 *     valid UTF-8 with none below 0x20, and decoded_len is its decoded
 *     length. Decoding therefore cannot fail, and never re-checks.
 *
 * Invariants of the writer:
 *   - out->len >= start; out[start..len) is the text written so far, a
 *     prefix of a well-formed JSON value, unless err != 0.
 *   - stack and depth as in the reader; `empty` is true when the innermost
 *     open container has no member or element yet.
 *   - each call either appends its whole token (one reserve, then pushes
 *     that cannot fail) or appends nothing and fails the writer.
 *
 * Numbers are converted with strtod_l/strtof_l in the "C" locale and
 * formatted with snprintf under uselocale("C"), so that a program that
 * set LC_NUMERIC to a locale with a decimal comma reads and writes the
 * same JSON. glibc's newlocale returns its static C locale object for
 * "C" without allocating.
 */
#include <curriculum/json.h>

#include <curriculum/num.h>
#include <curriculum/panic.h>

#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"

typedef unsigned char u8;

/* What the reader's grammar allows next. */
enum {
    ST_VALUE,        /* a value: the top level, after ':' or an array ',' */
    ST_VALUE_OR_END, /* just after '[': a value or ']' */
    ST_KEY_OR_END,   /* just after '{': a key or '}' */
    ST_KEY,          /* after an object ',': a key */
    ST_COMMA_OR_END, /* after a member or element: ',' or the closer */
    ST_DONE,         /* the top-level value is complete */
};

/* Private token flag: the numeral is followed by a byte of the input. */
#define TOK_FOLLOWED 0x100u

/* ------------------------------------------------------------------------ */
/* The C locale                                                             */
/* ------------------------------------------------------------------------ */

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale_obj;

static void c_locale_init(void)
{
    c_locale_obj = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The "C" locale, or (locale_t)0 if it could not be made. */
static locale_t c_locale(void)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale_obj;
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static int vfail(cur_json_reader_t *r, ptrdiff_t at, int code,
                 const char *fmt, va_list ap)
{
    if (r->err.code) return r->err.code;
    if (at < 0) at = 0;
    if (at > r->len) at = r->len;
    cur_json_error_t *e = &r->err;
    e->code = code;
    e->offset = at;
    ptrdiff_t line = 1, line_start = 0;
    for (ptrdiff_t i = 0; i < at; i++) {
        if (r->p[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    e->line = line;
    e->column = at - line_start + 1;
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    r->peeked = false;
    return code;
}

static CUR_PRINTF(4, 5) int fail(cur_json_reader_t *r, ptrdiff_t at,
                                 int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(r, at, code, fmt, ap);
    va_end(ap);
    return rc;
}

int cur_json_fail(cur_json_reader_t *r, ptrdiff_t offset, int code,
                  const char *fmt, ...)
{
    CUR_ASSERT(r != NULL && fmt != NULL && code < 0);
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(r, offset, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* A short description of the byte at `at`, for messages. */
static const char *describe(const cur_json_reader_t *r, ptrdiff_t at,
                            char buf[24])
{
    if (at >= r->len) return "end of input";
    u8 c = (u8)r->p[at];
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, 24, "'%c'", c);
    else
        snprintf(buf, 24, "byte 0x%02X", c);
    return buf;
}

/* A description of a token's kind, for "expected X, found Y" messages. */
static const char *kind_name(cur_json_type_t t)
{
    switch (t) {
    case CUR_JSON_NONE: return "the end of input";
    case CUR_JSON_OBJECT_BEGIN: return "an object";
    case CUR_JSON_OBJECT_END: return "'}'";
    case CUR_JSON_ARRAY_BEGIN: return "an array";
    case CUR_JSON_ARRAY_END: return "']'";
    case CUR_JSON_KEY: return "a key";
    case CUR_JSON_STRING: return "a string";
    case CUR_JSON_NUMBER: return "a number";
    case CUR_JSON_TRUE: return "true";
    case CUR_JSON_FALSE: return "false";
    case CUR_JSON_NULL: return "null";
    }
    return "?";
}

/* "what: " when what is given, for message prefixes. */
#define WHAT_FMT "%s%s"
#define WHAT_ARG(what) (what) ? (what) : "", (what) ? ": " : ""

/* ------------------------------------------------------------------------ */
/* Reader: scanning                                                         */
/* ------------------------------------------------------------------------ */

static bool in_object(const cur_json_reader_t *r)
{
    int d = r->depth - 1;
    return d >= 0 && (r->stack[d / 64] >> (d % 64) & 1u);
}

static bool is_ws(u8 c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_digit(u8 c) { return c >= '0' && c <= '9'; }

static int hex_value(u8 c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The 4 hex digits at p[0..4), or -1. */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value((u8)p[i]);
        if (h < 0) return -1;
        v = v << 4 | h;
    }
    return v;
}

static int utf8_len(long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* Checks p[seg..end) as UTF-8; fails the reader at the first bad byte. */
static int check_utf8(cur_json_reader_t *r, ptrdiff_t seg, ptrdiff_t end)
{
    ptrdiff_t ok = 0;
    if (cur_utf8_validate(r->p + seg, end - seg, &ok) == 0) return 0;
    return fail(r, seg + ok, CUR_EUTF8, "invalid UTF-8 in a string");
}

/*
 * Scans the string whose opening quote is at r->pos. On success fills the
 * token's raw, flags and decoded_len and moves pos past the closing quote.
 */
static int scan_string(cur_json_reader_t *r, cur_json_token_t *tok)
{
    const char *p = r->p;
    ptrdiff_t len = r->len, start = r->pos + 1, i = start, seg = start;
    ptrdiff_t decoded = 0;
    unsigned flags = 0;
    bool high = false;
    for (;;) {
        if (i == len)
            return fail(r, i, CUR_EPARSE,
                        "unexpected end of input in a string (it starts at "
                        "byte %td)",
                        start - 1);
        u8 c = (u8)p[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            high |= c >= 0x80;
            i++;
            decoded++;
            continue;
        }
        if (c == '"') break;
        if (c < 0x20)
            return fail(r, i, CUR_EPARSE,
                        "raw control character 0x%02X in a string (write it "
                        "as an escape, such as \\n or \\u%04X)",
                        c, c);
        /* An escape. */
        if (high && check_utf8(r, seg, i) < 0) return r->err.code;
        high = false;
        flags |= CUR_JSON_ESCAPED;
        if (i + 1 == len)
            return fail(r, len, CUR_EPARSE,
                        "unexpected end of input in an escape");
        u8 e = (u8)p[i + 1];
        switch (e) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n':
        case 'r': case 't':
            decoded++;
            i += 2;
            break;
        case 'u': {
            long cp = len - i >= 6 ? hex4(p + i + 2) : -1;
            if (cp < 0)
                return fail(r, i, CUR_EPARSE,
                            "invalid \\u escape: expected 4 hex digits");
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail(r, i, CUR_EUTF8,
                            "lone low surrogate \\u%04lX (not after a high "
                            "surrogate \\uD800..\\uDBFF)",
                            cp);
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = -1;
                if (len - i >= 12 && p[i + 6] == '\\' && p[i + 7] == 'u')
                    lo = hex4(p + i + 8);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(r, i, CUR_EUTF8,
                                "lone high surrogate \\u%04lX (a \\uDC00.."
                                "\\uDFFF escape must follow it)",
                                cp);
                decoded += 4;
                i += 12;
            } else {
                decoded += utf8_len(cp);
                i += 6;
            }
            break;
        }
        default:
            return fail(r, i, CUR_EPARSE,
                        "invalid escape '\\%c' (valid: \\\" \\\\ \\/ \\b \\f "
                        "\\n \\r \\t \\uXXXX)",
                        e >= 0x20 && e < 0x7f ? e : '?');
        }
        seg = i;
    }
    if (high && check_utf8(r, seg, i) < 0) return r->err.code;
    tok->raw = (cur_str_t){p + start, i - start};
    tok->flags = flags;
    tok->decoded_len = decoded;
    r->pos = i + 1;
    return 0;
}

/* Scans the number at r->pos (a '-' or a digit). */
static int scan_number(cur_json_reader_t *r, cur_json_token_t *tok)
{
    const char *p = r->p;
    ptrdiff_t len = r->len, start = r->pos, i = start;
    char buf[24];
    unsigned flags = CUR_JSON_INTEGER;
    if (p[i] == '-') i++;
    if (i < len && p[i] == '0') {
        i++;
        if (i < len && is_digit((u8)p[i]))
            return fail(r, start, CUR_EPARSE,
                        "leading zeros are not allowed in a number");
    } else if (i < len && is_digit((u8)p[i])) {
        while (i < len && is_digit((u8)p[i])) i++;
    } else {
        return fail(r, i, CUR_EPARSE, "expected a digit after '-', found %s",
                    describe(r, i, buf));
    }
    if (i < len && p[i] == '.') {
        flags = 0;
        i++;
        if (i == len || !is_digit((u8)p[i]))
            return fail(r, i, CUR_EPARSE, "expected a digit after '.', found %s",
                        describe(r, i, buf));
        while (i < len && is_digit((u8)p[i])) i++;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        flags = 0;
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-')) i++;
        if (i == len || !is_digit((u8)p[i]))
            return fail(r, i, CUR_EPARSE,
                        "expected a digit in the exponent, found %s",
                        describe(r, i, buf));
        while (i < len && is_digit((u8)p[i])) i++;
    }
    if (i < len) flags |= TOK_FOLLOWED;
    tok->raw = (cur_str_t){p + start, i - start};
    tok->flags = flags;
    r->pos = i;
    return 0;
}

static int scan_literal(cur_json_reader_t *r, cur_json_token_t *tok)
{
    static const struct {
        const char *text;
        cur_json_type_t type;
    } lits[] = {{"true", CUR_JSON_TRUE},
                {"false", CUR_JSON_FALSE},
                {"null", CUR_JSON_NULL}};
    const char *at = r->p + r->pos;
    for (int k = 0; k < 3; k++) {
        if (at[0] != lits[k].text[0]) continue;
        ptrdiff_t n = (ptrdiff_t)strlen(lits[k].text);
        if (r->len - r->pos < n || memcmp(at, lits[k].text, (size_t)n) != 0)
            return fail(r, r->pos, CUR_EPARSE, "invalid literal (expected %s)",
                        lits[k].text);
        tok->type = lits[k].type;
        tok->raw = (cur_str_t){at, n};
        r->pos += n;
        return 0;
    }
    CUR_UNREACHABLE();
}

static void after_value(cur_json_reader_t *r)
{
    r->state = r->depth == 0 ? ST_DONE : ST_COMMA_OR_END;
}

static int push(cur_json_reader_t *r, bool object)
{
    if (r->depth == r->max_depth)
        return fail(r, r->pos, CUR_EOVERFLOW,
                    "nesting deeper than %d levels", r->max_depth);
    int d = r->depth++;
    uint64_t bit = (uint64_t)1 << (d % 64);
    if (object)
        r->stack[d / 64] |= bit;
    else
        r->stack[d / 64] &= ~bit;
    r->pos++;
    r->state = object ? ST_KEY_OR_END : ST_VALUE_OR_END;
    return 0;
}

/* Scans a value starting at r->pos (a non-whitespace byte). */
static int scan_value(cur_json_reader_t *r, cur_json_token_t *tok)
{
    u8 c = (u8)r->p[r->pos];
    char buf[24];
    int rc = 0;
    switch (c) {
    case '{':
        tok->type = CUR_JSON_OBJECT_BEGIN;
        tok->raw = (cur_str_t){r->p + r->pos, 1};
        return push(r, true);
    case '[':
        tok->type = CUR_JSON_ARRAY_BEGIN;
        tok->raw = (cur_str_t){r->p + r->pos, 1};
        return push(r, false);
    case '"':
        tok->type = CUR_JSON_STRING;
        rc = scan_string(r, tok);
        break;
    case 't': case 'f': case 'n':
        rc = scan_literal(r, tok);
        break;
    default:
        if (c == '-' || is_digit(c)) {
            tok->type = CUR_JSON_NUMBER;
            rc = scan_number(r, tok);
            break;
        }
        if (c == ']' && r->state == ST_VALUE && r->depth > 0 && !in_object(r))
            return fail(r, r->pos, CUR_EPARSE,
                        "trailing comma: expected a value after ',', found "
                        "']'");
        return fail(r, r->pos, CUR_EPARSE,
                    "expected a value (object, array, string, number, true, "
                    "false or null), found %s",
                    describe(r, r->pos, buf));
    }
    if (rc == 0) after_value(r);
    return rc;
}

static int scan_key(cur_json_reader_t *r, cur_json_token_t *tok)
{
    char buf[24];
    tok->type = CUR_JSON_KEY;
    if (scan_string(r, tok) < 0) return r->err.code;
    while (r->pos < r->len && is_ws((u8)r->p[r->pos])) r->pos++;
    if (r->pos == r->len || r->p[r->pos] != ':')
        return fail(r, r->pos, CUR_EPARSE,
                    "expected ':' after an object key, found %s",
                    describe(r, r->pos, buf));
    r->pos++;
    r->state = ST_VALUE;
    return 0;
}

static int scan_close(cur_json_reader_t *r, cur_json_token_t *tok)
{
    tok->type = in_object(r) ? CUR_JSON_OBJECT_END : CUR_JSON_ARRAY_END;
    tok->raw = (cur_str_t){r->p + r->pos, 1};
    r->pos++;
    r->depth--;
    after_value(r);
    return 0;
}

/* Tokenizes the next token: 1, 0 at the end, or the error. */
static int scan(cur_json_reader_t *r, cur_json_token_t *tok)
{
    char buf[24];
    for (;;) {
        while (r->pos < r->len && is_ws((u8)r->p[r->pos])) r->pos++;
        *tok = (cur_json_token_t){.offset = r->pos};
        if (r->pos == r->len) {
            if (r->state == ST_DONE) return 0;
            if (r->depth == 0 && r->state == ST_VALUE)
                return fail(r, r->len, CUR_EPARSE,
                            "expected a JSON value, found the end of input");
            return fail(r, r->len, CUR_EPARSE,
                        "unexpected end of input (%d unclosed %s)", r->depth,
                        r->depth == 1 ? "bracket" : "brackets");
        }
        u8 c = (u8)r->p[r->pos];
        switch (r->state) {
        case ST_DONE:
            return fail(r, r->pos, CUR_EPARSE,
                        "unexpected %s after the JSON value",
                        describe(r, r->pos, buf));
        case ST_COMMA_OR_END: {
            bool obj = in_object(r);
            if (c == ',') {
                r->pos++;
                r->state = obj ? ST_KEY : ST_VALUE;
                continue;
            }
            if (c == (obj ? '}' : ']')) break;
            return fail(r, r->pos, CUR_EPARSE,
                        obj ? "expected ',' or '}' after an object member, "
                              "found %s"
                            : "expected ',' or ']' after an array element, "
                              "found %s",
                        describe(r, r->pos, buf));
        }
        case ST_KEY_OR_END:
            if (c == '}') break;
            if (c == '"') return scan_key(r, tok) < 0 ? r->err.code : 1;
            return fail(r, r->pos, CUR_EPARSE,
                        "expected a string key or '}', found %s",
                        describe(r, r->pos, buf));
        case ST_KEY:
            if (c == '"') return scan_key(r, tok) < 0 ? r->err.code : 1;
            if (c == '}')
                return fail(r, r->pos, CUR_EPARSE,
                            "trailing comma: expected a key after ',', found "
                            "'}'");
            return fail(r, r->pos, CUR_EPARSE,
                        "expected a string key, found %s",
                        describe(r, r->pos, buf));
        case ST_VALUE_OR_END:
            if (c == ']') break;
            return scan_value(r, tok) < 0 ? r->err.code : 1;
        default: /* ST_VALUE */
            return scan_value(r, tok) < 0 ? r->err.code : 1;
        }
        return scan_close(r, tok) < 0 ? r->err.code : 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Reader: the token stream                                                 */
/* ------------------------------------------------------------------------ */

int cur_json_reader_init(cur_json_reader_t *r, const char *json,
                         ptrdiff_t len, int max_depth)
{
    CUR_ASSERT(r != NULL);
    *r = (cur_json_reader_t){.p = json, .len = len, .state = ST_VALUE};
    r->max_depth = max_depth == 0 ? CUR_JSON_DEFAULT_DEPTH : max_depth;
    if (len < 0 || (json == NULL && len > 0) || max_depth < 0 ||
        max_depth > CUR_JSON_MAX_DEPTH) {
        r->p = NULL;
        r->len = 0;
        r->max_depth = CUR_JSON_DEFAULT_DEPTH;
        return fail(r, 0, CUR_EINVAL,
                    "invalid arguments (len %td, max_depth %d)", len,
                    max_depth);
    }
    return 0;
}

int cur_json_next(cur_json_reader_t *r, cur_json_token_t *tok)
{
    CUR_ASSERT(r != NULL && tok != NULL);
    if (r->err.code) return r->err.code;
    if (r->peeked) {
        r->peeked = false;
        *tok = r->peek;
        if (tok->type == CUR_JSON_NONE) return 0;
        r->last = tok->offset;
        return 1;
    }
    cur_json_token_t t;
    int rc = scan(r, &t);
    if (rc < 0) return rc;
    *tok = t;
    if (rc == 1) r->last = t.offset;
    return rc;
}

int cur_json_peek(cur_json_reader_t *r, cur_json_token_t *tok)
{
    CUR_ASSERT(r != NULL && tok != NULL);
    if (r->err.code) return r->err.code;
    if (!r->peeked) {
        int rc = scan(r, &r->peek);
        if (rc < 0) return rc;
        r->peeked = true;
    }
    *tok = r->peek;
    return tok->type == CUR_JSON_NONE ? 0 : 1;
}

int cur_json_skip(cur_json_reader_t *r)
{
    cur_json_token_t t;
    int rc = cur_json_next(r, &t);
    if (rc < 0) return rc;
    if (rc == 0 || t.type == CUR_JSON_OBJECT_END ||
        t.type == CUR_JSON_ARRAY_END || t.type == CUR_JSON_KEY)
        return fail(r, t.offset, CUR_EINVAL, "expected a value, found %s",
                    kind_name(t.type));
    if (t.type != CUR_JSON_OBJECT_BEGIN && t.type != CUR_JSON_ARRAY_BEGIN)
        return 0;
    for (int depth = 1; depth > 0;) {
        rc = cur_json_next(r, &t);
        if (rc < 0) return rc;
        CUR_ASSERT(rc == 1); /* the grammar ends no input inside a value */
        if (t.type == CUR_JSON_OBJECT_BEGIN || t.type == CUR_JSON_ARRAY_BEGIN)
            depth++;
        else if (t.type == CUR_JSON_OBJECT_END || t.type == CUR_JSON_ARRAY_END)
            depth--;
    }
    return 0;
}

int cur_json_reader_end(cur_json_reader_t *r)
{
    CUR_ASSERT(r != NULL);
    if (r->err.code) return r->err.code;
    if (r->peeked && r->peek.type != CUR_JSON_NONE)
        return fail(r, r->peek.offset, CUR_EINVAL,
                    "the JSON value has not been read to its end");
    if (r->state != ST_DONE)
        return fail(r, r->pos, CUR_EINVAL,
                    "the JSON value has not been read to its end");
    cur_json_token_t t;
    return cur_json_next(r, &t); /* 0, or "unexpected ... after" */
}

const cur_json_error_t *cur_json_reader_error(const cur_json_reader_t *r)
{
    CUR_ASSERT(r != NULL);
    return &r->err;
}

ptrdiff_t cur_json_reader_offset(const cur_json_reader_t *r)
{
    CUR_ASSERT(r != NULL);
    return r->last;
}

int cur_json_validate(const char *json, ptrdiff_t len, int max_depth,
                      cur_json_error_t *err)
{
    cur_json_reader_t r;
    cur_json_token_t t;
    int rc = cur_json_reader_init(&r, json, len, max_depth);
    while (rc == 0 && (rc = cur_json_next(&r, &t)) > 0)
        rc = 0;
    if (err) *err = r.err;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Decoding strings                                                         */
/* ------------------------------------------------------------------------ */

/*
 * A walk over a checked string token's decoded text, in runs: a run of
 * raw bytes without escapes (pointing into the input), or the bytes of one
 * decoded escape (in tmp).
 */
typedef struct dec {
    const char *p, *end;
    char tmp[4];
} dec_t;

static ptrdiff_t dec_next(dec_t *d, const char **run)
{
    if (d->p == d->end) return 0;
    if (*d->p != '\\') {
        const char *q = memchr(d->p, '\\', (size_t)(d->end - d->p));
        if (!q) q = d->end;
        *run = d->p;
        ptrdiff_t n = q - d->p;
        d->p = q;
        return n;
    }
    *run = d->tmp;
    char e = d->p[1];
    d->p += 2;
    switch (e) {
    case 'b': d->tmp[0] = '\b'; return 1;
    case 'f': d->tmp[0] = '\f'; return 1;
    case 'n': d->tmp[0] = '\n'; return 1;
    case 'r': d->tmp[0] = '\r'; return 1;
    case 't': d->tmp[0] = '\t'; return 1;
    case 'u': break;
    default: d->tmp[0] = e; return 1; /* " \ / */
    }
    long cp = hex4(d->p);
    d->p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* the pair was checked by scan */
        long lo = hex4(d->p + 2);
        d->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return cur_utf8_encode((uint32_t)cp, d->tmp);
}

static dec_t dec_start(const cur_json_token_t *tok)
{
    CUR_ASSERT(tok != NULL && (tok->type == CUR_JSON_STRING ||
                               tok->type == CUR_JSON_KEY));
    dec_t d = {.p = tok->raw.ptr, .end = tok->raw.ptr};
    if (tok->raw.len > 0) d.end = tok->raw.ptr + tok->raw.len;
    return d;
}

int cur_json_token_string(const cur_json_token_t *tok, cur_string_t *out)
{
    dec_t d = dec_start(tok);
    CUR_ASSERT(out != NULL);
    if (tok->decoded_len == 0) return 0;
    int rc = cur_string_reserve(out, tok->decoded_len);
    if (rc < 0) return rc;
    const char *run;
    ptrdiff_t n;
    while ((n = dec_next(&d, &run)) > 0) {
        rc = cur_string_push_str(out, (cur_str_t){run, n});
        CUR_ASSERT(rc == 0); /* reserved above */
    }
    return 0;
}

int cur_json_token_copy(const cur_json_token_t *tok, char *buf, ptrdiff_t cap)
{
    dec_t d = dec_start(tok);
    if (cap < 0 || (buf == NULL && cap > 0)) return CUR_EINVAL;
    if (tok->decoded_len >= cap) return CUR_ERANGE;
    const char *run;
    ptrdiff_t n, at = 0;
    while ((n = dec_next(&d, &run)) > 0) {
        memcpy(buf + at, run, (size_t)n);
        at += n;
    }
    buf[at] = '\0';
    return 0;
}

bool cur_json_token_eq(const cur_json_token_t *tok, cur_str_t s)
{
    dec_t d = dec_start(tok);
    CUR_ASSERT(s.len >= 0 && (s.ptr != NULL || s.len == 0));
    if (tok->decoded_len != s.len) return false;
    if (!(tok->flags & CUR_JSON_ESCAPED))
        return s.len == 0 || memcmp(tok->raw.ptr, s.ptr, (size_t)s.len) == 0;
    const char *run;
    ptrdiff_t n, at = 0;
    while ((n = dec_next(&d, &run)) > 0) {
        if (memcmp(run, s.ptr + at, (size_t)n) != 0) return false;
        at += n;
    }
    return true;
}

/* True if the decoded text of a string token contains a NUL byte. */
static bool token_has_nul(const cur_json_token_t *tok)
{
    if (!(tok->flags & CUR_JSON_ESCAPED)) return false;
    dec_t d = dec_start(tok);
    const char *run;
    ptrdiff_t n;
    while ((n = dec_next(&d, &run)) > 0)
        if (memchr(run, 0, (size_t)n)) return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Converting numbers                                                       */
/* ------------------------------------------------------------------------ */

static void check_number(const cur_json_token_t *tok)
{
    CUR_ASSERT(tok != NULL && tok->type == CUR_JSON_NUMBER &&
               tok->raw.len > 0);
}

int cur_json_token_i64(const cur_json_token_t *tok, int64_t *out)
{
    check_number(tok);
    CUR_ASSERT(out != NULL);
    if (!(tok->flags & CUR_JSON_INTEGER)) return CUR_EINVAL;
    int64_t v;
    int rc = cur_num_parse_i64(tok->raw.ptr, tok->raw.len, 10, &v);
    if (rc < 0) return rc; /* CUR_ERANGE: the grammar is already checked */
    *out = v;
    return 0;
}

int cur_json_token_u64(const cur_json_token_t *tok, uint64_t *out)
{
    check_number(tok);
    CUR_ASSERT(out != NULL);
    if (!(tok->flags & CUR_JSON_INTEGER)) return CUR_EINVAL;
    if (tok->raw.ptr[0] == '-') {
        /* "-0" is the only negative integer numeral that is not negative. */
        if (tok->raw.len == 2 && tok->raw.ptr[1] == '0') {
            *out = 0;
            return 0;
        }
        return CUR_ERANGE;
    }
    uint64_t v;
    int rc = cur_num_parse_u64(tok->raw.ptr, tok->raw.len, 10, &v);
    if (rc < 0) return rc;
    *out = v;
    return 0;
}

#define NUM_BUF 1025

/*
 * Converts a number token with strtod_l or strtof_l (is_float). A numeral
 * that fits NUM_BUF is copied and NUL-terminated; a longer one is parsed in
 * place when a byte follows it that no strtod syntax can continue with.
 */
static int token_real(const cur_json_token_t *tok, bool is_float, double *d,
                      float *f)
{
    check_number(tok);
    char buf[NUM_BUF];
    const char *text = buf;
    if (tok->raw.len < NUM_BUF) {
        memcpy(buf, tok->raw.ptr, (size_t)tok->raw.len);
        buf[tok->raw.len] = '\0';
    } else {
        char after = (tok->flags & TOK_FOLLOWED) ? tok->raw.ptr[tok->raw.len]
                                                 : 'x';
        if (!strchr(" \t\r\n,]}", after) || after == '\0') return CUR_ERANGE;
        text = tok->raw.ptr;
    }
    locale_t c = c_locale();
    char *end;
    if (is_float) {
        float v = c ? strtof_l(text, &end, c) : strtof(text, &end);
        if (end != text + tok->raw.len) return CUR_EINVAL; /* odd locale */
        if (isinf(v)) return CUR_ERANGE;
        *f = v;
    } else {
        double v = c ? strtod_l(text, &end, c) : strtod(text, &end);
        if (end != text + tok->raw.len) return CUR_EINVAL;
        if (isinf(v)) return CUR_ERANGE;
        *d = v;
    }
    return 0;
}

int cur_json_token_double(const cur_json_token_t *tok, double *out)
{
    CUR_ASSERT(out != NULL);
    return token_real(tok, false, out, NULL);
}

int cur_json_token_float(const cur_json_token_t *tok, float *out)
{
    CUR_ASSERT(out != NULL);
    return token_real(tok, true, NULL, out);
}

/* ------------------------------------------------------------------------ */
/* Reading typed values                                                     */
/* ------------------------------------------------------------------------ */

/* Reads the next token, which must exist; 0 or the error. */
static int next_value(cur_json_reader_t *r, const char *what,
                      cur_json_token_t *t)
{
    int rc = cur_json_next(r, t);
    if (rc < 0) return rc;
    if (rc == 0)
        return fail(r, r->len, CUR_EINVAL,
                    WHAT_FMT "expected a value, found the end of input",
                    WHAT_ARG(what));
    return 0;
}

/* The numeral of a token cut for a message: at most 40 bytes. */
#define NUMERAL_FMT "%.*s%s"
#define NUMERAL_ARG(t)                                                       \
    (int)((t).raw.len > 40 ? 40 : (t).raw.len), (t).raw.ptr,                 \
        (t).raw.len > 40 ? "..." : ""

int cur_json_read_i64(cur_json_reader_t *r, const char *what, int64_t min,
                      int64_t max, int64_t *out)
{
    CUR_ASSERT(out != NULL);
    cur_json_token_t t;
    int rc = next_value(r, what, &t);
    if (rc < 0) return rc;
    if (t.type != CUR_JSON_NUMBER)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected an integer, found %s", WHAT_ARG(what),
                    kind_name(t.type));
    int64_t v;
    rc = cur_json_token_i64(&t, &v);
    if (rc == CUR_EINVAL)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected an integer, found " NUMERAL_FMT,
                    WHAT_ARG(what), NUMERAL_ARG(t));
    if (rc < 0 || v < min || v > max)
        return fail(r, t.offset, CUR_ERANGE,
                    WHAT_FMT "integer " NUMERAL_FMT
                             " out of range [%lld, %lld]",
                    WHAT_ARG(what), NUMERAL_ARG(t), (long long)min,
                    (long long)max);
    *out = v;
    return 0;
}

int cur_json_read_u64(cur_json_reader_t *r, const char *what, uint64_t max,
                      uint64_t *out)
{
    CUR_ASSERT(out != NULL);
    cur_json_token_t t;
    int rc = next_value(r, what, &t);
    if (rc < 0) return rc;
    if (t.type != CUR_JSON_NUMBER)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected an unsigned integer, found %s",
                    WHAT_ARG(what), kind_name(t.type));
    uint64_t v;
    rc = cur_json_token_u64(&t, &v);
    if (rc == CUR_EINVAL)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected an unsigned integer, found " NUMERAL_FMT,
                    WHAT_ARG(what), NUMERAL_ARG(t));
    if (rc < 0 || v > max)
        return fail(r, t.offset, CUR_ERANGE,
                    WHAT_FMT "integer " NUMERAL_FMT " out of range [0, %llu]",
                    WHAT_ARG(what), NUMERAL_ARG(t), (unsigned long long)max);
    *out = v;
    return 0;
}

static int read_real(cur_json_reader_t *r, const char *what, bool is_float,
                     double *d, float *f)
{
    cur_json_token_t t;
    int rc = next_value(r, what, &t);
    if (rc < 0) return rc;
    if (t.type != CUR_JSON_NUMBER)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected a number, found %s", WHAT_ARG(what),
                    kind_name(t.type));
    rc = token_real(&t, is_float, d, f);
    if (rc < 0)
        return fail(r, t.offset, rc,
                    WHAT_FMT "number " NUMERAL_FMT " out of range for a %s",
                    WHAT_ARG(what), NUMERAL_ARG(t),
                    is_float ? "float" : "double");
    return 0;
}

int cur_json_read_double(cur_json_reader_t *r, const char *what, double *out)
{
    CUR_ASSERT(out != NULL);
    double v;
    int rc = read_real(r, what, false, &v, NULL);
    if (rc == 0) *out = v;
    return rc;
}

int cur_json_read_float(cur_json_reader_t *r, const char *what, float *out)
{
    CUR_ASSERT(out != NULL);
    float v;
    int rc = read_real(r, what, true, NULL, &v);
    if (rc == 0) *out = v;
    return rc;
}

int cur_json_read_bool(cur_json_reader_t *r, const char *what, bool *out)
{
    CUR_ASSERT(out != NULL);
    cur_json_token_t t;
    int rc = next_value(r, what, &t);
    if (rc < 0) return rc;
    if (t.type != CUR_JSON_TRUE && t.type != CUR_JSON_FALSE)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected true or false, found %s",
                    WHAT_ARG(what), kind_name(t.type));
    *out = t.type == CUR_JSON_TRUE;
    return 0;
}

static int next_string(cur_json_reader_t *r, const char *what,
                       cur_json_token_t *t)
{
    int rc = next_value(r, what, t);
    if (rc < 0) return rc;
    if (t->type != CUR_JSON_STRING)
        return fail(r, t->offset, CUR_EINVAL,
                    WHAT_FMT "expected a string, found %s", WHAT_ARG(what),
                    kind_name(t->type));
    return 0;
}

int cur_json_read_string(cur_json_reader_t *r, const char *what,
                         cur_string_t *out)
{
    CUR_ASSERT(out != NULL);
    cur_json_token_t t;
    int rc = next_string(r, what, &t);
    if (rc < 0) return rc;
    rc = cur_json_token_string(&t, out);
    if (rc < 0)
        return fail(r, t.offset, rc,
                    WHAT_FMT "cannot store a string of %td bytes: %s",
                    WHAT_ARG(what), t.decoded_len, cur_strerror(rc));
    return 0;
}

int cur_json_read_chars(cur_json_reader_t *r, const char *what, char *buf,
                        ptrdiff_t cap)
{
    CUR_ASSERT(buf != NULL && cap > 0);
    cur_json_token_t t;
    int rc = next_string(r, what, &t);
    if (rc < 0) return rc;
    if (t.decoded_len >= cap)
        return fail(r, t.offset, CUR_ERANGE,
                    WHAT_FMT "a string of %td bytes does not fit in char[%td]",
                    WHAT_ARG(what), t.decoded_len, cap);
    if (token_has_nul(&t))
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "a string holding \\u0000 does not fit in a C "
                             "string",
                    WHAT_ARG(what));
    rc = cur_json_token_copy(&t, buf, cap);
    CUR_ASSERT(rc == 0);
    return 0;
}

/* Reads the next value, which must open a container of type open. */
static int read_open(cur_json_reader_t *r, const char *what,
                     cur_json_type_t open, const char *expected)
{
    cur_json_token_t t;
    int rc = next_value(r, what, &t);
    if (rc < 0) return rc;
    if (t.type != open)
        return fail(r, t.offset, CUR_EINVAL,
                    WHAT_FMT "expected %s, found %s", WHAT_ARG(what),
                    expected, kind_name(t.type));
    return 0;
}

int cur_json_read_object(cur_json_reader_t *r, const char *what)
{
    return read_open(r, what, CUR_JSON_OBJECT_BEGIN, "an object");
}

int cur_json_read_key(cur_json_reader_t *r, cur_json_token_t *key)
{
    CUR_ASSERT(key != NULL);
    cur_json_token_t t;
    int rc = cur_json_next(r, &t);
    if (rc < 0) return rc;
    if (rc == 1 && t.type == CUR_JSON_KEY) {
        *key = t;
        return 1;
    }
    if (rc == 1 && t.type == CUR_JSON_OBJECT_END) return 0;
    return fail(r, t.offset, CUR_EINVAL, "expected a key or '}', found %s",
                kind_name(t.type));
}

int cur_json_read_array(cur_json_reader_t *r, const char *what)
{
    return read_open(r, what, CUR_JSON_ARRAY_BEGIN, "an array");
}

int cur_json_array_next(cur_json_reader_t *r)
{
    cur_json_token_t t;
    int rc = cur_json_peek(r, &t);
    if (rc < 0) return rc;
    if (rc == 1 && t.type == CUR_JSON_ARRAY_END) {
        rc = cur_json_next(r, &t);
        CUR_ASSERT(rc == 1);
        return 0;
    }
    if (rc == 1 && t.type != CUR_JSON_OBJECT_END && t.type != CUR_JSON_KEY)
        return 1;
    return fail(r, t.offset, CUR_EINVAL,
                "expected an array element or ']', found %s",
                kind_name(t.type));
}

int cur_json_read_array_len(cur_json_reader_t *r, const char *what,
                            ptrdiff_t *len)
{
    CUR_ASSERT(len != NULL);
    int rc = cur_json_read_array(r, what);
    if (rc < 0) return rc;
    cur_json_reader_t ahead = *r;
    ptrdiff_t n = 0;
    while ((rc = cur_json_array_next(&ahead)) > 0) {
        n++;
        rc = cur_json_skip(&ahead);
        if (rc < 0) break;
    }
    if (rc < 0) {
        r->err = ahead.err; /* the same text will fail the same way */
        r->peeked = false;
        return rc;
    }
    *len = n;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                   */
/* ------------------------------------------------------------------------ */

enum { W_VALUE, W_KEY, W_DONE };

static bool w_in_object(const cur_json_writer_t *w)
{
    int d = w->depth - 1;
    return d >= 0 && (w->stack[d / 64] >> (d % 64) & 1u);
}

int cur_json_writer_init(cur_json_writer_t *w, cur_string_t *out, int indent)
{
    CUR_ASSERT(w != NULL && out != NULL);
    *w = (cur_json_writer_t){.out = out, .start = out->len, .indent = indent,
                             .state = W_VALUE, .empty = true};
    if (indent < 0 || indent > 16) {
        w->indent = 0;
        w->err = CUR_EINVAL;
    }
    return w->err;
}

int cur_json_writer_fail(cur_json_writer_t *w, int code)
{
    CUR_ASSERT(w != NULL && code < 0);
    if (!w->err) w->err = code;
    return w->err;
}

int cur_json_writer_finish(cur_json_writer_t *w)
{
    CUR_ASSERT(w != NULL);
    if (w->err) {
        if (w->out->len > w->start) {
            int rc = cur_string_truncate(w->out, w->start);
            CUR_ASSERT(rc == 0);
        }
        return w->err;
    }
    if (w->state != W_DONE)
        cur_panic_at(__FILE__, __LINE__, __func__,
                     "cur_json_writer_finish: the JSON value is not complete "
                     "(%d unclosed)",
                     w->depth);
    return 0;
}

/*
 * What goes before a token: a ',' after an earlier member or element, and
 * with indentation a newline and the indent of level `level`. Writes it to
 * *sep (at most 2 bytes) and returns the number of spaces that follow.
 */
static ptrdiff_t separator(const cur_json_writer_t *w, bool comma, int level,
                           char sep[2], ptrdiff_t *sep_len)
{
    ptrdiff_t n = 0;
    if (comma) sep[n++] = ',';
    if (w->indent > 0 && level >= 0) sep[n++] = '\n';
    *sep_len = n;
    return w->indent > 0 && level >= 0 ? (ptrdiff_t)w->indent * level : 0;
}

static void push_spaces(cur_string_t *s, ptrdiff_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        ptrdiff_t k = n < 32 ? n : 32;
        int rc = cur_string_push_str(s, (cur_str_t){spaces, k});
        CUR_ASSERT(rc == 0); /* reserved by the caller */
        n -= k;
    }
}

/*
 * Appends one token: the separator for its position, then text[0..n) (or,
 * when esc is set, the escaped string esc with its quotes). Reserves the
 * whole length first, so it either appends everything or nothing.
 */
static int emit(cur_json_writer_t *w, bool comma, int level, const char *text,
                ptrdiff_t n, const cur_str_t *esc, const char *suffix);

static ptrdiff_t escaped_len(cur_str_t s)
{
    ptrdiff_t n = 2;
    for (ptrdiff_t i = 0; i < s.len; i++) {
        u8 c = (u8)s.ptr[i];
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' ||
            c == '\r' || c == '\t')
            n += 2;
        else if (c < 0x20)
            n += 6;
        else
            n += 1;
    }
    return n;
}

static void push_escaped(cur_string_t *out, cur_str_t s)
{
    static const char hex[] = "0123456789abcdef";
    ptrdiff_t run = 0;
    int rc = cur_string_push_str(out, CUR_STR("\""));
    for (ptrdiff_t i = 0; i < s.len; i++) {
        u8 c = (u8)s.ptr[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        if (i > run)
            rc |= cur_string_push_str(out, (cur_str_t){s.ptr + run, i - run});
        char e[6] = {'\\', 0};
        ptrdiff_t k = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u', e[2] = '0', e[3] = '0';
            e[4] = hex[c >> 4], e[5] = hex[c & 15];
            k = 6;
        }
        rc |= cur_string_push_str(out, (cur_str_t){e, k});
        run = i + 1;
    }
    if (s.len > run)
        rc |= cur_string_push_str(out, (cur_str_t){s.ptr + run, s.len - run});
    rc |= cur_string_push_str(out, CUR_STR("\""));
    CUR_ASSERT(rc == 0); /* reserved by the caller */
}

static int emit(cur_json_writer_t *w, bool comma, int level, const char *text,
                ptrdiff_t n, const cur_str_t *esc, const char *suffix)
{
    char sep[2];
    ptrdiff_t sep_len, suffix_len = suffix ? (ptrdiff_t)strlen(suffix) : 0;
    ptrdiff_t spaces = separator(w, comma, level, sep, &sep_len);
    ptrdiff_t body = esc ? escaped_len(*esc) : n;
    ptrdiff_t total;
    if (__builtin_add_overflow(sep_len + spaces + suffix_len, body, &total))
        return w->err = CUR_EOVERFLOW;
    int rc = cur_string_reserve(w->out, total);
    if (rc < 0) return w->err = rc;
    rc = cur_string_push_str(w->out, (cur_str_t){sep, sep_len});
    CUR_ASSERT(rc == 0);
    push_spaces(w->out, spaces);
    if (esc)
        push_escaped(w->out, *esc);
    else
        rc = cur_string_push_str(w->out, (cur_str_t){text, n});
    if (suffix_len) rc |= cur_string_push_str(w->out, (cur_str_t){suffix, suffix_len});
    CUR_ASSERT(rc == 0);
    return 0;
}

/*
 * Writes a value token (or opens a container, when opener is set): checks
 * the grammar, emits with the right separator, moves the state on.
 */
static int write_value(cur_json_writer_t *w, const char *text, ptrdiff_t n,
                       const cur_str_t *esc, int opener)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (w->state == W_KEY)
        cur_panic_at(__FILE__, __LINE__, __func__,
                     "cur_json_write: a value inside an object needs a key "
                     "first");
    if (w->state == W_DONE)
        cur_panic_at(__FILE__, __LINE__, __func__,
                     "cur_json_write: the JSON value is already complete");
    bool in_array = w->depth > 0 && !w_in_object(w);
    if (opener && w->depth == CUR_JSON_MAX_DEPTH)
        return w->err = CUR_EOVERFLOW;
    int rc = emit(w, in_array && !w->empty, in_array ? w->depth : -1, text, n,
                  esc, NULL);
    if (rc < 0) return rc;
    if (opener) {
        int d = w->depth++;
        uint64_t bit = (uint64_t)1 << (d % 64);
        if (opener == '{')
            w->stack[d / 64] |= bit;
        else
            w->stack[d / 64] &= ~bit;
        w->empty = true;
        w->state = opener == '{' ? W_KEY : W_VALUE;
        return 0;
    }
    w->empty = false;
    w->state = w->depth == 0 ? W_DONE : w_in_object(w) ? W_KEY : W_VALUE;
    return 0;
}

static int write_close(cur_json_writer_t *w, bool object)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (w->depth == 0 || w_in_object(w) != object ||
        (object && w->state != W_KEY))
        cur_panic_at(__FILE__, __LINE__, __func__,
                     "cur_json_write_%s_end: no %s is open here",
                     object ? "object" : "array", object ? "object" : "array");
    int rc = emit(w, false, w->empty ? -1 : w->depth - 1, object ? "}" : "]",
                  1, NULL, NULL);
    if (rc < 0) return rc;
    w->depth--;
    w->empty = false;
    w->state = w->depth == 0 ? W_DONE : w_in_object(w) ? W_KEY : W_VALUE;
    return 0;
}

int cur_json_write_object_begin(cur_json_writer_t *w)
{
    return write_value(w, "{", 1, NULL, '{');
}

int cur_json_write_object_end(cur_json_writer_t *w)
{
    return write_close(w, true);
}

int cur_json_write_array_begin(cur_json_writer_t *w)
{
    return write_value(w, "[", 1, NULL, '[');
}

int cur_json_write_array_end(cur_json_writer_t *w)
{
    return write_close(w, false);
}

static int check_utf8_arg(cur_json_writer_t *w, cur_str_t s)
{
    CUR_ASSERT(s.len >= 0 && (s.ptr != NULL || s.len == 0));
    if (cur_utf8_validate(s.ptr, s.len, NULL) < 0) return w->err = CUR_EUTF8;
    return 0;
}

int cur_json_write_key(cur_json_writer_t *w, cur_str_t key)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (w->state != W_KEY)
        cur_panic_at(__FILE__, __LINE__, __func__,
                     "cur_json_write_key: not inside an object, or a key "
                     "without its value before it");
    if (check_utf8_arg(w, key) < 0) return w->err;
    int rc = emit(w, !w->empty, w->depth, NULL, 0, &key,
                  w->indent ? ": " : ":");
    if (rc < 0) return rc;
    w->state = W_VALUE;
    return 0;
}

int cur_json_write_string(cur_json_writer_t *w, cur_str_t s)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (check_utf8_arg(w, s) < 0) return w->err;
    return write_value(w, NULL, 0, &s, 0);
}

int cur_json_write_chars(cur_json_writer_t *w, const char *buf, ptrdiff_t cap)
{
    CUR_ASSERT(w != NULL && (buf != NULL || cap == 0));
    if (w->err) return w->err;
    if (cap < 0) return w->err = CUR_EINVAL;
    const char *nul = cap ? memchr(buf, 0, (size_t)cap) : NULL;
    if (!nul) return w->err = CUR_EINVAL;
    return cur_json_write_string(w, (cur_str_t){buf, nul - buf});
}

int cur_json_write_i64(cur_json_writer_t *w, int64_t v)
{
    char buf[CUR_NUM_FORMAT_MAX];
    int n = cur_num_format_i64(buf, sizeof buf, v, 10);
    CUR_ASSERT(n > 0 && n < (int)sizeof buf);
    return write_value(w, buf, n, NULL, 0);
}

int cur_json_write_u64(cur_json_writer_t *w, uint64_t v)
{
    char buf[CUR_NUM_FORMAT_MAX];
    int n = cur_num_format_u64(buf, sizeof buf, v, 10);
    CUR_ASSERT(n > 0 && n < (int)sizeof buf);
    return write_value(w, buf, n, NULL, 0);
}

/*
 * The shortest %.*g form of v that reads back to v (as a float when
 * is_float). If p significant digits read back, so do p + 1, so the
 * shortest is found by bisection over 1..max.
 */
static int format_real(double v, bool is_float, char buf[40])
{
    locale_t c = c_locale();
    locale_t old = c ? uselocale(c) : (locale_t)0;
    /*
     * The shortest round-trip form. Distinct decimals of DBL_DIG (15)
     * significant digits map to distinct normal doubles, so if the 15-digit
     * form (which %g strips of trailing zeros) reads back as v, no shorter
     * form can differ from it: it is the shortest, found with one format
     * and one parse. Otherwise 16 or 17 digits are needed, and 17 always
     * round-trips. Floats: FLT_DIG (6) to 9. Subnormals have fewer bits
     * than that argument needs, so they take a binary search over 1..max.
     */
    int max = is_float ? 9 : 17;
    bool subnormal = v != 0 && fabs(v) < (is_float ? FLT_MIN : DBL_MIN);
    int lo = subnormal ? 1 : (is_float ? FLT_DIG : DBL_DIG), hi = max;
    while (lo < hi) {
        int mid = subnormal ? lo + (hi - lo) / 2 : lo;
        snprintf(buf, 40, "%.*g", mid, v);
        bool same = is_float ? strtof(buf, NULL) == (float)v
                             : strtod(buf, NULL) == v;
        if (same)
            hi = mid;
        else
            lo = mid + 1;
    }
    int n = snprintf(buf, 40, "%.*g", lo, v);
    /* %g switches to an exponent once the exponent reaches the precision:
     * 100 would be "1e+02". Below 10^max, print such values in full. */
    const char *e = strchr(buf, 'e');
    if (e) {
        int x = atoi(e + 1);
        if (x >= lo && x < (is_float ? 9 : 17))
            n = snprintf(buf, 40, "%.*g", x + 1, v);
    }
    if (c) uselocale(old);
    return n;
}

int cur_json_write_double(cur_json_writer_t *w, double v)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (!isfinite(v)) return w->err = CUR_EDOM;
    char buf[40];
    int n = format_real(v, false, buf);
    return write_value(w, buf, n, NULL, 0);
}

int cur_json_write_float(cur_json_writer_t *w, float v)
{
    CUR_ASSERT(w != NULL);
    if (w->err) return w->err;
    if (!isfinite(v)) return w->err = CUR_EDOM;
    char buf[40];
    int n = format_real((double)v, true, buf);
    return write_value(w, buf, n, NULL, 0);
}

int cur_json_write_bool(cur_json_writer_t *w, bool v)
{
    return v ? write_value(w, "true", 4, NULL, 0)
             : write_value(w, "false", 5, NULL, 0);
}

int cur_json_write_null(cur_json_writer_t *w)
{
    return write_value(w, "null", 4, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* Arrays for generated code                                                */
/* ------------------------------------------------------------------------ */

int cur_json_array_alloc(const cur_alloc_t *a, ptrdiff_t n, ptrdiff_t size,
                         void **out)
{
    CUR_ASSERT(out != NULL);
    if (n < 0 || size <= 0) return CUR_EINVAL;
    if (n == 0) {
        *out = NULL;
        return 0;
    }
    ptrdiff_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes)) return CUR_EOVERFLOW;
    void *p = cur__alloc(a, bytes);
    if (!p) return CUR_ENOMEM;
    memset(p, 0, (size_t)bytes);
    *out = p;
    return 0;
}

void cur_json_array_free(const cur_alloc_t *a, void *p, ptrdiff_t n,
                         ptrdiff_t size)
{
    if (!p) return;
    CUR_ASSERT(n > 0 && size > 0);
    cur__free(a, p, n * size);
}
