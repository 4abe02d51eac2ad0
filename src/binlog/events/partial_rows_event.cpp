// PARTIAL_ROW_DATA_EVENT (MariaDB 12.3+, type 172, the server's Partial_rows_log_event): one
// rows event too large for a replica's slave_max_allowed_packet, cut into a group of fragments
// written one after the other (binlog_row_event_fragment_threshold bytes each).
// https://mariadb.com/docs/server/reference/clientserver-protocol/replication-protocol/partial_row_data_event
//   post-header (9 bytes): uint<4> sequence number of this fragment (1-based),
//                          uint<4> number of fragments in the group, uint<1> flags;
//   body: if flags & FL_ORIG_EVENT_SIZE (0x01, first fragment only) uint<8> the size of the
//         original event, then the fragment's bytes up to the end of the event.
// The fragments' bytes, joined in order, are the original rows event, common header included;
// the decoder then decodes it as if it stood at the first fragment's position.
#include <algorithm>

#include "binlog/events/decoder_state.h"

namespace sluice::binlog {

namespace {
constexpr uint8_t kFlagOrigEventSize = 0x01;
}  // namespace

// Read whole (the decoder passes an empty post-header): the post-header is 9 bytes, or what
// the FORMAT_DESCRIPTION announces when that is longer (later fields are skipped).
core::Status decode_partial_row_data(DecoderState& st, const EventHeader& h, ByteReader post, ByteReader body,
                                     EventBody& out) {
  (void)post;
  RowFragments& g = st.fragments;
  uint32_t seq = 0, total = 0;
  uint8_t flags = 0;
  const size_t post_len = std::max<size_t>(9, st.post_header_len[static_cast<uint8_t>(h.type)]);
  if (!body.u32(seq) || !body.u32(total) || !body.u8(flags) || !body.skip(post_len - 9)) {
    return core::fail(corrupt("truncated fragment header"));
  }
  uint64_t size = 0;
  if ((flags & kFlagOrigEventSize) != 0 && !body.u64(size))
    return core::fail(corrupt("truncated fragment header"));
  const std::string expected = g.open() ? std::to_string(g.next) + " of " + std::to_string(g.total) : "1";
  if (total == 0 || seq == 0 || seq > total || (g.open() ? seq != g.next || total != g.total : seq != 1)) {
    return core::fail(corrupt("fragment " + std::to_string(seq) + " of " + std::to_string(total) +
                              " where fragment " + expected + " was due"));
  }
  if (seq == 1) {
    if ((flags & kFlagOrigEventSize) == 0)
      return core::fail(corrupt("first fragment without the event's size"));
    if (size < kEventHeaderSize || size > st.options.max_event_size) {
      return core::fail(corrupt("fragmented rows event of " + std::to_string(size) + " bytes (limit " +
                                std::to_string(st.options.max_event_size) + ")"));
    }
    g.bytes.clear();
    g.bytes.reserve(size);
    g.size = size;
    g.total = total;
    g.pos = st.pos;
  }
  if (body.remaining() > g.size - g.bytes.size()) {
    return core::fail(corrupt("fragments longer than the rows event's size " + std::to_string(g.size)));
  }
  const uint8_t* chunk = nullptr;
  const size_t n = body.remaining();
  if (!body.bytes(n, chunk)) return core::fail(corrupt("truncated fragment"));
  g.bytes.insert(g.bytes.end(), chunk, chunk + n);
  g.next = seq + 1;
  if (seq == total && g.bytes.size() != g.size) {
    return core::fail(corrupt("fragments add up to " + std::to_string(g.bytes.size()) + " bytes, not the " +
                              std::to_string(g.size) + " of the rows event"));
  }
  out = Skipped{};
  return core::ok();
}

}  // namespace sluice::binlog
