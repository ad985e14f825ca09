/*
 * curriculum/waker.h: Poll, Waker, Context, a thread Parker and the
 * monotonic clock: the contract shared by everything that waits.
 *
 * Rust's async model in four types (std::task):
 *
 *   cur_poll_t     Poll: a poll function answers CUR_READY (the output is
 *                  written through an out-pointer) or CUR_PENDING (it has
 *                  stored cx->waker, or a clone, and will wake it when
 *                  progress is possible).
 *   cur_waker_t    Waker: a data pointer and a vtable (RawWaker and
 *                  RawWakerVTable). Waking schedules whoever waits: a task
 *                  on an executor, or a thread parked in a blocking call.
 *   cur_context_t  Context: what a poll function gets besides its state;
 *                  today the waker and one word the executor owns.
 *   cur_parker_t   a thread's park/unpark token (std::thread::park): the
 *                  blocking side of every channel and lock-free waiter.
 *   cur_driver_t   how an executor sleeps: on a parker, or in the I/O
 *                  reactor's wait (epoll_wait, io_uring_enter).
 *
 * Who builds on it: the channel module keeps waiter lists whose entries
 * hold either a parked thread or a waker, so one channel serves threads and
 * tasks; the executor implements wakers for its tasks; the reactor wakes
 * the wakers of operations whose file descriptors became ready.
 *
 * Poll-function convention, library-wide:
 *
 *     cur_poll_t cur_<thing>_poll_<op>(<thing> *self, cur_context_t *cx,
 *                                      <inputs...>, <T> *out);
 *
 * On CUR_READY *out holds the result (for I/O and channels an int or
 * ptrdiff_t: >= 0 on success, a negative CUR_E* code on failure); on
 * CUR_PENDING *out is untouched and the waker has been registered. A
 * poll after READY is a contract violation unless the type says otherwise.
 *
 * Times are int64_t nanoseconds. Durations ("timeout_ns") are relative;
 * deadlines ("deadline_ns") are absolute readings of cur_time_now_ns()
 * (CLOCK_MONOTONIC). CUR_DEADLINE_NEVER waits forever.
 */
#ifndef CURRICULUM_WAKER_H
#define CURRICULUM_WAKER_H

#include <stdatomic.h>
#include <stdint.h>

#include "core.h"
#include "error.h"

/* --- Poll ----------------------------------------------------------------- */

typedef enum cur_poll {
    CUR_PENDING = 0,
    CUR_READY = 1,
} cur_poll_t;

/* --- Waker ---------------------------------------------------------------- */

typedef struct cur_waker cur_waker_t;

/*
 * The vtable behind a waker (Rust's RawWakerVTable). All four are required
 * and must be thread-safe: a waker may be cloned, woken and dropped from
 * any thread.
 *
 * clone:        a new waker for the same waiter (take a reference).
 * wake:         wake the waiter and release this waker (consumes it).
 * wake_by_ref:  wake the waiter, keep this waker.
 * drop:         release this waker without waking.
 */
typedef struct cur_waker_vtable {
    cur_waker_t (*clone)(const void *data);
    void (*wake)(const void *data);
    void (*wake_by_ref)(const void *data);
    void (*drop)(const void *data);
} cur_waker_vtable_t;

/*
 * cur_waker_t: a value type (two words), copied freely; but each copy
 * made by cur_waker_clone is one reference and must end in exactly one
 * cur_waker_wake or cur_waker_drop. A zero waker ({NULL, NULL}) is "no
 * waker": the operations below accept it and do nothing.
 */
struct cur_waker {
    const void *data;
    const cur_waker_vtable_t *vtable;
};

#define CUR_WAKER_NONE ((cur_waker_t){NULL, NULL})

static inline bool cur_waker_is_none(cur_waker_t w) { return w.vtable == NULL; }

static inline cur_waker_t cur_waker_clone(const cur_waker_t *w)
{
    return w->vtable ? w->vtable->clone(w->data) : CUR_WAKER_NONE;
}

/* Wakes and consumes *w (leaves it CUR_WAKER_NONE). */
static inline void cur_waker_wake(cur_waker_t *w)
{
    cur_waker_t v = *w;
    *w = CUR_WAKER_NONE;
    if (v.vtable) v.vtable->wake(v.data);
}

static inline void cur_waker_wake_by_ref(const cur_waker_t *w)
{
    if (w->vtable) w->vtable->wake_by_ref(w->data);
}

/* Releases *w without waking (leaves it CUR_WAKER_NONE). */
static inline void cur_waker_drop(cur_waker_t *w)
{
    cur_waker_t v = *w;
    *w = CUR_WAKER_NONE;
    if (v.vtable) v.vtable->drop(v.data);
}

