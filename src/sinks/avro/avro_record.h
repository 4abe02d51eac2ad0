#pragma once
/// Validates and encodes one row as an Avro record of its SchemaPlan (Avro binary encoding).
/// Every value is checked against its field before a byte is kept: a value of the wrong kind,
/// out of range (300 in an int field), with more digits than DECIMAL(p,s) allows, NULL in a
/// NOT NULL column or invalid UTF-8 in a string gives an error naming the column; the sink
/// adds the table and key. One encoder per sink, one thread; the scratch buffer is reused.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "sinks/avro/avro_schema.h"
#include "sinks/sink.h"

namespace sluice::sinks::avro {

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

/// Appends the Avro decimal bytes of `digits` ("-123.45", scale = digits after the point):
/// the unscaled value as a minimal big-endian two's-complement integer, scaled to `scale`.
/// Fails when the value has more than `precision` digits or more fraction digits than `scale`
/// (trailing zeros excepted), or is not a decimal number.
core::Status append_decimal(std::string& out, std::string_view digits, uint32_t precision, uint32_t scale);

/// The same for an unsigned integer (decimal(20,0) for BIGINT UNSIGNED and BIT(64)).
void append_unsigned_decimal(std::string& out, uint64_t value);

class RecordEncoder {
 public:
  /// Appends the record of `row` to `out`. On error `out` is left as it was.
  core::Status encode(const SchemaPlan& plan, const change::RowChange& row, std::string& out);

 private:
  core::Status encode_field(const FieldPlan& f, const core::Value& v, std::string& out);
  core::Status encode_present(const FieldPlan& f, const core::Value& v, std::string& out);
  core::Status encode_text_or_time(const FieldPlan& f, const core::Value& v, std::string& out);

  std::string scratch_;
};

}  // namespace sluice::sinks::avro
