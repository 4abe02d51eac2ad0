#include "extract/binlog_catchup.h"

#include <algorithm>

#include "core/value_equal.h"
#include "schema/ddl_parser.h"
#include "schema/history_resolver.h"
#include "source/binlog_streamer.h"
#include "source/gtid_tracker.h"

namespace sluice::extract {
namespace {

// A destination stores documents; a PARTIAL_JSON update logged without its before image
// (binlog_row_image=MINIMAL) carries only the changes, so the new document cannot be known here.
core::Status partial_json_without_document(const change::RowChange& c) {
  return core::fail(core::ErrorCode::kUnsupported,
                    std::string(c.database) + "." + std::string(c.table) + " at " + std::string(c.txn->file) +
                        ":" + std::to_string(c.pos) +
                        ": a partial JSON update (binlog_row_value_options=PARTIAL_JSON) logged with "
                        "binlog_row_image=MINIMAL holds the document's changes, not the document, and this "
                        "destination stores documents it cannot read back (SQLite and PostgreSQL apply such "
                        "changes); set binlog_row_image=FULL (or binlog_row_value_options='') on the source, "
                        "then re-snapshot the table with 'sluice reset'");
}

// Final: the streamer's resume guard calls it directly (source::Guarded).
class CatchupHandler final : public binlog::ChangeHandler {
 public:
  CatchupHandler(std::vector<CatchupStream>& streams, schema::SchemaHistory& history, CatchupConsumer& out,
                 const CatchupOptions& options)
      : streams_(streams), history_(history), out_(out), json_diffs_ok_(options.json_diffs_ok) {
    out_change_.extracted = options.extracted;
    maps_.resize(streams.size());
    versions_.resize(streams.size());
    gone_.assign(streams.size(), 0);
    gtids_.resize(streams.size());
    for (size_t i = 0; i < streams.size(); ++i) {
      versions_[i] = history.versions(streams[i].table.database, streams[i].table.name).size();
      const std::string& g = streams[i].gtid;
      auto kind =
          core::looks_like_mariadb_gtid_pos(g) ? core::GtidFlavor::kMariaDb : core::GtidFlavor::kMySql;
      // Without a starting state there is nothing to follow: the stream keeps "".
      if (g.empty() || !gtids_[i].reset(kind, g)) gtids_[i].reset(core::GtidFlavor::kNone, "");
    }
  }

  const core::BinlogPosition& position() const { return pos_; }

  core::Status on_row(const change::RowChange& c, const binlog::TableLayoutPtr& layout) override {
    if (layout == nullptr || c.txn == nullptr) return core::ok();
    size_t i = find(c.database, c.table);
    if (i == kNone || gone_[i] != 0) return core::ok();
    if (!in_range(i, *c.txn)) return core::ok();
    if (c.json_diffs && !json_diffs_ok_) return partial_json_without_document(c);
    Map& m = maps_[i];
    if (m.layout != layout.get()) build_map(m, *layout, streams_[i]);
    change::RowChange& out = out_change_;  // the change with its images mapped to the stream's columns
    out.database = c.database;
    out.table = c.table;
    out.pos = c.pos;
    out.txn = c.txn;
    out.commit_time = c.commit_time;
    out.json_diffs = c.json_diffs;
    out.before = {};
    out.after = {};
    out.op = change::Op::kDelete;
    if (c.op == change::Op::kDelete) {
      map_image(m, c.before, values_);
      out.before = values_;
      return out_.on_change(i, out);
    }
    map_image(m, c.after, values_);
    if (c.op != change::Op::kInsert && update_key(m, c.before, c.after) && streams_[i].key_change_deletes) {
      // The old key is gone from the source: deleted before the new row, in the same transaction.
      map_image(m, c.before, before_);
      out.before = before_;
      SLUICE_TRY(out_.on_change(i, out));
      out.before = {};
    }
    out.op = c.op;
    out.after = values_;
    return out_.on_change(i, out);
  }

