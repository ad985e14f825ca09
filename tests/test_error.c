/* Tests of curriculum/error.h: codes, names, typed enums, dynamic errors. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <curriculum/error.h>
#include <stdlib.h>
#include <string.h>

#include "support/alloc.h"

Test(error, codes_mirror_errno)
{
    cr_assert_eq(CUR_ENOMEM, -ENOMEM);
    cr_assert_eq(CUR_EINVAL, -EINVAL);
    cr_assert_eq(CUR_ETIMEDOUT, -ETIMEDOUT);
    cr_assert_eq(CUR_ECANCELED, -ECANCELED);
}

Test(error, own_codes_are_outside_the_errno_range)
{
#define CHECK_OWN(name, value, msg) cr_assert_lt(CUR_##name, -4095, #name);
    CUR_OWN_TABLE(CHECK_OWN)
#undef CHECK_OWN
}

Test(error, every_code_is_distinct_and_named)
{
    static const int codes[] = {
#define CODE(name, value, msg) CUR_##name,
        CUR_ERROR_TABLE(CODE)
#undef CODE
    };
    static const char *const names[] = {
#define NAME(name, value, msg) "CUR_" #name,
        CUR_ERROR_TABLE(NAME)
#undef NAME
    };
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        cr_assert_lt(codes[i], 0);
        cr_assert_str_eq(cur_err_name(codes[i]), names[i]);
        if (codes[i] != CUR_EUNKNOWN)
            cr_assert_str_neq(cur_strerror(codes[i]), "unknown error",
                              "%s has no message", names[i]);
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(codes[i], codes[j], "%s == %s", names[i], names[j]);
    }
}

Test(error, strerror_and_name)
{
    cr_assert_str_eq(cur_strerror(0), "success");
    cr_assert_str_eq(cur_err_name(0), "CUR_OK");
    cr_assert_str_eq(cur_strerror(CUR_ENOMEM), "out of memory");
    cr_assert_str_eq(cur_err_name(CUR_EPANIC), "CUR_EPANIC");
    cr_assert_str_eq(cur_strerror(CUR_EUTF8), "invalid UTF-8");
}

Test(error, errno_without_a_table_row_uses_libc)
{
    cr_assert_str_eq(cur_err_name(-EHOSTDOWN), "EHOSTDOWN");
    cr_assert_str_eq(cur_strerror(-EHOSTDOWN), strerrordesc_np(EHOSTDOWN));
}

Test(error, unknown_codes_never_crash)
{
    const int odd[] = {1, 42, -4096, -4999, -6000, -100000, INT32_MIN,
                       INT32_MAX};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        cr_assert_str_eq(cur_strerror(odd[i]), "unknown error", "%d", odd[i]);
        cr_assert_str_eq(cur_err_name(odd[i]), "CUR_EUNKNOWN", "%d", odd[i]);
    }
}

Test(error, from_errno)
{
    errno = EACCES;
    cr_assert_eq(cur_err_from_errno(), CUR_EACCES);
    errno = 0;
    cr_assert_eq(cur_err_from_errno(), CUR_EUNKNOWN);
}

#define PARSE_ERRORS(X)                                                      \
    X(PARSE_EMPTY, "input is empty")                                         \
    X(PARSE_BAD_DIGIT, "invalid digit")                                      \
    X(PARSE_TOO_BIG, "number too large")
CUR_ERROR_ENUM(parse_err, PARSE_ERRORS)

Test(error, typed_enum_from_one_table)
{
    cr_assert_eq(PARSE_EMPTY, 0);
    cr_assert_eq(PARSE_TOO_BIG, 2);
    cr_assert_eq(parse_err_COUNT, 3);
    enum parse_err e = PARSE_BAD_DIGIT;
    switch (e) { /* exhaustive without a case for the count */
    case PARSE_EMPTY: case PARSE_BAD_DIGIT: case PARSE_TOO_BIG: break;
    }
    cr_assert_str_eq(parse_err_name(PARSE_BAD_DIGIT), "PARSE_BAD_DIGIT");
    cr_assert_str_eq(parse_err_message(PARSE_TOO_BIG), "number too large");
    cr_assert_str_eq(parse_err_message((enum parse_err)7), "?");
    cr_assert_str_eq(parse_err_name((enum parse_err)-1), "?");
}

