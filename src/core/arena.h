#pragma once
/// A bump allocator for cell bytes (decoded strings, JSON text, DECIMAL digits).
/// Owned by one thread; `reset()` per event or transaction keeps memory bounded and
/// avoids a heap allocation per cell. Views handed out stay valid until the next reset.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice::core {

class Arena {
 public:
  explicit Arena(size_t block_size = 64 * 1024) : block_size_(block_size) {}

  /// Returns `n` writable bytes, valid until reset().
  char* allocate(size_t n) {
    if (n > left_) grow(n);
    char* p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }

  /// Copies `s` into the arena.
  std::string_view copy(std::string_view s) {
    char* p = allocate(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  /// Forgets all allocations; keeps the first block, frees oversized ones.
  void reset() {
    if (blocks_.size() > 1) blocks_.resize(1);
    if (!blocks_.empty()) {
      cur_ = blocks_[0].data.get();
      left_ = blocks_[0].size;
    }
  }

  /// Bytes held in blocks (for memory accounting).
  size_t capacity() const {
    size_t total = 0;
    for (const auto& b : blocks_) total += b.size;
    return total;
  }

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  void grow(size_t n) {
    size_t size = n > block_size_ ? n : block_size_;
    blocks_.push_back(Block{std::make_unique<char[]>(size), size});
    cur_ = blocks_.back().data.get();
    left_ = size;
  }

  size_t block_size_;
  std::vector<Block> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
};

}  // namespace sluice::core
