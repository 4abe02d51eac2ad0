// A journal filled from real binlogs (the fixtures of tests/data, decoded by the file reader):
// `sluice journal dump` prints the same lines as `sluice binlog read` for the same events (with
// "lsn" first), and `sluice journal verify` accepts the log.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "binlog/binlog_files.h"
#include "binlog/change_assembler.h"
#include "binlog/change_handler.h"
#include "journal/record.h"
#include "journal/writer.h"
#include "replicate/extractor.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

namespace fs = std::filesystem;

// Feeds the decoder's changes to a journal writer, one record per transaction, with the
// extractor's own conversion (replicate/extractor.h), without its filters.
class JournalFeed : public binlog::ChangeHandler {
 public:
  explicit JournalFeed(journal::Writer& w) : writer_(w) {}

  core::Status on_row(const change::RowChange& c, const binlog::TableLayoutPtr& layout) override {
    open_record();
    const binlog::TableLayout& t = *layout;
    held_.push_back(layout);  // the key must not be reused by another layout within the record
    replicate::add_logged_row(builder_, c, t);
    return core::ok();
  }
  core::Status on_statement(const binlog::StatementChange& s) override {
    open_record();
    replicate::add_logged_statement(builder_, s);
    return core::ok();
  }
  core::Status on_commit(const change::Transaction& txn) override {
    open_record();
    builder_.set_transaction(txn);
    auto lsn = writer_.append(builder_);
    open_ = false;
    held_.clear();
    if (!lsn) return core::fail(lsn.error());
    return core::ok();
  }

 private:
  void open_record() {
    if (!open_) builder_.begin();
    open_ = true;
  }
  journal::Writer& writer_;
  journal::RecordBuilder builder_;
  std::vector<binlog::TableLayoutPtr> held_;
  bool open_ = false;
};

std::string fixture_binlog(const std::string& name) {
  for (const auto& e : fs::directory_iterator(source_dir() + "/tests/data/" + name)) {
    const std::string f = e.path().filename().string();
    if (f.find("bin") != std::string::npos && f.find('.') != std::string::npos &&
        f.find(".sql") == std::string::npos && f.find(".jsonl") == std::string::npos) {
      return e.path().string();
    }
  }
  ADD_FAILURE() << "no binlog in tests/data/" << name;
  return {};
}

// `{"lsn":N,...}` -> `{...}`; commit-only lines (records without changes) dropped.
std::string without_lsn(const std::string& dump) {
  std::string out;
  for (const std::string& line : split_lines(dump)) {
    EXPECT_EQ(line.rfind("{\"lsn\":", 0), 0u) << line;
    if (line.find("\"op\":\"commit\"}") != std::string::npos) continue;
    out.append("{").append(line.substr(line.find(',') + 1)).append("\n");
  }
  return out;
}

// The dump's lines against binlog read's, one by one. One difference is by design: a statement
// inside a row transaction (MariaDB's CREATE TABLE ... SELECT) prints "end_pos":null in binlog
// read, because the end is not known yet there; the journal holds committed transactions, so
// it knows the end (docs/transaction-log.md).
void expect_same_lines(const std::string& dump, const std::string& read) {
  std::vector<std::string> d = split_lines(dump), r = split_lines(read);
  ASSERT_EQ(d.size(), r.size()) << dump;
  for (size_t i = 0; i < d.size(); ++i) {
    std::string line = d[i];
    const size_t null_at = r[i].find("\"end_pos\":null,");
    if (null_at != std::string::npos && line.compare(0, null_at, r[i], 0, null_at) == 0) {
      const size_t value = null_at + 10, comma = line.find(',', value);
      EXPECT_GT(std::stoull(line.substr(value, comma - value)), 0u) << line;
      line.replace(value, comma - value, "null");
    }
    EXPECT_EQ(line, r[i]) << "line " << i + 1;
  }
}

class JournalDump : public ::testing::TestWithParam<const char*> {};

TEST_P(JournalDump, PrintsTheRowsBinlogReadPrints) {
  const std::string file = fixture_binlog(GetParam());
  const std::string dir = make_temp_dir("journal-dump") + "/log";
  {
    journal::WriterOptions o;
    o.segment_bytes = 16 << 10;  // several segments even for small fixtures
    auto w = journal::Writer::open(dir, o);
    ASSERT_TRUE(w) << w.error().message;
    JournalFeed feed(**w);
    binlog::PreparedXa prepared;  // two-phase XA transactions come out at their XA COMMIT
    binlog::AssemblerOptions ao;
    ao.prepared_xa = &prepared;
    binlog::ChangeAssembler assembler(feed, ao);
    binlog::EventDecoder decoder;
    auto st = binlog::read_binlog_files({file}, {}, decoder, assembler);
    if (st) st = assembler.finish();
    ASSERT_TRUE(st) << st.error().message;
    ASSERT_TRUE((*w)->sync());
    EXPECT_GT((*w)->last_lsn(), 2u);
  }
  CommandResult read = run_sluice({"binlog", "read", file});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  CommandResult dump = run_sluice({"journal", "dump", "--dir", dir});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  ASSERT_FALSE(read.out.empty());
  expect_same_lines(without_lsn(dump.out), read.out);
  CommandResult verify = run_sluice({"journal", "verify", "--dir", dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find(": ok: "), std::string::npos) << verify.out;
  // From an LSN: the same lines from there on.
  CommandResult tail = run_sluice({"journal", "dump", "--dir", dir, "--from-lsn", "3"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out.rfind("{\"lsn\":3,", 0), 0u) << tail.out.substr(0, 200);
  EXPECT_NE(dump.out.find(tail.out), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JournalDump,
                         ::testing::Values("mysql_types", "mariadb_types", "mariadb_transactions",
                                           "mysql_minimal", "mysql_partial_json_minimal"));

TEST(JournalVerify, ReportsDamageOneLineEachWithExit1) {
  const std::string dir = make_temp_dir("journal-verify") + "/log";
  {
    auto w = journal::Writer::open(dir, journal::WriterOptions{});
    ASSERT_TRUE(w);
    journal::RecordBuilder b;
    change::Transaction txn;
    txn.file = "binlog.000001";
    for (uint64_t i = 1; i <= 3; ++i) {
      txn.end_pos = 100 * i;
      b.begin();
      b.set_transaction(txn);
      ASSERT_TRUE((*w)->append(b));
    }
  }
  const std::string seg = dir + "/seg-00000000000000000001.sjl";
  std::string bytes = read_file(seg);
  bytes.resize(bytes.size() - 3);
  write_file(seg, bytes);
  CommandResult verify = run_sluice({"journal", "verify", "--dir", dir});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_EQ(split_lines(verify.out).size(), 1u) << verify.out;
  EXPECT_NE(verify.out.find(seg + " at offset "), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("torn tail"), std::string::npos) << verify.out;
  CommandResult missing = run_sluice({"journal", "dump", "--dir", dir + "-nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace sluice::test
