#pragma once
/// `sluice verify --repair`: re-syncs exactly the differing rows of a table into its destination
/// through the destination's own sink (src/sinks, opened by job::make_sink): missing and changed
/// rows are read again from the source by key and written as snapshot rows (the sink's upsert),
/// extra rows are written as deletes of their key (soft or hard, as the destination is set up; a
/// soft-deleted row keeps its key, its other columns become NULL).
/// No other row is touched. The caller commits with Sink::checkpoint (the saved state, unchanged)
/// and finish(). One thread.

#include <cstddef>
#include <span>

#include "core/result.h"
#include "mysql/connection.h"
#include "sinks/sink.h"
#include "verify/row_digest.h"
#include "verify/table_verify.h"

namespace sluice::verify {

struct RepairCounts {
  size_t written = 0;  ///< rows upserted from the source
  size_t deleted = 0;  ///< extra rows deleted
};

/// A key value of bookmark JSON (RowDiff::key's members) as a core::Value of `column`; text is a
/// view into `v`.
core::Value key_value(const schema::ColumnSchema& column, const nlohmann::ordered_json& v);

/// Writes the rows of `diffs` for the stream `info` (opened here on `sink`).
core::Result<RepairCounts> repair_table(mysql::Connection& conn, const TableJob& job,
                                        const sinks::StreamInfo& info, std::span<const RowDiff> diffs,
                                        sinks::Sink& sink);

}  // namespace sluice::verify
