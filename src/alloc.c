/*
 * src/alloc.c: the default allocator hook, the C library's malloc family.
 */
#include <stdlib.h>

#include "core_int.h"

static void *libc_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    return size < 0 ? NULL : malloc((size_t)size);
}

static void *libc_resize(void *ctx, void *ptr, ptrdiff_t old_size,
                         ptrdiff_t new_size)
{
    (void)ctx;
    (void)old_size;
    return new_size < 0 ? NULL : realloc(ptr, (size_t)new_size);
}

static void libc_release(void *ctx, void *ptr, ptrdiff_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

static const cur_alloc_t libc_hook = {
    .alloc = libc_alloc,
    .resize = libc_resize,
    .release = libc_release,
    .ctx = NULL,
};

const cur_alloc_t *cur_alloc_libc(void) { return &libc_hook; }
