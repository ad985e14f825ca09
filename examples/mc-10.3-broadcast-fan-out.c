/*
 * mc-10.3 Fan-Out Pattern using Broadcast Channels
 *
 * Shows: fan-out of one event stream to several independent consumers with
 * a broadcast channel (every subscriber sees every event, each does its
 * own job with it), fan-in of their results over one MPSC channel, and,
 * for contrast, work-sharing fan-out over an MPMC channel (each job goes
 * to exactly one worker). Subscribers get their own copy of each event:
 * events that own memory are cloned per subscriber by a clone function,
 * the way a Rust broadcast channel requires T: Clone.
 *
 * Build: cc -std=gnu17 examples/mc-10.3-broadcast-fan-out.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/chan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORDERS 60

/* An event that owns heap memory: the customer's name. */
typedef struct order {
    int id;
    int region; /* 0, 1, 2 */
    int amount;
    char *customer; /* owned */
} order_t;

/* The channel keeps one copy of each event and hands each subscriber a
 * clone; it drops its own copy when the slot is reused or at the end. */
static void order_clone(void *dst, const void *src, void *ctx)
{
    (void)ctx;
    const order_t *s = src;
    order_t *d = dst;
    *d = *s;
    d->customer = strdup(s->customer);
}

static void order_drop(void *msg, void *ctx)
{
    (void)ctx;
    free(((order_t *)msg)->customer);
}

/* What each subscriber reports back (fan-in). */
typedef struct report {
    int who;
    char text[96];
} report_t;

typedef struct subscriber {
    int who;
    cur_chan_rx_t events;  /* its own broadcast receiver */
    cur_chan_tx_t reports; /* its clone of the fan-in sender */
} subscriber_t;

static void *audit(subscriber_t *s)
{
    order_t o;
    int n = 0, next = 0, bad = 0;
    CUR_CHAN_FOR_EACH(&s->events, &o) {
        bad += o.id != next++;
        n++;
        order_drop(&o, NULL); /* our clone */
    }
    report_t r = {s->who, ""};
    snprintf(r.text, sizeof r.text, "audit: %d orders, %s", n,
             bad ? "gaps found" : "ids consecutive");
    cur_chan_send(&s->reports, &r);
    return NULL;
}

static void *totals(subscriber_t *s)
{
    order_t o;
    long sum[3] = {0, 0, 0};
    CUR_CHAN_FOR_EACH(&s->events, &o) {
        sum[o.region] += o.amount;
        order_drop(&o, NULL);
    }
    report_t r = {s->who, ""};
    snprintf(r.text, sizeof r.text, "totals: north %ld, south %ld, west %ld", sum[0],
             sum[1], sum[2]);
    cur_chan_send(&s->reports, &r);
    return NULL;
}

static void *alerts(subscriber_t *s)
{
    order_t o;
    int big = 0;
    char names[64] = "";
    CUR_CHAN_FOR_EACH(&s->events, &o) {
        if (o.amount > 95) {
            if (big++ < 3) {
                strncat(names, " ", sizeof names - strlen(names) - 1);
                strncat(names, o.customer, sizeof names - strlen(names) - 1);
            }
        }
        order_drop(&o, NULL);
    }
    report_t r = {s->who, ""};
    snprintf(r.text, sizeof r.text, "alerts: %d orders above 95, first:%s", big, names);
    cur_chan_send(&s->reports, &r);
    return NULL;
}

static void *subscriber_main(void *arg)
{
    subscriber_t *s = arg;
    static void *(*const jobs[])(subscriber_t *) = {audit, totals, alerts};
    void *(*job)(subscriber_t *) = jobs[s->who];
    job(s);
    cur_chan_rx_drop(&s->events);
    cur_chan_tx_drop(&s->reports);
    return NULL;
}

static void broadcast_fan_out(void)
{
    /* Capacity covers the whole burst, so no subscriber can lag here (a
     * slower one would get CUR_ELAGGED: see mc-08.1). */
    cur_chan_opts_t ev = {.elem_size = sizeof(order_t), .clone = order_clone,
                          .drop = order_drop};
    cur_chan_opts_t rep = {.elem_size = sizeof(report_t)};
    cur_chan_tx_t events, reports;
    cur_chan_rx_t first, report_rx;
    if (cur_chan_broadcast(&ev, ORDERS, &events, &first) != 0) return;
    cur_chan_unbounded(&rep, &reports, &report_rx);

    subscriber_t subs[3];
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        subs[i].who = i;
        cur_chan_subscribe(&events, &subs[i].events); /* before any event */
        cur_chan_tx_clone(&reports, &subs[i].reports);
        pthread_create(&threads[i], NULL, subscriber_main, &subs[i]);
    }
    cur_chan_rx_drop(&first);
    cur_chan_tx_drop(&reports);

    static const char *names[] = {"ada", "bob", "cyd", "dee", "eve", "fay", "gus"};
    for (int i = 0; i < ORDERS; i++) {
        order_t o = {i, i % 3, (i * 37) % 100 + 1, strdup(names[i % 7])};
        cur_chan_send(&events, &o); /* the channel owns o now */
    }
    cur_chan_tx_drop(&events); /* end of stream: subscribers drain and stop */

    /* Fan-in: reports arrive in any order; print them by subscriber. */
    report_t got[3], r;
    CUR_CHAN_FOR_EACH(&report_rx, &r) got[r.who] = r;
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        printf("%s\n", got[i].text);
    }
    cur_chan_rx_drop(&report_rx);
}

/* --- work-sharing fan-out: each job to one worker --------------------------- */

typedef struct sharer {
    cur_chan_rx_t jobs;
    int handled;
    long sum;
} sharer_t;

static void *sharer_main(void *arg)
{
    sharer_t *w = arg;
    int job;
    CUR_CHAN_FOR_EACH(&w->jobs, &job) {
        w->sum += job;
        w->handled++;
    }
    cur_chan_rx_drop(&w->jobs);
    return NULL;
}

static void work_sharing(void)
{
    cur_chan_opts_t o = {.elem_size = sizeof(int)};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cur_chan_bounded(&o, 8, &tx, &rx);
    sharer_t ws[3] = {0};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        cur_chan_rx_clone(&rx, &ws[i].jobs);
        pthread_create(&t[i], NULL, sharer_main, &ws[i]);
    }
    cur_chan_rx_drop(&rx);
    for (int job = 1; job <= 1000; job++) cur_chan_send(&tx, &job);
    cur_chan_tx_drop(&tx);
    int handled = 0;
    long sum = 0;
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        handled += ws[i].handled;
        sum += ws[i].sum;
    }
    printf("work-sharing: 1000 jobs over 3 workers, %d handled, sum %ld (each once)\n",
           handled, sum);
}

int main(void)
{
    broadcast_fan_out();
    work_sharing();
    return 0;
}
