// core::GtidSet: MySQL GTID sets (with MySQL 8.3+ tags) and MariaDB GTID positions parsed,
// printed in canonical order, grown one transaction at a time, compared (core/gtid_set.h).
#include "core/gtid_set.h"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

constexpr const char* kUuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

GtidSet mysql(std::string_view text) {
  auto s = GtidSet::parse(GtidFlavor::kMySql, text);
  EXPECT_TRUE(s) << text << ": " << s.error().message;
  return s ? *s : GtidSet();
}

GtidSet mariadb(std::string_view text) {
  auto s = GtidSet::parse(GtidFlavor::kMariaDb, text);
  EXPECT_TRUE(s) << text << ": " << s.error().message;
  return s ? *s : GtidSet();
}

TEST(GtidSet, MySqlSetMergesSortsAndPrintsLowerCase) {
  GtidSet s = mysql(
      " 3E11FA47-71CA-11E1-9E33-C80AA9429562:7:1-5,\naaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:3,"
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:6 ");
  EXPECT_EQ(s.flavor(), GtidFlavor::kMySql);
  EXPECT_EQ(s.str(), std::string(kUuid) + ":1-7,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:3");
  ASSERT_EQ(s.sources().size(), 2u);
  EXPECT_EQ(s.sources()[0].uuid[0], 0x3E);
  EXPECT_EQ(s.sources()[0].intervals, (std::vector<std::pair<uint64_t, uint64_t>>{{1, 7}}));
  EXPECT_TRUE(mysql("").empty());
  EXPECT_EQ(mysql("").str(), "");
}

TEST(GtidSet, MySqlSetGrowsOneTransactionAtATime) {
  GtidSet s = mysql(std::string(kUuid) + ":1-5:8, aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:3");
  EXPECT_TRUE(s.add(std::string(kUuid) + ":6"));
  EXPECT_TRUE(s.add("3E11FA47-71CA-11E1-9E33-C80AA9429562:7"));
  EXPECT_TRUE(s.add("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1"));
  EXPECT_TRUE(s.add("00000000-0000-0000-0000-000000000001:10"));  // a new source sorts first
  EXPECT_EQ(s.str(), "00000000-0000-0000-0000-000000000001:10," + std::string(kUuid) +
                         ":1-8,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1:3");
  const std::string before = s.str();
  EXPECT_FALSE(s.add("not a gtid"));
  EXPECT_FALSE(s.add("0-1-42"));                       // a MariaDB GTID
  EXPECT_FALSE(s.add(std::string(kUuid) + ":9:x-1"));  // nothing of a bad item is taken
  EXPECT_EQ(s.str(), before);
}

TEST(GtidSet, MySqlTagsAreSourcesOfTheirOwn) {
  // As MySQL 8.3+ writes them: a tag applies to the intervals after it, untagged first.
  GtidSet s = mysql(std::string(kUuid) + ":ETL:1-3:etl:5," + kUuid + ":1-2:alpha:4");
  EXPECT_EQ(s.str(), std::string(kUuid) + ":1-2:alpha:4:etl:1-3:5");  // as @@gtid_executed shows it
  ASSERT_EQ(s.sources().size(), 3u);
  EXPECT_EQ(s.sources()[2].tag, "etl");
  EXPECT_TRUE(s.add(std::string(kUuid) + ":Etl:4"));
  EXPECT_TRUE(s.add(std::string(kUuid) + ":zz_9:1"));
  EXPECT_EQ(s.str(), std::string(kUuid) + ":1-2:alpha:4:etl:1-5:zz_9:1");
  GtidSet only_tagged = mysql(std::string(kUuid) + ":etl:2,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1");
  EXPECT_EQ(only_tagged.str(), std::string(kUuid) + ":etl:2,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1");
}

TEST(GtidSet, BadMySqlItemsNameTheItemAndWhy) {
  const std::string u = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"nouuid", "has no ':'"},
      {u + ":", "interval"},
      {"3E11FA47-71CA-11E1-9E33:1", "does not start with a UUID"},
      {u + ":5-2", "interval"},
      {u + ":0", "interval"},
      {u + ":tag", "does not end with an interval"},
      {u + ":a:b:1", "tag without intervals"},
      {u + ":9tag:1", "interval"},
      {u + ":bad-tag:1", "not [a-z_][a-z0-9_]{0,31}"},
      {u + ":" + std::string(33, 't') + ":1", "not [a-z_][a-z0-9_]{0,31}"},
  };
  for (const auto& [bad, why] : cases) {
    auto r = GtidSet::parse(GtidFlavor::kMySql, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1," + bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("GTID set item '" + bad + "'"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }
}

TEST(GtidSet, MariaDbPositionKeepsTheLastPerDomain) {
  GtidSet s = mariadb(" 1-2-7,0-1-42\n");
  EXPECT_EQ(s.flavor(), GtidFlavor::kMariaDb);
  EXPECT_TRUE(s.add("0-1-43"));
  EXPECT_TRUE(s.add("2-5-1"));
  EXPECT_FALSE(s.add(std::string(kUuid) + ":1"));
  EXPECT_EQ(s.str(), "0-1-43,1-2-7,2-5-1");
  ASSERT_EQ(s.domains().size(), 3u);
  EXPECT_EQ(s.domains()[0].seq, 43u);
  auto bad = GtidSet::parse(GtidFlavor::kMariaDb, "0-1-42,0-x-1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("GTID position item '0-x-1' does not parse"), std::string::npos)
      << bad.error().message;
}

TEST(GtidSet, FlavourToldByTheText) {
  EXPECT_TRUE(looks_like_mariadb_gtid_pos("0-1-42, 1-2-7"));
  EXPECT_FALSE(looks_like_mariadb_gtid_pos("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"));
  EXPECT_FALSE(looks_like_mariadb_gtid_pos(""));
  EXPECT_FALSE(looks_like_mariadb_gtid_pos("0-1-42,"));
  auto m = GtidSet::parse("0-1-42");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->flavor(), GtidFlavor::kMariaDb);
  auto y = GtidSet::parse(std::string(kUuid) + ":1");
  ASSERT_TRUE(y);
  EXPECT_EQ(y->flavor(), GtidFlavor::kMySql);
  GtidSet none;
  EXPECT_FALSE(none.add("0-1-1"));
  EXPECT_EQ(none.str(), "");
}

TEST(GtidSet, ContainsAndMeet) {
  GtidSet have = mysql(std::string(kUuid) + ":1-10:20,aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:t:1-3");
  EXPECT_TRUE(have.contains(mysql(std::string(kUuid) + ":2-5:20")));
  EXPECT_TRUE(have.contains(mysql("")));
  EXPECT_FALSE(have.contains(mysql(std::string(kUuid) + ":10-11")));
  EXPECT_FALSE(have.contains(mysql("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:1")));  // untagged is another source
  EXPECT_TRUE(have.contains(mysql("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee:T:2")));
  GtidSet pos = mariadb("0-1-42,1-2-7");
  EXPECT_TRUE(pos.contains(mariadb("0-3-40")));
  EXPECT_FALSE(pos.contains(mariadb("0-1-43")));
  EXPECT_FALSE(pos.contains(mariadb("2-1-1")));
  EXPECT_FALSE(pos.contains(have));
  EXPECT_EQ(GtidSet::mariadb_meet(mariadb("1-2-9,0-1-42,3-1-1"), mariadb("0-5-40,1-2-10")).str(),
            "0-5-40,1-2-9");
}

}  // namespace
}  // namespace sluice::core
