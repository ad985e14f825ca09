/*
 * tests/derive/all_types.h: a derive fixture with a field of every
 * supported kind: each integer width, bool, float, double, char arrays,
 * owned strings, and fixed arrays of them in one and two dimensions.
 * tests/test_derive.c round-trips these through the generated code in
 * $(B)/gen/derive/all_types_json.[ch].
 */
#ifndef TESTS_DERIVE_ALL_TYPES_H
#define TESTS_DERIVE_ALL_TYPES_H

#include <curriculum/json.h>
#include <curriculum/str.h>

CUR_DERIVE(json)
struct scalars {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    bool flag;
    float f32;
    double f64;
};

CUR_DERIVE(json)
struct texts {
    char name[8];          /* a string of at most 7 bytes */
    cur_string_t bio;      /* owned, any length */
    char tags[3][4];       /* exactly three strings of at most 3 bytes */
    cur_string_t lines[2]; /* exactly two owned strings */
};

CUR_DERIVE(json)
struct arrays {
    int32_t v[3];
    uint8_t grid[2][3];
    bool bits[4];
    double d[2];
    float f[1];
    struct scalars pair[2];
    struct texts text[1];
};

#endif
