// The JSON lines sink driven directly with core::Value rows; the files are parsed back with
// Debian's /usr/bin/python3 (an independent JSON reader), numbers kept as their exact text.

#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "sinks/jsonl/jsonl_sink.h"
#include "sqlite_sink_fixture.h"

namespace sluice::test {
namespace {

using sinks::JsonlSink;
using sinks::JsonlSinkOptions;

/// Every line of every `*.jsonl` file in `dir` (name order), re-serialized by Python with
/// integers and decimals kept as their exact text ("I:..." / "F:...").
constexpr const char* kReadAll = R"(
import json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.endswith('.jsonl'):
        continue
    with open(os.path.join(d, name), encoding='utf-8') as f:
        for line in f:
            obj = json.loads(line, parse_int=lambda s: 'I:' + s, parse_float=lambda s: 'F:' + s)
            print(name + ' ' + json.dumps(obj, ensure_ascii=False, separators=(',', ':')))
)";

std::vector<std::string> python_lines(const std::string& dir) {
  CommandResult r = run_command({"/usr/bin/python3", "-c", kReadAll, dir});
  if (r.exit_code != 0) return {"python3 failed: " + r.err};
  return split_lines(r.out);
}

std::unique_ptr<JsonlSink> open_sink(const std::string& dir, uint64_t max_file_bytes = 0, size_t buffer = 1 << 20) {
  JsonlSinkOptions o;
  o.dir = dir;
  o.max_file_bytes = max_file_bytes;
  o.buffer_bytes = buffer;
  o.job_start_ms = 1700000000000;
  auto s = JsonlSink::open(o);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : nullptr;
}

sinks::StreamInfo items_stream() {
  sinks::StreamInfo info;
  info.stream_id = "shop-items";
  info.stream = info.table = "items";
  info.database = "shop";
  info.columns = {column("id", schema::ColumnKind::kInt), column("name", schema::ColumnKind::kVarchar)};
  info.key_properties = {"id"};
  return info;
}

std::vector<core::Value> item(int64_t id, std::string_view name) {
  return {core::Value::from_int(id), core::Value::with_text(core::ValueKind::kString, name)};
}

TEST(JsonlSink, EveryKindInTheJsonLinesForm) {
  std::string dir = make_temp_dir("jsonl-kinds");
  auto sink = open_sink(dir);
  auto h = sink->open_stream(every_kind_stream());
  ASSERT_TRUE(h);
  EveryRow r1 = every_kind_row(1);
  EveryRow r2 = every_kind_row(2, true);
  ASSERT_TRUE(sink->write_row(*h, make_row(r1.values)));
  ASSERT_TRUE(sink->write_row(*h, make_row(r2.values, change::Op::kDelete, 1700000200)));
  ASSERT_TRUE(sink->checkpoint("{\"bookmarks\":{}}"));
  ASSERT_TRUE(sink->finish());
  auto lines = python_lines(dir);
  ASSERT_EQ(lines.size(), 2u) << (lines.empty() ? "" : lines[0]);
  EXPECT_EQ(lines[0],
            "shop-every-000001.jsonl {\"id\":\"I:1\",\"tiny\":\"I:-128\",\"ubig\":\"I:18446744073709551615\","
            "\"dec\":\"F:12345678901234.123456\",\"flt\":\"F:1.1\",\"dbl\":\"F:1e+300\",\"bits\":\"I:5\",\"yr\":\"I:2024\","
            "\"d\":\"2024-02-29\",\"tm\":\"-838:59:59\",\"dt\":\"2024-01-02 03:04:05.123456\",\"ts\":\"2023-11-14 "
            "22:13:20.123\",\"s\":\"h\xc3\xa9llo \xf0\x9f\x98\x80 \\\"q\\\"\\n\",\"b\":\"AAH/\",\"j\":{\"a\":[\"I:1\",\"F:2.5\","
            "\"x\"]},\"e\":\"medium\",\"st\":\"a,c\",\"g\":\"POINT(1 2)\",\"v\":[\"F:1.5\",\"I:-2\"],\"n\":null,"
            "\"_sdc_extracted_at\":\"2023-11-14 22:15:00.000000\",\"_sdc_deleted_at\":null,"
            "\"_sdc_sequence\":\"I:1700000000000000000\"}");
  EXPECT_NE(lines[1].find("\"dec\":\"F:-0.000001\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"d\":\"0000-00-00\",\"tm\":\"25:00:00.500000\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"e\":\"I:3\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"_sdc_deleted_at\":\"2023-11-14 22:16:40.000000\",\"_sdc_sequence\":\"I:1700000000000000001\""),
            std::string::npos)
      << lines[1];
}

TEST(JsonlSink, RotatesBySizeAndKeepsOrder) {
  std::string dir = make_temp_dir("jsonl-rotate");
  auto sink = open_sink(dir, 2000);
  sinks::StreamInfo info = items_stream();
  info.version = 77;
  auto h = sink->open_stream(info);
  for (int64_t id = 1; id <= 300; ++id) ASSERT_TRUE(sink->write_row(*h, make_row(item(id, "name"))));
  ASSERT_TRUE(sink->activate_version(*h, 77));
  ASSERT_TRUE(sink->checkpoint("{\"at\":300}"));
  ASSERT_TRUE(sink->finish());
  auto lines = python_lines(dir);
  ASSERT_EQ(lines.size(), 300u);
  std::set<std::string> files;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string file = lines[i].substr(0, lines[i].find(' '));
    files.insert(file);
    EXPECT_NE(lines[i].find("{\"id\":\"I:" + std::to_string(i + 1) + "\""), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find("\"_sdc_table_version\":\"I:77\""), std::string::npos) << lines[i];
  }
  EXPECT_GE(files.size(), 10u);
  for (const std::string& f : files) EXPECT_LE(std::filesystem::file_size(dir + "/" + f), 2000u + 200u) << f;
  std::string cp = read_file(dir + "/_sluice_checkpoint.json");
  EXPECT_NE(cp.find("\"shop-items\": 77"), std::string::npos) << cp;
  auto st = sinks::load_jsonl_state(dir);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->value_or("none"), "{\"at\":300}");
}

