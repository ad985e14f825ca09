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
#define CUR_UNWRAP_OPTION(x) CUR__UNWRAP_OPTION(CUR__CAT(cur_tmp0_, __COUNTER__), x)
#define CUR__UNWRAP_OPTION(cur_tmp0_, x)                                     \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(!cur_tmp0_.is_some))                                \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap on a None value");                   \
        cur_tmp0_.value;                                                     \
    })

#define CUR_EXPECT_OPTION(x, ...) CUR__EXPECT_OPTION(CUR__CAT(cur_tmp0_, __COUNTER__), x, __VA_ARGS__)
#define CUR__EXPECT_OPTION(cur_tmp0_, x, ...)                                \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(!cur_tmp0_.is_some))                                \
            cur_panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__);         \
        cur_tmp0_.value;                                                     \
    })

/* CUR_UNWRAP(x): the ok value of a Result; panics on Err. */
#define CUR_UNWRAP(x) CUR__UNWRAP(CUR__CAT(cur_tmp0_, __COUNTER__), x)
#define CUR__UNWRAP(cur_tmp0_, x)                                            \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(!cur_tmp0_.is_ok))                                  \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap on an Err value");                   \
        cur_tmp0_.ok;                                                        \
    })

/* expect: like unwrap, with the caller's printf-style message. */
#define CUR_EXPECT(x, ...) CUR__EXPECT(CUR__CAT(cur_tmp0_, __COUNTER__), x, __VA_ARGS__)
#define CUR__EXPECT(cur_tmp0_, x, ...)                                       \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(!cur_tmp0_.is_ok))                                  \
            cur_panic_at(__FILE__, __LINE__, __func__, __VA_ARGS__);         \
        cur_tmp0_.ok;                                                        \
    })

/* unwrap_err: the error of an Err; panics on Ok. */
#define CUR_UNWRAP_ERR(x) CUR__UNWRAP_ERR(CUR__CAT(cur_tmp0_, __COUNTER__), x)
#define CUR__UNWRAP_ERR(cur_tmp0_, x)                                        \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(cur_tmp0_.is_ok))                                   \
            cur_panic_at(__FILE__, __LINE__, __func__,                       \
                         "called unwrap_err on an Ok value");                \
        cur_tmp0_.err;                                                       \
    })

/* unwrap_or: the value, or dflt (evaluated only when needed). */
#define CUR_UNWRAP_OR(x, dflt) CUR__UNWRAP_OR(CUR__CAT(cur_tmp0_, __COUNTER__), x, dflt)
#define CUR__UNWRAP_OR(cur_tmp0_, x, dflt)                                   \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_ok ? cur_tmp0_.ok : (dflt);                             \
    })

#define CUR_UNWRAP_OPTION_OR(x, dflt) CUR__UNWRAP_OPTION_OR(CUR__CAT(cur_tmp0_, __COUNTER__), x, dflt)
#define CUR__UNWRAP_OPTION_OR(cur_tmp0_, x, dflt)                            \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_some ? cur_tmp0_.value : (dflt);                        \
    })

/* --- combinators ---------------------------------------------------------- */

/* map: Result<T,E> -> Result<U,E> by f(T) -> U; out_type is Result<U,E>. */
#define CUR_MAP(out_type, x, f) CUR__MAP(CUR__CAT(cur_tmp0_, __COUNTER__), out_type, x, f)
#define CUR__MAP(cur_tmp0_, out_type, x, f)                                  \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_ok ? CUR_OK(out_type, f(cur_tmp0_.ok))                  \
                     : CUR_ERR(out_type, cur_tmp0_.err);                     \
    })

/* map_err: Result<T,E> -> Result<T,F> by g(E) -> F. */
#define CUR_MAP_ERR(out_type, x, g) CUR__MAP_ERR(CUR__CAT(cur_tmp0_, __COUNTER__), out_type, x, g)
#define CUR__MAP_ERR(cur_tmp0_, out_type, x, g)                              \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_ok ? CUR_OK(out_type, cur_tmp0_.ok)                     \
                     : CUR_ERR(out_type, g(cur_tmp0_.err));                  \
    })

/*
 * and_then: Result<T,E> -> Result<U,E> by f(T) -> Result<U,E>; the output
 * type is f's return type, found without calling f (typeof does not
 * evaluate).
 */
#define CUR_AND_THEN(x, f) CUR__AND_THEN(CUR__CAT(cur_tmp0_, __COUNTER__), CUR__CAT(cur_tmp1_, __COUNTER__), x, f)
#define CUR__AND_THEN(cur_tmp0_, cur_tmp1_, x, f)                            \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        __typeof__(f(cur_tmp0_.ok)) cur_tmp1_;                               \
        if (cur_tmp0_.is_ok)                                                 \
            cur_tmp1_ = f(cur_tmp0_.ok);                                     \
        else                                                                 \
            cur_tmp1_ = (__typeof__(cur_tmp1_)){.is_ok = false, .err = cur_tmp0_.err}; \
        cur_tmp1_;                                                           \
    })

/* Option map: Option<T> -> Option<U>; out_type is Option<U>. */
#define CUR_OPTION_MAP(out_type, x, f) CUR__OPTION_MAP(CUR__CAT(cur_tmp0_, __COUNTER__), out_type, x, f)
#define CUR__OPTION_MAP(cur_tmp0_, out_type, x, f)                           \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_some ? CUR_SOME(out_type, f(cur_tmp0_.value))           \
                       : CUR_NONE(out_type);                                 \
    })

