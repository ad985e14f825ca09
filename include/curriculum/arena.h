/*
 * curriculum/arena.h: arenas (regions), the C counterpart of lifetimes.
 *
 * An arena hands out memory by moving a pointer down through a chunk and
 * never frees one object at a time. Everything allocated from it lives until
 * one of three events ends the region it belongs to:
 *
 *   cur_arena_restore(&mark)  ends what was allocated since the mark
 *                             (a checkpoint, a nested region);
 *   cur_arena_reset(a)        ends everything;
 *   cur_arena_destroy(a)      ends everything and the arena itself.
 *
 * That is a Rust lifetime made explicit: 'a is "until this arena is reset".
 * A pointer into an arena must not be used after its region ends; C cannot
 * check this, so in AddressSanitizer builds the memory handed back by
 * reset, restore and growth is poisoned, and a late access is reported as
 * use-after-poison (see docs/arena.md). Red zones separate allocations in
 * those builds.
 *
 * Ending a region frees nothing one by one: the chunks it used are kept
 * for reuse (the arena keeps its capacity, as a Vec does after clear()),
 * except chunks made for one large block, which go back to the allocator
 * hook at once. cur_arena_trim gives the kept chunks back; destroy frees
 * everything.
 *
 * Conventions (STYLE.md section 4):
 *   - caller storage: cur_arena_init(&a, alloc, chunk_size), then
 *     cur_arena_destroy(&a); destroy never frees the struct and does nothing
 *     on a zeroed struct;
 *   - functions take a long-lived arena by pointer (`perm`, results go
 *     there) and a scratch arena by value (`scratch`): the callee's copy
 *     bumps its own pointer, so what it allocates is dropped when it returns,
 *     with no code at all. Chunks a copy adds are reclaimed by the next
 *     growth of the arena it was copied from, or by restore/reset/destroy.
 *     Never pass the same arena as both perm and scratch;
 *   - allocations are zeroed unless CUR_ARENA_NOZERO is given;
 *   - every allocation goes through a typed macro (CUR_ARENA_NEW,
 *     CUR_ARENA_NEW_ARRAY, ...) that computes size and alignment itself.
 *
 * Errors. The pointer-returning calls return NULL on failure and keep the
 * reason, read with cur_arena_error(a): CUR_EINVAL for bad input (a size
 * <= 0, a count < 0, an alignment that is not a power of two or is above
 * CUR_ARENA_MAX_ALIGN, unknown flags), CUR_EOVERFLOW when count * size
 * overflows or exceeds CUR_ARENA_MAX_SIZE, CUR_ENOMEM when the allocator
 * hook fails. cur_arena_alloc_into returns the same codes as an int. A
 * failed call changes nothing but the recorded reason: the arena and every
 * earlier allocation stay valid. Application code may instead ask for an
 * out-of-memory policy (cur_arena_set_oom): a panic, or a longjmp to its
 * own jmp_buf, so that its allocations never return NULL. The library's
 * own code never relies on a policy: it passes CUR_ARENA_SOFTFAIL or uses
 * cur_arena_alloc_into, and reports CUR_ENOMEM.
 *
 * Misuse is a contract violation and panics: allocating from a zeroed or
 * destroyed arena, restoring a mark whose region has already ended (after
 * an older mark was restored, or a reset), destroying a scratch arena.
 *
 * Thread safety: an arena is single-threaded, like any plain value: one
 * thread at a time uses an arena and all copies of it, with no locking. It
 * may be handed to another thread with a happens-before edge. The scratch
 * arenas of cur_arena_scratch are per thread and must not leave it.
 */
#ifndef CURRICULUM_ARENA_H
#define CURRICULUM_ARENA_H

#include <setjmp.h>

#include "core.h"

/* ------------------------------------------------------------------------ */
/* Limits and flags                                                         */
/* ------------------------------------------------------------------------ */

/* chunk_size 0 in cur_arena_init means this; also the scratch arenas'. */
#define CUR_ARENA_DEFAULT_CHUNK ((ptrdiff_t)64 * 1024)

