/*
 * tests/test_harness.c: the benchmark harness's statistics and its output,
 * its self-timing impls, and the peer-program driver (bench/peer.c) against
 * shell-script doubles of peer programs.
 *
 * The harness is not library code (it lives in bench/ and is linked into
 * the bench programs only), so it is compiled into this test by including
 * its source. It allocates with malloc, not through cur_alloc_t, so these
 * tests check its files and figures rather than cur_test_live_bytes().
 * No test asserts a timing: the trivial workloads only have to produce
 * some finite, non-negative figure.
 */
#include "../bench/harness.c"
#include "../bench/peer.c"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

/* --- helpers -------------------------------------------------------------- */

/* Tiny sampling so that a group costs well under a millisecond. */
#define FAST_ARGS "--quick", "--samples=5", "--sample-ms=0.02", \
                  "--warmup-ms=0.1", "--bootstrap=200"
/* argc of a NULL-terminated argv array. */
#define ARGC(argv) ((int)(sizeof(argv) / sizeof(*(argv))) - 1)

static void quiet(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
}

static void spin(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) bench_black_box(i);
}

/* Appends its id to a shared call log. */
typedef struct call_log {
    char ids[256];
    int n;
} call_log_t;

typedef struct logged_impl {
    call_log_t *log;
    char id;
} logged_impl_t;

static void logged(void *state, int64_t iters)
{
    logged_impl_t *li = state;
    cr_assert_geq(iters, 1);
    if (li->log->n < (int)sizeof li->log->ids - 1)
        li->log->ids[li->log->n++] = li->id;
}

static void counting(void *state, int64_t iters)
{
    (void)iters;
    ++*(int *)state;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 65536);
    if (buf) {
        size_t n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

static char *tmp_dir(void)
{
    char *d = strdup("/tmp/test_harness.XXXXXX");
    cr_assert_not_null(d);
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p;
        if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) continue;
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Runs suite "t": group "g" with a present impl "cur" and a missing "peer". */
static void run_tiny_suite(const char *out_dir)
{
    char *out;
    cr_assert_geq(asprintf(&out, "--out=%s", out_dir), 0);
    char *argv[] = {"bench_t", FAST_ARGS, out, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t impls[] = {
        {.name = "cur", .fn = spin},
        {.name = "peer", .fn = NULL, .why_missing = "not built here"},
    };
    bench_group(b, "g", "ns/op", 1, impls, 2);
    cr_assert_eq(bench_finish(b), 0);
    free(out);
}

/* The number after `"key": ` following position from, or NAN. */
static double number_after(const char *from, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(from, pat);
    if (!p) return NAN;
    p += strlen(pat);
    char *end;
    double v = strtod(p, &end);
    return end == p ? NAN : v;
}

/* --- statistics ----------------------------------------------------------- */

Test(harness, median_of_odd_count_is_middle_value)
{
    double xs[] = {9, 1, 5, 7, 3};
    cr_assert_eq(bench_median(xs, 5), 5.0);
}

Test(harness, median_of_even_count_is_mean_of_middle_pair)
{
    double xs[] = {4, 1, 3, 2};
    cr_assert_eq(bench_median(xs, 4), 2.5);
}

Test(harness, median_sorts_unsorted_input_in_place)
{
    double xs[] = {3.5, -1, 10, 0, 2};
    cr_assert_eq(bench_median(xs, 5), 2.0);
    for (int i = 1; i < 5; i++) cr_assert_leq(xs[i - 1], xs[i]);
}

Test(harness, median_of_one_value_is_that_value)
{
    double xs[] = {42.25};
    cr_assert_eq(bench_median(xs, 1), 42.25);
}

Test(harness, median_of_nothing_is_nan)
{
    double xs[] = {1};
    cr_assert(isnan(bench_median(xs, 0)));
}

/* 51 values spread around 100 by `spread`, in a scrambled order. */
static void spread_data(double *xs, int n, double spread)
{
    for (int i = 0; i < n; i++)
        xs[i] = 100 + spread * (double)((i * 37) % n - n / 2) / (double)n;
}

Test(harness, bootstrap_ci_brackets_the_median)
{
    double xs[51], tmp[51], lo, hi;
    spread_data(xs, 51, 10);
    memcpy(tmp, xs, sizeof xs);
    double med = bench_median(tmp, 51);
    bench_bootstrap_ci(xs, 51, 1000, &lo, &hi);
    cr_assert_lt(lo, hi);
    cr_assert_leq(lo, med);
    cr_assert_geq(hi, med);
    cr_assert_geq(lo, tmp[0]);
    cr_assert_leq(hi, tmp[50]);
}

Test(harness, bootstrap_ci_is_deterministic)
{
    double xs[51], lo1, hi1, lo2, hi2;
    spread_data(xs, 51, 10);
    bench_bootstrap_ci(xs, 51, 1000, &lo1, &hi1);
    bench_bootstrap_ci(xs, 51, 1000, &lo2, &hi2);
    cr_assert_eq(lo1, lo2);
    cr_assert_eq(hi1, hi2);
}

Test(harness, bootstrap_ci_does_not_change_its_input)
{
    double xs[51], copy[51], lo, hi;
    spread_data(xs, 51, 10);
    memcpy(copy, xs, sizeof xs);
    bench_bootstrap_ci(xs, 51, 100, &lo, &hi);
    cr_assert_arr_eq(xs, copy, sizeof xs);
}

/* The same resampling done the slow way: draw values, sort, take medians. */
static void naive_bootstrap(const double *xs, int n, int rounds, double *lo,
                            double *hi)
{
    double *sorted = malloc((size_t)n * sizeof *sorted);
    double *re = malloc((size_t)n * sizeof *re);
    double *meds = malloc((size_t)rounds * sizeof *meds);
    cr_assert(sorted && re && meds);
    memcpy(sorted, xs, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, bench_cmp_double);
    uint64_t rng = BENCH_SEED;
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < n; k++)
            re[k] = sorted[bench_splitmix64(&rng) % (uint64_t)n];
        meds[r] = bench_median(re, n);
    }
    qsort(meds, (size_t)rounds, sizeof *meds, bench_cmp_double);
    /* 2.5% and 97.5% quantiles, interpolated (R type 7) */
    double pl = 0.025 * (rounds - 1), ph = 0.975 * (rounds - 1);
    int il = (int)pl, ih = (int)ph;
    *lo = meds[il] + (meds[il + 1] - meds[il]) * (pl - il);
    *hi = meds[ih] + (meds[ih + 1] - meds[ih]) * (ph - ih);
    free(meds);
    free(re);
    free(sorted);
}

