/*
 * src/panic.c: panics, hooks, unwind guards and catch-unwind boundaries.
 *
 * Invariants, per thread:
 *   - top_frame is the innermost active cur_catch_unwind frame, or NULL;
 *     each frame remembers the frame and the guard that were on top when it
 *     was entered;
 *   - top_guard is the newest pushed, not yet popped, unwind guard; guards
 *     form a list through prev in push order, and their seq numbers
 *     strictly decrease along it (a guard may be removed from anywhere in
 *     the list, so the list is not a strict stack);
 *   - a frame remembers guard_seq at its entry: the guards a panic stopped
 *     by that frame must run are exactly those with a greater seq;
 *   - panicking is true exactly while the hook or the guards of a panic run.
 * Process-wide: the hook pair (fn, ctx) changes only under hook_lock; abort
 * mode is an atomic flag.
 *
 * The panic path never allocates, so a panic caused by memory exhaustion
 * still reports.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrordesc_np, strerrorname_np, pthread_getname_np */
#endif
#include <curriculum/panic.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"

struct frame {
    sigjmp_buf env;
    struct frame *prev;
    unsigned long seq; /* guard_seq when the frame was entered */
};

static _Thread_local struct frame *top_frame;
static _Thread_local cur_unwind_guard_t *top_guard;
static _Thread_local unsigned long guard_seq;
static _Thread_local bool panicking;
static _Thread_local long panic_count;
static _Thread_local cur_panic_info_t last_info;

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static cur_panic_hook_fn hook_fn = cur_panic_default_hook;
static void *hook_ctx;
static atomic_bool abort_mode;

void cur_panic_default_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)ctx;
    char name[32] = "";
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0)
        name[0] = '\0';
    /* One write, so that lines of concurrent panics do not interleave. */
    char buf[CUR_PANIC_MSG_MAX + 256];
    int n = snprintf(buf, sizeof buf, "thread '%s' panicked at %s:%d (%s):\n%s\n",
                     name[0] ? name : "<unnamed>", info->file, info->line,
                     info->func, info->message);
    if (n > 0) {
        size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
        fwrite(buf, 1, len, stderr);
        fflush(stderr);
    }
}

void cur_panic_set_hook(cur_panic_hook_fn hook, void *ctx,
                        cur_panic_hook_fn *old_hook, void **old_ctx)
{
    pthread_mutex_lock(&hook_lock);
    if (old_hook) *old_hook = hook_fn;
    if (old_ctx) *old_ctx = hook_ctx;
    hook_fn = hook ? hook : cur_panic_default_hook;
    hook_ctx = hook ? ctx : NULL;
    pthread_mutex_unlock(&hook_lock);
}

bool cur_panic_set_abort(bool on) { return atomic_exchange(&abort_mode, on); }

bool cur_panicking(void) { return panicking; }

long cur_panic_count(void) { return panic_count; }

static CUR_NORETURN void die(const char *why)
{
    fputs(why, stderr);
    fflush(stderr);
    abort();
}

void cur_panic_at(const char *file, int line, const char *func,
                  const char *fmt, ...)
{
    if (panicking)
        die("thread panicked while processing a panic; aborting\n");
    panicking = true;
    panic_count++;

    cur_panic_info_t *info = &last_info;
    info->file = file ? file : "?";
    info->line = line;
    info->func = func ? func : "?";
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(info->message, sizeof info->message, fmt, ap);
    va_end(ap);
    if (n < 0) {
        strcpy(info->message, "<unformattable panic message>");
    } else if ((size_t)n >= sizeof info->message) {
        memcpy(info->message + sizeof info->message - 4, "...", 4);
    }

    pthread_mutex_lock(&hook_lock);
    cur_panic_hook_fn fn = hook_fn;
    void *ctx = hook_ctx;
    pthread_mutex_unlock(&hook_lock);
    fn(info, ctx);

    struct frame *f = top_frame;
    if (!f || atomic_load(&abort_mode)) abort();

    /* Drop during unwinding: run the guards this panic skips over. */
    while (top_guard && top_guard->seq > f->seq) {
        cur_unwind_guard_t *g = top_guard;
        top_guard = g->prev;
        g->fn(g->arg);
    }
    top_frame = f->prev;
    panicking = false;
    siglongjmp(f->env, 1);
}

int cur_catch_unwind(void (*fn)(void *arg), void *arg, cur_panic_info_t *info)
{
    CUR_ASSERT(fn != NULL);
    struct frame f;
    f.prev = top_frame;
    f.seq = guard_seq;
    if (sigsetjmp(f.env, 0) == 0) {
        top_frame = &f;
        fn(arg);
        if (CUR_NEVER(top_frame != &f))
            die("cur_catch_unwind: boundary stack corrupted; aborting\n");
        top_frame = f.prev;
        return 0;
    }
    /* cur_panic_at has already restored top_frame and top_guard. */
    if (info) *info = last_info;
    return CUR_EPANIC;
}

void cur_unwind_push(cur_unwind_guard_t *g, void (*fn)(void *arg), void *arg)
{
    CUR_ASSERT(g != NULL && fn != NULL);
    g->fn = fn;
    g->arg = arg;
    g->seq = ++guard_seq;
    g->prev = top_guard;
    top_guard = g;
}

void cur_unwind_pop(cur_unwind_guard_t *g)
{
    if (CUR_LIKELY(g == top_guard)) {
        top_guard = g->prev;
        return;
    }
    /* Out of push order (lock A, lock B, unlock A): unlink from the middle. */
    cur_unwind_guard_t **pp = &top_guard;
    while (*pp && *pp != g) pp = &(*pp)->prev;
    CUR_ASSERT(*pp == g && "guard is not pushed on this thread");
    *pp = g->prev;
}
