// `sluice replicate` conflicts and loop safety, between real servers (MySQL 9.7 -> MariaDB, and
// MySQL 9.7 <-> MariaDB both ways). Conflicts are made by hand on the target before the source
// change that meets them: an INSERT of a key the target holds (on the primary key, and on a
// secondary unique key), an UPDATE of a row the target lacks, an UPDATE to a key the target
// holds, a DELETE of a row the target lacks. `overwrite` resolves each (the tables end equal
// value by value, each conflict logged with its key and counted); `stop` stops at each, naming
// the table, the key values and the transaction, with nothing of it or after it applied, and a
// restart after the fix goes on. Two pipelines A -> B and B -> A run at once with changes on both
// sides: each transaction arrives once on the other side and nothing comes back.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

// A `sluice replicate` process, killed at scope exit unless stopped (a failed assertion).
struct Running {
  int pid = -1;
  ~Running() {
    if (pid > 0) kill9_and_reap(pid);
  }
  int stop() {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
};

std::string rows_of(const ServerInfo& s, const std::string& db, const std::string& table,
                    const std::string& order = "1") {
  return admin_sql(s, "SELECT * FROM `" + table + "` ORDER BY " + order, db);
}

// The source ends the binlog dump of a reader that exited on an error only at its next write:
// ended here, so a restart can register the same server_id at once.
void end_dump_threads(const ServerInfo& s) {
  const std::string find = "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'";
  for (int i = 0; i < 50; ++i) {
    const std::vector<std::string> ids = split_lines(admin_sql(s, find));
    if (ids.empty()) return;
    for (const std::string& id : ids) {
      try {
        admin_sql(s, "KILL " + id);
      } catch (const std::exception&) {  // ended meanwhile
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string source_file(const ServerInfo& s) {
  const std::string out = admin_sql(s, s.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  return split(split_lines(out).at(0), '\t').at(0);
}

// The conflict tests' schema on the source (replicated as DDL): a keyed table with a secondary
// unique key and a generated column, and the keyless per-transaction counter.
void create_conflict_schema(Pipeline& p) {
  admin_sql(p.source,
            "CREATE DATABASE `" + p.db + "`; USE `" + p.db +
                "`; CREATE TABLE t (id INT PRIMARY KEY, u INT, v VARCHAR(20), g INT AS (id * 2) STORED,"
                " UNIQUE KEY uu (u)); CREATE TABLE counter (txn INT NOT NULL);"
                " INSERT INTO t (id, u, v) VALUES (1,10,'s'),(2,20,'s'),(3,30,'s'),(4,40,'s'),(5,50,'s'),"
                "(6,60,'s'),(7,70,'s'); INSERT INTO counter VALUES (1);",
            "");
  p.transactions = 1;
}

// One source transaction: `sql` and its counter row.
void source_txn(Pipeline& p, const std::string& sql) {
  ++p.transactions;
  admin_sql(p.source,
            "START TRANSACTION; " + sql + "; INSERT INTO counter VALUES (" + std::to_string(p.transactions) +
                "); COMMIT;",
            p.db);
}

void expect_equal(const Pipeline& p) {
  for (const char* table : {"t", "counter"}) {
    EXPECT_EQ(rows_of(p.source, p.db, table), rows_of(p.target, p.target_db, table)) << table;
  }
}

TEST(ReplicateConflict, OverwriteResolvesEachKindCountedAndLogged) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "cfo", 500,
                             "\"on_conflict\": \"overwrite\"");
  create_conflict_schema(p);
  Running run{start_replicate(p)};
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  // By hand on the target: keys the source will insert (100 on the primary key, 2000 on the
  // unique key of another row), a key an update will move to (300), rows the source will
  // update (3) and delete (4).
  admin_sql(
      p.target,
      "INSERT INTO t (id, u, v) VALUES (100, 1000, 'target'), (200, 2000, 'target'), (300, 3000, 'target');"
      " DELETE FROM t WHERE id IN (3, 4); UPDATE t SET u = 2222 WHERE id = 2;",
      p.target_db);
  // A batched INSERT holding both duplicates, then the update of the missing row, a batched
  // DELETE naming a missing row, a primary-key change onto an existing key, a normal update.
  source_txn(
      p,
      "INSERT INTO t (id, u, v) VALUES (99, 990, 's'), (100, 1001, 's'), (201, 2000, 's'), (202, 2020, 's')");
  source_txn(p, "UPDATE t SET v = 'upd' WHERE id = 3");
  source_txn(p, "DELETE FROM t WHERE id IN (4, 5)");
  source_txn(p, "UPDATE t SET id = 300 WHERE id = 7");
  source_txn(p, "UPDATE t SET v = 'later' WHERE id = 6");
  // Two updates in one packet; each sets only the column that changed: row 2's `u`, changed
  // on the target alone (no conflict), stays.
  source_txn(p, "UPDATE t SET v = 'one' WHERE id = 1; UPDATE t SET v = 'two' WHERE id = 2");
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  EXPECT_EQ(admin_sql(p.target, "SELECT id, u, v FROM t WHERE id IN (1, 2) ORDER BY id", p.target_db),
            "1\t10\tone\n2\t2222\ttwo\n");
  admin_sql(p.target, "UPDATE t SET u = 20 WHERE id = 2", p.target_db);
  expect_equal(p);
  EXPECT_EQ(admin_sql(p.target, "SELECT id, u, v, g FROM t WHERE id IN (3, 100, 201, 300) ORDER BY id",
                      p.target_db),
            "3\t30\tupd\t6\n100\t1001\ts\t200\n201\t2000\ts\t402\n300\t70\ts\t600\n");
  EXPECT_EQ(run.stop(), 0) << read_file(p.work_dir + "/both.err");
  const std::string log = read_file(p.work_dir + "/both.err");
  const std::string t = p.target_db + ".t";
  for (const std::string& line :
       {"conflict in " + t + ", key (`id`)=(100): INSERT of an existing key: row replaced",
        "conflict in " + t + ", key (`id`)=(201): INSERT of an existing key: row replaced",
        "conflict in " + t + ", key (`id`)=(3): UPDATE of a missing row: after image inserted",
        "conflict in " + t + ", key (`id`)=(4): DELETE of a missing row: ignored",
        "conflict in " + t + ", key (`id`)=(7): UPDATE to an existing key: row replaced",
        "5 on " + t + " so far", std::string("applying them again row by row")}) {
    EXPECT_NE(log.find(line), std::string::npos) << line << "\n" << log;
  }
  const std::string status = read_file(p.journal_dir + "/apply.status.json");
  EXPECT_NE(status.find("\"conflicts\":5"), std::string::npos) << status;
}

// The pipeline (policy stop) meets `what` in the last source transaction: it ends with an error
// naming the table, the key and the transaction, and nothing of it is applied.
void expect_stopped_at(Pipeline& p, Running& run, const std::string& file, const std::string& message,
                       const std::string& after) {
  const int status = wait_exit(run.pid, 30);
  run.pid = -1;
  end_dump_threads(p.source);
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  const std::string log = read_file(p.work_dir + "/both.err");
  for (const std::string& part :
       {"conflict in " + p.target_db + ".t, key " + message, std::string("log record "),
        "(source " + file + ":", std::string("on_conflict is \"stop\"")}) {
    EXPECT_NE(log.find(part), std::string::npos) << part << "\n" << log;
  }
  EXPECT_EQ(admin_sql(p.target, "SELECT COUNT(*) FROM counter", p.target_db),
            std::to_string(p.transactions - 1) + "\n");
  EXPECT_EQ(admin_sql(p.target, after, p.target_db), "1\n") << after;
}

TEST(ReplicateConflict, StopNamesTableKeyAndTransactionForEachKind) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "cfs");
  create_conflict_schema(p);
  Running run{start_replicate(p)};
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  const std::string file = source_file(p.source);
  // An INSERT of a key the target holds (in a batch of three rows).
  admin_sql(p.target, "INSERT INTO t (id, u, v) VALUES (100, 1000, 'target')", p.target_db);
  source_txn(p, "INSERT INTO t (id, u, v) VALUES (99, 990, 's'), (100, 1001, 's'), (101, 1010, 's')");
  expect_stopped_at(p, run, file, "(`id`)=(100): INSERT of a key that exists on the target",
                    "SELECT COUNT(*) = 0 FROM t WHERE id IN (99, 101)");
  admin_sql(p.target, "DELETE FROM t WHERE id = 100", p.target_db);  // the fix; a restart goes on
  run.pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  // An UPDATE of a row the target lacks.
  admin_sql(p.target, "DELETE FROM t WHERE id = 3", p.target_db);
  source_txn(p, "UPDATE t SET v = 'x' WHERE id = 2; UPDATE t SET v = 'x' WHERE id = 3");
  expect_stopped_at(p, run, file, "(`id`)=(3): UPDATE of a row missing on the target",
                    "SELECT v = 's' FROM t WHERE id = 2");
  admin_sql(p.target, "INSERT INTO t (id, u, v) VALUES (3, 30, 's')", p.target_db);
  run.pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  // A DELETE of a row the target lacks (in a batch of two).
  admin_sql(p.target, "DELETE FROM t WHERE id = 4", p.target_db);
  source_txn(p, "DELETE FROM t WHERE id IN (4, 5)");
  expect_stopped_at(p, run, file, "(`id`)=(4): DELETE of a row missing on the target",
                    "SELECT COUNT(*) FROM t WHERE id = 5");
  admin_sql(p.target, "INSERT INTO t (id, u, v) VALUES (4, 40, 's')", p.target_db);
  run.pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 30)) << read_file(p.work_dir + "/both.err");
  expect_equal(p);
  EXPECT_EQ(run.stop(), 0) << read_file(p.work_dir + "/both.err");
}

