/*
 * mc-15.3 Lock Contention & Async Stalls (the lock-contention half)
 *
 * Shows: three ways for threads to count events into shared per-key
 * totals: one global lock that every event takes; sharded locks, one per
 * key group, each on its own cache line; and thread-local counts merged
 * under the lock once per thread at the end. All three must produce the
 * same totals; they differ in how often a thread takes a lock and how
 * often two threads want the same one, which is what contention costs.
 * This program prints only what is deterministic (totals and lock-take
 * counts); for the timings run `make bench SUITE=sync` (group
 * mutex-contended) or time this program's strategies yourself.
 *
 * Build: cc -std=gnu17 examples/mc-15.3-lock-contention.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define EVENTS 200000 /* per thread */
#define KEYS 64
#define SHARDS 8      /* key k lives in shard k % SHARDS */

/* The event stream of thread t: a fixed pseudo-random key per event. */
static unsigned key_of(int t, long i)
{
    uint64_t x = (uint64_t)t * 0x9E3779B97F4A7C15u + (uint64_t)i;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9u;
    x ^= x >> 29;
    return (unsigned)(x % KEYS);
}

/* --- strategy 1: one global lock ------------------------------------------ */

static struct {
    cur_mutex_t lock;
    long counts[KEYS]; /* guarded by lock */
    long takes;        /* guarded by lock: how often it was taken */
} global = {.lock = CUR_MUTEX_INIT};

static void *count_global(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (long i = 0; i < EVENTS; i++) {
        CUR_MUTEX_LOCK(g, &global.lock);
        global.counts[key_of(t, i)]++;
        global.takes++;
    }
    return NULL;
}

/* --- strategy 2: sharded locks --------------------------------------------
 * Threads that hit different shards no longer wait for each other. Each
 * shard is aligned to its own 64-byte cache line: two locks on one line
 * would still bounce that line between cores (false sharing). */
struct shard {
    _Alignas(64) cur_mutex_t lock;
    long counts[KEYS / SHARDS]; /* guarded by lock */
    long takes;                 /* guarded by lock */
};

static struct shard shards[SHARDS];

static void *count_sharded(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (long i = 0; i < EVENTS; i++) {
        unsigned k = key_of(t, i);
        struct shard *s = &shards[k % SHARDS];
        CUR_MUTEX_LOCK(g, &s->lock);
        s->counts[k / SHARDS]++;
        s->takes++;
    }
    return NULL;
}

/* --- strategy 3: thread-local counts, merged once -------------------------
 * Rust: each thread folds into its own HashMap, then the results are
 * combined. No lock at all on the hot path; one per thread at the end. */
static struct {
    cur_mutex_t lock;
    long counts[KEYS]; /* guarded by lock */
    long takes;        /* guarded by lock */
} merged = {.lock = CUR_MUTEX_INIT};

static void *count_local(void *arg)
{
    int t = (int)(intptr_t)arg;
    long local[KEYS] = {0};
    for (long i = 0; i < EVENTS; i++) local[key_of(t, i)]++;
    CUR_MUTEX_LOCK(g, &merged.lock);
    for (int k = 0; k < KEYS; k++) merged.counts[k] += local[k];
    merged.takes++;
    return NULL;
}

/* --- running and checking ------------------------------------------------- */

static void run(void *(*fn)(void *))
{
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, fn, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
}

/* A checksum of the per-key totals: equal totals give equal sums. */
static uint64_t digest(const long *counts)
{
    uint64_t h = 1469598103934665603u;
    for (int k = 0; k < KEYS; k++) {
        h ^= (uint64_t)counts[k];
        h *= 1099511628211u;
    }
    return h;
}

static long total(const long *counts)
{
    long n = 0;
    for (int k = 0; k < KEYS; k++) n += counts[k];
    return n;
}

int main(void)
{
    for (int s = 0; s < SHARDS; s++) cur_mutex_init(&shards[s].lock);

    /* The expected totals, counted on one thread with no lock at all. */
    long expect[KEYS] = {0};
    for (int t = 0; t < THREADS; t++)
        for (long i = 0; i < EVENTS; i++) expect[key_of(t, i)]++;

    run(count_global);
    run(count_sharded);
    run(count_local);

    long sharded[KEYS], shard_takes = 0, busiest = 0;
    for (int k = 0; k < KEYS; k++)
        sharded[k] = shards[k % SHARDS].counts[k / SHARDS];
    for (int s = 0; s < SHARDS; s++) {
        shard_takes += shards[s].takes;
        if (shards[s].takes > busiest) busiest = shards[s].takes;
    }

    printf("%d threads x %d events over %d keys\n", THREADS, EVENTS, KEYS);
    printf("%-22s %9s %18s %11s %16s\n", "strategy", "events", "digest",
           "lock takes", "busiest lock");
    printf("%-22s %9ld %18llx %11ld %16ld\n", "expected (1 thread)",
           total(expect), (unsigned long long)digest(expect), 0L, 0L);
    printf("%-22s %9ld %18llx %11ld %16ld\n", "one global lock",
           total(global.counts), (unsigned long long)digest(global.counts),
           global.takes, global.takes);
    printf("%-22s %9ld %18llx %11ld %16ld\n", "8 sharded locks",
           total(sharded), (unsigned long long)digest(sharded), shard_takes,
           busiest);
    printf("%-22s %9ld %18llx %11ld %16ld\n", "thread-local + merge",
           total(merged.counts), (unsigned long long)digest(merged.counts),
           merged.takes, merged.takes);

    bool same = memcmp(expect, global.counts, sizeof expect) == 0 &&
                memcmp(expect, sharded, sizeof expect) == 0 &&
                memcmp(expect, merged.counts, sizeof expect) == 0;
    printf("all strategies agree: %s\n", same ? "yes" : "NO");
    printf("timings: make bench SUITE=sync (group mutex-contended)\n");

    for (int s = 0; s < SHARDS; s++) cur_mutex_destroy(&shards[s].lock);
    cur_mutex_destroy(&global.lock);
    cur_mutex_destroy(&merged.lock);
    return same ? 0 : 1;
}
