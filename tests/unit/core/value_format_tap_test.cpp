// The Singer MySQL tap's forms (value_forms "tap"): MySQL's JSON text of a double, a JSON
// document as the tap's string, TIME as the tap's date-time.

#include <gtest/gtest.h>

#include <string>

#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::core {
namespace {

std::string mysql_double(double v) {
  std::string out;
  json_append_double_mysql(out, v);
  return out;
}

// Each expectation is what MySQL 9.7 printed for CAST('[...]' AS JSON).
TEST(MysqlJsonDouble, AsMysqlPrintsItInJsonText) {
  EXPECT_EQ(mysql_double(100.0), "100.0");
  EXPECT_EQ(mysql_double(2.5), "2.5");
  EXPECT_EQ(mysql_double(0.1), "0.1");
  EXPECT_EQ(mysql_double(-0.0), "-0.0");
  EXPECT_EQ(mysql_double(1e14), "100000000000000.0");
  EXPECT_EQ(mysql_double(999999999999999.9), "999999999999999.9");
  EXPECT_EQ(mysql_double(1e15), "1e15");
  EXPECT_EQ(mysql_double(1.5e20), "1.5e20");
  EXPECT_EQ(mysql_double(123456789012345678.0), "1.2345678901234568e17");
  EXPECT_EQ(mysql_double(1e300), "1e300");
  EXPECT_EQ(mysql_double(-3.4e38), "-3.4e38");
  EXPECT_EQ(mysql_double(1e-10), "0.0000000001");
  EXPECT_EQ(mysql_double(1e-15), "0.000000000000001");
  EXPECT_EQ(mysql_double(1.234567890123e-15), "0.000000000000001234567890123");
  EXPECT_EQ(mysql_double(1e-16), "1e-16");
  EXPECT_EQ(mysql_double(1.2345e-20), "1.2345e-20");
  EXPECT_EQ(mysql_double(5e-324), "5e-324");
  EXPECT_EQ(mysql_double(1.7976931348623157e308), "1.7976931348623157e308");
}

std::string tap_json(std::string_view text, bool mysql_layout) {
  std::string out, scratch;
  append_json_as_tap_string(out, text, mysql_layout, scratch);
  return out;
}

TEST(TapForms, JsonIsAStringOfItsText) {
  // MySQL: the binlog's compact text and SELECT's give the same string; strings keep their blanks.
  const char* want = R"("{\"a\": 1, \"b\": [true, null, 2.5], \"s\": \"x, y: z\"}")";
  EXPECT_EQ(tap_json(R"({"a":1,"b":[true,null,2.5],"s":"x, y: z"})", true), want);
  EXPECT_EQ(tap_json(R"({"a": 1, "b": [true, null, 2.5], "s": "x, y: z"})", true), want);
  EXPECT_EQ(tap_json(R"(["q\"", {}])", true), R"("[\"q\\\"\", {}]")");
  // MariaDB: the stored text as it is.
  EXPECT_EQ(tap_json(R"({"n":1.0e2 })", false), R"("{\"n\":1.0e2 }")");
  // The document null (empty text from the binlog, or "null") is the string "null".
  EXPECT_EQ(tap_json("", true), "\"null\"");
  EXPECT_EQ(tap_json("null", false), "\"null\"");
}

std::string tap_time(bool negative, uint32_t h, uint8_t m, uint8_t s, uint32_t micro) {
  Temporal t{};
  t.negative = negative;
  t.hour = h;
  t.minute = m;
  t.second = s;
  t.micro = micro;
  std::string out;
  append_time_as_tap_datetime(out, t);
  return out;
}

// The tap's SELECT forms of tests/data/tap_reference (type_rendering.md, c_time and c_time6).
TEST(TapForms, TimeIsADateTimeOn1970) {
  EXPECT_EQ(tap_time(false, 13, 14, 15, 0), "\"1970-01-01T13:14:15.000000Z\"");
  EXPECT_EQ(tap_time(false, 13, 14, 15, 1), "\"1970-01-01T13:14:15.000001Z\"");
  EXPECT_EQ(tap_time(false, 23, 59, 59, 999999), "\"1970-01-01T23:59:59.999999Z\"");
  EXPECT_EQ(tap_time(false, 0, 0, 0, 0), "\"1970-01-01T00:00:00.000000Z\"");
  EXPECT_EQ(tap_time(true, 838, 59, 59, 0), "\"1969-11-27T01:00:01.000000Z\"");
  EXPECT_EQ(tap_time(false, 25, 0, 0, 500000), "\"1970-01-02T01:00:00.500000Z\"");
  EXPECT_EQ(tap_time(true, 0, 0, 1, 500000), "\"1969-12-31T23:59:58.500000Z\"");
  EXPECT_EQ(tap_time(true, 0, 0, 0, 1), "\"1969-12-31T23:59:59.999999Z\"");
}

}  // namespace
}  // namespace sluice::core
