// Schema history: DDL sequences, lookups by position, persistence, compaction, and the
// resolver's checks against TABLE_MAP columns (schema/schema_history.h, history_resolver.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "schema/history_resolver.h"
#include "schema/schema_history.h"
#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

BinlogPosition at(uint64_t pos, std::string file = "mysql-bin.000001") { return {std::move(file), pos}; }

TableSchema table(std::string db, std::string name, std::vector<std::pair<std::string, std::string>> cols) {
  TableSchema t;
  t.database = std::move(db);
  t.name = std::move(name);
  for (auto& [n, type] : cols) {
    t.columns.push_back(column_from_type(n, "", type));
    t.columns.back().ordinal = static_cast<uint32_t>(t.columns.size());
  }
  return t;
}

std::vector<std::string> names(const SchemaVersion* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  for (const auto& c : v->table.columns) out.push_back(c.name);
  return out;
}

using Names = std::vector<std::string>;

HistoryOptions only(std::vector<std::string> dbs) {
  HistoryOptions o;
  o.databases = std::move(dbs);
  return o;
}

SchemaHistory seeded(std::vector<std::string> dbs = {"d"}) {
  SchemaHistory h(only(std::move(dbs)));
  h.seed({table("d", "t", {{"a", "int"}, {"b", "varchar(10)"}}), table("other", "x", {{"z", "int"}})}, at(100));
  return h;
}

TEST(BinlogPosition, ParseAndOrderAcrossFiles) {
  auto p = BinlogPosition::parse("mysql-bin.000042:1234");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->file, "mysql-bin.000042");
  EXPECT_EQ(p->pos, 1234u);
  EXPECT_FALSE(BinlogPosition::parse("nopos"));
  EXPECT_FALSE(BinlogPosition::parse("f:12x"));
  EXPECT_LT(compare_positions(at(5, "b.000999"), at(4, "b.1000000")), 0);
  EXPECT_GT(compare_positions(at(5, "b.000002"), at(900, "b.000001")), 0);
  EXPECT_EQ(compare_positions(at(5), at(5)), 0);
}

TEST(SchemaHistory, SeedFiltersDatabasesAndViews) {
  SchemaHistory h(only({"d"}));
  TableSchema v = table("d", "v", {{"a", "int"}});
  v.is_view = true;
  h.seed({table("d", "t", {{"a", "int"}}), table("other", "x", {{"z", "int"}}), v,
          table("mysql", "user", {{"u", "int"}})},
         at(100));
  EXPECT_EQ(h.table_names(), (Names{"d.t"}));
  EXPECT_TRUE(h.tracks("d"));
  EXPECT_FALSE(h.tracks("other"));
  SchemaHistory all;
  all.seed({table("mysql", "user", {{"u", "int"}}), table("x", "y", {{"u", "int"}})}, at(4));
  EXPECT_EQ(all.table_names(), (Names{"x.y"}));
}

TEST(SchemaHistory, AlterSequenceVersionsByPosition) {
  SchemaHistory h = seeded();
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t ADD COLUMN m INT AFTER a", at(200)));
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t DROP COLUMN b", at(300)));
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t MODIFY m BIGINT", at(400)));
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t RENAME COLUMN a TO A2, ADD c ENUM('x','y') FIRST", at(500)));
  EXPECT_EQ(names(h.version_at("d", "t", at(150))), (Names{"a", "b"}));
  EXPECT_EQ(names(h.version_at("d", "t", at(250))), (Names{"a", "m", "b"}));
  EXPECT_EQ(names(h.version_at("d", "t", at(350))), (Names{"a", "m"}));
  EXPECT_EQ(h.version_at("d", "t", at(350))->table.columns[1].kind, ColumnKind::kInt);
  EXPECT_EQ(h.version_at("d", "t", at(450))->table.columns[1].kind, ColumnKind::kBigInt);
  EXPECT_EQ(names(h.version_at("d", "t", at(10, "mysql-bin.000002"))), (Names{"c", "A2", "m"}));
  EXPECT_EQ(h.version_at("d", "t", at(99)), nullptr);  // before the seed
  EXPECT_EQ(h.versions("d", "t").size(), 5u);
  EXPECT_EQ(h.latest("d", "t")->table.columns[0].ordinal, 1u);
  EXPECT_EQ(h.latest("d", "t")->table.columns[2].ordinal, 3u);
  EXPECT_EQ(h.latest("d", "t")->statement, "ALTER TABLE t RENAME COLUMN a TO A2, ADD c ENUM('x','y') FIRST");
  // Untracked databases and statements before valid_up_to change nothing.
  ASSERT_TRUE(h.apply_statement("other", "ALTER TABLE x ADD q INT", at(600)));
  EXPECT_EQ(h.latest("other", "x"), nullptr);
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t DROP COLUMN m", at(450)));
  EXPECT_EQ(h.versions("d", "t").size(), 5u);
}

