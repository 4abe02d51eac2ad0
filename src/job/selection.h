#pragma once
/// Which streams a job syncs and how: the Singer catalog's metadata matched against the live
/// tables from discovery. A stream is synced when selected; its columns by Singer's rule
/// (config::column_selected), key columns always. Columns that vanished from the table, new
/// columns missing from the catalog and columns of a type sluice cannot read are reported as
/// warnings, never dropped silently. The method is the stream's `replication-method`, else the
/// job's default (docs/replication-methods.md). Pure: no I/O.

#include <optional>
#include <string>
#include <vector>

#include "config/catalog.h"
#include "core/result.h"
#include "schema/table_schema.h"
#include "sinks/sink.h"

namespace sluice::job {

/// One stream to sync.
struct SelectedStream {
  schema::TableSchema table;        ///< the live table (discovery at job start)
  std::string stream_id;            ///< tap_stream_id
  std::string stream;               ///< stream name
  std::vector<size_t> columns;      ///< synced columns: indexes into table.columns, table order
  std::vector<std::string> key_properties;
  change::Method method = change::Method::kFullTable;
  std::optional<std::string> replication_key;
  /// Columns selected in the catalog that the live table no longer has (a log-based stream
  /// still delivers them from binlog events written before they were dropped).
  std::vector<std::string> vanished;
  /// Columns the catalog does not list that are synced (select_new_columns): new since discovery.
  std::vector<std::string> added;
  /// The table did not exist when the job began (its stream resumes a log-based bookmark up to
  /// the DROP in the binlog): `table` comes from the catalog, not discovery.
  bool missing = false;
};

struct Selection {
  std::vector<SelectedStream> streams;  ///< in catalog order
  std::vector<std::string> warnings;    ///< one line each, for stderr
  /// Selected streams whose table does not exist now (not in `streams`; the job decides).
  std::vector<const config::CatalogStream*> missing;
};

/// The method used where a stream names none.
struct SelectionDefaults {
  change::Method method = change::Method::kFullTable;  ///< for tables
  /// A column the catalog does not list is synced (config `select_new_columns`); else a warning.
  bool select_new_columns = false;
  /// The command that re-snapshots streams (SyncOptions::reset_command), for the warning.
  std::string reset_command = "sluice reset";
};

/// Parses "FULL_TABLE", "INCREMENTAL", "LOG_BASED" (any case; "KEY_BASED" = INCREMENTAL).
std::optional<change::Method> parse_method(std::string_view text);

/// Matches `catalog` against `live`. Errors (kConfig) for what cannot run: an unknown method,
/// INCREMENTAL without a usable replication-key, LOG_BASED on a view.
core::Result<Selection> select_streams(const config::Catalog& catalog, const std::vector<schema::TableSchema>& live,
                                       const SelectionDefaults& defaults);

/// A selected stream whose table no longer exists, as its catalog entry describes it (columns
/// from `sql-datatype`, keys from `table-key-properties`), flagged `missing`.
SelectedStream missing_stream(const config::CatalogStream& cs, change::Method method);

/// The warning for `column` of `s`, which the catalog does not select and the job does not sync:
/// what is not delivered, and how to select it and back-fill it (`reset_command` + the table).
std::string new_column_warning(const std::string& column, const SelectedStream& s,
                               const std::string& reset_command);

/// The sinks::StreamInfo of a selected stream (version 0; the job sets it).
sinks::StreamInfo stream_info(const SelectedStream& s);

}  // namespace sluice::job
