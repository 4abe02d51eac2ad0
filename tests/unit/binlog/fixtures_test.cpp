// Committed binlog files (tests/data/*, made by real servers) decode to their expected JSON lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_printer.h"
#include "binlog/parallel_printer.h"
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

enum class Mode { kSerial, kSink, kSinkCrc, kInline };

// Decodes `files` through ChangePrinter (kSerial) or ParallelPrinter, fed undecoded rows events
// (kSink; kSinkCrc: their CRC32 checked by the workers too) or rows decoded by the assembler
// (kInline), into memory or `sink`.
Decoded decode_with(const std::vector<std::string>& files, Mode mode, ParallelOptions po, bool types,
                    JsonDiffApplier apply, FileReadOptions fo = {}, std::FILE* sink = nullptr) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = sink ? sink : open_memstream(&buf, &len);
  Decoded d;
  {
    PrinterOptions popts{types, true};
    po.json_diff = apply;
    AssemblerOptions ao;
    ao.json_diff = apply;
    PreparedXa prepared;  // as `binlog read` does
    ao.prepared_xa = &prepared;
    if (mode == Mode::kSerial) {
      EventDecoder decoder;
      ChangePrinter printer(mem, popts);
      ChangeAssembler assembler(printer, ao);
      d.status = read_binlog_files(files, fo, decoder, assembler);
      if (d.status) d.status = assembler.finish();
      auto f = printer.flush();
      if (d.status) d.status = f;
    } else {
      ParallelPrinter printer(mem, popts, po);
      if (mode != Mode::kInline) ao.rows_sink = &printer;
      EventDecoder decoder(DecoderOptions{.checksum_sink = mode == Mode::kSinkCrc ? &printer : nullptr});
      ChangeAssembler assembler(printer, ao);
      d.status = read_binlog_files(files, fo, decoder, assembler);
      if (d.status) d.status = assembler.finish();
      auto f = printer.finish();
      if (!f) d.status = f;
    }
  }
  if (sink) return d;
  std::fclose(mem);
  d.out.assign(buf, len);
  std::free(buf);
  return d;
}

Decoded decode(const std::vector<std::string>& files, JsonDiffApplier apply = nullptr, FileReadOptions fo = {}) {
  return decode_with(files, Mode::kSerial, {}, true, apply, fo);
}

std::string fixture_binlog(const std::string& name) {
  return binlog_in(fs::path(test::source_dir()) / "tests/data" / name);
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

// The error line a fixture's read ends with (expected.err, without "sluice: error: "), or "".
std::string expected_error(const fs::path& dir) {
  fs::path p = dir / "expected.err";
  if (!fs::exists(p)) return "";
  std::string e = test::read_file(p.string());
  if (e.starts_with("sluice: error: ")) e = e.substr(15);
  while (!e.empty() && e.back() == '\n') e.pop_back();
  return e;
}

TEST_P(FixtureTest, DecodesToExpectedJsonLines) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data" / GetParam();
  std::string file = binlog_in(dir);
  ASSERT_FALSE(file.empty()) << dir;
  Decoded d = decode({file});
  if (std::string err = expected_error(dir); !err.empty()) {
    ASSERT_FALSE(d.status);
    EXPECT_EQ(d.status.error().message, err);
  } else {
    ASSERT_TRUE(d.status) << d.status.error().message;
  }
  std::vector<std::string> got = test::split_lines(d.out);
  std::vector<std::string> want = test::split_lines(test::read_file((dir / "expected.jsonl").string()));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "line " << i + 1;
}

INSTANTIATE_TEST_SUITE_P(All, FixtureTest,
                         ::testing::Values("mariadb_types", "mariadb_partial_rows", "mariadb_minimal",
                                           "mariadb_compressed", "mysql_types", "mysql_minimal",
                                           "mysql_compressed", "mariadb_transactions", "mysql_transactions"));

