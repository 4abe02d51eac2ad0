#pragma once
/// Small helpers for tests: running commands (sluice itself, independent readers), temp dirs.

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

/// A fresh directory under the test root, removed at process exit is not guaranteed.
std::string make_temp_dir(std::string_view prefix);

/// Writes `content` to `path`.
void write_file(const std::string& path, std::string_view content);
std::string read_file(const std::string& path);

/// Splits text into lines (no trailing empty line).
std::vector<std::string> split_lines(std::string_view text);

/// Path to the source tree (for scripts/ and tests/data/).
std::string source_dir();

}  // namespace sluice::test
