/*
 * mc-04.4 Blanket Implementations and Default Methods
 *
 * Shows: a Writer trait with one required method and two provided ones;
 * impls that take the defaults or override one by name (filled in at
 * build time by the trait's IMPL macro); a vtable assembled at run time
 * and completed by cur_trait_complete, which also reports a missing
 * required method; and a blanket impl: one Log vtable that serves every
 * Writer, as `impl<W: Writer> Log for W` does.
 *
 * Build: cc -std=gnu17 examples/mc-04.4-default-methods.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/trait.h>

#include <stdio.h>
#include <string.h>

/*
 * trait Writer {
 *     fn write(&mut self, bytes: &[u8]) -> usize;           // required
 *     fn write_str(&mut self, s: &str) -> usize {           // provided
 *         self.write(s.as_bytes())
 *     }
 *     fn flush(&mut self) -> i32 { 0 }                       // provided
 * }
 */
CUR_DYN_TYPE(dyn_writer, writer_vtable);

typedef struct writer_vtable {
    cur_vtable_t hdr;
    ptrdiff_t (*write)(void *self, const char *p, ptrdiff_t n);
    /* Provided methods take the trait object, not just the data: the
     * default must call `write`, and only the vtable knows where it is. */
    ptrdiff_t (*write_str)(dyn_writer self, const char *s);
    int (*flush)(dyn_writer self);
} writer_vtable_t;

static ptrdiff_t writer_write_str_default(dyn_writer self, const char *s)
{
    return self.vt->write(self.data, s, (ptrdiff_t)strlen(s));
}

static int writer_flush_default(dyn_writer self)
{
    (void)self;
    return 0; /* nothing buffered, nothing to do */
}

static const cur_trait_method_t writer_methods[] = {
    CUR_TRAIT_REQUIRED(writer_vtable_t, write),
    CUR_TRAIT_PROVIDED(writer_vtable_t, write_str, writer_write_str_default),
    CUR_TRAIT_PROVIDED(writer_vtable_t, flush, writer_flush_default),
};
static const cur_trait_t writer_trait =
    CUR_TRAIT_INIT("Writer", writer_vtable_t, writer_methods);

/* impl Writer: `write` is an argument; defaults first, overrides after. */
#define WRITER_IMPL(var, type, write_fn, ...)                               \
    CUR_IMPL_BEGIN                                                          \
    static const writer_vtable_t var = {                                    \
        .hdr = CUR_VTABLE_HDR(&writer_trait, type),                         \
        CUR_REQUIRE(writer_vtable_t, write, write_fn),                      \
        .write_str = writer_write_str_default,                              \
        .flush = writer_flush_default,                                      \
        __VA_ARGS__};                                                       \
    CUR_IMPL_END

/* A writer that only counts bytes: takes every default. */
typedef struct counter {
    ptrdiff_t bytes;
} counter_t;

static ptrdiff_t counter_write(void *self, const char *p, ptrdiff_t n)
{
    (void)p;
    ((counter_t *)self)->bytes += n;
    return n;
}
static const cur_type_t counter_type = CUR_TYPE_COPY_INIT(counter_t);
WRITER_IMPL(counter_writer, &counter_type, counter_write);

/* A line buffer: overrides flush, which prints and empties it. */
typedef struct line_buf {
    char text[64];
    ptrdiff_t len;
} line_buf_t;

static ptrdiff_t line_buf_write(void *self, const char *p, ptrdiff_t n)
{
    line_buf_t *b = self;
    ptrdiff_t room = (ptrdiff_t)sizeof b->text - 1 - b->len;
    if (n > room) n = room;
    memcpy(b->text + b->len, p, (size_t)n);
    b->len += n;
    return n;
}
static int line_buf_flush(dyn_writer self)
{
    line_buf_t *b = self.data;
    printf("    flushed: \"%.*s\"\n", (int)b->len, b->text);
    b->len = 0;
    return 0;
}
static const cur_type_t line_buf_type = CUR_TYPE_COPY_INIT(line_buf_t);
WRITER_IMPL(line_buf_writer, &line_buf_type, line_buf_write,
            .flush = line_buf_flush);

