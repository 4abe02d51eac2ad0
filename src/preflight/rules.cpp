#include "preflight/rules.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <random>

namespace sluice::preflight {

std::optional<std::string> ServerFacts::variable(const std::string& name) const {
  auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return it->second;
}

bool ServerFacts::at_least(uint32_t ma, uint32_t mi, uint32_t pa) const {
  if (major != ma) return major > ma;
  if (minor != mi) return minor > mi;
  return patch >= pa;
}

std::string describe_server(const ServerFacts& facts) {
  std::string s = facts.is_mariadb() ? "MariaDB " : "MySQL ";
  s += std::to_string(facts.major) + "." + std::to_string(facts.minor) + "." + std::to_string(facts.patch);
  switch (facts.platform) {
    case Platform::kSelfManaged:
      s += " (self-managed)";
      break;
    case Platform::kRds:
      s += " on Amazon RDS";
      break;
    case Platform::kAurora:
      s += " on Amazon Aurora";
      if (auto v = facts.variable("aurora_version")) s += " " + *v;
      break;
  }
  return s;
}

std::string set_variable_fix(const ServerFacts& facts, std::string_view name, std::string_view value,
                             bool dynamic) {
  std::string assignment = std::string(name) + "=" + std::string(value);
  if (facts.platform == Platform::kAurora) {
    return "set " + assignment + " in the DB cluster parameter group of the Aurora cluster" +
           (dynamic ? "" : ", then reboot the writer instance");
  }
  if (facts.platform == Platform::kRds) {
    return "set " + assignment + " in the DB parameter group of the RDS instance" +
           (dynamic ? "" : ", then reboot the instance");
  }
  if (!dynamic) return "add " + assignment + " under [mysqld] in my.cnf, then restart the server";
  if (!facts.is_mariadb() && facts.major >= 8) return "run SET PERSIST " + assignment + ";";
  return "run SET GLOBAL " + assignment + "; and add " + assignment + " under [mysqld] in my.cnf";
}

std::string grantee(const ServerFacts& facts) {
  const std::string& u = facts.current_user;
  size_t at = u.rfind('@');
  if (u.empty()) return "<user>";
  if (at == std::string::npos) return "'" + u + "'";
  return "'" + u.substr(0, at) + "'@'" + u.substr(at + 1) + "'";
}

std::string join_items(const std::vector<std::string>& items, std::string_view sep, size_t limit) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  if (items.size() > limit)
    out += std::string(sep) + "... (" + std::to_string(items.size() - limit) + " more)";
  return out;
}

std::string quote_identifier(const std::string& name) {
  std::string out = "`";
  for (char ch : name) {
    if (ch == '`') out += '`';
    out += ch;
  }
  return out + "`";
}

std::string human_duration(uint64_t seconds) {
  auto plural = [](uint64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds >= 86400 && seconds % 86400 == 0) return plural(seconds / 86400, "day");
  if (seconds >= 86400) return plural(seconds / 3600, "hour");
  if (seconds >= 3600) return plural(seconds / 3600, "hour");
  if (seconds >= 60) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}

std::optional<uint32_t> parse_server_id(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (v < 1 || v > 4294967295ULL) return std::nullopt;
  return static_cast<uint32_t>(v);
}

uint32_t propose_server_id(const std::vector<uint64_t>& in_use, uint64_t own_id, uint64_t seed) {
  if (seed == 0) seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> dist(uint64_t{1} << 31, 4294967295ULL);
  for (;;) {
    uint64_t candidate = dist(rng);
    if (candidate == own_id) continue;
    if (std::find(in_use.begin(), in_use.end(), candidate) != in_use.end()) continue;
    return static_cast<uint32_t>(candidate);
  }
}

PreflightReport evaluate(const ServerFacts& facts, const PreflightRequest& request) {
  PreflightReport report;
  report.methods = request.methods;
  report.server = describe_server(facts);
  auto& c = report.checks;
  c.push_back(check_server(facts));
  c.push_back(check_tls(facts, request));
  c.push_back(check_select_privilege(facts, request));
  c.push_back(check_table_engines(facts));
  if (!request.methods.has(change::Method::kLogBased)) return report;
  c.push_back(check_replication_slave(facts));
  c.push_back(check_replication_client(facts));
  c.push_back(check_snapshot_handoff(facts));
  c.push_back(check_log_bin(facts));
  c.push_back(check_binlog_format(facts));
  c.push_back(check_binlog_row_image(facts));
  c.push_back(check_binlog_row_metadata(facts));
  c.push_back(check_binlog_compression(facts));
  c.push_back(check_binlog_retention(facts));
  c.push_back(check_gtid(facts));
  c.push_back(check_server_id(facts, request));
  c.push_back(check_replica_updates(facts));
  return report;
}

}  // namespace sluice::preflight
