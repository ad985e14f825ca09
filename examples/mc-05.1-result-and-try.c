/*
 * mc-05.1 Result<T, E> and ? Operator
 *
 * Shows: the library's int convention (0 or a count on success, a negative
 * CUR_E* code on failure) as C's Result<usize, code>; CUR_TRY as `?`,
 * chaining the fallible steps of a small config parser so that the first
 * error returns early and reaches the caller unchanged; a count passed on
 * through CUR_TRY; and CUR_TRY_RESULT between two typed Results.
 *
 * Build: cc -std=gnu17 examples/mc-05.1-result-and-try.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/result.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_RETRIES 4

typedef struct config {
    int port;                     /* 1..65535 */
    int workers;                  /* 1..64 */
    int retry_ms[MAX_RETRIES];    /* backoff schedule, each 1..60000 */
    int nretries;                 /* entries used in retry_ms */
    int settings;                 /* how many lines set something */
} config_t;

/* Where a config went wrong: the code, and the line that caused it. */
typedef struct config_error {
    int code;
    int line;
} config_error_t;

CUR_RESULT_TYPE(res_config, config_t, config_error_t);

/* Span helpers: skip spaces and tabs at the front of [s, end), or the back. */
static const char *skip_space(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    return s;
}

static const char *trim_end(const char *s, const char *end)
{
    while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
    return end;
}

/*
 * Parses the decimal number in [s, end) into *out, written only on success.
 * Returns 0, CUR_EPARSE if the text is not a number, or CUR_ERANGE if it
 * lies outside [min, max]. CUR_NODISCARD makes the compiler warn when a
 * caller drops the result: C cannot force the check, but it can nag.
 */
static CUR_NODISCARD int parse_int(const char *s, const char *end, int min,
                                   int max, int *out)
{
    s = skip_space(s, end);
    end = trim_end(s, end);
    if (s == end) return CUR_EPARSE;
    int64_t v = 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9') return CUR_EPARSE;
        v = v * 10 + (*s - '0');
        if (v > max) return CUR_ERANGE; /* stop before v can overflow */
    }
    if (v < min) return CUR_ERANGE;
    *out = (int)v;
    return 0;
}

/*
 * Parses "a, b, c" into out[MAX_RETRIES]. Returns how many numbers it read,
 * a count in the same int that carries errors: CUR_E2BIG for a list that is
 * too long, or whatever parse_int reported. Each CUR_TRY is Rust's `?`.
 */
static CUR_NODISCARD int parse_list(const char *s, const char *end,
                                    int out[MAX_RETRIES])
{
    int items[MAX_RETRIES];
    int n = 0;
    for (;;) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        const char *item_end = comma ? comma : end;
        if (n == MAX_RETRIES) return CUR_E2BIG;
        CUR_TRY(parse_int(s, item_end, 1, 60000, &items[n]));
        n++;
        if (!comma) break;
        s = comma + 1;
    }
    memcpy(out, items, (size_t)n * sizeof items[0]); /* only on success */
    return n;
}

/*
 * Applies one "key = value" line to cfg. Returns 1 if the line set a key,
 * 0 for a blank or comment line, or a negative code: CUR_EPARSE for a line
 * without '=', CUR_EINVAL for an unknown key, or the code of the value's
 * parser, passed on untouched by CUR_TRY.
 */
static CUR_NODISCARD int parse_line(const char *s, const char *end,
                                    config_t *cfg)
{
    const char *hash = memchr(s, '#', (size_t)(end - s));
    if (hash) end = hash;
    s = skip_space(s, end);
    if (s == trim_end(s, end)) return 0;
    const char *eq = memchr(s, '=', (size_t)(end - s));
    if (!eq) return CUR_EPARSE;
    const char *key_end = trim_end(s, eq);
    size_t klen = (size_t)(key_end - s);

    if (klen == 4 && memcmp(s, "port", 4) == 0) {
        CUR_TRY(parse_int(eq + 1, end, 1, 65535, &cfg->port));
    } else if (klen == 7 && memcmp(s, "workers", 7) == 0) {
        CUR_TRY(parse_int(eq + 1, end, 1, 64, &cfg->workers));
    } else if (klen == 8 && memcmp(s, "retry_ms", 8) == 0) {
        /* CUR_TRY's value is the count when the call succeeded. */
        cfg->nretries = CUR_TRY(parse_list(eq + 1, end, cfg->retry_ms));
    } else {
        return CUR_EINVAL;
    }
    return 1;
}

/*
 * Parses a whole config into Result<Config, ConfigError>. Here a bare `?`
 * would lose which line failed, so the error is wrapped instead: the code
 * stays exactly what the innermost step returned, and the line is added.
 */
static res_config load_config(const char *text)
{
    config_t cfg = {.port = 8080, .workers = 1}; /* the defaults */
    int line = 1;
    for (const char *s = text; *s != '\0'; line++) {
        const char *eol = s + strcspn(s, "\n");
        int rc = parse_line(s, eol, &cfg);
        if (rc < 0) {
            config_error_t err = {.code = rc, .line = line};
            return CUR_ERR(res_config, err);
        }
        cfg.settings += rc;
        s = *eol != '\0' ? eol + 1 : eol;
    }
    return CUR_OK(res_config, cfg);
}

/* What the server derives from its config. */
typedef struct plan {
    int port;
    int workers;
    int worst_retry_ms; /* time spent waiting if every retry is used */
    int settings;       /* lines of the config that set something */
} plan_t;

CUR_RESULT_TYPE(res_plan, plan_t, config_error_t);

/*
 * fn plan(text: &str) -> Result<Plan, ConfigError> {
 *     let cfg = load_config(text)?; ...
 * CUR_TRY_RESULT returns load_config's error as a res_plan (the same error
 * type in a different Result) and otherwise yields the config.
 */
static res_plan plan_server(const char *text)
{
    config_t cfg = CUR_TRY_RESULT(res_plan, load_config(text));
    plan_t plan = {.port = cfg.port, .workers = cfg.workers,
                   .settings = cfg.settings};
    for (int i = 0; i < cfg.nretries; i++)
        plan.worst_retry_ms += cfg.retry_ms[i];
    return CUR_OK(res_plan, plan);
}

int main(void)
{
    const char *configs[] = {
        "# api server\nport = 9000\nworkers = 4\nretry_ms = 100, 200, 400\n",
        "\n# all defaults\n",
        "port = 90x0\n",                  /* not a number */
        "workers = 4\nport = 70000\n",    /* out of range, on line 2 */
        "retry_ms = 100, 200, 0\n",       /* one list item out of range */
        "retry_ms = 1, 2, 4, 8, 16\n",    /* a list that is too long */
        "workers = 2\nthreads = 8\n",     /* an unknown key */
        "port 9000\n",                    /* no '=' */
    };
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(configs); i++) {
        printf("config %td:\n", i + 1);
        res_plan r = plan_server(configs[i]);
        if (r.is_ok)
            printf("  ok (%d settings): port %d, %d worker(s), "
                   "worst-case retry %d ms\n", r.ok.settings, r.ok.port,
                   r.ok.workers, r.ok.worst_retry_ms);
        else
            printf("  error on line %d: %s (%s)\n", r.err.line,
                   cur_err_name(r.err.code), cur_strerror(r.err.code));
    }
    return 0;
}
