/*
 * Derive must refuse a ptrdiff_t that is no slice's length.
 * expect: bad_isize.h:9:15: error: 'ptrdiff_t start' has no fixed width, so the
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct range {
    ptrdiff_t start;
};
