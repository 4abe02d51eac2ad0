#pragma once
/// Internal: the state event decode functions share (format, table cache, buffers) and
/// the table of event types (name, default post-header length, decode function).

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "binlog/event_decoder.h"
#include "binlog/events/byte_reader.h"

struct ZSTD_DCtx_s;

namespace sluice::binlog {

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
  std::vector<uint8_t> payload_buf;  ///< TRANSACTION_PAYLOAD, the inflated unread tail
  ZSTD_DCtx_s* zstd = nullptr;
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

/// Inflates MariaDB's compressed format (header byte 0x80|lenlen, big-endian length, zlib
/// stream) into st.inflate_buf; returns a view of the result.
core::Result<std::span<const uint8_t>> maria_inflate(DecoderState& st, ByteReader in);

/// Inflates a zstd TRANSACTION_PAYLOAD piecewise through st.payload_buf and calls `each`
/// with every complete inner event (its bytes valid during the call). Memory: one inner
/// event plus a chunk, never the claimed size; a total other than `claimed` (when not 0)
/// is an error.
core::Status zstd_for_each_event(DecoderState& st, std::span<const uint8_t> in, uint64_t claimed,
                                 const std::function<core::Status(std::span<const uint8_t>)>& each);

}  // namespace sluice::binlog
