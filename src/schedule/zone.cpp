// Zone: IANA time zones from the system's tzdata (Debian's libdate-tz, built with USE_OS_TZDB,
// reads /usr/share/zoneinfo). The date library throws on an unknown name; that stays in here.
#include <date/tz.h>

#include <cctype>
#include <exception>
#include <sstream>

#include "core/spelling.h"
#include "schedule/schedule.h"

namespace sluice::schedule {
namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "; did you mean 'Europe/Berlin'?" for a zone name within two edits (ignoring case), else "".
std::string suggestion(std::string_view name) {
  try {
    std::string want = lowered(name);
    const std::string* best = nullptr;
    size_t best_distance = 3;
    for (const date::time_zone& z : date::get_tzdb().zones) {
      size_t d = core::edit_distance(want, lowered(z.name()));
      if (d < best_distance) {
        best = &z.name();
        best_distance = d;
      }
    }
    return best == nullptr ? "" : "; did you mean '" + *best + "'?";
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

core::Result<Zone> Zone::named(std::string_view name) {
  Zone z;
  z.name_ = std::string(name);
  try {
    z.tz_ = date::locate_zone(name);
  } catch (const std::exception&) {
    return core::fail(core::ErrorCode::kConfig,
                      "'" + z.name_ + "' is not a known time zone" + suggestion(name) +
                          ": use an IANA name such as UTC, Europe/Berlin or America/New_York (the files "
                          "under /usr/share/zoneinfo; Debian's tzdata package)");
  }
  return z;
}

Zone Zone::utc() {
  Zone z;
  z.name_ = "UTC";
  return z;
}

std::string Zone::format(Instant t) const {
  if (tz_ == nullptr) return date::format("%Y-%m-%d %H:%M:%S UTC", t);
  return date::format("%Y-%m-%d %H:%M:%S %Z", date::make_zoned(tz_, t));
}

std::string format_utc(Instant t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

core::Result<Instant> parse_instant(std::string_view text) {
  std::istringstream in{std::string(text)};
  date::sys_seconds t;
  const char* form = text.size() == 17 ? "%Y-%m-%dT%H:%MZ" : "%Y-%m-%dT%H:%M:%SZ";
  in >> date::parse(form, t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "'" + std::string(text) + "' is not a UTC time: write it as 2026-12-07T17:20:00Z");
  }
  return Instant(t);
}

}  // namespace sluice::schedule
