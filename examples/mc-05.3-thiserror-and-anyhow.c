/*
 * mc-05.3 ThisError and Anyhow Crates
 *
 * Shows: a library that reports a typed error enum at its boundary (the
 * thiserror idea, CUR_ERROR_ENUM), and an application that turns every
 * failure into a cur_error_t and adds context as it climbs (the anyhow
 * idea): CUR_TRY_CTX, cur_error_new, cur_error_context; then inspecting
 * the code to decide what to do, the root cause, the one-line form and
 * the "Caused by:" report, and freeing every chain.
 *
 * Build: cc -std=gnu17 examples/mc-05.3-thiserror-and-anyhow.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/error.h>
#include <curriculum/panic.h>
#include <curriculum/result.h>

#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic error "-Wswitch"

/* --- a library: typed errors, so callers can match on them ------------- */

#define LIMIT_ERRORS(X)                                                      \
    X(LIMIT_EMPTY, "the file is empty")                                      \
    X(LIMIT_NOT_A_NUMBER, "expected a number of connections")                \
    X(LIMIT_TOO_LARGE, "more than 10000 connections")

CUR_ERROR_ENUM(limit_err, LIMIT_ERRORS)
CUR_RESULT_TYPE(res_limit, int, enum limit_err); /* Result<i32, LimitErr> */

/* Parses a file that holds one connection limit, such as "512\n". */
static res_limit limit_parse(const char *text)
{
    if (text[0] == '\0' || text[0] == '\n')
        return CUR_ERR(res_limit, LIMIT_EMPTY);
    int v = 0;
    for (const char *s = text; *s != '\0' && *s != '\n'; s++) {
        if (*s < '0' || *s > '9') return CUR_ERR(res_limit, LIMIT_NOT_A_NUMBER);
        v = v * 10 + (*s - '0');
        if (v > 10000) return CUR_ERR(res_limit, LIMIT_TOO_LARGE);
    }
    return CUR_OK(res_limit, v);
}

/* The library's code for each of its errors, for callers that want one. */
static int limit_err_code(enum limit_err e)
{
    switch (e) {
    case LIMIT_EMPTY:
    case LIMIT_NOT_A_NUMBER: return CUR_EPARSE;
    case LIMIT_TOO_LARGE: return CUR_ERANGE;
    }
    CUR_UNREACHABLE();
}

/* A pretend file system in the int convention: CUR_ENOENT if absent. */
static int fs_read(const char *path, const char **out)
{
    static const struct { const char *path, *text; } files[] = {
        {"/etc/svc/web.limit", "512\n"},
        {"/etc/svc/cache.limit", "lots\n"},
        {"/etc/svc/queue.limit", "50000\n"},
        {"/etc/svc/search.limit", "2048\n"},
    };
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(files); i++) {
        if (strcmp(files[i].path, path) == 0) {
            *out = files[i].text;
            return 0;
        }
    }
    return CUR_ENOENT;
}

/* --- the application: one error type, with context ---------------------- */

#define FD_LIMIT 1024 /* what this (pretend) machine allows */

/*
 * Reads a service's limit into *out. On failure returns the negative code
 * and stores a new error chain in *err, which the caller then owns; *err
 * is written only on failure, as *out is only on success.
 */
static int read_limit(const char *service, int *out, cur_error_t **err)
{
    char path[64];
    snprintf(path, sizeof path, "/etc/svc/%s.limit", service);

    /* fs_read(&path).with_context(|| format!("reading {path}"))? */
    const char *text;
    CUR_TRY_CTX(fs_read(path, &text), err, "reading %s", path);

    /* A typed library error becomes the root of a chain; its message and
     * code are kept, and the context says which file it was. */
    res_limit r = limit_parse(text);
    if (!r.is_ok) {
        int code = limit_err_code(r.err);
        cur_error_t *root = cur_error_new(NULL, code, "%s",
                                          limit_err_message(r.err));
        *err = cur_error_context(root, "parsing %s", path);
        return code;
    }

    /* A check only the application knows about: anyhow!(...). */
    if (r.ok > FD_LIMIT) {
        *err = cur_error_new(NULL, CUR_EMFILE,
                             "limit %d is above this machine's %d descriptors",
                             r.ok, FD_LIMIT);
        return CUR_EMFILE;
    }
    *out = r.ok;
    return 0;
}

static int start_service(const char *service, int *limit, cur_error_t **err)
{
    int rc = read_limit(service, limit, err);
    if (rc < 0) {
        /* One more layer of context on the way up; the code is kept. */
        *err = cur_error_context(*err, "starting service %s", service);
        return rc;
    }
    return 0;
}

int main(void)
{
    /* A library caller sees the typed error, and can match on it. */
    const char *texts[] = {"512", "", "lots", "50000"};
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(texts); i++) {
        res_limit r = limit_parse(texts[i]);
        if (r.is_ok)
            printf("limit_parse(\"%s\") = Ok(%d)\n", texts[i], r.ok);
        else
            printf("limit_parse(\"%s\") = Err(%s)\n", texts[i],
                   limit_err_name(r.err));
    }
    printf("\n");

    const char *services[] = {"web", "db", "cache", "queue", "search"};
    for (ptrdiff_t i = 0; i < CUR_COUNTOF(services); i++) {
        int limit = 0;
        cur_error_t *err = NULL;
        if (start_service(services[i], &limit, &err) == 0) {
            printf("%s: started, %d connections\n\n", services[i], limit);
            continue;
        }

        /*
         * Like anyhow's downcast_ref, look at what the error is, not at
         * its text: a missing file is expected, and has a default.
         */
        if (cur_error_code(err) == CUR_ENOENT) {
            char line[160];
            int n = cur_error_format(err, line, CUR_SIZEOF(line));
            if (n >= CUR_SIZEOF(line)) strcpy(&line[sizeof line - 4], "...");
            printf("%s: %s\n", services[i], n < 0 ? cur_strerror(n) : line);
            printf("%s: started with the default, 64 connections\n\n",
                   services[i]);
        } else {
            printf("%s: not started (%s; root cause: %s)\n", services[i],
                   cur_err_name(cur_error_code(err)),
                   cur_error_message(cur_error_root(err)));
            cur_error_print(err, stdout);
            printf("\n");
        }
        cur_error_free(err); /* the whole chain, root included */
    }
    return 0;
}
