#include "core/spelling.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sluice::core {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest_name(std::string_view name, std::span<const char* const> known) {
  std::string lowered(name);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const char* k : known) {
    std::string_view kv(k);
    size_t d = edit_distance(lowered, kv);
    if (d > (kv.size() >= 6 ? 2U : 1U)) continue;
    if (!best || d < best_distance) {
      best = std::string(kv);
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view name, std::span<const char* const> known) {
  auto k = closest_name(name, known);
  return k ? "; did you mean '" + *k + "'?" : std::string();
}

}  // namespace sluice::core