  core::Status on_statement(const binlog::StatementChange& s) override {
    SLUICE_TRY(apply_ddl(s));
    return propagate_row_statements(s);
  }

  core::Status apply_ddl(const binlog::StatementChange& s) {
    SLUICE_TRY(history_.apply(s));
    for (size_t i = 0; i < streams_.size(); ++i) {
      const auto& vs = history_.versions(streams_[i].table.database, streams_[i].table.name);
      if (vs.size() == versions_[i] || gone_[i] != 0) continue;
      versions_[i] = vs.size();
      const schema::SchemaVersion& v = vs.back();
      if (v.state == schema::SchemaVersion::State::kDropped) {
        gone_[i] = 1;
        SLUICE_TRY(out_.on_table_gone(i, v));
        continue;
      }
      if (v.state == schema::SchemaVersion::State::kUnknown) {
        return core::fail(core::ErrorCode::kSchemaMismatch,
                          "cannot follow '" + v.statement + "' on " + streams_[i].table.stream_id() + " at " +
                              v.position.str() + " (" + v.reason +
                              "): re-snapshot the table with `sluice reset` of it (docs/replication-methods.md), then run the "
                              "job again");
      }
      maps_[i].layout = nullptr;
      SLUICE_TRY(out_.on_table_changed(i, v.table));
    }
    return core::ok();
  }

  core::Status on_commit(const change::Transaction& t) override {
    if (t.end_pos == 0) return core::ok();
    pos_.file.assign(t.file);
    pos_.offset = t.end_pos;
    history_.advance(pos_);
    track_gtid(t);
    resume_.file.assign(t.resume_file);
    resume_.offset = t.resume_pos;
    if (out_.checkpoint_due()) return checkpoint(pos_);
    return core::ok();
  }

  /// Names each stream's GTID state in `streams_` and checkpoints at `pos` (a transaction end).
  /// While a two-phase XA transaction is prepared and not committed, at its start instead: the
  /// next job reads it again (and delivers again what came between: at least once), with the
  /// GTID state unknown there.
  core::Status checkpoint(core::BinlogPosition pos) {
    const bool held = !resume_.file.empty() && core::compare_positions(resume_, pos) < 0;
    if (held) pos = resume_;
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (gtids_[i].flavor() == core::GtidFlavor::kNone) continue;
      streams_[i].gtid = gtids_[i].complete() && !held ? gtids_[i].text() : std::string();
    }
    return out_.on_checkpoint(pos);
  }

 private:
  static constexpr size_t kNone = ~size_t{0};

  // A TRUNCATE of a followed table (its own transaction): the stream's rows are gone from here
  // on. An ALTER TABLE that removes or adds rows without row events (a partition truncated,
  // dropped, exchanged or converted) cannot be followed: the job stops with the fix.
  core::Status propagate_row_statements(const binlog::StatementChange& s) {
    if (s.txn == nullptr) return core::ok();
    std::string sql = schema::ascii_lower(s.sql);
    if (sql.find("truncate") == std::string::npos && sql.find("partition") == std::string::npos) {
      return core::ok();
    }
    schema::SqlServer server =
        s.status ? schema::parse_server_version(s.status->server_version) : schema::SqlServer{};
    auto parsed = schema::parse_ddl(s.sql, s.db, server);
    if (!parsed || parsed->tables.empty()) return core::ok();
    if (parsed->kind == schema::DdlKind::kAlterTable && !parsed->rows_without_events.empty()) {
      return refuse_rows_without_events(*parsed, s);
    }
    if (parsed->kind != schema::DdlKind::kTruncateTable) return core::ok();
    size_t i = find(parsed->tables[0].db, parsed->tables[0].table);
    if (i == kNone || !in_range(i, *s.txn)) return core::ok();
    return out_.on_truncate(i, s.txn->commit_time());
  }

