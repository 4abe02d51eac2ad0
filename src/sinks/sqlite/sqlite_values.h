#pragma once
/// How MySQL columns and core::Value cells land in SQLite (the table in docs/destinations.md):
/// integers as INTEGER (BIGINT UNSIGNED and BIT(64) above 2^63-1 as exact decimal TEXT in a
/// column without affinity), DECIMAL as exact TEXT, FLOAT/DOUBLE as REAL (FLOAT through its
/// shortest decimal, so 1.1 stays 1.1), temporal values as the JSON-lines text, binary strings
/// as BLOB, JSON/VECTOR as JSON text, GEOMETRY as WKT. Internal to src/sinks/sqlite.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/value.h"
#include "schema/table_schema.h"

namespace sluice::sinks::sqlite {

/// The declared type of `column` in CREATE TABLE / ALTER TABLE ADD COLUMN. An empty string
/// means "no affinity" (values stored exactly as bound).
std::string_view declared_type(const schema::ColumnSchema& column);

/// Binds `v` to parameter `index` (1-based). Formatted text lives in `scratch` (one string per
/// parameter, reused) until the statement has run. Returns the SQLite result code.
/// kAbsent must not be bound (the caller leaves the column out); it binds NULL.
int bind_value(sqlite3_stmt* stmt, int index, const core::Value& v, std::string& scratch);

}  // namespace sluice::sinks::sqlite
