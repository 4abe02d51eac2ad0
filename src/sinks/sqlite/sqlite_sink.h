#pragma once
/// The SQLite sink: the embedded default destination, one database file, no server.
///
/// Each stream becomes a table (named after the source table; `database__table` when that
/// name is taken by another stream; the mapping is kept in `_sluice_streams`). Columns come
/// from StreamInfo (types: sqlite_values.h, docs/destinations.md), plus `_sdc_extracted_at`,
/// `_sdc_deleted_at` and `_sdc_table_version`. Keyed streams upsert by primary key
/// (INSERT ... ON CONFLICT DO UPDATE); streams without a key append. Deletes are soft
/// (`_sdc_deleted_at` set) or hard (row removed). activate_version(v) removes rows whose
/// `_sdc_table_version` is older than v. truncate_stream deletes (or marks deleted) every row.
///
/// Exactly-once: everything between two checkpoints is one SQLite transaction; checkpoint()
/// writes the state into `_sluice_state` and commits (WAL, synchronous=FULL), so the rows and
/// the bookmark are durable together or not at all. finish() rolls back rows that no checkpoint
/// covered. After any error the transaction is rolled back and every later call fails.
/// One thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sinks/load_counts.h"
#include "sinks/sink.h"
#include "sinks/sqlite/sqlite_db.h"
#include "sinks/sqlite/wal_checkpointer.h"

namespace sluice::sinks {

struct SqliteSinkOptions {
  std::string path;           ///< the database file (created when missing; its directory must exist)
  bool hard_deletes = false;  ///< delete rows instead of setting `_sdc_deleted_at`
  int cache_mib = 16;         ///< SQLite page cache
};

class SqliteSink final : public Sink, public LoadCountSource {
 public:
  /// Opens or creates the database and creates the bookkeeping tables; WAL mode, except for the
  /// first job into a new file (rollback journal until finish() switches to WAL).
  /// Errors name the file and the fix (missing directory, read-only file, not a database).
  static core::Result<std::unique_ptr<SqliteSink>> open(const SqliteSinkOptions& options);
  ~SqliteSink() override;

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override;

  LoadCounts load_counts(StreamHandle stream) const override;
  bool applies_json_diffs() const override { return true; }

  /// The state committed by the last successful checkpoint (nullopt when none yet).
  core::Result<std::optional<std::string>> load_state();
  /// The SQLite table a stream was given (after open_stream).
  std::string table_name(StreamHandle stream) const;

 private:
  struct Stream;
  explicit SqliteSink(SqliteSinkOptions options);
  core::Status setup();
  core::Status start_checkpointer();
  core::Status begin();
  core::Status fail_with(core::Error error);
  core::Result<std::string> assign_table(const StreamInfo& info);
  core::Status create_or_alter(Stream& s);
  core::Status prepare_statements(Stream& s);
  core::Result<sqlite3_stmt*> upsert_for(Stream& s, const change::RowChange& row);
  core::Status write_delete(Stream& s, const change::RowChange& row);
  core::Status apply_json_diffs(Stream& s, std::span<const core::Value> values);

  SqliteSinkOptions options_;
  sqlite::Db db_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::optional<core::Error> failed_;
  bool in_tx_ = false;
  bool finished_ = false;
  bool bulk_load_ = false;  ///< a new file: rollback journal until finish() turns WAL on
  sqlite::Stmt save_state_;
  int wal_frames_ = 0;   ///< frames in the WAL after the last commit (sqlite3_wal_hook)
  int wal_bound_frames_ = 0;
  sqlite::WalCheckpointer checkpointer_;  ///< after db_: stopped before the connection closes
};

/// Reads the state committed in the SQLite database at `path` (nullopt when the file or the state
/// does not exist yet). For resuming a job from its destination (exactly-once). Writes nothing
/// but the rollback of a hot journal that a job killed during its first load left behind.
core::Result<std::optional<std::string>> load_sqlite_state(const std::string& path);

}  // namespace sluice::sinks
