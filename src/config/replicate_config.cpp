#include "config/replicate_config.h"

#include <nlohmann/json.hpp>

namespace sluice::config {
namespace {

using nlohmann::json;

bool valid_pattern(const std::string& p) {
  const size_t dot = p.find('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < p.size() &&
         p.find('.', dot + 1) == std::string::npos;
}

class ReplicateReader {
 public:
  ReplicateReader(const json& section, std::string origin, std::vector<std::string>& problems)
      : s_(section), origin_(std::move(origin)), problems_(problems) {}

  ReplicateSettings run() {
    text("journal_dir", out_.journal_dir);
    if (out_.journal_dir.empty())
      problem("'replicate.journal_dir' is required: the transaction log's directory");
    patterns("include", out_.include);
    patterns("exclude", out_.exclude);
    text("start", out_.start);
    text("name", out_.name);
    if (out_.name.empty() || out_.name.size() > 64) problem("'replicate.name' must be 1 to 64 characters");
    number("batch_rows", 1, 1000000, out_.batch_rows);
    number("journal_max_bytes", 0, uint64_t{1} << 50, out_.journal_max_bytes);
    number("journal_max_age_seconds", 0, uint64_t{1} << 40, out_.journal_max_age_s);
    read_rename();
    read_conflict();
    read_skip();
    return out_;
  }

 private:
  void problem(const std::string& line) { problems_.push_back(origin_ + ": " + line); }
  const json* find(const char* key) const {
    auto it = s_.find(key);
    return it == s_.end() || it->is_null() ? nullptr : &*it;
  }
  void text(const char* key, std::string& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_string() || v->get<std::string>().empty()) {
      problem("'replicate." + std::string(key) + "' must be a non-empty string");
      return;
    }
    out = v->get<std::string>();
  }
  template <typename N>
  void number(const char* key, uint64_t lo, uint64_t hi, N& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_number_unsigned() || v->get<uint64_t>() < lo || v->get<uint64_t>() > hi) {
      problem("'replicate." + std::string(key) + "' must be a whole number between " + std::to_string(lo) +
              " and " + std::to_string(hi));
      return;
    }
    out = static_cast<N>(v->get<uint64_t>());
  }
  void patterns(const char* key, std::vector<std::string>& out) {
    const json* v = find(key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      problem("'replicate." + std::string(key) +
              "' must be a list of \"db.table\" patterns such as [\"shop.*\"]");
      return;
    }
    for (const json& p : *v) {
      if (!p.is_string() || !valid_pattern(p.get<std::string>())) {
        problem("'replicate." + std::string(key) + "' item " + p.dump() +
                " is not a \"db.table\" pattern (wildcards * and ?, e.g. \"shop.*\")");
        continue;
      }
      out.push_back(p.get<std::string>());
    }
  }
  void read_rename() {
    const json* v = find("rename");
    if (v == nullptr) return;
    if (!v->is_object()) {
      problem("'replicate.rename' must be an object of source database -> target database");
      return;
    }
    for (const auto& [from, to] : v->items()) {
      if (!to.is_string() || to.get<std::string>().empty()) {
        problem("'replicate.rename." + from + "' must be a target database name");
        continue;
      }
      out_.rename[from] = to.get<std::string>();
    }
  }

  void read_conflict() {
    const json* v = find("on_conflict");
    if (v == nullptr) return;
    if (v->is_string() && v->get<std::string>() == "stop") {
      out_.on_conflict = ReplicateSettings::OnConflict::kStop;
    } else if (v->is_string() && v->get<std::string>() == "overwrite") {
      out_.on_conflict = ReplicateSettings::OnConflict::kOverwrite;
    } else {
      problem("'replicate.on_conflict' must be \"stop\" or \"overwrite\", got " + v->dump());
    }
  }
  void read_skip() {
    const json* v = find("skip_transactions_writing");
    if (v == nullptr) return;
    out_.skip_transactions_writing.emplace();
    bool ok = v->is_array();
    for (const json& d : ok ? *v : json::array()) {
      ok = ok && d.is_string() && !d.get<std::string>().empty() && d.get<std::string>().size() <= 64;
      if (ok) out_.skip_transactions_writing->push_back(d.get<std::string>());
    }
    if (!ok) {
      problem("'replicate.skip_transactions_writing' must be a list of database names such as [\"sluice\"]");
    }
  }

  const json& s_;
  std::string origin_;
  std::vector<std::string>& problems_;
  ReplicateSettings out_;
};

}  // namespace

std::optional<TargetConfig> target_from_config(const json& doc, std::string_view origin,
                                               std::vector<std::string>& problems,
                                               std::vector<std::string>& warnings) {
  auto it = doc.find("target");
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    problems.push_back(std::string(origin) +
                       ": 'target' must be an object such as {\"host\": ..., \"user\": ...}");
    return std::nullopt;
  }
  // The target is reached as the source is: the same keys, the same checks, names prefixed.
  const std::string named = std::string(origin) + " target";
  nlohmann::json keys = *it;
  TargetConfig out;
  if (auto ps = keys.find("position_schema"); ps != keys.end()) {
    if (!ps->is_string() || ps->get<std::string>().empty() || ps->get<std::string>().size() > 64) {
      problems.push_back(named + ": 'position_schema' must be a database name such as \"sluice\"");
    } else {
      out.position_schema = ps->get<std::string>();
    }
    keys.erase(ps);
  }
  auto parsed = parse_source_config(keys, named, warnings);
  if (!parsed) {
    problems.push_back(parsed.error().message);
    return std::nullopt;
  }
  out.connection = std::move(parsed->connection);
  return out;
}

core::Result<std::optional<TargetConfig>> parse_target_config(const json& doc, std::string_view origin,
                                                              std::vector<std::string>& warnings) {
  std::vector<std::string> problems;
  auto target = target_from_config(doc, origin, problems, warnings);
  if (problems.empty()) return target;
  std::string msg;
  for (const std::string& p : problems) msg += (msg.empty() ? "" : "\n") + p;
  return core::fail(core::ErrorCode::kConfig, msg);
}

std::optional<ReplicateSettings> replicate_from_config(const json& doc, std::string_view origin,
                                                       std::vector<std::string>& problems) {
  auto it = doc.find("replicate");
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) {
    problems.push_back(std::string(origin) +
                       ": 'replicate' must be an object such as {\"journal_dir\": ...}");
    return std::nullopt;
  }
  return ReplicateReader(*it, std::string(origin), problems).run();
}

}  // namespace sluice::config
