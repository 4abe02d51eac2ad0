// BinlogStreamer and its parts in-process: the ResumeGuard's replay arithmetic (no server),
// GtidTracker, checkpoint files, and a streamer run against each real server with a collecting
// handler (transactions, positions, GTID state, stop flag).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "source/binlog_streamer.h"
#include "source/gtid_tracker.h"
#include "source/resume_guard.h"
#include "source/stream_checkpoint.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::source {
using binlog::ChangeHandler;
using binlog::RowsEvent;
using binlog::RowsEventSink;
using binlog::TableLayout;
using binlog::TableLayoutPtr;
namespace {

struct Collect : ChangeHandler {
  std::vector<std::pair<uint64_t, uint64_t>> rows;  // (txn begin, row pos)
  std::vector<uint64_t> commits;                    // end positions
  core::Status on_row(const change::RowChange& c, const TableLayoutPtr&) override {
    rows.emplace_back(c.txn->begin_pos, c.pos);
    return core::ok();
  }
  core::Status on_commit(const change::Transaction& t) override {
    commits.push_back(t.end_pos);
    return core::ok();
  }
};

TEST(ResumeGuard, ReplayOfACutTransactionSkipsWhatWasDelivered) {
  Collect out;
  ResumeGuard g;
  Guarded<Collect> h(g, out, nullptr);  // what the streamer puts between its assembler and `out`
  change::Transaction t1{"bin.000001", 100, 500, "", false, false, 0, 0, "", 0};
  change::RowChange c;
  c.txn = &t1;
  for (uint64_t pos : {120, 140, 160}) {
    c.pos = pos;
    ASSERT_TRUE(h.on_row(c, nullptr));
  }
  g.on_disconnect();  // 3 rows of the transaction at 100 were delivered
  // Replay: the same transaction from its start, 5 rows this time (the cut hid the last two).
  for (uint64_t pos : {120, 140}) {
    c.pos = pos;
    ASSERT_TRUE(h.on_row(c, nullptr));
  }
  g.on_disconnect();  // cut again while still replaying: the larger count stays
  for (uint64_t pos : {120, 140, 160, 180, 200}) {
    c.pos = pos;
    ASSERT_TRUE(h.on_row(c, nullptr));
  }
  ASSERT_TRUE(h.on_commit(t1));
  std::vector<std::pair<uint64_t, uint64_t>> want = {{100, 120}, {100, 140}, {100, 160}, {100, 180}, {100, 200}};
  EXPECT_EQ(out.rows, want);
  EXPECT_EQ(g.committed_file(), "bin.000001");
  EXPECT_EQ(g.committed_pos(), 500u);
  // The next transaction is never skipped.
  change::Transaction t2{"bin.000001", 500, 900, "", false, false, 0, 0, "", 0};
  c.txn = &t2;
  c.pos = 520;
  ASSERT_TRUE(h.on_row(c, nullptr));
  EXPECT_EQ(out.rows.size(), 6u);
}

struct CollectEvents : RowsEventSink {
  std::vector<std::pair<uint64_t, uint64_t>> events;  // (txn begin, rows event pos)
  core::Status on_rows_event(const change::Transaction& t, const RowsEvent& r) override {
    events.emplace_back(t.begin_pos, r.pos);
    return core::ok();
  }
};

// With a rows sink (ParallelPrinter in `binlog stream`), whole rows events pass undecoded and
// the replay after a drop skips exactly the events handed over before it.
TEST(ResumeGuard, RowsEventsToASinkAreSkippedOnReplayByEvent) {
  Collect out;
  CollectEvents sink;
  ResumeGuard g;
  Guarded<Collect> h(g, out, &sink);
  change::Transaction t1{"bin.000001", 100, 500, "", false, false, 0, 0, "", 0};
  TableLayoutPtr layout;
  RowsEvent r{&layout, change::Op::kInsert, false, 0, {}, {}, {}};
  for (uint64_t pos : {120, 240}) {
    r.pos = pos;
    ASSERT_TRUE(h.on_rows_event(t1, r));
  }
  g.on_disconnect();
  for (uint64_t pos : {120, 240, 360}) {
    r.pos = pos;
    ASSERT_TRUE(h.on_rows_event(t1, r));
  }
  ASSERT_TRUE(h.on_commit(t1));
  std::vector<std::pair<uint64_t, uint64_t>> want = {{100, 120}, {100, 240}, {100, 360}};
  EXPECT_EQ(sink.events, want);
  EXPECT_EQ(g.changes(), 3u);
  EXPECT_EQ(g.committed_pos(), 500u);
  EXPECT_TRUE(out.rows.empty());
}

TEST(GtidTracker, FollowsTheSetAndNotesWhatItCannotFollow) {
  GtidTracker t;
  ASSERT_TRUE(t.reset(core::GtidFlavor::kMySql, "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5"));
  t.add("3e11fa47-71ca-11e1-9e33-c80aa9429562:6");
  t.add("");  // an anonymous transaction
  EXPECT_EQ(t.text(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6");
  EXPECT_TRUE(t.complete());
  t.add("0-1-42");
  EXPECT_FALSE(t.complete());
  EXPECT_FALSE(t.reset(core::GtidFlavor::kMariaDb, "3E11FA47:1-5"));
  EXPECT_EQ(t.flavor(), core::GtidFlavor::kNone);
  EXPECT_TRUE(t.complete());
}

TEST(StreamCheckpoint, RoundTripAndClearErrors) {
  std::string dir = test::make_temp_dir("cp");
  std::string path = dir + "/cp.json";
  auto none = load_checkpoint(path);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  StreamCheckpoint cp{"mysql", "127.0.0.1:3306", {"binlog.000007", 1234}, "u:9", "u:1-9", {}, "uuid:u"};
  ASSERT_TRUE(save_checkpoint(path, cp));
  auto back = load_checkpoint(path);
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->position, (core::BinlogPosition{"binlog.000007", 1234}));
  EXPECT_EQ((*back)->gtid_set, "u:1-9");
  EXPECT_EQ((*back)->server_identity, "uuid:u");
  test::write_file(path, "{\"file\": 3}");
  auto bad = load_checkpoint(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(path), std::string::npos);
}

class StreamerInProcess : public ::testing::TestWithParam<std::string> {};

TEST_P(StreamerInProcess, UntilNowDeliversCommittedTransactionsAndTracksGtids) {
  test::ServerInfo s = test::shared_server(GetParam());
  test::admin_sql(s, "DROP DATABASE IF EXISTS sip; CREATE DATABASE sip; CREATE TABLE sip.t (id INT PRIMARY KEY);"
                     "CREATE TABLE sip.other (id INT PRIMARY KEY)");
  StreamerOptions o;
  o.connect.host = s.host;
  o.connect.port = static_cast<uint16_t>(s.port);
  o.connect.user = test::kReplUser;
  o.connect.password = test::kReplPassword;
  o.server_id = 4201;
  o.until_now = true;
  o.tables = {"sip.t"};
  // Start where the server is now; then write 3 transactions (one on a filtered table).
  StreamerOptions at_start = o;
  at_start.start.kind = StreamStart::Kind::kCurrent;
  Collect out0;
  {
    BinlogStreamer probe(at_start, out0, [] { return core::ok(); });
    ASSERT_TRUE(probe.run());
    o.start.kind = StreamStart::Kind::kFilePos;
    o.start.position = probe.committed().position;
    o.start.gtid_state = probe.committed().gtid_set;  // the server's GTID state at its current end
    EXPECT_FALSE(o.start.gtid_state.empty());
  }
  test::admin_sql(s, "INSERT INTO sip.t VALUES (1),(2); INSERT INTO sip.other VALUES (1); INSERT INTO sip.t VALUES (3)");
  Collect out;
  int flushes = 0;
  BinlogStreamer st(o, out, [&] {
    ++flushes;
    return core::ok();
  });
  ASSERT_TRUE(st.run());
  EXPECT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(st.transactions(), 3u);  // the filtered transaction still moves the position
  EXPECT_EQ(st.changes(), 3u);
  EXPECT_GE(flushes, 1);
  StreamCheckpoint cp = st.committed();
  EXPECT_FALSE(cp.gtid.empty());
  std::string state = test::split_lines(test::admin_sql(
      s, s.is_mysql() ? "SELECT REPLACE(@@global.gtid_executed, '\\n', '')" : "SELECT @@gtid_binlog_pos")).at(0);
  EXPECT_EQ(cp.gtid_set, state);
  auto status = test::split_lines(test::admin_sql(s, s.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"));
  EXPECT_EQ(status.at(0).substr(0, status[0].find('\t')), cp.position.file);
}

TEST_P(StreamerInProcess, StopFlagEndsAContinuousStream) {
  test::ServerInfo s = test::shared_server(GetParam());
  StreamerOptions o;
  o.connect.host = s.host;
  o.connect.port = static_cast<uint16_t>(s.port);
  o.connect.user = test::kReplUser;
  o.connect.password = test::kReplPassword;
  o.server_id = 4202;
  o.heartbeat_ms = 1000;
  std::atomic<bool> stop{false};
  o.stop = &stop;
  Collect out;
  BinlogStreamer st(o, out, [] { return core::ok(); });
  std::thread t([&] { EXPECT_TRUE(st.run()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it block on the server
  auto t0 = std::chrono::steady_clock::now();
  stop = true;
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

INSTANTIATE_TEST_SUITE_P(Servers, StreamerInProcess, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::source
