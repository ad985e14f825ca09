/*
 * curriculum/rc.h: shared ownership and interior mutability. Rc (counted,
 * one thread), Arc (atomically counted, any thread), their Weak
 * references, RefCell (borrow rules checked at run time) and Cell (get/set
 * of plain values).
 *
 *   Rust                          C
 *   Rc::new(v)                    cur_rc_new(&r, alloc, &T_type, &v)
 *   Rc::clone(&r)                 cur_rc_clone(r)       (same pointer back)
 *   drop(r)                       cur_rc_free(r)
 *   &*r                           cur_rc_get(r)
 *   Rc::get_mut, Rc::try_unwrap   cur_rc_get_mut(r), cur_rc_try_unwrap(r, &v)
 *   Rc::downgrade(&r)             cur_rc_downgrade(r)   -> cur_rc_weak_t *
 *   w.upgrade()                   cur_rc_weak_upgrade(w) (NULL: gone)
 *   Arc<T>, sync::Weak<T>         cur_arc_*, cur_arc_weak_*  (same shapes)
 *   RefCell<T>                    CUR_REFCELL_TYPE(name, T)
 *   c.borrow(), c.borrow_mut()    CUR_REF(x, &c), CUR_REF_MUT(x, &c)
 *   c.try_borrow_mut()            CUR_TRY_REF_MUT(x, &c)  (x NULL: busy)
 *   Cell<T>                       CUR_CELL_TYPE(name, T)
 *
 * Counting, as in Rust: an allocation holds a strong count (the Rc/Arc
 * handles) and a weak count (the Weak handles, plus one held jointly by
 * all strong handles). When strong reaches 0 the value is dropped, exactly
 * once, and every later upgrade fails; when weak reaches 0 the memory is
 * freed. A Weak therefore keeps the memory, never the value. A cycle of
 * strong handles is never freed: link back with Weak (a child's parent).
 *
 * A count that would pass CUR_RC_MAX_COUNT panics rather than wrap (Rust
 * aborts past isize::MAX for the same reason: a wrapped count frees a
 * value that is still in use).
 *
 * Handles are pointers. An Rc handle and its clones are the same address:
 * clone increments the count and returns its argument. What a variable
 * owns is one count, released with exactly one free. A Weak handle points
 * at the same allocation under a different type; a NULL Weak is the empty
 * Weak (Rust's Weak::new()): it upgrades to NULL and frees as a no-op.
 *
 * The fast paths (clone, free, get, counts; and for Rc the Weak
 * operations) are static inline functions below; the struct layouts are
 * in this header only for them, and their fields are private. The final
 * drop and the memory release are out of line in src/rc.c.
 *
 * Thread safety:
 *   - Rc, its Weak, RefCell and Cell: one thread only. Nothing is atomic;
 *     using them from two threads at once is a data race. Moving a whole
 *     Rc graph to another thread, with no handle left behind, is fine.
 *   - Arc and its Weak: the counts are atomic (Rust's memory orders:
 *     Relaxed increments, Release decrements with an Acquire fence before
 *     the drop, a compare-and-swap upgrade that never revives a count of
 *     0), so handles may be cloned, freed and upgraded on any thread. The
 *     value itself gets no protection: shared between threads, it must be
 *     read-only or synchronise itself (atomics, a mutex), as Rust requires
 *     T: Sync. The drop function runs on whichever thread frees last.
 */
#ifndef CURRICULUM_RC_H
#define CURRICULUM_RC_H

#include <stdatomic.h>
#include <string.h>

#include "core.h"
#include "error.h"
#include "own.h"
#include "panic.h"

/*
 * The largest strong or weak count, and the largest number of shared
 * borrows of one RefCell (PTRDIFF_MAX / 2, so an increment racing past the
 * check still cannot wrap).
 */
#define CUR_RC_MAX_COUNT (PTRDIFF_MAX / 2)

/* ------------------------------------------------------------------------ */
/* Rc: single-threaded reference counting                                   */
/* ------------------------------------------------------------------------ */

