// Hand-built bytes against the event framing: headers, lengths, FORMAT_DESCRIPTION,
// checksums, unknown types, and the file reader's view of the same faults.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "binlog/binlog_file_reader.h"
#include "unit/binlog/events_bytes.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

std::string error_of(const core::Status& s) { return s ? std::string("(ok)") : s.error().message; }

TEST(EventsHeader, TruncatedHeaderIsAnError) {
  EventDecoder dec;
  Recorder rec;
  Bytes e = event(16, Bytes(8, 0), false);  // XID
  for (size_t n = 0; n < 19; ++n) {
    auto s = dec.feed(std::span<const uint8_t>(e.data(), n), 4, rec);
    ASSERT_FALSE(s) << n;
    EXPECT_NE(error_of(s).find("truncated event header"), std::string::npos) << error_of(s);
  }
  EXPECT_TRUE(rec.types.empty());
}

TEST(EventsHeader, EventSizeSmallerThanTheHeader) {
  EventDecoder dec;
  Recorder rec;
  for (int64_t size : {0, 1, 18}) {
    Bytes e = event(16, Bytes(8, 0), false, 4, size);
    auto s = dec.feed(e, 4, rec);
    ASSERT_FALSE(s);
    EXPECT_NE(error_of(s).find("impossible event length " + std::to_string(size)), std::string::npos) << error_of(s);
  }
}

TEST(EventsHeader, EventSizeLargerThanTheBytesGiven) {
  EventDecoder dec;
  Recorder rec;
  Bytes e = event(16, Bytes(8, 0), false, 4, 4000);
  auto s = dec.feed(e, 4, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("event length 4000 but 27 bytes given"), std::string::npos) << error_of(s);
}

TEST(EventsHeader, CrcMismatchNamesFileAndPosition) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes xid = event(16, Bytes(8, 7), true, 123);
  ASSERT_TRUE(dec.feed(xid, 123, rec));
  xid[20] ^= 0x40;  // a body byte flips
  auto s = dec.feed(xid, 123, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("CRC32 mismatch"), std::string::npos) << error_of(s);
  EXPECT_NE(error_of(s).find("f.000001:123"), std::string::npos) << error_of(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kCorrupt);
}

TEST(EventsHeader, EventShorterThanItsChecksum) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes e = event(16, Bytes(2, 0), false);  // 21 bytes: no room for a CRC32
  auto s = dec.feed(e, 4, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("shorter than its checksum"), std::string::npos) << error_of(s);
}

TEST(EventsHeader, UnknownEventTypeIsSkippedByLength) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes odd = event(201, Bytes(300, 0xab), true, 200);
  ASSERT_TRUE(dec.feed(odd, 200, rec));
  ASSERT_EQ(rec.types.size(), 2u);
  EXPECT_EQ(static_cast<int>(rec.types[1]), 201);
  EXPECT_EQ(rec.kinds[1], EventBody(Skipped{}).index());
  // And decoding goes on with the next event.
  ASSERT_TRUE(dec.feed(event(16, Bytes(8, 1), true, 523), 523, rec));
  EXPECT_EQ(rec.types.back(), EventType::kXid);
}

TEST(EventsHeader, FormatDescriptionWithOddPostHeaderLengths) {
  // A TABLE_MAP post-header of 10 (2 bytes more than known: skipped) and a rows post-header of
  // 6 (the old 4-byte table id), as older or newer servers may write.
  EventDecoder dec;
  Recorder rec;
  Bytes lens = {0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 99, 0, 4, 26, 10, 0, 0, 0, 6, 6, 6};
  ASSERT_TRUE(start(dec, rec, lens));
  Bytes tm;
  put_le(tm, 7, 6);        // table id
  put_le(tm, 1, 2);        // flags
  put_le(tm, 0xeeee, 2);   // the 2 unknown post-header bytes
  tm.push_back(1); put_str(tm, "d"); tm.push_back(0);
  tm.push_back(1); put_str(tm, "t"); tm.push_back(0);
  tm.push_back(1);         // 1 column
  tm.push_back(3);         // LONG
  tm.push_back(0);         // no metadata
  tm.push_back(0);         // NULL bitmap
  ASSERT_TRUE(dec.feed(event(19, tm), 100, rec)) << "TABLE_MAP";
  Bytes rows;
  put_le(rows, 7, 4);      // 4-byte table id (post-header 6)
  put_le(rows, 0, 2);
  rows.push_back(1);       // columns
  rows.push_back(1);       // present bitmap
  rows.push_back(0);       // NULL bitmap
  put_le(rows, 42, 4);
  auto s = dec.feed(event(23, rows), 200, rec);  // WRITE_ROWS_EVENT_V1
  ASSERT_TRUE(s) << error_of(s);
  EXPECT_EQ(rec.types.back(), EventType::kWriteRowsV1);
}

TEST(EventsHeader, PostHeaderLongerThanTheEvent) {
  EventDecoder dec;
  Recorder rec;
  Bytes lens = {0, 13, 0, 8, 0, 0, 0, 0, 4, 0, 4, 0, 0, 0, 99, 200};  // XID post-header 200
  ASSERT_TRUE(start(dec, rec, lens));
  auto s = dec.feed(event(16, Bytes(8, 0)), 100, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("shorter than its post-header"), std::string::npos) << error_of(s);
}

