// The preflight rules over hand-built facts: each failure names itself and its fix.
#include "preflight/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::preflight {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ServerFacts mariadb_facts() {
  ServerFacts f;
  f.flavor = mysql::Flavor::kMariaDB;
  f.version = "10.11.6-MariaDB-0+deb12u1-log";
  f.major = 10, f.minor = 11, f.patch = 6;
  f.current_user = "sluice@%";
  f.grants = {"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, SHOW VIEW ON *.* TO "
              "`sluice`@`%`"};
  f.variables = {{"server_id", "1234"},          {"log_bin", "ON"},
                 {"binlog_format", "ROW"},        {"binlog_row_image", "FULL"},
                 {"binlog_row_metadata", "FULL"}, {"log_bin_compress", "OFF"},
                 {"expire_logs_days", "7.000000"}, {"binlog_expire_logs_seconds", "604800"},
                 {"gtid_strict_mode", "ON"},     {"log_slave_updates", "OFF"},
                 {"basedir", "/usr"}};
  f.databases = {"shop"};
  f.tls = true;
  f.tls_version = "TLSv1.3";
  return f;
}

ServerFacts mysql_facts() {
  ServerFacts f;
  f.flavor = mysql::Flavor::kMySQL;
  f.version = "8.0.35";
  f.major = 8, f.minor = 0, f.patch = 35;
  f.current_user = "sluice@%";
  f.grants = {"GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `sluice`@`%`"};
  f.variables = {{"server_id", "1"},
                 {"log_bin", "ON"},
                 {"binlog_format", "ROW"},
                 {"binlog_row_image", "FULL"},
                 {"binlog_row_metadata", "FULL"},
                 {"binlog_transaction_compression", "ON"},
                 {"binlog_expire_logs_seconds", "2592000"},
                 {"gtid_mode", "ON"},
                 {"enforce_gtid_consistency", "ON"},
                 {"log_replica_updates", "ON"},
                 {"basedir", "/usr/"}};
  f.databases = {"shop"};
  f.tls = true;
  f.tls_version = "TLSv1.3";
  return f;
}

ServerFacts rds_facts() {
  ServerFacts f = mysql_facts();
  f.platform = Platform::kRds;
  f.variables["basedir"] = "/rdsdbbin/mysql-8.0.35.R2/";
  f.rds_configuration_read = true;
  f.rds_binlog_retention_hours = 168;
  return f;
}

PreflightRequest request_with_id(std::string id) {
  PreflightRequest r;
  r.server_id = std::move(id);
  r.random_seed = 42;
  return r;
}

TEST(Rules, HealthyServersHaveNoFailure) {
  for (const ServerFacts& f : {mariadb_facts(), mysql_facts(), rds_facts()}) {
    PreflightReport report = evaluate(f, request_with_id("777"));
    EXPECT_FALSE(report.failed()) << report.server;
    for (const CheckResult& c : report.checks) {
      if (c.name == "tls") continue;  // preferred, unverified: info
      EXPECT_NE(c.status, CheckStatus::kFailed) << c.name << ": " << c.detail;
      EXPECT_NE(c.status, CheckStatus::kWarning) << c.name << ": " << c.detail;
    }
  }
}

TEST(Rules, StatementFormatFailsWithTheFix) {
  ServerFacts f = mariadb_facts();
  f.variables["binlog_format"] = "STATEMENT";
  CheckResult c = check_binlog_format(f);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("binlog_format is STATEMENT"));
  EXPECT_EQ(c.fix, "run SET GLOBAL binlog_format=ROW; and add binlog_format=ROW under [mysqld] in my.cnf");
  EXPECT_EQ(check_binlog_format(mysql_facts()).status, CheckStatus::kOk);
  ServerFacts m = mysql_facts();
  m.variables["binlog_format"] = "MIXED";
  EXPECT_EQ(check_binlog_format(m).fix, "run SET PERSIST binlog_format=ROW;");
  ServerFacts r = rds_facts();
  r.variables["binlog_format"] = "MIXED";
  EXPECT_EQ(check_binlog_format(r).fix, "set binlog_format=ROW in the DB parameter group of the RDS instance");
}

