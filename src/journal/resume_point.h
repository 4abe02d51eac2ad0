#pragma once
/// Where the source read resumes after a record: the one rule the writer's recovery, the
/// writer's appends and `sluice journal verify` share (docs/transaction-log.md).

#include <cstdint>

#include "change/change.h"
#include "core/binlog_position.h"
#include "core/gtid_set.h"

namespace sluice::journal {

/// Where the source read resumes after the last record counted, and that record's LSN.
struct ResumePoint {
  core::BinlogPosition position;  ///< empty: no record yet (the extractor's own start applies)
  core::GtidSet gtids;            ///< the GTID set executed through that record
  uint64_t lsn = 0;               ///< 0: no record
};

/// The state after the complete transaction `txn` (record `lsn`): its resume point (a held XA
/// transaction's group start) or else its end, and its GTID added to the set.
void advance_resume(ResumePoint& p, const change::Transaction& txn, uint64_t lsn);

/// The state a segment header tells (before its first record).
ResumePoint resume_from_header(const std::string& resume_file, uint64_t resume_pos,
                               const std::string& gtid_set, uint64_t first_lsn);

}  // namespace sluice::journal
