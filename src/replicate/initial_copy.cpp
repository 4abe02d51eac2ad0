#include "replicate/initial_copy.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>
#include <vector>

#include "extract/binlog_position.h"
#include "extract/snapshot_reader.h"
#include "journal/log_dir.h"
#include "mysql/connection.h"
#include "replicate/copy_state.h"
#include "replicate/ddl_session.h"
#include "replicate/row_writer.h"
#include "replicate/table_filter.h"
#include "replicate/target_tables.h"
#include "schema/discovery.h"

namespace sluice::replicate {
namespace {

// For tests only: SIGSTOP after this many chunks were committed on the target (the test
// then kills or continues the process at a known point of the copy; docs/development.md).
uint64_t test_stop_after_chunks() {
  const char* v = std::getenv("SLUICE_TEST_STOP_AFTER_COPY_CHUNKS");
  return v == nullptr ? 0 : std::strtoull(v, nullptr, 10);
}

core::Error refused(const std::string& why) {
  return core::Error{core::ErrorCode::kConfig, "replicate --initial-copy: " + why};
}

class Copier;

// Snapshot rows → the target's batched INSERT; each chunk commits with its progress row.
class ChunkWriter final : public extract::SnapshotConsumer {
 public:
  ChunkWriter(Copier& copier, const TargetTable& table, std::string db, std::string tbl, bool keyed)
      : copier_(copier), table_(table), db_(std::move(db)), tbl_(std::move(tbl)), keyed_(keyed) {}
  core::Status on_row(std::span<const core::Value> values) override;
  core::Status on_checkpoint(const nlohmann::ordered_json& last_key) override;
  uint64_t rows() const { return rows_; }

 private:
  Copier& copier_;
  const TargetTable& table_;
  std::string db_, tbl_;
  bool keyed_;
  bool open_ = false;
  uint64_t rows_ = 0;
};

class Copier {
 public:
  explicit Copier(const InitialCopyOptions& o)
      : o_(o),
        filter_(o.settings.include, o.settings.exclude, o.settings.rename),
        state_(o.target.position_schema, o.settings.name),
        stop_after_chunks_(test_stop_after_chunks()) {}

  core::Result<mysql::BinlogStatus> run();

 private:
  friend class ChunkWriter;
  core::Result<std::vector<schema::TableSchema>> followed_tables();
  core::Status plan(const std::vector<schema::TableSchema>& tables);
  core::Status create_table(const schema::TableSchema& t, const std::string& target_db);
  core::Status copy_table(const schema::TableSchema& t);
  core::Status commit_chunk(const std::string& db, const std::string& tbl, const CopyRow& row);
  void log(const std::string& line) const {
    if (o_.log) o_.log("replicate --initial-copy: " + line);
  }

