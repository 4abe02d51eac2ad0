// ALTER TABLE ... TRUNCATE / DROP / EXCHANGE PARTITION removes (or swaps in) rows without a row
// event: no destination can follow them from the binlog. On both servers a log-based job that
// meets one stops with one line naming the statement, its position and the fix, keeps its
// bookmark (a rerun stops the same way), and after `sluice reset` of that table the next job
// snapshots it again: the destination then equals the source.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::sync {
namespace {

std::string schema_sql(const std::string& db) {
  return "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; USE " + db +
         ";"
         "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)) PARTITION BY RANGE (id) ("
         " PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (20),"
         " PARTITION p2 VALUES LESS THAN MAXVALUE);"
         "CREATE TABLE swap (id INT PRIMARY KEY, v VARCHAR(10));"
         "INSERT INTO t VALUES (1,'a'),(2,'b'),(11,'k'),(12,'l'),(21,'u');"
         "INSERT INTO swap VALUES (5,'swapped');";
}

// The ids of the table's live rows after replaying Singer outputs in order (later wins).
std::vector<std::string> replayed_ids(const std::vector<std::string>& outputs) {
  std::map<int64_t, std::pair<int64_t, bool>> live;  // id -> (version, not deleted)
  for (const std::string& path : outputs) {
    for (const std::string& line : split_lines(read_file(path))) {
      auto m = nlohmann::json::parse(line);
      if (m["type"] == "ACTIVATE_VERSION") {  // rows of older versions are obsolete
        std::erase_if(live, [&](const auto& kv) { return kv.second.first < m["version"].get<int64_t>(); });
      }
      if (m["type"] != "RECORD") continue;
      live[m["record"]["id"].get<int64_t>()] = {m["version"].get<int64_t>(), m["record"]["_sdc_deleted_at"].is_null()};
    }
  }
  std::vector<std::string> out;
  for (const auto& [id, row] : live) {
    if (row.second) out.push_back(std::to_string(id));
  }
  return out;
}

TEST(Partitions, RowsMovedWithoutRowEventsStopTheJobUntilTheTableIsReset) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"TRUNCATE PARTITION", "ALTER TABLE t TRUNCATE PARTITION p1"},
        {"DROP PARTITION", "ALTER TABLE t DROP PARTITION p0"},
        {"EXCHANGE PARTITION", "ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE swap"},
    };
    for (const auto& [clause, statement] : cases) {
      SCOPED_TRACE(clause);
      std::string db = "partition_" + name;
      admin_sql(server, schema_sql(db));
      std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", \"server_id\": 7730");
      std::string catalog = make_catalog(config, db, {{"t", "LOG_BASED"}});
      SyncRun first = run_sync(config, catalog);
      ASSERT_EQ(first.exit_code, 0) << first.err;
      std::string state = make_temp_dir("partition") + "/state.json";
      write_file(state, first.last_state().dump());
      admin_sql(server, "INSERT INTO t VALUES (3, 'c'); " + statement + "; INSERT INTO t VALUES (13, 'm')", db);

      for (int attempt = 0; attempt < 2; ++attempt) {  // the bookmark stays: a rerun stops alike
        SyncRun stopped = run_sync(config, catalog, state);
        EXPECT_EQ(stopped.exit_code, 1);
        EXPECT_NE(stopped.err.find(clause + " at "), std::string::npos) << stopped.err;
        EXPECT_NE(stopped.err.find("sluice reset"), std::string::npos) << stopped.err;
        EXPECT_NE(stopped.err.find(db + ".t"), std::string::npos) << stopped.err;
        if (stopped.exit_code == 1 && !stopped.lines.empty()) {
          write_file(state, stopped.last_state().dump());
        }
      }
      CommandResult reset = run_sluice({"reset", "--config", config, "--state", state, db + ".t"});
      ASSERT_EQ(reset.exit_code, 0) << reset.err;
      SyncRun again = run_sync(config, catalog, state);
      ASSERT_EQ(again.exit_code, 0) << again.err;
      std::vector<std::string> want = split_lines(admin_sql(server, "SELECT id FROM t ORDER BY id", db));
      EXPECT_EQ(replayed_ids({first.out_path, again.out_path}), want);
    }
  }
}

}  // namespace
}  // namespace sluice::test::sync
