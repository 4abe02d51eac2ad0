#include "extract/batch_queue.h"

#include <cstring>

namespace sluice::extract {

void pack_cell(std::string& out, const std::optional<std::string_view>& cell) {
  uint32_t n = cell ? static_cast<uint32_t>(cell->size()) : RowBatch::kNullCell;
  char len[4] = {static_cast<char>(n & 0xFF), static_cast<char>((n >> 8) & 0xFF), static_cast<char>((n >> 16) & 0xFF),
                 static_cast<char>(n >> 24)};
  out.append(len, 4);
  if (cell) out.append(cell->data(), cell->size());
}

bool unpack_cell(std::string_view in, size_t& pos, std::optional<std::string_view>& cell) {
  if (in.size() - pos < 4) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data() + pos);
  uint32_t n = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  pos += 4;
  if (n == RowBatch::kNullCell) {
    cell.reset();
    return true;
  }
  if (in.size() - pos < n) return false;
  cell = in.substr(pos, n);
  pos += n;
  return true;
}

BatchQueue::BatchQueue(size_t capacity_bytes, size_t producers) : capacity_(capacity_bytes), producers_(producers) {}

bool BatchQueue::push(RowBatch&& batch) {
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [&] { return cancelled_ || q_.empty() || bytes_ + batch.cells.size() <= capacity_; });
  if (cancelled_) return false;
  bytes_ += batch.cells.size();
  q_.push_back(std::move(batch));
  not_empty_.notify_one();
  return true;
}

std::optional<RowBatch> BatchQueue::pop() {
  std::unique_lock lock(mu_);
  not_empty_.wait(lock, [&] { return cancelled_ || !q_.empty() || producers_ == 0; });
  if (cancelled_ || q_.empty()) return std::nullopt;
  RowBatch b = std::move(q_.front());
  q_.pop_front();
  bytes_ -= b.cells.size();
  not_full_.notify_all();
  return b;
}

void BatchQueue::producer_done() {
  std::lock_guard lock(mu_);
  if (producers_ > 0) --producers_;
  not_empty_.notify_all();
}

void BatchQueue::cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  not_full_.notify_all();
  not_empty_.notify_all();
}

bool BatchQueue::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

}  // namespace sluice::extract
