#include "schedule/schedule.h"

#include <gtest/gtest.h>

namespace sluice::schedule {
namespace {

using namespace std::chrono;

// An instant written as UTC fields.
Instant utc(year_month_day d, int h, int m = 0, int s = 0) {
  return Instant(sys_days(d)) + hours(h) + minutes(m) + seconds(s);
}

Schedule made(ScheduleText text) {
  auto s = make_schedule(text);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? *s : Schedule{};
}

Schedule cron(const char* expr, const char* zone = "UTC") { return made({.cron = expr, .time_zone = zone}); }

std::string error_of(ScheduleText text) {
  auto s = make_schedule(text);
  EXPECT_FALSE(s.has_value());
  return s ? "" : s.error().message;
}

TEST(Schedule, FrequencyStartsAtOnceThenAfterThePreviousStart) {
  Schedule s = made({.frequency = "30m"});
  Instant now = utc(2026y / 12 / 7, 10, 10);
  EXPECT_EQ(next_start(s, std::nullopt, now), now);
  EXPECT_EQ(next_start(s, utc(2026y / 12 / 7, 10, 0), now), utc(2026y / 12 / 7, 10, 30));
  EXPECT_EQ(s.describe(), "every 30m");
}

TEST(Schedule, FrequencyOverrunStartsAtOnceOnce) {
  Schedule s = made({.frequency = "30m"});
  Instant last = utc(2026y / 12 / 7, 10, 0);
  Instant overran_until = utc(2026y / 12 / 7, 10, 45);
  EXPECT_EQ(next_start(s, last, overran_until), overran_until);
  // The one catch-up start counts as the previous start: the one after is 30 minutes later.
  EXPECT_EQ(next_start(s, overran_until, overran_until), utc(2026y / 12 / 7, 11, 15));
}

TEST(Schedule, MissedStartsWhileDownRunOnce) {
  Schedule s = cron("0 2 * * *");
  Instant last = utc(2026y / 12 / 1, 2);
  Instant now = utc(2026y / 12 / 7, 17);  // six starts were missed
  EXPECT_EQ(next_start(s, last, now), now);
  EXPECT_EQ(next_start(s, now, now + seconds(5)), utc(2026y / 12 / 8, 2));
}

// sluice run restarted: the last start it saved before going down is `last_start`.
TEST(Schedule, RestartRunsOneMissedStartThenKeepsTheSchedule) {
  Schedule every = made({.frequency = "30m"});
  Instant last = utc(2026y / 12 / 7, 10);
  EXPECT_EQ(next_start(every, last, utc(2026y / 12 / 7, 10, 20)), utc(2026y / 12 / 7, 10, 30))
      << "restarted before the next start: it waits for it, no extra job";
  Instant back = utc(2026y / 12 / 7, 14, 7);  // eight starts were missed
  EXPECT_EQ(next_start(every, last, back), back);
  EXPECT_EQ(next_start(every, back, back + seconds(3)), utc(2026y / 12 / 7, 14, 37));
  Schedule anchored = made({.frequency = "6h", .anchor = "02:00", .time_zone = "Europe/Berlin"});
  Instant anchor_last = utc(2026y / 12 / 7, 1);   // 02:00 CET
  Instant anchor_back = utc(2026y / 12 / 7, 16);  // 08:00 and 14:00 CET were missed
  EXPECT_EQ(next_start(anchored, anchor_last, anchor_back), anchor_back);
  EXPECT_EQ(next_start(anchored, anchor_back, anchor_back + seconds(3)), utc(2026y / 12 / 7, 19))
      << "then the anchored times again: 20:00 CET";
}

TEST(Schedule, CronOnItsMinuteStartsThen) {
  Schedule s = cron("0 2 * * *");
  EXPECT_EQ(next_start(s, std::nullopt, utc(2026y / 12 / 7, 2)), utc(2026y / 12 / 7, 2));
  EXPECT_EQ(next_start(s, std::nullopt, utc(2026y / 12 / 7, 2, 0, 1)), utc(2026y / 12 / 8, 2));
}

TEST(Schedule, AnchorGivesTheSameStartTimesEveryDay) {
  Schedule s = made({.frequency = "6h", .anchor = "02:00"});
  EXPECT_EQ(s.kind, Kind::kAnchor);
  EXPECT_EQ(s.describe(), "every 6h from 02:00 (UTC)");
  std::vector<Instant> want = {utc(2026y / 12 / 7, 20), utc(2026y / 12 / 8, 2), utc(2026y / 12 / 8, 8),
                               utc(2026y / 12 / 8, 14), utc(2026y / 12 / 8, 20)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 12 / 7, 17, 1), 5), want);
}

