// journal::RecordBuilder / decode_record: every value kind round-trips exactly, statements and
// table names too; damaged bodies give errors, never a crash.
#include "journal/record.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "journal/format.h"
#include "journal_test_util.h"

namespace sluice::test {
namespace {

using core::Value;
using core::ValueKind;

core::Value temporal(ValueKind kind, core::Temporal t, uint8_t fsp) {
  Value v;
  v.kind = kind;
  v.t = t;
  v.fsp = fsp;
  return v;
}

// One value of every kind, with the edges that lose precision when a format is careless.
std::vector<Value> every_kind(const std::string& bytes) {
  std::vector<Value> v;
  v.push_back(Value::absent());
  v.push_back(Value::null());
  v.push_back(Value::from_int(std::numeric_limits<int64_t>::min()));
  v.push_back(Value::from_int(-1));
  v.push_back(Value::from_uint(std::numeric_limits<uint64_t>::max()));
  v.push_back(Value::from_float(-0.0f));
  v.push_back(Value::from_float(std::numeric_limits<float>::denorm_min()));
  v.push_back(Value::from_double(0.1));
  v.push_back(Value::from_double(std::nan("7")));
  Value dec = Value::with_text(ValueKind::kDecimal, "-12345678901234567890123456789.123456789000");
  dec.fsp = 12;
  v.push_back(dec);
  v.push_back(temporal(ValueKind::kDate, core::Temporal{0, 0, 0, 0, 0, 0, 0, false}, 0));
  v.push_back(temporal(ValueKind::kTime, core::Temporal{0, 0, 0, 59, 59, 838, 999999, true}, 6));
  v.push_back(temporal(ValueKind::kDateTime, core::Temporal{9999, 12, 31, 59, 59, 23, 1, false}, 6));
  Value ts;
  ts.kind = ValueKind::kTimestamp;
  ts.ts = core::EpochTime{2147483647, 999999};
  ts.fsp = 6;
  v.push_back(ts);
  Value year;
  year.kind = ValueKind::kYear;
  year.u = 2155;
  v.push_back(year);
  v.push_back(Value::with_text(ValueKind::kString, "h\xc3\xa9llo \xf0\x9f\x98\x80"));
  v.push_back(Value::with_text(ValueKind::kBytes, bytes));
  v.push_back(Value::with_text(ValueKind::kJson, R"({"a":[1,2.50,null],"b":"x"})"));
  Value diff = Value::with_text(ValueKind::kJson, R"([{"op":"replace","path":"$.a","value":2}])");
  diff.flags = core::kValueFlagJsonDiff;
  v.push_back(diff);
  Value bit;
  bit.kind = ValueKind::kBit;
  bit.bits = 64;
  bit.u = 0x8000000000000001ULL;
  v.push_back(bit);
  Value en = Value::with_text(ValueKind::kEnum, "medium");
  en.u = 2;
  en.flags = core::kValueFlagLabels;
  v.push_back(en);
  Value set = Value::with_text(ValueKind::kSet, "");
  set.u = 5;
  v.push_back(set);
  v.push_back(Value::with_text(ValueKind::kGeometry, std::string_view("\0\0\0\0\1\1\0\0\0", 9)));
  v.push_back(Value::with_text(ValueKind::kVector, std::string_view("\0\0\x80?\0\0\0@", 8)));
  v.push_back(Value::with_text(ValueKind::kString, ""));
  return v;
}

TEST(JournalRecord, EveryValueKindRoundTripsExactly) {
  const std::string bytes("\0\xff\x01 binary\n", 10);
  std::vector<Value> before = every_kind(bytes), after = every_kind(bytes);
  after[3] = Value::from_int(42);
  change::Transaction txn;
  txn.file = "mysql-bin.000042";
  txn.begin_pos = 4;
  txn.end_pos = 123456789012;
  txn.gtid = "0-1-77";
  txn.has_commit_time = true;
  txn.commit_seconds = -5;
  txn.resume_file = "mysql-bin.000041";
  txn.resume_pos = 999;
  change::RowChange c;
  c.op = change::Op::kUpdate;
  c.before = before;
  c.after = after;
  c.json_diffs = true;
  c.pos = 777;
  c.txn = &txn;
  journal::RecordBuilder b;
  b.begin();
  b.set_transaction(txn);
  std::vector<std::string> names;
  for (size_t i = 0; i < before.size(); ++i) names.push_back("c" + std::to_string(i));
  const uint32_t t = b.table(&names, "sh\xc3\xb6p", "orders", names.size(),
                             [&](size_t i) { return std::string_view(names[i]); });
  b.add_row(t, c);
  EXPECT_EQ(b.table(&names, "x", "y", 0, [](size_t) { return std::string_view(); }), t)
      << "defined once per record";
  journal::Statement s{
      4242, "shop", "ALTER TABLE orders ADD x INT", {0x40000000, true, 45, 255, 8, "+02:00"}};
  b.add_statement(s);
  std::string body(b.transaction_part());
  body.append(b.entries_part());
  journal::Record r;
  ASSERT_TRUE(
      journal::decode_record(std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size()), 9, 0, r));
  EXPECT_EQ(r.lsn, 9u);
  EXPECT_EQ(r.txn.file, "mysql-bin.000042");
  EXPECT_EQ(r.txn.end_pos, 123456789012u);
  EXPECT_EQ(r.txn.gtid, "0-1-77");
  EXPECT_EQ(r.txn.commit_seconds, -5);
  EXPECT_FALSE(r.txn.commit_time_has_micros);
  EXPECT_EQ(r.txn.resume_file, "mysql-bin.000041");
  EXPECT_EQ(r.txn.resume_pos, 999u);
  ASSERT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(r.tables[0].db, "sh\xc3\xb6p");
  ASSERT_EQ(r.tables[0].columns.size(), names.size());
  EXPECT_EQ(r.tables[0].columns.back(), names.back());
  ASSERT_EQ(r.entries.size(), 2u);
  const change::RowChange& got = r.entries[0].row;
  EXPECT_EQ(got.op, change::Op::kUpdate);
  EXPECT_TRUE(got.json_diffs);
  EXPECT_EQ(got.pos, 777u);
  EXPECT_EQ(got.table, "orders");
  EXPECT_EQ(got.txn, &r.txn);
  ASSERT_EQ(got.before.size(), before.size());
  ASSERT_EQ(got.after.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_TRUE(exact_same(got.before[i], before[i])) << "before value " << i;
    EXPECT_TRUE(exact_same(got.after[i], after[i])) << "after value " << i;
  }
  EXPECT_EQ(got.before[0].kind, ValueKind::kAbsent) << "absent is not NULL";
  EXPECT_EQ(got.before[1].kind, ValueKind::kNull);
  const journal::RecordEntry& st = r.entries[1];
  ASSERT_TRUE(st.is_statement);
  EXPECT_EQ(st.statement.pos, 4242u);
  EXPECT_EQ(st.statement.sql, "ALTER TABLE orders ADD x INT");
  EXPECT_EQ(st.statement.session.sql_mode, 0x40000000u);
  EXPECT_EQ(st.statement.session.charset_client, 45);
  EXPECT_EQ(st.statement.session.time_zone, "+02:00");
}

TEST(JournalRecord, DamagedBodiesGiveErrorsNotCrashes) {
  journal::RecordBuilder b;
  build_test_record(b, 3, 4);
  std::string body(b.transaction_part());
  body.append(b.entries_part());
  journal::Record r;
  for (size_t cut = 0; cut < body.size(); ++cut) {
    // The CRC finds a cut; decoding itself only must not crash, and a cut between entries
    // (which decodes) loses entries.
    auto st = journal::decode_record(std::span(reinterpret_cast<const uint8_t*>(body.data()), cut), 3, 0, r);
    if (st) {
      EXPECT_LT(r.entries.size(), 4u) << "cut at " << cut;
    }
  }
  std::string bad = body;
  bad[b.transaction_part().size()] = '\x7f';  // an entry kind this version never writes
  auto st =
      journal::decode_record(std::span(reinterpret_cast<const uint8_t*>(bad.data()), bad.size()), 3, 0, r);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("unknown entry kind 127"), std::string::npos) << st.error().message;
}

TEST(JournalRecord, SegmentHeaderRejectsDamage) {
  journal::SegmentHeader h;
  h.first_lsn = 77;
  h.created_micros = 123;
  h.resume_file = "binlog.000002";
  h.resume_pos = 4;
  h.gtid_set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-76";
  std::string bytes = journal::encode_segment_header(h);
  size_t size = 0;
  auto back =
      journal::decode_segment_header(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), size);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(size, bytes.size());
  EXPECT_EQ(back->first_lsn, 77u);
  EXPECT_EQ(back->gtid_set, h.gtid_set);
  bytes[30] ^= 1;
  auto bad =
      journal::decode_segment_header(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), size);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("CRC"), std::string::npos);
}

}  // namespace
}  // namespace sluice::test
