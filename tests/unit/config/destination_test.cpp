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

}  // namespace
}  // namespace sluice::config
