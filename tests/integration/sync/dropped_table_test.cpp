// A log-based table dropped between jobs: the changes the binlog holds up to the DROP are
// delivered, the stream is reported gone (stderr, loading report) and the job succeeds; a table
// dropped and created again is snapshotted afresh, so the destination equals the new table.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "integration/sync/sync_support.h"

namespace sluice::test::sync {
namespace {

std::vector<std::string> sqlite_rows(const std::string& path, const std::string& sql) {
  CommandResult r = run_command({"sqlite3", "-batch", "-noheader", "-separator", "|", path, sql});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return split_lines(r.out);
}

// The newest loading report of a SQLite destination (reports sort by their start time).
nlohmann::json newest_report(const std::string& db_path) {
  std::string dir = db_path + ".reports";
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind("sluice-report-", 0) == 0) names.push_back(n);
    }
    closedir(d);
  }
  if (names.empty()) return nullptr;
  std::sort(names.begin(), names.end());
  return nlohmann::json::parse(read_file(dir + "/" + names.back()));
}

class DroppedTableTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    admin_sql(server_,
              "DROP DATABASE IF EXISTS dt_t; CREATE DATABASE dt_t;"
              "CREATE TABLE dt_t.t (id INT PRIMARY KEY, v VARCHAR(20));"
              "CREATE TABLE dt_t.keep (id INT PRIMARY KEY, v VARCHAR(20));"
              "INSERT INTO dt_t.t VALUES (1, 'one'), (2, 'two'); INSERT INTO dt_t.keep VALUES (1, 'k')");
    config_ = write_config(server_, "\"server_id\": 4211, \"filter_dbs\": \"dt_t\"");
    catalog_ = make_catalog(config_, "dt_t", {{"t", "LOG_BASED"}, {"keep", "LOG_BASED"}});
    dest_ = make_temp_dir("dropped") + "/out.db";
  }
  CommandResult job() {
    return run_sluice(
        {"sync", "--config", config_, "--catalog", catalog_, "--destination", "sqlite:" + dest_, "--quiet"});
  }
  // The source's dt_t.t as "id|v" lines.
  std::vector<std::string> source_rows() const {
    std::vector<std::string> rows = split_lines(admin_sql(server_, "SELECT id, v FROM dt_t.t ORDER BY id"));
    for (std::string& r : rows) std::replace(r.begin(), r.end(), '\t', '|');
    return rows;
  }
  ServerInfo server_;
  std::string config_, catalog_, dest_;
};

TEST_P(DroppedTableTest, ChangesBeforeTheDropAreDeliveredAndTheStreamIsReportedGone) {
  CommandResult first = job();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server_,
            "UPDATE dt_t.t SET v = 'last word' WHERE id = 1; INSERT INTO dt_t.t VALUES (3, 'three');"
            "DROP TABLE dt_t.t; INSERT INTO dt_t.keep VALUES (2, 'after')");
  CommandResult second = job();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("dt_t-t: its table was dropped at "), std::string::npos) << second.err;
  EXPECT_EQ(sqlite_rows(dest_, "SELECT id, v FROM t WHERE _sdc_deleted_at IS NULL ORDER BY id"),
            (std::vector<std::string>{"1|last word", "2|two", "3|three"}));
  EXPECT_EQ(sqlite_rows(dest_, "SELECT id, v FROM keep ORDER BY id"),
            (std::vector<std::string>{"1|k", "2|after"}));
  nlohmann::json report = newest_report(dest_);
  ASSERT_TRUE(report.is_object());
  bool reported = false;
  for (const auto& t : report["tables"]) {
    if (t["stream"] == "dt_t-t") reported = t.value("gone", "").rfind("dropped at ", 0) == 0;
  }
  EXPECT_TRUE(reported) << report.dump();
  // The next job: the stream is skipped with a warning; nothing fails.
  CommandResult third = job();
  EXPECT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find("dt_t-t is selected but no such table or view exists now: skipped"),
            std::string::npos)
      << third.err;
}

TEST_P(DroppedTableTest, TableDroppedAndCreatedAgainIsSnapshottedAfresh) {
  CommandResult first = job();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  admin_sql(server_,
            "INSERT INTO dt_t.t VALUES (3, 'three'); DROP TABLE dt_t.t;"
            "CREATE TABLE dt_t.t (id INT PRIMARY KEY, w INT, v VARCHAR(40));"
            "INSERT INTO dt_t.t VALUES (2, 20, 'new two'), (7, 70, 'seven')");
  CommandResult second = job();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("snapshotting it afresh"), std::string::npos) << second.err;
  // The destination holds the new table's rows only, value by value (the new table's columns
  // differ: w is not in the catalog, v is wider).
  EXPECT_EQ(sqlite_rows(dest_, "SELECT id, v FROM t WHERE _sdc_deleted_at IS NULL ORDER BY id"),
            source_rows());
  EXPECT_EQ(source_rows(), (std::vector<std::string>{"2|new two", "7|seven"}));
  // And it goes on from the new snapshot.
  admin_sql(server_, "INSERT INTO dt_t.t VALUES (8, 80, 'eight')");
  CommandResult third = job();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(sqlite_rows(dest_, "SELECT id, v FROM t WHERE _sdc_deleted_at IS NULL ORDER BY id"),
            source_rows());
}

INSTANTIATE_TEST_SUITE_P(Servers, DroppedTableTest, ::testing::Values("mariadb", "mysql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::test::sync