TEST(SchemaHistory, CreateDropRenameLikeSelectAndDatabases) {
  SchemaHistory h = seeded();
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE n (id INT PRIMARY KEY, s SET('a','b'))", at(200)));
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE IF NOT EXISTS n (zz INT)", at(210)));
  EXPECT_EQ(names(h.latest("d", "n")), (Names{"id", "s"}));
  EXPECT_EQ(h.latest("d", "n")->table.primary_key, (Names{"id"}));
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE n2 LIKE n", at(220)));
  EXPECT_EQ(names(h.latest("d", "n2")), (Names{"id", "s"}));
  EXPECT_EQ(h.latest("d", "n2")->table.name, "n2");
  ASSERT_TRUE(h.apply_statement("d", "RENAME TABLE n TO n3, t TO n", at(230)));
  EXPECT_EQ(names(h.latest("d", "n")), (Names{"a", "b"}));
  EXPECT_EQ(names(h.latest("d", "n3")), (Names{"id", "s"}));
  EXPECT_EQ(h.latest("d", "t")->state, SchemaVersion::State::kDropped);
  EXPECT_EQ(names(h.version_at("d", "n", at(225))), (Names{"id", "s"}));  // before the rename
  ASSERT_TRUE(h.apply_statement("d", "DROP TABLE IF EXISTS `n3`, nothere /* generated by server */", at(240)));
  EXPECT_EQ(h.latest("d", "n3")->state, SchemaVersion::State::kDropped);
  EXPECT_EQ(h.latest("d", "nothere"), nullptr);
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE sel AS SELECT * FROM n", at(250)));
  EXPECT_EQ(h.latest("d", "sel")->state, SchemaVersion::State::kUnknown);
  size_t before = h.versions("d", "n").size();
  ASSERT_TRUE(h.apply_statement("d", "TRUNCATE TABLE n", at(260)));
  EXPECT_EQ(h.versions("d", "n").size(), before);
  ASSERT_TRUE(h.apply_statement("x", "ALTER TABLE d.n RENAME TO d.m", at(270)));
  EXPECT_EQ(names(h.latest("d", "m")), (Names{"a", "b"}));
  EXPECT_EQ(h.latest("d", "n")->state, SchemaVersion::State::kDropped);
  ASSERT_TRUE(h.apply_statement("", "DROP DATABASE d", at(280)));
  EXPECT_EQ(h.latest("d", "m")->state, SchemaVersion::State::kDropped);
  EXPECT_EQ(h.latest("d", "n2")->state, SchemaVersion::State::kDropped);
}

TEST(SchemaHistory, UnparsableColumnChangeMarksUnknownOtherwiseKeeps) {
  std::vector<std::string> debug;
  HistoryOptions o = only({"d"});
  o.debug = [&](std::string_view l) { debug.emplace_back(l); };
  SchemaHistory h(o);
  h.seed({table("d", "t", {{"a", "int"}})}, at(100));
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t FROBNICATE", at(200)));
  EXPECT_EQ(h.latest("d", "t")->state, SchemaVersion::State::kKnown);
  ASSERT_FALSE(debug.empty());
  EXPECT_NE(debug.back().find("FROBNICATE"), std::string::npos);
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t DROP COLUMN nope", at(300)));
  EXPECT_EQ(h.latest("d", "t")->state, SchemaVersion::State::kUnknown);
  EXPECT_NE(h.latest("d", "t")->reason.find("nope"), std::string::npos);
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t ADD COLUMN b INT", at(400)));  // stays unknown
  EXPECT_EQ(h.latest("d", "t")->state, SchemaVersion::State::kUnknown);
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE u MODIFY", at(500)));
  EXPECT_EQ(h.latest("d", "u")->state, SchemaVersion::State::kUnknown);
  SchemaHistory fresh;
  EXPECT_FALSE(fresh.apply_statement("d", "ALTER TABLE t ADD b INT", at(1)));
}

