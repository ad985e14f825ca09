/*
 * bench/harness.c: the benchmark harness (API in harness.h, method and
 * output forms in docs/bench.md).
 *
 * Invariants:
 *   - Within a group every present implementation gets the same number of
 *     samples, taken in rounds. Round r runs the m present implementations
 *     starting at the (r mod m)-th, so each one is first, second, ... equally
 *     often and a change of machine speed lands on all of them alike.
 *   - One sample is one call fn(state, iters) between two CLOCK_MONOTONIC
 *     readings, or for a self-timing impl one call timed(state, iters, out)
 *     and the time it reports. iters is fixed per implementation per group
 *     (chosen from its warm-up), so all samples of an implementation measure
 *     the same work.
 *   - An impl whose timed call fails is out of the group from then on: it is
 *     recorded under "missing" with "failed: <why>", the others go on.
 *   - Results are kept in call order. Present results go to "results" (every
 *     number finite), absent ones to "missing"; nothing is dropped.
 *   - The statistics are pure functions of their input: the bootstrap
 *     reseeds its generator on every call, so equal input gives equal output.
 *
 * Clock: CLOCK_MONOTONIC is read through the vDSO (about 20 ns), has
 * nanosecond resolution and never steps. Its NTP slew (at most 500 ppm) is
 * far below the noise of this machine, and a sample lasts at least ~2 ms, so
 * the reading overhead is below 0.01%. The TSC would not be better: it ticks
 * at a fixed reference rate, not with the core clock, so it sees the same
 * speed changes, and it is not portable.
 *
 * This file is also compiled into the unit tests by
 * `#include "../bench/harness.c"`, so it has no main() and only static
 * helpers besides the functions declared in harness.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Caps a per-call iteration count; a no-op fn would otherwise overflow. */
#define BENCH_MAX_ITERS ((int64_t)1 << 40)
/* Fixed bootstrap seed: equal samples give equal intervals on every run. */
#define BENCH_SEED UINT64_C(0x2545F4914F6CDD1D)
#define BENCH_NS_PER_MS 1000000.0

typedef struct bench_config {
    const char *mode;  /* "quick" or "full" */
    int samples;       /* sample rounds per group */
    int min_samples;   /* rounds kept at least when the budget runs out */
    int64_t sample_ns; /* target duration of one sample */
    int64_t warmup_ns; /* warm-up time per implementation */
    int64_t budget_ns; /* sampling budget per implementation per group */
    int boot_rounds;   /* bootstrap resamples */
} bench_config_t;

/*
 * Quick: 4 impls x (50 ms warm-up + 25 x 2 ms) is about 0.4 s per group.
 * The budget (15x the planned sampling time) only bites when the machine is
 * much slower than the warm-up said, or one call of fn is far too long.
 */
static const bench_config_t bench_quick_config = {
    .mode = "quick",
    .samples = 25,
    .min_samples = 10,
    .sample_ns = 2000000,
    .warmup_ns = 50000000,
    .budget_ns = 750000000,
    .boot_rounds = 1000,
};

static const bench_config_t bench_full_config = {
    .mode = "full",
    .samples = 100,
    .min_samples = 20,
    .sample_ns = 10000000,
    .warmup_ns = 300000000,
    .budget_ns = 15000000000,
    .boot_rounds = 5000,
};

typedef struct bench_result {
    char *group;
    char *impl;
    char *unit;
    double median; /* figure per unit, e.g. ns/op */
    double lo;     /* bootstrap 95% interval of the median */
    double hi;
    int samples;
    int nextra;                           /* medians of the extra figures */
    bench_extra_t extra[BENCH_MAX_EXTRA];
} bench_result_t;

typedef struct bench_missing {
    char *group;
    char *impl;
    char *why;
} bench_missing_t;

typedef struct bench_hook {
    void (*fn)(void *arg);
    void *arg;
} bench_hook_t;

struct bench {
    char *suite;
    char *argv0;       /* argv[0] from bench_init, "" when there was none */
    char *filter;      /* NULL: every group */
    char *out;         /* output directory */
    bench_config_t cfg;
    bool list;         /* --list: print group names only */
    bool failed;       /* a group was misused or could not be recorded */
    int groups_run;
    bench_result_t *res;
    int nres, cap_res;
    bench_missing_t *mis;
    int nmis, cap_mis;
    bench_hook_t *hooks; /* run last-registered first when b is freed */
    int nhooks, cap_hooks;
};

/* --- statistics ----------------------------------------------------------- */

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_sort(double *xs, int n)
{
    if (n > 1) qsort(xs, (size_t)n, sizeof *xs, bench_cmp_double);
}

