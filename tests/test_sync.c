/*
 * Tests of curriculum/sync.h: Mutex, RwLock, Condvar, Once, OnceLock and
 * backoff, with poisoning through caught panics. Concurrent tests use real
 * threads and a .timeout; none asserts an upper bound on time.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Panics in these tests are expected: keep stderr quiet. */
static void silent_hook(const cur_panic_info_t *info, void *ctx)
{
    (void)info;
    (void)ctx;
}

static void quiet(void) { cur_panic_set_hook(silent_hook, NULL, NULL, NULL); }

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(int ms) { usleep((useconds_t)ms * 1000); }

/* --- Mutex: basics -------------------------------------------------------- */

Test(sync, mutex_lock_unlock_and_relock)
{
    cur_mutex_t m;
    cr_assert_eq(cur_mutex_init(&m), 0);
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_lock(&m, &g), 0);
    cr_assert_eq(g.mutex, &m);
    cur_mutex_unlock(&g);
    cr_assert_null(g.mutex);
    /* The same guard can take the lock again. */
    cr_assert_eq(cur_mutex_lock(&m, &g), 0);
    cur_mutex_unlock(&g);
    cur_mutex_destroy(&m);
}

Test(sync, static_initializers_and_zeroed_objects_work)
{
    static cur_mutex_t m = CUR_MUTEX_INIT;
    static cur_rwlock_t rw = CUR_RWLOCK_INIT;
    static cur_condvar_t cv = CUR_CONDVAR_INIT;
    static cur_once_t once = CUR_ONCE_INIT;
    static cur_oncelock_t cell = CUR_ONCELOCK_INIT;
    cur_mutex_t zm;
    memset(&zm, 0, sizeof zm);
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_lock(&m, &g), 0);
    cur_condvar_notify_all(&cv);
    cur_mutex_unlock(&g);
    cr_assert_eq(cur_mutex_lock(&zm, &g), 0);
    cur_mutex_unlock(&g);
    cur_rwlock_write_guard_t w;
    cr_assert_eq(cur_rwlock_write(&rw, &w), 0);
    cur_rwlock_write_unlock(&w);
    cr_assert_not(cur_once_is_completed(&once));
    cr_assert_null(cur_oncelock_get(&cell));
}

Test(sync, destroy_of_null_and_zeroed_objects_is_a_no_op)
{
    cur_mutex_destroy(NULL);
    cur_rwlock_destroy(NULL);
    cur_condvar_destroy(NULL);
    cur_once_destroy(NULL);
    cur_oncelock_destroy(NULL);
    cur_mutex_t m = {0};
    cur_rwlock_t rw = {0};
    cur_condvar_t cv = {0};
    cur_once_t o = {0};
    cur_oncelock_t c = {0};
    cur_mutex_destroy(&m);
    cur_rwlock_destroy(&rw);
    cur_condvar_destroy(&cv);
    cur_once_destroy(&o);
    cur_oncelock_destroy(&c);
    cr_assert_not(cur_mutex_is_poisoned(&m));
}

Test(sync, try_lock_is_busy_while_held_and_writes_no_guard)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_mutex_guard_t g, g2;
    memset(&g2, 0xAB, sizeof g2);
    cur_mutex_guard_t before = g2;
    cr_assert_eq(cur_mutex_try_lock(&m, &g), 0);
    cr_assert_eq(cur_mutex_try_lock(&m, &g2), CUR_EBUSY);
    cr_assert_eq(memcmp(&g2, &before, sizeof g2), 0, "guard written on EBUSY");
    cur_mutex_unlock(&g);
    cr_assert_eq(cur_mutex_try_lock(&m, &g2), 0);
    cur_mutex_unlock(&g2);
    cur_mutex_destroy(&m);
}

struct try_from_thread {
    cur_mutex_t *m;
    int rc;
};

static void *try_lock_thread(void *arg)
{
    struct try_from_thread *t = arg;
    cur_mutex_guard_t g;
    t->rc = cur_mutex_try_lock(t->m, &g);
    if (t->rc >= 0) cur_mutex_unlock(&g);
    return NULL;
}

Test(sync, try_lock_from_another_thread_sees_the_lock, .timeout = 10)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    struct try_from_thread t = {&m, 1};
    pthread_t th;
    pthread_create(&th, NULL, try_lock_thread, &t);
    pthread_join(th, NULL);
    cr_assert_eq(t.rc, CUR_EBUSY);
    cur_mutex_unlock(&g);
    pthread_create(&th, NULL, try_lock_thread, &t);
    pthread_join(th, NULL);
    cr_assert_eq(t.rc, 0);
}

Test(sync, scoped_guard_unlocks_at_end_of_block)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    int data = 0;
    {
        CUR_MUTEX_LOCK(g, &m);
        cr_assert_eq(g.mutex, &m);
        data++;
        cur_mutex_guard_t other;
        cr_assert_eq(cur_mutex_try_lock(&m, &other), CUR_EBUSY);
    }
    cur_mutex_guard_t g2;
    cr_assert_eq(cur_mutex_try_lock(&m, &g2), 0, "scope end did not unlock");
    cur_mutex_unlock(&g2);
    cr_assert_eq(data, 1);
}

Test(sync, scoped_guard_released_early_is_not_released_twice)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    {
        CUR_MUTEX_LOCK(g, &m);
        cur_mutex_unlock(&g); /* drop(guard) */
        cr_assert_null(g.mutex);
        cur_mutex_guard_t g2;
        cr_assert_eq(cur_mutex_try_lock(&m, &g2), 0);
        cur_mutex_unlock(&g2);
    } /* the cleanup sees a released guard and does nothing */
    cur_mutex_guard_t g3;
    cr_assert_eq(cur_mutex_try_lock(&m, &g3), 0);
    cur_mutex_unlock(&g3);
    cur_mutex_destroy(&m);
}

