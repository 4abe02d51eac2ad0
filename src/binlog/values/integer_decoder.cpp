// Integer columns: little-endian two's complement of 1, 2, 3, 4 or 8 bytes; the column's
// signedness (TABLE_MAP optional metadata or schema) decides the kind. YEAR: one byte,
// 0 = zero year, else 1900 + n.

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {
namespace {

core::Result<size_t> decode_fixed_int(const ColumnDef& col, const uint8_t* p, size_t avail,
                                      core::Value& out, size_t n, std::string_view what) {
  if (avail < n) return short_cell(what, n, avail);
  uint64_t raw = load_le(p, n);
  if (col.is_unsigned) {
    out = core::Value::from_uint(raw);
  } else {
    unsigned shift = static_cast<unsigned>(64 - 8 * n);
    // Sign-extend through the top of a 64-bit word (well-defined since C++20).
    out = core::Value::from_int(static_cast<int64_t>(raw << shift) >> shift);
  }
  return n;
}

}  // namespace

core::Result<size_t> decode_tiny(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena&, core::Value& out) {
  return decode_fixed_int(col, p, avail, out, 1, "TINYINT");
}

core::Result<size_t> decode_short(const ColumnDef& col, const uint8_t* p, size_t avail,
                                  core::Arena&, core::Value& out) {
  return decode_fixed_int(col, p, avail, out, 2, "SMALLINT");
}

core::Result<size_t> decode_int24(const ColumnDef& col, const uint8_t* p, size_t avail,
                                  core::Arena&, core::Value& out) {
  return decode_fixed_int(col, p, avail, out, 3, "MEDIUMINT");
}

core::Result<size_t> decode_long(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena&, core::Value& out) {
  return decode_fixed_int(col, p, avail, out, 4, "INT");
}

core::Result<size_t> decode_longlong(const ColumnDef& col, const uint8_t* p, size_t avail,
                                     core::Arena&, core::Value& out) {
  return decode_fixed_int(col, p, avail, out, 8, "BIGINT");
}

core::Result<size_t> decode_year(const ColumnDef&, const uint8_t* p, size_t avail, core::Arena&,
                                 core::Value& out) {
  if (avail < 1) return short_cell("YEAR", 1, avail);
  out = core::Value::from_uint(p[0] == 0 ? 0 : 1900u + p[0]);
  out.kind = core::ValueKind::kYear;
  return 1;
}

}  // namespace sluice::binlog::values
