#include "job/progress.h"

#include <unistd.h>

namespace sluice::job {
namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Progress::Progress(std::FILE* out, bool enabled, double interval_s)
    : out_(out), enabled_(enabled), tty_(isatty(fileno(out)) != 0), interval_s_(interval_s) {}

void Progress::begin(const std::string& stream_id, std::string method, std::optional<uint64_t> estimate) {
  stream_ = stream_id;
  method_ = std::move(method);
  estimate_ = estimate;
  rows_ = 0;
  start_ = last_print_ = std::chrono::steady_clock::now();
}

void Progress::maybe_print() {
  if (!enabled_ || since(last_print_) < interval_s_) return;
  print(false);
}

void Progress::print(bool final_line) {
  last_print_ = std::chrono::steady_clock::now();
  double secs = since(start_);
  double rate = secs > 0 ? static_cast<double>(rows_) / secs : 0;
  std::string extra;
  if (!final_line && estimate_ && *estimate_ > 0) {
    double pct = 100.0 * static_cast<double>(rows_) / static_cast<double>(*estimate_);
    if (pct > 99.0) pct = 99.0;  // the estimate is rough
    char buf[96];
    double left = rate > 0 && *estimate_ > rows_ ? static_cast<double>(*estimate_ - rows_) / rate : 0;
    std::snprintf(buf, sizeof buf, ", ~%.0f%% of ~%llu, ETA %.0f s", pct,
                  static_cast<unsigned long long>(*estimate_), left);
    extra = buf;
  }
  const char* suffix = tty_ ? (final_line ? "\033[K\n" : "\033[K") : "\n";
  std::fprintf(out_, "%ssluice: %s (%s): %llu rows, %.0f rows/s%s%s%s", tty_ ? "\r" : "", stream_.c_str(),
               method_.c_str(), static_cast<unsigned long long>(rows_), rate, extra.c_str(),
               final_line ? ", done" : "", suffix);
  std::fflush(out_);
}

void Progress::end() {
  double secs = since(start_);
  if (enabled_ && (rows_ > 0 || secs >= interval_s_)) print(true);
  done_.push_back(Done{stream_, method_, rows_, secs});
  rows_ = 0;
}

void Progress::summary(double seconds) {
  if (!enabled_) return;
  uint64_t total = 0;
  std::fprintf(out_, "sluice: job summary\n");
  for (const Done& d : done_) {
    std::fprintf(out_, "sluice:   %-40s %-11s %12llu rows %8.1f s\n", d.stream_id.c_str(), d.method.c_str(),
                 static_cast<unsigned long long>(d.rows), d.seconds);
    total += d.rows;
  }
  std::fprintf(out_, "sluice:   %zu streams, %llu rows in %.1f s\n", done_.size(),
               static_cast<unsigned long long>(total), seconds);
}

}  // namespace sluice::job
