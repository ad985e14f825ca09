/*
 * tests/stress/sync_mutex.c: cur_mutex_t and cur_condvar_t under TSan.
 *
 * Phase 1: every thread increments one non-atomic counter under the mutex,
 * taking it in turn with cur_mutex_lock, a cur_mutex_try_lock retry loop
 * and the scoped CUR_MUTEX_LOCK. Every 250th critical section panics after
 * its increment, inside cur_catch_unwind; the unwind guard must poison and
 * release the lock. A flag in the protected data says whether the lock
 * should be poisoned, so every locker checks that lock returned
 * CUR_EPOISONED exactly when it should, and clears the poison when it
 * finds it. The final count must be exact, and TSan must see no race on
 * the counter (the happens-before edges come from the lock's atomics).
 *
 * Phase 2: producers and consumers move values through a bounded queue
 * guarded by the mutex with two condvars (not_full, not_empty); consumers
 * wait with cur_condvar_wait_timeout, producers with cur_condvar_wait. The
 * sum and count received must equal what was sent.
 *
 * Usage: sync_mutex [threads] [iterations]   (default 4 x 100000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define PANIC_EVERY 250

static atomic_int failures;
static atomic_long hook_calls;

static void fail(const char *what, int id, long i)
{
    fprintf(stderr, "sync_mutex: thread %d iteration %ld: %s\n", id, i, what);
    atomic_fetch_add(&failures, 1);
}

static void counting_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
    atomic_fetch_add(&hook_calls, 1);
}

/* --- phase 1 -------------------------------------------------------------- */

static struct shared {
    cur_mutex_t lock;
    long counter;         /* guarded by lock */
    bool should_poison;   /* guarded by lock: a panic left it poisoned */
    long clears;          /* guarded by lock */
} S = {.lock = CUR_MUTEX_INIT};

struct job {
    int id;
    long iters;
    long panics;
};

/* Called with the lock held: checks the poison state against the data. */
static void check_poison(int rc, int id, long i)
{
    if (rc != 0 && rc != CUR_EPOISONED) fail("lock returned an error", id, i);
    if ((rc == CUR_EPOISONED) != S.should_poison)
        fail(rc ? "poisoned unexpectedly" : "poison missed", id, i);
    if (rc == CUR_EPOISONED) {
        cur_mutex_clear_poison(&S.lock);
        S.should_poison = false;
        S.clears++;
    }
}

struct one {
    struct job *job;
    long i;
};

static void panicking_section(void *arg)
{
    struct one *o = arg;
    cur_mutex_guard_t g;
    check_poison(cur_mutex_lock(&S.lock, &g), o->job->id, o->i);
    S.counter++;
    S.should_poison = true; /* the panic below must poison */
    CUR_PANIC("critical section %ld of thread %d fails", o->i, o->job->id);
}

static void *phase1(void *arg)
{
    struct job *job = arg;
    for (long i = 0; i < job->iters; i++) {
        if (i % PANIC_EVERY == PANIC_EVERY - 1) {
            struct one o = {job, i};
            if (cur_catch_unwind(panicking_section, &o, NULL) != CUR_EPANIC)
                fail("panic not caught", job->id, i);
            job->panics++;
            continue;
        }
        switch (i % 3) {
        case 0: {
            cur_mutex_guard_t g;
            check_poison(cur_mutex_lock(&S.lock, &g), job->id, i);
            S.counter++;
            cur_mutex_unlock(&g);
            break;
        }
        case 1: {
            cur_mutex_guard_t g;
            cur_backoff_t b = CUR_BACKOFF_INIT;
            int rc;
            while ((rc = cur_mutex_try_lock(&S.lock, &g)) == CUR_EBUSY)
                cur_backoff_snooze(&b);
            check_poison(rc, job->id, i);
            S.counter++;
            cur_mutex_unlock(&g);
            break;
        }
        default: {
            CUR_MUTEX_LOCK(g, &S.lock);
            check_poison(cur_mutex_is_poisoned(&S.lock) ? CUR_EPOISONED : 0,
                         job->id, i);
            S.counter++;
            break;
        }
        }
    }
    return NULL;
}

/* --- phase 2 -------------------------------------------------------------- */

#define QCAP 8

