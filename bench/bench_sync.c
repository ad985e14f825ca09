/*
 * bench/bench_sync.c: the `sync` suite (locks and reference counts).
 *
 * Groups (names are stable; tools read them):
 *   mutex-uncontended  lock + unlock on one thread; ns per pair.
 *                      cur (cur_mutex_t, guard and unwind record included),
 *                      pthread (a default pthread_mutex_t), spin (a
 *                      test-and-test-and-set spinlock with pause).
 *   mutex-contended    two threads each lock, increment one shared
 *                      counter, unlock, do a little private work, and
 *                      loop; ns per lock acquisition, counting both
 *                      threads' acquisitions. Same impls.
 *   rwlock-read        read lock + unlock on one thread; ns per pair.
 *                      cur (cur_rwlock_t), pthread (pthread_rwlock_t).
 *   rc-clone           clone + drop of a counted handle that stays alive
 *                      (the count goes 1 -> 2 -> 1); ns per pair.
 *                      cur-rc (cur_rc_t), cur-arc (cur_arc_t).
 *
 * The contended group: the harness calls fn on its own thread, so each
 * impl owns one helper thread, started once and parked on a semaphore
 * between samples. A sample posts the helper, waits until it has started
 * (so both threads are running before the first acquisition), runs iters
 * acquisitions while the helper runs iters of its own, and waits for the
 * helper to finish. The figure is elapsed / (2 * iters). The start and the
 * join (a semaphore round trip, tens of microseconds) are inside each 2 ms
 * sample for every impl alike. After the run each counter is checked
 * against the acquisitions made: a lock that lost an increment fails the
 * suite.
 */
#include "harness.h"

#include <curriculum/own.h>
#include <curriculum/rc.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* --- the spinlock peer ---------------------------------------------------- */

typedef struct spinlock {
    atomic_int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
    for (;;) {
        if (!atomic_exchange_explicit(&l->locked, 1, memory_order_acquire))
            return;
        while (atomic_load_explicit(&l->locked, memory_order_relaxed))
            cur_backoff_pause();
    }
}

static inline void spin_unlock(spinlock_t *l)
{
    atomic_store_explicit(&l->locked, 0, memory_order_release);
}

/* --- mutex-uncontended ---------------------------------------------------- */

static void cur_uncontended(void *state, int64_t iters)
{
    cur_mutex_t *m = state;
    for (int64_t i = 0; i < iters; i++) {
        cur_mutex_guard_t g;
        cur_mutex_lock(m, &g);
        bench_clobber();
        cur_mutex_unlock(&g);
    }
}

static void pthread_uncontended(void *state, int64_t iters)
{
    pthread_mutex_t *m = state;
    for (int64_t i = 0; i < iters; i++) {
        pthread_mutex_lock(m);
        bench_clobber();
        pthread_mutex_unlock(m);
    }
}

static void spin_uncontended(void *state, int64_t iters)
{
    spinlock_t *l = state;
    for (int64_t i = 0; i < iters; i++) {
        spin_lock(l);
        bench_clobber();
        spin_unlock(l);
    }
}

/* --- mutex-contended ------------------------------------------------------ */

typedef struct contended {
    void (*run)(struct contended *c, int64_t iters); /* the impl's loop */
    cur_mutex_t cur;
    pthread_mutex_t pth;
    spinlock_t spin;
    long counter;      /* guarded by the impl's lock */
    int64_t acquired;  /* acquisitions made (both threads), checked at end */
    pthread_t helper;
    sem_t go, done;
    int64_t helper_iters; /* handed over through `go` */
    atomic_bool started;
    bool quit;
} contended_t;

/*
 * The work each thread does between two acquisitions, outside the lock:
 * eight dependent xorshift steps (about 25 cycles, no memory traffic), as
 * real code does something between two critical sections. With none, one
 * thread tends to keep the lock for long stretches of its batch while the
 * other sleeps, and the figure swings between runs with the scheduler.
 */
