#pragma once
/// A test-only Sink decorator that stops the whole process (raise(SIGSTOP)) at a known point of a
/// job, so a test can SIGKILL (or signal) it exactly there, however fast the machine is
/// (docs/development.md). Off unless the environment asks for it:
///
/// - `SLUICE_TEST_STOP_AFTER_CHECKPOINT=N`: right after the Nth checkpoint returned from the
///   destination (its rows and state are durable: committed, fsynced, or flushed to stdout).
/// - with `SLUICE_TEST_STOP_AFTER_ROWS=M` as well: once M more rows were written after that
///   checkpoint (inside the destination's open transaction, not committed).
///
/// make_sink() puts it inside the writer thread of a ThreadedSink and outside the loading
/// report, so "after the checkpoint" means after the destination committed it. One stop per
/// process; SIGCONT resumes the job as if nothing happened. Same threading as the wrapped sink.

#include <cstdint>
#include <memory>
#include <optional>

#include "sinks/sink.h"

namespace sluice::sinks {

/// Where a TestStopSink stops the process.
struct TestStopPoint {
  uint64_t after_checkpoint = 0;  ///< N >= 1: the Nth checkpoint
  uint64_t after_rows = 0;        ///< M: rows written after it (0: stop at the checkpoint itself)
};

/// The stop point the environment asks for, nullopt when SLUICE_TEST_STOP_AFTER_CHECKPOINT is
/// unset or not a positive number.
std::optional<TestStopPoint> test_stop_point_from_environment();

class TestStopSink final : public Sink {
 public:
  TestStopSink(std::unique_ptr<Sink> inner, TestStopPoint point) : inner_(std::move(inner)), point_(point) {}

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override {
    return inner_->open_stream(info);
  }
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override {
    return inner_->update_stream(stream, info);
  }
  core::Status activate_version(StreamHandle stream, int64_t version) override {
    return inner_->activate_version(stream, version);
  }
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override {
    return inner_->truncate_stream(stream, version, commit_time);
  }
  void stream_gone(StreamHandle stream, std::string_view reason) override { inner_->stream_gone(stream, reason); }
  bool applies_json_diffs() const override { return inner_->applies_json_diffs(); }
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status checkpoint(std::string_view state_json) override;
  core::Status finish() override { return inner_->finish(); }

 private:
  std::unique_ptr<Sink> inner_;
  TestStopPoint point_;
  uint64_t checkpoints_ = 0;
  uint64_t rows_after_ = 0;
  bool stopped_ = false;
};

}  // namespace sluice::sinks
