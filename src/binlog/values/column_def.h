#pragma once
/// What the decoder knows about one column of a table when decoding a row image:
/// built from a TABLE_MAP event (type, metadata, nullability), its optional metadata
/// (signedness, charsets, names, ENUM/SET values, geometry type), or the schema history.
/// Column value decoders (values/*.h) are chosen per ColumnDef once, when a TABLE_MAP is
/// compiled into a row layout, so row decoding walks a table of function pointers.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/arena.h"
#include "core/result.h"
#include "core/value.h"

namespace sluice::binlog {

/// Column type codes as written in TABLE_MAP (MySQL's enum_field_types).
enum class ColumnType : uint8_t {
  kDecimal = 0,  ///< old DECIMAL (pre-5.0), unsupported: error
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,  ///< old TIMESTAMP (4 bytes, no fraction)
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,      ///< old TIME (3 bytes)
  kDateTime = 12,  ///< old DATETIME (8 bytes packed decimal)
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,
  kVector = 242,
  kInvalid = 243,
  kBool = 244,
  kJson = 245,  ///< MySQL binary JSON (MariaDB's JSON is a LONGTEXT alias and arrives as kBlob)
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

/// Charset/collation id 63 is `binary`: the column holds bytes, not text.
inline constexpr uint16_t kBinaryCollation = 63;

/// The old TIME/DATETIME/TIMESTAMP codes: MySQL before 5.6, MariaDB with
/// mysql56_temporal_format=OFF (whose fractional digits only the schema knows).
inline bool is_old_temporal(ColumnType t) {
  return t == ColumnType::kTime || t == ColumnType::kDateTime || t == ColumnType::kTimestamp;
}

/// A type the binlog cannot name: MariaDB's INET6 and UUID arrive as kString with the binary
/// charset (16 bytes); schema history or metadata sets this so they decode to their text.
enum class ExtendedType : uint8_t {
  kNone = 0,
  kInet6 = 1,     ///< MariaDB INET6: 16 bytes, network order
  kUuid = 2,      ///< MariaDB UUID: 16 bytes in MariaDB's storage order
  kJsonText = 3,  ///< MariaDB JSON: a LONGTEXT alias (a BLOB in the TABLE_MAP) holding JSON text
};

struct ColumnDef {
  /// The real type. The TABLE_MAP parser resolves kString whose metadata says ENUM or SET
  /// into kEnum / kSet, so decoders never look at that packing.
  ColumnType type = ColumnType::kNull;
  /// Normalised TABLE_MAP metadata, by type:
  ///  kFloat/kDouble: pack length (4/8); kVarchar/kVarString: max byte length;
  ///  kString: max byte length (real type and high bits already folded in);
  ///  kEnum/kSet: pack length in bytes (ENUM 1..2, SET 1..8);
  ///  kNewDecimal: (precision << 8) | scale; kBit: (bytes << 8) | extra bits, i.e. meta as written;
  ///  kTimestamp2/kDateTime2/kTime2: fsp 0..6; blobs, kGeometry, kJson, kVector: length-prefix size 1..4;
  ///  kTimestamp/kDateTime/kTime: 0 from the TABLE_MAP, which never carries it; the fsp 0..6
  ///  from the schema history (a MariaDB column in its pre-10.1 fractional format).
  uint16_t meta = 0;
  bool is_unsigned = false;
  bool nullable = true;
  uint16_t collation = 0;  ///< 0 = unknown (treated as utf8mb4 for text types)
  uint8_t geometry_type = 0;
  std::string name;  ///< empty when unknown ("@N" is used in output)
  std::vector<std::string> enum_values;  ///< ENUM labels or SET members, when known
  ExtendedType extended_type = ExtendedType::kNone;  ///< set only for MariaDB INET6/UUID/JSON
};

/// Decodes one non-NULL cell of `col` from `p` (at most `avail` bytes), writing `out`.
/// Variable-length payloads are views into the input (when already in final form) or
/// copies into `arena` (after conversion). Returns the number of bytes consumed.
/// Never reads past `avail`; impossible lengths give ErrorCode::kCorrupt.
using CellDecoder = core::Result<size_t> (*)(const ColumnDef& col, const uint8_t* p, size_t avail,
                                              core::Arena& arena, core::Value& out);

/// The decoder for `col`, or an error naming the type when it is unsupported.
core::Result<CellDecoder> decoder_for(const ColumnDef& col);

}  // namespace sluice::binlog
