#include "schedule/cron_expr.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <optional>
#include <vector>

namespace sluice::schedule {
namespace {

using core::ErrorCode;

// One of the five fields: its position, name, bounds and the names it accepts.
struct FieldSpec {
  int number;  // 1-based, for messages
  const char* name;
  int lo;
  int hi;
  const char* hint;                    // what the field accepts, for the fix part of a message
  const char* const* names = nullptr;  // names for lo, lo+1, ... (3 letters), or none
  int name_count = 0;
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 8> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"};

const std::array<FieldSpec, 5> kFields{{
    {1, "minute", 0, 59, "minutes are 0-59"},
    {2, "hour", 0, 23, "hours are 0-23"},
    {3, "day of month", 1, 31, "days of the month are 1-31"},
    {4, "month", 1, 12, "months are 1-12 or JAN-DEC", kMonthNames.data(), 12},
    {5, "day of week", 0, 7, "days of the week are 0-7 (0 and 7 are Sunday) or SUN-SAT", kDayNames.data(), 8},
}};

struct Shorthand {
  const char* name;
  const char* expansion;
};
constexpr std::array<Shorthand, 7> kShorthands{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, std::string_view text) : spec_(spec), text_(text) {}

  // The values the field names, lo..hi (day of week: 7 already folded into 0), or an error.
  core::Result<std::vector<bool>> run() {
    std::vector<bool> set(static_cast<size_t>(spec_.hi) + 1, false);
    size_t start = 0;
    while (start <= text_.size()) {
      size_t comma = text_.find(',', start);
      std::string_view item = text_.substr(start, comma == std::string_view::npos ? comma : comma - start);
      SLUICE_TRY(add_item(item, set));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (spec_.number == 5 && set[7]) set[0] = true;
    return set;
  }

 private:
  core::Status add_item(std::string_view item, std::vector<bool>& set) {
    if (item.empty()) return problem("has an empty list item", "remove the extra ','");
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      std::string_view s = item.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || step < 1 || step > spec_.hi) {
        return problem("has step '" + std::string(s) + "'",
                       "a step is a number from 1 to " + std::to_string(spec_.hi) + ", as in */5");
      }
      item = item.substr(0, slash);
    }
    int first = spec_.lo;
    int last = spec_.hi;
    if (item != "*") {
      size_t dash = item.find('-', 1);
      auto a = value(item.substr(0, dash));
      if (!a) return core::fail(a.error());
      first = *a;
      last = step > 1 && dash == std::string_view::npos ? spec_.hi : first;
      if (dash != std::string_view::npos) {
        auto b = value(item.substr(dash + 1));
        if (!b) return core::fail(b.error());
        last = *b;
      }
      if (last < first) {
        return problem("has range '" + std::string(item) + "', which runs backwards",
                       "write the smaller value first (a list such as 22-23,0-2 wraps around)");
      }
    }
    for (int v = first; v <= last; v += step) set[static_cast<size_t>(v)] = true;
    return core::ok();
  }

  core::Result<int> value(std::string_view s) {
    if (spec_.names != nullptr && s.size() == 3 && std::isalpha(static_cast<unsigned char>(s[0]))) {
      std::string name = lower(s);
      for (int i = 0; i < spec_.name_count; ++i) {
        if (name == spec_.names[i]) return spec_.lo + i;
      }
    }
    int v = -1;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
      return problem("has '" + std::string(s) + "', which is not a value", spec_.hint);
    }
    if (v < spec_.lo || v > spec_.hi) {
      return problem("has " + std::to_string(v) + ", out of " + std::to_string(spec_.lo) + "-" +
                         std::to_string(spec_.hi),
                     spec_.hint);
    }
    return v;
  }

  std::unexpected<core::Error> problem(const std::string& what, const std::string& fix) const {
    return core::fail(ErrorCode::kConfig,
                      "field " + std::to_string(spec_.number) + " (" + spec_.name + ") " + what + ": " + fix);
  }

  const FieldSpec& spec_;
  std::string_view text_;
};

template <size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// Days each month can have (February: 29), to refuse a day-of-month and month that never meet.
constexpr std::array<int, 13> kMaxDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool some_date_exists(const CronExpr& c) {
  if (c.any_day_of_month || !c.any_day_of_week) return true;
  for (size_t m = 1; m <= 12; ++m) {
    for (int d = 1; d <= kMaxDays[m]; ++d) {
      if (c.months[m] && c.days_of_month[static_cast<size_t>(d)]) return true;
    }
  }
  return false;
}

}  // namespace

bool CronExpr::matches_day(std::chrono::year_month_day day) const {
  if (!months[static_cast<unsigned>(day.month())]) return false;
  bool dom = days_of_month[static_cast<unsigned>(day.day())];
  bool dow = days_of_week[std::chrono::weekday(std::chrono::sys_days(day)).c_encoding()];
  if (any_day_of_month && any_day_of_week) return true;
  if (any_day_of_month) return dow;
  if (any_day_of_week) return dom;
  return dom || dow;
}

core::Result<CronExpr> parse_cron(std::string_view text) {
  std::string_view expanded = text;
  if (!text.empty() && text.front() == '@') {
    std::string name = lower(text);
    expanded = {};
    for (const Shorthand& s : kShorthands) {
      if (name == s.name) expanded = s.expansion;
    }
    if (expanded.empty()) {
      return core::fail(ErrorCode::kConfig,
                        "'" + std::string(text) +
                            "' is not a shorthand: use @yearly, @monthly, @weekly, @daily, "
                            "@hourly or 5 fields (minute hour day-of-month month day-of-week)");
    }
  }
  std::vector<std::string_view> fields = split_fields(expanded);
  if (fields.size() != 5) {
    return core::fail(
        ErrorCode::kConfig,
        "has " + std::to_string(fields.size()) +
            " fields: write 5, minute hour day-of-month month day-of-week (e.g. \"30 2 * * *\")");
  }
  CronExpr out;
  out.text = std::string(text);
  std::array<std::vector<bool>, 5> sets;
  for (size_t i = 0; i < 5; ++i) {
    auto set = FieldParser(kFields[i], fields[i]).run();
    if (!set) return core::fail(set.error());
    sets[i] = std::move(*set);
  }
  copy_bits(sets[0], out.minutes);
  copy_bits(sets[1], out.hours);
  copy_bits(sets[2], out.days_of_month);
  copy_bits(sets[3], out.months);
  copy_bits(sets[4], out.days_of_week);
  out.any_hour = fields[1].front() == '*';
  out.any_day_of_month = fields[2].front() == '*';
  out.any_day_of_week = fields[4].front() == '*';
  if (!some_date_exists(out)) {
    return core::fail(ErrorCode::kConfig,
                      "fields 3 and 4 (day of month, month) never meet (no such date): "
                      "choose a day that the month has");
  }
  return out;
}

}  // namespace sluice::schedule
