/*
 * src/chan.c: channels (API in curriculum/chan.h, design in docs/chan.md).
 *
 * One shared object, struct cur_chan, serves every flavor; handles are
 * counted references to it (senders, receivers, and all handles: the last
 * handle frees it).
 *
 * Invariants, by flavor:
 *
 *   bounded / oneshot (crossbeam's array flavor, after Vyukov): `cap`
 *     slots, each with a 64-bit stamp. head and tail are positions
 *     lap | index, where index < cap and a lap is one_lap = 2 * mark_bit,
 *     mark_bit being the power of two above cap. Slot i is free for the
 *     sender at position p when its stamp == p, and full for the receiver
 *     at position p when its stamp == p + 1. A sender claims a slot by a
 *     CAS on tail, writes, then stores stamp = p + 1 (release); a receiver
 *     claims by a CAS on head, reads, then stores stamp = p + one_lap. The
 *     mark_bit of tail set means closed (senders gone, receivers gone, or
 *     cur_chan_close); it is never cleared. A oneshot is an array of one
 *     slot whose first send sets the mark.
 *
 *   unbounded (crossbeam's list flavor): blocks of BLOCK_CAP slots linked
 *     by `next`; head and tail are indices shifted left by SHIFT, whose
 *     offset (index % LAP) == BLOCK_CAP means "between blocks, the next one
 *     is being installed". Bit 0 of tail is MARK (closed), bit 0 of head is
 *     HAS_NEXT (a block after head's exists). Slot state bits: WRITE (the
 *     message is there), READ (taken), DESTROY (the reader of the block's
 *     last slot passed this slot's reader, who frees the block). The sender
 *     that claims a block's last slot allocated the next block beforehand,
 *     so a failed allocation is CUR_ENOMEM with nothing claimed. A freed
 *     block is kept as `spare` (one) for the next growth.
 *
 *   rendezvous: no buffer. Under c->lock a sender hands its message to a
 *     registered receiver (copying into the receiver's packet), or a
 *     receiver takes it from a registered sender's packet; the partner's
 *     node is selected (its selection word set to its operation) and its
 *     `done` set before the lock is released.
 *
 *   broadcast: `cap` value slots under c->lock; btail counts messages ever
 *     sent; message k lives in slot k % cap while k >= btail - cap. A
 *     receiver's pos is the next message it wants.
 *
 *   watch: one value under c->lock, with a version bumped by every send; a
 *     receiver's pos is the version it last received.
 *
 * Waiting (all flavors): two waiter lists, senders and receivers, each a
 * lock, an intrusive list of nodes and an atomic count. A waiter registers
 * its node (count++ seq_cst), then checks readiness again, then sleeps; an
 * operation that may unblock someone completes (its seq_cst CAS on head or
 * tail, or a lock release), then loads the count (seq_cst): the total
 * order of seq_cst operations makes one of them see the other, so no
 * wakeup is lost, and nobody pays a system call while nobody sleeps.
 * A notifier selects a node by a CAS of its waiter's selection word from
 * 0; a thread in select has one word for all its nodes, so it is woken at
 * most once. Parked threads are unparked under the list lock (the waiter
 * always takes that lock to unregister, so its stack outlives the
 * unpark); a task's waker is taken out of the node under the lock and
 * woken after it.
 */
#include <curriculum/chan.h>
#include <curriculum/sync.h>

#include <stdalign.h>
#include <string.h>

#include "core_int.h"
#include "futex_int.h"

#define CACHE_LINE 128 /* two lines: the spatial prefetcher pulls pairs (as crossbeam) */

/* --- a small futex lock (Drepper's mutex 3, no poisoning) ----------------- */

typedef struct flock {
    _Atomic uint32_t s; /* 0 free, 1 locked, 2 locked with sleepers */
} flock_t;

