/*
 * tools/derive.c: the derive code generator (lesson adv-4.2, the C
 * counterpart of #[derive(Serialize, Deserialize)]).
 *
 * Reads a C header, finds every struct marked CUR_DERIVE(json), and writes
 * OUT.h and OUT.c with, for each such `struct NAME`:
 *
 *   int  NAME_to_json(const struct NAME *v, cur_string_t *out);
 *   int  NAME_from_json(const char *json, ptrdiff_t len, struct NAME *out,
 *                       const cur_alloc_t *a, cur_json_error_t *err);
 *   void NAME_destroy(struct NAME *v, const cur_alloc_t *a);
 *   int  NAME_json_write(cur_json_writer_t *w, const struct NAME *v);
 *   int  NAME_json_read(cur_json_reader_t *r, struct NAME *out,
 *                       const cur_alloc_t *a);
 *
 * calling the runtime in curriculum/json.h. docs/derive.md is the manual.
 *
 * Usage: derive [-o OUTBASE] [--include PATH] INPUT.h
 *   -o OUTBASE      write OUTBASE.h and OUTBASE.c (default: INPUT without
 *                   its .h, plus "_json", next to the input)
 *   --include PATH  how the generated header includes the input (default:
 *                   the input's file name, for a compiler given -I to the
 *                   input's folder)
 *
 * What a derived struct may hold (anything else is an error naming the
 * file, line and column, and the generator writes nothing):
 *   int8_t .. int64_t, uint8_t .. uint64_t    JSON integers, range-checked
 *   bool, float, double                       true/false, numbers
 *   char name[N]                              a string of at most N-1 bytes
 *   cur_string_t                              an owned string, any length
 *   struct X (X derived earlier in the file)  a nested object
 *   T name[N][M]...                           arrays of exactly N (x M...)
 *   CUR_FIELD(len = n) T *p; ptrdiff_t n;     a slice: JSON array, any length
 * Field attributes: CUR_FIELD(rename = "key"), (len = field), (skip),
 * (default); struct option: CUR_DERIVE(json, deny_unknown_fields).
 *
 * How it works: a small lexer turns the whole file into tokens (comments
 * dropped, each preprocessor directive one token), the parser looks only at
 * CUR_DERIVE(...) struct ...; sequences, checks every field, and only when
 * the whole file is accepted does the generator write, to OUT.h.tmp and
 * OUT.c.tmp, renamed into place at the end. Exit status: 0 done, 1 bad
 * input or a write error, 2 usage.
 *
 * Memory: every allocation is remembered in one list and freed before
 * exit, on every path, so that LeakSanitizer stays quiet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Memory and failure                                                       */
/* ------------------------------------------------------------------------ */

typedef struct block {
    struct block *next;
    max_align_t align[];
} block_t;

static block_t *blocks;          /* every allocation, freed at exit */
static const char *input_path;   /* for messages */
static const char *src;          /* the input text */
static ptrdiff_t src_len;
static char *tmp_paths[2];       /* outputs being written, removed on error */

static void free_all(void)
{
    while (blocks) {
        block_t *b = blocks;
        blocks = b->next;
        free(b);
    }
}

static _Noreturn void die(int status)
{
    for (int i = 0; i < 2; i++)
        if (tmp_paths[i]) remove(tmp_paths[i]);
    free_all();
    exit(status);
}

static void *xalloc(size_t n)
{
    block_t *b = malloc(sizeof(block_t) + n);
    if (!b) {
        fprintf(stderr, "derive: out of memory\n");
        die(1);
    }
    b->next = blocks;
    blocks = b;
    memset(b->align, 0, n);
    return b->align;
}

static char *xstrndup(const char *p, size_t n)
{
    char *s = xalloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/*
 * Reports an error at byte offset `at` of the input, gcc style, with the
 * source line and a caret under the column, and exits with status 1.
 */
static _Noreturn void error_at(ptrdiff_t at, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void error_at(ptrdiff_t at, const char *fmt, ...)
{
    ptrdiff_t line = 1, start = 0;
    if (at > src_len) at = src_len;
    for (ptrdiff_t i = 0; i < at; i++)
        if (src[i] == '\n') line++, start = i + 1;
    ptrdiff_t end = start;
    while (end < src_len && src[end] != '\n') end++;
    fprintf(stderr, "%s:%td:%td: error: ", input_path, line, at - start + 1);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (end - start < 200) {
        fprintf(stderr, "  %.*s\n  ", (int)(end - start), src + start);
        for (ptrdiff_t i = start; i < at; i++)
            fputc(src[i] == '\t' ? '\t' : ' ', stderr);
        fprintf(stderr, "^\n");
    }
    die(1);
}

/* ------------------------------------------------------------------------ */
/* Lexer                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum {
    T_EOF,
    T_IDENT,
    T_NUMBER,
    T_STRING,
    T_CHAR,
    T_PUNCT,     /* one character of punctuation */
    T_DIRECTIVE, /* a whole preprocessor line */
    T_OTHER,     /* a byte that is no C token (@, $, non-ASCII, NUL) */
} tkind_t;

typedef struct token {
    tkind_t kind;
    ptrdiff_t at;  /* byte offset */
    ptrdiff_t len; /* bytes */
} token_t;

static token_t *toks;
static ptrdiff_t ntoks, captoks;

static void add_token(tkind_t kind, ptrdiff_t at, ptrdiff_t len)
{
    if (ntoks == captoks) {
        ptrdiff_t cap = captoks ? captoks * 2 : 1024;
        token_t *t = xalloc((size_t)cap * sizeof *t);
        if (ntoks) memcpy(t, toks, (size_t)ntoks * sizeof *t);
        toks = t, captoks = cap; /* the old array stays in the list */
    }
    toks[ntoks++] = (token_t){kind, at, len};
}

static bool is_ident_start(unsigned char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Offset just past the comment starting at i (at its slash). */
static ptrdiff_t skip_comment(ptrdiff_t i)
{
    if (src[i + 1] == '/') {
        while (i < src_len && src[i] != '\n') i++;
        return i;
    }
    ptrdiff_t start = i;
    for (i += 2; i + 1 < src_len; i++)
        if (src[i] == '*' && src[i + 1] == '/') return i + 2;
    error_at(start, "unterminated comment");
}

static void lex(void)
{
    ptrdiff_t i = 0;
    bool line_start = true;
    while (i < src_len) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\n') {
            line_start = true;
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == '\\' && i + 1 < src_len && src[i + 1] == '\n') {
            i += 2;
            continue;
        }
        if (c == '/' && i + 1 < src_len && (src[i + 1] == '/' || src[i + 1] == '*')) {
            i = skip_comment(i);
            continue;
        }
        if (c == '#' && line_start) {
            /* A directive runs to the end of the line, continuations and
             * comments included. */
            ptrdiff_t start = i;
            while (i < src_len && src[i] != '\n') {
                if (src[i] == '\\' && i + 1 < src_len && src[i + 1] == '\n')
                    i += 2;
                else if (src[i] == '/' && i + 1 < src_len &&
                         (src[i + 1] == '*' || src[i + 1] == '/'))
                    i = skip_comment(i);
                else
                    i++;
            }
            add_token(T_DIRECTIVE, start, i - start);
            continue;
        }
        line_start = false;
        ptrdiff_t start = i;
        if (is_ident_start(c)) {
            while (i < src_len && is_ident_char((unsigned char)src[i])) i++;
            add_token(T_IDENT, start, i - start);
        } else if ((c >= '0' && c <= '9') ||
                   (c == '.' && i + 1 < src_len && src[i + 1] >= '0' &&
                    src[i + 1] <= '9')) {
            i++;
            while (i < src_len) {
                unsigned char d = (unsigned char)src[i];
                if ((d == '+' || d == '-') &&
                    strchr("eEpP", src[i - 1]) != NULL)
                    i++;
                else if (is_ident_char(d) || d == '.')
                    i++;
                else
                    break;
            }
            add_token(T_NUMBER, start, i - start);
        } else if (c == '"' || c == '\'') {
            for (i++;; i++) {
                if (i == src_len || src[i] == '\n')
                    error_at(start, "unterminated %s literal",
                             c == '"' ? "string" : "character");
                if (src[i] == '\\' && i + 1 < src_len && src[i + 1] != '\n')
                    i++;
                else if ((unsigned char)src[i] == c)
                    break;
            }
            i++;
            add_token(c == '"' ? T_STRING : T_CHAR, start, i - start);
        } else if (c < 0x80 && c > 0x20 && c != 0x7f && c != '@' && c != '$' &&
                   c != '`') {
            i++;
            add_token(T_PUNCT, start, 1);
        } else {
            i++;
            add_token(T_OTHER, start, 1);
        }
    }
    add_token(T_EOF, src_len, 0);
}

