#pragma once
/// The decoder's output model: row changes grouped into transactions. Produced by
/// ChangeAssembler, consumed by ChangePrinter (JSON lines) and later by the pipeline.
/// All views are valid only during the ChangeHandler callback that receives them.

#include <cstdint>
#include <span>
#include <string_view>

#include "binlog/events/events.h"
#include "binlog/table_layout.h"
#include "core/result.h"
#include "core/value.h"

namespace sluice::binlog {

/// What every change of one transaction shares.
struct TransactionInfo {
  std::string_view file;   ///< binlog file of the transaction's events
  uint64_t begin_pos = 0;  ///< position of its first event (GTID or BEGIN)
  uint64_t end_pos = 0;    ///< position after its last event (XID/COMMIT); 0 = not known yet
  std::string_view gtid;   ///< "uuid:n" (MySQL), "domain-server-seq" (MariaDB), empty = none
  bool has_commit_time = false;
  bool commit_time_has_micros = false;
  int64_t commit_seconds = 0;  ///< commit time, seconds since the epoch (UTC)
  uint32_t commit_micros = 0;
  /// Set (at commits) while a two-phase XA transaction is prepared and not yet committed: the
  /// file and position of its group's start, where a reader must start again so as not to lose
  /// its rows (every transaction from there up to end_pos was delivered already). Empty: end_pos.
  std::string_view resume_file;
  uint64_t resume_pos = 0;
};

/// One inserted, updated or deleted row.
struct RowChange {
  const TransactionInfo* txn = nullptr;
  uint64_t pos = 0;  ///< position of the rows event (or of its TRANSACTION_PAYLOAD)
  RowOp op = RowOp::kInsert;
  const TableLayout* table = nullptr;
  /// Optional: the shared owner of `table`, for a handler that caches per table (holding
  /// it keeps the address from being reused, so the cache is checked by address alone).
  const TableLayoutPtr* table_owner = nullptr;
  std::span<const core::Value> before;  ///< empty for inserts; one slot per column otherwise
  std::span<const core::Value> after;   ///< empty for deletes
  /// Some `after` value is a JSON diff, not a document (core::Value::is_json_diff: a PARTIAL_JSON
  /// update under binlog_row_image=MINIMAL). A consumer that needs documents must refuse it.
  bool json_diffs = false;
};

/// A statement logged as text outside a row transaction (DDL, or STATEMENT-format DML).
struct StatementChange {
  const TransactionInfo* txn = nullptr;
  uint64_t pos = 0;
  std::string_view db;   ///< default database of the session
  std::string_view sql;
  const QueryStatus* status = nullptr;  ///< sql_mode, charsets, time zone of the session
};

/// Receives changes in commit order, on the decoding thread.
class ChangeHandler {
 public:
  virtual ~ChangeHandler() = default;
  virtual core::Status on_row(const RowChange& change) = 0;
  virtual core::Status on_statement(const StatementChange&) { return core::ok(); }
  /// After the last change of a transaction (end_pos known).
  virtual core::Status on_commit(const TransactionInfo&) { return core::ok(); }
};

}  // namespace sluice::binlog
