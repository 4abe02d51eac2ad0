// Log-based jobs where the source changes primary keys (UPDATE ... SET id = ..., one row and many)
// and truncates a table, on both servers, into every destination: SQLite (soft and hard deletes),
// PostgreSQL (soft and hard), Singer stdout, JSON lines and Avro. After the jobs the live rows
// (`_sdc_deleted_at` unset, or replayed as a Singer target would) equal the source value by value,
// with no key the source no longer has; each destination is read by its own reader (python's
// sqlite3 and avro, psql, the JSON files) through keyed_replay.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "integration/sync/resume_support.h"
#include "integration/sync/sync_support.h"
#include "support/pg_test_server.h"
#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"

namespace sluice::test::sync {
namespace {

const char* const kCols = "id,v,d";

/// One destination of the test: its --destination text (empty: Singer stdout) and how to read it.
struct Destination {
  std::string label;
  std::string arg;
  std::string mode;   ///< keyed_replay.py mode, or "postgres"
  std::string where;  ///< replay input (file, directory), or the PostgreSQL schema
  std::vector<std::string> singer_outputs;
};

std::vector<Destination> destinations(const std::string& server) {
  std::string dir = make_temp_dir("keychange");
  auto pg = [&](const std::string& name, bool hard) {
    return "{\"type\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":" + pg_port() +
           ",\"user\":\"postgres\",\"password\":\"pgpw\",\"dbname\":\"sluice\",\"integration_name\":\"" +
           name + "\"" + (hard ? ",\"deletes\":\"hard\"" : "") + ",\"report\":false}";
  };
  std::string soft_schema = "kc_soft_" + server, hard_schema = "kc_hard_" + server;
  psql("DROP SCHEMA IF EXISTS " + soft_schema + " CASCADE; DROP SCHEMA IF EXISTS " + hard_schema +
       " CASCADE");
  return {
      {"sqlite soft",
       "{\"type\":\"sqlite\",\"path\":\"" + dir + "/soft.db\",\"report\":false}",
       "sqlite",
       dir + "/soft.db",
       {}},
      {"sqlite hard",
       "{\"type\":\"sqlite\",\"path\":\"" + dir + "/hard.db\",\"deletes\":\"hard\",\"report\":false}",
       "sqlite",
       dir + "/hard.db",
       {}},
      {"postgres soft", pg(soft_schema, false), "postgres", soft_schema, {}},
      {"postgres hard", pg(hard_schema, true), "postgres", hard_schema, {}},
      {"jsonl",
       "{\"type\":\"jsonl\",\"path\":\"" + dir + "/jsonl\",\"report\":false}",
       "jsonl",
       dir + "/jsonl",
       {}},
      {"avro",
       "{\"type\":\"avro\",\"path\":\"" + dir + "/avro\",\"report\":false}",
       "avro",
       dir + "/avro",
       {}},
      {"singer", "", "singer", "", {}},
  };
}

/// One job into `d` (Singer: from the previous run's output).
void run_job(Destination& d, const std::string& config, const std::string& catalog) {
  std::vector<std::string> extra;
  if (!d.arg.empty()) extra = {"--destination", d.arg};
  std::string state = d.singer_outputs.empty() ? "" : d.singer_outputs.back();
  SyncRun r = run_sync(config, catalog, d.arg.empty() ? state : "", extra);
  ASSERT_EQ(r.exit_code, 0) << d.label << ": " << r.err;
  if (d.arg.empty()) d.singer_outputs.push_back(r.out_path);
}

/// keyed_replay.py over `d` (rows, or with events=true the changes in order).
std::vector<std::string> replay(const Destination& d, const std::string& db, bool events = false) {
  std::string name = d.mode == "sqlite" ? "t" : d.mode == "singer" ? "t" : db + "-t";
  std::vector<std::string> argv = {"/usr/bin/env",
                                   std::string("KEYED_REPLAY_EVENTS=") + (events ? "1" : "0"),
                                   "/usr/bin/python3",
                                   source_dir() + "/tests/integration/sync/keyed_replay.py",
                                   d.mode,
                                   name,
                                   "id",
                                   kCols};
  if (d.mode == "singer") {
    argv.insert(argv.end(), d.singer_outputs.begin(), d.singer_outputs.end());
  } else {
    argv.push_back(d.where);
  }
  CommandResult r = run_command(argv);
  EXPECT_EQ(r.exit_code, 0) << d.label << ": " << r.err;
  return split_lines(r.out);
}

/// The live rows of `d` as tab-separated "id v d" lines sorted by id.
std::vector<std::string> live_rows(const Destination& d, const std::string& db) {
  if (d.mode != "postgres") return replay(d, db);
  std::vector<std::string> out;
  for (const auto& f :
       pg_rows("SELECT id, v, d::text FROM " + d.where + ".t WHERE _sdc_deleted_at IS NULL ORDER BY id")) {
    out.push_back(f.at(0) + "\t" + f.at(1) + "\t" + f.at(2));
  }
  return out;
}

void expect_live_rows_equal_source(const ServerInfo& server, const std::string& db, const Destination& d) {
  std::vector<std::string> source = split_lines(admin_sql(server, "SELECT id, v, d FROM t ORDER BY id", db));
  std::vector<std::string> dest = live_rows(d, db);
  EXPECT_EQ(dest, source) << server.name << ", " << d.label << ": live rows differ from the source";
}

/// Creates db.t (ids 1..20) and runs the first job (the snapshot) into every destination whose
/// mode `keep` accepts.
std::vector<Destination> start(const ServerInfo& server, const std::string& db, std::string& config,
                               std::string& catalog, bool (*keep)(const Destination&)) {
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(server,
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, d DECIMAL(8,2) NOT NULL);"
            "INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20) "
            "SELECT i, CONCAT('row ', i), i * 1.25 FROM n",
            db);
  config = write_config(server, "\"filter_dbs\": \"" + db + "\", \"server_id\": 4242");
  catalog = make_sink_catalog(config, db, "LOG_BASED", "t");
  std::vector<Destination> ds = destinations(server.name);
  std::erase_if(ds, [&](const Destination& d) { return !keep(d); });
  for (Destination& d : ds) run_job(d, config, catalog);
  return ds;
}

/// Position of `line` in `events`, or events.size().
size_t find_event(const std::vector<std::string>& events, const std::string& line) {
  return static_cast<size_t>(std::find(events.begin(), events.end(), line) - events.begin());
}

bool every(const Destination&) { return true; }
bool sqlite_only(const Destination& d) { return d.mode == "sqlite"; }

TEST(KeyChange, UpdatesOfThePrimaryKeyDeleteTheOldKeyInEveryDestination) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "keychange_" + name, config, catalog;
    std::vector<Destination> ds = start(server, db, config, catalog, every);
    admin_sql(
        server,
        "UPDATE t SET id = 101 WHERE id = 1;"                                   // one row
        "UPDATE t SET id = id + 1000 WHERE id BETWEEN 5 AND 9;"                 // many rows
        "DELETE FROM t WHERE id = 2; INSERT INTO t VALUES (2, 'again', 2.50);"  // the same key again
        "UPDATE t SET id = 1, v = 'back' WHERE id = 101;"                       // back to a moved-away key
        "BEGIN; UPDATE t SET id = 110 WHERE id = 10; INSERT INTO t VALUES (10, 'new ten', 0.10); COMMIT;"
        "UPDATE t SET v = 'plain' WHERE id = 3;",
        db);
    for (Destination& d : ds) {
      run_job(d, config, catalog);
      expect_live_rows_equal_source(server, db, d);
      if (d.mode != "jsonl" && d.mode != "avro" && d.mode != "singer") continue;
      // The delete of the old key comes right before the new row.
      std::vector<std::string> events = replay(d, db, true);
      for (int id : {1, 5, 6, 7, 8, 9, 10}) {
        std::string moved = std::to_string(id == 1 ? 101 : id == 10 ? 110 : id + 1000);
        size_t del = find_event(events, "delete " + std::to_string(id));
        ASSERT_LT(del + 1, events.size()) << d.label << ": no delete of key " << id;
        EXPECT_EQ(events[del + 1], "upsert " + moved) << d.label << ": after the delete of key " << id;
      }
    }
    // key_change_deletes: false gives the tap's Singer output: the new row alone.
    std::string tap_config = write_config(
        server, "\"filter_dbs\": \"" + db + "\", \"server_id\": 4242, \"key_change_deletes\": false");
    admin_sql(server, "UPDATE t SET id = 200 WHERE id = 13", db);
    SyncRun tap = run_sync(tap_config, catalog, ds.back().singer_outputs.back());
    ASSERT_EQ(tap.exit_code, 0) << tap.err;
    std::vector<nlohmann::json> records = tap.records("t");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["id"], 200);
    EXPECT_TRUE(records[0]["_sdc_deleted_at"].is_null());
    admin_sql(server, "DROP DATABASE " + db);
  }
}

