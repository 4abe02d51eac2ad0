// sluice: moves data out of MySQL while it changes. See README.md and docs/.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli_context.h"

int main(int argc, char** argv) {
  using namespace sluice::cli;
  CLI::App app{"sluice: replicate MySQL and MariaDB tables and binlog changes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sluice 0.1.0");
  CliContext ctx;
  register_discover(app, ctx);
  register_check(app, ctx);
  register_sync(app, ctx);
  register_binlog(app, ctx);
  register_status(app, ctx);
  register_reset(app, ctx);
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
