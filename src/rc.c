/*
 * src/rc.c: the slow paths of Rc and Arc, and the RefCell conflict report
 * and guards. The fast paths are static inline in curriculum/rc.h.
 *
 * Invariants of an Rc or Arc allocation (the two share a layout):
 *   - one block from alloc, of block_size(type) bytes, with the header
 *     offset bytes into it and the value right after the header, aligned
 *     to type->align;
 *   - weak == (Weak handles) + (strong > 0 ? 1 : 0): the strong handles
 *     hold one weak count between them, released by the last of them after
 *     the drop; for an Arc, weak may also read -1 while cur_arc_get_mut
 *     holds it locked (only ever taken from 1, so no Weak handle exists
 *     then);
 *   - the value is initialised while strong > 0, dropped exactly once when
 *     strong goes 1 -> 0 (or moved out by try_unwrap), and never touched
 *     again; strong never goes 0 -> 1: upgrades increment only a non-zero
 *     count;
 *   - the block is freed exactly once, when weak goes 1 -> 0.
 *
 * Memory orders for Arc follow Rust's alloc::sync: Relaxed increments
 * (a new handle is made from one already held), Release decrements so
 * that every use of the value happens before the drop, and an Acquire
 * fence by the thread that drops or frees. Under ThreadSanitizer, which
 * does not model fences, the fence is an Acquire load of the same counter,
 * as Rust's acquire! macro does.
 *
 * Invariants of a RefCell (cur_refcell_t): borrow is 0, a positive count
 * of shared borrows, or -1 for the exclusive one; file and line name where
 * the current borrow began while borrow != 0, and file is NULL otherwise.
 */
#include <curriculum/rc.h>

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "core_int.h"
#include "own_int.h"

#if defined(__SANITIZE_THREAD__)
#define CUR__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CUR__TSAN 1
#endif
#endif

#ifdef CUR__TSAN
#define ACQUIRE_FENCE(counter)                                               \
    ((void)atomic_load_explicit((counter), memory_order_acquire))
#else
#define ACQUIRE_FENCE(counter) atomic_thread_fence(memory_order_acquire)
#endif

_Static_assert(sizeof(struct cur_rc) == sizeof(struct cur_arc),
               "Rc and Arc share a layout");
_Static_assert(sizeof(struct cur_rc) % alignof(max_align_t) == 0,
               "the value after the header must be max-aligned");

#define HDR CUR_SIZEOF(struct cur_rc)

/*
 * Allocates a typed block (own_int.h) for t, copying init (or zeroes) into
 * the value. Returns the header and its block offset through out/offset.
 */
static int counted_alloc(void **out, ptrdiff_t *offset, const cur_alloc_t *a,
                         const cur_type_t *t, const void *init)
{
    char *hdr;
    int rc = cur__typed_block_alloc(a, t, HDR, (void **)&hdr, offset);
    if (rc < 0) return rc;
    if (init)
        memcpy(hdr + HDR, init, (size_t)t->size);
    else
        memset(hdr + HDR, 0, (size_t)t->size);
    *out = hdr;
    return 0;
}

static void counted_dealloc(void *hdr, ptrdiff_t offset, const cur_type_t *t,
                            const cur_alloc_t *a)
{
    cur__typed_block_free(a, t, HDR, hdr, offset);
}

void cur__rc_count_overflow(const char *what)
{
    CUR_PANIC("%s overflow: more than %td references", what,
              (ptrdiff_t)CUR_RC_MAX_COUNT);
}

/* ------------------------------------------------------------------------ */
/* Rc                                                                       */
/* ------------------------------------------------------------------------ */

int cur_rc_new(cur_rc_t **out, const cur_alloc_t *a, const cur_type_t *t,
               const void *init)
{
    CUR_ASSERT(out != NULL && t != NULL);
    a = cur__hook(a);
    void *hdr;
    ptrdiff_t off;
    int rc = counted_alloc(&hdr, &off, a, t, init);
    if (rc < 0) return rc;
    cur_rc_t *r = hdr;
    r->strong = 1;
    r->weak = 1;
    r->type = t;
    r->alloc = a;
    r->offset = off;
    *out = r;
    return 0;
}

void cur__rc_dealloc(cur_rc_t *r)
{
    counted_dealloc(r, r->offset, r->type, r->alloc);
}

void cur__rc_drop_slow(cur_rc_t *r)
{
    /*
     * strong is 0 from here on, so a Weak that the drop function meets
     * (a child's link back to this node) fails to upgrade; the strongs'
     * weak count keeps the block alive until the drop has finished.
     */
    cur_type_drop(r->type, cur_rc_get(r), r->alloc);
    if (--r->weak == 0) cur__rc_dealloc(r);
}

