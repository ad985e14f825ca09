/*
 * src/arena.c: chunked bump arenas, checkpoints, per-thread scratch arenas.
 *
 * Layout. A chunk is one block from the allocator hook:
 *
 *   [chunk header][owner, first chunk only][pad to 64][ bump region      ]
 *   ^ chunk                                 ^ base              top ^
 *
 * Allocation moves down from the top: the free part of the current region
 * is [base, base + off), and an allocation of total bytes at alignment
 * `align` sets off = (off - total) & -align. Because base is 64-aligned,
 * masking the offset aligns the address, which keeps the inline fast path
 * to one subtraction, one mask and one compare (nullprogram's downward
 * bump). A request larger than a quarter of a chunk that does not fit the
 * current region gets a chunk of its own ("dedicated"), which never
 * becomes the bump region, so the room left in the current one is kept.
 *
 * The owner is what all copies of one arena share: the list of chunks, the
 * hook, the policy and the counters. An arena made by cur_arena_init keeps
 * its owner inside its first chunk (the "home" chunk), so the cur_arena_t
 * can be copied and moved freely; the scratch arenas keep theirs in
 * thread-local storage.
 *
 * Invariants:
 *   - owner->head is the newest chunk; every chunk's prev is the chunk
 *     allocated before it, so the list is in creation order and a chunk's
 *     serial is larger than those of all chunks behind it. Serials are
 *     unique per owner, including reused spares, so a stale pointer that
 *     happens to equal a live chunk is still told apart.
 *   - A valid view (cur_arena_t) has head somewhere in owner's list, with
 *     serial == head->serial; cur is head or older, or NULL before the
 *     first chunk; base..base+off lies in cur's region. Chunks newer than a
 *     view's head belong to copies that have returned: they are garbage for
 *     that view, freed by its next growth, restore or reset.
 *   - Chunks leave the list when their region ends (restore, reset,
 *     growth past garbage). Normal-sized ones go to owner->spares and stay
 *     there, poisoned, until growth reuses them or trim/destroy frees them:
 *     an arena keeps its high-water capacity, as a Vec keeps its capacity
 *     after clear(). Dedicated chunks go straight back to the hook.
 *   - owner->reserved and owner->chunks count every chunk held, spares
 *     included; used_before counts bytes handed out in chunks of this
 *     view's list other than cur.
 *   - A failed allocation changes nothing but view->error (garbage
 *     reclamation may run first; it frees only memory no live view uses).
 *   - ASan builds: every byte of a bump region that is not handed out is
 *     poisoned; a block is unpoisoned when handed out and poisoned again
 *     when its region ends. Blocks are at least 8-aligned (one shadow
 *     granule) and followed by a red zone of REDZONE bytes. Memory is
 *     unpoisoned before it goes back to the hook.
 */
#include <curriculum/arena.h>

#include <pthread.h>
#include <string.h>

#include <curriculum/panic.h>

#include "core_int.h"

#if CUR__ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE ((ptrdiff_t)16)
#define MIN_ALIGN ((ptrdiff_t)8)
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (size_t)(n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (size_t)(n))
#else
#define REDZONE ((ptrdiff_t)0)
#define MIN_ALIGN ((ptrdiff_t)1)
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define FAST_ALIGN CUR__ARENA_FAST_ALIGN
#define ALL_FLAGS (CUR_ARENA_NOZERO | CUR_ARENA_SOFTFAIL)

struct cur_arena_chunk {
    struct cur_arena_chunk *prev; /* the chunk allocated before, or NULL */
    ptrdiff_t size;               /* bytes from the hook, header included */
    uint64_t serial;              /* creation number, unique per owner */
};

struct cur_arena_owner {
    struct cur_arena_chunk *head;   /* newest chunk in use */
    struct cur_arena_chunk *spares; /* retained normal chunks, via prev */
    struct cur_arena_chunk *home;  /* chunk holding this struct, or NULL */
    const cur_alloc_t *alloc;      /* the hook (NULL: default) */
    ptrdiff_t chunk_size;          /* size of a normal chunk */
    ptrdiff_t reserved;            /* bytes of every chunk held */
    ptrdiff_t chunks;              /* chunks held, spares included */
    uint64_t serial;               /* last serial handed out */
    jmp_buf *jmp;                  /* for CUR_ARENA_OOM_JUMP */
    cur_arena_oom_t policy;        /* what a failing alloc does */
    bool scratch;                  /* a per-thread scratch arena */
};

