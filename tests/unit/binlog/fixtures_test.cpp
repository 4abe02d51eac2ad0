// Committed binlog files (tests/data/*, made by real servers) decode to their expected JSON lines.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "support/test_util.h"

namespace sluice::binlog {
namespace {

namespace fs = std::filesystem;

std::string binlog_in(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.starts_with("mysql-bin.") || n.starts_with("binlog.")) return e.path().string();
  }
  return "";
}

struct Decoded {
  core::Status status;
  std::string out;
};

Decoded decode(const std::vector<std::string>& files, JsonDiffApplier apply = nullptr, FileReadOptions fo = {}) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = open_memstream(&buf, &len);
  Decoded d;
  {
    ChangePrinter printer(mem, PrinterOptions{true, true});
    AssemblerOptions ao;
    ao.json_diff = apply;
    ChangeAssembler assembler(printer, ao);
    EventDecoder decoder;
    d.status = read_binlog_files(files, fo, decoder, assembler);
    if (d.status) d.status = assembler.finish();
    if (d.status) d.status = printer.flush();
  }
  std::fclose(mem);
  d.out.assign(buf, len);
  std::free(buf);
  return d;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, DecodesToExpectedJsonLines) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data" / GetParam();
  std::string file = binlog_in(dir);
  ASSERT_FALSE(file.empty()) << dir;
  Decoded d = decode({file});
  ASSERT_TRUE(d.status) << d.status.error().message;
  std::vector<std::string> got = test::split_lines(d.out);
  std::vector<std::string> want = test::split_lines(test::read_file((dir / "expected.jsonl").string()));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "line " << i + 1;
}

INSTANTIATE_TEST_SUITE_P(All, FixtureTest,
                         ::testing::Values("mariadb_types", "mariadb_minimal", "mariadb_compressed", "mysql_types",
                                           "mysql_minimal", "mysql_compressed"));

TEST(Fixtures, CompressedEventsDecodeLikePlainOnes) {
  // The same SQL with and without compression gives the same row images.
  auto rows_of = [](const std::string& name) {
    fs::path dir = fs::path(test::source_dir()) / "tests/data" / name;
    std::string out;
    for (const auto& l : test::split_lines(test::read_file((dir / "expected.jsonl").string()))) {
      size_t op = l.find("\"op\":");
      if (l.find("\"op\":\"ddl\"") == std::string::npos) out += l.substr(op) + "\n";
    }
    return out;
  };
  std::string maria = rows_of("mariadb_compressed");
  std::string mysql = rows_of("mysql_compressed");
  EXPECT_NE(maria.find("\"n\":246913578.246"), std::string::npos);
  EXPECT_EQ(mysql.substr(0, maria.size()), maria);
}

TEST(Fixtures, StartAndStopPositions) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data/mysql_compressed";
  Decoded all = decode({binlog_in(dir)});
  ASSERT_TRUE(all.status);
  // Start at the second compressed transaction's GTID (its rows are at 1166), stop before the last one.
  FileReadOptions fo;
  fo.start_position = 1087;
  fo.stop_position = 1429;
  Decoded part = decode({binlog_in(dir)}, nullptr, fo);
  ASSERT_TRUE(part.status) << part.status.error().message;
  auto lines = test::split_lines(part.out);
  ASSERT_EQ(lines.size(), 4u) << part.out;
  for (const auto& l : lines) EXPECT_NE(l.find("\"pos\":1166"), std::string::npos) << l;
}

TEST(Fixtures, MultipleFilesInOrder) {
  fs::path a = fs::path(test::source_dir()) / "tests/data/mysql_minimal";
  fs::path b = fs::path(test::source_dir()) / "tests/data/mysql_compressed";
  Decoded d = decode({binlog_in(a), binlog_in(b)});
  ASSERT_TRUE(d.status) << d.status.error().message;
  auto lines = test::split_lines(d.out);
  EXPECT_EQ(lines.size(), 21u);
  EXPECT_NE(lines.front().find("binlog.000005"), std::string::npos);
  EXPECT_NE(lines.back().find("binlog.000007"), std::string::npos);
}

// PARTIAL_JSON: the diffs reach the applier as MySQL wrote them (mysqlbinlog -v shows
// JSON_REPLACE(@2, '$.a', 2), JSON_REPLACE(@2, '$.s', 'other'), JSON_REMOVE(@2, '$.b[0]')).
std::vector<std::string> g_diffs;
core::Status recording_applier(const core::Value& before, std::span<const JsonDiff> diffs, core::Arena&,
                               core::Value& out) {
  for (const auto& d : diffs) {
    g_diffs.push_back(std::to_string(static_cast<int>(d.op)) + " " + std::string(d.path) + " type" +
                      std::to_string(d.value_type) + " " + std::to_string(d.value.size()));
  }
  out = before;
  return core::ok();
}

TEST(Fixtures, PartialJsonDiffsReachTheApplier) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data/mysql_partial_json";
  Decoded without = decode({binlog_in(dir)});
  ASSERT_FALSE(without.status);
  EXPECT_NE(without.status.error().message.find("partial JSON"), std::string::npos);
  EXPECT_NE(without.status.error().message.find("binlog.000009:"), std::string::npos);
  g_diffs.clear();
  Decoded with = decode({binlog_in(dir)}, recording_applier);
  ASSERT_TRUE(with.status) << with.status.error().message;
  ASSERT_EQ(g_diffs.size(), 3u);
  EXPECT_EQ(g_diffs[0], "0 $.a type5 2");    // REPLACE, int16 2
  EXPECT_EQ(g_diffs[1], "0 $.s type12 6");   // REPLACE, string "other" (length byte + 5)
  EXPECT_EQ(g_diffs[2], "2 $.b[0] type0 0"); // REMOVE
  // The second update's `other` column is a full document: [1, 2].
  EXPECT_NE(with.out.find("\"other\":[1,2]"), std::string::npos) << with.out;
}

// With the real applier (the default of AssemblerOptions), each partial update yields the
// full new document, as SELECT shows it after each statement of make.sql.
TEST(Fixtures, PartialJsonAppliedGivesFullDocuments) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data/mysql_partial_json";
  Decoded d = decode({binlog_in(dir)}, AssemblerOptions{}.json_diff);
  ASSERT_TRUE(d.status) << d.status.error().message;
  std::vector<std::string> docs;
  for (const auto& line : test::split_lines(d.out)) {
    if (line.find("\"op\":\"update\"") == std::string::npos) continue;
    size_t after = line.find("\"after\":");
    ASSERT_NE(after, std::string::npos) << line;
    size_t doc = line.find("\"doc\":", after);
    ASSERT_NE(doc, std::string::npos) << line;
    size_t end = line.find(",\"other\"", doc);
    docs.push_back(line.substr(doc + 6, end - doc - 6));
  }
  ASSERT_EQ(docs.size(), 3u) << d.out;
  EXPECT_EQ(docs[0], R"({"a":2,"b":[1,2],"s":"text"})");
  EXPECT_EQ(docs[1], R"({"a":2,"b":[1,2],"s":"other"})");
  EXPECT_EQ(docs[2], R"({"a":2,"b":[2],"s":"other"})");
}

}  // namespace
}  // namespace sluice::binlog
