/*
 * curriculum/result.h: typed Option and Result for any T and E, the try
 * macros (Rust's `?`), and unwrap/expect/map/and_then helpers.
 *
 * Types are declared once per (T) or (T, E) with a name, because two
 * anonymous structs with the same members are different types in C:
 *
 *     CUR_OPTION_TYPE(opt_i32, int32_t);        // Option<i32>
 *     CUR_RESULT_TYPE(res_f64, double, int);    // Result<f64, int>
 *
 * An Option has fields is_some and value; a Result has is_ok and a union of
 * ok and err. Reading the inactive member is a bug, as in Rust, but C will
 * not stop you: the helpers below check, and unwrap/expect panic with the
 * caller's file and line.
 *
 * Every helper evaluates its argument exactly once. The helpers that take
 * a function accept a function name or any callable expression; for inline
 * closures use GNU statement expressions or a static function.
 *
 * The int convention (0 or a count on success, negative CUR_E* on failure)
 * is the library's own Result<int, code>; CUR_TRY is its `?`.
 *
 * Thread safety: these are values and macros; nothing here is shared.
 */
#ifndef CURRICULUM_RESULT_H
#define CURRICULUM_RESULT_H

#include "core.h"
#include "error.h"

/* --- declaring types ------------------------------------------------------ */

#define CUR_OPTION_TYPE(name, T)                                             \
    typedef struct name {                                                    \
        bool is_some;                                                        \
        T value;                                                             \
    } name

#define CUR_RESULT_TYPE(name, T, E)                                          \
    typedef struct name {                                                    \
        bool is_ok;                                                          \
        union {                                                              \
            T ok;                                                            \
            E err;                                                           \
        };                                                                   \
    } name

/* --- constructing --------------------------------------------------------- */

#define CUR_SOME(type, v) ((type){.is_some = true, .value = (v)})
#define CUR_NONE(type) ((type){.is_some = false})
#define CUR_OK(type, v) ((type){.is_ok = true, .ok = (v)})
#define CUR_ERR(type, e) ((type){.is_ok = false, .err = (e)})

/* --- unwrapping ----------------------------------------------------------- */

/*
 * CUR_UNWRAP_OPTION(x) / CUR_EXPECT_OPTION(x, fmt, ...): the value of a
 * Some; panics on None, naming the caller's file and line (what Rust's
 * #[track_caller] gives unwrap). Options test is_some and results test
 * is_ok, hence two spellings of each helper.
 */
#define CUR_UNWRAP_OPTION(x)                                                 \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        if (CUR_UNLIKELY(!cur_u_.is_some))                                   \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap on a None value");                   \
        cur_u_.value;                                                        \
    })

#define CUR_EXPECT_OPTION(x, ...)                                            \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        if (CUR_UNLIKELY(!cur_u_.is_some))                                   \
            cur_panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__);         \
        cur_u_.value;                                                        \
    })

/* CUR_UNWRAP(x): the ok value of a Result; panics on Err. */
#define CUR_UNWRAP(x)                                                        \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        if (CUR_UNLIKELY(!cur_u_.is_ok))                                     \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap on an Err value");                   \
        cur_u_.ok;                                                           \
    })

/* expect: like unwrap, with the caller's printf-style message. */
#define CUR_EXPECT(x, ...)                                                   \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        if (CUR_UNLIKELY(!cur_u_.is_ok))                                     \
            cur_panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__);         \
        cur_u_.ok;                                                           \
    })

/* unwrap_err: the error of an Err; panics on Ok. */
#define CUR_UNWRAP_ERR(x)                                                    \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        if (CUR_UNLIKELY(cur_u_.is_ok))                                      \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap_err on an Ok value");                \
        cur_u_.err;                                                          \
    })

/* unwrap_or: the value, or dflt (evaluated only when needed). */
#define CUR_UNWRAP_OR(x, dflt)                                               \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        cur_u_.is_ok ? cur_u_.ok : (dflt);                                   \
    })

#define CUR_UNWRAP_OPTION_OR(x, dflt)                                        \
    ({                                                                       \
        __auto_type cur_u_ = (x);                                            \
        cur_u_.is_some ? cur_u_.value : (dflt);                              \
    })

/* --- combinators ---------------------------------------------------------- */

/* map: Result<T,E> -> Result<U,E> by f(T) -> U; out_type is Result<U,E>. */
#define CUR_MAP(out_type, x, f)                                              \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        cur_m_.is_ok ? CUR_OK(out_type, f(cur_m_.ok))                        \
                     : CUR_ERR(out_type, cur_m_.err);                        \
    })

/* map_err: Result<T,E> -> Result<T,F> by g(E) -> F. */
#define CUR_MAP_ERR(out_type, x, g)                                          \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        cur_m_.is_ok ? CUR_OK(out_type, cur_m_.ok)                           \
                     : CUR_ERR(out_type, g(cur_m_.err));                     \
    })

