/*
 * Derive must refuse a function pointer.
 * expect: bad_function_pointer.h:9:13: error: function pointers are not
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct handler {
    int32_t (*callback)(int32_t);
};
