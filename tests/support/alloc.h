/*
 * tests/support/alloc.h: the test allocator and the OOM sweep.
 *
 * cur_test_alloc is a cur_alloc_t that counts live allocations and bytes and
 * can fail the k-th allocation from now (after Lua's debug_realloc in
 * ltests.c and SQLite's faultsim). It checks the sizes the library hands back
 * to resize and release against the sizes it handed out, so a sized-free bug
 * is caught, not just a leak. It is thread-safe.
 *
 * The OOM sweep (CUR_OOM_SWEEP below) proves, for one operation, that every
 * allocation it makes may fail: with failure injected at allocation k for
 * k = 1, 2, ... it expects CUR_ENOMEM, no leaked bytes, and an object that
 * still works; the sweep ends at the first k the operation does not reach.
 */
#ifndef CUR_TESTS_SUPPORT_ALLOC_H
#define CUR_TESTS_SUPPORT_ALLOC_H

#include <curriculum/core.h>

/* The hook to pass as `const cur_alloc_t *`. */
extern const cur_alloc_t cur_test_alloc;

/*
 * cur_test_alloc_limited: cur_test_alloc refusing any block above 1 MiB, so
 * that a test of an impossible size fails the way a real allocator fails,
 * without asking the sanitizer's malloc for exabytes (which ASan reports as
 * an error of its own). Counts into the same live totals.
 */
extern const cur_alloc_t cur_test_alloc_limited;

/* Live bytes and live allocations made through cur_test_alloc. */
ptrdiff_t cur_test_live_bytes(void);
ptrdiff_t cur_test_live_count(void);

/* Allocations (alloc and resize calls) made since the last reset. */
ptrdiff_t cur_test_alloc_calls(void);

/*
 * Fail the k-th allocation call from now (k >= 1), and every one after it
 * when `sticky`; 0 disarms. Resize calls count as allocations.
 */
void cur_test_fail_at(ptrdiff_t k, bool sticky);

/* True once an armed failure has fired; cleared by cur_test_fail_at. */
bool cur_test_failure_fired(void);

/* Disarm failures and zero the call counter (live counts are kept). */
void cur_test_alloc_reset(void);

/*
 * CUR_OOM_SWEEP(rc, setup, op, on_fail, on_ok, cleanup)
 *
 * For k = 1, 2, ...: run `setup`, arm a failure at allocation k, run `op`
 * (which must assign `rc`), disarm, then
 *   - if the failure fired: assert rc == CUR_ENOMEM and run `on_fail`
 *     (check the object is unchanged and still usable);
 *   - otherwise: run `on_ok` and stop after this round;
 * run `cleanup` and assert no bytes leaked. `rc` is an int variable in the
 * caller. Each statement argument is a braced block. Needs Criterion.
 */
#define CUR_OOM_SWEEP(rc, setup, op, on_fail, on_ok, cleanup)                 \
    do {                                                                      \
        ptrdiff_t cur_oom_base_ = cur_test_live_bytes();                      \
        for (ptrdiff_t cur_oom_k_ = 1;; cur_oom_k_++) {                       \
            setup;                                                            \
            cur_test_fail_at(cur_oom_k_, false);                              \
            op;                                                               \
            bool cur_oom_fired_ = cur_test_failure_fired();                   \
            cur_test_fail_at(0, false);                                       \
            if (cur_oom_fired_) {                                             \
                cr_assert_eq((rc), CUR_ENOMEM,                                \
                             "allocation %td failed, op returned %d",         \
                             cur_oom_k_, (rc));                               \
                on_fail;                                                      \
            } else {                                                          \
                on_ok;                                                        \
            }                                                                 \
            cleanup;                                                          \
            cr_assert_eq(cur_test_live_bytes(), cur_oom_base_,                \
                         "leak after failing allocation %td", cur_oom_k_);    \
            if (!cur_oom_fired_) break;                                       \
            cr_assert_lt(cur_oom_k_, 100000, "OOM sweep does not end");       \
        }                                                                     \
    } while (0)

#endif /* CUR_TESTS_SUPPORT_ALLOC_H */
