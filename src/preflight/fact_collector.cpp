#include "preflight/fact_collector.h"

#include <algorithm>
#include <set>

#include "mysql/server_status.h"
#include "preflight/collect_util.h"

namespace sluice::preflight {
namespace {

using detail::column_index;
using detail::lower;
using detail::short_error;
using detail::to_u64;

bool modern_replica_syntax(const ServerFacts& f) { return !f.is_mariadb() && f.at_least(8, 0, 22); }

core::Status read_variables(mysql::Connection& conn, const std::vector<std::string>& names, ServerFacts& f) {
  auto vars = mysql::read_global_variables(conn, names);
  if (!vars) return core::fail(vars.error());
  f.variables = std::move(*vars);
  return core::ok();
}

void read_platform(mysql::Connection& conn, ServerFacts& f) {
  std::string basedir = f.variable("basedir").value_or("");
  if (f.variable("aurora_version")) {
    f.platform = Platform::kAurora;
  } else if (basedir.rfind("/rdsdbbin", 0) == 0) {
    f.platform = Platform::kRds;
    // Aurora MySQL 2/3 also answer aurora_version(); the variable is not on every release.
    if (auto v = conn.query_value("SELECT aurora_version()"); v && *v) {
      f.platform = Platform::kAurora;
      f.variables["aurora_version"] = **v;
    }
  }
}

void read_grants(mysql::Connection& conn, ServerFacts& f) {
  if (auto u = conn.query_value("SELECT CURRENT_USER()"); u && *u) f.current_user = **u;
  std::string sql = "SHOW GRANTS";
  if (!f.is_mariadb() && f.at_least(8, 0)) {
    // MySQL lists a role's privileges only with USING; take the roles active in this session.
    auto roles = conn.query_value("SELECT CURRENT_ROLE()");
    if (roles && *roles && **roles != "NONE" && !(**roles).empty()) {
      sql = "SHOW GRANTS FOR CURRENT_USER() USING " + **roles;
    }
  }
  auto rows = conn.query(sql);
  if (!rows) {
    f.grants_error = short_error(rows.error());
    return;
  }
  for (const auto& row : *rows) {
    if (!row.empty() && row[0]) f.grants.push_back(*row[0]);
  }
}

void read_replicas(mysql::Connection& conn, ServerFacts& f) {
  std::vector<std::string> columns;
  auto rows = conn.query(modern_replica_syntax(f) ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS", columns);
  if (!rows) {
    f.replicas_error = short_error(rows.error());
    return;
  }
  int idx = column_index(columns, "server_id");
  for (const auto& row : *rows) {
    if (idx < 0 || static_cast<size_t>(idx) >= row.size() || !row[static_cast<size_t>(idx)]) continue;
    if (auto id = to_u64(*row[static_cast<size_t>(idx)])) f.replica_server_ids.push_back(*id);
  }
}

void read_replica_status(mysql::Connection& conn, ServerFacts& f) {
  const char* sql = modern_replica_syntax(f) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
  auto rows = conn.query(sql);
  if (!rows) {
    // MariaDB 10.5.9+ wants SLAVE MONITOR for SHOW SLAVE STATUS; the count of running replica
    // threads is public and tells the same for a replica that is running.
    if (f.is_mariadb()) {
      auto running = conn.query("SHOW GLOBAL STATUS LIKE 'Slaves_running'");
      if (running && !running->empty() && (*running)[0].size() >= 2 && (*running)[0][1]) {
        f.is_replica = to_u64(*(*running)[0][1]).value_or(0) > 0;
        f.replica_status_note = " (from Slaves_running; SHOW SLAVE STATUS needs SLAVE MONITOR)";
        return;
      }
    }
    f.replica_status_error = std::string(sql) + ": " + short_error(rows.error());
    return;
  }
  f.is_replica = !rows->empty();
}

void read_databases(mysql::Connection& conn, const PreflightRequest& request, ServerFacts& f) {
  auto rows = conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME");
  if (!rows) {
    f.tables_error = short_error(rows.error());
    f.databases = request.filter_dbs;
    return;
  }
  std::set<std::string> visible;
  for (const auto& row : *rows) {
    if (!row.empty() && row[0]) visible.insert(*row[0]);
  }
  if (request.filter_dbs.empty()) {
    static const std::set<std::string> kSystem = {"information_schema", "performance_schema", "mysql", "sys"};
    for (const std::string& db : visible) {
      if (!kSystem.contains(lower(db))) f.databases.push_back(db);
    }
    return;
  }
  for (const std::string& db : request.filter_dbs) {
    (visible.contains(db) ? f.databases : f.missing_databases).push_back(db);
  }
}

void read_table_engines(mysql::Connection& conn, ServerFacts& f) {
  if (f.databases.empty() || !f.tables_error.empty()) return;
  std::string list;
  for (const std::string& db : f.databases) list += (list.empty() ? "" : ", ") + conn.quote_string(db);
  auto rows = conn.query(
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "
      "AND ENGINE IS NOT NULL AND ENGINE <> 'InnoDB' AND TABLE_SCHEMA IN (" + list +
      ") ORDER BY TABLE_SCHEMA, TABLE_NAME");
  if (!rows) {
    f.tables_error = short_error(rows.error());
    return;
  }
  for (const auto& row : *rows) {
    if (row.size() < 3 || !row[0] || !row[1] || !row[2]) continue;
    f.non_innodb_tables.push_back({*row[0], *row[1], *row[2]});
  }
}

// mysql.rds_configuration holds `binlog retention hours`; the procedure is the documented way
// and works without SELECT on the mysql schema. Runs last: a CALL leaves a trailing status
// result behind on some client versions.
void read_rds_configuration(mysql::Connection& conn, ServerFacts& f) {
  std::vector<std::string> columns;
  auto rows = conn.query("SELECT name, value FROM mysql.rds_configuration", columns);
  if (!rows) rows = conn.query("CALL mysql.rds_show_configuration", columns);
  if (!rows) {
    f.rds_configuration_error = short_error(rows.error());
    return;
  }
  int name_idx = std::max(column_index(columns, "name"), 0);
  int value_idx = column_index(columns, "value");
  if (value_idx < 0) value_idx = 1;
  f.rds_configuration_read = true;
  for (const auto& row : *rows) {
    auto n = static_cast<size_t>(name_idx), v = static_cast<size_t>(value_idx);
    if (n >= row.size() || v >= row.size() || !row[n] || lower(*row[n]) != "binlog retention hours") continue;
    if (row[v]) f.rds_binlog_retention_hours = to_u64(*row[v]);
  }
}

}  // namespace

const std::vector<std::string>& collected_variable_names() {
  static const std::vector<std::string> kNames = {
      "server_id", "log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata",
      "binlog_transaction_compression", "log_bin_compress", "binlog_expire_logs_seconds", "expire_logs_days",
      "gtid_mode", "enforce_gtid_consistency", "gtid_strict_mode", "log_slave_updates", "log_replica_updates",
      "basedir", "aurora_version", "version_comment", "have_ssl", "require_secure_transport",
      // for the checks of a replication target (target_rules.h), read on the source too
      "lower_case_table_names", "sql_mode", "time_zone", "system_time_zone", "max_allowed_packet",
      "explicit_defaults_for_timestamp", "log_bin_trust_function_creators", "read_only", "super_read_only",
      "innodb_read_only"};
  return kNames;
}

core::Result<ServerFacts> collect_server_basics(mysql::Connection& conn,
                                                const std::vector<std::string>& names) {
  ServerFacts f;
  const mysql::ServerIdentity& id = conn.server();
  f.flavor = id.flavor;
  f.version = id.version;
  f.major = id.major;
  f.minor = id.minor;
  f.patch = id.patch;
  f.tls = id.tls;
  f.tls_version = id.tls_version;
  SLUICE_TRY(read_variables(conn, names, f));
  read_platform(conn, f);
  read_grants(conn, f);
  return f;
}

core::Result<ServerFacts> collect_facts(mysql::Connection& conn, const PreflightRequest& request) {
  auto basics = collect_server_basics(conn, collected_variable_names());
  if (!basics) return core::fail(basics.error());
  ServerFacts& f = *basics;
  read_databases(conn, request, f);
  read_table_engines(conn, f);
  if (request.methods.has(change::Method::kLogBased)) {
    read_replicas(conn, f);
    read_replica_status(conn, f);
    if (f.on_rds()) read_rds_configuration(conn, f);
  }
  return std::move(*basics);
}

}  // namespace sluice::preflight
