#pragma once
/// What the preflight of a replication target (`sluice check` of a config with a `target`)
/// learns: the target server's facts, the shape of the source's replicated tables, and what the
/// pipeline asks for. Collected once (target_collector.h), judged by pure rules
/// (target_rules.h); tests build these structs by hand.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "preflight/server_facts.h"

namespace sluice::preflight {

/// A column of a replicated source table whose type or collation the target may lack.
struct SourceColumn {
  std::string schema, table, column;
  std::string data_type;    ///< information_schema DATA_TYPE, lower case ("json", "uuid", "vector")
  std::string column_type;  ///< e.g. "vector(3)", "varchar(20)"
  std::string collation;    ///< empty for non-text columns
};

/// A replicated source table with the largest row its column definitions allow.
struct SourceTable {
  std::string schema, table;
  uint64_t max_row_bytes = 0;  ///< sum of the columns' maximum byte lengths (saturating)
  bool unbounded = false;      ///< has a LONGTEXT/LONGBLOB/JSON/GEOMETRY column (up to 4 GB each)
  bool has_timestamp = false;  ///< has a TIMESTAMP column
};

/// The source as the target sees it: its settings and the replicated tables' definitions.
struct SourceShape {
  std::vector<SourceTable> tables;
  /// Columns with a type in the flavour-specific watch list (target_rules.h) or a collation.
  std::vector<SourceColumn> columns;
  /// Stored functions per replicated schema (CREATE FUNCTION on a binlogging target needs
  /// log_bin_trust_function_creators without SUPER).
  std::map<std::string, uint64_t> functions;
  std::string error;  ///< why the definitions could not be read (empty when they were)
};

/// One replication channel of the target itself (SHOW REPLICA STATUS / SHOW ALL SLAVES STATUS).
struct TargetChannel {
  std::string name;  ///< channel / connection name ("" for the default one)
  std::string source_host;
  bool running = false;  ///< its SQL (applier) thread runs
  std::vector<std::string> do_dbs, ignore_dbs, do_tables, wild_do_tables;
};

/// Facts about the target server and the applier's account there.
struct TargetFacts {
  ServerFacts server;                   ///< identity, platform, variables, grants (as for a source)
  std::vector<std::string> collations;  ///< every collation the target knows
  std::vector<std::string> existing_databases;
  std::vector<TargetChannel> channels;  ///< empty: the target replicates from nobody
  std::string channels_error;           ///< why its replica status could not be read
};

/// What the pipeline asks of the target.
struct TargetRequest {
  /// The replicated source databases (the source's filter_dbs, else its visible databases).
  std::vector<std::string> databases;
  /// Source database → target database (`shop` → `shop_replica`); absent: the same name.
  std::map<std::string, std::string> rename;
  std::string position_schema = "sluice";  ///< where the applied-position table lives
  bool routines = true;                    ///< stored routines of the replicated schemas are replicated
};

/// The target database a source database is applied into.
std::string target_database(const TargetRequest& request, const std::string& source_db);

}  // namespace sluice::preflight
