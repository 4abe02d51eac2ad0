// GTID_TAGGED_LOG_EVENT (MySQL 8.3+, `SET gtid_next='AUTOMATIC:tag'`): the fixture made by
// MySQL 9.7 (tests/data/mysql_gtid_tagged) and hand-cut variants of one of its events.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "support/test_util.h"
#include "unit/binlog/events_bytes.h"

namespace sluice::binlog {
namespace {

using namespace test_events;

// The body of the GTID_TAGGED event at binlog.000003:608 of the fixture (CRC stripped):
// uuid 0310f293-e57e-11f1-99f0-02fc00000001, tag orders_v2, gno 2, last_committed 2,
// sequence_number 3, commit 1795246535031147 us, transaction length 309, server 90704.
const Bytes kTagged = {0x02, 0x7c, 0x00, 0x00, 0x00, 0x02, 0x06, 0x20, 0xc9, 0x03, 0x4d, 0x02, 0x95, 0x03, 0xfc, 0x22,
                       0xc5, 0x03, 0x65, 0x02, 0xc1, 0x03, 0x04, 0xf1, 0x03, 0x00, 0x00, 0x00, 0x02, 0x04, 0x08, 0x06,
                       0x12, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x73, 0x5f, 0x76, 0x32, 0x08, 0x08, 0x0a, 0x0c, 0x0c, 0x7f,
                       0x6b, 0x39, 0x01, 0x68, 0xc4, 0x60, 0x06, 0x10, 0xd5, 0x04, 0x12, 0x83, 0x12, 0x0b};

TEST(EventsGtidTagged, DecodesEveryField) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  auto s = dec.feed(event(42, kTagged), 608, rec);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(rec.gtids.size(), 1u);
  const Gtid& g = rec.gtids[0];
  EXPECT_FALSE(g.anonymous);
  const uint8_t uuid[16] = {0x03, 0x10, 0xf2, 0x93, 0xe5, 0x7e, 0x11, 0xf1, 0x99, 0xf0, 0x02, 0xfc, 0, 0, 0, 1};
  EXPECT_TRUE(std::equal(g.uuid.begin(), g.uuid.end(), uuid));
  EXPECT_EQ(rec.tags[0], "orders_v2");
  EXPECT_EQ(g.gno, 2);
  EXPECT_EQ(g.last_committed, 2);
  EXPECT_EQ(g.sequence_number, 3);
  EXPECT_EQ(g.immediate_commit_us, 1795246535031147u);
  EXPECT_EQ(g.original_commit_us, 1795246535031147u);  // absent field: equal to the immediate one
  EXPECT_EQ(g.transaction_length, 309u);
}

TEST(EventsGtidTagged, CutAtEveryByte) {
  // Cut after n bytes, with the message size saying n: a cut inside a field is a kCorrupt error
  // naming the position; a cut between fields is a shorter valid message (later fields absent).
  size_t errors = 0;
  for (size_t n = 0; n + 1 < kTagged.size(); ++n) {
    EventDecoder dec;
    Recorder rec;
    ASSERT_TRUE(start(dec, rec));
    Bytes cut(kTagged.begin(), kTagged.begin() + static_cast<long>(n));
    if (n >= 2) cut[1] = static_cast<uint8_t>(n << 1);
    auto s = dec.feed(event(42, cut), 608, rec);
    if (s) {
      ASSERT_EQ(rec.gtids.size(), 1u) << n;
      uint64_t len = rec.gtids[0].transaction_length;  // known only when the cut is past it
      EXPECT_TRUE(len == 0 || len == 309) << n;
      continue;
    }
    ++errors;
    EXPECT_EQ(s.error().code, core::ErrorCode::kCorrupt) << n << ": " << s.error().message;
    EXPECT_NE(s.error().message.find("f.000001:608"), std::string::npos) << s.error().message;
  }
  EXPECT_GT(errors, 20u);
}

TEST(EventsGtidTagged, SizeLargerThanTheEventAndUnknownRequiredField) {
  EventDecoder dec;
  Recorder rec;
  ASSERT_TRUE(start(dec, rec));
  Bytes big = kTagged;
  big[1] = 0xfe;  // size 127
  auto s = dec.feed(event(42, big), 608, rec);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not fit the event"), std::string::npos) << s.error().message;
  Bytes required = kTagged;
  required[2] = 40;  // last non-ignorable field 20: unknown here
  s = dec.feed(event(42, required), 608, rec);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::kUnsupported);
}

TEST(EventsGtidTagged, FixtureDecodesToExpectedJsonLines) {
  std::string dir = std::string(test::source_dir()) + "/tests/data/mysql_gtid_tagged/";
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = open_memstream(&buf, &len);
  core::Status st;
  {
    ChangePrinter printer(mem, PrinterOptions{true, true});
    ChangeAssembler assembler(printer);
    EventDecoder decoder;
    st = read_binlog_files({dir + "binlog.000003"}, FileReadOptions{}, decoder, assembler);
    if (st) st = assembler.finish();
    if (st) st = printer.flush();
  }
  std::fclose(mem);
  std::string got(buf, len);
  std::free(buf);
  ASSERT_TRUE(st) << st.error().message;
  std::ifstream in(dir + "expected.jsonl");
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str());
  EXPECT_NE(got.find("\"gtid\":\"0310f293-e57e-11f1-99f0-02fc00000001:orders_v2:2\""), std::string::npos);
  EXPECT_NE(got.find("\"gtid\":\"0310f293-e57e-11f1-99f0-02fc00000001:b:1\""), std::string::npos);
}

}  // namespace
}  // namespace sluice::binlog
