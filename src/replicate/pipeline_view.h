#pragma once
/// A pipeline as `sluice status` shows it: both roles' status files (status.h), whether each
/// role's process still runs, the transaction log's size on disk and how far apply is behind.
/// A role whose file says it runs (starting, online, catching_up) but which was not updated for
/// kStaleSeconds, or whose pid is not running on this host, is "gone" (killed, crashed): a
/// running role refreshes its file every second. docs/replication.md#status.

#include <cstdint>
#include <optional>
#include <string>

#include "config/replicate_config.h"
#include "replicate/status.h"

namespace sluice::replicate {

/// A running role's status file older than this (seconds) means its process is gone.
inline constexpr int64_t kStaleSeconds = 5;

/// The transaction log's segments in its directory (none when it does not exist).
struct LogSize {
  uint64_t bytes = 0;
  size_t segments = 0;
};
LogSize log_size(const std::string& journal_dir);

/// What a status reader says of one role.
enum class Process : uint8_t {
  kNotStarted = 0,  ///< no status file: the role has not run with this journal_dir
  kRunning = 1,     ///< the file says it runs and is fresh
  kGone = 2,        ///< the file says it runs but is stale, or its pid is not running
  kEnded = 3,       ///< stopped or failed (see last_error)
  kUnreadable = 4,  ///< the file is there but not a status file (`problem`)
};
const char* process_name(Process p);

struct RoleView {
  std::string role;
  std::optional<PipelineStatus> status;
  Process process = Process::kNotStarted;
  int64_t age_seconds = 0;  ///< since the file was last updated
  std::string problem;      ///< kUnreadable: why
};

struct PipelineView {
  std::string name;
  std::string journal_dir;
  LogSize log;
  RoleView extract, apply;
  uint64_t lsn_durable = 0;     ///< the extract role's last durable LSN (its file)
  uint64_t lsn_applied = 0;     ///< the apply role's file, else the log's `applied` file
  uint64_t records_behind = 0;  ///< lsn_durable - lsn_applied (0 when apply is ahead of a stale file)
};

/// Reads the pipeline of `settings` at `now_seconds` (UTC). Never fails: what cannot be read is
/// said in the view.
PipelineView read_pipeline(const config::ReplicateSettings& settings, int64_t now_seconds);

/// The view as text lines for a person, and as one JSON object (`sluice status --json`).
std::string pipeline_text(const PipelineView& v);
std::string pipeline_json(const PipelineView& v);

}  // namespace sluice::replicate