Test(harness, bootstrap_ci_matches_naive_resampling)
{
    double xs[40], lo, hi, rlo, rhi;
    for (int i = 0; i < 40; i++) /* unsorted, with ties */
        xs[i] = (double)((i * 13) % 17) + (i % 3 == 0 ? 0.5 : 0);
    bench_bootstrap_ci(xs, 40, 999, &lo, &hi);
    naive_bootstrap(xs, 40, 999, &rlo, &rhi);
    cr_assert_float_eq(lo, rlo, 1e-9);
    cr_assert_float_eq(hi, rhi, 1e-9);
}

Test(harness, bootstrap_ci_narrows_with_less_spread)
{
    double wide[51], narrow[51], wlo, whi, nlo, nhi;
    spread_data(wide, 51, 10);
    spread_data(narrow, 51, 1);
    bench_bootstrap_ci(wide, 51, 1000, &wlo, &whi);
    bench_bootstrap_ci(narrow, 51, 1000, &nlo, &nhi);
    cr_assert_gt(nhi - nlo, 0);
    cr_assert_lt(nhi - nlo, whi - wlo);
}

Test(harness, bootstrap_ci_of_equal_values_is_a_point)
{
    double xs[] = {7, 7, 7, 7, 7, 7}, lo, hi;
    bench_bootstrap_ci(xs, 6, 500, &lo, &hi);
    cr_assert_eq(lo, 7.0);
    cr_assert_eq(hi, 7.0);
}

Test(harness, outliers_counts_planted_mild_and_severe)
{
    /*
     * 18 values 100..117 plus 135 and 200. Quartiles (interpolated) are
     * 104.75 and 114.25, IQR 9.5: the mild fence is 128.5, the severe one
     * 142.75. So 135 is mild and 200 severe, and nothing else is out.
     */
    double xs[20];
    for (int i = 0; i < 18; i++) xs[i] = 100 + i;
    xs[18] = 200;
    xs[19] = 135;
    int mild = -1, severe = -1;
    bench_outliers(xs, 20, &mild, &severe);
    cr_assert_eq(mild, 1);
    cr_assert_eq(severe, 1);
}

Test(harness, outliers_counts_low_outliers_too)
{
    double xs[20];
    for (int i = 0; i < 18; i++) xs[i] = 100 + i;
    xs[18] = 0;  /* severe, below */
    xs[19] = 85; /* mild, below: fences are 90.75 and 76.5 */
    int mild = -1, severe = -1;
    bench_outliers(xs, 20, &mild, &severe);
    cr_assert_eq(mild, 1);
    cr_assert_eq(severe, 1);
}

Test(harness, outliers_none_in_evenly_spread_data)
{
    double xs[30];
    for (int i = 0; i < 30; i++) xs[i] = (double)((i * 7) % 30);
    int mild = -1, severe = -1;
    bench_outliers(xs, 30, &mild, &severe);
    cr_assert_eq(mild, 0);
    cr_assert_eq(severe, 0);
}

/* --- command line and measuring ------------------------------------------- */

Test(harness, rejects_unknown_option, .init = quiet)
{
    char *argv[] = {"bench_t", "--frobnicate", NULL};
    cr_assert_null(bench_init("t", ARGC(argv), argv));
}

Test(harness, rejects_bad_tuning_value, .init = quiet)
{
    char *argv[] = {"bench_t", "--samples=0", NULL};
    cr_assert_null(bench_init("t", ARGC(argv), argv));
}

