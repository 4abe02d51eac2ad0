#include "replicate/applier.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "journal/log_dir.h"
#include "journal/reader.h"
#include "replicate/copy_state.h"
#include "replicate/ddl_session.h"
#include "replicate/position_table.h"
#include "replicate/row_writer.h"
#include "replicate/table_filter.h"
#include "replicate/target_tables.h"

namespace sluice::replicate {
namespace {

using Clock = std::chrono::steady_clock;

// Conflicts overwritten per target table, over the applier's sessions.
using ConflictCounts = std::map<std::string, uint64_t>;

class Applier {
 public:
  /// Records up to `single_until` are applied row by row, each committed (after a conflict in
  /// a batched statement: docs/replication.md).
  Applier(const ApplyOptions& o, StatusBoard& board, uint64_t single_until, ConflictCounts& conflicts)
      : o_(o),
        board_(board),
        filter_({}, {}, o.settings.rename),
        position_(o.target.position_schema, o.settings.name),
        single_until_(single_until),
        conflicts_(conflicts) {}

  core::Status session();
  /// Nonzero: the session ended at a conflict in a batched statement holding records up to it.
  uint64_t replay_until() const { return replay_until_; }

 private:
  bool stopped() const { return o_.stop != nullptr && o_.stop->load(); }
  core::Status run_session();
  core::Status connect();
  core::Status open_reader();
  core::Status apply(const journal::Record& r);
  core::Status apply_statements(const journal::Record& r);
  core::Status commit_batch(bool idle);
  core::Status begin_if_needed();
  void note_complete(const journal::Record& r);
  void note_conflict(const TargetTable& t, RowWriter::Conflict what, const std::string& key);
  void report_conflicts();
  std::string where(const journal::Record& r) const;

