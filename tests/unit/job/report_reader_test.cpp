// Reading loading reports back for `sluice status`: listing order, skipping damaged files,
// the aligned tables.

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "job/report/report_reader.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::ordered_json;

ordered_json report_doc(const std::string& started, bool ok, uint64_t inserted) {
  ordered_json table = {{"stream", "shop-orders"},
                        {"table", "orders"},
                        {"method", "LOG_BASED"},
                        {"rows_inserted", inserted},
                        {"rows_updated", 3},
                        {"rows_deleted", 1},
                        {"rows_not_committed", 0},
                        {"bytes", 2048},
                        {"duration_seconds", 1.25},
                        {"errors", ok ? 0 : 1},
                        {"bookmark_before", nullptr},
                        {"bookmark_after", {{"log_file", "mysql-bin.000003"}, {"log_pos", 88}}}};
  return {{"job_id", started + "-1"},
          {"started_at", started},
          {"duration_seconds", 2.31},
          {"status", ok ? "succeeded" : "failed"},
          {"error", ok ? ordered_json(nullptr) : ordered_json("SQLite destination x.db: disk full\n(detail)")},
          {"destination", {{"type", "sqlite"}, {"path", "x.db"}}},
          {"totals", {{"tables", 1}, {"rows_inserted", inserted}, {"rows_updated", 3}, {"rows_deleted", 1}, {"bytes", 2048}}},
          {"tables", ordered_json::array({table})}};
}

void write_report(const std::string& dir, const std::string& stamp, const std::string& text) {
  write_file(dir + "/sluice-report-" + stamp + "-1.json", text);
}

TEST(ReportReader, NewestLastSkippingDamagedFiles) {
  std::string dir = make_temp_dir("report-reader");
  write_report(dir, "20240501T100000000Z", report_doc("2024-05-01T10:00:00.000Z", true, 10).dump());
  write_report(dir, "20240501T110000000Z", report_doc("2024-05-01T11:00:00.000Z", false, 20).dump());
  write_report(dir, "20240501T120000000Z", "{\"status\": \"succ");      // cut short
  write_report(dir, "20240501T130000000Z", R"({"status": "succeeded"})");  // not a report
  write_report(dir, "20240501T140000000Z", report_doc("2024-05-01T14:00:00.000Z", true, 40).dump());
  write_file(dir + "/sluice-report-20240501T150000000Z-1.json.tmp", "partial");  // an unfinished write
  write_file(dir + "/notes.txt", "not a report");

  auto two = job::read_reports(dir, 2);
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->reports.size(), 2u);
  EXPECT_EQ(two->reports[0].started_at, "2024-05-01T11:00:00.000Z");
  EXPECT_EQ(two->reports[1].started_at, "2024-05-01T14:00:00.000Z");
  ASSERT_EQ(two->warnings.size(), 2u);
  EXPECT_NE(two->warnings[0].find("sluice-report-20240501T130000000Z-1.json: 'started_at' is missing"),
            std::string::npos)
      << two->warnings[0];
  EXPECT_NE(two->warnings[1].find("sluice-report-20240501T120000000Z-1.json: not valid JSON"), std::string::npos)
      << two->warnings[1];

  auto all = job::read_reports(dir, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->reports.size(), 3u);
  const job::JobReport& failed = all->reports[1];
  EXPECT_FALSE(failed.ok);
  EXPECT_EQ(failed.error, "SQLite destination x.db: disk full (detail)");
  EXPECT_EQ(failed.destination, "sqlite:x.db");
  EXPECT_EQ(failed.inserted, 20u);
  ASSERT_EQ(failed.table_reports.size(), 1u);
  EXPECT_EQ(failed.table_reports[0].bookmark_after, R"({"log_file":"mysql-bin.000003","log_pos":88})");
  EXPECT_EQ(failed.table_reports[0].bookmark_before, "null");

  std::vector<std::string> lines = split_lines(job::format_jobs_table(all->reports));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "STARTED (UTC)         DURATION  DESTINATION  STATUS  TABLES  INSERTED  UPDATED  DELETED    BYTES  ERROR");
  EXPECT_EQ(lines[1], "2024-05-01 10:00:00Z     2.3 s  sqlite:x.db  ok           1        10        3        1  2.0 KiB");
  EXPECT_EQ(lines[2],
            "2024-05-01 11:00:00Z     2.3 s  sqlite:x.db  FAILED       1        20        3        1  2.0 KiB  "
            "SQLite destination x.db: disk full (detail)");

  std::vector<std::string> tables = split_lines(job::format_tables(all->reports.back()));
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0], "job 2024-05-01T14:00:00.000Z-1 into sqlite:x.db, started 2024-05-01 14:00:00Z, ok");
  EXPECT_EQ(tables[2],
            "shop-orders  LOG_BASED        40        3        1              0  2.0 KiB     1.2 s       0  null             "
            "{\"log_file\":\"mysql-bin.000003\",\"log_pos\":88}");
}

TEST(ReportReader, MissingOrEmptyDirectoryIsOneClearError) {
  auto missing = job::read_reports("/no/such/reports", 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "no loading reports: /no/such/reports does not exist (run a job into the destination first, or name "
            "the directory with --reports DIR)");
  std::string dir = make_temp_dir("report-reader-empty");
  auto empty = job::read_reports(dir, 10);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message,
            "no loading reports in " + dir + " (no sluice-report-*.json file; has a job run into it?)");
}

}  // namespace
}  // namespace sluice::test
