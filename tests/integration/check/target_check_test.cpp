// `sluice check` of a config with a `target` (the replication target of `sluice replicate`),
// across the flavours (MariaDB -> MySQL, MySQL -> MariaDB): an applier account with too few
// privileges gets the GRANT that fixes it, a correct one passes, and a MySQL table with a
// collation and a type MariaDB lacks is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using ::testing::HasSubstr;

// The report line of check `name`: "<status> <name> ...".
std::string line_of(const std::string& table, const std::string& name) {
  for (const std::string& line : split_lines(table)) {
    size_t start = line.find_first_not_of(' ', line.find(' '));
    if (start != std::string::npos && line.compare(start, name.size() + 1, name + " ") == 0) return line;
  }
  return "";
}

std::string status(const std::string& line) { return line.substr(0, line.find(' ')); }

const char* const kApplierGrants =
    "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, "
    "CREATE ROUTINE, ALTER ROUTINE";

class TargetCheck : public ::testing::TestWithParam<std::pair<std::string, std::string>> {
 protected:
  void SetUp() override {
    source_ = shared_server(GetParam().first);
    target_ = shared_server(GetParam().second);
    admin_sql(
        source_,
        "CREATE DATABASE IF NOT EXISTS q_tgt_shop DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; "
        "CREATE TABLE IF NOT EXISTS q_tgt_shop.orders (id INT PRIMARY KEY, note VARCHAR(40), at TIMESTAMP "
        "NULL) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci");
    admin_sql(target_,
              "DROP USER IF EXISTS 'q_few'@'%'; DROP USER IF EXISTS 'q_applier'@'%'; "
              "CREATE USER 'q_few'@'%' IDENTIFIED BY 'applierpw'; "
              "CREATE USER 'q_applier'@'%' IDENTIFIED BY 'applierpw'; "
              "GRANT SELECT, INSERT ON q_tgt_shop.* TO 'q_few'@'%'; " +
                  std::string("GRANT ") + kApplierGrants + " ON q_tgt_shop.* TO 'q_applier'@'%'; GRANT " +
                  kApplierGrants +
                  " ON q_tgt_json.* TO 'q_applier'@'%'; "
                  "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON sluice.* TO 'q_applier'@'%'");
  }

  CommandResult check(const std::string& db, const std::string& user) {
    std::string target = "{\"host\": \"" + target_.host + "\", \"port\": " + std::to_string(target_.port) +
                         ", \"user\": \"" + user + "\", \"password\": \"applierpw\"}";
    std::string config = write_config(
        source_, "\"filter_dbs\": \"" + db + "\", \"server_id\": 4000000021, \"target\": " + target);
    return run_sluice({"check", "--config", config});
  }

  ServerInfo source_, target_;
};

TEST_P(TargetCheck, TooFewPrivilegesGetTheGrant) {
  CommandResult r = check("q_tgt_shop", "q_few");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string data = line_of(r.out, "target_privileges");
  EXPECT_EQ(status(data), "failed") << r.out;
  EXPECT_THAT(data,
              HasSubstr("-> fix: GRANT UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, "
                        "SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE ON `q_tgt_shop`.* TO 'q_few'@'%';"));
  std::string position = line_of(r.out, "target_position_privileges");
  EXPECT_EQ(status(position), "failed") << r.out;
  EXPECT_THAT(position, HasSubstr("-> fix: GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `sluice`.* TO "
                                  "'q_few'@'%';"));
  EXPECT_THAT(r.out, HasSubstr("2 failed, "));
}

