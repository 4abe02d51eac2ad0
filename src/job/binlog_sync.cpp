// The binlog pass of log-based streams: one catch-up for all of them, up to the server's
// position at the start of the pass; deletes carry _sdc_deleted_at; DDL gives a new SCHEMA; an
// UPDATE of the key deletes the old key first (extract::CatchupStream); a TRUNCATE of the table
// starts a new table version.
#include <algorithm>
#include <random>

#include "extract/binlog_catchup.h"
#include "extract/bookmark_check.h"
#include "job/bookmark_schema.h"
#include "job/job_context.h"
#include "mysql/server_status.h"
#include "schema/type_mapping.h"

namespace sluice::job {
namespace {

using nlohmann::ordered_json;

// Indices in `columns` of the key properties.
std::vector<size_t> key_columns(const std::vector<std::string>& columns,
                                const std::vector<std::string>& keys) {
  std::vector<size_t> out;
  for (size_t j = 0; j < columns.size(); ++j) {
    if (std::find(keys.begin(), keys.end(), columns[j]) != keys.end()) out.push_back(j);
  }
  return out;
}

class CatchupWriter : public extract::CatchupConsumer {
 public:
  CatchupWriter(JobContext& ctx, const std::vector<const SelectedStream*>& selected,
                std::vector<extract::CatchupStream>& streams)
      : ctx_(ctx), selected_(selected), streams_(streams) {}

  core::Status open_all() {
    for (size_t i = 0; i < selected_.size(); ++i) {
      const SelectedStream& s = *selected_[i];
      sinks::StreamInfo info = stream_info(s);
      info.columns.clear();
      for (const std::string& name : streams_[i].columns) info.columns.push_back(*streams_[i].table.find_column(name));
      info.version = ctx_.state.bookmark(s.stream_id).value("version", int64_t{0});
      infos_.push_back(info);
      auto h = ctx_.sink.open_stream(info);
      if (!h) return core::fail(h.error());
      handles_.push_back(*h);
    }
    return core::ok();
  }

  core::Status on_change(size_t i, const change::RowChange& change) override {
    ++rows_;
    ctx_.progress.add();
    return ctx_.sink.write_row(handles_[i], change);
  }

  // A TRUNCATE: the stream continues under a new table version (Singer targets drop the rows of
  // older versions at its ACTIVATE_VERSION), saved in the bookmark at the next checkpoint.
  core::Status on_truncate(size_t i, core::EpochTime commit_time) override {
    int64_t version = std::max(now_ms(), infos_[i].version + 1);
    infos_[i].version = version;
    ctx_.state.bookmark(selected_[i]->stream_id)["version"] = version;
    return ctx_.sink.truncate_stream(handles_[i], version, commit_time);
  }

  core::Status on_table_changed(size_t i, const schema::TableSchema& table) override {
    const SelectedStream& sel = *selected_[i];
    auto in_catalog = [&sel](const std::string& name) {
      for (size_t j : sel.columns) {
        if (sel.table.columns[j].name == name) return true;
      }
      return false;
    };
    auto synced = [this, i](const std::string& name) {
      for (const std::string& n : streams_[i].columns) {
        if (n == name) return true;
      }
      return false;
    };
    for (const std::string& name : streams_[i].columns) {
      if (table.find_column(name) == nullptr) ctx_.info(sel.stream_id + ": column '" + name + "' was dropped");
    }
    // The new column list in table order: columns synced so far, plus added columns that the
    // catalog selects (a catalog discovered after the ALTER knows them), or all added columns with
    // `select_new_columns`.
    std::vector<std::string> kept;
    std::vector<schema::ColumnSchema> cols;
    for (const schema::ColumnSchema& c : table.columns) {
      bool added = streams_[i].table.find_column(c.name) == nullptr;
      bool known_kind = c.kind != schema::ColumnKind::kUnknown;
      if (synced(c.name) || (added && (in_catalog(c.name) ||
                                       (ctx_.options.select_new_columns.value_or(false) && known_kind)))) {
        kept.push_back(c.name);
        cols.push_back(c);
      } else if (added &&
                 sel.table.find_column(c.name) == nullptr) {  // else the selection warned at job start
        ctx_.warn(new_column_warning(c.name, sel, ctx_.options.reset_command));
      }
    }
    streams_[i].columns = kept;
    streams_[i].key_columns = key_columns(kept, sel.key_properties);
    streams_[i].table = table;
    infos_[i].columns = cols;
    return ctx_.sink.update_stream(handles_[i], infos_[i]);
  }

