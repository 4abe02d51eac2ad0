#pragma once
/// What a running pipeline says of itself, for `sluice status` and metrics: one PipelineStatus
/// per role, kept in a StatusBoard that the role's thread updates and any thread reads, and
/// saved as JSON (atomically: temporary file, rename) to `<journal_dir>/extract.status.json` or
/// `apply.status.json` at most once a second and at every state change. The file's keys are the
/// fields' names (status_json()); docs/replication.md.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/result.h"

namespace sluice::replicate {

enum class State : uint8_t {
  kStarting = 0,
  kOnline = 1,      ///< caught up: waiting for the next source (extract) or log (apply) transaction
  kCatchingUp = 2,  ///< behind: more is there to read
  kStopped = 3,     ///< ended by a signal
  kFailed = 4,      ///< ended by `last_error`
};
const char* state_name(State s);
/// This machine's name (gethostname), "" when unknown.
std::string host_name();

/// One role's figures. Plain data.
struct PipelineStatus {
  std::string role;  ///< "extract" or "apply"
  State state = State::kStarting;
  std::string source_position;  ///< extract: after the last transaction read; apply: after the last applied
  std::string gtid_set;         ///< the GTID set through that transaction (when the source has GTIDs)
  uint64_t lsn_written = 0;     ///< extract: the last LSN appended
  uint64_t lsn_durable = 0;     ///< extract: the last LSN fsynced
  uint64_t lsn_applied = 0;     ///< apply: the last LSN committed on the target
  uint64_t transactions = 0;    ///< transactions handled since start
  uint64_t rows = 0;            ///< row changes handled since start
  uint64_t conflicts = 0;       ///< apply: conflicts overwritten since start (replicate.on_conflict)
  int64_t last_commit_seconds = 0;  ///< source commit time of the last transaction handled (UTC)
  int64_t updated_seconds = 0;      ///< when this was last updated (UTC)
  std::string last_error;           ///< one line, "" = none
  int64_t pid = 0;                  ///< the process running the role
  std::string host;                 ///< the machine it runs on (gethostname)
  double rows_per_second = 0;       ///< over the last interval of at least a second (0 once ended)
  int64_t pending_commit_seconds = 0;  ///< apply: commit time of the oldest record read, not committed
  int64_t lag_seconds = 0;             ///< apply: seconds behind that commit when saved (0: none pending)
};

/// The JSON object of `s` (one line).
std::string status_json(const PipelineStatus& s);

/// A role's status shared between its thread (writer) and readers. Thread-safe.
class StatusBoard {
 public:
  /// `path` "" = not saved to a file.
  StatusBoard(std::string role, std::string path);
  /// Runs `edit` on the status under the lock, then saves it when `force` or a second passed.
  template <typename F>
  void update(F&& edit, bool force = false) {
    std::lock_guard<std::mutex> lock(mutex_);
    edit(status_);
    save_locked(force);
  }
  void set_state(State s, std::string error = {});
  /// Marks the role alive: `updated_seconds` set, saved when a second passed (a heartbeat every
  /// second keeps a running role's file fresh even while it waits on a server).
  void touch() {
    update([](PipelineStatus&) {});
  }
  PipelineStatus snapshot() const;

  /// The extractor's durable LSN, read by an applier in the same process (only durable records
  /// are applied).
  std::atomic<uint64_t> durable_lsn{0};

 private:
  void save_locked(bool force);
  mutable std::mutex mutex_;
  PipelineStatus status_;
  std::string path_;
  int64_t saved_at_ms_ = 0;
  int64_t sampled_at_ms_ = 0;  // rows_per_second's interval start
  uint64_t sampled_rows_ = 0;
};

/// Reads a status file saved by a StatusBoard (for `sluice status`).
core::Result<PipelineStatus> read_status_file(const std::string& path);

}  // namespace sluice::replicate
