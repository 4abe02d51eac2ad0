#pragma once
/// The one change model: what the binlog decoder and the snapshot reader produce, what the
/// log-based catch-up hands on and what every sink writes. Plain data over core values.
///
/// Views: a RowChange is a set of views. Its images (`before`, `after`), names (`database`,
/// `table`) and transaction (`txn`, whose `file`/`gtid`/`resume_file` are views too) point into
/// the producer's read buffers and scratch, and are valid only during the callback that receives
/// the change (ChangeHandler::on_row, Sink::write_row, ...). A consumer that keeps a change
/// beyond the call takes an owned copy: change::OwnedChange (owned_change.h).

#include <cstdint>
#include <span>
#include <string_view>

#include "core/value.h"

namespace sluice::change {

/// What happened to a row, or to a whole table. The row operations keep their numbers (0..3):
/// consumers index tables by them.
enum class Op : uint8_t {
  kSnapshot = 0,  ///< read by SELECT (Full Table, Key-based, a log-based initial snapshot): after
  kInsert = 1,    ///< after
  kUpdate = 2,    ///< before (may be partial or empty) and after
  kDelete = 3,    ///< before
  /// TRUNCATE TABLE: every row of the table is gone. Table-level, no images; a sink receives it
  /// as Sink::truncate_stream, in order with the rows.
  kTruncate = 4,
};

/// What every change of one binlog transaction shares. Views valid during the callback only.
struct Transaction {
  std::string_view file;   ///< binlog file of the transaction's events
  uint64_t begin_pos = 0;  ///< position of its first event (GTID or BEGIN)
  uint64_t end_pos = 0;    ///< position after its last event (XID/COMMIT); 0 = not known yet
  std::string_view gtid;   ///< "uuid:n" (MySQL), "domain-server-seq" (MariaDB), empty = none
  bool has_commit_time = false;
  bool commit_time_has_micros = false;
  int64_t commit_seconds = 0;  ///< commit time, seconds since the epoch (UTC)
  uint32_t commit_micros = 0;
  /// Set (at commits) while a two-phase XA transaction is prepared and not yet committed: the
  /// file and position of its group's start, where a reader must start again so as not to lose
  /// its rows (every transaction from there up to end_pos was delivered already). Empty: end_pos.
  std::string_view resume_file;
  uint64_t resume_pos = 0;

  /// The commit time (microseconds 0 when the binlog gave none; zero when unknown).
  core::EpochTime commit_time() const {
    return core::EpochTime{commit_seconds, has_commit_time ? commit_micros : 0U};
  }
};

/// One row change (insert, update, delete) or snapshot row. Views: see the top of this file.
struct RowChange {
  Op op = Op::kSnapshot;
  /// One slot per column (the table's, or the stream's selected columns once a consumer mapped
  /// them). A core::ValueKind::kAbsent slot is a column the image lacks (binlog MINIMAL/NOBLOB
  /// image): not known, never NULL. Empty: no such image (inserts and snapshot rows have no
  /// before image, deletes no after image).
  std::span<const core::Value> before;
  std::span<const core::Value> after;
  /// Some `after` value is a JSON diff, not a document (core::Value::is_json_diff: a PARTIAL_JSON
  /// update under binlog_row_image=MINIMAL). A consumer that needs documents must refuse it.
  bool json_diffs = false;
  std::string_view database;  ///< the source table
  std::string_view table;
  uint64_t pos = 0;  ///< position of the rows event (or of its TRANSACTION_PAYLOAD) in txn->file
  const Transaction* txn = nullptr;  ///< null for snapshot rows
  /// When the row was extracted (SELECT start, or when the binlog read started), UTC; zero when
  /// the producer does not say (the binlog decoder).
  core::EpochTime extracted{0, 0};
  /// The transaction's commit time (txn->commit_time(), kept here for a consumer that replays
  /// the change without its transaction); zero for snapshot rows. A delete's `_sdc_deleted_at`.
  core::EpochTime commit_time{0, 0};

  /// The values a sink writes: the before image of a delete, else the after image.
  std::span<const core::Value> values() const { return op == Op::kDelete ? before : after; }
};

}  // namespace sluice::change
