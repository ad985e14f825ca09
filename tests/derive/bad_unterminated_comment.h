/*
 * Derive must refuse a comment that never ends.
 * expect: bad_unterminated_comment.h:9:16: error: unterminated comment
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct point {
    int32_t x; /* the x
