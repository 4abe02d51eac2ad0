#include "replicate/sql_value.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace sluice::replicate {
namespace {

void append_number(std::string& out, auto n) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

void append_padded(std::string& out, uint64_t n, int width) {
  char buf[24];
  int len = std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(n));
  out.append(buf, static_cast<size_t>(len));
}

void append_escaped(std::string& out, std::string_view s) {
  out.push_back('\'');
  for (char c : s) {
    switch (c) {
      case '\0':
        out.append("\\0");
        break;
      case '\'':
        out.append("\\'");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\x1a':
        out.append("\\Z");
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('\'');
}

void append_hex(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.append("X'");
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  out.push_back('\'');
}

void append_date(std::string& out, int32_t y, unsigned mo, unsigned d) {
  append_padded(out, static_cast<uint64_t>(y < 0 ? 0 : y), 4);
  out.push_back('-');
  append_padded(out, mo, 2);
  out.push_back('-');
  append_padded(out, d, 2);
}

void append_clock(std::string& out, uint64_t h, unsigned mi, unsigned s, uint32_t micro) {
  append_padded(out, h, 2);
  out.push_back(':');
  append_padded(out, mi, 2);
  out.push_back(':');
  append_padded(out, s, 2);
  if (micro != 0) {
    out.push_back('.');
    append_padded(out, micro, 6);
  }
}

void append_temporal(std::string& out, const core::Value& v) {
  const core::Temporal& t = v.t;
  out.push_back('\'');
  if (v.kind == core::ValueKind::kTime) {
    if (t.negative) out.push_back('-');
    append_clock(out, t.hour, t.minute, t.second, t.micro);
  } else {
    append_date(out, t.year, t.month, t.day);
    if (v.kind == core::ValueKind::kDateTime) {
      out.push_back(' ');
      append_clock(out, t.hour, t.minute, t.second, t.micro);
    }
  }
  out.push_back('\'');
}

void append_timestamp(std::string& out, const core::EpochTime& ts) {
  if (ts.seconds == 0 && ts.micro == 0) {
    out.append("'0000-00-00 00:00:00'");
    return;
  }
  std::time_t secs = static_cast<std::time_t>(ts.seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  out.push_back('\'');
  append_date(out, tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
              static_cast<unsigned>(tm.tm_mday));
  out.push_back(' ');
  append_clock(out, static_cast<uint64_t>(tm.tm_hour), static_cast<unsigned>(tm.tm_min),
               static_cast<unsigned>(tm.tm_sec), ts.micro);
  out.push_back('\'');
}

}  // namespace

void append_identifier(std::string& out, std::string_view name) {
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
}

void append_sql_value(std::string& out, const core::Value& v) {
  using K = core::ValueKind;
  switch (v.kind) {
    case K::kAbsent:
    case K::kNull:
      out.append("NULL");
      return;
    case K::kInt:
      append_number(out, v.i);
      return;
    case K::kUInt:
    case K::kBit:
    case K::kEnum:
    case K::kSet:
      append_number(out, v.u);
      return;
    case K::kYear:
      if (v.u == 0)
        out.append("'0000'");
      else
        append_number(out, v.u);
      return;
    case K::kFloat:
      append_number(out, v.f);
      return;  // shortest text that reads back as the same float
    case K::kDouble:
      append_number(out, v.d);
      return;
    case K::kDecimal:
      out.append(v.text);
      return;
    case K::kDate:
    case K::kTime:
    case K::kDateTime:
      append_temporal(out, v);
      return;
    case K::kTimestamp:
      append_timestamp(out, v.ts);
      return;
    case K::kString:
    case K::kJson:
      append_escaped(out, v.text);
      return;
    case K::kBytes:
    case K::kGeometry:
    case K::kVector:
      append_hex(out, v.text);
      return;
  }
  out.append("NULL");
}

}  // namespace sluice::replicate
