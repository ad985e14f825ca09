/*
 * curriculum/panic.h: panics, the panic hook, unwind guards and the
 * catch-unwind boundary.
 *
 * A panic is a contract violation: a bug the caller cannot handle where it
 * happens (an unwrap of an error, a failed CUR_ASSERT, a RefCell borrowed
 * twice). What happens, in order:
 *   1. the panic hook runs with the location and message (the default hook
 *      prints "thread 'NAME' panicked at FILE:LINE (FUNC):\nMESSAGE");
 *   2. if abort mode is on, or no catch-unwind boundary is active on this
 *      thread, the process aborts (Rust's panic=abort, and what an uncaught
 *      panic does to a C program, which has no thread to kill alone);
 *   3. otherwise the unwind guards pushed since the innermost boundary run,
 *      newest first (Drop during unwinding: a mutex guard poisons and
 *      unlocks its lock here), and control returns from cur_catch_unwind
 *      with CUR_EPANIC.
 *
 * C has no unwinding: the jump from the panic to the boundary skips every
 * frame between them, and `cleanup` attributes in those frames do NOT run.
 * Whatever must be released on a panic registers an unwind guard
 * (CUR_ON_UNWIND). docs/panic.md explains the difference from Rust.
 *
 * A panic inside the hook or inside an unwind guard aborts (Rust aborts on
 * a panic while panicking).
 *
 * Thread safety: every function here may be called from any thread.
 * Boundaries, guards and the last panic's info are per thread; the hook and
 * abort mode are process-wide.
 */
#ifndef CURRICULUM_PANIC_H
#define CURRICULUM_PANIC_H

#include "core.h"

/* Messages longer than this are cut (the panic path never allocates). */
#define CUR_PANIC_MSG_MAX 512

typedef struct cur_panic_info {
    const char *file;                  /* __FILE__ of the panic site */
    const char *func;                  /* __func__ of the panic site */
    int line;                          /* __LINE__ of the panic site */
    char message[CUR_PANIC_MSG_MAX];   /* formatted, NUL-terminated */
} cur_panic_info_t;

/* Panics with a printf-style message at the caller's location. */
#define CUR_PANIC(...) cur_panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__)

/* Marks code that must never run: panics if it does. */
#define CUR_UNREACHABLE()                                                    \
    cur_panic_at(__FILE__, __LINE__, __func__, "entered unreachable code")

/* Marks code not written yet (Rust's todo!()): panics if reached. */
#define CUR_TODO() cur_panic_at(__FILE__, __LINE__, __func__, "not yet implemented")

/*
 * The hook runs on the panicking thread before anything else. It must not
 * panic. info is valid only during the call.
 */
typedef void (*cur_panic_hook_fn)(const cur_panic_info_t *info, void *ctx);

/*
 * cur_panic_set_hook: installs hook (NULL restores the default) with its
 * context; the previous hook and context are stored through old_hook and
 * old_ctx when those are non-NULL (Rust's take_hook + set_hook, so a hook
 * can chain to the one it replaced). Thread-safe; a panic already running
 * its hook finishes with the hook it started with.
 */
CUR_API void cur_panic_set_hook(cur_panic_hook_fn hook, void *ctx,
                                cur_panic_hook_fn *old_hook, void **old_ctx);

/* The default hook: prints the panic to stderr. ctx is ignored. */
CUR_API void cur_panic_default_hook(const cur_panic_info_t *info, void *ctx);

/*
 * cur_panic_set_abort: abort mode on or off for the whole process; returns
 * the previous setting. With abort mode on, a panic aborts after its hook
 * even inside cur_catch_unwind (Cargo's panic = "abort").
 */
CUR_API bool cur_panic_set_abort(bool on);

/*
 * cur_catch_unwind: calls fn(arg); if fn panics, stops the panic here.
 * Returns 0 when fn returned normally, CUR_EPANIC when it panicked; in the
 * latter case *info (if info is non-NULL) receives the panic's details.
 * Boundaries nest: a panic stops at the innermost one. fn must not return
 * through a longjmp of its own past this frame.
 */
CUR_API int cur_catch_unwind(void (*fn)(void *arg), void *arg,
                             cur_panic_info_t *info);

/* True while this thread runs a panic hook or unwind guards. */
CUR_API bool cur_panicking(void);

/* How many panics this thread has raised (caught or not, so far). */
CUR_API long cur_panic_count(void);

/*
 * Unwind guards: fn(arg) runs if a panic unwinds past the point where the
 * guard was pushed, before control reaches the boundary. Precisely: a panic
 * stopped by a boundary runs, newest first, every guard still pushed that
 * was pushed after that boundary was entered. A guard pushed before the
 * boundary was entered never runs for it, even if its frame is below.
 *
 * The guard lives in caller storage (usually the stack) and must be popped
 * before its frame returns. Guards may be popped in any order (lock A,
 * lock B, unlock A, unlock B is fine); popping the newest is O(1), another
 * one walks the list.
 */
typedef struct cur_unwind_guard {
    void (*fn)(void *arg);            /* what to run on unwinding */
    void *arg;                        /* its argument */
    struct cur_unwind_guard *prev;    /* private: the guard pushed before */
    unsigned long seq;                /* private: push order on its thread */
} cur_unwind_guard_t;

CUR_API void cur_unwind_push(cur_unwind_guard_t *g, void (*fn)(void *arg),
                             void *arg);

/* Pops g, which must be pushed on this thread and not yet popped (else
 * panics). */
CUR_API void cur_unwind_pop(cur_unwind_guard_t *g);

/*
 * CUR_ON_UNWIND(fn, arg): pushes a guard that lives until the end of the
 * enclosing block, where the `cleanup` attribute pops it. Use once per
 * line.
 */
#define CUR_ON_UNWIND(fn, arg)                                               \
    __attribute__((cleanup(cur_unwind_pop))) cur_unwind_guard_t              \
        CUR__CAT(cur_unwind_guard_, __LINE__);                               \
    cur_unwind_push(&CUR__CAT(cur_unwind_guard_, __LINE__), (fn), (arg))

#endif /* CURRICULUM_PANIC_H */
