#pragma once
/// Progress lines on stderr while a table is read (rows, rows/s, % of the estimated row count,
/// ETA), at most one every `interval` seconds: rewritten in place on a terminal, one line per
/// update otherwise (logs). And the job summary: rows per stream and method, duration.
/// One thread.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace sluice::job {

class Progress {
 public:
  /// `out` is stderr in production; `enabled` false prints nothing (but still counts).
  Progress(std::FILE* out, bool enabled, double interval_s = 5.0);

  /// Starts counting a stream; `estimate` is the table's estimated row count.
  void begin(const std::string& stream_id, std::string method, std::optional<uint64_t> estimate);
  /// Adds `n` rows to the current stream; prints when the interval passed.
  void add(uint64_t n = 1) {
    rows_ += n;
    if ((rows_ & 1023) == 0) maybe_print();
  }
  /// Ends the current stream (prints its final line).
  void end();
  /// The summary table of the job.
  void summary(double seconds);

  uint64_t rows() const { return rows_; }

 private:
  struct Done {
    std::string stream_id, method;
    uint64_t rows;
    double seconds;
  };
  void maybe_print();
  void print(bool final_line);

  std::FILE* out_;
  bool enabled_;
  bool tty_;
  double interval_s_;
  std::string stream_, method_;
  std::optional<uint64_t> estimate_;
  uint64_t rows_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::vector<Done> done_;
};

}  // namespace sluice::job
