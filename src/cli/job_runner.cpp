#include "cli/job_runner.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

#include "cli/saved_state.h"
#include "config/state.h"
#include "job/report/extraction_log.h"
#include "job/report/report_sink.h"
#include "job/sink_factory.h"
#include "sinks/test_stop_sink.h"

namespace sluice::cli {
namespace {

// The job's extraction log, when its destination keeps reports (a log that cannot be created is a
// warning: the job still runs).
std::unique_ptr<job::ExtractionLog> open_log(const JobRequest& request, const std::string& job_id) {
  if (!job::keeps_reports(request.destination)) return nullptr;
  auto log = job::ExtractionLog::open(job::default_report_dir(request.destination), job_id,
                                      request.config->sync.keep_extraction_logs);
  if (!log) {
    std::fprintf(stderr, "sluice: warning: %s\n", log.error().message.c_str());
    return nullptr;
  }
  std::string head = "job " + job_id + " started";
  if (request.attempt > 0) head += " (attempt " + std::to_string(request.attempt) + ")";
  (*log)->line(head + "; config " + request.config->origin + "; destination " +
               std::string(config::destination_type_name(request.destination.type)) +
               (request.destination.path.empty() ? std::string() : ":" + request.destination.path));
  return std::move(*log);
}

// What the user does about a failed job, for the log (the error's own text names specifics).
std::string next_step(const core::Error& e) {
  if (e.message.find("sluice reset") != std::string::npos) return "what to do: run the command named above";
  if (e.retryable)
    return "what to do: nothing if the source comes back; sluice run retries as its schedule says";
  if (e.code == core::ErrorCode::kConfig) return "what to do: fix the config or catalog as named above";
  return "what to do: fix what the error names, then run the job again (the bookmark is unchanged)";
}

// Rows per table and the outcome, from the job's report, then the error and what to do.
void close_log(job::ExtractionLog& log, const job::MadeSink& made, const core::Status& st) {
  if (made.report != nullptr) {
    const nlohmann::ordered_json report = made.report->report();
    for (const auto& t : report["tables"]) {
      log.line("loaded " + t["stream"].get<std::string>() + " (" + t["method"].get<std::string>() +
               "): " + std::to_string(t["rows_inserted"].get<uint64_t>()) + " inserted, " +
               std::to_string(t["rows_updated"].get<uint64_t>()) + " updated, " +
               std::to_string(t["rows_deleted"].get<uint64_t>()) + " deleted");
    }
    if (!made.report->report_path().empty()) log.line("loading report " + made.report->report_path());
  }
  if (st) {
    log.line("job succeeded");
  } else if (st.error().code == core::ErrorCode::kCancelled) {
    log.line("job interrupted by a signal: the bookmark of what was delivered is committed");
  } else {
    log.line("error: " + st.error().message);
    log.line(next_step(st.error()));
    log.line("job failed");
  }
}

core::Status run_with_sink(const JobRequest& request, job::MadeSink& made, job::ExtractionLog* log) {
  // The bookmark: --state wins; else the state the destination committed with its data
  // (SQLite, JSONL, Avro, PostgreSQL), so a re-run continues exactly where the last one stopped.
  config::State state;
  if (!request.state_path.empty()) {
    auto loaded = config::load_state(request.state_path);
    if (!loaded) return core::fail(loaded.error());
    state = std::move(*loaded);
  } else if (made.saved_state) {
    auto parsed = read_saved_state(made, request.reset_command);
    if (!parsed) return core::fail(parsed.error());
    state = std::move(*parsed);
  }
  if (log != nullptr) log->line("bookmark at start: " + state.dump());
  if (made.report != nullptr) made.report->set_initial_state(state.dump());
  job::SyncOptions options = request.options;
  options.extraction_log = log;
  auto st = job::run_sync(request.config->source, *request.catalog, std::move(state), options, *made.sink);
  if (!st && st.error().code == core::ErrorCode::kCancelled) {
    // Stopped after a checkpoint: make it durable and report the job as interrupted.
    if (made.report != nullptr) made.report->record_interrupted();
    if (auto fin = made.sink->finish(); !fin) return core::fail(fin.error());
    return st;
  }
  if (!st) {
    if (made.report != nullptr) made.report->record_error(st.error().message);
    (void)made.sink->finish();  // rows a checkpoint covered stay; later ones are rolled back
    return st;
  }
  return core::ok();
}

}  // namespace

core::Status run_job(const JobRequest& request) {
  std::string job_id = job::new_job_id();
  job::SinkEnvironment env;
  env.summary = request.summary;
  env.stop_point = sinks::test_stop_point_from_environment();
  env.zero_dates = request.options.zero_dates;
  env.value_forms = request.options.value_forms;
  env.job_id = job_id;
  env.attempt = request.attempt;
  if (job::keeps_reports(request.destination)) {
    env.extraction_log = job::log_path(job::default_report_dir(request.destination), job_id);
  }
  // A destination another job holds is refused before anything is written, the log too.
  auto made = job::make_sink(request.destination, env);
  if (!made) return core::fail(made.error());
  std::unique_ptr<job::ExtractionLog> log = open_log(request, job_id);
  if (request.log_path != nullptr) *request.log_path = log ? log->path() : std::string();
  core::Status st = run_with_sink(request, *made, log.get());
  if (log) close_log(*log, *made, st);
  return st;
}

}  // namespace sluice::cli