static __attribute__((noinline)) void fl_lock_slow(flock_t *l)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    while (b.step <= CUR_BACKOFF_SPIN_LIMIT) {
        uint32_t z = 0;
        if (atomic_load_explicit(&l->s, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&l->s, &z, 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
        cur_backoff_spin(&b);
    }
    while (atomic_exchange_explicit(&l->s, 2, memory_order_acquire) != 0)
        cur__futex_wait(&l->s, 2, NULL);
}

static inline void fl_lock(flock_t *l)
{
    uint32_t z = 0;
    if (!atomic_compare_exchange_strong_explicit(&l->s, &z, 1,
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        fl_lock_slow(l);
}

static inline void fl_unlock(flock_t *l)
{
    if (atomic_exchange_explicit(&l->s, 0, memory_order_release) == 2)
        cur__futex_wake(&l->s, 1);
}

/* --- waiter lists ---------------------------------------------------------- */

typedef struct cur__chan_node node_t;

/* Selection word values; operations are SEL_FIRST + index. */
enum { SEL_WAITING = 0, SEL_ABORTED = 1, SEL_CLOSED = 2, SEL_FIRST = 3 };

typedef struct wlist {
    flock_t own;              /* the lock, unless `lock` points elsewhere */
    flock_t *lock;            /* &own, or the rendezvous channel's lock */
    node_t *head, *tail;      /* under *lock */
    _Atomic uint32_t count;   /* nodes linked; read without the lock */
} wlist_t;

static void wl_init(wlist_t *l, flock_t *shared)
{
    atomic_init(&l->own.s, 0);
    l->lock = shared ? shared : &l->own;
    l->head = l->tail = NULL;
    atomic_init(&l->count, 0);
}

static void wl_link(wlist_t *l, node_t *n)
{
    n->next = NULL;
    n->prev = l->tail;
    if (l->tail) l->tail->next = n;
    else l->head = n;
    l->tail = n;
    n->linked = true;
    atomic_fetch_add_explicit(&l->count, 1, memory_order_seq_cst);
}

static void wl_unlink(wlist_t *l, node_t *n)
{
    if (n->prev) n->prev->next = n->next;
    else l->head = n->next;
    if (n->next) n->next->prev = n->prev;
    else l->tail = n->prev;
    n->prev = n->next = NULL;
    n->linked = false;
    atomic_fetch_sub_explicit(&l->count, 1, memory_order_relaxed);
}

static void wl_register(wlist_t *l, node_t *n)
{
    n->list = l;
    fl_lock(l->lock);
    wl_link(l, n);
    fl_unlock(l->lock);
}

/* Always takes the lock: a notifier that unlinked n may still be using it. */
static void wl_unregister(wlist_t *l, node_t *n)
{
    fl_lock(l->lock);
    if (n->linked) wl_unlink(l, n);
    fl_unlock(l->lock);
}

static inline bool try_select(node_t *n, uintptr_t v)
{
    uintptr_t z = SEL_WAITING;
    return atomic_compare_exchange_strong_explicit(
        n->sel, &z, v, memory_order_acq_rel, memory_order_acquire);
}

/*
 * Under the lock, after a successful try_select of n: unlinks n and wakes
 * it. A parked thread is unparked now; a task's waker is moved to *later,
 * to be woken after the lock is released.
 */
static void wl_take(wlist_t *l, node_t *n, cur_waker_t *later)
{
    wl_unlink(l, n);
    if (n->parker) {
        cur_parker_unpark(n->parker);
    } else {
        *later = n->waker;
        n->waker = CUR_WAKER_NONE;
    }
}

/*
 * Under the lock: selects the first node whose waiter is still waiting,
 * not owned by `self`, with its own operation; unlinks and returns it (its
 * wakeup in *later), or NULL.
 */
static node_t *wl_select_locked(wlist_t *l, const void *self,
                                cur_waker_t *later)
{
    for (node_t *n = l->head; n; n = n->next) {
        if (self && n->owner == self) continue;
        if (try_select(n, n->oper)) {
            wl_take(l, n, later);
            return n;
        }
    }
    return NULL;
}

static void wl_notify_one(wlist_t *l)
{
    if (atomic_load_explicit(&l->count, memory_order_seq_cst) == 0) return;
    cur_waker_t later = CUR_WAKER_NONE;
    fl_lock(l->lock);
    (void)wl_select_locked(l, NULL, &later);
    fl_unlock(l->lock);
    cur_waker_wake(&later);
}

/* Wakes every waiting node, with its operation or with SEL_CLOSED. */
static void wl_notify_all(wlist_t *l, bool closed)
{
    if (atomic_load_explicit(&l->count, memory_order_seq_cst) == 0) return;
    enum { BATCH = 16 };
    for (;;) {
        cur_waker_t later[BATCH];
        int k = 0;
        bool more = false;
        fl_lock(l->lock);
        for (node_t *n = l->head, *next; n; n = next) {
            next = n->next;
            if (!try_select(n, closed ? (uintptr_t)SEL_CLOSED : n->oper))
                continue;
            later[k] = CUR_WAKER_NONE;
            wl_take(l, n, &later[k]);
            if (!cur_waker_is_none(later[k])) k++;
            if (k == BATCH) {
                more = true;
                break;
            }
        }
        fl_unlock(l->lock);
        for (int i = 0; i < k; i++) cur_waker_wake(&later[i]);
        if (!more) return;
    }
}

/* --- the channel ----------------------------------------------------------- */

enum { DIR_SEND = 0, DIR_RECV = 1 };

/* unbounded: block geometry and index bits (crossbeam's list.rs) */
#define LAP 128u
#define BLOCK_CAP (LAP - 1)
#define SHIFT 1u
#define MARK_BIT 1u
#define HAS_NEXT 1u
enum { S_WRITE = 1, S_READ = 2, S_DESTROY = 4 };

typedef struct block {
    _Atomic(struct block *) next;
    /* BLOCK_CAP slots of c->stride bytes follow */
} block_t;

struct cur_chan {
    /* written by senders */
    alignas(CACHE_LINE) _Atomic uint64_t tail;
    _Atomic(block_t *) tail_block;
    /* written by receivers */
    alignas(CACHE_LINE) _Atomic uint64_t head;
    _Atomic(block_t *) head_block;
    alignas(CACHE_LINE) wlist_t senders;   /* blocked senders */
    alignas(CACHE_LINE) wlist_t receivers; /* blocked receivers */
    /* set at creation, then read-only */
    alignas(CACHE_LINE) cur_chan_flavor_t flavor;
    ptrdiff_t elem;      /* message bytes */
    ptrdiff_t stride;    /* slot bytes: stamp or state word + message */
    uint64_t cap;        /* bounded, broadcast: slots */
    uint64_t one_lap;    /* bounded: 2 * mark_bit */
    uint64_t mark_bit;   /* bounded: closed bit of tail */
    char *buf;           /* bounded, broadcast, watch: the slots */
    const cur_alloc_t *alloc;
    cur_chan_drop_fn drop;
    cur_chan_clone_fn clone;
    void *ctx;
    void *raw;           /* what was allocated, for the release */
    ptrdiff_t raw_size;
    /* counts */
    _Atomic ptrdiff_t n_senders;
    _Atomic ptrdiff_t n_receivers;
    _Atomic ptrdiff_t n_handles;
    /* rendezvous, broadcast, watch */
    flock_t lock;
    _Atomic bool closed;  /* written under lock */
    uint64_t btail;       /* broadcast: messages sent; watch: version */
    _Atomic(block_t *) spare; /* unbounded: one free block */
};

static inline void msg_copy(void *dst, const void *src, ptrdiff_t n)
{
    switch (n) {
    case 0: return;
    case 4: memcpy(dst, src, 4); return;
    case 8: memcpy(dst, src, 8); return;
    case 16: memcpy(dst, src, 16); return;
    default: memcpy(dst, src, (size_t)n); return;
    }
}

static inline void msg_drop(struct cur_chan *c, void *msg)
{
    if (c->drop) c->drop(msg, c->ctx);
}

static inline void msg_clone(struct cur_chan *c, void *dst, const void *src)
{
    if (c->clone) c->clone(dst, src, c->ctx);
    else msg_copy(dst, src, c->elem);
}

/* A slot: an atomic word (stamp or state) and the message after it. */
static inline _Atomic uint64_t *slot_word(char *slot)
{
    return (_Atomic uint64_t *)(void *)slot;
}
static inline char *slot_msg(char *slot) { return slot + 8; }

static inline char *aslot(struct cur_chan *c, uint64_t index)
{
    return c->buf + (ptrdiff_t)index * c->stride;
}

static inline char *bslot(struct cur_chan *c, block_t *b, uint64_t i)
{
    return (char *)(b + 1) + (ptrdiff_t)i * c->stride;
}

static inline ptrdiff_t block_size(const struct cur_chan *c)
{
    return CUR_SIZEOF(block_t) + (ptrdiff_t)BLOCK_CAP * c->stride;
}

static inline bool is_mpmc(const struct cur_chan *c)
{
    return c->flavor == CUR_CHAN_BOUNDED || c->flavor == CUR_CHAN_UNBOUNDED ||
           c->flavor == CUR_CHAN_ONESHOT;
}

/* --- bounded (array) ------------------------------------------------------- */

static int array_try_send(struct cur_chan *c, const void *msg)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_relaxed);
    for (;;) {
        if (tail & c->mark_bit) return CUR_ECLOSED;
        uint64_t index = tail & (c->mark_bit - 1);
        uint64_t lap = tail & ~(c->one_lap - 1);
        char *s = aslot(c, index);
        uint64_t stamp = atomic_load_explicit(slot_word(s), memory_order_acquire);
        if (tail == stamp) {
            uint64_t next = index + 1 < c->cap ? tail + 1 : lap + c->one_lap;
            if (atomic_compare_exchange_weak_explicit(&c->tail, &tail, next,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                msg_copy(slot_msg(s), msg, c->elem);
                atomic_store_explicit(slot_word(s), tail + 1,
                                      memory_order_release);
                wl_notify_one(&c->receivers);
                return 0;
            }
            cur_backoff_spin(&b);
        } else if (stamp + c->one_lap == tail + 1) {
            uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
            if (head + c->one_lap == tail) return CUR_EAGAIN; /* full */
            cur_backoff_spin(&b);
            tail = atomic_load_explicit(&c->tail, memory_order_relaxed);
        } else {
            /* a receiver is still reading this slot from the last lap */
            cur_backoff_snooze(&b);
            tail = atomic_load_explicit(&c->tail, memory_order_relaxed);
        }
    }
}

static int array_try_recv(struct cur_chan *c, void *out)
{
    cur_backoff_t b = CUR_BACKOFF_INIT;
    uint64_t head = atomic_load_explicit(&c->head, memory_order_relaxed);
    for (;;) {
        uint64_t index = head & (c->mark_bit - 1);
        uint64_t lap = head & ~(c->one_lap - 1);
        char *s = aslot(c, index);
        uint64_t stamp = atomic_load_explicit(slot_word(s), memory_order_acquire);
        if (head + 1 == stamp) {
            uint64_t next = index + 1 < c->cap ? head + 1 : lap + c->one_lap;
            if (atomic_compare_exchange_weak_explicit(&c->head, &head, next,
                                                      memory_order_seq_cst,
                                                      memory_order_relaxed)) {
                msg_copy(out, slot_msg(s), c->elem);
                atomic_store_explicit(slot_word(s), head + c->one_lap,
                                      memory_order_release);
                wl_notify_one(&c->senders);
                return 0;
            }
            cur_backoff_spin(&b);
        } else if (stamp == head) {
            uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
            if ((tail & ~c->mark_bit) == head)
                return (tail & c->mark_bit) ? CUR_ECLOSED : CUR_EAGAIN;
            cur_backoff_spin(&b);
            head = atomic_load_explicit(&c->head, memory_order_relaxed);
        } else {
            /* a sender claimed this slot and is still writing it */
            cur_backoff_snooze(&b);
            head = atomic_load_explicit(&c->head, memory_order_relaxed);
        }
    }
}

static bool array_send_ready(struct cur_chan *c)
{
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
    uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
    return (tail & c->mark_bit) || head + c->one_lap != tail;
}

static bool array_recv_ready(struct cur_chan *c)
{
    uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
    return (tail & c->mark_bit) || (tail & ~c->mark_bit) != head;
}

static ptrdiff_t array_len(struct cur_chan *c)
{
    for (;;) {
        uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
        uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
        if (atomic_load_explicit(&c->tail, memory_order_seq_cst) != tail)
            continue;
        tail &= ~c->mark_bit;
        uint64_t hix = head & (c->mark_bit - 1);
        uint64_t tix = tail & (c->mark_bit - 1);
        if (hix < tix) return (ptrdiff_t)(tix - hix);
        if (hix > tix) return (ptrdiff_t)(c->cap - hix + tix);
        return tail == head ? 0 : (ptrdiff_t)c->cap;
    }
}

static void array_drop_all(struct cur_chan *c)
{
    ptrdiff_t n = array_len(c);
    uint64_t hix = atomic_load_explicit(&c->head, memory_order_relaxed) &
                   (c->mark_bit - 1);
    for (ptrdiff_t i = 0; i < n; i++) {
        uint64_t idx = hix + (uint64_t)i;
        if (idx >= c->cap) idx -= c->cap;
        msg_drop(c, slot_msg(aslot(c, idx)));
    }
}

/* --- unbounded (list) ------------------------------------------------------ */

static block_t *block_new(struct cur_chan *c)
{
    block_t *b = atomic_exchange_explicit(&c->spare, NULL, memory_order_acquire);
    if (!b) {
        b = cur__alloc(c->alloc, block_size(c));
        if (!b) return NULL;
    }
    atomic_init(&b->next, NULL);
    for (uint64_t i = 0; i < BLOCK_CAP; i++)
        atomic_init(slot_word(bslot(c, b, i)), 0);
    return b;
}

static void block_release(struct cur_chan *c, block_t *b)
{
    block_t *z = NULL;
    if (!atomic_compare_exchange_strong_explicit(&c->spare, &z, b,
                                                 memory_order_release,
                                                 memory_order_relaxed))
        cur__free(c->alloc, b, block_size(c));
}

/* Frees b once every reader of slots start.. has finished with it. */
static void block_destroy(struct cur_chan *c, block_t *b, uint64_t start)
{
    for (uint64_t i = start; i + 1 < BLOCK_CAP; i++) {
        _Atomic uint64_t *st = slot_word(bslot(c, b, i));
        if (!(atomic_load_explicit(st, memory_order_acquire) & S_READ) &&
            !(atomic_fetch_or_explicit(st, S_DESTROY, memory_order_acq_rel) &
              S_READ))
            return; /* that slot's reader will go on destroying */
    }
    block_release(c, b);
}

static int list_try_send(struct cur_chan *c, const void *msg)
{
    cur_backoff_t bo = CUR_BACKOFF_INIT;
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_acquire);
    block_t *blk = atomic_load_explicit(&c->tail_block, memory_order_acquire);
    block_t *next = NULL;
    for (;;) {
        if (tail & MARK_BIT) {
            if (next) block_release(c, next);
            return CUR_ECLOSED;
        }
        uint64_t off = (tail >> SHIFT) % LAP;
        if (off == BLOCK_CAP) { /* the next block is being installed */
            cur_backoff_snooze(&bo);
            tail = atomic_load_explicit(&c->tail, memory_order_acquire);
            blk = atomic_load_explicit(&c->tail_block, memory_order_acquire);
            continue;
        }
        if (off + 1 == BLOCK_CAP && !next) {
            next = block_new(c);
            if (!next) return CUR_ENOMEM;
        }
        uint64_t new_tail = tail + (1u << SHIFT);
        if (atomic_compare_exchange_weak_explicit(&c->tail, &tail, new_tail,
                                                  memory_order_seq_cst,
                                                  memory_order_acquire)) {
            if (off + 1 == BLOCK_CAP) {
                atomic_store_explicit(&c->tail_block, next,
                                      memory_order_release);
                /* an add, not a store: keep a MARK set meanwhile */
                atomic_fetch_add_explicit(&c->tail, 1u << SHIFT,
                                          memory_order_release);
                atomic_store_explicit(&blk->next, next, memory_order_release);
                next = NULL;
            }
            char *s = bslot(c, blk, off);
            msg_copy(slot_msg(s), msg, c->elem);
            atomic_fetch_or_explicit(slot_word(s), S_WRITE,
                                     memory_order_release);
            if (next) block_release(c, next);
            wl_notify_one(&c->receivers);
            return 0;
        }
        blk = atomic_load_explicit(&c->tail_block, memory_order_acquire);
        cur_backoff_spin(&bo);
    }
}

static int list_try_recv(struct cur_chan *c, void *out)
{
    cur_backoff_t bo = CUR_BACKOFF_INIT;
    uint64_t head = atomic_load_explicit(&c->head, memory_order_acquire);
    block_t *blk = atomic_load_explicit(&c->head_block, memory_order_acquire);
    for (;;) {
        uint64_t off = (head >> SHIFT) % LAP;
        if (off == BLOCK_CAP) {
            cur_backoff_snooze(&bo);
            head = atomic_load_explicit(&c->head, memory_order_acquire);
            blk = atomic_load_explicit(&c->head_block, memory_order_acquire);
            continue;
        }
        uint64_t new_head = head + (1u << SHIFT);
        if (!(new_head & HAS_NEXT)) {
            uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
            if (head >> SHIFT == tail >> SHIFT)
                return (tail & MARK_BIT) ? CUR_ECLOSED : CUR_EAGAIN;
            if ((head >> SHIFT) / LAP != (tail >> SHIFT) / LAP)
                new_head |= HAS_NEXT;
        }
        if (atomic_compare_exchange_weak_explicit(&c->head, &head, new_head,
                                                  memory_order_seq_cst,
                                                  memory_order_acquire)) {
            if (off + 1 == BLOCK_CAP) {
                block_t *nb;
                cur_backoff_t w = CUR_BACKOFF_INIT;
                while (!(nb = atomic_load_explicit(&blk->next,
                                                   memory_order_acquire)))
                    cur_backoff_snooze(&w);
                uint64_t ni = (new_head & ~(uint64_t)HAS_NEXT) + (1u << SHIFT);
                if (atomic_load_explicit(&nb->next, memory_order_relaxed))
                    ni |= HAS_NEXT;
                atomic_store_explicit(&c->head_block, nb, memory_order_release);
                atomic_store_explicit(&c->head, ni, memory_order_release);
            }
            char *s = bslot(c, blk, off);
            _Atomic uint64_t *st = slot_word(s);
            cur_backoff_t w = CUR_BACKOFF_INIT;
            while (!(atomic_load_explicit(st, memory_order_acquire) & S_WRITE))
                cur_backoff_snooze(&w);
            msg_copy(out, slot_msg(s), c->elem);
            if (off + 1 == BLOCK_CAP)
                block_destroy(c, blk, 0);
            else if (atomic_fetch_or_explicit(st, S_READ, memory_order_acq_rel) &
                     S_DESTROY)
                block_destroy(c, blk, off + 1);
            return 0;
        }
        blk = atomic_load_explicit(&c->head_block, memory_order_acquire);
        cur_backoff_spin(&bo);
    }
}

static bool list_recv_ready(struct cur_chan *c)
{
    uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
    return (tail & MARK_BIT) || head >> SHIFT != tail >> SHIFT;
}

static ptrdiff_t list_len(struct cur_chan *c)
{
    for (;;) {
        uint64_t tail = atomic_load_explicit(&c->tail, memory_order_seq_cst);
        uint64_t head = atomic_load_explicit(&c->head, memory_order_seq_cst);
        if (atomic_load_explicit(&c->tail, memory_order_seq_cst) != tail)
            continue;
        tail >>= SHIFT;
        head >>= SHIFT;
        if (tail % LAP == LAP - 1) tail++;
        if (head % LAP == LAP - 1) head++;
        uint64_t lap = head / LAP * LAP;
        tail -= lap;
        head -= lap;
        return (ptrdiff_t)(tail - head - tail / LAP);
    }
}

static void list_free_all(struct cur_chan *c)
{
    uint64_t head = atomic_load_explicit(&c->head, memory_order_relaxed) >> SHIFT;
    uint64_t tail = atomic_load_explicit(&c->tail, memory_order_relaxed) >> SHIFT;
    block_t *blk = atomic_load_explicit(&c->head_block, memory_order_relaxed);
    for (; head != tail; head++) {
        uint64_t off = head % LAP;
        if (off < BLOCK_CAP) {
            msg_drop(c, slot_msg(bslot(c, blk, off)));
        } else {
            block_t *next = atomic_load_explicit(&blk->next, memory_order_relaxed);
            cur__free(c->alloc, blk, block_size(c));
            blk = next;
        }
    }
    cur__free(c->alloc, blk, block_size(c));
    block_t *sp = atomic_load_explicit(&c->spare, memory_order_relaxed);
    if (sp) cur__free(c->alloc, sp, block_size(c));
}

/* --- rendezvous ------------------------------------------------------------ */

/*
 * Hands msg to a waiting receiver (send) or takes one from a waiting
 * sender (recv), under the lock.
 */
static int zero_try(struct cur_chan *c, int dir, const void *msg, void *out)
{
    cur_waker_t later = CUR_WAKER_NONE;
    fl_lock(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        fl_unlock(&c->lock);
        return CUR_ECLOSED;
    }
    wlist_t *other = dir == DIR_SEND ? &c->receivers : &c->senders;
    node_t *n = wl_select_locked(other, NULL, &later);
    if (n) {
        if (dir == DIR_SEND) msg_copy(n->packet, msg, c->elem);
        else msg_copy(out, n->packet, c->elem);
        atomic_store_explicit(&n->done, 1, memory_order_release);
    }
    fl_unlock(&c->lock);
    cur_waker_wake(&later);
    return n ? 0 : CUR_EAGAIN;
}

static bool zero_ready(struct cur_chan *c, int dir, const void *self)
{
    bool ready = false;
    fl_lock(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        ready = true;
    } else {
        wlist_t *other = dir == DIR_SEND ? &c->receivers : &c->senders;
        for (node_t *n = other->head; n && !ready; n = n->next)
            ready = n->owner != self &&
                    atomic_load_explicit(n->sel, memory_order_acquire) ==
                        SEL_WAITING;
    }
    fl_unlock(&c->lock);
    return ready;
}

/*
 * A single rendezvous operation about to wait: under one hold of the lock,
 * hand over to a partner that is already waiting (returns true: done), or
 * link n so that the next partner finds it. Doing both under the lock
 * keeps two partners that arrive together from each seeing the other,
 * both backing off, and trying again in step.
 */
static bool zero_register(struct cur_chan *c, int dir, node_t *n,
                          const void *msg, void *out)
{
    cur_waker_t later = CUR_WAKER_NONE;
    wlist_t *mine = dir == DIR_SEND ? &c->senders : &c->receivers;
    wlist_t *other = dir == DIR_SEND ? &c->receivers : &c->senders;
    fl_lock(&c->lock);
    node_t *p = NULL;
    if (!atomic_load_explicit(&c->closed, memory_order_relaxed))
        p = wl_select_locked(other, n->owner, &later);
    if (p) {
        if (dir == DIR_SEND) msg_copy(p->packet, msg, c->elem);
        else msg_copy(out, p->packet, c->elem);
        atomic_store_explicit(&p->done, 1, memory_order_release);
    } else {
        n->list = mine;
        wl_link(mine, n); /* closed: the readiness check sees it */
    }
    fl_unlock(&c->lock);
    cur_waker_wake(&later);
    return p != NULL;
}

/* --- broadcast and watch --------------------------------------------------- */

static int bc_try_send(struct cur_chan *c, const void *msg)
{
    fl_lock(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed) ||
        atomic_load_explicit(&c->n_receivers, memory_order_relaxed) == 0) {
        fl_unlock(&c->lock);
        return CUR_ECLOSED;
    }
    if (c->flavor == CUR_CHAN_WATCH) {
        msg_drop(c, c->buf);
        msg_copy(c->buf, msg, c->elem);
    } else {
        char *v = c->buf + (ptrdiff_t)(c->btail % c->cap) * c->stride;
        if (c->btail >= c->cap) msg_drop(c, v);
        msg_copy(v, msg, c->elem);
    }
    c->btail++;
    fl_unlock(&c->lock);
    wl_notify_all(&c->receivers, false);
    return 0;
}

