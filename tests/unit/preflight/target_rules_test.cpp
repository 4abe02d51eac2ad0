// The checks of a replication target over hand-built facts: each failure names itself and its
// one-line fix, in the target platform's wording (RDS: the DB parameter group).
#include "preflight/target_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "preflight/report_format.h"
#include "preflight/rules.h"

namespace sluice::preflight {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using S = CheckStatus;

const std::string kAllOnShop =
    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE VIEW, SHOW VIEW, "
    "CREATE ROUTINE, ALTER ROUTINE ON `shop`.* TO `applier`@`%`";
const std::string kPosition = "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `sluice`.* TO `applier`@`%`";

ServerFacts server(mysql::Flavor flavor, uint32_t ma, uint32_t mi) {
  ServerFacts f;
  f.flavor = flavor;
  f.major = ma, f.minor = mi, f.patch = 1;
  f.version = std::to_string(ma) + "." + std::to_string(mi) + ".1";
  f.variables = {{"lower_case_table_names", "0"},
                 {"sql_mode", "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"},
                 {"time_zone", "SYSTEM"},
                 {"system_time_zone", "UTC"},
                 {"max_allowed_packet", "67108864"},
                 {"explicit_defaults_for_timestamp", "ON"},
                 {"log_bin", "ON"},
                 {"log_bin_trust_function_creators", "OFF"},
                 {"read_only", "OFF"},
                 {"basedir", "/usr"}};
  return f;
}

ServerFacts mysql_source() { return server(mysql::Flavor::kMySQL, 9, 7); }

TargetFacts mariadb_target() {
  TargetFacts t;
  t.server = server(mysql::Flavor::kMariaDB, 10, 11);
  t.server.current_user = "applier@%";
  t.server.grants = {"GRANT USAGE ON *.* TO `applier`@`%`", kAllOnShop, kPosition};
  t.collations = {"utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_unicode_520_ci", "latin1_swedish_ci"};
  return t;
}

TargetFacts rds_mysql_target() {
  TargetFacts t = mariadb_target();
  t.server = server(mysql::Flavor::kMySQL, 8, 0);
  t.server.platform = Platform::kRds;
  t.server.variables["basedir"] = "/rdsdbbin/mysql-8.0.35.R2/";
  t.server.current_user = "applier@%";
  t.server.grants = {"GRANT USAGE ON *.* TO `applier`@`%`", kAllOnShop, kPosition};
  t.collations.push_back("utf8mb4_0900_ai_ci");
  return t;
}

TargetRequest shop_request() {
  TargetRequest r;
  r.databases = {"shop"};
  return r;
}

SourceShape shape_with(std::vector<SourceColumn> columns) {
  SourceShape s;
  s.tables = {{"shop", "orders", 400, false, false}};
  s.columns = std::move(columns);
  return s;
}

TEST(TargetPrivileges, CompleteDatabaseGrantsPass) {
  CheckResult r = check_target_privileges(mariadb_target(), shop_request());
  EXPECT_EQ(r.status, S::kOk) << r.detail;
  EXPECT_EQ(check_target_position_privileges(mariadb_target(), shop_request()).status, S::kOk);
  EXPECT_EQ(check_target_no_admin(mariadb_target()).status, S::kOk);
}

TEST(TargetPrivileges, MissingOnesAreOneGrantLine) {
  TargetFacts t = mariadb_target();
  t.server.grants = {"GRANT SELECT, INSERT ON `shop`.* TO `applier`@`%`"};
  CheckResult r = check_target_privileges(t, shop_request());
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_EQ(
      r.fix,
      "GRANT UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, "
      "ALTER ROUTINE ON `shop`.* TO 'applier'@'%';");
  CheckResult pos = check_target_position_privileges(t, shop_request());
  EXPECT_EQ(pos.status, S::kFailed);
  EXPECT_EQ(pos.fix, "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `sluice`.* TO 'applier'@'%';");
}

TEST(TargetPrivileges, RoutinePrivilegesOnlyWhenRoutinesReplicate) {
  TargetFacts t = mariadb_target();
  t.server.grants = {
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE VIEW, SHOW VIEW "
      "ON "
      "`shop`.* TO `applier`@`%`"};
  TargetRequest req = shop_request();
  EXPECT_EQ(check_target_privileges(t, req).status, S::kFailed);
  req.routines = false;
  EXPECT_EQ(check_target_privileges(t, req).status, S::kOk);
}

TEST(TargetPrivileges, RenamedDatabaseIsCheckedUnderItsTargetName) {
  TargetRequest req = shop_request();
  req.rename["shop"] = "shop_replica";
  CheckResult r = check_target_privileges(mariadb_target(), req);
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.fix, HasSubstr("ON `shop_replica`.* TO 'applier'@'%';"));
  TargetFacts t = mariadb_target();
  t.server.grants.push_back("GRANT ALL PRIVILEGES ON `shop\\_replica`.* TO `applier`@`%`");
  EXPECT_EQ(check_target_privileges(t, req).status, S::kOk);
}

