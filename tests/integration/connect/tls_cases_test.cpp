// The TLS cases beyond the five ssl_modes: accounts that REQUIRE X509 or a SUBJECT, an expired
// server certificate, a client certificate the server does not accept, and verify_identity
// through an SSH tunnel (the certificate is checked against the configured host, not the
// tunnel's 127.0.0.1). Each failure is one line naming the problem.
#include <gtest/gtest.h>

#include "mysql/connection.h"
#include "support/ssh_test_server.h"
#include "support/test_servers.h"

namespace sluice::mysql {
namespace {

using test::ServerInfo;

ConnectOptions tls_options(const ServerInfo& s, const std::string& user, const std::string& cert = "client") {
  ConnectOptions o;
  o.host = s.host;
  o.port = static_cast<uint16_t>(s.port);
  o.user = user;
  o.password = test::kReplPassword;
  o.ssl_mode = SslMode::kVerifyCa;
  o.ssl_ca = s.certs + "/ca.pem";
  if (!cert.empty()) {
    o.ssl_cert = s.certs + "/" + cert + "-cert.pem";
    o.ssl_key = s.certs + "/" + cert + "-key.pem";
  }
  o.connect_timeout_s = 5;
  return o;
}

std::string fails_with(const ConnectOptions& o) {
  auto c = Connection::connect(o);
  EXPECT_FALSE(c) << "connected, but should have failed";
  if (c) return "";
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find(o.password), std::string::npos) << c.error().message;
  return c.error().message;
}

std::string current_user(const ConnectOptions& o) {
  auto c = Connection::connect(o);
  EXPECT_TRUE(c) << c.error().message;
  return c ? (*c)->query_value("SELECT CURRENT_USER()").value().value_or("") : "";
}

class TlsAccountTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    s_ = test::shared_server(GetParam());
    test::admin_sql(s_,
                    "SET SESSION sql_log_bin=0;"
                    "DROP USER IF EXISTS 'sluice_x509'@'%', 'sluice_subject'@'%';"
                    "CREATE USER 'sluice_x509'@'%' IDENTIFIED BY 'sluicepw' REQUIRE X509;"
                    "CREATE USER 'sluice_subject'@'%' IDENTIFIED BY 'sluicepw' "
                    "REQUIRE SUBJECT '/O=sluice-test/CN=sluice client';"
                    "GRANT SELECT ON *.* TO 'sluice_x509'@'%', 'sluice_subject'@'%';");
  }
  ServerInfo s_;
};

TEST_P(TlsAccountTest, RequireX509) {
  EXPECT_EQ(current_user(tls_options(s_, "sluice_x509")), "sluice_x509@%");
  std::string line = fails_with(tls_options(s_, "sluice_x509", ""));
  EXPECT_NE(line.find("access denied for 'sluice_x509'@"), std::string::npos) << line;
  EXPECT_NE(
      line.find("requires a client certificate (REQUIRE X509, SUBJECT or ISSUER) and no ssl_cert is set"),
      std::string::npos)
      << line;
}

TEST_P(TlsAccountTest, RequireSubject) {
  EXPECT_EQ(current_user(tls_options(s_, "sluice_subject")), "sluice_subject@%");
  std::string without = fails_with(tls_options(s_, "sluice_subject", ""));
  EXPECT_NE(without.find("REQUIRE X509, SUBJECT or ISSUER"), std::string::npos) << without;
  // Another certificate of the same CA, with another subject: the line shows the one sent.
  std::string other = fails_with(tls_options(s_, "sluice_subject", "client2"));
  EXPECT_NE(
      other.find("its REQUIRE SUBJECT / ISSUER does not match the client certificate ssl_cert " + s_.certs +
                 "/client2-cert.pem (subject '/O=sluice-test/CN=sluice other client', issuer "
                 "'/O=sluice-test/CN=sluice test CA')"),
      std::string::npos)
      << other;
}

TEST_P(TlsAccountTest, ClientCertificateTheServerDoesNotAccept) {
  std::string line = fails_with(tls_options(s_, test::kReplUser, "other-client"));
  EXPECT_NE(
      line.find("did not accept the client certificate (ssl_cert " + s_.certs + "/other-client-cert.pem)"),
      std::string::npos)
      << line;
}

INSTANTIATE_TEST_SUITE_P(Both, TlsAccountTest, ::testing::ValuesIn(test::shared_server_names()));

TEST(TlsCertificate, ExpiredServerCertificate) {
  std::string certs = test::shared_server("mariadb").certs;
  test::ScopedServer expired(
      "mariadb", "tls-expired",
      {"--ssl-cert=" + certs + "/expired-server-cert.pem", "--ssl-key=" + certs + "/expired-server-key.pem"});
  ConnectOptions o = tls_options(expired.info(), test::kReplUser, "");
  std::string line = fails_with(o);
  EXPECT_NE(line.find("the TLS certificate of 127.0.0.1:" + std::to_string(expired.info().port) +
                      " has expired: renew the server's certificate"),
            std::string::npos)
      << line;
  o.ssl_mode = SslMode::kRequired;  // no verification asked: it connects, encrypted
  auto c = Connection::connect(o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE((*c)->server().tls);
}

// verify_identity through a tunnel: Connector/C connects to 127.0.0.1, sluice checks the name.
TEST(TlsCertificate, VerifyIdentityThroughSshTunnelChecksTheConfiguredHost) {
  test::ScopedSshServer bastion("tls-bastion");
  ServerInfo s = test::shared_server("mariadb");
  ConnectOptions o = tls_options(s, test::kReplUser, "");
  o.ssl_mode = SslMode::kVerifyIdentity;
  o.ssh_tunnel = SshTunnelOptions{};
  o.ssh_tunnel->host = "127.0.0.1";
  o.ssh_tunnel->port = static_cast<uint16_t>(bastion.port());
  o.ssh_tunnel->user = bastion.user();
  o.ssh_tunnel->private_key_file = bastion.dir() + "/user_key";
  o.ssh_tunnel->known_hosts_file = bastion.dir() + "/known_hosts";
  o.host = "localhost";  // in the certificate's subjectAltName
  int before = bastion.forwarded_connections();
  auto c = Connection::connect(o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE((*c)->server().tls);
  c->reset();
  EXPECT_EQ(bastion.forwarded_connections(), before + 1);
  // "127.1" reaches the same server (the bastion resolves it to 127.0.0.1) but is not a name
  // the certificate lists.
  o.host = "127.1";
  std::string line = fails_with(o);
  EXPECT_NE(line.find("(reached through the SSH tunnel) does not name host '127.1'"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace sluice::mysql
