#pragma once
/// The last start of an integration's job, kept across restarts of `sluice run` so that a start
/// missed while the process was down runs once, at once (schedule::next_start), and so that
/// `sluice status` can say when the next job starts. One small file per integration in its
/// destination's report folder: `sluice-run-<name>.last-start`, holding a UTC time
/// (`2026-12-07T17:40:00Z`), replaced atomically.

#include <optional>
#include <string>

#include "config/job_config.h"
#include "schedule/schedule.h"

namespace sluice::cli {

/// The report folder of a config with a schedule and a destination (sluice run's integrations).
std::string run_dir(const config::JobConfig& config);

/// The saved last start of integration `name` in `dir`; nullopt when none or unreadable.
std::optional<schedule::Instant> read_last_start(const std::string& dir, const std::string& name);

/// Saves `start` as the last start of `name` (a failure to write is a warning on stderr: the
/// schedule then plans from the process's own memory).
void write_last_start(const std::string& dir, const std::string& name, schedule::Instant start);

}  // namespace sluice::cli
