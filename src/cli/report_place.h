#pragma once
/// Where a destination's loading reports and extraction logs are, for `sluice status` and
/// `sluice logs`: `--reports DIR`, else the default of `--destination`, else of the config's
/// `destination` section (a `report_dir` option in either wins). The config, when one was given,
/// comes along (status shows its schedule's next start).

#include <optional>
#include <string>

#include "config/job_config.h"
#include "core/result.h"

namespace CLI {
class App;
}

namespace sluice::cli {

struct ReportPlaceArgs {
  std::string destination;  ///< --destination
  std::string config_path;  ///< --config
  std::string reports_dir;  ///< --reports
};

struct ReportPlace {
  std::string dir;
  std::optional<config::JobConfig> config;  ///< when --config was given
};

/// Adds `--destination`, `--config` and `--reports` (mutually exclusive) to `cmd`, bound to `args`;
/// `what` says what is shown ("reports", "extraction logs").
void add_report_place_options(CLI::App& cmd, ReportPlaceArgs& args, const std::string& what);

/// Errors: no option given, an unreadable config, a config without a destination (kInvalidArgument
/// or the config's own error), one line naming the option to pass.
core::Result<ReportPlace> report_place(const ReportPlaceArgs& args, const char* verb);
/// The same with the `--config` file already loaded (`config`, nullopt when none was given).
core::Result<ReportPlace> report_place(const ReportPlaceArgs& args, const char* verb,
                                       std::optional<config::JobConfig> config);

}  // namespace sluice::cli