static inline uint64_t private_work(uint64_t x)
{
    for (int k = 0; k < 8; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static void cur_contended_run(contended_t *c, int64_t iters)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int64_t i = 0; i < iters; i++) {
        cur_mutex_guard_t g;
        cur_mutex_lock(&c->cur, &g);
        c->counter++;
        cur_mutex_unlock(&g);
        x = private_work(x);
    }
    bench_black_box(x);
}

static void pthread_contended_run(contended_t *c, int64_t iters)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int64_t i = 0; i < iters; i++) {
        pthread_mutex_lock(&c->pth);
        c->counter++;
        pthread_mutex_unlock(&c->pth);
        x = private_work(x);
    }
    bench_black_box(x);
}

static void spin_contended_run(contended_t *c, int64_t iters)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int64_t i = 0; i < iters; i++) {
        spin_lock(&c->spin);
        c->counter++;
        spin_unlock(&c->spin);
        x = private_work(x);
    }
    bench_black_box(x);
}

static void *contended_helper(void *arg)
{
    contended_t *c = arg;
    for (;;) {
        while (sem_wait(&c->go) != 0) continue;
        if (c->quit) return NULL;
        atomic_store_explicit(&c->started, true, memory_order_release);
        c->run(c, c->helper_iters);
        sem_post(&c->done);
    }
}

static void contended_sample(void *state, int64_t iters)
{
    contended_t *c = state;
    c->helper_iters = iters;
    atomic_store_explicit(&c->started, false, memory_order_relaxed);
    sem_post(&c->go);
    while (!atomic_load_explicit(&c->started, memory_order_acquire))
        cur_backoff_pause();
    c->run(c, iters);
    while (sem_wait(&c->done) != 0) continue;
    c->acquired += 2 * iters;
}

static bool contended_start(contended_t *c,
                            void (*run)(contended_t *, int64_t))
{
    c->run = run;
    cur_mutex_init(&c->cur);
    pthread_mutex_init(&c->pth, NULL);
    atomic_init(&c->spin.locked, 0);
    atomic_init(&c->started, false);
    c->counter = 0;
    c->acquired = 0;
    c->quit = false;
    if (sem_init(&c->go, 0, 0) != 0 || sem_init(&c->done, 0, 0) != 0)
        return false;
    return pthread_create(&c->helper, NULL, contended_helper, c) == 0;
}

/* Stops the helper; returns false if the lock lost an increment. */
static bool contended_stop(contended_t *c, const char *name)
{
    c->quit = true;
    sem_post(&c->go);
    pthread_join(c->helper, NULL);
    sem_destroy(&c->go);
    sem_destroy(&c->done);
    pthread_mutex_destroy(&c->pth);
    cur_mutex_destroy(&c->cur);
    if (c->counter != c->acquired) {
        fprintf(stderr, "bench_sync: mutex-contended/%s: counter %ld, "
                        "expected %lld\n",
                name, c->counter, (long long)c->acquired);
        return false;
    }
    return true;
}

/* --- rwlock-read ---------------------------------------------------------- */

static void cur_rwlock_read_pair(void *state, int64_t iters)
{
    cur_rwlock_t *rw = state;
    for (int64_t i = 0; i < iters; i++) {
        cur_rwlock_read_guard_t g;
        cur_rwlock_read(rw, &g);
        bench_clobber();
        cur_rwlock_read_unlock(&g);
    }
}

static void pthread_rwlock_read_pair(void *state, int64_t iters)
{
    pthread_rwlock_t *rw = state;
    for (int64_t i = 0; i < iters; i++) {
        pthread_rwlock_rdlock(rw);
        bench_clobber();
        pthread_rwlock_unlock(rw);
    }
}

/* --- rc-clone ------------------------------------------------------------- */

