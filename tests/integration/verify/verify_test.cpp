// `sluice verify` against real servers: after a `sluice sync` into SQLite and into PostgreSQL, a
// difference of each kind (changed value, missing row, extra row; a soft-deleted row counts as
// missing) injected into the destination in the first, middle and last chunk is found exactly,
// `--repair` fixes exactly those rows (verify is clean after; other rows keep their
// `_sdc_extracted_at`), and a table of every common type compares equal when equal (from both
// servers, into both destinations), with a source change not yet synced reported as pending.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/pg_test_server.h"
#include "support/sink_fixture.h"
#include "support/test_servers.h"
#include "support/test_util.h"
#include "verify_lines.h"

namespace sluice::test {
namespace {

/// A destination under test: its config section and SQL run on it.
struct Dest {
  std::string section;  ///< "\"destination\": {...}"
  std::string sqlite;   ///< the SQLite file, or "" for PostgreSQL
  std::string schema;   ///< PostgreSQL: the schema of the tables

  std::string sql(const std::string& text) const {
    if (!sqlite.empty()) {
      CommandResult r = run_command({"sqlite3", "-batch", sqlite, text});
      EXPECT_EQ(r.exit_code, 0) << text << ": " << r.err;
      return r.out;
    }
    return psql(text);
  }
  std::string table(const std::string& name) const { return sqlite.empty() ? schema + "." + name : name; }
};

Dest sqlite_dest() {
  Dest d;
  d.sqlite = make_temp_dir("verify-sqlite") + "/dest.db";
  d.section = "\"destination\": {\"type\": \"sqlite\", \"path\": \"" + d.sqlite + "\"}";
  return d;
}

Dest pg_dest(const std::string& schema) {
  Dest d;
  d.schema = schema;
  psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  d.section = "\"destination\": {\"type\": \"postgres\", \"host\": \"127.0.0.1\", \"port\": " + pg_port() +
              ", \"user\": \"postgres\", \"password\": \"pgpw\", \"dbname\": \"sluice\", \"schema\": \"" +
              schema + "\", \"report_dir\": \"" + make_temp_dir("verify-reports") + "\"}";
  return d;
}

// Source ids 2, 4, ..., 60 in chunks of 10 rows: 2..20, 22..40, 42..60.
void inject_and_repair(const ServerInfo& server, const Dest& dest, const std::string& db) {
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(server,
            "CREATE TABLE v (id INT PRIMARY KEY, name VARCHAR(20), amount DECIMAL(10,2));"
            "INSERT INTO v WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 30) "
            "SELECT 2 * i, CONCAT('n', i), i * 1.25 FROM s",
            db);
  std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", " + dest.section);
  std::string catalog = make_sink_catalog(config, db, "FULL_TABLE", "v");
  CommandResult r = run_sluice({"sync", "--config", config, "--catalog", catalog});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> verify = {"verify", "--config",     config, "--catalog",
                                     catalog,  "--chunk-rows", "10"};
  r = run_sluice(verify);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(db + "-v: equal (30 source rows, 30 destination rows, 4 chunks"), std::string::npos)
      << r.out;