static int bc_try_recv(struct cur_chan *c, cur_chan_rx_t *rx, void *out)
{
    int rc = 0;
    fl_lock(&c->lock);
    if (rx->pos == c->btail) {
        rc = atomic_load_explicit(&c->closed, memory_order_relaxed) ? CUR_ECLOSED
                                                                    : CUR_EAGAIN;
    } else if (c->flavor == CUR_CHAN_WATCH) {
        msg_clone(c, out, c->buf);
        rx->pos = c->btail;
    } else {
        uint64_t oldest = c->btail > c->cap ? c->btail - c->cap : 0;
        if (rx->pos < oldest) {
            rx->lagged = oldest - rx->pos;
            rx->pos = oldest;
            rc = CUR_ELAGGED;
        } else {
            msg_clone(c, out, c->buf + (ptrdiff_t)(rx->pos % c->cap) * c->stride);
            rx->pos++;
        }
    }
    fl_unlock(&c->lock);
    return rc;
}

static bool bc_recv_ready(struct cur_chan *c, const cur_chan_rx_t *rx)
{
    fl_lock(&c->lock);
    bool r = rx->pos != c->btail ||
             atomic_load_explicit(&c->closed, memory_order_relaxed);
    fl_unlock(&c->lock);
    return r;
}

/* --- dispatch -------------------------------------------------------------- */

