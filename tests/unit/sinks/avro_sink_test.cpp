#include "sinks/avro/avro_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sinks/avro/avro_binary.h"
#include "sinks/avro/avro_record.h"
#include "sinks/avro/avro_schema.h"
#include "support/sink_options.h"
#include "support/test_util.h"
#include "unit/sinks/avro_postgres_rows.h"

namespace sluice::sinks {
namespace {

using test::make_avro_sink;

std::string hex(std::string_view s) {
  static constexpr char k[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out.push_back(k[static_cast<unsigned char>(c) >> 4]);
    out.push_back(k[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::string decimal_hex(std::string_view digits, uint32_t p, uint32_t s) {
  std::string out;
  auto st = avro::append_decimal(out, digits, p, s);
  if (!st) return "error: " + st.error().message;
  return hex(out);
}

TEST(AvroBinary, ZigZagVarints) {
  auto enc = [](int64_t v) { std::string o; avro::put_long(o, v); return hex(o); };
  EXPECT_EQ(enc(0), "00");
  EXPECT_EQ(enc(-1), "01");
  EXPECT_EQ(enc(1), "02");
  EXPECT_EQ(enc(-64), "7f");
  EXPECT_EQ(enc(64), "8001");
  EXPECT_EQ(enc(INT64_MAX), "feffffffffffffffff01");
  EXPECT_EQ(enc(INT64_MIN), "ffffffffffffffffff01");
}

TEST(AvroRecord, DecimalIsTheUnscaledTwosComplementBigEndianInteger) {
  // Length (zig-zag) then bytes.
  EXPECT_EQ(decimal_hex("0", 5, 0), "0200");
  EXPECT_EQ(decimal_hex("1.50", 4, 2), "040096");      // 150
  EXPECT_EQ(decimal_hex("1.5", 4, 2), "040096");       // padded to the scale
  EXPECT_EQ(decimal_hex("-1", 1, 0), "02ff");
  EXPECT_EQ(decimal_hex("-128", 3, 0), "0280");
  EXPECT_EQ(decimal_hex("128", 3, 0), "040080");
  EXPECT_EQ(decimal_hex("-0.000001", 7, 6), "02ff");
  EXPECT_EQ(decimal_hex("1.500", 4, 2), "040096");     // trailing zeros beyond the scale are fine
  // 18 digits (the int64 path) and 19 (the wide path) meet at the same encoding rules.
  EXPECT_EQ(decimal_hex("99999999999999.9999", 18, 4), "100de0b6b3a763ffff");
  EXPECT_EQ(decimal_hex("-999999999999999999", 18, 0), "10f21f494c589c0001");
  EXPECT_EQ(decimal_hex("9999999999999999999", 19, 0), "12008ac7230489e7ffff");
  EXPECT_EQ(decimal_hex("-9999999999999999999", 19, 0), "12ff7538dcfb76180001");
  // 10^65 - 1 needs 27 bytes.
  std::string big(65, '9');
  EXPECT_EQ(decimal_hex(big, 65, 0).size(), 2u + 2 * 28u);
  EXPECT_NE(decimal_hex("1.505", 4, 2).find("fraction digits"), std::string::npos);
  EXPECT_NE(decimal_hex("123.4", 4, 2).find("more digits"), std::string::npos);
  EXPECT_NE(decimal_hex("1e5", 9, 0).find("not a number"), std::string::npos);
  std::string u;
  avro::append_unsigned_decimal(u, UINT64_MAX);
  EXPECT_EQ(hex(u), "1200ffffffffffffffff");
}

TEST(AvroRecord, DaysFromCivil) {
  EXPECT_EQ(avro::days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(avro::days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(avro::days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(avro::days_from_civil(2024, 2, 29), 19782);
  EXPECT_EQ(avro::days_from_civil(1000, 1, 1), -354285);
}

TEST(AvroSchema, LogicalTypesNamesAndMetadata) {
  auto plan = avro::build_schema(test::every_kind_stream());
  ASSERT_TRUE(plan) << plan.error().message;
  auto doc = nlohmann::json::parse(plan->json);
  EXPECT_EQ(doc["name"], "every_kind");
  EXPECT_EQ(doc["namespace"], "shop");
  const auto& f = doc["fields"];
  auto type_of = [&](size_t i) { return f[i]["type"]; };
  EXPECT_EQ(type_of(0), "int");  // NOT NULL: no union
  EXPECT_EQ(type_of(2)[1], "boolean");
  EXPECT_EQ(type_of(4)[1], "long");
  EXPECT_EQ(type_of(6)[1]["logicalType"], "decimal");
  EXPECT_EQ(type_of(6)[1]["precision"], 20);
  EXPECT_EQ(type_of(7)[1]["logicalType"], "decimal");
  EXPECT_EQ(type_of(7)[1]["precision"], 30);
  EXPECT_EQ(type_of(7)[1]["scale"], 6);
  EXPECT_EQ(type_of(13)[1]["logicalType"], "date");
  EXPECT_EQ(type_of(14)[1]["sqlType"], "time");
  EXPECT_EQ(type_of(15)[1]["logicalType"], "local-timestamp-micros");
  EXPECT_EQ(type_of(16)[1]["logicalType"], "timestamp-micros");
  EXPECT_EQ(type_of(18)[1], "bytes");
  EXPECT_EQ(type_of(21)[1]["sqlType"], "json");
  EXPECT_EQ(f[23]["name"], "_1st_col");
  EXPECT_EQ(f[24]["name"], "a_b");
  EXPECT_EQ(f[25]["name"], "a_b_2");
  EXPECT_EQ(f[26]["name"], "a_b_3");
  EXPECT_EQ(f[25]["sqlName"], "a b");
  EXPECT_NE(f[25]["doc"].get<std::string>().find("`a b`"), std::string::npos);
  EXPECT_EQ(f[27]["name"], "_sdc_extracted_at");
  EXPECT_EQ(f[28]["name"], "_sdc_deleted_at");
  EXPECT_EQ(f.size(), 29u);
}

TEST(AvroRecord, ValuesThatDoNotFitAreRejected) {
  auto info = test::every_kind_stream();
  auto plan = avro::build_schema(info);
  ASSERT_TRUE(plan);
  avro::RecordEncoder enc;
  test::RowStore store;
  auto values = test::every_kind_row(1, 1, store);
  std::string out;
  change::RowChange row;
  row.after = values;
  ASSERT_TRUE(enc.encode(*plan, row, out));
  values[0] = core::Value::null();  // NOT NULL id
  out.clear();
  auto st = enc.encode(*plan, row, out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("column `id`: NULL in a NOT NULL column"), std::string::npos);
  EXPECT_TRUE(out.empty());
  values[0] = core::Value::from_int(1);
  values[23] = core::Value::from_int(int64_t{1} << 40);  // does not fit int
  st = enc.encode(*plan, row, out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("column `1st col`"), std::string::npos);
  values[23] = core::Value::from_int(1);
  values[7] = core::Value::with_text(core::ValueKind::kDecimal, "1234567890123456789012345.5");
  st = enc.encode(*plan, row, out);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("column `dec`"), std::string::npos);
  values[7] = core::Value::with_text(core::ValueKind::kString, "text in a decimal");
  EXPECT_FALSE(enc.encode(*plan, row, out));
}

std::vector<std::string> avro_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".avro") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AvroSink, WriteErrorNamesTableKeyAndColumn) {
  std::string dir = test::make_temp_dir("avro-err");
  auto sink = make_avro_sink({{"path", dir}});
  ASSERT_TRUE(sink) << sink.error().message;
  auto h = (*sink)->open_stream(test::every_kind_stream());
  ASSERT_TRUE(h);
  test::RowStore store;
  auto values = test::every_kind_row(1, 77, store);
  values[1] = core::Value::with_text(core::ValueKind::kString, "x");
  change::RowChange row;
  row.after = values;
  auto st = (*sink)->write_row(*h, row);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::kSchemaMismatch);
  EXPECT_NE(st.error().message.find("table shop.every kind, key id=77: column `tiny`"), std::string::npos)
      << st.error().message;
}

TEST(AvroSink, SchemaChangeStartsANewFileAndRecoveryCutsUncommittedRows) {
  std::string dir = test::make_temp_dir("avro-recover");
  auto info = test::every_kind_stream();
  test::RowStore store;
  {
    auto sink = AvroSink::open(AvroSinkOptions{dir, avro::Codec::kDeflate, 64, 1 << 30});
    ASSERT_TRUE(sink) << sink.error().message;
    auto h = (*sink)->open_stream(info);
    ASSERT_TRUE(h);
    for (int i = 1; i <= 3; ++i) {
      auto values = test::every_kind_row(i, i, store);
      change::RowChange row;
      row.after = values;
      ASSERT_TRUE((*sink)->write_row(*h, row));
    }
    ASSERT_TRUE((*sink)->checkpoint(R"({"bookmarks":{"a":1}})"));
    auto info2 = info;
    info2.columns.push_back(test::col("added", schema::ColumnKind::kInt, "int"));
    ASSERT_TRUE((*sink)->update_stream(*h, info2));
    auto values = test::every_kind_row(1, 4, store);
    values.push_back(core::Value::from_int(9));
    change::RowChange row;
    row.after = values;
    ASSERT_TRUE((*sink)->write_row(*h, row));  // 64-byte blocks: written at once, not committed
    EXPECT_EQ(avro_files(dir).size(), 2u);
    // No checkpoint, no finish: as if killed here.
  }
  auto size_before = std::filesystem::file_size(dir + "/" + avro_files(dir)[0]);
  auto sink = AvroSink::open(AvroSinkOptions{dir, avro::Codec::kDeflate, 64, 1 << 30});
  ASSERT_TRUE(sink) << sink.error().message;
  ASSERT_TRUE((*sink)->committed_state());
  EXPECT_EQ(*(*sink)->committed_state(), R"({"bookmarks":{"a":1}})");
  auto files = avro_files(dir);
  ASSERT_EQ(files.size(), 1u);  // the file started after the checkpoint is gone
  EXPECT_EQ(files[0], "shop-every%20kind.000001.avro");
  EXPECT_EQ(std::filesystem::file_size(dir + "/" + files[0]), size_before);
}

TEST(AvroSink, OptionsAreChecked) {
  EXPECT_FALSE(make_avro_sink(nlohmann::json::object()));
  EXPECT_FALSE(make_avro_sink({{"path", "/tmp/x"}, {"codec", "snappy"}}));
  auto bad = make_avro_sink({{"path", "/tmp/x"}, {"bogus", 1}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown option 'bogus'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::sinks
