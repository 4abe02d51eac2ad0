// TRANSACTION_PAYLOAD_EVENT (MySQL 8.0.20+, binlog_transaction_compression=ON) and
// MariaDB's compressed-event format (log_bin_compress=ON).
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Transaction__payload__event.html
// https://mariadb.com/kb/en/compressed-binary-log/
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {

core::Status decode_transaction_payload(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                        EventBody& out) {
  ByteReader r(post.data(), post.remaining() + body.remaining());
  TransactionPayload p;
  uint64_t size = 0;
  bool have_size = false;
  while (true) {
    uint64_t type, len;
    ByteReader v;
    if (!r.packed(type)) return core::fail(corrupt("truncated TRANSACTION_PAYLOAD_EVENT header"));
    if (type == 0) break;  // end of the header fields
    if (!r.packed(len) || !r.sub(len, v)) return core::fail(corrupt("truncated TRANSACTION_PAYLOAD_EVENT header"));
    uint64_t value = 0;
    if (!v.packed(value)) return core::fail(corrupt("bad TRANSACTION_PAYLOAD_EVENT field"));
    if (type == 1) { size = value; have_size = true; }
    if (type == 2) p.compression = value;
    if (type == 3) p.uncompressed_size = value;
  }
  if (have_size && size != r.remaining()) return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT size mismatch"));
  if (p.compression != 0 && p.compression != 255) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "TRANSACTION_PAYLOAD_EVENT compression type " + std::to_string(p.compression));
  }
  // The claimed uncompressed size is only checked against what inflates (zstd_for_each_event):
  // inner events are delivered piecewise, so a transaction of any size needs no allocation of it.
  p.payload = std::span<const uint8_t>(r.data(), r.remaining());
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

/// Inflates piecewise into st.payload_buf, which holds the unread tail: at most one
/// inner event plus one chunk, whatever the transaction's size or its claimed size.
core::Status zstd_for_each_event(DecoderState& st, std::span<const uint8_t> in, uint64_t claimed,
                                 const std::function<core::Status(std::span<const uint8_t>)>& each) {
  if (st.zstd == nullptr) st.zstd = ZSTD_createDCtx();
  if (st.zstd == nullptr) return core::fail(core::ErrorCode::kInternal, "out of memory for zstd");
  ZSTD_DCtx_reset(st.zstd, ZSTD_reset_session_only);
  std::vector<uint8_t>& buf = st.payload_buf;
  size_t start = 0, end = 0;
  uint64_t total = 0;
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  bool done = false;
  while (true) {
    size_t need = kEventHeaderSize;  // bytes the next inner event needs in total
    while (end - start >= kEventHeaderSize) {
      uint32_t size = inner_event_size(buf.data() + start);
      if (size < kEventHeaderSize || size > st.options.max_event_size) {
        return core::fail(corrupt("inner event of TRANSACTION_PAYLOAD_EVENT has impossible length " +
                                  std::to_string(size)));
      }
      if (end - start < size) {
        need = size;
        break;
      }
      SLUICE_TRY(each(std::span<const uint8_t>(buf.data() + start, size)));
      start += size;
    }
    if (done) break;
    if (start > 0) {
      std::memmove(buf.data(), buf.data() + start, end - start);
      end -= start;
      start = 0;
    }
    size_t want = std::max(end + kInflateChunk, need);
    if (buf.size() < want) buf.resize(want);
    ZSTD_outBuffer dst{buf.data(), buf.size(), end};
    size_t rc = ZSTD_decompressStream(st.zstd, &dst, &src);
    if (ZSTD_isError(rc)) return core::fail(corrupt(std::string("zstd payload: ") + ZSTD_getErrorName(rc)));
    total += dst.pos - end;
    if (rc == 0 && src.pos == src.size) {
      done = true;
    } else if (src.pos == src.size && dst.pos == end) {
      return core::fail(corrupt("truncated zstd payload"));
    }
    end = dst.pos;
  }
  if (end != start) return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT ends inside an inner event"));
  if (claimed != 0 && total != claimed) {
    return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT inflates to " + std::to_string(total) + " bytes, not the " +
                              std::to_string(claimed) + " it claims"));
  }
  if (buf.size() > (size_t{4} << 20)) std::vector<uint8_t>().swap(buf);  // one huge inner event: give it back
  return core::ok();
}

}  // namespace sluice::binlog