// The row changes of a fixture's expected lines, from "op" on (without file, positions, GTID, time).
std::string row_images(const std::string& name) {
  fs::path dir = fs::path(test::source_dir()) / "tests/data" / name;
  std::string out;
  for (const auto& l : test::split_lines(test::read_file((dir / "expected.jsonl").string()))) {
    size_t op = l.find("\"op\":");
    if (l.find("\"op\":\"ddl\"") == std::string::npos) out += l.substr(op) + "\n";
  }
  return out;
}

TEST(Fixtures, CompressedEventsDecodeLikePlainOnes) {
  // The same SQL with and without compression gives the same row images.
  std::string maria = row_images("mariadb_compressed");
  std::string mysql = row_images("mysql_compressed");
  EXPECT_NE(maria.find("\"n\":246913578.246"), std::string::npos);
  EXPECT_EQ(mysql.substr(0, maria.size()), maria);
}

TEST(Fixtures, PartialRowDataGroupsDecodeLikeTheirRowsEvents) {
  // mariadb_partial_rows is mariadb_types with every rows event cut into PARTIAL_ROW_DATA
  // fragments (its make.py): the same rows, at other positions.
  std::string whole = row_images("mariadb_types");
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 8);
  EXPECT_EQ(row_images("mariadb_partial_rows"), whole);
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

