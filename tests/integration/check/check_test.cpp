// `sluice check` against real servers: the shared healthy ones, the sluice_norepl account, and
// dedicated variants (STATEMENT format, short retention, MINIMAL row image). Every failure must
// name itself and its fix in the printed table, and the exit code must follow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The table line of check `name` ("<status> <name>  <detail>  -> fix: ..."), or "" when absent.
std::string check_line(const std::string& table, const std::string& name) {
  for (const std::string& line : split_lines(table)) {
    std::vector<std::string> words;
    size_t pos = 0;
    for (int i = 0; i < 2 && pos < line.size(); ++i) {
      size_t start = line.find_first_not_of(' ', pos);
      if (start == std::string::npos) break;
      size_t end = line.find(' ', start);
      words.push_back(line.substr(start, end == std::string::npos ? std::string::npos : end - start));
      pos = end;
    }
    if (words.size() == 2 && words[1] == name) return line;
  }
  return "";
}

std::string status_of(const std::string& line) { return line.substr(0, line.find(' ')); }

CommandResult check(const std::string& config, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"check", "--config", config};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_sluice(args);
}

std::string server_id_of(const ServerInfo& s) {
  std::string out = admin_sql(s, "SELECT @@server_id");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// The "target" part of a config: the server `s` reached as `user`.
std::string target_part(const ServerInfo& s, const std::string& user, const std::string& password) {
  return "{\"host\": \"" + s.host + "\", \"port\": " + std::to_string(s.port) + ", \"user\": \"" + user +
         "\", \"password\": \"" + password + "\"}";
}

class SharedServerCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedServerCheck, HealthyServerPasses) {
  ServerInfo s = shared_server(GetParam());
  CommandResult r = check(write_config(s, "\"server_id\": 4000000001"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* name : {"server", "privilege_select", "privilege_replication_slave",
                           "privilege_replication_client", "snapshot_handoff", "log_bin", "binlog_format",
                           "binlog_row_image", "binlog_retention"}) {
    EXPECT_EQ(status_of(check_line(r.out, name)), "ok") << name << " in\n" << r.out;
  }
  EXPECT_THAT(check_line(r.out, "server"), HasSubstr(s.is_mysql() ? "MySQL 9." : "MariaDB 10."));
  EXPECT_THAT(check_line(r.out, "binlog_format"), HasSubstr("ROW"));
  EXPECT_THAT(check_line(r.out, "binlog_retention"), HasSubstr("7 days"));
  std::string id_line = check_line(r.out, "server_id");
  if (s.is_mysql()) {
    EXPECT_EQ(status_of(id_line), "ok") << r.out;
    EXPECT_THAT(id_line, HasSubstr("server_id 4000000001 (server's own: " + server_id_of(s) + "; "));
  } else {  // MariaDB 10.5+: SHOW SLAVE HOSTS needs REPLICATION MASTER ADMIN, which `sluice` lacks
    EXPECT_EQ(status_of(id_line), "info") << r.out;
    EXPECT_THAT(id_line, HasSubstr("server_id 4000000001 differs from the server's own (" + server_id_of(s) + ")"));
    EXPECT_THAT(id_line, HasSubstr("GRANT REPLICATION MASTER ADMIN ON *.* TO 'sluice'@'%'; to let sluice check"));
  }
  EXPECT_THAT(check_line(r.out, "tls"), HasSubstr("connection encrypted (TLSv1."));
  EXPECT_THAT(r.out, HasSubstr("0 failed, "));
}

TEST_P(SharedServerCheck, ProposesAServerIdWhenNoneIsConfigured) {
  ServerInfo s = shared_server(GetParam());
  CommandResult r = check(write_config(s));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string line = check_line(r.out, "server_id");
  EXPECT_EQ(status_of(line), "warning") << r.out;
  size_t at = line.find("proposed: ");
  ASSERT_NE(at, std::string::npos) << line;
  uint64_t proposed = std::stoull(line.substr(at + 10));
  EXPECT_GE(proposed, uint64_t{1} << 31);
  EXPECT_LE(proposed, 4294967295ULL);
  EXPECT_NE(std::to_string(proposed), server_id_of(s));
  EXPECT_THAT(line, HasSubstr("-> fix: set \"server_id\": " + std::to_string(proposed) + " in config.json"));
}

TEST_P(SharedServerCheck, RefusesTheServersOwnServerId) {
  ServerInfo s = shared_server(GetParam());
  std::string own = server_id_of(s);
  CommandResult r = check(write_config(s, "\"server_id\": " + own));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string line = check_line(r.out, "server_id");
  EXPECT_EQ(status_of(line), "failed") << r.out;
  EXPECT_THAT(line, HasSubstr("server_id " + own + " is the server's own @@server_id"));
  EXPECT_THAT(line, HasSubstr("-> fix: set \"server_id\": "));
  EXPECT_THAT(r.out, HasSubstr("1 failed, "));
}

TEST_P(SharedServerCheck, AccountWithoutReplicationPrivilegesFailsLogBasedOnly) {
  ServerInfo s = shared_server(GetParam());
  std::string config = write_config(s, "\"server_id\": 4000000002", "sluice_norepl", "sluicepw");
  CommandResult r = check(config);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string slave = check_line(r.out, "privilege_replication_slave");
  EXPECT_EQ(status_of(slave), "failed") << r.out;
  EXPECT_THAT(slave, HasSubstr("missing REPLICATION SLAVE"));
  EXPECT_THAT(slave, HasSubstr("-> fix: GRANT REPLICATION SLAVE ON *.* TO 'sluice_norepl'@'%';"));
  std::string client = check_line(r.out, "privilege_replication_client");
  EXPECT_EQ(status_of(client), "failed");
  EXPECT_THAT(client, HasSubstr(s.is_mysql() ? "-> fix: GRANT REPLICATION CLIENT ON *.* TO 'sluice_norepl'@'%';"
                                             : "-> fix: GRANT BINLOG MONITOR ON *.* TO 'sluice_norepl'@'%';"));
  EXPECT_EQ(status_of(check_line(r.out, "privilege_select")), "ok");

  // A user who only runs FULL_TABLE and INCREMENTAL does not fail for replication settings.
  CommandResult limited = check(config, {"--method", "full_table", "--method", "incremental"});
  EXPECT_EQ(limited.exit_code, 0) << limited.out << limited.err;
  EXPECT_EQ(check_line(limited.out, "privilege_replication_slave"), "");
  EXPECT_EQ(check_line(limited.out, "binlog_format"), "");
  EXPECT_THAT(limited.out, HasSubstr("for full_table, incremental on "));
}

TEST_P(SharedServerCheck, NonInnoDbTablesAndUnknownDatabases) {
  ServerInfo s = shared_server(GetParam());
  admin_sql(s,
            "CREATE DATABASE IF NOT EXISTS pf_engines; "
            "CREATE TABLE IF NOT EXISTS pf_engines.legacy (id INT PRIMARY KEY) ENGINE=MyISAM; "
            "CREATE TABLE IF NOT EXISTS pf_engines.modern (id INT PRIMARY KEY) ENGINE=InnoDB;");
  CommandResult r = check(write_config(s, "\"server_id\": 4000000003, \"filter_dbs\": \"pf_engines\""));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string engines = check_line(r.out, "table_engines");
  EXPECT_EQ(status_of(engines), "warning") << r.out;
  EXPECT_THAT(engines, HasSubstr("pf_engines.legacy (MyISAM)"));
  EXPECT_THAT(engines, ::testing::Not(HasSubstr("modern")));
  EXPECT_THAT(engines, HasSubstr("-> fix: ALTER TABLE `pf_engines`.`legacy` ENGINE=InnoDB;"));

  CommandResult missing = check(write_config(s, "\"filter_dbs\": \"pf_engines,pf_no_such_db\""),
                                {"--method", "full_table"});
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  std::string select = check_line(missing.out, "privilege_select");
  EXPECT_EQ(status_of(select), "failed");
  EXPECT_THAT(select, HasSubstr("not found or not visible: pf_no_such_db (check filter_dbs)"));
}

TEST_P(SharedServerCheck, PrivilegesThroughARole) {
  ServerInfo s = shared_server(GetParam());
  std::string default_role = s.is_mysql() ? "SET DEFAULT ROLE pf_role_reader TO pf_role_user"
                                          : "SET DEFAULT ROLE pf_role_reader FOR pf_role_user";
  admin_sql(s, "CREATE DATABASE IF NOT EXISTS pf_roles; CREATE ROLE IF NOT EXISTS pf_role_reader; "
               "GRANT SELECT ON pf_roles.* TO pf_role_reader; "
               "CREATE USER IF NOT EXISTS pf_role_user IDENTIFIED BY 'rolepw'; "
               "GRANT pf_role_reader TO pf_role_user; " + default_role + ";");
  std::string config = write_config(s, "\"filter_dbs\": \"pf_roles\"", "pf_role_user", "rolepw");
  CommandResult r = check(config, {"--method", "full_table"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string select = check_line(r.out, "privilege_select");
  EXPECT_EQ(status_of(select), "ok") << r.out;
  EXPECT_THAT(select, HasSubstr("pf_role_reader"));
}

TEST_P(SharedServerCheck, VerifiedTls) {
  ServerInfo s = shared_server(GetParam());
  std::string tls = "\"ssl\": \"true\", \"ssl_ca\": \"" + s.certs + "/ca.pem\", \"check_hostname\": \"false\"";
  CommandResult r = check(write_config(s, tls, "sluice_tls", "sluicepw"), {"--method", "full_table"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string line = check_line(r.out, "tls");
  EXPECT_EQ(status_of(line), "ok") << r.out;
  EXPECT_THAT(line, HasSubstr("connection encrypted (TLSv1."));
  EXPECT_THAT(line, HasSubstr("ssl_mode=verify_ca, server certificate verified"));
}

TEST_P(SharedServerCheck, JsonReport) {
  ServerInfo s = shared_server(GetParam());
  CommandResult r = check(write_config(s, "\"server_id\": 4000000004"), {"--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["ok"], true);
  EXPECT_EQ(doc["methods"], nlohmann::json::array({"full_table", "incremental", "log_based"}));
  bool seen = false;
  for (const auto& c : doc["checks"]) {
    if (c["name"] == "binlog_format") {
      seen = true;
      EXPECT_EQ(c["status"], "ok");
      EXPECT_EQ(c["detail"], "ROW");
    }
  }
  EXPECT_TRUE(seen) << r.out;
}

TEST_P(SharedServerCheck, ConnectionFailureIsOneErrorLine) {
  ServerInfo s = shared_server(GetParam());
  CommandResult r = check(write_config(s, "", "sluice", "wrong-password"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(split_lines(r.err).size(), 1U) << r.err;
  EXPECT_THAT(r.err, StartsWith("sluice: error: "));
  EXPECT_THAT(r.err, HasSubstr("sluice"));
}

INSTANTIATE_TEST_SUITE_P(Servers, SharedServerCheck, ::testing::ValuesIn(shared_server_names()));

TEST(VariantCheck, StatementFormatFailsWithItsFix) {
  ScopedServer server("mariadb", "check-stmt", {"--binlog-format=STATEMENT"});
  CommandResult r = check(write_config(server.info(), "\"server_id\": 4000000005"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string line = check_line(r.out, "binlog_format");
  EXPECT_EQ(status_of(line), "failed") << r.out;
  EXPECT_THAT(line, HasSubstr("binlog_format is STATEMENT: LOG_BASED needs ROW events"));
  EXPECT_THAT(line, HasSubstr("-> fix: run SET GLOBAL binlog_format=ROW; and add binlog_format=ROW under [mysqld] "
                              "in my.cnf"));
  EXPECT_THAT(r.out, HasSubstr("1 failed, "));
  // FULL_TABLE does not need the binlog.
  CommandResult full = check(write_config(server.info()), {"--method", "full_table"});
  EXPECT_EQ(full.exit_code, 0) << full.out;
}

// Runs check on a fresh variant server and expects check `name` with `status` and every text.
void expect_variant(const std::string& flavor, const std::string& server_name, const std::string& option,
                    const std::string& name, const std::string& status, const std::vector<std::string>& texts) {
  ScopedServer server(flavor, server_name, {option});
  CommandResult r = check(write_config(server.info(), "\"server_id\": 4000000006"));
  EXPECT_EQ(r.exit_code, status == "failed" ? 1 : 0) << r.out << r.err;
  std::string line = check_line(r.out, name);
  EXPECT_EQ(status_of(line), status) << r.out;
  for (const std::string& text : texts) EXPECT_THAT(line, HasSubstr(text));
}

TEST(VariantCheck, MariaDbOneDayRetentionFails) {
  expect_variant("mariadb", "check-retention", "--expire-logs-days=1", "binlog_retention", "failed",
                 {"binlogs are kept 1 day", "too short",
                  "-> fix: run SET GLOBAL binlog_expire_logs_seconds=604800;"});
}

TEST(VariantCheck, MySqlOneHourRetentionFails) {
  expect_variant("mysql", "check-retention-my", "--binlog-expire-logs-seconds=3600", "binlog_retention", "failed",
                 {"binlogs are kept 1 hour (binlog_expire_logs_seconds=3600)",
                  "-> fix: run SET PERSIST binlog_expire_logs_seconds=604800;"});
}

TEST(VariantCheck, MinimalRowImageWarnsButPasses) {
  expect_variant("mariadb", "check-minimal", "--binlog-row-image=MINIMAL", "binlog_row_image", "warning",
                 {"binlog_row_image is MINIMAL", "absent (not NULL)", "-> fix: run SET GLOBAL binlog_row_image=FULL;"});
}

TEST(VariantCheck, BinlogOffFails) {
  expect_variant("mariadb", "check-nobinlog", "--skip-log-bin", "log_bin", "failed",
                 {"binary logging is OFF",
                  "-> fix: add log_bin=mysql-bin and server_id=<unique number> under [mysqld] in my.cnf"});
}

// A MariaDB replica of the shared MariaDB with log_slave_updates=OFF: on the replica, check
// fails replica_updates; on the source, the replica's server_id is refused as taken.
TEST(VariantCheck, ReplicaServerIdAndLogSlaveUpdates) {
  ServerInfo source = shared_server("mariadb");
  ScopedServer replica("mariadb", "check-replica", {"--log-slave-updates=OFF"});
  std::vector<std::string> status = split_lines(admin_sql(source, "SHOW MASTER STATUS"));
  ASSERT_FALSE(status.empty());
  std::string file = status[0].substr(0, status[0].find('\t'));
  std::string pos = status[0].substr(file.size() + 1, status[0].find('\t', file.size() + 1) - file.size() - 1);
  admin_sql(replica.info(), "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + std::to_string(source.port) +
                                ", MASTER_USER='sluice', MASTER_PASSWORD='sluicepw', MASTER_LOG_FILE='" + file +
                                "', MASTER_LOG_POS=" + pos + "; START SLAVE;");
  std::string replica_id = server_id_of(replica.info());
  // Wait (with a deadline) until the source lists the replica.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (admin_sql(source, "SHOW SLAVE HOSTS").find(replica_id) == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "replica never registered with the source";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  CommandResult on_replica = check(write_config(replica.info(), "\"server_id\": 4000000010"));
  EXPECT_EQ(on_replica.exit_code, 1) << on_replica.out << on_replica.err;
  std::string updates = check_line(on_replica.out, "replica_updates");
  EXPECT_EQ(status_of(updates), "failed") << on_replica.out;
  EXPECT_THAT(updates, HasSubstr("this server is a replica with log_slave_updates=OFF"));
  EXPECT_THAT(updates, HasSubstr("-> fix: add log_slave_updates=ON under [mysqld] in my.cnf, then restart"));

  // The admin account may list replicas (REPLICATION MASTER ADMIN): the replica's id is taken.
  CommandResult on_source = check(write_config(source, "\"server_id\": " + replica_id, kAdminUser, kAdminPassword));
  EXPECT_EQ(on_source.exit_code, 1) << on_source.out << on_source.err;
  std::string id_line = check_line(on_source.out, "server_id");
  EXPECT_EQ(status_of(id_line), "failed") << on_source.out;
  EXPECT_THAT(id_line, HasSubstr("server_id " + replica_id + " is already used by a replica of this server"));
  EXPECT_EQ(status_of(check_line(on_source.out, "privilege_select")), "ok");
  EXPECT_THAT(check_line(on_source.out, "privilege_select"), HasSubstr("(ALL PRIVILEGES)"));

  // A pipeline into the replica: it already replicates every database of the source itself.
  admin_sql(source, "CREATE DATABASE IF NOT EXISTS pf_replicated");
  std::string into_replica = "\"filter_dbs\": \"pf_replicated\", \"target\": " +
                             target_part(replica.info(), kAdminUser, kAdminPassword);
  CommandResult pipeline = check(write_config(source, into_replica));
  std::string repl = check_line(pipeline.out, "target_replication");
  EXPECT_EQ(status_of(repl), "failed") << pipeline.out << pipeline.err;
  EXPECT_THAT(repl, HasSubstr("the target replicates `pf_replicated` itself"));
  EXPECT_THAT(repl, HasSubstr("-> fix: STOP SLAVE ''; RESET SLAVE '' ALL; on the target"));
  admin_sql(replica.info(), "STOP SLAVE;");
}

}  // namespace
}  // namespace sluice::test
