#include "preflight/report_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sluice::preflight {
namespace {

std::string pad(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

// Checks are one line each: newlines inside server messages must not break that.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

std::string join_names(const MethodSet& methods) {
  std::string out;
  for (const std::string& n : methods.names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string format_table(const PreflightReport& report) {
  size_t name_width = 5;
  for (const CheckResult& c : report.checks) name_width = std::max(name_width, c.name.size());
  std::string out = pad("STATUS", 8) + " " + pad("CHECK", name_width) + "  DETAIL\n";
  for (const CheckResult& c : report.checks) {
    std::string line = pad(status_name(c.status), 8) + " " + pad(c.name, name_width) + "  " + one_line(c.detail);
    if (!c.fix.empty()) line += "  -> fix: " + one_line(c.fix);
    out += line + "\n";
  }
  out += std::to_string(report.count(CheckStatus::kFailed)) + " failed, " +
         std::to_string(report.count(CheckStatus::kWarning)) + " warning(s), " +
         std::to_string(report.count(CheckStatus::kOk)) + " ok, " +
         std::to_string(report.count(CheckStatus::kInfo)) + " info, for " + join_names(report.methods) +
         " on " + report.server + (report.target.empty() ? "" : ", target " + report.target) + "\n";
  return out;
}

std::string format_json(const PreflightReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckResult& c : report.checks) {
    checks.push_back({{"status", status_name(c.status)}, {"name", c.name}, {"detail", c.detail}, {"fix", c.fix}});
  }
  nlohmann::json doc = {
      {"ok", !report.failed()},
      {"server", report.server},
      {"methods", report.methods.names()},
      {"summary",
       {{"failed", report.count(CheckStatus::kFailed)},
        {"warning", report.count(CheckStatus::kWarning)},
        {"info", report.count(CheckStatus::kInfo)},
        {"ok", report.count(CheckStatus::kOk)}}},
      {"checks", checks},
  };
  if (!report.target.empty()) doc["target"] = report.target;
  // Server strings are not guaranteed UTF-8: replace bad bytes rather than throw.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace sluice::preflight
