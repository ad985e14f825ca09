/*
 * Derive must refuse a flexible array member.
 * expect: bad_flexible.h:10:17: error: flexible array member 'data' is not
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct packet {
    uint32_t len;
    uint8_t data[];
};