/*
 * Rust's Waker::will_wake: true if a and b certainly wake the same waiter,
 * so a stored waker need not be replaced by a fresh clone.
 */
static inline bool cur_waker_will_wake(const cur_waker_t *a, const cur_waker_t *b)
{
    return a->data == b->data && a->vtable == b->vtable;
}

/*
 * Stores a clone of *w into *slot unless *slot already wakes the same
 * waiter; drops what *slot held before. The usual first step of a poll
 * function that returns CUR_PENDING. Not atomic: *slot belongs to the
 * caller (or is under the caller's lock).
 */
static inline void cur_waker_store(cur_waker_t *slot, const cur_waker_t *w)
{
    if (cur_waker_will_wake(slot, w)) return;
    cur_waker_drop(slot);
    *slot = cur_waker_clone(w);
}

/* A waker that does nothing (Rust's Waker::noop), for tests and polling
 * by hand. Its clone is itself; it needs no drop. */
CUR_API cur_waker_t cur_waker_noop(void);

/* --- Context -------------------------------------------------------------- */

/*
 * cur_context_t: passed to every poll function. waker is never NULL while
 * an executor polls (it may be the noop waker when a program polls by
 * hand). ext belongs to the executor running the poll (its cooperative
 * budget and task identity); other code passes it through untouched and
 * must accept NULL.
 */
typedef struct cur_context {
    const cur_waker_t *waker;
    void *ext;
} cur_context_t;

/* --- Parker --------------------------------------------------------------- */

/*
 * cur_parker_t: a one-token park/unpark, std::thread::park's mechanism.
 * unpark makes the token available (idempotent: two unparks before a park
 * leave one token); park consumes the token, sleeping until one is there.
 * Spurious wakeups never escape: park returns only with the token taken
 * (or, for park_until, at the deadline). Memory written by the unparking
 * thread before cur_parker_unpark is visible after the park that consumes
 * its token (release/acquire).
 *
 * Caller storage, one word; all-zero (CUR_PARKER_INIT) is "no token". Only
 * one thread may park on a parker at a time (its owner); any thread may
 * unpark. Linux futex, process-private. No allocation.
 */
typedef struct cur_parker {
    _Atomic uint32_t state;
} cur_parker_t;

#define CUR_PARKER_INIT {0}

CUR_API void cur_parker_init(cur_parker_t *p);
/* Consumes the token, sleeping until there is one. */
CUR_API void cur_parker_park(cur_parker_t *p);
/*
 * Consumes the token, sleeping until there is one or deadline_ns passes.
 * Returns 0 with the token taken, CUR_ETIMEDOUT without it.
 */
CUR_API int cur_parker_park_until(cur_parker_t *p, int64_t deadline_ns);
/* Makes the token available and wakes the parked owner, if sleeping. */
CUR_API void cur_parker_unpark(cur_parker_t *p);

/*
 * A waker that unparks p. It holds no reference: it is valid only while p
 * lives, so use it for waits that end (and unregister their waker) before
 * p goes away, as a blocking channel call does.
 */
CUR_API cur_waker_t cur_parker_waker(cur_parker_t *p);

/* --- Time ----------------------------------------------------------------- */

#define CUR_DEADLINE_NEVER INT64_MAX

/* CLOCK_MONOTONIC in nanoseconds (vDSO; about 20 ns). */
CUR_API int64_t cur_time_now_ns(void);

/*
 * now + timeout_ns, saturating at CUR_DEADLINE_NEVER; a negative timeout
 * is treated as 0 (already due).
 */
CUR_API int64_t cur_deadline_after(int64_t timeout_ns);

/* --- Driver --------------------------------------------------------------- */

/*
 * cur_driver_t: how an executor sleeps when it has nothing to run. An
 * executor without a driver parks its thread on a cur_parker_t; one with a
 * driver (the I/O reactor: epoll or io_uring) calls park instead, so the
 * thread sleeps in epoll_wait / io_uring_enter and wakes for I/O readiness,
 * for the next timer deadline, or for unpark (tokio's driver stack).
 *
 * park:    wait until deadline_ns (CUR_DEADLINE_NEVER: no limit; a
 *          deadline already past: poll without blocking) or until unpark
 *          is called; before returning, wake the wakers of every operation
 *          that became ready. Called by one thread at a time (the executor
 *          guarantees it); may return early (a spurious return is fine).
 * unpark:  make the current or next park return soon. Thread-safe, cheap
 *          when nobody is parked, callable from any thread (a waker runs
 *          it when it schedules a task while the executor sleeps).
 * ctx:     passed back to both.
 */
typedef struct cur_driver {
    void (*park)(void *ctx, int64_t deadline_ns);
    void (*unpark)(void *ctx);
    void *ctx;
} cur_driver_t;

#endif /* CURRICULUM_WAKER_H */
