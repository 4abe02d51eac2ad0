// A partial JSON update's diff list as the SQL that applies it on the target (mysqlbinlog's
// rendering): each operation, array inserts, quoted keys, values kept as the binlog wrote them,
// several diffs nested in order, and malformed lists refused.
#include "replicate/json_diff_sql.h"

#include <gtest/gtest.h>

namespace sluice::replicate {
namespace {

std::string sql_of(std::string_view list) {
  std::string out;
  auto s = append_json_diff_sql(out, "`doc`", list);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  return out;
}

TEST(JsonDiffSql, EachOperationAsMysqlbinlogRendersIt) {
  EXPECT_EQ(sql_of(R"([{"op":"replace","path":"$.a","value":2}])"),
            "JSON_REPLACE(`doc`, '$.a', JSON_EXTRACT('2', '$'))");
  EXPECT_EQ(sql_of(R"([{"op":"insert","path":"$.\"key with space\"","value":true}])"),
            "JSON_INSERT(`doc`, '$.\"key with space\"', JSON_EXTRACT('true', '$'))");
  EXPECT_EQ(sql_of(R"([{"op":"insert","path":"$.b[5]","value":"it's"}])"),
            "JSON_ARRAY_INSERT(`doc`, '$.b[5]', JSON_EXTRACT('\"it\\'s\"', '$'))");
  EXPECT_EQ(sql_of(R"([{"op":"remove","path":"$.b[last-1]"}])"), "JSON_REMOVE(`doc`, '$.b[last-1]')");
}

TEST(JsonDiffSql, ValuesKeepTheirTextAndDiffsNestInOrder) {
  EXPECT_EQ(
      sql_of(
          R"([{"op":"replace","path":"$.a","value":3}, {"op":"insert","path":"$.n","value":{"d":1.50,"e":["x\"y",null]}}])"),
      "JSON_INSERT(JSON_REPLACE(`doc`, '$.a', JSON_EXTRACT('3', '$')), '$.n', "
      "JSON_EXTRACT('{\"d\":1.50,\"e\":[\"x\\\\\"y\",null]}', '$'))");
}

TEST(JsonDiffSql, MalformedListsAreRefused) {
  for (const char* bad :
       {"", "{}", "[", "[{\"op\":\"replace\"}]", "[{\"op\":\"move\",\"path\":\"$.a\",\"value\":1}]",
        "[{\"op\":\"replace\",\"path\":\"$.a\"}]", "[{\"op\":\"replace\",\"path\":\"$.a\",\"value\":{]}]",
        "[{\"op\":\"replace\",\"path\":\"$.a\",\"value\":\"open}]"}) {
    std::string out;
    EXPECT_FALSE(append_json_diff_sql(out, "`doc`", bad)) << bad;
    EXPECT_EQ(out, "") << bad;
  }
}

}  // namespace
}  // namespace sluice::replicate
