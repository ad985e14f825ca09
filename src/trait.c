/*
 * src/trait.c: trait descriptors, vtable completion, boxed trait objects,
 * and the Iterator trait's sources, adaptors and consumers.
 *
 * Invariants:
 *   - a vtable is a struct whose first member is a cur_vtable_t and whose
 *     method slots are function pointers; completion moves slots as
 *     cur_fn_t with memcpy (every function pointer has one size and
 *     representation on the platforms we build for, checked below), so no
 *     slot is ever read through an lvalue of another type;
 *   - a boxed trait object is one typed block (own_int.h) holding a
 *     struct dyn_box header followed by the value at the type's alignment;
 *     the fat pointer's data is the value's address, and the header sits
 *     right before it;
 *   - every iterator made here has 1 <= item_size <= CUR_ITER_ITEM_MAX and
 *     a complete vtable, and is fused (false once, false forever);
 *   - next writes its out-param only when it returns true, so adaptors
 *     that look at an item before deciding (filter) or need the input
 *     while writing the output (map) read it into their own buffer;
 *   - nothing here allocates except cur_dyn_box_new.
 */
#include <curriculum/trait.h>

#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <stdalign.h>
#include <string.h>

#include "core_int.h"
#include "own_int.h"

_Static_assert(sizeof(cur_fn_t) == sizeof(void *),
               "method slots are moved as plain pointers");
_Static_assert(sizeof(void (*)(void)) == sizeof(bool (*)(void *, void *)),
               "all function pointers have one size");

/* ------------------------------------------------------------------------ */
/* Trait descriptors and completion                                         */
/* ------------------------------------------------------------------------ */

int cur_trait_check(const cur_trait_t *t)
{
    CUR_ASSERT(t != NULL);
    const ptrdiff_t hdr = CUR_SIZEOF(cur_vtable_t);
    const ptrdiff_t slot = CUR_SIZEOF(cur_fn_t);
    if (t->vtable_size < hdr) return CUR_EINVAL;
    if (t->n_methods < 0 || (t->n_methods > 0 && t->methods == NULL))
        return CUR_EINVAL;
    for (ptrdiff_t i = 0; i < t->n_methods; i++) {
        const cur_trait_method_t *m = &t->methods[i];
        if (m->name == NULL) return CUR_EINVAL;
        if (m->offset < hdr || m->offset > t->vtable_size - slot ||
            m->offset % (ptrdiff_t)alignof(cur_fn_t) != 0)
            return CUR_EINVAL;
        for (ptrdiff_t j = 0; j < i; j++)
            if (t->methods[j].offset == m->offset) return CUR_EINVAL;
    }
    return 0;
}

static cur_fn_t slot_get(const void *vtable, ptrdiff_t offset)
{
    cur_fn_t f;
    memcpy(&f, (const char *)vtable + offset, sizeof f);
    return f;
}

static void slot_set(void *vtable, ptrdiff_t offset, cur_fn_t f)
{
    memcpy((char *)vtable + offset, &f, sizeof f);
}

/* The first required method empty in vtable, or NULL. t is valid. */
static const cur_trait_method_t *first_missing(const cur_trait_t *t,
                                               const void *vtable)
{
    for (ptrdiff_t i = 0; i < t->n_methods; i++) {
        const cur_trait_method_t *m = &t->methods[i];
        if (m->fallback == NULL && slot_get(vtable, m->offset) == NULL)
            return m;
    }
    return NULL;
}

const char *cur_trait_missing(const cur_trait_t *t, const void *vtable)
{
    CUR_ASSERT(t != NULL && vtable != NULL);
    if (cur_trait_check(t) < 0) return NULL;
    const cur_trait_method_t *m = first_missing(t, vtable);
    return m ? m->name : NULL;
}

