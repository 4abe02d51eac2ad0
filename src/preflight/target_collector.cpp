#include "preflight/target_collector.h"

#include <set>

#include "preflight/collect_util.h"
#include "preflight/fact_collector.h"

namespace sluice::preflight {
namespace {

using detail::column_index;
using detail::lower;
using detail::short_error;
using detail::to_u64;

// 4 GB - 1: LONGTEXT/LONGBLOB; a column this long bounds nothing.
constexpr uint64_t kUnboundedBytes = 4294967295ULL;

// Types whose mapping between the flavours the rules judge (target_rules.h).
bool watched_type(const std::string& t) {
  static const std::set<std::string> kWatched = {"json", "vector", "uuid", "inet4", "inet6"};
  return kWatched.contains(t);
}

bool unbounded_type(const std::string& t) {
  static const std::set<std::string> kTypes = {
      "json",       "geometry",        "point",        "linestring",         "polygon",
      "multipoint", "multilinestring", "multipolygon", "geometrycollection", "geomcollection"};
  return kTypes.contains(t);
}

std::string in_list(mysql::Connection& conn, const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& s : items) list += (list.empty() ? "" : ", ") + conn.quote_string(s);
  return list;
}

std::string cell(const mysql::OwnedRow& row, int idx) {
  if (idx < 0 || static_cast<size_t>(idx) >= row.size() || !row[static_cast<size_t>(idx)]) return "";
  return *row[static_cast<size_t>(idx)];
}

// "a,b, c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

void read_collations(mysql::Connection& conn, TargetFacts& t) {
  if (auto rows = conn.query("SELECT COLLATION_NAME FROM information_schema.COLLATIONS")) {
    for (const auto& row : *rows) t.collations.push_back(cell(row, 0));
  }
  // MariaDB 10.10+: the UCA 14.0 collations are listed by their full names only here.
  if (t.server.is_mariadb() && t.server.at_least(10, 10)) {
    auto rows = conn.query(
        "SELECT FULL_COLLATION_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY");
    if (rows) {
      for (const auto& row : *rows) t.collations.push_back(cell(row, 0));
    }
  }
}

void read_databases(mysql::Connection& conn, TargetFacts& t) {
  if (auto rows = conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
    for (const auto& row : *rows) t.existing_databases.push_back(cell(row, 0));
  }
}

TargetChannel channel_from(const std::vector<std::string>& cols, const mysql::OwnedRow& row) {
  auto get = [&](std::string_view modern, std::string_view old) {
    int idx = column_index(cols, modern);
    return cell(row, idx >= 0 ? idx : column_index(cols, old));
  };
  TargetChannel c;
  c.name = get("channel_name", "connection_name");
  c.source_host = get("source_host", "master_host");
  c.running = get("replica_sql_running", "slave_sql_running") == "Yes";
  c.do_dbs = split_list(get("replicate_do_db", "replicate_do_db"));
  c.ignore_dbs = split_list(get("replicate_ignore_db", "replicate_ignore_db"));
  c.do_tables = split_list(get("replicate_do_table", "replicate_do_table"));
  c.wild_do_tables = split_list(get("replicate_wild_do_table", "replicate_wild_do_table"));
  return c;
}

void read_channels(mysql::Connection& conn, TargetFacts& t) {
  const ServerFacts& f = t.server;
  const char* sql = f.is_mariadb()         ? "SHOW ALL SLAVES STATUS"
                    : f.at_least(8, 0, 22) ? "SHOW REPLICA STATUS"
                                           : "SHOW SLAVE STATUS";
  std::vector<std::string> cols;
  auto rows = conn.query(sql, cols);
  if (rows) {
    for (const auto& row : *rows) t.channels.push_back(channel_from(cols, row));
    return;
  }
  // MariaDB 10.5.9+ wants SLAVE MONITOR; the count of running replica threads is public.
  if (f.is_mariadb()) {
    auto running = conn.query("SHOW GLOBAL STATUS LIKE 'Slaves_running'");
    if (running && !running->empty() && to_u64(cell((*running)[0], 1)).value_or(0) == 0) return;
  }
  t.channels_error = std::string(sql) + ": " + short_error(rows.error());
}

// Adds one column's definition to its table's row bound and keeps it when the rules need it.
void add_column(const mysql::OwnedRow& row, std::set<std::string>& seen_collations, SourceShape& shape) {
  SourceColumn c{cell(row, 0),        cell(row, 1),        cell(row, 2),
                 lower(cell(row, 3)), lower(cell(row, 4)), cell(row, 6)};
  if (shape.tables.empty() || shape.tables.back().schema != c.schema ||
      shape.tables.back().table != c.table) {
    shape.tables.push_back({c.schema, c.table});
  }
  SourceTable& t = shape.tables.back();
  std::optional<uint64_t> octets = to_u64(cell(row, 5));
  uint64_t bytes = octets ? *octets : (c.data_type == "decimal" ? 32 : 8);
  if (unbounded_type(c.data_type) || bytes >= kUnboundedBytes) {
    t.unbounded = true;
  } else {
    t.max_row_bytes += bytes;
  }
  if (c.data_type == "timestamp") t.has_timestamp = true;
  bool new_collation = !c.collation.empty() && seen_collations.insert(c.collation).second;
  if (watched_type(c.data_type) || new_collation) shape.columns.push_back(std::move(c));
}

}  // namespace

core::Result<TargetFacts> collect_target_facts(mysql::Connection& conn) {
  auto basics = collect_server_basics(conn, collected_variable_names());
  if (!basics) return core::fail(basics.error());
  TargetFacts t;
  t.server = std::move(*basics);
  read_collations(conn, t);
  read_databases(conn, t);
  read_channels(conn, t);
  return t;
}

SourceShape collect_source_shape(mysql::Connection& conn, const std::vector<std::string>& databases) {
  SourceShape shape;
  if (databases.empty()) return shape;
  std::string list = in_list(conn, databases);
  auto rows = conn.query(
      "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, "
      "c.CHARACTER_OCTET_LENGTH, "
      "c.COLLATION_NAME FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA "
      "= "
      "c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA "
      "IN (" +
      list + ") ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION");
  if (!rows) {
    shape.error = short_error(rows.error());
    return shape;
  }
  std::set<std::string> seen_collations;
  for (const auto& row : *rows) add_column(row, seen_collations, shape);
  auto functions = conn.query(
      "SELECT ROUTINE_SCHEMA, COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION' AND "
      "ROUTINE_SCHEMA IN (" +
      list + ") GROUP BY ROUTINE_SCHEMA");
  if (functions) {
    for (const auto& row : *functions) shape.functions[cell(row, 0)] = to_u64(cell(row, 1)).value_or(0);
  }
  return shape;
}

}  // namespace sluice::preflight
