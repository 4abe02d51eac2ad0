#include "core/gtid_set.h"

#include <algorithm>
#include <charconv>

namespace sluice::core {
namespace {

using Uuid = std::array<uint8_t, 16>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Calls f(item) for each trimmed item of `s` separated by `sep`; stops at the first false.
template <typename F>
bool for_each_part(std::string_view s, char sep, F f) {
  while (true) {
    size_t at = s.find(sep);
    if (!f(trim(s.substr(0, at)))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

template <typename T>
bool parse_uint(std::string_view s, T& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 8-4-4-4-12 hex digits.
bool parse_uuid(std::string_view s, Uuid& out) {
  if (s.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < s.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i++] != '-') return false;
      continue;
    }
    int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[byte++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return byte == 16;
}

// MySQL 8.3+: [a-z_][a-z0-9_]{0,31}, any case.
bool is_tag(std::string_view s) {
  if (s.empty() || s.size() > 32 || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

bool same_tag(std::string_view stored, std::string_view tag) {
  if (stored.size() != tag.size()) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i] >= 'A' && tag[i] <= 'Z' ? static_cast<char>(tag[i] + 32) : tag[i];
    if (stored[i] != c) return false;
  }
  return true;
}

// "N" or "N-M" with 0 < N <= M < 2^63 (MySQL's transaction numbers).
bool parse_interval(std::string_view s, uint64_t& first, uint64_t& last) {
  size_t dash = s.find('-');
  if (!parse_uint(s.substr(0, dash), first)) return false;
  last = first;
  if (dash != std::string_view::npos && !parse_uint(s.substr(dash + 1), last)) return false;
  return first > 0 && last >= first && last < (uint64_t{1} << 63);
}

bool parse_mariadb_gtid(std::string_view text, GtidSet::Domain& d) {
  size_t a = text.find('-');
  if (a == std::string_view::npos) return false;
  size_t b = text.find('-', a + 1);
  if (b == std::string_view::npos) return false;
  return parse_uint(text.substr(0, a), d.domain) && parse_uint(text.substr(a + 1, b - a - 1), d.server) &&
         parse_uint(text.substr(b + 1), d.seq);
}

// Adds [first, last] to sorted, apart intervals, merging what touches or overlaps.
void insert(std::vector<std::pair<uint64_t, uint64_t>>& iv, uint64_t first, uint64_t last) {
  if (!iv.empty() && first >= iv.back().first && first <= iv.back().second + 1) {  // the usual case
    iv.back().second = std::max(iv.back().second, last);
    return;
  }
  auto it = std::lower_bound(iv.begin(), iv.end(), std::make_pair(first, last));
  if (it != iv.begin() && std::prev(it)->second + 1 >= first) {
    --it;  // joins the interval before
  } else {
    it = iv.insert(it, {first, last});
  }
  it->second = std::max(it->second, last);
  auto next = std::next(it);
  while (next != iv.end() && next->first <= it->second + 1) {
    it->second = std::max(it->second, next->second);
    next = iv.erase(next);
  }
}

Error bad_item(GtidFlavor flavor, std::string_view item, std::string_view why) {
  if (flavor == GtidFlavor::kMariaDb) {
    return Error{ErrorCode::kInvalidArgument,
                 "GTID position item '" + std::string(item) +
                     "' does not parse (expected domain-server-sequence, e.g. 0-1-42)"};
  }
  return Error{
      ErrorCode::kInvalidArgument,
      "GTID set item '" + std::string(item) + "' " + std::string(why) +
          " (expected uuid:N or uuid:N-M, a tag before intervals as MySQL 8.3+ writes them, e.g. "
          "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5 or 3E11FA47-71CA-11E1-9E33-C80AA9429562:etl:1-5)"};
}

// Checks a MySQL item "uuid(:tag|:interval)+" ending in an interval; "" when it is one, else why not.
std::string_view mysql_item_problem(std::string_view item, Uuid& uuid) {
  size_t colon = item.find(':');
  if (colon == std::string_view::npos) return "has no ':'";
  if (!parse_uuid(trim(item.substr(0, colon)), uuid)) return "does not start with a UUID";
  bool interval_last = false, first_part = true;
  std::string_view why;
  for_each_part(item.substr(colon + 1), ':', [&](std::string_view part) {
    uint64_t first = 0, last = 0;
    if (!part.empty() && (part[0] < '0' || part[0] > '9')) {
      if (!is_tag(part)) why = "has a tag that is not [a-z_][a-z0-9_]{0,31}";
      if (!interval_last && !first_part) why = "has a tag without intervals";
      interval_last = first_part = false;
    } else {
      first_part = false;
      interval_last = true;
      if (!parse_interval(part, first, last)) why = "has an interval that is not N or N-M with 0 < N <= M";
    }
    return why.empty();
  });
  if (why.empty() && !interval_last) why = "does not end with an interval";
  return why;
}

}  // namespace

void append_uuid_text(std::string& out, const uint8_t* uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[uuid[i] >> 4]);
    out.push_back(kHex[uuid[i] & 15]);
  }
}

bool looks_like_mariadb_gtid_pos(std::string_view text) {
  text = trim(text);
  if (text.empty()) return false;
  return for_each_part(text, ',', [](std::string_view item) {
    GtidSet::Domain d;
    return parse_mariadb_gtid(item, d);
  });
}

Result<GtidSet> GtidSet::parse(std::string_view text) {
  return parse(looks_like_mariadb_gtid_pos(text) ? GtidFlavor::kMariaDb : GtidFlavor::kMySql, text);
}

Result<GtidSet> GtidSet::parse(GtidFlavor flavor, std::string_view text) {
  GtidSet set(flavor);
  if (flavor == GtidFlavor::kNone) return set;
  Status status = ok();
  for_each_part(trim(text), ',', [&](std::string_view item) {
    if (item.empty()) return true;
    if (flavor == GtidFlavor::kMySql) {
      status = set.add_mysql_item(item);
      return status.has_value();
    }
    Domain d;
    if (!parse_mariadb_gtid(item, d)) status = fail(bad_item(flavor, item, ""));
    if (status) set.set_domain(d);
    return status.has_value();
  });
  if (!status) return fail(status.error());
  return set;
}

Status GtidSet::add_mysql_item(std::string_view item) {
  Uuid uuid;
  if (std::string_view why = mysql_item_problem(item, uuid); !why.empty()) {
    return fail(bad_item(GtidFlavor::kMySql, item, why));
  }
  Source* current = nullptr;
  for_each_part(item.substr(item.find(':') + 1), ':', [&](std::string_view part) {
    uint64_t first = 0, last = 0;
    if (part[0] < '0' || part[0] > '9') {
      current = &source(uuid, part);
    } else {
      if (current == nullptr) current = &source(uuid, "");
      parse_interval(part, first, last);
      insert(current->intervals, first, last);
    }
    return true;
  });
  return ok();
}

GtidSet::Source& GtidSet::source(const Uuid& uuid, std::string_view tag) {
  for (Source& s : sources_) {
    if (s.uuid == uuid && same_tag(s.tag, tag)) return s;
  }
  Source s{uuid, std::string(tag), {}};
  for (char& c : s.tag) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  auto at = std::lower_bound(sources_.begin(), sources_.end(), s, [](const Source& x, const Source& y) {
    return x.uuid != y.uuid ? x.uuid < y.uuid : x.tag < y.tag;
  });
  return *sources_.insert(at, std::move(s));
}

void GtidSet::set_domain(const Domain& d) {
  auto it = std::lower_bound(domains_.begin(), domains_.end(), d,
                             [](const Domain& a, const Domain& b) { return a.domain < b.domain; });
  if (it != domains_.end() && it->domain == d.domain)
    *it = d;
  else
    domains_.insert(it, d);
}

bool GtidSet::add(std::string_view gtid) {
  if (flavor_ == GtidFlavor::kMySql) return add_mysql_item(gtid).has_value();
  Domain d;
  if (flavor_ != GtidFlavor::kMariaDb || !parse_mariadb_gtid(gtid, d)) return false;
  set_domain(d);
  return true;
}

std::string GtidSet::str() const {
  std::string out;
  for (const Domain& d : domains_) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(d.domain) + "-" + std::to_string(d.server) + "-" + std::to_string(d.seq);
  }
  const Source* previous = nullptr;
  for (const Source& s : sources_) {
    if (s.intervals.empty()) continue;
    if (previous == nullptr || previous->uuid != s.uuid) {  // one item per UUID, its tags after
      if (!out.empty()) out.push_back(',');
      append_uuid_text(out, s.uuid.data());
    }
    previous = &s;
    if (!s.tag.empty()) out.append(":").append(s.tag);
    for (const auto& [first, last] : s.intervals) {
      out += ":" + std::to_string(first);
      if (last != first) out += "-" + std::to_string(last);
    }
  }
  return out;
}

bool GtidSet::contains(const GtidSet& other) const {
  if (other.flavor_ != flavor_) return false;
  for (const Domain& d : other.domains_) {
    auto it =
        std::find_if(domains_.begin(), domains_.end(), [&](const Domain& e) { return e.domain == d.domain; });
    if (it == domains_.end() || it->seq < d.seq) return false;
  }
  for (const Source& s : other.sources_) {
    auto mine = std::find_if(sources_.begin(), sources_.end(),
                             [&](const Source& e) { return e.uuid == s.uuid && e.tag == s.tag; });
    for (const auto& [first, last] : s.intervals) {
      if (mine == sources_.end()) return false;
      auto it =
          std::upper_bound(mine->intervals.begin(), mine->intervals.end(), std::make_pair(first, UINT64_MAX));
      if (it == mine->intervals.begin() || std::prev(it)->second < last) return false;
    }
  }
  return true;
}

GtidSet GtidSet::mariadb_meet(const GtidSet& a, const GtidSet& b) {
  GtidSet out(GtidFlavor::kMariaDb);
  if (a.flavor_ != GtidFlavor::kMariaDb || b.flavor_ != GtidFlavor::kMariaDb) return out;
  for (const Domain& d : a.domains_) {
    auto it = std::find_if(b.domains_.begin(), b.domains_.end(),
                           [&](const Domain& e) { return e.domain == d.domain; });
    if (it != b.domains_.end()) out.domains_.push_back(d.seq <= it->seq ? d : *it);
  }
  return out;
}

}  // namespace sluice::core
