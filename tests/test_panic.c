/* Tests of curriculum/panic.h: hooks, catch_unwind, guards, abort mode. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <curriculum/panic.h>
#include <curriculum/error.h>
#include <string.h>

struct hook_log {
    int calls;
    int line;
    char message[CUR_PANIC_MSG_MAX];
};

static void recording_hook(const cur_panic_info_t *info, void *ctx)
{
    struct hook_log *log = ctx;
    log->calls++;
    log->line = info->line;
    memcpy(log->message, info->message, sizeof log->message);
}

static struct hook_log hook_log;

static void quiet_and_redirected(void);

static void quiet(void)
{
    memset(&hook_log, 0, sizeof hook_log);
    cur_panic_set_hook(recording_hook, &hook_log, NULL, NULL);
}

static void panics_with_code(void *arg)
{
    CUR_PANIC("bad value %d", *(int *)arg);
}

static void returns_normally(void *arg) { *(int *)arg += 1; }

Test(panic, catch_unwind_returns_zero_without_panic, .init = quiet)
{
    int x = 1;
    cur_panic_info_t info = {0};
    cr_assert_eq(cur_catch_unwind(returns_normally, &x, &info), 0);
    cr_assert_eq(x, 2);
    cr_assert_eq(hook_log.calls, 0);
    cr_assert_null(info.file);
}

Test(panic, catch_unwind_stops_a_panic_and_reports_it, .init = quiet)
{
    int x = 42;
    cur_panic_info_t info;
    long before = cur_panic_count();
    int rc = cur_catch_unwind(panics_with_code, &x, &info);
    cr_assert_eq(rc, CUR_EPANIC);
    cr_assert_str_eq(info.message, "bad value 42");
    cr_assert(strstr(info.file, "test_panic.c") != NULL);
    cr_assert_str_eq(info.func, "panics_with_code");
    cr_assert_eq(info.line, hook_log.line);
    cr_assert_eq(hook_log.calls, 1);
    cr_assert_str_eq(hook_log.message, "bad value 42");
    cr_assert_eq(cur_panic_count(), before + 1);
    cr_assert_not(cur_panicking());
    /* The boundary is reusable after a panic. */
    cr_assert_eq(cur_catch_unwind(panics_with_code, &x, NULL), CUR_EPANIC);
    cr_assert_eq(cur_catch_unwind(returns_normally, &x, NULL), 0);
}

static void inner_catches(void *arg)
{
    int *state = arg;
    int rc = cur_catch_unwind(panics_with_code, &state[0], NULL);
    state[1] = rc;
    CUR_PANIC("outer %d", state[1]);
}

Test(panic, boundaries_nest, .init = quiet)
{
    int state[2] = {7, 0};
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(inner_catches, state, &info), CUR_EPANIC);
    cr_assert_eq(state[1], CUR_EPANIC);
    char want[64];
    snprintf(want, sizeof want, "outer %d", CUR_EPANIC);
    cr_assert_str_eq(info.message, want);
    cr_assert_eq(hook_log.calls, 2);
}

struct guards {
    int order[4];
    int n;
};

static void note1(void *arg) { struct guards *g = arg; g->order[g->n++] = 1; }
static void note2(void *arg) { struct guards *g = arg; g->order[g->n++] = 2; }
static void note3(void *arg) { struct guards *g = arg; g->order[g->n++] = 3; }

static void guarded_panic(void *arg)
{
    CUR_ON_UNWIND(note1, arg);
    {
        CUR_ON_UNWIND(note2, arg);
    } /* popped here by the cleanup attribute: must not run */
    CUR_ON_UNWIND(note3, arg);
    CUR_PANIC("with guards");
}

Test(panic, unwind_guards_run_newest_first_and_only_when_skipped,
     .init = quiet)
{
    struct guards g = {{0}, 0};
    cr_assert_eq(cur_catch_unwind(guarded_panic, &g, NULL), CUR_EPANIC);
    cr_assert_eq(g.n, 2);
    cr_assert_eq(g.order[0], 3);
    cr_assert_eq(g.order[1], 1);
}

