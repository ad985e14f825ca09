/*
 * curriculum/sync.h: Mutex, RwLock, Condvar, Once, OnceLock and a
 * spin-then-park backoff, after Rust's std::sync, with poisoning.
 *
 * Locks hand out guards. A guard lives in caller storage (usually the
 * stack) and is the permission to touch the protected data: the lock is
 * held exactly while a guard holds it. Taking a guard also registers an
 * unwind guard (panic.h), so a panic that skips the guard's frame releases
 * the lock on its way to the cur_catch_unwind boundary, and, for a Mutex or
 * an RwLock write guard, marks the lock POISONED first: the data may be
 * half-updated. Later lockers still get the lock, with CUR_EPOISONED as the
 * return code (Rust's PoisonError, whose into_inner() gives the guard
 * anyway); the poison stays until cur_*_clear_poison.
 *
 * Rules that C cannot enforce and this module relies on:
 *   - A guard belongs to the thread that took it (Rust's guards are !Send)
 *     and must not be copied or moved while it holds a lock: its unwind
 *     record is linked into that thread's list by address.
 *   - Guards may be released in any order (hand-over-hand locking works);
 *     releasing the newest is O(1), another walks this thread's short list
 *     of unwind records (cur_unwind_pop).
 *   - The locks are not reentrant: locking a Mutex, or write-locking an
 *     RwLock, that the same thread already holds deadlocks, as in Rust.
 *
 * Everything here is caller storage: structs may be embedded, are set up by
 * cur_*_init or the matching static initializer (CUR_MUTEX_INIT, ...), which
 * are equivalent, and need no memory. All-zero bytes are a valid,
 * unlocked, unpoisoned object of every type here. Nothing in this module
 * allocates.
 *
 * Linux only: the blocking paths are futex(2) calls on the objects' own
 * 32-bit words, so the objects are process-private (FUTEX_PRIVATE_FLAG) and
 * must not be placed in memory shared between processes.
 *
 * docs/sync.md has the design, the memory orderings and the measurements.
 */
#ifndef CURRICULUM_SYNC_H
#define CURRICULUM_SYNC_H

#include <stdint.h>
#include <time.h>

#include "core.h"
#include "error.h"
#include "panic.h"

/* --- Mutex ---------------------------------------------------------------- */

/*
 * cur_mutex_t: a mutual-exclusion lock with poisoning, Rust's Mutex<()>.
 * C cannot put the data inside the lock as Mutex<T> does; keep the data
 * next to the mutex in one struct and touch it only while holding a guard.
 *
 * Uncontended lock and unlock are one atomic instruction each; a contended
 * lock spins briefly, then sleeps in the kernel (futex). Not fair: a thread
 * that unlocks and relocks at once may win over a thread it just woke.
 *
 * Lifetime: from cur_mutex_init (or CUR_MUTEX_INIT) to cur_mutex_destroy.
 * It must not be moved or copied while any thread uses it.
 */
typedef struct cur_mutex {
    /* private */
    _Atomic uint32_t state;    /* 0 free, 1 locked, 2 locked, maybe waiters */
    _Atomic uint32_t poisoned; /* 1 once a panic skipped a held guard */
} cur_mutex_t;

/* A static initializer: `static cur_mutex_t m = CUR_MUTEX_INIT;`. */
#define CUR_MUTEX_INIT {0, 0}

/*
 * cur_mutex_guard_t: the proof that this thread holds a mutex (Rust's
 * MutexGuard). Filled in by cur_mutex_lock / cur_mutex_try_lock; `mutex` is
 * the mutex held, or NULL once released. Caller storage; owned by the
 * thread that locked; must stay at one address while it holds the lock.
 */
typedef struct cur_mutex_guard {
    cur_mutex_t *mutex; /* the mutex held; NULL when released (read-only) */
    /* private */
    cur_unwind_guard_t unwind; /* poisons and releases during a panic */
} cur_mutex_guard_t;

/*
 * cur_mutex_init: makes m an unlocked, unpoisoned mutex; the same as
 * assigning CUR_MUTEX_INIT. Returns 0 (it cannot fail; the int is the
 * library's init convention). m must not be in use.
 */
CUR_API int cur_mutex_init(cur_mutex_t *m);

