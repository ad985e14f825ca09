/*
 * adv-4.2-derive-serialization.h: the annotated structs of the adv-4.2
 * example. tools/derive reads this header and writes
 * adv-4.2-derive-serialization_json.h and .c with, for each struct,
 * NAME_to_json, NAME_from_json, NAME_destroy, NAME_json_write and
 * NAME_json_read (docs/derive.md). The markers expand to nothing: the
 * compiler sees plain structs.
 *
 * Rust, for comparison:
 *     #[derive(Serialize, Deserialize)]
 *     #[serde(deny_unknown_fields)]
 *     struct User {
 *         id: u64, name: String, admin: bool, score: f64,
 *         home: Address, rgb: [u8; 3], tags: Vec<String>,
 *         #[serde(default)] logins: i32,
 *         #[serde(skip)] session: Option<Session>,
 *     }
 */
#ifndef ADV_4_2_DERIVE_SERIALIZATION_H
#define ADV_4_2_DERIVE_SERIALIZATION_H

#include <curriculum/json.h>
#include <curriculum/str.h>

CUR_DERIVE(json)
struct address {
    char city[24];                         /* a string of at most 23 bytes */
    CUR_FIELD(rename = "zip") char postcode[12]; /* JSON key "zip" */
};

CUR_DERIVE(json, deny_unknown_fields)
struct user {
    uint64_t id;
    cur_string_t name;                     /* owned, any length */
    bool admin;
    double score;
    struct address home;                   /* a nested derived struct */
    uint8_t rgb[3];                        /* exactly three numbers 0..255 */
    CUR_FIELD(len = n_tags) cur_string_t *tags; /* a slice: Vec<String> */
    ptrdiff_t n_tags;
    CUR_FIELD(default) int32_t logins;     /* may be missing: then 0 */
    CUR_FIELD(skip) void *session;         /* never serialized */
};

#endif
