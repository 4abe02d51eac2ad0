#include "job/sync_job.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "job/job_context.h"
#include "mysql/server_status.h"
#include "schema/discovery.h"

namespace sluice::job {
namespace {

core::Result<std::vector<schema::TableSchema>> discover_selected(mysql::Connection& conn,
                                                                 const config::Catalog& catalog) {
  schema::DiscoveryOptions opts;
  std::set<std::string> dbs, tables;
  for (const auto& s : catalog.streams) {
    if (!s.selected) continue;
    if (!s.database.empty()) dbs.insert(s.database);
    tables.insert(s.table_name);
  }
  if (tables.empty()) return std::vector<schema::TableSchema>{};
  opts.databases.assign(dbs.begin(), dbs.end());
  opts.tables.assign(tables.begin(), tables.end());
  return schema::discover(conn, opts);
}

// Warnings that save users from slow or broken jobs.
void warn_about(JobContext& ctx, const SelectedStream& s) {
  mysql::Connection& c = *ctx.conn;
  std::string where = "TABLE_SCHEMA = " + c.quote_string(s.table.database) +
                      " AND TABLE_NAME = " + c.quote_string(s.table.name);
  if (s.method == sinks::Method::kIncremental && s.replication_key && !s.table.is_view) {
    auto v = c.query_value("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE " + where +
                           " AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = " + c.quote_string(*s.replication_key));
    if (v && *v && **v == "0") {
      ctx.warn("replication key '" + *s.replication_key + "' of " + s.stream_id +
               " has no index: every job scans the whole table; add an index on it");
    }
  }
  if (s.method == sinks::Method::kLogBased) {
    auto v = c.query_value("SELECT COUNT(*) FROM information_schema.COLUMN_PRIVILEGES WHERE " + where);
    if (v && *v && **v != "0") {
      ctx.warn(s.stream_id + " is granted to this user column by column, but the binlog carries every column of "
                             "the table: log-based replication will deliver columns the user cannot SELECT");
    }
  }
}

std::vector<const SelectedStream*> order_streams(const Selection& sel, const config::State& state) {
  std::vector<const SelectedStream*> out;
  auto current = state.currently_syncing();
  for (const auto& s : sel.streams) {
    if (current && s.stream_id == *current) out.insert(out.begin(), &s);
    else out.push_back(&s);
  }
  return out;
}

core::Status run_streams(JobContext& ctx, const Selection& sel) {
  std::vector<const SelectedStream*> binlog_streams;
  for (const SelectedStream* s : order_streams(sel, ctx.state)) {
    if (ctx.stop_requested()) return ctx.checkpoint_or_stop();
    if (!s->missing) warn_about(ctx, *s);
    switch (s->method) {
      case sinks::Method::kFullTable:
        SLUICE_TRY(sync_full_table(ctx, *s));
        break;
      case sinks::Method::kIncremental:
        SLUICE_TRY(sync_incremental(ctx, *s));
        break;
      case sinks::Method::kLogBased:
        // Like the tap: a stream whose snapshot was finished before this job streams from the
        // binlog after the snapshots; one snapshotted in this job waits for the next job.
        if (log_position_ready(ctx.state, s->stream_id)) {
          binlog_streams.push_back(s);
        } else {
          SLUICE_TRY(sync_log_initial(ctx, *s));
        }
        break;
    }
  }
  ctx.state.set_currently_syncing(std::nullopt);
  SLUICE_TRY(ctx.checkpoint_or_stop());
  if (!binlog_streams.empty()) SLUICE_TRY(sync_binlog(ctx, binlog_streams));
  // A table dropped and created again: the binlog pass ended its old stream at the DROP (and
  // cleared its bookmark); the table there now is snapshotted afresh under a new version.
  for (const SelectedStream* s : binlog_streams) {
    if (s->missing || std::find(ctx.gone.begin(), ctx.gone.end(), s->stream_id) == ctx.gone.end()) continue;
    ctx.info(s->stream_id + ": the table was created again after the DROP: snapshotting it afresh");
    SLUICE_TRY(sync_log_initial(ctx, *s));
  }
  return core::ok();
}

// Selected streams whose table is gone: a log-based one with a binlog bookmark is read up to its
// DROP (the changes before it are delivered); the others are skipped with a warning.
void add_missing(JobContext& ctx, Selection& sel, const SelectionDefaults& defaults) {
  for (const config::CatalogStream* cs : sel.missing) {
    std::optional<sinks::Method> method =
        cs->replication_method ? parse_method(*cs->replication_method) : std::optional(defaults.method);
    if (method == sinks::Method::kLogBased && log_position_ready(ctx.state, cs->tap_stream_id)) {
      ctx.info(cs->tap_stream_id + ": the table no longer exists: reading its binlog up to the DROP");
      sel.streams.push_back(missing_stream(*cs, *method));
    } else {
      ctx.warn(cs->tap_stream_id + " is selected but no such table or view exists now: skipped");
    }
  }
}

}  // namespace

core::Status read_sync_options(const nlohmann::json& doc, std::string_view origin, SyncOptions& options) {
  std::string where(origin);
  if (!doc.is_object()) return core::ok();
  if (auto it = doc.find("default_replication_method"); it != doc.end() && !it->is_null()) {
    auto m = it->is_string() ? parse_method(it->get<std::string>()) : std::nullopt;
    if (!m) {
      return core::fail(core::ErrorCode::kConfig,
                        where + ": 'default_replication_method' must be FULL_TABLE, INCREMENTAL or LOG_BASED");
    }
    if (*m == sinks::Method::kIncremental) {
      return core::fail(core::ErrorCode::kConfig, where + ": 'default_replication_method' cannot be INCREMENTAL "
                                                          "(it needs a replication-key per table): use FULL_TABLE or LOG_BASED");
    }
    options.default_method = m;
  }
  auto number = [&](const char* key, double lo, double hi, double& out) -> core::Status {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return core::ok();
    double v = 0;
    if (it->is_number()) {
      v = it->get<double>();
    } else if (it->is_string()) {
      try {
        v = std::stod(it->get<std::string>());
      } catch (...) {
        v = -1;
      }
    } else {
      v = -1;
    }
    if (!(v >= lo && v <= hi)) {
      return core::fail(core::ErrorCode::kConfig, where + ": '" + key + "' must be a number between " +
                                                      std::to_string(static_cast<long long>(lo)) + " and " +
                                                      std::to_string(static_cast<long long>(hi)));
    }
    out = v;
    return core::ok();
  };
  double chunk = static_cast<double>(options.chunk_rows);
  SLUICE_TRY(number("chunk_rows", 1, 100000000, chunk));
  options.chunk_rows = static_cast<size_t>(chunk);
  double threads = static_cast<double>(options.snapshot_threads);
  SLUICE_TRY(number("snapshot_threads", 1, 64, threads));
  options.snapshot_threads = static_cast<size_t>(threads);
  SLUICE_TRY(number("state_interval_seconds", 0, 86400, options.state_interval_s));
  if (auto it = doc.find("key_change_deletes"); it != doc.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      return core::fail(core::ErrorCode::kConfig, where + ": 'key_change_deletes' must be true or false");
    }
    options.key_change_deletes = it->get<bool>();
  }
  return core::ok();
}

