// The crash-and-resume soak (issue 12's acceptance): log-based jobs into SQLite and PostgreSQL,
// from MariaDB and MySQL, killed with SIGKILL again and again while a writer changes the source
// with primary-key updates, deletes, re-inserts of the same key, a TRUNCATE and an ALTER TABLE
// ADD COLUMN. One kill lands in the first snapshot, the others in the binlog catch-up (which
// holds the TRUNCATE and the ALTER): right after a committed checkpoint or inside the open
// transaction after it (the job stops itself there: stop_env), or after a random delay.
// At the end every table's live rows (`_sdc_deleted_at` unset) equal the source's value by
// value, with no key the source does not have. Bounded by count: 9 kills per destination and
// server (36 in all), at most 24 jobs each. The seed is in the trace of a failure.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "integration/sync/sync_support.h"
#include "mysql/connection.h"
#include "support/pg_test_server.h"

namespace sluice::test::sync {
namespace {

constexpr int kKills = 9;
constexpr int kMaxAttempts = 24;
constexpr int kBatch = 25;       // writer transactions started with each job
constexpr int kTruncateAt = 60;  // the writer's transaction that truncates b (after the snapshots)
constexpr int kAlterAt = 110;    // the one that adds a column to a

// Random transactions on soak_t.a (int key) and soak_t.b (composite key) on their own connection
// and thread, `kBatch` at a time when asked (so the amount of work is bounded by the job count).
class SoakWriter {
 public:
  SoakWriter(const ServerInfo& server, uint32_t seed) : rng_(seed), thread_([this, server] { run(server); }) {
    for (int i = 1; i <= 1500; ++i) live_a_.push_back(i);
    for (int i = 1; i <= 400; ++i) live_b_.emplace_back(kPrefixes[i % 3], i);
  }
  ~SoakWriter() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void request(int n) {
    {
      std::lock_guard lock(mu_);
      pending_ += n;
    }
    cv_.notify_all();
  }
  /// Waits until every requested transaction ran (at most 120 s); the writer's error, "" if none.
  std::string drain() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(120), [&] { return pending_ == 0 || !error_.empty(); });
    if (error_.empty() && pending_ != 0) return "the writer did not finish in 120 s";
    return error_;
  }
  int done() const { return done_.load(); }

 private:
  static constexpr const char* kPrefixes[3] = {"p", "q", "r"};

