#pragma once
/// One replication job (`sluice sync`): discovery of the catalog's tables, selection, then each
/// selected stream with its method — Full Table and Key-based Incremental by the snapshot
/// engine, Log-based by an initial snapshot and then one binlog pass for all log-based
/// streams — delivering to a sink and checkpointing the Singer state after every chunk, every
/// few seconds and at the end (the tap's state keys, see docs/singer-compatibility.md).
/// One thread; owns its connections.

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>

#include "config/catalog.h"
#include "config/job_config.h"
#include "config/source_config.h"
#include "config/state.h"
#include "core/result.h"
#include "sinks/sink.h"

namespace sluice::job {

class ExtractionLog;

/// Job settings: the config file's (config::SyncSettings, with the command line's overrides)
/// and the run's own.
struct SyncOptions : config::SyncSettings {
  bool progress = true;             ///< progress lines and the summary on stderr
  std::FILE* log = stderr;          ///< warnings, progress, summary
  /// Set (from a signal handler) to stop the job at its next checkpoint: the current chunk or
  /// transaction is committed with its bookmark, then run_sync() fails with kCancelled. Not
  /// owned; null: never.
  const std::atomic<bool>* stop = nullptr;
  /// The command that re-snapshots streams of this job, for messages (the tables follow), e.g.
  /// "sluice reset --config config.json --destination sqlite:shop.db".
  std::string reset_command = "sluice reset --config CONFIG --destination DEST";
  /// The job's extraction log (report/extraction_log.h): discovery, methods, queries, warnings.
  /// Not owned; null: none.
  ExtractionLog* extraction_log = nullptr;
  /// `sluice run`'s structure sync: the tables of the source's databases that the catalog does
  /// not list are named (not selected), and the catalog in use is saved with the job's log.
  bool structure_sync = false;
};

/// Runs one job. `state` is the job's starting state (empty for a first run); the final state
/// was checkpointed through `sink` when this returns success. When options.stop was set, the
/// error is kCancelled and the state of the rows delivered so far was checkpointed last.
core::Status run_sync(const config::SourceConfig& config, const config::Catalog& catalog, config::State state,
                      const SyncOptions& options, sinks::Sink& sink);

}  // namespace sluice::job
