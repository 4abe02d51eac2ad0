// journal::Writer and journal::Reader: append and read back, group commit, segment roll,
// reopen, following a growing log, retention and back-pressure.
#include "journal/writer.h"

#include <gtest/gtest.h>

#include <thread>

#include "journal/log_dir.h"
#include "journal/reader.h"
#include "journal/verify.h"
#include "journal_test_util.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using std::chrono::milliseconds;

journal::WriterOptions lazy_options() {
  journal::WriterOptions o;
  o.group_time = milliseconds(60000);  // groups end by bytes or sync() only: deterministic
  return o;
}

std::unique_ptr<journal::Writer> open_writer(const std::string& dir, const journal::WriterOptions& o) {
  auto w = journal::Writer::open(dir, o);
  EXPECT_TRUE(w) << w.error().message;
  return w ? std::move(*w) : nullptr;
}

void append_range(journal::Writer& w, uint64_t first, uint64_t last, size_t rows = 1, size_t width = 20) {
  journal::RecordBuilder b;
  for (uint64_t lsn = first; lsn <= last; ++lsn) {
    build_test_record(b, lsn, rows, width);
    auto got = w.append(b);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(*got, lsn);
  }
}

// Reads every record from `from` and checks each is the one made for its LSN; returns the count.
uint64_t read_all(const std::string& dir, uint64_t from = 1, size_t rows = 1, size_t width = 20) {
  auto r = journal::Reader::open(dir, from);
  EXPECT_TRUE(r) << r.error().message;
  if (!r) return 0;
  uint64_t n = 0;
  for (;;) {
    auto rec = (*r)->next();
    EXPECT_TRUE(rec) << rec.error().message;
    if (!rec || *rec == nullptr) return n;
    EXPECT_EQ((*rec)->lsn, from + n);
    expect_test_record(**rec, rows, width);
    ++n;
  }
}

TEST(JournalWriter, GroupCommitMakesRecordsDurableInGroups) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o = lazy_options();
  journal::RecordBuilder b;
  build_test_record(b, 1);
  o.group_bytes = 3 * (journal::kRecordHeaderSize + b.size());  // three records per fsync
  auto w = open_writer(dir, o);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->resume().lsn, 0u);
  EXPECT_TRUE(w->resume().position.empty());
  append_range(*w, 1, 2);
  EXPECT_EQ(w->durable_lsn(), 0u) << "two records: the group is not full";
  EXPECT_TRUE(w->resume().position.empty()) << "the resume point never passes a record not durable";
  append_range(*w, 3, 3);
  EXPECT_EQ(w->durable_lsn(), 3u);
  EXPECT_EQ(w->resume().position.str(), "binlog.000001:3900");
  append_range(*w, 4, 5);
  EXPECT_EQ(w->durable_lsn(), 3u);
  ASSERT_TRUE(w->sync());
  EXPECT_EQ(w->durable_lsn(), 5u);
  EXPECT_EQ(w->resume().gtids.str(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
  EXPECT_EQ(read_all(dir), 5u);
}

TEST(JournalWriter, GroupTimeBoundsTheWait) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o;
  o.group_time = milliseconds(20);
  auto w = open_writer(dir, o);
  ASSERT_TRUE(w);
  append_range(*w, 1, 1);
  EXPECT_EQ(w->durable_lsn(), 0u);
  std::this_thread::sleep_for(milliseconds(30));
  ASSERT_TRUE(w->maybe_sync());
  EXPECT_EQ(w->durable_lsn(), 1u);
}

TEST(JournalWriter, SegmentsRollBySizeAndReopenContinuesTheLsn) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o = lazy_options();
  o.segment_bytes = 4096;
  {
    auto w = open_writer(dir, o);
    ASSERT_TRUE(w);
    append_range(*w, 1, 100, 2, 30);
    ASSERT_TRUE(w->sync());
  }
  auto segs = journal::list_segments(dir);
  ASSERT_TRUE(segs);
  EXPECT_GE(segs->size(), 4u);
  for (const auto& s : *segs) EXPECT_LT(s.size, 4096u + 200) << s.path;
  {
    auto w = open_writer(dir, o);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->last_lsn(), 100u);
    EXPECT_EQ(w->recovered_cut(), 0u);
    EXPECT_EQ(w->resume().position.str(), "binlog.000001:100900");
    EXPECT_EQ(w->resume().gtids.str(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-100");
    append_range(*w, 101, 120, 2, 30);
  }
  EXPECT_EQ(read_all(dir, 1, 2, 30), 120u);
  EXPECT_EQ(read_all(dir, 57, 2, 30), 64u) << "from an LSN in the middle of a segment";
  auto report = journal::verify_log(dir);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->problems.empty()) << report->problems.front();
  EXPECT_EQ(report->last_lsn, 120u);
}

