/*
 * Tests of curriculum/chan.h: every flavor's semantics, handles and close,
 * bad input, OOM sweeps on creation and on unbounded growth, drop
 * functions for messages in flight, timeouts and deadlines, the iterator,
 * select, and the poll functions driven by hand. Concurrent tests use real
 * threads and a .timeout; none asserts an upper bound on time.
 */
#include <criterion/criterion.h>
#include <curriculum/chan.h>
#include <curriculum/panic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "support/alloc.h"
#include "support/quiet.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void quiet(void) { cur_panic_set_hook(cur_test_quiet_hook, NULL, NULL, NULL); }

static const cur_chan_opts_t U64 = {.elem_size = sizeof(uint64_t),
                                    .alloc = &cur_test_alloc};

/* Messages that own heap memory: the drop function must free them. */
typedef struct owned {
    uint64_t id;
    char *buf; /* 16 bytes from cur_test_alloc */
} owned_t;

static atomic_int drops;

static void owned_drop(void *msg, void *ctx)
{
    (void)ctx;
    owned_t *m = msg;
    cur_test_alloc.release(cur_test_alloc.ctx, m->buf, 16);
    atomic_fetch_add(&drops, 1);
}

static void owned_clone(void *dst, const void *src, void *ctx)
{
    (void)ctx;
    const owned_t *s = src;
    owned_t *d = dst;
    d->id = s->id;
    d->buf = cur_test_alloc.alloc(cur_test_alloc.ctx, 16);
    memcpy(d->buf, s->buf, 16);
}

static owned_t owned_new(uint64_t id)
{
    owned_t m = {id, cur_test_alloc.alloc(cur_test_alloc.ctx, 16)};
    memset(m.buf, (int)(id & 0x7f), 16);
    return m;
}

static const cur_chan_opts_t OWNED = {.elem_size = sizeof(owned_t),
                                      .alloc = &cur_test_alloc,
                                      .drop = owned_drop,
                                      .clone = owned_clone};

/* --- creation and bad input ------------------------------------------------ */

