#pragma once
/// What the decoder hands on: row changes (change::RowChange, with the table's layout beside
/// it), statements and transaction ends, in commit order, to a ChangeHandler. Produced by
/// ChangeAssembler, consumed by ChangePrinter (JSON lines), the catch-up and the streamer.
/// All views are valid only during the ChangeHandler callback that receives them.

#include <cstdint>
#include <string_view>

#include "binlog/events/events.h"
#include "binlog/table_layout.h"
#include "change/change.h"
#include "core/result.h"

namespace sluice::binlog {

/// A statement logged as text outside a row transaction (DDL, or STATEMENT-format DML).
struct StatementChange {
  const change::Transaction* txn = nullptr;
  uint64_t pos = 0;
  std::string_view db;  ///< default database of the session
  std::string_view sql;
  const QueryStatus* status = nullptr;  ///< sql_mode, charsets, time zone of the session
};

/// Receives changes in commit order, on the decoding thread.
class ChangeHandler {
 public:
  virtual ~ChangeHandler() = default;
  /// One row change (op insert, update or delete; `change.txn` set). `layout` is the decoder's
  /// description of the table (column names and types, as the images are laid out); a handler
  /// that caches per table may hold the pointer, which keeps the address from being reused, so
  /// its cache is checked by address alone. Null only where a test passes none.
  virtual core::Status on_row(const change::RowChange& change, const TableLayoutPtr& layout) = 0;
  virtual core::Status on_statement(const StatementChange&) { return core::ok(); }
  /// After the last change of a transaction (end_pos known).
  virtual core::Status on_commit(const change::Transaction&) { return core::ok(); }
};

}  // namespace sluice::binlog
