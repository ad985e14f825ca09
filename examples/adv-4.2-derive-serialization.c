/*
 * adv-4.2 Procedural macros (derive, attribute, function-like; how serde works)
 *
 * Shows: structs marked CUR_DERIVE(json) in a header, and the functions
 * that tools/derive generated for them at build time, the way serde's
 * derive writes Serialize and Deserialize impls: a value to JSON, the same
 * value pretty-printed through the JSON writer, JSON back to a value with
 * its strings and slice allocated through a hook, a round trip, and the
 * errors serde users expect for bad input (missing, unknown and mistyped
 * fields, bad syntax), each with its line, column and message.
 *
 * Build: cc -std=gnu17 -o derive tools/derive.c
 *        mkdir -p gen && ./derive -o gen/adv-4.2-derive-serialization_json \
 *            examples/adv-4.2-derive-serialization.h
 *        cc -std=gnu17 -Iexamples -Igen examples/adv-4.2-derive-serialization.c \
 *            gen/adv-4.2-derive-serialization_json.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/json.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Generated from examples/adv-4.2-derive-serialization.h, which holds
 * struct user and struct address. The generated header declares, for
 * each struct NAME (serde's trait methods, as plain functions):
 *     NAME_to_json      serde_json::to_string
 *     NAME_from_json    serde_json::from_str
 *     NAME_destroy      Drop, for what from_json allocated
 *     NAME_json_write   Serialize::serialize, into a cur_json_writer_t
 *     NAME_json_read    Deserialize::deserialize, from a cur_json_reader_t
 */
#include "adv-4.2-derive-serialization_json.h"

/* Exits on an error the example does not expect. */
static void check(int rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", what, cur_strerror(rc));
        exit(1);
    }
}

static void print_user(const struct user *u)
{
    printf("  id %" PRIu64 ", name \"%s\", admin %s, score %.1f, logins %d\n",
           u->id, cur_string_cstr(&u->name), u->admin ? "yes" : "no",
           u->score, (int)u->logins);
    printf("  home %s %s, rgb %d,%d,%d, tags:", u->home.city,
           u->home.postcode, u->rgb[0], u->rgb[1], u->rgb[2]);
    for (ptrdiff_t i = 0; i < u->n_tags; i++)
        printf(" [%s]", cur_string_cstr(&u->tags[i]));
    printf("\n");
}

int main(void)
{
    /* A value built by hand. Its strings use the default allocator (NULL);
     * its tags slice points at an array of ours. */
    cur_string_t tags[2];
    cur_string_init(&tags[0], NULL);
    cur_string_init(&tags[1], NULL);
    check(cur_string_push_str(&tags[0], CUR_STR("math")), "tag");
    check(cur_string_push_str(&tags[1], CUR_STR("engines \"analytical\"")),
          "tag");
    struct user u = {
        .id = 1815,
        .admin = true,
        .score = 97.5,
        .home = {.city = "London", .postcode = "W1J 7NT"},
        .rgb = {255, 128, 0},
        .tags = tags,
        .n_tags = 2,
        .logins = 7,
        .session = &u, /* CUR_FIELD(skip): never written, never read */
    };
    cur_string_init(&u.name, NULL);
    check(cur_string_push_str(&u.name, CUR_STR("Ada Lovelace")), "name");

    /* serde_json::to_string(&u) */
    cur_string_t json;
    cur_string_init(&json, NULL);
    check(user_to_json(&u, &json), "user_to_json");
    printf("to_json:\n  %s\n", cur_string_cstr(&json));

    /* serde_json::to_string_pretty(&u): the same generated code, given a
     * writer that indents by 2. */
    cur_string_t pretty;
    cur_json_writer_t w;
    cur_string_init(&pretty, NULL);
    check(cur_json_writer_init(&w, &pretty, 2), "writer");
    int rc = user_json_write(&w, &u);
    int done = cur_json_writer_finish(&w);
    check(rc < 0 ? rc : done, "user_json_write");
    printf("pretty:\n%s\n", cur_string_cstr(&pretty));

    /* serde_json::from_str::<User>(&json): strings and the tags slice are
     * allocated through the hook given (NULL: the default). */
    struct user back;
    cur_json_error_t err;
    check(user_from_json(json.ptr, json.len, &back, NULL, &err),
          "user_from_json");
    printf("from_json:\n");
    print_user(&back);
    cur_string_t again;
    cur_string_init(&again, NULL);
    check(user_to_json(&back, &again), "user_to_json");
    printf("  round trip gives the same JSON: %s\n",
           cur_str_eq(cur_string_as_str(&again), cur_string_as_str(&json))
               ? "yes"
               : "no");
    printf("  skipped field session is %s\n", back.session ? "set" : "NULL");
    user_destroy(&back, NULL); /* frees name, tags and the slice */

    /* Bad input: each fails with a code, a position and a message, and
     * leaves nothing allocated (serde_json::Error's line() and column()). */
    static const char *const bad[] = {
        "{\"id\": 1, \"name\": \"x\"}",
        "{\"id\": \"one\"}",
        "{\"id\": 1, \"nmae\": \"x\"}",
        "{\"id\": 1, \"name\": \"x\", \"admin\": false, \"score\": 1,\n"
        " \"home\": {\"city\": \"A\", \"zip\": \"1\"}, \"rgb\": [1, 2, 300]}",
        "{\"id\": 1, \"name\": \"x\", \"admin\": false, \"score\": 1,\n"
        " \"home\": {\"city\": \"Llanfairpwllgwyngyll-gogogoch\"}}",
        "{\n  \"id\": 1,\n  \"name\": \"x\",\n}",
        "{\"id\": 1, \"name\": \"caf\xe9\"}",
    };
    printf("errors:\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct user v;
        rc = user_from_json(bad[i], (ptrdiff_t)strlen(bad[i]), &v, NULL, &err);
        printf("  %s at line %td, column %td: %s\n", cur_err_name(rc),
               err.line, err.column, err.message);
    }

    /* The hand-built value is ours to free: user_destroy is only for
     * values from_json made (it would free our stack array of tags). */
    cur_string_destroy(&u.name);
    cur_string_destroy(&tags[0]);
    cur_string_destroy(&tags[1]);
    cur_string_destroy(&json);
    cur_string_destroy(&pretty);
    cur_string_destroy(&again);
    return 0;
}
