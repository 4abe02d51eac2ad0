// `sluice run`: the integrations of one or more config files, each job at its scheduled start
// (docs/operations.md). `--dry-run` prints the next start times and runs nothing.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/run_loop.h"
#include "config/job_config.h"
#include "schedule/schedule.h"

namespace sluice::cli {
namespace {

struct RunArgs {
  std::vector<std::string> config_paths;
  bool dry_run = false;
  size_t count = 5;
  std::string from;
  size_t max_parallel = 2;
};

// Every config, validated for `run`: a schedule part, a destination that keeps the bookmark,
// names unique across the files. All problems of all files, one line each.
core::Result<std::vector<Integration>> load_integrations(const RunArgs& args) {
  std::vector<Integration> out;
  std::vector<std::string> problems;
  std::set<std::string> names;
  for (const std::string& path : args.config_paths) {
    auto config = config::load_job_config(path);
    if (!config) {
      problems.push_back(config.error().message);
      continue;
    }
    print_warnings(config->warnings);
    if (!config->schedule) {
      problems.push_back(
          path +
          ": sluice run needs a 'schedule' part, such as \"schedule\": {\"frequency\": \"1h\", "
          "\"catalog\": \"catalog.json\"} (docs/configuration.md)");
      continue;
    }
    if (!config->destination || config->destination->type == config::DestinationType::kSinger) {
      problems.push_back(path +
                         ": sluice run needs a 'destination' part that keeps the bookmark (sqlite, jsonl, "
                         "avro or postgres; docs/destinations.md)");
    }
    if (!names.insert(config->schedule->name).second) {
      problems.push_back(path + ": schedule: 'name' \"" + config->schedule->name +
                         "\" is already the name of another config's integration: give each its own");
    }
    out.push_back(Integration{path, std::move(*config)});
  }
  if (!problems.empty()) {
    std::string msg;
    for (const std::string& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return core::fail(core::ErrorCode::kConfig, msg);
  }
  return out;
}

std::string retry_text(const schedule::RetryPolicy& r) {
  if (r.retries == 0) return "no retries";
  return std::to_string(r.retries) + (r.retries == 1 ? " retry" : " retries") + " after " +
         schedule::format_duration(r.backoff) + ", doubling";
}

int print_dry_run(const std::vector<Integration>& integrations, schedule::Instant now, size_t count) {
  for (const Integration& in : integrations) {
    const config::ScheduleConfig& s = *in.config.schedule;
    std::printf("%s (%s): %s; %s; catalog %s\n", s.name.c_str(), in.path.c_str(), s.when.describe().c_str(),
                retry_text(s.retry).c_str(), s.catalog.c_str());
    for (schedule::Instant t : schedule::upcoming_starts(s.when, now, count)) {
      std::printf("  %-28s %s\n", s.when.zone.format(t).c_str(), schedule::format_utc(t).c_str());
    }
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

int run_run_command(const RunArgs& args) {
  auto integrations = load_integrations(args);
  if (!integrations) return report_error(integrations.error());
  schedule::Instant now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!args.from.empty()) {
    auto from = schedule::parse_instant(args.from);
    if (!from) return report_error(from.error().with_context("--from"));
    now = *from;
  }
  if (args.dry_run) return print_dry_run(*integrations, now, args.count);
  RunOptions options;
  options.max_parallel = args.max_parallel;
  return run_scheduled(*integrations, options);
}

}  // namespace

void register_run(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand(
      "run",
      "Runs the integrations of the config files (each: source, destination, schedule part) as scheduled "
      "jobs until SIGTERM/SIGINT; --dry-run prints the next start times (docs/operations.md)");
  cmd->add_option("--config", args->config_paths,
                  "a config file with a `schedule` part: one integration; repeat for several")
      ->required();
  cmd->add_flag("--dry-run", args->dry_run,
                "print each integration's next start times (in its time zone and in UTC) and run nothing");
  cmd->add_option("--count", args->count, "--dry-run: how many start times per integration (default 5)")
      ->check(CLI::Range(size_t{1}, size_t{1000}));
  cmd->add_option("--from", args->from,
                  "--dry-run: the start times after this UTC time (2026-03-28T00:00:00Z), "
                  "not after now");
  cmd->add_option(
         "--max-parallel", args->max_parallel,
         "jobs of different integrations that may run at once (default 2; one integration's jobs never "
         "overlap)")
      ->check(CLI::Range(size_t{1}, size_t{64}));
  cmd->callback([&ctx, args] { ctx.exit_code = run_run_command(*args); });
}

}  // namespace sluice::cli
