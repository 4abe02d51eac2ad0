#pragma once
/// Small helpers for tests: running commands (sluice itself, independent readers), temp dirs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs argv (no shell), feeding `input` on stdin, capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, std::string_view input = {});

/// Runs the built `sluice` binary with `args`.
CommandResult run_sluice(const std::vector<std::string>& args, std::string_view input = {});

/// Starts argv (argv[0] is a path; stdio inherited) without waiting for it: the child's pid, for
/// tests that kill a job part-way. Throws when it cannot start.
int start_process(const std::vector<std::string>& argv);

/// Environment entries ("NAME=value") that make a sluice job stop itself (SIGSTOP) right after
/// its `checkpoint`th checkpoint was made durable by the destination, or, with `rows`, once that
/// many rows were written after it (inside the open transaction): the test's switch for killing
/// or signalling a job at a known point however fast it runs (docs/development.md).
std::vector<std::string> stop_env(uint64_t checkpoint, uint64_t rows = 0);

/// Like start_process, with `env` ("NAME=value") added to the child's environment and stdout /
/// stderr sent to the files `out_path` / `err_path` ("" = inherited).
int start_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const std::string& out_path = "", const std::string& err_path = "");

/// Waits, at most `seconds`, until child `pid` stops itself (stop_env). False when it ended
/// first (reaped; `*status` gets its wait status when given) or the time ran out.
bool wait_until_stopped(int pid, int seconds = 120, int* status = nullptr);

/// SIGKILLs child `pid` (stopped or running) and reaps it; returns its wait status.
int kill9_and_reap(int pid);

/// Waits, at most `seconds`, for child `pid` to end by itself: its wait status; -1 when it did
/// not (it is killed and reaped then).
int wait_exit(int pid, int seconds);

/// A fresh directory under the test root, removed at process exit is not guaranteed.
std::string make_temp_dir(std::string_view prefix);

/// Writes `content` to `path`.
void write_file(const std::string& path, std::string_view content);
std::string read_file(const std::string& path);

/// The peak RSS in KB of `command` (a shell command line) measured by /usr/bin/time, with
/// AddressSanitizer's quarantine at `quarantine_mb` (a bounded-memory test's baseline: the same
/// for `sluice --version` gives the process's own share, which grows with the binary under ASan).
long peak_rss_kb(const std::string& command, int quarantine_mb);

/// Splits text into lines (no trailing empty line).
std::vector<std::string> split_lines(std::string_view text);
/// Splits a line at each `sep` (a tab-separated SELECT row into its cells); n separators, n + 1 parts.
std::vector<std::string> split(std::string_view line, char sep);

/// The bytes as upper-case hex, as the server's HEX() prints them.
std::string hex_upper(std::string_view bytes);

/// Path to the source tree (for scripts/ and tests/data/).
std::string source_dir();

}  // namespace sluice::test
