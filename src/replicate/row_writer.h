#pragma once
/// Writes row changes to the target in order, batching consecutive inserts into one table as a
/// multi-row INSERT and consecutive deletes by key as one DELETE ... WHERE key IN (...); an
/// update is one UPDATE ... WHERE key = the before image's (a primary-key change included)
/// setting only the columns whose value changed (every column when none did, so the row is
/// still looked for), and consecutive updates (any tables) go in one multi-statement packet
/// (up to 200 statements or 1 MiB), each statement's matched rows checked.
/// Rows are found by the table's key (TargetTable::key), or without one by the whole before
/// image (NULL-safe, LIMIT 1). Absent columns (binlog_row_image MINIMAL) are left out: an
/// insert gives them their DEFAULT, an update does not set them; a partial JSON update (a diff
/// list, no document) sets its column by JSON_REPLACE/JSON_INSERT/JSON_REMOVE (json_diff_sql.h)
/// of the target's document, the row found by its key. One thread.
///
/// Conflicts (`replicate.on_conflict`): an INSERT of an existing key, an UPDATE or DELETE whose
/// row is missing, an UPDATE whose new key exists. A statement run at once (an update, a keyless
/// delete, any row in single-row mode) resolves its conflict itself: `stop` fails naming the
/// table and the key values, `overwrite` replaces the row (REPLACE: a row holding one of its
/// unique keys goes), inserts the after image, or skips the delete, and reports it to the
/// ConflictNote. A batched statement only compares what it did (the affected rows of its DELETE,
/// the duplicate-key error of its INSERT or of an UPDATE in a packet, an UPDATE of a packet
/// that matched no row) with what it was given: on a mismatch it fails with
/// replay_requested(), and the applier applies those log records again in single-row mode, so
/// the normal path costs no extra round trip.

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "change/change.h"
#include "core/result.h"
#include "mysql/connection.h"
#include "replicate/target_tables.h"

namespace sluice::replicate {

/// The session rows are written in: zero dates allowed, AUTO_INCREMENT columns taking the
/// source's 0 as it is, no foreign key checks (the source checked them).
core::Status set_dml_session(mysql::Connection& conn);

class RowWriter {
 public:
  enum class Conflict : uint8_t {
    kDuplicateInsert = 0,
    kMissingUpdate = 1,
    kDuplicateUpdate = 2,
    kMissingDelete = 3
  };
  /// Called for each conflict `overwrite` resolved: the table, what, the key values ("(`id`)=(5)").
  using ConflictNote = std::function<void(const TargetTable&, Conflict, const std::string& key)>;

  explicit RowWriter(mysql::Connection& conn, bool overwrite = false, ConflictNote note = {})
      : conn_(conn), overwrite_(overwrite), note_(std::move(note)) {}

  /// Adds `row` (insert, update or delete) of table `t`; may run the statement pending before it.
  core::Status add(const TargetTable& t, const change::RowChange& row);
  /// Runs the pending statement, if any.
  core::Status flush();
  /// Forgets the pending statement (after an error, before a rollback).
  void reset();
  /// Idempotent rows (a resumed initial copy's window, copy_state.h): an insert replaces the
  /// row of its key, a delete may find nothing, an update deletes the before key and replaces
  /// the after image (FULL images). Runs the pending statement when the mode changes.
  core::Status set_idempotent(bool on);
  /// On: every row is its own statement, run by add() (conflicts named exactly).
  void set_single_rows(bool on) { single_ = on; }
  /// A batched statement met a conflict (the last error): its rows need single-row mode.
  bool replay_requested() const { return replay_; }
  /// Statements run since construction.
  uint64_t statements() const { return statements_; }

 private:
  enum class Pending : uint8_t { kNone = 0, kInsert = 1, kDelete = 2, kUpdate = 3 };
  core::Status add_insert(const TargetTable& t, const change::RowChange& row);
  core::Status add_delete(const TargetTable& t, const change::RowChange& row);
  core::Status run_update(const TargetTable& t, const change::RowChange& row);
  core::Status append_set(const TargetTable& t, const change::RowChange& row, bool changed_only);
  core::Result<bool> run_pending();
  core::Status resolve(const TargetTable& t, const change::RowChange& row, Conflict what,
                       const std::string& server = {});
  core::Status execute(const TargetTable& t);
  void append_values(const TargetTable& t, std::span<const core::Value> image);
  void append_value(const TargetTable& t, size_t i, const core::Value& v);
  bool append_match(const TargetTable& t, std::span<const core::Value> image);

  mysql::Connection& conn_;
  bool overwrite_;
  ConflictNote note_;
  bool single_ = false;
  bool replay_ = false;
  std::string sql_;
  std::string scratch_;  // a before value's literal, compared with the after value's
  Pending pending_ = Pending::kNone;
  const TargetTable* table_ = nullptr;
  uint64_t rows_ = 0;             // rows in the pending statement
  std::string conflict_message_;  // the server's duplicate-key error of the last batch
  uint64_t statements_ = 0;
  bool idempotent_ = false;
};

/// The key values of `image` for messages: "(`id`)=(5)", or without a key every column found.
std::string key_text(const TargetTable& t, std::span<const core::Value> image);

}  // namespace sluice::replicate
