#include <gtest/gtest.h>

#include "config/json_file.h"
#include "job/selection.h"
#include "schema/type_mapping.h"

namespace sluice::job {
namespace {

schema::TableSchema table() {
  schema::TableSchema t;
  t.database = "db";
  t.name = "t";
  t.columns = {schema::column_from_type("id", "", "int"), schema::column_from_type("a", "", "datetime"),
               schema::column_from_type("b", "", "varchar(5)"), schema::column_from_type("new", "", "int")};
  t.columns[1].nullable = false;
  t.primary_key = {"id"};
  return t;
}

config::Catalog catalog(const std::string& table_md) {
  std::string text = R"({"streams": [{"tap_stream_id": "db-t", "table_name": "t", "schema": {"properties": {
    "id": {"inclusion": "automatic"}, "a": {}, "b": {}, "gone": {}}},
    "metadata": [{"breadcrumb": [], "metadata": )" + table_md + R"(},
                 {"breadcrumb": ["properties", "b"], "metadata": {"selected": false}}]}]})";
  auto doc = config::parse_json_text(text, "c");
  auto c = config::parse_catalog(*doc, "c");
  EXPECT_TRUE(c) << c.error().message;
  return *c;
}

TEST(Selection, ColumnsMethodsAndWarnings) {
  auto sel = select_streams(catalog(R"({"selected": true, "database-name": "db", "replication-method": "INCREMENTAL",
                                        "replication-key": "a"})"),
                            {table()}, {});
  ASSERT_TRUE(sel) << sel.error().message;
  ASSERT_EQ(sel->streams.size(), 1u);
  const SelectedStream& s = sel->streams[0];
  EXPECT_EQ(s.method, change::Method::kIncremental);
  EXPECT_EQ(s.columns, (std::vector<size_t>{0, 1}));  // b deselected, new not in the catalog
  EXPECT_EQ(s.vanished, std::vector<std::string>{"gone"});
  std::string all;
  for (const auto& w : sel->warnings) all += w + "\n";
  EXPECT_NE(all.find("'new'"), std::string::npos) << all;
  EXPECT_NE(all.find("'gone'"), std::string::npos) << all;
}

TEST(Selection, DefaultMethodAndErrors) {
  auto sel = select_streams(catalog(R"({"selected": true, "database-name": "db"})"), {table()},
                            {change::Method::kLogBased});
  ASSERT_TRUE(sel);
  EXPECT_EQ(sel->streams[0].method, change::Method::kLogBased);
  EXPECT_FALSE(select_streams(catalog(R"({"selected": true, "replication-method": "SOMETIMES"})"), {table()}, {}));
  EXPECT_FALSE(select_streams(catalog(R"({"selected": true, "replication-method": "INCREMENTAL"})"), {table()}, {}));
  auto view = table();
  view.is_view = true;
  EXPECT_FALSE(select_streams(catalog(R"({"selected": true, "replication-method": "LOG_BASED"})"), {view}, {}));
  auto none = select_streams(catalog(R"({"selected": false})"), {table()}, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->streams.empty());
  EXPECT_EQ(parse_method("key_based"), change::Method::kIncremental);
}

}  // namespace
}  // namespace sluice::job
