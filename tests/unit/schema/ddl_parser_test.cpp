// The DDL parser on the statements users write and servers log (schema/ddl_parser.h).
#include <gtest/gtest.h>

#include "schema/ddl_lexer.h"
#include "schema/ddl_parser.h"

namespace sluice::schema {
namespace {

DdlStatement parse(std::string_view sql, std::string_view db = "d") {
  auto r = parse_ddl(sql, db);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : DdlStatement{};
}

std::vector<AlterSpec::Op> ops_of(const DdlStatement& st) {
  std::vector<AlterSpec::Op> out;
  for (const auto& s : st.specs) out.push_back(s.op);
  return out;
}

std::vector<std::string> names(const TableSchema& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(DdlLexer, QuotesCommentsAndVersionedComments) {
  auto t = tokenize_sql("SELECT `a``b`, \"c\"\"d\", 'e''f\\n' -- x\n # y\n /* z */ /*!50100 k */ /*M!100100 m*/ 1.5");
  ASSERT_TRUE(t);
  std::vector<std::string> texts;
  for (const Token& tok : *t) texts.push_back(tok.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"SELECT", "a`b", ",", "c\"d", ",", "e'f\n", "k", "m", "1.5", ""}));
  EXPECT_EQ((*t)[1].kind, TokenKind::kQuotedIdent);
  EXPECT_EQ((*t)[3].kind, TokenKind::kDoubleQuoted);
  EXPECT_EQ((*t)[5].kind, TokenKind::kString);
  EXPECT_FALSE(tokenize_sql("SELECT 'open"));
  EXPECT_FALSE(tokenize_sql("SELECT /* open"));
  EXPECT_FALSE(tokenize_sql("CREATE TABLE `t"));
}

TEST(DdlParser, CreateTableColumnsTypesAndKeys) {
  auto st = parse(
      "CREATE TABLE IF NOT EXISTS `shop`.`Orders` (\n"
      "  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
      "  `price` DECIMAL(12,2) DEFAULT '0.00' COMMENT 'a, (tricky) comment',\n"
      "  status ENUM('new','it''s','a,b') CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'new',\n"
      "  flags SET('x','y'),\n"
      "  ts TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n"
      "  total INT AS (id * 2) VIRTUAL,\n"
      "  g INT GENERATED ALWAYS AS (id + 1) STORED,\n"
      "  ok BOOL, n NUMERIC, c CHAR, v NATIONAL VARCHAR(10), d DOUBLE PRECISION, f FLOAT(30),\n"
      "  code VARCHAR(20) UNIQUE,\n"
      "  PRIMARY KEY (id),\n"
      "  UNIQUE KEY uk_price (price, status(2) DESC),\n"
      "  KEY idx (ts), FULLTEXT KEY ft (code), CONSTRAINT fk FOREIGN KEY (id) REFERENCES o (id) ON DELETE CASCADE,\n"
      "  CONSTRAINT chk CHECK (price > 0)\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='x' PARTITION BY HASH (id) PARTITIONS 4");
  ASSERT_EQ(st.kind, DdlKind::kCreateTable) << st.reason;
  EXPECT_TRUE(st.if_not_exists);
  ASSERT_EQ(st.tables.size(), 1u);
  EXPECT_EQ(st.tables[0].str(), "shop.Orders");
  const TableSchema& t = st.table;
  EXPECT_EQ(names(t), (std::vector<std::string>{"id", "price", "status", "flags", "ts", "total", "g", "ok", "n", "c",
                                                "v", "d", "f", "code"}));
  EXPECT_EQ(t.columns[0].column_type, "bigint unsigned");
  EXPECT_EQ(t.columns[0].kind, ColumnKind::kBigInt);
  EXPECT_TRUE(t.columns[0].is_unsigned);
  EXPECT_FALSE(t.columns[0].nullable);
  EXPECT_TRUE(t.columns[0].auto_increment);
  EXPECT_EQ(t.columns[1].precision, 12u);
  EXPECT_EQ(t.columns[1].scale, 2u);
  EXPECT_EQ(t.columns[2].kind, ColumnKind::kEnum);
  EXPECT_EQ(t.columns[2].enum_values, (std::vector<std::string>{"new", "it's", "a,b"}));
  EXPECT_EQ(t.columns[2].charset, "utf8mb4");
  EXPECT_EQ(t.columns[2].collation, "utf8mb4_bin");
  EXPECT_FALSE(t.columns[2].nullable);
  EXPECT_EQ(t.columns[3].enum_values, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.columns[4].fsp, 3);
  EXPECT_EQ(t.columns[4].kind, ColumnKind::kTimestamp);
  EXPECT_TRUE(t.columns[5].generated);
  EXPECT_TRUE(t.columns[6].generated);
  EXPECT_TRUE(t.columns[7].is_boolean);
  EXPECT_EQ(t.columns[8].column_type, "decimal(10,0)");
  EXPECT_EQ(t.columns[9].column_type, "char(1)");
  EXPECT_EQ(t.columns[10].kind, ColumnKind::kVarchar);
  EXPECT_EQ(t.columns[11].kind, ColumnKind::kDouble);
  EXPECT_EQ(t.columns[12].kind, ColumnKind::kDouble);  // FLOAT(30)
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"id"}));
  ASSERT_EQ(t.unique_keys.size(), 2u);
  EXPECT_EQ(t.unique_keys[0].name, "code");
  EXPECT_EQ(t.unique_keys[1].name, "uk_price");
  EXPECT_EQ(t.unique_keys[1].columns, (std::vector<std::string>{"price", "status"}));
  for (size_t i = 0; i < t.columns.size(); ++i) EXPECT_EQ(t.columns[i].ordinal, i + 1);
}

