/*
 * Tests of curriculum/waker.h: the thread parker, the noop and parker
 * wakers, the waker helpers (clone, wake, drop, store, will_wake) and the
 * deadline arithmetic. Concurrent tests use real threads and a .timeout;
 * none asserts an upper bound on time.
 */
#include <criterion/criterion.h>
#include <curriculum/error.h>
#include <curriculum/waker.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* --- a counting waker: every reference is accounted for ------------------- */

struct counts {
    atomic_int clones, wakes, wakes_by_ref, drops;
};

static cur_waker_t counting_clone(const void *data);
static void counting_wake(const void *data)
{
    atomic_fetch_add(&((struct counts *)(uintptr_t)data)->wakes, 1);
}
static void counting_wake_by_ref(const void *data)
{
    atomic_fetch_add(&((struct counts *)(uintptr_t)data)->wakes_by_ref, 1);
}
static void counting_drop(const void *data)
{
    atomic_fetch_add(&((struct counts *)(uintptr_t)data)->drops, 1);
}
static const cur_waker_vtable_t counting_vtable = {
    counting_clone, counting_wake, counting_wake_by_ref, counting_drop};
static cur_waker_t counting_clone(const void *data)
{
    atomic_fetch_add(&((struct counts *)(uintptr_t)data)->clones, 1);
    return (cur_waker_t){data, &counting_vtable};
}
static cur_waker_t counting_waker(struct counts *c)
{
    return (cur_waker_t){c, &counting_vtable};
}

/* --- parker: single thread ------------------------------------------------- */

Test(waker, unpark_before_park_keeps_one_token)
{
    cur_parker_t p = CUR_PARKER_INIT;
    cur_parker_unpark(&p);
    cur_parker_unpark(&p); /* idempotent: still one token */
    cur_parker_park(&p);   /* takes it without sleeping */
    cr_assert_eq(cur_parker_park_until(&p, cur_deadline_after(5000000)),
                 CUR_ETIMEDOUT, "a second token appeared");
}

Test(waker, park_until_times_out_without_a_token)
{
    cur_parker_t p;
    cur_parker_init(&p);
    int64_t deadline = cur_deadline_after(20000000);
    cr_assert_eq(cur_parker_park_until(&p, deadline), CUR_ETIMEDOUT);
    cr_assert_geq(cur_time_now_ns(), deadline, "returned before its deadline");
    /* the parker is usable again: a token is taken at once */
    cur_parker_unpark(&p);
    cr_assert_eq(cur_parker_park_until(&p, cur_deadline_after(1000000000)), 0);
}

Test(waker, park_until_a_past_deadline_takes_a_waiting_token)
{
    cur_parker_t p = CUR_PARKER_INIT;
    int64_t past = cur_time_now_ns() - 1000;
    cr_assert_eq(cur_parker_park_until(&p, past), CUR_ETIMEDOUT);
    cur_parker_unpark(&p);
    cr_assert_eq(cur_parker_park_until(&p, past), 0);
    cr_assert_eq(cur_parker_park_until(&p, past), CUR_ETIMEDOUT);
}

/* --- parker: across threads ------------------------------------------------ */

struct handoff {
    cur_parker_t parker;
    long data[64]; /* plain memory, written before unpark */
    long delay_ms;
};

static void *unparker(void *arg)
{
    struct handoff *h = arg;
    sleep_ms(h->delay_ms);
    for (int i = 0; i < 64; i++) h->data[i] = i * 7 + 1;
    cur_parker_unpark(&h->parker);
    return NULL;
}

Test(waker, park_until_returns_0_when_unparked_in_time, .timeout = 10)
{
    struct handoff h = {.parker = CUR_PARKER_INIT, .delay_ms = 20};
    pthread_t t;
    pthread_create(&t, NULL, unparker, &h);
    cr_assert_eq(cur_parker_park_until(&h.parker, cur_deadline_after(5000000000)), 0);
    pthread_join(t, NULL);
}

Test(waker, unpark_makes_earlier_writes_visible_to_the_parker, .timeout = 10)
{
    struct handoff h = {.parker = CUR_PARKER_INIT, .delay_ms = 5};
    pthread_t t;
    pthread_create(&t, NULL, unparker, &h);
    cur_parker_park(&h.parker);
    for (int i = 0; i < 64; i++) cr_assert_eq(h.data[i], i * 7 + 1);
    pthread_join(t, NULL);
}

struct pingpong {
    cur_parker_t p[2];
    atomic_int turn;
    int rounds;
};

static void *ponger(void *arg)
{
    struct pingpong *s = arg;
    for (int i = 0; i < s->rounds; i++) {
        while (atomic_load(&s->turn) != 2 * i + 1) cur_parker_park(&s->p[1]);
        atomic_store(&s->turn, 2 * i + 2);
        cur_parker_unpark(&s->p[0]);
    }
    return NULL;
}

Test(waker, ping_pong_between_two_parkers_loses_no_wakeup, .timeout = 20)
{
    struct pingpong s = {.p = {CUR_PARKER_INIT, CUR_PARKER_INIT}, .rounds = 2000};
    pthread_t t;
    pthread_create(&t, NULL, ponger, &s);
    for (int i = 0; i < s.rounds; i++) {
        atomic_store(&s.turn, 2 * i + 1);
        cur_parker_unpark(&s.p[1]);
        while (atomic_load(&s.turn) != 2 * i + 2) cur_parker_park(&s.p[0]);
    }
    pthread_join(t, NULL);
    cr_assert_eq(atomic_load(&s.turn), 2 * s.rounds);
}

