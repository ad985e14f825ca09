/*
 * tests/support/quiet.h: a panic hook that prints nothing, for tests that
 * panic on purpose (inside cur_catch_unwind, or with .signal = SIGABRT) and
 * would otherwise fill the log with expected panic reports.
 */
#ifndef CUR_TESTS_SUPPORT_QUIET_H
#define CUR_TESTS_SUPPORT_QUIET_H

#include <curriculum/panic.h>

static inline void cur_test_quiet_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
}

#endif /* CUR_TESTS_SUPPORT_QUIET_H */
