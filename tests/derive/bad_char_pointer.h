/*
 * Derive must refuse a char pointer (who owns it?).
 * expect: bad_char_pointer.h:9:11: error: 'char *name' is not supported: use
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct user {
    char *name;
};
