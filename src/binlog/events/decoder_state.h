#pragma once
/// Internal: the state event decode functions share (format, table cache, buffers) and
/// the table of event types (name, default post-header length, decode function).

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "binlog/event_decoder.h"
#include "binlog/events/byte_reader.h"

struct ZSTD_DCtx_s;

namespace sluice::binlog {

/// Inflates a zstd TRANSACTION_PAYLOAD fed in any number of pieces and hands out its complete
/// inner events, in order, each valid during the callback. The newest complete inner event is
/// held back until finish(), so a caller that checks the outer event's CRC32 before finish()
/// never delivers the transaction's last event (its commit) from a corrupt payload.
/// Memory: the held event, the next one and a 256 KiB chunk, never the claimed size.
class PayloadInflater {
 public:
  using EachEvent = std::function<core::Status(std::span<const uint8_t>)>;
  PayloadInflater() = default;
  ~PayloadInflater();
  PayloadInflater(const PayloadInflater&) = delete;
  PayloadInflater& operator=(const PayloadInflater&) = delete;

  /// Starts a payload; inner events longer than `max_event_size` are errors.
  core::Status begin(size_t max_event_size);
  /// Inflates all of `in` (the next compressed bytes), delivering complete inner events.
  core::Status feed(std::span<const uint8_t> in, const EachEvent& each);
  /// After the last piece: checks the frame ended on an event boundary and inflated to
  /// `claimed` bytes (when not 0), then delivers the held event.
  core::Status finish(uint64_t claimed, const EachEvent& each);

 private:
  static constexpr size_t kNone = ~size_t{0};
  core::Status deliver(const EachEvent& each, size_t& need);

  ZSTD_DCtx_s* zstd_ = nullptr;
  std::vector<uint8_t> buf_;       // [held_, start_): the held event; [start_, end_): unread
  size_t start_ = 0, end_ = 0, held_ = kNone;
  size_t max_event_size_ = 0;
  uint64_t total_ = 0;
  bool frame_done_ = false;
};

/// The fragments of one PARTIAL_ROW_DATA group read so far (MariaDB 12.3+,
/// events/partial_rows_event.cpp): the original rows event is rebuilt here, at most
/// DecoderOptions::max_event_size bytes, then decoded as one event.
struct RowFragments {
  std::vector<uint8_t> bytes;
  uint64_t size = 0;  ///< the original event's size, from the first fragment
  uint64_t pos = 0;   ///< the first fragment's position: the rows event's
  uint32_t total = 0;
  uint32_t next = 0;  ///< the fragment due next; 0 when no group is open
  bool open() const { return next != 0 && next <= total; }
  bool complete() const { return total != 0 && next == total + 1; }
  void reset() {
    next = total = 0;
    bytes.clear();
    if (bytes.capacity() > (size_t{4} << 20)) std::vector<uint8_t>().swap(bytes);
  }
};

struct DecoderState {
  DecoderOptions options;
  std::string file;
  bool have_format = false;
  FormatDescription format;
  std::string server_version;  ///< backing store for format.server_version
  uint8_t checksum_alg = 0;
  std::array<uint8_t, 256> post_header_len{};
  std::unordered_map<uint64_t, TableLayoutPtr> tables;
  std::vector<uint8_t> inflate_buf;  ///< MariaDB compressed QUERY/ROWS
  PayloadInflater payload;           ///< TRANSACTION_PAYLOAD (zstd)
  std::vector<uint8_t> whole_buf;    ///< an event handed out in pieces, assembled (not a payload)
  RowFragments fragments;            ///< PARTIAL_ROW_DATA (MariaDB 12.3+)
  uint64_t pos = 0;  ///< position of the event being decoded (for resolver / messages)

  void debug(std::string_view line) const {
    if (options.debug) options.debug(options.debug_user, line);
  }
};

/// Decodes the post-header and body (checksum already stripped) of one event type.
using DecodeFn = core::Status (*)(DecoderState& st, const EventHeader& h, ByteReader post,
                                  ByteReader body, EventBody& out);

struct EventTypeInfo {
  const char* name = nullptr;  ///< null: unknown type
  uint8_t post_header = 0;     ///< default post-header length (binlog v4, MySQL 8 / MariaDB 10)
  DecodeFn decode = nullptr;   ///< null: skipped by length
};

/// The table indexed by event type code.
const EventTypeInfo& event_type_info(uint8_t code);

/// A kCorrupt error "truncated <what>" / "<what>".
core::Error corrupt(std::string message);

// Decode functions, one file per family.
core::Status decode_format_description(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_rotate(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_stop(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_xid(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_xa_prepare(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_heartbeat(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_heartbeat_v2(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_incident(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_rows_query(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_annotate_rows(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_binlog_checkpoint(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_start_encryption(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_query(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_gtid(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_gtid_tagged(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_previous_gtids(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_maria_gtid(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_maria_gtid_list(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_table_map(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_rows(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_transaction_payload(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);
core::Status decode_partial_row_data(DecoderState&, const EventHeader&, ByteReader, ByteReader, EventBody&);

/// Inflates MariaDB's compressed format (header byte 0x80|lenlen, big-endian length, zlib
/// stream) into st.inflate_buf; returns a view of the result.
core::Result<std::span<const uint8_t>> maria_inflate(DecoderState& st, ByteReader in);

/// Parses the field list at the start of a TRANSACTION_PAYLOAD body (after the common header):
/// compression, uncompressed size and, when present, the compressed size (`size`). Returns the
/// length of the field list; the compressed bytes follow it.
core::Result<size_t> parse_transaction_payload_fields(std::span<const uint8_t> bytes, TransactionPayload& p,
                                                     std::optional<uint64_t>& size);

}  // namespace sluice::binlog
