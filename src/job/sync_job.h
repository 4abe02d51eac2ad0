#pragma once
/// One replication job (`sluice sync`): discovery of the catalog's tables, selection, then each
/// selected stream with its method — Full Table and Key-based Incremental by the snapshot
/// engine, Log-based by an initial snapshot and then one binlog pass for all log-based
/// streams — delivering to a sink and checkpointing the Singer state after every chunk, every
/// few seconds and at the end (the tap's state keys, see docs/singer-compatibility.md).
/// One thread; owns its connections.

#include <atomic>
#include <cstdio>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "config/catalog.h"
#include "config/source_config.h"
#include "config/state.h"
#include "core/result.h"
#include "sinks/sink.h"

namespace sluice::job {

/// Job settings: from the config file's sluice keys and the command line.
struct SyncOptions {
  /// Config `default_replication_method`: the method where a stream names none. Unset: LOG_BASED
  /// when the server writes a ROW binlog, else FULL_TABLE (views: FULL_TABLE).
  std::optional<change::Method> default_method;
  size_t chunk_rows = 50000;        ///< config `chunk_rows`: rows per snapshot chunk
  /// config `snapshot_threads` / --threads: connections reading key ranges of one keyed table
  /// in parallel (Full Table and log-based snapshots); 1 reads on the job's connection.
  size_t snapshot_threads = 1;
  double state_interval_s = 5.0;    ///< config `state_interval_seconds`: STATE at least this often
  /// config `key_change_deletes`: an UPDATE that changes the primary key is delivered as a delete
  /// of the old key, then the new row. False (Singer output only): the new row alone, like the tap.
  bool key_change_deletes = true;
  bool progress = true;             ///< progress lines and the summary on stderr
  std::FILE* log = stderr;          ///< warnings, progress, summary
  /// Set (from a signal handler) to stop the job at its next checkpoint: the current chunk or
  /// transaction is committed with its bookmark, then run_sync() fails with kCancelled. Not
  /// owned; null: never.
  const std::atomic<bool>* stop = nullptr;
  /// The command that re-snapshots streams of this job, for messages (the tables follow), e.g.
  /// "sluice reset --config config.json --destination sqlite:shop.db".
  std::string reset_command = "sluice reset --config CONFIG --destination DEST";
};

/// Reads the sluice keys of a config document (default_replication_method, chunk_rows,
/// snapshot_threads, state_interval_seconds, key_change_deletes) into `options`. Errors (kConfig) name the
/// key and the fix.
core::Status read_sync_options(const nlohmann::json& config_doc, std::string_view origin, SyncOptions& options);

/// Runs one job. `state` is the job's starting state (empty for a first run); the final state
/// was checkpointed through `sink` when this returns success. When options.stop was set, the
/// error is kCancelled and the state of the rows delivered so far was checkpointed last.
core::Status run_sync(const config::SourceConfig& config, const config::Catalog& catalog, config::State state,
                      const SyncOptions& options, sinks::Sink& sink);

}  // namespace sluice::job
