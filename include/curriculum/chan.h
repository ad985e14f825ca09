/*
 * curriculum/chan.h: channels, the message-passing family of Rust's std,
 * crossbeam and tokio, for threads and (through poll functions) for tasks.
 *
 * Flavors, all behind one pair of handle types:
 *
 *   bounded      a ring of `cap` slots with per-slot sequence stamps
 *                (Vyukov's queue, crossbeam's array flavor); MPMC. send
 *                waits while full.                  crossbeam bounded(n)
 *   unbounded    linked blocks of slots (crossbeam's list flavor); MPMC.
 *                send never waits; it fails only with CUR_ENOMEM.
 *                                                   crossbeam unbounded()
 *   rendezvous   capacity zero: a send completes only when a receiver takes
 *                the message, hand to hand.         bounded(0), sync_channel(0)
 *   oneshot      one message, once (tokio::sync::oneshot).
 *   broadcast    every receiver sees every message; the channel keeps the
 *                last `cap`; a receiver that falls further behind gets
 *                CUR_ELAGGED ("lagged by N") and continues from the oldest
 *                message kept. Senders never wait.  tokio::sync::broadcast
 *   watch        one value; receivers see the latest value and whether it
 *                changed since they last looked.    tokio::sync::watch
 *
 * Handles. cur_chan_tx_t (a sender) and cur_chan_rx_t (a receiver) are
 * small values in caller storage. Each handle is one counted reference to
 * the shared channel: clone it with cur_chan_tx_clone/cur_chan_rx_clone,
 * and end every handle with exactly one cur_chan_tx_drop/cur_chan_rx_drop.
 * When the last sender goes, receivers first drain what is buffered and
 * then see CUR_ECLOSED; when the last receiver goes, sends fail with
 * CUR_ECLOSED. The channel's memory goes with the last handle of either
 * kind; messages still inside are dropped then (opts.drop). A zeroed handle
 * is "no handle": drop accepts it and does nothing.
 *
 * Messages are copied by value: each message is opts.elem_size bytes
 * (fixed at creation), memcpy'd into the slot by send and out of it by
 * recv. Ownership moves with the bytes: after a successful send the
 * channel owns the message (the caller must not drop what it points to);
 * after a failed send (any error, CUR_ECLOSED included) nothing was taken,
 * so the caller still owns it: that is how "the message comes back".
 * Broadcast and watch give every receiver its own copy: opts.clone, when
 * set, makes it (Rust's T: Clone), else the bytes are copied.
 *
 * Waiting. Blocking calls spin briefly (cur_backoff_t), then park the
 * thread (a futex); nothing busy-waits while idle, and a sender or
 * receiver checks for sleepers with one load, so no system call is made
 * when nobody sleeps. Every blocking call has _timeout (relative
 * nanoseconds) and _until (an absolute cur_time_now_ns() deadline)
 * variants, and a try_ variant that never waits.
 *
 * Waiter lists hold either a parked thread (blocking calls, select) or a
 * cur_waker_t (an async task polling through cur_chan_poll_send and
 * cur_chan_poll_recv), so one channel serves threads and tasks at once.
 *
 * Return codes used throughout:
 *   0              success
 *   CUR_EAGAIN     try_ only: would wait (full; empty; no partner waiting)
 *   CUR_ETIMEDOUT  the timeout or deadline passed first
 *   CUR_ECLOSED    send: no receiver is left, or the channel was closed;
 *                  recv: every sender is gone (or the channel was closed)
 *                  and nothing is left to receive
 *   CUR_ELAGGED    broadcast recv: this receiver missed messages; see
 *                  cur_chan_rx_lagged; the next recv continues
 *   CUR_ENOMEM     unbounded send could not grow the channel
 *   CUR_EINVAL     bad sizes at creation; an operation the flavor lacks
 *   CUR_EOVERFLOW  sizes at creation whose product does not fit
 */
#ifndef CURRICULUM_CHAN_H
#define CURRICULUM_CHAN_H

#include <stdatomic.h>
#include <stdint.h>

