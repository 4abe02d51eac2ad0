// Every MySQL connection through an SSH bastion (a real sshd on loopback, scripts/sshserver.sh):
// discovery, a parallel snapshot, the log-based catch-up and `binlog stream` deliver rows equal to
// SELECT, and the bastion's log shows the connections went through it; each way the tunnel can
// fail gives one line and a non-zero exit, never the passphrase.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "integration/sync/sync_support.h"
#include "support/ssh_test_server.h"

namespace sluice::test::sync {
namespace {

const char* kSchema = R"SQL(
DROP DATABASE IF EXISTS ssh_t;
CREATE DATABASE ssh_t CHARACTER SET utf8mb4;
CREATE TABLE ssh_t.t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), d DECIMAL(12,2));
USE ssh_t;
INSERT INTO ssh_t.t SELECT seq, CONCAT('row ', seq, ' é'), seq / 100 FROM seq_1_to_3000;
)SQL";

// The MySQL test server has no sequence engine: 3000 rows from a cross join.
const char* kMySqlRows = R"SQL(
INSERT INTO ssh_t.t SELECT n, CONCAT('row ', n, ' é'), n / 100 FROM
 (SELECT a.i * 1000 + b.i * 100 + c.i * 10 + d.i + 1 AS n FROM
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2) a,
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) b,
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) c,
  (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) d) s;
)SQL";

ScopedSshServer& bastion() {
  static ScopedSshServer server("tunnel-bastion");  // one per test binary, stopped at its exit
  return server;
}

// A DECIMAL as a number, for comparing "1.50" (SELECT) with 1.5 (a Singer record).
std::string number(double d) { return nlohmann::json(d).dump(); }

// "id\tv\td" lines of SELECT, d as a number.
std::string select_rows(const ServerInfo& s, const std::string& where = "") {
  std::string out;
  for (const std::string& line :
       split_lines(admin_sql(s, "SELECT id, v, d FROM ssh_t.t " + where + " ORDER BY id"))) {
    out += line.substr(0, line.rfind('\t') + 1) + number(std::stod(line.substr(line.rfind('\t') + 1))) + "\n";
  }
  return out;
}

std::string rows_of_records(std::vector<nlohmann::json> records) {
  std::sort(records.begin(), records.end(),
            [](const nlohmann::json& a, const nlohmann::json& b) { return a["id"] < b["id"]; });
  std::string out;
  for (const auto& r : records) {
    out += std::to_string(r["id"].get<int64_t>()) + "\t" + r["v"].get<std::string>() + "\t" +
           number(r["d"].is_string() ? std::stod(r["d"].get<std::string>()) : r["d"].get<double>()) + "\n";
  }
  return out;
}

class SshTunnelTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    if (server_.is_mysql()) {
      admin_sql(server_,
                "DROP DATABASE IF EXISTS ssh_t; CREATE DATABASE ssh_t CHARACTER SET utf8mb4;"
                "CREATE TABLE ssh_t.t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), d DECIMAL(12,2));");
      admin_sql(server_, kMySqlRows);
    } else {
      admin_sql(server_, kSchema);
    }
    config_ = write_config(server_, "\"filter_dbs\": \"ssh_t\", \"server_id\": 7702, \"ssh_tunnel\": " +
                                        bastion().tunnel_json());
  }
  ServerInfo server_;
  std::string config_;
};

