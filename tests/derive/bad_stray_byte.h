/*
 * Derive must refuse a stray byte inside the struct.
 * expect: bad_stray_byte.h:9:16: error: unexpected stray byte 0x40 in struct
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x; @
};