#include "core.h"
#include "error.h"
#include "waker.h"

/* --- Types ---------------------------------------------------------------- */

/* The shared channel: opaque, owned jointly by its handles. */
typedef struct cur_chan cur_chan_t;

typedef enum cur_chan_flavor {
    CUR_CHAN_BOUNDED = 1,
    CUR_CHAN_UNBOUNDED,
    CUR_CHAN_RENDEZVOUS,
    CUR_CHAN_ONESHOT,
    CUR_CHAN_BROADCAST,
    CUR_CHAN_WATCH,
} cur_chan_flavor_t;

/*
 * Called on a message the channel owns and will never deliver: messages
 * still buffered when the channel is freed, a broadcast message when its
 * slot is overwritten, a watch value when it is replaced. msg points to
 * elem_size bytes inside the channel; ctx is opts.ctx.
 */
typedef void (*cur_chan_drop_fn)(void *msg, void *ctx);

/*
 * Broadcast and watch: makes the receiver's copy dst (elem_size bytes,
 * uninitialized) of the channel's message src. Runs under the channel's
 * lock, so it must not touch the channel. ctx is opts.ctx.
 */
typedef void (*cur_chan_clone_fn)(void *dst, const void *src, void *ctx);

/*
 * Creation options. elem_size is required (>= 0; 0 makes a channel of
 * signals); the rest may be zero. The struct is read at creation only.
 */
typedef struct cur_chan_opts {
    ptrdiff_t elem_size;      /* bytes per message */
    const cur_alloc_t *alloc; /* NULL: the default hook */
    cur_chan_drop_fn drop;    /* NULL: messages need no dropping */
    cur_chan_clone_fn clone;  /* broadcast, watch; NULL: memcpy */
    void *ctx;                /* passed to drop and clone */
} cur_chan_opts_t;

/*
 * A sender handle. Caller storage, copied only through cur_chan_tx_clone
 * (a plain struct copy is the same reference twice, and would be dropped
 * twice). `chan` is readable, for the queries below; NULL once dropped.
 */
typedef struct cur_chan_tx {
    cur_chan_t *chan; /* the channel, or NULL (read-only) */
} cur_chan_tx_t;

/*
 * A receiver handle. As cur_chan_tx_t. The private fields are the
 * receiver's own cursor (broadcast: next position; watch: the version
 * seen) and the count of the last lag.
 */
typedef struct cur_chan_rx {
    cur_chan_t *chan; /* the channel, or NULL (read-only) */
    /* private */
    uint64_t pos;    /* broadcast: next position; watch: version seen */
    uint64_t lagged; /* broadcast: messages missed at the last CUR_ELAGGED */
} cur_chan_rx_t;

/* --- Creation ------------------------------------------------------------- */

/*
 * cur_chan_bounded: a channel buffering at most cap messages. cap == 0
 * makes a rendezvous channel (as cur_chan_rendezvous), as crossbeam's
 * bounded(0) does. On success *tx and *rx hold the first sender and
 * receiver. Returns 0, CUR_EINVAL (elem_size or cap negative),
 * CUR_EOVERFLOW (cap * slot size does not fit, or cap above 2^40) or
 * CUR_ENOMEM. Allocates once.
 */
CUR_API int cur_chan_bounded(const cur_chan_opts_t *opts, ptrdiff_t cap,
                             cur_chan_tx_t *tx, cur_chan_rx_t *rx);

/*
 * cur_chan_unbounded: a channel whose sends never wait; it grows in blocks
 * (127 messages each) and shrinks as receivers drain it, keeping one spare
 * block. Returns 0, CUR_EINVAL, CUR_EOVERFLOW or CUR_ENOMEM.
 */
CUR_API int cur_chan_unbounded(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                               cur_chan_rx_t *rx);

/*
 * cur_chan_rendezvous: a zero-capacity channel: send waits until a receiver
 * takes the message from the sender's own buffer (and try_send succeeds
 * only if a receiver is already waiting). Returns as cur_chan_unbounded.
 */
CUR_API int cur_chan_rendezvous(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                                cur_chan_rx_t *rx);

