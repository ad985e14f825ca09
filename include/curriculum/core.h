/*
 * curriculum/core.h: what every module of libcurriculum shares.
 *
 * - CUR_API marks exported symbols; the library is built with
 *   -fvisibility=hidden, so anything without it stays private.
 * - cur_alloc_t is the allocator hook taken by every allocating call. NULL
 *   means the default hook (the C library's malloc family, or jemalloc in
 *   an ALLOC=jemalloc build).
 * - CUR_ASSERT, CUR_ALWAYS and CUR_NEVER state invariants. A failed
 *   CUR_ASSERT is a contract violation and panics (see panic.h).
 *
 * Sizes used in arithmetic are signed ptrdiff_t throughout the library, so
 * that a negative size is visibly bad input rather than a huge one.
 */
#ifndef CURRICULUM_CORE_H
#define CURRICULUM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CUR_VERSION_MAJOR 0
#define CUR_VERSION_MINOR 1
#define CUR_VERSION_PATCH 0
#define CUR_VERSION_STRING "0.1.0"

#if defined(CUR_BUILDING_LIBRARY)
#define CUR_API __attribute__((visibility("default")))
#else
#define CUR_API
#endif

/* The attribute set the library uses, spelled once. */
#define CUR_NODISCARD __attribute__((warn_unused_result))
#define CUR_NORETURN __attribute__((noreturn))
#define CUR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define CUR_LIKELY(x) __builtin_expect(!!(x), 1)
#define CUR_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Token pasting after expansion, for unique names built from __COUNTER__. */
#define CUR__CAT2(a, b) a##b
#define CUR__CAT(a, b) CUR__CAT2(a, b)

/* Element count and size as signed values (nullprogram's countof/sizeof). */
#define CUR_COUNTOF(a) ((ptrdiff_t)(sizeof(a) / sizeof(*(a))))
#define CUR_SIZEOF(x) ((ptrdiff_t)sizeof(x))

/*
 * The allocator hook.
 *
 * alloc:   return size bytes aligned for any object, or NULL.
 * resize:  grow or shrink ptr from old_size to new_size bytes, keeping the
 *          first min(old_size, new_size) bytes; NULL on failure, in which
 *          case ptr is still valid and still owned by the caller.
 * release: free ptr, which was returned with the given size. NULL is a no-op.
 * ctx:     passed back to every call.
 *
 * The sizes given back to resize and release let arena- or pool-backed hooks
 * free without headers (lua_Alloc and nullprogram's allocator interface do
 * the same). A hook must be thread-safe if the objects using it are shared
 * between threads. The hook struct must outlive every object created with it.
 */
typedef struct cur_alloc {
    void *(*alloc)(void *ctx, ptrdiff_t size);
    void *(*resize)(void *ctx, void *ptr, ptrdiff_t old_size,
                    ptrdiff_t new_size);
    void (*release)(void *ctx, void *ptr, ptrdiff_t size);
    void *ctx;
} cur_alloc_t;

/*
 * The hook that NULL stands for: malloc, realloc and free from the C
 * library, or jemalloc's sized mallocx/sdallocx in a library built with
 * `make ALLOC=jemalloc`. Never NULL; valid for the life of the process.
 */
CUR_API const cur_alloc_t *cur_alloc_default(void);

/*
 * Contract checks. CUR_ASSERT(cond) panics with the condition's text, file
 * and line when cond is false; it is always compiled in, because a violated
 * contract must never run on silently. CUR_ALWAYS(x) and CUR_NEVER(x) mark
 * defensive branches that must never be taken (SQLite's ALWAYS/NEVER): they
 * panic in debug builds (CUR_DEBUG >= 1) and evaluate to x otherwise, so
 * release builds still take the safe branch.
 */
CUR_API CUR_NORETURN CUR_PRINTF(4, 5) void cur_panic_at(const char *file,
                                                         int line,
                                                         const char *func,
                                                         const char *fmt, ...);

#define CUR_ASSERT(cond)                                                     \
    (CUR_LIKELY(cond) ? (void)0                                              \
                      : cur_panic_at(__FILE__, __LINE__, __func__,           \
                                     "assertion failed: %s", #cond))

#ifndef CUR_DEBUG
#define CUR_DEBUG 0
#endif

#if CUR_DEBUG >= 1
#define CUR_ALWAYS(x)                                                        \
    ((x) ? 1                                                                 \
         : (cur_panic_at(__FILE__, __LINE__, __func__, "ALWAYS(%s) failed",  \
                         #x),                                                \
            0))
#define CUR_NEVER(x)                                                         \
    ((x) ? (cur_panic_at(__FILE__, __LINE__, __func__, "NEVER(%s) failed",   \
                         #x),                                                \
            1)                                                               \
         : 0)
#else
#define CUR_ALWAYS(x) (x)
#define CUR_NEVER(x) (x)
#endif

#endif /* CURRICULUM_CORE_H */
