// `sluice check`: the preflight doctor. See docs/preflight.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "config/job_config.h"
#include "config/json_file.h"
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
  // The whole file (the job's keys and destination too): a config that check calls fine must
  // not be refused by sync.
  auto doc = config::read_json_file(args.config_path);
  if (!doc) return report_error(doc.error());
  auto job_config = config::parse_job_config(*doc, args.config_path);
  if (!job_config) return report_error(job_config.error());
  print_warnings(job_config->warnings);
  const std::optional<config::TargetConfig>& target = job_config->target;
  const config::SourceConfig& source = job_config->source;

  preflight::PreflightRequest request;
  request.methods = methods_from(args.methods);
  if (source.server_id) request.server_id = std::to_string(*source.server_id);
  request.ssl_mode = source.connection.ssl_mode;
  request.filter_dbs = source.filter_dbs;

  core::Result<preflight::PreflightReport> report;
  if (target) {
    preflight::TargetRequest target_request;
    target_request.position_schema = target->position_schema;
    report = preflight::run_pipeline_preflight(source.connection, request, target->connection, target_request);
  } else {
    report = preflight::run_preflight(source.connection, request);
  }
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
  cmd->add_option(
         "--config", args->config_path,
         "Singer-style config.json of the source; with a \"target\" part, the replication target too")
      ->required();
  cmd->add_option("--method", args->methods,
                  "limit the checks to these replication methods (repeatable; default: all three)")
      ->check(CLI::IsMember({"full_table", "incremental", "log_based"}))
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_flag("--json", args->json, "print the report as JSON");
  cmd->callback([&ctx, args] { ctx.exit_code = run_check(*args); });
}

}  // namespace sluice::cli