int cur_rc_try_unwrap(cur_rc_t *r, void *out)
{
    CUR_ASSERT(r != NULL && out != NULL);
    if (r->strong != 1) return CUR_EBUSY;
    r->strong = 0;
    memcpy(out, cur_rc_get(r), (size_t)r->type->size);
    if (--r->weak == 0) cur__rc_dealloc(r);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Arc                                                                      */
/* ------------------------------------------------------------------------ */

#define ARC_WEAK_LOCKED ((ptrdiff_t)-1)

/* A hint to the CPU that this thread is spinning. */
static inline void spin_hint(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline cur_arc_t *arc_of(const cur_arc_weak_t *w)
{
    return (cur_arc_t *)(uintptr_t)w;
}

int cur_arc_new(cur_arc_t **out, const cur_alloc_t *a, const cur_type_t *t,
                const void *init)
{
    CUR_ASSERT(out != NULL && t != NULL);
    a = cur__hook(a);
    void *hdr;
    ptrdiff_t off;
    int rc = counted_alloc(&hdr, &off, a, t, init);
    if (rc < 0) return rc;
    cur_arc_t *p = hdr;
    atomic_init(&p->strong, 1);
    atomic_init(&p->weak, 1);
    p->type = t;
    p->alloc = a;
    p->offset = off;
    *out = p; /* published to other threads by the caller's own sync */
    return 0;
}

void cur__arc_count_overflow(cur_arc_t *a)
{
    atomic_fetch_sub_explicit(&a->strong, 1, memory_order_relaxed);
    cur__rc_count_overflow("Arc strong count");
}

static void arc_weak_release(cur_arc_t *a)
{
    if (atomic_fetch_sub_explicit(&a->weak, 1, memory_order_release) != 1)
        return;
    ACQUIRE_FENCE(&a->weak);
    counted_dealloc(a, a->offset, a->type, a->alloc);
}

void cur__arc_drop_slow(cur_arc_t *a)
{
    /*
     * Every other handle's last use of the value happened before its
     * Release decrement; this Acquire makes all of them happen before the
     * drop below.
     */
    ACQUIRE_FENCE(&a->strong);
    cur_type_drop(a->type, cur_arc_get(a), a->alloc);
    arc_weak_release(a); /* the strong handles' joint weak count */
}

void *cur_arc_get_mut(cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    /*
     * Rust's is_unique: lock the weak count (only possible at 1, when no
     * Weak handle exists), so that no downgrade can slip in between, then
     * check that ours is the only strong handle. The Acquire on the lock
     * and on strong pairs with the Release decrements of handles freed on
     * other threads, so their uses of the value happen before ours.
     */
    ptrdiff_t one = 1;
    if (!atomic_compare_exchange_strong_explicit(&a->weak, &one,
                                                 ARC_WEAK_LOCKED,
                                                 memory_order_acquire,
                                                 memory_order_relaxed))
        return NULL;
    bool unique =
        atomic_load_explicit(&a->strong, memory_order_acquire) == 1;
    atomic_store_explicit(&a->weak, 1, memory_order_release);
    return unique ? cur_arc_get(a) : NULL;
}

ptrdiff_t cur_arc_strong_count(const cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    return atomic_load_explicit(&((cur_arc_t *)(uintptr_t)a)->strong,
                                memory_order_acquire);
}

ptrdiff_t cur_arc_weak_count(const cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    ptrdiff_t n = atomic_load_explicit(&((cur_arc_t *)(uintptr_t)a)->weak,
                                       memory_order_acquire);
    /* Locked by get_mut means no Weak exists; otherwise drop our own. */
    return n == ARC_WEAK_LOCKED ? 0 : n - 1;
}

int cur_arc_try_unwrap(cur_arc_t *a, void *out)
{
    CUR_ASSERT(a != NULL && out != NULL);
    ptrdiff_t one = 1;
    if (!atomic_compare_exchange_strong_explicit(&a->strong, &one, 0,
                                                 memory_order_relaxed,
                                                 memory_order_relaxed))
        return CUR_EBUSY;
    ACQUIRE_FENCE(&a->strong);
    memcpy(out, cur_arc_get(a), (size_t)a->type->size);
    arc_weak_release(a);
    return 0;
}

cur_arc_weak_t *cur_arc_downgrade(cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    ptrdiff_t cur = atomic_load_explicit(&a->weak, memory_order_relaxed);
    for (;;) {
        if (cur == ARC_WEAK_LOCKED) {
            /* get_mut holds the count for a moment: wait it out. */
            spin_hint();
            cur = atomic_load_explicit(&a->weak, memory_order_relaxed);
            continue;
        }
        if (CUR_UNLIKELY(cur >= CUR_RC_MAX_COUNT))
            cur__rc_count_overflow("Arc weak count");
        /* Acquire pairs with the Release that unlocks in get_mut. */
        if (atomic_compare_exchange_weak_explicit(&a->weak, &cur, cur + 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return (cur_arc_weak_t *)(void *)a;
    }
}

cur_arc_t *cur_arc_weak_upgrade(cur_arc_weak_t *w)
{
    if (!w) return NULL;
    cur_arc_t *a = arc_of(w);
    ptrdiff_t n = atomic_load_explicit(&a->strong, memory_order_relaxed);
    do {
        /* Never from 0: once the drop may have begun, the value is gone. */
        if (n == 0) return NULL;
        if (CUR_UNLIKELY(n >= CUR_RC_MAX_COUNT))
            cur__rc_count_overflow("Arc strong count");
    } while (!atomic_compare_exchange_weak_explicit(&a->strong, &n, n + 1,
                                                    memory_order_acquire,
                                                    memory_order_relaxed));
    return a;
}

cur_arc_weak_t *cur_arc_weak_clone(cur_arc_weak_t *w)
{
    if (!w) return NULL;
    cur_arc_t *a = arc_of(w);
    /* A Weak exists, so the count is >= 2 and cannot be locked. */
    ptrdiff_t old = atomic_fetch_add_explicit(&a->weak, 1,
                                              memory_order_relaxed);
    if (CUR_UNLIKELY(old >= CUR_RC_MAX_COUNT)) {
        atomic_fetch_sub_explicit(&a->weak, 1, memory_order_relaxed);
        cur__rc_count_overflow("Arc weak count");
    }
    return w;
}

void cur_arc_weak_free(cur_arc_weak_t *w)
{
    if (w) arc_weak_release(arc_of(w));
}

ptrdiff_t cur_arc_weak_strong_count(const cur_arc_weak_t *w)
{
    if (!w) return 0;
    return atomic_load_explicit(&arc_of(w)->strong, memory_order_acquire);
}

ptrdiff_t cur_arc_weak_weak_count(const cur_arc_weak_t *w)
{
    if (!w) return 0;
    cur_arc_t *a = arc_of(w);
    ptrdiff_t weak = atomic_load_explicit(&a->weak, memory_order_acquire);
    ptrdiff_t strong = atomic_load_explicit(&a->strong, memory_order_relaxed);
    /* As in Rust: 0 once the value is gone; else without the joint one. */
    return strong == 0 ? 0 : weak - 1;
}

/* ------------------------------------------------------------------------ */
/* RefCell                                                                  */
/* ------------------------------------------------------------------------ */

void cur__refcell_conflict(const cur_refcell_t *c, bool want_mut,
                           const char *file, int line, const char *func)
{
    const char *at = c->file ? c->file : "?";
    if (c->borrow < 0)
        cur_panic_at(file, line, func,
                     "RefCell already mutably borrowed: cannot borrow it%s; "
                     "the mutable borrow was taken at %s:%d",
                     want_mut ? " mutably" : "", at, c->line);
    cur_panic_at(file, line, func,
                 "RefCell already borrowed: cannot borrow it mutably; "
                 "%td shared borrow%s active, the first taken at %s:%d",
                 c->borrow, c->borrow == 1 ? "" : "s", at, c->line);
}

static void ref_guard_unwind(void *arg)
{
    cur_ref_guard_release(arg);
}

bool cur_ref_guard_begin(cur_ref_guard_t *g, cur_refcell_t *c, bool mut,
                         bool try_, const char *file, int line,
                         const char *func)
{
    CUR_ASSERT(g != NULL && c != NULL);
    if (try_) {
        int rc = mut ? cur_refcell_try_borrow_mut_at(c, file, line)
                     : cur_refcell_try_borrow_at(c, file, line);
        if (rc < 0) return false;
    } else if (mut) {
        cur_refcell_borrow_mut_at(c, file, line, func);
    } else {
        cur_refcell_borrow_at(c, file, line, func);
    }
    g->cell = c;
    g->mut = mut;
    cur_unwind_push(&g->unwind, ref_guard_unwind, g);
    return true;
}

void cur_ref_guard_release(cur_ref_guard_t *g)
{
    CUR_ASSERT(g != NULL);
    cur_refcell_t *c = g->cell;
    if (!c) return;
    g->cell = NULL;
    if (g->mut)
        cur_refcell_release_mut(c);
    else
        cur_refcell_release(c);
}

void cur_ref_guard_end(cur_ref_guard_t *g)
{
    cur_ref_guard_release(g);
    if (g->unwind.fn) {
        cur_unwind_pop(&g->unwind);
        g->unwind.fn = NULL;
    }
}
