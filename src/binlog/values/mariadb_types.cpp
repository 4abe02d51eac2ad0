// MariaDB INET6 and UUID (plugin types; the binlog shows them as BINARY(16) in a kString
// column, so ColumnDef::extended_type must say what they are).
//   INET6: 16 bytes in network order; text as inet_ntop prints it (RFC 5952, "::ffff:1.2.3.4").
//   UUID: text llllllll-mmmm-Vhhh-vsss-nnnnnnnnnnnn. MariaDB stores RFC 4122 UUIDs of versions
//   1..5 (variant bit set) with the five groups in reverse order (nnnnnnnnnnnn vsss Vhhh mmmm
//   llllllll, bytes inside each group unchanged); since 10.10.6/10.11.5 other versions are
//   stored as is. The record form tells the two apart: when swapped, byte 6 is the variant
//   byte (high bit set) and byte 8 holds version 1..5.

#include <arpa/inet.h>

#include <cstring>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"

namespace sluice::binlog::values {
namespace {

constexpr size_t kSize = 16;

core::Result<size_t> fixed16(std::string_view what, const uint8_t* p, size_t avail,
                             const uint8_t*& data) {
  // The row image holds a CHAR-style 1-byte length; trailing 0x00 bytes may be stripped.
  if (avail < 1) return short_cell(what, 1, avail);
  size_t len = p[0];
  if (len > kSize) return bad_cell(what, "longer than 16 bytes");
  if (avail - 1 < len) return short_cell(what, 1 + len, avail);
  data = p + 1;
  return 1 + len;
}

}  // namespace

core::Result<size_t> decode_inet6(const ColumnDef&, const uint8_t* p, size_t avail,
                                  core::Arena& arena, core::Value& out) {
  const uint8_t* data = nullptr;
  auto used = fixed16("INET6", p, avail, data);
  if (!used) return used;
  uint8_t addr[kSize] = {};
  std::memcpy(addr, data, *used - 1);
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, addr, buf, sizeof buf) == nullptr) return bad_cell("INET6", "unprintable");
  out = core::Value::with_text(core::ValueKind::kString, arena.copy(buf));
  return used;
}

core::Result<size_t> decode_uuid(const ColumnDef&, const uint8_t* p, size_t avail,
                                 core::Arena& arena, core::Value& out) {
  const uint8_t* data = nullptr;
  auto used = fixed16("UUID", p, avail, data);
  if (!used) return used;
  uint8_t rec[kSize] = {};
  std::memcpy(rec, data, *used - 1);
  uint8_t u[kSize];
  unsigned version_in_8 = rec[8] >> 4;
  bool swapped = (rec[6] & 0x80) != 0 && version_in_8 >= 1 && version_in_8 <= 5;
  if (swapped) {
    // record: n(0..5) vsss(6..7) Vhhh(8..9) mmmm(10..11) llllllll(12..15)
    std::memcpy(u + 0, rec + 12, 4);
    std::memcpy(u + 4, rec + 10, 2);
    std::memcpy(u + 6, rec + 8, 2);
    std::memcpy(u + 8, rec + 6, 2);
    std::memcpy(u + 10, rec + 0, 6);
  } else {
    std::memcpy(u, rec, kSize);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  char* text = arena.allocate(36);
  char* d = text;
  for (size_t i = 0; i < kSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *d++ = '-';
    *d++ = kHex[u[i] >> 4];
    *d++ = kHex[u[i] & 15];
  }
  out = core::Value::with_text(core::ValueKind::kString, std::string_view(text, 36));
  return used;
}

}  // namespace sluice::binlog::values
