#include "core/value_format.h"

#include <cstring>

#include "core/json_writer.h"

namespace sluice::core {
namespace {

inline char* put2(char* d, uint32_t v) {
  d[0] = static_cast<char>('0' + v / 10 % 10);
  d[1] = static_cast<char>('0' + v % 10);
  return d + 2;
}

inline char* put4(char* d, uint32_t v) {
  d[0] = static_cast<char>('0' + v / 1000 % 10);
  d[1] = static_cast<char>('0' + v / 100 % 10);
  d[2] = static_cast<char>('0' + v / 10 % 10);
  d[3] = static_cast<char>('0' + v % 10);
  return d + 4;
}

// ".ffffff" truncated to `fsp` digits (the value is already at that precision).
inline char* put_fraction(char* d, uint32_t micro, unsigned fsp) {
  if (fsp == 0) return d;
  if (fsp > 6) fsp = 6;
  *d++ = '.';
  uint32_t div = 100000;
  for (unsigned i = 0; i < fsp; ++i) {
    *d++ = static_cast<char>('0' + micro / div % 10);
    div /= 10;
  }
  return d;
}

constexpr uint8_t kDaysInMonth[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool is_leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

void append_quoted(std::string& out, const char* buf, size_t n) {
  out.push_back('"');
  out.append(buf, n);
  out.push_back('"');
}

// The date-like kinds (DATE, DATETIME, TIMESTAMP) in either mode.
void append_datelike(std::string& out, const Value& v, const ValueFormat& fmt) {
  char buf[32];
  Temporal t{};
  bool zero = false;
  if (v.kind == ValueKind::kTimestamp) {
    zero = v.ts.seconds == 0 && v.ts.micro == 0;
    if (!zero) t = temporal_from_epoch(v.ts);
  } else {
    t = v.t;
    zero = is_zero_or_invalid_date(t);
  }
  bool singer = fmt.mode == ValueFormat::Mode::kSingerRecord;
  if (zero && singer && fmt.zero_dates == ValueFormat::ZeroDates::kNull) {
    out.append("null");
    return;
  }
  if (zero && v.kind == ValueKind::kTimestamp) {
    t = Temporal{};  // "0000-00-00 00:00:00"
  }
  size_t n;
  if (singer && !zero) {
    n = format_datetime(buf, t, 6, 'T');
    buf[n++] = 'Z';
  } else if (v.kind == ValueKind::kDate) {
    n = format_date(buf, t);
  } else {
    n = format_datetime(buf, t, v.fsp);
  }
  append_quoted(out, buf, n);
}

void append_labels_or_number(std::string& out, const Value& v) {
  if (v.flags & kValueFlagLabels) {
    json_append_string(out, v.text);
  } else {
    json_append_uint(out, v.u);
  }
}

void append_geometry(std::string& out, const Value& v) {
  out.push_back('"');
  if (append_geometry_wkt(out, v.text)) {
    out.push_back('"');
    return;
  }
  base64_append(out, v.text);  // not valid WKB: keep the bytes
  out.push_back('"');
}

}  // namespace

size_t format_date(char* buf, const Temporal& t) {
  uint32_t y = t.year < 0 ? 0 : static_cast<uint32_t>(t.year);
  char* d = put4(buf, y);
  *d++ = '-';
  d = put2(d, t.month);
  *d++ = '-';
  d = put2(d, t.day);
  return static_cast<size_t>(d - buf);
}

size_t format_datetime(char* buf, const Temporal& t, unsigned fsp, char sep) {
  char* d = buf + format_date(buf, t);
  *d++ = sep;
  d = put2(d, t.hour);
  *d++ = ':';
  d = put2(d, t.minute);
  *d++ = ':';
  d = put2(d, t.second);
  d = put_fraction(d, t.micro, fsp);
  return static_cast<size_t>(d - buf);
}

size_t format_time(char* buf, const Temporal& t, unsigned fsp) {
  char* d = buf;
  if (t.negative) *d++ = '-';
  uint32_t h = t.hour;
  if (h >= 1000) {
    d = put4(d, h);
  } else if (h >= 100) {
    *d++ = static_cast<char>('0' + h / 100);
    d = put2(d, h % 100);
  } else {
    d = put2(d, h);
  }
  *d++ = ':';
  d = put2(d, t.minute);
  *d++ = ':';
  d = put2(d, t.second);
  d = put_fraction(d, t.micro, fsp);
  return static_cast<size_t>(d - buf);
}

Temporal temporal_from_epoch(EpochTime ts) {
  // Days to civil date (proleptic Gregorian), by eras of 400 years.
  int64_t days = ts.seconds >= 0 ? ts.seconds / 86400 : (ts.seconds - 86399) / 86400;
  int64_t secs = ts.seconds - days * 86400;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;                                 // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                               // [0, 11], March-based
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  Temporal t{};
  t.year = static_cast<int32_t>(year);
  t.month = static_cast<uint8_t>(month);
  t.day = static_cast<uint8_t>(day);
  t.hour = static_cast<uint32_t>(secs / 3600);
  t.minute = static_cast<uint8_t>(secs / 60 % 60);
  t.second = static_cast<uint8_t>(secs % 60);
  t.micro = ts.micro;
  return t;
}

bool is_zero_or_invalid_date(const Temporal& t) {
  if (t.year <= 0 || t.month == 0 || t.day == 0 || t.month > 12) return true;
  if (t.day > kDaysInMonth[t.month]) return true;
  return t.month == 2 && t.day == 29 && !is_leap(t.year);
}

void append_vector_json(std::string& out, std::string_view le_floats) {
  out.push_back('[');
  size_t n = le_floats.size() / 4;
  for (size_t i = 0; i < n; ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(le_floats.data()) + i * 4;
    uint32_t bits = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) |
                    (uint32_t{p[3]} << 24);
    float f;
    std::memcpy(&f, &bits, 4);
    if (i != 0) out.push_back(',');
    json_append_float(out, f);
  }
  out.push_back(']');
}

namespace {

// JSON lines: a document that is JSON null would read as SQL NULL, and one whose first key
// starts with '$' (or an escape that may spell it) could read as the wrapper itself: both print
// inside {"$json":...} (docs/json-lines.md). One look at the first bytes; MySQL's text has no
// leading blanks, MariaDB's (a SELECT of its LONGTEXT) may.
bool needs_json_wrapper(std::string_view t) {
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r')) ++i;
  };
  skip_blanks();
  if (i == t.size() || t[i] == 'n') return true;  // empty (JSON null) or the literal null
  if (t[i] != '{') return false;
  ++i;
  skip_blanks();
  return i + 1 < t.size() && t[i] == '"' && (t[i + 1] == '$' || t[i + 1] == '\\');
}

}  // namespace

