#pragma once
/// The on-disk format of the transaction log (docs/transaction-log.md is its spec): the segment
/// header, the record header and the little-endian / LEB128 primitives both use. A bounds-checked
/// reader (ByteIn) checks before it advances, so bytes from a damaged file produce an error,
/// never undefined behaviour. CRC32 is zlib's (the project links zlib already).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::journal {

inline constexpr char kSegmentMagic[8] = {'S', 'L', 'U', 'I', 'C', 'E', 'J', '\n'};
inline constexpr uint32_t kFormatVersion = 1;
/// length (u32), flags (u32), LSN (u64), CRC32 (u32): docs/transaction-log.md.
inline constexpr size_t kRecordHeaderSize = 20;
/// A record body larger than this is damage, not data (writers split transactions far below).
inline constexpr uint32_t kMaxRecordBody = uint32_t{256} << 20;
/// Record flag: the transaction goes on in the next record (a fragment of a large transaction).
inline constexpr uint32_t kRecordMore = 1;

/// CRC-32 (ISO-HDLC, as zlib and the binlog compute it) of `n` bytes, continuing from `crc`.
uint32_t crc32_of(uint32_t crc, const void* p, size_t n);

inline void put_u32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}
inline void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}
inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
inline void put_zigzag(std::string& out, int64_t v) {
  put_varint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
inline void put_str(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}
inline uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

/// Reads a byte range front to back; every get checks the bytes are there first. After a
/// failed get `ok()` is false and every later get returns zeros.
class ByteIn {
 public:
  ByteIn(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  uint8_t u8() { return need(1) ? *p_++ : 0; }
  uint32_t u32() { return need(4) ? advance_u32() : 0; }
  uint64_t u64() { return need(8) ? advance_u64() : 0; }
  uint64_t varint();
  int64_t zigzag() {
    uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  std::string_view str();
  const uint8_t* raw(size_t n);

 private:
  bool need(size_t n) {
    if (ok_ && static_cast<size_t>(end_ - p_) >= n) return true;
    ok_ = false;
    return false;
  }
  uint32_t advance_u32() {
    uint32_t v = get_u32(p_);
    p_ += 4;
    return v;
  }
  uint64_t advance_u64() {
    uint64_t v = get_u64(p_);
    p_ += 8;
    return v;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

/// What a segment's header says: the LSN of its first record, when it was made, and the source
/// state before that record (where a reader of the source resumes, and the GTID set executed),
/// so a segment read alone tells the resume point of each of its records.
struct SegmentHeader {
  uint64_t first_lsn = 1;
  int64_t created_micros = 0;  ///< microseconds since the epoch (UTC)
  std::string resume_file;     ///< the source position before the first record ("" = none yet)
  uint64_t resume_pos = 0;
  std::string gtid_set;  ///< core::GtidSet::str() before the first record ("" = none)
};

/// The header's bytes (magic, version, length, fields, CRC).
std::string encode_segment_header(const SegmentHeader& h);
/// Parses a header from the start of `p`; `size` is set to its length in bytes. kCorrupt naming
/// what is wrong (magic, version, CRC, a truncated header).
core::Result<SegmentHeader> decode_segment_header(const uint8_t* p, size_t n, size_t& size);

/// A record's header (kRecordHeaderSize bytes).
struct RecordHeader {
  uint32_t length = 0;  ///< body bytes after the header
  uint32_t flags = 0;   ///< kRecordMore
  uint64_t lsn = 0;
  uint32_t crc = 0;  ///< CRC32 of length, flags, LSN and the body
};

/// Appends the header for the body `part1` + `part2` (computing the CRC) to `out`, then the body.
void append_record(std::string& out, uint64_t lsn, uint32_t flags, std::string_view part1,
                   std::string_view part2 = {});
RecordHeader decode_record_header(const uint8_t* p);
/// True when `body` matches the header's CRC.
bool record_crc_ok(const RecordHeader& h, const uint8_t* body);

}  // namespace sluice::journal