TEST(Rules, FullTableOnlyIgnoresBinlogSettings) {
  ServerFacts f = mariadb_facts();
  f.variables["binlog_format"] = "STATEMENT";
  f.variables["log_bin"] = "OFF";
  f.grants = {"GRANT SELECT ON *.* TO `sluice_norepl`@`%`"};
  PreflightRequest r;
  r.methods = MethodSet::none();
  r.methods.add(change::Method::kFullTable);
  PreflightReport report = evaluate(f, r);
  EXPECT_FALSE(report.failed());
  EXPECT_EQ(report.find("binlog_format"), nullptr);
  EXPECT_EQ(report.find("privilege_replication_slave"), nullptr);
  r.methods.add(change::Method::kLogBased);
  report = evaluate(f, r);
  EXPECT_TRUE(report.failed());
  EXPECT_EQ(report.find("binlog_format")->status, CheckStatus::kFailed);
  EXPECT_EQ(report.find("log_bin")->status, CheckStatus::kFailed);
}

TEST(Rules, RowImageMinimalAndNoblobWarnAboutAbsentColumns) {
  for (const char* image : {"MINIMAL", "NOBLOB"}) {
    ServerFacts f = mysql_facts();
    f.variables["binlog_row_image"] = image;
    CheckResult c = check_binlog_row_image(f);
    EXPECT_EQ(c.status, CheckStatus::kWarning);
    EXPECT_THAT(c.detail, HasSubstr("absent (not NULL)"));
    EXPECT_EQ(c.fix, "run SET PERSIST binlog_row_image=FULL;");
  }
}

TEST(Rules, RowMetadata) {
  ServerFacts f = mysql_facts();
  f.variables["binlog_row_metadata"] = "MINIMAL";
  EXPECT_EQ(check_binlog_row_metadata(f).status, CheckStatus::kWarning);
  f.variables.erase("binlog_row_metadata");
  EXPECT_EQ(check_binlog_row_metadata(f).status, CheckStatus::kInfo);
  EXPECT_EQ(check_binlog_row_metadata(mysql_facts()).status, CheckStatus::kOk);
}

TEST(Rules, CompressionIsDecoded) {
  CheckResult c = check_binlog_compression(mysql_facts());
  EXPECT_EQ(c.status, CheckStatus::kOk);
  EXPECT_THAT(c.detail, HasSubstr("TRANSACTION_PAYLOAD"));
  ServerFacts f = mariadb_facts();
  f.variables["log_bin_compress"] = "ON";
  EXPECT_THAT(check_binlog_compression(f).detail, HasSubstr("log_bin_compress=ON"));
}

TEST(Rules, RetentionThresholds) {
  ServerFacts f = mysql_facts();
  f.variables["binlog_expire_logs_seconds"] = "3600";
  CheckResult c = check_binlog_retention(f);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("1 hour (binlog_expire_logs_seconds=3600)"));
  EXPECT_EQ(c.fix, "run SET PERSIST binlog_expire_logs_seconds=604800;");
  f.variables["binlog_expire_logs_seconds"] = "259200";
  EXPECT_EQ(check_binlog_retention(f).status, CheckStatus::kOk);
  f.variables["binlog_expire_logs_seconds"] = "0";
  c = check_binlog_retention(f);
  EXPECT_EQ(c.status, CheckStatus::kOk);
  EXPECT_THAT(c.detail, HasSubstr("never expire"));
}

TEST(Rules, RetentionFromExpireLogsDays) {
  ServerFacts f = mariadb_facts();  // MariaDB keeps both variables in step
  f.variables["expire_logs_days"] = "1.000000";
  f.variables["binlog_expire_logs_seconds"] = "86400";
  CheckResult c = check_binlog_retention(f);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("1 day"));
  EXPECT_EQ(c.fix, "run SET GLOBAL binlog_expire_logs_seconds=604800; and add binlog_expire_logs_seconds=604800 "
                   "under [mysqld] in my.cnf");
  ServerFacts old = mariadb_facts();  // 10.5 and MySQL 5.7: expire_logs_days only
  old.variables.erase("binlog_expire_logs_seconds");
  old.variables["expire_logs_days"] = "2";
  c = check_binlog_retention(old);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("2 days (expire_logs_days=2)"));
  EXPECT_THAT(c.fix, HasSubstr("SET GLOBAL expire_logs_days=7"));
}

