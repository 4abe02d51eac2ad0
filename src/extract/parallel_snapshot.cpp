#include "extract/parallel_snapshot.h"

#include <map>
#include <system_error>
#include <thread>
#include <vector>

#include "extract/batch_queue.h"
#include "extract/key_ranges.h"
#include "extract/snapshot_sql.h"
#include "extract/text_value.h"

namespace sluice::extract {
namespace {

using nlohmann::ordered_json;

constexpr size_t kBatchBytes = 256 << 10;
constexpr size_t kQueueBytes = 8 << 20;

// Positions of the key columns in the select list.
std::vector<size_t> key_positions(const SnapshotSpec& spec, const std::vector<size_t>& list) {
  std::vector<size_t> out;
  for (size_t k : spec.key) {
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i] == k) out.push_back(i);
    }
  }
  return out;
}

// One reader thread: takes ranges from the planner, streams them into batches.
class RangeReader {
 public:
  RangeReader(mysql::Connection& conn, const SnapshotSpec& spec, KeyRangePlanner& planner, BatchQueue& queue)
      : conn_(conn), spec_(spec), planner_(planner), queue_(queue), list_(select_list(spec)),
        key_pos_(key_positions(spec, list_)), select_(select_sql(*spec.table, list_)) {}

  core::Status run() {
    for (;;) {
      auto r = planner_.next(conn_);
      if (!r) return core::fail(r.error());
      if (!*r) return core::ok();
      SLUICE_TRY(read_range(**r));
      if (queue_.cancelled()) return core::ok();
    }
  }

 private:
  core::Status read_range(const KeyRange& r) {
    const schema::TableSchema& t = *spec_.table;
    auto where = key_range_predicate(conn_, t, spec_.key, r.lo, r.hi);
    if (!where) return core::fail(where.error());
    auto res = conn_.query_stream(select_ + " WHERE " + *where + order_clause(t, spec_.key));
    if (!res) return core::fail(res.error().with_context("reading " + t.stream_id()));
    RowBatch b = fresh(r.index);
    size_t last_row = 0;
    mysql::Row row;
    for (;;) {
      auto more = next_snapshot_row(*res, row, t, list_.size());
      if (!more) return core::fail(more.error());
      if (!*more) break;
      last_row = b.cells.size();
      for (const auto& cell : row) pack_cell(b.cells, cell);
      ++b.rows;
      if (b.cells.size() >= kBatchBytes) {
        b.last_key = row_key(b.cells, last_row);
        if (!queue_.push(std::move(b))) return core::ok();
        b = fresh(r.index);
      }
    }
    if (b.rows > 0) b.last_key = row_key(b.cells, last_row);
    b.range_done = true;
    b.range_end = r.hi;
    queue_.push(std::move(b));
    return core::ok();
  }

  RowBatch fresh(size_t range) const {
    RowBatch b;
    b.range = range;
    b.cells.reserve(kBatchBytes + (16 << 10));
    return b;
  }

  // The bookmark key of the packed row at `pos`.
  ordered_json row_key(std::string_view cells, size_t pos) const {
    std::vector<std::optional<std::string_view>> all(list_.size());
    for (auto& c : all) {
      if (!unpack_cell(cells, pos, c)) return nullptr;
    }
    std::vector<std::optional<std::string_view>> key;
    for (size_t p : key_pos_) key.push_back(all[p]);
    return key_json(*spec_.table, spec_.key, key);
  }

  mysql::Connection& conn_;
  const SnapshotSpec& spec_;
  KeyRangePlanner& planner_;
  BatchQueue& queue_;
  std::vector<size_t> list_;
  std::vector<size_t> key_pos_;
  std::string select_;
};

// The consuming side: values to the consumer, and the contiguous frontier for checkpoints.
class Merger {
 public:
  Merger(const SnapshotSpec& spec, SnapshotConsumer& out)
      : spec_(spec), out_(out), list_(select_list(spec)), frontier_(spec.after) {
    values_.resize(list_.size());
  }

  core::Status drain(BatchQueue& queue) {
    while (auto b = queue.pop()) {
      SLUICE_TRY(deliver(*b));
      bool advanced = track(*b);
      if (advanced || out_.checkpoint_due()) SLUICE_TRY(out_.on_checkpoint(frontier()));
    }
    return core::ok();
  }

