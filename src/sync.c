/*
 * src/sync.c: Mutex, RwLock, Condvar, Once, OnceLock and backoff on Linux
 * futexes (API in curriculum/sync.h, design in docs/sync.md).
 *
 * Invariants:
 *   Mutex (Drepper's "Futexes are tricky" mutex 3, as Rust's std uses it):
 *     state 0 = unlocked, 1 = locked with no sleeper, 2 = locked and a
 *     thread may sleep on the futex. Every sleeper set the state to 2 before
 *     sleeping, so an unlock that swaps out a 1 needs no wake-up call. The
 *     lock is acquired by the compare-and-swap 0 -> 1 or the swap to 2 that
 *     read 0 (acquire) and released by the swap to 0 (release).
 *   RwLock (the design of Rust std's futex RwLock): the low 30 bits of state
 *     count readers, or are all ones while write-locked; bit 30 says readers
 *     sleep on `state`, bit 31 that writers sleep on `writer_notify`, which
 *     is bumped before each writer wake-up. New readers do not enter while
 *     either waiting bit is set (writers go first).
 *   Condvar: `seq` only grows (mod 2^32); a waiter reads it while holding
 *     the mutex and sleeps only while it is unchanged, so a notify that
 *     follows the waiter's unlock is never lost. `waiters` counts threads
 *     inside a wait call; it is raised before `seq` is read and lowered
 *     after the sleep, so a notify that reads 0 there (seq_cst, the Dekker
 *     pattern) has no sleeper to wake and skips the system call.
 *   Once: state INCOMPLETE -> RUNNING (one thread, the runner) ->
 *     QUEUED (a thread waits on the futex) -> COMPLETE, or back to
 *     INCOMPLETE (a failed OnceLock initializer) or to POISONED (a panic,
 *     through the runner's unwind guard). COMPLETE is final; it is stored
 *     with release and read with acquire, so everything the initializer
 *     wrote is visible to every caller that sees it.
 *   Guards: a guard's unwind record is registered exactly while it holds a
 *     lock (pushed after acquiring, popped before releasing), so a panic
 *     releases every lock it skips, and only those.
 *
 * ThreadSanitizer: every happens-before edge the locks promise runs
 * through the C11 atomics here, which TSan models; futex(2) only blocks and
 * wakes and orders nothing, so no annotations are needed.
 */
#include <curriculum/sync.h>

#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core_int.h"
#include "futex_int.h"

/*
 * One more round of spinning before a contended locker sleeps: false once
 * the backoff's spin rounds are used up (SPIN_LIMIT + 1 rounds, 127
 * pauses in all).
 */
static inline bool spin_again(cur_backoff_t *b)
{
    if (b->step > CUR_BACKOFF_SPIN_LIMIT) return false;
    cur_backoff_spin(b);
    return true;
}

/* --- Mutex ------------------------------------------------------------------ */

enum { M_UNLOCKED = 0, M_LOCKED = 1, M_CONTENDED = 2 };

/*
 * Spins while the mutex is locked, then gives up; returns the last state
 * seen. Two departures from Rust's std, both measured (docs/sync.md):
 *   - the waits between loads grow exponentially (1, 2, 4, ... 64 pauses:
 *     seven loads in all), where std loads 100 times back to back. Every
 *     load by a waiter pulls the lock's cache line away from the holder,
 *     so fewer loads let the holder finish sooner;
 *   - it keeps spinning on a contended (2) lock. std stops there, which
 *     makes a waiter sleep at every collision once the state is 2.
 */
static uint32_t mutex_spin(cur_mutex_t *m)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    for (;;) {
        uint32_t s = atomic_load_explicit(&m->state, memory_order_relaxed);
        if (s == M_UNLOCKED || !spin_again(&b)) return s;
    }
}

static __attribute__((noinline, cold)) void
mutex_lock_contended(cur_mutex_t *m)
{
    uint32_t s = mutex_spin(m);
    if (s == M_UNLOCKED &&
        atomic_compare_exchange_strong_explicit(&m->state, &s, M_LOCKED,
                                                memory_order_acquire,
                                                memory_order_relaxed))
        return;
    for (;;) {
        /* Mark the lock contended, taking it if it was free meanwhile. A
         * thread that takes it this way leaves 2 behind, which may cost a
         * needless wake-up at unlock, never a lost one. */
        if (s != M_CONTENDED &&
            atomic_exchange_explicit(&m->state, M_CONTENDED,
                                     memory_order_acquire) == M_UNLOCKED)
            return;
        cur__futex_wait(&m->state, M_CONTENDED, NULL);
        s = mutex_spin(m);
    }
}

