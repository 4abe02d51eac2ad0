// Golden tests derived from the format descriptions (decimal_decoder.h, temporal_decoder.h,
// string_decoder.cpp, bit/enum/set, INET6/UUID): hand-built bytes, exact expected text.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binlog/values/column_def.h"
#include "binlog/values/decimal_decoder.h"
#include "core/value_format.h"

namespace sluice::binlog {
namespace {

struct Decoded {
  core::Result<size_t> used;
  std::string json;
};

Decoded decode(const ColumnDef& col, std::vector<uint8_t> bytes, core::Arena& arena,
               core::ValueFormat fmt = {}) {
  auto decoder = decoder_for(col);
  EXPECT_TRUE(decoder.has_value());
  core::Value v;
  Decoded d{(*decoder)(col, bytes.data(), bytes.size(), arena, v), {}};
  if (d.used) core::append_value_json(d.json, v, fmt);
  return d;
}

ColumnDef col_of(ColumnType t, uint16_t meta, uint16_t collation = 0) {
  ColumnDef c;
  c.type = t;
  c.meta = meta;
  c.collation = collation;
  return c;
}

TEST(ValuesDecimal, DocumentedExamples) {
  core::Arena arena;
  auto d = decode(col_of(ColumnType::kNewDecimal, 4 << 8 | 2), {0x8C, 0x32}, arena);
  EXPECT_EQ(d.json, "12.50");
  EXPECT_EQ(*d.used, 2u);
  EXPECT_EQ(decode(col_of(ColumnType::kNewDecimal, 4 << 8 | 2), {0x73, 0xCD}, arena).json, "-12.50");
  ColumnDef c14 = col_of(ColumnType::kNewDecimal, 14 << 8 | 4);
  EXPECT_EQ(decode(c14, {0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}, arena).json, "1234567890.1234");
  EXPECT_EQ(decode(c14, {0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}, arena).json, "-1234567890.1234");
  // Negative zero is printed without its sign, as MySQL does.
  EXPECT_EQ(decode(col_of(ColumnType::kNewDecimal, 4 << 8 | 2), {0x7F, 0xFF}, arena).json, "0.00");
}

TEST(ValuesDecimal, CorruptInputIsAnError) {
  core::Arena arena;
  // A 9-digit group above 999999999.
  auto d = decode(col_of(ColumnType::kNewDecimal, 9 << 8), {0xBB, 0x9A, 0xCA, 0x00}, arena);
  ASSERT_FALSE(d.used);
  EXPECT_EQ(d.used.error().code, core::ErrorCode::kCorrupt);
  // Impossible precision/scale from a corrupt TABLE_MAP.
  EXPECT_FALSE(decode(col_of(ColumnType::kNewDecimal, 66 << 8), std::vector<uint8_t>(40, 0x80), arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kNewDecimal, 2 << 8 | 3), {0x80, 0, 0}, arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kNewDecimal, 0), {0x80}, arena).used);
}

TEST(ValuesDecimal, BinarySizes) {
  EXPECT_EQ(values::decimal_binary_size(10, 0), 5u);
  EXPECT_EQ(values::decimal_binary_size(65, 30), 30u);
  EXPECT_EQ(values::decimal_binary_size(4, 2), 2u);
  EXPECT_EQ(values::decimal_binary_size(18, 9), 8u);
}

