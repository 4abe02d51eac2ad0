#pragma once
/// Avro binary encoding primitives (Avro 1.11 specification, "Binary Encoding"): int and long
/// as zig-zag varints, float/double as little-endian IEEE 754, bytes and string as a long
/// length then the bytes. Everything appends to a caller-owned buffer; no allocation beyond
/// its growth. Header-only, thread-safe.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::sinks::avro {

/// Appends a long (zig-zag, then 7 bits per byte, low group first).
inline void put_long(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  char buf[10];
  size_t n = 0;
  while (z >= 0x80) {
    buf[n++] = static_cast<char>((z & 0x7F) | 0x80);
    z >>= 7;
  }
  buf[n++] = static_cast<char>(z);
  out.append(buf, n);
}

/// Appends an int (the same encoding as long).
inline void put_int(std::string& out, int32_t v) { put_long(out, v); }

inline void put_boolean(std::string& out, bool v) { out.push_back(v ? '\1' : '\0'); }

inline void put_float(std::string& out, float v) {
  static_assert(std::endian::native == std::endian::little, "Avro floats are little-endian");
  char buf[4];
  std::memcpy(buf, &v, 4);
  out.append(buf, 4);
}

inline void put_double(std::string& out, double v) {
  char buf[8];
  std::memcpy(buf, &v, 8);
  out.append(buf, 8);
}

/// Appends bytes or a string: length, then the bytes.
inline void put_bytes(std::string& out, std::string_view bytes) {
  put_long(out, static_cast<int64_t>(bytes.size()));
  out.append(bytes);
}

}  // namespace sluice::sinks::avro
