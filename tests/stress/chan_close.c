/*
 * tests/stress/chan_close.c: closing races with sending and receiving,
 * under TSan.
 *
 * Each round makes a channel whose messages carry a drop function that
 * counts, starts senders and receivers, and ends it one of three ways
 * while they run: cur_chan_close, dropping every receiver (senders must
 * wake with CUR_ECLOSED and keep their message), or dropping every sender
 * (receivers drain, then see CUR_ECLOSED). The accounting must balance:
 *
 *     messages whose send returned 0 == messages received + messages
 *                                       dropped when the channel was freed
 *
 * and nobody may hang (a lost wakeup would block a thread forever: the
 * run-stress timeout catches it). Flavors rotate through bounded(4),
 * unbounded, rendezvous and oneshot.
 *
 * Usage: chan_close [threads] [rounds]   (default 4 x 300)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/chan.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int failures;
static atomic_long dropped;

static void fail(long round, const char *what, long a, long b)
{
    if (atomic_fetch_add(&failures, 1) < 10)
        fprintf(stderr, "chan_close round %ld: %s (%ld, %ld)\n", round, what, a, b);
}

static void count_drop(void *msg, void *ctx)
{
    (void)ctx;
    if (*(uint64_t *)msg != 0xC0FFEE) fail(-1, "drop saw a bad message", 0, 0);
    atomic_fetch_add(&dropped, 1);
}

struct shared {
    long round;
    atomic_long sent, received;
    atomic_bool stop;
    int how; /* 0 close, 1 drop the receivers, 2 drop the senders */
};

struct worker {
    struct shared *s;
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    int id;
    pthread_t thread;
};

static void *sender(void *arg)
{
    struct worker *w = arg;
    uint64_t v = 0xC0FFEE;
    for (long i = 0;; i++) {
        int rc = (i & 1) ? cur_chan_send(&w->tx, &v)
                         : cur_chan_send_timeout(&w->tx, &v, 500000);
        if (rc == 0) atomic_fetch_add(&w->s->sent, 1);
        else if (rc == CUR_ECLOSED) break;
        else if (rc != CUR_ETIMEDOUT) fail(w->s->round, "send", rc, 0);
        if (v != 0xC0FFEE) fail(w->s->round, "send changed the message", 0, 0);
        if (atomic_load(&w->s->stop) && i > 100) break;
    }
    cur_chan_tx_drop(&w->tx);
    return NULL;
}

static void *receiver(void *arg)
{
    struct worker *w = arg;
    for (long i = 0;; i++) {
        uint64_t v = 0;
        int rc = (i & 1) ? cur_chan_recv(&w->rx, &v)
                         : cur_chan_recv_timeout(&w->rx, &v, 500000);
        if (rc == 0) {
            if (v != 0xC0FFEE) fail(w->s->round, "received garbage", (long)v, 0);
            atomic_fetch_add(&w->s->received, 1);
        } else if (rc == CUR_ECLOSED) {
            break;
        } else if (rc != CUR_ETIMEDOUT) {
            fail(w->s->round, "recv", rc, 0);
        }
        /* when told to, every receiver goes away while senders send */
        if (w->s->how == 1 && atomic_load(&w->s->stop)) break;
    }
    cur_chan_rx_drop(&w->rx);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long rounds = argc > 2 ? atol(argv[2]) : 300;
    if (threads < 2) threads = 2;
    int ns = threads / 2, nr = threads - ns;
    for (long round = 0; round < rounds; round++) {
        struct shared s = {.round = round, .how = (int)((round / 4) % 3)};
        atomic_store(&dropped, 0);
        cur_chan_opts_t o = {.elem_size = sizeof(uint64_t), .drop = count_drop};
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        int rc;
        switch (round % 4) {
        case 0: rc = cur_chan_bounded(&o, 4, &tx, &rx); break;
        case 1: rc = cur_chan_unbounded(&o, &tx, &rx); break;
        case 2: rc = cur_chan_rendezvous(&o, &tx, &rx); break;
        default: rc = cur_chan_oneshot(&o, &tx, &rx); break;
        }
        if (rc) {
            fail(round, "create", rc, 0);
            break;
        }
        bool oneshot = round % 4 == 3;
        struct worker ws[64];
        int n = 0;
        for (int i = 0; i < (oneshot ? 1 : ns); i++, n++) {
            ws[n] = (struct worker){.s = &s, .id = i};
            if (oneshot) ws[n].tx = tx, tx.chan = NULL;
            else cur_chan_tx_clone(&tx, &ws[n].tx);
            pthread_create(&ws[n].thread, NULL, sender, &ws[n]);
        }
        for (int i = 0; i < nr; i++, n++) {
            ws[n] = (struct worker){.s = &s, .id = i};
            cur_chan_rx_clone(&rx, &ws[n].rx);
            pthread_create(&ws[n].thread, NULL, receiver, &ws[n]);
        }
        for (int k = 0; k < (int)(round % 5) * 2000; k++) cur_backoff_pause();
        int how = s.how;
        cur_chan_t *c = rx.chan;
        if (how == 0) cur_chan_close(c);
        if (how == 1) cur_chan_rx_drop(&rx); /* then the workers' receivers */
        if (how == 2) cur_chan_tx_drop(&tx);
        atomic_store(&s.stop, true);
        /* Only the workers' senders keep the channel open now. */
        cur_chan_tx_drop(&tx);
        for (int i = 0; i < n; i++) pthread_join(ws[i].thread, NULL);
        /* Receivers left: drain, then the channel must say closed. */
        if (rx.chan) {
            uint64_t v;
            while ((rc = cur_chan_try_recv(&rx, &v)) == 0)
                atomic_fetch_add(&s.received, 1);
            if (rc != CUR_ECLOSED) fail(round, "drained channel not closed", rc, how);
        }
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx); /* frees the channel: drops what is left */
        long sent = atomic_load(&s.sent), got = atomic_load(&s.received),
             drop = atomic_load(&dropped);
        if (sent != got + drop) fail(round, "sent != received + dropped", sent, got + drop);
        if (oneshot && sent > 1) fail(round, "oneshot took two messages", sent, 0);
    }
    if (!atomic_load(&failures)) printf("chan_close: %ld rounds ok\n", rounds);
    return atomic_load(&failures) ? 1 : 0;
}
