#include "config/schedule_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/spelling.h"

namespace sluice::config {
namespace {

using nlohmann::json;

constexpr std::array kScheduleKeys = {"name",      "frequency", "anchor",  "cron",
                                      "time_zone", "catalog",   "retries", "retry_backoff"};

// The default name: the file's name without folders and a `.json` suffix.
std::string name_of_file(std::string_view origin) {
  std::string_view base =
      origin.substr(origin.find_last_of('/') == std::string_view::npos ? 0 : origin.find_last_of('/') + 1);
  if (base.size() > 5 && base.substr(base.size() - 5) == ".json") base.remove_suffix(5);
  return std::string(base);
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

class ScheduleReader {
 public:
  ScheduleReader(const json& section, std::string_view origin)
      : section_(section), prefix_(std::string(origin) + ": schedule: ") {}

  core::Result<ScheduleConfig> run(std::string_view origin) {
    ScheduleConfig out;
    schedule::ScheduleText text{string("frequency"), string("anchor"), string("cron"), string("time_zone")};
    if (auto when = schedule::make_schedule(text)) {
      out.when = std::move(*when);
    } else {
      problem(when.error().message);
    }
    out.name = string("name").value_or(name_of_file(origin));
    if (!valid_name(out.name)) {
      problem("'name' \"" + out.name + "\" must be letters, digits, '_', '-' or '.': rename it");
    }
    out.catalog = string("catalog").value_or("");
    if (out.catalog.empty()) {
      problem("'catalog' is required: name the catalog file (the selected streams) each job runs with");
    }
    read_retries(out.retry);
    warn_unknown_keys();
    if (!problems_.empty()) {
      std::string msg;
      for (const std::string& p : problems_) msg += (msg.empty() ? "" : "\n") + p;
      return core::fail(core::ErrorCode::kConfig, msg);
    }
    return out;
  }

  std::vector<std::string> warnings;

 private:
  void problem(const std::string& line) { problems_.push_back(prefix_ + line); }

  std::optional<std::string> string(const char* key) {
    auto it = section_.find(key);
    if (it == section_.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      problem(std::string("'") + key + "' must be a string, got " + it->dump());
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  void read_retries(schedule::RetryPolicy& retry) {
    if (auto it = section_.find("retries"); it != section_.end() && !it->is_null()) {
      if (it->is_number_integer() && it->get<long long>() >= 0 && it->get<long long>() <= 100) {
        retry.retries = it->get<int>();
      } else {
        problem("'retries' must be a whole number from 0 to 100, got " + it->dump());
      }
    }
    if (auto backoff = string("retry_backoff")) {
      if (auto d = schedule::parse_duration(*backoff)) {
        retry.backoff = *d;
      } else {
        problem("'retry_backoff': " + d.error().message);
      }
    }
  }

  void warn_unknown_keys() {
    for (const auto& [key, value] : section_.items()) {
      if (std::find(kScheduleKeys.begin(), kScheduleKeys.end(), key) != kScheduleKeys.end()) continue;
      warnings.push_back(prefix_ + "unknown key '" + key + "' is ignored" +
                         core::did_you_mean(key, kScheduleKeys));
    }
  }

  const json& section_;
  std::string prefix_;
  std::vector<std::string> problems_;
};

}  // namespace

core::Result<std::optional<ScheduleConfig>> schedule_from_config(const json& config_doc,
                                                                 std::string_view origin,
                                                                 std::vector<std::string>& warnings) {
  auto it = config_doc.find("schedule");
  if (it == config_doc.end() || it->is_null()) return std::optional<ScheduleConfig>();
  if (!it->is_object()) {
    return core::fail(core::ErrorCode::kConfig,
                      std::string(origin) +
                          ": 'schedule' must be an object such as {\"frequency\": \"30m\", "
                          "\"catalog\": \"catalog.json\"}");
  }
  ScheduleReader reader(*it, origin);
  auto out = reader.run(origin);
  warnings.insert(warnings.end(), reader.warnings.begin(), reader.warnings.end());
  if (!out) return core::fail(out.error());
  return std::optional<ScheduleConfig>(std::move(*out));
}

}  // namespace sluice::config