static void chan_disconnect(struct cur_chan *c)
{
    bool first;
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT:
        first = !(atomic_fetch_or_explicit(&c->tail, c->mark_bit,
                                           memory_order_seq_cst) &
                  c->mark_bit);
        break;
    case CUR_CHAN_UNBOUNDED:
        first = !(atomic_fetch_or_explicit(&c->tail, MARK_BIT,
                                           memory_order_seq_cst) &
                  MARK_BIT);
        break;
    default:
        fl_lock(&c->lock);
        first = !atomic_load_explicit(&c->closed, memory_order_relaxed);
        atomic_store_explicit(&c->closed, true, memory_order_relaxed);
        fl_unlock(&c->lock);
        break;
    }
    if (first) {
        wl_notify_all(&c->senders, true);
        wl_notify_all(&c->receivers, true);
    }
}

static int chan_try_send(struct cur_chan *c, const void *msg)
{
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED: return array_try_send(c, msg);
    case CUR_CHAN_UNBOUNDED: return list_try_send(c, msg);
    case CUR_CHAN_RENDEZVOUS: return zero_try(c, DIR_SEND, msg, NULL);
    case CUR_CHAN_ONESHOT: {
        int rc = array_try_send(c, msg);
        if (rc == 0) chan_disconnect(c);
        return rc == CUR_EAGAIN ? CUR_ECLOSED : rc;
    }
    default: return bc_try_send(c, msg);
    }
}

