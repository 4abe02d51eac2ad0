#include "mysql/gtid_encoding.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string>

namespace sluice::mysql {
namespace {

using core::ErrorCode;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 8-4-4-4-12 hex digits.
bool parse_uuid(std::string_view s, std::array<uint8_t, 16>& out) {
  if (s.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
      ++i;
      continue;
    }
    int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[byte++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return byte == 16;
}

bool parse_number(std::string_view s, uint64_t& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v > 0 && v < (1ULL << 63);
}

core::Status add_item(std::string_view item, std::map<std::array<uint8_t, 16>, GtidSetEntry>& sets) {
  auto bad = [&](std::string_view why) {
    return core::fail(ErrorCode::kInvalidArgument,
                      "GTID set item '" + std::string(item) + "' " + std::string(why) +
                          " (expected uuid:N or uuid:N-M, e.g. 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5)");
  };
  size_t colon = item.find(':');
  if (colon == std::string_view::npos) return bad("has no ':'");
  std::array<uint8_t, 16> uuid{};
  if (!parse_uuid(trim(item.substr(0, colon)), uuid)) return bad("does not start with a UUID");
  GtidSetEntry& entry = sets[uuid];
  entry.uuid = uuid;
  std::string_view rest = item.substr(colon + 1);
  while (true) {
    size_t next = rest.find(':');
    std::string_view range = trim(rest.substr(0, next));
    size_t dash = range.find('-');
    uint64_t start = 0, last = 0;
    if (!parse_number(range.substr(0, dash), start)) return bad("has an interval that is not a number");
    last = start;
    if (dash != std::string_view::npos && !parse_number(range.substr(dash + 1), last)) {
      return bad("has an interval end that is not a number (tagged GTIDs are not supported)");
    }
    if (last < start) return bad("has an interval whose end is before its start");
    entry.intervals.emplace_back(start, last + 1);
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return core::ok();
}

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

core::Result<std::vector<GtidSetEntry>> parse_mysql_gtid_set(std::string_view text) {
  std::map<std::array<uint8_t, 16>, GtidSetEntry> sets;
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) SLUICE_TRY(add_item(item, sets));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::vector<GtidSetEntry> out;
  for (auto& [uuid, entry] : sets) {
    auto& iv = entry.intervals;
    std::sort(iv.begin(), iv.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto& r : iv) {
      if (!merged.empty() && r.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    iv = std::move(merged);
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<uint8_t> encode_mysql_gtid_set(const std::vector<GtidSetEntry>& set) {
  std::vector<uint8_t> out;
  put_u64(out, set.size());
  for (const auto& e : set) {
    out.insert(out.end(), e.uuid.begin(), e.uuid.end());
    put_u64(out, e.intervals.size());
    for (const auto& [start, end] : e.intervals) {
      put_u64(out, start);
      put_u64(out, end);
    }
  }
  return out;
}

}  // namespace sluice::mysql