Test(harness, full_mode_from_environment)
{
    setenv("BENCH_MODE", "full", 1);
    char *argv[] = {"bench_t", NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    cr_assert_str_eq(b->cfg.mode, "full");
    cr_assert_eq(b->cfg.samples, 100);
    bench_free(b);
    unsetenv("BENCH_MODE");
}

Test(harness, quick_flag_overrides_environment)
{
    setenv("BENCH_MODE", "full", 1);
    char *argv[] = {"bench_t", "--quick", NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    cr_assert_str_eq(b->cfg.mode, "quick");
    cr_assert_eq(b->cfg.samples, 25);
    bench_free(b);
    unsetenv("BENCH_MODE");
}

Test(harness, interleaves_impls_in_rotating_order, .init = quiet)
{
    call_log_t log = {.n = 0};
    logged_impl_t a = {&log, 'A'}, bb = {&log, 'B'}, c = {&log, 'C'};
    /* With no warm-up time each impl is warmed up by exactly one call. */
    char *argv[] = {"bench_t", "--samples=3", "--warmup-ms=0", NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t impls[] = {
        {.name = "a", .fn = logged, .state = &a},
        {.name = "b", .fn = logged, .state = &bb},
        {.name = "c", .fn = logged, .state = &c},
    };
    bench_group(b, "order", "ns/op", 1, impls, 3);
    bench_free(b); /* not bench_finish: no files */
    log.ids[log.n] = '\0';
    cr_assert_str_eq(log.ids, "ABC" "ABC" "BCA" "CAB");
}

Test(harness, list_mode_prints_names_and_measures_nothing, .init = quiet)
{
    char *dir = tmp_dir();
    char *out;
    cr_assert_geq(asprintf(&out, "--out=%s", dir), 0);
    int calls = 0;
    char *argv[] = {"bench_t", "--list", out, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t impls[] = {{.name = "cur", .fn = counting, .state = &calls}};
    bench_group(b, "listed", "ns/op", 1, impls, 1);
    cr_assert_eq(bench_finish(b), 0);
    cr_assert_eq(calls, 0);
    cr_assert_eq(count_entries(dir), 0);
    rm_tree(dir);
    free(dir);
    free(out);
}

Test(harness, filter_skips_groups_without_the_substring, .init = quiet)
{
    int calls_in = 0, calls_out = 0;
    char *argv[] = {"bench_t", FAST_ARGS, "--filter=keep", NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    cr_assert(bench_wants(b, "we-keep-this"));
    cr_assert_not(bench_wants(b, "other"));
    bench_impl_t in[] = {{.name = "x", .fn = counting, .state = &calls_in}};
    bench_impl_t out[] = {{.name = "x", .fn = counting, .state = &calls_out}};
    bench_group(b, "we-keep-this", "ns/op", 1, in, 1);
    bench_group(b, "other", "ns/op", 1, out, 1);
    cr_assert_gt(calls_in, 0);
    cr_assert_eq(calls_out, 0);
    bench_free(b);
}

Test(harness, bad_group_arguments_fail_the_run, .init = quiet)
{
    char *dir = tmp_dir();
    char *out;
    cr_assert_geq(asprintf(&out, "--out=%s", dir), 0);
    char *argv[] = {"bench_t", FAST_ARGS, out, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t impls[] = {{.name = "cur", .fn = spin}};
    bench_group(b, "g", "ns/op", 0, impls, 1);
    cr_assert_neq(bench_finish(b), 0);
    rm_tree(dir);
    free(dir);
    free(out);
}

Test(harness, duplicate_names_fail_the_run, .init = quiet)
{
    char *argv[] = {"bench_t", FAST_ARGS, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t one[] = {{.name = "x", .fn = spin}};
    bench_impl_t twins[] = {{.name = "x", .fn = spin},
                            {.name = "x", .fn = spin}};
    bench_group(b, "g", "ns/op", 1, one, 1);
    cr_assert_not(b->failed);
    bench_group(b, "g", "ns/op", 1, one, 1);
    cr_assert(b->failed, "a group measured twice passes");
    b->failed = false;
    bench_group(b, "h", "ns/op", 1, twins, 2);
    cr_assert(b->failed, "two impls with one name pass");
    cr_assert_eq(b->nres, 1);
    bench_free(b); /* not bench_finish: no files */
}

/* --- output files --------------------------------------------------------- */

Test(harness, json_has_suite_group_impl_and_numeric_median, .init = quiet)
{
    char *dir = tmp_dir();
    run_tiny_suite(dir);
    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.json", dir), 0);
    char *json = slurp(path);
    cr_assert_not_null(json, "no %s", path);

    cr_assert(strncmp(json, "{\"suite\": \"t\", \"results\": [", 27) == 0,
              "%s", json);
    const char *r = strstr(json, "{\"group\": \"g\", \"impl\": \"cur\", "
                                 "\"unit\": \"ns/op\", \"median\": ");
    cr_assert_not_null(r, "%s", json);
    double med = number_after(r, "median");
    double lo = number_after(r, "lo"), hi = number_after(r, "hi");
    cr_assert(isfinite(med) && med >= 0, "%s", json);
    cr_assert(lo <= med && med <= hi, "%s", json);
    cr_assert_eq(number_after(r, "samples"), 5.0, "%s", json);
    cr_assert_eq(json[strlen(json) - 2], '}');

    free(json);
    free(path);
    rm_tree(dir);
    free(dir);
}

Test(harness, json_lists_missing_impl_in_missing_array, .init = quiet)
{
    char *dir = tmp_dir();
    run_tiny_suite(dir);
    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.json", dir), 0);
    char *json = slurp(path);
    cr_assert_not_null(json);

    const char *missing = strstr(json, "], \"missing\": [");
    cr_assert_not_null(missing, "%s", json);
    const char *peer = strstr(json, "\"impl\": \"peer\"");
    cr_assert_not_null(peer, "%s", json);
    cr_assert_gt(peer, missing, "peer is listed among the results");
    cr_assert_not_null(strstr(missing, "{\"group\": \"g\", \"impl\": \"peer\", "
                                       "\"why\": \"not built here\"}"),
                       "%s", json);

    free(json);
    free(path);
    rm_tree(dir);
    free(dir);
}

Test(harness, names_are_escaped_in_json_and_one_field_in_dat,
     .init = quiet)
{
    char *dir = tmp_dir();
    char *out;
    cr_assert_geq(asprintf(&out, "--out=%s", dir), 0);
    char *argv[] = {"bench_t", FAST_ARGS, out, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_impl_t impls[] = {{.name = "say \"hi\"\\\t", .fn = spin}};
    bench_group(b, "a b", "ns/op", 1, impls, 1);
    cr_assert_eq(bench_finish(b), 0);

    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.json", dir), 0);
    char *json = slurp(path);
    cr_assert_not_null(json);
    cr_assert_not_null(strstr(json, "\"impl\": \"say \\\"hi\\\"\\\\\\t\""),
                       "%s", json);
    free(json);
    free(path);
    cr_assert_geq(asprintf(&path, "%s/t.dat", dir), 0);
    char *dat = slurp(path);
    cr_assert_not_null(dat);
    cr_assert(strncmp(dat, "a_b say__hi_\\_ ", 15) == 0, "%s", dat);
    free(dat);
    free(path);
    free(out);
    rm_tree(dir);
    free(dir);
}

Test(harness, dat_has_one_line_per_present_result, .init = quiet)
{
    char *dir = tmp_dir();
    run_tiny_suite(dir);
    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.dat", dir), 0);
    char *dat = slurp(path);
    cr_assert_not_null(dat);

    char group[16], impl[16], rest;
    double med, lo, hi;
    cr_assert_eq(sscanf(dat, "%15s %15s %lf %lf %lf%c", group, impl, &med,
                        &lo, &hi, &rest),
                 6, "%s", dat);
    cr_assert_str_eq(group, "g");
    cr_assert_str_eq(impl, "cur");
    cr_assert_eq(rest, '\n');
    cr_assert(lo <= med && med <= hi);
    cr_assert_eq(strchr(dat, '\n')[1], '\0', "more than one line: %s", dat);

    free(dat);
    free(path);
    rm_tree(dir);
    free(dir);
}

Test(harness, creates_out_dir_and_leaves_no_temp_files, .init = quiet)
{
    char *dir = tmp_dir();
    char *nested;
    cr_assert_geq(asprintf(&nested, "%s/a/b", dir), 0);
    run_tiny_suite(nested);
    cr_assert_eq(count_entries(nested), 2, "expected only t.json and t.dat");
    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.json", nested), 0);
    cr_assert_eq(access(path, R_OK), 0);
    free(path);
    free(nested);
    rm_tree(dir);
    free(dir);
}

Test(harness, table_shows_fastest_as_one_and_the_missing_reason,
     .init = quiet)
{
    char *dir = tmp_dir();
    run_tiny_suite(dir);
    fflush(stdout);
    /* Read what the table wrote into the redirect pipe, without blocking. */
    FILE *f = cr_get_redirected_stdout();
    int fd = fileno(f);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    char buf[4096];
    ssize_t got = read(fd, buf, sizeof buf - 1);
    cr_assert_gt(got, 0);
    buf[got] = '\0';
    cr_assert_not_null(strstr(buf, "t/g (ns/op, quick mode)"), "%s", buf);
    cr_assert_not_null(strstr(buf, "1.00x"), "%s", buf);
    cr_assert_not_null(strstr(buf, "missing: not built here"), "%s", buf);
    rm_tree(dir);
    free(dir);
}

/* --- untimed setup (one-shot impls) ---------------------------------------- */

struct one_shot {
    int prepared;  /* setups not yet consumed by a timed call */
    int setups, calls;
    bool bad;      /* a call saw no fresh setup, or iters != 1 */
};

static void one_shot_setup(void *st)
{
    struct one_shot *o = st;
    o->prepared++;
    o->setups++;
}

static void one_shot_fn(void *st, int64_t iters)
{
    struct one_shot *o = st;
    if (o->prepared != 1 || iters != 1) o->bad = true;
    o->prepared = 0;
    o->calls++;
}

Test(harness, setup_runs_untimed_once_before_every_one_shot_call,
     .init = quiet)
{
    char *argv[] = {"bench_t", FAST_ARGS, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    struct one_shot o = {0};
    bench_impl_t impls[] = {
        {.name = "one-shot", .fn = one_shot_fn, .state = &o,
         .setup = one_shot_setup},
        {.name = "plain", .fn = spin},
    };
    bench_group(b, "g", "ns/op", 1, impls, 2);
    cr_assert_not(b->failed);
    cr_assert_not(o.bad, "a one-shot call ran without its own setup or "
                         "with more than one iteration");
    cr_assert_gt(o.calls, 5, "warm-up and samples all call it");
    cr_assert_eq(o.setups, o.calls);
    cr_assert_eq(b->nres, 2);
    bench_free(b);
}

/* --- self-timing impls ----------------------------------------------------- */

typedef struct timed_state {
    int fn_calls;    /* the plain hook must not be called */
    int timed_calls;
    int fail_at;     /* fail on this call (1-based), 0: never */
    int64_t ns_per_iter;
    const char *key; /* extra figure reported, or NULL */
} timed_state_t;

static void timed_plain(void *st, int64_t iters)
{
    (void)iters;
    ((timed_state_t *)st)->fn_calls++;
}

static bool timed_hook(void *st, int64_t iters, bench_timing_t *out)
{
    timed_state_t *t = st;
    cr_assert_eq(out->nextra, 0, "the harness must zero the timing");
    cr_assert_eq(out->ns, 0);
    if (++t->timed_calls == t->fail_at) {
        snprintf(out->why, sizeof out->why, "checksum mismatch");
        return false;
    }
    out->ns = t->ns_per_iter * iters;
    if (t->key) {
        snprintf(out->extra[0].key, sizeof out->extra[0].key, "%s", t->key);
        out->extra[0].value = (double)t->timed_calls;
        out->nextra = 1;
    }
    return true;
}

static bool timed_negative(void *st, int64_t iters, bench_timing_t *out)
{
    (void)st;
    (void)iters;
    out->ns = -1;
    return true;
}

/* Runs one group of impls into dir; returns slurped JSON (free it). */
static char *run_group_json(const char *dir, const bench_impl_t *impls, int n,
                            int *status)
{
    char *out;
    cr_assert_geq(asprintf(&out, "--out=%s", dir), 0);
    char *argv[] = {"bench_t", FAST_ARGS, out, NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    bench_group(b, "g", "ns/op", 1, impls, n);
    *status = bench_finish(b);
    char *path;
    cr_assert_geq(asprintf(&path, "%s/t.json", dir), 0);
    char *json = slurp(path);
    cr_assert_not_null(json);
    free(path);
    free(out);
    return json;
}

Test(harness, timed_impl_time_replaces_the_clock, .init = quiet)
{
    char *dir = tmp_dir();
    timed_state_t t = {.ns_per_iter = 7, .key = "late_p99_ns"};
    bench_impl_t impls[] = {
        {.name = "self", .fn = timed_plain, .state = &t, .timed = timed_hook},
    };
    int status;
    char *json = run_group_json(dir, impls, 1, &status);
    cr_assert_eq(status, 0);
    cr_assert_eq(t.fn_calls, 0, "fn called although timed is set");
    cr_assert_gt(t.timed_calls, 5);
    const char *r = strstr(json, "\"impl\": \"self\"");
    cr_assert_not_null(r, "%s", json);
    /* ns = 7 * iters exactly, so every sample is 7 ns/op */
    cr_assert_eq(number_after(r, "median"), 7.0, "%s", json);
    cr_assert_eq(number_after(r, "lo"), 7.0, "%s", json);
    cr_assert_eq(number_after(r, "hi"), 7.0, "%s", json);
    /* the extra is the median over the 5 samples, not over warm-up calls */
    const char *x = strstr(r, "\"extra\": {\"late_p99_ns\": ");
    cr_assert_not_null(x, "%s", json);
    double med = number_after(x, "late_p99_ns");
    cr_assert_eq(med, (double)(t.timed_calls - 2), "%s", json);
    free(json);
    rm_tree(dir);
    free(dir);
}

Test(harness, failing_timed_impl_is_missing_and_others_go_on, .init = quiet)
{
    char *dir = tmp_dir();
    timed_state_t t = {.ns_per_iter = 1, .fail_at = 3};
    bench_impl_t impls[] = {
        {.name = "flaky", .fn = timed_plain, .state = &t, .timed = timed_hook},
        {.name = "cur", .fn = spin},
        {.name = "neg", .fn = timed_plain, .timed = timed_negative},
    };
    int status;
    char *json = run_group_json(dir, impls, 3, &status);
    cr_assert_eq(status, 0, "a failed impl must not fail the suite");
    cr_assert_eq(t.timed_calls, 3, "called again after it failed");
    const char *missing = strstr(json, "\"missing\": [");
    cr_assert_not_null(missing);
    cr_assert_not_null(strstr(json, "\"impl\": \"cur\", \"unit\""), "%s",
                       json);
    cr_assert_not_null(strstr(missing, "{\"group\": \"g\", \"impl\": "
                                       "\"flaky\", \"why\": \"failed: "
                                       "checksum mismatch\"}"),
                       "%s", json);
    cr_assert_not_null(strstr(missing, "\"impl\": \"neg\", \"why\": "
                                       "\"failed: reported a bad timing"),
                       "%s", json);
    free(json);
    rm_tree(dir);
    free(dir);
}

static bool timed_bad_key(void *st, int64_t iters, bench_timing_t *out)
{
    (void)st;
    out->ns = iters;
    snprintf(out->extra[0].key, sizeof out->extra[0].key, "bad key");
    out->nextra = 1;
    return true;
}

Test(harness, timed_impl_with_a_bad_extra_key_fails, .init = quiet)
{
    char *dir = tmp_dir();
    bench_impl_t impls[] = {
        {.name = "k", .fn = timed_plain, .timed = timed_bad_key},
    };
    int status;
    char *json = run_group_json(dir, impls, 1, &status);
    cr_assert_not_null(strstr(json, "\"why\": \"failed: reported a bad "
                                    "extra figure\""),
                       "%s", json);
    free(json);
    rm_tree(dir);
    free(dir);
}

static char hook_log[8];
static int hook_n;
static void hook_a(void *arg) { hook_log[hook_n++] = *(char *)arg; }

Test(harness, finish_hooks_run_last_first_and_are_found_by_fn)
{
    char *argv[] = {"/some/dir/bench_t", NULL};
    bench_t *b = bench_init("t", ARGC(argv), argv);
    cr_assert_not_null(b);
    cr_assert_str_eq(bench_argv0(b), "/some/dir/bench_t");
    cr_assert_not(bench_listing(b));
    static char x = 'x', y = 'y';
    cr_assert_null(bench_finish_arg(b, hook_a));
    cr_assert(bench_at_finish(b, hook_a, &x));
    cr_assert(bench_at_finish(b, hook_a, &y));
    cr_assert_eq(bench_finish_arg(b, hook_a), &x);
    bench_discard(b);
    cr_assert_eq(hook_n, 2);
    cr_assert_eq(hook_log[0], 'y');
    cr_assert_eq(hook_log[1], 'x');
}

/* --- peer programs ---------------------------------------------------------- */

/*
 * A double of a peer program: the group name picks the behaviour. Its pid
 * comes back as an extra figure, so tests can see restarts and reaping.
 */
static const char fake_peer[] =
    "#!/bin/sh\n"
    "while read -r cmd group impl iters rest; do\n"
    "  case \"$cmd\" in\n"
    "    quit) exit 0 ;;\n"
    "    run) ;;\n"
    "    *) echo \"err bad request\"; continue ;;\n"
    "  esac\n"
    "  case \"$group\" in\n"
    "    good) echo \"ok $((iters * 10)) pid=$$ impl_len=${#impl}\" ;;\n"
    "    bad) echo \"err sum is 3, expected 4\" ;;\n"
    "    die) exit 3 ;;\n"
    "    garbage) echo \"hello\" ;;\n"
    "    chatty) echo \"ok 1\"; echo \"ok 2\" ;;\n"
    "    hang) exec sleep 30 ;;\n"
    "    *) echo \"err unknown group $group\" ;;\n"
    "  esac\n"
    "done\n";

/* A double of a server peer (rust-echo): prints its port, waits for EOF. */
static const char fake_server[] =
    "#!/bin/sh\n"
    "[ \"$1 $2\" = \"--port 0\" ] || exit 2\n"
    "echo \"listening 4242\"\n"
    "exec cat > /dev/null\n";

static const char bad_server[] = "#!/bin/sh\necho hello\nexec cat\n";

static void write_program(const char *dir, const char *name,
                          const char *text)
{
    char *path;
    cr_assert_geq(asprintf(&path, "%s/peers/%s", dir, name), 0);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fputs(text, f) >= 0, true);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(chmod(path, 0755), 0);
    free(path);
}

/* A temporary bench folder with peers/ holding the doubles. */
static char *peer_dir_with_fakes(void)
{
    char *dir = tmp_dir(), *peers;
    cr_assert_geq(asprintf(&peers, "%s/peers", dir), 0);
    cr_assert_eq(mkdir(peers, 0755), 0);
    free(peers);
    write_program(dir, "fake", fake_peer);
    write_program(dir, "fake-server", fake_server);
    write_program(dir, "bad-server", bad_server);
    return dir;
}

/* A bench whose argv[0] lives in dir, writing its files to dir/out. */
static bench_t *peer_bench(const char *dir, const char *more)
{
    char *a0, *out;
    cr_assert_geq(asprintf(&a0, "%s/bench_t", dir), 0);
    cr_assert_geq(asprintf(&out, "--out=%s/out", dir), 0);
    char *argv[] = {a0, FAST_ARGS, out, (char *)more, NULL};
    bench_t *b = bench_init("t", more ? ARGC(argv) : ARGC(argv) - 1, argv);
    cr_assert_not_null(b);
    free(a0);
    free(out);
    return b;
}

static peer_proc_t *the_proc(bench_t *b, const char *program)
{
    peer_set_t *set = bench_finish_arg(b, peer_set_free);
    cr_assert_not_null(set);
    for (peer_proc_t *p = set->procs; p; p = p->next)
        if (strcmp(p->program, program) == 0) return p;
    cr_assert_fail("no process record for %s", program);
    return NULL;
}

/* Cleans up a peer_dir_with_fakes() folder. */
static void drop_dir(char *dir)
{
    rm_tree(dir);
    free(dir);
}

/* bench_finish(b), which must succeed, then dir/out/t.json (free it). */
static char *finish_json(bench_t *b, const char *dir)
{
    cr_assert_eq(bench_finish(b), 0, "a peer failure failed the suite");
    char *path;
    cr_assert_geq(asprintf(&path, "%s/out/t.json", dir), 0);
    char *json = slurp(path);
    cr_assert_not_null(json, "no %s", path);
    free(path);
    return json;
}

Test(harness, peer_reply_ok_with_extras_parses)
{
    bench_timing_t t;
    cr_assert_eq(peer_parse_reply("ok 123 a=1 b_c.d-E=2.5\t z=-3e2", &t),
                 PEER_OK, "%s", t.why);
    cr_assert_eq(t.ns, 123);
    cr_assert_eq(t.nextra, 3);
    cr_assert_str_eq(t.extra[0].key, "a");
    cr_assert_eq(t.extra[0].value, 1.0);
    cr_assert_str_eq(t.extra[1].key, "b_c.d-E");
    cr_assert_eq(t.extra[1].value, 2.5);
    cr_assert_str_eq(t.extra[2].key, "z");
    cr_assert_eq(t.extra[2].value, -300.0);
    cr_assert_eq(peer_parse_reply("ok 0", &t), PEER_OK);
    cr_assert_eq(t.ns, 0);
    cr_assert_eq(t.nextra, 0);
    cr_assert_eq(peer_parse_reply("ok 9223372036854775807 ", &t), PEER_OK);
    cr_assert_eq(t.ns, INT64_MAX);
}

Test(harness, peer_reply_err_carries_its_message)
{
    bench_timing_t t;
    cr_assert_eq(peer_parse_reply("err sum is 3, expected 4", &t), PEER_ERR);
    cr_assert_str_eq(t.why, "sum is 3, expected 4");
    cr_assert_eq(peer_parse_reply("err", &t), PEER_ERR);
    cr_assert_str_eq(t.why, "error without a message");
}

Test(harness, peer_reply_malformed_is_a_protocol_error)
{
    static const char *bad[] = {
        "", "ok", "ok ", "ok -5", "ok +5", "ok 12x", "ok 1.5", "ok 1 =3",
        "ok 1 k=", "ok 1 k", "ok 1 k=nan", "ok 1 k=inf", "ok 1 k=1e999",
        "ok 1 k=1x", "ok 1 k!=1", "ok 9223372036854775808",
        "ok 99999999999999999999", "OK 1", "error x", "errx", " ok 1",
        "ok 1 a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9",
        "ok 1 abcdefghijklmnopqrstuvwxyz012345=1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bench_timing_t t;
        cr_assert_eq(peer_parse_reply(bad[i], &t), PEER_BAD, "'%s' passed",
                     bad[i]);
        cr_assert_not_null(strstr(t.why, "protocol error"), "%s", t.why);
        cr_assert_eq(t.nextra, 0);
    }
}

Test(harness, peer_not_built_is_missing_with_a_reason, .init = quiet)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t im = bench_peer_impl(b, "go", "go-chan", "spsc-bounded");
    cr_assert_null(im.fn);
    cr_assert_str_eq(im.name, "go");
    cr_assert_not_null(strstr(im.why_missing, "go-chan not built"), "%s",
                       im.why_missing);

    /* the reason the build left next to the program wins */
    char *m;
    cr_assert_geq(asprintf(&m, "%s/peers/rust-chan.missing", dir), 0);
    FILE *f = fopen(m, "w");
    cr_assert_not_null(f);
    fputs("rust-chan not built (cargo not installed: scripts/deps.sh "
          "--bench)\n",
          f);
    fclose(f);
    im = bench_peer_impl(b, "crossbeam", "rust-chan", "pingpong");
    cr_assert_null(im.fn);
    cr_assert_str_eq(im.why_missing, "rust-chan not built (cargo not "
                                     "installed: scripts/deps.sh --bench)");
    bench_discard(b);
    free(m);
    drop_dir(dir);
}

Test(harness, peer_group_it_cannot_serve_is_missing, .init = quiet)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t im = bench_peer_impl(b, "go", "go-chan", "mpsc-unbounded");
    cr_assert_null(im.fn);
    cr_assert_str_eq(im.why_missing, "Go channels have no unbounded flavor");
    im = bench_peer_impl(b, "nope", "go-chan", "spsc-bounded");
    cr_assert_null(im.fn);
    cr_assert_not_null(strstr(im.why_missing, "does not serve"));
    im = bench_peer_impl(b, "two words", "fake", "good");
    cr_assert_null(im.fn);
    im = bench_peer_impl(b, "x", "../fake", "good");
    cr_assert_null(im.fn);
    im = bench_peer_impl(NULL, "x", "fake", "good");
    cr_assert_null(im.fn);
    cr_assert_str_eq(im.why_missing, "no bench");
    bench_discard(b);
    drop_dir(dir);
}

Test(harness, peer_time_replaces_the_clock_and_extras_are_kept,
     .init = quiet, .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t impls[] = {
        bench_peer_impl(b, "fake-impl", "fake", "good"),
        {.name = "cur", .fn = spin},
    };
    cr_assert_not_null(impls[0].fn, "%s", impls[0].why_missing);
    cr_assert_not_null(impls[0].timed);
    bench_group(b, "good", "ns/op", 1, impls, 2);
    cr_assert_eq(the_proc(b, "fake")->starts, 1);
    char *json = finish_json(b, dir);
    const char *r = strstr(json, "\"impl\": \"fake-impl\"");
    cr_assert_not_null(r, "%s", json);
    /* the peer says 10 ns per iteration, whatever the pipe costs */
    cr_assert_eq(number_after(r, "median"), 10.0, "%s", json);
    cr_assert_eq(number_after(r, "hi"), 10.0, "%s", json);
    const char *x = strstr(r, "\"extra\": {\"pid\": ");
    cr_assert_not_null(x, "%s", json);
    cr_assert_gt(number_after(x, "pid"), 1.0);
    cr_assert_eq(number_after(x, "impl_len"), 9.0, "%s", json);
    free(json);
    drop_dir(dir);
}

Test(harness, peer_err_fails_that_group_only, .init = quiet, .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t bad[] = {bench_peer_impl(b, "p", "fake", "bad"),
                          {.name = "cur", .fn = spin}};
    bench_group(b, "bad", "ns/op", 1, bad, 2);
    bench_impl_t good[] = {bench_peer_impl(b, "p", "fake", "good")};
    bench_group(b, "good", "ns/op", 1, good, 1);
    cr_assert_eq(the_proc(b, "fake")->starts, 1, "an err reply restarted it");
    char *json = finish_json(b, dir);
    const char *missing = strstr(json, "\"missing\": [");
    cr_assert_not_null(strstr(missing, "{\"group\": \"bad\", \"impl\": \"p\", "
                                       "\"why\": \"failed: sum is 3, "
                                       "expected 4\"}"),
                       "%s", json);
    cr_assert_not_null(strstr(json, "{\"group\": \"bad\", \"impl\": \"cur\""));
    cr_assert_not_null(strstr(json, "{\"group\": \"good\", \"impl\": \"p\""));
    free(json);
    drop_dir(dir);
}

Test(harness, peer_that_dies_fails_and_restarts_for_the_next_group,
     .init = quiet, .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t die[] = {bench_peer_impl(b, "p", "fake", "die")};
    bench_group(b, "die", "ns/op", 1, die, 1);
    cr_assert_eq(the_proc(b, "fake")->pid, 0);
    bench_impl_t garbage[] = {bench_peer_impl(b, "p", "fake", "garbage")};
    bench_group(b, "garbage", "ns/op", 1, garbage, 1);
    cr_assert_eq(the_proc(b, "fake")->pid, 0, "out of step but not stopped");
    bench_impl_t good[] = {bench_peer_impl(b, "p", "fake", "good")};
    bench_group(b, "good", "ns/op", 1, good, 1);
    cr_assert_eq(the_proc(b, "fake")->starts, 3);
    /* a fourth start is refused; the impl is missing with the last reason */
    bench_impl_t again[] = {bench_peer_impl(b, "p", "fake", "die")};
    bench_group(b, "die-again", "ns/op", 1, again, 1);
    bench_impl_t more = bench_peer_impl(b, "p", "fake", "good");
    cr_assert_null(more.fn);
    cr_assert_not_null(strstr(more.why_missing, "not restarted"), "%s",
                       more.why_missing);
    char *json = finish_json(b, dir);
    cr_assert_not_null(strstr(json, "\"group\": \"die\", \"impl\": \"p\", "
                                    "\"why\": \"failed: fake exited with "
                                    "status 3"),
                       "%s", json);
    cr_assert_not_null(strstr(json, "\"group\": \"garbage\", \"impl\": \"p\","
                                    " \"why\": \"failed: protocol error: "
                                    "bad reply 'hello'\""),
                       "%s", json);
    cr_assert_not_null(strstr(json, "{\"group\": \"good\", \"impl\": \"p\", "
                                    "\"unit\""),
                       "%s", json);
    free(json);
    drop_dir(dir);
}

Test(harness, peer_output_between_requests_is_a_protocol_error,
     .init = quiet, .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t im = bench_peer_impl(b, "p", "fake", "chatty");
    cr_assert_not_null(im.fn);
    bench_timing_t t;
    memset(&t, 0, sizeof t);
    cr_assert(im.timed(im.state, 1, &t), "%s", t.why);
    cr_assert_eq(t.ns, 1);
    usleep(100 * 1000); /* let the second line arrive */
    memset(&t, 0, sizeof t);
    cr_assert_not(im.timed(im.state, 1, &t), "a stale line was a reply");
    cr_assert_not_null(strstr(t.why, "output between requests"), "%s",
                       t.why);
    cr_assert_eq(the_proc(b, "fake")->pid, 0);
    bench_discard(b);
    drop_dir(dir);
}

Test(harness, peer_that_hangs_times_out, .init = quiet, .timeout = 30)
{
    setenv("BENCH_PEER_TIMEOUT", "1", 1);
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t hang[] = {bench_peer_impl(b, "p", "fake", "hang")};
    pid_t pid = the_proc(b, "fake")->pid;
    bench_group(b, "hang", "ns/op", 1, hang, 1);
    cr_assert_eq(the_proc(b, "fake")->pid, 0);
    cr_assert_eq(kill(pid, 0), -1, "the hung peer is still there");
    char *json = finish_json(b, dir);
    cr_assert_not_null(strstr(json, "no reply in time"), "%s", json);
    free(json);
    drop_dir(dir);
    unsetenv("BENCH_PEER_TIMEOUT");
}

Test(harness, peer_is_shared_and_reaped_at_finish, .init = quiet,
     .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    bench_impl_t a = bench_peer_impl(b, "one", "fake", "good");
    bench_impl_t c = bench_peer_impl(b, "two", "fake", "good");
    cr_assert(a.fn && c.fn);
    peer_proc_t *p = the_proc(b, "fake");
    cr_assert_eq(p->starts, 1, "each impl started its own process");
    pid_t pid = p->pid;
    cr_assert_gt(pid, 0);
    cr_assert_eq(kill(pid, 0), 0);
    bench_discard(b);
    errno = 0;
    cr_assert_eq(kill(pid, 0), -1, "the peer outlived bench_finish");
    cr_assert_eq(errno, ESRCH);
    drop_dir(dir);
}

Test(harness, peer_is_not_started_when_listing_or_filtered, .init = quiet)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, "--list");
    bench_impl_t im = bench_peer_impl(b, "p", "fake", "good");
    cr_assert_not_null(im.fn);
    cr_assert_eq(the_proc(b, "fake")->pid, 0);
    bench_discard(b);
    b = peer_bench(dir, "--filter=other");
    im = bench_peer_impl(b, "p", "fake", "good");
    cr_assert_not_null(im.fn);
    cr_assert_eq(the_proc(b, "fake")->pid, 0);
    bench_discard(b);
    drop_dir(dir);
}

Test(harness, peer_server_reports_its_port_once, .init = quiet,
     .timeout = 30)
{
    char *dir = peer_dir_with_fakes();
    bench_t *b = peer_bench(dir, NULL);
    char why[256] = "";
    cr_assert_eq(bench_peer_server(b, "fake-server", why, sizeof why), 4242,
                 "%s", why);
    pid_t pid = the_proc(b, "fake-server")->pid;
    cr_assert_eq(bench_peer_server(b, "fake-server", why, sizeof why), 4242);
    cr_assert_eq(the_proc(b, "fake-server")->starts, 1);
    cr_assert_eq(bench_peer_server(b, "bad-server", why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "hello"), "%s", why);
    cr_assert_eq(bench_peer_server(b, "no-server", why, sizeof why), -1);
    cr_assert_not_null(strstr(why, "not built"), "%s", why);
    bench_discard(b); /* closes its stdin: cat ends */
    cr_assert_eq(kill(pid, 0), -1, "the server outlived bench_finish");
    drop_dir(dir);
}
