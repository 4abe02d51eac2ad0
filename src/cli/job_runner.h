#pragma once
/// One replication job into a destination, the way `sluice sync` runs it and `sluice run` runs
/// each scheduled job: open the sink (which takes the destination's lock), read the bookmark
/// (`--state`, else the one the destination committed with its data), run the job, finish the
/// sink, fill in the loading report. One thread per call; calls for different destinations may
/// run at once.

#include <string>

#include "config/catalog.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "core/result.h"
#include "job/sync_job.h"

namespace sluice::cli {

struct JobRequest {
  const config::JobConfig* config = nullptr;  ///< not owned
  const config::Catalog* catalog = nullptr;   ///< not owned
  config::DestinationConfig destination;
  std::string state_path;  ///< `--state`: the bookmark from this file; empty: the destination's own
  /// Re-snapshot command for messages about the destination's saved state ("sluice reset ...").
  std::string reset_command;
  job::SyncOptions options;  ///< options.stop: the stop request checked at each checkpoint
  bool summary = true;       ///< the sink's summary lines on stderr
  /// The attempt of a retried `sluice run` job (1, 2, ...), written in its report and log; 0: not.
  int attempt = 0;
  /// Where the run loop wants the job's extraction log path (to add its retry decision); or null.
  std::string* log_path = nullptr;
};

/// Runs the job. When the destination keeps reports, the job writes its extraction log beside
/// them (job/report/extraction_log.h): the config and bookmark it started from, discovery, methods,
/// queries, warnings, rows per table, and the outcome or the error with what to do next. Errors as
/// run_sync's; kCancelled means options.stop ended it at a checkpoint:
/// the bookmark of what was delivered is committed and the report says `interrupted`.
core::Status run_job(const JobRequest& request);

}  // namespace sluice::cli
