// `sluice status`: the last jobs' loading reports as a table. See docs/loading-reports.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli_context.h"
#include "config/destination.h"
#include "config/job_config.h"
#include "job/report/report_reader.h"
#include "job/sink_factory.h"

namespace sluice::cli {
namespace {

struct StatusArgs {
  std::string destination;
  std::string config_path;
  std::string reports_dir;
  size_t last = 10;
  bool json = false;
  bool table = false;
};

/// The report directory: --reports, else the default of --destination or of the config's
/// destination section (a `report_dir` option in either wins).
core::Result<std::string> report_dir_of(const StatusArgs& args) {
  if (!args.reports_dir.empty()) return args.reports_dir;
  if (!args.destination.empty()) {
    auto d = config::parse_destination_arg(args.destination);
    if (!d) return core::fail(d.error());
    return job::default_report_dir(*d);
  }
  if (!args.config_path.empty()) {
    auto config = config::load_job_config(args.config_path);
    if (!config) return core::fail(config.error());
    print_warnings(config->warnings);
    if (!config->destination) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        args.config_path + " has no 'destination' section: pass --destination TYPE:PATH or --reports DIR");
    }
    return job::default_report_dir(*config->destination);
  }
  return core::fail(core::ErrorCode::kInvalidArgument,
                    "status needs --destination TYPE:PATH, --config config.json (its destination) or --reports DIR");
}

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

int run_status(const StatusArgs& args) {
  auto dir = report_dir_of(args);
  if (!dir) return report_error(dir.error());
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
      "tables, rows inserted/updated/deleted, bytes, error), newest last. See docs/loading-reports.md");
  auto* dest = cmd->add_option("--destination", args->destination,
                               "the destination whose reports to show: TYPE:PATH (sqlite:shop.db, jsonl:out/, "
                               "avro:out/), JSON text or a JSON file, as for sync");
  auto* config = cmd->add_option("--config", args->config_path, "config.json whose `destination` section to use");
  auto* reports = cmd->add_option("--reports", args->reports_dir, "the report directory itself");
  dest->excludes(config)->excludes(reports);
  config->excludes(reports);
  cmd->add_option("--last", args->last, "how many jobs to show (default 10; 0 = all)");
  cmd->add_flag("--table", args->table,
                "per-table rows of the last job instead (counts, duration, bookmark before and after)");
  cmd->add_flag("--json", args->json,
                "machine output: a JSON array of the report documents (with report_file); with --table, the "
                "last report alone");
  cmd->callback([&ctx, args] { ctx.exit_code = run_status(*args); });
}

}  // namespace sluice::cli
