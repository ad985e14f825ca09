/*
 * src/core_int.h: internals shared by the library's modules (not API).
 *
 * cur__alloc and friends route through a cur_alloc_t, with NULL meaning the
 * C library. They reject negative sizes (bad input, never a huge request)
 * and report overflowed element counts as failure, so callers need no size
 * arithmetic of their own.
 */
#ifndef CUR_SRC_CORE_INT_H
#define CUR_SRC_CORE_INT_H

#include <curriculum/core.h>
#include <curriculum/error.h>

static inline const cur_alloc_t *cur__hook(const cur_alloc_t *a)
{
    return a ? a : cur_alloc_default();
}

/* size bytes, or NULL for size < 0 or exhaustion. size 0 allocates 1. */
static inline void *cur__alloc(const cur_alloc_t *a, ptrdiff_t size)
{
    if (size < 0) return NULL;
    a = cur__hook(a);
    return a->alloc(a->ctx, size ? size : 1);
}

/* count * size bytes, or NULL if the product overflows or is negative. */
static inline void *cur__alloc_array(const cur_alloc_t *a, ptrdiff_t count,
                                     ptrdiff_t size)
{
    ptrdiff_t n;
    if (count < 0 || size < 0 || __builtin_mul_overflow(count, size, &n))
        return NULL;
    return cur__alloc(a, n);
}

/* Sizes of 0 stand for the 1 byte cur__alloc really asked for. */
static inline void *cur__resize(const cur_alloc_t *a, void *p,
                                ptrdiff_t old_size, ptrdiff_t new_size)
{
    if (new_size < 0 || old_size < 0) return NULL;
    if (!p) return cur__alloc(a, new_size);
    a = cur__hook(a);
    return a->resize(a->ctx, p, old_size ? old_size : 1,
                     new_size ? new_size : 1);
}

static inline void cur__free(const cur_alloc_t *a, void *p, ptrdiff_t size)
{
    if (!p) return;
    a = cur__hook(a);
    a->release(a->ctx, p, size ? size : 1);
}

#endif /* CUR_SRC_CORE_INT_H */