static void guarded_no_panic(void *arg)
{
    CUR_ON_UNWIND(note1, arg);
    CUR_ON_UNWIND(note2, arg);
}

Test(panic, guards_do_not_run_without_a_panic, .init = quiet)
{
    struct guards g = {{0}, 0};
    cr_assert_eq(cur_catch_unwind(guarded_no_panic, &g, NULL), 0);
    cr_assert_eq(g.n, 0);
}

static void guard_outside_inner_boundary(void *arg)
{
    /* A guard pushed outside an inner boundary survives a panic caught by
     * that boundary, and runs only when a later panic passes it. */
    CUR_ON_UNWIND(note1, arg);
    cr_assert_eq(cur_catch_unwind(guarded_panic, arg, NULL), CUR_EPANIC);
    CUR_PANIC("second");
}

Test(panic, guards_belong_to_the_boundary_they_were_pushed_under,
     .init = quiet)
{
    struct guards g = {{0}, 0};
    cr_assert_eq(cur_catch_unwind(guard_outside_inner_boundary, &g, NULL),
                 CUR_EPANIC);
    /* inner panic ran 3 then 1 (its own guards); outer ran our note1. */
    cr_assert_eq(g.n, 3);
    cr_assert_eq(g.order[0], 3);
    cr_assert_eq(g.order[1], 1);
    cr_assert_eq(g.order[2], 1);
}

static void long_message(void *arg)
{
    (void)arg;
    char big[2 * CUR_PANIC_MSG_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CUR_PANIC("%s", big);
}

Test(panic, long_messages_are_cut_with_an_ellipsis, .init = quiet)
{
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(long_message, NULL, &info), CUR_EPANIC);
    size_t len = strlen(info.message);
    cr_assert_eq(len, CUR_PANIC_MSG_MAX - 1);
    cr_assert_str_eq(info.message + len - 3, "...");
}

static void assert_fails(void *arg)
{
    int *x = arg;
    CUR_ASSERT(*x == 0);
}

Test(panic, assert_panics_with_the_condition, .init = quiet)
{
    int x = 3;
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(assert_fails, &x, &info), CUR_EPANIC);
    cr_assert_str_eq(info.message, "assertion failed: *x == 0");
    x = 0;
    cr_assert_eq(cur_catch_unwind(assert_fails, &x, &info), 0);
}

Test(panic, set_hook_returns_the_previous_one, .init = quiet)
{
    cur_panic_hook_fn old = NULL;
    void *old_ctx = NULL;
    cur_panic_set_hook(NULL, NULL, &old, &old_ctx);
    cr_assert_eq(old, recording_hook);
    cr_assert_eq(old_ctx, &hook_log);
    cur_panic_set_hook(recording_hook, &hook_log, &old, &old_ctx);
    cr_assert_eq(old, cur_panic_default_hook);
    cr_assert_null(old_ctx);
}

static void default_hook_panic(void *arg)
{
    (void)arg;
    CUR_PANIC("visible %s", "message");
}

Test(panic, default_hook_prints_location_and_message,
     .init = cr_redirect_stderr)
{
    cur_panic_set_hook(NULL, NULL, NULL, NULL);
    cr_assert_eq(cur_catch_unwind(default_hook_panic, NULL, NULL), CUR_EPANIC);
    fflush(stderr);
    char buf[512] = "";
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    cr_assert(strstr(buf, "panicked at ") != NULL, "got: %s", buf);
    cr_assert(strstr(buf, "test_panic.c:") != NULL, "got: %s", buf);
    cr_assert(strstr(buf, "(default_hook_panic):\nvisible message\n") != NULL,
              "got: %s", buf);
}

Test(panic, uncaught_panic_aborts, .signal = SIGABRT, .init = quiet)
{
    CUR_PANIC("nobody catches this");
}

