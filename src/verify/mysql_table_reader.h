#pragma once
/// A MySQL-family destination table read back for verify: the target of `sluice replicate`
/// (docs/replication.md), whose tables have the source's columns (under a renamed database,
/// maybe). Rows are read with the source's own snapshot reader (extract::read_snapshot: keyset,
/// streamed, FLOAT exactly: SnapshotSpec::exact_floats) and turned into cells as the source's are
/// (canonical.h cell_of), so the two sides are decoded by the same code. With `server_verify.h`, chunks are
/// first compared by checksums the two servers compute; this reader reads only the rows of chunks that
/// differ. One thread.

#include <cstddef>
#include <vector>

#include "mysql/connection.h"
#include "schema/table_schema.h"
#include "sinks/table_reader.h"

namespace sluice::verify {

class MysqlTableReader final : public sinks::TableReader {
 public:
  /// `table`: the target's table (the source's schema, its database renamed); `columns` and
  /// `key` index into its columns. `conn` must outlive the reader.
  MysqlTableReader(mysql::Connection& conn, schema::TableSchema table, std::vector<size_t> columns,
                   std::vector<size_t> key);

  core::Status read_range(const nlohmann::ordered_json& after, const nlohmann::ordered_json& upto,
                          const sinks::ReadRowFn& fn) override;
  core::Status read_keys(std::span<const nlohmann::ordered_json> keys, const sinks::ReadRowFn& fn) override;

  mysql::Connection& connection() { return conn_; }
  const schema::TableSchema& table() const { return table_; }
  const std::vector<size_t>& columns() const { return columns_; }
  const std::vector<size_t>& key() const { return key_; }

 private:
  mysql::Connection& conn_;
  schema::TableSchema table_;
  std::vector<size_t> columns_;
  std::vector<size_t> key_;
};

}  // namespace sluice::verify