/*
 * cur_chan_oneshot: a channel for exactly one message. Its sender cannot
 * be cloned (a contract violation); the first successful send closes the
 * sending side, so a second send returns CUR_ECLOSED and, once the message
 * is received, recv returns CUR_ECLOSED. Dropping the sender unsent closes
 * the channel too. Send never waits. Returns as cur_chan_unbounded.
 */
CUR_API int cur_chan_oneshot(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                             cur_chan_rx_t *rx);

/*
 * cur_chan_broadcast: every receiver sees every message sent after it
 * subscribed, in order; the channel keeps the last cap messages (cap >= 1:
 * 0 is CUR_EINVAL, as tokio panics on it). Send never waits: it overwrites
 * the oldest message (running opts.drop on it) and fails with CUR_ECLOSED
 * only while no receiver exists. A receiver more than cap messages behind
 * gets CUR_ELAGGED from recv, with the number missed in
 * cur_chan_rx_lagged, and its next recv returns the oldest message kept.
 * More receivers: cur_chan_subscribe (from now on) or cur_chan_rx_clone
 * (from the same position). Returns 0, CUR_EINVAL, CUR_EOVERFLOW or
 * CUR_ENOMEM.
 */
CUR_API int cur_chan_broadcast(const cur_chan_opts_t *opts, ptrdiff_t cap,
                               cur_chan_tx_t *tx, cur_chan_rx_t *rx);

/*
 * cur_chan_watch: a single value, initially a copy of *init (elem_size
 * bytes; the channel owns it). Send replaces the value (dropping the old
 * one) and marks it changed for every receiver; it fails with CUR_ECLOSED
 * while no receiver exists (the value is then not taken). recv waits until
 * the value changed since this receiver last received it, then copies it
 * out; cur_chan_watch_get copies it without waiting or marking it seen.
 * A new receiver has seen the current value. Returns 0, CUR_EINVAL,
 * CUR_EOVERFLOW or CUR_ENOMEM.
 */
CUR_API int cur_chan_watch(const cur_chan_opts_t *opts, const void *init,
                           cur_chan_tx_t *tx, cur_chan_rx_t *rx);

/* --- Handles -------------------------------------------------------------- */

/*
 * cur_chan_tx_clone: *out becomes a new sender of tx's channel. Returns 0.
 * Contract: tx is live; not a oneshot sender. Thread-safe.
 */
CUR_API int cur_chan_tx_clone(const cur_chan_tx_t *tx, cur_chan_tx_t *out);

/*
 * cur_chan_tx_drop: ends this sender and zeroes *tx. The last sender's
 * drop closes the channel for receivers (they drain, then see
 * CUR_ECLOSED); the last handle of all frees the channel, dropping the
 * messages left in it. NULL or a zeroed handle: no-op. Must not race with
 * an operation on the same handle value.
 */
CUR_API void cur_chan_tx_drop(cur_chan_tx_t *tx);

/*
 * cur_chan_rx_clone: *out becomes a new receiver of rx's channel. For
 * broadcast and watch it starts at rx's position (it will see what rx has
 * not yet seen). Returns 0. Thread-safe for the MPMC flavors; a broadcast
 * or watch receiver is owned by one thread at a time.
 */
CUR_API int cur_chan_rx_clone(const cur_chan_rx_t *rx, cur_chan_rx_t *out);

/*
 * cur_chan_rx_drop: ends this receiver, as cur_chan_tx_drop. The last
 * receiver's drop makes sends fail with CUR_ECLOSED and wakes blocked
 * senders (their messages stay theirs).
 */
CUR_API void cur_chan_rx_drop(cur_chan_rx_t *rx);

/*
 * cur_chan_subscribe: broadcast and watch: *out becomes a receiver that
 * sees messages sent from now on (broadcast) or has seen the current
 * value (watch). Works even after every receiver was dropped. Returns 0,
 * or CUR_EINVAL for the other flavors.
 */
CUR_API int cur_chan_subscribe(const cur_chan_tx_t *tx, cur_chan_rx_t *out);

