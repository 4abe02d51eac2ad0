// The `schedule` part of a config file: its keys, defaults and one-line errors.
#include "config/schedule_config.h"

#include <gtest/gtest.h>

#include "config/job_config.h"
#include "support/test_util.h"

namespace sluice::config {
namespace {

core::Result<JobConfig> parse(const std::string& schedule_json,
                              const char* origin = "/etc/sluice/shop.json") {
  return parse_job_config_text(R"({"host":"h","user":"u","schedule":)" + schedule_json + "}", origin);
}

TEST(ScheduleConfig, AbsentIsNone) {
  auto c = parse_job_config_text(R"({"host":"h","user":"u"})", "config.json");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->schedule);
}

TEST(ScheduleConfig, FrequencyWithDefaults) {
  auto c = parse(R"({"frequency":"30m","catalog":"shop.catalog.json"})");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->schedule);
  const ScheduleConfig& s = *c->schedule;
  EXPECT_EQ(s.name, "shop");  // the file's name
  EXPECT_EQ(s.catalog, "shop.catalog.json");
  EXPECT_EQ(s.when.kind, schedule::Kind::kFrequency);
  EXPECT_EQ(s.when.frequency, std::chrono::minutes(30));
  EXPECT_EQ(s.retry.retries, 2);
  EXPECT_EQ(s.retry.backoff, std::chrono::seconds(60));
  EXPECT_TRUE(c->warnings.empty());
}

TEST(ScheduleConfig, CronInAZoneWithRetries) {
  auto c = parse(R"({"name":"shop-eu","cron":"30 2 * * MON-FRI","time_zone":"Europe/Berlin",
                     "catalog":"c.json","retries":5,"retry_backoff":"30s"})");
  ASSERT_TRUE(c) << c.error().message;
  const ScheduleConfig& s = *c->schedule;
  EXPECT_EQ(s.name, "shop-eu");
  EXPECT_EQ(s.when.kind, schedule::Kind::kCron);
  EXPECT_EQ(s.when.zone.name(), "Europe/Berlin");
  EXPECT_EQ(s.retry.retries, 5);
  EXPECT_EQ(s.retry.backoff, std::chrono::seconds(30));
}

TEST(ScheduleConfig, EveryProblemIsOneLine) {
  auto c = parse(R"({"name":"my shop","cron":"0 2 * * 8","retries":-1,"retry_backoff":"later",
                     "timezone":"UTC"})",
                 "shop.json");
  ASSERT_FALSE(c);
  auto lines = test::split_lines(c.error().message);
  ASSERT_EQ(lines.size(), 5U) << c.error().message;
  EXPECT_EQ(lines[0],
            "shop.json: schedule: 'cron' \"0 2 * * 8\": field 5 (day of week) has 8, out of 0-7: days of the "
            "week are 0-7 (0 and 7 are Sunday) or SUN-SAT");
  EXPECT_EQ(lines[1],
            "shop.json: schedule: 'name' \"my shop\" must be letters, digits, '_', '-' or '.': rename it");
  EXPECT_EQ(
      lines[2],
      "shop.json: schedule: 'catalog' is required: name the catalog file (the selected streams) each job "
      "runs with");
  EXPECT_EQ(lines[3], "shop.json: schedule: 'retries' must be a whole number from 0 to 100, got -1");
  EXPECT_NE(lines[4].find("shop.json: schedule: 'retry_backoff': \"later\" is not a duration"),
            std::string::npos);
}

TEST(ScheduleConfig, MisspeltKeyIsAWarning) {
  auto c = parse(R"({"frequency":"1h","catalog":"c.json","time_zon":"UTC"})", "shop.json");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->warnings.size(), 1U);
  EXPECT_EQ(c->warnings[0],
            "shop.json: schedule: unknown key 'time_zon' is ignored; did you mean 'time_zone'?");
}

TEST(ScheduleConfig, NotAnObject) {
  auto c = parse(R"("every hour")", "shop.json");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "shop.json: 'schedule' must be an object such as {\"frequency\": \"30m\", \"catalog\": "
            "\"catalog.json\"}");
}

}  // namespace
}  // namespace sluice::config