/* Option and_then: Option<T> -> Option<U> by f(T) -> Option<U>. */
#define CUR_OPTION_AND_THEN(x, f) CUR__OPTION_AND_THEN(CUR__CAT(cur_tmp0_, __COUNTER__), CUR__CAT(cur_tmp1_, __COUNTER__), x, f)
#define CUR__OPTION_AND_THEN(cur_tmp0_, cur_tmp1_, x, f)                     \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        __typeof__(f(cur_tmp0_.value)) cur_tmp1_ = {.is_some = false};       \
        if (cur_tmp0_.is_some) cur_tmp1_ = f(cur_tmp0_.value);               \
        cur_tmp1_;                                                           \
    })

/* ok_or: Option<T> -> Result<T,E>, with e used for None. */
#define CUR_OK_OR(out_type, x, e) CUR__OK_OR(CUR__CAT(cur_tmp0_, __COUNTER__), out_type, x, e)
#define CUR__OK_OR(cur_tmp0_, out_type, x, e)                                \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_some ? CUR_OK(out_type, cur_tmp0_.value)                \
                       : CUR_ERR(out_type, (e));                             \
    })

/* ok: Result<T,E> -> Option<T>, dropping the error. */
#define CUR_RESULT_OK(out_type, x) CUR__RESULT_OK(CUR__CAT(cur_tmp0_, __COUNTER__), out_type, x)
#define CUR__RESULT_OK(cur_tmp0_, out_type, x)                               \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        cur_tmp0_.is_ok ? CUR_SOME(out_type, cur_tmp0_.ok) : CUR_NONE(out_type); \
    })

/* --- the ? operator --------------------------------------------------------- */

/*
 * CUR_TRY(expr): evaluates expr, an int in the library's convention; if it
 * is negative, returns it from the enclosing function (which must return
 * int); otherwise the macro's value is expr's value, so counts pass on:
 *     int n = CUR_TRY(read_header(f));
 */
#define CUR_TRY(expr) CUR__TRY(CUR__CAT(cur_tmp0_, __COUNTER__), expr)
#define CUR__TRY(cur_tmp0_, expr)                                            \
    ({                                                                       \
        int cur_tmp0_ = (expr);                                              \
        if (CUR_UNLIKELY(cur_tmp0_ < 0)) return cur_tmp0_;                   \
        cur_tmp0_;                                                           \
    })

/*
 * CUR_TRY_RESULT(ret_type, x): `?` on a typed Result. If x is Err, returns
 * CUR_ERR(ret_type, err) from the enclosing function, whose return type is
 * ret_type (it may be another Result with the same error type, as Rust's
 * `?` converts with From). Otherwise the value is x's ok.
 */
#define CUR_TRY_RESULT(ret_type, x) CUR__TRY_RESULT(CUR__CAT(cur_tmp0_, __COUNTER__), ret_type, x)
#define CUR__TRY_RESULT(cur_tmp0_, ret_type, x)                              \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (CUR_UNLIKELY(!cur_tmp0_.is_ok)) return CUR_ERR(ret_type, cur_tmp0_.err); \
        cur_tmp0_.ok;                                                        \
    })

/*
 * CUR_TRY_OPTION(ret_type, x): `?` on an Option inside a function returning
 * the Option type ret_type: returns None on None.
 */
#define CUR_TRY_OPTION(ret_type, x) CUR__TRY_OPTION(CUR__CAT(cur_tmp0_, __COUNTER__), ret_type, x)
#define CUR__TRY_OPTION(cur_tmp0_, ret_type, x)                              \
    ({                                                                       \
        __auto_type cur_tmp0_ = (x);                                         \
        if (!cur_tmp0_.is_some) return CUR_NONE(ret_type);                   \
        cur_tmp0_.value;                                                     \
    })

/*
 * CUR_TRY_CTX(expr, errp, fmt, ...): `?` with anyhow's .context(): if the
 * int expr is negative, stores in *errp a cur_error_t carrying the code and
 * the formatted context (allocated with the default hook) and returns the
 * code. *errp must be NULL on entry (an error already there would leak): a
 * non-NULL *errp at the point of failure is a contract violation and panics.
 */
#define CUR_TRY_CTX(expr, errp, ...) CUR__TRY_CTX(CUR__CAT(cur_tmp0_, __COUNTER__), expr, errp, __VA_ARGS__)
#define CUR__TRY_CTX(cur_tmp0_, expr, errp, ...)                             \
    ({                                                                       \
        int cur_tmp0_ = (expr);                                              \
        if (CUR_UNLIKELY(cur_tmp0_ < 0)) {                                   \
            CUR_ASSERT(*(errp) == NULL);                                     \
            *(errp) = cur_error_context(cur_error_new(NULL, cur_tmp0_, NULL), \
                                        __VA_ARGS__);                        \
            return cur_tmp0_;                                                \
        }                                                                    \
        cur_tmp0_;                                                           \
    })

/* Common instances, used across the library's API. */
CUR_OPTION_TYPE(cur_opt_i64_t, int64_t);
CUR_OPTION_TYPE(cur_opt_isize_t, ptrdiff_t);
CUR_RESULT_TYPE(cur_res_i64_t, int64_t, int);
CUR_RESULT_TYPE(cur_res_ptr_t, void *, int);

#endif /* CURRICULUM_RESULT_H */
