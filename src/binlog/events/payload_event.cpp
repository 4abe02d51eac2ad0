// TRANSACTION_PAYLOAD_EVENT (MySQL 8.0.20+, binlog_transaction_compression=ON) and
// MariaDB's compressed-event format (log_bin_compress=ON).
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Transaction__payload__event.html
// https://mariadb.com/kb/en/compressed-binary-log/
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {

core::Result<size_t> parse_transaction_payload_fields(std::span<const uint8_t> bytes, TransactionPayload& p,
                                                     std::optional<uint64_t>& size) {
  ByteReader r(bytes.data(), bytes.size());
  while (true) {
    uint64_t type, len;
    ByteReader v;
    if (!r.packed(type)) return core::fail(corrupt("truncated TRANSACTION_PAYLOAD_EVENT header"));
    if (type == 0) break;  // end of the header fields
    if (!r.packed(len) || !r.sub(len, v)) return core::fail(corrupt("truncated TRANSACTION_PAYLOAD_EVENT header"));
    uint64_t value = 0;
    if (!v.packed(value)) return core::fail(corrupt("bad TRANSACTION_PAYLOAD_EVENT field"));
    if (type == 1) size = value;
    if (type == 2) p.compression = value;
    if (type == 3) p.uncompressed_size = value;
  }
  if (p.compression != 0 && p.compression != 255) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "TRANSACTION_PAYLOAD_EVENT compression type " + std::to_string(p.compression));
  }
  return bytes.size() - r.remaining();
}

core::Status decode_transaction_payload(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                        EventBody& out) {
  std::span<const uint8_t> all(post.data(), post.remaining() + body.remaining());
  TransactionPayload p;
  std::optional<uint64_t> size;
  auto fields = parse_transaction_payload_fields(all, p, size);
  if (!fields) return core::fail(fields.error());
  // The claimed uncompressed size is only checked against what inflates (PayloadInflater):
  // inner events are delivered piecewise, so a transaction of any size needs no allocation of it.
  p.payload = all.subspan(*fields);
  if (size && *size != p.payload.size()) return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT size mismatch"));
  out = p;
  return core::ok();
}

core::Result<std::span<const uint8_t>> maria_inflate(DecoderState& st, ByteReader in) {
  uint8_t head;
  uint64_t len;
  if (!in.u8(head)) return core::fail(corrupt("truncated compressed event"));
  size_t lenlen = head & 0x07;
  if (lenlen < 1 || lenlen > 4) return core::fail(corrupt("bad compressed event header"));
  const uint8_t* b;
  if (!in.bytes(lenlen, b)) return core::fail(corrupt("truncated compressed event"));
  len = 0;
  for (size_t i = 0; i < lenlen; ++i) len = (len << 8) | b[i];  // big-endian
  if (len > st.options.max_event_size) return core::fail(corrupt("compressed event claims too many bytes"));
  // zlib cannot expand more than ~1032:1, so a larger claim is a lie: never allocate it.
  if (len > uint64_t{in.remaining()} * 1032 + 64) {
    return core::fail(corrupt("compressed event claims " + std::to_string(len) + " bytes from " +
                              std::to_string(in.remaining()) + " compressed"));
  }
  st.inflate_buf.resize(len);
  if (len == 0) return std::span<const uint8_t>();
  uLongf out_len = static_cast<uLongf>(len);
  int rc = uncompress(st.inflate_buf.data(), &out_len, in.data(), static_cast<uLong>(in.remaining()));
  if (rc != Z_OK || out_len != len) return core::fail(corrupt("compressed event does not inflate"));
  return std::span<const uint8_t>(st.inflate_buf.data(), len);
}

namespace {

constexpr size_t kInflateChunk = size_t{256} << 10;

uint32_t inner_event_size(const uint8_t* h) {
  return static_cast<uint32_t>(h[9]) | static_cast<uint32_t>(h[10]) << 8 | static_cast<uint32_t>(h[11]) << 16 |
         static_cast<uint32_t>(h[12]) << 24;
}

}  // namespace

core::Status PayloadInflater::begin(size_t max_event_size) {
  if (zstd_ == nullptr) zstd_ = ZSTD_createDCtx();
  if (zstd_ == nullptr) return core::fail(core::ErrorCode::kInternal, "out of memory for zstd");
  ZSTD_DCtx_reset(zstd_, ZSTD_reset_session_only);
  max_event_size_ = max_event_size;
  start_ = end_ = 0;
  held_ = kNone;
  total_ = 0;
  frame_done_ = false;
  return core::ok();
}

PayloadInflater::~PayloadInflater() {
  if (zstd_) ZSTD_freeDCtx(zstd_);
}

// Hands out every complete inner event but the newest, which stays held (see finish()).
core::Status PayloadInflater::deliver(const EachEvent& each, size_t& need) {
  need = kEventHeaderSize;
  while (end_ - start_ >= kEventHeaderSize) {
    uint32_t size = inner_event_size(buf_.data() + start_);
    if (size < kEventHeaderSize || size > max_event_size_) {
      return core::fail(corrupt("inner event of TRANSACTION_PAYLOAD_EVENT has impossible length " +
                                std::to_string(size)));
    }
    if (end_ - start_ < size) {
      need = size;
      break;
    }
    if (held_ != kNone) SLUICE_TRY(each(std::span<const uint8_t>(buf_.data() + held_, start_ - held_)));
    held_ = start_;
    start_ += size;
  }
  return core::ok();
}

core::Status PayloadInflater::feed(std::span<const uint8_t> in, const EachEvent& each) {
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  while (true) {
    size_t need = 0;
    SLUICE_TRY(deliver(each, need));
    size_t keep = held_ != kNone ? held_ : start_;  // the held event and the unread tail move to the front
    if (keep > 0) {
      std::memmove(buf_.data(), buf_.data() + keep, end_ - keep);
      end_ -= keep;
      start_ -= keep;
      if (held_ != kNone) held_ = 0;
    }
    size_t want = std::max(end_ + kInflateChunk, start_ + need);
    if (buf_.size() < want) buf_.resize(want);
    if (src.pos == src.size && frame_done_) return core::ok();
    ZSTD_outBuffer dst{buf_.data(), buf_.size(), end_};
    size_t rc = ZSTD_decompressStream(zstd_, &dst, &src);
    if (ZSTD_isError(rc)) return core::fail(corrupt(std::string("zstd payload: ") + ZSTD_getErrorName(rc)));
    total_ += dst.pos - end_;
    end_ = dst.pos;
    frame_done_ = rc == 0;
    // All input taken and room left in the output: zstd has flushed all it can from this input.
    if (src.pos == src.size && dst.pos < dst.size) {
      size_t rest = 0;
      return deliver(each, rest);
    }
  }
}

core::Status PayloadInflater::finish(uint64_t claimed, const EachEvent& each) {
  if (!frame_done_) return core::fail(corrupt("truncated zstd payload"));
  if (end_ != start_) return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT ends inside an inner event"));
  if (claimed != 0 && total_ != claimed) {
    return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT inflates to " + std::to_string(total_) +
                              " bytes, not the " + std::to_string(claimed) + " it claims"));
  }
  if (held_ != kNone) {
    size_t at = held_;
    held_ = kNone;
    SLUICE_TRY(each(std::span<const uint8_t>(buf_.data() + at, start_ - at)));
  }
  if (buf_.size() > (size_t{4} << 20)) std::vector<uint8_t>().swap(buf_);  // one huge inner event: give it back
  return core::ok();
}

}  // namespace sluice::binlog