/* Quantile p of sorted xs, interpolating linearly (R's type 7). */
static double bench_quantile_sorted(const double *xs, int n, double p)
{
    double pos = p * (double)(n - 1);
    int i = (int)pos;
    if (i >= n - 1) return xs[n - 1];
    double frac = pos - (double)i;
    return xs[i] + (xs[i + 1] - xs[i]) * frac;
}

static double bench_median_sorted(const double *xs, int n)
{
    return (xs[(n - 1) / 2] + xs[n / 2]) / 2;
}

static uint64_t bench_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

double bench_median(double *xs, int n)
{
    if (n <= 0 || !xs) return NAN;
    bench_sort(xs, n);
    return bench_median_sorted(xs, n);
}

/*
 * A resample of sorted data is described by how often each index was drawn;
 * walking those counts in index order visits the resample in sorted order, so
 * the median of one resample costs O(n) and no sort.
 */
void bench_bootstrap_ci(const double *xs, int n, int rounds, double *lo,
                        double *hi)
{
    *lo = *hi = NAN;
    if (n <= 0 || !xs) return;
    double *sorted = malloc((size_t)n * sizeof *sorted);
    int *count = calloc((size_t)n, sizeof *count);
    double *meds = malloc((size_t)(rounds > 0 ? rounds : 1) * sizeof *meds);
    if (!sorted || !count || !meds) goto out;
    memcpy(sorted, xs, (size_t)n * sizeof *sorted);
    bench_sort(sorted, n);
    if (rounds <= 0 || n == 1) {
        *lo = *hi = bench_median_sorted(sorted, n);
        goto out;
    }
    uint64_t rng = BENCH_SEED;
    int rank_a = (n - 1) / 2, rank_b = n / 2;
    for (int r = 0; r < rounds; r++) {
        memset(count, 0, (size_t)n * sizeof *count);
        for (int k = 0; k < n; k++)
            count[bench_splitmix64(&rng) % (uint64_t)n]++;
        double va = 0, vb = 0;
        bool have_a = false;
        int cum = 0;
        for (int k = 0; k < n; k++) {
            cum += count[k]; /* ranks below cum hold values <= sorted[k] */
            if (!have_a && cum > rank_a) {
                va = sorted[k];
                have_a = true;
            }
            if (cum > rank_b) {
                vb = sorted[k];
                break;
            }
        }
        meds[r] = (va + vb) / 2;
    }
    bench_sort(meds, rounds);
    *lo = bench_quantile_sorted(meds, rounds, 0.025);
    *hi = bench_quantile_sorted(meds, rounds, 0.975);
out:
    free(meds);
    free(count);
    free(sorted);
}

/* mild and severe are disjoint: mild lies between the two fences. */
void bench_outliers(const double *xs, int n, int *mild, int *severe)
{
    *mild = *severe = 0;
    if (n <= 0 || !xs) return;
    double *sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted) return;
    memcpy(sorted, xs, (size_t)n * sizeof *sorted);
    bench_sort(sorted, n);
    double q1 = bench_quantile_sorted(sorted, n, 0.25);
    double q3 = bench_quantile_sorted(sorted, n, 0.75);
    double iqr = q3 - q1;
    for (int i = 0; i < n; i++) {
        double x = xs[i];
        if (x < q1 - 3 * iqr || x > q3 + 3 * iqr)
            ++*severe;
        else if (x < q1 - 1.5 * iqr || x > q3 + 1.5 * iqr)
            ++*mild;
    }
    free(sorted);
}

/* --- command line --------------------------------------------------------- */

static void bench_usage(FILE *f, const char *suite)
{
    fprintf(f,
            "usage: bench_%s [--quick | --full] [--filter=SUBSTR] [--out=DIR]"
            " [--list]\n"
            "  --quick          25 samples of ~2 ms after 50 ms warm-up"
            " (default)\n"
            "  --full           100 samples of ~10 ms after 300 ms warm-up"
            " (or BENCH_MODE=full)\n"
            "  --filter=SUBSTR  only groups whose name contains SUBSTR\n"
            "  --out=DIR        where <suite>.json and .dat go"
            " (default bench/results)\n"
            "  --list           print the group names, measure nothing\n"
            "tuning: --samples=N --sample-ms=X --warmup-ms=X --bootstrap=N\n",
            suite);
}

static bool bench_parse_int(const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return false;
    *out = (int)v;
    return true;
}

/* A duration in ms, as ns; 0 <= ms <= one hour. */
static bool bench_parse_ms(const char *s, int64_t *out_ns)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 3600e3)) return false;
    *out_ns = (int64_t)(v * BENCH_NS_PER_MS);
    return true;
}

