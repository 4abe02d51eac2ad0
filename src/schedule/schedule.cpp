#include "schedule/schedule.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace sluice::schedule {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr seconds kMaxDuration = days(366);
constexpr seconds kMaxBackoff = hours(1);
// A cron expression that matches some date (parse_cron checks it) matches one within 8 years
// (29 February, with a day of week, can take that long).
constexpr int kSearchDays = 366 * 8 + 7;

core::Result<seconds> fail_duration(std::string_view text) {
  return core::fail(core::ErrorCode::kConfig, "\"" + std::string(text) +
                                                  "\" is not a duration: write a number with a unit, such as "
                                                  "\"90s\", \"15m\", \"6h\", \"1d\" or \"1h30m\"");
}

// The instants at which local time `lt` happens in `tz` (null: UTC): one; none, when the clocks
// skip it (then the moment they jump, the first instant after it); two when they fall back.
struct Occurrences {
  Instant first;
  std::optional<Instant> second;
};

Occurrences occurrences(const date::time_zone* tz, date::local_seconds lt) {
  if (tz == nullptr) return {Instant(lt.time_since_epoch()), std::nullopt};
  date::local_info info = tz->get_info(lt);
  Instant as_first(lt.time_since_epoch() - info.first.offset);
  switch (info.result) {
    case date::local_info::nonexistent:
      return {info.first.end, std::nullopt};
    case date::local_info::ambiguous:
      return {as_first, Instant(lt.time_since_epoch() - info.second.offset)};
    default:
      return {as_first, std::nullopt};
  }
}

date::local_days local_day(const date::time_zone* tz, Instant t) {
  if (tz == nullptr) return date::local_days(std::chrono::floor<days>(t).time_since_epoch());
  return std::chrono::floor<days>(tz->to_local(t));
}

// The earliest matching instant of local day `day` after `t`, if any.
std::optional<Instant> cron_on_day(const CronExpr& c, const date::time_zone* tz, date::local_days day,
                                   Instant t) {
  std::optional<Instant> best;
  auto consider = [&](Instant x) {
    if (x > t && (!best || x < *best)) best = x;
  };
  for (int h = 0; h < 24; ++h) {
    if (!c.hours[static_cast<size_t>(h)]) continue;
    for (int m = 0; m < 60; ++m) {
      if (!c.minutes[static_cast<size_t>(m)]) continue;
      Occurrences o = occurrences(tz, day + hours(h) + minutes(m));
      // Within a day instants follow wall-clock order but for a repeated hour: past a best
      // found more than that ago, nothing later can be earlier.
      if (best && o.first > *best + hours(3)) return best;
      consider(o.first);
      if (o.second && c.any_hour) consider(*o.second);
    }
  }
  return best;
}

Instant cron_after(const CronExpr& c, const date::time_zone* tz, Instant t) {
  // Start a day early: a local day is not always 24 h, and the day of `t` may begin late.
  date::local_days day = local_day(tz, t) - days(1);
  for (int i = 0; i < kSearchDays; ++i, day += days(1)) {
    if (!c.matches_day(std::chrono::year_month_day(std::chrono::sys_days(day.time_since_epoch())))) continue;
    if (auto found = cron_on_day(c, tz, day, t)) return *found;
  }
  return Instant::max();  // unreachable for an expression parse_cron accepted
}

core::Result<seconds> parse_anchor(std::string_view text) {
  int h = -1;
  int m = -1;
  bool shape = text.size() == 5 && text[2] == ':';
  if (shape) {
    auto r1 = std::from_chars(text.data(), text.data() + 2, h);
    auto r2 = std::from_chars(text.data() + 3, text.data() + 5, m);
    shape = r1.ec == std::errc() && r1.ptr == text.data() + 2 && r2.ec == std::errc() &&
            r2.ptr == text.data() + 5;
  }
  if (!shape || h < 0 || h > 23 || m < 0 || m > 59) {
    return core::fail(core::ErrorCode::kConfig,
                      "'anchor' \"" + std::string(text) +
                          "\" is not a time of day: write \"HH:MM\", 00:00 to 23:59, "
                          "such as \"02:30\"");
  }
  return hours(h) + minutes(m);
}

// An anchored schedule is the cron expression of its start times: the anchor's minute, every
// `frequency` hours from the anchor's hour around the clock. Hourly anchors run in both copies
// of a repeated hour, like `m * * * *`.
CronExpr anchor_cron(seconds anchor, seconds frequency) {
  CronExpr c;
  long step = frequency / hours(1);
  long first = (anchor / hours(1)) % step;
  c.minutes.set(static_cast<size_t>((anchor % hours(1)) / minutes(1)));
  for (long h = first; h < 24; h += step) c.hours.set(static_cast<size_t>(h));
  c.days_of_month.set();
  c.months.set();
  c.days_of_week.set();
  c.any_hour = step == 1;
  return c;
}

