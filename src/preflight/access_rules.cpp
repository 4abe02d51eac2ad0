// Rules about reaching the server and reading its data: version, TLS, privileges, engines.
#include <algorithm>

#include "preflight/grant_set.h"
#include "preflight/rules.h"

namespace sluice::preflight {
namespace {

using S = CheckStatus;

// " (ALL PRIVILEGES)" / " (through roles `r`@`%`)": where the grants come from.
std::string grant_origin(const GrantSet& grants) {
  std::string s;
  if (grants.all_global()) s += " (ALL PRIVILEGES)";
  if (!grants.roles().empty()) s += " (roles granted: " + join_items(grants.roles(), ", ") + ")";
  return s;
}

std::string ssl_mode_text(mysql::SslMode m) {
  switch (m) {
    case mysql::SslMode::kDisabled:
      return "disabled";
    case mysql::SslMode::kPreferred:
      return "preferred";
    case mysql::SslMode::kRequired:
      return "required";
    case mysql::SslMode::kVerifyCa:
      return "verify_ca";
    case mysql::SslMode::kVerifyIdentity:
      return "verify_identity";
  }
  return "unknown";
}

CheckResult grants_unreadable(const ServerFacts& facts, std::string name) {
  return {S::kWarning, std::move(name), "cannot read the account's grants (SHOW GRANTS: " + facts.grants_error + ")",
          "check the grants by hand with SHOW GRANTS as " + grantee(facts)};
}

}  // namespace

CheckResult check_server(const ServerFacts& facts) {
  CheckResult r{S::kOk, "server", describe_server(facts) + ", version " + facts.version + ", connected as " +
                                      (facts.current_user.empty() ? "?" : facts.current_user), ""};
  bool old = facts.is_mariadb() ? !facts.at_least(10, 3) : !facts.at_least(5, 7);
  if (old) {
    r.status = S::kWarning;
    r.detail += "; this version is older than sluice supports (MySQL 5.7+, MariaDB 10.3+)";
    r.fix = "upgrade the server, or expect untested behaviour";
  }
  return r;
}

CheckResult check_tls(const ServerFacts& facts, const PreflightRequest& request) {
  std::string mode = "ssl_mode=" + ssl_mode_text(request.ssl_mode);
  if (facts.tls) {
    std::string detail = "connection encrypted (" + (facts.tls_version.empty() ? "TLS" : facts.tls_version) +
                         "), " + mode;
    if (request.ssl_mode == mysql::SslMode::kPreferred || request.ssl_mode == mysql::SslMode::kRequired) {
      return {S::kInfo, "tls", detail + "; the server certificate is not verified",
              "to verify it, set ssl_ca in config.json (ssl_mode verify_ca or verify_identity)"};
    }
    return {S::kOk, "tls", detail + ", server certificate verified", ""};
  }
  switch (request.ssl_mode) {
    case mysql::SslMode::kDisabled:
      return {S::kInfo, "tls", "connection not encrypted, as configured (" + mode + ")",
              "set \"ssl\": \"true\" in config.json to encrypt it"};
    case mysql::SslMode::kPreferred:
      return {S::kWarning, "tls", "connection not encrypted: the server offers no TLS (" + mode + ")",
              "enable TLS on the server (ssl_cert/ssl_key), or disable ssl in config.json to make it explicit"};
    default:
      return {S::kFailed, "tls", "connection not encrypted although " + mode + " requires TLS",
              "enable TLS on the server (ssl_cert/ssl_key)"};
  }
}

CheckResult check_select_privilege(const ServerFacts& facts, const PreflightRequest& request) {
  const std::string name = "privilege_select";
  if (!facts.grants_error.empty()) return grants_unreadable(facts, name);
  GrantSet grants = GrantSet::parse(facts.grants);
  std::vector<std::string> missing, partial;
  for (const std::string& db : facts.databases) {
    if (grants.has_on_database("SELECT", db)) continue;
    (grants.has_on_some_tables("SELECT", db) ? partial : missing).push_back(db);
  }
  for (const std::string& db : facts.missing_databases) missing.push_back(db);
  std::string user = grantee(facts);
  bool any_readable = missing.size() + partial.size() < facts.databases.size();
  if (!missing.empty() && request.filter_dbs.empty() && any_readable) {
    // No filter_dbs: the databases the account cannot read are simply not replicated.
    return {S::kWarning, name,
            "no SELECT on " + join_items(missing, ", ", 10) +
                "; their tables cannot be replicated (set filter_dbs to the databases you want)",
            "GRANT SELECT ON " + quote_identifier(missing.front()) + ".* TO " + user +
                "; (each database to replicate)"};
  }
  if (!missing.empty()) {
    std::string fix;
    for (const std::string& db : missing)
      fix += "GRANT SELECT ON " + quote_identifier(db) + ".* TO " + user + "; ";
    fix.pop_back();
    std::string detail =
        "no SELECT on " + join_items(missing, ", ") + " (needed by every method to read rows)";
    if (!facts.missing_databases.empty()) {
      detail +=
          "; not found or not visible: " + join_items(facts.missing_databases, ", ") + " (check filter_dbs)";
    }
    return {S::kFailed, name, detail, fix};
  }
  bool global = grants.has_global("SELECT");
  if (facts.databases.empty() && !global && grants.databases_with("SELECT").empty()) {
    return {S::kFailed, name, "no SELECT privilege on any database",
            "GRANT SELECT ON *.* TO " + user + "; (or on each database to replicate)"};
  }
  std::string where = global ? "*.*" : join_items(grants.databases_with("SELECT"), ", ");
  if (!partial.empty()) {
    return {S::kWarning, name,
            "SELECT only on some tables of " + join_items(partial, ", ") +
                "; tables without it are not replicated",
            "GRANT SELECT ON `<db>`.* TO " + user + "; if every table should be read"};
  }
  std::string scope = request.filter_dbs.empty() ? "" : " covering " + join_items(facts.databases, ", ");
  return {S::kOk, name, "SELECT on " + where + scope + grant_origin(grants), ""};
}

CheckResult check_replication_slave(const ServerFacts& facts) {
  const std::string name = "privilege_replication_slave";
  if (!facts.grants_error.empty()) return grants_unreadable(facts, name);
  GrantSet grants = GrantSet::parse(facts.grants);
  if (grants.has_global("REPLICATION SLAVE")) {
    return {S::kOk, name, "REPLICATION SLAVE on *.*" + grant_origin(grants), ""};
  }
  return {S::kFailed, name,
          "missing REPLICATION SLAVE: LOG_BASED reads the binlog as a replica (COM_BINLOG_DUMP)",
          "GRANT REPLICATION SLAVE ON *.* TO " + grantee(facts) + ";"};
}

CheckResult check_replication_client(const ServerFacts& facts) {
  const std::string name = "privilege_replication_client";
  if (!facts.grants_error.empty()) return grants_unreadable(facts, name);
  GrantSet grants = GrantSet::parse(facts.grants);
  bool mariadb_names = facts.is_mariadb() && facts.at_least(10, 5, 2);
  std::string priv = mariadb_names ? "BINLOG MONITOR" : "REPLICATION CLIENT";
  if (grants.has_global("REPLICATION CLIENT")) {
    return {S::kOk, name, priv + " on *.* (binlog position and file list)" + grant_origin(grants), ""};
  }
  std::string statement = facts.is_mariadb() ? "SHOW BINLOG STATUS / SHOW BINARY LOGS"
                          : facts.at_least(8, 2) ? "SHOW BINARY LOG STATUS / SHOW BINARY LOGS"
                                                 : "SHOW MASTER STATUS / SHOW BINARY LOGS";
  return {S::kFailed, name, "missing " + priv + ": LOG_BASED reads the binlog position with " + statement,
          "GRANT " + priv + " ON *.* TO " + grantee(facts) + ";"};
}

CheckResult check_snapshot_handoff(const ServerFacts& facts) {
  // The handoff is src/extract/binlog_position.h: it takes no lock, so it needs neither RELOAD
  // (FLUSH TABLES WITH READ LOCK, refused on RDS) nor LOCK TABLES nor BACKUP_ADMIN.
  if (facts.is_mariadb()) {
    return {S::kOk, "snapshot_handoff",
            "no lock needed: a consistent snapshot reports its own binlog position (binlog_snapshot_file/position)",
            ""};
  }
  return {S::kOk, "snapshot_handoff",
          "no lock needed (no RELOAD / LOCK TABLES): the binlog position is read just before the snapshot and "
          "the overlap is replayed as idempotent upserts",
          ""};
}

CheckResult check_table_engines(const ServerFacts& facts) {
  const std::string name = "table_engines";
  if (!facts.tables_error.empty()) {
    return {S::kInfo, name, "cannot list the tables' engines (" + facts.tables_error + ")", ""};
  }
  if (facts.non_innodb_tables.empty()) {
    if (facts.databases.empty()) return {S::kOk, name, "no user databases found (nothing to read yet)", ""};
    return {S::kOk, name, "every base table of " + join_items(facts.databases, ", ", 10) + " is InnoDB", ""};
  }
  std::vector<std::string> items;
  for (const TableEngine& t : facts.non_innodb_tables) items.push_back(t.schema + "." + t.table + " (" + t.engine + ")");
  const TableEngine& first = facts.non_innodb_tables.front();
  return {S::kWarning, name,
          "not InnoDB: " + join_items(items, ", ", 5) +
              "; no consistent snapshot for these tables: rows written during the snapshot may be read "
              "twice or missed by the handoff",
          "ALTER TABLE " + quote_identifier(first.schema) + "." + quote_identifier(first.table) +
              " ENGINE=InnoDB; (each table listed)"};
}

}  // namespace sluice::preflight