/*
 * cur_mutex_destroy: ends m's life. Nothing is freed (there is nothing to
 * free); m may be initialized again. NULL is a no-op. Destroying a locked
 * mutex is a contract violation and panics: some guard still points at it.
 * A poisoned mutex may be destroyed. No other thread may use m meanwhile.
 */
CUR_API void cur_mutex_destroy(cur_mutex_t *m);

/*
 * cur_mutex_lock: blocks until this thread holds m, and fills *g. Returns
 *   0              the lock is held;
 *   CUR_EPOISONED  the lock is held AND it is poisoned: a thread panicked
 *                  while holding it, so the data may break its invariants.
 *                  This is not a failure to lock: g holds the lock exactly
 *                  as with 0 (Rust's PoisonError::into_inner), and must be
 *                  released. Repair or check the data, then clear the flag
 *                  with cur_mutex_clear_poison if it is sound again.
 * Release with cur_mutex_unlock(g). If a panic skips this frame while g
 * holds the lock, m is poisoned and unlocked on the way to the boundary.
 * m and g must not be NULL, and g must not already hold a lock. Locking a
 * mutex this thread already holds deadlocks. Thread-safe.
 */
CUR_API int cur_mutex_lock(cur_mutex_t *m, cur_mutex_guard_t *g);

/*
 * cur_mutex_try_lock: cur_mutex_lock without blocking. Returns 0 or
 * CUR_EPOISONED with the lock held (as cur_mutex_lock), or CUR_EBUSY when
 * another guard holds m, in which case *g is not written. Three outcomes,
 * so an int rather than the bool of other try_ calls. Thread-safe.
 */
CUR_API int cur_mutex_try_lock(cur_mutex_t *m, cur_mutex_guard_t *g);

/*
 * cur_mutex_unlock: releases the lock g holds (Rust's drop(guard)) and sets
 * g->mutex to NULL; wakes one waiter if there is one. Must be called on the
 * thread that locked, newest guard first (see the top of this file). g
 * must hold a lock: unlocking twice is a contract violation and panics.
 */
CUR_API void cur_mutex_unlock(cur_mutex_guard_t *g);

/*
 * cur_mutex_guard_drop: unlocks if g holds a lock, else does nothing. The
 * cleanup function of CUR_MUTEX_LOCK; call it directly only from cleanup
 * code that may run after an explicit unlock.
 */
CUR_API void cur_mutex_guard_drop(cur_mutex_guard_t *g);

/*
 * cur_mutex_is_poisoned: true if m is poisoned. A snapshot: without the
 * lock it may change at once. While this thread holds m only a concurrent
 * cur_mutex_clear_poison can change it. Thread-safe.
 */
CUR_API bool cur_mutex_is_poisoned(const cur_mutex_t *m);

/*
 * cur_mutex_clear_poison: clears m's poison flag (Rust 1.77's
 * Mutex::clear_poison). Call it after repairing the data, usually while
 * holding the lock; it does not need the lock. Thread-safe.
 */
CUR_API void cur_mutex_clear_poison(cur_mutex_t *m);

/*
 * CUR_MUTEX_LOCK(g, m): declares a guard named g, locks m into it, and
 * unlocks at the end of the enclosing block (the `cleanup` attribute), or
 * earlier with cur_mutex_unlock(&g). The lock's poison status is not
 * returned: check cur_mutex_is_poisoned(m) after the line if it matters.
 * A declaration: one per line, not as the body of an unbraced if/for.
 *     {
 *         CUR_MUTEX_LOCK(g, &acct->lock);
 *         acct->balance += amount;
 *     }   // unlocked here
 */
#define CUR_MUTEX_LOCK(g, m)                                                 \
    __attribute__((cleanup(cur_mutex_guard_drop))) cur_mutex_guard_t g;      \
    (void)cur_mutex_lock((m), &(g))

/* --- RwLock --------------------------------------------------------------- */

/*
 * cur_rwlock_t: a reader-writer lock with poisoning, Rust's RwLock<()>.
 * Any number of read guards, or one write guard, at a time.
 *
 * Writer-preferring: once a writer waits, new readers wait too, so a stream
 * of readers cannot starve writers. The price is Rust's: a thread that
 * read-locks twice can deadlock if a writer arrives between the two.
 * When a writer unlocks and both kinds wait, one writer goes first; when
 * only readers wait, all are woken together.
 *
 * Poisoning follows Rust: a panic that skips a held WRITE guard poisons the
 * lock; a panic that skips a read guard releases it without poisoning
 * (a reader cannot have broken the data).
 *
 * Lifetime: from cur_rwlock_init (or CUR_RWLOCK_INIT) to cur_rwlock_destroy;
 * not moved or copied while in use.
 */
