#include "sinks/postgres/postgres_types.h"

#include <cstring>

#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::sinks::pg {
namespace {

using core::ValueKind;
using schema::ColumnKind;

PgColumnType integer_type(const schema::ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt: return {"smallint", PgEncoding::kInteger};
    case ColumnKind::kSmallInt:
      return {c.is_unsigned ? "integer" : "smallint", PgEncoding::kInteger};
    case ColumnKind::kMediumInt: return {"integer", PgEncoding::kInteger};
    case ColumnKind::kInt: return {c.is_unsigned ? "bigint" : "integer", PgEncoding::kInteger};
    default: return {c.is_unsigned ? "numeric(20,0)" : "bigint", PgEncoding::kInteger};
  }
}

core::Status wrong_kind(PgEncoding e, const core::Value& v) {
  return core::fail(core::ErrorCode::kSchemaMismatch,
                    "a value of kind " + std::to_string(static_cast<int>(v.kind)) +
                        " does not fit PostgreSQL encoding " + std::to_string(static_cast<int>(e)));
}

void append_hex_bytea(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";  // COPY text unescapes "\\" to the "\" of bytea's hex form
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
}

core::Status append_temporal(std::string& out, PgEncoding e, const core::Value& v) {
  char buf[40];
  size_t n = 0;
  switch (e) {
    case PgEncoding::kDate:
      if (v.kind != ValueKind::kDate) return wrong_kind(e, v);
      if (core::is_zero_or_invalid_date(v.t)) { out += "\\N"; return core::ok(); }
      n = core::format_date(buf, v.t);
      break;
    case PgEncoding::kInterval:
      if (v.kind != ValueKind::kTime) return wrong_kind(e, v);
      n = core::format_time(buf, v.t, 6);
      break;
    case PgEncoding::kTimestamp:
      if (v.kind != ValueKind::kDateTime) return wrong_kind(e, v);
      if (core::is_zero_or_invalid_date(v.t)) { out += "\\N"; return core::ok(); }
      n = core::format_datetime(buf, v.t, 6);
      break;
    case PgEncoding::kTimestampTz:
      if (v.kind == ValueKind::kDateTime) {
        // A snapshot (SELECT in a UTC session) gives TIMESTAMP as its UTC fields.
        if (core::is_zero_or_invalid_date(v.t)) { out += "\\N"; return core::ok(); }
        n = core::format_datetime(buf, v.t, 6);
      } else if (v.kind == ValueKind::kTimestamp) {
        if (v.ts.seconds == 0 && v.ts.micro == 0) { out += "\\N"; return core::ok(); }
        n = core::format_datetime(buf, core::temporal_from_epoch(v.ts), 6);
      } else {
        return wrong_kind(e, v);
      }
      std::memcpy(buf + n, "+00", 3);
      n += 3;
      break;
    default:
      return wrong_kind(e, v);
  }
  out.append(buf, n);
  return core::ok();
}

core::Status append_text_like(std::string& out, PgEncoding e, const core::Value& v) {
  switch (v.kind) {
    case ValueKind::kString:
    case ValueKind::kJson:
    case ValueKind::kDecimal:
      return append_copy_text(out, v.text);
    case ValueKind::kBytes:
      if (e == PgEncoding::kJsonb) return wrong_kind(e, v);
      return append_copy_text(out, v.text);
    case ValueKind::kEnum:
    case ValueKind::kSet:
      if ((v.flags & core::kValueFlagLabels) == 0) {
        core::json_append_uint(out, v.u);
        return core::ok();
      }
      return append_copy_text(out, v.text);
    case ValueKind::kGeometry: {
      std::string wkt;
      if (!core::append_geometry_wkt(wkt, v.text)) {
        return core::fail(core::ErrorCode::kSchemaMismatch, "geometry bytes are not valid WKB");
      }
      return append_copy_text(out, wkt);
    }
    case ValueKind::kInt: core::json_append_int(out, v.i); return core::ok();
    case ValueKind::kUInt: core::json_append_uint(out, v.u); return core::ok();
    default: return wrong_kind(e, v);
  }
}

core::Status append_vector(std::string& out, const core::Value& v) {
  if (v.kind != ValueKind::kVector || v.text.size() % 4 != 0) return wrong_kind(PgEncoding::kRealArray, v);
  out.push_back('{');
  for (size_t i = 0; i < v.text.size(); i += 4) {
    float f;
    std::memcpy(&f, v.text.data() + i, 4);
    if (i > 0) out.push_back(',');
    core::json_append_float(out, f);
  }
  out.push_back('}');
  return core::ok();
}

}  // namespace

