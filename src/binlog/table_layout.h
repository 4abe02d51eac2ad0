#pragma once
/// A TABLE_MAP compiled once into what row decoding needs: per column its ColumnDef and
/// CellDecoder (chosen once, so rows walk a table of function pointers), plus the names
/// that output uses. Cached by table id in the EventDecoder; shared (immutable) with
/// everything that decodes rows of that table until a different map replaces it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/values/column_def.h"
#include "core/arena.h"
#include "core/result.h"
#include "core/value.h"

namespace sluice::binlog {

struct ColumnLayout {
  ColumnDef def;
  CellDecoder decode = nullptr;
  std::string key;        ///< the output key: def.name, or "@N" (1-based) when unknown
  std::string type_name;  ///< SQL type as decoded from TABLE_MAP ("int unsigned", "varchar(40)")
};

struct TableLayout {
  uint64_t table_id = 0;
  std::string db;
  std::string table;
  std::vector<ColumnLayout> columns;
  std::vector<uint32_t> primary_key;  ///< column indexes from optional metadata (may be empty)
  std::vector<uint8_t> visible;       ///< per column 1/0 from COLUMN_VISIBILITY; empty when unknown
  bool names_from_metadata = false;   ///< binlog_row_metadata=FULL supplied the names
  /// An old TIME/DATETIME/TIMESTAMP column with no schema to say its fractional digits: a
  /// MariaDB column in the pre-10.1 format would be misread (decoding errors say so).
  bool fsp_unknown = false;
  std::vector<uint8_t> raw;           ///< the TABLE_MAP body after the table id (cache key)
};

using TableLayoutPtr = std::shared_ptr<const TableLayout>;

/// Supplies what the binlog alone may not carry (column names, ENUM/SET labels, MariaDB
/// INET6/UUID, UNSIGNED, the binary charset) from a schema history, and checks the binlog
/// against it. Called once per compiled TABLE_MAP, on the decoding thread, also when
/// binlog_row_metadata=FULL supplied the names (then `columns[i].name` is already set, and only
/// checked). `position` is the TABLE_MAP's position ("file:pos"). May fill `name` /
/// `enum_values` / `extended_type` / `collation` where they are empty, set `is_unsigned`
/// (MariaDB's binlog_row_metadata=NO_LOG carries neither signedness nor charsets), and `meta`
/// of old TIME/DATETIME/TIMESTAMP columns with their fractional digits (MariaDB's pre-10.1
/// format: the binlog does not carry them); must not change types. An error
/// (ErrorCode::kSchemaMismatch when the history disagrees with the binlog) stops decoding and is
/// returned from feed().
class SchemaResolver {
 public:
  virtual ~SchemaResolver() = default;
  virtual core::Status resolve(std::string_view db, std::string_view table, std::string_view position,
                               std::span<ColumnDef> columns) = 0;
};

/// Decodes one row image: the columns marked in `present` (a bitmap over all columns,
/// LSB first) from `p`, preceded by the image's NULL bitmap. Absent columns become
/// Value::absent(). `out` has one slot per column. Returns the bytes consumed.
core::Result<size_t> decode_row_image(const TableLayout& layout, const uint8_t* present,
                                      const uint8_t* p, size_t avail, core::Arena& arena,
                                      std::span<core::Value> out);

/// True when bit `i` (LSB first within each byte) is set.
inline bool bit_set(const uint8_t* bitmap, size_t i) { return (bitmap[i >> 3] >> (i & 7)) & 1; }

/// The SQL type of `col` as far as TABLE_MAP tells ("decimal(10,2)", "datetime(6)", "text").
std::string sql_type_name(const ColumnDef& col);

}  // namespace sluice::binlog
