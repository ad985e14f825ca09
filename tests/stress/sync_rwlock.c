/*
 * tests/stress/sync_rwlock.c: cur_rwlock_t under TSan.
 *
 * Writers update two fields together (a += 1, b -= 1, and a count of
 * writes); readers check under the read lock that a + b == 0 and that a
 * equals the count, so a reader that overlapped a writer would see a torn
 * update (and TSan a race). Writers take the lock with cur_rwlock_write,
 * cur_rwlock_try_write loops and CUR_RWLOCK_WRITE; readers with
 * cur_rwlock_read, cur_rwlock_try_read loops and CUR_RWLOCK_READ.
 *
 * Poisoning, Rust's rule: every 200th write panics after completing its
 * update, which must poison the lock; every 200th read panics too, which
 * must release the read lock without poisoning. A flag in the protected
 * data says whether the lock should be poisoned; readers and writers check
 * the return codes against it, and writers clear the poison they find.
 * Counts must be exact, and the lock free at the end.
 *
 * Usage: sync_rwlock [threads] [iterations]   (default 4 x 100000; at least
 * one writer and one reader, half the threads each)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define PANIC_EVERY 200

static atomic_int failures;
static atomic_long reads_done;

static void fail(const char *what, int id, long i)
{
    fprintf(stderr, "sync_rwlock: thread %d iteration %ld: %s\n", id, i,
            what);
    atomic_fetch_add(&failures, 1);
}

static void silent_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
}

static struct shared {
    cur_rwlock_t rw;
    long a, b;          /* guarded by rw: a + b == 0 outside a write */
    long writes;        /* guarded by rw: a == writes outside a write */
    bool should_poison; /* guarded by rw */
    long clears;        /* guarded by rw */
} S = {.rw = CUR_RWLOCK_INIT};

struct job {
    int id;
    long iters;
    long panics;
};

/* With the read lock held. */
static void check_read(int rc, int id, long i)
{
    if (rc != 0 && rc != CUR_EPOISONED) fail("read returned an error", id, i);
    if ((rc == CUR_EPOISONED) != S.should_poison)
        fail("read: poison state differs from the data", id, i);
    if (S.a + S.b != 0 || S.a != S.writes) fail("torn update seen", id, i);
    atomic_fetch_add_explicit(&reads_done, 1, memory_order_relaxed);
}

/* With the write lock held. */
static void write_once(int rc, int id, long i)
{
    if (rc != 0 && rc != CUR_EPOISONED) fail("write returned an error", id, i);
    if ((rc == CUR_EPOISONED) != S.should_poison)
        fail("write: poison state differs from the data", id, i);
    if (rc == CUR_EPOISONED) {
        cur_rwlock_clear_poison(&S.rw);
        S.should_poison = false;
        S.clears++;
    }
    if (S.a + S.b != 0 || S.a != S.writes) fail("torn update found", id, i);
    S.a++;
    S.b--;
    S.writes++;
}

struct one {
    struct job *job;
    long i;
};

static void panicking_write(void *arg)
{
    struct one *o = arg;
    CUR_RWLOCK_WRITE(w, &S.rw);
    write_once(cur_rwlock_is_poisoned(&S.rw) ? CUR_EPOISONED : 0, o->job->id,
               o->i);
    S.should_poison = true;
    CUR_PANIC("writer fails");
}

static void panicking_read(void *arg)
{
    struct one *o = arg;
    cur_rwlock_read_guard_t r;
    check_read(cur_rwlock_read(&S.rw, &r), o->job->id, o->i);
    CUR_PANIC("reader fails");
}

