#pragma once
// Helpers for the destination state tests (locks, `sluice reset`, damaged saved state): sluice
// jobs started in the background, a source table held locked so that a job that has taken its
// destination's lock waits inside the job (deterministically, however fast sluice is), and each
// destination's rows read back by an independent reader.

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mysql/connection.h"
#include "support/test_servers.h"

namespace sluice::test::state {

/// `sluice ARGS` in the background, stdout and stderr into files. Returns its pid.
pid_t spawn_sluice(const std::vector<std::string>& args, const std::string& out, const std::string& err);

/// Waits for `pid` to exit (up to `seconds`; then kills it and fails the test): its exit code.
int wait_exit(pid_t pid, int seconds = 120);

/// True once `ready()` holds, polled every 10 ms for up to `seconds`.
bool wait_until(const std::function<bool()>& ready, int seconds = 60);

/// `LOCK TABLES db.table WRITE` for each table, held on its own connection until release():
/// a job reading them waits there, after it has opened (and locked) its destination.
class SourceBlock {
 public:
  SourceBlock(const ServerInfo& server, const std::string& db, const std::vector<std::string>& tables);
  ~SourceBlock();
  void release();

 private:
  std::unique_ptr<mysql::Connection> conn_;
};

/// Database `db` with keyed tables `tables` (id INT PRIMARY KEY, v VARCHAR(40)), `rows` rows each.
void make_tables(const ServerInfo& server, const std::string& db, const std::vector<std::string>& tables,
                 int rows);

/// `sluice discover` of `db`, selecting only `methods` (table -> FULL_TABLE | LOG_BASED).
std::string make_catalog(const std::string& config, const std::string& db,
                         const std::map<std::string, std::string>& methods);

/// "id|v" lines ordered by id, as the source holds them.
std::vector<std::string> source_rows(const ServerInfo& server, const std::string& db,
                                     const std::string& table);

/// Live "id|v" lines ordered by id of a destination's table, read by sqlite3, psql, python3-avro or
/// by parsing the JSON lines (the last record of a key wins, deleted rows and rows of versions
/// older than the newest dropped). `records`: how many records the files hold.
std::vector<std::string> sqlite_rows(const std::string& path, const std::string& table);
std::vector<std::string> pg_rows_of(const std::string& schema, const std::string& table);
std::vector<std::string> jsonl_rows(const std::string& dir, const std::string& stream_id,
                                    size_t* records = nullptr);
std::vector<std::string> avro_rows(const std::string& dir, const std::string& stream_id,
                                   size_t* records = nullptr);

/// A PostgreSQL destination section (config JSON field) for `schema`, state_id `state_id`.
std::string pg_destination(const std::string& schema, const std::string& state_id = "default");

}  // namespace sluice::test::state
