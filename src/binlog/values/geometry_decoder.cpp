// GEOMETRY: a length prefix (meta bytes, 4 in practice), then MySQL's internal form: a
// 4-byte little-endian SRID and WKB. Kept as bytes (sinks that write back to MySQL need
// them); core::append_geometry_wkt renders WKT.
// VECTOR (MySQL 9): a length prefix, then little-endian float32 values.

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {

core::Result<size_t> decode_geometry(const ColumnDef& col, const uint8_t* p, size_t avail,
                                     core::Arena&, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("GEOMETRY", col.meta, p, avail, len);
  if (!prefix) return prefix;
  if (len != 0 && len < 4 + 5) return bad_cell("GEOMETRY", "shorter than an SRID and a WKB header");
  out = core::Value::with_text(core::ValueKind::kGeometry,
                               {reinterpret_cast<const char*>(p + *prefix), len});
  return *prefix + len;
}

core::Result<size_t> decode_vector(const ColumnDef& col, const uint8_t* p, size_t avail,
                                   core::Arena&, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("VECTOR", col.meta, p, avail, len);
  if (!prefix) return prefix;
  if (len % 4 != 0) return bad_cell("VECTOR", "length not a multiple of 4");
  out = core::Value::with_text(core::ValueKind::kVector,
                               {reinterpret_cast<const char*>(p + *prefix), len});
  return *prefix + len;
}

}  // namespace sluice::binlog::values
