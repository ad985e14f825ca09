/*
 * tests/stress/chan_select.c: select racing with close, under TSan.
 *
 * Three input channels (bounded(2), unbounded, rendezvous) fed by one
 * producer each, and one output channel, bounded(8), drained by a
 * consumer. Selector threads loop on one select of four operations:
 * recv from each input and send to the output, with a short timeout on
 * some rounds and the default branch (try_select) on others. An input op
 * that returns CUR_ECLOSED is disabled (CUR_CHAN_OP_NONE); a selector ends
 * when every input is closed. Meanwhile a closer thread closes the inputs
 * at staggered times (cur_chan_close) while the producers still send, and
 * the output is closed by the consumer part-way on some rounds.
 *
 * Checks: per channel, messages sent successfully == messages received +
 * messages dropped when the channel is freed; each completed select
 * reports exactly one op; nothing hangs.
 *
 * Usage: chan_select [threads] [rounds]   (default 2 selectors x 40)
 * Exit: 0 pass, 1 fail.
 */
#include <curriculum/chan.h>
#include <curriculum/sync.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { INPUTS = 3 };

static atomic_int failures;
static atomic_long dropped[INPUTS + 1];

static void fail(const char *what, long a, long b)
{
    if (atomic_fetch_add(&failures, 1) < 10)
        fprintf(stderr, "chan_select: %s (%ld, %ld)\n", what, a, b);
}

static void count_drop(void *msg, void *ctx)
{
    (void)msg;
    atomic_fetch_add(&dropped[(intptr_t)ctx], 1);
}

struct shared {
    cur_chan_tx_t in_tx[INPUTS], out_tx;
    cur_chan_rx_t in_rx[INPUTS], out_rx;
    atomic_long sent[INPUTS + 1], received[INPUTS + 1];
    long per_producer;
    int close_output;
};

struct prod {
    struct shared *s;
    int k;
    cur_chan_tx_t tx;
};

static void *producer(void *arg)
{
    struct prod *p = arg;
    for (long i = 0; i < p->s->per_producer; i++) {
        uint64_t v = (uint64_t)p->k;
        int rc = cur_chan_send_timeout(&p->tx, &v, 1000000);
        if (rc == 0) atomic_fetch_add(&p->s->sent[p->k], 1);
        else if (rc == CUR_ECLOSED) break;
        else if (rc != CUR_ETIMEDOUT) fail("producer send", rc, p->k);
    }
    cur_chan_tx_drop(&p->tx);
    return NULL;
}

struct sel {
    struct shared *s;
    cur_chan_rx_t rx[INPUTS];
    cur_chan_tx_t out;
    unsigned seed;
};

static void *selector(void *arg)
{
    struct sel *w = arg;
    cur_chan_op_t ops[INPUTS + 1];
    uint64_t in[INPUTS];
    uint64_t token = INPUTS;
    for (int k = 0; k < INPUTS; k++) ops[k] = CUR_CHAN_RECV_OP(&w->rx[k], &in[k]);
    ops[INPUTS] = CUR_CHAN_SEND_OP(&w->out, &token);
    int open = INPUTS;
    for (long round = 0; open > 0; round++) {
        int i;
        switch (round % 3) {
        case 0: i = cur_chan_select_timeout(ops, INPUTS + 1, 200000); break;
        case 1: i = cur_chan_try_select(ops, INPUTS + 1); break;
        default: i = cur_chan_select(ops, INPUTS + 1); break;
        }
        if (i == CUR_ETIMEDOUT || i == CUR_EAGAIN) continue;
        if (i < 0 || i > INPUTS || ops[i].kind == CUR_CHAN_OP_NONE) {
            fail("select returned a bad index", i, 0);
            break;
        }
        int rc = ops[i].rc;
        if (rc == 0) {
            if (i < INPUTS && in[i] != (uint64_t)i) fail("wrong message", (long)in[i], i);
            /* a completed send counts as sent to the output */
            atomic_fetch_add(i == INPUTS ? &w->s->sent[INPUTS] : &w->s->received[i], 1);
        } else if (rc == CUR_ECLOSED) {
            ops[i].kind = CUR_CHAN_OP_NONE;
            if (i < INPUTS) open--;
        } else {
            fail("op failed", rc, i);
        }
    }
    for (int k = 0; k < INPUTS; k++) cur_chan_rx_drop(&w->rx[k]);
    cur_chan_tx_drop(&w->out);
    return NULL;
}