  const InitialCopyOptions& o_;
  TableFilter filter_;
  CopyState state_;
  std::unique_ptr<mysql::Connection> src_, dst_;
  std::unique_ptr<RowWriter> writer_;
  TargetTables targets_;
  mysql::BinlogStatus snap_;
  uint64_t chunks_ = 0;
  uint64_t stop_after_chunks_ = 0;
};

core::Status ChunkWriter::on_row(std::span<const core::Value> values) {
  if (!open_) {
    SLUICE_TRY(copier_.dst_->execute("START TRANSACTION"));
    open_ = true;
  }
  change::RowChange row;
  row.op = change::Op::kInsert;
  row.after = values;
  ++rows_;
  return copier_.writer_->add(table_, row);
}

core::Status ChunkWriter::on_checkpoint(const nlohmann::ordered_json& last_key) {
  if (!open_) SLUICE_TRY(copier_.dst_->execute("START TRANSACTION"));
  open_ = false;
  SLUICE_TRY(copier_.writer_->flush());
  CopyRow row;
  row.keyed = keyed_;
  row.done = !keyed_;  // a keyless table is one pass: its rows and "done" commit together
  row.last_key = last_key.is_null() ? "" : last_key.dump();
  row.snap = copier_.snap_.position;
  row.snap_gtid = copier_.snap_.gtid;
  return copier_.commit_chunk(db_, tbl_, row);
}

core::Status Copier::commit_chunk(const std::string& db, const std::string& tbl, const CopyRow& row) {
  SLUICE_TRY(dst_->execute(state_.save_sql(*dst_, db, tbl, row)));
  SLUICE_TRY(dst_->execute("COMMIT"));
  ++chunks_;
  if (stop_after_chunks_ != 0 && chunks_ == stop_after_chunks_) std::raise(SIGSTOP);
  if (o_.stop != nullptr && o_.stop->load()) {
    return core::fail(core::ErrorCode::kCancelled,
                      "stopped during the initial copy (it resumes where it was)");
  }
  return core::ok();
}

core::Result<std::vector<schema::TableSchema>> Copier::followed_tables() {
  schema::DiscoveryOptions d;
  d.databases = filter_.exact_databases();
  auto all = schema::discover(*src_, d);
  if (!all) return core::fail(all.error().with_context("listing the source's tables"));
  std::vector<schema::TableSchema> out;
  for (schema::TableSchema& t : *all) {
    if (!t.is_view && filter_.follows(t.database, t.name)) out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const schema::TableSchema& a, const schema::TableSchema& b) {
    return std::tie(a.database, a.name) < std::tie(b.database, b.name);
  });
  return out;
}

core::Status Copier::create_table(const schema::TableSchema& t, const std::string& target_db) {
  const std::string create_db =
      "CREATE DATABASE IF NOT EXISTS " + mysql::Connection::quote_identifier(t.database);
  SLUICE_TRY(run_ddl(*dst_, journal::Statement{0, "", create_db, {}}, filter_.renames(), true, o_.log));
  auto rows = src_->query("SHOW CREATE TABLE " + extract::qualified_name(t));
  if (!rows || rows->empty() || rows->front().size() < 2 || !rows->front()[1]) {
    return core::fail(core::ErrorCode::kServer, "SHOW CREATE TABLE " + t.database + "." + t.name +
                                                    " on the source gave nothing" +
                                                    (rows ? "" : ": " + rows.error().message));
  }
  const std::string sql = *rows->front()[1];
  SLUICE_TRY(run_ddl(*dst_, journal::Statement{0, t.database, sql, {}}, filter_.renames(), true, o_.log));
  log("created " + target_db + "." + t.name + " on the target");
  return set_dml_session(*dst_);
}

// The first run: every followed table checked (missing, or there and empty), created when
// missing, and the plan (the pipeline's start, one row per table) committed.
core::Status Copier::plan(const std::vector<schema::TableSchema>& tables) {
  std::vector<bool> missing;
  for (const schema::TableSchema& t : tables) {
    const std::string db(filter_.target_db(t.database));
    auto there = targets_.get(*dst_, db, t.name);
    if (!there && there.error().code != core::ErrorCode::kNotFound) return core::fail(there.error());
    missing.push_back(!there);
    if (!there) continue;
    auto any = dst_->query("SELECT 1 FROM " + (*there)->name + " LIMIT 1");
    if (!any) return core::fail(any.error().with_context("reading " + db + "." + t.name + " on the target"));
    if (!any->empty()) {
      return core::fail(refused("the target table " + db + "." + t.name +
                                " already holds rows: an initial copy fills only missing or empty tables "
                                "(empty or drop it, or start the pipeline without --initial-copy)"));
    }
  }
  for (size_t i = 0; i < tables.size(); ++i) {
    if (missing[i]) SLUICE_TRY(create_table(tables[i], std::string(filter_.target_db(tables[i].database))));
  }
  targets_.clear();
  SLUICE_TRY(dst_->execute("START TRANSACTION"));
  CopyRow start;
  start.snap = snap_.position;
  start.snap_gtid = snap_.gtid;
  SLUICE_TRY(dst_->execute(state_.save_sql(*dst_, "", "", start)));
  for (const schema::TableSchema& t : tables) {
    CopyRow row = start;
    row.keyed = !extract::choose_chunk_key(t).empty();
    SLUICE_TRY(dst_->execute(state_.save_sql(*dst_, t.database, t.name, row)));
  }
  return dst_->execute("COMMIT");
}

core::Status Copier::copy_table(const schema::TableSchema& t) {
  const CopyRow* progress = state_.table(t.database, t.name);
  const std::string db(filter_.target_db(t.database));
  auto target = targets_.get(*dst_, db, t.name);
  if (!target) return core::fail(target.error().with_context("the initial copy"));
  extract::SnapshotSpec spec;
  spec.table = &t;
  for (size_t i = 0; i < t.columns.size(); ++i) spec.columns.push_back(i);
  spec.key = extract::choose_chunk_key(t);
  spec.chunk_rows = o_.settings.initial_copy_chunk_rows;
  if (progress != nullptr && !progress->last_key.empty()) {
    spec.after = nlohmann::ordered_json::parse(progress->last_key, nullptr, false);
    log(t.database + "." + t.name + ": resuming after " + progress->last_key);
  }
  ChunkWriter chunks(*this, **target, t.database, t.name, !spec.key.empty());
  if (auto s = extract::read_snapshot(*src_, spec, chunks); !s) {
    writer_->reset();
    (void)dst_->execute("ROLLBACK");
    return core::fail(s.error().with_context("copying " + t.database + "." + t.name));
  }
  if (!spec.key.empty()) {
    // What lies past the last key is this snapshot's (perhaps nothing): the window reaches it.
    CopyRow done = *state_.table(t.database, t.name);
    done.done = true;
    done.snap = snap_.position;
    done.snap_gtid = snap_.gtid;
    SLUICE_TRY(dst_->execute("START TRANSACTION"));
    SLUICE_TRY(commit_chunk(t.database, t.name, done));
  }
  log(t.database + "." + t.name + ": " + std::to_string(chunks.rows()) + " rows copied");
  return core::ok();
}

core::Result<mysql::BinlogStatus> Copier::run() {
  auto dst = mysql::Connection::connect(o_.target.connection);
  if (!dst) return core::fail(dst.error().with_context("connecting to the target"));
  dst_ = std::move(*dst);
  SLUICE_TRY(set_dml_session(*dst_));
  writer_ = std::make_unique<RowWriter>(*dst_);
  SLUICE_TRY(state_.open(*dst_));
  if (state_.pipeline() && state_.pipeline()->done) {
    log("the copy finished before: the stream goes on from the log");
    return mysql::BinlogStatus{state_.pipeline()->snap, state_.pipeline()->snap_gtid};
  }
  auto segments = journal::list_segments(o_.settings.journal_dir);
  if (segments && !segments->empty()) {
    return core::fail(refused("the transaction log " + o_.settings.journal_dir +
                              " already has records: an initial copy only provisions a new pipeline (start "
                              "without --initial-copy, or with an empty journal_dir and target)"));
  }
  auto src = mysql::Connection::connect(o_.source.connection);
  if (!src) return core::fail(src.error().with_context("connecting to the source"));
  src_ = std::move(*src);
  auto snap = extract::begin_exact_snapshot(*src_);
  if (!snap) return core::fail(snap.error().with_context("opening the initial copy's snapshot"));
  snap_ = *snap;
  auto tables = followed_tables();
  if (!tables) return core::fail(tables.error());
  if (!state_.pipeline()) SLUICE_TRY(plan(*tables));
  log("snapshot at " + snap_.position.str() + (snap_.gtid.empty() ? "" : " (GTID " + snap_.gtid + ")"));
  for (const schema::TableSchema& t : *tables) {
    const CopyRow* progress = state_.table(t.database, t.name);
    if (progress == nullptr || progress->done) continue;  // created since the plan: its DDL is in the stream
    SLUICE_TRY(copy_table(t));
  }
  // Planned tables gone from the source since: their DROP is in the stream.
  SLUICE_TRY(dst_->execute("START TRANSACTION"));
  for (const auto& [name, row] : state_.tables()) {
    if (row.done) continue;
    CopyRow gone = row;  // its target table is as this snapshot has it (not at all)
    gone.done = true;
    gone.snap = snap_.position;
    gone.snap_gtid = snap_.gtid;
    SLUICE_TRY(dst_->execute(state_.save_sql(*dst_, name.first, name.second, gone)));
  }
  CopyRow finished = *state_.pipeline();
  finished.done = true;
  SLUICE_TRY(dst_->execute(state_.save_sql(*dst_, "", "", finished)));
  SLUICE_TRY(dst_->execute("COMMIT"));
  (void)src_->execute("COMMIT");
  log("done: the stream starts at " + finished.snap.str());
  return mysql::BinlogStatus{finished.snap, finished.snap_gtid};
}

}  // namespace

core::Result<mysql::BinlogStatus> run_initial_copy(const InitialCopyOptions& options) {
  Copier copier(options);
  return copier.run();
}

}  // namespace sluice::replicate