static int chan_try_recv(struct cur_chan *c, cur_chan_rx_t *rx, void *out)
{
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT: return array_try_recv(c, out);
    case CUR_CHAN_UNBOUNDED: return list_try_recv(c, out);
    case CUR_CHAN_RENDEZVOUS: return zero_try(c, DIR_RECV, NULL, out);
    default: return bc_try_recv(c, rx, out);
    }
}

static bool chan_ready(struct cur_chan *c, int dir, const cur_chan_rx_t *rx,
                       const void *self)
{
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT:
        return dir == DIR_SEND ? array_send_ready(c) : array_recv_ready(c);
    case CUR_CHAN_UNBOUNDED:
        return dir == DIR_SEND ? true : list_recv_ready(c);
    case CUR_CHAN_RENDEZVOUS: return zero_ready(c, dir, self);
    default: return dir == DIR_SEND ? true : bc_recv_ready(c, rx);
    }
}

/* --- creation and handles -------------------------------------------------- */

#define MAX_CAP ((ptrdiff_t)1 << 40)

static int chan_new(const cur_chan_opts_t *o, cur_chan_flavor_t flavor,
                    ptrdiff_t cap, cur_chan_tx_t *tx, cur_chan_rx_t *rx)
{
    CUR_ASSERT(o != NULL && tx != NULL && rx != NULL);
    if (o->elem_size < 0 || cap < 0) return CUR_EINVAL;
    if (o->elem_size > PTRDIFF_MAX / 4 || cap > MAX_CAP) return CUR_EOVERFLOW;
    ptrdiff_t stride = 8 + ((o->elem_size + 7) & ~(ptrdiff_t)7);
    ptrdiff_t nslots = 0, slot = stride;
    switch (flavor) {
    case CUR_CHAN_BOUNDED: nslots = cap; break;
    case CUR_CHAN_ONESHOT: nslots = 1; break;
    case CUR_CHAN_BROADCAST:
        slot = (o->elem_size + 7) & ~(ptrdiff_t)7;
        nslots = cap;
        break;
    case CUR_CHAN_WATCH:
        slot = (o->elem_size + 7) & ~(ptrdiff_t)7;
        nslots = 1;
        break;
    case CUR_CHAN_UNBOUNDED: {
        ptrdiff_t bs;
        if (__builtin_mul_overflow(stride, (ptrdiff_t)BLOCK_CAP, &bs) ||
            bs > PTRDIFF_MAX - 64)
            return CUR_EOVERFLOW;
        break;
    }
    default: break;
    }
    ptrdiff_t bufsize, size;
    if (__builtin_mul_overflow(nslots, slot, &bufsize) ||
        __builtin_add_overflow(bufsize,
                               CUR_SIZEOF(struct cur_chan) + CACHE_LINE, &size))
        return CUR_EOVERFLOW;
    void *raw = cur__alloc(o->alloc, size);
    if (!raw) return CUR_ENOMEM;
    struct cur_chan *c =
        (void *)(((uintptr_t)raw + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1));
    memset(c, 0, sizeof *c);
    c->raw = raw;
    c->raw_size = size;
    c->flavor = flavor;
    c->elem = o->elem_size;
    c->stride = slot;
    c->alloc = o->alloc;
    c->drop = o->drop;
    c->clone = o->clone;
    c->ctx = o->ctx;
    c->buf = (char *)(c + 1);
    atomic_init(&c->lock.s, 0);
    atomic_init(&c->closed, false);
    flock_t *shared = flavor == CUR_CHAN_RENDEZVOUS ? &c->lock : NULL;
    wl_init(&c->senders, shared);
    wl_init(&c->receivers, shared);
    atomic_init(&c->n_senders, 1);
    atomic_init(&c->n_receivers, 1);
    atomic_init(&c->n_handles, 2);
    atomic_init(&c->spare, NULL);
    if (flavor == CUR_CHAN_BOUNDED || flavor == CUR_CHAN_ONESHOT) {
        c->cap = (uint64_t)nslots;
        uint64_t m = 1;
        while (m < c->cap + 1) m <<= 1;
        c->mark_bit = m;
        c->one_lap = m << 1;
        for (uint64_t i = 0; i < c->cap; i++)
            atomic_init(slot_word(aslot(c, i)), i);
    } else if (flavor == CUR_CHAN_BROADCAST) {
        c->cap = (uint64_t)cap;
    } else if (flavor == CUR_CHAN_UNBOUNDED) {
        block_t *b = block_new(c);
        if (!b) {
            cur__free(o->alloc, raw, size);
            return CUR_ENOMEM;
        }
        atomic_init(&c->head_block, b);
        atomic_init(&c->tail_block, b);
    } else if (flavor == CUR_CHAN_WATCH) {
        c->btail = 1;
    }
    atomic_init(&c->head, 0);
    atomic_init(&c->tail, 0);
    tx->chan = c;
    *rx = (cur_chan_rx_t){.chan = c, .pos = c->btail, .lagged = 0};
    return 0;
}

int cur_chan_bounded(const cur_chan_opts_t *opts, ptrdiff_t cap,
                     cur_chan_tx_t *tx, cur_chan_rx_t *rx)
{
    return chan_new(opts, cap == 0 ? CUR_CHAN_RENDEZVOUS : CUR_CHAN_BOUNDED,
                    cap, tx, rx);
}

int cur_chan_unbounded(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                       cur_chan_rx_t *rx)
{
    return chan_new(opts, CUR_CHAN_UNBOUNDED, 0, tx, rx);
}

int cur_chan_rendezvous(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                        cur_chan_rx_t *rx)
{
    return chan_new(opts, CUR_CHAN_RENDEZVOUS, 0, tx, rx);
}

int cur_chan_oneshot(const cur_chan_opts_t *opts, cur_chan_tx_t *tx,
                     cur_chan_rx_t *rx)
{
    return chan_new(opts, CUR_CHAN_ONESHOT, 1, tx, rx);
}

int cur_chan_broadcast(const cur_chan_opts_t *opts, ptrdiff_t cap,
                       cur_chan_tx_t *tx, cur_chan_rx_t *rx)
{
    if (cap == 0) return CUR_EINVAL;
    return chan_new(opts, CUR_CHAN_BROADCAST, cap, tx, rx);
}

