#pragma once
/// Internal to the mysql module: an SSH tunnel (libssh) from a local port to a MySQL server
/// behind a bastion. Connection::connect opens or shares one, then lets Connector/C connect to
/// 127.0.0.1:local_port(); every connection accepted there gets its own direct-tcpip channel
/// to the server, and one thread per tunnel pumps the bytes both ways (each channel's SSH window
/// is its back-pressure: a client that stops reading stops only its own channel).
///
/// Opening the tunnel connects to the bastion, checks its host key against known_hosts
/// (strict, or accept-new), authenticates with the private key or the agent, and opens a first
/// channel to the server (parked for the first connection), so a bastion that refuses
/// forwarding fails here with its one line. Errors never contain the passphrase.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "mysql/connection.h"

namespace sluice::mysql::detail {

class SshTunnel {
 public:
  /// The tunnel to `target_host`:`target_port` through `options`'s bastion that this process
  /// already has open, or a new one. Connections hold the pointer; the tunnel closes with the
  /// last of them.
  static core::Result<std::shared_ptr<SshTunnel>> shared(const SshTunnelOptions& options,
                                                         const std::string& target_host, uint16_t target_port,
                                                         unsigned timeout_s);
  ~SshTunnel();
  SshTunnel(const SshTunnel&) = delete;
  SshTunnel& operator=(const SshTunnel&) = delete;

  /// The loopback port that leads to the server.
  uint16_t local_port() const { return local_port_; }
  /// Why the latest forwarded connection was closed by the tunnel ("" when none was).
  std::string last_error() const;
  /// False once the SSH session to the bastion has ended.
  bool alive() const { return alive_.load(); }
  /// "bastion user@host:port" for messages.
  const std::string& bastion() const { return bastion_; }

 private:
  struct Link;
  SshTunnel() = default;
  core::Status start(const SshTunnelOptions& options, const std::string& target_host, uint16_t target_port,
                     unsigned timeout_s);
  void run();
  void accept_client();
  bool pump(Link& link);
  void close_link(Link& link);
  void fail_link(const std::string& why);

  void* session_ = nullptr;  // ssh_session; used by the opening thread, then only by thread_
  void* parked_ = nullptr;   // ssh_channel opened at start, for the first accepted connection
  std::string target_host_;
  uint16_t target_port_ = 0;
  std::string bastion_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t local_port_ = 0;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<uint8_t> buffer_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> alive_{true};
  mutable std::mutex mutex_;  // guards last_error_
  std::string last_error_;
  std::thread thread_;
};

/// Opens an authenticated SSH session to `options`'s bastion (an ssh_session, as void*), host key
/// checked; on failure one line naming the problem and the fix.
core::Result<void*> open_ssh_session(const SshTunnelOptions& options, unsigned timeout_s);
/// Closes and frees what open_ssh_session returned.
void close_ssh_session(void* session);
/// "user@host:port" of the bastion.
std::string bastion_name(const SshTunnelOptions& options);

}  // namespace sluice::mysql::detail
