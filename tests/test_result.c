/* Tests of curriculum/result.h: Option, Result, try and the combinators. */
#include <criterion/criterion.h>
#include <curriculum/panic.h>
#include <curriculum/result.h>
#include <string.h>

#include "support/alloc.h"

CUR_OPTION_TYPE(opt_int, int);
CUR_OPTION_TYPE(opt_dbl, double);
CUR_RESULT_TYPE(res_int, int, int);
CUR_RESULT_TYPE(res_dbl, double, int);
CUR_RESULT_TYPE(res_str, const char *, int);

static void quiet(void) { cur_panic_set_hook(NULL, NULL, NULL, NULL); }

static void silent_hook(const cur_panic_info_t *i, void *c)
{
    (void)i;
    (void)c;
}

static void silence(void) { cur_panic_set_hook(silent_hook, NULL, NULL, NULL); }

static res_int parse_digit(char c)
{
    if (c < '0' || c > '9') return CUR_ERR(res_int, CUR_EPARSE);
    return CUR_OK(res_int, c - '0');
}

static int evaluations;
static res_int counted(res_int r)
{
    evaluations++;
    return r;
}

static double half(int x) { return x / 2.0; }
static int negate(int e) { return -e * 10; }
static res_int checked_recip100(int x)
{
    return x == 0 ? CUR_ERR(res_int, CUR_EDOM) : CUR_OK(res_int, 100 / x);
}
static opt_int positive(int x)
{
    return x > 0 ? CUR_SOME(opt_int, x) : CUR_NONE(opt_int);
}

Test(result, construct_and_inspect)
{
    res_int ok = CUR_OK(res_int, 5);
    res_int err = CUR_ERR(res_int, CUR_EINVAL);
    cr_assert(ok.is_ok);
    cr_assert_eq(ok.ok, 5);
    cr_assert_not(err.is_ok);
    cr_assert_eq(err.err, CUR_EINVAL);
    opt_int some = CUR_SOME(opt_int, 3), none = CUR_NONE(opt_int);
    cr_assert(some.is_some && some.value == 3);
    cr_assert_not(none.is_some);
}

Test(result, unwrap_returns_the_value_and_evaluates_once)
{
    evaluations = 0;
    cr_assert_eq(CUR_UNWRAP(counted(parse_digit('7'))), 7);
    cr_assert_eq(evaluations, 1);
    cr_assert_eq(CUR_EXPECT(counted(parse_digit('3')), "digit"), 3);
    cr_assert_eq(evaluations, 2);
    cr_assert_eq(CUR_UNWRAP_ERR(parse_digit('x')), CUR_EPARSE);
    cr_assert_eq(CUR_UNWRAP_OPTION(positive(4)), 4);
    cr_assert_eq(CUR_EXPECT_OPTION(positive(9), "positive"), 9);
}

static void unwrap_err_value(void *arg)
{
    *(int *)arg = CUR_UNWRAP(parse_digit('x'));
}

static void expect_err_value(void *arg)
{
    *(int *)arg = CUR_EXPECT(parse_digit('q'), "need a digit, got %c", 'q');
}

static void unwrap_none(void *arg)
{
    *(int *)arg = CUR_UNWRAP_OPTION(positive(-1));
}

static void unwrap_err_on_ok(void *arg)
{
    *(int *)arg = CUR_UNWRAP_ERR(parse_digit('1'));
}

Test(result, unwrap_on_the_wrong_variant_panics_at_the_call_site,
     .init = silence)
{
    int out = -1;
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(unwrap_err_value, &out, &info), CUR_EPANIC);
    cr_assert_str_eq(info.message, "called unwrap on an Err value");
    cr_assert_str_eq(info.func, "unwrap_err_value");
    cr_assert(strstr(info.file, "test_result.c") != NULL);
    cr_assert_eq(cur_catch_unwind(expect_err_value, &out, &info), CUR_EPANIC);
    cr_assert_str_eq(info.message, "need a digit, got q");
    cr_assert_eq(cur_catch_unwind(unwrap_none, &out, &info), CUR_EPANIC);
    cr_assert_str_eq(info.message, "called unwrap on a None value");
    cr_assert_eq(cur_catch_unwind(unwrap_err_on_ok, &out, &info), CUR_EPANIC);
    cr_assert_str_eq(info.message, "called unwrap_err on an Ok value");
    cr_assert_eq(out, -1, "no value may be produced by a failed unwrap");
}

