// core/json_writer.h, core/charset.h and core/value_format.h (both modes, geometry, vector).

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <string>

#include "core/charset.h"
#include "core/json_writer.h"
#include "core/value_format.h"

namespace sluice::core {
namespace {

std::string json_of(const Value& v, ValueFormat fmt = {}) {
  std::string out;
  append_value_json(out, v, fmt);
  return out;
}

TEST(JsonWriter, StringEscapingPerRfc8259) {
  std::string out;
  json_append_string(out, std::string_view("a\"b\\c\n\t\x01\x1f\x7f/\xC3\xA9\xF0\x9F\x98\x80", 17));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\x7f/\xC3\xA9\xF0\x9F\x98\x80\"");
  out.clear();
  // Invalid UTF-8 (lone continuation, overlong, surrogate, truncated) becomes U+FFFD.
  json_append_string(out, "\x80" "a\xC0\xAF" "b\xED\xA0\x80" "c\xE2\x82");
  EXPECT_EQ(out, "\"\xEF\xBF\xBD" "a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                 "c\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriter, NumbersAndBase64) {
  std::string out;
  json_append_float(out, 1.1f);
  out.push_back(' ');
  json_append_double(out, 0.1 + 0.2);
  out.push_back(' ');
  json_append_double(out, 1e21);
  out.push_back(' ');
  json_append_double(out, std::numeric_limits<double>::infinity());
  out.push_back(' ');
  json_append_uint(out, 18446744073709551615ull);
  EXPECT_EQ(out, "1.1 0.30000000000000004 1e+21 null 18446744073709551615");
  for (auto [in, b64] : {std::pair{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}}) {
    out.clear();
    base64_append(out, in);
    EXPECT_EQ(out, b64);
  }
}

// Every length around the vectorised encoder's 24-byte steps and every byte value, against the
// definition: each 6 bits of the input, most significant first, as one character of the alphabet.
TEST(JsonWriter, Base64OfEveryLengthAndByte) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in;
  for (int i = 0; i < 300; ++i) in.push_back(static_cast<char>((i * 167 + 13) & 0xff));
  for (size_t len = 0; len <= in.size(); ++len) {
    std::string want;
    for (size_t bit = 0; bit < len * 8; bit += 6) {
      unsigned v = 0;
      for (size_t b = bit; b < bit + 6; ++b) {
        unsigned byte = b / 8 < len ? static_cast<unsigned char>(in[b / 8]) : 0;
        v = v << 1 | ((byte >> (7 - b % 8)) & 1);
      }
      want.push_back(alphabet[v]);
    }
    while (want.size() % 4) want.push_back('=');
    std::string out = "x";
    base64_append(out, std::string_view(in).substr(0, len));
    ASSERT_EQ(out, "x" + want) << "length " << len;
  }
}

TEST(JsonWriter, StructuredSeparators) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  w.int64(-1);
  w.key("b");
  w.begin_array();
  w.boolean(true);
  w.null();
  w.begin_object();
  w.end_object();
  w.end_array();
  w.key("c");
  w.raw("{\"x\":1}");
  w.end_object();
  EXPECT_EQ(out, "{\"a\":-1,\"b\":[true,null,{}],\"c\":{\"x\":1}}");
}

TEST(Charset, CollationIdsFromBothServers) {
  EXPECT_EQ(charset_for_collation(63), Charset::kBinary);
  EXPECT_EQ(charset_for_collation(8), Charset::kLatin1);
  EXPECT_EQ(charset_for_collation(33), Charset::kUtf8mb3);
  EXPECT_EQ(charset_for_collation(45), Charset::kUtf8mb4);
  EXPECT_EQ(charset_for_collation(255), Charset::kUtf8mb4);   // MySQL utf8mb4_0900_ai_ci
  EXPECT_EQ(charset_for_collation(2048), Charset::kUtf8mb3);  // MariaDB utf8mb3_uca1400_ai_ci
  EXPECT_EQ(charset_for_collation(0), Charset::kUnknown);
  EXPECT_EQ(charset_for_collation(60000), Charset::kUnknown);
  EXPECT_EQ(charset_name(Charset::kCp1251), "cp1251");
}

TEST(Charset, ConversionToUtf8) {
  Arena arena;
  // latin1 is cp1252 with C1 controls where cp1252 has holes (0x81).
  EXPECT_EQ(to_utf8(Charset::kLatin1, "\x80\x81\xE9", arena), "\xE2\x82\xAC\xC2\x81\xC3\xA9");
  EXPECT_EQ(to_utf8(Charset::kAscii, "a\xFF", arena), "a\xEF\xBF\xBD");
  EXPECT_EQ(to_utf8(Charset::kUtf8mb4, "ok\xC3", arena), "ok\xEF\xBF\xBD");
  std::string_view already = "pure ascii";
  EXPECT_EQ(to_utf8(Charset::kUtf8mb4, already, arena).data(), already.data());  // no copy
  EXPECT_EQ(to_utf8(Charset::kUcs2, std::string_view("\x00h\x00\xE9", 4), arena), "h\xC3\xA9");
  // A lone high surrogate in utf16 becomes U+FFFD, the rest survives.
  EXPECT_EQ(to_utf8(Charset::kUtf16, std::string_view("\xD8\x3D\x00x", 4), arena), "\xEF\xBF\xBD" "x");
  EXPECT_EQ(to_utf8(Charset::kSjis, "\x5C\x7E\x93\xFA", arena), "\\~\xE6\x97\xA5");
}

