// The `target` part read alone (parse_target_config, for `sluice check`): typed connection keys
// and position_schema, or every problem in one error, one line each.
#include "config/replicate_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sluice::config {
namespace {

TEST(TargetConfig, ParsedAloneFromTheWholeFile) {
  std::vector<std::string> warnings;
  auto doc = nlohmann::json::parse(R"({"host":"src","user":"u",
      "target":{"host":"replica","port":3307,"user":"applier","password":"pw","position_schema":"pos"}})");
  auto t = parse_target_config(doc, "pipeline.json", warnings);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->connection.host, "replica");
  EXPECT_EQ((*t)->connection.port, 3307);
  EXPECT_EQ((*t)->connection.user, "applier");
  EXPECT_EQ((*t)->position_schema, "pos");
  EXPECT_TRUE(warnings.empty());

  auto none = parse_target_config(nlohmann::json::parse(R"({"host":"src"})"), "pipeline.json", warnings);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST(TargetConfig, ProblemsNameTheTargetPart) {
  std::vector<std::string> warnings;
  auto doc = nlohmann::json::parse(R"({"target":{"user":"a","password":"s3cret","port":"x","position_schema":7}})");
  auto t = parse_target_config(doc, "pipeline.json", warnings);
  ASSERT_FALSE(t);
  const std::string& msg = t.error().message;
  EXPECT_EQ(t.error().code, core::ErrorCode::kConfig);
  EXPECT_NE(msg.find("pipeline.json target: 'position_schema' must be a database name"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("pipeline.json target: "), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
  auto bad = parse_target_config(nlohmann::json::parse(R"({"target":"replica"})"), "pipeline.json", warnings);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'target' must be an object"), std::string::npos);
}

TEST(ReplicateConfig, InitialCopyKeys) {
  std::vector<std::string> problems;
  auto on = replicate_from_config(
      nlohmann::json::parse(
          R"({"replicate":{"journal_dir":"/j","initial_copy":true,"initial_copy_chunk_rows":500}})"),
      "p.json", problems);
  ASSERT_TRUE(on);
  EXPECT_TRUE(problems.empty());
  EXPECT_TRUE(on->initial_copy);
  EXPECT_EQ(on->initial_copy_chunk_rows, 500u);
  auto off = replicate_from_config(nlohmann::json::parse(R"({"replicate":{"journal_dir":"/j"}})"), "p.json",
                                   problems);
  EXPECT_FALSE(off->initial_copy);
  EXPECT_EQ(off->initial_copy_chunk_rows, 10000u);
  (void)replicate_from_config(
      nlohmann::json::parse(
          R"({"replicate":{"journal_dir":"/j","initial_copy":"yes","initial_copy_chunk_rows":0}})"),
      "p.json", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "p.json: 'replicate.initial_copy' must be true or false");
  EXPECT_NE(problems[1].find("'replicate.initial_copy_chunk_rows' must be a whole number"),
            std::string::npos);
}

TEST(ReplicateSettings, MetricsListenIsHostAndPort) {
  std::vector<std::string> problems;
  auto r = replicate_from_config(
      nlohmann::json::parse(R"({"replicate":{"journal_dir":"/l","metrics_listen":"127.0.0.1:9187"}})"), "p.json",
      problems);
  ASSERT_TRUE(problems.empty()) << problems.at(0);
  ASSERT_TRUE(r && r->metrics_listen);
  EXPECT_EQ(r->metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(r->metrics_listen->port, 9187);
  auto none = replicate_from_config(nlohmann::json::parse(R"({"replicate":{"journal_dir":"/l"}})"), "p.json", problems);
  EXPECT_FALSE(none->metrics_listen);  // absent: no endpoint

  auto v6 = parse_listen_address("[::1]:9187", "x");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->str(), "[::1]:9187");
  for (const char* bad : {"9187", ":9187", "host:", "host:0", "host:65536", "host:9x", "::1:9187", "[::1:9187"}) {
    auto a = parse_listen_address(bad, "'replicate.metrics_listen'");
    ASSERT_FALSE(a) << bad;
    EXPECT_EQ(a.error().message, std::string("'replicate.metrics_listen' must be \"HOST:PORT\" such as "
                                             "\"127.0.0.1:9187\" (port 1 to 65535), got '") +
                                     bad + "'");
  }
  problems.clear();
  replicate_from_config(nlohmann::json::parse(R"({"replicate":{"journal_dir":"/l","metrics_listen":9187}})"),
                        "p.json", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("p.json: 'replicate.metrics_listen' must be \"HOST:PORT\"", 0), 0u) << problems[0];
}

}  // namespace
}  // namespace sluice::config