#define HDR CUR_SIZEOF(struct cur_arena_chunk)

static uintptr_t align_up(uintptr_t p, ptrdiff_t align)
{
    return (p + (uintptr_t)align - 1) & ~((uintptr_t)align - 1);
}

static uintptr_t align_down(uintptr_t p, ptrdiff_t align)
{
    return p & ~((uintptr_t)align - 1);
}

/* The first byte of c's bump region. */
static char *region_base(const struct cur_arena_owner *o,
                         struct cur_arena_chunk *c)
{
    uintptr_t p = (uintptr_t)(c + 1);
    if (c == o->home) p += sizeof(struct cur_arena_owner);
    return (char *)align_up(p, FAST_ALIGN);
}

/* One past the last byte of c's bump region (64-aligned, see below). */
static char *region_top(struct cur_arena_chunk *c)
{
    return (char *)align_down((uintptr_t)c + (uintptr_t)c->size, FAST_ALIGN);
}

/*
 * Makes c the (empty) bump region of view a; a->head is left alone. The
 * top is 64-aligned too, so that objects whose size is a multiple of 64
 * start on cache lines.
 */
static void enter_region(cur_arena_t *a, struct cur_arena_chunk *c)
{
    a->cur = c;
    a->base = region_base(a->owner, c);
    a->off = region_top(c) - a->base;
}

/* Bytes handed out in a's current region. */
static ptrdiff_t used_in_cur(const cur_arena_t *a)
{
    return a->cur ? region_top(a->cur) - (a->base + a->off) : 0;
}

/* --- chunks -------------------------------------------------------------- */

static void release_chunk(struct cur_arena_owner *o,
                          struct cur_arena_chunk *c)
{
    ptrdiff_t size = c->size;
    UNPOISON(c, size);
    o->reserved -= size;
    o->chunks--;
    cur__free(o->alloc, c, size);
}

/*
 * A chunk whose region ended: normal chunks are kept as spares (the arena's
 * capacity, reused by the next growth, returned by trim and destroy);
 * dedicated chunks go back to the hook at once.
 */
static void recycle(struct cur_arena_owner *o, struct cur_arena_chunk *c)
{
    if (c->size == o->chunk_size && c != o->home) {
        POISON(c + 1, c->size - HDR);
        c->prev = o->spares;
        o->spares = c;
        return;
    }
    release_chunk(o, c);
}

static void release_spares(struct cur_arena_owner *o)
{
    while (o->spares) {
        struct cur_arena_chunk *c = o->spares;
        o->spares = c->prev;
        release_chunk(o, c);
    }
}

/* A new chunk of size bytes, linked as the newest; NULL if the hook fails. */
static struct cur_arena_chunk *new_chunk(struct cur_arena_owner *o,
                                         ptrdiff_t size)
{
    struct cur_arena_chunk *c;
    if (o->spares && size == o->chunk_size) {
        c = o->spares;
        o->spares = c->prev;
    } else {
        c = cur__alloc(o->alloc, size);
        if (!c) return NULL;
        c->size = size;
        o->reserved += size;
        o->chunks++;
        POISON(c + 1, size - HDR);
    }
    c->serial = ++o->serial;
    c->prev = o->head;
    o->head = c;
    return c;
}

/*
 * Frees the chunks newer than `keep` (which has serial `serial`, or is NULL
 * for "all"). Panics if keep is not in the list: the view or mark it came
 * from is stale.
 */
