/*
 * mc-02.1 Ownership Model
 *
 * Shows: a heap value with exactly one owner (a Box with a drop function
 * that runs once, when the owner lets go); the cleanup attribute playing
 * Drop, so a box is freed at the end of its scope on every path out of it;
 * and ownership handed to a function that consumes its argument, with
 * CUR_MOVE nulling the caller's variable so it cannot be used again.
 *
 * Build: cc -std=gnu17 examples/mc-02.1-ownership.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/own.h>

#include <stdio.h>

/*
 * The value we own: a log with a name and a line count. In Rust:
 *     struct Log { name: &'static str, lines: u32 }
 *     impl Drop for Log { fn drop(&mut self) { println!(...) } }
 * The drop function is C's `impl Drop`: the box calls it exactly once,
 * just before it frees its memory. It releases what the value owns (here
 * nothing but a message to print; a real one would close a file).
 */
typedef struct log {
    const char *name; /* borrowed: string literals live forever ('static) */
    int lines;        /* lines written so far */
} log_t;

static void log_drop(void *value, const cur_alloc_t *a)
{
    (void)a; /* the allocator, for values that own allocations */
    const log_t *l = value;
    printf("  drop: log '%s' closed after %d line%s\n", l->name, l->lines,
           l->lines == 1 ? "" : "s");
}

/* The type descriptor: size, alignment, drop, clone (none: not Clone). */
static const cur_type_t log_type = CUR_TYPE_INIT(log_t, log_drop, NULL);

/*
 * Box::new(Log { name, lines: 0 }). The caller receives ownership through
 * *out. NULL as the allocator means the default one (malloc).
 */
static int log_open(cur_box_t **out, const char *name)
{
    log_t init = {.name = name, .lines = 0};
    return cur_box_new(out, NULL, &log_type, &init);
}

/* &mut Log: borrows the box's value for writing; ownership stays put. */
static void log_write(cur_box_t *b, const char *text)
{
    log_t *l = cur_box_get_mut(b);
    l->lines++;
    printf("  %s: %s\n", l->name, text);
}

/*
 * fn archive(log: Box<Log>): takes ownership. When it returns, the box is
 * gone, as in Rust, where the parameter is dropped at the end of the body.
 * The caller hands it over with CUR_MOVE, which nulls the caller's copy.
 */
static void archive(cur_box_t *owned)
{
    const log_t *l = cur_box_get(owned);
    printf("  archive: took ownership of '%s'\n", l->name);
    cur_box_free(owned);
}

/*
 * A scope-bound owner. CUR_BOX_AUTO declares a box variable with the
 * cleanup attribute: the compiler calls cur_box_cleanup on it whenever
 * the block is left, by falling off the end or by return, so both paths
 * below drop the log. That is Rust's Drop at the end of a scope.
 */
static int process(const char *name, int fail_early)
{
    CUR_BOX_AUTO(b);
    int rc = log_open(&b, name);
    if (rc < 0) return rc; /* b is still NULL: nothing to drop */
    log_write(b, "processing");
    if (fail_early) {
        printf("  process: early return\n");
        return -1; /* b is dropped here */
    }
    log_write(b, "done");
    return 0; /* and here */
}

int main(void)
{
    printf("1. one owner, dropped at the end of its scope\n");
    {
        CUR_BOX_AUTO(outer);
        if (log_open(&outer, "outer") < 0) return 1;
        {
            CUR_BOX_AUTO(inner);
            if (log_open(&inner, "inner") < 0) return 1;
            log_write(inner, "hello");
            printf("  inner scope ends\n");
        }
        log_write(outer, "still here");
        printf("  outer scope ends\n");
    }

    printf("2. every way out of a scope drops\n");
    printf("  process returned %d\n", process("ok", 0));
    printf("  process returned %d\n", process("failing", 1));

    printf("3. ownership moves into a function that consumes it\n");
    {
        CUR_BOX_AUTO(b);
        if (log_open(&b, "moved") < 0) return 1;
        log_write(b, "before the move");
        /*
         * Rust: archive(b); after which b may not be used. A plain C call
         * archive(b) would leave b pointing at freed memory, and the
         * cleanup at the end of this block would free it a second time.
         * CUR_MOVE(b) passes the pointer and sets b to NULL.
         */
        archive(CUR_MOVE(b));
        printf("  after the move, b is %s\n", b ? "still set" : "NULL");
        printf("  block ends: nothing left to drop\n");
    }

    printf("4. a function can also return ownership\n");
    cur_box_t *made = NULL;
    if (log_open(&made, "returned") < 0) return 1;
    log_write(made, "owned by main now");
    cur_box_free(CUR_MOVE(made)); /* drop(made) */
    cur_box_free(made);           /* NULL: a harmless no-op */
    printf("end of main\n");
    return 0;
}
