#include "config/source_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "config/ssh_tunnel_config.h"

namespace sluice::config {
namespace {

using nlohmann::json;
using mysql::SslMode;

constexpr uint64_t kMaxTimeout = 365ULL * 24 * 3600;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A JSON value as shown in a message: short, on one line.
std::string shown(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

class Validator {
 public:
  Validator(const json& doc, std::string_view origin, std::vector<std::string>& warnings)
      : doc_(doc), origin_(origin), warnings_(warnings) {}

  core::Result<SourceConfig> run();

 private:
  void problem(const std::string& line) { problems_.push_back(origin_ + ": " + line); }
  void warning(const std::string& line) { warnings_.push_back(origin_ + ": " + line); }
  const json* find(const char* key) const {
    auto it = doc_.find(key);
    return it == doc_.end() || it->is_null() ? nullptr : &*it;
  }
  std::optional<std::string> string_key(const char* key, bool required, bool secret = false);
  std::optional<uint64_t> number_key(const char* key, uint64_t min, uint64_t max, const char* what);
  std::optional<bool> bool_key(const char* key);
  void read_connection();
  void read_tls();
  void read_lists();
  void check_file(const char* key, const std::string& path);

  const json& doc_;
  std::string origin_;
  std::vector<std::string>& warnings_;
  std::vector<std::string> problems_;
  SourceConfig out_;
};

std::optional<std::string> Validator::string_key(const char* key, bool required, bool secret) {
  const json* v = find(key);
  if (v == nullptr) {
    if (required) problem(std::string("'") + key + "' is required: add \"" + key + "\": \"...\"");
    return std::nullopt;
  }
  if (!v->is_string()) {
    problem(std::string("'") + key + "' must be a string" + (secret ? "" : ", got " + shown(*v)));
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (required && s.empty()) {
    problem(std::string("'") + key + "' must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<uint64_t> Validator::number_key(const char* key, uint64_t min, uint64_t max, const char* what) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  std::optional<uint64_t> n;
  if (v->is_number_unsigned()) {
    n = v->get<uint64_t>();
  } else if (v->is_string()) {
    std::string s = v->get<std::string>();
    bool digits = !s.empty() && s.size() <= 19 &&
                  std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) n = std::stoull(s);
  }
  if (!n || *n < min || *n > max) {
    problem(std::string("'") + key + "' must be " + what + " between " + std::to_string(min) + " and " +
            std::to_string(max) + ", got " + shown(*v));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> Validator::bool_key(const char* key) {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    std::string s = lower(v->get<std::string>());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  problem(std::string("'") + key + "' must be true or false (or the strings \"true\"/\"false\"), got " + shown(*v));
  return std::nullopt;
}

void Validator::check_file(const char* key, const std::string& path) {
  if (path.empty()) return;
  std::ifstream f(path);
  if (!f) problem(std::string("'") + key + "' names " + path + ", which cannot be read: check the path");
}

void Validator::read_connection() {
  auto& c = out_.connection;
  if (auto v = string_key("host", true)) c.host = *v;
  if (auto v = number_key("port", 1, 65535, "a number")) c.port = static_cast<uint16_t>(*v);
  if (auto v = string_key("user", true)) c.user = *v;
  if (auto v = string_key("password", false, /*secret=*/true)) c.password = *v;
  if (auto v = string_key("database", false)) c.database = *v;
  if (auto v = number_key("server_id", 1, 4294967295ULL, "a number")) out_.server_id = static_cast<uint32_t>(*v);
  if (auto v = number_key("connect_timeout", 1, kMaxTimeout, "a number of seconds")) {
    c.connect_timeout_s = static_cast<unsigned>(*v);
  }
  // request_timeout is the Singer tap's name for the read timeout; read_timeout wins.
  const char* read_key = find("read_timeout") != nullptr ? "read_timeout" : "request_timeout";
  if (auto v = number_key(read_key, 1, kMaxTimeout, "a number of seconds")) c.read_timeout_s = static_cast<unsigned>(*v);
}

void Validator::read_tls() {
  auto& c = out_.connection;
  if (auto v = string_key("ssl_ca", false)) c.ssl_ca = *v;
  if (auto v = string_key("ssl_cert", false)) c.ssl_cert = *v;
  if (auto v = string_key("ssl_key", false)) c.ssl_key = *v;
  check_file("ssl_ca", c.ssl_ca);
  check_file("ssl_cert", c.ssl_cert);
  check_file("ssl_key", c.ssl_key);
  if (c.ssl_cert.empty() != c.ssl_key.empty()) {
    problem("'ssl_cert' and 'ssl_key' go together (a client certificate and its key): set both or neither");
  }
  std::optional<bool> ssl = bool_key("ssl");
  std::optional<bool> check_hostname = bool_key("check_hostname");
  std::optional<bool> verify_mode = bool_key("verify_mode");
  if (auto mode = string_key("ssl_mode", false)) {
    static constexpr std::array kModes = {SslMode::kDisabled, SslMode::kPreferred, SslMode::kRequired,
                                          SslMode::kVerifyCa, SslMode::kVerifyIdentity};
    std::string m = lower(*mode);
    auto it = std::find_if(kModes.begin(), kModes.end(), [&](SslMode s) { return mysql::ssl_mode_name(s) == m; });
    if (it == kModes.end()) {
      problem("'ssl_mode' must be one of disabled, preferred, required, verify_ca, verify_identity, got \"" + *mode +
              "\"");
      return;
    }
    c.ssl_mode = *it;
    if (ssl || check_hostname || verify_mode) warning("'ssl_mode' is set, so 'ssl', 'check_hostname' and 'verify_mode' are ignored");
  } else if (ssl.value_or(false)) {
    // The Singer tap's rules: with ssl_ca, the CA is checked and check_hostname defaults to
    // true; without it, nothing is verified unless verify_mode is true.
    if (!c.ssl_ca.empty()) {
      c.ssl_mode = check_hostname.value_or(true) ? SslMode::kVerifyIdentity : SslMode::kVerifyCa;
    } else if (verify_mode.value_or(false)) {
      c.ssl_mode = check_hostname.value_or(false) ? SslMode::kVerifyIdentity : SslMode::kVerifyCa;
    } else {
      c.ssl_mode = SslMode::kRequired;
    }
  } else {
    c.ssl_mode = SslMode::kPreferred;
  }
  if (c.ssl_mode == SslMode::kDisabled && (!c.ssl_ca.empty() || !c.ssl_cert.empty())) {
    warning("'ssl_mode' is disabled, so 'ssl_ca', 'ssl_cert' and 'ssl_key' are ignored");
  }
}

void Validator::read_lists() {
  if (const json* v = find("filter_dbs")) {
    if (v->is_string()) {
      std::string s = v->get<std::string>();
      size_t start = 0;
      while (start <= s.size()) {
        size_t end = std::min(s.find(',', start), s.size());
        std::string item = s.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out_.filter_dbs.push_back(item);
        start = end + 1;
      }
    } else if (v->is_array() && std::all_of(v->begin(), v->end(), [](const json& x) { return x.is_string(); })) {
      for (const auto& x : *v) out_.filter_dbs.push_back(x.get<std::string>());
    } else {
      problem("'filter_dbs' must be a comma-separated string such as \"db1,db2\", got " + shown(*v));
    }
  }
  if (const json* v = find("session_sqls")) {
    if (v->is_array() && std::all_of(v->begin(), v->end(), [](const json& x) { return x.is_string(); })) {
      for (const auto& x : *v) out_.connection.session_sqls.push_back(x.get<std::string>());
    } else {
      problem("'session_sqls' must be a list of SQL strings such as [\"SET SESSION sql_mode=''\"], got " + shown(*v));
    }
  }
}

core::Result<SourceConfig> Validator::run() {
  if (!doc_.is_object()) {
    return core::fail(core::ErrorCode::kConfig, origin_ + ": must be a JSON object such as {\"host\": ..., \"user\": ...}");
  }
  read_connection();
  read_tls();
  read_lists();
  if (const json* v = find("ssh_tunnel"))
    out_.connection.ssh_tunnel = parse_ssh_tunnel(*v, origin_, problems_, warnings_);
  if (!problems_.empty()) {
    std::string msg;
    for (const auto& p : problems_) msg += (msg.empty() ? "" : "\n") + p;
    return core::fail(core::ErrorCode::kConfig, msg);
  }
  return std::move(out_);
}

}  // namespace

core::Result<SourceConfig> parse_source_config(const nlohmann::json& doc, std::string_view origin,
                                               std::vector<std::string>& warnings) {
  return Validator(doc, origin, warnings).run();
}

std::string describe(const SourceConfig& config) {
  std::string out = mysql::describe(config.connection);
  out += "\nfilter_dbs: ";
  if (config.filter_dbs.empty()) out += "(all)";
  for (size_t i = 0; i < config.filter_dbs.size(); ++i) out += (i ? "," : "") + config.filter_dbs[i];
  out += "\nserver_id: " + (config.server_id ? std::to_string(*config.server_id) : std::string("(not set)"));
  return out;
}

}  // namespace sluice::config
