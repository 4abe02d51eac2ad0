// `sluice status`: the last jobs' loading reports as a table (docs/loading-reports.md), or for a
// config with a `replicate` part the pipeline's roles (docs/replication.md#status).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "cli/last_start.h"
#include "cli/report_place.h"
#include "job/report/report_reader.h"
#include "replicate/pipeline_view.h"

namespace sluice::cli {
namespace {

struct StatusArgs {
  ReportPlaceArgs place;
  size_t last = 10;
  bool json = false;
  bool table = false;
};

bool print(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0;
}

std::string json_text(const std::vector<job::JobReport>& reports, bool last_only) {
  if (last_only) return reports.back().doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const job::JobReport& r : reports) {
    nlohmann::ordered_json doc = r.doc;
    doc["report_file"] = r.path;
    out.push_back(std::move(doc));
  }
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// `next start 2026-12-07 18:10:00 UTC (2026-12-07T18:10:00Z) of shop: every 30m`, from the
// last start `sluice run` saved, as its loop plans it.
std::string next_start_line(const config::JobConfig& config) {
  const config::ScheduleConfig& s = *config.schedule;
  schedule::Instant now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::optional<schedule::Instant> last = read_last_start(run_dir(config), s.name);
  schedule::Instant next = schedule::next_start(s.when, last, now);
  return "next start " + s.when.zone.format(next) + " (" + schedule::format_utc(next) + ") of " + s.name +
         ": " + s.when.describe() + (last ? ", last started " + schedule::format_utc(*last) : std::string()) +
         (next == now ? " (due now: at once while sluice run runs)" : std::string()) + "\n";
}

int pipeline_status(const config::ReplicateSettings& settings, const StatusArgs& args) {
  if (args.table) {
    return report_error(core::Error{
        core::ErrorCode::kInvalidArgument,
        args.place.config_path + " is a replication pipeline (its \"replicate\" part): --table is for "
                                 "loading reports; `sluice status --config` alone shows the pipeline"});
  }
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const replicate::PipelineView view = replicate::read_pipeline(settings, now);
  const std::string text = args.json ? replicate::pipeline_json(view) : replicate::pipeline_text(view);
  if (!print(text)) return report_error(core::Error{core::ErrorCode::kIo, "cannot write to stdout"});
  return kExitOk;
}

int run_status(const StatusArgs& args) {
  std::optional<config::JobConfig> config;
  if (!args.place.config_path.empty()) {
    auto loaded = config::load_job_config(args.place.config_path);
    if (!loaded) return report_error(loaded.error());
    print_warnings(loaded->warnings);
    if (loaded->replicate) return pipeline_status(*loaded->replicate, args);
    config = std::move(*loaded);
  }
  auto place = report_place(args.place, "status", std::move(config));
  if (!place) return report_error(place.error());
  const std::string* dir = &place->dir;
  auto listing = job::read_reports(*dir, args.table ? 1 : args.last);
  if (!listing) return report_error(listing.error());
  for (const std::string& w : listing->warnings) std::fprintf(stderr, "sluice: warning: %s\n", w.c_str());
  if (listing->reports.empty()) {
    return report_error(core::Error{core::ErrorCode::kCorrupt,
                                    "no readable loading report in " + *dir + " (every file was skipped, see above)"});
  }
  std::string text;
  if (args.json) {
    text = json_text(listing->reports, args.table);
  } else if (args.table) {
    text = job::format_tables(listing->reports.back());
  } else {
    text = job::format_jobs_table(listing->reports);
    if (place->config && place->config->schedule) text += next_start_line(*place->config);
  }
  if (!print(text)) return report_error(core::Error{core::ErrorCode::kIo, "cannot write to stdout"});
  return kExitOk;
}

}  // namespace

void register_status(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<StatusArgs>();
  auto* cmd = app.add_subcommand(
      "status",
      "Prints the last jobs' loading reports as a table (start, duration, destination, "
      "ok/interrupted/FAILED, "
      "tables, rows inserted/updated/deleted, bytes, error), newest last (docs/loading-reports.md); for a "
      "config with a \"replicate\" part, the pipeline: each role's state, positions, LSNs, log size, lag, "
      "rows/s (docs/replication.md)");
  add_report_place_options(*cmd, args->place, "reports");
  cmd->add_option("--last", args->last, "how many jobs to show (default 10; 0 = all)");
  cmd->add_flag("--table", args->table,
                "per-table rows of the last job instead (counts, duration, bookmark before and after)");
  cmd->add_flag("--json", args->json,
                "machine output: a JSON array of the report documents (with report_file); with --table, the "
                "last report alone; for a pipeline, one JSON object");
  cmd->callback([&ctx, args] { ctx.exit_code = run_status(*args); });
}

}  // namespace sluice::cli
