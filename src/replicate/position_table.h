#pragma once
/// The applier's position on the target: one row per pipeline (`replicate.name`) in
/// `<position_schema>.apply_position`, written in the same target transaction as the rows it
/// covers, so the target knows exactly which log records it holds (exactly-once), and every
/// transaction sluice applies is recognisable in the target's binlog by its write there.
///
///   name VARCHAR(64) PRIMARY KEY, lsn (last record applied), ddl_lsn (a DDL record started:
///   it commits implicitly, so it is marked before it runs and the mark cleared with the
///   lsn after), source_file, source_pos, gtid (of that record), applied_at.

#include <cstdint>
#include <string>

#include "change/change.h"
#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::replicate {

struct AppliedPosition {
  uint64_t lsn = 0;
  uint64_t ddl_lsn = 0;  ///< nonzero: that DDL record may or may not have run
};

class PositionTable {
 public:
  PositionTable(std::string schema, std::string name);
  /// Creates the schema, the table and this pipeline's row when missing; reads the row.
  core::Result<AppliedPosition> open(mysql::Connection& conn);
  /// The statement that records `lsn` (the transaction `txn` ends at), to run inside the
  /// transaction that applied it.
  std::string update_sql(mysql::Connection& conn, uint64_t lsn, const change::Transaction& txn) const;
  /// The first statement of each applier transaction: it writes the row before any data, so a
  /// reader of the target's binlog knows the transaction is sluice's from its first row on.
  std::string touch_sql() const;
  /// Marks DDL record `lsn` as started (autocommitted by the caller's COMMIT).
  std::string mark_ddl_sql(uint64_t lsn) const;

 private:
  std::string schema_, name_, table_, where_;
};

}  // namespace sluice::replicate