TEST_P(TargetCheck, CorrectAccountPasses) {
  CommandResult r = check("q_tgt_shop", "q_applier");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* name :
       {"target_server", "target_privileges", "target_position_privileges", "target_no_admin",
        "target_writable", "target_function_creators", "target_lower_case_table_names", "target_collations",
        "target_max_allowed_packet", "target_types"}) {
    EXPECT_EQ(status(line_of(r.out, name)), "ok") << name << " in\n" << r.out;
  }
  EXPECT_THAT(line_of(r.out, "target_no_admin"), HasSubstr("needs no SUPER and no admin privilege"));
  // MySQL: the applier may not read the target's replica status (said, not failed); MariaDB: its
  // public Slaves_running counter says no replica thread runs.
  EXPECT_EQ(status(line_of(r.out, "target_replication")), target_.is_mysql() ? "info" : "ok") << r.out;
  EXPECT_THAT(r.out, HasSubstr(std::string(", target ") + (target_.is_mysql() ? "MySQL 9." : "MariaDB 10.")));
}

TEST_P(TargetCheck, MySqlCollationAndJsonIntoMariaDb) {
  if (source_.is_mysql() == target_.is_mysql()) GTEST_FAIL() << "the pairs cross flavours";
  if (!source_.is_mysql()) {
    // MariaDB's UUID has no MySQL type.
    admin_sql(source_,
              "CREATE DATABASE IF NOT EXISTS q_tgt_json; CREATE TABLE IF NOT EXISTS q_tgt_json.refs "
              "(id INT PRIMARY KEY, ref UUID)");
    CommandResult r = check("q_tgt_json", "q_applier");
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    std::string types = line_of(r.out, "target_types");
    EXPECT_EQ(status(types), "failed") << r.out;
    EXPECT_THAT(types, HasSubstr("q_tgt_json.refs.ref uuid: the target has no uuid type"));
    return;
  }
  admin_sql(source_,
            "CREATE DATABASE IF NOT EXISTS q_tgt_json; CREATE TABLE IF NOT EXISTS q_tgt_json.docs "
            "(id INT PRIMARY KEY, doc JSON, name VARCHAR(20) COLLATE utf8mb4_0900_ai_ci)");
  CommandResult r = check("q_tgt_json", "q_applier");
  // The applier rewrites MySQL's utf8mb4_0900_ai_ci to MariaDB's UCA 14.0.0 NO PAD collation.
  std::string collations = line_of(r.out, "target_collations");
  EXPECT_EQ(status(collations), "warning") << r.out;
  EXPECT_THAT(collations,
              HasSubstr("utf8mb4_0900_ai_ci -> utf8mb4_uca1400_nopad_ai_ci of q_tgt_json.docs.name"));
  std::string types = line_of(r.out, "target_types");
  EXPECT_EQ(status(types), "warning") << r.out;
  EXPECT_THAT(types, HasSubstr("q_tgt_json.docs.doc json -> LONGTEXT with a JSON_VALID check"));
}

TEST(TargetCheckConfig, BadTargetPartIsOneLineAndUnreachableTargetFails) {
  ServerInfo source = shared_server("mariadb");
  CommandResult bad =
      run_sluice({"check", "--config", write_config(source, "\"target\": {\"host\": \"h\"}")});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_EQ(bad.out, "");
  EXPECT_THAT(bad.err, HasSubstr("target: 'user' is required"));
  EXPECT_EQ(split_lines(bad.err).size(), 1U) << bad.err;

  // Port 1 listens nowhere: the source's lines print, the target's reach is one failed line.
  std::string target = "{\"host\": \"127.0.0.1\", \"port\": 1, \"user\": \"a\", \"password\": \"secretpw\"}";
  CommandResult r = run_sluice({"check", "--config", write_config(source, "\"target\": " + target)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(status(line_of(r.out, "binlog_format")), "ok") << r.out;
  std::string reach = line_of(r.out, "target_server");
  EXPECT_EQ(status(reach), "failed") << r.out;
  EXPECT_THAT(reach, HasSubstr("cannot reach the target: "));
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("secretpw")));
}

INSTANTIATE_TEST_SUITE_P(Pairs, TargetCheck,
                         ::testing::Values(std::pair<std::string, std::string>{"mariadb", "mysql"},
                                           std::pair<std::string, std::string>{"mysql", "mariadb"}),
                         [](const auto& p) { return p.param.first + "_into_" + p.param.second; });

}  // namespace
}  // namespace sluice::test
