// `sluice binlog stream` against both real servers: --until-now equals `binlog read` of the same
// files, GTID starts, continuous streaming across a server crash and restart (no transaction
// lost or repeated), checkpoints across runs, purged binlogs, TLS, server_id refusals.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "source/stream_checkpoint.h"
#include "stream_process.h"
#include "stream_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

std::vector<std::string> binlog_paths(const ServerInfo& s, const std::string& first) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(admin_sql(s, "SHOW BINARY LOGS"))) {
    std::string name = line.substr(0, line.find('\t'));
    if (name >= first) out.push_back(s.dir + "/data/" + name);
  }
  return out;
}

class BinlogStreamTest : public ::testing::TestWithParam<std::string> {
 protected:
  ServerInfo server() const { return shared_server(GetParam()); }
  // A fresh database for one test, created in a binlog of its own.
  std::string fresh_db(const ServerInfo& s, const std::string& name) {
    admin_sql(s, "DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name +
                     "; CREATE TABLE " + name + ".t (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,3), "
                     "at DATETIME(3), doc JSON, tag ENUM('a','b'))");
    return name;
  }
  void insert_rows(const ServerInfo& s, const std::string& db, int64_t from, int64_t to, int per_txn = 5) {
    std::string sql = "USE " + db + ";";
    for (int64_t i = from; i <= to; i += per_txn) {
      sql += "BEGIN;";
      for (int64_t k = i; k < i + per_txn && k <= to; ++k) {
        sql += "INSERT INTO t VALUES (" + std::to_string(k) + ", 'name " + std::to_string(k) + " é', " +
               std::to_string(k) + ".125, '2024-02-29 12:34:56.789', '{\"k\": " + std::to_string(k) + "}', 'b');";
      }
      sql += "COMMIT;";
    }
    admin_sql(s, sql);
  }
};

TEST_P(BinlogStreamTest, UntilNowPrintsTheSameLinesAsBinlogRead) {
  ServerInfo s = server();
  admin_sql(s, "FLUSH BINARY LOGS");
  core::BinlogPosition start = current_pos(s);
  std::string db = fresh_db(s, "stream_same");
  insert_rows(s, db, 1, 40, 7);
  admin_sql(s, "USE " + db + "; UPDATE t SET name = CONCAT(name, '!'), doc = JSON_SET(doc, '$.u', 1) WHERE id % 3 = 0;"
               "DELETE FROM t WHERE id % 5 = 0; ALTER TABLE t ADD COLUMN extra INT; INSERT INTO t (id, extra) VALUES (100, 7)");
  std::string cfg = config_for(s, 4101);
  CommandResult streamed = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--until-now"});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  std::vector<std::string> args = {"binlog", "read", "--start-position", std::to_string(start.offset)};
  for (const auto& p : binlog_paths(s, start.file)) args.push_back(p);
  CommandResult read = run_sluice(args);
  ASSERT_EQ(read.exit_code, 0) << read.err;
  auto a = split_lines(streamed.out), b = split_lines(read.out);
  ASSERT_GT(a.size(), 60u);
  EXPECT_EQ(a, b);
  // What a user checks: every row change of the table is there, in order.
  auto ids = ids_of(a, "t");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 100), 1);
  EXPECT_EQ(ids.front(), 1);
}

