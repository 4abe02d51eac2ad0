#include "cli/cli_context.h"

#include <cstdio>
#include <string>

namespace sluice::cli {

int report_error(const core::Error& error) {
  std::string line = error.message;
  // One line, always: a server message with embedded newlines must not break log parsers.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "sluice: error: %s\n", line.c_str());
  switch (error.code) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kConfig:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

void print_warnings(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::fprintf(stderr, "sluice: warning: %s\n", line.c_str());
}

}  // namespace sluice::cli
