// Full Table, Key-based Incremental and the log-based initial snapshot, over the snapshot engine.
#include <chrono>
#include <span>

#include "extract/binlog_position.h"
#include "extract/key_literal.h"
#include "extract/parallel_snapshot.h"
#include "extract/snapshot_reader.h"
#include "job/job_context.h"

namespace sluice::job {
namespace {

using nlohmann::ordered_json;

// Delivers snapshot rows to the sink and checkpoints the chunk key.
class RowWriter : public extract::SnapshotConsumer {
 public:
  RowWriter(JobContext& ctx, const SelectedStream& s, sinks::StreamHandle h, bool track_pk)
      : ctx_(ctx), s_(s), h_(h), track_pk_(track_pk) {
    row_.op = change::Op::kSnapshot;
    row_.extracted = now_utc();
  }

  /// Key-based: position of the replication key in the delivered values.
  void track_replication_key(size_t pos) { rk_pos_ = pos; }

  core::Status on_row(std::span<const core::Value> values) override {
    row_.after = values.first(s_.columns.size());
    if (rk_pos_ != kNone && !values[rk_pos_].is_null()) {
      rk_value_ = values[rk_pos_];
      if (!rk_value_.text.empty()) {
        rk_text_.assign(rk_value_.text);
        rk_value_.text = rk_text_;
      }
      have_rk_ = true;
    }
    ctx_.progress.add();
    return ctx_.sink.write_row(h_, row_);
  }
  bool checkpoint_due() override { return ctx_.state_due(); }
  core::Status on_checkpoint(const ordered_json& last_key) override {
    ordered_json& b = ctx_.state.bookmark(s_.stream_id);
    if (track_pk_ && !last_key.is_null()) b["last_pk_fetched"] = last_key;
    if (have_rk_) {
      const schema::ColumnSchema& c = s_.table.columns[rk_column_];
      b["replication_key_value"] = extract::bookmark_json(c, rk_value_);
    }
    return ctx_.checkpoint_or_stop();
  }
  void set_rk_column(size_t column) { rk_column_ = column; }

