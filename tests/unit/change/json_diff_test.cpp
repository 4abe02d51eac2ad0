// change::apply_json_diff_list: the diff-list form a sink receives (core::Value::is_json_diff),
// applied with MySQL's semantics to the document the sink holds.
#include "change/json_diff.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::change {
namespace {

std::string apply(std::string_view doc, std::string_view list) {
  auto r = apply_json_diff_list(doc, list);
  return r ? *r : "ERROR: " + r.error().message;
}

TEST(JsonDiffList, AppliesEachOperationInOrder) {
  EXPECT_EQ(apply(R"({"a":1,"b":[1,2,3]})", R"([{"op":"replace","path":"$.a","value":{"x":[true,null]}}])"),
            R"({"a":{"x":[true,null]},"b":[1,2,3]})");
  // MySQL's array insert: at the index, or appended past the end (not JSON_INSERT's "no-op").
  EXPECT_EQ(
      apply("[1,2]", R"([{"op":"insert","path":"$[0]","value":0},{"op":"insert","path":"$[9]","value":3}])"),
      "[0,1,2,3]");
  // New members take MySQL's binary order: shorter keys first, then bytewise.
  EXPECT_EQ(apply(R"({"bb":1,"c":2})", R"([{"op":"insert","path":"$.\"a b\"","value":"s"}])"),
            R"({"c":2,"bb":1,"a b":"s"})");
  EXPECT_EQ(
      apply(R"({"o":{"x":[1,2,3]}})",
            R"([{"op":"remove","path":"$.o.x[last]"},{"op":"replace","path":"$.o.x[last-1]","value":"z"}])"),
      R"({"o":{"x":["z",2]}})");
  EXPECT_EQ(apply("", R"([{"op":"replace","path":"$","value":[1]}])"), "[1]");
  EXPECT_EQ(apply(R"({"a":1})", "[]"), R"({"a":1})");
}

// Numbers keep their text: a DECIMAL inside a MySQL document (1.50) keeps its scale, in the
// document and in a diff's value; doubles keep the form they were written in.
TEST(JsonDiffList, NumbersKeepTheirDigits) {
  EXPECT_EQ(apply(R"({"d":1.50,"e":[2.000,1e300]})", R"([{"op":"replace","path":"$.x","value":0}])"),
            "ERROR: PARTIAL_JSON diff: replaced member absent at '$.x'");
  EXPECT_EQ(apply(R"({"d":1.50,"e":[2.000,1e300,-0.0]})", R"([{"op":"insert","path":"$.x","value":0.10}])"),
            R"({"d":1.50,"e":[2.000,1e300,-0.0],"x":0.10})");
  EXPECT_EQ(
      apply(R"([100.0])", R"([{"op":"replace","path":"$[0]","value":{"p":12345678901234567890.123456}}])"),
      R"([{"p":12345678901234567890.123456}])");
  EXPECT_EQ(apply(R"({"n":18446744073709551616,"m":-9223372036854775808})", "[]"),
            R"({"m":-9223372036854775808,"n":18446744073709551616})");
}

TEST(JsonDiffList, DisagreementsAreErrors) {
  EXPECT_NE(apply(R"({"a":1})", R"([{"op":"remove","path":"$.b"}])").find("absent"), std::string::npos);
  EXPECT_NE(apply(R"({"a":1})", R"([{"op":"replace","path":"$.a.b.c","value":1}])").find("ERROR"),
            std::string::npos);
  EXPECT_NE(apply(R"({"a":1})", R"([{"op":"move","path":"$.a"}])").find("unknown operation"),
            std::string::npos);
  EXPECT_NE(apply(R"({"a":1})", R"([{"op":"insert","path":"$.b"}])").find("without a value"),
            std::string::npos);
  EXPECT_NE(apply(R"({"a":1})", R"({"op":"remove"})").find("not a JSON array"), std::string::npos);
  EXPECT_NE(apply("{", "[]").find("not JSON"), std::string::npos);
  EXPECT_NE(apply(R"({"a":1})", R"([{"op":"remove","path":"a"}])").find("unparsable path"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::change
