#include "config/replicate_config.h"

#include <nlohmann/json.hpp>

namespace sluice::config {
namespace {

using nlohmann::json;

// The smallest log size limit: room for a segment (a quarter of the limit, the extractor's
// choice), a record past it and the next record (fragments of 4 MiB) once all is applied.
constexpr uint64_t kMinJournalBytes = uint64_t{16} << 20;

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
    if (out_.journal_max_bytes != 0 && out_.journal_max_bytes < kMinJournalBytes)
      problem("'replicate.journal_max_bytes' must be 0 (no limit) or at least 16777216 (16 MiB)");
    number("journal_max_age_seconds", 0, uint64_t{1} << 40, out_.journal_max_age_s);
    if (const json* v = find("initial_copy")) {
      if (v->is_boolean()) {
        out_.initial_copy = v->get<bool>();
      } else {
        problem("'replicate.initial_copy' must be true or false");
      }
    }
    number("initial_copy_chunk_rows", 1, 1000000, out_.initial_copy_chunk_rows);
    read_rename();
    read_metrics_listen();
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

  void read_metrics_listen() {
    const json* v = find("metrics_listen");
    if (v == nullptr) return;
    auto a = parse_listen_address(v->is_string() ? v->get<std::string>() : v->dump(),
                                  "'replicate.metrics_listen'");
    if (!a) {
      problem(a.error().message);
      return;
    }
    out_.metrics_listen = std::move(*a);
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

std::string ListenAddress::str() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view what) {
  auto bad = [&] {
    return core::fail(core::ErrorCode::kConfig,
                      std::string(what) +
                          " must be \"HOST:PORT\" such as \"127.0.0.1:9187\" (port 1 to 65535), got '" +
                          std::string(text) + "'");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size() || colon + 6 < text.size())
    return bad();
  ListenAddress out;
  std::string_view host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad();  // an IPv6 address needs its brackets
  }
  out.host = std::string(host);
  uint32_t port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return bad();
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return bad();
  out.port = static_cast<uint16_t>(port);
  return out;
}

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
