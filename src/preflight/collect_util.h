#pragma once
/// Helpers shared by the fact collectors (fact_collector.cpp, target_collector.cpp): one-line
/// server errors, result columns by name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::preflight::detail {

/// `s` in lower case (ASCII).
std::string lower(std::string s);

/// One line for facts: the server's error text without the "running `...`" context noise and
/// without the generic advice after the error code (the check gives its own fix).
std::string short_error(const core::Error& e);

/// `s` as an unsigned number, or nullopt.
std::optional<uint64_t> to_u64(std::string_view s);

/// Index of column `name` (lower case) among `columns` (any case), or -1.
int column_index(const std::vector<std::string>& columns, std::string_view name);

}  // namespace sluice::preflight::detail
