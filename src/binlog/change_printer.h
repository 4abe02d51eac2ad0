#pragma once
/// Prints row changes as JSON lines (docs/json-lines.md): one object per row change,
/// and one per standalone statement (op "ddl"). Output is built in a reused buffer and
/// written with large fwrite calls. Shared by `sluice binlog read` and `binlog stream`.
/// Not thread-safe; the FILE is not owned. With a null FILE the lines only accumulate in
/// buffer(), for a caller that writes them itself (ParallelPrinter's workers).

#include <cstdio>
#include <string>
#include <vector>

#include "binlog/change_handler.h"
#include "core/value_format.h"

namespace sluice::binlog {

struct PrinterOptions {
  bool types = false;       ///< add "types": {"col": "sql type"} (--verbose)
  bool statements = true;   ///< print DDL / text statements as {"op":"ddl",...}
};

class ChangePrinter : public ChangeHandler {
 public:
  explicit ChangePrinter(std::FILE* out, PrinterOptions options = {});
  ~ChangePrinter() override;
  ChangePrinter(const ChangePrinter&) = delete;
  ChangePrinter& operator=(const ChangePrinter&) = delete;

  core::Status on_row(const change::RowChange& change, const TableLayoutPtr& layout) override;
  core::Status on_statement(const StatementChange& s) override;
  core::Status on_commit(const change::Transaction& txn) override;

  /// Writes what is buffered; errors name the output (e.g. a closed pipe). No-op without a FILE.
  core::Status flush();

  /// The lines not written yet; with a null FILE the caller takes them from here.
  std::string& buffer() { return buf_; }

  /// Appends the JSON line of `change` of table `layout` (with '\n') to `out`; exposed for tests.
  static void append_row(std::string& out, const change::RowChange& change, const TableLayout& layout,
                         bool types);

 private:
  /// The parts of a line that repeat from row to row, escaped once: the transaction's
  /// fields after "pos", and per table the `,"op":..."table":"t"` prefixes and `"key":`s.
  struct TxnCache {
    std::string file, gtid, head, tail;  // head: {"file":..,"pos":  tail: ,"end_pos":..,"gtid":..,"ts":..
    uint64_t end_pos = 0;
    int64_t seconds = 0;
    uint32_t micros = 0;
    bool has_time = false, has_micros = false, valid = false;
  };
  struct TableCache {
    const TableLayout* layout = nullptr;
    TableLayoutPtr held;             // the layout on_row was given (null when none)
    std::vector<std::string> names;  // the raw keys, to notice a reused address
    std::vector<std::string> keys;   // "key": escaped
    std::string ops[4];              // ,"op":"..","db":..,"table":.. per row change::Op
  };
  const std::string& txn_tail(const change::Transaction& txn);
  const TableCache& table_cache(const TableLayoutPtr& layout);
  void append_cached_image(const char* name, const TableCache& tc, std::span<const core::Value> row);

  core::Status maybe_flush();
  std::FILE* out_;
  PrinterOptions options_;
  std::string buf_;
  TxnCache txn_cache_;
  TableCache table_cache_;
};

/// Appends the commit time as "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", or null when unknown.
void append_commit_time(std::string& out, const change::Transaction& txn);

}  // namespace sluice::binlog