int cur_trait_complete(const cur_trait_t *t, void *out, const void *partial)
{
    CUR_ASSERT(t != NULL && out != NULL && partial != NULL);
    int rc = cur_trait_check(t);
    if (rc < 0) return rc;
    cur_vtable_t hdr;
    memcpy(&hdr, partial, sizeof hdr);
    if (hdr.trait != NULL && hdr.trait != t) return CUR_EINVAL;
    if (hdr.type == NULL || cur_type_check(hdr.type) < 0) return CUR_EINVAL;
    if (first_missing(t, partial)) return CUR_EINVAL;

    /* Everything checked: from here on out is written, in full. */
    memmove(out, partial, (size_t)t->vtable_size);
    hdr.trait = t;
    memcpy(out, &hdr, sizeof hdr);
    for (ptrdiff_t i = 0; i < t->n_methods; i++) {
        const cur_trait_method_t *m = &t->methods[i];
        if (slot_get(out, m->offset) == NULL)
            slot_set(out, m->offset, m->fallback);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Trait objects                                                            */
/* ------------------------------------------------------------------------ */

/* What a boxed trait object keeps in front of its value. */
struct dyn_box {
    _Alignas(max_align_t) const cur_alloc_t *alloc; /* the block's hook */
    ptrdiff_t offset; /* header address - block address */
};

_Static_assert(sizeof(struct dyn_box) % alignof(max_align_t) == 0,
               "the value after the header must be max-aligned");

int cur_dyn_box_new(void **data, const cur_vtable_t *vt, const cur_alloc_t *a,
                    const void *init)
{
    CUR_ASSERT(data != NULL && vt != NULL);
    const cur_type_t *t = vt->type;
    if (t == NULL) return CUR_EINVAL;
    a = cur__hook(a);
    void *hdr;
    ptrdiff_t off;
    int rc = cur__typed_block_alloc(a, t, CUR_SIZEOF(struct dyn_box), &hdr,
                                    &off);
    if (rc < 0) return rc;
    struct dyn_box *h = hdr;
    h->alloc = a;
    h->offset = off;
    void *value = (char *)hdr + sizeof(struct dyn_box);
    if (init)
        memcpy(value, init, (size_t)t->size);
    else
        memset(value, 0, (size_t)t->size);
    *data = value;
    return 0;
}

void cur_dyn_box_free(void *data, const cur_vtable_t *vt)
{
    if (!data) return;
    CUR_ASSERT(vt != NULL && vt->type != NULL);
    struct dyn_box *h =
        (struct dyn_box *)(void *)((char *)data - sizeof(struct dyn_box));
    const cur_alloc_t *a = h->alloc;
    cur_type_drop(vt->type, data, a);
    cur__typed_block_free(a, vt->type, CUR_SIZEOF(struct dyn_box), h,
                          h->offset);
}

void cur_dyn_drop(void *data, const cur_vtable_t *vt, const cur_alloc_t *a)
{
    if (!data) return;
    CUR_ASSERT(vt != NULL);
    if (vt->type) cur_type_drop(vt->type, data, a);
}

void *cur_dyn_downcast(void *data, const cur_vtable_t *vt, const cur_type_t *t)
{
    CUR_ASSERT(vt != NULL && t != NULL);
    return vt->type == t ? data : NULL;
}

/* ------------------------------------------------------------------------ */
/* Iterator: the trait and its defaults                                     */
/* ------------------------------------------------------------------------ */

cur_iter_hint_t cur_iter_default_size_hint(cur_iter_t it)
{
    (void)it;
    return (cur_iter_hint_t){0, -1};
}

ptrdiff_t cur_iter_default_advance_by(cur_iter_t it, ptrdiff_t n)
{
    _Alignas(max_align_t) unsigned char buf[CUR_ITER_ITEM_MAX];
    CUR_ASSERT(it.item_size > 0 && it.item_size <= CUR_ITER_ITEM_MAX);
    ptrdiff_t done = 0;
    while (done < n && it.vt->next(it.data, buf)) done++;
    return done;
}

static const cur_trait_method_t iter_methods[] = {
    CUR_TRAIT_REQUIRED(cur_iter_vtable_t, next),
    CUR_TRAIT_PROVIDED(cur_iter_vtable_t, size_hint,
                       cur_iter_default_size_hint),
    CUR_TRAIT_PROVIDED(cur_iter_vtable_t, advance_by,
                       cur_iter_default_advance_by),
};

const cur_trait_t cur_iter_trait =
    CUR_TRAIT_INIT("Iterator", cur_iter_vtable_t, iter_methods);

/* Copies one item; the common sizes become plain moves. */
static inline void copy_item(void *dst, const void *src, ptrdiff_t n)
{
    switch (n) {
    case 1: memcpy(dst, src, 1); break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    default: memcpy(dst, src, (size_t)n); break;
    }
}

static const char *iter_type_name(const cur_iter_vtable_t *vt)
{
    return vt->hdr.type && vt->hdr.type->name ? vt->hdr.type->name : "?";
}

/*
 * Validates an iterator handed to an adaptor or consumer: a bad item size
 * is bad input (CUR_EINVAL); a missing or incomplete vtable is a bug.
 */
int cur_iter_check(cur_iter_t it)
{
    if (it.vt == NULL)
        CUR_PANIC("cur_iter: iterator has a NULL vtable (item size %td)",
                  it.item_size);
    if (it.vt->next == NULL || it.vt->size_hint == NULL ||
        it.vt->advance_by == NULL)
        CUR_PANIC("cur_iter: the Iterator vtable of %s is incomplete (a NULL "
                  "method); build it with CUR_ITER_IMPL or cur_trait_complete",
                  iter_type_name(it.vt));
    if (it.item_size < 1 || it.item_size > CUR_ITER_ITEM_MAX)
        return CUR_EINVAL;
    return 0;
}

static ptrdiff_t sat_add(ptrdiff_t a, ptrdiff_t b)
{
    ptrdiff_t r;
    return __builtin_add_overflow(a, b, &r) ? PTRDIFF_MAX : r;
}

static ptrdiff_t min_pd(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

/* ------------------------------------------------------------------------ */
/* Sources                                                                  */
/* ------------------------------------------------------------------------ */

static const cur_type_t slice_type = CUR_TYPE_COPY_INIT(cur_iter_slice_t);

static ptrdiff_t slice_left(const cur_iter_slice_t *s)
{
    return (s->end - s->cur) / s->size;
}

static bool slice_next(void *self, void *item_out)
{
    cur_iter_slice_t *s = self;
    if (s->cur == s->end) return false;
    copy_item(item_out, s->cur, s->size);
    s->cur += s->size;
    return true;
}

static bool slice_ref_next(void *self, void *item_out)
{
    cur_iter_slice_t *s = self;
    if (s->cur == s->end) return false;
    const void *p = s->cur;
    memcpy(item_out, &p, sizeof p);
    s->cur += s->size;
    return true;
}

static cur_iter_hint_t slice_size_hint(cur_iter_t it)
{
    ptrdiff_t n = slice_left(it.data);
    return (cur_iter_hint_t){n, n};
}

static ptrdiff_t slice_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_slice_t *s = it.data;
    if (n <= 0) return 0;
    ptrdiff_t k = min_pd(n, slice_left(s));
    s->cur += k * s->size;
    return k;
}

CUR_ITER_IMPL(slice_vt, &slice_type, slice_next,
              .size_hint = slice_size_hint, .advance_by = slice_advance_by);
CUR_ITER_IMPL(slice_ref_vt, &slice_type, slice_ref_next,
              .size_hint = slice_size_hint, .advance_by = slice_advance_by);

static int slice_init(cur_iter_slice_t *st, const void *base, ptrdiff_t len,
                      ptrdiff_t elem_size, cur_iter_t *out,
                      const cur_iter_vtable_t *vt, ptrdiff_t item_size)
{
    CUR_ASSERT(st != NULL && out != NULL);
    if (elem_size < 1 || len < 0 || (base == NULL && len > 0))
        return CUR_EINVAL;
    ptrdiff_t bytes;
    if (__builtin_mul_overflow(len, elem_size, &bytes)) return CUR_EOVERFLOW;
    const unsigned char *b = base;
    *st = (cur_iter_slice_t){.cur = b, .end = b ? b + bytes : b,
                             .size = elem_size};
    *out = (cur_iter_t){.data = st, .vt = vt, .item_size = item_size};
    return 0;
}

int cur_iter_slice(cur_iter_slice_t *st, const void *base, ptrdiff_t len,
                   ptrdiff_t elem_size, cur_iter_t *out)
{
    if (elem_size > CUR_ITER_ITEM_MAX) {
        CUR_ASSERT(st != NULL && out != NULL);
        return CUR_EINVAL;
    }
    return slice_init(st, base, len, elem_size, out, &slice_vt, elem_size);
}

int cur_iter_slice_ref(cur_iter_slice_t *st, const void *base, ptrdiff_t len,
                       ptrdiff_t elem_size, cur_iter_t *out)
{
    return slice_init(st, base, len, elem_size, out, &slice_ref_vt,
                      CUR_SIZEOF(const void *));
}

static const cur_type_t range_type = CUR_TYPE_COPY_INIT(cur_iter_range_t);

static bool range_next(void *self, void *item_out)
{
    cur_iter_range_t *r = self;
    if (r->left == 0) return false;
    int64_t v = (int64_t)r->cur; /* two's complement: modulo conversion */
    memcpy(item_out, &v, sizeof v);
    r->left--;
    r->cur += r->step;
    return true;
}

static cur_iter_hint_t range_size_hint(cur_iter_t it)
{
    const cur_iter_range_t *r = it.data;
    if (r->left > (uint64_t)PTRDIFF_MAX)
        return (cur_iter_hint_t){PTRDIFF_MAX, -1};
    return (cur_iter_hint_t){(ptrdiff_t)r->left, (ptrdiff_t)r->left};
}

static ptrdiff_t range_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_range_t *r = it.data;
    if (n <= 0) return 0;
    uint64_t k = (uint64_t)n < r->left ? (uint64_t)n : r->left;
    r->left -= k;
    r->cur += k * r->step; /* wraps exactly as k single steps would */
    return (ptrdiff_t)k;
}

CUR_ITER_IMPL(range_vt, &range_type, range_next,
              .size_hint = range_size_hint, .advance_by = range_advance_by);

int cur_iter_range(cur_iter_range_t *st, int64_t start, int64_t end,
                   int64_t step, cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL);
    if (step == 0) return CUR_EINVAL;
    uint64_t s = (uint64_t)start, e = (uint64_t)end, count = 0;
    if (step > 0 && start < end)
        count = (e - s - 1) / (uint64_t)step + 1;
    else if (step < 0 && start > end)
        count = (s - e - 1) / (0 - (uint64_t)step) + 1;
    *st = (cur_iter_range_t){.cur = s, .step = (uint64_t)step, .left = count};
    *out = (cur_iter_t){.data = st, .vt = &range_vt,
                        .item_size = CUR_SIZEOF(int64_t)};
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Adaptors                                                                 */
/* ------------------------------------------------------------------------ */

/* map */
static const cur_type_t map_type = CUR_TYPE_COPY_INIT(cur_iter_map_t);

static bool map_next(void *self, void *item_out)
{
    cur_iter_map_t *m = self;
    if (!m->inner.vt->next(m->inner.data, m->buf)) return false;
    m->fn(m->ctx, m->buf, item_out);
    return true;
}

static cur_iter_hint_t map_size_hint(cur_iter_t it)
{
    const cur_iter_map_t *m = it.data;
    return cur_iter_size_hint(m->inner);
}

CUR_ITER_IMPL(map_vt, &map_type, map_next, .size_hint = map_size_hint);

int cur_iter_map(cur_iter_map_t *st, cur_iter_t inner, ptrdiff_t out_size,
                 cur_iter_map_fn fn, void *ctx, cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL && fn != NULL);
    int rc = cur_iter_check(inner);
    if (rc < 0) return rc;
    if (out_size < 1 || out_size > CUR_ITER_ITEM_MAX) return CUR_EINVAL;
    st->inner = inner;
    st->fn = fn;
    st->ctx = ctx;
    *out = (cur_iter_t){.data = st, .vt = &map_vt, .item_size = out_size};
    return 0;
}

