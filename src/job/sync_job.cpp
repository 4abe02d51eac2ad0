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
  if (s.method == change::Method::kIncremental && s.replication_key && !s.table.is_view) {
    auto indexed = schema::has_index_led_by(c, s.table.database, s.table.name, *s.replication_key);
    if (indexed && !*indexed) {
      ctx.warn("replication key '" + *s.replication_key + "' of " + s.stream_id +
               " has no index: every job scans the whole table; add an index on it");
    }
  }
  if (s.method == change::Method::kLogBased) {
    auto by_column = schema::has_column_grants(c, s.table.database, s.table.name);
    if (by_column && *by_column) {
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
      case change::Method::kFullTable:
        SLUICE_TRY(sync_full_table(ctx, *s));
        break;
      case change::Method::kIncremental:
        SLUICE_TRY(sync_incremental(ctx, *s));
        break;
      case change::Method::kLogBased:
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
  // A stream whose binlog was purged (resnapshot_on_purged) is snapshotted afresh likewise.
  for (const SelectedStream* s : binlog_streams) {
    bool purged = std::find(ctx.purged.begin(), ctx.purged.end(), s->stream_id) != ctx.purged.end();
    bool gone = std::find(ctx.gone.begin(), ctx.gone.end(), s->stream_id) != ctx.gone.end();
    if (s->missing || (!gone && !purged)) continue;
    if (gone) ctx.info(s->stream_id + ": the table was created again after the DROP: snapshotting it afresh");
    SLUICE_TRY(sync_log_initial(ctx, *s));
  }
  return core::ok();
}

// Selected streams whose table is gone: a log-based one with a binlog bookmark is read up to its
// DROP (the changes before it are delivered); the others are skipped with a warning.
void add_missing(JobContext& ctx, Selection& sel, const SelectionDefaults& defaults) {
  for (const config::CatalogStream* cs : sel.missing) {
    std::optional<change::Method> method =
        cs->replication_method ? parse_method(*cs->replication_method) : std::optional(defaults.method);
    if (method == change::Method::kLogBased && log_position_ready(ctx.state, cs->tap_stream_id)) {
      ctx.info(cs->tap_stream_id + ": the table no longer exists: reading its binlog up to the DROP");
      sel.streams.push_back(missing_stream(*cs, *method));
    } else {
      ctx.warn(cs->tap_stream_id + " is selected but no such table or view exists now: skipped");
    }
  }
}

}  // namespace

core::Status run_sync(const config::SourceConfig& config, const config::Catalog& catalog, config::State state,
                      const SyncOptions& options, sinks::Sink& sink) {
  auto started = std::chrono::steady_clock::now();
  JobContext ctx(config, options, sink, std::move(state));
  auto conn = mysql::Connection::connect(config.connection);
  if (!conn) return core::fail(conn.error());
  ctx.conn = std::move(*conn);
  ctx.watch(*ctx.conn);
  auto live = discover_selected(*ctx.conn, catalog);
  if (!live) return core::fail(live.error());
  SelectionDefaults defaults;
  defaults.select_new_columns = options.select_new_columns.value_or(false);
  defaults.reset_command = options.reset_command;
  if (options.default_replication_method) {
    defaults.method = parse_method(*options.default_replication_method).value_or(change::Method::kFullTable);
  } else {
    auto row_binlog = mysql::writes_row_binlog(*ctx.conn);
    defaults.method = row_binlog && *row_binlog ? change::Method::kLogBased : change::Method::kFullTable;
  }
  auto sel = select_streams(catalog, *live, defaults);
  if (!sel) return core::fail(sel.error());
  for (const std::string& w : sel->warnings) ctx.warn(w);
  add_missing(ctx, *sel, defaults);
  log_selection(ctx, *sel);
  if (options.structure_sync) SLUICE_TRY(structure_sync(ctx, catalog, *sel));
  if (sel->streams.empty()) ctx.warn("no stream is selected in the catalog: nothing to sync");
  SLUICE_TRY(run_streams(ctx, *sel));
  SLUICE_TRY(sink.finish());
  ctx.progress.summary(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return core::ok();
}

}  // namespace sluice::job