/*
 * A blanket impl: `impl<W: Writer> Log for W`. One Log vtable serves every
 * Writer: its data is a pointer to the writer's trait object, and its
 * method goes through the Writer vtable. Rust stamps out one copy per W;
 * here one copy works for all of them, through two levels of dispatch.
 */
CUR_DYN_TYPE(dyn_log, log_vtable);
typedef struct log_vtable {
    cur_vtable_t hdr;
    void (*log)(void *self, const char *level, const char *msg);
} log_vtable_t;

static const cur_trait_method_t log_methods[] = {
    CUR_TRAIT_REQUIRED(log_vtable_t, log),
};
static const cur_trait_t log_trait =
    CUR_TRAIT_INIT("Log", log_vtable_t, log_methods);

static void log_via_writer(void *self, const char *level, const char *msg)
{
    dyn_writer w = *(dyn_writer *)self;
    CUR_DYN_CALL_PROVIDED(w, write_str, "[");
    CUR_DYN_CALL_PROVIDED(w, write_str, level);
    CUR_DYN_CALL_PROVIDED(w, write_str, "] ");
    CUR_DYN_CALL_PROVIDED(w, write_str, msg);
    CUR_DYN_CALL_PROVIDED(w, flush);
}
static const cur_type_t dyn_writer_type = CUR_TYPE_COPY_INIT(dyn_writer);
static const log_vtable_t log_for_writer = {
    .hdr = CUR_VTABLE_HDR(&log_trait, &dyn_writer_type),
    CUR_REQUIRE(log_vtable_t, log, log_via_writer),
};

/* The coercion of the blanket impl: any Writer becomes a Log. */
static dyn_log writer_as_log(dyn_writer *w)
{
    return (dyn_log){w, &log_for_writer};
}

int main(void)
{
    printf("1. defaults filled in at build time:\n");
    printf("  counter: write_str %s, flush %s\n",
           counter_writer.write_str == writer_write_str_default ? "default"
                                                                : "own",
           counter_writer.flush == writer_flush_default ? "default" : "own");
    printf("  line_buf: write_str %s, flush %s\n",
           line_buf_writer.write_str == writer_write_str_default ? "default"
                                                                 : "own",
           line_buf_writer.flush == writer_flush_default ? "default" : "own");

    counter_t count = {0};
    line_buf_t line = {.len = 0};
    dyn_writer writers[] = {{&count, &counter_writer},
                            {&line, &line_buf_writer}};
    for (int i = 0; i < 2; i++) {
        CUR_DYN_CALL_PROVIDED(writers[i], write_str, "hello, ");
        CUR_DYN_CALL_PROVIDED(writers[i], write_str, "traits");
        CUR_DYN_CALL_PROVIDED(writers[i], flush);
    }
    printf("  the counter saw %td bytes\n", count.bytes);

    printf("2. a vtable assembled at run time:\n");
    writer_vtable_t partial = {.hdr = CUR_VTABLE_HDR(NULL, &counter_type)};
    writer_vtable_t built;
    int rc = cur_trait_complete(&writer_trait, &built, &partial);
    if (rc < 0)
        printf("  refused: %s: required method `%s` is missing (%s)\n",
               writer_trait.name, cur_trait_missing(&writer_trait, &partial),
               cur_err_name(rc));
    partial.write = counter_write;
    rc = cur_trait_complete(&writer_trait, &built, &partial);
    printf("  with write set: %s, write_str %s\n", cur_err_name(rc),
           built.write_str == writer_write_str_default ? "default" : "own");
    dyn_writer late = {&count, &built};
    CUR_DYN_CALL_PROVIDED(late, write_str, "!!");
    printf("  the counter saw %td bytes\n", count.bytes);

    printf("3. a blanket impl: every Writer is a Log\n");
    for (int i = 0; i < 2; i++) {
        dyn_log log = writer_as_log(&writers[i]);
        printf("  through %s:\n", CUR_DYN_TYPE_NAME(writers[i]));
        CUR_DYN_CALL(log, log, "info", "started");
    }
    printf("  the counter saw %td bytes\n", count.bytes);
    return 0;
}
