// kill -9 during log-based jobs, then a rerun from the last emitted (or committed) state, against
// real MariaDB and MySQL servers: during the initial snapshot with writes going on, during the
// binlog catch-up (inside a transaction, an ALTER TABLE ADD COLUMN in the range), and
// with SQLite / JSONL destinations resumed from their own state. Every time, the keyed replay
// of what the destination received (keyed_replay.py, an independent reader) equals the source
// table value by value, and every STATE names the end of a whole transaction.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "integration/sync/resume_support.h"
#include "integration/sync/sync_support.h"

namespace sluice::test::sync {
namespace {

using Clock = std::chrono::steady_clock;
const char* kStream = "resume_t-t";  // tap_stream_id: the bookmark key
const char* kRecords = "t";          // the Singer stream of the RECORDs

// Every STATE of `lines` names a transaction end (or the job's start position) and the GTID
// state the server had there.
void expect_states_at_transaction_ends(const ServerInfo& server, const std::vector<std::string>& lines,
                                       const nlohmann::json& start) {
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> by_file;  // file -> (log_pos, gtid)
  for (const std::string& line : lines) {
    auto m = nlohmann::json::parse(line, nullptr, false);
    if (m.is_discarded() || m["type"] != "STATE") continue;
    const auto& b = m["value"]["bookmarks"][kStream];
    std::string file = b["log_file"];
    uint64_t pos = b["log_pos"];
    if (file == start["log_file"] && pos == start["log_pos"]) continue;
    by_file[file].emplace_back(pos, b.value("gtid", std::string("(none)")));
  }
  EXPECT_FALSE(by_file.empty()) << "no STATE past the start position";
  for (const auto& [file, states] : by_file) {
    auto ends = transaction_ends(server, file);
    std::vector<uint64_t> positions;
    for (const auto& s : states) positions.push_back(s.first);
    std::vector<std::string> want = gtids_at(server, file, positions);
    ASSERT_EQ(want.size(), states.size());
    for (size_t i = 0; i < states.size(); ++i) {
      EXPECT_TRUE(std::find(ends.begin(), ends.end(), states[i].first) != ends.end())
          << server.name << ": STATE at " << file << ":" << states[i].first << " is not the end of a transaction";
      if (!want[i].empty()) {
        EXPECT_EQ(states[i].second, want[i]) << server.name << ": gtid of the STATE at " << file << ":" << states[i].first;
      }
    }
  }
}

// Waits (at most 60 s) until `writer` committed `n` more transactions.
void wait_for_writes(const BackgroundWriter& writer, int64_t n) {
  int64_t want = writer.committed() + n;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (writer.committed() < want) {
    ASSERT_LT(Clock::now(), deadline) << "the background writer stalled";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

class ResumeLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { server_ = shared_server(GetParam()); }
  std::string config(bool state_every_commit) {
    return write_config(server_, std::string("\"filter_dbs\": \"resume_t\", \"server_id\": 7710") +
                                     (state_every_commit ? ", \"state_interval_seconds\": 0" : ""));
  }
  ServerInfo server_;
};

TEST_P(ResumeLogTest, Kill9DuringTheSnapshotWithConcurrentWrites) {
  const int rows = 40000;
  create_resume_table(server_, rows);
  std::string cfg = config(false);
  std::string catalog = make_catalog(cfg, "resume_t", {{"t", "LOG_BASED"}});
  BackgroundWriter writer(server_, rows);
  std::string killed = make_temp_dir("snapkill") + "/out.jsonl";
  // Stopped right after the STATE of its 4th chunk (the first checkpoint is the stream's start).
  pid_t pid = start_process(
      {SLUICE_BINARY, "sync", "--config", cfg, "--catalog", catalog, "--chunk-rows", "500", "--quiet"},
      stop_env(5), killed, killed + ".err");
  ASSERT_TRUE(wait_until_stopped(pid))
      << "the job did not stop in its snapshot: " << read_file(killed + ".err");
  // Writes land between the snapshot's start and the kill.
  wait_for_writes(writer, 2);
  kill9_and_reap(pid);
  std::string last_state;
  size_t snapshot_rows = 0;
  for (const std::string& line : split_lines(read_file(killed))) {
    auto m = nlohmann::json::parse(line, nullptr, false);
    if (m.is_discarded()) continue;
    if (m["type"] == "STATE") last_state = line;
    if (m["type"] == "RECORD") ++snapshot_rows;
  }
  ASSERT_LT(snapshot_rows, static_cast<size_t>(rows)) << "the snapshot ended before the kill: make the table bigger";
  ASSERT_NE(last_state.find("last_pk_fetched"), std::string::npos) << last_state;
  // Writes go on between the runs and during the resumed snapshot.
  wait_for_writes(writer, 3);
  std::string state = make_temp_dir("snapstate") + "/state.json";
  write_file(state, last_state);
  SyncRun resumed = run_sync(cfg, catalog, state, {"--chunk-rows", "500"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_LT(resumed.records(kRecords).size(), static_cast<size_t>(rows)) << "the resumed snapshot started over";
  auto b = resumed.last_state()["bookmarks"][kStream];
  EXPECT_FALSE(b.contains("last_pk_fetched")) << b.dump();
  // The bookmark of the first (killed) job's snapshot is kept: the catch-up starts there.
  EXPECT_EQ(b["log_pos"], nlohmann::json::parse(last_state)["value"]["bookmarks"][kStream]["log_pos"]);
  int64_t writes = writer.stop();
  EXPECT_GE(writes, 5);
  SyncRun catchup = run_sync(cfg, catalog, resumed.out_path);
  ASSERT_EQ(catchup.exit_code, 0) << catchup.err;
  EXPECT_GT(catchup.records(kRecords).size(), 0u);
  expect_replay_equals_source(server_, "id,v,n,d",
                              keyed_replay("singer", kRecords, "id,v,n,d", {killed, resumed.out_path, catchup.out_path}));
}

TEST_P(ResumeLogTest, Kill9DuringTheBinlogCatchupWithAlterInTheRange) {
  for (double fraction : {0.25, 0.75}) {
    SCOPED_TRACE("kill after " + std::to_string(fraction) + " of the changes");
    create_resume_table(server_, 2000);
    std::string cfg = config(false);
    std::string before_alter = make_catalog(cfg, "resume_t", {{"t", "LOG_BASED"}});
    SyncRun first = run_sync(cfg, before_alter);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    nlohmann::json start = first.last_state()["bookmarks"][kStream];
    ChangeScript script(2001, 2000, 7);
    // (one statement each: the operands of + are evaluated in no set order)
    std::string sql = script.transactions(150, 20, false);
    sql += "ALTER TABLE resume_t.t ADD COLUMN c_added VARCHAR(16) DEFAULT 'dflt' AFTER v;";
    sql += script.transactions(150, 20, true);
    admin_sql(server_, sql);
    // A catalog discovered after the ALTER selects c_added: it joins the stream at the ALTER.
    std::string catalog = make_catalog(cfg, "resume_t", {{"t", "LOG_BASED"}});
    // A STATE after each transaction (state_interval_seconds 0): stopped inside the transaction
    // after the `fraction` of them (the ALTER is the 151st of 301), one row past its STATE.
    std::string dir = make_temp_dir("binkill");
    std::string killed = dir + "/killed.jsonl";
    pid_t pid = start_process({SLUICE_BINARY, "sync", "--config", config(true), "--catalog", catalog,
                               "--state", first.out_path, "--quiet"},
                              stop_env(1 + static_cast<uint64_t>(fraction * 300), 1), killed, dir + "/err");
    ASSERT_TRUE(wait_until_stopped(pid))
        << "the job ended before the kill point: " << read_file(dir + "/err");
    kill9_and_reap(pid);
    // Whole lines only: the Singer buffer may have been written in the middle of one.
    std::vector<std::string> lines;
    std::string text, last_state;
    size_t killed_records = 0;
    for (const std::string& l : split_lines(read_file(killed))) {
      if (nlohmann::json::parse(l, nullptr, false).is_discarded()) continue;
      lines.push_back(l);
      text += l + "\n";
      if (l.find("{\"type\":\"STATE\"") == 0) last_state = l;
      killed_records += l.find("{\"type\":\"RECORD\"") == 0;
    }
    write_file(killed, text);
    expect_states_at_transaction_ends(server_, lines, start);
    // Killed before or after the ALTER, as intended: the saved columns say which.
    bool past_alter = last_state.find("c_added") != std::string::npos;
    EXPECT_EQ(past_alter, fraction > 0.5) << last_state;
    write_file(dir + "/state.json", last_state);
    SyncRun resumed = run_sync(cfg, catalog, dir + "/state.json");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    expect_states_at_transaction_ends(server_, resumed.lines, start);
    // At-least-once: every change reached the target; the rerun did not start over.
    EXPECT_GE(killed_records + resumed.records(kRecords).size(), script.changes());
    EXPECT_LT(resumed.records(kRecords).size(), script.changes());
    expect_replay_equals_source(
        server_, "id,v,c_added,n,d",
        keyed_replay("singer", kRecords, "id,v,c_added,n,d", {first.out_path, killed, resumed.out_path}));
  }
}

// The committed log_pos of the destination's state, 0 when none yet.
uint64_t committed_pos(const std::string& kind, const std::string& dest) {
  std::string state;
  if (kind == "sqlite") {
    CommandResult r = run_command({"sqlite3", dest, "SELECT state FROM _sluice_state WHERE id = 1"});
    if (r.exit_code != 0) return 0;
    state = r.out;
  } else {
    std::string text = read_file(dest + "/_sluice_checkpoint.json");
    auto cp = nlohmann::json::parse(text, nullptr, false);
    if (cp.is_discarded() || !cp.contains("state")) return 0;
    state = cp["state"].is_string() ? cp["state"].get<std::string>() : cp["state"].dump();
  }
  auto j = nlohmann::json::parse(state, nullptr, false);
  if (j.is_discarded()) return 0;
  return j["bookmarks"][kStream].value("log_pos", uint64_t{0});
}

class ResumeDestinationTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(ResumeDestinationTest, Kill9DuringTheCatchupResumesFromTheDestination) {
  ServerInfo server = shared_server(std::get<0>(GetParam()));
  std::string kind = std::get<1>(GetParam());
  create_resume_table(server, 2000);
  std::string cfg = write_config(server, "\"filter_dbs\": \"resume_t\", \"server_id\": 7711");
  std::string every_commit =
      write_config(server, "\"filter_dbs\": \"resume_t\", \"server_id\": 7711, \"state_interval_seconds\": 0");
  std::string dir = make_temp_dir("destkill");
  std::string dest = kind == "sqlite" ? dir + "/dest.db" : dir + "/out";
  std::vector<std::string> to_dest = {"--destination", kind + ":" + dest, "--quiet"};
  auto sync = [&](const std::string& config, const std::string& catalog) {
    std::vector<std::string> args = {"sync", "--config", config, "--catalog", catalog};
    args.insert(args.end(), to_dest.begin(), to_dest.end());
    return args;
  };
  std::string before_alter = make_catalog(cfg, "resume_t", {{"t", "LOG_BASED"}});
  CommandResult first = run_sluice(sync(cfg, before_alter));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  uint64_t start = committed_pos(kind, dest);
  ASSERT_GT(start, 0u);
  ChangeScript script(2001, 2000, 11);
  std::string sql = script.transactions(400, 8, false);
  sql += "ALTER TABLE resume_t.t ADD COLUMN c_added VARCHAR(16) DEFAULT 'dflt' AFTER v;";
  sql += script.transactions(400, 8, true);
  admin_sql(server, sql);
  auto [end_file, end] = binlog_end(server);
  std::string catalog = make_catalog(cfg, "resume_t", {{"t", "LOG_BASED"}});
  // One commit per transaction (state_interval_seconds 0): stopped right after the destination
  // committed the first third of the 801 (the job's first checkpoint is its start).
  std::vector<std::string> args = sync(every_commit, catalog);
  args.insert(args.begin(), SLUICE_BINARY);
  pid_t pid = start_process(args, stop_env(1 + 801 / 3), "/dev/null", dir + "/err");
  ASSERT_TRUE(wait_until_stopped(pid)) << "the job ended before the kill point: " << read_file(dir + "/err");
  kill9_and_reap(pid);
  uint64_t killed_at = committed_pos(kind, dest);
  ASSERT_GT(killed_at, start) << "nothing was committed before the kill";
  ASSERT_LT(killed_at, end) << "the job finished before the kill";
  CommandResult resumed = run_sluice(sync(cfg, catalog));  // no --state: the destination's own
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(committed_pos(kind, dest), end);
  std::string cols = "id,v,c_added,n,d";
  if (kind == "sqlite") {
    expect_replay_equals_source(server, cols, keyed_replay("sqlite", "t", cols, {dest}));
  } else {
    CommandResult lines = run_command({"/bin/sh", "-c", "cat " + dest + "/resume_t-t-*.jsonl | wc -l"});
    // Exactly once: the snapshot's rows and each change, none twice.
    EXPECT_EQ(std::stoul(lines.out), 2000 + script.changes());
    expect_replay_equals_source(server, cols, keyed_replay("jsonl", "resume_t-t", cols, {dest}));
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, ResumeLogTest, ::testing::ValuesIn(shared_server_names()),
                         [](const auto& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Servers, ResumeDestinationTest,
                         ::testing::Combine(::testing::ValuesIn(shared_server_names()),
                                            ::testing::Values("sqlite", "jsonl")),
                         [](const auto& p) { return std::get<0>(p.param) + "_" + std::get<1>(p.param); });

}  // namespace
}  // namespace sluice::test::sync
