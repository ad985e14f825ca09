/*
 * tests/stress/chan_broadcast.c: broadcast and watch under a slow
 * receiver, under TSan.
 *
 * Broadcast: one sender sends 0, 1, ..., n-1 into a broadcast channel of
 * capacity 16 with three receivers: a fast one (blocking recv), a slow
 * one (sleeps now and then, so it falls behind and lags) and one using the
 * iterator. Each receiver checks that what it sees is strictly increasing
 * and that every gap is exactly accounted for: after CUR_ELAGGED with
 * cur_chan_rx_lagged() == k, the next message is the previous one + 1 + k.
 * So received + lagged == n for the recv receivers, and the slow one must
 * have lagged at least once (the point of the test) unless n is tiny.
 *
 * Watch: one sender publishes 1..n; two receivers wait for changes with
 * recv and must see a strictly increasing sequence ending at n.
 *
 * Usage: chan_broadcast [threads] [messages]   (default 3 x 20000;
 * threads is the number of broadcast receivers, at least 1)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/chan.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static atomic_int failures;

static void fail(const char *what, long a, long b)
{
    if (atomic_fetch_add(&failures, 1) < 10)
        fprintf(stderr, "chan_broadcast: %s (%ld, %ld)\n", what, a, b);
}

struct rcv {
    cur_chan_rx_t rx;
    int id;
    long n;
    long got, lagged_total, lags;
    pthread_t thread;
};

static void *bc_receiver(void *arg)
{
    struct rcv *r = arg;
    int64_t prev = -1;
    uint64_t v;
    int rc;
    if (r->id == 2) {
        /* the iterator skips lags itself; only order can be checked */
        CUR_CHAN_FOR_EACH(&r->rx, &v) {
            if ((int64_t)v <= prev) fail("iterator: not increasing", (long)v, (long)prev);
            prev = (int64_t)v;
            r->got++;
        }
        if (prev != r->n - 1) fail("iterator: did not end at the last message", (long)prev, r->n);
        cur_chan_rx_drop(&r->rx);
        return NULL;
    }
    uint64_t pending_lag = 0;
    while ((rc = cur_chan_recv(&r->rx, &v)) != CUR_ECLOSED) {
        if (rc == CUR_ELAGGED) {
            /* two lags in a row add up */
            uint64_t k = cur_chan_rx_lagged(&r->rx);
            if (k == 0) fail("lagged by 0", r->id, 0);
            pending_lag += k;
            r->lagged_total += (long)k;
            r->lags++;
            continue;
        }
        if (rc != 0) {
            fail("recv", rc, r->id);
            break;
        }
        if ((int64_t)v != prev + 1 + (int64_t)pending_lag)
            fail("gap not accounted for", (long)v, (long)(prev + 1 + (int64_t)pending_lag));
        pending_lag = 0;
        prev = (int64_t)v;
        r->got++;
        if (r->id == 1 && v % 64 == 0) {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    }
    if (r->got + r->lagged_total != r->n)
        fail("received + lagged != sent", r->got + r->lagged_total, r->n);
    cur_chan_rx_drop(&r->rx);
    return NULL;
}

struct wrcv {
    cur_chan_rx_t rx;
    long n;
    pthread_t thread;
};

static void *watch_receiver(void *arg)
{
    struct wrcv *r = arg;
    uint64_t v, prev = 0;
    int rc;
    while ((rc = cur_chan_recv(&r->rx, &v)) == 0) {
        if (v <= prev) fail("watch: not increasing", (long)v, (long)prev);
        prev = v;
    }
    if (rc != CUR_ECLOSED) fail("watch: recv", rc, 0);
    if (prev != (uint64_t)r->n) fail("watch: last value missed", (long)prev, r->n);
    cur_chan_rx_drop(&r->rx);
    return NULL;
}

int main(int argc, char **argv)
{
    int nr = argc > 1 ? atoi(argv[1]) : 3;
    long n = argc > 2 ? atol(argv[2]) : 20000;
    if (nr < 1 || nr > 64 || n < 1) {
        fprintf(stderr, "usage: chan_broadcast [receivers 1..64] [messages]\n");
        return 1;
    }
    cur_chan_opts_t o = {.elem_size = sizeof(uint64_t)};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    if (cur_chan_broadcast(&o, 16, &tx, &rx) != 0) return 1;
    struct rcv rs[64];
    for (int i = 0; i < nr; i++) {
        rs[i] = (struct rcv){.id = i, .n = n};
        cur_chan_subscribe(&tx, &rs[i].rx);
        pthread_create(&rs[i].thread, NULL, bc_receiver, &rs[i]);
    }
    cur_chan_rx_drop(&rx);
    for (uint64_t i = 0; i < (uint64_t)n; i++)
        if (cur_chan_send(&tx, &i) != 0) fail("broadcast send", (long)i, 0);
    cur_chan_tx_drop(&tx);
    long lags = 0;
    for (int i = 0; i < nr; i++) {
        pthread_join(rs[i].thread, NULL);
        if (rs[i].id != 2) lags += rs[i].lags;
    }
    if (nr > 1 && n >= 10000 && rs[1].lags == 0) fail("the slow receiver never lagged", 0, 0);

    uint64_t zero = 0;
    if (cur_chan_watch(&o, &zero, &tx, &rx) != 0) return 1;
    struct wrcv ws[2];
    for (int i = 0; i < 2; i++) {
        ws[i] = (struct wrcv){.n = n};
        cur_chan_rx_clone(&rx, &ws[i].rx);
        pthread_create(&ws[i].thread, NULL, watch_receiver, &ws[i]);
    }
    for (uint64_t i = 1; i <= (uint64_t)n; i++)
        if (cur_chan_send(&tx, &i) != 0) fail("watch send", (long)i, 0);
    cur_chan_tx_drop(&tx);
    for (int i = 0; i < 2; i++) pthread_join(ws[i].thread, NULL);
    cur_chan_rx_drop(&rx);
    if (!atomic_load(&failures))
        printf("chan_broadcast: %d receivers x %ld messages ok (%ld lags)\n", nr, n, lags);
    return atomic_load(&failures) ? 1 : 0;
}
