// A column selected in the catalog, then dropped from a log-based table between two jobs into
// SQLite: the job warns, its extraction log reports the drop, and the rows arrive equal to SELECT
// (changes written after the DROP included). `sluice logs --follow`, started before the second
// job, prints that job's log as it is written and exits 0 on SIGTERM. Singer stdout keeps a log
// only with `report_dir`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

// What `sluice logs --follow` printed so far ("" before it opened its output file).
std::string followed_text(const std::string& path) {
  return std::filesystem::exists(path) ? read_file(path) : std::string();
}

TEST(StructureLog, DroppedColumnIsReportedInTheExtractionLog) {
  ServerInfo s = shared_server("mariadb");
  admin_sql(s,
            "DROP DATABASE IF EXISTS sl_t; CREATE DATABASE sl_t;"
            "CREATE TABLE sl_t.t (id INT PRIMARY KEY, v VARCHAR(20), gone INT);"
            "INSERT INTO sl_t.t VALUES (1, 'a', 10), (2, 'b', 20)");
  std::string dir = make_temp_dir("structure_log");
  std::string config = write_config(s,
                                    "\"filter_dbs\": \"sl_t\", \"server_id\": 4241, \"destination\": "
                                    "{\"type\": \"sqlite\", \"path\": \"" +
                                        dir + "/dest.db\"}");
  std::string catalog = sync::make_catalog(config, "sl_t", {{"t", "LOG_BASED"}});
  CommandResult first = run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  pid_t follower = start_process({SLUICE_BINARY, "logs", "--config", config, "--follow"}, {},
                                 dir + "/follow.out", dir + "/follow.err");
  for (int i = 0; i < 50 && followed_text(dir + "/follow.out").find("job succeeded") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // it printed the first job's log
  }
  admin_sql(s,
            "ALTER TABLE sl_t.t DROP COLUMN gone; INSERT INTO sl_t.t VALUES (3, 'c');"
            "UPDATE sl_t.t SET v = 'bb' WHERE id = 2");
  CommandResult second = run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("column 'gone' of sl_t-t is selected in the catalog but no longer exists"),
            std::string::npos)
      << second.err;
  CommandResult log = run_sluice({"logs", "--config", config});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_NE(log.out.find("structure: column(s) of sl_t-t dropped from the table: gone"), std::string::npos)
      << log.out;
  EXPECT_NE(log.out.find("job succeeded"), std::string::npos) << log.out;
  // The follower moved on to the second job's log and printed it whole.
  std::string followed;
  for (int i = 0; i < 50 && followed.find(log.out) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    followed = followed_text(dir + "/follow.out");
  }
  kill(follower, SIGTERM);
  int status = 0;
  waitpid(follower, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << read_file(dir + "/follow.err");
  EXPECT_NE(followed.find("==> "), std::string::npos) << followed;
  EXPECT_NE(followed.find(log.out), std::string::npos)
      << "the second job's log, as `sluice logs` prints it:\n"
      << followed;
  std::string source;
  for (const std::string& line : split_lines(admin_sql(s, "SELECT id, v FROM sl_t.t ORDER BY id"))) {
    source += line.substr(0, line.find('\t')) + "|" + line.substr(line.find('\t') + 1) + "\n";
  }
  CommandResult dest = run_command(
      {"sqlite3", dir + "/dest.db", "SELECT id, v FROM t WHERE _sdc_deleted_at IS NULL ORDER BY id"});
  ASSERT_EQ(dest.exit_code, 0) << dest.err;
  EXPECT_EQ(dest.out, source);
  EXPECT_EQ(source, "1|a\n2|bb\n3|c\n");
}

// Singer output to stdout writes no files unless asked: without `report_dir` no loading report and
// no extraction log (stdout carries only Singer messages), and `sluice logs` says so in one line;
// with `report_dir` the job's extraction log is there for `sluice logs`.
TEST(StructureLog, SingerStdoutKeepsAnExtractionLogOnlyWithReportDir) {
  ServerInfo s = shared_server("mariadb");
  admin_sql(s,
            "DROP DATABASE IF EXISTS sl_singer; CREATE DATABASE sl_singer;"
            "CREATE TABLE sl_singer.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO sl_singer.t VALUES "
            "(1, 'a')");
  std::string dir = make_temp_dir("singer_log");
  std::string plain =
      write_config(s, "\"filter_dbs\": \"sl_singer\", \"destination\": {\"type\": \"singer\"}");
  std::string catalog = sync::make_catalog(plain, "sl_singer", {{"t", "FULL_TABLE"}});
  CommandResult r = run_sluice({"sync", "--config", plain, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& line : split_lines(r.out)) EXPECT_TRUE(line.starts_with("{\"type\":")) << line;
  r = run_sluice({"logs", "--config", plain});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err, "sluice: error: the destination of " + plain +
                       " keeps no loading reports or extraction logs (Singer output writes them only with "
                       "\"report_dir\" in its destination section), so 'sluice logs' has nothing to show; or "
                       "pass --reports DIR\n");
  std::string kept = write_config(s,
                                  "\"filter_dbs\": \"sl_singer\", \"destination\": {\"type\": \"singer\", "
                                  "\"report_dir\": \"" +
                                      dir + "/reports\"}");
  r = run_sluice({"sync", "--config", kept, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& line : split_lines(r.out)) EXPECT_TRUE(line.starts_with("{\"type\":")) << line;
  r = run_sluice({"logs", "--config", kept});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("destination singer"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("loaded sl_singer-t (FULL_TABLE): 1 inserted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("job succeeded"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sluice::test
