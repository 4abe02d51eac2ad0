// change::RowChange: the values a sink writes, the commit time; change::OwnedChange: a copy that
// outlives the buffers the change viewed (checked under ASan by overwriting them), and moves.
#include "change/owned_change.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::change {
namespace {

TEST(RowChange, SinksWriteTheBeforeImageOfADeleteAndTheAfterImageOtherwise) {
  std::vector<core::Value> before = {core::Value::from_int(1)};
  std::vector<core::Value> after = {core::Value::from_int(2)};
  RowChange c;
  c.before = before;
  c.after = after;
  for (Op op : {Op::kSnapshot, Op::kInsert, Op::kUpdate}) {
    c.op = op;
    EXPECT_EQ(c.values().data(), after.data());
  }
  c.op = Op::kDelete;
  EXPECT_EQ(c.values().data(), before.data());
}

TEST(Transaction, CommitTimeHasMicrosecondsOnlyWhenTheBinlogGaveTheTime) {
  Transaction t;
  t.commit_seconds = 1700000000;
  t.commit_micros = 250;
  EXPECT_EQ(t.commit_time().seconds, 1700000000);
  EXPECT_EQ(t.commit_time().micro, 0u);
  t.has_commit_time = true;
  EXPECT_EQ(t.commit_time().micro, 250u);
}

TEST(OwnedChange, OutlivesTheBuffersItWasCopiedFromAndSurvivesAMove) {
  std::string db = "shop", table = "orders", file = "bin.000007", gtid = "0-1-42",
              text = "a long enough string";
  std::vector<core::Value> before = {core::Value::from_int(7),
                                     core::Value::with_text(core::ValueKind::kString, text)};
  std::vector<core::Value> after = {core::Value::absent(), core::Value::null()};
  Transaction t;
  t.file = file;
  t.gtid = gtid;
  t.end_pos = 900;
  RowChange c;
  c.op = Op::kUpdate;
  c.before = before;
  c.after = after;
  c.database = db;
  c.table = table;
  c.pos = 120;
  c.txn = &t;
  OwnedChange owned(c);
  for (std::string* s : {&db, &table, &file, &gtid, &text}) s->assign(s->size(), 'x');
  before.assign(2, core::Value::null());
  after.assign(2, core::Value::from_int(0));

  OwnedChange moved(std::move(owned));
  const RowChange& o = moved.get();
  EXPECT_EQ(o.op, Op::kUpdate);
  EXPECT_EQ(o.database, "shop");
  EXPECT_EQ(o.table, "orders");
  EXPECT_EQ(o.pos, 120u);
  ASSERT_NE(o.txn, nullptr);
  EXPECT_EQ(o.txn->file, "bin.000007");
  EXPECT_EQ(o.txn->gtid, "0-1-42");
  EXPECT_EQ(o.txn->end_pos, 900u);
  ASSERT_EQ(o.before.size(), 2u);
  EXPECT_EQ(o.before[0].i, 7);
  EXPECT_EQ(o.before[1].text, "a long enough string");
  ASSERT_EQ(o.after.size(), 2u);
  EXPECT_TRUE(o.after[0].is_absent());  // absent stays absent, NULL stays NULL
  EXPECT_TRUE(o.after[1].is_null());
}

}  // namespace
}  // namespace sluice::change
