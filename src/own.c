/*
 * src/own.c: type descriptors and Box.
 *
 * Invariants of a box:
 *   - one block from b->alloc, of block_size(type) bytes, starting
 *     b->offset bytes before the header (offset is 0 unless the type asks
 *     for more alignment than the hook guarantees);
 *   - the value starts right after the header (sizeof(struct cur_box) is a
 *     multiple of the hook's alignment, and the header is placed so that
 *     the value lands on type->align) and is always initialised: filled on
 *     creation, dropped exactly once, by cur_box_free, or moved out by
 *     cur_box_into_inner, after which the block is freed;
 *   - type passed cur_type_check when the box was made.
 */
#include <curriculum/own.h>

#include <curriculum/panic.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "core_int.h"
#include "own_int.h"

struct cur_box {
    _Alignas(max_align_t) const cur_type_t *type; /* the value's type */
    const cur_alloc_t *alloc; /* the hook the block came from */
    ptrdiff_t offset;         /* header address - block address */
};

/* The alignment every block from an allocator hook has. */
#define HOOK_ALIGN ((ptrdiff_t)alignof(max_align_t))

_Static_assert(sizeof(struct cur_box) % alignof(max_align_t) == 0,
               "the value after the header must be max-aligned");

int cur_type_check(const cur_type_t *t)
{
    CUR_ASSERT(t != NULL);
    if (t->size < 0) return CUR_EINVAL;
    if (t->align <= 0 || t->align > CUR_TYPE_MAX_ALIGN ||
        (t->align & (t->align - 1)) != 0)
        return CUR_EINVAL;
    if (t->copy && t->drop) return CUR_EINVAL;
    return 0;
}

bool cur_type_is_clone(const cur_type_t *t)
{
    CUR_ASSERT(t != NULL);
    return t->copy || t->clone != NULL;
}

int cur_type_clone(const cur_type_t *t, void *dst, const void *src,
                   const cur_alloc_t *a)
{
    CUR_ASSERT(t != NULL && dst != NULL && src != NULL);
    if (t->copy) {
        memcpy(dst, src, (size_t)t->size);
        return 0;
    }
    if (!t->clone) return CUR_ENOTSUP;
    int rc = t->clone(dst, src, cur__hook(a));
    return rc < 0 ? rc : 0;
}

void cur_type_drop(const cur_type_t *t, void *value, const cur_alloc_t *a)
{
    CUR_ASSERT(t != NULL);
    if (value && t->drop) t->drop(value, cur__hook(a));
}

/*
 * The block size for a header of hdr bytes followed by a value of type t:
 * the hook aligns blocks to HOOK_ALIGN, so a more aligned value needs
 * align - HOOK_ALIGN bytes of slack to slide the header forward.
 */
static int block_size(const cur_type_t *t, ptrdiff_t hdr, ptrdiff_t *out)
{
    int rc = cur_type_check(t);
    if (rc < 0) return rc;
    ptrdiff_t slack = t->align > HOOK_ALIGN ? t->align - HOOK_ALIGN : 0;
    ptrdiff_t n;
    if (__builtin_add_overflow(hdr, t->size, &n) ||
        __builtin_add_overflow(n, slack, &n))
        return CUR_EOVERFLOW;
    *out = n;
    return 0;
}

/* Where the header goes inside a block, so the value after it is aligned. */
static ptrdiff_t header_offset(const void *block, ptrdiff_t hdr,
                               ptrdiff_t align)
{
    uintptr_t at = (uintptr_t)block + (uintptr_t)hdr;
    uintptr_t value = (at + (uintptr_t)align - 1) & ~((uintptr_t)align - 1);
    return (ptrdiff_t)(value - at);
}

int cur__typed_block_alloc(const cur_alloc_t *a, const cur_type_t *t,
                           ptrdiff_t hdr, void **header, ptrdiff_t *offset)
{
    ptrdiff_t size;
    int rc = block_size(t, hdr, &size);
    if (rc < 0) return rc;
    char *block = cur__alloc(a, size);
    if (!block) return CUR_ENOMEM;
    ptrdiff_t off = header_offset(block, hdr, t->align);
    /* Only a hook that breaks its alignment promise can get here. */
    CUR_ASSERT(off + hdr + t->size <= size);
    *header = block + off;
    *offset = off;
    return 0;
}

void cur__typed_block_free(const cur_alloc_t *a, const cur_type_t *t,
                           ptrdiff_t hdr, void *header, ptrdiff_t offset)
{
    ptrdiff_t size = 0;
    (void)block_size(t, hdr, &size);
    cur__free(a, (char *)header - offset, size);
}

static void *value_of(const cur_box_t *b)
{
    return (char *)(uintptr_t)b + sizeof(struct cur_box);
}

/* An uninitialised box for t, or a negative code. */
static int box_alloc(cur_box_t **out, const cur_alloc_t *a,
                     const cur_type_t *t)
{
    a = cur__hook(a);
    void *hdr;
    ptrdiff_t off;
    int rc = cur__typed_block_alloc(a, t, CUR_SIZEOF(struct cur_box), &hdr, &off);
    if (rc < 0) return rc;
    cur_box_t *b = hdr;
    b->type = t;
    b->alloc = a;
    b->offset = off;
    *out = b;
    return 0;
}

/* Frees b's block without dropping the value. */
static void box_dealloc(cur_box_t *b)
{
    cur__typed_block_free(b->alloc, b->type, CUR_SIZEOF(struct cur_box), b,
                          b->offset);
}

int cur_box_new(cur_box_t **out, const cur_alloc_t *a, const cur_type_t *t,
                const void *init)
{
    CUR_ASSERT(out != NULL && t != NULL);
    cur_box_t *b;
    int rc = box_alloc(&b, a, t);
    if (rc < 0) return rc;
    if (init)
        memcpy(value_of(b), init, (size_t)t->size);
    else
        memset(value_of(b), 0, (size_t)t->size);
    *out = b;
    return 0;
}

void cur_box_free(cur_box_t *b)
{
    if (!b) return;
    cur_type_drop(b->type, value_of(b), b->alloc);
    box_dealloc(b);
}

const void *cur_box_get(const cur_box_t *b)
{
    CUR_ASSERT(b != NULL);
    return value_of(b);
}

void *cur_box_get_mut(cur_box_t *b)
{
    CUR_ASSERT(b != NULL);
    return value_of(b);
}

const cur_type_t *cur_box_type(const cur_box_t *b)
{
    CUR_ASSERT(b != NULL);
    return b->type;
}

int cur_box_clone(cur_box_t **out, const cur_box_t *b)
{
    CUR_ASSERT(out != NULL && b != NULL);
    if (!cur_type_is_clone(b->type)) return CUR_ENOTSUP;
    cur_box_t *c;
    int rc = box_alloc(&c, b->alloc, b->type);
    if (rc < 0) return rc;
    rc = cur_type_clone(b->type, value_of(c), value_of(b), b->alloc);
    if (rc < 0) {
        box_dealloc(c); /* the clone function left nothing to drop */
        return rc;
    }
    *out = c;
    return 0;
}

void cur_box_into_inner(cur_box_t *b, void *out)
{
    CUR_ASSERT(b != NULL && out != NULL);
    memcpy(out, value_of(b), (size_t)b->type->size);
    box_dealloc(b);
}

void cur_box_cleanup(cur_box_t **slot)
{
    CUR_ASSERT(slot != NULL);
    cur_box_free(*slot);
    *slot = NULL;
}