  /// Every range was delivered.
  bool complete() const { return partial_.empty() && finished_.empty(); }
  ordered_json frontier() const {
    auto it = partial_.find(next_);
    return it != partial_.end() ? it->second : frontier_;
  }

 private:
  core::Status deliver(const RowBatch& b) {
    const schema::TableSchema& t = *spec_.table;
    std::string_view cells = b.cells;
    size_t pos = 0;
    std::optional<std::string_view> cell;
    for (size_t r = 0; r < b.rows; ++r) {
      for (size_t i = 0; i < list_.size(); ++i) {
        if (!unpack_cell(cells, pos, cell)) return core::fail(core::ErrorCode::kInternal, "short row batch");
        auto v = value_from_text(t.columns[list_[i]], cell);
        if (!v) return core::fail(v.error().with_context("reading " + t.stream_id()));
        values_[i] = *v;
      }
      SLUICE_TRY(out_.on_row(values_));
    }
    return core::ok();
  }

  // Records the batch's progress; true when the frontier passed a finished range.
  bool track(RowBatch& b) {
    if (b.range_done) {
      partial_.erase(b.range);
      finished_[b.range] = std::move(b.range_end);
    } else if (b.rows > 0) {
      partial_[b.range] = std::move(b.last_key);
    }
    bool advanced = false;
    for (auto it = finished_.find(next_); it != finished_.end(); it = finished_.find(next_)) {
      frontier_ = std::move(it->second);
      finished_.erase(it);
      ++next_;
      advanced = true;
    }
    return advanced;
  }

  const SnapshotSpec& spec_;
  SnapshotConsumer& out_;
  std::vector<size_t> list_;
  std::vector<core::Value> values_;
  std::map<size_t, ordered_json> partial_;   // unfinished ranges: last key delivered
  std::map<size_t, ordered_json> finished_;  // finished ranges above the frontier: their end
  size_t next_ = 0;                          // the lowest range not finished
  ordered_json frontier_;                    // end of range next_ - 1 (or the resume key)
};

}  // namespace

core::Status read_snapshot_parallel(std::span<mysql::Connection* const> conns, const SnapshotSpec& spec,
                                    SnapshotConsumer& out) {
  if (conns.empty() || spec.table == nullptr || spec.key.empty() || spec.upto.is_null() || spec.chunk_rows == 0) {
    return core::fail(core::ErrorCode::kInternal, "read_snapshot_parallel: needs connections, a key and max_pk_values");
  }
  auto planner = KeyRangePlanner::make(*conns[0], spec, conns.size());
  if (!planner) return core::fail(planner.error());
  BatchQueue queue(kQueueBytes, conns.size());
  std::vector<core::Status> results(conns.size());
  std::vector<std::thread> readers;
  readers.reserve(conns.size());
  auto read = [&](size_t i) {
    try {
      RangeReader reader(*conns[i], spec, **planner, queue);
      results[i] = reader.run();
    } catch (const std::exception& e) {
      results[i] = core::fail(core::ErrorCode::kInternal, std::string("snapshot reader: ") + e.what());
    }
    if (!results[i]) queue.cancel();
    queue.producer_done();
  };
  for (size_t i = 0; i < conns.size(); ++i) {
    try {
      readers.emplace_back(read, i);
    } catch (const std::system_error& e) {
      results[i] = core::fail(core::ErrorCode::kInternal, std::string("cannot start a snapshot reader: ") + e.what());
      queue.cancel();
      for (size_t j = i; j < conns.size(); ++j) queue.producer_done();
      break;
    }
  }
  Merger merger(spec, out);
  core::Status st = merger.drain(queue);
  if (!st) queue.cancel();
  for (std::thread& t : readers) t.join();
  if (!st) return st;
  for (const core::Status& r : results) {
    if (!r) return r;
  }
  if (!merger.complete()) return core::fail(core::ErrorCode::kInternal, "parallel snapshot ended before its ranges");
  return out.on_checkpoint(merger.frontier());
}

}  // namespace sluice::extract