// ParallelPrinter prints what ChangePrinter prints, byte for byte, whatever the batch size and
// worker count; errors keep their place in the stream.
class ParallelPrinterTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParallelPrinterTest, SameBytesAsChangePrinter) {
  std::string file = fixture_binlog(GetParam());
  ASSERT_FALSE(file.empty());
  const std::string err = expected_error(fs::path(file).parent_path());
  for (bool types : {false, true}) {
    Decoded want = decode_with({file}, Mode::kSerial, {}, types, AssemblerOptions{}.json_diff);
    ASSERT_EQ(want.status ? "" : want.status.error().message, err);
    ASSERT_FALSE(want.out.empty());
    // One batch per rows event with one worker; tiny batches, two workers and a queue of one
    // batch (back-pressure at every step); the defaults; rows decoded by the assembler.
    std::vector<std::pair<Mode, ParallelOptions>> setups = {
        {Mode::kSink, {.workers = 1, .batch_bytes = 1, .max_queued_bytes = 1}},
        {Mode::kSink, {.workers = 2, .batch_bytes = 200, .max_queued_bytes = 1}},
        {Mode::kSink, {.workers = 3, .batch_bytes = 1000, .max_queued_bytes = 4000}},
        {Mode::kSink, {}},
        {Mode::kSinkCrc, {.workers = 2, .batch_bytes = 200, .max_queued_bytes = 1}},
        {Mode::kSinkCrc, {}},
        {Mode::kInline, {.workers = 2, .batch_bytes = 100}},
    };
    for (const auto& [mode, po] : setups) {
      Decoded got = decode_with({file}, mode, po, types, AssemblerOptions{}.json_diff);
      ASSERT_EQ(got.status ? "" : got.status.error().message, err);
      EXPECT_EQ(got.out, want.out) << "workers " << po.workers << ", batch " << po.batch_bytes;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, ParallelPrinterTest,
                         ::testing::Values("mariadb_types", "mariadb_partial_rows", "mariadb_minimal",
                                           "mariadb_compressed", "mysql_types", "mysql_minimal",
                                           "mysql_compressed", "mysql_partial_json", "mariadb_transactions",
                                           "mysql_transactions"));

// A row that cannot be decoded (a partial JSON update without an applier): the same error as
// the serial path, and the same lines before it.
TEST(ParallelPrinter, RowErrorKeepsItsPlace) {
  std::string file = fixture_binlog("mysql_partial_json");
  Decoded want = decode_with({file}, Mode::kSerial, {}, false, nullptr);
  ASSERT_FALSE(want.status);
  for (size_t batch : {size_t{1}, size_t{300}, size_t{1} << 20}) {
    Decoded got = decode_with({file}, Mode::kSink, {.workers = 2, .batch_bytes = batch}, false, nullptr);
    ASSERT_FALSE(got.status) << "batch " << batch;
    EXPECT_EQ(got.status.error().message, want.status.error().message);
    EXPECT_EQ(got.out, want.out) << "batch " << batch;
  }
}

// A rows event whose CRC32 the workers check (`binlog read`): corrupting each rows event in
// turn gives the decoder's error and exactly the lines printed when the decoder checks it
// (in a MariaDB transaction of two inserts, not the first insert's, still buffered then).
TEST(ParallelPrinter, CrcMismatchCheckedByWorkersKeepsItsPlace) {
  for (const char* fixture : {"mariadb_types", "mysql_types"}) {
    const std::string good = fixture_binlog(fixture);
    const std::string bytes = test::read_file(good);
    const fs::path dir = fs::temp_directory_path() / "sluice-crc-place";
    fs::create_directories(dir);
    const std::string bad = (dir / fs::path(good).filename()).string();
    size_t corrupted = 0;
    uint64_t pos = 4;
    while (pos + 19 <= bytes.size()) {
      const auto* h = reinterpret_cast<const uint8_t*>(bytes.data() + pos);
      const uint32_t size = h[9] | h[10] << 8 | h[11] << 16 | static_cast<uint32_t>(h[12]) << 24;
      const bool rows = (h[4] >= 23 && h[4] <= 25) || (h[4] >= 30 && h[4] <= 32);
      // A row byte (found by the workers) and the table id (the decoder fails on it first).
      for (size_t at : {size_t{size} - 6, size_t{19}}) {
        if (!rows) break;
        std::string broken = bytes;
        broken[pos + at] = static_cast<char>(broken[pos + at] ^ 0x10);
        std::FILE* f = std::fopen(bad.c_str(), "wb");
        ASSERT_EQ(std::fwrite(broken.data(), 1, broken.size(), f), broken.size());
        std::fclose(f);
        Decoded want = decode_with({bad}, Mode::kSerial, {}, false, AssemblerOptions{}.json_diff);
        ASSERT_FALSE(want.status) << fixture << ":" << pos;
        ASSERT_NE(want.status.error().message.find("CRC32 mismatch"), std::string::npos);
        for (size_t batch : {size_t{1}, size_t{300}, size_t{1} << 20}) {
          Decoded got = decode_with({bad}, Mode::kSinkCrc, {.workers = 2, .batch_bytes = batch}, false,
                                    AssemblerOptions{}.json_diff);
          ASSERT_FALSE(got.status) << fixture << ":" << pos;
          EXPECT_EQ(got.status.error().message, want.status.error().message);
          EXPECT_EQ(got.out, want.out) << fixture << ":" << pos << "+" << at << ", batch " << batch;
        }
        ++corrupted;
      }
      pos += size;
    }
    EXPECT_GE(corrupted, 10u) << fixture;
    fs::remove_all(dir);
  }
}

TEST(ParallelPrinter, WriteErrorIsReported) {
  std::FILE* full = std::fopen("/dev/full", "w");
  ASSERT_NE(full, nullptr);
  Decoded got = decode_with({fixture_binlog("mysql_types")}, Mode::kSink, {.workers = 2, .batch_bytes = 100}, false,
                       AssemblerOptions{}.json_diff, {}, full);
  std::fclose(full);
  ASSERT_FALSE(got.status);
  EXPECT_NE(got.status.error().message.find("writing output"), std::string::npos) << got.status.error().message;
}

TEST(ParallelPrinter, DestroyedWithoutFinishJoins) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* mem = open_memstream(&buf, &len);
  {
    ParallelPrinter printer(mem, {}, {.workers = 2, .batch_bytes = 1});
    AssemblerOptions ao;
    ao.rows_sink = &printer;
    ChangeAssembler assembler(printer, ao);
    EventDecoder decoder;
    ASSERT_TRUE(read_binlog_files({fixture_binlog("mariadb_types")}, {}, decoder, assembler));
  }  // cancelled: whatever was not written yet is dropped, and the workers are joined
  std::fclose(mem);
  std::free(buf);
}

}  // namespace
}  // namespace sluice::binlog
