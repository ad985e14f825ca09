/*
 * curriculum/str.h: borrowed string slices, owned growable strings and UTF-8.
 *
 * Rust has two string types, and this header has their C counterparts:
 *
 *   Rust       C                what it is
 *   &str       cur_str_t        a borrowed view: pointer + length, owns
 *   &[u8]                       nothing, never NUL-terminated by contract
 *   String     cur_string_t     an owned, growable, NUL-terminated buffer
 *
 * Ownership in one paragraph: a cur_str_t never owns its bytes and is never
 * freed; it is valid exactly as long as the storage it points into (a string
 * literal, a stack buffer, a cur_string_t that is not modified meanwhile).
 * A cur_string_t owns its buffer; cur_string_destroy frees it. Every slice
 * taken from a cur_string_t (cur_string_as_str and anything cut from that)
 * is invalidated by the next call that modifies the string. Rust's borrow
 * checker enforces this rule at compile time; in C it is the caller's job.
 *
 * UTF-8: a cur_str_t may hold any bytes (it doubles as &[u8]). The functions
 * that need UTF-8 (cur_str_from_utf8, cur_string_push_bytes) validate with
 * Rust's exact rules; the ones that only look at bytes (find, split, trim)
 * work on any input; char iteration decodes invalid bytes as U+FFFD, the
 * way String::from_utf8_lossy does. The owned string keeps the invariant
 * "valid UTF-8" as long as what is pushed with cur_string_push_str is valid,
 * which is the caller's promise (Rust's from_utf8_unchecked).
 *
 * Errors follow error.h: 0 or a non-negative count on success, a negative
 * CUR_E* code on failure, out-params written only on success. Search and
 * iteration return bool. A malformed slice (len < 0, or a NULL ptr with
 * len > 0) or a NULL object pointer is a contract violation and panics.
 *
 * Thread safety, for the whole header: the functions on cur_str_t only
 * read, so any number of threads may use the same bytes at once as long as
 * nobody writes them. A cur_string_t or an iterator is a plain value with
 * no internal locking: one writer, or any number of readers, at a time
 * (Rust's String is Send + Sync on the same terms).
 */
#ifndef CURRICULUM_STR_H
#define CURRICULUM_STR_H

#include <stdarg.h>

#include "core.h"

/* ------------------------------------------------------------------------ */
/* Borrowed slices                                                          */
/* ------------------------------------------------------------------------ */

/*
 * cur_str_t: a borrowed byte slice, Rust's &str and &[u8].
 *
 * Invariant: len >= 0, and ptr != NULL whenever len > 0 ({NULL, 0} is a
 * valid empty slice, and so is a zeroed struct). The bytes need not be
 * NUL-terminated and may contain NUL. Both fields are API: building a slice
 * by hand, (cur_str_t){p, n}, is the unchecked constructor (Rust's
 * from_utf8_unchecked); cur_str_from_utf8 is the checked one.
 *
 * Ownership and lifetime: none. The slice is a copyable value; copying it
 * copies the view, not the bytes. It must not outlive the bytes.
 */
typedef struct cur_str {
    const char *ptr; /* first byte; NULL only when len == 0 */
    ptrdiff_t len;   /* length in bytes, >= 0 */
} cur_str_t;

/*
 * CUR_STR("literal"): the slice of a string literal, computed at compile
 * time (the length excludes the literal's terminating NUL and includes any
 * embedded NUL). Only literals are accepted: the "" concatenation rejects a
 * pointer. CUR_STR_INIT is the same as a brace initializer, for objects of
 * static storage duration: static const cur_str_t k = CUR_STR_INIT("key");
 */
#define CUR_STR_INIT(lit) {"" lit, (ptrdiff_t)sizeof("" lit) - 1}
#define CUR_STR(lit) ((cur_str_t)CUR_STR_INIT(lit))

