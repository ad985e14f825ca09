/*
 * Derive must refuse a struct that contains itself.
 * expect: bad_self.h:9:17: error: struct node cannot contain itself (a slice of
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct node {
    struct node next;
};
