#include "config/ssh_tunnel_config.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/spelling.h"

namespace sluice::config {
namespace {

using nlohmann::json;
using Check = mysql::SshTunnelOptions::HostKeyCheck;

constexpr std::array kKeys = {"host",
                              "port",
                              "user",
                              "private_key_file",
                              "private_key_passphrase",
                              "use_agent",
                              "known_hosts_file",
                              "host_key_check"};

// "~/x" under $HOME; other paths as given.
std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (path.starts_with("~/") && home != nullptr) return std::string(home) + path.substr(1);
  return path;
}

class TunnelReader {
 public:
  TunnelReader(const json& section, std::string_view origin, std::vector<std::string>& problems)
      : section_(section), origin_(origin), problems_(problems) {}

  std::optional<mysql::SshTunnelOptions> run() {
    size_t before = problems_.size();
    out_.host = text("host", true);
    out_.user = text("user", true);
    read_port();
    out_.private_key_file = expand_home(text("private_key_file", false));
    out_.passphrase = text("private_key_passphrase", false, true);
    if (const json* v = find("use_agent")) {
      if (v->is_boolean())
        out_.use_agent = v->get<bool>();
      else
        problem("'ssh_tunnel.use_agent' must be true or false, got " + v->dump());
    }
    read_authentication();
    std::string known = text("known_hosts_file", false);
    out_.known_hosts_file = known.empty() ? expand_home("~/.ssh/known_hosts") : expand_home(known);
    std::string check = text("host_key_check", false);
    if (check == "accept_new") {
      out_.host_key_check = Check::kAcceptNew;
    } else if (!check.empty() && check != "strict") {
      problem("'ssh_tunnel.host_key_check' must be \"strict\" (the default) or \"accept_new\", got \"" +
              check + "\"");
    }
    if (problems_.size() != before) return std::nullopt;
    return out_;
  }

 private:
  void problem(const std::string& line) { problems_.push_back(origin_ + ": " + line); }
  const json* find(const char* key) const {
    auto it = section_.find(key);
    return it == section_.end() || it->is_null() ? nullptr : &*it;
  }

  std::string text(const char* key, bool required, bool secret = false) {
    const json* v = find(key);
    if (v == nullptr || (v->is_string() && v->get<std::string>().empty())) {
      if (required)
        problem(std::string("'ssh_tunnel.") + key + "' is required: add \"" + key + "\": \"...\"");
      return "";
    }
    if (!v->is_string()) {
      problem(std::string("'ssh_tunnel.") + key + "' must be a string" +
              (secret ? "" : ", got " + v->dump()));
      return "";
    }
    return v->get<std::string>();
  }

  void read_port() {
    const json* v = find("port");
    if (v == nullptr) return;
    if (v->is_number_unsigned() && v->get<uint64_t>() >= 1 && v->get<uint64_t>() <= 65535) {
      out_.port = static_cast<uint16_t>(v->get<uint64_t>());
    } else {
      problem("'ssh_tunnel.port' must be a number between 1 and 65535, got " + v->dump());
    }
  }

  void read_authentication() {
    if (out_.use_agent && !out_.private_key_file.empty()) {
      problem("'ssh_tunnel' has both 'private_key_file' and 'use_agent': keep one");
    } else if (!out_.use_agent && out_.private_key_file.empty()) {
      problem(
          "'ssh_tunnel' needs 'private_key_file' (a private key the bastion accepts) or \"use_agent\": true");
    } else if (!out_.private_key_file.empty() && !std::ifstream(out_.private_key_file)) {
      problem("'ssh_tunnel.private_key_file' names " + out_.private_key_file +
              ", which cannot be read: check the path and its permissions");
    }
  }

  const json& section_;
  std::string origin_;
  std::vector<std::string>& problems_;
  mysql::SshTunnelOptions out_;
};

}  // namespace

std::optional<mysql::SshTunnelOptions> parse_ssh_tunnel(const json& section, std::string_view origin,
                                                        std::vector<std::string>& problems,
                                                        std::vector<std::string>& warnings) {
  if (!section.is_object()) {
    problems.push_back(
        std::string(origin) +
        ": 'ssh_tunnel' must be an object such as {\"host\": \"bastion.example.com\", \"user\": "
        "\"sluice\", \"private_key_file\": \"~/.ssh/id_ed25519\"}");
    return std::nullopt;
  }
  for (const auto& [key, value] : section.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end()) continue;
    std::string hint = core::did_you_mean(key, kKeys);
    warnings.push_back(std::string(origin) + ": unknown key 'ssh_tunnel." + key + "' is ignored" + hint);
  }
  return TunnelReader(section, origin, problems).run();
}

}  // namespace sluice::config
