// `sluice replicate --initial-copy` between real servers (MySQL 9.7 -> MariaDB): a source
// database with thousands of rows over many column types (a keyed table, a composite unique
// key, two keyless tables, DECIMAL, DATETIME(6), JSON, BLOB, NULLs) is copied into an empty
// target (tables created there, database renamed) in chunks, while transactions go on on the
// source; the stream then starts at the copy's snapshot: after catch-up every table is equal
// value by value and the per-transaction counter table holds each transaction once. A kill -9
// in the middle of the copy, more transactions, and a restart: the copy continues after the
// last committed chunk (not from zero), nothing is doubled or lost. A non-empty target table
// is refused in one line.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr size_t kChunkRows = 300;

// The pipeline's config with the initial copy's chunk size.
void set_chunk_rows(const Pipeline& p) {
  nlohmann::json c = nlohmann::json::parse(read_file(p.config));
  c["replicate"]["initial_copy_chunk_rows"] = kChunkRows;
  std::ofstream(p.config) << c.dump();
}

// The source's data before the pipeline: 3000 seeded rows and 20 workload transactions.
void prepare(const Pipeline& p, Workload& w) {
  set_chunk_rows(p);
  w.create_schema();
  w.seed(3000);
  w.run(20);
}

// --initial-copy in the background; with `stop_after_chunks`, it stops itself (SIGSTOP) after
// that many chunks were committed on the target.
int start_initial_copy(const Pipeline& p, const std::string& err, int stop_after_chunks) {
  std::vector<std::string> env;
  if (stop_after_chunks > 0)
    env.push_back("SLUICE_TEST_STOP_AFTER_COPY_CHUNKS=" + std::to_string(stop_after_chunks));
  return start_process({SLUICE_BINARY, "replicate", "--config", p.config, "--initial-copy"}, env, "",
                       p.work_dir + "/" + err);
}

