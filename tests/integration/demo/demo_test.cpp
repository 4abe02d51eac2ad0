// The README's first command, scripts/demo.sh, run as a user runs it (with the binary under test
// instead of its own release build): it must succeed, show both jobs' loading reports, and leave
// a SQLite destination equal to its sandbox MariaDB after the changes and the ALTER TABLE.
#include <gtest/gtest.h>

#include <string>

#include "support/test_util.h"

namespace sluice::test {
namespace {

/// The demo's sandbox server, kept running by `--keep`, stopped when the test ends.
struct DemoServer {
  std::string dir, port;
  ~DemoServer() {
    run_command({"env", "SLUICE_TEST_ROOT=" + dir + "/servers",
                 std::string(SLUICE_SOURCE_DIR) + "/scripts/testserver.sh", "stop-all"});
  }
  /// Rows of `sql` on the source, tab-separated.
  std::string source(const std::string& sql) const {
    CommandResult r =
        run_command({"mariadb", "--no-defaults", "--default-character-set=utf8mb4", "-h127.0.0.1",
                     "-P" + port, "-uroot", "-prootpw", "-N", "-B", "-e", sql, "shop"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  /// Rows of `sql` on the destination, tab-separated.
  std::string destination(const std::string& sql) const {
    CommandResult r =
        run_command({"sqlite3", "-batch", "-noheader", "-separator", "\t", dir + "/shop.sqlite", sql});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

TEST(Demo, TwoJobsIntoSqliteEndEqualToTheSource) {
  DemoServer demo;
  demo.dir = make_temp_dir("demo");
  CommandResult r =
      run_command({"env", "SLUICE_BIN=" + std::string(SLUICE_BINARY), "SLUICE_DEMO_DIR=" + demo.dir,
                   std::string(SLUICE_SOURCE_DIR) + "/scripts/demo.sh", "--keep"});
  size_t at = r.out.find(", schema 'shop' loaded");
  size_t port = r.out.rfind("on port ", at);
  ASSERT_TRUE(at != std::string::npos && port != std::string::npos) << r.out << r.err;
  demo.port = r.out.substr(port + 8, at - port - 8);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;

  // sluice status: two jobs, both ok.
  size_t ok_jobs = 0;
  for (const std::string& line : split_lines(r.out)) {
    if (line.find(" ok ") != std::string::npos && line.find("sqlite") != std::string::npos) ++ok_jobs;
  }
  EXPECT_GE(ok_jobs, 2u) << r.out;

  // Keyed tables: the live rows equal the source's, value by value (DECIMAL digits, SET, the
  // column added by the ALTER for the rows written after it); deleted orders are soft-deleted.
  EXPECT_EQ(demo.destination("SELECT id, email, name, vip, tags FROM customers WHERE _sdc_deleted_at IS NULL "
                             "ORDER BY id"),
            demo.source("SELECT id, email, name, vip, tags FROM customers ORDER BY id"));
  EXPECT_EQ(
      demo.destination("SELECT id, customer_id, status, total FROM orders WHERE _sdc_deleted_at IS NULL "
                       "ORDER BY id"),
      demo.source("SELECT id, customer_id, status, total FROM orders ORDER BY id"));
  EXPECT_EQ(demo.destination("SELECT count(*) FROM orders WHERE _sdc_deleted_at IS NOT NULL"),
            demo.destination("SELECT count(*) FROM orders WHERE status = 'cancelled'"));
  EXPECT_NE(demo.destination("SELECT count(*) FROM orders WHERE _sdc_deleted_at IS NOT NULL"), "0\n");
  EXPECT_EQ(demo.destination("SELECT channel, total FROM orders WHERE total = '314.1593'"),
            "app\t314.1593\n");
  // The table without a key and the every-type table arrive whole.
  EXPECT_EQ(demo.destination("SELECT count(*) FROM page_views"),
            demo.source("SELECT count(*) FROM page_views"));
  EXPECT_EQ(demo.destination("SELECT count(*) FROM all_types"),
            demo.source("SELECT count(*) FROM all_types"));
  EXPECT_NE(demo.destination("SELECT url FROM page_views").find("https://shop.example/p/π"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::test
