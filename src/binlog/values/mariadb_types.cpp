// MariaDB INET6 and UUID (plugin types; the binlog shows them as BINARY(16) in a kString
// column, so ColumnDef::extended_type must say what they are).
//   INET6: 16 bytes in network order; text as inet_ntop prints it (RFC 5952, "::ffff:1.2.3.4").
//   UUID: 16 bytes in text order (llllllll-mmmm-Vhhh-vsss-nnnnnnnnnnnn). MariaDB *stores*
//   UUIDv1..5 with the groups reversed for index order, but its row images carry the
//   text-order bytes (captured from MariaDB 10.11: '123e4567-e89b-12d3-...' is logged as
//   0e 12 3e 45 67 e8 9b 12 d3 a4 56 42 66 55 44, trailing zeros stripped like BINARY).

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
  const uint8_t* u = rec;
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

core::Result<size_t> decode_json_text(const ColumnDef& col, const uint8_t* p, size_t avail,
                                      core::Arena& arena, core::Value& out) {
  auto used = decode_blob(col, p, avail, arena, out);
  if (used && out.kind == core::ValueKind::kString) out.kind = core::ValueKind::kJson;
  return used;
}

}  // namespace sluice::binlog::values
