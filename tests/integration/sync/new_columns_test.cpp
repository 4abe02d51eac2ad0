// A column added to a log-based table after the catalog was made (ALTER TABLE ... ADD COLUMN in the
// binlog between two jobs). The tap's rule (the default): it is not synced, and the warning says
// exactly that its values are not delivered and which command back-fills them. With
// `"select_new_columns": true` its values written since the ALTER arrive, equal to SELECT, with
// no catalog edit.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/binlog_stream/stream_support.h"
#include "integration/sync/sync_support.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

class NewColumns : public ::testing::TestWithParam<std::string> {};

TEST_P(NewColumns, AreSyncedWithSelectNewColumnsElseTheWarningNamesTheBackfill) {
  ServerInfo s = shared_server(GetParam());
  for (bool select_new : {false, true}) {
    SCOPED_TRACE(select_new ? "select_new_columns" : "default");
    admin_sql(
        s,
        "DROP DATABASE IF EXISTS newcols; CREATE DATABASE newcols; "
        "CREATE TABLE newcols.t (id INT PRIMARY KEY, a VARCHAR(10)); INSERT INTO newcols.t VALUES (1, 'x')");
    std::string cfg = config_for(s, 4313,
                                 std::string("\"filter_dbs\": \"newcols\", \"select_new_columns\": ") +
                                     (select_new ? "true" : "false"));
    std::string catalog = sync::make_catalog(cfg, "newcols", {{"t", "LOG_BASED"}});
    sync::SyncRun first = sync::run_sync(cfg, catalog);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string state = make_temp_dir("newcols") + "/state.json";
    write_file(state, first.last_state().dump());

    admin_sql(s,
              "ALTER TABLE t ADD COLUMN n DECIMAL(10,2) AFTER id; INSERT INTO t VALUES (2, 12.50, 'y'); "
              "UPDATE t SET n = 1.05 WHERE id = 1",
              "newcols");
    sync::SyncRun second = sync::run_sync(cfg, catalog, state);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    std::map<std::string, std::string> n_of;
    for (const std::string& line : second.record_lines("t")) {
      auto rec = nlohmann::json::parse(line)["record"];
      n_of[rec["id"].dump()] = rec.contains("n") ? sync::raw_value(line, "n") : "(none)";
    }
    ASSERT_EQ(n_of.size(), 2u) << second.err << read_file(second.out_path);
    if (select_new) {
      // The values SELECT shows, digit for digit (DECIMAL as a number with its scale).
      EXPECT_EQ(n_of["2"], split_lines(admin_sql(s, "SELECT n FROM newcols.t WHERE id = 2")).at(0));
      EXPECT_EQ(n_of["1"], split_lines(admin_sql(s, "SELECT n FROM newcols.t WHERE id = 1")).at(0));
      EXPECT_EQ(second.err.find("not in the catalog"), std::string::npos) << second.err;
    } else {
      EXPECT_EQ(n_of["2"], "(none)");
      EXPECT_NE(second.err.find(
                    "column 'n' of newcols-t is not in the catalog (added after discovery?): its values "
                    "are not delivered"),
                std::string::npos)
          << second.err;
      EXPECT_NE(second.err.find("back-fill the rows written so far with `sluice reset --config " + cfg +
                                " --state " + state + " newcols.t`"),
                std::string::npos)
          << second.err;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, NewColumns, ::testing::Values("mariadb", "mysql"));

}  // namespace
}  // namespace sluice::test