TEST_P(BinlogStreamTest, GtidStartSkipsEarlierTransactions) {
  ServerInfo s = server();
  std::string db = fresh_db(s, "stream_gtid");
  insert_rows(s, db, 1, 10, 5);
  std::string state = gtid_state(s);
  ASSERT_FALSE(state.empty());
  insert_rows(s, db, 11, 20, 5);
  std::string cfg = config_for(s, 4102);
  CommandResult r = run_sluice({"binlog", "stream", "--config", cfg, "--gtid", state, "--until-now", "--databases", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(split_lines(r.out), "t"), iota_ids(11, 20)) << r.out;
  // A GTID text of the other flavor is refused with a message naming both.
  std::string other = s.is_mysql() ? "0-1-42" : "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5";
  CommandResult bad = run_sluice({"binlog", "stream", "--config", cfg, "--gtid", other, "--until-now"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(s.is_mysql() ? "is a MariaDB GTID position" : "is not a MariaDB GTID position"),
            std::string::npos) << bad.err;
}

// MySQL 8.3+ tagged GTIDs: a --gtid set holding a tag goes to the server in the tagged format,
// the stream starts after it, and the checkpoint's GTID set is the server's own text. A server of
// its own: tagged GTIDs stay in gtid_executed, where other tests expect one untagged source.
TEST(BinlogStreamTaggedGtid, AStartWithTaggedGtidsSkipsThemAndTracksTheTag) {
  ScopedServer server("mysql", "stream-tagged");
  const ServerInfo& s = server.info();
  const std::string tagged = "SET gtid_next = 'AUTOMATIC:etl'; INSERT INTO stream_tag.t VALUES ";
  admin_sql(
      s,
      "DROP DATABASE IF EXISTS stream_tag; CREATE DATABASE stream_tag; CREATE TABLE stream_tag.t (id INT "
      "PRIMARY KEY); " +
          tagged + "(1); SET gtid_next = 'AUTOMATIC'");
  const std::string executed = "SELECT REPLACE(@@global.gtid_executed, '\\n', '')";
  std::string state = split_lines(admin_sql(s, executed)).at(0);
  ASSERT_NE(state.find(":etl:"), std::string::npos) << state;
  admin_sql(s, "INSERT INTO stream_tag.t VALUES (2); " + tagged + "(3); SET gtid_next = 'AUTOMATIC'");
  std::string cp = make_temp_dir("tagcp") + "/cp.json";
  CommandResult r = run_sluice({"binlog", "stream", "--config", config_for(s, 4120), "--gtid", state,
                                "--until-now", "--databases", "stream_tag", "--checkpoint", cp});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(split_lines(r.out), "t"), (std::vector<int64_t>{2, 3})) << r.out;
  EXPECT_NE(r.out.find(":etl:"), std::string::npos) << r.out;  // the line's gtid
  auto saved = source::load_checkpoint(cp);
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->gtid_set, split_lines(admin_sql(s, executed)).at(0));
}