TEST(TargetPrivileges, GlobalPrivilegesAreMoreThanNeeded) {
  TargetFacts t = mariadb_target();
  t.server.grants = {"GRANT SUPER, SELECT ON *.* TO `applier`@`%`", kAllOnShop, kPosition};
  CheckResult r = check_target_no_admin(t);
  EXPECT_EQ(r.status, S::kInfo);
  EXPECT_THAT(r.detail, HasSubstr("SUPER, SELECT on *.*"));
  EXPECT_THAT(r.fix, HasSubstr("REVOKE SUPER, SELECT ON *.* FROM 'applier'@'%';"));
}

TEST(TargetWritable, ReadOnlyOnRdsNamesTheParameterGroup) {
  TargetFacts t = rds_mysql_target();
  t.server.variables["read_only"] = "ON";
  CheckResult r = check_target_writable(t);
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_EQ(r.fix, "set read_only=OFF in the DB parameter group of the RDS instance");
  t.server.variables["innodb_read_only"] = "ON";
  EXPECT_EQ(check_target_server(t).status, S::kFailed);
}

TEST(TargetReplication, AChannelOfTheSameDatabaseFails) {
  TargetFacts t = rds_mysql_target();
  t.server.platform = Platform::kSelfManaged;
  t.channels = {{"up", "10.0.0.5", true, {}, {}, {}, {"shop.%"}}};
  CheckResult r = check_target_replication(t, shop_request());
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail,
              HasSubstr("replicates `shop` itself (replication channel 'up' from 10.0.0.5, running)"));
  EXPECT_EQ(r.fix,
            "STOP REPLICA FOR CHANNEL 'up'; RESET REPLICA ALL FOR CHANNEL 'up'; on the target (or replicate "
            "other databases)");
  t.server.platform = Platform::kRds;
  EXPECT_THAT(check_target_replication(t, shop_request()).fix, HasSubstr("CALL mysql.rds_stop_replication;"));
}

TEST(TargetReplication, OtherDatabasesOrNoChannelPass) {
  TargetFacts t = mariadb_target();
  EXPECT_EQ(check_target_replication(t, shop_request()).status, S::kOk);
  t.channels = {{"", "primary", true, {"crm"}, {}, {}, {}}};
  EXPECT_EQ(check_target_replication(t, shop_request()).status, S::kOk);
  t.channels = {{"", "primary", false, {}, {"shop"}, {}, {}}};
  EXPECT_EQ(check_target_replication(t, shop_request()).status, S::kOk);
  t.channels = {{"", "primary", false, {}, {}, {}, {}}};
  CheckResult r = check_target_replication(t, shop_request());
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.fix, HasSubstr("STOP SLAVE ''; RESET SLAVE '' ALL;"));
  t.channels.clear();
  t.channels_error = "SHOW ALL SLAVES STATUS: Access denied; you need the SLAVE MONITOR privilege";
  EXPECT_EQ(check_target_replication(t, shop_request()).status, S::kInfo);
}

TEST(TargetFunctionCreators, BinloggingRdsTargetNeedsTheParameter) {
  TargetFacts t = rds_mysql_target();
  SourceShape shape = shape_with({});
  EXPECT_EQ(check_target_function_creators(t, shape, shop_request()).status, S::kOk);
  shape.functions["shop"] = 2;
  CheckResult r = check_target_function_creators(t, shape, shop_request());
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("2 stored function(s)"));
  EXPECT_EQ(r.fix, "set log_bin_trust_function_creators=1 in the DB parameter group of the RDS instance");
  t.server.platform = Platform::kAurora;
  EXPECT_EQ(check_target_function_creators(t, shape, shop_request()).fix,
            "set log_bin_trust_function_creators=1 in the DB cluster parameter group of the Aurora cluster");
  t.server.platform = Platform::kRds;
  t.server.variables["log_bin_trust_function_creators"] = "ON";
  EXPECT_EQ(check_target_function_creators(t, shape, shop_request()).status, S::kOk);
  t.server.variables["log_bin_trust_function_creators"] = "OFF";
  t.server.variables["log_bin"] = "OFF";
  EXPECT_EQ(check_target_function_creators(t, shape, shop_request()).status, S::kOk);
}