  const ApplyOptions& o_;
  StatusBoard& board_;
  TableFilter filter_;
  PositionTable position_;
  std::unique_ptr<mysql::Connection> conn_;
  std::unique_ptr<RowWriter> rows_;
  std::unique_ptr<journal::Reader> reader_;
  TargetTables tables_;
  CopyWindow window_;  // rows an initial copy already holds (copy_state.h)
  AppliedPosition start_;
  bool txn_open_ = false;
  bool in_fragment_ = false;
  size_t batch_rows_ = 0;
  uint64_t committed_lsn_ = 0;  // in the position table
  uint64_t last_lsn_ = 0;       // the last complete record applied in the open batch
  std::string last_file_, last_gtid_;
  uint64_t last_end_ = 0;
  int64_t last_commit_seconds_ = 0;
  uint64_t transactions_ = 0, rows_applied_ = 0;
  int64_t pending_commit_seconds_ = 0;  // the oldest record read and not committed (status: lag)
  Clock::time_point applied_file_at_{};
  uint64_t single_until_ = 0, replay_until_ = 0, read_lsn_ = 0;
  const journal::Record* current_ = nullptr;
  ConflictCounts& conflicts_;
  std::vector<std::pair<std::string, std::string>> noted_;  // table, log line: not committed yet
};

core::Status Applier::connect() {
  auto c = mysql::Connection::connect(o_.target.connection);
  if (!c) return core::fail(c.error().with_context("connecting to the target"));
  conn_ = std::move(*c);
  SLUICE_TRY(set_dml_session(*conn_));
  rows_ = std::make_unique<RowWriter>(
      *conn_, o_.settings.on_conflict == config::ReplicateSettings::OnConflict::kOverwrite,
      [this](const TargetTable& t, RowWriter::Conflict what, const std::string& key) {
        note_conflict(t, what, key);
      });
  tables_.clear();
  auto p = position_.open(*conn_);
  if (!p) return core::fail(p.error());
  start_ = *p;
  committed_lsn_ = last_lsn_ = p->lsn;
  board_.update([&](PipelineStatus& s) { s.lsn_applied = committed_lsn_; });  // before a first commit
  return core::ok();
}

core::Status Applier::open_reader() {
  // The extractor creates the log: until it has, wait (retryable).
  auto r = journal::Reader::open(o_.settings.journal_dir, committed_lsn_ + 1);
  if (!r) {
    core::Error e = r.error();
    auto segments = journal::list_segments(o_.settings.journal_dir);
    e.retryable = !segments || segments->empty();
    return core::fail(e.with_context("replicate.journal_dir " + o_.settings.journal_dir));
  }
  reader_ = std::move(*r);
  return core::ok();
}

core::Status Applier::begin_if_needed() {
  if (txn_open_) return core::ok();
  SLUICE_TRY(conn_->execute("START TRANSACTION"));
  SLUICE_TRY(conn_->execute(position_.touch_sql()));  // recognisable from its first row (loop safety)
  txn_open_ = true;
  return core::ok();
}

void Applier::note_complete(const journal::Record& r) {
  last_lsn_ = r.lsn;
  last_file_.assign(r.txn.file);
  last_gtid_.assign(r.txn.gtid);
  last_end_ = r.txn.end_pos;
  last_commit_seconds_ = r.txn.commit_seconds;
  ++transactions_;
}

// "log record N (source FILE:POS, GTID G)": the transaction a message is about.
std::string Applier::where(const journal::Record& r) const {
  return "log record " + std::to_string(r.lsn) + " (source " + std::string(r.txn.file) + ":" +
         std::to_string(r.txn.begin_pos) + (r.txn.gtid.empty() ? "" : ", GTID " + std::string(r.txn.gtid)) +
         ")";
}

void Applier::note_conflict(const TargetTable& t, RowWriter::Conflict what, const std::string& key) {
  static const char* const kDone[] = {
      "INSERT of an existing key: row replaced", "UPDATE of a missing row: after image inserted",
      "UPDATE to an existing key: row replaced", "DELETE of a missing row: ignored"};
  // Counted and logged when the target transaction commits (a rolled back one is applied again).
  noted_.emplace_back(t.display, "replicate apply: conflict in " + t.display + ", key " + key + ": " +
                                     kDone[static_cast<int>(what)] + " (on_conflict overwrite; " +
                                     (current_ != nullptr ? where(*current_) : "") + "); ");
}

void Applier::report_conflicts() {
  for (const auto& [table, line] : noted_) {
    const uint64_t n = ++conflicts_[table];
    if (o_.log) o_.log(line + std::to_string(n) + " on " + table + " so far");
  }
  const size_t n = noted_.size();
  if (n != 0) board_.update([n](PipelineStatus& s) { s.conflicts += n; });
  noted_.clear();
}

core::Status Applier::apply(const journal::Record& r) {
  if (pending_commit_seconds_ == 0) {
    pending_commit_seconds_ = std::max<int64_t>(1, r.txn.commit_seconds);
    board_.update([&](PipelineStatus& s) {
      s.state = State::kCatchingUp;
      s.pending_commit_seconds = pending_commit_seconds_;
    });
  }
  current_ = &r;
  read_lsn_ = r.lsn;
  const bool single = r.lsn <= single_until_;
  rows_->set_single_rows(single);
  bool has_statements = false;
  for (const journal::RecordEntry& e : r.entries) has_statements = has_statements || e.is_statement;
  if (has_statements) {
    if (txn_open_ && !in_fragment_) SLUICE_TRY(commit_batch(false));
    SLUICE_TRY(apply_statements(r));
  }
  for (const journal::RecordEntry& e : r.entries) {
    if (e.is_statement) continue;
    const journal::RecordTable& rt = r.tables[e.table];
    const CopyWindow::Mode mode = window_.mode(rt.db, rt.table, r.txn.file, r.txn.begin_pos);
    if (mode == CopyWindow::Mode::kSkip) continue;
    SLUICE_TRY(rows_->set_idempotent(mode == CopyWindow::Mode::kIdempotent));
    const std::string db(filter_.target_db(rt.db));
    auto t = tables_.get(*conn_, db, std::string(rt.table));
    if (!t) return core::fail(t.error().with_context("log record " + std::to_string(r.lsn)));
    SLUICE_TRY(begin_if_needed());
    if (auto s = rows_->add(**t, e.row); !s) {
      if (rows_->replay_requested()) replay_until_ = r.lsn;
      return core::fail(s.error().with_context(where(r)));
    }
    ++batch_rows_;
    ++rows_applied_;
  }
  in_fragment_ = r.more;
  if (r.more) return core::ok();
  note_complete(r);
  if (single || has_statements || batch_rows_ >= o_.settings.batch_rows) return commit_batch(false);
  return core::ok();
}

core::Status Applier::apply_statements(const journal::Record& r) {
  SLUICE_TRY(conn_->execute(position_.mark_ddl_sql(r.lsn)));
  const bool redo = start_.ddl_lsn == r.lsn;
  for (const journal::RecordEntry& e : r.entries) {
    if (!e.is_statement) continue;
    auto s = run_ddl(*conn_, e.statement, filter_.renames(), redo, o_.log,
                     applied_ddl_mark(o_.target.position_schema));
    if (!s) {
      return core::fail(s.error().with_context("log record " + std::to_string(r.lsn) + " (source " +
                                               std::string(r.txn.file) + ":" +
                                               std::to_string(e.statement.pos) + ")"));
    }
  }
  SLUICE_TRY(set_dml_session(*conn_));
  tables_.clear();
  return core::ok();
}

core::Status Applier::commit_batch(bool idle) {
  if (last_lsn_ > committed_lsn_ || txn_open_) {
    if (core::Status s = rows_->flush(); !s) {
      if (rows_->replay_requested()) replay_until_ = read_lsn_;
      return s;
    }
    change::Transaction txn;
    txn.file = last_file_;
    txn.end_pos = last_end_;
    txn.gtid = last_gtid_;
    SLUICE_TRY(conn_->execute(position_.update_sql(*conn_, last_lsn_, txn)));
    SLUICE_TRY(conn_->execute("COMMIT"));
    report_conflicts();
    txn_open_ = false;
    batch_rows_ = 0;
    committed_lsn_ = last_lsn_;
  }
  // The applied file only lets retention delete: after the commit, at most once a second.
  if (committed_lsn_ > 0 && (idle || Clock::now() - applied_file_at_ > std::chrono::seconds(1))) {
    SLUICE_TRY(journal::write_applied_lsn(o_.settings.journal_dir, committed_lsn_));
    applied_file_at_ = Clock::now();
  }
  board_.update([&](PipelineStatus& s) {
    s.state = idle ? State::kOnline : State::kCatchingUp;
    s.lsn_applied = committed_lsn_;
    s.source_position = last_file_.empty() ? "" : last_file_ + ":" + std::to_string(last_end_);
    s.gtid_set = last_gtid_;
    s.transactions = transactions_;
    s.rows = rows_applied_;
    s.last_commit_seconds = last_commit_seconds_;
    s.last_error.clear();
    s.pending_commit_seconds = pending_commit_seconds_ = 0;
  });
  return core::ok();
}

core::Status Applier::session() {
  core::Status s = run_session();
  // Before the batch is applied again row by row, its transaction goes.
  if (!s && replay_until_ != 0 && conn_ != nullptr) (void)conn_->execute("ROLLBACK");
  return s;
}

core::Status Applier::run_session() {
  // The counters are the process's: a session after a retry goes on from them.
  const PipelineStatus before = board_.snapshot();
  transactions_ = before.transactions;
  rows_applied_ = before.rows;
  SLUICE_TRY(connect());
  SLUICE_TRY(open_reader());
  // Once the log exists an initial copy is complete (its hand-off creates the log).
  SLUICE_TRY(window_.load(*conn_, o_.target.position_schema, o_.settings.name));
  txn_open_ = in_fragment_ = false;
  batch_rows_ = 0;
  const uint64_t unlimited = ~uint64_t{0};
  while (!stopped()) {
    auto rec = reader_->next(o_.durable_lsn != nullptr ? o_.durable_lsn->load() : unlimited);
    if (!rec) return core::fail(rec.error());
    if (*rec == nullptr) {
      if (!in_fragment_) SLUICE_TRY(commit_batch(true));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a new record seen within 1 ms
      continue;
    }
    SLUICE_TRY(apply(**rec));
  }
  if (in_fragment_) return conn_->execute("ROLLBACK");
  return commit_batch(true);
}

}  // namespace

core::Status run_apply(const ApplyOptions& o, StatusBoard& board) {
  unsigned backoff_ms = 500;
  uint64_t single_until = 0;
  ConflictCounts conflicts;
  while (o.stop == nullptr || !o.stop->load()) {
    const uint64_t applied_before = board.snapshot().lsn_applied;
    Applier applier(o, board, single_until, conflicts);
    core::Status s = applier.session();
    // A session that applied something ran well: its failure starts the backoff over.
    if (board.snapshot().lsn_applied > applied_before) backoff_ms = 500;
    if (s) {
      board.set_state(State::kStopped);
      return s;
    }
    // A conflict in a batched statement: its batch again, row by row (the session's open
    // transaction was rolled back with its connection).
    if (applier.replay_until() > single_until) {
      single_until = applier.replay_until();
      if (o.log) o.log("replicate apply: " + s.error().message);
      continue;
    }
    if (!s.error().retryable) return s;
    board.set_state(State::kCatchingUp, s.error().message);
    if (o.log)
      o.log("replicate apply: " + s.error().message + "; retrying in " + std::to_string(backoff_ms) + " ms");
    for (unsigned waited = 0; waited < backoff_ms && (o.stop == nullptr || !o.stop->load()); waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff_ms = std::min(backoff_ms * 2, o.backoff_max_ms);
  }
  board.set_state(State::kStopped);
  return core::ok();
}

}  // namespace sluice::replicate