Test(chan, bad_sizes_are_rejected_without_allocating)
{
    cur_chan_tx_t tx = {0};
    cur_chan_rx_t rx = {0};
    cur_chan_opts_t neg = {.elem_size = -1, .alloc = &cur_test_alloc};
    cr_assert_eq(cur_chan_bounded(&U64, -1, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_bounded(&neg, 4, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_unbounded(&neg, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_rendezvous(&neg, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_oneshot(&neg, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_broadcast(&U64, 0, &tx, &rx), CUR_EINVAL);
    cr_assert_eq(cur_chan_broadcast(&U64, -3, &tx, &rx), CUR_EINVAL);
    cr_assert_null(tx.chan, "out-param written on failure");
    cr_assert_null(rx.chan);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, absurd_capacities_overflow_or_fail_cleanly)
{
    cur_chan_tx_t tx = {0};
    cur_chan_rx_t rx = {0};
    cr_assert_eq(cur_chan_bounded(&U64, PTRDIFF_MAX, &tx, &rx), CUR_EOVERFLOW);
    cr_assert_eq(cur_chan_broadcast(&U64, PTRDIFF_MAX, &tx, &rx), CUR_EOVERFLOW);
    cur_chan_opts_t huge = {.elem_size = PTRDIFF_MAX, .alloc = &cur_test_alloc};
    cr_assert_eq(cur_chan_bounded(&huge, 1, &tx, &rx), CUR_EOVERFLOW);
    cr_assert_eq(cur_chan_unbounded(&huge, &tx, &rx), CUR_EOVERFLOW);
    cur_chan_opts_t big = {.elem_size = PTRDIFF_MAX / 8, .alloc = &cur_test_alloc};
    cr_assert_eq(cur_chan_bounded(&big, 1 << 20, &tx, &rx), CUR_EOVERFLOW);
    /* fits in ptrdiff_t, but no allocator has it */
    cur_chan_opts_t lim = {.elem_size = 8, .alloc = &cur_test_alloc_limited};
    cr_assert_eq(cur_chan_bounded(&lim, (ptrdiff_t)1 << 36, &tx, &rx), CUR_ENOMEM);
    cr_assert_null(tx.chan);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, capacity_zero_makes_a_rendezvous_channel)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 0, &tx, &rx), 0);
    cr_assert_eq(cur_chan_flavor(tx.chan), CUR_CHAN_RENDEZVOUS);
    cr_assert_eq(cur_chan_capacity(tx.chan), 0);
    uint64_t v = 1;
    cr_assert_eq(cur_chan_try_send(&tx, &v), CUR_EAGAIN, "nobody is waiting");
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static int make_flavor(int k, const cur_chan_opts_t *o, cur_chan_tx_t *tx,
                       cur_chan_rx_t *rx)
{
    static const uint64_t zero = 0;
    switch (k) {
    case 0: return cur_chan_bounded(o, 8, tx, rx);
    case 1: return cur_chan_unbounded(o, tx, rx);
    case 2: return cur_chan_rendezvous(o, tx, rx);
    case 3: return cur_chan_oneshot(o, tx, rx);
    case 4: return cur_chan_broadcast(o, 8, tx, rx);
    default: return cur_chan_watch(o, &zero, tx, rx);
    }
}

Test(chan, creation_oom_sweep_every_flavor)
{
    for (int k = 0; k < 6; k++) {
        int rc;
        cur_chan_tx_t tx = {0};
        cur_chan_rx_t rx = {0};
        CUR_OOM_SWEEP(rc, {}, { rc = make_flavor(k, &U64, &tx, &rx); },
                      {
                          cr_assert_null(tx.chan);
                          cr_assert_null(rx.chan);
                      },
                      {
                          cr_assert_eq(rc, 0);
                          uint64_t v = 42;
                          uint64_t out = 0;
                          if (k != 2) {
                              cr_assert_eq(cur_chan_send(&tx, &v), 0);
                              cr_assert_eq(cur_chan_try_recv(&rx, &out), 0);
                              cr_assert_eq(out, 42);
                          }
                      },
                      {
                          cur_chan_tx_drop(&tx);
                          cur_chan_rx_drop(&rx);
                      });
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, unbounded_growth_oom_sweep_keeps_messages_and_order)
{
    int rc;
    cur_chan_tx_t tx = {0};
    cur_chan_rx_t rx = {0};
    ptrdiff_t sent = 0;
    CUR_OOM_SWEEP(rc,
                  {
                      cr_assert_eq(cur_chan_unbounded(&U64, &tx, &rx), 0);
                      sent = 0;
                  },
                  {
                      rc = 0;
                      for (uint64_t i = 0; i < 600 && rc == 0; i++)
                          if ((rc = cur_chan_send(&tx, &i)) == 0) sent++;
                  },
                  {
                      /* what was sent is all there, in order */
                      cr_assert_gt(sent, 0);
                      cr_assert_eq(cur_chan_len(tx.chan), sent);
                      uint64_t v;
                      for (uint64_t i = 0; i < (uint64_t)sent; i++) {
                          cr_assert_eq(cur_chan_try_recv(&rx, &v), 0);
                          cr_assert_eq(v, i);
                      }
                      cr_assert_eq(cur_chan_try_recv(&rx, &v), CUR_EAGAIN);
                      /* and the channel grows again */
                      for (uint64_t i = 0; i < 300; i++)
                          cr_assert_eq(cur_chan_send(&tx, &i), 0);
                      cr_assert_eq(cur_chan_len(tx.chan), 300);
                  },
                  { cr_assert_eq(sent, 600); },
                  {
                      cur_chan_tx_drop(&tx);
                      cur_chan_rx_drop(&rx);
                  });
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- bounded and unbounded: FIFO, full, empty ------------------------------- */

Test(chan, bounded_is_fifo_across_wraparound_for_odd_sizes)
{
    static const ptrdiff_t sizes[] = {0, 1, 3, 8, 16, 100};
    for (int s = 0; s < 6; s++) {
        cur_chan_opts_t o = {.elem_size = sizes[s], .alloc = &cur_test_alloc};
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        cr_assert_eq(cur_chan_bounded(&o, 5, &tx, &rx), 0);
        unsigned char in[100], out[100];
        for (int round = 0; round < 7; round++) {
            for (int i = 0; i < 3; i++) {
                memset(in, round * 3 + i, sizeof in);
                cr_assert_eq(cur_chan_try_send(&tx, in), 0);
            }
            for (int i = 0; i < 3; i++) {
                memset(out, 0xee, sizeof out);
                cr_assert_eq(cur_chan_try_recv(&rx, out), 0);
                for (ptrdiff_t b = 0; b < sizes[s]; b++)
                    cr_assert_eq(out[b], round * 3 + i);
                if (sizes[s] < 100) cr_assert_eq(out[sizes[s]], 0xee, "wrote past elem_size");
            }
        }
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, bounded_full_and_empty_say_eagain)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 3, &tx, &rx), 0);
    uint64_t v = 0;
    cr_assert_eq(cur_chan_try_recv(&rx, &v), CUR_EAGAIN);
    for (v = 0; v < 3; v++) cr_assert_eq(cur_chan_try_send(&tx, &v), 0);
    cr_assert_eq(cur_chan_len(tx.chan), 3);
    cr_assert_eq(cur_chan_capacity(tx.chan), 3);
    cr_assert_eq(cur_chan_try_send(&tx, &v), CUR_EAGAIN);
    cr_assert_eq(cur_chan_send_timeout(&tx, &v, 1000000), CUR_ETIMEDOUT);
    uint64_t out;
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out, 0);
    cr_assert_eq(cur_chan_try_send(&tx, &v), 0);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, unbounded_len_and_order_across_many_blocks)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_unbounded(&U64, &tx, &rx), 0);
    cr_assert_eq(cur_chan_capacity(tx.chan), -1);
    for (uint64_t i = 0; i < 1000; i++) cr_assert_eq(cur_chan_try_send(&tx, &i), 0);
    cr_assert_eq(cur_chan_len(tx.chan), 1000);
    uint64_t v;
    for (uint64_t i = 0; i < 700; i++) {
        cr_assert_eq(cur_chan_try_recv(&rx, &v), 0);
        cr_assert_eq(v, i);
    }
    cr_assert_eq(cur_chan_len(tx.chan), 300);
    for (uint64_t i = 1000; i < 1500; i++) cr_assert_eq(cur_chan_send(&tx, &i), 0);
    for (uint64_t i = 700; i < 1500; i++) {
        cr_assert_eq(cur_chan_recv(&rx, &v), 0);
        cr_assert_eq(v, i);
    }
    cr_assert_eq(cur_chan_try_recv(&rx, &v), CUR_EAGAIN);
    cr_assert_eq(cur_chan_len(tx.chan), 0);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, zero_sized_messages_are_signals)
{
    cur_chan_opts_t o = {.elem_size = 0, .alloc = &cur_test_alloc};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&o, 2, &tx, &rx), 0);
    cr_assert_eq(cur_chan_try_send(&tx, NULL), 0);
    cr_assert_eq(cur_chan_try_send(&tx, NULL), 0);
    cr_assert_eq(cur_chan_try_send(&tx, NULL), CUR_EAGAIN);
    cr_assert_eq(cur_chan_try_recv(&rx, NULL), 0);
    cr_assert_eq(cur_chan_len(rx.chan), 1);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- handles and close ----------------------------------------------------- */

