/*
 * bench/bench_crc.c: the `crc` suite (lesson adv-3.1, src/crc.c).
 *
 * Groups, each measured against its peers in the same process:
 *   crc32c-64KiB  the checksum of one 64 KiB buffer. ns/KiB.
 *   crc32c-64B    the checksums of 1024 separate 64-byte records (each
 *                 started from 0, as the outbox log checks one record at a
 *                 time), one iteration doing all 1024. ns/op, op = one
 *                 64-byte record.
 *
 * Implementations:
 *   cur         cur_crc32c: the SSE4.2 crc32 instruction when the CPU has
 *               it (8 bytes per instruction), slicing-by-8 otherwise.
 *   bytewise    the textbook loop written here: one 256-entry table
 *               (computed at start-up from CUR_CRC32C_POLY), one lookup
 *               per byte. Same polynomial, so it must give the same value.
 *   zlib-crc32  zlib's crc32(), the standard C checksum peer. It computes
 *               CRC-32 (polynomial 0xEDB88320), not CRC-32C, so its values
 *               differ by design; it is here for speed, checked only
 *               against its own catalogue value. Loaded at run time with
 *               dlopen("libz.so.1") (Debian: zlib1g), missing if absent:
 *               the Makefile links no extra library into this suite.
 *
 * The input comes from a fixed-seed generator. Before timing, cur and
 * bytewise must agree on the catalogue check value, on the whole buffer
 * and on every record; any disagreement exits 1 rather than time a bug.
 */
#include "harness.h"
#include "../tests/support/rng.h"

#include <curriculum/crc.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    BUF_BYTES = 64 * 1024,
    REC_BYTES = 64,
    RECORDS = BUF_BYTES / REC_BYTES,
};

/* --- input ---------------------------------------------------------------- */


/* 64-byte aligned, like a page-cache or mmap'd log buffer. */
static unsigned char buf[BUF_BYTES] __attribute__((aligned(64)));

/* --- bytewise: the textbook table loop -------------------------------------- */

static uint32_t byte_table[256];

static void byte_table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ ((c & 1u) ? CUR_CRC32C_POLY : 0u);
        byte_table[i] = c;
    }
}

static uint32_t crc_bytewise(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = (crc >> 8) ^ byte_table[(crc ^ p[i]) & 0xFFu];
    return ~crc;
}

/* --- zlib, loaded at run time ----------------------------------------------- */

/* uLong crc32(uLong crc, const Bytef *buf, uInt len), zlib.h's signature. */
typedef unsigned long (*zlib_crc32_fn)(unsigned long, const unsigned char *,
                                       unsigned int);

static zlib_crc32_fn zlib_crc32;
static char zlib_why[256];

static void zlib_load(void)
{
    void *h = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(zlib_why, sizeof zlib_why,
                 "libz.so.1 could not be loaded (Debian: zlib1g): %s",
                 e ? e : "unknown error");
        return;
    }
    void *sym = dlsym(h, "crc32");
    if (!sym) {
        snprintf(zlib_why, sizeof zlib_why,
                 "libz.so.1 has no crc32 symbol");
        dlclose(h);
        return;
    }
    zlib_crc32 = (zlib_crc32_fn)sym; /* the handle stays open */
}

/* --- runners ---------------------------------------------------------------- */

static void run_cur_64k(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber(); /* the buffer may have changed: reread it */
        uint32_t c = cur_crc32c(0, buf, BUF_BYTES);
        bench_black_box(c);
    }
}

static void run_bytewise_64k(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        uint32_t c = crc_bytewise(0, buf, BUF_BYTES);
        bench_black_box(c);
    }
}

static void run_zlib_64k(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        unsigned long c = zlib_crc32(0, buf, BUF_BYTES);
        bench_black_box(c);
    }
}

/* Each record's CRC is used (black-boxed) on its own, as a log reader
 * compares each one with the stored value. */
