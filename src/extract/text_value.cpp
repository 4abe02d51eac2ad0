#include "extract/text_value.h"

#include <charconv>
#include <string>

namespace sluice::extract {
namespace {

using core::Value;
using core::ValueKind;
using schema::ColumnKind;

template <typename T>
bool parse_number(std::string_view s, T& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Reads exactly `n` digits at `s[pos]`.
bool digits(std::string_view s, size_t pos, size_t n, uint32_t& out) {
  if (pos + n > s.size()) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  out = v;
  return true;
}

// ".ffffff" (1..6 digits) at s[pos..]: micro-seconds scaled to 6 digits.
bool fraction(std::string_view s, size_t pos, uint32_t& micro) {
  micro = 0;
  if (pos == s.size()) return true;
  if (s[pos] != '.') return false;
  size_t n = s.size() - pos - 1;
  if (n == 0 || n > 6) return false;
  uint32_t v = 0;
  if (!digits(s, pos + 1, n, v)) return false;
  for (size_t i = n; i < 6; ++i) v *= 10;
  micro = v;
  return true;
}

core::Error bad_cell(const schema::ColumnSchema& c, std::string_view cell) {
  std::string shown(cell.substr(0, 40));
  return core::Error{core::ErrorCode::kCorrupt,
                     "column '" + c.name + "' (" + c.column_type + "): unexpected value '" + shown + "' from the server"};
}

core::Result<Value> integer_value(const schema::ColumnSchema& c, std::string_view s) {
  Value v;
  if (c.is_unsigned) {
    v.kind = ValueKind::kUInt;
    if (!parse_number(s, v.u)) return core::fail(bad_cell(c, s));
  } else {
    v.kind = ValueKind::kInt;
    if (!parse_number(s, v.i)) return core::fail(bad_cell(c, s));
  }
  return v;
}

core::Result<Value> temporal_value(const schema::ColumnSchema& c, std::string_view s) {
  Value v;
  v.fsp = c.fsp;
  v.t = core::Temporal{};
  bool ok = false;
  if (c.kind == ColumnKind::kTime) {
    v.kind = ValueKind::kTime;
    ok = parse_time_text(s, v.t);
  } else {
    // TIMESTAMP text is UTC (the session's time_zone is '+00:00'): kept as its fields.
    v.kind = c.kind == ColumnKind::kDate ? ValueKind::kDate : ValueKind::kDateTime;
    ok = parse_datetime_text(s, v.t);
  }
  if (!ok) return core::fail(bad_cell(c, s));
  return v;
}

// BIT(n) arrives as ceil(n/8) big-endian bytes.
core::Result<Value> bit_value(const schema::ColumnSchema& c, std::string_view s) {
  if (s.size() > 8) return core::fail(bad_cell(c, "(more than 8 bytes)"));
  Value v;
  v.kind = ValueKind::kBit;
  v.bits = static_cast<uint16_t>(c.precision == 0 ? 1 : c.precision);
  uint64_t u = 0;
  for (char ch : s) u = (u << 8) | static_cast<uint8_t>(ch);
  v.u = u;
  return v;
}

}  // namespace

bool parse_time_text(std::string_view s, core::Temporal& out) {
  out = core::Temporal{};
  size_t pos = 0;
  if (!s.empty() && s[0] == '-') {
    out.negative = true;
    pos = 1;
  }
  size_t colon = s.find(':', pos);
  if (colon == std::string_view::npos || colon == pos || colon - pos > 4) return false;
  uint32_t h = 0, m = 0, sec = 0;
  if (!digits(s, pos, colon - pos, h) || colon + 6 > s.size() || s[colon + 3] != ':') return false;
  if (!digits(s, colon + 1, 2, m) || !digits(s, colon + 4, 2, sec)) return false;
  out.hour = h;
  out.minute = static_cast<uint8_t>(m);
  out.second = static_cast<uint8_t>(sec);
  return fraction(s, colon + 6, out.micro);
}

bool parse_datetime_text(std::string_view s, core::Temporal& out) {
  out = core::Temporal{};
  uint32_t y = 0, mo = 0, d = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return false;
  }
  out.year = static_cast<int32_t>(y);
  out.month = static_cast<uint8_t>(mo);
  out.day = static_cast<uint8_t>(d);
  if (s.size() == 10) return true;
  uint32_t h = 0, mi = 0, sec = 0;
  if (s.size() < 19 || (s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return false;
  }
  out.hour = h;
  out.minute = static_cast<uint8_t>(mi);
  out.second = static_cast<uint8_t>(sec);
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
  return fraction(rest, 0, out.micro);
}

core::Result<Value> value_from_text(const schema::ColumnSchema& c, std::optional<std::string_view> cell) {
  if (!cell) return Value::null();
  std::string_view s = *cell;
  switch (c.kind) {
    case ColumnKind::kTinyInt:
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
      return integer_value(c, s);
    case ColumnKind::kYear: {
      Value v;
      v.kind = ValueKind::kYear;
      if (!parse_number(s, v.u)) return core::fail(bad_cell(c, s));
      return v;
    }
    case ColumnKind::kDecimal: {
      Value v = Value::with_text(ValueKind::kDecimal, s);
      v.fsp = static_cast<uint8_t>(c.scale);
      return v;
    }
    case ColumnKind::kFloat: {
      float f = 0;
      if (!parse_number(s, f)) return core::fail(bad_cell(c, s));
      return Value::from_float(f);
    }
    case ColumnKind::kDouble: {
      double d = 0;
      if (!parse_number(s, d)) return core::fail(bad_cell(c, s));
      return Value::from_double(d);
    }
    case ColumnKind::kDate:
    case ColumnKind::kTime:
    case ColumnKind::kDateTime:
    case ColumnKind::kTimestamp:
      return temporal_value(c, s);
    case ColumnKind::kBit:
      return bit_value(c, s);
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
    case ColumnKind::kBlob:
      return Value::with_text(ValueKind::kBytes, s);
    case ColumnKind::kJson:
      return Value::with_text(ValueKind::kJson, s);
    case ColumnKind::kGeometry:
      return Value::with_text(ValueKind::kGeometry, s);
    case ColumnKind::kVector:
      return Value::with_text(ValueKind::kVector, s);
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
    case ColumnKind::kText:
      if (c.charset == "binary") return Value::with_text(ValueKind::kBytes, s);
      return Value::with_text(ValueKind::kString, s);
    case ColumnKind::kEnum:
    case ColumnKind::kSet:
    case ColumnKind::kInet4:
    case ColumnKind::kInet6:
    case ColumnKind::kUuid:
      return Value::with_text(ValueKind::kString, s);
    case ColumnKind::kUnknown:
      break;
  }
  return core::fail(core::ErrorCode::kUnsupported, "column '" + c.name + "' has a type sluice cannot read (" +
                                                       c.column_type + ")");
}

}  // namespace sluice::extract
