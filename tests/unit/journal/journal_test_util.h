#pragma once
// Test helpers for the journal: records made from the LSN they are meant to get (so a test, or
// a killed writer's reopen, knows each record's content), and exact value comparison.

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "change/change.h"
#include "journal/record.h"
#include "journal/writer.h"

namespace sluice::test {

/// Every field of two values, bit for bit (floats by their bits: -0.0 and NaN payloads count).
inline bool exact_same(const core::Value& a, const core::Value& b) {
  if (a.kind != b.kind || a.fsp != b.fsp || a.bits != b.bits || a.flags != b.flags || a.text != b.text)
    return false;
  switch (a.kind) {
    case core::ValueKind::kFloat:
      return std::bit_cast<uint32_t>(a.f) == std::bit_cast<uint32_t>(b.f);
    case core::ValueKind::kDate:
    case core::ValueKind::kTime:
    case core::ValueKind::kDateTime:
      return a.t.year == b.t.year && a.t.month == b.t.month && a.t.day == b.t.day && a.t.hour == b.t.hour &&
             a.t.minute == b.t.minute && a.t.second == b.t.second && a.t.micro == b.t.micro &&
             a.t.negative == b.t.negative;
    case core::ValueKind::kTimestamp:
      return a.ts.seconds == b.ts.seconds && a.ts.micro == b.ts.micro;
    case core::ValueKind::kAbsent:
    case core::ValueKind::kNull:
      return true;
    default:
      return a.u == b.u;  // ints, doubles (bits), year, bit, enum, set; 0 for text kinds
  }
}

/// The transaction of the record meant for `lsn`: binlog.000001 at 1000 * lsn, MySQL GTID.
struct TestTxn {
  std::string file = "binlog.000001";
  std::string gtid;
  change::Transaction txn;
  explicit TestTxn(uint64_t lsn) {
    gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:" + std::to_string(lsn);
    txn.file = file;
    txn.begin_pos = 1000 * lsn;
    txn.end_pos = 1000 * lsn + 900;
    txn.gtid = gtid;
    txn.has_commit_time = true;
    txn.commit_time_has_micros = true;
    txn.commit_seconds = 1700000000 + static_cast<int64_t>(lsn);
    txn.commit_micros = static_cast<uint32_t>(lsn % 1000000);
  }
};

/// Fills `b` with the record meant for `lsn`: `rows` inserts of (id, text of `width` bytes).
inline void build_test_record(journal::RecordBuilder& b, uint64_t lsn, size_t rows = 1, size_t width = 20) {
  TestTxn t(lsn);
  b.begin();
  b.set_transaction(t.txn);
  static const char* names[] = {"id", "v"};
  const uint32_t table = b.table(names, "db", "t", 2, [](size_t i) { return std::string_view(names[i]); });
  std::string text(width, static_cast<char>('a' + lsn % 26));
  for (size_t r = 0; r < rows; ++r) {
    core::Value row[2] = {core::Value::from_uint(lsn * 1000 + r),
                          core::Value::with_text(core::ValueKind::kString, text)};
    change::RowChange c;
    c.op = change::Op::kInsert;
    c.after = row;
    c.pos = t.txn.begin_pos + 100;
    c.txn = &t.txn;
    b.add_row(table, c);
  }
}

/// Checks that `r` is the record build_test_record made for its LSN.
inline void expect_test_record(const journal::Record& r, size_t rows = 1, size_t width = 20) {
  TestTxn t(r.lsn);
  EXPECT_EQ(r.txn.end_pos, t.txn.end_pos) << "LSN " << r.lsn;
  EXPECT_EQ(r.txn.gtid, t.gtid);
  ASSERT_EQ(r.entries.size(), rows) << "LSN " << r.lsn;
  for (size_t i = 0; i < rows; ++i) {
    ASSERT_EQ(r.entries[i].row.after.size(), 2u);
    EXPECT_EQ(r.entries[i].row.after[0].u, r.lsn * 1000 + i);
    EXPECT_EQ(r.entries[i].row.after[1].text, std::string(width, static_cast<char>('a' + r.lsn % 26)));
  }
}

}  // namespace sluice::test
