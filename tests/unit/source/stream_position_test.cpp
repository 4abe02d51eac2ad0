// check_binlog_position: a start position against the server's binlog files (SHOW BINARY LOGS)
// and its current end, without a server.
#include <gtest/gtest.h>

#include "source/stream_server.h"

namespace sluice::source {
namespace {

using Kind = PositionProblem::Kind;

const std::vector<mysql::BinlogFile> kFiles = {
    {"binlog.000007", 900}, {"binlog.000008", 1200}, {"binlog.000009", 400}};
const core::BinlogPosition kEnd{"binlog.000009", 650};

TEST(CheckBinlogPosition, PositionsInsideTheFilesAreReadable) {
  EXPECT_FALSE(check_binlog_position(kFiles, kEnd, {"binlog.000007", 4}));
  EXPECT_FALSE(check_binlog_position(kFiles, kEnd, {"binlog.000008", 1200}));  // the end of a closed file
  // The current file grew since SHOW BINARY LOGS: the later end counts.
  EXPECT_FALSE(check_binlog_position(kFiles, kEnd, {"binlog.000009", 650}));
}

TEST(CheckBinlogPosition, EachImpossibleStartSaysWhy) {
  auto past = check_binlog_position(kFiles, kEnd, {"binlog.000008", 1201});
  ASSERT_TRUE(past);
  EXPECT_EQ(past->kind, Kind::kPastEnd);
  EXPECT_EQ(past->text, "position 1201 is past the end of binlog.000008 (1200 bytes)");
  auto newer = check_binlog_position(kFiles, kEnd, {"binlog.000010", 4});
  ASSERT_TRUE(newer);
  EXPECT_EQ(newer->kind, Kind::kNewer);
  EXPECT_EQ(newer->text,
            "binlog.000010 is newer than the server's current binlog binlog.000009 (it has binlog.000007 to "
            "binlog.000009)");
  auto purged = check_binlog_position(kFiles, kEnd, {"binlog.000003", 4});
  ASSERT_TRUE(purged);
  EXPECT_EQ(purged->kind, Kind::kPurged);
  auto other = check_binlog_position(kFiles, kEnd, {"mysql-bin.000008", 4});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind, Kind::kUnknownFile);
  EXPECT_NE(other->text.find("no binlog named mysql-bin.000008"), std::string::npos) << other->text;
  // Numbers past six digits still order by value.
  EXPECT_EQ(check_binlog_position(kFiles, kEnd, {"binlog.1000000", 4})->kind, Kind::kNewer);
}

}  // namespace
}  // namespace sluice::source
