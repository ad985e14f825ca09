/*
 * src/waker.c: the noop waker, the thread parker and the monotonic clock
 * (API in curriculum/waker.h).
 *
 * Parker invariants (the design of Rust std's futex Parker): state is
 * EMPTY (no token, nobody sleeping), NOTIFIED (a token is waiting) or
 * PARKED (the owner is in, or about to enter, futex_wait). Only the owner
 * moves EMPTY -> PARKED and PARKED/NOTIFIED -> EMPTY; unpark swaps in
 * NOTIFIED and calls futex_wake only if it replaced PARKED. The swap is a
 * release and the owner's exits are acquires, so what the unparker wrote
 * is visible to the owner once park returns.
 */
#include <curriculum/waker.h>

#include <time.h>

#include "core_int.h"
#include "futex_int.h"

/* --- noop waker ------------------------------------------------------------- */

static cur_waker_t noop_clone(const void *data);
static void noop_wake(const void *data) { (void)data; }

static const cur_waker_vtable_t noop_vtable = {
    .clone = noop_clone,
    .wake = noop_wake,
    .wake_by_ref = noop_wake,
    .drop = noop_wake,
};

static cur_waker_t noop_clone(const void *data)
{
    return (cur_waker_t){data, &noop_vtable};
}

cur_waker_t cur_waker_noop(void) { return (cur_waker_t){NULL, &noop_vtable}; }

/* --- parker ----------------------------------------------------------------- */

enum { EMPTY = 0, NOTIFIED = 1, PARKED = UINT32_MAX };

void cur_parker_init(cur_parker_t *p)
{
    CUR_ASSERT(p != NULL);
    atomic_init(&p->state, EMPTY);
}

void cur_parker_park(cur_parker_t *p)
{
    CUR_ASSERT(p != NULL);
    /* NOTIFIED -> EMPTY (token taken) or EMPTY -> PARKED. */
    if (atomic_fetch_sub_explicit(&p->state, 1, memory_order_acquire) == NOTIFIED)
        return;
    for (;;) {
        cur__futex_wait(&p->state, PARKED, NULL);
        uint32_t want = NOTIFIED;
        if (atomic_compare_exchange_strong_explicit(&p->state, &want, EMPTY,
                                                    memory_order_acquire,
                                                    memory_order_relaxed))
            return;
        /* spurious wakeup: still PARKED */
    }
}

int cur_parker_park_until(cur_parker_t *p, int64_t deadline_ns)
{
    CUR_ASSERT(p != NULL);
    if (atomic_fetch_sub_explicit(&p->state, 1, memory_order_acquire) == NOTIFIED)
        return 0;
    for (;;) {
        if (deadline_ns != CUR_DEADLINE_NEVER && cur_time_now_ns() >= deadline_ns)
            break;
        struct timespec ts = cur__ns_to_timespec(deadline_ns);
        cur__futex_wait(&p->state, PARKED,
                        deadline_ns == CUR_DEADLINE_NEVER ? NULL : &ts);
        if (atomic_load_explicit(&p->state, memory_order_relaxed) == NOTIFIED)
            break;
    }
    /* Leave PARKED; a token that arrived meanwhile is taken now. */
    return atomic_exchange_explicit(&p->state, EMPTY, memory_order_acquire) == NOTIFIED
               ? 0
               : CUR_ETIMEDOUT;
}

void cur_parker_unpark(cur_parker_t *p)
{
    CUR_ASSERT(p != NULL);
    if (atomic_exchange_explicit(&p->state, NOTIFIED, memory_order_release) == PARKED)
        cur__futex_wake(&p->state, 1);
}

static cur_waker_t parker_clone(const void *data);
static void parker_wake(const void *data)
{
    cur_parker_unpark((cur_parker_t *)(uintptr_t)data);
}
static void parker_drop(const void *data) { (void)data; }

static const cur_waker_vtable_t parker_vtable = {
    .clone = parker_clone,
    .wake = parker_wake,
    .wake_by_ref = parker_wake,
    .drop = parker_drop,
};

static cur_waker_t parker_clone(const void *data)
{
    return (cur_waker_t){data, &parker_vtable};
}

cur_waker_t cur_parker_waker(cur_parker_t *p)
{
    CUR_ASSERT(p != NULL);
    return (cur_waker_t){p, &parker_vtable};
}

/* --- time ------------------------------------------------------------------- */

int64_t cur_time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t cur_deadline_after(int64_t timeout_ns)
{
    int64_t now = cur_time_now_ns();
    if (timeout_ns <= 0) return now;
    if (timeout_ns > CUR_DEADLINE_NEVER - now) return CUR_DEADLINE_NEVER;
    return now + timeout_ns;
}
