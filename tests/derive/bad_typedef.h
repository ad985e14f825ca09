/*
 * Derive must refuse a typedef'd struct after the marker.
 * expect: bad_typedef.h:8:1: error: derive expects `struct NAME { ... };` after
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
typedef struct point {
    int32_t x;
} point_t;
