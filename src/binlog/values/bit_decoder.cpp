// BIT(n): meta = (whole bytes << 8) | leftover bits; stored big-endian in
// bytes + (bits ? 1 : 0) bytes (MySQL Field_bit::pack).

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {

core::Result<size_t> decode_bit(const ColumnDef& col, const uint8_t* p, size_t avail, core::Arena&,
                                core::Value& out) {
  unsigned whole = col.meta >> 8;
  unsigned extra = col.meta & 0xFF;
  unsigned nbits = whole * 8 + extra;
  if (extra > 7 || nbits == 0 || nbits > 64) return bad_cell("BIT", "impossible width in TABLE_MAP");
  size_t n = whole + (extra ? 1 : 0);
  if (avail < n) return short_cell("BIT", n, avail);
  uint64_t v = load_be(p, n);
  if (nbits < 64) v &= (uint64_t{1} << nbits) - 1;
  out = core::Value::from_uint(v);
  out.kind = core::ValueKind::kBit;
  out.bits = static_cast<uint16_t>(nbits);
  return n;
}

}  // namespace sluice::binlog::values
