#include "schema/type_mapping.h"

#include <array>
#include <charconv>
#include <utility>

namespace sluice::schema {
namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The first word of a type text: "int(10) unsigned" -> "int", "double precision" -> "double".
std::string_view first_word(std::string_view s) {
  size_t end = 0;
  while (end < s.size() && s[end] != '(' && s[end] != ' ') ++end;
  return s.substr(0, end);
}

bool has_word(std::string_view lower_type, std::string_view word) {
  // The attributes after the parentheses ("unsigned zerofill"); labels inside them never count.
  size_t close = lower_type.rfind(')');
  std::string_view tail = close == std::string_view::npos ? lower_type : lower_type.substr(close + 1);
  size_t at = tail.find(word);
  while (at != std::string_view::npos) {
    bool starts = at == 0 || tail[at - 1] == ' ';
    bool ends = at + word.size() == tail.size() || tail[at + word.size()] == ' ';
    if (starts && ends) return true;
    at = tail.find(word, at + 1);
  }
  return false;
}

struct KindName {
  std::string_view name;
  ColumnKind kind;
};

// DATA_TYPE spellings of both servers (and DDL synonyms) to kinds.
constexpr std::array kKinds = {
    KindName{"tinyint", ColumnKind::kTinyInt},     KindName{"bool", ColumnKind::kTinyInt},
    KindName{"boolean", ColumnKind::kTinyInt},     KindName{"smallint", ColumnKind::kSmallInt},
    KindName{"mediumint", ColumnKind::kMediumInt}, KindName{"int", ColumnKind::kInt},
    KindName{"integer", ColumnKind::kInt},         KindName{"bigint", ColumnKind::kBigInt},
    KindName{"serial", ColumnKind::kBigInt},       KindName{"decimal", ColumnKind::kDecimal},
    KindName{"numeric", ColumnKind::kDecimal},     KindName{"dec", ColumnKind::kDecimal},
    KindName{"fixed", ColumnKind::kDecimal},       KindName{"float", ColumnKind::kFloat},
    KindName{"double", ColumnKind::kDouble},       KindName{"real", ColumnKind::kDouble},
    KindName{"bit", ColumnKind::kBit},             KindName{"year", ColumnKind::kYear},
    KindName{"date", ColumnKind::kDate},           KindName{"time", ColumnKind::kTime},
    KindName{"datetime", ColumnKind::kDateTime},   KindName{"timestamp", ColumnKind::kTimestamp},
    KindName{"char", ColumnKind::kChar},           KindName{"varchar", ColumnKind::kVarchar},
    KindName{"tinytext", ColumnKind::kText},       KindName{"text", ColumnKind::kText},
    KindName{"mediumtext", ColumnKind::kText},     KindName{"longtext", ColumnKind::kText},
    KindName{"binary", ColumnKind::kBinary},       KindName{"varbinary", ColumnKind::kVarbinary},
    KindName{"tinyblob", ColumnKind::kBlob},       KindName{"blob", ColumnKind::kBlob},
    KindName{"mediumblob", ColumnKind::kBlob},     KindName{"longblob", ColumnKind::kBlob},
    KindName{"enum", ColumnKind::kEnum},           KindName{"set", ColumnKind::kSet},
    KindName{"json", ColumnKind::kJson},           KindName{"geometry", ColumnKind::kGeometry},
    KindName{"point", ColumnKind::kGeometry},      KindName{"linestring", ColumnKind::kGeometry},
    KindName{"polygon", ColumnKind::kGeometry},    KindName{"multipoint", ColumnKind::kGeometry},
    KindName{"multilinestring", ColumnKind::kGeometry},
    KindName{"multipolygon", ColumnKind::kGeometry},
    KindName{"geometrycollection", ColumnKind::kGeometry},
    KindName{"geomcollection", ColumnKind::kGeometry},
    KindName{"vector", ColumnKind::kVector},       KindName{"inet4", ColumnKind::kInet4},
    KindName{"inet6", ColumnKind::kInet6},         KindName{"uuid", ColumnKind::kUuid},
};

constexpr std::array kKindNames = {
    "unknown", "tinyint", "smallint", "mediumint", "int",  "bigint",    "decimal", "float",
    "double",  "bit",     "year",     "date",      "time", "datetime",  "timestamp", "char",
    "varchar", "text",    "binary",   "varbinary", "blob", "enum",      "set",     "json",
    "geometry", "vector", "inet4",    "inet6",     "uuid",
};

// Number of UTF-8 code points in `s` (continuation bytes are not counted).
uint64_t utf8_length(std::string_view s) {
  uint64_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The fixed maximum byte length of the TEXT/BLOB family, by DATA_TYPE.
std::optional<uint64_t> lob_length(std::string_view data_type) {
  if (data_type == "tinytext" || data_type == "tinyblob") return 255;
  if (data_type == "text" || data_type == "blob") return 65535;
  if (data_type == "mediumtext" || data_type == "mediumblob") return 16777215;
  if (data_type == "longtext" || data_type == "longblob") return 4294967295ULL;
  return std::nullopt;
}

void apply_lengths(ColumnSchema& c, const std::vector<uint64_t>& args) {
  switch (c.kind) {
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
    case ColumnKind::kBinary:
    case ColumnKind::kVarbinary:
      if (!c.max_length && !args.empty()) c.max_length = args[0];
      break;
    case ColumnKind::kText:
    case ColumnKind::kBlob:
      if (!c.max_length) c.max_length = lob_length(c.data_type);
      break;
    case ColumnKind::kEnum:
    case ColumnKind::kSet: {
      if (c.max_length) break;
      uint64_t longest = 0, joined = 0;
      for (const std::string& v : c.enum_values) {
        longest = std::max(longest, utf8_length(v));
        joined += utf8_length(v);
      }
      if (!c.enum_values.empty()) joined += c.enum_values.size() - 1;
      c.max_length = c.kind == ColumnKind::kEnum ? longest : joined;
      break;
    }
    default:
      break;
  }
}

void apply_numbers(ColumnSchema& c, const std::vector<uint64_t>& args) {
  auto arg = [&](size_t i) -> uint32_t { return i < args.size() ? static_cast<uint32_t>(args[i]) : 0; };
  switch (c.kind) {
    case ColumnKind::kDecimal:
      if (c.precision == 0) c.precision = args.empty() ? 10 : arg(0);  // DECIMAL = DECIMAL(10,0)
      if (c.scale == 0) c.scale = arg(1);
      break;
    case ColumnKind::kBit:
      if (c.precision == 0) c.precision = args.empty() ? 1 : arg(0);  // BIT = BIT(1)
      break;
    case ColumnKind::kVector:
      if (c.precision == 0) c.precision = args.empty() ? 2048 : arg(0);  // MySQL's default
      break;
    case ColumnKind::kTime:
    case ColumnKind::kDateTime:
    case ColumnKind::kTimestamp:
      if (c.fsp == 0 && !args.empty() && args[0] <= 6) c.fsp = static_cast<uint8_t>(args[0]);
      break;
    default:
      break;
  }
}

}  // namespace

std::string_view kind_name(ColumnKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "unknown";
}

ColumnKind classify_type(std::string_view data_type, std::string_view column_type) {
  std::string dt = to_lower(data_type.empty() ? first_word(column_type) : data_type);
  for (const KindName& k : kKinds) {
    if (k.name == dt) return k.kind;
  }
  (void)column_type;
  return ColumnKind::kUnknown;
}

std::vector<uint64_t> parse_type_arguments(std::string_view column_type) {
  std::vector<uint64_t> out;
  size_t open = column_type.find('(');
  if (open == std::string_view::npos) return out;
  size_t close = column_type.find(')', open);
  if (close == std::string_view::npos) return out;
  std::string_view inner = column_type.substr(open + 1, close - open - 1);
  while (!inner.empty()) {
    size_t comma = inner.find(',');
    std::string_view part = inner.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) return {};
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    inner.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<std::string> parse_enum_values(std::string_view column_type) {
  std::vector<std::string> out;
  std::string lower = to_lower(first_word(column_type));
  if (lower != "enum" && lower != "set") return out;
  size_t i = column_type.find('(');
  if (i == std::string_view::npos) return out;
  ++i;
  // Labels are 'quoted'; a quote inside is doubled, a backslash escapes (\\ \0 \n \r \Z \').
  while (i < column_type.size() && column_type[i] == '\'') {
    std::string label;
    ++i;
    bool closed = false;
    while (i < column_type.size()) {
      char c = column_type[i];
      if (c == '\'' && i + 1 < column_type.size() && column_type[i + 1] == '\'') {
        label += '\'';
        i += 2;
      } else if (c == '\'') {
        ++i;
        closed = true;
        break;
      } else if (c == '\\' && i + 1 < column_type.size()) {
        char e = column_type[i + 1];
        label += e == 'n' ? '\n' : e == 'r' ? '\r' : e == '0' ? '\0' : e == 'Z' ? '\x1a' : e;
        i += 2;
      } else {
        label += c;
        ++i;
      }
    }
    if (!closed) return {};
    out.push_back(std::move(label));
    if (i < column_type.size() && column_type[i] == ',') ++i;
  }
  return out;
}

void apply_column_type(ColumnSchema& c) {
  if (c.data_type.empty()) c.data_type = to_lower(first_word(c.column_type));
  c.data_type = to_lower(c.data_type);
  std::string lower = to_lower(c.column_type);
  if (c.kind == ColumnKind::kUnknown) c.kind = classify_type(c.data_type, c.column_type);
  c.is_unsigned = has_word(lower, "unsigned");
  // TINYINT(1) is how BOOL/BOOLEAN are stored; MySQL 8.0.19+ still shows the (1) for it
  // (but drops it for TINYINT(1) UNSIGNED, which then reads as a plain TINYINT).
  c.is_boolean = c.kind == ColumnKind::kTinyInt &&
                 (lower.starts_with("tinyint(1)") || c.data_type == "bool" || c.data_type == "boolean");
  if (c.kind == ColumnKind::kEnum || c.kind == ColumnKind::kSet) c.enum_values = parse_enum_values(c.column_type);
  if (c.kind == ColumnKind::kGeometry) {
    c.geometry_type = c.data_type == "geomcollection" ? "geometrycollection" : c.data_type;
  }
  if (c.kind == ColumnKind::kBinary || c.kind == ColumnKind::kVarbinary || c.kind == ColumnKind::kBlob) {
    if (c.charset.empty()) c.charset = "binary";
  }
  std::vector<uint64_t> args = parse_type_arguments(c.column_type);
  apply_numbers(c, args);
  apply_lengths(c, args);
}

ColumnSchema column_from_type(std::string_view name, std::string_view data_type, std::string_view column_type) {
  ColumnSchema c;
  c.name = std::string(name);
  c.data_type = std::string(data_type);
  c.column_type = std::string(column_type);
  apply_column_type(c);
  return c;
}

bool can_be_replication_key(const ColumnSchema& column) {
  switch (column.kind) {
    case ColumnKind::kTinyInt:
      return !column.is_boolean;
    case ColumnKind::kSmallInt:
    case ColumnKind::kMediumInt:
    case ColumnKind::kInt:
    case ColumnKind::kBigInt:
    case ColumnKind::kDecimal:
    case ColumnKind::kFloat:
    case ColumnKind::kDouble:
    case ColumnKind::kYear:
    case ColumnKind::kDate:
    case ColumnKind::kTime:
    case ColumnKind::kDateTime:
    case ColumnKind::kTimestamp:
    case ColumnKind::kChar:
    case ColumnKind::kVarchar:
      return true;
    default:
      return false;
  }
}

}  // namespace sluice::schema