struct counter {
    cur_mutex_t lock;
    long value; /* guarded by lock; deliberately not atomic */
    long iters;
};

static void *count_up(void *arg)
{
    struct counter *c = arg;
    for (long i = 0; i < c->iters; i++) {
        CUR_MUTEX_LOCK(g, &c->lock);
        c->value++;
    }
    return NULL;
}

Test(sync, mutex_excludes_across_threads, .timeout = 30)
{
    struct counter c = {CUR_MUTEX_INIT, 0, 200000};
    pthread_t th[4];
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, count_up, &c);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    cr_assert_eq(c.value, 4 * c.iters);
    cur_mutex_destroy(&c.lock);
}

/* --- Mutex: poisoning ----------------------------------------------------- */

struct account {
    cur_mutex_t lock;
    long balance;
    long pending;
};

static void transfer_and_panic(void *arg)
{
    struct account *a = arg;
    cur_mutex_guard_t g;
    cur_mutex_lock(&a->lock, &g);
    a->balance -= 50; /* half of an update ... */
    CUR_PANIC("interrupted transfer");
    a->pending += 50; /* ... the other half never runs */
}

static void transfer_and_panic_scoped(void *arg)
{
    struct account *a = arg;
    CUR_MUTEX_LOCK(g, &a->lock);
    a->balance -= 50;
    CUR_PANIC("interrupted transfer");
}

Test(sync, panic_while_holding_guard_poisons_and_releases, .init = quiet)
{
    struct account a = {CUR_MUTEX_INIT, 100, 0};
    cr_assert_eq(cur_catch_unwind(transfer_and_panic, &a, NULL), CUR_EPANIC);
    cr_assert(cur_mutex_is_poisoned(&a.lock));
    /* Released by the unwind guard: the lock is free again. */
    cur_mutex_guard_t g;
    int rc = cur_mutex_lock(&a.lock, &g);
    cr_assert_eq(rc, CUR_EPOISONED);
    /* PoisonError::into_inner: the guard holds the lock and the data is
     * reachable, half-updated. */
    cr_assert_eq(g.mutex, &a.lock);
    cr_assert_eq(a.balance, 50);
    cr_assert_eq(a.pending, 0);
    cur_mutex_guard_t other;
    cr_assert_eq(cur_mutex_try_lock(&a.lock, &other), CUR_EBUSY);
    a.balance = 100; /* repair, then clear */
    cur_mutex_clear_poison(&a.lock);
    cur_mutex_unlock(&g);
    cr_assert_eq(cur_mutex_lock(&a.lock, &g), 0);
    cur_mutex_unlock(&g);
    cur_mutex_destroy(&a.lock);
}

Test(sync, panic_in_scoped_guard_poisons, .init = quiet)
{
    struct account a = {CUR_MUTEX_INIT, 100, 0};
    cr_assert_eq(cur_catch_unwind(transfer_and_panic_scoped, &a, NULL),
                 CUR_EPANIC);
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_try_lock(&a.lock, &g), CUR_EPOISONED);
    cr_assert_eq(a.balance, 50);
    cur_mutex_unlock(&g);
}

Test(sync, poison_is_sticky_until_cleared, .init = quiet)
{
    struct account a = {CUR_MUTEX_INIT, 100, 0};
    cur_catch_unwind(transfer_and_panic, &a, NULL);
    cur_mutex_guard_t g;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(cur_mutex_lock(&a.lock, &g), CUR_EPOISONED);
        cur_mutex_unlock(&g);
    }
    cur_mutex_clear_poison(&a.lock);
    cr_assert_not(cur_mutex_is_poisoned(&a.lock));
    cr_assert_eq(cur_mutex_lock(&a.lock, &g), 0);
    cur_mutex_unlock(&g);
}

static void lock_unlock_then_panic(void *arg)
{
    struct account *a = arg;
    {
        CUR_MUTEX_LOCK(g, &a->lock);
        a->balance++;
    }
    CUR_PANIC("not holding the lock");
}

Test(sync, panic_not_holding_the_lock_does_not_poison, .init = quiet)
{
    struct account a = {CUR_MUTEX_INIT, 0, 0};
    cr_assert_eq(cur_catch_unwind(lock_unlock_then_panic, &a, NULL),
                 CUR_EPANIC);
    cr_assert_not(cur_mutex_is_poisoned(&a.lock));
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_lock(&a.lock, &g), 0);
    cur_mutex_unlock(&g);
    cr_assert_eq(a.balance, 1);
}

static void panic_caught_inside_critical_section_inner(void *arg)
{
    (void)arg;
    CUR_PANIC("caught inside");
}

static void panic_caught_inside_critical_section(void *arg)
{
    struct account *a = arg;
    CUR_MUTEX_LOCK(g, &a->lock);
    int rc = cur_catch_unwind(panic_caught_inside_critical_section_inner,
                              NULL, NULL);
    a->pending = rc;
    /* The panic stopped at the inner boundary: this guard still holds. */
    a->balance = (g.mutex == &a->lock);
}

Test(sync, panic_caught_within_the_critical_section_does_not_poison,
     .init = quiet)
{
    struct account a = {CUR_MUTEX_INIT, 0, 0};
    cr_assert_eq(cur_catch_unwind(panic_caught_inside_critical_section, &a,
                                  NULL),
                 0);
    cr_assert_eq(a.pending, CUR_EPANIC);
    cr_assert_eq(a.balance, 1);
    cr_assert_not(cur_mutex_is_poisoned(&a.lock));
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_try_lock(&a.lock, &g), 0);
    cur_mutex_unlock(&g);
}

struct two {
    cur_mutex_t a, b, c;
};

