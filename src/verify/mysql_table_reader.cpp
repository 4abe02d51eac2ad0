#include "verify/mysql_table_reader.h"

#include "extract/snapshot_reader.h"
#include "verify/canonical.h"
#include "verify/table_verify.h"

namespace sluice::verify {
namespace {

constexpr size_t kRangeChunkRows = 10000;

/// Hands each row's first `cells.size()` values to `fn` as cells.
class CellConsumer final : public extract::SnapshotConsumer {
 public:
  CellConsumer(size_t width, const sinks::ReadRowFn& fn) : cells_(width), fn_(fn) {}
  core::Status on_row(std::span<const core::Value> values) override { return fn_(cells_.of(values)); }
  core::Status on_checkpoint(const nlohmann::ordered_json&) override { return core::ok(); }

 private:
  ValueCells cells_;
  const sinks::ReadRowFn& fn_;
};

}  // namespace

MysqlTableReader::MysqlTableReader(mysql::Connection& conn, schema::TableSchema table,
                                   std::vector<size_t> columns, std::vector<size_t> key)
    : conn_(conn), table_(std::move(table)), columns_(std::move(columns)), key_(std::move(key)) {}

core::Status MysqlTableReader::read_range(const nlohmann::ordered_json& after,
                                          const nlohmann::ordered_json& upto, const sinks::ReadRowFn& fn) {
  CellConsumer consumer(columns_.size(), fn);
  extract::SnapshotSpec spec;
  spec.table = &table_;
  spec.columns = columns_;
  spec.key = key_;
  spec.after = after;
  spec.upto = upto;
  spec.chunk_rows = kRangeChunkRows;
  spec.exact_floats = true;
  return extract::read_snapshot(conn_, spec, consumer);
}

core::Status MysqlTableReader::read_keys(std::span<const nlohmann::ordered_json> keys,
                                         const sinks::ReadRowFn& fn) {
  ValueCells cells(columns_.size());
  TableJob job{&table_, columns_, key_, nullptr, true};
  return read_source_keys(conn_, job, keys,
                          [&](std::span<const core::Value> values) { return fn(cells.of(values)); });
}

}  // namespace sluice::verify