static void bench_free(bench_t *b)
{
    if (!b) return;
    while (b->nhooks > 0) {
        bench_hook_t h = b->hooks[--b->nhooks];
        h.fn(h.arg);
    }
    free(b->hooks);
    for (int i = 0; i < b->nres; i++) {
        free(b->res[i].group);
        free(b->res[i].impl);
        free(b->res[i].unit);
    }
    for (int i = 0; i < b->nmis; i++) {
        free(b->mis[i].group);
        free(b->mis[i].impl);
        free(b->mis[i].why);
    }
    free(b->res);
    free(b->mis);
    free(b->suite);
    free(b->argv0);
    free(b->filter);
    free(b->out);
    free(b);
}

bench_t *bench_init(const char *suite, int argc, char **argv)
{
    if (!suite || !*suite || strchr(suite, '/') || suite[0] == '.') {
        fprintf(stderr, "bench: bad suite name '%s'\n", suite ? suite : "");
        return NULL;
    }
    bench_t *b = calloc(1, sizeof *b);
    if (!b || !(b->suite = strdup(suite))) goto oom;
    if (!(b->argv0 = strdup(argc > 0 && argv && argv[0] ? argv[0] : "")))
        goto oom;
    b->cfg = bench_quick_config;

    const char *env = getenv("BENCH_MODE");
    if (env && strcmp(env, "full") == 0) {
        b->cfg = bench_full_config;
    } else if (env && *env && strcmp(env, "quick") != 0) {
        fprintf(stderr,
                "bench_%s: BENCH_MODE must be quick or full, not '%s'\n",
                suite, env);
        goto bad;
    }

    /* Tuning overrides apply on top of whichever mode is chosen last. */
    int samples = -1, boot = -1;
    int64_t sample_ns = -1, warmup_ns = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quick") == 0) {
            b->cfg = bench_quick_config;
        } else if (strcmp(a, "--full") == 0) {
            b->cfg = bench_full_config;
        } else if (strcmp(a, "--list") == 0) {
            b->list = true;
        } else if (strncmp(a, "--filter=", 9) == 0) {
            free(b->filter);
            if (!(b->filter = strdup(a + 9))) goto oom;
        } else if (strncmp(a, "--out=", 6) == 0 && a[6]) {
            free(b->out);
            if (!(b->out = strdup(a + 6))) goto oom;
        } else if (strncmp(a, "--samples=", 10) == 0) {
            if (!bench_parse_int(a + 10, 1, 1000000, &samples)) goto badarg;
        } else if (strncmp(a, "--bootstrap=", 12) == 0) {
            if (!bench_parse_int(a + 12, 1, 10000000, &boot)) goto badarg;
        } else if (strncmp(a, "--sample-ms=", 12) == 0) {
            if (!bench_parse_ms(a + 12, &sample_ns)) goto badarg;
        } else if (strncmp(a, "--warmup-ms=", 12) == 0) {
            if (!bench_parse_ms(a + 12, &warmup_ns)) goto badarg;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            bench_usage(stdout, suite);
            goto bad;
        } else {
            fprintf(stderr, "bench_%s: unknown option '%s'\n", suite, a);
            bench_usage(stderr, suite);
            goto bad;
        }
        continue;
    badarg:
        fprintf(stderr, "bench_%s: bad value in '%s'\n", suite, a);
        goto bad;
    }
    if (samples > 0) {
        b->cfg.samples = samples;
        if (b->cfg.min_samples > samples) b->cfg.min_samples = samples;
    }
    if (boot > 0) b->cfg.boot_rounds = boot;
    if (sample_ns >= 0) b->cfg.sample_ns = sample_ns;
    if (warmup_ns >= 0) b->cfg.warmup_ns = warmup_ns;
    if (!b->out && !(b->out = strdup("bench/results"))) goto oom;
    return b;

oom:
    fprintf(stderr, "bench: out of memory\n");
bad:
    bench_free(b);
    return NULL;
}

bool bench_wants(const bench_t *b, const char *group)
{
    return b && group && (!b->filter || strstr(group, b->filter));
}

/* --- measuring ------------------------------------------------------------ */

static int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
}

static int64_t bench_clamp_iters(double want)
{
    if (!(want >= 1)) return 1; /* also NaN */
    if (want >= (double)BENCH_MAX_ITERS) return BENCH_MAX_ITERS;
    return (int64_t)(want + 0.5);
}

static bool bench_key_ok(const char *k)
{
    size_t n = strnlen(k, BENCH_EXTRA_KEY);
    if (n == 0 || n == BENCH_EXTRA_KEY) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
            !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-')
            return false;
    }
    return true;
}

/*
 * One call: setup (untimed) if any, then fn between two clock readings, or
 * the impl's own timing. *wall_ns is the wall time of the call, which plans
 * the iteration counts (never less than the reported time, so a self-timing
 * impl that reports CPU time or nothing cannot make a sample run away).
 * False when a self-timing impl failed or reported nonsense; t->why says why.
 */
