// `sluice sync --threads N` (parallel key ranges over several connections) against real MariaDB
// and MySQL servers: a composite string primary key (ranges by probed boundaries) read whole,
// no row twice; a kill -9 during a parallel snapshot resumes from the last STATE without losing
// a row, and that STATE never claims a key whose row was not delivered; a log-based first job
// with writes going on during the parallel snapshot, then the catch-up job: the keyed replay of
// every record equals the source table.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "integration/sync/sync_support.h"
#include "mysql/connection.h"

namespace sluice::test::sync {
namespace {

// INSERT INTO `table` the rows of `select_from_n` for i = 1..rows (a recursive CTE named n).
std::string fill(const ServerInfo& server, const std::string& table, const std::string& select_from_n, int rows) {
  return std::string(server.is_mysql() ? "SET SESSION cte_max_recursion_depth = 1000000;"
                                       : "SET SESSION max_recursive_iterations = 1000000;") +
         "INSERT INTO " + table + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) + ") " +
         select_from_n;
}

class ParallelSyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = shared_server(GetParam());
    admin_sql(server_,
              "DROP DATABASE IF EXISTS par_t; CREATE DATABASE par_t CHARACTER SET utf8mb4;"
              "CREATE TABLE par_t.comp (a VARCHAR(20) NOT NULL, b INT NOT NULL, v VARCHAR(40), PRIMARY KEY (a, b));"
              "CREATE TABLE par_t.big (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), n BIGINT);");
    config_ = write_config(server_, "\"filter_dbs\": \"par_t\", \"server_id\": 7710");
  }
  ServerInfo server_;
  std::string config_;
};

