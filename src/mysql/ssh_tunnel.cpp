#include "mysql/ssh_tunnel.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace sluice::mysql::detail {
namespace {

using core::ErrorCode;

constexpr size_t kChunk = size_t{256} << 10;  // bytes moved per read, either way

ssh_channel open_channel(ssh_session s, const std::string& host, uint16_t port, std::string& why) {
  ssh_channel ch = ssh_channel_new(s);
  if (ch == nullptr) {
    why = ssh_get_error(s);
    return nullptr;
  }
  if (ssh_channel_open_forward(ch, host.c_str(), port, "127.0.0.1", 0) != SSH_OK) {
    why = ssh_get_error(s);
    ssh_channel_free(ch);
    return nullptr;
  }
  return ch;
}

// A loopback listener on an ephemeral port; -1 with `why` set on failure.
int listen_loopback(uint16_t& port, std::string& why) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

std::string registry_key(const SshTunnelOptions& o, const std::string& host, uint16_t port) {
  return o.user + "@" + o.host + ":" + std::to_string(o.port) + "|" + o.private_key_file + "|" +
         (o.use_agent ? "agent" : "") + "|" + o.known_hosts_file + "|" + host + ":" + std::to_string(port);
}

}  // namespace

/// One forwarded connection: the accepted socket and its channel, with the bytes read from the
/// channel that the socket did not take yet.
struct SshTunnel::Link {
  int fd = -1;
  ssh_channel channel = nullptr;
  std::vector<uint8_t> pending;
  size_t pending_pos = 0;
  bool closed = false;
  bool has_pending() const { return pending_pos < pending.size(); }
};

core::Result<std::shared_ptr<SshTunnel>> SshTunnel::shared(const SshTunnelOptions& options,
                                                           const std::string& target_host,
                                                           uint16_t target_port, unsigned timeout_s) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<SshTunnel>> registry;
  std::lock_guard lock(registry_mutex);
  std::string key = registry_key(options, target_host, target_port);
  if (auto existing = registry[key].lock(); existing && existing->alive()) return existing;
  std::shared_ptr<SshTunnel> tunnel(new SshTunnel());
  if (auto st = tunnel->start(options, target_host, target_port, timeout_s); !st)
    return core::fail(st.error());
  registry[key] = tunnel;
  return tunnel;
}

core::Status SshTunnel::start(const SshTunnelOptions& o, const std::string& target_host, uint16_t target_port,
                              unsigned timeout_s) {
  bastion_ = bastion_name(o);
  target_host_ = target_host;
  target_port_ = target_port;
  auto session = open_ssh_session(o, timeout_s);
  if (!session) return core::fail(session.error());
  session_ = *session;
  std::string why;
  parked_ = open_channel(static_cast<ssh_session>(session_), target_host, target_port, why);
  if (parked_ == nullptr) {
    return core::fail(ErrorCode::kConnect,
                      "SSH tunnel via " + bastion_ + ": the bastion refused to forward to " + target_host +
                          ":" + std::to_string(target_port) + " (" + why +
                          "): allow TCP forwarding for this user on the bastion (sshd AllowTcpForwarding, "
                          "PermitOpen) and check that the bastion can reach the database host and port");
  }
  listen_fd_ = listen_loopback(local_port_, why);
  if (listen_fd_ < 0 || ::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return core::fail(ErrorCode::kInternal, "SSH tunnel: cannot listen on 127.0.0.1: " + why);
  }
  buffer_.resize(kChunk);
  // The pump thread blocks every signal (it inherits the mask), so SIGTERM/SIGINT reach the
  // command's threads, whose waits they must interrupt.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return core::ok();
}

