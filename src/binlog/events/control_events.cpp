// FORMAT_DESCRIPTION, ROTATE, STOP, XID, HEARTBEAT v1/v2, INCIDENT, ROWS_QUERY,
// ANNOTATE_ROWS, BINLOG_CHECKPOINT, START_ENCRYPTION.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Format__description__event.html
// https://mariadb.com/kb/en/format_description_event/
#include <charconv>
#include <cstring>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

// Server versions that write the checksum-algorithm byte: MySQL >= 5.6.1, MariaDB >= 5.3.
bool writes_checksum_alg(std::string_view version) {
  int v[3] = {0, 0, 0};
  const char* p = version.data();
  const char* end = p + version.size();
  for (int i = 0; i < 3 && p < end; ++i) {
    auto r = std::from_chars(p, end, v[i]);
    p = r.ptr;
    if (p < end && *p == '.') ++p;
    else break;
  }
  int n = v[0] * 10000 + v[1] * 100 + v[2];
  bool maria = version.find("MariaDB") != std::string_view::npos;
  return maria ? n >= 50300 : n >= 50601;
}

}  // namespace

core::Status decode_format_description(DecoderState& st, const EventHeader&, ByteReader post,
                                       ByteReader body, EventBody& out) {
  // The decoder hands the whole event after the header (checksum included) in `body`.
  ByteReader r = post.empty() ? body : ByteReader(post.data(), post.remaining() + body.remaining());
  FormatDescription f;
  std::string_view version;
  if (!r.u16(f.binlog_version) || !r.str(50, version) || !r.u32(f.created) || !r.u8(f.header_length)) {
    return core::fail(corrupt("truncated FORMAT_DESCRIPTION_EVENT"));
  }
  if (f.binlog_version != 4) {
    return core::fail(core::ErrorCode::kUnsupported,
                      "binlog version " + std::to_string(f.binlog_version) + " is not supported (only v4)");
  }
  if (f.header_length < kEventHeaderSize) return core::fail(corrupt("FORMAT_DESCRIPTION header length < 19"));
  size_t nul = version.find('\0');
  if (nul != std::string_view::npos) version = version.substr(0, nul);
  size_t types = r.remaining();
  if (writes_checksum_alg(version)) {
    if (types < 1 + kChecksumSize) return core::fail(corrupt("truncated FORMAT_DESCRIPTION_EVENT"));
    types -= 1 + kChecksumSize;
    f.checksum_alg = r.data()[types];
    if (f.checksum_alg != 0 && f.checksum_alg != 1 && f.checksum_alg != 255) {
      return core::fail(core::ErrorCode::kUnsupported,
                        "checksum algorithm " + std::to_string(f.checksum_alg) + " is not supported");
    }
    if (f.checksum_alg == 255) f.checksum_alg = 0;  // BINLOG_CHECKSUM_ALG_UNDEF
  }
  // post_header_len[i] describes event type i + 1; types the array omits keep defaults.
  for (size_t i = 0; i < 256; ++i) st.post_header_len[i] = event_type_info(static_cast<uint8_t>(i)).post_header;
  for (size_t i = 0; i < types && i + 1 < 256; ++i) {
    uint8_t code = static_cast<uint8_t>(i + 1);
    // FORMAT_DESCRIPTION itself is parsed from the body; keep our own entry for it.
    if (code != static_cast<uint8_t>(EventType::kFormatDescription)) st.post_header_len[code] = r.data()[i];
  }
  st.server_version.assign(version);
  f.server_version = st.server_version;
  f.mariadb = version.find("MariaDB") != std::string_view::npos;
  st.format = f;
  st.have_format = true;
  st.checksum_alg = f.checksum_alg;
  // A new FORMAT_DESCRIPTION starts a new file or server session: table ids restart.
  st.tables.clear();
  out = f;
  return core::ok();
}

core::Status decode_rotate(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                           EventBody& out) {
  Rotate r;
  if (post.remaining() >= 8 && !post.u64(r.position)) return core::fail(corrupt("truncated ROTATE_EVENT"));
  r.next_file = body.rest_str();
  if (r.next_file.empty() || r.next_file.size() > 512) return core::fail(corrupt("ROTATE_EVENT with bad file name"));
  out = r;
  return core::ok();
}

core::Status decode_stop(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody& out) {
  out = Stop{};
  return core::ok();
}

