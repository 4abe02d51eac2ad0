#include "binlog/event_decoder.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "binlog/crc32.h"
#include "binlog/events/decoder_state.h"

namespace sluice::binlog {
namespace {

uint32_t read_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

uint32_t crc_of(const uint8_t* p, size_t n) { return crc32_ieee(0, p, n); }

// CRC32 over the event minus its trailer. A FORMAT_DESCRIPTION whose "in use" flag is
// set was checksummed before the flag was set, so it is also tried with the flag clear.
bool checksum_ok(std::span<const uint8_t> bytes, const EventHeader& h, uint32_t& stored, uint32_t& computed) {
  size_t n = bytes.size() - kChecksumSize;
  stored = read_le32(bytes.data() + n);
  computed = crc_of(bytes.data(), n);
  if (computed == stored) return true;
  if (h.type == EventType::kFormatDescription && (h.flags & kFlagBinlogInUse)) {
    uint8_t head[kEventHeaderSize];
    std::copy(bytes.data(), bytes.data() + kEventHeaderSize, head);
    head[17] = static_cast<uint8_t>(head[17] & ~kFlagBinlogInUse);
    computed = crc32_ieee(crc32_ieee(0, head, kEventHeaderSize), bytes.data() + kEventHeaderSize,
                          n - kEventHeaderSize);
    return computed == stored;
  }
  return false;
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// "WRITE_ROWS_EVENT at mysql-bin.000042:1234", the context of an event's errors.
std::string event_where(const EventHeader& h, std::string_view file, uint64_t pos) {
  const char* name = event_type_info(static_cast<uint8_t>(h.type)).name;
  return std::string(name ? name : "UNKNOWN_EVENT") + " at " + std::string(file) + ":" + std::to_string(pos);
}

core::Status verify_checksum(std::span<const uint8_t> bytes, const EventHeader& h, std::string_view file,
                             uint64_t pos) {
  uint32_t stored, computed;
  if (checksum_ok(bytes, h, stored, computed)) return core::ok();
  return core::fail(corrupt("CRC32 mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")")
                        .with_context(event_where(h, file, pos)));
}

// Events whose CRC32 a ChecksumSink may check later: the rows events (the bulk of a binlog).
bool is_rows_type(EventType t) {
  switch (t) {
    case EventType::kWriteRowsV1: case EventType::kUpdateRowsV1: case EventType::kDeleteRowsV1:
    case EventType::kWriteRows: case EventType::kUpdateRows: case EventType::kDeleteRows:
    case EventType::kPartialUpdateRows:
    case EventType::kWriteRowsCompressedV1: case EventType::kUpdateRowsCompressedV1:
    case EventType::kDeleteRowsCompressedV1: case EventType::kWriteRowsCompressed:
    case EventType::kUpdateRowsCompressed: case EventType::kDeleteRowsCompressed:
      return true;
    default:
      return false;
  }
}

}  // namespace

core::Result<EventHeader> parse_event_header(std::span<const uint8_t> bytes) {
  ByteReader r(bytes.data(), bytes.size());
  EventHeader h;
  uint8_t type;
  if (!r.u32(h.timestamp) || !r.u8(type) || !r.u32(h.server_id) || !r.u32(h.event_size) || !r.u32(h.log_pos) ||
      !r.u16(h.flags)) {
    return core::fail(corrupt("truncated event header (" + std::to_string(bytes.size()) + " bytes)"));
  }
  h.type = static_cast<EventType>(type);
  if (h.event_size < kEventHeaderSize) {
    return core::fail(corrupt("impossible event length " + std::to_string(h.event_size)));
  }
  return h;
}

core::Status verify_event_checksum(std::span<const uint8_t> event, std::string_view file, uint64_t pos) {
  auto h = parse_event_header(event);
  if (!h) return core::fail(h.error().with_context("at " + std::string(file) + ":" + std::to_string(pos)));
  if (event.size() < kEventHeaderSize + kChecksumSize) {
    return core::fail(corrupt("event shorter than its checksum").with_context(event_where(*h, file, pos)));
  }
  return verify_checksum(event, *h, file, pos);
}

EventDecoder::EventDecoder(DecoderOptions options) : state_(std::make_unique<DecoderState>()) {
  state_->options = options;
  for (size_t i = 0; i < 256; ++i) state_->post_header_len[i] = event_type_info(static_cast<uint8_t>(i)).post_header;
}

EventDecoder::~EventDecoder() = default;

void EventDecoder::set_file(std::string_view name) { state_->file.assign(name); }
const std::string& EventDecoder::file() const { return state_->file; }
void EventDecoder::set_checksum_alg(uint8_t alg) { state_->checksum_alg = alg; }
const FormatDescription* EventDecoder::format() const { return state_->have_format ? &state_->format : nullptr; }
void EventDecoder::clear_tables() {
  state_->tables.clear();
  state_->fragments.reset();
}

core::Status EventDecoder::feed(std::span<const uint8_t> bytes, uint64_t pos, EventHandler& handler) {
  auto h = parse_event_header(bytes);
  if (!h) return core::fail(h.error().with_context("at " + state_->file + ":" + std::to_string(pos)));
  if (pos == kPosFromHeader) pos = h->log_pos >= h->event_size ? h->log_pos - h->event_size : 0;
  return feed_one(bytes, pos, pos + h->event_size, false, handler);
}

core::Status EventDecoder::feed_one(std::span<const uint8_t> bytes, uint64_t pos, uint64_t end_pos, bool in_payload,
                                    EventHandler& handler, ByteBlock* block) {
  DecoderState& st = *state_;
  auto hr = parse_event_header(bytes);
  if (!hr) return core::fail(hr.error().with_context("at " + st.file + ":" + std::to_string(pos)));
  const EventHeader& h = *hr;
  const EventTypeInfo& info = event_type_info(static_cast<uint8_t>(h.type));
  auto where = [&] { return event_where(h, st.file, pos); };
  if (h.event_size != bytes.size()) {
    return core::fail(corrupt("event length " + std::to_string(h.event_size) + " but " +
                              std::to_string(bytes.size()) + " bytes given").with_context(where()));
  }
  st.pos = pos;
  Event ev;
  ev.header = h;
  ev.file = st.file;
  ev.pos = pos;
  ev.end_pos = end_pos;
  ev.in_payload = in_payload;
  std::span<const uint8_t> rest = bytes.subspan(kEventHeaderSize);
  bool is_fde = h.type == EventType::kFormatDescription;
  bool deferred = false;  // the CRC32 goes to the checksum sink
  if (!is_fde && st.checksum_alg == 1 && !in_payload) {
    if (rest.size() < kChecksumSize) return core::fail(corrupt("event shorter than its checksum").with_context(where()));
    deferred = block != nullptr && st.options.checksum_sink != nullptr && is_rows_type(h.type);
    if (st.options.verify_checksums && !deferred) SLUICE_TRY(verify_checksum(bytes, h, st.file, pos));
    deferred = deferred && st.options.verify_checksums;
    rest = rest.first(rest.size() - kChecksumSize);
  }
  if (!in_payload) ev.block = block;
  if (st.fragments.open() && h.type != EventType::kPartialRowData && h.type != EventType::kHeartbeat &&
      h.type != EventType::kHeartbeatV2) {
    return core::fail(corrupt("a fragmented rows event ends at fragment " +
                              std::to_string(st.fragments.next - 1) + " of " +
                              std::to_string(st.fragments.total))
                          .with_context(where()));
  }
  if (info.decode == nullptr) {
    st.debug("skipping " + where() + " (type " + std::to_string(static_cast<int>(h.type)) + ", " +
             std::to_string(h.event_size) + " bytes)");
    ev.body = Skipped{info.name == nullptr};
    return handler.on_event(ev);
  }
  // TRANSACTION_PAYLOAD and GTID_TAGGED are self-describing (MySQL's FDE announces 40 bytes of
  // post-header for the payload but writes its fields as one list): read them whole; so is a
  // PARTIAL_ROW_DATA fragment (events/partial_rows_event.cpp).
  bool whole = is_fde || h.type == EventType::kTransactionPayload || h.type == EventType::kGtidTagged ||
               h.type == EventType::kPartialRowData;
  size_t post_len = whole ? 0 : st.post_header_len[static_cast<uint8_t>(h.type)];
  if (post_len > rest.size()) return core::fail(corrupt("event shorter than its post-header").with_context(where()));
  ByteReader post(rest.data(), post_len);
  ByteReader body(rest.data() + post_len, rest.size() - post_len);
  if (auto s = info.decode(st, h, post, body, ev.body); !s) {
    if (deferred) SLUICE_TRY(verify_checksum(bytes, h, st.file, pos));  // a corrupt event says so first
    st.fragments.reset();
    return core::fail(s.error().with_context("decoding " + where()));
  }
  if (is_fde && st.checksum_alg == 1 && st.options.verify_checksums) SLUICE_TRY(verify_checksum(bytes, h, st.file, pos));
  SLUICE_TRY(deliver(ev, bytes, deferred, handler));
  if (st.fragments.complete()) return feed_fragments(end_pos, handler);
  return core::ok();
}

// The rows event a PARTIAL_ROW_DATA group carried, rebuilt: decoded as if it stood at the first
// fragment's position and ended where the last one ends. Whether the server copied the event with
// its CRC32 trailer is not written down: a trailer that matches its bytes is taken as one (a
// false match has odds of 2^-32), otherwise the event is read as having none.
core::Status EventDecoder::feed_fragments(uint64_t end_pos, EventHandler& handler) {
  DecoderState& st = *state_;
  std::vector<uint8_t> whole;
  whole.swap(st.fragments.bytes);
  const uint64_t pos = st.fragments.pos;
  st.fragments.reset();
  auto h = parse_event_header(whole);
  auto where = [&] { return "PARTIAL_ROW_DATA_EVENT group at " + st.file + ":" + std::to_string(pos); };
  if (!h) return core::fail(h.error().with_context(where()));
  if (!is_rows_type(h->type) || h->event_size != whole.size()) {
    return core::fail(corrupt("the fragments hold no rows event (type " +
                              std::to_string(static_cast<int>(h->type)) + ", length " +
                              std::to_string(h->event_size) + " of " + std::to_string(whole.size()) +
                              " bytes)")
                          .with_context(where()));
  }
  const size_t n = whole.size();
  const bool trailer = st.checksum_alg == 1 && n >= kEventHeaderSize + kChecksumSize &&
                       crc_of(whole.data(), n - kChecksumSize) == read_le32(whole.data() + n - kChecksumSize);
  core::Status s = feed_one(whole, pos, end_pos, !trailer, handler);
  if (whole.capacity() <= (size_t{4} << 20)) st.fragments.bytes.swap(whole);  // reuse the buffer
  return s;
}

// Hands a decoded event on: a deferred CRC32 to the checksum sink first, then the event.
core::Status EventDecoder::deliver(Event& ev, std::span<const uint8_t> bytes, bool deferred, EventHandler& handler) {
  DecoderState& st = *state_;
  if (deferred) SLUICE_TRY(st.options.checksum_sink->on_unverified_event(bytes, *ev.block, st.file, ev.pos));
  if (auto* rot = std::get_if<Rotate>(&ev.body)) {
    std::string next(rot->next_file);
    SLUICE_TRY(handler.on_event(ev));
    st.file = std::move(next);
    return core::ok();
  }
  if (auto s = handler.on_event(ev); !s) {
    if (deferred) SLUICE_TRY(verify_checksum(bytes, ev.header, st.file, ev.pos));  // as if checked first
    return s;
  }
  if (std::holds_alternative<TransactionPayload>(ev.body)) {
    if (ev.in_payload) return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT nested in another")
                                             .with_context(event_where(ev.header, st.file, ev.pos)));
    return feed_payload(ev, handler);
  }
  return core::ok();
}

core::Status EventDecoder::feed_payload(const Event& outer, EventHandler& handler) {
  DecoderState& st = *state_;
  const auto& p = std::get<TransactionPayload>(outer.body);
  auto context = [&] { return "decoding TRANSACTION_PAYLOAD_EVENT at " + st.file + ":" + std::to_string(outer.pos); };
  if (p.compression == 0) {
    bool inner_failed = false;  // errors of inner events carry their own context
    auto each = [&](std::span<const uint8_t> inner) {
      auto r = feed_one(inner, outer.pos, outer.end_pos, true, handler);
      inner_failed = !r;
      return r;
    };
    core::Status s = st.payload.begin(st.options.max_event_size);
    if (s) s = st.payload.feed(p.payload, each);
    if (s) s = st.payload.finish(p.uncompressed_size, each);
    if (!s && !inner_failed) return core::fail(s.error().with_context(context()));
    return s;
  }
  std::span<const uint8_t> inner = p.payload;
  size_t off = 0;
  while (off < inner.size()) {
    auto h = parse_event_header(inner.subspan(off));
    if (!h || h->event_size > inner.size() - off) {
      return core::fail(corrupt("inner event past the end of TRANSACTION_PAYLOAD_EVENT at " + st.file + ":" +
                                std::to_string(outer.pos)));
    }
    SLUICE_TRY(feed_one(inner.subspan(off, h->event_size), outer.pos, outer.end_pos, true, handler));
    off += h->event_size;
  }
  return core::ok();
}

core::Status EventDecoder::feed(std::span<const uint8_t> head, uint64_t pos, EventPieces& rest,
                                EventHandler& handler) {
  DecoderState& st = *state_;
  auto h = parse_event_header(head);
  if (!h) return core::fail(h.error().with_context("at " + st.file + ":" + std::to_string(pos)));
  if (pos == kPosFromHeader) pos = h->log_pos >= h->event_size ? h->log_pos - h->event_size : 0;
  if (head.size() >= h->event_size) return feed_one(head, pos, pos + h->event_size, false, handler, rest.head_block());
  auto where = [&] { return "TRANSACTION_PAYLOAD_EVENT at " + st.file + ":" + std::to_string(pos); };
  if (h->type == EventType::kTransactionPayload) {
    const size_t trailer = st.checksum_alg == 1 ? kChecksumSize : 0;
    if (h->event_size < kEventHeaderSize + trailer) {
      return core::fail(corrupt("event shorter than its checksum").with_context(where()));
    }
    const size_t data_end = h->event_size - trailer;
    TransactionPayload p;
    std::optional<uint64_t> size;
    auto fields = parse_transaction_payload_fields(
        head.subspan(kEventHeaderSize, std::min(head.size(), data_end) - kEventHeaderSize), p, size);
    if (!fields) return core::fail(fields.error().with_context("decoding " + where()));
    const size_t fields_end = kEventHeaderSize + *fields;
    if (size && *size != data_end - fields_end) {
      return core::fail(corrupt("TRANSACTION_PAYLOAD_EVENT size mismatch").with_context("decoding " + where()));
    }
    if (p.compression == 0) return feed_payload_pieces(head, *h, pos, fields_end, rest, handler);
  }
  auto whole = assemble(head, h->event_size, rest);
  if (!whole) return core::fail(whole.error());
  core::Status s = feed_one(*whole, pos, pos + h->event_size, false, handler);
  if (st.whole_buf.capacity() > (size_t{4} << 20)) std::vector<uint8_t>().swap(st.whole_buf);
  return s;
}

core::Result<std::span<const uint8_t>> EventDecoder::assemble(std::span<const uint8_t> head, uint32_t size,
                                                              EventPieces& rest) {
  std::vector<uint8_t>& buf = state_->whole_buf;
  buf.clear();
  buf.reserve(size);
  buf.insert(buf.end(), head.begin(), head.end());
  while (buf.size() < size) {
    auto piece = rest.next_piece();
    if (!piece) return core::fail(piece.error());
    if (piece->empty() || piece->size() > size - buf.size()) {
      return core::fail(corrupt("the pieces of an event do not add up to its length " + std::to_string(size))
                            .with_context("at " + state_->file + ":" + std::to_string(state_->pos)));
    }
    buf.insert(buf.end(), piece->begin(), piece->end());
  }
  return std::span<const uint8_t>(buf.data(), buf.size());
}

core::Status EventDecoder::feed_payload_pieces(std::span<const uint8_t> head, const EventHeader& h, uint64_t pos,
                                               size_t fields_end, EventPieces& rest, EventHandler& handler) {
  DecoderState& st = *state_;
  const uint64_t end_pos = pos + h.event_size;
  auto where = [&] { return "TRANSACTION_PAYLOAD_EVENT at " + st.file + ":" + std::to_string(pos); };
  const bool crc = st.checksum_alg == 1;
  const size_t data_end = h.event_size - (crc ? kChecksumSize : 0);
  TransactionPayload p;
  std::optional<uint64_t> unused;
  (void)parse_transaction_payload_fields(head.subspan(kEventHeaderSize, fields_end - kEventHeaderSize), p, unused);
  st.pos = pos;
  Event ev;  // the outer event, without its compressed bytes (they are not in memory at once)
  ev.header = h;
  ev.file = st.file;
  ev.pos = pos;
  ev.end_pos = end_pos;
  ev.body = p;
  SLUICE_TRY(handler.on_event(ev));
  bool inner_failed = false;  // errors of inner events carry their own context
  auto each = [&](std::span<const uint8_t> inner) {
    auto r = feed_one(inner, pos, end_pos, true, handler);
    inner_failed = !r;
    return r;
  };
  uint32_t computed = 0;
  uint8_t trailer[kChecksumSize] = {};
  size_t offset = 0;  // bytes of the event taken so far
  auto take = [&](std::span<const uint8_t> piece) -> core::Status {
    const size_t n_data = offset < data_end ? std::min(piece.size(), data_end - offset) : 0;
    if (crc) computed = crc32_ieee(computed, piece.data(), n_data);
    const size_t skip = offset < fields_end ? std::min(n_data, fields_end - offset) : 0;
    for (size_t i = n_data; i < piece.size(); ++i) trailer[offset + i - data_end] = piece[i];
    offset += piece.size();
    return st.payload.feed(piece.subspan(skip, n_data - skip), each);
  };
  core::Status s = st.payload.begin(st.options.max_event_size);
  if (s) s = take(head);
  while (s && offset < h.event_size) {
    auto piece = rest.next_piece();
    if (!piece) return core::fail(piece.error());  // I/O errors as they are (a dropped connection is retried)
    if (piece->empty() || piece->size() > h.event_size - offset) {
      return core::fail(corrupt("the pieces of the event do not add up to its length " +
                                std::to_string(h.event_size)).with_context(where()));
    }
    s = take(*piece);
  }
  if (s && crc && st.options.verify_checksums && computed != read_le32(trailer)) {
    return core::fail(corrupt("CRC32 mismatch (stored " + hex32(read_le32(trailer)) + ", computed " +
                              hex32(computed) + ")").with_context(where()));
  }
  if (s) s = st.payload.finish(p.uncompressed_size, each);
  if (!s && !inner_failed) return core::fail(s.error().with_context("decoding " + where()));
  return s;
}

}  // namespace sluice::binlog
