#pragma once
/// The config file every command reads (`--config`), loaded once into typed settings. Its shape
/// (docs/configuration.md, "The shape of a config file"):
///
/// - the source: the Singer MySQL tap's flat keys at the top level (host, port, user, password,
///   filter_dbs, server_id, ssl…) plus sluice's connection keys (source_config.h), so the same
///   file still drives the tap;
/// - the job: sluice's flat keys for `sync` (default_replication_method, chunk_rows,
///   snapshot_threads, state_interval_seconds, key_change_deletes, zero_dates, value_forms,
///   select_new_columns, resnapshot_on_purged): SyncSettings;
/// - `destination`: where `sync` delivers (destination.h);
/// - `ssh_tunnel`: the SSH bastion the source is reached through (ssh_tunnel_config.h), part of
///   the source's connection options;
/// - `schedule`: when `sluice run` starts this integration's jobs (schedule_config.h);
/// - `target` and `replicate`: `sluice replicate`'s target server and pipeline keys
///   (replicate_config.h).
///
/// Problems are reported all at once, one line each (kConfig); unknown keys are ignored, a likely
/// misspelling of a known one gives a warning. Pure functions except load_job_config (one read).

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/destination.h"
#include "config/replicate_config.h"
#include "config/schedule_config.h"
#include "config/source_config.h"
#include "core/result.h"
#include "core/value_format.h"

namespace sluice::config {

/// The job's own keys (`sluice sync`; `sluice check` validates them too).
struct SyncSettings {
  /// `default_replication_method`: "FULL_TABLE" or "LOG_BASED" (upper case) for a stream whose
  /// catalog entry names none. Unset: LOG_BASED when the server writes a ROW binlog, else
  /// FULL_TABLE (views: FULL_TABLE).
  std::optional<std::string> default_replication_method;
  size_t chunk_rows = 50000;  ///< `chunk_rows`: rows per snapshot chunk
  /// `snapshot_threads`: connections reading key ranges of one keyed table in parallel (Full
  /// Table and log-based snapshots); 1 reads on the job's connection.
  size_t snapshot_threads = 1;
  double state_interval_s = 5.0;  ///< `state_interval_seconds`: a committed bookmark at least this often
  /// `key_change_deletes`: an UPDATE that changes the primary key is delivered as a delete of the
  /// old key, then the new row. False (Singer output only): the new row alone, like the tap.
  bool key_change_deletes = true;
  /// `zero_dates`: how zero dates ('0000-00-00') reach Singer output: null or the server's text.
  core::ValueFormat::ZeroDates zero_dates = core::ValueFormat::ZeroDates::kNull;
  /// `value_forms`: "sluice" (docs/types.md) or "tap": Singer output keeps the Singer MySQL tap's
  /// forms where they lose nothing (JSON as a string, TIME as a date-time; docs/configuration.md).
  /// The other destinations have typed columns and ignore it.
  core::ValueFormat::Forms value_forms = core::ValueFormat::Forms::kSluice;
  /// `select_new_columns`: a column the catalog does not list (added to the table after discovery,
  /// or by an ALTER in the binlog) is synced too. False (the Singer tap's rule): it is not synced,
  /// and a warning names it and the command that back-fills it. Unset: false for `sluice sync`,
  /// true for the jobs of `sluice run` (its structure sync, as the hosted service does).
  std::optional<bool> select_new_columns;
  /// `keep_extraction_logs`: how many jobs' extraction logs (with their saved catalogs) the
  /// destination's report folder keeps (1–10000, default 30).
  size_t keep_extraction_logs = 30;
  /// `resnapshot_on_purged`: a log-based stream whose bookmark's binlog the server has purged is
  /// re-snapshotted under a new version in the same job (as `sluice reset` of it would), the
  /// others continue. False: the job stops naming those streams and the reset command.
  bool resnapshot_on_purged = false;
};

/// A validated config file. Plain data; copy freely.
struct JobConfig {
  std::string origin;  ///< the file, for messages
  SourceConfig source;
  SyncSettings sync;
  /// The `destination` section; nullopt when the file has none (`--destination` or Singer stdout).
  std::optional<DestinationConfig> destination;
  /// The `schedule` section (`sluice run`); nullopt when the file has none.
  std::optional<ScheduleConfig> schedule;
  /// The `target` and `replicate` sections (`sluice replicate`); nullopt when absent.
  std::optional<TargetConfig> target;
  std::optional<ReplicateSettings> replicate;
  /// One line each, in file order of the parts: source, unknown keys, destination.
  std::vector<std::string> warnings;
};

/// Validates a config document; `origin` names the file in messages. Every problem of every part
/// is one line of the error (kConfig).
core::Result<JobConfig> parse_job_config(const nlohmann::json& doc, std::string_view origin);

/// Parses config text (JSON; a syntax error names line and column), then as parse_job_config.
core::Result<JobConfig> parse_job_config_text(std::string_view text, std::string_view origin);

/// Reads the config file at `path` (the one read of it) and validates it; `path` names it in messages.
core::Result<JobConfig> load_job_config(const std::string& path);

}  // namespace sluice::config