Test(result, unwrap_or_evaluates_the_default_lazily)
{
    evaluations = 0;
    cr_assert_eq(CUR_UNWRAP_OR(parse_digit('8'), counted(parse_digit('1')).ok), 8);
    cr_assert_eq(evaluations, 0);
    cr_assert_eq(CUR_UNWRAP_OR(parse_digit('z'), counted(parse_digit('1')).ok), 1);
    cr_assert_eq(evaluations, 1);
    cr_assert_eq(CUR_UNWRAP_OPTION_OR(positive(0), 11), 11);
    cr_assert_eq(CUR_UNWRAP_OPTION_OR(positive(2), 11), 2);
}

Test(result, map_map_err_and_then)
{
    res_dbl d = CUR_MAP(res_dbl, parse_digit('5'), half);
    cr_assert(d.is_ok);
    cr_assert_float_eq(d.ok, 2.5, 1e-12);
    d = CUR_MAP(res_dbl, parse_digit('-'), half);
    cr_assert_not(d.is_ok);
    cr_assert_eq(d.err, CUR_EPARSE);

    res_int m = CUR_MAP_ERR(res_int, CUR_ERR(res_int, 3), negate);
    cr_assert_eq(m.err, -30);
    m = CUR_MAP_ERR(res_int, CUR_OK(res_int, 3), negate);
    cr_assert(m.is_ok && m.ok == 3);

    res_int r = CUR_AND_THEN(parse_digit('4'), checked_recip100);
    cr_assert(r.is_ok && r.ok == 25);
    r = CUR_AND_THEN(parse_digit('0'), checked_recip100);
    cr_assert(!r.is_ok && r.err == CUR_EDOM);
    r = CUR_AND_THEN(parse_digit('#'), checked_recip100);
    cr_assert(!r.is_ok && r.err == CUR_EPARSE);
}

Test(result, option_combinators)
{
    opt_dbl h = CUR_OPTION_MAP(opt_dbl, positive(3), half);
    cr_assert(h.is_some);
    cr_assert_float_eq(h.value, 1.5, 1e-12);
    cr_assert_not(CUR_OPTION_MAP(opt_dbl, positive(-3), half).is_some);
    cr_assert(CUR_OPTION_AND_THEN(positive(5), positive).is_some);
    cr_assert_not(CUR_OPTION_AND_THEN(CUR_NONE(opt_int), positive).is_some);
    res_int r = CUR_OK_OR(res_int, positive(0), CUR_ERANGE);
    cr_assert(!r.is_ok && r.err == CUR_ERANGE);
    r = CUR_OK_OR(res_int, positive(6), CUR_ERANGE);
    cr_assert(r.is_ok && r.ok == 6);
    cr_assert(CUR_RESULT_OK(opt_int, parse_digit('2')).is_some);
    cr_assert_not(CUR_RESULT_OK(opt_int, parse_digit('a')).is_some);
}

static int steps;
static int step(int rc)
{
    steps++;
    return rc;
}

static int three_steps(int fail_at)
{
    int a = CUR_TRY(step(fail_at == 1 ? CUR_EIO : 10));
    int b = CUR_TRY(step(fail_at == 2 ? CUR_EBUSY : 20));
    CUR_TRY(step(fail_at == 3 ? CUR_ENOSPC : 0));
    return a + b;
}

Test(result, try_returns_early_with_the_code_and_passes_counts_on)
{
    steps = 0;
    cr_assert_eq(three_steps(0), 30);
    cr_assert_eq(steps, 3);
    steps = 0;
    cr_assert_eq(three_steps(1), CUR_EIO);
    cr_assert_eq(steps, 1);
    steps = 0;
    cr_assert_eq(three_steps(2), CUR_EBUSY);
    cr_assert_eq(steps, 2);
    steps = 0;
    cr_assert_eq(three_steps(3), CUR_ENOSPC);
    cr_assert_eq(steps, 3);
}