static void release_newer(struct cur_arena_owner *o,
                          struct cur_arena_chunk *keep, uint64_t serial)
{
    struct cur_arena_chunk *c = o->head;
    while (c != keep) {
        if (!c)
            CUR_PANIC("arena: mark or arena copy used after its region "
                      "ended (restore out of order, or after reset)");
        c = c->prev;
    }
    if (keep && keep->serial != serial)
        CUR_PANIC("arena: mark or arena copy used after its region ended "
                  "(its chunk was freed and reused)");
    while (o->head != keep) {
        c = o->head;
        o->head = c->prev;
        recycle(o, c);
    }
}

/* --- allocation ---------------------------------------------------------- */

static int check_args(ptrdiff_t size, ptrdiff_t align, ptrdiff_t count,
                      int flags, ptrdiff_t *total)
{
    if (flags & ~ALL_FLAGS) return CUR_EINVAL;
    if (size <= 0 || count < 0) return CUR_EINVAL;
    if (align <= 0 || (align & (align - 1)) || align > CUR_ARENA_MAX_ALIGN)
        return CUR_EINVAL;
    if (__builtin_mul_overflow(size, count, total) ||
        *total > CUR_ARENA_MAX_SIZE)
        return CUR_EOVERFLOW;
    return 0;
}

/* Bumps total (+ red zone) bytes in a's current region; NULL if no room. */
static char *bump(cur_arena_t *a, ptrdiff_t total, ptrdiff_t align)
{
    if (!a->cur) return NULL;
    ptrdiff_t need = total + (total ? REDZONE : 0);
    if (need > a->off) return NULL;
    uintptr_t p = align_down((uintptr_t)(a->base + a->off) - (uintptr_t)need,
                             align);
    if (p < (uintptr_t)a->base) return NULL;
    a->off = (ptrdiff_t)(p - (uintptr_t)a->base);
    return (char *)p;
}

/* A chunk of its own for one large block. */
static int alloc_dedicated(cur_arena_t *a, ptrdiff_t total, ptrdiff_t align,
                           char **out)
{
    struct cur_arena_owner *o = a->owner;
    /* The hook's blocks are 16-aligned, so c + 1 is at least 8-aligned. */
    ptrdiff_t slack = align > 8 ? align - 8 : 0;
    ptrdiff_t size = HDR + slack + total; /* total <= MAX_SIZE: no overflow */
    struct cur_arena_chunk *c = cur__alloc(o->alloc, size);
    if (!c) return CUR_ENOMEM;
    c->size = size;
    o->reserved += size;
    o->chunks++;
    c->serial = ++o->serial;
    c->prev = o->head;
    o->head = c;
    a->head = c;
    a->serial = c->serial;
    a->used_before += total;
    *out = (char *)align_up((uintptr_t)(c + 1), align);
    return 0;
}

static int grow(cur_arena_t *a, ptrdiff_t total, ptrdiff_t align, char **out)
{
    struct cur_arena_owner *o = a->owner;
    /* Chunks newer than this view belong to copies that have returned. */
    release_newer(o, a->head, a->serial);

    /* Room in a fresh normal chunk, counted pessimistically. */
    ptrdiff_t room = o->chunk_size - HDR - (FAST_ALIGN - 1);
    ptrdiff_t need = total + REDZONE + (align > FAST_ALIGN ? align : 0);
    if (need > room / 4) return alloc_dedicated(a, total, align, out);

    struct cur_arena_chunk *c = new_chunk(o, o->chunk_size);
    if (!c) return CUR_ENOMEM;
    a->used_before += used_in_cur(a);
    a->head = c;
    a->serial = c->serial;
    enter_region(a, c);
    *out = bump(a, total, align);
    CUR_ASSERT(*out != NULL);
    return 0;
}

static int alloc_core(cur_arena_t *a, ptrdiff_t size, ptrdiff_t align,
                      ptrdiff_t count, int flags, void **out)
{
    CUR_ASSERT(a != NULL);
    if (!a->owner)
        CUR_PANIC("arena: allocation from an arena that was never "
                  "initialized or was destroyed");
    ptrdiff_t total;
    int rc = check_args(size, align, count, flags, &total);
    if (rc) return a->error = rc;
    if (align < MIN_ALIGN) align = MIN_ALIGN;

    char *p = bump(a, total, align);
    if (!p) {
        rc = grow(a, total, align, &p);
        if (rc) return a->error = rc;
    }
    UNPOISON(p, total);
    if (!(flags & CUR_ARENA_NOZERO)) memset(p, 0, (size_t)total);
    *out = p;
    return 0;
}

