/*
 * curriculum/error.h: the library-wide error convention, typed error enums
 * and dynamic error values with a context chain.
 *
 * The convention (one for the whole library, see docs/error.md):
 *   - a function that can fail returns int: 0 (or a non-negative count) on
 *     success, a negative CUR_E* code on failure;
 *   - where an errno exists the code is -errno (CUR_ENOMEM == -ENOMEM), so
 *     system-call failures pass through unchanged;
 *   - the library's own conditions have codes below -5000, outside the
 *     kernel's errno range (MAX_ERRNO is 4095);
 *   - results go through trailing out-params, written only on success.
 *
 * Three levels of error, after Rust's:
 *   1. int codes, for every library call (std::io::ErrorKind);
 *   2. CUR_ERROR_ENUM: a typed enum whose names and messages come from one
 *      X-macro table (the thiserror idea);
 *   3. cur_error_t: a heap value carrying a code, a message and a chain of
 *      context, printed in one call (the anyhow idea).
 */
#ifndef CURRICULUM_ERROR_H
#define CURRICULUM_ERROR_H

#include <errno.h>
#include <stdio.h>

#include "core.h"

/*
 * The code table: X(NAME, value, message). Codes that mirror an errno carry
 * its value negated; the others are the library's own. New modules add their
 * codes here so that cur_strerror and cur_err_name know every code.
 */
#define CUR_ERRNO_TABLE(X)                                                   \
    X(EPERM, -EPERM, "operation not permitted")                              \
    X(ENOENT, -ENOENT, "no such file or directory")                          \
    X(EINTR, -EINTR, "interrupted system call")                              \
    X(EIO, -EIO, "input/output error")                                       \
    X(E2BIG, -E2BIG, "argument list too long")                               \
    X(EBADF, -EBADF, "bad file descriptor")                                  \
    X(EAGAIN, -EAGAIN, "resource temporarily unavailable")                   \
    X(ENOMEM, -ENOMEM, "out of memory")                                      \
    X(EACCES, -EACCES, "permission denied")                                  \
    X(EBUSY, -EBUSY, "resource busy")                                        \
    X(EEXIST, -EEXIST, "file exists")                                        \
    X(ENOTDIR, -ENOTDIR, "not a directory")                                  \
    X(EISDIR, -EISDIR, "is a directory")                                     \
    X(EINVAL, -EINVAL, "invalid argument")                                   \
    X(EMFILE, -EMFILE, "too many open files")                                \
    X(EFBIG, -EFBIG, "file too large")                                       \
    X(ENOSPC, -ENOSPC, "no space left on device")                            \
    X(EPIPE, -EPIPE, "broken pipe")                                          \
    X(EDOM, -EDOM, "argument out of domain")                                 \
    X(ERANGE, -ERANGE, "result out of range")                                \
    X(EDEADLK, -EDEADLK, "resource deadlock avoided")                        \
    X(ENOSYS, -ENOSYS, "function not implemented")                           \
    X(EOVERFLOW, -EOVERFLOW, "value too large for defined data type")        \
    X(ENOTSUP, -ENOTSUP, "operation not supported")                          \
    X(EADDRINUSE, -EADDRINUSE, "address already in use")                     \
    X(ECONNRESET, -ECONNRESET, "connection reset by peer")                   \
    X(ENOTCONN, -ENOTCONN, "socket is not connected")                        \
    X(ETIMEDOUT, -ETIMEDOUT, "operation timed out")                          \
    X(ECONNREFUSED, -ECONNREFUSED, "connection refused")                     \
    X(EALREADY, -EALREADY, "operation already in progress")                  \
    X(EINPROGRESS, -EINPROGRESS, "operation in progress")                    \
    X(ECANCELED, -ECANCELED, "operation canceled")

#define CUR_OWN_TABLE(X)                                                     \
    X(EPANIC, -5001, "a panic was caught")                                   \
    X(ECLOSED, -5002, "channel or handle is closed")                         \
    X(EPOISONED, -5003, "lock poisoned by a panic")                          \
    X(EUTF8, -5004, "invalid UTF-8")                                         \
    X(EBOUNDARY, -5005, "index is not on a character boundary")              \
    X(EPARSE, -5006, "invalid syntax")                                       \
    X(EEOF, -5007, "end of file")                                            \
    X(ELAGGED, -5008, "receiver lagged behind")                              \
    X(EBORROW, -5009, "value already borrowed")                              \
    X(EUNKNOWN, -5999, "unknown error")

#define CUR_ERROR_TABLE(X) CUR_ERRNO_TABLE(X) CUR_OWN_TABLE(X)

enum cur_error_code {
    CUR_OK = 0,
#define CUR__ERR_ENUM(name, value, msg) CUR_##name = (value),
    CUR_ERROR_TABLE(CUR__ERR_ENUM)
#undef CUR__ERR_ENUM
};

/*
 * cur_strerror: the message for a code: "out of memory" for CUR_ENOMEM,
 * "success" for 0, the C library's message for any other -errno, and
 * "unknown error" for anything else. Never NULL; the string is static.
 * Thread-safe.
 */
CUR_API const char *cur_strerror(int code);

/*
 * cur_err_name: the symbolic name of a code: "CUR_ENOMEM" for CUR_ENOMEM,
 * "CUR_OK" for 0, the errno name ("EHOSTDOWN") for other -errno values and
 * "CUR_EUNKNOWN" otherwise. Never NULL; static. Thread-safe.
 */