TEST(JournalWriter, ReaderFollowsAGrowingLogUpToTheDurableLsn) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o = lazy_options();
  o.segment_bytes = 4096;
  auto w = open_writer(dir, o);
  ASSERT_TRUE(w);
  auto r = journal::Reader::open(dir, 1);
  ASSERT_TRUE(r) << r.error().message;
  uint64_t seen = 0;
  auto drain = [&] {
    const uint64_t durable = w->durable_lsn();
    for (;;) {
      auto rec = (*r)->next(durable);
      ASSERT_TRUE(rec) << rec.error().message;
      if (*rec == nullptr) break;
      EXPECT_LE((*rec)->lsn, durable) << "records not durable are not handed on";
      EXPECT_EQ((*rec)->lsn, ++seen);
      expect_test_record(**rec, 2, 30);
    }
    EXPECT_EQ(seen, durable);
  };
  for (uint64_t round = 0; round < 5; ++round) {
    append_range(*w, round * 30 + 1, round * 30 + 30, 2, 30);
    drain();
    EXPECT_LT(seen, round * 30 + 30) << "the last records of the round wait for their fsync";
    ASSERT_TRUE(w->sync());
    drain();
    EXPECT_EQ(seen, round * 30 + 30);
  }
}

TEST(JournalWriter, RetentionKeepsUnappliedSegmentsAndAppendWaitsAtTheLimit) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o = lazy_options();
  o.segment_bytes = 4096;
  o.max_bytes = 4 * 4096;
  auto w = open_writer(dir, o);
  ASSERT_TRUE(w);
  journal::RecordBuilder b;
  uint64_t lsn = 1;
  for (;; ++lsn) {  // fill up: nothing is applied, so nothing may go
    build_test_record(b, lsn, 2, 30);
    auto got = w->append(b);
    if (!got) {
      EXPECT_TRUE(got.error().retryable);
      EXPECT_NE(got.error().message.find("waiting for the applier"), std::string::npos)
          << got.error().message;
      break;
    }
    ASSERT_LT(lsn, 10000u);
  }
  const uint64_t full_at = lsn;
  ASSERT_TRUE(w->sync());
  EXPECT_LE(w->total_bytes(), o.max_bytes);
  EXPECT_EQ(read_all(dir, 1, 2, 30), full_at - 1) << "every record is still there";
  auto waited = w->wait_for_room(200, milliseconds(50));
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error().code, core::ErrorCode::kTimeout);
  // The applier applies a third: the segments wholly applied may go, the rest stays.
  const uint64_t applied = (full_at - 1) / 3;
  std::thread applier([&] {
    std::this_thread::sleep_for(milliseconds(30));
    ASSERT_TRUE(journal::write_applied_lsn(dir, applied));
  });
  ASSERT_TRUE(w->wait_for_room(200, milliseconds(5000)));
  applier.join();
  build_test_record(b, full_at, 2, 30);
  ASSERT_TRUE(w->append(b));
  ASSERT_TRUE(w->sync());
  auto segs = journal::list_segments(dir);
  ASSERT_TRUE(segs);
  EXPECT_GT(segs->front().first_lsn, 1u) << "applied segments were deleted";
  EXPECT_LE(segs->front().first_lsn, applied + 1) << "no unapplied record was deleted";
  EXPECT_EQ(read_all(dir, applied + 1, 2, 30), full_at - applied);
  auto gone = journal::Reader::open(dir, 1);
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message.find("retention deleted it"), std::string::npos);
}

TEST(JournalWriter, RetentionByAgeDeletesOnlyAppliedSegments) {
  const std::string dir = make_temp_dir("journal") + "/log";
  journal::WriterOptions o = lazy_options();
  o.segment_bytes = 4096;
  o.max_age = std::chrono::seconds(1);
  auto w = open_writer(dir, o);
  ASSERT_TRUE(w);
  append_range(*w, 1, 100, 2, 30);
  ASSERT_TRUE(w->sync());
  auto before = journal::list_segments(dir);
  ASSERT_TRUE(before);
  ASSERT_GE(before->size(), 4u);
  ASSERT_TRUE(journal::write_applied_lsn(dir, (*before)[2].first_lsn - 1));  // two segments applied
  std::this_thread::sleep_for(milliseconds(1100));
  ASSERT_TRUE(w->apply_retention());
  auto after = journal::list_segments(dir);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), before->size() - 2);
  EXPECT_EQ(after->front().first_lsn, (*before)[2].first_lsn);
}

TEST(JournalWriter, OneWriterPerDirectory) {
  const std::string dir = make_temp_dir("journal") + "/log";
  auto w = open_writer(dir, lazy_options());
  ASSERT_TRUE(w);
  auto second = journal::Writer::open(dir, lazy_options());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("pid"), std::string::npos) << second.error().message;
}

// A log started where the source had no GTID yet (a fresh MariaDB: the header's set is ""):
// the resume point's set takes the flavour of the first GTID and follows the rest (before, the
// empty set was MySQL's and dropped MariaDB GTIDs, so a failover found no set to resume at).
TEST(JournalWriter, ResumeSetStartedEmptyFollowsMariaDbGtids) {
  journal::ResumePoint p = journal::resume_from_header("mysql-bin.000001", 4, "", 1);
  change::Transaction t;
  t.file = "mysql-bin.000001";
  t.end_pos = 500;
  t.gtid = "0-1-1";
  journal::advance_resume(p, t, 1);
  t.end_pos = 900;
  t.gtid = "0-1-2";
  journal::advance_resume(p, t, 2);
  EXPECT_EQ(p.gtids.str(), "0-1-2");
  EXPECT_EQ(p.position.str(), "mysql-bin.000001:900");
  EXPECT_EQ(p.lsn, 2u);
}

}  // namespace
}  // namespace sluice::test
