#pragma once
/// Reading loading reports back (docs/loading-reports.md), for `sluice status`: lists the
/// report files of a directory in job start order, parses the newest ones into JobReport, and
/// formats them as aligned text tables. A file that cannot be read or is not a report is
/// skipped with a warning; the listing goes on. Pure functions plus file reads, any thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sluice::job {

/// One table (stream) of a report.
struct TableReport {
  std::string stream;
  std::string table;
  std::string method;
  uint64_t inserted = 0;
  uint64_t updated = 0;
  uint64_t deleted = 0;
  uint64_t not_committed = 0;
  uint64_t bytes = 0;
  double duration_seconds = 0;
  uint64_t errors = 0;
  std::string bookmark_before;  ///< compact JSON ("null" when none)
  std::string bookmark_after;
};

/// One job's report as read from its file.
struct JobReport {
  std::string path;        ///< the report file
  std::string job_id;
  std::string started_at;  ///< ISO 8601 UTC, as written
  double duration_seconds = 0;
  bool ok = true;          ///< status "succeeded"
  bool interrupted = false;  ///< status "interrupted": stopped by a signal, bookmark committed
  std::string error;       ///< the first error of a failed job
  std::string destination; ///< "sqlite:shop.db", "postgres"
  uint64_t tables = 0;
  uint64_t inserted = 0;
  uint64_t updated = 0;
  uint64_t deleted = 0;
  uint64_t bytes = 0;
  std::vector<TableReport> table_reports;
  nlohmann::ordered_json doc;  ///< the file's document, for machine output
};

/// The newest reports of a directory, oldest first, and what had to be skipped.
struct ReportListing {
  std::vector<JobReport> reports;
  std::vector<std::string> warnings;  ///< one line per skipped file
};

/// Parses one report document; errors name `path` and what is wrong.
core::Result<JobReport> parse_report(const nlohmann::ordered_json& doc, const std::string& path);

/// Reads the newest `last` valid reports (`sluice-report-*.json`) of `dir` (0 = all), walking
/// back from the newest past unreadable or corrupt files (each a warning). Errors: the
/// directory is missing or unreadable, or holds no report file at all.
core::Result<ReportListing> read_reports(const std::string& dir, size_t last);

/// "1.2 MiB", "512 B": a byte count for people.
std::string human_bytes(uint64_t n);

/// One line per job (start time, duration, destination, status, tables, inserted, updated,
/// deleted, bytes, error), under a header, columns aligned; newest last.
std::string format_jobs_table(const std::vector<JobReport>& reports);

/// One line per table of `report` (stream, method, counts, bytes, duration, errors, bookmark
/// before and after), under a header line naming the job.
std::string format_tables(const JobReport& report);

}  // namespace sluice::job
