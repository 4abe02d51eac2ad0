// `sluice run` against the real MariaDB server: an integration on a 2-second frequency runs job
// after job into SQLite, each picking up the source's changes made since the previous one, until
// SIGTERM ends it with exit 0; SIGTERM in the middle of a job commits its chunk with the bookmark,
// reports the job `interrupted`, and the next job continues from there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/sync/resume_support.h"
#include "integration/sync/sync_support.h"

namespace sluice::test::sync {
namespace {

using nlohmann::json;

// The loading reports in `dir`, oldest first.
std::vector<json> reports(const std::string& dir) {
  std::vector<std::string> names;
  if (std::filesystem::exists(dir)) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".json") names.push_back(e.path().string());
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<json> out;
  for (const std::string& n : names) out.push_back(json::parse(read_file(n)));
  return out;
}

// Waits (with a deadline) until `dir` holds at least `n` reports.
bool wait_for_reports(const std::string& dir, size_t n, int seconds = 60) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (reports(dir).size() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = shared_server("mariadb");
    dir_ = make_temp_dir("run");
    dest_ = dir_ + "/dest.db";
  }

  // A config with a destination and a schedule part, its catalog selecting resume_t.t LOG_BASED.
  std::string integration(const std::string& frequency, const std::string& extra = "") {
    std::string plain = write_config(server_, "\"filter_dbs\": \"resume_t\", \"server_id\": 7741");
    std::string catalog = make_catalog(plain, "resume_t", {{"t", "LOG_BASED"}});
    return write_config(server_, "\"filter_dbs\": \"resume_t\", \"server_id\": 7741, " + extra +
                                     "\"destination\": {\"type\": \"sqlite\", \"path\": \"" + dest_ +
                                     "\"}, \"schedule\": {\"name\": \"shop\", \"frequency\": \"" + frequency +
                                     "\", \"catalog\": \"" + catalog + "\"}");
  }

  std::string reports_dir() const { return dest_ + ".reports"; }

  ServerInfo server_;
  std::string dir_, dest_;
};

TEST_F(RunTest, JobAfterJobPicksUpChangesAndSigtermExitsZero) {
  create_resume_table(server_, 200);
  std::string config = integration("2s");
  pid_t pid = start_process({SLUICE_BINARY, "run", "--config", config}, {}, "", dir_ + "/err");
  ASSERT_TRUE(wait_for_reports(reports_dir(), 1)) << read_file(dir_ + "/err");
  expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest_}));
  ChangeScript script(201, 200, 17);
  for (int round = 0; round < 2; ++round) {
    // With n reports written, job n+1 may be running already; job n+2 starts after this change.
    size_t n = reports(reports_dir()).size();
    admin_sql(server_, script.transactions(10, 4, false));
    ASSERT_TRUE(wait_for_reports(reports_dir(), n + 2)) << read_file(dir_ + "/err");
    expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest_}));
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string err = read_file(dir_ + "/err");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << err;
  EXPECT_NE(err.find("sluice run: stopped by SIGTERM"), std::string::npos) << err;
  std::vector<json> all = reports(reports_dir());
  ASSERT_GE(all.size(), 5U);
  for (const json& r : all) EXPECT_EQ(r["status"], "succeeded") << r.dump();
  EXPECT_GT(all.back()["totals"]["rows_inserted"].get<int>() +
                all[all.size() - 2]["totals"]["rows_inserted"].get<int>() +
                all.back()["totals"]["rows_updated"].get<int>() +
                all[all.size() - 2]["totals"]["rows_updated"].get<int>(),
            0)
      << "the last jobs delivered nothing";
  EXPECT_NE(err.find("sluice run: shop: job ok in "), std::string::npos) << err;
}

TEST_F(RunTest, SigtermMidJobCommitsTheBookmarkAndExitsZero) {
  create_resume_table(server_, 6000);
  // Rows of ~1.5 KB, so that the job is still reading the table at its stop point.
  admin_sql(server_, "ALTER TABLE resume_t.t ADD COLUMN pad VARCHAR(2000) NOT NULL DEFAULT '" +
                         std::string(1500, 'x') + "'");
  std::string config = integration("1h", "\"chunk_rows\": 500, ");
  // The job stops itself after its 5th checkpoint (the 4th chunk); SIGTERM arrives there.
  pid_t pid = start_process({SLUICE_BINARY, "run", "--config", config}, stop_env(5), "", dir_ + "/err");
  ASSERT_TRUE(wait_until_stopped(pid)) << read_file(dir_ + "/err");
  kill(pid, SIGTERM);
  kill(pid, SIGCONT);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string err = read_file(dir_ + "/err");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << err;
  EXPECT_NE(err.find("sluice run: shop: job interrupted by SIGTERM"), std::string::npos) << err;
  std::vector<json> all = reports(reports_dir());
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0]["status"], "interrupted");
  CommandResult state = run_command({"sqlite3", dest_, "SELECT state FROM _sluice_state WHERE id = 1"});
  json bookmark = json::parse(state.out)["bookmarks"]["resume_t-t"];
  ASSERT_TRUE(bookmark.contains("last_pk_fetched")) << state.out;
  EXPECT_LT(bookmark["last_pk_fetched"]["id"].get<int>(), 6000);
  EXPECT_EQ(all[0]["tables"][0]["bookmark_after"]["last_pk_fetched"], bookmark["last_pk_fetched"]);
  // The next job (here one `sluice sync` of the same config) continues from that bookmark.
  std::string catalog = json::parse(read_file(config))["schedule"]["catalog"];
  CommandResult rest = run_sluice({"sync", "--config", config, "--catalog", catalog, "--quiet"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest_}));
  EXPECT_LT(reports(reports_dir()).back()["totals"]["rows_inserted"].get<int>(), 6000);
}

}  // namespace
}  // namespace sluice::test::sync