/*
 * cur_chan_close: closes the channel from either side without dropping a
 * handle (tokio's Receiver::close): sends fail with CUR_ECLOSED from now
 * on, blocked senders wake with it, and receivers drain what is buffered
 * and then see CUR_ECLOSED. Idempotent. Thread-safe.
 */
CUR_API void cur_chan_close(cur_chan_t *c);

/* --- Sending -------------------------------------------------------------- */

/*
 * cur_chan_send: sends the elem_size bytes at msg, waiting while the
 * channel is full (bounded) or until a receiver takes it (rendezvous).
 * Returns 0 (the channel owns the message now), CUR_ECLOSED (msg is still
 * the caller's) or CUR_ENOMEM (unbounded). Thread-safe: any number of
 * threads may send through clones of a sender or the same one.
 */
CUR_API int cur_chan_send(const cur_chan_tx_t *tx, const void *msg);

/* As cur_chan_send, giving up with CUR_ETIMEDOUT after timeout_ns. */
CUR_API int cur_chan_send_timeout(const cur_chan_tx_t *tx, const void *msg,
                                  int64_t timeout_ns);

/* As cur_chan_send, giving up with CUR_ETIMEDOUT at deadline_ns. */
CUR_API int cur_chan_send_until(const cur_chan_tx_t *tx, const void *msg,
                                int64_t deadline_ns);

/*
 * cur_chan_try_send: sends without waiting. Returns 0, CUR_EAGAIN (full;
 * rendezvous: no receiver waiting), CUR_ECLOSED or CUR_ENOMEM. An int, not
 * the bool of the house style's two-outcome try_ calls: full and closed
 * are different outcomes, and closed must tell the caller it keeps msg.
 */
CUR_API int cur_chan_try_send(const cur_chan_tx_t *tx, const void *msg);

/* --- Receiving ------------------------------------------------------------ */

/*
 * cur_chan_recv: receives one message into out (elem_size bytes), waiting
 * until one is there. Returns 0, CUR_ECLOSED (no sender left and nothing
 * buffered; out untouched) or, broadcast only, CUR_ELAGGED. Thread-safe for
 * the MPMC flavors (any number of receivers, each message to exactly one);
 * broadcast and watch receivers are one per thread.
 */
CUR_API int cur_chan_recv(cur_chan_rx_t *rx, void *out);

/* As cur_chan_recv, giving up with CUR_ETIMEDOUT after timeout_ns. */
CUR_API int cur_chan_recv_timeout(cur_chan_rx_t *rx, void *out,
                                  int64_t timeout_ns);

/* As cur_chan_recv, giving up with CUR_ETIMEDOUT at deadline_ns. */
CUR_API int cur_chan_recv_until(cur_chan_rx_t *rx, void *out,
                                int64_t deadline_ns);

/* cur_chan_try_recv: as cur_chan_recv without waiting (CUR_EAGAIN). */
CUR_API int cur_chan_try_recv(cur_chan_rx_t *rx, void *out);

/*
 * Broadcast: how many messages the last CUR_ELAGGED skipped (tokio's
 * RecvError::Lagged(n)); 0 before any lag.
 */
CUR_API uint64_t cur_chan_rx_lagged(const cur_chan_rx_t *rx);

/*
 * Watch: copies the current value into out without waiting and without
 * marking it seen (tokio's borrow()). Returns 0, or CUR_EINVAL for other
 * flavors. Works after close.
 */
CUR_API int cur_chan_watch_get(const cur_chan_rx_t *rx, void *out);

/* Watch: true if a value was sent that rx has not received yet. */
CUR_API bool cur_chan_watch_changed(const cur_chan_rx_t *rx);

/*
 * Iteration (Rust's `for msg in rx` and rx.try_iter()):
 *
 *     uint64_t v;
 *     CUR_CHAN_FOR_EACH(&rx, &v) printf("%llu\n", (unsigned long long)v);
 *
 * cur_chan_next receives the next message, waiting; it returns false once
 * the channel is closed and drained. A broadcast receiver that lagged
 * skips ahead (cur_chan_rx_lagged says by how many) and goes on.
 * cur_chan_try_next does not wait: false also when nothing is buffered.
 */
