#pragma once
/// Discovery: a server's databases, tables, views, columns and keys from information_schema,
/// in a fixed number of queries whatever the number of tables (TABLES, COLUMNS, STATISTICS,
/// and on MariaDB CHECK_CONSTRAINTS to recognise JSON columns). The SQL and the
/// rows -> model step are separate pure functions so they are tested without a server.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schema/table_schema.h"

namespace sluice::mysql {
class Connection;
}

namespace sluice::schema {

/// Which tables to discover. System schemas (mysql, information_schema,
/// performance_schema, sys) are never included.
struct DiscoveryOptions {
  std::vector<std::string> databases;  ///< only these databases; empty = all
  std::vector<std::string> tables;     ///< only these table names; empty = all
};

/// Splits the Singer config's `filter_dbs` ("db1, db2") into names; blanks are dropped.
std::vector<std::string> parse_filter_dbs(std::string_view filter_dbs);

/// One information_schema result: rows of nullable strings, as the client library gives them.
using InfoRow = std::vector<std::optional<std::string>>;
using InfoRows = std::vector<InfoRow>;

/// The results discovery reads, each with the columns of the matching *_sql() query.
struct InfoSchemaRows {
  InfoRows tables;       ///< tables_sql()
  InfoRows columns;      ///< columns_sql()
  InfoRows keys;         ///< keys_sql()
  InfoRows json_checks;  ///< json_checks_sql() (MariaDB only; empty on MySQL)
};

/// Quotes a value as an SQL string literal (Connection::quote_string in production).
using QuoteFn = std::function<std::string(std::string_view)>;

/// TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, ENGINE of base tables and views.
std::string tables_sql(const DiscoveryOptions& options, const QuoteFn& quote);
/// TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE,
/// IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION,
/// NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_KEY,
/// EXTRA, SRS_ID (NULL unless `with_srs_id`: MySQL 8+).
std::string columns_sql(const DiscoveryOptions& options, const QuoteFn& quote, bool with_srs_id);
/// TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME of unique indexes.
std::string keys_sql(const DiscoveryOptions& options, const QuoteFn& quote);
/// CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE of json_valid() checks (MariaDB).
std::string json_checks_sql(const DiscoveryOptions& options, const QuoteFn& quote);

/// The column a MariaDB CHECK clause "json_valid(`c`)" guards ("c"), or empty.
std::string json_valid_column(std::string_view check_clause);

/// Builds the model from the query results (tables in the order of rows.tables). A table
/// whose columns are missing is dropped (it vanished between the queries); malformed rows
/// give an error.
core::Result<std::vector<TableSchema>> build_tables(const InfoSchemaRows& rows);

/// Counters of one discovery, for tests and --verbose.
struct DiscoveryStats {
  size_t queries = 0;  ///< statements sent to the server
};

/// Runs the queries on `conn` and builds the model. `stats` (optional) counts statements.
core::Result<std::vector<TableSchema>> discover(mysql::Connection& conn, const DiscoveryOptions& options,
                                                DiscoveryStats* stats = nullptr);

/// False when no index of `db`.`table` begins with `column` (information_schema.STATISTICS);
/// true when one does or the server did not say.
core::Result<bool> has_index_led_by(mysql::Connection& conn, const std::string& db, const std::string& table,
                                    const std::string& column);

/// True when `db`.`table` is granted to this user column by column
/// (information_schema.COLUMN_PRIVILEGES lists a column of it).
core::Result<bool> has_column_grants(mysql::Connection& conn, const std::string& db, const std::string& table);

}  // namespace sluice::schema