static void nested_then_panic(void *arg)
{
    struct two *t = arg;
    CUR_MUTEX_LOCK(ga, &t->a);
    {
        CUR_MUTEX_LOCK(gc, &t->c); /* released before the panic */
    }
    cur_mutex_guard_t gb;
    cur_mutex_lock(&t->b, &gb);
    CUR_PANIC("with two guards held");
}

Test(sync, nested_guards_are_all_poisoned_and_released, .init = quiet)
{
    struct two t = {CUR_MUTEX_INIT, CUR_MUTEX_INIT, CUR_MUTEX_INIT};
    cr_assert_eq(cur_catch_unwind(nested_then_panic, &t, NULL), CUR_EPANIC);
    cur_mutex_guard_t g1, g2, g3;
    cr_assert_eq(cur_mutex_try_lock(&t.a, &g1), CUR_EPOISONED);
    cr_assert_eq(cur_mutex_try_lock(&t.b, &g2), CUR_EPOISONED);
    cr_assert_eq(cur_mutex_try_lock(&t.c, &g3), 0, "released guard poisoned");
    cur_mutex_unlock(&g3);
    cur_mutex_unlock(&g2);
    cur_mutex_unlock(&g1);
}

Test(sync, nested_guards_release_in_reverse_order)
{
    struct two t = {CUR_MUTEX_INIT, CUR_MUTEX_INIT, CUR_MUTEX_INIT};
    cur_mutex_guard_t ga, gb;
    cr_assert_eq(cur_mutex_lock(&t.a, &ga), 0);
    cr_assert_eq(cur_mutex_lock(&t.b, &gb), 0);
    cur_mutex_unlock(&gb);
    cur_mutex_unlock(&ga);
    cur_mutex_destroy(&t.a);
    cur_mutex_destroy(&t.b);
}

struct poison_from_thread {
    cur_mutex_t lock;
    int rc_in_thread;
};

static void thread_body_panics(void *arg)
{
    struct poison_from_thread *p = arg;
    CUR_MUTEX_LOCK(g, &p->lock);
    CUR_PANIC("worker failed");
}

static void *worker_that_panics(void *arg)
{
    struct poison_from_thread *p = arg;
    p->rc_in_thread = cur_catch_unwind(thread_body_panics, p, NULL);
    return NULL;
}

Test(sync, panic_on_another_thread_poisons_for_everyone, .init = quiet,
     .timeout = 10)
{
    cur_panic_set_hook(silent_hook, NULL, NULL, NULL);
    struct poison_from_thread p = {CUR_MUTEX_INIT, 0};
    pthread_t th;
    pthread_create(&th, NULL, worker_that_panics, &p);
    pthread_join(th, NULL);
    cr_assert_eq(p.rc_in_thread, CUR_EPANIC);
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_lock(&p.lock, &g), CUR_EPOISONED);
    cur_mutex_unlock(&g);
}

/* --- Mutex: contract violations ------------------------------------------ */

Test(sync, destroy_of_a_locked_mutex_panics, .signal = SIGABRT, .init = quiet)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    cur_mutex_destroy(&m);
}

Test(sync, unlocking_twice_panics, .signal = SIGABRT, .init = quiet)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    cur_mutex_unlock(&g);
    cur_mutex_unlock(&g);
}

/* Hand-over-hand: release the older guard first, then poison the newer. */
static void hand_over_hand(void *arg)
{
    cur_mutex_t *m = arg;
    cur_mutex_guard_t ga, gb;
    cr_assert_eq(cur_mutex_lock(&m[0], &ga), 0);
    cr_assert_eq(cur_mutex_lock(&m[1], &gb), 0);
    cur_mutex_unlock(&ga); /* older first: allowed */
    CUR_PANIC("holding only b");
}

Test(sync, guards_can_be_released_in_any_order, .init = quiet)
{
    cur_mutex_t m[2] = {CUR_MUTEX_INIT, CUR_MUTEX_INIT};
    cr_assert_eq(cur_catch_unwind(hand_over_hand, m, NULL), CUR_EPANIC);
    cur_mutex_guard_t g;
    cr_assert_eq(cur_mutex_lock(&m[0], &g), 0, "a was released cleanly");
    cur_mutex_unlock(&g);
    cr_assert_eq(cur_mutex_lock(&m[1], &g), CUR_EPOISONED,
                 "b was held by the panic and poisoned");
    cur_mutex_unlock(&g);
}

Test(sync, lock_of_null_panics, .signal = SIGABRT, .init = quiet)
{
    cur_mutex_guard_t g;
    cur_mutex_lock(NULL, &g);
}

/* --- RwLock --------------------------------------------------------------- */

Test(sync, rwlock_readers_share_and_exclude_writers)
{
    cur_rwlock_t rw;
    cr_assert_eq(cur_rwlock_init(&rw), 0);
    cur_rwlock_read_guard_t r1, r2;
    cur_rwlock_write_guard_t w;
    cr_assert_eq(cur_rwlock_read(&rw, &r1), 0);
    cr_assert_eq(cur_rwlock_try_read(&rw, &r2), 0);
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), CUR_EBUSY);
    cur_rwlock_read_unlock(&r2);
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), CUR_EBUSY);
    cur_rwlock_read_unlock(&r1);
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), 0);
    cr_assert_eq(cur_rwlock_try_read(&rw, &r1), CUR_EBUSY);
    cur_rwlock_write_guard_t w2;
    cr_assert_eq(cur_rwlock_try_write(&rw, &w2), CUR_EBUSY);
    cur_rwlock_write_unlock(&w);
    cr_assert_null(w.lock);
    cur_rwlock_destroy(&rw);
}