TEST(Rules, RdsRetention) {
  ServerFacts f = rds_facts();
  f.rds_binlog_retention_hours.reset();
  CheckResult c = check_binlog_retention(f);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("NULL"));
  EXPECT_EQ(c.fix, "CALL mysql.rds_set_configuration('binlog retention hours', 168);");
  f.rds_binlog_retention_hours = 24;
  EXPECT_EQ(check_binlog_retention(f).status, CheckStatus::kFailed);
  f.rds_binlog_retention_hours = 72;
  EXPECT_EQ(check_binlog_retention(f).status, CheckStatus::kOk);
  f.rds_configuration_read = false;
  f.rds_configuration_error = "Access denied";
  c = check_binlog_retention(f);
  EXPECT_EQ(c.status, CheckStatus::kWarning);
  EXPECT_THAT(c.detail, HasSubstr("Access denied"));
}

TEST(Rules, ServerIdEqualToTheServersOwnIsRefused) {
  CheckResult c = check_server_id(mysql_facts(), request_with_id("1"));
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("server_id 1 is the server's own @@server_id"));
  EXPECT_THAT(c.fix, HasSubstr("\"server_id\": "));
}

TEST(Rules, ServerIdUsedByAReplicaIsRefused) {
  ServerFacts f = mysql_facts();
  f.replica_server_ids = {55, 777};
  CheckResult c = check_server_id(f, request_with_id("777"));
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("already used by a replica"));
}

TEST(Rules, ServerIdOutOfRange) {
  for (const char* bad : {"0", "4294967296", "-1", "abc", "12x"}) {
    EXPECT_EQ(check_server_id(mysql_facts(), request_with_id(bad)).status, CheckStatus::kFailed) << bad;
  }
  EXPECT_EQ(parse_server_id("4294967295"), 4294967295U);
  EXPECT_EQ(parse_server_id(" 17 "), 17U);
}

TEST(Rules, NoServerIdGetsAProposal) {
  ServerFacts f = mysql_facts();
  PreflightRequest r;
  r.random_seed = 7;
  CheckResult c = check_server_id(f, r);
  EXPECT_EQ(c.status, CheckStatus::kWarning);
  uint32_t proposed = propose_server_id(f.replica_server_ids, 1, 7);
  EXPECT_GE(proposed, 1U << 31);
  EXPECT_THAT(c.detail, HasSubstr("proposed: " + std::to_string(proposed)));
  EXPECT_EQ(c.fix, "set \"server_id\": " + std::to_string(proposed) + " in config.json (a free id)");
}

TEST(Rules, ProposalAvoidsIdsInUse) {
  uint32_t first = propose_server_id({}, 1, 99);
  uint32_t second = propose_server_id({first}, 1, 99);
  EXPECT_NE(first, second);
  EXPECT_EQ(propose_server_id({}, 1, 99), first);  // deterministic for a seed
}

TEST(Rules, ServerIdWhenReplicasCannotBeListed) {
  ServerFacts f = mysql_facts();
  f.replicas_error = "Access denied; you need REPLICATION SLAVE";
  CheckResult c = check_server_id(f, request_with_id("9"));
  EXPECT_EQ(c.status, CheckStatus::kInfo);
  EXPECT_THAT(c.detail, HasSubstr("other replicas' ids not checked (SHOW REPLICAS: Access denied"));
  EXPECT_EQ(c.fix, "make sure no other replica uses 9 (SHOW REPLICAS as an admin), or GRANT REPLICATION SLAVE ON "
                   "*.* TO 'sluice'@'%'; to let sluice check");
}