/* ------------------------------------------------------------------------ */
/* The model                                                                */
/* ------------------------------------------------------------------------ */

typedef enum {
    K_I8, K_I16, K_I32, K_I64, K_U8, K_U16, K_U32, K_U64,
    K_BOOL, K_FLOAT, K_DOUBLE,
    K_CHARS,  /* char name[N]: a string; its last dimension is the string */
    K_STRING, /* cur_string_t */
    K_STRUCT, /* struct X, derived */
    K_ISIZE,  /* ptrdiff_t: only as the len of a slice */
} kind_t;

static const struct {
    const char *c_name;
    kind_t kind;
} scalar_types[] = {
    {"int8_t", K_I8},     {"int16_t", K_I16},   {"int32_t", K_I32},
    {"int64_t", K_I64},   {"uint8_t", K_U8},    {"uint16_t", K_U16},
    {"uint32_t", K_U32},  {"uint64_t", K_U64},  {"bool", K_BOOL},
    {"_Bool", K_BOOL},    {"float", K_FLOAT},   {"double", K_DOUBLE},
    {"cur_string_t", K_STRING}, {"ptrdiff_t", K_ISIZE},
};

/* C type name, minimum and maximum of each integer kind, for codegen. */
static const char *const int_type[] = {"int8_t", "int16_t", "int32_t",
                                       "int64_t", "uint8_t", "uint16_t",
                                       "uint32_t", "uint64_t"};
static const char *const int_min[] = {"INT8_MIN", "INT16_MIN", "INT32_MIN",
                                      "INT64_MIN"};
static const char *const int_max[] = {"INT8_MAX",  "INT16_MAX", "INT32_MAX",
                                      "INT64_MAX", "UINT8_MAX", "UINT16_MAX",
                                      "UINT32_MAX", "UINT64_MAX"};

typedef struct field {
    char *name;       /* the C member name */
    char *json;       /* its JSON key */
    kind_t kind;
    char *sname;      /* K_STRUCT: the struct's name */
    int rank;         /* array dimensions (K_CHARS: including the string's) */
    bool slice;       /* a (pointer, len) slice */
    char *len_name;   /* the slice's len member */
    bool skip;        /* CUR_FIELD(skip) */
    bool optional;    /* CUR_FIELD(default) */
    bool is_len;      /* the len member of some slice: not in the JSON */
    ptrdiff_t at;     /* where it is declared */
    ptrdiff_t len_at; /* where the len attribute is */
} field_t;

typedef struct dstruct {
    char *name;
    bool deny_unknown;
    bool owns; /* has something destroy must free */
    field_t *fields;
    int nfields;
    ptrdiff_t at;
} dstruct_t;

static dstruct_t *structs;
static int nstructs, capstructs;