Test(sync, rwlock_scoped_guards_release_at_end_of_block)
{
    cur_rwlock_t rw = CUR_RWLOCK_INIT;
    {
        CUR_RWLOCK_READ(r, &rw);
        CUR_RWLOCK_READ(r2, &rw);
        cr_assert_eq(r2.lock, &rw);
    }
    {
        CUR_RWLOCK_WRITE(w, &rw);
        cr_assert_eq(w.lock, &rw);
    }
    cur_rwlock_write_guard_t w;
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), 0);
    cur_rwlock_write_unlock(&w);
    cur_rwlock_destroy(&rw);
}

struct readers_at_once {
    cur_rwlock_t rw;
    pthread_barrier_t all_inside;
    atomic_int inside;
    int max_inside;
};

static void *reader_waits_for_the_others(void *arg)
{
    struct readers_at_once *r = arg;
    CUR_RWLOCK_READ(g, &r->rw);
    atomic_fetch_add(&r->inside, 1);
    /* Every reader must be inside at once to pass this barrier; with an
     * exclusive lock the test would hang and hit its timeout. */
    pthread_barrier_wait(&r->all_inside);
    return NULL;
}

Test(sync, rwlock_many_readers_hold_it_at_once, .timeout = 10)
{
    enum { N = 6 };
    struct readers_at_once r = {.rw = CUR_RWLOCK_INIT};
    pthread_barrier_init(&r.all_inside, NULL, N);
    pthread_t th[N];
    for (int i = 0; i < N; i++)
        pthread_create(&th[i], NULL, reader_waits_for_the_others, &r);
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&r.inside), N);
    pthread_barrier_destroy(&r.all_inside);
    cur_rwlock_destroy(&r.rw);
}

struct pair {
    cur_rwlock_t rw;
    long a, b; /* writers keep a + b == 0; guarded by rw */
    long iters;
    atomic_long bad;
};

static void *pair_writer(void *arg)
{
    struct pair *p = arg;
    for (long i = 0; i < p->iters; i++) {
        CUR_RWLOCK_WRITE(w, &p->rw);
        p->a++;
        p->b--;
    }
    return NULL;
}

static void *pair_reader(void *arg)
{
    struct pair *p = arg;
    for (long i = 0; i < p->iters; i++) {
        CUR_RWLOCK_READ(r, &p->rw);
        if (p->a + p->b != 0) atomic_fetch_add(&p->bad, 1);
    }
    return NULL;
}

Test(sync, rwlock_writers_are_exclusive_against_readers, .timeout = 60)
{
    struct pair p = {.rw = CUR_RWLOCK_INIT, .iters = 50000};
    pthread_t th[4];
    pthread_create(&th[0], NULL, pair_writer, &p);
    pthread_create(&th[1], NULL, pair_writer, &p);
    pthread_create(&th[2], NULL, pair_reader, &p);
    pthread_create(&th[3], NULL, pair_reader, &p);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&p.bad), 0);
    cr_assert_eq(p.a, 2 * p.iters);
    cr_assert_eq(p.b, -2 * p.iters);
    cur_rwlock_destroy(&p.rw);
}

struct waiting_writer {
    cur_rwlock_t rw;
    atomic_bool wrote;
};

static void *writer_blocks(void *arg)
{
    struct waiting_writer *w = arg;
    CUR_RWLOCK_WRITE(g, &w->rw);
    atomic_store(&w->wrote, true);
    return NULL;
}

Test(sync, rwlock_prefers_a_waiting_writer_over_new_readers, .timeout = 10)
{
    struct waiting_writer w = {.rw = CUR_RWLOCK_INIT};
    cur_rwlock_read_guard_t r;
    cur_rwlock_read(&w.rw, &r);
    pthread_t th;
    pthread_create(&th, NULL, writer_blocks, &w);
    /* While no writer waits, more readers may enter; once the writer has
     * queued, try_read must refuse. Poll until it does (the .timeout bounds
     * this if the writer never queues). */
    for (;;) {
        cur_rwlock_read_guard_t r2;
        int rc = cur_rwlock_try_read(&w.rw, &r2);
        if (rc == CUR_EBUSY) break;
        cr_assert_eq(rc, 0);
        cur_rwlock_read_unlock(&r2);
        sleep_ms(1);
    }
    cr_assert_not(atomic_load(&w.wrote));
    cur_rwlock_read_unlock(&r);
    pthread_join(th, NULL);
    cr_assert(atomic_load(&w.wrote));
    cur_rwlock_destroy(&w.rw);
}

static void write_then_panic(void *arg)
{
    cur_rwlock_t *rw = arg;
    CUR_RWLOCK_WRITE(w, rw);
    CUR_PANIC("writer failed");
}

static void read_then_panic(void *arg)
{
    cur_rwlock_t *rw = arg;
    CUR_RWLOCK_READ(r, rw);
    CUR_PANIC("reader failed");
}

Test(sync, rwlock_read_guard_panic_releases_without_poisoning, .init = quiet)
{
    cur_rwlock_t rw = CUR_RWLOCK_INIT;
    cr_assert_eq(cur_catch_unwind(read_then_panic, &rw, NULL), CUR_EPANIC);
    cr_assert_not(cur_rwlock_is_poisoned(&rw));
    cur_rwlock_write_guard_t w;
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), 0, "read lock leaked");
    cur_rwlock_write_unlock(&w);
    cur_rwlock_destroy(&rw);
}

