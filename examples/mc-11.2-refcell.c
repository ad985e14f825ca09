/*
 * mc-11.2 RefCell & Interior Mutability
 *
 * Shows: shared mutable state as Rc<RefCell<T>>: two senders each hold a
 * handle to one inbox and write to it through exclusive borrows; a reader
 * that holds a shared borrow while a callback tries to write, which
 * try_borrow_mut turns into a queued message instead of a panic; and Cell
 * counters that a lookup function updates through a const pointer, the
 * way Cell::set works through &self.
 *
 * Build: cc -std=gnu17 examples/mc-11.2-refcell.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/rc.h>

#include <stdio.h>

/* struct Inbox { msgs: Vec<String> } inside Rc<RefCell<Inbox>>. */
typedef struct inbox {
    int count;
    const char *msgs[8]; /* borrowed string literals */
} inbox_t;

CUR_REFCELL_TYPE(inbox_cell, inbox_t); /* RefCell<Inbox> */

/* Plain data, nothing to drop: the Rc frees the memory when done. */
static const cur_type_t inbox_type = CUR_TYPE_COPY_INIT(inbox_cell);

/* A sender keeps its own Rc handle to the shared inbox. */
typedef struct sender {
    const char *name;
    cur_rc_t *inbox; /* Rc<RefCell<Inbox>> */
    const char *pending; /* a message that found the inbox busy */
} sender_t;

static inbox_cell *cell_of(cur_rc_t *rc) { return cur_rc_get(rc); }

/*
 * fn post(&self, text): the sender has only shared access to the inbox
 * (other senders hold it too), and still appends to it: borrow_mut checks
 * at run time that nobody else is using it right now.
 */
static void post(sender_t *s, const char *text)
{
    CUR_TRY_REF_MUT(box, cell_of(s->inbox)); /* try_borrow_mut() */
    if (!box) {
        printf("  %s: inbox busy, keeping \"%s\" for later\n", s->name, text);
        s->pending = text;
        return;
    }
    if (box->count < 8) box->msgs[box->count++] = text;
    printf("  %s posted \"%s\"\n", s->name, text);
} /* the exclusive borrow ends here */

static void flush(sender_t *s)
{
    const char *text = s->pending;
    s->pending = NULL;
    if (text) post(s, text);
}

/* Reads the inbox; a notification arrives while it is being read. */
static void read_all(cur_rc_t *inbox, sender_t *notifier)
{
    CUR_REF(box, cell_of(inbox)); /* borrow(): shared, read-only */
    printf("  reading %d messages:\n", box->count);
    for (int i = 0; i < box->count; i++) {
        printf("    %d: %s\n", i + 1, box->msgs[i]);
        if (i == 0) post(notifier, "read receipt"); /* busy: we are reading */
    }
}

/* Cell<u32> counters inside a lookup table. */
CUR_CELL_TYPE(cell_uint, unsigned);

typedef struct table {
    int keys[3];
    const char *values[3];
    cell_uint hits;   /* Cell: updated through a const pointer */
    cell_uint misses;
} table_t;

/* fn lookup(&self, key) -> Option<&str>: a reader that counts. */
static const char *lookup(const table_t *t, int key)
{
    for (int i = 0; i < 3; i++) {
        if (t->keys[i] == key) {
            cell_uint_set(&t->hits, cell_uint_get(&t->hits) + 1);
            return t->values[i];
        }
    }
    cell_uint_set(&t->misses, cell_uint_get(&t->misses) + 1);
    return NULL;
}

int main(void)
{
    printf("Rc<RefCell<Inbox>>: shared and mutable:\n");
    cur_rc_t *inbox;
    if (cur_rc_new(&inbox, NULL, &inbox_type, NULL) < 0) return 1;
    sender_t alice = {"alice", cur_rc_clone(inbox), NULL};
    sender_t bob = {"bob", cur_rc_clone(inbox), NULL};
    printf("  handles to the inbox: %td\n", cur_rc_strong_count(inbox));
    post(&alice, "hello");
    post(&bob, "hi alice");
    post(&alice, "lunch?");

    printf("A write while someone reads is refused, not a crash:\n");
    read_all(inbox, &bob);
    printf("  borrow state after reading: %td\n",
           cur_refcell_state(&cell_of(inbox)->cell));
    flush(&bob);
    {
        CUR_REF(box, cell_of(inbox));
        printf("  the inbox now has %d messages, the last \"%s\"\n",
               box->count, box->msgs[box->count - 1]);
    }
    cur_rc_free(CUR_MOVE(alice.inbox));
    cur_rc_free(CUR_MOVE(bob.inbox));
    printf("  handles left: %td\n", cur_rc_strong_count(inbox));
    cur_rc_free(CUR_MOVE(inbox));

    printf("Cell counters behind a const pointer:\n");
    table_t table = {{1, 2, 3}, {"one", "two", "three"},
                     cell_uint_new(0), cell_uint_new(0)};
    const table_t *view = &table; /* only shared access from here on */
    int queries[] = {2, 5, 3, 2, 9};
    for (int i = 0; i < 5; i++) {
        const char *v = lookup(view, queries[i]);
        printf("  lookup(%d) = %s\n", queries[i], v ? v : "(none)");
    }
    printf("  hits %u, misses %u\n", cell_uint_get(&view->hits),
           cell_uint_get(&view->misses));
    unsigned old = cell_uint_take(&view->hits); /* Cell::take: reset */
    printf("  took %u hits; now %u\n", old, cell_uint_get(&view->hits));
    cell_uint_swap(&view->hits, &view->misses);
    printf("  after swap: hits %u, misses %u\n", cell_uint_get(&view->hits),
           cell_uint_get(&view->misses));
    return 0;
}
