// FLOAT and DOUBLE: IEEE 754 binary32 / binary64, little-endian, as the server stores them.

#include <bit>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {

core::Result<size_t> decode_float(const ColumnDef&, const uint8_t* p, size_t avail, core::Arena&,
                                  core::Value& out) {
  if (avail < 4) return short_cell("FLOAT", 4, avail);
  out = core::Value::from_float(std::bit_cast<float>(static_cast<uint32_t>(load_le(p, 4))));
  return 4;
}

core::Result<size_t> decode_double(const ColumnDef&, const uint8_t* p, size_t avail, core::Arena&,
                                   core::Value& out) {
  if (avail < 8) return short_cell("DOUBLE", 8, avail);
  out = core::Value::from_double(std::bit_cast<double>(load_le(p, 8)));
  return 8;
}

}  // namespace sluice::binlog::values
