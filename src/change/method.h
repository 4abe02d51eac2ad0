#pragma once
/// How a stream is replicated: the Singer catalog's `replication-method`. Used by the job, its
/// config and catalog, the sinks (a stream's method) and preflight (which checks apply).

#include <cstdint>
#include <string_view>

namespace sluice::change {

enum class Method : uint8_t { kFullTable = 0, kIncremental = 1, kLogBased = 2 };

/// The Singer spelling: "FULL_TABLE", "INCREMENTAL", "LOG_BASED".
std::string_view method_name(Method method);

/// The spelling of `sluice check --methods` and its report: "full_table", "incremental", "log_based".
std::string_view method_option(Method method);

}  // namespace sluice::change
