#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace sluice::cli {

void register_discover(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("discover", "(not yet implemented)");
  cmd->callback([&ctx] {
    ctx.exit_code = report_error(core::Error{core::ErrorCode::kUnsupported, "'discover' is not implemented yet"});
  });
}

}  // namespace sluice::cli