/* filter */
static const cur_type_t filter_type = CUR_TYPE_COPY_INIT(cur_iter_filter_t);

static bool filter_next(void *self, void *item_out)
{
    cur_iter_filter_t *f = self;
    while (f->inner.vt->next(f->inner.data, f->buf)) {
        if (f->pred(f->ctx, f->buf)) {
            copy_item(item_out, f->buf, f->inner.item_size);
            return true;
        }
    }
    return false;
}

static cur_iter_hint_t filter_size_hint(cur_iter_t it)
{
    const cur_iter_filter_t *f = it.data;
    return (cur_iter_hint_t){0, cur_iter_size_hint(f->inner).hi};
}

CUR_ITER_IMPL(filter_vt, &filter_type, filter_next,
              .size_hint = filter_size_hint);

int cur_iter_filter(cur_iter_filter_t *st, cur_iter_t inner,
                    cur_iter_pred_fn pred, void *ctx, cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL && pred != NULL);
    int rc = cur_iter_check(inner);
    if (rc < 0) return rc;
    st->inner = inner;
    st->pred = pred;
    st->ctx = ctx;
    *out = (cur_iter_t){.data = st, .vt = &filter_vt,
                        .item_size = inner.item_size};
    return 0;
}

/* take */
static const cur_type_t take_type = CUR_TYPE_COPY_INIT(cur_iter_take_t);