core::Status run_sync(const config::SourceConfig& config, const config::Catalog& catalog, config::State state,
                      const SyncOptions& options, sinks::Sink& sink) {
  auto started = std::chrono::steady_clock::now();
  JobContext ctx(config, options, sink, std::move(state));
  auto conn = mysql::Connection::connect(config.connection);
  if (!conn) return core::fail(conn.error());
  ctx.conn = std::move(*conn);
  auto live = discover_selected(*ctx.conn, catalog);
  if (!live) return core::fail(live.error());
  SelectionDefaults defaults;
  if (options.default_method) {
    defaults.method = *options.default_method;
  } else {
    auto row_binlog = mysql::writes_row_binlog(*ctx.conn);
    defaults.method = row_binlog && *row_binlog ? sinks::Method::kLogBased : sinks::Method::kFullTable;
  }
  auto sel = select_streams(catalog, *live, defaults);
  if (!sel) return core::fail(sel.error());
  for (const std::string& w : sel->warnings) ctx.warn(w);
  add_missing(ctx, *sel, defaults);
  if (sel->streams.empty()) ctx.warn("no stream is selected in the catalog: nothing to sync");
  SLUICE_TRY(run_streams(ctx, *sel));
  SLUICE_TRY(sink.finish());
  ctx.progress.summary(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return core::ok();
}

}  // namespace sluice::job
