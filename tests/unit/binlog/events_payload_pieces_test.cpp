// A TRANSACTION_PAYLOAD handed to the decoder in pieces (as the file reader and the network
// do for events larger than their buffer): the same inner events as whole, its CRC32 checked
// over the pieces before the last inner event (the commit) is delivered, and pieces that do not
// add up to the event are errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/binlog/events_bytes.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

std::string error_of(const core::Status& s) { return s ? std::string("(ok)") : s.error().message; }

// Hands out `bytes` after the first `head` bytes in pieces of `size`.
struct Pieces : EventPieces {
  Pieces(const Bytes& b, size_t head, size_t size) : bytes(b), at(head), piece(size) {}
  core::Result<std::span<const uint8_t>> next_piece() override {
    size_t n = std::min(piece, bytes.size() - at);
    std::span<const uint8_t> out(bytes.data() + at, n);
    at += n;
    ++calls;
    return out;
  }
  const Bytes& bytes;
  size_t at, piece;
  size_t calls = 0;
};

// A fresh decoder (after a FORMAT_DESCRIPTION) fed `ev` at position 300: its first 64 bytes,
// then the rest of `source` in pieces of `piece`.
core::Status feed_in_pieces(const Bytes& ev, const Bytes& source, size_t piece, Recorder& rec) {
  EventDecoder dec;
  SLUICE_TRY(start(dec, rec));
  Pieces rest(source, 64, piece);
  return dec.feed(std::span<const uint8_t>(ev.data(), 64), 300, rest, rec);
}

TEST(EventsPayloadPieces, SameEventsAsWholeForAnyPieceSize) {
  Bytes inner = inner_events(20000);  // ~540 KB inflated: several inflate chunks
  Bytes ev = event(40, payload_body(zstd_of(inner), inner.size()), true, 300);
  Recorder whole;
  {
    EventDecoder dec;
    ASSERT_TRUE(start(dec, whole));
    ASSERT_TRUE(dec.feed(ev, 300, whole));
  }
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    EventDecoder dec;
    Recorder rec;
    ASSERT_TRUE(start(dec, rec));
    Pieces rest(ev, 64, piece);
    auto s = dec.feed(std::span<const uint8_t>(ev.data(), 64), 300, rest, rec);
    ASSERT_TRUE(s) << "piece " << piece << ": " << error_of(s);
    EXPECT_EQ(rec.types, whole.types) << "piece " << piece;
    EXPECT_EQ(rec.types.size(), 1u + 1u + 20000u);
    EXPECT_EQ(rest.at, ev.size());
  }
}

TEST(EventsPayloadPieces, CrcMismatchStopsBeforeTheCommit) {
  Bytes inner = inner_events(100);
  Bytes ev = event(40, payload_body(zstd_of(inner), inner.size()), true, 300);
  ev.back() ^= 0x01;  // the stored CRC32 no longer matches
  Recorder rec;
  auto s = feed_in_pieces(ev, ev, 10, rec);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kCorrupt);
  EXPECT_NE(error_of(s).find("CRC32 mismatch"), std::string::npos) << error_of(s);
  EXPECT_NE(error_of(s).find("f.000001:300"), std::string::npos) << error_of(s);
  // FDE + outer + all inner events but the last.
  EXPECT_EQ(rec.types.size(), 1u + 1u + 99u);
}

TEST(EventsPayloadPieces, PiecesShorterThanTheEventAreAnError) {
  Bytes inner = inner_events(100);
  Bytes ev = event(40, payload_body(zstd_of(inner), inner.size()), true, 300);
  Bytes cut(ev.begin(), ev.end() - 10);  // the source ends early
  Recorder rec;
  auto s = feed_in_pieces(ev, cut, 100, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("do not add up"), std::string::npos) << error_of(s);
}

TEST(EventsPayloadPieces, SourceErrorsPassUnchanged) {
  struct Failing : EventPieces {
    core::Result<std::span<const uint8_t>> next_piece() override {
      return core::fail(core::Error{core::ErrorCode::kConnect, "connection lost", true});
    }
  } rest;
  Bytes inner = inner_events(100);
  Bytes ev = event(40, payload_body(zstd_of(inner), inner.size()), true, 300);
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  auto s = dec.feed(std::span<const uint8_t>(ev.data(), 64), 300, rest, rec);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kConnect);
  EXPECT_TRUE(s.error().retryable);
}

TEST(EventsPayloadPieces, OtherEventsAreAssembledWhole) {
  Bytes xid = event(16, Bytes(8, 7), true, 500);
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Pieces rest(xid, 20, 3);
  auto s = dec.feed(std::span<const uint8_t>(xid.data(), 20), 500, rest, rec);
  ASSERT_TRUE(s) << error_of(s);
  EXPECT_EQ(rec.types.back(), EventType::kXid);
  // A corrupt byte is still caught by the CRC32 of the assembled event.
  xid[25] ^= 0x10;
  Pieces again(xid, 20, 3);
  s = dec.feed(std::span<const uint8_t>(xid.data(), 20), 500, again, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("CRC32 mismatch"), std::string::npos) << error_of(s);
}

}  // namespace
}  // namespace sluice::binlog
