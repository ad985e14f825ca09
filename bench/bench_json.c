/*
 * bench/bench_json.c: the `json` suite (lesson adv-4.2, src/json.c).
 *
 * Groups, each measured against its peer in the same process:
 *   parse-small  a ~300-byte object (nested object and arrays, strings with
 *                \" \\ \n \t \u00e9 and a surrogate pair, integers, reals,
 *                true, null), parsed and fully walked. ns/op.
 *   parse-1MiB   a generated ~1 MiB array of small objects, parsed and
 *                fully walked. ns/KiB.
 *   write-small  the same small object written as compact JSON into a
 *                fresh heap string, which is then freed. ns/op.
 *
 * Implementations, and exactly what each does per operation:
 *   cur    parse: cur_json_reader_init, then cur_json_next over every token
 *          to the end (grammar, nesting, escapes and UTF-8 all checked);
 *          every number converted with cur_json_token_double and summed;
 *          every string and key decoded with cur_json_token_copy into a
 *          stack buffer (a copy, as cJSON makes) and its length summed;
 *          values counted. No allocation: the reader never allocates.
 *          write: cur_string_init, cur_json_writer_init (compact), one
 *          writer call per key and value from a C struct holding the data,
 *          cur_json_writer_finish, cur_string_destroy.
 *   cjson  cJSON 1.7 (Debian: libcjson1), loaded at run time with
 *          dlopen("libcjson.so.1"), missing if absent (the Makefile links
 *          no extra library into this suite).
 *          parse: cJSON_ParseWithLength builds the tree (one malloc per
 *          value, one per string and per key, numbers converted with
 *          strtod), then the same walk over the tree (count values, sum
 *          numbers and string/key lengths), then cJSON_Delete.
 *          write: cJSON_PrintUnformatted of a tree built once, untimed,
 *          from the small object (the writer's input, as the C struct is
 *          cur's), then cJSON_free of the returned string.
 *   The tree's fields are read through cJSON's struct layout (next, prev,
 *   child, type, valuestring, valueint, valuedouble, string), declared here
 *   because the suite must not need libcjson-dev; that layout is cJSON's
 *   public ABI for soname 1.
 *
 * Before timing, each parse must succeed and both walks must give the same
 * count, the same string length total and the same number sum (strtod is
 * correctly rounded on both sides, and the order is the document's); each
 * writer's output, walked by cur, must give the small object's figures.
 * Any failure exits 1 rather than time a bug.
 */
#include "harness.h"
#include "../tests/support/rng.h"

#include <curriculum/json.h>
#include <curriculum/str.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- inputs ---------------------------------------------------------------- */

static const char small_json[] =
    "{\"id\":48213,\"name\":\"Ada \\\"the Countess\\\" Lovelace\","
    "\"email\":\"ada@example.org\",\"active\":true,\"score\":98.625,"
    "\"balance\":-1234.75,\"ratio\":0.1,"
    "\"tags\":[\"math\",\"poetry\\nand\\tcode\",\"caf\\u00e9\","
    "\"crab \\ud83e\\udd80\"],"
    "\"address\":{\"street\":\"12 St James's Square\",\"city\":\"London\","
    "\"zip\":\"SW1Y 4JH\",\"geo\":[51.5074,-0.1342]},"
    "\"history\":[1,2,3,5,8,13,21,34,55,89],"
    "\"note\":null,\"path\":\"C:\\\\Users\\\\ada\"}";

/* The same data as a C value, what the writer writes from. */
static const struct small {
    int64_t id;
    const char *name, *email;
    bool active;
    double score, balance, ratio;
    const char *tags[4];
    const char *street, *city, *zip;
    double geo[2];
    int64_t history[10];
    const char *path;
} small_value = {
    .id = 48213,
    .name = "Ada \"the Countess\" Lovelace",
    .email = "ada@example.org",
    .active = true,
    .score = 98.625,
    .balance = -1234.75,
    .ratio = 0.1,
    .tags = {"math", "poetry\nand\tcode", "caf\xC3\xA9",
             "crab \xF0\x9F\xA6\x80"},
    .street = "12 St James's Square",
    .city = "London",
    .zip = "SW1Y 4JH",
    .geo = {51.5074, -0.1342},
    .history = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89},
    .path = "C:\\Users\\ada",
};


static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_json: out of memory\n");
        exit(1);
    }
    return p;
}

/* A ~1 MiB array of objects like
 * {"id":17,"name":"user-17","email":"u17@example.com","active":false,
 *  "score":712.25,"tags":["t3","quote \"x\""],"pos":{"x":-41.5,"y":3.125}}
 * Returns the text (malloc'd) and its length. */
