#pragma once
/// The apply role of `sluice replicate`: journal::Reader → the target, in source commit order.
/// Rows go through RowWriter (batched statements) inside target transactions that each hold
/// several source transactions (up to `batch_rows` rows, or whatever is there when the log has
/// nothing more yet) and end with the position table's update: a kill at any instant leaves the
/// target at a transaction boundary that the position table names, and a restart continues
/// after it. A record with DDL: its LSN is marked in the position table, its statements run in
/// their own session settings (default database renamed, sql_mode, charsets, time zone), then
/// its rows and the position commit; a restart finding the mark runs the statements again and
/// takes "already exists"/"already gone" errors as done (docs/replication.md). The log's
/// `applied` file follows the commits (retention). Lost connections, deadlocks and a target
/// restart are retried with backoff from the position table.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

#include "config/replicate_config.h"
#include "core/result.h"
#include "replicate/status.h"

namespace sluice::replicate {

struct ApplyOptions {
  config::TargetConfig target;
  config::ReplicateSettings settings;
  const std::atomic<bool>* stop = nullptr;    ///< set to end after the current batch (not owned)
  std::function<void(std::string_view)> log;  ///< one line per message (retries)
  /// The in-process extractor's durable LSN: only durable records are applied. Null: another
  /// process writes the log (its reader sees what that writer wrote).
  const std::atomic<uint64_t>* durable_lsn = nullptr;
  unsigned backoff_max_ms = 30000;
};

/// Runs the apply role until `stop` or an error that retrying cannot fix. Updates `board`.
core::Status run_apply(const ApplyOptions& options, StatusBoard& board);

}  // namespace sluice::replicate