TEST(ReplicateConflict, BadPolicyIsOneLine) {
  const std::string cfg =
      write_config(shared_server("mariadb"),
                   "\"server_id\": 7998, \"target\": {\"host\": \"127.0.0.1\", \"user\": \"x\"},"
                   " \"replicate\": {\"journal_dir\": \"/tmp/x\", \"on_conflict\": \"ignore\","
                   " \"skip_transactions_writing\": \"sluice\"}");
  CommandResult r = run_sluice({"replicate", "--config", cfg});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("'replicate.on_conflict' must be \"stop\" or \"overwrite\", got \"ignore\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("'replicate.skip_transactions_writing' must be a list of database names"),
            std::string::npos)
      << r.err;
}

// ---- loop safety ----

void set_start_now(const Pipeline& p) {
  const std::string out =
      admin_sql(p.source, p.source.is_mysql() ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
  const std::vector<std::string> cells = split(split_lines(out).at(0), '\t');
  nlohmann::json cfg = nlohmann::json::parse(read_file(p.config));
  cfg["replicate"]["start"] = cells.at(0) + ":" + cells.at(1);
  write_file(p.config, cfg.dump());
}

// Both sides' schema, made by hand on each (not logged: each pipeline starts after it).
void create_loop_schema(const ServerInfo& s, const std::string& db) {
  admin_sql(s, "SET SESSION sql_log_bin = 0; CREATE DATABASE `" + db + "`; USE `" + db +
                   "`; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40), n INT);"
                   " CREATE TABLE counter (side CHAR(1) NOT NULL, txn INT NOT NULL);");
}

// `n` transactions on one side, keys of its own: an insert, an update of an earlier row,
// every third a delete, and the counter row (side, txn).
// Through a client connection of its own: the test's admin_sql spawns processes, which two
// threads must not do at once (one child would inherit the other's stdin pipe).
void side_workload(const ServerInfo& s, const std::string& db, const std::string& side, int base, int n) {
  mysql::ConnectOptions o = admin_connect_options(s);
  o.database = db;
  auto c = mysql::Connection::connect(o);
  ASSERT_TRUE(c) << c.error().message;
  auto exec = [&](const std::string& sql) {
    core::Status st = (*c)->execute(sql);
    ASSERT_TRUE(st) << st.error().message;
  };
  for (int i = 1; i <= n; ++i) {
    exec("START TRANSACTION");
    exec("INSERT INTO t VALUES (" + std::to_string(base + i) + ", '" + side + "-" + std::to_string(i) +
         "', " + std::to_string(i) + ")");
    if (i > 2)
      exec("UPDATE t SET n = n + 100, v = CONCAT(v, '+') WHERE id = " + std::to_string(base + i - 2));
    if (i % 3 == 0) exec("DELETE FROM t WHERE id = " + std::to_string(base + i - 1));
    exec("INSERT INTO counter VALUES ('" + side + "', " + std::to_string(i) + ")");
    exec("COMMIT");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Counter rows of each side in a pipeline's transaction log (sluice journal dump).
std::pair<int, int> logged_sides(const Pipeline& p) {
  CommandResult dump = run_sluice({"journal", "dump", "--dir", p.journal_dir});
  std::pair<int, int> ab{0, 0};
  for (const std::string& line : split_lines(dump.out)) {
    if (line.find("\"table\":\"counter\"") == std::string::npos) continue;
    ab.first += line.find("\"A\"") != std::string::npos;
    ab.second += line.find("\"B\"") != std::string::npos;
  }
  return ab;
}

TEST(ReplicateLoop, TwoWayPipelinesApplyEachTransactionOnceAndEchoNothing) {
  const ServerInfo a = shared_server("mysql");
  const ServerInfo& b = replicate_source_mariadb();
  // A's rp_lp <-> B's rp_lp_copy; each applier's position schema is the other's skip list.
  Pipeline ab = make_pipeline(a, b, "lp", 50, "\"skip_transactions_writing\": [\"sluice_lp_copy\"]");
  Pipeline ba = make_pipeline(b, a, "lp_copy", 50, "\"skip_transactions_writing\": [\"sluice_lp\"]", "rp_lp");
  create_loop_schema(a, ab.db);
  create_loop_schema(b, ba.db);
  set_start_now(ab);
  set_start_now(ba);
  Running run_ab{start_replicate(ab)};
  Running run_ba{start_replicate(ba)};
  const int n = 40;
  std::thread on_a([&] { side_workload(a, ab.db, "A", 0, n); });
  std::thread on_b([&] { side_workload(b, ba.db, "B", 100000, n); });
  on_a.join();
  on_b.join();
  const std::string all = std::to_string(2 * n) + "\t" + std::to_string(2 * n) + "\n";
  const std::string count = "SELECT COUNT(*), COUNT(DISTINCT side, txn) FROM counter";
  for (int i = 0; i < 300 && (admin_sql(a, count, ab.db) != all || admin_sql(b, count, ba.db) != all); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // DDL on A arrives on B once and is not replicated back (the applier's mark on it).
  admin_sql(a, "ALTER TABLE t ADD COLUMN extra INT NOT NULL DEFAULT 5", ab.db);
  const std::string has_extra = "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" +
                                ba.db + "' AND TABLE_NAME = 't' AND COLUMN_NAME = 'extra'";
  for (int i = 0; i < 150 && admin_sql(b, has_extra) != "1\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(admin_sql(b, has_extra), "1\n") << read_file(ab.work_dir + "/both.err");
  std::this_thread::sleep_for(std::chrono::seconds(2));  // time for an echo to come back, if any
  EXPECT_EQ(admin_sql(a, count, ab.db), all) << read_file(ba.work_dir + "/both.err");
  EXPECT_EQ(admin_sql(b, count, ba.db), all) << read_file(ab.work_dir + "/both.err");
  for (const char* table : {"t", "counter"}) {
    EXPECT_EQ(rows_of(a, ab.db, table, "1, 2"), rows_of(b, ba.db, table, "1, 2")) << table;
  }
  EXPECT_EQ(admin_sql(a, "SELECT COUNT(*) FROM t", ab.db), std::to_string(2 * (n - n / 3)) + "\n");
  EXPECT_EQ(run_ab.stop(), 0) << read_file(ab.work_dir + "/both.err");
  EXPECT_EQ(run_ba.stop(), 0) << read_file(ba.work_dir + "/both.err");
  // Nothing came back: A's log holds only A's transactions, B's only B's.
  EXPECT_EQ(logged_sides(ab), std::make_pair(n, 0));
  EXPECT_EQ(logged_sides(ba), std::make_pair(0, n));
  EXPECT_EQ(run_sluice({"journal", "dump", "--dir", ba.journal_dir}).out.find("ADD COLUMN extra"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::test