static char *make_big(ptrdiff_t *len_out)
{
    enum { TARGET = 1024 * 1024, SLACK = 512 };
    static const char *const words[] = {
        "alpha", "beta", "gamma", "tab\\there", "quote \\\"x\\\"",
        "caf\\u00e9", "line\\nbreak", "plain text with spaces",
    };
    char *p = xmalloc(TARGET + SLACK);
    ptrdiff_t n = 0;
    p[n++] = '[';
    for (int i = 0; n < TARGET - SLACK; i++) {
        uint64_t r = rng();
        int w = snprintf(
            p + n, (size_t)(TARGET + SLACK - n),
            "%s{\"id\":%d,\"name\":\"user-%d\",\"email\":\"u%d@example.com\","
            "\"active\":%s,\"score\":%d.%02d,\"tags\":[\"%s\",\"%s\"],"
            "\"pos\":{\"x\":%d.5,\"y\":-%d.125e-1},\"note\":null}",
            i ? "," : "", i, i, i, (r & 1) ? "true" : "false",
            (int)(r >> 8 & 0xFFFF), (int)(r >> 24 & 0x3F) % 100,
            words[r >> 32 & 7], words[r >> 40 & 7], (int)(r >> 44 & 0x3FF),
            (int)(r >> 54 & 0x3FF));
        if (w < 0 || w >= TARGET + SLACK - n - 1) break;
        n += w;
    }
    p[n++] = ']';
    *len_out = n;
    return p;
}

/* --- what a walk produces (the same figures for every implementation) ------ */

typedef struct sums {
    int64_t values;  /* every value: containers, scalars */
    int64_t str_len; /* decoded bytes of every string and key */
    double num;      /* sum of every number, in document order */
    bool ok;
} sums_t;

/* --- cur ------------------------------------------------------------------- */

static sums_t cur_walk(const char *p, ptrdiff_t len)
{
    sums_t s = {0, 0, 0.0, false};
    cur_json_reader_t r;
    if (cur_json_reader_init(&r, p, len, 0) < 0) return s;
    cur_json_token_t tok;
    char sbuf[256];
    int rc;
    while ((rc = cur_json_next(&r, &tok)) > 0) {
        switch (tok.type) {
        case CUR_JSON_KEY:
        case CUR_JSON_STRING:
            if (cur_json_token_copy(&tok, sbuf, sizeof sbuf) < 0) return s;
            bench_black_box(sbuf);
            s.str_len += tok.decoded_len;
            if (tok.type == CUR_JSON_STRING) s.values++;
            break;
        case CUR_JSON_NUMBER: {
            double d;
            if (cur_json_token_double(&tok, &d) < 0) return s;
            s.num += d;
            s.values++;
            break;
        }
        case CUR_JSON_OBJECT_END:
        case CUR_JSON_ARRAY_END:
            break;
        default: /* '{', '[', true, false, null */
            s.values++;
            break;
        }
    }
    s.ok = rc == 0;
    return s;
}

typedef struct parse_state {
    const char *text;
    ptrdiff_t len;
} parse_state_t;

static void run_cur_parse(void *state, int64_t iters)
{
    const parse_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber(); /* the input may have changed: reread it */
        sums_t s = cur_walk(st->text, st->len);
        bench_black_box(s.values);
        bench_black_box(s.str_len);
        bench_black_box(s.num);
    }
}

static int cur_write_small(const struct small *v, cur_string_t *out)
{
    cur_json_writer_t w;
    int rc = cur_json_writer_init(&w, out, 0);
    rc |= cur_json_write_object_begin(&w);
    rc |= cur_json_write_key(&w, CUR_STR("id"));
    rc |= cur_json_write_i64(&w, v->id);
    rc |= cur_json_write_key(&w, CUR_STR("name"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->name));
    rc |= cur_json_write_key(&w, CUR_STR("email"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->email));
    rc |= cur_json_write_key(&w, CUR_STR("active"));
    rc |= cur_json_write_bool(&w, v->active);
    rc |= cur_json_write_key(&w, CUR_STR("score"));
    rc |= cur_json_write_double(&w, v->score);
    rc |= cur_json_write_key(&w, CUR_STR("balance"));
    rc |= cur_json_write_double(&w, v->balance);
    rc |= cur_json_write_key(&w, CUR_STR("ratio"));
    rc |= cur_json_write_double(&w, v->ratio);
    rc |= cur_json_write_key(&w, CUR_STR("tags"));
    rc |= cur_json_write_array_begin(&w);
    for (int i = 0; i < 4; i++)
        rc |= cur_json_write_string(&w, cur_str_from_cstr(v->tags[i]));
    rc |= cur_json_write_array_end(&w);
    rc |= cur_json_write_key(&w, CUR_STR("address"));
    rc |= cur_json_write_object_begin(&w);
    rc |= cur_json_write_key(&w, CUR_STR("street"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->street));
    rc |= cur_json_write_key(&w, CUR_STR("city"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->city));
    rc |= cur_json_write_key(&w, CUR_STR("zip"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->zip));
    rc |= cur_json_write_key(&w, CUR_STR("geo"));
    rc |= cur_json_write_array_begin(&w);
    rc |= cur_json_write_double(&w, v->geo[0]);
    rc |= cur_json_write_double(&w, v->geo[1]);
    rc |= cur_json_write_array_end(&w);
    rc |= cur_json_write_object_end(&w);
    rc |= cur_json_write_key(&w, CUR_STR("history"));
    rc |= cur_json_write_array_begin(&w);
    for (int i = 0; i < 10; i++) rc |= cur_json_write_i64(&w, v->history[i]);
    rc |= cur_json_write_array_end(&w);
    rc |= cur_json_write_key(&w, CUR_STR("note"));
    rc |= cur_json_write_null(&w);
    rc |= cur_json_write_key(&w, CUR_STR("path"));
    rc |= cur_json_write_string(&w, cur_str_from_cstr(v->path));
    rc |= cur_json_write_object_end(&w);
    int done = cur_json_writer_finish(&w);
    return rc < 0 ? rc : done;
}