core::Result<PgColumnType> pg_column_type(const schema::ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt:
      if (c.is_boolean) return PgColumnType{"boolean", PgEncoding::kBoolean};
      [[fallthrough]];
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
      return integer_type(c);
    case ColumnKind::kDecimal:
      return PgColumnType{"numeric(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")",
                          PgEncoding::kNumeric};
    case ColumnKind::kFloat: return PgColumnType{"real", PgEncoding::kReal};
    case ColumnKind::kDouble: return PgColumnType{"double precision", PgEncoding::kDouble};
    case ColumnKind::kBit:
      if (c.precision <= 1) return PgColumnType{"boolean", PgEncoding::kBoolean};
      return PgColumnType{c.precision < 64 ? "bigint" : "numeric(20,0)", PgEncoding::kInteger};
    case ColumnKind::kYear: return PgColumnType{"smallint", PgEncoding::kInteger};
    case ColumnKind::kDate: return PgColumnType{"date", PgEncoding::kDate};
    case ColumnKind::kTime: return PgColumnType{"interval", PgEncoding::kInterval};
    case ColumnKind::kDateTime: return PgColumnType{"timestamp", PgEncoding::kTimestamp};
    case ColumnKind::kTimestamp: return PgColumnType{"timestamptz", PgEncoding::kTimestampTz};
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
    case ColumnKind::kBlob:
      return PgColumnType{"bytea", PgEncoding::kBytea};
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
    case ColumnKind::kText:
      if (c.charset == "binary") return PgColumnType{"bytea", PgEncoding::kBytea};
      return PgColumnType{"text", PgEncoding::kText};
    case ColumnKind::kJson: return PgColumnType{"jsonb", PgEncoding::kJsonb};
    case ColumnKind::kEnum:
    case ColumnKind::kSet:
    case ColumnKind::kGeometry:
    case ColumnKind::kInet4:
    case ColumnKind::kInet6:
    case ColumnKind::kUuid:
      return PgColumnType{"text", PgEncoding::kText};
    case ColumnKind::kVector: return PgColumnType{"real[]", PgEncoding::kRealArray};
    case ColumnKind::kUnknown: break;
  }
  return core::fail(core::ErrorCode::kUnsupported, "column '" + c.name + "' has type " + c.column_type +
                                                       ", which has no PostgreSQL mapping; deselect it");
}

core::Status append_copy_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0':
        return core::fail(core::ErrorCode::kSchemaMismatch,
                          "text holds a NUL character, which PostgreSQL text cannot store");
      default: out.push_back(c);
    }
  }
  return core::ok();
}

core::Status append_copy_value(std::string& out, PgEncoding e, const core::Value& v) {
  if (v.is_null()) {
    out += "\\N";
    return core::ok();
  }
  bool is_signed = v.kind == ValueKind::kInt;
  bool is_unsigned = v.kind == ValueKind::kUInt || v.kind == ValueKind::kBit || v.kind == ValueKind::kYear;
  switch (e) {
    case PgEncoding::kBoolean:
      if (!is_signed && !is_unsigned) return wrong_kind(e, v);
      out.push_back(v.u != 0 ? 't' : 'f');
      return core::ok();
    case PgEncoding::kInteger:
    case PgEncoding::kNumeric:
      if (is_signed) core::json_append_int(out, v.i);
      else if (is_unsigned) core::json_append_uint(out, v.u);
      else if (v.kind == ValueKind::kDecimal) out.append(v.text);
      else return wrong_kind(e, v);
      return core::ok();
    case PgEncoding::kReal:
    case PgEncoding::kDouble:
      if (v.kind == ValueKind::kFloat) core::json_append_float(out, v.f);
      else if (v.kind == ValueKind::kDouble) core::json_append_double(out, v.d);
      else return wrong_kind(e, v);
      return core::ok();
    case PgEncoding::kBytea:
      if (v.kind != ValueKind::kBytes && v.kind != ValueKind::kString) return wrong_kind(e, v);
      append_hex_bytea(out, v.text);
      return core::ok();
    case PgEncoding::kText:
    case PgEncoding::kJsonb:
      return append_text_like(out, e, v);
    case PgEncoding::kRealArray:
      return append_vector(out, v);
    default:
      return append_temporal(out, e, v);
  }
}

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string schema_name_for(std::string_view integration_name) {
  std::string out;
  if (integration_name.empty() || (integration_name[0] >= '0' && integration_name[0] <= '9')) out.push_back('_');
  for (char c : integration_name) {
    auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) == 0x80) continue;  // one '_' per non-ASCII character
    if (b >= 'A' && b <= 'Z') out.push_back(static_cast<char>(b - 'A' + 'a'));
    else if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_') out.push_back(c);
    else out.push_back('_');
  }
  // PostgreSQL reserves the pg_ prefix for its own schemas.
  if (out.starts_with("pg_")) out.insert(out.begin(), '_');
  return out;
}

}  // namespace sluice::sinks::pg