static bool take_next(void *self, void *item_out)
{
    cur_iter_take_t *t = self;
    if (t->left == 0) return false;
    if (!t->inner.vt->next(t->inner.data, item_out)) {
        t->left = 0;
        return false;
    }
    t->left--;
    return true;
}

static cur_iter_hint_t take_size_hint(cur_iter_t it)
{
    const cur_iter_take_t *t = it.data;
    if (t->left == 0) return (cur_iter_hint_t){0, 0};
    cur_iter_hint_t h = cur_iter_size_hint(t->inner);
    return (cur_iter_hint_t){min_pd(h.lo, t->left),
                             h.hi < 0 ? t->left : min_pd(h.hi, t->left)};
}

static ptrdiff_t take_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_take_t *t = it.data;
    ptrdiff_t want = min_pd(n, t->left);
    if (want <= 0) return 0;
    ptrdiff_t got = cur_iter_advance_by(t->inner, want);
    t->left = got < want ? 0 : t->left - got;
    return got;
}

CUR_ITER_IMPL(take_vt, &take_type, take_next, .size_hint = take_size_hint,
              .advance_by = take_advance_by);

int cur_iter_take(cur_iter_take_t *st, cur_iter_t inner, ptrdiff_t n,
                  cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL);
    int rc = cur_iter_check(inner);
    if (rc < 0) return rc;
    if (n < 0) return CUR_EINVAL;
    st->inner = inner;
    st->left = n;
    *out = (cur_iter_t){.data = st, .vt = &take_vt,
                        .item_size = inner.item_size};
    return 0;
}

