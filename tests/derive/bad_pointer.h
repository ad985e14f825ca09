/*
 * Derive must refuse a pointer without a length.
 * expect: bad_pointer.h:9:14: error: pointer field 'values' needs
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct samples {
    int32_t *values;
    ptrdiff_t n_values;
};