  core::Status on_table_gone(size_t i, const schema::SchemaVersion& change) override {
    const std::string& id = selected_[i]->stream_id;
    const std::string where = change.position.str();
    ctx_.warn(
        id + ": its table was dropped at " + where + " (`" + change.statement +
        "`): its changes up to there are delivered and the stream ends; its bookmark is cleared, so a table "
        "created again under that name is snapshotted afresh (docs/replication-methods.md)");
    ctx_.sink.stream_gone(handles_[i], "dropped at " + where);
    ctx_.gone.push_back(id);
    return core::ok();
  }

  bool checkpoint_due() override { return ctx_.state_due(); }

  core::Status on_checkpoint(const core::BinlogPosition& pos) override {
    for (size_t i = 0; i < selected_.size(); ++i) {
      if (core::compare_positions(pos, streams_[i].from) < 0) continue;
      if (std::find(ctx_.gone.begin(), ctx_.gone.end(), selected_[i]->stream_id) != ctx_.gone.end()) {
        ctx_.state.keep_only(selected_[i]->stream_id, {});  // with the rows before the DROP
        continue;
      }
      ordered_json& b = ctx_.state.bookmark(selected_[i]->stream_id);
      b["log_file"] = pos.file;
      b["log_pos"] = pos.offset;
      // The GTID state after the same transaction (followed by run_catchup), never an older
      // one next to a newer log_pos; at the end, the server's own word for it.
      if (!end_gtid_.empty() && core::compare_positions(pos, end_) >= 0) {
        b["gtid"] = end_gtid_;
      } else if (!streams_[i].gtid.empty()) {
        b["gtid"] = streams_[i].gtid;
      } else {
        b.erase("gtid");
      }
      b["sluice_columns"] = saved_columns(streams_[i].table);
      if (!identity_.empty()) b["sluice_server_identity"] = identity_;
    }
    return ctx_.checkpoint_or_stop();
  }

  void set_end(const mysql::BinlogStatus& end, std::string identity) {
    end_ = end.position;
    end_gtid_ = end.gtid;
    identity_ = std::move(identity);
  }
  uint64_t rows() const { return rows_; }

  static ordered_json saved_columns(const schema::TableSchema& t) {
    ordered_json a = ordered_json::array();
    for (const schema::ColumnSchema& c : t.columns) a.push_back(ordered_json::array({c.name, c.column_type, c.charset}));
    return a;
  }