// binlog_row_image=MINIMAL: the before image holds only the key, the after image only the columns
// the statement set. Key changes still delete the old key; an update that leaves the key alone
// reaches the row of its key (taken from the before image).
TEST(KeyChange, MinimalRowImagesIntoSqlite) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "keychange_min_" + name, config, catalog;
    std::vector<Destination> ds = start(server, db, config, catalog, sqlite_only);
    admin_sql(server,
              "SET SESSION binlog_row_image = MINIMAL;"
              "UPDATE t SET id = 111, v = 'minimal move', d = 11.11 WHERE id = 11;"
              "UPDATE t SET id = id + 1000, v = 'many', d = 0.50 WHERE id BETWEEN 14 AND 16;"
              "UPDATE t SET v = 'minimal update' WHERE id = 12;"
              "UPDATE t SET d = 99.99 WHERE id = 13;"
              "DELETE FROM t WHERE id = 17; INSERT INTO t VALUES (17, 'seventeen', 17.00);",
              db);
    for (Destination& d : ds) {
      run_job(d, config, catalog);
      expect_live_rows_equal_source(server, db, d);
    }
    admin_sql(server, "DROP DATABASE " + db);
  }
}

// TRUNCATE TABLE in the binlog (as written, with the session's default database, comments and
// quoted names): every destination drops the table's rows at its place in the stream; a TRUNCATE
// of a table with the same name in another database changes nothing.
TEST(Truncate, PropagatesToEveryDestinationAtItsPlace) {
  for (const std::string& name : shared_server_names()) {
    SCOPED_TRACE(name);
    ServerInfo server = shared_server(name);
    std::string db = "truncate_" + name, other = "truncate_other_" + name, config, catalog;
    std::vector<Destination> ds = start(server, db, config, catalog, every);
    admin_sql(server, "DROP DATABASE IF EXISTS " + other + "; CREATE DATABASE " + other + "; CREATE TABLE " +
                          other + ".t (id INT PRIMARY KEY); INSERT INTO " + other + ".t VALUES (1)");
    admin_sql(server,
              "UPDATE t SET v = 'before truncate' WHERE id = 3; DELETE FROM t WHERE id = 4;"
              "TRUNCATE /* all of it */ TABLE `t`;"
              "INSERT INTO t VALUES (1, 'one again', 1.00), (2, 'two again', 2.00), (50, 'fifty', 50.00);"
              "TRUNCATE TABLE " +
                  other +
                  ".t;"
                  "UPDATE t SET v = 'after' WHERE id = 2;",
              db);
    for (Destination& d : ds) {
      run_job(d, config, catalog);
      expect_live_rows_equal_source(server, db, d);
      if (d.mode != "jsonl" && d.mode != "avro" && d.mode != "singer") continue;
      std::vector<std::string> events = replay(d, db, true);
      size_t at = find_event(events, "truncate");
      ASSERT_LT(at, events.size()) << d.label;
      if (d.mode == "singer") continue;  // Singer's first job activates versions too
      std::vector<std::string> tail(events.begin() + static_cast<std::ptrdiff_t>(at), events.end());
      EXPECT_EQ(tail, (std::vector<std::string>{"truncate", "upsert 1", "upsert 2", "upsert 50", "upsert 2"}))
          << d.label;
    }
    // Singer: the rows after the TRUNCATE carry the activated version, and so does the bookmark.
    nlohmann::json last_activate;
    int64_t later_records = 0;
    for (const std::string& line : split_lines(read_file(ds.back().singer_outputs.back()))) {
      nlohmann::json m = nlohmann::json::parse(line);
      if (m["type"] == "ACTIVATE_VERSION") last_activate = m["version"];
      if (m["type"] == "RECORD" && !last_activate.is_null()) {
        EXPECT_EQ(m["version"], last_activate) << line;
        ++later_records;
      }
    }
    EXPECT_EQ(later_records, 4);
    std::string state_line = split_lines(read_file(ds.back().singer_outputs.back())).back();
    EXPECT_EQ(nlohmann::json::parse(state_line)["value"]["bookmarks"][db + "-t"]["version"], last_activate);

    // Another form, from another default database; then rows after it.
    admin_sql(server, "TRUNCATE `" + db + "`.`t`; INSERT INTO " + db + ".t VALUES (7, 'seven', 7.00)", other);
    for (Destination& d : ds) {
      run_job(d, config, catalog);
      expect_live_rows_equal_source(server, db, d);
    }
    admin_sql(server, "DROP DATABASE " + db + "; DROP DATABASE " + other);
  }
}

}  // namespace
}  // namespace sluice::test::sync