Test(sync, rwlock_write_guard_panic_poisons_readers_and_writers,
     .init = quiet)
{
    cur_rwlock_t rw = CUR_RWLOCK_INIT;
    cr_assert_eq(cur_catch_unwind(write_then_panic, &rw, NULL), CUR_EPANIC);
    cr_assert(cur_rwlock_is_poisoned(&rw));
    cur_rwlock_read_guard_t r;
    cur_rwlock_write_guard_t w;
    cr_assert_eq(cur_rwlock_read(&rw, &r), CUR_EPOISONED);
    cr_assert_eq(r.lock, &rw, "poisoned read must still grant the lock");
    cr_assert_eq(cur_rwlock_try_write(&rw, &w), CUR_EBUSY);
    cur_rwlock_read_unlock(&r);
    cr_assert_eq(cur_rwlock_write(&rw, &w), CUR_EPOISONED);
    cur_rwlock_clear_poison(&rw);
    cur_rwlock_write_unlock(&w);
    cr_assert_eq(cur_rwlock_try_read(&rw, &r), 0);
    cur_rwlock_read_unlock(&r);
    cur_rwlock_destroy(&rw);
}

Test(sync, rwlock_destroy_while_read_locked_panics, .signal = SIGABRT,
     .init = quiet)
{
    cur_rwlock_t rw = CUR_RWLOCK_INIT;
    cur_rwlock_read_guard_t r;
    cur_rwlock_read(&rw, &r);
    cur_rwlock_destroy(&rw);
}

Test(sync, rwlock_read_unlock_twice_panics, .signal = SIGABRT, .init = quiet)
{
    cur_rwlock_t rw = CUR_RWLOCK_INIT;
    cur_rwlock_read_guard_t r;
    cur_rwlock_read(&rw, &r);
    cur_rwlock_read_unlock(&r);
    cur_rwlock_read_unlock(&r);
}

/* --- Condvar -------------------------------------------------------------- */

Test(sync, condvar_wait_timeout_times_out_after_at_least_the_timeout,
     .timeout = 10)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_condvar_t cv;
    cr_assert_eq(cur_condvar_init(&cv), 0);
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    const int64_t timeout = 30 * 1000000;
    int64_t t0 = now_ns();
    int rc;
    /* A spurious wakeup returns 0 early; only a timeout ends this loop. */
    do {
        int64_t left = timeout - (now_ns() - t0);
        rc = cur_condvar_wait_timeout(&cv, &g, left > 0 ? left : 0);
    } while (rc == 0);
    int64_t waited = now_ns() - t0;
    cr_assert_eq(rc, CUR_ETIMEDOUT);
    cr_assert_geq(waited, timeout, "timed out after %lld ns",
                  (long long)waited);
    cr_assert_eq(g.mutex, &m, "lock must be held again");
    cur_mutex_guard_t other;
    cr_assert_eq(cur_mutex_try_lock(&m, &other), CUR_EBUSY);
    cur_mutex_unlock(&g);
    cur_condvar_destroy(&cv);
    cur_mutex_destroy(&m);
}

Test(sync, condvar_wait_until_a_past_deadline_times_out, .timeout = 10)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_condvar_t cv = CUR_CONDVAR_INIT;
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    struct timespec past = {0, 0};
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, &past), CUR_ETIMEDOUT);
    struct timespec negative = {-5, 0};
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, &negative), CUR_ETIMEDOUT);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, &now), CUR_ETIMEDOUT);
    cr_assert_eq(cur_condvar_wait_timeout(&cv, &g, 0), CUR_ETIMEDOUT);
    cr_assert_eq(g.mutex, &m);
    cur_mutex_unlock(&g);
}

Test(sync, condvar_rejects_bad_timeouts_without_releasing)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_condvar_t cv = CUR_CONDVAR_INIT;
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    cr_assert_eq(cur_condvar_wait_timeout(&cv, &g, -1), CUR_EINVAL);
    struct timespec bad = {1, 1000000000};
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, &bad), CUR_EINVAL);
    bad.tv_nsec = -1;
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, &bad), CUR_EINVAL);
    cr_assert_eq(cur_condvar_wait_until(&cv, &g, NULL), CUR_EINVAL);
    cur_mutex_guard_t other;
    cr_assert_eq(cur_mutex_try_lock(&m, &other), CUR_EBUSY);
    cur_mutex_unlock(&g);
}

struct mailbox {
    cur_mutex_t lock;
    cur_condvar_t cv;
    bool ready;   /* guarded by lock */
    int waiting;  /* guarded by lock: waiters that have checked `ready` */
    int woken;    /* guarded by lock */
    int last_rc;  /* guarded by lock */
};

static void *mailbox_waiter(void *arg)
{
    struct mailbox *mb = arg;
    CUR_MUTEX_LOCK(g, &mb->lock);
    mb->waiting++;
    int rc = 0;
    while (!mb->ready) rc = cur_condvar_wait(&mb->cv, &g);
    mb->woken++;
    mb->last_rc = rc;
    return NULL;
}

static void wait_until_waiting(struct mailbox *mb, int n)
{
    for (;;) {
        cur_mutex_guard_t g;
        cur_mutex_lock(&mb->lock, &g);
        int w = mb->waiting;
        cur_mutex_unlock(&g);
        if (w >= n) return;
        sleep_ms(1);
    }
}

Test(sync, condvar_notify_one_wakes_a_waiter, .timeout = 10)
{
    struct mailbox mb = {.lock = CUR_MUTEX_INIT, .cv = CUR_CONDVAR_INIT};
    pthread_t th;
    pthread_create(&th, NULL, mailbox_waiter, &mb);
    wait_until_waiting(&mb, 1);
    {
        CUR_MUTEX_LOCK(g, &mb.lock);
        mb.ready = true;
    }
    cur_condvar_notify_one(&mb.cv);
    pthread_join(th, NULL); /* hangs (and times out) if the wake is lost */
    cr_assert_eq(mb.woken, 1);
    cr_assert_eq(mb.last_rc, 0);
    cur_condvar_destroy(&mb.cv);
}