TEST_P(BinlogStreamTest, ContinuousStreamSurvivesServerRestartWithoutLossOrDuplicates) {
  ServerInfo s = server();
  std::string db = fresh_db(s, "stream_live");
  core::BinlogPosition start = current_pos(s);
  std::string cfg = config_for(s, 4103);
  StreamProcess p({"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--tables", db + ".t"});
  insert_rows(s, db, 1, 30, 3);
  ASSERT_TRUE(p.read_until([](const auto& l) { return ids_of(l, "t").size() >= 30; }, 60)) << p.err();
  CommandResult restart = run_command({source_dir() + "/scripts/testserver.sh", "restart", s.name, "kill"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  insert_rows(s, db, 31, 60, 4);
  ASSERT_TRUE(p.read_until([](const auto& l) { return ids_of(l, "t").size() >= 60; }, 90)) << p.err();
  EXPECT_EQ(p.stop(), 0) << p.err();
  EXPECT_EQ(ids_of(p.lines(), "t"), iota_ids(1, 60)) << p.err();
  EXPECT_NE(p.err().find("reconnecting in"), std::string::npos) << p.err();
}

TEST_P(BinlogStreamTest, CheckpointResumesAcrossRuns) {
  ServerInfo s = server();
  std::string db = fresh_db(s, "stream_cp");
  core::BinlogPosition start = current_pos(s);
  insert_rows(s, db, 1, 12, 4);
  std::string cp = make_temp_dir("cp") + "/stream.checkpoint";
  std::string cfg = config_for(s, 4104);
  CommandResult r1 = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--until-now",
                                 "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  EXPECT_EQ(ids_of(split_lines(r1.out), "t"), iota_ids(1, 12));
  auto saved = source::load_checkpoint(cp);
  ASSERT_TRUE(saved && *saved) << (saved ? "no checkpoint file" : saved.error().message);
  core::BinlogPosition after = current_pos(s);
  EXPECT_EQ((*saved)->position.file, after.file);
  EXPECT_EQ((*saved)->position.offset, after.offset);
  EXPECT_FALSE((*saved)->gtid.empty());
  // The full GTID state at the end of the last transaction, though the stream began at a
  // file/position (MariaDB: BINLOG_GTID_POS; MySQL: PREVIOUS_GTIDS + the GTIDs before it).
  EXPECT_EQ((*saved)->gtid_set, gtid_state(s));
  insert_rows(s, db, 13, 20, 4);
  // Resuming by that GTID state: exactly the transactions after it, none lost or repeated.
  CommandResult by_gtid = run_sluice({"binlog", "stream", "--config", cfg, "--gtid", (*saved)->gtid_set,
                                      "--until-now", "--databases", db});
  ASSERT_EQ(by_gtid.exit_code, 0) << by_gtid.err;
  EXPECT_EQ(ids_of(split_lines(by_gtid.out), "t"), iota_ids(13, 20));
  CommandResult r2 = run_sluice({"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(ids_of(split_lines(r2.out), "t"), iota_ids(13, 20));
  auto saved2 = source::load_checkpoint(cp);
  ASSERT_TRUE(saved2 && *saved2);
  EXPECT_EQ((*saved2)->gtid_set, gtid_state(s));
}

// A two-phase XA transaction prepared before a checkpoint and committed after it: the
// checkpoint names its XA PREPARE as the resume point, and the next run prints its rows once,
// at its XA COMMIT, without repeating what the first run printed. A rolled back one prints none.
TEST_P(BinlogStreamTest, PreparedXaHeldAcrossRunsComesOutOnceAtItsCommit) {
  ServerInfo s = server();
  std::string db = fresh_db(s, "stream_xa");
  XaCleanup cleanup(s, {"sx1", "sx2"});
  core::BinlogPosition start = current_pos(s);
  insert_rows(s, db, 1, 4, 2);
  // Each admin_sql is a connection: MariaDB holds a prepared XA transaction while its session lasts.
  admin_sql(s, "USE " + db +
                   "; XA START 'sx1'; INSERT INTO t (id) VALUES (100), (101); UPDATE t SET name = 'xa' "
                   "WHERE id = 1; XA END 'sx1'; XA PREPARE 'sx1'");
  core::BinlogPosition prepared_at = current_pos(s);
  insert_rows(s, db, 5, 8, 2);
  std::string cp = make_temp_dir("xacp") + "/stream.checkpoint";
  std::string cfg = config_for(s, 4110);
  auto stream = [&] {
    return run_sluice(
        {"binlog", "stream", "--config", cfg, "--until-now", "--checkpoint", cp, "--databases", db});
  };
  CommandResult r1 = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start),
                                 "--until-now", "--checkpoint", cp, "--databases", db});
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  EXPECT_EQ(ids_of(split_lines(r1.out), "t"), iota_ids(1, 8));
  auto saved = source::load_checkpoint(cp);
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->position.offset, current_pos(s).offset);
  EXPECT_EQ((*saved)->resume.file, prepared_at.file);
  EXPECT_GT((*saved)->resume.offset, start.offset);
  EXPECT_LT((*saved)->resume.offset, prepared_at.offset);

  insert_rows(s, db, 9, 10, 2);
  admin_sql(s, "XA COMMIT 'sx1'");
  insert_rows(s, db, 11, 12, 2);
  CommandResult r2 = stream();
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  std::vector<int64_t> want = {9, 10, 100, 101, 1, 11, 12};
  EXPECT_EQ(ids_of(split_lines(r2.out), "t"), want) << r2.out;
  EXPECT_NE(r2.out.find(":\"xa\""), std::string::npos) << r2.out;  // name (or "@2" without FULL metadata)
  auto saved2 = source::load_checkpoint(cp);
  ASSERT_TRUE(saved2 && *saved2);
  EXPECT_EQ((*saved2)->resume.file, "");
  EXPECT_EQ((*saved2)->position.offset, current_pos(s).offset);
  EXPECT_EQ((*saved2)->gtid_set, gtid_state(s));

  admin_sql(
      s, "USE " + db + "; XA START 'sx2'; INSERT INTO t (id) VALUES (200); XA END 'sx2'; XA PREPARE 'sx2'");
  CommandResult r3 = stream();
  ASSERT_EQ(r3.exit_code, 0) << r3.err;
  EXPECT_EQ(ids_of(split_lines(r3.out), "t"), std::vector<int64_t>{});
  admin_sql(s, "XA ROLLBACK 'sx2'");
  insert_rows(s, db, 13, 13, 1);
  CommandResult r4 = stream();
  ASSERT_EQ(r4.exit_code, 0) << r4.err;
  EXPECT_EQ(ids_of(split_lines(r4.out), "t"), std::vector<int64_t>{13});
  EXPECT_EQ(admin_sql(s, "SELECT COUNT(*) FROM " + db + ".t WHERE id >= 100"), "2\n");
}

