#include "cli/report_place.h"

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "config/destination.h"
#include "job/sink_factory.h"

namespace sluice::cli {

void add_report_place_options(CLI::App& cmd, ReportPlaceArgs& args, const std::string& what) {
  auto* dest =
      cmd.add_option("--destination", args.destination,
                     "the destination whose " + what +
                         " to show: TYPE:PATH (sqlite:shop.db, jsonl:out/, avro:out/), JSON text or a "
                         "JSON file, as for sync");
  auto* config =
      cmd.add_option("--config", args.config_path, "config.json whose `destination` section to use");
  auto* reports = cmd.add_option("--reports", args.reports_dir, "the report directory itself");
  dest->excludes(config)->excludes(reports);
  config->excludes(reports);
}

namespace {

// Singer output keeps no reports or logs unless asked (a tap's stdout carries only its messages,
// its summary and warnings go to stderr): say so instead of looking in a folder never written.
core::Result<std::string> reports_dir_of(const config::DestinationConfig& d, const std::string& named,
                                         const char* verb) {
  if (!job::keeps_reports(d)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      named + " keeps no loading reports or extraction logs (" +
                          (d.type == config::DestinationType::kSinger
                               ? std::string("Singer output writes them only with \"report_dir\" in its "
                                             "destination section")
                               : std::string("\"report\": false")) +
                          "), so 'sluice " + verb + "' has nothing to show; or pass --reports DIR");
  }
  return job::default_report_dir(d);
}

}  // namespace

core::Result<ReportPlace> report_place(const ReportPlaceArgs& args, const char* verb) {
  std::optional<config::JobConfig> loaded;
  if (!args.config_path.empty()) {
    auto config = config::load_job_config(args.config_path);
    if (!config) return core::fail(config.error());
    print_warnings(config->warnings);
    loaded = std::move(*config);
  }
  return report_place(args, verb, std::move(loaded));
}

core::Result<ReportPlace> report_place(const ReportPlaceArgs& args, const char* verb,
                                       std::optional<config::JobConfig> config) {
  ReportPlace out;
  out.config = std::move(config);
  if (!args.reports_dir.empty()) {
    out.dir = args.reports_dir;
  } else if (!args.destination.empty()) {
    auto d = config::parse_destination_arg(args.destination);
    if (!d) return core::fail(d.error());
    auto dir = reports_dir_of(*d, "destination " + args.destination, verb);
    if (!dir) return core::fail(dir.error());
    out.dir = std::move(*dir);
  } else if (out.config) {
    if (!out.config->destination) {
      return core::fail(
          core::ErrorCode::kInvalidArgument,
          args.config_path + " has no 'destination' section: pass --destination TYPE:PATH or --reports DIR");
    }
    auto dir = reports_dir_of(*out.config->destination, "the destination of " + args.config_path, verb);
    if (!dir) return core::fail(dir.error());
    out.dir = std::move(*dir);
  } else {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        std::string(verb) +
            " needs --destination TYPE:PATH, --config config.json (its destination) or --reports DIR");
  }
  return out;
}

}  // namespace sluice::cli
