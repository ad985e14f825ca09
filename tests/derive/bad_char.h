/*
 * Derive must refuse a single char.
 * expect: bad_char.h:9:10: error: a single char 'letter' is not supported: use
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct grade {
    char letter;
};