TEST(ValuesTemporal, Datetime2FromTheLayout) {
  core::Arena arena;
  // 2024-02-29 13:14:15: ((2024*13+2) << 5 | 29) << 17 | 13 << 12 | 14 << 6 | 15, + 0x8000000000.
  EXPECT_EQ(decode(col_of(ColumnType::kDateTime2, 0), {0x99, 0xb2, 0xba, 0xd3, 0x8f}, arena).json,
            "\"2024-02-29 13:14:15\"");
  // fsp 3 adds 2 bytes holding the fraction in units of 100 us: 1230 -> ".123".
  EXPECT_EQ(decode(col_of(ColumnType::kDateTime2, 3), {0x99, 0xb2, 0xba, 0xd3, 0x8f, 0x04, 0xce}, arena).json,
            "\"2024-02-29 13:14:15.123\"");
  core::ValueFormat singer{core::ValueFormat::Mode::kSingerRecord};
  EXPECT_EQ(decode(col_of(ColumnType::kDateTime2, 0), {0x99, 0xb2, 0xba, 0xd3, 0x8f}, arena, singer).json,
            "\"2024-02-29T13:14:15.000000Z\"");
  // A negative DATETIME2, an fsp above 6 and a month of 13 are corrupt.
  EXPECT_FALSE(decode(col_of(ColumnType::kDateTime2, 0), {0x00, 0, 0, 0, 0}, arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kDateTime2, 7), std::vector<uint8_t>(9, 0x80), arena).used);
}

TEST(ValuesTemporal, OldFormats) {
  core::Arena arena;
  // old DATETIME: 20240229131415 little-endian.
  uint64_t v = 20240229131415ull;
  std::vector<uint8_t> b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  EXPECT_EQ(decode(col_of(ColumnType::kDateTime, 0), b, arena).json, "\"2024-02-29 13:14:15\"");
  // old TIME: -8385959 as a signed 24-bit integer.
  uint32_t t = static_cast<uint32_t>(-8385959) & 0xFFFFFF;
  EXPECT_EQ(decode(col_of(ColumnType::kTime, 0),
                   {static_cast<uint8_t>(t), static_cast<uint8_t>(t >> 8), static_cast<uint8_t>(t >> 16)}, arena)
                .json,
            "\"-838:59:59\"");
  // old TIMESTAMP: seconds little-endian; 0 is the zero timestamp.
  EXPECT_EQ(decode(col_of(ColumnType::kTimestamp, 0), {0x27, 0x83, 0xe0, 0x65}, arena).json,
            "\"2024-02-29 13:14:15\"");
  EXPECT_EQ(decode(col_of(ColumnType::kTimestamp, 0), {0, 0, 0, 0}, arena).json, "\"0000-00-00 00:00:00\"");
  core::ValueFormat singer{core::ValueFormat::Mode::kSingerRecord};
  EXPECT_EQ(decode(col_of(ColumnType::kTimestamp, 0), {0, 0, 0, 0}, arena, singer).json, "null");
}

