// sluice: moves data out of MySQL while it changes. See README.md and docs/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "cli/cli_context.h"

namespace {

// CLI11 says "A subcommand is required" for `sluice foo`: name the word and the commands instead.
bool unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::string_view word(argv[1]);
  std::string names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == word) return false;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  std::fprintf(stderr, "sluice: error: unknown command '%.*s'; the commands are %s (see 'sluice --help')\n",
               static_cast<int>(word.size()), word.data(), names.c_str());
  return true;
}

int run(int argc, char** argv) {
  using namespace sluice::cli;
  // A fixed name: usage lines say `sluice`, not the path the binary was started by.
  CLI::App app{"sluice: replicate MySQL and MariaDB tables and binlog changes", "sluice"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice 0.1.0");
  CliContext ctx;
  register_discover(app, ctx);
  register_check(app, ctx);
  register_sync(app, ctx);
  register_binlog(app, ctx);
  register_status(app, ctx);
  register_reset(app, ctx);
  register_run(app, ctx);
  register_journal(app, ctx);
  register_verify(app, ctx);
  register_replicate(app, ctx);
  register_logs(app, ctx);
  if (unknown_command(app, argc, argv)) return kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sluice: error: %s (see 'sluice --help')\n", e.what());
    return kExitUsage;
  }
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values inside sluice; this is the last guard so that nothing a library throws
  // ends the process with an abort and a core instead of one line and an exit status.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: error: internal error: %s (please report it)\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "sluice: error: internal error (please report it)\n");
  }
  return sluice::cli::kExitFailure;
}
