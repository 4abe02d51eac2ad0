#pragma once
/// Internal to the DDL parser: a cursor over tokens with keyword and identifier helpers,
/// and the column-definition / key-list readers shared by CREATE TABLE and ALTER TABLE.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/ddl_lexer.h"
#include "schema/ddl_parser.h"

namespace sluice::schema::ddl {

class Cursor {
 public:
  explicit Cursor(const std::vector<Token>& tokens) : t_(tokens) {}

  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < t_.size() ? t_[i] : t_.back();
  }
  bool at_end() const { return peek().kind == TokenKind::kEnd; }
  void next() {
    if (!at_end()) ++pos_;
  }
  /// True when the token `ahead` is the unquoted keyword `kw` (any case).
  bool is(std::string_view kw, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kWord && iequals(t.text, kw);
  }
  bool is_symbol(char c, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kSymbol && t.text.size() == 1 && t.text[0] == c;
  }
  /// Consumes `kw` when it is next.
  bool accept(std::string_view kw) {
    if (!is(kw)) return false;
    next();
    return true;
  }
  /// Consumes the keywords `kws` when all of them come next, in order.
  bool accept_all(std::initializer_list<std::string_view> kws) {
    size_t i = 0;
    for (std::string_view kw : kws) {
      if (!is(kw, i++)) return false;
    }
    pos_ += kws.size();
    return true;
  }
  bool accept_symbol(char c) {
    if (!is_symbol(c)) return false;
    next();
    return true;
  }
  /// An identifier (word, `quoted` or "quoted"), consumed; nullopt otherwise.
  std::optional<std::string> ident() {
    const Token& t = peek();
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedIdent && t.kind != TokenKind::kDoubleQuoted) {
      return std::nullopt;
    }
    std::string s = t.text;
    next();
    return s;
  }
  /// db.table or table (default_db applied); nullopt when no name follows.
  std::optional<TableName> table_name(std::string_view default_db) {
    auto first = ident();
    if (!first) return std::nullopt;
    if (accept_symbol('.')) {
      auto second = ident();
      if (!second) return std::nullopt;
      return TableName{*first, *second};
    }
    return TableName{std::string(default_db), *first};
  }
  /// Skips one balanced parenthesised group starting at '('; false when unbalanced.
  bool skip_group() {
    if (!accept_symbol('(')) return false;
    int depth = 1;
    while (!at_end() && depth > 0) {
      if (is_symbol('(')) ++depth;
      if (is_symbol(')')) --depth;
      next();
    }
    return depth == 0;
  }
  /// Skips to the next top-level ',' or ')' (not consumed) or the end.
  void skip_item() {
    while (!at_end() && !is_symbol(',') && !is_symbol(')')) {
      if (is_symbol('(')) {
        if (!skip_group()) return;
      } else {
        next();
      }
    }
  }
  size_t offset() const { return peek().offset; }

 private:
  const std::vector<Token>& t_;
  size_t pos_ = 0;
};

/// Reads a column definition after its name: type, attributes (NOT NULL, PRIMARY KEY,
/// UNIQUE, generated...). Stops before a top-level ',' or ')' or FIRST/AFTER (ALTER).
/// False when no type can be read.
bool read_column_definition(Cursor& c, std::string name, AlterSpec& out);

/// Reads "(a, b(10) DESC, ...)" key parts into names; false when malformed. Functional key
/// parts ((expr)) are skipped.
bool read_key_columns(Cursor& c, std::vector<std::string>& out);

/// Reads an optional key name and USING clause before a key's column list.
void skip_key_name(Cursor& c, std::string* name);

/// Parses the ALTER TABLE specifications after the table name into `out`.
void parse_alter_specs(Cursor& c, std::string_view default_db, DdlStatement& out);

}  // namespace sluice::schema::ddl
