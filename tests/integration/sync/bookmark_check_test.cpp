// Log-based bookmarks that cannot be right on the server a job reads: a log_pos past the end of
// its file, a file newer than the server's, a bookmark of another server (refused, or continued
// by GTID when this server has executed it), purged binlogs (every stream named, the oldest
// binlog and the `sluice reset` command), and a server that stops answering (read_timeout).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "integration/sync/sync_support.h"
#include "mysql/connection.h"

namespace sluice::test::sync {
namespace {

class BookmarkCheckTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    admin_sql(server_,
              "DROP DATABASE IF EXISTS bm_t; CREATE DATABASE bm_t;"
              "CREATE TABLE bm_t.t (id INT PRIMARY KEY, v VARCHAR(20));"
              "CREATE TABLE bm_t.u (id INT PRIMARY KEY, v VARCHAR(20));"
              "INSERT INTO bm_t.t VALUES (1, 'a'), (2, 'b'); INSERT INTO bm_t.u VALUES (1, 'a')");
    config_ = write_config(server_, "\"server_id\": 4201");
  }
  std::string identity() const {
    if (server_.is_mysql()) return "uuid:" + split_lines(admin_sql(server_, "SELECT @@server_uuid")).at(0);
    auto row = split_lines(admin_sql(server_, "SELECT @@server_id, @@gtid_domain_id")).at(0);
    return "server_id:" + row.substr(0, row.find('\t')) + ",domain:" + row.substr(row.find('\t') + 1);
  }
  std::string other_identity() const {
    return server_.is_mysql() ? "uuid:0b0e0f00-1111-2222-3333-444455556666" : "server_id:9999,domain:0";
  }
  // `state` with the bookmark of `stream` replaced, written to a file: its path.
  static std::string state_with(nlohmann::json state, const std::string& stream,
                                const nlohmann::json& bookmark) {
    state["bookmarks"][stream] = bookmark;
    std::string path = make_temp_dir("bm_state") + "/state.json";
    write_file(path, state.dump());
    return path;
  }
  ServerInfo server_;
  std::string config_;
};

// Every STATE the job wrote keeps `stream`'s bookmark as it was given.
void expect_bookmark_kept(const SyncRun& run, const std::string& stream, const nlohmann::json& given) {
  for (const auto& m : run.messages) {
    if (m.value("type", "") == "STATE") {
      EXPECT_EQ(m["value"]["bookmarks"][stream], given) << m.dump();
    }
  }
}

std::vector<int64_t> ids(const std::vector<nlohmann::json>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r["id"].get<int64_t>());
  return out;
}

TEST_P(BookmarkCheckTest, ImpossibleBookmarksStopAndForeignOnesNeedAnExecutedGtid) {
  std::string catalog = make_catalog(config_, "bm_t", {{"t", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  nlohmann::json state = first.last_state();
  nlohmann::json b = state["bookmarks"]["bm_t-t"];
  EXPECT_EQ(b.value("sluice_server_identity", ""), identity()) << b.dump();
  admin_sql(server_, "INSERT INTO bm_t.t VALUES (10, 'new')");

  auto refused = [&](const nlohmann::json& bad, const std::vector<std::string>& why) {
    SyncRun r = run_sync(config_, catalog, state_with(state, "bm_t-t", bad));
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("bm_t-t: its bookmark"), std::string::npos) << r.err;
    for (const std::string& w : why) {
      EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << r.err;
    }
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.records("t").empty());
    expect_bookmark_kept(r, "bm_t-t", bad);
  };
  const std::string file = b["log_file"];
  nlohmann::json past = b;
  past["log_pos"] = 999999999;
  refused(past, {"log_pos 999999999) cannot be right", "position 999999999 is past the end of " + file});
  nlohmann::json newer = b;
  newer["log_file"] = file.substr(0, file.rfind('.')) + ".999999";
  refused(newer, {"is newer than the server's current binlog"});
  nlohmann::json foreign = b;
  foreign["sluice_server_identity"] = other_identity();
  nlohmann::json no_gtid = foreign;
  no_gtid.erase("gtid");
  refused(no_gtid, {"was written on another server (" + other_identity(),
                    "sluice reset --config " + config_ + " --state "});

  // A failover: the other server's bookmark carries a GTID state this server has executed.
  ASSERT_TRUE(foreign.contains("gtid")) << foreign.dump();
  SyncRun moved = run_sync(config_, catalog, state_with(state, "bm_t-t", foreign));
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.err.find("continuing by GTID"), std::string::npos) << moved.err;
  EXPECT_EQ(ids(moved.records("t")), std::vector<int64_t>{10});
  EXPECT_EQ(moved.last_state()["bookmarks"]["bm_t-t"].value("sluice_server_identity", ""), identity());
  // A tap's bookmark (no identity key) is read as before.
  nlohmann::json tap = b;
  tap.erase("sluice_server_identity");
  tap.erase("sluice_columns");
  SyncRun from_tap = run_sync(config_, catalog, state_with(state, "bm_t-t", tap));
  ASSERT_EQ(from_tap.exit_code, 0) << from_tap.err;
  EXPECT_EQ(ids(from_tap.records("t")), std::vector<int64_t>{10});
}

