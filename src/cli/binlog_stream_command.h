#pragma once
/// `sluice binlog stream`: the live binlog, read as a replica, printed as JSON lines
/// (docs/binlog-stream.md). Registered under the `binlog` verb by binlog_command.cpp.

namespace CLI {
class App;
}

namespace sluice::cli {

struct CliContext;

/// Adds the `stream` subcommand to `binlog_cmd`; its callback sets ctx.exit_code.
void add_binlog_stream(CLI::App& binlog_cmd, CliContext& ctx);

}  // namespace sluice::cli
