/*
 * Tests of curriculum/crc.h: CRC-32C against published vectors (the CRC
 * catalogue's check value and the iSCSI vectors of RFC 3720 B.4), a
 * bitwise reference written here from the definition, incremental use,
 * both implementation paths alone, and the build-time table itself.
 */
#include <criterion/criterion.h>
#include <curriculum/crc.h>
#include <signal.h>
#include <string.h>

/* The generated table (-I$(B)/gen), to check it against the definition. */
#include "crc32c_table.h"

#include "support/rng.h"

/* Internal (src/crc.c): one path alone, 0 tables, 1 SSE4.2; -2 if this
 * machine cannot run it. */
int64_t cur__crc32c_path(uint32_t crc, const void *data, ptrdiff_t len,
                         int path);

/* The definition: one bit at a time, reflected, inverted in and out. */
static uint32_t ref_crc32c(uint32_t crc, const unsigned char *p, ptrdiff_t n)
{
    crc = ~crc;
    for (ptrdiff_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
}

Test(crc, check_value)
{
    cr_assert_eq(cur_crc32c(0, "123456789", 9), 0xE3069283u);
    cr_assert_eq(cur_crc32c(0, "123456789", 9), CUR__CRC32C_TABLE_CHECK);
    cr_assert_eq(cur_crc32c(0, "", 0), 0u);
    cr_assert_eq(cur_crc32c(0, NULL, 0), 0u);
    cr_assert_eq(cur_crc32c(0x12345678u, NULL, 0), 0x12345678u);
}

Test(crc, rfc3720_vectors)
{
    unsigned char buf[32];
    memset(buf, 0, sizeof buf);
    cr_assert_eq(cur_crc32c(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, sizeof buf);
    cr_assert_eq(cur_crc32c(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)i;
    cr_assert_eq(cur_crc32c(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(31 - i);
    cr_assert_eq(cur_crc32c(0, buf, 32), 0x113FDB5Cu);
    /* The iSCSI SCSI Read (10) command PDU of RFC 3720 B.4. */
    static const unsigned char pdu[48] = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    cr_assert_eq(cur_crc32c(0, pdu, 48), 0xD9963A56u);
}

Test(crc, matches_the_definition_on_every_path)
{
    static unsigned char buf[4096 + 16];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rng();
    int paths_run = 0;
    for (int path = 0; path < 2; path++) {
        if (cur__crc32c_path(0, "x", 1, path) == -2) continue;
        paths_run++;
        for (ptrdiff_t off = 0; off < 16; off++) {
            for (ptrdiff_t n = 0; n <= 300; n++) {
                uint32_t seed = (uint32_t)rng();
                int64_t got = cur__crc32c_path(seed, buf + off, n, path);
                cr_assert_eq(got, (int64_t)ref_crc32c(seed, buf + off, n),
                             "path %d off %td len %td", path, off, n);
            }
        }
        cr_assert_eq(cur__crc32c_path(0, buf, 4096, path),
                     (int64_t)ref_crc32c(0, buf, 4096));
    }
    cr_assert_geq(paths_run, 1);
    cr_assert_eq(cur__crc32c_path(0, "x", 1, 7), -2);
}

Test(crc, incremental_equals_one_shot)
{
    static unsigned char buf[1000];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rng();
    uint32_t whole = cur_crc32c(0, buf, 1000);
    for (ptrdiff_t cut = 0; cut <= 1000; cut += 7) {
        uint32_t c = cur_crc32c(0, buf, cut);
        c = cur_crc32c(c, buf + cut, 1000 - cut);
        cr_assert_eq(c, whole, "cut at %td", cut);
    }
    /* Byte by byte, too. */
    uint32_t c = 0;
    for (int i = 0; i < 1000; i++) c = cur_crc32c(c, buf + i, 1);
    cr_assert_eq(c, whole);
}

Test(crc, detects_every_single_bit_flip)
{
    unsigned char buf[64];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)rng();
    uint32_t good = cur_crc32c(0, buf, 64);
    for (int bit = 0; bit < 64 * 8; bit++) {
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        cr_assert_neq(cur_crc32c(0, buf, 64), good, "bit %d", bit);
        buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
}

Test(crc, generated_table_is_the_definition)
{
    /* Row 0 is the CRC register after one byte; row k after k more zero
     * bytes: check every entry against the bitwise definition. */
    for (int b = 0; b < 256; b++) {
        uint32_t crc = (uint32_t)b;
        for (int row = 0; row < 8; row++) {
            for (int k = 0; k < 8; k++)
                crc = (crc & 1u) ? (crc >> 1) ^ CUR_CRC32C_POLY : crc >> 1;
            cr_assert_eq(cur__crc32c_table[row][b], crc, "[%d][%d]", row, b);
        }
    }
    cr_assert_eq(CUR__CRC32C_TABLE_POLY, CUR_CRC32C_POLY);
}

Test(crc, negative_length_panics, .signal = SIGABRT)
{
    (void)cur_crc32c(0, "abc", -1);
}

Test(crc, null_data_panics, .signal = SIGABRT)
{
    (void)cur_crc32c(0, NULL, 1);
}