SshTunnel::~SshTunnel() {
  stop_ = true;
  if (wake_[1] >= 0) {
    [[maybe_unused]] auto n = ::write(wake_[1], "x", 1);
  }
  if (thread_.joinable()) thread_.join();
  for (auto& link : links_) close_link(*link);
  if (parked_ != nullptr) ssh_channel_free(static_cast<ssh_channel>(parked_));
  close_ssh_session(session_);
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

std::string SshTunnel::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void SshTunnel::fail_link(const std::string& why) {
  std::lock_guard lock(mutex_);
  last_error_ = why;
}

void SshTunnel::close_link(Link& link) {
  if (link.closed) return;
  link.closed = true;
  if (link.channel != nullptr) {
    auto ch = static_cast<ssh_channel>(link.channel);
    if (ssh_channel_is_open(ch) != 0) ssh_channel_close(ch);
    ssh_channel_free(ch);
    link.channel = nullptr;
  }
  if (link.fd >= 0) ::close(link.fd);
  link.fd = -1;
}

void SshTunnel::accept_client() {
  int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  auto link = std::make_unique<Link>();
  link->fd = fd;
  if (parked_ != nullptr) {
    link->channel = static_cast<ssh_channel>(parked_);
    parked_ = nullptr;
  } else {
    std::string why;
    link->channel = open_channel(static_cast<ssh_session>(session_), target_host_, target_port_, why);
    if (link->channel == nullptr) {
      fail_link("SSH tunnel via " + bastion_ + ": the bastion did not open a channel to " + target_host_ +
                ":" + std::to_string(target_port_) + " (" + why + ")");
      ::close(fd);
      return;
    }
  }
  links_.push_back(std::move(link));
}

// Moves what is ready in both directions; true when any byte moved. Closes the link when
// either side ended.
bool SshTunnel::pump(Link& link) {
  auto ch = static_cast<ssh_channel>(link.channel);
  bool moved = false;
  // Server -> client, until the client's socket is full (then its channel waits: back-pressure).
  while (!link.has_pending()) {
    int n = ssh_channel_read_nonblocking(ch, buffer_.data(), static_cast<uint32_t>(buffer_.size()), 0);
    if (n == SSH_ERROR || (n <= 0 && (ssh_channel_is_eof(ch) != 0 || ssh_channel_is_closed(ch) != 0))) {
      close_link(link);
      return true;
    }
    if (n <= 0) break;
    moved = true;
    ssize_t sent = ::send(link.fd, buffer_.data(), static_cast<size_t>(n), MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN) {
      close_link(link);
      return true;
    }
    size_t done = sent < 0 ? 0 : static_cast<size_t>(sent);
    if (done < static_cast<size_t>(n)) {
      link.pending.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(done), buffer_.begin() + n);
      link.pending_pos = 0;
    }
  }
  if (link.has_pending()) {
    ssize_t sent = ::send(link.fd, link.pending.data() + link.pending_pos,
                          link.pending.size() - link.pending_pos, MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN) {
      close_link(link);
      return true;
    }
    if (sent > 0) {
      link.pending_pos += static_cast<size_t>(sent);
      moved = true;
    }
  }
  // Client -> server.
  ssize_t n = ::recv(link.fd, buffer_.data(), buffer_.size(), 0);
  if (n == 0 || (n < 0 && errno != EAGAIN)) {
    close_link(link);
    return true;
  }
  if (n > 0) {
    moved = true;
    if (ssh_channel_write(ch, buffer_.data(), static_cast<uint32_t>(n)) != n) close_link(link);
  }
  return moved;
}

void SshTunnel::run() {
  auto session = static_cast<ssh_session>(session_);
  std::vector<pollfd> fds;
  while (!stop_) {
    bool moved = true;
    // Drain until nothing moves: reading one channel may have queued data for another.
    for (int rounds = 0; moved && rounds < 64 && !stop_; ++rounds) {
      moved = false;
      for (auto& link : links_) moved |= !link->closed && pump(*link);
    }
    std::erase_if(links_, [](const std::unique_ptr<Link>& l) { return l->closed; });
    if (ssh_is_connected(session) == 0) {
      fail_link("SSH tunnel via " + bastion_ + ": the SSH session to the bastion ended");
      alive_ = false;
      for (auto& link : links_) close_link(*link);
      links_.clear();
      return;
    }
    fds.assign({{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}, {ssh_get_fd(session), POLLIN, 0}});
    for (auto& link : links_) {
      fds.push_back({link->fd, static_cast<short>(link->has_pending() ? POLLOUT : POLLIN), 0});
    }
    // The timeout covers data libssh read ahead for a channel drained earlier in the round.
    ::poll(fds.data(), fds.size(), moved ? 0 : (links_.empty() ? 1000 : 20));
    if ((fds[1].revents & POLLIN) != 0) accept_client();
  }
}

}  // namespace sluice::mysql::detail