TEST(EventsHeader, FormatDescriptionTruncated) {
  EventDecoder dec;
  Recorder rec;
  Bytes body = fde_body();
  body.resize(40);
  auto s = dec.feed(event(15, body, false), 4, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(error_of(s).find("FORMAT_DESCRIPTION"), std::string::npos) << error_of(s);
}

std::string write_file(const std::string& name, const Bytes& content) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                              static_cast<std::streamsize>(content.size()));
  return path.string();
}

TEST(EventsFileReader, TruncatedEventAndImpossibleLengthNameFileAndPosition) {
  Bytes file = {0xfe, 0x62, 0x69, 0x6e};
  Bytes fde = event(15, fde_body());
  file.insert(file.end(), fde.begin(), fde.end());
  const uint64_t second = file.size();
  Bytes xid = event(16, Bytes(8, 0), true, second);
  file.insert(file.end(), xid.begin(), xid.end() - 5);  // cut short
  auto r = BinlogFileReader::open(write_file("sluice-events-trunc.000001", file));
  ASSERT_TRUE(r);
  uint64_t pos = 0;
  ASSERT_TRUE((*r)->next(pos));
  auto ev = (*r)->next(pos);
  ASSERT_FALSE(ev);
  EXPECT_EQ(pos, second);
  EXPECT_NE(ev.error().message.find("sluice-events-trunc.000001:" + std::to_string(second)), std::string::npos)
      << ev.error().message;
  EXPECT_NE(ev.error().message.find("truncated event"), std::string::npos);

  Bytes bad = {0xfe, 0x62, 0x69, 0x6e};
  Bytes tiny = event(16, Bytes(8, 0), false, 4, 5);
  bad.insert(bad.end(), tiny.begin(), tiny.end());
  r = BinlogFileReader::open(write_file("sluice-events-len.000001", bad));
  ASSERT_TRUE(r);
  ev = (*r)->next(pos);
  ASSERT_FALSE(ev);
  EXPECT_NE(ev.error().message.find("sluice-events-len.000001:4: impossible event length 5"), std::string::npos)
      << ev.error().message;
}

TEST(EventsFileReader, BufferShrinksBackAfterALargeEvent) {
  Bytes file = {0xfe, 0x62, 0x69, 0x6e};
  Bytes big = event(201, Bytes(3u << 20, 1), false);  // 3 MiB unknown event
  Bytes small = event(16, Bytes(8, 0), false);
  file.insert(file.end(), big.begin(), big.end());
  file.insert(file.end(), small.begin(), small.end());
  auto r = BinlogFileReader::open(write_file("sluice-events-big.000001", file));
  ASSERT_TRUE(r);
  uint64_t pos = 0;
  auto a = (*r)->next(pos);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), big.size());
  auto b = (*r)->next(pos);
  ASSERT_TRUE(b);
  EXPECT_EQ(pos, 4 + big.size());
  EXPECT_TRUE(std::equal(b->begin(), b->end(), small.begin()));
  auto end = (*r)->next(pos);
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->empty());
}

// Events handed out in blocks a caller keeps: their bytes stay intact while held, at most 8
// blocks are handed out (then the caller must copy: head_block() is null), and blocks nobody
// holds any more are reused.
TEST(EventsFileReader, HeldBlocksAreNeverOverwrittenAndBounded) {
  Bytes file = {0xfe, 0x62, 0x69, 0x6e};
  std::vector<Bytes> events;
  for (int i = 0; i < 150; ++i) {  // 15 MiB of 100 KiB events, each of its own byte
    events.push_back(event(201, Bytes(100 << 10, static_cast<uint8_t>(i)), false));
    file.insert(file.end(), events.back().begin(), events.back().end());
  }
  const std::string path = write_file("sluice-events-blocks.000001", file);
  auto r = BinlogFileReader::open(path);
  ASSERT_TRUE(r);
  std::vector<std::pair<BlockRef, std::span<const uint8_t>>> held;
  std::set<ByteBlock*> blocks;
  size_t copied = 0;
  uint64_t pos = 0;
  for (const Bytes& want : events) {
    auto ev = (*r)->next(pos);
    ASSERT_TRUE(ev);
    ASSERT_TRUE(std::equal(ev->begin(), ev->end(), want.begin(), want.end()));
    ByteBlock* b = (*r)->head_block();
    if (b == nullptr) {
      ++copied;
      continue;
    }
    EXPECT_TRUE(b->holds(*ev));
    blocks.insert(b);
    held.emplace_back(BlockRef(b), *ev);
  }
  EXPECT_LE(blocks.size(), 8u);
  EXPECT_GT(copied, 0u);  // the pool ran out: the rest came from the private block
  for (size_t i = 0; i < held.size(); ++i) {
    EXPECT_TRUE(std::equal(held[i].second.begin(), held[i].second.end(), events[i].begin(), events[i].end()))
        << "held event " << i << " was overwritten";
  }
  held.clear();  // released: the reader reuses its blocks, handed out again
  ASSERT_TRUE((*r)->seek(4));
  size_t shared = 0;
  for (const Bytes& want : events) {
    auto ev = (*r)->next(pos);
    ASSERT_TRUE(ev);
    ASSERT_TRUE(std::equal(ev->begin(), ev->end(), want.begin(), want.end()));
    if ((*r)->head_block() != nullptr) ++shared;
  }
  EXPECT_EQ(shared, events.size());
}

}  // namespace
}  // namespace sluice::binlog
