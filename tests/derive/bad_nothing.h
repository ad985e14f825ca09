/*
 * Derive must refuse a header with nothing to derive.
 * expect: bad_nothing.h:1:1: error: nothing to derive: no CUR_DERIVE(json)
 */
#include <curriculum/json.h>

struct point {
    int32_t x;
};
