#include <gtest/gtest.h>

#include "config/state.h"
#include "support/test_util.h"

namespace sluice::config {
namespace {

TEST(State, ReadsTheTapsStateAndKeepsKeyOrder) {
  std::string dir = test::make_temp_dir("state");
  test::write_file(dir + "/s.json", R"({"currently_syncing": "db-t", "bookmarks": {"db-t": {"version": 1795238215079,
    "log_file": "mysql-bin.000001", "log_pos": 8310, "max_pk_values": {"id": 18446744073709551615}}}})");
  auto s = load_state(dir + "/s.json");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->currently_syncing().value_or(""), "db-t");
  const auto* b = s->find_bookmark("db-t");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ((*b)["max_pk_values"]["id"].get<uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(s->dump(),
            R"({"currently_syncing":"db-t","bookmarks":{"db-t":{"version":1795238215079,"log_file":"mysql-bin.000001",)"
            R"("log_pos":8310,"max_pk_values":{"id":18446744073709551615}}}})");
}

TEST(State, TakesTheLastStateOfACapturedStdout) {
  std::string dir = test::make_temp_dir("state");
  test::write_file(dir + "/out.jsonl", "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":{\"x\":1}}}}\n"
                                       "{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{}}\n"
                                       "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":{\"x\":2}}}}\n"
                                       "{\"type\":\"RECO");  // cut by a kill
  auto s = load_state(dir + "/out.jsonl");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s->find_bookmark("a"))["x"], 2);
  EXPECT_FALSE(s->currently_syncing());
}

TEST(State, KeepOnlyAndClear) {
  State s;
  s.bookmark("t")["version"] = 1;
  s.bookmark("t")["junk"] = true;
  s.bookmark("t")["log_pos"] = 4;
  s.keep_only("t", {"version", "log_pos"});
  s.clear("t", "log_pos");
  EXPECT_EQ(s.dump(), R"({"currently_syncing":null,"bookmarks":{"t":{"version":1}}})");
}

TEST(State, EmptyFileIsEmptyStateAndGarbageIsAnError) {
  std::string dir = test::make_temp_dir("state");
  test::write_file(dir + "/empty.json", "\n");
  EXPECT_TRUE(load_state(dir + "/empty.json"));
  test::write_file(dir + "/bad.json", "not json");
  auto bad = load_state(dir + "/bad.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kConfig);
  EXPECT_FALSE(load_state(dir + "/missing.json"));
}

}  // namespace
}  // namespace sluice::config
