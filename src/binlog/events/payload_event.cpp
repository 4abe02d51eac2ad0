// TRANSACTION_PAYLOAD_EVENT (MySQL 8.0.20+, binlog_transaction_compression=ON) and
// MariaDB's compressed-event format (log_bin_compress=ON).
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Transaction__payload__event.html
// https://mariadb.com/kb/en/compressed-binary-log/
#include <zlib.h>
#include <zstd.h>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {

core::Status decode_transaction_payload(DecoderState& st, const EventHeader&, ByteReader post, ByteReader body,
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
  if (p.uncompressed_size > st.options.max_event_size) {
    return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT claims " + std::to_string(p.uncompressed_size) +
                              " bytes, more than the limit"));
  }
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
  st.inflate_buf.resize(len);
  if (len == 0) return std::span<const uint8_t>();
  uLongf out_len = static_cast<uLongf>(len);
  int rc = uncompress(st.inflate_buf.data(), &out_len, in.data(), static_cast<uLong>(in.remaining()));
  if (rc != Z_OK || out_len != len) return core::fail(corrupt("compressed event does not inflate"));
  return std::span<const uint8_t>(st.inflate_buf.data(), len);
}

/// Inflates a zstd payload into st.payload_buf, growing it as output arrives (never
/// trusting a claimed size beyond options.max_event_size).
core::Result<std::span<const uint8_t>> zstd_inflate(DecoderState& st, std::span<const uint8_t> in,
                                                    uint64_t size_hint) {
  if (st.zstd == nullptr) st.zstd = ZSTD_createDCtx();
  if (st.zstd == nullptr) return core::fail(core::ErrorCode::kInternal, "out of memory for zstd");
  ZSTD_DCtx_reset(st.zstd, ZSTD_reset_session_only);
  size_t cap = size_hint > 0 ? static_cast<size_t>(size_hint) : in.size() * 4 + 1024;
  if (cap > st.options.max_event_size) cap = st.options.max_event_size;
  st.payload_buf.resize(cap);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  ZSTD_outBuffer dst{st.payload_buf.data(), st.payload_buf.size(), 0};
  while (true) {
    size_t rc = ZSTD_decompressStream(st.zstd, &dst, &src);
    if (ZSTD_isError(rc)) return core::fail(corrupt(std::string("zstd payload: ") + ZSTD_getErrorName(rc)));
    if (rc == 0 && src.pos == src.size) break;
    if (dst.pos == dst.size) {
      if (st.payload_buf.size() >= st.options.max_event_size) {
        return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT inflates past the size limit"));
      }
      size_t grown = std::min(st.payload_buf.size() * 2, st.options.max_event_size);
      st.payload_buf.resize(grown);
      dst.dst = st.payload_buf.data();
      dst.size = grown;
    } else if (src.pos == src.size) {
      return core::fail(corrupt("truncated zstd payload"));
    }
  }
  return std::span<const uint8_t>(st.payload_buf.data(), dst.pos);
}

}  // namespace sluice::binlog