/* The smallest chunk_size cur_arena_init accepts. */
#define CUR_ARENA_MIN_CHUNK ((ptrdiff_t)512)

/* The largest alignment an allocation may ask for (a page). */
#define CUR_ARENA_MAX_ALIGN ((ptrdiff_t)4096)

/* The largest single allocation, in bytes (count * size). */
#define CUR_ARENA_MAX_SIZE (PTRDIFF_MAX / 4)

/* Flags for cur_arena_alloc and the _EX macros; combine with |. */
#define CUR_ARENA_NOZERO 1   /* leave the memory as it is (not zeroed) */
#define CUR_ARENA_SOFTFAIL 2 /* return NULL even if an OOM policy is set */

/*
 * The out-of-memory policy (cur_arena_set_oom). It applies to a failed
 * cur_arena_alloc without CUR_ARENA_SOFTFAIL, whatever the reason (bad
 * input included), and never to cur_arena_alloc_into.
 */
typedef enum cur_arena_oom {
    CUR_ARENA_OOM_RETURN = 0, /* return NULL (the default) */
    CUR_ARENA_OOM_ABORT,      /* panic: the hook reports, then abort */
    CUR_ARENA_OOM_JUMP,       /* longjmp(*jmp, code), code < 0 */
} cur_arena_oom_t;

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

struct cur_arena_chunk; /* private: a block from the allocator hook */
struct cur_arena_owner; /* private: what all copies of an arena share */

/*
 * cur_arena_t: an arena handle, embeddable in caller storage. All fields
 * are private. A zeroed struct is "no arena": destroy and reset do nothing
 * on it, allocating from it panics.
 *
 * Copying the struct makes a scratch view (see the top of this header):
 * allocations through the copy do not move the original's pointer. Only
 * one view may allocate at a time, the most recent copy first (stack
 * order), which passing by value gives for free.
 *
 * Size: 64 bytes on LP64.
 */
typedef struct cur_arena {
    /* private */
    char *base;                   /* start of the current bump region */
    ptrdiff_t off;                /* free bytes: [base, base + off) */
    struct cur_arena_chunk *cur;  /* chunk holding the region, or NULL */
    struct cur_arena_chunk *head; /* newest chunk this view knows of */
    uint64_t serial;              /* head's serial (detects stale marks) */
    ptrdiff_t used_before;        /* bytes used in chunks other than cur */
    struct cur_arena_owner *owner; /* shared state; NULL when zeroed */
    int error;                    /* reason of the last failed call */
} cur_arena_t;

/*
 * cur_arena_mark_t: a checkpoint. `arena` is the arena it was taken on
 * (API); the rest is private. Marks nest: restoring a mark ends everything
 * allocated after it, including the regions of marks taken later, which
 * may then no longer be restored (doing so panics). A mark may be restored
 * any number of times while it is valid. It is a plain value and owns
 * nothing; a mark that is never restored costs nothing.
 */
typedef struct cur_arena_mark {
    cur_arena_t *arena; /* the arena this mark belongs to */
    cur_arena_t saved;  /* private: the arena as it was */
} cur_arena_mark_t;

/*
 * cur_arena_stats_t: numbers for teaching and tuning (cur_arena_stats).
 */
typedef struct cur_arena_stats {
    ptrdiff_t used;     /* bytes handed out and live, padding included */
    ptrdiff_t reserved; /* bytes held from the hook, kept ones included */
    ptrdiff_t chunks;   /* chunks held, those kept for reuse included */
} cur_arena_stats_t;

/* ------------------------------------------------------------------------ */
/* Lifecycle                                                                */
/* ------------------------------------------------------------------------ */

/*
 * cur_arena_init: makes *a an empty arena whose chunks come from alloc
 * (NULL: the default hook, libc malloc or jemalloc in an ALLOC=jemalloc
 * build). chunk_size is the size of each chunk requested from the hook,
 * header included; 0 selects CUR_ARENA_DEFAULT_CHUNK. Allocations larger
 * than a quarter of a chunk that do not fit the current one get a chunk of
 * their own; the others bump.
 *
 * The first chunk is allocated here, so a successful init guarantees at
 * least chunk_size - 256 bytes without another call to the hook, and
 * reset keeps it.
 *
 * Returns 0; CUR_EINVAL if chunk_size is negative or below
 * CUR_ARENA_MIN_CHUNK; CUR_ENOMEM if the hook fails. On failure *a is
 * zeroed, so cur_arena_destroy(a) is still safe. a must not be NULL.
 *
 * Ownership: the arena owns its chunks; *a stays the caller's storage. The
 * hook must outlive the arena. Thread safety: a must not be in use.
 */
