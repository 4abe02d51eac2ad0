#include "config/destination.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

TEST(Destination, MisspeltKeyWarnsWithTheKeyItMeant) {
  auto d = parse_destination_arg(R"({"type": "sqlite", "path": "x.db", "delets": "hard"})");
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->warnings.size(), 1U);
  EXPECT_EQ(
      d->warnings[0],
      "--destination: unknown key 'delets' for a sqlite destination is ignored; did you mean 'deletes'?");
  auto j = parse_destination_arg(R"({"type": "jsonl", "path": "out", "max_file_byte": 10, "colour": 1})");
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ(j->warnings.size(), 2U);
  EXPECT_NE(j->warnings[1].find("did you mean 'max_file_bytes'?"), std::string::npos) << j->warnings[1];
  EXPECT_EQ(j->warnings[0].find("did you mean"), std::string::npos) << j->warnings[0];
}

TEST(Destination, ASectionThatIsNotAnObjectIsNotEchoed) {
  auto d = parse_destination(nlohmann::json("postgres://u:Sup3rSecret@h/db"), "config.json: destination");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message.find("Sup3rSecret"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("not a string"), std::string::npos) << d.error().message;
}

// The Avro and PostgreSQL keys are typed here (the sinks take no JSON), with the sinks' messages.
TEST(Destination, AvroAndPostgresKeysAreTyped) {
  auto a = parse_destination_arg(R"({"type": "avro", "path": "out", "codec": "null", "block_bytes": 512})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_FALSE(a->avro.deflate);
  EXPECT_EQ(a->avro.block_bytes, 512U);
  EXPECT_EQ(a->avro.max_file_bytes, uint64_t{128} << 20);
  auto bad = parse_destination_arg(R"({"type": "avro", "path": "out", "codex": "null"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "avro destination: unknown option 'codex' (known: path, codec, block_bytes, max_file_bytes); did "
            "you mean "
            "'codec'?");
  auto p = parse_destination_arg(
      R"({"type": "postgres", "user": "u", "port": 6543, "integration_name": "Shop", "deletes": "hard",
          "hard_delete": false, "report": false})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->postgres.port, "6543");
  EXPECT_FALSE(p->postgres.host);
  EXPECT_EQ(p->postgres.integration_name, "Shop");
  EXPECT_TRUE(p->postgres.hard_delete) << "deletes wins over hard_delete";
  auto timeout = parse_destination_arg(R"({"type": "postgres", "user": "u", "connect_timeout": 4000})");
  ASSERT_FALSE(timeout);
  EXPECT_EQ(timeout.error().message,
            "postgres destination: 'connect_timeout' must be seconds between 0 and 3600");
}

}  // namespace
}  // namespace sluice::config