  core::Status refuse_rows_without_events(const schema::DdlStatement& d, const binlog::StatementChange& s) {
    for (const schema::TableName* t : {&d.tables[0], &d.exchanged_with}) {
      size_t i = find(t->db, t->table);
      if (i == kNone || !in_range(i, *s.txn)) continue;
      return core::fail(core::ErrorCode::kSchemaMismatch,
                        "ALTER TABLE " + d.tables[0].str() + " ... " + d.rows_without_events + " at " +
                            std::string(s.txn->file) + ":" + std::to_string(s.pos) + " removed or added rows of " +
                            t->str() +
                            " without row events, which no destination can follow; re-snapshot the table with "
                            "`sluice reset` of " +
                            t->str() + " (docs/replication-methods.md), then run the job again");
    }
    return core::ok();
  }

  // Adds the transaction's GTID to the state of each stream it belongs to (at or after `from`).
  void track_gtid(const change::Transaction& t) {
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (gtids_[i].flavor() == core::GtidFlavor::kNone || !in_range(i, t)) continue;
      if (t.gtid.empty()) {
        gtids_[i].add("-");  // a transaction without a GTID: the state can no longer be named
      } else {
        gtids_[i].add(t.gtid);
      }
    }
  }

  // True when the transaction begins at or after the stream's `from` (decided once per
  // transaction: rows of one transaction share the answer).
  bool in_range(size_t i, const change::Transaction& t) {
    if (range_ok_.size() != streams_.size() || t.begin_pos != range_at_.offset || t.file != range_at_.file) {
      range_at_.file.assign(t.file);
      range_at_.offset = t.begin_pos;
      range_ok_.resize(streams_.size());
      for (size_t k = 0; k < streams_.size(); ++k) {
        range_ok_[k] = core::compare_positions(range_at_, streams_[k].from) >= 0;
      }
    }
    return range_ok_[i];
  }

  struct Map {
    const binlog::TableLayout* layout = nullptr;
    std::vector<size_t> out;         // layout column -> output index
    std::vector<size_t> key_layout;  // layout columns of the stream's key columns
    size_t width = 0;                // output columns
  };

  size_t find(std::string_view db, std::string_view table) const {
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (streams_[i].table.database == db && streams_[i].table.name == table) return i;
    }
    return kNone;
  }

  static void build_map(Map& m, const binlog::TableLayout& layout, const CatchupStream& s) {
    m.layout = &layout;
    m.out.assign(layout.columns.size(), kNone);
    m.key_layout.clear();
    m.width = s.columns.size();
    for (size_t k = 0; k < layout.columns.size(); ++k) {
      for (size_t j = 0; j < s.columns.size(); ++j) {
        if (layout.columns[k].def.name == s.columns[j]) m.out[k] = j;
      }
      if (m.out[k] != kNone &&
          std::find(s.key_columns.begin(), s.key_columns.end(), m.out[k]) != s.key_columns.end()) {
        m.key_layout.push_back(k);
      }
    }
  }

  // One image into `out` (one slot per output column, kAbsent where the image lacks it). The
  // decoder already gave UNSIGNED and binary columns their kinds (schema::HistoryResolver).
  void map_image(const Map& m, std::span<const core::Value> image, std::vector<core::Value>& out) {
    out.assign(m.width, core::Value::absent());
    const size_t n = std::min(m.out.size(), image.size());
    for (size_t k = 0; k < n; ++k) {
      if (m.out[k] != kNone) out[m.out[k]] = image[k];
    }
  }

  // The key columns of an update (values_ holds its after image): one the after image lacks
  // (binlog_row_image=MINIMAL) is unchanged, taken from the before image. True when a key
  // column present in both images differs: the update moved the row to another key.
  bool update_key(const Map& m, std::span<const core::Value> before, std::span<const core::Value> after) {
    bool changed = false;
    for (size_t k : m.key_layout) {
      if (k >= before.size() || before[k].is_absent()) continue;
      if (k >= after.size() || after[k].is_absent()) {
        values_[m.out[k]] = before[k];
      } else if (!core::same_value(before[k], after[k])) {
        changed = true;
      }
    }
    return changed;
  }

  std::vector<CatchupStream>& streams_;
  schema::SchemaHistory& history_;
  CatchupConsumer& out_;
  const bool json_diffs_ok_;
  core::BinlogPosition pos_;
  core::BinlogPosition resume_;  // the held XA transaction's start after the last commit, or empty
  std::vector<Map> maps_;
  std::vector<size_t> versions_;
  std::vector<uint8_t> gone_;               // per stream: its table was dropped (nothing more is delivered)
  std::vector<source::GtidTracker> gtids_;  // per stream: GTID state after the last commit
  core::BinlogPosition range_at_;           // begin of the transaction range_ok_ was computed for
  std::vector<uint8_t> range_ok_;    // per stream: in_range() of that transaction
  change::RowChange out_change_;     // what on_change receives (reused)
  std::vector<core::Value> values_;
  std::vector<core::Value> before_;  // an update's before image, when its key changed
};

