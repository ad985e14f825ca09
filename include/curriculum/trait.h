/*
 * curriculum/trait.h: traits as vtables, trait objects as fat pointers,
 * default (provided) methods, and the Iterator trait with its adaptors.
 *
 *   Rust                              C
 *   trait Shape { fn area(&self); }   struct shape_vtable { cur_vtable_t hdr;
 *                                         double (*area)(const void *self); }
 *   &dyn Shape, Box<dyn Shape>        CUR_DYN_TYPE(dyn_shape, shape_vtable):
 *                                         { void *data; const vtable *vt; }
 *   s.area()                          CUR_DYN_CALL(s, area)
 *   impl Shape for Circle             a static const vtable, usually made by
 *                                     the trait's own IMPL macro
 *   a provided (default) method       a vtable slot the IMPL macro or
 *                                     cur_trait_complete fills with a default
 *   vtable header (drop, size, align) cur_vtable_t: the trait and the
 *                                     implementing type's cur_type_t
 *   Box::new(c) as Box<dyn Shape>     CUR_DYN_BOX_NEW(&s, alloc, &vt, &c)
 *   drop(boxed)                       CUR_DYN_BOX_FREE(&s): drop and size
 *                                     come from the vtable, as in Rust
 *   (x as &dyn Any).downcast_ref      CUR_DYN_DOWNCAST(s, circle_t, &type)
 *   impl Iterator { type Item; .. }   cur_iter_t: { data, vt, item_size }
 *   .map .filter .take .skip          cur_iter_map, _filter, _take, _skip,
 *   .chain .enumerate                 _chain, _enumerate: state in caller
 *                                     storage, no allocation
 *   .fold .for_each .count .collect   cur_iter_fold, _for_each, _count,
 *                                     _collect (into a caller's buffer)
 *   monomorphized generics            CUR_STATIC_ITER_*: macros that stamp
 *                                     out a typed iterator per use
 *
 * The convention, used by every trait of the library and recommended for
 * yours (docs/trait.md explains each choice):
 *
 *   1. A trait is a struct of function pointers whose first member is a
 *      cur_vtable_t named hdr: the trait it implements and the type that
 *      implements it (a cur_type_t from own.h: name, size, align, drop).
 *      That is Rust's vtable header: drop_in_place, size, align.
 *   2. A trait object is a fat pointer passed by value: the value's
 *      address and the vtable's, declared with CUR_DYN_TYPE.
 *   3. Required methods take the value as `void *self` (or `const void
 *      *self`): they are the impl's own code. Provided methods take the
 *      trait object itself, because a default is written once for every
 *      impl and must reach the required methods through the vtable (Rust
 *      stamps out one copy of a default per impl; C cannot).
 *   4. A trait is described at run time by a cur_trait_t: its name, its
 *      vtable's size, and a table of its methods (slot, name, default;
 *      required methods have no default).
 *   5. Vtables are complete before use: every slot set. Two ways:
 *      - at build time (preferred): the trait's IMPL macro takes the
 *        required methods as arguments, so leaving one out does not
 *        compile, and CUR_REQUIRE rejects NULL or a wrong signature with a
 *        static assertion naming the method; provided methods get their
 *        defaults in the same initializer, overridable by name;
 *      - at run time, for vtables assembled while the program runs:
 *        cur_trait_complete copies a partial vtable, fills empty provided
 *        slots with defaults, and returns CUR_EINVAL if a required method
 *        is missing; cur_trait_missing names it.
 *
 * Errors follow error.h: int returns, 0 (or a count) on success, negative
 * CUR_E* codes, out-params written only on success. Bad sizes are bad
 * input (CUR_EINVAL, CUR_EOVERFLOW); NULL callbacks, NULL state or out
 * pointers, and incomplete vtables are contract violations and panic.
 *
 * Thread safety, for the whole header: vtables and trait descriptors are
 * immutable once complete and may be shared by any number of threads.
 * Iterators and adaptor states are plain values with no locking, used by
 * one thread at a time (Rust's iterators are Send when their parts are).
 * A trait object is as thread-safe as the value it points at.
 */
#ifndef CURRICULUM_TRAIT_H
#define CURRICULUM_TRAIT_H

#include "core.h"
#include "own.h"

#include <string.h>

/* ------------------------------------------------------------------------ */
/* Trait descriptors                                                        */
/* ------------------------------------------------------------------------ */

/*
 * cur_fn_t: a method slot seen without its signature. Every vtable slot is
 * a function pointer, and C lets any function pointer round-trip through
 * this type; the library only moves slots around as cur_fn_t, it never
 * calls one through it.
 */
typedef void (*cur_fn_t)(void);

/*
 * cur_trait_method_t: one row of a trait's method table. A row with a NULL
 * fallback is a required method; otherwise fallback is the provided
 * method's default, used wherever an impl leaves the slot empty. Build
 * rows with CUR_TRAIT_REQUIRED and CUR_TRAIT_PROVIDED, which compute the
 * offset and check the default's signature at compile time.
 */
typedef struct cur_trait_method {
    const char *name;  /* the method's name, for messages: "area" */
    ptrdiff_t offset;  /* offsetof(vtable type, slot) */
    cur_fn_t fallback; /* the default; NULL: required */
} cur_trait_method_t;

/*
 * cur_trait_t: the run-time description of a trait (Rust keeps it in the
 * compiler). Written once per trait, usually as a const object with
 * CUR_TRAIT_INIT, and shared by every impl:
 *
 *     static const cur_trait_method_t shape_methods[] = {
 *         CUR_TRAIT_REQUIRED(shape_vtable_t, area),
 *         CUR_TRAIT_PROVIDED(shape_vtable_t, describe, shape_describe),
 *     };
 *     static const cur_trait_t shape_trait =
 *         CUR_TRAIT_INIT("Shape", shape_vtable_t, shape_methods);
 *
 * Rules (cur_trait_check; CUR_EINVAL when broken): vtable_size is at least
 * sizeof(cur_vtable_t); every row has a name and an offset inside the
 * vtable after the header, aligned for a function pointer, and no two
 * rows share a slot. Slots not in the table are copied by completion but
 * never checked or filled.
 *
 * Lifetime: must outlive every vtable that names it. Immutable.
 */
typedef struct cur_trait {
    const char *name;                  /* the trait's name: "Shape" */
    ptrdiff_t vtable_size;             /* sizeof the vtable struct */
    const cur_trait_method_t *methods; /* the method table */
    ptrdiff_t n_methods;               /* rows in methods */
} cur_trait_t;

/*
 * CUR__CHECK_SLOT(VT, slot, fn, msg): fn, after a static assertion that
 * fn is a function (or function pointer) with exactly the type of VT's
 * slot. NULL and 0 fail the assertion (or do not compile), so this is also
 * the build-time "required method is missing" check. The assertion sits
 * in an unevaluated struct inside __builtin_choose_expr, which keeps the
 * whole thing a constant expression usable in static initializers.
 */
