// A damaged state saved in a SQLite destination (issue 12, item 12): the job stops with one line
// naming the destination, what is wrong and what to do, and the command it names works.
#include <gtest/gtest.h>

#include "integration/destination_state/state_support.h"
#include "support/test_util.h"

namespace sluice::test::state {
namespace {

TEST(DamagedSavedState, SqliteStateThatIsNotAnObjectIsNamedWithTheFix) {
  ServerInfo server = shared_server("mariadb");
  make_tables(server, "cs", {"t"}, 20);
  std::string config = write_config(server, "\"filter_dbs\": \"cs\"");
  std::string catalog = make_catalog(config, "cs", {{"t", "LOG_BASED"}});
  std::string path = make_temp_dir("corrupt") + "/dest.db";
  std::vector<std::string> sync = {"sync",  "--config",      config,           "--catalog",
                                   catalog, "--destination", "sqlite:" + path, "--quiet"};
  CommandResult first = run_sluice(sync);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  struct Damage {
    std::string sql_value;
    std::string problem;
  };
  for (const Damage& damage : {Damage{"'{\"bookmarks\": {'", "is not valid JSON"},
                               Damage{"'[1, 2]'", "is a JSON array, not a Singer state object"}}) {
    SCOPED_TRACE(damage.sql_value);
    CommandResult broke =
        run_command({"sqlite3", path, "UPDATE _sluice_state SET state = " + damage.sql_value});
    ASSERT_EQ(broke.exit_code, 0) << broke.err;
    CommandResult run = run_sluice(sync);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(split_lines(run.err).size(), 1u) << run.err;
    EXPECT_NE(run.err.find("table _sluice_state of SQLite destination " + path + " " + damage.problem),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.err.find("--state FILE"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("'sluice reset --config " + config + " --destination sqlite:" + path + " --all'"),
              std::string::npos)
        << run.err;
  }
  // The command the message names starts every table over, and the next job loads them again.
  CommandResult reset = run_sluice({"reset", "--config", config, "--destination", "sqlite:" + path, "--all"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  admin_sql(server, "UPDATE t SET v = 'changed' WHERE id = 3; DELETE FROM t WHERE id = 4", "cs");
  CommandResult again = run_sluice(sync);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(sqlite_rows(path, "t"), source_rows(server, "cs", "t"));
}

}  // namespace
}  // namespace sluice::test::state