TEST_P(SshTunnelTest, ParallelSnapshotAndCatchUpEqualSelect) {
  int before = bastion().forwarded_connections();
  std::string catalog = make_catalog(config_, "ssh_t", {{"t", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog, "", {"--threads", "3", "--chunk-rows", "500"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(rows_of_records(first.records("t")), select_rows(server_));
  // discover, the job's connections and the snapshot workers: all through the bastion.
  EXPECT_GE(bastion().forwarded_connections() - before, 4);
  admin_sql(server_,
            "INSERT INTO ssh_t.t VALUES (5000, 'new', 1.5); UPDATE ssh_t.t SET v = 'changed' WHERE id = 7;"
            "DELETE FROM ssh_t.t WHERE id = 8;");
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto recs = second.records("t");
  ASSERT_EQ(recs.size(), 3U) << second.err;
  EXPECT_EQ(rows_of_records({recs[0], recs[1]}), select_rows(server_, "WHERE id IN (7, 5000)"));
  EXPECT_EQ(recs[2]["id"], 8);
  EXPECT_TRUE(recs[2]["_sdc_deleted_at"].is_string());
}

TEST_P(SshTunnelTest, BinlogStreamEqualsSelect) {
  std::string status =
      admin_sql(server_, server_.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  std::string from =
      status.substr(0, status.find('\t')) + ":" +
      status.substr(status.find('\t') + 1, status.find('\t', status.find('\t') + 1) - status.find('\t') - 1);
  admin_sql(server_, "INSERT INTO ssh_t.t VALUES (6000, 'streamed', 2.25), (6001, 'twice', -0.5)");
  int before = bastion().forwarded_connections();
  CommandResult r = run_sluice(
      {"binlog", "stream", "--config", config_, "--from", from, "--until-now", "--databases", "ssh_t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> afters;
  for (const std::string& line : split_lines(r.out)) {
    nlohmann::json after = nlohmann::json::parse(line)["after"];
    // Without binlog_row_metadata=FULL the columns are @1, @2, @3.
    if (after.contains("@1")) after = {{"id", after["@1"]}, {"v", after["@2"]}, {"d", after["@3"]}};
    afters.push_back(after);
  }
  EXPECT_EQ(rows_of_records(afters), select_rows(server_, "WHERE id >= 6000"));
  EXPECT_GE(bastion().forwarded_connections() - before, 1);
}

INSTANTIATE_TEST_SUITE_P(Both, SshTunnelTest, ::testing::ValuesIn(shared_server_names()));

// `sluice check` through a broken tunnel: exit non-zero, one line on stderr naming the problem.
std::string check_fails(const std::string& tunnel_json) {
  ServerInfo s = shared_server("mariadb");
  std::string config = write_config(s, "\"ssh_tunnel\": " + tunnel_json);
  CommandResult r = run_sluice({"check", "--config", config});
  EXPECT_NE(r.exit_code, 0) << r.out;
  auto lines = split_lines(r.err);
  EXPECT_EQ(lines.size(), 1U) << r.err;
  EXPECT_EQ(r.err.find(kSshKeyPassphrase), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrongphrase"), std::string::npos) << r.err;
  return lines.empty() ? "" : lines[0];
}

TEST(SshTunnelFailure, WrongKey) {
  std::string line = check_fails(bastion().tunnel_json("other_key"));
  EXPECT_NE(line.find("the bastion refused the key " + bastion().dir() + "/other_key"), std::string::npos)
      << line;
}

TEST(SshTunnelFailure, UnknownHostKeyStrictAndAcceptNew) {
  std::string known = make_temp_dir("ssh") + "/known_hosts";
  write_file(known, "");
  std::string line = check_fails(bastion().tunnel_json("user_key", known));
  EXPECT_NE(line.find("host key (SHA256:"), std::string::npos) << line;
  EXPECT_NE(line.find(") is not in known_hosts_file " + known), std::string::npos) << line;
  // accept_new: the first connection records the key, and the check passes.
  ServerInfo s = shared_server("mariadb");
  std::string config =
      write_config(s, "\"ssh_tunnel\": " +
                          bastion().tunnel_json("user_key", known, ", \"host_key_check\": \"accept_new\""));
  CommandResult r = run_sluice({"check", "--config", config});
  EXPECT_NE(r.out.find("0 failed"), std::string::npos) << r.out << r.err;
  EXPECT_NE(read_file(known).find("[127.0.0.1]:" + std::to_string(bastion().port()) + " ssh-ed25519 "),
            std::string::npos);
}

TEST(SshTunnelFailure, ChangedHostKey) {
  std::string known = make_temp_dir("ssh") + "/known_hosts";
  std::string other = read_file(bastion().dir() + "/other_key.pub");
  write_file(known, "[127.0.0.1]:" + std::to_string(bastion().port()) + " " +
                        other.substr(0, other.rfind(' ')) + "\n");
  std::string line = check_fails(bastion().tunnel_json("user_key", known));
  EXPECT_NE(line.find("differs from the one known_hosts_file " + known + " has"), std::string::npos) << line;
}

TEST(SshTunnelFailure, ForwardingRefused) {
  ScopedSshServer closed("tunnel-noforward", {"AllowTcpForwarding=no"});
  std::string line = check_fails(closed.tunnel_json());
  EXPECT_NE(line.find("the bastion refused to forward to 127.0.0.1:"), std::string::npos) << line;
}

TEST(SshTunnelFailure, UnreachableBastion) {
  std::string json = bastion().tunnel_json();
  std::string port = std::to_string(bastion().port());
  json.replace(json.find(port), port.size(), "1");  // nothing listens on port 1
  std::string line = check_fails(json);
  EXPECT_NE(line.find("SSH tunnel via bastion"), std::string::npos) << line;
  EXPECT_NE(line.find(":1: cannot connect"), std::string::npos) << line;
}

TEST(SshTunnelFailure, WrongPassphrase) {
  std::string line = check_fails(
      bastion().tunnel_json("user_key_pass", "", ", \"private_key_passphrase\": \"wrongphrase\""));
  EXPECT_NE(line.find("the passphrase (ssh_tunnel.private_key_passphrase) is wrong"), std::string::npos)
      << line;
  ServerInfo s = shared_server("mariadb");
  std::string right = write_config(
      s,
      std::string("\"ssh_tunnel\": ") +
          bastion().tunnel_json("user_key_pass", "",
                                std::string(", \"private_key_passphrase\": \"") + kSshKeyPassphrase + "\""));
  CommandResult r = run_sluice({"check", "--config", right});
  EXPECT_NE(r.out.find("0 failed"), std::string::npos) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find(kSshKeyPassphrase), std::string::npos);
}

}  // namespace
}  // namespace sluice::test::sync