 private:
  static constexpr size_t kNone = ~size_t{0};
  JobContext& ctx_;
  const SelectedStream& s_;
  sinks::StreamHandle h_;
  bool track_pk_;
  change::RowChange row_;  // a snapshot row: its after image
  size_t rk_pos_ = kNone;
  size_t rk_column_ = 0;
  core::Value rk_value_;
  std::string rk_text_;
  bool have_rk_ = false;
};

core::Result<sinks::StreamHandle> open(JobContext& ctx, const SelectedStream& s, int64_t version) {
  sinks::StreamInfo info = stream_info(s);
  info.version = version;
  return ctx.sink.open_stream(info);
}

int64_t stream_version(const ordered_json& b) {
  auto it = b.find("version");
  if (it != b.end() && it->is_number_integer()) return it->get<int64_t>();
  return now_ms();
}

// The version of a snapshot load. A resumed load continues its version, except for a table
// without a usable key: it is read again from its first row, so it starts a new version and the
// rows the interrupted load delivered are dropped when the new one is activated (no duplicates
// in keyed destinations, and Singer targets see the same through ACTIVATE_VERSION).
int64_t load_version(const ordered_json& b, const SelectedStream& s) {
  if (extract::choose_chunk_key(s.table).empty()) return now_ms();
  return stream_version(b);
}

// The connections of a snapshot: the job's, then options.snapshot_threads - 1 more (opened
// once per job, kept for the next tables).
core::Result<std::vector<mysql::Connection*>> snapshot_connections(JobContext& ctx) {
  while (ctx.readers.size() + 1 < ctx.options.snapshot_threads) {
    auto c = mysql::Connection::connect(ctx.config.connection);
    if (!c) return core::fail(c.error().with_context("opening a connection for a parallel snapshot (snapshot_threads)"));
    ctx.readers.push_back(std::move(*c));
    ctx.watch(*ctx.readers.back());
  }
  std::vector<mysql::Connection*> out{ctx.conn.get()};
  for (auto& c : ctx.readers) out.push_back(c.get());
  return out;
}

// Reads the keyed snapshot (or one pass) with resume from last_pk_fetched / max_pk_values:
// key ranges in parallel over `conns` when there are several, else chunks on conns[0].
core::Status keyed_snapshot(JobContext& ctx, const SelectedStream& s, sinks::StreamHandle h,
                            std::span<mysql::Connection* const> conns) {
  extract::SnapshotSpec spec;
  spec.table = &s.table;
  spec.columns = s.columns;
  spec.key = extract::choose_chunk_key(s.table);
  spec.chunk_rows = ctx.options.chunk_rows;
  spec.estimated_rows = s.table.row_count;
  ordered_json& b = ctx.state.bookmark(s.stream_id);
  if (!spec.key.empty()) {
    if (!b.contains("max_pk_values")) {
      auto mk = extract::max_key(*conns[0], s.table, spec.key);
      if (!mk) return core::fail(mk.error());
      if (mk->is_null()) {
        b.erase("last_pk_fetched");
      } else {
        b["max_pk_values"] = *mk;
      }
    }
    if (b.contains("max_pk_values")) spec.upto = b["max_pk_values"];
    if (b.contains("last_pk_fetched")) {
      spec.after = b["last_pk_fetched"];
      ctx.info(s.stream_id + ": resuming after " + spec.after.dump());
    }
    if (spec.upto.is_null()) return core::ok();  // empty table
  } else if (!s.table.is_view) {
    ctx.info(s.stream_id + ": no primary or unique NOT NULL key: read in one pass (an interrupted read starts over)");
  }
  RowWriter writer(ctx, s, h, !spec.key.empty());
  if (conns.size() > 1 && !spec.key.empty()) return extract::read_snapshot_parallel(conns, spec, writer);
  return extract::read_snapshot(*conns[0], spec, writer);
}

// Starts a consistent snapshot on every connection; the earliest of their binlog positions.
core::Result<mysql::BinlogStatus> begin_snapshots(std::span<mysql::Connection* const> conns) {
  mysql::BinlogStatus first;
  for (size_t i = 0; i < conns.size(); ++i) {
    auto pos = extract::begin_consistent_snapshot(*conns[i]);
    if (!pos) return core::fail(pos.error());
    if (i == 0 || core::compare_positions(pos->position, first.position) < 0) first = *pos;
  }
  return first;
}

void begin_stream_state(JobContext& ctx, const SelectedStream& s) {
  ctx.state.set_currently_syncing(s.stream_id);
  ctx.progress.begin(s.stream_id, std::string(change::method_name(s.method)), s.table.row_count);
}

}  // namespace

core::EpochTime now_utc() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return core::EpochTime{us / 1000000, static_cast<uint32_t>(us % 1000000)};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

core::Status sync_full_table(JobContext& ctx, const SelectedStream& s) {
  begin_stream_state(ctx, s);
  ctx.state.keep_only(s.stream_id, {"last_pk_fetched", "max_pk_values", "version", "initial_full_table_complete"});
  SLUICE_TRY(ctx.checkpoint());
  ordered_json& b = ctx.state.bookmark(s.stream_id);
  int64_t version = load_version(b, s);
  bool first_load = !b.value("initial_full_table_complete", false);
  // Kept while the load is in progress so a resumed job continues the same version.
  b["version"] = version;
  auto h = open(ctx, s, version);
  if (!h) return core::fail(h.error());
  if (first_load) SLUICE_TRY(ctx.sink.activate_version(*h, version));
  auto conns = snapshot_connections(ctx);
  if (!conns) return core::fail(conns.error());
  SLUICE_TRY(keyed_snapshot(ctx, s, *h, *conns));
  SLUICE_TRY(ctx.sink.activate_version(*h, version));
  ordered_json& done = ctx.state.bookmark(s.stream_id);
  done.erase("last_pk_fetched");
  done.erase("max_pk_values");
  done.erase("version");
  done["initial_full_table_complete"] = true;
  ctx.progress.end();
  return ctx.checkpoint();
}

core::Status sync_incremental(JobContext& ctx, const SelectedStream& s) {
  begin_stream_state(ctx, s);
  ctx.state.keep_only(s.stream_id, {"replication_key", "replication_key_value", "version"});
  SLUICE_TRY(ctx.checkpoint());
  ordered_json& b = ctx.state.bookmark(s.stream_id);
  if (b.value("replication_key", std::string()) != *s.replication_key) {
    if (b.contains("replication_key_value")) {
      ctx.info(s.stream_id + ": replication key changed to '" + *s.replication_key + "': reading the whole table");
    }
    b.erase("replication_key_value");
  }
  int64_t version = stream_version(b);
  b["replication_key"] = *s.replication_key;
  b["version"] = version;
  auto h = open(ctx, s, version);
  if (!h) return core::fail(h.error());
  SLUICE_TRY(ctx.sink.activate_version(*h, version));

  size_t rk_column = 0;
  for (size_t i = 0; i < s.table.columns.size(); ++i) {
    if (s.table.columns[i].name == *s.replication_key) rk_column = i;
  }
  extract::SnapshotSpec spec;
  spec.table = &s.table;
  spec.columns = s.columns;
  spec.order_by = {rk_column};
  spec.chunk_rows = ctx.options.chunk_rows;
  if (b.contains("replication_key_value") && !b["replication_key_value"].is_null()) {
    auto lit = extract::sql_literal(s.table.columns[rk_column], b["replication_key_value"], *ctx.conn);
    if (!lit) return core::fail(lit.error());
    spec.where = mysql::Connection::quote_identifier(*s.replication_key) + " >= " + *lit;
  }
  size_t rk_pos = s.columns.size();
  for (size_t i = 0; i < s.columns.size(); ++i) {
    if (s.columns[i] == rk_column) rk_pos = i;
  }
  RowWriter writer(ctx, s, *h, false);
  writer.track_replication_key(rk_pos);
  writer.set_rk_column(rk_column);
  SLUICE_TRY(extract::read_snapshot(*ctx.conn, spec, writer));
  ctx.progress.end();
  return ctx.checkpoint();
}

bool log_position_ready(const config::State& state, const std::string& stream_id) {
  const ordered_json* b = state.find_bookmark(stream_id);
  if (!b) return false;
  return b->contains("log_file") && b->contains("log_pos") && !b->contains("last_pk_fetched") &&
         !b->contains("max_pk_values") && b->value("initial_binlog_complete", true);
}

core::Status sync_log_initial(JobContext& ctx, const SelectedStream& s) {
  begin_stream_state(ctx, s);
  ctx.state.keep_only(s.stream_id, {"last_pk_fetched", "max_pk_values", "version", "log_file", "log_pos",
                                    "gtid", "sluice_columns", "sluice_server_identity"});
  SLUICE_TRY(ctx.checkpoint());
  ordered_json& b = ctx.state.bookmark(s.stream_id);
  int64_t version = load_version(b, s);
  b["version"] = version;
  // One consistent snapshot per connection for every chunk of this job; the earliest of their
  // binlog positions (or low watermarks before them) is where the binlog catch-up starts
  // (docs/replication-methods.md).
  auto conns = snapshot_connections(ctx);
  if (!conns) return core::fail(conns.error());
  auto pos = begin_snapshots(*conns);
  if (!pos) return core::fail(pos.error());
  // A table without a usable key is read again whole at this snapshot, so the binlog follows
  // from this snapshot's position; a keyed snapshot resumed keeps the first one's (the rows
  // before last_pk_fetched were read there).
  bool one_pass = extract::choose_chunk_key(s.table).empty();
  if (!b.contains("log_file") || one_pass) {
    b["log_file"] = pos->position.file;
    b["log_pos"] = pos->position.offset;
    if (pos->gtid.empty()) b.erase("gtid");
    else b["gtid"] = pos->gtid;
    b["sluice_columns"] = snapshot_columns(s.table);
    // Whose binlog log_file/log_pos name (checked before the next job reads it).
    auto identity = mysql::read_source_identity(*ctx.conn);
    if (!identity) return core::fail(identity.error());
    b["sluice_server_identity"] = *identity;
  }
  // Until the snapshot ends: a keyed one is told by max_pk_values, a one-pass read by this.
  b["initial_binlog_complete"] = false;
  auto h = open(ctx, s, version);
  if (!h) return core::fail(h.error());
  SLUICE_TRY(ctx.sink.activate_version(*h, version));
  auto st = keyed_snapshot(ctx, s, *h, *conns);
  core::Status end = core::ok();
  for (mysql::Connection* c : *conns) {
    auto e = c->execute("COMMIT");
    if (!e && end) end = e;
  }
  if (!st) return st;
  if (!end) return end;
  SLUICE_TRY(ctx.sink.activate_version(*h, version));
  ordered_json& done = ctx.state.bookmark(s.stream_id);
  done.erase("last_pk_fetched");
  done.erase("max_pk_values");
  done.erase("initial_binlog_complete");
  ctx.progress.end();
  return ctx.checkpoint();
}

}  // namespace sluice::job
