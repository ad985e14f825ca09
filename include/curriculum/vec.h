/*
 * curriculum/vec.h: a type-generic growable vector (Rust's Vec<T>),
 * generated per element type by a macro.
 *
 *     CUR_VEC_DECLARE(vec_i32, int32_t);
 *
 * declares the type vec_i32_t and a family of static inline functions
 * vec_i32_init, vec_i32_push, vec_i32_get, ... whose parameters are typed:
 * pushing a double into a vec_i32_t is a conversion warning, pushing a
 * struct is a compile error. That is Rust's monomorphisation done by the
 * preprocessor: each instantiation is its own code, checked for its own T.
 * The growth policy and the allocator calls are shared, out of line, in
 * src/vec.c (cur_vec_grow_capacity below), so instantiations stay small.
 *
 *   Rust                         C (for CUR_VEC_DECLARE(vec_i32, int32_t))
 *   Vec::new()                   vec_i32_init(&v, alloc)  (or a zeroed struct)
 *   Vec::with_capacity(n)        vec_i32_with_capacity(&v, alloc, n)
 *   v.push(x)                    vec_i32_push(&v, x)      -> 0 / CUR_ENOMEM
 *   v.pop()                      vec_i32_pop(&v, &x)      -> bool
 *   v.get(i)                     vec_i32_get(&v, i)       -> pointer or NULL
 *   v[i]                         vec_i32_at(&v, i)        (checked in debug)
 *   v.insert(i, x) / remove(i)   vec_i32_insert / vec_i32_remove -> CUR_ERANGE
 *   v.swap_remove(i)             vec_i32_swap_remove
 *   v.extend_from_slice(s)       vec_i32_extend_from_slice(&v, p, n)
 *   v.sort_unstable_by(f)        vec_i32_sort(&v, cmp)
 *   v.iter() / iter_mut()        vec_i32_iter / vec_i32_iter_mut + _next
 *   drop(v)                      vec_i32_destroy(&v)
 *
 * Where Rust panics on an index (v.insert(9, x) on a short vector), these
 * functions return CUR_ERANGE: an index is data and often comes from input.
 * Only vec_i32_at, the counterpart of v[i], trusts the caller (a
 * CUR_ASSERT in builds with CUR_DEBUG >= 1, nothing in release builds).
 *
 * Ownership: the vector owns its buffer, allocated through the cur_alloc_t
 * given at init (NULL: the default hook). Elements are copied in and out by
 * value (a byte copy, like Rust's Copy); a vector of pointers owns the
 * pointers, not what they point to. Copying the struct moves the vector:
 * afterwards exactly one copy may be used and destroyed.
 *
 * Arenas: pass any cur_alloc_t, including one that allocates from an arena
 * (docs/vec.md shows the ten-line adapter). Growth then leaves the old
 * buffers in the arena until its region ends; destroy is optional there.
 *
 * Borrowing: every pointer into the vector (data, the results of get, at,
 * first, last, iterators) is invalidated by any call that may reallocate
 * (push, insert, reserve, extend, resize, shrink, clone into it) and, for
 * the elements it moves or drops, by remove, truncate, clear and sort. Rust
 * rejects such a use at compile time; in C it is the caller's rule. In
 * translation units compiled with CUR_DEBUG >= 1 an iterator panics when
 * the vector was changed (in length, order or buffer) while it was live:
 * every mutating call bumps a generation counter that the iterator checks.
 *
 * Requirements on T (checked at compile time): sizeof(T) > 0 and
 * _Alignof(T) <= _Alignof(max_align_t), the alignment every allocator hook
 * provides. T is any complete object type; pointer and array types work
 * as written (the macro uses __typeof__).
 *
 * Errors follow error.h: 0 on success, a negative CUR_E* code on failure,
 * and on failure the vector is exactly as it was and still usable. A NULL
 * vector pointer, or a NULL slice with a positive length, is a contract
 * violation and panics.
 *
 * Thread safety: none inside. A vector is a plain value with one owner:
 * one thread may modify it, or any number may read it while nobody
 * modifies it (Rust's Send + Sync for Vec<T>). The allocator hook must be
 * thread-safe if the vector moves between threads.
 */
#ifndef CURRICULUM_VEC_H
#define CURRICULUM_VEC_H

#include <stddef.h>
#include <string.h>

#include "core.h"
#include "error.h"

