#include "core/binlog_position.h"

#include <charconv>

namespace sluice::core {
namespace {

// "mysql-bin.000042" -> base "mysql-bin", digits "42" (leading zeros dropped); false when the
// name has no all-digit suffix after its last '.'.
bool split_file(std::string_view file, std::string_view& base, std::string_view& digits) {
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file.size()) return false;
  digits = file.substr(dot + 1);
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  base = file.substr(0, dot);
  return true;
}

int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

}  // namespace

Result<BinlogPosition> BinlogPosition::parse(std::string_view text) {
  size_t colon = text.rfind(':');
  BinlogPosition p;
  std::string_view num = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), p.offset);
  if (colon == std::string_view::npos || colon == 0 || num.empty() || ec != std::errc() ||
      ptr != num.data() + num.size()) {
    return fail(ErrorCode::kInvalidArgument, "not a binlog position (file:pos): '" + std::string(text) + "'");
  }
  p.file.assign(text.substr(0, colon));
  return p;
}

int compare_binlog_files(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::string_view base_a, base_b, num_a, num_b;
  if (split_file(a, base_a, num_a) && split_file(b, base_b, num_b) && base_a == base_b) {
    if (num_a.size() != num_b.size()) return num_a.size() < num_b.size() ? -1 : 1;
    if (num_a != num_b) return sign(num_a.compare(num_b));
  }
  return sign(a.compare(b));
}

int compare_positions(const BinlogPosition& a, const BinlogPosition& b) {
  if (int c = compare_binlog_files(a.file, b.file); c != 0) return c;
  return a.offset < b.offset ? -1 : a.offset == b.offset ? 0 : 1;
}

}  // namespace sluice::core
