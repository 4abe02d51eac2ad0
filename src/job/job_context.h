#pragma once
/// Internal to the job module: what the per-method steps of one job share (connection, sink,
/// state, progress, checkpoint pacing). One thread.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/source_config.h"
#include "config/state.h"
#include "job/progress.h"
#include "job/report/extraction_log.h"
#include "job/selection.h"
#include "job/sync_job.h"
#include "mysql/connection.h"
#include "sinks/sink.h"

namespace sluice::job {

struct JobContext {
  const config::SourceConfig& config;
  const SyncOptions& options;
  sinks::Sink& sink;
  config::State state;
  std::unique_ptr<mysql::Connection> conn;
  /// Extra connections of parallel snapshots (options.snapshot_threads - 1), opened on first use.
  std::vector<std::unique_ptr<mysql::Connection>> readers;
  Progress progress;
  /// Streams whose table the binlog pass saw dropped (their bookmarks are cleared).
  std::vector<std::string> gone;
  /// Streams whose bookmark's binlog was purged, their bookmarks cleared (resnapshot_on_purged).
  std::vector<std::string> purged;
  std::chrono::steady_clock::time_point last_state = std::chrono::steady_clock::now();

  JobContext(const config::SourceConfig& c, const SyncOptions& o, sinks::Sink& s, config::State st)
      : config(c), options(o), sink(s), state(std::move(st)), progress(o.log, o.progress, o.state_interval_s) {}

  /// Hands the current state to the sink (after the rows it covers).
  core::Status checkpoint() {
    last_state = std::chrono::steady_clock::now();
    return sink.checkpoint(state.dump());
  }
  /// True when the last checkpoint is older than options.state_interval_s, or a stop was asked.
  bool state_due() const {
    return stop_requested() ||
           std::chrono::duration<double>(std::chrono::steady_clock::now() - last_state).count() >=
               options.state_interval_s;
  }
  /// A signal asked the job to stop (SyncOptions::stop).
  bool stop_requested() const { return options.stop != nullptr && options.stop->load(); }
  /// Hands the current state to the sink, then ends the job (kCancelled) when a stop was asked:
  /// what the checkpoint covers is where the next job continues.
  core::Status checkpoint_or_stop() {
    SLUICE_TRY(checkpoint());
    if (!stop_requested()) return core::ok();
    return core::fail(core::ErrorCode::kCancelled, "stopped by a signal after committing the bookmark");
  }
  void warn(const std::string& line) const {
    std::fprintf(options.log, "sluice: warning: %s\n", line.c_str());
    note("warning: " + line);
  }
  /// A line for the extraction log only.
  void note(const std::string& line) const {
    if (options.extraction_log != nullptr) options.extraction_log->line(line);
  }
  /// The queries of `c` go to the extraction log.
  void watch(mysql::Connection& c) const {
    if (ExtractionLog* log = options.extraction_log)
      c.observe_queries([log](std::string_view sql) { log->query(sql); });
  }
  /// A line worth knowing (a resume, a failover, a re-snapshot): printed also under --quiet,
  /// which leaves out only the progress lines and the summary.
  void info(const std::string& line) const {
    std::fprintf(options.log, "sluice: %s\n", line.c_str());
    note(line);
  }
};

/// Wall-clock now (UTC) and in milliseconds (Singer table versions).
core::EpochTime now_utc();
int64_t now_ms();

/// The snapshot-based steps (table_sync.cpp).
core::Status sync_full_table(JobContext& ctx, const SelectedStream& s);
core::Status sync_incremental(JobContext& ctx, const SelectedStream& s);
/// The initial snapshot of a log-based stream and its binlog position (log_file/log_pos/gtid).
core::Status sync_log_initial(JobContext& ctx, const SelectedStream& s);
/// True when the log-based stream's bookmark holds a finished snapshot and a binlog position.
bool log_position_ready(const config::State& state, const std::string& stream_id);
/// The snapshot's columns as saved in a log-based bookmark ("sluice_columns").
nlohmann::ordered_json snapshot_columns(const schema::TableSchema& t);
/// The extraction log's lines of discovery: each selected stream's method and columns, the
/// columns new since the catalog and those dropped (structure_sync.cpp).
void log_selection(const JobContext& ctx, const Selection& sel);
/// `sluice run`'s structure sync: names the tables of the source's databases the catalog does not
/// list (not selected) and saves the catalog in use with the extraction log.
core::Status structure_sync(JobContext& ctx, const config::Catalog& catalog, const Selection& sel);
/// One binlog pass for every ready log-based stream (binlog_sync.cpp).
core::Status sync_binlog(JobContext& ctx, std::vector<const SelectedStream*> streams);

}  // namespace sluice::job
