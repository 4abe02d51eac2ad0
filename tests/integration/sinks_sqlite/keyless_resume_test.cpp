// kill -9 in the middle of a Full Table load (or the first snapshot of a log-based table) of a
// table without a key into SQLite, then the same job again: the destination holds every source
// row exactly once. A keyless table cannot resume from a key, so the rerun reads it from its
// first row; the rows the killed job had already committed with a bookmark must not stay behind
// as duplicates.

#include <gtest/gtest.h>
#include <sys/types.h>

#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

constexpr int kRows = 40000;

/// `sqlite3 path sql`'s single value, or -1 while the database is busy or not there yet.
long long sqlite_count(const std::string& path, const std::string& sql) {
  CommandResult r = run_command({"sqlite3", "-batch", "-noheader", path, sql});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  return std::atoll(r.out.c_str());
}

/// Starts `args` stopped right after its 11th checkpoint (a commit every 256 rows with
/// state_interval_seconds 0, the first at the stream's start), SIGKILLs it there and returns the
/// committed row count.
long long kill_when_partly_loaded(const std::vector<std::string>& args, const std::string& db_path) {
  pid_t pid = start_process(args, stop_env(11));
  bool stopped = wait_until_stopped(pid);
  kill9_and_reap(pid);
  EXPECT_TRUE(stopped) << "the job ended before its stop point";
  return sqlite_count(db_path, "SELECT COUNT(*) FROM k");
}

// Each server, each method that reads the whole table (a log-based table's first snapshot too:
// its rerun must read it again, not take the interrupted snapshot for a finished one).
TEST(SinksSqliteResume, KeylessFullTableKilledMidLoadEndsWithoutDuplicates) {
  for (const std::string& name : shared_server_names())
    for (const std::string method : {"FULL_TABLE", "LOG_BASED"}) {
      SCOPED_TRACE(name + " " + method);
      ServerInfo server = shared_server(name);
      const std::string db = "sq_keyless";
      create_sequence_table(server, db, "CREATE TABLE k (id INT, pad VARCHAR(200)) ENGINE=InnoDB", "k", kRows,
                            "i, REPEAT('x', 150)");
      // The killed job: a bookmark (and so a commit of the rows so far) every 256 rows.
      std::string every_chunk =
          write_config(server, "\"filter_dbs\": \"" + db + "\", \"state_interval_seconds\": 0");
      std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\"");
      std::string catalog = make_sink_catalog(config, db, method, "k");
      std::string dest = make_temp_dir("keyless") + "/dest.db";
      auto args = [&](const std::string& cfg) {
        return std::vector<std::string>{SLUICE_BINARY, "sync",  "--config",      cfg,
                                        "--catalog",   catalog, "--destination", "sqlite:" + dest,
                                        "--quiet"};
      };

      long long partial = kill_when_partly_loaded(args(every_chunk), dest);
      ASSERT_EQ(partial, 10 * 256) << "the committed rows of 10 checkpoints";

      CommandResult rerun = run_command(args(config));
      ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
      EXPECT_EQ(sqlite_count(dest, "SELECT COUNT(*) FROM k WHERE _sdc_deleted_at IS NULL"), kRows);
      EXPECT_EQ(sqlite_count(dest, "SELECT COUNT(DISTINCT id) FROM k"), kRows);
      EXPECT_EQ(sqlite_count(dest, "SELECT SUM(id) FROM k"), static_cast<long long>(kRows) * (kRows + 1) / 2);
      admin_sql(server, "DROP DATABASE " + db);
    }
}

}  // namespace
}  // namespace sluice::test
