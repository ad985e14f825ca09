/*
 * curriculum/own.h: single ownership. Type descriptors (what a value needs
 * to be dropped and cloned), Box (a unique owner on the heap), moves as
 * take-and-null, and scope-bound cleanup as Drop.
 *
 *   Rust                          C
 *   struct T + impl Drop/Clone    cur_type_t: size, align, drop, clone
 *   #[derive(Clone, Copy)]        cur_type_t with .copy = true
 *   Box::new(v)                   cur_box_new(&b, alloc, &T_type, &v)
 *   &*b, &mut *b                  cur_box_get(b), cur_box_get_mut(b)
 *   drop(b)                       cur_box_free(b)
 *   b.clone()                     cur_box_clone(&b2, b)
 *   *b (move out)                 cur_box_into_inner(b, &v)
 *   let b2 = b; (a move)          b2 = CUR_MOVE(b);   (b becomes NULL)
 *   end of scope runs Drop        CUR_BOX_AUTO(b);    (cleanup attribute)
 *
 * Ownership in one paragraph: a cur_box_t has exactly one owner, the
 * variable holding the pointer. Copying the pointer does not copy the box;
 * it makes a second name for the same box, and exactly one of them may be
 * freed. CUR_MOVE makes the transfer visible: it hands the pointer on and
 * nulls the source, so a later free of the source is a harmless no-op
 * (cur_box_free(NULL) does nothing). Rust checks this at compile time; in
 * C it is the caller's discipline, and a double free is caught only by
 * tools (ASan, the test allocator).
 *
 * Errors follow error.h. Misuse (a NULL box or descriptor where the
 * contract forbids it) is a contract violation and panics.
 *
 * Thread safety, for the whole header: a box is a plain owned value with
 * no internal locking. It may be moved to another thread (handed over with
 * its pointer), and any number of threads may read it at once while nobody
 * writes it. Type descriptors are immutable and may be shared freely.
 */
#ifndef CURRICULUM_OWN_H
#define CURRICULUM_OWN_H

#include "core.h"

/* ------------------------------------------------------------------------ */
/* Type descriptors                                                         */
/* ------------------------------------------------------------------------ */

/*
 * cur_type_drop_fn: releases what a value owns (Rust's Drop::drop). value
 * points at the value inside its container; the container frees its own
 * memory afterwards, so drop must not free value itself. a is the
 * allocator the container was made with (never NULL: the default hook
 * stands in for NULL), for values whose parts were allocated with it.
 * Must not fail. Runs exactly once per value.
 */
typedef void (*cur_type_drop_fn)(void *value, const cur_alloc_t *a);

/*
 * cur_type_clone_fn: makes dst an independent copy of src (Rust's
 * Clone::clone). dst is uninitialised storage of the type's size and
 * alignment. Returns 0, or a negative CUR_E* code (CUR_ENOMEM when an
 * allocation through a failed); on failure dst must own nothing (free what
 * was built so far), because it will not be dropped. a is the container's
 * allocator, as for drop.
 */
typedef int (*cur_type_clone_fn)(void *dst, const void *src,
                                 const cur_alloc_t *a);

/*
 * cur_type_t: what a container needs to know about the values it holds.
 * Rust derives this from the type; in C it is written once per type,
 * usually as a static const object with CUR_TYPE_INIT or
 * CUR_TYPE_COPY_INIT, and shared by every container of that type.
 *
 * Rules (checked by every function that creates a container, which
 * returns CUR_EINVAL when one is broken):
 *   - size >= 0; align is a power of two, at most CUR_TYPE_MAX_ALIGN;
 *   - copy == true means the type is Copy: a byte copy is a correct clone
 *     and there is nothing to drop, so drop must be NULL (Rust forbids Copy
 *     with Drop for the same reason) and clone is ignored;
 *   - otherwise drop may be NULL (nothing to release) and clone may be
 *     NULL, which makes the type not Clone: cloning it is CUR_ENOTSUP.
 *
 * Lifetime: a descriptor must outlive every container made with it.
 * Immutable once in use; thread-safe to share.
 */
