#include "schema/json_schema.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace sluice::schema {
namespace {

using Json = nlohmann::ordered_json;

Json nullable(std::string_view type) { return Json::array({"null", type}); }

// 10^-scale as the closest double, written like the tap does (1, 0.01, 1e-06).
Json multiple_of(uint32_t scale) {
  if (scale == 0) return 1;
  std::string text = "1e-" + std::to_string(scale);
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

void integer_range(Json& s, unsigned bits, bool is_unsigned) {
  if (is_unsigned) {
    s["minimum"] = 0;
    s["maximum"] = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  } else {
    s["minimum"] = bits == 64 ? INT64_MIN : -(int64_t{1} << (bits - 1));
    s["maximum"] = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  }
  s["type"] = nullable("integer");
}

void string_with_length(Json& s, const ColumnSchema& c) {
  if (c.max_length) s["maxLength"] = *c.max_length;
  s["type"] = nullable("string");
}

void integer_schema(Json& s, const ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt:
      if (c.is_boolean) {
        s["type"] = nullable("boolean");
        return;
      }
      return integer_range(s, 8, c.is_unsigned);
    case ColumnKind::kSmallInt: return integer_range(s, 16, c.is_unsigned);
    case ColumnKind::kMediumInt: return integer_range(s, 24, c.is_unsigned);
    case ColumnKind::kInt: return integer_range(s, 32, c.is_unsigned);
    case ColumnKind::kBigInt: return integer_range(s, 64, c.is_unsigned);
    case ColumnKind::kBit:
      // BIT(1) is a boolean like the tap; a wider BIT is the unsigned value of its bits.
      if (c.precision <= 1) {
        s["type"] = nullable("boolean");
        return;
      }
      return integer_range(s, c.precision > 64 ? 64 : c.precision, true);
    case ColumnKind::kYear:
      s["minimum"] = 0;  // the zero year; others are 1901..2155
      s["maximum"] = 2155;
      s["type"] = nullable("integer");
      return;
    default:
      return;
  }
}

void text_schema(Json& s, const ColumnSchema& c);

// Exact and approximate numbers, temporal types; integers and the rest elsewhere.
void other_schema(Json& s, const ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kDecimal:
      s["multipleOf"] = multiple_of(c.scale);
      s["type"] = nullable("number");
      return;
    case ColumnKind::kFloat:
    case ColumnKind::kDouble:
      s["type"] = nullable("number");
      return;
    case ColumnKind::kDate:
    case ColumnKind::kDateTime:
    case ColumnKind::kTimestamp:
      s["format"] = "date-time";
      s["type"] = nullable("string");
      return;
    case ColumnKind::kTime:
      // "-838:59:59" is no RFC 3339 time: a plain string (the tap says date-time and shifts it).
      s["type"] = nullable("string");
      return;
    default:
      return text_schema(s, c);
  }
}

// Character, byte, JSON, spatial, vector and MariaDB address types.
void text_schema(Json& s, const ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
    case ColumnKind::kText:
    case ColumnKind::kEnum:
    case ColumnKind::kSet:
      return string_with_length(s, c);
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
    case ColumnKind::kBlob:
      s["contentEncoding"] = "base64";
      s["type"] = nullable("string");
      return;
    case ColumnKind::kJson:
      s["type"] = Json::array({"null", "object", "array", "string", "number", "boolean"});
      return;
    case ColumnKind::kGeometry:  // WKT text
      s["type"] = nullable("string");
      return;
    case ColumnKind::kVector:
      s["type"] = nullable("array");
      s["items"] = Json{{"type", "number"}};
      return;
    case ColumnKind::kInet4:
      s["format"] = "ipv4";
      s["type"] = nullable("string");
      return;
    case ColumnKind::kInet6:
      s["format"] = "ipv6";
      s["type"] = nullable("string");
      return;
    case ColumnKind::kUuid:
      s["maxLength"] = 36;
      s["type"] = nullable("string");
      return;
    default:
      return integer_schema(s, c);
  }
}

}  // namespace

std::string_view inclusion_name(Inclusion inclusion) {
  switch (inclusion) {
    case Inclusion::kAutomatic: return "automatic";
    case Inclusion::kAvailable: return "available";
    case Inclusion::kUnsupported: return "unsupported";
  }
  return "available";
}

Inclusion column_inclusion(const ColumnSchema& column, bool is_key) {
  if (column.kind == ColumnKind::kUnknown) return Inclusion::kUnsupported;
  return is_key ? Inclusion::kAutomatic : Inclusion::kAvailable;
}

nlohmann::ordered_json column_json_schema(const ColumnSchema& column, bool is_key, bool tap_forms) {
  Json s = Json::object();
  Inclusion inclusion = column_inclusion(column, is_key);
  s["inclusion"] = inclusion_name(inclusion);
  if (inclusion == Inclusion::kUnsupported) {
    s["description"] = "Unsupported column type " + column.column_type;
    return s;
  }
  if (tap_forms && column.kind == ColumnKind::kJson) {
    string_with_length(s, column);
  } else if (tap_forms && column.kind == ColumnKind::kTime) {
    s["format"] = "date-time";
    s["type"] = nullable("string");
  } else {
    other_schema(s, column);
  }
  return s;
}

}  // namespace sluice::schema
