#include <gtest/gtest.h>

#include <cstdio>

#include "schema/type_mapping.h"
#include "sinks/singer/singer_sink.h"
#include "support/test_util.h"

namespace sluice::sinks {
namespace {

TEST(SingerSink, WritesTheTapsMessagesInOrder) {
  std::string path = test::make_temp_dir("singer") + "/out.jsonl";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  SingerSink sink(f);
  StreamInfo info;
  info.stream_id = "db-t";
  info.stream = "t";
  info.columns = {schema::column_from_type("id", "", "int"), schema::column_from_type("ok", "", "tinyint(1)"),
                  schema::column_from_type("d", "", "decimal(10,2)")};
  info.key_properties = {"id"};
  info.method = change::Method::kLogBased;
  info.deleted_at_column = true;
  info.version = 17;
  auto h = sink.open_stream(info);
  ASSERT_TRUE(h);
  ASSERT_TRUE(sink.activate_version(*h, 17));
  std::vector<core::Value> values = {core::Value::from_int(1), core::Value::from_int(0),
                                     core::Value::with_text(core::ValueKind::kDecimal, "1.50")};
  change::RowChange row;
  row.after = values;
  row.extracted = core::EpochTime{0, 5};
  ASSERT_TRUE(sink.write_row(*h, row));
  row.op = change::Op::kDelete;
  row.before = values;
  row.commit_time = core::EpochTime{86400, 0};
  values[2] = core::Value::absent();
  ASSERT_TRUE(sink.write_row(*h, row));
  ASSERT_TRUE(sink.checkpoint(R"({"bookmarks":{}})"));
  ASSERT_TRUE(sink.finish());
  std::fclose(f);
  auto lines = test::split_lines(test::read_file(path));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find(R"("type":"SCHEMA","stream":"t")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("_sdc_deleted_at":{"format":"date-time")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("key_properties":["id"])"), std::string::npos);
  EXPECT_EQ(lines[1], R"({"type":"ACTIVATE_VERSION","stream":"t","version":17})");
  EXPECT_EQ(lines[2], R"({"type":"RECORD","stream":"t","record":{"id":1,"ok":false,"d":1.50,"_sdc_deleted_at":null},)"
                      R"("version":17,"time_extracted":"1970-01-01T00:00:00.000005Z"})");
  EXPECT_EQ(lines[3], R"({"type":"RECORD","stream":"t","record":{"id":1,"ok":false,)"
                      R"("_sdc_deleted_at":"1970-01-02T00:00:00.000000Z"},"version":17,)"
                      R"("time_extracted":"1970-01-01T00:00:00.000005Z"})");
  EXPECT_EQ(lines[4], R"({"type":"STATE","value":{"bookmarks":{}}})");
}

// value_forms "tap": JSON a string of its text (string schema), TIME a date-time on 1970-01-01;
// the default keeps sluice's forms. MariaDB's JSON (a LONGTEXT) from the binlog arrives as text.
TEST(SingerSink, TapFormsOfJsonAndTime) {
  auto run = [](core::ValueFormat::Forms forms) {
    std::string path = test::make_temp_dir("singer-forms") + "/out.jsonl";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    SingerSinkOptions o;
    o.forms = forms;
    SingerSink sink(f, o);
    StreamInfo info;
    info.stream_id = "db-t";
    info.stream = "t";
    info.columns = {schema::column_from_type("j", "json", "json"),
                    schema::column_from_type("m", "json", "json"),
                    schema::column_from_type("t", "", "time(6)")};
    info.columns[1].data_type = "longtext";  // MariaDB's JSON
    auto h = sink.open_stream(info);
    core::Value time;
    time.kind = core::ValueKind::kTime;
    time.fsp = 6;
    time.t = core::Temporal{0, 0, 0, 0, 1, 0, 500000, true};
    change::RowChange row;
    std::vector<core::Value> values = {core::Value::with_text(core::ValueKind::kJson, R"({"a":[1,2.5]})"),
                                       core::Value::with_text(core::ValueKind::kString, R"({"b":1.0e2})"),
                                       time};
    row.after = values;
    EXPECT_TRUE(sink.write_row(*h, row));
    values = {core::Value::with_text(core::ValueKind::kJson, ""), core::Value::null(), core::Value::null()};
    row.after = values;
    EXPECT_TRUE(sink.write_row(*h, row));
    EXPECT_TRUE(sink.finish());
    std::fclose(f);
    return test::split_lines(test::read_file(path));
  };
  auto tap = run(core::ValueFormat::Forms::kTap);
  ASSERT_EQ(tap.size(), 3u);
  EXPECT_NE(tap[0].find(R"("j":{"inclusion":"available","type":["null","string"]})"), std::string::npos)
      << tap[0];
  EXPECT_NE(tap[0].find(R"("t":{"inclusion":"available","format":"date-time","type":["null","string"]})"),
            std::string::npos)
      << tap[0];
  EXPECT_NE(tap[1].find(R"({"j":"{\"a\": [1, 2.5]}","m":"{\"b\":1.0e2}","t":"1969-12-31T23:59:58.500000Z"})"),
            std::string::npos)
      << tap[1];
  EXPECT_NE(tap[2].find(R"({"j":"null","m":null,"t":null})"), std::string::npos) << tap[2];
  auto ours = run(core::ValueFormat::Forms::kSluice);
  ASSERT_EQ(ours.size(), 3u);
  EXPECT_NE(
      ours[0].find(
          R"("j":{"inclusion":"available","type":["null","object","array","string","number","boolean"]})"),
      std::string::npos)
      << ours[0];
  EXPECT_NE(ours[1].find(R"({"j":{"a":[1,2.5]},"m":{"b":1.0e2},"t":"-00:00:01.500000"})"), std::string::npos)
      << ours[1];
  EXPECT_NE(ours[2].find(R"({"j":null,"m":null,"t":null})"), std::string::npos) << ours[2];
}

// A TRUNCATE: ACTIVATE_VERSION of the new, empty version, which the records after it carry.
TEST(SingerSink, TruncateActivatesANewVersionThatLaterRecordsCarry) {
  std::string path = test::make_temp_dir("singer-truncate") + "/out.jsonl";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  SingerSink sink(f);
  StreamInfo info;
  info.stream_id = "db-t";
  info.stream = "t";
  info.columns = {schema::column_from_type("id", "", "int")};
  info.key_properties = {"id"};
  info.method = change::Method::kLogBased;
  info.version = 17;
  auto h = sink.open_stream(info);
  ASSERT_TRUE(h);
  std::vector<core::Value> values = {core::Value::from_int(1)};
  change::RowChange row;
  row.op = change::Op::kInsert;
  row.after = values;
  ASSERT_TRUE(sink.write_row(*h, row));
  ASSERT_TRUE(sink.truncate_stream(*h, 18, core::EpochTime{86400, 0}));
  ASSERT_TRUE(sink.write_row(*h, row));
  ASSERT_TRUE(sink.finish());
  std::fclose(f);
  auto lines = test::split_lines(test::read_file(path));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[1].find(R"("version":17,)"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2], R"({"type":"ACTIVATE_VERSION","stream":"t","version":18})");
  EXPECT_NE(lines[3].find(R"("version":18,)"), std::string::npos) << lines[3];
  EXPECT_FALSE(sink.truncate_stream(3, 19, core::EpochTime{0, 0}));
}

TEST(SingerSink, UnknownStreamIsAnError) {
  SingerSink sink(stdout);
  change::RowChange row;
  EXPECT_FALSE(sink.write_row(3, row));
  EXPECT_FALSE(sink.activate_version(3, 1));
}

}  // namespace
}  // namespace sluice::sinks