Test(chan, last_sender_gone_receivers_drain_then_closed)
{
    for (int k = 0; k < 2; k++) {
        cur_chan_tx_t tx, tx2;
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &U64, &tx, &rx), 0);
        cr_assert_eq(cur_chan_tx_clone(&tx, &tx2), 0);
        cr_assert_eq(cur_chan_sender_count(rx.chan), 2);
        uint64_t v = 7;
        cr_assert_eq(cur_chan_send(&tx, &v), 0);
        cur_chan_tx_drop(&tx);
        cr_assert_null(tx.chan);
        cr_assert_not(cur_chan_is_closed(rx.chan), "one sender left");
        v = 8;
        cr_assert_eq(cur_chan_send(&tx2, &v), 0);
        cur_chan_tx_drop(&tx2);
        cr_assert(cur_chan_is_closed(rx.chan));
        uint64_t out;
        cr_assert_eq(cur_chan_recv(&rx, &out), 0);
        cr_assert_eq(out, 7);
        cr_assert_eq(cur_chan_recv(&rx, &out), 0);
        cr_assert_eq(out, 8);
        out = 99;
        cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED);
        cr_assert_eq(cur_chan_try_recv(&rx, &out), CUR_ECLOSED);
        cr_assert_eq(cur_chan_recv_timeout(&rx, &out, 1000000), CUR_ECLOSED);
        cr_assert_eq(out, 99, "out written on failure");
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, send_after_close_fails_and_the_message_stays_the_callers)
{
    for (int k = 0; k < 6; k++) {
        atomic_store(&drops, 0);
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        owned_t init = owned_new(0);
        cr_assert_eq(k == 5 ? cur_chan_watch(&OWNED, &init, &tx, &rx)
                            : make_flavor(k, &OWNED, &tx, &rx),
                     0);
        if (k != 5) owned_drop(&init, NULL);
        cur_chan_close(rx.chan);
        cur_chan_close(rx.chan); /* idempotent */
        cr_assert(cur_chan_is_closed(tx.chan));
        owned_t m = owned_new(1);
        cr_assert_eq(cur_chan_try_send(&tx, &m), CUR_ECLOSED);
        cr_assert_eq(cur_chan_send(&tx, &m), CUR_ECLOSED);
        cr_assert_eq(cur_chan_send_timeout(&tx, &m, 1000), CUR_ECLOSED);
        owned_drop(&m, NULL); /* still ours: we free it */
        owned_t out;
        if (k != 5) cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED);
        else cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED, "watch: nothing new");
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, last_receiver_gone_sends_fail_closed)
{
    for (int k = 0; k < 6; k++) {
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &U64, &tx, &rx), 0);
        cur_chan_rx_drop(&rx);
        cur_chan_rx_drop(&rx); /* a dropped handle is zeroed: no-op */
        cr_assert_eq(cur_chan_receiver_count(tx.chan), 0);
        uint64_t v = 1;
        cr_assert_eq(cur_chan_try_send(&tx, &v), CUR_ECLOSED, "flavor %d", k);
        cr_assert_eq(cur_chan_send(&tx, &v), CUR_ECLOSED, "flavor %d", k);
        cur_chan_tx_drop(&tx);
    }
    cur_chan_tx_drop(NULL);
    cur_chan_rx_drop(NULL);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

struct blocked {
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    int rc;
    uint64_t v;
};

static void *blocked_sender(void *arg)
{
    struct blocked *b = arg;
    b->rc = cur_chan_send(&b->tx, &b->v);
    return NULL;
}

static void *blocked_receiver(void *arg)
{
    struct blocked *b = arg;
    b->rc = cur_chan_recv(&b->rx, &b->v);
    return NULL;
}

Test(chan, dropping_the_last_receiver_wakes_a_blocked_sender, .timeout = 10)
{
    for (int k = 0; k < 3; k += 2) { /* bounded(1) full, rendezvous */
        struct blocked b = {.v = 5};
        cur_chan_rx_t rx;
        cr_assert_eq(k == 0 ? cur_chan_bounded(&U64, 1, &b.tx, &rx)
                            : cur_chan_rendezvous(&U64, &b.tx, &rx),
                     0);
        uint64_t fill = 1;
        if (k == 0) cr_assert_eq(cur_chan_send(&b.tx, &fill), 0);
        pthread_t t;
        pthread_create(&t, NULL, blocked_sender, &b);
        sleep_ms(20);
        cur_chan_rx_drop(&rx);
        pthread_join(t, NULL);
        cr_assert_eq(b.rc, CUR_ECLOSED);
        cr_assert_eq(b.v, 5);
        cur_chan_tx_drop(&b.tx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, dropping_the_last_sender_wakes_blocked_receivers, .timeout = 10)
{
    for (int k = 0; k < 6; k++) {
        struct blocked b = {.v = 77};
        cur_chan_tx_t tx;
        cr_assert_eq(make_flavor(k, &U64, &tx, &b.rx), 0);
        pthread_t t;
        pthread_create(&t, NULL, blocked_receiver, &b);
        sleep_ms(10);
        cur_chan_tx_drop(&tx);
        pthread_join(t, NULL);
        cr_assert_eq(b.rc, CUR_ECLOSED, "flavor %d", k);
        cr_assert_eq(b.v, 77);
        cur_chan_rx_drop(&b.rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, messages_in_flight_are_dropped_with_the_channel)
{
    /* bounded with wraparound, unbounded across blocks, oneshot */
    for (int k = 0; k < 4; k++) {
        if (k == 2) continue; /* rendezvous holds nothing */
        atomic_store(&drops, 0);
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &OWNED, &tx, &rx), 0);
        int n = k == 0 ? 8 : k == 1 ? 300 : 1;
        for (int i = 0; i < (k == 0 ? 5 : 0); i++) { /* wrap the ring */
            owned_t m = owned_new((uint64_t)i), o;
            cr_assert_eq(cur_chan_send(&tx, &m), 0);
            cr_assert_eq(cur_chan_recv(&rx, &o), 0);
            owned_drop(&o, NULL);
        }
        atomic_store(&drops, 0);
        for (int i = 0; i < n; i++) {
            owned_t m = owned_new((uint64_t)i);
            cr_assert_eq(cur_chan_send(&tx, &m), 0);
        }
        owned_t o;
        cr_assert_eq(cur_chan_recv(&rx, &o), 0); /* one taken out */
        owned_drop(&o, NULL);
        atomic_store(&drops, 0);
        cur_chan_rx_drop(&rx); /* senders remain: nothing dropped yet */
        cr_assert_eq(atomic_load(&drops), 0);
        cur_chan_tx_drop(&tx);
        cr_assert_eq(atomic_load(&drops), n - 1, "flavor %d", k);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, oneshot_sends_once)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_oneshot(&U64, &tx, &rx), 0);
    cr_assert_eq(cur_chan_capacity(tx.chan), 1);
    uint64_t v = 11, out = 0;
    cr_assert_eq(cur_chan_try_recv(&rx, &out), CUR_EAGAIN);
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert_eq(cur_chan_send(&tx, &v), CUR_ECLOSED, "a oneshot takes one message");
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out, 11);
    cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED, "even with the sender alive");
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    /* a sender dropped unsent closes it */
    cr_assert_eq(cur_chan_oneshot(&U64, &tx, &rx), 0);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, cloning_a_oneshot_sender_is_a_contract_violation, .signal = SIGABRT,
     .init = quiet)
{
    cur_chan_tx_t tx, tx2;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_oneshot(&U64, &tx, &rx), 0);
    cur_chan_tx_clone(&tx, &tx2);
}