/*
 * cur_rc_t: a counted handle to a shared value (Rust's Rc<T>); the value
 * lives inline after the header. cur_rc_weak_t: a weak handle to the same
 * allocation (rc::Weak<T>), incomplete on purpose: it has no value to
 * reach until it is upgraded. Every Rc function is for one thread only:
 * the counts are plain integers (use Arc across threads).
 */
typedef struct cur_rc cur_rc_t;
typedef struct cur_rc_weak cur_rc_weak_t;

struct cur_rc {
    /* private: for the inline functions below */
    _Alignas(max_align_t) ptrdiff_t strong; /* strong handles */
    ptrdiff_t weak;          /* weak handles + 1 while strong > 0 */
    const cur_type_t *type;  /* the value's descriptor */
    const cur_alloc_t *alloc; /* hook the block came from, never NULL */
    ptrdiff_t offset;        /* header address - block address */
};

/* Not API: the out-of-line slow paths of the inline functions. */
CUR_API CUR_NORETURN void cur__rc_count_overflow(const char *what);
CUR_API void cur__rc_drop_slow(cur_rc_t *r);
CUR_API void cur__rc_dealloc(cur_rc_t *r);

/*
 * cur_rc_new: allocates a value of type t through a (NULL: the default
 * hook), moves *init into it (a byte copy; NULL zero-fills), and stores
 * the first strong handle in *out: strong 1, weak 0.
 * Returns 0; CUR_EINVAL if t breaks the descriptor rules (own.h);
 * CUR_EOVERFLOW if t->size is too large; CUR_ENOMEM. *out is written only
 * on success. out and t must not be NULL (panics).
 * Ownership: the caller owns one strong count, released with cur_rc_free.
 * t and a must outlive the allocation.
 */
CUR_API CUR_NODISCARD int cur_rc_new(cur_rc_t **out, const cur_alloc_t *a,
                                     const cur_type_t *t, const void *init);

/*
 * cur_rc_clone: one more strong count; returns r (Rc::clone). The caller
 * owns the new count. Never allocates. Panics if r is NULL or the count
 * would pass CUR_RC_MAX_COUNT.
 */
static inline cur_rc_t *cur_rc_clone(cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    if (CUR_UNLIKELY(r->strong >= CUR_RC_MAX_COUNT))
        cur__rc_count_overflow("Rc strong count");
    r->strong++;
    return r;
}

/*
 * cur_rc_free: releases one strong count (drop(r)). The last one drops
 * the value (t->drop, exactly once), then releases the strong handles'
 * joint weak count, which frees the memory unless Weak handles remain.
 * NULL is a no-op. r must not be used afterwards.
 */
static inline void cur_rc_free(cur_rc_t *r)
{
    if (!r) return;
    if (--r->strong == 0) cur__rc_drop_slow(r);
}

/*
 * cur_rc_get: the value (&*r), aligned to t->align, valid while the
 * caller holds a strong count. A shared borrow: every clone sees the same
 * value, so write to it only through interior mutability (a RefCell or
 * Cell inside the value) or while cur_rc_get_mut says the handle is
 * unique. r must not be NULL.
 */
static inline void *cur_rc_get(const cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    return (char *)(uintptr_t)r + sizeof(struct cur_rc);
}

/*
 * cur_rc_get_mut: the value for writing if r is the only handle, strong
 * or weak (Rc::get_mut); NULL otherwise. r must not be NULL.
 */
static inline void *cur_rc_get_mut(cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    return r->strong == 1 && r->weak == 1 ? cur_rc_get(r) : NULL;
}

/* Strong handles (Rc::strong_count), >= 1 while r is held. */
static inline ptrdiff_t cur_rc_strong_count(const cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    return r->strong;
}

/* Weak handles (Rc::weak_count), not counting the strongs' joint one. */
static inline ptrdiff_t cur_rc_weak_count(const cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    return r->weak - 1;
}

/* True if a and b are handles to the same allocation (Rc::ptr_eq). */
static inline bool cur_rc_ptr_eq(const cur_rc_t *a, const cur_rc_t *b)
{
    return a == b;
}

