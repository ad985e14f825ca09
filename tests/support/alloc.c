/*
 * The test allocator. Every block carries a 16-byte header holding its size
 * and a magic word, so that release and resize can check the size the
 * library claims against the size it was given; a mismatch or a double free
 * aborts the test on the spot.
 *
 * Invariants: live_bytes and live_count equal the sums over blocks handed
 * out and not yet released; fail_at counts down once per alloc or resize
 * call while armed and fires when it reaches 1.
 */
#include "support/alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 16
#define MAGIC_LIVE 0x5ca1ab1eu
#define MAGIC_DEAD 0xdeadbeefu

struct hdr {
    ptrdiff_t size;
    unsigned magic;
};

static _Atomic ptrdiff_t live_bytes;
static _Atomic ptrdiff_t live_count;
static _Atomic ptrdiff_t calls;
static _Atomic ptrdiff_t fail_countdown; /* 0: disarmed */
static _Atomic bool fail_sticky;
static _Atomic bool fired;

static bool should_fail(void)
{
    atomic_fetch_add(&calls, 1);
    ptrdiff_t k = atomic_load(&fail_countdown);
    while (k > 0) {
        if (k == 1) {
            if (atomic_load(&fail_sticky) ||
                atomic_compare_exchange_weak(&fail_countdown, &k, 0)) {
                atomic_store(&fired, true);
                return true;
            }
            continue;
        }
        if (atomic_compare_exchange_weak(&fail_countdown, &k, k - 1))
            return false;
    }
    return false;
}

static struct hdr *header_of(void *p, ptrdiff_t claimed)
{
    struct hdr *h = (struct hdr *)(void *)((char *)p - HDR);
    if (h->magic != MAGIC_LIVE) {
        fprintf(stderr, "test allocator: %p is not a live block%s\n", p,
                h->magic == MAGIC_DEAD ? " (double free)" : "");
        abort();
    }
    if (h->size != claimed) {
        fprintf(stderr, "test allocator: %p has size %td, caller said %td\n",
                p, h->size, claimed);
        abort();
    }
    return h;
}

static void *raw_alloc(ptrdiff_t size)
{
    char *p = malloc((size_t)size + HDR);
    if (!p) return NULL;
    struct hdr *h = (struct hdr *)(void *)p;
    h->size = size;
    h->magic = MAGIC_LIVE;
    memset(p + HDR, 0xa5, (size_t)size); /* catch reliance on zeroing */
    atomic_fetch_add(&live_bytes, size);
    atomic_fetch_add(&live_count, 1);
    return p + HDR;
}

static void *t_alloc(void *ctx, ptrdiff_t size)
{
    (void)ctx;
    if (size < 0 || should_fail()) return NULL;
    return raw_alloc(size);
}

static void t_release(void *ctx, void *ptr, ptrdiff_t size)
{
    (void)ctx;
    if (!ptr) return;
    struct hdr *h = header_of(ptr, size);
    h->magic = MAGIC_DEAD;
    atomic_fetch_sub(&live_bytes, size);
    atomic_fetch_sub(&live_count, 1);
    free(h);
}

static void *t_resize(void *ctx, void *ptr, ptrdiff_t old_size,
                      ptrdiff_t new_size)
{
    if (!ptr) return t_alloc(ctx, new_size);
    header_of(ptr, old_size);
    if (new_size < 0 || should_fail()) return NULL;
    /* Always move, so that code keeping a stale pointer is caught. */
    void *q = raw_alloc(new_size);
    if (!q) return NULL;
    memcpy(q, ptr, (size_t)(old_size < new_size ? old_size : new_size));
    t_release(ctx, ptr, old_size);
    return q;
}

const cur_alloc_t cur_test_alloc = {
    .alloc = t_alloc,
    .resize = t_resize,
    .release = t_release,
    .ctx = NULL,
};

ptrdiff_t cur_test_live_bytes(void) { return atomic_load(&live_bytes); }
ptrdiff_t cur_test_live_count(void) { return atomic_load(&live_count); }
ptrdiff_t cur_test_alloc_calls(void) { return atomic_load(&calls); }
bool cur_test_failure_fired(void) { return atomic_load(&fired); }

void cur_test_fail_at(ptrdiff_t k, bool sticky)
{
    atomic_store(&fired, false);
    atomic_store(&fail_sticky, sticky);
    atomic_store(&fail_countdown, k < 0 ? 0 : k);
}

void cur_test_alloc_reset(void)
{
    cur_test_fail_at(0, false);
    atomic_store(&calls, 0);
}

#define LIMIT ((ptrdiff_t)1 << 20)

static void *lim_alloc(void *ctx, ptrdiff_t size)
{
    return size > LIMIT ? NULL : t_alloc(ctx, size);
}

static void *lim_resize(void *ctx, void *ptr, ptrdiff_t old_size,
                        ptrdiff_t new_size)
{
    return new_size > LIMIT ? NULL : t_resize(ctx, ptr, old_size, new_size);
}

const cur_alloc_t cur_test_alloc_limited = {
    .alloc = lim_alloc,
    .resize = lim_resize,
    .release = t_release,
    .ctx = NULL,
};
