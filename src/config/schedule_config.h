#pragma once
/// The `schedule` part of a config file: when `sluice run` starts this config's jobs
/// (docs/configuration.md, "The schedule part"; docs/operations.md, "Scheduling"). One config
/// file is one integration (source, destination, schedule); `sluice run --config a.json
/// --config b.json` runs several. Pure functions, any thread.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schedule/schedule.h"

namespace sluice::config {

/// A validated `schedule` section.
struct ScheduleConfig {
  /// `name`: the integration's name in logs and `--dry-run` (default: the config file's name
  /// without its folder and `.json`). Letters, digits, `_`, `-`, `.`.
  std::string name;
  schedule::Schedule when;  ///< `frequency` [+ `anchor`] or `cron`, in `time_zone`
  /// `catalog`: the Singer catalog (the saved selection) each job runs with, as `sync --catalog`.
  std::string catalog;
  schedule::RetryPolicy retry;  ///< `retries` (0–100, default 2), `retry_backoff` (default "1m")
};

/// The `schedule` section of a config document (nullopt when it has none). Every problem is one
/// line `"<origin>: schedule: '<key>' ..."` (kConfig), all of them at once; unknown keys of the
/// section are warnings appended to `warnings`.
core::Result<std::optional<ScheduleConfig>> schedule_from_config(const nlohmann::json& config_doc,
                                                                 std::string_view origin,
                                                                 std::vector<std::string>& warnings);

}  // namespace sluice::config
