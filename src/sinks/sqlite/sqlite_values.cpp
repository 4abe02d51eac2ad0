#include "sinks/sqlite/sqlite_values.h"

#include <charconv>
#include <cstdint>
#include <limits>

#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::sinks::sqlite {
namespace {

using core::ValueKind;
using schema::ColumnKind;

int bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

int bind_unsigned(sqlite3_stmt* stmt, int index, uint64_t u, std::string& scratch) {
  if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(u));
  }
  scratch.clear();
  core::json_append_uint(scratch, u);
  return bind_text(stmt, index, scratch);
}

/// The JSON-lines string form of `v` without its quotes (dates, times, WKT need no escaping).
int bind_json_string_form(sqlite3_stmt* stmt, int index, const core::Value& v, std::string& scratch) {
  scratch.clear();
  core::append_value_json(scratch, v, core::ValueFormat{});
  std::string_view text = scratch;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return bind_text(stmt, index, text);
}

int bind_float(sqlite3_stmt* stmt, int index, float f) {
  // Through the float's shortest decimal: FLOAT 1.1 is stored as the double 1.1.
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  double d = static_cast<double>(f);
  if (ec == std::errc()) std::from_chars(buf, end, d);
  return sqlite3_bind_double(stmt, index, d);
}

}  // namespace

std::string_view declared_type(const schema::ColumnSchema& c) {
  switch (c.kind) {
    case ColumnKind::kTinyInt:
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kYear:
      return "INTEGER";
    case ColumnKind::kBigInt:
      return c.is_unsigned ? "" : "INTEGER";
    case ColumnKind::kBit:
      return c.precision >= 64 ? "" : "INTEGER";
    case ColumnKind::kFloat:
    case ColumnKind::kDouble:
      return "REAL";
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
    case ColumnKind::kBlob:
      return "BLOB";
    case ColumnKind::kUnknown:
      return "";
    default:
      return "TEXT";
  }
}

int bind_value(sqlite3_stmt* stmt, int index, const core::Value& v, std::string& scratch) {
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return sqlite3_bind_null(stmt, index);
    case ValueKind::kInt:
      return sqlite3_bind_int64(stmt, index, v.i);
    case ValueKind::kUInt:
    case ValueKind::kYear:
    case ValueKind::kBit:
      return bind_unsigned(stmt, index, v.u, scratch);
    case ValueKind::kFloat:
      return bind_float(stmt, index, v.f);
    case ValueKind::kDouble:
      return sqlite3_bind_double(stmt, index, v.d);
    case ValueKind::kJson:
      if (v.text.empty()) return sqlite3_bind_null(stmt, index);
      return bind_text(stmt, index, v.text);
    case ValueKind::kDecimal:
    case ValueKind::kString:
      return bind_text(stmt, index, v.text);
    case ValueKind::kBytes:
      return sqlite3_bind_blob64(stmt, index, v.text.data(), v.text.size(), SQLITE_STATIC);
    case ValueKind::kEnum:
    case ValueKind::kSet:
      if (v.flags & core::kValueFlagLabels) return bind_text(stmt, index, v.text);
      return bind_unsigned(stmt, index, v.u, scratch);
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
    case ValueKind::kGeometry:
      return bind_json_string_form(stmt, index, v, scratch);
    case ValueKind::kVector:
      scratch.clear();
      core::append_vector_json(scratch, v.text);
      return bind_text(stmt, index, scratch);
  }
  return sqlite3_bind_null(stmt, index);
}

}  // namespace sluice::sinks::sqlite
