/*
 * adv-3.1 const vs static, const fn, const evaluation limits
 *
 * Shows: Rust's `const` as C enum constants and macros (values with no
 * address, usable in array sizes and case labels) and Rust's `static` as a
 * `static const` object (one address, but not a constant expression in
 * C17); _Static_assert as a const assertion; a macro the compiler folds as
 * a stand-in for a `const fn`; where C's constant evaluation stops (no
 * loops), and a table past that limit computed at build time by
 * tools/gen_tables, the CRC-32C table behind cur_crc32c. C23 `constexpr`
 * is used when the compiler is in C23 mode.
 *
 * Build: cc -std=gnu17 -o gen_tables tools/gen_tables.c
 *        ./gen_tables -o crc32c_table.h crc32c
 *        cc -std=gnu17 -I. examples/adv-3.1-const-evaluation.c \
 *            $(pkg-config --cflags --libs curriculum)
 */
#include <curriculum/crc.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Written by tools/gen_tables before this file is compiled (the Makefile
 * puts it in build/.../gen/); Rust would use a build.rs or a const fn. */
#include "crc32c_table.h"

/*
 * Rust `const MAX_USERS: usize = 64;` is a value the compiler pastes in
 * wherever it is named; it has no address of its own. An enum constant
 * is exactly that in C (though its type is always int), and so is a
 * macro. Both are "integer constant expressions": array sizes, case
 * labels and _Static_assert accept them.
 */
enum { MAX_USERS = 64 };
#define NAME_BYTES 24
static char user_names[MAX_USERS][NAME_BYTES]; /* sized by constants */

/*
 * Rust `static GREETING: &str = "hello";` is one object at one address for
 * the whole program. `static const` is its C counterpart. But C17 does not
 * treat a const object as a constant expression: `static char
 * buf[max_retries];` or `case max_retries:` would not compile here, even
 * though the value can never change. (C++ and C23's constexpr lift that.)
 */
static const char greeting[] = "hello";
static const int max_retries = 3;

static const char *greeting_from_elsewhere(void) { return greeting; }

/* C23 constexpr: a typed named constant, Rust's const at last. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L
constexpr uint32_t BLOCK = 4096;
#define CONSTEXPR_NOTE "C23 constexpr"
#else
enum { BLOCK = 4096 }; /* before C23, an enum constant stands in */
#define CONSTEXPR_NOTE "an enum constant (this compiler is not in C23 mode)"
#endif

/*
 * Rust's `const fn align_up(n: usize, a: usize) -> usize` runs at compile
 * time when its arguments are constants. C has no const functions; a
 * function-like macro over constant operands is a constant expression, so
 * it plays the part (adv-4.1 shows what a macro costs in hygiene).
 */
#define ALIGN_UP(n, a) (((n) + (a) - 1) / (a) * (a))
#define IS_POW2(n) ((n) > 0 && ((n) & ((n) - 1)) == 0)

/* Const assertions: Rust's `const _: () = assert!(...);`. A false one
 * stops the build with its message. */
_Static_assert(IS_POW2(MAX_USERS), "MAX_USERS must be a power of two");
_Static_assert(ALIGN_UP(100, 64) == 128, "ALIGN_UP rounds up");
_Static_assert(ALIGN_UP(BLOCK, BLOCK) == BLOCK, "aligned stays aligned");
_Static_assert(sizeof user_names == MAX_USERS * NAME_BYTES, "no padding");

/*
 * How far constant evaluation goes. One step of the reflected CRC, and
 * four steps nested, are constant expressions: a 16-entry table for the
 * four bits of a nibble can be built by the compiler. Each step names
 * its argument twice, so k steps expand to 2^k copies: a byte's 8 steps
 * would be 256 copies per entry, 65536 for a 256-entry table. C has no
 * loop in a constant expression, so that table is made by a program at
 * build time instead (crc32c_table.h above).
 */
