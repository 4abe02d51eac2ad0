#include "support/test_servers.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "support/test_util.h"

namespace sluice::test {
namespace {

std::string env_prefix(std::string_view name) {
  std::string v = "SLUICE_";
  for (char c : name) v += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v + "_";
}

std::string getenv_or_throw(const std::string& var, std::string_view name) {
  const char* v = std::getenv(var.c_str());
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error("test server '" + std::string(name) + "' is not running (" + var +
                             " unset): run the tests through scripts/test.sh, which starts the servers");
  }
  return v;
}

ServerInfo parse_env_lines(std::string_view name, const std::string& text) {
  // Lines look like: export SLUICE_X_PORT=123
  ServerInfo info;
  info.name = std::string(name);
  std::string prefix = "export " + env_prefix(name);
  for (const auto& line : split_lines(text)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "export SLUICE_CERTS") info.certs = value;
    if (key.rfind(prefix, 0) != 0) continue;
    std::string field = key.substr(prefix.size());
    if (field == "FLAVOR") info.flavor = value;
    if (field == "HOST") info.host = value;
    if (field == "PORT") info.port = std::stoi(value);
    if (field == "DIR") info.dir = value;
  }
  if (info.port == 0) throw std::runtime_error("could not parse testserver.sh output: " + text);
  return info;
}

}  // namespace

ServerInfo shared_server(std::string_view name) {
  std::string p = env_prefix(name);
  ServerInfo info;
  info.name = std::string(name);
  info.flavor = getenv_or_throw(p + "FLAVOR", name);
  info.host = getenv_or_throw(p + "HOST", name);
  info.port = std::stoi(getenv_or_throw(p + "PORT", name));
  info.dir = getenv_or_throw(p + "DIR", name);
  info.certs = getenv_or_throw("SLUICE_CERTS", name);
  return info;
}

std::vector<std::string> shared_server_names() { return {"mariadb", "mysql"}; }

ScopedServer::ScopedServer(std::string flavor, std::string name, std::vector<std::string> extra_options) {
  std::vector<std::string> argv{source_dir() + "/scripts/testserver.sh", "start", flavor, name};
  if (!extra_options.empty()) {
    argv.emplace_back("--");
    argv.insert(argv.end(), extra_options.begin(), extra_options.end());
  }
  CommandResult r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("cannot start test server " + name + ": " + r.err);
  info_ = parse_env_lines(name, r.out);
}

ScopedServer::~ScopedServer() {
  run_command({source_dir() + "/scripts/testserver.sh", "stop", info_.name});
}

std::string admin_sql(const ServerInfo& server, const std::string& sql, const std::string& database) {
  std::vector<std::string> argv{"mariadb", "--no-defaults", "-h", server.host, "-P", std::to_string(server.port),
                                "-u", kAdminUser, std::string("-p") + kAdminPassword, "-N", "-B",
                                "--default-character-set=utf8mb4"};
  if (!database.empty()) argv.push_back(database);
  CommandResult r = run_command(argv, sql);
  if (r.exit_code != 0) throw std::runtime_error("admin SQL failed on " + server.name + ": " + r.err);
  return r.out;
}

XaCleanup::~XaCleanup() {
  try {
    std::string prepared = admin_sql(server_, "XA RECOVER");
    for (const std::string& xid : xids_) {
      if (prepared.find("\t" + xid) != std::string::npos) admin_sql(server_, "XA ROLLBACK '" + xid + "'");
    }
  } catch (...) {  // the server is gone: nothing is held
  }
}

void purge_binary_logs_to(const ServerInfo& server, const std::string& file) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (true) {
    admin_sql(server, "PURGE BINARY LOGS TO '" + file + "';");
    std::string logs = admin_sql(server, "SHOW BINARY LOGS");
    if (logs.rfind(file, 0) == 0) return;  // the first file listed is `file`: older ones are gone
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("binary logs before " + file + " were not purged within 20 s: " + logs);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

uint64_t largest_binlog_event(const ServerInfo& server, const std::string& file, const std::string& type) {
  uint64_t largest = 0;
  // Log_name Pos Event_type Server_id End_log_pos Info
  for (const auto& l : split_lines(admin_sql(server, "SHOW BINLOG EVENTS IN '" + file + "'"))) {
    std::vector<std::string> f;
    for (size_t at = 0; f.size() < 5;) {
      size_t tab = l.find('\t', at);
      f.push_back(l.substr(at, tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    if (f.size() == 5 && f[2] == type) largest = std::max<uint64_t>(largest, std::stoull(f[4]) - std::stoull(f[1]));
  }
  return largest;
}

mysql::ConnectOptions admin_connect_options(const ServerInfo& server) {
  mysql::ConnectOptions o;
  o.host = server.host;
  o.port = static_cast<uint16_t>(server.port);
  o.user = kAdminUser;
  o.password = kAdminPassword;
  return o;
}

std::string write_config(const ServerInfo& server, const std::string& extra_json_fields, const std::string& user,
                         const std::string& password) {
  std::string dir = make_temp_dir("config");
  std::ostringstream json;
  json << "{\"host\": \"" << server.host << "\", \"port\": " << server.port << ", \"user\": \"" << user
       << "\", \"password\": \"" << password << "\"";
  if (!extra_json_fields.empty()) json << ", " << extra_json_fields;
  json << "}\n";
  std::string path = dir + "/config.json";
  write_file(path, json.str());
  return path;
}

}  // namespace sluice::test
