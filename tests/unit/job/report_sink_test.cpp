// The loading report decorator, the destination config and the sink factory.

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/destination.h"
#include "job/report/report_sink.h"
#include "job/sink_factory.h"
#include "sinks/jsonl/jsonl_sink.h"
#include "sinks/sqlite/sqlite_sink.h"
#include "unit/sinks/sqlite_sink_fixture.h"

namespace sluice::test {
namespace {

using nlohmann::json;

sinks::StreamInfo items_stream() {
  sinks::StreamInfo info;
  info.stream_id = "shop-items";
  info.stream = info.table = "items";
  info.database = "shop";
  info.columns = {column("id", schema::ColumnKind::kInt), column("name", schema::ColumnKind::kVarchar)};
  info.key_properties = {"id"};
  info.method = change::Method::kLogBased;
  return info;
}

std::vector<core::Value> item(int64_t id, std::string_view name) {
  return {core::Value::from_int(id), core::Value::with_text(core::ValueKind::kString, name)};
}

config::DestinationConfig destination(const std::string& text) {
  auto d = config::parse_destination_arg(text);
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? *d : config::DestinationConfig{};
}

std::string read_log(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(Report, SqliteCountsInsertsUpdatesDeletesAndBookmarks) {
  std::string dir = make_temp_dir("report-sqlite");
  std::FILE* log = std::tmpfile();
  job::SinkEnvironment env;
  env.log = log;
  auto made = job::make_sink(destination("sqlite:" + dir + "/shop.db"), env);
  ASSERT_TRUE(made) << made.error().message;
  ASSERT_NE(made->report, nullptr);
  made->report->set_initial_state(R"({"bookmarks":{"shop-items":{"log_pos":4}}})");
  sinks::Sink& sink = *made->sink;
  auto h = sink.open_stream(items_stream());
  ASSERT_TRUE(h);
  ASSERT_TRUE(sink.write_row(*h, make_row(item(1, "a"), change::Op::kSnapshot)));
  ASSERT_TRUE(sink.write_row(*h, make_row(item(2, "b"), change::Op::kSnapshot)));
  ASSERT_TRUE(sink.write_row(*h, make_row(item(1, "a2"), change::Op::kSnapshot)));  // an upsert that updates
  ASSERT_TRUE(sink.write_row(*h, make_row(item(2, "b"), change::Op::kDelete, 1700000200)));
  ASSERT_TRUE(sink.checkpoint(R"({"bookmarks":{"shop-items":{"log_pos":99}}})"));
  ASSERT_TRUE(sink.write_row(*h, make_row(item(3, "c"), change::Op::kInsert)));  // never committed
  ASSERT_TRUE(sink.finish());
  std::string path = made->report->report_path();
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(std::filesystem::path(path).parent_path().string(), dir + "/shop.db.reports");
  json r = json::parse(read_file(path));
  EXPECT_EQ(r["status"], "succeeded");
  EXPECT_EQ(r["destination"], json({{"type", "sqlite"}, {"path", dir + "/shop.db"}}));
  ASSERT_EQ(r["tables"].size(), 1u);
  const json& t = r["tables"][0];
  EXPECT_EQ(t["stream"], "shop-items");
  EXPECT_EQ(t["method"], "LOG_BASED");
  EXPECT_EQ(t["rows_inserted"], 2);
  EXPECT_EQ(t["rows_updated"], 1);
  EXPECT_EQ(t["rows_deleted"], 1);
  EXPECT_EQ(t["rows_not_committed"], 1);
  EXPECT_EQ(t["bytes"], 8 * 4 + 1 + 1 + 2 + 1);
  EXPECT_EQ(t["errors"], 0);
  EXPECT_EQ(t["bookmark_before"], json({{"log_pos", 4}}));
  EXPECT_EQ(t["bookmark_after"], json({{"log_pos", 99}}));
  std::string line = read_log(log);
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_NE(line.find("sluice: loaded 1 table into sqlite:" + dir + "/shop.db: 2 inserted, 1 updated, 1 deleted"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("; report " + path), std::string::npos) << line;
  std::fclose(log);
}

TEST(Report, FactoryResumesFromTheDestinationsState) {
  std::string dir = make_temp_dir("report-resume");
  for (const std::string& spec : {"sqlite:" + dir + "/x.db", "jsonl:" + dir + "/files"}) {
    job::SinkEnvironment env;
    env.log = nullptr;
    {
      auto made = job::make_sink(destination(spec), env);
      ASSERT_TRUE(made) << made.error().message;
      EXPECT_FALSE(made->saved_state.has_value()) << spec;
      auto h = made->sink->open_stream(items_stream());
      ASSERT_TRUE(made->sink->write_row(*h, make_row(item(1, "a"))));
      ASSERT_TRUE(made->sink->checkpoint(R"({"bookmarks":{"shop-items":{"version":5}}})"));
      ASSERT_TRUE(made->sink->finish());
    }
    auto again = job::make_sink(destination(spec), env);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->saved_state.value_or("none"), R"({"bookmarks":{"shop-items":{"version":5}}})") << spec;
    ASSERT_TRUE(again->sink->finish());
    json r = json::parse(read_file(again->report->report_path()));
    EXPECT_EQ(r["status"], "succeeded");
  }
}

TEST(Report, JsonlCountsByOperationAndAFailureIsReported) {
  std::string dir = make_temp_dir("report-jsonl");
  sinks::JsonlSinkOptions o;
  o.dir = dir + "/out";
  auto inner = sinks::JsonlSink::open(o);
  ASSERT_TRUE(inner);
  std::FILE* log = std::tmpfile();
  job::ReportOptions ro;
  ro.report_dir = dir + "/reports";
  ro.log = log;
  ro.destination = json{{"type", "jsonl"}, {"path", o.dir}};
  job::ReportSink sink(std::move(*inner), ro);
  auto h = sink.open_stream(items_stream());
  ASSERT_TRUE(sink.write_row(*h, make_row(item(1, "a"), change::Op::kInsert)));
  ASSERT_TRUE(sink.write_row(*h, make_row(item(1, "b"), change::Op::kUpdate)));
  ASSERT_TRUE(sink.write_row(*h, make_row(item(1, "b"), change::Op::kDelete)));
  ASSERT_TRUE(sink.checkpoint("{}"));
  ASSERT_FALSE(sink.write_row(7, make_row(item(1, "b"))));  // an unknown stream: an error
  sink.record_error("reading the binlog: connection lost");
  ASSERT_TRUE(sink.finish());
  json r = json::parse(read_file(sink.report_path()));
  EXPECT_EQ(r["status"], "failed");
  EXPECT_EQ(r["totals"]["rows_inserted"], 1);
  EXPECT_EQ(r["totals"]["rows_updated"], 1);
  EXPECT_EQ(r["totals"]["rows_deleted"], 1);
  std::string line = read_log(log);
  EXPECT_NE(line.find("sluice: FAILED after loading 1 table into jsonl:"), std::string::npos) << line;
  std::fclose(log);
}

TEST(Destination, ParsesEveryFormAndNamesTheProblem) {
  auto a = config::parse_destination_arg(R"({"type":"sqlite","path":"x.db","deletes":"hard","report":false})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, config::DestinationType::kSqlite);
  EXPECT_EQ(a->path, "x.db");
  EXPECT_EQ(a->deletes, config::DeleteMode::kHard);
  EXPECT_FALSE(a->report);
  auto b = config::parse_destination_arg("jsonl:/tmp/out");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->type, config::DestinationType::kJsonl);
  EXPECT_EQ(b->path, "/tmp/out");
  auto c = config::parse_destination_arg("singer");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, config::DestinationType::kSinger);

  auto missing = config::parse_destination_arg(R"({"type":"sqlite"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "--destination: 'sqlite' needs 'path' (the database file)");
  auto bad_type = config::parse_destination_arg(R"({"type":"mongo"})");
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().message.find("'type' must be one of \"singer\", \"jsonl\", \"sqlite\""), std::string::npos);
  auto bad_keys = config::parse_destination(json{{"type", "sqlite"}, {"path", 3}, {"deletes", "later"}}, "config.json: destination");
  ASSERT_FALSE(bad_keys);
  EXPECT_EQ(bad_keys.error().message,
            "config.json: destination: 'path' must be a non-empty string (a file or directory), got 3\n"
            "config.json: destination: 'deletes' must be \"soft\" or \"hard\", got \"later\"");
  auto typo = config::parse_destination(json{{"type", "jsonl"}, {"path", "d"}, {"max_file_byte", 5}}, "cfg");
  ASSERT_TRUE(typo);
  ASSERT_EQ(typo->warnings.size(), 1u);
  EXPECT_NE(typo->warnings[0].find("'max_file_byte'"), std::string::npos);
  auto no_file = config::parse_destination_arg("/no/such/dest.json");
  ASSERT_FALSE(no_file);
  EXPECT_NE(no_file.error().message.find("/no/such/dest.json"), std::string::npos);

  auto from_config = config::destination_from_config(json{{"host", "h"}}, "config.json");
  ASSERT_TRUE(from_config);
  EXPECT_FALSE(from_config->has_value());
  auto with = config::destination_from_config(json{{"destination", {{"type", "sqlite"}, {"path", "a.db"}}}}, "config.json");
  ASSERT_TRUE(with && with->has_value());
  EXPECT_EQ((*with)->origin, "config.json: destination");
}

TEST(Destination, FactoryErrorsNameTheDestination) {
  job::SinkEnvironment env;
  env.log = nullptr;
  auto made = job::make_sink(destination("sqlite:/no/such/dir/x.db"), env);
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("directory /no/such/dir does not exist"), std::string::npos)
      << made.error().message;
}

}  // namespace
}  // namespace sluice::test
