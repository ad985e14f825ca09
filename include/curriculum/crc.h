/*
 * curriculum/crc.h: CRC-32C (Castagnoli), the checksum of iSCSI, SCTP,
 * ext4 and Btrfs metadata, here for the records of the outbox log (a later
 * module) and anyone else who needs to detect corrupted bytes.
 *
 * CRC-32C detects every burst error up to 32 bits and all 1-, 2- and 3-bit
 * errors in records of practical size. It is not a cryptographic hash: it
 * does not resist deliberate tampering.
 *
 * Two implementations behind one function, chosen at run time: the SSE4.2
 * CRC32 instruction on x86-64 CPUs that have it (8 bytes per instruction),
 * and otherwise slicing-by-8 over tables that tools/gen_tables.c computes
 * at build time (lesson adv-3.1). Both give the same result.
 *
 * Thread safety: cur_crc32c is a pure function of its arguments; any number
 * of threads may call it at once. Nothing here allocates.
 */
#ifndef CURRICULUM_CRC_H
#define CURRICULUM_CRC_H

#include "core.h"

/* The polynomial 0x1EDC6F41 in the reflected (LSB-first) form used here. */
#define CUR_CRC32C_POLY 0x82F63B78u

/*
 * cur_crc32c: the CRC-32C of data[0..len), continuing from crc, the value
 * a previous call returned (0 to start): initial value and final XOR are
 * 0xFFFFFFFF, input and output reflected (the "CRC-32C" entry of the CRC
 * catalogue, whose check value cur_crc32c(0, "123456789", 9) is
 * 0xE3069283). Feeding the data in pieces gives the same value as feeding
 * it at once:
 *
 *     uint32_t c = cur_crc32c(0, head, head_len);
 *     c = cur_crc32c(c, body, body_len);   == cur_crc32c(0, head+body, ...)
 *
 * This is the zlib crc32() convention and Rust's crc32c::crc32c_append.
 * len == 0 returns crc unchanged. len < 0, or data NULL with len > 0, is a
 * contract violation and panics. Reads data[0..len) only.
 */
CUR_API uint32_t cur_crc32c(uint32_t crc, const void *data, ptrdiff_t len);

#endif /* CURRICULUM_CRC_H */
