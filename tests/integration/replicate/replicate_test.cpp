// `sluice replicate` between real servers: MariaDB -> MariaDB, MySQL 9.7 -> MariaDB and
// MariaDB -> MySQL 9.7 over TLS with verify_identity, into a target account that holds only
// DML/DDL privileges on the replicated database and the position schema. A seeded random
// workload (many column types, primary-key changes, a unique-keyed and a keyless table,
// multi-statement transactions, an ALTER between DML); after catch-up every table is equal on
// both sides row by row and value by value, and the keyless counter table holds each source
// transaction exactly once. Then kill -9 of the single process and of each role at random
// moments, and a restart of the target, mid-stream.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
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
  w.run(60, 0, 30);
  const int pid = start_replicate(p);
  w.run(60);  // while it runs
  ASSERT_TRUE(wait_caught_up(p, 90)) << read_file(p.journal_dir + "/../both.err");
  expect_tables_equal(p);
  const int status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.journal_dir + "/../both.err");
  // The position table names the last record, and the status files say what each role did.
  EXPECT_NE(admin_sql(target, "SELECT lsn FROM apply_position", p.position_schema), "0\n");
  const std::string apply_status = read_file(p.journal_dir + "/apply.status.json");
  EXPECT_NE(apply_status.find("\"state\":\"stopped\""), std::string::npos) << apply_status;
}

TEST(Replicate, MariaDbToMariaDbTablesEqual) {
  replicate_pair(shared_server("mariadb"), replicate_target_mariadb(), "m2m", 11);
}

TEST(Replicate, MySqlToMariaDbTablesEqual) {
  replicate_pair(shared_server("mysql"), replicate_target_mariadb(), "y2m", 12);
}

TEST(Replicate, MariaDbToMySqlTablesEqual) {
  replicate_pair(shared_server("mariadb"), shared_server("mysql"), "m2y", 13);
}

// Kills at random moments while the workload runs: three of the single process, three of the
// extract role, three of the apply role (the other role running), and a restart of the target.
TEST(Replicate, KillNineAtRandomMomentsLosesAndDoublesNothing) {
  Pipeline p = make_pipeline(shared_server("mariadb"), replicate_target_mariadb(), "kill", 50);
  Workload w(p, 21);
  w.create_schema();
  std::thread writer([&] { w.run(600, 10, 300); });
  std::mt19937 rng(99);
  auto random_pause = [&] { std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 900)); };
  for (int round = 0; round < 9; ++round) {
    if (round < 3) {
      const int pid = start_replicate(p);
      random_pause();
      kill9_and_reap(pid);
    } else {
      const bool kill_extract = round < 6;
      const int other = start_replicate(p, kill_extract ? "apply" : "extract");
      const int victim = start_replicate(p, kill_extract ? "extract" : "apply");
      random_pause();
      kill9_and_reap(victim);
      random_pause();
      stop_and_reap(other);
    }
  }
  // The target restarted (killed) while both roles run.
  const int pid = start_replicate(p);
  random_pause();
  CommandResult restart =
      run_command({source_dir() + "/scripts/testserver.sh", "restart", p.target.name, "kill"});
  ASSERT_EQ(restart.exit_code, 0) << restart.err;
  writer.join();
  ASSERT_TRUE(wait_caught_up(p, 120)) << read_file(p.journal_dir + "/../both.err");
  expect_tables_equal(p);
  const int status = stop_and_reap(pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(p.journal_dir + "/../both.err");
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

}  // namespace
}  // namespace sluice::test
