#pragma once
/// Appends records to the log directory: one writer per directory (a lock file says who holds
/// it), LSNs from 1 up by one, group commit (one fsync for the records of a few milliseconds or a
/// megabyte), segment roll by size, retention by size and age that never deletes a segment with
/// a record the applier has not applied, and back-pressure at the size limit. Opening recovers
/// the tail: a torn or unfinished last record (and the fragments of an unfinished transaction)
/// is cut off, and resume() says where the source read resumes. docs/transaction-log.md.
/// One thread at a time.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/file_lock.h"
#include "core/result.h"
#include "journal/record.h"
#include "journal/resume_point.h"

namespace sluice::journal {

struct WriterOptions {
  uint64_t segment_bytes = uint64_t{64} << 20;  ///< a new segment once the current one is this large
  uint64_t group_bytes = uint64_t{1} << 20;     ///< fsync once this many bytes are not durable...
  std::chrono::milliseconds group_time{10};     ///< ...or the oldest record not durable is this old
  /// Size limit of the directory (0: none). Past it retention deletes applied segments, and an
  /// append that would exceed it with nothing left to delete fails (wait_for_room waits).
  uint64_t max_bytes = 0;
  /// Applied segments closed longer ago than this are deleted (0: kept up to max_bytes).
  std::chrono::seconds max_age{0};
};

class Writer {
 public:
  /// Opens the log in `dir` (created when missing, its parent must exist), taking its lock and
  /// recovering its tail. `start` is the source state before the first record of a new log (kept
  /// in the first segment's header). kCorrupt (data_loss) when a record before the tail is
  /// damaged, naming the segment and offset; kIo when another process holds the log.
  static core::Result<std::unique_ptr<Writer>> open(const std::string& dir, const WriterOptions& options,
                                                    const ResumePoint& start = ResumePoint());
  ~Writer();  ///< makes what was appended durable (errors are lost: call sync() first)
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Appends `record` (a whole transaction, or with `more` a fragment that the next append
  /// continues) and returns its LSN. The record is durable once durable_lsn() reaches it: at
  /// once when the group's bytes or time are reached, else at the next sync()/maybe_sync().
  /// At the size limit, with nothing applied to delete: kIo, retryable (wait_for_room first).
  core::Result<uint64_t> append(const RecordBuilder& record, bool more = false);
  /// Makes every appended record durable (write, fsync).
  core::Status sync();
  /// sync() when the oldest record not durable is older than the group time; the extractor
  /// calls it when the source has nothing to send.
  core::Status maybe_sync();
  /// Waits (re-reading the applied LSN, deleting what retention allows) until `bytes` more fit
  /// under max_bytes; kTimeout (retryable) after `timeout`.
  core::Status wait_for_room(size_t bytes, std::chrono::milliseconds timeout);
  /// Deletes the segments retention allows (applied, and past max_bytes or max_age).
  core::Status apply_retention();

  uint64_t last_lsn() const { return next_lsn_ - 1; }
  /// The last LSN fsynced (fragments included): a reader in this process reads up to it.
  uint64_t durable_lsn() const { return durable_lsn_; }
  /// Of the last durable record: the source read resumes here, never past a record not durable.
  const ResumePoint& resume() const { return durable_; }
  /// Bytes recovery cut off the tail at open (0: the log ended cleanly).
  uint64_t recovered_cut() const { return recovered_cut_; }
  uint64_t total_bytes() const { return total_bytes_ + buffer_.size(); }

 private:
  struct Segment {
    std::string path;
    uint64_t first_lsn = 0;
    uint64_t size = 0;
    int64_t created_micros = 0;
  };
  Writer() = default;
  core::Status recover(const ResumePoint& start);
  core::Status recover_last(Segment& last);
  core::Status create_segment(uint64_t first_lsn);
  core::Status open_for_append(const Segment& s);
  core::Status write_buffer();
  bool has_room(size_t bytes) const;
  core::Status retain(size_t wanted);
  void note_appended(const change::Transaction& txn, bool more);

  std::string dir_;
  WriterOptions options_;
  core::FileLock lock_;
  int fd_ = -1;
  std::vector<Segment> segments_;  // oldest first; the last is appended to
  uint64_t total_bytes_ = 0;       // bytes in the files (buffer_ not included)
  std::string buffer_;             // records appended, not written yet
  uint64_t next_lsn_ = 1;
  bool in_fragment_ = false;  // the last record appended had `more`
  ResumePoint appended_;      // after the last record appended (durable or not)
  ResumePoint durable_;       // after the last durable record
  uint64_t durable_lsn_ = 0;
  uint64_t unsynced_bytes_ = 0;
  std::chrono::steady_clock::time_point oldest_unsynced_{};
  uint64_t recovered_cut_ = 0;
  uint64_t applied_lsn_ = 0;
};

}  // namespace sluice::journal
