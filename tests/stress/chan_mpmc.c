/*
 * tests/stress/chan_mpmc.c: N producers and M consumers through every
 * MPMC flavor, under TSan.
 *
 * Each producer p sends the values (p << 40) | s for s = 0 .. per-1 on
 * one channel; consumers receive until the channel closes (the last
 * producer's drop), each with a different call: blocking recv, recv with
 * a short timeout, try_recv with backoff, and the iterator. Checks:
 *   - every message arrives exactly once (a seen-bitmap per producer,
 *     filled with an atomic OR; a duplicate or a missing one fails);
 *   - in order per producer: a consumer never sees s' <= s after s from
 *     the same producer;
 *   - recv reports CUR_ECLOSED only after every message was delivered.
 * Flavors: bounded(1), bounded(64), bounded(1024), unbounded, rendezvous.
 *
 * Usage: chan_mpmc [threads] [messages] [flavor]
 *   threads   producers + consumers, at least 2 (default 4: 2 + 2)
 *   messages  total per flavor (default 200000; 10000000 for the issue's
 *             full run)
 *   flavor    only this one: bounded1, bounded64, bounded1024, unbounded,
 *             rendezvous (default: all)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/chan.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int failures;

static void fail(const char *flavor, const char *what, long a, long b)
{
    if (atomic_fetch_add(&failures, 1) < 10)
        fprintf(stderr, "chan_mpmc %s: %s (%ld, %ld)\n", flavor, what, a, b);
}

struct run {
    const char *name;
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    int producers, consumers;
    long per; /* messages per producer */
    _Atomic uint8_t *seen; /* producers * per bytes */
    atomic_long received;
};

struct worker {
    struct run *r;
    int id;
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    pthread_t thread;
};

static void *producer(void *arg)
{
    struct worker *w = arg;
    for (long s = 0; s < w->r->per; s++) {
        uint64_t v = ((uint64_t)w->id << 40) | (uint64_t)s;
        int rc;
        if (s % 7 == 3) {
            while ((rc = cur_chan_send_timeout(&w->tx, &v, 1000000)) ==
                   CUR_ETIMEDOUT) {}
        } else {
            rc = cur_chan_send(&w->tx, &v);
        }
        if (rc != 0) fail(w->r->name, "send failed", w->id, rc);
    }
    cur_chan_tx_drop(&w->tx);
    return NULL;
}

static void deliver(struct worker *w, uint64_t v, long *last)
{
    struct run *r = w->r;
    long p = (long)(v >> 40), s = (long)(v & ((1ull << 40) - 1));
    if (p < 0 || p >= r->producers || s >= r->per) {
        fail(r->name, "garbage message", p, s);
        return;
    }
    if (s <= last[p]) fail(r->name, "out of order for one producer", p, s);
    last[p] = s;
    if (atomic_fetch_or(&r->seen[p * r->per + s], 1)) fail(r->name, "duplicate", p, s);
    atomic_fetch_add_explicit(&r->received, 1, memory_order_relaxed);
}

static void *consumer(void *arg)
{
    struct worker *w = arg;
    long *last = malloc(sizeof(long) * (size_t)w->r->producers);
    for (int p = 0; p < w->r->producers; p++) last[p] = -1;
    uint64_t v;
    int rc;
    switch (w->id % 4) {
    case 0:
        while ((rc = cur_chan_recv(&w->rx, &v)) == 0) deliver(w, v, last);
        break;
    case 1:
        while ((rc = cur_chan_recv_timeout(&w->rx, &v, 2000000)) != CUR_ECLOSED)
            if (rc == 0) deliver(w, v, last);
            else if (rc != CUR_ETIMEDOUT) break;
        break;
    case 2: {
        cur_backoff_t b = CUR_BACKOFF_INIT;
        while ((rc = cur_chan_try_recv(&w->rx, &v)) != CUR_ECLOSED) {
            if (rc == 0) {
                deliver(w, v, last);
                cur_backoff_reset(&b);
            } else if (rc == CUR_EAGAIN) {
                if (cur_backoff_should_park(&b)) {
                    struct timespec ts = {0, 20000};
                    nanosleep(&ts, NULL);
                } else {
                    cur_backoff_snooze(&b);
                }
            } else {
                break;
            }
        }
        break;
    }
    default:
        CUR_CHAN_FOR_EACH(&w->rx, &v) deliver(w, v, last);
        rc = cur_chan_try_recv(&w->rx, &v);
        break;
    }
    if (rc != CUR_ECLOSED) fail(w->r->name, "recv ended without CUR_ECLOSED", w->id, rc);
    free(last);
    cur_chan_rx_drop(&w->rx);
    return NULL;
}