TEST(DdlParser, CreateTableAsServersLogIt) {
  // mysqldump / SHOW CREATE TABLE style with versioned comments, as replayed into a binlog.
  auto st = parse(
      "/*!40101 SET @saved_cs_client = @@character_set_client */;");
  EXPECT_EQ(st.kind, DdlKind::kOther);
  st = parse(
      "CREATE TABLE `t1` (\n  `a` int(11) NOT NULL,\n  `b` varchar(10) /*!100301 COMPRESSED*/ DEFAULT NULL,\n"
      "  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),\n"
      "  PRIMARY KEY (`a`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 /*!50100 PARTITION BY RANGE (`a`)\n"
      "(PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB) */");
  ASSERT_EQ(st.kind, DdlKind::kCreateTable) << st.reason;
  EXPECT_EQ(names(st.table), (std::vector<std::string>{"a", "b", "j"}));
  EXPECT_EQ(st.table.columns[0].column_type, "int(11)");
  // MySQL 8 logs CREATE TABLE ... SELECT as the created table plus rows (atomic DDL).
  st = parse("CREATE TABLE `t2` (\n  `x` int DEFAULT NULL\n) START TRANSACTION");
  ASSERT_EQ(st.kind, DdlKind::kCreateTable);
  EXPECT_EQ(names(st.table), (std::vector<std::string>{"x"}));
  // MariaDB's OR REPLACE, SERIAL, ANSI-quoted names, quoted name with a doubled backtick.
  st = parse("create or replace table \"q\".`we``ird` (id serial, `sp ace` int)");
  ASSERT_EQ(st.kind, DdlKind::kCreateTable);
  EXPECT_TRUE(st.or_replace);
  EXPECT_EQ(st.tables[0].str(), "q.we`ird");
  EXPECT_EQ(st.table.columns[0].column_type, "bigint unsigned");
  EXPECT_FALSE(st.table.columns[0].nullable);
  EXPECT_EQ(st.table.columns[1].name, "sp ace");
}

TEST(DdlParser, CreateLikeSelectTemporaryAndOther) {
  auto st = parse("CREATE TABLE t2 LIKE other.t1");
  EXPECT_EQ(st.kind, DdlKind::kCreateTableLike);
  EXPECT_EQ(st.like.str(), "other.t1");
  EXPECT_EQ(st.tables[0].str(), "d.t2");
  EXPECT_EQ(parse("CREATE TABLE t2 (LIKE t1)").kind, DdlKind::kCreateTableLike);
  EXPECT_EQ(parse("CREATE TABLE t3 AS SELECT * FROM t1").kind, DdlKind::kCreateTableSelect);
  EXPECT_EQ(parse("CREATE TABLE t3 SELECT 1 AS a").kind, DdlKind::kCreateTableSelect);
  EXPECT_EQ(parse("CREATE TABLE t3 (a INT) ENGINE=InnoDB SELECT 1 AS a").kind, DdlKind::kCreateTableSelect);
  EXPECT_EQ(parse("CREATE TABLE t3 (a INT) IGNORE SELECT 1 AS a").kind, DdlKind::kCreateTableSelect);
  EXPECT_TRUE(parse("CREATE TEMPORARY TABLE tmp (a INT)").temporary);
  EXPECT_EQ(parse("CREATE DEFINER=`root`@`%` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a=1").kind, DdlKind::kOther);
  EXPECT_EQ(parse("CREATE INDEX i ON t (a)").kind, DdlKind::kOther);
  EXPECT_EQ(parse("BEGIN").kind, DdlKind::kOther);
  EXPECT_EQ(parse("INSERT INTO t VALUES (1)").kind, DdlKind::kOther);
  EXPECT_EQ(parse("CREATE VIEW v AS SELECT 1").kind, DdlKind::kOther);
  auto db = parse("CREATE DATABASE IF NOT EXISTS `x y`");
  EXPECT_EQ(db.kind, DdlKind::kCreateDatabase);
  EXPECT_EQ(db.database, "x y");
  EXPECT_EQ(parse("drop schema if exists s").kind, DdlKind::kDropDatabase);
  EXPECT_EQ(parse("CREATE TABLE t (a INT, ~~)").kind, DdlKind::kUnparsed);
}