CUR_API int cur_arena_init(cur_arena_t *a, const cur_alloc_t *alloc,
                           ptrdiff_t chunk_size);

/*
 * cur_arena_destroy: frees every chunk and zeroes *a. Every pointer into
 * the arena, every copy and every mark of it become invalid. Does nothing
 * when a is NULL or zeroed. Panics on a scratch arena (those belong to
 * their thread; see cur_arena_scratch_release). Never frees *a itself.
 */
CUR_API void cur_arena_destroy(cur_arena_t *a);

/*
 * cur_arena_reset: ends every allocation at once, in time proportional to
 * the number of chunks (not of allocations). Allocation starts again at
 * the top of the oldest chunk (for an arena made by cur_arena_init, the
 * chunk init allocated). The other chunks of the normal size are kept for
 * reuse, so refilling the arena to the same size calls the hook no more
 * (cur_arena_trim gives them back); chunks made for a single large block
 * are freed. Clears the recorded error. Every pointer into the arena,
 * every copy and every mark become invalid. Does nothing on a zeroed
 * arena.
 */
CUR_API void cur_arena_reset(cur_arena_t *a);

/*
 * cur_arena_trim: gives the chunks kept for reuse (by reset, restore, and
 * growth past the chunks of returned copies) back to the hook. The chunks
 * in use stay, so cur_arena_reset followed by cur_arena_trim leaves only
 * the first chunk. Pointers into live regions stay valid. Does nothing on
 * a zeroed arena.
 */
CUR_API void cur_arena_trim(cur_arena_t *a);

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

/* AddressSanitizer builds route every allocation through the library. */
#if defined(__SANITIZE_ADDRESS__)
#define CUR__ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CUR__ARENA_ASAN 1
#endif
#endif
#ifndef CUR__ARENA_ASAN
#define CUR__ARENA_ASAN 0
#endif

/* Bump regions start on this alignment; larger ones take the slow path. */
#define CUR__ARENA_FAST_ALIGN ((ptrdiff_t)64)

/* Internal: the out-of-line path of cur_arena_alloc. */
CUR_API void *cur__arena_alloc_slow(cur_arena_t *a, ptrdiff_t size,
                                    ptrdiff_t align, ptrdiff_t count,
                                    int flags);

/*
 * cur_arena_alloc: count objects of size bytes each, aligned to align, as
 * one block; zeroed unless flags has CUR_ARENA_NOZERO. Prefer the typed
 * macros below, which pass size and alignment for you.
 *
 * Returns the block, valid until the region it was allocated in ends (see
 * the top of this header). count == 0 returns a valid, aligned, non-NULL
 * pointer to no bytes. On failure: NULL with the reason kept for
 * cur_arena_error (CUR_EINVAL, CUR_EOVERFLOW, CUR_ENOMEM), unless an OOM
 * policy is set and flags lacks CUR_ARENA_SOFTFAIL, in which case the
 * policy runs and the call does not return. Either way the arena is
 * unchanged by a failed call.
 *
 * The fast path (enough room in the current chunk, align <= 64) is inline:
 * a subtraction, a mask, a compare and the zeroing stores.
 */
