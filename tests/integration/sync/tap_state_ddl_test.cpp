// A Singer tap's LOG_BASED bookmark (file and position only: no schema saved with it), then a DDL on
// the table before sluice's first job, as a user who switches from the tap meets it. The schema
// discovered now is not the one the events after the bookmark were written with: the job works
// it out (the DDL in the range undone: schema/history_rewind.h), or, with binlog_row_metadata=FULL,
// lets the events' column names decide. Every record must equal SELECT, value by value, in the
// right column; where neither can tell the old schema (DROP or MODIFY without FULL metadata) the
// job stops with one line whose fix is `sluice reset` of the table, and that fix works.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "integration/binlog_stream/stream_support.h"
#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

struct DdlCase {
  std::string server;
  std::string metadata;  ///< binlog_row_metadata while the events are written
  std::string name;
  std::string ddl;                             ///< on tapddl.t
  std::map<std::string, std::string> renamed;  ///< column in records -> column now
  bool stops = false;                          ///< the job must stop with the reset fix
};

void PrintTo(const DdlCase& c, std::ostream* os) { *os << c.server << " " << c.metadata << " " << c.name; }

// The rows a user would check: per id, every column SELECT shows now, as text.
std::map<std::string, std::map<std::string, std::string>> select_rows(const ServerInfo& s) {
  std::vector<std::string> names;
  for (const std::string& l : split_lines(admin_sql(s,
                                                    "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                                                    "WHERE TABLE_SCHEMA='tapddl' AND TABLE_NAME='t' "
                                                    "ORDER BY ORDINAL_POSITION"))) {
    names.push_back(l);
  }
  std::string cols;
  for (const std::string& n : names) cols += (cols.empty() ? "" : ", ") + ("`" + n + "`");
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const std::string& line : split_lines(admin_sql(s, "SELECT " + cols + " FROM tapddl.t ORDER BY id"))) {
    std::map<std::string, std::string> row;
    size_t at = 0;
    for (const std::string& n : names) {
      size_t tab = line.find('\t', at);
      row[n] = line.substr(at, tab == std::string::npos ? std::string::npos : tab - at);
      at = tab == std::string::npos ? line.size() : tab + 1;
    }
    out[row["id"]] = row;
  }
  return out;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_null()) return "NULL";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

class TapStateDdl : public ::testing::TestWithParam<DdlCase> {};

