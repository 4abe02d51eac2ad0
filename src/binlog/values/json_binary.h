#pragma once
/// MySQL's binary JSON (sql-common/json_binary.h in MySQL 8/9) to compact JSON text.
///
/// A document is a type byte and a value. Types: 0x00/0x01 small/large object,
/// 0x02/0x03 small/large array, 0x04 literal (0 null, 1 true, 2 false), 0x05 int16,
/// 0x06 uint16, 0x07 int32, 0x08 uint32, 0x09 int64, 0x0A uint64, 0x0B double,
/// 0x0C string, 0x0F opaque (MySQL field type byte + data). All integers little-endian.
/// Containers: element count and byte size (2 bytes each when small, 4 when large), then
/// for objects key entries (offset, uint16 length), then value entries (type byte, offset
/// or inlined value: literals/int16/uint16, and int32/uint32 in large containers), then
/// keys and values. Offsets count from the byte after the container's type byte. Strings
/// and opaque data have a variable-length length: 7 bits per byte, low bits first, high
/// bit = more bytes follow (at most 5 bytes).
/// Rendering (docs/types.md): integers exact, doubles as MySQL's own JSON text prints them
/// (core::json_append_double_mysql: "100.0", "1e300", the same text SELECT gives), opaque DECIMAL
/// as "12.50", DATE "YYYY-MM-DD", TIME "HH:MM:SS.ffffff", DATETIME/TIMESTAMP
/// "YYYY-MM-DD HH:MM:SS.ffffff", any other opaque value as "base64:type<N>:<base64>".

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::binlog::values {

/// Nesting deeper than this is rejected (MySQL itself stops at 100).
inline constexpr int kJsonMaxDepth = 128;

/// Appends the JSON text of the binary document `doc` to `out`. An empty `doc` is JSON
/// null (MySQL writes a zero-length JSON column for it). Every offset and length is
/// checked against `doc`; corrupt bytes give kCorrupt and leave `out` at its old length.
core::Status json_binary_to_text(std::string_view doc, std::string& out);

/// Appends the JSON text of one binary value of type `type` whose bytes are `data`
/// (the body after the type byte), e.g. the value of a PARTIAL_JSON diff.
core::Status json_binary_value_to_text(uint8_t type, std::string_view data, std::string& out);

}  // namespace sluice::binlog::values