static void run_cur_write(void *state, int64_t iters)
{
    const struct small *v = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        cur_string_t out;
        cur_string_init(&out, NULL);
        int rc = cur_write_small(v, &out);
        bench_black_box(rc);
        bench_black_box(out.ptr);
        cur_string_destroy(&out);
    }
}

/* --- cJSON, loaded at run time --------------------------------------------- */

/* cJSON.h's struct and type bits (cJSON 1.x ABI). */
typedef struct cjson {
    struct cjson *next;
    struct cjson *prev;
    struct cjson *child;
    int type;
    char *valuestring;
    int valueint;
    double valuedouble;
    char *string;
} cjson_t;

enum {
    CJ_FALSE = 1 << 0,
    CJ_TRUE = 1 << 1,
    CJ_NULL = 1 << 2,
    CJ_NUMBER = 1 << 3,
    CJ_STRING = 1 << 4,
    CJ_ARRAY = 1 << 5,
    CJ_OBJECT = 1 << 6,
};

static struct cjson_api {
    cjson_t *(*parse)(const char *value, size_t len); /* ParseWithLength */
    void (*del)(cjson_t *item);
    char *(*print)(const cjson_t *item); /* PrintUnformatted */
    void (*free_)(void *p);
    bool loaded;
    char why[256];
} cj;

static void cjson_load(void)
{
    void *h = dlopen("libcjson.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(cj.why, sizeof cj.why,
                 "libcjson.so.1 could not be loaded (Debian: libcjson1): %s",
                 e ? e : "unknown error");
        return;
    }
    void *p = dlsym(h, "cJSON_ParseWithLength");
    void *d = dlsym(h, "cJSON_Delete");
    void *pr = dlsym(h, "cJSON_PrintUnformatted");
    void *f = dlsym(h, "cJSON_free");
    if (!p || !d || !pr || !f) {
        snprintf(cj.why, sizeof cj.why,
                 "libcjson.so.1 lacks cJSON_ParseWithLength, cJSON_Delete, "
                 "cJSON_PrintUnformatted or cJSON_free (cJSON >= 1.7.13 "
                 "needed)");
        dlclose(h);
        return;
    }
    cj.parse = (cjson_t * (*)(const char *, size_t)) p;
    cj.del = (void (*)(cjson_t *))d;
    cj.print = (char *(*)(const cjson_t *))pr;
    cj.free_ = (void (*)(void *))f;
    cj.loaded = true; /* the handle stays open */
}

static void cjson_walk_list(const cjson_t *n, sums_t *s)
{
    for (; n; n = n->next) {
        s->values++;
        if (n->string) s->str_len += (int64_t)strlen(n->string);
        int t = n->type & 0xFF;
        if (t == CJ_NUMBER)
            s->num += n->valuedouble;
        else if (t == CJ_STRING)
            s->str_len += (int64_t)strlen(n->valuestring);
        else if (t == CJ_ARRAY || t == CJ_OBJECT)
            cjson_walk_list(n->child, s);
    }
}

static sums_t cjson_parse_walk(const char *p, ptrdiff_t len)
{
    sums_t s = {0, 0, 0.0, false};
    cjson_t *root = cj.parse(p, (size_t)len);
    if (!root) return s;
    cjson_walk_list(root, &s);
    cj.del(root);
    s.ok = true;
    return s;
}

static void run_cjson_parse(void *state, int64_t iters)
{
    const parse_state_t *st = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        sums_t s = cjson_parse_walk(st->text, st->len);
        bench_black_box(s.values);
        bench_black_box(s.str_len);
        bench_black_box(s.num);
    }
}