static bool bench_call(const bench_impl_t *im, int64_t iters,
                       bench_timing_t *t, int64_t *wall_ns)
{
    if (im->setup) im->setup(im->state);
    if (!im->timed) {
        int64_t t0 = bench_now_ns();
        im->fn(im->state, iters);
        t->ns = *wall_ns = bench_now_ns() - t0;
        t->nextra = 0;
        return true;
    }
    memset(t, 0, sizeof *t);
    int64_t t0 = bench_now_ns();
    bool ok = im->timed(im->state, iters, t);
    *wall_ns = bench_now_ns() - t0;
    t->why[sizeof t->why - 1] = '\0';
    if (!ok) {
        if (!t->why[0]) snprintf(t->why, sizeof t->why, "no reason given");
        return false;
    }
    if (t->ns < 0 || t->nextra < 0 || t->nextra > BENCH_MAX_EXTRA) {
        snprintf(t->why, sizeof t->why,
                 "reported a bad timing (ns=%lld, nextra=%d)",
                 (long long)t->ns, t->nextra);
        return false;
    }
    for (int k = 0; k < t->nextra; k++) {
        if (!bench_key_ok(t->extra[k].key) || !isfinite(t->extra[k].value)) {
            snprintf(t->why, sizeof t->why, "reported a bad extra figure");
            return false;
        }
    }
    if (*wall_ns < t->ns) *wall_ns = t->ns;
    return true;
}

/*
 * Runs the impl with doubling counts (1, 2, 4, ...) until warmup_ns have
 * passed, never planning a call past the end, and sets *rate to iterations
 * per ns. At least one call is made, so warmup_ns == 0 still touches the
 * code once. False (with t->why) when a self-timing call failed.
 */
static bool bench_warm_up(const bench_impl_t *im, int64_t warmup_ns,
                          bench_timing_t *t, double *rate)
{
    int64_t iters = 1, done = 0, spent = 0;
    int64_t start = bench_now_ns();
    for (;;) {
        int64_t wall;
        if (!bench_call(im, iters, t, &wall)) return false;
        done += iters;
        spent += wall;
        int64_t left = warmup_ns - (bench_now_ns() - start);
        if (left <= 0) break;
        double r = spent > 0 ? (double)done / (double)spent : INFINITY;
        if (!im->setup) /* one-shot impls always run one iteration */
            iters = bench_clamp_iters(fmin(2.0 * (double)iters,
                                           (double)left * r));
    }
    *rate = spent > 0 ? (double)done / (double)spent : INFINITY;
    return true;
}

static char *bench_strdup_or(const char *s, const char *dflt)
{
    return strdup(s ? s : dflt);
}

static bool bench_grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return true;
    int ncap = *cap ? *cap * 2 : 16;
    while (ncap < need) ncap *= 2;
    void *np = realloc(*p, (size_t)ncap * elem);
    if (!np) return false;
    *p = np;
    *cap = ncap;
    return true;
}

/* --- extensions ----------------------------------------------------------- */

const char *bench_argv0(const bench_t *b) { return b ? b->argv0 : ""; }

bool bench_listing(const bench_t *b) { return b && b->list; }

bool bench_at_finish(bench_t *b, void (*fn)(void *arg), void *arg)
{
    if (!b || !fn ||
        !bench_grow((void **)&b->hooks, &b->cap_hooks, b->nhooks + 1,
                    sizeof *b->hooks))
        return false;
    b->hooks[b->nhooks++] = (bench_hook_t){.fn = fn, .arg = arg};
    return true;
}

void *bench_finish_arg(const bench_t *b, void (*fn)(void *arg))
{
    for (int i = 0; b && i < b->nhooks; i++)
        if (b->hooks[i].fn == fn) return b->hooks[i].arg;
    return NULL;
}

static void bench_record_missing(bench_t *b, const char *group,
                                 const char *impl, const char *why)
{
    if (!bench_grow((void **)&b->mis, &b->cap_mis, b->nmis + 1,
                    sizeof *b->mis))
        goto oom;
    bench_missing_t *m = &b->mis[b->nmis];
    m->group = bench_strdup_or(group, "");
    m->impl = bench_strdup_or(impl, "(unnamed)");
    m->why = bench_strdup_or(why, "no reason given");
    if (!m->group || !m->impl || !m->why) {
        free(m->group);
        free(m->impl);
        free(m->why);
        goto oom;
    }
    b->nmis++;
    return;
oom:
    fprintf(stderr, "bench: out of memory recording %s/%s\n", group,
            impl ? impl : "");
    b->failed = true;
}

