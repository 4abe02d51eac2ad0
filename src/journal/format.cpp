#include "journal/format.h"

#include <zlib.h>

namespace sluice::journal {

uint32_t crc32_of(uint32_t crc, const void* data, size_t n) {
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = n > (1u << 30) ? (1u << 30) : static_cast<uInt>(n);
    crc = static_cast<uint32_t>(crc32(crc, p, chunk));
    p += chunk;
    n -= chunk;
  }
  return crc;
}

uint64_t ByteIn::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t b = u8();
    if (!ok_) return 0;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  ok_ = false;  // more than ten bytes: not a varint we wrote
  return 0;
}

std::string_view ByteIn::str() {
  const uint64_t n = varint();
  if (!ok_ || static_cast<uint64_t>(end_ - p_) < n) {
    ok_ = false;
    return {};
  }
  std::string_view s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

const uint8_t* ByteIn::raw(size_t n) {
  if (!need(n)) return nullptr;
  const uint8_t* at = p_;
  p_ += n;
  return at;
}

std::string encode_segment_header(const SegmentHeader& h) {
  std::string out(kSegmentMagic, sizeof kSegmentMagic);
  put_u32(out, kFormatVersion);
  put_u32(out, 0);  // header length, set below
  put_u64(out, h.first_lsn);
  put_u64(out, static_cast<uint64_t>(h.created_micros));
  put_str(out, h.resume_file);
  put_varint(out, h.resume_pos);
  put_str(out, h.gtid_set);
  const uint32_t total = static_cast<uint32_t>(out.size() + 4);
  for (int i = 0; i < 4; ++i) out[12 + i] = static_cast<char>(total >> (8 * i));
  put_u32(out, crc32_of(0, out.data(), out.size()));
  return out;
}

core::Result<SegmentHeader> decode_segment_header(const uint8_t* p, size_t n, size_t& size) {
  auto bad = [](const std::string& what) {
    return core::fail(core::ErrorCode::kCorrupt, "segment header: " + what);
  };
  if (n < 16) return bad("truncated (" + std::to_string(n) + " bytes)");
  if (std::memcmp(p, kSegmentMagic, sizeof kSegmentMagic) != 0)
    return bad("no SLUICEJ magic: not a sluice journal segment");
  const uint32_t version = get_u32(p + 8);
  if (version != kFormatVersion) {
    return bad("format version " + std::to_string(version) + ", this sluice reads version " +
               std::to_string(kFormatVersion) + " (use the sluice that wrote it)");
  }
  const uint32_t total = get_u32(p + 12);
  if (total < 39 || total > (1u << 20)) return bad("impossible length " + std::to_string(total));
  if (n < total) return bad("truncated (" + std::to_string(n) + " of " + std::to_string(total) + " bytes)");
  if (crc32_of(0, p, total - 4) != get_u32(p + total - 4)) return bad("CRC mismatch");
  ByteIn in(p + 16, total - 20);
  SegmentHeader h;
  h.first_lsn = in.u64();
  h.created_micros = static_cast<int64_t>(in.u64());
  h.resume_file = std::string(in.str());
  h.resume_pos = in.varint();
  h.gtid_set = std::string(in.str());
  if (!in.ok() || !in.at_end()) return bad("fields do not fill its length");
  size = total;
  return h;
}

void append_record(std::string& out, uint64_t lsn, uint32_t flags, std::string_view part1,
                   std::string_view part2) {
  const size_t at = out.size();
  put_u32(out, static_cast<uint32_t>(part1.size() + part2.size()));
  put_u32(out, flags);
  put_u64(out, lsn);
  uint32_t crc = crc32_of(0, out.data() + at, 16);
  crc = crc32_of(crc, part1.data(), part1.size());
  crc = crc32_of(crc, part2.data(), part2.size());
  put_u32(out, crc);
  out.append(part1);
  out.append(part2);
}

RecordHeader decode_record_header(const uint8_t* p) {
  return RecordHeader{get_u32(p), get_u32(p + 4), get_u64(p + 8), get_u32(p + 16)};
}

bool record_crc_ok(const RecordHeader& h, const uint8_t* body) {
  uint8_t head[16];
  for (int i = 0; i < 4; ++i) head[i] = static_cast<uint8_t>(h.length >> (8 * i));
  for (int i = 0; i < 4; ++i) head[4 + i] = static_cast<uint8_t>(h.flags >> (8 * i));
  for (int i = 0; i < 8; ++i) head[8 + i] = static_cast<uint8_t>(h.lsn >> (8 * i));
  return crc32_of(crc32_of(0, head, 16), body, h.length) == h.crc;
}

}  // namespace sluice::journal
