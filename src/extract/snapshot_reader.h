#pragma once
/// The snapshot engine shared by the three methods: a SELECT of the chosen columns, streamed
/// (mysql_use_result: bounded memory whatever the table size), and, when the table has a
/// primary key (or a unique key over NOT NULL columns), read in chunks by keyset pagination:
///
///   SELECT cols FROM t WHERE (key) > (last) [AND (key) <= (max)] ORDER BY key LIMIT chunk
///
/// so a job resumes after the last chunk key recorded in the state (`last_pk_fetched`) and
/// never reads rows beyond the key maximum taken when the table's sync began
/// (`max_pk_values`). Tables without such a key are read in one pass (not resumable).
/// Key-based Incremental uses one pass with `WHERE key >= bookmark ORDER BY key`.
/// One thread; the connection is busy while a chunk streams.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/value.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace sluice::extract {

/// What to read.
struct SnapshotSpec {
  const schema::TableSchema* table = nullptr;
  /// Columns delivered (indexes into table->columns), in output order.
  std::vector<size_t> columns;
  /// Chunk key columns (indexes); empty: one pass, no keyset.
  std::vector<size_t> key;
  /// Resume after this key (`last_pk_fetched`: {"col": value}); null: from the start.
  nlohmann::ordered_json after;
  /// Read up to and including this key (`max_pk_values`); null: no upper bound.
  nlohmann::ordered_json upto;
  /// One-pass reads: an extra predicate and ORDER BY columns (Key-based Incremental).
  std::string where;
  std::vector<size_t> order_by;
  size_t chunk_rows = 50000;
  /// FLOAT columns read as CAST(col AS DOUBLE): their exact value instead of the 6 significant
  /// digits a server prints a FLOAT with (verify of a MySQL-family destination; sync keeps the
  /// printed form the Singer tap delivers).
  bool exact_floats = false;
  /// The table's estimated row count (parallel reads size their key ranges with it).
  std::optional<uint64_t> estimated_rows;
};

/// Receives rows. on_row gets one value per SnapshotSpec::columns entry followed by the key
/// and ORDER BY columns that are not among them.
class SnapshotConsumer {
 public:
  virtual ~SnapshotConsumer() = default;
  virtual core::Status on_row(std::span<const core::Value> values) = 0;
  /// Polled every few hundred rows: true asks for an on_checkpoint() now.
  virtual bool checkpoint_due() { return false; }
  /// After each chunk and when checkpoint_due(): `last_key` is the chunk key of the last row
  /// delivered ({"col": value}, bookmark JSON), null for one-pass reads.
  virtual core::Status on_checkpoint(const nlohmann::ordered_json& last_key) = 0;
};

/// Reads the snapshot described by `spec`, delivering every row to `out`.
core::Status read_snapshot(mysql::Connection& conn, const SnapshotSpec& spec, SnapshotConsumer& out);

/// The largest key now in the table ({"col": value}), null when the table is empty.
core::Result<nlohmann::ordered_json> max_key(mysql::Connection& conn, const schema::TableSchema& table,
                                              std::span<const size_t> key);

/// The chunk key for `table`: the primary key, else the first unique key over NOT NULL
/// columns; empty when there is none. Indexes into table.columns.
std::vector<size_t> choose_chunk_key(const schema::TableSchema& table);

/// Backquoted `db`.`table`.
std::string qualified_name(const schema::TableSchema& table);

}  // namespace sluice::extract