Test(sync, condvar_notify_all_wakes_every_waiter, .timeout = 10)
{
    enum { N = 5 };
    struct mailbox mb = {.lock = CUR_MUTEX_INIT, .cv = CUR_CONDVAR_INIT};
    pthread_t th[N];
    for (int i = 0; i < N; i++)
        pthread_create(&th[i], NULL, mailbox_waiter, &mb);
    wait_until_waiting(&mb, N);
    {
        CUR_MUTEX_LOCK(g, &mb.lock);
        mb.ready = true;
        cur_condvar_notify_all(&mb.cv); /* under the lock also works */
    }
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    cr_assert_eq(mb.woken, N);
    cur_condvar_destroy(&mb.cv);
}

Test(sync, condvar_notify_without_waiters_is_not_remembered, .timeout = 10)
{
    cur_mutex_t m = CUR_MUTEX_INIT;
    cur_condvar_t cv = CUR_CONDVAR_INIT;
    cur_condvar_notify_one(&cv);
    cur_condvar_notify_all(&cv);
    cur_mutex_guard_t g;
    cur_mutex_lock(&m, &g);
    /* A remembered notify would return 0 at once; the wait must time out
     * (a spurious 0 is allowed, so retry a few times). */
    int rc = 0;
    for (int i = 0; i < 100 && rc == 0; i++)
        rc = cur_condvar_wait_timeout(&cv, &g, 2000000);
    cr_assert_eq(rc, CUR_ETIMEDOUT);
    cur_mutex_unlock(&g);
}

static void set_ready_and_panic(void *arg)
{
    struct mailbox *mb = arg;
    CUR_MUTEX_LOCK(g, &mb->lock);
    mb->ready = true;
    CUR_PANIC("producer failed mid-update");
}

Test(sync, condvar_wait_reports_poison_on_reacquire, .init = quiet,
     .timeout = 10)
{
    struct mailbox mb = {.lock = CUR_MUTEX_INIT, .cv = CUR_CONDVAR_INIT};
    pthread_t th;
    pthread_create(&th, NULL, mailbox_waiter, &mb);
    wait_until_waiting(&mb, 1);
    cr_assert_eq(cur_catch_unwind(set_ready_and_panic, &mb, NULL), CUR_EPANIC);
    cur_condvar_notify_all(&mb.cv);
    pthread_join(th, NULL);
    cr_assert_eq(mb.woken, 1);
    cr_assert_eq(mb.last_rc, CUR_EPOISONED);
}

Test(sync, condvar_wait_without_a_held_guard_panics, .signal = SIGABRT,
     .init = quiet)
{
    cur_condvar_t cv = CUR_CONDVAR_INIT;
    cur_mutex_guard_t g = {0};
    cur_condvar_wait(&cv, &g);
}

/* --- Once ----------------------------------------------------------------- */

struct once_race {
    cur_once_t once;
    pthread_barrier_t start;
    atomic_int runs;
    int value;          /* written by the initializer only */
    atomic_int seen_ok; /* callers that saw value set on return */
};

static void slow_init(void *arg)
{
    struct once_race *r = arg;
    atomic_fetch_add(&r->runs, 1);
    sleep_ms(20); /* let the other threads pile up and wait */
    r->value = 42;
}

static void *once_caller(void *arg)
{
    struct once_race *r = arg;
    pthread_barrier_wait(&r->start);
    cur_once_call(&r->once, slow_init, r);
    if (r->value == 42) atomic_fetch_add(&r->seen_ok, 1);
    return NULL;
}

Test(sync, once_runs_exactly_once_across_threads, .timeout = 10)
{
    enum { N = 8 };
    struct once_race r = {.once = CUR_ONCE_INIT};
    pthread_barrier_init(&r.start, NULL, N);
    pthread_t th[N];
    for (int i = 0; i < N; i++) pthread_create(&th[i], NULL, once_caller, &r);
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    cr_assert_eq(atomic_load(&r.runs), 1);
    cr_assert_eq(atomic_load(&r.seen_ok), N);
    cr_assert(cur_once_is_completed(&r.once));
    cur_once_call(&r.once, slow_init, &r); /* completed: no second run */
    cr_assert_eq(atomic_load(&r.runs), 1);
    pthread_barrier_destroy(&r.start);
    cur_once_destroy(&r.once);
}

static void init_panics(void *arg)
{
    ++*(int *)arg;
    CUR_PANIC("initializer failed");
}

static void init_counts(void *arg) { ++*(int *)arg; }

struct once_call_args {
    cur_once_t *once;
    int *runs;
};

static void call_once_init_panics(void *arg)
{
    struct once_call_args *a = arg;
    cur_once_call(a->once, init_panics, a->runs);
}

static void call_once_init_counts(void *arg)
{
    struct once_call_args *a = arg;
    cur_once_call(a->once, init_counts, a->runs);
}

static void force_init(void *arg, bool poisoned)
{
    int *p = arg;
    p[0]++;
    p[1] = poisoned;
}

Test(sync, once_with_a_panicking_initializer_is_poisoned, .init = quiet)
{
    cur_once_t once = CUR_ONCE_INIT;
    int runs = 0;
    struct once_call_args a = {&once, &runs};
    cr_assert_eq(cur_catch_unwind(call_once_init_panics, &a, NULL),
                 CUR_EPANIC);
    cr_assert_eq(runs, 1);
    cr_assert_not(cur_once_is_completed(&once));
    cr_assert(cur_once_is_poisoned(&once));
    /* A later call_once panics instead of running its initializer. */
    cur_panic_info_t info;
    cr_assert_eq(cur_catch_unwind(call_once_init_counts, &a, &info),
                 CUR_EPANIC);
    cr_assert_eq(runs, 1);
    cr_assert_str_eq(info.message, "Once instance has previously been poisoned");
    /* call_once_force runs, told about the poison, and completes it. */
    int st[2] = {0, 0};
    cur_once_call_force(&once, force_init, st);
    cr_assert_eq(st[0], 1);
    cr_assert_eq(st[1], 1);
    cr_assert(cur_once_is_completed(&once));
    cr_assert_not(cur_once_is_poisoned(&once));
    cur_once_call(&once, init_counts, &runs);
    cur_once_call_force(&once, force_init, st);
    cr_assert_eq(runs, 1);
    cr_assert_eq(st[0], 1);
}

