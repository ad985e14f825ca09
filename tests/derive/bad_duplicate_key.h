/*
 * Derive must refuse two fields with one JSON key.
 * expect: bad_duplicate_key.h:10:37: error: JSON key "x" is used by 'x' and 'y'
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x;
    CUR_FIELD(rename = "x") int32_t y;
};
