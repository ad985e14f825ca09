/*
 * src/futex_int.h: the two futex(2) calls every blocking primitive of the
 * library is built on (sync.c, waker.c, and the channel and executor
 * modules). Private to the library.
 *
 * All words are process-private (FUTEX_PRIVATE_FLAG). The atomics around
 * a wait or wake are the caller's job: futex(2) only blocks and wakes, and
 * TSan models the C11 atomics, not the syscall.
 */
#ifndef CURRICULUM_FUTEX_INT_H
#define CURRICULUM_FUTEX_INT_H

#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <curriculum/error.h>

/*
 * Sleeps while *word == expected, until woken, a signal, or the absolute
 * CLOCK_MONOTONIC deadline (NULL: none). Returns 0 when woken or the word
 * had changed (or on a signal: a spurious wakeup), CUR_ETIMEDOUT when the
 * deadline passed.
 */
static inline int cur__futex_wait(_Atomic uint32_t *word, uint32_t expected,
                                  const struct timespec *deadline)
{
    /* FUTEX_WAIT_BITSET takes an absolute timeout, on CLOCK_MONOTONIC
     * unless FUTEX_CLOCK_REALTIME is given. */
    long r = syscall(SYS_futex, (uint32_t *)word,
                     FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected,
                     deadline, NULL, FUTEX_BITSET_MATCH_ANY);
    if (r < 0 && errno == ETIMEDOUT) return CUR_ETIMEDOUT;
    return 0; /* woken, EAGAIN (value changed) or EINTR */
}

/* Wakes up to n sleepers; returns how many were woken. */
static inline int cur__futex_wake(_Atomic uint32_t *word, int n)
{
    long r = syscall(SYS_futex, (uint32_t *)word,
                     FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL, NULL, 0);
    return r > 0 ? (int)r : 0;
}

/* An absolute CLOCK_MONOTONIC nanosecond count as a timespec. */
static inline struct timespec cur__ns_to_timespec(int64_t ns)
{
    if (ns < 0) ns = 0;
    return (struct timespec){.tv_sec = (time_t)(ns / 1000000000),
                             .tv_nsec = (long)(ns % 1000000000)};
}

#endif /* CURRICULUM_FUTEX_INT_H */
