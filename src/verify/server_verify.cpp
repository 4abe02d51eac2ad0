#include "verify/server_verify.h"

#include <algorithm>

#include "extract/snapshot_sql.h"
#include "verify/server_checksum.h"

namespace sluice::verify {
namespace {

core::Result<ServerChunk> checksum(MysqlTableReader& side, const nlohmann::ordered_json& after,
                                   const nlohmann::ordered_json& upto) {
  auto where = extract::key_range_predicate(side.connection(), side.table(), side.key(), after, upto);
  if (!where) return core::fail(where.error());
  return server_checksum(side.connection(), side.table(), side.columns(), *where);
}

/// Reads a chunk whose server checksums differ from both sides and compares its rows.
class RowComparer {
 public:
  RowComparer(const RowShape& shape, TableResult& result)
      : source_(shape), dest_(shape), reconciler_(shape), result_(result) {}

  core::Status compare(MysqlTableReader& source, MysqlTableReader& dest, const nlohmann::ordered_json& after,
                       const nlohmann::ordered_json& upto) {
    source_.clear();
    dest_.clear();
    SLUICE_TRY(source.read_range(after, upto, [this](std::span<const sinks::ReadCell> cells) {
      source_.add(cells);
      return core::ok();
    }));
    SLUICE_TRY(dest.read_range(after, upto, [this](std::span<const sinks::ReadCell> cells) {
      dest_.add(cells);
      return core::ok();
    }));
    if (source_.checksum() != dest_.checksum() || source_.size() != dest_.size()) {
      result_.ranges.push_back(RangeDiff{after, upto, source_.size(), dest_.size()});
      reconciler_.compare(source_, dest_, result_.rows);
    }
    return core::ok();
  }

  void finish() { reconciler_.finish(result_.rows); }

 private:
  ChunkDigest source_;
  ChunkDigest dest_;
  Reconciler reconciler_;
  TableResult& result_;
};

}  // namespace

core::Result<TableResult> verify_table_on_servers(MysqlTableReader& source, MysqlTableReader& dest,
                                                  const VerifyOptions& options) {
  TableJob job{&source.table(), source.columns(), source.key(), &dest, true};
  RowShape shape = row_shape(job);
  TableResult result;
  RowComparer rows(shape, result);
  RateLimiter limiter(options.rate_limit);
  const size_t chunk_rows = std::max<size_t>(options.chunk_rows, 1);
  nlohmann::ordered_json after;
  for (;;) {
    auto upto = chunk_end(source.connection(), source.table(), source.key(), after, chunk_rows);
    if (!upto) return core::fail(upto.error());
    auto s = checksum(source, after, *upto);
    if (!s) return core::fail(s.error());
    auto d = checksum(dest, after, *upto);
    if (!d) return core::fail(d.error());
    ++result.chunks;
    result.source_rows += s->rows;
    result.dest_rows += d->rows;
    limiter.tick(s->rows);
    if (!(*s == *d)) SLUICE_TRY(rows.compare(source, dest, after, *upto));
    if (upto->is_null()) break;
    after = std::move(*upto);
  }
  rows.finish();
  if (result.rows.empty()) return result;
  if (options.before_recheck) SLUICE_TRY(options.before_recheck());
  SLUICE_TRY(recheck(source.connection(), job, shape, result));
  return result;
}

}  // namespace sluice::verify