TEST(Schedule, AnchorKeepsWallClockTimeAcrossDst) {
  // 02:30 Berlin every day: 01:30Z in winter, 00:30Z in summer; on 29 March 2026 02:30 does
  // not exist (02:00 CET -> 03:00 CEST): the job runs once, when the clocks jump (01:00Z).
  Schedule s = made({.frequency = "24h", .anchor = "02:30", .time_zone = "Europe/Berlin"});
  std::vector<Instant> want = {utc(2026y / 3 / 28, 1, 30), utc(2026y / 3 / 29, 1),
                               utc(2026y / 3 / 30, 0, 30)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 3 / 27, 12), 3), want);
  EXPECT_EQ(s.zone.format(want[1]), "2026-03-29 03:00:00 CEST");
}

TEST(Schedule, AnchorFrequencyMustDivideADay) {
  EXPECT_EQ(
      error_of({.frequency = "90m", .anchor = "02:00"}),
      "'frequency' with 'anchor' must be 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h (the same start times every "
      "day), got 1h30m: change it, or use 'cron' for other patterns");
  EXPECT_NE(error_of({.frequency = "30m", .anchor = "02:00"}).find("got 30m"), std::string::npos);
  EXPECT_EQ(error_of({.frequency = "6h", .anchor = "2:00"}),
            "'anchor' \"2:00\" is not a time of day: write \"HH:MM\", 00:00 to 23:59, such as \"02:30\"");
}

TEST(Schedule, CronRangesStepsAndListsOnWeekdays) {
  Schedule s = cron("0 9-17/4 * * MON-FRI");
  // From Friday evening: Monday 09:00, 13:00, 17:00, then Tuesday 09:00.
  std::vector<Instant> want = {utc(2026y / 12 / 7, 9), utc(2026y / 12 / 7, 13), utc(2026y / 12 / 7, 17),
                               utc(2026y / 12 / 8, 9)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 12 / 4, 18), 4), want);
  EXPECT_EQ(upcoming_starts(cron("15,45 3 1 JAN,JUL *"), utc(2026y / 12 / 7, 0), 3),
            (std::vector<Instant>{utc(2027y / 1 / 1, 3, 15), utc(2027y / 1 / 1, 3, 45),
                                  utc(2027y / 7 / 1, 3, 15)}));
}

TEST(Schedule, CronTwentyNinthOfFebruaryWaitsForALeapYear) {
  EXPECT_EQ(start_after(cron("0 0 29 2 *"), utc(2026y / 3 / 1, 0)), utc(2028y / 2 / 29, 0));
}

TEST(Schedule, CronSpringForwardRunsASkippedTimeOnceWhenTheClocksJump) {
  // New York, 8 March 2026: 02:00 EST -> 03:00 EDT (07:00Z). 02:30 does not exist that day.
  Schedule s = cron("30 2 * * *", "America/New_York");
  std::vector<Instant> want = {utc(2026y / 3 / 7, 7, 30), utc(2026y / 3 / 8, 7), utc(2026y / 3 / 9, 6, 30)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 3 / 7, 0), 3), want);
  // Every 15 minutes: 02:00-02:45 all fall into the jump, which runs once, then 03:15 EDT.
  Schedule quarter = cron("*/15 * * * *", "Europe/Berlin");
  std::vector<Instant> berlin = {utc(2026y / 3 / 29, 0, 45), utc(2026y / 3 / 29, 1),
                                 utc(2026y / 3 / 29, 1, 15)};
  EXPECT_EQ(upcoming_starts(quarter, utc(2026y / 3 / 29, 0, 40), 3), berlin);
}

TEST(Schedule, CronFallBackRunsARepeatedTimeOnce) {
  // New York, 1 November 2026: 02:00 EDT -> 01:00 EST (06:00Z); 01:30 happens at 05:30Z and 06:30Z.
  Schedule s = cron("30 1 * * *", "America/New_York");
  std::vector<Instant> want = {utc(2026y / 11 / 1, 5, 30), utc(2026y / 11 / 2, 6, 30)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 11 / 1, 0), 2), want);
  EXPECT_EQ(s.zone.format(want[0]), "2026-11-01 01:30:00 EDT");
}

TEST(Schedule, CronEveryHourRunsInBothCopiesOfARepeatedHour) {
  Schedule s = cron("30 * * * *", "America/New_York");
  std::vector<Instant> want = {utc(2026y / 11 / 1, 5, 30), utc(2026y / 11 / 1, 6, 30),
                               utc(2026y / 11 / 1, 7, 30)};
  EXPECT_EQ(upcoming_starts(s, utc(2026y / 11 / 1, 5, 1), 3), want);
  EXPECT_EQ(s.zone.format(want[1]), "2026-11-01 01:30:00 EST");
  // An hourly anchor too; a 2-hourly one runs the repeated 01:00 once (Berlin repeats 02:xx).
  Schedule hourly = made({.frequency = "1h", .anchor = "00:30", .time_zone = "America/New_York"});
  EXPECT_EQ(upcoming_starts(hourly, utc(2026y / 11 / 1, 5, 1), 3), want);
  Schedule two = made({.frequency = "2h", .anchor = "00:30", .time_zone = "Europe/Berlin"});
  // 25 October 2026, Berlin: 03:00 CEST -> 02:00 CET (01:00Z); 02:30 is at 00:30Z and 01:30Z.
  std::vector<Instant> berlin = {utc(2026y / 10 / 25, 0, 30), utc(2026y / 10 / 25, 3, 30)};
  EXPECT_EQ(upcoming_starts(two, utc(2026y / 10 / 24, 23, 0), 2), berlin);
}

