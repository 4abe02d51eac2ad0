// ENUM: 1- or 2-byte little-endian 1-based index (0 = the '' error value).
// SET: 1..8-byte little-endian bitmask, bit i = member i. meta is the byte count.
// Labels come from ColumnDef::enum_values when known (binlog_row_metadata=FULL or schema).

#include <cstring>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {

core::Result<size_t> decode_enum(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena& arena, core::Value& out) {
  size_t n = col.meta;
  if (n < 1 || n > 2) return bad_cell("ENUM", "pack length not 1 or 2 in TABLE_MAP");
  if (avail < n) return short_cell("ENUM", n, avail);
  uint64_t index = load_le(p, n);
  out = core::Value::from_uint(index);
  out.kind = core::ValueKind::kEnum;
  if (!col.enum_values.empty() && index <= col.enum_values.size()) {
    out.text = index == 0 ? std::string_view() : arena.copy(col.enum_values[index - 1]);
    out.flags = core::kValueFlagLabels;
  }
  return n;
}

core::Result<size_t> decode_set(const ColumnDef& col, const uint8_t* p, size_t avail,
                                core::Arena& arena, core::Value& out) {
  size_t n = col.meta;
  if (n < 1 || n > 8) return bad_cell("SET", "pack length not 1..8 in TABLE_MAP");
  if (avail < n) return short_cell("SET", n, avail);
  uint64_t mask = load_le(p, n);
  out = core::Value::from_uint(mask);
  out.kind = core::ValueKind::kSet;
  size_t members = col.enum_values.size();
  if (members == 0 || (members < 64 && (mask >> members) != 0)) return n;  // labels unknown
  size_t len = 0;
  for (size_t i = 0; i < members && i < 64; ++i) {
    if (mask & (uint64_t{1} << i)) len += col.enum_values[i].size() + 1;
  }
  char* buf = arena.allocate(len);
  char* d = buf;
  for (size_t i = 0; i < members && i < 64; ++i) {
    if (!(mask & (uint64_t{1} << i))) continue;
    if (d != buf) *d++ = ',';
    std::memcpy(d, col.enum_values[i].data(), col.enum_values[i].size());
    d += col.enum_values[i].size();
  }
  out.text = std::string_view(buf, static_cast<size_t>(d - buf));
  out.flags = core::kValueFlagLabels;
  return n;
}

}  // namespace sluice::binlog::values