static inline void *cur_arena_alloc(cur_arena_t *a, ptrdiff_t size,
                                    ptrdiff_t align, ptrdiff_t count,
                                    int flags)
{
#if !CUR__ARENA_ASAN
    ptrdiff_t total;
    if (CUR_LIKELY(size > 0 && count > 0 && align > 0 &&
                   align <= CUR__ARENA_FAST_ALIGN &&
                   (align & (align - 1)) == 0 &&
                   (flags & ~(CUR_ARENA_NOZERO | CUR_ARENA_SOFTFAIL)) == 0 &&
                   !__builtin_mul_overflow(size, count, &total))) {
        /* Bump down: off >= 0 before, total > 0, so no overflow here. */
        ptrdiff_t off = (a->off - total) & -align;
        if (CUR_LIKELY(off >= 0)) {
            char *p = a->base + off;
            a->off = off;
            if (!(flags & CUR_ARENA_NOZERO))
                __builtin_memset(p, 0, (size_t)total);
            return p;
        }
    }
#endif
    return cur__arena_alloc_slow(a, size, align, count, flags);
}

/*
 * cur_arena_alloc_into: like cur_arena_alloc, for library-style code:
 * returns 0 and stores the block's address in the pointer object `out`
 * points to (any object pointer type; use CUR_ARENA_NEW_INTO, which checks
 * the type), or returns CUR_EINVAL, CUR_EOVERFLOW or CUR_ENOMEM and leaves
 * *out alone. Never runs the OOM policy. Also records the reason for
 * cur_arena_error. out must not be NULL.
 */
CUR_API int cur_arena_alloc_into(cur_arena_t *a, ptrdiff_t size,
                                 ptrdiff_t align, ptrdiff_t count, int flags,
                                 void *out);

/*
 * cur_arena_error: the reason the most recent failed allocation through
 * this arena handle failed (CUR_EINVAL, CUR_EOVERFLOW or CUR_ENOMEM), or 0
 * if none has failed since init or reset. Successful calls leave it alone,
 * as they leave errno alone.
 */
static inline int cur_arena_error(const cur_arena_t *a) { return a->error; }

/*
 * Typed allocation. T is a type name; the macros compute sizeof and
 * _Alignof, so no call site does size arithmetic. count is a ptrdiff_t
 * checked for overflow. They evaluate `a` and `count` once.
 *
 *   T *p = CUR_ARENA_NEW(a, T);                 one zeroed T
 *   T *v = CUR_ARENA_NEW_ARRAY(a, T, n);        n zeroed Ts
 *   T *q = CUR_ARENA_NEW_NOZERO(a, T);          one T, not zeroed
 *   T *w = CUR_ARENA_NEW_ARRAY_NOZERO(a, T, n); n Ts, not zeroed
 *   T *x = CUR_ARENA_NEW_EX(a, T, n, flags);    any flags
 *   rc = CUR_ARENA_NEW_INTO(a, T, n, flags, &ptr);  int-returning form
 */
#define CUR_ARENA_NEW_EX(a, T, count, flags)                                 \
    ((T *)cur_arena_alloc((a), CUR_SIZEOF(T), (ptrdiff_t)_Alignof(T),        \
                          (count), (flags)))
#define CUR_ARENA_NEW(a, T) CUR_ARENA_NEW_EX(a, T, 1, 0)
#define CUR_ARENA_NEW_ARRAY(a, T, count) CUR_ARENA_NEW_EX(a, T, count, 0)
#define CUR_ARENA_NEW_NOZERO(a, T) CUR_ARENA_NEW_EX(a, T, 1, CUR_ARENA_NOZERO)
#define CUR_ARENA_NEW_ARRAY_NOZERO(a, T, count)                              \
    CUR_ARENA_NEW_EX(a, T, count, CUR_ARENA_NOZERO)
#define CUR_ARENA_NEW_INTO(a, T, count, flags, out)                          \
    cur_arena_alloc_into((a), CUR_SIZEOF(T), (ptrdiff_t)_Alignof(T),         \
                         (count), (flags),                                   \
                         ((void)sizeof(*(out) = (T *)0), (void *)(out)))

/* ------------------------------------------------------------------------ */
/* Checkpoints                                                              */
/* ------------------------------------------------------------------------ */

/*
 * cur_arena_save: a mark of the arena as it is now. Cheap (a struct copy)
 * and never fails. a must not be NULL.
 */
static inline cur_arena_mark_t cur_arena_save(cur_arena_t *a)
{
    cur_arena_mark_t m = {a, *a};
    return m;
}

