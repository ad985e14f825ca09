/*
 * Derive must refuse rename without a string.
 * expect: bad_rename_value.h:9:24: error: rename needs a string literal, as in
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    CUR_FIELD(rename = x) int32_t x;
};