TEST(Rules, NoReplicationPrivileges) {
  ServerFacts f = mysql_facts();
  f.grants = {"GRANT SELECT, SHOW DATABASES ON *.* TO `sluice_norepl`@`%`"};
  f.current_user = "sluice_norepl@%";
  CheckResult slave = check_replication_slave(f);
  EXPECT_EQ(slave.status, CheckStatus::kFailed);
  EXPECT_EQ(slave.fix, "GRANT REPLICATION SLAVE ON *.* TO 'sluice_norepl'@'%';");
  CheckResult client = check_replication_client(f);
  EXPECT_EQ(client.status, CheckStatus::kFailed);
  EXPECT_EQ(client.fix, "GRANT REPLICATION CLIENT ON *.* TO 'sluice_norepl'@'%';");
  EXPECT_THAT(client.detail, HasSubstr("SHOW MASTER STATUS"));
  ServerFacts m = mariadb_facts();
  m.grants = f.grants;
  m.current_user = "sluice_norepl@%";
  EXPECT_EQ(check_replication_client(m).fix, "GRANT BINLOG MONITOR ON *.* TO 'sluice_norepl'@'%';");
  // The handoff takes no lock: no RELOAD or LOCK TABLES needed on either flavor.
  EXPECT_EQ(check_snapshot_handoff(f).status, CheckStatus::kOk);
  EXPECT_EQ(check_snapshot_handoff(m).status, CheckStatus::kOk);
}

TEST(Rules, SelectMissingOnAFilteredDatabase) {
  ServerFacts f = mysql_facts();
  f.grants = {"GRANT SELECT ON `shop`.* TO `u`@`%`", "GRANT SELECT ON `crm`.`leads` TO `u`@`%`"};
  f.current_user = "u@%";
  f.databases = {"shop", "billing"};
  f.missing_databases = {"typo"};
  PreflightRequest r;
  r.filter_dbs = {"shop", "billing", "typo"};
  CheckResult c = check_select_privilege(f, r);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_THAT(c.detail, HasSubstr("no SELECT on billing, typo"));
  EXPECT_THAT(c.detail, HasSubstr("not found or not visible: typo"));
  EXPECT_THAT(c.fix, HasSubstr("GRANT SELECT ON `billing`.* TO 'u'@'%';"));
  f.databases = {"shop", "crm"};
  f.missing_databases.clear();
  c = check_select_privilege(f, r);
  EXPECT_EQ(c.status, CheckStatus::kWarning);
  EXPECT_THAT(c.detail, HasSubstr("some tables of crm"));
  f.databases = {"shop"};
  c = check_select_privilege(f, r);
  EXPECT_EQ(c.status, CheckStatus::kOk);
  EXPECT_THAT(c.detail, HasSubstr("SELECT on shop"));
}

TEST(Rules, SelectWithoutFilterOnlyWarnsAboutUnreadableDatabases) {
  ServerFacts f = mysql_facts();
  f.grants = {"GRANT SELECT ON `shop`.* TO `u`@`%`", "GRANT SHOW DATABASES ON *.* TO `u`@`%`"};
  f.current_user = "u@%";
  f.databases = {"hr", "shop"};
  CheckResult c = check_select_privilege(f, PreflightRequest{});
  EXPECT_EQ(c.status, CheckStatus::kWarning);
  EXPECT_THAT(c.detail, HasSubstr("no SELECT on hr"));
  EXPECT_EQ(c.fix, "GRANT SELECT ON `hr`.* TO 'u'@'%'; (each database to replicate)");
  f.databases = {"hr"};
  EXPECT_EQ(check_select_privilege(f, PreflightRequest{}).status, CheckStatus::kFailed);
}

TEST(Rules, UnreadableGrantsWarnInsteadOfGuessing) {
  ServerFacts f = mysql_facts();
  f.grants.clear();
  f.grants_error = "Access denied";
  EXPECT_EQ(check_replication_slave(f).status, CheckStatus::kWarning);
  EXPECT_EQ(check_select_privilege(f, PreflightRequest{}).status, CheckStatus::kWarning);
}

TEST(Rules, ReplicaWithoutLogReplicaUpdatesFails) {
  ServerFacts f = mysql_facts();
  f.is_replica = true;
  EXPECT_EQ(check_replica_updates(f).status, CheckStatus::kOk);
  f.variables["log_replica_updates"] = "OFF";
  CheckResult c = check_replica_updates(f);
  EXPECT_EQ(c.status, CheckStatus::kFailed);
  EXPECT_EQ(c.fix, "add log_replica_updates=ON under [mysqld] in my.cnf, then restart the server");
  ServerFacts m = mariadb_facts();  // log_slave_updates=OFF, but not a replica
  EXPECT_EQ(check_replica_updates(m).status, CheckStatus::kOk);
  m.is_replica = true;
  EXPECT_THAT(check_replica_updates(m).detail, HasSubstr("log_slave_updates=OFF"));
}

