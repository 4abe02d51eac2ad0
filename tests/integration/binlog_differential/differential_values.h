#pragma once
// Canonical text of a cell as sluice prints it, as the server's decoder prints it (`@N=...`
// lines of mariadb-binlog / mysqlbinlog -v) and as SELECT returns it, so that the three can be
// compared value by value. Exact: DECIMAL digits are compared as text, never through a double.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/binlog_differential/differential_workload.h"
#include "support/test_util.h"

namespace sluice::test::differential {

using ImageValues = std::map<size_t, std::string>;  // column index -> canonical text ("NULL")

struct ServerChange {
  std::string op;  // insert / update / delete
  ImageValues before, after;
};

/// Quotes every non-integer number outside strings, so nlohmann keeps its exact text.
inline std::string quote_floats(const std::string& in) {
  std::string out;
  bool in_str = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (in_str) {
      out.push_back(c);
      if (c == '\\' && i + 1 < in.size()) out.push_back(in[++i]);
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t j = i;
      while (j < in.size() && std::strchr("+-.eE0123456789", in[j])) ++j;
      std::string tok = in.substr(i, j - i);
      out += tok.find_first_of(".eE") == std::string::npos ? tok : "\"" + tok + "\"";
      i = j - 1;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

inline nlohmann::json parse_exact(const std::string& text) { return nlohmann::json::parse(quote_floats(text)); }

inline std::string strip_zero_fraction(std::string s) {
  size_t dot = s.find('.');
  if (dot != std::string::npos && s.find_first_not_of('0', dot + 1) == std::string::npos) s.erase(dot);
  return s;
}

inline std::string double_text(const std::string& s) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", std::strtod(s.c_str(), nullptr));
  return buf;
}

// "YYYY-MM-DD HH:MM:SS[.fff]" (UTC) -> "epoch[.fff]" without trailing zeros.
inline std::string epoch_text(const std::string& s) {
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6) {
    return "bad timestamp " + s;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::string out = std::to_string(timegm(&tm));
  size_t dot = s.find('.');
  if (dot != std::string::npos) out += s.substr(dot);
  while (out.find('.') != std::string::npos && (out.back() == '0' || out.back() == '.')) out.pop_back();
  return out;
}

inline std::string fraction_trimmed(std::string s) {
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) s.pop_back();
  return s;
}

inline std::string enum_index(const std::string& label) {
  const auto& l = enum_labels();
  for (size_t i = 0; i < l.size(); ++i) {
    if (l[i] == label) return std::to_string(i + 1);
  }
  return label;  // already an index
}

inline std::string unsigned_wrapped(const std::string& s) {
  if (!s.starts_with("-")) return s;
  return std::to_string(static_cast<uint64_t>(std::strtoll(s.c_str(), nullptr, 10)));
}

inline std::string base64_decoded(const std::string& in) {
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = a.find(c);
    if (v == std::string::npos) break;  // '=' padding
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

/// A sluice value (nlohmann, floats kept as text by parse_exact) in canonical form.
inline std::string canonical_sluice(Kind kind, const nlohmann::json& v, bool full_meta) {
  if (v.is_null()) return "NULL";
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  switch (kind) {
    case Kind::kUBig: return full_meta ? text : unsigned_wrapped(text);
    case Kind::kDateTime: return strip_zero_fraction(text);
    case Kind::kTimestamp: return epoch_text(text);
    case Kind::kDouble: return double_text(text);
    case Kind::kEnum: return enum_index(text);
    case Kind::kBytes: return base64_decoded(text);
    case Kind::kJson: return v.is_string() ? parse_exact(text).dump() : v.dump();
    default: return text;
  }
}

/// `'...'` of the server's decoder without quotes, \xNN escapes decoded.
inline std::string unquoted(const std::string& s) {
  if (s.size() < 2 || s.front() != '\'') return s;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

/// A value as the server's decoder prints it, in canonical form.
inline std::string canonical_server(Kind kind, const std::string& raw, bool) {
  if (raw == "NULL") return raw;
  std::string first = raw.substr(0, raw.find(' '));
  switch (kind) {
    case Kind::kInt: return first;
    case Kind::kUBig: {
      size_t p = raw.find(" (");
      return p == std::string::npos ? first : raw.substr(p + 2, raw.size() - p - 3);
    }
    case Kind::kDateTime: return strip_zero_fraction(unquoted(raw));
    case Kind::kDate: {
      std::string d = unquoted(raw);
      for (char& c : d) c = c == ':' ? '-' : c;
      return d;
    }
    case Kind::kTimestamp: return fraction_trimmed(first);
    case Kind::kDouble: return double_text(first);
    case Kind::kEnum: return first;
    case Kind::kJson: return parse_exact(unquoted(raw)).dump();
    case Kind::kDecimal: return first;
    default: return unquoted(raw);
  }
}

/// One `mariadb -B -N` line of SELECT, in canonical form.
inline ImageValues select_row(const std::string& line, const std::vector<Column>& cols, bool) {
  ImageValues out;
  size_t start = 0;
  for (size_t i = 0; i < cols.size(); ++i) {
    size_t tab = line.find('\t', start);
    std::string v = line.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
    start = tab == std::string::npos ? line.size() : tab + 1;
    if (v == "NULL") {
      out[i] = v;
      continue;
    }
    switch (cols[i].kind) {
      case Kind::kDateTime: v = strip_zero_fraction(v); break;
      case Kind::kTimestamp: v = epoch_text(v); break;
      case Kind::kDouble: v = double_text(v); break;
      case Kind::kEnum: v = enum_index(v); break;
      case Kind::kJson: v = parse_exact(v).dump(); break;
      default: break;
    }
    out[i] = v;
  }
  return out;
}

/// The row changes of database `db` in the server decoder's text, in order.
inline std::vector<ServerChange> parse_server_decoder(const std::string& text, const std::string& db) {
  std::vector<ServerChange> out;
  ImageValues* image = nullptr;
  bool ours = false;
  const std::string table = "`" + db + "`.";
  for (const auto& l : split_lines(text)) {
    if (!l.starts_with("### ")) continue;
    if (l.starts_with("### INSERT INTO ") || l.starts_with("### UPDATE ") || l.starts_with("### DELETE FROM ")) {
      ours = l.find(table) != std::string::npos;
      if (!ours) continue;
      out.push_back({l[4] == 'I' ? "insert" : l[4] == 'U' ? "update" : "delete", {}, {}});
      image = out.back().op == "insert" ? &out.back().after : &out.back().before;
    } else if (ours && l == "### SET") {
      image = &out.back().after;
    } else if (ours && l.starts_with("###   @") && image != nullptr) {
      size_t eq = l.find('=');
      (*image)[std::stoul(l.substr(7, eq - 7)) - 1] = l.substr(eq + 1);
    }
  }
  return out;
}

inline std::string describe(const ImageValues& v, const std::vector<Column>& cols) {
  std::string s;
  for (const auto& [i, text] : v) s += (i < cols.size() ? cols[i].name : "@" + std::to_string(i + 1)) + "=" + text + " ";
  return s;
}

}  // namespace sluice::test::differential
