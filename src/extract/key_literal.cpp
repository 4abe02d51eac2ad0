#include "extract/key_literal.h"

#include <string_view>

#include "core/value_format.h"

namespace sluice::extract {
namespace {

using nlohmann::ordered_json;
using schema::ColumnKind;

bool is_numeric(ColumnKind k) {
  switch (k) {
    case ColumnKind::kTinyInt:
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
    case ColumnKind::kDecimal:
    case ColumnKind::kFloat:
    case ColumnKind::kDouble:
    case ColumnKind::kYear:
    case ColumnKind::kBit:
      return true;
    default:
      return false;
  }
}

bool numeric_text(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) return false;
  }
  return true;
}

bool is_binary(const schema::ColumnSchema& c) {
  return c.kind == ColumnKind::kBinary || c.kind == ColumnKind::kVarbinary || c.kind == ColumnKind::kBlob ||
         c.charset == "binary";
}

core::Error bad_value(const schema::ColumnSchema& c, const ordered_json& v) {
  return core::Error{core::ErrorCode::kConfig, "bookmark value " + v.dump() + " does not fit column '" + c.name +
                                                   "' (" + c.column_type + "): fix or remove it from the state"};
}

std::string hex_literal(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "X'";
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  out.push_back('\'');
  return out;
}

// "2024-01-05T00:00:00.000000Z" -> "2024-01-05 00:00:00.000000" (DATE: the date part).
std::string temporal_text(const schema::ColumnSchema& c, std::string s) {
  if (s.size() >= 19 && s[10] == 'T') s[10] = ' ';
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  if (c.kind == ColumnKind::kDate && s.size() > 10) s.resize(10);
  return s;
}

}  // namespace

ordered_json bookmark_json(const schema::ColumnSchema& c, const core::Value& v) {
  if (v.is_null() || v.is_absent()) return nullptr;
  if (v.kind == core::ValueKind::kDecimal) return std::string(v.text);
  core::ValueFormat fmt;
  fmt.mode = core::ValueFormat::Mode::kSingerRecord;
  fmt.zero_dates = core::ValueFormat::ZeroDates::kString;
  fmt.as_boolean = c.is_boolean;
  std::string text;
  core::append_value_json(text, v, fmt);
  auto j = ordered_json::parse(text, nullptr, false);
  if (j.is_discarded()) return nullptr;
  return j;
}

core::Result<std::string> sql_literal(const schema::ColumnSchema& c, const ordered_json& v, mysql::Connection& conn) {
  if (v.is_boolean()) return std::string(v.get<bool>() ? "1" : "0");
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    if (!is_numeric(c.kind)) return conn.quote_string(v.dump());
    return v.dump();
  }
  if (!v.is_string()) return core::fail(bad_value(c, v));
  std::string s = v.get<std::string>();
  if (is_numeric(c.kind)) {
    if (!numeric_text(s)) return core::fail(bad_value(c, v));
    return s;
  }
  if (is_binary(c)) {
    std::string bytes;
    if (!base64_decode(s, bytes)) return core::fail(bad_value(c, v));
    return hex_literal(bytes);
  }
  if (c.kind == ColumnKind::kDate || c.kind == ColumnKind::kDateTime || c.kind == ColumnKind::kTimestamp) {
    s = temporal_text(c, std::move(s));
  }
  return conn.quote_string(s);
}

std::string key_predicate(const schema::TableSchema& table, std::span<const size_t> cols,
                          std::span<const std::string> literals, bool after) {
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i != 0) out += " OR ";
    out += '(';
    for (size_t j = 0; j < i; ++j) {
      out += mysql::Connection::quote_identifier(table.columns[cols[j]].name) + " = " + literals[j] + " AND ";
    }
    bool last = i + 1 == cols.size();
    const char* op = after ? " > " : (last ? " <= " : " < ");
    out += mysql::Connection::quote_identifier(table.columns[cols[i]].name) + op + literals[i];
    out += ')';
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 != 0) return false;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=' && i + 2 >= in.size()) { ++pad; continue; }
    else return false;
    if (pad) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace sluice::extract
