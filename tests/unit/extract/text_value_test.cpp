#include <gtest/gtest.h>

#include "core/value_format.h"
#include "extract/key_literal.h"
#include "extract/text_value.h"
#include "schema/type_mapping.h"

namespace sluice::extract {
namespace {

std::string singer(const char* type, std::optional<std::string_view> cell, bool zero_string = false) {
  schema::ColumnSchema c = schema::column_from_type("c", "", type);
  if (c.kind == schema::ColumnKind::kBinary || c.kind == schema::ColumnKind::kBlob) c.charset = "binary";
  auto v = value_from_text(c, cell);
  if (!v) return "error: " + v.error().message;
  core::ValueFormat fmt;
  fmt.mode = core::ValueFormat::Mode::kSingerRecord;
  fmt.as_boolean = c.is_boolean;
  if (zero_string) fmt.zero_dates = core::ValueFormat::ZeroDates::kString;
  std::string out;
  core::append_value_json(out, *v, fmt);
  return out;
}

TEST(TextValue, SingerFormsOfEveryKind) {
  EXPECT_EQ(singer("bigint(20) unsigned", "18446744073709551615"), "18446744073709551615");
  EXPECT_EQ(singer("bigint(20)", "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(singer("tinyint(1)", "2"), "true");
  EXPECT_EQ(singer("decimal(20,6)", "-0.000001"), "-0.000001");
  EXPECT_EQ(singer("float", "1.1"), "1.1");
  EXPECT_EQ(singer("double", "1e-320"), "1e-320");
  EXPECT_EQ(singer("date", "2024-02-29"), "\"2024-02-29T00:00:00.000000Z\"");
  EXPECT_EQ(singer("datetime(6)", "1969-07-20 20:17:40.500000"), "\"1969-07-20T20:17:40.500000Z\"");
  EXPECT_EQ(singer("datetime", "0000-00-00 00:00:00"), "null");
  EXPECT_EQ(singer("datetime", "0000-00-00 00:00:00", true), "\"0000-00-00 00:00:00\"");
  EXPECT_EQ(singer("timestamp(3)", "2038-01-19 03:14:07.999"), "\"2038-01-19T03:14:07.999000Z\"");
  EXPECT_EQ(singer("time", "-838:59:59"), "\"-838:59:59\"");
  EXPECT_EQ(singer("time(6)", "25:00:00.500000"), "\"25:00:00.500000\"");
  EXPECT_EQ(singer("year(4)", "2155"), "2155");
  EXPECT_EQ(singer("varchar(20)", "h\xC3\xA9 \xF0\x9F\x98\x80"), "\"h\xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(singer("binary(4)", std::string_view("\0\1\2\3", 4)), "\"AAECAw==\"");
  EXPECT_EQ(singer("bit(1)", std::string_view("\1", 1)), "true");
  EXPECT_EQ(singer("bit(8)", std::string_view("\xAA", 1)), "170");
  EXPECT_EQ(singer("json", R"({"a": [1]})"), R"({"a": [1]})");
  EXPECT_EQ(singer("set('x','y')", "x,y"), "\"x,y\"");
  EXPECT_EQ(singer("int(11)", std::nullopt), "null");
}

TEST(TextValue, GarbageFromTheServerIsAnErrorNamingTheColumn) {
  EXPECT_NE(singer("int(11)", "12a").find("column 'c'"), std::string::npos);
  EXPECT_NE(singer("datetime", "2024-13").find("error"), std::string::npos);
  EXPECT_NE(singer("time", "1:2").find("error"), std::string::npos);
  EXPECT_NE(singer("bit(64)", "123456789").find("error"), std::string::npos);
}

TEST(KeyLiteral, PredicatesAndBase64) {
  schema::TableSchema t;
  t.columns = {schema::column_from_type("a", "", "int"), schema::column_from_type("b", "", "varchar(5)")};
  std::vector<size_t> cols = {0, 1};
  std::vector<std::string> lits = {"1", "'x'"};
  EXPECT_EQ(key_predicate(t, cols, lits, true), "(`a` > 1) OR (`a` = 1 AND `b` > 'x')");
  EXPECT_EQ(key_predicate(t, cols, lits, false), "(`a` < 1) OR (`a` = 1 AND `b` <= 'x')");
  std::string out;
  EXPECT_TRUE(base64_decode("AP8A/4A=", out));
  EXPECT_EQ(out, std::string("\x00\xFF\x00\xFF\x80", 5));
  EXPECT_FALSE(base64_decode("A=B=", out));
  EXPECT_FALSE(base64_decode("abc", out));
}

TEST(KeyLiteral, BookmarkJsonKeepsDecimalDigitsAndZeroDates) {
  schema::ColumnSchema d = schema::column_from_type("d", "", "decimal(30,10)");
  auto v = value_from_text(d, "12345678901234567890.1234567890");
  ASSERT_TRUE(v);
  EXPECT_EQ(bookmark_json(d, *v), "12345678901234567890.1234567890");
  schema::ColumnSchema z = schema::column_from_type("z", "", "datetime");
  auto zv = value_from_text(z, "0000-00-00 00:00:00");
  ASSERT_TRUE(zv);
  EXPECT_EQ(bookmark_json(z, *zv), "0000-00-00 00:00:00");
}

}  // namespace
}  // namespace sluice::extract
