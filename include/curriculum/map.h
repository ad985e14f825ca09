/*
 * curriculum/map.h: a type-generic hash map (Rust's HashMap<K, V>),
 * generated per key and value type by a macro, with pluggable hash and
 * equality functions; and the hash functions it uses by default.
 *
 *     CUR_MAP_DECLARE(map_u64_f64, uint64_t, double, cur_map_hash_u64,
 *                     cur_map_eq_u64);
 *     CUR_MAP_DECLARE_STR(word_count, int64_t);      keys are cur_str_t
 *
 * declares map_u64_f64_t and static inline functions map_u64_f64_insert,
 * map_u64_f64_get, ... with typed parameters. hash_fn and eq_fn are the
 * trait bounds of Rust's `K: Hash + Eq`: they must be functions declared
 * before the macro, with exactly the types
 *
 *     uint64_t hash_fn(const K *key, uint64_t seed);
 *     bool     eq_fn(const K *a, const K *b);
 *
 * or the macro fails to compile with a message naming the one that is
 * missing or mistyped. Equal keys must hash equal, for every seed.
 *
 *   Rust                          C (for CUR_MAP_DECLARE(m, K, V, ...))
 *   HashMap::new()                m_init(&m, alloc)
 *   map.insert(k, v)              m_insert(&m, k, v, &old) -> 1 if replaced
 *   map.get(&k) / get_mut(&k)     m_get(&m, k) / m_get_mut -> pointer or NULL
 *   map.contains_key(&k)          m_contains(&m, k)
 *   map.remove(&k)                m_remove(&m, k, &old_key, &old_value)
 *   map.entry(k).or_insert(v)     m_entry_or_insert(&m, k, v, &slot)
 *   .or_insert_with_key(f)        m_entry_or_insert_with(&m, k, f, ctx, &slot)
 *   .or_default()                 m_entry_or_default(&m, k, &slot)  (zeroed)
 *   map.retain(f)                 m_retain(&m, f, ctx)
 *   map.iter() / iter_mut()       m_iter / m_iter_mut + _next
 *   map.reserve(n), clear(), len()
 *
 * Design. Open addressing with linear probing in Robin Hood order (the
 * entries of a run are kept sorted by their home slot, so a lookup for an
 * absent key stops as soon as it meets an entry that is closer to home than
 * it would be) and backward-shift deletion (no tombstones: a removal moves
 * the rest of the run back one slot, so the table never degrades with
 * churn). The maximum load factor is 7/8; the capacity is a power of two,
 * at least 8 slots and at most 2^31.
 *
 * Metadata: 4 bytes per slot beside the entries, holding the low 31 bits of
 * the key's hash with the top bit set (0 marks an empty slot). A lookup is
 * one hash, then a scan of these words from the home slot; a key is compared
 * only where 31 bits of hash match, so a miss almost never touches the
 * entries, and the distance of an entry from its home, which Robin Hood
 * needs, is computed from its word. We chose 4 bytes over the 1-byte tag of
 * SwissTable designs because they let growth move entries without calling
 * hash_fn again (a resize of string keys re-reads no string), let deletion
 * find each entry's home without rehashing, and put no limit on probe
 * distances, so even a hash that sends every key to one slot works (slowly,
 * as it must: see the collision tests).
 *
 * Hashing: every map has a seed, passed to hash_fn. name_init draws a new
 * one from cur_map_random_seed (random per process, different per map), so
 * iteration order differs between maps and runs, as in Rust: never depend on
 * it. name_init_seeded takes a fixed seed for reproducible runs; a zeroed
 * struct is a valid empty map with seed 0. The default hashes below are
 * fast, seeded multiply-mix functions (after wyhash), not cryptographic
 * PRFs. For keys chosen by an adversary (network input), hash them with
 * cur_map_hash_str_sip (SipHash-1-3, Rust's default) and keep the seed
 * random.
 *
 * Ownership: the map owns its table, allocated through the cur_alloc_t
 * given at init (NULL: the default hook; an arena adapter works, see
 * docs/vec.md). Keys and values are copied in by value. A key that points
 * elsewhere (a cur_str_t, a pointer) is stored as the pointer: the map
 * borrows what it points to, which must outlive the entry and must not
 * change while the entry is in the map (its hash would go stale). Insert on
 * an existing key keeps the stored key and replaces the value, as Rust does.
 *
 * Borrowing: pointers returned by get, get_mut, the entry functions and
 * iterators are valid until the next call that inserts a new key, removes,
 * retains, clears, reserves or destroys (each may move entries). In
 * translation units compiled with CUR_DEBUG >= 1, an iterator panics if
 * the map changed in that way while it was live.
 *
 * Errors follow error.h: 0 or a small non-negative result on success, a
 * negative CUR_E* code on failure, and then the map is exactly as it was.
 * A NULL map pointer is a contract violation and panics.
 *
 * Thread safety: none inside; a map is a plain value with one owner. One
 * thread may modify it, or any number may read it (get, contains, iter)
 * while nobody modifies it. The hash and equality functions must be pure.
 */