typedef struct cur_rwlock {
    /* private */
    _Atomic uint32_t state;         /* reader count or write-locked, + bits */
    _Atomic uint32_t writer_notify; /* futex word waiting writers sleep on */
    _Atomic uint32_t poisoned;      /* 1 once a panic skipped a write guard */
} cur_rwlock_t;

#define CUR_RWLOCK_INIT {0, 0, 0}

/* Guards of an RwLock: as cur_mutex_guard_t, `lock` NULL once released. */
typedef struct cur_rwlock_read_guard {
    cur_rwlock_t *lock; /* the lock read-held; NULL when released */
    /* private */
    cur_unwind_guard_t unwind; /* releases during a panic */
} cur_rwlock_read_guard_t;

typedef struct cur_rwlock_write_guard {
    cur_rwlock_t *lock; /* the lock write-held; NULL when released */
    /* private */
    cur_unwind_guard_t unwind; /* poisons and releases during a panic */
} cur_rwlock_write_guard_t;

/* cur_rwlock_init: as cur_mutex_init. Returns 0. */
CUR_API int cur_rwlock_init(cur_rwlock_t *rw);

/*
 * cur_rwlock_destroy: as cur_mutex_destroy. NULL is a no-op; destroying a
 * lock that is read- or write-held, or that has waiters, panics.
 */
CUR_API void cur_rwlock_destroy(cur_rwlock_t *rw);

/*
 * cur_rwlock_read: blocks until this thread shares rw with other readers,
 * and fills *g. Returns 0 or CUR_EPOISONED, with the read lock held in both
 * cases (see cur_mutex_lock). Blocks while a writer holds rw or waits for
 * it. Panics if 2^30 - 2 read guards are already held. Thread-safe.
 */
CUR_API int cur_rwlock_read(cur_rwlock_t *rw, cur_rwlock_read_guard_t *g);

/*
 * cur_rwlock_try_read: cur_rwlock_read without blocking: CUR_EBUSY (and *g
 * not written) while a writer holds or waits for rw. Thread-safe.
 */
CUR_API int cur_rwlock_try_read(cur_rwlock_t *rw, cur_rwlock_read_guard_t *g);

/* cur_rwlock_read_unlock: releases a read guard, as cur_mutex_unlock. */
CUR_API void cur_rwlock_read_unlock(cur_rwlock_read_guard_t *g);

/*
 * cur_rwlock_write: blocks until this thread holds rw alone, and fills *g.
 * Returns 0 or CUR_EPOISONED, with the write lock held in both cases.
 * Thread-safe.
 */
CUR_API int cur_rwlock_write(cur_rwlock_t *rw, cur_rwlock_write_guard_t *g);

/*
 * cur_rwlock_try_write: cur_rwlock_write without blocking: CUR_EBUSY (and
 * *g not written) while any guard holds rw. Thread-safe.
 */
CUR_API int cur_rwlock_try_write(cur_rwlock_t *rw,
                                 cur_rwlock_write_guard_t *g);

/* cur_rwlock_write_unlock: releases a write guard, as cur_mutex_unlock. */
CUR_API void cur_rwlock_write_unlock(cur_rwlock_write_guard_t *g);

/* Cleanup functions of the macros below; as cur_mutex_guard_drop. */
CUR_API void cur_rwlock_read_guard_drop(cur_rwlock_read_guard_t *g);
CUR_API void cur_rwlock_write_guard_drop(cur_rwlock_write_guard_t *g);

/* As cur_mutex_is_poisoned and cur_mutex_clear_poison. Thread-safe. */
CUR_API bool cur_rwlock_is_poisoned(const cur_rwlock_t *rw);
CUR_API void cur_rwlock_clear_poison(cur_rwlock_t *rw);

/*
 * CUR_RWLOCK_READ(g, rw) / CUR_RWLOCK_WRITE(g, rw): declare guard g, lock
 * rw for reading / writing, release at the end of the block; as
 * CUR_MUTEX_LOCK.
 */