TEST_P(BookmarkCheckTest, PurgedBinlogNamesTheStreamsTheOldestBinlogAndTheReset) {
  std::string catalog = make_catalog(config_, "bm_t", {{"t", "LOG_BASED"}, {"u", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server_, "INSERT INTO bm_t.t VALUES (11, 'lost'); FLUSH BINARY LOGS; FLUSH BINARY LOGS");
  std::string now =
      split_lines(admin_sql(server_, server_.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"))
          .at(0);
  now = now.substr(0, now.find('\t'));
  purge_binary_logs_to(server_, now);
  std::string state = make_temp_dir("bm_purged") + "/state.json";
  write_file(state, first.last_state().dump());
  SyncRun r = run_sync(config_, catalog, state);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bm_t-t ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bm_t-u ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the oldest binlog it has is " + now), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("`sluice reset --config " + config_ + " --state " + state + " bm_t.t bm_t.u`"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// `"resnapshot_on_purged": true`: the stream whose binlog is purged is snapshotted afresh under a
// new version in the same job (every row of the table arrives, ACTIVATE_VERSION drops the old
// ones downstream), with one warning naming it; the stream whose bookmark is still readable
// continues from it with only its new change.
TEST_P(BookmarkCheckTest, ResnapshotOnPurgedSnapshotsOnlyThePurgedStream) {
  std::string catalog = make_catalog(config_, "bm_t", {{"t", "LOG_BASED"}, {"u", "LOG_BASED"}});
  SyncRun first = run_sync(config_, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const int64_t old_version = first.last_state()["bookmarks"]["bm_t-t"]["version"].get<int64_t>();
  admin_sql(server_, "INSERT INTO bm_t.t VALUES (11, 'lost'); FLUSH BINARY LOGS; FLUSH BINARY LOGS");
  std::string now =
      split_lines(admin_sql(server_, server_.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"))
          .at(0);
  std::string file = now.substr(0, now.find('\t'));
  std::string pos = now.substr(now.find('\t') + 1);
  pos = pos.substr(0, pos.find('\t'));
  purge_binary_logs_to(server_, file);
  nlohmann::json u = first.last_state()["bookmarks"]["bm_t-u"];
  u["log_file"] = file;
  u["log_pos"] = std::stoull(pos);
  std::string state = state_with(first.last_state(), "bm_t-u", u);
  admin_sql(server_, "INSERT INTO bm_t.t VALUES (12, 'new'); INSERT INTO bm_t.u VALUES (12, 'new')");
  std::string config = write_config(server_, "\"server_id\": 4201, \"resnapshot_on_purged\": true");
  SyncRun r = run_sync(config, catalog, state);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("bm_t-t: the binlog of its bookmark"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("snapshotted afresh under a new version (resnapshot_on_purged)"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("bm_t-u: the binlog"), std::string::npos) << r.err;
  std::vector<int64_t> t_ids = ids(r.records("t"));
  std::sort(t_ids.begin(), t_ids.end());
  EXPECT_EQ(t_ids, (std::vector<int64_t>{1, 2, 11, 12})) << "the whole table, as SELECT has it";
  EXPECT_EQ(ids(r.records("u")), (std::vector<int64_t>{12})) << "u continues from its bookmark";
  int64_t activated = 0;
  for (const auto& m : r.messages) {
    if (m.value("type", "") == "ACTIVATE_VERSION" && m.value("stream", "") == "t") activated = m["version"];
  }
  EXPECT_NE(activated, 0) << "the new version is activated";
  EXPECT_NE(activated, old_version);
  const nlohmann::json t = r.last_state()["bookmarks"]["bm_t-t"];
  EXPECT_EQ(t["version"].get<int64_t>(), activated) << t.dump();
  EXPECT_TRUE(t.contains("log_file"))
      << "the next job reads the binlog from the snapshot's position: " << t.dump();
}

// The server stops answering in the middle of the job (here: its SELECT waits on a table lock
// longer than read_timeout): the message says so, with the limit and the fix.
TEST_P(BookmarkCheckTest, ReadStallSaysTheServerStoppedAnsweringWithinReadTimeout) {
  std::string cfg = write_config(server_, "\"server_id\": 4202, \"read_timeout\": 2");
  std::string catalog = make_catalog(cfg, "bm_t", {{"t", "FULL_TABLE"}});
  auto locker = mysql::Connection::connect(admin_connect_options(server_));
  ASSERT_TRUE(locker) << locker.error().message;
  ASSERT_TRUE((*locker)->execute("LOCK TABLES bm_t.t WRITE"));
  SyncRun r = run_sync(cfg, catalog);
  EXPECT_TRUE((*locker)->execute("UNLOCK TABLES"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("the server stopped answering: nothing arrived within read_timeout (2 s)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("raise read_timeout"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("TLS/SSL error: Connection timed out;"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Servers, BookmarkCheckTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::test::sync
