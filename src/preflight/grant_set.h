#pragma once
/// The privileges of an account, parsed from the lines of SHOW GRANTS (MySQL 5.7-9.x with
/// dynamic privileges, partial revokes and roles; MariaDB 10.x/11.x with its 10.5 names).

#include <string>
#include <string_view>
#include <vector>

namespace sluice::preflight {

/// One GRANT (or partial REVOKE) line on an object.
struct GrantLine {
  std::vector<std::string> privileges;  ///< upper-case, single-spaced ("REPLICATION SLAVE", "ALL")
  std::string database;                 ///< "*" for *.*, else the (unquoted) database pattern
  std::string table;                    ///< "*" for db.*, else the table name
  bool columns_only = false;            ///< every privilege was column-level: SELECT (a, b)
  bool revoke = false;                  ///< a partial revoke (MySQL partial_revokes=ON)
};

/// The parsed grants of one account (and its active roles, when the lines include them).
class GrantSet {
 public:
  /// Parses SHOW GRANTS output lines; lines it does not understand are kept in unparsed().
  static GrantSet parse(const std::vector<std::string>& lines);

  /// `privilege` (upper-case) granted on *.*; ALL PRIVILEGES counts. SUPER stands in for
  /// REPLICATION CLIENT, and MariaDB's 10.5 names count for the old ones (see grant_set.cpp).
  bool has_global(std::string_view privilege) const;
  /// `privilege` usable on every table of `database`: global or database-level, not revoked.
  bool has_on_database(std::string_view privilege, std::string_view database) const;
  /// `privilege` granted on some tables (or columns) of `database` only.
  bool has_on_some_tables(std::string_view privilege, std::string_view database) const;
  /// Databases (patterns, as granted) where `privilege` is granted at database level.
  std::vector<std::string> databases_with(std::string_view privilege) const;

  /// ALL PRIVILEGES on *.*.
  bool all_global() const { return has_exact_global("ALL"); }
  /// Roles granted to the account, as written ("`r1`@`%`").
  const std::vector<std::string>& roles() const { return roles_; }
  const std::vector<GrantLine>& lines() const { return grants_; }
  const std::vector<std::string>& unparsed() const { return unparsed_; }

 private:
  bool has_exact_global(std::string_view privilege) const;
  bool grants_privilege(const GrantLine& g, std::string_view privilege) const;
  std::vector<GrantLine> grants_;
  std::vector<std::string> roles_;
  std::vector<std::string> unparsed_;
};

/// SQL LIKE matching as used by database-level grants: `%` any run, `_` one character,
/// `\` escapes the next character.
bool grant_pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace sluice::preflight
