#pragma once
/// One process at a time: an exclusive `flock` on a lock file, held until the FileLock is
/// destroyed. The kernel releases it when the process ends, however it ends (kill -9 included),
/// so a dead holder never blocks. The file holds its holder (pid, host, start time) for the
/// message of the process that is refused. The file itself stays (removing a lock file races
/// with the next process locking it). Used by the destinations' state locks (sinks/).
/// A FileLock belongs to one thread at a time; the functions are thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::core {

/// Who holds a lock: a process on a host, since a time.
struct LockHolder {
  int64_t pid = 0;
  std::string host;
  std::string since;  ///< "YYYY-MM-DD HH:MM:SS UTC"

  /// "pid 123 on host h, started 2026-12-07 10:39:01 UTC".
  std::string describe() const;
  /// True when the holder is a process of this host that no longer exists.
  bool dead_here() const;
};

/// This process as a lock holder (its pid, the host name, now).
LockHolder this_process();

/// The host name (gethostname), "unknown" when it has none.
std::string host_name();

class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  /// Takes the lock on `path` (created when missing) without waiting, and records this process
  /// in it. `what` names the locked thing in messages ("SQLite destination shop.db"). When
  /// another process holds it: kIo (retryable), one line naming the holder and the fix. When
  /// `path`'s directory does not exist (or is not a directory): an unlocked FileLock (nothing can
  /// be written there anyway; the caller's own open reports it).
  static Result<FileLock> acquire(const std::string& path, std::string_view what);

  bool held() const { return fd_ >= 0; }
  /// Releases the lock (also done by the destructor).
  void release();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// The holder recorded in a lock file, nullopt when it is empty or unreadable.
std::optional<LockHolder> read_lock_holder(const std::string& path);

}  // namespace sluice::core