typedef struct cur_type {
    const char *name;        /* for messages; NULL reads as "?" */
    ptrdiff_t size;          /* sizeof the value, >= 0 */
    ptrdiff_t align;         /* _Alignof the value, a power of two */
    cur_type_drop_fn drop;   /* NULL: nothing to release */
    cur_type_clone_fn clone; /* NULL: not Clone (unless copy) */
    bool copy;               /* Copy: byte copy clones, no drop */
} cur_type_t;

/* The largest alignment a descriptor may ask for. */
#define CUR_TYPE_MAX_ALIGN 4096

/*
 * CUR_TYPE_INIT(T, drop, clone): the initializer of a descriptor for the
 * C type T, with its name, size and alignment filled in:
 *     static const cur_type_t person_type =
 *         CUR_TYPE_INIT(person_t, person_drop, person_clone);
 * CUR_TYPE_COPY_INIT(T) is the same for a plain-value (Copy) type.
 */
#define CUR_TYPE_INIT(T, drop_fn, clone_fn)                                  \
    {.name = #T,                                                             \
     .size = (ptrdiff_t)sizeof(T),                                           \
     .align = (ptrdiff_t)_Alignof(T),                                        \
     .drop = (drop_fn),                                                      \
     .clone = (clone_fn),                                                    \
     .copy = false}
#define CUR_TYPE_COPY_INIT(T)                                                \
    {.name = #T,                                                             \
     .size = (ptrdiff_t)sizeof(T),                                           \
     .align = (ptrdiff_t)_Alignof(T),                                        \
     .drop = NULL,                                                           \
     .clone = NULL,                                                          \
     .copy = true}

/*
 * cur_type_check: 0 if t follows the rules above, CUR_EINVAL if not.
 * t must not be NULL (panics). Thread-safe.
 */
CUR_API int cur_type_check(const cur_type_t *t);

/* True if values of t can be cloned (t->copy, or t->clone is set). */
CUR_API bool cur_type_is_clone(const cur_type_t *t);

/*
 * cur_type_clone: clones the value at src into the uninitialised storage
 * dst, following t: a byte copy for Copy types, t->clone otherwise. a is
 * passed on to the clone function (NULL: the default hook). Returns 0;
 * CUR_ENOTSUP if t is not Clone; or the clone function's error, in which
 * case dst owns nothing. t, dst and src must not be NULL (panics).
 */
CUR_API int cur_type_clone(const cur_type_t *t, void *dst, const void *src,
                           const cur_alloc_t *a);

/*
 * cur_type_drop: drops the value at value following t (calls t->drop if
 * set). a is passed on (NULL: the default hook). Does not free value.
 * A NULL value is a no-op; t must not be NULL.
 */
CUR_API void cur_type_drop(const cur_type_t *t, void *value,
                           const cur_alloc_t *a);

/* ------------------------------------------------------------------------ */
/* Moves                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * CUR_MOVE(p): the value of the pointer lvalue p, with p set to NULL: the
 * take-and-null move (Rust's `let q = p;` after which p is unusable, or
 * Option::take). p is evaluated once, so CUR_MOVE(arr[i++]) is fine. Use
 * it wherever ownership changes hands, so that the old name cannot free
 * or use what it no longer owns:
 *     consume(CUR_MOVE(b));    b is NULL from here on
 */
#define CUR_MOVE(p)                                                          \
    __extension__({                                                          \
        __typeof__(p) *cur_mv_src_ = &(p);                                   \
        __typeof__(p) cur_mv_val_ = *cur_mv_src_;                            \
        *cur_mv_src_ = NULL;                                                 \
        cur_mv_val_;                                                         \
    })

