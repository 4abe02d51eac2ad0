#include "preflight/grant_set.h"

#include <algorithm>
#include <cctype>

namespace sluice::preflight {
namespace {

constexpr size_t npos = std::string_view::npos;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals_at(std::string_view s, size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[pos + i])) != word[i]) return false;
  }
  return true;
}

// Position of ` WORD ` (upper-case `word`) outside quotes and parentheses, or npos.
size_t find_keyword(std::string_view s, std::string_view word, size_t from = 0) {
  char quote = 0;
  int depth = 0;
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote reopens at the next character: same effect
      continue;
    }
    if (c == '`' || c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      depth = std::max(0, depth - 1);
    } else if (depth == 0 && c == ' ' && iequals_at(s, i + 1, word) && i + 1 + word.size() < s.size() &&
               s[i + 1 + word.size()] == ' ') {
      return i;
    }
  }
  return npos;
}

// Splits at commas outside quotes and parentheses.
std::vector<std::string_view> split_list(std::string_view s) {
  std::vector<std::string_view> out;
  char quote = 0;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '`' || c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      depth = std::max(0, depth - 1);
    } else if (c == ',' && depth == 0) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(trim(s.substr(start)));
  return out;
}

// Upper-cases and collapses runs of spaces: "replication  slave" -> "REPLICATION SLAVE".
std::string normalize_privilege(std::string_view p) {
  std::string out;
  for (char c : p) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out == "ALL PRIVILEGES") out = "ALL";
  return out;
}

// Reads one identifier at the front of `s` (`quoted`, 'quoted', "quoted", * or bare) and
// advances `s` past it. False on a malformed identifier.
bool read_identifier(std::string_view& s, std::string& out) {
  out.clear();
  if (s.empty()) return false;
  char q = s.front();
  if (q == '`' || q == '\'' || q == '"') {
    size_t i = 1;
    while (i < s.size()) {
      if (s[i] == q) {
        if (i + 1 < s.size() && s[i + 1] == q) {  // doubled quote = the character itself
          out += q;
          i += 2;
          continue;
        }
        s.remove_prefix(i + 1);
        return true;
      }
      out += s[i++];
    }
    return false;
  }
  size_t end = 0;
  while (end < s.size() && s[end] != '.' && !std::isspace(static_cast<unsigned char>(s[end]))) ++end;
  out.assign(s.substr(0, end));
  s.remove_prefix(end);
  return !out.empty();
}

// `db`.`table` / `db`.* / *.* / *; false for routines and anything unreadable.
bool parse_object(std::string_view object, GrantLine& g) {
  object = trim(object);
  if (iequals_at(object, 0, "PROCEDURE ") || iequals_at(object, 0, "FUNCTION ")) return false;
  if (iequals_at(object, 0, "TABLE ")) object = trim(object.substr(6));
  if (!read_identifier(object, g.database)) return false;
  if (object.empty()) {  // a bare `*` means the default database; treat it as global
    g.table = "*";
    return g.database == "*";
  }
  if (object.front() != '.') return false;
  object.remove_prefix(1);
  return read_identifier(object, g.table) && trim(object).empty();
}

bool parse_privileges(std::string_view list, GrantLine& g) {
  bool all_columns = true;
  for (std::string_view item : split_list(list)) {
    size_t paren = item.find('(');
    if (paren == npos) all_columns = false;
    std::string name = normalize_privilege(item.substr(0, paren));
    if (name.empty()) return false;
    g.privileges.push_back(std::move(name));
  }
  g.columns_only = all_columns;
  return !g.privileges.empty();
}

}  // namespace

bool grant_pattern_matches(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  char c = pattern.front();
  if (c == '%') {
    for (size_t i = 0; i <= name.size(); ++i) {
      if (grant_pattern_matches(pattern.substr(1), name.substr(i))) return true;
    }
    return false;
  }
  if (name.empty()) return false;
  if (c == '_') return grant_pattern_matches(pattern.substr(1), name.substr(1));
  if (c == '\\' && pattern.size() > 1) {
    return pattern[1] == name.front() && grant_pattern_matches(pattern.substr(2), name.substr(1));
  }
  return c == name.front() && grant_pattern_matches(pattern.substr(1), name.substr(1));
}

