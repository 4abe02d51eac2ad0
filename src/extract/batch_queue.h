#pragma once
/// The hand-off between the snapshot reader threads and the one thread that delivers rows to
/// the sink (parallel_snapshot.h): row batches in a FIFO bounded in bytes, which is the
/// back-pressure (a reader blocks while the queue is full, so memory stays bounded whatever
/// the table size). Many producers, one consumer; cancel() wakes everyone for shutdown.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace sluice::extract {

/// Rows of one key range read by one reader, packed as text cells (as the server sent them):
/// per row, per selected column, a 4-byte little-endian length (kNullCell for NULL) and the
/// bytes.
struct RowBatch {
  static constexpr uint32_t kNullCell = 0xFFFFFFFFu;
  size_t range = 0;                 ///< index of the key range (ranges are numbered in key order)
  std::string cells;                ///< the packed rows
  size_t rows = 0;
  nlohmann::ordered_json last_key;  ///< bookmark key of the last row; null when rows == 0
  bool range_done = false;          ///< the last batch of its range
  nlohmann::ordered_json range_end; ///< range_done: the range's upper bound (bookmark key)
};

/// Appends one cell to `out` in RowBatch's packing.
void pack_cell(std::string& out, const std::optional<std::string_view>& cell);

/// Reads one packed cell at `pos`, advancing it. False when the bytes are short (a bug).
bool unpack_cell(std::string_view in, size_t& pos, std::optional<std::string_view>& cell);

class BatchQueue {
 public:
  /// `capacity_bytes` bounds the cells held (one batch is always accepted into an empty queue);
  /// `producers` is the number of producer_done() calls that end the stream.
  BatchQueue(size_t capacity_bytes, size_t producers);

  /// Any thread: blocks while the queue is full. False when cancelled (the batch is dropped).
  bool push(RowBatch&& batch);
  /// The consumer: blocks while empty; nullopt when every producer is done (and the queue is
  /// drained) or the queue was cancelled.
  std::optional<RowBatch> pop();
  /// A producer finished (normally or not); call exactly once per producer.
  void producer_done();
  /// Wakes every waiter; later push() and pop() fail.
  void cancel();
  bool cancelled() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<RowBatch> q_;
  size_t bytes_ = 0;
  size_t capacity_;
  size_t producers_;
  bool cancelled_ = false;
};

}  // namespace sluice::extract
