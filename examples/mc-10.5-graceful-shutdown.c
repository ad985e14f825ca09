/*
 * mc-10.5 Graceful Shutdowns with select!
 *
 * Shows: a shutdown token (a watch channel holding "stop?", which any
 * number of threads can wait on) and a select that waits for "next
 * request" or "token changed"; how a shutdown travels down a pipeline by
 * closing channels (the acceptor stops and drops its sender, the workers
 * finish every job already queued and then see the channel closed); how
 * the owner waits for all of them with a deadline (every worker holds a
 * clone of a `done` sender and never sends: when the last one is dropped,
 * recv returns CUR_ECLOSED); and that new requests are refused once the
 * server has stopped. Thread version; the async version (tasks on the
 * executor) comes with the executor module.
 *
 * Build: cc -std=gnu17 examples/mc-10.5-graceful-shutdown.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/chan.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define WORKERS 3

typedef struct server {
    cur_chan_rx_t incoming; /* requests from clients (rendezvous) */
    cur_chan_rx_t token;    /* watch<bool>: true means shut down */
    cur_chan_tx_t jobs;     /* acceptor -> workers */
    cur_chan_rx_t jobs_rx;  /* the workers' clones are made from it */
    int accepted;
} server_t;

typedef struct worker {
    cur_chan_rx_t jobs;
    cur_chan_tx_t done;    /* never used to send: dropping it says "finished" */
    cur_chan_tx_t results;
} worker_t;

/* Rust:
 *     loop { tokio::select! {
 *         Some(req) = incoming.recv() => jobs.send(req).await?,
 *         _ = token.changed() => break,
 *     } }
 *     drop(jobs); // the workers drain the queue, then see it closed */
static void *acceptor_main(void *arg)
{
    server_t *s = arg;
    int req;
    bool stop = false;
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&s->incoming, &req),
                           CUR_CHAN_RECV_OP(&s->token, &stop)};
    for (;;) {
        int i = cur_chan_select(ops, 2);
        if (i == 0 && ops[0].rc == 0) {
            cur_chan_send(&s->jobs, &req);
            s->accepted++;
        } else if (i == 1 && ops[1].rc == 0 && !stop) {
            continue; /* the token changed, but not to "stop" */
        } else {
            break; /* stop requested, or a channel closed */
        }
    }
    cur_chan_tx_drop(&s->jobs);      /* no more jobs: workers will drain */
    cur_chan_rx_drop(&s->incoming);  /* clients are refused from now on */
    cur_chan_rx_drop(&s->token);
    return NULL;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    int job;
    /* In-flight work is never cut off: a job taken is finished, and the
     * loop ends only when the queue is closed and empty. */
    CUR_CHAN_FOR_EACH(&w->jobs, &job) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL); /* the work */
        int result = job * 10;
        cur_chan_send(&w->results, &result);
    }
    cur_chan_rx_drop(&w->jobs);
    cur_chan_tx_drop(&w->results);
    cur_chan_tx_drop(&w->done); /* the last one closes `done` */
    return NULL;
}

int main(void)
{
    cur_chan_opts_t int_opts = {.elem_size = sizeof(int)};
    cur_chan_opts_t bool_opts = {.elem_size = sizeof(bool)};
    cur_chan_opts_t signal_opts = {.elem_size = 0};
    server_t s = {0};
    cur_chan_tx_t client, token_tx, done_tx, results_tx;
    cur_chan_rx_t done_rx, results_rx;
    bool running = false;
    cur_chan_rendezvous(&int_opts, &client, &s.incoming);
    cur_chan_watch(&bool_opts, &running, &token_tx, &s.token);
    cur_chan_bounded(&int_opts, 16, &s.jobs, &s.jobs_rx);
    cur_chan_bounded(&signal_opts, 1, &done_tx, &done_rx);
    cur_chan_unbounded(&int_opts, &results_tx, &results_rx);

    worker_t workers[WORKERS];
    pthread_t wt[WORKERS], at;
    for (int i = 0; i < WORKERS; i++) {
        cur_chan_rx_clone(&s.jobs_rx, &workers[i].jobs);
        cur_chan_tx_clone(&done_tx, &workers[i].done);
        cur_chan_tx_clone(&results_tx, &workers[i].results);
        pthread_create(&wt[i], NULL, worker_main, &workers[i]);
    }
    cur_chan_rx_drop(&s.jobs_rx);
    cur_chan_tx_drop(&done_tx);
    cur_chan_tx_drop(&results_tx);
    pthread_create(&at, NULL, acceptor_main, &s);

    /* Twelve requests; a rendezvous send returns once the acceptor took
     * the request, so exactly twelve are in the system. */
    for (int req = 1; req <= 12; req++) cur_chan_send(&client, &req);
    printf("client: 12 requests accepted\n");

    /* Shut down: flip the token. Every thread selecting on it wakes. */
    bool stop = true;
    cur_chan_send(&token_tx, &stop);
    pthread_join(at, NULL);
    printf("acceptor: saw the token, stopped after %d requests\n", s.accepted);

    int late = 13;
    printf("client: request 13 after shutdown: %s\n",
           cur_err_name(cur_chan_send_timeout(&client, &late, 1000000000)));

    /* Wait for the workers, but not forever: a deadline for the drain. */
    cur_chan_op_t wait = CUR_CHAN_RECV_OP(&done_rx, NULL);
    int i = cur_chan_select_timeout(&wait, 1, 5 * 1000000000LL);
    if (i == 0 && wait.rc == CUR_ECLOSED)
        printf("workers: all %d finished within the deadline\n", WORKERS);
    else
        printf("workers: still busy at the deadline (%s)\n", cur_err_name(i));
    for (int k = 0; k < WORKERS; k++) pthread_join(wt[k], NULL);

    int n = 0, r;
    long sum = 0;
    CUR_CHAN_FOR_EACH(&results_rx, &r) {
        sum += r;
        n++;
    }
    printf("results: %d jobs drained, none lost (sum %ld)\n", n, sum);

    cur_chan_tx_drop(&client);
    cur_chan_tx_drop(&token_tx);
    cur_chan_rx_drop(&done_rx);
    cur_chan_rx_drop(&results_rx);
    return 0;
}
