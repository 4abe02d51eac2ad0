#pragma once
/// Byte helpers shared by the value decoders: fixed-width little/big-endian loads and the
/// bounds checks that come before every read. Internal to binlog/values.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "binlog/values/column_def.h"
#include "core/result.h"

namespace sluice::binlog::values {

/// Unsigned little-endian integer of `n` (1..8) bytes.
inline uint64_t load_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

/// Unsigned big-endian integer of `n` (1..8) bytes.
inline uint64_t load_be(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

/// The kCorrupt error for a cell of `what` that needs `need` bytes where `avail` are left.
inline std::unexpected<core::Error> short_cell(std::string_view what, size_t need, size_t avail) {
  return core::fail(core::ErrorCode::kCorrupt,
                    std::string(what) + " cell needs " + std::to_string(need) + " bytes, " +
                        std::to_string(avail) + " left in the row image",
                    false, true);
}

/// The kCorrupt error for an impossible value of `what`.
inline std::unexpected<core::Error> bad_cell(std::string_view what, std::string_view why) {
  return core::fail(core::ErrorCode::kCorrupt, std::string(what) + " cell: " + std::string(why),
                    false, true);
}

/// Reads a `prefix_bytes` (1..4) little-endian length then checks the payload fits.
/// On success sets `len` and returns prefix_bytes (the payload starts at p + prefix).
inline core::Result<size_t> read_length_prefix(std::string_view what, size_t prefix_bytes,
                                               const uint8_t* p, size_t avail, size_t& len) {
  if (prefix_bytes < 1 || prefix_bytes > 4) {
    return core::fail(core::ErrorCode::kCorrupt,
                      std::string(what) + " column: length prefix of " +
                          std::to_string(prefix_bytes) + " bytes in TABLE_MAP metadata",
                      false, true);
  }
  if (avail < prefix_bytes) return short_cell(what, prefix_bytes, avail);
  len = static_cast<size_t>(load_le(p, prefix_bytes));
  if (avail - prefix_bytes < len) return short_cell(what, prefix_bytes + len, avail);
  return prefix_bytes;
}

}  // namespace sluice::binlog::values
