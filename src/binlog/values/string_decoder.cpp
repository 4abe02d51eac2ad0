// Character and binary strings. Row-image layout (MySQL Field_varstring/Field_string/
// Field_blob::pack): a little-endian length, then the bytes.
//   VARCHAR/VAR_STRING: 1-byte length when the max byte length (meta) < 256, else 2;
//   STRING (CHAR/BINARY): same rule; the server strips CHAR's trailing spaces and
//     BINARY's trailing 0x00 bytes, so BINARY(n) is re-padded with 0x00 to n bytes;
//   BLOB/TEXT family: meta (1..4) length bytes.
// Text is converted to UTF-8 by the collation's charset (core/charset.h); collation 63
// (binary) gives kBytes; a BLOB/TEXT of unknown collation kBytes flagged charset-unknown.

#include <cstring>

#include "binlog/values/cell_bytes.h"
#include "binlog/values/decoders.h"
#include "core/charset.h"
#include "core/json_writer.h"

namespace sluice::binlog::values {
namespace {

// Fills `out` with the payload as text or bytes. `blob` says whether an unknown collation
// may hold bytes: without metadata a BLOB and a TEXT look alike, so a blob of unknown
// collation is kept as its bytes, flagged charset-unknown (printed {"base64":...}), whether or
// not they happen to be valid UTF-8: the form then never depends on the value.
void set_payload(const ColumnDef& col, std::string_view payload, bool blob, core::Arena& arena,
                 core::Value& out) {
  core::Charset cs = core::charset_for_collation(col.collation);
  if (cs == core::Charset::kBinary) {
    out = core::Value::with_text(core::ValueKind::kBytes, payload);
    return;
  }
  if (cs == core::Charset::kUnknown && blob) {
    out = core::Value::with_text(core::ValueKind::kBytes, payload);
    out.flags = core::kValueFlagCharsetUnknown;
    return;
  }
  if (cs == core::Charset::kUnknown || cs == core::Charset::kUtf8mb4 || cs == core::Charset::kUtf8mb3) {
    // One UTF-8 check serves both questions (bytes or text? repair needed?): the common
    // valid case is not checked a second time by to_utf8.
    if (core::is_valid_utf8(payload)) {
      out = core::Value::with_text(core::ValueKind::kString, payload);
      return;
    }
  }
  out = core::Value::with_text(core::ValueKind::kString, core::to_utf8(cs, payload, arena));
}

}  // namespace

core::Result<size_t> decode_varchar(const ColumnDef& col, const uint8_t* p, size_t avail,
                                    core::Arena& arena, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("VARCHAR", col.meta < 256 ? 1 : 2, p, avail, len);
  if (!prefix) return prefix;
  if (len > col.meta && col.meta != 0) return bad_cell("VARCHAR", "length above the column's maximum");
  set_payload(col, {reinterpret_cast<const char*>(p + *prefix), len}, false, arena, out);
  return *prefix + len;
}

core::Result<size_t> decode_char(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena& arena, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("CHAR", col.meta < 256 ? 1 : 2, p, avail, len);
  if (!prefix) return prefix;
  if (len > col.meta && col.meta != 0) return bad_cell("CHAR", "length above the column's maximum");
  std::string_view payload(reinterpret_cast<const char*>(p + *prefix), len);
  if (col.collation == kBinaryCollation && len < col.meta) {
    char* padded = arena.allocate(col.meta);
    std::memcpy(padded, payload.data(), len);
    std::memset(padded + len, 0, col.meta - len);
    payload = std::string_view(padded, col.meta);
  }
  set_payload(col, payload, false, arena, out);
  return *prefix + len;
}

core::Result<size_t> decode_blob(const ColumnDef& col, const uint8_t* p, size_t avail,
                                 core::Arena& arena, core::Value& out) {
  size_t len = 0;
  auto prefix = read_length_prefix("BLOB", col.meta, p, avail, len);
  if (!prefix) return prefix;
  set_payload(col, {reinterpret_cast<const char*>(p + *prefix), len}, true, arena, out);
  return *prefix + len;
}

}  // namespace sluice::binlog::values