#define CUR__CHECK_SLOT(VT, slot, fn, msg)                                   \
    __builtin_choose_expr(                                                   \
        0,                                                                   \
        sizeof(struct {                                                      \
            _Static_assert(                                                  \
                __builtin_types_compatible_p(__typeof__(&*(fn)),            \
                                             __typeof__(((VT *)0)->slot)),   \
                msg);                                                        \
            int cur_unused_;                                                 \
        }),                                                                  \
        (fn))

/* A required method's row: no default; completion fails without it. */
#define CUR_TRAIT_REQUIRED(VT, slot)                                         \
    {.name = #slot, .offset = (ptrdiff_t)offsetof(VT, slot), .fallback = NULL}

/*
 * A provided method's row: dflt fills the slot when an impl leaves it
 * empty. dflt must have exactly the slot's type (checked at compile time).
 */
#define CUR_TRAIT_PROVIDED(VT, slot, dflt)                                   \
    {.name = #slot,                                                          \
     .offset = (ptrdiff_t)offsetof(VT, slot),                                \
     .fallback = (cur_fn_t)CUR__CHECK_SLOT(                                  \
         VT, slot, dflt,                                                     \
         "default of " #slot " does not have the slot's type")}

/*
 * CUR_TRAIT_INIT(name, VT, methods): the initializer of a cur_trait_t for
 * the vtable type VT and the method table `methods` (an array, not a
 * pointer). Asserts at compile time that VT begins with its cur_vtable_t
 * header named hdr.
 */
#define CUR_TRAIT_INIT(trait_name, VT, method_table)                         \
    {.name = (trait_name),                                                   \
     .vtable_size = (ptrdiff_t)(sizeof(VT) +                                 \
                                0 * sizeof(struct {                          \
                                    _Static_assert(offsetof(VT, hdr) == 0,   \
                                                   #VT " must begin with "   \
                                                       "cur_vtable_t hdr");  \
                                    int cur_unused_;                         \
                                })),                                         \
     .methods = (method_table),                                              \
     .n_methods = CUR_COUNTOF(method_table)}

/*
 * cur_trait_check: 0 if t follows the rules above, CUR_EINVAL if not.
 * t must not be NULL (panics). Thread-safe.
 */
CUR_API int cur_trait_check(const cur_trait_t *t);

/* ------------------------------------------------------------------------ */
/* Vtables                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * cur_vtable_t: the header every vtable begins with, as member `hdr`.
 * Rust's vtables begin with drop_in_place, size and align; here those come
 * from the implementing type's descriptor, the same cur_type_t that Box,
 * Rc and Arc use, so a type described once can be boxed, counted and made
 * into a trait object alike.
 *
 * trait names the trait implemented (it may be NULL in a partial vtable
 * given to cur_trait_complete, which sets it). type must not be NULL in a
 * complete vtable: trait-object boxes take size, alignment and drop from
 * it, and downcasts compare it.
 */
typedef struct cur_vtable {
    const cur_trait_t *trait; /* the trait this vtable implements */
    const cur_type_t *type;   /* the implementing type (size, align, drop) */
} cur_vtable_t;

/* The initializer of a vtable's header: .hdr = CUR_VTABLE_HDR(&t, &ty). */
#define CUR_VTABLE_HDR(trait_ptr, type_ptr)                                  \
    {.trait = (trait_ptr), .type = (type_ptr)}

/*
 * CUR_REQUIRE(VT, slot, fn): the designated initializer `.slot = fn`, with
 * a static assertion that fn is not NULL and has exactly the slot's type.
 * A trait's IMPL macro uses it for each required method it takes as an
 * argument, so an impl that forgets one does not compile either way:
 * leaving the argument out is a preprocessor error ("macro requires N
 * arguments"), and passing NULL fails the assertion, whose message names
 * the method.
 */
#define CUR_REQUIRE(VT, slot, fn)                                            \
    .slot = CUR__CHECK_SLOT(VT, slot, fn,                                    \
                            "required method `" #slot                        \
                            "` is missing (NULL) or has the wrong type")

/*
 * CUR_IMPL_BEGIN / CUR_IMPL_END: bracket a vtable definition whose
 * initializer lists the provided methods' defaults first and the impl's
 * overrides after them (`.slot = dflt, __VA_ARGS__`): a later designated
 * initializer replaces an earlier one, which is exactly "override the
 * default", and these silence the -Woverride-init warning that gcc and
 * clang give for it, for that one definition only. CUR_IMPL_END ends with
 * a declaration so that the IMPL macro's caller writes the semicolon.
 * A trait's IMPL macro, in full:
 *
 *     #define SHAPE_IMPL(var, type, area_fn, ...)                          \
 *         CUR_IMPL_BEGIN                                                   \
 *         static const shape_vtable_t var = {                              \
 *             .hdr = CUR_VTABLE_HDR(&shape_trait, type),                   \
 *             CUR_REQUIRE(shape_vtable_t, area, area_fn),                  \
 *             .describe = shape_describe_default,                          \
 *             __VA_ARGS__};                                                \
 *         CUR_IMPL_END
 *
 *     SHAPE_IMPL(circle_shape, &circle_type, circle_area);
 *     SHAPE_IMPL(square_shape, &square_type, square_area,
 *                .describe = square_describe);
 */
#define CUR_IMPL_BEGIN                                                       \
    _Pragma("GCC diagnostic push")                                           \
        _Pragma("GCC diagnostic ignored \"-Woverride-init\"")
#define CUR_IMPL_END                                                         \
    _Pragma("GCC diagnostic pop") _Static_assert(1, "vtable defined")

/*
 * cur_trait_complete: builds a complete vtable in out from the partial
 * vtable at partial (both t->vtable_size bytes; they may be the same
 * object): a copy in which every empty provided slot holds its default
 * and hdr.trait is t. For vtables assembled at run time; static vtables
 * get the same result at build time from an IMPL macro.
 *
 * Returns 0; CUR_EINVAL, with out untouched, if t breaks the descriptor
 * rules, if partial's hdr.trait is set to another trait, if hdr.type is
 * NULL or breaks the cur_type_t rules, or if a required method is missing
 * (cur_trait_missing then names it). t, out and partial must not be NULL
 * (panics).
 *
 * Complete a vtable before any thread uses it (once, at start-up or under
 * cur_once); afterwards it is immutable and shareable.
 */
CUR_API int cur_trait_complete(const cur_trait_t *t, void *out,
                               const void *partial);

/*
 * cur_trait_missing: the name of the first required method (in the order
 * of t's method table) whose slot in vtable is empty, or NULL when there
 * is none, or when t itself breaks the rules. For the message after
 * cur_trait_complete failed:
 *     "Shape: required method `area` is missing"
 * The name is t's own string. t and vtable must not be NULL (panics).
 */
CUR_API const char *cur_trait_missing(const cur_trait_t *t,
                                      const void *vtable);

/* ------------------------------------------------------------------------ */
/* Trait objects (fat pointers)                                             */
/* ------------------------------------------------------------------------ */

/*
 * CUR_DYN_TYPE(name, vtable_tag): declares the trait-object type
 *     typedef struct name { void *data; const struct vtable_tag *vt; } name;
 * Rust's &dyn Trait: the value's address and its impl's vtable, two words
 * passed by value. The vtable struct may still be incomplete here, so the
 * trait object can appear in the signatures of its own provided methods:
 *     CUR_DYN_TYPE(dyn_shape, shape_vtable);
 *     typedef struct shape_vtable {
 *         cur_vtable_t hdr;
 *         double (*area)(const void *self);
 *         void (*describe)(dyn_shape self, char *buf, ptrdiff_t cap);
 *     } shape_vtable_t;
 * Ownership: a trait object borrows (data is not freed with it) unless it
 * was made by CUR_DYN_BOX_NEW, in which case it owns its value like a
 * Box<dyn Trait> and must be freed exactly once with CUR_DYN_BOX_FREE.
 */
#define CUR_DYN_TYPE(name, vtable_tag)                                       \
    typedef struct name {                                                    \
        void *data;                      /* the value */                     \
        const struct vtable_tag *vt;     /* its impl of the trait */         \
    } name

/*
 * CUR_DYN_CALL(obj, method, args...): calls a required method through the
 * trait object obj: obj.vt->method(obj.data, args...). obj is evaluated
 * once; the value is the method's (void for a void method).
 * CUR_DYN_CALL_PROVIDED(obj, method, args...) calls a provided method,
 * which takes the trait object itself: obj.vt->method(obj, args...).
 * Using the wrong one does not compile (void * against a struct). Calls
 * nest: CUR_DYN_CALL(a, scale, CUR_DYN_CALL(b, area)) works (the macros
 * use __VA_OPT__, which gcc and clang accept in gnu17).
 */
#define CUR_DYN_CALL(obj, method, ...)                                       \
    CUR__DYN_CALL(CUR__CAT(cur_dyn_o_, __COUNTER__), obj,                   \
                  method __VA_OPT__(, ) __VA_ARGS__)
#define CUR__DYN_CALL(o, obj, method, ...)                                   \
    __extension__({                                                          \
        __auto_type o = (obj);                                               \
        o.vt->method(o.data __VA_OPT__(, ) __VA_ARGS__);                     \
    })
#define CUR_DYN_CALL_PROVIDED(obj, method, ...)                              \
    CUR__DYN_CALL_PROVIDED(CUR__CAT(cur_dyn_o_, __COUNTER__), obj,          \
                           method __VA_OPT__(, ) __VA_ARGS__)
#define CUR__DYN_CALL_PROVIDED(o, obj, method, ...)                          \
    __extension__({                                                          \
        __auto_type o = (obj);                                               \
        o.vt->method(o __VA_OPT__(, ) __VA_ARGS__);                          \
    })

/*
 * CUR_DYN_TYPE_NAME(obj) / CUR_DYN_TRAIT_NAME(obj): the implementing
 * type's and the trait's names, for messages ("?" when unset). obj is
 * evaluated twice or more; pass a plain variable.
 */
#define CUR_DYN_TYPE_NAME(obj)                                               \
    ((obj).vt->hdr.type && (obj).vt->hdr.type->name ? (obj).vt->hdr.type->name \
                                                     : "?")
#define CUR_DYN_TRAIT_NAME(obj)                                              \
    ((obj).vt->hdr.trait && (obj).vt->hdr.trait->name                        \
         ? (obj).vt->hdr.trait->name                                         \
         : "?")

/*
 * cur_dyn_box_new: Box::new(value) as Box<dyn Trait>. Allocates room for
 * one value of the vtable's type (vt->type: size and alignment, any
 * alignment up to CUR_TYPE_MAX_ALIGN) through a (NULL: the default hook),
 * moves the type's size in bytes from init into it (a byte copy, after
 * which the caller must not drop its copy; NULL init zero-fills), and
 * stores the value's address in *data. The allocator is remembered in a
 * small header before the value, so freeing needs only the fat pointer.
 *
 * Returns 0; CUR_EINVAL if vt->type is NULL or breaks the cur_type_t
 * rules; CUR_EOVERFLOW if the size does not fit; CUR_ENOMEM. *data is
 * written only on success. data and vt must not be NULL (panics).
 * The typed macro CUR_DYN_BOX_NEW fills a whole trait object.
 */
CUR_API CUR_NODISCARD int cur_dyn_box_new(void **data, const cur_vtable_t *vt,
                                          const cur_alloc_t *a,
                                          const void *init);

/*
 * cur_dyn_box_free: drops the value (vt->type's drop, once) and frees it,
 * sized by the vtable's type: Rust's drop(Box<dyn Trait>), which also
 * learns size and alignment from the vtable. data must come from
 * cur_dyn_box_new with a vtable of the same type; a NULL data is a no-op.
 * vt must not be NULL when data is not.
 */
CUR_API void cur_dyn_box_free(void *data, const cur_vtable_t *vt);

/*
 * CUR_DYN_BOX_NEW(objp, a, vtable, init): makes *objp (a trait object of
 * a CUR_DYN_TYPE type) own a new boxed copy of *init, with vtable as its
 * impl (a pointer to the vtable; its type must match objp's, which the
 * compiler checks). Returns cur_dyn_box_new's code; *objp is written only
 * on success. init must point at a value of vtable's type: C cannot check
 * that, so pair each vtable with one coercion function (see docs).
 * CUR_DYN_BOX_FREE(objp) frees a boxed trait object and zeroes *objp, so
 * a second free is a no-op (the take-and-null move of own.h).
 */
#define CUR_DYN_BOX_NEW(objp, a, vtable, init)                               \
    CUR__DYN_BOX_NEW(CUR__CAT(cur_dyn_p_, __COUNTER__),                     \
                     CUR__CAT(cur_dyn_v_, __COUNTER__),                     \
                     CUR__CAT(cur_dyn_d_, __COUNTER__),                     \
                     CUR__CAT(cur_dyn_rc_, __COUNTER__), objp, a, vtable,   \
                     init)
#define CUR__DYN_BOX_NEW(p, v, d, rc, objp, a, vtable, init)                 \
    __extension__({                                                          \
        __auto_type p = (objp);                                              \
        __typeof__(p->vt) v = (vtable);                                      \
        void *d = NULL;                                                      \
        int rc = cur_dyn_box_new(&d, &v->hdr, (a), (init));                  \
        if (rc == 0) {                                                       \
            p->data = d;                                                     \
            p->vt = v;                                                       \
        }                                                                    \
        rc;                                                                  \
    })
#define CUR_DYN_BOX_FREE(objp)                                               \
    CUR__DYN_BOX_FREE(CUR__CAT(cur_dyn_p_, __COUNTER__), objp)
#define CUR__DYN_BOX_FREE(p, objp)                                           \
    __extension__({                                                          \
        __auto_type p = (objp);                                              \
        if (p->data) cur_dyn_box_free(p->data, &p->vt->hdr);                 \
        p->data = NULL;                                                      \
        p->vt = NULL;                                                        \
    })

/*
 * cur_dyn_drop: drops the value at data in place through vt->type's drop
 * (Rust's drop_in_place through a vtable), without freeing its memory:
 * for trait objects over values in caller storage that own something.
 * a is passed to the drop function (NULL: the default hook). NULL data is
 * a no-op; vt must not be NULL otherwise. A vtable with no type drops
 * nothing.
 */
CUR_API void cur_dyn_drop(void *data, const cur_vtable_t *vt,
                          const cur_alloc_t *a);

/*
 * cur_dyn_downcast: data if vt's implementing type is t (the very same
 * descriptor), else NULL: Rust's Any::downcast_ref, with the descriptor's
 * address as the TypeId. vt and t must not be NULL (panics).
 * CUR_DYN_DOWNCAST(obj, T, type_desc) is the typed form, giving a T *.
 */
CUR_API void *cur_dyn_downcast(void *data, const cur_vtable_t *vt,
                               const cur_type_t *t);
#define CUR_DYN_DOWNCAST(obj, T, type_desc)                                  \
    ((T *)cur_dyn_downcast((obj).data, &(obj).vt->hdr, (type_desc)))

/* ------------------------------------------------------------------------ */
/* The Iterator trait                                                       */
/* ------------------------------------------------------------------------ */

/*
 * The largest item an iterator of this module may yield, in bytes. Items
 * are moved through fixed buffers inside adaptor states and consumers, so
 * no adaptor allocates. Larger elements: iterate pointers to them with
 * cur_iter_slice_ref (Rust's slice.iter(), which yields &T).
 */
#define CUR_ITER_ITEM_MAX 256

typedef struct cur_iter_vtable cur_iter_vtable_t;

/*
 * cur_iter_t: an iterator trait object, `&mut dyn Iterator<Item = T>`.
 * The library's fat pointer (data, vt) plus one word, item_size: the
 * associated type Item made explicit as its size. Rust fixes Item per impl
 * at compile time; here one slice iterator serves every element type, so
 * the size travels with the object. Passed by value; copying it copies
 * the handle, not the iteration state (both copies advance the same
 * state, as two &mut would, which Rust forbids and C does not).
 *
 * Invariant (checked by every adaptor and consumer, CUR_EINVAL otherwise):
 * 1 <= item_size <= CUR_ITER_ITEM_MAX; vt complete (a contract: panics).
 * Zero-sized items are not supported; yield a byte instead.
 */
typedef struct cur_iter {
    void *data;                  /* the iterator's state */
    const cur_iter_vtable_t *vt; /* its impl of Iterator */
    ptrdiff_t item_size;         /* sizeof(Item), 1..CUR_ITER_ITEM_MAX */
} cur_iter_t;

/*
 * cur_iter_hint_t: Iterator::size_hint's (usize, Option<usize>): at least
 * lo items remain, and at most hi, where hi < 0 means no known bound.
 */
typedef struct cur_iter_hint {
    ptrdiff_t lo; /* lower bound, >= 0 */
    ptrdiff_t hi; /* upper bound, or -1: unknown */
} cur_iter_hint_t;

/*
 * cur_iter_vtable_t: the Iterator trait.
 *
 * next (required): stores the next item (item_size bytes) at item_out and
 *   returns true, or returns false when the iterator is exhausted. item_out
 *   is written only when it returns true. Every iterator of this module is
 *   fused: once it has returned false it keeps returning false.
 * size_hint (provided; default {0, -1}): bounds on the items left. A
 *   wrong hint is a bug but never unsafe: nothing here trusts it for
 *   memory.
 * advance_by (provided; default: next, n times, into a scratch buffer):
 *   skips up to n items and returns how many were skipped (< n only at the
 *   end); n <= 0 skips nothing. Sources override it to skip in O(1), and
 *   skip and count go through it.
 *
 * Provided methods take the iterator object (convention rule 3): the
 * default advance_by has no other way to call next.
 */
struct cur_iter_vtable {
    cur_vtable_t hdr; /* trait: &cur_iter_trait; type: the state's type */
    bool (*next)(void *self, void *item_out);             /* required */
    cur_iter_hint_t (*size_hint)(cur_iter_t it);          /* provided */
    ptrdiff_t (*advance_by)(cur_iter_t it, ptrdiff_t n);  /* provided */
};

/* The Iterator trait's descriptor (method table: next required, the
 * others provided with the defaults below). Immutable. */
CUR_API extern const cur_trait_t cur_iter_trait;

/* The default size_hint: {0, -1}, nothing known. Thread-safe. */
CUR_API cur_iter_hint_t cur_iter_default_size_hint(cur_iter_t it);

/*
 * The default advance_by: calls next up to n times into a stack buffer.
 * Returns the number of items skipped. it.item_size must be valid.
 */
CUR_API ptrdiff_t cur_iter_default_advance_by(cur_iter_t it, ptrdiff_t n);

/*
 * CUR_ITER_IMPL(var, type_ptr, next_fn, overrides...): defines
 *     static const cur_iter_vtable_t var
 * implementing Iterator for the state type described by *type_ptr, with
 * next_fn as next (required: omitted or NULL does not compile) and the
 * defaults for the provided methods, unless overridden by name:
 *     CUR_ITER_IMPL(stack_iter_vt, &stack_iter_type, stack_iter_next,
 *                   .size_hint = stack_iter_size_hint);
 * This is how a container implements Iterator (docs/trait.md).
 */
#define CUR_ITER_IMPL(var, type_ptr, next_fn, ...)                           \
    CUR_IMPL_BEGIN                                                           \
    static const cur_iter_vtable_t var = {                                   \
        .hdr = CUR_VTABLE_HDR(&cur_iter_trait, type_ptr),                    \
        CUR_REQUIRE(cur_iter_vtable_t, next, next_fn),                       \
        .size_hint = cur_iter_default_size_hint,                             \
        .advance_by = cur_iter_default_advance_by,                           \
        __VA_ARGS__};                                                        \
    CUR_IMPL_END

/*
 * cur_iter_check: validates an iterator before use, as every adaptor and
 * consumer here does: 0, or CUR_EINVAL if it.item_size is not in
 * 1..CUR_ITER_ITEM_MAX. A NULL vtable, or one with a NULL method, is a
 * contract violation and panics with a message naming the state's type.
 * For code that accepts a cur_iter_t from its caller (a container's
 * extend). Thread-safe.
 */
CUR_API int cur_iter_check(cur_iter_t it);

/*
 * cur_iter_next / cur_iter_size_hint / cur_iter_advance_by: the trait's
 * methods called through the object, inline (one indirect call each). No
 * checks here: it must be valid (built by this module, or by hand with a
 * complete vtable and a valid item_size). it.data must not be shared with
 * another thread during the call.
 */
static inline bool cur_iter_next(cur_iter_t it, void *item_out)
{
    return it.vt->next(it.data, item_out);
}

static inline cur_iter_hint_t cur_iter_size_hint(cur_iter_t it)
{
    return it.vt->size_hint(it);
}

static inline ptrdiff_t cur_iter_advance_by(cur_iter_t it, ptrdiff_t n)
{
    return it.vt->advance_by(it, n);
}

/* --- sources -------------------------------------------------------------- */

/*
 * cur_iter_slice_t: the state of a slice iterator (cur_iter_slice and
 * cur_iter_slice_ref). Caller storage; it borrows the slice, owns nothing,
 * and there is nothing to destroy. Fields are private.
 */
typedef struct cur_iter_slice {
    /* private */
    const unsigned char *cur; /* next element */
    const unsigned char *end; /* one past the last element */
    ptrdiff_t size;           /* element size */
} cur_iter_slice_t;

/*
 * cur_iter_slice: an iterator over len elements of elem_size bytes at base
 * that yields a copy of each element (Rust's slice.iter().copied()):
 * item_size = elem_size. st holds the state; *out receives the iterator.
 * The iterator borrows base: the slice must outlive it and not change
 * meanwhile. Overrides size_hint (exact) and advance_by (O(1)).
 *
 * Returns 0; CUR_EINVAL if elem_size < 1 or > CUR_ITER_ITEM_MAX, len < 0,
 * or base is NULL with len > 0; CUR_EOVERFLOW if len * elem_size
 * overflows. st and out must not be NULL (panics). Never allocates.
 */
CUR_API int cur_iter_slice(cur_iter_slice_t *st, const void *base,
                           ptrdiff_t len, ptrdiff_t elem_size,
                           cur_iter_t *out);

/*
 * cur_iter_slice_ref: like cur_iter_slice, but yields the address of each
 * element, a `const void *` (Rust's slice.iter(), yielding &T): item_size
 * is sizeof(void *), and elem_size may be any positive size. The pointers
 * borrow the slice. Returns and panics as cur_iter_slice, except that
 * elem_size has no upper limit.
 */
CUR_API int cur_iter_slice_ref(cur_iter_slice_t *st, const void *base,
                               ptrdiff_t len, ptrdiff_t elem_size,
                               cur_iter_t *out);

/*
 * cur_iter_range_t: the state of a range iterator. Caller storage, nothing
 * to destroy. Fields are private.
 */
typedef struct cur_iter_range {
    /* private */
    uint64_t cur;  /* next value, as its two's-complement bits */
    uint64_t step; /* step, likewise */
    uint64_t left; /* values not yet yielded */
} cur_iter_range_t;

/*
 * cur_iter_range: an iterator of int64_t values from start, by step, while
 * below end (step > 0) or above end (step < 0): Rust's
 * (start..end).step_by(step) and, for a negative step, the reverse walk.
 * An empty range yields nothing. Never overflows: the count of values is
 * computed up front, and the full int64_t range works. Overrides
 * size_hint (exact while the count fits ptrdiff_t) and advance_by (O(1)).
 *
 * Returns 0; CUR_EINVAL if step == 0. st and out must not be NULL.
 */
CUR_API int cur_iter_range(cur_iter_range_t *st, int64_t start, int64_t end,
                           int64_t step, cur_iter_t *out);

/* --- adaptors ------------------------------------------------------------- */

/*
 * The adaptors below are Rust's Iterator adaptors. Each takes a state
 * struct in caller storage (usually a local), the inner iterator by value,
 * and stores the new iterator in *out, which may be the variable the inner
 * iterator came from:
 *
 *     cur_iter_t it;
 *     cur_iter_range_t r;  cur_iter_filter_t f;  cur_iter_map_t m;
 *     CUR_TRY(cur_iter_range(&r, 0, 100, 1, &it));
 *     CUR_TRY(cur_iter_filter(&f, it, is_odd, NULL, &it));
 *     CUR_TRY(cur_iter_map(&m, it, sizeof(int64_t), square, NULL, &it));
 *
 * The adaptor borrows its inner iterator's state and its context: all of
 * them must outlive it, and the inner iterator must not be advanced
 * directly meanwhile. Nothing allocates and nothing needs destroying.
 * Common errors: CUR_EINVAL when an iterator given has an item_size out
 * of range. Common contract violations (panic): NULL st or out, an inner
 * iterator with a NULL or incomplete vtable, a NULL callback.
 */

/* map's function: reads the input item at in and writes the output item
 * (out_size bytes) at out. in is valid only during the call. */
typedef void (*cur_iter_map_fn)(void *ctx, const void *in, void *out);

/* filter's predicate: true keeps the item. item is valid only during the
 * call (Rust's filter gives the closure &Item). */
typedef bool (*cur_iter_pred_fn)(void *ctx, const void *item);

/* map's state (caller storage; fields private). */
typedef struct cur_iter_map {
    /* private */
    cur_iter_t inner;      /* the iterator mapped */
    cur_iter_map_fn fn;    /* the function */
    void *ctx;             /* its context */
    _Alignas(max_align_t) unsigned char buf[CUR_ITER_ITEM_MAX]; /* input */
} cur_iter_map_t;

/*
 * cur_iter_map: yields fn(ctx, item) for each item of inner (Rust's map):
 * an iterator of out_size-byte items. size_hint is inner's. fn runs once
 * per item pulled, in order, and never for items not pulled.
 * Returns 0; CUR_EINVAL if out_size is not in 1..CUR_ITER_ITEM_MAX or
 * inner is invalid. fn must not be NULL (panics).
 */
CUR_API int cur_iter_map(cur_iter_map_t *st, cur_iter_t inner,
                         ptrdiff_t out_size, cur_iter_map_fn fn, void *ctx,
                         cur_iter_t *out);

/* filter's state (caller storage; fields private). */
typedef struct cur_iter_filter {
    /* private */
    cur_iter_t inner;      /* the iterator filtered */
    cur_iter_pred_fn pred; /* the predicate */
    void *ctx;             /* its context */
    _Alignas(max_align_t) unsigned char buf[CUR_ITER_ITEM_MAX]; /* candidate */
} cur_iter_filter_t;

/*
 * cur_iter_filter: yields the items of inner for which pred(ctx, item) is
 * true (Rust's filter). size_hint: {0, inner's upper bound}.
 * Returns 0; CUR_EINVAL if inner is invalid. pred must not be NULL.
 */
CUR_API int cur_iter_filter(cur_iter_filter_t *st, cur_iter_t inner,
                            cur_iter_pred_fn pred, void *ctx,
                            cur_iter_t *out);

/* take's state (caller storage; fields private). */
typedef struct cur_iter_take {
    /* private */
    cur_iter_t inner; /* the iterator */
    ptrdiff_t left;   /* items still to yield */
} cur_iter_take_t;

/*
 * cur_iter_take: yields at most the first n items of inner (Rust's take).
 * It never pulls more than n items from inner; take(0) pulls none.
 * Returns 0; CUR_EINVAL if n < 0 or inner is invalid.
 */
CUR_API int cur_iter_take(cur_iter_take_t *st, cur_iter_t inner, ptrdiff_t n,
                          cur_iter_t *out);

/* skip's state (caller storage; fields private). */
typedef struct cur_iter_skip {
    /* private */
    cur_iter_t inner; /* the iterator */
    ptrdiff_t skip;   /* items still to skip before the first next */
} cur_iter_skip_t;

/*
 * cur_iter_skip: yields the items of inner after the first n (Rust's
 * skip). The n items are skipped lazily, with inner's advance_by, on the
 * first call to next or advance_by. Returns 0; CUR_EINVAL if n < 0 or
 * inner is invalid.
 */
CUR_API int cur_iter_skip(cur_iter_skip_t *st, cur_iter_t inner, ptrdiff_t n,
                          cur_iter_t *out);

/* chain's state (caller storage; fields private). */
typedef struct cur_iter_chain {
    /* private */
    cur_iter_t a;  /* first */
    cur_iter_t b;  /* then */
    bool a_done;   /* a has returned false: never call it again */
} cur_iter_chain_t;

/*
 * cur_iter_chain: yields the items of a, then those of b (Rust's chain).
 * a is not called again once it has returned false. Returns 0; CUR_EINVAL
 * if a or b is invalid or their item sizes differ.
 */
CUR_API int cur_iter_chain(cur_iter_chain_t *st, cur_iter_t a, cur_iter_t b,
                           cur_iter_t *out);

/* enumerate's state (caller storage; fields private). */
typedef struct cur_iter_enumerate {
    /* private */
    cur_iter_t inner;      /* the iterator */
    ptrdiff_t index;       /* index of the next item */
    ptrdiff_t item_offset; /* where the item goes in the pair */
    ptrdiff_t pair_size;   /* the pair's size, the item size yielded */
} cur_iter_enumerate_t;

/*
 * CUR_ITER_PAIR_TYPE(name, T): declares the item type of an enumerated
 * iterator of T items, Rust's (usize, T):
 *     typedef struct name { ptrdiff_t index; T item; } name;
 */
#define CUR_ITER_PAIR_TYPE(name, T)                                          \
    typedef struct name {                                                    \
        ptrdiff_t index; /* position, from 0 */                              \
        T item;          /* the inner iterator's item */                     \
    } name

/*
 * cur_iter_enumerate: yields (index, item) pairs, index counting from 0
 * (Rust's enumerate). Each pair is pair_size bytes: the index, a
 * ptrdiff_t, at offset 0 and the item at item_offset; padding bytes are
 * zeroed, so equal pairs compare equal with memcmp. The layout is the
 * caller's struct, so that the pair can be read as one: use
 * CUR_ITER_ENUMERATE with a CUR_ITER_PAIR_TYPE.
 * Returns 0; CUR_EINVAL if inner is invalid, item_offset <
 * sizeof(ptrdiff_t), or the item does not fit in pair_size, or pair_size
 * exceeds CUR_ITER_ITEM_MAX.
 */
CUR_API int cur_iter_enumerate(cur_iter_enumerate_t *st, cur_iter_t inner,
                               ptrdiff_t item_offset, ptrdiff_t pair_size,
                               cur_iter_t *out);

/* cur_iter_enumerate with the layout of PairT, a CUR_ITER_PAIR_TYPE. */
#define CUR_ITER_ENUMERATE(st, inner, PairT, out)                            \
    cur_iter_enumerate((st), (inner), (ptrdiff_t)offsetof(PairT, item),      \
                       (ptrdiff_t)sizeof(PairT), (out))

/* --- consumers ------------------------------------------------------------ */

/*
 * fold's step: combines the item into the accumulator at acc. Returns 0 to
 * go on; any other value stops the fold, which returns it (Rust's
 * try_fold with ControlFlow::Break). item is valid only during the call:
 * a borrow the callback must not keep (docs: higher-rank bounds).
 */
typedef int (*cur_iter_fold_fn)(void *ctx, void *acc, const void *item);

/* for_each's body: as fold's step without an accumulator. */
typedef int (*cur_iter_each_fn)(void *ctx, const void *item);

/*
 * cur_iter_fold: runs fn(ctx, acc, item) for each item of it, in order,
 * until it is exhausted or fn returns non-zero (Rust's fold / try_fold).
 * acc is the caller's accumulator, updated in place.
 * Returns 0 when it was exhausted, else the first non-zero value of fn;
 * CUR_EINVAL (before any call) if it is invalid. fn must not be NULL.
 */
CUR_API int cur_iter_fold(cur_iter_t it, void *acc, cur_iter_fold_fn fn,
                          void *ctx);

/*
 * cur_iter_for_each: runs fn(ctx, item) for each item of it (Rust's
 * for_each / try_for_each). Returns as cur_iter_fold.
 */
CUR_API int cur_iter_for_each(cur_iter_t it, cur_iter_each_fn fn, void *ctx);

/*
 * cur_iter_count: exhausts it and returns how many items it yielded
 * (Rust's count), through advance_by: O(1) for slices and ranges, one next
 * per item (running map and filter functions) otherwise. An iterator with
 * more than PTRDIFF_MAX items (a full int64_t range) stops there and
 * returns PTRDIFF_MAX. CUR_EINVAL if it is invalid.
 */
CUR_API ptrdiff_t cur_iter_count(cur_iter_t it);

/*
 * cur_iter_collect: moves up to cap items of it into buf, an array of cap
 * items of it.item_size bytes, and returns how many it stored. It stops
 * after cap items without pulling another, so a call that returns cap may
 * have left items behind: call again to continue. Rust's collect grows a
 * Vec; this is collect into a fixed buffer.
 * Returns the count; CUR_EINVAL if it is invalid or cap < 0;
 * CUR_EOVERFLOW if cap * item_size overflows. buf must not be NULL when
 * cap > 0 (panics).
 */
CUR_API ptrdiff_t cur_iter_collect(cur_iter_t it, void *buf, ptrdiff_t cap);

/* ------------------------------------------------------------------------ */
/* Containers: vec.h and map.h through the Iterator trait                   */
/* ------------------------------------------------------------------------ */

/*
 * The generic containers of vec.h and map.h are generated per type by
 * their DECLARE macros, with typed iterators of their own (static
 * dispatch). These macros add the trait-object side, per instantiation,
 * using only the containers' public API; use them after the container's
 * DECLARE, at file scope, once per name. trait.h does not include vec.h
 * or map.h: the caller does.
 *
 * CUR_ITER_VEC_IMPL(name), for CUR_VEC_DECLARE(name, T), defines:
 *
 *   int name_iter_dyn(cur_iter_slice_t *st, const name_t *v, cur_iter_t *out)
 *       An iterator yielding copies of v's elements (item_size sizeof(T),
 *       which must be at most CUR_ITER_ITEM_MAX, else CUR_EINVAL). It
 *       borrows v: the vector must not change while it is in use.
 *   int name_iter_dyn_ref(cur_iter_slice_t *st, const name_t *v,
 *                         cur_iter_t *out)
 *       The same yielding `const T *` (Rust's v.iter()), any size of T.
 *   ptrdiff_t name_extend_iter(name_t *v, cur_iter_t it)
 *       Appends every item of it (Rust's v.extend(it), and collect() into
 *       a Vec), reserving size_hint's lower bound first. Returns the
 *       number of items appended; CUR_EINVAL if it is invalid or its
 *       item_size is not sizeof(T); or the vector's CUR_EOVERFLOW or
 *       CUR_ENOMEM, in which case v is truncated back to its length
 *       before the call (its capacity may have grown) and the items
 *       already pulled from it are gone.
 */
#define CUR_ITER_VEC_IMPL(name)                                              \
    __attribute__((unused)) static inline int name##_iter_dyn(               \
        cur_iter_slice_t *st, const name##_t *v, cur_iter_t *out)            \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return cur_iter_slice(st, v->data, v->len, CUR_SIZEOF(*v->data),     \
                              out);                                          \
    }                                                                        \
    __attribute__((unused)) static inline int name##_iter_dyn_ref(           \
        cur_iter_slice_t *st, const name##_t *v, cur_iter_t *out)            \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        return cur_iter_slice_ref(st, v->data, v->len, CUR_SIZEOF(*v->data), \
                                  out);                                      \
    }                                                                        \
    __attribute__((unused)) static ptrdiff_t name##_extend_iter(             \
        name##_t *v, cur_iter_t it)                                          \
    {                                                                        \
        CUR_ASSERT(v != NULL);                                               \
        int rc = cur_iter_check(it);                                         \
        if (rc < 0) return rc;                                               \
        if (it.item_size != CUR_SIZEOF(*v->data)) return CUR_EINVAL;         \
        ptrdiff_t len0 = v->len;                                             \
        cur_iter_hint_t h = cur_iter_size_hint(it);                          \
        if (h.lo > 0 && (rc = name##_reserve(v, h.lo)) < 0) return rc;       \
        __typeof__(*v->data) x;                                              \
        while (cur_iter_next(it, &x)) {                                      \
            if ((rc = name##_push(v, x)) < 0) {                              \
                (void)name##_truncate(v, len0);                              \
                return rc;                                                   \
            }                                                                \
        }                                                                    \
        return v->len - len0;                                                \
    }                                                                        \
    _Static_assert(1, "")

/*
 * CUR_ITER_MAP_IMPL(name), for CUR_MAP_DECLARE(name, K, V, ...), defines:
 *
 *   name_entry_ref_t      struct { const K *key; const V *value; }, the
 *                         item: Rust's map.iter() yields (&K, &V)
 *   name_dyn_iter_t       the iterator's state (caller storage)
 *   int name_iter_dyn(name_dyn_iter_t *st, const name_t *m, cur_iter_t *out)
 *       An iterator over every entry of m, in the map's own (unspecified)
 *       order, with an exact size_hint. It borrows m: the map must not
 *       change while it is in use (the map's debug checks apply). Returns
 *       0; m, st and out must not be NULL (panics).
 */
#define CUR_ITER_MAP_IMPL(name)                                              \
    typedef struct name##_entry_ref {                                        \
        const __typeof__(((name##_slot_t *)0)->key) *key;                    \
        const __typeof__(((name##_slot_t *)0)->value) *value;                \
    } name##_entry_ref_t;                                                    \
    typedef struct name##_dyn_iter {                                         \
        name##_iter_t inner; /* the map's own iterator */                    \
        ptrdiff_t left;      /* entries not yet yielded */                   \
    } name##_dyn_iter_t;                                                     \
    static bool name##__dyn_next(void *self, void *item_out)                 \
    {                                                                        \
        name##_dyn_iter_t *s = self;                                         \
        name##_entry_ref_t e;                                                \
        if (!name##_iter_next(&s->inner, &e.key, &e.value)) return false;    \
        s->left--;                                                           \
        memcpy(item_out, &e, sizeof e);                                      \
        return true;                                                         \
    }                                                                        \
    static cur_iter_hint_t name##__dyn_size_hint(cur_iter_t it)              \
    {                                                                        \
        const name##_dyn_iter_t *s = it.data;                                \
        return (cur_iter_hint_t){s->left, s->left};                          \
    }                                                                        \
    static const cur_type_t name##__dyn_type =                               \
        CUR_TYPE_COPY_INIT(name##_dyn_iter_t);                               \
    CUR_ITER_IMPL(name##__dyn_vtable, &name##__dyn_type, name##__dyn_next,   \
                  .size_hint = name##__dyn_size_hint);                       \
    __attribute__((unused)) static inline int name##_iter_dyn(               \
        name##_dyn_iter_t *st, const name##_t *m, cur_iter_t *out)           \
    {                                                                        \
        CUR_ASSERT(st != NULL && m != NULL && out != NULL);                  \
        st->inner = name##_iter(m);                                          \
        st->left = m->len;                                                   \
        *out = (cur_iter_t){st, &name##__dyn_vtable,                         \
                            CUR_SIZEOF(name##_entry_ref_t)};                 \
        return 0;                                                            \
    }                                                                        \
    _Static_assert(1, "")

/* ------------------------------------------------------------------------ */
/* Static dispatch: monomorphized iterators                                 */
/* ------------------------------------------------------------------------ */

/*
 * The same iterators, stamped out per type at compile time, the way Rust
 * compiles `impl Iterator` and generic functions: each macro defines a
 * state struct Name and `static inline bool Name##_next(Name *, T *)`
 * calling its inner iterator's next by name, and the callbacks by name, so
 * the compiler can inline the whole pipeline into one loop. Items are
 * typed values, not bytes. Nothing allocates; nothing can fail.
 *
 *   CUR_STATIC_ITER_SLICE(Name, T)   Name##_new(const T *base, ptrdiff_t n)
 *   CUR_STATIC_ITER_RANGE(Name, T)   Name##_new(T start, T end), step 1
 *   CUR_STATIC_ITER_MAP(Name, Inner, InT, OutT, fn)
 *                                    OutT fn(void *ctx, InT x);
 *                                    Name##_new(Inner inner, void *ctx)
 *   CUR_STATIC_ITER_FILTER(Name, Inner, T, pred)
 *                                    bool pred(void *ctx, const T *x);
 *                                    Name##_new(Inner inner, void *ctx)
 *   CUR_STATIC_ITER_TAKE(Name, Inner, T)
 *                                    Name##_new(Inner inner, ptrdiff_t n)
 *   CUR_STATIC_ITER_FOLD(Name, T, AccT, step)
 *                                    AccT step(void *ctx, AccT acc, T x);
 *                                    AccT Name##_fold(Name *, AccT, ctx)
 *   CUR_STATIC_ITER_DYN(Name, T)     Name##_as_dyn(Name *): the same
 *                                    iterator as a cur_iter_t (type
 *                                    erasure: impl Iterator as dyn)
 *
 * A negative length or count means empty. Use at file scope, once per
 * Name; every generated function is static. Thread safety: as any
 * iterator, one thread at a time.
 */
#define CUR_STATIC_ITER_SLICE(Name, T)                                       \
    typedef struct Name {                                                    \
        const T *cur; /* next element */                                     \
        const T *end; /* one past the last */                                \
    } Name;                                                                  \
    __attribute__((unused)) static inline Name Name##_new(const T *base,     \
                                                          ptrdiff_t n)       \
    {                                                                        \
        return (Name){base, base + (n > 0 ? n : 0)};                         \
    }                                                                        \
    __attribute__((unused)) static inline bool Name##_next(Name *it, T *out) \
    {                                                                        \
        if (it->cur == it->end) return false;                                \
        *out = *it->cur++;                                                   \
        return true;                                                         \
    }

#define CUR_STATIC_ITER_RANGE(Name, T)                                       \
    typedef struct Name {                                                    \
        T cur; /* next value */                                              \
        T end; /* first value not yielded */                                 \
    } Name;                                                                  \
    __attribute__((unused)) static inline Name Name##_new(T start, T end)    \
    {                                                                        \
        return (Name){start, end};                                           \
    }                                                                        \
    __attribute__((unused)) static inline bool Name##_next(Name *it, T *out) \
    {                                                                        \
        if (!(it->cur < it->end)) return false;                              \
        *out = it->cur++;                                                    \
        return true;                                                         \
    }

#define CUR_STATIC_ITER_MAP(Name, Inner, InT, OutT, fn)                      \
    typedef struct Name {                                                    \
        Inner inner; /* the iterator mapped */                               \
        void *ctx;   /* fn's context */                                      \
    } Name;                                                                  \
    __attribute__((unused)) static inline Name Name##_new(Inner inner,       \
                                                          void *ctx)         \
    {                                                                        \
        return (Name){inner, ctx};                                           \
    }                                                                        \
    __attribute__((unused)) static inline bool Name##_next(Name *it,         \
                                                           OutT *out)        \
    {                                                                        \
        InT x;                                                               \
        if (!Inner##_next(&it->inner, &x)) return false;                     \
        *out = fn(it->ctx, x);                                               \
        return true;                                                         \
    }

#define CUR_STATIC_ITER_FILTER(Name, Inner, T, pred)                         \
    typedef struct Name {                                                    \
        Inner inner; /* the iterator filtered */                             \
        void *ctx;   /* pred's context */                                    \
    } Name;                                                                  \
    __attribute__((unused)) static inline Name Name##_new(Inner inner,       \
                                                          void *ctx)         \
    {                                                                        \
        return (Name){inner, ctx};                                           \
    }                                                                        \
    __attribute__((unused)) static inline bool Name##_next(Name *it, T *out) \
    {                                                                        \
        T x;                                                                 \
        while (Inner##_next(&it->inner, &x)) {                               \
            if (pred(it->ctx, &x)) {                                         \
                *out = x;                                                    \
                return true;                                                 \
            }                                                                \
        }                                                                    \
        return false;                                                        \
    }

#define CUR_STATIC_ITER_TAKE(Name, Inner, T)                                 \
    typedef struct Name {                                                    \
        Inner inner;    /* the iterator */                                   \
        ptrdiff_t left; /* items still to yield */                           \
    } Name;                                                                  \
    __attribute__((unused)) static inline Name Name##_new(Inner inner,       \
                                                          ptrdiff_t n)       \
    {                                                                        \
        return (Name){inner, n > 0 ? n : 0};                                 \
    }                                                                        \
    __attribute__((unused)) static inline bool Name##_next(Name *it, T *out) \
    {                                                                        \
        if (it->left == 0) return false;                                     \
        if (!Inner##_next(&it->inner, out)) {                                \
            it->left = 0;                                                    \
            return false;                                                    \
        }                                                                    \
        it->left--;                                                          \
        return true;                                                         \
    }

#define CUR_STATIC_ITER_FOLD(Name, T, AccT, step)                            \
    __attribute__((unused)) static inline AccT Name##_fold(Name *it,         \
                                                           AccT acc,         \
                                                           void *ctx)        \
    {                                                                        \
        T x;                                                                 \
        while (Name##_next(it, &x)) acc = step(ctx, acc, x);                 \
        return acc;                                                          \
    }

#define CUR_STATIC_ITER_DYN(Name, T)                                         \
    _Static_assert(sizeof(T) <= CUR_ITER_ITEM_MAX,                           \
                   #T " is larger than CUR_ITER_ITEM_MAX");                  \
    static bool Name##_dyn_next(void *self, void *item_out)                  \
    {                                                                        \
        return Name##_next(self, item_out);                                  \
    }                                                                        \
    static const cur_type_t Name##_dyn_type = CUR_TYPE_COPY_INIT(Name);      \
    CUR_ITER_IMPL(Name##_dyn_vtable, &Name##_dyn_type, Name##_dyn_next);     \
    __attribute__((unused)) static inline cur_iter_t Name##_as_dyn(Name *it) \
    {                                                                        \
        return (cur_iter_t){it, &Name##_dyn_vtable, (ptrdiff_t)sizeof(T)};   \
    }

#endif /* CURRICULUM_TRAIT_H */