void append_value_json(std::string& out, const Value& v, const ValueFormat& fmt) {
  bool singer = fmt.mode == ValueFormat::Mode::kSingerRecord;
  char buf[32];
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      out.append("null");
      return;
    case ValueKind::kInt:
      if (singer && fmt.as_boolean) {
        out.append(v.i != 0 ? "true" : "false");
      } else {
        json_append_int(out, v.i);
      }
      return;
    case ValueKind::kUInt:
      if (singer && fmt.as_boolean) {
        out.append(v.u != 0 ? "true" : "false");
      } else {
        json_append_uint(out, v.u);
      }
      return;
    case ValueKind::kYear:
      json_append_uint(out, v.u);
      return;
    case ValueKind::kFloat:
      json_append_float(out, v.f);
      return;
    case ValueKind::kDouble:
      json_append_double(out, v.d);
      return;
    case ValueKind::kDecimal:
      out.append(v.text.empty() ? std::string_view("null") : v.text);
      return;
    case ValueKind::kDate:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
      append_datelike(out, v, fmt);
      return;
    case ValueKind::kTime:
      append_quoted(out, buf, format_time(buf, v.t, singer && v.fsp > 0 ? 6 : v.fsp));
      return;
    case ValueKind::kString:
      if (fmt.utf8_checked) json_append_valid_utf8_string(out, v.text);
      else json_append_string(out, v.text);
      return;
    case ValueKind::kBytes:
      if (!singer && (v.flags & kValueFlagCharsetUnknown) != 0) {
        out.append("{\"base64\":\"");
        base64_append(out, v.text);
        out.append("\"}");
        return;
      }
      out.push_back('"');
      base64_append(out, v.text);
      out.push_back('"');
      return;
    case ValueKind::kJson:
      if (!singer && needs_json_wrapper(v.text)) {
        out.append("{\"$json\":");
        out.append(v.text.empty() ? std::string_view("null") : v.text);
        out.push_back('}');
        return;
      }
      out.append(v.text.empty() ? std::string_view("null") : v.text);
      return;
    case ValueKind::kBit:
      if (singer && v.bits == 1) {
        out.append(v.u != 0 ? "true" : "false");
      } else {
        json_append_uint(out, v.u);
      }
      return;
    case ValueKind::kEnum:
    case ValueKind::kSet:
      append_labels_or_number(out, v);
      return;
    case ValueKind::kGeometry:
      append_geometry(out, v);
      return;
    case ValueKind::kVector:
      append_vector_json(out, v.text);
      return;
  }
  out.append("null");
}

}  // namespace sluice::core
