/*
 * tests/stress/arc_weak.c: Arc and Weak on many threads at once, under TSan.
 *
 * Each round makes one Arc and hands every thread a Weak handle and some
 * threads a strong one. Then, all at once, the strong holders clone, free,
 * downgrade and upgrade, and finally let go of their handle (by free, or
 * in some rounds by try_unwrap), while the other threads keep upgrading
 * their Weak handles. So the last strong handle goes while upgrades race
 * with it. A third kind of round has every thread downgrade and call
 * get_mut at once, which takes and releases the weak-count lock while
 * other threads downgrade.
 *
 * Checks, every round:
 *   - the value's drop ran exactly once (or try_unwrap moved it out once);
 *   - no upgrade succeeded once the drop had begun or once any thread had
 *     seen an upgrade fail (a zero strong count is never revived), and no
 *     drop began while an upgraded handle was held;
 *   - get_mut never granted access while other handles existed (and,
 *     with one thread, always granted it to the only handle);
 *   - after every handle is gone, no allocation is live (a counting
 *     allocator local to this program).
 *
 * Usage: arc_weak [threads] [rounds]   (default 4 x 10000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/error.h>
#include <curriculum/own.h>
#include <curriculum/rc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 64
#define INNER 32 /* clone/upgrade steps per thread per round */
#define MAGIC_LIVE 0x11feu
#define MAGIC_DEAD 0xdeadu

/* --- a counting allocator ------------------------------------------------- */

static atomic_long live_blocks;
static atomic_long live_bytes;

static void *count_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    void *p = malloc((size_t)size);
    if (p) {
        atomic_fetch_add(&live_blocks, 1);
        atomic_fetch_add(&live_bytes, (long)size);
    }
    return p;
}

static void *count_resize(void *ctx, void *p, ptrdiff_t old, ptrdiff_t size)
{
    (void)ctx;
    void *q = realloc(p, (size_t)size);
    if (q) atomic_fetch_add(&live_bytes, (long)(size - old));
    return q;
}

static void count_release(void *ctx, void *p, ptrdiff_t size)
{
    (void)ctx;
    if (!p) return;
    atomic_fetch_sub(&live_blocks, 1);
    atomic_fetch_sub(&live_bytes, (long)size);
    free(p);
}

static const cur_alloc_t counting = {count_alloc, count_resize, count_release,
                                     NULL};

/* --- the shared value ----------------------------------------------------- */

typedef struct payload {
    unsigned magic;   /* MAGIC_LIVE until dropped */
    long data[6];     /* read by every thread, written by nobody */
} payload_t;

static atomic_int drops;       /* this round */
static atomic_bool dropping;   /* this round's drop has begun */
static atomic_bool seen_gone;  /* some thread saw an upgrade fail */
static atomic_int failures;

static void fail(const char *what, int id, long round)
{
    if (atomic_fetch_add(&failures, 1) < 20) /* the first few are enough */
        fprintf(stderr, "arc_weak: thread %d round %ld: %s\n", id, round,
                what);
}

static void payload_drop(void *v, const cur_alloc_t *a)
{
    (void)a;
    payload_t *p = v;
    atomic_store(&dropping, true);
    if (p->magic != MAGIC_LIVE) fail("drop of a dead value", -1, -1);
    p->magic = MAGIC_DEAD;
    atomic_fetch_add(&drops, 1);
}

static const cur_type_t payload_type =
    CUR_TYPE_INIT(payload_t, payload_drop, NULL);

static bool payload_ok(const payload_t *p)
{
    return p->magic == MAGIC_LIVE && p->data[0] == 1 && p->data[5] == 6;
}

/* --- rounds --------------------------------------------------------------- */

enum mode { BY_FREE, BY_TRY_UNWRAP, GET_MUT, MODES };

static int nthreads;
static long nrounds;
static pthread_barrier_t start_line, mid_line, end_line;
static cur_arc_t *strong_for[MAX_THREADS];    /* handed over by main */
static cur_arc_weak_t *weak_for[MAX_THREADS]; /* handed over by main */

/* Upgrades w up to tries times, checking that none revives the value. */
static void upgrade_until_gone(cur_arc_weak_t *w, int tries, int id, long r)
{
    for (int k = 0; k < tries; k++) {
        bool was_gone = atomic_load(&seen_gone);
        bool was_dropping = atomic_load(&dropping);
        cur_arc_t *u = cur_arc_weak_upgrade(w);
        if (!u) {
            atomic_store(&seen_gone, true);
            if (cur_arc_weak_upgrade(w))
                fail("upgrade revived the value", id, r);
            return;
        }
        if (was_gone || was_dropping)
            fail("upgrade succeeded after the drop began", id, r);
        if (!payload_ok(cur_arc_get(u))) fail("upgraded to a bad value", id, r);
        cur_arc_t *c = cur_arc_clone(u);
        cur_arc_free(c);
        if (atomic_load(&dropping))
            fail("value dropped while an upgraded handle was held", id, r);
        cur_arc_free(u);
    }
}

