/*
 * mc-05.4 Handling Panics and Recoverability
 *
 * Shows: a recoverable error (a return code the caller handles) next to a
 * panic (a contract violation: CUR_PANIC, CUR_ASSERT, CUR_UNWRAP of an
 * Err); a panic hook that reports to stdout; a worker loop that survives a
 * panicking job by running each one inside cur_catch_unwind; and an unwind
 * guard (CUR_ON_UNWIND) that frees a buffer on a panic, where the
 * `cleanup` attribute that frees it on a normal return does not run.
 *
 * Build: cc -std=gnu17 examples/mc-05.4-panics-and-recovery.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/result.h>

#include <stdio.h>
#include <stdlib.h>

CUR_RESULT_TYPE(res_int, int, int);

/*
 * The panic hook, Rust's std::panic::set_hook. The default hook prints
 * "thread '..' panicked at FILE:LINE (FUNC):" to stderr; this one prints
 * the function and the message to stdout and counts the panics in its
 * context. A hook must not panic itself: that would abort.
 */
static void report_panic(const cur_panic_info_t *info, void *ctx)
{
    int *count = ctx;
    ++*count;
    printf("  [hook] panic #%d in %s(): %s\n", *count, info->func,
           info->message);
}

/*
 * A job takes an input and writes a result; it returns 0 or a negative
 * code for the errors it expects, and panics on the bugs it finds.
 */
typedef struct job {
    const char *name;
    int (*run)(int input, int *out);
    int input;
    int rc;  /* what run returned, when it returned */
    int out; /* its result, when rc == 0 */
} job_t;

/* A recoverable failure: bad input is normal, so it is an Err. */
static res_int checked_percent(int v)
{
    if (v < 0 || v > 100) return CUR_ERR(res_int, CUR_ERANGE);
    return CUR_OK(res_int, v);
}

static int job_percent(int input, int *out)
{
    res_int r = checked_percent(input);
    if (!r.is_ok) return r.err; /* the caller handles it: no panic */
    *out = r.ok;
    return 0;
}

/*
 * unwrap() says "this cannot fail"; when it does, the program has a bug,
 * and CUR_UNWRAP panics rather than read the Err's union member as a value.
 */
static int job_unwrap(int input, int *out)
{
    *out = CUR_UNWRAP(checked_percent(input));
    return 0;
}

/* The caller must pass an index below 4: breaking that is a bug. */
static int job_index(int input, int *out)
{
    static const int weights[4] = {10, 20, 30, 40};
    CUR_ASSERT(input >= 0 && input < CUR_COUNTOF(weights));
    *out = weights[input];
    return 0;
}

/* A `cleanup` handler: runs when its variable goes out of scope. */
static void free_on_scope_exit(char **scratch)
{
    if (*scratch) printf("  [cleanup] freeing the scratch buffer\n");
    free(*scratch);
}

/* An unwind guard: runs only if a panic passes the frame that pushed it. */
static void free_on_unwind(void *scratch)
{
    printf("  [guard] freeing the scratch buffer\n");
    free(scratch);
}

/*
 * Holds a heap buffer while it works. The `cleanup` attribute frees it on
 * every return, like Drop at the end of a scope. But a panic jumps
 * straight to the boundary (C has no unwinding), and that skips `cleanup`
 * handlers: alone, it would leak the buffer. So the buffer also gets an
 * unwind guard, which runs only on a panic, the way Drop runs during
 * Rust's unwinding. On a normal return the guard is popped first (it was
 * declared last), and the `cleanup` frees: exactly one free either way.
 */
static int job_render(int input, int *out)
{
    __attribute__((cleanup(free_on_scope_exit))) char *scratch = malloc(64);
    if (!scratch) return CUR_ENOMEM;
    CUR_ON_UNWIND(free_on_unwind, scratch);

    if (input <= 0) CUR_PANIC("image size %d is not positive", input);
    *out = snprintf(scratch, 64, "%dx%d", input, input);
    return 0;
}

/*
 * The isolation pattern: a worker runs each job inside a catch-unwind
 * boundary, so a panicking job is reported and the worker goes on to the
 * next one. Thread pools and supervisors are built on this loop. It is
 * only sound because a job owns its state: whatever a panicking job had
 * half-changed is thrown away, not used.
 */
static void run_job(void *arg)
{
    job_t *job = arg;
    job->rc = job->run(job->input, &job->out);
}

static void worker(job_t *jobs, ptrdiff_t n)
{
    int done = 0, failed = 0, panicked = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        printf("job %s(%d):\n", jobs[i].name, jobs[i].input);
        cur_panic_info_t info;
        if (cur_catch_unwind(run_job, &jobs[i], &info) == CUR_EPANIC) {
            printf("  panicked in %s(); the worker carries on\n", info.func);
            panicked++;
        } else if (jobs[i].rc < 0) {
            printf("  error %s, handled\n", cur_err_name(jobs[i].rc));
            failed++;
        } else {
            printf("  ok: %d\n", jobs[i].out);
            done++;
        }
    }
    printf("worker: %d ok, %d failed, %d panicked\n", done, failed, panicked);
}

int main(void)
{
    /* Install our hook, keeping the old one to put back at the end. */
    int panics = 0;
    cur_panic_hook_fn old_hook;
    void *old_ctx;
    cur_panic_set_hook(report_panic, &panics, &old_hook, &old_ctx);

    /*
     * Abort mode, cur_panic_set_abort(true), is Cargo's panic = "abort":
     * the hook still runs, then the process aborts even inside
     * cur_catch_unwind. Choose it when no state could be trusted after a
     * panic, or to get a core dump. A panic outside any boundary aborts in
     * either mode. Neither happens here, since this program must exit 0.
     */
    job_t jobs[] = {
        {.name = "percent", .run = job_percent, .input = 42},
        {.name = "percent", .run = job_percent, .input = 250},
        {.name = "unwrap", .run = job_unwrap, .input = 250},
        {.name = "index", .run = job_index, .input = 7},
        {.name = "render", .run = job_render, .input = 0},
        {.name = "render", .run = job_render, .input = 64},
    };
    worker(jobs, CUR_COUNTOF(jobs));
    printf("panics seen by the hook: %d, raised on this thread: %ld\n",
           panics, cur_panic_count());

    /* Put the default hook back (or whichever hook was there before). */
    cur_panic_set_hook(old_hook, old_ctx, NULL, NULL);
    return 0;
}
