/*
 * Derive must refuse size_t.
 * expect: bad_size_t.h:9:5: error: 'size_t' has no fixed width, so the JSON it
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct buffer {
    size_t used;
};
