#pragma once
/// Writes row changes to the target in order, batching consecutive inserts into one table as a
/// multi-row INSERT and consecutive deletes by key as one DELETE ... WHERE key IN (...); an
/// update is one UPDATE ... WHERE key = the before image's (a primary-key change included).
/// Rows are found by the table's key (TargetTable::key), or without one by the whole before
/// image (NULL-safe, LIMIT 1). Absent columns (binlog_row_image MINIMAL) are left out: an
/// insert gives them their DEFAULT, an update does not set them; a partial JSON update (a diff
/// list, no document) sets its column by JSON_REPLACE/JSON_INSERT/JSON_REMOVE (json_diff_sql.h)
/// of the target's document, the row found by its key. A delete that finds fewer rows
/// than it names is an error (the `stop` conflict policy). One thread.

#include <cstdint>
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
  explicit RowWriter(mysql::Connection& conn) : conn_(conn) {}

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
  /// Statements run since construction.
  uint64_t statements() const { return statements_; }

 private:
  enum class Pending : uint8_t { kNone = 0, kInsert = 1, kDelete = 2 };
  core::Status add_insert(const TargetTable& t, const change::RowChange& row);
  core::Status add_delete(const TargetTable& t, const change::RowChange& row);
  core::Status run_update(const TargetTable& t, const change::RowChange& row);
  core::Status run(const TargetTable& t, uint64_t expected);
  void append_value(const TargetTable& t, size_t i, const core::Value& v);
  bool append_match(const TargetTable& t, std::span<const core::Value> image);

  mysql::Connection& conn_;
  std::string sql_;
  Pending pending_ = Pending::kNone;
  const TargetTable* table_ = nullptr;
  uint64_t expected_ = 0;  // rows the pending DELETE must find
  uint64_t statements_ = 0;
  bool idempotent_ = false;
};

}  // namespace sluice::replicate
