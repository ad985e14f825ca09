/*
 * Derive must refuse a variable declared with the struct.
 * expect: bad_variable.h:10:3: error: expected ';' after the body of struct
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x;
} origin;