  std::string v = dest.table("v");
  std::string untouched = "SELECT _sdc_extracted_at FROM " + v + " WHERE id IN (10, 32, 50) ORDER BY id";
  std::string before = dest.sql(untouched);
  dest.sql("UPDATE " + v + " SET amount = 99 WHERE id = 4; UPDATE " + v +
           " SET name = 'x' WHERE id = 24; UPDATE " + v +
           " SET name = 'y', amount = 0 WHERE id = 58; DELETE FROM " + v +
           " WHERE id IN (6, 26, 60); UPDATE " + v +
           " SET _sdc_deleted_at = '2024-01-01 00:00:00+00' WHERE id = 44; INSERT INTO " + v +
           " (id, name, amount) VALUES (3, 'e1', 1), (25, 'e2', 2), (59, 'e3', 3), (61, 'e4', 4)");
  r = run_sluice(verify);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::vector<std::string> expected = {"changed {\"id\":24} columns: name",
                                       "changed {\"id\":4} columns: amount",
                                       "changed {\"id\":58} columns: name, amount",
                                       "extra {\"id\":25}",
                                       "extra {\"id\":3}",
                                       "extra {\"id\":59}",
                                       "extra {\"id\":61}",
                                       "missing {\"id\":26}",
                                       "missing {\"id\":44}",
                                       "missing {\"id\":60}",
                                       "missing {\"id\":6}"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(row_lines(r.out), expected) << r.out;
  EXPECT_NE(r.out.find("range after (open) up to {\"id\":20}: checksums differ"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("range after {\"id\":60} up to (open): checksums differ (0 source rows, 1 destination"),
      std::string::npos)
      << r.out;

  verify.push_back("--repair");
  r = run_sluice(verify);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("repaired: 7 rows written from the source, 4 extra rows deleted"), std::string::npos)
      << r.out;
  verify.pop_back();
  r = run_sluice(verify);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(dest.sql(untouched), before);
  EXPECT_EQ(dest.sql("SELECT id, name, amount FROM " + v +
                     " WHERE id IN (4, 24, 44, 58, 60) AND _sdc_deleted_at IS "
                     "NULL ORDER BY id"),
            "4|n2|2.50\n24|n12|15.00\n44|n22|27.50\n58|n29|36.25\n60|n30|37.50\n");
}

TEST(Verify, FindsEachKindInFirstMiddleLastChunkAndRepairsExactlyThoseSqlite) {
  inject_and_repair(shared_server("mariadb"), sqlite_dest(), "verify_sqlite");
}

// A VARCHAR key under a case-insensitive collation orders differently in SQLite (bytes): rows fall
// in other chunks there, and verify pairs them across chunks instead of calling them missing/extra.
TEST(Verify, StringKeysOrderedDifferentlyPairAcrossChunks) {
  ServerInfo server = shared_server("mysql");
  Dest dest = sqlite_dest();
  std::string db = "verify_strkey";
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(
      server,
      "CREATE TABLE s (k VARCHAR(10) PRIMARY KEY, v INT); INSERT INTO s VALUES ('a', 1), ('B', 2), ('c', 3), "
      "('D', 4), ('e', 5)",
      db);
  std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", " + dest.section);
  ASSERT_EQ(
      run_sluice({"sync", "--config", config, "--catalog", make_sink_catalog(config, db, "FULL_TABLE", "s")})
          .exit_code,
      0);
  std::vector<std::string> verify = {"verify",  "--config",     config, "--tables",
                                     db + ".s", "--chunk-rows", "1"};
  CommandResult r = run_sluice(verify);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  dest.sql(
      "UPDATE s SET v = 20 WHERE k = 'B'; DELETE FROM s WHERE k = 'c'; INSERT INTO s (k, v) VALUES ('Z', 9)");
  r = run_sluice(verify);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(row_lines(r.out), (std::vector<std::string>{"changed {\"k\":\"B\"} columns: v",
                                                        "extra {\"k\":\"Z\"}", "missing {\"k\":\"c\"}"}))
      << r.out;
  r = run_sluice({"verify", "--config", config, "--tables", db + ".s", "--chunk-rows", "2", "--repair"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(run_sluice(verify).exit_code, 0);
}

// --rate-limit paces the source reads; a destination verify cannot read is a configuration error
// (exit 2, one line).
TEST(Verify, RateLimitAndConfigurationErrors) {
  ServerInfo server = shared_server("mariadb");
  Dest dest = sqlite_dest();
  std::string db = "verify_rate";
  admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
  admin_sql(
      server,
      "CREATE TABLE r (id INT PRIMARY KEY, x INT); INSERT INTO r WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL "
      "SELECT i + 1 FROM s WHERE i < 48) SELECT i, i FROM s",
      db);
  std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", " + dest.section);
  ASSERT_EQ(
      run_sluice({"sync", "--config", config, "--catalog", make_sink_catalog(config, db, "FULL_TABLE", "r")})
          .exit_code,
      0);
  auto start = std::chrono::steady_clock::now();
  CommandResult r = run_sluice({"verify", "--config", config, "--tables", db + ".r", "--rate-limit", "80"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(seconds, 0.55);  // 48 rows at 80 rows/s: 0.6 s
  r = run_sluice(
      {"verify", "--config", config, "--tables", db + ".r", "--destination", "jsonl:" + make_temp_dir("j")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "sluice: error: verify compares a SQLite or PostgreSQL destination: give --destination "
            "sqlite:FILE or a "
            "'destination' section of type sqlite or postgres in the config\n");
  r = run_sluice({"verify", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("verify needs --catalog FILE"), std::string::npos) << r.err;
}

TEST(Verify, FindsEachKindInFirstMiddleLastChunkAndRepairsExactlyThosePostgres) {
  inject_and_repair(shared_server("mysql"), pg_dest("verify_pg"), "verify_pg");
}

// DECIMAL, DATETIME(6), TIMESTAMP, TIME, JSON, FLOAT/DOUBLE, BIT, BLOB, ENUM/SET and NULLs compare
// equal in SQLite and PostgreSQL, from both servers; a source change the destination has not had
// yet is pending (exit 4), not wrong.
TEST(Verify, EveryTypeEqualWhenEqualAndUnsyncedChangePending) {
  for (const std::string& name : shared_server_names()) {
    ServerInfo server = shared_server(name);
    for (const Dest& dest : {sqlite_dest(), pg_dest("verify_types_" + name)}) {
      SCOPED_TRACE(name + (dest.sqlite.empty() ? " postgres" : " sqlite"));
      std::string db = "verify_types_" + name;
      admin_sql(server, "DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db);
      admin_sql(server, kAllTypesCreate, db);
      std::string config = write_config(server, "\"filter_dbs\": \"" + db + "\", " + dest.section);
      std::string catalog = make_sink_catalog(config, db, "LOG_BASED", "t");
      std::vector<std::string> verify = {"verify", "--config", config,   "--catalog",
                                         catalog,  "--tables", db + ".t"};
      ASSERT_EQ(run_sluice({"sync", "--config", config, "--catalog", catalog}).exit_code, 0);
      CommandResult r = run_sluice(verify);
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      admin_sql(server, kAllTypesChanges, db);
      ASSERT_EQ(run_sluice({"sync", "--config", config, "--catalog", catalog}).exit_code, 0);
      r = run_sluice(verify);
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      EXPECT_NE(r.out.find(db + "-t: equal (3 source rows, 3 destination rows"), std::string::npos) << r.out;
      admin_sql(server, "UPDATE t SET fl = 2.5 WHERE id = 1", db);
      r = run_sluice(verify);
      EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
      EXPECT_EQ(row_lines(r.out), std::vector<std::string>{"pending changed {\"id\":1} columns: fl"})
          << r.out;
    }
  }
}

}  // namespace
}  // namespace sluice::test
