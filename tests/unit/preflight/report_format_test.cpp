#include "preflight/report_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sluice::preflight {
namespace {

PreflightReport sample() {
  PreflightReport r;
  r.server = "MariaDB 10.11.6 (self-managed)";
  r.checks = {{CheckStatus::kOk, "binlog_format", "ROW", ""},
              {CheckStatus::kFailed, "log_bin", "binary logging is OFF\nreally", "add log_bin=mysql-bin"}};
  return r;
}

TEST(ReportFormat, TableHasOneLinePerCheckAndASummary) {
  std::string t = format_table(sample());
  EXPECT_EQ(t,
            "STATUS   CHECK          DETAIL\n"
            "ok       binlog_format  ROW\n"
            "failed   log_bin        binary logging is OFF really  -> fix: add log_bin=mysql-bin\n"
            "1 failed, 0 warning(s), 1 ok, 0 info, for full_table, incremental, log_based on MariaDB 10.11.6 "
            "(self-managed)\n");
}

TEST(ReportFormat, Json) {
  PreflightReport r = sample();
  r.methods = MethodSet::none();
  r.methods.add(change::Method::kLogBased);
  auto doc = nlohmann::json::parse(format_json(r));
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["methods"], nlohmann::json::array({"log_based"}));
  EXPECT_EQ(doc["summary"]["failed"], 1);
  ASSERT_EQ(doc["checks"].size(), 2U);
  EXPECT_EQ(doc["checks"][1]["name"], "log_bin");
  EXPECT_EQ(doc["checks"][1]["status"], "failed");
  EXPECT_EQ(doc["checks"][1]["fix"], "add log_bin=mysql-bin");
}

TEST(ReportFormat, JsonSurvivesInvalidUtf8) {
  PreflightReport r = sample();
  r.checks[0].detail = std::string("bad \xff byte");
  EXPECT_NO_THROW(nlohmann::json::parse(format_json(r)));
}

}  // namespace
}  // namespace sluice::preflight
