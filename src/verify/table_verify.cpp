#include "verify/table_verify.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>
#include <utility>

#include "extract/key_literal.h"
#include "extract/snapshot_reader.h"
#include "verify/canonical.h"

namespace sluice::verify {
namespace {

constexpr size_t kKeysPerQuery = 200;

/// Reads the source chunk by chunk; each chunk's key range is read from the destination and
/// compared on a second thread while the source's next chunk is read (at most two source chunks
/// and one destination chunk in memory). The destination reader, the reconciler and the result
/// are the second thread's until finish() has waited for it.
class ChunkComparer final : public extract::SnapshotConsumer {
 public:
  ChunkComparer(const TableJob& job, const RowShape& shape, const VerifyOptions& options, TableResult& result)
      : job_(job),
        source_(shape),
        pending_(shape),
        dest_(shape),
        reconciler_(shape),
        cells_(shape.columns.size()),
        limiter_(options.rate_limit),
        result_(result) {}

  core::Status on_row(std::span<const core::Value> values) override {
    source_.add(cells_.of(values));
    limiter_.tick();
    return core::ok();
  }

  core::Status on_checkpoint(const nlohmann::ordered_json& last_key) override {
    if (last_key.is_null()) return core::ok();
    SLUICE_TRY(hand_over(last_key));
    after_ = last_key;
    return core::ok();
  }

  /// The rows after the last chunk (the destination's extras beyond the source's last key).
  core::Status finish() {
    SLUICE_TRY(hand_over(nullptr));
    SLUICE_TRY(wait());
    reconciler_.finish(result_.rows);
    return core::ok();
  }

 private:
  // The chunk read so far (keys after after_ up to `upto`) goes to the second thread.
  core::Status hand_over(const nlohmann::ordered_json& upto) {
    SLUICE_TRY(wait());
    std::swap(source_, pending_);
    source_.clear();
    range_after_ = after_;
    range_upto_ = upto;
    running_ = std::async(std::launch::async, [this] { return compare_range(); });
    return core::ok();
  }

  core::Status wait() {
    if (!running_.valid()) return core::ok();
    return running_.get();
  }

  core::Status compare_range() {
    dest_.clear();
    SLUICE_TRY(
        job_.dest->read_range(range_after_, range_upto_, [this](std::span<const sinks::ReadCell> cells) {
          dest_.add(cells);
          return core::ok();
        }));
    ++result_.chunks;
    result_.source_rows += pending_.size();
    result_.dest_rows += dest_.size();
    if (pending_.checksum() != dest_.checksum() || pending_.size() != dest_.size()) {
      result_.ranges.push_back(RangeDiff{range_after_, range_upto_, pending_.size(), dest_.size()});
      reconciler_.compare(pending_, dest_, result_.rows);
    }
    pending_.clear();
    return core::ok();
  }

