#pragma once
/// Makes the Sink of a destination config (config/destination.h): `{"type": "singer" |
/// "jsonl" | "sqlite" | "avro" | "postgres", ...options}`, filling each sink's own options
/// struct. It lives in the job layer, where the job is assembled, so that sinks/ knows no
/// config. File and database destinations are wrapped in the loading-report decorator
/// (report/report_sink.h) unless `"report": false`. Options per type: docs/destinations.md. One
/// thread.

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "config/destination.h"
#include "core/file_lock.h"
#include "core/result.h"
#include "core/value_format.h"
#include "job/report/report_sink.h"
#include "sinks/avro/avro_sink.h"
#include "sinks/postgres/postgres_sink.h"
#include "sinks/sink.h"
#include "sinks/test_stop_sink.h"

namespace sluice::job {

/// What the sinks take from the job rather than from the destination section.
struct SinkEnvironment {
  std::FILE* singer_out = stdout;  ///< the Singer sink's output
  std::FILE* log = stderr;         ///< the report's summary line and warnings
  bool summary = true;             ///< print the summary line (off under --quiet)
  core::ValueFormat::ZeroDates zero_dates = core::ValueFormat::ZeroDates::kNull;  ///< Singer only
  core::ValueFormat::Forms value_forms = core::ValueFormat::Forms::kSluice;       ///< Singer only
  /// Tests only (test_stop_sink.h): stop the process at this point of the job.
  std::optional<sinks::TestStopPoint> stop_point;
  std::string job_id;          ///< the report's job id (ReportOptions::job_id)
  int attempt = 0;             ///< ReportOptions::attempt
  std::string extraction_log;  ///< ReportOptions::extraction_log
};

/// A ready destination. One job at a time per destination state: make_sink locks it before it
/// reads the saved state, and the lock is held until the MadeSink is destroyed (keep it alive while
/// the sink is used). SQLite: `<path>.lock` beside the file; JSONL and Avro: `_sluice.lock` in the
/// directory (flock: released when the process ends, however it ends); PostgreSQL: a session
/// advisory lock on schema + state_id (postgres_sink.h). A second job refuses (kIo) naming the
/// holder, before touching anything.
struct MadeSink {
  /// Declared first, so it is released last, after the sink.
  core::FileLock lock;
  /// Hand this to the job (job::run_sync); finish() it at the end, also after a failure.
  std::unique_ptr<sinks::Sink> sink;
  /// The report decorator inside `sink` (nullptr when reports are off): set_initial_state() and
  /// record_error() on it, report_path() after finish().
  ReportSink* report = nullptr;
  /// The state the destination committed together with its data (SQLite, JSONL, Avro,
  /// PostgreSQL), nullopt when it has none. A job started without --state resumes from it:
  /// exactly-once for keyed tables.
  std::optional<std::string> saved_state;
  /// Where the saved state lives, for messages: "table _sluice_state of SQLite file shop.db".
  std::string state_location;
};

/// Opens the destination. Errors name the destination and what to fix (missing directory,
/// read-only file, unreachable server, a sink that is not built).
core::Result<MadeSink> make_sink(const config::DestinationConfig& destination, const SinkEnvironment& env);

/// The Avro sink's options from a destination of type avro (its path and config::AvroSettings).
sinks::AvroSinkOptions avro_sink_options(const config::DestinationConfig& destination);

/// The PostgreSQL sink's options from config::PostgresSettings (the schema named after the
/// integration when not given, sinks::destination_schema).
sinks::PostgresSinkOptions postgres_sink_options(const config::PostgresSettings& settings);

/// Where a destination's reports go by default: `<path>.reports/` beside a SQLite file,
/// `<dir>/_reports/` inside a JSONL or Avro directory, `sluice-reports/` otherwise; the
/// `report_dir` option overrides it.
std::string default_report_dir(const config::DestinationConfig& destination);

/// Whether jobs into `destination` write loading reports (and extraction logs) into
/// default_report_dir(): every destination but Singer stdout, unless `report` is false; Singer
/// stdout when given a `report_dir`.
bool keeps_reports(const config::DestinationConfig& destination);

}  // namespace sluice::job