Test(error, new_and_context_chain)
{
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_ENOENT,
                                   "reading %s", "/etc/app.toml");
    e = cur_error_context(e, "loading config");
    e = cur_error_context(e, "starting %s v%d", "server", 2);
    cr_assert_eq(cur_error_code(e), CUR_ENOENT);
    cr_assert_str_eq(cur_error_message(e), "starting server v2");
    cr_assert_str_eq(cur_error_message(cur_error_source(e)), "loading config");
    cr_assert_str_eq(cur_error_message(cur_error_root(e)),
                     "reading /etc/app.toml");
    cr_assert_null(cur_error_source(cur_error_root(e)));
    cr_assert_eq(cur_error_code(cur_error_root(e)), CUR_ENOENT);
    cr_assert_not(cur_error_truncated(e));

    char buf[128];
    int n = cur_error_format(e, buf, sizeof buf);
    const char *want = "starting server v2: loading config: reading /etc/app.toml";
    cr_assert_str_eq(buf, want);
    cr_assert_eq(n, (int)strlen(want));
    cur_error_free(e);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, empty_message_uses_the_code)
{
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_ETIMEDOUT, NULL);
    cr_assert_str_eq(cur_error_message(e), "operation timed out");
    cur_error_free(e);
    e = cur_error_new(&cur_test_alloc, CUR_EPIPE, "%s", "");
    cr_assert_str_eq(cur_error_message(e), "broken pipe");
    cur_error_free(e);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, format_truncates_like_snprintf)
{
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_EIO, "disk");
    e = cur_error_context(e, "saving");
    char small[8];
    int n = cur_error_format(e, small, sizeof small);
    cr_assert_eq(n, (int)strlen("saving: disk"));
    cr_assert_str_eq(small, "saving:");
    cr_assert_eq(cur_error_format(e, NULL, 0), n);
    cr_assert_eq(cur_error_format(e, NULL, 4), CUR_EINVAL);
    cr_assert_eq(cur_error_format(e, small, -1), CUR_EINVAL);
    char one[1] = {'x'};
    cr_assert_eq(cur_error_format(e, one, 1), n);
    cr_assert_eq(one[0], '\0');
    cur_error_free(e);
    cr_assert_eq(cur_error_format(NULL, small, sizeof small), 0);
    cr_assert_str_eq(small, "");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, print_in_anyhow_form)
{
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_ENOENT, "no such file");
    e = cur_error_context(e, "reading config");
    e = cur_error_context(e, "starting");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cr_assert_eq(cur_error_print(e, f), 0);
    fclose(f);
    cr_assert_str_eq(text, "Error: starting\n\nCaused by:\n"
                           "    0: reading config\n    1: no such file\n");
    free(text);
    cur_error_free(e);
    cr_assert_eq(cur_error_print(e, NULL), CUR_EINVAL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, oom_on_new_returns_the_static_error)
{
    cur_test_fail_at(1, false);
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_EIO, "x %d", 1);
    cr_assert(cur_test_failure_fired());
    cr_assert_eq(e, cur_error_oom);
    cr_assert_eq(cur_error_code(e), CUR_ENOMEM);
    cr_assert_str_eq(cur_error_message(e), "out of memory");
    /* Context on the OOM error is a no-op that keeps the error. */
    cr_assert_eq(cur_error_context(e, "ignored"), cur_error_oom);
    cur_error_free(e);
    cur_error_free(NULL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, oom_sweep_context_keeps_the_error)
{
    int rc = 0;
    cur_error_t *e = NULL;
    CUR_OOM_SWEEP(rc,
        { e = cur_error_new(&cur_test_alloc, CUR_EBUSY, "root"); },
        {
            cur_error_t *h = cur_error_context(e, "outer %s", "ctx");
            rc = h == e ? CUR_ENOMEM : 0;
            e = h;
        },
        {
            /* Unchanged and usable: still the root, flagged, extendable. */
            cr_assert_str_eq(cur_error_message(e), "root");
            cr_assert(cur_error_truncated(e));
            cr_assert_eq(cur_error_code(e), CUR_EBUSY);
            e = cur_error_context(e, "after");
            cr_assert_str_eq(cur_error_message(e), "after");
            cr_assert(cur_error_truncated(e));
        },
        {
            cr_assert_str_eq(cur_error_message(e), "outer ctx");
            cr_assert_not(cur_error_truncated(e));
        },
        { cur_error_free(e); });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, truncated_chain_is_reported_when_printed)
{
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_EIO, "root");
    cur_test_fail_at(1, false);
    e = cur_error_context(e, "lost");
    cur_test_fail_at(0, false);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(cur_error_print(e, f), 0);
    fclose(f);
    cr_assert(strstr(text, "some context was lost") != NULL);
    free(text);
    cur_error_free(e);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, huge_message_is_kept_whole)
{
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cur_error_t *e = cur_error_new(&cur_test_alloc, CUR_EIO, "%s", big);
    cr_assert_eq(strlen(cur_error_message(e)), sizeof big - 1);
    cur_error_free(e);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(error, context_on_null_is_a_contract_violation, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
    cur_error_t *e = cur_error_context(NULL, "x");
    cur_error_free(e);
}
