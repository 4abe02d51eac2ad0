// SIGTERM / SIGINT during `sluice sync`, against real MariaDB and MySQL servers: the job stops
// itself mid-run at a known checkpoint (stop_env), the test signals it and lets it go on. It
// commits the chunk or transaction it is in, writes the loading report with status
// `interrupted`, prints one line and exits with 3; the next job continues from that bookmark and
// the destination ends equal to the source value by value. A second signal ends the job at once,
// and what it committed stays committed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "integration/sync/resume_support.h"
#include "integration/sync/sync_support.h"

namespace sluice::test::sync {
namespace {

const char* kStream = "resume_t-t";

// Waits for the job to stop itself, sends `signals` (pending while it is stopped), lets it go
// on; returns its wait status.
int signal_at_stop(pid_t pid, std::initializer_list<int> signals, const std::string& err_path) {
  EXPECT_TRUE(wait_until_stopped(pid)) << "the job ended before its stop point: " << read_file(err_path);
  for (int s : signals) kill(pid, s);
  kill(pid, SIGCONT);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The state the SQLite destination committed ({} when none).
nlohmann::json committed_state(const std::string& db) {
  CommandResult r = run_command({"sqlite3", db, "SELECT state FROM _sluice_state WHERE id = 1"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

class SignalTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    create_resume_table(server_, 6000);
    cfg_ = write_config(server_, "\"filter_dbs\": \"resume_t\", \"server_id\": 7712");
    every_commit_ = write_config(
        server_, "\"filter_dbs\": \"resume_t\", \"server_id\": 7712, \"state_interval_seconds\": 0");
    catalog_ = make_catalog(cfg_, "resume_t", {{"t", "LOG_BASED"}});
    dir_ = make_temp_dir("signal");
  }
  std::vector<std::string> sync_args(const std::string& config, const std::vector<std::string>& extra) const {
    std::vector<std::string> a = {SLUICE_BINARY, "sync", "--config", config, "--catalog", catalog_};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  ServerInfo server_;
  std::string cfg_, every_commit_, catalog_, dir_;
};

TEST_P(SignalTest, SigtermIntoSqliteCommitsReportsInterruptedAndTheNextJobContinues) {
  // Rows of ~1.5 KB: the table (9 MB) is larger than what the job's thread may read ahead of the
  // SQLite writer thread (4 MiB), so at the stop point the job is still reading the table.
  admin_sql(server_, "ALTER TABLE resume_t.t ADD COLUMN pad VARCHAR(2000) NOT NULL DEFAULT '" +
                         std::string(1500, 'x') + "'");
  catalog_ = make_catalog(cfg_, "resume_t", {{"t", "LOG_BASED"}});
  std::string dest = dir_ + "/dest.db";
  std::vector<std::string> to_dest = {"--destination", "sqlite:" + dest, "--chunk-rows", "500"};
  // During the snapshot: stopped after its 4th chunk was committed, then SIGTERM.
  pid_t pid = start_process(sync_args(cfg_, to_dest), stop_env(5), "", dir_ + "/err1");
  int status = signal_at_stop(pid, {SIGTERM}, dir_ + "/err1");
  std::string err = read_file(dir_ + "/err1");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << status << "\n" << err;
  EXPECT_NE(err.find("sluice: interrupted by SIGTERM:"), std::string::npos) << err;
  EXPECT_NE(err.find("sluice: interrupted after loading 1 table"), std::string::npos) << err;
  nlohmann::json b = committed_state(dest)["bookmarks"][kStream];
  ASSERT_TRUE(b.contains("last_pk_fetched")) << b.dump();
  EXPECT_LT(b["last_pk_fetched"]["id"].get<int>(), 6000);
  CommandResult status_out = run_sluice({"status", "--destination", "sqlite:" + dest, "--json"});
  ASSERT_EQ(status_out.exit_code, 0) << status_out.err;
  auto reports = nlohmann::json::parse(status_out.out);
  ASSERT_EQ(reports.size(), 1u) << status_out.out;
  EXPECT_EQ(reports[0]["status"], "interrupted");
  EXPECT_EQ(reports[0]["tables"][0]["bookmark_after"]["last_pk_fetched"], b["last_pk_fetched"]);
  CommandResult table = run_sluice({"status", "--destination", "sqlite:" + dest});
  EXPECT_NE(table.out.find("interrupted"), std::string::npos) << table.out;

  CommandResult rest = run_command(sync_args(cfg_, to_dest));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(rest.err.find("resuming after"), std::string::npos) << rest.err;

  ChangeScript script(6001, 6000, 5);
  admin_sql(server_, script.transactions(60, 6, false));
  rest = run_command(sync_args(cfg_, to_dest));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest}));
}

TEST_P(SignalTest, SigtermOnSingerStdoutEndsWithAStateTheNextJobContinuesFrom) {
  std::string out1 = dir_ + "/run1.jsonl";
  pid_t pid = start_process(sync_args(cfg_, {"--chunk-rows", "500"}), stop_env(5), out1, dir_ + "/err1");
  int status = signal_at_stop(pid, {SIGTERM}, dir_ + "/err1");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << status << "\n" << read_file(dir_ + "/err1");
  std::vector<std::string> lines = split_lines(read_file(out1));
  ASSERT_FALSE(lines.empty());
  auto last = nlohmann::json::parse(lines.back());  // every line whole: the output was flushed
  ASSERT_EQ(last["type"], "STATE") << lines.back();
  ASSERT_TRUE(last["value"]["bookmarks"][kStream].contains("last_pk_fetched")) << lines.back();
  SyncRun rest = run_sync(cfg_, catalog_, out1, {"--chunk-rows", "500"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_LT(rest.records("t").size(), 6000u) << "the next job started over";
  // During the binlog catch-up: a STATE per transaction, SIGTERM after the 40th of 120.
  ChangeScript script(6001, 6000, 6);
  admin_sql(server_, script.transactions(120, 6, false));
  auto [end_file, end] = binlog_end(server_);
  std::string out2 = dir_ + "/run2.jsonl";
  pid =
      start_process(sync_args(every_commit_, {"--state", rest.out_path}), stop_env(41), out2, dir_ + "/err2");
  status = signal_at_stop(pid, {SIGTERM}, dir_ + "/err2");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << status << "\n" << read_file(dir_ + "/err2");
  lines = split_lines(read_file(out2));
  ASSERT_FALSE(lines.empty());
  last = nlohmann::json::parse(lines.back());
  ASSERT_EQ(last["type"], "STATE") << lines.back();
  EXPECT_LT(last["value"]["bookmarks"][kStream]["log_pos"].get<uint64_t>(), end) << "it read to the end";
  SyncRun catchup = run_sync(cfg_, catalog_, out2);
  ASSERT_EQ(catchup.exit_code, 0) << catchup.err;
  EXPECT_EQ(catchup.last_state()["bookmarks"][kStream]["log_pos"].get<uint64_t>(), end);
  expect_replay_equals_source(
      server_, "id,v,n,d",
      keyed_replay("singer", "t", "id,v,n,d", {out1, rest.out_path, out2, catchup.out_path}));
}

TEST_P(SignalTest, ASecondSignalEndsTheJobAtOnceAndTheCommittedBookmarkStays) {
  std::string dest = dir_ + "/dest.db";
  std::vector<std::string> to_dest = {"--destination", "sqlite:" + dest, "--chunk-rows", "500"};
  // SIGINT and SIGTERM both pending when it goes on: the second one ends it by that signal.
  pid_t pid = start_process(sync_args(cfg_, to_dest), stop_env(5), "", dir_ + "/err1");
  int status = signal_at_stop(pid, {SIGINT, SIGTERM}, dir_ + "/err1");
  ASSERT_TRUE(WIFSIGNALED(status)) << status << "\n" << read_file(dir_ + "/err1");
  nlohmann::json b = committed_state(dest)["bookmarks"][kStream];
  ASSERT_TRUE(b.contains("last_pk_fetched")) << b.dump();
  CommandResult rest = run_command(sync_args(cfg_, to_dest));
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_NE(rest.err.find("resuming after"), std::string::npos) << rest.err;
  expect_replay_equals_source(server_, "id,v,n,d", keyed_replay("sqlite", "t", "id,v,n,d", {dest}));
}

INSTANTIATE_TEST_SUITE_P(Servers, SignalTest, ::testing::ValuesIn(shared_server_names()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test::sync
