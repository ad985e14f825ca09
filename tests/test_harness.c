/*
 * tests/test_harness.c: the benchmark harness's statistics and its output.
 *
 * The harness is not library code (it lives in bench/ and is linked into
 * the bench programs only), so it is compiled into this test by including
 * its source. It allocates with malloc, not through cur_alloc_t, so these
 * tests check its files and figures rather than cur_test_live_bytes().
 * No test asserts a timing: the trivial workloads only have to produce
 * some finite, non-negative figure.
 */
#include "../bench/harness.c"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <fcntl.h>

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
