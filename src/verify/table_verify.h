#pragma once
/// Compares one source table with its destination table, chunk by chunk on the primary key:
/// the source is read in keyset chunks (extract::read_snapshot: streamed, no lock, `chunk_rows`
/// rows at a time), each chunk's key range is read from the destination (sinks::TableReader),
/// both are digested (row_digest.h) and their checksums compared; a chunk that differs is
/// narrowed to its rows (missing, extra, changed with the columns). After the pass the differing
/// rows are read again once from both sides by key: rows that agree now were in flight (a
/// replication catching up) and are not reported. Memory: one chunk per side plus the
/// differences. The destination's ranges are read and compared on a second thread while the
/// source's next chunk is read (at most two source chunks then); the connection and the reader
/// are used by this call only, the reader by one thread at a time.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"
#include "sinks/table_reader.h"
#include "verify/row_digest.h"

namespace sluice::verify {

/// One table to compare.
struct TableJob {
  const schema::TableSchema* table = nullptr;  ///< the source table (discovery)
  std::vector<size_t> columns;         ///< compared columns (indexes into table->columns), key included
  std::vector<size_t> key;             ///< primary key columns (indexes into table->columns)
  sinks::TableReader* dest = nullptr;  ///< reads the destination's table (columns in `columns` order)
  /// FLOAT read exactly from the source (extract::SnapshotSpec::exact_floats): a MySQL-family
  /// destination, read the same way; SQLite and PostgreSQL hold the printed value sync delivered.
  bool exact_floats = false;
};

struct VerifyOptions {
  size_t chunk_rows = 10000;
  double rate_limit = 0;  ///< source rows per second; 0 = unlimited
  /// Called once after the pass when rows differ, before they are read again (a replication
  /// target: wait until it applied what the source holds now). Null: read again at once.
  std::function<core::Status()> before_recheck;
};

/// Sleeps as needed to keep the rows ticked within `rate` rows per second (0: never sleeps).
class RateLimiter {
 public:
  explicit RateLimiter(double rate) : rate_(rate) {}
  void tick(uint64_t rows = 1);

 private:
  double rate_;
  uint64_t rows_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// A chunk whose checksums differ: keys after `after` up to `upto` (bookmark JSON; null = open).
struct RangeDiff {
  nlohmann::ordered_json after;
  nlohmann::ordered_json upto;
  size_t source_rows = 0;
  size_t dest_rows = 0;
};

struct TableResult {
  uint64_t source_rows = 0;
  uint64_t dest_rows = 0;
  uint64_t chunks = 0;
  std::vector<RangeDiff> ranges;
  std::vector<RowDiff> rows;
  size_t settled = 0;  ///< differences that agreed when read again (in flight during the pass)
};

/// Compares the table (see above). Errors: the source or the destination failing.
core::Result<TableResult> verify_table(mysql::Connection& conn, const TableJob& job,
                                       const VerifyOptions& options);

/// Reads the differing rows of `result` again from both sides (the source through `conn`, the
/// destination through job.dest); keeps those that still differ, counts the others as settled.
core::Status recheck(mysql::Connection& conn, const TableJob& job, const RowShape& shape,
                     TableResult& result);

/// Reads the source rows whose key is one of `keys` (bookmark JSON), handing each row's values
/// (job.columns order) to `fn`.
core::Status read_source_keys(mysql::Connection& conn, const TableJob& job,
                              std::span<const nlohmann::ordered_json> keys,
                              const std::function<core::Status(std::span<const core::Value>)>& fn);

/// The comparison's row shape of a job: the columns' schemas and the key positions among them.
RowShape row_shape(const TableJob& job);

}  // namespace sluice::verify
