/*
 * mc-13.4 Higher-Rank Trait Bounds (HRTBs)
 *
 * Shows: callbacks that must accept a borrow of any lifetime, Rust's
 * `F: for<'a> Fn(&'a str)`. A record reader hands each record to a
 * callback (function pointer + context) as a slice of its own reused
 * buffer: valid during the call only. Callbacks that use the borrow in
 * the call, or copy what they keep, are correct; one that keeps the
 * borrow itself sees it change under it. The library's iterator
 * consumers (cur_iter_for_each) make the same promise, and only that.
 *
 * Build: cc -std=gnu17 examples/mc-13.4-higher-rank-callbacks.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/str.h>
#include <curriculum/trait.h>

#include <stdio.h>
#include <string.h>

/*
 * The visitor's callback: int (*)(void *ctx, cur_str_t record).
 * In Rust:  fn visit<F>(r: &mut Reader, f: F) where F: for<'a> FnMut(&'a str)
 * `for<'a>` says: f works for every lifetime 'a the reader picks, however
 * short, so f cannot store the &'a str anywhere that outlives the call.
 * C has no lifetimes: the rule lives in this comment and in the API docs.
 */
typedef int (*record_fn)(void *ctx, cur_str_t record);

/* A reader that decodes "a;bb;ccc" one record at a time into buf. */
typedef struct reader {
    cur_str_t input; /* what is left to read (borrowed) */
    char buf[32];    /* the current record: overwritten by the next one */
} reader_t;

/* Calls f for each record; stops early if f returns non-zero. */
static int visit_records(reader_t *r, record_fn f, void *ctx)
{
    cur_str_t head, tail;
    while (r->input.len > 0) {
        if (!cur_str_split_once(r->input, CUR_STR(";"), &head, &tail)) {
            head = r->input;
            tail = (cur_str_t){NULL, 0};
        }
        ptrdiff_t n = head.len < 31 ? head.len : 31;
        memcpy(r->buf, head.ptr, (size_t)n);
        for (ptrdiff_t i = 0; i < n; i++) /* decode: upper-case it */
            if (r->buf[i] >= 'a' && r->buf[i] <= 'z') r->buf[i] -= 32;
        r->input = tail;
        /* The borrow handed out: it lives until the next record. */
        int rc = f(ctx, (cur_str_t){r->buf, n});
        if (rc != 0) return rc;
    }
    return 0;
}

/* 1. Uses the borrow during the call only: fine for any lifetime. */
static int count_bytes(void *ctx, cur_str_t rec)
{
    *(ptrdiff_t *)ctx += rec.len;
    return 0;
}

/* 2. Keeps something, by copying it into storage it owns: fine. */
typedef struct longest {
    char text[32];
    ptrdiff_t len;
} longest_t;

static int keep_longest_copy(void *ctx, cur_str_t rec)
{
    longest_t *l = ctx;
    if (rec.len > l->len) {
        memcpy(l->text, rec.ptr, (size_t)rec.len);
        l->len = rec.len;
    }
    return 0;
}

/*
 * 3. Keeps the borrow itself: this is what for<'a> forbids, and what
 * Rust would reject ("borrowed data escapes outside of closure"). Here it
 * compiles; the buffer still exists (the reader owns it), so reading it is
 * defined, but the slice now shows whatever record came last.
 */
static int keep_longest_borrow(void *ctx, cur_str_t rec)
{
    cur_str_t *kept = ctx;
    if (rec.len > kept->len) *kept = rec; /* the bug */
    return 0;
}

/*
 * The same promise in the iterator consumers: item lives for one call.
 * This callback only notes where each item was (as a number, compared
 * during the call), to show that the consumer reuses one buffer.
 */
typedef struct where {
    int items;        /* items seen */
    int same_place;   /* items at the address of the one before */
    uintptr_t last;   /* address of the previous item */
} where_t;

static int note_address(void *ctx, const void *item)
{
    where_t *w = ctx;
    if (w->items > 0 && (uintptr_t)item == w->last) w->same_place++;
    w->last = (uintptr_t)item;
    w->items++;
    return 0;
}

int main(void)
{
    const char *data = "ok;longest;mid;x";

    printf("records:");
    reader_t r = {.input = cur_str_from_cstr(data)};
    ptrdiff_t bytes = 0;
    visit_records(&r, count_bytes, &bytes);
    printf(" %td bytes in all\n", bytes);

    longest_t copy = {.len = 0};
    r = (reader_t){.input = cur_str_from_cstr(data)};
    visit_records(&r, keep_longest_copy, &copy);
    printf("longest, copied:  \"%.*s\"\n", (int)copy.len, copy.text);

    cur_str_t kept = {NULL, 0};
    r = (reader_t){.input = cur_str_from_cstr(data)};
    visit_records(&r, keep_longest_borrow, &kept);
    printf("longest, borrowed: \"" CUR_STR_FMT "\" (len %td: the buffer was "
           "reused)\n",
           CUR_STR_ARG(kept), kept.len);

    /* cur_iter_for_each passes each item in one reused buffer too. */
    int64_t values[] = {10, 20, 30};
    cur_iter_slice_t st;
    cur_iter_t it;
    where_t w = {0, 0, 0};
    if (cur_iter_slice(&st, values, 3, sizeof values[0], &it) < 0) return 1;
    if (cur_iter_for_each(it, note_address, &w) < 0) return 1;
    printf("for_each: %d items, %d of them where the previous one was: one\n"
           "  buffer, reused; keep a copy of the value, never the pointer\n",
           w.items, w.same_place);
    return 0;
}
