#include "preflight/collect_util.h"

#include <cctype>
#include <charconv>

namespace sluice::preflight::detail {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string short_error(const core::Error& e) {
  std::string m = e.message;
  if (m.rfind("running `", 0) == 0) {
    size_t end = m.find("`: ");
    if (end != std::string::npos) m = m.substr(end + 3);
  }
  if (size_t code = m.find("(error "); code != std::string::npos) {
    size_t close = m.find(')', code);
    if (close != std::string::npos) m.resize(close + 1);
  }
  for (char& c : m) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return m;
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

int column_index(const std::vector<std::string>& columns, std::string_view name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (lower(columns[i]) == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sluice::preflight::detail