  void run(const ServerInfo& server) {
    auto conn = mysql::Connection::connect(admin_connect_options(server));
    std::unique_lock lock(mu_);
    if (!conn) error_ = conn.error().message;
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || (pending_ > 0 && error_.empty()); });
      if (stop_) return;
      lock.unlock();
      std::string err;
      for (const std::string& sql : transaction(done_ + 1)) {
        if (auto st = (*conn)->execute(sql); !st) {
          err = sql + ": " + st.error().message;
          break;
        }
      }
      lock.lock();
      if (!err.empty()) error_ = err;
      --pending_;
      ++done_;
      cv_.notify_all();
    }
  }

  std::string next_value() {
    ++counter_;
    return "'v" + std::to_string(counter_) + "', " + std::to_string(counter_);
  }
  template <typename T>
  T take(std::vector<T>& from) {
    size_t k = rng_() % from.size();
    T v = from[k];
    from[k] = from.back();
    from.pop_back();
    return v;
  }
  static std::string key_b(const std::pair<std::string, int>& k) {
    return "k1 = '" + k.first + "' AND k2 = " + std::to_string(k.second);
  }

  // One statement on a: insert, update, primary-key change, delete, re-insert of a deleted key,
  // or a delete and re-insert of one key in the same transaction.
  void on_a(std::vector<std::string>& sql) {
    auto pick = rng_() % 12;
    if (live_a_.size() < 50) pick = 0;
    if (pick == 0 || (pick == 5 && dead_a_.empty())) {
      int id = next_a_++;
      live_a_.push_back(id);
      sql.push_back("INSERT INTO soak_t.a (id, v, n) VALUES (" + std::to_string(id) + ", " + next_value() +
                    ")");
    } else if (pick <= 3) {
      std::string id = std::to_string(live_a_[rng_() % live_a_.size()]);
      sql.push_back("UPDATE soak_t.a SET v = CONCAT(v, '+'), n = n + 1 WHERE id = " + id);
    } else if (pick == 4) {
      int from = take(live_a_), to = next_a_++;
      live_a_.push_back(to);
      sql.push_back("UPDATE soak_t.a SET id = " + std::to_string(to) +
                    ", n = n + 1000 WHERE id = " + std::to_string(from));
    } else if (pick == 5) {
      int id = take(dead_a_);
      live_a_.push_back(id);
      sql.push_back("INSERT INTO soak_t.a (id, v, n) VALUES (" + std::to_string(id) + ", " + next_value() +
                    ")");
    } else if (pick <= 8) {
      int id = take(live_a_);
      dead_a_.push_back(id);
      sql.push_back("DELETE FROM soak_t.a WHERE id = " + std::to_string(id));
    } else if (pick == 9) {
      int id = live_a_[rng_() % live_a_.size()];
      sql.push_back("DELETE FROM soak_t.a WHERE id = " + std::to_string(id));
      sql.push_back("INSERT INTO soak_t.a (id, v, n) VALUES (" + std::to_string(id) + ", " + next_value() +
                    ")");
    } else {
      // A key changed back and forth: the old key is live again at the end.
      int id = live_a_[rng_() % live_a_.size()], tmp = next_a_++;
      sql.push_back("UPDATE soak_t.a SET id = " + std::to_string(tmp) + " WHERE id = " + std::to_string(id));
      sql.push_back("UPDATE soak_t.a SET id = " + std::to_string(id) +
                    ", n = n + 7 WHERE id = " + std::to_string(tmp));
    }
  }

  // One statement on b: insert, primary-key change (one key column), delete, re-insert.
  void on_b(std::vector<std::string>& sql) {
    auto pick = rng_() % 6;
    if (live_b_.size() < 20) pick = 0;
    if (pick == 0 || (pick == 3 && dead_b_.empty())) {
      std::pair<std::string, int> k{kPrefixes[rng_() % 3], next_b_++};
      live_b_.push_back(k);
      sql.push_back("INSERT INTO soak_t.b VALUES ('" + k.first + "', " + std::to_string(k.second) + ", " +
                    next_value() + ")");
    } else if (pick == 1) {
      auto k = take(live_b_);
      std::pair<std::string, int> to{k.first, next_b_++};
      live_b_.push_back(to);
      sql.push_back("UPDATE soak_t.b SET k2 = " + std::to_string(to.second) + " WHERE " + key_b(k));
    } else if (pick == 2) {
      dead_b_.push_back(take(live_b_));
      sql.push_back("DELETE FROM soak_t.b WHERE " + key_b(dead_b_.back()));
    } else if (pick == 3) {
      auto k = take(dead_b_);
      live_b_.push_back(k);
      sql.push_back("INSERT INTO soak_t.b VALUES ('" + k.first + "', " + std::to_string(k.second) + ", " +
                    next_value() + ")");
    } else {
      sql.push_back("UPDATE soak_t.b SET w = CONCAT(w, '+'), n = n + 1 WHERE " +
                    key_b(live_b_[rng_() % live_b_.size()]));
    }
  }

  std::vector<std::string> transaction(int number) {
    if (number == kTruncateAt) {
      // Keys that lived before the TRUNCATE come back after it.
      std::vector<std::string> sql = {"TRUNCATE TABLE soak_t.b"};
      dead_b_.insert(dead_b_.end(), live_b_.begin(), live_b_.end());
      live_b_.clear();
      for (int i = 0; i < 30; ++i) on_b(sql);
      return sql;
    }
    if (number == kAlterAt)
      return {"ALTER TABLE soak_t.a ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'e' AFTER id"};
    std::vector<std::string> sql = {"BEGIN"};
    for (int s = 1 + static_cast<int>(rng_() % 3); s > 0; --s) {
      if (rng_() % 4 == 0)
        on_b(sql);
      else
        on_a(sql);
    }
    sql.push_back("COMMIT");
    return sql;
  }

  std::mt19937 rng_;
  std::vector<int> live_a_, dead_a_;
  std::vector<std::pair<std::string, int>> live_b_, dead_b_;
  int next_a_ = 1501, next_b_ = 401;
  int64_t counter_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  int pending_ = 0;
  std::atomic<int> done_{0};
  bool stop_ = false;
  std::string error_;
  std::thread thread_;
};

struct Destination {
  std::string kind;    // "sqlite" or "postgres"
  std::string path;    // SQLite file
  std::string schema;  // PostgreSQL schema
};