TEST(JsonlSink, LinesAfterTheLastCheckpointAreCutOff) {
  std::string dir = make_temp_dir("jsonl-cut");
  auto sink = open_sink(dir, 0, 10);
  auto h = sink->open_stream(items_stream());
  ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
  ASSERT_TRUE(sink->checkpoint("{}"));
  ASSERT_TRUE(sink->write_row(*h, make_row(item(2, "b"))));  // written to the file (tiny buffer)
  ASSERT_TRUE(sink->finish());
  auto lines = python_lines(dir);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"id\":\"I:1\""), std::string::npos);
}

TEST(JsonlSink, KillNineThenResumeWritesEveryRowOnce) {
  std::string dir = make_temp_dir("jsonl-kill");
  constexpr int64_t kRows = 20000;
  auto run_job = [&](int64_t kill_after) {
    auto state = sinks::load_jsonl_state(dir);
    int64_t start = state && state->has_value() ? std::stoll(**state) : 0;
    auto sink = open_sink(dir, 100000, 4096);
    if (!sink) return 2;
    auto h = sink->open_stream(items_stream());
    for (int64_t id = start + 1; id <= kRows; ++id) {
      if (!sink->write_row(*h, make_row(item(id, "row")))) return 3;
      if (id == kill_after) raise(SIGKILL);
      if (id % 1000 == 0 && !sink->checkpoint(std::to_string(id))) return 4;
    }
    if (!sink->checkpoint(std::to_string(kRows)) || !sink->finish()) return 5;
    return 0;
  };
  EXPECT_EQ(in_child([&] { return run_job(12345); }), 128 + SIGKILL);
  EXPECT_EQ(in_child([&] { return run_job(0); }), 0);
  auto lines = python_lines(dir);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kRows));
  for (int64_t id = 1; id <= kRows; ++id) {
    ASSERT_NE(lines[id - 1].find("{\"id\":\"I:" + std::to_string(id) + "\","), std::string::npos) << lines[id - 1];
  }
}

TEST(JsonlSink, MissingParentDirectoryIsOneClearError) {
  JsonlSinkOptions o;
  o.dir = make_temp_dir("jsonl-missing") + "/no/such";
  auto s = JsonlSink::open(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not exist"), std::string::npos) << s.error().message;
}

TEST(JsonlSink, FullDiskFailsTheCheckpointAndKeepsTheState) {
  std::string dir = make_temp_dir("jsonl-full");
  {
    auto sink = open_sink(dir);
    auto h = sink->open_stream(items_stream());
    ASSERT_TRUE(sink->write_row(*h, make_row(item(1, "a"))));
    ASSERT_TRUE(sink->checkpoint("{\"v\":1}"));
    ASSERT_TRUE(sink->finish());
  }
  std::string msg_file = make_temp_dir("jsonl-full-msg") + "/msg";
  int rc = in_child([&] {
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &lim);
    auto sink = open_sink(dir);
    auto h = sink->open_stream(items_stream());
    std::string big(1000, 'x');
    core::Status st = core::ok();
    for (int64_t id = 2; id < 5000 && st; ++id) st = sink->write_row(*h, make_row(item(id, big)));
    if (st) st = sink->checkpoint("{\"v\":2}");
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &unlimited);
    write_file(msg_file, st ? "no error" : st.error().message);
    (void)sink->finish();
    return 0;
  });
  ASSERT_EQ(rc, 0);
  std::string msg = read_file(msg_file);
  EXPECT_NE(msg.find("bookmark was not advanced"), std::string::npos) << msg;
  auto st = sinks::load_jsonl_state(dir);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->value_or("none"), "{\"v\":1}");
  EXPECT_EQ(python_lines(dir).size(), 1u);
}

}  // namespace
}  // namespace sluice::test