/* ------------------------------------------------------------------------ */
/* The shared growth policy                                                 */
/* ------------------------------------------------------------------------ */

/*
 * cur_vec_grow_capacity: the capacity a vector holding cap elements of
 * elem_size bytes grows to when it needs room for `need` elements in all
 * (Rust's RawVec policy): the largest of need, twice cap, and a minimum of
 * 8 elements for 1-byte elements, 4 for elements up to 1 KiB and 1 above,
 * clamped to the most elements whose bytes fit in a ptrdiff_t. Stores it
 * in *out and returns 0; CUR_EINVAL for elem_size <= 0, cap < 0 or
 * need < 0; CUR_EOVERFLOW if need elements do not fit in PTRDIFF_MAX
 * bytes. need <= cap stores cap. out must not be NULL. Pure; thread-safe.
 */
CUR_API int cur_vec_grow_capacity(ptrdiff_t cap, ptrdiff_t need,
                                  ptrdiff_t elem_size, ptrdiff_t *out);

/*
 * Internal (not API): the out-of-line allocation paths the generated code
 * calls. cur__vec_grow makes room for len + additional elements (exactly,
 * or by cur_vec_grow_capacity), storing the buffer and capacity through
 * out_data and out_cap only on success; data is left valid on failure.
 * cur__vec_shrink reallocates to exactly len elements (freeing when len is
 * 0). cur__vec_free frees a buffer of cap elements.
 */
CUR_API int cur__vec_grow(const cur_alloc_t *a, void *data, ptrdiff_t len,
                          ptrdiff_t cap, ptrdiff_t additional,
                          ptrdiff_t elem_size, bool exact, void **out_data,
                          ptrdiff_t *out_cap);
CUR_API int cur__vec_shrink(const cur_alloc_t *a, void *data, ptrdiff_t len,
                            ptrdiff_t cap, ptrdiff_t elem_size,
                            void **out_data, ptrdiff_t *out_cap);
CUR_API void cur__vec_free(const cur_alloc_t *a, void *data, ptrdiff_t cap,
                           ptrdiff_t elem_size);

/* Internal: floor(log2(n)) for n > 0, the sort's depth budget. */
static inline int cur__vec_log2(ptrdiff_t n)
{
    return 63 - __builtin_clzll((unsigned long long)n | 1ull);
}

/* Internal: the panic of an iterator whose container changed under it. */
#define CUR__ITER_CHECK(it_gen, obj_gen, what)                               \
    do {                                                                     \
        if (CUR_DEBUG >= 1 && CUR_UNLIKELY((it_gen) != (obj_gen)))           \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "%s modified while an iterator over it was live",   \
                         what);                                              \
    } while (0)

/*
 * CUR_VEC_FOREACH(p, v): a loop over the elements of the vector *v (any
 * instantiation), declaring p as a pointer to each element in turn:
 *
 *     CUR_VEC_FOREACH(p, &scores) total += *p;
 *
 * v is evaluated more than once; the vector must not change in the loop
 * (no generation check here: use the _iter functions for that).
 */
#define CUR_VEC_FOREACH(p, v)                                                \
    CUR__VEC_FOREACH(p, v, CUR__CAT(cur_vec_end_, __COUNTER__))
#define CUR__VEC_FOREACH(p, v, end)                                          \
    for (__typeof__((v)->data) p = (v)->data, end = p ? p + (v)->len : p;    \
         p != end; p++)

/* ------------------------------------------------------------------------ */
/* The declaration macro                                                    */
/* ------------------------------------------------------------------------ */

#define CUR__VEC_FN __attribute__((unused)) static inline
#define CUR__VEC_COLD __attribute__((unused, noinline, cold)) static

