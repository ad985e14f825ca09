/*
 * Derive must refuse a slice length that is not a ptrdiff_t.
 * expect: bad_len_type.h:10:13: error: 'n', the length of slice 'values', must
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct samples {
    CUR_FIELD(len = n) int32_t *values;
    int32_t n;
};