#define CUR_RWLOCK_READ(g, rw)                                               \
    __attribute__((cleanup(cur_rwlock_read_guard_drop)))                     \
    cur_rwlock_read_guard_t g;                                               \
    (void)cur_rwlock_read((rw), &(g))

#define CUR_RWLOCK_WRITE(g, rw)                                              \
    __attribute__((cleanup(cur_rwlock_write_guard_drop)))                    \
    cur_rwlock_write_guard_t g;                                              \
    (void)cur_rwlock_write((rw), &(g))

/* --- Condvar -------------------------------------------------------------- */

/*
 * cur_condvar_t: a condition variable used with a cur_mutex_t, Rust's
 * Condvar. A futex on a sequence number that every notify bumps.
 *
 * Waits may wake spuriously (a signal, a notify meant for another waiter,
 * a notify_all): always wait in a loop that re-checks the condition under
 * the mutex. Notifies are not remembered: a notify with no thread waiting
 * does nothing. Use one condvar with one mutex at a time (not checked).
 *
 * Lifetime: from cur_condvar_init (or CUR_CONDVAR_INIT) to
 * cur_condvar_destroy; not moved or copied while in use.
 */
typedef struct cur_condvar {
    /* private */
    _Atomic uint32_t seq;     /* bumped by every notify; the futex word */
    _Atomic uint32_t waiters; /* threads inside a wait call */
} cur_condvar_t;

#define CUR_CONDVAR_INIT {0, 0}

/* cur_condvar_init: as cur_mutex_init. Returns 0. */
CUR_API int cur_condvar_init(cur_condvar_t *cv);

/*
 * cur_condvar_destroy: ends cv's life; NULL is a no-op. Destroying a
 * condvar that a thread is waiting on panics.
 */
CUR_API void cur_condvar_destroy(cur_condvar_t *cv);

/*
 * cur_condvar_wait: atomically releases the mutex g holds and sleeps until
 * notified (or spuriously woken), then relocks it into the same guard
 * before returning. Returns 0, or CUR_EPOISONED if the mutex is poisoned
 * when relocked (another thread panicked holding it meanwhile); the lock is
 * held again in both cases. g must hold a lock (else it panics). The guard
 * stays registered for unwinding throughout. Thread-safe.
 */
CUR_API int cur_condvar_wait(cur_condvar_t *cv, cur_mutex_guard_t *g);

/*
 * cur_condvar_wait_timeout: cur_condvar_wait for at most timeout_ns
 * nanoseconds (measured on CLOCK_MONOTONIC, so wall-clock changes do not
 * matter). Returns
 *   0              woken by a notify, or spuriously, before the timeout;
 *   CUR_ETIMEDOUT  the timeout passed (never sooner; how much later depends
 *                  on the scheduler);
 *   CUR_EPOISONED  woken before the timeout, and the mutex is poisoned;
 *   CUR_EINVAL     timeout_ns < 0; nothing was done, the lock never left.
 * In every case but CUR_EINVAL the lock was released and is held again.
 * CUR_ETIMEDOUT takes precedence over CUR_EPOISONED: poison is state that
 * cur_mutex_is_poisoned can still report, a timeout is not. A timeout too
 * large to represent waits forever. Thread-safe.
 */
CUR_API int cur_condvar_wait_timeout(cur_condvar_t *cv, cur_mutex_guard_t *g,
                                     int64_t timeout_ns);

/*
 * cur_condvar_wait_until: as cur_condvar_wait_timeout, with an absolute
 * deadline on CLOCK_MONOTONIC (clock_gettime(CLOCK_MONOTONIC, ...) plus the
 * wait), the form to use in a loop so spurious wakeups do not extend the
 * total wait. A deadline in the past still releases and relocks the mutex,
 * then returns CUR_ETIMEDOUT. CUR_EINVAL if deadline is NULL or its
 * tv_nsec is outside [0, 999999999].
 */
CUR_API int cur_condvar_wait_until(cur_condvar_t *cv, cur_mutex_guard_t *g,
                                   const struct timespec *deadline);

/*
 * cur_condvar_notify_one / cur_condvar_notify_all: wake one / every thread
 * waiting on cv. With no waiter they cost one atomic increment and no
 * system call. The mutex need not be held, though changing the condition
 * under it and notifying after is the usual, race-free form. Thread-safe.
 */