TEST(DdlParser, DropRenameTruncate) {
  // MySQL and MariaDB both add this comment to the DROP TABLE they log.
  auto st = parse("DROP TABLE IF EXISTS `t1`,`other`.`t2` /* generated by server */");
  ASSERT_EQ(st.kind, DdlKind::kDropTable);
  ASSERT_EQ(st.tables.size(), 2u);
  EXPECT_EQ(st.tables[0].str(), "d.t1");
  EXPECT_EQ(st.tables[1].str(), "other.t2");
  EXPECT_TRUE(parse("DROP TEMPORARY TABLE IF EXISTS `t`").temporary);
  st = parse("RENAME TABLE a TO b, x.c TO y.d");
  ASSERT_EQ(st.kind, DdlKind::kRenameTable);
  ASSERT_EQ(st.tables.size(), 4u);
  EXPECT_EQ(st.tables[1].str(), "d.b");
  EXPECT_EQ(st.tables[3].str(), "y.d");
  st = parse("TRUNCATE TABLE `t`");
  EXPECT_EQ(st.kind, DdlKind::kTruncateTable);
  EXPECT_EQ(parse("truncate t").kind, DdlKind::kTruncateTable);
  EXPECT_EQ(parse("RENAME USER a TO b").kind, DdlKind::kOther);
}

TEST(DdlParser, PartitionClausesThatMoveRowsWithoutRowEvents) {
  auto st = parse("ALTER TABLE t TRUNCATE PARTITION p0, p1");
  EXPECT_EQ(st.kind, DdlKind::kAlterTable);
  EXPECT_EQ(st.rows_without_events, "TRUNCATE PARTITION");
  EXPECT_TRUE(st.specs.empty());
  EXPECT_EQ(parse("ALTER TABLE t TRUNCATE PARTITION ALL").rows_without_events, "TRUNCATE PARTITION");
  EXPECT_EQ(parse("alter table t drop partition p2").rows_without_events, "DROP PARTITION");
  st = parse("ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE x.t2 WITHOUT VALIDATION");
  EXPECT_EQ(st.rows_without_events, "EXCHANGE PARTITION");
  EXPECT_EQ(st.exchanged_with.str(), "x.t2");
  st = parse("ALTER TABLE t CONVERT PARTITION p0 TO TABLE t_old");  // MariaDB 10.7+
  EXPECT_EQ(st.rows_without_events, "CONVERT PARTITION");
  EXPECT_EQ(st.exchanged_with.str(), "d.t_old");
  st = parse("ALTER TABLE t CONVERT TABLE t_new TO PARTITION p9 VALUES LESS THAN (100)");
  EXPECT_EQ(st.rows_without_events, "CONVERT TABLE");
  EXPECT_EQ(st.exchanged_with.str(), "d.t_new");
  // Partition changes that keep every row, and column changes, say nothing.
  for (const char* sql : {"ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))",
                          "ALTER TABLE t REORGANIZE PARTITION p0 INTO (PARTITION a VALUES LESS THAN (5))",
                          "ALTER TABLE t COALESCE PARTITION 2", "ALTER TABLE t REMOVE PARTITIONING",
                          "ALTER TABLE t REBUILD PARTITION p0", "ALTER TABLE t ADD COLUMN c INT",
                          "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4", "TRUNCATE TABLE t"}) {
    EXPECT_EQ(parse(sql).rows_without_events, "") << sql;
  }
  st = parse("ALTER TABLE t ADD COLUMN c INT, TRUNCATE PARTITION p0");
  EXPECT_EQ(st.specs.size(), 1u);
  EXPECT_EQ(st.rows_without_events, "TRUNCATE PARTITION");
}

