/*
 * Derive must refuse an enum.
 * expect: bad_enum.h:11:5: error: enums are not supported: store the value in a
 */
#include <curriculum/json.h>

enum color { RED, GREEN };

CUR_DERIVE(json)
struct pixel {
    enum color c;
};
