/*
 * Derive must refuse a bit-field.
 * expect: bad_bitfield.h:9:19: error: bit-field 'ready' is not supported:
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct flags {
    uint8_t ready : 1;
};