static dstruct_t *find_struct(const char *name)
{
    for (int i = 0; i < nstructs; i++)
        if (strcmp(structs[i].name, name) == 0) return &structs[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Parser                                                                   */
/* ------------------------------------------------------------------------ */

static ptrdiff_t pos; /* index into toks */

static const token_t *peek_tok(void) { return &toks[pos]; }

static bool tok_is(const token_t *t, tkind_t kind, const char *text)
{
    return t->kind == kind && (ptrdiff_t)strlen(text) == t->len &&
           memcmp(src + t->at, text, (size_t)t->len) == 0;
}

static bool punct(const token_t *t, char c)
{
    return t->kind == T_PUNCT && src[t->at] == c;
}

static bool ident(const token_t *t, const char *text)
{
    return tok_is(t, T_IDENT, text);
}

static char *tok_text(const token_t *t)
{
    return xstrndup(src + t->at, (size_t)t->len);
}

/* The token for a message: its text, cut; or a description. */
static const char *tok_desc(const token_t *t)
{
    switch (t->kind) {
    case T_EOF: return "the end of the file";
    case T_DIRECTIVE: return "a preprocessor directive";
    case T_OTHER:
        return xprintf("stray byte 0x%02X",
                       (unsigned)(unsigned char)src[t->at]);
    default:
        return xprintf("'%.*s'", (int)(t->len > 40 ? 40 : t->len),
                       src + t->at);
    }
}

static void expect_punct(char c, const char *context)
{
    const token_t *t = peek_tok();
    if (!punct(t, c))
        error_at(t->at, "expected '%c' %s, found %s", c, context, tok_desc(t));
    pos++;
}

static bool is_bad_token(const token_t *t)
{
    return t->kind == T_DIRECTIVE || t->kind == T_OTHER || t->kind == T_EOF;
}

/* Fails on what a struct body must not contain, with a message for each. */
static void check_body_token(const token_t *t, const char *sname)
{
    if (t->kind == T_DIRECTIVE)
        error_at(t->at,
                 "preprocessor directives inside derived struct %s are not "
                 "supported (derive cannot know which branch is compiled)",
                 sname);
    if (t->kind == T_EOF)
        error_at(t->at, "the file ends inside struct %s (missing '};')",
                 sname);
    if (t->kind == T_OTHER)
        error_at(t->at, "unexpected %s in struct %s", tok_desc(t), sname);
}

/* CUR_FIELD(...) attributes, any number of them. */
typedef struct attrs {
    bool any, skip, optional;
    char *rename, *len;
    ptrdiff_t at, rename_at, len_at;
} attrs_t;

static void parse_attrs(attrs_t *a, const char *sname)
{
    while (ident(peek_tok(), "CUR_FIELD")) {
        if (!a->any) a->at = peek_tok()->at;
        a->any = true;
        pos++;
        expect_punct('(', "after CUR_FIELD");
        for (;;) {
            const token_t *t = peek_tok();
            check_body_token(t, sname);
            if (t->kind != T_IDENT)
                error_at(t->at,
                         "expected a field attribute (rename, len, skip or "
                         "default), found %s",
                         tok_desc(t));
            pos++;
            if (ident(t, "skip") || ident(t, "default")) {
                bool *flag = ident(t, "skip") ? &a->skip : &a->optional;
                if (*flag)
                    error_at(t->at, "attribute '%.*s' given twice",
                             (int)t->len, src + t->at);
                *flag = true;
            } else if (ident(t, "rename") || ident(t, "len")) {
                bool is_rename = ident(t, "rename");
                if (is_rename ? a->rename != NULL : a->len != NULL)
                    error_at(t->at, "attribute '%s' given twice",
                             is_rename ? "rename" : "len");
                expect_punct('=', is_rename ? "after rename" : "after len");
                const token_t *v = peek_tok();
                if (is_rename) {
                    if (v->kind != T_STRING)
                        error_at(v->at,
                                 "rename needs a string literal, as in "
                                 "CUR_FIELD(rename = \"name\"), found %s",
                                 tok_desc(v));
                    for (ptrdiff_t i = v->at + 1; i < v->at + v->len - 1; i++) {
                        unsigned char c = (unsigned char)src[i];
                        if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"')
                            error_at(i,
                                     "rename: only printable ASCII without "
                                     "\\ or \" is supported in a JSON key");
                    }
                    if (v->len == 2)
                        error_at(v->at, "rename: the JSON key is empty");
                    a->rename = xstrndup(src + v->at + 1, (size_t)v->len - 2);
                    a->rename_at = v->at;
                } else {
                    if (v->kind != T_IDENT)
                        error_at(v->at,
                                 "len needs the name of a ptrdiff_t member, "
                                 "as in CUR_FIELD(len = n_items), found %s",
                                 tok_desc(v));
                    a->len = tok_text(v);
                    a->len_at = v->at;
                }
                pos++;
            } else {
                error_at(t->at,
                         "unknown field attribute '%.*s' (known: rename = "
                         "\"key\", len = member, skip, default)",
                         (int)(t->len > 40 ? 40 : t->len), src + t->at);
            }
            if (punct(peek_tok(), ',')) {
                pos++;
                continue;
            }
            expect_punct(')', "to close CUR_FIELD(...)");
            break;
        }
    }
    if (a->skip && (a->optional || a->rename || a->len))
        error_at(a->at, "skip cannot be combined with other attributes (a "
                        "skipped field is not in the JSON at all)");
}

/* Skips a declaration up to its ';' (for CUR_FIELD(skip)). */
static void skip_declaration(const char *sname)
{
    int depth = 0;
    for (;;) {
        const token_t *t = peek_tok();
        check_body_token(t, sname);
        if (punct(t, '(') || punct(t, '[') || punct(t, '{')) depth++;
        if (punct(t, ')') || punct(t, ']') || punct(t, '}')) {
            if (depth == 0)
                error_at(t->at, "expected ';' to end the skipped field, "
                                "found %s",
                         tok_desc(t));
            depth--;
        }
        pos++;
        if (depth == 0 && punct(t, ';')) return;
    }
}

static const char *const no_width_words[] = {
    "int", "long", "short", "unsigned", "signed",
};

static const char *const no_width_types[] = {
    "size_t", "ssize_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
    "off_t", "time_t", "int_least8_t", "int_least16_t", "int_least32_t",
    "int_least64_t", "uint_least8_t", "uint_least16_t", "uint_least32_t",
    "uint_least64_t", "int_fast8_t", "int_fast16_t", "int_fast32_t",
    "int_fast64_t", "uint_fast8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "wchar_t", "char16_t", "char32_t",
};

/*
 * The base type of a declaration: the type's tokens up to the declarators.
 * Fills kind and sname (for structs), or fails with a message that says
 * what to use instead.
 */
static void parse_base_type(dstruct_t *cur, kind_t *kind, char **sname,
                            ptrdiff_t *type_at)
{
    const token_t *t = peek_tok();
    check_body_token(t, cur->name);
    *type_at = t->at;
    if (t->kind != T_IDENT)
        error_at(t->at, "expected a field type, found %s", tok_desc(t));
    static const char *const quals[] = {"const", "volatile", "_Atomic",
                                        "restrict", "static", "register",
                                        "extern", "_Alignas", "alignas"};
    for (size_t i = 0; i < sizeof quals / sizeof quals[0]; i++)
        if (ident(t, quals[i]))
            error_at(t->at,
                     "'%s' fields are not supported: from_json fills the "
                     "struct by assignment (remove the qualifier, or mark "
                     "the field CUR_FIELD(skip))",
                     quals[i]);
    if (ident(t, "struct")) {
        pos++;
        const token_t *n = peek_tok();
        if (punct(n, '{'))
            error_at(n->at, "anonymous struct members are not supported: "
                            "define the struct separately, derive it, and "
                            "use struct NAME here");
        if (n->kind != T_IDENT)
            error_at(n->at, "expected a struct name, found %s", tok_desc(n));
        pos++;
        if (punct(peek_tok(), '{'))
            error_at(n->at, "nested struct definitions are not supported: "
                            "define struct %.*s before struct %s and derive "
                            "it",
                     (int)n->len, src + n->at, cur->name);
        *kind = K_STRUCT;
        *sname = tok_text(n);
        return;
    }
    if (ident(t, "union"))
        error_at(t->at, "unions are not supported: derive cannot know which "
                        "member is active (use a struct, or CUR_FIELD(skip))");
    if (ident(t, "enum"))
        error_at(t->at, "enums are not supported: store the value in a "
                        "fixed-width integer such as int32_t");
    if (ident(t, "char")) {
        pos++;
        *kind = K_CHARS;
        return;
    }
    if (ident(t, "void")) {
        error_at(t->at, "void fields and void pointers are not supported "
                        "(mark the field CUR_FIELD(skip))");
    }
    for (size_t i = 0; i < sizeof no_width_words / sizeof *no_width_words; i++) {
        if (!ident(t, no_width_words[i])) continue;
        ptrdiff_t end = pos;
        while (toks[end].kind == T_IDENT &&
               (ident(&toks[end], "int") || ident(&toks[end], "long") ||
                ident(&toks[end], "short") || ident(&toks[end], "unsigned") ||
                ident(&toks[end], "signed") || ident(&toks[end], "char") ||
                ident(&toks[end], "double")))
            end++;
        const token_t *last = &toks[end - 1];
        error_at(t->at,
                 "'%.*s' has no fixed width, so the JSON it accepts would "
                 "depend on the platform: use a <stdint.h> type such as "
                 "int32_t, uint64_t or int8_t",
                 (int)(last->at + last->len - t->at), src + t->at);
    }
    for (size_t i = 0; i < sizeof no_width_types / sizeof *no_width_types; i++)
        if (ident(t, no_width_types[i]))
            error_at(t->at,
                     "'%s' has no fixed width, so the JSON it accepts would "
                     "depend on the platform: use int64_t or uint64_t",
                     no_width_types[i]);
    if (ident(t, "cur_str_t"))
        error_at(t->at, "cur_str_t borrows its bytes, so from_json has "
                        "nothing to point it at: use cur_string_t (owned) or "
                        "char name[N]");
    for (size_t i = 0; i < sizeof scalar_types / sizeof *scalar_types; i++) {
        if (ident(t, scalar_types[i].c_name)) {
            pos++;
            *kind = scalar_types[i].kind;
            return;
        }
    }
    const token_t *n = &toks[pos + 1];
    if (n->kind == T_IDENT || punct(n, '*'))
        error_at(t->at,
                 "unknown type '%.*s': derive sees only this file and knows "
                 "fixed-width integers, bool, float, double, char arrays, "
                 "cur_string_t and structs derived before this one (write "
                 "struct NAME, not a typedef name)",
                 (int)(t->len > 40 ? 40 : t->len), src + t->at);
    error_at(t->at, "expected a field type, found %s", tok_desc(t));
}

static void add_field(dstruct_t *s, const field_t *f, int *cap)
{
    if (s->nfields == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        field_t *nf = xalloc((size_t)ncap * sizeof *nf);
        if (s->nfields) memcpy(nf, s->fields, (size_t)s->nfields * sizeof *nf);
        s->fields = nf, *cap = ncap;
    }
    s->fields[s->nfields++] = *f;
}

/* One declaration: attributes, a base type, one or more declarators. */
static void parse_declaration(dstruct_t *s, int *cap)
{
    attrs_t a = {0};
    parse_attrs(&a, s->name);
    if (a.skip) {
        skip_declaration(s->name);
        return;
    }
    kind_t kind;
    char *sname = NULL;
    ptrdiff_t type_at;
    parse_base_type(s, &kind, &sname, &type_at);
    int ndecl = 0;
    for (;;) {
        field_t f = {.kind = kind, .sname = sname};
        int ptrs = 0;
        const token_t *t = peek_tok();
        while (punct(t, '*') || ident(t, "const") || ident(t, "restrict") ||
               ident(t, "volatile")) {
            if (!punct(t, '*'))
                error_at(t->at, "'%.*s' pointers are not supported",
                         (int)t->len, src + t->at);
            ptrs++;
            pos++;
            t = peek_tok();
        }
        check_body_token(t, s->name);
        if (punct(t, '('))
            error_at(t->at, "function pointers are not supported (mark the "
                            "field CUR_FIELD(skip))");
        if (t->kind != T_IDENT)
            error_at(t->at, "expected a field name, found %s", tok_desc(t));
        f.name = tok_text(t);
        f.at = t->at;
        pos++;
        for (t = peek_tok(); punct(t, '['); t = peek_tok()) {
            pos++;
            if (punct(peek_tok(), ']'))
                error_at(t->at, "flexible array member '%s' is not "
                                "supported: use a slice, CUR_FIELD(len = n) "
                                "T *%s with a ptrdiff_t n",
                         f.name, f.name);
            int depth = 1;
            while (depth > 0) {
                const token_t *u = peek_tok();
                check_body_token(u, s->name);
                if (punct(u, '[')) depth++;
                if (punct(u, ']')) depth--;
                pos++;
            }
            f.rank++;
        }
        if (punct(t, ':'))
            error_at(t->at, "bit-field '%s' is not supported: declare it as "
                            "a whole integer",
                     f.name);
        if (punct(t, '('))
            error_at(t->at, "'%s' is a function, not a field", f.name);
        if (ident(t, "CUR_FIELD"))
            error_at(t->at, "CUR_FIELD(...) goes before the field's type, "
                            "not after its name");
        if (!punct(t, ',') && !punct(t, ';')) {
            check_body_token(t, s->name);
            error_at(t->at, "expected ';' after field '%s', found %s", f.name,
                     tok_desc(t));
        }

        /* What the declarator made of the base type. */
        if (ptrs > 1)
            error_at(f.at, "'%s': pointers to pointers are not supported",
                     f.name);
        if (ptrs == 1 && f.rank > 0)
            error_at(f.at, "'%s': arrays of pointers are not supported",
                     f.name);
        if (ptrs == 1 && !a.len) {
            if (kind == K_CHARS)
                error_at(f.at,
                         "'char *%s' is not supported: use char %s[N] (a "
                         "string of fixed capacity) or cur_string_t %s "
                         "(owned, any length)",
                         f.name, f.name, f.name);
            error_at(f.at,
                     "pointer field '%s' needs CUR_FIELD(len = <member>) "
                     "to be a slice of a ptrdiff_t length, or "
                     "CUR_FIELD(skip)",
                     f.name);
        }
        if (a.len && ptrs == 0)
            error_at(a.len_at, "CUR_FIELD(len = %s) is for pointer fields "
                               "(slices); '%s' is not a pointer",
                     a.len, f.name);
        if (ptrs == 1) {
            if (kind == K_CHARS)
                error_at(f.at, "'%s': a slice of char is not supported: use "
                               "cur_string_t",
                         f.name);
            if (kind == K_ISIZE)
                error_at(f.at, "'%s': ptrdiff_t has no fixed width: use a "
                               "slice of int64_t",
                         f.name);
            f.slice = true;
            f.len_name = a.len;
            f.len_at = a.len_at;
        }
        if (kind == K_CHARS && f.rank == 0 && ptrs == 0)
            error_at(f.at,
                     "a single char '%s' is not supported: use char %s[N] "
                     "for a string, or int8_t/uint8_t for a number",
                     f.name, f.name);
        if (kind == K_ISIZE && f.rank > 0)
            error_at(f.at, "'%s': ptrdiff_t has no fixed width: use int64_t",
                     f.name);
        if (kind == K_STRUCT) {
            dstruct_t *d = find_struct(sname);
            if (strcmp(sname, s->name) == 0) {
                if (!f.slice)
                    error_at(f.at, "struct %s cannot contain itself (a slice "
                                   "of it can)",
                             sname);
            } else if (!d) {
                error_at(type_at,
                         "struct %s is not derived in this file before "
                         "struct %s: mark it CUR_DERIVE(json) (derive sees "
                         "only this file)",
                         sname, s->name);
            }
        }
        f.json = a.rename ? a.rename : f.name;
        f.optional = a.optional;
        ndecl++;
        if (ndecl > 1 && a.any)
            error_at(a.at, "CUR_FIELD applies to one field: declare '%s' "
                           "separately",
                     f.name);
        add_field(s, &f, cap);
        if (punct(peek_tok(), ';')) {
            pos++;
            return;
        }
        pos++; /* ',' */
    }
}

/* Checks the struct as a whole: slices and their lengths, unique keys. */
static void check_struct(dstruct_t *s)
{
    for (int i = 0; i < s->nfields; i++) {
        field_t *f = &s->fields[i];
        for (int j = 0; j < i; j++)
            if (strcmp(s->fields[j].name, f->name) == 0)
                error_at(f->at, "duplicate member '%s'", f->name);
        if (!f->slice) continue;
        field_t *n = NULL;
        for (int j = 0; j < s->nfields; j++)
            if (strcmp(s->fields[j].name, f->len_name) == 0) n = &s->fields[j];
        if (!n)
            error_at(f->len_at, "slice '%s': struct %s has no member '%s' "
                                "for its length",
                     f->name, s->name, f->len_name);
        if (n->kind != K_ISIZE || n->rank != 0 || n->slice)
            error_at(n->at, "'%s', the length of slice '%s', must be a "
                            "ptrdiff_t",
                     n->name, f->name);
        if (n->is_len)
            error_at(f->len_at, "'%s' is already the length of another "
                                "slice",
                     n->name);
        if (n->optional || strcmp(n->json, n->name) != 0)
            error_at(n->at, "'%s' is the length of slice '%s' and is not in "
                            "the JSON: it takes no attributes",
                     n->name, f->name);
        n->is_len = true;
    }
    for (int i = 0; i < s->nfields; i++) {
        field_t *f = &s->fields[i];
        if (f->kind == K_ISIZE && !f->is_len)
            error_at(f->at,
                     "'ptrdiff_t %s' has no fixed width, so the JSON it "
                     "accepts would depend on the platform: use int64_t "
                     "(ptrdiff_t is only for the length of a slice)",
                     f->name);
        if (f->is_len) continue;
        for (int j = 0; j < i; j++)
            if (!s->fields[j].is_len && strcmp(s->fields[j].json, f->json) == 0)
                error_at(f->at, "JSON key \"%s\" is used by '%s' and '%s'",
                         f->json, s->fields[j].name, f->name);
        if (f->slice || f->kind == K_STRING) s->owns = true;
        if (f->kind == K_STRUCT && !f->slice && find_struct(f->sname)->owns)
            s->owns = true;
    }
}

/* CUR_DERIVE(json[, deny_unknown_fields]) struct NAME { ... }; */
static void parse_derive(void)
{
    ptrdiff_t derive_at = peek_tok()->at;
    pos++;
    expect_punct('(', "after CUR_DERIVE");
    bool json = false, deny = false;
    for (;;) {
        const token_t *t = peek_tok();
        if (ident(t, "json") && !json) {
            json = true;
        } else if (ident(t, "deny_unknown_fields") && !deny) {
            deny = true;
        } else if (t->kind == T_IDENT) {
            error_at(t->at, "unknown or repeated derive '%.*s' (derive knows "
                            "json and the option deny_unknown_fields)",
                     (int)(t->len > 40 ? 40 : t->len), src + t->at);
        } else {
            error_at(t->at, "expected json in CUR_DERIVE(...), found %s",
                     tok_desc(t));
        }
        pos++;
        if (punct(peek_tok(), ',')) {
            pos++;
            continue;
        }
        expect_punct(')', "to close CUR_DERIVE(...)");
        break;
    }
    if (!json)
        error_at(derive_at, "CUR_DERIVE needs json: CUR_DERIVE(json)");
    const token_t *t = peek_tok();
    if (ident(t, "typedef"))
        error_at(t->at, "derive expects `struct NAME { ... };` after "
                        "CUR_DERIVE(json): write the typedef separately");
    if (!ident(t, "struct"))
        error_at(t->at, "expected `struct NAME {` after CUR_DERIVE(json), "
                        "found %s",
                 tok_desc(t));
    pos++;
    t = peek_tok();
    if (t->kind != T_IDENT)
        error_at(t->at, "expected the struct's name after `struct`, found %s",
                 tok_desc(t));
    char *name = tok_text(t);
    if (find_struct(name))
        error_at(t->at, "struct %s is derived twice", name);
    pos++;
    t = peek_tok();
    if (punct(t, ';'))
        error_at(t->at, "struct %s is only declared here: CUR_DERIVE must "
                        "precede the definition, struct %s { ... };",
                 name, name);
    expect_punct('{', "to open the struct's body");

    if (nstructs == capstructs) {
        int ncap = capstructs ? capstructs * 2 : 8;
        dstruct_t *ns = xalloc((size_t)ncap * sizeof *ns);
        if (nstructs) memcpy(ns, structs, (size_t)nstructs * sizeof *ns);
        structs = ns, capstructs = ncap;
    }
    dstruct_t s = {.name = name, .deny_unknown = deny, .at = derive_at};
    structs[nstructs++] = s; /* visible to itself, for recursive slices */
    dstruct_t *sp = &structs[nstructs - 1];
    int cap = 0;
    while (!punct(peek_tok(), '}')) {
        check_body_token(peek_tok(), name);
        parse_declaration(sp, &cap);
    }
    pos++;
    t = peek_tok();
    if (!punct(t, ';')) {
        if (is_bad_token(t)) check_body_token(t, name);
        error_at(t->at, "expected ';' after the body of struct %s (declare "
                        "variables and attributes separately), found %s",
                 name, tok_desc(t));
    }
    pos++;
    check_struct(sp);
}

static void parse(void)
{
    for (pos = 0; toks[pos].kind != T_EOF;) {
        if (ident(&toks[pos], "CUR_DERIVE"))
            parse_derive();
        else
            pos++;
    }
    if (nstructs == 0)
        error_at(0, "nothing to derive: no CUR_DERIVE(json) before a struct "
                    "in this file");
}

/* ------------------------------------------------------------------------ */
/* Code generation                                                          */
/* ------------------------------------------------------------------------ */

static FILE *out;

static void emit(int indent, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void emit(int indent, const char *fmt, ...)
{
    for (int i = 0; i < indent; i++) fputs("    ", out);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
}

/* Does a value of this field's element type own memory? */
static bool elem_owns(const field_t *f)
{
    if (f->kind == K_STRING) return true;
    if (f->kind == K_STRUCT) {
        const dstruct_t *d = find_struct(f->sname);
        return d->owns;
    }
    return false;
}

/* Array levels the generated code loops over (a char array's last
 * dimension is the string itself). */
static int loop_rank(const field_t *f)
{
    return f->kind == K_CHARS ? f->rank - 1 : f->rank;
}

/*
 * A JSON key or message text inside a C string literal: keys are printable
 * ASCII without \\ and " (checked when parsed); '?' becomes \\? so that no
 * "??x" trigraph warning can arise.
 */
static const char *c_lit(const char *s)
{
    size_t n = 0;
    for (const char *q = s; *q; q++) n += *q == '?' ? 2 : 1;
    char *r = xalloc(n + 1), *w = r;
    for (const char *q = s; *q; q++) {
        if (*q == '?') *w++ = '\\';
        *w++ = *q;
    }
    return r;
}

/* Text inside a C comment: no comment delimiters. */
static const char *c_comment(const char *s)
{
    char *r = xstrndup(s, strlen(s));
    for (char *q = r; *q; q++)
        if ((q[0] == '*' && q[1] == '/') || (q[0] == '/' && q[1] == '*'))
            q[1] = '_';
    return r;
}

#define CHECK "if ((rc = %s) < 0) return rc;\n"

/* Writes the value `expr` (an element at array level `level`). */
static void gen_write_value(const dstruct_t *s, const field_t *f,
                            const char *expr, int level, int ind)
{
    (void)s;
    if (level < loop_rank(f)) {
        emit(ind, CHECK, "cur_json_write_array_begin(w)");
        emit(ind, "for (ptrdiff_t i%d = 0; i%d < CUR_COUNTOF(%s); i%d++)\n",
             level, level, expr, level);
        emit(ind, "{\n");
        gen_write_value(s, f, xprintf("%s[i%d]", expr, level), level + 1,
                        ind + 1);
        emit(ind, "}\n");
        emit(ind, CHECK, "cur_json_write_array_end(w)");
        return;
    }
    const char *call;
    switch (f->kind) {
    case K_I8: case K_I16: case K_I32: case K_I64:
        call = xprintf("cur_json_write_i64(w, %s)", expr);
        break;
    case K_U8: case K_U16: case K_U32: case K_U64:
        call = xprintf("cur_json_write_u64(w, %s)", expr);
        break;
    case K_BOOL: call = xprintf("cur_json_write_bool(w, %s)", expr); break;
    case K_FLOAT: call = xprintf("cur_json_write_float(w, %s)", expr); break;
    case K_DOUBLE: call = xprintf("cur_json_write_double(w, %s)", expr); break;
    case K_CHARS:
        call = xprintf("cur_json_write_chars(w, %s, CUR_SIZEOF(%s))", expr,
                       expr);
        break;
    case K_STRING:
        call = xprintf("cur_json_write_string(w, cur_string_as_str(&%s))",
                       expr);
        break;
    case K_STRUCT:
        call = xprintf("%s_json_write(w, &%s)", f->sname, expr);
        break;
    default: abort(); /* K_ISIZE never reaches here */
    }
    emit(ind, CHECK, call);
}

static void gen_write(const dstruct_t *s)
{
    emit(0, "int %s_json_write(cur_json_writer_t *w, const struct %s *v)\n",
         s->name, s->name);
    emit(0, "{\n");
    emit(1, "int rc;\n");
    bool any = false;
    for (int i = 0; i < s->nfields; i++) any |= !s->fields[i].is_len;
    if (!any) emit(1, "(void)v;\n");
    emit(1, CHECK, "cur_json_write_object_begin(w)");
    for (int i = 0; i < s->nfields; i++) {
        const field_t *f = &s->fields[i];
        if (f->is_len) continue;
        emit(1, "/* %s */\n", f->name);
        emit(1, "if ((rc = cur_json_write_key(w, CUR_STR(\"%s\"))) < 0) "
                "return rc;\n",
             c_lit(f->json));
        if (f->slice) {
            emit(1, "if (v->%s < 0 || (v->%s == NULL && v->%s > 0))\n",
                 f->len_name, f->name, f->len_name);
            emit(2, "return cur_json_writer_fail(w, CUR_EINVAL);\n");
            emit(1, CHECK, "cur_json_write_array_begin(w)");
            emit(1, "for (ptrdiff_t i0 = 0; i0 < v->%s; i0++) {\n",
                 f->len_name);
            field_t elem = *f;
            elem.slice = false;
            gen_write_value(s, &elem, xprintf("v->%s[i0]", f->name), 0, 2);
            emit(1, "}\n");
            emit(1, CHECK, "cur_json_write_array_end(w)");
        } else {
            gen_write_value(s, f, xprintf("v->%s", f->name), 0, 1);
        }
    }
    emit(1, "return cur_json_write_object_end(w);\n");
    emit(0, "}\n\n");
}

#define FAILCHECK "if ((rc = %s) < 0) goto fail;\n"

/* Reads into the lvalue `expr` (an element at array level `level`). */
static void gen_read_value(const dstruct_t *s, const field_t *f,
                           const char *expr, int level, int ind)
{
    const char *what = xprintf("\"%s.%s\"", s->name, c_lit(f->json));
    if (level < loop_rank(f)) {
        emit(ind, "{\n");
        emit(ind + 1, "ptrdiff_t n%d;\n", level);
        emit(ind + 1, FAILCHECK,
             xprintf("cur_json_read_array_len(r, %s, &n%d)", what, level));
        emit(ind + 1, "if (n%d != CUR_COUNTOF(%s)) {\n", level, expr);
        emit(ind + 2, "rc = cur_json_fail(r, cur_json_reader_offset(r), "
                      "CUR_EINVAL,\n");
        emit(ind + 2, "                   \"%%s: expected %%td elements, "
                      "found %%td\", %s,\n",
             what);
        emit(ind + 2, "                   CUR_COUNTOF(%s), n%d);\n", expr,
             level);
        emit(ind + 2, "goto fail;\n");
        emit(ind + 1, "}\n");
        emit(ind + 1, "for (ptrdiff_t i%d = 0; i%d < n%d; i%d++) {\n", level,
             level, level, level);
        gen_read_value(s, f, xprintf("%s[i%d]", expr, level), level + 1,
                       ind + 2);
        emit(ind + 1, "}\n");
        emit(ind + 1, FAILCHECK, "cur_json_array_next(r)");
        emit(ind, "}\n");
        return;
    }
    int k = (int)f->kind;
    switch (f->kind) {
    case K_I8: case K_I16: case K_I32: case K_I64:
        emit(ind, "{\n");
        emit(ind + 1, "int64_t t;\n");
        emit(ind + 1, FAILCHECK,
             xprintf("cur_json_read_i64(r, %s, %s, %s, &t)", what,
                     int_min[k], int_max[k]));
        emit(ind + 1, "%s = (%s)t;\n", expr, int_type[k]);
        emit(ind, "}\n");
        break;
    case K_U8: case K_U16: case K_U32: case K_U64:
        emit(ind, "{\n");
        emit(ind + 1, "uint64_t t;\n");
        emit(ind + 1, FAILCHECK,
             xprintf("cur_json_read_u64(r, %s, %s, &t)", what, int_max[k]));
        emit(ind + 1, "%s = (%s)t;\n", expr, int_type[k]);
        emit(ind, "}\n");
        break;
    case K_BOOL:
        emit(ind, FAILCHECK, xprintf("cur_json_read_bool(r, %s, &%s)", what,
                                     expr));
        break;
    case K_FLOAT:
        emit(ind, FAILCHECK, xprintf("cur_json_read_float(r, %s, &%s)", what,
                                     expr));
        break;
    case K_DOUBLE:
        emit(ind, FAILCHECK, xprintf("cur_json_read_double(r, %s, &%s)", what,
                                     expr));
        break;
    case K_CHARS:
        emit(ind, FAILCHECK,
             xprintf("cur_json_read_chars(r, %s, %s, CUR_SIZEOF(%s))", what,
                     expr, expr));
        break;
    case K_STRING:
        emit(ind, "cur_string_init(&%s, a);\n", expr);
        emit(ind, FAILCHECK, xprintf("cur_json_read_string(r, %s, &%s)", what,
                                     expr));
        break;
    case K_STRUCT:
        emit(ind, FAILCHECK, xprintf("%s_json_read(r, &%s, a)", f->sname,
                                     expr));
        break;
    default: abort();
    }
}

static void gen_read(const dstruct_t *s)
{
    int njson = 0, nrequired = 0;
    for (int i = 0; i < s->nfields; i++) {
        if (s->fields[i].is_len) continue;
        njson++;
        if (!s->fields[i].optional) nrequired++;
    }
    emit(0, "int %s_json_read(cur_json_reader_t *r, struct %s *out,\n",
         s->name, s->name);
    emit(0, "    const cur_alloc_t *a)\n");
    emit(0, "{\n");
    emit(1, "struct %s tmp;\n", s->name);
    if (njson) emit(1, "bool seen[%d] = {false};\n", njson);
    emit(1, "cur_json_token_t key;\n");
    if (nrequired) emit(1, "ptrdiff_t at;\n");
    emit(1, "int rc;\n");
    emit(1, "memset(&tmp, 0, sizeof tmp);\n");
    emit(1, FAILCHECK, xprintf("cur_json_read_object(r, \"struct %s\")",
                               s->name));
    if (nrequired) emit(1, "at = cur_json_reader_offset(r);\n");
    emit(1, "while ((rc = cur_json_read_key(r, &key)) > 0) {\n");
    int k = 0;
    for (int i = 0; i < s->nfields; i++) {
        const field_t *f = &s->fields[i];
        if (f->is_len) continue;
        emit(2, "%sif (cur_json_token_eq(&key, CUR_STR(\"%s\"))) {\n",
             k ? "} else " : "", c_lit(f->json));
        emit(3, "if (seen[%d]) {\n", k);
        emit(4, "rc = cur_json_fail(r, key.offset, CUR_EINVAL,\n");
        emit(4, "                   \"struct %s: duplicate field \\\"%%s\\\"\", "
                "\"%s\");\n",
             s->name, c_lit(f->json));
        emit(4, "goto fail;\n");
        emit(3, "}\n");
        emit(3, "seen[%d] = true;\n", k);
        if (f->slice) {
            const char *what =
                xprintf("\"%s.%s\"", s->name, c_lit(f->json));
            emit(3, "{\n");
            emit(4, "ptrdiff_t n;\n");
            emit(4, "void *p;\n");
            emit(4, FAILCHECK,
                 xprintf("cur_json_read_array_len(r, %s, &n)", what));
            emit(4, "if ((rc = cur_json_array_alloc(a, n, CUR_SIZEOF(*tmp.%s), "
                    "&p)) < 0) {\n",
                 f->name);
            emit(5, "rc = cur_json_fail(r, cur_json_reader_offset(r), rc,\n");
            emit(5, "                   \"%%s: cannot allocate %%td "
                    "elements\", %s, n);\n",
                 what);
            emit(5, "goto fail;\n");
            emit(4, "}\n");
            emit(4, "tmp.%s = p;\n", f->name);
            emit(4, "tmp.%s = n;\n", f->len_name);
            emit(4, "for (ptrdiff_t i0 = 0; i0 < n; i0++) {\n");
            field_t elem = *f;
            elem.slice = false;
            gen_read_value(s, &elem, xprintf("tmp.%s[i0]", f->name), 0, 5);
            emit(4, "}\n");
            emit(4, FAILCHECK, "cur_json_array_next(r)");
            emit(3, "}\n");
        } else {
            gen_read_value(s, f, xprintf("tmp.%s", f->name), 0, 3);
        }
        k++;
    }
    if (k) {
        emit(2, "} else {\n");
    } else {
        emit(2, "{\n");
    }
    if (s->deny_unknown) {
        emit(3, "rc = cur_json_fail(r, key.offset, CUR_EINVAL,\n");
        emit(3, "                   \"struct %s: unknown field \\\"%%.*s%%s\\\"\",\n",
             s->name);
        emit(3, "                   (int)(key.raw.len > 40 ? 40 : key.raw.len), "
                "key.raw.ptr,\n");
        emit(3, "                   key.raw.len > 40 ? \"...\" : \"\");\n");
        emit(3, "goto fail;\n");
    } else {
        emit(3, "/* Unknown fields are skipped, as serde does by default. */\n");
        emit(3, FAILCHECK, "cur_json_skip(r)");
    }
    emit(2, "}\n");
    emit(1, "}\n");
    emit(1, "if (rc < 0) goto fail;\n");
    k = 0;
    for (int i = 0; i < s->nfields; i++) {
        const field_t *f = &s->fields[i];
        if (f->is_len) continue;
        if (!f->optional) {
            emit(1, "if (!seen[%d]) {\n", k);
            emit(2, "rc = cur_json_fail(r, at, CUR_EINVAL,\n");
            emit(2, "                   \"struct %s: missing field \\\"%%s\\\"\", "
                    "\"%s\");\n",
                 s->name, c_lit(f->json));
            emit(2, "goto fail;\n");
            emit(1, "}\n");
        }
        k++;
    }
    emit(1, "*out = tmp;\n");
    emit(1, "return 0;\n");
    emit(0, "fail:\n");
    emit(1, "%s_destroy(&tmp, a);\n", s->name);
    emit(1, "return rc;\n");
    emit(0, "}\n\n");
}

/* Frees what the value `expr` owns (an element at array level `level`). */
static void gen_destroy_value(const field_t *f, const char *expr, int level,
                              int ind)
{
    if (level < loop_rank(f)) {
        emit(ind, "for (ptrdiff_t i%d = 0; i%d < CUR_COUNTOF(%s); i%d++)\n",
             level, level, expr, level);
        emit(ind, "{\n");
        gen_destroy_value(f, xprintf("%s[i%d]", expr, level), level + 1,
                          ind + 1);
        emit(ind, "}\n");
        return;
    }
    if (f->kind == K_STRING)
        emit(ind, "cur_string_destroy(&%s);\n", expr);
    else
        emit(ind, "%s_destroy(&%s, a);\n", f->sname, expr);
}

static void gen_destroy(const dstruct_t *s)
{
    emit(0, "void %s_destroy(struct %s *v, const cur_alloc_t *a)\n", s->name,
         s->name);
    emit(0, "{\n");
    emit(1, "if (!v) return;\n");
    emit(1, "(void)a;\n");
    for (int i = 0; i < s->nfields; i++) {
        const field_t *f = &s->fields[i];
        if (f->slice) {
            emit(1, "if (v->%s && v->%s > 0) {\n", f->name, f->len_name);
            if (elem_owns(f)) {
                field_t elem = *f;
                elem.slice = false;
                emit(2, "for (ptrdiff_t i0 = 0; i0 < v->%s; i0++) {\n",
                     f->len_name);
                gen_destroy_value(&elem, xprintf("v->%s[i0]", f->name), 0, 3);
                emit(2, "}\n");
            }
            emit(2, "cur_json_array_free(a, v->%s, v->%s, CUR_SIZEOF(*v->%s));\n",
                 f->name, f->len_name, f->name);
            emit(1, "}\n");
            emit(1, "v->%s = NULL;\n", f->name);
            emit(1, "v->%s = 0;\n", f->len_name);
        } else if (elem_owns(f)) {
            gen_destroy_value(f, xprintf("v->%s", f->name), 0, 1);
        }
    }
    emit(0, "}\n\n");
}

static void gen_entry_points(const dstruct_t *s)
{
    emit(0, "int %s_to_json(const struct %s *v, cur_string_t *out)\n",
         s->name, s->name);
    emit(0, "{\n");
    emit(1, "cur_json_writer_t w;\n");
    emit(1, "int rc = cur_json_writer_init(&w, out, 0);\n");
    emit(1, "if (rc == 0) rc = %s_json_write(&w, v);\n", s->name);
    emit(1, "int done = cur_json_writer_finish(&w); /* rolls back on error */\n");
    emit(1, "return rc < 0 ? rc : done;\n");
    emit(0, "}\n\n");

    emit(0, "int %s_from_json(const char *json, ptrdiff_t len, struct %s *out,\n",
         s->name, s->name);
    emit(0, "    const cur_alloc_t *a, cur_json_error_t *err)\n");
    emit(0, "{\n");
    emit(1, "cur_json_reader_t r;\n");
    emit(1, "struct %s tmp;\n", s->name);
    emit(1, "memset(&tmp, 0, sizeof tmp);\n");
    emit(1, "int rc = cur_json_reader_init(&r, json, len, 0);\n");
    emit(1, "if (rc == 0) rc = %s_json_read(&r, &tmp, a);\n", s->name);
    emit(1, "if (rc == 0 && (rc = cur_json_reader_end(&r)) < 0)\n");
    emit(2, "%s_destroy(&tmp, a);\n", s->name);
    emit(1, "if (err) *err = *cur_json_reader_error(&r);\n");
    emit(1, "if (rc == 0) *out = tmp;\n");
    emit(1, "return rc;\n");
    emit(0, "}\n\n");
}

/* A one-line description of a field's JSON form, for the header. */
static const char *describe_field(const field_t *f)
{
    static const char *const names[] = {
        "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
        "uint32_t", "uint64_t", "bool", "float", "double", "string",
        "string", "", "ptrdiff_t"};
    const char *base = f->kind == K_STRUCT ? xprintf("struct %s", f->sname)
                                           : names[f->kind];
    if (f->slice) return xprintf("[%s, ...]", base);
    for (int i = 0; i < loop_rank(f); i++) base = xprintf("[%s x N]", base);
    return base;
}

static void gen_header(const char *guard, const char *include)
{
    emit(0, "#ifndef %s\n#define %s\n\n", guard, guard);
    emit(0, "#include <curriculum/json.h>\n\n");
    emit(0, "#include \"%s\"\n\n", include);
    for (int i = 0; i < nstructs; i++) {
        const dstruct_t *s = &structs[i];
        emit(0, "/*\n * struct %s as a JSON object", s->name);
        emit(0, "%s:\n", s->deny_unknown ? " (unknown fields rejected)"
                                         : " (unknown fields skipped)");
        for (int j = 0; j < s->nfields; j++) {
            const field_t *f = &s->fields[j];
            if (f->is_len) continue;
            emit(0, " *     \"%s\": %s%s\n", c_comment(f->json), describe_field(f),
                 f->optional ? " (optional)" : "");
        }
        emit(0, " */\n");
        emit(0, "CUR_NODISCARD int %s_to_json(const struct %s *v,\n"
                "    cur_string_t *out);\n",
             s->name, s->name);
        emit(0, "CUR_NODISCARD int %s_from_json(const char *json, "
                "ptrdiff_t len,\n"
                "    struct %s *out, const cur_alloc_t *a, "
                "cur_json_error_t *err);\n",
             s->name, s->name);
        emit(0, "void %s_destroy(struct %s *v, const cur_alloc_t *a);\n",
             s->name, s->name);
        emit(0, "CUR_NODISCARD int %s_json_write(cur_json_writer_t *w,\n"
                "    const struct %s *v);\n",
             s->name, s->name);
        emit(0, "CUR_NODISCARD int %s_json_read(cur_json_reader_t *r,\n"
                "    struct %s *out, const cur_alloc_t *a);\n\n",
             s->name, s->name);
    }
    emit(0, "#endif /* %s */\n", guard);
}

static void gen_source(const char *header_name)
{
    emit(0, "#include \"%s\"\n\n", header_name);
    emit(0, "#include <stdint.h>\n#include <string.h>\n\n");
    for (int i = 0; i < nstructs; i++) {
        const dstruct_t *s = &structs[i];
        emit(0, "/* ---- struct %s ---- */\n\n", s->name);
        gen_write(s);
        gen_read(s);
        gen_destroy(s);
        gen_entry_points(s);
    }
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static void read_input(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "derive: %s: %s\n", path, strerror(errno));
        die(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= (size_t)16 << 20) {
                fclose(f);
                fprintf(stderr, "derive: %s: larger than 16 MiB\n", path);
                die(1);
            }
            char *nb = xalloc(cap * 2);
            memcpy(nb, buf, n);
            buf = nb, cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "derive: reading %s failed\n", path);
        die(1);
    }
    src = buf;
    src_len = (ptrdiff_t)n;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Something safe to print inside a C comment or string: the file name,
 * with anything unusual replaced. */
static char *printable(const char *s)
{
    char *p = xstrndup(s, strlen(s));
    for (char *q = p; *q; q++)
        if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f ||
            *q == '"' || *q == '\\' || (*q == '*' && q[1] == '/'))
            *q = '_';
    return p;
}

static void open_out(int k, const char *path)
{
    tmp_paths[k] = xprintf("%s.tmp", path);
    out = fopen(tmp_paths[k], "w");
    if (!out) {
        fprintf(stderr, "derive: %s: %s\n", tmp_paths[k], strerror(errno));
        tmp_paths[k] = NULL;
        die(1);
    }
}

static void close_out(int k)
{
    bool bad = ferror(out);
    if (fclose(out) != 0 || bad) {
        fprintf(stderr, "derive: writing %s failed\n", tmp_paths[k]);
        die(1);
    }
    out = NULL;
}

static int usage(const char *msg)
{
    fprintf(stderr,
            "derive: %s\n"
            "usage: derive [-o OUTBASE] [--include PATH] INPUT.h\n"
            "  writes OUTBASE.h and OUTBASE.c with the JSON functions of\n"
            "  every struct marked CUR_DERIVE(json) in INPUT.h\n",
            msg);
    free_all();
    return 2;
}

int main(int argc, char **argv)
{
    const char *outbase = NULL, *include = NULL, *in = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--include") == 0) {
            if (i + 1 == argc) return usage("missing value after an option");
            if (argv[i][1] == 'o')
                outbase = argv[++i];
            else
                include = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            usage("derives JSON functions for annotated structs");
            return 0;
        } else if (argv[i][0] == '-') {
            return usage("unknown option");
        } else if (in) {
            return usage("one input file at a time");
        } else {
            in = argv[i];
        }
    }
    if (!in) return usage("no input file");
    if (include && (strchr(include, '"') || strchr(include, '\\') ||
                    strchr(include, '\n') || !*include))
        return usage("--include: the path must not contain \", \\ or a newline");
    if (!outbase) {
        size_t n = strlen(in);
        if (n > 2 && strcmp(in + n - 2, ".h") == 0) n -= 2;
        outbase = xprintf("%.*s_json", (int)n, in);
    }
    if (!include) include = printable(base_name(in));

    input_path = in;
    read_input(in);
    lex();
    parse();

    char *h_path = xprintf("%s.h", outbase);
    char *c_path = xprintf("%s.c", outbase);
    char *guard = xprintf("CUR_DERIVED_%s_H", base_name(outbase));
    for (char *q = guard; *q; q++) {
        if (*q >= 'a' && *q <= 'z')
            *q = (char)(*q - 'a' + 'A');
        else if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
            *q = '_';
    }
    const char *from = printable(in);

    open_out(0, h_path);
    emit(0, "/*\n * %s.h: GENERATED by tools/derive from %s.\n",
         printable(base_name(outbase)), from);
    emit(0, " * Do not edit: change the struct, then rebuild. The functions "
            "are\n * documented in docs/derive.md.\n */\n");
    gen_header(guard, include);
    close_out(0);

    open_out(1, c_path);
    emit(0, "/*\n * %s.c: GENERATED by tools/derive from %s.\n",
         printable(base_name(outbase)), from);
    emit(0, " * Do not edit: change the struct, then rebuild.\n */\n");
    gen_source(printable(xprintf("%s.h", base_name(outbase))));
    close_out(1);

    if (rename(tmp_paths[0], h_path) != 0 || rename(tmp_paths[1], c_path) != 0) {
        fprintf(stderr, "derive: renaming the outputs into place: %s\n",
                strerror(errno));
        remove(h_path);
        die(1);
    }
    tmp_paths[0] = tmp_paths[1] = NULL;
    free_all();
    return 0;
}