/*
 * Printing a slice with printf: printf("[" CUR_STR_FMT "]\n", CUR_STR_ARG(s)).
 * The precision is an int, so slices longer than INT_MAX bytes are cut to
 * INT_MAX. s is evaluated twice.
 */
#define CUR_STR_FMT "%.*s"
#define CUR_STR_ARG(s)                                                       \
    (int)((s).len < 0x7fffffff ? (s).len : 0x7fffffff), (s).ptr

/*
 * cur_str_from_cstr: the slice of the NUL-terminated string cstr, without
 * the NUL (strlen). No validation: use cur_str_from_utf8 for untrusted
 * bytes. cstr must not be NULL (panics). Borrows cstr.
 */
CUR_API cur_str_t cur_str_from_cstr(const char *cstr);

/*
 * cur_str_from_utf8: checks that p[0..len) is valid UTF-8 and, if it is,
 * stores the slice in *out (Rust's std::str::from_utf8). out borrows p.
 * Returns 0; CUR_EUTF8 for invalid UTF-8 (cur_utf8_validate says where);
 * CUR_EINVAL for len < 0 or p == NULL with len > 0. out must not be NULL.
 */
CUR_API int cur_str_from_utf8(const char *p, ptrdiff_t len, cur_str_t *out);

/* True if a and b hold the same bytes (lengths equal, memcmp equal). */
CUR_API bool cur_str_eq(cur_str_t a, cur_str_t b);

/*
 * cur_str_cmp: lexicographic byte order, -1, 0 or 1 (a shorter prefix sorts
 * first). For valid UTF-8 this is code point order, as Ord for str in Rust.
 * The result is an ordering, not an error code.
 */
CUR_API int cur_str_cmp(cur_str_t a, cur_str_t b);

/* True if s begins with prefix. Every slice starts with the empty slice. */
CUR_API bool cur_str_starts_with(cur_str_t s, cur_str_t prefix);

/* True if s ends with suffix. Every slice ends with the empty slice. */
CUR_API bool cur_str_ends_with(cur_str_t s, cur_str_t suffix);

/*
 * cur_str_find: the byte index of the first occurrence of needle in hay.
 * Returns true and stores the index in *at (when at is not NULL), or
 * returns false and leaves *at alone. An empty needle is found at 0, as in
 * Rust. Bytewise: for valid UTF-8 input the index is a char boundary.
 *
 * Speed: a vectorised first-and-last-byte filter (memchr for one-byte
 * needles); should candidates become too many to verify cheaply it switches
 * to glibc's memmem (Two-Way), so the worst case stays linear in
 * hay.len + needle.len. Never allocates.
 */
CUR_API bool cur_str_find(cur_str_t hay, cur_str_t needle, ptrdiff_t *at);

/*
 * cur_str_rfind: like cur_str_find for the last occurrence. An empty
 * needle is found at hay.len, as in Rust. Worst case linear (a reverse
 * Two-Way search takes over when the filter gets too many candidates).
 */
CUR_API bool cur_str_rfind(cur_str_t hay, cur_str_t needle, ptrdiff_t *at);

/* cur_str_find_byte / cur_str_rfind_byte: memchr / memrchr on a slice. */
CUR_API bool cur_str_find_byte(cur_str_t hay, unsigned char byte,
                               ptrdiff_t *at);
CUR_API bool cur_str_rfind_byte(cur_str_t hay, unsigned char byte,
                                ptrdiff_t *at);

/* True if needle occurs in hay (cur_str_find without the index). */
CUR_API bool cur_str_contains(cur_str_t hay, cur_str_t needle);

/*
 * Trimming, without copying: the result is a sub-slice of s.
 *
 * These remove ASCII whitespace only, the set of Rust's
 * u8::is_ascii_whitespace and str::trim_ascii: space, \t, \n, \f (0x0C) and
 * \r. Note that \v (0x0B) is NOT in the set (C's isspace includes it).
 * Rust's str::trim is Unicode-aware and also removes U+0085, U+00A0,
 * U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 and \v;
 * these functions leave all of those in place. A slice of whitespace only
 * trims to an empty slice.
 */
