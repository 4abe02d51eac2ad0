#include "sinks/sqlite/wal_checkpointer.h"

namespace sluice::sinks::sqlite {

WalCheckpointer::~WalCheckpointer() { stop(); }

core::Status WalCheckpointer::start(const std::string& path) {
  SLUICE_TRY(db_.open(path, false, false));
  sqlite3_busy_timeout(db_.get(), 5000);
  // The copy into the database file is fsynced like the sink's own commits.
  SLUICE_TRY(db_.exec("PRAGMA synchronous=FULL", "setting up the checkpoint connection"));
  thread_ = std::thread([this] { loop(); });
  return core::ok();
}

void WalCheckpointer::request() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    wanted_ = true;
  }
  cv_.notify_one();
}

void WalCheckpointer::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void WalCheckpointer::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    // PASSIVE: copies committed frames without waiting for the writer; a failure (busy, I/O)
    // leaves them in the WAL, where they are durable, for the next attempt or finish().
    (void)sqlite3_wal_checkpoint_v2(db_.get(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace sluice::sinks::sqlite
