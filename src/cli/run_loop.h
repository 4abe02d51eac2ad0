#pragma once
/// The loop of `sluice run` (docs/operations.md): each integration's `sync` job at its scheduled
/// starts, in-process (run_job, as `sluice sync` runs it). The jobs of one integration never
/// overlap; jobs of different integrations run on their own threads, at most `max_parallel` at
/// once. A failed job is retried as its schedule's RetryPolicy says (retryable errors only),
/// then waits for its next start. SIGTERM/SIGINT: each running job stops at its next checkpoint
/// (bookmark committed, report `interrupted`), then the loop returns 0; a second signal ends the
/// process at once (stop_signal.h).
///
/// Where the managed-integration steps go: a structure sync before each job, the job's extraction
/// log and purged-binlog recovery belong in `run_integration_job` (run_loop.cpp), around run_job.

#include <cstddef>
#include <string>
#include <vector>

#include "config/job_config.h"

namespace sluice::cli {

/// One integration: a config file with a `schedule` part and a destination.
struct Integration {
  std::string path;
  config::JobConfig config;
};

struct RunOptions {
  size_t max_parallel = 2;  ///< `--max-parallel`
};

/// Runs the integrations until a stop signal; returns the exit code (0 after a graceful stop).
int run_scheduled(const std::vector<Integration>& integrations, const RunOptions& options);

}  // namespace sluice::cli
