// `sluice replicate` between real servers: MySQL 9.7 -> MariaDB and MariaDB (binlog_row_metadata
// MINIMAL) -> MySQL 9.7, over TLS with verify_identity, into a target account that holds only
// DML/DDL privileges on the replicated (renamed) database and the position schema. A seeded
// random workload (many column types, primary-key changes, a unique-keyed and a keyless table,
// an excluded table, multi-statement transactions, an ALTER between DML); after catch-up every
// table is equal on both sides row by row and value by value, and the keyless counter table
// holds each source transaction exactly once, also after a stop and a restart. Then kill -9 of
// the single process and of each role (two processes over one log) at random moments.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "replicate_fixture.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

int stop_and_reap(int pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

void replicate_pair(const ServerInfo& source, const ServerInfo& target, const std::string& name,
                    uint32_t seed) {
  Pipeline p = make_pipeline(source, target, name);
  Workload w(p, seed);
  w.create_schema();
  w.run(40, 0, 20);  // before the pipeline runs: read from its start position
  int pid = start_replicate(p);
  w.run(40);  // while it runs
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  int status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
  const std::string apply_status = read_file(p.journal_dir + "/apply.status.json");
  EXPECT_NE(apply_status.find("\"state\":\"stopped\""), std::string::npos) << apply_status;
  // Stopped while the source goes on; a restart resumes from the log and the position table.
  w.run(30);
  pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
  EXPECT_EQ(admin_sql(target, "SELECT ddl_lsn, lsn > 0 FROM apply_position", p.position_schema), "0\t1\n");
}

// The log record holding `sql_part` (a DDL statement), waited for (extract running): its LSN.
uint64_t wait_for_ddl_record(const Pipeline& p, const std::string& sql_part) {
  for (int i = 0; i < 150; ++i) {
    CommandResult dump = run_sluice({"journal", "dump", "--dir", p.journal_dir});
    for (const std::string& line : split_lines(dump.out)) {
      if (line.find(sql_part) != std::string::npos)
        return nlohmann::json::parse(line).at("lsn").get<uint64_t>();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "no log record holds " << sql_part;
  return 0;
}

// A kill between a DDL and its position update leaves the DDL run on the target and its record
// marked (ddl_lsn) but not applied: the restart runs it again, takes "duplicate column" as done,
// and goes on with the rows after it, nothing doubled. The state is made by hand: the extract
// role logs the ALTER, the test runs it on the target and sets the mark, then the apply role.
TEST(Replicate, KillBetweenDdlAndItsPositionIsResolvedOnRestart) {
  Pipeline p = make_pipeline(replicate_source_mariadb(), shared_server("mysql"), "ddl");
  Workload w(p, 31);
  w.create_schema();
  w.run(10);
  int pid = start_replicate(p);
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/both.err");
  stop_and_reap(pid);
  admin_sql(p.source, "ALTER TABLE t_types ADD COLUMN z INT DEFAULT 7", p.db);
  w.run(10);
  pid = start_replicate(p, "extract");
  const uint64_t lsn = wait_for_ddl_record(p, "ADD COLUMN z");
  admin_sql(p.target, "ALTER TABLE t_types ADD COLUMN z INT DEFAULT 7", p.target_db);
  admin_sql(p.target, "UPDATE apply_position SET ddl_lsn = " + std::to_string(lsn), p.position_schema);
  const int apply = start_replicate(p, "apply");
  ASSERT_TRUE(wait_caught_up(p, 60)) << read_file(p.work_dir + "/apply.err");
  expect_tables_equal(p);
  stop_and_reap(apply);
  stop_and_reap(pid);
  EXPECT_NE(read_file(p.work_dir + "/apply.err").find("DDL already applied before a restart"),
            std::string::npos)
      << read_file(p.work_dir + "/apply.err");
  EXPECT_EQ(admin_sql(p.target, "SELECT ddl_lsn FROM apply_position", p.position_schema), "0\n");
}

TEST(Replicate, MySqlToMariaDbTablesEqual) {
  replicate_pair(shared_server("mysql"), shared_server("mariadb"), "y2m", 12);
}

TEST(Replicate, MariaDbToMySqlTablesEqual) {
  replicate_pair(replicate_source_mariadb(), shared_server("mysql"), "m2y", 13);
}

// Kills at random moments while the workload runs: two of the single process, two of the
// extract role, two of the apply role (the other role running); then one process catches up.
TEST(Replicate, KillNineAtRandomMomentsLosesAndDoublesNothing) {
  Pipeline p = make_pipeline(replicate_source_mariadb(), shared_server("mariadb"), "kill", 50);
  Workload w(p, 21);
  w.create_schema();
  std::thread writer([&] { w.run(400, 10, 200); });
  std::mt19937 rng(99);
  auto random_pause = [&] { std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 900)); };
  for (int round = 0; round < 6; ++round) {
    if (round < 2) {
      const int pid = start_replicate(p);
      random_pause();
      kill9_and_reap(pid);
    } else {
      const bool kill_extract = round < 4;
      const int other = start_replicate(p, kill_extract ? "apply" : "extract");
      const int victim = start_replicate(p, kill_extract ? "extract" : "apply");
      random_pause();
      kill9_and_reap(victim);
      random_pause();
      stop_and_reap(other);
    }
  }
  const int pid = start_replicate(p);
  writer.join();
  ASSERT_TRUE(wait_caught_up(p, 120)) << read_file(p.work_dir + "/both.err");
  expect_tables_equal(p);
  const int status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.work_dir + "/both.err");
  CommandResult verify = run_sluice({"journal", "verify", "--dir", p.journal_dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(Replicate, ConfigProblemsAreOneLineEach) {
  const ServerInfo& s = shared_server("mariadb");
  const std::string cfg =
      write_config(s, "\"replicate\": {\"journal_dir\": \"/tmp/x\", \"start\": \"bogus:\"}");
  CommandResult r = run_sluice({"replicate", "--config", cfg});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("has no \"server_id\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("has no \"target\" section"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("sluicepw"), std::string::npos) << r.err;
  CommandResult role = run_sluice({"replicate", "--config", cfg, "--role", "both"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("--role must be extract or apply"), std::string::npos) << role.err;
}

// MariaDB's default binlog_row_metadata=NO_LOG would lose UNSIGNED and CHAR charsets: refused
// before anything is read, with the fix.
TEST(Replicate, SourceWithoutRowMetadataIsRefused) {
  const ServerInfo& s = shared_server("mariadb");
  ASSERT_EQ(admin_sql(s, "SELECT @@binlog_row_metadata"), "NO_LOG\n");
  const std::string dir = make_temp_dir("replicate-nolog");
  const std::string cfg = write_config(s, "\"server_id\": 7999, \"replicate\": {\"journal_dir\": \"" + dir +
                                              "/log\", \"include\": [\"x.*\"]}");
  CommandResult r = run_sluice({"replicate", "--config", cfg, "--role", "extract"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("set binlog_row_metadata=MINIMAL (or FULL) on the source"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace sluice::test
