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

/* Writes JSON and .dat files, frees b. Returns the process exit status. */
int bench_finish(bench_t *b);

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