/*
 * and_then: Result<T,E> -> Result<U,E> by f(T) -> Result<U,E>; the output
 * type is f's return type, found without calling f (typeof does not
 * evaluate).
 */
#define CUR_AND_THEN(x, f)                                                   \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        __typeof__(f(cur_m_.ok)) cur_r_;                                     \
        if (cur_m_.is_ok)                                                    \
            cur_r_ = f(cur_m_.ok);                                           \
        else                                                                 \
            cur_r_ = (__typeof__(cur_r_)){.is_ok = false, .err = cur_m_.err}; \
        cur_r_;                                                              \
    })

/* Option map: Option<T> -> Option<U>; out_type is Option<U>. */
#define CUR_OPTION_MAP(out_type, x, f)                                       \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        cur_m_.is_some ? CUR_SOME(out_type, f(cur_m_.value))                 \
                       : CUR_NONE(out_type);                                 \
    })

/* Option and_then: Option<T> -> Option<U> by f(T) -> Option<U>. */
#define CUR_OPTION_AND_THEN(x, f)                                            \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        __typeof__(f(cur_m_.value)) cur_r_ = {.is_some = false};             \
        if (cur_m_.is_some) cur_r_ = f(cur_m_.value);                        \
        cur_r_;                                                              \
    })

/* ok_or: Option<T> -> Result<T,E>, with e used for None. */
#define CUR_OK_OR(out_type, x, e)                                            \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        cur_m_.is_some ? CUR_OK(out_type, cur_m_.value)                      \
                       : CUR_ERR(out_type, (e));                             \
    })

/* ok: Result<T,E> -> Option<T>, dropping the error. */
#define CUR_RESULT_OK(out_type, x)                                           \
    ({                                                                       \
        __auto_type cur_m_ = (x);                                            \
        cur_m_.is_ok ? CUR_SOME(out_type, cur_m_.ok) : CUR_NONE(out_type);   \
    })

/* --- the ? operator --------------------------------------------------------- */

/*
 * CUR_TRY(expr): evaluates expr, an int in the library's convention; if it
 * is negative, returns it from the enclosing function (which must return
 * int); otherwise the macro's value is expr's value, so counts pass on:
 *     int n = CUR_TRY(read_header(f));
 */
#define CUR_TRY(expr)                                                        \
    ({                                                                       \
        int cur_t_ = (expr);                                                 \
        if (CUR_UNLIKELY(cur_t_ < 0)) return cur_t_;                         \
        cur_t_;                                                              \
    })

/*
 * CUR_TRY_RESULT(ret_type, x): `?` on a typed Result. If x is Err, returns
 * CUR_ERR(ret_type, err) from the enclosing function, whose return type is
 * ret_type (it may be another Result with the same error type, as Rust's
 * `?` converts with From). Otherwise the value is x's ok.
 */
#define CUR_TRY_RESULT(ret_type, x)                                          \
    ({                                                                       \
        __auto_type cur_t_ = (x);                                            \
        if (CUR_UNLIKELY(!cur_t_.is_ok)) return CUR_ERR(ret_type, cur_t_.err); \
        cur_t_.ok;                                                           \
    })

/*
 * CUR_TRY_OPTION(ret_type, x): `?` on an Option inside a function returning
 * the Option type ret_type: returns None on None.
 */
#define CUR_TRY_OPTION(ret_type, x)                                          \
    ({                                                                       \
        __auto_type cur_t_ = (x);                                            \
        if (!cur_t_.is_some) return CUR_NONE(ret_type);                      \
        cur_t_.value;                                                        \
    })

/*
 * CUR_TRY_CTX(expr, errp, fmt, ...): `?` with anyhow's .context(): if the
 * int expr is negative, stores in *errp a cur_error_t carrying the code and
 * the formatted context (allocated with the libc hook) and returns the code.
 */
#define CUR_TRY_CTX(expr, errp, ...)                                         \
    ({                                                                       \
        int cur_t_ = (expr);                                                 \
        if (CUR_UNLIKELY(cur_t_ < 0)) {                                      \
            *(errp) = cur_error_context(cur_error_new(NULL, cur_t_, NULL),   \
                                        __VA_ARGS__);                        \
            return cur_t_;                                                   \
        }                                                                    \
        cur_t_;                                                              \
    })

/* Common instances, used across the library's API. */
CUR_OPTION_TYPE(cur_opt_i64_t, int64_t);
CUR_OPTION_TYPE(cur_opt_isize_t, ptrdiff_t);
CUR_RESULT_TYPE(cur_res_i64_t, int64_t, int);
CUR_RESULT_TYPE(cur_res_ptr_t, void *, int);

#endif /* CURRICULUM_RESULT_H */
