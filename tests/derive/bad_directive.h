/*
 * Derive must refuse a preprocessor conditional inside the struct.
 * expect: bad_directive.h:10:1: error: preprocessor directives inside derived
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct config {
    int32_t port;
#ifdef WITH_TLS
    bool tls;
#endif
};
