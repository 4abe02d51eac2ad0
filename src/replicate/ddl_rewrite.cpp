#include "replicate/ddl_rewrite.h"

#include <algorithm>
#include <vector>

#include "mysql/collation_map.h"

namespace sluice::replicate {
namespace {

using schema::iequals;
using schema::Token;
using schema::TokenKind;

mysql::CollationTarget collation_target(const schema::SqlServer& target) {
  // MariaDB has uca1400 from 10.10 (version 0: unknown, taken as current).
  return {target.mariadb, !target.mariadb || target.version == 0 || target.version >= 101000};
}

// The byte after token `t` in `sql` (quoted tokens: after the closing quote).
size_t token_end(std::string_view sql, const Token& t) {
  if (t.kind != TokenKind::kQuotedIdent && t.kind != TokenKind::kDoubleQuoted && t.kind != TokenKind::kString)
    return t.offset + (t.kind == TokenKind::kSymbol ? 1 : t.text.size());
  const char q = sql[t.offset];
  size_t i = t.offset + 1;
  while (i < sql.size()) {
    if (sql[i] == '\\' && q != '`') {
      i += 2;
    } else if (sql[i] == q) {
      if (i + 1 < sql.size() && sql[i + 1] == q) {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  return sql.size();
}

struct Edit {
  size_t begin, end;
  std::string text;
};

class Rewriter {
 public:
  Rewriter(std::string_view sql, const std::vector<Token>& t, const schema::SqlServer& target)
      : sql_(sql), t_(t), target_(target) {}

  core::Result<std::string> run();

 private:
  bool word(size_t i, std::string_view w) const {
    return i < t_.size() && t_[i].kind == TokenKind::kWord && iequals(t_[i].text, w);
  }
  bool symbol(size_t i, char c) const {
    return i < t_.size() && t_[i].kind == TokenKind::kSymbol && t_[i].text.size() == 1 && t_[i].text[0] == c;
  }
  bool is_name(size_t i) const;
  size_t option_value(size_t i) const;
  bool type_position(size_t i) const;
  bool in_index_element(size_t i) const;
  void remove_option(size_t i);
  void remove_definer(size_t i);
  core::Status collation(size_t i);
  core::Status refuse(const std::string& what) const;
  core::Status at_depth_zero(size_t i);
  core::Status anywhere(size_t i);

  std::string_view sql_;
  const std::vector<Token>& t_;
  const schema::SqlServer& target_;
  std::vector<Edit> edits_;
};

core::Status Rewriter::refuse(const std::string& what) const {
  std::string stmt(sql_.substr(0, 200));
  if (sql_.size() > 200) stmt.append("...");
  return core::fail(core::ErrorCode::kUnsupported,
                    std::string(target_.mariadb ? "a MariaDB" : "a MySQL") + " target cannot hold " + what +
                        ": the statement `" + stmt +
                        "` cannot be replicated; create the object on the target yourself with types and "
                        "options it has, then restart (the statement is then taken as done)");
}

// A column or other name: a quoted identifier, or a word that is not a keyword starting a
// clause of a column list.
bool Rewriter::is_name(size_t i) const {
  if (t_[i].kind == TokenKind::kQuotedIdent) return true;
  if (t_[i].kind != TokenKind::kWord) return false;
  for (const char* k :
       {"KEY", "INDEX", "UNIQUE", "PRIMARY", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK",
        "PERIOD", "DEFAULT", "TABLE", "EXISTS", "COLUMN", "ADD", "MODIFY", "CHANGE"}) {
    if (iequals(t_[i].text, k)) return false;
  }
  return true;
}

// Token i is the type of a column definition: `(name TYPE`, `, name TYPE`, `ADD [COLUMN] name
// TYPE`, `MODIFY [COLUMN] name TYPE`, `CHANGE [COLUMN] old new TYPE`, `... IF NOT EXISTS name TYPE`.
bool Rewriter::type_position(size_t i) const {
  if (i < 2 || !is_name(i - 1)) return false;
  if (symbol(i - 2, '(') || symbol(i - 2, ',')) return true;
  for (const char* w : {"ADD", "COLUMN", "MODIFY", "EXISTS"}) {
    if (word(i - 2, w)) return true;
  }
  return i >= 3 && is_name(i - 2) && (word(i - 3, "CHANGE") || word(i - 3, "COLUMN"));
}

// Token i belongs to an index definition: its element (back to the `(` or `,` that opens it)
// says KEY, INDEX, UNIQUE, PRIMARY, FULLTEXT or SPATIAL.
bool Rewriter::in_index_element(size_t i) const {
  int nesting = 0;
  for (size_t k = i; k-- > 0;) {
    if (symbol(k, ')')) ++nesting;
    if (symbol(k, '(') && nesting-- == 0) return false;
    if (symbol(k, ',') && nesting == 0) return false;
    if (nesting == 0) {
      for (const char* w : {"KEY", "INDEX", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL"}) {
        if (word(k, w)) return true;
      }
    }
  }
  return false;
}

// The value of the table option named at i (`NAME = value`, `NAME 'value'`, `NAME 1`), or 0 when
// the word is not an option there (a table called so, `ALTER TABLE encryption ADD ...`).
size_t Rewriter::option_value(size_t i) const {
  if (symbol(i + 1, '=')) return i + 2 < t_.size() - 1 ? i + 2 : 0;
  const TokenKind k = t_[i + 1].kind;
  return k == TokenKind::kString || k == TokenKind::kNumber ? i + 1 : 0;
}

// Removes the table option at i: `[DEFAULT] NAME [=] value` and one comma next to it.
void Rewriter::remove_option(size_t i) {
  size_t first = word(i - 1, "DEFAULT") ? i - 1 : i;
  const size_t value = option_value(i);
  size_t begin = t_[first].offset;
  size_t end = token_end(sql_, t_[value]);
  if (symbol(value + 1, ',')) {
    end = t_[value + 2].offset;
  } else if (first > 0 && symbol(first - 1, ',')) {
    begin = t_[first - 1].offset;
  }
  edits_.push_back({begin, end, ""});
}

// Removes `DEFINER = user[@host]` / `DEFINER = CURRENT_USER[()]` starting at i.
void Rewriter::remove_definer(size_t i) {
  size_t k = i + 2;
  if (word(k, "CURRENT_USER")) {
    if (symbol(k + 1, '(') && symbol(k + 2, ')')) k += 2;
  } else if (symbol(k + 1, '@')) {
    k += 2;
  }
  edits_.push_back({t_[i].offset, token_end(sql_, t_[k]), ""});
}

// Token i names a collation (after COLLATE [=]).
core::Status Rewriter::collation(size_t i) {
  const mysql::CollationMapping m = mysql::map_collation(t_[i].text, collation_target(target_));
  if (!m.applies) return core::ok();
  if (m.name.empty()) return refuse("collation " + t_[i].text);
  edits_.push_back({t_[i].offset, token_end(sql_, t_[i]), m.name});
  return core::ok();
}

// DEFINER, table and database options (outside any parentheses).
core::Status Rewriter::at_depth_zero(size_t i) {
  const std::string& w = t_[i].text;
  if (iequals(w, "DEFINER") && symbol(i + 1, '=')) {
    remove_definer(i);
    return core::ok();
  }
  const size_t v = option_value(i);
  if (v == 0) return core::ok();
  if (target_.mariadb) {
    if (iequals(w, "ENCRYPTION")) {
      if (!iequals(t_[v].text, "N"))
        return refuse("ENCRYPTION='" + t_[v].text + "' (MySQL's keyring encryption)");
      remove_option(i);
    } else if (iequals(w, "SECONDARY_ENGINE") || iequals(w, "SECONDARY_ENGINE_ATTRIBUTE")) {
      remove_option(i);
    }
    return core::ok();
  }
  if (iequals(w, "PAGE_CHECKSUM") || iequals(w, "TRANSACTIONAL")) {
    remove_option(i);
  } else if (iequals(w, "ENCRYPTED")) {
    if (!iequals(t_[v].text, "NO") && t_[v].text != "0") return refuse("ENCRYPTED=" + t_[v].text);
    remove_option(i);
  } else if (iequals(w, "ENCRYPTION_KEY_ID")) {
    return refuse("ENCRYPTION_KEY_ID (MariaDB's data-at-rest encryption)");
  }
  return core::ok();
}

// Types, index visibility, WITH SYSTEM VERSIONING, wherever they are.
core::Status Rewriter::anywhere(size_t i) {
  const std::string& w = t_[i].text;
  if (target_.mariadb) {
    // MariaDB 11.7+ has a VECTOR of the same float32 bytes.
    if (iequals(w, "VECTOR") && type_position(i) && target_.version < 110700) {
      return refuse("a VECTOR column (MySQL's vector type; MariaDB has one from 11.7)");
    }
    if (iequals(w, "INVISIBLE") && target_.version >= 100600 && in_index_element(i))
      edits_.push_back({t_[i].offset, t_[i].offset + w.size(), "IGNORED"});
  } else {
    const bool type = type_position(i) && !symbol(i + 1, '(');
    if (type && (iequals(w, "INET4") || iequals(w, "INET6"))) {
      edits_.push_back(
          {t_[i].offset, t_[i].offset + w.size(), iequals(w, "INET4") ? "BINARY(4)" : "BINARY(16)"});
    } else if (type && iequals(w, "UUID")) {
      return refuse("a UUID column (MariaDB's UUID type; the binlog carries its stored byte order)");
    } else if (iequals(w, "WITH") && word(i + 1, "SYSTEM") && word(i + 2, "VERSIONING")) {
      return refuse("WITH SYSTEM VERSIONING (MariaDB's system-versioned tables)");
    } else if (iequals(w, "IGNORED") && in_index_element(i)) {
      const bool negated = word(i - 1, "NOT");
      edits_.push_back(
          {t_[negated ? i - 1 : i].offset, t_[i].offset + w.size(), negated ? "VISIBLE" : "INVISIBLE"});
    }
  }
  return core::ok();
}

core::Result<std::string> Rewriter::run() {
  int depth = 0;
  for (size_t i = 0; i + 1 < t_.size(); ++i) {
    if (symbol(i, '(')) ++depth;
    if (symbol(i, ')')) --depth;
    const bool name_token = t_[i].kind == TokenKind::kWord || t_[i].kind == TokenKind::kQuotedIdent ||
                            t_[i].kind == TokenKind::kString || t_[i].kind == TokenKind::kDoubleQuoted;
    if (name_token && i > 0 && (word(i - 1, "COLLATE") || (symbol(i - 1, '=') && word(i - 2, "COLLATE")))) {
      SLUICE_TRY(collation(i));
      continue;
    }
    if (t_[i].kind != TokenKind::kWord) continue;
    if (depth == 0 && i > 0) SLUICE_TRY(at_depth_zero(i));
    SLUICE_TRY(anywhere(i));
  }
  std::sort(edits_.begin(), edits_.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  std::string out(sql_);
  size_t limit = out.size();
  for (const Edit& e : edits_) {
    if (e.end > limit) continue;  // overlaps the edit after it
    out.replace(e.begin, e.end - e.begin, e.text);
    limit = e.begin;
  }
  return out;
}

}  // namespace

core::Result<std::string> rewrite_ddl(std::string_view sql, const schema::SqlServer& target) {
  auto tokens = schema::tokenize_sql(sql, target);
  if (!tokens) return std::string(sql);  // not SQL this lexer reads: the target says what is wrong
  return Rewriter(sql, *tokens, target).run();
}

std::string mariadb_collation_for_mysql_id(uint32_t id, const schema::SqlServer& target) {
  const std::string_view name = mysql::mysql_only_collation_name(id);
  if (!target.mariadb || name.empty()) return "";
  return mysql::map_collation(name, collation_target(target)).name;
}

}  // namespace sluice::replicate