static void run_cjson_write(void *state, int64_t iters)
{
    const cjson_t *tree = state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        char *out = cj.print(tree);
        bench_black_box(out);
        cj.free_(out);
    }
}

/* --- checks ---------------------------------------------------------------- */

static bool same(const sums_t *a, const sums_t *b)
{
    return a->ok && b->ok && a->values == b->values &&
           a->str_len == b->str_len && a->num == b->num;
}

static void show(const char *what, const sums_t *s)
{
    fprintf(stderr, "  %s: ok %d, values %lld, string bytes %lld, sum %.17g\n",
            what, s->ok, (long long)s->values, (long long)s->str_len, s->num);
}

/* Parses text with cur (and cJSON when loaded); both must succeed and agree. */
static bool check_parse(const char *group, const char *text, ptrdiff_t len,
                        sums_t *out)
{
    sums_t a = cur_walk(text, len);
    bool good = a.ok && a.values > 0;
    sums_t c = a;
    if (cj.loaded) {
        c = cjson_parse_walk(text, len);
        good = good && same(&a, &c);
    }
    if (!good) {
        fprintf(stderr, "bench_json: %s: the parsers fail or disagree\n",
                group);
        show("cur", &a);
        if (cj.loaded) show("cjson", &c);
        return false;
    }
    *out = a;
    return true;
}

static bool check_written(const char *impl, const char *text,
                          const sums_t *want)
{
    sums_t got = cur_walk(text, (ptrdiff_t)strlen(text));
    if (!same(&got, want)) {
        fprintf(stderr,
                "bench_json: write-small: %s wrote different data: %s\n",
                impl, text);
        show("want", want);
        show("got", &got);
        return false;
    }
    return true;
}

/* --- groups ---------------------------------------------------------------- */

static bool group_parse_small(bench_t *b)
{
    if (!bench_wants(b, "parse-small")) return true;
    parse_state_t st = {small_json, (ptrdiff_t)sizeof small_json - 1};
    sums_t want;
    if (!check_parse("parse-small", st.text, st.len, &want)) return false;
    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_cur_parse, .state = &st},
        {.name = "cjson", .fn = cj.loaded ? run_cjson_parse : NULL,
         .state = &st, .why_missing = cj.loaded ? NULL : cj.why},
    };
    bench_group(b, "parse-small", "ns/op", 1.0, impls, 2);
    return true;
}

static bool group_parse_big(bench_t *b)
{
    if (!bench_wants(b, "parse-1MiB")) return true;
    parse_state_t st;
    char *text = make_big(&st.len);
    st.text = text;
    sums_t want;
    if (!check_parse("parse-1MiB", st.text, st.len, &want)) {
        free(text);
        return false;
    }
    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_cur_parse, .state = &st},
        {.name = "cjson", .fn = cj.loaded ? run_cjson_parse : NULL,
         .state = &st, .why_missing = cj.loaded ? NULL : cj.why},
    };
    bench_group(b, "parse-1MiB", "ns/KiB", (double)st.len / 1024.0, impls,
                2);
    free(text);
    return true;
}

static bool group_write_small(bench_t *b)
{
    if (!bench_wants(b, "write-small")) return true;
    sums_t want;
    if (!check_parse("write-small", small_json,
                     (ptrdiff_t)sizeof small_json - 1, &want))
        return false;

    cur_string_t out;
    cur_string_init(&out, NULL);
    int rc = cur_write_small(&small_value, &out);
    bool good = rc == 0 && check_written("cur", cur_string_cstr(&out), &want);
    cur_string_destroy(&out);
    if (rc != 0)
        fprintf(stderr, "bench_json: write-small: cur writer failed: %s\n",
                cur_err_name(rc));
    if (!good) return false;

    cjson_t *tree = NULL;
    if (cj.loaded) {
        tree = cj.parse(small_json, sizeof small_json - 1);
        char *text = tree ? cj.print(tree) : NULL;
        good = text && check_written("cjson", text, &want);
        if (text) cj.free_(text);
        if (!good) {
            if (tree) cj.del(tree);
            return false;
        }
    }
    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_cur_write, .state = (void *)&small_value},
        {.name = "cjson", .fn = cj.loaded ? run_cjson_write : NULL,
         .state = tree, .why_missing = cj.loaded ? NULL : cj.why},
    };
    bench_group(b, "write-small", "ns/op", 1.0, impls, 2);
    if (tree) cj.del(tree);
    return true;
}

int main(int argc, char **argv)
{
    bench_t *b = bench_init("json", argc, argv);
    if (!b) return 2;
    cjson_load();
    if (!group_parse_small(b) || !group_parse_big(b) || !group_write_small(b))
        return 1; /* a bug: nothing written */
    return bench_finish(b);
}