Test(sync, once_force_on_a_fresh_once_reports_no_poison)
{
    cur_once_t once;
    cur_once_init(&once);
    int st[2] = {0, 7};
    cur_once_call_force(&once, force_init, st);
    cr_assert_eq(st[0], 1);
    cr_assert_eq(st[1], 0);
}

struct once_panic_race {
    cur_once_t once;
    atomic_bool started;
    atomic_bool release_runner;
    int runner_rc;
    int waiter_rc;
    int waiter_runs;
};

static void runner_init(void *arg)
{
    struct once_panic_race *r = arg;
    atomic_store(&r->started, true);
    while (!atomic_load(&r->release_runner)) sleep_ms(1);
    CUR_PANIC("runner failed");
}

static void runner_body(void *arg)
{
    struct once_panic_race *r = arg;
    cur_once_call(&r->once, runner_init, r);
}

static void *once_runner_thread(void *arg)
{
    struct once_panic_race *r = arg;
    cur_panic_set_hook(silent_hook, NULL, NULL, NULL);
    r->runner_rc = cur_catch_unwind(runner_body, r, NULL);
    return NULL;
}

static void waiter_body(void *arg)
{
    struct once_panic_race *r = arg;
    cur_once_call(&r->once, init_counts, &r->waiter_runs);
}

static void *once_waiter_thread(void *arg)
{
    struct once_panic_race *r = arg;
    r->waiter_rc = cur_catch_unwind(waiter_body, r, NULL);
    return NULL;
}

Test(sync, once_waiters_panic_when_the_running_initializer_panics,
     .init = quiet, .timeout = 10)
{
    struct once_panic_race r = {.once = CUR_ONCE_INIT};
    pthread_t runner, waiter;
    pthread_create(&runner, NULL, once_runner_thread, &r);
    while (!atomic_load(&r.started)) sleep_ms(1);
    pthread_create(&waiter, NULL, once_waiter_thread, &r);
    /* Give the waiter time to queue on the running Once. If it arrives
     * late it finds the Once poisoned: the outcome is the same. */
    sleep_ms(50);
    atomic_store(&r.release_runner, true);
    pthread_join(runner, NULL);
    pthread_join(waiter, NULL);
    cr_assert_eq(r.runner_rc, CUR_EPANIC);
    cr_assert_eq(r.waiter_rc, CUR_EPANIC);
    cr_assert_eq(r.waiter_runs, 0);
    cr_assert(cur_once_is_poisoned(&r.once));
}

Test(sync, once_call_on_a_poisoned_once_without_boundary_aborts,
     .signal = SIGABRT, .init = quiet)
{
    cur_once_t once = CUR_ONCE_INIT;
    int runs = 0;
    struct once_call_args a = {&once, &runs};
    cur_catch_unwind(call_once_init_panics, &a, NULL);
    cur_once_call(&once, init_counts, &runs);
}

/* --- OnceLock ------------------------------------------------------------- */

Test(sync, oncelock_set_then_get)
{
    cur_oncelock_t c;
    cr_assert_eq(cur_oncelock_init(&c), 0);
    int x = 1, y = 2;
    cr_assert_null(cur_oncelock_get(&c));
    cr_assert_eq(cur_oncelock_set(&c, NULL), CUR_EINVAL);
    cr_assert_eq(cur_oncelock_set(&c, &x), 0);
    cr_assert_eq(cur_oncelock_get(&c), &x);
    cr_assert_eq(cur_oncelock_set(&c, &y), CUR_EBUSY);
    cr_assert_eq(cur_oncelock_get(&c), &x);
    cr_assert_eq(cur_oncelock_take(&c), &x);
    cr_assert_null(cur_oncelock_get(&c));
    cr_assert_null(cur_oncelock_take(&c));
    cr_assert_eq(cur_oncelock_set(&c, &y), 0);
    cr_assert_eq(cur_oncelock_get(&c), &y);
    cur_oncelock_destroy(&c);
}

static int the_answer = 42;

static void *init_answer(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
    return &the_answer;
}

Test(sync, oncelock_get_or_init_runs_init_once)
{
    cur_oncelock_t c = CUR_ONCELOCK_INIT;
    atomic_int runs = 0;
    cr_assert_eq(cur_oncelock_get_or_init(&c, init_answer, &runs),
                 &the_answer);
    cr_assert_eq(cur_oncelock_get_or_init(&c, init_answer, &runs),
                 &the_answer);
    cr_assert_eq(atomic_load(&runs), 1);
    int other = 0;
    cr_assert_eq(cur_oncelock_set(&c, &other), CUR_EBUSY);
}

static int failing_init(void *arg, void **value)
{
    (void)value;
    ++*(int *)arg;
    return CUR_ENOMEM;
}

static int succeeding_init(void *arg, void **value)
{
    ++*(int *)arg;
    *value = &the_answer;
    return 0;
}

Test(sync, oncelock_failed_try_init_leaves_the_cell_empty)
{
    cur_oncelock_t c = CUR_ONCELOCK_INIT;
    int runs = 0;
    void *out = &runs;
    cr_assert_eq(cur_oncelock_get_or_try_init(&c, failing_init, &runs, &out),
                 CUR_ENOMEM);
    cr_assert_eq(out, &runs, "out written on failure");
    cr_assert_null(cur_oncelock_get(&c));
    cr_assert_eq(cur_oncelock_get_or_try_init(&c, succeeding_init, &runs,
                                              &out),
                 0);
    cr_assert_eq(out, &the_answer);
    cr_assert_eq(cur_oncelock_get_or_try_init(&c, failing_init, &runs, &out),
                 0);
    cr_assert_eq(runs, 2);
}