CUR_API cur_str_t cur_str_trim(cur_str_t s);
CUR_API cur_str_t cur_str_trim_start(cur_str_t s);
CUR_API cur_str_t cur_str_trim_end(cur_str_t s);

/*
 * cur_str_split_once: splits s at the first occurrence of sep into the
 * parts before and after it (Rust's split_once). Returns true and writes
 * *head and *tail (either may be NULL), or returns false when sep does not
 * occur and writes nothing. An empty sep splits at 0: head "" and tail s.
 */
CUR_API bool cur_str_split_once(cur_str_t s, cur_str_t sep, cur_str_t *head,
                                cur_str_t *tail);

/*
 * Splitting by a separator, without copying (Rust's str::split with a &str
 * pattern):
 *
 *     cur_str_split_t it = cur_str_split(s, CUR_STR(","));
 *     cur_str_t piece;
 *     while (cur_str_split_next(&it, &piece)) use(piece);
 *
 * Yields the pieces between separators, n + 1 pieces for n separators:
 * "a,b" gives "a" "b"; "" gives ""; ",a," gives "" "a" ""; "a,,b" gives
 * "a" "" "b". Matches do not overlap and are found left to right.
 *
 * An empty separator behaves as in Rust: it matches at every char boundary,
 * including both ends, so "ab" gives "" "a" "b" "" and "" gives "" "".
 * A char boundary is any byte that is not a UTF-8 continuation byte
 * (0x80..0xBF), as in cur_str_is_char_boundary.
 *
 * The iterator borrows s and sep (both must outlive it) and owns nothing;
 * there is nothing to destroy. Its fields are private.
 */
typedef struct cur_str_split {
    /* private */
    cur_str_t rest;  /* not yet returned */
    cur_str_t sep;   /* the separator */
    uint8_t state;   /* 0 running, 1 empty-sep started, 2 finished */
} cur_str_split_t;

/* Starts a split of s by sep. Borrows both. Never fails. */
CUR_API cur_str_split_t cur_str_split(cur_str_t s, cur_str_t sep);

/*
 * cur_str_split_next: stores the next piece in *piece and returns true, or
 * returns false (and leaves *piece alone) when there are no more. it and
 * piece must not be NULL. The piece borrows the split string.
 */
CUR_API bool cur_str_split_next(cur_str_split_t *it, cur_str_t *piece);

/*
 * Lines, without copying (Rust's str::lines): splits at "\n" and at "\r\n";
 * the terminator is not part of the line. The final line ending is
 * optional: "a\nb" and "a\nb\n" both give "a" "b"; "" gives no lines;
 * "\n" gives one empty line. A lone "\r" is not a line ending: "a\rb" is one
 * line, and so is "a\r" at the very end: it keeps its \r, as Rust's lines
 * does since rust-lang/rust#100311. The iterator borrows s; nothing to
 * destroy.
 */
typedef struct cur_str_lines {
    /* private */
    cur_str_t rest; /* not yet returned */
} cur_str_lines_t;

/* Starts iterating the lines of s. Borrows s. Never fails. */
CUR_API cur_str_lines_t cur_str_lines(cur_str_t s);

/*
 * cur_str_lines_next: stores the next line in *line and returns true, or
 * returns false (leaving *line alone) at the end. Neither pointer may be
 * NULL. The line borrows the iterated string.
 */
CUR_API bool cur_str_lines_next(cur_str_lines_t *it, cur_str_t *line);

/*
 * Chars: decoding UTF-8 one code point at a time (Rust's str::chars, and
 * String::from_utf8_lossy for bad input).
 *
 *     cur_str_chars_t it = cur_str_chars(s);
 *     uint32_t cp; ptrdiff_t n;
 *     while (cur_str_chars_next(&it, &cp, &n)) ...
 *
 * For valid UTF-8 each step yields one scalar value and its encoded length
 * (1..4). An invalid sequence yields U+FFFD (CUR_UTF8_REPLACEMENT) with the
 * length of its "maximal subpart" (1..3 bytes, the Unicode-recommended
 * substitution that from_utf8_lossy uses), so every byte is covered exactly
 * once and the lengths always add up to s.len. The iterator borrows s.
 */
