// The information_schema queries of discovery (see discovery.h), and small parsers of their text.
#include <string>

#include "schema/discovery.h"

namespace sluice::schema {
namespace {

constexpr std::string_view kSystemSchemas = "('mysql','information_schema','performance_schema','sys')";

// " AND <schema_col> IN (...) AND <table_col> IN (...)" for the options, after the system filter.
std::string where_clause(const DiscoveryOptions& o, const QuoteFn& quote, std::string_view schema_col,
                         std::string_view table_col) {
  std::string w = " WHERE " + std::string(schema_col) + " NOT IN " + std::string(kSystemSchemas);
  auto in_list = [&](std::string_view col, const std::vector<std::string>& names) {
    if (names.empty()) return;
    w += " AND " + std::string(col) + " IN (";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) w += ',';
      w += quote(names[i]);
    }
    w += ')';
  };
  in_list(schema_col, o.databases);
  in_list(table_col, o.tables);
  return w;
}

}  // namespace

std::vector<std::string> parse_filter_dbs(std::string_view filter_dbs) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = filter_dbs.find(',');
    std::string_view part = filter_dbs.substr(0, comma);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    filter_dbs.remove_prefix(comma + 1);
  }
  return out;
}

std::string tables_sql(const DiscoveryOptions& options, const QuoteFn& quote) {
  // MariaDB calls a system-versioned base table 'SYSTEM VERSIONED'; sequences are left out.
  return "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, ENGINE FROM information_schema.TABLES" +
         where_clause(options, quote, "TABLE_SCHEMA", "TABLE_NAME") +
         " AND TABLE_TYPE IN ('BASE TABLE','VIEW','SYSTEM VERSIONED')";
}

std::string columns_sql(const DiscoveryOptions& options, const QuoteFn& quote, bool with_srs_id) {
  return std::string(
             "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
             "IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, "
             "NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_KEY, EXTRA, ") +
         (with_srs_id ? "SRS_ID" : "NULL") + " FROM information_schema.COLUMNS" +
         where_clause(options, quote, "TABLE_SCHEMA", "TABLE_NAME") +
         " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";
}

std::string keys_sql(const DiscoveryOptions& options, const QuoteFn& quote) {
  return "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM "
         "information_schema.STATISTICS" +
         where_clause(options, quote, "TABLE_SCHEMA", "TABLE_NAME") +
         " AND NON_UNIQUE = 0 ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
}

std::string json_checks_sql(const DiscoveryOptions& options, const QuoteFn& quote) {
  return "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS" +
         where_clause(options, quote, "CONSTRAINT_SCHEMA", "TABLE_NAME") +
         " AND CHECK_CLAUSE LIKE 'json_valid(%'";
}

std::string json_valid_column(std::string_view clause) {
  constexpr std::string_view kPrefix = "json_valid(`";
  if (!clause.starts_with(kPrefix) || !clause.ends_with("`)")) return {};
  std::string_view quoted = clause.substr(kPrefix.size(), clause.size() - kPrefix.size() - 2);
  std::string name;
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '`') {
      // Inside the identifier a backtick is doubled; a lone one means a longer expression.
      if (i + 1 >= quoted.size() || quoted[i + 1] != '`') return {};
      ++i;
    }
    name += quoted[i];
  }
  return name;
}

}  // namespace sluice::schema