/*
 * cur_rc_try_unwrap: if r is the only strong handle, moves the value into
 * out (t->size bytes, not dropped: the caller owns it), releases r and
 * returns 0; Weak handles then fail to upgrade, and the memory goes with
 * the last of them. Otherwise returns CUR_EBUSY and changes nothing: r is
 * still held (Rust's Err(r)). r and out must not be NULL.
 */
CUR_API int cur_rc_try_unwrap(cur_rc_t *r, void *out);

/*
 * cur_rc_downgrade: a new Weak handle to r's allocation (Rc::downgrade).
 * The caller owns it and releases it with cur_rc_weak_free. Never
 * allocates. Panics if r is NULL or the weak count would overflow.
 */
static inline cur_rc_weak_t *cur_rc_downgrade(cur_rc_t *r)
{
    CUR_ASSERT(r != NULL);
    if (CUR_UNLIKELY(r->weak >= CUR_RC_MAX_COUNT))
        cur__rc_count_overflow("Rc weak count");
    r->weak++;
    return (cur_rc_weak_t *)(void *)r;
}

/*
 * cur_rc_weak_upgrade: a new strong handle if the value is still alive
 * (strong > 0), else NULL (Weak::upgrade). NULL w gives NULL. The caller
 * owns the returned count. Panics on count overflow.
 */
static inline cur_rc_t *cur_rc_weak_upgrade(cur_rc_weak_t *w)
{
    cur_rc_t *r = (cur_rc_t *)(void *)w;
    if (!r || r->strong == 0) return NULL;
    return cur_rc_clone(r);
}

/* cur_rc_weak_clone: one more weak count; returns w. NULL gives NULL. */
static inline cur_rc_weak_t *cur_rc_weak_clone(cur_rc_weak_t *w)
{
    cur_rc_t *r = (cur_rc_t *)(void *)w;
    if (!r) return NULL;
    if (CUR_UNLIKELY(r->weak >= CUR_RC_MAX_COUNT))
        cur__rc_count_overflow("Rc weak count");
    r->weak++;
    return w;
}

/*
 * cur_rc_weak_free: releases one weak count; the last count of all frees
 * the memory (the value was dropped already). NULL is a no-op.
 */
static inline void cur_rc_weak_free(cur_rc_weak_t *w)
{
    cur_rc_t *r = (cur_rc_t *)(void *)w;
    if (!r) return;
    if (--r->weak == 0) cur__rc_dealloc(r);
}

/* Strong handles of w's allocation; 0 once the value is gone or w NULL. */
static inline ptrdiff_t cur_rc_weak_strong_count(const cur_rc_weak_t *w)
{
    const cur_rc_t *r = (const cur_rc_t *)(const void *)w;
    return r ? r->strong : 0;
}

/*
 * Weak handles of w's allocation (rc::Weak::weak_count): 0 once the value
 * is gone (as in Rust) or w is NULL.
 */