TEST(TargetLowerCase, DifferingSettingFailsForUpperCaseNames) {
  TargetFacts t = rds_mysql_target();
  t.server.variables["lower_case_table_names"] = "1";
  SourceShape shape = shape_with({});
  CheckResult warn = check_target_lower_case(t, mysql_source(), shape);
  EXPECT_EQ(warn.status, S::kWarning);
  shape.tables.push_back({"shop", "OrderLines", 100, false, false});
  CheckResult r = check_target_lower_case(t, mysql_source(), shape);
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("shop.OrderLines has upper-case letters"));
  EXPECT_EQ(r.fix,
            "set lower_case_table_names=0 in the DB parameter group of the RDS instance, then reboot the "
            "instance (MySQL 8.0+: only on a new data directory)");
  t.server.variables["lower_case_table_names"] = "0";
  EXPECT_EQ(check_target_lower_case(t, mysql_source(), shape).status, S::kOk);
}

TEST(TargetCollations, MySqlCollationMissingOnMariaDbFails) {
  SourceShape shape = shape_with({{"shop", "orders", "note", "varchar", "varchar(20)", "utf8mb4_0900_ai_ci"},
                                  {"shop", "orders", "code", "char", "char(3)", "latin1_swedish_ci"}});
  CheckResult r = check_target_collations(mariadb_target(), shape);
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("lacks utf8mb4_0900_ai_ci of shop.orders.note"));
  EXPECT_THAT(r.detail, Not(HasSubstr("latin1")));
  EXPECT_THAT(r.fix, HasSubstr("ALTER TABLE `shop`.`orders` CONVERT TO CHARACTER SET utf8mb4 COLLATE "
                               "utf8mb4_uca1400_ai_ci; on the source"));
  EXPECT_EQ(check_target_collations(rds_mysql_target(), shape).status, S::kOk);
  // A MariaDB 10.10+ target has the uca1400 collation the applier rewrites it to: a warning.
  TargetFacts uca = mariadb_target();
  uca.collations.push_back("uca1400_nopad_ai_ci");
  CheckResult w = check_target_collations(uca, shape);
  EXPECT_EQ(w.status, S::kWarning);
  EXPECT_THAT(w.detail, HasSubstr("utf8mb4_0900_ai_ci -> utf8mb4_uca1400_nopad_ai_ci of shop.orders.note"));
  shape.error = "Access denied";
  EXPECT_EQ(check_target_collations(mariadb_target(), shape).status, S::kWarning);
}

TEST(TargetPacket, LargestRowAgainstTheTargetsPacket) {
  TargetFacts t = rds_mysql_target();
  t.server.variables["max_allowed_packet"] = "4194304";
  SourceShape shape = shape_with({});
  EXPECT_EQ(check_target_packet(t, mysql_source(), shape).status, S::kOk);
  shape.tables.push_back({"shop", "wide", 5000000, false, false});
  CheckResult r = check_target_packet(t, mysql_source(), shape);
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("shop.wide can be 5000000 bytes"));
  EXPECT_EQ(r.fix, "set max_allowed_packet=5242880 in the DB parameter group of the RDS instance");
  shape.tables.back() = {"shop", "docs", 300, true, false};
  CheckResult w = check_target_packet(t, mysql_source(), shape);
  EXPECT_EQ(w.status, S::kWarning);
  EXPECT_THAT(w.detail, HasSubstr("source's max_allowed_packet=67108864"));
  EXPECT_EQ(w.fix, "set max_allowed_packet=67108864 in the DB parameter group of the RDS instance");
}

TEST(TargetSqlMode, StricterTargetWarnsWithTheModesToDrop) {
  TargetFacts t = mariadb_target();
  ServerFacts source = mysql_source();
  EXPECT_EQ(check_target_sql_mode(t, source).status, S::kOk);
  t.server.variables["sql_mode"] = "STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION";
  CheckResult r = check_target_sql_mode(t, source);
  EXPECT_EQ(r.status, S::kWarning);
  EXPECT_THAT(r.detail, HasSubstr("has NO_ZERO_DATE and the source's has not"));
  EXPECT_EQ(r.fix,
            "run SET GLOBAL sql_mode='NO_ENGINE_SUBSTITUTION,STRICT_TRANS_TABLES'; and add "
            "sql_mode='NO_ENGINE_SUBSTITUTION,STRICT_TRANS_TABLES' under [mysqld] in my.cnf");
  t.server.variables["sql_mode"] = "STRICT_TRANS_TABLES";
  EXPECT_EQ(check_target_sql_mode(t, source).status, S::kInfo);
}

