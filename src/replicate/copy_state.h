#pragma once
/// The initial copy's progress on the target (`sluice replicate --initial-copy`,
/// docs/replication.md): `<position_schema>.initial_copy`, one row per pipeline and followed
/// table, written in the same target transaction as the rows each chunk copies:
///
///   name, db, tbl (source names; db = tbl = '' is the pipeline's row), done, keyed,
///   last_key (the chunk key of the last row copied, JSON), snap_file, snap_pos, snap_gtid
///
/// The pipeline's row holds the first snapshot's position: the stream starts there. A table's
/// row holds the position of the snapshot its last chunk came from. A copy resumed after a
/// kill reads from a newer snapshot, so a log record at or before a table's position is
/// already (partly) in its copied rows: `CopyWindow` says how the applier takes it: a keyed
/// table's rows idempotently (REPLACE, delete of what may be gone), a keyless table's (copied
/// whole from that one snapshot) not at all.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/binlog_position.h"
#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::replicate {

struct CopyRow {
  bool done = false;
  bool keyed = false;
  std::string last_key;  ///< JSON ({"col": value}), empty: none yet
  core::BinlogPosition snap;
  std::string snap_gtid;
};

class CopyState {
 public:
  CopyState(std::string schema, std::string name);
  /// Creates the schema and the table when missing and reads this pipeline's rows.
  core::Status open(mysql::Connection& conn);
  /// The pipeline's row (the stream's start), nullopt before the copy began.
  const std::optional<CopyRow>& pipeline() const { return pipeline_; }
  /// A table's row, nullptr when the copy has not planned it.
  const CopyRow* table(const std::string& db, const std::string& tbl) const;
  const std::map<std::pair<std::string, std::string>, CopyRow>& tables() const { return tables_; }
  /// The statement writing `row` for `db`.`tbl` ('' and '' for the pipeline's), run by the
  /// caller inside the transaction it covers; the in-memory copy follows.
  std::string save_sql(mysql::Connection& conn, const std::string& db, const std::string& tbl,
                       const CopyRow& row);

 private:
  std::string schema_, name_, table_;
  std::optional<CopyRow> pipeline_;
  std::map<std::pair<std::string, std::string>, CopyRow> tables_;
};

/// How the applier takes a logged row of a table an initial copy provisioned.
class CopyWindow {
 public:
  enum class Mode : uint8_t { kApply = 0, kIdempotent = 1, kSkip = 2 };
  /// Reads `<schema>.initial_copy` for pipeline `name` (none there: every row applies).
  core::Status load(mysql::Connection& conn, const std::string& schema, const std::string& name);
  /// The mode for a row of source table `db`.`tbl` in the transaction beginning at file:begin_pos.
  Mode mode(std::string_view db, std::string_view tbl, std::string_view file, uint64_t begin_pos);

 private:
  struct Entry {
    core::BinlogPosition snap;
    bool keyed = false;
  };
  std::map<std::string, Entry, std::less<>> tables_;  // "db.tbl"
  core::BinlogPosition last_;                         // the newest snapshot of them
  bool passed_ = true;                                // past every snapshot: all rows apply
};

}  // namespace sluice::replicate
