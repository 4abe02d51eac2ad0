#pragma once
/// The JSON Schema (draft 4, Singer style) of a column, following the Singer MySQL tap's
/// rules: every type nullable (["null", ...]), integers with their minimum/maximum, DECIMAL
/// with multipleOf, character types with maxLength, temporal types as date-time strings;
/// and, unlike the tap, a schema for every type (docs/types.md lists them and the differences).

#include <nlohmann/json.hpp>
#include <string_view>

#include "schema/table_schema.h"

namespace sluice::schema {

/// Singer's "inclusion": "automatic" (a key column), "available", or "unsupported".
enum class Inclusion : uint8_t { kAutomatic = 0, kAvailable = 1, kUnsupported = 2 };

/// The Singer spelling of `inclusion`.
std::string_view inclusion_name(Inclusion inclusion);

/// The inclusion of `column`: unsupported for a type sluice does not know, automatic when
/// `is_key`, available otherwise.
Inclusion column_inclusion(const ColumnSchema& column, bool is_key);

/// The schema of one column, with keys in the tap's order (inclusion, description, minimum,
/// maximum, multipleOf, maxLength, format, contentEncoding, type, items). `tap_forms`
/// (value_forms "tap", Singer output): JSON is a string (with the column's maxLength when
/// known, as the tap), TIME a date-time string; every other type as without it.
nlohmann::ordered_json column_json_schema(const ColumnSchema& column, bool is_key, bool tap_forms = false);

}  // namespace sluice::schema
