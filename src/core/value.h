#pragma once
/// The typed cell value every module speaks: decoded from a binlog row image or a
/// SELECT result, consumed by sinks. A Value is a small trivially-copyable struct;
/// variable-length payloads are views into the event buffer or an Arena (see arena.h),
/// so no heap allocation happens per cell. The JSON form of each kind is defined in
/// docs/types.md and produced by value_json.h.

#include <cstdint>
#include <string_view>

namespace sluice::core {

enum class ValueKind : uint8_t {
  kAbsent = 0,     ///< column not present in the row image (MINIMAL/NOBLOB); never a NULL
  kNull = 1,
  kInt = 2,        ///< signed integer types: i
  kUInt = 3,       ///< unsigned integer types: u
  kFloat = 4,      ///< FLOAT: f (kept as float so it prints as the server shows it)
  kDouble = 5,     ///< DOUBLE: d
  kDecimal = 6,    ///< DECIMAL: text = exact digits "-123.4500" (scale = digits after '.')
  kDate = 7,       ///< DATE: t (year, month, day); zero dates kept as zeros
  kTime = 8,       ///< TIME: t (negative, hour up to 838, micro); fsp
  kDateTime = 9,   ///< DATETIME: t; fsp
  kTimestamp = 10, ///< TIMESTAMP: ts (UTC seconds since epoch + micros); fsp; 0 = zero timestamp
  kYear = 11,      ///< YEAR: u (0 = zero year, else 1901..2155)
  kString = 12,    ///< character data converted to UTF-8: text
  kBytes = 13,     ///< BINARY/VARBINARY/BLOB: text holds raw bytes
  kJson = 14,      ///< JSON: text holds JSON text (already serialized)
  kBit = 15,       ///< BIT(n): u holds the bits, bits = n
  kEnum = 16,      ///< ENUM: u = 1-based index (0 = ''), text = label when known
  kSet = 17,       ///< SET: u = bitmask, text = comma-joined labels when known
  kGeometry = 18,  ///< GEOMETRY: text holds the server's bytes (4-byte SRID + WKB)
  kVector = 19,    ///< VECTOR: text holds little-endian float32 array
};

/// Broken-down temporal value. Kept as fields so zero dates and TIME beyond 24 h survive.
struct Temporal {
  int32_t year;
  uint8_t month;
  uint8_t day;
  uint8_t minute;
  uint8_t second;
  uint32_t hour;    ///< up to 838 for TIME
  uint32_t micro;   ///< 0..999999
  bool negative;    ///< TIME only
};

struct EpochTime {
  int64_t seconds;  ///< seconds since 1970-01-01 00:00:00 UTC
  uint32_t micro;
};

/// Value::flags: ENUM/SET text holds labels (else only the index/bitmask is known).
inline constexpr uint8_t kValueFlagLabels = 1;
/// Value::flags on a kJson value: `text` is not the document but the changes MySQL logged for
/// it (a PARTIAL_JSON update whose before image lacks the document, binlog_row_image=MINIMAL):
/// a JSON array of {"op": "replace"|"insert"|"remove", "path": "$...", "value": ...} applied in
/// order (docs/json-lines.md). The document itself is not known.
inline constexpr uint8_t kValueFlagJsonDiff = 2;
/// Value::flags on a kBytes value: the column's character set is unknown (a BLOB-family column
/// without binlog_row_metadata=FULL and without a schema history: a BLOB and a TEXT look
/// alike), so `text` holds the raw bytes of what may be text in any charset. JSON lines print
/// it as {"base64":"..."} (docs/json-lines.md), never as a plain string.
inline constexpr uint8_t kValueFlagCharsetUnknown = 4;

struct Value {
  ValueKind kind = ValueKind::kNull;
  uint8_t fsp = 0;    ///< fractional second digits (temporal) or scale (decimal)
  uint16_t bits = 0;  ///< BIT width
  uint8_t flags = 0;  ///< kValueFlag* bits (fits in padding; the struct does not grow)
  union {
    int64_t i;
    uint64_t u;
    float f;
    double d;
    Temporal t;
    EpochTime ts;
  };
  std::string_view text;  ///< payload for string-like kinds (see ValueKind)

  Value() : u(0) {}

  static Value absent() { Value v; v.kind = ValueKind::kAbsent; return v; }
  static Value null() { return Value(); }
  static Value from_int(int64_t x) { Value v; v.kind = ValueKind::kInt; v.i = x; return v; }
  static Value from_uint(uint64_t x) { Value v; v.kind = ValueKind::kUInt; v.u = x; return v; }
  static Value from_double(double x) { Value v; v.kind = ValueKind::kDouble; v.d = x; return v; }
  static Value from_float(float x) { Value v; v.kind = ValueKind::kFloat; v.f = x; return v; }
  static Value with_text(ValueKind k, std::string_view s) { Value v; v.kind = k; v.text = s; return v; }

  bool is_null() const { return kind == ValueKind::kNull; }
  bool is_absent() const { return kind == ValueKind::kAbsent; }
  bool is_json_diff() const { return kind == ValueKind::kJson && (flags & kValueFlagJsonDiff) != 0; }
  bool is_charset_unknown() const { return kind == ValueKind::kBytes && (flags & kValueFlagCharsetUnknown) != 0; }
};

}  // namespace sluice::core