 private:
  JobContext& ctx_;
  const std::vector<const SelectedStream*>& selected_;
  std::vector<extract::CatchupStream>& streams_;
  std::vector<sinks::StreamInfo> infos_;
  std::vector<sinks::StreamHandle> handles_;
  uint64_t rows_ = 0;
  core::BinlogPosition end_;
  std::string end_gtid_;
  std::string identity_;  // the server's, recorded in each bookmark
};

// The table as of the bookmark: the columns saved there by the previous job, else discovery.
schema::TableSchema seed_table(const SelectedStream& s, const ordered_json& b) {
  auto it = b.find("sluice_columns");
  if (it == b.end() || !it->is_array()) return s.table;
  schema::TableSchema t = s.table;
  t.columns.clear();
  uint32_t ordinal = 0;
  for (const auto& c : *it) {
    if (!c.is_array() || c.size() < 2 || !c[0].is_string() || !c[1].is_string()) return s.table;
    schema::ColumnSchema col = schema::column_from_type(c[0].get<std::string>(), "", c[1].get<std::string>());
    if (c.size() > 2 && c[2].is_string()) col.charset = c[2].get<std::string>();
    col.ordinal = ++ordinal;
    if (const schema::ColumnSchema* live = s.table.find_column(col.name); live && live->column_type == col.column_type) {
      col = *live;  // same type: discovery knows more (nullability, JSON on MariaDB, SRID)
      col.ordinal = ordinal;
    }
    t.columns.push_back(std::move(col));
  }
  return t;
}

uint32_t reader_server_id(JobContext& ctx) {
  if (ctx.config.server_id) return *ctx.config.server_id;
  std::random_device rd;
  uint32_t id = 0x80000000u | (static_cast<uint32_t>(rd()) & 0x7FFFFFFFu);
  ctx.warn("no server_id in the config: reading the binlog as replica " + std::to_string(id) +
           "; set 'server_id' to a fixed value unique among the server's replicas");
  return id;
}

// resnapshot_on_purged: the streams whose binlog is purged leave the catch-up; their bookmarks are
// cleared (as `sluice reset` of them would) and the job snapshots them afresh after it.
void drop_purged(JobContext& ctx, const std::vector<size_t>& purged,
                 std::vector<const SelectedStream*>& selected, std::vector<extract::CatchupStream>& streams,
                 std::vector<core::BinlogPosition>& known_at) {
  for (auto it = purged.rbegin(); it != purged.rend(); ++it) {
    const std::string& id = selected[*it]->stream_id;
    ctx.warn(id + ": the binlog of its bookmark (" + streams[*it].from.str() +
             ") is no longer on the server: its changes since then are lost downstream, so it is snapshotted "
             "afresh "
             "under a new version (resnapshot_on_purged); keep binlogs longer to avoid it");
    ctx.state.keep_only(id, {});
    ctx.purged.push_back(id);
    auto at = static_cast<std::ptrdiff_t>(*it);
    selected.erase(selected.begin() + at);
    streams.erase(streams.begin() + at);
    known_at.erase(known_at.begin() + at);
  }
}

}  // namespace

core::Status sync_binlog(JobContext& ctx, std::vector<const SelectedStream*> selected) {
  auto end = mysql::read_binlog_status(*ctx.conn);
  if (!end) return core::fail(end.error());
  std::vector<extract::CatchupStream> streams;
  std::vector<core::BinlogPosition> known_at;  // where each stream's table is known to be right
  for (const SelectedStream* s : selected) {
    const ordered_json& b = ctx.state.bookmark(s->stream_id);
    extract::CatchupStream cs;
    cs.table = seed_table(*s, b);
    cs.key_change_deletes = ctx.options.key_change_deletes;
    cs.from = core::BinlogPosition{b.value("log_file", std::string()), b.value("log_pos", uint64_t{4})};
    if (auto g = b.find("gtid"); g != b.end() && g->is_string()) cs.gtid = g->get<std::string>();
    cs.server_identity = b.value("sluice_server_identity", std::string());
    known_at.push_back(b.contains("sluice_columns") ? cs.from : end->position);
    streams.push_back(std::move(cs));
  }
  // Bookmarks that cannot be right on this server stop the job before anything is read.
  auto verdict = extract::check_bookmarks(*ctx.conn, streams, ctx.options.reset_command,
                                          ctx.options.resnapshot_on_purged);
  if (!verdict) return core::fail(verdict.error());
  for (const std::string& note : verdict->notes) ctx.info(note);
  drop_purged(ctx, verdict->purged, selected, streams, known_at);
  if (streams.empty()) return ctx.checkpoint();
  // A bookmark of another server continues by GTID: its positions say nothing of this binlog.
  if (verdict->start_gtid.empty()) {
    SLUICE_TRY(rewind_to_start(*ctx.conn, streams, known_at, ctx.options.reset_command));
  }
  for (size_t i = 0; i < selected.size(); ++i) {
    const SelectedStream* s = selected[i];
    extract::CatchupStream& cs = streams[i];
    // The catalog's selected columns as of the catch-up's start (a column dropped since still has
    // binlog events written before the DROP).
    for (const schema::ColumnSchema& c : cs.table.columns) {
      bool sel = std::find(s->vanished.begin(), s->vanished.end(), c.name) != s->vanished.end();
      for (size_t j : s->columns) sel = sel || s->table.columns[j].name == c.name;
      if (sel) cs.columns.push_back(c.name);
    }
    cs.key_columns = key_columns(cs.columns, s->key_properties);
  }
  ctx.progress.begin("binlog", "LOG_BASED", std::nullopt);
  CatchupWriter writer(ctx, selected, streams);
  SLUICE_TRY(writer.open_all());
  extract::CatchupOptions opts;
  opts.connect = ctx.config.connection;
  opts.server_id = reader_server_id(ctx);
  opts.end = end->position;
  opts.start_gtid = verdict->start_gtid;
  opts.extracted = now_utc();
  opts.log = [&ctx](std::string_view line) { ctx.warn(std::string(line)); };
  opts.json_diffs_ok = ctx.sink.applies_json_diffs();
  // The final checkpoint (inside run_catchup) carries the GTID set of the end position.
  writer.set_end(*end, verdict->identity);
  SLUICE_TRY(extract::run_catchup(opts, streams, writer));
  ctx.progress.end();
  return core::ok();
}

/// Columns of the snapshot, saved so the next job decodes the binlog with them.
nlohmann::ordered_json snapshot_columns(const schema::TableSchema& t) { return CatchupWriter::saved_columns(t); }

}  // namespace sluice::job
