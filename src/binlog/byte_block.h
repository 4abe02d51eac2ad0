#pragma once
/// A block of bytes shared by reference count between the thread that fills it (the file
/// reader) and the threads that read views into it later (ParallelPrinter's workers): events
/// are handed from the file to the workers without being copied.
///
/// Whoever holds a reference (a BlockRef) may read the bytes it was handed views of; the
/// filler overwrites a block only while it holds the sole reference; the last reference frees
/// it. References are taken and dropped on any thread.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

namespace sluice::binlog {

class ByteBlock {
 public:
  ByteBlock(const ByteBlock&) = delete;
  ByteBlock& operator=(const ByteBlock&) = delete;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t capacity() const { return capacity_; }

  /// True when every byte of `s` lies in this block (a view a holder of a reference may keep).
  bool holds(std::span<const uint8_t> s) const {
    auto b = reinterpret_cast<uintptr_t>(data_.get()), p = reinterpret_cast<uintptr_t>(s.data());
    return p >= b && p - b <= capacity_ && s.size() <= capacity_ - (p - b);
  }
  /// True when the caller's reference is the only one (it may then overwrite the bytes).
  bool sole() const { return refs_.load(std::memory_order_acquire) == 1; }

 private:
  friend class BlockRef;
  explicit ByteBlock(size_t capacity)
      : capacity_(capacity), data_(std::make_unique_for_overwrite<uint8_t[]>(capacity)) {}
  void retain() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  std::atomic<uint32_t> refs_{1};
  size_t capacity_;
  std::unique_ptr<uint8_t[]> data_;
};

/// One reference to a ByteBlock (or none); copying takes another, destruction drops it.
class BlockRef {
 public:
  BlockRef() = default;
  /// A reference to `b` (null: none); `b` must be kept alive by a reference of the caller.
  explicit BlockRef(ByteBlock* b) : b_(b) {
    if (b_) b_->retain();
  }
  /// A new block of `capacity` bytes, this its only reference.
  static BlockRef create(size_t capacity) {
    BlockRef r;
    r.b_ = new ByteBlock(capacity);
    return r;
  }
  BlockRef(const BlockRef& o) : BlockRef(o.b_) {}
  BlockRef(BlockRef&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
  BlockRef& operator=(BlockRef o) noexcept {
    std::swap(b_, o.b_);
    return *this;
  }
  ~BlockRef() {
    if (b_) b_->release();
  }

  ByteBlock* get() const { return b_; }
  ByteBlock* operator->() const { return b_; }
  explicit operator bool() const { return b_ != nullptr; }

 private:
  ByteBlock* b_ = nullptr;
};

}  // namespace sluice::binlog
