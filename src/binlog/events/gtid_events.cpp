// MySQL GTID / ANONYMOUS_GTID / PREVIOUS_GTIDS, MariaDB GTID / GTID_LIST.
// https://dev.mysql.com/doc/dev/mysql-server/latest/classbinary__log_1_1Gtid__event.html
// https://mariadb.com/kb/en/gtid_event/ , https://mariadb.com/kb/en/gtid_list_event/
#include <bit>

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

// GTID_TAGGED_LOG_EVENT (MySQL 8.3+) is written in MySQL's serialization format
// (libs/mysql/serialization/readme.md): a version byte, then a message: its size, the last
// non-ignorable field id, and (field id, value) pairs, every number a "varlen" integer
// (1-9 bytes, little-endian; the count of trailing one bits of the first byte + 1 is the
// length). Signed numbers are zig-zag encoded. Fields of Gtid_event, by id: 0 flags,
// 1 uuid (16 varlen bytes), 2 gno (signed), 3 tag (length + bytes), 4 last_committed,
// 5 sequence_number (signed), 6 immediate commit us, 7 original commit us (absent: equal),
// 8 transaction length, 9/10 server versions, 11 commit group ticket.
namespace {

bool varlen_u(ByteReader& r, uint64_t& v) {
  if (r.empty()) return false;
  const unsigned first = *r.data();
  const unsigned ones = static_cast<unsigned>(std::countr_one(first));
  if (ones >= 8) {  // 9 bytes: the 8 after the first hold the value
    return r.skip(1) && r.u64(v);
  }
  uint64_t raw;
  if (!r.uint_n(ones + 1, raw)) return false;
  v = raw >> (ones + 1);
  return true;
}

bool varlen_s(ByteReader& r, int64_t& v) {
  uint64_t u;
  if (!varlen_u(r, u)) return false;
  v = (u & 1) ? -static_cast<int64_t>(u >> 1) - 1 : static_cast<int64_t>(u >> 1);
  return true;
}

bool tagged_field(ByteReader& r, uint64_t id, Gtid& g, bool& has_original) {
  uint64_t u = 0;
  switch (id) {
    case 0: return varlen_u(r, u);
    case 1:
      for (auto& b : g.uuid) {
        if (!varlen_u(r, u) || u > 255) return false;
        b = static_cast<uint8_t>(u);
      }
      return true;
    case 2: return varlen_s(r, g.gno);
    case 3: {
      std::string_view tag;
      if (!varlen_u(r, u) || u > 32 || !r.str(static_cast<size_t>(u), tag)) return false;
      g.tag = tag;
      return true;
    }
    case 4: return varlen_s(r, g.last_committed);
    case 5: return varlen_s(r, g.sequence_number);
    case 6: return varlen_u(r, g.immediate_commit_us);
    case 7: has_original = true; return varlen_u(r, g.original_commit_us);
    case 8: return varlen_u(r, g.transaction_length);
    default: return varlen_u(r, u);  // 9, 10 server versions, 11 commit group ticket
  }
}

}  // namespace

core::Status decode_gtid_tagged(DecoderState&, const EventHeader&, ByteReader post, ByteReader body,
                                EventBody& out) {
  const ByteReader all = joined(post, body);
  ByteReader r = all;
  uint64_t size, last_required;
  if (!r.skip(1) || !varlen_u(r, size) || !varlen_u(r, last_required)) {  // version byte, size, id
    return core::fail(corrupt("truncated GTID_TAGGED_LOG_EVENT"));
  }
  const size_t used = static_cast<size_t>(r.data() - all.data());
  if (size > all.remaining() || size < used) {
    return core::fail(corrupt("GTID_TAGGED_LOG_EVENT message size " + std::to_string(size) + " does not fit the event"));
  }
  if (last_required > 11) {
    return core::fail(core::ErrorCode::kUnsupported, "GTID_TAGGED_LOG_EVENT requires field " +
                                                         std::to_string(last_required) + ", unknown here");
  }
  r = ByteReader(r.data(), static_cast<size_t>(size) - used);
  Gtid g;
  bool has_original = false;
  while (!r.empty()) {
    uint64_t id;
    if (!varlen_u(r, id)) return core::fail(corrupt("truncated GTID_TAGGED_LOG_EVENT field id"));
    if (id > 11) break;  // a newer, ignorable field: sizes are not encoded, so stop here
    if (!tagged_field(r, id, g, has_original)) {
      return core::fail(corrupt("truncated GTID_TAGGED_LOG_EVENT field " + std::to_string(id)));
    }
  }
  if (!has_original) g.original_commit_us = g.immediate_commit_us;
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
