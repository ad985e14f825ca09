/*
 * Derive must refuse a union.
 * expect: bad_union.h:9:5: error: unions are not supported: derive cannot know
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct value {
    union {
        int32_t i;
        double d;
    } as;
};
