#pragma once
/// The loading report: a Sink decorator that passes every call to the destination sink and
/// counts, per stream, rows inserted / updated / deleted, bytes, duration, errors and the
/// bookmark before and after the job. finish() writes the report as one JSON file per job
/// (docs/loading-reports.md) and prints a one-line summary on the log (stderr).
///
/// Counts are those committed by successful checkpoints (rows a failed job rolled back are
/// reported apart as `rows_not_committed`). When the destination sink implements
/// LoadCountSource (SQLite), inserted vs updated come from it; otherwise from the row
/// operation (snapshot and insert rows count as inserted). One thread, like the sink (except
/// record_error()).

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sinks/load_counts.h"
#include "sinks/sink.h"

namespace sluice::job {

// The sink interface the report decorates.
using sinks::LoadCounts;
using sinks::LoadCountSource;
using sinks::Sink;
using sinks::StreamHandle;
using sinks::StreamInfo;

struct ReportOptions {
  /// Directory for the report files (created when missing); empty = no file, summary only.
  std::string report_dir;
  /// What the destination is, for the report and the summary: {"type": "sqlite", "path": ...}.
  nlohmann::json destination = nlohmann::json::object();
  /// Where the summary line and warnings go; nullptr = nowhere.
  std::FILE* log = stderr;
  /// Print the summary line at finish() (off under --quiet; warnings still go to `log`).
  bool summary = true;
  /// The job's id (new_job_id(), shared with its extraction log); empty: made from the start.
  std::string job_id;
  /// The attempt of a retried job of `sluice run` (1, 2, ...); 0: not written.
  int attempt = 0;
  /// The job's extraction log, named in the report; empty: none.
  std::string extraction_log;
};

class ReportSink final : public Sink {
 public:
  ReportSink(std::unique_ptr<Sink> inner, ReportOptions options);

  core::Result<StreamHandle> open_stream(const StreamInfo& info) override;
  core::Status update_stream(StreamHandle stream, const StreamInfo& info) override;
  core::Status activate_version(StreamHandle stream, int64_t version) override;
  core::Status write_row(StreamHandle stream, const change::RowChange& row) override;
  core::Status truncate_stream(StreamHandle stream, int64_t version, core::EpochTime commit_time) override;
  core::Status checkpoint(std::string_view state_json) override;
  /// Recorded as the table's "gone" in the report.
  void stream_gone(StreamHandle stream, std::string_view reason) override;
  bool applies_json_diffs() const override { return inner_->applies_json_diffs(); }
  /// Finishes the destination, then writes the report and the summary line.
  core::Status finish() override;

  /// The job's starting state (compact JSON): the "bookmark before" of each stream.
  void set_initial_state(std::string_view state_json);
  /// A job failure that happened outside the sink (source error, cancel): marks the job failed.
  /// May be called from the job's thread while a ThreadedSink's writer runs this sink.
  void record_error(std::string_view message);
  /// The job was stopped by a signal after committing its bookmark: status "interrupted" (unless
  /// an error was recorded too). Call before finish().
  void record_interrupted() { interrupted_ = true; }

  /// The report document as it stands (finish() writes it).
  nlohmann::ordered_json report() const;
  /// The report file finish() wrote (empty before, or when reports go nowhere).
  const std::string& report_path() const { return report_path_; }
  /// The wrapped destination sink.
  Sink& inner() { return *inner_; }

 private:
  struct Table {
    StreamInfo info;
    LoadCounts counts;            ///< by row op (used when the sink does not count)
    LoadCounts committed;         ///< as of the last successful checkpoint
    uint64_t bytes = 0;
    uint64_t committed_bytes = 0;
    uint64_t errors = 0;
    bool active = false;          ///< rows since the last checkpoint
    std::string gone;             ///< why the stream ended in this job (stream_gone), or ""
    std::chrono::steady_clock::time_point opened;
    std::chrono::steady_clock::time_point last;
  };
  LoadCounts current_counts(StreamHandle h) const;
  core::Status note(StreamHandle h, core::Status st);
  std::string summary_line() const;
  std::string job_id() const;
  void write_report();
  void add_error(std::string message);

  std::unique_ptr<Sink> inner_;
  const LoadCountSource* counter_ = nullptr;
  ReportOptions options_;
  std::vector<Table> tables_;
  nlohmann::json initial_state_;
  nlohmann::json final_state_;
  std::mutex errors_mu_;  ///< record_error() may come from another thread than the other calls
  std::vector<std::string> errors_;
  std::chrono::system_clock::time_point started_wall_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point finished_;
  std::string report_path_;
  bool finished_called_ = false;
  bool interrupted_ = false;
};

/// `2026-12-07T17:40:00.123Z`, or compact (`20261207T174000123Z`, for file names and job ids).
std::string utc_text(std::chrono::system_clock::time_point t, bool compact);

/// The payload size of a value for reports: text/binary lengths, 8 bytes for other non-nulls.
size_t value_bytes(const core::Value& v);

}  // namespace sluice::job