#ifndef CURRICULUM_MAP_H
#define CURRICULUM_MAP_H

#include <stddef.h>
#include <string.h>

#include "core.h"
#include "error.h"
#include "str.h"
#include "vec.h"

/* ------------------------------------------------------------------------ */
/* Hash functions                                                           */
/* ------------------------------------------------------------------------ */

/*
 * cur_map_hash_bytes: a 64-bit hash of p[0..n) under seed: wyhash's
 * structure (48-byte stripes folded by 64x64->128-bit multiplies, short
 * inputs read as two overlapping words), not bit-compatible with it.
 * A few ns for a 16-byte key. Values differ between platforms and
 * versions: never store them. p may be NULL only when n == 0; n < 0 is a
 * contract violation (panics). Pure; thread-safe.
 */
CUR_API uint64_t cur_map_hash_bytes(const void *p, ptrdiff_t n, uint64_t seed);

/*
 * cur_map_hash_sip13: SipHash-1-3 of p[0..n) under the 128-bit key
 * (k0, k1), the keyed function Rust's HashMap uses by default; with a secret
 * key, an attacker who sees no hash values cannot construct colliding keys.
 * About 3x the cost of cur_map_hash_bytes for short keys. Same contract.
 */
CUR_API uint64_t cur_map_hash_sip13(const void *p, ptrdiff_t n, uint64_t k0,
                                    uint64_t k1);

/*
 * cur_map_random_seed: a fresh seed: a random 64-bit secret drawn once per
 * process (getrandom; a mix of time, address and pid if that fails), mixed
 * with a counter, so that every call returns a different value. Thread-safe.
 */
CUR_API uint64_t cur_map_random_seed(void);