TEST(Schedule, RetriesBackOffThenWaitForTheNextStart) {
  RetryPolicy p{.retries = 3, .backoff = seconds(60)};
  Instant failed = utc(2026y / 12 / 7, 10);
  Instant next = utc(2026y / 12 / 7, 12);
  EXPECT_EQ(retry_at(p, 1, failed, next), failed + seconds(60));
  EXPECT_EQ(retry_at(p, 2, failed, next), failed + seconds(120));
  EXPECT_EQ(retry_at(p, 3, failed, next), failed + seconds(240));
  EXPECT_EQ(retry_at(p, 4, failed, next), std::nullopt);  // spent: wait for 12:00
  // Never at or past the next regular start, and the backoff stops growing at one hour.
  EXPECT_EQ(retry_at(p, 1, failed, failed + seconds(60)), std::nullopt);
  RetryPolicy slow{.retries = 5, .backoff = minutes(40)};
  EXPECT_EQ(retry_at(slow, 3, failed, failed + hours(24)), failed + hours(1));
  EXPECT_EQ(retry_at(RetryPolicy{.retries = 0}, 1, failed, next), std::nullopt);
}

TEST(Schedule, Durations) {
  EXPECT_EQ(parse_duration("1h30m"), seconds(5400));
  EXPECT_EQ(parse_duration("90"), seconds(90));
  EXPECT_EQ(parse_duration("2D"), seconds(172800));
  EXPECT_EQ(format_duration(seconds(5400)), "1h30m");
  EXPECT_EQ(format_duration(seconds(86405)), "1d5s");
  for (const char* bad : {"", "1x", "h", "-5m", "1h30", "400d"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_NE(d.error().message.find("is not a duration"), std::string::npos) << d.error().message;
  }
  EXPECT_EQ(parse_duration("0s").error().message, "\"0s\" is no time at all: give at least 1s");
}

TEST(Schedule, ErrorsNameTheKeyAndTheFix) {
  EXPECT_EQ(error_of({.frequency = "1h", .cron = "0 * * * *"}),
            "'frequency' and 'cron' exclude each other: keep one");
  EXPECT_EQ(error_of({}), "needs 'frequency' (such as \"30m\") or 'cron' (such as \"0 2 * * *\"): add one");
  EXPECT_EQ(error_of({.anchor = "02:00", .cron = "0 2 * * *"}),
            "'anchor' goes with 'frequency', not 'cron': put the time into the cron expression");
  EXPECT_EQ(error_of({.cron = "0 24 * * *"}),
            "'cron' \"0 24 * * *\": field 2 (hour) has 24, out of 0-23: hours are 0-23");
  EXPECT_EQ(error_of({.frequency = "soon"}),
            "'frequency': \"soon\" is not a duration: write a number with a unit, such as \"90s\", \"15m\", "
            "\"6h\", "
            "\"1d\" or \"1h30m\"");
  std::string zone = error_of({.frequency = "1h", .time_zone = "Europe/Berln"});
  EXPECT_EQ(
      zone.rfind("'time_zone': 'Europe/Berln' is not a known time zone; did you mean 'Europe/Berlin'?: use",
                 0),
      0U)
      << zone;
}

TEST(Schedule, InstantsInUtc) {
  EXPECT_EQ(parse_instant("2026-03-29T01:00:00Z"), utc(2026y / 3 / 29, 1));
  EXPECT_EQ(parse_instant("2026-03-29T01:05Z"), utc(2026y / 3 / 29, 1, 5));
  EXPECT_EQ(format_utc(utc(2026y / 3 / 29, 1, 0, 7)), "2026-03-29T01:00:07Z");
  for (const char* bad : {"", "2026-03-29", "2026-03-29T01:00:00", "2026-03-29T01:00:00Z+", "tomorrow"}) {
    auto t = parse_instant(bad);
    ASSERT_FALSE(t.has_value()) << bad;
    EXPECT_EQ(t.error().message,
              "'" + std::string(bad) + "' is not a UTC time: write it as 2026-12-07T17:20:00Z");
  }
}

}  // namespace
}  // namespace sluice::schedule
