#include "verify/canonical.h"

#include <xxhash.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "core/value_format.h"
#include "verify/json_hash.h"

namespace sluice::verify {
namespace {

using schema::ColumnKind;
using sinks::ReadCell;
using Kind = sinks::ReadCell::Kind;

constexpr std::string_view kNullMark = "\x01";

void append_digits(std::string& out, uint64_t u, bool negative) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, u);
  if (negative && u != 0) out += '-';
  out.append(buf, end);
}

/// "+007" -> "7", "-0" -> "0"; decimals: "0012.3400" -> "12.34", "1.000" -> "1".
void append_number_text(std::string& out, std::string_view s) {
  while (!s.empty() && (s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ')) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::string_view whole = s, frac;
  if (size_t dot = s.find('.'); dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
  }
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (whole.empty()) whole = "0";
  if (negative && !(whole == "0" && frac.empty())) out += '-';
  out += whole;
  if (!frac.empty()) out.append(".").append(frac);
}

void append_integer(std::string& out, const schema::ColumnSchema& c, const ReadCell& cell) {
  bool boolean =
      (c.kind == ColumnKind::kTinyInt && c.is_boolean) || (c.kind == ColumnKind::kBit && c.precision <= 1);
  std::string digits;
  switch (cell.kind) {
    case Kind::kInt:
      append_digits(digits, cell.i < 0 ? 0 - static_cast<uint64_t>(cell.i) : static_cast<uint64_t>(cell.i),
                    cell.i < 0);
      break;
    case Kind::kUInt:
      append_digits(digits, cell.u, false);
      break;
    case Kind::kDouble:
      append_number_text(digits, std::to_string(cell.d));
      break;
    default:
      append_number_text(digits, cell.text);
      break;
  }
  if (boolean) digits = digits == "0" ? "0" : "1";
  out += digits;
}

double as_double(const ReadCell& cell, bool& ok) {
  ok = true;
  switch (cell.kind) {
    case Kind::kInt:
      return static_cast<double>(cell.i);
    case Kind::kUInt:
      return static_cast<double>(cell.u);
    case Kind::kDouble:
      return cell.d;
    default:
      break;
  }
  double d = 0;
  auto r = std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), d);
  ok = r.ec == std::errc();
  return d;
}

void append_bits(std::string& out, const void* p, size_t n) {
  char buf[20];
  uint64_t bits = 0;
  std::memcpy(&bits, p, n);
  std::snprintf(buf, sizeof buf, "%0*llx", static_cast<int>(n * 2), static_cast<unsigned long long>(bits));
  out += buf;
}

/// FLOAT through the shortest decimal of the double a destination holds (SQLite keeps FLOAT 1.1 as
/// the double 1.1; the source's float widened to a double gives the same float back).
void append_float(std::string& out, const ReadCell& cell, bool single) {
  bool ok = true;
  double d = as_double(cell, ok);
  if (!ok) {
    out += cell.text;
    return;
  }
  if (!single) return append_bits(out, &d, sizeof d);
  float f = 0;
  if (cell.kind == Kind::kText) {
    std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), f);
  } else {
    char buf[40];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::from_chars(buf, end, f);
  }
  append_bits(out, &f, sizeof f);
}

/// Up to `max` digit groups of `s`: "2024-01-02 03:04:05.5+00" -> 2024 1 2 3 4 5 and the
/// fraction scaled to microseconds; stops at a '+' or 'Z' (a UTC offset) after the seconds.
size_t digit_groups(std::string_view s, uint64_t (&g)[7], bool& negative) {
  size_t n = 0, i = 0;
  negative = !s.empty() && s.front() == '-';
  while (i < s.size() && n < 7) {
    if (s[i] < '0' || s[i] > '9') {
      if (n >= 6 && s[i] != '.') break;
      ++i;
      continue;
    }
    bool fraction = n == 6 || (i > 0 && s[i - 1] == '.');
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
      if (!fraction || digits < 6) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    }
    if (fraction) {
      for (size_t d = digits; d < 6; ++d) v *= 10;
      n = std::max<size_t>(n, 6);
    }
    g[n++] = v;
  }
  return n;
}

