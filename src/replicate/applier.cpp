#include "replicate/applier.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

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

class Applier {
 public:
  Applier(const ApplyOptions& o, StatusBoard& board)
      : o_(o),
        board_(board),
        filter_({}, {}, o.settings.rename),
        position_(o.target.position_schema, o.settings.name) {}

  core::Status session();

 private:
  bool stopped() const { return o_.stop != nullptr && o_.stop->load(); }
  core::Status connect();
  core::Status open_reader();
  core::Status apply(const journal::Record& r);
  core::Status apply_statements(const journal::Record& r);
  core::Status commit_batch(bool idle);
  core::Status begin_if_needed();
  void note_complete(const journal::Record& r);

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
};

core::Status Applier::connect() {
  auto c = mysql::Connection::connect(o_.target.connection);
  if (!c) return core::fail(c.error().with_context("connecting to the target"));
  conn_ = std::move(*c);
  SLUICE_TRY(set_dml_session(*conn_));
  rows_ = std::make_unique<RowWriter>(*conn_);
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

core::Status Applier::apply(const journal::Record& r) {
  if (pending_commit_seconds_ == 0) {
    pending_commit_seconds_ = std::max<int64_t>(1, r.txn.commit_seconds);
    board_.update([&](PipelineStatus& s) {
      s.state = State::kCatchingUp;
      s.pending_commit_seconds = pending_commit_seconds_;
    });
  }
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
      return core::fail(
          s.error().with_context("log record " + std::to_string(r.lsn) + " (source " +
                                 std::string(r.txn.file) + ":" + std::to_string(r.txn.begin_pos) +
                                 (r.txn.gtid.empty() ? "" : ", GTID " + std::string(r.txn.gtid)) + ")"));
    }
    ++batch_rows_;
    ++rows_applied_;
  }
  in_fragment_ = r.more;
  if (r.more) return core::ok();
  note_complete(r);
  if (has_statements || batch_rows_ >= o_.settings.batch_rows) return commit_batch(false);
  return core::ok();
}

core::Status Applier::apply_statements(const journal::Record& r) {
  SLUICE_TRY(conn_->execute(position_.mark_ddl_sql(r.lsn)));
  const bool redo = start_.ddl_lsn == r.lsn;
  for (const journal::RecordEntry& e : r.entries) {
    if (!e.is_statement) continue;
    auto s = run_ddl(*conn_, e.statement, filter_.renames(), redo, o_.log);
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
    SLUICE_TRY(rows_->flush());
    change::Transaction txn;
    txn.file = last_file_;
    txn.end_pos = last_end_;
    txn.gtid = last_gtid_;
    SLUICE_TRY(conn_->execute(position_.update_sql(*conn_, last_lsn_, txn)));
    SLUICE_TRY(conn_->execute("COMMIT"));
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
    s.pending_commit_seconds = pending_commit_seconds_ = 0;
    s.last_error.clear();
  });
  return core::ok();
}

core::Status Applier::session() {
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
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
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
  while (o.stop == nullptr || !o.stop->load()) {
    const uint64_t applied_before = board.snapshot().lsn_applied;
    Applier applier(o, board);
    core::Status s = applier.session();
    // A session that applied something ran well: its failure starts the backoff over.
    if (board.snapshot().lsn_applied > applied_before) backoff_ms = 500;
    if (s) {
      board.set_state(State::kStopped);
      return s;
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