// Live rows of `table` with `cols`, tab-separated, sorted.
std::vector<std::string> live_rows(const Destination& d, const std::string& table, const std::string& cols) {
  std::vector<std::string> rows;
  std::string sql = "SELECT " + cols + " FROM ";
  if (d.kind == "sqlite") {
    CommandResult r = run_command({"sqlite3", "-batch", "-noheader", "-separator", "\t", d.path,
                                   sql + table + " WHERE _sdc_deleted_at IS NULL"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    rows = split_lines(r.out);
  } else {
    rows = split_lines(psql(sql + d.schema + "." + table + " WHERE _sdc_deleted_at IS NULL"));
    for (std::string& row : rows) std::replace(row.begin(), row.end(), '|', '\t');
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

void expect_equal_rows(const ServerInfo& server, const Destination& d, const std::string& table,
                       const std::string& cols, size_t key_columns) {
  std::vector<std::string> source =
      split_lines(admin_sql(server, "SELECT " + cols + " FROM soak_t." + table));
  std::sort(source.begin(), source.end());
  std::vector<std::string> dest = live_rows(d, table, cols);
  auto key = [key_columns](const std::string& row) {
    size_t at = 0;
    for (size_t i = 0; i < key_columns; ++i) at = row.find('\t', at) + 1;
    return row.substr(0, at);
  };
  std::vector<std::string> missing, extra;
  std::set_difference(source.begin(), source.end(), dest.begin(), dest.end(), std::back_inserter(missing));
  std::set_difference(dest.begin(), dest.end(), source.begin(), source.end(), std::back_inserter(extra));
  std::set<std::string> source_keys;
  for (const std::string& r : source) source_keys.insert(key(r));
  size_t unknown_keys = 0;
  for (const std::string& r : extra) unknown_keys += source_keys.count(key(r)) == 0;
  EXPECT_TRUE(missing.empty() && extra.empty())
      << table << ": " << source.size() << " source rows, " << dest.size()
      << " live rows at the destination; " << missing.size()
      << " source rows missing or different (first: " << (missing.empty() ? "" : missing[0]) << "), "
      << extra.size() << " live rows not in the source (" << unknown_keys
      << " with a key the source does not have; first: " << (extra.empty() ? "" : extra[0]) << ")";
}

// Waits up to `ms` for child `pid` to end; true when it did (its status in `status`).
bool ended_within(pid_t pid, int ms, int& status) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  do {
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

void create_soak_tables(const ServerInfo& server) {
  admin_sql(
      server,
      std::string(server.is_mysql() ? "SET SESSION cte_max_recursion_depth = 10000;"
                                    : "SET SESSION max_recursive_iterations = 10000;") +
          "DROP DATABASE IF EXISTS soak_t; CREATE DATABASE soak_t;"
          "CREATE TABLE soak_t.a (id INT NOT NULL PRIMARY KEY, v VARCHAR(200) NOT NULL, n INT NOT NULL);"
          "CREATE TABLE soak_t.b (k1 VARCHAR(4) NOT NULL, k2 INT NOT NULL, w VARCHAR(200) NOT NULL,"
          " n INT NOT NULL, PRIMARY KEY (k1, k2));"
          "INSERT INTO soak_t.a WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s"
          " WHERE i < 1500) SELECT i, CONCAT('row ', i), i FROM s;"
          "INSERT INTO soak_t.b WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s"
          " WHERE i < 400) SELECT ELT(1 + i % 3, 'p', 'q', 'r'), i, CONCAT('row ', i), i FROM s;");
}

// The job's command line into `d` (a fresh SQLite file or PostgreSQL schema): a commit per
// binlog transaction, snapshots in chunks of 300 rows.
std::vector<std::string> soak_job(const ServerInfo& server, Destination& d) {
  std::string settings = "\"filter_dbs\": \"soak_t\", \"server_id\": 7720, \"state_interval_seconds\": 0";
  std::vector<std::string> to_dest = {"--chunk-rows", "300", "--quiet"};
  if (d.kind == "sqlite") {
    d.path = make_temp_dir("soak") + "/dest.db";
    to_dest.insert(to_dest.end(), {"--destination", "sqlite:" + d.path});
  } else {
    d.schema = "soak_" + server.name;
    psql("DROP SCHEMA IF EXISTS " + d.schema + " CASCADE");
    settings +=
        ", \"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
        ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"schema\": \"" +
        d.schema + "\", \"report\": false}";
  }
  std::string config = write_config(server, settings);
  std::string catalog = make_catalog(config, "soak_t", {{"a", "LOG_BASED"}, {"b", "LOG_BASED"}});
  std::vector<std::string> args = {SLUICE_BINARY, "sync", "--config", config, "--catalog", catalog};
  args.insert(args.end(), to_dest.begin(), to_dest.end());
  return args;
}

// Starts jobs (each with a batch of writes) and kills them, counting.
class Killer {
 public:
  Killer(std::vector<std::string> args, SoakWriter& writer, std::mt19937& rng)
      : args_(std::move(args)), writer_(writer), rng_(rng), dir_(make_temp_dir("soakrun")) {}

  /// Mode 0 stops the job right after a committed checkpoint (`env`), 1 inside the transaction
  /// after one, 2 lets it run a random time; then SIGKILL. False when it ended first (with 0).
  bool attempt(int mode, const std::vector<std::string>& env) {
    writer_.request(kBatch);
    std::string err = dir_ + "/err" + std::to_string(attempts++);
    pid_t pid = start_process(args_, env, "/dev/null", err);
    int status = 0;
    bool ended = mode == 2 ? ended_within(pid, static_cast<int>(rng_() % 300), status)
                           : !wait_until_stopped(pid, 60, &status);
    if (ended && mode != 2 && waitpid(pid, nullptr, WNOHANG) == 0) {
      kill9_and_reap(pid);
      ADD_FAILURE() << "the job neither stopped nor ended in 60 s: " << read_file(err);
      return false;
    }
    if (ended) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << ": " << read_file(err);
      return false;
    }
    kill9_and_reap(pid);
    ++kills;
    ++by_mode[mode];
    return true;
  }
  int kills = 0, attempts = 0, by_mode[3] = {0, 0, 0};

 private:
  std::vector<std::string> args_;
  SoakWriter& writer_;
  std::mt19937& rng_;
  std::string dir_;
};

class CrashSoakTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(CrashSoakTest, KilledJobsEndEqualToTheSource) {
  ServerInfo server = shared_server(std::get<0>(GetParam()));
  Destination d{std::get<1>(GetParam()), "", ""};
  uint32_t seed = static_cast<uint32_t>(std::random_device{}());
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  create_soak_tables(server);
  std::vector<std::string> args = soak_job(server, d);
  SoakWriter writer(server, seed);
  Killer k(args, writer, rng);
  // The first job is killed inside the snapshot of a (5 chunks after the stream's first
  // checkpoint), the next one finishes the snapshots; writes go on meanwhile.
  ASSERT_TRUE(k.attempt(0, stop_env(1 + rng() % 5)));
  writer.request(kBatch);
  CommandResult finished = run_command(args);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  // Then the binlog catch-up, through the TRUNCATE and the ALTER.
  while (k.kills < kKills && k.attempts < kMaxAttempts && !HasFailure()) {
    int mode = k.attempts % 3;
    std::vector<std::string> env;
    if (mode == 0) env = stop_env(1 + rng() % 16);
    if (mode == 1) env = stop_env(1 + rng() % 16, 1 + rng() % 3);
    k.attempt(mode, env);
  }
  std::printf(
      "soak %s into %s: %d kills in %d jobs (%d after a checkpoint, %d inside a transaction, %d at random)\n",
      server.name.c_str(), d.kind.c_str(), k.kills, k.attempts + 1, k.by_mode[0], k.by_mode[1], k.by_mode[2]);
  ASSERT_GE(k.kills, kKills) << "in " << k.attempts << " attempts";
  ASSERT_EQ(writer.drain(), "");
  ASSERT_GE(writer.done(), kAlterAt);
  // The first run finishes a snapshot that a kill interrupted; the second reads the binlog to its end.
  for (int run = 0; run < 2; ++run) {
    CommandResult r = run_command(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  expect_equal_rows(server, d, "a", "id, v, n", 1);
  expect_equal_rows(server, d, "b", "k1, k2, w, n", 2);
}

INSTANTIATE_TEST_SUITE_P(Servers, CrashSoakTest,
                         ::testing::Combine(::testing::ValuesIn(shared_server_names()),
                                            ::testing::Values("sqlite", "postgres")),
                         [](const auto& p) { return std::get<0>(p.param) + "_" + std::get<1>(p.param); });

}  // namespace
}  // namespace sluice::test::sync