// MariaDB's pre-10.1 fractional formats: the old type codes with the fsp (from the schema) in
// `meta`; big-endian values in units of 10^-fsp s. The bytes are the ones MariaDB 10.11 wrote
// for these values with mysql56_temporal_format=OFF.
TEST(ValuesTemporal, MariadbHiresFormats) {
  core::Arena arena;
  // TIME: value + (838:59:59 + 1 s), in fsp units.
  auto t3 = decode(col_of(ColumnType::kTime, 3), {0x00, 0xb6, 0xba, 0xd2, 0x15}, arena);
  EXPECT_EQ(t3.json, "\"12:34:56.789\"");
  EXPECT_EQ(*t3.used, 5u);
  EXPECT_EQ(decode(col_of(ColumnType::kTime, 3), {0x00, 0xb4, 0x07, 0xa5, 0x7f}, arena).json,
            "\"-00:00:00.001\"");
  auto t6 = decode(col_of(ColumnType::kTime, 6), {0x02, 0xbe, 0x5f, 0xf6, 0x03, 0x3c}, arena);
  EXPECT_EQ(t6.json, "\"-01:02:03.000004\"");
  EXPECT_EQ(*t6.used, 6u);
  EXPECT_EQ(decode(col_of(ColumnType::kTime, 1), {0x03, 0x99, 0xc0, 0xbf}, arena).json, "\"838:59:59.9\"");
  // DATETIME: ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second, then the
  // fraction.
  auto d2 = decode(col_of(ColumnType::kDateTime, 2), {0x03, 0x44, 0xea, 0x64, 0x96, 0x01}, arena);
  EXPECT_EQ(d2.json, "\"1000-01-01 00:00:00.01\"");
  EXPECT_EQ(*d2.used, 6u);
  EXPECT_EQ(
      decode(col_of(ColumnType::kDateTime, 6), {0x04, 0xfc, 0xee, 0x39, 0x43, 0xbf, 0xff, 0xff}, arena).json,
      "\"9999-12-31 23:59:59.999999\"");
  EXPECT_EQ(decode(col_of(ColumnType::kDateTime, 3), std::vector<uint8_t>(7, 0), arena).json,
            "\"0000-00-00 00:00:00.000\"");
  // TIMESTAMP: 4 bytes of seconds, then (fsp + 1) / 2 bytes of fraction.
  auto s1 = decode(col_of(ColumnType::kTimestamp, 1), {0x65, 0x92, 0x00, 0x81, 0x05}, arena);
  EXPECT_EQ(s1.json, "\"2024-01-01 00:00:01.5\"");
  EXPECT_EQ(*s1.used, 5u);
  EXPECT_EQ(decode(col_of(ColumnType::kTimestamp, 6), {0x7f, 0xff, 0xff, 0xff, 0x0f, 0x42, 0x3f}, arena).json,
            "\"2038-01-19 03:14:07.999999\"");
  // Out of range, short and impossible cells are errors.
  EXPECT_FALSE(decode(col_of(ColumnType::kTime, 2), {0x24, 0x01, 0x87, 0x80}, arena).used);  // 839:00:00
  EXPECT_FALSE(decode(col_of(ColumnType::kTimestamp, 2), {0, 0, 0, 1, 0xff}, arena).used);   // .2550
  EXPECT_FALSE(decode(col_of(ColumnType::kTime, 6), {0x02, 0xbe, 0x5f, 0xf6, 0x03}, arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kDateTime, 7), std::vector<uint8_t>(8, 0), arena).used);
}

TEST(ValuesStrings, BinaryIsRepaddedAndBase64) {
  core::Arena arena;
  EXPECT_EQ(decode(col_of(ColumnType::kString, 4, 63), {0x01, 0xFF}, arena).json, "\"/wAAAA==\"");
  // VARBINARY keeps its length.
  EXPECT_EQ(decode(col_of(ColumnType::kVarchar, 4, 63), {0x01, 0xFF}, arena).json, "\"/w==\"");
  // Lengths beyond the row image or the column's maximum are corrupt.
  EXPECT_FALSE(decode(col_of(ColumnType::kVarchar, 4, 63), {0x05, 1, 2, 3, 4, 5}, arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kBlob, 2, 63), {0x05, 0x00, 1}, arena).used);
  EXPECT_FALSE(decode(col_of(ColumnType::kBlob, 5, 63), {0, 0, 0, 0, 0}, arena).used);
}