static void *consumer(void *arg)
{
    struct shared *s = arg;
    uint64_t v;
    long n = 0;
    while (cur_chan_recv(&s->out_rx, &v) == 0) {
        atomic_fetch_add(&s->received[INPUTS], 1);
        if (s->close_output && ++n == 500) cur_chan_close(s->out_rx.chan);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int selectors = argc > 1 ? atoi(argv[1]) : 2;
    long rounds = argc > 2 ? atol(argv[2]) : 40;
    if (selectors < 1 || selectors > 32) selectors = 2;
    for (long round = 0; round < rounds; round++) {
        struct shared s = {.per_producer = 2000, .close_output = (int)(round & 1)};
        for (int k = 0; k <= INPUTS; k++) atomic_store(&dropped[k], 0);
        int rc = 0;
        for (int k = 0; k < INPUTS; k++) {
            cur_chan_opts_t o = {.elem_size = 8, .drop = count_drop, .ctx = (void *)(intptr_t)k};
            rc |= k == 0 ? cur_chan_bounded(&o, 2, &s.in_tx[k], &s.in_rx[k])
                  : k == 1 ? cur_chan_unbounded(&o, &s.in_tx[k], &s.in_rx[k])
                           : cur_chan_rendezvous(&o, &s.in_tx[k], &s.in_rx[k]);
        }
        cur_chan_opts_t oo = {.elem_size = 8, .drop = count_drop, .ctx = (void *)(intptr_t)INPUTS};
        rc |= cur_chan_bounded(&oo, 8, &s.out_tx, &s.out_rx);
        if (rc) {
            fail("create", rc, 0);
            break;
        }
        struct prod ps[INPUTS];
        pthread_t pt[INPUTS], st[32], ct;
        struct sel ss[32];
        for (int k = 0; k < INPUTS; k++) {
            ps[k] = (struct prod){.s = &s, .k = k};
            cur_chan_tx_clone(&s.in_tx[k], &ps[k].tx);
            pthread_create(&pt[k], NULL, producer, &ps[k]);
        }
        for (int j = 0; j < selectors; j++) {
            ss[j] = (struct sel){.s = &s};
            for (int k = 0; k < INPUTS; k++) cur_chan_rx_clone(&s.in_rx[k], &ss[j].rx[k]);
            cur_chan_tx_clone(&s.out_tx, &ss[j].out);
            pthread_create(&st[j], NULL, selector, &ss[j]);
        }
        pthread_create(&ct, NULL, consumer, &s);
        cur_chan_tx_drop(&s.out_tx);
        /* The closer: staggered closes racing with the producers. */
        for (int k = 0; k < INPUTS; k++) {
            for (int y = 0; y < (int)((round + (long)k) % 4) * 5000; y++) cur_backoff_pause();
            if ((round + k) % 2) cur_chan_close(s.in_tx[k].chan);
            cur_chan_tx_drop(&s.in_tx[k]);
        }
        for (int k = 0; k < INPUTS; k++) pthread_join(pt[k], NULL);
        for (int j = 0; j < selectors; j++) pthread_join(st[j], NULL);
        pthread_join(ct, NULL);
        for (int k = 0; k < INPUTS; k++) cur_chan_rx_drop(&s.in_rx[k]);
        cur_chan_rx_drop(&s.out_rx);
        for (int k = 0; k <= INPUTS; k++) {
            long sent = atomic_load(&s.sent[k]);
            long got = atomic_load(&s.received[k]) + atomic_load(&dropped[k]);
            if (sent != got) fail("sent != received + dropped on channel", k, sent - got);
        }
    }
    if (!atomic_load(&failures)) printf("chan_select: %ld rounds ok\n", rounds);
    return atomic_load(&failures) ? 1 : 0;
}
