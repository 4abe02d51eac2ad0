#pragma once
/// The binlog event decoder: fed the bytes of one complete event at a time, by a file
/// reader, the replication stream or a test. It knows no sockets or files.
///
///   EventDecoder dec;                         // one per file sequence / stream, one thread
///   dec.set_file("mysql-bin.000042");         // names positions in errors
///   for each event's bytes:                   // header + body + checksum, exactly event_size
///     SLUICE_TRY(dec.feed(bytes, pos, handler));   // handler.on_event() per decoded event
///
/// The FORMAT_DESCRIPTION event configures later ones (post-header lengths, CRC32); a
/// TRANSACTION_PAYLOAD is inflated and its inner events delivered as if inline; MariaDB
/// compressed QUERY/ROWS events are inflated; MariaDB 12.3's PARTIAL_ROW_DATA fragments are
/// joined and the rows event they carry delivered after the last one (as if at the first one's
/// position); TABLE_MAPs are compiled into TableLayouts and cached by table id. Views in an
/// Event are valid only during the callback.
///
/// A reader may also hand out a large event in pieces (feed with an EventPieces): a zstd
/// TRANSACTION_PAYLOAD is then inflated as its compressed bytes arrive and its CRC32 checked
/// incrementally, so memory stays bounded however large the compressed transaction is.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "binlog/events/events.h"
#include "binlog/table_layout.h"
#include "core/result.h"

namespace sluice::binlog {

struct DecoderState;

/// Receives decoded events, in order, on the thread that calls feed().
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  /// An error returned here stops feed() and is returned from it.
  virtual core::Status on_event(const Event& event) = 0;
};

/// The rest of an event whose first bytes were passed to EventDecoder::feed (a file reader or
/// the network hands out events larger than its buffer this way).
class EventPieces {
 public:
  virtual ~EventPieces() = default;
  /// The event's next bytes, in order, valid until the next call. Never empty before the
  /// event's end; errors (I/O, a dropped connection) are returned from feed() unchanged.
  virtual core::Result<std::span<const uint8_t>> next_piece() = 0;
  /// The block holding the head passed to feed() with these pieces, when it is the whole
  /// event and a consumer may keep a reference to it (Event::block); else null.
  virtual ByteBlock* head_block() const { return nullptr; }
};

/// Takes over the CRC32 check of rows events whose bytes lie in a block it may keep
/// (DecoderOptions::checksum_sink; `binlog read` hands it to ParallelPrinter's workers). It
/// gets each such event before the handler does, and must report a mismatch
/// (verify_event_checksum) before anything it is handed after the event takes effect: the
/// output and the error are then those of a check made by the decoder.
class ChecksumSink {
 public:
  virtual ~ChecksumSink() = default;
  /// `event`: the whole event (header to trailer) in `block`; `file`, `pos`: where it is.
  virtual core::Status on_unverified_event(std::span<const uint8_t> event, ByteBlock& block, std::string_view file,
                                           uint64_t pos) = 0;
};

struct DecoderOptions {
  /// Upper bound for any inflated payload or event; larger claims are errors, not allocations.
  size_t max_event_size = size_t{1} << 30;
  /// Verify CRC32 trailers when the FORMAT_DESCRIPTION says they exist.
  bool verify_checksums = true;
  /// Optional: column names / ENUM labels when binlog_row_metadata is MINIMAL. Not owned.
  SchemaResolver* resolver = nullptr;
  /// Optional: receives one line per skipped or unusual event (for --verbose).
  void (*debug)(void* user, std::string_view line) = nullptr;
  void* debug_user = nullptr;
  /// Optional, not owned: verifies the CRC32 of rows events handed whole in a block (see
  /// ChecksumSink); the decoder still checks all other events, and a rows event it fails on.
  ChecksumSink* checksum_sink = nullptr;
};

class EventDecoder {
 public:
  explicit EventDecoder(DecoderOptions options = {});
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  /// Name used in positions and errors ("file:pos"); also updated by real ROTATE events.
  void set_file(std::string_view name);
  const std::string& file() const;

  /// Before any FORMAT_DESCRIPTION arrives (network: the fake ROTATE), whether events end
  /// in a CRC32 (the replica negotiated @master_binlog_checksum). 0 none, 1 CRC32.
  void set_checksum_alg(uint8_t alg);

  /// Decodes one complete event. `bytes` must hold exactly the header's event_size.
  /// `pos` is the event's offset in its file; pass kPosFromHeader to derive it from
  /// the header (log_pos - event_size), as on the network.
  core::Status feed(std::span<const uint8_t> bytes, uint64_t pos, EventHandler& handler);
  static constexpr uint64_t kPosFromHeader = ~uint64_t{0};

  /// Decodes one event that arrives in pieces: `head` holds its first bytes (at least the
  /// header and, for a TRANSACTION_PAYLOAD, its field list; the whole event is fine too) and
  /// `rest` the others. A zstd TRANSACTION_PAYLOAD is inflated piece by piece; its outer CRC32
  /// is verified before its last inner event (the commit) is delivered, though earlier inner
  /// events of a corrupt payload may have been delivered by then. Any other event is assembled
  /// whole first.
  core::Status feed(std::span<const uint8_t> head, uint64_t pos, EventPieces& rest, EventHandler& handler);

  /// The FORMAT_DESCRIPTION in effect, or null before one was seen.
  const FormatDescription* format() const;

  /// Forgets cached table layouts (e.g. after a reconnect to another server).
  void clear_tables();

 private:
  core::Status feed_one(std::span<const uint8_t> bytes, uint64_t pos, uint64_t end_pos, bool in_payload,
                        EventHandler& handler, ByteBlock* block = nullptr);
  core::Status deliver(Event& ev, std::span<const uint8_t> bytes, bool deferred, EventHandler& handler);
  core::Status feed_payload(const Event& outer, EventHandler& handler);
  core::Status feed_fragments(uint64_t end_pos, EventHandler& handler);
  core::Status feed_payload_pieces(std::span<const uint8_t> head, const EventHeader& h, uint64_t pos,
                                   size_t fields_end, EventPieces& rest, EventHandler& handler);
  core::Result<std::span<const uint8_t>> assemble(std::span<const uint8_t> head, uint32_t size, EventPieces& rest);
  std::unique_ptr<DecoderState> state_;
};

/// Checks the CRC32 trailer of one whole event (header to trailer) at `file`:`pos`, with the
/// decoder's error for a mismatch. Thread-safe (ChecksumSink's workers call it).
core::Status verify_event_checksum(std::span<const uint8_t> event, std::string_view file, uint64_t pos);

/// Parses the 19-byte common header. Fails when fewer bytes are given or event_size < 19.
core::Result<EventHeader> parse_event_header(std::span<const uint8_t> bytes);

}  // namespace sluice::binlog
