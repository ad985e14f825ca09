/*
 * mc-02.3 Borrowing & References
 *
 * Shows: borrowing instead of taking ownership: a const pointer as &T
 * (read, never free) and a plain pointer as &mut T; a returned borrow that
 * must not outlive what it points into; and a debug borrow tracker, a
 * RefCell, that checks Rust's borrow rules at run time and panics, naming
 * the line of the conflicting borrow, when code changes a collection while
 * iterating over it. The panic is caught with cur_catch_unwind, and a quiet
 * hook prints its message.
 *
 * Build: cc -std=gnu17 examples/mc-02.3-borrowing.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/panic.h>
#include <curriculum/rc.h>

#include <stdio.h>
#include <string.h>

typedef struct item {
    const char *name; /* borrowed string literal */
    int qty;
} item_t;

typedef struct inventory {
    int count;
    item_t items[8];
} inventory_t;

/* fn total(inv: &Inventory) -> i32: a shared borrow, read-only. */
static int total(const inventory_t *inv)
{
    int sum = 0;
    for (int i = 0; i < inv->count; i++) sum += inv->items[i].qty;
    /* inv->count = 0; would not compile: inv is a const (shared) borrow. */
    return sum;
}

/* fn restock(inv: &mut Inventory, i: usize, n: i32): exclusive, writes. */
static void restock(inventory_t *inv, int i, int n)
{
    inv->items[i].qty += n;
}

/*
 * fn find<'a>(inv: &'a Inventory, name: &str) -> Option<&'a Item>. The
 * result points into *inv, so it is valid only while inv is, and only
 * until inv changes. Rust writes that down as 'a and checks it; in C it
 * lives in this comment.
 */
static const item_t *find(const inventory_t *inv, const char *name)
{
    for (int i = 0; i < inv->count; i++)
        if (strcmp(inv->items[i].name, name) == 0) return &inv->items[i];
    return NULL;
}

/*
 * The tracked version: RefCell<Inventory>. Every access goes through a
 * borrow guard: CUR_REF for &, CUR_REF_MUT for &mut. A guard records the
 * file and line where it was taken and ends at the end of its block.
 */
CUR_REFCELL_TYPE(tracked_inventory, inventory_t);

static void restock_tracked(tracked_inventory *cell, int i, int n)
{
    CUR_REF_MUT(inv, cell); /* panics if anyone else holds a borrow */
    restock(inv, i, n);
}

/*
 * The bug Rust rejects at compile time (error E0502, "cannot borrow `inv`
 * as mutable because it is also borrowed as immutable"):
 *     for item in inv.items.iter() {
 *         if item.qty < 2 { inv.restock(...); }
 *     }
 * Here it compiles, and the tracker stops it when it happens.
 */
static void restock_low_while_iterating(void *arg)
{
    tracked_inventory *cell = arg;
    CUR_REF(inv, cell); /* the shared borrow the message will name */
    for (int i = 0; i < inv->count; i++)
        if (inv->items[i].qty < 2) restock_tracked(cell, i, 10);
}

/* The fix: finish reading first, then write. */
static void restock_low_in_two_steps(tracked_inventory *cell)
{
    int low[8], nlow = 0;
    {
        CUR_REF(inv, cell);
        for (int i = 0; i < inv->count; i++)
            if (inv->items[i].qty < 2) low[nlow++] = i;
    } /* the shared borrow ends here */
    for (int k = 0; k < nlow; k++) restock_tracked(cell, low[k], 10);
}

/*
 * A quiet panic hook: print only the message. The message names a place
 * as FILE:LINE, where FILE is this file's path as the compiler was given
 * it; print just its base name so the output does not depend on the
 * directory the program was built from.
 */
static void print_panic(const cur_panic_info_t *info, void *ctx)
{
    (void)ctx;
    const char *path = __FILE__, *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *at = strstr(info->message, path);
    if (at)
        printf("  panic: %.*s%s%s\n", (int)(at - info->message), info->message,
               base, at + strlen(path));
    else
        printf("  panic: %s\n", info->message);
}

int main(void)
{
    inventory_t inv = {3, {{"bolts", 12}, {"nuts", 1}, {"gears", 0}}};

    printf("Borrowing, not moving:\n");
    printf("  total = %d (a shared borrow; inv is still ours)\n", total(&inv));
    const item_t *nuts = find(&inv, "nuts"); /* borrows into inv */
    printf("  found %s: %d\n", nuts->name, nuts->qty);
    restock(&inv, 1, 5); /* a write: in Rust, `nuts` must be dead by now */
    printf("  after restock, total = %d\n", total(&inv));

    printf("Many readers at once are fine:\n");
    /* RefCell::new(stock): a fresh stock list behind a borrow tracker. */
    tracked_inventory cell = {
        .value = {3, {{"bolts", 12}, {"nuts", 1}, {"gears", 0}}}};
    {
        CUR_REF(a, &cell);
        CUR_REF(b, &cell);
        printf("  a sees %d, b sees %d, borrow state %td (two readers)\n",
               total(a), total(b), cur_refcell_state(&cell.cell));
    }

    printf("Writing while iterating panics, naming the reader:\n");
    cur_panic_hook_fn old_hook;
    void *old_ctx;
    cur_panic_set_hook(print_panic, NULL, &old_hook, &old_ctx);
    int rc = cur_catch_unwind(restock_low_while_iterating, &cell, NULL);
    cur_panic_set_hook(old_hook, old_ctx, NULL, NULL);
    printf("  caught: %s\n", rc == CUR_EPANIC ? "CUR_EPANIC" : "no panic");
    /* The panic released the shared borrow as it unwound, as in Rust. */
    printf("  borrow state after the panic: %td\n",
           cur_refcell_state(&cell.cell));

    printf("The fix: read, release, then write:\n");
    restock_low_in_two_steps(&cell);
    {
        CUR_REF(v, &cell);
        for (int i = 0; i < v->count; i++)
            printf("  %-5s %2d\n", v->items[i].name, v->items[i].qty);
    }
    return 0;
}
