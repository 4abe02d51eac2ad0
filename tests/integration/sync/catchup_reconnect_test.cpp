// The log-based catch-up reconnects and resumes (src/source's live reader): a job whose binlog
// connection is killed in the middle of a transaction (KILL of its replication thread from a
// second connection, while the job is stopped inside the destination's open transaction) goes on
// after the last complete transaction, skips the rows it already delivered, and ends with every
// row once, equal to SELECT, on MariaDB and MySQL.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::sync {
namespace {

constexpr int kTransactions = 300;        // of 100 rows of ~1 KB: ~30 MB of binlog, more than the
constexpr int kRowsPerTransaction = 100;  // socket buffers hold, so the kill cuts the stream

class CatchupReconnectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CatchupReconnectTest, AKilledBinlogConnectionIsResumedWithEveryRowOnce) {
  ServerInfo s = shared_server(GetParam());
  const std::string db = "catchup_reconnect";
  admin_sql(s, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + ";" + "CREATE TABLE " + db +
                   ".t (id INT PRIMARY KEY, v VARCHAR(40), pad VARCHAR(1000));" + "CREATE TABLE " + db +
                   ".n (k INT PRIMARY KEY)");
  std::string fill = "INSERT INTO n VALUES (0)";
  for (int k = 1; k < kRowsPerTransaction; ++k) fill += ",(" + std::to_string(k) + ")";
  admin_sql(s, fill, db);
  std::string cfg =
      write_config(s, "\"filter_dbs\": \"" + db + "\", \"server_id\": 4377, \"state_interval_seconds\": 0");
  std::string catalog = make_catalog(cfg, db, {{"t", "LOG_BASED"}});
  SyncRun first = run_sync(cfg, catalog);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string writes;
  for (int t = 0; t < kTransactions; ++t) {
    const std::string base = std::to_string(t * kRowsPerTransaction);
    writes += "INSERT INTO t SELECT " + base + " + k, CONCAT('row ', " + base +
              " + k), REPEAT(CHAR(97 + k % 26), 1000) FROM n;";
  }
  admin_sql(s, writes, db);

  // Stopped after the 2nd checkpoint and 50 rows of the next transaction; its replication thread
  // killed from here, then the job goes on.
  int killed = 0;
  SyncRun run = run_sync_paused(
      cfg, catalog, {"--state", first.out_path}, 2,
      [&] {
        for (const std::string& id : split_lines(admin_sql(
                 s, "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'"))) {
          admin_sql(s, "KILL " + id);
          ++killed;
        }
      },
      50);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(killed, 1) << "one replication thread to kill";
  EXPECT_NE(run.err.find("binlog catch-up: "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("reconnecting in"), std::string::npos)
      << "the kill did not cut the stream: " << run.err;

  std::map<int64_t, std::string> got;  // id -> v
  size_t records = 0;
  for (const nlohmann::json& r : run.records("t")) {
    ++records;
    got[r["id"].get<int64_t>()] = r["v"].get<std::string>();
  }
  EXPECT_EQ(records, got.size()) << "a row was delivered twice";
  std::map<int64_t, std::string> want;
  for (const std::string& line : split_lines(admin_sql(s, "SELECT id, v FROM t ORDER BY id", db))) {
    size_t tab = line.find('\t');
    want[std::stoll(line.substr(0, tab))] = line.substr(tab + 1);
  }
  ASSERT_EQ(want.size(), size_t{kTransactions} * kRowsPerTransaction);
  EXPECT_TRUE(got == want) << got.size() << " rows arrived of " << want.size();
  admin_sql(s, "DROP DATABASE " + db);
}

INSTANTIATE_TEST_SUITE_P(Servers, CatchupReconnectTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test::sync