static void bench_record_result(bench_t *b, const char *group,
                                const char *impl, const char *unit,
                                double median, double lo, double hi,
                                int samples, const bench_extra_t *extra,
                                int nextra)
{
    if (!bench_grow((void **)&b->res, &b->cap_res, b->nres + 1,
                    sizeof *b->res))
        goto oom;
    bench_result_t *r = &b->res[b->nres];
    r->group = bench_strdup_or(group, "");
    r->impl = bench_strdup_or(impl, "(unnamed)");
    r->unit = bench_strdup_or(unit, "");
    if (!r->group || !r->impl || !r->unit) {
        free(r->group);
        free(r->impl);
        free(r->unit);
        goto oom;
    }
    r->median = median;
    r->lo = lo;
    r->hi = hi;
    r->samples = samples;
    r->nextra = nextra;
    if (nextra > 0) memcpy(r->extra, extra, (size_t)nextra * sizeof *extra);
    b->nres++;
    return;
oom:
    fprintf(stderr, "bench: out of memory recording %s/%s\n", group,
            impl ? impl : "");
    b->failed = true;
}

/* A figure in 4 to 5 significant digits, without exponents where sane. */
static void bench_fmt(char *buf, size_t len, double v)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, len, "-");
    else if (a >= 1000)
        snprintf(buf, len, "%.0f", v);
    else if (a >= 100)
        snprintf(buf, len, "%.1f", v);
    else if (a >= 10)
        snprintf(buf, len, "%.2f", v);
    else if (a >= 0.01 || a == 0)
        snprintf(buf, len, "%.3f", v);
    else
        snprintf(buf, len, "%.3g", v);
}

typedef struct bench_stat {
    double median, lo, hi;
    int mild, severe;
    bool failed;                          /* a self-timing call failed */
    char why[BENCH_WHY_LEN];              /* ... and why */
    int nextra;                           /* extra figures: keys, medians */
    bench_extra_t extra[BENCH_MAX_EXTRA];
    int nvals[BENCH_MAX_EXTRA];           /* values kept per key */
} bench_stat_t;

static bool bench_present(const bench_impl_t *im, const bench_stat_t *s)
{
    return im->fn && !s->failed;
}

static int bench_max(int a, int b) { return a > b ? a : b; }

static void bench_print_table(const bench_t *b, const char *group,
                              const char *unit, const bench_impl_t *impls,
                              int n, const bench_stat_t *st, int rounds)
{
    /* st is indexed like impls; entries of missing impls are unused. */
    double fastest = INFINITY;
    int wname = 4, wci = 6, wout = 8;
    char ci[96], out[64], a[32], c[32];
    for (int i = 0; i < n; i++) {
        const char *name = impls[i].name ? impls[i].name : "(unnamed)";
        wname = bench_max(wname, (int)strlen(name));
        if (!bench_present(&impls[i], &st[i])) continue;
        if (st[i].median < fastest) fastest = st[i].median;
        bench_fmt(a, sizeof a, st[i].lo);
        bench_fmt(c, sizeof c, st[i].hi);
        wci = bench_max(wci, snprintf(ci, sizeof ci, "[%s, %s]", a, c));
    }
    wout = bench_max(wout, (int)strlen("99 mild, 99 severe"));
    printf("%s/%s (%s, %s mode)\n", b->suite, group, unit, b->cfg.mode);
    printf("  %-*s %10s  %-*s %8s  %-*s %7s\n", wname, "impl", "median", wci,
           "95% CI", "ratio", wout, "outliers", "samples");
    for (int i = 0; i < n; i++) {
        const char *name = impls[i].name ? impls[i].name : "(unnamed)";
        if (!impls[i].fn) {
            printf("  %-*s missing: %s\n", wname, name,
                   impls[i].why_missing ? impls[i].why_missing
                                        : "no reason given");
            continue;
        }
        if (st[i].failed) {
            printf("  %-*s failed: %s\n", wname, name, st[i].why);
            continue;
        }
        bench_fmt(a, sizeof a, st[i].lo);
        bench_fmt(c, sizeof c, st[i].hi);
        snprintf(ci, sizeof ci, "[%s, %s]", a, c);
        char med[32], ratio[32];
        bench_fmt(med, sizeof med, st[i].median);
        double rt = st[i].median / fastest;
        if (isfinite(rt))
            snprintf(ratio, sizeof ratio, "%.2fx", rt);
        else
            snprintf(ratio, sizeof ratio, "-");
        if (st[i].mild && st[i].severe)
            snprintf(out, sizeof out, "%d mild, %d severe", st[i].mild,
                     st[i].severe);
        else if (st[i].mild)
            snprintf(out, sizeof out, "%d mild", st[i].mild);
        else if (st[i].severe)
            snprintf(out, sizeof out, "%d severe", st[i].severe);
        else
            snprintf(out, sizeof out, "none");
        printf("  %-*s %10s  %-*s %8s  %-*s %7d\n", wname, name, med, wci, ci,
               ratio, wout, out, rounds);
        if (st[i].nextra > 0) {
            printf("  %-*s ", wname, "");
            for (int k = 0; k < st[i].nextra; k++) {
                bench_fmt(a, sizeof a, st[i].extra[k].value);
                printf(" %s=%s", st[i].extra[k].key, a);
            }
            printf("  (medians)\n");
        }
    }
    if (rounds > 0 && rounds < b->cfg.samples)
        printf("  note: time budget reached after %d of %d sample rounds\n",
               rounds, b->cfg.samples);
    printf("\n");
    fflush(stdout);
}

