#include "sinks/threaded_sink.h"

#include <string>

namespace sluice::sinks {

/// Rows and checkpoints in call order, with private copies of every value's bytes.
struct ThreadedSink::Batch {
  enum class Kind : uint8_t { kRow = 0, kCheckpoint = 1 };
  /// A row: values[first, first + count). A checkpoint: its state is bytes[first, first + count).
  struct Op {
    Kind kind;
    change::Op op;
    StreamHandle stream;
    size_t first;
    size_t count;
    core::EpochTime extracted;
    core::EpochTime commit_time;
    bool json_diffs = false;  ///< RowChange::json_diffs
  };
  /// values[value].text is bytes[at, at + size) (set on the writer, once `bytes` stopped growing).
  struct Fixup {
    size_t value;
    size_t at;
    size_t size;
  };
  std::vector<Op> ops;
  std::vector<core::Value> values;
  std::vector<Fixup> fixups;
  std::string bytes;
  size_t pushed_bytes = 0;  ///< size() when handed over: what the queue accounts for

  size_t size() const {
    return bytes.size() + values.size() * sizeof(core::Value) + ops.size() * sizeof(Op) +
           fixups.size() * sizeof(Fixup);
  }
  void clear(size_t keep_bytes) {
    ops.clear();
    values.clear();
    fixups.clear();
    bytes.clear();
    // One huge value must not pin its buffer for the rest of the job.
    if (bytes.capacity() > keep_bytes) std::string().swap(bytes);
  }
};

ThreadedSink::ThreadedSink(std::unique_ptr<Sink> inner, ThreadedSinkOptions options)
    : inner_(std::move(inner)), options_(options), writer_([this] { writer_loop(); }) {}

ThreadedSink::~ThreadedSink() {
  {
    std::lock_guard lock(mu_);
    queue_.clear();
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

ThreadedSink::Batch& ThreadedSink::current() {
  if (!current_) current_ = std::make_unique<Batch>();
  return *current_;
}

core::Status ThreadedSink::first_error() {
  std::lock_guard lock(mu_);
  if (error_) return core::fail(*error_);
  return core::ok();
}

void ThreadedSink::writer_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    std::unique_ptr<Batch> b = std::move(queue_.front());
    queue_.pop_front();
    writer_busy_ = true;
    bool skip = error_.has_value();  // after an error, queued work is dropped
    lock.unlock();
    core::Status st = skip ? core::ok() : run_batch(*b);
    b->clear(4 * options_.batch_bytes);
    lock.lock();
    queued_bytes_ -= b->pushed_bytes;
    if (!st && !error_) {
      error_ = st.error();
      failed_.store(true, std::memory_order_relaxed);
    }
    if (free_.size() < 2) free_.push_back(std::move(b));
    writer_busy_ = false;
    cv_.notify_all();
  }
}

core::Status ThreadedSink::run_batch(Batch& b) {
  for (const Batch::Fixup& f : b.fixups) b.values[f.value].text = std::string_view(b.bytes.data() + f.at, f.size);
  change::RowChange row;
  for (const Batch::Op& op : b.ops) {
    if (op.kind == Batch::Kind::kCheckpoint) {
      SLUICE_TRY(inner_->checkpoint(std::string_view(b.bytes.data() + op.first, op.count)));
      continue;
    }
    // The copy holds the values the sink writes (RowChange::values): put back where it reads them.
    const std::span<const core::Value> values(b.values.data() + op.first, op.count);
    row.op = op.op;
    row.before = op.op == change::Op::kDelete ? values : std::span<const core::Value>();
    row.after = op.op == change::Op::kDelete ? std::span<const core::Value>() : values;
    row.extracted = op.extracted;
    row.commit_time = op.commit_time;
    row.json_diffs = op.json_diffs;
    SLUICE_TRY(inner_->write_row(op.stream, row));
  }
  return core::ok();
}

void ThreadedSink::push_current() {
  if (!current_ || current_->ops.empty()) return;
  size_t n = current_->size();
  current_->pushed_bytes = n;
  std::unique_lock lock(mu_);
  // Back-pressure: wait for room, but a batch larger than the whole queue still goes alone.
  cv_.wait(lock, [&] { return error_ || queued_bytes_ == 0 || queued_bytes_ + n <= options_.queue_bytes; });
  if (error_) {
    current_->clear(4 * options_.batch_bytes);
    return;
  }
  queued_bytes_ += n;
  queue_.push_back(std::move(current_));
  if (!free_.empty()) {
    current_ = std::move(free_.back());
    free_.pop_back();
  }
  lock.unlock();
  cv_.notify_all();
}

core::Status ThreadedSink::drain() {
  push_current();
  std::unique_lock lock(mu_);
  // Also after an error: the writer must be idle before the job's thread calls the inner sink.
  cv_.wait(lock, [&] { return queued_bytes_ == 0 && !writer_busy_; });
  if (error_) return core::fail(*error_);
  return core::ok();
}

core::Result<StreamHandle> ThreadedSink::open_stream(const StreamInfo& info) {
  SLUICE_TRY(drain());
  return inner_->open_stream(info);
}

core::Status ThreadedSink::update_stream(StreamHandle stream, const StreamInfo& info) {
  SLUICE_TRY(drain());
  return inner_->update_stream(stream, info);
}

core::Status ThreadedSink::activate_version(StreamHandle stream, int64_t version) {
  SLUICE_TRY(drain());
  return inner_->activate_version(stream, version);
}

core::Status ThreadedSink::truncate_stream(StreamHandle stream, int64_t version,
                                           core::EpochTime commit_time) {
  SLUICE_TRY(drain());
  return inner_->truncate_stream(stream, version, commit_time);
}

void ThreadedSink::stream_gone(StreamHandle stream, std::string_view reason) {
  if (!drain()) return;  // the writer's error comes back from the next call
  inner_->stream_gone(stream, reason);
}

core::Status ThreadedSink::write_row(StreamHandle stream, const change::RowChange& row) {
  if (failed_.load(std::memory_order_relaxed)) return first_error();
  Batch& b = current();
  const std::span<const core::Value> values = row.values();
  b.ops.push_back(Batch::Op{Batch::Kind::kRow, row.op, stream, b.values.size(), values.size(), row.extracted,
                            row.commit_time, row.json_diffs});
  for (const core::Value& v : values) {
    core::Value& c = b.values.emplace_back(v);
    if (v.text.empty()) continue;
    b.fixups.push_back(Batch::Fixup{b.values.size() - 1, b.bytes.size(), v.text.size()});
    b.bytes.append(v.text);
    c.text = std::string_view();
  }
  if (b.size() >= options_.batch_bytes) push_current();
  return core::ok();
}

core::Status ThreadedSink::checkpoint(std::string_view state_json) {
  if (failed_.load(std::memory_order_relaxed)) return first_error();
  Batch& b = current();
  b.ops.push_back(Batch::Op{
      Batch::Kind::kCheckpoint, change::Op::kSnapshot, 0, b.bytes.size(), state_json.size(), {}, {}, false});
  b.bytes.append(state_json);
  push_current();  // no checkpoint waits behind a half-full batch
  return core::ok();
}

core::Status ThreadedSink::finish() {
  if (finished_) return inner_->finish();
  finished_ = true;
  core::Status st = drain();
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  core::Status fin = inner_->finish();  // after a writer error: the sink's own rollback / cut-off
  if (!st) return st;
  return fin;
}

}  // namespace sluice::sinks