CUR_API void cur_condvar_notify_one(cur_condvar_t *cv);
CUR_API void cur_condvar_notify_all(cur_condvar_t *cv);

/* --- Once ----------------------------------------------------------------- */

/*
 * cur_once_t: runs an initializer exactly once across all threads, Rust's
 * std::sync::Once. Callers that arrive while it runs wait for it; every
 * caller that returns from cur_once_call sees everything the initializer
 * wrote (release/acquire).
 *
 * A panicking initializer (one stopped by a cur_catch_unwind boundary)
 * POISONS the Once, as in Rust: the threads waiting on it wake, and every
 * later cur_once_call panics with "Once instance has previously been
 * poisoned" (and aborts where no boundary is active). cur_once_call_force
 * ignores the poison and runs its initializer again, telling it the Once
 * was poisoned; if that one returns, the Once is complete.
 *
 * Calling cur_once_call on the same Once from inside its initializer
 * deadlocks, as in Rust.
 */
typedef struct cur_once {
    /* private */
    _Atomic uint32_t state; /* incomplete, poisoned, running, queued, done */
} cur_once_t;

#define CUR_ONCE_INIT {0}

/* cur_once_init: as cur_mutex_init. Returns 0. */
CUR_API int cur_once_init(cur_once_t *o);

/*
 * cur_once_destroy: ends o's life; NULL is a no-op. Destroying a Once
 * whose initializer is running panics.
 */
CUR_API void cur_once_destroy(cur_once_t *o);

/*
 * cur_once_call: runs fn(arg) if no call on o has completed yet, else does
 * nothing; returns when o is complete. If another thread is running its
 * initializer, waits for it. Panics if o is poisoned. fn must not be NULL.
 * Thread-safe; the fast path (already complete) is one acquire load.
 */
CUR_API void cur_once_call(cur_once_t *o, void (*fn)(void *arg), void *arg);

/*
 * cur_once_call_force: as cur_once_call, but also runs on a poisoned Once;
 * fn's second argument is true when it does (Rust's
 * OnceState::is_poisoned), so it can repair what the panicked initializer
 * left. If fn panics too, o stays poisoned.
 */
CUR_API void cur_once_call_force(cur_once_t *o,
                                 void (*fn)(void *arg, bool poisoned),
                                 void *arg);

/* True once an initializer of o has returned. Thread-safe (acquire). */
CUR_API bool cur_once_is_completed(const cur_once_t *o);

/* True while o is poisoned (no initializer completed; the last panicked). */
CUR_API bool cur_once_is_poisoned(const cur_once_t *o);

/* --- OnceLock ------------------------------------------------------------- */

/*
 * cur_oncelock_t: a cell written at most once, shareable between threads,
 * Rust's OnceLock<T> for T = a non-NULL pointer: the usual form of a lazy
 * global (`static cur_oncelock_t CONFIG = CUR_ONCELOCK_INIT;`).
 *
 * The cell stores the pointer only; what it points to is the caller's, and
 * must outlive every reader. Unlike Once, a panicking initializer does not
 * poison the cell: it stays empty, and the next caller runs its own
 * initializer (Rust's OnceLock does the same).
 *
 * Lifetime: from cur_oncelock_init (or CUR_ONCELOCK_INIT) to
 * cur_oncelock_destroy, which does not touch the stored pointer; take it
 * first with cur_oncelock_take if it owns memory.
 */
typedef struct cur_oncelock {
    /* private */
    cur_once_t once; /* completes when value is set */
    void *value;     /* written once, before `once` completes */
} cur_oncelock_t;

#define CUR_ONCELOCK_INIT {CUR_ONCE_INIT, NULL}

/* cur_oncelock_init: as cur_mutex_init. Returns 0. */
CUR_API int cur_oncelock_init(cur_oncelock_t *c);

/*
 * cur_oncelock_destroy: ends c's life without touching the stored pointer;
 * NULL is a no-op. Destroying a cell whose initializer is running panics.
 */
CUR_API void cur_oncelock_destroy(cur_oncelock_t *c);

/*
 * cur_oncelock_get: the stored pointer, or NULL while the cell is empty
 * (stored pointers are never NULL). Never blocks. Thread-safe: a non-NULL
 * result, and what it points to as the setter left it, is visible to the
 * caller (acquire).
 */
