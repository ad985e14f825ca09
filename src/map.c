/*
 * src/map.c: the out-of-line part of the generic hash map (lesson mc-04.2):
 * table sizing, growth, the default hash functions and seeds. Everything
 * typed lives in include/curriculum/map.h, generated per key and value.
 *
 * Invariants of a table of cap slots (cap == 0 and no table, or cap a power
 * of two, 8 <= cap <= 2^31):
 *   - one allocation of cap * (slot_size + 4) bytes from the map's hook:
 *     cap entries, then cap 32-bit metadata words;
 *   - meta[i] == 0: slot i is empty; otherwise meta[i] is the low 31 bits
 *     of the key's hash with bit 31 set, and the key's home slot is
 *     meta[i] & (cap - 1);
 *   - no run of full slots wraps all the way round: len <= cap - cap / 8,
 *     so there is always an empty slot and every probe loop ends;
 *   - Robin Hood order: walking a run from its start, the distance of each
 *     entry from its home grows by at most one per slot, and entries are
 *     sorted by home slot (circularly). Hence every slot between an entry's
 *     home and the entry is full, and a search may stop at the first entry
 *     nearer its home than the searched key would be.
 * Growth moves entries by their metadata word alone, without calling the
 * hash function, so it is generic over the entry size. A failed growth
 * leaves the old table untouched.
 */
#include <curriculum/map.h>

#include <stdatomic.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core_int.h"

/* ------------------------------------------------------------------------ */
/* Tables                                                                   */
/* ------------------------------------------------------------------------ */

int cur__map_cap_for(ptrdiff_t n, ptrdiff_t slot_size, ptrdiff_t *out)
{
    CUR_ASSERT(out != NULL);
    if (n < 0 || slot_size <= 0) return CUR_EINVAL;
    ptrdiff_t cap = 8;
    while (cap - cap / 8 < n) {
        if (cap >= CUR__MAP_MAX_CAP) return CUR_EOVERFLOW;
        cap *= 2;
    }
    if (slot_size > PTRDIFF_MAX - 4 || cap > PTRDIFF_MAX / (slot_size + 4))
        return CUR_EOVERFLOW;
    *out = cap;
    return 0;
}

/* One entry copy; the common sizes become fixed-size moves, not calls. */
static inline void copy_slot(char *dst, const char *src, size_t ss)
{
    switch (ss) {
    case 8: memcpy(dst, src, 8); break;
    case 16: memcpy(dst, src, 16); break;
    case 24: memcpy(dst, src, 24); break;
    case 32: memcpy(dst, src, 32); break;
    default: memcpy(dst, src, ss); break;
    }
}

int cur__map_resize(const cur_alloc_t *a, void *slots, ptrdiff_t cap,
                    ptrdiff_t new_cap, ptrdiff_t slot_size, void **out_slots)
{
    CUR_ASSERT(out_slots != NULL && slot_size > 0 && new_cap >= 8 &&
               (new_cap & (new_cap - 1)) == 0 && new_cap > cap &&
               (slots != NULL) == (cap > 0));
    size_t ss = (size_t)slot_size;
    char *ns = cur__alloc(a, new_cap * (slot_size + 4));
    if (!ns) return CUR_ENOMEM;
    uint32_t *nm = (uint32_t *)(void *)(ns + (size_t)new_cap * ss);
    memset(nm, 0, (size_t)new_cap * 4);
    if (cap > 0) {
        const char *os = slots;
        const uint32_t *om =
            (const uint32_t *)(const void *)(os + (size_t)cap * ss);
        size_t mask = (size_t)new_cap - 1;
        for (size_t k = 0; k < (size_t)cap; k++) {
            uint32_t t = om[k];
            if (t == 0) continue;
            /* Robin Hood position: after every entry at least as far from
             * home as we would be. */
            size_t i = t & mask, d = 0;
            while (nm[i] != 0 && ((i - nm[i]) & mask) >= d) {
                i = (i + 1) & mask;
                d++;
            }
            size_t e = i;
            while (nm[e] != 0) e = (e + 1) & mask;
            while (e != i) {
                size_t p = (e - 1) & mask;
                nm[e] = nm[p];
                copy_slot(ns + e * ss, ns + p * ss, ss);
                e = p;
            }
            nm[i] = t;
            copy_slot(ns + i * ss, os + k * ss, ss);
        }
        cur__free(a, slots, cap * (slot_size + 4));
    }
    *out_slots = ns;
    return 0;
}

void cur__map_free(const cur_alloc_t *a, void *slots, ptrdiff_t cap,
                   ptrdiff_t slot_size)
{
    if (slots) cur__free(a, slots, cap * (slot_size + 4));
}

/* ------------------------------------------------------------------------ */
/* Hashing                                                                  */
/* ------------------------------------------------------------------------ */

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

/* wyhash's default secret: odd, balanced 64-bit constants. */
#define S0 0xa0761d6478bd642full
#define S1 0xe7037ed1a0b428dbull
#define S2 0x8ebc6af09c88c6e3ull
#define S3 0x589965cc75374cc3ull

