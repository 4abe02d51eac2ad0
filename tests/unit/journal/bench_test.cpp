// Append and read throughput of the journal (not a timed test: disabled, run by hand as
// docs/transaction-log.md says). Records of 10 row changes of 8 columns, the default group
// commit (fsync per 1 MiB or 10 ms).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "journal/reader.h"
#include "journal/writer.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

TEST(JournalBench, DISABLED_AppendThroughput) {
  const std::string dir = make_temp_dir("journal-bench") + "/log";
  auto w = journal::Writer::open(dir, journal::WriterOptions{});
  ASSERT_TRUE(w);
  static const char* names[] = {"id", "customer", "total", "created", "note", "score", "flags", "payload"};
  change::Transaction txn;
  txn.file = "binlog.000001";
  std::string gtid;
  journal::RecordBuilder b;
  core::Value row[8];
  core::Value total = core::Value::with_text(core::ValueKind::kDecimal, "12345.67");
  total.fsp = 2;
  core::Value created;
  created.kind = core::ValueKind::kDateTime;
  created.t = core::Temporal{2026, 12, 7, 30, 15, 17, 123456, false};
  created.fsp = 6;
  const uint64_t kTxns = 20000, kRows = 10;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t t = 1; t <= kTxns; ++t) {
    gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:" + std::to_string(t);
    txn.begin_pos = t * 4000;
    txn.end_pos = t * 4000 + 3900;
    txn.gtid = gtid;
    b.begin();
    b.set_transaction(txn);
    const uint32_t table =
        b.table(names, "shop", "orders", 8, [](size_t i) { return std::string_view(names[i]); });
    for (uint64_t r = 0; r < kRows; ++r) {
      row[0] = core::Value::from_int(static_cast<int64_t>(t * kRows + r));
      row[1] = core::Value::with_text(core::ValueKind::kString, "customer-name-0042");
      row[2] = total;
      row[3] = created;
      row[4] = core::Value::with_text(core::ValueKind::kString, "a note of some forty bytes, as rows have");
      row[5] = core::Value::from_double(0.25 * static_cast<double>(r));
      row[6] = core::Value::from_uint(r);
      row[7] = core::Value::null();
      change::RowChange c;
      c.op = change::Op::kInsert;
      c.after = row;
      c.pos = txn.begin_pos + 100;
      c.txn = &txn;
      b.add_row(table, c);
    }
    ASSERT_TRUE((*w)->append(b));
  }
  ASSERT_TRUE((*w)->sync());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>((*w)->total_bytes()) / 1e6;
  std::printf("append: %llu rows in %.3f s: %.0f rows/s, %.1f MB/s (%.1f MB, fsync per 1 MiB group)\n",
              static_cast<unsigned long long>(kTxns * kRows), secs, static_cast<double>(kTxns * kRows) / secs,
              mb / secs, mb);
  const auto read_start = std::chrono::steady_clock::now();
  auto r = journal::Reader::open(dir, 1);
  ASSERT_TRUE(r);
  uint64_t rows = 0;
  for (;;) {
    auto rec = (*r)->next();
    ASSERT_TRUE(rec);
    if (*rec == nullptr) break;
    rows += (*rec)->entries.size();
  }
  const double rsecs = std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count();
  EXPECT_EQ(rows, kTxns * kRows);
  std::printf("read: %llu rows in %.3f s: %.0f rows/s\n", static_cast<unsigned long long>(rows), rsecs,
              static_cast<double>(rows) / rsecs);
}

}  // namespace
}  // namespace sluice::test
