#include "mysql/gtid_encoding.h"

#include <algorithm>

namespace sluice::mysql {
namespace {

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

std::vector<uint8_t> encode_mysql_gtid_set(const core::GtidSet& set) {
  const auto& sources = set.sources();
  const bool tagged = std::any_of(sources.begin(), sources.end(),
                                  [](const core::GtidSet::Source& s) { return !s.tag.empty(); });
  const uint64_t n = static_cast<uint64_t>(std::count_if(
      sources.begin(), sources.end(), [](const core::GtidSet::Source& s) { return !s.intervals.empty(); }));
  std::vector<uint8_t> out;
  put_u64(out, tagged ? (uint64_t{1} << 56) | (n << 8) | 1 : n);
  for (const core::GtidSet::Source& s : sources) {
    if (s.intervals.empty()) continue;
    out.insert(out.end(), s.uuid.begin(), s.uuid.end());
    if (tagged) {  // a tag is at most 32 bytes: its length fits one variable-length byte
      out.push_back(static_cast<uint8_t>(s.tag.size() << 1));
      out.insert(out.end(), s.tag.begin(), s.tag.end());
    }
    put_u64(out, s.intervals.size());
    for (const auto& [first, last] : s.intervals) {
      put_u64(out, first);
      put_u64(out, last + 1);
    }
  }
  return out;
}

}  // namespace sluice::mysql