static res_int sum_digits(const char *s)
{
    int total = 0;
    for (; *s; s++) total += CUR_TRY_RESULT(res_int, parse_digit(*s));
    return CUR_OK(res_int, total);
}

static res_str describe(const char *s)
{
    int n = CUR_TRY_RESULT(res_str, sum_digits(s));
    return CUR_OK(res_str, n > 9 ? "big" : "small");
}

Test(result, try_result_converts_between_result_types)
{
    res_int r = sum_digits("1234");
    cr_assert(r.is_ok && r.ok == 10);
    r = sum_digits("12a4");
    cr_assert(!r.is_ok && r.err == CUR_EPARSE);
    res_str d = describe("99");
    cr_assert(d.is_ok);
    cr_assert_str_eq(d.ok, "big");
    d = describe("9x");
    cr_assert(!d.is_ok && d.err == CUR_EPARSE);
}

static opt_int first_positive_doubled(int a)
{
    int v = CUR_TRY_OPTION(opt_int, positive(a));
    return CUR_SOME(opt_int, v * 2);
}

Test(result, try_option_returns_none_early)
{
    cr_assert_eq(first_positive_doubled(4).value, 8);
    cr_assert_not(first_positive_doubled(-4).is_some);
}

static int open_config(int rc, cur_error_t **err)
{
    CUR_TRY_CTX(rc, err, "opening %s", "app.toml");
    return 0;
}

Test(result, try_ctx_builds_a_context_error, .init = quiet)
{
    cur_error_t *err = NULL;
    cr_assert_eq(open_config(0, &err), 0);
    cr_assert_null(err);
    cr_assert_eq(open_config(CUR_ENOENT, &err), CUR_ENOENT);
    cr_assert_not_null(err);
    char buf[128];
    cur_error_format(err, buf, sizeof buf);
    cr_assert_str_eq(buf, "opening app.toml: no such file or directory");
    cr_assert_eq(cur_error_code(err), CUR_ENOENT);
    cur_error_free(err);
}

Test(result, library_instances_exist)
{
    cur_opt_isize_t at = CUR_SOME(cur_opt_isize_t, 12);
    cur_res_i64_t big = CUR_OK(cur_res_i64_t, INT64_MAX);
    cr_assert_eq(CUR_UNWRAP_OPTION(at), 12);
    cr_assert_eq(CUR_UNWRAP(big), INT64_MAX);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(result, nested_macros_use_distinct_temporaries)
{
    /* Each expansion gets its own temporary, so nesting compiles under
     * -Wshadow -Werror and each level sees its own value. */
    res_int r = CUR_AND_THEN(CUR_AND_THEN(parse_digit('5'), checked_recip100),
                             checked_recip100);
    cr_assert(r.is_ok);
    cr_assert_eq(r.ok, 5); /* 100/5 = 20, 100/20 = 5 */
    cr_assert_eq(CUR_UNWRAP_OR(CUR_MAP(res_dbl, parse_digit('4'), half), 0.0), 2.0);
}

static int nested_try(int a, int b)
{
    return CUR_TRY(CUR_TRY(step(a)) + CUR_TRY(step(b)));
}

Test(result, nested_try_propagates_the_first_error)
{
    cr_assert_eq(nested_try(1, 2), 3);
    cr_assert_eq(nested_try(CUR_EIO, 2), CUR_EIO);
    cr_assert_eq(nested_try(1, CUR_EBUSY), CUR_EBUSY);
}

static int ctx_twice(cur_error_t **err)
{
    CUR_TRY_CTX(CUR_EIO, err, "second");
    return 0;
}

static void try_ctx_over_existing(void *arg)
{
    cur_error_t **err = arg;
    (void)ctx_twice(err);
}

Test(result, try_ctx_refuses_to_overwrite_an_error, .init = silence)
{
    cur_error_t *err = cur_error_new(NULL, CUR_EBUSY, "first");
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(try_ctx_over_existing, &err, &info), CUR_EPANIC);
    cr_assert(strstr(info.message, "*(err) == NULL") != NULL, "%s", info.message);
    cr_assert_str_eq(cur_error_message(err), "first");
    cur_error_free(err);
}
