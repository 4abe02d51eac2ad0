// `sluice status` after real jobs: two `sluice sync --destination sqlite:` runs from the shared
// MariaDB server, then a job that fails at the destination (its table was recreated with another
// primary key); the printed table must match the report files the jobs wrote, the failure must
// show as FAILED with its error, and a damaged report file is skipped with a warning.

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::json;

std::string select_all_full_table(const std::string& config, const std::string& db) {
  CommandResult r = run_sluice({"discover", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json catalog = json::parse(r.out);
  for (auto& stream : catalog["streams"]) {
    for (auto& m : stream["metadata"]) {
      if (!m["breadcrumb"].empty() || m["metadata"].value("database-name", "") != db) continue;
      m["metadata"]["selected"] = true;
      m["metadata"]["replication-method"] = "FULL_TABLE";
    }
  }
  std::string path = make_temp_dir("status-catalog") + "/catalog.json";
  write_file(path, catalog.dump(1));
  return path;
}

/// The report files of `dir`, oldest first.
std::vector<json> reports_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    // Beside the reports: each job's extraction log (sluice-log-*.log).
    if (e.path().filename().string().starts_with("sluice-report-")) names.push_back(e.path().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<json> out;
  for (const std::string& n : names) out.push_back(json::parse(read_file(n)));
  return out;
}

/// The whitespace-separated fields of a line.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find_first_of(' ', i);
    if (j == std::string::npos) j = line.size();
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

TEST(Status, PrintsTheJobsOfASqliteDestinationAsTheirReportsSay) {
  ServerInfo server = shared_server("mariadb");
  const std::string db = "status_jobs";
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(server,
            "CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20)); CREATE TABLE notes (txt VARCHAR(20));"
            "INSERT INTO orders VALUES (1, 'tea'), (2, 'cake'), (3, 'jam'); INSERT INTO notes VALUES ('a'), ('b');",
            db);
  std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\"");
  std::string catalog = select_all_full_table(config, db);
  std::string dir = make_temp_dir("status");
  std::string dest = "sqlite:" + dir + "/shop.db";
  auto sync = [&] { return run_sluice({"sync", "--config", config, "--catalog", catalog, "--destination", dest, "--quiet"}); };

  CommandResult first = sync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.err.find("sluice: loaded"), std::string::npos) << "--quiet prints no summary line:\n"
                                                                 << first.err;
  admin_sql(server, "INSERT INTO orders VALUES (4, 'bread'); DELETE FROM notes WHERE txt = 'b'", db);
  CommandResult second = sync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Job 3 fails at the destination: its orders table now has another primary key.
  CommandResult drop = run_command({"sqlite3", dir + "/shop.db", "DROP TABLE orders; CREATE TABLE orders (item TEXT PRIMARY KEY)"});
  ASSERT_EQ(drop.exit_code, 0) << drop.err;
  CommandResult third = sync();
  ASSERT_NE(third.exit_code, 0);

  std::vector<json> reports = reports_in(dir + "/shop.db.reports");
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0]["totals"]["rows_inserted"], 5);  // 3 orders + 2 notes
  EXPECT_EQ(reports[1]["totals"]["rows_inserted"], 1 + 1);  // order 4, and notes (no key) appended again
  EXPECT_EQ(reports[1]["totals"]["rows_updated"], 3);       // orders 1-3 reloaded over themselves
  EXPECT_EQ(reports[2]["status"], "failed");

  CommandResult status = run_sluice({"status", "--destination", dest});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  std::vector<std::string> lines = split_lines(status.out);
  ASSERT_EQ(lines.size(), 4u) << status.out;
  EXPECT_EQ(fields(lines[0]), (std::vector<std::string>{"STARTED", "(UTC)", "DURATION", "DESTINATION", "STATUS", "TABLES",
                                                        "INSERTED", "UPDATED", "DELETED", "BYTES", "ERROR"}));
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(lines[i + 1]);
    std::vector<std::string> f = fields(lines[i + 1]);
    ASSERT_GE(f.size(), 11u);
    const json& r = reports[i];
    std::string started = r["started_at"];
    EXPECT_EQ(f[0] + "T" + f[1], started.substr(0, 19) + "Z");
    EXPECT_EQ(f[4], dest);
    EXPECT_EQ(f[5], i < 2 ? "ok" : "FAILED");
    EXPECT_EQ(f[6], r["totals"]["tables"].dump());
    EXPECT_EQ(f[7], r["totals"]["rows_inserted"].dump());
    EXPECT_EQ(f[8], r["totals"]["rows_updated"].dump());
    EXPECT_EQ(f[9], r["totals"]["rows_deleted"].dump());
  }
  EXPECT_NE(lines[3].find("has a different primary key than stream status_jobs-orders"), std::string::npos);

  // --table: the last job's tables with their bookmarks; --json: the documents themselves.
  CommandResult table = run_sluice({"status", "--destination", dest, "--table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("FAILED: "), std::string::npos) << table.out;
  CommandResult last_two = run_sluice({"status", "--reports", dir + "/shop.db.reports", "--last", "2", "--json"});
  ASSERT_EQ(last_two.exit_code, 0) << last_two.err;
  json docs = json::parse(last_two.out);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["job_id"], reports[1]["job_id"]);
  EXPECT_EQ(docs[1]["error"], reports[2]["error"]);

  // A damaged report is skipped with a warning; the others are still listed.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/shop.db.reports")) names.push_back(e.path().string());
  std::sort(names.begin(), names.end());
  write_file(names.back(), "{\"job_id\": ");
  CommandResult damaged = run_sluice({"status", "--destination", dest});
  ASSERT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_EQ(split_lines(damaged.out).size(), 3u) << damaged.out;
  EXPECT_EQ(damaged.err, "sluice: warning: skipping " + names.back() + ": not valid JSON (a damaged or foreign file)\n");

  CommandResult none = run_sluice({"status", "--destination", "sqlite:" + dir + "/other.db"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "sluice: error: no loading reports: " + dir +
                          "/other.db.reports does not exist (run a job into the destination first, or name the "
                          "directory with --reports DIR)\n");
}

}  // namespace
}  // namespace sluice::test
