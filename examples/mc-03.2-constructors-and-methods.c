/*
 * mc-03.2 Associated Functions vs Methods
 *
 * Shows: the library's two constructor pairs: intvec_init/intvec_destroy
 * for a struct in the caller's storage and tally_new/tally_free for an
 * opaque object the constructor allocates, both through the cur_alloc_t
 * hook; methods taking self as a const pointer (&self), a pointer
 * (&mut self) and by value (self, consuming); an associated constant.
 *
 * Build: cc -std=gnu17 examples/mc-03.2-constructors-and-methods.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/core.h>
#include <curriculum/error.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A NULL allocator stands for the library's default hook. */
static const cur_alloc_t *hook(const cur_alloc_t *a)
{
    return a ? a : cur_alloc_default();
}

/* A growable vector of int in caller storage, Rust's Vec<i32>. */
typedef struct intvec {
    int *data;                /* owned buffer of cap ints, or NULL */
    ptrdiff_t len;            /* elements in use, 0 <= len <= cap */
    ptrdiff_t cap;            /* elements allocated */
    const cur_alloc_t *alloc; /* the hook data came from; NULL = default */
} intvec_t;

/*
 * Associated constants, `impl IntVec { const MIN_CAP: usize = 4; }`. An enum
 * constant is a constant expression, which a static const is not in C17; a
 * value too wide for int is a macro. MAX_CAP keeps 2 * cap * sizeof(int)
 * within ptrdiff_t, so growth never overflows.
 */
enum { INTVEC_MIN_CAP = 4 };
#define INTVEC_MAX_CAP (PTRDIFF_MAX / CUR_SIZEOF(int) / 2)

/*
 * An associated function: no self, it makes one, like Vec::with_capacity.
 * Returns 0, CUR_EINVAL for cap < 0, CUR_EOVERFLOW or CUR_ENOMEM. *self is
 * written only on success, so a failed init leaves it as it was.
 */
static int intvec_init(intvec_t *self, const cur_alloc_t *a, ptrdiff_t cap)
{
    if (cap < 0) return CUR_EINVAL;
    if (cap < INTVEC_MIN_CAP) cap = INTVEC_MIN_CAP;
    if (cap > INTVEC_MAX_CAP) return CUR_EOVERFLOW;
    const cur_alloc_t *h = hook(a);
    int *data = h->alloc(h->ctx, cap * CUR_SIZEOF(int));
    if (!data) return CUR_ENOMEM;
    *self = (intvec_t){.data = data, .cap = cap, .alloc = a};
    return 0;
}

/*
 * Releases the buffer, never the struct: the caller owns that. Leaves *self
 * zeroed and does nothing to a zeroed vector, so a second call is harmless.
 */
static void intvec_destroy(intvec_t *self)
{
    const cur_alloc_t *h = hook(self->alloc);
    if (self->data) h->release(h->ctx, self->data, self->cap * CUR_SIZEOF(int));
    *self = (intvec_t){0};
}

/* &mut self. Returns 0, CUR_EOVERFLOW or CUR_ENOMEM (vector unchanged). */
static int intvec_push(intvec_t *self, int x)
{
    if (self->len == self->cap) {
        ptrdiff_t cap = self->cap ? 2 * self->cap : INTVEC_MIN_CAP;
        if (cap > INTVEC_MAX_CAP) return CUR_EOVERFLOW;
        const cur_alloc_t *h = hook(self->alloc);
        int *data = self->data ? h->resize(h->ctx, self->data,
                                           self->cap * CUR_SIZEOF(int),
                                           cap * CUR_SIZEOF(int))
                               : h->alloc(h->ctx, cap * CUR_SIZEOF(int));
        if (!data) return CUR_ENOMEM;
        self->data = data;
        self->cap = cap;
    }
    self->data[self->len++] = x;
    return 0;
}

/* &self: the const pointer promises the vector is only read. */
static int64_t intvec_sum(const intvec_t *self)
{
    int64_t sum = 0;
    for (ptrdiff_t i = 0; i < self->len; i++) sum += self->data[i];
    return sum;
}