CUR_API bool cur_chan_next(cur_chan_rx_t *rx, void *out);
CUR_API bool cur_chan_try_next(cur_chan_rx_t *rx, void *out);

#define CUR_CHAN_FOR_EACH(rx, out) while (cur_chan_next((rx), (out)))

/* --- Queries -------------------------------------------------------------- */

/*
 * Snapshots, exact only when no operation runs concurrently. Thread-safe.
 * len: messages buffered (rendezvous: 0; watch: 1; broadcast: kept).
 * capacity: the bound (-1 unbounded; rendezvous 0; oneshot and watch 1).
 */
CUR_API cur_chan_flavor_t cur_chan_flavor(const cur_chan_t *c);
CUR_API ptrdiff_t cur_chan_len(const cur_chan_t *c);
CUR_API ptrdiff_t cur_chan_capacity(const cur_chan_t *c);
CUR_API bool cur_chan_is_closed(const cur_chan_t *c);
CUR_API ptrdiff_t cur_chan_sender_count(const cur_chan_t *c);
CUR_API ptrdiff_t cur_chan_receiver_count(const cur_chan_t *c);

/* --- Select --------------------------------------------------------------- */

/* What one operation of a select does. NONE disables it (a guard). */
typedef enum cur_chan_op_kind {
    CUR_CHAN_OP_NONE = 0,
    CUR_CHAN_OP_SEND,
    CUR_CHAN_OP_RECV,
} cur_chan_op_kind_t;

/*
 * One operation of a select (crossbeam's Select, tokio's select! arm).
 * Fill kind and tx + msg (send) or rx + out (recv), or use the macros
 * below. rc is written for the operation that completed.
 */
typedef struct cur_chan_op {
    cur_chan_op_kind_t kind;
    const cur_chan_tx_t *tx; /* SEND: the sender */
    const void *msg;         /* SEND: the message (elem_size bytes) */
    cur_chan_rx_t *rx;       /* RECV: the receiver */
    void *out;               /* RECV: where the message goes */
    int rc;                  /* out: the completed operation's result */
} cur_chan_op_t;

#define CUR_CHAN_SEND_OP(txp, msgp)                                          \
    ((cur_chan_op_t){.kind = CUR_CHAN_OP_SEND, .tx = (txp), .msg = (msgp)})
#define CUR_CHAN_RECV_OP(rxp, outp)                                          \
    ((cur_chan_op_t){.kind = CUR_CHAN_OP_RECV, .rx = (rxp), .out = (outp)})

/* Most operations one select takes. */
#define CUR_CHAN_SELECT_MAX 64

/*
 * cur_chan_select: waits until one of ops[0..n) can complete, completes
 * exactly that one, and returns its index; ops[i].rc holds its result (0,
 * or CUR_ECLOSED / CUR_ELAGGED / CUR_ENOMEM as the single operation would
 * return: a closed channel counts as ready, as in crossbeam). No other
 * operation happens. When several are ready, the choice starts at a random
 * operation, so none starves. Returns CUR_EINVAL for n outside
 * 1..CUR_CHAN_SELECT_MAX, and, if every op is CUR_CHAN_OP_NONE, waits
 * until the deadline. Thread-safe as the single operations are.
 */
CUR_API int cur_chan_select(cur_chan_op_t *ops, ptrdiff_t n);

/* As cur_chan_select, returning CUR_ETIMEDOUT after timeout_ns. */
CUR_API int cur_chan_select_timeout(cur_chan_op_t *ops, ptrdiff_t n,
                                    int64_t timeout_ns);

/* As cur_chan_select, returning CUR_ETIMEDOUT at deadline_ns. */
CUR_API int cur_chan_select_until(cur_chan_op_t *ops, ptrdiff_t n,
                                  int64_t deadline_ns);

/*
 * cur_chan_try_select: select with a default branch: completes one ready
 * operation, or returns CUR_EAGAIN at once if none is ready.
 */
