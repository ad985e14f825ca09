/*
 * Derive must refuse a file that ends inside the struct.
 * expect: bad_unterminated_struct.h:10:1: error: the file ends inside struct
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x;
