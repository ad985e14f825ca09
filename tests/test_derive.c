/*
 * Tests of the code tools/derive generates for the fixtures in
 * tests/derive/ (all_types.h, nested.h, syntax.h; the Makefile derives
 * them into $(B)/gen/derive/ and links the results here): exact JSON text,
 * round trips of every supported field type, the policies (unknown fields
 * skipped or denied, missing and duplicate fields, optional fields), wrong
 * types and bad JSON with their positions, to_json's refusals, rollback,
 * a mutation sweep, and OOM sweeps of from_json and to_json.
 *
 * The generator's own bad inputs (tests/derive/bad_*.h) are checked by
 * tests/derive/run-bad.sh, which `make check` runs.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/json.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "all_types_json.h"
#include "nested_json.h"
#include "support/alloc.h"
#include "support/rng.h"
#include "syntax_json.h"

static const cur_alloc_t *const A = &cur_test_alloc;

static ptrdiff_t slen(const char *s) { return (ptrdiff_t)strlen(s); }


/* The JSON of a to_json call, as a C string in a buffer (test helper). */
static char json_buf[8192];

#define TO_JSON(fn, v)                                                       \
    ({                                                                       \
        cur_string_t s_;                                                     \
        cur_string_init(&s_, A);                                             \
        int rc_ = fn(v, &s_);                                                \
        cr_assert_eq(rc_, 0, #fn ": %s", cur_err_name(rc_));                 \
        cr_assert_lt(s_.len, CUR_SIZEOF(json_buf));                          \
        memcpy(json_buf, cur_string_cstr(&s_), (size_t)s_.len + 1);          \
        cur_string_destroy(&s_);                                             \
        (const char *)json_buf;                                              \
    })

static bool str_is(const cur_string_t *s, const char *want)
{
    return cur_str_eq(cur_string_as_str(s), cur_str_from_cstr(want));
}

/* ------------------------------------------------------------------------ */
/* Every field type                                                         */
/* ------------------------------------------------------------------------ */

static struct scalars extreme_scalars(void)
{
    return (struct scalars){
        .i8 = INT8_MIN, .i16 = INT16_MAX, .i32 = INT32_MIN, .i64 = INT64_MAX,
        .u8 = UINT8_MAX, .u16 = 0, .u32 = UINT32_MAX, .u64 = UINT64_MAX,
        .flag = true, .f32 = FLT_MAX, .f64 = -DBL_MIN,
    };
}

static void assert_scalars_eq(const struct scalars *a, const struct scalars *b)
{
    cr_assert_eq(a->i8, b->i8);
    cr_assert_eq(a->i16, b->i16);
    cr_assert_eq(a->i32, b->i32);
    cr_assert_eq(a->i64, b->i64);
    cr_assert_eq(a->u8, b->u8);
    cr_assert_eq(a->u16, b->u16);
    cr_assert_eq(a->u32, b->u32);
    cr_assert_eq(a->u64, b->u64);
    cr_assert_eq(a->flag, b->flag);
    cr_assert(a->f32 == b->f32 && signbit(a->f32) == signbit(b->f32));
    cr_assert(a->f64 == b->f64 && signbit(a->f64) == signbit(b->f64));
}

Test(derive, scalars_exact_text_and_back)
{
    struct scalars v = extreme_scalars(), back;
    const char *json = TO_JSON(scalars_to_json, &v);
    cr_assert_str_eq(json,
                     "{\"i8\":-128,\"i16\":32767,\"i32\":-2147483648,"
                     "\"i64\":9223372036854775807,\"u8\":255,\"u16\":0,"
                     "\"u32\":4294967295,\"u64\":18446744073709551615,"
                     "\"flag\":true,\"f32\":3.4028235e+38,"
                     "\"f64\":-2.2250738585072014e-308}");
    cur_json_error_t err;
    cr_assert_eq(scalars_from_json(json, slen(json), &back, A, &err), 0,
                 "%s", err.message);
    cr_assert_eq(err.code, 0);
    assert_scalars_eq(&v, &back);
    scalars_destroy(&back, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, scalars_random_round_trips)
{
    for (int round = 0; round < 3000; round++) {
        struct scalars v = {
            .i8 = (int8_t)rng(), .i16 = (int16_t)rng(), .i32 = (int32_t)rng(),
            .i64 = (int64_t)rng(), .u8 = (uint8_t)rng(), .u16 = (uint16_t)rng(),
            .u32 = (uint32_t)rng(), .u64 = rng(), .flag = rng() & 1,
        };
        do {
            uint32_t bits = (uint32_t)rng();
            memcpy(&v.f32, &bits, 4);
        } while (!isfinite(v.f32));
        do {
            uint64_t bits = rng();
            memcpy(&v.f64, &bits, 8);
        } while (!isfinite(v.f64));
        struct scalars back;
        const char *json = TO_JSON(scalars_to_json, &v);
        cr_assert_eq(scalars_from_json(json, slen(json), &back, A, NULL), 0,
                     "%s", json);
        assert_scalars_eq(&v, &back);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, texts_round_trip)
{
    struct texts v = {.name = "h\xc3\xa9llo!",
                      .tags = {"a", "", "xyz"}};
    cur_string_init(&v.bio, A);
    cr_assert_eq(cur_string_push_str(&v.bio,
                                     CUR_STR("line 1\nline \"2\"\t\\ \xf0\x9f\x98\x80 "
                                             "\x01")),
                 0);
    cur_string_init(&v.lines[0], A);
    cur_string_init(&v.lines[1], A);
    cr_assert_eq(cur_string_push_str(&v.lines[1], CUR_STR("second")), 0);
    const char *json = TO_JSON(texts_to_json, &v);
    cr_assert_str_eq(json, "{\"name\":\"h\xc3\xa9llo!\",\"bio\":\"line 1\\nline "
                           "\\\"2\\\"\\t\\\\ \xf0\x9f\x98\x80 \\u0001\","
                           "\"tags\":[\"a\",\"\",\"xyz\"],"
                           "\"lines\":[\"\",\"second\"]}");
    struct texts back;
    cr_assert_eq(texts_from_json(json, slen(json), &back, A, NULL), 0);
    cr_assert_str_eq(back.name, v.name);
    cr_assert(cur_str_eq(cur_string_as_str(&back.bio), cur_string_as_str(&v.bio)));
    for (int i = 0; i < 3; i++) cr_assert_str_eq(back.tags[i], v.tags[i]);
    cr_assert(str_is(&back.lines[0], ""));
    cr_assert(str_is(&back.lines[1], "second"));
    /* The strings allocate with the hook given to from_json. */
    ptrdiff_t live = cur_test_live_bytes();
    texts_destroy(&back, A);
    cr_assert_lt(cur_test_live_bytes(), live);
    texts_destroy(&v, A);
    texts_destroy(&v, A); /* twice is harmless */
    texts_destroy(NULL, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, escaped_input_decodes)
{
    const char *json = "{\"n\\u0061me\": \"\\u00e9\\t\", \"bio\": \"\\ud83d\\ude00\","
                       " \"tags\": [\"\\\"\", \"\\\\\\/\", \"\"],"
                       " \"lines\": [\"a\\nb\", \"\"]}";
    struct texts v;
    cr_assert_eq(texts_from_json(json, slen(json), &v, A, NULL), 0);
    cr_assert_str_eq(v.name, "\xc3\xa9\t");
    cr_assert(str_is(&v.bio, "\xf0\x9f\x98\x80"));
    cr_assert_str_eq(v.tags[0], "\"");
    cr_assert_str_eq(v.tags[1], "\\/");
    cr_assert(str_is(&v.lines[0], "a\nb"));
    texts_destroy(&v, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, arrays_round_trip)
{
    struct arrays v = {
        .v = {1, -2, 3},
        .grid = {{1, 2, 3}, {4, 5, 255}},
        .bits = {true, false, false, true},
        .d = {0.5, -1e100},
        .f = {0.1f},
        .pair = {extreme_scalars(), {.i8 = 1, .u64 = 2, .f64 = 0.25}},
        .text = {{.name = "n", .tags = {"t1", "t2", "t3"}}},
    };
    cur_string_init(&v.text[0].bio, A);
    cr_assert_eq(cur_string_push_str(&v.text[0].bio, CUR_STR("bio")), 0);
    const char *json = TO_JSON(arrays_to_json, &v);
    cr_assert_eq(strncmp(json,
                         "{\"v\":[1,-2,3],\"grid\":[[1,2,3],[4,5,255]],"
                         "\"bits\":[true,false,false,true],\"d\":[0.5,-1e+100],"
                         "\"f\":[0.1],\"pair\":[{\"i8\":-128,",
                         strlen("{\"v\":[1,-2,3],\"grid\":[[1,2,3],[4,5,255]],"
                                "\"bits\":[true,false,false,true],\"d\":[0.5,"
                                "-1e+100],\"f\":[0.1],\"pair\":[{\"i8\":-128,")),
                 0, "%s", json);
    struct arrays back;
    cur_json_error_t err;
    cr_assert_eq(arrays_from_json(json, slen(json), &back, A, &err), 0, "%s",
                 err.message);
    cr_assert_eq(memcmp(back.v, v.v, sizeof v.v), 0);
    cr_assert_eq(memcmp(back.grid, v.grid, sizeof v.grid), 0);
    cr_assert_eq(memcmp(back.bits, v.bits, sizeof v.bits), 0);
    cr_assert(back.d[0] == 0.5 && back.d[1] == -1e100);
    cr_assert_eq(back.f[0], 0.1f);
    assert_scalars_eq(&back.pair[0], &v.pair[0]);
    assert_scalars_eq(&back.pair[1], &v.pair[1]);
    cr_assert_str_eq(back.text[0].tags[2], "t3");
    cr_assert(str_is(&back.text[0].bio, "bio"));
    arrays_destroy(&back, A);
    arrays_destroy(&v, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, fixed_arrays_need_their_exact_length)
{
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{\"v\":[1,2],\"grid\":[[1,2,3],[4,5,6]],\"bits\":[true,true,true,true],"
         "\"d\":[1,2],\"f\":[1],\"pair\":[],\"text\":[]}",
         "arrays.v: expected 3 elements, found 2"},
        {"{\"v\":[1,2,3],\"grid\":[[1,2,3],[4,5,6,7]],\"bits\":[]}",
         "arrays.grid: expected 3 elements, found 4"},
        {"{\"v\":[1,2,3],\"grid\":[[1,2,3]]}",
         "arrays.grid: expected 2 elements, found 1"},
        {"{\"v\":{}}", "arrays.v: expected an array, found an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct arrays v;
        cur_json_error_t err;
        cr_assert_eq(arrays_from_json(cases[i].json, slen(cases[i].json), &v,
                                      A, &err),
                     CUR_EINVAL, "case %zu", i);
        cr_assert_str_eq(err.message, cases[i].message, "case %zu", i);
        cr_assert_eq(cases[i].json[err.offset], i == 3 ? '{' : '[',
                     "case %zu: at the array", i);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Nested structs, slices, attributes                                       */
/* ------------------------------------------------------------------------ */

/* A fully populated order whose strings and slices use A. */
static void make_order(struct order *o, struct line_item items[2],
                       cur_string_t notes[3], int16_t codes[4])
{
    memset(o, 0, sizeof *o);
    memset(items, 0, 2 * sizeof *items);
    o->id = 12345678901234567890ull;
    o->where = (struct point){3, -4};
    o->corners[0] = (struct point){0, 0};
    o->corners[1] = (struct point){INT32_MAX, INT32_MIN};
    strcpy(items[0].sku, "SKU-1");
    items[0].qty = 2;
    items[0].price = 9.99;
    cur_string_init(&items[0].note, A);
    strcpy(items[1].sku, "SKU-\"2\"");
    items[1].qty = 0;
    items[1].price = 0.5;
    cur_string_init(&items[1].note, A);
    cr_assert_eq(cur_string_push_str(&items[1].note, CUR_STR("gift")), 0);
    o->items = items;
    o->n_items = 2;
    for (int i = 0; i < 3; i++) cur_string_init(&notes[i], A);
    cr_assert_eq(cur_string_push_str(&notes[0], CUR_STR("fragile")), 0);
    cr_assert_eq(cur_string_push_str(&notes[2], CUR_STR("\xe2\x9c\x93")), 0);
    o->notes = notes;
    o->n_notes = 3;
    codes[0] = -1, codes[1] = 0, codes[2] = INT16_MAX, codes[3] = INT16_MIN;
    o->codes = codes;
    o->n_codes = 4;
    o->rush = true;
    o->bonus = (struct point){7, 8};
    o->cache = (void *)o; /* skipped: never written, never read */
}

static const char order_json[] =
    "{\"id\":12345678901234567890,\"where\":{\"x\":3,\"y_pos\":-4},"
    "\"corners\":[{\"x\":0,\"y_pos\":0},{\"x\":2147483647,\"y_pos\":-2147483648}],"
    "\"items\":[{\"sku\":\"SKU-1\",\"qty\":2,\"price\":9.99,\"note\":\"\"},"
    "{\"sku\":\"SKU-\\\"2\\\"\",\"qty\":0,\"price\":0.5,\"note\":\"gift\"}],"
    "\"notes\":[\"fragile\",\"\",\"\xe2\x9c\x93\"],"
    "\"codes\":[-1,0,32767,-32768],\"rush\":true,\"extra\":{\"x\":7,\"y_pos\":8}}";

static void free_made_order(struct line_item items[2], cur_string_t notes[3])
{
    for (int i = 0; i < 2; i++) cur_string_destroy(&items[i].note);
    for (int i = 0; i < 3; i++) cur_string_destroy(&notes[i]);
}

static void assert_order_eq(const struct order *a, const struct order *b)
{
    cr_assert_eq(a->id, b->id);
    cr_assert(a->where.x == b->where.x && a->where.y == b->where.y);
    for (int i = 0; i < 2; i++)
        cr_assert(a->corners[i].x == b->corners[i].x &&
                  a->corners[i].y == b->corners[i].y);
    cr_assert_eq(a->n_items, b->n_items);
    for (ptrdiff_t i = 0; i < a->n_items; i++) {
        cr_assert_str_eq(a->items[i].sku, b->items[i].sku);
        cr_assert_eq(a->items[i].qty, b->items[i].qty);
        cr_assert_eq(a->items[i].price, b->items[i].price);
        cr_assert(cur_str_eq(cur_string_as_str(&a->items[i].note),
                             cur_string_as_str(&b->items[i].note)));
    }
    cr_assert_eq(a->n_notes, b->n_notes);
    for (ptrdiff_t i = 0; i < a->n_notes; i++)
        cr_assert(cur_str_eq(cur_string_as_str(&a->notes[i]),
                             cur_string_as_str(&b->notes[i])));
    cr_assert_eq(a->n_codes, b->n_codes);
    for (ptrdiff_t i = 0; i < a->n_codes; i++)
        cr_assert_eq(a->codes[i], b->codes[i]);
    cr_assert_eq(a->rush, b->rush);
    cr_assert(a->bonus.x == b->bonus.x && a->bonus.y == b->bonus.y);
}

Test(derive, nested_order_exact_text_and_back)
{
    struct order o, back;
    struct line_item items[2];
    cur_string_t notes[3];
    int16_t codes[4];
    make_order(&o, items, notes, codes);
    const char *json = TO_JSON(order_to_json, &o);
    cr_assert_str_eq(json, order_json);
    cur_json_error_t err;
    cr_assert_eq(order_from_json(json, slen(json), &back, A, &err), 0, "%s",
                 err.message);
    assert_order_eq(&o, &back);
    cr_assert_null(back.cache, "skipped fields come back zero");
    cr_assert_null(back.callback);
    order_destroy(&back, A);
    cr_assert_null(back.items);
    cr_assert_eq(back.n_items, 0);
    free_made_order(items, notes);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, empty_slices)
{
    struct order o = {.id = 1}, back;
    const char *json = TO_JSON(order_to_json, &o);
    cr_assert_str_eq(json, "{\"id\":1,\"where\":{\"x\":0,\"y_pos\":0},"
                           "\"corners\":[{\"x\":0,\"y_pos\":0},{\"x\":0,"
                           "\"y_pos\":0}],\"items\":[],\"notes\":[],"
                           "\"codes\":[],\"rush\":false,"
                           "\"extra\":{\"x\":0,\"y_pos\":0}}");
    cr_assert_eq(order_from_json(json, slen(json), &back, A, NULL), 0);
    cr_assert_null(back.items);
    cr_assert_null(back.notes);
    cr_assert_null(back.codes);
    cr_assert_eq(back.n_items + back.n_notes + back.n_codes, 0);
    order_destroy(&back, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, optional_fields_may_be_missing)
{
    const char *json = "{\"id\":5,\"where\":{\"x\":1,\"y_pos\":2},"
                       "\"corners\":[{\"x\":0,\"y_pos\":0},{\"x\":0,\"y_pos\":0}],"
                       "\"items\":[],\"notes\":[\"n\"],\"codes\":[7]}";
    struct order o;
    cr_assert_eq(order_from_json(json, slen(json), &o, A, NULL), 0);
    cr_assert_eq(o.rush, false);
    cr_assert(o.bonus.x == 0 && o.bonus.y == 0);
    cr_assert_eq(o.n_codes, 1);
    cr_assert_eq(o.codes[0], 7);
    cr_assert(str_is(&o.notes[0], "n"));
    order_destroy(&o, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, unknown_fields_are_skipped_by_default)
{
    const char *json = "{\"z\": {\"deep\": [1, {\"x\": 2}]}, \"x\": 1, "
                       "\"y\": 99, \"y_pos\": 2, \"w\": null}";
    struct point p;
    cr_assert_eq(point_from_json(json, slen(json), &p, A, NULL), 0);
    cr_assert(p.x == 1 && p.y == 2, "the C name \"y\" is not its key");
    struct nothing n;
    cr_assert_eq(nothing_from_json("{\"a\":[1,2]}", 11, &n, A, NULL), 0);
    cr_assert_str_eq(TO_JSON(nothing_to_json, &n), "{}");
    cr_assert_eq(nothing_from_json("[]", 2, &n, A, NULL), CUR_EINVAL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, unknown_fields_denied_when_asked)
{
    const char *json = "{\"id\": 1, \"idd\": 2}";
    struct order o;
    memset(&o, 0x5a, sizeof o);
    cur_json_error_t err;
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct order: unknown field \"idd\"");
    cr_assert_eq(err.offset, 10);
    cr_assert_eq(o.id, 0x5a5a5a5a5a5a5a5aull, "out untouched");
    /* The len member is not a JSON field either. */
    json = "{\"n_items\": 0}";
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct order: unknown field \"n_items\"");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, missing_and_duplicate_fields)
{
    struct point p = {11, 22};
    cur_json_error_t err;
    const char *json = "  {\"x\": 1}";
    cr_assert_eq(point_from_json(json, slen(json), &p, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct point: missing field \"y_pos\"");
    cr_assert_eq(err.offset, 2, "at the object");
    json = "{\"x\": 1, \"y_pos\": 2, \"x\": 3}";
    cr_assert_eq(point_from_json(json, slen(json), &p, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct point: duplicate field \"x\"");
    cr_assert_eq(err.offset, 21, "at the second key");
    /* A key spelled with escapes is the same key. */
    json = "{\"x\": 1, \"y_pos\": 2, \"\\u0078\": 3}";
    cr_assert_eq(point_from_json(json, slen(json), &p, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct point: duplicate field \"x\"");
    cr_assert(p.x == 11 && p.y == 22, "out untouched");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, wrong_types_and_ranges)
{
    static const struct {
        const char *json;
        int code;
        const char *message;
    } cases[] = {
        {"{\"i8\":-129}", CUR_ERANGE, "scalars.i8: integer -129 out of range "
                                      "[-128, 127]"},
        {"{\"i16\":32768}", CUR_ERANGE, "scalars.i16: integer 32768 out of "
                                        "range [-32768, 32767]"},
        {"{\"u8\":256}", CUR_ERANGE, "scalars.u8: integer 256 out of range "
                                     "[0, 255]"},
        {"{\"u32\":-1}", CUR_ERANGE, "scalars.u32: integer -1 out of range "
                                     "[0, 4294967295]"},
        {"{\"u64\":18446744073709551616}", CUR_ERANGE,
         "scalars.u64: integer 18446744073709551616 out of range [0, "
         "18446744073709551615]"},
        {"{\"i32\":\"7\"}", CUR_EINVAL, "scalars.i32: expected an integer, "
                                        "found a string"},
        {"{\"i64\":7.0}", CUR_EINVAL, "scalars.i64: expected an integer, "
                                      "found 7.0"},
        {"{\"flag\":1}", CUR_EINVAL, "scalars.flag: expected true or false, "
                                     "found a number"},
        {"{\"flag\":null}", CUR_EINVAL, "scalars.flag: expected true or "
                                        "false, found null"},
        {"{\"f32\":1e39}", CUR_ERANGE, "scalars.f32: number 1e39 out of range "
                                       "for a float"},
        {"{\"f64\":1e999}", CUR_ERANGE, "scalars.f64: number 1e999 out of "
                                        "range for a double"},
        {"{\"f64\":\"1\"}", CUR_EINVAL, "scalars.f64: expected a number, "
                                        "found a string"},
        {"[]", CUR_EINVAL, "struct scalars: expected an object, found an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct scalars v;
        cur_json_error_t err;
        cr_assert_eq(scalars_from_json(cases[i].json, slen(cases[i].json), &v,
                                       A, &err),
                     cases[i].code, "case %zu", i);
        cr_assert_str_eq(err.message, cases[i].message, "case %zu", i);
        cr_assert_eq(err.code, cases[i].code);
    }
    static const struct {
        const char *json;
        int code;
        const char *message;
    } text_cases[] = {
        {"{\"name\":\"12345678\"}", CUR_ERANGE,
         "texts.name: a string of 8 bytes does not fit in char[8]"},
        {"{\"name\":\"\\u0000\"}", CUR_EINVAL,
         "texts.name: a string holding \\u0000 does not fit in a C string"},
        {"{\"name\":1}", CUR_EINVAL, "texts.name: expected a string, found a "
                                     "number"},
        {"{\"bio\":[]}", CUR_EINVAL, "texts.bio: expected a string, found an "
                                     "array"},
        {"{\"tags\":[\"a\",\"b\",\"long\"]}", CUR_ERANGE,
         "texts.tags: a string of 4 bytes does not fit in char[4]"},
    };
    for (size_t i = 0; i < sizeof text_cases / sizeof *text_cases; i++) {
        struct texts v;
        cur_json_error_t err;
        cr_assert_eq(texts_from_json(text_cases[i].json,
                                     slen(text_cases[i].json), &v, A, &err),
                     text_cases[i].code, "case %zu", i);
        cr_assert_str_eq(err.message, text_cases[i].message, "case %zu", i);
    }
    struct order o;
    cur_json_error_t err;
    const char *json = "{\"id\":1,\"items\":[{\"sku\":\"a\",\"qty\":1,"
                       "\"price\":1,\"note\":\"\"},{\"sku\":1}]}";
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "line_item.sku: expected a string, found a "
                                  "number");
    cr_assert_eq(err.offset, (ptrdiff_t)(strstr(json, "1}]") - json));
    json = "{\"items\":{}}";
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "order.items: expected an array, found an "
                                  "object");
    json = "{\"where\":[1,2]}";
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct point: expected an object, found an "
                                  "array");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, bad_json_reports_its_position)
{
    struct order o;
    cur_json_error_t err;
    const char *json = "{\n"
                       "  \"id\": 7,\n"
                       "  \"notes\": [\"a\", \"b\",]\n"
                       "}";
    cr_assert_eq(order_from_json(json, slen(json), &o, A, &err), CUR_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_eq(err.column, 22);
    cr_assert_str_eq(err.message, "trailing comma: expected a value after ',', "
                                  "found ']'");
    json = "{\"x\": 1, \"y_pos\": 2} {}";
    struct point p;
    cr_assert_eq(point_from_json(json, slen(json), &p, A, &err), CUR_EPARSE);
    cr_assert_eq(err.offset, 21);
    cr_assert_str_eq(err.message, "unexpected '{' after the JSON value");
    cr_assert_eq(point_from_json("", 0, &p, A, &err), CUR_EPARSE);
    cr_assert_eq(point_from_json("{\"x\": 1, \"y_pos\": 2", 19, &p, A, &err),
                 CUR_EPARSE);
    cr_assert_eq(err.offset, 19);
    cr_assert_eq(point_from_json("{\"x\": 01, \"y_pos\": 2}", 21, &p, A, &err),
                 CUR_EPARSE);
    json = "{\"x\": \"\xff\", \"y_pos\": 2}";
    cr_assert_eq(point_from_json(json, slen(json), &p, A, &err), CUR_EUTF8);
    cr_assert_eq(err.offset, 7);
    cr_assert_eq(point_from_json("{}", -1, &p, A, &err), CUR_EINVAL);
    cr_assert_eq(err.code, CUR_EINVAL);
    cr_assert_eq(point_from_json("{}", -1, &p, A, NULL), CUR_EINVAL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, errors_after_allocating_leak_nothing)
{
    static const char *const docs[] = {
        /* strings and slices allocated, then a missing field */
        "{\"id\":1,\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":1,\"note\":"
        "\"long enough to allocate\"}],\"notes\":[\"x\",\"y\"],\"codes\":[1]}",
        /* then a type error deep inside a slice element */
        "{\"notes\":[\"x\",\"y\"],\"items\":[{\"sku\":\"a\",\"qty\":1,"
        "\"price\":1,\"note\":\"n\"},{\"sku\":\"b\",\"qty\":-1}]}",
        /* then a syntax error after the last field */
        "{\"id\":1,\"where\":{\"x\":1,\"y_pos\":2},\"corners\":[{\"x\":0,"
        "\"y_pos\":0},{\"x\":0,\"y_pos\":0}],\"items\":[],\"notes\":[\"a\"],"
        "\"codes\":[]} x",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        struct order o;
        memset(&o, 0x77, sizeof o);
        cr_assert_lt(order_from_json(docs[i], slen(docs[i]), &o, A, NULL), 0);
        cr_assert_eq(o.n_items, 0x7777777777777777, "out untouched");
        cr_assert_eq(cur_test_live_bytes(), 0, "doc %zu leaked", i);
    }
}

Test(derive, recursive_slices_and_the_depth_limit)
{
    struct tree leaf1 = {.label = "leaf1"}, leaf2 = {.label = "leaf2"};
    struct tree mid[2] = {{.label = "mid"}, {.label = "empty"}};
    struct tree kids_of_mid[2];
    kids_of_mid[0] = leaf1;
    kids_of_mid[1] = leaf2;
    mid[0].kids = kids_of_mid;
    mid[0].n_kids = 2;
    struct tree root = {.label = "root", .kids = mid, .n_kids = 2};
    const char *json = TO_JSON(tree_to_json, &root);
    cr_assert_str_eq(json, "{\"label\":\"root\",\"kids\":[{\"label\":\"mid\","
                           "\"kids\":[{\"label\":\"leaf1\",\"kids\":[]},"
                           "{\"label\":\"leaf2\",\"kids\":[]}]},"
                           "{\"label\":\"empty\",\"kids\":[]}]}");
    struct tree back;
    cr_assert_eq(tree_from_json(json, slen(json), &back, A, NULL), 0);
    cr_assert_eq(back.n_kids, 2);
    cr_assert_str_eq(back.kids[0].kids[1].label, "leaf2");
    cr_assert_eq(back.kids[1].n_kids, 0);
    tree_destroy(&back, A);

    /* 70 levels of trees are 140 levels of JSON: over the reader's 128. */
    static char deep[70 * 24 + 64];
    char *w = deep;
    for (int i = 0; i < 70; i++) w += sprintf(w, "{\"label\":\"\",\"kids\":[");
    for (int i = 0; i < 70; i++) w += sprintf(w, "]}");
    cur_json_error_t err;
    cr_assert_eq(tree_from_json(deep, w - deep, &back, A, &err), CUR_EOVERFLOW);
    cr_assert_str_eq(err.message, "nesting deeper than 128 levels");
    cr_assert_eq(cur_test_live_bytes(), 0);

    /* A cycle cannot be written forever: the writer's depth limit. */
    struct tree loop = {.label = "loop", .n_kids = 1};
    loop.kids = &loop;
    cur_string_t s;
    cur_string_init(&s, A);
    cr_assert_eq(tree_to_json(&loop, &s), CUR_EOVERFLOW);
    cr_assert_eq(s.len, 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, to_json_refuses_bad_values_and_rolls_back)
{
    cur_string_t s;
    cur_string_init(&s, A);
    cr_assert_eq(cur_string_push_str(&s, CUR_STR("keep")), 0);

    struct texts t = {0};
    memset(t.name, 'x', sizeof t.name); /* no NUL: not a string */
    cr_assert_eq(texts_to_json(&t, &s), CUR_EINVAL);
    cr_assert_str_eq(cur_string_cstr(&s), "keep");
    t.name[0] = '\0';
    cur_string_init(&t.bio, A);
    cr_assert_eq(cur_string_push_bytes(&t.bio, "ok", 2), 0);
    t.bio.ptr[1] = (char)0xff; /* broken after the check: invalid UTF-8 */
    cr_assert_eq(texts_to_json(&t, &s), CUR_EUTF8);
    cr_assert_str_eq(cur_string_cstr(&s), "keep");
    cur_string_destroy(&t.bio);

    struct scalars sc = {.f64 = NAN};
    cr_assert_eq(scalars_to_json(&sc, &s), CUR_EDOM);
    sc.f64 = 0;
    sc.f32 = -INFINITY;
    cr_assert_eq(scalars_to_json(&sc, &s), CUR_EDOM);
    cr_assert_str_eq(cur_string_cstr(&s), "keep");

    struct order o = {.n_codes = -1};
    cr_assert_eq(order_to_json(&o, &s), CUR_EINVAL);
    o.n_codes = 2; /* NULL with a length */
    cr_assert_eq(order_to_json(&o, &s), CUR_EINVAL);
    cr_assert_str_eq(cur_string_cstr(&s), "keep");

    /* Appends after what the string holds. */
    struct point p = {1, 2};
    cr_assert_eq(point_to_json(&p, &s), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "keep{\"x\":1,\"y_pos\":2}");
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, json_write_and_read_compose)
{
    /* The per-struct writer and reader work inside hand-written JSON. */
    struct point pts[3] = {{1, 2}, {-3, 4}, {5, -6}};
    cur_string_t s;
    cur_json_writer_t w;
    cur_string_init(&s, A);
    cr_assert_eq(cur_json_writer_init(&w, &s, 2), 0);
    cr_assert_eq(cur_json_write_array_begin(&w), 0);
    for (int i = 0; i < 3; i++) cr_assert_eq(point_json_write(&w, &pts[i]), 0);
    cr_assert_eq(cur_json_write_array_end(&w), 0);
    cr_assert_eq(cur_json_writer_finish(&w), 0);
    cr_assert_str_eq(cur_string_cstr(&s), "[\n"
                                          "  {\n"
                                          "    \"x\": 1,\n"
                                          "    \"y_pos\": 2\n"
                                          "  },\n"
                                          "  {\n"
                                          "    \"x\": -3,\n"
                                          "    \"y_pos\": 4\n"
                                          "  },\n"
                                          "  {\n"
                                          "    \"x\": 5,\n"
                                          "    \"y_pos\": -6\n"
                                          "  }\n"
                                          "]");
    cur_json_reader_t r;
    cr_assert_eq(cur_json_reader_init(&r, s.ptr, s.len, 0), 0);
    cr_assert_eq(cur_json_read_array(&r, NULL), 0);
    int n = 0;
    int rc;
    while ((rc = cur_json_array_next(&r)) > 0) {
        struct point p;
        cr_assert_eq(point_json_read(&r, &p, A), 0);
        cr_assert(p.x == pts[n].x && p.y == pts[n].y);
        n++;
    }
    cr_assert_eq(rc, 0);
    cr_assert_eq(n, 3);
    cr_assert_eq(cur_json_reader_end(&r), 0);
    cur_string_destroy(&s);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, syntax_fixture)
{
    struct spaced v = {.a = 1, .b = -2, .c = 3, .name = "twelve chars",
                       .percent = 100, .split_over_lines = -1};
    const char *json = TO_JSON(spaced_to_json, &v);
    cr_assert_str_eq(json, "{\"a\":1,\"b\":-2,\"c\":3,\"name\":\"twelve chars\","
                           "\"100%??\":100,\"split_over_lines\":-1}");
    struct spaced back;
    cur_json_error_t err;
    cr_assert_eq(spaced_from_json(json, slen(json), &back, A, &err), 0);
    cr_assert(back.a == 1 && back.b == -2 && back.c == 3);
    cr_assert_str_eq(back.name, "twelve chars");
    cr_assert(back.percent == 100 && back.split_over_lines == -1);
    /* The odd key in messages, through %s and not as a format. */
    cr_assert_eq(spaced_from_json("{}", 2, &back, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct spaced: missing field \"a\"");
    json = "{\"a\":1,\"b\":-2,\"c\":3,\"name\":\"\",\"split_over_lines\":0}";
    cr_assert_eq(spaced_from_json(json, slen(json), &back, A, &err), CUR_EINVAL);
    cr_assert_str_eq(err.message, "struct spaced: missing field \"100%??\"");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, destroy_accepts_null_and_zeroed)
{
    struct order o = {0};
    order_destroy(NULL, A);
    order_destroy(&o, A);
    order_destroy(&o, NULL);
    struct tree t = {0};
    tree_destroy(&t, A);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* ------------------------------------------------------------------------ */
/* Sweeps                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Mutations of a valid order: whatever from_json is given, it succeeds
 * (and destroy frees everything) or fails with a code and a position,
 * leaving out untouched and nothing allocated.
 */
Test(derive, mutation_sweep)
{
    static char buf[sizeof order_json];
    int ok = 0, failed = 0;
    for (int round = 0; round < 20000; round++) {
        ptrdiff_t n = CUR_SIZEOF(order_json) - 1;
        memcpy(buf, order_json, (size_t)n);
        for (int k = 1 + (int)(rng() % 3); k > 0; k--) {
            ptrdiff_t at = (ptrdiff_t)(rng() % (uint64_t)n);
            switch (rng() % 4) {
            case 0: buf[at] = (char)rng(); break;
            case 1: n = at; break;
            case 2: buf[at] = "[]{}\",:0-9e.tn"[rng() % 14]; break;
            default: /* delete a byte */
                memmove(buf + at, buf + at + 1, (size_t)(n - at - 1));
                n--;
            }
            if (n == 0) break;
        }
        struct order o;
        memset(&o, 0x33, sizeof o);
        cur_json_error_t err;
        int rc = order_from_json(buf, n, &o, A, &err);
        if (rc == 0) {
            ok++;
            cr_assert_eq(err.code, 0);
            order_destroy(&o, A);
        } else {
            failed++;
            cr_assert_eq(err.code, rc);
            cr_assert(err.offset >= 0 && err.offset <= n);
            cr_assert_neq(err.message[0], '\0');
            cr_assert_eq(o.n_codes, 0x3333333333333333, "out untouched");
        }
        cr_assert_eq(cur_test_live_bytes(), 0, "round %d leaked", round);
    }
    cr_assert_gt(ok, 0, "some mutations stay valid");
    cr_assert_gt(failed, 0);
}

Test(derive, oom_from_json)
{
    struct order o;
    cur_json_error_t err;
    int rc;
    CUR_OOM_SWEEP(rc, { memset(&o, 0x44, sizeof o); },
        { rc = order_from_json(order_json, CUR_SIZEOF(order_json) - 1, &o, A,
                               &err); },
        {
            cr_assert_eq(err.code, CUR_ENOMEM);
            cr_assert_eq(o.n_items, 0x4444444444444444, "out untouched");
        },
        {
            cr_assert_eq(err.code, 0);
            struct order want;
            struct line_item items[2];
            cur_string_t notes[3];
            int16_t codes[4];
            make_order(&want, items, notes, codes);
            assert_order_eq(&o, &want);
            free_made_order(items, notes);
            order_destroy(&o, A);
        },
        {});
    static const char texts_json[] =
        "{\"name\":\"n\",\"bio\":\"a biography\",\"tags\":[\"\",\"\",\"\"],"
        "\"lines\":[\"first line\",\"second line\"]}";
    struct texts t;
    CUR_OOM_SWEEP(rc, { memset(&t, 0x44, sizeof t); },
        { rc = texts_from_json(texts_json, slen(texts_json), &t, A, &err); },
        {
            cr_assert_eq(err.code, CUR_ENOMEM);
            cr_assert_eq(t.name[0], 0x44, "out untouched");
        },
        {
            cr_assert_eq(err.code, 0, "%s", err.message);
            cr_assert(str_is(&t.lines[1], "second line"));
            texts_destroy(&t, A);
        },
        {});
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(derive, oom_to_json)
{
    struct order o;
    struct line_item items[2];
    cur_string_t notes[3];
    int16_t codes[4];
    make_order(&o, items, notes, codes);
    cur_string_t s;
    int rc;
    ptrdiff_t base = cur_test_live_bytes();
    CUR_OOM_SWEEP(rc,
        {
            cur_string_init(&s, A);
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("[")), 0);
        },
        { rc = order_to_json(&o, &s); },
        {
            cr_assert_str_eq(cur_string_cstr(&s), "[");
            cr_assert_eq(cur_string_push_str(&s, CUR_STR("]")), 0);
        },
        { cr_assert_str_eq(cur_string_cstr(&s) + 1, order_json); },
        { cur_string_destroy(&s); });
    cr_assert_eq(cur_test_live_bytes(), base);
    free_made_order(items, notes);
    cr_assert_eq(cur_test_live_bytes(), 0);
}
