#include "binlog/gtid_tracker.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sluice::binlog {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <typename T>
bool parse_uint(std::string_view s, T& v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits `s` at `sep`, calling f(part) for each; stops when f returns false.
template <typename F>
bool for_each_part(std::string_view s, char sep, F f) {
  while (true) {
    size_t at = s.find(sep);
    if (!f(trim(s.substr(0, at)))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

namespace {

uint64_t le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

void append_uuid_text(std::string& out, const uint8_t* u) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[u[i] >> 4]);
    out.push_back(hex[u[i] & 15]);
  }
}

core::Result<std::string> mysql_gtid_set_text(std::span<const uint8_t> b) {
  auto bad = [] { return core::fail(core::ErrorCode::kCorrupt, "malformed GTID set in PREVIOUS_GTIDS_EVENT"); };
  if (b.size() < 8) return bad();
  const uint64_t head = le64(b.data());
  const bool tagged = (head >> 56) == 1;
  if (!tagged && (head >> 56) != 0) return bad();
  const uint64_t n_sids = tagged ? (head >> 8) & ((uint64_t{1} << 48) - 1) : head & ((uint64_t{1} << 56) - 1);
  size_t at = 8;
  std::string out;
  for (uint64_t s = 0; s < n_sids; ++s) {
    if (b.size() - at < 16) return bad();
    std::string item;
    append_uuid_text(item, b.data() + at);
    at += 16;
    if (tagged) {  // tag length as a one-byte variable-length integer (value << 1), then the tag
      if (at >= b.size() || (b[at] & 1) != 0) return bad();
      size_t len = b[at++] >> 1;
      if (b.size() - at < len) return bad();
      if (len > 0) item.append(":").append(reinterpret_cast<const char*>(b.data() + at), len);
      at += len;
    }
    if (b.size() - at < 8) return bad();
    uint64_t n = le64(b.data() + at);
    at += 8;
    if (n > (b.size() - at) / 16) return bad();
    for (uint64_t i = 0; i < n; ++i, at += 16) {
      uint64_t start = le64(b.data() + at), end = le64(b.data() + at + 8);
      if (start == 0 || end <= start) return bad();
      item += ":" + std::to_string(start);
      if (end - 1 > start) item += "-" + std::to_string(end - 1);
    }
    if (n == 0) continue;  // a source without transactions says nothing
    if (!out.empty()) out.push_back(',');
    out += item;
  }
  if (at != b.size()) return bad();
  return out;
}

bool parse_mariadb_gtid(std::string_view text, uint32_t& domain, uint32_t& server, uint64_t& seq) {
  size_t a = text.find('-');
  if (a == std::string_view::npos) return false;
  size_t b = text.find('-', a + 1);
  if (b == std::string_view::npos) return false;
  return parse_uint(text.substr(0, a), domain) && parse_uint(text.substr(a + 1, b - a - 1), server) &&
         parse_uint(text.substr(b + 1), seq);
}

bool looks_like_mariadb_gtid_pos(std::string_view text) {
  text = trim(text);
  if (text.empty()) return false;
  return for_each_part(text, ',', [](std::string_view item) {
    uint32_t d, s;
    uint64_t n;
    return parse_mariadb_gtid(item, d, s, n);
  });
}

core::Status GtidTracker::reset(Kind kind, std::string_view text) {
  kind_ = kind;
  complete_ = true;
  sources_.clear();
  domains_.clear();
  text = trim(text);
  if (text.empty() || kind == Kind::kNone) return core::ok();
  std::string bad;
  bool ok = for_each_part(text, ',', [&](std::string_view item) {
    if (item.empty()) return true;
    bool good = kind == Kind::kMariaDb ? add_mariadb(item) : add_mysql(item);
    if (!good) bad = std::string(item);
    return good;
  });
  if (!ok) {
    kind_ = Kind::kNone;
    return core::fail(core::ErrorCode::kInvalidArgument,
                      std::string("GTID ") + (kind == Kind::kMariaDb ? "position" : "set") + " item '" + bad +
                          "' does not parse (expected " +
                          (kind == Kind::kMariaDb ? "domain-server-sequence, e.g. 0-1-42" : "uuid:1-5 or uuid:7") +
                          ")");
  }
  return core::ok();
}

void GtidTracker::add(std::string_view gtid) {
  if (gtid.empty() || kind_ == Kind::kNone) return;
  bool ok = kind_ == Kind::kMariaDb ? add_mariadb(gtid) : add_mysql(gtid);
  if (!ok) complete_ = false;
}

void GtidTracker::insert(Source& s, uint64_t first, uint64_t last) {
  auto& iv = s.intervals;
  // Fast path: the next transaction number of the newest interval.
  if (!iv.empty() && first == iv.back().second + 1) {
    iv.back().second = std::max(iv.back().second, last);
    return;
  }
  auto it = std::lower_bound(iv.begin(), iv.end(), std::make_pair(first, last));
  it = iv.insert(it, {first, last});
  // Merge neighbours that touch or overlap.
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  merged.reserve(iv.size());
  for (const auto& r : iv) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  iv = std::move(merged);
}

// "uuid:1-5:7", "uuid:tag:1-3", or one GTID "uuid:n" / "uuid:tag:n".
bool GtidTracker::add_mysql(std::string_view item) {
  size_t colon = item.find(':');
  if (colon == std::string_view::npos || !is_uuid(item.substr(0, colon))) return false;
  std::string uuid = lower(item.substr(0, colon));
  std::string sid = uuid;
  bool any = false;
  bool ok = for_each_part(item.substr(colon + 1), ':', [&](std::string_view part) {
    if (part.empty()) return false;
    if (!std::isdigit(static_cast<unsigned char>(part.front()))) {
      sid = uuid + ":" + lower(part);  // a tag applies to the intervals after it
      return true;
    }
    uint64_t first = 0, last = 0;
    size_t dash = part.find('-');
    if (!parse_uint(part.substr(0, dash), first)) return false;
    last = first;
    if (dash != std::string_view::npos && !parse_uint(part.substr(dash + 1), last)) return false;
    if (first == 0 || last < first) return false;
    auto it = std::find_if(sources_.begin(), sources_.end(), [&](const Source& s) { return s.sid == sid; });
    if (it == sources_.end()) {
      sources_.push_back(Source{sid, {}});
      it = sources_.end() - 1;
    }
    insert(*it, first, last);
    any = true;
    return true;
  });
  return ok && any;
}

bool GtidTracker::add_mariadb(std::string_view item) {
  Domain d;
  if (!parse_mariadb_gtid(item, d.domain, d.server, d.seq)) return false;
  for (Domain& e : domains_) {
    if (e.domain == d.domain) {
      e = d;
      return true;
    }
  }
  domains_.push_back(d);
  return true;
}

std::string GtidTracker::text() const {
  std::string out;
  if (kind_ == Kind::kMariaDb) {
    std::vector<Domain> d = domains_;
    std::sort(d.begin(), d.end(), [](const Domain& a, const Domain& b) { return a.domain < b.domain; });
    for (const Domain& e : d) {
      if (!out.empty()) out.push_back(',');
      out += std::to_string(e.domain) + "-" + std::to_string(e.server) + "-" + std::to_string(e.seq);
    }
    return out;
  }
  std::vector<const Source*> s;
  for (const Source& e : sources_) s.push_back(&e);
  std::sort(s.begin(), s.end(), [](const Source* a, const Source* b) { return a->sid < b->sid; });
  for (const Source* e : s) {
    if (!out.empty()) out.push_back(',');
    out += e->sid;
    for (const auto& [first, last] : e->intervals) {
      out += ":" + std::to_string(first);
      if (last != first) out += "-" + std::to_string(last);
    }
  }
  return out;
}

}  // namespace sluice::binlog