static inline ptrdiff_t cur_rc_weak_weak_count(const cur_rc_weak_t *w)
{
    const cur_rc_t *r = (const cur_rc_t *)(const void *)w;
    return r && r->strong > 0 ? r->weak - 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Arc: atomic reference counting                                           */
/* ------------------------------------------------------------------------ */

/*
 * cur_arc_t: Rust's Arc<T>; cur_arc_weak_t: sync::Weak<T>. Same shapes
 * and rules as the Rc functions above, with atomic counts.
 */
typedef struct cur_arc cur_arc_t;
typedef struct cur_arc_weak cur_arc_weak_t;

struct cur_arc {
    /* private: for the inline functions below */
    _Alignas(max_align_t) _Atomic ptrdiff_t strong; /* strong handles */
    _Atomic ptrdiff_t weak;  /* weak + 1 while strong > 0; -1: locked */
    const cur_type_t *type;  /* the value's descriptor */
    const cur_alloc_t *alloc; /* hook the block came from, never NULL */
    ptrdiff_t offset;        /* header address - block address */
};

/* Not API: the out-of-line slow paths of the inline functions. */
CUR_API CUR_NORETURN void cur__arc_count_overflow(cur_arc_t *a);
CUR_API void cur__arc_drop_slow(cur_arc_t *a);

/*
 * cur_arc_new: as cur_rc_new, for an Arc. Returns 0, CUR_EINVAL,
 * CUR_EOVERFLOW or CUR_ENOMEM; *out written only on success. The hook a
 * must be thread-safe if the Arc is shared between threads, since the
 * last free may happen on any of them.
 */
CUR_API CUR_NODISCARD int cur_arc_new(cur_arc_t **out, const cur_alloc_t *a,
                                      const cur_type_t *t, const void *init);

/*
 * cur_arc_clone: one more strong count (a Relaxed increment: a new handle
 * can only be made from one already held, which orders it); returns a.
 * Thread-safe. Panics if a is NULL or the count would pass
 * CUR_RC_MAX_COUNT (the count is restored first).
 */
static inline cur_arc_t *cur_arc_clone(cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    ptrdiff_t old = atomic_fetch_add_explicit(&a->strong, 1,
                                              memory_order_relaxed);
    if (CUR_UNLIKELY(old >= CUR_RC_MAX_COUNT)) cur__arc_count_overflow(a);
    return a;
}

/*
 * cur_arc_free: releases one strong count (a Release decrement, so this
 * thread's writes to the value happen before the drop). The last one
 * fences (Acquire), drops the value exactly once, on this thread, then
 * releases the joint weak count. NULL is a no-op. Thread-safe.
 */
static inline void cur_arc_free(cur_arc_t *a)
{
    if (!a) return;
    if (atomic_fetch_sub_explicit(&a->strong, 1, memory_order_release) != 1)
        return;
    cur__arc_drop_slow(a);
}

/*
 * cur_arc_get: the value (&*a), valid while the caller holds a strong
 * count. Shared between threads: read-only, or synchronised by the value
 * itself. a must not be NULL. Thread-safe.
 */
static inline void *cur_arc_get(const cur_arc_t *a)
{
    CUR_ASSERT(a != NULL);
    return (char *)(uintptr_t)a + sizeof(struct cur_arc);
}

/*
 * cur_arc_get_mut: the value for writing if a is the only handle, strong
 * or weak (Arc::get_mut); NULL otherwise. Briefly locks the weak count so
 * that no Weak can be made meanwhile (Rust's is_unique). a must not be
 * NULL. Thread-safe.
 */
CUR_API void *cur_arc_get_mut(cur_arc_t *a);

/*
 * Counts (Arc::strong_count, Arc::weak_count). Thread-safe, but another
 * thread may change them at any time: a snapshot, for display and tests,
 * never for deciding whether a value is shared (use get_mut).
 */
CUR_API ptrdiff_t cur_arc_strong_count(const cur_arc_t *a);
CUR_API ptrdiff_t cur_arc_weak_count(const cur_arc_t *a);

/* True if a and b are handles to the same allocation (Arc::ptr_eq). */
static inline bool cur_arc_ptr_eq(const cur_arc_t *a, const cur_arc_t *b)
{
    return a == b;
}

/*
 * cur_arc_try_unwrap: if a is the only strong handle (compare-and-swap of
 * the count from 1 to 0), moves the value into out, releases a and
 * returns 0; Weak handles fail to upgrade from then on. Otherwise returns
 * CUR_EBUSY and a is still held. a and out must not be NULL. Thread-safe:
 * of two threads racing with the last two handles, both may get
 * CUR_EBUSY, as in Rust.
 */
CUR_API int cur_arc_try_unwrap(cur_arc_t *a, void *out);

/*
 * cur_arc_downgrade: a new Weak handle (Arc::downgrade), owned by the
 * caller. Never allocates. Thread-safe. Panics if a is NULL or the weak
 * count would overflow.
 */
CUR_API cur_arc_weak_t *cur_arc_downgrade(cur_arc_t *a);

/*
 * cur_arc_weak_upgrade: a new strong handle if the value is alive, else
 * NULL. A compare-and-swap loop that increments only a non-zero count, so
 * once the last strong handle is gone no upgrade can succeed, whatever
 * the interleaving. NULL w gives NULL. Thread-safe.
 */
CUR_API cur_arc_t *cur_arc_weak_upgrade(cur_arc_weak_t *w);

/*
 * cur_arc_weak_clone: one more weak count; returns w. NULL gives NULL.
 * Thread-safe. Panics if the weak count would overflow.
 */
CUR_API cur_arc_weak_t *cur_arc_weak_clone(cur_arc_weak_t *w);

/*
 * cur_arc_weak_free: releases one weak count; the last count of all frees
 * the memory. NULL is a no-op. Thread-safe.
 */
CUR_API void cur_arc_weak_free(cur_arc_weak_t *w);

/*
 * Snapshots of w's counts (Weak::strong_count, Weak::weak_count); 0 once
 * the value is gone or w is NULL. Thread-safe.
 */
CUR_API ptrdiff_t cur_arc_weak_strong_count(const cur_arc_weak_t *w);
CUR_API ptrdiff_t cur_arc_weak_weak_count(const cur_arc_weak_t *w);

/* ------------------------------------------------------------------------ */
/* RefCell: borrow rules checked at run time                                */
/* ------------------------------------------------------------------------ */

/*
 * cur_refcell_t: the borrow state of a RefCell: any number of shared
 * borrows, or one exclusive borrow, never both (Rust's borrow rules, moved
 * from compile time to run time). It records where the current borrow
 * began (the exclusive borrow, or the first of the current shared ones)
 * so that a conflict can name it. Caller storage: a zeroed struct, or
 * CUR_REFCELL_INIT, is unborrowed; there is nothing to destroy. Fields are
 * private. One thread only.
 *
 * Usually it is the head of a typed cell made with CUR_REFCELL_TYPE and
 * used through the macros below; the functions work on the state alone,
 * for cells that guard a value kept elsewhere.
 */
typedef struct cur_refcell {
    /* private */
    ptrdiff_t borrow; /* 0 free, n > 0 shared borrows, -1 exclusive */
    const char *file; /* where the current borrow began, or NULL */
    int line;         /* its line */
} cur_refcell_t;

#define CUR_REFCELL_INIT {0, NULL, 0}

/*
 * CUR_REFCELL_TYPE(name, T): declares the typed cell RefCell<T>:
 *     typedef struct name { cur_refcell_t cell; T value; } name;
 * Initialise with {.value = v} (the state is zero) or
 * {CUR_REFCELL_INIT, v}. Read and write value only under a borrow.
 */
#define CUR_REFCELL_TYPE(name, T)                                            \
    typedef struct name {                                                    \
        cur_refcell_t cell;                                                  \
        T value;                                                             \
    } name

/* Not API: panics naming the conflicting borrow (src/rc.c). */
CUR_API CUR_NORETURN void cur__refcell_conflict(const cur_refcell_t *c,
                                                bool want_mut,
                                                const char *file, int line,
                                                const char *func);

/*
 * cur_refcell_try_borrow_at: takes a shared borrow of c (try_borrow),
 * recording file:line if it begins a borrow. Returns 0, or CUR_EBORROW if
 * c is borrowed exclusively (nothing changes). Panics if c is NULL or the
 * shared count would pass CUR_RC_MAX_COUNT. Release with
 * cur_refcell_release. Usually called through the macros below, which
 * pass the caller's __FILE__ and __LINE__.
 */
static inline int cur_refcell_try_borrow_at(cur_refcell_t *c,
                                            const char *file, int line)
{
    CUR_ASSERT(c != NULL);
    if (CUR_UNLIKELY(c->borrow < 0)) return CUR_EBORROW;
    if (CUR_UNLIKELY(c->borrow >= CUR_RC_MAX_COUNT))
        cur__rc_count_overflow("RefCell shared borrow count");
    if (c->borrow++ == 0) {
        c->file = file;
        c->line = line;
    }
    return 0;
}

/*
 * cur_refcell_try_borrow_mut_at: takes the exclusive borrow of c
 * (try_borrow_mut), recording file:line. Returns 0, or CUR_EBORROW if c
 * is borrowed at all (nothing changes). Release with
 * cur_refcell_release_mut. c must not be NULL.
 */
static inline int cur_refcell_try_borrow_mut_at(cur_refcell_t *c,
                                                const char *file, int line)
{
    CUR_ASSERT(c != NULL);
    if (CUR_UNLIKELY(c->borrow != 0)) return CUR_EBORROW;
    c->borrow = -1;
    c->file = file;
    c->line = line;
    return 0;
}

/*
 * cur_refcell_borrow_at / cur_refcell_borrow_mut_at: as the try_
 * functions, but a conflict panics (borrow, borrow_mut). The panic is
 * reported at file:line in func (the caller's, with the macros), and its
 * message names where the conflicting borrow was taken, e.g.
 *     already mutably borrowed at src/app.c:41
 */
static inline void cur_refcell_borrow_at(cur_refcell_t *c, const char *file,
                                         int line, const char *func)
{
    if (CUR_UNLIKELY(cur_refcell_try_borrow_at(c, file, line) != 0))
        cur__refcell_conflict(c, false, file, line, func);
}

static inline void cur_refcell_borrow_mut_at(cur_refcell_t *c,
                                             const char *file, int line,
                                             const char *func)
{
    if (CUR_UNLIKELY(cur_refcell_try_borrow_mut_at(c, file, line) != 0))
        cur__refcell_conflict(c, true, file, line, func);
}

/*
 * cur_refcell_release: ends one shared borrow. cur_refcell_release_mut:
 * ends the exclusive borrow. Releasing a borrow that is not held is a
 * contract violation and panics.
 */
static inline void cur_refcell_release(cur_refcell_t *c)
{
    CUR_ASSERT(c != NULL && c->borrow > 0);
    if (--c->borrow == 0) c->file = NULL;
}

static inline void cur_refcell_release_mut(cur_refcell_t *c)
{
    CUR_ASSERT(c != NULL && c->borrow == -1);
    c->borrow = 0;
    c->file = NULL;
}

/*
 * cur_refcell_state: the borrow state, for display and tests: 0 unborrowed,
 * n > 0 for n shared borrows, -1 for an exclusive borrow.
 */
static inline ptrdiff_t cur_refcell_state(const cur_refcell_t *c)
{
    CUR_ASSERT(c != NULL);
    return c->borrow;
}

/*
 * Borrows of a typed cell by hand, each taking a pointer to a cell made
 * with CUR_REFCELL_TYPE and evaluating it once:
 *   CUR_REFCELL_BORROW(cp)          const T *, panics on conflict
 *   CUR_REFCELL_BORROW_MUT(cp)      T *, panics on conflict
 *   CUR_REFCELL_TRY_BORROW(cp, pp)  0 and *pp = the value, or CUR_EBORROW
 *   CUR_REFCELL_TRY_BORROW_MUT(cp, pp)
 *   CUR_REFCELL_RELEASE(cp), CUR_REFCELL_RELEASE_MUT(cp)
 * Each borrow must be released exactly once. The guards below do that
 * for you and are the usual way.
 */
#define CUR_REFCELL_BORROW(cp)                                               \
    __extension__({                                                          \
        __auto_type cur_rcb_ = (cp);                                         \
        cur_refcell_borrow_at(&cur_rcb_->cell, __FILE__, __LINE__, __func__); \
        (const __typeof__(cur_rcb_->value) *)&cur_rcb_->value;               \
    })
#define CUR_REFCELL_BORROW_MUT(cp)                                           \
    __extension__({                                                          \
        __auto_type cur_rcb_ = (cp);                                         \
        cur_refcell_borrow_mut_at(&cur_rcb_->cell, __FILE__, __LINE__,       \
                                  __func__);                                 \
        &cur_rcb_->value;                                                    \
    })
#define CUR_REFCELL_TRY_BORROW(cp, pp)                                       \
    __extension__({                                                          \
        __auto_type cur_rcb_ = (cp);                                         \
        int cur_rcb_rc_ =                                                    \
            cur_refcell_try_borrow_at(&cur_rcb_->cell, __FILE__, __LINE__);  \
        if (cur_rcb_rc_ == 0) *(pp) = &cur_rcb_->value;                      \
        cur_rcb_rc_;                                                         \
    })
#define CUR_REFCELL_TRY_BORROW_MUT(cp, pp)                                   \
    __extension__({                                                          \
        __auto_type cur_rcb_ = (cp);                                         \
        int cur_rcb_rc_ = cur_refcell_try_borrow_mut_at(&cur_rcb_->cell,     \
                                                        __FILE__, __LINE__); \
        if (cur_rcb_rc_ == 0) *(pp) = &cur_rcb_->value;                      \
        cur_rcb_rc_;                                                         \
    })
#define CUR_REFCELL_RELEASE(cp) cur_refcell_release(&(cp)->cell)
#define CUR_REFCELL_RELEASE_MUT(cp) cur_refcell_release_mut(&(cp)->cell)

/*
 * cur_ref_guard_t: a borrow that ends by itself (Rust's Ref / RefMut).
 * Declared by the CUR_REF family; its fields are private. The borrow ends
 * at the end of the enclosing block (the cleanup attribute), at an
 * explicit CUR_REF_RELEASE, or, if a panic jumps past the block, while the
 * panic unwinds (an unwind guard, panic.h): a caught panic never leaves a
 * cell borrowed, as Rust's unwinding drops a Ref.
 */
typedef struct cur_ref_guard {
    /* private */
    cur_refcell_t *cell;       /* the borrowed cell; NULL once released */
    bool mut;                  /* exclusive */
    cur_unwind_guard_t unwind; /* pushed while the guard is in scope */
} cur_ref_guard_t;

/*
 * The guard functions the macros use (API, for guards kept by hand):
 * cur_ref_guard_begin takes a borrow of c into g, which must be zeroed
 * and stay at the same address until cur_ref_guard_end: exclusive if mut,
 * panicking on a conflict unless try_ is set. It returns true when the
 * borrow was taken; with try_ and a conflict it returns false and g stays
 * inert. cur_ref_guard_release ends the borrow early (idempotent);
 * cur_ref_guard_end ends it if still held and pops the unwind guard. Guards
 * must end newest first (blocks do that). One thread only, the thread that
 * began the guard (its unwind guard is on that thread's stack).
 */
CUR_API bool cur_ref_guard_begin(cur_ref_guard_t *g, cur_refcell_t *c,
                                 bool mut, bool try_, const char *file,
                                 int line, const char *func);
CUR_API void cur_ref_guard_release(cur_ref_guard_t *g);
CUR_API void cur_ref_guard_end(cur_ref_guard_t *g);

/*
 * CUR_REF(x, cp): declares `const T *x`, a shared borrow of the typed cell
 * *cp (c.borrow()); panics if *cp is borrowed exclusively, naming where.
 * CUR_REF_MUT(x, cp): declares `T *x`, the exclusive borrow
 * (c.borrow_mut()); panics if *cp is borrowed at all.
 * CUR_TRY_REF(x, cp) / CUR_TRY_REF_MUT(x, cp): the same, but on a conflict
 * x is NULL and nothing is borrowed (try_borrow: Option<Ref>).
 * CUR_REF_RELEASE(x): ends x's borrow now and sets x to NULL
 * (drop(x)).
 *
 * Each declares hidden variables named after x; cp is evaluated once.
 * Ends as described for cur_ref_guard_t.
 *     CUR_REF_MUT(v, &cell);
 *     v->count++;
 *   } // borrow ends here
 */
#define CUR__REF_DECL(x, cp, mut_, try_, qual)                               \
    __auto_type CUR__CAT(x, _refcell_) = (cp);                               \
    __attribute__((cleanup(cur_ref_guard_end)))                              \
    cur_ref_guard_t CUR__CAT(x, _ref_guard_) = {0};                          \
    qual __typeof__(CUR__CAT(x, _refcell_)->value) *x =                      \
        cur_ref_guard_begin(&CUR__CAT(x, _ref_guard_),                       \
                            &CUR__CAT(x, _refcell_)->cell, (mut_), (try_),   \
                            __FILE__, __LINE__, __func__)                    \
            ? &CUR__CAT(x, _refcell_)->value                                 \
            : NULL
#define CUR_REF(x, cp) CUR__REF_DECL(x, cp, false, false, const)
#define CUR_REF_MUT(x, cp) CUR__REF_DECL(x, cp, true, false, )
#define CUR_TRY_REF(x, cp) CUR__REF_DECL(x, cp, false, true, const)
#define CUR_TRY_REF_MUT(x, cp) CUR__REF_DECL(x, cp, true, true, )
#define CUR_REF_RELEASE(x)                                                   \
    (cur_ref_guard_release(&CUR__CAT(x, _ref_guard_)), (void)((x) = NULL))

/* ------------------------------------------------------------------------ */
/* Cell: get and set of plain values                                        */
/* ------------------------------------------------------------------------ */

/*
 * CUR_CELL_TYPE(name, T): declares Cell<T> for a plain-value (Copy) type
 * T, with static inline functions that move values in and out and never
 * hand out a pointer to the inside, so no reference into the cell can be
 * left stale by a later set (Rust's Cell):
 *     name name_new(T v)                     a cell holding v
 *     T    name_get(const name *c)           a copy of the value
 *     void name_set(const name *c, T v)      overwrite (the old value is
 *                                            plain: nothing to drop)
 *     T    name_replace(const name *c, T v)  set, returning the old value
 *     void name_swap(const name *a, const name *b)   exchange the values
 *     T    name_take(const name *c)          the value, leaving all-zero
 *                                            bytes (Default for plain types)
 *
 * Interior mutability: like Cell::set(&self), the setters take a const
 * pointer, so code that was handed a const view of a struct can still
 * update the struct's cells (a hit counter in a lookup function). They
 * write through a cast, which C allows for any object that was not itself
 * defined const: never define a cell, or a struct holding one, as a const
 * object (Rust's UnsafeCell rule, checked there by the compiler and here
 * by the reader).
 *
 * One thread only. Usage:
 *     CUR_CELL_TYPE(cell_int, int);
 *     cell_int hits = cell_int_new(0);
 *     cell_int_set(&hits, cell_int_get(&hits) + 1);
 */
#define CUR_CELL_TYPE(name, T)                                               \
    typedef struct name {                                                    \
        T value; /* private: use the functions */                            \
    } name;                                                                  \
    static inline __attribute__((unused)) name name##_new(T v)               \
    {                                                                        \
        name c;                                                              \
        c.value = v;                                                         \
        return c;                                                            \
    }                                                                        \
    static inline __attribute__((unused)) T name##_get(const name *c)        \
    {                                                                        \
        return c->value;                                                     \
    }                                                                        \
    static inline __attribute__((unused)) void name##_set(const name *c, T v) \
    {                                                                        \
        ((name *)(uintptr_t)c)->value = v;                                   \
    }                                                                        \
    static inline __attribute__((unused)) T name##_replace(const name *c,    \
                                                           T v)              \
    {                                                                        \
        name *m = (name *)(uintptr_t)c;                                      \
        T old = m->value;                                                    \
        m->value = v;                                                        \
        return old;                                                          \
    }                                                                        \
    static inline __attribute__((unused)) void name##_swap(const name *a,    \
                                                           const name *b)    \
    {                                                                        \
        name *ma = (name *)(uintptr_t)a, *mb = (name *)(uintptr_t)b;         \
        T t = ma->value;                                                     \
        ma->value = mb->value;                                               \
        mb->value = t;                                                       \
    }                                                                        \
    static inline __attribute__((unused)) T name##_take(const name *c)       \
    {                                                                        \
        name *m = (name *)(uintptr_t)c;                                      \
        T old = m->value;                                                    \
        memset(&m->value, 0, sizeof m->value);                               \
        return old;                                                          \
    }

#endif /* CURRICULUM_RC_H */
