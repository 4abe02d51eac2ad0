// core::BinlogPosition: "file:offset" parsing and printing, and the order of positions across
// binlog files (core/binlog_position.h).
#include "core/binlog_position.h"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

BinlogPosition at(uint64_t offset, std::string file = "mysql-bin.000001") {
  return {std::move(file), offset};
}

TEST(BinlogPosition, ParsesAndPrintsFileColonOffset) {
  auto p = BinlogPosition::parse("mysql-bin.000042:1234");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->file, "mysql-bin.000042");
  EXPECT_EQ(p->offset, 1234u);
  EXPECT_EQ(p->str(), "mysql-bin.000042:1234");
  auto colons = BinlogPosition::parse("dir:with:colons.000001:4");  // the last ':' splits
  ASSERT_TRUE(colons);
  EXPECT_EQ(colons->file, "dir:with:colons.000001");
  EXPECT_TRUE(BinlogPosition{}.empty());
  EXPECT_FALSE(p->empty());
}

TEST(BinlogPosition, RejectsTextThatIsNotFileColonOffset) {
  for (const char* bad : {"nopos", "f:12x", ":12", "f:", "f:-1", "f:99999999999999999999999"}) {
    auto p = BinlogPosition::parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(p.error().message.find(std::string("'") + bad + "'"), std::string::npos) << p.error().message;
  }
}

TEST(BinlogPosition, OrdersByFileNumberThenOffset) {
  EXPECT_LT(compare_positions(at(5, "b.000999"), at(4, "b.1000000")), 0);
  EXPECT_GT(compare_positions(at(5, "b.000002"), at(900, "b.000001")), 0);
  EXPECT_EQ(compare_positions(at(5), at(5)), 0);
  EXPECT_LT(compare_positions(at(4), at(5)), 0);
  EXPECT_EQ(compare_binlog_files("mysql-bin.000010", "mysql-bin.000009"), 1);
  EXPECT_EQ(compare_binlog_files("mysql-bin.999999", "mysql-bin.1000000"), -1);
  EXPECT_EQ(compare_binlog_files("mysql-bin.000007", "mysql-bin.7"), -1);  // equal numbers: as strings
}

TEST(BinlogPosition, NamesWithoutANumberOrOfOtherBasesCompareAsStrings) {
  EXPECT_EQ(compare_binlog_files("a.log", "b.log"), -1);
  EXPECT_EQ(compare_binlog_files("relay.000009", "mysql-bin.000010"), 1);
  EXPECT_EQ(compare_binlog_files("nodot", "nodot"), 0);
  EXPECT_EQ(compare_binlog_files("", "mysql-bin.000001"), -1);
}

}  // namespace
}  // namespace sluice::core