/*
 * CUR_VEC_DECLARE(name, T): declares, at file scope,
 *
 *   name_t            the vector of T (the struct below)
 *   name_iter_t       a shared iterator (yields const T *)
 *   name_iter_mut_t   an exclusive iterator (yields T *)
 *
 * and the functions listed after the struct, each with a comment. Use it
 * once per name in a translation unit, at file scope, with a semicolon
 * after it, usually in a header of the program's own; every function is
 * static inline, so each unit that includes it gets its own copy, and the
 * linker never sees the names.
 *
 * The struct (embed it anywhere; a zeroed one is a valid empty vector that
 * allocates with the default hook):
 *
 *   T *data         the elements [0, len); NULL until the first
 *                   allocation. Read-only API: read it, write elements
 *                   through it, never assign it.
 *   ptrdiff_t len   the number of elements. Read-only API.
 *   (private)       cap, alloc, gen: use name_capacity.
 *
 * Functions (v is a name_t *, never NULL; x is a T):
 *
 *   void name_init(v, const cur_alloc_t *a)
 *       An empty vector that will allocate with a (NULL: default hook).
 *       Allocates nothing; cannot fail. Overwrites *v without freeing.
 *   int  name_with_capacity(v, a, ptrdiff_t n)
 *       name_init, then room for exactly n elements. 0; CUR_EINVAL for
 *       n < 0; CUR_EOVERFLOW; CUR_ENOMEM. On failure *v is an empty,
 *       initialised vector (destroying it is harmless).
 *   void name_destroy(v)
 *       Frees the buffer; leaves an empty vector with the same allocator.
 *       NULL, a zeroed vector and a destroyed one are no-ops.
 *   int  name_clone(name_t *out, const name_t *src)
 *       A new vector in *out (uninitialised storage) with a byte copy of
 *       src's elements and src's allocator; capacity src->len. 0 or
 *       CUR_ENOMEM (then *out is not written).
 *
 *   ptrdiff_t name_len(const v), name_capacity(const v); bool name_is_empty
 *       Length; elements it holds without reallocating; len == 0.
 *
 *   int  name_reserve(v, ptrdiff_t additional)
 *       Room for at least `additional` more elements, growing by the
 *       policy of cur_vec_grow_capacity (amortised O(1) pushes).
 *       0; CUR_EINVAL for additional < 0; CUR_EOVERFLOW if len +
 *       additional elements do not fit; CUR_ENOMEM.
 *   int  name_reserve_exact(v, ptrdiff_t additional)
 *       The same, growing to exactly len + additional.
 *   int  name_shrink_to_fit(v)
 *       Capacity down to len (freed when len is 0). 0 or CUR_ENOMEM.
 *
 *   int  name_push(v, x)
 *       Appends x. 0; CUR_EOVERFLOW; CUR_ENOMEM. The fast path (room
 *       left) is a compare and a store.
 *   bool name_pop(v, T *out)
 *       Removes the last element into *out (out may be NULL) and returns
 *       true; false for an empty vector, *out untouched.
 *   int  name_insert(v, ptrdiff_t i, x)
 *       Inserts x at i (0 <= i <= len), shifting the tail right. 0;
 *       CUR_ERANGE for a bad i; CUR_EOVERFLOW; CUR_ENOMEM.
 *   int  name_remove(v, ptrdiff_t i, T *out)
 *       Removes element i (0 <= i < len) into *out (may be NULL),
 *       shifting the tail left: O(len - i). 0 or CUR_ERANGE.
 *   int  name_swap_remove(v, ptrdiff_t i, T *out)
 *       The same in O(1): the last element takes i's place.
 *   int  name_extend_from_slice(v, const T *src, ptrdiff_t n)
 *       Appends src[0..n). src may point into v itself. 0; CUR_EINVAL for
 *       n < 0; CUR_EOVERFLOW; CUR_ENOMEM. src may be NULL only if n == 0.
 *   int  name_resize(v, ptrdiff_t n, x)
 *       Length n: truncates, or appends copies of x. 0; CUR_EINVAL for
 *       n < 0; CUR_EOVERFLOW; CUR_ENOMEM.
 *   int  name_truncate(v, ptrdiff_t n)
 *       Keeps the first n elements (no effect if n >= len). 0 or
 *       CUR_EINVAL for n < 0. Never reallocates.
 *   void name_clear(v)
 *       Length 0; the capacity is kept.
 *
 *   const T *name_get(const v, ptrdiff_t i); T *name_get_mut(v, i)
 *       A pointer to element i, or NULL when i is out of range (negative
 *       included): Rust's Option<&T>, where NULL is None.
 *   const T *name_first(const v), *name_last(const v)
 *       The first / last element, or NULL when empty.
 *   T    name_at(const v, ptrdiff_t i)
 *       Element i by value (Rust's v[i]). The index is trusted: checked
 *       with CUR_ASSERT only when CUR_DEBUG >= 1.
 *
 *   void name_sort(v, int (*cmp)(const T *a, const T *b))
 *       Sorts in place by cmp (negative, 0, positive as for qsort):
 *       introsort (quicksort, median of three, insertion sort below 17
 *       elements, heapsort past 2 log2(n) levels), so O(n log n) in the
 *       worst case, no allocation, not stable (Rust's sort_unstable_by).
 *       cmp must be a consistent total order and must not touch v.
 *
 *   name_iter_t name_iter(const v)
 *   bool name_iter_next(name_iter_t *it, const T **item)
 *   name_iter_mut_t name_iter_mut(v)
 *   bool name_iter_mut_next(name_iter_mut_t *it, T **item)
 *       Iteration in index order: next stores a pointer to the next
 *       element and returns true, or returns false at the end. The
 *       iterator borrows v: elements may be written through an _iter_mut
 *       item, but the vector must not be changed (CUR_DEBUG >= 1 builds
 *       panic in next if it was).
 */
