/*
 * mc-08.1 MPSC and Broadcast Channels
 *
 * Shows: many producers and one consumer on a bounded channel (messages
 * are structs copied by value; the sender handle is cloned per thread, and
 * the consumer's loop ends by itself when the last sender is dropped); the
 * unbounded flavor and a oneshot reply channel; sending to a channel whose
 * receiver is gone (the message comes back); and a broadcast channel,
 * where every subscriber sees every message and a slow subscriber that
 * falls behind is told how many it missed and carries on.
 *
 * Build: cc -std=gnu17 examples/mc-08.1-mpsc-and-broadcast.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/chan.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* --- 1. MPSC: several producers, one consumer -------------------------------
 * Rust: let (tx, rx) = mpsc::sync_channel(8); tx.clone() per thread;
 * for msg in rx { ... } ends when every Sender is dropped. */
typedef struct reading {
    int sensor;   /* who sent it */
    int seq;      /* 0, 1, 2 ... per sensor */
    double value;
} reading_t;

typedef struct sensor {
    int id;
    cur_chan_tx_t tx; /* this thread's own clone of the sender */
} sensor_t;

static void *sensor_main(void *arg)
{
    sensor_t *s = arg;
    for (int seq = 0; seq < 5; seq++) {
        reading_t r = {s->id, seq, s->id * 10.0 + seq * 0.5};
        cur_chan_send(&s->tx, &r); /* waits while the channel is full */
    }
    cur_chan_tx_drop(&s->tx); /* this producer is done */
    return NULL;
}

static void mpsc_demo(void)
{
    cur_chan_opts_t opts = {.elem_size = sizeof(reading_t)};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    if (cur_chan_bounded(&opts, 4, &tx, &rx) != 0) return;

    sensor_t sensors[3];
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        sensors[i].id = i + 1;
        cur_chan_tx_clone(&tx, &sensors[i].tx);
        pthread_create(&threads[i], NULL, sensor_main, &sensors[i]);
    }
    cur_chan_tx_drop(&tx); /* keep only the producers' clones alive */

    /* The arrival order between sensors depends on scheduling; the order
     * of each sensor's own readings does not: a channel is FIFO per
     * producer. So: count, sum, and check that order. */
    int count = 0, next_seq[4] = {0, 0, 0, 0};
    double sum = 0;
    bool in_order = true;
    reading_t r;
    CUR_CHAN_FOR_EACH(&rx, &r) { /* ends when all senders are gone */
        in_order &= r.seq == next_seq[r.sensor]++;
        sum += r.value;
        count++;
    }
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    printf("mpsc: %d readings from 3 sensors, sum %.1f, per-sensor order kept: %s\n",
           count, sum, in_order ? "yes" : "no");
    printf("mpsc: after the last sender, recv says: %s\n",
           cur_err_name(cur_chan_recv(&rx, &r)));
    cur_chan_rx_drop(&rx);
}

/* --- 2. Unbounded requests with oneshot replies ------------------------------
 * Rust: an mpsc::unbounded_channel of requests, each carrying a
 * oneshot::Sender for its answer. In C the request holds the oneshot's
 * sender handle by value; the worker moves it out and answers through it. */
typedef struct request {
    int a, b;
    cur_chan_tx_t reply; /* oneshot sender for the sum */
} request_t;

static void *adder_main(void *arg)
{
    cur_chan_rx_t *requests = arg;
    request_t req;
    CUR_CHAN_FOR_EACH(requests, &req) {
        int sum = req.a + req.b;
        cur_chan_send(&req.reply, &sum); /* a oneshot's one message */
        cur_chan_tx_drop(&req.reply);
    }
    return NULL;
}

static void request_reply_demo(void)
{
    cur_chan_opts_t req_opts = {.elem_size = sizeof(request_t)};
    cur_chan_opts_t int_opts = {.elem_size = sizeof(int)};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    if (cur_chan_unbounded(&req_opts, &tx, &rx) != 0) return;
    pthread_t adder;
    pthread_create(&adder, NULL, adder_main, &rx);
    for (int i = 1; i <= 3; i++) {
        cur_chan_rx_t answer;
        request_t req = {i, i * 100, {0}};
        cur_chan_oneshot(&int_opts, &req.reply, &answer);
        cur_chan_send(&tx, &req); /* the request now owns req.reply */
        int sum = 0;
        cur_chan_recv(&answer, &sum);
        printf("request %d + %d -> %d (oneshot then says %s)\n", req.a, req.b, sum,
               cur_err_name(cur_chan_recv(&answer, &sum)));
        cur_chan_rx_drop(&answer);
    }
    cur_chan_tx_drop(&tx);
    pthread_join(adder, NULL);
    cur_chan_rx_drop(&rx);

    /* When the receiver is gone, send fails and the message stays ours. */
    cur_chan_tx_t lonely;
    cur_chan_rx_t gone;
    cur_chan_bounded(&int_opts, 1, &lonely, &gone);
    cur_chan_rx_drop(&gone);
    int keep = 42;
    int rc = cur_chan_send(&lonely, &keep);
    printf("send with no receiver: %s, message still ours: %d\n", cur_err_name(rc), keep);
    cur_chan_tx_drop(&lonely);
}

/* --- 3. Broadcast: every subscriber sees every message ------------------------
 * Rust: let (tx, rx1) = broadcast::channel(4); let rx2 = tx.subscribe();
 * a receiver that falls more than 4 behind gets Err(Lagged(n)). */
static void broadcast_demo(void)
{
    cur_chan_opts_t opts = {.elem_size = sizeof(int)};
    cur_chan_tx_t tx;
    cur_chan_rx_t fast, slow;
    if (cur_chan_broadcast(&opts, 4, &tx, &fast) != 0) return;
    cur_chan_subscribe(&tx, &slow);

    int v;
    for (int price = 100; price < 110; price++) {
        cur_chan_send(&tx, &price);
        cur_chan_recv(&fast, &v); /* the fast subscriber keeps up */
    }
    printf("broadcast: fast subscriber saw up to %d\n", v);

    /* The slow one has not read anything; the channel kept the last 4. */
    int rc = cur_chan_recv(&slow, &v);
    printf("broadcast: slow subscriber: %s, lagged by %llu\n", cur_err_name(rc),
           (unsigned long long)cur_chan_rx_lagged(&slow));
    printf("broadcast: slow subscriber resumes at:");
    cur_chan_tx_drop(&tx); /* no more prices: drain, then closed */
    while (cur_chan_recv(&slow, &v) == 0) printf(" %d", v);
    printf("\n");
    cur_chan_rx_drop(&fast);
    cur_chan_rx_drop(&slow);
}

int main(void)
{
    mpsc_demo();
    request_reply_demo();
    broadcast_demo();
    return 0;
}