TEST_P(TapStateDdl, RowsAfterTheBookmarkArriveInTheirColumnsOrTheJobNamesTheReset) {
  const DdlCase& c = GetParam();
  ServerInfo s = shared_server(c.server);
  std::string old = split_lines(admin_sql(s, "SELECT @@GLOBAL.binlog_row_metadata")).at(0);
  admin_sql(s, "SET GLOBAL binlog_row_metadata = " + c.metadata);
  struct Restore {
    ServerInfo s;
    std::string value;
    ~Restore() { admin_sql(s, "SET GLOBAL binlog_row_metadata = " + value); }
  } restore{s, old};
  admin_sql(s,
            "DROP DATABASE IF EXISTS tapddl; CREATE DATABASE tapddl; "
            "CREATE TABLE tapddl.t (id INT PRIMARY KEY, a INT, b VARCHAR(20), d INT); "
            "INSERT INTO tapddl.t VALUES (1, 10, 'one', 100), (2, 20, 'two', 200), (3, 30, 'three', 300)");
  std::string cfg = config_for(s, 4312, "\"filter_dbs\": \"tapddl\"");
  // The tap's catalog and its bookmark: made before the DDL, the bookmark holds file and position.
  std::string catalog = sync::make_catalog(cfg, "tapddl", {{"t", "LOG_BASED"}});
  core::BinlogPosition bookmark = current_pos(s);
  std::string dir = make_temp_dir("tapddl");
  std::string state = dir + "/tap-state.json";
  write_file(
      state,
      nlohmann::json{
          {"currently_syncing", nullptr},
          {"bookmarks",
           {{"tapddl-t",
             {{"log_file", bookmark.file}, {"log_pos", bookmark.offset}, {"version", 1700000000000}}}}}}
          .dump());
  // Changes before the DDL (written with the old schema), the DDL, changes after it.
  admin_sql(s, "UPDATE t SET a = 11, b = 'uno' WHERE id = 1; INSERT INTO t VALUES (4, 40, 'four', 400)",
            "tapddl");
  admin_sql(s, c.ddl, "tapddl");
  admin_sql(s, "INSERT INTO t (id) VALUES (5); UPDATE t SET id = 6 WHERE id = 2; DELETE FROM t WHERE id = 3",
            "tapddl");
  admin_sql(s, "UPDATE t SET d = 55 WHERE id = 5", "tapddl");

  sync::SyncRun run = sync::run_sync(cfg, catalog, state);
  if (c.stops) {
    ASSERT_NE(run.exit_code, 0) << "the job went on with a schema it cannot know";
    EXPECT_NE(run.err.find("sluice reset"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("tapddl.t"), std::string::npos) << run.err;
    size_t errors = 0;
    for (const std::string& l : split_lines(run.err)) errors += l.starts_with("sluice: error:") ? 1 : 0;
    EXPECT_EQ(errors, 1u) << run.err;
    // The fix the line names: re-snapshot the table, then the job runs and the table arrives whole.
    CommandResult reset = run_sluice({"reset", "--config", cfg, "--state", state, "tapddl.t"});
    ASSERT_EQ(reset.exit_code, 0) << reset.err;
    run = sync::run_sync(cfg, catalog, state);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  } else {
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // Each id's last record equals SELECT in every column both have (a column added after the
  // catalog is not selected; a dropped one is not in SELECT); deleted rows come with _sdc_deleted_at.
  std::map<std::string, nlohmann::json> last;
  for (const nlohmann::json& r : run.records("t")) last[text_of(r.at("id"))] = r;
  auto now = select_rows(s);
  ASSERT_FALSE(last.empty()) << run.err << read_file(run.out_path).substr(0, 3000);
  for (const auto& [id, rec] : last) {
    bool deleted = rec.contains("_sdc_deleted_at") && !rec["_sdc_deleted_at"].is_null();
    if (deleted) {
      EXPECT_FALSE(now.contains(id)) << "id " << id << " arrived deleted";
      continue;
    }
    ASSERT_TRUE(now.contains(id)) << "id " << id;
    size_t compared = 0;
    for (const auto& [key, value] : rec.items()) {
      std::string col = c.renamed.contains(key) ? c.renamed.at(key) : key;
      if (!now[id].contains(col)) continue;
      EXPECT_EQ(text_of(value), now[id][col]) << "id " << id << " column " << key;
      ++compared;
    }
    EXPECT_GE(compared, 3u) << "id " << id;
  }
  for (const auto& [id, row] : now)
    EXPECT_TRUE(last.contains(id)) << "id " << id << " changed but did not arrive";
  if (!c.stops) {
    EXPECT_TRUE(last.contains("3")) << "the delete of id 3 did not arrive";
  }
}

std::vector<DdlCase> cases() {
  std::vector<DdlCase> out;
  for (const auto& [server, nometa] :
       std::vector<std::pair<std::string, std::string>>{{"mariadb", "NO_LOG"}, {"mysql", "MINIMAL"}}) {
    for (const std::string& metadata : {nometa, std::string("FULL")}) {
      bool full = metadata == "FULL";
      out.push_back({server, metadata, "AddAtEnd", "ALTER TABLE t ADD COLUMN e INT", {}, false});
      out.push_back({server, metadata, "AddAfter", "ALTER TABLE t ADD COLUMN e INT AFTER id", {}, false});
      out.push_back(
          {server, metadata, "Rename", "ALTER TABLE t RENAME COLUMN b TO bb", {{"b", "bb"}}, false});
      out.push_back({server, metadata, "Drop", "ALTER TABLE t DROP COLUMN a", {}, !full});
      out.push_back({server, metadata, "Modify", "ALTER TABLE t MODIFY d BIGINT", {}, !full});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Servers, TapStateDdl, ::testing::ValuesIn(cases()), [](const auto& p) {
  return p.param.server + "_" + p.param.metadata + "_" + p.param.name;
});

}  // namespace
}  // namespace sluice::test