// The live reader of the catch-up: from `start` (or the GTID start) up to the end, non-blocking,
// only the streams' tables, decoded with the schema history.
source::StreamerOptions reader_options(const CatchupOptions& options, const core::BinlogPosition& start,
                                       const std::vector<std::string>& tables,
                                       schema::HistoryResolver& resolver) {
  source::StreamerOptions sopts;
  sopts.connect = options.connect;
  sopts.server_id = options.server_id;
  sopts.ask_server = false;  // the bookmarks were checked (check_bookmarks)
  sopts.name = "binlog catch-up";
  sopts.log = options.log;
  sopts.max_reconnects = options.max_reconnects;
  sopts.until = options.end;
  sopts.tables = tables;
  sopts.resolver = &resolver;
  if (options.start_gtid.empty()) {
    sopts.start.kind = source::StreamStart::Kind::kFilePos;
    sopts.start.position = start;
  } else {
    sopts.start.kind = source::StreamStart::Kind::kGtid;
    sopts.start.gtid = options.start_gtid;
  }
  return sopts;
}

}  // namespace

core::Status run_catchup(const CatchupOptions& options, std::vector<CatchupStream>& streams, CatchupConsumer& out) {
  if (streams.empty()) return core::ok();
  core::BinlogPosition start = streams[0].from;
  schema::HistoryOptions hopts;
  std::vector<schema::TableSchema> seed;
  for (const CatchupStream& s : streams) {
    if (core::compare_positions(s.from, start) < 0) start = s.from;
    hopts.tables.push_back(s.table.database + "." + s.table.name);
    seed.push_back(s.table);
  }
  const core::BinlogPosition& end = options.end;
  if (core::compare_positions(start, end) >= 0) return out.on_checkpoint(start);

  hopts.warn = options.log;
  schema::SchemaHistory history(hopts);
  history.seed(std::move(seed), start);
  for (const CatchupStream& s : streams) {
    if (!s.seed_unknown.empty()) {
      history.seed_unknown({s.table.database, s.table.name}, s.seed_unknown, s.seed_known_from);
    }
  }
  schema::HistoryResolver resolver(history);
  CatchupHandler handler(streams, history, out, options);
  // Reconnects resume after the last complete transaction; the guard skips what was delivered.
  source::BinlogStreamer streamer(reader_options(options, start, hopts.tables, resolver), handler, nullptr);
  if (auto s = streamer.run(); !s) {
    return core::fail(
        s.error().with_context("reading the binlog from " +
                               (options.start_gtid.empty() ? start.str() : "GTID " + options.start_gtid)));
  }
  // Done or at the server's end (which is past the end read at job start): all before `end`
  // was delivered.
  core::BinlogPosition last = handler.position();
  if (last.empty() || core::compare_positions(last, end) < 0) last = end;
  return handler.checkpoint(last);
}

}  // namespace sluice::extract