int stop_and_reap(int pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

uint64_t target_count(const Pipeline& p, const std::string& table) {
  return std::stoull(admin_sql(p.target, "SELECT COUNT(*) FROM `" + table + "`", p.target_db));
}

// The copy stopped after its fourth chunk (counter and t_nokey whole, two of t_types), source
// transactions committed meanwhile and while it goes on; then a restart of the finished copy.
void copy_while_the_source_writes(const ServerInfo& source, const ServerInfo& target, const std::string& name,
                                  uint32_t seed) {
  Pipeline p = make_pipeline(source, target, name);
  Workload w(p, seed);
  prepare(p, w);  // before the copy: in the snapshot
  const int pid = start_initial_copy(p, "both.err", 4);
  int status = 0;
  ASSERT_TRUE(wait_until_stopped(pid, 60, &status)) << read_file(p.work_dir + "/both.err");
  // Stopped inside the copy (its snapshot open, some chunks on the target): these transactions
  // are after the snapshot, so they reach the target through the stream only.
  EXPECT_EQ(target_count(p, "t_types"), 2 * kChunkRows);
  w.run(40);
  kill(pid, SIGCONT);
  w.run(40);  // while the copy goes on and after the hand-off
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
  EXPECT_EQ(admin_sql(p.target, "SELECT COUNT(*), SUM(done) FROM initial_copy", p.position_schema), "5\t5\n");
  // A restart with the same command line: the copy is done, the stream goes on.
  w.run(20);
  const int again = start_initial_copy(p, "again.err", 0);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/again.err");
  expect_tables_equal(p);
  status = stop_and_reap(again);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/again.err");
  EXPECT_NE(read_file(p.work_dir + "/again.err").find("the copy finished before"), std::string::npos);
}

TEST(ReplicateInitialCopy, MySqlToMariaDbWhileTheSourceWrites) {
  copy_while_the_source_writes(shared_server("mysql"), shared_server("mariadb"), "icopy", 41);
}

TEST(ReplicateInitialCopy, MariaDbToMySqlWhileTheSourceWrites) {
  copy_while_the_source_writes(replicate_source_mariadb(), shared_server("mysql"), "icopy2", 42);
}

// Tables are copied in name order: counter (one pass, keyless), t_emptied, t_nokey (keyless),
// then t_types and t_uk in chunks. First a kill -9 after counter (t_nokey is then copied whole
// from the second snapshot: the stream's rows of it before that are skipped). Then a SIGTERM
// after t_emptied, t_nokey and three chunks of t_types: it ends after the chunk it is in, exit 0; the last
// run continues after them from a third snapshot (the rows between are applied idempotently). Transactions
// commit between the runs and during the last.
TEST(ReplicateInitialCopy, KillDuringTheCopyContinuesWithTheNextChunk) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "ickill");
  Workload w(p, 43);
  prepare(p, w);
  // A keyed table emptied between the first two runs: the second copies nothing of it, and
  // the stream's deletes of its rows find nothing there (taken idempotently).
  admin_sql(p.source,
            "CREATE TABLE t_emptied (id INT PRIMARY KEY); INSERT INTO t_emptied VALUES (1), (2), (3)", p.db);
  const int stop_after[] = {1, 5};
  const int signal_at[] = {SIGKILL, SIGTERM};
  for (int run = 0; run < 2; ++run) {
    const std::string err = p.work_dir + "/run" + std::to_string(run) + ".err";
    const int pid = start_initial_copy(p, "run" + std::to_string(run) + ".err", stop_after[run]);
    int status = 0;
    ASSERT_TRUE(wait_until_stopped(pid, 60, &status)) << read_file(err);
    w.run(20);  // after this run's snapshot
    kill(pid, signal_at[run]);
    kill(pid, SIGCONT);
    waitpid(pid, &status, 0);
    if (signal_at[run] == SIGTERM) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(err);
    }
    w.run(20);  // before the next run's snapshot
    if (run == 0) admin_sql(p.source, "DELETE FROM t_emptied", p.db);
  }
  const uint64_t copied = target_count(p, "t_types");
  EXPECT_TRUE(copied == 3 * kChunkRows || copied == 4 * kChunkRows) << copied;
  EXPECT_EQ(target_count(p, "t_uk"), 0u);
  EXPECT_FALSE(std::filesystem::exists(p.journal_dir));  // the log starts after the copy
  const int pid = start_initial_copy(p, "last.err", 0);
  w.run(30);  // during the resumed copy and after
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/last.err");
  expect_tables_equal(p);
  EXPECT_EQ(target_count(p, "t_emptied"), 0u);
  int status = stop_and_reap(pid);
  const std::string log = read_file(p.work_dir + "/last.err");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  EXPECT_NE(log.find("t_types: resuming after"), std::string::npos) << log;
  EXPECT_EQ(log.find("created"), std::string::npos) << log;  // the tables were there
  EXPECT_EQ(log.find("counter"), std::string::npos) << log;  // copied by the first run
}

// One line each: a target table with rows; a log with records (a pipeline that started without
// the copy).
TEST(ReplicateInitialCopy, RefusesATargetTableWithRowsAndAStartedLog) {
  Pipeline p = make_pipeline(shared_server("mysql"), shared_server("mariadb"), "icrefuse");
  Workload w(p, 47);
  w.create_schema();
  w.seed(10);
  admin_sql(p.target, "CREATE DATABASE `" + p.target_db + "`; CREATE TABLE `" + p.target_db +
                          "`.t_uk (a INT NOT NULL, b VARCHAR(20) NOT NULL, v INT); INSERT INTO `" +
                          p.target_db + "`.t_uk VALUES (1, 'x', 1)");
  CommandResult r = run_sluice({"replicate", "--config", p.config, "--initial-copy"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("already holds rows"), std::string::npos) << r.err;
  EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(admin_sql(p.target, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                                    p.target_db + "'"),
            "1\n");  // nothing created

  const int pid = start_replicate(p, "extract");
  for (int i = 0; i < 150 && !std::filesystem::exists(p.journal_dir + "/extract.status.json"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  w.run(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop_and_reap(pid);
  admin_sql(p.target, "DROP DATABASE `" + p.target_db + "`");
  r = run_sluice({"replicate", "--config", p.config, "--initial-copy"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("already has records"), std::string::npos) << r.err;
  EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
}

}  // namespace
}  // namespace sluice::test