CUR_API void *cur_oncelock_get(const cur_oncelock_t *c);

/*
 * cur_oncelock_set: stores value if the cell is empty. Returns 0 when this
 * call stored it, CUR_EBUSY when the cell already held a value (then value
 * was not stored, and stays the caller's), or CUR_EINVAL for a NULL value.
 * If another thread is initializing the cell, waits for it first.
 * Thread-safe.
 */
CUR_API int cur_oncelock_set(cur_oncelock_t *c, void *value);

/*
 * cur_oncelock_get_or_init: the stored pointer; if the cell is empty, first
 * stores init(arg), calling init on exactly one thread while the others
 * wait. init must not return NULL (it panics if it does; the cell stays
 * empty). If init panics, the cell stays empty. Thread-safe.
 */
CUR_API void *cur_oncelock_get_or_init(cur_oncelock_t *c,
                                       void *(*init)(void *arg), void *arg);

/*
 * cur_oncelock_get_or_try_init: as cur_oncelock_get_or_init for an
 * initializer that can fail: init returns 0 and writes a non-NULL *value,
 * or returns a negative code and leaves the cell empty. Returns 0 with the
 * stored pointer in *out, or init's code (out not written). A stored
 * value is reported as 0 whether this call or an earlier one stored it.
 */
CUR_API int cur_oncelock_get_or_try_init(cur_oncelock_t *c,
                                         int (*init)(void *arg, void **value),
                                         void *arg, void **out);

/*
 * cur_oncelock_take: empties the cell and returns what it held (NULL if
 * empty), Rust's take(&mut self). NOT thread-safe: the caller must have the
 * cell to itself (no concurrent call of any cur_oncelock_* on c).
 */
CUR_API void *cur_oncelock_take(cur_oncelock_t *c);

/* --- Backoff -------------------------------------------------------------- */

/*
 * cur_backoff_t: the waiting strategy for a thread that waits on another:
 * spin (with the CPU's pause hint) for exponentially longer rounds, then
 * give the CPU away with sched_yield, then report that the caller should
 * park (sleep in the kernel: a futex, a condvar). After crossbeam's
 * Backoff. The blocking primitives of the library (the channel module)
 * build on it:
 *
 *     cur_backoff_t b = CUR_BACKOFF_INIT;
 *     while (!ready(x)) {
 *         if (cur_backoff_should_park(&b)) { park(x); cur_backoff_reset(&b); }
 *         else cur_backoff_snooze(&b);
 *     }
 *
 * Round k of cur_backoff_snooze spins 2^k pauses for k = 0..SPIN_LIMIT,
 * then yields; after YIELD_LIMIT + 1 rounds should_park becomes true.
 * cur_backoff_spin never yields and never makes should_park true: it is for
 * retrying a failed compare-and-swap, where the other thread is running.
 * A plain value owned by one thread; all-zero is the initial state.
 */
typedef struct cur_backoff {
    uint32_t step; /* rounds so far, capped (read-only for callers) */
} cur_backoff_t;

#define CUR_BACKOFF_INIT {0}
#define CUR_BACKOFF_SPIN_LIMIT 6   /* last round that spins: 2^6 pauses */
#define CUR_BACKOFF_YIELD_LIMIT 10 /* last round before should_park */

/* cur_backoff_reset: back to the initial state (after a wakeup). */
CUR_API void cur_backoff_reset(cur_backoff_t *b);

/*
 * cur_backoff_spin: spins 2^min(step, SPIN_LIMIT) pauses, then steps up to
 * at most SPIN_LIMIT + 1. For compare-and-swap retry loops.
 */
CUR_API void cur_backoff_spin(cur_backoff_t *b);

/* cur_backoff_snooze: one round of waiting (spin, later sched_yield). */
CUR_API void cur_backoff_snooze(cur_backoff_t *b);

/* cur_backoff_should_park: true once spinning and yielding are exhausted. */
CUR_API bool cur_backoff_should_park(const cur_backoff_t *b);

/*
 * cur_backoff_pause: the CPU's spin-wait hint (x86 `pause`, Arm `yield`),
 * Rust's std::hint::spin_loop: tells the core this is a busy-wait loop so
 * it saves power and yields to its hyper-thread sibling.
 */
static inline void cur_backoff_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

#endif /* CURRICULUM_SYNC_H */