static void rc_clone_drop(void *state, int64_t iters)
{
    cur_rc_t *r = state;
    for (int64_t i = 0; i < iters; i++) {
        cur_rc_t *c = cur_rc_clone(r);
        bench_black_box(c); /* keep the count traffic in the loop */
        cur_rc_free(c);
        bench_clobber();
    }
}

static void arc_clone_drop(void *state, int64_t iters)
{
    cur_arc_t *a = state;
    for (int64_t i = 0; i < iters; i++) {
        cur_arc_t *c = cur_arc_clone(a);
        bench_black_box(c);
        cur_arc_free(c);
    }
}

static const cur_type_t long_type = CUR_TYPE_COPY_INIT(long);

int main(int argc, char **argv)
{
    bench_t *b = bench_init("sync", argc, argv);
    if (!b) return 2;
    bool ok = true;

    if (bench_wants(b, "mutex-uncontended")) {
        cur_mutex_t m = CUR_MUTEX_INIT;
        pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
        spinlock_t sl = {0};
        bench_impl_t impls[] = {
            {.name = "cur", .fn = cur_uncontended, .state = &m},
            {.name = "pthread", .fn = pthread_uncontended, .state = &pm},
            {.name = "spin", .fn = spin_uncontended, .state = &sl},
        };
        bench_group(b, "mutex-uncontended", "ns/op", 1, impls, 3);
        cur_mutex_destroy(&m);
        pthread_mutex_destroy(&pm);
    }

    if (bench_wants(b, "mutex-contended")) {
        static contended_t c[3];
        void (*runs[3])(contended_t *, int64_t) = {
            cur_contended_run, pthread_contended_run, spin_contended_run};
        const char *names[3] = {"cur", "pthread", "spin"};
        bench_impl_t impls[3];
        for (int i = 0; i < 3; i++) {
            bool started = contended_start(&c[i], runs[i]);
            impls[i] = (bench_impl_t){
                .name = names[i],
                .fn = started ? contended_sample : NULL,
                .state = &c[i],
                .why_missing = "could not start helper thread"};
        }
        bench_group(b, "mutex-contended", "ns/op", 2, impls, 3);
        for (int i = 0; i < 3; i++)
            if (impls[i].fn && !contended_stop(&c[i], names[i])) ok = false;
    }

    if (bench_wants(b, "rwlock-read")) {
        cur_rwlock_t rw = CUR_RWLOCK_INIT;
        pthread_rwlock_t prw = PTHREAD_RWLOCK_INITIALIZER;
        bench_impl_t impls[] = {
            {.name = "cur", .fn = cur_rwlock_read_pair, .state = &rw},
            {.name = "pthread", .fn = pthread_rwlock_read_pair, .state = &prw},
        };
        bench_group(b, "rwlock-read", "ns/op", 1, impls, 2);
        cur_rwlock_destroy(&rw);
        pthread_rwlock_destroy(&prw);
    }

    if (bench_wants(b, "rc-clone")) {
        long v = 7;
        cur_rc_t *r = NULL;
        cur_arc_t *a = NULL;
        int rrc = cur_rc_new(&r, NULL, &long_type, &v);
        int arc = cur_arc_new(&a, NULL, &long_type, &v);
        bench_impl_t impls[] = {
            {.name = "cur-rc", .fn = rrc == 0 ? rc_clone_drop : NULL,
             .state = r, .why_missing = "cur_rc_new failed"},
            {.name = "cur-arc", .fn = arc == 0 ? arc_clone_drop : NULL,
             .state = a,
             .why_missing = "cur_arc_new failed"},
        };
        bench_group(b, "rc-clone", "ns/op", 1, impls, 2);
        if (rrc == 0 && cur_rc_strong_count(r) != 1) ok = false;
        if (arc == 0 && cur_arc_strong_count(a) != 1) ok = false;
        cur_rc_free(r);
        cur_arc_free(a);
    }

    int rc = bench_finish(b);
    return ok ? rc : 1;
}