Test(chan, sending_on_a_dropped_handle_is_a_contract_violation, .signal = SIGABRT,
     .init = quiet)
{
    cur_chan_tx_t tx = {0};
    uint64_t v = 0;
    cur_chan_send(&tx, &v);
}

/* --- timeouts and deadlines ---------------------------------------------- */

Test(chan, timeouts_and_deadlines_expire_on_every_flavor, .timeout = 20)
{
    for (int k = 0; k < 6; k++) {
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &U64, &tx, &rx), 0);
        uint64_t out = 3;
        int64_t t0 = cur_time_now_ns();
        cr_assert_eq(cur_chan_recv_timeout(&rx, &out, 10000000), CUR_ETIMEDOUT, "flavor %d", k);
        cr_assert_geq(cur_time_now_ns() - t0, 10000000, "returned early");
        cr_assert_eq(cur_chan_recv_until(&rx, &out, cur_time_now_ns() - 1), CUR_ETIMEDOUT);
        cr_assert_eq(cur_chan_recv_timeout(&rx, &out, 0), CUR_ETIMEDOUT);
        cr_assert_eq(cur_chan_recv_timeout(&rx, &out, -5), CUR_ETIMEDOUT);
        cr_assert_eq(out, 3);
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx);
    }
    /* full bounded and partnerless rendezvous: the send side */
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_rendezvous(&U64, &tx, &rx), 0);
    uint64_t v = 1;
    cr_assert_eq(cur_chan_send_timeout(&tx, &v, 5000000), CUR_ETIMEDOUT);
    cr_assert_eq(cur_chan_send_until(&tx, &v, cur_deadline_after(5000000)), CUR_ETIMEDOUT);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, a_past_deadline_still_takes_a_ready_message)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 2, &tx, &rx), 0);
    uint64_t v = 9, out = 0;
    cr_assert_eq(cur_chan_send_until(&tx, &v, 0), 0);
    cr_assert_eq(cur_chan_recv_until(&rx, &out, 0), 0);
    cr_assert_eq(out, 9);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void *delayed_send(void *arg)
{
    struct blocked *b = arg;
    sleep_ms(20);
    b->rc = cur_chan_send(&b->tx, &b->v);
    return NULL;
}

Test(chan, a_blocked_receiver_is_woken_by_a_send, .timeout = 10)
{
    for (int k = 0; k < 6; k++) {
        if (k == 3) continue; /* oneshot: below */
        struct blocked b = {.v = 1234};
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &U64, &b.tx, &rx), 0);
        pthread_t t;
        pthread_create(&t, NULL, delayed_send, &b);
        uint64_t out = 0;
        cr_assert_eq(cur_chan_recv_timeout(&rx, &out, 5000000000), 0, "flavor %d", k);
        cr_assert_eq(out, 1234);
        pthread_join(t, NULL);
        cr_assert_eq(b.rc, 0);
        cur_chan_tx_drop(&b.tx);
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, rendezvous_send_completes_only_with_a_receiver, .timeout = 10)
{
    struct blocked b = {.v = 31};
    cur_chan_tx_t tx;
    cr_assert_eq(cur_chan_rendezvous(&U64, &tx, &b.rx), 0);
    pthread_t t;
    pthread_create(&t, NULL, blocked_receiver, &b);
    uint64_t v = 42;
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    pthread_join(t, NULL);
    cr_assert_eq(b.rc, 0);
    cr_assert_eq(b.v, 42);
    cr_assert_eq(cur_chan_len(tx.chan), 0);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&b.rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- iterator -------------------------------------------------------------- */

static void *send_then_drop(void *arg)
{
    struct blocked *b = arg;
    for (uint64_t i = 0; i < 1000; i++) cur_chan_send(&b->tx, &i);
    cur_chan_tx_drop(&b->tx);
    return NULL;
}

Test(chan, iterator_yields_every_message_then_stops_at_close, .timeout = 10)
{
    struct blocked b = {0};
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 4, &b.tx, &rx), 0);
    pthread_t t;
    pthread_create(&t, NULL, send_then_drop, &b);
    uint64_t v, expect = 0;
    CUR_CHAN_FOR_EACH(&rx, &v) cr_assert_eq(v, expect++);
    cr_assert_eq(expect, 1000);
    pthread_join(t, NULL);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, try_next_stops_when_empty)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_unbounded(&U64, &tx, &rx), 0);
    for (uint64_t i = 0; i < 3; i++) cur_chan_send(&tx, &i);
    uint64_t v;
    int n = 0;
    while (cur_chan_try_next(&rx, &v)) n++;
    cr_assert_eq(n, 3);
    cr_assert_not(cur_chan_try_next(&rx, &v));
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- broadcast -------------------------------------------------------------- */

