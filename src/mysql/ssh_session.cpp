// Connecting to the SSH bastion: host key verification against known_hosts, then public-key
// authentication (a key file, with its passphrase, or the agent). Each failure is one line.
#include <libssh/libssh.h>

#include <memory>
#include <mutex>

#include "mysql/ssh_tunnel.h"

namespace sluice::mysql::detail {
namespace {

using core::ErrorCode;

struct SessionCloser {
  void operator()(ssh_session s) const { close_ssh_session(s); }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionCloser>;

core::Error ssh_failure(const SshTunnelOptions& o, const std::string& what, bool retryable = false) {
  return core::Error{ErrorCode::kConnect, "SSH tunnel via " + bastion_name(o) + ": " + what, retryable};
}

// "SHA256:..." of the bastion's host key, "" when unavailable.
std::string host_key_fingerprint(ssh_session s) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK) return "";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == SSH_OK) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (text != nullptr) out = text;
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

std::string known_hosts_entry(const SshTunnelOptions& o) {
  return o.port == 22 ? o.host : "[" + o.host + "]:" + std::to_string(o.port);
}

core::Status verify_host_key(ssh_session s, const SshTunnelOptions& o) {
  std::string fp = host_key_fingerprint(s);
  std::string file = "known_hosts_file " + o.known_hosts_file;
  switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
      return core::ok();
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return core::fail(ssh_failure(
          o,
          "the bastion's host key (" + fp + ") differs from the one " + file + " has for " +
              known_hosts_entry(o) +
              ": someone may be intercepting the connection; if the bastion's key was replaced on purpose, "
              "remove its line (ssh-keygen -R '" +
              known_hosts_entry(o) + "' -f " + o.known_hosts_file + ") and add the new one"));
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (o.host_key_check == SshTunnelOptions::HostKeyCheck::kAcceptNew) {
        if (ssh_session_update_known_hosts(s) == SSH_OK) return core::ok();
        return core::fail(
            ssh_failure(o, "cannot add the bastion's host key to " + file + ": " + ssh_get_error(s)));
      }
      return core::fail(ssh_failure(
          o, "the bastion's host key (" + fp + ") is not in " + file +
                 ": check the fingerprint with the bastion's administrator, then add it (ssh-keyscan -p " +
                 std::to_string(o.port) + " " + o.host + " >> " + o.known_hosts_file +
                 "), or set ssh_tunnel.host_key_check to accept_new"));
    default:
      return core::fail(
          ssh_failure(o, "cannot check the bastion's host key against " + file + ": " + ssh_get_error(s)));
  }
}

core::Status authenticate_with_key(ssh_session s, const SshTunnelOptions& o) {
  ssh_key key = nullptr;
  const char* passphrase = o.passphrase.empty() ? nullptr : o.passphrase.c_str();
  int rc = ssh_pki_import_privkey_file(o.private_key_file.c_str(), passphrase, nullptr, nullptr, &key);
  if (rc == SSH_EOF) {
    return core::fail(ssh_failure(o, "cannot read ssh_tunnel.private_key_file " + o.private_key_file +
                                         ": check the path and its permissions"));
  }
  if (rc != SSH_OK) {
    std::string fix = o.passphrase.empty() ? "it is encrypted: set ssh_tunnel.private_key_passphrase"
                                           : "the passphrase (ssh_tunnel.private_key_passphrase) is wrong";
    return core::fail(ssh_failure(o, "cannot load the private key " + o.private_key_file + ": " + fix +
                                         ", or the file is not a private key"));
  }
  rc = ssh_userauth_publickey(s, nullptr, key);
  ssh_key_free(key);
  if (rc == SSH_AUTH_SUCCESS) return core::ok();
  return core::fail(
      ssh_failure(o, "the bastion refused the key " + o.private_key_file + " for user '" + o.user +
                         "': add its public key to that user's authorized_keys on the bastion"));
}

core::Status authenticate(ssh_session s, const SshTunnelOptions& o) {
  if (!o.use_agent) return authenticate_with_key(s, o);
  if (ssh_userauth_agent(s, nullptr) == SSH_AUTH_SUCCESS) return core::ok();
  return core::fail(ssh_failure(o, "the bastion accepted none of the ssh agent's keys for user '" + o.user +
                                       "' (is SSH_AUTH_SOCK set, and the key added with ssh-add?)"));
}

bool set_options(ssh_session s, const SshTunnelOptions& o, unsigned timeout_s) {
  unsigned port = o.port;
  long timeout = static_cast<long>(timeout_s);
  int no = 0, yes = 1;
  bool ok = ssh_options_set(s, SSH_OPTIONS_HOST, o.host.c_str()) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_PORT, &port) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_USER, o.user.c_str()) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout) == 0;
  // Only the configured known_hosts counts (not ~/.ssh/config, not /etc/ssh/ssh_known_hosts).
  ok &= ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, o.known_hosts_file.c_str()) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, o.known_hosts_file.c_str()) == 0;
  ok &= ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes) == 0;
  return ok;
}

}  // namespace

std::string bastion_name(const SshTunnelOptions& o) {
  return "bastion " + o.user + "@" + o.host + ":" + std::to_string(o.port);
}

void close_ssh_session(void* session) {
  if (session == nullptr) return;
  auto s = static_cast<ssh_session>(session);
  if (ssh_is_connected(s) != 0) ssh_disconnect(s);
  ssh_free(s);
}

core::Result<void*> open_ssh_session(const SshTunnelOptions& o, unsigned timeout_s) {
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
  SessionPtr s(ssh_new());
  if (!s) return core::fail(ErrorCode::kInternal, "ssh_new failed: out of memory");
  if (!set_options(s.get(), o, timeout_s)) {
    return core::fail(ssh_failure(o, std::string("libssh refused an option: ") + ssh_get_error(s.get())));
  }
  if (ssh_connect(s.get()) != SSH_OK) {
    return core::fail(ssh_failure(o,
                                  std::string("cannot connect: ") + ssh_get_error(s.get()) +
                                      "; check ssh_tunnel.host and ssh_tunnel.port and that the bastion "
                                      "is reachable (firewall, security group)",
                                  true));
  }
  if (auto st = verify_host_key(s.get(), o); !st) return core::fail(st.error());
  if (auto st = authenticate(s.get(), o); !st) return core::fail(st.error());
  return static_cast<void*>(s.release());
}

}  // namespace sluice::mysql::detail
