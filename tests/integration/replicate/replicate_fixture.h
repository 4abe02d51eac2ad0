#pragma once
// What the `sluice replicate` tests share: a pipeline between two real servers (a fresh source
// database, a target account with only the privileges the docs list, the config file), a seeded
// random workload over many column types, and the row-by-row, value-by-value comparison.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mysql/connection.h"
#include "support/test_servers.h"

namespace sluice::test {

/// The MariaDB source of these tests, with binlog_row_metadata=MINIMAL (started once per test
/// binary, kept until exit).
const ServerInfo& replicate_source_mariadb();

struct Pipeline {
  ServerInfo source;
  ServerInfo target;
  std::string db;  // source database (the target's is db + "_copy": the rename map)
  std::string target_db;
  std::string position_schema;
  std::string work_dir;  // the config, the log and each process's stderr (both.err, extract.err, apply.err)
  std::string journal_dir;
  std::string config;         // config.json path
  uint64_t transactions = 0;  // workload transactions committed on the source so far
};

/// Drops what an earlier run left on both sides, creates the target account, notes the
/// source's binlog position (the pipeline's start) and writes the config. `replicate_extra`:
/// more keys of the replicate section (`"on_conflict": "overwrite"`); `target_db`: the target
/// database instead of db + "_copy".
Pipeline make_pipeline(const ServerInfo& source, const ServerInfo& target, const std::string& name,
                       size_t batch_rows = 500, const std::string& replicate_extra = "",
                       const std::string& target_db = "");

/// A seeded workload on the source: the schema (CREATE DATABASE and tables, replicated as DDL),
/// then transactions of inserts, updates (some changing the primary key), deletes on a keyed,
/// a unique-keyed and a keyless table, each adding one row to the keyless `counter` table
/// (txn number); an ALTER TABLE halfway when `alter_at` is reached.
class Workload {
 public:
  Workload(Pipeline& p, uint32_t seed);
  void create_schema();
  /// Adds `rows` rows to t_types and some to t_uk and t_nokey in large INSERTs (no counter row:
  /// data that is there before a pipeline exists, for an initial copy).
  void seed(size_t rows);
  /// Runs `n` transactions; `pause_ms` between them (0: none).
  void run(size_t n, unsigned pause_ms = 0, size_t alter_at = SIZE_MAX);
  /// Connects again to the pipeline's source (after a failover changed it).
  void reconnect();

 private:
  void one_transaction();
  std::string types_values(int id);
  Pipeline& p_;
  std::mt19937 rng_;
  std::unique_ptr<mysql::Connection> conn_;
  std::vector<int> ids_;  // live ids of t_types
  std::vector<int> uks_;  // live a of t_uk
  int next_id_ = 1;
  bool altered_ = false;
};

/// Waits (deadline `seconds`) until the target's counter table holds `transactions` rows.
bool wait_caught_up(const Pipeline& p, int seconds);
/// Every table of the source database, compared row by row and value by value with the
/// target's (failures name the table, row and column); and the counter table holds each
/// transaction exactly once.
void expect_tables_equal(const Pipeline& p);

/// `sluice replicate --config ... [--role R]` in the background, stderr to a file; its pid.
int start_replicate(const Pipeline& p, const std::string& role = "");

}  // namespace sluice::test