static struct queue {
    cur_mutex_t lock;
    cur_condvar_t not_full, not_empty;
    long items[QCAP]; /* guarded by lock */
    int head, len;    /* guarded by lock */
    long received;    /* guarded by lock: items taken so far */
    long total;       /* items that will be sent in all */
    long sum;         /* guarded by lock */
} Q = {.lock = CUR_MUTEX_INIT,
       .not_full = CUR_CONDVAR_INIT,
       .not_empty = CUR_CONDVAR_INIT};

static void *producer(void *arg)
{
    struct job *job = arg;
    for (long v = 1; v <= job->iters; v++) {
        CUR_MUTEX_LOCK(g, &Q.lock);
        while (Q.len == QCAP)
            if (cur_condvar_wait(&Q.not_full, &g) != 0)
                fail("wait returned an error", job->id, v);
        Q.items[(Q.head + Q.len) % QCAP] = v;
        Q.len++;
        cur_condvar_notify_one(&Q.not_empty);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    struct job *job = arg;
    for (;;) {
        CUR_MUTEX_LOCK(g, &Q.lock);
        while (Q.len == 0 && Q.received < Q.total) {
            int rc = cur_condvar_wait_timeout(&Q.not_empty, &g, 1000000);
            if (rc != 0 && rc != CUR_ETIMEDOUT)
                fail("wait_timeout returned an error", job->id, Q.received);
        }
        if (Q.len == 0) {
            /* All received: pass the news on to the other consumers. */
            cur_condvar_notify_all(&Q.not_empty);
            return NULL;
        }
        Q.sum += Q.items[Q.head];
        Q.head = (Q.head + 1) % QCAP;
        Q.len--;
        Q.received++;
        cur_condvar_notify_one(&Q.not_full);
    }
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long iters = argc > 2 ? atol(argv[2]) : 100000;
    if (threads < 1 || threads > 256 || iters < 1) {
        fprintf(stderr, "usage: sync_mutex [threads 1..256] [iterations]\n");
        return 1;
    }
    cur_panic_set_hook(counting_hook, NULL, NULL, NULL);

    pthread_t th[256];
    struct job jobs[256];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters};
        pthread_create(&th[t], NULL, phase1, &jobs[t]);
    }
    long panics = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        panics += jobs[t].panics;
    }
    if (S.counter != (long)threads * iters) {
        fprintf(stderr, "sync_mutex: counter %ld, expected %ld\n", S.counter,
                (long)threads * iters);
        return 1;
    }
    if (atomic_load(&hook_calls) != panics ||
        panics != threads * (iters / PANIC_EVERY)) {
        fprintf(stderr, "sync_mutex: %ld panics, hook saw %ld\n", panics,
                atomic_load(&hook_calls));
        return 1;
    }
    /* Every panic poisoned; every poison was found and cleared once, except
     * a last one nobody locked after. */
    if (S.clears + (S.should_poison ? 1 : 0) != panics ||
        cur_mutex_is_poisoned(&S.lock) != S.should_poison) {
        fprintf(stderr, "sync_mutex: %ld panics but %ld clears\n", panics,
                S.clears);
        return 1;
    }
    cur_mutex_destroy(&S.lock); /* panics if a guard leaked the lock */

    int producers = threads > 1 ? threads / 2 : 1;
    int consumers = threads > 1 ? threads - producers : 1;
    Q.total = (long)producers * iters;
    for (int t = 0; t < producers; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters};
        pthread_create(&th[t], NULL, producer, &jobs[t]);
    }
    for (int t = producers; t < producers + consumers; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters};
        pthread_create(&th[t], NULL, consumer, &jobs[t]);
    }
    for (int t = 0; t < producers + consumers; t++) pthread_join(th[t], NULL);
    long want_sum = (long)producers * (iters * (iters + 1) / 2);
    if (Q.received != Q.total || Q.sum != want_sum || Q.len != 0) {
        fprintf(stderr, "sync_mutex: queue received %ld of %ld, sum %ld of "
                        "%ld\n",
                Q.received, Q.total, Q.sum, want_sum);
        return 1;
    }
    cur_condvar_destroy(&Q.not_full);
    cur_condvar_destroy(&Q.not_empty);
    cur_mutex_destroy(&Q.lock);

    if (atomic_load(&failures)) return 1;
    printf("sync_mutex: %d threads x %ld iterations, %ld panics: ok\n",
           threads, iters, panics);
    return 0;
}
