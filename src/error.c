/*
 * src/error.c: error codes and names, and the dynamic error value.
 *
 * Invariants of cur_error_t: a chain is a singly linked list from the
 * outermost context to the root; every link was allocated with `alloc`
 * (which all links of one chain share) and owns its message, stored inline
 * after the struct; code is the root's code in every link. cur_error_oom is
 * static, never freed, and always a root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrordesc_np, strerrorname_np, pthread_getname_np */
#endif
#include <curriculum/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core_int.h"

const char *cur_strerror(int code)
{
    switch (code) {
    case 0: return "success";
#define CUR__MSG_CASE(name, value, msg) case value: return msg;
    CUR_ERROR_TABLE(CUR__MSG_CASE)
#undef CUR__MSG_CASE
    default: break;
    }
    if (code < 0 && code > -4096) {
        const char *s = strerrordesc_np(-code);
        if (s) return s;
    }
    return "unknown error";
}

const char *cur_err_name(int code)
{
    switch (code) {
    case 0: return "CUR_OK";
#define CUR__NAME_CASE(name, value, msg) case value: return "CUR_" #name;
    CUR_ERROR_TABLE(CUR__NAME_CASE)
#undef CUR__NAME_CASE
    default: break;
    }
    if (code < 0 && code > -4096) {
        const char *s = strerrorname_np(-code);
        if (s) return s;
    }
    return "CUR_EUNKNOWN";
}

int cur_err_from_errno(void)
{
    return errno > 0 ? -errno : CUR_EUNKNOWN;
}

struct cur_error {
    const cur_alloc_t *alloc; /* NULL for the static OOM error */
    cur_error_t *source;      /* the wrapped error, or NULL at the root */
    ptrdiff_t size;           /* bytes allocated for this link */
    int code;                 /* the root's code */
    bool truncated;           /* some context was lost to OOM */
    char *message;            /* NUL-terminated, stored right after */
};

static cur_error_t oom_error = {
    .code = CUR_ENOMEM,
    .message = (char *)"out of memory",
};

cur_error_t *const cur_error_oom = &oom_error;

/*
 * Formats into a new link; NULL if memory runs out. An empty message (NULL
 * fmt, or one that formats to "") is replaced by cur_strerror(code).
 */
static cur_error_t *new_link(const cur_alloc_t *a, int code, const char *fmt,
                             va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = fmt ? vsnprintf(NULL, 0, fmt, ap) : 0;
    const char *fallback = n == 0 ? cur_strerror(code) : NULL;
    if (fallback) n = (int)strlen(fallback);
    cur_error_t *e = NULL;
    ptrdiff_t size = (ptrdiff_t)sizeof(cur_error_t) + n + 1;
    if (n >= 0) e = cur__alloc(a, size);
    if (e) {
        *e = (cur_error_t){.alloc = a, .size = size, .code = code,
                           .message = (char *)(e + 1)};
        if (fallback)
            memcpy(e->message, fallback, (size_t)n + 1);
        else
            vsnprintf(e->message, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    return e;
}

cur_error_t *cur_error_new(const cur_alloc_t *a, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cur_error_t *e = new_link(a, code, fmt, ap);
    va_end(ap);
    return e ? e : cur_error_oom;
}

cur_error_t *cur_error_context(cur_error_t *err, const char *fmt, ...)
{
    CUR_ASSERT(err != NULL);
    if (err == cur_error_oom) return err; /* nowhere to record context */
    va_list ap;
    va_start(ap, fmt);
    cur_error_t *e = new_link(err->alloc, err->code, fmt, ap);
    va_end(ap);
    if (!e) {
        err->truncated = true;
        return err;
    }
    e->source = err;
    e->truncated = err->truncated;
    return e;
}

int cur_error_code(const cur_error_t *err) { return err ? err->code : CUR_OK; }

const char *cur_error_message(const cur_error_t *err)
{
    return err ? err->message : "";
}

const cur_error_t *cur_error_source(const cur_error_t *err)
{
    return err ? err->source : NULL;
}

const cur_error_t *cur_error_root(const cur_error_t *err)
{
    if (!err) return NULL;
    while (err->source) err = err->source;
    return err;
}

bool cur_error_truncated(const cur_error_t *err)
{
    return err && err->truncated;
}

int cur_error_format(const cur_error_t *err, char *buf, ptrdiff_t cap)
{
    if (cap < 0 || (cap > 0 && !buf)) return CUR_EINVAL;
    ptrdiff_t need = 0;
    for (const cur_error_t *e = err; e; e = e->source) {
        const char *sep = e == err ? "" : ": ";
        int n = snprintf(need < cap ? buf + need : NULL,
                         need < cap ? (size_t)(cap - need) : 0, "%s%s", sep,
                         e->message);
        if (n < 0) return CUR_EIO;
        if (__builtin_add_overflow(need, n, &need) || need > INT32_MAX)
            return CUR_EOVERFLOW;
    }
    if (cap > 0 && need == 0) buf[0] = '\0';
    return (int)need;
}

int cur_error_print(const cur_error_t *err, FILE *f)
{
    if (!f) return CUR_EINVAL;
    int rc = fprintf(f, "Error: %s\n", cur_error_message(err));
    if (rc >= 0 && err && err->source) {
        rc = fputs("\nCaused by:\n", f);
        int i = 0;
        for (const cur_error_t *e = err->source; e && rc >= 0; e = e->source)
            rc = fprintf(f, "    %d: %s\n", i++, e->message);
    }
    if (rc >= 0 && cur_error_truncated(err))
        rc = fputs("\n(some context was lost: out of memory)\n", f);
    if (rc < 0) return cur_err_from_errno();
    return 0;
}

void cur_error_free(cur_error_t *err)
{
    while (err && err != cur_error_oom) {
        cur_error_t *next = err->source;
        cur__free(err->alloc, err, err->size);
        err = next;
    }
}
