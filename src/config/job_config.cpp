#include "config/job_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "config/json_file.h"
#include "config/replicate_config.h"
#include "core/spelling.h"

namespace sluice::config {
namespace {

using nlohmann::json;

// The top-level keys of a config file, by part (docs/configuration.md). A key in none of these
// lists is ignored; one that looks like a misspelling of a known key gives a warning.
// clang-format off
constexpr std::array kSourceKeys = {
    "host",         "port",            "user",         "password",    "database",
    "filter_dbs",   "server_id",       "ssl",          "ssl_ca",      "ssl_cert",
    "ssl_key",      "check_hostname",  "verify_mode",  "ssl_mode",    "connect_timeout",
    "read_timeout", "request_timeout", "session_sqls",
};
// clang-format on
constexpr std::array kSyncKeys = {
    "default_replication_method", "chunk_rows",           "snapshot_threads",
    "state_interval_seconds",     "key_change_deletes",   "zero_dates",
    "select_new_columns",         "resnapshot_on_purged", "keep_extraction_logs", "value_forms"};
constexpr std::array kSectionKeys = {"destination", "ssh_tunnel", "schedule", "target", "replicate"};
// Keys Singer-family taps write that sluice knowingly ignores: no "did you mean" for them.
constexpr std::array kIgnoredKeys = {"internal_hostname", "cursorclass", "use_gtid", "engine",
                                     "export_batch_rows", "tables"};

class SyncReader {
 public:
  SyncReader(const json& doc, std::string origin, std::vector<std::string>& problems)
      : doc_(doc), origin_(std::move(origin)), problems_(problems) {}

  SyncSettings run() {
    read_method();
    double chunk = static_cast<double>(out_.chunk_rows);
    if (number("chunk_rows", 1, 100000000, chunk)) out_.chunk_rows = static_cast<size_t>(chunk);
    double threads = static_cast<double>(out_.snapshot_threads);
    if (number("snapshot_threads", 1, 64, threads)) out_.snapshot_threads = static_cast<size_t>(threads);
    number("state_interval_seconds", 0, 86400, out_.state_interval_s);
    flag("key_change_deletes", out_.key_change_deletes);
    if (find("select_new_columns") != nullptr) {
      bool select_new = false;
      flag("select_new_columns", select_new);
      out_.select_new_columns = select_new;
    }
    double keep = static_cast<double>(out_.keep_extraction_logs);
    if (number("keep_extraction_logs", 1, 10000, keep)) out_.keep_extraction_logs = static_cast<size_t>(keep);
    flag("resnapshot_on_purged", out_.resnapshot_on_purged);
    read_zero_dates();
    read_value_forms();
    return out_;
  }

 private:
  void problem(const std::string& line) { problems_.push_back(origin_ + ": " + line); }
  void flag(const char* key, bool& out) {
    if (const json* v = find(key)) {
      if (v->is_boolean()) {
        out = v->get<bool>();
      } else {
        problem("'" + std::string(key) + "' must be true or false");
      }
    }
  }
  const json* find(const char* key) const {
    auto it = doc_.find(key);
    return it == doc_.end() || it->is_null() ? nullptr : &*it;
  }

  void read_method() {
    const json* v = find("default_replication_method");
    if (v == nullptr) return;
    std::string up = v->is_string() ? v->get<std::string>() : std::string();
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up == "INCREMENTAL" || up == "KEY_BASED") {
      problem(
          "'default_replication_method' cannot be INCREMENTAL (it needs a replication-key per table): use "
          "FULL_TABLE or LOG_BASED");
    } else if (up == "FULL_TABLE" || up == "LOG_BASED") {
      out_.default_replication_method = up;
    } else {
      problem("'default_replication_method' must be FULL_TABLE, INCREMENTAL or LOG_BASED");
    }
  }

  // A number (or numeric string) within [lo, hi] into `out`; false when absent or wrong.
  bool number(const char* key, double lo, double hi, double& out) {
    const json* v = find(key);
    if (v == nullptr) return false;
    double n = -1;
    if (v->is_number()) {
      n = v->get<double>();
    } else if (v->is_string()) {
      try {
        n = std::stod(v->get<std::string>());
      } catch (...) {
        n = -1;
      }
    }
    if (!(n >= lo && n <= hi)) {
      problem(std::string("'") + key + "' must be a number between " +
              std::to_string(static_cast<long long>(lo)) + " and " +
              std::to_string(static_cast<long long>(hi)));
      return false;
    }
    out = n;
    return true;
  }

