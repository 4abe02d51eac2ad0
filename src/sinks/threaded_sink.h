#pragma once
/// A Sink decorator that runs the wrapped sink's row writing on a writer thread, so reading and
/// decoding the source (the job's thread) and writing the destination (SQLite stepping, Avro
/// encoding and deflate, JSON formatting and write(2)) overlap on two cores.
///
/// The job's thread copies each row (values and their bytes) into a batch (packed: a few buffers per
/// batch, not a change::OwnedChange per row, which would allocate per row); full batches go to
/// the writer through a queue bounded in bytes (back-pressure: write_row waits when it is full).
/// The writer applies rows and checkpoints in the order they were called, so a checkpoint still
/// commits exactly the rows before it, with its state (exactly-once sinks stay exactly-once).
///
/// Relaxed delivery contract (sink.h): checkpoint() returns once the checkpoint is queued; the
/// rows and state are durable when the writer has run it, and at the latest when finish()
/// returns. An error of the writer (a failed write or checkpoint) is returned by the next call
/// on the job's thread, and by finish(); later queued work is dropped and the wrapped sink's
/// own failure handling (rollback, cut-off) keeps the bookmark where it was.
///
/// open_stream, update_stream, activate_version, truncate_stream and stream_gone wait until the writer
/// has drained the queue and then call the wrapped sink on the job's thread (rare calls; their result is
/// needed now).
/// Threads: the job's thread calls this sink; the wrapped sink is called by one thread at a time
/// (the writer, or the job's thread while the writer is idle), each hand-over through the
/// queue's mutex.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sinks/sink.h"

namespace sluice::sinks {

struct ThreadedSinkOptions {
  /// A batch is handed to the writer when its copied bytes reach this size (or at a checkpoint).
  size_t batch_bytes = 256 * 1024;
  /// The queue holds at most this many bytes of batches (the memory bound of the hand-over).
  size_t queue_bytes = 4 * 1024 * 1024;
};

class ThreadedSink final : public Sink {
 public:
  /// Starts the writer thread; `inner` is owned and destroyed after the thread is joined.
  explicit ThreadedSink(std::unique_ptr<Sink> inner, ThreadedSinkOptions options = {});
  /// Stops the writer (queued work that finish() did not run is dropped) and joins it.
  ~ThreadedSink() override;

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  /// Waits like activate_version, then passes it on.
  void stream_gone(StreamHandle stream, std::string_view reason) override;
  /// The inner sink's answer (asked before the writer thread sees any row; constant).
  bool applies_json_diffs() const override { return inner_->applies_json_diffs(); }
  /// Copies the row into the current batch; waits only when the queue is full.
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  /// Queues the checkpoint after the rows before it and hands the batch over.
  core::Status checkpoint(std::string_view state_json) override;
  /// Runs everything queued, stops the writer, then finishes the wrapped sink. Returns the
  /// writer's first error if there was one.
  core::Status finish() override;

  /// The wrapped sink (call it only while the writer is idle: before the first row or after finish()).
  Sink& inner() { return *inner_; }

 private:
  struct Batch;
  void writer_loop();
  core::Status run_batch(Batch& b);
  /// Hands the current batch (if any) to the writer; waits while the queue is full.
  void push_current();
  /// Pushes the current batch and waits until the writer has run everything queued.
  core::Status drain();
  core::Status first_error();
  Batch& current();

  std::unique_ptr<Sink> inner_;
  ThreadedSinkOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;  ///< queue changes (both directions), writer idle, errors
  std::deque<std::unique_ptr<Batch>> queue_;
  std::vector<std::unique_ptr<Batch>> free_;  ///< run batches, kept for reuse
  size_t queued_bytes_ = 0;
  bool writer_busy_ = false;
  bool stop_ = false;
  std::optional<core::Error> error_;
  std::atomic<bool> failed_{false};  ///< error_ is set (read without the mutex on each row)
  bool finished_ = false;
  std::unique_ptr<Batch> current_;  ///< filled by the job's thread, not shared until pushed
  std::thread writer_;
};

}  // namespace sluice::sinks
