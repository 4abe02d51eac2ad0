#pragma once
/// CRC-32 (the IEEE polynomial of zlib and of binlog event checksums), fast: on x86-64 with
/// PCLMULQDQ the bulk is folded 64 bytes at a time with carry-less multiplication (Intel's
/// "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"); the tail and other
/// machines use zlib's crc32. Same results as zlib's crc32(0, p, n). Thread-safe.

#include <cstddef>
#include <cstdint>

namespace sluice::binlog {

/// zlib-compatible CRC-32 of `n` bytes, continuing from `crc` (0 to start).
uint32_t crc32_ieee(uint32_t crc, const uint8_t* p, size_t n);

}  // namespace sluice::binlog