/* skip */
static const cur_type_t skip_type = CUR_TYPE_COPY_INIT(cur_iter_skip_t);

static void skip_pending(cur_iter_skip_t *s)
{
    if (s->skip > 0) {
        (void)cur_iter_advance_by(s->inner, s->skip);
        s->skip = 0;
    }
}

static bool skip_next(void *self, void *item_out)
{
    cur_iter_skip_t *s = self;
    skip_pending(s);
    return s->inner.vt->next(s->inner.data, item_out);
}

static cur_iter_hint_t skip_size_hint(cur_iter_t it)
{
    const cur_iter_skip_t *s = it.data;
    cur_iter_hint_t h = cur_iter_size_hint(s->inner);
    h.lo = h.lo > s->skip ? h.lo - s->skip : 0;
    if (h.hi >= 0) h.hi = h.hi > s->skip ? h.hi - s->skip : 0;
    return h;
}

static ptrdiff_t skip_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_skip_t *s = it.data;
    if (n <= 0) return 0;
    skip_pending(s);
    return cur_iter_advance_by(s->inner, n);
}

CUR_ITER_IMPL(skip_vt, &skip_type, skip_next, .size_hint = skip_size_hint,
              .advance_by = skip_advance_by);

int cur_iter_skip(cur_iter_skip_t *st, cur_iter_t inner, ptrdiff_t n,
                  cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL);
    int rc = cur_iter_check(inner);
    if (rc < 0) return rc;
    if (n < 0) return CUR_EINVAL;
    st->inner = inner;
    st->skip = n;
    *out = (cur_iter_t){.data = st, .vt = &skip_vt,
                        .item_size = inner.item_size};
    return 0;
}