#define CRC_STEP(c) (((c) >> 1) ^ (((c) & 1u) ? CUR_CRC32C_POLY : 0u))
#define CRC_NIBBLE(n) CRC_STEP(CRC_STEP(CRC_STEP(CRC_STEP((uint32_t)(n)))))

static const uint32_t nibble_table[16] = {
    CRC_NIBBLE(0),  CRC_NIBBLE(1),  CRC_NIBBLE(2),  CRC_NIBBLE(3),
    CRC_NIBBLE(4),  CRC_NIBBLE(5),  CRC_NIBBLE(6),  CRC_NIBBLE(7),
    CRC_NIBBLE(8),  CRC_NIBBLE(9),  CRC_NIBBLE(10), CRC_NIBBLE(11),
    CRC_NIBBLE(12), CRC_NIBBLE(13), CRC_NIBBLE(14), CRC_NIBBLE(15),
};
_Static_assert(CRC_NIBBLE(1) == 0x105EC76Fu, "computed by the compiler");
_Static_assert(CRC_NIBBLE(8) == CUR_CRC32C_POLY, "bit 3 is the polynomial");
/* The generator's own check value is a constant we can assert on too. */
_Static_assert(CUR__CRC32C_TABLE_CHECK == 0xE3069283u, "catalogue value");

/* CRC-32C with the compile-time nibble table: two lookups per byte. */
static uint32_t crc_by_nibbles(const char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned char)p[i];
        crc = (crc >> 4) ^ nibble_table[crc & 15];
        crc = (crc >> 4) ^ nibble_table[crc & 15];
    }
    return ~crc;
}

/* The same with the build-time byte table: one lookup per byte. */
static uint32_t crc_by_bytes(const char *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        crc = (crc >> 8) ^ cur__crc32c_table[0][(crc ^ (unsigned char)p[i]) & 0xFF];
    return ~crc;
}

static const char *kind(int code)
{
    switch (code) {
    case MAX_USERS: return "MAX_USERS"; /* a constant: fine as a label */
    case BLOCK: return "BLOCK";
    default: return "something else";
    }
}

int main(void)
{
    printf("const-like values (no address):\n");
    snprintf(user_names[0], NAME_BYTES, "%s", "ada");
    printf("  MAX_USERS = %d, NAME_BYTES = %d: user_names holds %zu bytes, "
           "[0] = %s\n", MAX_USERS, NAME_BYTES, sizeof user_names,
           user_names[0]);
    printf("  ALIGN_UP(100, 64) = %d, folded at compile time\n",
           ALIGN_UP(100, 64));
    printf("  BLOCK = %d, via %s\n", (int)BLOCK, CONSTEXPR_NOTE);
    printf("  switch on 64 finds %s\n", kind(64));

    printf("static-like objects (one address):\n");
    printf("  greeting = \"%s\", the same object everywhere: %s\n", greeting,
           greeting_from_elsewhere() == greeting ? "yes" : "no");
    printf("  max_retries = %d, a const object, not a constant expression\n",
           max_retries);

    printf("tables:\n");
    printf("  nibble table (compiler):    [1] = 0x%08" PRIX32 ", [15] = 0x%08"
           PRIX32 "\n", nibble_table[1], nibble_table[15]);
    printf("  byte table (build program): [1] = 0x%08" PRIX32 ", [255] = 0x%08"
           PRIX32 "\n", cur__crc32c_table[0][1], cur__crc32c_table[0][255]);

    const char *check = "123456789";
    size_t n = strlen(check);
    printf("CRC-32C of \"%s\", three ways:\n", check);
    printf("  compile-time nibble table: 0x%08" PRIX32 "\n",
           crc_by_nibbles(check, n));
    printf("  build-time byte table:     0x%08" PRIX32 "\n",
           crc_by_bytes(check, n));
    printf("  cur_crc32c (library):      0x%08" PRIX32 "\n",
           cur_crc32c(0, check, (ptrdiff_t)n));
    return 0;
}