typedef struct cur_str_chars {
    /* private */
    cur_str_t rest; /* not yet decoded */
} cur_str_chars_t;

#define CUR_UTF8_REPLACEMENT 0xFFFDu
#define CUR_UTF8_MAX 0x10FFFFu

/* Starts decoding s. Borrows s. Never fails. */
CUR_API cur_str_chars_t cur_str_chars(cur_str_t s);

/*
 * cur_str_chars_next: decodes the next char; returns true and stores the
 * code point in *cp and its byte length in *len (either may be NULL), or
 * returns false at the end, writing nothing. it must not be NULL.
 */
CUR_API bool cur_str_chars_next(cur_str_chars_t *it, uint32_t *cp,
                                ptrdiff_t *len);

/*
 * cur_str_char_count: how many chars cur_str_chars yields for s (Rust's
 * s.chars().count()). For valid UTF-8, the number of bytes that are not
 * continuation bytes, counted 8 bytes at a time; invalid parts count one
 * per U+FFFD, as cur_str_chars_next would yield them. O(len).
 */
CUR_API ptrdiff_t cur_str_char_count(cur_str_t s);

/*
 * cur_str_is_char_boundary: Rust's str::is_char_boundary. True for i == 0
 * and i == s.len, false for i < 0 and i > s.len, otherwise true unless
 * s.ptr[i] is a UTF-8 continuation byte (0x80..0xBF).
 */
CUR_API bool cur_str_is_char_boundary(cur_str_t s, ptrdiff_t i);

/*
 * cur_str_slice: the sub-slice s[start..end) (Rust's &s[start..end]).
 * Stores it in *out (which borrows s's bytes) and returns 0, or returns:
 *   CUR_ERANGE     start < 0, end > s.len or start > end (Rust panics);
 *   CUR_EBOUNDARY  start or end is not a char boundary (Rust panics),
 * writing nothing on error. Where Rust panics on a bad index, this returns
 * an error the caller must handle: an index is data, often from input.
 * out must not be NULL.
 */
CUR_API int cur_str_slice(cur_str_t s, ptrdiff_t start, ptrdiff_t end,
                          cur_str_t *out);

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * cur_utf8_validate: checks p[0..len) against Rust's rules (std::str::
 * from_utf8, which is RFC 3629 / Unicode "well-formed UTF-8"): rejected are
 * overlong forms (C0, C1, E0 80..9F, F0 80..8F), surrogates U+D800..DFFF
 * (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF), stray
 * continuation bytes and sequences cut short by the end of input.
 *
 * Returns 0 if the input is valid, CUR_EUTF8 if not, CUR_EINVAL if len < 0
 * or p is NULL with len > 0. valid_up_to (may be NULL) receives, as Rust's
 * Utf8Error::valid_up_to, the length of the longest valid prefix: len on
 * success, the offset of the first bad sequence on CUR_EUTF8. (This is the
 * one out-param written on failure: it is the error's detail. It is not
 * written on CUR_EINVAL.) Speed: 64 bytes per step with AVX2 when the
 * CPU has it (checked once, at the first call), else ASCII runs 16 bytes
 * at a time. Thread-safe; reads only.
 */
CUR_API int cur_utf8_validate(const char *p, ptrdiff_t len,
                              ptrdiff_t *valid_up_to);

/*
 * cur_utf8_decode: decodes the one code point at the start of p[0..len).
 * Returns its encoded length (1..4) and stores it in *cp (may be NULL), or
 * returns CUR_EUTF8 if the bytes at p do not start a valid sequence
 * (including a sequence cut short by len), or CUR_EINVAL if len <= 0 or p
 * is NULL.
 */