void append_temporal(std::string& out, const schema::ColumnSchema& c, std::string_view text) {
  uint64_t g[7] = {0, 0, 0, 0, 0, 0, 0};
  bool negative = false;
  char buf[160];
  if (c.kind == ColumnKind::kTime) {
    // [-]H:MM:SS[.f]: the groups are hours, minutes, seconds, (fraction at index 6).
    size_t n = digit_groups(text, g, negative);
    uint64_t micros = n > 6 ? g[6] : 0;
    std::snprintf(buf, sizeof buf, "%s%llu:%02llu:%02llu.%06llu", negative ? "-" : "",
                  static_cast<unsigned long long>(g[0]), static_cast<unsigned long long>(g[1]),
                  static_cast<unsigned long long>(g[2]), static_cast<unsigned long long>(micros));
    out += buf;
    return;
  }
  digit_groups(text, g, negative);
  if (g[0] == 0 || g[1] == 0 || g[2] == 0) {  // a zero date: NULL in PostgreSQL, so NULL everywhere
    out = kNullMark;
    return;
  }
  if (c.kind == ColumnKind::kDate) {
    std::snprintf(buf, sizeof buf, "%04llu-%02llu-%02llu", static_cast<unsigned long long>(g[0]),
                  static_cast<unsigned long long>(g[1]), static_cast<unsigned long long>(g[2]));
  } else {
    std::snprintf(buf, sizeof buf, "%04llu-%02llu-%02llu %02llu:%02llu:%02llu.%06llu",
                  static_cast<unsigned long long>(g[0]), static_cast<unsigned long long>(g[1]),
                  static_cast<unsigned long long>(g[2]), static_cast<unsigned long long>(g[3]),
                  static_cast<unsigned long long>(g[4]), static_cast<unsigned long long>(g[5]),
                  static_cast<unsigned long long>(g[6]));
  }
  out += buf;
}

/// The bits of each float of "[1.5,2]" or "{1.5,2}".
void append_vector(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char ch = s[i];
    if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.') {
      float f = 0;
      auto r = std::from_chars(s.data() + i, s.data() + s.size(), f);
      if (r.ec != std::errc()) break;
      append_bits(out, &f, sizeof f);
      out += ',';
      i = static_cast<size_t>(r.ptr - s.data());
    } else {
      ++i;
    }
  }
}

}  // namespace

void canonical(std::string& out, const schema::ColumnSchema& c, const ReadCell& cell) {
  out.clear();
  if (cell.kind == Kind::kNull) {
    out = kNullMark;
    return;
  }
  out += '\x02';
  switch (c.kind) {
    case ColumnKind::kTinyInt:
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
    case ColumnKind::kBit:
    case ColumnKind::kYear:
      return append_integer(out, c, cell);
    case ColumnKind::kDecimal:
      if (cell.kind == Kind::kText) return append_number_text(out, cell.text);
      return append_integer(out, c, cell);
    case ColumnKind::kFloat:
    case ColumnKind::kDouble:
      return append_float(out, cell, c.kind == ColumnKind::kFloat);
    case ColumnKind::kDate:
    case ColumnKind::kTime:
    case ColumnKind::kDateTime:
    case ColumnKind::kTimestamp:
      return append_temporal(out, c, cell.text);
    case ColumnKind::kJson: {
      auto h = json_hash(cell.text);
      if (!h) {
        out += cell.text;  // not JSON: compared as its bytes
        return;
      }
      out += 'J';
      return append_bits(out, &*h, sizeof *h);
    }
    case ColumnKind::kVector:
      return append_vector(out, cell.text);
    default:
      if (cell.kind == Kind::kInt || cell.kind == Kind::kUInt) return append_integer(out, c, cell);
      out += cell.text;
      return;
  }
}

ReadCell cell_of(const core::Value& v, std::string& scratch) {
  using core::ValueKind;
  ReadCell c;
  auto text = [&c](Kind kind, std::string_view t) {
    c.kind = kind;
    c.text = t;
    return c;
  };
  auto number = [&c](Kind kind, int64_t i, uint64_t u, double d) {
    c.kind = kind;
    c.i = i;
    c.u = u;
    c.d = d;
    return c;
  };
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return c;
    case ValueKind::kInt:
      return number(Kind::kInt, v.i, 0, 0);
    case ValueKind::kUInt:
    case ValueKind::kYear:
    case ValueKind::kBit:
      return number(Kind::kUInt, 0, v.u, 0);
    case ValueKind::kFloat:
      return number(Kind::kDouble, 0, 0, static_cast<double>(v.f));
    case ValueKind::kDouble:
      return number(Kind::kDouble, 0, 0, v.d);
    case ValueKind::kJson:
      return v.text.empty() ? c : text(Kind::kText, v.text);
    case ValueKind::kDecimal:
    case ValueKind::kString:
      return text(Kind::kText, v.text);
    case ValueKind::kBytes:
      return text(Kind::kBytes, v.text);
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return (v.flags & core::kValueFlagLabels) ? text(Kind::kText, v.text) : number(Kind::kUInt, 0, v.u, 0);
    case ValueKind::kVector:
      scratch.clear();
      core::append_vector_json(scratch, v.text);
      return text(Kind::kText, scratch);
    default: {
      // Temporals and geometry: their JSON-lines text, as the SQLite sink stores them.
      scratch.clear();
      core::append_value_json(scratch, v, core::ValueFormat{});
      if (scratch == "null") return c;
      std::string_view t = scratch;
      if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
      return text(Kind::kText, t);
    }
  }
}

uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

}  // namespace sluice::verify
