/*
 * bench/bench_chan.c: the `chan` suite (channels), against peers.
 *
 * Groups (names are stable; tools read them), u64 messages, ns per
 * message (pingpong: ns per round trip):
 *   spsc-bounded    1 producer thread sends iters messages into a channel
 *                   of capacity 1024; this thread receives them all.
 *   mpsc-bounded    2 producers (iters/2 each), 1 consumer, capacity 1024.
 *   spsc-unbounded, mpsc-unbounded: the same on the unbounded flavor.
 *   pingpong        two threads, two channels of capacity 1: this thread
 *                   sends i and waits for the echo thread's i + 1.
 * Impls:
 *   cur        curriculum/chan.h (bounded / unbounded / bounded(1))
 *   naive      a mutex + two condvars around a ring (grown by doubling
 *              for the unbounded groups), written here
 *   go         Go channels (peer go-chan; no unbounded channel in Go)
 *   crossbeam  crossbeam-channel (peer rust-chan)
 *   std-mpsc   std::sync::mpsc (peer rust-chan)
 *   bare-spin  a bare Vyukov bounded MPMC queue whose send and recv spin
 *              and never block: the floor for a bounded channel; missing
 *              for the unbounded groups (it has no unbounded form). It
 *              spins with pause, and after SPIN_YIELD pauses in a row calls
 *              sched_yield between retries: on a 2-core machine shared with
 *              other work, a queue that only spins waits a whole time
 *              slice whenever its partner is descheduled (measured: 5-40
 *              us per message instead of 20 ns), which is no floor at all
 *
 * As the peers do (docs/peers.md), each call spawns the producer (or
 * echo) threads inside the timing, and the clock stops after the last
 * receive and the joins; the channel is made and freed inside the call.
 * The consumer checks that every message arrives once and in order per
 * producer; a failure is printed and fails the suite.
 */
#include "harness.h"
#include "peer.h"

#include <curriculum/chan.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPACITY 1024

static atomic_int failures;

static void check_failed(const char *impl, const char *what, uint64_t a, uint64_t b)
{
    if (atomic_fetch_add(&failures, 1) < 5)
        fprintf(stderr, "bench_chan %s: %s (%llu, %llu)\n", impl, what,
                (unsigned long long)a, (unsigned long long)b);
}

/* --- naive: mutex + condvars ----------------------------------------------- */

typedef struct naive {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    uint64_t *buf;
    ptrdiff_t cap, head, len; /* ring; cap grows when unbounded */
    bool unbounded;
} naive_t;

static naive_t *naive_new(ptrdiff_t cap)
{
    naive_t *q = calloc(1, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    q->unbounded = cap < 0;
    q->cap = cap < 0 ? 64 : cap;
    q->buf = malloc(sizeof(uint64_t) * (size_t)q->cap);
    return q;
}

static void naive_free(naive_t *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q->buf);
    free(q);
}

