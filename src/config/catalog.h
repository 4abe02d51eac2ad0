#pragma once
/// The Singer catalog (`--catalog`, formerly `--properties`) as the Singer MySQL tap writes and
/// reads it: `{"streams": [...]}`, each stream with tap_stream_id, stream, table_name, schema
/// and metadata (breadcrumb [] for the table: selected, replication-method, replication-key,
/// database-name, is-view, table-key-properties, view-key-properties, row-count; breadcrumb
/// ["properties", col] for a column: selected, selected-by-default, inclusion, sql-datatype).
/// Parsing only: which tables exist and how they are synced is decided by the job against the
/// live server. Pure functions, no I/O except load_catalog().

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sluice::config {

/// One column entry of a catalog stream.
struct CatalogColumn {
  std::string name;
  std::optional<bool> selected;             ///< metadata `selected`, when present
  std::optional<bool> selected_by_default;  ///< metadata `selected-by-default`
  std::string inclusion;  ///< "automatic", "available", "unsupported" or empty (schema or metadata)
  std::string sql_datatype;  ///< metadata `sql-datatype`, when present
  nlohmann::json schema;     ///< the column's JSON Schema in the catalog (may be null)
};

/// One catalog stream (a table or a view).
struct CatalogStream {
  std::string tap_stream_id;  ///< "db-table"
  std::string stream;         ///< stream name (the tap uses the table name)
  std::string table_name;
  std::string database;       ///< metadata `database-name`
  bool is_view = false;
  bool selected = false;      ///< metadata `selected` (or the legacy schema `selected`)
  std::optional<std::string> replication_method;  ///< as written: FULL_TABLE, INCREMENTAL, LOG_BASED
  std::optional<std::string> replication_key;
  std::vector<std::string> key_properties;  ///< table-key-properties, or view-key-properties for views
  bool has_view_key_properties = false;
  std::optional<uint64_t> row_count;
  std::vector<CatalogColumn> columns;  ///< in schema property order

  /// The column called `name`, or nullptr.
  const CatalogColumn* find_column(std::string_view name) const;
};

struct Catalog {
  std::vector<CatalogStream> streams;
};

/// Whether a catalog column is synced, by Singer's rule: automatic always; unsupported never;
/// otherwise `selected` when present, else `selected-by-default` when present, else true.
bool column_selected(const CatalogColumn& column);

/// Parses a catalog document. `origin` names the file in errors. Unknown keys are ignored;
/// a stream without tap_stream_id or table name, or malformed metadata, is an error (kConfig)
/// naming the stream and the key.
core::Result<Catalog> parse_catalog(const nlohmann::json& doc, std::string_view origin);

/// Reads and parses the catalog file at `path`.
core::Result<Catalog> load_catalog(const std::string& path);

}  // namespace sluice::config
