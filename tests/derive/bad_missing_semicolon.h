/*
 * Derive must refuse a field without its ';'.
 * expect: bad_missing_semicolon.h:10:5: error: expected ';' after field 'x',
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x
    int32_t y;
};