Test(chan, broadcast_every_receiver_sees_every_message)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t a, b, late;
    cr_assert_eq(cur_chan_broadcast(&U64, 4, &tx, &a), 0);
    cr_assert_eq(cur_chan_subscribe(&tx, &b), 0);
    uint64_t v = 1;
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert_eq(cur_chan_subscribe(&tx, &late), 0); /* sees from now on */
    v = 2;
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    uint64_t out;
    for (int r = 0; r < 2; r++) {
        cur_chan_rx_t *rx = r ? &b : &a;
        cr_assert_eq(cur_chan_recv(rx, &out), 0);
        cr_assert_eq(out, 1);
        cr_assert_eq(cur_chan_recv(rx, &out), 0);
        cr_assert_eq(out, 2);
        cr_assert_eq(cur_chan_try_recv(rx, &out), CUR_EAGAIN);
    }
    cr_assert_eq(cur_chan_recv(&late, &out), 0);
    cr_assert_eq(out, 2);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_chan_recv(&late, &out), CUR_ECLOSED);
    cur_chan_rx_drop(&a);
    cur_chan_rx_drop(&b);
    cur_chan_rx_drop(&late);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, broadcast_lagging_receiver_is_told_and_resumes_at_the_oldest)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx, copy;
    cr_assert_eq(cur_chan_broadcast(&U64, 3, &tx, &rx), 0);
    cr_assert_eq(cur_chan_rx_lagged(&rx), 0);
    for (uint64_t i = 0; i < 10; i++) cr_assert_eq(cur_chan_send(&tx, &i), 0);
    cr_assert_eq(cur_chan_len(tx.chan), 3);
    cr_assert_eq(cur_chan_rx_clone(&rx, &copy), 0); /* same position */
    uint64_t out = 99;
    cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ELAGGED);
    cr_assert_eq(out, 99);
    cr_assert_eq(cur_chan_rx_lagged(&rx), 7);
    for (uint64_t i = 7; i < 10; i++) {
        cr_assert_eq(cur_chan_recv(&rx, &out), 0);
        cr_assert_eq(out, i);
    }
    /* the iterator skips the lag */
    cr_assert(cur_chan_try_next(&copy, &out));
    cr_assert_eq(out, 7);
    cr_assert_eq(cur_chan_rx_lagged(&copy), 7);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cur_chan_rx_drop(&copy);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, broadcast_clones_and_drops_owned_messages)
{
    atomic_store(&drops, 0);
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_broadcast(&OWNED, 2, &tx, &rx), 0);
    for (uint64_t i = 0; i < 5; i++) {
        owned_t m = owned_new(i);
        cr_assert_eq(cur_chan_send(&tx, &m), 0);
    }
    cr_assert_eq(atomic_load(&drops), 3, "overwritten messages are dropped");
    owned_t out;
    cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ELAGGED);
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out.id, 3);
    cr_assert_eq(out.buf[0], 3, "the receiver's copy is its own clone");
    owned_drop(&out, NULL);
    cur_chan_rx_drop(&rx);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(atomic_load(&drops), 3 + 1 + 2, "the kept two go with the channel");
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, broadcast_without_receivers_is_closed_until_one_subscribes)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_broadcast(&U64, 2, &tx, &rx), 0);
    cur_chan_rx_drop(&rx);
    uint64_t v = 1, out;
    cr_assert_eq(cur_chan_send(&tx, &v), CUR_ECLOSED);
    cr_assert_eq(cur_chan_subscribe(&tx, &rx), 0);
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out, 1);
    cur_chan_rx_drop(&rx);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, subscribe_is_only_for_broadcast_and_watch)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx, r2 = {0};
    cr_assert_eq(cur_chan_bounded(&U64, 2, &tx, &rx), 0);
    cr_assert_eq(cur_chan_subscribe(&tx, &r2), CUR_EINVAL);
    cr_assert_null(r2.chan);
    uint64_t out;
    cr_assert_eq(cur_chan_watch_get(&rx, &out), CUR_EINVAL);
    cr_assert_not(cur_chan_watch_changed(&rx));
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- watch ----------------------------------------------------------------- */

Test(chan, watch_sees_the_latest_value_and_whether_it_changed)
{
    cur_chan_tx_t tx;
    cur_chan_rx_t rx, r2;
    uint64_t init = 5, out = 0;
    cr_assert_eq(cur_chan_watch(&U64, &init, &tx, &rx), 0);
    cr_assert_eq(cur_chan_len(tx.chan), 1);
    cr_assert_not(cur_chan_watch_changed(&rx));
    cr_assert_eq(cur_chan_watch_get(&rx, &out), 0);
    cr_assert_eq(out, 5);
    cr_assert_eq(cur_chan_try_recv(&rx, &out), CUR_EAGAIN, "the initial value counts as seen");
    for (uint64_t v = 6; v <= 9; v++) cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert(cur_chan_watch_changed(&rx));
    cr_assert_eq(cur_chan_subscribe(&tx, &r2), 0);
    cr_assert_not(cur_chan_watch_changed(&r2), "a new receiver has seen the value");
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out, 9, "only the latest");
    cr_assert_not(cur_chan_watch_changed(&rx));
    cr_assert_eq(cur_chan_try_recv(&rx, &out), CUR_EAGAIN);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_chan_recv(&rx, &out), CUR_ECLOSED);
    cr_assert_eq(cur_chan_watch_get(&r2, &out), 0, "get works after close");
    cr_assert_eq(out, 9);
    cur_chan_rx_drop(&rx);
    cur_chan_rx_drop(&r2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, watch_drops_replaced_values)
{
    atomic_store(&drops, 0);
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    owned_t init = owned_new(0);
    cr_assert_eq(cur_chan_watch(&OWNED, &init, &tx, &rx), 0);
    for (uint64_t i = 1; i <= 3; i++) {
        owned_t m = owned_new(i);
        cr_assert_eq(cur_chan_send(&tx, &m), 0);
    }
    cr_assert_eq(atomic_load(&drops), 3);
    owned_t out;
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out.id, 3);
    owned_drop(&out, NULL);
    cur_chan_rx_drop(&rx);
    owned_t m = owned_new(4);
    cr_assert_eq(cur_chan_send(&tx, &m), CUR_ECLOSED, "no receiver");
    owned_drop(&m, NULL);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- select ----------------------------------------------------------------- */

