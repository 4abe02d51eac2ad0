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

TEST(State, ACapturedLineWhoseTypeIsNotAStringIsSkipped) {
  // Found by fuzz_config_readers: '"type": {...}' on one line threw out of load_state.
  std::string dir = test::make_temp_dir("state");
  test::write_file(dir + "/out.jsonl", "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":{\"x\":3}}}}\n"
                                       "{\"type\": {\"id\": 1}}\n"
                                       "{\"type\": 7}\n"
                                       "[\"STATE\"]\n");
  auto s = load_state(dir + "/out.jsonl");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s->find_bookmark("a"))["x"], 3);
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

// Every key sluice reads from a bookmark, given the wrong JSON type: one kConfig error naming the
// file, the stream, the key and the type it must have; never an exception.
TEST(State, WrongTypedValuesAreOneErrorNamingTheKey) {
  struct Case {
    const char* bookmark;
    const char* key;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"log_pos": "abc"})", "'log_pos'", "a non-negative integer"},
      {R"({"log_pos": -4})", "'log_pos'", "a non-negative integer"},
      {R"({"log_file": 42})", "'log_file'", "a string"},
      {R"({"initial_full_table_complete": "yes"})", "'initial_full_table_complete'", "true or false"},
      {R"({"version": "1"})", "'version'", "an integer"},
      {R"({"version": 1.5})", "'version'", "an integer"},
      {R"({"gtid": 7})", "'gtid'", "a string or null"},
      {R"({"replication_key_value": {"a": 1}})", "'replication_key_value'", "a string, number"},
      {R"({"last_pk_fetched": [1]})", "'last_pk_fetched'", "an object"},
      {R"({"max_pk_values": {"id": [1]}})", "'max_pk_values'", "an object of column values"},
      {R"({"sluice_columns": [["id"]]})", "'sluice_columns'", "an array of [name, type"},
      {R"("not an object")", "the bookmark of 'db-t'", "an object"},
  };
  for (const Case& c : cases) {
    auto doc = nlohmann::ordered_json::parse(std::string(R"({"bookmarks": {"db-t": )") + c.bookmark + "}}");
    auto s = parse_state(doc, "state.json");
    ASSERT_FALSE(s) << c.bookmark;
    const std::string& m = s.error().message;
    EXPECT_EQ(s.error().code, core::ErrorCode::kConfig);
    EXPECT_EQ(m.rfind("state.json: ", 0), 0U) << m;
    EXPECT_NE(m.find(c.key), std::string::npos) << m;
    EXPECT_NE(m.find(c.expected), std::string::npos) << m;
    EXPECT_NE(m.find("'db-t'"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  auto cs =
      parse_state(nlohmann::ordered_json::parse(R"({"currently_syncing": 3, "bookmarks": {}})"), "s.json");
  ASSERT_FALSE(cs);
  EXPECT_NE(cs.error().message.find("'currently_syncing'"), std::string::npos) << cs.error().message;
  // The tap's own forms stay accepted: large unsigned keys, datetime strings, null gtid.
  auto ok = parse_state(nlohmann::ordered_json::parse(
                            R"({"bookmarks": {"a": {"version": 1, "log_file": "f", "log_pos": 4, "gtid": null,
                            "replication_key": "ts", "replication_key_value": "2020-01-01T00:00:00+00:00",
                            "last_pk_fetched": {"id": 18446744073709551615}, "initial_full_table_complete": true,
                            "sluice_columns": [["id", "int", null]], "unknown_key": {"x": [1]}}}})"),
                        "s.json");
  EXPECT_TRUE(ok) << ok.error().message;
}

}  // namespace
}  // namespace sluice::config