/* ------------------------------------------------------------------------ */
/* Box                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * cur_box_t: a unique owner of one value on the heap (Rust's Box<T>). The
 * value is stored inline after a small header that remembers its type
 * descriptor and allocator, at the type's alignment. Opaque.
 */
typedef struct cur_box cur_box_t;

/*
 * cur_box_new: allocates a box for one value of type t through a (NULL:
 * the default hook), fills it from init and stores the box in *out.
 *
 * init points at t->size bytes that are moved into the box: a byte copy,
 * after which the box owns whatever the value owned and the caller must
 * not drop its copy. A NULL init zero-fills the value.
 *
 * Returns 0; CUR_EINVAL if t breaks the descriptor rules; CUR_EOVERFLOW if
 * t->size is too large to allocate; CUR_ENOMEM. *out is written only on
 * success. out and t must not be NULL (panics).
 *
 * Ownership: the caller owns the new box and must cur_box_free it (or move
 * it on). t and a must outlive it.
 */
CUR_API CUR_NODISCARD int cur_box_new(cur_box_t **out, const cur_alloc_t *a,
                                      const cur_type_t *t, const void *init);

/*
 * cur_box_free: drops the value (t->drop, once) and frees the box (Rust's
 * drop(b)). NULL is a no-op, so freeing a moved-from (nulled) variable is
 * harmless. The box and every pointer into it are invalid afterwards.
 */
CUR_API void cur_box_free(cur_box_t *b);

/*
 * cur_box_get: a shared borrow of the value (&*b): read it, do not write
 * it. cur_box_get_mut: an exclusive borrow (&mut *b). Both are valid until
 * the box is freed or moved out of, and aligned to t->align. b must not be
 * NULL (panics). Rust stops a second &mut or a write through & at compile
 * time; here const is the only help.
 */
CUR_API const void *cur_box_get(const cur_box_t *b);
CUR_API void *cur_box_get_mut(cur_box_t *b);

/* The descriptor b was created with. b must not be NULL. */
CUR_API const cur_type_t *cur_box_type(const cur_box_t *b);

/*
 * cur_box_clone: a new box holding a clone of b's value (Rust's
 * b.clone()), made with b's type and allocator, stored in *out.
 * Returns 0; CUR_ENOTSUP if the type is not Clone (nothing is allocated);
 * CUR_ENOMEM; or the clone function's own error. *out is written only on
 * success; b is never changed. out and b must not be NULL (panics).
 * The caller owns the clone.
 */
CUR_API CUR_NODISCARD int cur_box_clone(cur_box_t **out, const cur_box_t *b);

/*
 * cur_box_into_inner: moves the value out of b into out (t->size bytes)
 * and frees the box without dropping the value, which the caller now owns
 * (Rust's `let v = *b;`). Consumes b. b and out must not be NULL (panics).
 */
CUR_API void cur_box_into_inner(cur_box_t *b, void *out);

/*
 * cur_box_cleanup: frees *slot and sets it to NULL. It is the function
 * CUR_BOX_AUTO registers with the cleanup attribute; it can also be called
 * directly. slot must not be NULL; *slot may be.
 */
CUR_API void cur_box_cleanup(cur_box_t **slot);

/*
 * CUR_BOX_AUTO(name): declares `cur_box_t *name = NULL` that is freed when
 * the enclosing block ends, by return, break, goto or falling off the end
 * (the cleanup attribute plays Drop). Move the box out with CUR_MOVE(name)
 * to keep it alive; the nulled variable then frees nothing.
 *     CUR_BOX_AUTO(b);
 *     if (cur_box_new(&b, NULL, &point_type, &p) < 0) return -1;
 *     ...                      freed here, whatever path leaves the block
 * A panic is not a path out of the block: it jumps past it, and the box
 * leaks (see panic.h; register an unwind guard where that matters).
 */
#define CUR_BOX_AUTO(name)                                                   \
    __attribute__((cleanup(cur_box_cleanup))) cur_box_t *name = NULL

#endif /* CURRICULUM_OWN_H */