TEST(Rules, LogBinOffFixDependsOnPlatform) {
  ServerFacts f = mysql_facts();
  f.variables["log_bin"] = "OFF";
  EXPECT_THAT(check_log_bin(f).fix, HasSubstr("my.cnf"));
  ServerFacts r = rds_facts();
  r.variables["log_bin"] = "OFF";
  EXPECT_THAT(check_log_bin(r).fix, HasSubstr("automated backups"));
  r.platform = Platform::kAurora;
  EXPECT_THAT(check_log_bin(r).fix, HasSubstr("DB cluster parameter group"));
}

TEST(Rules, GtidModes) {
  ServerFacts f = mysql_facts();
  f.variables["gtid_mode"] = "OFF";
  EXPECT_EQ(check_gtid(f).status, CheckStatus::kInfo);
  f.variables["gtid_mode"] = "ON_PERMISSIVE";
  EXPECT_EQ(check_gtid(f).status, CheckStatus::kWarning);
  ServerFacts m = mariadb_facts();
  m.variables["gtid_strict_mode"] = "OFF";
  EXPECT_EQ(check_gtid(m).status, CheckStatus::kInfo);
}

TEST(Rules, NonInnoDbTablesWarn) {
  ServerFacts f = mysql_facts();
  f.non_innodb_tables = {{"shop", "legacy", "MyISAM"}};
  CheckResult c = check_table_engines(f);
  EXPECT_EQ(c.status, CheckStatus::kWarning);
  EXPECT_THAT(c.detail, HasSubstr("shop.legacy (MyISAM)"));
  EXPECT_EQ(c.fix, "ALTER TABLE `shop`.`legacy` ENGINE=InnoDB; (each table listed)");
}

TEST(Rules, Tls) {
  ServerFacts f = mysql_facts();
  f.tls = false;
  PreflightRequest r;
  r.ssl_mode = mysql::SslMode::kPreferred;
  EXPECT_EQ(check_tls(f, r).status, CheckStatus::kWarning);  // preferred but not encrypted
  f.tls = true;
  f.tls_version = "TLSv1.3";
  EXPECT_THAT(check_tls(f, r).detail, HasSubstr("not verified"));
  r.ssl_mode = mysql::SslMode::kVerifyCa;
  EXPECT_EQ(check_tls(f, r).status, CheckStatus::kOk);
  EXPECT_THAT(check_tls(f, r).detail, HasSubstr("TLSv1.3"));
  f.tls = false;
  r.ssl_mode = mysql::SslMode::kDisabled;
  EXPECT_EQ(check_tls(f, r).status, CheckStatus::kInfo);
}

TEST(Rules, DescribeServer) {
  EXPECT_EQ(describe_server(mariadb_facts()), "MariaDB 10.11.6 (self-managed)");
  EXPECT_EQ(describe_server(rds_facts()), "MySQL 8.0.35 on Amazon RDS");
  ServerFacts a = rds_facts();
  a.platform = Platform::kAurora;
  a.variables["aurora_version"] = "3.05.2";
  EXPECT_EQ(describe_server(a), "MySQL 8.0.35 on Amazon Aurora 3.05.2");
  EXPECT_THAT(set_variable_fix(a, "binlog_format", "ROW", true), HasSubstr("DB cluster parameter group"));
  EXPECT_THAT(set_variable_fix(a, "binlog_format", "ROW", true), Not(HasSubstr("reboot")));
}

TEST(Rules, HumanDuration) {
  EXPECT_EQ(human_duration(3600), "1 hour");
  EXPECT_EQ(human_duration(86400), "1 day");
  EXPECT_EQ(human_duration(90000), "25 hours");
  EXPECT_EQ(human_duration(604800), "7 days");
  EXPECT_EQ(human_duration(59), "59 seconds");
}

}  // namespace
}  // namespace sluice::preflight
