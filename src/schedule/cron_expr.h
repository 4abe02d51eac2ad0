#pragma once
/// A 5-field cron expression (minute hour day-of-month month day-of-week), as crontab(5) reads
/// it: `*`, numbers, ranges `a-b`, steps `*/n` `a-b/n` `a/n`, lists `a,b-c`, month names
/// JAN–DEC and day names SUN–SAT (any case, also in ranges), day of week 0–7 (0 and 7 are
/// Sunday), and the shorthands @yearly @annually @monthly @weekly @daily @midnight @hourly.
/// When both day fields are restricted, a day matches if either does (crontab's rule).
///
/// Matching is on wall-clock fields only; schedule.h turns matching local times into instants
/// in a time zone. Plain data, any thread.

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sluice::schedule {

struct CronExpr {
  std::string text;               ///< as written, for messages and `--dry-run`
  std::bitset<60> minutes;        ///< 0–59
  std::bitset<24> hours;          ///< 0–23
  std::bitset<32> days_of_month;  ///< 1–31
  std::bitset<13> months;         ///< 1–12
  std::bitset<7> days_of_week;    ///< 0–6, Sunday = 0
  bool any_day_of_month = true;   ///< the field was `*` (or a step over all of it)
  bool any_day_of_week = true;
  bool any_hour = true;  ///< every hour: a repeated (fall-back) hour runs twice

  /// Whether the calendar day matches the day-of-month, month and day-of-week fields.
  [[nodiscard]] bool matches_day(std::chrono::year_month_day day) const;
};

/// Parses `text`. An error (kConfig) is one line naming the field, the bad part and the fix,
/// e.g. `field 2 (hour) has 25, out of 0-23: hours are 0-23`.
core::Result<CronExpr> parse_cron(std::string_view text);

}  // namespace sluice::schedule