/*
 * std::mem::take(&mut v): returns the vector by value and leaves *self
 * zeroed (empty), so exactly one of the two copies owns the buffer.
 */
static intvec_t intvec_take(intvec_t *self)
{
    intvec_t moved = *self;
    *self = (intvec_t){0};
    return moved;
}

/*
 * self by value, consuming it as `fn into_sum(self) -> i64` does. C copies
 * the struct into the parameter, but the caller's copy still points at the
 * buffer this frees, and no compiler stops its use. So callers pass a moved
 * value: intvec_into_sum(intvec_take(&v)).
 */
static int64_t intvec_into_sum(intvec_t self)
{
    int64_t sum = intvec_sum(&self);
    intvec_destroy(&self);
    return sum;
}

/*
 * An opaque object in library storage, Rust's Box<Tally>. A library puts the
 * typedef in its header and the struct in its .c file, so callers can hold
 * only a pointer; in this one-file example both are here.
 */
typedef struct tally tally_t;

struct tally {
    const cur_alloc_t *alloc; /* the hook this came from; NULL = default */
    ptrdiff_t size;           /* bytes allocated, given back to release */
    int64_t total;            /* sum of the recorded values */
    char name[];              /* NUL-terminated, stored inline */
};

/* Box::new: *out is written only on success. Returns 0 or CUR_ENOMEM. */
static int tally_new(tally_t **out, const cur_alloc_t *a, const char *name)
{
    CUR_ASSERT(out != NULL && name != NULL); /* misuse is a bug, not an error */
    ptrdiff_t size = CUR_SIZEOF(tally_t) + (ptrdiff_t)strlen(name) + 1;
    const cur_alloc_t *h = hook(a);
    tally_t *t = h->alloc(h->ctx, size);
    if (!t) return CUR_ENOMEM;
    *t = (tally_t){.alloc = a, .size = size};
    memcpy(t->name, name, (size_t)(size - CUR_SIZEOF(tally_t)));
    *out = t;
    return 0;
}

/* Dropping the Box: frees the whole object. tally_free(NULL) is a no-op. */
static void tally_free(tally_t *t)
{
    if (!t) return;
    const cur_alloc_t *h = hook(t->alloc);
    h->release(h->ctx, t, t->size);
}

static void tally_record(tally_t *self, int x) /* &mut self */
{
    self->total += x;
}

static void tally_print(const tally_t *self) /* &self */
{
    printf("tally %s: total %" PRId64 "\n", self->name, self->total);
}

int main(void)
{
    intvec_t v = {0}; /* caller storage: the struct lives in main's frame */
    tally_t *t = NULL; /* library storage: main holds only a pointer */

    int rc = intvec_init(&v, NULL, -1);
    printf("intvec_init(cap -1): %s; v.cap is still %td\n", cur_strerror(rc),
           v.cap);
    /* NULL and cur_alloc_default() are one hook; tests pass a counting one. */
    if ((rc = intvec_init(&v, NULL, 0)) < 0) goto fail;
    if ((rc = tally_new(&t, cur_alloc_default(), "squares")) < 0) goto fail;
    for (int i = 1; i <= 10; i++) {
        if ((rc = intvec_push(&v, i * i)) < 0) goto fail;
        tally_record(t, i * i);
    }
    printf("vec: len %td, cap %td, sum %" PRId64 "\n", v.len, v.cap,
           intvec_sum(&v));
    tally_print(t);

    int64_t sum = intvec_into_sum(intvec_take(&v));
    printf("into_sum consumed the vec: %" PRId64 ", v.data is %s\n", sum,
           v.data ? "set" : "NULL");
    intvec_destroy(&v); /* v is zeroed: a no-op */
    tally_free(t);
    return 0;

fail:
    /* One cleanup path works because both calls accept empty objects. */
    fprintf(stderr, "error: %s\n", cur_strerror(rc));
    intvec_destroy(&v);
    tally_free(t);
    return 1;
}