core::Status decode_xid(DecoderState&, const EventHeader&, ByteReader post, ByteReader body, EventBody& out) {
  Xid x;
  ByteReader r = post.empty() ? body : ByteReader(post.data(), post.remaining() + body.remaining());
  if (!r.u64(x.xid)) return core::fail(corrupt("truncated XID_EVENT"));
  out = x;
  return core::ok();
}

// one_phase (1), formatID (4), gtrid_length (4), bqual_length (4), gtrid and bqual bytes (at
// most 64 each, as XIDs are).
core::Status decode_xa_prepare(DecoderState&, const EventHeader&, ByteReader, ByteReader body,
                               EventBody& out) {
  uint8_t one_phase = 0;
  uint32_t format_id = 0, gtrid_len = 0, bqual_len = 0;
  std::string_view data;
  if (!body.u8(one_phase) || !body.u32(format_id) || !body.u32(gtrid_len) || !body.u32(bqual_len) ||
      gtrid_len > 64 || bqual_len > 64 || !body.str(gtrid_len + bqual_len, data)) {
    return core::fail(corrupt("truncated or impossible XA_PREPARE_LOG_EVENT"));
  }
  XaPrepare x;
  x.one_phase = one_phase != 0;
  auto hex = [&x](std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    x.xid += "X'";
    for (unsigned char c : bytes) {
      x.xid += kDigits[c >> 4];
      x.xid += kDigits[c & 15];
    }
    x.xid += "'";
  };
  hex(data.substr(0, gtrid_len));
  x.xid += ",";
  hex(data.substr(gtrid_len));
  x.xid += "," + std::to_string(static_cast<int32_t>(format_id));
  out = std::move(x);
  return core::ok();
}

core::Status decode_heartbeat(DecoderState&, const EventHeader& h, ByteReader, ByteReader body, EventBody& out) {
  Heartbeat hb;
  hb.log_file = body.rest_str();
  hb.position = h.log_pos;
  out = hb;
  return core::ok();
}

// HEARTBEAT_LOG_EVENT_V2: fields as (type, length, value) with packed integers; 1 = log file
// name, 2 = position (packed integer); 0 ends the header.
core::Status decode_heartbeat_v2(DecoderState&, const EventHeader&, ByteReader, ByteReader body,
                                 EventBody& out) {
  Heartbeat hb;
  while (!body.empty()) {
    uint64_t type, len;
    ByteReader v;
    if (!body.packed(type)) return core::fail(corrupt("truncated HEARTBEAT_LOG_EVENT_V2"));
    if (type == 0) break;
    if (!body.packed(len) || !body.sub(len, v)) return core::fail(corrupt("truncated HEARTBEAT_LOG_EVENT_V2"));
    if (type == 1) hb.log_file = v.rest_str();
    if (type == 2 && !v.packed(hb.position)) return core::fail(corrupt("bad HEARTBEAT_LOG_EVENT_V2 position"));
  }
  out = hb;
  return core::ok();
}

core::Status decode_incident(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                             EventBody& out) {
  Incident inc;
  uint8_t len = 0;
  if (!post.u16(inc.type)) return core::fail(corrupt("truncated INCIDENT_EVENT"));
  if (!body.empty() && (!body.u8(len) || !body.str(len, inc.message))) {
    return core::fail(corrupt("truncated INCIDENT_EVENT message"));
  }
  out = inc;
  return core::ok();
}

core::Status decode_rows_query(DecoderState&, const EventHeader&, ByteReader, ByteReader body, EventBody& out) {
  uint8_t ignored_len;
  if (!body.u8(ignored_len)) return core::fail(corrupt("truncated ROWS_QUERY_EVENT"));
  out = RowsQuery{body.rest_str()};
  return core::ok();
}

core::Status decode_annotate_rows(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                  EventBody& out) {
  ByteReader r = post.empty() ? body : ByteReader(post.data(), post.remaining() + body.remaining());
  out = RowsQuery{r.rest_str()};
  return core::ok();
}

core::Status decode_binlog_checkpoint(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                      EventBody& out) {
  ByteReader r = ByteReader(post.data(), post.remaining() + body.remaining());
  uint32_t len;
  BinlogCheckpoint c;
  if (!r.u32(len) || !r.str(len, c.file)) return core::fail(corrupt("truncated BINLOG_CHECKPOINT_EVENT"));
  out = c;
  return core::ok();
}

core::Status decode_start_encryption(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&) {
  return core::fail(core::ErrorCode::kUnsupported,
                    "encrypted binlog not supported (START_ENCRYPTION_EVENT): the file is encrypted "
                    "with encrypt_binlog=ON; read the changes from the server as a replica instead");
}

}  // namespace sluice::binlog
