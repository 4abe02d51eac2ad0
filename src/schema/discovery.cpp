// discover(): runs the information_schema queries of discovery_sql.cpp on a connection.
#include "schema/discovery.h"

#include "mysql/connection.h"

namespace sluice::schema {
namespace {

core::Result<InfoRows> run(mysql::Connection& conn, const std::string& sql, std::string_view what,
                           DiscoveryStats& stats) {
  ++stats.queries;
  auto rows = conn.query(sql);
  if (!rows) return core::fail(rows.error().with_context("discovery: reading information_schema." + std::string(what)));
  return std::move(*rows);
}

}  // namespace

core::Result<std::vector<TableSchema>> discover(mysql::Connection& conn, const DiscoveryOptions& options,
                                                DiscoveryStats* stats) {
  DiscoveryStats local;
  DiscoveryStats& st = stats ? *stats : local;
  QuoteFn quote = [&conn](std::string_view v) { return conn.quote_string(v); };
  const mysql::ServerIdentity& server = conn.server();
  bool mysql8 = server.flavor == mysql::Flavor::kMySQL && server.major >= 8;
  if (mysql8) {
    // MySQL 8+ caches TABLE_ROWS for a day by default; ask for the current estimate.
    ++st.queries;
    SLUICE_TRY(conn.execute("SET SESSION information_schema_stats_expiry = 0"));
  }
  InfoSchemaRows rows;
  auto tables = run(conn, tables_sql(options, quote), "TABLES", st);
  if (!tables) return core::fail(tables.error());
  rows.tables = std::move(*tables);
  auto columns = run(conn, columns_sql(options, quote, mysql8), "COLUMNS", st);
  if (!columns) return core::fail(columns.error());
  rows.columns = std::move(*columns);
  auto keys = run(conn, keys_sql(options, quote), "STATISTICS", st);
  if (!keys) return core::fail(keys.error());
  rows.keys = std::move(*keys);
  if (server.flavor == mysql::Flavor::kMariaDB) {
    auto checks = run(conn, json_checks_sql(options, quote), "CHECK_CONSTRAINTS", st);
    if (!checks) return core::fail(checks.error());
    rows.json_checks = std::move(*checks);
  }
  return build_tables(rows);
}

namespace {

std::string table_where(mysql::Connection& conn, const std::string& db, const std::string& table) {
  return "TABLE_SCHEMA = " + conn.quote_string(db) + " AND TABLE_NAME = " + conn.quote_string(table);
}

}  // namespace

core::Result<bool> has_index_led_by(mysql::Connection& conn, const std::string& db, const std::string& table,
                                    const std::string& column) {
  auto v = conn.query_value("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE " +
                            table_where(conn, db, table) + " AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = " +
                            conn.quote_string(column));
  if (!v) return core::fail(v.error());
  return !*v || **v != "0";
}

core::Result<bool> has_column_grants(mysql::Connection& conn, const std::string& db, const std::string& table) {
  auto v = conn.query_value("SELECT COUNT(*) FROM information_schema.COLUMN_PRIVILEGES WHERE " +
                            table_where(conn, db, table));
  if (!v) return core::fail(v.error());
  return *v && **v != "0";
}

}  // namespace sluice::schema
