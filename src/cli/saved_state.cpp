#include "cli/saved_state.h"

#include <cctype>
#include <string_view>

namespace sluice::cli {

namespace {

/// `text` as one shell word.
std::string shell_word(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_./:=@%+-,").find(c) == std::string_view::npos) {
      plain = false;
    }
  }
  if (plain) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string reset_command_line(const std::string& config_path, const std::string& destination_arg) {
  std::string line = "sluice reset --config " + shell_word(config_path);
  // JSON text may hold a password: never echoed.
  if (destination_arg.starts_with("{")) {
    line += " --destination <the same --destination>";
  } else if (!destination_arg.empty()) {
    line += " --destination " + shell_word(destination_arg);
  }
  return line;
}

core::Result<config::State> read_saved_state(const job::MadeSink& made, const std::string& reset_command) {
  if (!made.saved_state) return config::State();
  auto doc = nlohmann::ordered_json::parse(*made.saved_state, nullptr, false);
  std::string problem;
  if (doc.is_discarded()) {
    problem = "is not valid JSON";
  } else if (!doc.is_object() && !doc.is_null()) {
    problem = std::string("is a JSON ") + doc.type_name() + ", not a Singer state object";
  }
  if (!problem.empty()) {
    return core::fail(
        core::ErrorCode::kConfig,
        made.state_location + " " + problem +
            " (something other than sluice wrote it): run the job with --state FILE holding the "
            "bookmarks to continue from, or replicate every table again from scratch after '" +
            reset_command + " --all'");
  }
  return config::parse_state(doc, made.state_location);
}

}  // namespace sluice::cli
