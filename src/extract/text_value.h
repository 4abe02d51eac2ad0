#pragma once
/// Cells of a SELECT result (the text protocol: digits, "YYYY-MM-DD HH:MM:SS.ffffff", raw
/// bytes for BIT/binary/GEOMETRY) converted to core::Value by the column's kind from discovery
/// (schema::ColumnSchema). No allocation: string-like values are views into the row buffer,
/// valid until the next row is fetched. Text the server would never send (a letter in an INT)
/// is an error naming the column, never undefined behaviour.

#include <optional>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "schema/table_schema.h"

namespace sluice::extract {

/// Converts one cell; nullopt (SQL NULL) gives Value::null().
core::Result<core::Value> value_from_text(const schema::ColumnSchema& column, std::optional<std::string_view> cell);

/// Parses "[-]H+:MM:SS[.f]" (TIME). False when malformed.
bool parse_time_text(std::string_view s, core::Temporal& out);
/// Parses "YYYY-MM-DD[ HH:MM:SS[.f]]" (also with 'T'); zero dates parse to zero fields.
bool parse_datetime_text(std::string_view s, core::Temporal& out);

}  // namespace sluice::extract