  void read_zero_dates() {
    const json* v = find("zero_dates");
    if (v == nullptr) return;
    if (!v->is_string()) {
      problem("'zero_dates' must be a string, got " + v->dump());
    } else if (v->get<std::string>() == "null") {
      out_.zero_dates = core::ValueFormat::ZeroDates::kNull;
    } else if (v->get<std::string>() == "string") {
      out_.zero_dates = core::ValueFormat::ZeroDates::kString;
    } else {
      problem("'zero_dates' must be \"null\" or \"string\", got \"" + v->get<std::string>() + "\"");
    }
  }

  void read_value_forms() {
    const json* v = find("value_forms");
    if (v == nullptr) return;
    std::string name = v->is_string() ? v->get<std::string>() : v->dump();
    if (name == "sluice") {
      out_.value_forms = core::ValueFormat::Forms::kSluice;
    } else if (name == "tap") {
      out_.value_forms = core::ValueFormat::Forms::kTap;
    } else {
      problem(
          "'value_forms' must be \"sluice\" (the default) or \"tap\" (the tap's JSON and TIME forms), got " +
          v->dump());
    }
  }

  const json& doc_;
  std::string origin_;
  std::vector<std::string>& problems_;
  SyncSettings out_;
};

bool listed(const std::string& key) {
  auto is = [&](const char* k) { return key == k; };
  return std::any_of(kSourceKeys.begin(), kSourceKeys.end(), is) ||
         std::any_of(kSyncKeys.begin(), kSyncKeys.end(), is) ||
         std::any_of(kSectionKeys.begin(), kSectionKeys.end(), is) ||
         std::any_of(kIgnoredKeys.begin(), kIgnoredKeys.end(), is);
}

void check_keys(const json& doc, const std::string& origin, std::vector<std::string>& warnings) {
  std::vector<const char*> known(kSourceKeys.begin(), kSourceKeys.end());
  known.insert(known.end(), kSyncKeys.begin(), kSyncKeys.end());
  known.insert(known.end(), kSectionKeys.begin(), kSectionKeys.end());
  for (const auto& [key, value] : doc.items()) {
    if (listed(key)) continue;
    if (auto k = core::closest_name(key, known)) {
      warnings.push_back(origin + ": unknown key '" + key + "' is ignored; did you mean '" + *k + "'?");
    }
  }
}

}  // namespace

core::Result<JobConfig> parse_job_config(const json& doc, std::string_view origin) {
  JobConfig out;
  out.origin = std::string(origin);
  if (!doc.is_object()) {
    return core::fail(core::ErrorCode::kConfig,
                      out.origin + ": must be a JSON object such as {\"host\": ..., \"user\": ...}");
  }
  std::vector<std::string> problems;
  auto source = parse_source_config(doc, origin, out.warnings);
  if (source) {
    out.source = std::move(*source);
  } else {
    problems.push_back(source.error().message);
  }
  out.sync = SyncReader(doc, out.origin, problems).run();
  check_keys(doc, out.origin, out.warnings);
  auto destination = destination_from_config(doc, origin);
  if (!destination) {
    problems.push_back(destination.error().message);
  } else if (*destination) {
    out.destination = std::move(**destination);
    out.warnings.insert(out.warnings.end(), out.destination->warnings.begin(),
                        out.destination->warnings.end());
    out.destination->warnings.clear();
  }
  if (auto schedule = schedule_from_config(doc, origin, out.warnings); !schedule) {
    problems.push_back(schedule.error().message);
  } else {
    out.schedule = std::move(*schedule);
  }
  out.target = target_from_config(doc, origin, problems, out.warnings);
  out.replicate = replicate_from_config(doc, origin, problems);
  // skip_transactions_writing defaults to the target's position schema (loop safety).
  if (out.replicate && !out.replicate->skip_transactions_writing) {
    out.replicate->skip_transactions_writing.emplace(
        {out.target ? out.target->position_schema : TargetConfig{}.position_schema});
  }
  if (!problems.empty()) {
    std::string msg;
    for (const std::string& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return core::fail(core::ErrorCode::kConfig, msg);
  }
  return out;
}

core::Result<JobConfig> parse_job_config_text(std::string_view text, std::string_view origin) {
  auto doc = parse_json_text(text, origin);
  if (!doc) return core::fail(doc.error());
  return parse_job_config(*doc, origin);
}

core::Result<JobConfig> load_job_config(const std::string& path) {
  auto doc = read_json_file(path);
  if (!doc) return core::fail(doc.error());
  return parse_job_config(*doc, path);
}

}  // namespace sluice::config
