/*
 * src/vec.c: the out-of-line part of the generic vector (lesson mc-04.2):
 * the growth policy and the calls to the allocator hook. Everything typed
 * lives in include/curriculum/vec.h, generated per element type.
 *
 * Invariants of a vector (kept by the generated code and by these
 * functions, which see it as data, len, cap and an element size):
 *   - data == NULL if and only if cap == 0; otherwise data is an
 *     allocation of exactly cap * elem_size bytes from the vector's hook,
 *     and that product fits in a ptrdiff_t;
 *   - 0 <= len <= cap;
 *   - every error path leaves data, len and cap as they were on entry
 *     (the hook's resize keeps the old block valid when it fails).
 */
#include <curriculum/vec.h>

#include "core_int.h"

/* Rust's RawVec minimum non-zero capacity, by element size. */
static ptrdiff_t min_cap(ptrdiff_t elem_size)
{
    if (elem_size == 1) return 8;
    if (elem_size <= 1024) return 4;
    return 1;
}

int cur_vec_grow_capacity(ptrdiff_t cap, ptrdiff_t need, ptrdiff_t elem_size,
                          ptrdiff_t *out)
{
    CUR_ASSERT(out != NULL);
    if (elem_size <= 0 || cap < 0 || need < 0) return CUR_EINVAL;
    ptrdiff_t max = PTRDIFF_MAX / elem_size;
    if (need > max) return CUR_EOVERFLOW;
    if (need <= cap) {
        *out = cap;
        return 0;
    }
    ptrdiff_t n = cap > max / 2 ? max : 2 * cap;
    if (n < need) n = need;
    ptrdiff_t lo = min_cap(elem_size);
    if (n < lo) n = lo < max ? lo : max;
    *out = n;
    return 0;
}

int cur__vec_grow(const cur_alloc_t *a, void *data, ptrdiff_t len,
                  ptrdiff_t cap, ptrdiff_t additional, ptrdiff_t elem_size,
                  bool exact, void **out_data, ptrdiff_t *out_cap)
{
    CUR_ASSERT(out_data != NULL && out_cap != NULL);
    CUR_ASSERT(elem_size > 0 && len >= 0 && len <= cap &&
               (data != NULL) == (cap > 0));
    if (additional < 0) return CUR_EINVAL;
    if (additional > PTRDIFF_MAX - len) return CUR_EOVERFLOW;
    ptrdiff_t need = len + additional, n;
    if (exact) {
        if (need > PTRDIFF_MAX / elem_size) return CUR_EOVERFLOW;
        n = need > cap ? need : cap;
    } else {
        int rc = cur_vec_grow_capacity(cap, need, elem_size, &n);
        if (rc != 0) return rc;
    }
    if (n == cap) {
        *out_data = data;
        *out_cap = cap;
        return 0;
    }
    /* n * elem_size <= PTRDIFF_MAX: both paths above checked it. */
    void *p = cur__resize(a, data, cap * elem_size, n * elem_size);
    if (!p) return CUR_ENOMEM;
    *out_data = p;
    *out_cap = n;
    return 0;
}

int cur__vec_shrink(const cur_alloc_t *a, void *data, ptrdiff_t len,
                    ptrdiff_t cap, ptrdiff_t elem_size, void **out_data,
                    ptrdiff_t *out_cap)
{
    CUR_ASSERT(out_data != NULL && out_cap != NULL);
    CUR_ASSERT(elem_size > 0 && len >= 0 && len <= cap &&
               (data != NULL) == (cap > 0));
    if (len == cap) {
        *out_data = data;
        *out_cap = cap;
        return 0;
    }
    if (len == 0) {
        cur__free(a, data, cap * elem_size);
        *out_data = NULL;
        *out_cap = 0;
        return 0;
    }
    void *p = cur__resize(a, data, cap * elem_size, len * elem_size);
    if (!p) return CUR_ENOMEM;
    *out_data = p;
    *out_cap = len;
    return 0;
}

void cur__vec_free(const cur_alloc_t *a, void *data, ptrdiff_t cap,
                   ptrdiff_t elem_size)
{
    if (data) cur__free(a, data, cap * elem_size);
}
