#pragma once
/// Shared plumbing for the verbs: exit codes and the one-line error report.

#include <string>
#include <vector>

#include "core/result.h"

namespace CLI {
class App;
}

namespace sluice::cli {

/// Exit codes: 0 success, 1 runtime failure (server, I/O, data), 2 usage or configuration error,
/// 3 interrupted by SIGTERM/SIGINT after committing the bookmark (`sync`: the next job continues).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 3;

/// State shared by the verbs of one invocation.
struct CliContext {
  int exit_code = kExitOk;
  bool verbose = false;
};

/// Prints `sluice: error: <message>` on stderr (one line) and returns the exit code for it.
int report_error(const core::Error& error);

/// Prints each line as `sluice: warning: <line>` on stderr (a config's warnings).
void print_warnings(const std::vector<std::string>& lines);

/// Each verb registers itself as a subcommand of `app`; its callback sets ctx.exit_code.
void register_discover(CLI::App& app, CliContext& ctx);
void register_check(CLI::App& app, CliContext& ctx);
void register_sync(CLI::App& app, CliContext& ctx);
void register_binlog(CLI::App& app, CliContext& ctx);
void register_status(CLI::App& app, CliContext& ctx);
void register_reset(CLI::App& app, CliContext& ctx);
void register_run(CLI::App& app, CliContext& ctx);
void register_journal(CLI::App& app, CliContext& ctx);
void register_verify(CLI::App& app, CliContext& ctx);
void register_replicate(CLI::App& app, CliContext& ctx);
void register_logs(CLI::App& app, CliContext& ctx);

}  // namespace sluice::cli