CUR_API const char *cur_err_name(int code);

/*
 * cur_err_from_errno: -errno for the current errno, or CUR_EUNKNOWN if errno
 * is not a positive value. For wrapping system calls:
 *     if (fsync(fd) < 0) return cur_err_from_errno();
 */
CUR_API int cur_err_from_errno(void);

/*
 * CUR_ERROR_ENUM(type, TABLE): a typed error enum from one table, the
 * thiserror idea. TABLE(X) lists X(NAME, "message") rows; NAME is the full
 * enumerator name. It defines
 *     enum type { NAME, ..., type_COUNT };
 *     static inline const char *type_name(enum type e);    "NAME"
 *     static inline const char *type_message(enum type e); "message"
 * name and message return "?" for values outside the enum, so a corrupted
 * value prints instead of crashing. Example:
 *     #define CONFIG_ERRORS(X)                      \
 *         X(CONFIG_MISSING, "missing key")          \
 *         X(CONFIG_BAD_VALUE, "value out of range")
 *     CUR_ERROR_ENUM(config_err, CONFIG_ERRORS)
 */
#define CUR_ERROR_ENUM(type, TABLE)                                          \
    enum type { TABLE(CUR__EE_MEMBER) };                                     \
    enum { type##_COUNT = 0 TABLE(CUR__EE_ONE) };                            \
    __attribute__((unused)) static inline const char *type##_name(           \
        enum type e)                                                         \
    {                                                                        \
        static const char *const names[] = {TABLE(CUR__EE_NAME)};           \
        return (unsigned)e < (unsigned)type##_COUNT ? names[e] : "?";        \
    }                                                                        \
    __attribute__((unused)) static inline const char *type##_message(        \
        enum type e)                                                         \
    {                                                                        \
        static const char *const msgs[] = {TABLE(CUR__EE_MSG)};             \
        return (unsigned)e < (unsigned)type##_COUNT ? msgs[e] : "?";         \
    }
#define CUR__EE_MEMBER(name, msg) name,
#define CUR__EE_ONE(name, msg) +1
#define CUR__EE_NAME(name, msg) #name,
#define CUR__EE_MSG(name, msg) msg,

/*
 * The dynamic error value: a code, a message, and the error it wraps.
 *
 * cur_error_new creates a root error; cur_error_context wraps an error in a
 * new one that adds a context message, the way anyhow's .context() does, and
 * takes ownership of the wrapped error. The chain reads outermost first:
 *     "loading config: reading /etc/app.toml: no such file or directory"
 *
 * Allocation failure never loses an error: when the value cannot be
 * allocated, cur_error_new returns cur_error_oom (a static value with code
 * CUR_ENOMEM), and cur_error_context returns the error it was given, with
 * cur_error_truncated() true. cur_error_free accepts both and NULL.
 *
 * A cur_error_t is a plain value with one owner; it may be moved between
 * threads but not shared without a lock.
 */
typedef struct cur_error cur_error_t;

CUR_API extern cur_error_t *const cur_error_oom;

/*
 * cur_error_new: a new root error with the given code (a CUR_E* code, or any
 * negative int of the caller's) and a printf-style message; a NULL fmt, or
 * one that formats to "", uses cur_strerror(code). Returns the owned error,
 * never NULL.
 */
CUR_API CUR_NODISCARD CUR_PRINTF(3, 4) cur_error_t *cur_error_new(
    const cur_alloc_t *a, int code, const char *fmt, ...);

/*
 * cur_error_context: wraps err (taking ownership) in a new error whose
 * message is the formatted context and whose code is err's code. Allocates
 * through the allocator err was made with. Returns the new head, never NULL.
 * err must not be NULL.
 */
CUR_API CUR_NODISCARD CUR_PRINTF(2, 3) cur_error_t *cur_error_context(
    cur_error_t *err, const char *fmt, ...);

/* The code of err, inherited from its root. CUR_OK for NULL. */
CUR_API int cur_error_code(const cur_error_t *err);

/* The message of this link of the chain. "" for NULL. */
CUR_API const char *cur_error_message(const cur_error_t *err);

/* The error this one wraps, or NULL at the root (anyhow's source()). */
CUR_API const cur_error_t *cur_error_source(const cur_error_t *err);

/* The innermost error of the chain (anyhow's root_cause()). */
CUR_API const cur_error_t *cur_error_root(const cur_error_t *err);

/* True if some context was dropped because memory ran out. */
CUR_API bool cur_error_truncated(const cur_error_t *err);

/*
 * cur_error_format: writes the chain on one line, "a: b: c", into buf of
 * size cap (always NUL-terminated when cap > 0). Returns the length the full
 * text needs, excluding the NUL, like snprintf; a return >= cap means the
 * text was cut. CUR_EINVAL if cap < 0 or buf is NULL with cap > 0.
 */
CUR_API int cur_error_format(const cur_error_t *err, char *buf, ptrdiff_t cap);

/*
 * cur_error_print: writes the chain to f in anyhow's report form:
 *     Error: loading config
 *
 *     Caused by:
 *         0: reading /etc/app.toml
 *         1: no such file or directory
 * Returns 0, or -errno if writing failed.
 */
CUR_API int cur_error_print(const cur_error_t *err, FILE *f);

/* cur_error_free: frees the whole chain. NULL and cur_error_oom are no-ops. */
CUR_API void cur_error_free(cur_error_t *err);

#endif /* CURRICULUM_ERROR_H */
