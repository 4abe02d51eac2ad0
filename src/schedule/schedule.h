#pragma once
/// When the jobs of one integration start (docs/operations.md, "Scheduling"). Three kinds:
///
/// - frequency: the next job starts `frequency` after the previous one started, or at once when
///   that moment has passed (the job overran, or the process was down);
/// - anchor: `anchor` (a time of day in the zone) plus every `frequency` (at least one hour,
///   dividing 24 hours): the same wall-clock start times every day;
/// - cron: a 5-field expression (cron_expr.h) matched against wall-clock time in the zone.
///
/// Wall-clock times become instants in a named IANA zone (system tzdata, via the date library),
/// DST-correct: a start time the clocks skip (spring forward) runs once, when the clocks jump;
/// a start time that happens twice (fall back) runs once, at its first occurrence, except that a
/// cron expression whose hour field is `*` runs in both copies of the repeated hour. A start
/// missed while the process was down runs once, at once, never once per missed start.
///
/// Pure functions on plain data; a Schedule is immutable and usable from any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "schedule/cron_expr.h"

namespace date {
class time_zone;
}

namespace sluice::schedule {

using Instant = std::chrono::sys_seconds;

enum class Kind : uint8_t { kFrequency = 1, kAnchor = 2, kCron = 3 };

/// A named IANA time zone from the system's tzdata. Copyable handle; the zone lives for the process.
class Zone {
 public:
  /// "UTC", "Europe/Berlin", ...; an unknown name is a kConfig error naming how to list zones.
  static core::Result<Zone> named(std::string_view name);
  static Zone utc();

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const date::time_zone* tz() const { return tz_; }
  /// `2026-03-29 03:00:00 CEST`: the instant as wall-clock time in this zone, with its abbreviation.
  [[nodiscard]] std::string format(Instant t) const;

 private:
  std::string name_;
  const date::time_zone* tz_ = nullptr;
};

/// A validated schedule.
struct Schedule {
  Kind kind = Kind::kFrequency;
  std::chrono::seconds frequency{0};  ///< frequency, anchor
  std::chrono::seconds anchor{0};     ///< anchor: time of day, 0 to 24 h
  CronExpr cron;                      ///< cron
  Zone zone = Zone::utc();            ///< anchor and cron read wall-clock time here

  /// One line for humans: `every 30m`, `every 6h from 02:00 (Europe/Berlin)`, `cron "0 2 * * *" (UTC)`.
  [[nodiscard]] std::string describe() const;
};

/// "90s", "15m", "6h", "1d", "1h30m" (or a bare number of seconds) → seconds; kConfig naming the form.
core::Result<std::chrono::seconds> parse_duration(std::string_view text);
/// "30m", "6h", "1h30m": the shortest form of a duration, for messages and describe().
std::string format_duration(std::chrono::seconds d);

/// `2026-12-07T17:20:00Z`: an instant in UTC, the form `parse_instant` reads.
std::string format_utc(Instant t);
/// `2026-12-07T17:20:00Z` (or without seconds, `2026-12-07T17:20Z`) → the instant; kInvalidArgument.
core::Result<Instant> parse_instant(std::string_view text);

/// The building blocks of a config's `schedule` part (config/ reads the file, this validates).
/// Exactly one of `frequency` and `cron`; `anchor` ("HH:MM") only with a frequency ≥ 1 h that
/// divides 24 h; `time_zone` defaults to UTC. An error is one line naming the key and the fix.
struct ScheduleText {
  std::optional<std::string> frequency = std::nullopt;
  std::optional<std::string> anchor = std::nullopt;
  std::optional<std::string> cron = std::nullopt;
  std::optional<std::string> time_zone = std::nullopt;
};
core::Result<Schedule> make_schedule(const ScheduleText& text);

/// The first scheduled start strictly after `t` (frequency: `t + frequency`).
Instant start_after(const Schedule& s, Instant t);

/// When the next job starts: never before `now`. `last_start` is when the previous job of the
/// integration started (none: the process has not run one yet). Frequency with no last start:
/// `now`. When the first start after `last_start` has passed (overrun, or missed while down):
/// `now`, once.
Instant next_start(const Schedule& s, std::optional<Instant> last_start, Instant now);

/// The next `count` starts after `now` for a process that has run nothing yet (`--dry-run`).
std::vector<Instant> upcoming_starts(const Schedule& s, Instant now, size_t count);

/// Retrying a failed job: `retries` more attempts, the k-th (1-based) `backoff · 2^(k-1)`
/// after the failed attempt ended (capped at 1 hour), and never at or past the next start.
struct RetryPolicy {
  int retries = 2;
  std::chrono::seconds backoff{60};
};

/// When attempt `failed_attempts + 1` starts after the attempt that failed at `failed_at`, or
/// nullopt when the retries are spent or the retry would reach `next_regular`: wait for that.
std::optional<Instant> retry_at(const RetryPolicy& policy, int failed_attempts, Instant failed_at,
                                Instant next_regular);

}  // namespace sluice::schedule
