#pragma once
// Helpers for the kill -9 resume tests of log-based jobs: a table and change workloads whose
// effect is known, a background writer, and the independent keyed replay (keyed_replay.py)
// compared with what the server SELECTs. Jobs are started and killed at known points with
// test_util.h (start_process, stop_env).

#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/test_servers.h"

namespace sluice::test::sync {

/// Creates resume_t.t (id INT PRIMARY KEY, v VARCHAR, n BIGINT, d DECIMAL(12,2)) with ids 1..rows.
void create_resume_table(const ServerInfo& server, int rows);

/// Random transactions over resume_t.t whose every statement changes exactly one row (a model
/// of the live ids is kept), so the number of binlog row changes is known: `changes()`.
class ChangeScript {
 public:
  ChangeScript(int first_free_id, int live_rows, uint32_t seed);
  /// `count` transactions of 1..max_rows statements (~40% INSERT, 40% UPDATE, 20% DELETE);
  /// every tenth one an autocommit statement. `added` also sets the column c_added.
  std::string transactions(int count, int max_rows, bool added);
  size_t changes() const { return changes_; }

 private:
  std::string statement(bool added);
  std::mt19937 rng_;
  std::vector<int> live_;
  int next_id_;
  int64_t counter_ = 0;
  size_t changes_ = 0;
};

/// Inserts, updates and deletes on resume_t.t in small transactions, on its own connection and
/// thread, until stop(). Ids up to `max_id` * 1.1 (beyond the snapshot's maximum key too).
class BackgroundWriter {
 public:
  BackgroundWriter(const ServerInfo& server, int max_id);
  ~BackgroundWriter();
  /// Stops and joins; returns the number of committed transactions (-1 after an error).
  int64_t stop();
  int64_t committed() const { return committed_.load(); }

 private:
  void run(ServerInfo server, int max_id);
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> committed_{0};
  std::string error_;
  std::thread thread_;
};

/// keyed_replay.py's output (MODE singer|jsonl|sqlite, NAME stream/stem/table, COLS "id,v,...",
/// then files): the surviving rows as tab-separated lines sorted by id. Fails the test on error.
std::vector<std::string> keyed_replay(const std::string& mode, const std::string& name, const std::string& cols,
                                      const std::vector<std::string>& inputs);

/// Compares replayed rows with `SELECT cols FROM resume_t.t ORDER BY id`. A column named
/// c_added that a row never received (ABSENT, or NULL in a destination that added it later)
/// must hold its DEFAULT 'dflt' at the source.
void expect_replay_equals_source(const ServerInfo& server, const std::string& cols,
                                 const std::vector<std::string>& replayed);

/// The binlog positions where a transaction ends in `file` (End_log_pos of XID events, of
/// COMMIT and of DDL statements), from SHOW BINLOG EVENTS.
std::vector<uint64_t> transaction_ends(const ServerInfo& server, const std::string& file);

/// The server's GTID state at each of `positions` of `file`, computed independently: MariaDB
/// BINLOG_GTID_POS() (one query), MySQL "uuid:1-N" of the last GTID event before the position in
/// SHOW BINLOG EVENTS ("" when none).
std::vector<std::string> gtids_at(const ServerInfo& server, const std::string& file,
                                  const std::vector<uint64_t>& positions);

/// The server's current binlog file and position.
std::pair<std::string, uint64_t> binlog_end(const ServerInfo& server);

}  // namespace sluice::test::sync
