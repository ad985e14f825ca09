/*
 * tests/stress/arena_scratch.c: per-thread scratch arenas under TSan.
 *
 * Each thread, for `iters` iterations, opens nested CUR_ARENA_SCRATCH
 * scopes (the inner one avoiding the outer's arena), fills blocks of
 * varying size with a pattern made of its thread id and iteration,
 * sometimes large enough to need chunks of their own, passes the scratch
 * arena by value to a function that allocates and checks on its own, and
 * checks after each inner scope that the outer data is intact and that the
 * arena's `used` went back exactly to what it was. A thread-local
 * long-lived arena (cur_arena_init) collects one result per iteration, to
 * mix an owned arena with the scratch ones. Threads run in waves, so that
 * the thread-exit destructor that frees the scratch arenas runs while
 * other threads allocate.
 *
 * Any sharing of a scratch arena between threads shows up as a TSan race
 * or as a corrupted pattern.
 *
 * Usage: arena_scratch [threads] [iterations]   (default 4 x 20000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/arena.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_int failures;

static void fail(const char *what, int id, long i)
{
    fprintf(stderr, "arena_scratch: thread %d iteration %ld: %s\n", id, i,
            what);
    atomic_fetch_add(&failures, 1);
}

static uint32_t pattern(int id, long i, ptrdiff_t k)
{
    return (uint32_t)id * 2654435761u ^ (uint32_t)i * 40503u ^ (uint32_t)k;
}

static void fill(uint32_t *p, ptrdiff_t n, int id, long i)
{
    for (ptrdiff_t k = 0; k < n; k++) p[k] = pattern(id, i, k);
}

static bool check(const uint32_t *p, ptrdiff_t n, int id, long i)
{
    for (ptrdiff_t k = 0; k < n; k++)
        if (p[k] != pattern(id, i, k)) return false;
    return true;
}

/* A callee with its own by-value copy of a scratch arena. */
static bool by_value(cur_arena_t scratch, int id, long i, ptrdiff_t n)
{
    uint32_t *v = CUR_ARENA_NEW_ARRAY(&scratch, uint32_t, n);
    if (!v) return false;
    fill(v, n, id, i + 1);
    return check(v, n, id, i + 1);
}

struct job {
    int id;
    long iters;
};

static void *worker(void *arg)
{
    struct job *job = arg;
    int id = job->id;
    cur_arena_t perm;
    if (cur_arena_init(&perm, NULL, 4096) != 0) {
        fail("cur_arena_init", id, -1);
        return NULL;
    }
    uint32_t **results = CUR_ARENA_NEW_ARRAY(&perm, uint32_t *, job->iters);
    if (!results) fail("results array", id, -1);
    uint32_t seed = (uint32_t)id * 7919u + 1u;

    for (long i = 0; i < job->iters && results; i++) {
        CUR_ARENA_SCRATCH(outer, &perm);
        if (outer.arena == &perm) fail("scratch is the conflict", id, i);
        seed = seed * 1103515245u + 12345u;
        /* Mostly small, sometimes larger than a chunk (64 KiB). */
        ptrdiff_t n = 1 + (ptrdiff_t)(seed >> 16) % 300;
        if (i % 97 == 0) n = 20000;
        uint32_t *a = CUR_ARENA_NEW_ARRAY_NOZERO(outer.arena, uint32_t, n);
        if (!a) {
            fail("outer allocation", id, i);
            continue;
        }
        fill(a, n, id, i);
        ptrdiff_t used = cur_arena_stats(outer.arena).used;
        {
            CUR_ARENA_SCRATCH(inner, outer.arena);
            if (inner.arena == outer.arena) fail("inner == outer", id, i);
            for (int j = 0; j < 8; j++) {
                ptrdiff_t m = 1 + (ptrdiff_t)((seed >> (j + 3)) % 2000);
                uint32_t *b = CUR_ARENA_NEW_ARRAY(inner.arena, uint32_t, m);
                if (!b) {
                    fail("inner allocation", id, i);
                    break;
                }
                for (ptrdiff_t k = 0; k < m; k++)
                    if (b[k] != 0) {
                        fail("memory not zeroed", id, i);
                        break;
                    }
                fill(b, m, id, i + j);
                if (!check(b, m, id, i + j)) fail("inner pattern", id, i);
            }
            if (!by_value(*inner.arena, id, i, 3000))
                fail("by-value callee", id, i);
        }
        if (!by_value(*outer.arena, id, i, 100 + n))
            fail("by-value callee (outer)", id, i);
        if (cur_arena_stats(outer.arena).used != used)
            fail("used changed across the inner scope", id, i);
        if (!check(a, n, id, i)) fail("outer pattern", id, i);
        /* One value per iteration survives in the owned arena. */
        results[i] = CUR_ARENA_NEW(&perm, uint32_t);
        if (!results[i]) fail("perm allocation", id, i);
        else *results[i] = pattern(id, i, 0);
    }
    for (long i = 0; i < job->iters && results; i++)
        if (!results[i] || *results[i] != pattern(id, i, 0))
            fail("perm result", id, i);
    if (cur_arena_stats(cur_arena_scratch(NULL)).used != 0)
        fail("scratch not empty at the end", id, -1);
    if (id % 2) cur_arena_scratch_release(); /* the others: at exit */
    cur_arena_destroy(&perm);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long iters = argc > 2 ? atol(argv[2]) : 20000;
    if (threads < 1 || threads > 128 || iters < 1) {
        fprintf(stderr, "usage: arena_scratch [threads 1..128] [iterations]\n");
        return 1;
    }
    /*
     * Worker t runs iters * (t + 1) / threads iterations. Each time one
     * finishes (shortest first), a replacement with a short job starts, so
     * thread exits, with their scratch destructors, overlap the work of
     * the threads still running.
     */
    pthread_t th[128], extra[128];
    struct job jobs[128], extra_jobs[128];
    long total = 0;
    for (int t = 0; t < threads; t++) {
        jobs[t] = (struct job){.id = t, .iters = iters * (t + 1) / threads + 1};
        total += jobs[t].iters;
        if (pthread_create(&th[t], NULL, worker, &jobs[t]) != 0) {
            fprintf(stderr, "arena_scratch: pthread_create failed\n");
            return 1;
        }
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        extra_jobs[t] = (struct job){.id = threads + t,
                                     .iters = iters / threads + 1};
        total += extra_jobs[t].iters;
        if (pthread_create(&extra[t], NULL, worker, &extra_jobs[t]) != 0) {
            fprintf(stderr, "arena_scratch: pthread_create failed\n");
            return 1;
        }
    }
    for (int t = 0; t < threads; t++) pthread_join(extra[t], NULL);
    if (atomic_load(&failures)) return 1;
    printf("arena_scratch: %d + %d threads, %ld iterations in all: ok\n",
           threads, threads, total);
    return 0;
}