uint64_t cur_map_hash_bytes(const void *key, ptrdiff_t len, uint64_t seed)
{
    CUR_ASSERT(len >= 0 && (key != NULL || len == 0));
    const uint8_t *p = key;
    size_t n = (size_t)len;
    uint64_t a, b;
    seed ^= cur__map_mum(seed ^ S0, S1);
    if (n <= 16) {
        if (n >= 4) {
            /* Two overlapping reads from each end cover 4..16 bytes. */
            size_t q = (n >> 3) << 2;
            a = (rd32(p) << 32) | rd32(p + q);
            b = (rd32(p + n - 4) << 32) | rd32(p + n - 4 - q);
        } else if (n > 0) {
            a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        size_t i = n;
        if (i > 48) {
            uint64_t see1 = seed, see2 = seed;
            do {
                seed = cur__map_mum(rd64(p) ^ S1, rd64(p + 8) ^ seed);
                see1 = cur__map_mum(rd64(p + 16) ^ S2, rd64(p + 24) ^ see1);
                see2 = cur__map_mum(rd64(p + 32) ^ S3, rd64(p + 40) ^ see2);
                p += 48;
                i -= 48;
            } while (i > 48);
            seed ^= see1 ^ see2;
        }
        while (i > 16) {
            seed = cur__map_mum(rd64(p) ^ S1, rd64(p + 8) ^ seed);
            i -= 16;
            p += 16;
        }
        /* The last 16 bytes, overlapping what came before (n > 16). */
        a = rd64(p + i - 16);
        b = rd64(p + i - 8);
    }
    a ^= S1;
    b ^= seed;
    cur__map_u128 r = (cur__map_u128)a * b;
    a = (uint64_t)r;
    b = (uint64_t)(r >> 64);
    return cur__map_mum(a ^ S0 ^ (uint64_t)n, b ^ S1);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                             \
    do {                                                                     \
        v0 += v1;                                                            \
        v1 = ROTL(v1, 13);                                                   \
        v1 ^= v0;                                                            \
        v0 = ROTL(v0, 32);                                                   \
        v2 += v3;                                                            \
        v3 = ROTL(v3, 16);                                                   \
        v3 ^= v2;                                                            \
        v0 += v3;                                                            \
        v3 = ROTL(v3, 21);                                                   \
        v3 ^= v0;                                                            \
        v2 += v1;                                                            \
        v1 = ROTL(v1, 17);                                                   \
        v1 ^= v2;                                                            \
        v2 = ROTL(v2, 32);                                                   \
    } while (0)

uint64_t cur__map_siphash(const void *key, ptrdiff_t len, uint64_t k0,
                          uint64_t k1, int c, int d)
{
    CUR_ASSERT(len >= 0 && (key != NULL || len == 0) && c > 0 && d > 0);
    static const uint8_t empty[1];
    const uint8_t *in = len > 0 ? key : empty;
    size_t n = (size_t)len;
    uint64_t v0 = k0 ^ 0x736f6d6570736575ull;
    uint64_t v1 = k1 ^ 0x646f72616e646f6dull;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ull;
    uint64_t v3 = k1 ^ 0x7465646279746573ull;
    const uint8_t *end = in + (n - n % 8);
    for (; in != end; in += 8) {
        uint64_t m = rd64(in);
        v3 ^= m;
        for (int r = 0; r < c; r++) SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    switch (n & 7) {
    case 7: b |= (uint64_t)in[6] << 48; /* fall through */
    case 6: b |= (uint64_t)in[5] << 40; /* fall through */
    case 5: b |= (uint64_t)in[4] << 32; /* fall through */
    case 4: b |= (uint64_t)in[3] << 24; /* fall through */
    case 3: b |= (uint64_t)in[2] << 16; /* fall through */
    case 2: b |= (uint64_t)in[1] << 8;  /* fall through */
    case 1: b |= (uint64_t)in[0]; break;
    default: break;
    }
    v3 ^= b;
    for (int r = 0; r < c; r++) SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    for (int r = 0; r < d; r++) SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t cur_map_hash_sip13(const void *p, ptrdiff_t n, uint64_t k0,
                            uint64_t k1)
{
    return cur__map_siphash(p, n, k0, k1, 1, 3);
}

/* ------------------------------------------------------------------------ */
/* Seeds                                                                    */
/* ------------------------------------------------------------------------ */

/* splitmix64's finaliser: a bijection that spreads every input bit. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static _Atomic uint64_t process_secret; /* 0 until drawn */
static _Atomic uint64_t seed_counter;

static uint64_t draw_secret(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
        struct timespec ts = {0, 0};
        clock_gettime(CLOCK_REALTIME, &ts);
        s = mix((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30)) ^
            mix((uint64_t)(uintptr_t)&s) ^ mix((uint64_t)getpid());
    }
    return s ? s : 1;
}

uint64_t cur_map_random_seed(void)
{
    uint64_t s = atomic_load_explicit(&process_secret, memory_order_relaxed);
    if (CUR_UNLIKELY(s == 0)) {
        uint64_t fresh = draw_secret(), expected = 0;
        /* Two first callers race: both keep the winner's secret. */
        if (atomic_compare_exchange_strong(&process_secret, &expected, fresh))
            s = fresh;
        else
            s = expected;
    }
    uint64_t c = atomic_fetch_add_explicit(&seed_counter, 1,
                                           memory_order_relaxed);
    return mix(s + c * 0x9e3779b97f4a7c15ull);
}
