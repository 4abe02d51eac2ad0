#pragma once
/// One canonical rendering per value, so that equal data compares equal whichever side holds it:
/// the MySQL source (core::Value from a SELECT), a SQLite file or a PostgreSQL table (cells read
/// back by sinks::TableReader). By the source column's kind: integers as decimal digits
/// (TINYINT(1)/BIT(1) as 0/1), DECIMAL as its exact digits without leading or trailing zeros,
/// FLOAT and DOUBLE as the bits of their binary value, DATE/DATETIME/TIMESTAMP as
/// "YYYY-MM-DD HH:MM:SS.ffffff" (zero dates as NULL), TIME as "[-]H:MM:SS.ffffff", JSON by a hash of
/// its parsed document (json_hash.h: member order, whitespace, escapes and number spellings aside), VECTOR as
/// the bits of its floats, everything else as its bytes. Pure functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "schema/table_schema.h"
#include "sinks/table_reader.h"

namespace sluice::verify {

/// Replaces `out` with the canonical rendering of `cell` as a value of `column` ("\x01" for NULL).
void canonical(std::string& out, const schema::ColumnSchema& column, const sinks::ReadCell& cell);

/// The cell of a source value, as a destination would return it; text rendered into `scratch`
/// (temporals, geometry, vectors), otherwise a view of `v`.
sinks::ReadCell cell_of(const core::Value& v, std::string& scratch);

/// Source values to cells (cell_of each), reusing its buffers from row to row.
class ValueCells {
 public:
  explicit ValueCells(size_t n) : cells_(n), scratch_(n) {}
  /// The cells of the first size() of `values`; valid until the next call.
  std::span<const sinks::ReadCell> of(std::span<const core::Value> values) {
    for (size_t i = 0; i < cells_.size(); ++i) cells_[i] = cell_of(values[i], scratch_[i]);
    return cells_;
  }
  size_t size() const { return cells_.size(); }

 private:
  std::vector<sinks::ReadCell> cells_;
  std::vector<std::string> scratch_;
};

/// A 64-bit hash of `bytes` (xxHash's XXH3: many bytes a cycle; FNV-1a took one a cycle).
uint64_t hash_bytes(std::string_view bytes);

}  // namespace sluice::verify
