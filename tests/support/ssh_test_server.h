#pragma once
/// A throwaway OpenSSH bastion on loopback for the SSH tunnel tests, started and stopped by
/// scripts/sshserver.sh (keys made by the script: user_key, user_key_pass with passphrase
/// kSshKeyPassphrase, other_key not authorized, known_hosts with the bastion's host key).

#include <string>
#include <vector>

namespace sluice::test {

inline constexpr const char* kSshKeyPassphrase = "tunnelpass";

class ScopedSshServer {
 public:
  /// Starts bastion `name` with extra sshd options ("AllowTcpForwarding=no"); throws on failure.
  explicit ScopedSshServer(std::string name, std::vector<std::string> options = {});
  ~ScopedSshServer();
  ScopedSshServer(const ScopedSshServer&) = delete;
  ScopedSshServer& operator=(const ScopedSshServer&) = delete;

  int port() const { return port_; }
  /// The directory with the keys, known_hosts and sshd.log.
  const std::string& dir() const { return dir_; }
  /// The user the bastion accepts (the one running the tests).
  std::string user() const;
  /// The `ssh_tunnel` section (JSON object text) for this bastion: `key` (a file of dir()),
  /// known_hosts_file = dir()/known_hosts unless `known_hosts` names another, then `extra`
  /// fields (", \"host_key_check\": ...").
  std::string tunnel_json(const std::string& key = "user_key", const std::string& known_hosts = "",
                          const std::string& extra = "") const;
  /// How many connections the bastion forwarded so far (its debug log's direct-tcpip opens).
  int forwarded_connections() const;

 private:
  std::string name_;
  std::string dir_;
  int port_ = 0;
};

}  // namespace sluice::test
