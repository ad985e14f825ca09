/*
 * Derive must refuse a typedef name derive cannot see into.
 * expect: bad_unknown_type.h:11:5: error: unknown type 'meters_t': derive sees
 */
#include <curriculum/json.h>

typedef int32_t meters_t;

CUR_DERIVE(json)
struct walk {
    meters_t distance;
};
