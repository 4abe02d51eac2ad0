#include "cli/job_runner.h"

#include <optional>
#include <utility>

#include "cli/saved_state.h"
#include "config/state.h"
#include "job/sink_factory.h"
#include "sinks/test_stop_sink.h"

namespace sluice::cli {

core::Status run_job(const JobRequest& request) {
  job::SinkEnvironment env;
  env.summary = request.summary;
  env.stop_point = sinks::test_stop_point_from_environment();
  env.zero_dates = request.options.zero_dates;
  env.value_forms = request.options.value_forms;
  auto made = job::make_sink(request.destination, env);
  if (!made) return core::fail(made.error());

  // The bookmark: --state wins; else the state the destination committed with its data
  // (SQLite, JSONL, Avro, PostgreSQL), so a re-run continues exactly where the last one stopped.
  config::State state;
  if (!request.state_path.empty()) {
    auto loaded = config::load_state(request.state_path);
    if (!loaded) return core::fail(loaded.error());
    state = std::move(*loaded);
  } else if (made->saved_state) {
    auto parsed = read_saved_state(*made, request.reset_command);
    if (!parsed) return core::fail(parsed.error());
    state = std::move(*parsed);
  }
  if (made->report != nullptr) made->report->set_initial_state(state.dump());
  auto st =
      job::run_sync(request.config->source, *request.catalog, std::move(state), request.options, *made->sink);
  if (!st && st.error().code == core::ErrorCode::kCancelled) {
    // Stopped after a checkpoint: make it durable and report the job as interrupted.
    if (made->report != nullptr) made->report->record_interrupted();
    if (auto fin = made->sink->finish(); !fin) return core::fail(fin.error());
    return st;
  }
  if (!st) {
    if (made->report != nullptr) made->report->record_error(st.error().message);
    (void)made->sink->finish();  // rows a checkpoint covered stay; later ones are rolled back
    return st;
  }
  return core::ok();
}

}  // namespace sluice::cli
