/*
 * Derive must refuse a derive other than json.
 * expect: bad_derive_name.h:7:12: error: unknown or repeated derive 'yaml'
 */
#include <curriculum/json.h>

CUR_DERIVE(yaml)
struct point {
    int32_t x;
};
