/*
 * tests/derive/syntax.h: a derive fixture for the lexer and parser: the
 * generator must see through comments, directives, other declarations,
 * macro-sized arrays, several declarators in one declaration, and keys
 * that need care in C ('?' and '%').
 */
#ifndef TESTS_DERIVE_SYNTAX_H
#define TESTS_DERIVE_SYNTAX_H

#include <curriculum/json.h>

#define NAME_MAX_LEN 12 /* CUR_DERIVE(json) in a comment is ignored */
#define LOOKS_LIKE_A_DERIVE CUR_DERIVE(json) struct fake { int x; };

/* Not derived: anything goes here. */
struct plain {
    unsigned long whatever;
    char *ptr;
};

static inline int helper(int x) { return x * 2 + '{' - '}'; }
extern const char *const strings[];
// CUR_DERIVE(json) struct in_a_line_comment { int x; };
static const char text[] = "CUR_DERIVE(json) struct s { int bad; };";

CUR_DERIVE( json )
struct
    spaced
{
    int32_t a, b, c;               /* three fields, one declaration */
    char name[NAME_MAX_LEN + 1];   /* the size is any constant expression */
    CUR_FIELD(rename = "100%??")
        uint8_t percent;
    int64_t
        split_over_lines;
};

#endif