Test(chan, select_completes_exactly_one_ready_operation)
{
    cur_chan_tx_t t1, t2;
    cur_chan_rx_t r1, r2;
    cr_assert_eq(cur_chan_bounded(&U64, 1, &t1, &r1), 0);
    cr_assert_eq(cur_chan_bounded(&U64, 1, &t2, &r2), 0);
    uint64_t v = 3, o1 = 0, o2 = 0;
    cr_assert_eq(cur_chan_send(&t2, &v), 0);
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&r1, &o1), CUR_CHAN_RECV_OP(&r2, &o2)};
    cr_assert_eq(cur_chan_select(ops, 2), 1);
    cr_assert_eq(ops[1].rc, 0);
    cr_assert_eq(o2, 3);
    cr_assert_eq(cur_chan_try_select(ops, 2), CUR_EAGAIN);
    cr_assert_eq(cur_chan_select_timeout(ops, 2, 2000000), CUR_ETIMEDOUT);
    /* a send op; the full channel's send is not ready */
    cr_assert_eq(cur_chan_send(&t1, &v), 0);
    uint64_t w = 8;
    cur_chan_op_t sends[] = {CUR_CHAN_SEND_OP(&t1, &w), CUR_CHAN_SEND_OP(&t2, &w)};
    cr_assert_eq(cur_chan_try_select(sends, 2), 1);
    cr_assert_eq(cur_chan_recv(&r2, &o2), 0);
    cr_assert_eq(o2, 8);
    cr_assert_eq(cur_chan_len(t1.chan), 1, "the other op did not happen");
    cur_chan_tx_drop(&t1);
    cur_chan_tx_drop(&t2);
    cur_chan_rx_drop(&r1);
    cur_chan_rx_drop(&r2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, select_treats_a_closed_channel_as_ready_and_skips_disabled_ops)
{
    cur_chan_tx_t t1, t2;
    cur_chan_rx_t r1, r2;
    cr_assert_eq(cur_chan_bounded(&U64, 1, &t1, &r1), 0);
    cr_assert_eq(cur_chan_unbounded(&U64, &t2, &r2), 0);
    cur_chan_tx_drop(&t1);
    uint64_t o = 0;
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&r1, &o), CUR_CHAN_RECV_OP(&r2, &o)};
    cr_assert_eq(cur_chan_select(ops, 2), 0);
    cr_assert_eq(ops[0].rc, CUR_ECLOSED);
    ops[0].kind = CUR_CHAN_OP_NONE;
    cr_assert_eq(cur_chan_try_select(ops, 2), CUR_EAGAIN);
    ops[1].kind = CUR_CHAN_OP_NONE;
    cr_assert_eq(cur_chan_select_timeout(ops, 2, 1000000), CUR_ETIMEDOUT, "nothing enabled");
    cr_assert_eq(cur_chan_select(ops, 0), CUR_EINVAL);
    cr_assert_eq(cur_chan_select(ops, CUR_CHAN_SELECT_MAX + 1), CUR_EINVAL);
    cur_chan_tx_drop(&t2);
    cur_chan_rx_drop(&r1);
    cur_chan_rx_drop(&r2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, select_is_fair_between_ready_operations)
{
    cur_chan_tx_t t1, t2;
    cur_chan_rx_t r1, r2;
    cr_assert_eq(cur_chan_unbounded(&U64, &t1, &r1), 0);
    cr_assert_eq(cur_chan_unbounded(&U64, &t2, &r2), 0);
    for (uint64_t i = 0; i < 2000; i++) {
        cur_chan_send(&t1, &i);
        cur_chan_send(&t2, &i);
    }
    uint64_t o;
    cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&r1, &o), CUR_CHAN_RECV_OP(&r2, &o)};
    int hits[2] = {0, 0};
    for (int i = 0; i < 1000; i++) {
        int k = cur_chan_select(ops, 2);
        cr_assert(k == 0 || k == 1);
        hits[k]++;
    }
    /* random start: each side about 500; either starving fails */
    cr_assert_gt(hits[0], 200);
    cr_assert_gt(hits[1], 200);
    cur_chan_tx_drop(&t1);
    cur_chan_tx_drop(&t2);
    cur_chan_rx_drop(&r1);
    cur_chan_rx_drop(&r2);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

struct sel_wake {
    cur_chan_tx_t tx;
    int kind; /* 0 send a message, 1 close */
};

static void *sel_waker(void *arg)
{
    struct sel_wake *s = arg;
    sleep_ms(20);
    uint64_t v = 77;
    if (s->kind == 0) cur_chan_send(&s->tx, &v);
    else cur_chan_tx_drop(&s->tx);
    return NULL;
}

