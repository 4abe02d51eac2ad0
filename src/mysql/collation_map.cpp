#include "mysql/collation_map.h"

#include <algorithm>
#include <array>

namespace sluice::mysql {
namespace {

// MySQL's 0900 language codes and MariaDB's uca1400 language names for the same tailoring.
struct Language {
  std::string_view mysql;
  std::string_view mariadb;
};
constexpr std::array<Language, 20> kLanguages{{
    {"cs", "czech"},     {"da", "danish"},        {"de_pb", "german2"}, {"eo", "esperanto"},
    {"es", "spanish"},   {"es_trad", "spanish2"}, {"et", "estonian"},   {"hr", "croatian"},
    {"hu", "hungarian"}, {"is", "icelandic"},     {"la", "roman"},      {"lt", "lithuanian"},
    {"lv", "latvian"},   {"pl", "polish"},        {"ro", "romanian"},   {"sk", "slovak"},
    {"sl", "slovenian"}, {"sv", "swedish"},       {"tr", "turkish"},    {"vi", "vietnamese"},
}};

// MariaDB collations of utf8mb4 MySQL has no counterpart of (besides the NO PAD ones).
constexpr std::array<std::string_view, 3> kMariaDbOnly{"utf8mb4_myanmar_ci", "utf8mb4_thai_520_w2",
                                                       "utf8mb4_croatian_mysql561_ci"};

bool is_strength(std::string_view s) { return s == "ai_ci" || s == "as_ci" || s == "as_cs"; }

CollationMapping to_mariadb(const std::string& lower, const CollationTarget& target) {
  const size_t at = lower.find("0900_");
  if (!lower.starts_with("utf8mb4_") || at == std::string::npos) return {};
  if (lower == "utf8mb4_0900_bin") return {true, "utf8mb4_nopad_bin"};
  const std::string_view code = std::string_view(lower).substr(8, at > 9 ? at - 9 : 0);
  const std::string_view strength = std::string_view(lower).substr(at + 5);
  if (!is_strength(strength)) return {true, ""};
  if (!target.has_uca1400) {
    return {true, code.empty() && strength == "ai_ci" ? "utf8mb4_unicode_520_nopad_ci" : ""};
  }
  std::string out = "utf8mb4_uca1400_";
  if (!code.empty()) {
    auto it = std::find_if(kLanguages.begin(), kLanguages.end(),
                           [&](const Language& l) { return l.mysql == code; });
    if (it == kLanguages.end()) return {true, ""};
    out.append(it->mariadb).push_back('_');
  }
  return {true, out.append("nopad_").append(strength)};
}

CollationMapping to_mysql(const std::string& lower) {
  if (lower == "utf8mb4_nopad_bin") return {true, "utf8mb4_0900_bin"};
  if (std::find(kMariaDbOnly.begin(), kMariaDbOnly.end(), lower) != kMariaDbOnly.end()) return {true, ""};
  if (lower.starts_with("uca1400_")) return {true, ""};  // a charset-less name only MariaDB reads
  if (!lower.starts_with("utf8mb4_uca1400_")) {
    return {lower.find("_nopad_") != std::string::npos, ""};  // NO PAD: MySQL has only the 0900 ones
  }
  std::string_view rest = std::string_view(lower).substr(16);
  if (rest.size() < 5 || !is_strength(rest.substr(rest.size() - 5))) return {true, ""};
  const std::string_view strength = rest.substr(rest.size() - 5);
  rest.remove_suffix(5);
  if (rest.ends_with("nopad_")) rest.remove_suffix(6);
  std::string out = "utf8mb4_";
  if (!rest.empty()) {
    rest.remove_suffix(1);  // the '_' after the language
    auto it = std::find_if(kLanguages.begin(), kLanguages.end(),
                           [&](const Language& l) { return l.mariadb == rest; });
    // MySQL's languages have ai_ci and as_cs only.
    if (it == kLanguages.end() || strength == "as_ci") return {true, ""};
    out.append(it->mysql).push_back('_');
  }
  return {true, out.append("0900_").append(strength)};
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

CollationMapping map_collation(std::string_view name, const CollationTarget& target) {
  const std::string lower = ascii_lower(name);
  return target.mariadb ? to_mariadb(lower, target) : to_mysql(lower);
}

std::string_view mysql_only_collation_name(uint32_t id) {
  switch (id) {
    case 255:
      return "utf8mb4_0900_ai_ci";
    case 278:
      return "utf8mb4_0900_as_cs";
    case 305:
      return "utf8mb4_0900_as_ci";
    case 309:
      return "utf8mb4_0900_bin";
    default:
      return "";
  }
}

}  // namespace sluice::mysql
