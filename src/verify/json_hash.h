#pragma once
/// A hash of a JSON document as parsed, without building it: object members in any order,
/// insignificant whitespace, string escapes and number spellings (1, 1.0, 1e0) all hash alike, so
/// MySQL's JSON, MariaDB's JSON text, PostgreSQL's jsonb and SQLite's copy of each agree. No
/// allocation. Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::verify {

/// The hash of `text`, nullopt when it is not one well-formed JSON value (nesting over 512 levels
/// counts as malformed).
std::optional<uint64_t> json_hash(std::string_view text);

}  // namespace sluice::verify