int cur_chan_watch(const cur_chan_opts_t *opts, const void *init,
                   cur_chan_tx_t *tx, cur_chan_rx_t *rx)
{
    CUR_ASSERT(init != NULL || (opts && opts->elem_size == 0));
    int rc = chan_new(opts, CUR_CHAN_WATCH, 0, tx, rx);
    if (rc == 0) msg_copy(tx->chan->buf, init, tx->chan->elem);
    return rc;
}

static void chan_free(struct cur_chan *c)
{
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT: array_drop_all(c); break;
    case CUR_CHAN_UNBOUNDED: list_free_all(c); break;
    case CUR_CHAN_BROADCAST: {
        uint64_t n = c->btail < c->cap ? c->btail : c->cap;
        for (uint64_t i = 0; i < n; i++) msg_drop(c, c->buf + (ptrdiff_t)i * c->stride);
        break;
    }
    case CUR_CHAN_WATCH: msg_drop(c, c->buf); break;
    default: break;
    }
    cur__free(c->alloc, c->raw, c->raw_size);
}

static void handle_release(struct cur_chan *c)
{
    if (atomic_fetch_sub_explicit(&c->n_handles, 1, memory_order_acq_rel) == 1)
        chan_free(c);
}

int cur_chan_tx_clone(const cur_chan_tx_t *tx, cur_chan_tx_t *out)
{
    CUR_ASSERT(tx != NULL && tx->chan != NULL && out != NULL);
    struct cur_chan *c = tx->chan;
    CUR_ASSERT(c->flavor != CUR_CHAN_ONESHOT);
    atomic_fetch_add_explicit(&c->n_handles, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->n_senders, 1, memory_order_relaxed);
    out->chan = c;
    return 0;
}

void cur_chan_tx_drop(cur_chan_tx_t *tx)
{
    if (!tx || !tx->chan) return;
    struct cur_chan *c = tx->chan;
    tx->chan = NULL;
    if (atomic_fetch_sub_explicit(&c->n_senders, 1, memory_order_acq_rel) == 1)
        chan_disconnect(c);
    handle_release(c);
}

int cur_chan_rx_clone(const cur_chan_rx_t *rx, cur_chan_rx_t *out)
{
    CUR_ASSERT(rx != NULL && rx->chan != NULL && out != NULL);
    struct cur_chan *c = rx->chan;
    atomic_fetch_add_explicit(&c->n_handles, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->n_receivers, 1, memory_order_relaxed);
    *out = (cur_chan_rx_t){.chan = c, .pos = rx->pos, .lagged = 0};
    return 0;
}

void cur_chan_rx_drop(cur_chan_rx_t *rx)
{
    if (!rx || !rx->chan) return;
    struct cur_chan *c = rx->chan;
    rx->chan = NULL;
    /* Broadcast and watch stay open: cur_chan_subscribe may add one. */
    if (atomic_fetch_sub_explicit(&c->n_receivers, 1, memory_order_acq_rel) == 1 &&
        (is_mpmc(c) || c->flavor == CUR_CHAN_RENDEZVOUS))
        chan_disconnect(c);
    handle_release(c);
}

int cur_chan_subscribe(const cur_chan_tx_t *tx, cur_chan_rx_t *out)
{
    CUR_ASSERT(tx != NULL && tx->chan != NULL && out != NULL);
    struct cur_chan *c = tx->chan;
    if (c->flavor != CUR_CHAN_BROADCAST && c->flavor != CUR_CHAN_WATCH)
        return CUR_EINVAL;
    atomic_fetch_add_explicit(&c->n_handles, 1, memory_order_relaxed);
    fl_lock(&c->lock);
    atomic_fetch_add_explicit(&c->n_receivers, 1, memory_order_relaxed);
    uint64_t pos = c->btail;
    fl_unlock(&c->lock);
    *out = (cur_chan_rx_t){.chan = c, .pos = pos, .lagged = 0};
    return 0;
}

void cur_chan_close(cur_chan_t *c)
{
    CUR_ASSERT(c != NULL);
    chan_disconnect(c);
}

/* --- select: the one waiting engine ---------------------------------------- */

static _Thread_local uint64_t sel_rng;