core::Status check_anchor_frequency(seconds f) {
  constexpr std::array<int, 8> kDivisors = {1, 2, 3, 4, 6, 8, 12, 24};
  bool ok = f % hours(1) == seconds(0) &&
            std::find(kDivisors.begin(), kDivisors.end(), f / hours(1)) != kDivisors.end();
  if (ok) return core::ok();
  return core::fail(core::ErrorCode::kConfig,
                    "'frequency' with 'anchor' must be 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h (the same start "
                    "times every day), got " +
                        format_duration(f) + ": change it, or use 'cron' for other patterns");
}

}  // namespace

core::Result<seconds> parse_duration(std::string_view text) {
  if (text.empty()) return fail_duration(text);
  seconds total{0};
  size_t i = 0;
  while (i < text.size()) {
    long long n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0 || n > kMaxDuration.count()) return fail_duration(text);
    i = static_cast<size_t>(ptr - text.data());
    char unit = i < text.size() ? static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))) : 's';
    std::array<std::pair<char, long long>, 4> units{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
    auto u = std::find_if(units.begin(), units.end(), [&](const auto& p) { return p.first == unit; });
    if (u == units.end() || (i == text.size() && total != seconds(0))) return fail_duration(text);
    total += seconds(n * u->second);
    if (total > kMaxDuration) return fail_duration(text);
    ++i;
  }
  if (total <= seconds(0)) {
    return core::fail(core::ErrorCode::kConfig,
                      "\"" + std::string(text) + "\" is no time at all: give at least 1s");
  }
  return total;
}

std::string format_duration(seconds d) {
  std::string out;
  std::array<std::pair<const char*, long long>, 4> units{{{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}};
  long long left = d.count();
  for (const auto& [name, size] : units) {
    if (left >= size) {
      out += std::to_string(left / size) + name;
      left %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

core::Result<Schedule> make_schedule(const ScheduleText& text) {
  Schedule s;
  if (text.time_zone) {
    auto zone = Zone::named(*text.time_zone);
    if (!zone) return core::fail(zone.error().with_context("'time_zone'"));
    s.zone = *zone;
  }
  if (text.frequency && text.cron) {
    return core::fail(core::ErrorCode::kConfig, "'frequency' and 'cron' exclude each other: keep one");
  }
  if (text.cron) {
    if (text.anchor) {
      return core::fail(core::ErrorCode::kConfig,
                        "'anchor' goes with 'frequency', not 'cron': put the time into the cron expression");
    }
    auto cron = parse_cron(*text.cron);
    if (!cron) return core::fail(cron.error().with_context("'cron' \"" + *text.cron + "\""));
    s.kind = Kind::kCron;
    s.cron = std::move(*cron);
    return s;
  }
  if (!text.frequency) {
    return core::fail(core::ErrorCode::kConfig,
                      "needs 'frequency' (such as \"30m\") or 'cron' (such as \"0 2 * * *\"): add one");
  }
  auto f = parse_duration(*text.frequency);
  if (!f) return core::fail(f.error().with_context("'frequency'"));
  s.frequency = *f;
  if (!text.anchor) return s;
  auto anchor = parse_anchor(*text.anchor);
  if (!anchor) return core::fail(anchor.error());
  SLUICE_TRY(check_anchor_frequency(*f));
  s.kind = Kind::kAnchor;
  s.anchor = *anchor;
  s.cron = anchor_cron(s.anchor, s.frequency);
  return s;
}

std::string Schedule::describe() const {
  switch (kind) {
    case Kind::kAnchor: {
      std::array<char, 8> hhmm{};
      std::snprintf(hhmm.data(), hhmm.size(), "%02d:%02d", static_cast<int>(anchor / hours(1)),
                    static_cast<int>((anchor % hours(1)) / minutes(1)));
      return "every " + format_duration(frequency) + " from " + hhmm.data() + " (" + zone.name() + ")";
    }
    case Kind::kCron:
      return "cron \"" + cron.text + "\" (" + zone.name() + ")";
    default:
      return "every " + format_duration(frequency);
  }
}

Instant start_after(const Schedule& s, Instant t) {
  if (s.kind == Kind::kFrequency) return t + s.frequency;
  return cron_after(s.cron, s.zone.tz(), t);
}

Instant next_start(const Schedule& s, std::optional<Instant> last_start, Instant now) {
  if (!last_start) {
    return s.kind == Kind::kFrequency ? now : start_after(s, now - seconds(1));
  }
  Instant due = start_after(s, *last_start);
  return due <= now ? now : due;
}

std::vector<Instant> upcoming_starts(const Schedule& s, Instant now, size_t count) {
  std::vector<Instant> out;
  if (count == 0) return out;
  out.push_back(next_start(s, std::nullopt, now));
  while (out.size() < count) out.push_back(start_after(s, out.back()));
  return out;
}

std::optional<Instant> retry_at(const RetryPolicy& policy, int failed_attempts, Instant failed_at,
                                Instant next_regular) {
  if (failed_attempts < 1 || failed_attempts > policy.retries) return std::nullopt;
  seconds delay = policy.backoff;
  for (int i = 1; i < failed_attempts && delay < kMaxBackoff; ++i) delay *= 2;
  Instant at = failed_at + std::min(delay, kMaxBackoff);
  if (at >= next_regular) return std::nullopt;
  return at;
}

}  // namespace sluice::schedule
