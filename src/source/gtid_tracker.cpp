#include "source/gtid_tracker.h"

namespace sluice::source {
namespace {

uint64_t le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

core::Status GtidTracker::reset(core::GtidFlavor flavor, std::string_view text) {
  complete_ = true;
  auto set = core::GtidSet::parse(flavor, text);
  if (!set) {
    set_ = core::GtidSet();
    return core::fail(set.error());
  }
  set_ = std::move(*set);
  return core::ok();
}

core::Result<std::string> mysql_gtid_set_text(std::span<const uint8_t> b) {
  auto bad = [] {
    return core::fail(core::ErrorCode::kCorrupt, "malformed GTID set in PREVIOUS_GTIDS_EVENT");
  };
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
    core::append_uuid_text(item, b.data() + at);
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

}  // namespace sluice::source