CUR_API int cur_chan_try_select(cur_chan_op_t *ops, ptrdiff_t n);

/* --- Async: poll functions ------------------------------------------------- */

/*
 * The node a waiter list links. Private; part of cur_chan_waiter_t and of
 * the blocking calls' stack frames.
 */
struct cur__chan_node {
    struct cur__chan_node *prev, *next; /* links in the list */
    void *list;                         /* the list it is on, or NULL */
    _Atomic uintptr_t *sel;             /* selection word of its waiter */
    uintptr_t oper;                     /* value a notifier stores in *sel */
    void *packet;                       /* rendezvous: message buffer */
    _Atomic uint32_t done;              /* rendezvous: handoff finished */
    bool linked;                        /* on the list now */
    cur_parker_t *parker;               /* thread waiter, else NULL */
    cur_waker_t waker;                  /* task waiter: its waker (owned) */
    const void *owner;                  /* skips self-rendezvous */
};

/*
 * cur_chan_waiter_t: one pending asynchronous operation, in caller storage
 * (inside the future that polls). Initialize with CUR_CHAN_WAITER_INIT
 * (all zero), use it for one operation on one channel at a time, and
 * end it with cur_chan_waiter_cancel if the operation is abandoned before
 * a poll returned CUR_READY. While pending it is linked into the channel's
 * waiter list by address: do not move or free it, nor the msg/out buffer
 * passed to the poll, until READY or cancel.
 */
typedef struct cur_chan_waiter {
    /* private */
    struct cur__chan_node node;
    _Atomic uintptr_t sel; /* 0 waiting; else notified or completed */
    cur_chan_t *chan;      /* the channel it is registered with */
} cur_chan_waiter_t;

#define CUR_CHAN_WAITER_INIT {0}

/*
 * cur_chan_poll_send: the async send (tokio's Sender::send(msg).await),
 * following waker.h's convention. Tries to send msg; on success, or on an
 * error, returns CUR_READY with *rc_out set as cur_chan_try_send would
 * (0, CUR_ECLOSED, CUR_ENOMEM), never CUR_EAGAIN. When it would wait it
 * stores a clone of *cx->waker in w, links w into the channel's sender
 * list and returns CUR_PENDING; the waker is woken once a send may
 * succeed (a slot freed, a receiver arrived, the channel closed). Poll
 * again with the same w, tx and msg. On a rendezvous channel a receiver
 * may take msg straight out of the caller's buffer while pending: the next
 * poll then returns READY with 0. After READY, w is unlinked and may be
 * reused. Cancellation: cur_chan_waiter_cancel.
 */
CUR_API cur_poll_t cur_chan_poll_send(const cur_chan_tx_t *tx,
                                      cur_context_t *cx, cur_chan_waiter_t *w,
                                      const void *msg, int *rc_out);

/*
 * cur_chan_poll_recv: the async recv (tokio's Receiver::recv().await).
 * READY with *rc_out 0 (a message in out), CUR_ECLOSED or CUR_ELAGGED;
 * PENDING as cur_chan_poll_send, woken when a message may be there.
 */
CUR_API cur_poll_t cur_chan_poll_recv(cur_chan_rx_t *rx, cur_context_t *cx,
                                      cur_chan_waiter_t *w, void *out,
                                      int *rc_out);

/*
 * cur_chan_waiter_cancel: abandons the operation pending on w (dropping a
 * future mid-await): unlinks w, drops its waker, and passes on a wakeup w
 * had received but not used, so no other waiter misses it. Returns 1 if
 * the operation had in fact completed (rendezvous only: the message was
 * taken from msg, or written into out, before the cancel; the caller then
 * owns the result), else 0. No-op (0) on an idle waiter. After it, the
 * channel holds no pointer to w or its waker. Thread-safe with respect to
 * the channel; w itself belongs to one poller.
 */
CUR_API int cur_chan_waiter_cancel(cur_chan_waiter_t *w);

#endif /* CURRICULUM_CHAN_H */
