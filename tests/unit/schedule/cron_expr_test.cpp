#include "schedule/cron_expr.h"

#include <gtest/gtest.h>

namespace sluice::schedule {
namespace {

using namespace std::chrono;

CronExpr parsed(const char* text) {
  auto c = parse_cron(text);
  EXPECT_TRUE(c.has_value()) << text << ": " << (c ? "" : c.error().message);
  return c ? *c : CronExpr{};
}

std::string error_of(const char* text) {
  auto c = parse_cron(text);
  EXPECT_FALSE(c.has_value()) << text;
  return c ? "" : c.error().message;
}

TEST(CronExpr, RangesStepsAndLists) {
  CronExpr c = parsed("*/15 9-17/4 1,15,20-22 * *");
  EXPECT_EQ(c.minutes.to_string(), std::bitset<60>().set(0).set(15).set(30).set(45).to_string());
  EXPECT_EQ(c.hours.to_string(), std::bitset<24>().set(9).set(13).set(17).to_string());
  EXPECT_EQ(c.days_of_month.to_string(),
            std::bitset<32>().set(1).set(15).set(20).set(21).set(22).to_string());
  EXPECT_EQ(c.months.count(), 12U);
  EXPECT_FALSE(c.any_hour);
  EXPECT_FALSE(c.any_day_of_month);
  EXPECT_TRUE(c.any_day_of_week);
}

TEST(CronExpr, StepFromAValueRunsToTheEnd) {
  CronExpr c = parsed("5/20 * * * *");
  EXPECT_EQ(c.minutes.to_string(), std::bitset<60>().set(5).set(25).set(45).to_string());
}

TEST(CronExpr, NamesOfMonthsAndDaysInAnyCaseAndInRanges) {
  CronExpr c = parsed("0 2 * jan,Mar-MAY mon-fri");
  EXPECT_EQ(c.months.to_string(), std::bitset<13>().set(1).set(3).set(4).set(5).to_string());
  EXPECT_EQ(c.days_of_week.to_string(), std::bitset<7>().set(1).set(2).set(3).set(4).set(5).to_string());
}

TEST(CronExpr, SevenIsSunday) {
  CronExpr c = parsed("0 0 * * 5-7");
  EXPECT_EQ(c.days_of_week.to_string(), std::bitset<7>().set(0).set(5).set(6).to_string());
}

TEST(CronExpr, Shorthands) {
  CronExpr c = parsed("@daily");
  EXPECT_EQ(c.minutes.to_string(), std::bitset<60>().set(0).to_string());
  EXPECT_EQ(c.hours.to_string(), std::bitset<24>().set(0).to_string());
  EXPECT_EQ(parsed("@weekly").days_of_week.to_string(), std::bitset<7>().set(0).to_string());
  EXPECT_EQ(parsed("@hourly").hours.count(), 24U);
}

TEST(CronExpr, DayFieldsCombineAsCrontabDoes) {
  // Both restricted: either matches (the 13th, or any Friday).
  CronExpr both = parsed("0 0 13 * FRI");
  EXPECT_TRUE(both.matches_day(2026y / 3 / 13));   // a Friday the 13th
  EXPECT_TRUE(both.matches_day(2026y / 4 / 13));   // a Monday
  EXPECT_TRUE(both.matches_day(2026y / 4 / 17));   // a Friday
  EXPECT_FALSE(both.matches_day(2026y / 4 / 14));  // a Tuesday
  // Only day of week restricted: it alone decides.
  CronExpr dow = parsed("0 0 * * FRI");
  EXPECT_FALSE(dow.matches_day(2026y / 4 / 13));
  EXPECT_TRUE(dow.matches_day(2026y / 4 / 17));
  // The month always applies.
  EXPECT_FALSE(parsed("0 0 * FEB *").matches_day(2026y / 3 / 1));
}

TEST(CronExpr, ErrorsNameTheFieldAndTheFix) {
  EXPECT_EQ(error_of("0 25 * * *"), "field 2 (hour) has 25, out of 0-23: hours are 0-23");
  EXPECT_EQ(error_of("0 0 * FOO *"),
            "field 4 (month) has 'FOO', which is not a value: months are 1-12 or JAN-DEC");
  EXPECT_EQ(error_of("*/0 * * * *"),
            "field 1 (minute) has step '0': a step is a number from 1 to 59, as in */5");
  EXPECT_EQ(
      error_of("0 0 * * 5-2"),
      "field 5 (day of week) has range '5-2', which runs backwards: write the smaller value first (a list "
      "such as 22-23,0-2 wraps around)");
  EXPECT_EQ(error_of("0 0 1,,2 * *"), "field 3 (day of month) has an empty list item: remove the extra ','");
  EXPECT_EQ(error_of("0 0 * *"),
            "has 4 fields: write 5, minute hour day-of-month month day-of-week (e.g. \"30 2 * * *\")");
  EXPECT_EQ(
      error_of("0 0 30 2 *"),
      "fields 3 and 4 (day of month, month) never meet (no such date): choose a day that the month has");
  EXPECT_NE(error_of("@reboot").find("is not a shorthand"), std::string::npos);
  EXPECT_EQ(error_of("0 0 32 * *"), "field 3 (day of month) has 32, out of 1-31: days of the month are 1-31");
}

TEST(CronExpr, TwentyNinthOfFebruaryIsADate) { EXPECT_TRUE(parse_cron("0 0 29 2 *").has_value()); }

}  // namespace
}  // namespace sluice::schedule
