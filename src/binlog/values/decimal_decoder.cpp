#include "binlog/values/decimal_decoder.h"

#include <string>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {
namespace {

constexpr unsigned kDigitsPerGroup = 9;
constexpr size_t kDigToBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// Reads one group of `digits` digits stored in kDigToBytes[digits] bytes (already
// sign-corrected in `bytes`), appends its zero-padded digits. False when out of range.
bool put_group(const uint8_t* bytes, unsigned digits, char*& d) {
  size_t n = kDigToBytes[digits];
  uint64_t v = load_be(bytes, n);
  if (v >= kPow10[digits]) return false;
  auto x = static_cast<uint32_t>(v);
  for (unsigned i = digits; i > 0; --i) {
    d[i - 1] = static_cast<char>('0' + x % 10);
    x /= 10;
  }
  d += digits;
  return true;
}

}  // namespace

size_t decimal_binary_size(unsigned precision, unsigned scale) {
  unsigned intg = precision - scale;
  return (intg / kDigitsPerGroup) * 4 + kDigToBytes[intg % kDigitsPerGroup] +
         (scale / kDigitsPerGroup) * 4 + kDigToBytes[scale % kDigitsPerGroup];
}

core::Result<size_t> decode_decimal_text(const uint8_t* p, size_t avail, unsigned precision,
                                         unsigned scale, char* buf, size_t& text_len) {
  if (precision == 0 || precision > 65 || scale > precision) {
    return bad_cell("DECIMAL", "impossible precision/scale " + std::to_string(precision) + "," +
                                   std::to_string(scale));
  }
  size_t size = decimal_binary_size(precision, scale);
  if (avail < size) return short_cell("DECIMAL", size, avail);
  uint8_t bytes[32];  // 65 digits need at most 30 bytes
  bool negative = (p[0] & 0x80) == 0;
  uint8_t mask = negative ? 0xFF : 0x00;
  for (size_t i = 0; i < size; ++i) bytes[i] = p[i] ^ mask;
  bytes[0] ^= 0x80;

  char digits[kDecimalTextMax];
  char* d = digits;
  const uint8_t* b = bytes;
  unsigned intg = precision - scale;
  unsigned parts[4] = {intg % kDigitsPerGroup, intg / kDigitsPerGroup, scale / kDigitsPerGroup,
                       scale % kDigitsPerGroup};
  // Leading partial group, full integer groups, full fraction groups, trailing partial.
  for (int part = 0; part < 4; ++part) {
    unsigned groups = (part == 0 || part == 3) ? (parts[part] ? 1 : 0) : parts[part];
    unsigned width = (part == 0 || part == 3) ? parts[part] : kDigitsPerGroup;
    for (unsigned g = 0; g < groups; ++g) {
      if (!put_group(b, width, d)) return bad_cell("DECIMAL", "digit group out of range");
      b += kDigToBytes[width];
    }
  }
  // digits[0, intg) integer part, digits[intg, intg+scale) fraction.
  size_t first = 0;
  while (first < intg && digits[first] == '0') ++first;
  bool all_zero = first == intg;
  for (size_t i = intg; all_zero && i < intg + scale; ++i) all_zero = digits[i] == '0';
  char* o = buf;
  if (negative && !all_zero) *o++ = '-';
  if (first == intg) {
    *o++ = '0';
  } else {
    for (size_t i = first; i < intg; ++i) *o++ = digits[i];
  }
  if (scale > 0) {
    *o++ = '.';
    for (size_t i = intg; i < intg + scale; ++i) *o++ = digits[i];
  }
  text_len = static_cast<size_t>(o - buf);
  return size;
}

core::Result<size_t> decode_newdecimal(const ColumnDef& col, const uint8_t* p, size_t avail,
                                       core::Arena& arena, core::Value& out) {
  unsigned precision = col.meta >> 8;
  unsigned scale = col.meta & 0xFF;
  char buf[kDecimalTextMax];
  size_t len = 0;
  auto used = decode_decimal_text(p, avail, precision, scale, buf, len);
  if (!used) return used;
  out = core::Value::with_text(core::ValueKind::kDecimal, arena.copy({buf, len}));
  out.fsp = static_cast<uint8_t>(scale);
  return used;
}

}  // namespace sluice::binlog::values
