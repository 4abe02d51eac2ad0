// `sluice sync` into PostgreSQL interrupted for real: kill -9 while rows are written but their
// bookmark is not committed, and PostgreSQL stopped in the middle of a job. A rerun leaves the
// destination equal to the source, with no duplicate row, keyed or keyless.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <functional>
#include <string>

#include "support/pg_test_server.h"
#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

int wait_exit(pid_t child) {
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, 0), child);
  return status;
}

constexpr int kRows = 40000;

/// `big` (keyed, log-based) and `bag` (keyless, Full Table), kRows rows each.
void make_tables(const ServerInfo& server, const std::string& db) {
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(server,
            "CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(100)); CREATE TABLE bag (a INT, b VARCHAR(100));"
            "CREATE TABLE d (i INT); INSERT INTO d VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);"
            "INSERT INTO big SELECT n, CONCAT('value ', n) FROM (SELECT 1 + a.i + 10 * b.i + 100 * c.i + "
            "1000 * e.i + 10000 * f.i AS n FROM d a, d b, d c, d e, d f) x WHERE n <= " +
                std::to_string(kRows) + "; INSERT INTO bag SELECT id, v FROM big; DROP TABLE d;",
            db);
}

/// Destination equals source: same keys, values and row count; no duplicate in either table.
void expect_equal(const ServerInfo& server, const std::string& db, const std::string& schema) {
  std::string src = admin_sql(server, "SELECT COUNT(*), SUM(id), SUM(LENGTH(v)) FROM big", db);
  for (char& c : src) c = c == '\t' ? '|' : c;
  EXPECT_EQ(
      psql("SELECT count(*), sum(id), sum(length(v)) FROM " + schema + ".big WHERE _sdc_deleted_at IS NULL"),
      src);
  EXPECT_EQ(psql("SELECT count(*) - count(DISTINCT id) FROM " + schema + ".big"), "0\n");
  std::string bag = admin_sql(server, "SELECT COUNT(*), COUNT(DISTINCT a), SUM(a) FROM bag", db);
  for (char& c : bag) c = c == '\t' ? '|' : c;
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT a), sum(a) FROM " + schema + ".bag"), bag);
}

std::string pg_destination(const std::string& schema, int batch_bytes = 65536) {
  return "\"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
         ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"schema\": \"" + schema +
         "\", \"batch_bytes\": " + std::to_string(batch_bytes) + ", \"report_dir\": \"" +
         make_temp_dir("pg-reports") + "\"}";
}

bool state_committed(const std::string& schema) {
  return psql("SELECT to_regclass('" + schema + "._sluice_state') IS NOT NULL") == "t\n" &&
         psql("SELECT count(*) FROM " + schema + "._sluice_state") == "1\n";
}

/// A job of `db` (made by make_tables) into `schema`, started in the background; `config` is the
/// reruns' (the background job's commits every 256 rows and sends rows in 2 KiB batches).
struct BackgroundJob {
  std::string config, catalog, dir;
  pid_t pid = -1;
};

/// True while sluice's PostgreSQL transaction has written rows (backend_xid is set) not yet committed.
bool rows_in_open_transaction() {
  return psql(
             "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'sluice %' AND backend_xid "
             "IS NOT "
             "NULL") == "1\n";
}

/// Waits until the job stops itself (start_job's stop point), checks `ready` there, then kill -9s
/// it: true when it was caught stopped with `ready` holding.
bool kill_at_stop(const BackgroundJob& job, const std::function<bool()>& ready) {
  bool stopped = wait_until_stopped(job.pid);
  bool holds = stopped && ready();
  int status = kill9_and_reap(job.pid);
  EXPECT_TRUE(stopped) << "the job ended before its stop point: " << read_file(job.dir + "/err");
  EXPECT_TRUE(!stopped || WIFSIGNALED(status)) << status;
  EXPECT_TRUE(!stopped || holds) << "the stop point is not where the test needs it";
  return holds && WIFSIGNALED(status);
}

/// `log_based` is the table read LOG_BASED, the others FULL_TABLE; `then` runs after make_tables.
/// The job stops itself at `stop` (stop_env; a commit every 256 rows with state_interval_seconds 0).
BackgroundJob start_job(const ServerInfo& server, const std::string& db, const std::string& schema,
                        const std::vector<std::string>& stop, const std::string& log_based = "big",
                        const std::string& then = "") {
  psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  make_tables(server, db);
  if (!then.empty()) admin_sql(server, then, db);
  BackgroundJob job;
  job.config = write_config(server, "\"filter_dbs\": \"" + db + "\", " + pg_destination(schema));
  std::string every_256_rows =
      write_config(server, "\"filter_dbs\": \"" + db + "\", \"state_interval_seconds\": 0, " +
                               pg_destination(schema, 2048));
  job.catalog = make_sink_catalog(job.config, db, "LOG_BASED", log_based);
  job.dir = make_temp_dir("pg-recovery");
  job.pid = start_process({SLUICE_BINARY, "sync", "--config", every_256_rows, "--catalog", job.catalog}, stop,
                          job.dir + "/out", job.dir + "/err");
  return job;
}