static inline void mutex_acquire(cur_mutex_t *m)
{
    uint32_t s = M_UNLOCKED;
    if (CUR_UNLIKELY(!atomic_compare_exchange_strong_explicit(
            &m->state, &s, M_LOCKED, memory_order_acquire,
            memory_order_relaxed)))
        mutex_lock_contended(m);
}

static inline void mutex_release(cur_mutex_t *m)
{
    if (CUR_UNLIKELY(atomic_exchange_explicit(&m->state, M_UNLOCKED,
                                              memory_order_release) ==
                     M_CONTENDED))
        cur__futex_wake(&m->state, 1);
}

/* Drop during unwinding: poison, then release (the poison is published by
 * the release, so the next locker sees it). */
static void mutex_on_unwind(void *arg)
{
    cur_mutex_guard_t *g = arg;
    cur_mutex_t *m = g->mutex;
    g->mutex = NULL;
    atomic_store_explicit(&m->poisoned, 1, memory_order_relaxed);
    mutex_release(m);
}

static inline int mutex_enter(cur_mutex_t *m, cur_mutex_guard_t *g)
{
    g->mutex = m;
    cur_unwind_push(&g->unwind, mutex_on_unwind, g);
    return CUR_UNLIKELY(atomic_load_explicit(&m->poisoned,
                                             memory_order_relaxed))
               ? CUR_EPOISONED
               : 0;
}

int cur_mutex_init(cur_mutex_t *m)
{
    CUR_ASSERT(m != NULL);
    atomic_init(&m->state, M_UNLOCKED);
    atomic_init(&m->poisoned, 0);
    return 0;
}

void cur_mutex_destroy(cur_mutex_t *m)
{
    if (!m) return;
    CUR_ASSERT(atomic_load_explicit(&m->state, memory_order_relaxed) ==
               M_UNLOCKED);
    atomic_store_explicit(&m->poisoned, 0, memory_order_relaxed);
}

int cur_mutex_lock(cur_mutex_t *m, cur_mutex_guard_t *g)
{
    CUR_ASSERT(m != NULL && g != NULL);
    mutex_acquire(m);
    return mutex_enter(m, g);
}

