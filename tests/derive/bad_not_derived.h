/*
 * Derive must refuse a nested struct that is not derived.
 * expect: bad_not_derived.h:13:5: error: struct inner is not derived in this
 */
#include <curriculum/json.h>

struct inner {
    int32_t x;
};

CUR_DERIVE(json)
struct outer {
    struct inner in;
};