#define CUR_VEC_DECLARE(name, T)                                             \
    _Static_assert(sizeof(T) > 0,                                            \
                   "CUR_VEC_DECLARE(" #name ", " #T "): the element type "   \
                   "must have a size");                                      \
    _Static_assert(_Alignof(T) <= _Alignof(max_align_t),                     \
                   "CUR_VEC_DECLARE(" #name ", " #T "): the element type's " \
                   "alignment exceeds what an allocator hook guarantees");   \
                                                                             \
    typedef struct name {                                                    \
        __typeof__(T) *data;      /* elements [0, len); read-only API */     \
        ptrdiff_t len;            /* element count; read-only API */         \
        /* private */                                                        \
        ptrdiff_t cap;            /* elements the buffer holds */            \
        const cur_alloc_t *alloc; /* the hook; NULL means the default */     \
        uint32_t gen;             /* bumped by mutations (debug checks) */   \
    } name##_t;                                                              \
                                                                             \
    typedef struct name##_iter {                                             \
        const name##_t *vec; /* the vector borrowed */                       \
        ptrdiff_t pos;       /* the next index */                            \
        uint32_t gen;        /* vec->gen when the iterator was made */       \
    } name##_iter_t;                                                         \
                                                                             \
    typedef struct name##_iter_mut {                                         \
        name##_t *vec;                                                       \
        ptrdiff_t pos;                                                       \
        uint32_t gen;                                                        \
    } name##_iter_mut_t;                                                     \
                                                                             \
    CUR__VEC_FN void name##_init(name##_t *v, const cur_alloc_t *a)          \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        *v = (name##_t){.data = NULL, .len = 0, .cap = 0, .alloc = a,        \
                        .gen = 0};                                           \
    }                                                                        \
                                                                             \
    CUR__VEC_FN void name##_destroy(name##_t *v)                             \
    {                                                                        \
        if (!v) return;                                                      \
        cur__vec_free(v->alloc, v->data, v->cap, CUR_SIZEOF(T));             \
        v->data = NULL;                                                      \
        v->len = 0;                                                          \
        v->cap = 0;                                                          \
        v->gen++;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN ptrdiff_t name##_len(const name##_t *v)                      \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return v->len;                                                       \
    }                                                                        \
                                                                             \
    CUR__VEC_FN ptrdiff_t name##_capacity(const name##_t *v)                 \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return v->cap;                                                       \
    }                                                                        \
                                                                             \
    CUR__VEC_FN bool name##_is_empty(const name##_t *v)                      \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return v->len == 0;                                                  \
    }                                                                        \
                                                                             \
    /* The slow path of every growth: out of line, so push stays small. */   \
    CUR__VEC_COLD int name##__grow(name##_t *v, ptrdiff_t additional,        \
                                   bool exact)                               \
    {                                                                        \
        void *p;                                                             \
        ptrdiff_t cap;                                                       \
        int rc = cur__vec_grow(v->alloc, v->data, v->len, v->cap,            \
                               additional, CUR_SIZEOF(T), exact, &p, &cap);  \
        if (rc != 0) return rc;                                              \
        v->data = (__typeof__(T) *)p;                                        \
        v->cap = cap;                                                        \
        v->gen++;                                                            \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_reserve(name##_t *v, ptrdiff_t additional)        \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (additional < 0) return CUR_EINVAL;                               \
        if (additional <= v->cap - v->len) return 0;                         \
        return name##__grow(v, additional, false);                           \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_reserve_exact(name##_t *v, ptrdiff_t additional)  \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (additional < 0) return CUR_EINVAL;                               \
        if (additional <= v->cap - v->len) return 0;                         \
        return name##__grow(v, additional, true);                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_with_capacity(name##_t *v, const cur_alloc_t *a,  \
                                         ptrdiff_t n)                        \
    {                                                                        \
        name##_init(v, a);                                                   \
        return name##_reserve_exact(v, n);                                   \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_shrink_to_fit(name##_t *v)                        \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (v->cap == v->len) return 0;                                      \
        void *p;                                                             \
        ptrdiff_t cap;                                                       \
        int rc = cur__vec_shrink(v->alloc, v->data, v->len, v->cap,          \
                                 CUR_SIZEOF(T), &p, &cap);                   \
        if (rc != 0) return rc;                                              \
        v->data = (__typeof__(T) *)p;                                        \
        v->cap = cap;                                                        \
        v->gen++;                                                            \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_clone(name##_t *out, const name##_t *src)         \
    {                                                                        \
        CUR_ASSERT(out != NULL && src != NULL);                              \
        name##_t n;                                                          \
        name##_init(&n, src->alloc);                                         \
        if (src->len > 0) {                                                  \
            int rc = name##__grow(&n, src->len, true);                       \
            if (rc != 0) return rc;                                          \
            memcpy(n.data, src->data, (size_t)src->len * sizeof(T));         \
            n.len = src->len;                                                \
        }                                                                    \
        *out = n;                                                            \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    /* Growth passes values, not v: if v's address escaped into the     \
     * out-of-line call, its fields would live in memory and every       \
     * element store could alias len, costing a reload per push.         \
     */                                                                      \
    CUR__VEC_FN int name##_push(name##_t *v, __typeof__(T) x)                \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (CUR_UNLIKELY(v->len == v->cap)) {                                \
            void *p = v->data;                                               \
            ptrdiff_t cap = v->cap;                                          \
            int rc = cur__vec_grow(v->alloc, p, v->len, cap, 1,              \
                                   CUR_SIZEOF(T), false, &p, &cap);          \
            if (rc != 0) return rc;                                          \
            v->data = (__typeof__(T) *)p;                                    \
            v->cap = cap;                                                    \
            v->gen++;                                                        \
        }                                                                    \
        v->data[v->len++] = x;                                               \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN bool name##_pop(name##_t *v, __typeof__(T) *out)             \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (v->len == 0) return false;                                       \
        v->len--;                                                            \
        if (out) *out = v->data[v->len];                                     \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return true;                                                         \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_insert(name##_t *v, ptrdiff_t i, __typeof__(T) x) \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (i < 0 || i > v->len) return CUR_ERANGE;                          \
        if (v->len == v->cap) {                                              \
            int rc = name##__grow(v, 1, false);                              \
            if (rc != 0) return rc;                                          \
        }                                                                    \
        memmove(v->data + i + 1, v->data + i,                                \
                (size_t)(v->len - i) * sizeof(T));                           \
        v->data[i] = x;                                                      \
        v->len++;                                                            \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_remove(name##_t *v, ptrdiff_t i,                  \
                                  __typeof__(T) *out)                        \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (i < 0 || i >= v->len) return CUR_ERANGE;                         \
        __typeof__(T) x = v->data[i];                                        \
        memmove(v->data + i, v->data + i + 1,                                \
                (size_t)(v->len - i - 1) * sizeof(T));                       \
        v->len--;                                                            \
        if (out) *out = x;                                                   \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_swap_remove(name##_t *v, ptrdiff_t i,             \
                                       __typeof__(T) *out)                   \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (i < 0 || i >= v->len) return CUR_ERANGE;                         \
        __typeof__(T) x = v->data[i];                                        \
        v->data[i] = v->data[v->len - 1];                                    \
        v->len--;                                                            \
        if (out) *out = x;                                                   \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_extend_from_slice(                                \
        name##_t *v, const __typeof__(T) *src, ptrdiff_t n)                  \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (n < 0) return CUR_EINVAL;                                        \
        if (n == 0) return 0;                                                \
        CUR_ASSERT(src != NULL);                                             \
        if (n > v->cap - v->len) {                                           \
            /* src may point into our own buffer, which growth moves. */    \
            uintptr_t b = (uintptr_t)v->data, s = (uintptr_t)src;            \
            bool inside = v->data != NULL && s >= b &&                       \
                          s < b + (uintptr_t)v->len * sizeof(T);             \
            ptrdiff_t off = inside ? (ptrdiff_t)((s - b) / sizeof(T)) : 0;   \
            int rc = name##__grow(v, n, false);                              \
            if (rc != 0) return rc;                                          \
            if (inside) src = v->data + off;                                 \
        }                                                                    \
        memmove(v->data + v->len, src, (size_t)n * sizeof(T));               \
        v->len += n;                                                         \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_truncate(name##_t *v, ptrdiff_t n)                \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (n < 0) return CUR_EINVAL;                                        \
        if (n < v->len) {                                                    \
            v->len = n;                                                      \
            if (CUR_DEBUG >= 1) v->gen++;                                    \
        }                                                                    \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN int name##_resize(name##_t *v, ptrdiff_t n, __typeof__(T) x) \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        if (n < 0) return CUR_EINVAL;                                        \
        if (n <= v->len) return name##_truncate(v, n);                       \
        if (n - v->len > v->cap - v->len) {                                  \
            int rc = name##__grow(v, n - v->len, false);                     \
            if (rc != 0) return rc;                                          \
        }                                                                    \
        for (ptrdiff_t i = v->len; i < n; i++) v->data[i] = x;               \
        v->len = n;                                                          \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN void name##_clear(name##_t *v)                               \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        v->len = 0;                                                          \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
    }                                                                        \
                                                                             \
    CUR__VEC_FN const __typeof__(T) *name##_get(const name##_t *v,           \
                                                ptrdiff_t i)                 \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return (size_t)i < (size_t)v->len ? v->data + i : NULL;              \
    }                                                                        \
                                                                             \
    CUR__VEC_FN __typeof__(T) *name##_get_mut(name##_t *v, ptrdiff_t i)      \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return (size_t)i < (size_t)v->len ? v->data + i : NULL;              \
    }                                                                        \
                                                                             \
    CUR__VEC_FN const __typeof__(T) *name##_first(const name##_t *v)         \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return v->len > 0 ? v->data : NULL;                                  \
    }                                                                        \
                                                                             \
    CUR__VEC_FN const __typeof__(T) *name##_last(const name##_t *v)          \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return v->len > 0 ? v->data + (v->len - 1) : NULL;                   \
    }                                                                        \
                                                                             \
    CUR__VEC_FN __typeof__(T) name##_at(const name##_t *v, ptrdiff_t i)      \
    {                                                                        \
        if (CUR_DEBUG >= 1) CUR_ASSERT(v != NULL && i >= 0 && i < v->len);   \
        return v->data[i];                                                   \
    }                                                                        \
                                                                             \
    /* Sorting: insertion sort for short ranges, heapsort as the fallback */ \
    /* that bounds the worst case, quicksort (Hoare) for the rest. */        \
    CUR__VEC_FN void name##__isort(__typeof__(T) *a, ptrdiff_t n,            \
                                   int (*cmp)(const __typeof__(T) *,         \
                                              const __typeof__(T) *))        \
    {                                                                        \
        for (ptrdiff_t i = 1; i < n; i++) {                                  \
            __typeof__(T) x = a[i];                                          \
            ptrdiff_t j = i;                                                 \
            while (j > 0 && cmp(&x, &a[j - 1]) < 0) {                        \
                a[j] = a[j - 1];                                             \
                j--;                                                         \
            }                                                                \
            a[j] = x;                                                        \
        }                                                                    \
    }                                                                        \
                                                                             \
    CUR__VEC_FN void name##__sift(__typeof__(T) *a, ptrdiff_t root,          \
                                  ptrdiff_t n,                               \
                                  int (*cmp)(const __typeof__(T) *,          \
                                             const __typeof__(T) *))         \
    {                                                                        \
        __typeof__(T) x = a[root];                                           \
        for (;;) {                                                           \
            ptrdiff_t c = 2 * root + 1;                                      \
            if (c >= n) break;                                               \
            if (c + 1 < n && cmp(&a[c], &a[c + 1]) < 0) c++;                 \
            if (cmp(&x, &a[c]) >= 0) break;                                  \
            a[root] = a[c];                                                  \
            root = c;                                                        \
        }                                                                    \
        a[root] = x;                                                         \
    }                                                                        \
                                                                             \
    CUR__VEC_FN void name##__hsort(__typeof__(T) *a, ptrdiff_t n,            \
                                   int (*cmp)(const __typeof__(T) *,         \
                                              const __typeof__(T) *))        \
    {                                                                        \
        for (ptrdiff_t i = n / 2; i-- > 0;) name##__sift(a, i, n, cmp);      \
        for (ptrdiff_t end = n - 1; end > 0; end--) {                        \
            __typeof__(T) t = a[0];                                          \
            a[0] = a[end];                                                   \
            a[end] = t;                                                      \
            name##__sift(a, 0, end, cmp);                                    \
        }                                                                    \
    }                                                                        \
                                                                             \
    __attribute__((unused)) static void name##__qsort(                       \
        __typeof__(T) *a, ptrdiff_t n,                                       \
        int (*cmp)(const __typeof__(T) *, const __typeof__(T) *), int depth) \
    {                                                                        \
        while (n > 16) {                                                     \
            if (depth-- == 0) {                                              \
                name##__hsort(a, n, cmp);                                    \
                return;                                                      \
            }                                                                \
            /* Median of three: a[0] <= a[m] <= a[n-1] bound both scans. */  \
            ptrdiff_t m = n / 2;                                             \
            __typeof__(T) t;                                                 \
            if (cmp(&a[m], &a[0]) < 0) t = a[m], a[m] = a[0], a[0] = t;      \
            if (cmp(&a[n - 1], &a[m]) < 0) {                                 \
                t = a[n - 1], a[n - 1] = a[m], a[m] = t;                     \
                if (cmp(&a[m], &a[0]) < 0) t = a[m], a[m] = a[0], a[0] = t;  \
            }                                                                \
            __typeof__(T) pivot = a[m];                                      \
            ptrdiff_t i = -1, j = n;                                         \
            for (;;) {                                                       \
                do i++;                                                      \
                while (cmp(&a[i], &pivot) < 0);                              \
                do j--;                                                      \
                while (cmp(&pivot, &a[j]) < 0);                              \
                if (i >= j) break;                                           \
                t = a[i], a[i] = a[j], a[j] = t;                             \
            }                                                                \
            /* [0, j] <= pivot <= [j+1, n); both parts are non-empty. */     \
            if (j + 1 < n - (j + 1)) {                                       \
                name##__qsort(a, j + 1, cmp, depth);                         \
                a += j + 1;                                                  \
                n -= j + 1;                                                  \
            } else {                                                         \
                name##__qsort(a + j + 1, n - (j + 1), cmp, depth);           \
                n = j + 1;                                                   \
            }                                                                \
        }                                                                    \
        name##__isort(a, n, cmp);                                            \
    }                                                                        \
                                                                             \
    CUR__VEC_FN void name##_sort(name##_t *v,                                \
                                 int (*cmp)(const __typeof__(T) *,           \
                                            const __typeof__(T) *))          \
    {                                                                        \
        CUR_ASSERT(v != NULL && cmp != NULL);                                \
        if (v->len > 1)                                                      \
            name##__qsort(v->data, v->len, cmp, 2 * cur__vec_log2(v->len));  \
        if (CUR_DEBUG >= 1) v->gen++;                                        \
    }                                                                        \
                                                                             \
    CUR__VEC_FN name##_iter_t name##_iter(const name##_t *v)                 \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return (name##_iter_t){.vec = v, .pos = 0, .gen = v->gen};           \
    }                                                                        \
                                                                             \
    CUR__VEC_FN bool name##_iter_next(name##_iter_t *it,                     \
                                      const __typeof__(T) **item)            \
    {                                                                        \
        CUR__ITER_CHECK(it->gen, it->vec->gen, "vector");                    \
        if (it->pos >= it->vec->len) return false;                           \
        *item = it->vec->data + it->pos++;                                   \
        return true;                                                         \
    }                                                                        \
                                                                             \
    CUR__VEC_FN name##_iter_mut_t name##_iter_mut(name##_t *v)               \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return (name##_iter_mut_t){.vec = v, .pos = 0, .gen = v->gen};       \
    }                                                                        \
                                                                             \
    CUR__VEC_FN bool name##_iter_mut_next(name##_iter_mut_t *it,             \
                                          __typeof__(T) **item)              \
    {                                                                        \
        CUR__ITER_CHECK(it->gen, it->vec->gen, "vector");                    \
        if (it->pos >= it->vec->len) return false;                           \
        *item = it->vec->data + it->pos++;                                   \
        return true;                                                         \
    }                                                                        \
    _Static_assert(1, "")

#endif /* CURRICULUM_VEC_H */
