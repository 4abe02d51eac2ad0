// mysql::Connection against the real test servers: each TLS mode works (and really encrypts),
// each bad case fails with one clear line, within the configured timeout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "mysql/connect_error.h"
#include "mysql/connection.h"
#include "support/test_servers.h"

namespace sluice::mysql {
namespace {

using core::ErrorCode;
using test::ServerInfo;

ConnectOptions options_for(const ServerInfo& s, SslMode mode, const std::string& user = test::kReplUser,
                           const std::string& password = test::kReplPassword) {
  ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = user;
  o.password = password;
  o.ssl_mode = mode;
  o.connect_timeout_s = 5;
  return o;
}

// The TLS version the server reports for this session ("" when not encrypted).
std::string session_ssl_version(Connection& c) {
  auto rows = c.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
  EXPECT_TRUE(rows) << rows.error().message;
  if (!rows || rows->empty() || !(*rows)[0][1]) return "";
  return *(*rows)[0][1];
}

std::unique_ptr<Connection> connect_ok(const ConnectOptions& o) {
  auto c = Connection::connect(o);
  EXPECT_TRUE(c) << c.error().message;
  return c ? std::move(*c) : nullptr;
}

core::Error connect_fails(const ConnectOptions& o) {
  auto c = Connection::connect(o);
  EXPECT_FALSE(c) << "connected, but should have failed";
  if (c) return core::Error{};
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find(o.password), std::string::npos) << c.error().message;
  return c.error();
}

class ConnectTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerInfo server() const { return test::shared_server(GetParam()); }
};

TEST_P(ConnectTest, IdentityAndSession) {
  ServerInfo s = server();
  auto c = connect_ok(options_for(s, SslMode::kPreferred));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->server().flavor, s.is_mysql() ? Flavor::kMySQL : Flavor::kMariaDB);
  std::string version = test::admin_sql(s, "SELECT VERSION();");
  EXPECT_EQ(c->server().version + "\n", version);
  EXPECT_EQ(std::to_string(c->server().major) + "." + std::to_string(c->server().minor) + "." +
                std::to_string(c->server().patch),
            version.substr(0, version.find_first_not_of("0123456789.")));
  EXPECT_EQ(c->query_value("SELECT @@session.time_zone").value(), "+00:00");
  EXPECT_EQ(c->query_value("SELECT @@character_set_client").value(), "utf8mb4");
  EXPECT_EQ(c->query_value("SELECT @@character_set_results").value(), "utf8mb4");
  EXPECT_EQ(c->query_value("SELECT @@session.net_read_timeout").value(), "3600");
}

TEST_P(ConnectTest, DisabledIsPlainText) {
  auto c = connect_ok(options_for(server(), SslMode::kDisabled));
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->server().tls);
  EXPECT_EQ(session_ssl_version(*c), "");
}

TEST_P(ConnectTest, EveryEncryptingModeEncrypts) {
  ServerInfo s = server();
  for (SslMode mode : {SslMode::kPreferred, SslMode::kRequired, SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    SCOPED_TRACE(std::string(ssl_mode_name(mode)));
    ConnectOptions o = options_for(s, mode);
    o.ssl_ca = s.certs + "/ca.pem";
    auto c = connect_ok(o);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->server().tls);
    std::string v = session_ssl_version(*c);
    EXPECT_EQ(v.rfind("TLSv1.", 0), 0U) << v;
    EXPECT_EQ(c->server().tls_version, v);
  }
}

TEST_P(ConnectTest, VerifyIdentityByName) {
  ServerInfo s = server();
  ConnectOptions o = options_for(s, SslMode::kVerifyIdentity);
  o.host = "localhost";  // in the certificate's subjectAltName, resolves to 127.0.0.1 (/etc/hosts)
  o.ssl_ca = s.certs + "/ca.pem";
  auto c = connect_ok(o);
  ASSERT_TRUE(c);
  EXPECT_NE(session_ssl_version(*c), "");
}

