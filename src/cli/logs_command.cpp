// `sluice logs`: the extraction logs of a destination's jobs (docs/operations.md, "Extraction
// logs"): the newest job's, or one job's (`--job ID`), or the list of kept ones; `--follow` keeps
// printing lines as jobs write them, moving on to each new job's log, until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "cli/cli_context.h"
#include "cli/report_place.h"
#include "cli/stop_signal.h"
#include "job/report/extraction_log.h"

namespace sluice::cli {
namespace {

struct LogsArgs {
  ReportPlaceArgs place;
  std::string job;
  bool list = false;
  bool catalog = false;
  bool follow = false;
};

core::Error no_such_job(const std::string& dir, const std::string& job) {
  return core::Error{core::ErrorCode::kNotFound, "no extraction log of job " + job + " in " + dir +
                                                     " (it may be older than the kept ones): "
                                                     "'sluice logs --list' names those kept"};
}

// The log of `job` (a job id or its first characters), else the newest.
core::Result<std::string> pick(const std::vector<std::string>& logs, const std::string& dir,
                               const std::string& job) {
  if (logs.empty()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no extraction log in " + dir + ": no job has run into this destination yet");
  }
  if (job.empty()) return logs.back();
  for (auto it = logs.rbegin(); it != logs.rend(); ++it) {
    if (job::log_job_id(*it).starts_with(job)) return *it;
  }
  return core::fail(no_such_job(dir, job));
}

// Copies `path` from byte `from` to stdout; returns the new end.
std::streamoff print_from(const std::string& path, std::streamoff from) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(from);
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Only whole lines: a line being written is printed once it is complete.
  size_t end = chunk.rfind('\n');
  if (end == std::string::npos) return from;
  std::fwrite(chunk.data(), 1, end + 1, stdout);
  std::fflush(stdout);
  return from + static_cast<std::streamoff>(end + 1);
}

std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// Prints `path` (empty: no log yet, the first one to appear) and each newer log as it grows.
int follow(const std::string& dir, std::string path) {
  const std::atomic<bool>& stop = install_stop_handlers(false);
  if (path.empty()) {
    std::fprintf(stderr, "sluice logs: no extraction log in %s yet; waiting for the first job\n",
                 dir.c_str());
  }
  std::streamoff at = 0;
  while (!stop.load()) {
    if (!path.empty()) at = print_from(path, at);
    std::vector<std::string> logs = job::list_logs(dir);
    if (!logs.empty() && logs.back() > path) {
      if (!path.empty()) at = print_from(path, at);
      path = logs.back();
      at = 0;
      std::printf("==> %s <==\n", path.c_str());
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return kExitOk;
}

int run_logs(const LogsArgs& args) {
  auto place = report_place(args.place, "logs");
  if (!place) return report_error(place.error());
  std::vector<std::string> logs = job::list_logs(place->dir);
  if (args.list) {
    for (const std::string& p : logs)
      std::printf("%s  %s\n", job::log_job_id(p).c_str(), last_line(p).c_str());
    return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
  }
  // Following before the first job (started alongside `sluice run`): wait for its log.
  if (args.follow && logs.empty() && args.job.empty()) return follow(place->dir, "");
  auto path = pick(logs, place->dir, args.job);
  if (!path) return report_error(path.error());
  if (args.catalog) {
    std::string catalog = job::catalog_of_log(*path);
    if (catalog.empty()) {
      return report_error(
          core::Error{core::ErrorCode::kNotFound,
                      "job " + job::log_job_id(*path) + " saved no catalog (only sluice run's jobs do)"});
    }
    print_from(catalog, 0);
    return kExitOk;
  }
  if (args.follow) return follow(place->dir, *path);
  print_from(*path, 0);
  return std::ferror(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void register_logs(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<LogsArgs>();
  auto* cmd = app.add_subcommand(
      "logs",
      "Prints the extraction log of the destination's last job (discovery, methods, queries, rows, warnings, "
      "errors with what to do), or of --job ID; --follow keeps printing. See docs/operations.md");
  add_report_place_options(*cmd, args->place, "extraction logs");
  cmd->add_option("--job", args->job,
                  "the job id (as `sluice status --json` or --list shows it; a prefix will do)");
  cmd->add_flag("--list", args->list, "one line per kept log: the job id and its last line");
  cmd->add_flag("--catalog", args->catalog,
                "the catalog the job ran with (saved by sluice run's structure sync)");
  cmd->add_flag("--follow", args->follow,
                "keep printing lines as they are written, and each later job's log, until SIGINT/SIGTERM");
  cmd->callback([&ctx, args] { ctx.exit_code = run_logs(*args); });
}

}  // namespace sluice::cli
