// The JSON Schema of every column type (docs/types.md, "JSON Schema" column).
#include <gtest/gtest.h>

#include "schema/json_schema.h"
#include "schema/type_mapping.h"

namespace sluice::schema {
namespace {

struct SchemaCase {
  const char* data_type;
  const char* column_type;
  const char* schema;  // compact JSON, keys in output order
};

TEST(JsonSchema, EveryType) {
  const SchemaCase cases[] = {
      {"tinyint", "tinyint(4)", R"({"inclusion":"available","minimum":-128,"maximum":127,"type":["null","integer"]})"},
      {"tinyint", "tinyint unsigned", R"({"inclusion":"available","minimum":0,"maximum":255,"type":["null","integer"]})"},
      {"tinyint", "tinyint(1)", R"({"inclusion":"available","type":["null","boolean"]})"},
      {"smallint", "smallint", R"({"inclusion":"available","minimum":-32768,"maximum":32767,"type":["null","integer"]})"},
      {"smallint", "smallint(5) unsigned", R"({"inclusion":"available","minimum":0,"maximum":65535,"type":["null","integer"]})"},
      {"mediumint", "mediumint(9)", R"({"inclusion":"available","minimum":-8388608,"maximum":8388607,"type":["null","integer"]})"},
      {"mediumint", "mediumint unsigned", R"({"inclusion":"available","minimum":0,"maximum":16777215,"type":["null","integer"]})"},
      {"int", "int", R"({"inclusion":"available","minimum":-2147483648,"maximum":2147483647,"type":["null","integer"]})"},
      {"int", "int(10) unsigned", R"({"inclusion":"available","minimum":0,"maximum":4294967295,"type":["null","integer"]})"},
      {"bigint", "bigint(20)", R"({"inclusion":"available","minimum":-9223372036854775808,"maximum":9223372036854775807,"type":["null","integer"]})"},
      {"bigint", "bigint unsigned", R"({"inclusion":"available","minimum":0,"maximum":18446744073709551615,"type":["null","integer"]})"},
      {"decimal", "decimal(20,6)", R"({"inclusion":"available","multipleOf":1e-06,"type":["null","number"]})"},
      {"decimal", "decimal(10,0)", R"({"inclusion":"available","multipleOf":1,"type":["null","number"]})"},
      {"decimal", "decimal(5,2) unsigned", R"({"inclusion":"available","multipleOf":0.01,"type":["null","number"]})"},
      {"decimal", "decimal(65,30)", R"({"inclusion":"available","multipleOf":1e-30,"type":["null","number"]})"},
      {"float", "float", R"({"inclusion":"available","type":["null","number"]})"},
      {"double", "double", R"({"inclusion":"available","type":["null","number"]})"},
      {"bit", "bit(1)", R"({"inclusion":"available","type":["null","boolean"]})"},
      {"bit", "bit(8)", R"({"inclusion":"available","minimum":0,"maximum":255,"type":["null","integer"]})"},
      {"bit", "bit(64)", R"({"inclusion":"available","minimum":0,"maximum":18446744073709551615,"type":["null","integer"]})"},
      {"year", "year(4)", R"({"inclusion":"available","minimum":0,"maximum":2155,"type":["null","integer"]})"},
      {"date", "date", R"({"inclusion":"available","format":"date-time","type":["null","string"]})"},
      {"datetime", "datetime(6)", R"({"inclusion":"available","format":"date-time","type":["null","string"]})"},
      {"timestamp", "timestamp(3)", R"({"inclusion":"available","format":"date-time","type":["null","string"]})"},
      {"time", "time(6)", R"({"inclusion":"available","type":["null","string"]})"},
      {"char", "char(10)", R"({"inclusion":"available","maxLength":10,"type":["null","string"]})"},
      {"varchar", "varchar(255)", R"({"inclusion":"available","maxLength":255,"type":["null","string"]})"},
      {"tinytext", "tinytext", R"({"inclusion":"available","maxLength":255,"type":["null","string"]})"},
      {"mediumtext", "mediumtext", R"({"inclusion":"available","maxLength":16777215,"type":["null","string"]})"},
      {"longtext", "longtext", R"({"inclusion":"available","maxLength":4294967295,"type":["null","string"]})"},
      {"enum", "enum('a','bcd')", R"({"inclusion":"available","maxLength":3,"type":["null","string"]})"},
      {"set", "set('x','y','z')", R"({"inclusion":"available","maxLength":5,"type":["null","string"]})"},
      {"binary", "binary(4)", R"({"inclusion":"available","contentEncoding":"base64","type":["null","string"]})"},
      {"varbinary", "varbinary(16)", R"({"inclusion":"available","contentEncoding":"base64","type":["null","string"]})"},
      {"longblob", "longblob", R"({"inclusion":"available","contentEncoding":"base64","type":["null","string"]})"},
      {"json", "json", R"({"inclusion":"available","type":["null","object","array","string","number","boolean"]})"},
      {"geometry", "geometry", R"({"inclusion":"available","type":["null","string"]})"},
      {"polygon", "polygon", R"({"inclusion":"available","type":["null","string"]})"},
      {"vector", "vector(3)", R"({"inclusion":"available","type":["null","array"],"items":{"type":"number"}})"},
      {"inet4", "inet4", R"({"inclusion":"available","format":"ipv4","type":["null","string"]})"},
      {"inet6", "inet6", R"({"inclusion":"available","format":"ipv6","type":["null","string"]})"},
      {"uuid", "uuid", R"({"inclusion":"available","maxLength":36,"type":["null","string"]})"},
      {"sometype", "sometype(3)", R"j({"inclusion":"unsupported","description":"Unsupported column type sometype(3)"})j"},
  };
  for (const SchemaCase& c : cases) {
    ColumnSchema col = column_from_type("c", c.data_type, c.column_type);
    EXPECT_EQ(column_json_schema(col, false).dump(), c.schema) << c.column_type;
  }
}

TEST(JsonSchema, KeyColumnsAreAutomatic) {
  ColumnSchema c = column_from_type("id", "int", "int");
  EXPECT_EQ(column_json_schema(c, true)["inclusion"], "automatic");
  EXPECT_EQ(column_inclusion(c, true), Inclusion::kAutomatic);
  EXPECT_EQ(column_inclusion(column_from_type("x", "nope", "nope"), true), Inclusion::kUnsupported);
}

TEST(JsonSchema, MariaDbJsonIsJson) {
  // discovery marks a LONGTEXT guarded by json_valid() as kJson; sql-datatype stays longtext.
  ColumnSchema c = column_from_type("j", "longtext", "longtext");
  EXPECT_EQ(c.kind, ColumnKind::kText);
  c.kind = ColumnKind::kJson;
  EXPECT_EQ(column_json_schema(c, false)["type"][1], "object");
}

}  // namespace
}  // namespace sluice::schema