CUR_API int cur_utf8_decode(const char *p, ptrdiff_t len, uint32_t *cp);

/*
 * cur_utf8_encode: writes the UTF-8 encoding of cp to buf (at most 4 bytes,
 * no NUL) and returns its length (1..4). CUR_EINVAL if cp is a surrogate
 * (U+D800..U+DFFF) or above U+10FFFF, leaving buf alone. buf must not be
 * NULL.
 */
CUR_API int cur_utf8_encode(uint32_t cp, char buf[4]);

/* ------------------------------------------------------------------------ */
/* Owned strings                                                            */
/* ------------------------------------------------------------------------ */

/*
 * cur_string_t: an owned, growable UTF-8 string, Rust's String.
 *
 * Fields: ptr and len are read-only API. Read them freely (ptr is a C
 * string whenever it is not NULL); bytes in ptr[0..len) may be rewritten in
 * place if they stay valid UTF-8 (Rust's as_mut_str). Never assign ptr or
 * len. The fields after the private marker are not API; use
 * cur_string_capacity.
 *
 * Invariants: ptr == NULL means nothing is allocated, and then len == 0 and
 * cap == 0. Otherwise ptr is an allocation of cap + 1 bytes from alloc,
 * 0 <= len <= cap, and ptr[len] == '\0'. A zeroed struct is a valid empty
 * string that allocates with libc; cur_string_init picks the allocator.
 *
 * Ownership: the struct lives in caller storage (stack, another struct);
 * the string owns its buffer and cur_string_destroy frees it. Copying the
 * struct does not copy the buffer: exactly one copy may be used and
 * destroyed afterwards (a move, in Rust's terms). Use cur_string_from_str
 * to clone.
 *
 * Growth is amortised doubling (at least 8 bytes), with overflow checked.
 * When an allocation fails the call returns CUR_ENOMEM and the string is
 * exactly as it was, still usable.
 */
typedef struct cur_string {
    char *ptr;     /* content, NUL-terminated; NULL before first allocation */
    ptrdiff_t len; /* bytes of content, excluding the NUL */
    /* private */
    ptrdiff_t cap;            /* content capacity; the buffer is cap + 1 */
    const cur_alloc_t *alloc; /* the hook; NULL means libc */
} cur_string_t;

/*
 * cur_string_init: makes *s an empty string that will allocate with alloc
 * (NULL: libc). Allocates nothing and cannot fail (Rust's String::new), so
 * it returns nothing. Overwrites *s without freeing: do not init a string
 * that owns a buffer. alloc must outlive the string. s must not be NULL.
 */
CUR_API void cur_string_init(cur_string_t *s, const cur_alloc_t *alloc);

/*
 * cur_string_destroy: frees the buffer and leaves *s empty with the same
 * allocator, ready for reuse. Never frees the struct itself. A NULL s, a
 * zeroed struct and a string destroyed before are no-ops. Every slice
 * borrowed from s becomes dangling.
 */
CUR_API void cur_string_destroy(cur_string_t *s);

/*
 * cur_string_from_str: a new string holding a copy of src, allocated with
 * alloc (Rust's String::from / to_owned). On success *out is initialised
 * (the caller destroys it) and 0 is returned; an empty src allocates
 * nothing. CUR_ENOMEM or CUR_EOVERFLOW leave *out unwritten, with nothing to
 * destroy. src may point anywhere, including into another string. out must
 * not be NULL. No UTF-8 check: see cur_string_push_bytes.
 */
CUR_API int cur_string_from_str(cur_string_t *out, cur_str_t src,
                                const cur_alloc_t *alloc);

/*
 * cur_string_reserve: makes room for at least `additional` more bytes, so
 * that the next pushes of that many bytes do not allocate (Rust's
 * String::reserve). May reallocate: slices of s become dangling. Returns 0;
 * CUR_EINVAL for additional < 0; CUR_EOVERFLOW if len + additional + 1
 * does not fit a ptrdiff_t; CUR_ENOMEM if the allocator fails. On error s is
 * unchanged.
 */
