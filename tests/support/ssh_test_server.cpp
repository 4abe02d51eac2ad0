#include "support/ssh_test_server.h"

#include <pwd.h>
#include <unistd.h>

#include <stdexcept>

#include "support/test_util.h"

namespace sluice::test {

ScopedSshServer::ScopedSshServer(std::string name, std::vector<std::string> options)
    : name_(std::move(name)) {
  std::vector<std::string> argv{source_dir() + "/scripts/sshserver.sh", "start", name_, "--",
                                "LogLevel=DEBUG1"};
  argv.insert(argv.end(), options.begin(), options.end());
  CommandResult r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("cannot start the test sshd " + name_ + ": " + r.err);
  for (const std::string& line : split_lines(r.out)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    if (line.find("_PORT=") != std::string::npos) port_ = std::stoi(line.substr(eq + 1));
    if (line.find("_DIR=") != std::string::npos) dir_ = line.substr(eq + 1);
  }
  if (port_ == 0 || dir_.empty()) throw std::runtime_error("sshserver.sh printed no port/dir: " + r.out);
}

ScopedSshServer::~ScopedSshServer() { run_command({source_dir() + "/scripts/sshserver.sh", "stop", name_}); }

std::string ScopedSshServer::user() const {
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}

std::string ScopedSshServer::tunnel_json(const std::string& key, const std::string& known_hosts,
                                         const std::string& extra) const {
  return R"({"host": "127.0.0.1", "port": )" + std::to_string(port_) + R"(, "user": ")" + user() +
         R"(", "private_key_file": ")" + dir_ + "/" + key + R"(", "known_hosts_file": ")" +
         (known_hosts.empty() ? dir_ + "/known_hosts" : known_hosts) + "\"" + extra + "}";
}

int ScopedSshServer::forwarded_connections() const {
  int n = 0;
  for (const std::string& line : split_lines(read_file(dir_ + "/sshd.log"))) {
    n += line.find("confirm direct-tcpip") != std::string::npos ? 1 : 0;
  }
  return n;
}

}  // namespace sluice::test
