// Replicated DDL rewritten for the target's flavour (ddl_rewrite.h): each rewrite, what is left
// alone (strings, comments the target skips, names that only look like options), and each
// refusal naming the statement.
#include "replicate/ddl_rewrite.h"

#include <gtest/gtest.h>

namespace sluice::replicate {
namespace {

const schema::SqlServer kMariaDb{101119, true};
const schema::SqlServer kOldMariaDb{100611, true};
const schema::SqlServer kMySql{90704, false};

std::string to(const schema::SqlServer& target, std::string_view sql) {
  auto r = rewrite_ddl(sql, target);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : "";
}

std::string refusal(const schema::SqlServer& target, std::string_view sql) {
  auto r = rewrite_ddl(sql, target);
  EXPECT_FALSE(r) << sql;
  return r ? "" : r.error().message;
}

TEST(DdlRewrite, MySqlCollationsOnMariaDb) {
  EXPECT_EQ(
      to(kMariaDb,
         "CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_0900_ai_ci, b TEXT CHARACTER SET utf8mb4 COLLATE "
         "`utf8mb4_sv_0900_as_cs`, c CHAR(1) COLLATE utf8mb4_0900_bin) DEFAULT CHARSET=utf8mb4 "
         "COLLATE=utf8mb4_0900_as_ci"),
      "CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_uca1400_nopad_ai_ci, b TEXT CHARACTER SET utf8mb4 "
      "COLLATE "
      "utf8mb4_uca1400_swedish_nopad_as_cs, c CHAR(1) COLLATE utf8mb4_nopad_bin) DEFAULT CHARSET=utf8mb4 "
      "COLLATE=utf8mb4_uca1400_nopad_as_ci");
  EXPECT_EQ(to(kMariaDb, "ALTER TABLE t ADD COLUMN d VARCHAR(3) COLLATE 'utf8mb4_de_pb_0900_ai_ci'"),
            "ALTER TABLE t ADD COLUMN d VARCHAR(3) COLLATE utf8mb4_uca1400_german2_nopad_ai_ci");
  EXPECT_EQ(to(kOldMariaDb, "CREATE DATABASE d COLLATE utf8mb4_0900_ai_ci"),
            "CREATE DATABASE d COLLATE utf8mb4_unicode_520_nopad_ci");
  // Shared collations, strings and comments stay.
  const char* same =
      "CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_bin DEFAULT 'utf8mb4_0900_ai_ci') /* COLLATE "
      "utf8mb4_0900_ai_ci */";
  EXPECT_EQ(to(kMariaDb, same), same);
  EXPECT_NE(refusal(kMariaDb, "CREATE TABLE t (a TEXT COLLATE utf8mb4_ru_0900_ai_ci)")
                .find("collation utf8mb4_ru_0900_ai_ci"),
            std::string::npos);
  EXPECT_NE(
      refusal(kOldMariaDb, "CREATE TABLE t (a TEXT COLLATE utf8mb4_0900_as_cs)").find("`CREATE TABLE t"),
      std::string::npos);
  EXPECT_EQ(mariadb_collation_for_mysql_id(255, kMariaDb), "utf8mb4_uca1400_nopad_ai_ci");
  EXPECT_EQ(mariadb_collation_for_mysql_id(309, kMariaDb), "utf8mb4_nopad_bin");
  EXPECT_EQ(mariadb_collation_for_mysql_id(45, kMariaDb), "");
  EXPECT_EQ(mariadb_collation_for_mysql_id(255, kMySql), "");
}

TEST(DdlRewrite, MariaDbCollationsOnMySql) {
  EXPECT_EQ(to(kMySql,
               "CREATE TABLE t (a TEXT COLLATE utf8mb4_uca1400_ai_ci, b TEXT COLLATE "
               "utf8mb4_uca1400_swedish_nopad_as_cs,"
               " c TEXT COLLATE utf8mb4_nopad_bin) COLLATE=utf8mb4_uca1400_nopad_as_ci"),
            "CREATE TABLE t (a TEXT COLLATE utf8mb4_0900_ai_ci, b TEXT COLLATE utf8mb4_sv_0900_as_cs,"
            " c TEXT COLLATE utf8mb4_0900_bin) COLLATE=utf8mb4_0900_as_ci");
  for (const char* c :
       {"utf8mb4_uca1400_ai_cs", "utf8mb4_uca1400_persian_ai_ci", "utf8mb4_uca1400_swedish_as_ci",
        "utf8mb4_unicode_520_nopad_ci", "utf8mb4_thai_520_w2", "uca1400_ai_ci"}) {
    EXPECT_NE(refusal(kMySql, std::string("CREATE TABLE t (a TEXT COLLATE ") + c + ")").find(c),
              std::string::npos)
        << c;
  }
  EXPECT_EQ(to(kMySql, "CREATE TABLE t (a TEXT COLLATE utf8mb4_unicode_520_ci)"),
            "CREATE TABLE t (a TEXT COLLATE utf8mb4_unicode_520_ci)");
}

TEST(DdlRewrite, DefinerRemovedOnBoth) {
  for (const auto& target : {kMariaDb, kMySql}) {
    EXPECT_EQ(
        to(target,
           "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW v AS SELECT 1"),
        "CREATE ALGORITHM=UNDEFINED  SQL SECURITY DEFINER VIEW v AS SELECT 1");
    EXPECT_EQ(to(target, "CREATE DEFINER = 'app'@'%' PROCEDURE p() SELECT 1"),
              "CREATE  PROCEDURE p() SELECT 1");
    EXPECT_EQ(
        to(target, "CREATE DEFINER=CURRENT_USER() TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a = 1"),
        "CREATE  TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a = 1");
  }
}

TEST(DdlRewrite, MySqlOptionsAndTypesOnMariaDb) {
  EXPECT_EQ(to(kMariaDb,
               "CREATE TABLE t (a INT, KEY k (a) INVISIBLE, c INT INVISIBLE) ENGINE=InnoDB ENCRYPTION='N'"),
            "CREATE TABLE t (a INT, KEY k (a) IGNORED, c INT INVISIBLE) ENGINE=InnoDB ");
  EXPECT_EQ(to(kMariaDb, "CREATE DATABASE d DEFAULT CHARACTER SET utf8mb4 DEFAULT ENCRYPTION='N'"),
            "CREATE DATABASE d DEFAULT CHARACTER SET utf8mb4 ");
  EXPECT_EQ(to(kMariaDb, "ALTER TABLE t SECONDARY_ENGINE=RAPID, ADD COLUMN b INT"),
            "ALTER TABLE t ADD COLUMN b INT");
  // MariaDB skips MySQL's versioned comments itself.
  const char* versioned = "CREATE TABLE t (a INT) /*!80016 ENCRYPTION='Y' */";
  EXPECT_EQ(to(kMariaDb, versioned), versioned);
  // Names that only look like options or types.
  const char* names = "ALTER TABLE encryption ADD COLUMN vector INT, ADD KEY vector (vector)";
  EXPECT_EQ(to(kMariaDb, names), names);
  EXPECT_NE(refusal(kMariaDb, "CREATE TABLE t (a INT) ENCRYPTION='Y'").find("ENCRYPTION='Y'"),
            std::string::npos);
  EXPECT_NE(refusal(kMariaDb, "CREATE TABLE t (id INT, v VECTOR(3))").find("a VECTOR column"),
            std::string::npos);
  EXPECT_NE(refusal(kMariaDb, "ALTER TABLE t ADD COLUMN v VECTOR(3)")
                .find("`ALTER TABLE t ADD COLUMN v VECTOR(3)`"),
            std::string::npos);
}

TEST(DdlRewrite, MariaDbOptionsAndTypesOnMySql) {
  EXPECT_EQ(
      to(kMySql,
         "CREATE TABLE t (a INT, ip INET6, ip4 INET4 NOT NULL, KEY k (a) IGNORED) ENGINE=InnoDB "
         "PAGE_CHECKSUM=1 TRANSACTIONAL=0"),
      "CREATE TABLE t (a INT, ip BINARY(16), ip4 BINARY(4) NOT NULL, KEY k (a) INVISIBLE) ENGINE=InnoDB  ");
  EXPECT_EQ(to(kMySql, "ALTER TABLE t ADD COLUMN b INET6, ALTER INDEX k NOT IGNORED, ENCRYPTED=NO"),
            "ALTER TABLE t ADD COLUMN b BINARY(16), ALTER INDEX k VISIBLE");
  EXPECT_EQ(to(kMySql, "ALTER TABLE t CHANGE COLUMN a b INET4"), "ALTER TABLE t CHANGE COLUMN a b BINARY(4)");
  const char* uuid_fn = "CREATE TABLE t (id CHAR(36) DEFAULT (UUID()), uuid INT, KEY uuid (uuid))";
  EXPECT_EQ(to(kMySql, uuid_fn), uuid_fn);
  const char* mariadb_only = "CREATE TABLE t (a INT) /*M!100316 PAGE_CHECKSUM=1 */";
  EXPECT_EQ(to(kMySql, mariadb_only), mariadb_only);
  EXPECT_NE(refusal(kMySql, "CREATE TABLE t (id INT, u UUID)").find("a UUID column"), std::string::npos);
  EXPECT_NE(refusal(kMySql, "CREATE TABLE t (a INT) WITH SYSTEM VERSIONING").find("WITH SYSTEM VERSIONING"),
            std::string::npos);
  EXPECT_NE(refusal(kMySql, "CREATE TABLE t (a INT) ENCRYPTED=YES").find("ENCRYPTED=YES"), std::string::npos);
}

}  // namespace
}  // namespace sluice::replicate
