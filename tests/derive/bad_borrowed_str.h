/*
 * Derive must refuse a borrowed cur_str_t.
 * expect: bad_borrowed_str.h:9:5: error: cur_str_t borrows its bytes, so
 */
#include <curriculum/json.h>

CUR_DERIVE(json)
struct label {
    cur_str_t text;
};