/* Internal (not API): 64x64->128-bit multiply folded to 64 bits. */
__extension__ typedef unsigned __int128 cur__map_u128;
static inline uint64_t cur__map_mum(uint64_t a, uint64_t b)
{
    cur__map_u128 r = (cur__map_u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/*
 * cur_map_hash_mix64: a hash of one 64-bit value under seed: one folded
 * multiply, so every input bit reaches the low bits a table index uses.
 */
static inline uint64_t cur_map_hash_mix64(uint64_t x, uint64_t seed)
{
    return cur__map_mum(x ^ seed ^ 0xa0761d6478bd642full,
                        0xe7037ed1a0b428dbull);
}

/*
 * Hash and equality functions with the signatures CUR_MAP_DECLARE wants,
 * for the common key types. All pure and thread-safe.
 */
static inline uint64_t cur_map_hash_u64(const uint64_t *k, uint64_t seed)
{
    return cur_map_hash_mix64(*k, seed);
}
static inline bool cur_map_eq_u64(const uint64_t *a, const uint64_t *b)
{
    return *a == *b;
}
static inline uint64_t cur_map_hash_i64(const int64_t *k, uint64_t seed)
{
    return cur_map_hash_mix64((uint64_t)*k, seed);
}
static inline bool cur_map_eq_i64(const int64_t *a, const int64_t *b)
{
    return *a == *b;
}
static inline uint64_t cur_map_hash_u32(const uint32_t *k, uint64_t seed)
{
    return cur_map_hash_mix64(*k, seed);
}
static inline bool cur_map_eq_u32(const uint32_t *a, const uint32_t *b)
{
    return *a == *b;
}
static inline uint64_t cur_map_hash_i32(const int32_t *k, uint64_t seed)
{
    return cur_map_hash_mix64((uint64_t)(int64_t)*k, seed);
}
static inline bool cur_map_eq_i32(const int32_t *a, const int32_t *b)
{
    return *a == *b;
}
/* Pointer keys hash and compare the address, not what it points to. */
static inline uint64_t cur_map_hash_ptr(void *const *k, uint64_t seed)
{
    return cur_map_hash_mix64((uint64_t)(uintptr_t)*k, seed);
}
static inline bool cur_map_eq_ptr(void *const *a, void *const *b)
{
    return *a == *b;
}
/*
 * String-slice keys hash and compare the bytes (a slice must satisfy
 * cur_str_t's invariant; the map borrows the bytes). _sip is SipHash-1-3
 * keyed by (seed, a constant mixed with seed), for untrusted keys.
 */
static inline uint64_t cur_map_hash_str(const cur_str_t *k, uint64_t seed)
{
    return cur_map_hash_bytes(k->ptr, k->len, seed);
}
static inline uint64_t cur_map_hash_str_sip(const cur_str_t *k, uint64_t seed)
{
    return cur_map_hash_sip13(k->ptr, k->len, seed,
                              seed ^ 0x736f6d6570736575ull);
}
static inline bool cur_map_eq_str(const cur_str_t *a, const cur_str_t *b)
{
    return a->len == b->len &&
           (a->len == 0 || memcmp(a->ptr, b->ptr, (size_t)a->len) == 0);
}

/*
 * CUR_MAP_HASH(x, seed): the default hash of a value, chosen by its type
 * with _Generic, as Rust picks the Hash impl of a value's type: integers
 * (and bool, char) through cur_map_hash_mix64, cur_str_t by its bytes, a
 * C string (char * or const char *) by its bytes up to the NUL. Any other
 * type is a compile error. x is evaluated once.
 */
#define CUR_MAP_HASH(x, seed)                                                \
    _Generic((x),                                                            \
        _Bool: cur__map_hash_int, char: cur__map_hash_int,                   \
        signed char: cur__map_hash_int, unsigned char: cur__map_hash_uint,   \
        short: cur__map_hash_int, unsigned short: cur__map_hash_uint,        \
        int: cur__map_hash_int, unsigned: cur__map_hash_uint,                \
        long: cur__map_hash_int, unsigned long: cur__map_hash_uint,          \
        long long: cur__map_hash_int,                                        \
        unsigned long long: cur__map_hash_uint,                              \
        cur_str_t: cur__map_hash_strv, char *: cur__map_hash_cstr,           \
        const char *: cur__map_hash_cstr)((x), (seed))
static inline uint64_t cur__map_hash_int(long long x, uint64_t seed)
{
    return cur_map_hash_mix64((uint64_t)x, seed);
}
static inline uint64_t cur__map_hash_uint(unsigned long long x, uint64_t seed)
{
    return cur_map_hash_mix64(x, seed);
}
static inline uint64_t cur__map_hash_strv(cur_str_t s, uint64_t seed)
{
    return cur_map_hash_str(&s, seed);
}
static inline uint64_t cur__map_hash_cstr(const char *s, uint64_t seed)
{
    return cur_map_hash_bytes(s, (ptrdiff_t)strlen(s), seed);
}

/* ------------------------------------------------------------------------ */
/* Internals shared by every instantiation (not API)                        */
/* ------------------------------------------------------------------------ */

/* The largest table, in slots (the metadata word keeps 31 hash bits). */
#define CUR__MAP_MAX_CAP ((ptrdiff_t)1 << 31)
/* The metadata word of a full slot has this bit; 0 means empty. */
#define CUR__MAP_FULL 0x80000000u

/*
 * cur__map_cap_for: the smallest table (a power of two >= 8) that holds n
 * entries at load <= 7/8, in *out; CUR_EOVERFLOW past CUR__MAP_MAX_CAP or
 * when the table's bytes (slot_size + 4 per slot) overflow; CUR_EINVAL for
 * n < 0.
 */
CUR_API int cur__map_cap_for(ptrdiff_t n, ptrdiff_t slot_size, ptrdiff_t *out);

/*
 * cur__map_resize: allocates a table of new_cap slots (entries, then
 * new_cap metadata words, zeroed) and moves the cap old entries into it
 * by their stored hash words; frees the old table. On success stores the
 * new table in *out_slots and returns 0; CUR_ENOMEM leaves the old one
 * untouched.
 */
CUR_API int cur__map_resize(const cur_alloc_t *a, void *slots, ptrdiff_t cap,
                            ptrdiff_t new_cap, ptrdiff_t slot_size,
                            void **out_slots);

/* cur__map_free: frees a table of cap slots (NULL is a no-op). */
CUR_API void cur__map_free(const cur_alloc_t *a, void *slots, ptrdiff_t cap,
                           ptrdiff_t slot_size);

/* SipHash with c compression and d finalisation rounds (for the tests). */
CUR_API uint64_t cur__map_siphash(const void *p, ptrdiff_t n, uint64_t k0,
                                  uint64_t k1, int c, int d);

/* Results of insert and the entry functions: was the key there before? */
#define CUR_MAP_NEW 0   /* the key was absent and has been inserted */
#define CUR_MAP_FOUND 1 /* the key was present */

/* ------------------------------------------------------------------------ */
/* The declaration macro                                                    */
/* ------------------------------------------------------------------------ */

#define CUR__MAP_FN __attribute__((unused)) static inline
#define CUR__MAP_COLD __attribute__((unused, noinline, cold)) static

/*
 * CUR_MAP_DECLARE(name, K, V, hash_fn, eq_fn): declares, at file scope,
 *
 *   name_slot_t       struct { K key; V value; }, one table entry
 *   name_t            the map (the struct below)
 *   name_iter_t       a shared iterator; name_iter_mut_t an exclusive one
 *
 * and the functions below. Use once per name in a translation unit, with a
 * semicolon after it. Every function is static inline.
 *
 * The struct (a zeroed one is a valid empty map, seed 0, default hook):
 *
 *   ptrdiff_t len   the number of entries. Read-only API.
 *   (private)       slots, meta, cap, seed, alloc, gen.
 *
 * Functions (m is a name_t *, never NULL; k a K; v a V):
 *
 *   void name_init(m, const cur_alloc_t *a)
 *       An empty map allocating with a (NULL: the default hook), with a
 *       fresh random seed. Allocates nothing; cannot fail.
 *   void name_init_seeded(m, a, uint64_t seed)
 *       The same with a fixed seed: same inserts, same iteration order.
 *   int  name_with_capacity(m, a, ptrdiff_t n)
 *       name_init, then room for n entries. 0; CUR_EINVAL for n < 0;
 *       CUR_EOVERFLOW; CUR_ENOMEM. On failure *m is an initialised empty
 *       map.
 *   void name_destroy(m)
 *       Frees the table; leaves an empty map with the same allocator and
 *       seed. NULL, a zeroed map and a destroyed one are no-ops. Keys and
 *       values are not "dropped": free what they own first (iterate).
 *
 *   ptrdiff_t name_len(const m); bool name_is_empty(const m)
 *   ptrdiff_t name_capacity(const m)
 *       Entries it holds without growing (7/8 of the slots).
 *   int  name_reserve(m, ptrdiff_t additional)
 *       Room for len + additional entries without growing. 0; CUR_EINVAL
 *       for additional < 0; CUR_EOVERFLOW; CUR_ENOMEM.
 *   void name_clear(m)
 *       Removes every entry; keeps the table.
 *
 *   const V *name_get(const m, k); V *name_get_mut(m, k)
 *       The value of k, or NULL when k is absent (Rust's Option<&V>).
 *   bool name_get_key_value(const m, k, const K **key, const V **value)
 *       True and the stored key and value (either out-param may be NULL)
 *       if k is present; false, writing nothing, if not.
 *   bool name_contains(const m, k)
 *
 *   int  name_insert(m, k, v, V *old)
 *       Maps k to v. Returns CUR_MAP_FOUND (1) if k was present: its value
 *       is replaced, the old one stored in *old (old may be NULL), and the
 *       stored key is kept. Returns CUR_MAP_NEW (0) if k was absent. May
 *       grow the table: CUR_EOVERFLOW, CUR_ENOMEM (map unchanged). Never
 *       allocates when k is present.
 *   int  name_entry_or_insert(m, k, v, V **slot)
 *       Rust's entry(k).or_insert(v): inserts v if k is absent. Stores a
 *       pointer to k's value in *slot; returns CUR_MAP_NEW or
 *       CUR_MAP_FOUND; CUR_EOVERFLOW or CUR_ENOMEM (nothing written).
 *   int  name_entry_or_insert_with(m, k, V (*make)(const K *k, void *ctx),
 *                                  void *ctx, V **slot)
 *       The same, computing the value with make(&k, ctx) only when k is
 *       absent, after any growth succeeded (on an error make is never
 *       called). make must not use the map.
 *   int  name_entry_or_default(m, k, V **slot)
 *       The same with a zeroed value (Rust's or_default()):
 *           int64_t *n; word_count_entry_or_default(&m, w, &n); ++*n;
 *
 *   bool name_remove(m, k, K *old_key, V *old_value)
 *       Removes k; true and the stored key and value (either out-param may
 *       be NULL) if it was present, false otherwise. Never allocates.
 *   void name_retain(m, bool (*keep)(const K *key, V *value, void *ctx),
 *                    void *ctx)
 *       Removes every entry for which keep returns false; keep may modify
 *       the value, is called once per entry, and must not use the map.
 *
 *   name_iter_t name_iter(const m)
 *   bool name_iter_next(name_iter_t *it, const K **key, const V **value)
 *   name_iter_mut_t name_iter_mut(m)
 *   bool name_iter_mut_next(name_iter_mut_t *it, const K **key, V **value)
 *       Every entry once, in table order (unspecified, seed-dependent).
 *       next stores pointers (either out-param may be NULL) and returns
 *       true, or false at the end. Values may be written through an
 *       _iter_mut item; the map must not be changed otherwise.
 */
#define CUR_MAP_DECLARE(name, K, V, hash_fn, eq_fn)                          \
    _Static_assert(                                                          \
        _Generic(&(hash_fn),                                                 \
            uint64_t (*)(const __typeof__(K) *, uint64_t): 1,                \
            default: 0),                                                     \
        "CUR_MAP_DECLARE(" #name "): " #hash_fn " must be a function "       \
        "uint64_t " #hash_fn "(const " #K " *key, uint64_t seed)");          \
    _Static_assert(                                                          \
        _Generic(&(eq_fn),                                                   \
            bool (*)(const __typeof__(K) *, const __typeof__(K) *): 1,       \
            default: 0),                                                     \
        "CUR_MAP_DECLARE(" #name "): " #eq_fn " must be a function "         \
        "bool " #eq_fn "(const " #K " *a, const " #K " *b)");                \
                                                                             \
    typedef struct name##_slot {                                             \
        __typeof__(K) key;                                                   \
        __typeof__(V) value;                                                 \
    } name##_slot_t;                                                         \
    _Static_assert(sizeof(name##_slot_t) > 0 &&                              \
                       _Alignof(name##_slot_t) <= _Alignof(max_align_t),     \
                   "CUR_MAP_DECLARE(" #name "): the entry type must have a " \
                   "size and at most the alignment of max_align_t");         \
                                                                             \
    typedef struct name {                                                    \
        /* private */                                                        \
        name##_slot_t *slots;     /* cap entries, then cap meta words */     \
        uint32_t *meta;           /* 0 empty, else hash | CUR__MAP_FULL */   \
        /* read-only API */                                                  \
        ptrdiff_t len;            /* entries */                              \
        /* private */                                                        \
        ptrdiff_t cap;            /* slots: 0, or a power of two >= 8 */     \
        uint64_t seed;            /* passed to hash_fn */                    \
        const cur_alloc_t *alloc; /* the hook; NULL means the default */     \
        uint32_t gen;             /* bumped by structural changes */         \
    } name##_t;                                                              \
                                                                             \
    typedef struct name##_iter {                                             \
        const name##_t *map; /* the map borrowed */                          \
        ptrdiff_t pos;       /* the next slot to look at */                  \
        uint32_t gen;        /* map->gen when the iterator was made */       \
    } name##_iter_t;                                                         \
                                                                             \
    typedef struct name##_iter_mut {                                         \
        name##_t *map;                                                       \
        ptrdiff_t pos;                                                       \
        uint32_t gen;                                                        \
    } name##_iter_mut_t;                                                     \
                                                                             \
    CUR__MAP_FN void name##_init_seeded(name##_t *m, const cur_alloc_t *a,   \
                                        uint64_t seed)                       \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        *m = (name##_t){.slots = NULL, .meta = NULL, .len = 0, .cap = 0,     \
                        .seed = seed, .alloc = a, .gen = 0};                 \
    }                                                                        \
                                                                             \
    CUR__MAP_FN void name##_init(name##_t *m, const cur_alloc_t *a)          \
    {                                                                        \
        name##_init_seeded(m, a, cur_map_random_seed());                     \
    }                                                                        \
                                                                             \
    CUR__MAP_FN void name##_destroy(name##_t *m)                             \
    {                                                                        \
        if (!m) return;                                                      \
        cur__map_free(m->alloc, m->slots, m->cap, CUR_SIZEOF(name##_slot_t)); \
        m->slots = NULL;                                                     \
        m->meta = NULL;                                                      \
        m->len = 0;                                                          \
        m->cap = 0;                                                          \
        m->gen++;                                                            \
    }                                                                        \
                                                                             \
    CUR__MAP_FN ptrdiff_t name##_len(const name##_t *m)                      \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        return m->len;                                                       \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_is_empty(const name##_t *m)                      \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        return m->len == 0;                                                  \
    }                                                                        \
                                                                             \
    CUR__MAP_FN ptrdiff_t name##_capacity(const name##_t *m)                 \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        return m->cap - m->cap / 8;                                          \
    }                                                                        \
                                                                             \
    CUR__MAP_FN void name##_clear(name##_t *m)                               \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        if (m->len > 0) memset(m->meta, 0, (size_t)m->cap * 4);              \
        m->len = 0;                                                          \
        if (CUR_DEBUG >= 1) m->gen++;                                        \
    }                                                                        \
                                                                             \
    /* The metadata word of a key: 31 bits of its hash, top bit set. */      \
    CUR__MAP_FN uint32_t name##__tag(const name##_t *m,                      \
                                     const __typeof__(K) *k)                 \
    {                                                                        \
        return (uint32_t)hash_fn(k, m->seed) | CUR__MAP_FULL;                \
    }                                                                        \
                                                                             \
    /* The slot holding k, or -1. */                                         \
    CUR__MAP_FN ptrdiff_t name##__find(const name##_t *m,                    \
                                       const __typeof__(K) *k, uint32_t tag) \
    {                                                                        \
        size_t mask = (size_t)m->cap - 1, i = tag & mask;                    \
        for (size_t d = 0;; d++, i = (i + 1) & mask) {                       \
            uint32_t t = m->meta[i];                                         \
            if (t == tag && eq_fn(&m->slots[i].key, k)) return (ptrdiff_t)i; \
            if (t == 0 || ((i - t) & mask) < d) return -1;                   \
        }                                                                    \
    }                                                                        \
                                                                             \
    CUR__MAP_FN ptrdiff_t name##__lookup(const name##_t *m,                  \
                                         const __typeof__(K) *k)             \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        if (m->len == 0) return -1;                                          \
        return name##__find(m, k, name##__tag(m, k));                        \
    }                                                                        \
                                                                             \
    /* Where k is or would go: its slot (*found) or the Robin Hood */        \
    /* position for it. The table must have a free slot. */                  \
    CUR__MAP_FN size_t name##__probe(const name##_t *m,                      \
                                     const __typeof__(K) *k, uint32_t tag,   \
                                     bool *found)                            \
    {                                                                        \
        size_t mask = (size_t)m->cap - 1, i = tag & mask;                    \
        for (size_t d = 0;; d++, i = (i + 1) & mask) {                       \
            uint32_t t = m->meta[i];                                         \
            if (t == 0 || ((i - t) & mask) < d) {                            \
                *found = false;                                              \
                return i;                                                    \
            }                                                                \
            if (t == tag && eq_fn(&m->slots[i].key, k)) {                    \
                *found = true;                                               \
                return i;                                                    \
            }                                                                \
        }                                                                    \
    }                                                                        \
                                                                             \
    /* Puts a new entry at slot i, shifting the run from i right by one. */  \
    CUR__MAP_FN void name##__place(name##_t *m, size_t i, uint32_t tag,      \
                                   const __typeof__(K) *k,                   \
                                   const __typeof__(V) *v)                   \
    {                                                                        \
        size_t mask = (size_t)m->cap - 1, e = i;                             \
        while (m->meta[e] != 0) e = (e + 1) & mask;                          \
        while (e != i) {                                                     \
            size_t p = (e - 1) & mask;                                       \
            m->meta[e] = m->meta[p];                                         \
            m->slots[e] = m->slots[p];                                       \
            e = p;                                                           \
        }                                                                    \
        m->meta[i] = tag;                                                    \
        m->slots[i].key = *k;                                                \
        m->slots[i].value = *v;                                              \
        m->len++;                                                            \
        if (CUR_DEBUG >= 1) m->gen++;                                        \
    }                                                                        \
                                                                             \
    /* Removes slot i by shifting the rest of its run back one slot. */      \
    CUR__MAP_FN void name##__erase(name##_t *m, size_t i)                    \
    {                                                                        \
        size_t mask = (size_t)m->cap - 1, j = (i + 1) & mask;                \
        for (uint32_t t; (t = m->meta[j]) != 0 && ((j - t) & mask) != 0;     \
             j = (j + 1) & mask) {                                           \
            m->meta[i] = t;                                                  \
            m->slots[i] = m->slots[j];                                       \
            i = j;                                                           \
        }                                                                    \
        m->meta[i] = 0;                                                      \
        m->len--;                                                            \
        if (CUR_DEBUG >= 1) m->gen++;                                        \
    }                                                                        \
                                                                             \
    CUR__MAP_COLD int name##__grow_to(name##_t *m, ptrdiff_t need)           \
    {                                                                        \
        ptrdiff_t cap;                                                       \
        int rc = cur__map_cap_for(need, CUR_SIZEOF(name##_slot_t), &cap);    \
        if (rc != 0) return rc;                                              \
        if (cap <= m->cap) return 0;                                         \
        void *p;                                                             \
        rc = cur__map_resize(m->alloc, m->slots, m->cap, cap,                \
                             CUR_SIZEOF(name##_slot_t), &p);                 \
        if (rc != 0) return rc;                                              \
        m->slots = (name##_slot_t *)p;                                       \
        m->meta = (uint32_t *)(void *)(m->slots + cap);                      \
        m->cap = cap;                                                        \
        m->gen++;                                                            \
        return 0;                                                            \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_reserve(name##_t *m, ptrdiff_t additional)        \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        if (additional < 0) return CUR_EINVAL;                               \
        if (additional <= m->cap - m->cap / 8 - m->len) return 0;            \
        if (additional > PTRDIFF_MAX - m->len) return CUR_EOVERFLOW;         \
        return name##__grow_to(m, m->len + additional);                      \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_with_capacity(name##_t *m, const cur_alloc_t *a,  \
                                         ptrdiff_t n)                        \
    {                                                                        \
        name##_init(m, a);                                                   \
        return name##_reserve(m, n);                                         \
    }                                                                        \
                                                                             \
    CUR__MAP_FN const __typeof__(V) *name##_get(const name##_t *m,           \
                                                __typeof__(K) k)             \
    {                                                                        \
        ptrdiff_t i = name##__lookup(m, &k);                                 \
        return i < 0 ? NULL : &m->slots[i].value;                            \
    }                                                                        \
                                                                             \
    CUR__MAP_FN __typeof__(V) *name##_get_mut(name##_t *m, __typeof__(K) k)  \
    {                                                                        \
        ptrdiff_t i = name##__lookup(m, &k);                                 \
        return i < 0 ? NULL : &m->slots[i].value;                            \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_get_key_value(const name##_t *m,                 \
                                          __typeof__(K) k,                   \
                                          const __typeof__(K) **key,         \
                                          const __typeof__(V) **value)       \
    {                                                                        \
        ptrdiff_t i = name##__lookup(m, &k);                                 \
        if (i < 0) return false;                                             \
        if (key) *key = &m->slots[i].key;                                    \
        if (value) *value = &m->slots[i].value;                              \
        return true;                                                         \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_contains(const name##_t *m, __typeof__(K) k)     \
    {                                                                        \
        return name##__lookup(m, &k) >= 0;                                   \
    }                                                                        \
                                                                             \
    /* Finds k, or makes room for one more entry and finds its position. */  \
    /* Returns CUR_MAP_FOUND / CUR_MAP_NEW with the slot in *at, or an */    \
    /* error. */                                                             \
    CUR__MAP_FN int name##__slot_for(name##_t *m, const __typeof__(K) *k,    \
                                     uint32_t tag, size_t *at)               \
    {                                                                        \
        bool found = false;                                                  \
        size_t i = 0;                                                        \
        if (m->cap > 0) {                                                    \
            i = name##__probe(m, k, tag, &found);                            \
            if (found) {                                                     \
                *at = i;                                                     \
                return CUR_MAP_FOUND;                                        \
            }                                                                \
        }                                                                    \
        if (m->len >= m->cap - m->cap / 8) {                                 \
            int rc = name##__grow_to(m, m->len + 1);                         \
            if (rc != 0) return rc;                                          \
            i = name##__probe(m, k, tag, &found);                            \
        }                                                                    \
        *at = i;                                                             \
        return CUR_MAP_NEW;                                                  \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_insert(name##_t *m, __typeof__(K) k,              \
                                  __typeof__(V) v, __typeof__(V) *old)       \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        uint32_t tag = name##__tag(m, &k);                                   \
        size_t i = 0;                                                        \
        int rc = name##__slot_for(m, &k, tag, &i);                           \
        if (rc == CUR_MAP_FOUND) {                                           \
            if (old) *old = m->slots[i].value;                               \
            m->slots[i].value = v;                                           \
        } else if (rc == CUR_MAP_NEW) {                                      \
            name##__place(m, i, tag, &k, &v);                                \
        }                                                                    \
        return rc;                                                           \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_entry_or_insert(name##_t *m, __typeof__(K) k,     \
                                           __typeof__(V) v,                  \
                                           __typeof__(V) **slot)             \
    {                                                                        \
        CUR_ASSERT(m != NULL && slot != NULL);                               \
        uint32_t tag = name##__tag(m, &k);                                   \
        size_t i = 0;                                                        \
        int rc = name##__slot_for(m, &k, tag, &i);                           \
        if (rc == CUR_MAP_NEW) name##__place(m, i, tag, &k, &v);             \
        if (rc >= 0) *slot = &m->slots[i].value;                             \
        return rc;                                                           \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_entry_or_insert_with(                             \
        name##_t *m, __typeof__(K) k,                                        \
        __typeof__(V) (*make)(const __typeof__(K) *key, void *ctx),          \
        void *ctx, __typeof__(V) **slot)                                     \
    {                                                                        \
        CUR_ASSERT(m != NULL && make != NULL && slot != NULL);               \
        uint32_t tag = name##__tag(m, &k);                                   \
        size_t i = 0;                                                        \
        int rc = name##__slot_for(m, &k, tag, &i);                           \
        if (rc == CUR_MAP_NEW) {                                             \
            uint32_t gen = m->gen;                                           \
            ptrdiff_t len = m->len;                                          \
            __typeof__(V) v = make(&k, ctx);                                 \
            CUR_ASSERT(m->gen == gen && m->len == len);                      \
            name##__place(m, i, tag, &k, &v);                                \
        }                                                                    \
        if (rc >= 0) *slot = &m->slots[i].value;                             \
        return rc;                                                           \
    }                                                                        \
                                                                             \
    CUR__MAP_FN int name##_entry_or_default(name##_t *m, __typeof__(K) k,    \
                                            __typeof__(V) **slot)            \
    {                                                                        \
        __typeof__(V) v;                                                     \
        memset(&v, 0, sizeof v);                                             \
        return name##_entry_or_insert(m, k, v, slot);                        \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_remove(name##_t *m, __typeof__(K) k,             \
                                   __typeof__(K) *old_key,                   \
                                   __typeof__(V) *old_value)                 \
    {                                                                        \
        ptrdiff_t i = name##__lookup(m, &k);                                 \
        if (i < 0) return false;                                             \
        if (old_key) *old_key = m->slots[i].key;                             \
        if (old_value) *old_value = m->slots[i].value;                       \
        name##__erase(m, (size_t)i);                                         \
        return true;                                                         \
    }                                                                        \
                                                                             \
    CUR__MAP_FN void name##_retain(                                          \
        name##_t *m,                                                         \
        bool (*keep)(const __typeof__(K) *key, __typeof__(V) *value,         \
                     void *ctx),                                             \
        void *ctx)                                                           \
    {                                                                        \
        CUR_ASSERT(m != NULL && keep != NULL);                               \
        if (m->len == 0) return;                                             \
        /* Start after an empty slot: no run crosses it, so the shifts of */ \
        /* erase only move entries not visited yet. */                       \
        size_t mask = (size_t)m->cap - 1, start = 0;                         \
        while (m->meta[start] != 0) start++;                                 \
        size_t i = (start + 1) & mask;                                       \
        for (size_t n = 0; n < (size_t)m->cap - 1; n++) {                    \
            if (m->meta[i] != 0 &&                                           \
                !keep(&m->slots[i].key, &m->slots[i].value, ctx)) {          \
                name##__erase(m, i);                                         \
                /* slot i now holds the next entry of the run, if any */     \
                if (m->meta[i] != 0) {                                       \
                    n--;                                                     \
                    continue;                                                \
                }                                                            \
            }                                                                \
            i = (i + 1) & mask;                                              \
        }                                                                    \
    }                                                                        \
                                                                             \
    CUR__MAP_FN name##_iter_t name##_iter(const name##_t *m)                 \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        return (name##_iter_t){.map = m, .pos = 0, .gen = m->gen};           \
    }                                                                        \
                                                                             \
    /* The next occupied slot at or after *pos, advancing *pos past it;    \
     * -1 (and *pos = cap) when none is left. Shared by both iterators.  \
     */                                                                      \
    CUR__MAP_FN ptrdiff_t name##__next_slot(const name##_t *m,               \
                                            ptrdiff_t *pos)                  \
    {                                                                        \
        for (ptrdiff_t i = *pos; i < m->cap; i++) {                          \
            if (m->meta[i] != 0) {                                           \
                *pos = i + 1;                                                \
                return i;                                                    \
            }                                                                \
        }                                                                    \
        *pos = m->cap;                                                       \
        return -1;                                                           \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_iter_next(name##_iter_t *it,                     \
                                      const __typeof__(K) **key,             \
                                      const __typeof__(V) **value)           \
    {                                                                        \
        CUR__ITER_CHECK(it->gen, it->map->gen, "map");                       \
        ptrdiff_t i = name##__next_slot(it->map, &it->pos);                  \
        if (i < 0) return false;                                             \
        if (key) *key = &it->map->slots[i].key;                              \
        if (value) *value = &it->map->slots[i].value;                        \
        return true;                                                         \
    }                                                                        \
                                                                             \
    CUR__MAP_FN name##_iter_mut_t name##_iter_mut(name##_t *m)               \
    {                                                                        \
        CUR_ASSERT(m != NULL);                                               \
        return (name##_iter_mut_t){.map = m, .pos = 0, .gen = m->gen};       \
    }                                                                        \
                                                                             \
    CUR__MAP_FN bool name##_iter_mut_next(name##_iter_mut_t *it,             \
                                          const __typeof__(K) **key,         \
                                          __typeof__(V) **value)             \
    {                                                                        \
        CUR__ITER_CHECK(it->gen, it->map->gen, "map");                       \
        ptrdiff_t i = name##__next_slot(it->map, &it->pos);                  \
        if (i < 0) return false;                                             \
        if (key) *key = &it->map->slots[i].key;                              \
        if (value) *value = &it->map->slots[i].value;                        \
        return true;                                                         \
    }                                                                        \
    _Static_assert(1, "")

/*
 * Convenience instantiations with the hash and equality functions above:
 * string-slice keys (the map borrows the bytes), and integer keys.
 */
#define CUR_MAP_DECLARE_STR(name, V)                                         \
    CUR_MAP_DECLARE(name, cur_str_t, V, cur_map_hash_str, cur_map_eq_str)
#define CUR_MAP_DECLARE_U64(name, V)                                         \
    CUR_MAP_DECLARE(name, uint64_t, V, cur_map_hash_u64, cur_map_eq_u64)
#define CUR_MAP_DECLARE_I64(name, V)                                         \
    CUR_MAP_DECLARE(name, int64_t, V, cur_map_hash_i64, cur_map_eq_i64)
#define CUR_MAP_DECLARE_U32(name, V)                                         \
    CUR_MAP_DECLARE(name, uint32_t, V, cur_map_hash_u32, cur_map_eq_u32)
#define CUR_MAP_DECLARE_I32(name, V)                                         \
    CUR_MAP_DECLARE(name, int32_t, V, cur_map_hash_i32, cur_map_eq_i32)

#endif /* CURRICULUM_MAP_H */
