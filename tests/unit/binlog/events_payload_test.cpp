// Hand-built compressed events: MySQL's TRANSACTION_PAYLOAD (zstd) and MariaDB's compressed
// rows events (zlib with a length header). Corrupt frames and lying sizes are errors, and a
// claimed size is never allocated.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zstd.h>

#include "unit/binlog/events_bytes.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

std::string error_of(const core::Status& s) { return s ? std::string("(ok)") : s.error().message; }

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(EventsPayload, InnerEventsAreDelivered) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes inner = inner_events(5000);  // larger than one inflate chunk
  auto s = dec.feed(event(40, payload_body(zstd_of(inner), inner.size())), 300, rec);
  ASSERT_TRUE(s) << error_of(s);
  ASSERT_EQ(rec.types.size(), 1u + 1u + 5000u);
  EXPECT_EQ(rec.types[1], EventType::kTransactionPayload);
  EXPECT_EQ(rec.types.back(), EventType::kXid);
}

TEST(EventsPayload, CorruptZstdFrameNamesThePosition) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes z = zstd_of(inner_events(50));
  for (size_t i = 4; i < z.size(); i += 3) z[i] ^= 0x5a;
  auto s = dec.feed(event(40, payload_body(z, 50 * 27)), 300, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("f.000001:300"), std::string::npos) << error_of(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kCorrupt);
}

TEST(EventsPayload, TruncatedZstdFrame) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes z = zstd_of(inner_events(200));
  z.resize(z.size() / 2);
  auto s = dec.feed(event(40, payload_body(z, 200 * 27)), 300, rec);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kCorrupt);
}

TEST(EventsPayload, HugeClaimedSizeIsNotAllocated) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes inner = inner_events(3);
  long before = max_rss_kb();
  // 900 MB claimed (under the 1 GiB limit), 81 bytes real: an error, and no 900 MB touched.
  auto s = dec.feed(event(40, payload_body(zstd_of(inner), 900u << 20)), 300, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("not the 943718400 it claims"), std::string::npos) << error_of(s);
  EXPECT_LT(max_rss_kb() - before, 64 * 1024);
  // Beyond any event size: the same (inner events are inflated piecewise, whatever the total).
  s = dec.feed(event(40, payload_body(zstd_of(inner), uint64_t{1} << 40)), 400, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("not the 1099511627776 it claims"), std::string::npos) << error_of(s);
  EXPECT_LT(max_rss_kb() - before, 64 * 1024);
}

TEST(EventsPayload, InnerEventWithImpossibleLength) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes inner = inner_events(2);
  inner[27 + 9] = 3;  // second inner event claims 3 bytes
  inner[27 + 10] = inner[27 + 11] = inner[27 + 12] = 0;
  auto s = dec.feed(event(40, payload_body(zstd_of(inner), inner.size())), 300, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("impossible length 3"), std::string::npos) << error_of(s);
}

TEST(EventsPayload, UnknownCompressionType) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  auto s = dec.feed(event(40, payload_body(Bytes(10, 0), 10, 7)), 300, rec);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kUnsupported) << error_of(s);
}

// MariaDB: FORMAT_DESCRIPTION of a MariaDB server, a one-column TABLE_MAP (table id 9), then a
// WRITE_ROWS_COMPRESSED_EVENT whose rows part is `compressed`.
core::Status maria_rows(EventDecoder& dec, Recorder& rec, const Bytes& compressed) {
  dec.set_file("m.000001");
  SLUICE_TRY(dec.feed(event(15, fde_body({}, "10.11.6-MariaDB-log")), 4, rec));
  Bytes tm;
  put_le(tm, 9, 6);
  put_le(tm, 1, 2);
  tm.push_back(1); put_str(tm, "d"); tm.push_back(0);
  tm.push_back(1); put_str(tm, "t"); tm.push_back(0);
  tm.push_back(1); tm.push_back(3); tm.push_back(0); tm.push_back(0);
  SLUICE_TRY(dec.feed(event(19, tm), 100, rec));
  Bytes rows;
  put_le(rows, 9, 6);
  put_le(rows, 0, 2);
  put_le(rows, 2, 2);  // v2 extra data: none
  rows.push_back(1);
  rows.push_back(1);
  rows.insert(rows.end(), compressed.begin(), compressed.end());
  return dec.feed(event(169, rows), 200, rec);
}

Bytes zlib_rows(Bytes plain, uint8_t head, uint64_t claimed, size_t lenlen) {
  Bytes out{head};
  for (size_t i = lenlen; i-- > 0;) out.push_back(static_cast<uint8_t>(claimed >> (8 * i)));  // big-endian
  Bytes z(compressBound(plain.size()));
  uLongf n = z.size();
  compress(z.data(), &n, plain.data(), plain.size());
  out.insert(out.end(), z.begin(), z.begin() + static_cast<long>(n));
  return out;
}

TEST(EventsMariaCompressed, GoodHeaderInflates) {
  EventDecoder dec;
  Recorder rec;
  Bytes row = {0, 42, 0, 0, 0};
  auto s = maria_rows(dec, rec, zlib_rows(row, 0x81, row.size(), 1));
  ASSERT_TRUE(s) << error_of(s);
  EXPECT_EQ(rec.types.back(), EventType::kWriteRowsCompressed);
}

TEST(EventsMariaCompressed, BadLengthHeaders) {
  Bytes row = {0, 42, 0, 0, 0};
  struct Case {
    uint8_t head;
    uint64_t claimed;
    size_t lenlen;
    const char* expect;
  } cases[] = {
      {0x80, 5, 0, "bad compressed event header"},          // 0 length bytes
      {0x85, 5, 5, "bad compressed event header"},          // 5 length bytes
      {0x81, 9, 1, "does not inflate"},                     // claims more than it holds
      {0x81, 2, 1, "does not inflate"},                     // claims less
      {0x84, 0xffffffff, 4, "compressed event claims too many bytes"},
      {0x84, 900u << 20, 4, "compressed event claims 943718400 bytes"},  // under the limit: not allocated
  };
  long before = max_rss_kb();
  for (const Case& c : cases) {
    EventDecoder dec;
    Recorder rec;
    auto s = maria_rows(dec, rec, zlib_rows(row, c.head, c.claimed, c.lenlen));
    ASSERT_FALSE(s) << c.expect;
    EXPECT_NE(error_of(s).find(c.expect), std::string::npos) << error_of(s);
    EXPECT_NE(error_of(s).find("m.000001:200"), std::string::npos) << error_of(s);
  }
  EXPECT_LT(max_rss_kb() - before, 64 * 1024);
  EventDecoder dec;
  Recorder rec;
  auto s = maria_rows(dec, rec, Bytes{0x83, 0, 0});  // length bytes cut short
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("truncated compressed event"), std::string::npos) << error_of(s);
}

}  // namespace
}  // namespace sluice::binlog
