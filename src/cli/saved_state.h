#pragma once
/// The state a destination saved with its data (job::MadeSink::saved_state), read for the
/// verbs that resume from it (`sync`) or rewrite it (`reset`).

#include <string>

#include "config/state.h"
#include "core/result.h"
#include "job/sink_factory.h"

namespace sluice::cli {

/// `sluice reset --config CONFIG [--destination DEST] ...`: the start of the reset command line
/// for the destination a verb was given (`destination_arg` empty: the config's section).
std::string reset_command_line(const std::string& config_path, const std::string& destination_arg);

/// Parses `made.saved_state` (an empty state when there is none). A state that is not JSON, or not
/// an object, is kConfig naming where it is stored, what is wrong and the fix (`reset_command`
/// + " --all", or --state FILE).
core::Result<config::State> read_saved_state(const job::MadeSink& made, const std::string& reset_command);

}  // namespace sluice::cli
