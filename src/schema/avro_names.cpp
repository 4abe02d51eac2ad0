#include "schema/avro_names.h"

#include <unordered_set>

namespace sluice::schema {
namespace {

bool is_letter_or_underscore(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_valid_avro_name(std::string_view name) {
  if (name.empty() || !is_letter_or_underscore(name[0])) return false;
  for (char c : name) {
    if (!is_letter_or_underscore(c) && !is_digit(c)) return false;
  }
  return true;
}

std::string avro_safe_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  if (name.empty() || is_digit(name[0])) out.push_back('_');
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    // UTF-8 continuation bytes belong to the code point already replaced by one '_'.
    if ((byte & 0xC0) == 0x80) continue;
    out.push_back(is_letter_or_underscore(c) || is_digit(c) ? c : '_');
  }
  return out;
}

std::vector<std::string> avro_field_names(std::span<const std::string> names,
                                          std::span<const std::string> reserved) {
  std::unordered_set<std::string> taken(reserved.begin(), reserved.end());
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const std::string& original : names) {
    std::string base = avro_safe_name(original);
    std::string candidate = base;
    for (unsigned n = 2; taken.contains(candidate); ++n) candidate = base + "_" + std::to_string(n);
    taken.insert(candidate);
    out.push_back(std::move(candidate));
  }
  return out;
}

}  // namespace sluice::schema