static void *init_that_panics(void *arg)
{
    (void)arg;
    CUR_PANIC("cannot build the value");
}

static void call_get_or_init_panicking(void *arg)
{
    cur_oncelock_get_or_init(arg, init_that_panics, NULL);
}

static void *init_returns_null(void *arg)
{
    (void)arg;
    return NULL;
}

static void call_get_or_init_null(void *arg)
{
    cur_oncelock_get_or_init(arg, init_returns_null, NULL);
}

Test(sync, oncelock_panicking_init_leaves_the_cell_empty_not_poisoned,
     .init = quiet)
{
    cur_oncelock_t c = CUR_ONCELOCK_INIT;
    cr_assert_eq(cur_catch_unwind(call_get_or_init_panicking, &c, NULL),
                 CUR_EPANIC);
    cr_assert_null(cur_oncelock_get(&c));
    cr_assert_eq(cur_catch_unwind(call_get_or_init_null, &c, NULL),
                 CUR_EPANIC, "an initializer returning NULL must panic");
    cr_assert_null(cur_oncelock_get(&c));
    atomic_int runs = 0;
    cr_assert_eq(cur_oncelock_get_or_init(&c, init_answer, &runs),
                 &the_answer);
}

enum { RACERS = 8 };

struct oncelock_race {
    cur_oncelock_t cell;
    pthread_barrier_t start;
    atomic_int init_runs;
    int slots[RACERS];
    int set_rc[RACERS];
    void *seen[RACERS];
};

struct racer {
    struct oncelock_race *r;
    int id;
};

static void *slow_init_answer(void *arg)
{
    struct oncelock_race *r = arg;
    atomic_fetch_add(&r->init_runs, 1);
    sleep_ms(10);
    return &the_answer;
}

static void *set_racer(void *arg)
{
    struct racer *me = arg;
    struct oncelock_race *r = me->r;
    pthread_barrier_wait(&r->start);
    r->set_rc[me->id] = cur_oncelock_set(&r->cell, &r->slots[me->id]);
    r->seen[me->id] = cur_oncelock_get(&r->cell);
    return NULL;
}

static void *init_racer(void *arg)
{
    struct racer *me = arg;
    struct oncelock_race *r = me->r;
    pthread_barrier_wait(&r->start);
    r->seen[me->id] = cur_oncelock_get_or_init(&r->cell, slow_init_answer, r);
    return NULL;
}

static void run_racers(struct oncelock_race *r, void *(*fn)(void *))
{
    pthread_barrier_init(&r->start, NULL, RACERS);
    pthread_t th[RACERS];
    struct racer me[RACERS];
    for (int i = 0; i < RACERS; i++) {
        me[i] = (struct racer){r, i};
        pthread_create(&th[i], NULL, fn, &me[i]);
    }
    for (int i = 0; i < RACERS; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&r->start);
}

Test(sync, oncelock_set_race_has_exactly_one_winner, .timeout = 10)
{
    static struct oncelock_race r;
    memset(&r, 0, sizeof r);
    run_racers(&r, set_racer);
    int winners = 0, winner = -1;
    for (int i = 0; i < RACERS; i++) {
        if (r.set_rc[i] == 0) {
            winners++;
            winner = i;
        } else {
            cr_assert_eq(r.set_rc[i], CUR_EBUSY);
        }
    }
    cr_assert_eq(winners, 1);
    for (int i = 0; i < RACERS; i++)
        cr_assert_eq(r.seen[i], &r.slots[winner]);
}

Test(sync, oncelock_get_or_init_race_initializes_once, .timeout = 10)
{
    static struct oncelock_race r;
    memset(&r, 0, sizeof r);
    run_racers(&r, init_racer);
    cr_assert_eq(atomic_load(&r.init_runs), 1);
    for (int i = 0; i < RACERS; i++) cr_assert_eq(r.seen[i], &the_answer);
}

/* --- Backoff -------------------------------------------------------------- */

Test(sync, backoff_snooze_progresses_to_park)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    cr_assert_not(cur_backoff_should_park(&b));
    /* Rounds 0..SPIN_LIMIT spin, the next ones up to YIELD_LIMIT yield. */
    for (int i = 0; i <= CUR_BACKOFF_YIELD_LIMIT; i++) {
        cr_assert_not(cur_backoff_should_park(&b), "parked after %d rounds", i);
        cr_assert_eq(b.step, (uint32_t)i);
        cur_backoff_snooze(&b);
    }
    cr_assert(cur_backoff_should_park(&b));
    cur_backoff_snooze(&b); /* keeps yielding; the step stays capped */
    cr_assert(cur_backoff_should_park(&b));
    cr_assert_eq(b.step, CUR_BACKOFF_YIELD_LIMIT + 1);
    cur_backoff_reset(&b);
    cr_assert_not(cur_backoff_should_park(&b));
    cr_assert_eq(b.step, 0);
}

Test(sync, backoff_spin_never_asks_to_park)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    for (int i = 0; i < 100; i++) cur_backoff_spin(&b);
    cr_assert_not(cur_backoff_should_park(&b));
    cr_assert_eq(b.step, CUR_BACKOFF_SPIN_LIMIT + 1);
    /* Snoozing on from there goes on to park. */
    for (int i = 0; i < 100 && !cur_backoff_should_park(&b); i++)
        cur_backoff_snooze(&b);
    cr_assert(cur_backoff_should_park(&b));
}
