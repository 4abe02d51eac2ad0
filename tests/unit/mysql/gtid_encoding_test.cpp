// encode_mysql_gtid_set: the COM_BINLOG_DUMP_GTID form of a core::GtidSet, classic and tagged
// (mysql/gtid_encoding.h), byte for byte.
#include "mysql/gtid_encoding.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

core::GtidSet set(std::string_view text) {
  auto s = core::GtidSet::parse(core::GtidFlavor::kMySql, text);
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : core::GtidSet();
}

const std::vector<uint8_t> kUuid = {0x3E, 0x11, 0xFA, 0x47, 0x71, 0xCA, 0x11, 0xE1,
                                    0x9E, 0x33, 0xC8, 0x0A, 0xA9, 0x42, 0x95, 0x62};

std::vector<uint8_t> u64(uint64_t v) {
  std::vector<uint8_t> out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return out;
}

std::vector<uint8_t> join(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(GtidEncoding, UntaggedSetsUseTheClassicLayout) {
  auto bytes = encode_mysql_gtid_set(
      set(" 3E11FA47-71CA-11E1-9E33-C80AA9429562:7:1-5,\n3e11fa47-71ca-11e1-9e33-c80aa9429562:6 "));
  // one sid, one interval [1, 8): the end is exclusive
  EXPECT_EQ(bytes, join({u64(1), kUuid, u64(1), u64(1), u64(8)}));
  EXPECT_EQ(encode_mysql_gtid_set(set("")), std::vector<uint8_t>(8, 0));
  EXPECT_EQ(encode_mysql_gtid_set(core::GtidSet(core::GtidFlavor::kMariaDb)), std::vector<uint8_t>(8, 0));
}

TEST(GtidEncoding, ATaggedSourceSwitchesToTheTaggedFormat) {
  auto bytes = encode_mysql_gtid_set(set("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-2:ETL:4"));
  const uint64_t head = (uint64_t{1} << 56) | (uint64_t{2} << 8) | 1;
  EXPECT_EQ(bytes, join({u64(head),
                         kUuid,
                         {0},
                         u64(1),
                         u64(1),
                         u64(3),  // untagged: 1-2
                         kUuid,
                         {3 << 1, 'e', 't', 'l'},
                         u64(1),
                         u64(4),
                         u64(5)}));  // etl: 4
}

}  // namespace
}  // namespace sluice::mysql