CUR_API int cur_string_reserve(cur_string_t *s, ptrdiff_t additional);

/* The content capacity: bytes s can hold without reallocating. */
CUR_API ptrdiff_t cur_string_capacity(const cur_string_t *s);

/*
 * cur_string_push_str: appends the bytes of str (Rust's push_str). The
 * caller promises that str is valid UTF-8 (no check is made; use
 * cur_string_push_bytes for bytes of unknown origin). str may borrow from
 * s itself: s.push_str(s.as_str()) works. Returns 0, CUR_ENOMEM or
 * CUR_EOVERFLOW; on error s is unchanged.
 */
CUR_API int cur_string_push_str(cur_string_t *s, cur_str_t str);

/*
 * cur_string_push_bytes: validates p[0..len) as UTF-8 and appends it.
 * Returns 0; CUR_EUTF8 for invalid UTF-8; CUR_EINVAL for len < 0 or a NULL
 * p with len > 0; CUR_ENOMEM or CUR_EOVERFLOW. On error s is unchanged. p
 * may point into s.
 */
CUR_API int cur_string_push_bytes(cur_string_t *s, const char *p,
                                  ptrdiff_t len);

/*
 * cur_string_push_char: appends the UTF-8 encoding of code point cp (Rust's
 * push(char)). Returns 0; CUR_EINVAL for a surrogate or cp > U+10FFFF
 * (Rust's char cannot hold those at all); CUR_ENOMEM. On error s is
 * unchanged.
 */
CUR_API int cur_string_push_char(cur_string_t *s, uint32_t cp);

/*
 * cur_string_appendf: appends printf-style formatted text (Rust's write!
 * into a String). Returns the number of bytes appended (>= 0); CUR_ENOMEM or
 * CUR_EOVERFLOW when the string cannot grow; CUR_EUTF8 if the formatted
 * text is not valid UTF-8 (a %s of arbitrary bytes, a %c of 0xff); -errno if
 * vsnprintf fails (CUR_EOVERFLOW for output above INT_MAX). On error s is
 * unchanged. As with snprintf, no argument (nor fmt) may point into s's own
 * buffer: the output would overwrite what is being read. Formats once when
 * the text fits the spare capacity, twice otherwise. fmt must not be NULL.
 */
CUR_API CUR_PRINTF(2, 3) int cur_string_appendf(cur_string_t *s,
                                                const char *fmt, ...);

/* cur_string_vappendf: cur_string_appendf with a va_list (consumed). */
CUR_API CUR_PRINTF(2, 0) int cur_string_vappendf(cur_string_t *s,
                                                 const char *fmt, va_list ap);

/* cur_string_clear: sets the length to 0, keeping the buffer (capacity). */
CUR_API void cur_string_clear(cur_string_t *s);

/*
 * cur_string_truncate: shortens s to new_len bytes, keeping the capacity
 * (Rust's String::truncate). A new_len >= len changes nothing and returns 0,
 * as in Rust. Returns CUR_EINVAL for new_len < 0 and CUR_EBOUNDARY when
 * new_len is not on a char boundary (where Rust panics); s is then
 * unchanged.
 */
CUR_API int cur_string_truncate(cur_string_t *s, ptrdiff_t new_len);

/*
 * cur_string_as_str: the whole content as a borrowed slice (Rust's
 * as_str / &*s). Never has a NULL ptr (an unallocated string gives ""). The
 * slice is valid until the next call that modifies or destroys s.
 */
CUR_API cur_str_t cur_string_as_str(const cur_string_t *s);

/*
 * cur_string_cstr: the content as a C string, never NULL ("" when nothing
 * is allocated). Valid until the next call that modifies or destroys s. The
 * content may itself contain NUL bytes, which a C string cannot show.
 */
CUR_API const char *cur_string_cstr(const cur_string_t *s);

#endif /* CURRICULUM_STR_H */
