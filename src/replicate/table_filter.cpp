#include "replicate/table_filter.h"

#include <algorithm>

namespace sluice::replicate {
namespace {

bool matches(const std::string& pattern, std::string_view db, std::string_view table) {
  const size_t dot = pattern.find('.');
  return wildcard_match(std::string_view(pattern).substr(0, dot), db) &&
         wildcard_match(std::string_view(pattern).substr(dot + 1), table);
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Greedy with one backtrack point for the last `*`: linear for the patterns users write.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

TableFilter::TableFilter(std::vector<std::string> include, std::vector<std::string> exclude,
                         std::map<std::string, std::string> rename)
    : include_(std::move(include)), exclude_(std::move(exclude)), rename_(rename.begin(), rename.end()) {}

bool TableFilter::follows(std::string_view db, std::string_view table) const {
  auto hit = [&](const std::string& p) { return matches(p, db, table); };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), hit)) return false;
  return std::none_of(exclude_.begin(), exclude_.end(), hit);
}

bool TableFilter::follows_database(std::string_view db) const {
  if (include_.empty()) return true;
  return std::any_of(include_.begin(), include_.end(), [&](const std::string& p) {
    return wildcard_match(std::string_view(p).substr(0, p.find('.')), db);
  });
}

std::string_view TableFilter::target_db(std::string_view db) const {
  auto it = rename_.find(db);
  return it == rename_.end() ? db : std::string_view(it->second);
}

std::vector<std::string> TableFilter::exact_databases() const {
  std::vector<std::string> out;
  for (const std::string& p : include_) {
    std::string db = p.substr(0, p.find('.'));
    if (db.find_first_of("*?") != std::string::npos) return {};
    if (std::find(out.begin(), out.end(), db) == out.end()) out.push_back(db);
  }
  return out;
}

}  // namespace sluice::replicate
