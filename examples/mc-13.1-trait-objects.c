/*
 * mc-13.1 Trait Objects and dyn Trait
 *
 * Shows: what a trait object is (two words: the value's address and its
 * impl's vtable), what the vtable's header holds (the type's name, size,
 * alignment and drop, as in Rust), a heterogeneous collection of owned
 * trait objects (Vec<Box<dyn Job>>), a downcast back to the concrete type
 * (Any::downcast_ref), and drop through the vtable: each box is freed
 * with the size and drop function its vtable names.
 *
 * Build: cc -std=gnu17 examples/mc-13.1-trait-objects.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/trait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* trait Job { fn name(&self) -> &str; fn run(&mut self) -> i32; } */
CUR_DYN_TYPE(dyn_job, job_vtable);
typedef struct job_vtable {
    cur_vtable_t hdr;
    const char *(*name)(const void *self);
    int (*run)(void *self);
} job_vtable_t;

static const cur_trait_method_t job_methods[] = {
    CUR_TRAIT_REQUIRED(job_vtable_t, name),
    CUR_TRAIT_REQUIRED(job_vtable_t, run),
};
static const cur_trait_t job_trait =
    CUR_TRAIT_INIT("Job", job_vtable_t, job_methods);

#define JOB_IMPL(var, type, name_fn, run_fn)                                \
    static const job_vtable_t var = {                                       \
        .hdr = CUR_VTABLE_HDR(&job_trait, type),                            \
        CUR_REQUIRE(job_vtable_t, name, name_fn),                           \
        CUR_REQUIRE(job_vtable_t, run, run_fn),                             \
    }

/* A small job: counts up. Plain data, nothing to drop. */
typedef struct tick {
    int count;
} tick_t;

static const char *tick_name(const void *self)
{
    (void)self;
    return "tick";
}
static int tick_run(void *self) { return ++((tick_t *)self)->count; }
static const cur_type_t tick_type = CUR_TYPE_COPY_INIT(tick_t);
JOB_IMPL(tick_job, &tick_type, tick_name, tick_run);

/* A bigger job that owns a heap buffer: its drop frees it (impl Drop). */
typedef struct report {
    char *text;     /* owned: freed by report_drop */
    int lines;
    double weights[4];
} report_t;

static const char *report_name(const void *self)
{
    return ((const report_t *)self)->text;
}
static int report_run(void *self) { return ++((report_t *)self)->lines; }
static void report_drop(void *value, const cur_alloc_t *a)
{
    (void)a;
    report_t *r = value;
    printf("    drop(report \"%s\"): freeing its text\n", r->text);
    free(r->text);
}
static const cur_type_t report_type =
    CUR_TYPE_INIT(report_t, report_drop, NULL);
JOB_IMPL(report_job, &report_type, report_name, report_run);

int main(void)
{
    printf("a trait object is %zu words; a plain pointer is 1\n",
           sizeof(dyn_job) / sizeof(void *));

    /* let mut jobs: Vec<Box<dyn Job>> = vec![...]; */
    dyn_job jobs[3];
    int n = 0;
    tick_t t = {0};
    report_t r = {.text = strdup("weekly"), .lines = 0};
    if (!r.text) return 1;
    if (CUR_DYN_BOX_NEW(&jobs[n], NULL, &tick_job, &t) == 0) n++;
    if (CUR_DYN_BOX_NEW(&jobs[n], NULL, &report_job, &r) == 0) n++;
    /* r was moved into the box: the box owns r.text now, not r. */
    t.count = 40;
    if (CUR_DYN_BOX_NEW(&jobs[n], NULL, &tick_job, &t) == 0) n++;
    if (n != 3) return 1;

    printf("the vtable header of each (Rust keeps size, align, drop there):\n");
    for (int i = 0; i < n; i++) {
        const cur_type_t *ty = jobs[i].vt->hdr.type;
        printf("  job %d: impl %s for %-8s size %2td align %td drop %s\n", i,
               CUR_DYN_TRAIT_NAME(jobs[i]), ty->name, ty->size, ty->align,
               ty->drop ? "yes" : "no");
    }

    printf("running every job through its vtable:\n");
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < n; i++)
            printf("  %-6s -> %d\n", CUR_DYN_CALL(jobs[i], name),
                   CUR_DYN_CALL(jobs[i], run));

    /* Downcast: the vtable's type descriptor is the TypeId. */
    printf("downcasts:\n");
    for (int i = 0; i < n; i++) {
        tick_t *tk = CUR_DYN_DOWNCAST(jobs[i], tick_t, &tick_type);
        if (tk)
            printf("  job %d is a tick at %d\n", i, tk->count);
        else
            printf("  job %d is not a tick\n", i);
    }

    /* drop(jobs): each box drops its value and frees exactly its size. */
    printf("dropping the collection:\n");
    for (int i = 0; i < n; i++) {
        printf("  job %d (%td bytes)\n", i, jobs[i].vt->hdr.type->size);
        CUR_DYN_BOX_FREE(&jobs[i]);
    }
    printf("job 0 after the free: data %s\n", jobs[0].data ? "set" : "NULL");
    return 0;
}
