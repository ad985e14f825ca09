/*
 * mc-08.2 Select! and Graceful Shutdowns
 *
 * Shows: select over several channels (the first ready operation wins, the
 * others do not happen); a default branch (try_select) and a timeout; a
 * select that sends and receives at once; a closed channel counting as
 * ready, and disabling that branch; and a shutdown signal built on select:
 * a thread waits for SIGTERM with sigwait and closes a shutdown channel,
 * and workers that select over "next job" and "shutdown" stop taking
 * jobs, finish what is queued, and exit.
 *
 * Build: cc -std=gnu17 examples/mc-08.2-select-and-shutdown.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/chan.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static cur_chan_opts_t INT = {.elem_size = sizeof(int)};

/* --- 1. select!, default branch, timeout -------------------------------------
 * Rust (crossbeam):
 *     select! { recv(a) -> m => ..., recv(b) -> m => ..., default => ... }
 *     select! { recv(a) -> m => ..., default(Duration::from_millis(10)) => ... }
 */
static void select_basics(void)
{
    cur_chan_tx_t atx, btx;
    cur_chan_rx_t arx, brx;
    cur_chan_bounded(&INT, 2, &atx, &arx);
    cur_chan_bounded(&INT, 2, &btx, &brx);
    int a = 0, b = 0;
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&arx, &a), CUR_CHAN_RECV_OP(&brx, &b)};

    int i = cur_chan_try_select(ops, 2);
    printf("select, default branch, nothing ready: %s\n", cur_err_name(i));
    i = cur_chan_select_timeout(ops, 2, 10 * 1000000);
    printf("select with a 10 ms timeout, nothing ready: %s\n", cur_err_name(i));

    int v = 7;
    cur_chan_send(&btx, &v);
    i = cur_chan_select(ops, 2);
    printf("select, b has a message: branch %d, got %d\n", i, b);

    /* Sending and receiving in one select: whichever can go first. Here
     * a is empty (its recv waits) and b has room, so the send happens. */
    int out = 99;
    cur_chan_op_t mixed[] = {CUR_CHAN_RECV_OP(&arx, &a), CUR_CHAN_SEND_OP(&btx, &out)};
    i = cur_chan_select(mixed, 2);
    printf("select over recv(a) and send(b): branch %d (%s), b now holds %td\n", i,
           i == 1 ? "send" : "recv", cur_chan_len(btx.chan));

    /* A closed channel is ready: its recv completes with CUR_ECLOSED.
     * Disable the branch (tokio's `if` guard) so the loop does not spin. */
    cur_chan_recv(&brx, &b); /* empty b again */
    cur_chan_tx_drop(&atx);
    i = cur_chan_select(ops, 2);
    printf("after a's sender is gone: branch %d says %s\n", i, cur_err_name(ops[i].rc));
    ops[0].kind = CUR_CHAN_OP_NONE;
    i = cur_chan_try_select(ops, 2);
    printf("with that branch disabled: %s\n", cur_err_name(i));

    cur_chan_tx_drop(&btx);
    cur_chan_rx_drop(&arx);
    cur_chan_rx_drop(&brx);
}

/* --- 2. A shutdown signal built on select ------------------------------------
 * Rust (tokio):
 *     loop { tokio::select! {
 *         Some(job) = jobs.recv() => work(job),
 *         _ = shutdown.recv() => break,     // ctrl_c / SIGTERM
 *     } }
 * A signal handler may not touch a channel (nothing here is
 * async-signal-safe), so one thread waits for the signal with sigwait and
 * closes the shutdown channel; closing wakes every select waiting on it. */
typedef struct worker {
    cur_chan_rx_t jobs;
    cur_chan_rx_t shutdown; /* never carries a message: closing is the signal */
    int done_before, drained; /* jobs handled before and after the signal */
    long sum;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    int job, none;
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&w->jobs, &job),
                           CUR_CHAN_RECV_OP(&w->shutdown, &none)};
    for (;;) {
        int i = cur_chan_select(ops, 2);
        if (i == 0 && ops[0].rc == 0) {
            w->sum += job * job;
            w->done_before++;
        } else {
            break; /* shutdown closed (or the jobs channel did) */
        }
    }
    /* Graceful: take no new work, but finish what was already queued. */
    while (cur_chan_try_recv(&w->jobs, &job) == 0) {
        w->sum += job * job;
        w->drained++;
    }
    cur_chan_rx_drop(&w->jobs);
    cur_chan_rx_drop(&w->shutdown);
    return NULL;
}

typedef struct signal_waiter {
    sigset_t set;
    cur_chan_tx_t shutdown;
} signal_waiter_t;

static void *signal_main(void *arg)
{
    signal_waiter_t *s = arg;
    int sig;
    sigwait(&s->set, &sig);
    cur_chan_close(s->shutdown.chan); /* every worker's select wakes */
    cur_chan_tx_drop(&s->shutdown);
    return NULL;
}

static void shutdown_demo(void)
{
    /* Block SIGTERM in every thread; only the signal thread takes it. */
    signal_waiter_t sw;
    sigemptyset(&sw.set);
    sigaddset(&sw.set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sw.set, NULL);

    cur_chan_tx_t jobs_tx;
    cur_chan_rx_t jobs_rx, shutdown_rx;
    cur_chan_opts_t signal_opts = {.elem_size = 0}; /* a channel of signals */
    cur_chan_bounded(&INT, 64, &jobs_tx, &jobs_rx);
    cur_chan_bounded(&signal_opts, 1, &sw.shutdown, &shutdown_rx);

    worker_t workers[3] = {0};
    pthread_t threads[3], signal_thread;
    for (int i = 0; i < 3; i++) {
        cur_chan_rx_clone(&jobs_rx, &workers[i].jobs);
        cur_chan_rx_clone(&shutdown_rx, &workers[i].shutdown);
    }
    /* Queue the work before the workers start, so the counts below do
     * not depend on timing; then start everyone and send SIGTERM. */
    for (int job = 1; job <= 40; job++) cur_chan_send(&jobs_tx, &job);
    for (int i = 0; i < 3; i++) pthread_create(&threads[i], NULL, worker_main, &workers[i]);
    pthread_create(&signal_thread, NULL, signal_main, &sw);
    kill(getpid(), SIGTERM);

    pthread_join(signal_thread, NULL);
    int total = 0;
    long sum = 0;
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        total += workers[i].done_before + workers[i].drained;
        sum += workers[i].sum;
    }
    printf("shutdown: SIGTERM closed the shutdown channel; 3 workers exited\n");
    printf("shutdown: %d of 40 queued jobs finished (sum of squares %ld), none lost\n",
           total, sum);
    int job = 0;
    printf("shutdown: jobs channel left empty: %s\n",
           cur_err_name(cur_chan_try_recv(&jobs_rx, &job)));
    cur_chan_tx_drop(&jobs_tx);
    cur_chan_rx_drop(&jobs_rx);
    cur_chan_rx_drop(&shutdown_rx);
}

int main(void)
{
    select_basics();
    shutdown_demo();
    return 0;
}