GrantSet GrantSet::parse(const std::vector<std::string>& lines) {
  GrantSet set;
  for (const std::string& raw : lines) {
    std::string_view line = trim(raw);
    bool revoke = iequals_at(line, 0, "REVOKE ");
    if (!revoke && !iequals_at(line, 0, "GRANT ")) {
      set.unparsed_.push_back(raw);
      continue;
    }
    std::string_view rest = line.substr(revoke ? 7 : 6);
    size_t on = find_keyword(rest, "ON");
    size_t to = find_keyword(rest, revoke ? "FROM" : "TO");
    if (to == npos) {
      set.unparsed_.push_back(raw);
      continue;
    }
    if (on == npos || on > to) {  // GRANT `role`@`%`, `r2` TO `user`@`%`: role grants
      if (!revoke) {
        for (std::string_view r : split_list(rest.substr(0, to))) set.roles_.emplace_back(r);
      }
      continue;
    }
    GrantLine g;
    g.revoke = revoke;
    if (!parse_privileges(rest.substr(0, on), g) || !parse_object(rest.substr(on + 4, to - on - 4), g)) {
      if (!iequals_at(trim(rest.substr(on + 4)), 0, "PROCEDURE ") &&
          !iequals_at(trim(rest.substr(on + 4)), 0, "FUNCTION ")) {
        set.unparsed_.push_back(raw);
      }
      continue;
    }
    set.grants_.push_back(std::move(g));
  }
  return set;
}

bool GrantSet::grants_privilege(const GrantLine& g, std::string_view privilege) const {
  for (const std::string& p : g.privileges) {
    if (p == privilege || p == "ALL") return true;
    // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (SHOW GRANTS prints the new
    // name); SUPER allows SHOW MASTER/BINARY LOG STATUS on MySQL and older MariaDB.
    if (privilege == "REPLICATION CLIENT" && (p == "BINLOG MONITOR" || p == "SUPER")) return true;
  }
  return false;
}

bool GrantSet::has_exact_global(std::string_view privilege) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const GrantLine& g) {
    return !g.revoke && g.database == "*" &&
           std::find(g.privileges.begin(), g.privileges.end(), privilege) != g.privileges.end();
  });
}

bool GrantSet::has_global(std::string_view privilege) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const GrantLine& g) {
    return !g.revoke && g.database == "*" && grants_privilege(g, privilege);
  });
}

bool GrantSet::has_on_database(std::string_view privilege, std::string_view database) const {
  bool revoked = false, granted_db = false;
  for (const GrantLine& g : grants_) {
    if (g.database == "*" || g.table != "*" || !grants_privilege(g, privilege)) continue;
    if (g.revoke) {
      // Partial revokes name databases literally (no wildcards).
      if (g.database == database) revoked = true;
    } else if (grant_pattern_matches(g.database, database)) {
      granted_db = true;
    }
  }
  if (granted_db) return true;
  return !revoked && has_global(privilege);
}

bool GrantSet::has_on_some_tables(std::string_view privilege, std::string_view database) const {
  return std::any_of(grants_.begin(), grants_.end(), [&](const GrantLine& g) {
    return !g.revoke && g.database != "*" && g.table != "*" && g.database == database &&
           grants_privilege(g, privilege);
  });
}

std::vector<std::string> GrantSet::databases_with(std::string_view privilege) const {
  std::vector<std::string> out;
  for (const GrantLine& g : grants_) {
    if (!g.revoke && g.database != "*" && g.table == "*" && grants_privilege(g, privilege)) {
      out.push_back(g.database);
    }
  }
  return out;
}

}  // namespace sluice::preflight
