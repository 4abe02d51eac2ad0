#pragma once
/// PostgreSQL column types for MySQL columns and the COPY text-format encoding of core values
/// (docs/postgres.md has the table). Pure functions, no libpq; thread-safe.

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "schema/table_schema.h"

namespace sluice::sinks::pg {

/// How a column's values are written in COPY text.
enum class PgEncoding : uint8_t {
  kBoolean = 0,    ///< TINYINT(1), BIT(1): t / f
  kInteger = 1,    ///< smallint, integer, bigint, numeric(20,0): digits
  kNumeric = 2,    ///< numeric(p,s): the exact digits
  kReal = 3,       ///< real (FLOAT): shortest round-trip text
  kDouble = 4,     ///< double precision
  kText = 5,       ///< text: strings, ENUM, SET, GEOMETRY (WKT), INET, UUID
  kBytea = 6,      ///< bytea, hex form
  kJsonb = 7,
  kDate = 8,       ///< zero dates -> NULL
  kInterval = 9,   ///< TIME: an interval (negative and > 24 h kept)
  kTimestamp = 10, ///< DATETIME: timestamp without time zone
  kTimestampTz = 11,  ///< TIMESTAMP: timestamptz, written with "+00"
  kRealArray = 12,    ///< VECTOR: real[]
};

struct PgColumnType {
  std::string sql;  ///< the PostgreSQL type: "numeric(10,2)", "timestamptz"...
  PgEncoding encoding = PgEncoding::kText;
};

/// The PostgreSQL type of a MySQL column. Fails (kUnsupported) for a kind with no mapping.
core::Result<PgColumnType> pg_column_type(const schema::ColumnSchema& column);

/// Appends `v` in COPY text format (escaped; `\N` for NULL and zero dates). Fails with a message
/// naming what does not fit (a NUL character in text, a value of the wrong kind).
core::Status append_copy_value(std::string& out, PgEncoding encoding, const core::Value& v);

/// Appends `s` escaped for COPY text format (backslash, tab, newline, carriage return).
/// Fails when `s` holds a NUL byte, which PostgreSQL text cannot store.
core::Status append_copy_text(std::string& out, std::string_view s);

/// `"name"` with embedded quotes doubled.
std::string quote_ident(std::string_view name);

/// A PostgreSQL schema name from an integration name: lower case, characters outside
/// [a-z0-9_] become `_`, a leading digit or `pg_` gets `_` in front ("Stitch MySQL RDS" ->
/// "stitch_mysql_rds").
std::string schema_name_for(std::string_view integration_name);

}  // namespace sluice::sinks::pg
