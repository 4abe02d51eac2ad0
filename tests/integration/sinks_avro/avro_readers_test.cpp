// The Avro sink's files read by independent readers: python3-avro (logical types decoded),
// `avro cat` (python's CLI) and `avrocat` (avro-c's). Rows of every kind, renamed columns,
// rotation, schema changes and kill -9 between rows and checkpoint.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sinks/avro/avro_sink.h"
#include "support/sink_options.h"
#include "support/test_util.h"
#include "unit/sinks/avro_postgres_rows.h"

namespace sluice::sinks {
namespace {

using test::make_avro_sink;

using nlohmann::json;

// Prints {"schema": header schema, "rows": [...]} for each file, values in checkable forms.
constexpr const char* kReader = R"PY(
import sys, json, decimal, datetime
import avro.datafile, avro.io
def conv(v):
    if isinstance(v, decimal.Decimal): return "D:" + str(v)
    if isinstance(v, datetime.datetime): return "T:" + v.isoformat()
    if isinstance(v, datetime.date): return "d:" + v.isoformat()
    if isinstance(v, bytes): return "B:" + v.hex()
    return v
out = []
for path in sys.argv[1:]:
    with avro.datafile.DataFileReader(open(path, "rb"), avro.io.DatumReader()) as r:
        schema = json.loads(r.get_meta("avro.schema").decode())
        rows = [{k: conv(v) for k, v in rec.items()} for rec in r]
        out.append({"schema": schema, "codec": r.get_meta("avro.codec").decode(), "rows": rows})
print(json.dumps(out))
)PY";

std::vector<std::string> avro_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".avro") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json python_read(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", kReader};
  argv.insert(argv.end(), files.begin(), files.end());
  auto r = test::run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

void write_rows(Sink& sink, StreamHandle h, int first, int last, test::RowStore& store) {
  for (int id = first; id <= last; ++id) {
    auto values = test::every_kind_row(1 + (id - 1) % 3, id, store);
    change::RowChange row;
    row.after = values;
    row.extracted = core::EpochTime{1700000000, 5};
    ASSERT_TRUE(sink.write_row(h, row));
  }
}

std::string write_every_kind(const std::string& codec) {
  std::string dir = test::make_temp_dir("avro-every-kind");
  auto sink = make_avro_sink({{"path", dir}, {"codec", codec}});
  EXPECT_TRUE(sink) << sink.error().message;
  auto h = (*sink)->open_stream(test::every_kind_stream());
  EXPECT_TRUE(h);
  test::RowStore store;
  write_rows(**sink, *h, 1, 3, store);
  auto values = test::every_kind_row(1, 4, store);
  change::RowChange del;
  del.op = change::Op::kDelete;
  del.before = values;
  del.commit_time = core::EpochTime{1709300000, 0};
  EXPECT_TRUE((*sink)->write_row(*h, del));
  EXPECT_TRUE((*sink)->checkpoint("{}"));
  EXPECT_TRUE((*sink)->finish());
  return dir;
}

TEST(AvroReaders, PythonReadsEveryKindWithLogicalTypes) {
  for (std::string codec : {"deflate", "null"}) {
    std::string dir = write_every_kind(codec);
    auto files = avro_files(dir);
    ASSERT_EQ(files.size(), 1u);
    json doc = python_read(files)[0];
    EXPECT_EQ(doc["codec"], codec);
    const json& rows = doc["rows"];
    ASSERT_EQ(rows.size(), 4u);
    const json& a = rows[0];
    EXPECT_EQ(a["id"], 1);
    EXPECT_EQ(a["tiny"], 7);
    EXPECT_EQ(a["flag"], false);
    EXPECT_EQ(a["small_u"], 1);
    EXPECT_EQ(a["int_u"], 2);
    EXPECT_EQ(a["big"], 1234567890123);
    EXPECT_EQ(a["big_u"], "D:42");
    EXPECT_EQ(a["dec"], "D:12345678901234.123456");
    EXPECT_NEAR(a["f"].get<double>(), 1.1, 1e-6);
    EXPECT_EQ(a["d"], 2.5);
    EXPECT_EQ(a["b1"], true);
    EXPECT_EQ(a["b10"], 5);
    EXPECT_EQ(a["y"], 2024);
    EXPECT_EQ(a["dt"], "d:2024-02-29");
    EXPECT_EQ(a["tm"], int64_t{90000500000});  // 25:00:00.5 in microseconds
    EXPECT_EQ(a["dtm"], int64_t{1709298855123456});  // local-timestamp-micros: python 1.11 gives the long
    EXPECT_EQ(a["ts"], "T:2024-03-01T13:14:15.654321+00:00");
    EXPECT_EQ(a["name"], "héllo");
    EXPECT_EQ(a["bin"], "B:6162");
    EXPECT_EQ(a["e"], "b");
    EXPECT_EQ(a["s"], "");
    EXPECT_EQ(json::parse(a["j"].get<std::string>()), json::parse(R"({"a":1.5,"b":[true]})"));
    EXPECT_EQ(a["g"], "POINT(1 2)");
    EXPECT_EQ(a["_1st_col"], 23);
    EXPECT_EQ(a["a_b"], 24);
    EXPECT_EQ(a["a_b_2"], 25);
    EXPECT_EQ(a["a_b_3"], 26);
    EXPECT_EQ(a["_sdc_extracted_at"], "T:2023-11-14T22:13:20.000005+00:00");
    EXPECT_TRUE(a["_sdc_deleted_at"].is_null());
    const json& b = rows[1];
    EXPECT_EQ(b["tiny"], -128);
    EXPECT_EQ(b["flag"], true);
    EXPECT_EQ(b["big"], INT64_MIN);
    EXPECT_EQ(b["big_u"], "D:18446744073709551615");
    EXPECT_EQ(b["dec"], "D:-999999999999999999999999.999999");
    EXPECT_EQ(b["d"], 1e300);
    EXPECT_EQ(b["b10"], 1023);
    EXPECT_EQ(b["y"], 0);
    EXPECT_TRUE(b["dt"].is_null());   // zero date
    EXPECT_EQ(b["tm"], int64_t{-3020399000000});  // -838:59:59
    EXPECT_TRUE(b["dtm"].is_null());  // 2024-00-00
    EXPECT_TRUE(b["ts"].is_null());   // zero timestamp
    EXPECT_EQ(b["name"], "tab\there\nnew \\ \"q\" 😀");
    EXPECT_EQ(b["bin"], "B:00ff01");
    EXPECT_EQ(b["e"], "");
    EXPECT_EQ(b["s"], "x,z");
    EXPECT_EQ(json::parse(b["j"].get<std::string>()),
              json::parse(R"([1,{"k":"v"},null,18446744073709551615])"));
    EXPECT_EQ(b["g"], "POINT(1 -2.5)");
    EXPECT_EQ(b["a_b_3"], -26);
    const json& c = rows[2];
    EXPECT_EQ(c["id"], 3);
    for (const char* k : {"tiny", "flag", "big_u", "dec", "dt", "tm", "ts", "name", "bin", "j", "g", "a_b"}) {
      EXPECT_TRUE(c[k].is_null()) << k;
    }
    EXPECT_EQ(rows[3]["_sdc_deleted_at"], "T:2024-03-01T13:33:20+00:00");
    // The header schema keeps the logical types and custom attributes.
    const json& fields = doc["schema"]["fields"];
    EXPECT_EQ(fields[7]["type"][1]["logicalType"], "decimal");
    EXPECT_EQ(fields[7]["type"][1]["precision"], 30);
    EXPECT_EQ(fields[16]["type"][1]["logicalType"], "timestamp-micros");
    EXPECT_EQ(fields[15]["type"][1]["logicalType"], "local-timestamp-micros");
    EXPECT_EQ(fields[21]["type"][1]["sqlType"], "json");
    EXPECT_EQ(fields[25]["sqlName"], "a b");
  }
}

TEST(AvroReaders, AvroCliAndAvroCReadTheFiles) {
  std::string dir = write_every_kind("deflate");
  auto files = avro_files(dir);
  ASSERT_EQ(files.size(), 1u);
  // python's CLI (its json format cannot print Decimal; csv prints the decoded values).
  auto py = test::run_command(
      {"avro", "cat", "--format", "csv", "--header", "--fields", "id,dec,big_u,ts,a_b_2", files[0]});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  std::string csv = py.out;
  std::erase(csv, '\r');  // csv.writer ends rows with CRLF
  EXPECT_EQ(test::split_lines(csv),
            (std::vector<std::string>{"a_b_2,big_u,dec,id,ts",
                                      "25,42,12345678901234.123456,1,2024-03-01 13:14:15.654321+00:00",
                                      "-25,18446744073709551615,-999999999999999999999999.999999,2,", ",,,3,",
                                      "25,42,12345678901234.123456,4,2024-03-01 13:14:15.654321+00:00"}));
  auto schema = test::run_command({"avro", "cat", "--print-schema", "--count", "0", files[0]});
  ASSERT_EQ(schema.exit_code, 0) << schema.err;
  EXPECT_NE(schema.out.find("\"logicalType\": \"decimal\""), std::string::npos);
  auto c = test::run_command({"avrocat", files[0]});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto clines = test::split_lines(c.out);
  ASSERT_EQ(clines.size(), 4u);
  auto rec = json::parse(clines[1]);
  EXPECT_EQ(rec["id"], 2);
  EXPECT_EQ(rec["a_b_2"]["int"], -25);
}

TEST(AvroReaders, FieldNamesAreStableAcrossRuns) {
  auto one = python_read(avro_files(write_every_kind("deflate")))[0]["schema"];
  auto two = python_read(avro_files(write_every_kind("deflate")))[0]["schema"];
  EXPECT_EQ(one, two);
  std::vector<std::string> names;
  for (const auto& f : one["fields"]) names.push_back(f["name"]);
  EXPECT_EQ(std::vector<std::string>(names.begin() + 23, names.begin() + 27),
            (std::vector<std::string>{"_1st_col", "a_b", "a_b_2", "a_b_3"}));
}

TEST(AvroReaders, RotationAndSchemaChangeGiveReadableFilesInOrder) {
  std::string dir = test::make_temp_dir("avro-rotate");
  auto sink = make_avro_sink({{"path", dir}, {"block_bytes", 512}, {"max_file_bytes", 4000}});
  ASSERT_TRUE(sink);
  auto info = test::every_kind_stream();
  auto h = (*sink)->open_stream(info);
  ASSERT_TRUE(h);
  test::RowStore store;
  write_rows(**sink, *h, 1, 60, store);
  info.columns.push_back(test::col("added", schema::ColumnKind::kVarchar, "varchar(5)"));
  ASSERT_TRUE((*sink)->update_stream(*h, info));
  auto values = test::every_kind_row(1, 61, store);
  values.push_back(core::Value::with_text(core::ValueKind::kString, "new"));
  change::RowChange row;
  row.after = values;
  ASSERT_TRUE((*sink)->write_row(*h, row));
  ASSERT_TRUE((*sink)->checkpoint("{}"));
  ASSERT_TRUE((*sink)->finish());
  auto files = avro_files(dir);
  ASSERT_GE(files.size(), 3u);
  json docs = python_read(files);
  std::vector<int> ids;
  for (const auto& d : docs) for (const auto& r : d["rows"]) ids.push_back(r["id"]);
  ASSERT_EQ(ids.size(), 61u);
  for (int i = 0; i < 61; ++i) EXPECT_EQ(ids[i], i + 1);
  const json& last = docs.back();
  EXPECT_EQ(last["rows"].size(), 1u);
  EXPECT_EQ(last["rows"][0]["added"], "new");
  EXPECT_FALSE(docs.front()["rows"][0].contains("added"));
}

TEST(AvroReaders, KillBetweenRowsAndCheckpointThenResumeWritesEachRowOnce) {
  std::string dir = test::make_temp_dir("avro-kill");
  auto info = test::every_kind_stream();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto sink = make_avro_sink({{"path", dir}, {"block_bytes", 256}});
    if (!sink) _exit(3);
    auto h = (*sink)->open_stream(info);
    test::RowStore store;
    write_rows(**sink, *h, 1, 100, store);
    if (!(*sink)->checkpoint(R"({"last_id":100})")) _exit(4);
    write_rows(**sink, *h, 101, 150, store);  // blocks reach the file, no checkpoint
    raise(SIGKILL);
    _exit(5);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  auto sink = AvroSink::open(AvroSinkOptions{dir});
  ASSERT_TRUE(sink) << sink.error().message;
  ASSERT_TRUE((*sink)->committed_state());
  EXPECT_EQ(*(*sink)->committed_state(), R"({"last_id":100})");
  auto h = (*sink)->open_stream(info);
  ASSERT_TRUE(h);
  test::RowStore store;
  write_rows(**sink, *h, 101, 150, store);  // the job resumes after its committed bookmark
  ASSERT_TRUE((*sink)->checkpoint(R"({"last_id":150})"));
  ASSERT_TRUE((*sink)->finish());
  json docs = python_read(avro_files(dir));
  std::vector<int> ids;
  for (const auto& d : docs) for (const auto& r : d["rows"]) ids.push_back(r["id"]);
  ASSERT_EQ(ids.size(), 150u);
  for (int i = 0; i < 150; ++i) EXPECT_EQ(ids[i], i + 1);
}

}  // namespace
}  // namespace sluice::sinks
