/*
 * Derive must refuse a multi-word integer type.
 * expect: bad_unsigned_long.h:10:5: error: 'unsigned long' has no fixed width,
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct sizes {
    int32_t ok;
    unsigned long total;
};
