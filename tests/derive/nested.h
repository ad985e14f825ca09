/*
 * tests/derive/nested.h: a derive fixture for structure: nested derived
 * structs, renamed keys, (pointer, len) slices of scalars, strings and
 * structs, a recursive slice, optional and skipped fields, a struct that
 * rejects unknown fields and one with no JSON fields at all.
 */
#ifndef TESTS_DERIVE_NESTED_H
#define TESTS_DERIVE_NESTED_H

#include <curriculum/json.h>
#include <curriculum/str.h>

CUR_DERIVE(json)
struct point {
    int32_t x;
    CUR_FIELD(rename = "y_pos") int32_t y;
};

CUR_DERIVE(json)
struct line_item {
    char sku[16];
    uint32_t qty;
    double price;
    cur_string_t note;
};

CUR_DERIVE(json, deny_unknown_fields)
struct order {
    uint64_t id;
    struct point where;
    struct point corners[2];
    CUR_FIELD(len = n_items) struct line_item *items;
    ptrdiff_t n_items;
    ptrdiff_t n_notes; /* a length may come before its slice */
    CUR_FIELD(len = n_notes) cur_string_t *notes;
    CUR_FIELD(len = n_codes) int16_t *codes;
    ptrdiff_t n_codes;
    CUR_FIELD(default) bool rush;
    CUR_FIELD(default, rename = "extra") struct point bonus;
    CUR_FIELD(skip) void *cache;
    CUR_FIELD(skip) int (*callback)(int);
};

CUR_DERIVE(json)
struct tree {
    char label[8];
    CUR_FIELD(len = n_kids) struct tree *kids;
    ptrdiff_t n_kids;
};

CUR_DERIVE(json)
struct nothing {
    CUR_FIELD(skip) int unused;
};

#endif
