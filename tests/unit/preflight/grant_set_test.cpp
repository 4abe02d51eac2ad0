// SHOW GRANTS parsing, on lines printed by MariaDB 10.11 and MySQL 9.7 (the test servers).
#include "preflight/grant_set.h"

#include <gtest/gtest.h>

namespace sluice::preflight {
namespace {

TEST(GrantSet, MariaDbReplicationUserUsesTheNewClientName) {
  GrantSet g = GrantSet::parse(
      {"GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, SHOW VIEW ON *.* TO `sluice`@`%` "
       "IDENTIFIED BY PASSWORD '*B609D30D7A50F3281EFFC7FDA6A7F16B7CB7B1BB'"});
  EXPECT_TRUE(g.has_global("SELECT"));
  EXPECT_TRUE(g.has_global("RELOAD"));
  EXPECT_TRUE(g.has_global("REPLICATION SLAVE"));
  EXPECT_TRUE(g.has_global("REPLICATION CLIENT"));  // BINLOG MONITOR is its 10.5 name
  EXPECT_FALSE(g.has_global("LOCK TABLES"));
  EXPECT_FALSE(g.all_global());
  EXPECT_TRUE(g.unparsed().empty());
}

TEST(GrantSet, MySqlUserWithoutReplicationPrivileges) {
  GrantSet g = GrantSet::parse({"GRANT SELECT, SHOW DATABASES ON *.* TO `sluice_norepl`@`%`"});
  EXPECT_TRUE(g.has_global("SELECT"));
  EXPECT_TRUE(g.has_on_database("SELECT", "shop"));
  EXPECT_FALSE(g.has_global("REPLICATION SLAVE"));
  EXPECT_FALSE(g.has_global("REPLICATION CLIENT"));
}

TEST(GrantSet, AllPrivilegesCoversEverything) {
  GrantSet g = GrantSet::parse({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` IDENTIFIED BY PASSWORD "
                                "'*79D0' WITH GRANT OPTION",
                                "GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION"});
  EXPECT_TRUE(g.all_global());
  EXPECT_TRUE(g.has_global("REPLICATION SLAVE"));
  EXPECT_TRUE(g.has_on_database("LOCK TABLES", "any"));
}

TEST(GrantSet, MySqlDynamicPrivilegesWithoutSpaces) {
  GrantSet g = GrantSet::parse({"GRANT BACKUP_ADMIN,BINLOG_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO `root`@`localhost`"});
  EXPECT_TRUE(g.has_global("BACKUP_ADMIN"));
  EXPECT_TRUE(g.has_global("REPLICATION_SLAVE_ADMIN"));
  EXPECT_FALSE(g.has_global("REPLICATION SLAVE"));
}

TEST(GrantSet, SuperStandsInForReplicationClientOnly) {
  GrantSet g = GrantSet::parse({"GRANT SUPER ON *.* TO 'old'@'%'"});
  EXPECT_TRUE(g.has_global("REPLICATION CLIENT"));
  EXPECT_FALSE(g.has_global("REPLICATION SLAVE"));
}

TEST(GrantSet, DatabaseLevelGrantWithEscapedUnderscore) {
  GrantSet g = GrantSet::parse({"GRANT USAGE ON *.* TO `pf_u`@`%`",
                                "GRANT SELECT, LOCK TABLES ON `shop\\_db`.* TO `pf_u`@`%`"});
  EXPECT_FALSE(g.has_global("SELECT"));
  EXPECT_TRUE(g.has_on_database("SELECT", "shop_db"));
  EXPECT_TRUE(g.has_on_database("LOCK TABLES", "shop_db"));
  EXPECT_FALSE(g.has_on_database("SELECT", "shopXdb"));  // escaped: not a wildcard
  EXPECT_FALSE(g.has_on_database("SELECT", "other"));
  EXPECT_EQ(g.databases_with("SELECT"), std::vector<std::string>{"shop\\_db"});
}

TEST(GrantSet, WildcardDatabasePatterns) {
  GrantSet g = GrantSet::parse({"GRANT SELECT ON `app_%`.* TO `u`@`%`"});
  EXPECT_TRUE(g.has_on_database("SELECT", "app_eu"));
  EXPECT_TRUE(g.has_on_database("SELECT", "appXeu"));  // unescaped _ matches any character
  EXPECT_FALSE(g.has_on_database("SELECT", "ap"));
}

TEST(GrantSet, TableAndColumnLevelGrantsAreNotDatabaseWide) {
  GrantSet g = GrantSet::parse({"GRANT SELECT ON `shop`.`orders` TO `u`@`%`",
                                "GRANT SELECT (`id`, `name`), INSERT ON `shop`.`users` TO `u`@`%`"});
  EXPECT_FALSE(g.has_on_database("SELECT", "shop"));
  EXPECT_TRUE(g.has_on_some_tables("SELECT", "shop"));
  EXPECT_FALSE(g.has_on_some_tables("SELECT", "other"));
  ASSERT_EQ(g.lines().size(), 2U);
  EXPECT_EQ(g.lines()[1].table, "users");
  EXPECT_EQ(g.lines()[1].privileges, (std::vector<std::string>{"SELECT", "INSERT"}));
}

TEST(GrantSet, PartialRevokeRemovesOneDatabase) {
  GrantSet g = GrantSet::parse({"GRANT SELECT ON *.* TO `u`@`%`", "REVOKE SELECT ON `secret`.* FROM `u`@`%`"});
  EXPECT_TRUE(g.has_on_database("SELECT", "shop"));
  EXPECT_FALSE(g.has_on_database("SELECT", "secret"));
}

TEST(GrantSet, RolesAreListedAndRoleGrantsCount) {
  GrantSet mysql = GrantSet::parse({"GRANT USAGE ON *.* TO `pf_u`@`%`",
                                    "GRANT SELECT, LOCK TABLES ON `shop\\_db`.* TO `pf_u`@`%`",
                                    "GRANT `pf_reader`@`%`,`other`@`%` TO `pf_u`@`%`"});
  EXPECT_EQ(mysql.roles(), (std::vector<std::string>{"`pf_reader`@`%`", "`other`@`%`"}));
  EXPECT_TRUE(mysql.has_on_database("SELECT", "shop_db"));
  GrantSet mariadb = GrantSet::parse({"GRANT `pf_reader` TO `pf_u`@`%`", "GRANT USAGE ON *.* TO `pf_reader`",
                                      "GRANT SELECT, LOCK TABLES ON `shop\\_db`.* TO `pf_reader`",
                                      "SET DEFAULT ROLE `pf_reader` FOR `pf_u`@`%`"});
  EXPECT_EQ(mariadb.roles(), std::vector<std::string>{"`pf_reader`"});
  EXPECT_TRUE(mariadb.has_on_database("SELECT", "shop_db"));
  EXPECT_EQ(mariadb.unparsed(), std::vector<std::string>{"SET DEFAULT ROLE `pf_reader` FOR `pf_u`@`%`"});
}

TEST(GrantSet, RoutineGrantsAndGarbageDoNotGrantAnything) {
  GrantSet g = GrantSet::parse({"GRANT EXECUTE ON PROCEDURE `mysql`.`rds_show_configuration` TO `u`@`%`",
                                "GRANT SELECT ON", "", "GRANT SELECT ON `unterminated.* TO `u`@`%`",
                                "GRANT  ON *.* TO x", "hello"});
  EXPECT_FALSE(g.has_global("SELECT"));
  EXPECT_FALSE(g.has_global("EXECUTE"));
  EXPECT_TRUE(g.lines().empty());
}

TEST(GrantSet, QuotedNamesContainingKeywords) {
  GrantSet g = GrantSet::parse({"GRANT SELECT ON `a TO b ON c`.* TO `u`@`%`"});
  ASSERT_EQ(g.lines().size(), 1U);
  EXPECT_EQ(g.lines()[0].database, "a TO b ON c");
  EXPECT_TRUE(g.has_on_database("SELECT", "a TO b ON c"));
}

TEST(GrantPattern, Matching) {
  EXPECT_TRUE(grant_pattern_matches("%", ""));
  EXPECT_TRUE(grant_pattern_matches("a%c", "abbbc"));
  EXPECT_FALSE(grant_pattern_matches("a%c", "abbb"));
  EXPECT_TRUE(grant_pattern_matches("a\\%", "a%"));
  EXPECT_FALSE(grant_pattern_matches("a\\%", "ab"));
  EXPECT_TRUE(grant_pattern_matches("_", "x"));
  EXPECT_FALSE(grant_pattern_matches("_", ""));
}

}  // namespace
}  // namespace sluice::preflight
