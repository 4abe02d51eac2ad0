#pragma once
/// `sluice replicate --initial-copy` (docs/replication.md#initial-copy): provisions an empty
/// target from one consistent snapshot of the source, then hands off to the stream at that
/// snapshot's exact binlog position (extract::begin_exact_snapshot), so each transaction is in
/// the copy or in the stream, never both and never neither.
///
/// Each followed table (include/exclude, rename) missing on the target is created from SHOW
/// CREATE TABLE through the applier's DDL path (run_ddl: rename, collations); a target table
/// that already holds rows is refused. Rows are read by the snapshot engine (extract::
/// read_snapshot: keyset chunks by the primary or unique NOT NULL key, a keyless table in one
/// pass) and written as multi-row INSERTs (RowWriter); each chunk commits on the target with its
/// progress row (copy_state.h), so a kill continues after the last committed chunk. A resumed
/// copy reads from a newer snapshot; the stream still starts at the first one, and the applier
/// takes what lies between (CopyWindow): keyed rows idempotently, keyless tables (copied whole
/// from one snapshot) skipped up to their snapshot. One thread, one connection to each side.

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "config/replicate_config.h"
#include "config/source_config.h"
#include "core/result.h"
#include "mysql/server_status.h"

namespace sluice::replicate {

struct InitialCopyOptions {
  config::SourceConfig source;
  config::TargetConfig target;
  config::ReplicateSettings settings;
  const std::atomic<bool>* stop = nullptr;    ///< set: end after the current chunk (kCancelled)
  std::function<void(std::string_view)> log;  ///< one line per table
};

/// Copies what is not copied yet and returns where the stream starts: the first snapshot's
/// position and GTID state. A copy finished before returns them at once (a restart); a log
/// that already has records without a finished copy is refused.
core::Result<mysql::BinlogStatus> run_initial_copy(const InitialCopyOptions& options);

}  // namespace sluice::replicate
