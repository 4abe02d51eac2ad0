#include "preflight/check_result.h"

#include <algorithm>

namespace sluice::preflight {

std::string_view status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kInfo:
      return "info";
    case CheckStatus::kWarning:
      return "warning";
    case CheckStatus::kFailed:
      return "failed";
  }
  return "unknown";
}

std::vector<std::string> MethodSet::names() const {
  std::vector<std::string> out;
  for (change::Method m :
       {change::Method::kFullTable, change::Method::kIncremental, change::Method::kLogBased}) {
    if (has(m)) out.emplace_back(change::method_option(m));
  }
  return out;
}

bool PreflightReport::failed() const { return count(CheckStatus::kFailed) > 0; }

size_t PreflightReport::count(CheckStatus status) const {
  return static_cast<size_t>(
      std::count_if(checks.begin(), checks.end(), [&](const CheckResult& c) { return c.status == status; }));
}

const CheckResult* PreflightReport::find(std::string_view name) const {
  for (const CheckResult& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace sluice::preflight
