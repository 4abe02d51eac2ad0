// The pure parts of `sluice replicate`: filters and renames, the start key, DDL database
// renames, sql_mode names and the SQL literals rows are written with.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "replicate/ddl_session.h"
#include "replicate/extractor.h"
#include "replicate/metrics_server.h"
#include "replicate/pipeline_view.h"
#include "replicate/sql_value.h"
#include "replicate/table_filter.h"

namespace sluice::replicate {
namespace {

TEST(TableFilter, IncludeExcludeWildcardsAndRename) {
  EXPECT_TRUE(wildcard_match("shop_*", "shop_eu"));
  EXPECT_TRUE(wildcard_match("t?", "t1"));
  EXPECT_FALSE(wildcard_match("t?", "t12"));
  EXPECT_TRUE(wildcard_match("*a*b", "xxaxxb"));
  EXPECT_FALSE(wildcard_match("*a*b", "xxaxxbc"));
  TableFilter f({"shop.*", "crm.users"}, {"shop.tmp_*"}, {{"shop", "shop_replica"}});
  EXPECT_TRUE(f.follows("shop", "orders"));
  EXPECT_FALSE(f.follows("shop", "tmp_x"));
  EXPECT_TRUE(f.follows("crm", "users"));
  EXPECT_FALSE(f.follows("crm", "other"));
  EXPECT_FALSE(f.follows("mysql", "user"));
  EXPECT_TRUE(f.follows_database("crm"));
  EXPECT_FALSE(f.follows_database("other"));
  EXPECT_EQ(f.target_db("shop"), "shop_replica");
  EXPECT_EQ(f.target_db("crm"), "crm");
  EXPECT_EQ(f.exact_databases(), (std::vector<std::string>{"shop", "crm"}));
  EXPECT_TRUE(TableFilter({"s*.t"}, {}, {}).exact_databases().empty());
  EXPECT_TRUE(TableFilter().follows("any", "thing"));
}

TEST(ReplicateStart, NowFilePositionOrGtid) {
  EXPECT_EQ(parse_start("now")->kind, StartText::Kind::kNow);
  EXPECT_EQ(parse_start("mysql-bin.000042:4")->kind, StartText::Kind::kFilePos);
  EXPECT_EQ(parse_start("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5")->kind, StartText::Kind::kGtid);
  EXPECT_EQ(parse_start("0-1-42")->kind, StartText::Kind::kGtid);
  auto bad = parse_start("bogus:");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("replicate.start 'bogus:'"), std::string::npos) << bad.error().message;
}

TEST(DdlRename, QualifiedNamesAndDatabaseStatementsOnly) {
  EXPECT_EQ(rename_database("CREATE DATABASE shop", "shop", "copy"), "CREATE DATABASE `copy`");
  EXPECT_EQ(rename_database("DROP SCHEMA IF EXISTS `shop`", "shop", "copy"), "DROP SCHEMA IF EXISTS `copy`");
  EXPECT_EQ(rename_database("ALTER TABLE shop.t ADD shop INT COMMENT 'shop.x'", "shop", "copy"),
            "ALTER TABLE `copy`.t ADD shop INT COMMENT 'shop.x'");
  EXPECT_EQ(rename_database("RENAME TABLE `shop`.a TO `shop`.b", "shop", "copy"),
            "RENAME TABLE `copy`.a TO `copy`.b");
  EXPECT_EQ(rename_database("CREATE TABLE t (shop INT)", "shop", "copy"), "CREATE TABLE t (shop INT)");
}

TEST(DdlSession, SqlModeBitsByName) {
  EXPECT_EQ(sql_mode_names(0), "");
  EXPECT_EQ(sql_mode_names((1ULL << 2) | (1ULL << 21) | (1ULL << 30)),
            "ANSI_QUOTES,STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION");
}

TEST(SqlValue, LiteralsForEachKind) {
  auto lit = [](core::Value v) {
    std::string out;
    append_sql_value(out, v);
    return out;
  };
  core::Value v;
  v.kind = core::ValueKind::kInt;
  v.i = -42;
  EXPECT_EQ(lit(v), "-42");
  v.kind = core::ValueKind::kString;
  v.text = "it's a \\ \n";
  EXPECT_EQ(lit(v), "'it\\'s a \\\\ \\n'");
  v.kind = core::ValueKind::kBytes;
  v.text = std::string_view("\x00\xff", 2);
  EXPECT_EQ(lit(v), "X'00FF'");
  v.kind = core::ValueKind::kDateTime;
  v.t = core::Temporal{2024, 2, 29, 59, 58, 23, 5, false};
  EXPECT_EQ(lit(v), "'2024-02-29 23:59:58.000005'");
  v.kind = core::ValueKind::kTime;
  v.t = core::Temporal{0, 0, 0, 1, 2, 838, 0, true};
  EXPECT_EQ(lit(v), "'-838:01:02'");
  v.kind = core::ValueKind::kTimestamp;
  v.ts = core::EpochTime{0, 0};
  EXPECT_EQ(lit(v), "'0000-00-00 00:00:00'");
  v.ts = core::EpochTime{86400, 250000};
  EXPECT_EQ(lit(v), "'1970-01-02 00:00:00.250000'");
  v.kind = core::ValueKind::kYear;
  v.u = 0;
  EXPECT_EQ(lit(v), "'0000'");
  v.kind = core::ValueKind::kFloat;
  v.f = 1.1f;
  EXPECT_EQ(lit(v), "1.1");
  v.kind = core::ValueKind::kNull;
  EXPECT_EQ(lit(v), "NULL");
  std::string id;
  append_identifier(id, "a`b");
  EXPECT_EQ(id, "`a``b`");
}

// The exposition text: HELP and TYPE once per family, role-specific families only for their
// role, label values escaped (a pipeline name with a quote, a backslash, a newline).
TEST(MetricsText, FamiliesLabelsAndEscaping) {
  PipelineStatus ex, ap;
  ex.role = "extract";
  ex.state = State::kOnline;
  ex.lsn_written = 12;
  ex.lsn_durable = 11;
  ex.source_position = "mysql-bin.000003:4567";
  ap.role = "apply";
  ap.state = State::kFailed;
  ap.lsn_applied = 9;
  ap.lag_seconds = 0;
  const std::string t = metrics_text("a\"b\\c\nd", {ex, ap}, 1000, 2);
  const std::string p = "pipeline=\"a\\\"b\\\\c\\nd\"";
  EXPECT_NE(t.find("sluice_replicate_lsn_durable{" + p + ",role=\"extract\"} 11\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("sluice_replicate_lsn_durable{" + p + ",role=\"apply\"}"), std::string::npos) << t;
  EXPECT_NE(t.find("sluice_replicate_lsn_applied{" + p + ",role=\"apply\"} 9\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sluice_replicate_up{" + p + ",role=\"apply\"} 0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sluice_replicate_state{" + p + ",role=\"apply\",state=\"failed\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("sluice_replicate_source_position{" + p + ",role=\"extract\",file=\"mysql-bin.000003\"} 4567\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("sluice_replicate_log_bytes{" + p + "} 1000\n"), std::string::npos) << t;
  size_t types = 0;
  for (size_t at = 0; (at = t.find("# TYPE sluice_replicate_up ", at)) != std::string::npos; ++at) ++types;
  EXPECT_EQ(types, 1u);
}

// A status file that says online but is stale, or whose pid is gone, is a gone process.
TEST(PipelineView, StaleOrDeadRunningRoleIsGone) {
  char tmpl[] = "/tmp/sluice-view-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  config::ReplicateSettings s;
  s.journal_dir = tmpl;
  PipelineView none = read_pipeline(s, 1000);
  EXPECT_EQ(none.extract.process, Process::kNotStarted);
  StatusBoard board("apply", s.journal_dir + "/apply.status.json");
  board.set_state(State::kOnline);
  const int64_t now = board.snapshot().updated_seconds;
  EXPECT_EQ(read_pipeline(s, now).apply.process, Process::kRunning);
  EXPECT_EQ(read_pipeline(s, now + kStaleSeconds + 1).apply.process, Process::kGone);
  EXPECT_NE(pipeline_text(read_pipeline(s, now + 60)).find("is gone (killed or crashed)"), std::string::npos);
  board.update([](PipelineStatus& st) { st.pid = 999999999; }, true);  // no such process here
  EXPECT_EQ(read_pipeline(s, now).apply.process, Process::kGone);
  board.set_state(State::kStopped);
  EXPECT_EQ(read_pipeline(s, now + 60).apply.process, Process::kEnded);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace sluice::replicate
