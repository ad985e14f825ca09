/*
 * tests/stress/chan_async.c: the poll functions driven by hand from two
 * threads, under TSan, with a parker waker standing in for an executor.
 *
 * Phase 1, ping-pong: thread A sends i on channel `ping` and waits for i on
 * `pong`; thread B echoes. Every send and recv goes through
 * cur_chan_poll_send / cur_chan_poll_recv; on CUR_PENDING the thread parks
 * on its parker (whose waker the poll stored) and polls again. Run on
 * bounded(1), unbounded and rendezvous channels. A lost wakeup hangs.
 *
 * Phase 2, cancellation: a producer sends n messages with blocking sends;
 * a consumer alternates between polling a receive to completion and
 * abandoning a pending one with cur_chan_waiter_cancel after a short
 * wait, then picking messages up with try_recv. On the rendezvous channel
 * a cancel may report that the message had already been handed over
 * (return 1): it then counts as received. Every message must be received
 * exactly once, in order, and the producer must not hang (a wakeup the
 * cancelled waiter had taken must be passed on).
 *
 * Usage: chan_async [threads] [iterations]   (default 2 x 20000)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/chan.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int failures;
static long iters;

static void fail(const char *what, long a, long b)
{
    if (atomic_fetch_add(&failures, 1) < 10)
        fprintf(stderr, "chan_async: %s (%ld, %ld)\n", what, a, b);
}

/* Polls to completion, parking while pending: a one-future executor. */
static int block_send(const cur_chan_tx_t *tx, cur_parker_t *p, const void *msg)
{
    cur_waker_t wk = cur_parker_waker(p);
    cur_context_t cx = {.waker = &wk};
    cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
    int rc;
    while (cur_chan_poll_send(tx, &cx, &w, msg, &rc) == CUR_PENDING) cur_parker_park(p);
    return rc;
}

static int block_recv(cur_chan_rx_t *rx, cur_parker_t *p, void *out)
{
    cur_waker_t wk = cur_parker_waker(p);
    cur_context_t cx = {.waker = &wk};
    cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
    int rc;
    while (cur_chan_poll_recv(rx, &cx, &w, out, &rc) == CUR_PENDING) cur_parker_park(p);
    return rc;
}

struct pp {
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cur_parker_t parker;
    int echo;
};

static void *pingpong(void *arg)
{
    struct pp *s = arg;
    cur_parker_init(&s->parker);
    for (uint64_t i = 0; i < (uint64_t)iters; i++) {
        uint64_t v = i, got = ~0ull;
        if (s->echo) {
            if (block_recv(&s->rx, &s->parker, &got) != 0 || got != i) fail("echo recv", (long)got, (long)i);
            if (block_send(&s->tx, &s->parker, &got) != 0) fail("echo send", (long)i, 0);
        } else {
            if (block_send(&s->tx, &s->parker, &v) != 0) fail("ping send", (long)i, 0);
            if (block_recv(&s->rx, &s->parker, &got) != 0 || got != i) fail("pong recv", (long)got, (long)i);
        }
    }
    return NULL;
}

static int make(int kind, cur_chan_tx_t *tx, cur_chan_rx_t *rx)
{
    cur_chan_opts_t o = {.elem_size = 8};
    return kind == 0 ? cur_chan_bounded(&o, 1, tx, rx)
           : kind == 1 ? cur_chan_unbounded(&o, tx, rx)
                       : cur_chan_rendezvous(&o, tx, rx);
}

struct cons {
    cur_chan_rx_t rx;
    long received;
};

static void *producer(void *arg)
{
    cur_chan_tx_t *tx = arg;
    for (uint64_t i = 0; i < (uint64_t)iters; i++)
        if (cur_chan_send(tx, &i) != 0) fail("producer send", (long)i, 0);
    cur_chan_tx_drop(tx);
    return NULL;
}

static void *canceller(void *arg)
{
    struct cons *c = arg;
    cur_parker_t p;
    cur_parker_init(&p);
    cur_waker_t wk = cur_parker_waker(&p);
    cur_context_t cx = {.waker = &wk};
    uint64_t expect = 0, v;
    for (long round = 0;; round++) {
        int rc;
        if (round % 2) {
            rc = block_recv(&c->rx, &p, &v);
        } else {
            cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
            if (cur_chan_poll_recv(&c->rx, &cx, &w, &v, &rc) == CUR_PENDING) {
                (void)cur_parker_park_until(&p, cur_deadline_after(20000));
                rc = cur_chan_waiter_cancel(&w) == 1 ? 0 : CUR_EAGAIN;
                if (rc == CUR_EAGAIN) rc = cur_chan_try_recv(&c->rx, &v);
            }
        }
        if (rc == CUR_ECLOSED) break;
        if (rc == CUR_EAGAIN) continue;
        if (rc != 0 || v != expect) {
            fail("cancel consumer", (long)v, (long)expect);
            break;
        }
        expect++;
        c->received++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    iters = argc > 2 ? atol(argv[2]) : 20000;
    if (iters < 1) return 1;
    static const char *names[] = {"bounded(1)", "unbounded", "rendezvous"};
    for (int kind = 0; kind < 3; kind++) {
        struct pp a = {0}, b = {.echo = 1};
        if (make(kind, &a.tx, &b.rx) || make(kind, &b.tx, &a.rx)) return 1;
        pthread_t ta, tb;
        pthread_create(&ta, NULL, pingpong, &a);
        pthread_create(&tb, NULL, pingpong, &b);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        cur_chan_tx_drop(&a.tx);
        cur_chan_tx_drop(&b.tx);
        cur_chan_rx_drop(&a.rx);
        cur_chan_rx_drop(&b.rx);

        cur_chan_tx_t tx;
        struct cons c = {0};
        if (make(kind, &tx, &c.rx)) return 1;
        pthread_t tp, tc;
        pthread_create(&tc, NULL, canceller, &c);
        pthread_create(&tp, NULL, producer, &tx);
        pthread_join(tp, NULL);
        pthread_join(tc, NULL);
        if (c.received != iters) fail("cancel phase: received", c.received, iters);
        cur_chan_rx_drop(&c.rx);
        if (!atomic_load(&failures))
            printf("chan_async %-10s: %ld round trips, %ld messages with cancels ok\n",
                   names[kind], iters, iters);
    }
    return atomic_load(&failures) ? 1 : 0;
}
