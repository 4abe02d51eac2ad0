#pragma once
/// "Did you mean": the known name closest to a misspelt one, for configuration warnings and
/// errors (config keys, destination options). Thread-safe, no state.

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sluice::core {

/// Levenshtein distance between `a` and `b` (insert, delete, substitute: 1 each).
size_t edit_distance(std::string_view a, std::string_view b);

/// The entry of `known` nearest to `name` (compared case-insensitively) when it is near enough
/// to be a typo: at most 1 edit for names under 6 characters, 2 otherwise; else nullopt.
std::optional<std::string> closest_name(std::string_view name, std::span<const char* const> known);

/// `"; did you mean 'x'?"` for the closest known name, or "" when none is close.
std::string did_you_mean(std::string_view name, std::span<const char* const> known);

}  // namespace sluice::core