/* chain */
static const cur_type_t chain_type = CUR_TYPE_COPY_INIT(cur_iter_chain_t);

static bool chain_next(void *self, void *item_out)
{
    cur_iter_chain_t *c = self;
    if (!c->a_done) {
        if (c->a.vt->next(c->a.data, item_out)) return true;
        c->a_done = true;
    }
    return c->b.vt->next(c->b.data, item_out);
}

static cur_iter_hint_t chain_size_hint(cur_iter_t it)
{
    const cur_iter_chain_t *c = it.data;
    cur_iter_hint_t hb = cur_iter_size_hint(c->b);
    if (c->a_done) return hb;
    cur_iter_hint_t ha = cur_iter_size_hint(c->a);
    cur_iter_hint_t h = {sat_add(ha.lo, hb.lo), -1};
    if (ha.hi >= 0 && hb.hi >= 0 &&
        !__builtin_add_overflow(ha.hi, hb.hi, &h.hi))
        return h;
    h.hi = -1;
    return h;
}

static ptrdiff_t chain_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_chain_t *c = it.data;
    if (n <= 0) return 0;
    ptrdiff_t done = 0;
    if (!c->a_done) {
        done = cur_iter_advance_by(c->a, n);
        if (done == n) return n;
        c->a_done = true;
    }
    return done + cur_iter_advance_by(c->b, n - done);
}

CUR_ITER_IMPL(chain_vt, &chain_type, chain_next, .size_hint = chain_size_hint,
              .advance_by = chain_advance_by);

int cur_iter_chain(cur_iter_chain_t *st, cur_iter_t a, cur_iter_t b,
                   cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL);
    int rc = cur_iter_check(a);
    if (rc < 0) return rc;
    rc = cur_iter_check(b);
    if (rc < 0) return rc;
    if (a.item_size != b.item_size) return CUR_EINVAL;
    st->a = a;
    st->b = b;
    st->a_done = false;
    *out = (cur_iter_t){.data = st, .vt = &chain_vt, .item_size = a.item_size};
    return 0;
}

/* enumerate */
static const cur_type_t enumerate_type =
    CUR_TYPE_COPY_INIT(cur_iter_enumerate_t);