static CUR_NORETURN void run_policy(struct cur_arena_owner *o, int rc,
                                    ptrdiff_t size, ptrdiff_t count)
{
    if (o->policy == CUR_ARENA_OOM_JUMP) longjmp(*o->jmp, rc);
    CUR_PANIC("arena: allocation of %td x %td bytes failed: %s (%s)", count,
              size, cur_strerror(rc), cur_err_name(rc));
}

void *cur__arena_alloc_slow(cur_arena_t *a, ptrdiff_t size, ptrdiff_t align,
                            ptrdiff_t count, int flags)
{
    void *p;
    int rc = alloc_core(a, size, align, count, flags, &p);
    if (CUR_LIKELY(rc == 0)) return p;
    if (!(flags & CUR_ARENA_SOFTFAIL) &&
        a->owner->policy != CUR_ARENA_OOM_RETURN)
        run_policy(a->owner, rc, size, count);
    return NULL;
}

int cur_arena_alloc_into(cur_arena_t *a, ptrdiff_t size, ptrdiff_t align,
                         ptrdiff_t count, int flags, void *out)
{
    CUR_ASSERT(out != NULL);
    void *p;
    int rc = alloc_core(a, size, align, count, flags, &p);
    /*
     * out points to a pointer object of the caller's type; object pointers
     * share one representation on every platform the library supports.
     */
    if (rc == 0) memcpy(out, &p, sizeof p);
    return rc;
}

/* --- lifecycle ----------------------------------------------------------- */

int cur_arena_init(cur_arena_t *a, const cur_alloc_t *alloc,
                   ptrdiff_t chunk_size)
{
    CUR_ASSERT(a != NULL);
    *a = (cur_arena_t){0};
    if (chunk_size == 0) chunk_size = CUR_ARENA_DEFAULT_CHUNK;
    if (chunk_size < CUR_ARENA_MIN_CHUNK) return CUR_EINVAL;
    struct cur_arena_chunk *c = cur__alloc(alloc, chunk_size);
    if (!c) return CUR_ENOMEM;
    *c = (struct cur_arena_chunk){.prev = NULL, .size = chunk_size,
                                  .serial = 1};
    struct cur_arena_owner *o = (struct cur_arena_owner *)(void *)(c + 1);
    *o = (struct cur_arena_owner){
        .head = c,
        .home = c,
        .alloc = alloc,
        .chunk_size = chunk_size,
        .reserved = chunk_size,
        .chunks = 1,
        .serial = 1,
    };
    a->owner = o;
    a->head = c;
    a->serial = 1;
    enter_region(a, c);
    POISON(a->base, a->off);
    return 0;
}

/* Frees every chunk of o; the home chunk (holding o) last. */
static void release_all(struct cur_arena_owner *o)
{
    struct cur_arena_chunk *home = o->home;
    while (o->head) {
        struct cur_arena_chunk *c = o->head;
        o->head = c->prev;
        if (c != home) release_chunk(o, c);
    }
    release_spares(o);
    if (home) release_chunk(o, home); /* o is gone after this */
}

void cur_arena_destroy(cur_arena_t *a)
{
    if (!a || !a->owner) return;
    if (a->owner->scratch)
        CUR_PANIC("arena: a scratch arena belongs to its thread; use "
                  "cur_arena_scratch_release");
    release_all(a->owner);
    *a = (cur_arena_t){0};
}

void cur_arena_reset(cur_arena_t *a)
{
    CUR_ASSERT(a != NULL);
    struct cur_arena_owner *o = a->owner;
    if (!o) return;
    struct cur_arena_chunk *keep = NULL;
    while (o->head) {
        struct cur_arena_chunk *c = o->head;
        o->head = c->prev;
        if (!c->prev) keep = c;
        else recycle(o, c);
    }
    *a = (cur_arena_t){.owner = o};
    if (!keep) return;
    /* A new serial: marks taken before the reset are stale now. */
    keep->serial = ++o->serial;
    keep->prev = NULL;
    o->head = keep;
    a->head = keep;
    a->serial = keep->serial;
    enter_region(a, keep);
    POISON(a->base, a->off);
}

