// The catalog writer against the Singer tap's own catalog of the reference schema: the model is
// built from the tap's sql-datatype strings, and every stream must equal the tap's (keys and
// their order included) except for the documented differences (tap_differences.h).
#include <gtest/gtest.h>

#include "schema/json_schema.h"
#include "schema/singer_catalog.h"
#include "schema/type_mapping.h"
#include "unit/schema/tap_differences.h"

namespace sluice::schema {
namespace {

using test::OJson;

// The model of a reference stream, as discovery would build it from information_schema.
TableSchema table_from_tap_stream(const OJson& stream) {
  TableSchema t;
  const OJson& top = stream["metadata"][0]["metadata"];
  t.database = top["database-name"];
  t.name = stream["table_name"];
  t.is_view = top["is-view"];
  if (top.contains("row-count")) t.row_count = top["row-count"].get<uint64_t>();
  if (top.contains("table-key-properties")) t.primary_key = top["table-key-properties"];
  uint32_t ordinal = 0;
  for (size_t i = 1; i < stream["metadata"].size(); ++i) {
    const OJson& m = stream["metadata"][i];
    std::string name = m["breadcrumb"][1];
    std::string type = m["metadata"]["sql-datatype"];
    ColumnSchema c = column_from_type(name, "", type);
    c.ordinal = ++ordinal;
    if (name == "c_json") c.kind = ColumnKind::kJson;  // discovery sees its json_valid() CHECK
    t.columns.push_back(c);
  }
  return t;
}

TEST(SingerCatalog, EqualsTheTapExceptDocumentedDifferences) {
  OJson tap = test::tap_reference_catalog();
  ASSERT_EQ(tap["streams"].size(), 6u);
  std::vector<TableSchema> tables;
  // Fed in reverse: the writer sorts streams like the tap.
  for (auto it = tap["streams"].rbegin(); it != tap["streams"].rend(); ++it) {
    tables.push_back(table_from_tap_stream(*it));
  }
  OJson ours = singer_catalog(tables);
  ASSERT_EQ(ours["streams"].size(), tap["streams"].size());
  for (size_t i = 0; i < ours["streams"].size(); ++i) {
    OJson expected = test::expected_sluice_stream(tap["streams"][i]);
    // dump() compares key order too.
    EXPECT_EQ(ours["streams"][i].dump(2), expected.dump(2)) << tap["streams"][i]["tap_stream_id"];
  }
}

TEST(SingerCatalog, TapDifferencesAreRealDifferences) {
  // Guards the test above against an empty or stale difference list.
  OJson tap = test::tap_reference_catalog();
  const OJson& props = tap["streams"][2]["schema"]["properties"];
  for (const auto& [name, prop] : test::sluice_property_differences()) {
    ASSERT_TRUE(props.contains(name)) << name;
    EXPECT_NE(props[name], prop) << name;
  }
}

TEST(SingerCatalog, RenderedLikeTheTap) {
  // The tap writes json.dump(indent=2) with ASCII escapes: compare text, key order and numbers.
  OJson tap = test::tap_reference_catalog();
  std::string text = render_catalog(tap);
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/data/tap_reference/catalog.discovered.json");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(text, ss.str() + "\n");
}

TEST(SingerCatalog, NamesNeedingQuotingSurvive) {
  TableSchema t;
  t.database = "my db.`x`";
  t.name = "tä`ble.na me 😀";
  t.row_count = 0;
  ColumnSchema c = column_from_type("col `with` \"quotes\" ü", "int", "int");
  c.ordinal = 1;
  t.columns.push_back(c);
  t.primary_key = {c.name};
  OJson round = OJson::parse(render_catalog(singer_catalog({t})));
  const OJson& s = round["streams"][0];
  EXPECT_EQ(s["tap_stream_id"], "my db.`x`-tä`ble.na me 😀");
  EXPECT_EQ(s["stream"], t.name);
  EXPECT_EQ(s["metadata"][0]["metadata"]["database-name"], t.database);
  EXPECT_EQ(s["metadata"][0]["metadata"]["table-key-properties"][0], c.name);
  EXPECT_EQ(s["metadata"][1]["breadcrumb"][1], c.name);
  EXPECT_EQ(s["schema"]["properties"][c.name]["inclusion"], "automatic");
  EXPECT_EQ(render_catalog(singer_catalog({t})).find("\xF0"), std::string::npos) << "non-ASCII must be escaped";
}

TEST(SingerCatalog, ViewWithoutOrderableColumnIsFullTableOnly) {
  TableSchema v;
  v.database = "d";
  v.name = "v";
  v.is_view = true;
  v.columns.push_back(column_from_type("j", "json", "json"));
  OJson m = singer_stream(v)["metadata"][0]["metadata"];
  EXPECT_EQ(m["forced-replication-method"], "FULL_TABLE");
  EXPECT_FALSE(m.contains("row-count"));
  EXPECT_FALSE(m.contains("table-key-properties"));
  v.columns.push_back(column_from_type("t", "datetime", "datetime"));
  EXPECT_FALSE(singer_stream(v)["metadata"][0]["metadata"].contains("forced-replication-method"));
}

TEST(SingerCatalog, KeyPropertiesInColumnOrderLikeTheTap) {
  TableSchema t;
  t.database = "d";
  t.name = "t";
  for (const char* n : {"a", "b", "c"}) t.columns.push_back(column_from_type(n, "int", "int"));
  t.primary_key = {"c", "a"};
  OJson m = singer_stream(t)["metadata"][0]["metadata"];
  EXPECT_EQ(m["table-key-properties"], (OJson{"a", "c"}));
}

}  // namespace
}  // namespace sluice::schema