TEST_P(BinlogStreamTest, PurgedBinlogSaysWhatIsLostAndExits1) {
  ServerInfo s = server();
  admin_sql(s, "FLUSH BINARY LOGS");
  core::BinlogPosition old = current_pos(s);
  admin_sql(s, "CREATE DATABASE IF NOT EXISTS stream_purge; FLUSH BINARY LOGS; FLUSH BINARY LOGS");
  core::BinlogPosition now = current_pos(s);
  purge_binary_logs_to(s, now.file);
  std::string cfg = config_for(s, 4105);
  CommandResult r = run_sluice({"binlog", "stream", "--config", cfg, "--from", old.file + ":4", "--until-now",
                                "--tables", "shop.orders,shop.items"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(old.file + ":4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the oldest binlog it has is " + now.file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tables shop.orders, shop.items"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("re-snapshot"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  CommandResult all = run_sluice({"binlog", "stream", "--config", cfg, "--from", old.file + ":4", "--until-now"});
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_NE(all.err.find("lost for all tables"), std::string::npos) << all.err;
}

TEST_P(BinlogStreamTest, VerifyIdentityTls) {
  ServerInfo s = server();
  std::string db = fresh_db(s, "stream_tls");
  core::BinlogPosition start = current_pos(s);
  insert_rows(s, db, 1, 6, 3);
  std::string cfg = write_config(s,
                                 "\"server_id\": 4106, \"ssl_mode\": \"verify_identity\", \"ssl_ca\": \"" + s.certs +
                                     "/ca.pem\"",
                                 "sluice_tls", "sluicepw");
  CommandResult r = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--until-now"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ids_of(split_lines(r.out), "t"), iota_ids(1, 6));
}

TEST_P(BinlogStreamTest, RefusesTheServersOwnIdAndAMissingId) {
  ServerInfo s = server();
  std::string own = split_lines(admin_sql(s, "SELECT @@server_id")).at(0);
  CommandResult r = run_sluice({"binlog", "stream", "--config", config_for(s, static_cast<uint32_t>(std::stoul(own))),
                                "--until-now"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the source's own server_id"), std::string::npos) << r.err;
  CommandResult none = run_sluice({"binlog", "stream", "--config", write_config(s), "--until-now"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("sluice check"), std::string::npos) << none.err;
}

TEST_P(BinlogStreamTest, RefusesAnIdAnotherReplicaUses) {
  ServerInfo s = server();
  std::string cfg = config_for(s, 4107);
  StreamProcess first({"binlog", "stream", "--config", cfg});
  const std::string hosts_sql = s.is_mysql() ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";
  auto registered = [&] {
    for (const auto& l : split_lines(admin_sql(s, hosts_sql))) {
      if (l.rfind("4107\t", 0) == 0) return true;
    }
    return false;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!registered() && std::chrono::steady_clock::now() < deadline) {
    first.read_until([](const auto&) { return false; }, 1);  // waits on the child's output, not a sleep
  }
  ASSERT_TRUE(registered()) << first.err();
  CommandResult second = run_sluice({"binlog", "stream", "--config", cfg, "--until-now"});
  if (s.is_mysql()) {
    // SHOW REPLICAS is open to REPLICATION SLAVE users: the second reader is refused up front.
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_NE(second.err.find("is already used by a replica"), std::string::npos) << second.err;
    EXPECT_EQ(first.stop(), 0) << first.err();
  } else {
    // MariaDB lists replicas only to REPLICATION MASTER ADMIN; it then disconnects the older
    // reader with the same id, which must stop with the server's refusal, not reconnect.
    first.read_until([](const auto&) { return false; }, 30);  // returns when the first reader's stdout closes
    EXPECT_EQ(first.stop(), 2) << first.err();
    EXPECT_NE(first.err().find("same server_id"), std::string::npos) << first.err();
  }
}

// Without binlog_row_metadata=FULL (MySQL's and RDS's default is MINIMAL) a TABLE_MAP has no
// column names. `--schema-history` seeds a history by discovery at the start, follows the DDL
// in the stream and saves it: every row then has the names its table had when it was written,
// across ADD/DROP/RENAME COLUMN and across runs resumed from a checkpoint.
TEST_P(BinlogStreamTest, SchemaHistoryNamesColumnsAsTheyWereAcrossDdlAndRuns) {
  ServerInfo s = server();
  std::string old_metadata = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  admin_sql(s, "SET GLOBAL binlog_row_metadata = MINIMAL");
  struct Restore {
    ServerInfo s;
    std::string value;
    ~Restore() { admin_sql(s, "SET GLOBAL binlog_row_metadata = " + value); }
  } restore{s, old_metadata};
  const std::string db = "stream_hist";
  admin_sql(s, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; CREATE TABLE " + db +
                   ".t (id INT PRIMARY KEY, a VARCHAR(20), b INT)");
  core::BinlogPosition start = current_pos(s);
  std::string dir = make_temp_dir("stream_hist");
  std::string history = dir + "/history.json", cp = dir + "/stream.checkpoint";
  std::string cfg = config_for(s, 4108);
  // Run 1 at the start: nothing to print yet; the history is seeded there and saved.
  CommandResult seed = run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start),
                                   "--until-now", "--databases", db, "--schema-history", history});
  ASSERT_EQ(seed.exit_code, 0) << seed.err;
  ASSERT_FALSE(read_file(history).empty());
  admin_sql(s,
            "INSERT INTO t VALUES (1, 'a1', 10);"
            "ALTER TABLE t ADD COLUMN m VARCHAR(20) AFTER a;"
            "INSERT INTO t VALUES (2, 'a2', 'm2', 20);"
            "ALTER TABLE t DROP COLUMN b;"
            "INSERT INTO t VALUES (3, 'a3', 'm3');",
            db);
  auto afters = [](const std::string& out) {
    std::vector<std::string> v;
    for (const auto& l : split_lines(out)) {
      auto j = nlohmann::ordered_json::parse(l);
      if (j["op"] == "insert") v.push_back(j["after"].dump());
    }
    return v;
  };
  // Run 2 from the same start, history loaded: each row under the names of its time.
  CommandResult r2 =
      run_sluice({"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--until-now",
                  "--databases", db, "--schema-history", history, "--checkpoint", cp});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(afters(r2.out),
            (std::vector<std::string>{R"({"id":1,"a":"a1","b":10})", R"({"id":2,"a":"a2","m":"m2","b":20})",
                                      R"({"id":3,"a":"a3","m":"m3"})"}));
  // The same stream without a history: the binlog alone has no names.
  CommandResult bare = run_sluice(
      {"binlog", "stream", "--config", cfg, "--from", from_arg(start), "--until-now", "--databases", db});
  ASSERT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_EQ(afters(bare.out).at(0), R"({"@1":1,"@2":"a1","@3":10})");
  // Run 3 resumes from the checkpoint with the saved history: a rename made while no stream
  // ran is followed, and no earlier row comes again.
  admin_sql(s, "ALTER TABLE t RENAME COLUMN a TO a2; INSERT INTO t VALUES (4, 'x4', 'm4');", db);
  CommandResult r3 = run_sluice({"binlog", "stream", "--config", cfg, "--until-now", "--databases", db,
                                 "--schema-history", history, "--checkpoint", cp});
  ASSERT_EQ(r3.exit_code, 0) << r3.err;
  EXPECT_EQ(afters(r3.out), (std::vector<std::string>{R"({"id":4,"a2":"x4","m":"m4"})"}));
  // A GTID start loads an existing history (the resume set of a MySQL checkpoint is a GTID set).
  std::string before_five = gtid_state(s);
  admin_sql(s, "INSERT INTO t VALUES (5, 'x5', 'm5');", db);
  CommandResult by_gtid = run_sluice({"binlog", "stream", "--config", cfg, "--gtid", before_five, "--until-now",
                                      "--databases", db, "--schema-history", history});
  ASSERT_EQ(by_gtid.exit_code, 0) << by_gtid.err;
  EXPECT_EQ(afters(by_gtid.out), (std::vector<std::string>{R"({"id":5,"a2":"x5","m":"m5"})"}));
  // It cannot seed a new one (no position): one line that says what to do.
  CommandResult gtid = run_sluice({"binlog", "stream", "--config", cfg, "--gtid", gtid_state(s), "--until-now",
                                   "--schema-history", dir + "/new.json"});
  EXPECT_EQ(gtid.exit_code, 2);
  EXPECT_NE(gtid.err.find("--from FILE:POS or at the current position"), std::string::npos) << gtid.err;
}

// The server stops answering (SIGSTOP) while a stream waits on it: after the read timeout the
// reconnect line says so (not "TLS/SSL error"), and once the server runs again the stream goes on.
// One server: the message is the client's, the same for both flavors (the sync tests cover both).
TEST(BinlogStreamStall, AStoppedServerIsNamedAndTheStreamResumesWhenItRunsAgain) {
  ServerInfo s = shared_server("mariadb");
  admin_sql(s,
            "DROP DATABASE IF EXISTS stream_stall; CREATE DATABASE stream_stall;"
            "CREATE TABLE stream_stall.t (id INT PRIMARY KEY)");
  const pid_t server_pid = static_cast<pid_t>(std::stol(read_file(s.dir + "/pid")));
  struct Resume {  // the server runs again whatever happens to the test
    pid_t pid;
    ~Resume() { kill(pid, SIGCONT); }
  } resume{server_pid};
  StreamProcess p({"binlog", "stream", "--config", config_for(s, 4109), "--from", from_arg(current_pos(s)),
                   "--tables", "stream_stall.t"});
  admin_sql(s, "INSERT INTO stream_stall.t VALUES (1)");
  ASSERT_TRUE(p.read_until([](const auto& l) { return ids_of(l, "t").size() >= 1; }, 30)) << p.err();
  ASSERT_EQ(kill(server_pid, SIGSTOP), 0);
  p.read_until([&](const auto&) { return p.err().find("stopped answering") != std::string::npos; }, 60);
  kill(server_pid, SIGCONT);
  EXPECT_NE(p.err().find("the server stopped answering: nothing arrived within read_timeout (20 s)"),
            std::string::npos)
      << p.err();
  EXPECT_NE(p.err().find("asked for a heartbeat every 5000 ms"), std::string::npos) << p.err();
  EXPECT_EQ(p.err().find("TLS/SSL error: Connection timed out;"), std::string::npos) << p.err();
  admin_sql(s, "INSERT INTO stream_stall.t VALUES (2)");
  ASSERT_TRUE(p.read_until([](const auto& l) { return ids_of(l, "t").size() >= 2; }, 60)) << p.err();
  EXPECT_EQ(p.stop(), 0) << p.err();
  EXPECT_EQ(ids_of(p.lines(), "t"), iota_ids(1, 2));
}

INSTANTIATE_TEST_SUITE_P(Servers, BinlogStreamTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::test
