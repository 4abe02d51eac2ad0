// `"resnapshot_on_purged": true` into SQLite and PostgreSQL destinations (the bookmarks live in the
// destination): the binlog is purged past the bookmark of one log-based table only (t's bookmark
// is older than u's: u alone ran a job in between). The next job re-snapshots t alone under a new
// version, so the destination holds exactly what SELECT shows (a row deleted in the purged binlog
// is gone too); u continues from its bookmark with just its new row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "integration/sync/sync_support.h"
#include "support/pg_test_server.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test {
namespace {

using nlohmann::json;

class ResnapshotOnPurged : public ::testing::TestWithParam<std::string> {
 protected:
  bool pg() const { return GetParam() == "postgres"; }

  std::string destination(const std::string& dir) const {
    if (!pg()) return "\"destination\": {\"type\": \"sqlite\", \"path\": \"" + dir + "/dest.db\"}";
    return "\"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
           ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"integration_name\": "
           "\"rp_dest\", \"report_dir\": \"" +
           dir + "/reports\"}";
  }

  // `id|v` lines of the destination's live rows of `table`.
  std::string dest_rows(const std::string& dir, const std::string& table) const {
    std::string sql = "SELECT id, v FROM " + std::string(pg() ? "rp_dest." : "") + table +
                      " WHERE _sdc_deleted_at IS NULL ORDER BY id";
    if (pg()) return psql(sql);
    CommandResult r = run_command({"sqlite3", dir + "/dest.db", sql});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  static std::string source_rows(const ServerInfo& s, const std::string& table) {
    std::string out;
    for (const std::string& line :
         split_lines(admin_sql(s, "SELECT id, v FROM rp_t." + table + " ORDER BY id"))) {
      out += line.substr(0, line.find('\t')) + "|" + line.substr(line.find('\t') + 1) + "\n";
    }
    return out;
  }
};

TEST_P(ResnapshotOnPurged, OnlyTheTableWhoseBinlogIsPurgedIsSnapshottedAgain) {
  ServerInfo s = shared_server("mariadb");
  admin_sql(s,
            "DROP DATABASE IF EXISTS rp_t; CREATE DATABASE rp_t;"
            "CREATE TABLE rp_t.t (id INT PRIMARY KEY, v VARCHAR(20));"
            "CREATE TABLE rp_t.u (id INT PRIMARY KEY, v VARCHAR(20));"
            "INSERT INTO rp_t.t VALUES (1, 'a'), (2, 'b'); INSERT INTO rp_t.u VALUES (1, 'a')");
  if (pg()) psql("DROP SCHEMA IF EXISTS rp_dest CASCADE");
  std::string dir = make_temp_dir("purged_dest");
  std::string plain = write_config(s, "\"filter_dbs\": \"rp_t\", \"server_id\": 4231");
  std::string both = sync::make_catalog(plain, "rp_t", {{"t", "LOG_BASED"}, {"u", "LOG_BASED"}});
  std::string only_u = sync::make_catalog(plain, "rp_t", {{"u", "LOG_BASED"}});
  std::string config =
      write_config(s, "\"filter_dbs\": \"rp_t\", \"server_id\": 4231, \"resnapshot_on_purged\": true, " +
                          destination(dir));
  auto job = [&](const std::string& catalog) {
    CommandResult r = run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.err;
  };
  job(both);
  // Changes of t that only the purged binlog holds, then u's bookmark moves past them.
  admin_sql(s, "INSERT INTO rp_t.t VALUES (11, 'lost'); DELETE FROM rp_t.t WHERE id = 2; FLUSH BINARY LOGS");
  job(only_u);
  std::string now = split_lines(admin_sql(s, "SHOW MASTER STATUS")).at(0);
  purge_binary_logs_to(s, now.substr(0, now.find('\t')));
  admin_sql(s, "INSERT INTO rp_t.t VALUES (12, 'new'); INSERT INTO rp_t.u VALUES (12, 'new')");

  // Without resnapshot_on_purged the job stops; its extraction log names the command to run.
  std::string strict = write_config(s, "\"filter_dbs\": \"rp_t\", \"server_id\": 4231, " + destination(dir));
  CommandResult refused = run_sluice({"sync", "--config", strict, "--catalog", both, "--quiet"});
  EXPECT_NE(refused.exit_code, 0) << refused.err;
  CommandResult refused_log = run_sluice({"logs", "--config", strict});
  ASSERT_EQ(refused_log.exit_code, 0) << refused_log.err;
  EXPECT_NE(refused_log.out.find("error: "), std::string::npos) << refused_log.out;
  EXPECT_NE(refused_log.out.find("sluice reset --config " + strict), std::string::npos) << refused_log.out;
  EXPECT_NE(refused_log.out.find("what to do: run the command named above"), std::string::npos)
      << refused_log.out;
  EXPECT_NE(refused_log.out.find("job failed"), std::string::npos) << refused_log.out;

  std::string err = job(both);
  EXPECT_NE(err.find("rp_t-t: the binlog of its bookmark"), std::string::npos) << err;
  CommandResult log = run_sluice({"logs", "--config", config});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_NE(log.out.find("rp_t-t: the binlog of its bookmark"), std::string::npos) << log.out;
  EXPECT_NE(log.out.find("job succeeded"), std::string::npos) << log.out;
  EXPECT_EQ(err.find("rp_t-u: the binlog"), std::string::npos) << err;
  EXPECT_EQ(dest_rows(dir, "t"), source_rows(s, "t")) << "t snapshotted afresh: 1, 11, 12";
  EXPECT_EQ(dest_rows(dir, "u"), source_rows(s, "u"));
  CommandResult status = run_sluice({"status", "--config", config, "--table", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  json report = json::parse(status.out);
  for (const json& t : report["tables"]) {
    if (t["stream"] == "rp_t-t") {
      EXPECT_EQ(t["rows_inserted"].get<int>() + t["rows_updated"].get<int>(), 3) << "the whole table again";
      EXPECT_NE(t["bookmark_after"]["version"], t["bookmark_before"]["version"]) << t.dump();
    } else {
      EXPECT_EQ(t["rows_inserted"].get<int>(), 1) << "u continues from its bookmark: " << t.dump();
      EXPECT_EQ(t["bookmark_after"]["version"], t["bookmark_before"]["version"]) << t.dump();
    }
  }
  EXPECT_EQ(report["tables"].size(), 2U) << report.dump();
}

INSTANTIATE_TEST_SUITE_P(Destinations, ResnapshotOnPurged, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace sluice::test
