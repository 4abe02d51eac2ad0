#include "config/json_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace sluice::config {
namespace {

using core::ErrorCode;

// nlohmann's message looks like "[json.exception.parse_error.101] parse error at line 2,
// column 5: syntax error while parsing object key - invalid literal; last read: '...'".
// Keep the part after the position, which says what was wrong, and never the "last read" text:
// it quotes the file, and the broken value may be a password.
std::string explanation(const char* what) {
  std::string_view msg(what);
  auto colon = msg.find(": ", msg.find("column"));
  if (colon != std::string_view::npos) msg.remove_prefix(colon + 2);
  if (auto last = msg.find("; last read"); last != std::string_view::npos) msg = msg.substr(0, last);
  return std::string(msg);
}

// The key whose value holds byte `offset` ("" when the offset is not inside a value): a small
// scan that follows strings and the punctuation around them, enough to name the key in an error.
std::string key_at(std::string_view text, size_t offset) {
  std::string key, last_string;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        last_string = std::string(text.substr(start, i - start));
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      start = i + 1;
    } else if (c == ':') {
      key = last_string;
    } else if (c == ',' || c == '{' || c == '}' || c == '[' || c == ']') {
      key.clear();
    }
  }
  return key;
}

}  // namespace

TextPosition position_of(std::string_view text, size_t offset) {
  TextPosition pos;
  if (offset > text.size()) offset = text.size();
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

core::Result<nlohmann::json> parse_json_text(std::string_view text, std::string_view origin) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return core::fail(ErrorCode::kConfig, std::string(origin) + ": the file is empty; it must hold a JSON object");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the position of the character that broke the parse.
    size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    TextPosition pos = position_of(text, offset);
    std::string key = key_at(text, offset);
    std::string in_key = key.empty() ? "" : " (in the value of \"" + key + "\")";
    return core::fail(ErrorCode::kConfig,
                      std::string(origin) + ": not valid JSON at line " + std::to_string(pos.line) +
                          ", column " + std::to_string(pos.column) + in_key + ": " + explanation(e.what()));
  } catch (const std::exception&) {
    return core::fail(ErrorCode::kConfig, std::string(origin) + ": not valid JSON");
  }
}

core::Result<nlohmann::json> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string reason = err != 0 ? std::generic_category().message(err) : "cannot open";
    std::string fix = err == ENOENT ? " (check the path)" : "";
    return core::fail(ErrorCode::kConfig, "cannot read " + path + ": " + reason + fix);
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return core::fail(ErrorCode::kConfig, "cannot read " + path + ": read error");
  return parse_json_text(buf.str(), path);
}

}  // namespace sluice::config