int cur_mutex_try_lock(cur_mutex_t *m, cur_mutex_guard_t *g)
{
    CUR_ASSERT(m != NULL && g != NULL);
    uint32_t s = M_UNLOCKED;
    if (!atomic_compare_exchange_strong_explicit(&m->state, &s, M_LOCKED,
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        return CUR_EBUSY;
    return mutex_enter(m, g);
}

void cur_mutex_unlock(cur_mutex_guard_t *g)
{
    CUR_ASSERT(g != NULL && g->mutex != NULL);
    cur_mutex_t *m = g->mutex;
    cur_unwind_pop(&g->unwind); /* panics if g is not the newest guard */
    g->mutex = NULL;
    mutex_release(m);
}

void cur_mutex_guard_drop(cur_mutex_guard_t *g)
{
    if (g && g->mutex) cur_mutex_unlock(g);
}

bool cur_mutex_is_poisoned(const cur_mutex_t *m)
{
    CUR_ASSERT(m != NULL);
    return atomic_load_explicit(&m->poisoned, memory_order_relaxed) != 0;
}

void cur_mutex_clear_poison(cur_mutex_t *m)
{
    CUR_ASSERT(m != NULL);
    atomic_store_explicit(&m->poisoned, 0, memory_order_relaxed);
}

/* --- RwLock ----------------------------------------------------------------- */

#define RW_READ_LOCKED 1u
#define RW_MASK ((1u << 30) - 1)
#define RW_WRITE_LOCKED RW_MASK
#define RW_MAX_READERS (RW_MASK - 1)
#define RW_READERS_WAITING (1u << 30)
#define RW_WRITERS_WAITING (1u << 31)

static inline bool rw_is_unlocked(uint32_t s) { return (s & RW_MASK) == 0; }
static inline bool rw_is_write_locked(uint32_t s)
{
    return (s & RW_MASK) == RW_WRITE_LOCKED;
}
static inline bool rw_readers_waiting(uint32_t s)
{
    return (s & RW_READERS_WAITING) != 0;
}
static inline bool rw_writers_waiting(uint32_t s)
{
    return (s & RW_WRITERS_WAITING) != 0;
}

/*
 * A reader may enter when the count has room and nobody waits. Readers
 * waiting with the lock free happens only just after an unlock, while the
 * unlocking thread decides whom to wake (writers first); it clears the bit.
 */
static inline bool rw_is_read_lockable(uint32_t s)
{
    return (s & RW_MASK) < RW_MAX_READERS && !rw_readers_waiting(s) &&
           !rw_writers_waiting(s);
}

static uint32_t rw_spin_read(cur_rwlock_t *rw)
{
    /* Stop at a state worth acting on: not write-locked, or sleepers. */
    cur_backoff_t b = CUR_BACKOFF_INIT;
    for (;;) {
        uint32_t s = atomic_load_explicit(&rw->state, memory_order_relaxed);
        if (!rw_is_write_locked(s) || rw_readers_waiting(s) ||
            rw_writers_waiting(s) || !spin_again(&b))
            return s;
    }
}

static uint32_t rw_spin_write(cur_rwlock_t *rw)
{
    /* Stop when free, or when writers already sleep (queue behind them). */
    cur_backoff_t b = CUR_BACKOFF_INIT;
    for (;;) {
        uint32_t s = atomic_load_explicit(&rw->state, memory_order_relaxed);
        if (rw_is_unlocked(s) || rw_writers_waiting(s) || !spin_again(&b))
            return s;
    }
}

static __attribute__((noinline, cold)) void
rw_read_contended(cur_rwlock_t *rw)
{
    uint32_t s = rw_spin_read(rw);
    for (;;) {
        if (rw_is_read_lockable(s)) {
            if (atomic_compare_exchange_weak_explicit(
                    &rw->state, &s, s + RW_READ_LOCKED, memory_order_acquire,
                    memory_order_relaxed))
                return;
            continue;
        }
        if ((s & RW_MASK) == RW_MAX_READERS)
            CUR_PANIC("too many active read locks on an RwLock");
        if (!rw_readers_waiting(s) &&
            !atomic_compare_exchange_strong_explicit(
                &rw->state, &s, s | RW_READERS_WAITING, memory_order_relaxed,
                memory_order_relaxed))
            continue;
        cur__futex_wait(&rw->state, s | RW_READERS_WAITING, NULL);
        s = rw_spin_read(rw);
    }
}

/* Returns true if a writer sleeping in futex_wait was woken. */
static bool rw_wake_writer(cur_rwlock_t *rw)
{
    atomic_fetch_add_explicit(&rw->writer_notify, 1, memory_order_release);
    return cur__futex_wake(&rw->writer_notify, 1) > 0;
}

/*
 * After an unlock that left the lock free with sleepers: wake one writer
 * if any wait, else all readers. If the lock is taken meanwhile, the new
 * holder's unlock takes over this duty.
 */
static __attribute__((noinline, cold)) void
rw_wake_writer_or_readers(cur_rwlock_t *rw, uint32_t s)
{
    CUR_ASSERT(rw_is_unlocked(s));
    if (s == RW_WRITERS_WAITING) {
        if (atomic_compare_exchange_strong_explicit(&rw->state, &s, 0,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed)) {
            rw_wake_writer(rw);
            return;
        }
        /* s now holds the new state: readers may have started waiting. */
    }
    if (s == (RW_READERS_WAITING | RW_WRITERS_WAITING)) {
        if (!atomic_compare_exchange_strong_explicit(
                &rw->state, &s, RW_READERS_WAITING, memory_order_relaxed,
                memory_order_relaxed))
            return; /* locked meanwhile: not our job any more */
        if (rw_wake_writer(rw)) return;
        /* No writer was asleep (one may be about to sleep, and will see the
         * bump of writer_notify); do not leave the readers stranded. */
        s = RW_READERS_WAITING;
    }
    if (s == RW_READERS_WAITING &&
        atomic_compare_exchange_strong_explicit(&rw->state, &s, 0,
                                                memory_order_relaxed,
                                                memory_order_relaxed))
        cur__futex_wake(&rw->state, INT_MAX);
}

static __attribute__((noinline, cold)) void
rw_write_contended(cur_rwlock_t *rw)
{
    uint32_t s = rw_spin_write(rw);
    uint32_t other_writers = 0;
    for (;;) {
        if (rw_is_unlocked(s)) {
            if (atomic_compare_exchange_weak_explicit(
                    &rw->state, &s, s | RW_WRITE_LOCKED | other_writers,
                    memory_order_acquire, memory_order_relaxed))
                return;
            continue;
        }
        if (!rw_writers_waiting(s) &&
            !atomic_compare_exchange_strong_explicit(
                &rw->state, &s, s | RW_WRITERS_WAITING, memory_order_relaxed,
                memory_order_relaxed))
            continue;
        /* Other writers may sleep too now: keep the bit set once we win. */
        other_writers = RW_WRITERS_WAITING;
        /* Read the notify counter before re-checking the state, so a
         * wake-up between the two is not missed. */
        uint32_t seq =
            atomic_load_explicit(&rw->writer_notify, memory_order_acquire);
        s = atomic_load_explicit(&rw->state, memory_order_relaxed);
        if (rw_is_unlocked(s) || !rw_writers_waiting(s)) continue;
        cur__futex_wait(&rw->writer_notify, seq, NULL);
        s = rw_spin_write(rw);
    }
}

static inline void rw_read_release(cur_rwlock_t *rw)
{
    uint32_t s = atomic_fetch_sub_explicit(&rw->state, RW_READ_LOCKED,
                                           memory_order_release) -
                 RW_READ_LOCKED;
    /* Readers only sleep on a read-locked lock when a writer waits too. */
    if (CUR_UNLIKELY(rw_is_unlocked(s) && rw_writers_waiting(s)))
        rw_wake_writer_or_readers(rw, s);
}

static inline void rw_write_release(cur_rwlock_t *rw)
{
    uint32_t s = atomic_fetch_sub_explicit(&rw->state, RW_WRITE_LOCKED,
                                           memory_order_release) -
                 RW_WRITE_LOCKED;
    if (CUR_UNLIKELY(rw_readers_waiting(s) || rw_writers_waiting(s)))
        rw_wake_writer_or_readers(rw, s);
}

static bool rw_try_read_acquire(cur_rwlock_t *rw)
{
    uint32_t s = atomic_load_explicit(&rw->state, memory_order_relaxed);
    while (rw_is_read_lockable(s)) {
        if (atomic_compare_exchange_weak_explicit(
                &rw->state, &s, s + RW_READ_LOCKED, memory_order_acquire,
                memory_order_relaxed))
            return true;
    }
    return false;
}

static bool rw_try_write_acquire(cur_rwlock_t *rw)
{
    uint32_t s = atomic_load_explicit(&rw->state, memory_order_relaxed);
    while (rw_is_unlocked(s)) {
        if (atomic_compare_exchange_weak_explicit(
                &rw->state, &s, s | RW_WRITE_LOCKED, memory_order_acquire,
                memory_order_relaxed))
            return true;
    }
    return false;
}

static void rw_read_on_unwind(void *arg)
{
    cur_rwlock_read_guard_t *g = arg;
    cur_rwlock_t *rw = g->lock;
    g->lock = NULL;
    rw_read_release(rw); /* readers never poison (Rust's rule) */
}

static void rw_write_on_unwind(void *arg)
{
    cur_rwlock_write_guard_t *g = arg;
    cur_rwlock_t *rw = g->lock;
    g->lock = NULL;
    atomic_store_explicit(&rw->poisoned, 1, memory_order_relaxed);
    rw_write_release(rw);
}

static inline int rw_poison_status(const cur_rwlock_t *rw)
{
    return CUR_UNLIKELY(atomic_load_explicit(&rw->poisoned,
                                             memory_order_relaxed))
               ? CUR_EPOISONED
               : 0;
}

static inline int rw_read_enter(cur_rwlock_t *rw, cur_rwlock_read_guard_t *g)
{
    g->lock = rw;
    cur_unwind_push(&g->unwind, rw_read_on_unwind, g);
    return rw_poison_status(rw);
}

static inline int rw_write_enter(cur_rwlock_t *rw, cur_rwlock_write_guard_t *g)
{
    g->lock = rw;
    cur_unwind_push(&g->unwind, rw_write_on_unwind, g);
    return rw_poison_status(rw);
}

int cur_rwlock_init(cur_rwlock_t *rw)
{
    CUR_ASSERT(rw != NULL);
    atomic_init(&rw->state, 0);
    atomic_init(&rw->writer_notify, 0);
    atomic_init(&rw->poisoned, 0);
    return 0;
}

void cur_rwlock_destroy(cur_rwlock_t *rw)
{
    if (!rw) return;
    CUR_ASSERT(atomic_load_explicit(&rw->state, memory_order_relaxed) == 0);
    atomic_store_explicit(&rw->poisoned, 0, memory_order_relaxed);
}

int cur_rwlock_read(cur_rwlock_t *rw, cur_rwlock_read_guard_t *g)
{
    CUR_ASSERT(rw != NULL && g != NULL);
    uint32_t s = atomic_load_explicit(&rw->state, memory_order_relaxed);
    if (CUR_UNLIKELY(!rw_is_read_lockable(s) ||
                     !atomic_compare_exchange_weak_explicit(
                         &rw->state, &s, s + RW_READ_LOCKED,
                         memory_order_acquire, memory_order_relaxed)))
        rw_read_contended(rw);
    return rw_read_enter(rw, g);
}

int cur_rwlock_try_read(cur_rwlock_t *rw, cur_rwlock_read_guard_t *g)
{
    CUR_ASSERT(rw != NULL && g != NULL);
    if (!rw_try_read_acquire(rw)) return CUR_EBUSY;
    return rw_read_enter(rw, g);
}

void cur_rwlock_read_unlock(cur_rwlock_read_guard_t *g)
{
    CUR_ASSERT(g != NULL && g->lock != NULL);
    cur_rwlock_t *rw = g->lock;
    cur_unwind_pop(&g->unwind);
    g->lock = NULL;
    rw_read_release(rw);
}

int cur_rwlock_write(cur_rwlock_t *rw, cur_rwlock_write_guard_t *g)
{
    CUR_ASSERT(rw != NULL && g != NULL);
    uint32_t s = 0;
    if (CUR_UNLIKELY(!atomic_compare_exchange_strong_explicit(
            &rw->state, &s, RW_WRITE_LOCKED, memory_order_acquire,
            memory_order_relaxed)))
        rw_write_contended(rw);
    return rw_write_enter(rw, g);
}

int cur_rwlock_try_write(cur_rwlock_t *rw, cur_rwlock_write_guard_t *g)
{
    CUR_ASSERT(rw != NULL && g != NULL);
    if (!rw_try_write_acquire(rw)) return CUR_EBUSY;
    return rw_write_enter(rw, g);
}

void cur_rwlock_write_unlock(cur_rwlock_write_guard_t *g)
{
    CUR_ASSERT(g != NULL && g->lock != NULL);
    cur_rwlock_t *rw = g->lock;
    cur_unwind_pop(&g->unwind);
    g->lock = NULL;
    rw_write_release(rw);
}

void cur_rwlock_read_guard_drop(cur_rwlock_read_guard_t *g)
{
    if (g && g->lock) cur_rwlock_read_unlock(g);
}

void cur_rwlock_write_guard_drop(cur_rwlock_write_guard_t *g)
{
    if (g && g->lock) cur_rwlock_write_unlock(g);
}

bool cur_rwlock_is_poisoned(const cur_rwlock_t *rw)
{
    CUR_ASSERT(rw != NULL);
    return atomic_load_explicit(&rw->poisoned, memory_order_relaxed) != 0;
}

void cur_rwlock_clear_poison(cur_rwlock_t *rw)
{
    CUR_ASSERT(rw != NULL);
    atomic_store_explicit(&rw->poisoned, 0, memory_order_relaxed);
}

/* --- Condvar ---------------------------------------------------------------- */

int cur_condvar_init(cur_condvar_t *cv)
{
    CUR_ASSERT(cv != NULL);
    atomic_init(&cv->seq, 0);
    atomic_init(&cv->waiters, 0);
    return 0;
}

void cur_condvar_destroy(cur_condvar_t *cv)
{
    if (!cv) return;
    CUR_ASSERT(atomic_load_explicit(&cv->waiters, memory_order_relaxed) == 0);
}

/* The common wait: deadline NULL waits without a timeout. */
static int condvar_wait(cur_condvar_t *cv, cur_mutex_guard_t *g,
                        const struct timespec *deadline)
{
    cur_mutex_t *m = g->mutex;
    /* Announce, then read seq, both seq_cst: pairs with notify's bump of
     * seq followed by its read of waiters. seq is read under the mutex. */
    atomic_fetch_add_explicit(&cv->waiters, 1, memory_order_seq_cst);
    uint32_t seq = atomic_load_explicit(&cv->seq, memory_order_seq_cst);
    mutex_release(m);
    int rc = cur__futex_wait(&cv->seq, seq, deadline);
    atomic_fetch_sub_explicit(&cv->waiters, 1, memory_order_relaxed);
    mutex_acquire(m);
    /* The guard stayed registered: g still describes the held lock. */
    if (rc == CUR_ETIMEDOUT) return CUR_ETIMEDOUT;
    return atomic_load_explicit(&m->poisoned, memory_order_relaxed)
               ? CUR_EPOISONED
               : 0;
}

int cur_condvar_wait(cur_condvar_t *cv, cur_mutex_guard_t *g)
{
    CUR_ASSERT(cv != NULL && g != NULL && g->mutex != NULL);
    return condvar_wait(cv, g, NULL);
}

int cur_condvar_wait_until(cur_condvar_t *cv, cur_mutex_guard_t *g,
                           const struct timespec *deadline)
{
    CUR_ASSERT(cv != NULL && g != NULL && g->mutex != NULL);
    if (!deadline || deadline->tv_nsec < 0 || deadline->tv_nsec >= 1000000000)
        return CUR_EINVAL;
    /* The kernel rejects negative times; any time before boot has passed. */
    struct timespec d = *deadline;
    if (d.tv_sec < 0) d = (struct timespec){0, 0};
    return condvar_wait(cv, g, &d);
}

int cur_condvar_wait_timeout(cur_condvar_t *cv, cur_mutex_guard_t *g,
                             int64_t timeout_ns)
{
    CUR_ASSERT(cv != NULL && g != NULL && g->mutex != NULL);
    if (timeout_ns < 0) return CUR_EINVAL;
    struct timespec d;
    clock_gettime(CLOCK_MONOTONIC, &d);
    int64_t sec = timeout_ns / 1000000000, nsec = timeout_ns % 1000000000;
    /* A deadline over ~146 years away is forever for any caller (and past
     * what the kernel's 64-bit nanosecond clock can hold): wait without. */
    if (sec > INT64_MAX / 1000000000 / 2 - (int64_t)d.tv_sec)
        return condvar_wait(cv, g, NULL);
    d.tv_sec += (time_t)sec;
    d.tv_nsec += (long)nsec;
    if (d.tv_nsec >= 1000000000) {
        d.tv_sec++;
        d.tv_nsec -= 1000000000;
    }
    return condvar_wait(cv, g, &d);
}

static void condvar_notify(cur_condvar_t *cv, int n)
{
    CUR_ASSERT(cv != NULL);
    atomic_fetch_add_explicit(&cv->seq, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&cv->waiters, memory_order_seq_cst) != 0)
        cur__futex_wake(&cv->seq, n);
}

void cur_condvar_notify_one(cur_condvar_t *cv) { condvar_notify(cv, 1); }

void cur_condvar_notify_all(cur_condvar_t *cv) { condvar_notify(cv, INT_MAX); }

/* --- Once ------------------------------------------------------------------- */

enum {
    ONCE_INCOMPLETE = 0, /* zero, so CUR_ONCE_INIT and zeroed memory work */
    ONCE_POISONED = 1,
    ONCE_RUNNING = 2,
    ONCE_QUEUED = 3, /* running, and someone sleeps on the futex */
    ONCE_COMPLETE = 4,
};

/* Ends a run: publishes the new state and wakes the sleepers. */
static void once_finish(cur_once_t *o, uint32_t to)
{
    if (atomic_exchange_explicit(&o->state, to, memory_order_release) ==
        ONCE_QUEUED)
        cur__futex_wake(&o->state, INT_MAX);
}

static void once_on_unwind(void *arg) { once_finish(arg, ONCE_POISONED); }

/*
 * The slow path of every Once-based call. body(ctx, poisoned) runs on one
 * thread at a time and returns true when it completed the Once, false to
 * leave it incomplete (a failed OnceLock initializer). force: run even if
 * poisoned (else panic). Returns true if this call ran a body that
 * completed the Once, false if it found the Once complete (or its body
 * failed).
 */
static bool once_run(cur_once_t *o, bool force,
                     bool (*body)(void *ctx, bool poisoned), void *ctx)
{
    uint32_t s = atomic_load_explicit(&o->state, memory_order_acquire);
    for (;;) {
        switch (s) {
        case ONCE_COMPLETE:
            return false;
        case ONCE_POISONED:
            if (!force) CUR_PANIC("Once instance has previously been poisoned");
            /* fall through */
        case ONCE_INCOMPLETE: {
            if (!atomic_compare_exchange_strong_explicit(
                    &o->state, &s, ONCE_RUNNING, memory_order_acquire,
                    memory_order_acquire))
                continue;
            cur_unwind_guard_t ug;
            cur_unwind_push(&ug, once_on_unwind, o);
            bool done = body(ctx, s == ONCE_POISONED);
            cur_unwind_pop(&ug);
            once_finish(o, done ? ONCE_COMPLETE : s);
            return done;
        }
        case ONCE_RUNNING:
            if (!atomic_compare_exchange_strong_explicit(
                    &o->state, &s, ONCE_QUEUED, memory_order_acquire,
                    memory_order_acquire))
                continue;
            /* fall through */
        case ONCE_QUEUED:
            cur__futex_wait(&o->state, ONCE_QUEUED, NULL);
            s = atomic_load_explicit(&o->state, memory_order_acquire);
            break;
        default:
            CUR_PANIC("cur_once_t corrupted (state %u)", (unsigned)s);
        }
    }
}

struct once_plain {
    void (*fn)(void *arg);
    void *arg;
};

static bool once_plain_body(void *ctx, bool poisoned)
{
    (void)poisoned;
    struct once_plain *p = ctx;
    p->fn(p->arg);
    return true;
}

struct once_force {
    void (*fn)(void *arg, bool poisoned);
    void *arg;
};

static bool once_force_body(void *ctx, bool poisoned)
{
    struct once_force *p = ctx;
    p->fn(p->arg, poisoned);
    return true;
}

int cur_once_init(cur_once_t *o)
{
    CUR_ASSERT(o != NULL);
    atomic_init(&o->state, ONCE_INCOMPLETE);
    return 0;
}

void cur_once_destroy(cur_once_t *o)
{
    if (!o) return;
    uint32_t s = atomic_load_explicit(&o->state, memory_order_relaxed);
    CUR_ASSERT(s != ONCE_RUNNING && s != ONCE_QUEUED);
}

void cur_once_call(cur_once_t *o, void (*fn)(void *arg), void *arg)
{
    CUR_ASSERT(o != NULL && fn != NULL);
    if (CUR_LIKELY(atomic_load_explicit(&o->state, memory_order_acquire) ==
                   ONCE_COMPLETE))
        return;
    struct once_plain p = {fn, arg};
    once_run(o, false, once_plain_body, &p);
}

void cur_once_call_force(cur_once_t *o, void (*fn)(void *arg, bool poisoned),
                         void *arg)
{
    CUR_ASSERT(o != NULL && fn != NULL);
    if (CUR_LIKELY(atomic_load_explicit(&o->state, memory_order_acquire) ==
                   ONCE_COMPLETE))
        return;
    struct once_force p = {fn, arg};
    once_run(o, true, once_force_body, &p);
}

bool cur_once_is_completed(const cur_once_t *o)
{
    CUR_ASSERT(o != NULL);
    return atomic_load_explicit(&o->state, memory_order_acquire) ==
           ONCE_COMPLETE;
}

bool cur_once_is_poisoned(const cur_once_t *o)
{
    CUR_ASSERT(o != NULL);
    return atomic_load_explicit(&o->state, memory_order_relaxed) ==
           ONCE_POISONED;
}

/* --- OnceLock --------------------------------------------------------------- */

int cur_oncelock_init(cur_oncelock_t *c)
{
    CUR_ASSERT(c != NULL);
    cur_once_init(&c->once);
    c->value = NULL;
    return 0;
}

void cur_oncelock_destroy(cur_oncelock_t *c)
{
    if (!c) return;
    cur_once_destroy(&c->once);
}

void *cur_oncelock_get(const cur_oncelock_t *c)
{
    CUR_ASSERT(c != NULL);
    /* value is written before the release of COMPLETE, read after. */
    return cur_once_is_completed(&c->once) ? c->value : NULL;
}

struct oncelock_set {
    cur_oncelock_t *c;
    void *value;
};

static bool oncelock_set_body(void *ctx, bool poisoned)
{
    (void)poisoned;
    struct oncelock_set *p = ctx;
    p->c->value = p->value;
    return true;
}

int cur_oncelock_set(cur_oncelock_t *c, void *value)
{
    CUR_ASSERT(c != NULL);
    if (!value) return CUR_EINVAL;
    if (cur_once_is_completed(&c->once)) return CUR_EBUSY;
    struct oncelock_set p = {c, value};
    return once_run(&c->once, true, oncelock_set_body, &p) ? 0 : CUR_EBUSY;
}

struct oncelock_init {
    cur_oncelock_t *c;
    void *(*init)(void *arg);
    int (*try_init)(void *arg, void **value);
    void *arg;
    int rc;
};

static bool oncelock_init_body(void *ctx, bool poisoned)
{
    (void)poisoned; /* a panicked initializer left nothing behind */
    struct oncelock_init *p = ctx;
    void *v = NULL;
    if (p->init) {
        v = p->init(p->arg);
        CUR_ASSERT(v != NULL && "a OnceLock initializer returned NULL");
    } else {
        p->rc = p->try_init(p->arg, &v);
        if (p->rc < 0) return false;
        CUR_ASSERT(v != NULL && "a OnceLock initializer stored NULL");
        p->rc = 0;
    }
    p->c->value = v;
    return true;
}

void *cur_oncelock_get_or_init(cur_oncelock_t *c, void *(*init)(void *arg),
                               void *arg)
{
    CUR_ASSERT(c != NULL && init != NULL);
    if (CUR_LIKELY(cur_once_is_completed(&c->once))) return c->value;
    struct oncelock_init p = {c, init, NULL, arg, 0};
    once_run(&c->once, true, oncelock_init_body, &p);
    return c->value; /* complete now: ours or another thread's */
}

int cur_oncelock_get_or_try_init(cur_oncelock_t *c,
                                 int (*init)(void *arg, void **value),
                                 void *arg, void **out)
{
    CUR_ASSERT(c != NULL && init != NULL && out != NULL);
    if (!cur_once_is_completed(&c->once)) {
        struct oncelock_init p = {c, NULL, init, arg, 0};
        once_run(&c->once, true, oncelock_init_body, &p);
        if (p.rc < 0) return p.rc;
    }
    *out = c->value;
    return 0;
}

void *cur_oncelock_take(cur_oncelock_t *c)
{
    CUR_ASSERT(c != NULL);
    uint32_t s = atomic_load_explicit(&c->once.state, memory_order_acquire);
    CUR_ASSERT(s != ONCE_RUNNING && s != ONCE_QUEUED);
    void *v = s == ONCE_COMPLETE ? c->value : NULL;
    c->value = NULL;
    atomic_store_explicit(&c->once.state, ONCE_INCOMPLETE,
                          memory_order_relaxed);
    return v;
}

/* --- Backoff ---------------------------------------------------------------- */

void cur_backoff_reset(cur_backoff_t *b)
{
    CUR_ASSERT(b != NULL);
    b->step = 0;
}

static void backoff_pauses(uint32_t k)
{
    for (uint32_t i = 0; i < (1u << k); i++) cur_backoff_pause();
}

void cur_backoff_spin(cur_backoff_t *b)
{
    CUR_ASSERT(b != NULL);
    backoff_pauses(b->step < CUR_BACKOFF_SPIN_LIMIT ? b->step
                                                    : CUR_BACKOFF_SPIN_LIMIT);
    if (b->step <= CUR_BACKOFF_SPIN_LIMIT) b->step++;
}

void cur_backoff_snooze(cur_backoff_t *b)
{
    CUR_ASSERT(b != NULL);
    if (b->step <= CUR_BACKOFF_SPIN_LIMIT)
        backoff_pauses(b->step);
    else
        sched_yield();
    if (b->step <= CUR_BACKOFF_YIELD_LIMIT) b->step++;
}

bool cur_backoff_should_park(const cur_backoff_t *b)
{
    CUR_ASSERT(b != NULL);
    return b->step > CUR_BACKOFF_YIELD_LIMIT;
}