static void *writer(void *arg)
{
    struct job *job = arg;
    for (long i = 0; i < job->iters; i++) {
        if (i % PANIC_EVERY == PANIC_EVERY - 1) {
            struct one o = {job, i};
            if (cur_catch_unwind(panicking_write, &o, NULL) != CUR_EPANIC)
                fail("panic not caught", job->id, i);
            job->panics++;
            continue;
        }
        switch (i % 3) {
        case 0: {
            cur_rwlock_write_guard_t w;
            write_once(cur_rwlock_write(&S.rw, &w), job->id, i);
            cur_rwlock_write_unlock(&w);
            break;
        }
        case 1: {
            cur_rwlock_write_guard_t w;
            cur_backoff_t b = CUR_BACKOFF_INIT;
            int rc;
            while ((rc = cur_rwlock_try_write(&S.rw, &w)) == CUR_EBUSY)
                cur_backoff_snooze(&b);
            write_once(rc, job->id, i);
            cur_rwlock_write_unlock(&w);
            break;
        }
        default: {
            CUR_RWLOCK_WRITE(w, &S.rw);
            write_once(cur_rwlock_is_poisoned(&S.rw) ? CUR_EPOISONED : 0,
                       job->id, i);
            break;
        }
        }
    }
    return NULL;
}

static void *reader(void *arg)
{
    struct job *job = arg;
    for (long i = 0; i < job->iters; i++) {
        if (i % PANIC_EVERY == PANIC_EVERY - 1) {
            struct one o = {job, i};
            if (cur_catch_unwind(panicking_read, &o, NULL) != CUR_EPANIC)
                fail("panic not caught", job->id, i);
            continue;
        }
        switch (i % 3) {
        case 0: {
            cur_rwlock_read_guard_t r;
            check_read(cur_rwlock_read(&S.rw, &r), job->id, i);
            cur_rwlock_read_unlock(&r);
            break;
        }
        case 1: {
            cur_rwlock_read_guard_t r;
            cur_backoff_t b = CUR_BACKOFF_INIT;
            int rc;
            while ((rc = cur_rwlock_try_read(&S.rw, &r)) == CUR_EBUSY)
                cur_backoff_snooze(&b);
            check_read(rc, job->id, i);
            cur_rwlock_read_unlock(&r);
            break;
        }
        default: {
            CUR_RWLOCK_READ(r, &S.rw);
            check_read(cur_rwlock_is_poisoned(&S.rw) ? CUR_EPOISONED : 0,
                       job->id, i);
            break;
        }
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long iters = argc > 2 ? atol(argv[2]) : 100000;
    if (threads < 2 || threads > 256 || iters < 1) {
        fprintf(stderr, "usage: sync_rwlock [threads 2..256] [iterations]\n");
        return 1;
    }
    cur_panic_set_hook(silent_hook, NULL, NULL, NULL);
    int writers = threads / 2, readers = threads - writers;
    pthread_t th[256];
    struct job jobs[256];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters};
        pthread_create(&th[t], NULL, t < writers ? writer : reader, &jobs[t]);
    }
    long panics = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        if (t < writers) panics += jobs[t].panics;
    }
    long want_writes = (long)writers * iters;
    if (S.writes != want_writes || S.a != want_writes || S.b != -want_writes) {
        fprintf(stderr, "sync_rwlock: %ld writes (a %ld, b %ld), expected "
                        "%ld\n",
                S.writes, S.a, S.b, want_writes);
        return 1;
    }
    long want_reads = (long)readers * iters;
    if (atomic_load(&reads_done) != want_reads) {
        fprintf(stderr, "sync_rwlock: %ld reads, expected %ld\n",
                atomic_load(&reads_done), want_reads);
        return 1;
    }
    if (S.clears + (S.should_poison ? 1 : 0) != panics ||
        cur_rwlock_is_poisoned(&S.rw) != S.should_poison) {
        fprintf(stderr, "sync_rwlock: %ld writer panics, %ld clears\n", panics,
                S.clears);
        return 1;
    }
    cur_rwlock_destroy(&S.rw); /* panics if a read or write lock leaked */
    if (atomic_load(&failures)) return 1;
    printf("sync_rwlock: %d writers + %d readers x %ld iterations: ok\n",
           writers, readers, iters);
    return 0;
}