Value temporal(ValueKind kind, int32_t y, uint8_t mo, uint8_t d, uint32_t h, uint8_t mi, uint8_t s,
               uint32_t micro, uint8_t fsp, bool negative = false) {
  Value v;
  v.kind = kind;
  v.t = Temporal{y, mo, d, mi, s, h, micro, negative};
  v.fsp = fsp;
  return v;
}

TEST(ValueFormat, JsonLinesTemporal) {
  EXPECT_EQ(json_of(temporal(ValueKind::kDate, 2024, 0, 0, 0, 0, 0, 0, 0)), "\"2024-00-00\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kDateTime, 9999, 12, 31, 23, 59, 59, 999999, 6)),
            "\"9999-12-31 23:59:59.999999\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kDateTime, 2024, 1, 2, 3, 4, 5, 120000, 2)), "\"2024-01-02 03:04:05.12\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kTime, 0, 0, 0, 838, 59, 59, 0, 0, true)), "\"-838:59:59\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kTime, 0, 0, 0, 25, 0, 0, 500000, 6)), "\"25:00:00.500000\"");
  Value ts;
  ts.kind = ValueKind::kTimestamp;
  ts.ts = EpochTime{951782400, 5};  // 2000-02-29 00:00:00.000005 UTC
  ts.fsp = 6;
  EXPECT_EQ(json_of(ts), "\"2000-02-29 00:00:00.000005\"");
  ts.ts = EpochTime{4102444799, 0};  // 2099-12-31 23:59:59
  ts.fsp = 0;
  EXPECT_EQ(json_of(ts), "\"2099-12-31 23:59:59\"");
}

TEST(ValueFormat, SingerRecordForms) {
  ValueFormat singer{ValueFormat::Mode::kSingerRecord};
  EXPECT_EQ(json_of(temporal(ValueKind::kDate, 2024, 2, 29, 0, 0, 0, 0, 0), singer), "\"2024-02-29T00:00:00.000000Z\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kDateTime, 2024, 2, 29, 13, 14, 15, 123000, 3), singer),
            "\"2024-02-29T13:14:15.123000Z\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kDate, 0, 0, 0, 0, 0, 0, 0, 0), singer), "null");
  EXPECT_EQ(json_of(temporal(ValueKind::kDate, 2023, 2, 29, 0, 0, 0, 0, 0), singer), "null");  // invalid
  ValueFormat keep = singer;
  keep.zero_dates = ValueFormat::ZeroDates::kString;
  EXPECT_EQ(json_of(temporal(ValueKind::kDateTime, 0, 0, 0, 0, 0, 0, 0, 0), keep), "\"0000-00-00 00:00:00\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kTime, 0, 0, 0, 838, 59, 59, 0, 0, true), singer), "\"-838:59:59\"");
  EXPECT_EQ(json_of(temporal(ValueKind::kTime, 0, 0, 0, 1, 2, 3, 500000, 1), singer), "\"01:02:03.500000\"");
  ValueFormat boolean = singer;
  boolean.as_boolean = true;
  EXPECT_EQ(json_of(Value::from_int(2), boolean), "true");
  EXPECT_EQ(json_of(Value::from_int(0), boolean), "false");
  EXPECT_EQ(json_of(Value::from_int(2), ValueFormat{}), "2");  // JSON-lines: a number
  Value dec = Value::with_text(ValueKind::kDecimal, "-0.000001");
  EXPECT_EQ(json_of(dec, singer), "-0.000001");
}

std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
  return s;
}
std::string be32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>(v >> (8 * (3 - i)));
  return s;
}
std::string ledouble(double d) {
  uint64_t b = std::bit_cast<uint64_t>(d);
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<size_t>(i)] = static_cast<char>(b >> (8 * i));
  return s;
}
std::string bedouble(double d) {
  std::string s = ledouble(d);
  return std::string(s.rbegin(), s.rend());
}
std::string wkb_point(double x, double y) { return "\x01" + le32(1) + ledouble(x) + ledouble(y); }

std::string wkt(const std::string& srid_wkb) {
  std::string out;
  return append_geometry_wkt(out, srid_wkb) ? out : "INVALID";
}

