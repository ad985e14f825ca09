/*
 * Derive must refuse a misspelled field attribute.
 * expect: bad_attribute.h:9:15: error: unknown field attribute 'renmae' (known:
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    CUR_FIELD(renmae = "X") int32_t x;
};