/*
 * Group names are unique in a suite and impl names in a group (tools key on
 * them); a clash is reported and fails the run.
 */
static bool bench_names_clash(const bench_t *b, const char *group,
                              const bench_impl_t *impls, int n)
{
    for (int i = 0; i < b->nres; i++)
        if (strcmp(b->res[i].group, group) == 0) goto dup_group;
    for (int i = 0; i < b->nmis; i++)
        if (strcmp(b->mis[i].group, group) == 0) goto dup_group;
    for (int i = 0; i < n; i++) {
        const char *a = impls[i].name ? impls[i].name : "(unnamed)";
        for (int j = 0; j < i; j++) {
            const char *c = impls[j].name ? impls[j].name : "(unnamed)";
            if (strcmp(a, c) == 0) {
                fprintf(stderr, "bench_%s: %s: two impls named '%s'\n",
                        b->suite, group, a);
                return true;
            }
        }
    }
    return false;
dup_group:
    fprintf(stderr, "bench_%s: group '%s' is measured twice\n", b->suite,
            group);
    return true;
}

/* Takes a failed impl out of the group, saying so at once on stderr. */
static void bench_fail(const bench_t *b, const char *group,
                       const bench_impl_t *im, bench_stat_t *s,
                       const char *why)
{
    s->failed = true;
    snprintf(s->why, sizeof s->why, "%s", why);
    fprintf(stderr, "\n[%s] %s/%s failed: %s\n", b->suite, group,
            im->name ? im->name : "(unnamed)", s->why);
}

/*
 * Keeps one sample's extra figures: vals holds S values per key, keys in
 * order of first appearance; keys past BENCH_MAX_EXTRA are dropped.
 */
static void bench_keep_extra(bench_stat_t *s, const bench_timing_t *t,
                             double *vals, int S)
{
    for (int e = 0; e < t->nextra; e++) {
        int k = 0;
        while (k < s->nextra && strcmp(s->extra[k].key, t->extra[e].key) != 0)
            k++;
        if (k == s->nextra) {
            if (k == BENCH_MAX_EXTRA) continue;
            memcpy(s->extra[k].key, t->extra[e].key, BENCH_EXTRA_KEY);
            s->nextra++;
        }
        if (s->nvals[k] < S)
            vals[(size_t)k * (size_t)S + (size_t)s->nvals[k]++] =
                t->extra[e].value;
    }
}

