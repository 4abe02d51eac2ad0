#pragma once
// `sluice verify` against the target of `sluice replicate` (a config with `target` and
// `replicate` parts, docs/verify.md): the followed source tables, their target tables (database
// renamed by `replicate.rename`), the applier's position (`<position_schema>.apply_position`:
// the source position the target has applied, so a lagging target is waited for, not reported
// wrong), and --repair of exactly the differing rows through the applier's own RowWriter in one
// target transaction. One thread.

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "config/replicate_config.h"
#include "core/binlog_position.h"
#include "core/result.h"
#include "mysql/connection.h"
#include "replicate/table_filter.h"
#include "schema/table_schema.h"
#include "verify/repair.h"
#include "verify/row_digest.h"

namespace sluice::cli {

class ReplicaTarget {
 public:
  /// Connects to the target (the source's connection rules: TLS, ssh_tunnel).
  static core::Result<ReplicaTarget> connect(const config::TargetConfig& target,
                                             const config::ReplicateSettings& settings);

  /// The source tables the pipeline follows (include/exclude), narrowed to `tables` ("db.table"
  /// or "db-table") when not empty.
  core::Result<std::vector<schema::TableSchema>> followed_tables(mysql::Connection& source,
                                                                 const std::set<std::string>& tables) const;
  /// The target's table of source table `source`: the same columns, the database renamed.
  schema::TableSchema table_for(const schema::TableSchema& source) const;
  mysql::Connection& conn() { return *conn_; }

  /// The source position the target has applied (its row of the position table), nullopt when
  /// the target has none (not filled by `sluice replicate`).
  core::Result<std::optional<core::BinlogPosition>> applied();
  /// Whether the target has applied everything the source's binlog holds now (its position at
  /// the binlog's end, or only transactions of nothing followed between them, read with SHOW
  /// BINLOG EVENTS); waits up to `wait` for it (polling the position table). True when the
  /// target has no position.
  core::Result<bool> caught_up(mysql::Connection& source, std::chrono::milliseconds wait);

  /// --repair: in one target transaction, the `diffs` of the source table `job.table` (every
  /// column, ordinal order): changed and extra rows deleted by key, missing and changed rows
  /// inserted as the source holds them now.
  core::Result<verify::RepairCounts> repair(mysql::Connection& source, const verify::TableJob& job,
                                            std::span<const verify::RowDiff> diffs);

 private:
  /// Whether the source's binlog from `from` to `to` holds no change of a followed table (any
  /// DDL counts as one; past 100,000 events: not proven, false).
  core::Result<bool> gap_is_unfollowed(mysql::Connection& source, const core::BinlogPosition& from,
                                       const core::BinlogPosition& to) const;
  ReplicaTarget(std::unique_ptr<mysql::Connection> conn, const config::TargetConfig& target,
                const config::ReplicateSettings& settings);
  std::unique_ptr<mysql::Connection> conn_;
  replicate::TableFilter filter_;
  std::string position_sql_;
};

}  // namespace sluice::cli
