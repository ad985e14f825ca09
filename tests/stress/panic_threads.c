/*
 * tests/stress/panic_threads.c: panics on many threads at once, under TSan.
 *
 * Each thread raises and catches `iters` panics, each with an unwind guard,
 * while one more thread keeps replacing the panic hook. Checks that every
 * boundary gets its own thread's message and location (the per-thread
 * state does not leak between threads), that each guard ran exactly once,
 * that the hook saw every panic, and that panic counts are per thread.
 *
 * Usage: panic_threads [threads] [iterations]   (default 4 x 20000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_long hook_calls;
static atomic_bool stop_swapping;
static atomic_int failures;

static void hook_a(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    atomic_fetch_add((atomic_long *)ctx, 1);
}

static void hook_b(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    atomic_fetch_add((atomic_long *)ctx, 1);
}

struct job {
    int id;
    long iters;
    long guards_run;
};

struct one {
    struct job *job;
    long i;
};

static void count_guard(void *arg) { ((struct job *)arg)->guards_run++; }

static void body(void *arg)
{
    struct one *o = arg;
    CUR_ON_UNWIND(count_guard, o->job);
    if (o->i % 7 == 3) return; /* some calls do not panic */
    CUR_PANIC("thread %d iteration %ld", o->job->id, o->i);
}

static void fail(const char *what, int id, long i)
{
    fprintf(stderr, "panic_threads: thread %d iteration %ld: %s\n", id, i, what);
    atomic_fetch_add(&failures, 1);
}

static void *worker(void *arg)
{
    struct job *job = arg;
    long expected_panics = 0;
    long before = cur_panic_count();
    for (long i = 0; i < job->iters; i++) {
        struct one o = {job, i};
        cur_panic_info_t info;
        int rc = cur_catch_unwind(body, &o, &info);
        if (i % 7 == 3) {
            if (rc != 0) fail("returned an error without a panic", job->id, i);
            continue;
        }
        expected_panics++;
        char want[64];
        snprintf(want, sizeof want, "thread %d iteration %ld", job->id, i);
        if (rc != CUR_EPANIC) fail("panic not caught", job->id, i);
        else if (strcmp(info.message, want) != 0) fail(info.message, job->id, i);
        else if (strcmp(info.func, "body") != 0) fail("wrong function", job->id, i);
        if (cur_panicking()) fail("still panicking after the boundary", job->id, i);
    }
    if (cur_panic_count() - before != expected_panics)
        fail("panic count is not per thread", job->id, -1);
    if (job->guards_run != expected_panics)
        fail("unwind guards did not run exactly once per panic", job->id, -1);
    return NULL;
}

static void *swapper(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop_swapping)) {
        cur_panic_set_hook(hook_a, &hook_calls, NULL, NULL);
        cur_panic_set_hook(hook_b, &hook_calls, NULL, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long iters = argc > 2 ? atol(argv[2]) : 20000;
    if (threads < 1 || threads > 256 || iters < 1) {
        fprintf(stderr, "usage: panic_threads [threads 1..256] [iterations]\n");
        return 1;
    }
    cur_panic_set_hook(hook_a, &hook_calls, NULL, NULL);
    pthread_t sw, th[256];
    struct job jobs[256];
    pthread_create(&sw, NULL, swapper, NULL);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters};
        pthread_create(&th[t], NULL, worker, &jobs[t]);
    }
    long expected = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        for (long i = 0; i < iters; i++) expected += (i % 7 != 3);
    }
    atomic_store(&stop_swapping, true);
    pthread_join(sw, NULL);
    if (atomic_load(&hook_calls) != expected) {
        fprintf(stderr, "panic_threads: hook saw %ld panics, expected %ld\n",
                atomic_load(&hook_calls), expected);
        return 1;
    }
    if (atomic_load(&failures)) return 1;
    printf("panic_threads: %d threads x %ld iterations: ok\n", threads, iters);
    return 0;
}