void bench_group(bench_t *b, const char *group, const char *unit,
                 double ops_per_iter, const bench_impl_t *impls, int n)
{
    if (!b) return;
    if (!group || !*group) {
        fprintf(stderr, "bench_%s: bench_group needs a group name\n",
                b->suite);
        b->failed = true;
        return;
    }
    if (!bench_wants(b, group)) return;
    if (b->list) {
        printf("%s\n", group);
        fflush(stdout);
        return;
    }
    if (n < 0 || (n > 0 && !impls) || !isfinite(ops_per_iter) ||
        !(ops_per_iter > 0)) {
        fprintf(stderr,
                "bench_%s: %s: bad arguments (n=%d, ops_per_iter=%g)\n",
                b->suite, group, n, ops_per_iter);
        b->failed = true;
        return;
    }
    if (bench_names_clash(b, group, impls, n)) {
        b->failed = true;
        return;
    }
    if (!unit || !*unit) unit = "ns/op";
    b->groups_run++;
    fprintf(stderr, "[%s] %s ... ", b->suite, group);
    fflush(stderr);
    int64_t t_group = bench_now_ns();

    const bench_config_t *cfg = &b->cfg;
    int S = cfg->samples, m = 0;
    for (int i = 0; i < n; i++) m += impls[i].fn != NULL;
    int *idx = malloc((size_t)bench_max(m, 1) * sizeof *idx);
    int64_t *iters = malloc((size_t)bench_max(m, 1) * sizeof *iters);
    double *samples = malloc((size_t)bench_max(m, 1) * (size_t)S *
                             sizeof *samples);
    /* extra figures: S values per key per present impl */
    double *xvals = malloc((size_t)bench_max(m, 1) * BENCH_MAX_EXTRA *
                           (size_t)S * sizeof *xvals);
    double *scratch = malloc((size_t)S * sizeof *scratch);
    bench_stat_t *st = calloc((size_t)bench_max(n, 1), sizeof *st);
    bench_timing_t *tm = malloc(sizeof *tm);
    if (!idx || !iters || !samples || !xvals || !scratch || !st || !tm) {
        fprintf(stderr, "out of memory\n");
        b->failed = true;
        goto out;
    }
    for (int i = 0, j = 0; i < n; i++)
        if (impls[i].fn) idx[j++] = i;

    /* Warm-up, one implementation after the other, fixes iters per sample. */
    for (int j = 0; j < m; j++) {
        const bench_impl_t *im = &impls[idx[j]];
        double rate = 0;
        if (!bench_warm_up(im, cfg->warmup_ns, tm, &rate)) {
            bench_fail(b, group, im, &st[idx[j]], tm->why);
            continue;
        }
        iters[j] = im->setup ? 1
                             : bench_clamp_iters(rate *
                                                 (double)cfg->sample_ns);
    }

    /* Interleaved rounds: A B C, B C A, C A B, ... */
    int rounds = 0;
    int64_t t_sampling = bench_now_ns();
    int64_t budget = cfg->budget_ns * m;
    while (m > 0 && rounds < S) {
        for (int k = 0; k < m; k++) {
            int j = (rounds + k) % m;
            const bench_impl_t *im = &impls[idx[j]];
            bench_stat_t *s = &st[idx[j]];
            if (s->failed) continue;
            int64_t wall;
            if (!bench_call(im, iters[j], tm, &wall)) {
                bench_fail(b, group, im, s, tm->why);
                continue;
            }
            samples[(size_t)j * (size_t)S + (size_t)rounds] =
                (double)tm->ns / ((double)iters[j] * ops_per_iter);
            bench_keep_extra(s, tm,
                             &xvals[(size_t)j * BENCH_MAX_EXTRA * (size_t)S],
                             S);
        }
        rounds++;
        if (rounds >= cfg->min_samples &&
            bench_now_ns() - t_sampling > budget)
            break;
    }

    for (int j = 0; j < m; j++) {
        const double *xs = &samples[(size_t)j * (size_t)S];
        bench_stat_t *s = &st[idx[j]];
        if (s->failed) continue;
        bench_outliers(xs, rounds, &s->mild, &s->severe);
        bench_bootstrap_ci(xs, rounds, cfg->boot_rounds, &s->lo, &s->hi);
        memcpy(scratch, xs, (size_t)rounds * sizeof *scratch);
        s->median = bench_median(scratch, rounds);
        for (int k = 0; k < s->nextra; k++)
            s->extra[k].value = bench_median(
                &xvals[((size_t)j * BENCH_MAX_EXTRA + (size_t)k) * (size_t)S],
                s->nvals[k]);
    }

    for (int i = 0; i < n; i++) {
        const bench_impl_t *im = &impls[i];
        const bench_stat_t *s = &st[i];
        if (!im->fn) {
            bench_record_missing(b, group, im->name, im->why_missing);
        } else if (s->failed) {
            char why[BENCH_WHY_LEN + 16];
            snprintf(why, sizeof why, "failed: %s", s->why);
            bench_record_missing(b, group, im->name, why);
        } else if (!isfinite(s->median) || !isfinite(s->lo) ||
                   !isfinite(s->hi)) {
            bench_record_missing(b, group, im->name,
                                 "no finite result (out of memory?)");
        } else {
            bench_record_result(b, group, im->name, unit, s->median, s->lo,
                                s->hi, rounds, s->extra, s->nextra);
        }
    }
    fprintf(stderr, "%.2f s\n", (double)(bench_now_ns() - t_group) / 1e9);
    fflush(stderr);
    bench_print_table(b, group, unit, impls, n, st, rounds);
out:
    free(tm);
    free(st);
    free(scratch);
    free(xvals);
    free(samples);
    free(iters);
    free(idx);
}

/* --- output files --------------------------------------------------------- */

static void bench_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", (unsigned)*p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* Six significant digits: more than any benchmark here can resolve. */
static void bench_json_num(FILE *f, double v) { fprintf(f, "%.6g", v); }

/*
 * One object; one result per line so that diffs of the file stay readable.
 * Every number is finite (bench_group moves non-finite results to missing).
 */
