#pragma once
/// How a command gets its schema history: loaded from the file a previous run saved, or
/// seeded by discovery on a server (the schema must then be the one in effect at the start
/// position: seed at snapshot time). Used by `sluice binlog read --schema-from CONFIG
/// --schema-history FILE` and `sluice binlog stream --schema-history FILE`.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"
#include "schema/schema_history.h"

namespace sluice::schema {

struct HistorySetup {
  /// Seed by discovery on this server (the command's config); nullopt: never seed.
  std::optional<mysql::ConnectOptions> seed_server;
  std::string history_path;            ///< load from here when the file exists ("" = none)
  std::vector<std::string> databases;  ///< tracked databases; empty: all
  std::function<void(std::string_view)> debug;
  std::function<void(std::string_view)> warn;  ///< HistoryOptions::warn (a version corrected from names)
};

/// Loads `history_path` when it exists; else seeds from discovery on `seed_server` at `start`.
/// An error when neither is possible, or when a loaded history starts after `start` (it cannot
/// describe earlier events).
core::Result<SchemaHistory> open_history(const HistorySetup& setup, const core::BinlogPosition& start);

}  // namespace sluice::schema