TEST_P(ParallelSyncTest, CompositeStringKeyReadWholeByProbedRanges) {
  // Keys that sort by collation, not bytes: mixed case, accents, a 4-byte character.
  admin_sql(server_, fill(server_, "par_t.comp",
                              "SELECT ELT(1 + i % 6, 'alpha', 'Beta', 'émile', 'zeta', 'Zürich', '😀 smile'), i,"
                              " CONCAT('v', i) FROM n",
                              3000));
  std::string catalog = make_catalog(config_, "par_t", {{"comp", "FULL_TABLE"}});
  std::set<std::string> want;
  for (const std::string& line : split_lines(admin_sql(server_, "SELECT a, b, v FROM par_t.comp"))) want.insert(line);
  ASSERT_EQ(want.size(), 3000u);
  for (const char* threads : {"2", "3"}) {
    SyncRun run = run_sync(config_, catalog, "", {"--threads", threads, "--chunk-rows", "97"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    std::set<std::string> got;
    for (const auto& r : run.records("comp")) {
      std::string row = r["a"].get<std::string>() + "\t" + std::to_string(r["b"].get<int>()) + "\t" +
                        r["v"].get<std::string>();
      EXPECT_TRUE(got.insert(row).second) << "delivered twice: " << row;
    }
    EXPECT_EQ(got, want) << "--threads " << threads;
  }
}

TEST_P(ParallelSyncTest, ResumesAfterKill9DuringParallelFullTable) {
  const int rows = 60000;
  admin_sql(server_, fill(server_, "par_t.big", "SELECT i, CONCAT('row ', i), i * 3 FROM n", rows) +
                         "; ANALYZE TABLE par_t.big;");
  std::string catalog = make_catalog(config_, "par_t", {{"big", "FULL_TABLE"}});
  std::string partial = sync_killed_after_states(config_, catalog, {"--chunk-rows", "500", "--threads", "3"}, 5);
  auto [seen, last_state] = parse_killed_output(partial);
  ASSERT_LT(seen.size(), static_cast<size_t>(rows)) << "the job finished before the kill: make the table bigger";
  // The bookmark claims only keys whose rows came before it (the contiguous frontier).
  auto state = nlohmann::json::parse(last_state);
  int64_t frontier = state["value"]["bookmarks"]["par_t-big"]["last_pk_fetched"]["id"].get<int64_t>();
  for (int64_t id = 1; id <= frontier; ++id) ASSERT_TRUE(seen.count(id)) << "STATE claims " << frontier << ", row " << id << " missing";
  std::string state_path = make_temp_dir("pstate") + "/state.json";
  write_file(state_path, last_state);
  SyncRun resumed = run_sync(config_, catalog, state_path, {"--chunk-rows", "500", "--threads", "2"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  for (const auto& r : resumed.records("big")) {
    EXPECT_GT(r["id"].get<int64_t>(), frontier);
    seen.insert(r["id"].get<int64_t>());
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(rows));
  EXPECT_EQ(*seen.begin(), 1);
  EXPECT_EQ(*seen.rbegin(), rows);
  EXPECT_LT(resumed.records("big").size(), static_cast<size_t>(rows));
}

// Small random transactions on par_t.big, on its own connection and thread, until stopped (ids
// up to 1.1 x rows).
class Writer {
 public:
  Writer(const ServerInfo& server, int rows) : thread_([this, server, rows] { run(server, rows); }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int batches() const { return batches_.load(); }  ///< committed transactions
  const std::string& error() const { return error_; }

 private:
  void run(const ServerInfo& server, int rows) {
    auto conn = mysql::Connection::connect(admin_connect_options(server));
    if (!conn) {
      error_ = conn.error().message;
      return;
    }
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> id(1, rows + rows / 10), op(0, 9), len(1, 4);
    while (!stop_) {
      std::vector<std::string> txn{"BEGIN"};
      for (int s = len(rng); s > 0; --s) {
        int k = id(rng), kind = op(rng);
        std::string ks = std::to_string(k);
        if (kind < 4) {
          txn.push_back("INSERT INTO par_t.big VALUES (" + ks + ", 'ins " + ks + "', " + ks +
                        ") ON DUPLICATE KEY UPDATE n = n + 1");
        } else if (kind < 8) {
          txn.push_back("UPDATE par_t.big SET v = CONCAT('upd ', id), n = n + 7 WHERE id = " + ks);
        } else {
          txn.push_back("DELETE FROM par_t.big WHERE id = " + ks);
        }
      }
      txn.push_back("COMMIT");
      for (const std::string& sql : txn) {
        auto st = (*conn)->execute(sql);
        if (!st) {
          error_ = st.error().message;
          return;
        }
      }
      ++batches_;
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<int> batches_{0};
  std::string error_;
  std::thread thread_;
};

TEST_P(ParallelSyncTest, LogBasedParallelSnapshotWithConcurrentWritesReplaysToSource) {
  const int rows = 20000;
  admin_sql(server_, fill(server_, "par_t.big", "SELECT i, CONCAT('row ', i), i FROM n", rows) +
                         "; ANALYZE TABLE par_t.big;");
  std::string catalog = make_catalog(config_, "par_t", {{"big", "LOG_BASED"}});
  Writer writer(server_, rows);
  // Stopped after its first chunk; writes are committed before it goes on.
  int during = 0;
  SyncRun first = run_sync_paused(config_, catalog, {"--threads", "2", "--chunk-rows", "1000"}, 2, [&] {
    int before = writer.batches();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (writer.batches() < before + 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    during = writer.batches() - before;
  });
  writer.stop();
  ASSERT_TRUE(writer.error().empty()) << writer.error();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_GE(during, 3) << "no write committed while the snapshot ran";
  SyncRun second = run_sync(config_, catalog, first.out_path);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Keyed replay: later records win, a record with _sdc_deleted_at removes its key.
  std::map<int64_t, std::string> replay;
  for (const SyncRun* run : {&first, &second}) {
    for (const auto& r : run->records("big")) {
      int64_t id = r["id"].get<int64_t>();
      if (r.contains("_sdc_deleted_at") && !r["_sdc_deleted_at"].is_null()) {
        replay.erase(id);
      } else {
        replay[id] = std::to_string(id) + "\t" + r["v"].get<std::string>() + "\t" + std::to_string(r["n"].get<int64_t>());
      }
    }
  }
  std::vector<std::string> want = split_lines(admin_sql(server_, "SELECT id, v, n FROM par_t.big ORDER BY id"));
  std::vector<std::string> got;
  for (const auto& [id, line] : replay) got.push_back(line);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i;
}

INSTANTIATE_TEST_SUITE_P(Servers, ParallelSyncTest, ::testing::ValuesIn(shared_server_names()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace sluice::test::sync
