/*
 * Derive must refuse the same struct derived twice.
 * expect: bad_twice.h:13:8: error: struct point is derived twice
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x;
};

CUR_DERIVE(json)
struct point;
