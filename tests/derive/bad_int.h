/*
 * Derive must refuse a plain int, whose width depends on the platform.
 * expect: bad_int.h:9:5: error: 'int' has no fixed width, so the JSON it
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct counter {
    int count;
};