static void strong_work(cur_arc_t *mine, cur_arc_weak_t *w, int id, long r)
{
    for (int k = 0; k < INNER; k++) {
        cur_arc_t *c = cur_arc_clone(mine);
        if (!payload_ok(cur_arc_get(c))) fail("clone sees a bad value", id, r);
        cur_arc_t *u = cur_arc_weak_upgrade(w);
        if (u != mine) fail("upgrade failed while a strong was held", id, r);
        cur_arc_weak_t *d = cur_arc_downgrade(c);
        cur_arc_weak_free(d);
        if (cur_arc_get_mut(mine)) fail("get_mut granted while shared", id, r);
        cur_arc_free(u);
        cur_arc_free(c);
    }
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (long r = 0; r < nrounds; r++) {
        pthread_barrier_wait(&start_line);
        enum mode mode = (enum mode)(r % MODES);
        cur_arc_t *mine = strong_for[id];
        cur_arc_weak_t *w = weak_for[id];

        if (mode == GET_MUT) {
            /*
             * Everyone holds a strong and no Weak: get_mut's lock races with
             * downgrades. With one thread the handle is unique, and get_mut
             * must say so.
             */
            bool alone = nthreads == 1;
            for (int k = 0; k < INNER; k++) {
                cur_arc_weak_t *d = cur_arc_downgrade(mine);
                cur_arc_weak_free(d);
                void *m = cur_arc_get_mut(mine);
                if (m && !alone) fail("get_mut granted while shared", id, r);
                if (!m && alone) fail("get_mut refused the only handle", id, r);
                cur_arc_free(cur_arc_clone(mine));
            }
            pthread_barrier_wait(&mid_line); /* all still hold theirs */
            cur_arc_free(mine);
        } else {
            if (mine) {
                strong_work(mine, w, id, r);
                payload_t out;
                if (mode == BY_TRY_UNWRAP &&
                    cur_arc_try_unwrap(mine, &out) == 0)
                    cur_type_drop(&payload_type, &out, NULL); /* ours now */
                else
                    cur_arc_free(mine);
            }
            upgrade_until_gone(w, 4 * INNER, id, r);
            pthread_barrier_wait(&mid_line);
            /* Every strong handle is gone now: upgrades must fail. */
            if (cur_arc_weak_upgrade(w)) fail("upgrade after the end", id, r);
            if (cur_arc_weak_strong_count(w) != 0) fail("strong count", id, r);
            cur_arc_weak_free(w); /* the last of these frees the block */
        }
        pthread_barrier_wait(&end_line);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    nthreads = argc > 1 ? atoi(argv[1]) : 4;
    nrounds = argc > 2 ? atol(argv[2]) : 10000;
    if (nthreads < 1 || nthreads > MAX_THREADS || nrounds < 1) {
        fprintf(stderr, "usage: arc_weak [threads 1..%d] [rounds]\n",
                MAX_THREADS);
        return 1;
    }
    unsigned parties = (unsigned)nthreads + 1;
    pthread_barrier_init(&start_line, NULL, parties);
    pthread_barrier_init(&mid_line, NULL, parties);
    pthread_barrier_init(&end_line, NULL, parties);
    pthread_t th[MAX_THREADS];
    for (int t = 0; t < nthreads; t++)
        pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);

    long bad_rounds = 0;
    for (long r = 0; r < nrounds; r++) {
        enum mode mode = (enum mode)(r % MODES);
        atomic_store(&drops, 0);
        atomic_store(&dropping, false);
        atomic_store(&seen_gone, false);
        payload_t init = {.magic = MAGIC_LIVE, .data = {1, 2, 3, 4, 5, 6}};
        cur_arc_t *a;
        if (cur_arc_new(&a, &counting, &payload_type, &init) != 0) {
            fprintf(stderr, "arc_weak: cur_arc_new failed\n");
            return 1;
        }
        for (int t = 0; t < nthreads; t++) {
            bool strong = mode == GET_MUT || nthreads == 1 || (t + r) % 2 == 0;
            strong_for[t] = strong ? cur_arc_clone(a) : NULL;
            weak_for[t] = mode == GET_MUT ? NULL : cur_arc_downgrade(a);
        }
        cur_arc_free(a); /* only the threads hold it now */
        pthread_barrier_wait(&start_line);
        pthread_barrier_wait(&mid_line);
        pthread_barrier_wait(&end_line);
        if (atomic_load(&drops) != 1) {
            fprintf(stderr, "arc_weak: round %ld: %d drops\n", r,
                    atomic_load(&drops));
            bad_rounds++;
        }
        if (atomic_load(&live_blocks) != 0 || atomic_load(&live_bytes) != 0) {
            fprintf(stderr, "arc_weak: round %ld: %ld blocks (%ld B) live\n", r,
                    atomic_load(&live_blocks), atomic_load(&live_bytes));
            bad_rounds++;
        }
        if (bad_rounds > 10) break;
    }
    for (int t = 0; t < nthreads && bad_rounds <= 10; t++)
        pthread_join(th[t], NULL);
    if (bad_rounds || atomic_load(&failures)) {
        fprintf(stderr, "arc_weak: FAILED (%ld bad rounds, %d failures)\n",
                bad_rounds, atomic_load(&failures));
        return 1;
    }
    printf("arc_weak: %d threads x %ld rounds: ok\n", nthreads, nrounds);
    return 0;
}