Test(chan, a_blocked_select_wakes_for_a_message_or_a_close, .timeout = 10)
{
    for (int kind = 0; kind < 2; kind++) {
        for (int flavor = 0; flavor < 3; flavor++) { /* bounded, unbounded, rendezvous */
            struct sel_wake s = {.kind = kind};
            cur_chan_tx_t idle_tx;
            cur_chan_rx_t rx, idle_rx;
            cr_assert_eq(make_flavor(flavor, &U64, &s.tx, &rx), 0);
            cr_assert_eq(cur_chan_bounded(&U64, 1, &idle_tx, &idle_rx), 0);
            uint64_t o = 0, idle_o;
            cur_chan_op_t ops[] = {CUR_CHAN_RECV_OP(&idle_rx, &idle_o),
                                   CUR_CHAN_RECV_OP(&rx, &o)};
            pthread_t t;
            pthread_create(&t, NULL, sel_waker, &s);
            cr_assert_eq(cur_chan_select_timeout(ops, 2, 5000000000), 1);
            cr_assert_eq(ops[1].rc, kind ? CUR_ECLOSED : 0);
            if (!kind) cr_assert_eq(o, 77);
            pthread_join(t, NULL);
            cur_chan_tx_drop(&s.tx);
            cur_chan_tx_drop(&idle_tx);
            cur_chan_rx_drop(&rx);
            cur_chan_rx_drop(&idle_rx);
        }
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

static void *rendezvous_peer(void *arg)
{
    struct blocked *b = arg;
    uint64_t got;
    b->rc = cur_chan_recv(&b->rx, &got);
    b->v = got;
    return NULL;
}

Test(chan, select_send_hands_over_on_a_rendezvous_channel, .timeout = 10)
{
    struct blocked b = {0};
    cur_chan_tx_t tx;
    cr_assert_eq(cur_chan_rendezvous(&U64, &tx, &b.rx), 0);
    pthread_t t;
    pthread_create(&t, NULL, rendezvous_peer, &b);
    uint64_t v = 4242;
    cur_chan_op_t op = CUR_CHAN_SEND_OP(&tx, &v);
    cr_assert_eq(cur_chan_select_timeout(&op, 1, 5000000000), 0);
    cr_assert_eq(op.rc, 0);
    pthread_join(t, NULL);
    cr_assert_eq(b.rc, 0);
    cr_assert_eq(b.v, 4242);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&b.rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- poll functions ------------------------------------------------------------ */

struct counts {
    atomic_int clones, wakes, drops;
};
static cur_waker_t cw_clone(const void *d);
static void cw_wake(const void *d) { atomic_fetch_add(&((struct counts *)(uintptr_t)d)->wakes, 1); }
static void cw_drop(const void *d) { atomic_fetch_add(&((struct counts *)(uintptr_t)d)->drops, 1); }
static const cur_waker_vtable_t cw_vtable = {cw_clone, cw_wake, cw_wake, cw_drop};
static cur_waker_t cw_clone(const void *d)
{
    atomic_fetch_add(&((struct counts *)(uintptr_t)d)->clones, 1);
    return (cur_waker_t){d, &cw_vtable};
}

/* Every clone the channel took ended in exactly one wake or drop. */
static void assert_balanced(struct counts *c)
{
    cr_assert_eq(atomic_load(&c->clones), atomic_load(&c->wakes) + atomic_load(&c->drops),
                 "clones %d, wakes %d, drops %d", atomic_load(&c->clones),
                 atomic_load(&c->wakes), atomic_load(&c->drops));
}

Test(chan, poll_recv_pends_registers_the_waker_and_wakes_on_send)
{
    for (int k = 0; k < 6; k++) {
        if (k == 2 || k == 3) continue; /* rendezvous and oneshot: below */
        struct counts n = {0};
        cur_waker_t wk = {&n, &cw_vtable};
        cur_context_t cx = {.waker = &wk};
        cur_chan_tx_t tx;
        cur_chan_rx_t rx;
        cr_assert_eq(make_flavor(k, &U64, &tx, &rx), 0);
        cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
        uint64_t out = 0;
        int rc = 1;
        cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_PENDING);
        cr_assert_eq(rc, 1, "rc written while pending");
        cr_assert_eq(atomic_load(&n.clones), 1);
        cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_PENDING, "poll again");
        uint64_t v = 12;
        cr_assert_eq(cur_chan_send(&tx, &v), 0);
        cr_assert_eq(atomic_load(&n.wakes), 1, "flavor %d: the send woke the task", k);
        cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_READY);
        cr_assert_eq(rc, 0);
        cr_assert_eq(out, 12);
        assert_balanced(&n);
        cr_assert_eq(cur_chan_waiter_cancel(&w), 0, "idle after READY");
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, poll_send_pends_on_a_full_channel_and_wakes_on_recv)
{
    struct counts n = {0};
    cur_waker_t wk = {&n, &cw_vtable};
    cur_context_t cx = {.waker = &wk};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 1, &tx, &rx), 0);
    uint64_t a = 1, b = 2, out;
    int rc;
    cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &a, &rc), CUR_READY);
    cr_assert_eq(rc, 0);
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &b, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(atomic_load(&n.wakes), 1);
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &b, &rc), CUR_READY);
    cr_assert_eq(rc, 0);
    cr_assert_eq(cur_chan_recv(&rx, &out), 0);
    cr_assert_eq(out, 2);
    /* closing wakes a pending sender, whose poll then reports it */
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &a, &rc), CUR_READY);
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &b, &rc), CUR_PENDING);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(atomic_load(&n.wakes), 2);
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &b, &rc), CUR_READY);
    cr_assert_eq(rc, CUR_ECLOSED);
    assert_balanced(&n);
    cur_chan_tx_drop(&tx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, cancel_unregisters_and_leaves_no_waker_behind)
{
    struct counts n = {0};
    cur_waker_t wk = {&n, &cw_vtable};
    cur_context_t cx = {.waker = &wk};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_unbounded(&U64, &tx, &rx), 0);
    cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
    uint64_t out;
    int rc;
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_waiter_cancel(&w), 0);
    assert_balanced(&n);
    uint64_t v = 1;
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert_eq(atomic_load(&n.wakes), 0, "a cancelled waiter was woken");
    cr_assert_eq(cur_chan_waiter_cancel(&w), 0, "twice is a no-op");
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(atomic_load(&n.wakes), 0);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, cancel_passes_an_unused_wakeup_to_the_next_waiter)
{
    struct counts n1 = {0}, n2 = {0};
    cur_waker_t w1k = {&n1, &cw_vtable}, w2k = {&n2, &cw_vtable};
    cur_context_t cx1 = {.waker = &w1k}, cx2 = {.waker = &w2k};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_bounded(&U64, 4, &tx, &rx), 0);
    cur_chan_waiter_t a = CUR_CHAN_WAITER_INIT, b = CUR_CHAN_WAITER_INIT;
    uint64_t oa, ob;
    int rc;
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx1, &a, &oa, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx2, &b, &ob, &rc), CUR_PENDING);
    uint64_t v = 5;
    cr_assert_eq(cur_chan_send(&tx, &v), 0);
    cr_assert_eq(atomic_load(&n1.wakes), 1, "first registered, first woken");
    cr_assert_eq(atomic_load(&n2.wakes), 0);
    /* task 1 is dropped before it polls again: task 2 must hear of it */
    cr_assert_eq(cur_chan_waiter_cancel(&a), 0);
    cr_assert_eq(atomic_load(&n2.wakes), 1);
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx2, &b, &ob, &rc), CUR_READY);
    cr_assert_eq(ob, 5);
    assert_balanced(&n1);
    assert_balanced(&n2);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