TEST(SchemaHistory, SaveLoadRoundTripAndCompaction) {
  SchemaHistory h = seeded();
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t ADD COLUMN e ENUM('x','y''z') NOT NULL FIRST", at(200), "0-1-5"));
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE g (j JSON, p POINT, dd DECIMAL(30,10), ts DATETIME(4))", at(300)));
  ASSERT_TRUE(h.apply_statement("d", "CREATE TABLE q SELECT 1", at(310)));
  ASSERT_TRUE(h.apply_statement("d", "DROP TABLE g", at(320)));
  h.advance(at(900));
  std::string path = ::testing::TempDir() + "/history_" + std::to_string(::getpid()) + ".json";
  ASSERT_TRUE(h.save(path));
  auto back = SchemaHistory::load(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->to_json(), h.to_json());
  EXPECT_EQ(back->valid_up_to().str(), "mysql-bin.000001:900");
  EXPECT_EQ(back->seeded_at().str(), "mysql-bin.000001:100");
  EXPECT_EQ(back->options().databases, (Names{"d"}));
  const SchemaVersion* v = back->version_at("d", "t", at(250));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->gtid, "0-1-5");
  EXPECT_EQ(v->table.columns[0].enum_values, (Names{"x", "y'z"}));
  EXPECT_FALSE(v->table.columns[0].nullable);
  const SchemaVersion* g = back->version_at("d", "g", at(315));
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->table.columns[2].precision, 30u);
  EXPECT_EQ(g->table.columns[2].scale, 10u);
  EXPECT_EQ(g->table.columns[3].fsp, 4);
  EXPECT_EQ(g->table.columns[1].kind, ColumnKind::kGeometry);
  EXPECT_EQ(back->latest("d", "q")->state, SchemaVersion::State::kUnknown);
  // A replay of an already-applied statement after the restart changes nothing.
  ASSERT_TRUE(back->apply_statement("d", "ALTER TABLE t DROP COLUMN a", at(200)));
  EXPECT_EQ(back->to_json(), h.to_json());
  EXPECT_EQ(back->compact(at(250)), 1u + 0u);  // t's seed version
  EXPECT_EQ(back->versions("d", "t").size(), 1u);
  EXPECT_EQ(back->compact(at(400)), 2u);  // g: created and dropped before 400
  EXPECT_EQ(back->latest("d", "g"), nullptr);
  std::remove(path.c_str());
  EXPECT_FALSE(SchemaHistory::load(path));
  EXPECT_FALSE(SchemaHistory::from_json("{\"format\": \"other\"}"));
  EXPECT_FALSE(SchemaHistory::from_json("{not json"));
}

binlog::ColumnDef def(binlog::ColumnType type, uint16_t meta = 0, std::string name = {}) {
  binlog::ColumnDef d;
  d.type = type;
  d.meta = meta;
  d.name = std::move(name);
  return d;
}

TEST(HistoryResolver, FillsNamesAndLabelsAndRejectsDisagreement) {
  SchemaHistory h = seeded();
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t ADD e ENUM('p','q') AFTER a, ADD n DECIMAL(8,3)", at(200)));
  HistoryResolver r(h);
  using T = binlog::ColumnType;
  std::vector<binlog::ColumnDef> cols = {def(T::kLong), def(T::kEnum, 1), def(T::kVarchar, 40), def(T::kNewDecimal, 8 << 8 | 3)};
  ASSERT_TRUE(r.resolve("d", "t", "mysql-bin.000001:300", cols));
  EXPECT_EQ(cols[0].name, "a");
  EXPECT_EQ(cols[1].name, "e");
  EXPECT_EQ(cols[1].enum_values, (Names{"p", "q"}));
  EXPECT_EQ(cols[3].name, "n");
  // The same row layout before the ALTER: the history has two columns.
  auto early = r.resolve("d", "t", "mysql-bin.000001:150", cols);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, core::ErrorCode::kSchemaMismatch);
  EXPECT_EQ(early.error().message,
            "schema of d.t at mysql-bin.000001:150 disagrees with the binlog: the binlog has 4 columns, the history 2 "
            "(history version from mysql-bin.000001:100); re-snapshot the table or run with binlog_row_metadata=FULL");
  std::vector<binlog::ColumnDef> wrong = {def(T::kLong), def(T::kLong)};
  auto bad = r.resolve("d", "t", "mysql-bin.000001:150", wrong);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("column 2 `b`: the history says varchar(10), the binlog has int"), std::string::npos)
      << bad.error().message;
  std::vector<binlog::ColumnDef> dec = {def(T::kLong), def(T::kEnum, 1), def(T::kVarchar, 40), def(T::kNewDecimal, 9 << 8 | 3)};
  EXPECT_FALSE(r.resolve("d", "t", "mysql-bin.000001:300", dec));
  // FULL metadata names are checked against the history.
  std::vector<binlog::ColumnDef> named = {def(T::kLong, 0, "a"), def(T::kVarchar, 40, "B")};
  EXPECT_TRUE(r.resolve("d", "t", "mysql-bin.000001:150", named));
  named[1].name = "c";
  auto renamed = r.resolve("d", "t", "mysql-bin.000001:150", named);
  ASSERT_FALSE(renamed);
  EXPECT_NE(renamed.error().message.find("is named `c` in the row metadata"), std::string::npos);
  // Untracked databases pass untouched; unknown and missing tables stop unless FULL named them.
  std::vector<binlog::ColumnDef> other = {def(T::kLong)};
  EXPECT_TRUE(r.resolve("other", "x", "mysql-bin.000001:150", other));
  EXPECT_TRUE(other[0].name.empty());
  auto missing = r.resolve("d", "nope", "mysql-bin.000001:150", other);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does not hold this table"), std::string::npos);
  ASSERT_TRUE(h.apply_statement("d", "ALTER TABLE t SOMETHING WEIRD, ADD COLUMN", at(400)));
  std::vector<binlog::ColumnDef> unnamed = {def(T::kLong), def(T::kEnum, 1), def(T::kVarchar, 40), def(T::kNewDecimal, 8 << 8 | 3)};
  auto unknown = r.resolve("d", "t", "mysql-bin.000001:500", unnamed);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("ALTER TABLE t SOMETHING WEIRD, ADD COLUMN"), std::string::npos);
  other[0].name = "x1";
  EXPECT_TRUE(r.resolve("d", "nope", "mysql-bin.000001:150", other));
  EXPECT_FALSE(r.resolve("d", "t", "garbage", cols));
}

