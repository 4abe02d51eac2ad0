// MySQL GTID / ANONYMOUS_GTID / PREVIOUS_GTIDS, MariaDB GTID / GTID_LIST.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Gtid__event.html
// https://mariadb.com/kb/en/gtid_event/ , https://mariadb.com/kb/en/gtid_list_event/
#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

constexpr uint64_t kHighBit56 = uint64_t{1} << 55;
constexpr uint32_t kHighBit32 = uint32_t{1} << 31;

ByteReader joined(ByteReader post, ByteReader body) {
  return ByteReader(post.data(), post.remaining() + body.remaining());
}

// The optional tail after the 42 fixed bytes: commit timestamps (7 bytes each, the top
// bit of the first says the original one follows), transaction length, server versions.
bool read_gtid_tail(ByteReader& r, Gtid& g) {
  if (r.remaining() < 7) return true;
  uint64_t ts;
  if (!r.uint_n(7, ts)) return false;
  bool has_original = (ts & kHighBit56) != 0;
  g.immediate_commit_us = ts & ~kHighBit56;
  g.original_commit_us = g.immediate_commit_us;
  if (has_original && !r.uint_n(7, g.original_commit_us)) return false;
  if (r.empty()) return true;
  if (!r.packed(g.transaction_length)) return false;
  if (r.remaining() < 4) return true;
  uint32_t version;
  if (!r.u32(version)) return false;
  if ((version & kHighBit32) && !r.skip(4)) return false;
  return true;  // commit_group_ticket (8.0.33+) and later fields are not needed
}

}  // namespace

core::Status decode_gtid(DecoderState&, const EventHeader& h, ByteReader post, ByteReader body,
                         EventBody& out) {
  ByteReader r = joined(post, body);
  Gtid g;
  g.anonymous = h.type == EventType::kAnonymousGtid;
  uint8_t flags, lt_type = 0;
  const uint8_t* sid;
  uint64_t gno;
  if (!r.u8(flags) || !r.bytes(16, sid) || !r.u64(gno)) return core::fail(corrupt("truncated GTID_EVENT"));
  std::copy(sid, sid + 16, g.uuid.begin());
  g.gno = static_cast<int64_t>(gno);
  if (!r.empty()) {
    uint64_t lc = 0, seq = 0;
    if (!r.u8(lt_type)) return core::fail(corrupt("truncated GTID_EVENT"));
    if (lt_type == 2 && (!r.u64(lc) || !r.u64(seq))) return core::fail(corrupt("truncated GTID_EVENT"));
    g.last_committed = static_cast<int64_t>(lc);
    g.sequence_number = static_cast<int64_t>(seq);
  }
  if (!read_gtid_tail(r, g)) return core::fail(corrupt("truncated GTID_EVENT commit timestamps"));
  out = g;
  return core::ok();
}

// GTID_TAGGED_LOG_EVENT (MySQL 8.3+) uses MySQL's own serialization format. Not decoded
// yet: the transaction is still delivered, with an unknown GTID.
core::Status decode_gtid_tagged(DecoderState& st, const EventHeader&, ByteReader, ByteReader, EventBody& out) {
  st.debug("GTID_TAGGED_LOG_EVENT at " + st.file + ":" + std::to_string(st.pos) +
           ": tagged GTIDs are not decoded yet; the transaction's gtid is reported as null");
  Gtid g;
  g.anonymous = true;
  out = g;
  return core::ok();
}

core::Status decode_previous_gtids(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                   EventBody& out) {
  ByteReader r = joined(post, body);
  PreviousGtids p;
  p.encoded = std::span<const uint8_t>(r.data(), r.remaining());
  out = p;
  return core::ok();
}

core::Status decode_maria_gtid(DecoderState&, const EventHeader& h, ByteReader post, ByteReader body,
                               EventBody& out) {
  ByteReader r = joined(post, body);
  Gtid g;
  g.mariadb = true;
  g.server_id = h.server_id;
  if (!r.u64(g.seq_no) || !r.u32(g.domain_id) || !r.u8(g.flags2)) {
    return core::fail(corrupt("truncated GTID_EVENT"));
  }
  g.standalone = (g.flags2 & 0x01) != 0;
  out = g;
  return core::ok();
}

core::Status decode_maria_gtid_list(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                    EventBody& out) {
  ByteReader r = joined(post, body);
  GtidList l;
  uint32_t word;
  if (!r.u32(word)) return core::fail(corrupt("truncated GTID_LIST_EVENT"));
  l.count = word & 0x0fffffff;  // the top 4 bits are flags
  const uint8_t* entries;
  if (static_cast<uint64_t>(l.count) * 16 > r.remaining() || !r.bytes(size_t{l.count} * 16, entries)) {
    return core::fail(corrupt("GTID_LIST_EVENT count past the event end"));
  }
  l.entries = std::span<const uint8_t>(entries, size_t{l.count} * 16);
  out = l;
  return core::ok();
}

}  // namespace sluice::binlog
