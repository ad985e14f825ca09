/*
 * bench/harness.h: the benchmark harness every suite uses.
 *
 * Method (after Criterion.rs, adapted to a noisy 2-core machine):
 *   - all implementations of one workload ("group") are measured interleaved,
 *     A B C A B C ..., in a rotating order, so a change of machine speed in
 *     the middle of a run hits every implementation alike and the ratios
 *     stay stable;
 *   - each implementation is warmed up, then its iteration count per sample
 *     is chosen so that one sample lasts about the target sample time;
 *   - the result is the median time per operation over the samples, with a
 *     bootstrap 95% confidence interval of the median and outliers counted
 *     by Tukey's fences (1.5 and 3 IQR);
 *   - bench_black_box and bench_clobber keep the compiler from deleting or
 *     hoisting the measured work.
 *
 * Impls in other languages run in peer programs that time themselves
 * (bench/peer.h, docs/peers.md) through the timed hook below; C impls may
 * use that hook too, e.g. to report CPU time and extra figures.
 *
 * Output: a table per group (median, interval, ratio to the fastest) on
 * stdout, and bench/results/<suite>.json (see docs/bench.md for the form)
 * plus <suite>.dat for the plotting script.
 *
 * Command line of every suite program:
 *   --quick (default) | --full   sample counts and times
 *   --filter=SUBSTR              only groups whose name contains SUBSTR
 *   --out=DIR                    where to write JSON (default bench/results)
 *   --list                       print group names and exit
 * and, for the harness's own tests and for experiments (they override the
 * mode's values):
 *   --samples=N --sample-ms=X --warmup-ms=X --bootstrap=N
 * The environment variable BENCH_MODE=full selects --full; flags win.
 */
#ifndef CUR_BENCH_HARNESS_H
#define CUR_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs the workload `iters` times. state is the impl's own pointer. */
typedef void (*bench_fn)(void *state, int64_t iters);

/* Extra figures one call can report next to its time (see bench_timed_fn). */
#define BENCH_MAX_EXTRA 8
#define BENCH_EXTRA_KEY 32
#define BENCH_WHY_LEN 256

typedef struct bench_extra {
    char key[BENCH_EXTRA_KEY]; /* [A-Za-z0-9_.-]+, e.g. "late_p99_ns" */
    double value;              /* finite */
} bench_extra_t;

/* What one call of a timed impl reports. */
typedef struct bench_timing {
    int64_t ns;  /* elapsed ns of the timed part of all `iters` iterations */
    int nextra;  /* entries used in extra, 0..BENCH_MAX_EXTRA */
    bench_extra_t extra[BENCH_MAX_EXTRA];
    char why[BENCH_WHY_LEN]; /* on failure: why, one line */
} bench_timing_t;

/*
 * A self-timing impl: runs the workload `iters` times, measures the part
 * that counts itself (a peer process does its own timing, so the IPC is not
 * counted; an impl may also report CPU time instead of wall time) and
 * writes it to out->ns, with optional extra figures. The harness zeroes
 * *out before each call. Returns false on failure, with out->why set: the
 * impl is then reported as failed for this group (listed under "missing"
 * with the reason) and not called again in the group; the suite goes on.
 */
typedef bool (*bench_timed_fn)(void *state, int64_t iters,
                               bench_timing_t *out);

typedef struct bench_impl {
    const char *name; /* stable impl name, e.g. "cur", "malloc" */
    bench_fn fn;      /* NULL marks the peer as missing */
    void *state;      /* passed to fn */
    const char *why_missing; /* printed when fn is NULL */
    /*
     * Optional untimed preparation, for work that a sample consumes (build a
     * tree, then time only freeing it). When set, the impl runs one-shot:
     * every sample, warm-up included, is setup(state) untimed and then
     * fn(state, 1) timed, so ops_per_iter is the work of that one call.
     */
    void (*setup)(void *state);
    /*
     * Optional self-timing hook. When set (and fn is set: fn == NULL still
     * means missing), the harness calls timed instead of fn and uses the
     * time it reports instead of its own clock. Extra figures are
     * summarised per key as the median over the samples, printed under the
     * impl's row and stored as "extra" in the JSON result.
     */
    bench_timed_fn timed;
} bench_impl_t;

typedef struct bench bench_t;

/* Parses argv; returns NULL (after printing why) on a bad command line. */
bench_t *bench_init(const char *suite, int argc, char **argv);

/*
 * True if group passes --filter; use it to skip expensive setup. In --list
 * mode bench_group only prints the name and never calls any fn.
 */
bool bench_wants(const bench_t *b, const char *group);

/*
 * Measures one group. unit is the label of the figure ("ns/op",
 * "ns/KiB", ...); ops_per_iter is how many of those units one iteration
 * performs, so the figure is elapsed_ns / (iters * ops_per_iter). Impls with
 * fn == NULL are printed and recorded as missing, never dropped silently.
 */
void bench_group(bench_t *b, const char *group, const char *unit,
                 double ops_per_iter, const bench_impl_t *impls, int n);

/*
 * Writes JSON and .dat files, runs the bench_at_finish hooks (last
 * registered first), frees b. Returns the process exit status.
 */
int bench_finish(bench_t *b);

/* Runs the bench_at_finish hooks and frees b, writing nothing. */
void bench_discard(bench_t *b);

/*
 * For harness extensions (bench/peer.c): argv[0] as given to bench_init;
 * whether b only lists group names (--list), so nothing will be measured;
 * a hook fn(arg) that bench_finish or bench_discard runs before freeing b
 * (false when out of memory); and the arg of the first hook registered
 * with fn, or NULL, so an extension can keep its state per bench_t.
 */
const char *bench_argv0(const bench_t *b);
bool bench_listing(const bench_t *b);
bool bench_at_finish(bench_t *b, void (*fn)(void *arg), void *arg);
void *bench_finish_arg(const bench_t *b, void (*fn)(void *arg));

/* Compiler barriers. */
#define bench_black_box(x) __asm__ volatile("" : : "r,m"(x) : "memory")
static inline void bench_clobber(void) { __asm__ volatile("" ::: "memory"); }

/*
 * Statistics, exposed for the harness's own tests.
 * bench_median sorts xs in place. bench_bootstrap_ci resamples xs `rounds`
 * times with a fixed-seed generator and returns the 2.5% and 97.5%
 * quantiles of the resampled medians. bench_outliers counts values outside
 * the mild (1.5 IQR) and severe (3 IQR) fences.
 * Details: n <= 0 gives NAN (median, interval) and 0 counts; quartiles
 * interpolate linearly; mild and severe are disjoint (a severe outlier is
 * not also counted as mild); the interval is the same on every call.
 */
double bench_median(double *xs, int n);
void bench_bootstrap_ci(const double *xs, int n, int rounds, double *lo,
                        double *hi);
void bench_outliers(const double *xs, int n, int *mild, int *severe);

#endif /* CUR_BENCH_HARNESS_H */