static bool enumerate_next(void *self, void *item_out)
{
    cur_iter_enumerate_t *e = self;
    char *pair = item_out;
    if (!e->inner.vt->next(e->inner.data, pair + e->item_offset))
        return false;
    memcpy(pair, &e->index, sizeof e->index);
    /* Zero the padding, so equal pairs are equal bytes. */
    ptrdiff_t gap = e->item_offset - CUR_SIZEOF(ptrdiff_t);
    if (gap > 0) memset(pair + sizeof(ptrdiff_t), 0, (size_t)gap);
    ptrdiff_t tail = e->pair_size - e->item_offset - e->inner.item_size;
    if (tail > 0)
        memset(pair + e->item_offset + e->inner.item_size, 0, (size_t)tail);
    e->index++;
    return true;
}

static cur_iter_hint_t enumerate_size_hint(cur_iter_t it)
{
    const cur_iter_enumerate_t *e = it.data;
    return cur_iter_size_hint(e->inner);
}

static ptrdiff_t enumerate_advance_by(cur_iter_t it, ptrdiff_t n)
{
    cur_iter_enumerate_t *e = it.data;
    ptrdiff_t k = cur_iter_advance_by(e->inner, n);
    e->index += k;
    return k;
}

CUR_ITER_IMPL(enumerate_vt, &enumerate_type, enumerate_next,
              .size_hint = enumerate_size_hint,
              .advance_by = enumerate_advance_by);

int cur_iter_enumerate(cur_iter_enumerate_t *st, cur_iter_t inner,
                       ptrdiff_t item_offset, ptrdiff_t pair_size,
                       cur_iter_t *out)
{
    CUR_ASSERT(st != NULL && out != NULL);
    int rc = cur_iter_check(inner);
    if (rc < 0) return rc;
    if (item_offset < CUR_SIZEOF(ptrdiff_t) || pair_size > CUR_ITER_ITEM_MAX ||
        item_offset > pair_size - inner.item_size)
        return CUR_EINVAL;
    st->inner = inner;
    st->index = 0;
    st->item_offset = item_offset;
    st->pair_size = pair_size;
    *out = (cur_iter_t){.data = st, .vt = &enumerate_vt,
                        .item_size = pair_size};
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Consumers                                                                */
/* ------------------------------------------------------------------------ */

int cur_iter_fold(cur_iter_t it, void *acc, cur_iter_fold_fn fn, void *ctx)
{
    CUR_ASSERT(fn != NULL);
    int rc = cur_iter_check(it);
    if (rc < 0) return rc;
    _Alignas(max_align_t) unsigned char buf[CUR_ITER_ITEM_MAX];
    bool (*next)(void *, void *) = it.vt->next;
    while (next(it.data, buf)) {
        rc = fn(ctx, acc, buf);
        if (rc != 0) return rc;
    }
    return 0;
}

int cur_iter_for_each(cur_iter_t it, cur_iter_each_fn fn, void *ctx)
{
    CUR_ASSERT(fn != NULL);
    int rc = cur_iter_check(it);
    if (rc < 0) return rc;
    _Alignas(max_align_t) unsigned char buf[CUR_ITER_ITEM_MAX];
    bool (*next)(void *, void *) = it.vt->next;
    while (next(it.data, buf)) {
        rc = fn(ctx, buf);
        if (rc != 0) return rc;
    }
    return 0;
}

ptrdiff_t cur_iter_count(cur_iter_t it)
{
    int rc = cur_iter_check(it);
    if (rc < 0) return rc;
    return cur_iter_advance_by(it, PTRDIFF_MAX);
}

ptrdiff_t cur_iter_collect(cur_iter_t it, void *buf, ptrdiff_t cap)
{
    int rc = cur_iter_check(it);
    if (rc < 0) return rc;
    if (cap < 0) return CUR_EINVAL;
    CUR_ASSERT(buf != NULL || cap == 0);
    ptrdiff_t bytes;
    if (__builtin_mul_overflow(cap, it.item_size, &bytes))
        return CUR_EOVERFLOW;
    unsigned char *p = buf;
    ptrdiff_t n = 0;
    while (n < cap && it.vt->next(it.data, p)) {
        p += it.item_size;
        n++;
    }
    return n;
}
