/*
 * Derive must refuse a slice whose length member does not exist.
 * expect: bad_len_missing.h:9:21: error: slice 'values': struct samples has no
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct samples {
    CUR_FIELD(len = count) int32_t *values;
    ptrdiff_t n;
};
