#include "sinks/test_stop_sink.h"

#include <csignal>
#include <cstdlib>
#include <string_view>

namespace sluice::sinks {
namespace {

uint64_t env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return 0;
  uint64_t n = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9' || n > (uint64_t{1} << 40)) return 0;
    n = n * 10 + static_cast<uint64_t>(*p - '0');
  }
  return n;
}

}  // namespace

std::optional<TestStopPoint> test_stop_point_from_environment() {
  TestStopPoint p;
  p.after_checkpoint = env_number("SLUICE_TEST_STOP_AFTER_CHECKPOINT");
  if (p.after_checkpoint == 0) return std::nullopt;
  p.after_rows = env_number("SLUICE_TEST_STOP_AFTER_ROWS");
  return p;
}

core::Status TestStopSink::write_row(StreamHandle stream, const change::RowChange& row) {
  SLUICE_TRY(inner_->write_row(stream, row));
  if (!stopped_ && checkpoints_ == point_.after_checkpoint && point_.after_rows > 0 &&
      ++rows_after_ == point_.after_rows) {
    stopped_ = true;
    std::raise(SIGSTOP);
  }
  return core::ok();
}

core::Status TestStopSink::checkpoint(std::string_view state_json) {
  SLUICE_TRY(inner_->checkpoint(state_json));
  if (stopped_ || ++checkpoints_ != point_.after_checkpoint || point_.after_rows > 0) return core::ok();
  stopped_ = true;
  std::raise(SIGSTOP);
  return core::ok();
}

}  // namespace sluice::sinks