static void run_cur_64b(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        for (int r = 0; r < RECORDS; r++) {
            uint32_t c = cur_crc32c(0, buf + r * REC_BYTES, REC_BYTES);
            bench_black_box(c);
        }
    }
}

static void run_bytewise_64b(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        for (int r = 0; r < RECORDS; r++) {
            uint32_t c = crc_bytewise(0, buf + r * REC_BYTES, REC_BYTES);
            bench_black_box(c);
        }
    }
}

static void run_zlib_64b(void *state, int64_t iters)
{
    (void)state;
    for (int64_t i = 0; i < iters; i++) {
        bench_clobber();
        for (int r = 0; r < RECORDS; r++) {
            unsigned long c = zlib_crc32(0, buf + r * REC_BYTES, REC_BYTES);
            bench_black_box(c);
        }
    }
}

/* --- checks ----------------------------------------------------------------- */

static bool verify(void)
{
    static const char check[] = "123456789";
    uint32_t a = cur_crc32c(0, check, 9);
    uint32_t b = crc_bytewise(0, (const unsigned char *)check, 9);
    if (a != 0xE3069283u || b != 0xE3069283u) {
        fprintf(stderr,
                "bench_crc: check value: cur 0x%08" PRIX32 ", bytewise 0x%08"
                PRIX32 ", want 0xE3069283\n", a, b);
        return false;
    }
    a = cur_crc32c(0, buf, BUF_BYTES);
    b = crc_bytewise(0, buf, BUF_BYTES);
    if (a != b) {
        fprintf(stderr,
                "bench_crc: 64 KiB: cur 0x%08" PRIX32 " != bytewise 0x%08"
                PRIX32 "\n", a, b);
        return false;
    }
    for (int r = 0; r < RECORDS; r++) {
        a = cur_crc32c(0, buf + r * REC_BYTES, REC_BYTES);
        b = crc_bytewise(0, buf + r * REC_BYTES, REC_BYTES);
        if (a != b) {
            fprintf(stderr,
                    "bench_crc: record %d: cur 0x%08" PRIX32
                    " != bytewise 0x%08" PRIX32 "\n", r, a, b);
            return false;
        }
    }
    if (zlib_crc32) {
        unsigned long z = zlib_crc32(0, (const unsigned char *)check, 9);
        if (z != 0xCBF43926ul) { /* the CRC-32 catalogue value */
            fprintf(stderr,
                    "bench_crc: zlib crc32 check value 0x%08lX, want "
                    "0xCBF43926\n", z);
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    bench_t *b = bench_init("crc", argc, argv);
    if (!b) return 2;

    for (size_t i = 0; i < BUF_BYTES; i += 8) {
        uint64_t v = rng();
        memcpy(buf + i, &v, 8);
    }
    byte_table_init();
    zlib_load();
    if (!verify()) return 1; /* nothing measured, nothing written */
    const char *why = zlib_crc32 ? NULL : zlib_why;

    if (bench_wants(b, "crc32c-64KiB")) {
        const bench_impl_t impls[] = {
            {.name = "cur", .fn = run_cur_64k},
            {.name = "bytewise", .fn = run_bytewise_64k},
            {.name = "zlib-crc32", .fn = zlib_crc32 ? run_zlib_64k : NULL,
             .why_missing = why},
        };
        bench_group(b, "crc32c-64KiB", "ns/KiB", BUF_BYTES / 1024.0, impls,
                    3);
    }
    if (bench_wants(b, "crc32c-64B")) {
        const bench_impl_t impls[] = {
            {.name = "cur", .fn = run_cur_64b},
            {.name = "bytewise", .fn = run_bytewise_64b},
            {.name = "zlib-crc32", .fn = zlib_crc32 ? run_zlib_64b : NULL,
             .why_missing = why},
        };
        bench_group(b, "crc32c-64B", "ns/op", (double)RECORDS, impls, 3);
    }
    return bench_finish(b);
}
