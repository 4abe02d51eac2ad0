#pragma once
/// Writes the model as a Singer catalog exactly shaped like the Singer MySQL tap's
/// (`{"streams": [...]}`, stream keys tap_stream_id, table_name, schema, stream, metadata;
/// breadcrumb metadata selected-by-default, database-name, row-count, is-view,
/// table-key-properties, sql-datatype), so tools that diff catalogs see only the documented
/// differences (types the tap drops or mistypes; see docs/types.md).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "schema/table_schema.h"

namespace sluice::schema {

/// One catalog entry ("stream") for `table`.
nlohmann::ordered_json singer_stream(const TableSchema& table);

/// The whole catalog; streams sorted by database, then table name (byte order), like the tap.
nlohmann::ordered_json singer_catalog(const std::vector<TableSchema>& tables);

/// `catalog` as text: 2-space indent, non-ASCII as \u escapes (as the tap writes it), and a
/// final newline. Invalid UTF-8 in names becomes U+FFFD rather than an error.
std::string render_catalog(const nlohmann::ordered_json& catalog);

}  // namespace sluice::schema
