/*
 * tests/stress/sync_once.c: cur_once_t and cur_oncelock_t init races under
 * TSan.
 *
 * `iterations` rounds; in each, every thread is released by a barrier at
 * the same moment onto a fresh object and races on it:
 *   round % 4 == 0  cur_once_call: the initializer runs exactly once, and
 *                   every caller sees its write (a plain int) on return;
 *   round % 4 == 1  cur_oncelock_get_or_init: one init, one value for all;
 *   round % 4 == 2  cur_oncelock_set: exactly one 0, the rest CUR_EBUSY,
 *                   and every get returns the winner's pointer;
 *   round % 4 == 3  a Once whose initializer panics: exactly one thread
 *                   runs it, every caller gets a caught panic (the run's
 *                   own, or "previously been poisoned") unless it comes
 *                   after the repair below has completed, then all call
 *                   cur_once_call_force: exactly one repair runs, told the
 *                   Once was poisoned, and all see the Once complete.
 * TSan checks that the initializers' plain writes happen before every
 * read that follows a completed call.
 *
 * Usage: sync_once [threads] [iterations]   (default 4 x 5000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64

static atomic_int failures;

static void fail(const char *what, long round, int id)
{
    fprintf(stderr, "sync_once: round %ld thread %d: %s\n", round, id, what);
    atomic_fetch_add(&failures, 1);
}

static void silent_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
}

static struct round {
    cur_once_t once;
    cur_oncelock_t cell;
    atomic_int runs;        /* initializer runs */
    atomic_int force_runs;  /* call_force runs */
    int value;              /* plain: written by the initializer only */
    int slots[MAX_THREADS]; /* the values offered to set */
    int set_rc[MAX_THREADS];
    void *seen[MAX_THREADS];
} R;

static pthread_barrier_t start, finish;
static int nthreads;
static long nrounds;

static void init_value(void *arg)
{
    (void)arg;
    atomic_fetch_add(&R.runs, 1);
    R.value = 42;
}

static void *make_value(void *arg)
{
    (void)arg;
    atomic_fetch_add(&R.runs, 1);
    R.value = 7;
    return &R.value;
}

static void init_panics(void *arg)
{
    (void)arg;
    atomic_fetch_add(&R.runs, 1);
    R.value = -1; /* half-done work the repair will see */
    CUR_PANIC("initializer fails");
}

static void call_panicking_once(void *arg)
{
    (void)arg;
    cur_once_call(&R.once, init_panics, NULL);
}

static void repair(void *arg, bool poisoned)
{
    (void)arg;
    atomic_fetch_add(&R.force_runs, 1);
    if (poisoned && R.value == -1) R.value = 99;
}

static void *racer(void *arg)
{
    int id = (int)(intptr_t)arg;
    cur_panic_set_hook(silent_hook, NULL, NULL, NULL);
    for (long r = 0; r < nrounds; r++) {
        pthread_barrier_wait(&start);
        switch (r % 4) {
        case 0:
            cur_once_call(&R.once, init_value, NULL);
            if (R.value != 42) fail("Once returned before its init", r, id);
            break;
        case 1: {
            int *v = cur_oncelock_get_or_init(&R.cell, make_value, NULL);
            if (v != &R.value || *v != 7) fail("wrong OnceLock value", r, id);
            break;
        }
        case 2:
            R.set_rc[id] = cur_oncelock_set(&R.cell, &R.slots[id]);
            R.seen[id] = cur_oncelock_get(&R.cell);
            break;
        default:
            /* A thread that arrives after another one's repair finds the
             * Once complete, and its call rightly returns. */
            if (cur_catch_unwind(call_panicking_once, NULL, NULL) !=
                    CUR_EPANIC &&
                !cur_once_is_completed(&R.once))
                fail("poisoned Once did not panic", r, id);
            cur_once_call_force(&R.once, repair, NULL);
            if (!cur_once_is_completed(&R.once) || R.value != 99)
                fail("repair not seen", r, id);
            break;
        }
        pthread_barrier_wait(&finish);
    }
    return NULL;
}

/* Between the barriers: checks the round just run and resets for the next. */
static void check_round(long r)
{
    int runs = atomic_load(&R.runs);
    switch (r % 4) {
    case 0:
    case 1:
        if (runs != 1) fail("initializer did not run exactly once", r, -1);
        break;
    case 2: {
        int winners = 0;
        void *won = NULL;
        for (int t = 0; t < nthreads; t++) {
            if (R.set_rc[t] == 0) {
                winners++;
                won = &R.slots[t];
            } else if (R.set_rc[t] != CUR_EBUSY) {
                fail("set returned an odd code", r, t);
            }
        }
        if (winners != 1) fail("set had no single winner", r, -1);
        for (int t = 0; t < nthreads; t++)
            if (R.seen[t] != won) fail("get disagrees with set", r, t);
        break;
    }
    default:
        if (runs != 1) fail("panicking init did not run exactly once", r, -1);
        if (atomic_load(&R.force_runs) != 1)
            fail("repair did not run exactly once", r, -1);
        break;
    }
    cur_once_destroy(&R.once);
    cur_oncelock_destroy(&R.cell);
    cur_once_init(&R.once);
    cur_oncelock_init(&R.cell);
    atomic_store(&R.runs, 0);
    atomic_store(&R.force_runs, 0);
    R.value = 0;
    memset(R.set_rc, 0, sizeof R.set_rc);
    memset(R.seen, 0, sizeof R.seen);
}

int main(int argc, char **argv)
{
    nthreads = argc > 1 ? atoi(argv[1]) : 4;
    nrounds = argc > 2 ? atol(argv[2]) : 5000;
    if (nthreads < 1 || nthreads > MAX_THREADS || nrounds < 1) {
        fprintf(stderr, "usage: sync_once [threads 1..%d] [iterations]\n",
                MAX_THREADS);
        return 1;
    }
    cur_panic_set_hook(silent_hook, NULL, NULL, NULL);
    cur_once_init(&R.once);
    cur_oncelock_init(&R.cell);
    /* The main thread joins both barriers, so it checks between rounds. */
    pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
    pthread_barrier_init(&finish, NULL, (unsigned)nthreads + 1);
    pthread_t th[MAX_THREADS];
    for (int t = 0; t < nthreads; t++)
        pthread_create(&th[t], NULL, racer, (void *)(intptr_t)t);
    for (long r = 0; r < nrounds; r++) {
        pthread_barrier_wait(&start);
        pthread_barrier_wait(&finish);
        check_round(r);
    }
    for (int t = 0; t < nthreads; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&start);
    pthread_barrier_destroy(&finish);
    if (atomic_load(&failures)) return 1;
    printf("sync_once: %d threads x %ld rounds: ok\n", nthreads, nrounds);
    return 0;
}
