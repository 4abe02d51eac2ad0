// `sluice check`: the preflight doctor. See docs/preflight.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "config/destination.h"
#include "config/json_file.h"
#include "config/source_config.h"
#include "job/sync_job.h"
#include "preflight/preflight.h"
#include "preflight/report_format.h"

namespace sluice::cli {
namespace {

struct CheckArgs {
  std::string config_path;
  std::vector<std::string> methods;
  bool json = false;
};

preflight::MethodSet methods_from(const std::vector<std::string>& names) {
  if (names.empty()) return preflight::MethodSet{};
  preflight::MethodSet set = preflight::MethodSet::none();
  for (const std::string& n : names) {
    if (n == "full_table") set.add(change::Method::kFullTable);
    if (n == "incremental") set.add(change::Method::kIncremental);
    if (n == "log_based") set.add(change::Method::kLogBased);
  }
  return set;
}

int run_check(const CheckArgs& args) {
  auto config = config::load_source_config(args.config_path);
  if (!config) return report_error(config.error());
  for (const std::string& w : config->warnings) std::fprintf(stderr, "sluice: warning: %s\n", w.c_str());
  // The job's own keys too: a config that check calls fine must not be refused by sync.
  auto doc = config::read_json_file(args.config_path);
  if (!doc) return report_error(doc.error());
  job::SyncOptions sync_options;
  if (auto st = job::read_sync_options(*doc, args.config_path, sync_options); !st)
    return report_error(st.error());
  auto destination = config::destination_from_config(*doc, args.config_path);
  if (!destination) return report_error(destination.error());
  if (*destination) {
    for (const std::string& w : (*destination)->warnings)
      std::fprintf(stderr, "sluice: warning: %s\n", w.c_str());
  }

  preflight::PreflightRequest request;
  request.methods = methods_from(args.methods);
  if (config->server_id) request.server_id = std::to_string(*config->server_id);
  request.ssl_mode = config->connection.ssl_mode;
  request.filter_dbs = config->filter_dbs;

  auto report = preflight::run_preflight(config->connection, request);
  if (!report) return report_error(report.error());
  std::string text = args.json ? preflight::format_json(*report) : preflight::format_table(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return report->failed() ? kExitFailure : kExitOk;
}

}  // namespace

void register_check(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand(
      "check",
      "Preflight: checks each server setting and privilege the replication methods need "
      "(ok / info / warning / failed, with the fix); exit 1 when a requirement fails");
  cmd->add_option("--config", args->config_path, "Singer-style config.json of the source")->required();
  cmd->add_option("--method", args->methods,
                  "limit the checks to these replication methods (repeatable; default: all three)")
      ->check(CLI::IsMember({"full_table", "incremental", "log_based"}))
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_flag("--json", args->json, "print the report as JSON");
  cmd->callback([&ctx, args] { ctx.exit_code = run_check(*args); });
}

}  // namespace sluice::cli
