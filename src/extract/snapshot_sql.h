#pragma once
/// SQL building blocks shared by the sequential snapshot reader (snapshot_reader.h) and the
/// parallel one (parallel_snapshot.h): the select list, the SELECT and ORDER BY text, keyset
/// literals from bookmark JSON, and bookmark JSON from the text cells of a key. Stateless.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "extract/snapshot_reader.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace sluice::extract {

/// The columns a snapshot SELECTs: SnapshotSpec::columns, then the key and ORDER BY columns
/// not among them (indexes into the table's columns).
std::vector<size_t> select_list(const SnapshotSpec& spec);

/// "SELECT `a`, `b` FROM `db`.`t`" for the columns `list` (`exact_floats`: SnapshotSpec's).
std::string select_sql(const schema::TableSchema& table, std::span<const size_t> list,
                       bool exact_floats = false);

/// " ORDER BY `a`, `b`" (empty for no columns).
std::string order_clause(const schema::TableSchema& table, std::span<const size_t> cols);

/// The SQL literals of the key columns `key` in bookmark `values` ({"col": v}); `what` names
/// the bookmark in errors (kConfig: the bookmark lacks a column or holds a bad value).
core::Result<std::vector<std::string>> key_literals(mysql::Connection& conn, const schema::TableSchema& table,
                                                    std::span<const size_t> key, const nlohmann::ordered_json& values,
                                                    std::string_view what);

/// "(`k` > lo) AND (`k` <= hi)" for a key range; a null `lo` or `hi` leaves that side open.
/// Empty when both are null.
core::Result<std::string> key_range_predicate(mysql::Connection& conn, const schema::TableSchema& table,
                                              std::span<const size_t> key, const nlohmann::ordered_json& lo,
                                              const nlohmann::ordered_json& hi);

/// The next row of a snapshot query of `table` selecting `width` columns: false at the end; a
/// read error or a row of another width is an error naming the table.
core::Result<bool> next_snapshot_row(mysql::StreamingResult& res, mysql::Row& row, const schema::TableSchema& table,
                                     size_t width);

/// The bookmark JSON ({"col": v}) of a key whose text cells (as SELECTed) are `cells`.
nlohmann::ordered_json key_json(const schema::TableSchema& table, std::span<const size_t> key,
                                std::span<const std::optional<std::string_view>> cells);

}  // namespace sluice::extract
