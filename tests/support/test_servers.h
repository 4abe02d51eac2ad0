#pragma once
/// Access to the real test servers started by scripts/test.sh (or by a test, via ScopedServer).
/// A test that needs a server and cannot find or start one FAILS: nothing is skipped silently.

#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.h"

namespace sluice::test {

struct ServerInfo {
  std::string name;    ///< e.g. "mariadb", "mysql"
  std::string flavor;  ///< "mariadb" or "mysql"
  std::string host = "127.0.0.1";
  int port = 0;
  std::string dir;    ///< the server's directory (err.log, data/)
  std::string certs;  ///< directory with ca.pem, client-cert.pem, client-key.pem, other-ca.pem
  bool is_mysql() const { return flavor == "mysql"; }
};

/// Users every test server has (see scripts/testserver.sh).
inline constexpr const char* kAdminUser = "root";
inline constexpr const char* kAdminPassword = "rootpw";
inline constexpr const char* kReplUser = "sluice";
inline constexpr const char* kReplPassword = "sluicepw";

/// The shared server NAME started by scripts/test.sh; throws (failing the test) when its
/// environment (SLUICE_<NAME>_PORT...) is missing.
ServerInfo shared_server(std::string_view name);

/// The names of the shared servers every integration test runs against: {"mariadb", "mysql"}.
std::vector<std::string> shared_server_names();

/// A server started for one test (for a variant such as --binlog-format=STATEMENT) and stopped
/// when the object goes out of scope. Throws when it cannot start.
class ScopedServer {
 public:
  ScopedServer(std::string flavor, std::string name, std::vector<std::string> extra_options = {});
  ~ScopedServer();
  ScopedServer(const ScopedServer&) = delete;
  ScopedServer& operator=(const ScopedServer&) = delete;
  const ServerInfo& info() const { return info_; }

 private:
  ServerInfo info_;
};

/// Runs SQL as the admin user through the `mariadb` command-line client (an independent client).
/// Returns stdout (tab-separated, no headers); throws with the client's stderr on failure.
std::string admin_sql(const ServerInfo& server, const std::string& sql, const std::string& database = "");

/// Rolls back, at scope exit, the XA transactions named that are still prepared: a failed test
/// must not leave their locks to the tests after it.
class XaCleanup {
 public:
  XaCleanup(ServerInfo server, std::vector<std::string> xids)
      : server_(std::move(server)), xids_(std::move(xids)) {}
  ~XaCleanup();
  XaCleanup(const XaCleanup&) = delete;
  XaCleanup& operator=(const XaCleanup&) = delete;

 private:
  ServerInfo server_;
  std::vector<std::string> xids_;
};

/// PURGE BINARY LOGS TO `file`, retried until SHOW BINARY LOGS no longer lists older files (a
/// just-closed reader's dump thread holds its file for a moment). Throws after 20 s.
void purge_binary_logs_to(const ServerInfo& server, const std::string& file);

/// The size in bytes of the largest event of `type` (SHOW BINLOG EVENTS' Event_type, e.g.
/// "Transaction_payload") in the binlog `file`; 0 when it holds none.
uint64_t largest_binlog_event(const ServerInfo& server, const std::string& file, const std::string& type);

/// Connection options for `server`'s admin user (root), for tests that drive the server through
/// sluice's own client (e.g. background writers).
mysql::ConnectOptions admin_connect_options(const ServerInfo& server);

/// Writes a Singer-style config.json for `server` into a temp file and returns its path.
std::string write_config(const ServerInfo& server, const std::string& extra_json_fields = "",
                         const std::string& user = kReplUser, const std::string& password = kReplPassword);

}  // namespace sluice::test