TEST(DdlParser, AlterColumnSpecs) {
  auto st = parse(
      "ALTER TABLE t ADD COLUMN c INT NOT NULL DEFAULT 0 AFTER a, ADD d VARCHAR(5) FIRST, ADD e TEXT,"
      " ADD COLUMN (f INT, g ENUM('p','q')), DROP COLUMN IF EXISTS h, DROP x, MODIFY COLUMN a BIGINT,"
      " CHANGE b bb DATETIME(6) AFTER c, RENAME COLUMN e TO ee, ALTER COLUMN c SET DEFAULT 5,"
      " ALTER c DROP DEFAULT, ALGORITHM=INPLACE, LOCK=NONE");
  ASSERT_EQ(st.kind, DdlKind::kAlterTable) << st.reason;
  using Op = AlterSpec::Op;
  EXPECT_EQ(ops_of(st), (std::vector<Op>{Op::kAddColumn, Op::kAddColumn, Op::kAddColumn, Op::kAddColumn, Op::kAddColumn,
                                  Op::kDropColumn, Op::kDropColumn, Op::kChangeColumn, Op::kChangeColumn,
                                  Op::kRenameColumn}));
  EXPECT_EQ(st.specs[0].placement, Placement::kAfter);
  EXPECT_EQ(st.specs[0].after, "a");
  EXPECT_FALSE(st.specs[0].column.nullable);
  EXPECT_EQ(st.specs[1].placement, Placement::kFirst);
  EXPECT_EQ(st.specs[2].placement, Placement::kLast);
  EXPECT_EQ(st.specs[4].column.enum_values, (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(st.specs[5].if_exists);
  EXPECT_EQ(st.specs[7].name, "a");
  EXPECT_EQ(st.specs[7].column.kind, ColumnKind::kBigInt);
  EXPECT_EQ(st.specs[8].name, "b");
  EXPECT_EQ(st.specs[8].column.name, "bb");
  EXPECT_EQ(st.specs[8].column.fsp, 6);
  EXPECT_EQ(st.specs[9].new_name, "ee");
  EXPECT_TRUE(st.notes.empty());
}

TEST(DdlParser, AlterKeysRenameCharsetAndSkippedClauses) {
  auto st = parse(
      "ALTER ONLINE IGNORE TABLE IF EXISTS s.t ADD PRIMARY KEY (a, b), DROP PRIMARY KEY,"
      " ADD UNIQUE INDEX u (c), ADD CONSTRAINT c2 UNIQUE (d), DROP INDEX u, ADD INDEX i (a),"
      " ADD FULLTEXT (b), ADD FOREIGN KEY (a) REFERENCES p (id), DROP FOREIGN KEY fk, RENAME INDEX i TO j,"
      " ALTER INDEX j INVISIBLE, ENGINE=InnoDB, CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
      " ADD PARTITION (PARTITION p3 VALUES LESS THAN (30)), DROP PARTITION p0, RENAME TO s.t2,"
      " ORDER BY a, FORCE");
  ASSERT_EQ(st.kind, DdlKind::kAlterTable) << st.reason;
  using Op = AlterSpec::Op;
  EXPECT_EQ(ops_of(st), (std::vector<Op>{Op::kAddPrimaryKey, Op::kDropPrimaryKey, Op::kAddUniqueKey, Op::kAddUniqueKey,
                                  Op::kDropIndex, Op::kConvertCharset, Op::kRenameTable}));
  EXPECT_EQ(st.specs[0].key_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(st.specs[2].name, "u");
  EXPECT_EQ(st.specs[3].name, "c2");
  EXPECT_EQ(st.specs[5].charset, "utf8mb4");
  EXPECT_EQ(st.specs[6].new_table.str(), "s.t2");
  EXPECT_EQ(st.tables[0].str(), "s.t");
  EXPECT_TRUE(st.notes.empty());
  // Unknown clauses are noted, not fatal; clear column changes that cannot be parsed are.
  st = parse("ALTER TABLE t FROBNICATE 3");
  EXPECT_EQ(st.kind, DdlKind::kAlterTable);
  EXPECT_EQ(st.notes.size(), 1u);
  EXPECT_EQ(parse("ALTER TABLE t ADD COLUMN").kind, DdlKind::kUnparsed);
  EXPECT_EQ(parse("ALTER TABLE t MODIFY a").kind, DdlKind::kUnparsed);
  EXPECT_EQ(parse("ALTER TABLE t ADD SYSTEM VERSIONING").kind, DdlKind::kUnparsed);
  EXPECT_EQ(parse("ALTER TABLE t RENAME COLUMN a").kind, DdlKind::kUnparsed);
  EXPECT_EQ(parse("ALTER DATABASE d CHARACTER SET utf8mb4").kind, DdlKind::kOther);
  st = parse("alter table T rename as U");
  EXPECT_EQ(st.specs.at(0).new_table.str(), "d.U");
}

TEST(DdlParser, NoDefaultDatabase) {
  auto st = parse("ALTER TABLE t ADD c INT", "");
  EXPECT_EQ(st.tables[0].db, "");
}

}  // namespace
}  // namespace sluice::schema
