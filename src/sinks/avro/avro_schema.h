#pragma once
/// The Avro schema of one table version, derived from a StreamInfo (docs/avro.md has the
/// table): one record per table, one field per synced column with an Avro-safe name
/// (schema/avro_names.h), then the `_sdc_*` metadata fields. Besides the JSON text (what
/// goes into the file header, logical types and custom attributes included), the schema is
/// kept as a plan: per field, how values are encoded and checked (avro_record.h).

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "sinks/sink.h"

namespace sluice::sinks::avro {

/// How one column's values are written.
enum class FieldEncoding : uint8_t {
  kBoolean = 0,         ///< TINYINT(1)/BOOL, BIT(1): 0 false, anything else true
  kInt = 1,             ///< int32: TINYINT..INT signed, SMALLINT/MEDIUMINT unsigned, YEAR
  kLong = 2,            ///< int64: INT UNSIGNED, BIGINT, BIT(2..63)
  kDecimal = 3,         ///< bytes + logicalType decimal: DECIMAL; BIGINT UNSIGNED/BIT(64) as (20,0)
  kFloat = 4,
  kDouble = 5,
  kString = 6,          ///< character data, ENUM, SET, GEOMETRY (WKT), INET, UUID, JSON text
  kBytes = 7,           ///< BINARY, VARBINARY, BLOB
  kDate = 8,            ///< int + date: days since 1970-01-01
  kTimeMicros = 9,      ///< long (sqlType time): signed microseconds, beyond 24 h kept
  kLocalTimestamp = 10, ///< long + local-timestamp-micros: DATETIME
  kTimestamp = 11,      ///< long + timestamp-micros: TIMESTAMP (UTC)
  kFloatArray = 12,     ///< array of float: VECTOR
};

struct FieldPlan {
  std::string name;      ///< the Avro field name
  std::string original;  ///< the MySQL column name
  FieldEncoding encoding = FieldEncoding::kString;
  bool nullable = true;  ///< a ["null", T] union
  uint32_t precision = 0;  ///< kDecimal
  uint32_t scale = 0;      ///< kDecimal
};

/// The schema of one table version.
struct SchemaPlan {
  std::string json;                 ///< the full schema JSON text (file header avro.schema)
  std::vector<FieldPlan> columns;   ///< one per StreamInfo column, same order
  std::vector<size_t> key_columns;  ///< indexes into columns of the key properties
  bool extracted_at = true;         ///< `_sdc_extracted_at` field (always)
  bool deleted_at = false;          ///< `_sdc_deleted_at` field
  bool table_version = false;       ///< `_sdc_table_version` field (when the stream has a version)
  int64_t version = 0;
};

/// Builds the plan and schema JSON for `info`. Fails (kUnsupported) for a column kind that has
/// no Avro form; the schema text is checked by avro-c's parser before it is returned.
core::Result<SchemaPlan> build_schema(const StreamInfo& info);

}  // namespace sluice::sinks::avro
