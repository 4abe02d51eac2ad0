#pragma once
/// `sluice binlog stream`: the live binlog, read as a replica, printed as JSON lines
/// (docs/binlog-stream.md). Registered under the `binlog` verb by binlog_command.cpp.

#include <cstddef>

namespace CLI {
class App;
}

namespace sluice::cli {

struct CliContext;

/// Worker threads that decode and print rows (ParallelPrinter) for `binlog read` and `binlog
/// stream`: 2 on 2+ cores, 0 (print on the reading thread) on one core.
size_t binlog_print_workers();

/// Adds the `stream` subcommand to `binlog_cmd`; its callback sets ctx.exit_code.
void add_binlog_stream(CLI::App& binlog_cmd, CliContext& ctx);

}  // namespace sluice::cli
