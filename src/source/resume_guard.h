#pragma once
/// The bookkeeping that makes reconnects of a live stream invisible to its output: it remembers
/// the last complete transaction (its end is where a new connection resumes) and, for a
/// transaction cut by a dropped connection, how many of its changes were already delivered, so
/// that the replay from the transaction's start skips exactly those. Nothing is buffered: memory
/// is constant whatever the transaction size. `Guarded<Out>` below puts it between the
/// ChangeAssembler and the output.
///
/// A transaction is identified by (file, begin position); a binlog never changes once written,
/// so the replay delivers the same changes in the same order. Not thread-safe.
///
/// Two-phase XA: a checkpoint taken while an XA transaction is prepared (held by the
/// assembler's PreparedXa) names where reading must start again, its XA PREPARE (`resume_*`),
/// besides the end of the last delivered transaction. A restart from there skips, by position,
/// every transaction that begins before that end (set_delivered): they were delivered.
///
/// With a rows sink (the assembler's `rows_sink` pointed at the Guarded output), rows events pass
/// through undecoded and count as one change each: the replay skips whole rows events,
/// exactly those handed over before the drop (the binlog's events do not change either).

#include <cstdint>
#include <string>

#include "binlog/change_assembler.h"
#include "binlog/change_handler.h"
#include "source/gtid_tracker.h"

namespace sluice::source {

class ResumeGuard {
 public:
  /// A change (row, statement, rows event) of `txn`: true when it is to be delivered (it is
  /// counted), false when it was delivered before the reconnect and is skipped now.
  bool pass(const change::Transaction& txn) {
    if (replayed(txn)) return false;
    ++changes_;
    return true;
  }
  /// A commit: false when the transaction was delivered before a restart (set_delivered).
  bool pass_commit(const change::Transaction& txn) { return !delivered_before(txn); }
  /// The output took the commit of `txn`: it is the new resume point.
  void committed(const change::Transaction& txn);

  /// The connection dropped: changes already delivered of the open transaction (if any) are
  /// skipped when it is replayed.
  void on_disconnect();

  /// GTID state, fed each committed transaction's GTID.
  GtidTracker& gtids() { return gtids_; }
  const GtidTracker& gtids() const { return gtids_; }
  /// End of the last complete transaction: file ("" before the first) and position.
  const std::string& committed_file() const { return file_; }
  uint64_t committed_pos() const { return pos_; }
  const std::string& committed_gtid() const { return gtid_; }
  /// Where a restart must read from so as not to lose a held XA transaction ("" = committed_*).
  const std::string& resume_file() const { return resume_file_; }
  uint64_t resume_pos() const { return resume_pos_; }
  /// Transactions that begin before `file`:`pos` (the end of the last one delivered before a
  /// restart from an earlier resume point) are skipped whole, commits included.
  void set_delivered(std::string file, uint64_t pos);
  /// True while a transaction has delivered (or skipped) changes and not yet committed.
  bool in_transaction() const { return open_; }
  /// Number of complete transactions delivered so far.
  uint64_t commits() const { return commits_; }
  /// Changes (rows and statements; rows events with a rows sink) delivered so far; skipped
  /// replays are not counted.
  uint64_t changes() const { return changes_; }
  /// Sets the resume point before the first transaction (a checkpoint or a resolved start).
  void set_committed(std::string file, uint64_t pos, std::string gtid);

 private:
  /// True when this change was delivered before the reconnect (and is skipped now).
  bool replayed(const change::Transaction& txn);
  /// True when `txn` begins before the delivered point of set_delivered (which is cleared once
  /// a transaction begins at or after it).
  bool delivered_before(const change::Transaction& txn);

  GtidTracker gtids_;
  std::string file_, gtid_;
  uint64_t pos_ = 0;
  std::string resume_file_;
  uint64_t resume_pos_ = 0;
  std::string delivered_file_;  // "" = none
  uint64_t delivered_pos_ = 0;
  uint64_t commits_ = 0, changes_ = 0;
  // The open transaction: key and changes passed (delivered or skipped).
  std::string open_file_;
  uint64_t open_begin_ = 0;
  uint64_t open_count_ = 0;
  bool open_ = false;
  // The transaction cut by the last disconnect.
  std::string skip_file_;
  uint64_t skip_begin_ = 0;
  uint64_t skip_count_ = 0;
};

/// What a stream's assembler feeds (rows, statements, commits, and rows events for a rows sink).
class GuardedOutput : public binlog::ChangeHandler, public binlog::RowsEventSink {};

/// The guard in front of `out` (not owned, must outlive it): `out` receives every change once.
/// With `Out` a final class (the catch-up's handler) the calls to it are direct, so a change
/// costs one virtual call, as without a guard. `rows` (may be null: none expected) takes the
/// rows events passed undecoded.
template <class Out>
class Guarded final : public GuardedOutput {
 public:
  Guarded(ResumeGuard& guard, Out& out, binlog::RowsEventSink* rows)
      : guard_(guard), out_(out), rows_(rows) {}

  core::Status on_row(const change::RowChange& change, const binlog::TableLayoutPtr& layout) override {
    if (!guard_.pass(*change.txn)) return core::ok();
    return out_.on_row(change, layout);
  }
  core::Status on_statement(const binlog::StatementChange& s) override {
    if (!guard_.pass(*s.txn)) return core::ok();
    return out_.on_statement(s);
  }
  core::Status on_commit(const change::Transaction& txn) override {
    if (!guard_.pass_commit(txn)) return core::ok();
    SLUICE_TRY(out_.on_commit(txn));
    guard_.committed(txn);
    return core::ok();
  }
  core::Status on_rows_event(const change::Transaction& txn, const binlog::RowsEvent& rows) override {
    if (!guard_.pass(txn)) return core::ok();
    if (rows_ == nullptr) return core::fail(core::ErrorCode::kInternal, "rows event without a rows sink");
    return rows_->on_rows_event(txn, rows);
  }

 private:
  ResumeGuard& guard_;
  Out& out_;
  binlog::RowsEventSink* rows_;
};

}  // namespace sluice::source
