// Column definitions and key lists of CREATE TABLE / ALTER TABLE (see ddl_cursor.h).
#include <array>
#include <utility>

#include "schema/ddl_cursor.h"
#include "schema/type_mapping.h"

namespace sluice::schema::ddl {
namespace {

struct Synonym {
  std::string_view word;
  std::string_view data_type;
  std::string_view fixed_args;  ///< arguments the synonym implies ("1" for BOOL)
};

// DDL spellings that information_schema shows under another DATA_TYPE.
constexpr std::array kSynonyms = {
    Synonym{"integer", "int", ""},      Synonym{"int1", "tinyint", ""},   Synonym{"int2", "smallint", ""},
    Synonym{"int3", "mediumint", ""},   Synonym{"int4", "int", ""},       Synonym{"int8", "bigint", ""},
    Synonym{"middleint", "mediumint", ""}, Synonym{"bool", "tinyint", "1"}, Synonym{"boolean", "tinyint", "1"},
    Synonym{"dec", "decimal", ""},      Synonym{"numeric", "decimal", ""}, Synonym{"fixed", "decimal", ""},
    Synonym{"real", "double", ""},      Synonym{"float4", "float", ""},   Synonym{"float8", "double", ""},
    Synonym{"character", "char", ""},   Synonym{"nchar", "char", ""},     Synonym{"nvarchar", "varchar", ""},
    Synonym{"geomcollection", "geometrycollection", ""},
};

// The DATA_TYPE of the type starting at the cursor (multi-word spellings folded), consumed.
std::string read_base_type(Cursor& c, std::string& fixed_args) {
  auto word = c.ident();
  if (!word) return {};
  std::string w = ascii_lower(*word);
  if (w == "double") {
    c.accept("precision");
    return w;
  }
  if (w == "national") {  // NATIONAL CHAR [VARYING] / NATIONAL VARCHAR
    std::string next = c.is("varchar") ? "varchar" : "char";
    c.next();
    return c.accept("varying") ? "varchar" : next;
  }
  if (w == "long") {  // LONG, LONG VARCHAR, LONG VARBINARY: the MEDIUM lob types
    if (c.accept("varbinary")) return "mediumblob";
    c.accept("varchar");
    return "mediumtext";
  }
  if ((w == "character" || w == "char" || w == "nchar") && c.accept("varying")) return "varchar";
  for (const Synonym& s : kSynonyms) {
    if (s.word == w) {
      fixed_args = s.fixed_args;
      return std::string(s.data_type);
    }
  }
  return w;
}

// Writes a label back into SQL quoting: '' for a quote, \\ for a backslash.
std::string quote_label(std::string_view label) {
  std::string out = "'";
  for (char ch : label) {
    if (ch == '\'') out += "''";
    else if (ch == '\\') out += "\\\\";
    else out.push_back(ch);
  }
  out += "'";
  return out;
}

// "(...)" after the base type: ENUM/SET labels, or numbers. Returns the text inside.
bool read_type_args(Cursor& c, bool labels, std::string& args, std::vector<std::string>& values) {
  if (!c.accept_symbol('(')) return true;
  while (!c.accept_symbol(')')) {
    const Token& t = c.peek();
    if (labels && (t.kind == TokenKind::kString || t.kind == TokenKind::kDoubleQuoted)) {
      values.push_back(t.text);
      args += (args.empty() ? "" : ",") + quote_label(t.text);
    } else if (!labels && t.kind == TokenKind::kNumber) {
      args += (args.empty() ? "" : ",") + t.text;
    } else if (!(labels && t.kind == TokenKind::kWord)) {  // a charset introducer before a label
      return false;
    }
    c.next();
    if (!c.accept_symbol(',') && !c.is_symbol(')')) return false;
  }
  return true;
}

// Defaults and display widths that information_schema spells out or drops.
std::string normalise_args(const std::string& data_type, std::string args) {
  if (data_type == "decimal") {
    if (args.empty()) return "10,0";
    if (args.find(',') == std::string::npos) return args + ",0";
  }
  if ((data_type == "char" || data_type == "binary" || data_type == "bit") && args.empty()) return "1";
  if (data_type == "year") return "";
  return args;
}

// Skips the expression after DEFAULT / ON UPDATE: a literal, a signed number, an
// introducer + string, a function call or a parenthesised expression.
void skip_value(Cursor& c) {
  while (c.is_symbol('-') || c.is_symbol('+')) c.next();
  if (c.is_symbol('(')) {
    c.skip_group();
    return;
  }
  bool word = c.peek().kind == TokenKind::kWord;
  c.next();
  if (word && c.is_symbol('(')) c.skip_group();
  else if (word && c.peek().kind == TokenKind::kString) c.next();
}

bool is_stop(const Cursor& c) {
  return c.at_end() || c.is_symbol(',') || c.is_symbol(')') || c.is_symbol(';') || c.is("first") ||
         c.is("after");
}

// One attribute after the type; unknown words and groups are skipped one at a time.
void read_attribute(Cursor& c, ColumnSchema& col, AlterSpec& out) {
  if (c.accept_all({"not", "null"})) col.nullable = false;
  else if (c.accept("null")) col.nullable = true;
  else if (c.accept("default") || c.accept_all({"on", "update"})) skip_value(c);
  else if (c.accept("auto_increment")) col.auto_increment = true;
  else if (c.accept_all({"primary", "key"}) || c.accept("key")) out.primary_key = true;
  else if (c.accept("unique")) {
    c.accept("key");
    out.unique = true;
  } else if (c.accept("comment")) c.next();
  else if (c.accept_all({"generated", "always"}) || c.is("as")) {
    c.accept("as");
    col.generated = true;
    c.skip_group();
  } else if (c.accept_all({"character", "set"}) || c.accept("charset")) {
    if (auto cs = c.ident()) col.charset = ascii_lower(*cs);
  } else if (c.accept("collate")) {
    if (auto co = c.ident()) col.collation = ascii_lower(*co);
  } else if (c.accept("check")) {
    c.skip_group();
  } else if (c.is_symbol('(')) {
    c.skip_group();
  } else {
    c.next();
  }
}

}  // namespace

bool read_column_definition(Cursor& c, std::string name, AlterSpec& out) {
  std::string fixed_args;
  std::string data_type = read_base_type(c, fixed_args);
  if (data_type.empty()) return false;
  bool labels = data_type == "enum" || data_type == "set";
  std::string args;
  std::vector<std::string> values;
  if (!read_type_args(c, labels, args, values)) return false;
  if (!fixed_args.empty()) args = fixed_args;
  if (data_type == "float" && args.find(',') == std::string::npos && !args.empty()) {
    auto p = parse_type_arguments("f(" + args + ")");
    if (!p.empty() && p[0] > 24) data_type = "double";  // FLOAT(p): p > 24 is a DOUBLE
    args.clear();
  }
  if (!labels) args = normalise_args(data_type, args);
  bool serial = data_type == "serial";  // BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
  if (serial) data_type = "bigint";
  bool is_unsigned = serial, zerofill = false;
  for (;;) {
    if (c.accept("unsigned")) is_unsigned = true;
    else if (c.accept("zerofill")) zerofill = is_unsigned = true;
    else if (c.accept("signed") || c.accept("binary") || c.accept("ascii") || c.accept("unicode") || c.accept("byte")) {
    } else break;
  }
  std::string column_type = data_type + (args.empty() ? "" : "(" + args + ")");
  if (is_unsigned) column_type += " unsigned";
  if (zerofill) column_type += " zerofill";
  ColumnSchema col = column_from_type(name, data_type, column_type);
  if (serial) {
    col.nullable = false;
    col.auto_increment = out.unique = true;
  }
  if (labels) col.enum_values = std::move(values);
  if (col.kind == ColumnKind::kBinary || col.kind == ColumnKind::kVarbinary || col.kind == ColumnKind::kBlob) {
    col.charset = "binary";
  }
  while (!is_stop(c)) read_attribute(c, col, out);
  out.column = std::move(col);
  return true;
}

bool read_key_columns(Cursor& c, std::vector<std::string>& out) {
  if (!c.accept_symbol('(')) return false;
  while (!c.accept_symbol(')')) {
    if (c.is_symbol('(')) {
      if (!c.skip_group()) return false;  // functional key part
    } else {
      auto name = c.ident();
      if (!name) return false;
      out.push_back(*name);
      if (c.is_symbol('(')) c.skip_group();  // prefix length
      if (!c.accept("asc")) c.accept("desc");
    }
    if (!c.accept_symbol(',') && !c.is_symbol(')')) return false;
  }
  return true;
}

void skip_key_name(Cursor& c, std::string* name) {
  if (!c.is_symbol('(') && !c.is("using")) {
    auto n = c.ident();
    if (n && name) *name = *n;
  }
  if (c.accept("using")) c.next();
}

}  // namespace sluice::schema::ddl