Test(panic, abort_mode_aborts_inside_a_boundary, .signal = SIGABRT,
     .init = quiet)
{
    cr_assert_not(cur_panic_set_abort(true));
    (void)cur_catch_unwind(panics_with_code, &(int){1}, NULL);
}

Test(panic, abort_mode_can_be_switched_back, .init = quiet)
{
    cr_assert_not(cur_panic_set_abort(true));
    cr_assert(cur_panic_set_abort(false));
    cr_assert_eq(cur_catch_unwind(panics_with_code, &(int){1}, NULL),
                 CUR_EPANIC);
}

static void panicking_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
    CUR_PANIC("panic inside the hook");
}

Test(panic, panic_in_hook_aborts, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
    cur_panic_set_hook(panicking_hook, NULL, NULL, NULL);
    (void)cur_catch_unwind(panics_with_code, &(int){1}, NULL);
}

static void panicking_guard(void *arg)
{
    (void)arg;
    CUR_PANIC("panic inside a guard");
}

static void panic_with_panicking_guard(void *arg)
{
    CUR_ON_UNWIND(panicking_guard, arg);
    CUR_PANIC("first");
}

static void quiet_and_redirected(void)
{
    quiet();
    cr_redirect_stderr();
}

Test(panic, panic_in_unwind_guard_aborts, .signal = SIGABRT,
     .init = quiet_and_redirected)
{
    (void)cur_catch_unwind(panic_with_panicking_guard, NULL, NULL);
}

static void pop_out_of_order_then_panic(void *arg)
{
    cur_unwind_guard_t a, b, c;
    cur_unwind_push(&a, note1, arg);
    cur_unwind_push(&b, note2, arg);
    cur_unwind_push(&c, note3, arg);
    cur_unwind_pop(&a); /* lock A, B, C; unlock A: out of push order */
    cur_unwind_pop(&c);
    CUR_PANIC("only b is still pushed");
}

Test(panic, guards_can_be_popped_in_any_order, .init = quiet)
{
    struct guards g = {{0}, 0};
    cr_assert_eq(cur_catch_unwind(pop_out_of_order_then_panic, &g, NULL),
                 CUR_EPANIC);
    cr_assert_eq(g.n, 1);
    cr_assert_eq(g.order[0], 2);
}

struct outside {
    cur_unwind_guard_t *g;
    struct guards *log;
};

static void pops_an_outer_guard_then_panics(void *arg)
{
    struct outside *o = arg;
    cur_unwind_pop(o->g); /* pushed before this boundary was entered */
    CUR_ON_UNWIND(note2, o->log);
    CUR_PANIC("after popping the outer guard");
}

Test(panic, popping_a_guard_pushed_outside_the_boundary_is_allowed,
     .init = quiet)
{
    struct guards g = {{0}, 0};
    cur_unwind_guard_t outer;
    cur_unwind_push(&outer, note1, &g);
    struct outside o = {&outer, &g};
    cr_assert_eq(cur_catch_unwind(pops_an_outer_guard_then_panics, &o, NULL),
                 CUR_EPANIC);
    cr_assert_eq(g.n, 1);
    cr_assert_eq(g.order[0], 2);
    /* The outer guard is gone: pushing and popping still works. */
    cur_unwind_guard_t again;
    cur_unwind_push(&again, note3, &g);
    cur_unwind_pop(&again);
}

static void pop_unknown_guard(void *arg)
{
    (void)arg;
    cur_unwind_guard_t never_pushed = {0};
    cur_unwind_pop(&never_pushed);
}

Test(panic, popping_a_guard_that_was_never_pushed_panics, .init = quiet)
{
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(pop_unknown_guard, NULL, &info), CUR_EPANIC);
    cr_assert(strstr(info.message, "guard is not pushed on this thread") != NULL,
              "%s", info.message);
}

Test(panic, catch_unwind_with_null_fn_is_a_contract_violation,
     .signal = SIGABRT, .init = quiet)
{
    (void)cur_catch_unwind(NULL, NULL, NULL);
}
