#include <gtest/gtest.h>

#include "config/catalog.h"
#include "config/json_file.h"

namespace sluice::config {
namespace {

const char* kCatalog = R"({"streams": [
 {"tap_stream_id": "db-t", "table_name": "t", "stream": "t",
  "schema": {"properties": {"id": {"inclusion": "automatic"}, "a": {"inclusion": "available"},
                            "y": {"inclusion": "unsupported"}, "n": {"inclusion": "available"}}},
  "metadata": [
   {"breadcrumb": [], "metadata": {"selected": true, "replication-method": "INCREMENTAL",
     "replication-key": "a", "database-name": "db", "table-key-properties": ["id"], "row-count": 7}},
   {"breadcrumb": ["properties", "a"], "metadata": {"selected-by-default": true}},
   {"breadcrumb": ["properties", "y"], "metadata": {"selected": true}},
   {"breadcrumb": ["properties", "n"], "metadata": {"selected": false}}]},
 {"tap_stream_id": "db-v", "table_name": "v", "schema": {"properties": {}},
  "metadata": [{"breadcrumb": [], "metadata": {"is-view": true, "view-key-properties": ["k"]}}]}]})";

TEST(Catalog, ParsesTapMetadata) {
  auto doc = parse_json_text(kCatalog, "catalog.json");
  ASSERT_TRUE(doc);
  auto c = parse_catalog(*doc, "catalog.json");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->streams.size(), 2u);
  const CatalogStream& t = c->streams[0];
  EXPECT_TRUE(t.selected);
  EXPECT_EQ(t.database, "db");
  EXPECT_EQ(t.replication_method.value_or(""), "INCREMENTAL");
  EXPECT_EQ(t.replication_key.value_or(""), "a");
  EXPECT_EQ(t.key_properties, std::vector<std::string>{"id"});
  EXPECT_EQ(t.row_count.value_or(0), 7u);
  EXPECT_TRUE(column_selected(*t.find_column("id")));
  EXPECT_TRUE(column_selected(*t.find_column("a")));
  EXPECT_TRUE(column_selected(*t.find_column("y")));  // explicitly selected wins, as in Singer
  EXPECT_FALSE(column_selected(*t.find_column("n")));
  const CatalogStream& v = c->streams[1];
  EXPECT_FALSE(v.selected);
  EXPECT_TRUE(v.is_view);
  EXPECT_EQ(v.key_properties, std::vector<std::string>{"k"});
  EXPECT_EQ(v.database, "db");  // from the tap_stream_id
}

TEST(Catalog, RejectsWhatIsNotACatalog) {
  auto doc = parse_json_text(R"({"streams": [{"table_name": "t"}]})", "c.json");
  ASSERT_TRUE(doc);
  auto c = parse_catalog(*doc, "c.json");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("tap_stream_id"), std::string::npos);
  auto d = parse_json_text(R"([1])", "c.json");
  EXPECT_FALSE(parse_catalog(*d, "c.json"));
}

}  // namespace
}  // namespace sluice::config
