#pragma once
/// From a column's type text to the model: DATA_TYPE ("int", "longtext") and COLUMN_TYPE
/// ("int(10) unsigned", "enum('a','b')", "datetime(6)") as information_schema shows them
/// on MySQL 8/9 and MariaDB 10/11, or as a DDL statement spells them. Pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "schema/table_schema.h"

namespace sluice::schema {

/// The kind of a column from its DATA_TYPE (any case) and COLUMN_TYPE. MariaDB JSON is a
/// LONGTEXT to this function: discovery turns it into kJson when a json_valid() CHECK
/// guards the column (see mark_json_columns in discovery.h).
ColumnKind classify_type(std::string_view data_type, std::string_view column_type);

/// Fills what the type text says: kind, is_unsigned, is_boolean, enum_values,
/// geometry_type, precision/scale (DECIMAL, BIT, VECTOR), fsp, and max_length for
/// CHAR/VARCHAR/TEXT/ENUM/SET when absent. Reads column.data_type and column.column_type;
/// values already set from information_schema (max_length, precision...) are kept.
void apply_column_type(ColumnSchema& column);

/// A column described only by its type text (DDL, tests): name, data_type, column_type, then
/// apply_column_type(). `data_type` may be empty: it is then the first word of column_type.
ColumnSchema column_from_type(std::string_view name, std::string_view data_type,
                              std::string_view column_type);

/// The labels of "enum('a','b''c')" or "set('x','y')": quotes undone ('' -> ').
/// Empty when column_type is not an ENUM/SET definition.
std::vector<std::string> parse_enum_values(std::string_view column_type);

/// The numbers in the first parentheses of a type: "decimal(20,6)" -> {20, 6},
/// "varchar(255)" -> {255}; empty when there are none or they are not numbers.
std::vector<uint64_t> parse_type_arguments(std::string_view column_type);

/// True when the column can serve as a Key-based Incremental replication key: its values
/// have an order the server's comparison and sluice's bookmark agree on (integers, DECIMAL,
/// FLOAT/DOUBLE, YEAR, DATE, TIME, DATETIME, TIMESTAMP, CHAR, VARCHAR).
bool can_be_replication_key(const ColumnSchema& column);

}  // namespace sluice::schema
