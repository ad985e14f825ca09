/*
 * bench/bench_num.c: the `num` suite (lesson mc-01.2, include/curriculum/
 * num.h and src/num.c).
 *
 * Groups, each run against its peers in the same process:
 *   sum-checked  4096 int64 values summed, stopping at the first overflow:
 *                plain (unchecked +=, which the compiler vectorises; the
 *                values are chosen so that it cannot overflow), cur-checked
 *                (cur_checked_add with an early exit) and manual-check (the
 *                hand-written pre-condition test, a > MAX - b, before each
 *                add). ns/op, one op being one addition.
 *   parse-i64    1000 decimal strings of every length from "0" to 20
 *                characters, signs mixed: cur (cur_num_parse_i64 on spans
 *                whose lengths are known, the API's own use), cur-strlen
 *                (the same, measuring each NUL-terminated string first, as
 *                a caller holding C strings must), and strtoll (glibc, with
 *                the errno, empty and trailing-byte checks a caller needs to
 *                reject bad input). ns/op, one op being one string.
 *
 * Inputs come from a fixed-seed generator, so every run measures the same
 * values. Every implementation's answer is checked against the others before
 * timing; a disagreement aborts the suite (exit 1) rather than time a bug.
 */
#include "harness.h"
#include "../tests/support/rng.h"

#include <curriculum/num.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- inputs --------------------------------------------------------------- */


/* --- sum-checked ---------------------------------------------------------- */

enum { SUM_N = 4096 };

typedef struct sum_state {
    int64_t v[SUM_N];
} sum_state_t;

/*
 * Each returns the sum, or INT64_MIN as "overflowed" (the inputs never
 * overflow, so all three must return the same sum).
 */
static int64_t sum_plain(const sum_state_t *st)
{
    int64_t s = 0;
    for (int i = 0; i < SUM_N; i++) s += st->v[i];
    return s;
}

static int64_t sum_cur(const sum_state_t *st)
{
    int64_t s = 0;
    for (int i = 0; i < SUM_N; i++)
        if (!cur_checked_add(s, st->v[i], &s)) return INT64_MIN;
    return s;
}

static int64_t sum_manual(const sum_state_t *st)
{
    int64_t s = 0;
    for (int i = 0; i < SUM_N; i++) {
        const int64_t x = st->v[i];
        if ((x > 0 && s > INT64_MAX - x) || (x < 0 && s < INT64_MIN - x))
            return INT64_MIN;
        s += x;
    }
    return s;
}

/*
 * bench_clobber tells the compiler the array may have changed, so the sum
 * is recomputed in every iteration instead of hoisted out of the loop.
 */
#define SUM_RUNNER(name, fn)                                                 \
    static void name(void *state, int64_t iters)                             \
    {                                                                        \
        for (int64_t i = 0; i < iters; i++) {                                \
            bench_clobber();                                                 \
            int64_t r = fn(state);                                           \
            bench_black_box(r);                                              \
        }                                                                    \
    }
SUM_RUNNER(run_sum_plain, sum_plain)
SUM_RUNNER(run_sum_cur, sum_cur)
SUM_RUNNER(run_sum_manual, sum_manual)

static bool group_sum_checked(bench_t *b)
{
    if (!bench_wants(b, "sum-checked")) return true;
    static sum_state_t st;
    /* Values in (-2^40, 2^40): 4096 of them cannot reach 2^63. */
    for (int i = 0; i < SUM_N; i++)
        st.v[i] = (int64_t)(rng() >> 24) - ((int64_t)1 << 39);
    const int64_t want = sum_plain(&st);
    if (sum_cur(&st) != want || sum_manual(&st) != want) {
        fprintf(stderr, "bench_num: sum-checked: implementations disagree\n");
        return false;
    }
    const bench_impl_t impls[] = {
        {.name = "plain", .fn = run_sum_plain, .state = &st},
        {.name = "cur-checked", .fn = run_sum_cur, .state = &st},
        {.name = "manual-check", .fn = run_sum_manual, .state = &st},
    };
    bench_group(b, "sum-checked", "ns/op", SUM_N, impls, 3);
    return true;
}

