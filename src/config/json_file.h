#pragma once
/// Reading JSON files (config, catalog, state) with errors a user can act on: a missing or
/// unreadable file names the path and the reason; a syntax error names line and column.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sluice::config {

/// Parses `text` as JSON; `origin` names the source in messages ("config.json: line 3,
/// column 7: ..."). Error code kConfig. Never throws.
core::Result<nlohmann::json> parse_json_text(std::string_view text, std::string_view origin);

/// Reads the file at `path` and parses it as JSON. Missing/unreadable file: kConfig with the
/// path and the OS reason. Never throws.
core::Result<nlohmann::json> read_json_file(const std::string& path);

/// 1-based line and column of byte `offset` in `text` (offset clamped to the text).
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition position_of(std::string_view text, size_t offset);

}  // namespace sluice::config
