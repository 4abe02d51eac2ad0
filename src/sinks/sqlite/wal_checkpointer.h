#pragma once
/// Copies the SQLite sink's WAL back into the database file on a thread of its own, through a
/// second connection, so the sink's writer keeps inserting while committed pages are copied
/// (and fsynced) into the main file. The sink's connection runs with wal_autocheckpoint=0 and
/// calls request() after each commit; a PASSIVE checkpoint copies what is committed and never
/// blocks the writer. Checkpoint errors are not the job's: the data is already durable in the
/// WAL; the sink's final TRUNCATE checkpoint at finish() reports what still fails.
/// Internal to src/sinks/sqlite. Threads: request() from the sink's thread; its own thread.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "sinks/sqlite/sqlite_db.h"

namespace sluice::sinks::sqlite {

class WalCheckpointer {
 public:
  WalCheckpointer() = default;
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;
  /// stop().
  ~WalCheckpointer();

  /// Opens the second connection to `path` (an existing WAL database) and starts the thread.
  core::Status start(const std::string& path);
  /// Asks for a checkpoint soon (coalesced with one that is pending). No effect before start().
  void request();
  /// Joins the thread and closes its connection (a running checkpoint completes first).
  void stop();

 private:
  void loop();

  Db db_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::sinks::sqlite
