/*
 * tests/stress/waker_parker.c: cur_parker_t ping-pong under TSan.
 *
 * Two threads, each with its own parker, take turns: a thread writes the
 * turn number into a plain (non-atomic) shared variable, unparks the
 * other, and parks until the other answers. TSan checks that the unpark ->
 * park edge orders the plain accesses (release/acquire), and the values
 * check that no wakeup is lost (a lost one hangs the run, which the
 * run-stress timeout catches) and none is invented (a park that returns
 * without its token would read a stale turn: the loop re-parks only on a
 * spurious return, which the parker must never produce). Half the parks
 * use cur_parker_park_until with a deadline in the near future, which may
 * time out; the waiting thread then parks again, so timeouts racing with
 * unparks are exercised. A third thread unparks at random (extra tokens
 * must collapse into one and never break the protocol, which re-checks
 * the turn after every wakeup through an atomic, as real users do).
 *
 * Usage: waker_parker [threads] [iterations]   (default 2 x 100000;
 * threads is ignored beyond the two players and the noise thread)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/waker.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static cur_parker_t parkers[2];
static atomic_long turn;  /* whose move: even = player 0, odd = player 1 */
static long payload;      /* plain data handed over with each turn */
static long iterations;
static atomic_int failures;
static atomic_bool done;
static atomic_long timeouts;

static void *player(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (long i = 0; i < iterations; i++) {
        long want = 2 * i + me;
        /* wait for my turn */
        while (atomic_load_explicit(&turn, memory_order_acquire) != want) {
            if (i % 2) {
                if (cur_parker_park_until(&parkers[me], cur_deadline_after(50000)) ==
                    CUR_ETIMEDOUT)
                    atomic_fetch_add_explicit(&timeouts, 1, memory_order_relaxed);
            } else {
                cur_parker_park(&parkers[me]);
            }
        }
        if (payload != want - 1) {
            if (atomic_fetch_add(&failures, 1) < 5)
                fprintf(stderr, "waker_parker: player %d saw payload %ld, want %ld\n", me,
                        payload, want - 1);
        }
        payload = want;
        atomic_store_explicit(&turn, want + 1, memory_order_release);
        cur_parker_unpark(&parkers[1 - me]);
    }
    return NULL;
}

static void *noise(void *arg)
{
    (void)arg;
    unsigned x = 12345;
    while (!atomic_load(&done)) {
        x = x * 1103515245u + 12345u;
        cur_parker_unpark(&parkers[(x >> 16) & 1]);
        for (unsigned k = 0; k < (x >> 20) % 2000; k++) __asm__ volatile("" ::: "memory");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    iterations = argc > 2 ? atol(argv[2]) : 100000;
    if (iterations < 1) return 1;
    cur_parker_init(&parkers[0]);
    cur_parker_init(&parkers[1]);
    atomic_store(&turn, 0);
    payload = -1;
    pthread_t a, b, n;
    pthread_create(&n, NULL, noise, NULL);
    pthread_create(&a, NULL, player, (void *)0);
    pthread_create(&b, NULL, player, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    atomic_store(&done, true);
    pthread_join(n, NULL);
    if (atomic_load(&turn) != 2 * iterations) {
        fprintf(stderr, "waker_parker: final turn %ld\n", atomic_load(&turn));
        return 1;
    }
    if (atomic_load(&failures)) return 1;
    printf("waker_parker: %ld round trips ok (%ld timed-out parks)\n", iterations,
           atomic_load(&timeouts));
    return 0;
}
