#pragma once
/// The PostgreSQL warehouse destination (docs/postgres.md).
///
/// - Tables live in one schema named after the integration (`integration_name` "Stitch MySQL
///   RDS" -> `stitch_mysql_rds`, or `schema`); without either, in a schema named after each
///   stream's source database. Columns keep their MySQL names (quoted), typed by
///   postgres_types.h, plus `_sdc_extracted_at` and `_sdc_deleted_at` (timestamptz); the key
///   properties are the PRIMARY KEY. Columns the source adds are added (ALTER TABLE ADD COLUMN).
/// - Rows are buffered in COPY text format and copied into a temporary staging table, then
///   merged: INSERT ... ON CONFLICT (key) DO UPDATE with the last change per key winning;
///   tables without a key are appended to. Deletes are soft (`_sdc_deleted_at` set) unless
///   `hard_delete` is true.
/// - Everything between two checkpoints is one transaction; checkpoint(state) writes the
///   state into `<schema>._sluice_state` and commits: rows and bookmark together, exactly once.
/// - One job per schema + state_id: open() takes a session-level advisory lock keyed on them
///   before it reads the state (a second job refuses, naming the holder from pg_stat_activity);
///   PostgreSQL releases it when the connection ends, also when the job was killed.
/// - Full Table loads of a new version go into a load table and replace the table in one
///   transaction at activate_version (the table comment records the active version).
///
/// One thread (the job's).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sinks/postgres/pg_connection.h"
#include "sinks/postgres/postgres_types.h"
#include "sinks/sink.h"

namespace sluice::sinks {

struct PostgresSinkOptions {
  pg::PgConnectOptions connect;
  std::string schema;             ///< empty: one schema per source database
  bool hard_delete = false;
  size_t batch_bytes = size_t{8} << 20;  ///< COPY buffer per stream before it is sent
  std::string state_id = "default";      ///< the `_sluice_state` row of this job
};

/// The schema a destination writes to: `schema`, else the one named after `integration_name`
/// ("Stitch MySQL RDS" -> "stitch_mysql_rds"), cut to a PostgreSQL identifier; "" = one schema
/// per source database.
std::string destination_schema(const std::string& schema, const std::string& integration_name);

class PostgresSink final : public Sink {
 public:
  /// Connects and reads the committed state (a bad destination fails here, clearly).
  static core::Result<std::unique_ptr<PostgresSink>> open(PostgresSinkOptions options);
  ~PostgresSink() override;

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override;
  bool applies_json_diffs() const override { return true; }

  /// The state committed with the rows by the last checkpoint (of any run), if any: a job
  /// that resumes from it applies every change exactly once.
  const std::optional<std::string>& committed_state() const { return committed_state_; }

 private:
  struct Column {
    std::string quoted;       ///< the PostgreSQL name, quoted
    std::string pg_name;      ///< pg::pg_identifier(source_name)
    std::string source_name;  ///< the MySQL column name
    std::string sql_type;     ///< its PostgreSQL type (pg_column_type)
    std::string column_type;  ///< the MySQL COLUMN_TYPE, for messages
    pg::PgEncoding encoding;
    std::string type_error;   ///< non-empty: the table's column cannot take this type's values
  };
  struct Stream {
    StreamInfo info;
    size_t index = 0;         ///< the handle; names the staging table
    std::string schema_name;  ///< the PostgreSQL schema, unquoted
    std::string schema;       ///< quoted
    std::string pg_table;     ///< the target's name (pg::pg_identifier of the MySQL table), unquoted
    std::string table;        ///< quoted, schema-qualified target
    std::string dest;         ///< where rows go: the target or a Full Table load table
    std::string staging;      ///< temp table name (quoted)
    std::vector<Column> columns;
    std::vector<size_t> key_columns;
    bool staging_ready = false;
    std::string copy;         ///< buffered COPY rows
    size_t buffered_rows = 0;
  };

  PostgresSink(PostgresSinkOptions options, pg::PgConnection conn)
      : options_(std::move(options)), conn_(std::move(conn)) {}
  core::Status lock_state();
  core::Status begin();
  core::Status fail_and_rollback(core::Error e);
  core::Status prepare(Stream& s, const StreamInfo& info);
  core::Status ensure_table(Stream& s, const std::string& table);
  core::Status reconcile_columns(Stream& s, const std::string& qualified);
  core::Status record_names(const Stream& s);
  core::Status restart_keyless_load(const Stream& s);
  core::Status replace_log_snapshot(Stream& s, int64_t version);
  core::Status flush(Stream& s);
  /// Applies the JSON diffs of an update's `values` to the documents stored for its key
  /// (pg_json_diff.cpp); resolved_ then holds the row to write.
  core::Status apply_json_diffs(Stream& s, std::span<const core::Value> values);
  core::Status merge(Stream& s);
  core::Status ensure_state_table(const std::string& schema);
  /// CREATE SCHEMA IF NOT EXISTS, serialised with every other sluice job on the schema (two jobs
  /// with different state_ids may create it at once, and PostgreSQL's IF NOT EXISTS is not safe
  /// against that): a transaction-level advisory lock on the schema's name, held until COMMIT,
  /// taken only when the schema does not exist yet.
  core::Status create_schema(const std::string& quoted_schema);
  std::string state_schema() const;
  std::string key_description(const Stream& s, const change::RowChange& row) const;

  PostgresSinkOptions options_;
  pg::PgConnection conn_;
  std::vector<std::unique_ptr<Stream>> streams_;
  bool in_txn_ = false;
  bool broken_ = false;
  int64_t seq_ = 0;
  std::vector<core::Value> resolved_;  ///< a row whose JSON diffs were applied
  std::vector<std::string> resolved_text_;
  std::optional<std::string> committed_state_;
};

}  // namespace sluice::sinks