/* --- wakers ---------------------------------------------------------------- */

Test(waker, noop_waker_does_nothing_and_clones_to_itself)
{
    cur_waker_t w = cur_waker_noop();
    cr_assert_not(cur_waker_is_none(w));
    cur_waker_t c = cur_waker_clone(&w);
    cr_assert(cur_waker_will_wake(&w, &c));
    cur_waker_wake_by_ref(&w);
    cur_waker_wake(&c);
    cr_assert(cur_waker_is_none(c), "wake must consume the waker");
    cur_waker_drop(&w);
    cr_assert(cur_waker_is_none(w), "drop must clear the waker");
    cur_waker_t n1 = cur_waker_noop(), n2 = cur_waker_noop();
    cr_assert(cur_waker_will_wake(&n1, &n2));
}

Test(waker, none_waker_operations_are_no_ops)
{
    cur_waker_t none = CUR_WAKER_NONE;
    cr_assert(cur_waker_is_none(none));
    cur_waker_t c = cur_waker_clone(&none);
    cr_assert(cur_waker_is_none(c));
    cur_waker_wake_by_ref(&none);
    cur_waker_wake(&none);
    cur_waker_drop(&none);
    cr_assert(cur_waker_is_none(none));
}

Test(waker, wake_consumes_and_drop_releases_exactly_one_reference)
{
    struct counts n = {0};
    cur_waker_t base = counting_waker(&n);
    cur_waker_t a = cur_waker_clone(&base), b = cur_waker_clone(&base);
    cr_assert_eq(atomic_load(&n.clones), 2);
    cur_waker_wake_by_ref(&a);
    cr_assert_eq(atomic_load(&n.wakes_by_ref), 1);
    cur_waker_wake(&a);
    cr_assert_eq(atomic_load(&n.wakes), 1);
    cr_assert(cur_waker_is_none(a));
    cur_waker_wake(&a); /* already consumed: nothing */
    cr_assert_eq(atomic_load(&n.wakes), 1);
    cur_waker_drop(&b);
    cr_assert_eq(atomic_load(&n.drops), 1);
    cur_waker_drop(&b);
    cr_assert_eq(atomic_load(&n.drops), 1);
}

Test(waker, store_clones_once_and_replaces_a_different_waker)
{
    struct counts n1 = {0}, n2 = {0};
    cur_waker_t w1 = counting_waker(&n1), w2 = counting_waker(&n2);
    cur_waker_t slot = CUR_WAKER_NONE;
    cur_waker_store(&slot, &w1);
    cr_assert_eq(atomic_load(&n1.clones), 1);
    cur_waker_store(&slot, &w1); /* will_wake: kept, no new clone */
    cr_assert_eq(atomic_load(&n1.clones), 1);
    cr_assert_eq(atomic_load(&n1.drops), 0);
    cur_waker_store(&slot, &w2); /* a different waiter: old one dropped */
    cr_assert_eq(atomic_load(&n1.drops), 1);
    cr_assert_eq(atomic_load(&n2.clones), 1);
    cr_assert(cur_waker_will_wake(&slot, &w2));
    cr_assert_not(cur_waker_will_wake(&slot, &w1));
    cur_waker_drop(&slot);
    cr_assert_eq(atomic_load(&n2.drops), 1);
}

Test(waker, parker_waker_unparks_its_parker)
{
    cur_parker_t p = CUR_PARKER_INIT;
    cur_waker_t w = cur_parker_waker(&p);
    cur_waker_t c = cur_waker_clone(&w);
    cr_assert(cur_waker_will_wake(&w, &c));
    cur_waker_wake_by_ref(&w);
    cr_assert_eq(cur_parker_park_until(&p, cur_deadline_after(1000000000)), 0);
    cur_waker_wake(&c);
    cr_assert(cur_waker_is_none(c));
    cr_assert_eq(cur_parker_park_until(&p, cur_deadline_after(1000000000)), 0);
    cur_waker_t d = cur_parker_waker(&p);
    cur_waker_drop(&d); /* no token from a drop */
    cr_assert_eq(cur_parker_park_until(&p, cur_deadline_after(2000000)), CUR_ETIMEDOUT);
}

/* --- time ------------------------------------------------------------------ */

Test(waker, deadline_after_saturates_and_treats_negative_as_now)
{
    int64_t before = cur_time_now_ns();
    int64_t d = cur_deadline_after(-5);
    cr_assert_geq(d, before);
    cr_assert_leq(d, cur_time_now_ns());
    cr_assert_eq(cur_deadline_after(INT64_MAX), CUR_DEADLINE_NEVER);
    cr_assert_eq(cur_deadline_after(INT64_MAX - 1), CUR_DEADLINE_NEVER);
    int64_t soon = cur_deadline_after(1000000000);
    cr_assert_geq(soon, before + 1000000000);
}

Test(waker, monotonic_clock_never_goes_back)
{
    int64_t prev = cur_time_now_ns();
    for (int i = 0; i < 10000; i++) {
        int64_t t = cur_time_now_ns();
        cr_assert_geq(t, prev);
        prev = t;
    }
}
