/*
 * Derive must refuse a field attribute written after the field's name.
 * expect: bad_attribute_after.h:9:15: error: CUR_FIELD(...) goes before
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x CUR_FIELD(rename = "X");
};
