// information_schema rows -> model, and the SQL discovery sends (without a server).
#include <gtest/gtest.h>

#include "schema/discovery.h"

namespace sluice::schema {
namespace {

InfoRow row(std::initializer_list<const char*> cells) {
  InfoRow r;
  for (const char* c : cells) r.push_back(c ? std::optional<std::string>(c) : std::nullopt);
  return r;
}

InfoRow column(const char* db, const char* table, const char* name, const char* ordinal, const char* data_type,
               const char* column_type, const char* char_max = nullptr, const char* extra = "") {
  return row({db, table, name, ordinal, data_type, column_type, "YES", char_max, char_max, nullptr, nullptr, nullptr,
              nullptr, nullptr, "", extra, nullptr});
}

TEST(DiscoveryBuild, TablesColumnsKeysAndMariaDbJson) {
  InfoSchemaRows rows;
  rows.tables = {row({"d", "t", "BASE TABLE", "42", "InnoDB"}), row({"d", "v", "VIEW", nullptr, nullptr}),
                 row({"d", "gone", "BASE TABLE", "1", "InnoDB"})};
  rows.columns = {
      column("d", "t", "b", "2", "longtext", "longtext", "4294967295"),
      column("d", "t", "a", "1", "int", "int(11)", nullptr, "auto_increment"),
      column("d", "t", "c", "3", "varchar", "varchar(10)", "10"),
      column("d", "v", "a", "1", "int", "int(11)"),
      column("other", "x", "a", "1", "int", "int(11)"),
  };
  rows.keys = {row({"d", "t", "PRIMARY", "1", "a"}), row({"d", "t", "u", "1", "c"}), row({"d", "t", "u", "2", "a"}),
               row({"d", "t", "fx", "1", nullptr})};
  rows.json_checks = {row({"d", "t", "json_valid(`b`)"})};
  auto tables = build_tables(rows);
  ASSERT_TRUE(tables) << tables.error().message;
  ASSERT_EQ(tables->size(), 2u);  // "gone" has no columns: dropped
  const TableSchema& t = (*tables)[0];
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.row_count, 42u);
  EXPECT_EQ(t.engine, "InnoDB");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].name, "a");
  EXPECT_TRUE(t.columns[0].auto_increment);
  EXPECT_EQ(t.columns[1].kind, ColumnKind::kJson);
  EXPECT_EQ(t.columns[2].max_length, 10u);
  EXPECT_EQ(t.primary_key, (std::vector<std::string>{"a"}));
  ASSERT_EQ(t.unique_keys.size(), 1u);  // the functional key "fx" is not a column key
  EXPECT_EQ(t.unique_keys[0].columns, (std::vector<std::string>{"c", "a"}));
  const TableSchema& v = (*tables)[1];
  EXPECT_TRUE(v.is_view);
  EXPECT_FALSE(v.row_count);
}

TEST(DiscoveryBuild, MalformedRowsAreErrors) {
  InfoSchemaRows rows;
  rows.tables = {row({"d", "t"})};
  EXPECT_FALSE(build_tables(rows));
  rows.tables = {row({"d", "t", "BASE TABLE", "1", "InnoDB"})};
  rows.columns = {column("d", "t", "a", "zero", "int", "int")};
  auto r = build_tables(rows);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ORDINAL_POSITION"), std::string::npos);
}

TEST(DiscoveryBuild, JsonValidColumn) {
  EXPECT_EQ(json_valid_column("json_valid(`c_json`)"), "c_json");
  EXPECT_EQ(json_valid_column("json_valid(`a``b`)"), "a`b");
  EXPECT_EQ(json_valid_column("json_valid(`a`) and `b` > 0"), "");
  EXPECT_EQ(json_valid_column("json_valid(`a`) or json_valid(`b`)"), "");
  EXPECT_EQ(json_valid_column("`a` > 0"), "");
}

TEST(DiscoveryBuild, FilterDbsAndSql) {
  EXPECT_EQ(parse_filter_dbs("a, b ,,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(parse_filter_dbs("").empty());
  DiscoveryOptions o;
  o.databases = {"x'y"};
  QuoteFn quote = [](std::string_view v) {
    std::string s = "'";
    for (char c : v) s += c == '\'' ? std::string("''") : std::string(1, c);
    return s + "'";
  };
  std::string sql = tables_sql(o, quote);
  EXPECT_NE(sql.find("TABLE_SCHEMA IN ('x''y')"), std::string::npos) << sql;
  EXPECT_NE(sql.find("NOT IN ('mysql','information_schema','performance_schema','sys')"), std::string::npos);
  EXPECT_NE(columns_sql(o, quote, true).find("SRS_ID FROM"), std::string::npos);
  EXPECT_NE(columns_sql(o, quote, false).find("NULL FROM"), std::string::npos);
  EXPECT_NE(json_checks_sql(o, quote).find("CONSTRAINT_SCHEMA IN ('x''y')"), std::string::npos);
}

}  // namespace
}  // namespace sluice::schema
