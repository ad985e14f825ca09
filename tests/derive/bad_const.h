/*
 * Derive must refuse a const field.
 * expect: bad_const.h:9:5: error: 'const' fields are not supported: from_json
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct limits {
    const int32_t max;
};