static uint32_t sel_random(uint32_t n)
{
    uint64_t x = sel_rng;
    if (!x) x = (uint64_t)(uintptr_t)&sel_rng ^ (uint64_t)cur_time_now_ns() ^ 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    sel_rng = x;
    return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

static inline struct cur_chan *op_chan(const cur_chan_op_t *op)
{
    return op->kind == CUR_CHAN_OP_SEND ? op->tx->chan : op->rx->chan;
}

static inline int op_try(cur_chan_op_t *op)
{
    return op->kind == CUR_CHAN_OP_SEND
               ? chan_try_send(op->tx->chan, op->msg)
               : chan_try_recv(op->rx->chan, op->rx, op->out);
}

/* Tries every active op once from start; the index of one done, or -1. */
static ptrdiff_t try_all(cur_chan_op_t *ops, ptrdiff_t n, ptrdiff_t start)
{
    for (ptrdiff_t k = 0; k < n; k++) {
        ptrdiff_t i = start + k < n ? start + k : start + k - n;
        if (ops[i].kind == CUR_CHAN_OP_NONE) continue;
        int rc = op_try(&ops[i]);
        if (rc != CUR_EAGAIN) {
            ops[i].rc = rc;
            return i;
        }
    }
    return -1;
}

static inline bool past(int64_t deadline)
{
    return deadline != CUR_DEADLINE_NEVER && cur_time_now_ns() >= deadline;
}

/*
 * Select over ops: try, spin, then register a node per op and park until
 * a notifier selects us (or the deadline). skip_first: the caller has
 * just tried every op.
 */
static int select_run(cur_chan_op_t *ops, ptrdiff_t n, int64_t deadline,
                      bool block, bool skip_first)
{
    if (n < 1 || n > CUR_CHAN_SELECT_MAX) return CUR_EINVAL;
    CUR_ASSERT(ops != NULL);
    bool any = false;
    for (ptrdiff_t i = 0; i < n; i++) {
        cur_chan_op_kind_t k = ops[i].kind;
        CUR_ASSERT(k == CUR_CHAN_OP_NONE || k == CUR_CHAN_OP_SEND ||
                   k == CUR_CHAN_OP_RECV);
        if (k == CUR_CHAN_OP_SEND)
            CUR_ASSERT(ops[i].tx && ops[i].tx->chan &&
                       (ops[i].msg || ops[i].tx->chan->elem == 0));
        if (k == CUR_CHAN_OP_RECV)
            CUR_ASSERT(ops[i].rx && ops[i].rx->chan &&
                       (ops[i].out || ops[i].rx->chan->elem == 0));
        any |= k != CUR_CHAN_OP_NONE;
    }
    ptrdiff_t start = n > 1 ? sel_random((uint32_t)n) : 0;
    ptrdiff_t done;
    if (!skip_first && (done = try_all(ops, n, start)) >= 0) return (int)done;
    if (!block) return CUR_EAGAIN;
    if (past(deadline)) return CUR_ETIMEDOUT;

    /* Spin first, retrying; but a rendezvous op can only complete against
     * a registered partner, so with one, register at once (and spin on the
     * selection word below instead). */
    bool rendezvous = false;
    for (ptrdiff_t i = 0; i < n; i++)
        rendezvous |= ops[i].kind != CUR_CHAN_OP_NONE &&
                      op_chan(&ops[i])->flavor == CUR_CHAN_RENDEZVOUS;
    cur_backoff_t b = CUR_BACKOFF_INIT;
    while (any && !rendezvous && !cur_backoff_should_park(&b)) {
        cur_backoff_snooze(&b);
        if ((done = try_all(ops, n, start)) >= 0) return (int)done;
    }

    struct {
        _Atomic uintptr_t sel;
        cur_parker_t parker;
    } t;
    ptrdiff_t active = 0;
    for (ptrdiff_t i = 0; i < n; i++) active += ops[i].kind != CUR_CHAN_OP_NONE;
    node_t nodes[n];
    for (;;) {
        atomic_init(&t.sel, SEL_WAITING);
        cur_parker_init(&t.parker);
        for (ptrdiff_t i = 0; i < n; i++) {
            if (ops[i].kind == CUR_CHAN_OP_NONE) continue;
            struct cur_chan *c = op_chan(&ops[i]);
            bool send = ops[i].kind == CUR_CHAN_OP_SEND;
            nodes[i] = (node_t){
                .sel = &t.sel,
                .oper = SEL_FIRST + (uintptr_t)i,
                .packet = send ? (void *)(uintptr_t)ops[i].msg : ops[i].out,
                .parker = &t.parker,
                .owner = &t,
            };
            atomic_init(&nodes[i].done, 0);
            if (active == 1 && c->flavor == CUR_CHAN_RENDEZVOUS) {
                /* alone, nothing else can select us: hand over or link */
                if (zero_register(c, send ? DIR_SEND : DIR_RECV, &nodes[i],
                                  ops[i].msg, ops[i].out)) {
                    ops[i].rc = 0;
                    return (int)i;
                }
                continue;
            }
            wl_register(send ? &c->senders : &c->receivers, &nodes[i]);
        }
        for (ptrdiff_t i = 0; i < n; i++) {
            if (ops[i].kind == CUR_CHAN_OP_NONE) continue;
            int dir = ops[i].kind == CUR_CHAN_OP_SEND ? DIR_SEND : DIR_RECV;
            if (chan_ready(op_chan(&ops[i]), dir, ops[i].rx, &t)) {
                uintptr_t z = SEL_WAITING;
                atomic_compare_exchange_strong_explicit(
                    &t.sel, &z, SEL_ABORTED, memory_order_acq_rel,
                    memory_order_acquire);
                break;
            }
        }
        uintptr_t s;
        cur_backoff_reset(&b);
        while ((s = atomic_load_explicit(&t.sel, memory_order_acquire)) ==
                   SEL_WAITING &&
               rendezvous && !cur_backoff_should_park(&b))
            cur_backoff_snooze(&b);
        while ((s = atomic_load_explicit(&t.sel, memory_order_acquire)) ==
               SEL_WAITING) {
            if (cur_parker_park_until(&t.parker, deadline) == CUR_ETIMEDOUT) {
                uintptr_t z = SEL_WAITING;
                atomic_compare_exchange_strong_explicit(
                    &t.sel, &z, SEL_ABORTED, memory_order_acq_rel,
                    memory_order_acquire);
            }
        }
        for (ptrdiff_t i = 0; i < n; i++)
            if (ops[i].kind != CUR_CHAN_OP_NONE)
                wl_unregister(nodes[i].list, &nodes[i]);
        if (s >= SEL_FIRST) {
            ptrdiff_t i = (ptrdiff_t)(s - SEL_FIRST);
            if (op_chan(&ops[i])->flavor == CUR_CHAN_RENDEZVOUS) {
                /* the partner completed the handoff under the lock */
                CUR_ASSERT(atomic_load_explicit(&nodes[i].done,
                                                memory_order_acquire));
                ops[i].rc = 0;
                return (int)i;
            }
            int rc = op_try(&ops[i]);
            if (rc != CUR_EAGAIN) {
                ops[i].rc = rc;
                return (int)i;
            }
        }
        if ((done = try_all(ops, n, start)) >= 0) return (int)done;
        if (past(deadline)) return CUR_ETIMEDOUT;
    }
}

int cur_chan_select_until(cur_chan_op_t *ops, ptrdiff_t n, int64_t deadline_ns)
{
    return select_run(ops, n, deadline_ns, true, false);
}

int cur_chan_select(cur_chan_op_t *ops, ptrdiff_t n)
{
    return select_run(ops, n, CUR_DEADLINE_NEVER, true, false);
}

int cur_chan_select_timeout(cur_chan_op_t *ops, ptrdiff_t n, int64_t timeout_ns)
{
    return select_run(ops, n, cur_deadline_after(timeout_ns), true, false);
}

int cur_chan_try_select(cur_chan_op_t *ops, ptrdiff_t n)
{
    return select_run(ops, n, CUR_DEADLINE_NEVER, false, false);
}

/* --- sending and receiving ------------------------------------------------- */

static inline struct cur_chan *tx_chan(const cur_chan_tx_t *tx, const void *msg)
{
    CUR_ASSERT(tx != NULL && tx->chan != NULL);
    CUR_ASSERT(msg != NULL || tx->chan->elem == 0);
    return tx->chan;
}

static inline struct cur_chan *rx_chan(const cur_chan_rx_t *rx, const void *out)
{
    CUR_ASSERT(rx != NULL && rx->chan != NULL);
    CUR_ASSERT(out != NULL || rx->chan->elem == 0);
    return rx->chan;
}

int cur_chan_try_send(const cur_chan_tx_t *tx, const void *msg)
{
    return chan_try_send(tx_chan(tx, msg), msg);
}

int cur_chan_send_until(const cur_chan_tx_t *tx, const void *msg,
                        int64_t deadline_ns)
{
    int rc = chan_try_send(tx_chan(tx, msg), msg);
    if (CUR_LIKELY(rc != CUR_EAGAIN)) return rc;
    cur_chan_op_t op = CUR_CHAN_SEND_OP(tx, msg);
    rc = select_run(&op, 1, deadline_ns, true, true);
    return rc < 0 ? rc : op.rc;
}

int cur_chan_send(const cur_chan_tx_t *tx, const void *msg)
{
    return cur_chan_send_until(tx, msg, CUR_DEADLINE_NEVER);
}

int cur_chan_send_timeout(const cur_chan_tx_t *tx, const void *msg,
                          int64_t timeout_ns)
{
    return cur_chan_send_until(tx, msg, cur_deadline_after(timeout_ns));
}

int cur_chan_try_recv(cur_chan_rx_t *rx, void *out)
{
    return chan_try_recv(rx_chan(rx, out), rx, out);
}

int cur_chan_recv_until(cur_chan_rx_t *rx, void *out, int64_t deadline_ns)
{
    int rc = chan_try_recv(rx_chan(rx, out), rx, out);
    if (CUR_LIKELY(rc != CUR_EAGAIN)) return rc;
    cur_chan_op_t op = CUR_CHAN_RECV_OP(rx, out);
    rc = select_run(&op, 1, deadline_ns, true, true);
    return rc < 0 ? rc : op.rc;
}

int cur_chan_recv(cur_chan_rx_t *rx, void *out)
{
    return cur_chan_recv_until(rx, out, CUR_DEADLINE_NEVER);
}

int cur_chan_recv_timeout(cur_chan_rx_t *rx, void *out, int64_t timeout_ns)
{
    return cur_chan_recv_until(rx, out, cur_deadline_after(timeout_ns));
}

uint64_t cur_chan_rx_lagged(const cur_chan_rx_t *rx)
{
    CUR_ASSERT(rx != NULL);
    return rx->lagged;
}

int cur_chan_watch_get(const cur_chan_rx_t *rx, void *out)
{
    struct cur_chan *c = rx_chan(rx, out);
    if (c->flavor != CUR_CHAN_WATCH) return CUR_EINVAL;
    fl_lock(&c->lock);
    msg_clone(c, out, c->buf);
    fl_unlock(&c->lock);
    return 0;
}

bool cur_chan_watch_changed(const cur_chan_rx_t *rx)
{
    CUR_ASSERT(rx != NULL && rx->chan != NULL);
    struct cur_chan *c = rx->chan;
    if (c->flavor != CUR_CHAN_WATCH) return false;
    fl_lock(&c->lock);
    bool r = c->btail != rx->pos;
    fl_unlock(&c->lock);
    return r;
}

bool cur_chan_next(cur_chan_rx_t *rx, void *out)
{
    int rc;
    while ((rc = cur_chan_recv(rx, out)) == CUR_ELAGGED) {}
    return rc == 0;
}

bool cur_chan_try_next(cur_chan_rx_t *rx, void *out)
{
    int rc;
    while ((rc = cur_chan_try_recv(rx, out)) == CUR_ELAGGED) {}
    return rc == 0;
}

/* --- queries --------------------------------------------------------------- */

cur_chan_flavor_t cur_chan_flavor(const cur_chan_t *c)
{
    CUR_ASSERT(c != NULL);
    return c->flavor;
}

ptrdiff_t cur_chan_len(const cur_chan_t *cc)
{
    CUR_ASSERT(cc != NULL);
    struct cur_chan *c = (struct cur_chan *)(uintptr_t)cc;
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT: return array_len(c);
    case CUR_CHAN_UNBOUNDED: return list_len(c);
    case CUR_CHAN_BROADCAST: {
        fl_lock(&c->lock);
        uint64_t n = c->btail < c->cap ? c->btail : c->cap;
        fl_unlock(&c->lock);
        return (ptrdiff_t)n;
    }
    case CUR_CHAN_WATCH: return 1;
    default: return 0;
    }
}