/*
 * cur_arena_restore: ends every allocation made through m->arena (and
 * through copies of it) since the mark was taken: the arena's pointer
 * goes back exactly where it was. Chunks added since are kept for reuse
 * (so a loop that crosses a chunk boundary calls the hook only the first
 * time; cur_arena_trim gives them back), except chunks made for a single
 * large block, which are freed. The recorded error is kept.
 *
 * Panics if the mark's region has already ended (an older mark was
 * restored, or the arena was reset). Takes a pointer so that it can be a
 * `cleanup` function (CUR_ARENA_SCRATCH). Never fails.
 */
CUR_API void cur_arena_restore(cur_arena_mark_t *m);

/* ------------------------------------------------------------------------ */
/* Per-thread scratch arenas                                                */
/* ------------------------------------------------------------------------ */

/*
 * cur_arena_scratch: one of this thread's two scratch arenas, the one that
 * is not `conflict` (compared by identity, so a by-value copy of a scratch
 * arena counts as that arena). conflict may be NULL or any arena. Created
 * on first use, chunks from the default hook; never fails (allocation
 * from it may). The arena lives until the thread exits or
 * cur_arena_scratch_release.
 *
 * Use it through CUR_ARENA_SCRATCH, which restores a mark at scope end.
 * Pass the arena your function allocates its results in as conflict, so
 * scratch work never lands in the caller's result arena (Ryan Fleury's
 * scratch pattern). Do not destroy it and do not pass it to another
 * thread.
 */
CUR_API cur_arena_t *cur_arena_scratch(const cur_arena_t *conflict);

/*
 * CUR_ARENA_SCRATCH(name, conflict): declares `cur_arena_mark_t name`, a
 * mark on a scratch arena that is not conflict; allocate through
 * name.arena. At the end of the enclosing block the `cleanup` attribute
 * restores the mark, ending everything allocated there:
 *
 *     CUR_ARENA_SCRATCH(tmp, perm);
 *     int *counts = CUR_ARENA_NEW_ARRAY(tmp.arena, int, n);
 *
 * A panic skips cleanup handlers (panic.h); the next restore of an outer
 * mark, or the thread's exit, reclaims the memory.
 */
#define CUR_ARENA_SCRATCH(name, conflict)                                    \
    __attribute__((cleanup(cur_arena_restore))) cur_arena_mark_t name =      \
        cur_arena_save(cur_arena_scratch(conflict))

/*
 * cur_arena_scratch_release: frees the chunks of this thread's scratch
 * arenas now (thread exit does it too). No mark or copy of them may be in
 * use. They can be used again afterwards.
 */
CUR_API void cur_arena_scratch_release(void);

/* ------------------------------------------------------------------------ */
/* Out-of-memory policy and statistics                                      */
/* ------------------------------------------------------------------------ */

/*
 * cur_arena_set_oom: what a failing cur_arena_alloc (without
 * CUR_ARENA_SOFTFAIL) does, for this arena and all copies of it:
 *   CUR_ARENA_OOM_RETURN  return NULL (the default; jmp is ignored);
 *   CUR_ARENA_OOM_ABORT   panic with the reason: the panic hook reports it
 *                         and the process aborts, unless a
 *                         cur_catch_unwind boundary stops the panic;
 *   CUR_ARENA_OOM_JUMP    longjmp(*jmp, code) with code the negative
 *                         CUR_E* reason; jmp must not be NULL.
 * The arena is unchanged when the policy runs, so the code at setjmp may
 * keep using it. A jmp_buf belongs to the frame that called setjmp: set
 * the policy back to RETURN before that frame returns. For application
 * code only: library functions never depend on it.
 */
CUR_API void cur_arena_set_oom(cur_arena_t *a, cur_arena_oom_t policy,
                               jmp_buf *jmp);

/*
 * cur_arena_stats: bytes used (as seen through this handle), bytes
 * reserved from the hook and the number of chunks (shared by all copies).
 * All zero for a zeroed arena. In AddressSanitizer builds `used` includes
 * the red zones.
 */
CUR_API cur_arena_stats_t cur_arena_stats(const cur_arena_t *a);

#endif /* CURRICULUM_ARENA_H */