TEST(PostgresSyncRecovery, KillNineBetweenRowsAndBookmarkThenRerunIsExactlyOnce) {
  ServerInfo server = shared_server("mariadb");
  std::string db = "sink_pg_kill", schema = "sluice_kill";
  // 40 commits of 256 rows, then 200 rows (a COPY batch or more) in the open transaction.
  BackgroundJob job = start_job(server, db, schema, stop_env(40, 200));
  ASSERT_GT(job.pid, 0);
  const std::string &config = job.config, &catalog = job.catalog;
  // Rows of an open transaction after a committed bookmark.
  ASSERT_TRUE(kill_at_stop(job, [&] { return state_committed(schema) && rows_in_open_transaction(); }));

  admin_sql(server,
            "UPDATE big SET v = 'changed' WHERE id % 1000 = 0; DELETE FROM big WHERE id % 999 = 0;"
            "INSERT INTO big VALUES (" +
                std::to_string(kRows + 1) + ", 'new'); INSERT INTO bag VALUES (0, 'z')",
            db);
  CommandResult r = run_sluice({"sync", "--config", config, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(psql("SELECT count(*) - count(DISTINCT id) FROM " + schema + ".big"), "0\n");
  // When the kill interrupted big's snapshot, the rerun finished the snapshot, and the changes
  // made since its start come with the next job's binlog read (like the tap, a stream
  // snapshotted in a job is read from the binlog from the next job on).
  r = run_sluice({"sync", "--config", config, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_equal(server, db, schema);
  admin_sql(server, "DROP DATABASE " + db);
}

// A keyless log-based table killed in its first load: the rerun reads it again from its first
// row (it has no key to resume after) and empties the interrupted load first; inserts made
// since come with the next job's binlog read. No row twice, none lost.
TEST(PostgresSyncRecovery, KeylessLogBasedFirstLoadKilledThenRerunHasNoDuplicates) {
  ServerInfo server = shared_server("mysql");
  std::string db = "sink_pg_keyless", schema = "sluice_keyless";
  // 160k rows: a load long enough to be caught in the middle.
  BackgroundJob job = start_job(server, db, schema, stop_env(40, 200), "bag",
                                "DROP TABLE big; INSERT INTO bag SELECT a + 40000, b FROM bag;"
                                "INSERT INTO bag SELECT a + 80000, b FROM bag");
  ASSERT_GT(job.pid, 0);
  ASSERT_TRUE(kill_at_stop(job, [&] {
    return state_committed(schema) && psql("SELECT to_regclass('" + schema + ".bag') IS NOT NULL") == "t\n" &&
           rows_in_open_transaction();
  }));

  admin_sql(server,
            "INSERT INTO bag VALUES (" + std::to_string(4 * kRows + 1) + ", 'new'), (" +
                std::to_string(4 * kRows + 2) + ", 'newer')",
            db);
  for (int run = 0; run < 2; ++run) {
    CommandResult r = run_sluice({"sync", "--config", job.config, "--catalog", job.catalog});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string bag =
      admin_sql(server, "SELECT COUNT(*), COUNT(DISTINCT a), SUM(a), SUM(LENGTH(b)) FROM bag", db);
  for (char& c : bag) c = c == '\t' ? '|' : c;
  EXPECT_EQ(psql("SELECT count(*), count(DISTINCT a), sum(a), sum(length(b)) FROM " + schema + ".bag"), bag);
  admin_sql(server, "DROP DATABASE " + db);
}

TEST(PostgresSyncRecovery, PostgresDownMidJobFailsClearlyAndRerunCompletes) {
  ServerInfo server = shared_server("mysql");
  std::string db = "sink_pg_down", schema = "sluice_down";
  // Stopped after 5 commits; PostgreSQL goes down while it is stopped, then the job continues.
  BackgroundJob job = start_job(server, db, schema, stop_env(5));
  pid_t child = job.pid;
  ASSERT_GT(child, 0);
  const std::string &config = job.config, &catalog = job.catalog, &dir = job.dir;
  bool caught = wait_until_stopped(child) && state_committed(schema);
  std::string pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl";
  CommandResult stop = run_command(
      {"runuser", "-u", "postgres", "--", pg_ctl, "-D", pg_data_dir(), "-m", "immediate", "-w", "stop"});
  kill(child, SIGCONT);
  int status = wait_exit(child);
  // restart reuses the options of the last start (postmaster.opts): same port and socket dir.
  CommandResult start = run_command({"runuser", "-u", "postgres", "--", pg_ctl, "-D", pg_data_dir(), "-w",
                                     "-t", "60", "-l", pg_data_dir() + "/../server.log", "restart"});
  ASSERT_EQ(stop.exit_code, 0) << stop.err;
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  ASSERT_TRUE(caught) << "the job did not stop after committing 5 times: " << read_file(dir + "/err");
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_NE(WEXITSTATUS(status), 0);
  std::string err = read_file(dir + "/err");
  std::vector<std::string> errors;
  for (const std::string& line : split_lines(err)) {
    if (line.starts_with("sluice: error:")) errors.push_back(line);
  }
  ASSERT_EQ(errors.size(), 1u) << err;
  EXPECT_NE(errors[0].find("PostgreSQL"), std::string::npos) << errors[0];

  CommandResult r = run_sluice({"sync", "--config", config, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_equal(server, db, schema);
  admin_sql(server, "DROP DATABASE " + db);
}

}  // namespace
}  // namespace sluice::test
