/*
 * src/alloc.c: the default allocator hook. It is the C library's malloc
 * family, or, in a build made with `make ALLOC=jemalloc`, jemalloc's
 * mallocx/rallocx/sdallocx, which take the sizes the hook interface hands
 * back (sized deallocation skips jemalloc's size lookup on free).
 */
#include <stdlib.h>

#include "core_int.h"

#if CUR_ALLOC_JEMALLOC
#include <jemalloc/jemalloc.h>

static void *dflt_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    return size <= 0 ? NULL : mallocx((size_t)size, 0);
}

static void *dflt_resize(void *ctx, void *ptr, ptrdiff_t old_size,
                         ptrdiff_t new_size)
{
    (void)ctx;
    (void)old_size;
    if (new_size <= 0) return NULL;
    return ptr ? rallocx(ptr, (size_t)new_size, 0) : mallocx((size_t)new_size, 0);
}

static void dflt_release(void *ctx, void *ptr, ptrdiff_t size)
{
    (void)ctx;
    if (ptr) sdallocx(ptr, (size_t)size, 0);
}
#else
static void *dflt_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    return size < 0 ? NULL : malloc((size_t)size);
}

static void *dflt_resize(void *ctx, void *ptr, ptrdiff_t old_size,
                         ptrdiff_t new_size)
{
    (void)ctx;
    (void)old_size;
    return new_size < 0 ? NULL : realloc(ptr, (size_t)new_size);
}

static void dflt_release(void *ctx, void *ptr, ptrdiff_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}
#endif

static const cur_alloc_t default_hook = {
    .alloc = dflt_alloc,
    .resize = dflt_resize,
    .release = dflt_release,
    .ctx = NULL,
};

const cur_alloc_t *cur_alloc_default(void) { return &default_hook; }
