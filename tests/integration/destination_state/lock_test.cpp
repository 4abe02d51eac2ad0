// One job at a time per destination state (issue 12, item 1): two `sluice sync` jobs started
// together into the same SQLite file, JSON-lines or Avro directory, or PostgreSQL schema +
// state_id: exactly one runs, the other refuses at once naming the holder and leaves the
// destination alone; a lock whose holder was killed does not block; two PostgreSQL jobs with
// different state_ids both run. The jobs read a source table that the test holds locked (LOCK
// TABLES), so the winner is still inside its job when the loser starts, however fast sluice is.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "core/file_lock.h"
#include "integration/destination_state/state_support.h"
#include "support/pg_test_server.h"
#include "support/test_util.h"

namespace sluice::test::state {
namespace {

constexpr int kRows = 300;

struct Destination {
  std::string type;  ///< sqlite, jsonl, avro, postgres
  std::string arg;   ///< --destination value (empty: the config's section)
  std::string path;  ///< file or directory; the PostgreSQL schema
  std::vector<std::string> rows(const std::string& table) const {
    if (type == "sqlite") return sqlite_rows(path, table);
    if (type == "jsonl") return jsonl_rows(path, "lk-" + table);
    if (type == "avro") return avro_rows(path, "lk-" + table);
    return pg_rows_of(path, table);
  }
  /// True once `pid` holds this destination's lock.
  bool held_by(pid_t pid) const {
    if (type == "postgres") {
      return psql(
                 "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype "
                 "= "
                 "'advisory' AND l.granted AND a.application_name LIKE 'sluice " +
                 std::to_string(pid) + "@%'") == "1\n";
    }
    auto holder = core::read_lock_holder(type == "sqlite" ? path + ".lock" : path + "/_sluice.lock");
    return holder && holder->pid == pid;
  }
};

struct Job {
  std::string config;
  std::string catalog;
  Destination dest;
  std::vector<std::string> args() const {
    std::vector<std::string> a = {"sync", "--config", config, "--catalog", catalog, "--quiet"};
    if (!dest.arg.empty()) a.insert(a.end(), {"--destination", dest.arg});
    return a;
  }
};

Job make_job(const ServerInfo& server, const std::string& type, const std::string& table = "t",
             const std::string& state_id = "default") {
  Job job;
  std::string dir = make_temp_dir("lock-" + type);
  std::string extra = "\"filter_dbs\": \"lk\"";
  if (type == "postgres") {
    job.dest = {type, "", "sluice_lock"};
    extra += ", " + pg_destination("sluice_lock", state_id);
  } else {
    std::string path = dir + (type == "sqlite" ? "/dest.db" : "/out");
    job.dest = {type, type + ":" + path, path};
  }
  job.config = write_config(server, extra);
  job.catalog = make_catalog(job.config, "lk", {{table, "FULL_TABLE"}});
  return job;
}

std::string err_of(const std::string& path) { return read_file(path); }

TEST(DestinationLock, SecondJobOnTheSameStateRefusesNamingTheHolder) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, "lk", {"t"}, kRows);
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
  for (const std::string type : {"sqlite", "jsonl", "avro", "postgres"}) {
    SCOPED_TRACE(type);
    Job job = make_job(server, type);
    std::string dir = make_temp_dir("lock-out");
    SourceBlock block(server, "lk", {"t"});
    pid_t a = spawn_sluice(job.args(), dir + "/a.out", dir + "/a.err");
    pid_t b = spawn_sluice(job.args(), dir + "/b.out", dir + "/b.err");
    // The loser ends at once; the winner waits on the source table.
    pid_t loser = -1;
    int loser_code = -1;
    ASSERT_TRUE(wait_until([&] {
      for (pid_t p : {a, b}) {
        int status = 0;
        if (waitpid(p, &status, WNOHANG) == p) {
          loser = p;
          loser_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
          return true;
        }
      }
      return false;
    }));
    pid_t winner = loser == a ? b : a;
    std::string loser_err = err_of(dir + (loser == a ? "/a.err" : "/b.err"));
    EXPECT_NE(loser_code, 0);
    EXPECT_NE(loser_err.find("is in use by another sluice job (pid " + std::to_string(winner) + " on host "),
              std::string::npos)
        << loser_err;
    EXPECT_EQ(split_lines(loser_err).size(), 1u) << loser_err;
    EXPECT_TRUE(job.dest.held_by(winner));
    block.release();
    EXPECT_EQ(wait_exit(winner), 0) << err_of(dir + (winner == a ? "/a.err" : "/b.err"));
    EXPECT_EQ(job.dest.rows("t"), source_rows(server, "lk", "t"));
    if (type == "sqlite") {
      // One loading report and one extraction log: the refused job wrote neither.
      size_t reports = 0;
      for (const auto& e : std::filesystem::directory_iterator(job.dest.path + ".reports"))
        reports += e.is_regular_file();
      EXPECT_EQ(reports, 2u);
    }
  }
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
}

TEST(DestinationLock, LockOfAKilledJobDoesNotBlockTheNext) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, "lk", {"t"}, kRows);
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
  for (const std::string type : {"sqlite", "jsonl", "avro", "postgres"}) {
    SCOPED_TRACE(type);
    Job job = make_job(server, type);
    std::string dir = make_temp_dir("lock-kill");
    SourceBlock block(server, "lk", {"t"});
    pid_t a = spawn_sluice(job.args(), dir + "/a.out", dir + "/a.err");
    ASSERT_TRUE(wait_until([&] { return job.dest.held_by(a); })) << err_of(dir + "/a.err");
    kill(a, SIGKILL);
    EXPECT_EQ(wait_exit(a), 128 + SIGKILL);
    block.release();
    CommandResult next = run_sluice(job.args());
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(job.dest.rows("t"), source_rows(server, "lk", "t"));
  }
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
}

TEST(DestinationLock, PostgresJobsWithDifferentStateIdsBothRun) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, "lk", {"t1", "t2"}, kRows);
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
  Job one = make_job(server, "postgres", "t1", "one");
  Job two = make_job(server, "postgres", "t2", "two");
  std::string dir = make_temp_dir("lock-ids");
  SourceBlock block(server, "lk", {"t1", "t2"});
  pid_t a = spawn_sluice(one.args(), dir + "/a.out", dir + "/a.err");
  pid_t b = spawn_sluice(two.args(), dir + "/b.out", dir + "/b.err");
  // Both inside their jobs at once, each holding its own state's lock.
  EXPECT_TRUE(wait_until([&] { return one.dest.held_by(a) && two.dest.held_by(b); }))
      << err_of(dir + "/a.err") << err_of(dir + "/b.err");
  block.release();
  EXPECT_EQ(wait_exit(a), 0) << err_of(dir + "/a.err");
  EXPECT_EQ(wait_exit(b), 0) << err_of(dir + "/b.err");
  EXPECT_EQ(one.dest.rows("t1"), source_rows(server, "lk", "t1"));
  EXPECT_EQ(two.dest.rows("t2"), source_rows(server, "lk", "t2"));
  psql("DROP SCHEMA IF EXISTS sluice_lock CASCADE");
}

}  // namespace
}  // namespace sluice::test::state
