// `sluice run` against the real MariaDB server: an integration on a 2-second frequency runs job
// after job into SQLite, each picking up the source's changes and added columns made since the
// previous one (structure sync, extraction logs, `sluice logs`), until SIGTERM ends it with exit 0;
// a restart runs a missed start once; SIGTERM in the middle of a job commits its chunk with the bookmark,
// reports the job `interrupted`, and the next job continues from there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/sync/resume_support.h"
#include "integration/sync/sync_support.h"
#include "schedule/schedule.h"

namespace sluice::test::sync {
namespace {

using nlohmann::json;

// The loading reports in `dir`, oldest first.
std::vector<json> reports(const std::string& dir) {
  std::vector<std::string> names;
  if (std::filesystem::exists(dir)) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      if (name.starts_with("sluice-report-") && name.ends_with(".json")) names.push_back(e.path().string());
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

// Each round changes the structure between two jobs: a column added to the selected table (its
// values written right after the ALTER, before the next job), in the second round also a new
// table, in the third the first added column dropped. The catalog is never touched: the structure
// sync selects the new columns, names the new table without selecting it, reports the dropped
// column, and saves the catalog in use beside each job's extraction log.
TEST_F(RunTest, JobAfterJobPicksUpChangesAndNewColumnsAndSigtermExitsZero) {
  create_resume_table(server_, 200);
  admin_sql(server_, "DROP TABLE IF EXISTS resume_t.later");
  std::string config = integration("2s");
  pid_t pid = start_process({SLUICE_BINARY, "run", "--config", config}, {}, "", dir_ + "/err");
  ASSERT_TRUE(wait_for_reports(reports_dir(), 1)) << read_file(dir_ + "/err");
  expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest_}));
  ChangeScript script(201, 200, 17);
  const std::vector<std::string> alters = {
      "ALTER TABLE resume_t.t ADD COLUMN c_added VARCHAR(16) DEFAULT 'dflt' AFTER v",
      "ALTER TABLE resume_t.t ADD COLUMN c2 INT; UPDATE resume_t.t SET c2 = id * 7 WHERE id % 5 = 0; "
      "CREATE TABLE resume_t.later (id INT PRIMARY KEY); INSERT INTO resume_t.later VALUES (1)",
      "ALTER TABLE resume_t.t DROP COLUMN c_added"};
  const std::vector<std::string> cols = {"id,v,c_added,n,d", "id,v,c_added,n,d,c2", "id,v,n,d,c2"};
  for (int round = 0; round < 3; ++round) {
    // With n reports written, job n+1 may be running already; job n+2 starts after this change.
    size_t n = reports(reports_dir()).size();
    admin_sql(server_, alters[round] + "; " + script.transactions(10, 4, round < 2));
    ASSERT_TRUE(wait_for_reports(reports_dir(), n + 2)) << read_file(dir_ + "/err");
    expect_replay_equals_source(server_, cols[round], keyed_replay("sqlite", "t", cols[round], {dest_}));
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string err = read_file(dir_ + "/err");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << err;
  EXPECT_NE(err.find("sluice run: stopped by SIGTERM"), std::string::npos) << err;
  EXPECT_NE(err.find("new table resume_t-later is not in the catalog: not selected"), std::string::npos)
      << err;
  EXPECT_EQ(err.find("not in the catalog (added after discovery?)"), std::string::npos) << err;
  EXPECT_NE(err.find("column(s) of resume_t-t synced by the last job no longer exist in the table: c_added"),
            std::string::npos)
      << err;
  std::vector<json> all = reports(reports_dir());
  ASSERT_GE(all.size(), 7U);
  for (const json& r : all) EXPECT_EQ(r["status"], "succeeded") << r.dump();
  EXPECT_GT(all.back()["totals"]["rows_inserted"].get<int>() +
                all[all.size() - 2]["totals"]["rows_inserted"].get<int>() +
                all.back()["totals"]["rows_updated"].get<int>() +
                all[all.size() - 2]["totals"]["rows_updated"].get<int>(),
            0)
      << "the last jobs delivered nothing";
  EXPECT_NE(err.find("sluice run: shop: job ok in "), std::string::npos) << err;
  CommandResult later =
      run_command({"sqlite3", dest_, "SELECT name FROM sqlite_master WHERE name = 'later'"});
  EXPECT_EQ(later.out, "") << "a new table is listed, not selected";

  // One extraction log per job, each named in its report; the last job's shows its method, its
  // queries and its outcome; the catalog it ran with selects both new columns.
  CommandResult list = run_sluice({"logs", "--config", config, "--list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(split_lines(list.out).size(), all.size()) << list.out;
  EXPECT_EQ(all.back()["extraction_log"].get<std::string>().find(all.back()["job_id"].get<std::string>()) !=
                std::string::npos,
            true);
  std::string logs;
  for (const json& r : all) logs += read_file(r["extraction_log"].get<std::string>());
  EXPECT_NE(logs.find("structure: new column(s) of resume_t-t selected (select_new_columns): c_added"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("select_new_columns): c_added, c2"), std::string::npos) << logs;
  EXPECT_NE(logs.find("structure: column(s) of resume_t-t dropped from the table: c_added"),
            std::string::npos)
      << logs;
  CommandResult last = run_sluice({"logs", "--config", config});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_NE(last.out.find("stream resume_t-t: LOG_BASED"), std::string::npos) << last.out;
  EXPECT_NE(last.out.find("query: SELECT"), std::string::npos) << last.out;
  EXPECT_NE(last.out.find("loaded resume_t-t (LOG_BASED): "), std::string::npos) << last.out;
  EXPECT_NE(last.out.find("job succeeded"), std::string::npos) << last.out;
  EXPECT_EQ(last.out.find("sluicepw"), std::string::npos) << "no password in the log";
  // One job's log by the start of its id; an id not kept is one line naming --list.
  std::string first_id = all.front()["job_id"].get<std::string>();
  CommandResult first =
      run_sluice({"logs", "--config", config, "--job", first_id.substr(0, first_id.size() - 2)});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out.rfind(first.out.substr(0, 25) + "job " + first_id + " started (attempt 1)", 0), 0U)
      << first.out;
  EXPECT_NE(first.out.find("job succeeded"), std::string::npos) << first.out;
  CommandResult unknown = run_sluice({"logs", "--config", config, "--job", "19990101T"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("'sluice logs --list' names those kept"), std::string::npos) << unknown.err;
  CommandResult used = run_sluice({"logs", "--config", config, "--catalog"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  json catalog = json::parse(used.out);
  std::map<std::string, bool> selected;
  for (const json& stream : catalog["streams"]) {
    for (const json& m : stream["metadata"]) {
      if (m["breadcrumb"].size() == 2) {
        selected[stream["tap_stream_id"].get<std::string>() + "." + m["breadcrumb"][1].get<std::string>()] =
            m["metadata"].value("selected", false);
      }
    }
  }
  EXPECT_EQ(selected.count("resume_t-t.c_added"), 0U) << "dropped in the third round: " << used.out;
  EXPECT_TRUE(selected["resume_t-t.c2"]) << used.out;
  EXPECT_FALSE(selected["resume_t-later.id"]) << used.out;
  EXPECT_EQ(selected.count("resume_t-later.id"), 1U) << used.out;
}

// `sluice logs --follow` started alongside `sluice run`, before its first job: it waits for the
// first extraction log, prints each job's lines as they are written and moves on to the next job's
// log (a header names it), while run keeps running; SIGTERM ends it with exit 0.
TEST_F(RunTest, LogsFollowPrintsEachJobsLinesWhileRunRuns) {
  create_resume_table(server_, 20);
  std::string config = integration("1s");
  pid_t follow = start_process({SLUICE_BINARY, "logs", "--config", config, "--follow"}, {},
                               dir_ + "/follow.out", dir_ + "/follow.err");
  pid_t run = start_process({SLUICE_BINARY, "run", "--config", config}, {}, "", dir_ + "/err");
  ASSERT_TRUE(wait_for_reports(reports_dir(), 2)) << read_file(dir_ + "/err");
  const std::string second = reports(reports_dir())[1]["extraction_log"].get<std::string>();
  std::string out;
  auto all_lines_in = [&](const std::string& text) {
    for (const std::string& line : split_lines(text)) {
      if (out.find(line + "\n") == std::string::npos) return false;
    }
    return !text.empty();
  };
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    out = read_file(dir_ + "/follow.out");
    seen = all_lines_in(read_file(second));
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen) << "follow output:\n"
                    << out << "\nsecond log:\n"
                    << read_file(second) << "\nlogs --follow stderr:\n"
                    << read_file(dir_ + "/follow.err");
  EXPECT_NE(out.find("==> " + second + " <=="), std::string::npos) << out;
  EXPECT_NE(out.find("job "), std::string::npos) << out;
  int status = 0;
  EXPECT_EQ(waitpid(run, &status, WNOHANG), 0) << "sluice run ended early: " << read_file(dir_ + "/err");
  kill(run, SIGTERM);
  waitpid(run, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(dir_ + "/err");
  kill(follow, SIGTERM);
  waitpid(follow, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << read_file(dir_ + "/follow.err");
}

// sluice run keeps each integration's last start (beside its reports): restarted before the next
// start it waits for it; restarted after a downtime that missed several starts it runs one job at
// once, not one per missed start, then keeps the schedule. `sluice status` names the next start.
TEST_F(RunTest, RestartRunsAMissedStartOnce) {
  create_resume_table(server_, 20);
  std::string config = integration("1h");
  auto run_for = [&](int job_reports, const std::string& err) {
    pid_t pid = start_process({SLUICE_BINARY, "run", "--config", config}, {}, "", err);
    EXPECT_TRUE(wait_for_reports(reports_dir(), static_cast<size_t>(job_reports))) << read_file(err);
    // Long enough for a second, wrong, job to have started and reported.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(err);
  };
  run_for(1, dir_ + "/err1");
  ASSERT_EQ(reports(reports_dir()).size(), 1U) << read_file(dir_ + "/err1");
  std::string saved = reports_dir() + "/sluice-run-shop.last-start";
  std::string first_start = read_file(saved);
  ASSERT_FALSE(first_start.empty());
  run_for(1, dir_ + "/err2");
  EXPECT_EQ(reports(reports_dir()).size(), 1U) << "restarted within the hour: no job";
  EXPECT_NE(read_file(dir_ + "/err2").find("next start"), std::string::npos);
  // Down for three hours (three starts missed): one job at once, the next an hour later.
  auto ago =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours(3);
  write_file(saved, schedule::format_utc(ago) + "\n");
  run_for(2, dir_ + "/err3");
  EXPECT_EQ(reports(reports_dir()).size(), 2U) << read_file(dir_ + "/err3");
  CommandResult status = run_sluice({"status", "--config", config});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("next start "), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(" of shop: every 1h, last started " + split_lines(read_file(saved)).at(0)),
            std::string::npos)
      << status.out;
}

// A source that refuses connections: the job is retried as the schedule part says (1 retry after
// 1 s), then waits for its next start. Each attempt has its loading report (`attempt`) and its
// extraction log, which ends with the error, what to do and the run loop's decision.
TEST_F(RunTest, EachAttemptOfAFailedJobHasItsReportAndLog) {
  create_resume_table(server_, 5);
  std::string plain = write_config(server_, "\"filter_dbs\": \"resume_t\", \"server_id\": 7741");
  std::string catalog = make_catalog(plain, "resume_t", {{"t", "LOG_BASED"}});
  ServerInfo down = server_;
  down.port = 1;  // nothing listens there: connection refused, a retryable error
  std::string config = write_config(down,
                                    "\"server_id\": 7741, \"connect_timeout\": 2, \"destination\": "
                                    "{\"type\": \"sqlite\", \"path\": \"" +
                                        dest_ +
                                        "\"}, \"schedule\": {\"name\": \"shop\", \"frequency\": "
                                        "\"1h\", \"retries\": 1, \"retry_backoff\": \"1s\", "
                                        "\"catalog\": \"" +
                                        catalog + "\"}");
  pid_t pid = start_process({SLUICE_BINARY, "run", "--config", config}, {}, "", dir_ + "/err");
  ASSERT_TRUE(wait_for_reports(reports_dir(), 2, 30)) << read_file(dir_ + "/err");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the loop's decision after attempt 2
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string err = read_file(dir_ + "/err");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << err;
  std::vector<json> all = reports(reports_dir());
  ASSERT_EQ(all.size(), 2U) << err;
  const std::vector<std::string> decisions = {"sluice run: retry at ", "sluice run: next start "};
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(all[i]["status"], "failed") << all[i].dump();
    EXPECT_EQ(all[i]["attempt"], static_cast<int>(i) + 1) << all[i].dump();
    std::string log = read_file(all[i]["extraction_log"].get<std::string>());
    EXPECT_NE(log.find("(attempt " + std::to_string(i + 1) + ")"), std::string::npos) << log;
    EXPECT_NE(log.find("error: "), std::string::npos) << log;
    EXPECT_NE(log.find("what to do: nothing if the source comes back"), std::string::npos) << log;
    EXPECT_NE(log.find("job failed"), std::string::npos) << log;
    EXPECT_NE(log.find(decisions[i]), std::string::npos) << log;
  }
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
