#pragma once
/// A bounds-checked little-endian reader over bytes of one event. Every read checks the
/// length *before* advancing and reports failure as `false`, so corrupt input never reads
/// past the end; callers turn a `false` into a kCorrupt error with the event's context.
/// Non-owning: the bytes must outlive the reader.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice::binlog {

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}

  /// Bytes left to read.
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool empty() const { return p_ == end_; }
  /// The next unread byte.
  const uint8_t* data() const { return p_; }

  [[nodiscard]] bool skip(size_t n) {
    if (n > remaining()) return false;
    p_ += n;
    return true;
  }
  [[nodiscard]] bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = *p_++;
    return true;
  }
  [[nodiscard]] bool u16(uint16_t& v) {
    uint64_t x;
    if (!uint_n(2, x)) return false;
    v = static_cast<uint16_t>(x);
    return true;
  }
  [[nodiscard]] bool u32(uint32_t& v) {
    uint64_t x;
    if (!uint_n(4, x)) return false;
    v = static_cast<uint32_t>(x);
    return true;
  }
  [[nodiscard]] bool u64(uint64_t& v) { return uint_n(8, v); }
  /// Little-endian unsigned integer of `n` (1..8) bytes.
  [[nodiscard]] bool uint_n(size_t n, uint64_t& v) {
    if (n > 8 || n > remaining()) return false;
    v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += n;
    return true;
  }
  /// MySQL length-encoded integer (1, 3, 4 or 9 bytes). 0xfb (NULL) and 0xff are invalid here.
  [[nodiscard]] bool packed(uint64_t& v) {
    uint8_t first;
    if (!u8(first)) return false;
    if (first < 0xfb) {
      v = first;
      return true;
    }
    switch (first) {
      case 0xfc: return uint_n(2, v);
      case 0xfd: return uint_n(3, v);
      case 0xfe: return uint_n(8, v);
      default: return false;
    }
  }
  /// A view of the next `n` bytes.
  [[nodiscard]] bool bytes(size_t n, const uint8_t*& out) {
    if (n > remaining()) return false;
    out = p_;
    p_ += n;
    return true;
  }
  [[nodiscard]] bool str(size_t n, std::string_view& out) {
    const uint8_t* b;
    if (!bytes(n, b)) return false;
    out = std::string_view(reinterpret_cast<const char*>(b), n);
    return true;
  }
  /// A reader over the next `n` bytes (advancing past them).
  [[nodiscard]] bool sub(size_t n, ByteReader& out) {
    const uint8_t* b;
    if (!bytes(n, b)) return false;
    out = ByteReader(b, n);
    return true;
  }
  /// Everything left, as text.
  std::string_view rest_str() {
    std::string_view s(reinterpret_cast<const char*>(p_), remaining());
    p_ = end_;
    return s;
  }

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
};

}  // namespace sluice::binlog