TEST(ValueFormat, GeometryWkt) {
  EXPECT_EQ(wkt(le32(0) + wkb_point(1, 2)), "POINT(1 2)");
  EXPECT_EQ(wkt(le32(4326) + wkb_point(-0.5, 1e21)), "SRID=4326;POINT(-0.5 1e+21)");
  std::string be_line = std::string("\x00", 1) + be32(2) + be32(2) + bedouble(0) + bedouble(0) + bedouble(1) + bedouble(1);
  EXPECT_EQ(wkt(le32(0) + be_line), "LINESTRING(0 0,1 1)");
  std::string ring = le32(4) + ledouble(0) + ledouble(0) + ledouble(1) + ledouble(0) + ledouble(1) + ledouble(1) +
                     ledouble(0) + ledouble(0);
  std::string poly = "\x01" + le32(3) + le32(1) + ring;
  EXPECT_EQ(wkt(le32(0) + poly), "POLYGON((0 0,1 0,1 1,0 0))");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(4) + le32(2) + wkb_point(1, 2) + wkb_point(3, 4)), "MULTIPOINT((1 2),(3 4))");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(6) + le32(1) + poly), "MULTIPOLYGON(((0 0,1 0,1 1,0 0)))");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(7) + le32(2) + wkb_point(1, 2) + be_line),
            "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(7) + le32(0)), "GEOMETRYCOLLECTION EMPTY");
  // Corrupt: wrong member type, count beyond the bytes, trailing bytes, unknown type.
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(4) + le32(1) + be_line), "INVALID");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(2) + le32(1000000) + ledouble(0)), "INVALID");
  EXPECT_EQ(wkt(le32(0) + wkb_point(1, 2) + "x"), "INVALID");
  EXPECT_EQ(wkt(le32(0) + "\x01" + le32(9) + le32(0)), "INVALID");
  // In a Value: WKT string, or base64 of the bytes when they are not WKB.
  std::string bytes = le32(0) + wkb_point(1, 2);
  EXPECT_EQ(json_of(Value::with_text(ValueKind::kGeometry, bytes)), "\"POINT(1 2)\"");
}

TEST(ValueFormat, VectorEnumSetBytesJson) {
  std::string floats(8, '\0');
  float a = 1.1f, b = -2.0f;
  std::memcpy(floats.data(), &a, 4);  // this test runs on little-endian hosts only
  std::memcpy(floats.data() + 4, &b, 4);
  EXPECT_EQ(json_of(Value::with_text(ValueKind::kVector, floats)), "[1.1,-2]");
  Value e = Value::from_uint(2);
  e.kind = ValueKind::kEnum;
  EXPECT_EQ(json_of(e), "2");
  e.text = "b";
  e.flags = kValueFlagLabels;
  EXPECT_EQ(json_of(e), "\"b\"");
  EXPECT_EQ(json_of(Value::with_text(ValueKind::kBytes, std::string_view("\x00\x01", 2))), "\"AAE=\"");
  EXPECT_EQ(json_of(Value::with_text(ValueKind::kJson, "{\"a\":[1]}")), "{\"a\":[1]}");
  EXPECT_EQ(json_of(Value::null()), "null");
  Value unknown = Value::with_text(ValueKind::kBytes, "ABC");
  unknown.flags = kValueFlagCharsetUnknown;
  EXPECT_EQ(json_of(unknown), "{\"base64\":\"QUJD\"}");
  Value y = Value::from_uint(0);
  y.kind = ValueKind::kYear;
  EXPECT_EQ(json_of(y), "0");
}

TEST(ValueFormat, JsonNullIsNotSqlNull) {
  // JSON lines: the JSON document null (and a document that could read as the wrapper) prints
  // wrapped in {"$json":...}; SQL NULL stays null. Other documents print as they are.
  auto doc = [](std::string_view text) { return json_of(Value::with_text(ValueKind::kJson, text)); };
  EXPECT_EQ(doc("null"), "{\"$json\":null}");
  EXPECT_EQ(doc(" null "), "{\"$json\": null }");  // MariaDB keeps the text as written
  EXPECT_EQ(doc(""), "{\"$json\":null}");
  EXPECT_EQ(doc("{\"$json\":1}"), "{\"$json\":{\"$json\":1}}");
  EXPECT_EQ(doc("{ \"\\u0024json\":1}"), "{\"$json\":{ \"\\u0024json\":1}}");
  EXPECT_EQ(doc("{\"a\":null}"), "{\"a\":null}");
  EXPECT_EQ(doc("\"null\""), "\"null\"");
  EXPECT_EQ(doc("[null]"), "[null]");
  EXPECT_EQ(doc("{}"), "{}");
  EXPECT_EQ(json_of(Value::null()), "null");
  // Singer RECORDs cannot tell them apart (docs/singer-compatibility.md).
  ValueFormat singer;
  singer.mode = ValueFormat::Mode::kSingerRecord;
  EXPECT_EQ(json_of(Value::with_text(ValueKind::kJson, "null"), singer), "null");
}

}  // namespace
}  // namespace sluice::core
