#pragma once
/// A client-protocol connection to MySQL or MariaDB (MariaDB Connector/C underneath):
/// TLS modes, timeouts, session setup (time_zone '+00:00', utf8mb4), queries and
/// streaming result sets. One connection is used by one thread at a time.
///
/// Errors come back as core::Error with a message that names the problem and the fix
/// (wrong host, closed port, wrong password, TLS refused, certificate not verified) and
/// never contain the password.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

struct st_mysql;
namespace sluice::mysql::detail {
class SshTunnel;
}
struct st_mysql_res;

namespace sluice::mysql {

enum class SslMode : uint8_t {
  kDisabled = 0,        ///< never TLS
  kPreferred = 1,       ///< TLS when the server offers it, no verification
  kRequired = 2,        ///< TLS or fail, no certificate verification
  kVerifyCa = 3,        ///< TLS, server certificate must chain to ssl_ca
  kVerifyIdentity = 4,  ///< kVerifyCa + host name must match the certificate
};

/// How sluice reaches the server through an SSH bastion (config section `ssh_tunnel`,
/// docs/configuration.md). Every connection made with these options goes through one shared
/// tunnel per bastion and server (ssh_tunnel.h); the server's host and port are resolved by the
/// bastion.
struct SshTunnelOptions {
  enum class HostKeyCheck : uint8_t {
    kStrict = 0,     ///< the bastion's key must be in known_hosts_file already
    kAcceptNew = 1,  ///< an unknown bastion is added to known_hosts_file; a changed key still fails
  };
  std::string host;  ///< the bastion
  uint16_t port = 22;
  std::string user;
  std::string private_key_file;  ///< OpenSSH or PEM private key; empty: use the ssh agent
  std::string passphrase;        ///< of private_key_file; never logged
  bool use_agent = false;        ///< authenticate with the keys of $SSH_AUTH_SOCK
  std::string known_hosts_file;  ///< OpenSSH known_hosts of the bastion's host key
  HostKeyCheck host_key_check = HostKeyCheck::kStrict;
};

struct ConnectOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string user;
  std::string password;  ///< never logged
  std::string database;  ///< optional default database
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;    ///< PEM file of the CA
  std::string ssl_cert;  ///< client certificate (PEM), optional
  std::string ssl_key;   ///< client key (PEM), optional
  unsigned connect_timeout_s = 10;
  unsigned read_timeout_s = 3600;  ///< long: big extracts wait on the server
  unsigned write_timeout_s = 600;
  /// Statements run after the built-in session setup, in order (config key session_sqls).
  std::vector<std::string> session_sqls;
  /// Connect through this SSH bastion (config `ssh_tunnel`); none: directly.
  std::optional<SshTunnelOptions> ssh_tunnel;
};

/// A one-line description of `options` for logs and `--verbose`; the password is never shown.
std::string describe(const ConnectOptions& options);
/// The config spelling of `mode`: "disabled", "preferred", "required", "verify_ca", "verify_identity".
std::string_view ssl_mode_name(SslMode mode);

enum class Flavor : uint8_t { kMySQL = 0, kMariaDB = 1 };

/// What the server said about itself at connect time.
struct ServerIdentity {
  Flavor flavor = Flavor::kMySQL;
  std::string version;    ///< e.g. "10.11.6-MariaDB-0+deb12u1", "9.7.4-2"
  uint32_t major = 0, minor = 0, patch = 0;
  bool tls = false;       ///< this connection is encrypted
  std::string tls_version;
};

/// One row of a result: NULL is std::nullopt. Views are valid until the next fetch.
using Row = std::vector<std::optional<std::string_view>>;
/// A fully materialised small result (SHOW ..., information_schema): owns its strings.
using OwnedRow = std::vector<std::optional<std::string>>;

/// A result set streamed row by row from the server (mysql_use_result): bounded memory.
class StreamingResult {
 public:
  StreamingResult(st_mysql* conn, st_mysql_res* res);
  ~StreamingResult();
  StreamingResult(StreamingResult&&) noexcept;
  StreamingResult& operator=(StreamingResult&&) = delete;
  StreamingResult(const StreamingResult&) = delete;

  /// Column names of the result.
  const std::vector<std::string>& columns() const { return columns_; }
  /// Fetches the next row into `row`; false at the end. Views stay valid until the next call.
  core::Result<bool> next(Row& row);

 private:
  st_mysql* conn_;
  st_mysql_res* res_;
  std::vector<std::string> columns_;
};

class Connection {
 public:
  /// Connects, sets up the session (time_zone '+00:00', utf8mb4, long net timeouts).
  static core::Result<std::unique_ptr<Connection>> connect(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const ServerIdentity& server() const { return server_; }
  const ConnectOptions& options() const { return options_; }

  /// Runs a statement, discarding any result.
  core::Status execute(std::string_view sql);
  /// Runs a query and returns all rows (for small results only).
  core::Result<std::vector<OwnedRow>> query(std::string_view sql);
  /// Like query(), also returning column names.
  core::Result<std::vector<OwnedRow>> query(std::string_view sql, std::vector<std::string>& columns);
  /// Runs a query whose rows are streamed; the connection is busy until the result is destroyed.
  core::Result<StreamingResult> query_stream(std::string_view sql);
  /// A single value of a one-row query, nullopt when no row or NULL.
  core::Result<std::optional<std::string>> query_value(std::string_view sql);

  /// Rows the last execute() changed, summed over its statements (an UPDATE counts only rows it
  /// changed).
  uint64_t affected_rows() const { return affected_rows_; }
  /// Like affected_rows(), but an UPDATE counts the rows it found, changed or not.
  uint64_t matched_rows() const { return matched_rows_; }
  /// matched_rows() of each statement the last execute() ran, in order (a multi-statement
  /// packet stops at its first failed statement: that one and the rest are not listed).
  const std::vector<uint64_t>& matched_each() const { return matched_each_; }
  /// Lets one execute() carry several statements separated by ';' (CLIENT_MULTI_STATEMENTS).
  core::Status enable_multi_statements();
  /// The server's error number of the last failed call (0: none), e.g. 1050 table exists.
  unsigned last_errno();
  /// From now on, `observer` gets the SQL of every execute() and query*() call on this
  /// connection (a job's extraction log), before it runs; empty: none. Called on the caller's
  /// thread.
  void observe_queries(std::function<void(std::string_view)> observer) { observer_ = std::move(observer); }

  /// `name` quoted with backticks for use as an identifier (backticks doubled).
  static std::string quote_identifier(std::string_view name);
  /// `value` as a single-quoted SQL string literal, escaped for this connection's charset.
  std::string quote_string(std::string_view value);

  /// The underlying handle, for the replication stream in this module only.
  st_mysql* handle() { return conn_; }

  /// The server's error for the last failed call on this connection, as a core::Error whose
  /// message starts with `context` (for code in this module that calls the C API directly).
  core::Error last_error(std::string_view context);

 private:
  Connection(st_mysql* conn, ConnectOptions options);
  st_mysql* conn_;
  uint64_t affected_rows_ = 0;
  uint64_t matched_rows_ = 0;
  std::vector<uint64_t> matched_each_;
  /// The tunnel this connection goes through (shared with the process's other connections to
  /// the same server), released after conn_ is closed.
  std::shared_ptr<detail::SshTunnel> tunnel_;
  ConnectOptions options_;
  ServerIdentity server_;
  std::function<void(std::string_view)> observer_;
};

}  // namespace sluice::mysql
