// schema::rewind_table: a table taken back through the DDL of a binlog range, newest first.
#include "schema/history_rewind.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

TableSchema table(const std::vector<std::pair<std::string, std::string>>& cols) {
  TableSchema t;
  t.database = "shop";
  t.name = "t";
  t.primary_key = {"id"};
  for (const auto& [name, type] : cols) t.columns.push_back(column_from_type(name, "", type));
  return t;
}

std::vector<std::string> names(const TableSchema& t) {
  std::vector<std::string> out;
  for (const ColumnSchema& c : t.columns) out.push_back(c.name + ":" + c.column_type);
  return out;
}

std::vector<RangeStatement> range(const std::vector<std::string>& sqls) {
  std::vector<RangeStatement> out;
  uint64_t pos = 100;
  for (const std::string& sql : sqls)
    out.push_back({core::BinlogPosition{"bin.000001", pos += 100}, "shop", sql});
  return out;
}

TEST(HistoryRewind, UndoesAddsAndRenamesNewestFirst) {
  TableSchema now = table({{"id", "int"}, {"e", "int"}, {"a", "int"}, {"bb", "varchar(20)"}, {"f", "text"}});
  auto ddl =
      range({"ALTER TABLE t ADD COLUMN e INT AFTER id", "BEGIN", "INSERT INTO other VALUES (1)",
             "ALTER TABLE shop.t RENAME COLUMN b TO bb, ADD COLUMN f TEXT", "ALTER TABLE other DROP COLUMN x",
             "TRUNCATE TABLE t", "ALTER TABLE t ADD PRIMARY KEY (id, a)"});
  Rewound r = rewind_table(now, ddl);
  EXPECT_EQ(r.unknown, "");
  EXPECT_EQ(names(r.table), (std::vector<std::string>{"id:int", "a:int", "b:varchar(20)"}));
  EXPECT_EQ(r.table.columns[2].ordinal, 3u);
}

TEST(HistoryRewind, StatementsThatCannotBeUndoneAreNamed) {
  TableSchema now = table({{"id", "int"}, {"a", "bigint"}, {"c", "int"}});
  struct Case {
    std::string sql;
    std::string why;
    bool known_after;
  };
  for (const Case& k : std::vector<Case>{
           {"ALTER TABLE t DROP COLUMN b", "DROP COLUMN `b`", true},
           {"ALTER TABLE t MODIFY a BIGINT", "MODIFY/CHANGE of `a`", true},
           {"ALTER TABLE t CHANGE x a BIGINT", "MODIFY/CHANGE of `x`", true},
           {"ALTER TABLE t CONVERT TO CHARACTER SET latin1", "CONVERT TO CHARACTER SET", true},
           {"ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT", "IF NOT EXISTS", true},
           {"CREATE TABLE t (id INT)", "created in the range", false},
           {"DROP TABLE IF EXISTS t", "dropped", false},
           {"RENAME TABLE u TO t", "renamed", false},
           {"DROP DATABASE shop", "database was dropped", false},
       }) {
    auto ddl = range({"ALTER TABLE t ADD COLUMN zz INT", k.sql, "ALTER TABLE t ADD COLUMN c INT"});
    TableSchema later = now;
    Rewound r = rewind_table(later, ddl);
    EXPECT_NE(r.unknown.find(k.why), std::string::npos) << k.sql << ": " << r.unknown;
    ASSERT_NE(r.statement, nullptr) << k.sql;
    EXPECT_EQ(r.statement->sql, k.sql);
    EXPECT_EQ(r.known_after, k.known_after) << k.sql;
    // The table just after the statement: the newer ADD COLUMN c undone.
    EXPECT_EQ(names(r.table), (std::vector<std::string>{"id:int", "a:bigint"})) << k.sql;
  }
}

TEST(HistoryRewind, OtherTablesAndTemporaryTablesDoNotCount) {
  TableSchema now = table({{"id", "int"}, {"a", "int"}});
  auto ddl =
      range({"CREATE TEMPORARY TABLE t (x INT)", "DROP TEMPORARY TABLE t", "ALTER TABLE shop.u DROP COLUMN a",
             "ALTER TABLE other.t MODIFY a BIGINT", "CREATE DATABASE x"});
  Rewound r = rewind_table(now, ddl);
  EXPECT_EQ(r.unknown, "");
  EXPECT_EQ(names(r.table), (std::vector<std::string>{"id:int", "a:int"}));
}

TEST(HistoryRewind, MayChangeColumnsKeepsOnlyDdl) {
  EXPECT_FALSE(may_change_columns("BEGIN", "shop"));
  EXPECT_FALSE(may_change_columns("INSERT INTO t VALUES (1)", "shop"));
  EXPECT_FALSE(may_change_columns("TRUNCATE t", "shop"));
  EXPECT_TRUE(may_change_columns("ALTER TABLE t ADD COLUMN x INT /* xid=42 */", "shop"));
  EXPECT_TRUE(may_change_columns("DROP TABLE t", ""));
}

}  // namespace
}  // namespace sluice::schema
