#pragma once
/// The extraction log of one job (docs/operations.md, "Extraction logs"): a text file per job
/// in the destination's report directory, `sluice-log-<job id>.log`, next to the job's loading
/// report (`sluice-report-<job id>.json`) and the catalog the job ran with
/// (`sluice-catalog-<job id>.json`). One timestamped line per event: discovery, each table's
/// method and columns, the queries run on the source (SQL text only; connections' passwords
/// never pass through here), rows loaded, retries, warnings, and errors with what to do next.
/// The last `keep` logs are kept (with their catalogs); older ones are deleted when a new log
/// opens. Writes are flushed per line, so `sluice logs --follow` sees them at once. line() may be
/// called from any thread (snapshot readers log their queries).

#include <cstddef>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::job {

/// A job id: the UTC start time and the process id (`20261207T174000123Z-4242`), the same for a
/// job's report, log and saved catalog.
std::string new_job_id();

class ExtractionLog {
 public:
  /// Creates `dir` when missing and the log file of `job_id` in it, then deletes the oldest logs
  /// (and catalogs) beyond `keep`. Errors: the file cannot be created (kIo, naming it).
  static core::Result<std::unique_ptr<ExtractionLog>> open(const std::string& dir, const std::string& job_id,
                                                           size_t keep);
  ~ExtractionLog();
  ExtractionLog(const ExtractionLog&) = delete;
  ExtractionLog& operator=(const ExtractionLog&) = delete;

  /// One line, prefixed with the UTC time; a line break inside `text` continues the entry.
  void line(std::string_view text);
  /// A query run on the source (one line, shortened past 2,000 characters).
  void query(std::string_view sql);
  /// Writes `catalog_json` as the job's saved catalog and names it in the log.
  void save_catalog(const std::string& catalog_json);

  /// The catalog saved by the newest earlier job of this folder (empty when none saved one).
  std::string previous_catalog() const;

  const std::string& path() const { return path_; }
  const std::string& job_id() const { return job_id_; }

 private:
  ExtractionLog(std::string dir, std::string job_id, std::string path, std::FILE* file);
  std::mutex mu_;
  std::string dir_;
  std::string job_id_;
  std::string path_;
  std::FILE* file_;
};

/// The path of the log of `job_id` in `dir` (ExtractionLog::open creates it).
std::string log_path(const std::string& dir, const std::string& job_id);

/// Appends one line to the log at `path` (the run loop's retry decision after the job ended);
/// a log that cannot be opened is left alone.
void append_to_log(const std::string& path, std::string_view text);

/// The extraction logs of `dir`, oldest first (full paths; none when the folder is missing).
std::vector<std::string> list_logs(const std::string& dir);

/// The job id of a log file name (`sluice-log-<id>.log` → `<id>`).
std::string log_job_id(const std::string& path);

/// The saved catalog of the job whose log is `log_path` (empty when it saved none).
std::string catalog_of_log(const std::string& log_path);

}  // namespace sluice::job
