// ThreadedSink: the wrapped sink sees the same calls in the same order, with values that outlive
// the caller's buffers; a writer error stops the work behind it and reaches the job.

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sinks/threaded_sink.h"

namespace sluice::test {
namespace {

/// Records every call as text; fails the checkpoint numbered `fail_checkpoint` (1-based).
class RecordingSink final : public sinks::Sink {
 public:
  std::vector<std::string> calls;
  int fail_checkpoint = 0;
  int checkpoints = 0;
  bool finished = false;
  std::thread::id row_thread;

  core::Result<sinks::StreamHandle> open_stream(const sinks::StreamInfo& info) override {
    calls.push_back("open " + info.stream_id);
    return static_cast<sinks::StreamHandle>(calls.size());
  }
  core::Status update_stream(sinks::StreamHandle, const sinks::StreamInfo& info) override {
    calls.push_back("update " + info.stream_id);
    return core::ok();
  }
  core::Status activate_version(sinks::StreamHandle h, int64_t version) override {
    calls.push_back("activate " + std::to_string(h) + " " + std::to_string(version));
    return core::ok();
  }
  core::Status truncate_stream(sinks::StreamHandle h, int64_t version, core::EpochTime) override {
    calls.push_back("truncate " + std::to_string(h) + " " + std::to_string(version));
    return core::ok();
  }
  core::Status write_row(sinks::StreamHandle h, const change::RowChange& row) override {
    row_thread = std::this_thread::get_id();
    std::string line = "row " + std::to_string(h) + " op" + std::to_string(static_cast<int>(row.op)) + " t" +
                       std::to_string(row.commit_time.seconds);
    for (const core::Value& v : row.values()) {
      line += v.is_null() ? " NULL" : v.text.empty() ? " " + std::to_string(v.i) : " " + std::string(v.text);
    }
    calls.push_back(line);
    return core::ok();
  }
  core::Status checkpoint(std::string_view state_json) override {
    calls.push_back("checkpoint " + std::string(state_json));
    if (++checkpoints == fail_checkpoint) return core::fail(core::ErrorCode::kIo, "disk full writing x.db");
    return core::ok();
  }
  core::Status finish() override {
    finished = true;
    calls.push_back("finish");
    return core::ok();
  }
};

sinks::StreamInfo stream(const std::string& id) {
  sinks::StreamInfo info;
  info.stream_id = id;
  return info;
}

/// Writes row n of stream h from a buffer that is overwritten right after the call.
core::Status write(sinks::Sink& sink, sinks::StreamHandle h, int n, std::string& buffer) {
  buffer = "name-" + std::to_string(n) + std::string(static_cast<size_t>(n % 7) * 100, 'x');
  std::vector<core::Value> values{core::Value::from_int(n), core::Value::with_text(core::ValueKind::kString, buffer),
                                  core::Value::null()};
  change::RowChange row;
  row.op = n % 2 ? change::Op::kInsert : change::Op::kDelete;
  (row.op == change::Op::kDelete ? row.before : row.after) = values;
  row.commit_time = {n, 0};
  auto st = sink.write_row(h, row);
  buffer.assign(buffer.size(), '?');
  return st;
}

std::string expected_row(sinks::StreamHandle h, int n) {
  return "row " + std::to_string(h) + " op" + std::to_string(n % 2 ? 1 : 3) + " t" + std::to_string(n) + " " +
         std::to_string(n) + " name-" + std::to_string(n) + std::string(static_cast<size_t>(n % 7) * 100, 'x') +
         " NULL";
}

TEST(ThreadedSink, SameCallsInOrderOnTheWriterThread) {
  auto inner = std::make_unique<RecordingSink>();
  RecordingSink* rec = inner.get();
  sinks::ThreadedSinkOptions o;
  o.batch_bytes = 1000;  // many small batches and a queue that fills: back-pressure is exercised
  o.queue_bytes = 4000;
  sinks::ThreadedSink sink(std::move(inner), o);
  std::vector<std::string> want;
  auto a = sink.open_stream(stream("db-a"));
  ASSERT_TRUE(a);
  want.push_back("open db-a");
  std::string buffer;
  for (int n = 0; n < 3000; ++n) {
    ASSERT_TRUE(write(sink, *a, n, buffer));
    want.push_back(expected_row(*a, n));
    if (n % 500 == 499) {
      std::string state = R"({"n":)" + std::to_string(n) + "}";
      ASSERT_TRUE(sink.checkpoint(state));
      want.push_back("checkpoint " + state);
    }
  }
  ASSERT_TRUE(sink.activate_version(*a, 7));
  want.push_back("activate " + std::to_string(*a) + " 7");
  ASSERT_TRUE(write(sink, *a, 3000, buffer));
  want.push_back(expected_row(*a, 3000));
  ASSERT_TRUE(sink.checkpoint("{}"));
  want.push_back("checkpoint {}");
  ASSERT_TRUE(sink.finish());
  want.push_back("finish");
  EXPECT_EQ(rec->calls, want);
  EXPECT_NE(rec->row_thread, std::this_thread::get_id());
}

TEST(ThreadedSink, AWriterErrorStopsLaterWorkAndReachesTheJob) {
  auto inner = std::make_unique<RecordingSink>();
  RecordingSink* rec = inner.get();
  rec->fail_checkpoint = 1;
  sinks::ThreadedSink sink(std::move(inner));
  auto a = sink.open_stream(stream("db-a"));
  ASSERT_TRUE(a);
  std::string buffer;
  ASSERT_TRUE(write(sink, *a, 1, buffer));
  ASSERT_TRUE(sink.checkpoint(R"({"n":1})"));  // queued: its failure shows later
  // The job learns of the failure at a later call at the latest; here, finish().
  for (int n = 2; n < 100000; ++n) {
    if (!write(sink, *a, n, buffer)) break;
  }
  auto done = sink.finish();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().message, "disk full writing x.db");
  EXPECT_TRUE(rec->finished);  // the wrapped sink still finishes (its rollback)
  // Nothing ran between the failed checkpoint and finish.
  ASSERT_GE(rec->calls.size(), 4u);
  EXPECT_EQ(rec->calls[rec->calls.size() - 2], R"(checkpoint {"n":1})");
  EXPECT_EQ(rec->calls.back(), "finish");
  auto later = sink.open_stream(stream("db-b"));
  EXPECT_FALSE(later);
}

TEST(ThreadedSink, DestroyedWithoutFinishJoinsTheWriter) {
  auto inner = std::make_unique<RecordingSink>();
  {
    sinks::ThreadedSink sink(std::move(inner));
    auto a = sink.open_stream(stream("db-a"));
    ASSERT_TRUE(a);
    std::string buffer;
    for (int n = 0; n < 1000; ++n) ASSERT_TRUE(write(sink, *a, n, buffer));
  }
  SUCCEED();
}

}  // namespace
}  // namespace sluice::test