Test(chan, rendezvous_poll_hands_over_while_pending_and_cancel_reports_it)
{
    struct counts n = {0};
    cur_waker_t wk = {&n, &cw_vtable};
    cur_context_t cx = {.waker = &wk};
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cr_assert_eq(cur_chan_rendezvous(&U64, &tx, &rx), 0);
    cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
    uint64_t out = 0, v = 66;
    int rc;
    /* a pending receive gets the message straight into its buffer */
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_try_send(&tx, &v), 0, "a receiver is waiting");
    cr_assert_eq(out, 66);
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_READY);
    cr_assert_eq(rc, 0);
    /* cancelled after the handover: cancel says so */
    out = 0;
    v = 67;
    cr_assert_eq(cur_chan_poll_recv(&rx, &cx, &w, &out, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_try_send(&tx, &v), 0);
    cr_assert_eq(cur_chan_waiter_cancel(&w), 1);
    cr_assert_eq(out, 67);
    /* a pending send is taken by a receiver */
    v = 68;
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &v, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_try_recv(&rx, &out), 0);
    cr_assert_eq(out, 68);
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &v, &rc), CUR_READY);
    cr_assert_eq(rc, 0);
    /* cancelled before any partner came: 0, and no partner finds it */
    cr_assert_eq(cur_chan_poll_send(&tx, &cx, &w, &v, &rc), CUR_PENDING);
    cr_assert_eq(cur_chan_waiter_cancel(&w), 0);
    cr_assert_eq(cur_chan_try_recv(&rx, &out), CUR_EAGAIN);
    assert_balanced(&n);
    cur_chan_tx_drop(&tx);
    cur_chan_rx_drop(&rx);
    cr_assert_eq(cur_test_live_bytes(), 0);
}

struct poller {
    cur_chan_tx_t tx;
    cur_chan_rx_t rx;
    cur_parker_t parker;
    int n;
};

static void *poll_echo(void *arg)
{
    struct poller *p = arg;
    cur_waker_t wk = cur_parker_waker(&p->parker);
    cur_context_t cx = {.waker = &wk};
    for (int i = 0; i < p->n; i++) {
        cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
        uint64_t v;
        int rc;
        while (cur_chan_poll_recv(&p->rx, &cx, &w, &v, &rc) == CUR_PENDING)
            cur_parker_park(&p->parker);
        if (rc != 0) return NULL;
        v++;
        while (cur_chan_poll_send(&p->tx, &cx, &w, &v, &rc) == CUR_PENDING)
            cur_parker_park(&p->parker);
    }
    return NULL;
}

Test(chan, polling_by_hand_from_two_threads_with_parker_wakers, .timeout = 20)
{
    for (int k = 0; k < 3; k++) {
        struct poller a = {.parker = CUR_PARKER_INIT, .n = 500},
                      b = {.parker = CUR_PARKER_INIT, .n = 500};
        cr_assert_eq(make_flavor(k, &U64, &a.tx, &b.rx), 0);
        cr_assert_eq(make_flavor(k, &U64, &b.tx, &a.rx), 0);
        pthread_t t;
        pthread_create(&t, NULL, poll_echo, &b);
        cur_waker_t wk = cur_parker_waker(&a.parker);
        cur_context_t cx = {.waker = &wk};
        uint64_t v = 0;
        for (int i = 0; i < a.n; i++) {
            cur_chan_waiter_t w = CUR_CHAN_WAITER_INIT;
            int rc;
            uint64_t send = v;
            while (cur_chan_poll_send(&a.tx, &cx, &w, &send, &rc) == CUR_PENDING)
                cur_parker_park(&a.parker);
            cr_assert_eq(rc, 0);
            while (cur_chan_poll_recv(&a.rx, &cx, &w, &v, &rc) == CUR_PENDING)
                cur_parker_park(&a.parker);
            cr_assert_eq(rc, 0);
            cr_assert_eq(v, send + 1);
        }
        pthread_join(t, NULL);
        cur_chan_tx_drop(&a.tx);
        cur_chan_tx_drop(&b.tx);
        cur_chan_rx_drop(&a.rx);
        cur_chan_rx_drop(&b.rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}

/* --- queries ------------------------------------------------------------------- */

Test(chan, queries_report_flavor_counts_and_capacity)
{
    static const cur_chan_flavor_t f[] = {CUR_CHAN_BOUNDED, CUR_CHAN_UNBOUNDED,
                                          CUR_CHAN_RENDEZVOUS, CUR_CHAN_ONESHOT,
                                          CUR_CHAN_BROADCAST, CUR_CHAN_WATCH};
    static const ptrdiff_t cap[] = {8, -1, 0, 1, 8, 1};
    for (int k = 0; k < 6; k++) {
        cur_chan_tx_t tx, tx2 = {0};
        cur_chan_rx_t rx, rx2;
        cr_assert_eq(make_flavor(k, &U64, &tx, &rx), 0);
        cr_assert_eq(cur_chan_flavor(tx.chan), f[k]);
        cr_assert_eq(cur_chan_capacity(tx.chan), cap[k]);
        if (k != 3) cr_assert_eq(cur_chan_tx_clone(&tx, &tx2), 0);
        cr_assert_eq(cur_chan_rx_clone(&rx, &rx2), 0);
        cr_assert_eq(cur_chan_sender_count(tx.chan), k != 3 ? 2 : 1);
        cr_assert_eq(cur_chan_receiver_count(tx.chan), 2);
        cr_assert_not(cur_chan_is_closed(tx.chan));
        cur_chan_tx_drop(&tx2);
        cur_chan_rx_drop(&rx2);
        cr_assert_eq(cur_chan_receiver_count(tx.chan), 1);
        cur_chan_tx_drop(&tx);
        cur_chan_rx_drop(&rx);
    }
    cr_assert_eq(cur_test_live_bytes(), 0);
}
