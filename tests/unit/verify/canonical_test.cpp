// verify/canonical: a source value (core::Value from a SELECT) and the same value as SQLite and
// PostgreSQL return it render the same; different values render differently.
#include "verify/canonical.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::verify {
namespace {

using schema::ColumnKind;
using sinks::ReadCell;

schema::ColumnSchema column(ColumnKind kind) {
  schema::ColumnSchema c;
  c.name = "c";
  c.kind = kind;
  return c;
}

ReadCell text(std::string_view s) { return ReadCell{ReadCell::Kind::kText, 0, 0, 0, s}; }
ReadCell real(double d) { return ReadCell{ReadCell::Kind::kDouble, 0, 0, d, {}}; }
ReadCell integer(int64_t i) { return ReadCell{ReadCell::Kind::kInt, i, 0, 0, {}}; }

std::string render(const schema::ColumnSchema& c, const ReadCell& cell) {
  std::string out;
  canonical(out, c, cell);
  return out;
}

std::string render_value(const schema::ColumnSchema& c, const core::Value& v) {
  std::string scratch;
  return render(c, cell_of(v, scratch));
}

TEST(Canonical, DecimalDigitsAgreeWhateverTheScale) {
  auto c = column(ColumnKind::kDecimal);
  auto src = render_value(c, core::Value::with_text(core::ValueKind::kDecimal, "12345678901234.120000"));
  EXPECT_EQ(src, render(c, text("12345678901234.12")));  // PostgreSQL numeric(20,6) prints trailing zeros
  EXPECT_EQ(render(c, text("-0.000")), render(c, text("0")));
  EXPECT_NE(src, render(c, text("12345678901234.121")));
}

TEST(Canonical, FloatsByTheirBinaryValue) {
  auto f = column(ColumnKind::kFloat);
  std::string src = render_value(f, core::Value::from_float(1.1f));
  EXPECT_EQ(src, render(f, real(1.1)));    // SQLite: the double of the float's shortest decimal
  EXPECT_EQ(src, render(f, text("1.1")));  // PostgreSQL real
  EXPECT_NE(src, render(f, text("1.1000001")));
  auto d = column(ColumnKind::kDouble);
  EXPECT_EQ(render_value(d, core::Value::from_double(0.1)), render(d, text("0.1")));
  EXPECT_NE(render(d, text("0.1")), render(d, text("0.10000000000000002")));
}

TEST(Canonical, TemporalsWithMicrosecondsInEveryForm) {
  auto dt = column(ColumnKind::kDateTime);
  std::string want = render(dt, text("2024-01-02 03:04:05.123456"));
  EXPECT_EQ(want, render(dt, text("2024-01-02T03:04:05.123456Z")));
  EXPECT_EQ(want, render(dt, text("2024-01-02 03:04:05.123456+00")));
  EXPECT_EQ(render(dt, text("2024-01-02 03:04:05.5")), render(dt, text("2024-01-02 03:04:05.500000")));
  EXPECT_NE(want, render(dt, text("2024-01-02 03:04:05.123457")));
  EXPECT_EQ(render(dt, text("0000-00-00 00:00:00")), render(dt, ReadCell{}));  // zero date: NULL
  auto tm = column(ColumnKind::kTime);
  EXPECT_EQ(render(tm, text("-838:59:59.000")), render(tm, text("-838:59:59")));
  EXPECT_EQ(render(tm, text("25:00:00.500")), render(tm, text("25:00:00.5")));
  EXPECT_NE(render(tm, text("-01:00:00")), render(tm, text("01:00:00")));
}

TEST(Canonical, JsonAsParsedIntegersAndBooleans) {
  auto js = column(ColumnKind::kJson);
  EXPECT_EQ(render(js, text("{\"b\": \"x\", \"a\": [1, 2.5]}")),
            render(js, text("{\"a\":[1,2.5],\"b\":\"x\"}")));
  EXPECT_NE(render(js, text("{\"a\":1}")), render(js, text("{\"a\":2}")));
  EXPECT_EQ(render(js, text("{\"a\": 100.0, \"s\": \"\\u00e9\\n\"}")),
            render(js, text("{\"s\":\"\xc3\xa9\\n\",\"a\":1e2}")));
  EXPECT_NE(render(js, text("[1,2]")), render(js, text("[2,1]")));  // arrays keep their order
  EXPECT_NE(render(js, text("{\"a\":{\"b\":1}}")), render(js, text("{\"b\":{\"a\":1}}")));
  EXPECT_NE(render(js, text("\"1\"")), render(js, text("1")));
  auto b = column(ColumnKind::kTinyInt);
  b.is_boolean = true;
  EXPECT_EQ(render(b, integer(5)), render(b, integer(1)));  // PostgreSQL keeps TINYINT(1) as boolean
  auto u = column(ColumnKind::kBigInt);
  EXPECT_EQ(render_value(u, core::Value::from_uint(18446744073709551615ULL)),
            render(u, text("18446744073709551615")));
  EXPECT_NE(render(u, integer(0)), render(u, ReadCell{}));  // NULL is not 0
}

}  // namespace
}  // namespace sluice::verify