static void run(const char *name, int kind, int producers, int consumers,
                long total)
{
    struct run r = {.name = name, .producers = producers, .consumers = consumers};
    r.per = total / producers;
    r.seen = calloc((size_t)(producers * r.per), 1);
    cur_chan_opts_t o = {.elem_size = sizeof(uint64_t)};
    int rc;
    switch (kind) {
    case 0: rc = cur_chan_bounded(&o, 1, &r.tx, &r.rx); break;
    case 1: rc = cur_chan_bounded(&o, 64, &r.tx, &r.rx); break;
    case 2: rc = cur_chan_bounded(&o, 1024, &r.tx, &r.rx); break;
    case 3: rc = cur_chan_unbounded(&o, &r.tx, &r.rx); break;
    default: rc = cur_chan_rendezvous(&o, &r.tx, &r.rx); break;
    }
    if (rc != 0 || !r.seen) {
        fail(name, "create", rc, 0);
        return;
    }
    struct worker *ws = calloc((size_t)(producers + consumers), sizeof *ws);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < consumers; i++) {
        ws[i] = (struct worker){.r = &r, .id = i};
        cur_chan_rx_clone(&r.rx, &ws[i].rx);
        pthread_create(&ws[i].thread, NULL, consumer, &ws[i]);
    }
    for (int i = 0; i < producers; i++) {
        struct worker *w = &ws[consumers + i];
        *w = (struct worker){.r = &r, .id = i};
        cur_chan_tx_clone(&r.tx, &w->tx);
        pthread_create(&w->thread, NULL, producer, w);
    }
    /* Only the workers' handles keep the channel open now. */
    cur_chan_tx_drop(&r.tx);
    cur_chan_rx_drop(&r.rx);
    for (int i = 0; i < producers + consumers; i++) pthread_join(ws[i].thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long want = producers * r.per;
    if (atomic_load(&r.received) != want)
        fail(name, "messages received", atomic_load(&r.received), want);
    for (long i = 0; i < want; i++)
        if (!atomic_load_explicit(&r.seen[i], memory_order_relaxed)) {
            fail(name, "message lost", i / r.per, i % r.per);
            break;
        }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("chan_mpmc %-11s %dP/%dC %ld messages: %.2f s (%.0f ns/message)\n", name,
           producers, consumers, want, secs, secs * 1e9 / (double)want);
    free(ws);
    free((void *)r.seen);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long total = argc > 2 ? atol(argv[2]) : 200000;
    const char *only = argc > 3 ? argv[3] : NULL;
    if (threads < 2 || total < 1) {
        fprintf(stderr, "usage: chan_mpmc [threads>=2] [messages>=1] [flavor]\n");
        return 1;
    }
    int producers = threads / 2, consumers = threads - threads / 2;
    static const char *names[] = {"bounded1", "bounded64", "bounded1024",
                                  "unbounded", "rendezvous"};
    for (int k = 0; k < 5; k++) {
        if (only && strcmp(only, names[k]) != 0) continue;
        /* capacity 1 and rendezvous hand over one message at a time */
        long n = (k == 0 || k == 4) && total > 50000 && !only ? total / 4 : total;
        run(names[k], k, producers, consumers, n);
    }
    return atomic_load(&failures) ? 1 : 0;
}