TEST_P(ConnectTest, ClientCertificateForRequireSslUser) {
  ServerInfo s = server();
  ConnectOptions o = options_for(s, SslMode::kVerifyCa, "sluice_tls");
  o.ssl_ca = s.certs + "/ca.pem";
  o.ssl_cert = s.certs + "/client-cert.pem";
  o.ssl_key = s.certs + "/client-key.pem";
  auto c = connect_ok(o);
  ASSERT_TRUE(c);
  EXPECT_NE(session_ssl_version(*c), "");
  EXPECT_EQ(c->query_value("SELECT CURRENT_USER()").value().value_or("").rfind("sluice_tls@", 0), 0U);
}

TEST_P(ConnectTest, WrongCaDoesNotVerify) {
  ServerInfo s = server();
  for (SslMode mode : {SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    ConnectOptions o = options_for(s, mode);
    o.ssl_ca = s.certs + "/other-ca.pem";
    core::Error e = connect_fails(o);
    EXPECT_EQ(e.code, ErrorCode::kTls) << e.message;
    EXPECT_NE(e.message.find("does not verify against ssl_ca " + o.ssl_ca), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("set ssl_ca to the CA that signed"), std::string::npos) << e.message;
  }
}

TEST_P(ConnectTest, WrongPassword) {
  ServerInfo s = server();
  ConnectOptions o = options_for(s, SslMode::kPreferred, test::kReplUser, "Wr0ngPassw0rd");
  core::Error e = connect_fails(o);
  EXPECT_EQ(e.code, ErrorCode::kAuth) << e.message;
  EXPECT_FALSE(e.retryable);
  EXPECT_NE(e.message.find("access denied for 'sluice'@'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("the password is wrong"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("grants"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(std::to_string(s.port)), std::string::npos) << e.message;
}

TEST_P(ConnectTest, WrongPasswordWithTlsDisabled) {
  // The access-denied probe over TLS must not turn a wrong password into a TLS message.
  ConnectOptions o = options_for(server(), SslMode::kDisabled, test::kReplUser, "Wr0ngPassw0rd");
  core::Error e = connect_fails(o);
  EXPECT_EQ(e.code, ErrorCode::kAuth) << e.message;
  EXPECT_NE(e.message.find("the password is wrong"), std::string::npos) << e.message;
}

TEST_P(ConnectTest, RequireSslUserWithTlsDisabled) {
  ConnectOptions o = options_for(server(), SslMode::kDisabled, "sluice_tls");
  core::Error e = connect_fails(o);
  EXPECT_EQ(e.code, ErrorCode::kTls) << e.message;
  EXPECT_NE(e.message.find("'sluice_tls'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("requires TLS"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("set ssl_mode to required"), std::string::npos) << e.message;
}

TEST_P(ConnectTest, UnknownDatabase) {
  ConnectOptions o = options_for(server(), SslMode::kPreferred);
  o.database = "no_such_db_here";
  core::Error e = connect_fails(o);
  EXPECT_EQ(e.code, ErrorCode::kNotFound) << e.message;
  EXPECT_NE(e.message.find("database 'no_such_db_here' does not exist"), std::string::npos) << e.message;
}

TEST_P(ConnectTest, SessionSqls) {
  ConnectOptions o = options_for(server(), SslMode::kPreferred);
  o.session_sqls = {"SET @sluice_probe = 42", "SET SESSION sql_mode = 'ANSI_QUOTES'"};
  auto c = connect_ok(o);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->query_value("SELECT @sluice_probe").value(), "42");
  EXPECT_EQ(c->query_value("SELECT @@session.sql_mode").value(), "ANSI_QUOTES");
  o.session_sqls = {"SET SESSION no_such_variable = 1"};
  core::Error e = connect_fails(o);
  EXPECT_EQ(e.code, ErrorCode::kServer) << e.message;
  EXPECT_EQ(e.message.rfind("session_sqls (fix or remove the statement in the config): running `SET SESSION "
                            "no_such_variable = 1`",
                            0),
            0U)
      << e.message;
}

TEST_P(ConnectTest, FourByteUtf8RoundTrips) {
  auto c = connect_ok(options_for(server(), SslMode::kPreferred));
  ASSERT_TRUE(c);
  const std::string text = "snow \xE2\x98\x83 face \xF0\x9F\x98\x80 han \xF0\xA0\x80\x80";
  auto rows = c->query("SELECT " + c->quote_string(text) + ", HEX(" + c->quote_string(text) + ")");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ((*rows)[0][0].value(), text);
  EXPECT_EQ((*rows)[0][1].value(), "736E6F7720E29883206661636520F09F98802068616E20F0A08080");
  // Through a table stored by the server, read back by an independent client.
  test::admin_sql(server(), "CREATE DATABASE IF NOT EXISTS conn_t; DROP TABLE IF EXISTS conn_t.u;"
                            "CREATE TABLE conn_t.u (id INT PRIMARY KEY, s VARCHAR(50)) CHARACTER SET utf8mb4;"
                            "GRANT INSERT, DELETE ON conn_t.* TO 'sluice'@'%';");
  ASSERT_TRUE(c->execute("INSERT INTO conn_t.u VALUES (1, " + c->quote_string(text) + ")"));
  EXPECT_EQ(test::admin_sql(server(), "SELECT HEX(s) FROM conn_t.u WHERE id = 1"),
            "736E6F7720E29883206661636520F09F98802068616E20F0A08080\n");
  EXPECT_EQ(c->query_value("SELECT s FROM conn_t.u WHERE id = 1").value(), text);
}

TEST_P(ConnectTest, StreamingResult) {
  auto c = connect_ok(options_for(server(), SslMode::kPreferred));
  ASSERT_TRUE(c);
  std::string sql =
      "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50000) "
      "SELECT n, IF(n % 2 = 0, NULL, CONCAT('row', n)) AS label FROM seq";
  ASSERT_TRUE(c->execute(server().is_mysql() ? "SET SESSION cte_max_recursion_depth = 100000"
                                              : "SET SESSION max_recursive_iterations = 100000"));
  auto stream = c->query_stream(sql);
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_EQ(stream->columns(), (std::vector<std::string>{"n", "label"}));
  Row row;
  uint64_t count = 0, sum = 0;
  while (true) {
    auto more = stream->next(row);
    ASSERT_TRUE(more) << more.error().message;
    if (!*more) break;
    ++count;
    uint64_t n = std::stoull(std::string(*row[0]));
    sum += n;
    if (n % 2 == 0) {
      EXPECT_FALSE(row[1].has_value());
    } else {
      EXPECT_EQ(*row[1], "row" + std::to_string(n));
    }
  }
  EXPECT_EQ(count, 50000U);
  EXPECT_EQ(sum, 50000ULL * 50001 / 2);
}

TEST_P(ConnectTest, AbandonedStreamLeavesConnectionUsable) {
  auto c = connect_ok(options_for(server(), SslMode::kPreferred));
  ASSERT_TRUE(c);
  {
    auto stream = c->query_stream("SELECT table_name FROM information_schema.columns");
    ASSERT_TRUE(stream) << stream.error().message;
    Row row;
    ASSERT_TRUE(stream->next(row).value());
  }
  EXPECT_EQ(c->query_value("SELECT 7").value(), "7");
}

TEST_P(ConnectTest, QueryErrors) {
  auto c = connect_ok(options_for(server(), SslMode::kPreferred));
  ASSERT_TRUE(c);
  auto missing = c->query("SELECT * FROM mysql.no_such_table_here");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("no_such_table_here"), std::string::npos);
  auto denied = c->execute("CREATE DATABASE sluice_not_allowed");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPrivilege) << denied.error().message;
  EXPECT_EQ(c->query_value("SELECT 1").value(), "1");
}

TEST(ConnectNoTls, RequiredModesRefuseAServerWithoutTls) {
  test::ScopedServer plain("mariadb", "conn-notls", {"--skip-ssl"});
  const ServerInfo& s = plain.info();
  auto preferred = connect_ok(options_for(s, SslMode::kPreferred));
  ASSERT_TRUE(preferred);
  EXPECT_FALSE(preferred->server().tls);
  EXPECT_EQ(session_ssl_version(*preferred), "");
  for (SslMode mode : {SslMode::kRequired, SslMode::kVerifyCa, SslMode::kVerifyIdentity}) {
    SCOPED_TRACE(std::string(ssl_mode_name(mode)));
    ConnectOptions o = options_for(s, mode);
    o.ssl_ca = s.certs + "/ca.pem";
    core::Error e = connect_fails(o);
    EXPECT_EQ(e.code, ErrorCode::kTls) << e.message;
    EXPECT_NE(e.message.find("does not offer TLS, but ssl_mode is " + std::string(ssl_mode_name(mode))),
              std::string::npos)
        << e.message;
    EXPECT_NE(e.message.find("enable TLS on the server or set ssl_mode to preferred"), std::string::npos) << e.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Both, ConnectTest, ::testing::ValuesIn(test::shared_server_names()));

// --- failures that need no server ---

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A loopback TCP socket bound to a free port; listening or not.
struct LoopbackSocket {
  int fd = -1;
  uint16_t port = 0;
  explicit LoopbackSocket(bool listen_on) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    if (listen_on) {
      EXPECT_EQ(::listen(fd, 8), 0);
    }
  }
  ~LoopbackSocket() { ::close(fd); }
};

TEST(ConnectFailure, ClosedPortFailsFast) {
  LoopbackSocket bound(false);  // bound, not listening: connections are refused
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = bound.port;
  o.user = "u";
  o.password = "secretpw";
  o.connect_timeout_s = 10;
  auto start = std::chrono::steady_clock::now();
  auto c = Connection::connect(o);
  ASSERT_FALSE(c);
  EXPECT_LT(seconds_since(start), 2.0);
  EXPECT_EQ(c.error().code, ErrorCode::kConnect);
  EXPECT_TRUE(c.error().retryable);
  EXPECT_EQ(c.error().message, "connection refused by 127.0.0.1:" + std::to_string(o.port) +
                                   ": no server listens there; check 'host' and 'port' and that the server is running");
}

TEST(ConnectFailure, SilentListenerTimesOutWithinConnectTimeout) {
  LoopbackSocket silent(true);  // the kernel accepts; nobody ever sends the greeting
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = silent.port;
  o.user = "u";
  o.password = "secretpw";
  o.connect_timeout_s = 2;
  auto start = std::chrono::steady_clock::now();
  auto c = Connection::connect(o);
  double elapsed = seconds_since(start);
  ASSERT_FALSE(c);
  EXPECT_GE(elapsed, 1.5);
  EXPECT_LT(elapsed, 5.0);
  EXPECT_EQ(c.error().code, ErrorCode::kConnect) << c.error().message;
  EXPECT_TRUE(c.error().retryable);
  EXPECT_NE(c.error().message.find("no answer from 127.0.0.1:" + std::to_string(o.port) + " within connect_timeout (2 s)"),
            std::string::npos)
      << c.error().message;
}

TEST(ConnectFailure, DnsFailureMessage) {
  // Resolving a name would send a query to a non-loopback resolver, so the library's error is given.
  ConnectOptions o;
  o.host = "db.example.invalid";
  o.port = 3306;
  core::Error e = detail::connect_error(o, {2005, "Unknown server host 'db.example.invalid' (-2)"});
  EXPECT_EQ(e.code, ErrorCode::kConnect);
  EXPECT_EQ(e.message, "cannot resolve host 'db.example.invalid' (DNS): check 'host' in the config");
}

}  // namespace
}  // namespace sluice::mysql