void cur_arena_trim(cur_arena_t *a)
{
    CUR_ASSERT(a != NULL);
    if (a->owner) release_spares(a->owner);
}

void cur_arena_restore(cur_arena_mark_t *m)
{
    CUR_ASSERT(m != NULL && m->arena != NULL);
    cur_arena_t *a = m->arena;
    const cur_arena_t *s = &m->saved;
    CUR_ASSERT(a->owner == s->owner);
    if (!s->owner) return;
    if (a->head == s->head && a->serial == s->serial &&
        (a->cur != s->cur || a->off > s->off))
        CUR_PANIC("arena: mark restored after an older one (out of order)");
    release_newer(s->owner, s->head, s->serial);
    int error = a->error;
    *a = *s;
    a->error = error;
    if (a->cur) POISON(a->base, a->off);
}

/* --- statistics and policy ----------------------------------------------- */

cur_arena_stats_t cur_arena_stats(const cur_arena_t *a)
{
    cur_arena_stats_t st = {0, 0, 0};
    if (!a || !a->owner) return st;
    st.used = a->used_before + used_in_cur(a);
    st.reserved = a->owner->reserved;
    st.chunks = a->owner->chunks;
    return st;
}

void cur_arena_set_oom(cur_arena_t *a, cur_arena_oom_t policy, jmp_buf *jmp)
{
    CUR_ASSERT(a != NULL && a->owner != NULL);
    CUR_ASSERT(policy == CUR_ARENA_OOM_RETURN ||
               policy == CUR_ARENA_OOM_ABORT ||
               policy == CUR_ARENA_OOM_JUMP);
    CUR_ASSERT(policy != CUR_ARENA_OOM_JUMP || jmp != NULL);
    a->owner->policy = policy;
    a->owner->jmp = policy == CUR_ARENA_OOM_JUMP ? jmp : NULL;
}

/* --- per-thread scratch arenas ------------------------------------------- */

/*
 * Two per thread, so that a function can always get one that is not the
 * arena its caller passed in. The pthread key only exists to run the
 * destructor at thread exit; its value is never read.
 */
struct scratch_tls {
    cur_arena_t arena[2];
    struct cur_arena_owner owner[2];
    bool ready;
};

static _Thread_local struct scratch_tls scratch_tls;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_key_ok;

static void scratch_free(struct scratch_tls *t)
{
    for (int i = 0; i < 2; i++) {
        struct cur_arena_owner *o = &t->owner[i];
        release_all(o);
        t->arena[i] = (cur_arena_t){.owner = o};
    }
}

static void scratch_thread_exit(void *arg)
{
    struct scratch_tls *t = arg;
    scratch_free(t);
    t->ready = false;
}

static void scratch_make_key(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_thread_exit) == 0;
}

cur_arena_t *cur_arena_scratch(const cur_arena_t *conflict)
{
    struct scratch_tls *t = &scratch_tls;
    if (CUR_UNLIKELY(!t->ready)) {
        for (int i = 0; i < 2; i++) { /* empty whenever !ready */
            t->owner[i] = (struct cur_arena_owner){
                .chunk_size = CUR_ARENA_DEFAULT_CHUNK,
                .scratch = true,
            };
            t->arena[i] = (cur_arena_t){.owner = &t->owner[i]};
        }
        pthread_once(&scratch_once, scratch_make_key);
        /* Without the key the chunks are freed only by release. */
        if (scratch_key_ok) (void)pthread_setspecific(scratch_key, t);
        t->ready = true;
    }
    if (conflict && conflict->owner == &t->owner[0]) return &t->arena[1];
    return &t->arena[0];
}

void cur_arena_scratch_release(void)
{
    if (scratch_tls.ready) scratch_free(&scratch_tls);
}
