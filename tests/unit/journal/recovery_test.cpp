// journal recovery: a torn tail (cut record, bad CRC at the end, unfinished fragments) is cut at
// open and the resume point is the last durable transaction's; damage in the middle is an error
// naming the segment and offset. And a writer process killed with SIGKILL mid-append loses no
// durable record.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "journal/log_dir.h"
#include "journal/reader.h"
#include "journal/verify.h"
#include "journal/writer.h"
#include "journal_test_util.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

namespace fs = std::filesystem;

// A log of `n` records in one segment; returns the segment's path and each record's offset.
std::string make_log(const std::string& dir, uint64_t n, std::vector<uint64_t>& offsets) {
  journal::WriterOptions o;
  auto w = journal::Writer::open(dir, o);
  EXPECT_TRUE(w);
  journal::RecordBuilder b;
  for (uint64_t lsn = 1; lsn <= n; ++lsn) {
    offsets.push_back((*w)->total_bytes());
    build_test_record(b, lsn, 3);
    EXPECT_TRUE((*w)->append(b));
  }
  EXPECT_TRUE((*w)->sync());
  offsets.push_back((*w)->total_bytes());
  return journal::segment_path(dir, 1);
}

void flip_byte(const std::string& path, uint64_t offset) {
  std::string bytes = read_file(path);
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x20);
  write_file(path, bytes);
}

TEST(JournalRecovery, TornTailIsCutAtSeveralCutPoints) {
  const std::string base = make_temp_dir("journal");
  std::vector<uint64_t> off;
  const std::string seg = make_log(base + "/orig", 5, off);
  const uint64_t last = off[4], end = off[5];
  for (uint64_t cut : {last + 1, last + 10, last + 19, last + 20, last + 21, (last + end) / 2, end - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string dir = base + "/cut" + std::to_string(cut);
    fs::copy(base + "/orig", dir);
    fs::resize_file(journal::segment_path(dir, 1), cut);
    auto report = journal::verify_log(dir);
    ASSERT_TRUE(report);
    ASSERT_EQ(report->problems.size(), 1u);
    EXPECT_NE(report->problems[0].find("torn tail"), std::string::npos) << report->problems[0];
    {
      auto w = journal::Writer::open(dir, journal::WriterOptions{});
      ASSERT_TRUE(w) << w.error().message;
      EXPECT_EQ((*w)->last_lsn(), 4u);
      EXPECT_EQ((*w)->recovered_cut(), cut - last);
      EXPECT_EQ((*w)->resume().position.str(), "binlog.000001:4900") << "the source read resumes after LSN 4";
      EXPECT_EQ((*w)->resume().gtids.str(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-4");
      journal::RecordBuilder b;
      build_test_record(b, 5, 3);
      auto again = (*w)->append(b);  // the extractor re-reads transaction 5 from the source
      ASSERT_TRUE(again);
      EXPECT_EQ(*again, 5u);
    }
    report = journal::verify_log(dir);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    EXPECT_EQ(report->last_lsn, 5u);
  }
}

TEST(JournalRecovery, BadCrcAtTheTailIsCutInTheMiddleIsAnError) {
  const std::string base = make_temp_dir("journal");
  std::vector<uint64_t> off;
  make_log(base + "/orig", 5, off);
  fs::copy(base + "/orig", base + "/tail");
  flip_byte(journal::segment_path(base + "/tail", 1), off[4] + 30);
  {
    auto w = journal::Writer::open(base + "/tail", journal::WriterOptions{});
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ((*w)->last_lsn(), 4u);
  }
  fs::copy(base + "/orig", base + "/middle");
  const std::string seg = journal::segment_path(base + "/middle", 1);
  flip_byte(seg, off[2] + 30);  // LSN 3's body
  const std::string where = seg + " at offset " + std::to_string(off[2]);
  auto w = journal::Writer::open(base + "/middle", journal::WriterOptions{});
  ASSERT_FALSE(w);
  EXPECT_TRUE(w.error().data_loss);
  EXPECT_NE(w.error().message.find(where), std::string::npos) << w.error().message;
  auto report = journal::verify_log(base + "/middle");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find(where), std::string::npos) << report->problems[0];
  auto r = journal::Reader::open(base + "/middle", 1);
  ASSERT_TRUE(r);
  for (int i = 0; i < 2; ++i) ASSERT_NE(*(*r)->next(), nullptr);
  auto bad = (*r)->next();
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(where), std::string::npos) << bad.error().message;
}

TEST(JournalRecovery, FragmentsOfAnUnfinishedTransactionAreCut) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::RecordBuilder b;
  {
    auto w = journal::Writer::open(dir, journal::WriterOptions{});
    ASSERT_TRUE(w);
    build_test_record(b, 1);
    ASSERT_TRUE((*w)->append(b));
    build_test_record(b, 2);
    ASSERT_TRUE((*w)->append(b, true));
    ASSERT_TRUE((*w)->append(b, true));
    ASSERT_TRUE((*w)->sync());
    EXPECT_EQ((*w)->resume().lsn, 1u) << "a transaction's fragments do not move the resume point";
    EXPECT_EQ((*w)->durable_lsn(), 3u);
  }
  auto w = journal::Writer::open(dir, journal::WriterOptions{});
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)->last_lsn(), 1u);
  EXPECT_EQ((*w)->resume().position.str(), "binlog.000001:1900");
}

// The child: appends the records made for their LSNs from where the log ends, telling the
// parent each durable LSN through `fd`, until killed.
[[noreturn]] void writer_child(const std::string& dir, int fd) {
  journal::WriterOptions o;
  o.segment_bytes = 64 << 10;
  o.group_bytes = 16 << 10;
  auto w = journal::Writer::open(dir, o);
  if (!w) _exit(3);
  journal::RecordBuilder b;
  uint64_t told = 0;
  for (uint64_t lsn = (*w)->last_lsn() + 1;; ++lsn) {
    build_test_record(b, lsn, 1 + lsn % 7, 40);
    if (!(*w)->append(b)) _exit(4);
    if ((*w)->durable_lsn() != told) {
      told = (*w)->durable_lsn();
      if (write(fd, &told, sizeof told) != sizeof told) _exit(5);
    }
  }
}

TEST(JournalRecovery, KilledWriterLosesNoDurableRecord) {
  const std::string dir = make_temp_dir("journal") + "/log";
  std::mt19937 rng(16);
  uint64_t durable = 0;
  for (int kill = 0; kill < 4; ++kill) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      writer_child(dir, fds[1]);
    }
    close(fds[1]);
    const uint64_t target = durable + 200 + rng() % 800;  // kill at a random moment past this
    uint64_t got = 0;
    while (got < target && read(fds[0], &got, sizeof got) == sizeof got) durable = got;
    kill9_and_reap(pid);
    close(fds[0]);
    ASSERT_GE(durable, target) << "the writer stopped early";
    auto w = journal::Writer::open(dir, journal::WriterOptions{});
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_GE((*w)->last_lsn(), durable) << "kill " << kill << ": a durable record was lost";
    w->reset();
    auto report = journal::verify_log(dir);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    auto r = journal::Reader::open(dir, 1);
    ASSERT_TRUE(r);
    uint64_t n = 0;
    while (auto rec = (*r)->next()) {
      if (*rec == nullptr) break;
      ASSERT_EQ((*rec)->lsn, ++n);
      expect_test_record(**rec, 1 + n % 7, 40);
    }
    EXPECT_EQ(n, report->last_lsn);
  }
}

}  // namespace
}  // namespace sluice::test