TEST(TargetTimestamps, ImplicitDefaultsWarnAndZonesInform) {
  TargetFacts t = mariadb_target();
  SourceShape shape = shape_with({});
  t.server.variables["explicit_defaults_for_timestamp"] = "OFF";
  EXPECT_EQ(check_target_time_zone(t, mysql_source(), shape).status, S::kOk);  // no TIMESTAMP column
  shape.tables.front().has_timestamp = true;
  CheckResult r = check_target_time_zone(t, mysql_source(), shape);
  EXPECT_EQ(r.status, S::kWarning);
  EXPECT_EQ(r.fix,
            "run SET GLOBAL explicit_defaults_for_timestamp=ON; and add explicit_defaults_for_timestamp=ON "
            "under [mysqld] in my.cnf");
  t.server.variables["explicit_defaults_for_timestamp"] = "ON";
  t.server.variables["time_zone"] = "+02:00";
  CheckResult info = check_target_time_zone(t, mysql_source(), shape);
  EXPECT_EQ(info.status, S::kInfo);
  EXPECT_THAT(info.detail, HasSubstr("source SYSTEM (UTC), target +02:00"));
}

TEST(TargetTypes, FlavourSpecificTypesAreMappedOrRefused) {
  SourceColumn json{"shop", "orders", "doc", "json", "json", ""};
  SourceColumn vec{"shop", "items", "embedding", "vector", "vector(3)", ""};
  CheckResult w = check_target_types(mariadb_target(), mysql_source(), shape_with({json}));
  EXPECT_EQ(w.status, S::kWarning);
  EXPECT_THAT(w.detail, HasSubstr("shop.orders.doc json -> LONGTEXT with a JSON_VALID check"));
  CheckResult r = check_target_types(mariadb_target(), mysql_source(), shape_with({json, vec}));
  EXPECT_EQ(r.status, S::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("shop.items.embedding vector(3): the target has no VECTOR type"));
  EXPECT_EQ(r.fix,
            "leave shop.items out of the pipeline, or change `embedding` on the source to the nearest type "
            "named");
  ServerFacts maria_source = mariadb_target().server;
  SourceColumn uuid{"shop", "orders", "ref", "uuid", "uuid", ""};
  CheckResult u = check_target_types(rds_mysql_target(), maria_source, shape_with({uuid}));
  EXPECT_EQ(u.status, S::kFailed);
  EXPECT_THAT(u.detail, HasSubstr("no uuid type (MariaDB 10.7+ only); nearest: CHAR(36)"));
  EXPECT_EQ(check_target_types(mariadb_target(), maria_source, shape_with({uuid})).status, S::kOk);
  SourceColumn inet{"shop", "hosts", "addr", "inet6", "inet6", ""};
  CheckResult i = check_target_types(rds_mysql_target(), maria_source, shape_with({inet}));
  EXPECT_EQ(i.status, S::kWarning);
  EXPECT_THAT(i.detail, HasSubstr("shop.hosts.addr inet6 -> BINARY(16) of the address's bytes"));
}

TEST(TargetReport, EveryCheckInOrderAndTheTargetInTheSummary) {
  PreflightReport report;
  report.server = "MySQL 9.7.1 (self-managed)";
  TargetFacts t = mariadb_target();
  evaluate_target(t, mysql_source(), shape_with({}), shop_request(), report);
  std::vector<std::string> names;
  for (const CheckResult& c : report.checks) names.push_back(c.name);
  EXPECT_THAT(names,
              ::testing::ElementsAre("target_server", "target_privileges", "target_position_privileges",
                                     "target_no_admin", "target_writable", "target_replication",
                                     "target_function_creators", "target_lower_case_table_names",
                                     "target_collations", "target_max_allowed_packet", "target_sql_mode",
                                     "target_timestamps", "target_types"));
  EXPECT_FALSE(report.failed()) << format_table(report);
  report.target = describe_server(t.server);
  EXPECT_THAT(format_table(report),
              HasSubstr("on MySQL 9.7.1 (self-managed), target MariaDB 10.11.1 (self-managed)\n"));
  EXPECT_THAT(format_json(report), HasSubstr("\"target\": \"MariaDB 10.11.1 (self-managed)\""));
}

}  // namespace
}  // namespace sluice::preflight