ptrdiff_t cur_chan_capacity(const cur_chan_t *c)
{
    CUR_ASSERT(c != NULL);
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT:
    case CUR_CHAN_BROADCAST: return (ptrdiff_t)c->cap;
    case CUR_CHAN_UNBOUNDED: return -1;
    case CUR_CHAN_WATCH: return 1;
    default: return 0;
    }
}

bool cur_chan_is_closed(const cur_chan_t *cc)
{
    CUR_ASSERT(cc != NULL);
    struct cur_chan *c = (struct cur_chan *)(uintptr_t)cc;
    switch (c->flavor) {
    case CUR_CHAN_BOUNDED:
    case CUR_CHAN_ONESHOT:
        return atomic_load_explicit(&c->tail, memory_order_seq_cst) & c->mark_bit;
    case CUR_CHAN_UNBOUNDED:
        return atomic_load_explicit(&c->tail, memory_order_seq_cst) & MARK_BIT;
    default:
        return atomic_load_explicit(&c->closed, memory_order_acquire);
    }
}

ptrdiff_t cur_chan_sender_count(const cur_chan_t *c)
{
    CUR_ASSERT(c != NULL);
    return atomic_load_explicit(&((struct cur_chan *)(uintptr_t)c)->n_senders,
                                memory_order_acquire);
}

ptrdiff_t cur_chan_receiver_count(const cur_chan_t *c)
{
    CUR_ASSERT(c != NULL);
    return atomic_load_explicit(&((struct cur_chan *)(uintptr_t)c)->n_receivers,
                                memory_order_acquire);
}

/* --- async ----------------------------------------------------------------- */

/*
 * Settles a waiter registered by an earlier poll: unlinks it and drops its
 * waker. Returns true if a rendezvous partner completed the operation.
 */
static bool waiter_settle(cur_chan_waiter_t *w)
{
    if (!w->node.list) return false;
    wl_unregister(w->node.list, &w->node);
    bool completed =
        w->chan->flavor == CUR_CHAN_RENDEZVOUS &&
        atomic_load_explicit(&w->sel, memory_order_acquire) >= SEL_FIRST &&
        atomic_load_explicit(&w->node.done, memory_order_acquire);
    cur_waker_drop(&w->node.waker);
    w->node.list = NULL;
    return completed;
}

static cur_poll_t poll_op(struct cur_chan *c, int dir, const void *msg,
                          cur_chan_rx_t *rx, void *out, cur_context_t *cx,
                          cur_chan_waiter_t *w, int *rc_out)
{
    CUR_ASSERT(cx != NULL && cx->waker != NULL && w != NULL && rc_out != NULL);
    CUR_ASSERT(!w->node.list || w->chan == c);
    if (waiter_settle(w)) {
        w->chan = NULL;
        *rc_out = 0;
        return CUR_READY;
    }
    wlist_t *l = dir == DIR_SEND ? &c->senders : &c->receivers;
    for (;;) {
        int rc = dir == DIR_SEND ? chan_try_send(c, msg)
                                 : chan_try_recv(c, rx, out);
        if (rc != CUR_EAGAIN) {
            w->chan = NULL;
            *rc_out = rc;
            return CUR_READY;
        }
        atomic_store_explicit(&w->sel, SEL_WAITING, memory_order_relaxed);
        w->node = (node_t){
            .sel = &w->sel,
            .oper = SEL_FIRST,
            .packet = dir == DIR_SEND ? (void *)(uintptr_t)msg : out,
            .owner = w,
            .waker = cur_waker_clone(cx->waker),
        };
        atomic_init(&w->node.done, 0);
        w->chan = c;
        if (c->flavor == CUR_CHAN_RENDEZVOUS) {
            if (zero_register(c, dir, &w->node, msg, out)) {
                cur_waker_drop(&w->node.waker);
                w->node.list = NULL;
                w->chan = NULL;
                *rc_out = 0;
                return CUR_READY;
            }
        } else {
            wl_register(l, &w->node);
        }
        if (!chan_ready(c, dir, rx, w)) return CUR_PENDING;
        uintptr_t z = SEL_WAITING;
        atomic_compare_exchange_strong_explicit(&w->sel, &z, SEL_ABORTED,
                                                memory_order_acq_rel,
                                                memory_order_acquire);
        if (waiter_settle(w)) {
            w->chan = NULL;
            *rc_out = 0;
            return CUR_READY;
        }
    }
}

cur_poll_t cur_chan_poll_send(const cur_chan_tx_t *tx, cur_context_t *cx,
                              cur_chan_waiter_t *w, const void *msg,
                              int *rc_out)
{
    return poll_op(tx_chan(tx, msg), DIR_SEND, msg, NULL, NULL, cx, w, rc_out);
}

cur_poll_t cur_chan_poll_recv(cur_chan_rx_t *rx, cur_context_t *cx,
                              cur_chan_waiter_t *w, void *out, int *rc_out)
{
    return poll_op(rx_chan(rx, out), DIR_RECV, NULL, rx, out, cx, w, rc_out);
}

int cur_chan_waiter_cancel(cur_chan_waiter_t *w)
{
    CUR_ASSERT(w != NULL);
    if (!w->node.list) return 0;
    wlist_t *l = w->node.list;
    struct cur_chan *c = w->chan;
    bool completed = waiter_settle(w);
    /* After the unlink no notifier can touch w: its word is final. */
    bool notified = atomic_load_explicit(&w->sel, memory_order_acquire) >= SEL_FIRST;
    /* A wakeup this waiter received and will not use goes to the next. */
    if (notified && !completed && is_mpmc(c)) wl_notify_one(l);
    w->chan = NULL;
    return completed ? 1 : 0;
}