// MariaDB's binlog_row_metadata=NO_LOG: no signedness, no charsets in the TABLE_MAP. The
// history supplies UNSIGNED integers and the binary charset of byte strings (not of text, and
// never over what the binlog said).
TEST(HistoryResolver, RestoresUnsignedAndBinaryWithoutMetadata) {
  SchemaHistory h(only({"d"}));
  TableSchema t = table("d", "u",
                        {{"ti", "tinyint unsigned"},
                         {"bi", "bigint unsigned"},
                         {"s", "int"},
                         {"d", "decimal(5,2) unsigned"},
                         {"b", "binary(4)"},
                         {"vb", "varbinary(8)"},
                         {"bl", "blob"},
                         {"tx", "text"},
                         {"cb", "char(3)"},
                         {"vc", "varchar(3)"}});
  t.columns[8].charset = "binary";  // CHAR(3) CHARACTER SET binary
  h.seed({t}, at(100));
  HistoryResolver r(h);
  using T = binlog::ColumnType;
  std::vector<binlog::ColumnDef> cols = {
      def(T::kTiny),      def(T::kLongLong),   def(T::kLong),    def(T::kNewDecimal, 5 << 8 | 2),
      def(T::kString, 4), def(T::kVarchar, 8), def(T::kBlob, 2), def(T::kBlob, 2),
      def(T::kString, 3), def(T::kVarchar, 12)};
  cols[9].collation = binlog::kBinaryCollation;  // what metadata said stays
  ASSERT_TRUE(r.resolve("d", "u", "mysql-bin.000001:200", cols));
  std::vector<bool> is_unsigned;
  std::vector<uint16_t> collations;
  for (const auto& c : cols) {
    is_unsigned.push_back(c.is_unsigned);
    collations.push_back(c.collation);
  }
  EXPECT_EQ(is_unsigned,
            (std::vector<bool>{true, true, false, false, false, false, false, false, false, false}));
  EXPECT_EQ(collations, (std::vector<uint16_t>{0, 0, 0, 0, 63, 63, 63, 0, 63, 63}));
}

TEST(HistoryResolver, TypeFamilies) {
  using T = binlog::ColumnType;
  auto col = [](std::string type) { return column_from_type("c", "", type); };
  EXPECT_EQ(column_disagreement(col("datetime(3)"), def(T::kDateTime2, 3)), "");
  EXPECT_NE(column_disagreement(col("datetime(3)"), def(T::kDateTime2, 6)), "");
  EXPECT_EQ(column_disagreement(col("text"), def(T::kBlob, 2)), "");
  EXPECT_EQ(column_disagreement(col("json"), def(T::kBlob, 4)), "");  // MariaDB JSON
  EXPECT_EQ(column_disagreement(col("set('a')"), def(T::kSet, 1)), "");
  EXPECT_EQ(column_disagreement(col("bit(10)"), def(T::kBit, 1 << 8 | 2)), "");
  EXPECT_NE(column_disagreement(col("bit(10)"), def(T::kBit, 1 << 8 | 3)), "");
  EXPECT_EQ(column_disagreement(col("char(3)"), def(T::kString, 12)), "");
  EXPECT_NE(column_disagreement(col("bigint"), def(T::kLong)), "");
  EXPECT_NE(column_disagreement(col("varchar(3)"), def(T::kBlob, 2)), "");
}

}  // namespace
}  // namespace sluice::schema