static void bench_emit_json(FILE *f, const bench_t *b)
{
    fputs("{\"suite\": ", f);
    bench_json_str(f, b->suite);
    fputs(", \"results\": [", f);
    for (int i = 0; i < b->nres; i++) {
        const bench_result_t *r = &b->res[i];
        fputs(i ? ",\n  " : "\n  ", f);
        fputs("{\"group\": ", f);
        bench_json_str(f, r->group);
        fputs(", \"impl\": ", f);
        bench_json_str(f, r->impl);
        fputs(", \"unit\": ", f);
        bench_json_str(f, r->unit);
        fputs(", \"median\": ", f);
        bench_json_num(f, r->median);
        fputs(", \"lo\": ", f);
        bench_json_num(f, r->lo);
        fputs(", \"hi\": ", f);
        bench_json_num(f, r->hi);
        fprintf(f, ", \"samples\": %d", r->samples);
        if (r->nextra > 0) {
            fputs(", \"extra\": {", f);
            for (int k = 0; k < r->nextra; k++) {
                if (k) fputs(", ", f);
                bench_json_str(f, r->extra[k].key);
                fputs(": ", f);
                bench_json_num(f, r->extra[k].value);
            }
            fputc('}', f);
        }
        fputc('}', f);
    }
    fputs(b->nres ? "\n], \"missing\": [" : "], \"missing\": [", f);
    for (int i = 0; i < b->nmis; i++) {
        const bench_missing_t *m = &b->mis[i];
        fputs(i ? ",\n  " : "\n  ", f);
        fputs("{\"group\": ", f);
        bench_json_str(f, m->group);
        fputs(", \"impl\": ", f);
        bench_json_str(f, m->impl);
        fputs(", \"why\": ", f);
        bench_json_str(f, m->why);
        fputs("}", f);
    }
    fputs(b->nmis ? "\n]}\n" : "]}\n", f);
}

/* A name as one whitespace-free, gnuplot-safe field. */
static void bench_dat_name(FILE *f, const char *s)
{
    if (!*s) fputc('_', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p <= ' ' || *p == 0x7f || *p == '#' || *p == '"' ||
                      *p == '\''
                  ? '_'
                  : *p,
              f);
}

static void bench_emit_dat(FILE *f, const bench_t *b)
{
    for (int i = 0; i < b->nres; i++) {
        const bench_result_t *r = &b->res[i];
        bench_dat_name(f, r->group);
        fputc(' ', f);
        bench_dat_name(f, r->impl);
        fprintf(f, " %.6g %.6g %.6g\n", r->median, r->lo, r->hi);
    }
}

static int bench_mkdir_p(const char *path)
{
    char *p = strdup(path);
    if (!p) return -ENOMEM;
    int rc = 0;
    for (char *s = p + 1; *s && rc == 0; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -errno;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST) rc = -errno;
    free(p);
    return rc;
}

/* Writes <out>/<suite>.<ext> through a temporary file and rename(2). */
static int bench_write_atomic(const bench_t *b, const char *ext,
                              void (*emit)(FILE *, const bench_t *))
{
    char *path = NULL, *tmp = NULL;
    int rc = -1;
    if (asprintf(&path, "%s/%s.%s", b->out, b->suite, ext) < 0) path = NULL;
    if (asprintf(&tmp, "%s/.%s.%s.XXXXXX", b->out, b->suite, ext) < 0)
        tmp = NULL;
    if (!path || !tmp) {
        fprintf(stderr, "bench: out of memory\n");
        goto out;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "bench: cannot create %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    (void)fchmod(fd, 0644);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        fprintf(stderr, "bench: %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    emit(f, b);
    bool ok = !ferror(f) && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        err = errno;
    }
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(err));
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    free(path);
    return rc;
}

void bench_discard(bench_t *b) { bench_free(b); }

int bench_finish(bench_t *b)
{
    if (!b) return 1;
    int status = b->failed ? 1 : 0;
    if (b->list) {
        /* nothing measured, nothing written */
    } else if (b->groups_run == 0 && b->filter) {
        fprintf(stderr, "[%s] no group matches --filter=%s; nothing written\n",
                b->suite, b->filter);
    } else {
        int rc = bench_mkdir_p(b->out);
        if (rc != 0) {
            fprintf(stderr, "bench: cannot create %s: %s\n", b->out,
                    strerror(-rc));
            status = 1;
        } else if (bench_write_atomic(b, "json", bench_emit_json) != 0 ||
                   bench_write_atomic(b, "dat", bench_emit_dat) != 0) {
            status = 1;
        } else {
            fprintf(stderr, "[%s] wrote %s/%s.json and %s.dat\n", b->suite,
                    b->out, b->suite, b->suite);
        }
    }
    bench_free(b);
    return status;
}
