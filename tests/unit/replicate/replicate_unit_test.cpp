// The pure parts of `sluice replicate`: filters and renames, the start key, DDL database
// renames, sql_mode names and the SQL literals rows are written with.
#include <gtest/gtest.h>

#include "replicate/ddl_session.h"
#include "replicate/extractor.h"
#include "replicate/sql_value.h"
#include "replicate/table_filter.h"

namespace sluice::replicate {
namespace {

TEST(TableFilter, IncludeExcludeWildcardsAndRename) {
  EXPECT_TRUE(wildcard_match("shop_*", "shop_eu"));
  EXPECT_TRUE(wildcard_match("t?", "t1"));
  EXPECT_FALSE(wildcard_match("t?", "t12"));
  EXPECT_TRUE(wildcard_match("*a*b", "xxaxxb"));
  EXPECT_FALSE(wildcard_match("*a*b", "xxaxxbc"));
  TableFilter f({"shop.*", "crm.users"}, {"shop.tmp_*"}, {{"shop", "shop_replica"}});
  EXPECT_TRUE(f.follows("shop", "orders"));
  EXPECT_FALSE(f.follows("shop", "tmp_x"));
  EXPECT_TRUE(f.follows("crm", "users"));
  EXPECT_FALSE(f.follows("crm", "other"));
  EXPECT_FALSE(f.follows("mysql", "user"));
  EXPECT_TRUE(f.follows_database("crm"));
  EXPECT_FALSE(f.follows_database("other"));
  EXPECT_EQ(f.target_db("shop"), "shop_replica");
  EXPECT_EQ(f.target_db("crm"), "crm");
  EXPECT_EQ(f.exact_databases(), (std::vector<std::string>{"shop", "crm"}));
  EXPECT_TRUE(TableFilter({"s*.t"}, {}, {}).exact_databases().empty());
  EXPECT_TRUE(TableFilter().follows("any", "thing"));
}

TEST(ReplicateStart, NowFilePositionOrGtid) {
  EXPECT_EQ(parse_start("now")->kind, StartText::Kind::kNow);
  EXPECT_EQ(parse_start("mysql-bin.000042:4")->kind, StartText::Kind::kFilePos);
  EXPECT_EQ(parse_start("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5")->kind, StartText::Kind::kGtid);
  EXPECT_EQ(parse_start("0-1-42")->kind, StartText::Kind::kGtid);
  auto bad = parse_start("bogus:");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("replicate.start 'bogus:'"), std::string::npos) << bad.error().message;
}

TEST(DdlRename, QualifiedNamesAndDatabaseStatementsOnly) {
  EXPECT_EQ(rename_database("CREATE DATABASE shop", "shop", "copy"), "CREATE DATABASE `copy`");
  EXPECT_EQ(rename_database("DROP SCHEMA IF EXISTS `shop`", "shop", "copy"), "DROP SCHEMA IF EXISTS `copy`");
  EXPECT_EQ(rename_database("ALTER TABLE shop.t ADD shop INT COMMENT 'shop.x'", "shop", "copy"),
            "ALTER TABLE `copy`.t ADD shop INT COMMENT 'shop.x'");
  EXPECT_EQ(rename_database("RENAME TABLE `shop`.a TO `shop`.b", "shop", "copy"),
            "RENAME TABLE `copy`.a TO `copy`.b");
  EXPECT_EQ(rename_database("CREATE TABLE t (shop INT)", "shop", "copy"), "CREATE TABLE t (shop INT)");
}

TEST(DdlSession, MySqlCollationsNamedForMariaDb) {
  EXPECT_EQ(mariadb_collations("CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_0900_as_cs) DEFAULT "
                               "CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"),
            "CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_uca1400_nopad_as_cs) DEFAULT "
            "CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci");
  EXPECT_EQ(mariadb_collations("CREATE TABLE t (b TEXT COLLATE utf8mb4_0900_bin)"),
            "CREATE TABLE t (b TEXT COLLATE utf8mb4_nopad_bin)");
  EXPECT_EQ(mariadb_collations("CREATE TABLE t (c TEXT) COLLATE=utf8mb4_bin"),
            "CREATE TABLE t (c TEXT) COLLATE=utf8mb4_bin");
}

TEST(DdlSession, SqlModeBitsByName) {
  EXPECT_EQ(sql_mode_names(0), "");
  EXPECT_EQ(sql_mode_names((1ULL << 2) | (1ULL << 21) | (1ULL << 30)),
            "ANSI_QUOTES,STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION");
}

TEST(SqlValue, LiteralsForEachKind) {
  auto lit = [](core::Value v) {
    std::string out;
    append_sql_value(out, v);
    return out;
  };
  core::Value v;
  v.kind = core::ValueKind::kInt;
  v.i = -42;
  EXPECT_EQ(lit(v), "-42");
  v.kind = core::ValueKind::kString;
  v.text = "it's a \\ \n";
  EXPECT_EQ(lit(v), "'it\\'s a \\\\ \\n'");
  v.kind = core::ValueKind::kBytes;
  v.text = std::string_view("\x00\xff", 2);
  EXPECT_EQ(lit(v), "X'00FF'");
  v.kind = core::ValueKind::kDateTime;
  v.t = core::Temporal{2024, 2, 29, 59, 58, 23, 5, false};
  EXPECT_EQ(lit(v), "'2024-02-29 23:59:58.000005'");
  v.kind = core::ValueKind::kTime;
  v.t = core::Temporal{0, 0, 0, 1, 2, 838, 0, true};
  EXPECT_EQ(lit(v), "'-838:01:02'");
  v.kind = core::ValueKind::kTimestamp;
  v.ts = core::EpochTime{0, 0};
  EXPECT_EQ(lit(v), "'0000-00-00 00:00:00'");
  v.ts = core::EpochTime{86400, 250000};
  EXPECT_EQ(lit(v), "'1970-01-02 00:00:00.250000'");
  v.kind = core::ValueKind::kYear;
  v.u = 0;
  EXPECT_EQ(lit(v), "'0000'");
  v.kind = core::ValueKind::kFloat;
  v.f = 1.1f;
  EXPECT_EQ(lit(v), "1.1");
  v.kind = core::ValueKind::kNull;
  EXPECT_EQ(lit(v), "NULL");
  std::string id;
  append_identifier(id, "a`b");
  EXPECT_EQ(id, "`a``b`");
}

}  // namespace
}  // namespace sluice::replicate
