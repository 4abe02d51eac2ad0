// Binary JSON (json_binary.h) from hand-built documents, its error paths, and PARTIAL_JSON
// diffs (json_diff.h). Real MySQL 9.7 documents are in values_captured_test.cpp.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binlog/values/json_binary.h"
#include "binlog/values/json_diff.h"

namespace sluice::binlog::values {
namespace {

std::string text_of(const std::vector<uint8_t>& doc) {
  std::string out;
  auto st = json_binary_to_text({reinterpret_cast<const char*>(doc.data()), doc.size()}, out);
  return st ? out : "ERROR: " + st.error().message;
}

// {"a": 1, "bb": "x"} as a small object: count 2, size, key entries, value entries, keys, string.
const std::vector<uint8_t> kSmallObject = {
    0x00,                    // small object
    0x02, 0x00, 0x17, 0x00,  // 2 members, 23 bytes
    0x12, 0x00, 0x01, 0x00,  // key "a" at 18, length 1
    0x13, 0x00, 0x02, 0x00,  // key "bb" at 19, length 2
    0x05, 0x01, 0x00,        // int16 1, inlined
    0x0C, 0x15, 0x00,        // string at 21
    'a', 'b', 'b',           // keys
    0x01, 'x'};              // string of length 1

TEST(ValuesJsonBinary, SmallObjectFromTheLayout) {
  EXPECT_EQ(text_of(kSmallObject), "{\"a\":1,\"bb\":\"x\"}");
}

TEST(ValuesJsonBinary, ScalarsAndEmptyDocument) {
  EXPECT_EQ(text_of({}), "null");
  EXPECT_EQ(text_of({0x04, 0x02}), "false");
  EXPECT_EQ(text_of({0x09, 0, 0, 0, 0, 0, 0, 0, 0x80}), "-9223372036854775808");
  EXPECT_EQ(text_of({0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), "18446744073709551615");
  EXPECT_EQ(text_of({0x0B, 0, 0, 0, 0, 0, 0, 0x04, 0x40}), "2.5");
  // Doubles as MySQL's SELECT prints them in JSON text, so both paths give the same text.
  EXPECT_EQ(text_of({0x0B, 0, 0, 0, 0, 0, 0, 0x59, 0x40}), "100.0");
  EXPECT_EQ(text_of({0x0B, 0x9C, 0x75, 0x00, 0x88, 0x3C, 0xE4, 0x37, 0x7E}), "1e300");
  EXPECT_EQ(text_of({0x0B, 0xBB, 0xBD, 0xD7, 0xD9, 0xDF, 0x7C, 0xDB, 0x3D}), "0.0000000001");
  // Opaque of an unknown type keeps its bytes: base64:type<N>:...
  EXPECT_EQ(text_of({0x0F, 0xFC, 0x02, 0x01, 0x02}), "\"base64:type252:AQI=\"");
  // Opaque DECIMAL(4,2) 12.50: precision, scale, packed decimal. A JSON number with its exact
  // digits, trailing zeros kept, as SELECT shows JSON_OBJECT('d', 12.50).
  EXPECT_EQ(text_of({0x0F, 0xF6, 0x04, 0x04, 0x02, 0x8C, 0x32}), "12.50");
  // DECIMAL(6,3) -123.456 (negative: every byte inverted) and 0.05 as DECIMAL(2,2).
  EXPECT_EQ(text_of({0x0F, 0xF6, 0x06, 0x06, 0x03, 0x7F, 0x84, 0xFE, 0x37}), "-123.456");
  EXPECT_EQ(text_of({0x0F, 0xF6, 0x03, 0x02, 0x02, 0x85}), "0.05");
  // A string whose length uses two varlen bytes (200 = 0xC8 0x01).
  std::vector<uint8_t> s = {0x0C, 0xC8, 0x01};
  s.insert(s.end(), 200, 'q');
  EXPECT_EQ(text_of(s), "\"" + std::string(200, 'q') + "\"");
}

TEST(ValuesJsonBinary, CorruptDocumentsAreErrors) {
  std::vector<std::vector<uint8_t>> bad = {
      {0x07},                                    // truncated int32
      {0x04, 0x03},                              // unknown literal
      {0x0D, 0x00},                              // unknown type
      {0x0C, 0x05, 'a'},                         // string longer than the document
      {0x0C, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},  // varlen of six bytes
      {0x02, 0x01, 0x00, 0xFF, 0x00},            // container size beyond the document
      {0x02, 0x10, 0x00, 0x07, 0x00, 0x05, 0x00, 0x00},  // count beyond the container
      {0x02, 0x01, 0x00, 0x07, 0x00, 0x0C, 0x40, 0x00},  // value offset beyond the container
      {0x0F, 0xF6, 0x02, 0x04, 0x02},            // opaque decimal truncated
  };
  for (const auto& doc : bad) {
    std::string out = "keep";
    auto st = json_binary_to_text({reinterpret_cast<const char*>(doc.data()), doc.size()}, out);
    ASSERT_FALSE(st.has_value()) << text_of(doc);
    EXPECT_EQ(st.error().code, core::ErrorCode::kCorrupt);
    EXPECT_EQ(out, "keep");
  }
  // Every truncation of a valid document fails cleanly.
  for (size_t n = 1; n < kSmallObject.size(); ++n) {
    std::vector<uint8_t> part(kSmallObject.begin(), kSmallObject.begin() + static_cast<long>(n));
    EXPECT_EQ(text_of(part).rfind("ERROR", 0), 0u) << n;
  }
}

TEST(ValuesJsonBinary, DepthLimit) {
  // Arrays nested deeper than kJsonMaxDepth: each level is [x] with x at offset 7.
  std::vector<uint8_t> doc;
  int levels = kJsonMaxDepth + 5;
  for (int i = 0; i < levels; ++i) {
    size_t size = 7 + 1 + static_cast<size_t>(levels - i - 1) * 8;  // header, entry, nested
    doc.insert(doc.end(), {0x02, 0x01, 0x00, static_cast<uint8_t>(size), static_cast<uint8_t>(size >> 8),
                           0x02, 0x07, 0x00});
  }
  doc.push_back(0);
  EXPECT_EQ(text_of(doc).rfind("ERROR", 0), 0u);
}

core::Value json_value(std::string_view text) { return core::Value::with_text(core::ValueKind::kJson, text); }

std::string apply(std::string_view before, const std::vector<JsonDiff>& diffs) {
  core::Arena arena;
  core::Value out;
  auto st = apply_json_diffs(json_value(before), diffs, arena, out);
  return st ? std::string(out.text) : "ERROR: " + st.error().message;
}

const char kInt5[] = {0x05, 0x00};    // int16 5 (value data after the type byte)
const char kStrZ[] = {0x01, 'z'};     // string "z"

TEST(ValuesJsonDiff, ReplaceInsertRemove) {
  std::string_view five(kInt5, 2), z(kStrZ, 2);
  EXPECT_EQ(apply("{\"a\":1,\"b\":[1,2,3]}", {{JsonDiffOp::kReplace, "$.a", 0x05, five}}),
            "{\"a\":5,\"b\":[1,2,3]}");
  EXPECT_EQ(apply("{\"a\":1,\"b\":[1,2,3]}", {{JsonDiffOp::kReplace, "$.b[1]", 0x0C, z}}),
            "{\"a\":1,\"b\":[1,\"z\",3]}");
  // New members take MySQL's order: shorter keys first.
  EXPECT_EQ(apply("{\"bb\":1}", {{JsonDiffOp::kInsert, "$.a", 0x05, five}}), "{\"a\":5,\"bb\":1}");
  EXPECT_EQ(apply("[1,2]", {{JsonDiffOp::kInsert, "$[0]", 0x05, five}}), "[5,1,2]");
  EXPECT_EQ(apply("[1,2]", {{JsonDiffOp::kInsert, "$[9]", 0x05, five}}), "[1,2,5]");
  EXPECT_EQ(apply("{\"a\":[1,2,3]}", {{JsonDiffOp::kRemove, "$.a[last]", 0, {}},
                                      {JsonDiffOp::kRemove, "$.a[0]", 0, {}}}),
            "{\"a\":[2]}");
  EXPECT_EQ(apply("{\"a b\":{\"c\":1}}", {{JsonDiffOp::kReplace, "$.\"a b\".c", 0x05, five}}),
            "{\"a b\":{\"c\":5}}");
  EXPECT_EQ(apply("{\"a\":1}", {{JsonDiffOp::kReplace, "$", 0x0C, z}}), "\"z\"");
  // Big numbers survive the round trip exactly.
  EXPECT_EQ(apply("{\"u\":18446744073709551615,\"i\":-9223372036854775808,\"d\":0.1}",
                  {{JsonDiffOp::kRemove, "$.d", 0, {}}}),
            "{\"i\":-9223372036854775808,\"u\":18446744073709551615}");
}

TEST(ValuesJsonDiff, MismatchesAreErrors) {
  std::string_view five(kInt5, 2);
  EXPECT_EQ(apply("{\"a\":1}", {{JsonDiffOp::kReplace, "$.x.y", 0x05, five}}).rfind("ERROR", 0), 0u);
  EXPECT_EQ(apply("{\"a\":1}", {{JsonDiffOp::kRemove, "$.b", 0, {}}}).rfind("ERROR", 0), 0u);
  EXPECT_EQ(apply("{\"a\":1}", {{JsonDiffOp::kReplace, "a", 0x05, five}}).rfind("ERROR", 0), 0u);
  EXPECT_EQ(apply("{\"a\":1}", {{JsonDiffOp::kReplace, "$.a", 0x07, five}}).rfind("ERROR", 0), 0u);
  EXPECT_EQ(apply("not json", {}).rfind("ERROR", 0), 0u);
}

}  // namespace
}  // namespace sluice::binlog::values
