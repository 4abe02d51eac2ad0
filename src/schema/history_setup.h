#pragma once
/// How a command gets its schema history: loaded from the file a previous run saved, or
/// seeded by discovery on the configured server (the schema must then be the one in effect
/// at the start position: seed at snapshot time). Used by `sluice binlog read
/// --schema-from CONFIG --schema-history FILE`; streams and sync jobs can use it too.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schema/schema_history.h"

namespace sluice::schema {

struct HistorySetup {
  std::string config_path;             ///< seed by discovery on this config's server ("" = never)
  std::string history_path;            ///< load from here when the file exists ("" = none)
  std::vector<std::string> databases;  ///< tracked databases; empty: the config's filter_dbs / all
  std::function<void(std::string_view)> debug;
};

/// Loads `history_path` when it exists; else seeds from discovery on the server of
/// `config_path` at `start`. An error when neither is possible, or when a loaded history
/// starts after `start` (it cannot describe earlier events).
core::Result<SchemaHistory> open_history(const HistorySetup& setup, const core::BinlogPosition& start);

}  // namespace sluice::schema