  const TableJob& job_;
  ChunkDigest source_;   // the chunk being read (this thread)
  ChunkDigest pending_;  // the chunk being compared (the second thread)
  ChunkDigest dest_;
  Reconciler reconciler_;
  ValueCells cells_;
  RateLimiter limiter_;
  TableResult& result_;
  nlohmann::ordered_json after_;
  nlohmann::ordered_json range_after_, range_upto_;  // pending_'s key range
  std::future<core::Status> running_;                // last: waited for before the rest goes
};

}  // namespace

void RateLimiter::tick(uint64_t rows) {
  if (rate_ <= 0 || rows == 0) return;
  rows_ += rows;
  if (rows == 1 && rows_ % 16 != 0) return;  // row by row: a look at the clock every 16 rows
  auto due = start_ + std::chrono::duration<double>(static_cast<double>(rows_) / rate_);
  auto now = std::chrono::steady_clock::now();
  if (due > now) std::this_thread::sleep_for(due - now);
}

core::Status recheck(mysql::Connection& conn, const TableJob& job, const RowShape& shape,
                     TableResult& result) {
  std::vector<RowDiff> again;
  std::vector<nlohmann::ordered_json> keys;
  for (const RowDiff& d : result.rows) keys.push_back(d.key);
  ChunkDigest source(shape), dest(shape);
  Reconciler reconciler(shape);
  ValueCells cells(shape.columns.size());
  for (size_t at = 0; at < keys.size(); at += kKeysPerQuery) {
    std::span<const nlohmann::ordered_json> batch(keys.data() + at,
                                                  std::min(kKeysPerQuery, keys.size() - at));
    source.clear();
    dest.clear();
    SLUICE_TRY(read_source_keys(conn, job, batch, [&](std::span<const core::Value> values) {
      source.add(cells.of(values));
      return core::ok();
    }));
    SLUICE_TRY(job.dest->read_keys(batch, [&](std::span<const sinks::ReadCell> row) {
      dest.add(row);
      return core::ok();
    }));
    reconciler.compare(source, dest, again);
  }
  reconciler.finish(again);
  result.settled = result.rows.size() > again.size() ? result.rows.size() - again.size() : 0;
  result.rows = std::move(again);
  return core::ok();
}

RowShape row_shape(const TableJob& job) {
  RowShape shape;
  for (size_t c : job.columns) shape.columns.push_back(job.table->columns[c]);
  for (size_t k : job.key) {
    auto at = std::find(job.columns.begin(), job.columns.end(), k);
    shape.key.push_back(static_cast<size_t>(at - job.columns.begin()));
  }
  return shape;
}

core::Status read_source_keys(mysql::Connection& conn, const TableJob& job,
                              std::span<const nlohmann::ordered_json> keys,
                              const std::function<core::Status(std::span<const core::Value>)>& fn) {
  if (keys.empty()) return core::ok();
  const schema::TableSchema& t = *job.table;
  std::string where;
  for (const auto& key : keys) {
    where += where.empty() ? "(" : " OR (";
    for (size_t i = 0; i < job.key.size(); ++i) {
      const schema::ColumnSchema& c = t.columns[job.key[i]];
      auto v = key.find(c.name);
      auto literal = extract::sql_literal(c, v == key.end() ? nlohmann::ordered_json() : *v, conn);
      if (!literal) return core::fail(literal.error());
      where += (i ? " AND " : "") + mysql::Connection::quote_identifier(c.name) + " = " + *literal;
    }
    where += ")";
  }
  struct Consumer final : extract::SnapshotConsumer {
    const std::function<core::Status(std::span<const core::Value>)>* fn;
    size_t width;
    core::Status on_row(std::span<const core::Value> values) override { return (*fn)(values.first(width)); }
    core::Status on_checkpoint(const nlohmann::ordered_json&) override { return core::ok(); }
  } consumer;
  consumer.fn = &fn;
  consumer.width = job.columns.size();
  extract::SnapshotSpec spec;
  spec.table = &t;
  spec.columns = job.columns;
  spec.where = where;
  spec.exact_floats = job.exact_floats;
  return extract::read_snapshot(conn, spec, consumer);
}

core::Result<TableResult> verify_table(mysql::Connection& conn, const TableJob& job,
                                       const VerifyOptions& options) {
  RowShape shape = row_shape(job);
  TableResult result;
  ChunkComparer comparer(job, shape, options, result);
  extract::SnapshotSpec spec;
  spec.table = job.table;
  spec.columns = job.columns;
  spec.key = job.key;
  spec.chunk_rows = std::max<size_t>(options.chunk_rows, 1);
  spec.exact_floats = job.exact_floats;
  SLUICE_TRY(extract::read_snapshot(conn, spec, comparer));
  SLUICE_TRY(comparer.finish());
  if (!result.rows.empty() && options.before_recheck) SLUICE_TRY(options.before_recheck());
  if (!result.rows.empty()) SLUICE_TRY(recheck(conn, job, shape, result));
  return result;
}

}  // namespace sluice::verify
