#pragma once
/// A parser for the DDL that changes a table's columns, as MySQL and MariaDB write it to the
/// binlog's QUERY events: CREATE TABLE (columns, LIKE, ... SELECT), ALTER TABLE (column,
/// primary/unique key, rename and charset specs; index, partition and option clauses are
/// skipped), DROP TABLE, RENAME TABLE, TRUNCATE, CREATE/DROP DATABASE|SCHEMA. Anything else
/// (DML, BEGIN, views, routines, grants) is DdlKind::kOther. Pure functions; the schema
/// history (schema_history.h) applies the result. Grammar notes: docs/schema-changes.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schema/ddl_lexer.h"
#include "schema/table_schema.h"

namespace sluice::schema {

enum class DdlKind : uint8_t {
  kOther = 0,              ///< not a statement that changes tracked columns
  kCreateTable = 1,        ///< `table` holds the new definition
  kCreateTableLike = 2,    ///< tables[0] copies the columns of `like`
  kCreateTableSelect = 3,  ///< columns come from a query: unknown to the parser
  kAlterTable = 4,         ///< tables[0] changed by `specs`, in order
  kDropTable = 5,          ///< every table in `tables`
  kRenameTable = 6,        ///< tables[2i] becomes tables[2i+1]
  kTruncateTable = 7,      ///< no column change
  kCreateDatabase = 8,     ///< `database`
  kDropDatabase = 9,       ///< `database` and all its tables
  kUnparsed = 10,          ///< DDL on tables[0] that may change its columns but could not be parsed
};

/// A table name with the session default database applied.
struct TableName {
  std::string db;
  std::string table;
  std::string str() const { return db + "." + table; }
};

/// Where an added or changed column goes.
enum class Placement : uint8_t { kKeep = 0, kLast = 1, kFirst = 2, kAfter = 3 };

/// One ALTER TABLE specification that matters to the column model.
struct AlterSpec {
  enum class Op : uint8_t {
    kAddColumn = 1,      ///< `column` at `placement`
    kDropColumn = 2,     ///< `name` (if_exists: no error when absent)
    kChangeColumn = 3,   ///< MODIFY / CHANGE: column `name` becomes `column`
    kRenameColumn = 4,   ///< `name` -> `new_name`
    kAddPrimaryKey = 5,  ///< `key_columns`
    kDropPrimaryKey = 6,
    kAddUniqueKey = 7,   ///< `name`, `key_columns`
    kDropIndex = 8,      ///< `name`
    kRenameTable = 9,    ///< `new_table`
    kConvertCharset = 10,///< CONVERT TO CHARACTER SET `charset` [COLLATE `collation`]
  };
  Op op = Op::kAddColumn;
  ColumnSchema column;  ///< the new definition (ADD, MODIFY, CHANGE)
  bool primary_key = false;  ///< the column definition says PRIMARY KEY
  bool unique = false;       ///< the column definition says UNIQUE
  std::string name;
  std::string new_name;
  bool if_exists = false;   ///< DROP/MODIFY/CHANGE IF EXISTS, ADD IF NOT EXISTS (MariaDB)
  Placement placement = Placement::kKeep;
  std::string after;        ///< with Placement::kAfter
  std::vector<std::string> key_columns;
  TableName new_table;
  std::string charset;
  std::string collation;
};

struct DdlStatement {
  DdlKind kind = DdlKind::kOther;
  std::vector<TableName> tables;
  TableSchema table;               ///< kCreateTable: columns, keys (database/name set)
  TableName like;                  ///< kCreateTableLike
  std::vector<AlterSpec> specs;    ///< kAlterTable
  std::string database;            ///< kCreateDatabase, kDropDatabase
  bool if_not_exists = false;      ///< CREATE ... IF NOT EXISTS: no change when the table exists
  bool or_replace = false;         ///< MariaDB CREATE OR REPLACE TABLE
  bool temporary = false;          ///< CREATE/DROP TEMPORARY TABLE: not a tracked table
  /// kAlterTable: a clause that removes or adds rows without row events ("TRUNCATE PARTITION",
  /// "DROP PARTITION", "EXCHANGE PARTITION", MariaDB's "CONVERT PARTITION"/"CONVERT TABLE"),
  /// empty otherwise. A destination following the table's rows cannot follow it.
  std::string rows_without_events;
  TableName exchanged_with;        ///< EXCHANGE PARTITION ... WITH TABLE / CONVERT ...: the other table
  std::vector<std::string> notes;  ///< clauses skipped or not understood (debug lines)
  std::string reason;              ///< kUnparsed: what could not be parsed
};

/// Parses one statement. `default_db` is the session's database (QUERY event status), used
/// for unqualified names. Errors only for text that cannot be SQL (unterminated quote);
/// DDL this parser does not follow gives kUnparsed (a possible column change) or kOther
/// with a note.
/// `server` decides which executable comments count (ddl_lexer.h).
core::Result<DdlStatement> parse_ddl(std::string_view sql, std::string_view default_db, const SqlServer& server = {});

}  // namespace sluice::schema