TEST(ValuesStrings, TextOfUnknownCollation) {
  core::Arena arena;
  // Invalid UTF-8 in a VARCHAR of unknown collation: U+FFFD. A blob of unknown collation (a
  // BLOB or a TEXT: the TABLE_MAP cannot tell) is its bytes in the charset-unknown form,
  // valid UTF-8 or not; with a known collation the plain forms.
  EXPECT_EQ(decode(col_of(ColumnType::kVarchar, 10), {0x02, 'a', 0xFF}, arena).json, "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(decode(col_of(ColumnType::kBlob, 1), {0x02, 'a', 0xFF}, arena).json, "{\"base64\":\"Yf8=\"}");
  EXPECT_EQ(decode(col_of(ColumnType::kBlob, 1), {0x03, 'A', 'B', 'C'}, arena).json, "{\"base64\":\"QUJD\"}");
  EXPECT_EQ(decode(col_of(ColumnType::kBlob, 1, 63), {0x03, 'A', 'B', 'C'}, arena).json, "\"QUJD\"");
  EXPECT_EQ(decode(col_of(ColumnType::kBlob, 1, 45), {0x03, 'A', 'B', 'C'}, arena).json, "\"ABC\"");
  // Singer RECORDs (sync always knows the charset) keep plain base64.
  core::ValueFormat singer{core::ValueFormat::Mode::kSingerRecord};
  EXPECT_EQ(decode(col_of(ColumnType::kBlob, 1), {0x01, 'A'}, arena, singer).json, "\"QQ==\"");
}

TEST(ValuesBitEnumSet, Forms) {
  core::Arena arena;
  EXPECT_EQ(decode(col_of(ColumnType::kBit, 1), {0x01}, arena).json, "1");
  core::ValueFormat singer{core::ValueFormat::Mode::kSingerRecord};
  EXPECT_EQ(decode(col_of(ColumnType::kBit, 1), {0x01}, arena, singer).json, "true");
  EXPECT_EQ(decode(col_of(ColumnType::kBit, 1 << 8 | 2), {0x02, 0xAA}, arena, singer).json, "682");
  EXPECT_FALSE(decode(col_of(ColumnType::kBit, 9 << 8), std::vector<uint8_t>(9, 0), arena).used);
  ColumnDef e = col_of(ColumnType::kEnum, 1);
  EXPECT_EQ(decode(e, {0x02}, arena).json, "2");  // labels unknown: the index
  e.enum_values = {"a", "b"};
  EXPECT_EQ(decode(e, {0x02}, arena).json, "\"b\"");
  EXPECT_EQ(decode(e, {0x00}, arena).json, "\"\"");
  ColumnDef s = col_of(ColumnType::kSet, 1);
  EXPECT_EQ(decode(s, {0x05}, arena).json, "5");
  s.enum_values = {"x", "y", "z"};
  EXPECT_EQ(decode(s, {0x05}, arena).json, "\"x,z\"");
  EXPECT_EQ(decode(s, {0x08}, arena).json, "8");  // a bit beyond the members: the mask
}

TEST(ValuesMariaDb, Inet6AndUuid) {
  core::Arena arena;
  ColumnDef inet = col_of(ColumnType::kString, 16, 63);
  inet.extended_type = ExtendedType::kInet6;
  std::vector<uint8_t> addr = {16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
  EXPECT_EQ(decode(inet, addr, arena).json, "\"2001:db8::1\"");
  EXPECT_EQ(decode(inet, {16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4}, arena).json,
            "\"::ffff:1.2.3.4\"");  // as MariaDB 10.11 logs and shows it
  ColumnDef uuid = col_of(ColumnType::kString, 16, 63);
  uuid.extended_type = ExtendedType::kUuid;
  // Row images from MariaDB 10.11 (INSERT '123e4567-e89b-12d3-a456-426655440000'): text
  // order, trailing zero bytes stripped, whatever the version.
  std::vector<uint8_t> v1 = {14, 0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                             0xa4, 0x56, 0x42, 0x66, 0x55, 0x44};
  EXPECT_EQ(decode(uuid, v1, arena).json, "\"123e4567-e89b-12d3-a456-426655440000\"");
  std::vector<uint8_t> v7 = {16,   0x01, 0x8f, 0x2b, 0x3c, 0x4d, 0x5e, 0x7a, 0xbc,
                             0x8d, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab};
  EXPECT_EQ(decode(uuid, v7, arena).json, "\"018f2b3c-4d5e-7abc-8def-0123456789ab\"");
}

TEST(ValuesDecoderFor, UnsupportedTypesAreErrors) {
  EXPECT_FALSE(decoder_for(col_of(ColumnType::kDecimal, 0)).has_value());
  EXPECT_EQ(decoder_for(col_of(ColumnType::kTypedArray, 0)).error().code, core::ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace sluice::binlog
