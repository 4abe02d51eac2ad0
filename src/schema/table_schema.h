#pragma once
/// The in-memory model of a server's tables as discovery sees them: databases, tables and
/// views, columns with their exact types, primary and unique keys. Built from
/// information_schema by discovery.h (or by the binlog schema history from DDL); read by
/// the Singer catalog writer, the replication jobs and the value encoders. Plain values,
/// no references to a connection: copy, keep or compare them freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::schema {

/// What a column holds, decided once from information_schema's DATA_TYPE and COLUMN_TYPE
/// (type_mapping.h). Every MySQL 8/9 and MariaDB 10/11 type has a kind; kUnknown is for a
/// type a future server may add (the catalog marks such a column "unsupported").
enum class ColumnKind : uint8_t {
  kUnknown = 0,
  kTinyInt = 1,    ///< TINYINT (TINYINT(1)/BOOL too: see ColumnSchema::is_boolean)
  kSmallInt = 2,
  kMediumInt = 3,
  kInt = 4,
  kBigInt = 5,
  kDecimal = 6,    ///< DECIMAL/NUMERIC(precision, scale): exact
  kFloat = 7,
  kDouble = 8,
  kBit = 9,        ///< BIT(precision)
  kYear = 10,
  kDate = 11,
  kTime = 12,      ///< TIME(fsp)
  kDateTime = 13,  ///< DATETIME(fsp)
  kTimestamp = 14, ///< TIMESTAMP(fsp), stored in UTC
  kChar = 15,
  kVarchar = 16,
  kText = 17,      ///< TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT (not MariaDB JSON: kJson)
  kBinary = 18,
  kVarbinary = 19,
  kBlob = 20,      ///< TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB
  kEnum = 21,
  kSet = 22,
  kJson = 23,      ///< MySQL JSON, or MariaDB LONGTEXT with a json_valid() CHECK
  kGeometry = 24,  ///< GEOMETRY and its subtypes (geometry_type says which)
  kVector = 25,    ///< VECTOR(dimension) (MySQL 9, MariaDB 11.7)
  kInet4 = 26,     ///< MariaDB INET4
  kInet6 = 27,     ///< MariaDB INET6
  kUuid = 28,      ///< MariaDB UUID
};

/// The lower-case name of a kind ("bigint", "json"...), for messages and tests.
std::string_view kind_name(ColumnKind kind);

/// One column of a table or view.
struct ColumnSchema {
  std::string name;
  uint32_t ordinal = 0;         ///< 1-based ORDINAL_POSITION
  std::string data_type;        ///< DATA_TYPE, lower case: "int", "varchar", "longtext"
  std::string column_type;      ///< COLUMN_TYPE as the server shows it: "int(10) unsigned"
  ColumnKind kind = ColumnKind::kUnknown;
  bool nullable = true;
  bool is_unsigned = false;     ///< integer/decimal/float declared UNSIGNED
  bool is_boolean = false;      ///< TINYINT(1) (BOOL, BOOLEAN): a boolean in Singer output
  bool auto_increment = false;
  bool generated = false;       ///< a VIRTUAL or STORED generated column
  std::string charset;          ///< CHARACTER_SET_NAME; "binary" for byte strings; empty otherwise
  std::string collation;        ///< COLLATION_NAME; empty when none
  std::optional<uint64_t> max_length;    ///< CHARACTER_MAXIMUM_LENGTH (characters)
  std::optional<uint64_t> octet_length;  ///< CHARACTER_OCTET_LENGTH (bytes)
  uint32_t precision = 0;       ///< DECIMAL digits, BIT width, VECTOR dimension
  uint32_t scale = 0;           ///< DECIMAL digits after the point
  uint8_t fsp = 0;              ///< TIME/DATETIME/TIMESTAMP fractional digits 0..6
  std::vector<std::string> enum_values;  ///< ENUM labels or SET members, in declared order
  std::string geometry_type;    ///< "geometry", "point", "linestring"... for kGeometry
  std::optional<uint32_t> srid; ///< a geometry column's declared SRID (MySQL SRS_ID)
};

/// A PRIMARY KEY or UNIQUE index: its column names in key order.
struct KeySchema {
  std::string name;  ///< "PRIMARY" for the primary key
  std::vector<std::string> columns;
};

/// A base table or a view.
struct TableSchema {
  std::string database;
  std::string name;
  bool is_view = false;
  std::string engine;                 ///< "InnoDB"...; empty for views
  std::optional<uint64_t> row_count;  ///< TABLE_ROWS: an estimate for InnoDB; none for views
  std::vector<ColumnSchema> columns;  ///< in ordinal order
  std::vector<std::string> primary_key;  ///< column names in key order; empty when none
  std::vector<KeySchema> unique_keys;    ///< UNIQUE indexes other than the primary key

  /// The column called `column_name` (exact, case-sensitive match), or nullptr.
  const ColumnSchema* find_column(std::string_view column_name) const;
  /// True when `column_name` is part of the primary key.
  bool in_primary_key(std::string_view column_name) const;
  /// "db-table": the Singer tap_stream_id.
  std::string stream_id() const { return database + "-" + name; }
};

}  // namespace sluice::schema