/* --- parse-i64 ------------------------------------------------------------ */

enum { PARSE_N = 1000 };

typedef struct parse_state {
    char text[PARSE_N][24]; /* NUL-terminated decimal numerals */
    ptrdiff_t len[PARSE_N]; /* their lengths */
} parse_state_t;

/* Each returns the sum of the values (wrapping), or 0 on any error. */
static uint64_t parse_cur(const parse_state_t *st)
{
    uint64_t sum = 0;
    for (int i = 0; i < PARSE_N; i++) {
        int64_t v;
        if (cur_num_parse_i64(st->text[i], st->len[i], 10, &v) != 0) return 0;
        sum += (uint64_t)v;
    }
    return sum;
}

static uint64_t parse_cur_strlen(const parse_state_t *st)
{
    uint64_t sum = 0;
    for (int i = 0; i < PARSE_N; i++) {
        int64_t v;
        const char *s = st->text[i];
        if (cur_num_parse_i64(s, (ptrdiff_t)strlen(s), 10, &v) != 0) return 0;
        sum += (uint64_t)v;
    }
    return sum;
}

static uint64_t parse_strtoll(const parse_state_t *st)
{
    uint64_t sum = 0;
    for (int i = 0; i < PARSE_N; i++) {
        const char *s = st->text[i];
        char *end;
        errno = 0;
        const long long v = strtoll(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0') return 0;
        sum += (uint64_t)v;
    }
    return sum;
}

#define PARSE_RUNNER(name, fn)                                               \
    static void name(void *state, int64_t iters)                             \
    {                                                                        \
        for (int64_t i = 0; i < iters; i++) {                                \
            bench_clobber();                                                 \
            uint64_t r = fn(state);                                          \
            bench_black_box(r);                                              \
        }                                                                    \
    }
PARSE_RUNNER(run_parse_cur, parse_cur)
PARSE_RUNNER(run_parse_cur_strlen, parse_cur_strlen)
PARSE_RUNNER(run_parse_strtoll, parse_strtoll)

static bool group_parse_i64(bench_t *b)
{
    if (!bench_wants(b, "parse-i64")) return true;
    static parse_state_t st;
    for (int i = 0; i < PARSE_N; i++) {
        /* A random bit length, so short and long numerals both occur. */
        const unsigned bits = (unsigned)(rng() % 64);
        int64_t v = bits ? (int64_t)(rng() >> (64 - bits)) : 0;
        if (rng() & 1) v = -v - (int64_t)(rng() & 1); /* reaches INT64_MIN */
        if (i == 0) v = INT64_MIN;
        if (i == 1) v = INT64_MAX;
        const int n = snprintf(st.text[i], sizeof st.text[i], "%" PRId64, v);
        st.len[i] = n;
    }
    const uint64_t want = parse_strtoll(&st);
    if (want == 0 || parse_cur(&st) != want || parse_cur_strlen(&st) != want) {
        fprintf(stderr, "bench_num: parse-i64: implementations disagree\n");
        return false;
    }
    const bench_impl_t impls[] = {
        {.name = "cur", .fn = run_parse_cur, .state = &st},
        {.name = "cur-strlen", .fn = run_parse_cur_strlen, .state = &st},
        {.name = "strtoll", .fn = run_parse_strtoll, .state = &st},
    };
    bench_group(b, "parse-i64", "ns/op", PARSE_N, impls, 3);
    return true;
}

int main(int argc, char **argv)
{
    bench_t *b = bench_init("num", argc, argv);
    if (!b) return 2;
    bool ok = group_sum_checked(b) && group_parse_i64(b);
    int rc = bench_finish(b);
    return ok ? rc : 1;
}