static void naive_send(naive_t *q, uint64_t v)
{
    pthread_mutex_lock(&q->lock);
    if (q->len == q->cap && q->unbounded) {
        uint64_t *nb = malloc(sizeof(uint64_t) * (size_t)q->cap * 2);
        for (ptrdiff_t i = 0; i < q->len; i++) nb[i] = q->buf[(q->head + i) % q->cap];
        free(q->buf);
        q->buf = nb;
        q->head = 0;
        q->cap *= 2;
    }
    while (q->len == q->cap) pthread_cond_wait(&q->not_full, &q->lock);
    q->buf[(q->head + q->len) % q->cap] = v;
    q->len++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

static uint64_t naive_recv(naive_t *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->len == 0) pthread_cond_wait(&q->not_empty, &q->lock);
    uint64_t v = q->buf[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return v;
}

/* --- bare-spin: Vyukov's bounded MPMC queue, spinning ------------------------ */

typedef struct spin_cell {
    _Atomic uint64_t seq;
    uint64_t value;
} spin_cell_t;

typedef struct spinq {
    _Alignas(64) _Atomic uint64_t tail;
    _Alignas(64) _Atomic uint64_t head;
    _Alignas(64) uint64_t mask;
    spin_cell_t *cells;
} spinq_t;

static spinq_t *spin_new(ptrdiff_t cap) /* cap: a power of two */
{
    spinq_t *q = aligned_alloc(64, sizeof *q);
    memset(q, 0, sizeof *q);
    q->mask = (uint64_t)cap - 1;
    q->cells = malloc(sizeof(spin_cell_t) * (size_t)cap);
    for (ptrdiff_t i = 0; i < cap; i++) atomic_init(&q->cells[i].seq, (uint64_t)i);
    return q;
}

static void spin_free(spinq_t *q)
{
    free(q->cells);
    free(q);
}

#define SPIN_YIELD 64

/* One wait step of a spinning side: pause, or yield once spun long. */
static inline void spin_wait(unsigned *spins)
{
    if (++*spins < SPIN_YIELD) {
        cur_backoff_pause();
    } else {
        *spins = 0;
        sched_yield();
    }
}

static void spin_send(spinq_t *q, uint64_t v)
{
    unsigned spins = 0;
    uint64_t pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
    for (;;) {
        spin_cell_t *c = &q->cells[pos & q->mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        if (seq == pos) {
            if (atomic_compare_exchange_weak_explicit(&q->tail, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                c->value = v;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                return;
            }
        } else {
            if (seq < pos) spin_wait(&spins); /* full */
            pos = atomic_load_explicit(&q->tail, memory_order_relaxed);
        }
    }
}

static uint64_t spin_recv(spinq_t *q)
{
    unsigned spins = 0;
    uint64_t pos = atomic_load_explicit(&q->head, memory_order_relaxed);
    for (;;) {
        spin_cell_t *c = &q->cells[pos & q->mask];
        uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        if (seq == pos + 1) {
            if (atomic_compare_exchange_weak_explicit(&q->head, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                uint64_t v = c->value;
                atomic_store_explicit(&c->seq, pos + q->mask + 1, memory_order_release);
                return v;
            }
        } else {
            if (seq < pos + 1) spin_wait(&spins); /* empty */
            pos = atomic_load_explicit(&q->head, memory_order_relaxed);
        }
    }
}

/* --- cur ----------------------------------------------------------------------- */

typedef struct curq {
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
} curq_t;

static curq_t *curq_new(ptrdiff_t cap)
{
    curq_t *q = malloc(sizeof *q);
    cur_chan_opts_t o = {.elem_size = sizeof(uint64_t)};
    int rc = cap < 0 ? cur_chan_unbounded(&o, &q->tx, &q->rx)
                     : cur_chan_bounded(&o, cap, &q->tx, &q->rx);
    if (rc != 0) {
        fprintf(stderr, "bench_chan: cur_chan_* failed: %s\n", cur_strerror(rc));
        exit(1);
    }
    return q;
}

static void curq_free(curq_t *q)
{
    cur_chan_tx_drop(&q->tx);
    cur_chan_rx_drop(&q->rx);
    free(q);
}

static inline void curq_send(curq_t *q, uint64_t v)
{
    if (cur_chan_send(&q->tx, &v) != 0) check_failed("cur", "send failed", v, 0);
}

static inline uint64_t curq_recv(curq_t *q)
{
    uint64_t v = 0;
    if (cur_chan_recv(&q->rx, &v) != 0) check_failed("cur", "recv failed", 0, 0);
    return v;
}

/* --- the two workloads, once per impl ------------------------------------------ */

typedef struct stream_cfg {
    int producers;  /* 1 or 2 */
    ptrdiff_t cap;  /* CAPACITY, or -1 for unbounded */
} stream_cfg_t;

static const stream_cfg_t SPSC_B = {1, CAPACITY}, MPSC_B = {2, CAPACITY},
                          SPSC_U = {1, -1}, MPSC_U = {2, -1};

/*
 * DEFINE_IMPL(name, Q, new, send, recv, free): name_stream(cfg, iters) and
 * name_pingpong(NULL, iters) for a queue type Q with those operations, so
 * that every impl runs the same code around direct (inlinable) calls.
 */
#define DEFINE_IMPL(name, Q, qnew, qsend, qrecv, qfree)                          \
    typedef struct name##_prod {                                                 \
        Q *q;                                                                    \
        uint64_t from, to;                                                       \
    } name##_prod_t;                                                             \
    static void *name##_producer(void *arg)                                      \
    {                                                                            \
        name##_prod_t *p = arg;                                                  \
        for (uint64_t v = p->from; v < p->to; v++) qsend(p->q, v);              \
        return NULL;                                                             \
    }                                                                            \
    static void name##_stream(void *state, int64_t iters)                        \
    {                                                                            \
        const stream_cfg_t *cfg = state;                                         \
        Q *q = qnew(cfg->cap);                                                   \
        uint64_t n = (uint64_t)iters, n0 = cfg->producers == 1 ? n : n / 2;      \
        name##_prod_t ps[2] = {{q, 0, n0}, {q, n0, n}};                          \
        pthread_t t[2];                                                          \
        for (int i = 0; i < cfg->producers; i++)                                 \
            pthread_create(&t[i], NULL, name##_producer, &ps[i]);                \
        uint64_t next0 = 0, next1 = n0;                                          \
        for (uint64_t i = 0; i < n; i++) {                                       \
            uint64_t v = qrecv(q);                                               \
            if (v == next0 && next0 < n0) next0++;                               \
            else if (v == next1) next1++;                                        \
            else check_failed(#name, "out of order", v, next0);                  \
        }                                                                        \
        for (int i = 0; i < cfg->producers; i++) pthread_join(t[i], NULL);       \
        if (next0 != n0 || next1 != n) check_failed(#name, "lost", next0, next1);\
        qfree(q);                                                                \
    }                                                                            \
    typedef struct name##_echo {                                                 \
        Q *ping, *pong;                                                          \
        uint64_t n;                                                              \
    } name##_echo_t;                                                             \
    static void *name##_echoer(void *arg)                                        \
    {                                                                            \
        name##_echo_t *e = arg;                                                  \
        for (uint64_t i = 0; i < e->n; i++) qsend(e->pong, qrecv(e->ping) + 1); \
        return NULL;                                                             \
    }                                                                            \
    static void name##_pingpong(void *state, int64_t iters)                      \
    {                                                                            \
        (void)state;                                                             \
        name##_echo_t e = {qnew(1), qnew(1), (uint64_t)iters};                   \
        pthread_t t;                                                             \
        pthread_create(&t, NULL, name##_echoer, &e);                             \
        for (uint64_t i = 0; i < e.n; i++) {                                     \
            qsend(e.ping, i);                                                    \
            uint64_t v = qrecv(e.pong);                                          \
            if (v != i + 1) check_failed(#name, "bad echo", v, i + 1);           \
        }                                                                        \
        pthread_join(t, NULL);                                                   \
        qfree(e.ping);                                                           \
        qfree(e.pong);                                                           \
    }

DEFINE_IMPL(cur, curq_t, curq_new, curq_send, curq_recv, curq_free)
DEFINE_IMPL(naive, naive_t, naive_new, naive_send, naive_recv, naive_free)
DEFINE_IMPL(spin, spinq_t, spin_new, spin_send, spin_recv, spin_free)

/* --- the suite ------------------------------------------------------------------ */

static void stream_group(bench_t *b, const char *group, const stream_cfg_t *cfg)
{
    if (!bench_wants(b, group)) return;
    bool bounded = cfg->cap > 0;
    void *st = (void *)(uintptr_t)cfg;
    bench_impl_t impls[] = {
        {.name = "cur", .fn = cur_stream, .state = st},
        {.name = "naive", .fn = naive_stream, .state = st},
        bench_peer_impl(b, "go", "go-chan", group),
        bench_peer_impl(b, "crossbeam", "rust-chan", group),
        bench_peer_impl(b, "std-mpsc", "rust-chan", group),
        {.name = "bare-spin", .fn = bounded ? spin_stream : NULL, .state = st,
         .why_missing = "a bare spinning queue is bounded; it has no unbounded form"},
    };
    bench_group(b, group, "ns/op", 1, impls, CUR_COUNTOF(impls));
}

int main(int argc, char **argv)
{
    bench_t *b = bench_init("chan", argc, argv);
    if (!b) return 2;
    stream_group(b, "spsc-bounded", &SPSC_B);
    stream_group(b, "mpsc-bounded", &MPSC_B);
    stream_group(b, "spsc-unbounded", &SPSC_U);
    stream_group(b, "mpsc-unbounded", &MPSC_U);
    if (bench_wants(b, "pingpong")) {
        bench_impl_t impls[] = {
            {.name = "cur", .fn = cur_pingpong},
            {.name = "naive", .fn = naive_pingpong},
            bench_peer_impl(b, "go", "go-chan", "pingpong"),
            bench_peer_impl(b, "crossbeam", "rust-chan", "pingpong"),
            bench_peer_impl(b, "std-mpsc", "rust-chan", "pingpong"),
            {.name = "bare-spin", .fn = spin_pingpong},
        };
        bench_group(b, "pingpong", "ns/op", 1, impls, CUR_COUNTOF(impls));
    }
    int rc = bench_finish(b);
    if (atomic_load(&failures)) {
        fprintf(stderr, "bench_chan: %d check failures\n", atomic_load(&failures));
        return 1;
    }
    return rc;
}
